//! The scenario file as written (TOML, serde). Every table rejects unknown fields; the semantic
//! checks (names resolve, zones exist, ...) live in `validate/`, one validator per section.
//!
//! All durations are human strings (`"30s"`, `"6h"`), all random durations distribution strings
//! (see [`Dist`]). Defaults come from [`defaults`](super::defaults); `docs/scenario-reference.md`
//! documents every field.

use super::defaults;
use crate::engine::duration::HumanDuration;
use crate::model::{DataPlaneMode, Dist, FailureKind, Placement, Plane, ServiceKind, Sku};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A scenario: what is deployed where, what fails and how, how it is recovered, and what is
/// measured. `name`, `[simulation]`, `[deployment]` and at least one each of `[[services]]` and
/// `[[features]]` make a complete scenario; everything else has a default.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Short name of the scenario; a run writes its results to `<out>/<name>/`. Letters, digits,
    /// `-`, `_` and `.` (not first).
    pub name: String,
    /// Free text for the reader; kept in the `scenario.toml` of the results.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(extend("x-default" = "empty"))]
    pub description: String,
    /// How long each replication lasts, how many run, and the seed.
    pub simulation: SimulationSection,
    /// Where the instance is deployed, on which SKU, and how its data plane is placed.
    pub deployment: DeploymentSection,
    /// Recovery point and recovery time objectives (RPO, RTO) per plane; every incident is judged
    /// against them (`p_meet_rto` and `p_meet_rpo` in `summary.json`).
    #[serde(default)]
    pub targets: TargetsSection,
    /// Regions added to the built-in ones (`outage-sim regions` lists those), or replacing the
    /// built-in region of the same name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-default" = "none: the built-in regions only"))]
    pub regions: Vec<RegionEntry>,
    /// The services the features depend on; at least one.
    pub services: Vec<ServiceEntry>,
    /// The user-facing features; at least one. A feature is up while every service it needs is
    /// up; availability is measured per feature and per plane.
    pub features: Vec<FeatureEntry>,
    /// Repair crews: pools of people that repair failures one at a time each, shared by the
    /// failure processes that name them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-default" = "none: every failure is repaired at once, as by unlimited crews"))]
    pub crews: Vec<CrewEntry>,
    /// Random failure processes, each a renewal process of failures and repairs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-default" = "none: nothing fails at random"))]
    pub failures: Vec<FailureEntry>,
    /// Scripted faults at fixed times, for drills; they come on top of the random failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-default" = "none"))]
    pub faults: Vec<FaultEntry>,
    /// Request-level simulation of clients, their requests and retries around every disruption;
    /// it adds the `clients` metrics (user-visible failures, retry amplification, latency).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "absent: no requests are simulated"))]
    pub clients: Option<super::clients::ClientsSection>,
    /// The regional disaster-recovery plan: how an outage of the primary region is detected,
    /// consented to and recovered from in the paired region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "each field's default"))]
    pub recovery: Option<super::recovery::RecoverySection>,
    /// Importance sampling of rare region disasters: fewer replications for the same precision on
    /// disaster metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "absent: plain sampling"))]
    pub importance_sampling: Option<ImportanceSamplingSection>,
    /// Two-level Monte Carlo over uncertain parameters: how many parameter sets to draw, and for
    /// which metrics to rank the parameters (Sobol indices).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "absent: every parameter is taken as written"))]
    pub uncertainty: Option<super::uncertainty::UncertaintySection>,
    /// Uncertain parameters, each a field of this file and a prior (of a factor on its value, or of
    /// the value); they need `[uncertainty]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-default" = "none"))]
    pub uncertain: Vec<super::uncertainty::UncertainEntry>,
    /// Expectations on the run's statistics, judged by `outage-sim check` (a regression gate).
    #[serde(default, skip_serializing_if = "super::expect::ExpectTable::is_empty")]
    #[schemars(extend("x-default" = "none"))]
    pub expect: super::expect::ExpectTable,
}

