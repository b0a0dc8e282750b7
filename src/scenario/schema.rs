//! The scenario file as written (TOML, serde). Every table rejects unknown fields; the semantic
//! checks (names resolve, zones exist, ...) live in `validate/`, one validator per section.
//!
//! All durations are human strings (`"30s"`, `"6h"`), all random durations distribution strings
//! (see [`Dist`]). Defaults come from [`defaults`](super::defaults); `docs/scenario-reference.md`
//! documents every field.

use super::defaults;
use crate::engine::duration::HumanDuration;
use crate::model::{DataPlaneMode, Dist, FailureKind, Placement, Plane, ServiceKind, Sku};
use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name; results go to `results/<name>/`. Letters, digits, `-`, `_`, `.`.
    pub name: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Horizon, replications, seed.
    pub simulation: SimulationSection,
    /// Where and how the instance is deployed.
    pub deployment: DeploymentSection,
    /// RPO/RTO targets per plane.
    #[serde(default)]
    pub targets: TargetsSection,
    /// Extra or overriding regions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<RegionEntry>,
    /// Dependency services.
    pub services: Vec<ServiceEntry>,
    /// User-facing features.
    pub features: Vec<FeatureEntry>,
    /// Repair crew pools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub crews: Vec<CrewEntry>,
    /// Random failure processes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<FailureEntry>,
    /// Scripted faults at fixed times (drills).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub faults: Vec<FaultEntry>,
    /// Request-level clients and retries (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<super::clients::ClientsSection>,
    /// Regional disaster-recovery plan; default: the documented defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<super::recovery::RecoverySection>,
    /// Importance sampling of rare region disasters (optional; absent = plain sampling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance_sampling: Option<ImportanceSamplingSection>,
    /// Expectations on the run's statistics, judged by `outage-sim check` (optional).
    #[serde(default, skip_serializing_if = "super::expect::ExpectTable::is_empty")]
    pub expect: super::expect::ExpectTable,
}

/// `[simulation]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationSection {
    /// Length of each replication.
    pub horizon: HumanDuration,
    /// Initial period excluded from every metric (default `0s`).
    #[serde(default)]
    pub warmup: HumanDuration,
    /// Number of Monte Carlo replications.
    pub replications: u64,
    /// Master seed: any 64-bit unsigned number. TOML integers stop at 2^63 − 1, so a larger
    /// seed is written as a string of digits (`seed = "11400714819309884701"`).
    #[serde(with = "seed")]
    pub seed: u64,
    /// Write `replications.csv` (default true).
    #[serde(default = "defaults::replication_rows")]
    pub replication_rows: bool,
}

/// A seed as a TOML integer when it fits, else as a string of digits.
mod seed {
    use serde::de::{Error, Unexpected, Visitor};
    use serde::{Deserializer, Serializer};
    use std::fmt;

    pub(super) fn serialize<S: Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
        match i64::try_from(*seed) {
            Ok(n) => s.serialize_i64(n),
            Err(_) => s.serialize_str(&seed.to_string()),
        }
    }

    struct SeedVisitor;

    impl Visitor<'_> for SeedVisitor {
        type Value = u64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(
                f,
                "a whole number from 0 to {} (beyond 2^63 − 1, as a string of digits)",
                u64::MAX
            )
        }

        fn visit_u64<E: Error>(self, n: u64) -> Result<u64, E> {
            Ok(n)
        }

        fn visit_i64<E: Error>(self, n: i64) -> Result<u64, E> {
            u64::try_from(n).map_err(|_| E::invalid_value(Unexpected::Signed(n), &self))
        }

        fn visit_str<E: Error>(self, text: &str) -> Result<u64, E> {
            text.trim()
                .parse()
                .map_err(|_| E::invalid_value(Unexpected::Str(text), &self))
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        d.deserialize_any(SeedVisitor)
    }
}

/// `[importance_sampling]`: simulate region disasters more often and weight each replication by
/// its likelihood ratio, so that rare disasters are estimated with fewer replications.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportanceSamplingSection {
    /// Factor (> 0) by which every region-disaster rate is multiplied while sampling.
    pub region_disaster_rate_factor: f64,
}

/// `[deployment]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSection {
    /// Primary region (built-in or from `[[regions]]`).
    pub region: String,
    /// `standard` or `premium`.
    pub sku: Sku,
    /// `zonal` or `zone-redundant`.
    pub data_plane: DataPlaneMode,
    /// Zone of a zonal data plane (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<u32>,
    /// Managed disaster recovery enabled at creation.
    pub disaster_recovery: bool,
}

/// RPO/RTO target of one plane.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaneTargets {
    /// Recovery point objective.
    pub rpo: HumanDuration,
    /// Recovery time objective.
    pub rto: HumanDuration,
}

