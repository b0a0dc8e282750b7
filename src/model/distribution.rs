//! Random durations declared in scenarios as short strings.
//!
//! | form | meaning |
//! |---|---|
//! | `"6h"` or `"fixed(6h)"` | always 6 h |
//! | `"exp(mean=3y)"` | exponential with that mean |
//! | `"weibull(shape=2, scale=100h)"` | Weibull, shape k > 0 and scale λ > 0 |
//! | `"lognormal(median=6h, sigma=0.6)"` | log-normal: ln X ~ Normal(ln median, σ²); `mean=` may replace `median=` |
//! | `"gamma(shape=2, scale=3h)"` | gamma, shape k > 0 and scale θ > 0 (mean kθ) |
//! | `"uniform(5s, 30s)"` | uniform on [min, max] |
//! | `"empirical(4.3h, 9.4h, 11.6h)"` | one of the observed values, each equally likely |
//!
//! Parameters are validated once, when the scenario is loaded (the rand_distr convention):
//! sampling cannot fail.

use crate::engine::SimDuration;
use crate::engine::duration::{format_duration, parse_duration};
use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Uniform, Weibull};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

const FORMS: &str = "a duration (\"6h\") or one of fixed(D), exp(mean=D), weibull(shape=K, scale=D), \
lognormal(median=D, sigma=S), gamma(shape=K, scale=D), uniform(MIN, MAX), empirical(D1, D2, ...)";

/// A validated duration distribution; sample with [`Dist::sample`].
#[derive(Clone, Debug)]
pub struct Dist {
    spec: DistSpec,
    sampler: Sampler,
}

/// The declared form of a distribution, as written (durations in ticks).
#[derive(Clone, Debug, PartialEq)]
pub enum DistSpec {
    /// Always the same value.
    Fixed(SimDuration),
    /// Exponential with the given mean.
    Exponential {
        /// Mean.
        mean: SimDuration,
    },
    /// Weibull with shape `k` and scale.
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale λ.
        scale: SimDuration,
    },
    /// Log-normal given by its median (or mean) and the σ of its logarithm.
    LogNormal {
        /// Median or mean.
        center: LogNormalCenter,
        /// σ of ln X.
        sigma: f64,
    },
    /// Gamma with shape `k` and scale θ (mean kθ).
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale θ.
        scale: SimDuration,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: SimDuration,
        /// Upper bound.
        max: SimDuration,
    },
    /// Resampling of observed values.
    Empirical(Vec<SimDuration>),
}

/// Which location parameter a log-normal was given by.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LogNormalCenter {
    /// e^μ.
    Median(SimDuration),
    /// e^(μ + σ²/2).
    Mean(SimDuration),
}

#[derive(Clone, Debug)]
enum Sampler {
    Fixed(SimDuration),
    Exp(Exp<f64>),
    Weibull(Weibull<f64>),
    LogNormal(LogNormal<f64>),
    Gamma(Gamma<f64>),
    Uniform(Uniform<f64>),
    Empirical(Vec<SimDuration>),
}

impl Dist {
    /// A distribution that always yields `d`.
    pub fn fixed(d: SimDuration) -> Dist {
        Dist {
            spec: DistSpec::Fixed(d),
            sampler: Sampler::Fixed(d),
        }
    }

    /// Parses and validates a distribution string; the error says what is allowed.
    pub fn parse(text: &str) -> Result<Dist, String> {
        let spec = parse_spec(text)?;
        Dist::from_spec(spec)
    }

