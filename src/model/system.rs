//! The validated scenario: every name resolved to an index, every number checked, so the
//! simulation never sees bad input.

use super::distribution::Dist;
use super::regions::Region;
use super::vocabulary::{DataPlaneMode, FailureKind, Placement, Plane, RegionRole, ServiceKind, Sku};
use crate::engine::{SimDuration, SimTime};

/// A validated scenario, ready to simulate. Built only by the scenario layer's validation; it
/// is read-only from then on (a changed scenario is validated again from its source).
#[derive(Debug)]
pub struct Scenario {
    /// Short name (results directory).
    pub name: String,
    /// Length of one replication.
    pub horizon: SimDuration,
    /// Excluded initial period.
    pub warmup: SimDuration,
    /// Monte Carlo replications to run (each an independent history of the horizon).
    pub replications: u64,
    /// Master seed.
    pub seed: u64,
    /// Write `replications.csv`.
    pub replication_rows: bool,
    /// Primary region.
    pub region: Region,
    /// Its pair (DR side).
    pub pair: Region,
    /// Zones modelled in the pair: its zone count, or 1 (its datacenter). A recovered deployment
    /// runs zonal in the pair's first zone.
    pub pair_zones: u32,
    /// SKU: sets the restore throughput of the database and the default client population.
    pub sku: Sku,
    /// Data-plane mode.
    pub data_plane: DataPlaneMode,
    /// Managed DR enabled.
    pub disaster_recovery: bool,
    /// Zones modelled in the primary region: its zone count, or 1 for a region without zones
    /// (its single datacenter).
    pub zones: u32,
    /// Targets, indexed by [`Plane::index`].
    pub targets: [Targets; 2],
    /// Confidence level of the verdicts on the targets.
    pub verdict_confidence: f64,
    /// The dependency services, in file order (indices used by features and failures).
    pub services: Vec<Service>,
    /// The user-facing features, in file order (at most 64).
    pub features: Vec<Feature>,
    /// Crew pools.
    pub crews: Vec<Crew>,
    /// Random failure processes.
    pub failures: Vec<FailureProcess>,
    /// Scripted faults.
    pub faults: Vec<Fault>,
    /// Request-level client model, when the scenario has `[clients]`.
    pub clients: Option<super::clients::ClientModel>,
    /// The regional disaster-recovery plan (defaults when the file has no `[recovery]`).
    pub recovery: super::recovery_plan::RecoveryPlan,
    /// Importance sampling of region disasters, when `[importance_sampling]` is set.
    pub importance_sampling: Option<ImportanceSampling>,
    /// Expectations of `[expect]`, in file order (empty without one); `check` judges them.
    pub expectations: Vec<super::metric::Expectation>,
}

/// Validated `[importance_sampling]`: every simulated region-disaster process has an exponential
/// time to failure, so its likelihood ratio is known in closed form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImportanceSampling {
    /// Factor (finite, > 0) multiplying every region-disaster rate while sampling.
    pub region_disaster_rate_factor: f64,
}

/// Targets of one plane, in ticks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Targets {
    /// Recovery point objective.
    pub rpo: SimDuration,
    /// Recovery time objective.
    pub rto: SimDuration,
    /// Probability with which an incident must meet the RTO.
    pub rto_probability: f64,
    /// Probability with which an incident must meet the RPO.
    pub rpo_probability: f64,
}

/// A validated service.
#[derive(Clone, Debug)]
pub struct Service {
    /// Unique name, as in the file.
    pub name: String,
    /// What it is (sets its default failover window and capacity).
    pub kind: ServiceKind,
    /// The plane whose features may depend on it.
    pub plane: Plane,
    /// One zone, or spread over several.
    pub placement: Placement,
    /// Zones (1-based, sorted, unique).
    pub zones: Vec<u32>,
    /// Instances in each of its zones (their capacity serves the clients' requests).
    pub instances_per_zone: u32,
    /// Healthy zones needed.
    pub min_healthy_zones: u32,
    /// Failover window after losing a zone.
    pub failover: Dist,
    /// Backup policy of a store.
    pub backup: Option<BackupPolicy>,
    /// Real requests per second one instance serves.
    pub capacity_per_instance: f64,
    /// Back-fill delay of instances lost with a zone.
    pub backfill: Dist,
}

