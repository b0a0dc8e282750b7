//! outage-sim: a discrete-event Monte Carlo simulator of zone and region outages.
//!
//! Layers, with dependencies pointing one way:
//! - [`engine`]: a generic discrete-event core (integer time, `(time, sequence)` event order);
//! - [`scenario`]: the TOML scenario schema, validated up front with file:line:column errors;
//! - [`model`]: zones, services, features, failures and recovery, on top of the engine;
//! - [`montecarlo`]: replications on rayon, seeded per `(seed, replication, mechanism)`;
//! - [`stats`]: exactly mergeable accumulators (integer state) and intervals;
//! - [`publish`]: atomic publication of files and directories (knows nothing of the domain);
//! - [`report`]: pure serializers (JSON, CSV, terminal table) and one writer of result files;
//! - [`expect`]: a scenario's `[expect]` table, judged against a finished run (`outage-sim check`);
//! - [`study`]: sweeps, sensitivity and paired comparisons built from many runs;
//! - [`cli`] and [`commands`]: the command line and what each subcommand does.
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