    /// Validates a spec and prepares its sampler.
    pub fn from_spec(spec: DistSpec) -> Result<Dist, String> {
        let secs = |d: SimDuration| d.as_secs_f64();
        let sampler = match &spec {
            DistSpec::Fixed(d) => Sampler::Fixed(*d),
            DistSpec::Exponential { mean } => {
                if mean.0 == 0 {
                    return Err("exp: mean must be > 0".into());
                }
                Sampler::Exp(Exp::new(1.0 / secs(*mean)).map_err(|e| format!("exp: {e}"))?)
            }
            DistSpec::Weibull { shape, scale } => {
                if !(shape.is_finite() && *shape > 0.0) {
                    return Err(format!("weibull: shape must be a finite number > 0, got {shape}"));
                }
                if scale.0 == 0 {
                    return Err("weibull: scale must be > 0".into());
                }
                Sampler::Weibull(Weibull::new(secs(*scale), *shape).map_err(|e| format!("weibull: {e}"))?)
            }
            DistSpec::LogNormal { center, sigma } => {
                if !(sigma.is_finite() && *sigma >= 0.0) {
                    return Err(format!("lognormal: sigma must be a finite number >= 0, got {sigma}"));
                }
                let mu = match center {
                    LogNormalCenter::Median(m) if m.0 > 0 => secs(*m).ln(),
                    LogNormalCenter::Mean(m) if m.0 > 0 => secs(*m).ln() - sigma * sigma / 2.0,
                    _ => return Err("lognormal: median/mean must be > 0".into()),
                };
                Sampler::LogNormal(LogNormal::new(mu, *sigma).map_err(|e| format!("lognormal: {e}"))?)
            }
            DistSpec::Gamma { shape, scale } => {
                if !(shape.is_finite() && *shape > 0.0) {
                    return Err(format!("gamma: shape must be a finite number > 0, got {shape}"));
                }
                if scale.0 == 0 {
                    return Err("gamma: scale must be > 0".into());
                }
                Sampler::Gamma(Gamma::new(*shape, secs(*scale)).map_err(|e| format!("gamma: {e}"))?)
            }
            DistSpec::Uniform { min, max } => {
                if min > max {
                    return Err(format!(
                        "uniform: min ({}) must not exceed max ({})",
                        format_duration(*min),
                        format_duration(*max)
                    ));
                }
                Sampler::Uniform(Uniform::new_inclusive(secs(*min), secs(*max)).map_err(|e| format!("uniform: {e}"))?)
            }
            DistSpec::Empirical(values) => {
                if values.is_empty() {
                    return Err("empirical: needs at least one observed value".into());
                }
                Sampler::Empirical(values.clone())
            }
        };
        Ok(Dist { spec, sampler })
    }

    /// The declared form.
    pub fn spec(&self) -> &DistSpec {
        &self.spec
    }

