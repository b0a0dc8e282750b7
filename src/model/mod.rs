//! The outage model on top of the generic engine: zones, services, features, failure processes,
//! zone-redundant failover, zonal restores after zone destruction, repair crews.
//!
//! One call of [`simulate`] runs one replication of a [`Scenario`] and returns its
//! [`ReplicationOutcome`]. It draws only from streams keyed by `(seed, replication, mechanism)`,
//! so the result depends on nothing else.

pub mod clients;
pub mod critical_path;
mod distribution;
mod failure;
mod importance;
pub mod metric;
mod outcome;
mod recovery;
mod recovery_plan;
mod recovery_point;
pub mod regions;
mod replication;
mod system;
mod topology;
mod vocabulary;

pub(crate) use distribution::{Arg, named_args, split_call};
pub use distribution::{Dist, DistSpec, LogNormalCenter};
pub use recovery_plan::{CapacityPlan, RecoveryPlan, StorageLink, storage_copy_time};
pub use regions::Region;
pub use system::{BackupPolicy, Crew, FailureProcess, Fault, Feature, ImportanceSampling, Scenario, Service, Targets};
pub use vocabulary::{DataPlaneMode, FailureKind, Placement, Plane, RecoveryTrigger, RegionRole, ServiceKind, Sku};

pub use critical_path::{CriticalPath, RpoCause, Step};
pub use failure::{Process, Target, processes};
pub use outcome::{
    BudgetExceeded, Cause, DEFAULT_MAX_EVENTS, DEFAULT_MAX_INCIDENTS, Disaster, Incident, IncidentKind,
    ReplicationOutcome, StatusChange, TraceRecord,
};
pub use recovery::{RecoveryDraw, RegionalRecovery, Stage, add_business_time, capacity_wait, regional_recovery};
pub use recovery_point::{RecoveryPoint, achieved_rpo, recovery_point};
pub use replication::{Event, Model};

use crate::random::{Mechanism, stream};
pub use topology::{Status as ServiceStatus, zone_mask};

/// Prepares the model of a scenario: with `[clients]`, the zone-level model records the status
/// changes the client model replays.
pub fn prepare(scenario: &Scenario) -> Model<'_> {
    let model = Model::new(scenario);
    if scenario.clients.is_some() {
        model.recording_status()
    } else {
        model
    }
}

/// One complete replication: the zone-level model, then the clients around its disruptions.
pub fn replicate(model: &Model<'_>, replication: u64) -> ReplicationOutcome {
    replicate_with(model, replication, None)
}

/// [`replicate`], recording the clients' requests and attempts per bin of `traffic_bin` ticks
/// when given (for charts; the outcome is otherwise the same).
pub fn replicate_with(model: &Model<'_>, replication: u64, traffic_bin: Option<u64>) -> ReplicationOutcome {
    let s = model.scenario();
    let mut o = model.simulate(replication);
    if let Some(cm) = &s.clients
        && o.exceeded.is_none()
    {
        let mut rng = stream(s.seed, replication, Mechanism::named("clients"));
        let disasters: Vec<_> = o.disasters.iter().map(|d| d.start).collect();
        // The clients' events count against the replication's budget, after the zone-level
        // model's: a request-level simulation that would grow without bound (a huge `after`, a
        // storm of retries) stops there with an error naming it.
        let clients = clients::episodes::simulate_replication_with(
            s,
            cm,
            &o.status_log,
            &disasters,
            &mut rng,
            traffic_bin,
            model.max_events().saturating_sub(o.events),
        );
        if let Some(at) = clients.stopped_at {
            o.exceeded = Some(BudgetExceeded {
                replication,
                what: "events",
                limit: model.max_events(),
                at_secs: at.as_secs_f64(),
                culprit: format!(
                    "the clients model ([clients]) delivered {} of them, simulating {} requests and {} attempts \
                     around {} disruption(s)",
                    clients.events.saturating_sub(1),
                    clients.logical,
                    clients.attempts,
                    clients.episodes
                ),
                advice: "Check [clients]: sample, requests_per_hour, before, after and retry.max_attempts \
                         (a storm far too long?)",
            });
        }
        o.clients = Some(clients);
        o.status_log = Vec::new();
    }
    o
}
