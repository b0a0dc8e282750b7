//! The verdicts as a terminal table (pure: outcomes in, text out).

use crate::engine::SimDuration;
use crate::engine::duration::human;
use crate::model::metric::Unit;
use crate::montecarlo::{Outcome, Spread, Verdict, all_hold};
use std::fmt::Write;

fn number(x: f64) -> String {
    let text = format!("{x:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".into() } else { text.into() }
}

fn value(unit: Unit, x: f64) -> String {
    match unit {
        _ if x.is_infinite() => "inf".into(),
        Unit::Duration => human(SimDuration::from_secs_f64(x)),
        Unit::Probability | Unit::Number => number(x),
    }
}

fn verdict(v: Verdict, allow_inconclusive: bool) -> String {
    let judged = if allow_inconclusive {
        "allowed"
    } else {
        "counts as fail"
    };
    match v {
        Verdict::Pass => "pass".into(),
        Verdict::Fail => "FAIL".into(),
        Verdict::Inconclusive | Verdict::NoData => format!("{} ({judged})", v.name()),
    }
}

/// The table of verdicts: metric, expected, estimate, 95 % interval, verdict; then the result.
pub fn render(outcomes: &[Outcome], allow_inconclusive: bool) -> String {
    let header = ["metric", "expected", "estimate", "95% interval", "verdict"].map(String::from);
    let mut rows = vec![header];
    for o in outcomes {
        let e = &o.expectation;
        let unit = e.metric.unit();
        let (estimate, interval) = match &o.estimate {
            None => ("no data".to_string(), "-".to_string()),
            Some(est) => (
                value(unit, est.value),
                match est.spread {
                    Spread::Interval(lo, hi) => format!("[{}, {}]", value(unit, lo), value(unit, hi)),
                    Spread::Point(why) => format!("none: point value ({why})"),
                    Spread::Unavailable(why) => format!("n/a ({why})"),
                },
            ),
        };
        rows.push([
            e.path.clone(),
            e.to_string(),
            estimate,
            interval,
            verdict(o.verdict, allow_inconclusive),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Expectations (judged on 95 % intervals; inconclusive {})",
        if allow_inconclusive {
            "allowed by --allow-inconclusive"
        } else {
            "counts as a failure unless --allow-inconclusive"
        }
    );
    for r in &rows {
        let mut line = String::from(" ");
        for (c, cell) in r.iter().enumerate() {
            let _ = write!(line, " {cell:<w$} ", w = widths[c]);
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict == v).count();
    let mut parts = vec![format!("{} pass", count(Verdict::Pass))];
    for v in [Verdict::Fail, Verdict::Inconclusive, Verdict::NoData] {
        if count(v) > 0 {
            parts.push(format!("{} {}", count(v), v.name()));
        }
    }
    let _ = writeln!(
        out,
        "Result: {} ({} of {} expectations held: {})",
        if all_hold(outcomes, allow_inconclusive) {
            "PASS"
        } else {
            "FAIL"
        },
        outcomes
            .iter()
            .filter(|o| o.verdict.accepted(allow_inconclusive))
            .count(),
        outcomes.len(),
        parts.join(", ")
    );
    out
}

/// The verdicts as JSON values (for `check --format json`): path, expectation, estimate and its
/// interval (seconds for durations), verdict and whether it is accepted.
pub fn to_json(outcomes: &[Outcome], allow_inconclusive: bool) -> Vec<serde_json::Value> {
    outcomes
        .iter()
        .map(|o| {
            let (estimate, interval, note) = match &o.estimate {
                None => (None, None, Some("no data")),
                Some(est) => match est.spread {
                    Spread::Interval(lo, hi) => (Some(est.value), Some([lo, hi]), None),
                    Spread::Point(why) | Spread::Unavailable(why) => (Some(est.value), None, Some(why)),
                },
            };
            serde_json::json!({
                "metric": o.expectation.path,
                "expected": o.expectation.to_string(),
                "estimate": estimate,
                "ci95": interval.map(|[lo, hi]| [Some(lo), hi.is_finite().then_some(hi)]),
                "note": note,
                "verdict": o.verdict.name(),
                "accepted": o.verdict.accepted(allow_inconclusive),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Plane;
    use crate::model::metric::{Distribution, Expectation, Metric, Op, Percentile, Stat, Threshold};
    use crate::montecarlo::Estimate;

    fn outcome(path: &str, metric: Metric, op: Op, t: Threshold, text: &str, est: Option<Estimate>) -> Outcome {
        let e = Expectation {
            path: path.into(),
            metric,
            op,
            threshold: t,
            value_text: text.into(),
            over_draws: None,
        };
        Outcome {
            verdict: Verdict::judge(&e, est.as_ref()),
            expectation: e,
            estimate: est,
        }
    }

    #[test]
    fn renders_every_kind_of_row_and_the_result() {
        let rows = vec![
            outcome(
                "zone_incidents.data_plane.rto.p95",
                Metric::Duration(Distribution::Rto(Plane::Data), Stat::Percentile(Percentile::P95)),
                Op::Le,
                Threshold::Duration(SimDuration::from_secs(120)),
                "2m",
                Some(Estimate {
                    value: 55.5,
                    spread: Spread::Interval(55.0, 56.25),
                }),
            ),
            outcome(
                "zone_incidents.data_plane.rpo.max",
                Metric::Duration(Distribution::Rpo(Plane::Data), Stat::Max),
                Op::Le,
                Threshold::Duration(SimDuration::ZERO),
                "0s",
                Some(Estimate {
                    value: 0.0,
                    spread: Spread::Point("exact maximum"),
                }),
            ),
            outcome(
                "zone_incidents.control_plane.p_meet_rto",
                Metric::PMeet(Plane::Control, crate::model::metric::Objective::Rto),
                Op::Ge,
                Threshold::Number(0.5),
                "0.5",
                Some(Estimate {
                    value: 0.5,
                    spread: Spread::Interval(0.45, 0.55),
                }),
            ),
            outcome(
                "zone_incidents.control_plane.rto.p99",
                Metric::Duration(Distribution::Rto(Plane::Control), Stat::Percentile(Percentile::P99)),
                Op::Le,
                Threshold::Duration(SimDuration::from_secs(60)),
                "1m",
                None,
            ),
        ];
        let text = render(&rows, false);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].contains("counts as a failure unless --allow-inconclusive"),
            "{text}"
        );
        for (line, fragments) in [
            (1, &["metric", "expected", "estimate", "95% interval", "verdict"][..]),
            (
                2,
                &[
                    "zone_incidents.data_plane.rto.p95",
                    "<= 2m",
                    "55.5 s",
                    "[55 s, 56.25 s]",
                    "pass",
                ],
            ),
            (
                3,
                &[
                    "zone_incidents.data_plane.rpo.max",
                    "<= 0s",
                    "0 s",
                    "none: point value (exact maximum)",
                    "pass",
                ],
            ),
            (4, &[">= 0.5", "0.5", "[0.45, 0.55]", "inconclusive (counts as fail)"]),
            (
                5,
                &[
                    "zone_incidents.control_plane.rto.p99",
                    "no data",
                    "no data (counts as fail)",
                ],
            ),
            (
                6,
                &["Result: FAIL (2 of 4 expectations held: 2 pass, 1 inconclusive, 1 no data)"],
            ),
        ] {
            for f in fragments {
                assert!(lines[line].contains(f), "{f:?} in line {line}:\n{text}");
            }
        }
        // Columns line up: every row's expected column starts where the header's does.
        let col = lines[1].find("expected").unwrap();
        assert!(lines[2..6].iter().all(|l| l[col - 1..].starts_with(' ')));
        assert_eq!(lines[2].find("<= 2m"), Some(col));
        let lenient = render(&rows, true);
        assert!(lenient.contains("inconclusive (allowed)") && lenient.contains("no data (allowed)"));
        assert!(lenient.contains("Result: PASS (4 of 4 expectations held: 2 pass, 1 inconclusive, 1 no data)"));
        assert_eq!(value(Unit::Duration, f64::INFINITY), "inf");
        assert_eq!(number(0.99991234), "0.999912");
        assert_eq!(number(1.0), "1");
    }
}
