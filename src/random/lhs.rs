//! Space-filling designs on the unit cube for the outer level of a two-level Monte Carlo run:
//! Latin hypercube samples (McKay, Beckman & Conover 1979, *Technometrics* 21:239–245) and the
//! A/B/AB design that Sobol indices are estimated from (Saltelli et al. 2010, *Comput. Phys.
//! Commun.* 181:259–270; the estimators are in `stats::sobol`).
//!
//! Every column `j` of a sample draws from its own stream `stream(seed, j, Mechanism::named(salt))`
//! (the column index in the place of the replication), so a sample depends only on
//! `(n, seed, salt)` and its column index — adding a parameter does not change the columns before
//! it — and tests pin exact values.
//!
//! Column `j` is built in two steps: a Fisher–Yates shuffle of the strata `0..n` (Durstenfeld
//! 1964; the swap partner of position `i` drawn with `random_range(0..=i)`, `i` from `n − 1` down
//! to 1), then for each draw in order a jitter `u` in the open interval (0, 1) (`rand`'s `Open01`:
//! 52 random bits, `u = (m + ½)·2⁻⁵²`), giving `x = lo + u·(hi − lo)` with `lo = s/n`,
//! `hi = (s + 1)/n` for stratum `s`. Rounding can never move `x` out of `[lo, hi)`: it is clamped
//! to the largest `f64` below `hi` if it lands on `hi`. So every value is in (0, 1) and every
//! column has exactly one value in each stratum `[s/n, (s + 1)/n)` (as computed in `f64`).

use rand::RngExt;
use rand::distr::Open01;

use super::{Mechanism, stream};

/// Latin hypercube sample: `n` points in (0, 1)^k, returned as `[draw][param]`. Column `j` is a
/// random permutation of the `n` strata `[s/n, (s + 1)/n)` with a uniform jitter inside each
/// stratum. Deterministic from `(seed, salt)`; column `j` draws from
/// `stream(seed, j, Mechanism::named(salt))` (see the module documentation for the exact
/// algorithm). `n = 0` or `k = 0` gives empty rows.
pub fn latin_hypercube(n: usize, k: usize, seed: u64, salt: &str) -> Vec<Vec<f64>> {
    let mechanism = Mechanism::named(salt);
    let mut rows = vec![Vec::with_capacity(k); n];
    for j in 0..k {
        let mut rng = stream(seed, j as u64, mechanism);
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let other = rng.random_range(0..=i);
            strata.swap(i, other);
        }
        for (row, s) in rows.iter_mut().zip(strata) {
            let u: f64 = rng.sample(Open01);
            row.push(in_stratum(s, n, u));
        }
    }
    rows
}

/// The point at fraction `u ∈ (0, 1)` of stratum `s` of `n`, kept inside `[s/n, (s + 1)/n)`.
fn in_stratum(s: usize, n: usize, u: f64) -> f64 {
    let lo = s as f64 / n as f64;
    let hi = (s + 1) as f64 / n as f64;
    let x = lo + u * (hi - lo);
    if x >= hi {
        // `hi > 0`, so the largest f64 below it is one step down in its bit pattern.
        f64::from_bits(hi.to_bits() - 1)
    } else {
        x.max(lo)
    }
}

/// The Saltelli (radial) design for Sobol indices of `k` parameters from `n` base rows: two
/// independent Latin hypercubes `A` and `B` (`n × k`, `[row][param]`) and, for each parameter
/// `i`, the matrix `AB_i`: `A` with column `i` taken from `B`. The model is evaluated at the
/// `n(k + 2)` rows of `A`, `B` and every `AB_i`.
#[derive(Clone, Debug, PartialEq)]
pub struct SaltelliDesign {
    /// Matrix `A`, `n` rows of `k` values in (0, 1).
    pub a: Vec<Vec<f64>>,
    /// Matrix `B`, independent of `A`, same shape.
    pub b: Vec<Vec<f64>>,
}

