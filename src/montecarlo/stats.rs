//! The run's accumulators: one value per replication folded into exactly mergeable statistics.

use super::critical_path::CriticalPathStats;
use super::importance::ImportanceSamplingStats;
use crate::engine::SimTime;
use crate::model::Plane;
use crate::model::Scenario;
use crate::model::clients::ClientStats;
use crate::model::metric::{Metric, Objective, Scope, Subject};
use crate::model::{IncidentKind, ReplicationOutcome};
use crate::stats::{DurationStats, Moments, TargetMeet, TimeAverage};
use serde::{Deserialize, Serialize};

/// Statistics of one plane over a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaneStats {
    /// Fraction of the observation window the plane was fully up.
    pub availability: TimeAverage,
    /// Moments of the number of zone incidents per replication (its mean and standard error).
    /// Everything below counts zone-level incidents only ([`crate::model::Incident::is_zone_level`]),
    /// except `failback_incidents` and `availability`.
    pub incidents_per_replication: Moments,
    /// Incidents that were only failover windows.
    pub failover_incidents: u64,
    /// Incidents with an outright outage.
    pub outage_incidents: u64,
    /// Failback disruptions (incidents of their own kind, not zone incidents).
    #[serde(default)]
    pub failback_incidents: u64,
    /// Incidents still open at the horizon.
    pub censored_incidents: u64,
    /// Achieved RTO of completed incidents, ticks.
    pub rto: DurationStats,
    /// Achieved RPO of every incident, ticks.
    pub rpo: DurationStats,
    /// Incidents meeting the RTO target. A censored incident counts only once it has already
    /// exceeded the target (a certain miss); one still below it at the horizon is left out.
    pub meet_rto: TargetMeet,
    /// Incidents meeting the RPO target.
    pub meet_rpo: TargetMeet,
    /// Zone incidents and regional disasters per replication that missed the RTO target
    /// ([`ReplicationOutcome::misses`], the quantity `compare` pairs).
    pub rto_misses_per_replication: Moments,
    /// The same for the RPO target (lost data is a miss).
    pub rpo_misses_per_replication: Moments,
    /// Misses per replication among zone incidents only, per objective (RTO, RPO).
    pub zone_misses_per_replication: [Moments; 2],
    /// Misses per replication among regional disasters only, per objective (RTO, RPO).
    pub disaster_misses_per_replication: [Moments; 2],
    /// What the plane's incidents waited on, and why they missed.
    pub critical_path: CriticalPathStats,
}

/// Everything a run accumulates; merging is exact, so any split or order gives the same state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunStats {
    /// Replications folded in.
    pub replications: u64,
    /// Engine events delivered, in all.
    pub events: u128,
    /// Per feature, in scenario order.
    pub features: Vec<TimeAverage>,
    /// Per plane, indexed by [`Plane::index`].
    pub planes: Vec<PlaneStats>,
    /// Client metrics, when the scenario has `[clients]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<ClientStats>,
    /// Regional disasters, when the scenario can have them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disasters: Option<DisasterStats>,
    /// Weighted estimates, under importance sampling (the other fields then describe the tilted
    /// distribution the replications were sampled from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub importance_sampling: Option<ImportanceSamplingStats>,
    /// The first replication (lowest index) stopped at its event budget, if any: then these
    /// statistics are not a run's, and the run ends with an error. Never written.
    #[serde(skip)]
    pub exceeded: Option<crate::model::BudgetExceeded>,
}

/// How one plane came through regional disasters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DisasterPlaneStats {
    /// Achieved RTO of disasters the plane recovered from within the horizon, ticks.
    pub rto: DurationStats,
    /// Achieved RPO where data was restored or kept, ticks.
    pub rpo: DurationStats,
    /// Disasters meeting the RTO target (censored ones count once already past it).
    pub meet_rto: TargetMeet,
    /// Disasters meeting the RPO target (data lost outright is a miss).
    pub meet_rpo: TargetMeet,
    /// Served from the paired region before the primary came back.
    pub failed_over: u64,
    /// Not serving again at the horizon.
    pub censored: u64,
    /// Data lost outright (no restore, region destroyed).
    pub data_lost: u64,
}

