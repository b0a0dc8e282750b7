//! Request-level simulation of the clients around one disruption.
//!
//! The zone-level replication records when each service's status and healthy zones change. Around
//! every disruption (some service the clients use is failing over or down) this module replays
//! those changes on a fresh engine and simulates a sample of clients sending requests:
//!
//! - **Arrivals**: Poisson, `sample × rate × diurnal factor` per second, each request for a
//!   feature drawn from the mix and sent by a client drawn uniformly from the sample.
//! - **Server**: each feature's first service is its entry point and carries the load. Its
//!   capacity is `alive instances × capacity_per_instance` real requests per second; the queue is
//!   a fluid FIFO whose backlog is counted in real requests. The population's first attempts
//!   enter it as a fluid at their expected rate; each simulated retry adds `scale` real requests.
//!   An attempt waits `backlog / capacity`, then the service latency. Waiting longer than
//!   `max_queue_delay` gets it throttled (429/503) without using capacity. An attempt that times
//!   out at the client still occupies the queue (wasted work) — the mechanism of retry storms
//!   (Bronson et al., HotOS 2021). Queueing therefore does not depend on the sample size, only
//!   the noise of the retries does.
//! - **Failover and outages**: while any of a feature's services is failing over, attempts get
//!   409; while one is down, 503. Attempts in flight at a zone that is lost are terminated.
//! - **Back-fill**: instances lost with a zone come back in the surviving zones after the
//!   service's `backfill` delay; they leave again when the zone returns.
//! - **The paired region**: while a service's plane runs in the pair (after a recovery), the
//!   service serves with the primary's full complement of instances (`instances_per_zone` × its
//!   zones); audio/video features get 503, and writes to a control-plane feature get 403 (the
//!   control plane is read-only there) and are never retried; reads are served.
//! - **Steady stretches**: only `before`/`after` around each status change are simulated request
//!   by request. In between, nothing changes: the requests of such a gap are drawn per feature
//!   (Poisson) and answered as the state answers them (each failing with the same status, or
//!   succeeding), with the attempts per request seen since the last change.

use super::budget::BudgetState;
use super::episodes::Episode;
use super::metrics::{ClientOutcome, FinalStatus};
use super::model::ClientModel;
use super::retry::{AttemptResult, Decision};
use crate::engine::{EventKey, SimDuration, SimTime, Simulation};
use crate::model::Scenario;
use crate::model::{ServiceStatus, StatusChange, zone_mask};
use crate::random::SimRng;
use rand::RngExt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ev {
    /// A new logical request arrives.
    Arrival,
    /// A request sends its next attempt.
    Send(u32),
    /// An attempt is answered (success or the status stored in the attempt).
    Answer(u32),
    /// An attempt times out at the client.
    Timeout(u32),
    /// The next recorded status change applies.
    Status(u32),
    /// Lost instances of a service are back-filled.
    Backfill(u32),
}

/// Where a client stands in reconnecting after the trigger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reconnect {
    /// No failed attempt since the episode started.
    Unaffected,
    /// Failed; no success after the trigger yet.
    Waiting,
    /// Succeeded after the trigger (a later failure makes it wait again).
    Done,
}

struct Request {
    client: u32,
    feature: u32,
    write: bool,
    started: SimTime,
    attempts: u32,
    prev_delay: SimDuration,
}

struct Attempt {
    request: u32,
    service: u32,
    zone: u32,
    answer: AttemptResult,
    keys: [Option<EventKey>; 2],
    live: bool,
}

struct Server {
    status: ServiceStatus,
    healthy: u32,
    in_pair: bool,
    placed: u32,
    instances_per_zone: u32,
    backfilled: u32,
    capacity_per_instance: f64,
    backlog: f64,
    updated: SimTime,
}

impl Server {
    fn alive(&self) -> u32 {
        if self.in_pair {
            // Recovered into the pair with the primary's full complement of instances.
            self.instances_per_zone * self.placed.count_ones()
        } else {
            self.instances_per_zone * self.healthy.count_ones() + self.backfilled
        }
    }
    fn capacity(&self) -> f64 {
        f64::from(self.alive()) * self.capacity_per_instance
    }
}

