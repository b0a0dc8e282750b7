//! Mergeable statistics accumulators for the Monte Carlo simulator.
//!
//! Replications run in parallel (rayon) and on separate machines (shards);
//! their partial results are merged and the final `summary.json` must be
//! byte-identical whatever the merge order or grouping. Every accumulator in
//! this module therefore stores **only integers** (counts, sums, sums of
//! squares, extrema, histogram bucket counts), so that merging is exactly
//! associative and commutative. Floating point appears only when a summary is
//! computed at the very end, from the (identical) integer state.
//!
//! Recorded values are non-negative durations in integer ticks (µs, see
//! [`TICKS_PER_SECOND`]).
//!
//! Overflow policy: all arithmetic is checked. Given that a record count fits
//! in a `u64`, the sums cannot overflow (`Σx < 2^128`, `Σx² < 2^192`, see
//! [`Moments`]); a record count beyond `u64::MAX` panics instead of wrapping.
//! Histogram bucket counts saturate at `u64::MAX` (hdrhistogram's behaviour),
//! which cannot happen with fewer than 2^64 records.
//!
//! Every accumulator implements `Default` (the empty accumulator, identity of
//! merging), `merge`, `AddAssign<&Self>`, `AddAssign<Self>` and serde
//! (de)serialization of its raw integer state, so partial results can be
//! saved and merged later. Deserialization validates the state's invariants.
//!
//! Beside the accumulators, pure functions of finished floating-point samples serve the outer
//! level of a two-level (epistemic) run: [`quantile()`] and [`quantile_interval`] (type-7 quantiles
//! and distribution-free order-statistic intervals), and [`sobol_indices`] (first-order and total
//! Sobol indices with bootstrap intervals). They keep no state to merge and are deterministic
//! for a given input and seed.
//!
//! [`fit`] holds maximum-likelihood fits of duration distributions to observed
//! values (`outage-sim fit`), in floating point, with nothing to merge.
#![warn(missing_docs)]

/// Implements `AddAssign<&T>` and `AddAssign<T>` by delegating to `T::merge`.
macro_rules! impl_add_assign_via_merge {
    ($t:ty) => {
        impl ::core::ops::AddAssign<&$t> for $t {
            /// Same as [`merge`](Self::merge).
            fn add_assign(&mut self, rhs: &$t) {
                self.merge(rhs);
            }
        }

        impl ::core::ops::AddAssign<$t> for $t {
            /// Same as [`merge`](Self::merge).
            fn add_assign(&mut self, rhs: $t) {
                self.merge(&rhs);
            }
        }
    };
}

mod cluster;
mod duration;
pub mod fit;
mod histogram;
mod moments;
mod proportion;
mod quantile;
mod sobol;
mod summary;
mod survival;
mod target;
mod time_average;
mod weighted;
mod wide;

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod test_rng;

pub use cluster::{ClusteredProportion, ClusteredSummary};
pub use duration::{DurationStats, QuantileInterval};
pub use histogram::{DurationHistogram, SIGNIFICANT_FIGURES};
pub use moments::Moments;
pub use proportion::{Proportion, wilson_interval};
pub use quantile::{quantile, quantile_interval};
pub use sobol::{DEFAULT_BOOTSTRAP, SobolError, SobolIndex, SobolIndices, pooled_variance, sobol_indices};
pub use summary::{AvailabilitySummary, DurationSummary, MeanSummary, ProportionSummary, WeightedSummary};
pub use survival::{KmQuantile, KmStep, Survival, SurvivalSummary};
pub use target::TargetMeet;
pub use time_average::{TimeAverage, WindowMismatch};
pub use weighted::WeightedMean;

/// Ticks per second of the recorded durations (1 tick = 1 µs).
///
/// Defined locally so this module does not depend on the engine; it must
/// match `engine::TICKS_PER_SECOND`.
pub const TICKS_PER_SECOND: u64 = 1_000_000;

/// Two-sided 95 % standard-normal quantile, `Φ⁻¹(0.975)`, used for all 95 %
/// intervals in the summaries.
pub const Z95: f64 = 1.959963984540054;

/// Converts integer ticks to seconds (only for final summaries).
fn ticks_to_secs(ticks: f64) -> f64 {
    ticks / TICKS_PER_SECOND as f64
}
