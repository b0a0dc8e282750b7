//! `solve`: the value of one parameter at which a target on a metric starts (or stops) holding,
//! found by stochastic bisection on common random numbers.
//!
//! Every point runs with the same seed, so the metric is a smooth function of the parameter rather
//! than a new draw at each point. Each point is *decided* on the metric's interval at the chosen
//! confidence C: the target **holds** there when the whole interval is on the target's side of the
//! threshold, **fails** when the whole interval is on the other side, and is **uncertain** when the
//! interval straddles the threshold. An uncertain point is run again with twice the replications
//! (the same seed: the first replications are the same ones) up to a cap; if it stays uncertain it
//! belongs to the *uncertain zone*, the values where the threshold is within the noise.
//!
//! Bisection keeps the decided point nearest the boundary on each side: `holds_at` (the target
//! holds) and `fails_at` (it fails). When the metric is monotone in the parameter, the boundary
//! lies between them unless one of the two decisions is wrong; each is wrong with probability at
//! most (1 − C)/2 (one side of a two-sided interval), so `[holds_at, fails_at]` is an interval for
//! the boundary at confidence at least C. Bisection narrows the gaps between the decided points
//! and the uncertain zone until each is at most the tolerance.

use super::{StudyError, StudyMetric, StudyOptions, run_statistics};
use crate::model::metric::{Expectation, Metric, Op};
use crate::montecarlo::{Estimate, Runner, Spread, Summary, z_of};
use crate::scenario::{self, Override, Scalar};
use crate::stats::{Z95, wilson_interval};

/// How the search goes.
#[derive(Clone, Debug)]
pub struct SolveOptions {
    /// Confidence of each point's decision, in (0, 1).
    pub confidence: f64,
    /// Replications of an uncertain point grow (doubling) up to this many.
    pub max_replications: Option<u64>,
    /// Stop when the gaps are at most this wide (the parameter's unit; seconds for a duration);
    /// default 1/100 of the range, and at least 1 for a whole-number parameter.
    pub tolerance: Option<f64>,
    /// At most this many points in all (ends included).
    pub max_points: usize,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            confidence: 0.95,
            max_replications: None,
            tolerance: None,
            max_points: 40,
        }
    }
}

/// A point's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// The interval is on the target's side of the threshold.
    Holds,
    /// The interval is on the other side.
    Fails,
    /// The interval straddles the threshold, even at the most replications.
    Uncertain,
    /// The run has no data for the metric (e.g. no incidents).
    NoData,
}

impl Decision {
    /// For people.
    pub fn name(self) -> &'static str {
        match self {
            Decision::Holds => "holds",
            Decision::Fails => "fails",
            Decision::Uncertain => "uncertain",
            Decision::NoData => "no data",
        }
    }
}

/// One evaluated value of the parameter.
#[derive(Clone, Debug)]
pub struct Point {
    /// The parameter's value.
    pub x: Scalar,
    /// Replications of its (last) run.
    pub replications: u64,
    /// The metric's estimate with its 95 % interval (as in every other output).
    pub estimate: Option<Estimate>,
    /// The metric's interval at the search's confidence, the one decided on.
    pub interval: Option<(f64, f64)>,
    /// What the interval says.
    pub decision: Decision,
}

/// How the search ended.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// The boundary is inside the range.
    Found {
        /// Point estimate of the boundary: where the metric's estimates cross the threshold.
        value: Scalar,
        /// `[holds_at, fails_at]` in increasing order: the boundary's interval.
        interval: (Scalar, Scalar),
        /// The decided point nearest the boundary where the target holds.
        holds_at: Scalar,
        /// The decided point nearest the boundary where it fails; `None` when the range's end on
        /// that side is itself uncertain (the interval then reaches it).
        fails_at: Option<Scalar>,
        /// The values where the threshold is within the noise even at the most replications.
        uncertain: Option<(Scalar, Scalar)>,
    },
    /// The target holds at both ends: the boundary is outside the range.
    HoldsEverywhere,
    /// The target fails at both ends: it cannot be reached in the range.
    FailsEverywhere,
    /// Neither end is decided (the threshold is within the noise across the range), or the
    /// metric has no data at one end.
    Undecided(String),
}

