//! Every default of the scenario file, in one place. The schema's serde defaults and the
//! validators read them from here, and validation writes each one it applies into the canonical
//! form, so `scenario.toml` "as run" and the scenario hash include them all. Where a number comes
//! from is in `docs/MODEL.md` (ASSUMPTION marks the ones without a public source).

use crate::engine::duration::HumanDuration;
use crate::model::{Dist, Plane, ServiceKind, Sku};

fn duration(text: &str) -> HumanDuration {
    HumanDuration::parse(text).expect("built-in default duration")
}

fn dist(text: &str) -> Dist {
    Dist::parse(text).expect("built-in default distribution")
}

/// `simulation.replication_rows`: write `replications.csv`.
pub fn replication_rows() -> bool {
    true
}

/// Zone of a zonal data plane.
pub const DEPLOYMENT_ZONE: u32 = 1;

/// Control-plane RPO / RTO targets (the published objectives: 10 min / 24 h).
pub fn control_plane_targets() -> (HumanDuration, HumanDuration) {
    (duration("10m"), duration("24h"))
}

/// Data-plane RPO / RTO targets (the published objectives: 12 h / 48 h).
pub fn data_plane_targets() -> (HumanDuration, HumanDuration) {
    (duration("12h"), duration("48h"))
}

/// `services[].kind`.
pub fn service_kind() -> ServiceKind {
    ServiceKind::Other
}

/// `services[].plane` and `features[].plane`.
pub fn plane() -> Plane {
    Plane::Data
}

/// `services[].instances_per_zone` and `services[].min_healthy_zones`.
pub fn one() -> u32 {
    1
}

/// Failover window of a zone-redundant service when it loses a zone, by kind: SQL zone-redundant
/// failover typically under 30 s; ZRS storage a few seconds (ASSUMPTION 1–5 s); App Service
/// back-fills best-effort (ASSUMPTION 10–60 s).
pub fn failover(kind: ServiceKind) -> Dist {
    dist(match kind {
        ServiceKind::Sql => "uniform(5s, 30s)",
        ServiceKind::Storage => "uniform(1s, 5s)",
        ServiceKind::AppService => "uniform(10s, 60s)",
        ServiceKind::Other => "0s",
    })
}

/// Requests per second one instance serves, by kind. ASSUMPTION: no public per-instance figures.
pub fn capacity_per_instance(kind: ServiceKind) -> f64 {
    match kind {
        ServiceKind::AppService => 50.0,
        ServiceKind::Sql => 200.0,
        ServiceKind::Storage => 500.0,
        ServiceKind::Other => 100.0,
    }
}

/// Delay until instances lost with a zone are back-filled. ASSUMPTION: "best-effort"; 5–15 min.
pub fn backfill() -> Dist {
    dist("uniform(5m, 15m)")
}

/// Probability that a region disaster destroys the region's data.
pub const DESTROYS_DATA: f64 = 0.0;

/// Active clients by SKU. ASSUMPTION: Standard is for a "lower scale of users" and Premium for a
/// "high scale"; we take 2 000 and 20 000 concurrently active learners.
pub fn population(sku: Sku) -> u64 {
    match sku {
        Sku::Standard => 2_000,
        Sku::Premium => 20_000,
    }
}

/// Simulated clients (`[clients] sample`).
pub fn client_sample() -> u32 {
    200
}

/// Logical requests per client per hour.
pub fn requests_per_hour() -> f64 {
    60.0
}

/// Lead-in simulated before a disruption.
pub fn clients_before() -> HumanDuration {
    duration("1m")
}

/// Tail simulated after a disruption.
pub fn clients_after() -> HumanDuration {
    duration("30m")
}

/// Service latency of one attempt at an idle service.
pub fn latency() -> Dist {
    dist("lognormal(median=50ms, sigma=0.5)")
}

/// Queueing delay beyond which a service throttles.
pub fn max_queue_delay() -> HumanDuration {
    duration("10s")
}

/// Queueing delay above which a service counts as overloaded.
pub fn overload_delay() -> HumanDuration {
    duration("1s")
}

/// Status of a throttled attempt.
pub fn throttle_status() -> u16 {
    503
}

/// Retry preset of `[clients] retry`.
pub fn retry_preset() -> String {
    "none".to_string()
}

