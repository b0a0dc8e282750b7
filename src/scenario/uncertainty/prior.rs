//! Priors of uncertain parameters: what is believed about a value (or a factor on it) before the
//! run, as a short string such as `lognormal(median=1, sigma=0.7)`. Draws are made by inverse
//! transform — the prior's quantile at a point of a Latin hypercube — so every prior has a
//! quantile function.

use crate::engine::duration::parse_duration;
use crate::model::{Arg, named_args, split_call};
use statrs::distribution::{Beta, ContinuousCDF, Gamma, Normal};
use std::fmt;

/// The forms a prior takes, for messages.
pub const PRIOR_FORMS: &str = "lognormal(median=X, sigma=S), uniform(MIN, MAX), loguniform(MIN, MAX), \
triangular(MIN, MODE, MAX), normal(mean=X, sd=S), gamma(shape=K, scale=X), beta(A, B) or fixed(X); \
X, MIN, MODE and MAX are numbers, or durations (\"6h\") for the `value` of a duration field";

/// A prior distribution of one number (seconds for a duration).
// Fields are named as the prior's arguments are written.
#[allow(missing_docs)]
#[derive(Clone, Debug, PartialEq)]
pub enum Prior {
    /// Always this value.
    Fixed(f64),
    /// Uniform on [min, max].
    Uniform { min: f64, max: f64 },
    /// ln X uniform on [ln min, ln max]: every factor of ten as likely (a scale-free ignorance).
    LogUniform { min: f64, max: f64 },
    /// Triangular on [min, max] with its mode.
    Triangular { min: f64, mode: f64, max: f64 },
    /// Normal.
    Normal { mean: f64, sd: f64 },
    /// ln X ~ Normal(ln median, sigma²): a multiplicative uncertainty ("within a factor of e^σ").
    LogNormal { median: f64, sigma: f64 },
    /// Gamma with shape k and scale θ (mean kθ).
    Gamma { shape: f64, scale: f64 },
    /// Beta(a, b) on [0, 1], for probabilities.
    Beta { a: f64, b: f64 },
}

/// A parsed prior and whether its values are durations (seconds) or plain numbers.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedPrior {
    /// The distribution.
    pub prior: Prior,
    /// Its location and scale arguments were durations: its values are seconds.
    pub durations: bool,
    /// As written, trimmed.
    pub text: String,
}

impl Prior {
    /// The value at cumulative probability `u` in (0, 1).
    pub fn quantile(&self, u: f64) -> f64 {
        let z = || Normal::standard().inverse_cdf(u);
        match *self {
            Prior::Fixed(x) => x,
            Prior::Uniform { min, max } => min + u * (max - min),
            Prior::LogUniform { min, max } => (min.ln() + u * (max.ln() - min.ln())).exp(),
            Prior::Triangular { min, mode, max } => {
                let c = (mode - min) / (max - min);
                if u < c {
                    min + (u * (max - min) * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * (max - min) * (max - mode)).sqrt()
                }
            }
            Prior::Normal { mean, sd } => mean + sd * z(),
            Prior::LogNormal { median, sigma } => median * (sigma * z()).exp(),
            Prior::Gamma { shape, scale } => Gamma::new(shape, 1.0 / scale).map_or(f64::NAN, |g| g.inverse_cdf(u)),
            Prior::Beta { a, b } => Beta::new(a, b).map_or(f64::NAN, |d| d.inverse_cdf(u)),
        }
    }

    /// Its smallest possible value (−∞ for the normal).
    pub fn lower_bound(&self) -> f64 {
        match *self {
            Prior::Fixed(x) => x,
            Prior::Uniform { min, .. } | Prior::LogUniform { min, .. } | Prior::Triangular { min, .. } => min,
            Prior::Normal { .. } => f64::NEG_INFINITY,
            Prior::LogNormal { .. } | Prior::Gamma { .. } | Prior::Beta { .. } => 0.0,
        }
    }