/// A finished search.
pub struct Solution {
    /// Scenario name.
    pub scenario: String,
    /// The varied field, as written.
    pub parameter: String,
    /// The range searched.
    pub range: (Scalar, Scalar),
    /// The target.
    pub target: Expectation,
    /// The confidence of the decisions.
    pub confidence: f64,
    /// Replications of a first run of a point.
    pub replications: u64,
    /// Every evaluated point, in the order evaluated (the two ends first).
    pub points: Vec<Point>,
    /// How it ended.
    pub outcome: Outcome,
    /// Replications an uncertain point may grow to.
    pub max_replications: u64,
    /// The limits that cut the search short, one sentence each (none when it ran its course):
    /// points left uncertain at `max_replications`, the search stopped at its most points.
    pub limits_reached: Vec<String>,
}

/// A planned search: every input checked, the two ends' scenarios valid.
pub struct Plan {
    source: scenario::Plan,
    parameter: String,
    range: (Scalar, Scalar),
    target: Expectation,
    metric: StudyMetric,
    options: SolveOptions,
    study: StudyOptions,
    replications: u64,
    max_replications: u64,
    tolerance: f64,
    /// Points are rounded to a multiple of this (a round number at most half the tolerance).
    grain: f64,
}

/// Reads `METRIC>=X` or `METRIC<=X` against a scenario (the threshold in the metric's unit).
pub fn parse_target(text: &str, s: &scenario::Plan) -> Result<Expectation, StudyError> {
    let option = || format!("--target {text}");
    let Some(at) = text.find(['<', '>']) else {
        return Err(StudyError::option(
            option(),
            "write METRIC>=X or METRIC<=X, e.g. 'region_disasters.control_plane.p_meet_rpo>=0.95' or \
             'region_disasters.data_plane.rto.p95<=48h'",
        ));
    };
    let (metric, rest) = text.split_at(at);
    let rest = rest.trim();
    let (op, value) = if let Some(v) = rest.strip_prefix(">=") {
        (">=", v)
    } else if let Some(v) = rest.strip_prefix("<=") {
        ("<=", v)
    } else {
        return Err(StudyError::option(
            option(),
            "the comparison must be >= or <= (a boundary has no strict side)",
        ));
    };
    let table = crate::scenario::ExpectTable(vec![(metric.trim().to_string(), format!("{op} {}", value.trim()))]);
    let features: Vec<(String, crate::model::Plane)> = s.features.iter().map(|f| (f.name.clone(), f.plane)).collect();
    let mut parsed = crate::scenario::validate_expectations(&table, &features, s.clients.is_some())
        .map_err(|e| StudyError::option(option(), e.first().message.clone()))?;
    Ok(parsed.remove(0))
}

