//! `objectives`: for each plane, objective (RTO, RPO) and scope (zone incidents, regional
//! disasters, all incidents), whether the deployment meets it — P(an incident meets the target)
//! judged against the required probability at the verdict's confidence — and how often it will be
//! breached: expected breaches per year and P(at least one breach within a year).

use super::keyed::PerPlane;
use crate::model::Plane;
use crate::model::Scenario;
use crate::model::metric::{Objective, Scope};
use crate::montecarlo::RunStats;
use crate::stats::{Moments, Proportion, wilson_interval};
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

/// A year, for rates: 365 days.
const YEAR_S: f64 = 365.0 * 86_400.0;

/// What the interval of P(meet) says against the required probability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Compliance {
    /// The whole interval is at or above the required probability.
    Meets,
    /// The whole interval is below it.
    Misses,
    /// The interval straddles it, or there were no incidents to judge.
    Inconclusive,
}

impl Compliance {
    /// `MEETS`, `MISSES`, `INCONCLUSIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Compliance::Meets => "MEETS",
            Compliance::Misses => "MISSES",
            Compliance::Inconclusive => "INCONCLUSIVE",
        }
    }
}

/// An estimate with its interval at the verdict's confidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The point estimate.
    pub estimate: f64,
    /// `[low, high]` at the verdict's confidence.
    pub interval: [f64; 2],
}

/// P(meet) with the counts behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MeetInterval {
    /// successes / trials.
    pub estimate: f64,
    /// Wilson interval at the verdict's confidence.
    pub interval: [f64; 2],
    /// Incidents (or disasters) that met the target.
    pub successes: u64,
    /// Incidents (or disasters) judged.
    pub trials: u64,
}

/// The verdict on one objective of one plane over one scope.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveVerdict {
    /// The target, seconds.
    pub target_s: f64,
    /// The probability with which an incident must meet it.
    pub required_probability: f64,
    /// Confidence level of the intervals the verdict judges.
    pub confidence: f64,
    /// P(an incident meets the target); null without incidents.
    pub p_meet: Option<MeetInterval>,
    /// Expected breaches per year (the mean per replication over the observation window).
    pub breaches_per_year: Interval,
    /// P(at least one breach within a year), breaches taken as a Poisson process.
    pub p_breach_within_year: Interval,
    /// MEETS, MISSES or INCONCLUSIVE.
    pub verdict: Compliance,
}

/// The verdicts of one objective, per scope (`region_disasters` only when the scenario can have
/// them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scoped {
    /// Zone-level incidents.
    pub zone_incidents: ObjectiveVerdict,
    /// Disasters of the primary region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_disasters: Option<ObjectiveVerdict>,
    /// Both together.
    pub all: ObjectiveVerdict,
}

impl Scoped {
    /// The verdict of a scope, if the run has it.
    pub fn get(&self, scope: Scope) -> Option<&ObjectiveVerdict> {
        match scope {
            Scope::ZoneIncidents => Some(&self.zone_incidents),
            Scope::RegionDisasters => self.region_disasters.as_ref(),
            Scope::All => Some(&self.all),
        }
    }
}

/// The verdicts of one plane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaneObjectives {
    /// Recovery time.
    pub rto: Scoped,
    /// Recovery point.
    pub rpo: Scoped,
}

impl PlaneObjectives {
    /// The verdicts of an objective.
    pub fn of(&self, o: Objective) -> &Scoped {
        o.pick(&self.rto, &self.rpo)
    }
}

/// The two-sided standard normal quantile of a confidence level (1.959964 for 0.95).
pub fn z_of(confidence: f64) -> f64 {
    Normal::new(0.0, 1.0)
        .expect("the standard normal")
        .inverse_cdf(0.5 + confidence / 2.0)
}

pub(super) fn objectives(s: &Scenario, stats: &RunStats) -> PerPlane<PlaneObjectives> {
    PerPlane::new(|p| PlaneObjectives {
        rto: scoped(s, stats, p, Objective::Rto),
        rpo: scoped(s, stats, p, Objective::Rpo),
    })
}

fn scoped(s: &Scenario, stats: &RunStats, p: Plane, o: Objective) -> Scoped {
    let ps = &stats.planes[p.index()];
    let k = Objective::ALL.iter().position(|&x| x == o).expect("an objective");
    let zone_meet = o.pick(&ps.meet_rto, &ps.meet_rpo).proportion().clone();
    let zone = verdict(s, p, o, &zone_meet, &ps.zone_misses_per_replication[k]);
    let all_misses = o.pick(&ps.rto_misses_per_replication, &ps.rpo_misses_per_replication);
    let (regional, all_meet) = match &stats.disasters {
        Some(d) => {
            let dp = &d.planes[p.index()];
            let meet = o.pick(&dp.meet_rto, &dp.meet_rpo).proportion().clone();
            let mut all = zone_meet.clone();
            all.merge(&meet);
            (
                Some(verdict(s, p, o, &meet, &ps.disaster_misses_per_replication[k])),
                all,
            )
        }
        None => (None, zone_meet),
    };
    Scoped {
        zone_incidents: zone,
        region_disasters: regional,
        all: verdict(s, p, o, &all_meet, all_misses),
    }
}

fn verdict(s: &Scenario, p: Plane, o: Objective, meet: &Proportion, misses: &Moments) -> ObjectiveVerdict {
    let t = s.targets[p.index()];
    let (target, required) = match o {
        Objective::Rto => (t.rto, t.rto_probability),
        Objective::Rpo => (t.rpo, t.rpo_probability),
    };
    let confidence = s.verdict_confidence;
    let z = z_of(confidence);
    let p_meet = (meet.trials() > 0).then(|| {
        let (lo, hi) = wilson_interval(meet.successes(), meet.trials(), z);
        MeetInterval {
            estimate: meet.successes() as f64 / meet.trials() as f64,
            interval: [lo, hi],
            successes: meet.successes(),
            trials: meet.trials(),
        }
    });
    let verdict = match &p_meet {
        Some(m) if m.interval[0] >= required => Compliance::Meets,
        Some(m) if m.interval[1] < required => Compliance::Misses,
        _ => Compliance::Inconclusive,
    };
    // Misses per replication over the observation window, as a rate per year.
    let years = (s.horizon.as_secs_f64() - s.warmup.as_secs_f64()) / YEAR_S;
    let mean = misses.mean().unwrap_or(0.0);
    let half = z * misses.std_error().unwrap_or(0.0);
    let rate = |x: f64| (x / years).max(0.0);
    let breaches = Interval {
        estimate: rate(mean),
        interval: [rate(mean - half), rate(mean + half)],
    };
    let within_year = |r: f64| 1.0 - (-r).exp();
    ObjectiveVerdict {
        target_s: target.as_secs_f64(),
        required_probability: required,
        confidence,
        p_meet,
        p_breach_within_year: Interval {
            estimate: within_year(breaches.estimate),
            interval: [within_year(breaches.interval[0]), within_year(breaches.interval[1])],
        },
        breaches_per_year: breaches,
        verdict,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_quantile_of_common_confidence_levels() {
        assert!((z_of(0.95) - 1.959_964).abs() < 1e-6);
        assert!((z_of(0.99) - 2.575_829).abs() < 1e-6);
    }
}
