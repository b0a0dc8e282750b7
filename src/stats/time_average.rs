//! Time-average availability over independent replications.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Z95;
use super::moments::Moments;
use super::summary::AvailabilitySummary;
use super::ticks_to_secs;

/// Error returned by [`TimeAverage::try_merge`] when the two accumulators
/// were built for different observation windows (a programming error: all
/// replications of a run share one window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WindowMismatch {
    /// Window (ticks) of the accumulator merged into.
    pub left: u64,
    /// Window (ticks) of the accumulator being merged.
    pub right: u64,
}

impl fmt::Display for WindowMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TimeAverage: cannot merge accumulators with different observation windows \
             ({} vs {} ticks)",
            self.left, self.right
        )
    }
}

impl std::error::Error for WindowMismatch {}

/// Availability as a time average: each replication contributes the time
/// something was DOWN within an observation window of `W` ticks (the same
/// `W` for every replication of a run).
///
/// `availability = 1 − Σdown / (n·W)`. The 95 % interval is the normal
/// approximation over independent replications,
/// `availability ± z·sd(down/W)/√n`, clamped to `[0, 1]`.
///
/// Internally a [`Moments`] over per-replication downtime plus `W`, so
/// merging is exact. `Default` has no window yet (`window_ticks() == None`)
/// and is the identity of merging; recording requires a window, so build
/// with [`TimeAverage::new`].
///
/// # Example
/// ```
/// # use outage_sim::stats::TimeAverage;
/// let mut a = TimeAverage::new(100);
/// a.record(0);
/// a.record(20);
/// assert_eq!(a.availability(), Some(0.9));
/// assert_eq!(a.mean_downtime_per_replication_secs(), Some(10e-6));
/// let (lo, hi) = a.ci95().unwrap();
/// assert!(lo < 0.9 && 0.9 < hi);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TimeAverageRepr")]
pub struct TimeAverage {
    window: Option<u64>,
    downtime: Moments,
}

impl TimeAverage {
    /// An empty accumulator for an observation window of `window_ticks`.
    ///
    /// # Panics
    /// If `window_ticks == 0`.
    pub fn new(window_ticks: u64) -> Self {
        assert!(window_ticks > 0, "TimeAverage: window must be positive");
        TimeAverage {
            window: Some(window_ticks),
            downtime: Moments::default(),
        }
    }

    /// Records one replication's downtime within the window.
    ///
    /// # Panics
    /// If no window is set (`Default` accumulator) or
    /// `down_ticks > window`.
    pub fn record(&mut self, down_ticks: u64) {
        let window = self
            .window
            .expect("TimeAverage::record needs a window: build with TimeAverage::new");
        assert!(
            down_ticks <= window,
            "TimeAverage: downtime {down_ticks} exceeds the window {window} ticks"
        );
        self.downtime.record(down_ticks);
    }

    /// Merges `other` into `self`, or reports a window mismatch (leaving
    /// `self` unchanged). A `Default` (window-less, empty) side adopts the
    /// other's window, keeping merging associative and commutative.
    pub fn try_merge(&mut self, other: &Self) -> Result<(), WindowMismatch> {
        let window = match (self.window, other.window) {
            (Some(a), Some(b)) if a != b => return Err(WindowMismatch { left: a, right: b }),
            (a, b) => a.or(b),
        };
        self.window = window;
        self.downtime.merge(&other.downtime);
        Ok(())
    }

    /// Merges `other` into `self`.
    ///
    /// # Panics
    /// If the observation windows differ (see [`try_merge`](Self::try_merge)).
    pub fn merge(&mut self, other: &Self) {
        if let Err(e) = self.try_merge(other) {
            panic!("{e}");
        }
    }

    /// The observation window in ticks, `None` for a `Default` accumulator.
    pub fn window_ticks(&self) -> Option<u64> {
        self.window
    }

    /// Number of replications recorded.
    pub fn replications(&self) -> u64 {
        self.downtime.count()
    }

    /// Per-replication downtime statistics (ticks).
    pub fn downtime(&self) -> &Moments {
        &self.downtime
    }

