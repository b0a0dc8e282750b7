//! Weighted estimates of a run under importance sampling: each replication counts with its
//! likelihood ratio, so the estimates are of the scenario's own (untilted) rates.

use crate::model::Plane;
use crate::model::Scenario;
use crate::model::{Disaster, ReplicationOutcome};
use crate::stats::WeightedMean;
use serde::{Deserialize, Serialize};

/// One plane: probabilities of at least one regional disaster, in the observation window,
/// that misses its target there.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportancePlaneStats {
    /// P(some disaster's RTO exceeds the target within the horizon). A disaster still
    /// recovering at the horizon counts once it has already exceeded the target.
    pub rto_missed: WeightedMean,
    /// P(some disaster's RPO exceeds the target, or its data is lost outright).
    pub rpo_missed: WeightedMean,
}

/// The weighted estimates of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportanceSamplingStats {
    /// Mean likelihood ratio: 1 in expectation; far from 1 (in standard errors) means the
    /// weights degenerated and the other estimates cannot be trusted.
    pub likelihood_ratio: WeightedMean,
    /// P(at least one regional disaster in the observation window).
    pub any_disaster: WeightedMean,
    /// Regional disasters per replication.
    pub disasters: WeightedMean,
    /// Per plane, by [`Plane::index`].
    pub planes: Vec<ImportancePlaneStats>,
}

/// Whether disaster `d` misses `plane`'s RTO target (within `horizon`) or its RPO target.
fn misses(s: &Scenario, d: &Disaster, plane: Plane) -> (bool, bool) {
    let target = s.targets[plane.index()];
    // Cut at the horizon: a censored recovery misses only once it is already past the target.
    let (rto, _) = d.rto(plane, crate::engine::SimTime(s.horizon.ticks()));
    let rpo_missed = d.rpo[plane.index()].is_none_or(|rpo| rpo > target.rpo);
    (rto > target.rto, rpo_missed)
}

impl ImportanceSamplingStats {
    /// Empty statistics.
    pub fn new() -> ImportanceSamplingStats {
        ImportanceSamplingStats {
            planes: vec![ImportancePlaneStats::default(); Plane::ALL.len()],
            ..ImportanceSamplingStats::default()
        }
    }

    /// Folds in one replication, weighted by its likelihood ratio (1 when it has none).
    pub fn record(&mut self, s: &Scenario, o: &ReplicationOutcome) {
        let w = o.likelihood_ratio.unwrap_or(1.0);
        let n = o.disasters.len() as u64;
        self.likelihood_ratio.record(w, 1);
        self.any_disaster.record(w, u64::from(n > 0));
        self.disasters.record(w, n);
        for plane in Plane::ALL {
            let (rto, rpo) = o.disasters.iter().fold((false, false), |(a, b), d| {
                let (x, y) = misses(s, d, plane);
                (a || x, b || y)
            });
            let p = &mut self.planes[plane.index()];
            p.rto_missed.record(w, u64::from(rto));
            p.rpo_missed.record(w, u64::from(rpo));
        }
    }

    /// Adds another run's statistics (exact).
    pub fn merge(&mut self, o: &ImportanceSamplingStats) {
        self.likelihood_ratio.merge(&o.likelihood_ratio);
        self.any_disaster.merge(&o.any_disaster);
        self.disasters.merge(&o.disasters);
        for (a, b) in self.planes.iter_mut().zip(&o.planes) {
            a.rto_missed.merge(&b.rto_missed);
            a.rpo_missed.merge(&b.rpo_missed);
        }
    }
}
