//! Failure processes: each `[[failures]]` entry expanded into independent renewal processes,
//! one per zone (or per service and zone), each with its own random stream.

use crate::model::FailureKind;
use crate::model::Fault;
use crate::model::Scenario;
use crate::random::Mechanism;

/// What a failure process takes down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A whole zone.
    Zone(u32),
    /// One service in one zone.
    ServiceInZone {
        /// Service index.
        service: usize,
        /// Zone it is in (1-based).
        zone: u32,
    },
    /// A zone and its local data.
    ZoneDestruction(u32),
    /// Every zone of the primary region.
    RegionDisaster,
}

impl Target {
    /// What a scripted fault hits.
    pub fn of_fault(f: &Fault) -> Target {
        match (f.kind, f.service) {
            (FailureKind::ServiceOutage, Some(service)) => Target::ServiceInZone { service, zone: f.zone },
            (FailureKind::ZoneDestruction, _) => Target::ZoneDestruction(f.zone),
            (FailureKind::RegionDisaster, _) => Target::RegionDisaster,
            _ => Target::Zone(f.zone),
        }
    }

    /// What is hit: `zone 2 outage`, `sql down in zone 1`, `zone 3 destroyed`.
    pub fn describe(&self, s: &Scenario) -> String {
        match *self {
            Target::Zone(z) => format!("zone {z} outage"),
            Target::ServiceInZone { service, zone } => format!("{} down in zone {zone}", s.services[service].name),
            Target::ZoneDestruction(z) => format!("zone {z} destroyed"),
            Target::RegionDisaster => format!("region {} lost", s.region.name),
        }
    }
}

/// One independent renewal process: a `[[failures]]` entry applied to one zone (or service and zone).
#[derive(Clone, Debug)]
pub struct Process {
    /// Index of the `[[failures]]` entry.
    pub failure: usize,
    /// What it takes down.
    pub target: Target,
    /// Stable stream name, e.g. `failure/zone-power-cooling/zone2`.
    pub mechanism: String,
    /// Its stream key.
    pub key: Mechanism,
}

impl Process {
    fn new(failure: usize, target: Target, mechanism: String) -> Process {
        let key = Mechanism::named(&mechanism);
        Process {
            failure,
            target,
            mechanism,
            key,
        }
    }

    /// Human description for incident causes: `zone-power-cooling: zone 2 outage`.
    pub fn describe(&self, s: &Scenario) -> String {
        format!("{}: {}", s.failures[self.failure].name, self.target.describe(s))
    }
}

/// Expands the scenario's failure declarations into independent processes, in a fixed order.
/// Region disasters are validated but not simulated yet (see the DR issue).
pub fn processes(s: &Scenario) -> Vec<Process> {
    let mut out = Vec::new();
    for (i, f) in s.failures.iter().enumerate() {
        for &z in &f.zones {
            match f.kind {
                FailureKind::ZoneOutage => {
                    out.push(Process::new(i, Target::Zone(z), format!("failure/{}/zone{z}", f.name)))
                }
                FailureKind::ZoneDestruction => out.push(Process::new(
                    i,
                    Target::ZoneDestruction(z),
                    format!("failure/{}/zone{z}", f.name),
                )),
                FailureKind::ServiceOutage => {
                    for &svc in &f.services {
                        let name = format!("failure/{}/{}/zone{z}", f.name, s.services[svc].name);
                        out.push(Process::new(i, Target::ServiceInZone { service: svc, zone: z }, name));
                    }
                }
                // One process for the region, not one per zone; disasters of other regions are
                // not simulated.
                FailureKind::RegionDisaster if f.hits_primary && z == f.zones[0] => out.push(Process::new(
                    i,
                    Target::RegionDisaster,
                    format!("failure/{}/region", f.name),
                )),
                FailureKind::RegionDisaster => {}
            }
        }
    }
    out
}
