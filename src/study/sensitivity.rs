//! `sensitivity`: one parameter at a time to a low and a high value, the metric's swing per
//! parameter, largest first (the data of a tornado chart).
//!
//! Parameters are the scenario's quantities: numbers, durations (`"6h"`) and the durations inside
//! distributions (`"lognormal(median=6h, sigma=0.6)"` scales its median; shape parameters such as
//! `sigma` stay). Identifiers are not quantities and are never varied: names and other text,
//! booleans, the entries of lists (zone lists, retried HTTP statuses, service names), zone
//! numbers (`zone`), HTTP statuses (`*_status`), the region map (`[[regions]]`). Neither is what
//! defines the run rather than the system — the name and description, `[simulation]`,
//! `[targets]`, `[expect]`, `[importance_sampling]`, the clients' simulated sample.
//!
//! A parameter whose low or high value makes the scenario invalid (a count that must stay below
//! another) is left out and listed, unless it was named with `--parameter`.

use super::{StudyError, StudyMetric, StudyOptions, estimate_cells, run_statistics};
use crate::montecarlo::Estimate;
use crate::montecarlo::{RunOptions, RunStats, Runner, Shard, Summary};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Batches of replications each low and high run is split into for the noise of its swing.
pub const BATCHES: u64 = 10;

/// A run in [`BATCHES`] batches of consecutive replications (shards of the run, which merge into
/// exactly the whole run): the metric on the whole run and on each batch (`None` without data).
fn run_batched(
    s: &scenario::Plan,
    runner: &Runner,
    metric: &StudyMetric,
    budget: super::Budget,
) -> Result<Batched, StudyError> {
    let count = BATCHES.min(s.replications / 2).max(1);
    let mut whole: Option<RunStats> = None;
    let mut batches = Vec::with_capacity(count as usize);
    for index in 0..count {
        let options = super::budgeted(
            RunOptions {
                shard: Some(Shard { index, count }),
                ..RunOptions::default()
            },
            budget,
        );
        let Ok(stats) = runner.run(s, &options, |_| Ok::<(), std::convert::Infallible>(()));
        super::within_budget(s, &stats)?;
        let summary = Summary::new(s, &stats);
        batches.push(metric.estimate(&stats, &summary).map(|e| e.value));
        match &mut whole {
            Some(w) => w.merge(&stats),
            None => whole = Some(stats),
        }
    }
    let stats = whole.expect("at least one batch");
    let summary = Summary::new(s, &stats);
    Ok((metric.estimate(&stats, &summary), batches))
}

/// The metric on a whole run and on each of its batches.
type Batched = (Option<Estimate>, Vec<Option<f64>>);
use crate::scenario::{self, Override, show};

/// Top-level keys that are not parameters of the modelled system (`regions`: the map of region
/// names, zone counts and pairs is the world the deployment lives in, not a quantity of it).
const NOT_PARAMETERS: [&str; 7] = [
    "name",
    "description",
    "simulation",
    "targets",
    "expect",
    "importance_sampling",
    "regions",
];

/// Fields that set how the run is simulated, not the system.
const RUN_SETTINGS: [&str; 1] = ["clients.sample"];

/// Whether a leaf's key names an identifier rather than a quantity: a zone number, an HTTP status.
fn is_identifier(key: &str) -> bool {
    key == "zone" || key.ends_with("status") || key.ends_with("statuses") || key.ends_with("_code")
}

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
    /// metric(high) − metric(low) in each batch of replications (the same replications at both
    /// values: common random numbers), for the noise of the swing.
    pub batch_differences: Vec<f64>,
}

impl Effect {
    /// |metric(high) − metric(low)|; 0 without data.
    pub fn swing(&self) -> f64 {
        match (&self.low, &self.high) {
            (Some(l), Some(h)) => (h.value - l.value).abs(),
            _ => 0.0,
        }
    }