impl Plan {
    /// Checks the inputs: the field exists and holds a number or a duration of the range's kind,
    /// the scenario is valid at both ends, the options make sense.
    pub fn new(
        source: &scenario::Plan,
        parameter: &str,
        range: &str,
        target: &str,
        options: SolveOptions,
        study: &StudyOptions,
    ) -> Result<Plan, StudyError> {
        let base = source.with(&study.overrides())?;
        let target = parse_target(target, &base)?;
        let metric = StudyMetric::resolve(&target.path, &base)?;
        let range_option = || format!("--range {range}");
        let (lo, hi) = scenario::parse_range(range).map_err(|e| StudyError::option(range_option(), e))?;
        // The field as the file has it (its default when absent): its kind must be the range's.
        let resolved = scenario::resolve_selectors(source.source(), parameter)
            .map_err(|e| StudyError::option(format!("--vary {parameter}"), e))?;
        let root = toml::Value::Table(source.source().clone());
        let current = crate::scenario::FieldPath::parse(&resolved)
            .0
            .iter()
            .try_fold(&root, |n, step| match step {
                crate::scenario::PathStep::Key(k) => n.get(k.as_str()),
                crate::scenario::PathStep::Index(i) => n.get(*i),
            })
            .cloned();
        if let Some(v) = &current {
            let fits = match (v, lo) {
                (toml::Value::Integer(_), Scalar::Integer(_)) => true,
                (toml::Value::Float(_), Scalar::Integer(_) | Scalar::Float(_)) => true,
                (toml::Value::String(t), Scalar::Duration(_)) => crate::engine::duration::parse_duration(t).is_ok(),
                _ => false,
            };
            if !fits {
                return Err(StudyError::option(
                    range_option(),
                    format!(
                        "{parameter} is {} in the scenario, so the range must be {}",
                        scenario::show(v),
                        match v {
                            toml::Value::Integer(_) => "whole numbers (e.g. 1..8)".to_string(),
                            toml::Value::Float(_) => "numbers (e.g. 0.5..2)".to_string(),
                            toml::Value::String(t) if crate::engine::duration::parse_duration(t).is_ok() =>
                                "durations (e.g. 5m..1h)".to_string(),
                            _ => format!(
                                "a number or a duration, which {parameter} is not: solve varies one number or duration"
                            ),
                        }
                    ),
                ));
            }
        }
        // Both ends must make valid scenarios (any value between them then does too, for the
        // bounds the schema has).
        for end in [lo, hi] {
            let mut o = vec![Override::set(parameter.to_string(), end.to_value())];
            o.extend(study.overrides());
            source.with(&o)?;
        }
        if !(options.confidence > 0.5 && options.confidence < 1.0) {
            return Err(StudyError::option(
                format!("--confidence {}", options.confidence),
                "must be in (0.5, 1), e.g. 0.95",
            ));
        }
        let replications = base.replications;
        let max_replications = options
            .max_replications
            .unwrap_or_else(|| replications.saturating_mul(8).min(scenario::limits::MAX_REPLICATIONS));
        if max_replications < replications {
            return Err(StudyError::option(
                format!("--max-replications {max_replications}"),
                format!("must be at least the replications of a point ({replications})"),
            ));
        }
        let width = hi.as_f64() - lo.as_f64();
        let tolerance = match options.tolerance {
            Some(t) if !(t > 0.0 && t < width) => {
                return Err(StudyError::option(
                    "--tolerance",
                    format!("must be positive and narrower than the range ({})", lo.like(width)),
                ));
            }
            Some(t) => t,
            None => width / 100.0,
        };
        let tolerance = if matches!(lo, Scalar::Integer(_)) {
            tolerance.max(1.0)
        } else {
            tolerance
        };
        let grain = grain(lo, tolerance);
        Ok(Plan {
            grain,
            source: base,
            parameter: parameter.to_string(),
            range: (lo, hi),
            target,
            metric,
            options,
            study: study.clone(),
            replications,
            max_replications,
            tolerance,
        })
    }

    /// The metric the target is on.
    pub fn metric(&self) -> &StudyMetric {
        &self.metric
    }

