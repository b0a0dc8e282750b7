//! The validated disaster-recovery plan: how long each stage of a recovery into the paired region
//! takes, and the contention in the pair (see `docs/MODEL.md`, section 5).

use super::distribution::Dist;
use super::vocabulary::RecoveryTrigger;
use crate::engine::SimDuration;

/// The validated recovery plan.
#[derive(Clone, Debug)]
pub struct RecoveryPlan {
    /// Which outages lead to a consent request.
    pub trigger: RecoveryTrigger,
    /// How long an outage must have lasted before the request is made (0: at detection).
    pub min_outage: SimDuration,
    /// Health-check period.
    pub check_period: SimDuration,
    /// Consecutive failures to detect.
    pub consecutive_failures: u32,
    /// Consent response time.
    pub consent_response: Dist,
    /// Response clock follows business hours.
    pub business_hours: bool,
    /// Probability that the customer never consents (then there is no recovery into the pair).
    pub no_consent_probability: f64,
    /// Manual failover of the control plane to the pair (read-only there afterwards).
    pub control_plane_failover: Dist,
    /// Delay between the primary's return and the start of the failback.
    pub failback_delay: Dist,
    /// Length of the disruption while failing back.
    pub failback_disruption: Dist,
    /// Creating resources.
    pub create_resources: Dist,
    /// Database restore time (size / the SKU's throughput).
    pub database_restore: SimDuration,
    /// Storage copy time (size / effective bandwidth).
    pub storage_restore: SimDuration,
    /// Validating the restored deployment in the pair.
    pub validation: Dist,
    /// Switching the data plane's traffic to the pair.
    pub traffic_switch: Dist,
    /// Contention in the pair; `None` = ours is the only tenant.
    pub capacity: Option<CapacityPlan>,
}

/// Validated contention model.
#[derive(Clone, Debug)]
pub struct CapacityPlan {
    /// Tenants failing over together.
    pub tenants: u32,
    /// Concurrent tenant restores.
    pub crews: u32,
    /// Crew time per tenant.
    pub tenant_work: Dist,
    /// Tenants the pair has room for (`spare / per tenant`); `None` = all.
    pub room_for: Option<u64>,
}

/// What a storage copy into the pair moves, and over which link.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StorageLink {
    /// Data to copy, GB.
    pub size_gb: f64,
    /// Inter-region bandwidth, Mbit/s.
    pub bandwidth_mbps: f64,
    /// Round-trip latency between the regions.
    pub latency: SimDuration,
    /// Parallel copy streams.
    pub streams: u32,
    /// TCP window per stream, MiB.
    pub window_mib: f64,
}

/// Storage copy time: each stream moves at most one TCP window per round trip, so the link gives
/// min(bandwidth, streams × window / RTT) (the bandwidth-delay product bound).
pub fn storage_copy_time(s: &StorageLink) -> SimDuration {
    let rtt = s.latency.as_secs_f64();
    let window_mbit = s.window_mib * 8.0 * 1.048_576;
    let latency_bound = if rtt > 0.0 {
        f64::from(s.streams) * window_mbit / rtt
    } else {
        f64::INFINITY
    };
    let mbps = s.bandwidth_mbps.min(latency_bound);
    SimDuration::from_secs_f64(s.size_gb * 8000.0 / mbps)
}
