//! Numbers as people read them: a printed estimate never rounds to a value it is not (0.99996
//! does not print as 1.0000), and a printed interval always contains the true one (its lower
//! bound is rounded down, its upper bound up).

/// How to round the last printed digit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// To the nearest value.
    Nearest,
    /// Towards −∞ (a lower bound).
    Down,
    /// Towards +∞ (an upper bound).
    Up,
}

/// The most decimals added to keep a value off a boundary it does not reach.
const MAX_DECIMALS: usize = 8;

/// `x` with `decimals` decimals, rounded as asked.
fn fixed(x: f64, decimals: usize, rounding: Rounding) -> String {
    let scale = 10f64.powi(decimals as i32);
    let scaled = x * scale;
    // Guard against representation noise (0.29 * 100 = 28.999999999999996).
    let snapped = if (scaled - scaled.round()).abs() < 1e-9 * scaled.abs().max(1.0) {
        scaled.round()
    } else {
        scaled
    };
    let r = match rounding {
        Rounding::Nearest => snapped.round(),
        Rounding::Down => snapped.floor(),
        Rounding::Up => snapped.ceil(),
    };
    format!("{:.*}", decimals, r / scale)
}

/// A value in [lo, hi] (e.g. a probability in [0, 1]) with at least `decimals` decimals, more
/// when fewer would print `lo` or `hi` for a value that is not exactly that; beyond
/// [`MAX_DECIMALS`], `> 0.99999999` or `< 0.00000001`.
pub fn bounded(x: f64, decimals: usize, lo: f64, hi: f64, rounding: Rounding) -> String {
    let at = |s: &str, bound: f64| s.parse::<f64>().is_ok_and(|v| v == bound);
    for d in decimals..=MAX_DECIMALS {
        let s = fixed(x, d, rounding);
        if (at(&s, hi) && x != hi) || (at(&s, lo) && x != lo) {
            continue;
        }
        return s;
    }
    if x > (lo + hi) / 2.0 {
        format!(
            "> {}",
            fixed(hi - 10f64.powi(-(MAX_DECIMALS as i32)), MAX_DECIMALS, Rounding::Down)
        )
    } else {
        format!(
            "< {}",
            fixed(lo + 10f64.powi(-(MAX_DECIMALS as i32)), MAX_DECIMALS, Rounding::Up)
        )
    }
}

/// A probability with 4 decimals (more near 0 and 1, see [`bounded`]).
pub fn probability(x: f64) -> String {
    bounded(x, 4, 0.0, 1.0, Rounding::Nearest)
}

/// An interval of probabilities `[lo, hi]` that contains the computed one.
pub fn probability_interval([lo, hi]: [f64; 2]) -> String {
    format!(
        "[{}, {}]",
        bounded(lo, 4, 0.0, 1.0, Rounding::Down),
        bounded(hi, 4, 0.0, 1.0, Rounding::Up)
    )
}

/// A fraction as a percentage with 5 decimals (more near 0 % and 100 %).
pub fn percent(x: f64) -> String {
    format!("{} %", bounded(x * 100.0, 5, 0.0, 100.0, Rounding::Nearest))
}

/// An interval of fractions as percentages that contains the computed one.
pub fn percent_interval([lo, hi]: [f64; 2]) -> String {
    format!(
        "[{} %, {} %]",
        bounded(lo * 100.0, 5, 0.0, 100.0, Rounding::Down),
        bounded(hi * 100.0, 5, 0.0, 100.0, Rounding::Up)
    )
}

/// An objective's figures as the tables print them: P(meet) with its interval and counts,
/// breaches per year with their interval, P(breach within a year) (with its interval when
/// `with_interval`).
pub fn objective_figures(v: &crate::montecarlo::ObjectiveVerdict, with_interval: bool) -> [String; 3] {
    let meet = v.p_meet.as_ref().map_or("no incidents".to_string(), |m| {
        format!(
            "{} {} ({} of {})",
            probability(m.estimate),
            probability_interval(m.interval),
            m.successes,
            m.trials
        )
    });
    let b = &v.breaches_per_year;
    let y = &v.p_breach_within_year;
    let within = if with_interval {
        format!("{} {}", probability(y.estimate), probability_interval(y.interval))
    } else {
        probability(y.estimate)
    };
    [
        meet,
        format!("{:.4} [{:.4}, {:.4}]", b.estimate, b.interval[0], b.interval[1]),
        within,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_estimate_never_prints_as_a_boundary_it_does_not_reach() {
        assert_eq!(probability(0.99996), "0.99996");
        assert_eq!(probability(1.0), "1.0000");
        assert_eq!(probability(0.0), "0.0000");
        assert_eq!(probability(0.00002), "0.00002");
        assert_eq!(probability(0.5), "0.5000");
        assert_eq!(probability(1.0 - 1e-12), "> 0.99999999");
    }

    #[test]
    fn a_printed_interval_contains_the_computed_one() {
        // Wilson interval of 95 972 successes in 95 972 trials.
        assert_eq!(probability_interval([0.999_960_0, 1.0]), "[0.9999, 1.0000]");
        assert_eq!(probability_interval([0.975_149, 0.980_884]), "[0.9751, 0.9809]");
        assert_eq!(probability_interval([0.0, 0.000_04]), "[0.0000, 0.0001]");
        assert_eq!(
            percent_interval([0.999_926_71, 0.999_934_44]),
            "[99.99267 %, 99.99345 %]"
        );
        assert_eq!(percent(0.999_999_999), "99.9999999 %");
    }
}