    /// Runs the search; `progress(points evaluated)` after each point.
    /// A run stopped at a per-replication budget stops the search ([`StudyError::Budget`]).
    pub fn run(self, runner: &Runner, mut progress: impl FnMut(usize)) -> Result<Solution, StudyError> {
        let z = z_of(self.options.confidence);
        let mut points: Vec<Point> = Vec::new();
        let mut out_of_points = false;
        let (lo, hi) = self.range;
        for end in [lo, hi] {
            points.push(self.evaluate(end, z, runner)?);
            progress(points.len());
        }
        let outcome = loop {
            let (first, last) = (points[0].decision, points[1].decision);
            let holds_low = match (first, last) {
                (Decision::NoData, _) | (_, Decision::NoData) => {
                    break Outcome::Undecided(format!(
                        "{} has no data at {}",
                        self.target.path,
                        if first == Decision::NoData { lo } else { hi }
                    ));
                }
                (Decision::Holds, Decision::Holds) => break Outcome::HoldsEverywhere,
                (Decision::Fails, Decision::Fails) => break Outcome::FailsEverywhere,
                (Decision::Uncertain, Decision::Uncertain) => {
                    break Outcome::Undecided(format!(
                        "the threshold is within the noise at both ends (at up to {} replications); \
                         give more replications (--replications, --max-replications) or a wider range",
                        self.max_replications
                    ));
                }
                (Decision::Holds, _) | (_, Decision::Fails) => true,
                _ => false,
            };
            // t runs from the end where the target holds towards the end where it fails.
            let t = |x: f64| if holds_low { x - lo.as_f64() } else { hi.as_f64() - x };
            let Bracket {
                holds,
                fails,
                uncertain,
            } = bracket(&points, &t);
            let (h, f) = (
                t(holds.as_f64()),
                fails.map_or(t(far(holds_low, lo, hi).as_f64()), |x| t(x.as_f64())),
            );
            let (uh, uf) = uncertain.map_or((f, f), |(a, b)| (t(a.as_f64()), t(b.as_f64())));
            let gap_near = uh - h;
            let gap_far = if fails.is_some() { f - uf } else { 0.0 };
            let next = if gap_near >= gap_far && gap_near > self.tolerance {
                Some((h + uh) / 2.0)
            } else if gap_far > self.tolerance {
                Some((uf + f) / 2.0)
            } else {
                None
            };
            let candidate = next.map(|tm| {
                let x = if holds_low { lo.as_f64() + tm } else { hi.as_f64() - tm };
                lo.like(round_to(x, self.grain))
            });
            match candidate {
                Some(x) if points.len() < self.options.max_points && !points.iter().any(|p| p.x == x) => {
                    points.push(self.evaluate(x, z, runner)?);
                    progress(points.len());
                }
                _ => {
                    out_of_points = candidate.is_some() && points.len() >= self.options.max_points;
                    let interval = match fails {
                        Some(f) => order(holds, f),
                        None => order(holds, far(holds_low, lo, hi)),
                    };
                    let value = crossing(&points, &self.target, &t, interval, lo);
                    let value = lo.like(round_to(value.as_f64(), self.grain));
                    break Outcome::Found {
                        value,
                        interval,
                        holds_at: holds,
                        fails_at: fails,
                        uncertain: uncertain.map(|(a, b)| order(a, b)),
                    };
                }
            }
        };
        let mut limits_reached = Vec::new();
        let capped = points
            .iter()
            .filter(|p| p.decision == Decision::Uncertain && p.replications >= self.max_replications)
            .count();
        if capped > 0 {
            limits_reached.push(format!(
                "{capped} point(s) stayed uncertain at the most replications allowed ({}, --max-replications)",
                self.max_replications
            ));
        }
        if out_of_points {
            limits_reached.push(format!(
                "the search stopped at its most points ({}) before the boundary's interval narrowed to the tolerance",
                self.options.max_points
            ));
        }
        Ok(Solution {
            scenario: self.source.name.clone(),
            parameter: self.parameter,
            range: self.range,
            target: self.target,
            confidence: self.options.confidence,
            replications: self.replications,
            points,
            outcome,
            max_replications: self.max_replications,
            limits_reached,
        })
    }

    /// Runs the scenario at `x`, doubling the replications while the decision is uncertain.
    fn evaluate(&self, x: Scalar, z: f64, runner: &Runner) -> Result<Point, StudyError> {
        let mut n = self.replications;
        loop {
            let mut o = vec![Override::set(self.parameter.clone(), x.to_value())];
            o.extend(self.study.overrides());
            o.push(Override::replications(n));
            let s = self
                .source
                .with(&o)
                .expect("every value of the range is valid (both ends were checked)");
            let (stats, summary) = run_statistics(&s, runner, self.study.budget)?;
            let estimate = self.metric.estimate(&stats, &summary);
            let interval = estimate
                .as_ref()
                .and_then(|e| interval_at(&self.metric.metric, e, &summary, &s, z));
            let decision = match (estimate, interval) {
                (None, _) => Decision::NoData,
                (Some(e), None) => {
                    // An exact value (a point estimate without noise) decides by itself.
                    if self.target.op.holds(e.value, self.target.threshold.value()) {
                        Decision::Holds
                    } else {
                        Decision::Fails
                    }
                }
                (Some(_), Some((l, h))) => decide(self.target.op, self.target.threshold.value(), l, h),
            };
            if decision != Decision::Uncertain || n >= self.max_replications {
                return Ok(Point {
                    x,
                    replications: n,
                    estimate,
                    interval,
                    decision,
                });
            }
            n = n.saturating_mul(2).min(self.max_replications);
        }
    }
}

