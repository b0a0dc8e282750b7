//! The `uncertainty` section of `summary.json`: every metric's distribution over the draws of the
//! uncertain parameters (mean, 5 %, 50 % and 95 % quantiles with distribution-free intervals), the
//! part of that spread due to the inner Monte Carlo error, the pooled (predictive) estimate, and
//! the Sobol indices asked for.

use super::super::summary::Keyed;
use super::{Design, DrawValue, Role, UncertainRun};
use crate::model::metric::DrawStat;
use crate::scenario::Plan;
use crate::scenario::uncertainty::Mode;
use crate::stats::{quantile, quantile_interval};
use serde::{Deserialize, Serialize};

/// Confidence of the intervals of the quantiles over draws.
const CONFIDENCE: f64 = 0.95;

/// One uncertain parameter and the spread of its draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParameterSummary {
    /// `factor` or `value`.
    pub mode: String,
    /// The prior as written.
    pub prior: String,
    /// 5 %, 50 % and 95 % quantiles of the drawn values (seconds for durations).
    pub p05: f64,
    /// Median of the drawn values.
    pub p50: f64,
    /// 95 % quantile of the drawn values.
    pub p95: f64,
}

/// A metric over the draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DrawSummary {
    /// `duration` (seconds), `probability` or `number`.
    pub unit: String,
    /// Draws at which the metric has a value.
    pub draws: u64,
    /// Mean over those draws.
    pub mean: f64,
    /// 5 % quantile over draws (linear interpolation between order statistics).
    pub p05: f64,
    /// Median over draws.
    pub p50: f64,
    /// 95 % quantile over draws.
    pub p95: f64,
    /// 95 % intervals of `p05`, `p50`, `p95` from the order statistics (distribution-free;
    /// `null` where too few draws bound that side); they do not include the inner Monte Carlo
    /// error.
    pub quantile_ci95: QuantileIntervals,
    /// Standard deviation over draws.
    pub sd: f64,
    /// Root mean square of the draws' own standard errors: the inner Monte Carlo error of one draw
    /// (`null` when the metric has no standard error).
    pub inner_mc_sd: Option<f64>,
    /// Share of the variance over draws that the inner Monte Carlo error accounts for (in [0, 1];
    /// the rest is the parameters'). Near 1, the spread is mostly noise: more replications per draw.
    pub inner_mc_share: Option<f64>,
    /// The pooled estimate over every draw's replications: the predictive value, with its 95 %
    /// interval (Monte Carlo only).
    pub pooled: Option<Pooled>,
}

/// 95 % intervals of the quantiles over draws.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuantileIntervals {
    /// Of the 5 % quantile.
    pub p05: [Option<f64>; 2],
    /// Of the median.
    pub p50: [Option<f64>; 2],
    /// Of the 95 % quantile.
    pub p95: [Option<f64>; 2],
}

/// A pooled estimate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pooled {
    /// The estimate.
    pub estimate: f64,
    /// Its standard error (Monte Carlo), when it has one.
    pub std_error: Option<f64>,
}

/// A parameter's Sobol indices for one metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SobolEntry {
    /// First-order index: the share of the metric's variance over the priors due to this
    /// parameter alone.
    pub first: f64,
    /// 95 % bootstrap interval of `first`.
    pub first_ci95: [f64; 2],
    /// Total index: the share due to this parameter with all its interactions.
    pub total: f64,
    /// 95 % bootstrap interval of `total`.
    pub total_ci95: [f64; 2],
}

/// The `uncertainty` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UncertaintySummary {
    /// `latin-hypercube` or `saltelli` (with the B and AB matrices for Sobol indices).
    pub design: String,
    /// Parameter sets drawn (rows of the Latin hypercube).
    pub draws: u64,
    /// Replications at every draw (the same seed at each: common random numbers).
    pub inner_replications: u64,
    /// Parameter sets run in all (`draws × (parameters + 2)` with Sobol indices).
    pub evaluations: u64,
    /// The uncertain parameters, by path as written.
    pub parameters: Keyed<ParameterSummary>,
    /// Every metric, by path, over the draws.
    pub metrics: Keyed<DrawSummary>,
    /// Sobol indices: metric path → parameter path → indices.
    #[serde(default, skip_serializing_if = "Keyed::is_empty")]
    pub sobol: Keyed<Keyed<SobolEntry>>,
    /// Why a metric asked for has no Sobol indices (it does not vary, or lacks data).
    #[serde(default, skip_serializing_if = "Keyed::is_empty")]
    pub sobol_missing: Keyed<String>,
}

