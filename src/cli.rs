//! Command-line definitions (clap) and their translation into validated plans.

use crate::scenario::{self, Override, Plan, ScenarioError};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Discrete-event Monte Carlo simulator of zone and region outages.
///
/// Exit codes: 0 success, 1 the run failed (e.g. results could not be written) or, for `check`, an
/// expectation did not hold, 2 bad input.
#[derive(Debug, Parser)]
#[command(
    name = "outage-sim",
    version,
    about,
    after_help = "Exit codes: 0 success; 1 the run failed, or an expectation of `check` did not hold; 2 bad input (nothing is written)."
)]
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
        /// What to print on stdout.
        #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
        format: OutputFormat,
    },
    /// Write report.html (self-contained: charts inline, tables, the scenario) and report.md
    /// (charts as SVG and PNG files in charts/) into a results directory.
    Report {
        /// A results directory written by `run` or `merge` (with summary.json and scenario.toml).
        dir: PathBuf,
        /// Do not print where the report went.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run a scenario at every point of a grid of field values (several --set make a grid);
    /// writes sweep.csv (one row per point: key metrics with 95 % intervals) and sweep charts.
    Sweep(SweepArgs),
    /// Vary each numeric parameter (or those named) to a low and a high value and rank them by
    /// their effect on a metric; writes sensitivity.csv and a tornado chart.
    Sensitivity(SensitivityArgs),
    /// Run two scenarios on common random numbers and report each metric's difference B − A
    /// with its paired 95 % interval (and, for scale, the interval of independent runs).
    Compare(CompareArgs),
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
    pub fn config(
        &self,
    ) -> Result<crate::experiment::backoff::BackoffConfig, crate::experiment::backoff::BackoffError> {
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
    /// Also write report.html and report.md (with charts) into the results directory.
    #[arg(long)]
    pub report: bool,
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
    /// What to print on stdout: the summary table, or the summary as JSON (as in summary.json).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Importance sampling: multiply every region-disaster rate by F while sampling and weight
    /// each replication by its likelihood ratio (overrides `[importance_sampling]`).
    #[arg(long, value_name = "F")]
    pub importance_sampling: Option<f64>,
}

/// What `run`, `check` and `merge` print on stdout.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// The human summary table.
    #[default]
    Table,
    /// The summary as JSON (for `check`, with the verdicts).
    Json,
}