/// `[targets]`; defaults are the reference's: control plane 10 min / 24 h, data plane 12 h / 48 h.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsSection {
    /// Control-plane targets.
    #[serde(default = "control_targets")]
    pub control_plane: PlaneTargets,
    /// Data-plane targets.
    #[serde(default = "data_targets")]
    pub data_plane: PlaneTargets,
}

fn control_targets() -> PlaneTargets {
    let (rpo, rto) = defaults::control_plane_targets();
    PlaneTargets { rpo, rto }
}

fn data_targets() -> PlaneTargets {
    let (rpo, rto) = defaults::data_plane_targets();
    PlaneTargets { rpo, rto }
}

impl Default for TargetsSection {
    fn default() -> Self {
        TargetsSection {
            control_plane: control_targets(),
            data_plane: data_targets(),
        }
    }
}

/// `[[regions]]`: adds a region or replaces a built-in one of the same name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionEntry {
    /// Region name.
    pub name: String,
    /// Availability zones (0 = none).
    pub zones: u32,
    /// Paired region, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair: Option<String>,
}

/// Backup or replication policy of a stateful service (a store).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupEntry {
    /// Time between backups (or replication checkpoints).
    pub interval: HumanDuration,
    /// Delay until a backup is usable from elsewhere (copy lag). Default `0s`.
    #[serde(default)]
    pub copy_lag: HumanDuration,
    /// Probability that a backup fails (the previous one is then the newest). Default 0.
    #[serde(default)]
    pub failure_probability: f64,
    /// Delay until a backup is usable in the paired region (geo copy); default: `copy_lag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pair_copy_lag: Option<HumanDuration>,
}

/// `[[services]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    /// Unique name.
    pub name: String,
    /// Kind (default `other`).
    #[serde(default = "defaults::service_kind")]
    pub kind: ServiceKind,
    /// Plane (default `data`).
    #[serde(default = "defaults::plane")]
    pub plane: Plane,
    /// Placement; default: the deployment's data-plane mode (control plane: zone-redundant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// Zones the instances live in (1-based); default: all zones, or the deployment's zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<u32>>,
    /// Instances in each zone (default 1).
    #[serde(default = "defaults::one")]
    pub instances_per_zone: u32,
    /// k of k-of-n: healthy zones needed (default 1).
    #[serde(default = "defaults::one")]
    pub min_healthy_zones: u32,
    /// Failover window when a zone is lost (zone-redundant only); default by kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<Dist>,
    /// Backup policy; present for stores whose data can be lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<BackupEntry>,
    /// Requests per second one instance serves; default by kind (see the README).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_per_instance: Option<f64>,
    /// Delay until instances lost with a zone are back-filled in the surviving zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backfill: Option<Dist>,
}

/// `[[features]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeatureEntry {
    /// Unique name.
    pub name: String,
    /// Plane (default `data`).
    #[serde(default = "defaults::plane")]
    pub plane: Plane,
    /// Services the feature needs; it is up when all are up.
    pub services: Vec<String>,
    /// Audio/video: unavailable while the plane is served from the paired region. Default false.
    #[serde(default)]
    pub media: bool,
}

/// `[[crews]]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrewEntry {
    /// Unique name referenced by failure processes.
    pub name: String,
    /// Concurrent repairs.
    pub size: u32,
}

/// `[[failures]]`: a renewal process per zone (or per service and zone).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FailureEntry {
    /// Unique name.
    pub name: String,
    /// What fails.
    pub kind: FailureKind,
    /// Zones affected, one independent process each; default all zones of the primary region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<u32>>,
    /// Services affected (`service-outage` only); default all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<String>>,
    /// Region (`region-disaster` only); default the primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Time from repair (or start) to the next failure.
    pub time_to_failure: Dist,
    /// Repair time once a crew works on it (zone rebuild for `zone-destruction`).
    pub time_to_repair: Dist,
    /// Crew pool doing the repairs; default: unlimited crews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crew: Option<String>,
    /// `zone-destruction` only: time to redeploy the zonal services of the zone elsewhere from backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<Dist>,
    /// `region-disaster` only: probability that the region's data is destroyed. Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destroys_data: Option<f64>,
}

/// `[[faults]]`: a scripted fault at a fixed time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultEntry {
    /// What fails (`zone-outage`, `service-outage`, `zone-destruction`, `region-disaster`).
    pub kind: FailureKind,
    /// Zone hit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<u32>,
    /// Service hit (`service-outage`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// When it starts.
    pub at: HumanDuration,
    /// How long it lasts (a distribution; a plain duration is fixed).
    pub duration: Dist,
    /// `zone-destruction` only: time to redeploy zonal services elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<Dist>,
    /// `region-disaster` only: the region's data is destroyed. Default false.
    #[serde(default)]
    pub destroys_data: bool,
}
