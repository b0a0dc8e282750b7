//! `[recovery]`: the regional disaster-recovery plan (`docs/MODEL.md`, section 5) — how an outage of the
//! primary region is detected, consented to, and recovered from backups into the paired region.

use super::defaults;
use super::validate::Invalid;
use crate::engine::SimDuration;
use crate::engine::duration::HumanDuration;
use crate::model::{CapacityPlan, Dist, RecoveryPlan, Sku, StorageLink, storage_copy_time};
use serde::{Deserialize, Serialize};

/// `[recovery]` as written; every field has a documented default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoverySection {
    /// Health checks.
    #[serde(default)]
    pub detection: DetectionEntry,
    /// The customer's consent to fail over.
    #[serde(default)]
    pub consent: ConsentEntry,
    /// Manual failover of the control plane to the pair (then read-only). Default `uniform(1h, 4h)`.
    #[serde(default = "defaults::control_plane_failover")]
    pub control_plane_failover: Dist,
    /// Failback once the primary is back.
    #[serde(default)]
    pub failback: FailbackEntry,
    /// Creating the data plane's resources in the pair. Default `uniform(1h, 3h)`.
    #[serde(default = "defaults::create_resources")]
    pub create_resources: Dist,
    /// Database geo-restore.
    #[serde(default)]
    pub database: DatabaseEntry,
    /// Storage copy from the pair.
    #[serde(default)]
    pub storage: StorageEntry,
    /// Validating the restored deployment. Default `uniform(30m, 2h)`.
    #[serde(default = "defaults::validation")]
    pub validation: Dist,
    /// Switching traffic to the pair. Default `uniform(5m, 15m)`.
    #[serde(default = "defaults::traffic_switch")]
    pub traffic_switch: Dist,
    /// Contention in the pair: every tenant of the lost region fails over at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<CapacityEntry>,
}

/// The pair's spare capacity and the operator's recovery crews, shared by every tenant of the
/// lost region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityEntry {
    /// Tenants of the lost region that fail over at the same time (ours among them).
    pub tenants: u32,
    /// Tenant restores the operator's crews handle at a time.
    pub crews: u32,
    /// Crew time one tenant's restore takes.
    pub tenant_work: Dist,
    /// Spare instances in the pair; default unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spare_instances: Option<u64>,
    /// Instances each tenant needs in the pair. Default 1.
    #[serde(default = "defaults::instances_per_tenant")]
    pub instances_per_tenant: u64,
}

/// Detection by health checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectionEntry {
    /// Time between checks (checks run every 1–5 min). Default `1m`.
    pub period: HumanDuration,
    /// Consecutive failed checks that declare an outage. Default 3.
    pub consecutive_failures: u32,
}

/// The customer's consent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentEntry {
    /// Time the customer takes to answer (business time when `business_hours`).
    pub response: Dist,
    /// The response clock runs only Monday–Friday 09:00–17:00 (t = 0 is Monday 00:00).
    #[serde(default)]
    pub business_hours: bool,
    /// Probability that the customer never consents (then no DR). Default 0.
    #[serde(default)]
    pub no_consent_probability: f64,
}

/// Failback to the primary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailbackEntry {
    /// Delay after the primary is back. Default `uniform(1h, 4h)`.
    pub delay: Dist,
    /// Brief disruption while failing back. Default `uniform(5m, 30m)`.
    pub disruption: Dist,
}

/// Database size and the SKU's restore throughput.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseEntry {
    /// Database size, GB. Default 100.
    pub size_gb: f64,
    /// Restore throughput of a Standard deployment, GB per hour. Default 25.
    pub standard_gb_per_hour: f64,
    /// Restore throughput of a Premium deployment, GB per hour. Default 100.
    pub premium_gb_per_hour: f64,
}

/// Storage size and the link between the regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageEntry {
    /// Data to copy, GB. Default 500.
    pub size_gb: f64,
    /// Inter-region bandwidth, Mbit/s. Default 1000.
    pub bandwidth_mbps: f64,
    /// Round-trip latency between the regions. Default `70ms`.
    pub latency: HumanDuration,
    /// Parallel copy streams. Default 16.
    pub streams: u32,
    /// TCP window per stream, MiB. Default 4.
    pub window_mib: f64,
}

impl StorageEntry {
    /// The copy this entry describes, in the model's units.
    pub fn link(&self) -> StorageLink {
        StorageLink {
            size_gb: self.size_gb,
            bandwidth_mbps: self.bandwidth_mbps,
            latency: self.latency.0,
            streams: self.streams,
            window_mib: self.window_mib,
        }
    }
}

impl Default for DetectionEntry {
    fn default() -> Self {
        let (period, consecutive_failures) = defaults::detection();
        DetectionEntry {
            period,
            consecutive_failures,
        }
    }
}

impl Default for ConsentEntry {
    fn default() -> Self {
        ConsentEntry {
            response: defaults::consent_response(),
            business_hours: false,
            no_consent_probability: 0.0,
        }
    }
}

impl Default for FailbackEntry {
    fn default() -> Self {
        let (delay, disruption) = defaults::failback();
        FailbackEntry { delay, disruption }
    }
}

impl Default for DatabaseEntry {
    fn default() -> Self {
        let (size_gb, standard_gb_per_hour, premium_gb_per_hour) = defaults::DATABASE;
        DatabaseEntry {
            size_gb,
            standard_gb_per_hour,
            premium_gb_per_hour,
        }
    }
}