    /// Draws one duration. Samples beyond the time range saturate (they never elapse).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        match &self.sampler {
            Sampler::Fixed(d) => *d,
            Sampler::Exp(d) => SimDuration::from_secs_f64(d.sample(rng)),
            Sampler::Weibull(d) => SimDuration::from_secs_f64(d.sample(rng)),
            Sampler::LogNormal(d) => SimDuration::from_secs_f64(d.sample(rng)),
            Sampler::Gamma(d) => SimDuration::from_secs_f64(d.sample(rng)),
            Sampler::Uniform(d) => SimDuration::from_secs_f64(d.sample(rng)),
            Sampler::Empirical(values) => {
                let i = rand::RngExt::random_range(rng, 0..values.len());
                values[i]
            }
        }
    }

    /// The exact mean in seconds (used by oracles and reports).
    pub fn mean_secs(&self) -> f64 {
        match &self.spec {
            DistSpec::Fixed(d) => d.as_secs_f64(),
            DistSpec::Exponential { mean } => mean.as_secs_f64(),
            DistSpec::Weibull { shape, scale } => scale.as_secs_f64() * libm::tgamma(1.0 + 1.0 / shape),
            DistSpec::LogNormal {
                center: LogNormalCenter::Median(m),
                sigma,
            } => m.as_secs_f64() * (sigma * sigma / 2.0).exp(),
            DistSpec::LogNormal {
                center: LogNormalCenter::Mean(m),
                ..
            } => m.as_secs_f64(),
            DistSpec::Gamma { shape, scale } => shape * scale.as_secs_f64(),
            DistSpec::Uniform { min, max } => (min.as_secs_f64() + max.as_secs_f64()) / 2.0,
            DistSpec::Empirical(v) => v.iter().map(|d| d.as_secs_f64()).sum::<f64>() / v.len() as f64,
        }
    }

    /// The rate (per second) of an exponential distribution; `None` for any other form.
    pub fn exponential_rate(&self) -> Option<f64> {
        match self.spec {
            DistSpec::Exponential { mean } => Some(1.0 / mean.as_secs_f64()),
            _ => None,
        }
    }

    /// An exponential distribution with its rate multiplied by `factor` (finite, > 0): its mean
    /// divided by `factor`; `None` for any other form. The sampler uses the exact rate
    /// `factor / mean`, so a factor of 1 draws exactly the same values as `self`; the declared
    /// mean is rounded to the tick.
    pub fn with_rate_scaled(&self, factor: f64) -> Option<Dist> {
        let rate = factor * self.exponential_rate()?;
        let exp = Exp::new(rate).ok()?;
        Some(Dist {
            spec: DistSpec::Exponential {
                mean: SimDuration::from_secs_f64(1.0 / rate),
            },
            sampler: Sampler::Exp(exp),
        })
    }

    /// True when every sample is zero, whatever the form: `0s`, `fixed(0s)`, `uniform(0s, 0s)`,
    /// `empirical(0s, 0s)` (the other forms have a positive parameter, checked when parsed).
    pub fn is_always_zero(&self) -> bool {
        match &self.spec {
            DistSpec::Fixed(d) => d.0 == 0,
            DistSpec::Uniform { max, .. } => max.0 == 0,
            DistSpec::Empirical(values) => values.iter().all(|d| d.0 == 0),
            DistSpec::Exponential { .. }
            | DistSpec::Weibull { .. }
            | DistSpec::LogNormal { .. }
            | DistSpec::Gamma { .. } => false,
        }
    }
}

impl PartialEq for Dist {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl fmt::Display for Dist {
    /// The canonical string form, which parses back to the same distribution.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = format_duration;
        match &self.spec {
            DistSpec::Fixed(v) => write!(f, "{}", d(*v)),
            DistSpec::Exponential { mean } => write!(f, "exp(mean={})", d(*mean)),
            DistSpec::Weibull { shape, scale } => write!(f, "weibull(shape={shape}, scale={})", d(*scale)),
            DistSpec::LogNormal {
                center: LogNormalCenter::Median(m),
                sigma,
            } => {
                write!(f, "lognormal(median={}, sigma={sigma})", d(*m))
            }
            DistSpec::LogNormal {
                center: LogNormalCenter::Mean(m),
                sigma,
            } => {
                write!(f, "lognormal(mean={}, sigma={sigma})", d(*m))
            }
            DistSpec::Gamma { shape, scale } => write!(f, "gamma(shape={shape}, scale={})", d(*scale)),
            DistSpec::Uniform { min, max } => write!(f, "uniform({}, {})", d(*min), d(*max)),
            DistSpec::Empirical(v) => {
                let parts: Vec<String> = v.iter().map(|x| d(*x)).collect();
                write!(f, "empirical({})", parts.join(", "))
            }
        }
    }
}

impl Serialize for Dist {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Dist {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::engine::duration::deserialize_parsed(d, &format!("a distribution string: {FORMS}"), Dist::parse)
    }
}

/// A string of format `distribution` (for the scenario reference, `docs/scenario-reference.md`).
impl schemars::JsonSchema for Dist {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Dist".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "distribution" })
    }
}

/// An argument of a call: optional `key=`, then the value.
pub(crate) type Arg<'a> = (Option<&'a str>, &'a str);

