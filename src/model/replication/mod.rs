//! One replication: the event loop and what each event does. Status bookkeeping (services,
//! features, planes, incidents) is in `status`; recoveries into the pair and the disasters they
//! answer are in `recovery`.

mod recovery;
mod status;

use super::critical_path::{PathContext, rto_path};
use super::failure::{Process, Target, processes};
use super::importance::{Exposure, Tilting};
use super::outcome::{Cause, ReplicationOutcome, TraceRecord};
use super::recovery_point::{RecoveryPoint, recovery_point};
use super::topology::{Status, Topology};
use crate::engine::{EventKey, SimDuration, SimTime, Simulation};
use crate::model::Dist;
use crate::model::Plane;
use crate::model::Scenario;
use crate::random::{Mechanism, SimRng, stream};
use rand::RngExt;
use recovery::Episode;
use std::collections::VecDeque;

/// The model's events. Indices refer to [`processes`], services, restores and faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A failure process fails.
    Fail(u32),
    /// A failure process is repaired.
    Repaired(u32),
    /// A service's failover window ends.
    FailoverDone(u32),
    /// A restore of zonal services after a zone destruction completes.
    Restored(u32),
    /// A scripted fault starts.
    FaultStart(u32),
    /// A scripted fault ends.
    FaultEnd(u32),
    /// The outage behind the current recovery was detected (and has lasted `min_outage`): the
    /// customer is asked for consent.
    ConsentRequested,
    /// The customer consents.
    Consented,
    /// A plane (by [`Plane::index`]) serves from the paired region.
    PairServes(u32),
    /// Failback to the primary starts (brief disruption).
    FailbackStart,
    /// Failback done: everything serves from the primary again.
    FailbackEnd,
}

#[derive(Debug, Default)]
struct CrewPool {
    busy: u32,
    /// Processes waiting for a crew, and since when.
    waiting: VecDeque<(u32, SimTime)>,
}

struct Replication<'a> {
    m: &'a Model<'a>,
    s: &'a Scenario,
    procs: &'a [Process],
    sim: Simulation<Event>,
    topo: Topology,
    proc_rng: Vec<SimRng>,
    crews: Vec<CrewPool>,
    /// Repairs that waited for a crew: process, queued, started (the critical paths need them).
    crew_waits: Vec<(u32, SimTime, SimTime)>,
    /// Each service's status on the primary (zones, failover windows, restores).
    primary_status: Vec<Status>,
    /// Each service's status as served: from the pair while its plane runs there.
    status: Vec<Status>,
    failover_rng: Vec<SimRng>,
    failover_key: Vec<Option<EventKey>>,
    backup_rng: Vec<SimRng>,
    backup_phase: Vec<SimDuration>,
    fault_rng: Vec<SimRng>,
    destroyed: Vec<u32>,
    restores: Vec<Vec<usize>>,
    feature_down_since: Vec<Option<SimTime>>,
    plane_down_since: [Option<SimTime>; 2],
    media_down_since: Option<SimTime>,
    open: [Option<super::outcome::Incident>; 2],
    /// The newest restore's recovery point per plane, until its incident takes it.
    pending_rpo: [RecoveryPoint; 2],
    /// The planes as the primary would serve them: up, and down outright (an outage).
    primary_up: [bool; 2],
    primary_outage: [bool; 2],
    /// Every feature of the plane (media too) up on the primary: failback may start.
    primary_whole: [bool; 2],
    /// Each plane runs in the pair.
    in_pair: [bool; 2],
    failing_back: bool,
    /// Active causes taking down the pair's first zone (which hosts a recovery).
    pair_down: u32,
    /// Active disasters of the primary region, and of other regions that share its pair.
    region_down: u32,
    sharing_pair_down: u32,
    /// The primary's data was destroyed and nothing has restored it yet.
    region_destroyed: bool,
    episode: Option<Episode>,
    /// Disasters (indices into `out.disasters`) whose figures are not all settled yet.
    open_disasters: Vec<recovery::OpenDisaster>,
    /// Since when the data plane runs in the pair (uploads are at risk until failback ends).
    data_in_pair_since: Option<SimTime>,
    /// RPO of each plane's last restore into the pair.
    pair_rpo: [SimDuration; 2],
    /// The data plane's incident closed this update with its data lost.
    lost_now: bool,
    /// Whether a random region disaster destroys the region's data.
    recovery_rng: SimRng,
    /// Per process, how many times it has failed (keys the stream of the recovery it triggers).
    failures_seen: Vec<u32>,
    /// Per process, what its likelihood ratio needs (empty without importance sampling).
    exposure: Vec<Exposure>,
    cause: Cause,
    out: ReplicationOutcome,
    trace: Option<&'a mut dyn FnMut(TraceRecord)>,
}