    /// The noise of the swing: the half-width of the 95 % interval of metric(high) − metric(low)
    /// from the paired batches. Both values run the same replications on the same seed (common
    /// random numbers) in [`BATCHES`] batches of consecutive replications; the difference in each
    /// batch is one paired observation, and the noise is t(0.975, k − 1) · sd / √k over the k
    /// batches (batch means: it holds for any metric, a percentile or a P(meet) as well as a
    /// mean). Infinite with fewer than two batches with data; 0 when the values agree in every
    /// batch.
    pub fn noise(&self) -> f64 {
        let d = &self.batch_differences;
        let k = d.len();
        if k < 2 {
            return f64::INFINITY;
        }
        let mean = d.iter().sum::<f64>() / k as f64;
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (k - 1) as f64;
        let t = StudentsT::new(0.0, 1.0, (k - 1) as f64).map_or(f64::INFINITY, |t| t.inverse_cdf(0.975));
        t * var.sqrt() / (k as f64).sqrt()
    }

    /// Whether the swing is within the noise (no larger than it): the parameter's effect cannot be
    /// told from the dice. A zero swing always is.
    pub fn within_noise(&self) -> bool {
        self.swing() == 0.0 || self.swing() <= self.noise()
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
    /// Parameters left out because the scenario is invalid at their low or high value, with why.
    pub left_out: Vec<(String, String)>,
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
            // Arrays of entries hold parameters; lists of scalars are lists of identifiers.
            // An entry with a name unique in its array is named by it (`services[name=sql]`),
            // which reads better than its index and selects the same entry.
            let name = |v: &toml::Value| v.get("name").and_then(toml::Value::as_str).map(str::to_string);
            for (i, v) in a.iter().enumerate().filter(|(_, v)| v.is_table()) {
                let selector = match name(v) {
                    Some(n)
                        if a.iter().filter(|w| name(w).as_deref() == Some(n.as_str())).count() == 1
                            && !n.contains([']', '"', '\'']) =>
                    {
                        format!("[name={n}]")
                    }
                    _ => format!("[{i}]"),
                };
                walk(&format!("{path}{selector}"), v, fraction, out);
            }
        }
        _ => {
            let key = path.rsplit(['.', ']']).next().unwrap_or(path);
            if is_identifier(key) || RUN_SETTINGS.contains(&path) {
                return;
            }
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
    left_out: Vec<(String, String)>,
    budget: super::Budget,
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
        // `services[name=sql].backup.interval` names `services[1].backup.interval`.
        let only: Vec<String> = only
            .iter()
            .map(|p| {
                scenario::resolve_selectors(source.source(), p)
                    .map_err(|e| StudyError::option(format!("--parameter {p}"), e))
            })
            .collect::<Result<_, _>>()?;
        // A parameter's path names entries by name where it can; `--parameter` may use either.
        let index_path = |p: &str| scenario::resolve_selectors(source.source(), p).unwrap_or_else(|_| p.to_string());
        let indexed: Vec<String> = all.iter().map(|a| index_path(&a.path)).collect();
        for p in &only {
            if !indexed.contains(p) {
                let known: Vec<&str> = all.iter().map(|a| a.path.as_str()).collect();
                return Err(StudyError::option(
                    format!("--parameter {p}"),
                    format!(
                        "not a quantity the scenario file gives (identifiers such as zone numbers, HTTP \
                         statuses and names are not varied); its parameters are: {}",
                        known.join(", ")
                    ),
                ));
            }
        }
        let mut runs = Vec::new();
        let mut left_out = Vec::new();
        for p in all
            .into_iter()
            .filter(|p| only.is_empty() || only.contains(&index_path(&p.path)))
        {
            let at = |v: &toml::Value| {
                let mut o = vec![Override::set(p.path.clone(), v.clone())];
                o.extend(options.overrides());
                source.with(&o)
            };
            match (at(&p.low), at(&p.high)) {
                (Ok(low), Ok(high)) => runs.push((p, low, high)),
                // Named: the user wants to know why it cannot be varied.
                (Err(e), _) | (_, Err(e)) if !only.is_empty() => return Err(e.into()),
                (Err(e), _) | (_, Err(e)) => left_out.push((p.path.clone(), e.to_string())),
            }
        }
        if runs.is_empty() {
            return Err(StudyError::option(
                "--parameter",
                "the scenario has no quantity to vary",
            ));
        }
        Ok(Plan {
            base,
            metric,
            fraction,
            runs,
            left_out,
            budget: options.budget,
        })
    }

