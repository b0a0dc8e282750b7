//! What one replication produces: downtime per feature and plane, and its incidents.

use super::topology::Status as ServiceStatus;
use crate::engine::{SimDuration, SimTime};
use crate::model::Plane;
use crate::model::Scenario;
use crate::model::metric::{Objective, Scope};

/// How bad an incident was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncidentKind {
    /// Only zone-redundant failover windows: a brief interruption, no data loss.
    Failover,
    /// Some service was down outright.
    Outage,
    /// The brief disruption of failing back from the paired region to the primary.
    Failback,
}

impl IncidentKind {
    /// Name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentKind::Failover => "failover",
            IncidentKind::Outage => "outage",
            IncidentKind::Failback => "failback",
        }
    }
}

/// What started an incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A random failure process (index into the replication's process list).
    Process(u32),
    /// A scripted fault (index into the scenario's faults).
    Fault(u32),
    /// The failback after a regional disaster.
    Failback,
    /// Anything else (should not start incidents).
    Other,
}

impl Cause {
    /// For people: `zone-power-cooling: zone 2 outage`, `scripted fault 0: zone 2 outage`, ...
    pub fn describe(self, s: &Scenario, procs: &[super::Process]) -> String {
        match self {
            Cause::Process(p) => procs[p as usize].describe(s),
            Cause::Fault(i) => format!(
                "scripted fault {i}: {}",
                super::Target::of_fault(&s.faults[i as usize]).describe(s)
            ),
            Cause::Failback => "failback to the primary region".to_string(),
            Cause::Other => String::new(),
        }
    }
}

/// One period during which a plane was not fully up.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    /// The plane that was down.
    pub plane: Plane,
    /// When it went down.
    pub start: SimTime,
    /// When it was fully up again (the horizon when censored).
    pub end: SimTime,
    /// Still open at the horizon: `end - start` is only a lower bound of the RTO.
    pub censored: bool,
    /// Achieved RPO: data lost, as the age of the newest restored recovery point (0 if none).
    pub rpo: SimDuration,
    /// Failover only, or outage.
    pub kind: IncidentKind,
    /// What started it.
    pub cause: Cause,
    /// Bit i set when feature i was down at some point during the incident.
    pub features_down: u64,
    /// Opened by a disaster of the primary region (reported with the disaster, not as a zone
    /// incident).
    pub regional: bool,
    /// The plane came back on the primary after the region's data was destroyed: nothing
    /// restored it, its data is lost (`rpo` is then meaningless).
    pub data_lost: bool,
    /// The recovery into the pair that this incident was part of (index into
    /// [`ReplicationOutcome::recoveries`]).
    pub recovery: Option<u32>,
    /// What the plane waited on, step by step; the segments add up to the RTO.
    pub rto_path: super::CriticalPath,
    /// What its RPO came from.
    pub rpo_cause: super::RpoCause,
}

impl Incident {
    /// Achieved RTO (a lower bound when censored).
    pub fn rto(&self) -> SimDuration {
        self.end.saturating_since(self.start)
    }

    /// A zone-level incident: not opened by a region disaster, not a failback.
    pub fn is_zone_level(&self) -> bool {
        !self.regional && self.kind != IncidentKind::Failback
    }
}

/// One recovery into the paired region: requested after a detected outage, raced by the natural
/// recovery of the primary.
#[derive(Clone, Debug, PartialEq)]
pub struct Recovery {
    /// The failure or fault whose outage triggered the request.
    pub trigger: Cause,
    /// When that outage began.
    pub start: SimTime,
    /// Whether consent was refused.
    pub refused: bool,
    /// When consent was given (the pipeline starts then, or when the pair is up again).
    pub consented: Option<SimTime>,
    /// When each plane (by [`Plane::index`]) began serving from the pair.
    pub pair_served: [Option<SimTime>; 2],
    /// The stages that ran, in order of start (a stage overtaken by the natural recovery keeps
    /// its planned end).
    pub stages: Vec<super::recovery::Stage>,
    /// The pair had no room left for the data plane (it waited for the primary).
    pub no_room: bool,
}

