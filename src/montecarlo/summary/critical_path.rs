//! `critical_path.<plane>`: where the incidents' time went and why they missed their targets.

use super::keyed::{Keyed, PerPlane};
use crate::model::metric::Objective;
use crate::model::{RpoCause, Step};
use crate::montecarlo::{CriticalPathStats, RunStats};
use crate::stats::{MeanSummary, Moments, Proportion, ProportionSummary, TICKS_PER_SECOND};
use serde::{Deserialize, Serialize};

/// One plane's critical paths.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaneCriticalPath {
    /// Completed incidents whose time is split below (zone-level and regional, failbacks
    /// excepted).
    pub incidents: u64,
    /// Per step, its mean time on an incident's path, seconds, with a 95 % interval; the means
    /// add up to those incidents' mean RTO. `null` without incidents.
    pub time: Keyed<Option<MeanSummary>>,
    /// RTO misses by the longest step on their path.
    pub rto_misses: MissCauses,
    /// RPO misses by what the RPO came from.
    pub rpo_misses: MissCauses,
}

impl PlaneCriticalPath {
    /// The misses of an objective.
    pub fn misses(&self, o: Objective) -> &MissCauses {
        o.pick(&self.rto_misses, &self.rpo_misses)
    }
}

/// Misses by cause.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MissCauses {
    /// Incidents that missed the target.
    pub count: u64,
    /// Per cause, its share of the misses with a 95 % Wilson interval; `null` without misses.
    pub causes: Keyed<Option<ProportionSummary>>,
}

fn seconds(m: &Moments) -> Option<MeanSummary> {
    let s = m.mean_summary()?;
    let sec = |x: f64| x / TICKS_PER_SECOND as f64;
    Some(MeanSummary {
        estimate: sec(s.estimate),
        std_error: s.std_error.map(sec),
        ci95: s.ci95.map(|[lo, hi]| [sec(lo), sec(hi)]),
    })
}

fn causes<'a>(count: u64, per: &[u64], keys: impl Iterator<Item = &'a str>) -> MissCauses {
    MissCauses {
        count,
        causes: keys
            .zip(per)
            .map(|(k, &n)| {
                let mut p = Proportion::new();
                p.record_many(n, count);
                (k.to_string(), p.summary())
            })
            .collect(),
    }
}

fn plane(c: &CriticalPathStats) -> PlaneCriticalPath {
    PlaneCriticalPath {
        incidents: c.completed,
        time: Step::ALL
            .into_iter()
            .zip(&c.time())
            .map(|(s, m)| (s.key().to_string(), seconds(m)))
            .collect(),
        rto_misses: causes(c.rto_misses, &c.rto_causes, Step::ALL.iter().map(|s| s.key())),
        rpo_misses: causes(c.rpo_misses, &c.rpo_causes, RpoCause::ALL.iter().map(|s| s.key())),
    }
}

/// The section of a run.
pub(super) fn summary(stats: &RunStats) -> PerPlane<PlaneCriticalPath> {
    PerPlane::new(|p| plane(&stats.planes[p.index()].critical_path))
}