/// The arguments of a `name(args)` call for `keys`, by name (any order) or by position, never both
/// for one parameter; every key must be given.
pub(crate) fn named_args<'a>(name: &str, args: &[Arg<'a>], keys: &[&str]) -> Result<Vec<&'a str>, String> {
    let mut out: Vec<Option<&str>> = vec![None; keys.len()];
    for (i, (k, v)) in args.iter().enumerate() {
        let slot = match k {
            Some(k) => keys
                .iter()
                .position(|x| x == k)
                .ok_or_else(|| format!("{name}: unknown parameter \"{k}\"; allowed: {}", keys.join(", ")))?,
            None => i,
        };
        if slot >= keys.len() {
            return Err(format!("{name}: too many arguments; it takes {}", keys.join(", ")));
        }
        if out[slot].replace(v).is_some() {
            return Err(format!("{name}: parameter \"{}\" given twice", keys[slot]));
        }
    }
    out.iter()
        .zip(keys)
        .map(|(v, k)| v.ok_or_else(|| format!("{name}: missing parameter \"{k}\"")))
        .collect()
}

/// One `name(args)` call: the name and its arguments (`None` without parentheses).
pub(crate) fn split_call(text: &str) -> Result<Option<(&str, Vec<Arg<'_>>)>, String> {
    let s = text.trim();
    let Some(open) = s.find('(') else {
        return Ok(None);
    };
    if !s.ends_with(')') {
        return Err(format!("distribution \"{text}\" is missing its closing parenthesis"));
    }
    let name = s[..open].trim();
    let inner = &s[open + 1..s.len() - 1];
    let mut args = Vec::new();
    if !inner.trim().is_empty() {
        for part in inner.split(',') {
            let part = part.trim();
            match part.split_once('=') {
                Some((k, v)) => args.push((Some(k.trim()), v.trim())),
                None => args.push((None, part)),
            }
        }
    }
    Ok(Some((name, args)))
}