impl UncertaintySummary {
    /// The summary of a finished two-level run; `pooled` holds the pooled run's metric values.
    pub fn new(plan: &Plan, design: &Design, run: &UncertainRun, pooled: &[Option<DrawValue>]) -> UncertaintySummary {
        let u = plan.uncertainty().expect("a two-level run has [uncertainty]");
        let a: Vec<_> = run
            .evaluations
            .iter()
            .filter(|e| design.role(e.index).0 == Role::A)
            .collect();
        let parameters = u
            .parameters
            .iter()
            .enumerate()
            .map(|(j, p)| {
                let mut xs: Vec<f64> = a.iter().map(|e| e.x[j]).collect();
                xs.sort_by(f64::total_cmp);
                let q = |f: f64| quantile(&xs, f);
                let summary = ParameterSummary {
                    mode: match p.mode {
                        Mode::Factor => "factor",
                        Mode::Value => "value",
                    }
                    .into(),
                    prior: p.prior.text.clone(),
                    p05: q(0.05),
                    p50: q(0.5),
                    p95: q(0.95),
                };
                (p.parameter.clone(), summary)
            })
            .collect();
        let metrics = run
            .metrics
            .iter()
            .enumerate()
            .filter_map(|(m, def)| {
                let values: Vec<DrawValue> = a.iter().filter_map(|e| e.values[m]).collect();
                let summary = over_draws(def.unit().name(), &values, pooled[m])?;
                Some((def.path.clone(), summary))
            })
            .collect();
        let (sobol, sobol_missing) = super::sobol::indices(plan, design, run);
        UncertaintySummary {
            design: if design.sobol { "saltelli" } else { "latin-hypercube" }.into(),
            draws: design.draws,
            inner_replications: plan.replications,
            evaluations: design.len(),
            parameters,
            metrics,
            sobol,
            sobol_missing,
        }
    }

    /// A statistic over draws of the metric at `path`, with its 95 % interval (`None` bounds
    /// are unbounded); `None` when the metric has no value.
    pub fn statistic(&self, path: &str, stat: DrawStat) -> Option<(f64, [Option<f64>; 2])> {
        let d = self.metrics.get(path)?;
        Some(match stat {
            DrawStat::Mean => {
                let se = d.sd / (d.draws as f64).sqrt();
                let half = crate::stats::Z95 * se;
                (d.mean, [Some(d.mean - half), Some(d.mean + half)])
            }
            DrawStat::P05 => (d.p05, d.quantile_ci95.p05),
            DrawStat::P50 => (d.p50, d.quantile_ci95.p50),
            DrawStat::P95 => (d.p95, d.quantile_ci95.p95),
        })
    }
}

/// The summary of one metric's values over the draws; `None` without any.
fn over_draws(unit: &str, values: &[DrawValue], pooled: Option<DrawValue>) -> Option<DrawSummary> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mut sorted: Vec<f64> = values.iter().map(|v| v.value).collect();
    sorted.sort_by(f64::total_cmp);
    let mean = sorted.iter().sum::<f64>() / n as f64;
    let var = if n > 1 {
        sorted.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64
    } else {
        0.0
    };
    let ses: Vec<f64> = values.iter().filter_map(|v| v.std_error).collect();
    let inner_var = (ses.len() == n).then(|| ses.iter().map(|s| s * s).sum::<f64>() / n as f64);
    let interval = |p: f64| {
        // 1-based ranks of the order statistics that bound the quantile.
        let (lo, hi) = quantile_interval(n, p, CONFIDENCE);
        [lo.map(|r| sorted[r - 1]), hi.map(|r| sorted[r - 1])]
    };
    Some(DrawSummary {
        unit: unit.to_string(),
        draws: n as u64,
        mean,
        p05: quantile(&sorted, 0.05),
        p50: quantile(&sorted, 0.5),
        p95: quantile(&sorted, 0.95),
        quantile_ci95: QuantileIntervals {
            p05: interval(0.05),
            p50: interval(0.5),
            p95: interval(0.95),
        },
        sd: var.sqrt(),
        inner_mc_sd: inner_var.map(f64::sqrt),
        inner_mc_share: inner_var.and_then(|iv| {
            if var > 0.0 {
                Some((iv / var).min(1.0))
            } else if iv == 0.0 {
                None
            } else {
                Some(1.0)
            }
        }),
        pooled: pooled.map(|p| Pooled {
            estimate: p.value,
            std_error: p.std_error,
        }),
    })
}