/// A scenario prepared for simulation: its failure processes expanded and every stream key
/// computed once, so that a replication does no string work.
#[derive(Clone, Debug)]
pub struct Model<'s> {
    scenario: &'s Scenario,
    processes: Vec<Process>,
    failover_keys: Vec<Mechanism>,
    backup_keys: Vec<Mechanism>,
    fault_keys: Vec<Mechanism>,
    recovery_key: Mechanism,
    /// Per plane, its features other than audio/video (the plane is up when they are).
    plane_masks: [u64; 2],
    /// Per plane, all its features.
    whole_masks: [u64; 2],
    /// The audio/video features.
    media_mask: u64,
    record_status: bool,
    tilting: Option<Tilting>,
    /// Events a replication may deliver, and incidents it may record, before it is stopped
    /// ([`super::BudgetExceeded`]).
    max_events: u64,
    max_incidents: u64,
}

impl<'s> Model<'s> {
    /// Prepares `scenario`.
    pub fn new(scenario: &'s Scenario) -> Model<'s> {
        let services = &scenario.services;
        let processes = processes(scenario);
        Model {
            scenario,
            tilting: Tilting::new(scenario, &processes),
            processes,
            failover_keys: services
                .iter()
                .map(|x| Mechanism::named(&format!("failover/{}", x.name)))
                .collect(),
            backup_keys: services
                .iter()
                .map(|x| Mechanism::named(&format!("backup/{}", x.name)))
                .collect(),
            fault_keys: (0..scenario.faults.len())
                .map(|i| Mechanism::named(&format!("fault/{i}")))
                .collect(),
            recovery_key: Mechanism::named("recovery"),
            plane_masks: Plane::ALL.map(|p| plane_mask(scenario, p)),
            whole_masks: Plane::ALL.map(|p| feature_mask(scenario, |f| f.plane == p)),
            media_mask: feature_mask(scenario, |f| f.media),
            record_status: false,
            max_events: super::DEFAULT_MAX_EVENTS,
            max_incidents: super::DEFAULT_MAX_INCIDENTS,
        }
    }

    /// Stops each replication after `max_events` engine events or `max_incidents` incidents
    /// (each at least 1), recording [`ReplicationOutcome::exceeded`]; the defaults are
    /// [`super::DEFAULT_MAX_EVENTS`] and [`super::DEFAULT_MAX_INCIDENTS`].
    pub fn with_budget(mut self, max_events: u64, max_incidents: u64) -> Model<'s> {
        self.max_events = max_events.max(1);
        self.max_incidents = max_incidents.max(1);
        self
    }

    /// Events a replication may deliver (its budget, the zone-level model's and the clients'
    /// together).
    pub fn max_events(&self) -> u64 {
        self.max_events
    }

    /// Also record every change of a service's status or healthy zones in
    /// [`ReplicationOutcome::status_log`] (the input of the request-level client model).
    pub fn recording_status(mut self) -> Model<'s> {
        self.record_status = true;
        self
    }

    /// The scenario this model simulates.
    pub fn scenario(&self) -> &'s Scenario {
        self.scenario
    }

    /// The expanded failure processes (indices of [`Event::Fail`] and [`Cause::Process`]).
    pub fn processes(&self) -> &[Process] {
        &self.processes
    }

    /// The time to failure process `p` is sampled from: the scenario's, or its tilted version
    /// under importance sampling.
    fn time_to_failure(&self, p: usize) -> &Dist {
        match self.tilting.as_ref().and_then(|t| t.of(p)) {
            Some(tilt) => &tilt.time_to_failure,
            None => &self.scenario.failures[self.processes[p].failure].time_to_failure,
        }
    }

    /// Runs replication `replication`.
    pub fn simulate(&self, replication: u64) -> ReplicationOutcome {
        Replication::new(self, replication, None).run()
    }

    /// Like [`Model::simulate`], handing every step of the event log to `trace`.
    pub fn simulate_traced(&self, replication: u64, trace: &mut dyn FnMut(TraceRecord)) -> ReplicationOutcome {
        Replication::new(self, replication, Some(trace)).run()
    }
}

