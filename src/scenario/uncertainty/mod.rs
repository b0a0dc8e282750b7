//! `[uncertainty]` and `[[uncertain]]`: parameters whose values are themselves uncertain
//! (epistemic uncertainty), each with a prior. A run of such a scenario draws parameter sets from
//! the priors (the outer level) and runs the scenario's replications at each (the inner level):
//! two-level Monte Carlo, as probabilistic risk assessment separates what varies from what is not
//! known.
//!
//! ```toml
//! [uncertainty]
//! draws = 64
//!
//! [[uncertain]]
//! parameter = "failures[name=zone-power-cooling].time_to_failure"
//! factor = "lognormal(median=1, sigma=0.7)"
//! ```
//!
//! A `factor` multiplies the value as written: a number, a duration, or every duration of a
//! distribution (its scale — as `sensitivity` varies it). A `value` is a prior of the value itself
//! (numbers, or durations for a duration field).

mod prior;

pub use prior::{PRIOR_FORMS, ParsedPrior, Prior};

use super::validate::Invalid;
use crate::engine::duration::{format_duration, parse_duration};
use crate::model::Dist;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Outer draws when `[uncertainty]` does not say.
pub const DEFAULT_DRAWS: u64 = 64;
/// Most outer draws a run may make.
pub const MAX_DRAWS: u64 = 100_000;
/// Most uncertain parameters.
pub const MAX_UNCERTAIN: usize = 64;

fn default_draws() -> u64 {
    DEFAULT_DRAWS
}

/// Two-level Monte Carlo: how many parameter sets are drawn from the `[[uncertain]]` priors, and
/// for which metrics variance-based sensitivity (Sobol indices) is computed. Every draw runs the
/// scenario's `replications` on the same seed (common random numbers). `--draws N` on the command
/// line overrides `draws`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UncertaintySection {
    /// Outer draws (parameter sets), from a Latin hypercube on the scenario's seed; 2 to 100 000.
    #[serde(default = "default_draws")]
    #[schemars(extend("x-default" = 64))]
    pub draws: u64,
    /// Metric paths (as in `[expect]`) whose first-order and total Sobol indices are computed for
    /// every uncertain parameter. It costs `draws × (parameters + 2)` parameter sets instead of
    /// `draws` (Saltelli's design).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-default" = "none"))]
    pub sobol: Vec<String>,
}

/// One uncertain parameter: a field of the scenario and a prior, either of a factor on its value
/// or of the value itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UncertainEntry {
    /// Field path, as `--set` takes it: `failures[name=zone-power-cooling].time_to_failure`,
    /// `recovery.database.size_gb`. The field must be given in the file or have a default.
    pub parameter: String,
    /// Prior of a factor that multiplies the value as written (a number, a duration, or every
    /// duration of a distribution: its scale), e.g. `lognormal(median=1, sigma=0.7)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "none: give `factor` or `value`"))]
    pub factor: Option<String>,
    /// Prior of the value itself: numbers for a number field, durations for a duration field,
    /// e.g. `triangular(2h, 4h, 12h)`; not for a distribution field (use `factor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "none: give `factor` or `value`"))]
    pub value: Option<String>,
}

/// How a drawn number changes the parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Multiplies the value as written.
    Factor,
    /// Replaces it.
    Value,
}

/// The kind of field an uncertain parameter sets.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    /// A number (an integer field rounds the draw).
    Number {
        /// An integer field.
        integer: bool,
    },
    /// A duration (`"6h"`).
    Duration,
    /// A distribution string, scaled by a factor.
    Distribution,
}

/// A validated uncertain parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertainParameter {
    /// The path as written (for messages and output).
    pub parameter: String,
    /// The path with entry selectors resolved to indices.
    pub path: String,
    /// Factor or value.
    pub mode: Mode,
    /// Its prior.
    pub prior: ParsedPrior,
    /// The value the file gives (or its default).
    pub base: toml::Value,
    /// What kind of field it is.
    pub kind: FieldKind,
}

