//! Regional disaster recovery (docs/MODEL.md section 5) as a timeline of random stages.
//!
//! When the primary region goes down at `start` and would come back by itself after `outage`
//! (natural recovery), the recovery is manual and proceeds in stages: health checks detect the
//! outage, the customer is asked to consent, then the control plane is failed over to the pair
//! (read-only until the primary returns) and — with managed DR — the data plane is restored from
//! backups in the pair (create resources, restore database and storage in parallel, validate,
//! switch traffic). Natural recovery races the recovery: each plane serves again at whichever
//! comes first, and a recovery that has not started when the primary returns is abandoned.
//!
//! This module holds the stages' random durations ([`RecoveryDraw`]), the contention in the pair
//! ([`capacity_wait`]) and, for the oracles, the whole timeline of one region disaster in closed
//! form ([`regional_recovery`]). The replication loop (`replication/recovery.rs`) runs the same
//! draws as events, for any outage that triggers a recovery.

use crate::engine::{SimDuration, SimTime};
use crate::model::{CapacityPlan, RecoveryPlan};
use rand::{Rng, RngExt};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One stage of a recovery, for `incidents.csv` and timelines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stage {
    /// `detection`, `consent`, `control-plane-failover`, `create-resources`, ...
    pub name: &'static str,
    /// When the stage starts.
    pub start: SimTime,
    /// When it ends.
    pub end: SimTime,
}

/// What happened to the planes during one regional disaster.
#[derive(Clone, Debug, PartialEq)]
pub struct RegionalRecovery {
    /// The disaster.
    pub start: SimTime,
    /// The primary region is operational again (natural recovery).
    pub primary_back: SimTime,
    /// The outage was detected.
    pub detected: SimTime,
    /// DR was started (consent given before the primary came back).
    pub dr_started: Option<SimTime>,
    /// The control plane served again (read-only in the pair, or the primary back).
    pub control_plane_serving: SimTime,
    /// The control plane was fully operational again (after failback, or the primary back).
    pub control_plane_full: SimTime,
    /// The data plane served again (restored in the pair, or the primary back).
    pub data_plane_serving: SimTime,
    /// The data plane was restored in the pair (it won the race).
    pub data_plane_failed_over: bool,
    /// The stages that ran, in order of start.
    pub stages: Vec<Stage>,
}

impl RegionalRecovery {
    /// Achieved RTO of the control plane: until it serves (read-only counts).
    pub fn control_plane_rto(&self) -> SimDuration {
        self.control_plane_serving.saturating_since(self.start)
    }

    /// Achieved RTO of the data plane.
    pub fn data_plane_rto(&self) -> SimDuration {
        self.data_plane_serving.saturating_since(self.start)
    }
}

/// Adds `work` of business time (Monday–Friday 09:00–17:00, t = 0 being Monday 00:00) to `t`.
pub fn add_business_time(t: SimTime, work: SimDuration) -> SimTime {
    const DAY: u64 = 86_400_000_000;
    const OPEN: u64 = 9 * 3_600_000_000;
    const CLOSE: u64 = 17 * 3_600_000_000;
    let mut now = t.ticks();
    let mut left = work.ticks();
    loop {
        let day = now / DAY;
        let in_day = now % DAY;
        let weekday = day % 7 < 5;
        if weekday && in_day < CLOSE {
            let from = in_day.max(OPEN);
            let available = CLOSE - from;
            if left <= available {
                return SimTime(day * DAY + from + left);
            }
            left -= available;
        }
        now = (day + 1) * DAY;
    }
}

/// Time our tenant waits for a recovery crew when every tenant of the lost region fails over at
/// once: we are at a uniformly random place among our region's tenants, behind `earlier` tenants
/// of other regions sharing the pair whose disasters began first; crews take tenants in order,
/// each for `tenant_work`. `None` when the pair has no room left for us (we wait for the primary).
pub fn capacity_wait<R: Rng + ?Sized>(c: &CapacityPlan, earlier: u64, rng: &mut R) -> Option<SimDuration> {
    let ahead = earlier + u64::from(rng.random_range(0..c.tenants));
    if c.room_for.is_some_and(|room| ahead >= room) {
        return None;
    }
    if ahead < u64::from(c.crews) {
        return Some(SimDuration::ZERO);
    }
    // List scheduling: each tenant ahead goes to the crew that frees first.
    let mut free: BinaryHeap<Reverse<u64>> = (0..c.crews).map(|_| Reverse(0)).collect();
    for _ in 0..ahead {
        let Reverse(t) = free.pop().expect("at least one crew");
        free.push(Reverse(t.saturating_add(c.tenant_work.sample(rng).ticks())));
    }
    free.peek().map(|Reverse(t)| SimDuration(*t))
}

/// The random durations of one recovery, drawn when the outage starts (before anyone knows how
/// long it will last), so that the race with the natural recovery is decided by events.
#[derive(Clone, Debug, PartialEq)]
pub struct RecoveryDraw {
    /// Outage start to detection: U(0, P) + (k − 1)·P.
    pub detection: SimDuration,
    /// The customer's response time to the consent request.
    pub response: SimDuration,
    /// The customer never consents.
    pub refused: bool,
    /// Control-plane failover into the pair.
    pub control_plane_failover: SimDuration,
    /// Creating the resources in the pair.
    pub create_resources: SimDuration,
    /// Validating the restored deployment.
    pub validation: SimDuration,
    /// Switching the data plane's traffic.
    pub traffic_switch: SimDuration,
    /// Primary back to start of failback.
    pub failback_delay: SimDuration,
    /// Length of the failback disruption.
    pub failback_disruption: SimDuration,
}