/// A round step at most half the tolerance for the points' values: 1 for whole numbers; for
/// durations a whole unit (1 ms, 1 s, 10 s, 1 min, 5 min, 10 min, 1 h, 1 d); for numbers a power of ten.
fn grain(kind: Scalar, tolerance: f64) -> f64 {
    let half = tolerance / 2.0;
    match kind {
        Scalar::Integer(_) => 1.0,
        Scalar::Duration(_) => [86_400.0, 3600.0, 600.0, 300.0, 60.0, 10.0, 1.0, 0.001]
            .into_iter()
            .find(|&g| g <= half)
            .unwrap_or(0.001),
        Scalar::Float(_) => 10f64.powf(half.log10().floor()),
    }
}

/// `x` to the nearest multiple of `grain`.
fn round_to(x: f64, grain: f64) -> f64 {
    if grain > 0.0 { (x / grain).round() * grain } else { x }
}

/// The decision on an interval `[l, h]`.
fn decide(op: Op, threshold: f64, l: f64, h: f64) -> Decision {
    let (holds, fails) = if op.is_upper_bound() {
        (h <= threshold, l > threshold)
    } else {
        (l >= threshold, h < threshold)
    };
    if holds {
        Decision::Holds
    } else if fails {
        Decision::Fails
    } else {
        Decision::Uncertain
    }
}

/// The range's end away from where the target holds.
fn far(holds_low: bool, lo: Scalar, hi: Scalar) -> Scalar {
    if holds_low { hi } else { lo }
}

fn order(a: Scalar, b: Scalar) -> (Scalar, Scalar) {
    if a.as_f64() <= b.as_f64() { (a, b) } else { (b, a) }
}

struct Bracket {
    /// The decided-holds point nearest the boundary.
    holds: Scalar,
    /// The decided-fails point nearest the boundary beyond `holds`, if any.
    fails: Option<Scalar>,
    /// The uncertain points between them: nearest and farthest from `holds`.
    uncertain: Option<(Scalar, Scalar)>,
}

/// The bracket of the boundary among the decided points (`t` orders points from the end where
/// the target holds).
fn bracket(points: &[Point], t: &impl Fn(f64) -> f64) -> Bracket {
    let tx = |p: &Point| t(p.x.as_f64());
    let holds = points
        .iter()
        .filter(|p| p.decision == Decision::Holds)
        .max_by(|a, b| tx(a).total_cmp(&tx(b)));
    // There is one unless the holding end is uncertain: then the search starts from that end.
    let (holds, th) = match holds {
        Some(p) => (p.x, tx(p)),
        None => {
            let end = points
                .iter()
                .min_by(|a, b| tx(a).total_cmp(&tx(b)))
                .expect("the two ends");
            (end.x, tx(end))
        }
    };
    let fails = points
        .iter()
        .filter(|p| p.decision == Decision::Fails && tx(p) > th)
        .min_by(|a, b| tx(a).total_cmp(&tx(b)));
    let tf = fails.map_or(f64::INFINITY, tx);
    let mut uncertain: Vec<&Point> = points
        .iter()
        .filter(|p| p.decision == Decision::Uncertain && tx(p) >= th && tx(p) < tf)
        .collect();
    uncertain.sort_by(|a, b| tx(a).total_cmp(&tx(b)));
    Bracket {
        holds,
        fails: fails.map(|p| p.x),
        uncertain: match (uncertain.first(), uncertain.last()) {
            (Some(a), Some(b)) => Some((a.x, b.x)),
            _ => None,
        },
    }
}

