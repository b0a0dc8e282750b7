//! After every event: service, feature and plane status, on the primary and as served, and the
//! incidents and downtime that follow. "Up" has one meaning throughout: a plane is up when its
//! features other than audio/video are up as served (from the primary, or from the pair after a
//! recovery); its downtime, its incidents and their RTO all follow that one status. Audio/video
//! features, kept down while their plane runs in the pair, are measured feature by feature.

use super::{Event, Replication};
use crate::engine::SimTime;
use crate::model::Plane;
use crate::model::outcome::{Cause, Incident, IncidentKind, StatusChange};
use crate::model::topology::{Status, Topology};

impl Replication<'_> {
    /// Recomputes every status after an event, accounts for the changes, and moves the recovery
    /// along.
    pub(super) fn update(&mut self) {
        let now = self.sim.now();
        self.lost_now = false;
        self.update_services(now);
        let down = self.update_features(now);
        self.update_planes(now, down);
        self.update_recovery(now);
        self.update_disasters(now);
    }

    /// Service status from the zones' health: down, failing over (a window starts when a
    /// serving service loses a zone) or up; as served, the pair's status while its plane runs
    /// there.
    fn update_services(&mut self, now: SimTime) {
        let s = self.s;
        for svc in 0..s.services.len() {
            let healthy = self.topo.healthy_zones(svc);
            let lost_zone = healthy.count_ones() < self.topo.healthy[svc].count_ones();
            let zones_changed = healthy != self.topo.healthy[svc];
            self.topo.healthy[svc] = healthy;
            let primary = if !self.topo.service_can_serve(s, svc, healthy) {
                if let Some(k) = self.failover_key[svc].take() {
                    self.sim.cancel(k);
                }
                Status::Down
            } else if lost_zone && self.primary_status[svc] != Status::Down && Topology::fails_over(s, svc) {
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
            self.primary_status[svc] = primary;
            // A plane recovered into the pair runs there, zonal in the pair's first zone, until
            // failback: down while that zone is, and during the failback disruption.
            let in_pair = self.in_pair[s.services[svc].plane.index()];
            let new = match (in_pair, self.failing_back || self.pair_down > 0) {
                (true, false) => Status::Up,
                (true, true) => Status::Down,
                (false, _) => primary,
            };
            if self.m.record_status && (new != self.status[svc] || zones_changed) {
                self.out.status_log.push(StatusChange {
                    time: now,
                    service: svc as u32,
                    status: new,
                    healthy_zones: healthy,
                    in_pair,
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
                    move || match (in_pair, s.region.zones) {
                        (true, _) => format!("served from the pair {}", s.pair.name),
                        (false, 0) if healthy == 0 => "datacenter down".to_string(),
                        (false, 0) => "datacenter up".to_string(),
                        (false, _) => format!("{} healthy zone(s)", healthy.count_ones()),
                    },
                );
            }
        }
    }

    /// Feature status as served, and the planes as the primary would serve them; returns the
    /// set of features down as served.
    fn update_features(&mut self, now: SimTime) -> u64 {
        let s = self.s;
        let mut down_bits = 0u64;
        let mut primary_down = 0u64;
        let mut primary_outage = 0u64;
        for f in 0..s.features.len() {
            let feature = &s.features[f];
            // Audio/video stays down while its plane runs in the pair.
            // One pass over its services: up as served, up on the primary, down outright there.
            let (mut served_up, mut primary_up, mut primary_out) = (true, true, false);
            for &x in &feature.services {
                served_up &= self.status[x] == Status::Up;
                let p = self.primary_status[x];
                primary_up &= p == Status::Up;
                primary_out |= p == Status::Down;
            }
            let up = served_up && !(feature.media && self.in_pair[feature.plane.index()]);
            if !up {
                down_bits |= 1 << f;
            }
            if !primary_up {
                primary_down |= 1 << f;
            }
            if primary_out {
                primary_outage |= 1 << f;
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
        // Since when some audio/video feature is down (what a disaster's media figures measure).
        match (down_bits & self.m.media_mask == 0, self.media_down_since) {
            (false, None) => self.media_down_since = Some(now),
            (true, Some(_)) => self.media_down_since = None,
            _ => {}
        }
        for plane in Plane::ALL {
            let i = plane.index();
            let mask = self.m.plane_masks[i];
            self.primary_up[i] = primary_down & mask == 0;
            self.primary_outage[i] = primary_outage & mask != 0;
            self.primary_whole[i] = primary_down & self.m.whole_masks[i] == 0;
        }
        down_bits
    }

    /// Plane status as served: opens and closes incidents, accounts for downtime.
    fn update_planes(&mut self, now: SimTime, down_bits: u64) {
        let s = self.s;
        for plane in Plane::ALL {
            let i = plane.index();
            let mask = self.m.plane_masks[i];
            let up = down_bits & mask == 0;
            let any_down = s.features.iter().enumerate().any(|(f, feat)| {
                mask & (1 << f) != 0
                    && down_bits & (1 << f) != 0
                    && feat.services.iter().any(|&x| self.status[x] == Status::Down)
            });
            // What the recovery learned (a restore's RPO) belongs to the incident it ends; the
            // features down include the plane's audio/video.
            let features_down = down_bits & self.m.whole_masks[i];
            self.merge_into_open(i, features_down);
            match (up, self.plane_down_since[i]) {
                (false, None) => {
                    self.plane_down_since[i] = Some(now);
                    let failback = self.cause == Cause::Failback;
                    self.open[i] = Some(Incident {
                        plane,
                        start: now,
                        end: now,
                        censored: false,
                        rpo: crate::engine::SimDuration::ZERO,
                        kind: if failback {
                            IncidentKind::Failback
                        } else {
                            IncidentKind::Failover
                        },
                        cause: self.cause,
                        features_down: 0,
                        regional: self.is_primary_disaster(self.cause),
                        data_lost: false,
                        recovery: None,
                        rto_path: crate::model::CriticalPath::default(),
                        rpo_cause: crate::model::RpoCause::None,
                    });
                    self.merge_into_open(i, features_down);
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
                        // Back on the primary after its data was destroyed, with nothing restored.
                        if plane == Plane::Data && self.region_destroyed && !self.in_pair[i] {
                            inc.data_lost = true;
                            inc.rpo_cause = crate::model::RpoCause::DataDestroyed;
                            self.region_destroyed = false;
                            self.lost_now = true;
                        }
                        let rto = inc.rto();
                        self.log(
                            "incident-close",
                            |_| plane.key().to_string(),
                            || format!("{} after {}", inc.kind.as_str(), crate::engine::duration::human(rto)),
                        );
                        self.record(inc);
                    }
                }
                _ => {}
            }
            if let Some(inc) = self.open[i].as_mut()
                && any_down
                && inc.kind == IncidentKind::Failover
            {
                inc.kind = IncidentKind::Outage;
            }
            self.pending_rpo[i] = Default::default();
        }
    }

    /// Folds the features down, the pending RPO and the running recovery into plane `i`'s open
    /// incident.
    fn merge_into_open(&mut self, i: usize, features_down: u64) {
        let recovery = self.episode.as_ref().map(|e| e.record);
        if let Some(inc) = self.open[i].as_mut() {
            inc.features_down |= features_down;
            let point = std::mem::take(&mut self.pending_rpo[i]);
            if point.age > inc.rpo {
                inc.rpo = point.age;
                inc.rpo_cause = point.cause();
            }
            if inc.recovery.is_none() {
                inc.recovery = recovery;
            }
        }
    }

    /// Whether `cause` is a disaster of the primary region.
    fn is_primary_disaster(&self, cause: Cause) -> bool {
        use crate::model::failure::Target;
        match cause {
            Cause::Process(p) => self.procs[p as usize].target == Target::RegionDisaster,
            Cause::Fault(i) => Target::of_fault(&self.s.faults[i as usize]) == Target::RegionDisaster,
            Cause::Failback | Cause::Other => false,
        }
    }

    pub(super) fn describe_cause(&self) -> String {
        self.cause.describe(self.s, self.procs)
    }

    pub(super) fn record(&mut self, inc: Incident) {
        if inc.start.ticks() >= self.s.warmup.ticks() {
            self.out.incidents.push(inc);
        }
    }
}
