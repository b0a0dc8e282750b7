//! The metric registry: every path an expectation may name, the unit its threshold is written in,
//! and where its estimate and 95 % interval come from.
//!
//! Adding a metric (the region-disaster metrics of the next milestone, say) happens here and only
//! here: a variant of [`Metric`] (or a new [`Distribution`] for a new duration family), its
//! path(s) in [`catalogue`], its [`Metric::unit`] and its arm in [`Metric::estimate`]. Parsing,
//! validation messages, evaluation and the table pick it up from there.

use crate::montecarlo::RunStats;
use crate::report::Summary;
use crate::scenario::Plane;
use crate::stats::{DurationStats, DurationSummary, ProportionSummary, Z95};

/// How a metric's threshold is written and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A duration string (`"48h"`); compared in seconds.
    Duration,
    /// A plain number in [0, 1].
    Probability,
    /// A plain non-negative number.
    Number,
}

impl Unit {
    /// How a value of this unit is described in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Unit::Duration => "a duration metric: write the value with a unit, e.g. \"<= 48h\"",
            Unit::Probability => "a probability: write a plain number in [0, 1], e.g. \">= 0.99\"",
            Unit::Number => "a plain number, e.g. \"<= 1.5\"",
        }
    }
}

/// A statistic of a duration distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    /// Mean; interval mean ± 1.96·SE.
    Mean,
    /// Exact minimum; a point value.
    Min,
    /// Percentile (50, 90, 95, 99); distribution-free order-statistic interval.
    Percentile(u8),
    /// Exact maximum; a point value.
    Max,
}

/// Statistics every duration family offers, with their path suffixes.
const STATS: [(&str, Stat); 7] = [
    ("mean", Stat::Mean),
    ("min", Stat::Min),
    ("p50", Stat::Percentile(50)),
    ("p90", Stat::Percentile(90)),
    ("p95", Stat::Percentile(95)),
    ("p99", Stat::Percentile(99)),
    ("max", Stat::Max),
];

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
    fn stats(self, run: &RunStats) -> Option<&DurationStats> {
        match self {
            Distribution::Rto(p) => Some(&run.planes[p.index()].rto),
            Distribution::Rpo(p) => Some(&run.planes[p.index()].rpo),
            Distribution::ClientLatency => run.clients.as_ref().map(|c| &c.latency),
            Distribution::ClientReconnect => run.clients.as_ref().map(|c| &c.reconnect),
            Distribution::ClientOverloaded => run.clients.as_ref().map(|c| &c.overloaded_after_trigger),
            Distribution::DisasterRto(p) => run.disasters.as_ref().map(|d| &d.planes[p.index()].rto),
            Distribution::DisasterRpo(p) => run.disasters.as_ref().map(|d| &d.planes[p.index()].rpo),
            Distribution::ControlPlaneReadOnly => run.disasters.as_ref().map(|d| &d.control_plane_read_only),
            Distribution::ControlPlaneFull => run.disasters.as_ref().map(|d| &d.control_plane_full),
            Distribution::MediaUnavailable => run.disasters.as_ref().map(|d| &d.media_unavailable),
            Distribution::UploadsAtRisk => run.disasters.as_ref().map(|d| &d.uploads_at_risk),
        }
    }

    fn summary(self, s: &Summary) -> Option<DurationSummary> {
        match self {
            Distribution::Rto(p) => s.zone_incidents[p.index()].rto,
            Distribution::Rpo(p) => s.zone_incidents[p.index()].rpo,
            Distribution::ClientLatency => s.clients.as_ref()?.latency,
            Distribution::ClientReconnect => s.clients.as_ref()?.reconnect,
            Distribution::ClientOverloaded => s.clients.as_ref()?.overloaded_after_trigger,
            Distribution::DisasterRto(p) => s.region_disasters.as_ref()?.planes[p.index()].rto,
            Distribution::DisasterRpo(p) => s.region_disasters.as_ref()?.planes[p.index()].rpo,
            Distribution::ControlPlaneReadOnly => s.region_disasters.as_ref()?.control_plane_read_only,
            Distribution::ControlPlaneFull => s.region_disasters.as_ref()?.control_plane_full,
            Distribution::MediaUnavailable => s.region_disasters.as_ref()?.media_unavailable,
            Distribution::UploadsAtRisk => s.region_disasters.as_ref()?.uploads_at_risk,
        }
    }
}

