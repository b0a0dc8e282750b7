//! `summary.json`: the run's metadata and every summary statistic, built from [`RunStats`].
//!
//! Every number derives from exactly merged integer state, and serde_json prints floats with the
//! shortest round-trip representation, so equal statistics give byte-identical files.

use crate::engine::duration::format_duration;
use crate::model::Plane;
use crate::model::Scenario;
use crate::model::clients::{ClientModel, ClientStats, FinalStatus};
use crate::montecarlo::{DisasterStats, RunStats};
use crate::scenario::Plan;
use crate::stats::{AvailabilitySummary, DurationSummary, Proportion, ProportionSummary};
use serde::{Deserialize, Serialize};

/// The whole `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Tool name and version.
    pub tool: ToolInfo,
    /// Scenario name and hash.
    pub scenario: ScenarioInfo,
    /// Master seed.
    pub seed: u64,
    /// Replications run.
    pub replications: u64,
    /// Horizon of each replication (duration string and seconds).
    pub horizon: String,
    /// Horizon in seconds.
    pub horizon_s: f64,
    /// Excluded warm-up, seconds.
    pub warmup_s: f64,
    /// Random-number generator and seeding scheme.
    pub generator: String,
    /// Mean engine events per replication.
    pub events_per_replication: f64,
    /// Availability of every feature and plane.
    pub availability: AvailabilitySection,
    /// Zone-incident RTO/RPO per plane.
    pub zone_incidents: Vec<PlaneIncidents>,
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
    pub importance_sampling: Option<super::importance_summary::ImportanceSamplingSummary>,
}

/// Why a run to precision stopped, and after how many replications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stopping {
    /// The metric watched.
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

/// Regional disasters: achieved RPO/RTO per plane against the targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionDisasterSummary {
    /// Disasters in all replications.
    pub disasters: u64,
    /// Mean disasters per replication.
    pub per_replication: f64,
    /// Disasters whose recovery started (consent before the primary came back).
    pub dr_started: u64,
    /// Disasters that destroyed the region's data.
    pub destroyed: u64,
    /// Per plane.
    pub planes: Vec<DisasterPlane>,
    /// From the disaster to a read-only control plane in the pair (when it failed over).
    pub control_plane_read_only: Option<DurationSummary>,
    /// From the disaster to a fully operational control plane.
    pub control_plane_full: Option<DurationSummary>,
    /// Audio/video unavailable per disaster.
    pub media_unavailable: Option<DurationSummary>,
    /// Time media uploads were at risk per disaster.
    pub uploads_at_risk: Option<DurationSummary>,
}

/// One plane through regional disasters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisasterPlane {
    /// The plane.
    pub plane: Plane,
    /// RPO target, seconds.
    pub target_rpo_s: f64,
    /// RTO target, seconds.
    pub target_rto_s: f64,
    /// Disasters in which it served from the pair before the primary returned.
    pub failed_over: u64,
    /// Not serving again at the horizon.
    pub censored: u64,
    /// Data lost outright.
    pub data_lost: u64,
    /// Achieved RTO.
    pub rto: Option<DurationSummary>,
    /// Achieved RPO (where data was kept or restored).
    pub rpo: Option<DurationSummary>,
    /// P(achieved RTO ≤ target) per disaster.
    pub p_meet_rto: Option<ProportionSummary>,
    /// P(achieved RPO ≤ target) per disaster (lost data is a miss).
    pub p_meet_rpo: Option<ProportionSummary>,
}