impl<'a> Replication<'a> {
    fn new(m: &'a Model<'a>, rep: u64, trace: Option<&'a mut dyn FnMut(TraceRecord)>) -> Self {
        let (s, procs, seed) = (m.scenario, &m.processes[..], m.scenario.seed);
        let mut backup_rng: Vec<SimRng> = m.backup_keys.iter().map(|&k| stream(seed, rep, k)).collect();
        // Where in its backup cycle each store is at t = 0: uniform, so failures are
        // independent of the schedule (the assumption behind RPO ~ U(d, T + d)).
        let backup_phase = s
            .services
            .iter()
            .zip(backup_rng.iter_mut())
            .map(|(x, r)| {
                x.backup.map_or(SimDuration::ZERO, |b| {
                    SimDuration(r.random_range(0..b.interval.ticks()))
                })
            })
            .collect();
        Replication {
            m,
            s,
            procs,
            sim: Simulation::new(SimTime(s.horizon.ticks())),
            topo: Topology::new(s),
            proc_rng: procs.iter().map(|p| stream(seed, rep, p.key)).collect(),
            crews: s.crews.iter().map(|_| CrewPool::default()).collect(),
            crew_waits: Vec::new(),
            primary_status: vec![Status::Up; s.services.len()],
            status: vec![Status::Up; s.services.len()],
            failover_rng: m.failover_keys.iter().map(|&k| stream(seed, rep, k)).collect(),
            failover_key: vec![None; s.services.len()],
            backup_rng,
            backup_phase,
            fault_rng: m.fault_keys.iter().map(|&k| stream(seed, rep, k)).collect(),
            destroyed: vec![0; s.zones as usize],
            restores: Vec::new(),
            feature_down_since: vec![None; s.features.len()],
            plane_down_since: [None; 2],
            media_down_since: None,
            open: [None, None],
            pending_rpo: [RecoveryPoint::default(); 2],
            primary_up: [true; 2],
            primary_outage: [false; 2],
            primary_whole: [true; 2],
            in_pair: [false; 2],
            failing_back: false,
            pair_down: 0,
            region_down: 0,
            sharing_pair_down: 0,
            region_destroyed: false,
            episode: None,
            open_disasters: Vec::new(),
            data_in_pair_since: None,
            pair_rpo: [SimDuration::ZERO; 2],
            lost_now: false,
            recovery_rng: stream(seed, rep, m.recovery_key),
            failures_seen: vec![0; procs.len()],
            exposure: match m.tilting {
                Some(_) => vec![Exposure::default(); procs.len()],
                None => Vec::new(),
            },
            cause: Cause::Other,
            out: ReplicationOutcome {
                replication: rep,
                feature_downtime: vec![0; s.features.len()],
                ..Default::default()
            },
            trace,
        }
    }

    fn log(&mut self, event: &'static str, entity: impl FnOnce(&Scenario) -> String, detail: impl FnOnce() -> String) {
        if let Some(t) = self.trace.as_mut() {
            let s = self.s;
            t(TraceRecord {
                time_s: self.sim.now().as_secs_f64(),
                event,
                entity: entity(s),
                detail: detail(),
            });
        }
    }

    fn run(mut self) -> ReplicationOutcome {
        for p in 0..self.procs.len() {
            self.arm(p);
        }
        for (i, f) in self.s.faults.iter().enumerate() {
            self.sim.schedule_at(f.at, Event::FaultStart(i as u32));
        }
        while let Some((_, event)) = self.sim.next_event() {
            self.out.events += 1;
            self.handle(event);
            self.update();
            let budget = if self.out.events >= self.m.max_events {
                Some(("events", self.m.max_events))
            } else if self.out.incidents.len() as u64 >= self.m.max_incidents {
                Some(("incidents", self.m.max_incidents))
            } else {
                None
            };
            if let Some((what, limit)) = budget
                && self.sim.pending() > 0
            {
                self.out.exceeded = Some(self.budget_exceeded(what, limit));
                break;
            }
        }
        self.finish();
        self.out
    }

