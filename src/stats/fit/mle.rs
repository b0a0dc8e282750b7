//! The search for the maximum of the likelihood (argmin's Nelder–Mead on the log-parameters) and
//! the observed information there (a central-difference Hessian, inverted).

use super::Family;
use super::Observation;
use super::families::log_likelihood;
use argmin::core::{CostFunction, Executor, State, TerminationReason};
use argmin::solver::neldermead::NelderMead;

/// Iterations allowed to one Nelder–Mead run (two parameters converge in a few hundred).
const MAX_ITERS: u64 = 5_000;

/// Step of the finite differences on the log-parameters.
const HESSIAN_STEP: f64 = 1e-4;

/// The maximum found: θ̂, ℓ(θ̂) and the covariance of θ̂ (the inverse observed information).
pub(super) struct Maximum {
    pub theta: Vec<f64>,
    pub log_likelihood: f64,
    pub covariance: [[f64; 2]; 2],
}

/// Minus the log-likelihood, as argmin minimizes; `+∞` outside the domain.
struct NegLogLik<'a> {
    family: Family,
    obs: &'a [Observation],
}

impl CostFunction for NegLogLik<'_> {
    type Param = Vec<f64>;
    type Output = f64;

    fn cost(&self, theta: &Self::Param) -> Result<f64, argmin::core::Error> {
        let ll = log_likelihood(self.family, theta, self.obs);
        Ok(if ll.is_finite() { -ll } else { f64::INFINITY })
    }
}

/// Maximizes the log-likelihood of a two-parameter family from `start`: Nelder–Mead until the
/// spread of the simplex's values is below a tolerance that scales with the sample (so that the
/// parameters are found to far within their standard error), restarted once from its result
/// with a fresh simplex (the usual guard against a simplex collapsed early), then the observed
/// information. An error says why there is no usable maximum.
pub(super) fn maximize(family: Family, obs: &[Observation], start: &[f64]) -> Result<Maximum, String> {
    let tolerance = 1e-12 * obs.len().max(1) as f64;
    let mut theta = start.to_vec();
    for step in [0.5, 0.05] {
        theta = nelder_mead(family, obs, &theta, step, tolerance)?;
    }
    let ll = log_likelihood(family, &theta, obs);
    if !ll.is_finite() {
        return Err("the likelihood is zero at the search's end".into());
    }
    let info = information(family, obs, &theta, ll);
    let [[a, b], [_, c]] = info;
    let det = a * c - b * b;
    if !(a > 0.0 && c > 0.0 && det > 0.0 && det.is_finite()) {
        return Err("the observed information is not positive definite at the search's end \
                    (a flat or unbounded likelihood)"
            .into());
    }
    Ok(Maximum {
        theta,
        log_likelihood: ll,
        covariance: [[c / det, -b / det], [-b / det, a / det]],
    })
}

/// One Nelder–Mead run from `x0`, with an initial simplex of `step` along each axis.
fn nelder_mead(family: Family, obs: &[Observation], x0: &[f64], step: f64, tolerance: f64) -> Result<Vec<f64>, String> {
    let mut simplex = vec![x0.to_vec()];
    for i in 0..x0.len() {
        let mut v = x0.to_vec();
        v[i] += step;
        simplex.push(v);
    }
    let solver = NelderMead::new(simplex)
        .with_sd_tolerance(tolerance)
        .map_err(|e| e.to_string())?;
    let result = Executor::new(NegLogLik { family, obs }, solver)
        .configure(|s| s.max_iters(MAX_ITERS))
        .run()
        .map_err(|e| format!("the search failed: {e}"))?;
    let state = result.state();
    match state.get_termination_reason() {
        Some(TerminationReason::SolverConverged) => {}
        Some(TerminationReason::MaxItersReached) => {
            return Err(format!("no convergence in {MAX_ITERS} Nelder–Mead iterations"));
        }
        other => return Err(format!("the search stopped: {other:?}")),
    }
    let best = state
        .get_best_param()
        .cloned()
        .ok_or_else(|| "the search found no point".to_string())?;
    if !state.get_best_cost().is_finite() {
        return Err("the likelihood is zero everywhere the search went".into());
    }
    Ok(best)
}

/// The observed information −∇²ℓ at θ (two parameters), by central differences.
fn information(family: Family, obs: &[Observation], theta: &[f64], ll: f64) -> [[f64; 2]; 2] {
    let h = HESSIAN_STEP;
    let at = |di: f64, dj: f64| log_likelihood(family, &[theta[0] + di, theta[1] + dj], obs);
    let d00 = (at(h, 0.0) - 2.0 * ll + at(-h, 0.0)) / (h * h);
    let d11 = (at(0.0, h) - 2.0 * ll + at(0.0, -h)) / (h * h);
    let d01 = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4.0 * h * h);
    [[-d00, -d01], [-d01, -d11]]
}