    /// Scenario runs it will make.
    pub fn runs(&self) -> usize {
        1 + 2 * self.runs.len()
    }

    /// Runs the base and every low and high scenario; `progress(done, total)` after each.
    /// A run stopped at a per-replication budget stops the study ([`StudyError::Budget`]).
    pub fn run(self, runner: &Runner, mut progress: impl FnMut(usize, usize)) -> Result<Sensitivity, StudyError> {
        let total = self.runs();
        let (stats, summary) = run_statistics(&self.base, runner, self.budget)?;
        let base = self.metric.estimate(&stats, &summary);
        progress(1, total);
        let mut effects = Vec::with_capacity(self.runs.len());
        for (k, (parameter, low, high)) in self.runs.into_iter().enumerate() {
            let (low, low_batches) = run_batched(&low, runner, &self.metric, self.budget)?;
            let (high, high_batches) = run_batched(&high, runner, &self.metric, self.budget)?;
            let batch_differences = low_batches
                .iter()
                .zip(&high_batches)
                .filter_map(|(l, h)| Some((*h)? - (*l)?))
                .collect();
            effects.push(Effect {
                parameter,
                low,
                high,
                batch_differences,
            });
            progress(2 + 2 * k + 1, total);
        }
        // Stable: equal swings keep document order.
        effects.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
        Ok(Sensitivity {
            scenario: self.base.name.clone(),
            metric: self.metric,
            fraction: self.fraction,
            base,
            effects,
            left_out: self.left_out,
        })
    }
}

impl Sensitivity {
    /// `sensitivity.csv`: one row per parameter, largest swing first, with the swing's noise and
    /// whether the swing is within it.
    pub fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let m = &self.metric.path;
        super::write_row(
            &mut w,
            [
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
                "noise".into(),
                "within_noise".into(),
            ],
        );
        for e in &self.effects {
            let p = &e.parameter;
            let mut row = vec![p.path.clone(), show(&p.base), show(&p.low), show(&p.high)];
            row.extend(estimate_cells(e.low.as_ref()));
            row.extend(estimate_cells(e.high.as_ref()));
            row.push(e.swing().to_string());
            row.push(if e.noise().is_finite() {
                e.noise().to_string()
            } else {
                "inf".into()
            });
            row.push(e.within_noise().to_string());
            super::write_row(&mut w, &row);
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
        let first_failure = src.source()["failures"][0]["name"].as_str().unwrap().to_string();
        let ttf = format!("failures[name={first_failure}].time_to_failure");
        assert!(paths.contains(&ttf.as_str()), "{paths:?}");
        assert!(paths.contains(&"recovery.database.size_gb"), "{paths:?}");
        assert!(
            !paths
                .iter()
                .any(|p| p.starts_with("simulation") || p.starts_with("targets"))
        );
        let p = ps.iter().find(|p| p.path == ttf).unwrap();
        assert_eq!(p.low.as_str(), Some("exp(mean=8y)"));
        assert_eq!(p.high.as_str(), Some("exp(mean=12y)"));
        // Every low and high value is a valid scenario.
        for p in &ps {
            src.with(&[Override::set(p.path.clone(), p.low.clone())]).unwrap();
            src.with(&[Override::set(p.path.clone(), p.high.clone())]).unwrap();
        }
    }
}