    /// Parses a prior; `durations_allowed` says whether its values may be durations.
    pub fn parse(text: &str, durations_allowed: bool) -> Result<ParsedPrior, String> {
        let text = text.trim();
        let (name, args) = split(text)?;
        let mut durations = None::<bool>;
        let mut arg = |what: &str, raw: &str, location: bool| -> Result<f64, String> {
            let raw = raw.trim();
            let (x, is_duration) = match raw.parse::<f64>() {
                Ok(x) => (x, false),
                Err(_) => match parse_duration(raw) {
                    Ok(d) if location => (d.as_secs_f64(), true),
                    Ok(_) => return Err(format!("{name}: {what} is a plain number, got the duration \"{raw}\"")),
                    Err(_) => return Err(format!("{name}: {what} must be a number or a duration, got \"{raw}\"")),
                },
            };
            if !x.is_finite() {
                return Err(format!("{name}: {what} must be finite, got \"{raw}\""));
            }
            if location {
                match durations {
                    None => durations = Some(is_duration),
                    Some(d) if d != is_duration => {
                        return Err(format!(
                            "{name}: give every location argument as a duration or every one as a number, not both"
                        ));
                    }
                    Some(_) => {}
                }
            }
            Ok(x)
        };
        let named = |keys: &[&str]| named_args(name, &args, keys);
        let prior = match name {
            "fixed" => {
                let v = named(&["value"])?;
                Prior::Fixed(arg("value", v[0], true)?)
            }
            "uniform" | "loguniform" => {
                let v = named(&["min", "max"])?;
                let (min, max) = (arg("min", v[0], true)?, arg("max", v[1], true)?);
                if min >= max {
                    return Err(format!("{name}: min must be below max, got {} and {}", v[0], v[1]));
                }
                if name == "loguniform" {
                    if min <= 0.0 {
                        return Err(format!("loguniform: min must be > 0, got {}", v[0]));
                    }
                    Prior::LogUniform { min, max }
                } else {
                    Prior::Uniform { min, max }
                }
            }
            "triangular" => {
                let v = named(&["min", "mode", "max"])?;
                let (min, mode, max) = (
                    arg("min", v[0], true)?,
                    arg("mode", v[1], true)?,
                    arg("max", v[2], true)?,
                );
                if !(min <= mode && mode <= max && min < max) {
                    return Err("triangular: needs min <= mode <= max and min < max".into());
                }
                Prior::Triangular { min, mode, max }
            }
            "normal" => {
                let v = named(&["mean", "sd"])?;
                let (mean, sd) = (arg("mean", v[0], true)?, arg("sd", v[1], false)?);
                if sd <= 0.0 {
                    return Err(format!("normal: sd must be > 0, got {}", v[1]));
                }
                Prior::Normal { mean, sd }
            }
            "lognormal" => {
                let v = named(&["median", "sigma"])?;
                let (median, sigma) = (arg("median", v[0], true)?, arg("sigma", v[1], false)?);
                if median <= 0.0 {
                    return Err(format!("lognormal: median must be > 0, got {}", v[0]));
                }
                if !(sigma > 0.0 && sigma <= 5.0) {
                    return Err(format!("lognormal: sigma must be in (0, 5], got {}", v[1]));
                }
                Prior::LogNormal { median, sigma }
            }
            "gamma" => {
                let v = named(&["shape", "scale"])?;
                let (shape, scale) = (arg("shape", v[0], false)?, arg("scale", v[1], true)?);
                if shape <= 0.0 || scale <= 0.0 {
                    return Err("gamma: shape and scale must be > 0".into());
                }
                Prior::Gamma { shape, scale }
            }
            "beta" => {
                let v = named(&["a", "b"])?;
                let (a, b) = (arg("a", v[0], false)?, arg("b", v[1], false)?);
                if a <= 0.0 || b <= 0.0 {
                    return Err("beta: a and b must be > 0".into());
                }
                Prior::Beta { a, b }
            }
            other => return Err(format!("unknown prior \"{other}\"; expected {PRIOR_FORMS}")),
        };
        let durations = durations.unwrap_or(false);
        if durations && !durations_allowed {
            return Err(format!(
                "\"{text}\" is in durations, but a factor is a plain number (e.g. lognormal(median=1, sigma=0.5)); \
                 use `value` for a distribution of the duration itself"
            ));
        }
        Ok(ParsedPrior {
            prior,
            durations,
            text: text.to_string(),
        })
    }
}