fn parse_spec(text: &str) -> Result<DistSpec, String> {
    let Some((name, args)) = split_call(text)? else {
        return parse_duration(text)
            .map(DistSpec::Fixed)
            .map_err(|e| format!("{e}; or a distribution: {FORMS}"));
    };
    let named = |keys: &[&str]| named_args(name, &args, keys);
    let dur = |what: &str, v: &str| parse_duration(v).map_err(|e| format!("{name}: {what}: {e}"));
    let num = |what: &str, v: &str| {
        v.parse::<f64>()
            .map_err(|_| format!("{name}: {what} must be a number, got \"{v}\""))
    };
    match name {
        "fixed" | "deterministic" => {
            let v = named(&["value"])?;
            Ok(DistSpec::Fixed(dur("value", v[0])?))
        }
        "exp" | "exponential" => {
            let v = named(&["mean"])?;
            Ok(DistSpec::Exponential {
                mean: dur("mean", v[0])?,
            })
        }
        "weibull" => {
            let v = named(&["shape", "scale"])?;
            Ok(DistSpec::Weibull {
                shape: num("shape", v[0])?,
                scale: dur("scale", v[1])?,
            })
        }
        "lognormal" => {
            let has_mean = args.iter().any(|(k, _)| *k == Some("mean"));
            if has_mean {
                let v = named(&["mean", "sigma"])?;
                Ok(DistSpec::LogNormal {
                    center: LogNormalCenter::Mean(dur("mean", v[0])?),
                    sigma: num("sigma", v[1])?,
                })
            } else {
                let v = named(&["median", "sigma"])?;
                Ok(DistSpec::LogNormal {
                    center: LogNormalCenter::Median(dur("median", v[0])?),
                    sigma: num("sigma", v[1])?,
                })
            }
        }
        "gamma" => {
            let v = named(&["shape", "scale"])?;
            Ok(DistSpec::Gamma {
                shape: num("shape", v[0])?,
                scale: dur("scale", v[1])?,
            })
        }
        "uniform" => {
            let v = named(&["min", "max"])?;
            Ok(DistSpec::Uniform {
                min: dur("min", v[0])?,
                max: dur("max", v[1])?,
            })
        }
        "empirical" => {
            if args.iter().any(|(k, _)| k.is_some()) {
                return Err("empirical: takes a list of durations, without names".into());
            }
            let values = args
                .iter()
                .map(|(_, v)| dur("value", v))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(DistSpec::Empirical(values))
        }
        other => Err(format!("unknown distribution \"{other}\"; expected {FORMS}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::Xoshiro256PlusPlus;

    #[test]
    fn every_form_parses_and_round_trips() {
        for s in [
            "6h",
            "fixed(6h)",
            "exp(mean=3y)",
            "weibull(shape=2, scale=100h)",
            "weibull(2, 100h)",
            "lognormal(median=6h, sigma=0.6)",
            "lognormal(mean=6h, sigma=0.6)",
            "gamma(shape=2, scale=3h)",
            "gamma(0.5, 1h30m)",
            "uniform(5s, 30s)",
            "uniform(max=30s, min=5s)",
            "empirical(4.3h, 9.4h, 11.6h)",
        ] {
            let d = Dist::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            let again = Dist::parse(&d.to_string()).unwrap();
            assert_eq!(d, again, "{s} -> {d}");
        }
    }

    #[test]
    fn invalid_parameters_are_rejected_with_reason() {
        let cases = [
            ("exp(mean=0s)", "mean must be > 0"),
            ("weibull(shape=0, scale=1h)", "shape"),
            ("weibull(shape=-1, scale=1h)", "shape"),
            ("weibull(shape=2, scale=0s)", "scale"),
            ("lognormal(median=6h, sigma=-1)", "sigma"),
            ("lognormal(median=0s, sigma=1)", "median"),
            ("uniform(30s, 5s)", "must not exceed"),
            ("empirical()", "at least one"),
            ("gamma(shape=0, scale=1h)", "gamma: shape"),
            ("gamma(shape=inf, scale=1h)", "gamma: shape"),
            ("gamma(shape=2, scale=0s)", "gamma: scale"),
            ("gamma(shape=2)", "missing parameter"),
            ("pareto(2, 3h)", "unknown distribution"),
            ("exp(rate=3)", "unknown parameter"),
            ("exp(mean=3y", "closing parenthesis"),
            ("weibull(shape=two, scale=1h)", "must be a number"),
            ("exp()", "missing parameter"),
        ];
        for (s, want) in cases {
            let err = Dist::parse(s).unwrap_err();
            assert!(err.contains(want), "{s}: {err}");
        }
    }

    #[test]
    fn sample_means_match_exact_means() {
        // 4·SE tolerance: SE estimated from the sample itself.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        for s in [
            "exp(mean=1h)",
            "weibull(shape=2, scale=100h)",
            "lognormal(median=6h, sigma=0.6)",
            "lognormal(mean=6h, sigma=0.6)",
            "gamma(shape=2, scale=3h)",
            "gamma(shape=0.5, scale=3h)",
            "uniform(5s, 30s)",
            "empirical(4.3h, 9.4h, 11.6h)",
        ] {
            let d = Dist::parse(s).unwrap();
            let n = 200_000;
            let xs: Vec<f64> = (0..n).map(|_| d.sample(&mut rng).as_secs_f64()).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se = (var / n as f64).sqrt();
            let exact = d.mean_secs();
            assert!((mean - exact).abs() <= 4.0 * se, "{s}: {mean} vs {exact} (SE {se})");
        }
    }

    #[test]
    fn always_zero_whatever_the_form() {
        for text in [
            "0s",
            "fixed(0s)",
            "uniform(0s, 0s)",
            "empirical(0s)",
            "empirical(0s, 0s)",
        ] {
            assert!(Dist::parse(text).unwrap().is_always_zero(), "{text}");
        }
        for text in [
            "1s",
            "uniform(0s, 1s)",
            "empirical(0s, 1s)",
            "exp(mean=1s)",
            "lognormal(median=1s, sigma=0)",
        ] {
            assert!(!Dist::parse(text).unwrap().is_always_zero(), "{text}");
        }
    }
}
