//! Fitting duration distributions to observed, right-censored values by maximum likelihood.
//!
//! Input: values in seconds, each either an event (the duration was seen to end) or right-censored
//! (the value is a lower bound, e.g. an outage still open). For each of the exponential, Weibull,
//! log-normal and gamma families, [`fit`] maximizes
//!
//! ℓ(θ) = Σ_events ln f(x) + Σ_censored ln S(x)
//!
//! over the logarithms of the parameters (the exponential in closed form, mean = total time /
//! events; the others with argmin's Nelder–Mead), and gives for each parameter a 95 % Wald
//! interval on the log scale, `exp(θ̂ ± 1.96·SE)`, with SE from the inverse observed information
//! (a numerical Hessian of ℓ at the maximum). Goodness of fit: AIC = 2p − 2ℓ (the best fit is the
//! lowest) and the Kolmogorov–Smirnov distance to the empirical CDF, or with censoring to the
//! Kaplan–Meier estimate up to the last uncensored value.
//!
//! The log-likelihood is that of densities per second; differences of AIC do not depend on the
//! unit.

mod families;
mod gof;
mod mle;

#[cfg(test)]
mod coverage_tests;
#[cfg(test)]
mod tests;

use serde::Serialize;

/// One observed value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Observation {
    /// Seconds, finite and > 0.
    pub value: f64,
    /// True when the value is a lower bound (right-censored): the duration had not ended.
    pub censored: bool,
}

/// A family of distributions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Exponential, parameter: mean.
    Exponential,
    /// Weibull, parameters: shape k, scale λ.
    Weibull,
    /// Log-normal, parameters: median e^μ, σ of ln X.
    LogNormal,
    /// Gamma, parameters: shape k, scale θ.
    Gamma,
}

impl Family {
    /// Every family, in the order they are reported.
    pub const ALL: [Family; 4] = [Family::Exponential, Family::Weibull, Family::LogNormal, Family::Gamma];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Exponential => "exponential",
            Family::Weibull => "weibull",
            Family::LogNormal => "lognormal",
            Family::Gamma => "gamma",
        }
    }

    /// The names of its parameters, and whether each is a duration (else a plain number).
    pub fn parameters(self) -> &'static [(&'static str, bool)] {
        match self {
            Family::Exponential => &[("mean", true)],
            Family::Weibull => &[("shape", false), ("scale", true)],
            Family::LogNormal => &[("median", true), ("sigma", false)],
            Family::Gamma => &[("shape", false), ("scale", true)],
        }
    }
}

/// A fitted parameter.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Estimate {
    /// Its name (`mean`, `shape`, `scale`, `median`, `sigma`).
    pub name: &'static str,
    /// True for a duration (in seconds), false for a plain number.
    pub duration: bool,
    /// The maximum-likelihood estimate.
    pub value: f64,
    /// 95 % Wald interval on the log scale.
    pub ci95: [f64; 2],
    /// Standard error of ln(value).
    pub se_log: f64,
}

/// The fit of one family.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FamilyFit {
    /// Which family.
    pub family: Family,
    /// Its parameters (see [`Family::parameters`]).
    pub params: Vec<Estimate>,
    /// ℓ(θ̂), densities per second.
    pub log_likelihood: f64,
    /// 2p − 2ℓ(θ̂).
    pub aic: f64,
    /// Kolmogorov–Smirnov distance (see [`GofReference`]).
    pub ks: f64,
    /// Mean of the fitted distribution, seconds.
    pub mean: f64,
    /// Standard error of ln(mean) (delta method).
    pub se_log_mean: f64,
}

impl FamilyFit {
    /// The parameter named `name`.
    pub fn param(&self, name: &str) -> Option<&Estimate> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// What the Kolmogorov–Smirnov distance compares the fitted CDF with.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GofReference {
    /// The empirical CDF of the values (no censoring).
    Empirical,
    /// The Kaplan–Meier estimate of the CDF, up to `up_to` seconds (the last uncensored value).
    KaplanMeier {
        /// The last uncensored value, seconds.
        up_to: f64,
    },
}

/// The result of fitting one family: its fit, or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    /// Which family.
    pub family: Family,
    /// Its fit, or why the search did not converge.
    pub outcome: Result<FamilyFit, String>,
}

/// Every family fitted to one sample.
#[derive(Clone, Debug, PartialEq)]
pub struct FitReport {
    /// Observations.
    pub n: usize,
    /// Of which right-censored.
    pub censored: usize,
    /// What KS compares with.
    pub reference: GofReference,
    /// One per family, in [`Family::ALL`] order.
    pub attempts: Vec<Attempt>,
    /// The converged fit with the lowest AIC.
    pub best: Option<Family>,
}

impl FitReport {
    /// The fit of `family`, when it converged.
    pub fn fit(&self, family: Family) -> Option<&FamilyFit> {
        self.attempts
            .iter()
            .find(|a| a.family == family)
            .and_then(|a| a.outcome.as_ref().ok())
    }

