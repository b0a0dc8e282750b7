//! Clients and retries: a sampled client population sends requests around disruptions, the
//! services queue or throttle them, and clients retry by their policy (`docs/MODEL.md`, section 4).

pub mod budget;
pub mod episodes;
mod metrics;
mod model;
pub mod presets;
pub mod retry;
pub mod traffic;

pub use metrics::{ClientOutcome, ClientStats, DisasterClientStats, DisasterClients, FinalStatus, TrafficTimeline};
pub use model::ClientModel;
pub use presets::RetrySpec;
pub use retry::RetryPolicy;
