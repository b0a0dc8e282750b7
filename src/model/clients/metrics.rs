//! What the clients saw: per replication ([`ClientOutcome`]) and over a run ([`ClientStats`],
//! exactly mergeable like every other accumulator).

use super::retry::AttemptResult;
use crate::stats::{ClusteredProportion, DurationStats, Survival};
use serde::{Deserialize, Serialize};

/// The last answer of a logical request that failed, as the user sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinalStatus {
    /// 409 Conflict (failover window).
    Conflict = 0,
    /// 429 Too Many Requests.
    TooManyRequests = 1,
    /// 503 Service Unavailable (down or throttled).
    Unavailable = 2,
    /// The attempt timed out at the client.
    Timeout = 3,
    /// The connection was dropped (zone lost while in flight).
    Terminated = 4,
    /// Any other status.
    Other = 5,
    /// 403 Forbidden: a write refused by a read-only control plane (in the paired region).
    Forbidden = 6,
}

impl FinalStatus {
    /// Names used in outputs, by index.
    pub const NAMES: [&'static str; 7] = ["409", "429", "503", "timeout", "terminated", "other", "403"];

    /// The final status of a request answered `code` (an HTTP status).
    pub fn of_code(code: u16) -> FinalStatus {
        FinalStatus::of(&AttemptResult::Status {
            code,
            retry_after: None,
        })
    }

    /// Classifies an attempt's result.
    pub fn of(r: &AttemptResult) -> FinalStatus {
        match r {
            AttemptResult::Status { code: 409, .. } => FinalStatus::Conflict,
            AttemptResult::Status { code: 429, .. } => FinalStatus::TooManyRequests,
            AttemptResult::Status { code: 503, .. } => FinalStatus::Unavailable,
            AttemptResult::Status { code: 403, .. } => FinalStatus::Forbidden,
            AttemptResult::Timeout => FinalStatus::Timeout,
            AttemptResult::Terminated => FinalStatus::Terminated,
            _ => FinalStatus::Other,
        }
    }
}

/// One replication's client metrics (simulated units: one simulated request stands for `scale`
/// real ones; rates and fractions are scale-free).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientOutcome {
    /// Episodes simulated.
    pub episodes: u64,
    /// Logical requests.
    pub logical: u64,
    /// Attempts (first attempts and retries).
    pub attempts: u64,
    /// Attempts answered with the throttle status.
    pub throttled: u64,
    /// Logical requests per feature.
    pub logical_by_feature: Vec<u64>,
    /// Failed logical requests per feature.
    pub failed_by_feature: Vec<u64>,
    /// Failed logical requests by final status ([`FinalStatus`] index).
    pub failed_by_status: [u64; 7],
    /// Time from first attempt to final answer of each logical request, ticks.
    pub latency: Vec<u64>,
    /// Per affected client (one that saw a failed attempt): time from the end of the trigger to
    /// its first success after it, ticks.
    pub reconnect: Vec<u64>,
    /// Clients still failing when their episode ended.
    pub not_reconnected: u64,
    /// Per such client: how long it was watched after the end of the trigger without
    /// reconnecting (its censoring time), ticks.
    pub reconnect_censored: Vec<u64>,
    /// Time the entry services spent overloaded after the trigger ended, summed, ticks.
    pub overloaded_after_trigger: u64,
    /// Episodes whose overload was cut off: an entry service was still overloaded when arrivals
    /// reached the episode's cap.
    pub overload_cut_off: u64,
    /// Requests and attempts over time, when asked for (charts); never in a Monte Carlo run.
    pub timeline: Option<TrafficTimeline>,
    /// What the clients saw through the regional disasters of the primary.
    pub disasters: DisasterClients,
    /// Events of the request-level simulation (arrivals, attempts, answers, timeouts, status
    /// changes): they count against the replication's event budget (`--max-events`).
    pub events: u64,
    /// When the event budget ran out: the simulation stopped there, and the rest of this
    /// outcome is cut short (the replication is reported as stopped at its budget).
    pub stopped_at: Option<crate::engine::SimTime>,
}

/// One replication's client metrics through regional disasters: the episodes in which a
/// disaster of the primary struck.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DisasterClients {
    /// Episodes in which a regional disaster struck.
    pub episodes: u64,
    /// Logical requests of those episodes.
    pub logical: u64,
    /// Logical requests per feature.
    pub logical_by_feature: Vec<u64>,
    /// Failed logical requests per feature.
    pub failed_by_feature: Vec<u64>,
    /// Failed logical requests by final status ([`FinalStatus`] index).
    pub failed_by_status: [u64; 7],
    /// Per client that saw a failure before the data plane served from the pair (the traffic
    /// switch): time from the switch to its first successful data-plane request, ticks.
    pub reconnect: Vec<u64>,
    /// Such clients without a data-plane success by the end of their episode.
    pub not_reconnected: u64,
    /// Per such client: time from the switch to the end of its episode (censoring time), ticks.
    pub reconnect_censored: Vec<u64>,
}