impl fmt::Display for ParsedPrior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `name(args)` split into the name and its arguments (`key=value` or positional); a bare number
/// or duration is a fixed value.
fn split(text: &str) -> Result<(&str, Vec<Arg<'_>>), String> {
    let bad = || format!("invalid prior \"{text}\"; expected {PRIOR_FORMS}");
    match split_call(text).map_err(|_| bad())? {
        None => Ok(("fixed", vec![(None, text)])),
        Some((name, args)) if !name.is_empty() && !args.is_empty() => Ok((name, args)),
        Some(_) => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Prior {
        Prior::parse(text, true).unwrap_or_else(|e| panic!("{text}: {e}")).prior
    }

    #[test]
    fn quantiles_are_the_closed_forms() {
        let ln = p("lognormal(median=2, sigma=0.5)");
        // Φ⁻¹(0.975) = 1.959964.
        assert!((ln.quantile(0.975) - 2.0 * (0.5f64 * 1.959_963_984_540_054).exp()).abs() < 1e-9);
        assert!((ln.quantile(0.5) - 2.0).abs() < 1e-12);
        assert_eq!(p("uniform(1, 3)").quantile(0.25), 1.5);
        assert!((p("loguniform(1, 100)").quantile(0.5) - 10.0).abs() < 1e-9);
        let t = p("triangular(0, 1, 2)");
        assert!((t.quantile(0.5) - 1.0).abs() < 1e-12);
        assert!((t.quantile(0.125) - 0.5).abs() < 1e-12);
        assert!((p("normal(mean=10, sd=2)").quantile(0.5) - 10.0).abs() < 1e-9);
        // Gamma(1, θ) is exponential: q(u) = −θ ln(1 − u).
        assert!((p("gamma(shape=1, scale=3)").quantile(0.5) - 3.0 * 2f64.ln()).abs() < 1e-6);
        // Beta(1, 1) is uniform.
        assert!((p("beta(1, 1)").quantile(0.3) - 0.3).abs() < 1e-6);
        assert_eq!(p("0.7").quantile(0.9), 0.7);
    }

    #[test]
    fn durations_are_seconds_and_only_where_allowed() {
        let d = Prior::parse("lognormal(median=6h, sigma=0.5)", true).unwrap();
        assert!(d.durations);
        assert_eq!(d.prior.quantile(0.5), 6.0 * 3600.0);
        let e = Prior::parse("uniform(1h, 2h)", false).unwrap_err();
        assert!(e.contains("a factor is a plain number"), "{e}");
        let e = Prior::parse("uniform(1h, 2)", true).unwrap_err();
        assert!(e.contains("not both"), "{e}");
        let e = Prior::parse("lognormal(median=1, sigma=1h)", true).unwrap_err();
        assert!(e.contains("sigma is a plain number"), "{e}");
    }

    #[test]
    fn bad_priors_say_what_is_allowed() {
        for (text, needle) in [
            ("lognormal(median=0, sigma=1)", "median must be > 0"),
            ("lognormal(median=1, sigma=0)", "sigma must be in (0, 5]"),
            ("uniform(3, 1)", "min must be below max"),
            ("loguniform(0, 1)", "min must be > 0"),
            ("triangular(0, 3, 2)", "min <= mode <= max"),
            ("cauchy(0, 1)", "unknown prior \"cauchy\""),
            ("lognormal(median=1)", "missing parameter \"sigma\""),
            ("lognormal(median=1, sigma=1, x=2)", "unknown parameter \"x\""),
            ("uniform(1, 2", "invalid prior"),
            ("abc", "must be a number or a duration"),
            ("uniform(1, nan)", "must be finite"),
        ] {
            let e = Prior::parse(text, true).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
