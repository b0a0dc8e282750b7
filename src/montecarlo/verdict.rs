//! Judging expectations against a finished run, on 95 % intervals.

use super::estimate::{Estimate, Spread, estimate};
use super::{RunStats, Summary};
use crate::model::metric::Expectation;

/// The verdict on one expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The whole 95 % interval (or the exact value) satisfies the condition.
    Pass,
    /// The whole 95 % interval (or the exact value) violates it.
    Fail,
    /// The interval straddles the threshold, or cannot be computed: the run cannot tell.
    Inconclusive,
    /// The run has nothing to estimate the metric from (e.g. no incidents); judged as
    /// inconclusive.
    NoData,
}

impl Verdict {
    /// How it is named in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NoData => "no data",
        }
    }

    /// Whether it lets the gate pass; inconclusive (and no data) only with `allow_inconclusive`.
    pub fn accepted(self, allow_inconclusive: bool) -> bool {
        match self {
            Verdict::Pass => true,
            Verdict::Fail => false,
            Verdict::Inconclusive | Verdict::NoData => allow_inconclusive,
        }
    }

    /// Judges `estimate op threshold`. An interval passes when its worst end satisfies the
    /// condition (for `<=`/`<` the upper end, for `>=`/`>` the lower), fails when even its best
    /// end does not, and is inconclusive otherwise; a point value is judged as it is.
    pub fn judge(e: &Expectation, estimate: Option<&Estimate>) -> Verdict {
        let Some(estimate) = estimate else {
            return Verdict::NoData;
        };
        let t = e.threshold.value();
        let (worst, best) = match estimate.spread {
            Spread::Point(_) => (estimate.value, estimate.value),
            Spread::Unavailable(_) => return Verdict::Inconclusive,
            Spread::Interval(lo, hi) if e.op.is_upper_bound() => (hi, lo),
            Spread::Interval(lo, hi) => (lo, hi),
        };
        if e.op.holds(worst, t) {
            Verdict::Pass
        } else if !e.op.holds(best, t) {
            Verdict::Fail
        } else {
            Verdict::Inconclusive
        }
    }
}

/// One judged expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The expectation judged.
    pub expectation: Expectation,
    /// The run's estimate, `None` when the run has no data for the metric.
    pub estimate: Option<Estimate>,
    /// Pass, fail, inconclusive or no data.
    pub verdict: Verdict,
}

/// Judges every expectation against a finished run (its statistics and their summary).
pub fn evaluate(expectations: &[Expectation], stats: &RunStats, summary: &Summary) -> Vec<Outcome> {
    expectations
        .iter()
        .map(|e| {
            let estimate = match e.over_draws {
                None => estimate(&e.metric, stats, summary),
                Some(stat) => over_draws(e, stat, summary),
            };
            Outcome {
                expectation: e.clone(),
                verdict: Verdict::judge(e, estimate.as_ref()),
                estimate,
            }
        })
        .collect()
}

/// A statistic over the draws of a two-level run, with its interval (distribution-free for the
/// quantiles; an unbounded side is infinite, so a verdict that needs it is inconclusive).
fn over_draws(e: &Expectation, stat: crate::model::metric::DrawStat, summary: &Summary) -> Option<Estimate> {
    let (path, _) = crate::model::metric::DrawStat::split(&e.path)?;
    let (value, [lo, hi]) = summary.uncertainty.as_ref()?.statistic(path, stat)?;
    Some(Estimate {
        value,
        spread: Spread::Interval(lo.unwrap_or(f64::NEG_INFINITY), hi.unwrap_or(f64::INFINITY)),
    })
}

/// Whether the gate passes: every verdict accepted.
pub fn all_hold(outcomes: &[Outcome], allow_inconclusive: bool) -> bool {
    outcomes.iter().all(|o| o.verdict.accepted(allow_inconclusive))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metric::{Metric, Op, Threshold};

    fn expectation(op: Op, t: f64) -> Expectation {
        Expectation {
            path: "clients.retry_amplification".into(),
            metric: Metric::RetryAmplification,
            op,
            threshold: Threshold::Number(t),
            value_text: t.to_string(),
            over_draws: None,
        }
    }

    fn judge(op: Op, t: f64, spread: Spread, value: f64) -> Verdict {
        Verdict::judge(&expectation(op, t), Some(&Estimate { value, spread }))
    }

    #[test]
    fn intervals_pass_fail_or_straddle() {
        let ci = Spread::Interval(0.4, 0.6);
        use Verdict::*;
        for (op, t, want) in [
            (Op::Le, 0.7, Pass),
            (Op::Le, 0.6, Pass),
            (Op::Lt, 0.6, Inconclusive),
            (Op::Le, 0.5, Inconclusive),
            (Op::Le, 0.3, Fail),
            (Op::Le, 0.4, Inconclusive),
            (Op::Lt, 0.4, Fail),
            (Op::Ge, 0.3, Pass),
            (Op::Ge, 0.4, Pass),
            (Op::Gt, 0.4, Inconclusive),
            (Op::Ge, 0.5, Inconclusive),
            (Op::Ge, 0.7, Fail),
            (Op::Ge, 0.6, Inconclusive),
            (Op::Gt, 0.6, Fail),
        ] {
            assert_eq!(judge(op, t, ci, 0.5), want, "{op:?} {t}");
        }
        // An upper end the data cannot bound never passes an upper bound.
        assert_eq!(
            judge(Op::Le, 1e9, Spread::Interval(1.0, f64::INFINITY), 2.0),
            Inconclusive
        );
        assert_eq!(judge(Op::Le, 0.5, Spread::Interval(1.0, f64::INFINITY), 2.0), Fail);
        assert_eq!(judge(Op::Ge, 0.5, Spread::Interval(1.0, f64::INFINITY), 2.0), Pass);
    }

    #[test]
    fn points_are_judged_as_they_are_and_missing_data_is_no_data() {
        let point = Spread::Point("exact maximum");
        assert_eq!(judge(Op::Le, 1.5, point, 1.5), Verdict::Pass);
        assert_eq!(judge(Op::Lt, 1.5, point, 1.5), Verdict::Fail);
        assert_eq!(judge(Op::Ge, 1.0, point, 1.2), Verdict::Pass);
        assert_eq!(
            judge(Op::Le, 9.0, Spread::Unavailable("fewer than 2 samples"), 1.0),
            Verdict::Inconclusive
        );
        assert_eq!(Verdict::judge(&expectation(Op::Le, 1.0), None), Verdict::NoData);
        for (v, strict, lenient) in [
            (Verdict::Pass, true, true),
            (Verdict::Fail, false, false),
            (Verdict::Inconclusive, false, true),
            (Verdict::NoData, false, true),
        ] {
            assert_eq!((v.accepted(false), v.accepted(true)), (strict, lenient), "{v:?}");
        }
    }
}