/// Builds the [`SaltelliDesign`] of `k` parameters from `n` base rows: `A` is
/// `latin_hypercube(n, k, seed, "{salt}/A")` and `B` is `latin_hypercube(n, k, seed, "{salt}/B")`,
/// so the two are independent streams and the design is deterministic from `(seed, salt)`.
pub fn saltelli_design(n: usize, k: usize, seed: u64, salt: &str) -> SaltelliDesign {
    SaltelliDesign {
        a: latin_hypercube(n, k, seed, &format!("{salt}/A")),
        b: latin_hypercube(n, k, seed, &format!("{salt}/B")),
    }
}

impl SaltelliDesign {
    /// Number of base rows `n` (rows of `A`, of `B` and of each `AB_i`).
    pub fn n(&self) -> usize {
        self.a.len()
    }

    /// Number of parameters `k` (columns).
    pub fn k(&self) -> usize {
        self.a.first().map_or(0, Vec::len)
    }

    /// Matrix `AB_i`: `A` with column `i` taken from `B`.
    ///
    /// # Panics
    /// If `i >= k`.
    pub fn ab(&self, i: usize) -> Vec<Vec<f64>> {
        assert!(i < self.k(), "SaltelliDesign::ab: parameter {i} of {}", self.k());
        self.a
            .iter()
            .zip(&self.b)
            .map(|(a, b)| {
                let mut row = a.clone();
                row[i] = b[i];
                row
            })
            .collect()
    }

    /// Number of evaluation points, `n(k + 2)`.
    pub fn len(&self) -> usize {
        self.n() * (self.k() + 2)
    }

    /// Whether the design has no point (`n = 0`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every evaluation point in order: the rows of `A`, then of `B`, then of `AB_0`, …,
    /// `AB_{k−1}` (`n(k + 2)` points). [`index_a`](Self::index_a), [`index_b`](Self::index_b) and
    /// [`index_ab`](Self::index_ab) give a row's position; [`split`](Self::split) maps the
    /// evaluations back.
    pub fn points(&self) -> Vec<Vec<f64>> {
        let mut out = Vec::with_capacity(self.len());
        out.extend(self.a.iter().cloned());
        out.extend(self.b.iter().cloned());
        for i in 0..self.k() {
            out.extend(self.ab(i));
        }
        out
    }

    /// Position of row `j` of `A` in [`points`](Self::points): `j`.
    pub fn index_a(&self, j: usize) -> usize {
        j
    }

    /// Position of row `j` of `B` in [`points`](Self::points): `n + j`.
    pub fn index_b(&self, j: usize) -> usize {
        self.n() + j
    }

    /// Position of row `j` of `AB_i` in [`points`](Self::points): `(2 + i)·n + j`.
    pub fn index_ab(&self, i: usize, j: usize) -> usize {
        (2 + i) * self.n() + j
    }

