//! `diff`: a regression gate between two finished runs (their `summary.json`), metric by metric.
//!
//! For each catalogue path with a value in both summaries, the difference NEW − BASE gets a
//! two-sample interval:
//!
//! - a value with counts (`successes`, `trials`: P(meet) per incident, shares of misses):
//!   Newcombe's hybrid score interval (his method 10), from the two Wilson intervals;
//! - a value with a standard error (means over replications, availability, clustered
//!   proportions, the mean of a duration distribution): Welch's normal approximation,
//!   d ± z·√(se_base² + se_new²);
//! - anything else (percentiles, minima, maxima, ratios, the figures of a verdict): the
//!   difference alone, "no interval".
//!
//! The runs are independent (different seeds, or different scenarios), so the intervals are
//! those of two independent samples; `compare` is the paired design for two scenarios run on
//! common random numbers.
//!
//! Many metrics are compared at once, so by default the intervals are Bonferroni-corrected: each
//! is a two-sided interval at confidence 1 − 0.05/m, m the number of metrics with an interval.
//! The chance that two runs of the same model show any significant regression is then at most
//! 2.5 % (a regression is one side of a two-sided test), whatever m.
//!
//! A metric *regressed* when its whole interval lies on its worse side beyond its tolerance,
//! *improved* when it lies on its better side beyond it, and is *unchanged* otherwise; a
//! metric with no interval is classified on its point difference. A significant regression (the
//! gate fails) is a regression of a metric with an interval, or of one without an interval
//! whose tolerance was given with `--tolerance`.

use crate::engine::SimDuration;
use crate::engine::duration::{human, parse_duration};
use crate::model::metric::{Better, MetricDef, Unit};
use crate::montecarlo::z_of;
use serde::Serialize;
use serde_json::Value;

/// The family-wise confidence of the comparison.
pub const CONFIDENCE: f64 = 0.95;

/// How the intervals account for the number of metrics compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Correction {
    /// Each interval at 1 − 0.05/m (m metrics with an interval): the chance of any false alarm
    /// is at most 5 % (2.5 % for regressions alone).
    #[default]
    Bonferroni,
    /// Each interval at 95 %: with many metrics, a false alarm somewhere is likely.
    None,
}

/// How a metric's difference got its interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Welch: d ± z·√(se_a² + se_b²).
    Welch,
    /// Newcombe's hybrid score interval from counts.
    Newcombe,
    /// No interval: the difference alone.
    None,
}

/// What happened to a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// Better beyond the tolerance.
    Improved,
    /// Worse beyond the tolerance.
    Regressed,
    /// Within the tolerance, or within the noise.
    Unchanged,
    /// Changed, on a metric with no better side.
    NoDirection,
}

impl Class {
    /// As outputs name it.
    pub fn name(self) -> &'static str {
        match self {
            Class::Improved => "improved",
            Class::Regressed => "regressed",
            Class::Unchanged => "unchanged",
            Class::NoDirection => "changed (no direction)",
        }
    }
}

/// One metric compared.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Its path.
    pub path: String,
    /// `duration` (seconds), `probability` or `number`.
    pub unit: &'static str,
    /// `higher`, `lower` or null (no better side).
    pub better: Option<&'static str>,
    /// BASE's value.
    pub base: f64,
    /// NEW's value.
    pub new: f64,
    /// NEW − BASE.
    pub difference: f64,
    /// Its interval at the per-metric confidence; null without one.
    pub interval: Option<[f64; 2]>,
    /// How the interval was made.
    pub method: Method,
    /// The tolerance, in the metric's unit (seconds for durations).
    pub tolerance: f64,
    /// Whether it was given with `--tolerance`.
    pub tolerance_given: bool,
    /// What happened.
    pub class: Class,
    /// Whether it fails the gate.
    pub significant_regression: bool,
    #[serde(skip)]
    unit_kind: Option<Unit>,
}

/// The comparison of two runs.
#[derive(Clone, Debug, Serialize)]
pub struct Diff {
    /// BASE's file.
    pub base: String,
    /// NEW's file.
    pub new: String,
    /// Family-wise confidence.
    pub confidence: f64,
    /// The correction for the number of metrics.
    pub correction: Correction,
    /// The metrics with an interval and a better side (m of the correction).
    pub compared_with_interval: usize,
    /// The confidence of each interval.
    pub per_metric_confidence: f64,
    /// `REGRESSED` when some regression is significant, else `OK`.
    pub verdict: &'static str,
    /// The significant regressions.
    pub regressions: usize,
    /// Catalogue paths with a value in only one of the runs (or in neither), not compared.
    pub not_compared: usize,
    /// Every metric compared, in catalogue order.
    pub metrics: Vec<Row>,
}

