//! Goodness of fit: the Kolmogorov–Smirnov distance between a fitted CDF and the data's
//! distribution function — the empirical CDF, or with censoring the Kaplan–Meier estimate
//! 1 − Ŝ(t), compared up to the last uncensored value (beyond it the estimate says nothing).
//!
//! The Kaplan–Meier estimate is computed here exactly on the values, rather than with
//! [`Survival`](super::super::Survival), which keeps 0.1 % buckets of integer ticks so that Monte
//! Carlo results merge exactly: a fit's handful of values needs no merging, and bucketing would
//! move the steps the distance is measured at. Without censoring both give the empirical CDF.

use super::Observation;

/// One step of the Kaplan–Meier estimate of the CDF: at `time`, F̂ jumps to `cdf`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Step {
    pub time: f64,
    pub cdf: f64,
}

/// The Kaplan–Meier estimate of the CDF, one step per distinct uncensored value (ties: events
/// before censorings, the usual convention). Without censoring it is the empirical CDF.
pub(super) fn kaplan_meier(obs: &[Observation]) -> Vec<Step> {
    let mut sorted: Vec<Observation> = obs.to_vec();
    sorted.sort_by(|a, b| a.value.total_cmp(&b.value).then(a.censored.cmp(&b.censored)));
    let mut at_risk = sorted.len() as f64;
    let mut survival = 1.0;
    let mut steps = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let t = sorted[i].value;
        let (mut events, mut leaving) = (0.0, 0.0);
        while i < sorted.len() && sorted[i].value == t {
            if !sorted[i].censored {
                events += 1.0;
            }
            leaving += 1.0;
            i += 1;
        }
        if events > 0.0 {
            survival *= 1.0 - events / at_risk;
            steps.push(Step {
                time: t,
                cdf: 1.0 - survival,
            });
        }
        at_risk -= leaving;
    }
    steps
}

/// sup |F(t) − F̂(t)| over t up to the last step, where F̂ is a step function: the supremum is at a
/// step, on one side of it or the other (F̂ before the first step is 0).
pub(super) fn ks_distance(steps: &[Step], fitted_cdf: impl Fn(f64) -> f64) -> f64 {
    let mut before = 0.0;
    let mut d: f64 = 0.0;
    for s in steps {
        let f = fitted_cdf(s.time);
        d = d.max((f - before).abs()).max((f - s.cdf).abs());
        before = s.cdf;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(v: &[(f64, bool)]) -> Vec<Observation> {
        v.iter()
            .map(|&(value, censored)| Observation { value, censored })
            .collect()
    }

    #[test]
    fn fit_kaplan_meier_matches_a_hand_computation() {
        // 1, 2+, 3, 3, 4+: S drops to 4/5 at 1; at 3, 3 at risk and 2 events: 4/5 · 1/3.
        let steps = kaplan_meier(&obs(&[
            (3.0, false),
            (1.0, false),
            (2.0, true),
            (4.0, true),
            (3.0, false),
        ]));
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].time, 1.0);
        assert!((steps[0].cdf - 0.2).abs() < 1e-15);
        assert!((steps[1].cdf - (1.0 - 0.8 / 3.0)).abs() < 1e-15);
    }

    #[test]
    fn fit_ks_without_censoring_is_the_classic_statistic() {
        // Uniform(0, 1) against 0.1, 0.5, 0.6: the largest gap is at 0.6 (F̂ = 1, F = 0.6).
        let steps = kaplan_meier(&obs(&[(0.1, false), (0.5, false), (0.6, false)]));
        let d = ks_distance(&steps, |x| x);
        assert!((d - 0.4).abs() < 1e-15, "{d}");
    }
}
