//! The validated client model: who sends requests, how often, to which features, how the
//! services absorb them and how clients retry.

use super::retry::RetryPolicy;
use crate::engine::SimDuration;
use crate::model::Dist;

/// The validated client model.
#[derive(Clone, Debug)]
pub struct ClientModel {
    /// Real clients.
    pub population: u64,
    /// Simulated clients.
    pub sample: u32,
    /// Real clients per simulated one.
    pub scale: f64,
    /// Logical requests per client per second (before the diurnal factor).
    pub rate: f64,
    /// (amplitude, peak in seconds of the day).
    pub diurnal: Option<(f64, f64)>,
    /// Simulated lead-in before a disruption.
    pub before: SimDuration,
    /// Simulated tail after a disruption.
    pub after: SimDuration,
    /// Service latency of one attempt at an idle service.
    pub latency: Dist,
    /// Throttling threshold on queueing delay.
    pub max_queue_delay: SimDuration,
    /// Overload threshold on queueing delay.
    pub overload_delay: SimDuration,
    /// Status of throttled attempts.
    pub throttle_status: u16,
    /// Retry-After of throttled attempts.
    pub throttle_retry_after: Option<SimDuration>,
    /// The resolved retry policy.
    pub policy: RetryPolicy,
    /// (feature index, cumulative probability), increasing.
    pub mix: Vec<(usize, f64)>,
    /// Fraction of writes per feature (by index): refused (403) while the feature's plane runs
    /// read-only in the pair (the control plane); reads are served.
    pub writes: Vec<f64>,
}

impl ClientModel {
    /// Rate multiplier at time `t_secs` since the start.
    pub fn diurnal_factor(&self, t_secs: f64) -> f64 {
        match self.diurnal {
            None => 1.0,
            Some((a, peak)) => 1.0 + a * (std::f64::consts::TAU * (t_secs - peak) / 86_400.0).cos(),
        }
    }
}