impl Recovery {
    /// How the recovery ended for `plane`: `pair` (served from the pair), `refused` (no consent),
    /// or `natural` (the primary came back first).
    pub fn outcome(&self, plane: Plane) -> &'static str {
        if self.pair_served[plane.index()].is_some() {
            "pair"
        } else if self.refused {
            "refused"
        } else {
            "natural"
        }
    }
}

/// Everything a replication reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplicationOutcome {
    /// Replication index.
    pub replication: u64,
    /// Downtime of each feature inside the observation window, ticks.
    pub feature_downtime: Vec<u64>,
    /// Downtime of each plane (indexed by [`Plane::index`]), ticks.
    pub plane_downtime: [u64; 2],
    /// Incidents that started inside the observation window.
    pub incidents: Vec<Incident>,
    /// Events the engine delivered.
    pub events: u64,
    /// Changes of service status and healthy zones, in time order (only when the model records
    /// them, see [`Model::recording_status`](super::Model::recording_status)).
    pub status_log: Vec<StatusChange>,
    /// Regional disasters that started inside the observation window.
    pub disasters: Vec<Disaster>,
    /// Recoveries into the pair requested during the replication (incidents refer to them).
    pub recoveries: Vec<Recovery>,
    /// What the clients saw, when the scenario has `[clients]`.
    pub clients: Option<crate::model::clients::ClientOutcome>,
    /// Under importance sampling, the replication's likelihood ratio (its weight): the density of
    /// its path under the scenario's rates over that under the tilted rates it was sampled from.
    pub likelihood_ratio: Option<f64>,
    /// The replication was stopped at its event budget (see [`Model::with_budget`]
    /// (super::Model::with_budget)): the rest of this outcome is cut short and must not be used.
    pub exceeded: Option<BudgetExceeded>,
}

/// Default budget of engine events per replication (`run --max-events`): a scenario that needs
/// more (a failure every second over decades) is stopped with an error naming its busiest failure
/// process, rather than running for hours. A 10 000-year replication of the shipped scenarios
/// needs about 250 000.
pub const DEFAULT_MAX_EVENTS: u64 = 20_000_000;

/// Default budget of incidents per replication (`run --max-incidents`): what bounds the memory
/// of one replication (an incident and its recovery take a few hundred bytes). A 10 000-year
/// replication of the shipped scenarios has about 85 000.
pub const DEFAULT_MAX_INCIDENTS: u64 = 1_000_000;

/// A replication stopped at its event budget, and the failure process that drove it there.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetExceeded {
    /// Which replication.
    pub replication: u64,
    /// What ran out: `"events"` or `"incidents"`.
    pub what: &'static str,
    /// The budget it reached.
    pub limit: u64,
    /// Simulated time reached, seconds.
    pub at_secs: f64,
    /// The failure process that failed most often (`name` and target), and how often; or what
    /// else filled the budget (the clients model).
    pub culprit: String,
    /// What to check in the scenario.
    pub advice: &'static str,
}

impl std::fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "replication {} reached the budget of {} {} after {} of simulated time; {}. \
             {}, or raise the budget with --max-{}",
            self.replication,
            self.limit,
            self.what,
            crate::engine::duration::format_duration(crate::engine::SimDuration::from_secs_f64(self.at_secs)),
            self.culprit,
            self.advice,
            self.what
        )
    }
}

impl ReplicationOutcome {
    /// Zone incidents and regional disasters of this replication whose achieved `objective` of
    /// `plane` missed its target; data lost outright is an RPO miss. An incident still open at
    /// the horizon counts by its RTO so far (a miss once that is past the target).
    pub fn misses(&self, s: &Scenario, plane: Plane, objective: Objective) -> u64 {
        self.misses_in(s, plane, objective, Scope::All)
    }