impl Default for StorageEntry {
    fn default() -> Self {
        let (size_gb, bandwidth_mbps, latency, streams, window_mib) = defaults::storage();
        StorageEntry {
            size_gb,
            bandwidth_mbps,
            latency,
            streams,
            window_mib,
        }
    }
}

/// Validates `[recovery]` (or its defaults) for a deployment of `sku`.
pub fn validate_recovery(r: &RecoverySection, sku: Sku) -> Result<RecoveryPlan, Invalid> {
    let bad = |path: &str, message: String| Err(Invalid::at(format!("recovery.{path}"), message));
    if r.detection.period.0 == SimDuration::ZERO {
        return bad("detection.period", "must be a positive duration (> 0s)".into());
    }
    if r.detection.consecutive_failures == 0 {
        return bad("detection.consecutive_failures", "must be at least 1".into());
    }
    let q = r.consent.no_consent_probability;
    if !(0.0..=1.0).contains(&q) {
        return bad(
            "consent.no_consent_probability",
            format!("must be a probability in [0, 1], got {q}"),
        );
    }
    let positive = |path: &str, v: f64| -> Result<f64, Invalid> {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(Invalid::at(
                format!("recovery.{path}"),
                format!("must be a number > 0, got {v}"),
            ))
        }
    };
    let db = &r.database;
    positive("database.size_gb", db.size_gb)?;
    let throughput = match sku {
        Sku::Standard => positive("database.standard_gb_per_hour", db.standard_gb_per_hour)?,
        Sku::Premium => positive("database.premium_gb_per_hour", db.premium_gb_per_hour)?,
    };
    let st = &r.storage;
    positive("storage.size_gb", st.size_gb)?;
    positive("storage.bandwidth_mbps", st.bandwidth_mbps)?;
    positive("storage.window_mib", st.window_mib)?;
    if st.streams == 0 {
        return bad("storage.streams", "must be at least 1".into());
    }
    let capacity = match &r.capacity {
        None => None,
        Some(c) => {
            if c.tenants == 0 || c.tenants > 1_000_000 {
                return bad(
                    "capacity.tenants",
                    format!("must be between 1 and 1 000 000, got {}", c.tenants),
                );
            }
            if c.crews == 0 {
                return bad("capacity.crews", "must be at least 1".into());
            }
            if c.instances_per_tenant == 0 {
                return bad("capacity.instances_per_tenant", "must be at least 1".into());
            }
            Some(CapacityPlan {
                tenants: c.tenants,
                crews: c.crews,
                tenant_work: c.tenant_work.clone(),
                room_for: c.spare_instances.map(|spare| spare / c.instances_per_tenant),
            })
        }
    };
    Ok(RecoveryPlan {
        check_period: r.detection.period.0,
        consecutive_failures: r.detection.consecutive_failures,
        consent_response: r.consent.response.clone(),
        business_hours: r.consent.business_hours,
        no_consent_probability: q,
        control_plane_failover: r.control_plane_failover.clone(),
        failback_delay: r.failback.delay.clone(),
        failback_disruption: r.failback.disruption.clone(),
        create_resources: r.create_resources.clone(),
        database_restore: SimDuration::from_secs_f64(db.size_gb / throughput * 3600.0),
        storage_restore: storage_copy_time(&st.link()),
        validation: r.validation.clone(),
        traffic_switch: r.traffic_switch.clone(),
        capacity,
    })
}

impl Default for RecoverySection {
    fn default() -> Self {
        RecoverySection {
            detection: DetectionEntry::default(),
            consent: ConsentEntry::default(),
            control_plane_failover: defaults::control_plane_failover(),
            failback: FailbackEntry::default(),
            create_resources: defaults::create_resources(),
            database: DatabaseEntry::default(),
            storage: StorageEntry::default(),
            validation: defaults::validation(),
            traffic_switch: defaults::traffic_switch(),
            capacity: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_copy_is_bounded_by_bandwidth_or_by_window_over_latency() {
        let mut s = StorageEntry::default();
        // 16 streams x 4 MiB / 70 ms = 7.7 Gbit/s > 1 Gbit/s: bandwidth-bound, 500 GB in 4000 s.
        assert_eq!(storage_copy_time(&s.link()).as_secs_f64().round(), 4000.0);
        // One stream, 200 ms: 4 MiB x 8 / 0.2 s = 167.8 Mbit/s.
        s.streams = 1;
        s.latency = HumanDuration::parse("200ms").unwrap();
        let mbps = 4.0 * 8.0 * 1.048_576 / 0.2;
        assert!((storage_copy_time(&s.link()).as_secs_f64() - 500.0 * 8000.0 / mbps).abs() < 1e-3);
    }

    #[test]
    fn database_restore_uses_the_skus_throughput() {
        let r = RecoverySection::default();
        assert_eq!(
            validate_recovery(&r, Sku::Standard).unwrap().database_restore,
            SimDuration::from_secs(4 * 3600)
        );
        assert_eq!(
            validate_recovery(&r, Sku::Premium).unwrap().database_restore,
            SimDuration::from_secs(3600)
        );
        let mut bad = RecoverySection::default();
        bad.consent.no_consent_probability = 1.5;
        assert!(
            validate_recovery(&bad, Sku::Premium)
                .unwrap_err()
                .message
                .contains("[0, 1]")
        );
    }
}
