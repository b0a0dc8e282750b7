//! Command-line definitions (clap) and their translation into validated plans.

use crate::scenario::{self, Scenario, ScenarioError};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Discrete-event Monte Carlo simulator of zone and region outages.
///
/// Exit codes: 0 success, 1 the run failed (e.g. results could not be written) or, for `check`, an
/// expectation did not hold, 2 bad input.
#[derive(Debug, Parser)]
#[command(name = "outage-sim", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario (the embedded default when no file is given) and write results.
    Run(RunArgs),
    /// Run a scenario like `run`, then judge its `[expect]` block on 95 % intervals; exit 1 when
    /// an expectation fails (or is inconclusive, unless --allow-inconclusive).
    Check(CheckArgs),
    /// Check scenario files without running them.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the event log of one replication.
    Trace(TraceArgs),
    /// Combine the partial results of `run --shard K/N` into the results of one run.
    Merge {
        /// Shard result directories (each with partial.json), in any order.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Directory that receives `<scenario-name>/`.
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Do not print the summary table.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run a validation experiment.
    Experiment {
        /// Which experiment.
        #[command(subcommand)]
        which: ExperimentCommand,
    },
}

/// Validation experiments.
#[derive(Debug, Subcommand)]
pub enum ExperimentCommand {
    /// Brooker's optimistic-concurrency backoff experiment (MODEL.md section 4): N clients each
    /// make one conditional write; prints mean write calls and completion time per backoff.
    Backoff(BackoffArgs),
}

/// `experiment backoff` options.
#[derive(Debug, clap::Args)]
pub struct BackoffArgs {
    /// Directory that receives `backoff.csv`.
    #[arg(long, default_value = "results/experiment-backoff")]
    pub out: PathBuf,
    /// Runs per client count and algorithm.
    #[arg(long, default_value_t = 100)]
    pub runs: u32,
    /// Seed.
    #[arg(long, default_value_t = crate::experiment::backoff::DEFAULT_SEED)]
    pub seed: u64,
    /// Client counts, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,160,170,180,190"
    )]
    pub clients: Vec<u32>,
    /// Worker threads (default: RAYON_NUM_THREADS or all cores).
    #[arg(long)]
    pub threads: Option<usize>,
}

impl BackoffArgs {
    /// The experiment's configuration, validated.
    pub fn config(&self) -> Result<crate::experiment::backoff::BackoffConfig, String> {
        let c = crate::experiment::backoff::BackoffConfig {
            clients: self.clients.clone(),
            runs: self.runs,
            seed: self.seed,
            threads: self.threads,
        };
        c.validate()?;
        Ok(c)
    }
}

/// `run` options.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario file (TOML); default: the embedded Community Training Premium scenario.
    pub file: Option<PathBuf>,
    /// How to run it.
    #[command(flatten)]
    pub options: RunOptionArgs,
}

/// `check` options.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Scenario file (TOML) with an `[expect]` block.
    pub file: PathBuf,
    /// How to run it (as for `run`).
    #[command(flatten)]
    pub options: RunOptionArgs,
    /// Accept inconclusive verdicts (95 % interval straddling the threshold, or no data).
    #[arg(long)]
    pub allow_inconclusive: bool,
}

/// Options shared by `run` and `check`.
#[derive(Debug, clap::Args)]
pub struct RunOptionArgs {
    /// Directory that receives `<scenario-name>/`.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Override the scenario's replication count.
    #[arg(long)]
    pub replications: Option<u64>,
    /// Override the scenario's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: RAYON_NUM_THREADS or all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not write replications.csv.
    #[arg(long)]
    pub no_replication_rows: bool,
    /// Do not print the summary table.
    #[arg(long, short)]
    pub quiet: bool,
    /// Compute only shard K of N (K/N, 0-based) and write `partial.json` to
    /// `<out>/<scenario>.shard-K-of-N/`; combine the shards with `outage-sim merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::montecarlo::Shard>,
    /// Continue the interrupted run of the same scenario, seed, replications and shard from its
    /// last checkpoint (every 16 384 replications) instead of starting over.
    #[arg(long)]
    pub resume: bool,
    /// Run in waves of 16 384 replications until the 95 % interval of METRIC (a path as in
    /// `[expect]`) is at most ±HALF_WIDTH (a duration for duration metrics), e.g.
    /// `--precision region_disaster.data_plane.rto.p_meet=0.005`; at most the scenario's (or
    /// --replications) count.
    #[arg(long, value_name = "METRIC=HALF_WIDTH")]
    pub precision: Option<String>,
    /// Keep only the statistics: no per-replication or per-incident rows are produced (the CSV
    /// files hold just their headers); memory stays flat whatever the replication count.
    #[arg(long)]
    pub summary_only: bool,
    /// With --precision: never stop before this many replications.
    #[arg(long, default_value_t = 1000)]
    pub min_replications: u64,
    /// Importance sampling: multiply every region-disaster rate by F while sampling and weight
    /// each replication by its likelihood ratio (overrides `[importance_sampling]`).
    #[arg(long, value_name = "F")]
    pub importance_sampling: Option<f64>,
}

