//! outage-sim: a discrete-event Monte Carlo simulator of zone and region outages.
//!
//! Layers, bottom up; each uses only those below it (`tests/integration/layers.rs` holds the
//! allow-list and fails on any other edge):
//! 1. [`engine`] (a generic discrete-event core: integer time, events in `(time, sequence)`
//!    order, durations as text), [`stats`] (exactly mergeable accumulators and intervals;
//!    maximum-likelihood fits of duration distributions) and
//!    [`random`] (streams keyed by `(seed, replication, mechanism)`), [`publish`] (atomic
//!    publication of files and directories) — nothing of clouds;
//! 2. [`model`]: the domain — its vocabulary, the validated [`model::Scenario`], distributions,
//!    the replication of zones, services, failures and disaster recovery, the client runtime,
//!    and the catalogue of metrics a run measures;
//! 3. [`scenario`]: the TOML file — schema, defaults, parsers and validation with
//!    file:line:column errors — turned into an immutable [`scenario::Plan`];
//! 4. [`montecarlo`]: the runner — replications on rayon, `RunStats`, the summary, estimates and
//!    verdicts, shards, partials and checkpoints;
//! 5. [`report`]: pure formatting of results (tables, CSV rows, charts, HTML/Markdown);
//! 6. [`results`]: writing a run's files;
//! 7. [`study`] and [`experiment`]: sweeps, sensitivity, paired comparisons, the backoff
//!    experiment;
//! 8. [`cli`] and [`commands`]: the command line and what each subcommand does.
//!
//! ```
//! use outage_sim::{montecarlo, scenario};
//! let s = scenario::default_scenario().with(&[scenario::Override::replications(50)]).unwrap();
//! let stats = montecarlo::run(&s, &montecarlo::RunOptions::default(), |_| Ok::<(), std::io::Error>(())).unwrap();
//! assert_eq!(stats.replications, 50);
//! ```
#![warn(missing_docs, unreachable_pub)]

pub mod cli;
pub mod commands;
pub mod engine;
pub mod experiment;
pub mod model;
pub mod montecarlo;
pub mod publish;
pub mod random;
pub mod report;
pub mod results;
pub mod scenario;
pub mod stats;
pub mod study;
