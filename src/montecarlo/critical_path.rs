//! What incidents waited on and why they missed their targets, accumulated over a run.

use crate::model::metric::Objective;
use crate::model::{Incident, IncidentKind, RpoCause, Step, Targets};
use crate::stats::Moments;
use serde::{Deserialize, Serialize};

/// Critical paths of one plane's incidents (zone-level and regional; failbacks are not judged
/// against the targets and are left out).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CriticalPathStats {
    /// Completed incidents.
    pub completed: u64,
    /// Per [`Step`] (in [`Step::ALL`] order), its time on the path of the completed incidents
    /// that spent any, ticks ([`CriticalPathStats::time`] adds the zeros of the others).
    pub nonzero_time: Vec<Moments>,
    /// Incidents that missed the RTO target (a censored one once already past it).
    pub rto_misses: u64,
    /// Per [`Step`], the RTO misses it caused (the longest step of their path).
    pub rto_causes: Vec<u64>,
    /// Incidents that missed the RPO target (or lost the data).
    pub rpo_misses: u64,
    /// Per [`RpoCause`], the RPO misses it caused.
    pub rpo_causes: Vec<u64>,
}

impl Default for CriticalPathStats {
    fn default() -> Self {
        CriticalPathStats {
            completed: 0,
            nonzero_time: vec![Moments::new(); Step::COUNT],
            rto_misses: 0,
            rto_causes: vec![0; Step::COUNT],
            rpo_misses: 0,
            rpo_causes: vec![0; RpoCause::COUNT],
        }
    }
}

impl CriticalPathStats {
    /// Whether an incident is judged here.
    pub fn judges(inc: &Incident) -> bool {
        inc.kind != IncidentKind::Failback
    }

    /// Folds in one incident of the plane.
    pub fn record(&mut self, inc: &Incident, target: Targets) {
        if !Self::judges(inc) {
            return;
        }
        if !inc.censored {
            // Only the steps on the path: most incidents spend time on a few of them.
            self.completed += 1;
            for (step, d) in inc.rto_path.segments() {
                self.nonzero_time[step.index()].record(d.ticks());
            }
        }
        if inc.rto() > target.rto
            && let Some(step) = inc.rto_path.dominant()
        {
            self.rto_misses += 1;
            self.rto_causes[step.index()] += 1;
        }
        if inc.data_lost || inc.rpo > target.rpo {
            self.rpo_misses += 1;
            self.rpo_causes[inc.rpo_cause.index()] += 1;
        }
    }

    /// Adds another run's (exact).
    pub fn merge(&mut self, o: &CriticalPathStats) {
        self.completed += o.completed;
        for (a, b) in self.nonzero_time.iter_mut().zip(&o.nonzero_time) {
            a.merge(b);
        }
        self.rto_misses += o.rto_misses;
        self.rpo_misses += o.rpo_misses;
        for (a, b) in self.rto_causes.iter_mut().zip(&o.rto_causes) {
            *a += b;
        }
        for (a, b) in self.rpo_causes.iter_mut().zip(&o.rpo_causes) {
            *a += b;
        }
    }

    /// Per [`Step`], its time on the path of every completed incident, ticks (zeros included).
    pub fn time(&self) -> Vec<Moments> {
        self.nonzero_time
            .iter()
            .map(|m| {
                let mut all = m.clone();
                all.record_zeros(self.completed.saturating_sub(m.count()));
                all
            })
            .collect()
    }

    /// Misses of an objective, and per cause index how many.
    pub fn misses(&self, o: Objective) -> (u64, &[u64]) {
        match o {
            Objective::Rto => (self.rto_misses, &self.rto_causes),
            Objective::Rpo => (self.rpo_misses, &self.rpo_causes),
        }
    }

    /// Whether the vectors have the lengths this build expects (a partial written by another
    /// build, or edited, may not).
    pub fn is_well_formed(&self) -> bool {
        self.nonzero_time.len() == Step::COUNT
            && self.nonzero_time.iter().all(|m| m.count() <= self.completed)
            && self.rto_causes.len() == Step::COUNT
            && self.rpo_causes.len() == RpoCause::COUNT
            && sum(&self.rto_causes) == u128::from(self.rto_misses)
            && sum(&self.rpo_causes) == u128::from(self.rpo_misses)
    }
}

/// A sum that cannot wrap.
fn sum(xs: &[u64]) -> u128 {
    xs.iter().map(|&x| u128::from(x)).sum()
}
