//! `outage-sim`: parse the command line and hand it to [`outage_sim::commands`], whose exit codes
//! are the contract (0 ok, 1 run failed or expectation failed, 2 bad input).

use clap::Parser;
use outage_sim::cli::{Cli, Command};
use outage_sim::commands;
use std::process::ExitCode;

fn main() -> ExitCode {
    restore_sigpipe();
    match Cli::parse().command {
        Command::Run(args) => commands::run(&args),
        Command::Check(args) => commands::check(&args),
        Command::Validate { files } => commands::validate(&files),
        Command::Trace(args) => commands::trace(&args),
        Command::Metrics(args) => commands::metrics(&args),
        Command::Merge {
            dirs,
            out,
            quiet,
            format,
        } => commands::merge(&dirs, &out, quiet, format),
        Command::Report { dir, quiet } => commands::report(&dir, quiet),
        Command::Sweep(args) => commands::sweep(&args),
        Command::Sensitivity(args) => commands::sensitivity(&args),
        Command::Compare(args) => commands::compare(&args),
        Command::Solve(args) => commands::solve(&args),
        Command::Diff(args) => commands::diff(&args),
        Command::Fit(args) => commands::fit(&args),
        Command::Regions { format } => commands::regions(format),
        Command::Experiment { which } => commands::experiment(&which),
    }
}

/// Output piped into a reader that stops early (`| head`) ends the process quietly, as it does
/// for other Unix tools; Rust ignores SIGPIPE by default, which turns a closed pipe into a panic
/// inside `print!`.
#[cfg(unix)]
fn restore_sigpipe() {
    // SAFETY: called first in `main`, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
