//! One replication: the event loop and what each event does.

use super::failure::{Process, Target, processes};
use super::importance::{Exposure, Tilting};
use super::outcome::{Cause, Disaster, Incident, IncidentKind, ReplicationOutcome, StatusChange, TraceRecord};
use super::recovery::regional_recovery;
use super::recovery_point::achieved_rpo;
use super::topology::{Status, Topology};
use crate::engine::{EventKey, SimDuration, SimTime, Simulation};
use crate::model::BackupPolicy;
use crate::model::Dist;
use crate::model::Plane;
use crate::model::Scenario;
use crate::random::{Mechanism, SimRng, stream};
use rand::RngExt;
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
    waiting: VecDeque<u32>,
}

struct Replication<'a> {
    m: &'a Model<'a>,
    s: &'a Scenario,
    procs: &'a [Process],
    sim: Simulation<Event>,
    topo: Topology,
    proc_rng: Vec<SimRng>,
    crews: Vec<CrewPool>,
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
    open: [Option<Incident>; 2],
    pending_rpo: [SimDuration; 2],
    in_pair: [bool; 2],
    failing_back: bool,
    disaster_active: bool,
    recovery_rng: SimRng,
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
    plane_masks: [u64; 2],
    record_status: bool,
    tilting: Option<Tilting>,
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
            record_status: false,
        }
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
            open: [None, None],
            pending_rpo: [SimDuration::ZERO; 2],
            in_pair: [false; 2],
            failing_back: false,
            disaster_active: false,
            recovery_rng: stream(seed, rep, m.recovery_key),
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
        }
        self.finish();
        self.out
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
            Event::PairServes(plane) => {
                self.cause = Cause::Other;
                self.in_pair[plane as usize] = true;
                self.log(
                    "pair-serves",
                    |_| Plane::ALL[plane as usize].key().to_string(),
                    String::new,
                );
            }
            Event::FailbackStart => {
                self.cause = Cause::Failback;
                self.failing_back = true;
                self.log("failback-start", |s| s.region.name.clone(), String::new);
            }
            Event::FailbackEnd => {
                self.cause = Cause::Other;
                self.failing_back = false;
                self.in_pair = [false; 2];
                self.disaster_active = false;
                self.log("failback-end", |s| s.region.name.clone(), String::new);
            }
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
        if proc.target == Target::RegionDisaster {
            // The region comes back by itself after its outage (no crew); the recovery
            // races it.
            let f = &s.failures[proc.failure];
            let outage = f.time_to_repair.sample(&mut self.proc_rng[p as usize]);
            let destroyed = f.destroys_data > 0.0 && self.recovery_rng.random_bool(f.destroys_data);
            self.region_disaster(outage, destroyed);
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
            self.log(
                "restored",
                |s| s.services[svc].name.clone(),
                || format!("redeployed in zone {zone}"),
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
            self.region_disaster(d, f.destroys_data);
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
            Target::RegionDisaster => self.topo.zone_down.iter_mut().for_each(delta),
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
                let rpo = achieved_rpo(policy, self.backup_phase[svc], now, &mut self.backup_rng[svc]);
                let plane = s.services[svc].plane.index();
                self.pending_rpo[plane] = self.pending_rpo[plane].max(rpo);
                self.log(
                    "data-lost",
                    |s| s.services[svc].name.clone(),
                    || format!("restored from backup, RPO {rpo}"),
                );
            }
        }
        self.restores.push(hit);
        let id = (self.restores.len() - 1) as u32;
        self.sim.schedule_in(restore, Event::Restored(id));
    }

    /// The primary region is lost now for `outage`: draws the recovery timeline, schedules the
    /// moments each plane serves from the pair and the failback, and records the disaster.
    fn region_disaster(&mut self, outage: SimDuration, destroyed: bool) {
        if self.disaster_active {
            // A second disaster during the first one's recovery only extends the outage.
            return;
        }
        self.disaster_active = true;
        let s = self.s;
        let now = self.sim.now();
        let rec = regional_recovery(&s.recovery, s.disaster_recovery, now, outage, &mut self.recovery_rng);
        let cp_failed_over = rec.control_plane_serving < rec.primary_back;
        if cp_failed_over {
            self.sim.schedule_at(
                rec.control_plane_serving,
                Event::PairServes(Plane::Control.index() as u32),
            );
        }
        if rec.data_plane_failed_over {
            self.sim
                .schedule_at(rec.data_plane_serving, Event::PairServes(Plane::Data.index() as u32));
        }
        let failback = rec.stages.iter().find(|st| st.name == "failback").copied();
        match failback {
            Some(st) => {
                self.sim.schedule_at(st.start, Event::FailbackStart);
                self.sim.schedule_at(st.end, Event::FailbackEnd);
            }
            None => self.disaster_active = false,
        }
        // Recovery points: stores restored in the pair lose what was not yet copied there.
        let mut rpo = [Some(SimDuration::ZERO); 2];
        for (plane, restored) in [
            (Plane::Control, cp_failed_over),
            (Plane::Data, rec.data_plane_failed_over),
        ] {
            let i = plane.index();
            if restored {
                for svc in (0..s.services.len()).filter(|&x| s.services[x].plane == plane) {
                    if let Some(policy) = &s.services[svc].backup {
                        let geo = BackupPolicy {
                            copy_lag: policy.pair_copy_lag,
                            ..*policy
                        };
                        let r = achieved_rpo(&geo, self.backup_phase[svc], now, &mut self.backup_rng[svc]);
                        rpo[i] = rpo[i].max(Some(r));
                    }
                }
            } else if destroyed && plane == Plane::Data {
                // Nothing was restored and the region's data is gone.
                rpo[i] = None;
            }
        }
        let media = s.features.iter().any(|f| f.media);
        let primary_back = rec.primary_back;
        let at_risk_until = failback.map_or(primary_back, |st| st.start);
        let uploads_at_risk = if rec.data_plane_failed_over && media {
            at_risk_until.saturating_since(rec.data_plane_serving)
        } else {
            SimDuration::ZERO
        };
        self.log(
            "region-disaster",
            |s| s.region.name.clone(),
            || {
                let back = crate::engine::duration::format_duration(outage);
                format!("primary back after {back}, DR started: {}", rec.dr_started.is_some())
            },
        );
        if now.ticks() >= s.warmup.ticks() {
            self.out.disasters.push(Disaster {
                media_unavailable: if media { outage } else { SimDuration::ZERO },
                uploads_at_risk,
                destroyed,
                rpo,
                recovery: rec,
            });
        }
    }

    fn request_repair(&mut self, p: u32) {
        match self.s.failures[self.procs[p as usize].failure].crew {
            None => self.start_repair(p),
            Some(c) => {
                if self.crews[c].busy < self.s.crews[c].size {
                    self.crews[c].busy += 1;
                    self.start_repair(p);
                } else {
                    self.crews[c].waiting.push_back(p);
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
            Some(next) => self.start_repair(next),
            None => self.crews[c].busy -= 1,
        }
    }

    /// Recomputes service, feature and plane status after an event, and accounts for changes.
    fn update(&mut self) {
        let now = self.sim.now();
        self.update_services(now);
        let feature_down_bits = self.update_features(now);
        self.update_planes(now, feature_down_bits);
    }

    /// Service status from the zones' health: down, failing over (a window starts when a
    /// serving service loses a zone) or up; served from the pair after a recovery.
    fn update_services(&mut self, now: SimTime) {
        let s = self.s;
        for svc in 0..s.services.len() {
            let healthy = self.topo.healthy_zones(svc);
            let lost_zone = healthy.count_ones() < self.topo.healthy[svc].count_ones();
            let zones_changed = healthy != self.topo.healthy[svc];
            self.topo.healthy[svc] = healthy;
            let new = if !self.topo.service_can_serve(s, svc, healthy) {
                if let Some(k) = self.failover_key[svc].take() {
                    self.sim.cancel(k);
                }
                Status::Down
            } else if lost_zone && self.status[svc] != Status::Down && Topology::fails_over(s, svc) {
                // Losing a zone while still serving: a failover window starts (or restarts).
                if let Some(k) = self.failover_key[svc].take() {
                    self.sim.cancel(k);
                }
                let w = s.services[svc].failover.sample(&mut self.failover_rng[svc]);
                self.failover_key[svc] = self.sim.schedule_in(w, Event::FailoverDone(svc as u32));
                if self.failover_key[svc].is_some() {
                    Status::FailingOver
                } else {
                    Status::Up
                }
            } else if self.failover_key[svc].is_some() {
                Status::FailingOver
            } else {
                Status::Up
            };
            // A plane recovered into the paired region serves from there until failback.
            let new = match (self.in_pair[s.services[svc].plane.index()], self.failing_back) {
                (true, false) => Status::Up,
                (true, true) => Status::Down,
                (false, _) => new,
            };
            if self.m.record_status && (new != self.status[svc] || zones_changed) {
                self.out.status_log.push(StatusChange {
                    time: now,
                    service: svc as u32,
                    status: new,
                    healthy_zones: healthy,
                });
            }
            if new != self.status[svc] {
                self.status[svc] = new;
                let ev = match new {
                    Status::Up => "service-up",
                    Status::FailingOver => "failover-start",
                    Status::Down => "service-down",
                };
                self.log(
                    ev,
                    |s| s.services[svc].name.clone(),
                    move || format!("{} healthy zone(s)", healthy.count_ones()),
                );
            }
        }
    }

    /// Feature status from the services' (media stays down while served from the pair); returns
    /// the set of features down.
    fn update_features(&mut self, now: SimTime) -> u64 {
        let s = self.s;
        let mut feature_down_bits = 0u64;
        for f in 0..s.features.len() {
            let feature = &s.features[f];
            // Audio/video stays down until the primary region is back.
            let up = feature.services.iter().all(|&x| self.status[x] == Status::Up)
                && !(feature.media && self.in_pair[feature.plane.index()]);
            if !up {
                feature_down_bits |= 1 << f;
            }
            match (up, self.feature_down_since[f]) {
                (false, None) => {
                    self.feature_down_since[f] = Some(now);
                    self.log("feature-down", |s| s.features[f].name.clone(), String::new);
                }
                (true, Some(since)) => {
                    self.out.feature_downtime[f] += self.observed(since, now);
                    self.feature_down_since[f] = None;
                    self.log("feature-up", |s| s.features[f].name.clone(), String::new);
                }
                _ => {}
            }
        }
        feature_down_bits
    }

    /// Plane status from the features': opens and closes incidents, accounts for downtime.
    fn update_planes(&mut self, now: SimTime, feature_down_bits: u64) {
        let s = self.s;
        for plane in Plane::ALL {
            let i = plane.index();
            let mask = self.m.plane_masks[i];
            let up = feature_down_bits & mask == 0;
            let any_down = s.features.iter().enumerate().any(|(f, feat)| {
                feat.plane == plane
                    && feature_down_bits & (1 << f) != 0
                    && feat.services.iter().any(|&x| self.status[x] == Status::Down)
            });
            match (up, self.plane_down_since[i]) {
                (false, None) => {
                    self.plane_down_since[i] = Some(now);
                    self.open[i] = Some(Incident {
                        plane,
                        start: now,
                        end: now,
                        censored: false,
                        rpo: SimDuration::ZERO,
                        kind: IncidentKind::Failover,
                        cause: self.cause,
                        features_down: 0,
                    });
                    if self.trace.is_some() {
                        let cause = self.describe_cause();
                        self.log("incident-open", |_| plane.key().to_string(), || cause);
                    }
                }
                (true, Some(since)) => {
                    self.out.plane_downtime[i] += self.observed(since, now);
                    self.plane_down_since[i] = None;
                    if let Some(mut inc) = self.open[i].take() {
                        inc.end = now;
                        let rto = inc.rto();
                        self.log(
                            "incident-close",
                            |_| plane.key().to_string(),
                            || format!("{} after {rto}", inc.kind.as_str()),
                        );
                        self.record(inc);
                    }
                }
                _ => {}
            }
            if let Some(inc) = self.open[i].as_mut() {
                inc.features_down |= feature_down_bits & mask;
                if any_down {
                    inc.kind = IncidentKind::Outage;
                }
                inc.rpo = inc.rpo.max(self.pending_rpo[i]);
            }
            self.pending_rpo[i] = SimDuration::ZERO;
        }
    }

    fn describe_cause(&self) -> String {
        self.cause.describe(self.s, self.procs)
    }

    /// Part of `[from, to]` inside the observation window `[warmup, horizon]`.
    fn observed(&self, from: SimTime, to: SimTime) -> u64 {
        let lo = from.ticks().max(self.s.warmup.ticks());
        let hi = to.ticks().min(self.s.horizon.ticks());
        hi.saturating_sub(lo)
    }

    fn record(&mut self, inc: Incident) {
        // A regional disaster is reported as a whole (see `region_disaster`), not as incidents.
        let regional = match inc.cause {
            Cause::Process(p) => self.procs[p as usize].target == Target::RegionDisaster,
            Cause::Fault(i) => Target::of_fault(&self.s.faults[i as usize]) == Target::RegionDisaster,
            Cause::Failback => true,
            Cause::Other => false,
        };
        if !regional && inc.start.ticks() >= self.s.warmup.ticks() {
            self.out.incidents.push(inc);
        }
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
    }
}

/// Bit mask of the features that belong to `plane`.
fn plane_mask(s: &Scenario, plane: Plane) -> u64 {
    s.features
        .iter()
        .enumerate()
        .filter(|(_, f)| f.plane == plane)
        .fold(0, |m, (i, _)| m | 1 << i)
}