    /// `1 − Σdown / (n·W)`, `None` without replications.
    ///
    /// Computed as `(n·W − Σdown) / (n·W)` with an exact integer numerator.
    pub fn availability(&self) -> Option<f64> {
        let window = self.window?;
        if self.downtime.is_empty() {
            return None;
        }
        // n, W ≤ u64::MAX, so n·W < 2^128; Σdown ≤ n·W since each down ≤ W.
        let total = u128::from(self.downtime.count()) * u128::from(window);
        let up = total
            .checked_sub(self.downtime.sum())
            .expect("TimeAverage: Σdown ≤ n·W");
        Some(up as f64 / total as f64)
    }

    /// Standard error of the availability, `sd(down)/(W·√n)`; `None` for
    /// fewer than two replications.
    pub fn std_error(&self) -> Option<f64> {
        let window = self.window?;
        Some(self.downtime.std_error()? / window as f64)
    }

    /// Normal-approximation interval `availability ± z·se`, clamped to
    /// `[0, 1]`; `None` for fewer than two replications.
    pub fn ci(&self, z: f64) -> Option<(f64, f64)> {
        let a = self.availability()?;
        let half = z * self.std_error()?;
        Some(((a - half).clamp(0.0, 1.0), (a + half).clamp(0.0, 1.0)))
    }

    /// 95 % interval, [`ci`](Self::ci) with [`Z95`].
    pub fn ci95(&self) -> Option<(f64, f64)> {
        self.ci(Z95)
    }

    /// Mean downtime per replication in seconds, `None` when empty.
    pub fn mean_downtime_per_replication_secs(&self) -> Option<f64> {
        self.downtime.mean().map(ticks_to_secs)
    }

    /// Summary, `None` without replications.
    pub fn summary(&self) -> Option<AvailabilitySummary> {
        Some(AvailabilitySummary {
            estimate: self.availability()?,
            ci95: self.ci95().map(|(lo, hi)| [lo, hi]),
            std_error: self.std_error(),
            mean_downtime_s: self.mean_downtime_per_replication_secs()?,
            replications: self.replications(),
        })
    }
}

impl_add_assign_via_merge!(TimeAverage);

#[derive(Deserialize)]
struct TimeAverageRepr {
    window: Option<u64>,
    downtime: Moments,
}

impl TryFrom<TimeAverageRepr> for TimeAverage {
    type Error = String;

