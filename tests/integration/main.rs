//! One integration test binary: oracles, determinism, CLI, bad input, shipped scenarios, baselines.

mod bad_input;
mod baselines;
mod cli;
mod clients;
mod common;
mod determinism;
mod oracles;
mod scenarios;