/// What an availability path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A plane.
    Plane(Plane),
    /// A feature, by index.
    Feature(usize),
}

/// Which objective a `p_meet` is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objective {
    /// Recovery time.
    Rto,
    /// Recovery point.
    Rpo,
}

/// A metric an expectation can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `availability.<plane or feature>`: time-average availability, interval its ci95.
    Availability(Subject),
    /// A statistic of a duration distribution.
    Duration(Distribution, Stat),
    /// `<plane>.{rto,rpo}.p_meet`: P(achieved ≤ target) per incident, Wilson interval.
    PMeet(Plane, Objective),
    /// `<plane>.incidents_per_replication`: mean ± 1.96·SE.
    IncidentsPerReplication(Plane),
    /// `clients.retry_amplification`: attempts per logical request, a point value.
    RetryAmplification,
    /// `clients.user_visible_failures`: fraction of logical requests failed, Wilson interval.
    UserVisibleFailures,
    /// `region_disaster.<plane>.{rto,rpo}.p_meet`: P(achieved ≤ target) per regional disaster,
    /// Wilson interval. (Region-disaster metrics have no data in scenarios without disasters.)
    DisasterPMeet(Plane, Objective),
}

/// One known metric path.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricDef {
    /// The path as written in `[expect]`.
    pub path: String,
    /// What it measures.
    pub metric: Metric,
}

/// Every metric path of a scenario with these features (name and plane); the client metrics are
/// listed whether or not the scenario has `[clients]` (validation rejects them without it).
pub fn catalogue(features: &[(String, Plane)]) -> Vec<MetricDef> {
    let mut out = Vec::new();
    let mut add = |path: String, metric: Metric| out.push(MetricDef { path, metric });
    for p in Plane::ALL {
        add(
            format!("availability.{}", p.key()),
            Metric::Availability(Subject::Plane(p)),
        );
    }
    for (i, (name, _)) in features.iter().enumerate() {
        // A feature named like a plane would be shadowed by the plane's path.
        if Plane::ALL.iter().all(|p| p.key() != name) {
            add(
                format!("availability.{name}"),
                Metric::Availability(Subject::Feature(i)),
            );
        }
    }
    for p in Plane::ALL {
        for (name, objective, dist) in [
            ("rto", Objective::Rto, Distribution::Rto(p)),
            ("rpo", Objective::Rpo, Distribution::Rpo(p)),
        ] {
            for (stat_name, stat) in STATS {
                add(format!("{}.{name}.{stat_name}", p.key()), Metric::Duration(dist, stat));
            }
            add(format!("{}.{name}.p_meet", p.key()), Metric::PMeet(p, objective));
        }
        add(
            format!("{}.incidents_per_replication", p.key()),
            Metric::IncidentsPerReplication(p),
        );
    }
    for p in Plane::ALL {
        for (name, objective, dist) in [
            ("rto", Objective::Rto, Distribution::DisasterRto(p)),
            ("rpo", Objective::Rpo, Distribution::DisasterRpo(p)),
        ] {
            for (stat_name, stat) in STATS {
                add(
                    format!("region_disaster.{}.{name}.{stat_name}", p.key()),
                    Metric::Duration(dist, stat),
                );
            }
            add(
                format!("region_disaster.{}.{name}.p_meet", p.key()),
                Metric::DisasterPMeet(p, objective),
            );
        }
    }
    for (name, dist) in [
        ("control_plane.read_only", Distribution::ControlPlaneReadOnly),
        ("control_plane.full_operation", Distribution::ControlPlaneFull),
        ("media_unavailable", Distribution::MediaUnavailable),
        ("uploads_at_risk", Distribution::UploadsAtRisk),
    ] {
        for (stat_name, stat) in STATS {
            add(
                format!("region_disaster.{name}.{stat_name}"),
                Metric::Duration(dist, stat),
            );
        }
    }
    add("clients.retry_amplification".into(), Metric::RetryAmplification);
    add("clients.user_visible_failures".into(), Metric::UserVisibleFailures);
    for (name, dist) in [
        ("latency", Distribution::ClientLatency),
        ("reconnect", Distribution::ClientReconnect),
        ("overloaded_after_trigger", Distribution::ClientOverloaded),
    ] {
        for (stat_name, stat) in STATS {
            add(format!("clients.{name}.{stat_name}"), Metric::Duration(dist, stat));
        }
    }
    out
}

