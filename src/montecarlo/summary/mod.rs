//! `summary.json`: the run's metadata and every summary statistic, built from [`RunStats`].
//!
//! Every number derives from exactly merged integer state, and serde_json prints floats with the
//! shortest round-trip representation, so equal statistics give byte-identical files.
//!
//! Planes and features are keyed by name (`zone_incidents.data_plane.rto.p95`), so the key path
//! of a value is its metric path (see [`crate::model::metric`]); [`SCHEMA_VERSION`] says which
//! layout a file has.

mod clients;
mod critical_path;
mod disasters;
mod importance;
mod keyed;
mod objectives;
mod planes;

pub use clients::{ClientDisasters, ClientsSummary, FeatureFailures};
pub use critical_path::{MissCauses, PlaneCriticalPath};
pub use disasters::{DisasterPlane, RegionDisasterSummary};
pub use importance::{ImportancePlane, ImportanceSamplingSummary};
pub(super) use keyed::plane_key;
pub use keyed::{Keyed, PerPlane};
pub use objectives::{Compliance, Interval, MeetInterval, ObjectiveVerdict, PlaneObjectives, Scoped, z_of};
pub use planes::{AvailabilitySection, FeatureAvailability, Misses, PlaneIncidents};

use crate::engine::duration::format_duration;
use crate::montecarlo::RunStats;
use crate::scenario::Plan;
use serde::{Deserialize, Serialize};

/// The layout of `summary.json`, its first key. Version 3 adds the verdicts (`objectives`) and
/// the critical paths (`critical_path`); version 2 keys planes and features by name and names
/// every value by its metric path; version 1 (no `schema_version`) held them in arrays.
pub const SCHEMA_VERSION: u32 = 3;

/// The whole `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Version of this file's layout ([`SCHEMA_VERSION`]); it changes when a key moves.
    pub schema_version: u32,
    /// Tool name and version.
    pub tool: ToolInfo,
    /// Scenario name and hash.
    pub scenario: ScenarioInfo,
    /// Master seed.
    pub seed: u64,
    /// Replications run.
    pub replications: u64,
    /// Horizon of each replication, as a duration string.
    pub horizon: String,
    /// Horizon in seconds.
    pub horizon_s: f64,
    /// Excluded warm-up, seconds.
    pub warmup_s: f64,
    /// Random-number generator and seeding scheme.
    pub generator: String,
    /// Mean engine events per replication.
    pub events_per_replication: f64,
    /// Per plane and objective, the verdicts on zone incidents, regional disasters and all.
    pub objectives: PerPlane<PlaneObjectives>,
    /// Availability of every feature and plane.
    pub availability: AvailabilitySection,
    /// Zone-incident RTO/RPO per plane.
    pub zone_incidents: PerPlane<PlaneIncidents>,
    /// Zone incidents and regional disasters that missed the targets, per replication and plane.
    pub misses_per_replication: PerPlane<Misses>,
    /// Per plane, where the incidents' time went and why they missed the targets.
    pub critical_path: PerPlane<PlaneCriticalPath>,
    /// What the clients saw, when the scenario has `[clients]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<ClientsSummary>,
    /// Regional disasters and backup-based recovery, when the scenario can have them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_disasters: Option<RegionDisasterSummary>,
    /// How a `run --precision` stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopping: Option<Stopping>,
    /// Weighted estimates, when the scenario has importance sampling (every other section then
    /// describes the tilted distribution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance_sampling: Option<ImportanceSamplingSummary>,
    /// Two-level runs: every metric over the draws of the uncertain parameters (the sections
    /// above then hold the pooled, predictive estimates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<super::uncertainty::UncertaintySummary>,
}

/// Why a run to precision stopped, and after how many replications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stopping {
    /// The metric watched (its path).
    pub metric: String,
    /// Wanted half-width of its 95 % interval (seconds for durations).
    pub target_half_width: f64,
    /// Half-width reached (`null` when it could not be computed).
    pub achieved_half_width: Option<f64>,
    /// Replications run.
    pub replications: u64,
    /// `precision reached` or `maximum replications reached`.
    pub reason: String,
}

/// Tool metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ToolInfo {
    /// `outage-sim`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

/// Scenario metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// `sha256:` of the canonical scenario.
    pub hash: String,
}

impl Summary {
    /// Builds the summary of a finished run (of at least one replication).
    pub fn new(s: &Plan, stats: &RunStats) -> Summary {
        Summary {
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: env!("CARGO_PKG_NAME").into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            scenario: ScenarioInfo {
                name: s.name.clone(),
                hash: s.hash(),
            },
            seed: s.seed,
            replications: stats.replications,
            horizon: format_duration(s.horizon),
            horizon_s: s.horizon.as_secs_f64(),
            warmup_s: s.warmup.as_secs_f64(),
            generator: "xoshiro256++ per (seed, replication, mechanism), SplitMix64 key schedule".into(),
            events_per_replication: stats.events as f64 / stats.replications.max(1) as f64,
            objectives: objectives::objectives(s, stats),
            availability: planes::availability(s, stats),
            zone_incidents: PerPlane::new(|p| planes::incidents(s, stats, p)),
            misses_per_replication: PerPlane::new(|p| planes::misses(stats, p)),
            critical_path: critical_path::summary(stats),
            clients: s
                .clients
                .as_ref()
                .zip(stats.clients.as_ref())
                .map(|(cm, c)| clients::summary(s, cm, c)),
            region_disasters: stats.disasters.as_ref().map(|d| disasters::summary(s, d)),
            stopping: None,
            importance_sampling: stats
                .importance_sampling
                .as_ref()
                .and_then(|i| importance::summary(s, i)),
            uncertainty: None,
        }
    }

    /// The JSON text (pretty, trailing newline).
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("summary serializes");
        out.push(b'\n');
        out
    }

    /// Reads `summary.json`, refusing another [`SCHEMA_VERSION`] by name (a file of version 1
    /// has no `schema_version`).
    pub fn from_json(bytes: &[u8]) -> Result<Summary, String> {
        #[derive(Deserialize)]
        struct Version {
            schema_version: Option<u32>,
        }
        let version = serde_json::from_slice::<Version>(bytes)
            .map_err(|e| e.to_string())?
            .schema_version
            .unwrap_or(1);
        if version != SCHEMA_VERSION {
            return Err(format!(
                "summary schema version {version}, and this outage-sim reads version {SCHEMA_VERSION}; \
                 run the scenario again (its scenario.toml repeats the run)"
            ));
        }
        serde_json::from_slice(bytes).map_err(|e| e.to_string())
    }
}
