//! Clients and retries: a sampled client population sends requests around disruptions, the
//! services queue or throttle them, and clients retry by their policy (MODEL.md section 4).

pub mod budget;
mod config;
pub mod episodes;
mod metrics;
pub mod presets;
pub mod retry;
pub mod traffic;

pub use config::{ClientModel, ClientsSection, Diurnal, MixEntry, default_population, validate_clients};
pub use metrics::{ClientOutcome, ClientStats, FinalStatus, TrafficTimeline};
