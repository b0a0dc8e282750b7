//! `[recovery]`: the regional disaster-recovery plan (`docs/MODEL.md`, section 5) — how an outage of the
//! primary region is detected, consented to, and recovered from backups into the paired region.

use super::defaults;
use super::validate::Invalid;
use crate::engine::SimDuration;
use crate::engine::duration::HumanDuration;
use crate::model::{CapacityPlan, Dist, RecoveryPlan, RecoveryTrigger, Sku, StorageLink, storage_copy_time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The regional disaster-recovery plan (`docs/MODEL.md`, section 5): when the primary region
/// goes down, health checks detect it, the customer is asked to consent, the control plane is
/// failed over to the paired region and, with `deployment.disaster_recovery`, the data plane is
/// restored there from backups; once the primary is back, the deployment fails back. The
/// recovery races the natural recovery of the region: each plane serves again at whichever comes
/// first. Every field has a default; the durations without a public source are assumptions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecoverySection {
    /// Which outages lead to a consent request: `any-outage` (a plane down outright for any
    /// cause the health checks detect: a region disaster, a zone or datacenter outage or
    /// destruction under a zonal plane, a service outage) or `region-disaster` (only a disaster
    /// of the whole primary region).
    #[serde(default)]
    pub trigger: RecoveryTrigger,
    /// How long an outage must have lasted before consent is requested (the request is made at
    /// detection or at this age, whichever is later).
    #[serde(default = "defaults::min_outage")]
    pub min_outage: HumanDuration,
    /// Detection of the outage by health checks.
    #[serde(default)]
    pub detection: DetectionEntry,
    /// The customer's consent to fail over.
    #[serde(default)]
    pub consent: ConsentEntry,
    /// Manual failover of the control plane to the pair, where it is read-only until failback.
    #[serde(default = "defaults::control_plane_failover")]
    pub control_plane_failover: Dist,
    /// Failback to the primary once it is back.
    #[serde(default)]
    pub failback: FailbackEntry,
    /// Creating the data plane's resources in the pair (with managed DR).
    #[serde(default = "defaults::create_resources")]
    pub create_resources: Dist,
    /// Database geo-restore in the pair: its size and the SKU's restore throughput set how long it
    /// takes.
    #[serde(default)]
    pub database: DatabaseEntry,
    /// Storage copy to the pair: its size and the link between the regions set how long it takes.
    /// Database and storage are restored in parallel.
    #[serde(default)]
    pub storage: StorageEntry,
    /// Validating the restored deployment before traffic is switched.
    #[serde(default = "defaults::validation")]
    pub validation: Dist,
    /// Switching traffic to the pair.
    #[serde(default = "defaults::traffic_switch")]
    pub traffic_switch: Dist,
    /// Contention in the pair, where every tenant of the lost region fails over at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "absent: no contention; the recovery has the pair to itself"))]
    pub capacity: Option<CapacityEntry>,
}

/// Contention in the paired region: the pair's spare capacity and the operator's recovery crews
/// are shared by every tenant of the lost region, so a tenant's restore may wait its turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityEntry {
    /// Tenants of the lost region that fail over at the same time, ours among them; 1 to
    /// 1 000 000.
    pub tenants: u32,
    /// Tenant restores the operator's crews work on at the same time; at least 1.
    pub crews: u32,
    /// Crew time one tenant's restore takes.
    pub tenant_work: Dist,
    /// Spare instances in the pair; tenants beyond what they hold cannot be restored there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "unlimited"))]
    pub spare_instances: Option<u64>,
    /// Instances each tenant needs in the pair; at least 1.
    #[serde(default = "defaults::instances_per_tenant")]
    pub instances_per_tenant: u64,
}

/// Detection of a regional outage by health checks: it is declared after `consecutive_failures`
/// failed checks, `period` apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DetectionEntry {
    /// Time between checks; > 0. The reference's checks run every 1 to 5 minutes.
    pub period: HumanDuration,
    /// Consecutive failed checks that declare an outage; at least 1.
    pub consecutive_failures: u32,
}

/// The customer's consent to fail over, which the recovery waits for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ConsentEntry {
    /// Time the customer takes to answer (business time when `business_hours`). The default is an
    /// assumption.
    pub response: Dist,
    /// The response clock runs only Monday to Friday, 09:00 to 17:00 (each replication starts on
    /// a Monday at 00:00).
    pub business_hours: bool,
    /// Probability, in [0, 1], that the customer never consents: then there is no failover and
    /// both planes wait for the primary region.
    pub no_consent_probability: f64,
}

/// Failback to the primary region once it is back.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FailbackEntry {
    /// Delay between the primary being back and the failback.
    pub delay: Dist,
    /// Disruption of the failed-over planes while failing back (counted as an incident).
    pub disruption: Dist,
}

/// The database geo-restore: restore time = size / throughput of the deployment's SKU. The
/// defaults are assumptions, chosen so that a default restore stays within the documented
/// "up to 12 h".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseEntry {
    /// Database size, in GB; > 0.
    pub size_gb: f64,
    /// Restore throughput of a Standard deployment, in GB per hour; > 0.
    pub standard_gb_per_hour: f64,
    /// Restore throughput of a Premium deployment, in GB per hour; > 0.
    pub premium_gb_per_hour: f64,
}

/// The storage copy to the pair: copy time = size / rate, where the rate is the bandwidth or,
/// if lower, what the TCP windows allow over the round trip (streams × window / latency). The
/// defaults are assumptions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct StorageEntry {
    /// Data to copy, in GB; > 0.
    pub size_gb: f64,
    /// Bandwidth between the regions, in Mbit/s; > 0.
    pub bandwidth_mbps: f64,
    /// Round-trip time between the regions.
    pub latency: HumanDuration,
    /// Parallel copy streams; at least 1.
    pub streams: u32,
    /// TCP window of each stream, in MiB; > 0.
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
    // Both SKUs' throughputs are checked, whichever this deployment has: a scenario stays valid
    // when only its SKU is changed (`--set deployment.sku=…`, a sweep over SKUs).
    let standard = positive("database.standard_gb_per_hour", db.standard_gb_per_hour)?;
    let premium = positive("database.premium_gb_per_hour", db.premium_gb_per_hour)?;
    let throughput = match sku {
        Sku::Standard => standard,
        Sku::Premium => premium,
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
        trigger: r.trigger,
        min_outage: r.min_outage.0,
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
            trigger: RecoveryTrigger::default(),
            min_outage: defaults::min_outage(),
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
    fn a_sub_table_may_give_only_some_fields() {
        let r: RecoverySection =
            toml::from_str("detection = { period = \"2m\" }\ndatabase = { size_gb = 200.0 }").unwrap();
        assert_eq!(r.detection.period, HumanDuration::parse("2m").unwrap());
        assert_eq!(
            r.detection.consecutive_failures,
            DetectionEntry::default().consecutive_failures
        );
        assert_eq!(r.database.size_gb, 200.0);
        assert_eq!(
            r.database.premium_gb_per_hour,
            DatabaseEntry::default().premium_gb_per_hour
        );
        assert_eq!(r.storage, StorageEntry::default());
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
        // The other SKU's throughput is checked too.
        let mut other = RecoverySection::default();
        other.database.standard_gb_per_hour = 0.0;
        assert!(
            validate_recovery(&other, Sku::Premium)
                .unwrap_err()
                .path
                .ends_with("database.standard_gb_per_hour")
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