/// A validated backup policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BackupPolicy {
    /// Time between backups.
    pub interval: SimDuration,
    /// Delay until a backup is usable from another zone.
    pub copy_lag: SimDuration,
    /// Probability a backup fails, in [0, 1).
    pub failure_probability: f64,
    /// Copy lag to the paired region.
    pub pair_copy_lag: SimDuration,
}

/// A validated feature.
#[derive(Clone, Debug)]
pub struct Feature {
    /// Unique name; also its key in `availability.<name>`.
    pub name: String,
    /// The plane it belongs to: the plane is up when all its features are.
    pub plane: Plane,
    /// Indices of the services it needs.
    pub services: Vec<usize>,
    /// Audio/video (down while served from the pair).
    pub media: bool,
}

/// A crew pool.
#[derive(Clone, Debug)]
pub struct Crew {
    /// Unique name, referenced by failure processes.
    pub name: String,
    /// Concurrent repairs.
    pub size: u32,
}

/// A validated failure process declaration.
#[derive(Clone, Debug)]
pub struct FailureProcess {
    /// Unique name (named in `incidents.csv` as the cause).
    pub name: String,
    /// What fails: a zone, a service in a zone, a zone and its data, or the region.
    pub kind: FailureKind,
    /// Zones (one process each).
    pub zones: Vec<u32>,
    /// Services (service-outage: one process per service and zone).
    pub services: Vec<usize>,
    /// Time from start or repair to the next failure.
    pub time_to_failure: Dist,
    /// Repair time once a crew works on it (a region disaster: the outage's length).
    pub time_to_repair: Dist,
    /// Crew pool index; `None` = unlimited.
    pub crew: Option<usize>,
    /// Restore time of zonal services after a destruction.
    pub restore: Option<Dist>,
    /// Region disasters: probability the region's data is destroyed.
    pub destroys_data: f64,
    /// The region it strikes: the primary (default), the pair (zone outages and region
    /// disasters), or another region (region disasters).
    pub region: RegionRole,
    /// That region's name.
    pub region_name: String,
}

/// A validated scripted fault.
#[derive(Clone, Debug)]
pub struct Fault {
    /// What fails.
    pub kind: FailureKind,
    /// Zone hit.
    pub zone: u32,
    /// Service hit (service-outage).
    pub service: Option<usize>,
    /// When it starts.
    pub at: SimTime,
    /// How long it lasts (sampled per replication).
    pub duration: Dist,
    /// Restore time after a destruction.
    pub restore: Option<Dist>,
    /// Region disasters: the region's data is destroyed.
    pub destroys_data: bool,
    /// The region it strikes (see [`FailureProcess::region`]).
    pub region: RegionRole,
    /// That region's name.
    pub region_name: String,
}

impl Scenario {
    /// What the reader of this scenario's results must know before trusting them, one sentence
    /// each: today, that nothing in it can ever fail (no `[[failures]]` and no `[[faults]]`), so
    /// that its 100 % availability is by construction, not a finding.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.failures.is_empty() && self.faults.is_empty() {
            out.push(
                "nothing can fail in this scenario: it has no [[failures]] and no [[faults]], so its availability \
                 is 100 % by construction; add a failure process or a fault"
                    .to_string(),
            );
        }
        out
    }

    /// Whether a regional disaster of the primary can happen (a random process or a drill).
    pub fn has_region_disasters(&self) -> bool {
        self.failures
            .iter()
            .any(|f| f.kind == FailureKind::RegionDisaster && f.region == RegionRole::Primary)
            || self
                .faults
                .iter()
                .any(|f| f.kind == FailureKind::RegionDisaster && f.region == RegionRole::Primary)
    }
}