impl DisasterClients {
    /// Adds the counts of `after` less those of `before` (the same replication's outcome before
    /// and after a disaster episode).
    pub(super) fn add_delta(&mut self, before: &ClientOutcome, after: &ClientOutcome) {
        self.episodes += 1;
        self.logical += after.logical - before.logical;
        let n = after.logical_by_feature.len();
        self.logical_by_feature.resize(n, 0);
        self.failed_by_feature.resize(n, 0);
        for i in 0..n {
            self.logical_by_feature[i] += after.logical_by_feature[i] - before.logical_by_feature[i];
            self.failed_by_feature[i] += after.failed_by_feature[i] - before.failed_by_feature[i];
        }
        for i in 0..7 {
            self.failed_by_status[i] += after.failed_by_status[i] - before.failed_by_status[i];
        }
    }

    /// Failed logical requests.
    pub fn failed(&self) -> u64 {
        self.failed_by_status.iter().sum()
    }
}

/// Client metrics through regional disasters, over a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DisasterClientStats {
    /// Episodes in which a regional disaster struck.
    pub episodes: u64,
    /// Logical requests of those episodes.
    pub logical: u64,
    /// Logical requests per feature.
    pub logical_by_feature: Vec<u64>,
    /// Failed logical requests per feature.
    pub failed_by_feature: Vec<u64>,
    /// Failed logical requests by final status.
    pub failed_by_status: [u64; 7],
    /// Reconnect times from the traffic switch to the pair.
    pub reconnect: DurationStats,
    /// Clients not reconnected after the switch by the end of their episode.
    pub not_reconnected: u64,
    /// Time to reconnect after the switch, clients not reconnected censored.
    #[serde(default)]
    pub reconnect_survival: Survival,
    /// Failed of logical requests per replication (through disasters).
    #[serde(default)]
    pub failures: ClusteredProportion,
}

impl DisasterClientStats {
    fn record(&mut self, o: &DisasterClients) {
        self.episodes += o.episodes;
        self.logical += o.logical;
        add(&mut self.logical_by_feature, &o.logical_by_feature);
        add(&mut self.failed_by_feature, &o.failed_by_feature);
        add(&mut self.failed_by_status, &o.failed_by_status);
        for &x in &o.reconnect {
            self.reconnect.record(x);
            self.reconnect_survival.record_event(x);
        }
        for &x in &o.reconnect_censored {
            self.reconnect_survival.record_censored(x);
        }
        self.not_reconnected += o.not_reconnected;
        self.failures.record(o.failed(), o.logical);
    }

    fn merge(&mut self, o: &DisasterClientStats) {
        self.episodes += o.episodes;
        self.logical += o.logical;
        add(&mut self.logical_by_feature, &o.logical_by_feature);
        add(&mut self.failed_by_feature, &o.failed_by_feature);
        add(&mut self.failed_by_status, &o.failed_by_status);
        self.reconnect.merge(&o.reconnect);
        self.not_reconnected += o.not_reconnected;
        self.reconnect_survival.merge(&o.reconnect_survival);
        self.failures.merge(&o.failures);
    }

    /// Failed logical requests.
    pub fn failed(&self) -> u64 {
        self.failed_by_status.iter().sum()
    }
}

/// New logical requests and attempts per time bin, the entry services' capacity, and the
/// triggers (for a chart of retry amplification through a failover).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrafficTimeline {
    /// Bin width, ticks.
    pub bin_ticks: u64,
    /// Bin index (time / width) → (new logical requests, attempts sent in the bin, attempts of
    /// the requests that arrived in the bin, whenever sent).
    pub bins: std::collections::BTreeMap<u64, [u64; 3]>,
    /// Each episode's trigger: first service disruption to last service back up.
    pub triggers: Vec<(crate::engine::SimTime, crate::engine::SimTime)>,
    /// Each episode's arrivals: from its start to the last new request (past it only retries of
    /// earlier requests are simulated, so the traffic there is not the clients').
    pub arrivals: Vec<(crate::engine::SimTime, crate::engine::SimTime)>,
    /// The entry services' capacity (real requests per second, summed) from each time on.
    pub capacity: Vec<(crate::engine::SimTime, f64)>,
}

impl TrafficTimeline {
    /// An empty timeline of bins `bin_ticks` wide.
    pub fn new(bin_ticks: u64) -> TrafficTimeline {
        TrafficTimeline {
            bin_ticks: bin_ticks.max(1),
            ..TrafficTimeline::default()
        }
    }

    /// Counts a new request (`what` 0), an attempt sent (1), or an attempt of a request that
    /// arrived (2) at `t`.
    pub fn count(&mut self, t: crate::engine::SimTime, what: usize) {
        self.bins.entry(t.ticks() / self.bin_ticks).or_default()[what] += 1;
    }

    /// Records the entry services' capacity from `t` on (only when it changes).
    pub fn set_capacity(&mut self, t: crate::engine::SimTime, capacity: f64) {
        if self.capacity.last().is_none_or(|&(_, c)| c != capacity) {
            self.capacity.push((t, capacity));
        }
    }
}

