//! Simulation time: an integer count of microseconds.
//!
//! Integer time makes runs exact and platform-independent: no floating-point clock drifts, and two
//! events scheduled for "the same time" really are simultaneous (their order is then the insertion
//! order, see [`EventQueue`](super::EventQueue)). One tick is one microsecond, so `u64` spans about
//! 584 000 years; arithmetic that could leave that range is checked or saturating, never wrapping.

use std::fmt;

/// Ticks per second: one tick is a microsecond.
pub const TICKS_PER_SECOND: u64 = 1_000_000;

/// A point in simulated time, counted in microseconds from the start of a replication.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A length of simulated time in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of every replication.
    pub const ZERO: SimTime = SimTime(0);
    /// A time that is never reached; used for "does not happen within any horizon".
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// Microseconds since the start.
    pub const fn ticks(self) -> u64 {
        self.0
    }

    /// `self + d`, or `None` past the end of representable time.
    pub fn checked_add(self, d: SimDuration) -> Option<SimTime> {
        self.0.checked_add(d.0).map(SimTime)
    }

    /// `self + d`, clamped to [`SimTime::NEVER`].
    pub fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }

    /// Time elapsed from `earlier` to `self`, zero if `earlier` is later.
    pub fn saturating_since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }

    /// Seconds since the start, as a float (for reporting only).
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / TICKS_PER_SECOND as f64
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// Microseconds.
    pub const fn ticks(self) -> u64 {
        self.0
    }

    /// A duration of whole seconds (saturating).
    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s.saturating_mul(TICKS_PER_SECOND))
    }

    /// Converts seconds to ticks, rounding to the nearest microsecond. Negative and NaN become
    /// zero; values beyond the representable range saturate (a sampled delay that large simply
    /// never elapses within a horizon).
    pub fn from_secs_f64(s: f64) -> SimDuration {
        // `as` from f64 to u64 saturates and maps NaN to 0 (Rust reference, numeric casts).
        SimDuration((s * TICKS_PER_SECOND as f64).round() as u64)
    }

    /// Seconds, as a float.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / TICKS_PER_SECOND as f64
    }

    /// `self + other`, clamped.
    pub fn saturating_add(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(other.0))
    }

    /// `self - other`, or zero when `other` is longer.
    pub fn saturating_sub(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(other.0))
    }
}

impl fmt::Display for SimTime {
    /// Seconds with microsecond precision, e.g. `3600.000000s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}s", self.0 / TICKS_PER_SECOND, self.0 % TICKS_PER_SECOND)
    }
}

impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        SimTime(self.0).fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_saturate() {
        assert_eq!(SimDuration::from_secs_f64(1.5).ticks(), 1_500_000);
        assert_eq!(SimDuration::from_secs_f64(-3.0).ticks(), 0);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN).ticks(), 0);
        assert_eq!(SimDuration::from_secs_f64(1e300).ticks(), u64::MAX);
        assert_eq!(SimTime(5).checked_add(SimDuration(u64::MAX)), None);
        assert_eq!(SimTime(5).saturating_add(SimDuration(u64::MAX)), SimTime::NEVER);
        assert_eq!(SimTime(2).saturating_since(SimTime(9)), SimDuration::ZERO);
        assert_eq!(SimTime(3_600_000_001).to_string(), "3600.000001s");
    }
}