/// Options shared by the studies (`sweep`, `sensitivity`, `compare`).
#[derive(Debug, clap::Args)]
pub struct StudyArgs {
    /// Directory that receives the study's directory.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Replications at every point (default: the scenario's).
    #[arg(long)]
    pub replications: Option<u64>,
    /// Seed at every point (default: the scenario's); every point uses the same seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: RAYON_NUM_THREADS or all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

impl StudyArgs {
    /// The options of every run, validated.
    pub fn options(&self) -> Result<crate::study::StudyOptions, crate::study::StudyError> {
        use crate::study::StudyError;
        if let Some(n) = self.replications
            && !(2..=scenario::limits::MAX_REPLICATIONS).contains(&n)
        {
            return Err(StudyError::option(
                format!("--replications {n}"),
                format!(
                    "must be between 2 and {} (intervals need at least 2)",
                    scenario::limits::MAX_REPLICATIONS
                ),
            ));
        }
        if self.threads == Some(0) {
            return Err(StudyError::option("--threads 0", "must be at least 1"));
        }
        Ok(crate::study::StudyOptions {
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
        })
    }
}

/// `sweep` options.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Scenario file; default: the embedded scenario.
    pub file: Option<PathBuf>,
    /// A field and its values, e.g. `--set failures[3].time_to_failure=exp(mean=5y),exp(mean=10y)`
    /// or `--set recovery.database.size_gb=100,200,400`; several make a grid.
    #[arg(long = "set", value_name = "PATH=V1,V2,...", required = true)]
    pub set: Vec<String>,
    /// A metric to report (as in `[expect]`); repeatable; default: availability and P(meet) per
    /// plane, and the regional-disaster and client metrics the scenario has.
    #[arg(long)]
    pub metric: Vec<String>,
    /// How every point runs.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// `sensitivity` options.
#[derive(Debug, clap::Args)]
pub struct SensitivityArgs {
    /// Scenario file; default: the embedded scenario.
    pub file: Option<PathBuf>,
    /// The metric (as in `[expect]`), e.g. `region_disaster.data_plane.rto.p_meet`; default:
    /// `region_disaster.data_plane.rto.mean` when the scenario has regional disasters, else
    /// `availability.data_plane`.
    #[arg(long)]
    pub metric: Option<String>,
    /// Vary only these parameters (field paths); repeatable; default: every numeric parameter.
    #[arg(long = "parameter", value_name = "PATH")]
    pub parameters: Vec<String>,
    /// Relative change for the low and high values (0.2: ±20 %).
    #[arg(long, default_value_t = 0.2)]
    pub vary: f64,
    /// How every run goes.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// `compare` options.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Scenario A (the reference).
    pub a: PathBuf,
    /// Scenario B; runs with A's seed and replications.
    pub b: PathBuf,
    /// What to print on stdout.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// How both run.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// A stopping rule: the interval of `expectation.metric` at most ± `expectation.threshold`.
#[derive(Clone, Debug)]
pub struct Precision {
    /// The metric and the half-width (as an expectation `metric <= half-width`).
    pub expectation: crate::model::metric::Expectation,
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
pub fn load_scenario(file: Option<&PathBuf>) -> Result<Plan, ScenarioError> {
    Plan::load_or_default(file.map(PathBuf::as_path))
}

/// Why a command line cannot become a plan: the scenario is bad input, or an option is.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The scenario, or the scenario with an override, is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// An option is invalid on its own or with the others.
    #[error("{option}: {message}")]
    Option {
        /// The option as written, e.g. `--threads 0`.
        option: String,
        /// What is wrong and what is allowed.
        message: String,
    },
}

impl PlanError {
    fn option(option: impl Into<String>, message: impl Into<String>) -> PlanError {
        PlanError::Option {
            option: option.into(),
            message: message.into(),
        }
    }
}

/// A validated `run`: the scenario with overrides applied, and the options.
pub struct RunPlan {
    /// The scenario.
    pub scenario: Plan,
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
    /// What to print on stdout.
    pub format: OutputFormat,
}

impl RunArgs {
    /// Validates the arguments into a plan (bad input is reported before any work starts).
    pub fn plan(&self) -> Result<RunPlan, PlanError> {
        self.options.plan(self.file.as_ref())
    }
}

impl CheckArgs {
    /// Validates the arguments into a plan; a scenario without expectations is bad input.
    pub fn plan(&self) -> Result<RunPlan, PlanError> {
        let plan = self.options.plan(Some(&self.file))?;
        if let Some(shard) = plan.shard {
            return Err(PlanError::option(
                format!("--shard {}/{}", shard.index + 1, shard.count),
                "`check` judges a whole run; run the shards with `run --shard`, merge them, \
                 and check the whole scenario",
            ));
        }
        if plan.scenario.expectations.is_empty() {
            return Err(PlanError::option(
                self.file.display().to_string(),
                "the scenario has no [expect] block, so `check` has nothing to judge; add one \
                 (see docs/GUIDE.md, \"Gates\") or use `run`",
            ));
        }
        Ok(plan)
    }
}

impl RunOptionArgs {
    /// Loads `file` (or the embedded default) and applies the options: the plan of a run.
    pub fn plan(&self, file: Option<&PathBuf>) -> Result<RunPlan, PlanError> {
        if self.threads == Some(0) {
            return Err(PlanError::option("--threads 0", "must be at least 1"));
        }
        let mut overrides = Vec::new();
        overrides.extend(self.importance_sampling.map(Override::importance_sampling));
        overrides.extend(self.replications.map(Override::replications));
        overrides.extend(self.seed.map(Override::seed));
        if self.no_replication_rows || self.summary_only {
            overrides.push(Override::no_replication_rows());
        }
        let s = load_scenario(file)?.with(&overrides)?;
        let precision = match &self.precision {
            None => None,
            Some(text) => {
                let option = format!("--precision {text}");
                if self.shard.is_some() {
                    return Err(PlanError::option(
                        option,
                        "decides when a whole run stops; it cannot be used with --shard",
                    ));
                }
                let Some((metric, half)) = text.rsplit_once('=') else {
                    return Err(PlanError::option(
                        option,
                        "write METRIC=HALF_WIDTH, e.g. data_plane.rto.mean=30s",
                    ));
                };
                // The metric and the half-width are checked exactly like an expectation.
                let table =
                    crate::scenario::ExpectTable(vec![(metric.trim().to_string(), format!("<= {}", half.trim()))]);
                let features: Vec<(String, crate::model::Plane)> =
                    s.features.iter().map(|f| (f.name.clone(), f.plane)).collect();
                let mut parsed = crate::scenario::validate_expectations(&table, &features, s.clients.is_some())
                    .map_err(|e| PlanError::option(option, e.message))?;
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
            format: self.format,
        })
    }
}