    /// [`ReplicationOutcome::misses`] among the zone incidents, the disasters, or both.
    pub fn misses_in(&self, s: &Scenario, plane: Plane, objective: Objective, scope: Scope) -> u64 {
        let t = s.targets[plane.index()];
        let horizon = SimTime(s.horizon.ticks());
        let zone = match scope {
            Scope::RegionDisasters => 0,
            _ => self
                .zone_incidents(plane)
                .filter(|i| match objective {
                    Objective::Rto => i.rto() > t.rto,
                    Objective::Rpo => i.data_lost || i.rpo > t.rpo,
                })
                .count(),
        };
        let regional = match scope {
            Scope::ZoneIncidents => 0,
            _ => self
                .disasters
                .iter()
                .filter(|d| match objective {
                    Objective::Rto => d.rto(plane, horizon).0 > t.rto,
                    Objective::Rpo => d.rpo[plane.index()].is_none_or(|x| x > t.rpo),
                })
                .count(),
        };
        (zone + regional) as u64
    }

    /// The zone-level incidents of `plane` ([`Incident::is_zone_level`]).
    pub fn zone_incidents(&self, plane: Plane) -> impl Iterator<Item = &Incident> {
        self.incidents
            .iter()
            .filter(move |i| i.plane == plane && i.is_zone_level())
    }
}

/// A service's status or set of healthy zones changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChange {
    /// When.
    pub time: SimTime,
    /// Service index.
    pub service: u32,
    /// Its status from now on.
    pub status: ServiceStatus,
    /// Zones it serves from now on (bit z-1 for zone z).
    pub healthy_zones: u32,
    /// Served from the paired region (read-only for the control plane).
    pub in_pair: bool,
}

/// One line of a replication's event log.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TraceRecord {
    /// Simulated time, seconds.
    pub time_s: f64,
    /// What happened (`zone-down`, `service-up`, `incident-open`, ...).
    pub event: &'static str,
    /// What it happened to (`zone 2`, `sql`, `data_plane`, ...).
    pub entity: String,
    /// Extra facts (cause, duration, RPO), may be empty.
    pub detail: String,
}

/// One disaster of the primary region and how the planes came through it.
#[derive(Clone, Debug, PartialEq)]
pub struct Disaster {
    /// When it struck.
    pub start: SimTime,
    /// The region's data was destroyed.
    pub destroyed: bool,
    /// A recovery into the pair was running (consent given) while it lasted.
    pub dr_started: bool,
    /// When each plane (by [`Plane::index`]) served again; `None`: not by the horizon.
    pub serving: [Option<SimTime>; 2],
    /// Each plane served again from the pair.
    pub failed_over: [bool; 2],
    /// Achieved RPO per plane; `None` when the data was lost outright.
    pub rpo: [Option<SimDuration>; 2],
    /// When the control plane served read-only from the pair, if it did.
    pub control_plane_read_only: Option<SimTime>,
    /// When the control plane was fully operational again on the primary.
    pub control_plane_full: Option<SimTime>,
    /// Audio/video unavailable: from the disaster until every media feature is up again (after
    /// failback when the data plane ran in the pair), or the horizon.
    pub media_unavailable: SimDuration,
    /// Media uploaded while the data plane ran in the pair, until the end of failback, is at risk.
    pub uploads_at_risk: SimDuration,
    /// The recovery that covered it (index into [`ReplicationOutcome::recoveries`]).
    pub recovery: Option<u32>,
}

impl Disaster {
    /// Achieved RTO of `plane` and whether it is censored (not serving again by `horizon`).
    pub fn rto(&self, plane: Plane, horizon: SimTime) -> (SimDuration, bool) {
        match self.serving[plane.index()] {
            Some(t) => (t.saturating_since(self.start), false),
            None => (horizon.saturating_since(self.start), true),
        }
    }
}
