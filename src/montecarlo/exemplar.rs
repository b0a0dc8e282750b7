//! Replaying single replications for charts: replications are reproducible from the seed, so
//! an interesting one can be found and simulated again with its trace.

use crate::model::clients::TrafficTimeline;
use crate::model::{IncidentKind, Model, ReplicationOutcome, Scenario, TraceRecord, prepare, replicate_with};

/// One replication replayed with its trace.
pub struct Exemplar {
    /// Its index.
    pub replication: u64,
    /// Why it was picked.
    pub why: &'static str,
    /// Every traced event.
    pub records: Vec<TraceRecord>,
    /// Its outcome, as a run records it.
    pub outcome: ReplicationOutcome,
}

/// How far to look for an interesting replication.
const SEARCH: u64 = 5_000;

/// The replication the timeline shows, and why: the first with a regional disaster, else the
/// first with an outage, else the first with any incident, else replication 0.
fn pick(model: &Model<'_>, s: &Scenario) -> (u64, &'static str) {
    let n = s.replications.min(SEARCH);
    let mut outage = None;
    let mut any = None;
    for rep in 0..n {
        let o = model.simulate(rep);
        if !o.disasters.is_empty() {
            return (rep, "the first with a regional disaster");
        }
        if outage.is_none() && o.incidents.iter().any(|i| i.kind == IncidentKind::Outage) {
            outage = Some(rep);
        }
        if any.is_none() && !o.incidents.is_empty() {
            any = Some(rep);
        }
    }
    match (outage, any) {
        (Some(r), _) => (r, "the first with an outage"),
        (None, Some(r)) => (r, "the first with an incident"),
        _ => (0, "no replication searched had an incident"),
    }
}

/// The first replication with a regional disaster, else with an outage, else with any incident
/// (else replication 0), replayed with its trace.
pub fn timeline_exemplar(s: &Scenario) -> Exemplar {
    let model = Model::new(s);
    let (replication, why) = pick(&model, s);
    let mut records = Vec::new();
    let outcome = model.simulate_traced(replication, &mut |r| records.push(r));
    Exemplar {
        replication,
        why,
        records,
        outcome,
    }
}

/// The first replication whose clients saw a disruption, with their traffic in bins of `bin`
/// ticks; `None` without `[clients]` or when no replication searched had one.
pub fn first_client_disruption(s: &Scenario, bin: u64) -> Option<(u64, TrafficTimeline)> {
    s.clients.as_ref()?;
    let model = prepare(s);
    (0..s.replications.min(SEARCH)).find_map(|rep| {
        let o = replicate_with(&model, rep, Some(bin));
        let t = o.clients?.timeline?;
        (!t.triggers.is_empty()).then_some((rep, t))
    })
}