    fn try_from(r: TimeAverageRepr) -> Result<Self, Self::Error> {
        match r.window {
            None if !r.downtime.is_empty() => Err("TimeAverage: downtime recorded without a window".into()),
            Some(0) => Err("TimeAverage: window must be positive".into()),
            Some(w) if r.downtime.max().is_some_and(|m| m > w) => {
                Err(format!("TimeAverage: downtime exceeds the window {w}"))
            }
            _ => Ok(TimeAverage {
                window: r.window,
                downtime: r.downtime,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::TICKS_PER_SECOND;

    const S: u64 = TICKS_PER_SECOND;

    #[test]
    fn known_example() {
        // W = 100 s; downtimes 0, 10, 20, 30 s.
        // availability = 1 − 60/400 = 0.85
        // sd(down) = √(((15²+5²)·2)/3) = √(500/3) = 12.9099 s -> sd(down/W) = 0.129099
        // se = 0.129099/2 = 0.0645497; half-width = 1.959964·0.0645497 = 0.126515
        // -> [0.723485, 0.976515]; mean downtime 15 s.
        let mut a = TimeAverage::new(100 * S);
        for d in [0, 10, 20, 30] {
            a.record(d * S);
        }
        assert_eq!(a.replications(), 4);
        assert_eq!(a.window_ticks(), Some(100 * S));
        assert_eq!(a.availability(), Some(0.85));
        assert_eq!(a.mean_downtime_per_replication_secs(), Some(15.0));
        let se = a.std_error().unwrap();
        assert!((se - (500.0f64 / 3.0).sqrt() / 100.0 / 2.0).abs() < 1e-15);
        assert!((se - 0.0645497).abs() < 1e-7);
        let (lo, hi) = a.ci95().unwrap();
        assert!((lo - 0.723485).abs() < 1e-6 && (hi - 0.976515).abs() < 1e-6);
        assert!(lo < 0.85 && 0.85 < hi, "CI contains the estimate");
        let s = a.summary().unwrap();
        assert_eq!(s.estimate, 0.85);
        assert_eq!(s.ci95, Some([lo, hi]));
        assert_eq!(s.std_error, Some(se));
        assert_eq!(s.mean_downtime_s, 15.0);
        assert_eq!(s.replications, 4);
    }

    #[test]
    fn ci_clamped_to_unit_interval() {
        // W = 100; downs 0, 0, 0, 1 -> availability 0.9975, se = 0.5/100/2
        // = 0.0025, upper = 0.9975 + 0.0049 > 1 -> clamped to 1.
        let mut a = TimeAverage::new(100);
        for d in [0, 0, 0, 1] {
            a.record(d);
        }
        assert_eq!(a.availability(), Some(0.9975));
        assert_eq!(a.ci95().unwrap().1, 1.0);
        // Always down: availability 0, CI [0, 0].
        let mut b = TimeAverage::new(7);
        b.record(7);
        b.record(7);
        assert_eq!(b.availability(), Some(0.0));
        assert_eq!(b.ci95(), Some((0.0, 0.0)));
    }

    #[test]
    fn fewer_than_two_replications() {
        let a = TimeAverage::new(10);
        assert_eq!(a.availability(), None);
        assert_eq!(a.summary(), None);
        assert_eq!(TimeAverage::default().summary(), None);
        let mut a = TimeAverage::new(10);
        a.record(5);
        assert_eq!(a.availability(), Some(0.5));
        assert_eq!(a.ci95(), None);
        assert_eq!(a.std_error(), None);
        let s = a.summary().unwrap();
        assert_eq!((s.ci95, s.std_error, s.replications), (None, None, 1));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"estimate":0.5,"ci95":null,"std_error":null,"mean_downtime_s":5e-6,"replications":1}"#
        );
    }

    #[test]
    fn default_adopts_window_on_merge() {
        let mut a = TimeAverage::new(10);
        a.record(3);
        let mut d = TimeAverage::default();
        d += &a;
        assert_eq!(d, a);
        let mut a2 = a.clone();
        a2 += TimeAverage::default();
        assert_eq!(a2, a);
    }

    #[test]
    fn window_mismatch_is_an_error() {
        let mut a = TimeAverage::new(10);
        a.record(1);
        let b = TimeAverage::new(11);
        let before = a.clone();
        assert_eq!(a.try_merge(&b), Err(WindowMismatch { left: 10, right: 11 }));
        assert_eq!(a, before, "unchanged on error");
    }

    #[test]
    #[should_panic(expected = "different observation windows (10 vs 11 ticks)")]
    fn window_mismatch_panics_in_merge() {
        let mut a = TimeAverage::new(10);
        a.merge(&TimeAverage::new(11));
    }

    #[test]
    #[should_panic(expected = "exceeds the window")]
    fn downtime_beyond_window_panics() {
        TimeAverage::new(10).record(11);
    }

    #[test]
    #[should_panic(expected = "needs a window")]
    fn record_without_window_panics() {
        TimeAverage::default().record(0);
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let mut a = TimeAverage::new(100);
        a.record(40);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(
            json,
            r#"{"window":100,"downtime":{"count":1,"sum":"40","sum_sq":"1600","min":40,"max":40}}"#
        );
        assert_eq!(serde_json::from_str::<TimeAverage>(&json).unwrap(), a);
        for bad in [
            json.replace(r#""window":100"#, r#""window":39"#),
            json.replace(r#""window":100"#, r#""window":0"#),
            json.replace(r#""window":100"#, r#""window":null"#),
        ] {
            assert!(serde_json::from_str::<TimeAverage>(&bad).is_err(), "{bad}");
        }
    }
}