/// Where the metric's point estimates cross the threshold inside `interval` (linear between the
/// two evaluated points around the crossing), as a value of the parameter's kind.
fn crossing(
    points: &[Point],
    target: &Expectation,
    t: &impl Fn(f64) -> f64,
    interval: (Scalar, Scalar),
    kind: Scalar,
) -> Scalar {
    let threshold = target.threshold.value();
    let (a, b) = (interval.0.as_f64(), interval.1.as_f64());
    let mut inside: Vec<(f64, f64)> = points
        .iter()
        .filter(|p| (a..=b).contains(&p.x.as_f64()))
        .filter_map(|p| Some((p.x.as_f64(), p.estimate?.value)))
        .collect();
    inside.sort_by(|p, q| t(p.0).total_cmp(&t(q.0)));
    let holds = |v: f64| target.op.holds(v, threshold);
    for w in inside.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if holds(y0) && !holds(y1) {
            let x = if y1 == y0 {
                (x0 + x1) / 2.0
            } else {
                x0 + (threshold - y0) * (x1 - x0) / (y1 - y0)
            };
            return kind.like(x.clamp(a.min(b), a.max(b)));
        }
    }
    kind.like((a + b) / 2.0)
}

/// The metric's interval at the normal quantile `z`: a proportion of independent trials gets its
/// Wilson interval from its counts; otherwise the 95 % interval (or the verdict's, for an objective's figure) scaled about
/// the estimate by z / z95 (exact for the normal intervals of means, close for the order-statistic
/// intervals of percentiles). `None` for a value without noise (an exact minimum or maximum).
fn interval_at(
    metric: &Metric,
    e: &Estimate,
    summary: &Summary,
    s: &crate::model::Scenario,
    z: f64,
) -> Option<(f64, f64)> {
    let proportion = match *metric {
        Metric::PMeet(p, o) => summary.zone_incidents[p].p_meet(o),
        Metric::DisasterPMeet(p, o) => summary.region_disasters.as_ref()?.planes[p].p_meet(o),
        Metric::MissShare(p, cause) => summary.critical_path[p]
            .misses(cause.objective())
            .causes
            .get(cause.key())?
            .as_ref(),
        // Client shares are clustered by replication: their 95 % interval is scaled below.
        _ => None,
    };
    if let Some(p) = proportion {
        return Some(wilson_interval(p.successes, p.trials, z));
    }
    let Spread::Interval(lo, hi) = e.spread else {
        return match e.spread {
            Spread::Point(_) => None,
            // An interval is needed but cannot be had: never decided.
            _ => Some((f64::NEG_INFINITY, f64::INFINITY)),
        };
    };
    let z_given = match metric {
        Metric::Objective(..) => z_of(s.verdict_confidence),
        _ => Z95,
    };
    let k = z / z_given;
    Some((e.value - (e.value - lo) * k, e.value + (hi - e.value) * k))
}

impl Solution {
    /// The points in increasing order of the parameter.
    pub fn sorted(&self) -> Vec<&Point> {
        let mut p: Vec<&Point> = self.points.iter().collect();
        p.sort_by(|a, b| a.x.as_f64().total_cmp(&b.x.as_f64()));
        p
    }

    /// The point evaluated at `x` (an end of the range).
    pub fn at(&self, x: Scalar) -> &Point {
        self.points
            .iter()
            .find(|p| p.x == x)
            .expect("both ends are evaluated first")
    }