/// The spread that goes with an estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Spread {
    /// A 95 % interval `[lo, hi]`; `hi` is `+∞` when the data cannot bound it (a high percentile
    /// of few samples).
    Interval(f64, f64),
    /// An exact value of the run, judged as it is (the reason says why there is no interval).
    Point(&'static str),
    /// An interval is needed but cannot be computed (the reason says why): inconclusive.
    Unavailable(&'static str),
}

/// A metric's estimate: seconds for durations, otherwise the number itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Its 95 % interval, or why there is none.
    pub spread: Spread,
}

fn mean_interval(mean: f64, se: Option<f64>) -> Spread {
    match se {
        // Every metric here is non-negative, so the interval is clamped at 0.
        Some(se) => Spread::Interval((mean - Z95 * se).max(0.0), mean + Z95 * se),
        None => Spread::Unavailable("fewer than 2 samples"),
    }
}

fn proportion(p: &ProportionSummary) -> Estimate {
    Estimate {
        value: p.estimate,
        spread: Spread::Interval(p.wilson95[0], p.wilson95[1]),
    }
}

const TICKS_PER_SECOND: f64 = crate::stats::TICKS_PER_SECOND as f64;

impl Metric {
    /// The unit its threshold is written in.
    pub fn unit(&self) -> Unit {
        match self {
            Metric::Duration(..) => Unit::Duration,
            Metric::Availability(_) | Metric::PMeet(..) | Metric::DisasterPMeet(..) | Metric::UserVisibleFailures => {
                Unit::Probability
            }
            Metric::IncidentsPerReplication(_) | Metric::RetryAmplification => Unit::Number,
        }
    }

    /// Whether it exists only in scenarios with `[clients]`.
    pub fn needs_clients(&self) -> bool {
        matches!(
            self,
            Metric::RetryAmplification
                | Metric::UserVisibleFailures
                | Metric::Duration(
                    Distribution::ClientLatency | Distribution::ClientReconnect | Distribution::ClientOverloaded,
                    _
                )
        )
    }

