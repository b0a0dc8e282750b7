//! Recovery points of a store: which backup is restored after its data is lost.

use crate::engine::{SimDuration, SimTime};
use crate::model::BackupPolicy;
use crate::model::critical_path::RpoCause;
use rand::{Rng, RngExt};

/// A restored recovery point: how old it was when the data was lost, and where that age came
/// from (docs/MODEL.md section 6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RecoveryPoint {
    /// The achieved RPO: the restored backup's age at the failure.
    pub age: SimDuration,
    /// Part of it spent copying the backup (a backup is usable once copied).
    pub copy_lag: SimDuration,
    /// Part of it from backups skipped because they failed (one interval each).
    pub failed_backups: SimDuration,
}

impl RecoveryPoint {
    /// The rest: how long before the failure, less the copy lag, the newest backup was taken.
    pub fn backup_phase(&self) -> SimDuration {
        self.age
            .saturating_sub(self.copy_lag)
            .saturating_sub(self.failed_backups)
    }

    /// The part with the most time (the earlier in [`RpoCause::ALL`] on a tie); `None` when
    /// nothing was lost.
    pub fn cause(&self) -> RpoCause {
        let parts = [
            (RpoCause::BackupPhase, self.backup_phase()),
            (RpoCause::FailedBackups, self.failed_backups),
            (RpoCause::CopyLag, self.copy_lag),
        ];
        let mut best = (RpoCause::None, SimDuration::ZERO);
        for (cause, d) in parts {
            if d > best.1 {
                best = (cause, d);
            }
        }
        best.0
    }
}

/// The recovery point restored when a store's data is lost at `failure`.
///
/// Backups are taken every `interval` at times `phase + k·interval` (the schedule extends before
/// the start of the replication); a backup taken at `b` is usable once copied, at `b + copy_lag`.
/// The newest usable backup is restored, except that each backup fails independently with
/// `failure_probability` and is then skipped (the previous one is used). The RPO is the age of
/// the restored backup at the failure. With `phase` uniform this gives RPO ~ U(d, T + d) and
/// E[RPO] = d + T/2 + qT/(1 − q) (docs/MODEL.md section 7).
pub fn recovery_point<R: Rng + ?Sized>(
    policy: &BackupPolicy,
    phase: SimDuration,
    failure: SimTime,
    rng: &mut R,
) -> RecoveryPoint {
    let t = i128::from(failure.ticks());
    let interval = i128::from(policy.interval.ticks());
    let newest_usable = t - i128::from(policy.copy_lag.ticks()) - i128::from(phase.ticks());
    let mut backup = newest_usable.div_euclid(interval) * interval + i128::from(phase.ticks());
    let mut skipped = 0i128;
    if policy.failure_probability > 0.0 {
        while rng.random_bool(policy.failure_probability) {
            backup -= interval;
            skipped += 1;
        }
    }
    let ticks = |x: i128| SimDuration(u64::try_from(x).unwrap_or(u64::MAX));
    RecoveryPoint {
        age: ticks(t - backup),
        copy_lag: policy.copy_lag,
        failed_backups: ticks(skipped * interval),
    }
}

/// The achieved RPO alone ([`recovery_point`]'s age).
pub fn achieved_rpo<R: Rng + ?Sized>(
    policy: &BackupPolicy,
    phase: SimDuration,
    failure: SimTime,
    rng: &mut R,
) -> SimDuration {
    recovery_point(policy, phase, failure, rng).age
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

    #[test]
    fn a_recovery_point_splits_into_lag_phase_and_failed_backups() {
        let mut rng = stream(1, 0, Mechanism::named("t"));
        let pol = policy("10m", "5m", 0.0);
        // At t = 20m the 12m backup (copied at 17m) is restored: 5m lag + 3m phase.
        let p = recovery_point(&pol, SimDuration::from_secs(120), SimTime(1_200_000_000), &mut rng);
        assert_eq!(p.age, SimDuration::from_secs(480));
        assert_eq!(p.copy_lag, SimDuration::from_secs(300));
        assert_eq!(p.backup_phase(), SimDuration::from_secs(180));
        assert_eq!(p.cause(), RpoCause::CopyLag);
        // Every backup fails with probability 0.9: the skipped intervals dominate.
        let pol = policy("10m", "5m", 0.9);
        let p = (0..50)
            .map(|_| recovery_point(&pol, SimDuration::from_secs(120), SimTime(1_200_000_000), &mut rng))
            .find(|p| p.failed_backups >= SimDuration::from_secs(1200))
            .expect("some draw skips two backups");
        assert_eq!(
            p.age,
            p.copy_lag
                .saturating_add(p.backup_phase())
                .saturating_add(p.failed_backups)
        );
        assert_eq!(p.cause(), RpoCause::FailedBackups);
        assert_eq!(RecoveryPoint::default().cause(), RpoCause::None);
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