/// Client metrics. Counts are of simulated requests (one stands for `scale` real ones);
/// fractions, amplification and times do not depend on the sample size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientsSummary {
    /// Real clients.
    pub population: u64,
    /// Simulated clients.
    pub sample: u32,
    /// Real clients per simulated one.
    pub scale: f64,
    /// Retry policy, as resolved.
    pub retry_policy: String,
    /// Disruption episodes simulated at request level.
    pub episodes: u64,
    /// Logical requests (simulated).
    pub logical_requests: u64,
    /// Attempts, first ones and retries (simulated).
    pub attempts: u64,
    /// Attempts per logical request.
    pub retry_amplification: f64,
    /// Throttled attempts (simulated).
    pub throttled_attempts: u64,
    /// Fraction of logical requests that failed for the user, with a Wilson interval.
    pub user_visible_failures: Option<ProportionSummary>,
    /// Failed logical requests by final status (`409`, `429`, `503`, `timeout`, `terminated`, `other`).
    pub failures_by_status: Vec<StatusCount>,
    /// Per feature: logical requests and failures.
    pub failures_by_feature: Vec<FeatureFailures>,
    /// Time from first attempt to final answer of logical requests.
    pub latency: Option<DurationSummary>,
    /// Per client that saw a failure: from the end of the trigger (the failover) to its first
    /// successful attempt after it.
    pub reconnect: Option<DurationSummary>,
    /// Clients still failing when their episode's simulation ended.
    pub not_reconnected: u64,
    /// Per replication with at least one episode: time the entry services were overloaded
    /// (queueing delay above the threshold) after the trigger ended.
    pub overloaded_after_trigger: Option<DurationSummary>,
}

/// Count of one final status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusCount {
    /// Status name.
    pub status: String,
    /// Failed logical requests that ended with it.
    pub failed: u64,
}

/// Failures of one feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureFailures {
    /// Feature.
    pub name: String,
    /// Logical requests.
    pub logical_requests: u64,
    /// Failed ones.
    pub failed: u64,
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

/// Availability per feature and per plane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AvailabilitySection {
    /// In scenario order.
    pub features: Vec<NamedAvailability>,
    /// Control plane, then data plane.
    pub planes: Vec<NamedAvailability>,
}

/// One availability figure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NamedAvailability {
    /// Feature or plane name.
    pub name: String,
    /// The plane it belongs to.
    pub plane: Plane,
    /// The estimate and its interval.
    #[serde(flatten)]
    pub value: AvailabilitySummary,
}

/// Incident statistics of one plane.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaneIncidents {
    /// The plane.
    pub plane: Plane,
    /// Targets, seconds.
    pub target_rpo_s: f64,
    /// Targets, seconds.
    pub target_rto_s: f64,
    /// Incidents in all replications.
    pub incidents: u64,
    /// Of which only failover windows.
    pub failover_incidents: u64,
    /// Of which outright outages.
    pub outage_incidents: u64,
    /// Of which still open at the horizon (RTO censored).
    pub censored_incidents: u64,
    /// Mean incidents per replication.
    pub incidents_per_replication: f64,
    /// Its standard error.
    pub incidents_per_replication_se: Option<f64>,
    /// Achieved RTO of completed incidents.
    pub rto: Option<DurationSummary>,
    /// Achieved RPO.
    pub rpo: Option<DurationSummary>,
    /// P(achieved RTO ≤ target) per incident.
    pub p_meet_rto: Option<ProportionSummary>,
    /// P(achieved RPO ≤ target) per incident.
    pub p_meet_rpo: Option<ProportionSummary>,
}

