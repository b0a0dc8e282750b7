//! The outage model on top of the generic engine: zones, services, features, failure processes,
//! zone-redundant failover, zonal restores after zone destruction, repair crews.
//!
//! One call of [`simulate`] runs one replication of a [`Scenario`] and returns its
//! [`ReplicationOutcome`]. It draws only from streams keyed by `(seed, replication, mechanism)`,
//! so the result depends on nothing else.

mod failure;
mod importance;
mod outcome;
mod recovery;
mod recovery_point;
mod replication;
mod topology;

pub use failure::{Process, Target, processes};
pub use outcome::{Cause, Disaster, Incident, IncidentKind, ReplicationOutcome, StatusChange, TraceRecord};
pub use recovery::{RegionalRecovery, Stage, add_business_time, regional_recovery};
pub use recovery_point::achieved_rpo;
pub use replication::{Event, Model};
pub use topology::{Status as ServiceStatus, zone_mask};