impl RecoveryDraw {
    /// Draws every stage of `plan`, always in the same order.
    pub fn draw<R: Rng + ?Sized>(plan: &RecoveryPlan, rng: &mut R) -> RecoveryDraw {
        // Health checks every P with a phase independent of the failure: the first failing check
        // comes U(0, P) after it, and k consecutive failures declare the outage.
        let period = plan.check_period.ticks();
        let detection = SimDuration(rng.random_range(0..period) + u64::from(plan.consecutive_failures - 1) * period);
        let response = plan.consent_response.sample(rng);
        let refused = plan.no_consent_probability > 0.0 && rng.random_bool(plan.no_consent_probability);
        RecoveryDraw {
            detection,
            response,
            refused,
            control_plane_failover: plan.control_plane_failover.sample(rng),
            create_resources: plan.create_resources.sample(rng),
            validation: plan.validation.sample(rng),
            traffic_switch: plan.traffic_switch.sample(rng),
            failback_delay: plan.failback_delay.sample(rng),
            failback_disruption: plan.failback_disruption.sample(rng),
        }
    }

    /// When the customer answers a request made at `request`.
    pub fn consent_at(&self, plan: &RecoveryPlan, request: SimTime) -> SimTime {
        if plan.business_hours {
            add_business_time(request, self.response)
        } else {
            request.saturating_add(self.response)
        }
    }

    /// The data-plane restore from `queued` (a crew is free for us): create, database and storage
    /// restores in parallel, validate, switch traffic. Hands each stage to `stage`; returns when
    /// the data plane serves from the pair.
    pub fn restore_data_plane(
        &self,
        plan: &RecoveryPlan,
        queued: SimTime,
        stage: &mut impl FnMut(&'static str, SimTime, SimTime),
    ) -> SimTime {
        let created = queued.saturating_add(self.create_resources);
        stage("create-resources", queued, created);
        let db = created.saturating_add(plan.database_restore);
        stage("database-restore", created, db);
        let st = created.saturating_add(plan.storage_restore);
        stage("storage-restore", created, st);
        let restored = db.max(st);
        let validated = restored.saturating_add(self.validation);
        stage("validation", restored, validated);
        let switched = validated.saturating_add(self.traffic_switch);
        stage("traffic-switch", validated, switched);
        switched
    }
}

/// Draws the recovery timeline of one region disaster at `start` whose natural recovery takes
/// `outage`, for a deployment alone in the pair (the closed-form view of what the replication
/// loop does with events; the oracles of section 7 test it). `managed_dr`: the data plane is
/// restored in the pair; otherwise it waits for the primary.
pub fn regional_recovery<R: Rng + ?Sized>(
    plan: &RecoveryPlan,
    managed_dr: bool,
    start: SimTime,
    outage: SimDuration,
    rng: &mut R,
) -> RegionalRecovery {
    let primary_back = start.saturating_add(outage);
    let draw = RecoveryDraw::draw(plan, rng);
    let mut stages = Vec::new();
    let mut stage = |name, a: SimTime, b: SimTime| stages.push(Stage { name, start: a, end: b });
    let detected = start.saturating_add(draw.detection);
    stage("detection", start, detected);
    let request = detected.max(start.saturating_add(plan.min_outage));
    let mut out = RegionalRecovery {
        start,
        primary_back,
        detected,
        dr_started: None,
        control_plane_serving: primary_back,
        control_plane_full: primary_back,
        data_plane_serving: primary_back,
        data_plane_failed_over: false,
        stages: Vec::new(),
    };
    if request >= primary_back || draw.refused {
        if draw.refused && request < primary_back {
            stage("consent-refused", request, request);
        }
        out.stages = stages;
        return out;
    }
    let consented = draw.consent_at(plan, request);
    stage("consent", request, consented);
    if consented >= primary_back {
        // The primary came back first: nothing was started, nothing to abandon.
        out.stages = stages;
        return out;
    }
    out.dr_started = Some(consented);
    // Control plane: failover, then read-only until the primary is back, then failback.
    let cp_ready = consented.saturating_add(draw.control_plane_failover);
    stage("control-plane-failover", consented, cp_ready);
    let failed_over_cp = cp_ready < primary_back;
    if failed_over_cp {
        out.control_plane_serving = cp_ready;
    }
    // Data plane, beside it: wait for a crew, then the restore pipeline.
    let mut dp_ready = None;
    if managed_dr {
        let queued = match &plan.capacity {
            None => Some(consented),
            Some(c) => capacity_wait(c, 0, rng).map(|w| {
                let q = consented.saturating_add(w);
                stage("capacity-wait", consented, q);
                q
            }),
        };
        if let Some(queued) = queued {
            let switched = draw.restore_data_plane(plan, queued, &mut stage);
            if switched < primary_back {
                out.data_plane_serving = switched;
                out.data_plane_failed_over = true;
                dp_ready = Some(switched);
            }
        }
    }
    // Failback after the primary returns, with a brief disruption, for what failed over.
    if failed_over_cp || dp_ready.is_some() {
        let began = primary_back.saturating_add(draw.failback_delay);
        let done = began.saturating_add(draw.failback_disruption);
        stage("failback", began, done);
        if failed_over_cp {
            out.control_plane_full = done;
        }
    }
    out.stages = stages;
    out
}

#[cfg(test)]
mod tests;