impl Summary {
    /// Builds the summary of a finished run.
    pub fn new(s: &Plan, stats: &RunStats) -> Summary {
        let planes = Plane::ALL;
        Summary {
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
            availability: AvailabilitySection {
                features: s
                    .features
                    .iter()
                    .zip(&stats.features)
                    .map(|(f, a)| NamedAvailability {
                        name: f.name.clone(),
                        plane: f.plane,
                        value: a.summary().expect("at least one replication"),
                    })
                    .collect(),
                planes: planes
                    .iter()
                    .map(|&p| NamedAvailability {
                        name: p.key().into(),
                        plane: p,
                        value: stats.planes[p.index()]
                            .availability
                            .summary()
                            .expect("at least one replication"),
                    })
                    .collect(),
            },
            zone_incidents: planes
                .iter()
                .map(|&p| {
                    let ps = &stats.planes[p.index()];
                    let t = s.targets[p.index()];
                    PlaneIncidents {
                        plane: p,
                        target_rpo_s: t.rpo.as_secs_f64(),
                        target_rto_s: t.rto.as_secs_f64(),
                        incidents: ps.failover_incidents + ps.outage_incidents,
                        failover_incidents: ps.failover_incidents,
                        outage_incidents: ps.outage_incidents,
                        censored_incidents: ps.censored_incidents,
                        incidents_per_replication: ps.incidents_per_replication.mean().unwrap_or(0.0),
                        incidents_per_replication_se: ps.incidents_per_replication.std_error(),
                        rto: ps.rto.summary(),
                        rpo: ps.rpo.summary(),
                        p_meet_rto: ps.meet_rto.summary(),
                        p_meet_rpo: ps.meet_rpo.summary(),
                    }
                })
                .collect(),
            clients: s
                .clients
                .as_ref()
                .zip(stats.clients.as_ref())
                .map(|(cm, c)| clients_summary(s, cm, c)),
            region_disasters: stats.disasters.as_ref().map(|d| disaster_summary(s, d)),
            stopping: None,
            importance_sampling: stats
                .importance_sampling
                .as_ref()
                .and_then(|i| super::importance_summary::importance_summary(s, i)),
        }
    }

    /// The JSON text (pretty, trailing newline).
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("summary serializes");
        out.push(b'\n');
        out
    }
}

fn clients_summary(s: &Scenario, cm: &ClientModel, c: &ClientStats) -> ClientsSummary {
    let mut failures = Proportion::new();
    failures.record_many(c.failed(), c.logical);
    ClientsSummary {
        population: cm.population,
        sample: cm.sample,
        scale: cm.scale,
        retry_policy: cm.policy.describe(),
        episodes: c.episodes,
        logical_requests: c.logical,
        attempts: c.attempts,
        retry_amplification: if c.logical == 0 {
            0.0
        } else {
            c.attempts as f64 / c.logical as f64
        },
        throttled_attempts: c.throttled,
        user_visible_failures: failures.summary(),
        failures_by_status: FinalStatus::NAMES
            .iter()
            .zip(c.failed_by_status)
            .map(|(n, failed)| StatusCount {
                status: (*n).to_string(),
                failed,
            })
            .collect(),
        failures_by_feature: s
            .features
            .iter()
            .enumerate()
            .filter(|(i, _)| c.logical_by_feature[*i] > 0)
            .map(|(i, f)| FeatureFailures {
                name: f.name.clone(),
                logical_requests: c.logical_by_feature[i],
                failed: c.failed_by_feature[i],
            })
            .collect(),
        latency: c.latency.summary(),
        reconnect: c.reconnect.summary(),
        not_reconnected: c.not_reconnected,
        overloaded_after_trigger: c.overloaded_after_trigger.summary(),
    }
}

fn disaster_summary(s: &Scenario, d: &DisasterStats) -> RegionDisasterSummary {
    RegionDisasterSummary {
        disasters: d.disasters,
        per_replication: d.per_replication.mean().unwrap_or(0.0),
        dr_started: d.dr_started,
        destroyed: d.destroyed,
        planes: Plane::ALL
            .iter()
            .map(|&plane| {
                let p = &d.planes[plane.index()];
                let t = s.targets[plane.index()];
                DisasterPlane {
                    plane,
                    target_rpo_s: t.rpo.as_secs_f64(),
                    target_rto_s: t.rto.as_secs_f64(),
                    failed_over: p.failed_over,
                    censored: p.censored,
                    data_lost: p.data_lost,
                    rto: p.rto.summary(),
                    rpo: p.rpo.summary(),
                    p_meet_rto: p.meet_rto.summary(),
                    p_meet_rpo: p.meet_rpo.summary(),
                }
            })
            .collect(),
        control_plane_read_only: d.control_plane_read_only.summary(),
        control_plane_full: d.control_plane_full.summary(),
        media_unavailable: d.media_unavailable.summary(),
        uploads_at_risk: d.uploads_at_risk.summary(),
    }
}