struct Episode1<'a> {
    s: &'a Scenario,
    cm: &'a ClientModel,
    ep: Episode,
    log: &'a [StatusChange],
    sim: Simulation<Ev>,
    servers: Vec<Server>,
    requests: Vec<Request>,
    attempts: Vec<Attempt>,
    budgets: Vec<BudgetState>,
    reconnect: Vec<Reconnect>,
    first_rate: Vec<f64>,
    /// Stretches not simulated request by request, in order, and the next one to come.
    gaps: Vec<(SimTime, SimTime)>,
    next_gap: usize,
    /// Per feature: logical requests that arrived since the last status change, and their
    /// attempts (the attempts per request of a following gap).
    since_change: Vec<(u64, u64)>,
    last_change: SimTime,
    /// When the data plane served from the pair in a disaster's episode (the traffic switch).
    switch: Option<SimTime>,
    /// Per client, for the reconnect after the switch: 0 no failure yet, 1 failed before the
    /// switch (waiting for a data-plane success after it), 2 reconnected.
    switch_wait: Vec<u8>,
    /// When new requests stopped arriving (`None` while they still arrive).
    arrivals_end: Option<SimTime>,
    rng: &'a mut SimRng,
    out: &'a mut ClientOutcome,
    /// Events the replication's clients may deliver in all (counted in `out.events`).
    max_events: u64,
}

/// Simulates the clients during `ep`. `state` is every service's (status, healthy zones, served
/// from the pair) at `ep.from`; `log` the changes after it. Stops when `out.events` reaches
/// `max_events`, noting when in `out.stopped_at`.
#[allow(clippy::too_many_arguments)]
pub fn simulate_episode(
    s: &Scenario,
    cm: &ClientModel,
    ep: Episode,
    state: &[(ServiceStatus, u32, bool)],
    log: &[StatusChange],
    rng: &mut SimRng,
    out: &mut ClientOutcome,
    max_events: u64,
) {
    let servers = s
        .services
        .iter()
        .zip(state)
        .map(|(svc, &(status, healthy, in_pair))| Server {
            status,
            healthy,
            in_pair,
            placed: zone_mask(svc.zones.iter().copied()),
            instances_per_zone: svc.instances_per_zone,
            backfilled: 0,
            capacity_per_instance: svc.capacity_per_instance,
            backlog: 0.0,
            updated: ep.from,
        })
        .collect();
    // Requests still retrying at the end of arrivals are followed to their end, within a day.
    let horizon = ep.cap.saturating_add(SimDuration::from_secs(86_400));
    let mut e = Episode1 {
        s,
        cm,
        ep,
        log,
        sim: Simulation::new(horizon),
        servers,
        requests: Vec::new(),
        attempts: Vec::new(),
        budgets: (0..cm.sample)
            .map(|_| BudgetState::new(cm.policy.budget.as_ref()))
            .collect(),
        reconnect: vec![Reconnect::Unaffected; cm.sample as usize],
        first_rate: vec![0.0; s.services.len()],
        gaps: gaps(cm, ep, log),
        next_gap: 0,
        since_change: vec![(0, 0); s.features.len()],
        last_change: ep.from,
        switch: if ep.disaster { traffic_switch(s, log) } else { None },
        switch_wait: vec![0; cm.sample as usize],
        arrivals_end: None,
        rng,
        out,
        max_events,
    };
    e.run();
}

/// The stretches of `ep` farther than `before` ahead of and `after` past every status change
/// (and the trigger's start and end): nothing changes there.
fn gaps(cm: &ClientModel, ep: Episode, log: &[StatusChange]) -> Vec<(SimTime, SimTime)> {
    let mut marks: Vec<SimTime> = log.iter().map(|c| c.time).filter(|&t| t < ep.to).collect();
    marks.push(ep.trigger_start);
    marks.push(ep.trigger_end);
    marks.sort();
    let mut out = Vec::new();
    let mut covered = ep.from;
    for t in marks {
        let start = SimTime(t.ticks().saturating_sub(cm.before.ticks()));
        if start > covered {
            out.push((covered, start.min(ep.to)));
        }
        covered = covered.max(t.saturating_add(cm.after));
    }
    if covered < ep.to {
        out.push((covered, ep.to));
    }
    out.retain(|&(a, b)| b > a);
    out
}

