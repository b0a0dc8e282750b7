//! Quantiles of a sorted sample of floating-point values (e.g. one metric over the outer draws of
//! a two-level run) and distribution-free confidence intervals for them from order statistics.

use statrs::distribution::{Binomial, DiscreteCDF};

/// The `p`-quantile of an ascending `sorted` sample by linear interpolation between order
/// statistics: Hyndman & Fan (1996, *The American Statistician* 50:361–365) type 7, the default
/// of R, NumPy and Julia. With `h = (n − 1)·p` and 0-based `x[·]`:
///
/// ```text
///   Q(p) = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋])
/// ```
///
/// so `Q(0)` is the minimum, `Q(1)` the maximum and `Q(½)` the usual median. The sample is not
/// checked for order.
///
/// # Panics
/// If `sorted` is empty or `p` is not in `[0, 1]`.
///
/// # Example
/// ```
/// # use outage_sim::stats::quantile;
/// assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// ```
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    assert!(!sorted.is_empty(), "quantile: empty sample");
    assert!((0.0..=1.0).contains(&p), "quantile: p must be in [0, 1], got {p}");
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    match sorted.get(lo + 1) {
        Some(&next) => sorted[lo] + (h - lo as f64) * (next - sorted[lo]),
        None => sorted[lo],
    }
}

/// Distribution-free ranks of a confidence interval for the `p`-quantile `ξ` of a continuous
/// distribution from a sample of `n` (e.g. Conover, *Practical Nonparametric Statistics*, 3rd ed.,
/// section 3.2; David & Nagaraja, *Order Statistics*, 3rd ed., section 7.1).
///
/// Returns 1-based ranks `(r, s)` of the order statistics `X(1) ≤ … ≤ X(n)` (in a 0-based sorted
/// slice, `sorted[r − 1]` and `sorted[s − 1]`). The number `B` of sample values at or below `ξ` is
/// Binomial(n, p), and `X(r) ≤ ξ < X(s)` exactly when `r ≤ B ≤ s − 1`. With `α = 1 − confidence`
/// each side gets at most `α/2`, from the exact binomial distribution:
///
/// * `r` is the largest rank with `P(B ≤ r − 1) ≤ α/2`, so `P(ξ < X(r)) ≤ α/2`;
/// * `s` is the smallest rank with `P(B ≥ s) ≤ α/2`, so `P(ξ ≥ X(s)) ≤ α/2`;
///
/// and the coverage `P(r ≤ B ≤ s − 1)` is at least `confidence` (more, because `B` is discrete).
/// A side is `None` when no order statistic bounds it at that level: the lower one when
/// `(1 − p)ⁿ > α/2`, the upper one when `pⁿ > α/2` — the sample is too small for that tail, and
/// the interval is unbounded on that side. For `n = 100`, `p = ½`, 95 %: `(Some(40), Some(61))`.
///
/// # Panics
/// If `p` or `confidence` is not strictly between 0 and 1.
pub fn quantile_interval(n: usize, p: f64, confidence: f64) -> (Option<usize>, Option<usize>) {
    assert!(p > 0.0 && p < 1.0, "quantile_interval: p must be in (0, 1), got {p}");
    assert!(
        confidence > 0.0 && confidence < 1.0,
        "quantile_interval: confidence must be in (0, 1), got {confidence}"
    );
    if n == 0 {
        return (None, None);
    }
    let tail = (1.0 - confidence) / 2.0;
    let b = Binomial::new(p, n as u64).expect("p in (0, 1)");
    // r = the number of x in 0..n with P(B ≤ x) ≤ tail (a prefix, the CDF rising).
    let r = count_prefix(n, |x| b.cdf(x as u64) <= tail);
    // s − 1 = the number of x in 0..n with P(B ≥ x + 1) = P(B > x) > tail (a prefix, falling).
    let s = count_prefix(n, |x| b.sf(x as u64) > tail) + 1;
    ((r >= 1).then_some(r), (s <= n).then_some(s))
}