/// How long each replication lasts, how many replications run, and the seed that makes a run
/// reproducible.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimulationSection {
    /// Simulated time of each replication, e.g. `"1y"` or `"10y"`.
    pub horizon: HumanDuration,
    /// Initial period of each replication excluded from every metric; shorter than the horizon.
    /// Nothing needs to settle at the start (every service starts up), hence no warm-up by
    /// default.
    #[serde(default)]
    pub warmup: HumanDuration,
    /// Number of independent Monte Carlo replications; at least 1 (intervals need 2). Override
    /// with `--replications`.
    pub replications: u64,
    /// Master seed: the same seed, scenario and replication count give the same results. Any
    /// 64-bit unsigned number; TOML integers stop at 2^63 − 1, so a larger seed is written as a
    /// string of digits (`seed = "11400714819309884701"`). Override with `--seed`.
    #[serde(serialize_with = "seed::serialize", deserialize_with = "seed::deserialize")]
    #[schemars(schema_with = "seed::schema")]
    pub seed: u64,
    /// Write `replications.csv`, one row per replication; `false` (or `--no-replication-rows`)
    /// saves the disk space of very large runs.
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

    /// An integer, or a string of digits.
    pub(super) fn schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^[0-9]+$" },
            ],
        })
    }
}

/// Importance sampling: region disasters are simulated more often than they happen and each
/// replication is weighted by its likelihood ratio, so that rare disasters are estimated with
/// fewer replications. Every region disaster of the primary region needs an exponential
/// `time_to_failure` (`exp(mean=...)`). `--importance-sampling F` on the command line overrides it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportanceSamplingSection {
    /// Factor by which every region-disaster rate is multiplied while sampling: a number > 0,
    /// at most 1 000 000; 1 is plain sampling.
    pub region_disaster_rate_factor: f64,
}

/// Where the instance is deployed, on which SKU, and how its data plane is placed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeploymentSection {
    /// Primary region, by name: a built-in region (`outage-sim regions`) or one from
    /// `[[regions]]`. It must have a pair, which receives disaster recovery.
    pub region: String,
    /// SKU of the instance; it sets the default client population and the database restore
    /// throughput.
    pub sku: Sku,
    /// How the data plane is placed in the primary region; `zone-redundant` needs availability
    /// zones.
    pub data_plane: DataPlaneMode,
    /// Zone (1-based) of a zonal data plane; only for `data_plane = "zonal"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = defaults::described::deployment_zone()))]
    pub zone: Option<u32>,
    /// Managed disaster recovery enabled at creation: after a region disaster the data plane is
    /// restored in the paired region. Without it only the control plane fails over, and the data
    /// plane waits for the primary region to come back.
    pub disaster_recovery: bool,
}

/// RPO and RTO target of one plane.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaneTargets {
    /// Recovery point objective: the most data, as time of writes, that an incident may lose.
    pub rpo: HumanDuration,
    /// Recovery time objective: the longest an incident of the plane may last; > 0.
    pub rto: HumanDuration,
    /// Probability with which an incident must meet the RTO for the objective to be met (the
    /// verdict MEETS needs the whole interval of P(meet RTO) at or above it); in (0, 1].
    #[serde(default = "defaults::required_probability")]
    pub rto_probability: f64,
    /// The same for the RPO.
    #[serde(default = "defaults::required_probability")]
    pub rpo_probability: f64,
}

/// Recovery point and recovery time objectives per plane. The defaults are the published
/// objectives of the reference: control plane RPO 10 min and RTO 24 h, data plane 12 h and 48 h.
/// Written, a plane's table needs both `rpo` and `rto`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetsSection {
    /// Targets of the control plane (management operations).
    #[serde(default = "control_targets")]
    pub control_plane: PlaneTargets,
    /// Targets of the data plane (learner-facing operations).
    #[serde(default = "data_targets")]
    pub data_plane: PlaneTargets,
    /// Confidence level of the verdicts (the intervals they judge); in (0, 1).
    #[serde(default = "defaults::verdict_confidence")]
    pub confidence: f64,
}

