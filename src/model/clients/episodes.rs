//! Disruption episodes: the stretches of a replication that are simulated at request level.

use super::metrics::ClientOutcome;
use super::model::ClientModel;
use super::traffic::simulate_episode;
use crate::engine::{SimDuration, SimTime};
use crate::model::Scenario;
use crate::model::{ServiceStatus, StatusChange, zone_mask};
use crate::random::SimRng;

/// A stretch of time simulated at request level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Episode {
    /// Simulation starts (trigger start − `before`).
    pub from: SimTime,
    /// First service disruption.
    pub trigger_start: SimTime,
    /// Last service back up.
    pub trigger_end: SimTime,
    /// No new requests after this (trigger end + `after`), unless an entry service is still
    /// overloaded then: requests keep arriving until the overload ends or `cap`.
    pub to: SimTime,
    /// The latest end of arrivals while the overload lasts: trigger end + [`OVERLOAD_CAP_AFTERS`]
    /// × `after`, and never past the next episode's start.
    pub cap: SimTime,
    /// A regional disaster of the primary struck during it (between `from` and the trigger's
    /// end).
    pub disaster: bool,
}

/// How far past the trigger's end requests keep arriving while an entry service stays
/// overloaded, in multiples of `after` (docs/MODEL.md section 4.3): 4, so 2 h with the default
/// 30 min. An overload still present then is reported as cut off (censored).
pub const OVERLOAD_CAP_AFTERS: u32 = 4;

/// Finds the disruptions of the services the clients use, padded by `before` and `after` and
/// merged where they overlap. A service is disrupted while it is not Up or while it is served
/// from the paired region (its plane's audio/video is down there, its control plane read-only).
/// An episode is a disaster's when one of the `disasters` (start times of the primary's regional
/// disasters) falls between its start and its trigger's end.
pub fn episodes(s: &Scenario, cm: &ClientModel, log: &[StatusChange], disasters: &[SimTime]) -> Vec<Episode> {
    let used = used_services(s, cm);
    let mut out: Vec<Episode> = Vec::new();
    let mut not_up = vec![false; s.services.len()];
    let mut open: Option<SimTime> = None;
    for c in log {
        let i = c.service as usize;
        if used & (1 << i) == 0 {
            continue;
        }
        not_up[i] = c.status != ServiceStatus::Up || c.in_pair;
        let any = not_up.iter().any(|&x| x);
        match (any, open) {
            (true, None) => open = Some(c.time),
            (false, Some(start)) => {
                push_episode(&mut out, cm, start, c.time);
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        push_episode(&mut out, cm, start, SimTime(s.horizon.ticks()));
    }
    for ep in &mut out {
        ep.disaster = disasters.iter().any(|&d| ep.from <= d && d <= ep.trigger_end);
    }
    for i in 0..out.len() {
        let cap = out[i].trigger_end.saturating_add(SimDuration(
            cm.after.ticks().saturating_mul(u64::from(OVERLOAD_CAP_AFTERS)),
        ));
        let next = out.get(i + 1).map_or(cap, |n| n.from);
        out[i].cap = cap.min(next).max(out[i].to);
    }
    out
}

fn push_episode(out: &mut Vec<Episode>, cm: &ClientModel, start: SimTime, end: SimTime) {
    let from = SimTime(start.ticks().saturating_sub(cm.before.ticks()));
    let to = end.saturating_add(cm.after);
    match out.last_mut() {
        Some(last) if from <= last.to => {
            last.trigger_end = end;
            last.to = to;
        }
        _ => out.push(Episode {
            from,
            trigger_start: start,
            trigger_end: end,
            to,
            cap: to,
            disaster: false,
        }),
    }
}

/// Bit set of the services that the mix's features depend on.
fn used_services(s: &Scenario, cm: &ClientModel) -> u64 {
    cm.mix
        .iter()
        .flat_map(|&(f, _)| s.features[f].services.iter())
        .fold(0, |m, &x| m | 1 << x)
}

/// Runs the clients through every disruption of one replication (drawn from the replication's
/// `clients` stream, episode after episode).
pub fn simulate_replication(
    s: &Scenario,
    cm: &ClientModel,
    log: &[StatusChange],
    disasters: &[SimTime],
    rng: &mut SimRng,
) -> ClientOutcome {
    simulate_replication_with(s, cm, log, disasters, rng, None, u64::MAX)
}

/// [`simulate_replication`], also recording requests and attempts per bin of `timeline_bin`
/// ticks when given (the same draws: recording does not change the outcome), and stopping after
/// `max_events` events ([`ClientOutcome::stopped_at`]).
pub fn simulate_replication_with(
    s: &Scenario,
    cm: &ClientModel,
    log: &[StatusChange],
    disasters: &[SimTime],
    rng: &mut SimRng,
    timeline_bin: Option<u64>,
    max_events: u64,
) -> ClientOutcome {
    let mut out = ClientOutcome::new(s.features.len());
    out.timeline = timeline_bin.map(super::TrafficTimeline::new);
    let mut state: Vec<(ServiceStatus, u32, bool)> = s
        .services
        .iter()
        .map(|x| (ServiceStatus::Up, zone_mask(x.zones.iter().copied()), false))
        .collect();
    let mut next = 0;
    for ep in episodes(s, cm, log, disasters) {
        if out.stopped_at.is_some() {
            break;
        }
        while next < log.len() && log[next].time < ep.from {
            let c = log[next];
            state[c.service as usize] = (c.status, c.healthy_zones, c.in_pair);
            next += 1;
        }
        let end = log[next..]
            .iter()
            .position(|c| c.time >= ep.cap)
            .map_or(log.len(), |i| next + i);
        if let Some(t) = out.timeline.as_mut() {
            t.triggers.push((ep.trigger_start, ep.trigger_end));
        }
        let before = ep.disaster.then(|| ClientOutcome {
            logical: out.logical,
            logical_by_feature: out.logical_by_feature.clone(),
            failed_by_feature: out.failed_by_feature.clone(),
            failed_by_status: out.failed_by_status,
            ..ClientOutcome::default()
        });
        simulate_episode(s, cm, ep, &state, &log[next..end], rng, &mut out, max_events);
        if let Some(before) = before {
            let mut d = std::mem::take(&mut out.disasters);
            d.add_delta(&before, &out);
            out.disasters = d;
        }
    }
    out
}