impl UncertainParameter {
    /// The field value at the draw `x` (the prior's value: a factor or the value itself).
    pub fn value_at(&self, x: f64) -> Result<toml::Value, String> {
        let bad = |what: String| format!("{}: the draw {x} gives {what}", self.parameter);
        match (&self.kind, self.mode) {
            (FieldKind::Number { integer }, mode) => {
                let base = self
                    .base
                    .as_float()
                    .or_else(|| self.base.as_integer().map(|n| n as f64));
                let v = match mode {
                    Mode::Factor => base.unwrap_or(0.0) * x,
                    Mode::Value => x,
                };
                if !v.is_finite() {
                    return Err(bad(format!("{v}")));
                }
                Ok(if *integer {
                    toml::Value::Integer(v.round() as i64)
                } else {
                    toml::Value::Float(v)
                })
            }
            (FieldKind::Duration, mode) => {
                let base = self.base.as_str().and_then(|s| parse_duration(s).ok());
                let secs = match mode {
                    Mode::Factor => base.map_or(0.0, |d| d.as_secs_f64()) * x,
                    Mode::Value => x,
                };
                if !(secs >= 0.0 && secs.is_finite()) {
                    return Err(bad(format!("a duration of {secs} s; durations are >= 0")));
                }
                Ok(toml::Value::String(seconds(secs)))
            }
            (FieldKind::Distribution, _) => {
                let text = self.base.as_str().unwrap_or_default();
                if !(x > 0.0 && x.is_finite()) {
                    return Err(bad(format!(
                        "a factor of {x}; a distribution's scale needs a factor > 0"
                    )));
                }
                scale_durations(text, x)
                    .map(toml::Value::String)
                    .ok_or_else(|| bad(format!("nothing to scale in \"{text}\"")))
            }
        }
    }
}

/// The validated `[uncertainty]` with its parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Uncertainty {
    /// Outer draws.
    pub draws: u64,
    /// Metric paths for Sobol indices.
    pub sobol: Vec<String>,
    /// The uncertain parameters, in file order.
    pub parameters: Vec<UncertainParameter>,
}

/// Seconds as a duration string that keeps full precision (`12345.678s`), in the scenario's
/// units when whole (`6h`).
fn seconds(secs: f64) -> String {
    let micros = (secs * 1e6).round();
    if micros.fract() == 0.0 && micros < 9.0e15 && (micros as u64) % 1_000_000 == 0 {
        let d = crate::engine::SimDuration::from_secs(micros as u64 / 1_000_000);
        return format_duration(d);
    }
    format!("{}s", micros / 1e6)
}

