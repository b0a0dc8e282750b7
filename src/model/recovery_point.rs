//! Recovery points of a store: which backup is restored after its data is lost.

use crate::engine::{SimDuration, SimTime};
use crate::model::BackupPolicy;
use rand::{Rng, RngExt};

/// Achieved RPO when a store's data is lost at `failure`.
///
/// Backups are taken every `interval` at times `phase + k·interval` (the schedule extends before
/// the start of the replication); a backup taken at `b` is usable once copied, at `b + copy_lag`.
/// The newest usable backup is restored, except that each backup fails independently with
/// `failure_probability` and is then skipped (the previous one is used). The RPO is the age of
/// the restored backup at the failure. With `phase` uniform this gives RPO ~ U(d, T + d) and
/// E[RPO] = d + T/2 + qT/(1 − q) (docs/MODEL.md section 7).
pub fn achieved_rpo<R: Rng + ?Sized>(
    policy: &BackupPolicy,
    phase: SimDuration,
    failure: SimTime,
    rng: &mut R,
) -> SimDuration {
    let t = i128::from(failure.ticks());
    let interval = i128::from(policy.interval.ticks());
    let newest_usable = t - i128::from(policy.copy_lag.ticks()) - i128::from(phase.ticks());
    let mut backup = newest_usable.div_euclid(interval) * interval + i128::from(phase.ticks());
    if policy.failure_probability > 0.0 {
        while rng.random_bool(policy.failure_probability) {
            backup -= interval;
        }
    }
    let age = t - backup;
    SimDuration(u64::try_from(age).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Mechanism, stream};

    fn policy(t: &str, d: &str, q: f64) -> BackupPolicy {
        let p = |s| crate::engine::duration::parse_duration(s).unwrap();
        BackupPolicy {
            interval: p(t),
            copy_lag: p(d),
            failure_probability: q,
            pair_copy_lag: p(d),
        }
    }

    #[test]
    fn newest_copied_backup_is_used() {
        let mut rng = stream(1, 0, Mechanism::named("t"));
        let pol = policy("10m", "5m", 0.0);
        // Backups at 2m, 12m, 22m, ...; at t = 20m the 12m backup is copied at 17m: RPO 8m.
        let rpo = achieved_rpo(&pol, SimDuration::from_secs(120), SimTime(1_200_000_000), &mut rng);
        assert_eq!(rpo, SimDuration::from_secs(480));
        // At t = 16m the 12m backup is not yet copied; the 2m one is: RPO 14m.
        let rpo = achieved_rpo(&pol, SimDuration::from_secs(120), SimTime(960_000_000), &mut rng);
        assert_eq!(rpo, SimDuration::from_secs(840));
        // At t = 1m the newest usable backup is the one at -8m (the schedule extends backwards).
        let rpo = achieved_rpo(&pol, SimDuration::from_secs(120), SimTime(60_000_000), &mut rng);
        assert_eq!(rpo, SimDuration::from_secs(540));
    }

    /// RPO of a failure at a time independent of the schedule: U(d, T + d) without failures,
    /// mean d + T/2 + qT/(1 − q) with failures (docs/MODEL.md section 7), within 4 SE.
    #[test]
    fn periodic_backup_rpo_matches_its_closed_form() {
        use rand::RngExt;
        for (q, seed) in [(0.0, 1), (0.2, 2)] {
            let pol = policy("12h", "1h", q);
            let (t, d) = (pol.interval.as_secs_f64(), pol.copy_lag.as_secs_f64());
            let mut rng = stream(seed, 0, Mechanism::named("rpo-oracle"));
            let n = 100_000;
            let xs: Vec<f64> = (0..n)
                .map(|_| {
                    let phase = SimDuration(rng.random_range(0..pol.interval.ticks()));
                    let at = SimTime(rng.random_range(0..10 * pol.interval.ticks()));
                    achieved_rpo(&pol, phase, at, &mut rng).as_secs_f64()
                })
                .collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
            let exact = d + t / 2.0 + q * t / (1.0 - q);
            assert!(
                (mean - exact).abs() <= 4.0 * sd / (n as f64).sqrt(),
                "q={q}: {mean} vs {exact}"
            );
            if q == 0.0 {
                // Support [d, T + d), and uniform: the fraction below the midpoint is 1/2.
                assert!(xs.iter().all(|&x| x >= d && x < t + d));
                let below = xs.iter().filter(|&&x| x < d + t / 2.0).count() as f64 / n as f64;
                assert!((below - 0.5).abs() <= 4.0 * (0.25 / n as f64).sqrt(), "{below}");
            }
        }
    }
}