/// A `--tolerance METRIC=X`, parsed against the catalogue: the path and the tolerance in the
/// metric's unit (seconds for a duration).
pub fn parse_tolerance(text: &str, catalogue: &[MetricDef]) -> Result<(String, f64), String> {
    let Some((path, value)) = text.split_once('=') else {
        return Err(format!(
            "--tolerance {text:?}: expected METRIC=X, e.g. zone_incidents.data_plane.rto.p95=10m"
        ));
    };
    let (path, value) = (path.trim(), value.trim());
    let Some(def) = catalogue.iter().find(|d| d.path == path) else {
        return Err(format!(
            "--tolerance {text:?}: {path:?} is not a metric path of this scenario (`outage-sim metrics` lists them)"
        ));
    };
    let x = match def.unit() {
        Unit::Duration => parse_duration(value)
            .map(|d| d.as_secs_f64())
            .map_err(|e| format!("--tolerance {text:?}: {path} is a duration: {e}"))?,
        _ => value
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or_else(|| format!("--tolerance {text:?}: {path} takes a plain non-negative number, e.g. 0.001"))?,
    };
    Ok((path.to_string(), x))
}

/// The keys of a path (`availability."web.api"` → `availability`, `web.api`).
fn keys(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            '\\' if quoted => cur.extend(chars.next()),
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// A value as `diff` can compare it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Value2 {
    Counts(f64, f64),
    Mean(f64, f64),
    Point(f64),
}

impl Value2 {
    fn value(self) -> f64 {
        match self {
            Value2::Counts(s, n) => s / n,
            Value2::Mean(v, _) | Value2::Point(v) => v,
        }
    }
}

/// The value at a metric path of a summary, `None` for no data.
fn lookup(summary: &Value, path: &str) -> Option<Value2> {
    let keys = keys(path);
    let mut parent = None;
    let mut node = summary;
    for k in &keys {
        parent = Some(node);
        node = node.get(k)?;
    }
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_f64);
    match node {
        Value::Number(n) => {
            let v = n.as_f64()?;
            // The mean of a duration distribution has its standard error beside it.
            match parent.and_then(|p| num(p, "std_error")) {
                Some(se) if keys.last().map(String::as_str) == Some("mean") => Some(Value2::Mean(v, se)),
                _ => Some(Value2::Point(v)),
            }
        }
        Value::Object(_) => {
            if let (Some(s), Some(n)) = (num(node, "successes"), num(node, "trials")) {
                return (n > 0.0).then_some(Value2::Counts(s, n));
            }
            let v = num(node, "estimate")?;
            Some(match num(node, "std_error") {
                Some(se) => Value2::Mean(v, se),
                None => Value2::Point(v),
            })
        }
        _ => None,
    }
}

/// The Wilson score interval of s successes in n trials at z.
fn wilson(s: f64, n: f64, z: f64) -> (f64, f64) {
    let p = s / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let center = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    ((center - half).max(0.0), (center + half).min(1.0))
}

/// Newcombe's hybrid score interval (method 10) of p_new − p_base.
pub fn newcombe(base: (f64, f64), new: (f64, f64), z: f64) -> [f64; 2] {
    let (p1, p2) = (new.0 / new.1, base.0 / base.1);
    let (l1, u1) = wilson(new.0, new.1, z);
    let (l2, u2) = wilson(base.0, base.1, z);
    let d = p1 - p2;
    [
        d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt(),
        d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt(),
    ]
}

