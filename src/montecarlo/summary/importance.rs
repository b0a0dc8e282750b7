//! The `importance_sampling` section of the summary: weighted estimates under the scenario's own
//! region-disaster rates, with their variance reduction against plain sampling.

use super::keyed::PerPlane;
use crate::model::Scenario;
use crate::model::metric::Objective;
use crate::montecarlo::ImportanceSamplingStats;
use crate::stats::WeightedSummary;
use serde::{Deserialize, Serialize};

/// What the section is, for readers of `summary.json`.
const NOTE: &str = "Estimates weighted by each replication's likelihood ratio: they describe the scenario's own \
region-disaster rates. Every other section describes the tilted distribution the replications were sampled from \
(region-disaster rates multiplied by the factor).";

/// Weighted estimates of a run under importance sampling.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportanceSamplingSummary {
    /// What these numbers are, and what the other sections then describe.
    pub note: String,
    /// Factor multiplying every region-disaster rate while sampling.
    pub region_disaster_rate_factor: f64,
    /// Mean likelihood ratio: 1 in expectation (a check on the weights).
    pub mean_likelihood_ratio: Option<WeightedSummary>,
    /// P(at least one regional disaster in the observation window).
    pub p_any_disaster: Option<WeightedSummary>,
    /// Expected regional disasters per replication.
    pub disasters_per_replication: Option<WeightedSummary>,
    /// Per plane, under `control_plane` and `data_plane` beside the other keys.
    #[serde(flatten)]
    pub planes: PerPlane<ImportancePlane>,
}

/// One plane: the probability that some disaster misses its targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportancePlane {
    /// RTO target, seconds.
    pub target_rto_s: f64,
    /// RPO target, seconds.
    pub target_rpo_s: f64,
    /// P(at least one disaster whose RTO exceeds the target within the horizon).
    pub p_rto_missed: Option<WeightedSummary>,
    /// P(at least one disaster whose RPO exceeds the target or whose data is lost).
    pub p_rpo_missed: Option<WeightedSummary>,
}

impl ImportancePlane {
    /// P(some disaster misses the objective).
    pub fn p_missed(&self, o: Objective) -> Option<&WeightedSummary> {
        match o {
            Objective::Rto => self.p_rto_missed.as_ref(),
            Objective::Rpo => self.p_rpo_missed.as_ref(),
        }
    }
}

/// The section, when the scenario has importance sampling.
pub(super) fn summary(s: &Scenario, stats: &ImportanceSamplingStats) -> Option<ImportanceSamplingSummary> {
    let factor = s.importance_sampling?.region_disaster_rate_factor;
    Some(ImportanceSamplingSummary {
        note: NOTE.into(),
        region_disaster_rate_factor: factor,
        mean_likelihood_ratio: stats.likelihood_ratio.summary(),
        p_any_disaster: stats.any_disaster.summary(),
        disasters_per_replication: stats.disasters.summary(),
        planes: PerPlane::new(|plane| {
            let p = &stats.planes[plane.index()];
            let t = s.targets[plane.index()];
            ImportancePlane {
                target_rto_s: t.rto.as_secs_f64(),
                target_rpo_s: t.rpo.as_secs_f64(),
                p_rto_missed: p.rto_missed.summary(),
                p_rpo_missed: p.rpo_missed.summary(),
            }
        }),
    })
}