    /// The best fit.
    pub fn best_fit(&self) -> Option<&FamilyFit> {
        self.best.and_then(|f| self.fit(f))
    }
}

/// Why a sample cannot be fitted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Fewer than two uncensored values.
    #[error(
        "{events} uncensored value(s) of {n}: a fit needs at least 2 uncensored values (a censored value only says the duration was longer)"
    )]
    TooFewEvents {
        /// Uncensored values.
        events: usize,
        /// All values.
        n: usize,
    },
    /// A value that is not a finite number > 0.
    #[error("value {index} is {value}: values must be finite and > 0")]
    InvalidValue {
        /// Its index (from 0).
        index: usize,
        /// The value.
        value: f64,
    },
    /// Every uncensored value is the same: no spread to fit a shape to.
    #[error("every uncensored value is {0} s: there is no spread to fit a distribution to")]
    NoSpread(f64),
}

/// Two-sided 95 % normal quantile.
const Z: f64 = super::Z95;

/// Fits every family to `obs`.
pub fn fit(obs: &[Observation]) -> Result<FitReport, FitError> {
    if let Some((index, o)) = obs
        .iter()
        .enumerate()
        .find(|(_, o)| !(o.value.is_finite() && o.value > 0.0))
    {
        return Err(FitError::InvalidValue { index, value: o.value });
    }
    let events: Vec<f64> = obs.iter().filter(|o| !o.censored).map(|o| o.value).collect();
    if events.len() < 2 {
        return Err(FitError::TooFewEvents {
            events: events.len(),
            n: obs.len(),
        });
    }
    if events.iter().all(|v| *v == events[0]) {
        return Err(FitError::NoSpread(events[0]));
    }
    let steps = gof::kaplan_meier(obs);
    let censored = obs.len() - events.len();
    let reference = if censored == 0 {
        GofReference::Empirical
    } else {
        GofReference::KaplanMeier {
            up_to: events.iter().copied().fold(0.0, f64::max),
        }
    };
    let attempts: Vec<Attempt> = Family::ALL
        .iter()
        .map(|&family| Attempt {
            family,
            outcome: fit_family(family, obs, &steps),
        })
        .collect();
    let best = attempts
        .iter()
        .filter_map(|a| a.outcome.as_ref().ok())
        .min_by(|a, b| a.aic.total_cmp(&b.aic))
        .map(|f| f.family);
    Ok(FitReport {
        n: obs.len(),
        censored,
        reference,
        attempts,
        best,
    })
}

/// Fits one family (the sample already checked by [`fit`]).
pub fn fit_one(family: Family, obs: &[Observation]) -> Result<FamilyFit, String> {
    fit_family(family, obs, &gof::kaplan_meier(obs))
}

fn fit_family(family: Family, obs: &[Observation], steps: &[gof::Step]) -> Result<FamilyFit, String> {
    let (theta, log_likelihood, covariance) = match family {
        Family::Exponential => {
            let (ln_mean, se) = families::exponential_closed_form(obs);
            let ll = families::log_likelihood(family, &[ln_mean], obs);
            (vec![ln_mean], ll, vec![vec![se * se]])
        }
        _ => {
            let m = mle::maximize(family, obs, &families::start(family, obs))?;
            let c = m.covariance;
            (m.theta, m.log_likelihood, vec![c[0].to_vec(), c[1].to_vec()])
        }
    };
    let params = family
        .parameters()
        .iter()
        .enumerate()
        .map(|(i, &(name, duration))| {
            let se = covariance[i][i].sqrt();
            Estimate {
                name,
                duration,
                value: theta[i].exp(),
                ci95: [(theta[i] - Z * se).exp(), (theta[i] + Z * se).exp()],
                se_log: se,
            }
        })
        .collect();
    let g = families::ln_mean_gradient(family, &theta);
    let var_ln_mean: f64 = (0..g.len())
        .flat_map(|i| (0..g.len()).map(move |j| (i, j)))
        .map(|(i, j)| g[i] * covariance[i][j] * g[j])
        .sum();
    let ks = gof::ks_distance(steps, |x| families::cdf(family, &theta, x));
    Ok(FamilyFit {
        family,
        params,
        log_likelihood,
        aic: 2.0 * theta.len() as f64 - 2.0 * log_likelihood,
        ks,
        mean: families::ln_mean(family, &theta).exp(),
        se_log_mean: var_ln_mean.sqrt(),
    })
}

/// The log-likelihood of `family` with its parameters (in [`Family::parameters`] order, seconds
/// for durations) on `obs`.
pub fn log_likelihood(family: Family, params: &[f64], obs: &[Observation]) -> f64 {
    let theta: Vec<f64> = params.iter().map(|p| p.ln()).collect();
    families::log_likelihood(family, &theta, obs)
}
