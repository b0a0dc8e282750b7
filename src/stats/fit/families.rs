//! The four families: log-density, log-survival and CDF on their log-parameters, and starting
//! values for the search.
//!
//! Every family is written on the logarithms of its parameters (`θ`), so that the search is
//! unconstrained and the Wald intervals `exp(θ̂ ± z·SE)` stay positive:
//!
//! | family | θ | density f(x) |
//! |---|---|---|
//! | exponential | ln mean m | e^(−x/m) / m |
//! | Weibull | ln k, ln λ | (k/λ)(x/λ)^(k−1) e^(−(x/λ)^k) |
//! | log-normal | μ = ln median, ln σ | φ((ln x − μ)/σ) / (σx) |
//! | gamma | ln k, ln θ | x^(k−1) e^(−x/θ) / (Γ(k) θ^k) |

use super::{Family, Observation};
use statrs::function::erf::erfc;
use statrs::function::gamma::{checked_gamma_lr, checked_gamma_ur, ln_gamma};
use std::f64::consts::{FRAC_1_SQRT_2, PI};

/// ln √(2π).
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// The log-likelihood of right-censored observations, Σ_events ln f(x) + Σ_censored ln S(x);
/// `-∞` where a parameter is out of range or a term underflows past recovery.
pub(super) fn log_likelihood(family: Family, theta: &[f64], obs: &[Observation]) -> f64 {
    if theta.iter().any(|t| !t.is_finite()) {
        return f64::NEG_INFINITY;
    }
    let total: f64 = match family {
        Family::Exponential => {
            let m = theta[0].exp();
            obs.iter()
                .map(|o| {
                    if o.censored {
                        -o.value / m
                    } else {
                        -theta[0] - o.value / m
                    }
                })
                .sum()
        }
        Family::Weibull => {
            let (ln_k, ln_l) = (theta[0], theta[1]);
            let k = ln_k.exp();
            obs.iter()
                .map(|o| {
                    let ln_z = o.value.ln() - ln_l;
                    let h = (k * ln_z).exp();
                    if o.censored {
                        -h
                    } else {
                        ln_k - ln_l + (k - 1.0) * ln_z - h
                    }
                })
                .sum()
        }
        Family::LogNormal => {
            let (mu, ln_s) = (theta[0], theta[1]);
            let s = ln_s.exp();
            obs.iter()
                .map(|o| {
                    let ln_x = o.value.ln();
                    let z = (ln_x - mu) / s;
                    if o.censored {
                        ln_normal_sf(z)
                    } else {
                        -ln_x - ln_s - LN_SQRT_2PI - z * z / 2.0
                    }
                })
                .sum()
        }
        Family::Gamma => {
            let (ln_k, ln_t) = (theta[0], theta[1]);
            let (k, t) = (ln_k.exp(), ln_t.exp());
            let lg = ln_gamma(k);
            obs.iter()
                .map(|o| {
                    if o.censored {
                        ln_gamma_sf(k, o.value / t, lg)
                    } else {
                        -lg - k * ln_t + (k - 1.0) * o.value.ln() - o.value / t
                    }
                })
                .sum()
        }
    };
    if total.is_nan() { f64::NEG_INFINITY } else { total }
}

/// The fitted CDF at `x` (seconds).
pub(super) fn cdf(family: Family, theta: &[f64], x: f64) -> f64 {
    match family {
        Family::Exponential => -(-x / theta[0].exp()).exp_m1(),
        Family::Weibull => -(-((x.ln() - theta[1]) * theta[0].exp()).exp()).exp_m1(),
        Family::LogNormal => 0.5 * erfc(-(x.ln() - theta[0]) / theta[1].exp() * FRAC_1_SQRT_2),
        Family::Gamma => checked_gamma_lr(theta[0].exp(), x / theta[1].exp()).unwrap_or(f64::NAN),
    }
}

/// ln(1 − Φ(z)), with the asymptotic series where erfc underflows.
fn ln_normal_sf(z: f64) -> f64 {
    let q = 0.5 * erfc(z * FRAC_1_SQRT_2);
    if q > 1e-300 {
        q.ln()
    } else {
        // Mills ratio: 1 − Φ(z) ≈ φ(z)/z · (1 − 1/z²) for large z.
        -z * z / 2.0 - LN_SQRT_2PI - z.ln() + (1.0 - 1.0 / (z * z)).ln()
    }
}

