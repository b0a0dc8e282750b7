//! Importance sampling of region disasters: the tilted time-to-failure distributions and the
//! likelihood ratio of a replication.
//!
//! A region-disaster process with exponential times to failure of rate λ is sampled at rate F·λ.
//! Its repair (the region's outage) is not tilted, so the density of a replication's path under
//! the original model over the tilted one is, for that process,
//!
//! ```text
//! LR = Π over disasters (λ e^{-λ t_i}) / (Fλ e^{-Fλ t_i})  ×  e^{-λ r} / e^{-Fλ r}
//!    = F^{-n} · exp((F − 1) · λ · U)
//! ```
//!
//! where `n` is the number of disasters in `[0, horizon]`, `t_i` the armed times that ended in
//! them, `r` the armed time still running at the horizon, and `U = Σ t_i + r` the process's whole
//! exposure: the time it spent armed, waiting for its next failure — not the time the region was
//! down. The warm-up does not matter: the path is sampled from time zero, so the ratio covers
//! `[0, horizon]` even though metrics are observed after the warm-up. With several processes the
//! ratios multiply.

use super::failure::{Process, Target};
use crate::engine::SimTime;
use crate::model::Dist;
use crate::model::Scenario;

/// The tilt of one region-disaster process.
#[derive(Clone, Debug)]
pub(super) struct Tilt {
    /// The time to failure actually sampled (rate F·λ).
    pub(super) time_to_failure: Dist,
    /// λ of the original model, per tick.
    rate_per_tick: f64,
}

/// The tilts of a scenario's processes (by process index; `None` for those not tilted) and the
/// factor, or nothing for plain sampling.
#[derive(Clone, Debug)]
pub(super) struct Tilting {
    factor: f64,
    processes: Vec<Option<Tilt>>,
}

impl Tilting {
    /// The tilting of `s`'s expanded processes; `None` without `[importance_sampling]`.
    pub(super) fn new(s: &Scenario, procs: &[Process]) -> Option<Tilting> {
        let factor = s.importance_sampling?.region_disaster_rate_factor;
        let processes = procs
            .iter()
            .map(|p| {
                let ttf = &s.failures[p.failure].time_to_failure;
                (p.target == Target::RegionDisaster).then(|| Tilt {
                    // Validation guarantees exponential region disasters and a factor in range.
                    time_to_failure: ttf.with_rate_scaled(factor).expect("validated exponential"),
                    rate_per_tick: ttf.exponential_rate().expect("validated exponential")
                        / crate::engine::TICKS_PER_SECOND as f64,
                })
            })
            .collect();
        Some(Tilting { factor, processes })
    }

    /// The tilt of process `p`, if it is tilted.
    pub(super) fn of(&self, p: usize) -> Option<&Tilt> {
        self.processes[p].as_ref()
    }

    /// Likelihood ratio (original over tilted) of a replication whose tilted processes had these
    /// exposures. `exp` and `log` come from `libm` so the value is the same on every platform,
    /// and a factor of 1 gives exactly 1.
    pub(super) fn likelihood_ratio(&self, exposures: &[Exposure]) -> f64 {
        let (ln_f, excess) = (libm::log(self.factor), self.factor - 1.0);
        let log_ratio: f64 = self
            .processes
            .iter()
            .zip(exposures)
            .filter_map(|(t, e)| t.as_ref().map(|t| (t, e)))
            .map(|(t, e)| -f64::from(e.failures) * ln_f + excess * t.rate_per_tick * e.armed_ticks as f64)
            .sum();
        libm::exp(log_ratio)
    }
}

/// What the likelihood ratio needs from one process's path: its failures and its time armed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Exposure {
    /// Failures in `[0, horizon]`.
    pub(super) failures: u32,
    /// Ticks spent armed (waiting for the next failure) in `[0, horizon]`.
    pub(super) armed_ticks: u64,
    /// Armed since then, when armed now.
    armed_since: Option<SimTime>,
}

impl Exposure {
    /// The process starts waiting for its next failure at `now` (even if that failure falls past
    /// the horizon: it then stays armed until the horizon).
    pub(super) fn arm(&mut self, now: SimTime) {
        debug_assert!(self.armed_since.is_none(), "armed twice");
        self.armed_since = Some(now);
    }

    /// The process fails at `now`.
    pub(super) fn fail(&mut self, now: SimTime) {
        let since = self.armed_since.take().expect("a process fails only when armed");
        self.armed_ticks += now.saturating_since(since).ticks();
        self.failures += 1;
    }

    /// The replication ends at `horizon`.
    pub(super) fn finish(&mut self, horizon: SimTime) {
        if let Some(since) = self.armed_since.take() {
            self.armed_ticks += horizon.saturating_since(since).ticks();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tilting(factor: f64, mean_ticks: f64) -> Tilting {
        Tilting {
            factor,
            processes: vec![
                None,
                Some(Tilt {
                    time_to_failure: Dist::fixed(crate::engine::SimDuration(1)),
                    rate_per_tick: 1.0 / mean_ticks,
                }),
            ],
        }
    }

    #[test]
    fn exposure_counts_armed_time_only() {
        let mut e = Exposure::default();
        e.arm(SimTime(0));
        e.fail(SimTime(30));
        // Down from 30 to 50 (not exposure), armed again from 50 to the horizon at 100.
        e.arm(SimTime(50));
        e.finish(SimTime(100));
        assert_eq!((e.failures, e.armed_ticks), (1, 80));
        // A process down at the horizon adds nothing more.
        let mut down = Exposure::default();
        down.arm(SimTime(0));
        down.fail(SimTime(10));
        down.finish(SimTime(100));
        assert_eq!((down.failures, down.armed_ticks), (1, 10));
    }

    #[test]
    fn likelihood_ratio_is_the_exponential_density_ratio() {
        // λ = 1/100 per tick, F = 4: one failure after 30 ticks, then armed for 50 more.
        let t = tilting(4.0, 100.0);
        let e = Exposure {
            failures: 1,
            armed_ticks: 80,
            armed_since: None,
        };
        let untouched = Exposure {
            failures: 7,
            armed_ticks: 1_000,
            armed_since: None,
        };
        let density = |rate: f64, x: f64| rate * (-rate * x).exp();
        let survival = |rate: f64, x: f64| (-rate * x).exp();
        let (p, q) = (0.01, 0.04);
        let expected = density(p, 30.0) * survival(p, 50.0) / (density(q, 30.0) * survival(q, 50.0));
        let lr = t.likelihood_ratio(&[untouched, e]);
        assert!((lr - expected).abs() <= 1e-12 * expected, "{lr} vs {expected}");
        // A factor of 1 is plain sampling: exactly 1, whatever happened.
        assert_eq!(tilting(1.0, 100.0).likelihood_ratio(&[untouched, e]), 1.0);
    }
}
