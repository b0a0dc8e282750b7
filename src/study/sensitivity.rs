//! `sensitivity`: one parameter at a time to a low and a high value, the metric's swing per
//! parameter, largest first (the data of a tornado chart).
//!
//! Parameters are the scenario's numeric leaves: numbers, durations (`"6h"`) and the durations
//! inside distributions (`"lognormal(median=6h, sigma=0.6)"` scales its median; shape parameters
//! such as `sigma` stay). What defines the run rather than the system — the name and
//! description, `[simulation]`, `[targets]`, `[expect]`, `[importance_sampling]` — is left alone.

use super::{StudyError, StudyMetric, StudyOptions, estimate_cells, run_statistics};
use crate::montecarlo::Estimate;
use crate::montecarlo::Runner;
use crate::scenario::{self, Override, show};

/// Top-level keys that are not parameters of the modelled system.
const NOT_PARAMETERS: [&str; 6] = [
    "name",
    "description",
    "simulation",
    "targets",
    "expect",
    "importance_sampling",
];

/// One parameter and its low and high values.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Field path.
    pub path: String,
    /// Value in the scenario.
    pub base: toml::Value,
    /// Low value.
    pub low: toml::Value,
    /// High value.
    pub high: toml::Value,
}

/// A parameter's effect on the metric.
#[derive(Clone, Debug)]
pub struct Effect {
    /// The parameter varied, with its low and high values.
    pub parameter: Parameter,
    /// Metric at the low value.
    pub low: Option<Estimate>,
    /// Metric at the high value.
    pub high: Option<Estimate>,
}

impl Effect {
    /// |metric(high) − metric(low)|; 0 without data.
    pub fn swing(&self) -> f64 {
        match (&self.low, &self.high) {
            (Some(l), Some(h)) => (h.value - l.value).abs(),
            _ => 0.0,
        }
    }
}

/// A finished sensitivity study.
pub struct Sensitivity {
    /// Scenario name.
    pub scenario: String,
    /// The metric whose swing ranks the parameters.
    pub metric: StudyMetric,
    /// Relative change, e.g. 0.2 for ±20 %.
    pub fraction: f64,
    /// The metric at the scenario as written.
    pub base: Option<Estimate>,
    /// Effects, largest swing first.
    pub effects: Vec<Effect>,
}

/// The parameters of a scenario document, each varied by ±`fraction`, in document order.
/// Parameters that cannot change at that size (an integer of 1 at ±20 %) are left out.
pub fn parameters(table: &toml::Table, fraction: f64) -> Vec<Parameter> {
    let mut out = Vec::new();
    for (k, v) in table {
        if !NOT_PARAMETERS.contains(&k.as_str()) {
            walk(k, v, fraction, &mut out);
        }
    }
    out
}

fn walk(path: &str, v: &toml::Value, fraction: f64, out: &mut Vec<Parameter>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                walk(&format!("{path}.{}", crate::scenario::quote_key(k)), v, fraction, out);
            }
        }
        toml::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                walk(&format!("{path}[{i}]"), v, fraction, out);
            }
        }
        _ => {
            let key = path.rsplit(['.', ']']).next().unwrap_or(path);
            if let Some((low, high)) = vary(key, v, fraction) {
                out.push(Parameter {
                    path: path.to_string(),
                    base: v.clone(),
                    low,
                    high,
                });
            }
        }
    }
}