fn control_targets() -> PlaneTargets {
    let (rpo, rto) = defaults::control_plane_targets();
    PlaneTargets {
        rpo,
        rto,
        rto_probability: defaults::required_probability(),
        rpo_probability: defaults::required_probability(),
    }
}

fn data_targets() -> PlaneTargets {
    let (rpo, rto) = defaults::data_plane_targets();
    PlaneTargets {
        rpo,
        rto,
        rto_probability: defaults::required_probability(),
        rpo_probability: defaults::required_probability(),
    }
}

impl Default for TargetsSection {
    fn default() -> Self {
        TargetsSection {
            control_plane: control_targets(),
            data_plane: data_targets(),
            confidence: defaults::verdict_confidence(),
        }
    }
}

/// A region added to the built-in ones, or replacing the built-in region of the same name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionEntry {
    /// Region name, as `deployment.region` and `pair` refer to it, e.g. `"East US"`.
    pub name: String,
    /// Number of availability zones, at most 16; 0 for a region without zones (it then counts as
    /// one datacenter, zone 1).
    pub zones: u32,
    /// The paired region, which receives disaster recovery: a built-in region or another entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "none: unpaired (a deployment needs a paired region)"))]
    pub pair: Option<String>,
}

/// Backup (or replication) policy of a service that stores data: how often its data is copied
/// and how long a copy takes to be usable elsewhere. The achieved RPO of an incident that loses
/// the data is the time since the newest usable backup.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupEntry {
    /// Time between backups (or replication checkpoints); > 0.
    pub interval: HumanDuration,
    /// Delay until a backup is usable from another zone (the copy lag).
    #[serde(default)]
    pub copy_lag: HumanDuration,
    /// Probability, in [0, 1), that a backup fails; the previous one is then the newest.
    #[serde(default)]
    pub failure_probability: f64,
    /// Delay until a backup is usable in the paired region (the geo copy); it matters for
    /// regional disasters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "`copy_lag`"))]
    pub pair_copy_lag: Option<HumanDuration>,
}

/// A service the features depend on (a web app, a database, a storage account, ...), with its
/// placement over the zones of the primary region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    /// Unique name, as features and failures refer to it. Letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// What the service is; it sets the default `failover` and `capacity_per_instance`.
    #[serde(default = "defaults::service_kind")]
    pub kind: ServiceKind,
    /// The plane the service belongs to.
    #[serde(default = "defaults::plane")]
    pub plane: Plane,
    /// How the instances are placed over the zones. The control plane is always zone-redundant
    /// in a region with zones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend(
        "x-default" = "the deployment's `data_plane` for a data-plane service; `zone-redundant` for a control-plane service (`zonal` in a region without zones)"
    ))]
    pub placement: Option<Placement>,
    /// Zones (1-based) the instances live in; exactly one for a zonal service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend(
        "x-default" = "zone-redundant: every zone of the primary region; zonal: the deployment's zone"
    ))]
    pub zones: Option<Vec<u32>>,
    /// Instances in each zone; at least 1. With `capacity_per_instance` it sets the capacity that
    /// requests queue for (`[clients]`).
    #[serde(default = "defaults::one")]
    pub instances_per_zone: u32,
    /// k of k-of-n: the service is up while at least this many of its zones are healthy; between
    /// 1 and the number of zones.
    #[serde(default = "defaults::one")]
    pub min_healthy_zones: u32,
    /// Failover window of a zone-redundant service when it loses a zone: the service is down
    /// (clients see 409 Conflict) for this long. Zone-redundant services only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = defaults::described::failover()))]
    pub failover: Option<Dist>,
    /// Backup policy, for a service whose data can be lost (a database, a storage account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "none: the service keeps no data that can be lost"))]
    pub backup: Option<BackupEntry>,
    /// Requests per second one instance serves (with `[clients]`); > 0. The defaults are
    /// assumptions: there are no public per-instance figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = defaults::described::capacity_per_instance()))]
    pub capacity_per_instance: Option<f64>,
    /// Delay until the instances lost with a zone are back-filled in the surviving zones (with
    /// `[clients]`: capacity returns then). The default is an assumption for "best-effort".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = defaults::described::backfill()))]
    pub backfill: Option<Dist>,
}