/// Health-check period (checks run every 1–5 min) and failures that declare an outage.
pub fn detection() -> (HumanDuration, u32) {
    (duration("1m"), 3)
}

/// The customer's answer to the consent request. ASSUMPTION.
pub fn consent_response() -> Dist {
    dist("lognormal(median=1h, sigma=1)")
}

/// Probability with which an incident must meet its plane's RTO (or RPO) for the objective to
/// count as met. ASSUMPTION: "two nines" of incidents, a common reading of an objective; the
/// reliability article states the objectives, not a probability.
pub fn required_probability() -> f64 {
    0.99
}

/// Confidence level of the verdicts: the usual 95 %.
pub fn verdict_confidence() -> f64 {
    0.95
}

/// No minimum outage length: consent is requested as soon as the outage is detected, as the
/// reliability article describes.
pub fn min_outage() -> HumanDuration {
    duration("0s")
}

/// Manual failover of the control plane. ASSUMPTION.
pub fn control_plane_failover() -> Dist {
    dist("uniform(1h, 4h)")
}

/// Failback delay after the primary is back, and its disruption. ASSUMPTION.
pub fn failback() -> (Dist, Dist) {
    (dist("uniform(1h, 4h)"), dist("uniform(5m, 30m)"))
}

/// Creating the data plane's resources in the pair. ASSUMPTION.
pub fn create_resources() -> Dist {
    dist("uniform(1h, 3h)")
}

/// Database size (GB) and restore throughput (GB/h) of Standard and Premium. ASSUMPTION, chosen
/// so that a default restore stays within the documented "up to 12 h".
pub const DATABASE: (f64, f64, f64) = (100.0, 25.0, 100.0);

/// Storage to copy (GB), bandwidth (Mbit/s), round trip, streams and TCP window (MiB).
/// ASSUMPTION.
pub fn storage() -> (f64, f64, HumanDuration, u32, f64) {
    (500.0, 1000.0, duration("70ms"), 16, 4.0)
}

/// Validating the restored deployment. ASSUMPTION.
pub fn validation() -> Dist {
    dist("uniform(30m, 2h)")
}

/// Switching traffic to the pair. ASSUMPTION.
pub fn traffic_switch() -> Dist {
    dist("uniform(5m, 15m)")
}

/// Instances each tenant needs in the pair (`[recovery.capacity]`).
pub fn instances_per_tenant() -> u64 {
    1
}

/// The defaults that depend on other fields, as the scenario reference (`docs/scenario-reference.md`)
/// states them; built from the functions above, so they cannot disagree.
pub mod described {
    use super::{DEPLOYMENT_ZONE, DESTROYS_DATA};
    use crate::model::{ServiceKind, Sku};
    use serde::Serialize;

    /// A vocabulary word as the scenario file spells it (`app-service`).
    fn spelled(value: impl Serialize) -> String {
        serde_json::to_value(value)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .expect("vocabulary serializes as a string")
    }

    fn by_kind(what: impl Fn(ServiceKind) -> String) -> String {
        let each: Vec<String> = ServiceKind::ALL
            .into_iter()
            .map(|k| format!("`{}` {}", spelled(k), what(k)))
            .collect();
        format!("by `kind`: {}", each.join(", "))
    }

    /// `deployment.zone`.
    pub fn deployment_zone() -> String {
        format!("`{DEPLOYMENT_ZONE}` for a zonal data plane")
    }

    /// `services[].failover`.
    pub fn failover() -> String {
        by_kind(|k| format!("`\"{}\"`", super::failover(k)))
    }

    /// `services[].capacity_per_instance`.
    pub fn capacity_per_instance() -> String {
        by_kind(|k| format!("`{:?}`", super::capacity_per_instance(k)))
    }

    /// `services[].backfill`.
    pub fn backfill() -> String {
        format!("`\"{}\"`", super::backfill())
    }

    /// `failures[].destroys_data`.
    pub fn destroys_data() -> String {
        format!("`region-disaster`: `{DESTROYS_DATA:?}`")
    }

    /// `clients.population`.
    pub fn population() -> String {
        let each: Vec<String> = Sku::ALL
            .into_iter()
            .map(|sku| format!("`{}` `{}`", spelled(sku), super::population(sku)))
            .collect();
        format!("by `deployment.sku`: {}", each.join(", "))
    }
}
