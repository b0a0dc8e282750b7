//! Recoveries into the paired region (docs/MODEL.md section 5), driven by events: an outage the
//! health checks detect leads to a consent request and, with consent, to the recovery of each
//! plane that is down, raced by the primary's natural recovery; failback follows once the
//! primary is back for good. Also the bookkeeping of the primary region's disasters.

use super::{Event, Replication};
use crate::engine::{EventKey, SimDuration, SimTime};
use crate::model::outcome::{Cause, Disaster, Recovery};
use crate::model::recovery::{RecoveryDraw, Stage, capacity_wait};
use crate::model::recovery_point::{RecoveryPoint, recovery_point};
use crate::model::{BackupPolicy, Plane, RecoveryTrigger};
use crate::random::{Mechanism, SimRng, stream};

/// Where a recovery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for detection (and `min_outage`) before asking for consent.
    Detecting,
    /// Consent requested, no answer yet.
    AwaitingConsent,
    /// The customer refused: the planes wait for the primary.
    Refused,
    /// Consent given while the pair was down: the stages wait for it.
    WaitingForPair,
    /// Planes are being recovered or run in the pair.
    Running,
    /// The primary is back; failback starts after its delay.
    FailbackScheduled,
    /// The failback disruption.
    FailingBack,
}

/// The recovery in progress (at most one at a time).
pub(super) struct Episode {
    /// Its record in `out.recoveries`.
    pub(super) record: u32,
    draw: RecoveryDraw,
    phase: Phase,
    start: SimTime,
    detected: SimTime,
    requested: SimTime,
    consented: SimTime,
    failback_began: SimTime,
    /// The pending consent or failback event.
    key: Option<EventKey>,
    /// Per plane, its pending `PairServes` while its recovery runs.
    serving: [Option<EventKey>; 2],
    /// Per plane, whether its recovery was started.
    started: [bool; 2],
    /// Its own stream, keyed by what triggered it, so that two designs facing the same failure
    /// draw the same recovery (common random numbers).
    rng: SimRng,
}

/// A disaster whose figures are not all settled yet.
pub(super) struct OpenDisaster {
    index: usize,
    media_settled: bool,
}