impl ClientOutcome {
    /// Empty, for `features` features.
    pub fn new(features: usize) -> ClientOutcome {
        ClientOutcome {
            logical_by_feature: vec![0; features],
            failed_by_feature: vec![0; features],
            disasters: DisasterClients {
                logical_by_feature: vec![0; features],
                failed_by_feature: vec![0; features],
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// Failed logical requests.
    pub fn failed(&self) -> u64 {
        self.failed_by_status.iter().sum()
    }
}

/// Client metrics over a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClientStats {
    /// Disruption episodes simulated at request level.
    pub episodes: u64,
    /// Logical requests.
    pub logical: u64,
    /// Attempts sent, first ones and retries.
    pub attempts: u64,
    /// Throttled attempts.
    pub throttled: u64,
    /// Logical requests per feature.
    pub logical_by_feature: Vec<u64>,
    /// Failed logical requests per feature.
    pub failed_by_feature: Vec<u64>,
    /// Failed logical requests by final status.
    pub failed_by_status: [u64; 7],
    /// Latency of logical requests.
    pub latency: DurationStats,
    /// Reconnect times of affected clients, from the end of the trigger.
    pub reconnect: DurationStats,
    /// Clients not reconnected at the end of an episode.
    pub not_reconnected: u64,
    /// Time to reconnect, clients not reconnected censored at the end of their observation.
    #[serde(default)]
    pub reconnect_survival: Survival,
    /// Overloaded time after the trigger, per replication.
    pub overloaded_after_trigger: DurationStats,
    /// Replications (with episodes) whose overload was cut off by the end of the simulated
    /// window.
    #[serde(default)]
    pub overload_cut_off: u64,
    /// Failed of logical requests, per replication (the cluster).
    #[serde(default)]
    pub failures: ClusteredProportion,
    /// Per feature: succeeded of logical requests, per replication.
    #[serde(default)]
    pub succeeded_by_feature: Vec<ClusteredProportion>,
    /// Through regional disasters.
    #[serde(default)]
    pub disasters: DisasterClientStats,
}

impl ClientStats {
    /// Empty, for `features` features.
    pub fn new(features: usize) -> ClientStats {
        ClientStats {
            logical_by_feature: vec![0; features],
            failed_by_feature: vec![0; features],
            succeeded_by_feature: vec![ClusteredProportion::new(); features],
            disasters: DisasterClientStats {
                logical_by_feature: vec![0; features],
                failed_by_feature: vec![0; features],
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// Folds in one replication.
    pub fn record(&mut self, o: &ClientOutcome) {
        self.episodes += o.episodes;
        self.logical += o.logical;
        self.attempts += o.attempts;
        self.throttled += o.throttled;
        add(&mut self.logical_by_feature, &o.logical_by_feature);
        add(&mut self.failed_by_feature, &o.failed_by_feature);
        add(&mut self.failed_by_status, &o.failed_by_status);
        for &x in &o.latency {
            self.latency.record(x);
        }
        for &x in &o.reconnect {
            self.reconnect.record(x);
            self.reconnect_survival.record_event(x);
        }
        for &x in &o.reconnect_censored {
            self.reconnect_survival.record_censored(x);
        }
        self.not_reconnected += o.not_reconnected;
        if o.episodes > 0 {
            self.overloaded_after_trigger.record(o.overloaded_after_trigger);
            self.overload_cut_off += u64::from(o.overload_cut_off > 0);
        }
        self.failures.record(o.failed(), o.logical);
        for (acc, (&n, &f)) in self
            .succeeded_by_feature
            .iter_mut()
            .zip(o.logical_by_feature.iter().zip(&o.failed_by_feature))
        {
            acc.record(n - f, n);
        }
        self.disasters.record(&o.disasters);
    }

    /// Adds another run's statistics (exact).
    pub fn merge(&mut self, o: &ClientStats) {
        self.episodes += o.episodes;
        self.logical += o.logical;
        self.attempts += o.attempts;
        self.throttled += o.throttled;
        add(&mut self.logical_by_feature, &o.logical_by_feature);
        add(&mut self.failed_by_feature, &o.failed_by_feature);
        add(&mut self.failed_by_status, &o.failed_by_status);
        self.latency.merge(&o.latency);
        self.reconnect.merge(&o.reconnect);
        self.not_reconnected += o.not_reconnected;
        self.reconnect_survival.merge(&o.reconnect_survival);
        self.overloaded_after_trigger.merge(&o.overloaded_after_trigger);
        self.overload_cut_off += o.overload_cut_off;
        self.failures.merge(&o.failures);
        for (a, b) in self.succeeded_by_feature.iter_mut().zip(&o.succeeded_by_feature) {
            a.merge(b);
        }
        self.disasters.merge(&o.disasters);
    }

    /// Failed logical requests.
    pub fn failed(&self) -> u64 {
        self.failed_by_status.iter().sum()
    }
}

fn add(into: &mut [u64], from: &[u64]) {
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}