fn vary(key: &str, v: &toml::Value, f: f64) -> Option<(toml::Value, toml::Value)> {
    match v {
        toml::Value::Float(x) => {
            let (lo, hi) = (x * (1.0 - f), x * (1.0 + f));
            // Probabilities stay probabilities.
            let hi = if key.contains("probability") { hi.min(1.0) } else { hi };
            (lo != hi && *x != 0.0).then(|| (toml::Value::Float(lo), toml::Value::Float(hi)))
        }
        toml::Value::Integer(n) => {
            let lo = ((*n as f64) * (1.0 - f)).round() as i64;
            let hi = ((*n as f64) * (1.0 + f)).round() as i64;
            (lo != *n && hi != *n && lo >= 1).then_some((toml::Value::Integer(lo), toml::Value::Integer(hi)))
        }
        toml::Value::String(s) => {
            let lo = scale_durations(s, 1.0 - f)?;
            let hi = scale_durations(s, 1.0 + f)?;
            // A zero duration ("0s") has nothing to scale.
            (lo != hi).then_some((toml::Value::String(lo), toml::Value::String(hi)))
        }
        _ => None,
    }
}

/// Scales every duration token of `text` (see [`duration_tokens`]); `None` when there is none.
pub fn scale_durations(text: &str, factor: f64) -> Option<String> {
    let tokens = crate::engine::duration::duration_tokens(text);
    if tokens.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for (start, num_end, end) in tokens {
        let x: f64 = text[start..num_end].parse().expect("a token's number parses");
        out.push_str(&text[copied..start]);
        out.push_str(&number(x * factor));
        out.push_str(&text[num_end..end]);
        copied = end;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Up to six significant digits, no trailing zeros (`4.84`, `0.9`, `11`).
fn number(x: f64) -> String {
    // log10(0) is -inf, which `as` saturates to i32::MIN: subtract without overflowing.
    let digits = 5i32.saturating_sub(x.abs().log10().floor() as i32).clamp(0, 9) as usize;
    let text = format!("{x:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A planned study: every low and high scenario validated before anything runs.
pub struct Plan {
    base: scenario::Plan,
    metric: StudyMetric,
    fraction: f64,
    runs: Vec<(Parameter, scenario::Plan, scenario::Plan)>,
}

impl Plan {
    /// `only`: parameter paths to vary (all when empty); every one must be a parameter.
    pub fn new(
        source: &scenario::Plan,
        metric: &str,
        only: &[String],
        fraction: f64,
        options: &StudyOptions,
    ) -> Result<Plan, StudyError> {
        if !(fraction > 0.0 && fraction < 1.0) {
            return Err(StudyError::option(
                format!("--vary {fraction}"),
                "the relative change must be in (0, 1), e.g. 0.2 for ±20 %",
            ));
        }
        let base = source.with(&options.overrides())?;
        let metric = StudyMetric::resolve(metric, &base)?;
        // The parameters are the values the file gives (a default is not a parameter of it).
        let all = parameters(source.source(), fraction);
        for p in only {
            if !all.iter().any(|a| &a.path == p) {
                let known: Vec<&str> = all.iter().map(|a| a.path.as_str()).collect();
                return Err(StudyError::option(
                    format!("--parameter {p}"),
                    format!(
                        "not a numeric parameter of the scenario; its parameters are: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        let mut runs = Vec::new();
        for p in all.into_iter().filter(|p| only.is_empty() || only.contains(&p.path)) {
            let at = |v: &toml::Value| {
                let mut o = vec![Override::set(p.path.clone(), v.clone())];
                o.extend(options.overrides());
                source.with(&o)
            };
            let (low, high) = (at(&p.low)?, at(&p.high)?);
            runs.push((p, low, high));
        }
        if runs.is_empty() {
            return Err(StudyError::option(
                "--parameter",
                "the scenario has no numeric parameter to vary",
            ));
        }
        Ok(Plan {
            base,
            metric,
            fraction,
            runs,
        })
    }

    /// Scenario runs it will make.
    pub fn runs(&self) -> usize {
        1 + 2 * self.runs.len()
    }

    /// Runs the base and every low and high scenario; `progress(done, total)` after each.
    pub fn run(self, runner: &Runner, mut progress: impl FnMut(usize, usize)) -> Sensitivity {
        let total = self.runs();
        let (stats, summary) = run_statistics(&self.base, runner);
        let base = self.metric.estimate(&stats, &summary);
        progress(1, total);
        let mut effects = Vec::with_capacity(self.runs.len());
        for (k, (parameter, low, high)) in self.runs.into_iter().enumerate() {
            let (ls, lsum) = run_statistics(&low, runner);
            let (hs, hsum) = run_statistics(&high, runner);
            effects.push(Effect {
                parameter,
                low: self.metric.estimate(&ls, &lsum),
                high: self.metric.estimate(&hs, &hsum),
            });
            progress(2 + 2 * k + 1, total);
        }
        // Stable: equal swings keep document order.
        effects.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
        Sensitivity {
            scenario: self.base.name.clone(),
            metric: self.metric,
            fraction: self.fraction,
            base,
            effects,
        }
    }
}

impl Sensitivity {
    /// `sensitivity.csv`: one row per parameter, largest swing first.
    pub fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let m = &self.metric.path;
        w.write_record([
            "parameter".to_string(),
            "base".into(),
            "low".into(),
            "high".into(),
            format!("{m} at low"),
            "lo95 at low".into(),
            "hi95 at low".into(),
            format!("{m} at high"),
            "lo95 at high".into(),
            "hi95 at high".into(),
            "swing".into(),
        ])
        .expect("in-memory CSV");
        for e in &self.effects {
            let p = &e.parameter;
            let mut row = vec![p.path.clone(), show(&p.base), show(&p.low), show(&p.high)];
            row.extend(estimate_cells(e.low.as_ref()));
            row.extend(estimate_cells(e.high.as_ref()));
            row.push(e.swing().to_string());
            w.write_record(&row).expect("in-memory CSV");
        }
        w.into_inner().expect("in-memory CSV")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_inside_distributions_scale_and_shapes_stay() {
        assert_eq!(
            scale_durations("lognormal(median=6h, sigma=0.6)", 1.2).unwrap(),
            "lognormal(median=7.2h, sigma=0.6)"
        );
        assert_eq!(scale_durations("uniform(2h, 8h)", 0.5).unwrap(), "uniform(1h, 4h)");
        assert_eq!(scale_durations("1h30m", 2.0).unwrap(), "2h60m");
        assert_eq!(scale_durations("exp(mean=10y)", 1.1).unwrap(), "exp(mean=11y)");
        assert_eq!(scale_durations("premium", 1.1), None);
        assert_eq!(scale_durations("East US 2", 1.1), None);
    }

    #[test]
    fn the_name_and_description_are_not_parameters() {
        let t: toml::Table =
            "name = \"drill-1h\"\ndescription = \"lost at 1h for 5d\"\n[recovery]\ncreate_resources = \"2h\"\n"
                .parse()
                .unwrap();
        let paths: Vec<String> = parameters(&t, 0.2).into_iter().map(|p| p.path).collect();
        assert_eq!(paths, vec!["recovery.create_resources".to_string()]);
    }

    #[test]
    fn the_default_scenario_has_failure_and_recovery_parameters_but_no_run_settings() {
        let src = scenario::Plan::embedded_default();
        let ps = parameters(src.source(), 0.2);
        let paths: Vec<&str> = ps.iter().map(|p| p.path.as_str()).collect();
        assert!(paths.contains(&"failures[0].time_to_failure"), "{paths:?}");
        assert!(paths.contains(&"recovery.database.size_gb"), "{paths:?}");
        assert!(
            !paths
                .iter()
                .any(|p| p.starts_with("simulation") || p.starts_with("targets"))
        );
        let p = ps.iter().find(|p| p.path == "failures[0].time_to_failure").unwrap();
        assert_eq!(p.low.as_str(), Some("exp(mean=8y)"));
        assert_eq!(p.high.as_str(), Some("exp(mean=12y)"));
        // Every low and high value is a valid scenario.
        for p in &ps {
            src.with(&[Override::set(p.path.clone(), p.low.clone())]).unwrap();
            src.with(&[Override::set(p.path.clone(), p.high.clone())]).unwrap();
        }
    }
}
