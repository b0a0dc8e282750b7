//! The domain's vocabulary: SKUs, planes, placements, kinds of service and of failure. The
//! scenario file spells them in kebab-case (`zone-redundant`, `region-disaster`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// SKU of the instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Sku {
    /// Lower user scale.
    Standard,
    /// High user scale.
    Premium,
}

impl Sku {
    /// Both SKUs, in documentation order.
    pub const ALL: [Sku; 2] = [Sku::Standard, Sku::Premium];
}

/// How the data plane is placed in the primary region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DataPlaneMode {
    /// Pinned to one zone.
    Zonal,
    /// Spread over every zone.
    ZoneRedundant,
}

/// The plane a service or feature belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Plane {
    /// Management operations (create, scale, admin).
    Control,
    /// Learner-facing operations.
    Data,
}

impl Plane {
    /// Both planes, in reporting order.
    pub const ALL: [Plane; 2] = [Plane::Control, Plane::Data];

    /// `control_plane` / `data_plane`, as used in outputs.
    pub fn key(self) -> &'static str {
        match self {
            Plane::Control => "control_plane",
            Plane::Data => "data_plane",
        }
    }

    /// The plane whose [`key`](Plane::key) this is.
    pub fn from_key(key: &str) -> Option<Plane> {
        Plane::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Index into per-plane arrays.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// What a service is; sets documented defaults for its failover window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceKind {
    /// Azure App Service (web/API).
    AppService,
    /// Azure SQL Database.
    Sql,
    /// Azure Storage (blobs, media).
    Storage,
    /// Anything else.
    Other,
}

impl ServiceKind {
    /// Every kind, in documentation order.
    pub const ALL: [ServiceKind; 4] = [
        ServiceKind::AppService,
        ServiceKind::Sql,
        ServiceKind::Storage,
        ServiceKind::Other,
    ];
}

/// Placement of a service's instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// All instances in one zone.
    Zonal,
    /// Instances in several zones; up while `min_healthy_zones` of them are healthy.
    ZoneRedundant,
}

/// What fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// Every service in a zone is down (power, cooling).
    ZoneOutage,
    /// One service is down in one zone.
    ServiceOutage,
    /// The zone and its local data are lost.
    ZoneDestruction,
    /// Every zone of a region is down, until the region comes back (`time_to_repair`, or a fault's
    /// `duration`) or the deployment is recovered in the pair (`[recovery]`).
    RegionDisaster,
}

/// Which outages lead to a request for consent to recover into the paired region.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RecoveryTrigger {
    /// Every outage of a plane that the health checks detect, whatever its cause (zone, datacenter,
    /// service or region): the reliability article's rule.
    #[default]
    AnyOutage,
    /// Only a disaster of the whole primary region.
    RegionDisaster,
}

impl RecoveryTrigger {
    /// Name in files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            RecoveryTrigger::AnyOutage => "any-outage",
            RecoveryTrigger::RegionDisaster => "region-disaster",
        }
    }
}

/// Where a failure or fault strikes, relative to the deployment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionRole {
    /// The deployment's primary region.
    Primary,
    /// Its paired region, which hosts a recovery.
    Pair,
    /// Another region with the same pair: its tenants compete for the pair's room and crews.
    SharesPair,
    /// Any other region: simulated, without effect on the deployment.
    Elsewhere,
}
