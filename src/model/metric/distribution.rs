//! Duration distributions a run records and the statistics a path can name of them.

use super::{Needs, plane_name};
use crate::model::Plane;

/// A percentile the summary reports. A closed set: a path can name no other, and an estimate
/// never stands in for one it does not have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Percentile {
    /// Median.
    P50,
    /// 90th.
    P90,
    /// 95th.
    P95,
    /// 99th.
    P99,
}

impl Percentile {
    /// In summary order.
    pub const ALL: [Percentile; 4] = [Percentile::P50, Percentile::P90, Percentile::P95, Percentile::P99];

    /// 50, 90, 95 or 99.
    pub fn number(self) -> u8 {
        match self {
            Percentile::P50 => 50,
            Percentile::P90 => 90,
            Percentile::P95 => 95,
            Percentile::P99 => 99,
        }
    }

    /// The quantile, in (0, 1).
    pub fn fraction(self) -> f64 {
        f64::from(self.number()) / 100.0
    }
}

/// A statistic of a duration distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    /// Mean; interval mean ± 1.96·SE.
    Mean,
    /// Exact minimum; a point value.
    Min,
    /// Percentile; distribution-free order-statistic interval.
    Percentile(Percentile),
    /// Exact maximum; a point value.
    Max,
}

impl Stat {
    /// Every statistic a duration family offers, in summary order.
    pub const ALL: [Stat; 7] = [
        Stat::Mean,
        Stat::Min,
        Stat::Percentile(Percentile::P50),
        Stat::Percentile(Percentile::P90),
        Stat::Percentile(Percentile::P95),
        Stat::Percentile(Percentile::P99),
        Stat::Max,
    ];

    /// Its key under the family in `summary.json`.
    pub fn key(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Min => "min",
            Stat::Percentile(Percentile::P50) => "p50",
            Stat::Percentile(Percentile::P90) => "p90",
            Stat::Percentile(Percentile::P95) => "p95",
            Stat::Percentile(Percentile::P99) => "p99",
            Stat::Max => "max",
        }
    }

    /// For people: `mean`, `95th percentile`, ...
    pub fn describe(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Min => "minimum",
            Stat::Percentile(Percentile::P50) => "median",
            Stat::Percentile(Percentile::P90) => "90th percentile",
            Stat::Percentile(Percentile::P95) => "95th percentile",
            Stat::Percentile(Percentile::P99) => "99th percentile",
            Stat::Max => "maximum",
        }
    }
}

/// A duration distribution the run records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    /// Achieved RTO of a plane's completed zone incidents.
    Rto(Plane),
    /// Achieved RPO of a plane's zone incidents.
    Rpo(Plane),
    /// Latency of the clients' logical requests.
    ClientLatency,
    /// Reconnect time of clients that saw a failure.
    ClientReconnect,
    /// Time the entry services stayed overloaded after the trigger, per replication.
    ClientOverloaded,
    /// Reconnect time after the traffic switch to the pair, through regional disasters.
    ClientDisasterReconnect,
    /// Achieved RTO of a plane through regional disasters.
    DisasterRto(Plane),
    /// Achieved RPO of a plane through regional disasters.
    DisasterRpo(Plane),
    /// Disaster to read-only control plane in the pair.
    ControlPlaneReadOnly,
    /// Disaster to fully operational control plane.
    ControlPlaneFull,
    /// Audio/video unavailable per disaster.
    MediaUnavailable,
    /// Media uploads at risk per disaster.
    UploadsAtRisk,
}

impl Distribution {
    /// Its key path in `summary.json` (the object holding count, mean, percentiles, ...).
    pub fn path(self) -> String {
        match self {
            Distribution::Rto(p) => format!("zone_incidents.{}.rto", p.key()),
            Distribution::Rpo(p) => format!("zone_incidents.{}.rpo", p.key()),
            Distribution::ClientLatency => "clients.latency".into(),
            Distribution::ClientReconnect => "clients.reconnect".into(),
            Distribution::ClientOverloaded => "clients.overloaded_after_trigger".into(),
            Distribution::ClientDisasterReconnect => "clients.region_disasters.reconnect".into(),
            Distribution::DisasterRto(p) => format!("region_disasters.{}.rto", p.key()),
            Distribution::DisasterRpo(p) => format!("region_disasters.{}.rpo", p.key()),
            Distribution::ControlPlaneReadOnly => "region_disasters.control_plane_read_only".into(),
            Distribution::ControlPlaneFull => "region_disasters.control_plane_full".into(),
            Distribution::MediaUnavailable => "region_disasters.media_unavailable".into(),
            Distribution::UploadsAtRisk => "region_disasters.uploads_at_risk".into(),
        }
    }

    /// What is measured, for people (completes "the mean of …", "the 95th percentile of …").
    pub fn describe(self) -> String {
        match self {
            Distribution::Rto(p) => format!("the achieved RTO of the {}'s completed zone incidents", plane_name(p)),
            Distribution::Rpo(p) => format!("the achieved RPO of the {}'s zone incidents", plane_name(p)),
            Distribution::ClientLatency => "the latency of logical requests (first attempt to final answer)".into(),
            Distribution::ClientReconnect => {
                "the time from the end of a failover to a failed client's first success".into()
            }
            Distribution::ClientOverloaded => {
                "the time the entry services stayed overloaded after a failover, per replication with one".into()
            }
            Distribution::ClientDisasterReconnect => {
                "the time from the traffic switch to the pair (a regional disaster) to the first data-plane success of a client that failed before it".into()
            }
            Distribution::DisasterRto(p) => format!(
                "the achieved RTO of the {} through regional disasters it recovered from",
                plane_name(p)
            ),
            Distribution::DisasterRpo(p) => format!(
                "the achieved RPO of the {} through regional disasters that kept or restored its data",
                plane_name(p)
            ),
            Distribution::ControlPlaneReadOnly => {
                "the time from a regional disaster to a read-only control plane in the pair".into()
            }
            Distribution::ControlPlaneFull => {
                "the time from a regional disaster to a fully operational control plane".into()
            }
            Distribution::MediaUnavailable => "the time audio/video stayed unavailable per regional disaster".into(),
            Distribution::UploadsAtRisk => "the time media uploads were at risk per regional disaster".into(),
        }
    }

    pub(super) fn needs(self) -> Option<Needs> {
        match self {
            Distribution::Rto(_) | Distribution::Rpo(_) => None,
            Distribution::ClientLatency
            | Distribution::ClientReconnect
            | Distribution::ClientOverloaded
            | Distribution::ClientDisasterReconnect => Some(Needs::Clients),
            Distribution::DisasterRto(_)
            | Distribution::DisasterRpo(_)
            | Distribution::ControlPlaneReadOnly
            | Distribution::ControlPlaneFull
            | Distribution::MediaUnavailable
            | Distribution::UploadsAtRisk => Some(Needs::RegionDisasters),
        }
    }
}