/// Every duration token of `text` multiplied by `factor`, at full precision; `None` when there
/// is none.
pub fn scale_durations(text: &str, factor: f64) -> Option<String> {
    let tokens = crate::engine::duration::duration_tokens(text);
    if tokens.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for (start, _, end) in tokens {
        let secs = parse_duration(&text[start..end]).ok()?.as_secs_f64();
        out.push_str(&text[copied..start]);
        out.push_str(&seconds(secs * factor));
        copied = end;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// Fields that are not uncertain quantities of the system: what names things, how the run is
/// made, what is required of it.
const NOT_UNCERTAIN: [&str; 9] = [
    "name",
    "description",
    "uncertainty",
    "uncertain",
    "expect",
    "targets",
    "simulation.seed",
    "simulation.replications",
    "simulation.replication_rows",
];

/// Validates `[uncertainty]` and `[[uncertain]]` against the scenario's source (`source`: the
/// file's table; `canonical`: the file with every default written out, for defaulted fields).
pub fn validate_uncertainty(
    section: Option<&UncertaintySection>,
    entries: &[UncertainEntry],
    source: &toml::Table,
    canonical: &toml::Table,
) -> Result<Option<Uncertainty>, Invalid> {
    let Some(section) = section else {
        if !entries.is_empty() {
            return Err(Invalid::at_key(
                "uncertain",
                "[[uncertain]] entries need an [uncertainty] table (e.g. `[uncertainty]` with `draws = 64`) \
                 to say how many parameter sets to draw",
            ));
        }
        return Ok(None);
    };
    if !(2..=MAX_DRAWS).contains(&section.draws) {
        return Err(Invalid::at(
            "uncertainty.draws",
            format!("must be between 2 and {MAX_DRAWS}, got {}", section.draws),
        ));
    }
    if entries.is_empty() {
        return Err(Invalid::at_key(
            "uncertainty",
            "[uncertainty] needs at least one [[uncertain]] entry (a parameter and its prior)",
        ));
    }
    if entries.len() > MAX_UNCERTAIN {
        return Err(Invalid::at_key(
            "uncertain",
            format!("at most {MAX_UNCERTAIN} uncertain parameters, got {}", entries.len()),
        ));
    }
    let mut parameters: Vec<UncertainParameter> = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let at = |field: &str, m: String| Invalid::at(format!("uncertain[{i}].{field}"), m);
        let path = super::resolve_selectors(source, &e.parameter).map_err(|m| at("parameter", m))?;
        let steps = super::FieldPath::parse(&path).0;
        let fixed = steps
            .iter()
            .map(|s| match s {
                super::PathStep::Key(k) => k.clone(),
                super::PathStep::Index(_) => String::new(),
            })
            .collect::<Vec<_>>()
            .join(".");
        if let Some(no) = NOT_UNCERTAIN
            .iter()
            .find(|n| fixed == **n || fixed.starts_with(&format!("{n}.")))
        {
            return Err(at(
                "parameter",
                format!(
                    "\"{}\" is under `{no}`, which is not an uncertain quantity of the system (names, targets, \
                     expectations and how the run is made are not drawn)",
                    e.parameter
                ),
            ));
        }
        if let Some(first) = parameters.iter().position(|p| p.path == path) {
            return Err(at(
                "parameter",
                format!("\"{}\" is already uncertain in uncertain[{first}]", e.parameter),
            ));
        }
        let node = |t: &toml::Table| super::overrides::walk_table(t, &steps).cloned();
        let base = node(source).or_else(|| node(canonical)).ok_or_else(|| {
            at(
                "parameter",
                format!(
                    "\"{}\" names no field of the scenario (nor a default of one); `outage-sim sensitivity` lists \
                     the quantities of a file",
                    e.parameter
                ),
            )
        })?;
        let kind = match &base {
            toml::Value::Integer(_) => FieldKind::Number { integer: true },
            toml::Value::Float(_) => FieldKind::Number { integer: false },
            toml::Value::String(s) if parse_duration(s).is_ok() => FieldKind::Duration,
            toml::Value::String(s) if Dist::parse(s).is_ok() => FieldKind::Distribution,
            other => {
                return Err(at(
                    "parameter",
                    format!(
                        "\"{}\" is {}; an uncertain parameter is a number, a duration or a distribution",
                        e.parameter,
                        match other {
                            toml::Value::String(_) => "text".to_string(),
                            v => v.type_str().to_string(),
                        }
                    ),
                ));
            }
        };
        let (mode, text, field) = match (&e.factor, &e.value) {
            (Some(f), None) => (Mode::Factor, f, "factor"),
            (None, Some(v)) => (Mode::Value, v, "value"),
            _ => {
                return Err(Invalid::at(
                    format!("uncertain[{i}]"),
                    "give exactly one of `factor` (a prior of a multiplier, e.g. \"lognormal(median=1, sigma=0.5)\") \
                     or `value` (a prior of the value itself)",
                ));
            }
        };
        let durations_allowed = mode == Mode::Value && kind == FieldKind::Duration;
        let prior = Prior::parse(text, durations_allowed).map_err(|m| at(field, m))?;
        match (mode, &kind) {
            (Mode::Value, FieldKind::Distribution) => {
                return Err(at(
                    field,
                    format!(
                        "\"{}\" is a distribution; a prior of its value is not supported: use `factor`, which scales \
                         its durations",
                        e.parameter
                    ),
                ));
            }
            (Mode::Value, FieldKind::Duration) if !prior.durations && prior.prior != Prior::Fixed(0.0) => {
                return Err(at(
                    field,
                    format!(
                        "\"{}\" is a duration: give the prior in durations, e.g. \"triangular(2h, 4h, 12h)\"",
                        e.parameter
                    ),
                ));
            }
            _ => {}
        }
        if mode == Mode::Factor && prior.prior.lower_bound() < 0.0 {
            return Err(at(
                field,
                format!(
                    "a factor must not be negative, and \"{text}\" can be; use lognormal, loguniform, gamma or a \
                     uniform on positive numbers"
                ),
            ));
        }
        parameters.push(UncertainParameter {
            parameter: e.parameter.clone(),
            path,
            mode,
            prior,
            base,
            kind,
        });
    }
    Ok(Some(Uncertainty {
        draws: section.draws,
        sobol: section.sobol.clone(),
        parameters,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_scale_at_full_precision() {
        assert_eq!(
            scale_durations("weibull(shape=2, scale=100h)", 1.5).unwrap(),
            "weibull(shape=2, scale=6d6h)"
        );
        assert_eq!(scale_durations("exp(mean=1h)", 1.0 / 3.0).unwrap(), "exp(mean=20m)");
        assert_eq!(
            scale_durations("exp(mean=1h)", 0.123_456_7).unwrap(),
            "exp(mean=444.44412s)"
        );
        assert_eq!(scale_durations("2", 2.0), None);
        assert_eq!(seconds(6.0 * 3600.0), "6h");
        assert_eq!(seconds(0.5), "0.5s");
    }
}
