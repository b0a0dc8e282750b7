//! The sections every run has: availability of planes and features, zone incidents per plane,
//! and the misses per replication.

use super::keyed::{Keyed, PerPlane, plane_key};
use crate::model::Plane;
use crate::model::Scenario;
use crate::model::metric::Objective;
use crate::montecarlo::RunStats;
use crate::stats::{AvailabilitySummary, DurationSummary, MeanSummary, ProportionSummary};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Availability per feature and per plane: one JSON object, features first (in scenario order),
/// then `control_plane` and `data_plane` (no feature may take a plane's name).
#[derive(Clone, Debug, PartialEq)]
pub struct AvailabilitySection {
    /// By feature name, in scenario order.
    pub features: Keyed<FeatureAvailability>,
    /// Per plane, keyed `control_plane` and `data_plane`.
    pub planes: PerPlane<AvailabilitySummary>,
}

/// A feature's availability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureAvailability {
    /// The plane it belongs to (`control_plane` or `data_plane`).
    #[serde(with = "plane_key")]
    pub plane: Plane,
    /// The estimate and its interval.
    #[serde(flatten)]
    pub value: AvailabilitySummary,
}

impl AvailabilitySection {
    /// Name, plane and availability of every plane, then every feature (the order of reports).
    pub fn rows(&self) -> Vec<(&str, Plane, &AvailabilitySummary)> {
        let planes = self.planes.iter().map(|(p, a)| (p.key(), p, a));
        let features = self.features.iter().map(|(n, f)| (n, f.plane, &f.value));
        planes.chain(features).collect()
    }
}

impl Serialize for AvailabilitySection {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.features.0.len() + Plane::ALL.len()))?;
        for (name, f) in self.features.iter() {
            map.serialize_entry(name, f)?;
        }
        for (p, a) in self.planes.iter() {
            map.serialize_entry(p.key(), a)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AvailabilitySection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AvailabilitySection;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("availability by feature and plane")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AvailabilitySection, A::Error> {
                let mut planes: [Option<AvailabilitySummary>; 2] = [None, None];
                let mut features = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    match Plane::from_key(&key) {
                        Some(p) => planes[p.index()] = Some(map.next_value()?),
                        None => features.push((key, map.next_value()?)),
                    }
                }
                let [Some(control_plane), Some(data_plane)] = planes else {
                    return Err(serde::de::Error::custom("availability of control_plane and data_plane"));
                };
                Ok(AvailabilitySection {
                    features: Keyed(features),
                    planes: PerPlane {
                        control_plane,
                        data_plane,
                    },
                })
            }
        }
        d.deserialize_map(V)
    }
}

/// Incident statistics of one plane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaneIncidents {
    /// RPO target, seconds.
    pub target_rpo_s: f64,
    /// RTO target, seconds.
    pub target_rto_s: f64,
    /// Incidents in all replications.
    pub incidents: u64,
    /// Of which only failover windows.
    pub failover_incidents: u64,
    /// Of which outright outages.
    pub outage_incidents: u64,
    /// Of which still open at the horizon (RTO censored).
    pub censored_incidents: u64,
    /// Mean zone incidents per replication, with its standard error and 95 % interval.
    pub incidents_per_replication: MeanSummary,
    /// Achieved RTO of completed incidents.
    pub rto: Option<DurationSummary>,
    /// Achieved RPO.
    pub rpo: Option<DurationSummary>,
    /// P(achieved RTO ≤ target) per incident.
    pub p_meet_rto: Option<ProportionSummary>,
    /// P(achieved RPO ≤ target) per incident.
    pub p_meet_rpo: Option<ProportionSummary>,
}

impl PlaneIncidents {
    /// The distribution of an objective.
    pub fn distribution(&self, o: Objective) -> Option<&DurationSummary> {
        o.pick(&self.rto, &self.rpo).as_ref()
    }

    /// P(meet) of an objective.
    pub fn p_meet(&self, o: Objective) -> Option<&ProportionSummary> {
        o.pick(&self.p_meet_rto, &self.p_meet_rpo).as_ref()
    }
}

/// Zone incidents plus regional disasters per replication that missed a plane's targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Misses {
    /// Missed the RTO target.
    pub rto: MeanSummary,
    /// Missed the RPO target, or lost the data.
    pub rpo: MeanSummary,
}

impl Misses {
    /// The misses of an objective.
    pub fn of(&self, o: Objective) -> &MeanSummary {
        match o {
            Objective::Rto => &self.rto,
            Objective::Rpo => &self.rpo,
        }
    }
}

pub(super) fn availability(s: &Scenario, stats: &RunStats) -> AvailabilitySection {
    let of = |a: &crate::stats::TimeAverage| a.summary().expect("at least one replication");
    AvailabilitySection {
        features: s
            .features
            .iter()
            .zip(&stats.features)
            .map(|(f, a)| {
                (
                    f.name.clone(),
                    FeatureAvailability {
                        plane: f.plane,
                        value: of(a),
                    },
                )
            })
            .collect(),
        planes: PerPlane::new(|p| of(&stats.planes[p.index()].availability)),
    }
}

pub(super) fn incidents(s: &Scenario, stats: &RunStats, p: Plane) -> PlaneIncidents {
    let ps = &stats.planes[p.index()];
    let t = s.targets[p.index()];
    PlaneIncidents {
        target_rpo_s: t.rpo.as_secs_f64(),
        target_rto_s: t.rto.as_secs_f64(),
        incidents: ps.failover_incidents + ps.outage_incidents,
        failover_incidents: ps.failover_incidents,
        outage_incidents: ps.outage_incidents,
        censored_incidents: ps.censored_incidents,
        incidents_per_replication: ps
            .incidents_per_replication
            .mean_summary()
            .expect("at least one replication"),
        rto: ps.rto.summary(),
        rpo: ps.rpo.summary(),
        p_meet_rto: ps.meet_rto.summary(),
        p_meet_rpo: ps.meet_rpo.summary(),
    }
}

pub(super) fn misses(stats: &RunStats, p: Plane) -> Misses {
    let ps = &stats.planes[p.index()];
    let of = |m: &crate::stats::Moments| m.mean_summary().expect("at least one replication");
    Misses {
        rto: of(&ps.rto_misses_per_replication),
        rpo: of(&ps.rpo_misses_per_replication),
    }
}
