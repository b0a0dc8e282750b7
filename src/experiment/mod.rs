//! Validation experiments: small, published workloads re-run on this crate's engine and retry
//! code, so that the building blocks can be checked against known results.
//!
//! - [`backoff`]: Brooker's optimistic-concurrency backoff experiment ("Exponential Backoff And
//!   Jitter", AWS Architecture Blog, 2015), `outage-sim experiment backoff`.

pub mod backoff;