    /// What stopped this replication at its event budget: the failure process that failed most.
    fn budget_exceeded(&self, what: &'static str, limit: u64) -> super::BudgetExceeded {
        let busiest = (0..self.procs.len()).max_by_key(|&p| (self.failures_seen[p], std::cmp::Reverse(p)));
        let culprit = match busiest {
            Some(p) if self.failures_seen[p] > 0 => {
                let proc = &self.procs[p];
                format!(
                    "failure process \"{}\" ({}) failed {} times in it, the most of any",
                    self.s.failures[proc.failure].name,
                    proc.target.describe(self.s),
                    self.failures_seen[p]
                )
            }
            _ => "no failure process failed; scripted faults and recoveries filled it".into(),
        };
        super::BudgetExceeded {
            replication: self.out.replication,
            what,
            limit,
            at_secs: self.sim.now().as_secs_f64(),
            culprit,
            advice: "Check that process's time to failure and repair (a rate far too high?)",
        }
    }

    fn handle(&mut self, event: Event) {
        // Copies of the shared references, so borrowing them does not borrow `self`.
        let (s, procs) = (self.s, self.procs);
        match event {
            Event::Fail(p) => self.on_failure(p),
            Event::Repaired(p) => {
                self.cause = Cause::Other;
                let proc = &procs[p as usize];
                self.log(
                    "repaired",
                    |s| proc.target.describe(s),
                    || s.failures[proc.failure].name.clone(),
                );
                self.apply(proc.target, false);
                self.release_crew(p);
                self.arm(p as usize);
            }
            Event::FailoverDone(svc) => {
                self.cause = Cause::Other;
                self.failover_key[svc as usize] = None;
            }
            Event::Restored(r) => self.on_restored(r),
            Event::FaultStart(i) => self.on_fault_start(i),
            Event::ConsentRequested => self.on_consent_requested(),
            Event::Consented => self.on_consented(),
            Event::PairServes(plane) => self.on_pair_serves(plane as usize),
            Event::FailbackStart => self.on_failback_start(),
            Event::FailbackEnd => self.on_failback_end(),
            Event::FaultEnd(i) => {
                self.cause = Cause::Other;
                let target = Target::of_fault(&self.s.faults[i as usize]);
                self.log("fault-end", |s| target.describe(s), String::new);
                self.apply(target, false);
            }
        }
    }

    /// Process `p` fails: its target goes down, a region disaster starts its recovery race, a
    /// destroyed zone starts the restore of its zonal services, and the repair is requested.
    fn on_failure(&mut self, p: u32) {
        let (s, procs) = (self.s, self.procs);
        self.cause = Cause::Process(p);
        self.failures_seen[p as usize] += 1;
        if let Some(e) = self.exposure.get_mut(p as usize) {
            e.fail(self.sim.now());
        }
        let proc = &procs[p as usize];
        self.log(
            "failure",
            |s| proc.target.describe(s),
            || s.failures[proc.failure].name.clone(),
        );
        self.apply(proc.target, true);
        if proc.target.is_region() {
            // A region comes back by itself after its outage (no crew); a recovery races it.
            let f = &s.failures[proc.failure];
            let outage = f.time_to_repair.sample(&mut self.proc_rng[p as usize]);
            if proc.target == Target::RegionDisaster {
                let destroyed = f.destroys_data > 0.0 && self.recovery_rng.random_bool(f.destroys_data);
                self.region_disaster(destroyed);
            }
            self.sim.schedule_in(outage, Event::Repaired(p));
            return;
        }
        if let (Target::ZoneDestruction(_), Some(restore)) = (proc.target, &s.failures[proc.failure].restore) {
            let d = restore.sample(&mut self.proc_rng[p as usize]);
            self.start_restore(proc.target, d);
        }
        self.request_repair(p);
    }

    /// The restore of services lost with a destroyed zone finishes: each is redeployed.
    fn on_restored(&mut self, r: u32) {
        self.cause = Cause::Other;
        let services = std::mem::take(&mut self.restores[r as usize]);
        for svc in services {
            self.topo.lost[svc] -= 1;
            // Redeploy in the first zone that is not destroyed, preferring one that is up.
            let zones = 1..=self.s.zones;
            let intact = |z: &u32| self.destroyed[*z as usize - 1] == 0;
            let target = zones
                .clone()
                .find(|z| intact(z) && self.topo.zone_is_up(*z))
                .or_else(|| zones.clone().find(intact));
            if let Some(z) = target {
                self.topo.location[svc] = vec![z];
            }
            let zone = self.topo.location[svc][0];
            let place = if self.s.region.zones == 0 {
                "the datacenter".to_string()
            } else {
                format!("zone {zone}")
            };
            self.log(
                "restored",
                |s| s.services[svc].name.clone(),
                || format!("redeployed in {place}"),
            );
        }
    }