/// A stopping rule: the interval of `expectation.metric` at most ± `expectation.threshold`.
#[derive(Clone, Debug)]
pub struct Precision {
    /// The metric and the half-width (as an expectation `metric <= half-width`).
    pub expectation: crate::expect::Expectation,
    /// Never stop before this many replications.
    pub min_replications: u64,
}

/// Output format of `trace`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// Aligned text.
    Text,
    /// One JSON object per line.
    Jsonl,
}

/// `trace` options.
#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// Scenario file; default: the embedded scenario.
    pub file: Option<PathBuf>,
    /// Replication index (0-based).
    #[arg(long, short, default_value_t = 0)]
    pub replication: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
    pub format: TraceFormat,
}

/// Loads the given scenario, or the embedded default.
pub fn load_scenario(file: Option<&PathBuf>) -> Result<Scenario, ScenarioError> {
    match file {
        Some(path) => scenario::load(path),
        None => Ok(scenario::default_scenario()),
    }
}

/// A validated `run`: the scenario with overrides applied, and the options.
pub struct RunPlan {
    /// The scenario.
    pub scenario: Scenario,
    /// Results root.
    pub out: PathBuf,
    /// Worker threads.
    pub threads: Option<usize>,
    /// Print the table.
    pub quiet: bool,
    /// Only this shard.
    pub shard: Option<crate::montecarlo::Shard>,
    /// Resume an interrupted run.
    pub resume: bool,
    /// Stop when the metric's interval is this narrow.
    pub precision: Option<Precision>,
    /// Produce no rows at all.
    pub summary_only: bool,
}

impl RunArgs {
    /// Validates the arguments into a plan (bad input is reported before any work starts).
    pub fn plan(&self) -> Result<RunPlan, ScenarioError> {
        self.options.plan(self.file.as_ref())
    }
}

impl CheckArgs {
    /// Validates the arguments into a plan; a scenario without expectations is bad input.
    pub fn plan(&self) -> Result<RunPlan, ScenarioError> {
        let plan = self.options.plan(Some(&self.file))?;
        if plan.shard.is_some() {
            return Err(ScenarioError::Invalid {
                file: self.file.clone(),
                line: 0,
                column: 0,
                path: None,
                message: "`check` judges a whole run; run the shards with `run --shard`, merge them, \
                          and check the whole scenario"
                    .into(),
            });
        }
        if plan.scenario.expectations.is_empty() {
            return Err(ScenarioError::Invalid {
                file: self.file.clone(),
                line: 0,
                column: 0,
                path: None,
                message: "the scenario has no [expect] block, so `check` has nothing to judge; add one \
                          (see \"[expect]\" in the README) or use `run`"
                    .into(),
            });
        }
        Ok(plan)
    }
}

impl RunOptionArgs {
    /// Loads `file` (or the embedded default) and applies the options: the plan of a run.
    pub fn plan(&self, file: Option<&PathBuf>) -> Result<RunPlan, ScenarioError> {
        let mut s = load_scenario(file)?;
        let origin = file.cloned().unwrap_or_else(|| PathBuf::from(scenario::DEFAULT_ORIGIN));
        if let Some(factor) = self.importance_sampling {
            s = scenario::with_importance_sampling(s, factor, &origin)?;
        }
        let arg_error = |message: String| ScenarioError::Invalid {
            file: origin.clone(),
            line: 0,
            column: 0,
            path: None,
            message,
        };
        if let Some(n) = self.replications {
            if n == 0 || n > scenario::limits::MAX_REPLICATIONS {
                return Err(arg_error(format!(
                    "--replications must be between 1 and {}",
                    scenario::limits::MAX_REPLICATIONS
                )));
            }
            s.replications = n;
            s.file.simulation.replications = n;
        }
        if let Some(seed) = self.seed {
            s.seed = seed;
            s.file.simulation.seed = seed;
        }
        if self.no_replication_rows || self.summary_only {
            s.replication_rows = false;
            s.file.simulation.replication_rows = false;
        }
        if self.threads == Some(0) {
            return Err(arg_error("--threads must be at least 1".into()));
        }
        let precision = match &self.precision {
            None => None,
            Some(text) => {
                if self.shard.is_some() {
                    return Err(arg_error(
                        "--precision decides when a whole run stops; it cannot be used with --shard".into(),
                    ));
                }
                let Some((metric, half)) = text.rsplit_once('=') else {
                    return Err(arg_error(format!(
                        "--precision \"{text}\": write METRIC=HALF_WIDTH, e.g. data_plane.rto.mean=30s"
                    )));
                };
                // The metric and the half-width are checked exactly like an expectation.
                let table =
                    crate::expect::ExpectTable(vec![(metric.trim().to_string(), format!("<= {}", half.trim()))]);
                let features: Vec<(String, scenario::Plane)> =
                    s.features.iter().map(|f| (f.name.clone(), f.plane)).collect();
                let mut parsed = crate::expect::validate_expectations(&table, &features, s.clients.is_some())
                    .map_err(|e| arg_error(format!("--precision: {}", e.message)))?;
                Some(Precision {
                    expectation: parsed.remove(0),
                    min_replications: self.min_replications,
                })
            }
        };
        Ok(RunPlan {
            scenario: s,
            out: self.out.clone(),
            threads: self.threads,
            quiet: self.quiet,
            shard: self.shard,
            resume: self.resume,
            precision,
            summary_only: self.summary_only,
        })
    }
}