    /// `solve.json`, and what `--format json` prints.
    pub fn json(&self) -> serde_json::Value {
        use serde_json::json;
        let value = json_value;
        let estimate = |p: &Point| {
            json!({
                "value": value(p.x),
                "replications": p.replications,
                "estimate": p.estimate.map(|e| e.value),
                "ci95": p.estimate.and_then(|e| match e.spread {
                    Spread::Interval(l, h) if h.is_finite() => Some([l, h]),
                    _ => None,
                }),
                "interval": p.interval.filter(|(l, h)| l.is_finite() && h.is_finite()).map(|(l, h)| [l, h]),
                "decision": p.decision,
                "at_max_replications": p.decision == Decision::Uncertain && p.replications >= self.max_replications,
            })
        };
        let (lo, hi) = self.range;
        let (status, found) = match &self.outcome {
            Outcome::Found {
                value: v,
                interval,
                holds_at,
                fails_at,
                uncertain,
            } => (
                "found",
                json!({
                    "value": value(*v),
                    "interval": [value(interval.0), value(interval.1)],
                    "holds_at": value(*holds_at),
                    "fails_at": fails_at.map(value),
                    "uncertain_zone": uncertain.map(|(a, b)| [value(a), value(b)]),
                }),
            ),
            Outcome::HoldsEverywhere => ("holds_everywhere", json!({})),
            Outcome::FailsEverywhere => ("fails_everywhere", json!({})),
            Outcome::Undecided(_) => ("undecided", json!({})),
        };
        json!({
            "scenario": self.scenario,
            "parameter": self.parameter,
            "value": found.get("value").cloned().unwrap_or(serde_json::Value::Null),
            "interval": found.get("interval").cloned().unwrap_or(serde_json::Value::Null),
            "holds_at": found.get("holds_at").cloned().unwrap_or(serde_json::Value::Null),
            "fails_at": found.get("fails_at").cloned().unwrap_or(serde_json::Value::Null),
            "uncertain_zone": found.get("uncertain_zone").cloned().unwrap_or(serde_json::Value::Null),
            "status": status,
            "message": self.message(),
            "target": {
                "metric": self.target.path,
                "op": self.target.op.symbol(),
                "threshold": self.target.value_text,
                "threshold_value": self.target.threshold.value(),
            },
            "seconds": match (&self.outcome, lo) {
                (Outcome::Found { value, interval, .. }, Scalar::Duration(_)) => json!({
                    "value": value.as_f64(),
                    "interval": [interval.0.as_f64(), interval.1.as_f64()],
                }),
                _ => serde_json::Value::Null,
            },
            "confidence": self.confidence,
            "range": [value(lo), value(hi)],
            "at_low": estimate(self.at(lo)),
            "at_high": estimate(self.at(hi)),
            "replications": self.replications,
            "max_replications": self.max_replications,
            "limits_reached": self.limits_reached,
            "points": self.sorted().into_iter().map(estimate).collect::<Vec<_>>(),
        })
    }

    /// One sentence on how the search ended.
    pub fn message(&self) -> String {
        let (lo, hi) = self.range;
        let t = format!("{} {}", self.target.path, self.target);
        match &self.outcome {
            Outcome::Found { .. } => format!("{t}: boundary found"),
            Outcome::HoldsEverywhere => format!(
                "{t} holds at both ends of the range ({} = {lo} and {hi}): the boundary is outside it; widen the range",
                self.parameter
            ),
            Outcome::FailsEverywhere => format!(
                "{t} cannot be reached in the range: it fails at both ends ({} = {lo} and {hi})",
                self.parameter
            ),
            Outcome::Undecided(why) => format!("{t}: no boundary found: {why}"),
        }
    }

    /// Whether a boundary was found (exit 0) or not (exit 1).
    pub fn found(&self) -> bool {
        matches!(self.outcome, Outcome::Found { .. })
    }

    /// `solve.csv`: one row per evaluated point, in increasing order of the parameter.
    pub fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let m = &self.target.path;
        super::write_row(
            &mut w,
            [
                self.parameter.clone(),
                "replications".into(),
                m.clone(),
                format!("{m}.lo"),
                format!("{m}.hi"),
                format!("decided_on.lo ({} %)", pct(self.confidence)),
                format!("decided_on.hi ({} %)", pct(self.confidence)),
                "decision".into(),
                "limit_reached".into(),
            ],
        );
        for p in self.sorted() {
            let mut row = vec![scenario::show(&p.x.to_value()), p.replications.to_string()];
            row.extend(super::estimate_cells(p.estimate.as_ref()));
            match p.interval {
                Some((l, h)) if l.is_finite() && h.is_finite() => row.extend([l.to_string(), h.to_string()]),
                _ => row.extend([String::new(), String::new()]),
            }
            row.push(p.decision.name().into());
            row.push(
                if p.decision == Decision::Uncertain && p.replications >= self.max_replications {
                    "max_replications".into()
                } else {
                    String::new()
                },
            );
            super::write_row(&mut w, &row);
        }
        w.into_inner().expect("in-memory CSV")
    }
}