    /// A scripted fault starts: its target goes down for its sampled duration.
    fn on_fault_start(&mut self, i: u32) {
        let s = self.s;
        self.cause = Cause::Fault(i);
        let f = &s.faults[i as usize];
        let target = Target::of_fault(f);
        let d = f.duration.sample(&mut self.fault_rng[i as usize]);
        self.log(
            "fault-start",
            |s| target.describe(s),
            || format!("scripted, lasts {}", crate::engine::duration::format_duration(d)),
        );
        self.apply(target, true);
        if let Some(restore) = &f.restore {
            let r = restore.sample(&mut self.fault_rng[i as usize]);
            self.start_restore(target, r);
        }
        if target == Target::RegionDisaster {
            self.region_disaster(f.destroys_data);
        }
        self.sim.schedule_in(d, Event::FaultEnd(i));
    }

    /// Process `p` is up from now on: draws its next failure.
    fn arm(&mut self, p: usize) {
        let m = self.m;
        let ttf = m.time_to_failure(p).sample(&mut self.proc_rng[p]);
        if let Some(e) = self.exposure.get_mut(p) {
            e.arm(self.sim.now());
        }
        self.sim.schedule_in(ttf, Event::Fail(p as u32));
    }

    /// Adds (`down`) or removes one cause of unavailability.
    fn apply(&mut self, target: Target, down: bool) {
        let delta = |c: &mut u32| if down { *c += 1 } else { *c -= 1 };
        match target {
            Target::Zone(z) => delta(&mut self.topo.zone_down[z as usize - 1]),
            Target::ServiceInZone { service, zone } => {
                let slot = self.topo.service_zone_slot(service, zone);
                delta(&mut self.topo.service_zone_down[slot]);
            }
            Target::ZoneDestruction(z) => {
                delta(&mut self.topo.zone_down[z as usize - 1]);
                delta(&mut self.destroyed[z as usize - 1]);
            }
            Target::RegionDisaster => {
                self.topo.zone_down.iter_mut().for_each(delta);
                delta(&mut self.region_down);
            }
            // The recovered deployment runs zonal in the pair's first zone.
            Target::PairZone(1) | Target::PairDisaster => delta(&mut self.pair_down),
            Target::PairZone(_) | Target::RemoteDisaster { shares_pair: false } => {}
            Target::RemoteDisaster { shares_pair: true } => delta(&mut self.sharing_pair_down),
        }
    }

    /// After a zone is destroyed: zonal services living there lose their data (restored from
    /// backup, RPO > 0) and are redeployed elsewhere after `restore`.
    fn start_restore(&mut self, target: Target, restore: SimDuration) {
        let Target::ZoneDestruction(z) = target else { return };
        let s = self.s;
        let hit: Vec<usize> = (0..s.services.len())
            .filter(|&i| s.services[i].placement == crate::model::Placement::Zonal && self.topo.location[i] == [z])
            .collect();
        if hit.is_empty() {
            return;
        }
        let now = self.sim.now();
        for &svc in &hit {
            self.topo.lost[svc] += 1;
            if let Some(policy) = &s.services[svc].backup {
                let point = recovery_point(policy, self.backup_phase[svc], now, &mut self.backup_rng[svc]);
                let rpo = point.age;
                let plane = s.services[svc].plane.index();
                if point.age > self.pending_rpo[plane].age {
                    self.pending_rpo[plane] = point;
                }
                self.log(
                    "data-lost",
                    |s| s.services[svc].name.clone(),
                    || format!("restored from backup, RPO {}", crate::engine::duration::human(rpo)),
                );
            }
        }
        self.restores.push(hit);
        let id = (self.restores.len() - 1) as u32;
        self.sim.schedule_in(restore, Event::Restored(id));
    }

