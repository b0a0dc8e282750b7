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
//! This module computes that timeline for one disaster; the replication loop (next step of the
//! DR issue) calls it and turns it into incidents.

use crate::engine::{SimDuration, SimTime};
use crate::model::Dist;
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
/// once: we are at a uniformly random place in the queue, crews take tenants in order, each for
/// `tenant_work`. `None` when the pair has no room left for us (we wait for the primary).
fn capacity_wait<R: Rng + ?Sized>(c: &CapacityPlan, rng: &mut R) -> Option<SimDuration> {
    let ahead = rng.random_range(0..c.tenants);
    if c.room_for.is_some_and(|room| u64::from(ahead) >= room) {
        return None;
    }
    if ahead < c.crews {
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

/// Draws the recovery timeline of one disaster at `start` whose natural recovery takes `outage`.
/// `managed_dr`: the data plane is restored in the pair (managed DR enabled at creation);
/// otherwise it waits for the primary.
pub fn regional_recovery<R: Rng + ?Sized>(
    plan: &RecoveryPlan,
    managed_dr: bool,
    start: SimTime,
    outage: SimDuration,
    rng: &mut R,
) -> RegionalRecovery {
    let primary_back = start.saturating_add(outage);
    let mut stages = Vec::new();
    let mut stage = |name, a: SimTime, b: SimTime| {
        stages.push(Stage { name, start: a, end: b });
        b
    };
    // Health checks every P with a phase independent of the failure: the first failing check
    // comes U(0, P) after it, and k consecutive failures declare the outage.
    let period = plan.check_period.ticks();
    let first_check = start.ticks() + rng.random_range(0..period);
    let detected = SimTime(first_check + u64::from(plan.consecutive_failures - 1) * period);
    let detected = stage("detection", start, detected);
    let sample = |d: &Dist, rng: &mut R| d.sample(rng);
    let response = sample(&plan.consent_response, rng);
    let consented = if plan.business_hours {
        add_business_time(detected, response)
    } else {
        detected.saturating_add(response)
    };
    let refused = plan.no_consent_probability > 0.0 && rng.random_bool(plan.no_consent_probability);
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
    if detected >= primary_back || refused {
        if refused && detected < primary_back {
            stage("consent-refused", detected, detected);
        }
        out.stages = stages;
        return out;
    }
    let consented = stage("consent", detected, consented);
    if consented >= primary_back {
        // The primary came back first: nothing was started, nothing to abandon.
        out.stages = stages;
        return out;
    }
    out.dr_started = Some(consented);
    // Control plane: failover, then read-only until the primary is back, then failback.
    let cp_ready = consented.saturating_add(sample(&plan.control_plane_failover, rng));
    let cp_ready = stage("control-plane-failover", consented, cp_ready);
    let failed_over_cp = cp_ready < primary_back;
    if failed_over_cp {
        out.control_plane_serving = cp_ready;
    }
    // Data plane: create, then database and storage restores in parallel, validate, switch.
    let mut dp_ready = None;
    let queued = match &plan.capacity {
        None => Some(consented),
        Some(c) => capacity_wait(c, rng).map(|w| stage("capacity-wait", consented, consented.saturating_add(w))),
    };
    if let (true, Some(queued)) = (managed_dr, queued) {
        let created = queued.saturating_add(sample(&plan.create_resources, rng));
        let created = stage("create-resources", queued, created);
        let db = stage(
            "database-restore",
            created,
            created.saturating_add(plan.database_restore),
        );
        let st = stage("storage-restore", created, created.saturating_add(plan.storage_restore));
        let restored = db.max(st);
        let validated = stage(
            "validation",
            restored,
            restored.saturating_add(sample(&plan.validation, rng)),
        );
        let switched = stage(
            "traffic-switch",
            validated,
            validated.saturating_add(sample(&plan.traffic_switch, rng)),
        );
        if switched < primary_back {
            out.data_plane_serving = switched;
            out.data_plane_failed_over = true;
            dp_ready = Some(switched);
        }
    }
    // Failback after the primary returns, with a brief disruption, for what failed over.
    if failed_over_cp || dp_ready.is_some() {
        let delay = sample(&plan.failback_delay, rng);
        let began = primary_back.saturating_add(delay);
        let done = stage(
            "failback",
            began,
            began.saturating_add(sample(&plan.failback_disruption, rng)),
        );
        if failed_over_cp {
            out.control_plane_full = done;
        }
    }
    out.stages = stages;
    out
}

#[cfg(test)]
mod tests;