/// Regional disasters over a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DisasterStats {
    /// Regional disasters that started after the warm-up, over all replications.
    pub disasters: u64,
    /// Disasters per replication.
    pub per_replication: Moments,
    /// Disasters whose recovery started (consent before the primary came back).
    pub dr_started: u64,
    /// Disasters that destroyed the region's data.
    pub destroyed: u64,
    /// Per plane, by [`Plane::index`].
    pub planes: Vec<DisasterPlaneStats>,
    /// Time from the disaster to a read-only control plane in the pair (when it failed over).
    pub control_plane_read_only: DurationStats,
    /// Time from the disaster to a fully operational control plane (primary back, failback done).
    pub control_plane_full: DurationStats,
    /// Audio/video unavailable per disaster.
    pub media_unavailable: DurationStats,
    /// Time media uploads were at risk per disaster (data plane in the pair until failback).
    pub uploads_at_risk: DurationStats,
}

/// Whether `have` (read from a file) has the shape of `want` (fresh statistics of the same
/// scenario): the same keys, lists of the same length (a list empty in `want`, such as a
/// histogram's buckets, may hold any number of entries), values of the same kind (`null` in
/// `want`, an empty optional value, admits any).
fn same_shape(have: &serde_json::Value, want: &serde_json::Value, path: &str) -> Result<(), String> {
    use serde_json::Value;
    match (have, want) {
        (_, Value::Null) => Ok(()),
        (Value::Object(a), Value::Object(b)) => {
            if let Some(k) = b.keys().find(|k| !a.contains_key(*k)) {
                return Err(format!("{path}.{k} is missing"));
            }
            if let Some(k) = a.keys().find(|k| !b.contains_key(*k)) {
                return Err(format!("{path}.{k} does not belong to this scenario's statistics"));
            }
            b.iter()
                .try_for_each(|(k, w)| same_shape(&a[k], w, &format!("{path}.{k}")))
        }
        (Value::Array(a), Value::Array(b)) => {
            if b.is_empty() {
                return Ok(());
            }
            if a.len() != b.len() {
                return Err(format!("{path} has {} entries, expected {}", a.len(), b.len()));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .try_for_each(|(i, (x, y))| same_shape(x, y, &format!("{path}[{i}]")))
        }
        (Value::Number(_), Value::Number(_))
        | (Value::String(_), Value::String(_))
        | (Value::Bool(_), Value::Bool(_)) => Ok(()),
        _ => Err(format!("{path} is not of the expected kind")),
    }
}

/// The value of a per-replication metric ([`Metric::is_per_replication`]) in one replication of
/// `s`; its mean over replications is the metric. `None` for other metrics.
pub fn per_replication(metric: &Metric, s: &Scenario, o: &ReplicationOutcome) -> Option<f64> {
    let window = (s.horizon.ticks() - s.warmup.ticks()) as f64;
    match *metric {
        Metric::Availability(Subject::Plane(p)) => Some(1.0 - o.plane_downtime[p.index()] as f64 / window),
        Metric::Availability(Subject::Feature(i)) => Some(1.0 - *o.feature_downtime.get(i)? as f64 / window),
        Metric::IncidentsPerReplication(p) => Some(o.zone_incidents(p).count() as f64),
        Metric::MissesPerReplication(p, objective) => Some(o.misses(s, p, objective) as f64),
        Metric::DisastersPerReplication => Some(o.disasters.len() as f64),
        _ => None,
    }
}

/// Records one achieved RTO (ticks). A censored one — still not serving at the horizon, `rto`
/// being the time until then — is only a lower bound: it is left out of the distribution and
/// counts against P(meet) once it already exceeds the target (a certain miss).
fn record_rto(dist: &mut DurationStats, meet: &mut TargetMeet, rto: u64, censored: bool, target: u64) {
    if !censored {
        dist.record(rto);
        meet.record(rto, target);
    } else if rto > target {
        meet.record_outcome(false);
    }
}

impl DisasterStats {
    fn record(&mut self, s: &Scenario, o: &ReplicationOutcome) {
        self.per_replication.record(o.disasters.len() as u64);
        let horizon = s.horizon.ticks();
        for d in &o.disasters {
            self.disasters += 1;
            self.dr_started += u64::from(d.dr_started);
            self.destroyed += u64::from(d.destroyed);
            for plane in Plane::ALL {
                let p = &mut self.planes[plane.index()];
                let target = s.targets[plane.index()];
                p.failed_over += u64::from(d.failed_over[plane.index()]);
                let (rto, censored) = d.rto(plane, SimTime(horizon));
                p.censored += u64::from(censored);
                record_rto(&mut p.rto, &mut p.meet_rto, rto.ticks(), censored, target.rto.ticks());
                match d.rpo[plane.index()] {
                    Some(rpo) => {
                        p.rpo.record(rpo.ticks());
                        p.meet_rpo.record(rpo.ticks(), target.rpo.ticks());
                    }
                    None => {
                        p.data_lost += 1;
                        p.meet_rpo.record_outcome(false);
                    }
                }
            }
            if let Some(t) = d.control_plane_read_only {
                self.control_plane_read_only.record(t.saturating_since(d.start).ticks());
            }
            if let Some(t) = d.control_plane_full {
                self.control_plane_full.record(t.saturating_since(d.start).ticks());
            }
            self.media_unavailable.record(d.media_unavailable.ticks());
            self.uploads_at_risk.record(d.uploads_at_risk.ticks());
        }
    }

    fn merge(&mut self, o: &DisasterStats) {
        self.disasters += o.disasters;
        self.per_replication.merge(&o.per_replication);
        self.dr_started += o.dr_started;
        self.destroyed += o.destroyed;
        for (a, b) in self.planes.iter_mut().zip(&o.planes) {
            a.rto.merge(&b.rto);
            a.rpo.merge(&b.rpo);
            a.meet_rto.merge(&b.meet_rto);
            a.meet_rpo.merge(&b.meet_rpo);
            a.failed_over += b.failed_over;
            a.censored += b.censored;
            a.data_lost += b.data_lost;
        }
        self.control_plane_read_only.merge(&o.control_plane_read_only);
        self.control_plane_full.merge(&o.control_plane_full);
        self.media_unavailable.merge(&o.media_unavailable);
        self.uploads_at_risk.merge(&o.uploads_at_risk);
    }
}

impl RunStats {
    /// Empty statistics for a scenario.
    pub fn new(s: &Scenario) -> RunStats {
        let window = s.horizon.ticks() - s.warmup.ticks();
        RunStats {
            replications: 0,
            events: 0,
            features: s.features.iter().map(|_| TimeAverage::new(window)).collect(),
            planes: Plane::ALL
                .iter()
                .map(|_| PlaneStats {
                    availability: TimeAverage::new(window),
                    incidents_per_replication: Moments::new(),
                    failover_incidents: 0,
                    outage_incidents: 0,
                    failback_incidents: 0,
                    censored_incidents: 0,
                    rto: DurationStats::new(),
                    rpo: DurationStats::new(),
                    meet_rto: TargetMeet::new(),
                    meet_rpo: TargetMeet::new(),
                    rto_misses_per_replication: Moments::new(),
                    rpo_misses_per_replication: Moments::new(),
                    zone_misses_per_replication: [Moments::new(), Moments::new()],
                    disaster_misses_per_replication: [Moments::new(), Moments::new()],
                    critical_path: CriticalPathStats::default(),
                })
                .collect(),
            clients: s.clients.as_ref().map(|_| ClientStats::new(s.features.len())),
            disasters: s.has_region_disasters().then(|| DisasterStats {
                planes: vec![DisasterPlaneStats::default(); 2],
                ..DisasterStats::default()
            }),
            importance_sampling: s.importance_sampling.map(|_| ImportanceSamplingStats::new()),
            exceeded: None,
        }
    }

    /// Keeps the exceeded budget of the lowest replication.
    fn note_exceeded(&mut self, e: Option<&crate::model::BudgetExceeded>) {
        if let Some(e) = e
            && self.exceeded.as_ref().is_none_or(|x| e.replication < x.replication)
        {
            self.exceeded = Some(e.clone());
        }
    }

    /// Checks statistics read from a file (a partial result or a checkpoint) against the
    /// scenario they claim to be of and the `replications` they claim to hold: the same shape as
    /// [`RunStats::new`] (features, planes, clients, disasters, importance sampling; every list of
    /// the same length), the same observation window, and every per-replication accumulator
    /// counting `replications`. Merging and summarizing such statistics cannot panic on a
    /// mismatch; a message says what is wrong.
    pub fn check(&self, s: &Scenario, replications: u64) -> Result<(), String> {
        if self.replications != replications {
            return Err(format!(
                "stats.replications is {}, but the replications it covers are {replications}",
                self.replications
            ));
        }
        let fresh = RunStats::new(s);
        let (have, want) = match (serde_json::to_value(self), serde_json::to_value(&fresh)) {
            (Ok(a), Ok(b)) => (a, b),
            _ => return Err("stats do not serialize".into()),
        };
        same_shape(&have, &want, "stats")?;
        let window = s.horizon.ticks() - s.warmup.ticks();
        let averages = self
            .features
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("stats.features[{i}]"), a))
            .chain(
                self.planes
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("stats.planes[{i}].availability"), &p.availability)),
            );
        for (path, a) in averages {
            if a.window_ticks() != Some(window) || a.replications() != replications {
                return Err(format!(
                    "{path}: window {:?} over {} replications, expected {window} over {replications}",
                    a.window_ticks(),
                    a.replications()
                ));
            }
        }
        for (i, p) in self.planes.iter().enumerate() {
            let per_replication = [
                ("incidents_per_replication", &p.incidents_per_replication),
                ("rto_misses_per_replication", &p.rto_misses_per_replication),
                ("rpo_misses_per_replication", &p.rpo_misses_per_replication),
                ("zone_misses_per_replication[0]", &p.zone_misses_per_replication[0]),
                ("zone_misses_per_replication[1]", &p.zone_misses_per_replication[1]),
                (
                    "disaster_misses_per_replication[0]",
                    &p.disaster_misses_per_replication[0],
                ),
                (
                    "disaster_misses_per_replication[1]",
                    &p.disaster_misses_per_replication[1],
                ),
            ];
            for (name, m) in per_replication {
                if m.count() != replications {
                    return Err(format!(
                        "stats.planes[{i}].{name} counts {} replications, expected {replications}",
                        m.count()
                    ));
                }
            }
            if !p.critical_path.is_well_formed() {
                return Err(format!(
                    "stats.planes[{i}].critical_path: the causes do not add up to the misses, or a step counts more incidents than were completed"
                ));
            }
        }
        // Counts no run could reach are refused (no replication delivers 2^32 events), and so are
        // counts whose sum overflows, so that no summary adding two of them can.
        let events_cap = u128::from(replications) << 32;
        if self.events > events_cap {
            return Err(format!(
                "stats.events is {}, more than {replications} replications can deliver",
                self.events
            ));
        }
        let mut counted: u128 = 0;
        for p in &self.planes {
            let counts = [
                p.failover_incidents,
                p.outage_incidents,
                p.failback_incidents,
                p.censored_incidents,
                p.meet_rto.proportion().trials(),
                p.meet_rpo.proportion().trials(),
                p.critical_path.completed,
                p.critical_path.rto_misses,
                p.critical_path.rpo_misses,
            ];
            counted += counts.iter().map(|&c| u128::from(c)).sum::<u128>();
        }
        if let Some(d) = &self.disasters {
            counted += u128::from(d.disasters);
            for p in &d.planes {
                counted += u128::from(p.meet_rto.proportion().trials()) + u128::from(p.meet_rpo.proportion().trials());
            }
        }
        if counted > u128::from(u64::MAX) {
            return Err(format!(
                "stats: {counted} incident records in all, more than a run can hold"
            ));
        }
        if let Some(d) = &self.disasters
            && d.per_replication.count() != replications
        {
            return Err(format!(
                "stats.disasters.per_replication counts {} replications, expected {replications}",
                d.per_replication.count()
            ));
        }
        Ok(())
    }

    /// Folds in one replication.
    pub fn record(&mut self, s: &Scenario, o: &ReplicationOutcome) {
        self.note_exceeded(o.exceeded.as_ref());
        self.replications += 1;
        self.events += u128::from(o.events);
        for (acc, &down) in self.features.iter_mut().zip(&o.feature_downtime) {
            acc.record(down);
        }
        for plane in Plane::ALL {
            let p = &mut self.planes[plane.index()];
            let target = s.targets[plane.index()];
            p.availability.record(o.plane_downtime[plane.index()]);
            let mut count = 0;
            for inc in o.incidents.iter().filter(|i| i.plane == plane) {
                p.critical_path.record(inc, target);
                if inc.kind == IncidentKind::Failback {
                    p.failback_incidents += 1;
                }
                if !inc.is_zone_level() {
                    continue;
                }
                count += 1;
                match inc.kind {
                    IncidentKind::Failover => p.failover_incidents += 1,
                    IncidentKind::Outage | IncidentKind::Failback => p.outage_incidents += 1,
                }
                p.censored_incidents += u64::from(inc.censored);
                record_rto(
                    &mut p.rto,
                    &mut p.meet_rto,
                    inc.rto().ticks(),
                    inc.censored,
                    target.rto.ticks(),
                );
                p.rpo.record(inc.rpo.ticks());
                p.meet_rpo.record(inc.rpo.ticks(), target.rpo.ticks());
            }
            p.incidents_per_replication.record(count);
            p.rto_misses_per_replication.record(o.misses(s, plane, Objective::Rto));
            p.rpo_misses_per_replication.record(o.misses(s, plane, Objective::Rpo));
            for (k, objective) in Objective::ALL.into_iter().enumerate() {
                p.zone_misses_per_replication[k].record(o.misses_in(s, plane, objective, Scope::ZoneIncidents));
                p.disaster_misses_per_replication[k].record(o.misses_in(s, plane, objective, Scope::RegionDisasters));
            }
        }
        if let (Some(acc), Some(c)) = (self.clients.as_mut(), o.clients.as_ref()) {
            acc.record(c);
        }
        if let Some(acc) = self.disasters.as_mut() {
            acc.record(s, o);
        }
        if let Some(acc) = self.importance_sampling.as_mut() {
            acc.record(s, o);
        }
    }

    /// Adds another run's statistics (exact; order does not matter).
    pub fn merge(&mut self, other: &RunStats) {
        self.note_exceeded(other.exceeded.as_ref());
        self.replications += other.replications;
        self.events += other.events;
        for (a, b) in self.features.iter_mut().zip(&other.features) {
            a.merge(b);
        }
        for (a, b) in self.planes.iter_mut().zip(&other.planes) {
            a.availability.merge(&b.availability);
            a.incidents_per_replication.merge(&b.incidents_per_replication);
            a.failover_incidents += b.failover_incidents;
            a.outage_incidents += b.outage_incidents;
            a.failback_incidents += b.failback_incidents;
            a.censored_incidents += b.censored_incidents;
            a.rto.merge(&b.rto);
            a.rpo.merge(&b.rpo);
            a.meet_rto.merge(&b.meet_rto);
            a.meet_rpo.merge(&b.meet_rpo);
            a.rto_misses_per_replication.merge(&b.rto_misses_per_replication);
            a.rpo_misses_per_replication.merge(&b.rpo_misses_per_replication);
            for k in 0..2 {
                a.zone_misses_per_replication[k].merge(&b.zone_misses_per_replication[k]);
                a.disaster_misses_per_replication[k].merge(&b.disaster_misses_per_replication[k]);
            }
            a.critical_path.merge(&b.critical_path);
        }
        if let (Some(a), Some(b)) = (self.clients.as_mut(), other.clients.as_ref()) {
            a.merge(b);
        }
        if let (Some(a), Some(b)) = (self.disasters.as_mut(), other.disasters.as_ref()) {
            a.merge(b);
        }
        if let (Some(a), Some(b)) = (self.importance_sampling.as_mut(), other.importance_sampling.as_ref()) {
            a.merge(b);
        }
    }
}