/// ln Q(k, y), the log of the upper regularized incomplete gamma function, with its leading
/// asymptotic term `y^(k−1) e^(−y) / Γ(k)` where Q underflows; `lg` is ln Γ(k).
fn ln_gamma_sf(k: f64, y: f64, lg: f64) -> f64 {
    match checked_gamma_ur(k, y) {
        Ok(q) if q > 1e-300 => q.ln(),
        Ok(_) => (k - 1.0) * y.ln() - y - lg,
        Err(_) => f64::NAN,
    }
}

/// Starting values for the search, from the data's log-moments (the censored values counted as
/// if they were events: only a start).
pub(super) fn start(family: Family, obs: &[Observation]) -> Vec<f64> {
    let n = obs.len() as f64;
    let events = obs.iter().filter(|o| !o.censored).count() as f64;
    let logs: Vec<f64> = obs.iter().map(|o| o.value.ln()).collect();
    let mean_log = logs.iter().sum::<f64>() / n;
    let sd_log = (logs.iter().map(|l| (l - mean_log).powi(2)).sum::<f64>() / (n - 1.0).max(1.0))
        .sqrt()
        .max(1e-3);
    // The exponential MLE of the mean, total time over events: right whatever the censoring.
    let mean = obs.iter().map(|o| o.value).sum::<f64>() / events;
    match family {
        Family::Exponential => vec![mean.ln()],
        Family::Weibull => {
            // Var(ln X) = π²/(6k²); the scale is then the exact conditional MLE given k.
            let k = (PI / (6f64.sqrt() * sd_log)).clamp(0.05, 50.0);
            let sum: f64 = obs.iter().map(|o| ((o.value.ln() - mean_log) * k).exp()).sum();
            vec![k.ln(), mean_log + (sum / events).ln() / k]
        }
        Family::LogNormal => vec![mean_log, sd_log.ln()],
        Family::Gamma => {
            // Var(ln X) = ψ'(k) ≈ 1/k + 1/(2k²): solved for k, then the scale from the mean.
            let v = sd_log * sd_log;
            let k = ((1.0 + (1.0 + 2.0 * v).sqrt()) / (2.0 * v)).clamp(0.05, 1e4);
            vec![k.ln(), (mean / k).ln()]
        }
    }
}

/// The exponential fit in closed form: mean = total time / events, and the SE of ln(mean),
/// 1/√events (the observed information of ln m at the MLE is exactly the number of events).
pub(super) fn exponential_closed_form(obs: &[Observation]) -> (f64, f64) {
    let events = obs.iter().filter(|o| !o.censored).count() as f64;
    let total: f64 = obs.iter().map(|o| o.value).sum();
    ((total / events).ln(), 1.0 / events.sqrt())
}

/// The gradient of ln(mean) with respect to θ (for the delta method).
pub(super) fn ln_mean_gradient(family: Family, theta: &[f64]) -> Vec<f64> {
    match family {
        Family::Exponential => vec![1.0],
        Family::Weibull => {
            // ln mean = ln λ + ln Γ(1 + 1/k).
            let k = theta[0].exp();
            vec![-statrs::function::gamma::digamma(1.0 + 1.0 / k) / k, 1.0]
        }
        // ln mean = μ + σ²/2.
        Family::LogNormal => vec![1.0, (2.0 * theta[1]).exp()],
        // ln mean = ln k + ln θ.
        Family::Gamma => vec![1.0, 1.0],
    }
}

/// ln(mean) at θ.
pub(super) fn ln_mean(family: Family, theta: &[f64]) -> f64 {
    match family {
        Family::Exponential => theta[0],
        Family::Weibull => theta[1] + ln_gamma(1.0 + (-theta[0]).exp()),
        Family::LogNormal => theta[0] + (2.0 * theta[1]).exp() / 2.0,
        Family::Gamma => theta[0] + theta[1],
    }
}
