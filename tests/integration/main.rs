//! One integration test binary: oracles, determinism, CLI, bad input, shipped scenarios, baselines,
//! expectations (`check`).

mod bad_input;
mod baselines;
mod cli;
mod clients;
mod common;
mod determinism;
mod disasters;
mod docs;
mod expect;
mod importance;
mod info;
mod oracles;
mod properties;
mod report;
mod robustness;
mod scenarios;
mod shards;
mod snapshots;
mod studies;