/// `0.95` → `95`, `0.995` → `99.5`.
pub(crate) fn pct(confidence: f64) -> String {
    let text = format!("{:.3}", 100.0 * confidence);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A parameter value in JSON: a number for a number, the duration string for a duration.
fn json_value(x: Scalar) -> serde_json::Value {
    match x {
        Scalar::Integer(n) => n.into(),
        Scalar::Float(f) => f.into(),
        Scalar::Duration(_) => scenario::show(&x.to_value()).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: i64, estimate: f64, decision: Decision) -> Point {
        Point {
            x: Scalar::Integer(x),
            replications: 100,
            estimate: Some(Estimate {
                value: estimate,
                spread: Spread::Interval(estimate - 0.01, estimate + 0.01),
            }),
            interval: Some((estimate - 0.01, estimate + 0.01)),
            decision,
        }
    }

    /// Decided points around an uncertain zone: the bracket is the decided points nearest it, and
    /// the boundary is where the estimates cross the threshold, inside the bracket.
    #[test]
    fn the_bracket_is_the_nearest_decided_points_and_the_estimate_crosses_inside_it() {
        // The target (metric <= 0.5) holds at high x: t runs from 100 down.
        let points = vec![
            point(0, 0.9, Decision::Fails),
            point(100, 0.1, Decision::Holds),
            point(50, 0.49, Decision::Uncertain),
            point(40, 0.55, Decision::Uncertain),
            point(30, 0.62, Decision::Fails),
            point(60, 0.45, Decision::Holds),
            point(75, 0.3, Decision::Holds),
        ];
        let t = |x: f64| 100.0 - x;
        let b = bracket(&points, &t);
        assert_eq!(b.holds, Scalar::Integer(60));
        assert_eq!(b.fails, Some(Scalar::Integer(30)));
        assert_eq!(b.uncertain, Some((Scalar::Integer(50), Scalar::Integer(40))));
        let target = Expectation {
            path: "m".into(),
            metric: Metric::RetryAmplification,
            op: Op::Le,
            threshold: crate::model::metric::Threshold::Number(0.5),
            value_text: "0.5".into(),
            over_draws: None,
        };
        // Between 50 (0.49, holds by its estimate) and 40 (0.55): 50 − 0.01·10/0.06 ≈ 48.3.
        let x = crossing(
            &points,
            &target,
            &t,
            (Scalar::Integer(30), Scalar::Integer(60)),
            Scalar::Integer(0),
        );
        assert_eq!(x, Scalar::Integer(48));
    }

    #[test]
    fn a_point_is_decided_on_which_side_of_the_threshold_its_interval_lies() {
        assert_eq!(decide(Op::Ge, 0.9, 0.91, 0.95), Decision::Holds);
        assert_eq!(decide(Op::Ge, 0.9, 0.85, 0.89), Decision::Fails);
        assert_eq!(decide(Op::Ge, 0.9, 0.88, 0.92), Decision::Uncertain);
        assert_eq!(decide(Op::Le, 600.0, 500.0, 590.0), Decision::Holds);
        assert_eq!(decide(Op::Le, 600.0, 610.0, 700.0), Decision::Fails);
        assert_eq!(decide(Op::Le, 600.0, 590.0, 610.0), Decision::Uncertain);
        assert_eq!(pct(0.95), "95");
        assert_eq!(
            grain(Scalar::Duration(crate::engine::SimDuration::from_secs_f64(1.0)), 66.0),
            10.0
        );
        assert_eq!(grain(Scalar::Float(0.0), 0.03), 0.01);
        assert_eq!(grain(Scalar::Integer(0), 0.5), 1.0);
        assert_eq!(pct(0.995), "99.5");
    }
}