/// Compares two summaries (as JSON) metric by metric over a catalogue.
pub fn diff(
    base_name: &str,
    base: &Value,
    new_name: &str,
    new: &Value,
    catalogue: &[MetricDef],
    tolerances: &[(String, f64)],
    correction: Correction,
) -> Diff {
    let mut pairs = Vec::new();
    let mut not_compared = 0;
    for def in catalogue {
        match (lookup(base, &def.path), lookup(new, &def.path)) {
            (Some(a), Some(b)) => pairs.push((def, a, b)),
            _ => not_compared += 1,
        }
    }
    let with_interval = |a: Value2, b: Value2| {
        matches!(
            (a, b),
            (Value2::Counts(..), Value2::Counts(..)) | (Value2::Mean(..), Value2::Mean(..))
        )
    };
    // Only a metric with a better side can regress: the others do not count towards m.
    let m = pairs
        .iter()
        .filter(|(def, a, b)| with_interval(*a, *b) && def.metric.better().is_some())
        .count()
        .max(1);
    let per_metric_confidence = match correction {
        Correction::Bonferroni => 1.0 - (1.0 - CONFIDENCE) / m as f64,
        Correction::None => CONFIDENCE,
    };
    let z = z_of(per_metric_confidence);
    let metrics: Vec<Row> = pairs
        .into_iter()
        .map(|(def, a, b)| {
            let difference = b.value() - a.value();
            let (interval, method) = match (a, b) {
                (Value2::Counts(sa, na), Value2::Counts(sb, nb)) => {
                    (Some(newcombe((sa, na), (sb, nb), z)), Method::Newcombe)
                }
                (Value2::Mean(_, sea), Value2::Mean(_, seb)) => {
                    let h = z * (sea * sea + seb * seb).sqrt();
                    (Some([difference - h, difference + h]), Method::Welch)
                }
                _ => (None, Method::None),
            };
            let given = tolerances.iter().rev().find(|(p, _)| *p == def.path).map(|t| t.1);
            let tolerance = given.unwrap_or(0.0);
            let better = def.metric.better();
            // The interval of the change towards the worse side.
            let worse = |x: f64| match better {
                Some(Better::Higher) => -x,
                _ => x,
            };
            let (lo, hi) = match interval {
                Some([l, h]) => (worse(l).min(worse(h)), worse(l).max(worse(h))),
                None => (worse(difference), worse(difference)),
            };
            let class = match better {
                None if lo > tolerance || hi < -tolerance => Class::NoDirection,
                None => Class::Unchanged,
                Some(_) if lo > tolerance => Class::Regressed,
                Some(_) if hi < -tolerance => Class::Improved,
                Some(_) => Class::Unchanged,
            };
            let significant_regression = class == Class::Regressed && (interval.is_some() || given.is_some());
            Row {
                path: def.path.clone(),
                unit: def.unit().name(),
                better: better.map(Better::name),
                base: a.value(),
                new: b.value(),
                difference,
                interval,
                method,
                tolerance,
                tolerance_given: given.is_some(),
                class,
                significant_regression,
                unit_kind: Some(def.unit()),
            }
        })
        .collect();
    let regressions = metrics.iter().filter(|r| r.significant_regression).count();
    Diff {
        base: base_name.to_string(),
        new: new_name.to_string(),
        confidence: CONFIDENCE,
        correction,
        compared_with_interval: m,
        per_metric_confidence,
        verdict: if regressions > 0 { "REGRESSED" } else { "OK" },
        regressions,
        not_compared,
        metrics,
    }
}

/// A value for people: durations in their unit, signed when `signed`.
fn show(unit: Option<Unit>, v: f64, signed: bool) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let sign = if signed && v > 0.0 {
        "+"
    } else if v < 0.0 {
        "-"
    } else {
        ""
    };
    match unit {
        Some(Unit::Duration) => format!("{sign}{}", human(SimDuration::from_secs_f64(v.abs()))),
        _ if signed => format!("{sign}{:.4}", v.abs()),
        _ => format!("{v:.4}"),
    }
}

impl Row {
    fn interval_text(&self) -> String {
        match self.interval {
            Some([lo, hi]) => format!(
                "[{}, {}]",
                show(self.unit_kind, lo, true),
                show(self.unit_kind, hi, true)
            ),
            None => "no interval".into(),
        }
    }

    fn class_text(&self) -> String {
        match (self.class, self.significant_regression, self.interval.is_some()) {
            (Class::Regressed, true, _) => "REGRESSED".into(),
            (Class::Regressed, false, false) => "regressed (no interval: not gating without --tolerance)".into(),
            (c, _, false) if c != Class::Unchanged => format!("{} (no interval)", c.name()),
            (c, ..) => c.name().into(),
        }
    }

    fn cells(&self) -> [String; 6] {
        [
            self.path.clone(),
            show(self.unit_kind, self.base, false),
            show(self.unit_kind, self.new, false),
            show(self.unit_kind, self.difference, true),
            self.interval_text(),
            self.class_text(),
        ]
    }
}

const HEADER: [&str; 6] = ["metric", "base", "new", "new - base", "interval", "change"];

impl Diff {
    /// One line: the verdict.
    pub fn verdict_line(&self) -> String {
        let changed = |c| {
            self.metrics
                .iter()
                .filter(|r| r.class == c && (r.interval.is_some() || r.tolerance_given))
                .count()
        };
        format!(
            "{}: {} significant regression(s), {} improvement(s), {} metric(s) compared ({} with an interval at {:.4} each, {} correction)",
            self.verdict,
            self.regressions,
            changed(Class::Improved),
            self.metrics.len(),
            self.compared_with_interval,
            self.per_metric_confidence,
            match self.correction {
                Correction::Bonferroni => "Bonferroni",
                Correction::None => "no",
            }
        )
    }