impl Replication<'_> {
    fn stage(&mut self, name: &'static str, start: SimTime, end: SimTime) {
        if let Some(ep) = &self.episode {
            self.out.recoveries[ep.record as usize]
                .stages
                .push(Stage { name, start, end });
        }
    }

    fn recovery_mut(&mut self) -> Option<&mut Recovery> {
        let i = self.episode.as_ref()?.record as usize;
        self.out.recoveries.get_mut(i)
    }

    /// Moves the recovery along after a status change: starts one when a plane goes down outright,
    /// abandons what the primary overtook, schedules or holds back the failback.
    pub(super) fn update_recovery(&mut self, now: SimTime) {
        let Some(ep) = self.episode.as_mut() else {
            self.start_recovery(now);
            return;
        };
        let any_outage = self.primary_outage.iter().any(|&x| x);
        match ep.phase {
            Phase::Detecting | Phase::AwaitingConsent | Phase::Refused | Phase::WaitingForPair => {
                if !any_outage {
                    // The primary came back before anything was started.
                    self.end_recovery("the primary came back first");
                } else if ep.phase == Phase::WaitingForPair && self.pair_down == 0 {
                    let since = ep.consented;
                    self.stage("pair-wait", since, now);
                    self.start_pipeline(now);
                }
            }
            Phase::Running | Phase::FailbackScheduled => self.update_running(now),
            Phase::FailingBack => {}
        }
    }

    fn update_running(&mut self, now: SimTime) {
        // A plane that goes down after consent joins the recovery.
        for plane in Plane::ALL {
            let i = plane.index();
            let ep = self.episode.as_ref().expect("running");
            if !ep.started[i] && self.primary_outage[i] && !self.in_pair[i] {
                self.start_plane(plane, now);
            }
        }
        // The race: a plane the primary serves again before its recovery ends stays there.
        for plane in Plane::ALL {
            let i = plane.index();
            let ep = self.episode.as_mut().expect("running");
            if self.primary_up[i]
                && let Some(k) = ep.serving[i].take()
            {
                self.sim.cancel(k);
                self.log(
                    "recovery-abandoned",
                    |_| plane.key().to_string(),
                    || "the primary came back first".into(),
                );
            }
        }
        let ep = self.episode.as_mut().expect("running");
        let pending = ep.serving.iter().any(Option::is_some);
        let hosted = self.in_pair.iter().any(|&x| x);
        if !pending && !hosted {
            // Nothing runs in the pair; a plane still down (no managed DR, no room in the pair)
            // waits for the primary within this recovery.
            if !self.primary_outage.iter().any(|&x| x) {
                self.end_recovery("the primary came back first");
            }
            return;
        }
        // Failback once every plane in the pair is whole again on the primary.
        let ready = !pending
            && Plane::ALL
                .iter()
                .all(|p| !self.in_pair[p.index()] || self.primary_whole[p.index()]);
        match (ep.phase, ready) {
            (Phase::Running, true) => {
                ep.key = self.sim.schedule_in(ep.draw.failback_delay, Event::FailbackStart);
                ep.phase = Phase::FailbackScheduled;
            }
            (Phase::FailbackScheduled, false) => {
                if let Some(k) = ep.key.take() {
                    self.sim.cancel(k);
                }
                ep.phase = Phase::Running;
            }
            _ => {}
        }
    }

    /// A plane is down outright on the primary and no recovery runs: one starts, if the trigger
    /// admits this outage.
    fn start_recovery(&mut self, now: SimTime) {
        let s = self.s;
        if !self.primary_outage.iter().any(|&x| x) {
            return;
        }
        if s.recovery.trigger == RecoveryTrigger::RegionDisaster && self.region_down == 0 {
            return;
        }
        let key = match self.cause {
            Cause::Process(p) => format!(
                "recovery/{}/{}",
                self.procs[p as usize].mechanism, self.failures_seen[p as usize]
            ),
            Cause::Fault(i) => format!("recovery/fault/{i}"),
            Cause::Failback | Cause::Other => format!("recovery/other/{}", self.out.recoveries.len()),
        };
        let mut rng = stream(s.seed, self.out.replication, Mechanism::named(&key));
        let draw = RecoveryDraw::draw(&s.recovery, &mut rng);
        let detected = now.saturating_add(draw.detection);
        let requested = detected.max(now.saturating_add(s.recovery.min_outage));
        let record = self.out.recoveries.len() as u32;
        self.out.recoveries.push(Recovery {
            trigger: self.cause,
            start: now,
            refused: false,
            consented: None,
            pair_served: [None; 2],
            stages: Vec::new(),
            no_room: false,
        });
        let key = self.sim.schedule_at(requested, Event::ConsentRequested);
        self.episode = Some(Episode {
            record,
            draw,
            phase: Phase::Detecting,
            start: now,
            detected,
            requested,
            consented: now,
            failback_began: now,
            key,
            serving: [None; 2],
            started: [false; 2],
            rng,
        });
        for inc in self.open.iter_mut().flatten() {
            inc.recovery.get_or_insert(record);
        }
        for d in &self.open_disasters {
            self.out.disasters[d.index].recovery.get_or_insert(record);
        }
    }

    /// Ends the recovery in progress, cancelling what is pending.
    fn end_recovery(&mut self, why: &'static str) {
        if let Some(ep) = &self.episode
            && ep.phase == Phase::WaitingForPair
        {
            // The wait ends here: it belongs on the critical path of what waited.
            let since = ep.consented;
            self.stage("pair-wait", since, self.sim.now());
        }
        if let Some(ep) = self.episode.take() {
            for k in ep.serving.into_iter().chain([ep.key]).flatten() {
                self.sim.cancel(k);
            }
            self.log("recovery-end", |_| String::new(), || why.to_string());
        }
    }

    /// Detection (and `min_outage`) done: the consent request, answered or refused.
    pub(super) fn on_consent_requested(&mut self) {
        self.cause = Cause::Other;
        let now = self.sim.now();
        let ep = self.episode.as_mut().expect("a consent request belongs to a recovery");
        ep.key = None;
        let (start, detected) = (ep.start, ep.detected);
        let (refused, consent) = (ep.draw.refused, ep.draw.consent_at(&self.s.recovery, now));
        self.stage("detection", start, detected);
        if refused {
            self.episode.as_mut().expect("recovery").phase = Phase::Refused;
            self.stage("consent-refused", now, now);
            if let Some(r) = self.recovery_mut() {
                r.refused = true;
            }
            self.log("consent-refused", |s| s.region.name.clone(), String::new);
        } else {
            let key = self.sim.schedule_at(consent, Event::Consented);
            let ep = self.episode.as_mut().expect("recovery");
            ep.key = key;
            ep.phase = Phase::AwaitingConsent;
            self.log("consent-requested", |s| s.region.name.clone(), String::new);
        }
    }

    /// The customer consents: the recovery starts, or waits for a pair that is down.
    pub(super) fn on_consented(&mut self) {
        self.cause = Cause::Other;
        let now = self.sim.now();
        let ep = self.episode.as_mut().expect("consent belongs to a recovery");
        ep.key = None;
        ep.consented = now;
        let requested = ep.requested;
        self.stage("consent", requested, now);
        if let Some(r) = self.recovery_mut() {
            r.consented = Some(now);
        }
        for d in &self.open_disasters {
            self.out.disasters[d.index].dr_started = true;
        }
        self.log("consent", |s| s.pair.name.clone(), String::new);
        if self.pair_down > 0 {
            self.episode.as_mut().expect("recovery").phase = Phase::WaitingForPair;
            self.log(
                "pair-down",
                |s| s.pair.name.clone(),
                || "the recovery waits for the pair".into(),
            );
        } else {
            self.start_pipeline(now);
        }
    }

    /// The control-plane failover and the data-plane restore start together, for every plane
    /// down outright (separate work by separate people).
    fn start_pipeline(&mut self, now: SimTime) {
        self.episode.as_mut().expect("recovery").phase = Phase::Running;
        for plane in Plane::ALL {
            if self.primary_outage[plane.index()] {
                self.start_plane(plane, now);
            }
        }
    }

    fn start_plane(&mut self, plane: Plane, now: SimTime) {
        let s = self.s;
        let plan = &s.recovery;
        let ep = self.episode.as_mut().expect("recovery");
        ep.started[plane.index()] = true;
        let draw = ep.draw.clone();
        let ready = match plane {
            Plane::Control => {
                let ready = now.saturating_add(draw.control_plane_failover);
                self.stage("control-plane-failover", now, ready);
                Some(ready)
            }
            // Without managed DR the data plane waits for the primary.
            Plane::Data if !s.disaster_recovery => None,
            Plane::Data => {
                let queued = match &plan.capacity {
                    None => Some(now),
                    Some(c) => {
                        // Tenants of other regions sharing the pair, already down, are ahead.
                        let earlier = u64::from(self.sharing_pair_down) * u64::from(c.tenants);
                        let ep = self.episode.as_mut().expect("recovery");
                        let wait = capacity_wait(c, earlier, &mut ep.rng);
                        wait.map(|w| {
                            let q = now.saturating_add(w);
                            self.stage("capacity-wait", now, q);
                            q
                        })
                    }
                };
                match queued {
                    Some(q) => {
                        let mut stages = Vec::new();
                        let done = draw.restore_data_plane(plan, q, &mut |name, a, b| {
                            stages.push(Stage { name, start: a, end: b })
                        });
                        if let Some(r) = self.recovery_mut() {
                            r.stages.extend(stages);
                        }
                        Some(done)
                    }
                    None => {
                        if let Some(r) = self.recovery_mut() {
                            r.no_room = true;
                        }
                        self.log(
                            "no-room",
                            |s| s.pair.name.clone(),
                            || "the pair has no room left".into(),
                        );
                        None
                    }
                }
            }
        };
        if let Some(t) = ready {
            let key = self.sim.schedule_at(t, Event::PairServes(plane.index() as u32));
            self.episode.as_mut().expect("recovery").serving[plane.index()] = key;
        }
    }

    /// A plane serves from the pair: its stores are restored from the backups copied there before
    /// its outage began.
    pub(super) fn on_pair_serves(&mut self, i: usize) {
        self.cause = Cause::Other;
        let s = self.s;
        let now = self.sim.now();
        let plane = Plane::ALL[i];
        if let Some(ep) = self.episode.as_mut() {
            ep.serving[i] = None;
        }
        self.in_pair[i] = true;
        if let Some(r) = self.recovery_mut() {
            r.pair_served[i] = Some(now);
        }
        let lost_at = self.open[i].as_ref().map_or(now, |inc| inc.start);
        let mut rpo = RecoveryPoint::default();
        for svc in (0..s.services.len()).filter(|&x| s.services[x].plane == plane) {
            if let Some(policy) = &s.services[svc].backup {
                let geo = BackupPolicy {
                    copy_lag: policy.pair_copy_lag,
                    ..*policy
                };
                let point = recovery_point(&geo, self.backup_phase[svc], lost_at, &mut self.backup_rng[svc]);
                if point.age > rpo.age {
                    rpo = point;
                }
            }
        }
        if rpo.age > self.pending_rpo[i].age {
            self.pending_rpo[i] = rpo;
        }
        self.pair_rpo[i] = rpo.age;
        if plane == Plane::Data {
            // Restored from the geo-backups: what the region destroyed is recovered up to the RPO.
            self.region_destroyed = false;
            self.data_in_pair_since = Some(now);
        }
        self.log(
            "pair-serves",
            |_| plane.key().to_string(),
            || format!("RPO {}", crate::engine::duration::human(rpo.age)),
        );
    }

    pub(super) fn on_failback_start(&mut self) {
        self.cause = Cause::Failback;
        let now = self.sim.now();
        self.failing_back = true;
        let ep = self.episode.as_mut().expect("failback belongs to a recovery");
        ep.phase = Phase::FailingBack;
        ep.failback_began = now;
        ep.key = self.sim.schedule_in(ep.draw.failback_disruption, Event::FailbackEnd);
        self.log("failback-start", |s| s.region.name.clone(), String::new);
    }

    pub(super) fn on_failback_end(&mut self) {
        self.cause = Cause::Other;
        let now = self.sim.now();
        self.failing_back = false;
        self.in_pair = [false; 2];
        let began = self.episode.as_ref().map_or(now, |e| e.failback_began);
        self.stage("failback", began, now);
        if let Some(ep) = self.episode.as_mut() {
            ep.key = None;
        }
        self.settle_uploads(now);
        self.end_recovery("failback done");
        self.log("failback-end", |s| s.region.name.clone(), String::new);
    }

    /// Uploads made while the data plane ran in the pair, until now, are at risk.
    fn settle_uploads(&mut self, now: SimTime) {
        let Some(since) = self.data_in_pair_since.take() else {
            return;
        };
        if self.m.media_mask == 0 {
            return;
        }
        for d in &self.open_disasters {
            let d = &mut self.out.disasters[d.index];
            d.uploads_at_risk = now.saturating_since(since.max(d.start));
        }
    }

    /// The primary region is lost now.
    pub(super) fn region_disaster(&mut self, destroyed: bool) {
        let now = self.sim.now();
        self.log(
            "region-disaster",
            |s| s.region.name.clone(),
            || {
                if destroyed {
                    "data destroyed".into()
                } else {
                    String::new()
                }
            },
        );
        // Data already running in the pair is safe there.
        if destroyed && !self.in_pair[Plane::Data.index()] {
            self.region_destroyed = true;
        }
        if now.ticks() < self.s.warmup.ticks() {
            return;
        }
        let consented = self.episode.as_ref().is_some_and(|e| {
            matches!(
                e.phase,
                Phase::Running | Phase::FailbackScheduled | Phase::FailingBack | Phase::WaitingForPair
            )
        });
        self.out.disasters.push(Disaster {
            start: now,
            destroyed,
            dr_started: consented,
            serving: [None; 2],
            failed_over: [false; 2],
            rpo: [Some(SimDuration::ZERO); 2],
            control_plane_read_only: None,
            control_plane_full: None,
            media_unavailable: SimDuration::ZERO,
            uploads_at_risk: SimDuration::ZERO,
            recovery: self.episode.as_ref().map(|e| e.record),
        });
        self.open_disasters.push(OpenDisaster {
            index: self.out.disasters.len() - 1,
            media_settled: self.m.media_mask == 0,
        });
    }

    /// Settles what is known of each open disaster: when each plane served again (from where,
    /// with which RPO), the control plane fully back, audio/video back.
    pub(super) fn update_disasters(&mut self, now: SimTime) {
        let mut i = 0;
        while i < self.open_disasters.len() {
            let od = &mut self.open_disasters[i];
            let d = &mut self.out.disasters[od.index];
            for plane in Plane::ALL {
                let p = plane.index();
                if d.serving[p].is_none() && self.plane_down_since[p].is_none() {
                    d.serving[p] = Some(now);
                    d.failed_over[p] = self.in_pair[p];
                    d.rpo[p] = if self.in_pair[p] {
                        Some(self.pair_rpo[p])
                    } else if plane == Plane::Data && self.lost_now {
                        None
                    } else {
                        Some(SimDuration::ZERO)
                    };
                    if plane == Plane::Control && self.in_pair[p] {
                        d.control_plane_read_only = Some(now);
                    }
                }
            }
            let cp = Plane::Control.index();
            if d.control_plane_full.is_none()
                && d.serving[cp].is_some()
                && self.plane_down_since[cp].is_none()
                && !self.in_pair[cp]
            {
                d.control_plane_full = Some(now);
            }
            if !od.media_settled && self.media_down_since.is_none() {
                d.media_unavailable = now.saturating_since(d.start);
                od.media_settled = true;
            }
            if d.serving.iter().all(Option::is_some) && d.control_plane_full.is_some() && od.media_settled {
                // `remove`, not `swap_remove`: the others stay in the order they struck.
                self.open_disasters.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// At the horizon: what is still open is censored.
    pub(super) fn finish_disasters(&mut self, end: SimTime) {
        self.settle_uploads(end);
        for od in std::mem::take(&mut self.open_disasters) {
            let d = &mut self.out.disasters[od.index];
            if !od.media_settled {
                d.media_unavailable = end.saturating_since(d.start);
            }
            if d.serving[Plane::Data.index()].is_none() && self.region_destroyed {
                d.rpo[Plane::Data.index()] = None;
            }
        }
    }
}
