//! Where the outer level samples the priors: points of the unit cube, one coordinate per uncertain
//! parameter, mapped to values through each prior's quantile function.
//!
//! Without Sobol indices the design is a Latin hypercube of `draws` points (McKay, Beckman &
//! Conover 1979): every parameter's range is cut into `draws` equally likely strata and each is
//! sampled once, which spreads few draws over the whole prior. With Sobol indices it is Saltelli's
//! design: two independent hypercubes A and B, then for every parameter i the matrix AB_i (A with
//! column i from B) — `draws × (parameters + 2)` points, numbered A, B, AB_1, …, AB_k.

use crate::random::latin_hypercube;
use crate::scenario::Plan;

/// Which matrix of the design a point belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The main Latin hypercube: the draws whose quantiles and pooled run are reported.
    A,
    /// The second hypercube (Sobol indices only).
    B,
    /// A with the column of parameter `i` from B (Sobol indices only).
    AB(usize),
}

/// The outer design of a two-level run.
#[derive(Clone, Debug)]
pub struct Design {
    /// Points per matrix (the `draws`).
    pub draws: u64,
    /// Uncertain parameters.
    pub parameters: usize,
    /// Whether the design has B and AB_i (for Sobol indices).
    pub sobol: bool,
    a: Vec<Vec<f64>>,
    b: Vec<Vec<f64>>,
}

impl Design {
    /// The design of a plan with `[uncertainty]`, with `draws` points per matrix; `None` without.
    pub fn new(plan: &Plan, draws: u64) -> Option<Design> {
        let u = plan.uncertainty()?;
        let k = u.parameters.len();
        let sobol = !u.sobol.is_empty();
        let n = draws as usize;
        Some(Design {
            draws,
            parameters: k,
            sobol,
            a: latin_hypercube(n, k, plan.seed, "uncertainty/A"),
            b: if sobol {
                latin_hypercube(n, k, plan.seed, "uncertainty/B")
            } else {
                Vec::new()
            },
        })
    }

    /// Points in the design.
    pub fn len(&self) -> u64 {
        if self.sobol {
            self.draws * (self.parameters as u64 + 2)
        } else {
            self.draws
        }
    }

    /// Whether it has no point (never: at least two draws).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The matrix of point `index` and its row there.
    pub fn role(&self, index: u64) -> (Role, usize) {
        let (block, row) = (index / self.draws, (index % self.draws) as usize);
        let role = match block {
            0 => Role::A,
            1 => Role::B,
            b => Role::AB(b as usize - 2),
        };
        (role, row)
    }

    /// Point `index` in the unit cube.
    pub fn unit_point(&self, index: u64) -> Vec<f64> {
        match self.role(index) {
            (Role::A, r) => self.a[r].clone(),
            (Role::B, r) => self.b[r].clone(),
            (Role::AB(i), r) => {
                let mut p = self.a[r].clone();
                p[i] = self.b[r][i];
                p
            }
        }
    }

    /// The parameter values at point `index`: each prior's quantile at its coordinate.
    pub fn values(&self, plan: &Plan, index: u64) -> Vec<f64> {
        let u = plan
            .uncertainty()
            .expect("a design is made for a plan with [uncertainty]");
        self.unit_point(index)
            .iter()
            .zip(&u.parameters)
            .map(|(&p, param)| param.prior.prior.quantile(p))
            .collect()
    }
}
