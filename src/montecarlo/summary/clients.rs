//! The `clients` section: what the simulated clients saw, when the scenario has `[clients]`.

use super::keyed::Keyed;
use crate::model::Scenario;
use crate::model::clients::{ClientModel, ClientStats, DisasterClientStats, FinalStatus};
use crate::stats::{ClusteredSummary, DurationSummary, SurvivalSummary, Z95};
use serde::{Deserialize, Serialize};

/// Client metrics. Counts are of simulated requests (one stands for `scale` real ones);
/// fractions, amplification and times do not depend on the sample size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientsSummary {
    /// Real clients.
    pub population: u64,
    /// Simulated clients.
    pub sample: u32,
    /// Real clients per simulated one.
    pub scale: f64,
    /// Retry policy, as resolved.
    pub retry_policy: String,
    /// Disruption episodes simulated at request level.
    pub episodes: u64,
    /// Logical requests (simulated).
    pub logical_requests: u64,
    /// Attempts, first ones and retries (simulated).
    pub attempts: u64,
    /// Attempts per logical request.
    pub retry_amplification: f64,
    /// Throttled attempts (simulated).
    pub throttled_attempts: u64,
    /// Fraction of logical requests that failed for the user; the interval is from the
    /// between-replication variance (requests of one replication fail together).
    pub user_visible_failures: Option<ClusteredSummary>,
    /// Per feature (those with requests): the share of its logical requests that eventually
    /// succeeded, what its users saw during the simulated disruptions (between-replication
    /// interval).
    pub user_perceived_availability: Keyed<ClusteredSummary>,
    /// Failed logical requests by final status (`409`, `429`, `503`, `timeout`, `terminated`,
    /// `other`).
    pub failures_by_status: Keyed<u64>,
    /// By feature (those with requests): logical requests and failures.
    pub failures_by_feature: Keyed<FeatureFailures>,
    /// Time from first attempt to final answer of logical requests.
    pub latency: Option<DurationSummary>,
    /// Among the clients that reconnected only: from the end of the trigger (the failover) to
    /// their first successful attempt after it. Biased low when many never reconnect: see
    /// `reconnect_survival`.
    pub reconnect: Option<DurationSummary>,
    /// Clients still failing when their episode's simulation ended.
    pub not_reconnected: u64,
    /// Time to reconnect over every client that saw a failure, those that never reconnected
    /// censored at the end of their observation (Kaplan–Meier): the censored share and the
    /// quantiles, `null` where not reached.
    pub reconnect_survival: Option<SurvivalSummary>,
    /// Per replication with at least one episode: time the entry services were overloaded
    /// (queueing delay above the threshold) after the trigger ended.
    pub overloaded_after_trigger: Option<DurationSummary>,
    /// Replications whose overload was still on at the end of the simulated window (its cap):
    /// their overloaded time is a lower bound.
    pub overload_cut_off: u64,
    /// Through regional disasters of the primary (present when at least one struck during a
    /// simulated episode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_disasters: Option<ClientDisasters>,
}

/// What the clients saw in the episodes in which a regional disaster struck: from the disaster
/// to the end of failback (and `after` past it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientDisasters {
    /// Episodes in which a regional disaster struck.
    pub episodes: u64,
    /// Logical requests of those episodes (simulated).
    pub logical_requests: u64,
    /// Fraction of those logical requests that failed for the user (between-replication
    /// interval).
    pub user_visible_failures: Option<ClusteredSummary>,
    /// Failed logical requests by final status (`409`, `429`, `503`, `timeout`, `terminated`,
    /// `other`, `403`).
    pub failures_by_status: Keyed<u64>,
    /// By feature (those with requests): logical requests and failures.
    pub failures_by_feature: Keyed<FeatureFailures>,
    /// Per client that saw a failure before the traffic switch (the data plane serving from the
    /// pair): from the switch to its first successful data-plane request.
    pub reconnect: Option<DurationSummary>,
    /// Such clients without a data-plane success by the end of their episode.
    pub not_reconnected: u64,
    /// Time to reconnect after the switch, those not reconnected censored (Kaplan–Meier).
    pub reconnect_survival: Option<SurvivalSummary>,
}

/// Requests and failures of one feature.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureFailures {
    /// Logical requests of the feature (simulated, each standing for `scale` real ones).
    pub logical_requests: u64,
    /// Failed ones.
    pub failed: u64,
}

pub(super) fn summary(s: &Scenario, cm: &ClientModel, c: &ClientStats) -> ClientsSummary {
    ClientsSummary {
        population: cm.population,
        sample: cm.sample,
        scale: cm.scale,
        retry_policy: cm.policy.describe(),
        episodes: c.episodes,
        logical_requests: c.logical,
        attempts: c.attempts,
        retry_amplification: if c.logical == 0 {
            0.0
        } else {
            c.attempts as f64 / c.logical as f64
        },
        throttled_attempts: c.throttled,
        user_visible_failures: c.failures.summary(),
        user_perceived_availability: s
            .features
            .iter()
            .zip(&c.succeeded_by_feature)
            .filter_map(|(f, acc)| Some((f.name.clone(), acc.summary()?)))
            .collect(),
        failures_by_status: by_status(&c.failed_by_status),
        failures_by_feature: by_feature(s, &c.logical_by_feature, &c.failed_by_feature),
        latency: c.latency.summary(),
        reconnect: c.reconnect.summary(),
        not_reconnected: c.not_reconnected,
        reconnect_survival: c.reconnect_survival.summary(Z95),
        overloaded_after_trigger: c.overloaded_after_trigger.summary(),
        overload_cut_off: c.overload_cut_off,
        region_disasters: (c.disasters.episodes > 0).then(|| disasters(s, &c.disasters)),
    }
}

fn disasters(s: &Scenario, d: &DisasterClientStats) -> ClientDisasters {
    ClientDisasters {
        episodes: d.episodes,
        logical_requests: d.logical,
        user_visible_failures: d.failures.summary(),
        failures_by_status: by_status(&d.failed_by_status),
        failures_by_feature: by_feature(s, &d.logical_by_feature, &d.failed_by_feature),
        reconnect: d.reconnect.summary(),
        not_reconnected: d.not_reconnected,
        reconnect_survival: d.reconnect_survival.summary(Z95),
    }
}

fn by_status(failed: &[u64; 7]) -> Keyed<u64> {
    FinalStatus::NAMES
        .iter()
        .zip(failed)
        .map(|(n, &failed)| ((*n).to_string(), failed))
        .collect()
}

fn by_feature(s: &Scenario, logical: &[u64], failed: &[u64]) -> Keyed<FeatureFailures> {
    s.features
        .iter()
        .enumerate()
        .filter(|(i, _)| logical.get(*i).copied().unwrap_or(0) > 0)
        .map(|(i, f)| {
            (
                f.name.clone(),
                FeatureFailures {
                    logical_requests: logical[i],
                    failed: failed[i],
                },
            )
        })
        .collect()
}