/// Length of the prefix of `0..len` where `holds` is true (`holds` true then false), by bisection.
fn count_prefix(len: usize, holds: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, len);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) { lo = mid + 1 } else { hi = mid }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::super::test_rng;
    use super::*;
    use statrs::distribution::{ContinuousCDF, Normal};

    #[test]
    fn type_7_interpolation() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&x, 0.0), 1.0);
        assert_eq!(quantile(&x, 1.0), 4.0);
        assert_eq!(quantile(&x, 0.5), 2.5);
        assert!((quantile(&x, 0.1) - 1.3).abs() < 1e-15);
        // R: quantile(1:10, 0.95) = 9.55, quantile(1:10, 0.25) = 3.25.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert!((quantile(&ten, 0.95) - 9.55).abs() < 1e-12);
        assert_eq!(quantile(&ten, 0.25), 3.25);
        assert_eq!(quantile(&[7.0], 0.3), 7.0);
    }

    #[test]
    #[should_panic(expected = "empty sample")]
    fn quantile_of_nothing_panics() {
        quantile(&[], 0.5);
    }

    /// Binomial(n, p) probabilities, by the recurrence of successive terms in logarithms (so
    /// `(1 − p)ⁿ` may underflow), independent of the CDF the ranks come from.
    fn pmf(n: usize, p: f64) -> Vec<f64> {
        let mut ln = n as f64 * (1.0 - p).ln();
        let mut out = vec![ln.exp()];
        for k in 0..n {
            ln += ((n - k) as f64 / (k + 1) as f64 * p / (1.0 - p)).ln();
            out.push(ln.exp());
        }
        out
    }

    /// `P(lo ≤ B ≤ hi)` with 0 ≤ lo, hi ≤ n.
    fn prob(pmf: &[f64], lo: usize, hi: usize) -> f64 {
        pmf.get(lo..=hi).map_or(0.0, |s| s.iter().sum())
    }

    #[test]
    fn ranks_match_the_exact_binomial_convention() {
        assert_eq!(quantile_interval(100, 0.5, 0.95), (Some(40), Some(61)));
        for (n, p, conf) in [
            (100, 0.5, 0.95),
            (200, 0.95, 0.95),
            (20, 0.9, 0.9),
            (10, 0.5, 0.95),
            (5, 0.5, 0.95),
            (1000, 0.99, 0.99),
            (59, 0.95, 0.9),
        ] {
            let f = pmf(n, p);
            let tail = (1.0 - conf) / 2.0;
            let (r, s) = quantile_interval(n, p, conf);
            // Lower: P(B ≤ r − 1) ≤ tail < P(B ≤ r); None when even P(B = 0) > tail.
            match r {
                Some(r) => {
                    assert!(r >= 1 && prob(&f, 0, r - 1) <= tail, "{n} {p}: r = {r} too high");
                    assert!(prob(&f, 0, r) > tail, "{n} {p}: r = {r} could be higher");
                }
                None => assert!(f[0] > tail, "{n} {p}: a lower rank exists"),
            }
            // Upper: P(B ≥ s) ≤ tail < P(B ≥ s − 1); None when even P(B = n) > tail.
            match s {
                Some(s) => {
                    assert!(s <= n && prob(&f, s, n) <= tail, "{n} {p}: s = {s} too low");
                    assert!(prob(&f, s - 1, n) > tail, "{n} {p}: s = {s} could be lower");
                }
                None => assert!(f[n] > tail, "{n} {p}: an upper rank exists"),
            }
            if let (Some(r), Some(s)) = (r, s) {
                assert!(prob(&f, r, s - 1) >= conf, "{n} {p}: coverage below {conf}");
            }
        }
        assert_eq!(quantile_interval(5, 0.5, 0.95), (None, None));
        assert_eq!(quantile_interval(20, 0.95, 0.95).1, None);
        assert_eq!(quantile_interval(0, 0.5, 0.95), (None, None));
    }

    #[test]
    fn interval_covers_the_normal_95th_percentile_at_its_exact_rate() {
        let (n, p, seeds) = (200, 0.95, 400);
        let (r, s) = quantile_interval(n, p, 0.95);
        let (r, s) = (r.unwrap(), s.unwrap());
        let normal = Normal::standard();
        let truth = normal.inverse_cdf(p);
        let mut covered = 0;
        for seed in 0..seeds {
            let mut state = 0x5EED_0000 + seed;
            let mut x: Vec<f64> = (0..n)
                .map(|_| normal.inverse_cdf(test_rng::uniform(&mut state).max(f64::MIN_POSITIVE)))
                .collect();
            x.sort_by(f64::total_cmp);
            if x[r - 1] <= truth && truth <= x[s - 1] {
                covered += 1;
            }
        }
        let rate = covered as f64 / seeds as f64;
        let exact = prob(&pmf(n, p), r, s - 1);
        let se = (exact * (1.0 - exact) / seeds as f64).sqrt();
        println!("n={n} p={p}: ranks ({r}, {s}), coverage {rate} over {seeds} seeds, exact {exact:.4}");
        assert!(exact >= 0.95);
        assert!(
            (rate - exact).abs() <= 4.0 * se,
            "coverage {rate} vs exact {exact} ± 4·{se}"
        );
        assert!((rate - 0.95).abs() <= 4.0 * (0.95 * 0.05 / seeds as f64).sqrt());
    }
}
