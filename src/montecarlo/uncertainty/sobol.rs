//! Sobol indices of the metrics `[uncertainty] sobol` names, from the evaluations of Saltelli's
//! design: first-order (Saltelli et al. 2010) and total (Jansen 1999), with percentile-bootstrap
//! intervals over the design's rows (see [`crate::stats::sobol`]).
//!
//! The inner Monte Carlo error adds variance that no parameter explains: it lowers the
//! first-order indices and raises the totals. Common random numbers shrink it in the differences
//! the estimators take, and the section's `inner_mc_share` says how much is left.

use super::super::summary::Keyed;
use super::summary::SobolEntry;
use super::{Design, Role, UncertainRun};
use crate::scenario::Plan;
use crate::stats::{DEFAULT_BOOTSTRAP, sobol_indices};

/// Salt of the bootstrap's seed, so that it is not the seed of any replication stream.
const BOOTSTRAP_SALT: u64 = 0x50_B0_1B_00_75_7A_A9_01;

/// Sobol indices per metric and parameter, and why a metric asked for has none.
pub(super) fn indices(plan: &Plan, design: &Design, run: &UncertainRun) -> (Keyed<Keyed<SobolEntry>>, Keyed<String>) {
    let Some(u) = plan.uncertainty() else {
        return (Keyed(Vec::new()), Keyed(Vec::new()));
    };
    if !design.sobol {
        return (Keyed(Vec::new()), Keyed(Vec::new()));
    }
    let n = design.draws as usize;
    let k = design.parameters;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for path in &u.sobol {
        let Some(m) = run.metrics.iter().position(|d| &d.path == path) else {
            missing.push((path.clone(), "not a metric of this scenario".to_string()));
            continue;
        };
        // Matrix rows in design order: A, B, AB_1, …, AB_k.
        let mut rows: Vec<Vec<Option<f64>>> = vec![vec![None; n]; k + 2];
        for e in &run.evaluations {
            let (role, r) = design.role(e.index);
            let block = match role {
                Role::A => 0,
                Role::B => 1,
                Role::AB(i) => i + 2,
            };
            rows[block][r] = e.values[m].map(|v| v.value);
        }
        let full: Option<Vec<Vec<f64>>> = rows.into_iter().map(|r| r.into_iter().collect()).collect();
        let Some(full) = full else {
            missing.push((
                path.clone(),
                "the metric has no value at some draws (e.g. no incident in the run): more replications per draw"
                    .to_string(),
            ));
            continue;
        };
        let seed = plan.seed ^ BOOTSTRAP_SALT;
        match sobol_indices(&full[0], &full[1], &full[2..], DEFAULT_BOOTSTRAP, seed) {
            Ok(ix) => {
                let per_parameter = u
                    .parameters
                    .iter()
                    .zip(ix)
                    .map(|(p, s)| {
                        (
                            p.parameter.clone(),
                            SobolEntry {
                                first: s.first.estimate,
                                first_ci95: s.first.ci95,
                                total: s.total.estimate,
                                total_ci95: s.total.ci95,
                            },
                        )
                    })
                    .collect();
                found.push((path.clone(), Keyed(per_parameter)));
            }
            Err(e) => missing.push((path.clone(), e.to_string())),
        }
    }
    (Keyed(found), Keyed(missing))
}