    fn request_repair(&mut self, p: u32) {
        match self.s.failures[self.procs[p as usize].failure].crew {
            None => self.start_repair(p),
            Some(c) => {
                if self.crews[c].busy < self.s.crews[c].size {
                    self.crews[c].busy += 1;
                    self.start_repair(p);
                } else {
                    let now = self.sim.now();
                    self.crews[c].waiting.push_back((p, now));
                    let waiting = self.crews[c].waiting.len();
                    self.log(
                        "repair-queued",
                        |s| s.crews[c].name.clone(),
                        || format!("{waiting} waiting"),
                    );
                }
            }
        }
    }

    fn start_repair(&mut self, p: u32) {
        let f = &self.s.failures[self.procs[p as usize].failure];
        let ttr = f.time_to_repair.sample(&mut self.proc_rng[p as usize]);
        self.sim.schedule_in(ttr, Event::Repaired(p));
    }

    fn release_crew(&mut self, p: u32) {
        let Some(c) = self.s.failures[self.procs[p as usize].failure].crew else {
            return;
        };
        match self.crews[c].waiting.pop_front() {
            // The crew moves straight to the next repair in line.
            Some((next, since)) => {
                let now = self.sim.now();
                self.crew_waits.push((next, since, now));
                self.start_repair(next);
            }
            None => self.crews[c].busy -= 1,
        }
    }

    /// Part of `[from, to]` inside the observation window `[warmup, horizon]`.
    fn observed(&self, from: SimTime, to: SimTime) -> u64 {
        let lo = from.ticks().max(self.s.warmup.ticks());
        let hi = to.ticks().min(self.s.horizon.ticks());
        hi.saturating_sub(lo)
    }

    /// Closes everything still open at the horizon (incidents are then censored).
    fn finish(&mut self) {
        let end = SimTime(self.s.horizon.ticks());
        if let Some(t) = &self.m.tilting {
            for e in &mut self.exposure {
                e.finish(end);
            }
            self.out.likelihood_ratio = Some(t.likelihood_ratio(&self.exposure));
        }
        for f in 0..self.s.features.len() {
            if let Some(since) = self.feature_down_since[f].take() {
                self.out.feature_downtime[f] += self.observed(since, end);
            }
        }
        for i in 0..2 {
            if let Some(since) = self.plane_down_since[i].take() {
                self.out.plane_downtime[i] += self.observed(since, end);
            }
            if let Some(mut inc) = self.open[i].take() {
                inc.end = end;
                inc.censored = true;
                self.record(inc);
            }
        }
        self.finish_disasters(end);
        for pool in &self.crews {
            self.crew_waits
                .extend(pool.waiting.iter().map(|&(p, since)| (p, since, end)));
        }
        self.trace_critical_paths();
    }

    /// Gives every incident its critical path, now that its recovery's record is complete.
    fn trace_critical_paths(&mut self) {
        let (s, procs) = (self.s, self.procs);
        let in_pair = |t: Target| matches!(t, Target::PairZone(_) | Target::PairDisaster);
        let out = &mut self.out;
        let crew_waits = &self.crew_waits;
        for inc in &mut out.incidents {
            let cause_in_pair = match inc.cause {
                Cause::Process(p) => in_pair(procs[p as usize].target),
                Cause::Fault(i) => in_pair(Target::of_fault(&s.faults[i as usize])),
                Cause::Failback | Cause::Other => false,
            };
            // The repair of the failure that opened it may have waited for a crew.
            let crew_wait = match inc.cause {
                Cause::Process(p) => crew_waits
                    .iter()
                    .find(|&&(q, a, b)| q == p && a < inc.end && b > inc.start)
                    .map(|&(_, a, b)| (a, b)),
                _ => None,
            };
            let cx = PathContext {
                min_outage: s.recovery.min_outage,
                managed_dr: s.disaster_recovery,
                cause_in_pair,
                crew_wait,
            };
            let rec = inc.recovery.and_then(|r| out.recoveries.get(r as usize));
            inc.rto_path = rto_path(inc, rec, cx);
        }
    }
}

/// Bit mask of the features of `plane` other than audio/video.
fn plane_mask(s: &Scenario, plane: Plane) -> u64 {
    feature_mask(s, |f| f.plane == plane && !f.media)
}

/// Bit mask of the features that satisfy `pick`.
fn feature_mask(s: &Scenario, pick: impl Fn(&crate::model::Feature) -> bool) -> u64 {
    s.features
        .iter()
        .enumerate()
        .filter(|(_, f)| pick(f))
        .fold(0, |m, (i, _)| m | 1 << i)
}