/// A user-facing feature: up while every service it needs is up. Availability is measured per
/// feature and per plane (a plane is up while all its features are).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeatureEntry {
    /// Unique name, as `[clients] mix` and metric paths (`availability.<name>`) refer to it.
    /// Letters, digits, `-`, `_` and `.`.
    pub name: String,
    /// The plane the feature belongs to.
    #[serde(default = "defaults::plane")]
    pub plane: Plane,
    /// Names of the services the feature needs; at least one.
    pub services: Vec<String>,
    /// Audio/video: unavailable while its plane is served from the paired region (media is not
    /// failed over).
    #[serde(default)]
    pub media: bool,
}

/// A pool of repair crews, named by failure processes (`crew`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CrewEntry {
    /// Unique name, as `[[failures]] crew` refers to it.
    pub name: String,
    /// Repairs the pool works on at the same time; at least 1. Further failures wait in line.
    pub size: u32,
}

/// A random failure process: failures and repairs alternate, independently in each zone (and
/// each service, for a `service-outage`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailureEntry {
    /// Unique name, as traces refer to the process.
    pub name: String,
    /// What fails.
    pub kind: FailureKind,
    /// Zones (1-based) of the primary region with a process each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "every zone of the primary region"))]
    pub zones: Option<Vec<u32>>,
    /// Names of the services that fail (`service-outage` only), each with a process per zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "`service-outage`: every service"))]
    pub services: Option<Vec<String>>,
    /// Region that fails: for a `region-disaster` the primary, its pair or any other region (one
    /// sharing the pair competes for it); for a `zone-outage` the primary or the pair (zone 1 of
    /// the pair hosts a recovered deployment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the primary region"))]
    pub region: Option<String>,
    /// Time from a repair (or the start) to the next failure, e.g. `"exp(mean=5y)"`; not always 0.
    pub time_to_failure: Dist,
    /// Repair time once a crew works on it; for a `zone-destruction`, the time to rebuild the
    /// zone.
    pub time_to_repair: Dist,
    /// Crew pool that does the repairs (a `[[crews]]` name); a failure waits for a free crew. Not
    /// for a `region-disaster`, which ends when the region comes back by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "none: repairs start at once"))]
    pub crew: Option<String>,
    /// Time to redeploy the zone's zonal services elsewhere from backups (`zone-destruction`
    /// only, and required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-required" = "for `zone-destruction`"))]
    pub restore: Option<Dist>,
    /// Probability, in [0, 1], that a disaster destroys the region's data (`region-disaster`
    /// only): the data plane then loses everything since the newest backup usable in the pair.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = defaults::described::destroys_data()))]
    pub destroys_data: Option<f64>,
}

/// A scripted fault: one failure at a fixed time in every replication, for drills.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FaultEntry {
    /// What fails.
    pub kind: FailureKind,
    /// Region hit: the primary, or for a `zone-outage` or `region-disaster` the pair (zone 1 of
    /// the pair hosts a recovered deployment), or for a `region-disaster` any other region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-default" = "the primary region"))]
    pub region: Option<String>,
    /// Zone (1-based) the fault hits; not for a `region-disaster`, which takes every zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-required" = "except for `region-disaster`"))]
    pub zone: Option<u32>,
    /// Name of the service that fails (`service-outage` only, and required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-required" = "for `service-outage`"))]
    pub service: Option<String>,
    /// When the fault starts, from the start of the replication; within the horizon.
    pub at: HumanDuration,
    /// How long it lasts: a distribution, or a plain duration for a fixed length.
    pub duration: Dist,
    /// Time to redeploy the zone's zonal services elsewhere (`zone-destruction` only, and
    /// required there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-required" = "for `zone-destruction`"))]
    pub restore: Option<Dist>,
    /// The region's data is destroyed (`region-disaster` only).
    #[serde(default)]
    pub destroys_data: bool,
}