    /// An aligned table of every metric, then the verdict.
    pub fn table(&self) -> String {
        let rows: Vec<[String; 6]> = self.metrics.iter().map(Row::cells).collect();
        let mut widths = HEADER.map(str::len);
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = format!("diff {} -> {}\n", self.base, self.new);
        let line = |cells: Vec<&str>| {
            let mut l = String::new();
            for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
                if i + 1 == cells.len() {
                    l.push_str(c);
                } else {
                    l.push_str(&format!("{c:<w$}  "));
                }
            }
            l.trim_end().to_string() + "\n"
        };
        out.push_str(&line(HEADER.to_vec()));
        for r in &rows {
            out.push_str(&line(r.iter().map(String::as_str).collect()));
        }
        out.push_str(&self.verdict_line());
        out.push('\n');
        out
    }

    /// Markdown for a pull-request comment: the verdict, the changed metrics, the rest folded.
    pub fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|");
        let table = |rows: &[&Row]| {
            let mut t = format!("| {} |\n|{}\n", HEADER.join(" | "), "---|".repeat(HEADER.len()));
            for r in rows {
                let c = r.cells().map(|c| esc(&c));
                t.push_str(&format!("| `{}` | {} |\n", c[0], c[1..].join(" | ")));
            }
            t
        };
        let (changed, rest): (Vec<&Row>, Vec<&Row>) = self
            .metrics
            .iter()
            .partition(|r| r.class != Class::Unchanged && (r.interval.is_some() || r.tolerance_given));
        let icon = if self.regressions > 0 { "❌" } else { "✅" };
        let mut out = format!("### outage-sim diff\n\n{icon} **{}**\n\n", esc(&self.verdict_line()));
        if changed.is_empty() {
            out.push_str("No significant change.\n");
        } else {
            out.push_str(&table(&changed));
        }
        out.push_str(&format!(
            "\n<details><summary>{} other metric(s) (unchanged, or without an interval)</summary>\n\n{}\n</details>\n",
            rest.len(),
            table(&rest)
        ));
        out
    }

    /// JUnit XML: one testcase per metric, a failure per significant regression.
    pub fn junit(&self) -> String {
        let cases: Vec<JunitCase> = self
            .metrics
            .iter()
            .map(|r| JunitCase {
                name: r.path.clone(),
                failure: r.significant_regression.then(|| {
                    format!(
                        "regressed: {} -> {} ({} {}, tolerance {})",
                        show(r.unit_kind, r.base, false),
                        show(r.unit_kind, r.new, false),
                        show(r.unit_kind, r.difference, true),
                        r.interval_text(),
                        show(r.unit_kind, r.tolerance, false)
                    )
                }),
                output: Some(format!("{}: {}", r.class_text(), r.interval_text())),
            })
            .collect();
        junit("outage-sim diff", &cases)
    }
}

/// One testcase of a JUnit report.
pub struct JunitCase {
    /// Its name (a metric path, an expectation).
    pub name: String,
    /// The failure message, if it failed.
    pub failure: Option<String>,
    /// What goes to its system-out.
    pub output: Option<String>,
}

/// The five XML entities escaped.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A JUnit XML document of one test suite.
pub fn junit(suite: &str, cases: &[JunitCase]) -> String {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let suite = xml_escape(suite);
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"{suite}\" tests=\"{}\" failures=\"{failures}\">\n  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        cases.len(),
        cases.len()
    );
    for c in cases {
        out.push_str(&format!(
            "    <testcase classname=\"{suite}\" name=\"{}\">\n",
            xml_escape(&c.name)
        ));
        if let Some(f) = &c.failure {
            out.push_str(&format!(
                "      <failure message=\"{}\">{}</failure>\n",
                xml_escape(f),
                xml_escape(f)
            ));
        }
        if let Some(o) = &c.output {
            out.push_str(&format!("      <system-out>{}</system-out>\n", xml_escape(o)));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newcombe_matches_his_worked_example() {
        // Newcombe (1998), Table II, example (a): 56/70 − 48/80 = 0.2000, method 10:
        // 0.0524 to 0.3339.
        let [lo, hi] = newcombe((48.0, 80.0), (56.0, 70.0), z_of(0.95));
        assert!((lo - 0.0524).abs() < 5e-4, "{lo}");
        assert!((hi - 0.3339).abs() < 5e-4, "{hi}");
    }

    #[test]
    fn quoted_keys_split() {
        assert_eq!(keys("availability.\"web.api\""), vec!["availability", "web.api"]);
    }

    #[test]
    fn xml_escapes_the_five_entities() {
        assert_eq!(
            xml_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
    }
}