/// The traffic switch: the first time a data-plane service starts serving from the pair.
fn traffic_switch(s: &Scenario, log: &[StatusChange]) -> Option<SimTime> {
    log.iter()
        .find(|c| {
            c.in_pair
                && c.status == ServiceStatus::Up
                && s.services[c.service as usize].plane == crate::model::Plane::Data
        })
        .map(|c| c.time)
}

impl Episode1<'_> {
    fn run(&mut self) {
        self.out.episodes += 1;
        self.first_attempt_rates();
        self.record_capacity(self.ep.from);
        self.sim.schedule_at(self.ep.from, Ev::Arrival);
        if let Some(first) = self.log.first() {
            self.sim.schedule_at(first.time.max(self.ep.from), Ev::Status(0));
        }
        while let Some((_, ev)) = self.sim.next_event() {
            self.out.events += 1;
            if self.out.events > self.max_events {
                self.out.stopped_at = Some(self.sim.now());
                break;
            }
            match ev {
                Ev::Arrival => self.arrival(),
                Ev::Send(r) => self.send(r),
                Ev::Answer(a) => self.answer(a, 0),
                Ev::Timeout(a) => self.answer(a, 1),
                Ev::Status(i) => self.status(i),
                Ev::Backfill(svc) => self.backfill(svc),
            }
        }
        let end = self.sim.now();
        for svc in 0..self.servers.len() {
            self.drain(svc, end);
        }
        // Clients still waiting were watched until the end of the simulation without
        // reconnecting: censored there.
        let waiting = self.reconnect.iter().filter(|&&r| r == Reconnect::Waiting).count();
        self.out.not_reconnected += waiting as u64;
        let watched = end.saturating_since(self.ep.trigger_end).ticks();
        self.out
            .reconnect_censored
            .extend(std::iter::repeat_n(watched, waiting));
        if let Some(switch) = self.switch {
            let waiting = self.switch_wait.iter().filter(|&&w| w == 1).count();
            self.out.disasters.not_reconnected += waiting as u64;
            let watched = end.saturating_since(switch).ticks();
            self.out
                .disasters
                .reconnect_censored
                .extend(std::iter::repeat_n(watched, waiting));
        }
        if let Some(t) = self.out.timeline.as_mut() {
            t.arrivals.push((self.ep.from, self.arrivals_end.unwrap_or(self.ep.to)));
        }
    }

    /// Whether an entry service's queueing delay is above the overload threshold at `now`.
    fn overloaded(&mut self, now: SimTime) -> bool {
        for svc in 0..self.servers.len() {
            self.drain(svc, now);
        }
        let h = self.cm.overload_delay.as_secs_f64();
        self.servers.iter().any(|sv| {
            let mu = sv.capacity();
            mu > 0.0 && sv.backlog / mu > h
        })
    }

    /// The entry services' capacity, summed (real requests per second), for the chart.
    fn record_capacity(&mut self, now: SimTime) {
        if self.out.timeline.is_none() {
            return;
        }
        let mut entry = vec![false; self.servers.len()];
        for &(f, _) in &self.cm.mix {
            entry[self.s.features[f].services[0]] = true;
        }
        let capacity: f64 = self
            .servers
            .iter()
            .zip(&entry)
            .filter(|(_, e)| **e)
            .map(|(sv, _)| {
                if sv.status == ServiceStatus::Down {
                    0.0
                } else {
                    sv.capacity()
                }
            })
            .sum();
        if let Some(t) = self.out.timeline.as_mut() {
            t.set_capacity(now, capacity);
        }
    }

    /// Why `feature` refuses a request (a write when `write`) in the current state: 503 when a
    /// service is down or the entry has no capacity, or for audio/video served from the pair;
    /// 403 for a write to the control plane served (read-only) from the pair; 409 while a
    /// service fails over. `None`: it is served (or queued).
    fn refusal(&self, feature: usize, write: bool) -> Option<u16> {
        let feature = &self.s.features[feature];
        let services = &feature.services;
        if services.iter().any(|&x| self.servers[x].status == ServiceStatus::Down)
            || self.servers[services[0]].capacity() <= 0.0
        {
            return Some(503);
        }
        let in_pair = services.iter().any(|&x| self.servers[x].in_pair);
        if in_pair && feature.media {
            return Some(503);
        }
        if in_pair && write && feature.plane == crate::model::Plane::Control {
            return Some(403);
        }
        if services
            .iter()
            .any(|&x| self.servers[x].status == ServiceStatus::FailingOver)
        {
            return Some(409);
        }
        None
    }

    /// Whether the state is steady enough to answer a gap's requests without queueing: no entry
    /// service receives more first attempts than it serves, nor holds a backlog above the
    /// overload threshold.
    fn steady(&self) -> bool {
        let peak = 1.0 + self.cm.diurnal.map_or(0.0, |(a, _)| a);
        let h = self.cm.overload_delay.as_secs_f64();
        self.servers.iter().enumerate().all(|(i, sv)| {
            let mu = sv.capacity();
            mu <= 0.0 || (self.first_rate[i] * peak <= mu && sv.backlog / mu <= h)
        })
    }

    /// Accounts for the requests of the gap [from, to) without simulating them: per feature a
    /// Poisson number of requests (reads and writes apart), each answered as the state answers
    /// it, with the attempts per request seen since the last change (at least one).
    fn skip_gap(&mut self, from: SimTime, to: SimTime) {
        let cm = self.cm;
        let (t0, t1) = (from.as_secs_f64(), to.as_secs_f64());
        let exposure = match cm.diurnal {
            None => t1 - t0,
            Some((a, peak)) => {
                let w = std::f64::consts::TAU / 86_400.0;
                t1 - t0 + a / w * ((w * (t1 - peak)).sin() - (w * (t0 - peak)).sin())
            }
        };
        let total = f64::from(cm.sample) * cm.rate * exposure;
        let mut prev = 0.0;
        for &(f, cum) in &cm.mix {
            let share = cum - prev;
            prev = cum;
            let w = cm.writes[f];
            let (since_logical, since_attempts) = self.since_change[f];
            let per_request = if since_logical == 0 {
                1.0
            } else {
                (since_attempts as f64 / since_logical as f64).max(1.0)
            };
            for (write, part) in [(false, 1.0 - w), (true, w)] {
                let mean = total * share * part;
                if mean <= 0.0 {
                    continue;
                }
                let n = rand_distr::Poisson::new(mean).map_or(0.0, |p| self.rng.sample(p)) as u64;
                self.out.logical += n;
                self.out.logical_by_feature[f] += n;
                if let Some(code) = self.refusal(f, write) {
                    self.out.attempts += (n as f64 * per_request).round() as u64;
                    self.out.failed_by_feature[f] += n;
                    self.out.failed_by_status[FinalStatus::of_code(code) as usize] += n;
                } else {
                    self.out.attempts += n;
                }
            }
        }
    }

    fn arrival(&mut self) {
        let now = self.sim.now();
        if now >= self.ep.to {
            // Past `after`, requests keep arriving while an entry service is overloaded (the
            // storm has not ended), up to the cap; an overload still on there is cut off.
            let overloaded = self.overloaded(now);
            if !overloaded || now >= self.ep.cap {
                self.out.overload_cut_off += u64::from(overloaded);
                self.arrivals_end = Some(now);
                return;
            }
        }
        while self.next_gap < self.gaps.len() && self.gaps[self.next_gap].1 <= now {
            self.next_gap += 1;
        }
        if let Some(&(from, to)) = self.gaps.get(self.next_gap)
            && from <= now
        {
            self.next_gap += 1;
            if self.steady() {
                // Nothing changes until `to`: its requests are accounted for, not simulated
                // (the Poisson process restarts at `to`).
                self.skip_gap(from, to);
                self.sim.schedule_at(to, Ev::Arrival);
                return;
            }
        }
        let cm = self.cm;
        let peak = 1.0 + cm.diurnal.map_or(0.0, |(a, _)| a);
        let total_rate = f64::from(cm.sample) * cm.rate * peak;
        let gap: f64 = self.rng.sample(rand_distr::Exp1);
        self.sim
            .schedule_in(SimDuration::from_secs_f64(gap / total_rate), Ev::Arrival);
        // Thinning (Lewis & Shedler 1979) for the diurnal profile.
        if cm.diurnal.is_some() && self.rng.random::<f64>() * peak > cm.diurnal_factor(now.as_secs_f64()) {
            return;
        }
        let client = self.rng.random_range(0..cm.sample);
        let u: f64 = self.rng.random();
        let feature = cm
            .mix
            .iter()
            .find(|&&(_, c)| u < c)
            .map_or(cm.mix[cm.mix.len() - 1].0, |&(f, _)| f);
        // Only a feature with both reads and writes draws which this one is.
        let w = cm.writes[feature];
        let write = w >= 1.0 || (w > 0.0 && self.rng.random::<f64>() < w);
        self.budgets[client as usize].on_request();
        self.out.logical += 1;
        self.out.logical_by_feature[feature] += 1;
        self.since_change[feature].0 += 1;
        if let Some(t) = self.out.timeline.as_mut() {
            t.count(now, 0);
        }
        self.requests.push(Request {
            client,
            feature: feature as u32,
            write,
            started: now,
            attempts: 0,
            prev_delay: cm.policy.base,
        });
        self.send((self.requests.len() - 1) as u32);
    }

    /// Advances a service's fluid backlog to `now`, accounting overload after the trigger.
    ///
    /// Between events the backlog B (real requests) moves linearly with slope λ − μ, where λ is
    /// the population's first attempts to the service (fluid, see [`Self::first_attempt_rates`])
    /// and μ its capacity, and stays within [0, max_queue_delay·μ] (beyond it arrivals are
    /// throttled). The service is overloaded while B/μ exceeds the overload threshold.
    fn drain(&mut self, svc: usize, now: SimTime) {
        let h = self.cm.overload_delay.as_secs_f64();
        let max_delay = self.cm.max_queue_delay.as_secs_f64();
        let trigger_end = self.ep.trigger_end.as_secs_f64();
        let lambda = self.first_rate[svc] * self.cm.diurnal_factor(self.servers[svc].updated.as_secs_f64());
        let sv = &mut self.servers[svc];
        let mu = sv.capacity();
        let t0 = sv.updated.as_secs_f64();
        let dt = now.saturating_since(sv.updated).as_secs_f64();
        sv.updated = now;
        if mu <= 0.0 || dt <= 0.0 {
            return;
        }
        let (b0, slope) = (sv.backlog, lambda - mu);
        sv.backlog = (b0 + slope * dt).clamp(0.0, max_delay * mu);
        // The part of [t0, t0 + dt] during which B/μ > h, as [from, to].
        let above = h * mu;
        let (from, to) = if slope < 0.0 {
            (t0, t0 + ((b0 - above) / -slope).clamp(0.0, dt))
        } else if slope > 0.0 {
            (t0 + ((above - b0) / slope).clamp(0.0, dt), t0 + dt)
        } else if b0 > above {
            (t0, t0 + dt)
        } else {
            (t0, t0)
        };
        let counted = (to - from.max(trigger_end)).max(0.0);
        self.out.overloaded_after_trigger += SimDuration::from_secs_f64(counted).ticks();
    }

    /// Expected first attempts per second (real) that each service receives as an entry point:
    /// the population's rate times the mix's share of features whose dependencies are all up.
    /// First attempts load the queue as this fluid; only retries enter as sampled requests, so
    /// queueing does not inherit the sample's Poisson noise (which, scaled up, would be far
    /// larger than the real population's).
    fn first_attempt_rates(&mut self) {
        let cm = self.cm;
        let total = cm.population as f64 * cm.rate;
        self.first_rate.iter_mut().for_each(|r| *r = 0.0);
        let mut prev = 0.0;
        for &(f, cum) in &cm.mix {
            let share = cum - prev;
            prev = cum;
            let w = cm.writes[f];
            let served = if self.refusal(f, false).is_some() {
                0.0
            } else if self.refusal(f, true).is_some() {
                1.0 - w
            } else {
                1.0
            };
            self.first_rate[self.s.features[f].services[0]] += total * share * served;
        }
    }

    fn send(&mut self, r: u32) {
        let now = self.sim.now();
        let cm = self.cm;
        let req = &mut self.requests[r as usize];
        req.attempts += 1;
        let req_attempts = req.attempts;
        let (feature_index, write) = (req.feature as usize, req.write);
        if req.started >= self.last_change {
            self.since_change[feature_index].1 += 1;
        }
        self.out.attempts += 1;
        let started = req.started;
        if let Some(t) = self.out.timeline.as_mut() {
            t.count(now, 1);
            t.count(started, 2);
        }
        let feature = &self.s.features[req.feature as usize];
        let entry = feature.services[0];
        self.drain(entry, now);
        let latency = cm.latency.sample(self.rng);
        let refusal = self.refusal(feature_index, write);
        let sv = &mut self.servers[entry];
        let mu = sv.capacity();
        let (answer, delay, zone) = if let Some(code) = refusal {
            (
                AttemptResult::Status {
                    code,
                    retry_after: None,
                },
                latency,
                0,
            )
        } else if sv.backlog / mu > cm.max_queue_delay.as_secs_f64() {
            self.out.throttled += 1;
            let retry_after = cm.throttle_retry_after;
            (
                AttemptResult::Status {
                    code: cm.throttle_status,
                    retry_after,
                },
                latency,
                0,
            )
        } else {
            let wait = SimDuration::from_secs_f64(sv.backlog / mu);
            if req_attempts > 1 {
                // A retry: extra load, carried by the sample and scaled up.
                sv.backlog += cm.scale;
            }
            // The instance that serves it: a random healthy zone (back-filled instances live there too).
            let healthy = sv.healthy.count_ones();
            // Served from the pair: no primary zone can drop it.
            let zone = if healthy == 0 || sv.in_pair {
                0
            } else {
                nth_zone(sv.healthy, self.rng.random_range(0..healthy))
            };
            (AttemptResult::Success, wait.saturating_add(latency), zone)
        };
        let a = self.attempts.len() as u32;
        let answer_key = self.sim.schedule_in(delay, Ev::Answer(a));
        let timeout_key = match cm.policy.attempt_timeout {
            Some(t) if t < delay => self.sim.schedule_in(t, Ev::Timeout(a)),
            _ => None,
        };
        self.attempts.push(Attempt {
            request: r,
            service: entry as u32,
            zone,
            answer,
            keys: [answer_key, timeout_key],
            live: true,
        });
    }

    /// Delivers attempt `a`'s answer (`which` 0) or timeout (1) to its client.
    fn answer(&mut self, a: u32, which: usize) {
        let att = &mut self.attempts[a as usize];
        if !att.live {
            return;
        }
        att.live = false;
        if let Some(k) = att.keys[1 - which].take() {
            self.sim.cancel(k);
        }
        let result = if which == 1 {
            AttemptResult::Timeout
        } else {
            att.answer.clone()
        };
        let r = att.request;
        self.deliver(r, result);
    }

    fn deliver(&mut self, r: u32, result: AttemptResult) {
        let now = self.sim.now();
        let req = &self.requests[r as usize];
        let client = req.client as usize;
        let elapsed = now.saturating_since(req.started);
        // A client that saw a failure before the traffic switch reconnects with its first
        // data-plane success after it.
        if let Some(switch) = self.switch {
            let w = &mut self.switch_wait[client];
            match (&result, *w) {
                (AttemptResult::Success, 1)
                    if now >= switch && self.s.features[req.feature as usize].plane == crate::model::Plane::Data =>
                {
                    self.out.disasters.reconnect.push(now.saturating_since(switch).ticks());
                    *w = 2;
                }
                (AttemptResult::Success, _) => {}
                (_, 0) if now < switch => *w = 1,
                _ => {}
            }
        }
        // A client that saw a failure reconnects with its first success after the trigger.
        match (&result, self.reconnect[client]) {
            (AttemptResult::Success, Reconnect::Waiting) if now >= self.ep.trigger_end => {
                self.out
                    .reconnect
                    .push(now.saturating_since(self.ep.trigger_end).ticks());
                self.reconnect[client] = Reconnect::Done;
            }
            (AttemptResult::Success, _) => {}
            (_, Reconnect::Unaffected | Reconnect::Done) => self.reconnect[client] = Reconnect::Waiting,
            (_, Reconnect::Waiting) => {}
        }
        // A refusal of the read-only control plane is final: no client retries it.
        let decision = if matches!(result, AttemptResult::Status { code: 403, .. }) {
            Decision::GiveUp(super::retry::GiveUpReason::NotRetryable)
        } else {
            self.cm.policy.decide(
                req.attempts,
                &result,
                elapsed,
                req.prev_delay,
                &mut self.budgets[client],
                self.rng,
            )
        };
        match decision {
            Decision::Done => self.out.latency.push(elapsed.ticks()),
            Decision::Retry { after } => {
                let req = &mut self.requests[r as usize];
                req.prev_delay = after;
                self.sim.schedule_in(after, Ev::Send(r));
            }
            Decision::GiveUp(_) => {
                self.out.latency.push(elapsed.ticks());
                let feature = self.requests[r as usize].feature as usize;
                self.out.failed_by_feature[feature] += 1;
                self.out.failed_by_status[FinalStatus::of(&result) as usize] += 1;
            }
        }
    }

    fn status(&mut self, i: u32) {
        let now = self.sim.now();
        let c = self.log[i as usize];
        let svc = c.service as usize;
        // Rates change for every service whose features depend on this one.
        for x in 0..self.servers.len() {
            self.drain(x, now);
        }
        self.last_change = now;
        self.since_change.iter_mut().for_each(|x| *x = (0, 0));
        let sv = &mut self.servers[svc];
        let lost = sv.healthy & !c.healthy_zones;
        let returned = c.healthy_zones & !sv.healthy;
        sv.status = c.status;
        sv.healthy = c.healthy_zones;
        sv.in_pair = c.in_pair;
        if returned != 0 {
            // The zone's own instances are back; back-filled ones are released.
            sv.backfilled = 0;
        }
        if lost != 0 {
            // Lost instances are back-filled best-effort after a random delay.
            let d = self.s.services[svc].backfill.sample(self.rng);
            self.sim.schedule_in(d, Ev::Backfill(svc as u32));
            self.terminate(svc as u32, lost);
        }
        self.first_attempt_rates();
        self.record_capacity(now);
        let next = i as usize + 1;
        if next < self.log.len() && self.log[next].time < self.ep.cap {
            self.sim
                .schedule_at(self.log[next].time.max(now), Ev::Status(next as u32));
        }
    }

    fn backfill(&mut self, svc: u32) {
        let now = self.sim.now();
        self.drain(svc as usize, now);
        let sv = &mut self.servers[svc as usize];
        let missing = sv.instances_per_zone * (sv.placed.count_ones() - (sv.healthy & sv.placed).count_ones());
        sv.backfilled = if sv.status == ServiceStatus::Down || sv.healthy == 0 {
            0
        } else {
            missing
        };
        self.record_capacity(now);
    }

    /// Attempts in flight at instances in the `lost` zones of `svc` are terminated.
    fn terminate(&mut self, svc: u32, lost: u32) {
        for a in 0..self.attempts.len() {
            let att = &mut self.attempts[a];
            if att.live && att.service == svc && att.zone > 0 && lost & (1 << (att.zone - 1)) != 0 {
                att.live = false;
                for k in att.keys.iter_mut().filter_map(Option::take) {
                    self.sim.cancel(k);
                }
                let r = att.request;
                self.deliver(r, AttemptResult::Terminated);
            }
        }
    }
}

/// The zone (1-based) of the `n`-th set bit of `mask` (0-based `n`).
fn nth_zone(mut mask: u32, n: u32) -> u32 {
    for _ in 0..n {
        mask &= mask - 1;
    }
    mask.trailing_zeros() + 1
}

#[cfg(test)]
mod tests {
    use super::nth_zone;

    #[test]
    fn nth_zone_walks_the_set_bits() {
        assert_eq!(nth_zone(0b1011, 0), 1);
        assert_eq!(nth_zone(0b1011, 1), 2);
        assert_eq!(nth_zone(0b1011, 2), 4);
    }
}
