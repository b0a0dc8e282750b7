//! The run's accumulators: one value per replication folded into exactly mergeable statistics.

use crate::clients::ClientStats;
use crate::model::{IncidentKind, ReplicationOutcome};
use crate::scenario::{Plane, Scenario};
use crate::stats::{DurationStats, Moments, TargetMeet, TimeAverage};
use serde::{Deserialize, Serialize};

/// Statistics of one plane over a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaneStats {
    /// Fraction of the observation window the plane was fully up.
    pub availability: TimeAverage,
    /// Incidents per replication.
    pub incidents_per_replication: Moments,
    /// Incidents that were only failover windows.
    pub failover_incidents: u64,
    /// Incidents with an outright outage.
    pub outage_incidents: u64,
    /// Incidents still open at the horizon.
    pub censored_incidents: u64,
    /// Achieved RTO of completed incidents, ticks.
    pub rto: DurationStats,
    /// Achieved RPO of every incident, ticks.
    pub rpo: DurationStats,
    /// Incidents meeting the RTO target. A censored incident counts only once it has already
    /// exceeded the target (a certain miss); one still below it at the horizon is left out.
    pub meet_rto: TargetMeet,
    /// Incidents meeting the RPO target.
    pub meet_rpo: TargetMeet,
}

/// Everything a run accumulates; merging is exact, so any split or order gives the same state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    /// Replications folded in.
    pub replications: u64,
    /// Engine events delivered, in all.
    pub events: u128,
    /// Per feature, in scenario order.
    pub features: Vec<TimeAverage>,
    /// Per plane, indexed by [`Plane::index`].
    pub planes: Vec<PlaneStats>,
    /// Client metrics, when the scenario has `[clients]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<ClientStats>,
}

impl RunStats {
    /// Empty statistics for a scenario.
    pub fn new(s: &Scenario) -> RunStats {
        let window = s.horizon.ticks() - s.warmup.ticks();
        RunStats {
            replications: 0,
            events: 0,
            features: s.features.iter().map(|_| TimeAverage::new(window)).collect(),
            planes: Plane::ALL
                .iter()
                .map(|_| PlaneStats {
                    availability: TimeAverage::new(window),
                    incidents_per_replication: Moments::new(),
                    failover_incidents: 0,
                    outage_incidents: 0,
                    censored_incidents: 0,
                    rto: DurationStats::new(),
                    rpo: DurationStats::new(),
                    meet_rto: TargetMeet::new(),
                    meet_rpo: TargetMeet::new(),
                })
                .collect(),
            clients: s.clients.as_ref().map(|_| ClientStats::new(s.features.len())),
        }
    }

    /// Folds in one replication.
    pub fn record(&mut self, s: &Scenario, o: &ReplicationOutcome) {
        self.replications += 1;
        self.events += u128::from(o.events);
        for (acc, &down) in self.features.iter_mut().zip(&o.feature_downtime) {
            acc.record(down);
        }
        for plane in Plane::ALL {
            let p = &mut self.planes[plane.index()];
            let target = s.targets[plane.index()];
            p.availability.record(o.plane_downtime[plane.index()]);
            let mut count = 0;
            for inc in o.incidents.iter().filter(|i| i.plane == plane) {
                count += 1;
                match inc.kind {
                    IncidentKind::Failover => p.failover_incidents += 1,
                    IncidentKind::Outage => p.outage_incidents += 1,
                }
                let rto = inc.rto().ticks();
                if inc.censored {
                    p.censored_incidents += 1;
                    if rto > target.rto.ticks() {
                        p.meet_rto.record_outcome(false);
                    }
                } else {
                    p.rto.record(rto);
                    p.meet_rto.record(rto, target.rto.ticks());
                }
                p.rpo.record(inc.rpo.ticks());
                p.meet_rpo.record(inc.rpo.ticks(), target.rpo.ticks());
            }
            p.incidents_per_replication.record(count);
        }
        if let (Some(acc), Some(c)) = (self.clients.as_mut(), o.clients.as_ref()) {
            acc.record(c);
        }
    }

    /// Adds another run's statistics (exact; order does not matter).
    pub fn merge(&mut self, other: &RunStats) {
        self.replications += other.replications;
        self.events += other.events;
        for (a, b) in self.features.iter_mut().zip(&other.features) {
            a.merge(b);
        }
        for (a, b) in self.planes.iter_mut().zip(&other.planes) {
            a.availability.merge(&b.availability);
            a.incidents_per_replication.merge(&b.incidents_per_replication);
            a.failover_incidents += b.failover_incidents;
            a.outage_incidents += b.outage_incidents;
            a.censored_incidents += b.censored_incidents;
            a.rto.merge(&b.rto);
            a.rpo.merge(&b.rpo);
            a.meet_rto.merge(&b.meet_rto);
            a.meet_rpo.merge(&b.meet_rpo);
        }
        if let (Some(a), Some(b)) = (self.clients.as_mut(), other.clients.as_ref()) {
            a.merge(b);
        }
    }
}
