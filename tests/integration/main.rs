//! One integration test binary: oracles, determinism, properties, robustness, bad input, the CLI,
//! shipped scenarios, baselines and snapshots, expectations (`check`), clients, regional disasters,
//! importance sampling, shards, studies, the report, the metric catalogue against summary.json,
//! generated docs, fitting distributions to incident data (`fit`), and the layers of the crate.

mod bad_input;
mod baselines;
mod bounds;
mod catalogue;
mod cli;
mod client_disasters;
mod clients;
mod common;
mod critical_path;
mod determinism;
mod diff;
mod disasters;
mod docs;
mod expect;
mod fit;
mod harmless;
mod importance;
mod info;
mod layers;
mod objectives;
mod oracles;
mod properties;
mod publish;
mod recoveries;
mod report;
mod resume;
mod robustness;
mod said;
mod scenarios;
mod shards;
mod snapshots;
mod studies;
mod uncertainty;