    /// Splits evaluations made in the order of [`points`](Self::points) into `(f_A, f_B, f_AB)`,
    /// `f_AB[i][j]` being the value at row `j` of `AB_i` — the arguments of `stats::sobol_indices`.
    ///
    /// # Panics
    /// If `values.len() != self.len()`.
    pub fn split<T: Clone>(&self, values: &[T]) -> (Vec<T>, Vec<T>, Vec<Vec<T>>) {
        assert_eq!(
            values.len(),
            self.len(),
            "SaltelliDesign::split: {} values for {} points",
            values.len(),
            self.len()
        );
        let n = self.n();
        let f_ab = (0..self.k())
            .map(|i| values[self.index_ab(i, 0)..self.index_ab(i, 0) + n].to_vec())
            .collect();
        (values[..n].to_vec(), values[n..2 * n].to_vec(), f_ab)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stratum of `x` among `n`, by the same `f64` bounds the sample uses.
    fn stratum(x: f64, n: usize) -> usize {
        let s = ((x * n as f64) as usize).min(n - 1);
        // `x·n` may round across a bound; settle it with the bounds themselves.
        if x < s as f64 / n as f64 {
            s - 1
        } else if x >= (s + 1) as f64 / n as f64 {
            s + 1
        } else {
            s
        }
    }

    #[test]
    fn one_point_per_stratum_in_every_column() {
        for (n, k) in [(1, 1), (2, 3), (7, 4), (100, 5), (1000, 2), (4097, 3)] {
            let x = latin_hypercube(n, k, 11, "test/lhs");
            assert_eq!(x.len(), n);
            for j in 0..k {
                let mut seen = vec![false; n];
                for row in &x {
                    assert_eq!(row.len(), k);
                    let v = row[j];
                    assert!(v > 0.0 && v < 1.0, "{v} outside (0, 1)");
                    let s = stratum(v, n);
                    assert!(s as f64 / n as f64 <= v && v < (s + 1) as f64 / n as f64);
                    assert!(!seen[s], "n={n} column {j}: stratum {s} twice");
                    seen[s] = true;
                }
            }
        }
    }

    #[test]
    fn jitter_stays_inside_its_stratum_at_the_extremes() {
        for n in [1, 3, 10, 1000, 1 << 20] {
            for s in [0, n / 2, n - 1] {
                let (lo, hi) = (s as f64 / n as f64, (s + 1) as f64 / n as f64);
                for u in [f64::MIN_POSITIVE, 2f64.powi(-53), 0.5, 1.0 - 2f64.powi(-53)] {
                    let x = in_stratum(s, n, u);
                    assert!(lo <= x && x < hi && x > 0.0 && x < 1.0, "n={n} s={s} u={u}: {x}");
                }
            }
        }
    }

    #[test]
    fn deterministic_and_pinned() {
        let x = latin_hypercube(8, 3, 42, "outer/lhs");
        assert_eq!(x, latin_hypercube(8, 3, 42, "outer/lhs"));
        // Value stability: if these change, every published outer sample changes. Update on
        // purpose only.
        assert_eq!(x[0], PINNED.to_vec());
        // A column does not depend on how many columns follow it.
        let wider = latin_hypercube(8, 5, 42, "outer/lhs");
        for (a, b) in x.iter().zip(&wider) {
            assert_eq!(a[..], b[..3]);
        }
    }

    const PINNED: [f64; 3] = [0.6734023448753612, 0.74373201356974, 0.8142879186137782];

    #[test]
    fn salts_seeds_and_columns_give_different_samples() {
        let x = latin_hypercube(50, 2, 1, "a");
        assert_ne!(x, latin_hypercube(50, 2, 1, "b"));
        assert_ne!(x, latin_hypercube(50, 2, 2, "a"));
        let perm = |j: usize| x.iter().map(|r| (r[j] * 50.0) as usize).collect::<Vec<_>>();
        assert_ne!(perm(0), perm(1), "columns share a permutation");
        assert!(latin_hypercube(0, 3, 1, "a").is_empty());
        assert!(latin_hypercube(3, 0, 1, "a").iter().all(Vec::is_empty));
    }

    #[test]
    fn saltelli_design_layout() {
        let d = saltelli_design(5, 3, 7, "outer");
        assert_eq!((d.n(), d.k(), d.len()), (5, 3, 25));
        assert_eq!(d.a, latin_hypercube(5, 3, 7, "outer/A"));
        assert_eq!(d.b, latin_hypercube(5, 3, 7, "outer/B"));
        assert_ne!(d.a, d.b);
        let points = d.points();
        assert_eq!(points.len(), d.len());
        for j in 0..d.n() {
            assert_eq!(points[d.index_a(j)], d.a[j]);
            assert_eq!(points[d.index_b(j)], d.b[j]);
            for i in 0..d.k() {
                let row = &points[d.index_ab(i, j)];
                assert_eq!(row, &d.ab(i)[j]);
                for (c, &x) in row.iter().enumerate() {
                    assert_eq!(x, if c == i { d.b[j][c] } else { d.a[j][c] });
                }
            }
        }
        // Evaluations map back: evaluate "the position" and split.
        let values: Vec<usize> = (0..d.len()).collect();
        let (fa, fb, fab) = d.split(&values);
        assert_eq!(fa, (0..5).collect::<Vec<_>>());
        assert_eq!(fb, (5..10).collect::<Vec<_>>());
        assert_eq!(fab.len(), 3);
        assert_eq!(fab[2], (20..25).collect::<Vec<_>>());
        assert!(saltelli_design(0, 3, 7, "outer").is_empty());
    }

    #[test]
    #[should_panic(expected = "values for")]
    fn split_refuses_a_wrong_length() {
        saltelli_design(4, 2, 1, "x").split(&[0.0; 15]);
    }
}