    /// The estimate of a finished run, `None` when the run has no data for it (no incidents,
    /// no logical requests, ...).
    pub fn estimate(&self, run: &RunStats, s: &Summary) -> Option<Estimate> {
        match *self {
            Metric::Availability(subject) => {
                let a = match subject {
                    Subject::Plane(p) => &s.availability.planes[p.index()],
                    Subject::Feature(i) => &s.availability.features[i],
                };
                Some(Estimate {
                    value: a.value.availability,
                    spread: match a.value.ci95 {
                        Some([lo, hi]) => Spread::Interval(lo, hi),
                        None => Spread::Unavailable("fewer than 2 replications"),
                    },
                })
            }
            Metric::Duration(dist, stat) => {
                let d = dist.summary(s)?;
                Some(match stat {
                    Stat::Mean => Estimate {
                        value: d.mean,
                        spread: mean_interval(d.mean, d.std_error),
                    },
                    Stat::Min => Estimate {
                        value: d.min,
                        spread: Spread::Point("exact minimum"),
                    },
                    Stat::Max => Estimate {
                        value: d.max,
                        spread: Spread::Point("exact maximum"),
                    },
                    Stat::Percentile(p) => {
                        let value = match p {
                            50 => d.p50,
                            90 => d.p90,
                            95 => d.p95,
                            _ => d.p99,
                        };
                        let ci = dist.stats(run)?.quantile_interval(f64::from(p) / 100.0, Z95)?;
                        let secs =
                            |t: Option<u64>, unbounded: f64| t.map_or(unbounded, |t| t as f64 / TICKS_PER_SECOND);
                        Estimate {
                            value,
                            // Durations are never negative: a lower rank below 1 means 0.
                            spread: Spread::Interval(secs(ci.lower, 0.0), secs(ci.upper, f64::INFINITY)),
                        }
                    }
                })
            }
            Metric::PMeet(p, objective) => {
                let z = &s.zone_incidents[p.index()];
                match objective {
                    Objective::Rto => z.p_meet_rto.as_ref().map(proportion),
                    Objective::Rpo => z.p_meet_rpo.as_ref().map(proportion),
                }
            }
            Metric::IncidentsPerReplication(p) => {
                let z = &s.zone_incidents[p.index()];
                Some(Estimate {
                    value: z.incidents_per_replication,
                    spread: mean_interval(z.incidents_per_replication, z.incidents_per_replication_se),
                })
            }
            Metric::RetryAmplification => {
                let c = s.clients.as_ref().filter(|c| c.logical_requests > 0)?;
                Some(Estimate {
                    value: c.retry_amplification,
                    spread: Spread::Point("a ratio, no standard error"),
                })
            }
            Metric::UserVisibleFailures => s.clients.as_ref()?.user_visible_failures.as_ref().map(proportion),
            Metric::DisasterPMeet(p, objective) => {
                let d = &s.region_disasters.as_ref()?.planes[p.index()];
                match objective {
                    Objective::Rto => d.p_meet_rto.as_ref().map(proportion),
                    Objective::Rpo => d.p_meet_rpo.as_ref().map(proportion),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_paths_are_unique_and_cover_the_summary() {
        let features = vec![
            ("browse-learn".to_string(), Plane::Data),
            ("admin".to_string(), Plane::Control),
        ];
        let all = catalogue(&features);
        let mut paths: Vec<&str> = all.iter().map(|d| d.path.as_str()).collect();
        let n = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), n, "duplicate paths");
        // 2 planes + 2 features; per plane 2 × (7 stats + p_meet) + incidents; clients 2 + 3 × 7.
        // Region disasters: per plane 2 × (7 stats + p_meet); 4 more families × 7 stats.
        assert_eq!(n, 4 + 2 * (2 * 8 + 1) + 2 * 2 * 8 + 4 * 7 + 2 + 3 * 7);
        for p in [
            "availability.data_plane",
            "availability.browse-learn",
            "data_plane.rto.p95",
            "control_plane.rpo.p_meet",
            "data_plane.incidents_per_replication",
            "clients.overloaded_after_trigger.max",
            "region_disaster.data_plane.rto.p95",
            "region_disaster.control_plane.rpo.p_meet",
            "region_disaster.control_plane.read_only.mean",
        ] {
            assert!(paths.contains(&p), "{p}");
        }
        let find = |p: &str| all.iter().find(|d| d.path == p).unwrap().metric;
        assert_eq!(find("data_plane.rto.p95").unit(), Unit::Duration);
        assert_eq!(find("availability.admin").unit(), Unit::Probability);
        assert_eq!(find("clients.retry_amplification").unit(), Unit::Number);
        assert!(find("clients.latency.mean").needs_clients());
        assert!(!find("data_plane.rpo.max").needs_clients());
    }
}
