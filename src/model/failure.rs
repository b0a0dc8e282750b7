//! Failure processes: each `[[failures]]` entry expanded into independent renewal processes,
//! one per zone (or per service and zone), each with its own random stream.

use crate::model::Fault;
use crate::model::Scenario;
use crate::model::{FailureKind, RegionRole};
use crate::random::Mechanism;

/// What a failure process takes down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A whole zone of the primary (its datacenter in a region without zones).
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
    /// A zone of the paired region (zone 1 hosts a recovered deployment).
    PairZone(u32),
    /// Every zone of the paired region.
    PairDisaster,
    /// Another region: `shares_pair` when its tenants recover into our pair too.
    RemoteDisaster {
        /// The region's pair is ours.
        shares_pair: bool,
    },
}

impl Target {
    /// What a scripted fault hits.
    pub fn of_fault(f: &Fault) -> Target {
        Target::of(f.kind, f.region, f.zone, f.service)
    }

    fn of(kind: FailureKind, region: RegionRole, zone: u32, service: Option<usize>) -> Target {
        match (kind, region, service) {
            (FailureKind::RegionDisaster, RegionRole::Primary, _) => Target::RegionDisaster,
            (FailureKind::RegionDisaster, RegionRole::Pair, _) => Target::PairDisaster,
            (FailureKind::RegionDisaster, r, _) => Target::RemoteDisaster {
                shares_pair: r == RegionRole::SharesPair,
            },
            (_, RegionRole::Pair, _) => Target::PairZone(zone),
            (FailureKind::ServiceOutage, _, Some(service)) => Target::ServiceInZone { service, zone },
            (FailureKind::ZoneDestruction, _, _) => Target::ZoneDestruction(zone),
            _ => Target::Zone(zone),
        }
    }

    /// Whether it takes a whole region down (it then ends by itself, with no crew).
    pub fn is_region(&self) -> bool {
        matches!(
            self,
            Target::RegionDisaster | Target::PairDisaster | Target::RemoteDisaster { .. }
        )
    }

    /// What is hit: `zone 2 outage`, `sql down in zone 1`, `datacenter destroyed`, ...; a region
    /// without zones has one datacenter, and is spoken of so.
    pub fn describe(&self, s: &Scenario) -> String {
        let place = |zones: u32, z: u32| {
            if zones == 0 {
                "datacenter".to_string()
            } else {
                format!("zone {z}")
            }
        };
        let here = |z| place(s.region.zones, z);
        match *self {
            Target::Zone(z) => format!("{} outage", here(z)),
            Target::ServiceInZone { service, zone } => {
                format!(
                    "{} down in {}",
                    s.services[service].name,
                    here(zone).replace("datacenter", "the datacenter")
                )
            }
            Target::ZoneDestruction(z) => format!("{} destroyed", here(z)),
            Target::RegionDisaster => format!("region {} lost", s.region.name),
            Target::PairZone(z) => format!("{} outage in the pair {}", place(s.pair.zones, z), s.pair.name),
            Target::PairDisaster => format!("pair region {} lost", s.pair.name),
            Target::RemoteDisaster { shares_pair: true } => format!("a region sharing the pair {} lost", s.pair.name),
            Target::RemoteDisaster { shares_pair: false } => "another region lost".to_string(),
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

/// Expands the scenario's failure declarations into independent processes, in a fixed order:
/// one per zone (of the primary or the pair), per service and zone, or per region.
pub fn processes(s: &Scenario) -> Vec<Process> {
    let mut out = Vec::new();
    for (i, f) in s.failures.iter().enumerate() {
        if f.kind == FailureKind::RegionDisaster {
            let target = Target::of(f.kind, f.region, 1, None);
            // The primary keeps its historical stream name; others are keyed by region.
            let name = match f.region {
                RegionRole::Primary => format!("failure/{}/region", f.name),
                _ => format!("failure/{}/region/{}", f.name, f.region_name),
            };
            out.push(Process::new(i, target, name));
            continue;
        }
        for &z in &f.zones {
            let zone_key = match f.region {
                RegionRole::Pair => format!("pair-zone{z}"),
                _ => format!("zone{z}"),
            };
            if f.kind == FailureKind::ServiceOutage && f.region != RegionRole::Pair {
                for &svc in &f.services {
                    let name = format!("failure/{}/{}/{zone_key}", f.name, s.services[svc].name);
                    out.push(Process::new(i, Target::ServiceInZone { service: svc, zone: z }, name));
                }
            } else {
                let target = Target::of(f.kind, f.region, z, None);
                out.push(Process::new(i, target, format!("failure/{}/{zone_key}", f.name)));
            }
        }
    }
    out
}
