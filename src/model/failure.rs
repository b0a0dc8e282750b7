//! Failure processes: each `[[failures]]` entry expanded into independent renewal processes,
//! one per zone (or per service and zone), each with its own random stream.

use crate::random::Mechanism;
use crate::scenario::{FailureKind, Scenario};

/// What a failure process takes down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A whole zone.
    Zone(u32),
    /// One service in one zone.
    ServiceInZone {
        /// Service index.
        service: usize,
        /// Zone.
        zone: u32,
    },
    /// A zone and its local data.
    ZoneDestruction(u32),
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

    /// Human description for traces and incident causes.
    pub fn describe(&self, s: &Scenario) -> String {
        let f = &s.failures[self.failure].name;
        match self.target {
            Target::Zone(z) => format!("{f}: zone {z} outage"),
            Target::ServiceInZone { service, zone } => format!("{f}: {} down in zone {zone}", s.services[service].name),
            Target::ZoneDestruction(z) => format!("{f}: zone {z} destroyed"),
        }
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
                FailureKind::RegionDisaster => {}
            }
        }
    }
    out
}
