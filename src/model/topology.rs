//! The state of zones and services in one replication, and what follows from it: service status,
//! feature status, plane status.

use crate::model::Placement;
use crate::model::Scenario;

/// Status of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Serving.
    Up,
    /// Zone-redundant failover window after losing a zone: clients get 409 and retry.
    FailingOver,
    /// Not serving.
    Down,
}

/// Counts of active causes per zone and per (service, zone), current locations, lost data.
#[derive(Debug)]
pub(crate) struct Topology {
    zones: usize,
    /// Active causes taking each zone down (outages, destruction, drills).
    pub(crate) zone_down: Vec<u32>,
    /// Active causes taking service s down in zone z, at `s * zones + (z - 1)`.
    pub(crate) service_zone_down: Vec<u32>,
    /// Zones each service lives in now (zonal services move after a restore).
    pub(crate) location: Vec<Vec<u32>>,
    /// Pending restores of each service whose zone was destroyed (> 0: down).
    pub(crate) lost: Vec<u32>,
    /// Healthy zones of each service at the last update, as a bit set (bit z-1 for zone z);
    /// a drop in their number starts a failover window.
    pub(crate) healthy: Vec<u32>,
}

impl Topology {
    pub(crate) fn new(s: &Scenario) -> Topology {
        let zones = s.zones as usize;
        Topology {
            zones,
            zone_down: vec![0; zones],
            service_zone_down: vec![0; s.services.len() * zones],
            location: s.services.iter().map(|x| x.zones.clone()).collect(),
            lost: vec![0; s.services.len()],
            healthy: s.services.iter().map(|x| zone_mask(x.zones.iter().copied())).collect(),
        }
    }

    pub(crate) fn zone_is_up(&self, zone: u32) -> bool {
        self.zone_down[zone as usize - 1] == 0
    }

    pub(crate) fn service_zone_slot(&self, service: usize, zone: u32) -> usize {
        service * self.zones + zone as usize - 1
    }

    /// Zones in which service `s` currently serves, as a bit set.
    pub(crate) fn healthy_zones(&self, s: usize) -> u32 {
        zone_mask(
            self.location[s]
                .iter()
                .copied()
                .filter(|&z| self.zone_is_up(z) && self.service_zone_down[self.service_zone_slot(s, z)] == 0),
        )
    }

    /// Whether service `s` has enough healthy zones and no data awaiting restore.
    pub(crate) fn service_can_serve(&self, scenario: &Scenario, s: usize, healthy: u32) -> bool {
        self.lost[s] == 0 && healthy.count_ones() >= scenario.services[s].min_healthy_zones
    }

    /// Whether a drop in healthy zones of `s` (still serving) starts a failover window.
    pub(crate) fn fails_over(scenario: &Scenario, s: usize) -> bool {
        let svc = &scenario.services[s];
        svc.placement == Placement::ZoneRedundant && !svc.failover.is_always_zero()
    }
}

/// Bit set of zones (bit z-1 for zone z).
pub fn zone_mask(zones: impl IntoIterator<Item = u32>) -> u32 {
    zones.into_iter().fold(0, |m, z| m | 1 << (z - 1))
}
