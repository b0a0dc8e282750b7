//! Command-line definitions (clap) and their translation into validated plans.

use crate::scenario::{self, Override, Plan, ScenarioError};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Discrete-event Monte Carlo simulator of zone and region outages: availability, and achieved
/// RPO/RTO against targets.
#[derive(Debug, Parser)]
#[command(
    name = "outage-sim",
    version,
    after_help = "Exit codes: 0 success; 1 the run failed (e.g. results could not be written), or an expectation of \
                  `check` did not hold, or `diff` found a significant regression; 2 bad input: a scenario, option or \
                  metric path that cannot be used (nothing is written)."
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
    /// Check scenario files without running them; every file is checked, and the first error of
    /// each bad one printed.
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the event log of one replication: failures, repairs, incidents, recovery stages.
    Trace(TraceArgs),
    /// List every metric path of a scenario (the key paths of summary.json, as `[expect]`,
    /// --precision, --metric and compare name them) with its unit and meaning.
    Metrics(MetricsArgs),
    /// Combine the partial results of `run --shard K/N` into the results of one run.
    Merge {
        /// The shard result directories (each with partial.json), every shard once, in any order.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Results root: the merged results go to OUT/<scenario name>/.
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Do not print the summary table (`--format json` still prints the summary).
        #[arg(long, short)]
        quiet: bool,
        /// What to print on stdout: the summary table of the merged run, or its summary as JSON (what
        /// summary.json holds).
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
    /// Vary each quantity of the scenario (or those named; never identifiers such as zone numbers
    /// or HTTP statuses) to a low and a high value and rank them by their effect on a metric,
    /// flagging effects within the noise; writes sensitivity.csv and a tornado chart.
    Sensitivity(SensitivityArgs),
    /// Run two scenarios on common random numbers and report each metric's difference B − A
    /// with its paired 95 % interval (and, for scale, the interval of independent runs).
    Compare(CompareArgs),
    /// Compare two finished runs (results directories or summary.json files, schema 3): each
    /// metric's NEW − BASE with a two-sample 95 % interval (Newcombe for counts, Welch for
    /// means; Bonferroni-corrected over the metrics), classified improved / regressed / unchanged
    /// against its tolerance. Exit 1 when a regression is significant, 0 otherwise, 2 on bad
    /// input.
    Diff(DiffArgs),
    /// Find the value of one parameter (a number or a duration) at which a target on a metric
    /// starts or stops holding: stochastic bisection on common random numbers, each point decided
    /// on the metric's interval at --confidence. Writes solve.json, solve.csv and a chart; exit 1
    /// when the range holds no boundary.
    Solve(SolveArgs),
    /// Fit exponential, Weibull, log-normal and gamma distributions to observed durations (a
    /// column of a CSV file, some possibly right-censored) by maximum likelihood: parameters with
    /// 95 % intervals, log-likelihood, AIC and Kolmogorov–Smirnov distance; prints the best fit
    /// (lowest AIC) as a scenario distribution string and an `[[uncertain]]` entry for its
    /// scale's uncertainty. Writes no file.
    Fit(FitArgs),
    /// List the built-in regions with their number of availability zones and their paired
    /// region (a scenario's `[[regions]]` adds regions or replaces these).
    Regions {
        /// Output format: an aligned table, or a JSON array of {name, zones, pair, one_way}.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
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
    /// Brooker's optimistic-concurrency backoff experiment (docs/MODEL.md section 4): N clients each
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
    /// Seed of the experiment.
    #[arg(long, default_value_t = crate::experiment::backoff::DEFAULT_SEED)]
    pub seed: u64,
    /// Client counts, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "10,20,30,40,50,60,70,80,90,100,110,120,130,140,150,160,170,180,190"
    )]
    pub clients: Vec<u32>,
    /// Which doubling the k-th retry waits with: `published` (Brooker's simulator) waits with
    /// expo(k), the first retry up to 2·base; `sdk` (the retry presets) with expo(k − 1), the first
    /// retry up to base.
    ///
    /// expo(n) = min(cap, base·2^n). Decorrelated jitter and no backoff do not depend on it
    /// (docs/MODEL.md section 4.8).
    #[arg(long, value_enum, default_value_t = crate::experiment::backoff::RetryIndex::Published)]
    pub retry_index: crate::experiment::backoff::RetryIndex,
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
            retry_index: self.retry_index,
            threads: self.threads,
        };
        c.validate()?;
        if let Some((option, _)) = threads_error(self.threads) {
            return Err(crate::experiment::backoff::BackoffError::TooManyThreads {
                option,
                max: scenario::limits::MAX_THREADS,
            });
        }
        Ok(c)
    }
}

/// `diff` options.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The baseline: a results directory (with summary.json) or a summary.json file.
    pub base: PathBuf,
    /// The run judged against it: a results directory or a summary.json file; the metric paths
    /// come from the scenario.toml beside it (without one, per-feature metrics are skipped).
    pub new: PathBuf,
    /// The tolerance of a metric, in its unit: a duration for a duration metric
    /// (`zone_incidents.data_plane.rto.p95=10m`), else a plain number
    /// (`availability.data_plane=0.0001`); repeatable. Default 0: any significant change counts.
    /// A metric without an interval (a percentile, a minimum) fails the gate only when given one.
    #[arg(long = "tolerance", value_name = "METRIC=X")]
    pub tolerance: Vec<String>,
    /// How the intervals account for the number of metrics compared: `bonferroni` (each at
    /// 1 − 0.05/m, so that two runs of the same model fail the gate at most 2.5 % of the time), or
    /// `none` (each at 95 %).
    #[arg(long, value_enum, default_value_t = crate::study::diff::Correction::Bonferroni)]
    pub correction: crate::study::diff::Correction,
    /// What to print on stdout: an aligned table, the comparison as JSON, or Markdown for a
    /// pull-request comment (the changed metrics first, a one-line verdict).
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Also write a JUnit XML report: one testcase per metric, a failure per significant
    /// regression.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// What `diff` prints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// An aligned table.
    #[default]
    Table,
    /// JSON (docs/outputs.md).
    Json,
    /// Markdown, for a pull-request comment.
    Markdown,
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

/// `check` options: those of `run`, less `--shard` (a shard has nothing to judge), with the help
/// of `--quiet` and `--format` as `check` uses them.
#[derive(Debug, clap::Args)]
#[command(
    mut_arg("shard", |a| a.hide(true)),
    mut_arg("quiet", |a| a.help("Print no summary table and draw no progress bar; the verdicts are printed all the same")),
    mut_arg("format", |a| a.help(
        "What to print on stdout: the summary table and the table of verdicts, or one JSON document with both, \
         {\"summary\": ..., \"expectations\": [...]}"
    )),
)]
pub struct CheckArgs {
    /// Scenario file (TOML) with an `[expect]` block.
    pub file: PathBuf,
    /// How to run it (as for `run`).
    #[command(flatten)]
    pub options: RunOptionArgs,
    /// Accept inconclusive verdicts (95 % interval straddling the threshold, or no data).
    #[arg(long)]
    pub allow_inconclusive: bool,
    /// Also write a JUnit XML report: one testcase per expectation, a failure per expectation
    /// that did not hold.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
}

/// Options shared by `run` and `check`.
#[derive(Debug, clap::Args)]
pub struct RunOptionArgs {
    /// Results root: the run writes OUT/<scenario name>/.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Change one field of the scenario before it runs, as `sweep --set` with one value: a field
    /// path (entries by index or by name, `services[name=sql].backup.interval`) and a TOML value or
    /// string, e.g. `--set recovery.database.size_gb=400`; repeatable. The changed scenario is
    /// validated like the file, and written to the results' scenario.toml.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Replications to run (default: the scenario's `simulation.replications`).
    #[arg(long)]
    pub replications: Option<u64>,
    /// Master seed (default: the scenario's `simulation.seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: RAYON_NUM_THREADS or all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Do not write replications.csv (as `simulation.replication_rows = false`).
    #[arg(long)]
    pub no_replication_rows: bool,
    /// Print no summary table (nor, with --report, where the report went) and draw no progress
    /// bar; `--format json` still prints the summary.
    #[arg(long, short)]
    pub quiet: bool,
    /// Compute only shard K of N (K from 0 to N − 1) and write `partial.json` to
    /// OUT/<scenario name>.shard-K-of-N/; combine the shards with `outage-sim merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::montecarlo::Shard>,
    /// Continue the interrupted run of the same scenario, seed and replications (and shard) from
    /// its last checkpoint (one every 16 384 replications) instead of starting over.
    #[arg(long)]
    pub resume: bool,
    /// Run in waves of 16 384 replications until the 95 % interval of METRIC (a metric path, as in
    /// `[expect]`) is at most ±HALF_WIDTH (a duration for a duration metric, else a number), e.g.
    /// `--precision zone_incidents.data_plane.rto.p95=10m`; at most the scenario's (or
    /// --replications) count.
    #[arg(long, value_name = "METRIC=HALF_WIDTH")]
    pub precision: Option<String>,
    /// Keep only the statistics: no row is produced (`replications.csv` is not written,
    /// `incidents.csv` holds just its header); memory stays flat whatever the replication count.
    #[arg(long)]
    pub summary_only: bool,
    /// With --precision: never stop before this many replications.
    #[arg(long, default_value_t = 1000)]
    pub min_replications: u64,
    /// What to print on stdout: the summary table, or the summary as JSON (what summary.json
    /// holds).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Stop with an error (exit 2, nothing written) when one replication delivers more than N
    /// engine events: a runaway scenario (a failure every second for a century) is named instead
    /// of filling memory. The default is generous: a 10 000-year replication of the shipped
    /// scenarios needs under a tenth of it.
    #[arg(long, value_name = "N", default_value_t = crate::model::DEFAULT_MAX_EVENTS)]
    pub max_events: u64,
    /// Stop with an error (exit 2, nothing written) when one replication records more than N
    /// incidents: what bounds the memory of a replication (a few hundred bytes an incident). A
    /// 10 000-year replication of the shipped scenarios has under a tenth of the default.
    #[arg(long, value_name = "N", default_value_t = crate::model::DEFAULT_MAX_INCIDENTS)]
    pub max_incidents: u64,
    /// Importance sampling: multiply every region-disaster rate by F (> 0; 1 = plain sampling)
    /// while sampling and weight each replication by its likelihood ratio (overrides
    /// `[importance_sampling]`).
    #[arg(long, value_name = "F")]
    pub importance_sampling: Option<f64>,
    /// Outer draws of a scenario with `[uncertainty]`: parameter sets drawn from its
    /// `[[uncertain]]` priors, each run with the scenario's replications (overrides
    /// `[uncertainty] draws`).
    #[arg(long, value_name = "N")]
    pub draws: Option<u64>,
}

/// What `run`, `check`, `merge` and `compare` print on stdout; each option's help says what the
/// command prints in each format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables for people.
    #[default]
    Table,
    /// JSON, for scripts.
    Json,
}

/// Options shared by the studies (`sweep`, `sensitivity`, `compare`).
#[derive(Debug, clap::Args)]
pub struct StudyArgs {
    /// Results root: the study writes its directory under it.
    #[arg(long, default_value = "results")]
    pub out: PathBuf,
    /// Replications of every run, at least 2 (default: the scenario's `simulation.replications`).
    #[arg(long)]
    pub replications: Option<u64>,
    /// Seed of every run; all runs use the same seed (default: the scenario's `simulation.seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: RAYON_NUM_THREADS or all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Name of the study's directory under OUT (default: from the scenario and what the study
    /// varies, e.g. `shop.sweep-services-name-sql-backup-interval`).
    #[arg(long)]
    pub name: Option<String>,
    /// Replace an earlier study's directory of the same name (without it, the study refuses to run
    /// and exits 2).
    #[arg(long)]
    pub force: bool,
    /// Stop the study with an error (exit 2, nothing written) when one replication of one of its
    /// runs delivers more than N events (the zone-level model's and the clients' together), as
    /// `run --max-events` does.
    #[arg(long, value_name = "N", default_value_t = crate::model::DEFAULT_MAX_EVENTS)]
    pub max_events: u64,
    /// Stop the study with an error (exit 2, nothing written) when one replication of one of its
    /// runs records more than N incidents, as `run --max-incidents` does.
    #[arg(long, value_name = "N", default_value_t = crate::model::DEFAULT_MAX_INCIDENTS)]
    pub max_incidents: u64,
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
        if let Some((option, message)) = threads_error(self.threads) {
            return Err(StudyError::option(option, message));
        }
        for (option, n) in [
            ("--max-events", self.max_events),
            ("--max-incidents", self.max_incidents),
        ] {
            if n == 0 {
                return Err(StudyError::option(format!("{option} 0"), "must be at least 1"));
            }
        }
        Ok(crate::study::StudyOptions {
            replications: self.replications,
            seed: self.seed,
            threads: self.threads,
            budget: crate::study::Budget {
                max_events: self.max_events,
                max_incidents: self.max_incidents,
            },
        })
    }
}

/// `sweep` options.
#[derive(Debug, clap::Args)]
#[command(mut_arg("out", |a| a.help("Results root: the sweep writes OUT/<scenario name>.sweep-<swept fields>/ (or OUT/<--name>/)")))]
pub struct SweepArgs {
    /// Scenario file (TOML); default: the embedded Community Training Premium scenario.
    pub file: Option<PathBuf>,
    /// A field path and its values (TOML values or strings; commas inside parentheses do not
    /// split), e.g. `--set failures[3].time_to_failure=exp(mean=5y),exp(mean=10y)` or
    /// `--set recovery.database.size_gb=100,200,400`; several make a grid. Entries by index or by
    /// name (`services[name=sql].backup.interval`); ranges `LO..HI:step=S` or `LO..HI:count=N`
    /// (numbers or durations: `100..800:step=100`, `1h..6h:count=6`).
    #[arg(long = "set", value_name = "PATH=V1,V2,...", required = true)]
    pub set: Vec<String>,
    /// The swept field the charts draw along (a `--set` path); default: the first `--set`. The
    /// other fields' values make one line each.
    #[arg(long = "x", value_name = "PATH")]
    pub x: Option<String>,
    /// A metric to report, as a metric path (as in `[expect]`), e.g.
    /// `zone_incidents.data_plane.rto.p95`; repeatable; default: availability and P(meet) per
    /// plane, and the regional-disaster and client metrics the scenario has.
    #[arg(long)]
    pub metric: Vec<String>,
    /// How every point runs.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// `sensitivity` options.
#[derive(Debug, clap::Args)]
#[command(mut_arg("out", |a| a.help("Results root: the study writes OUT/<scenario name>.sensitivity-<metric>/ (or OUT/<--name>/)")))]
pub struct SensitivityArgs {
    /// Scenario file (TOML); default: the embedded Community Training Premium scenario.
    pub file: Option<PathBuf>,
    /// The metric to rank by, as a metric path (as in `[expect]`), e.g.
    /// `zone_incidents.data_plane.rto.p95`; default: `clients.user_visible_failures` when the
    /// scenario has `[clients]`, else `region_disasters.data_plane.rto.mean` when it has regional
    /// disasters, else `availability.data_plane`.
    #[arg(long)]
    pub metric: Option<String>,
    /// Vary only this parameter, a field path as in `--set` (e.g. `recovery.database.size_gb`,
    /// `services[name=sql].backup.interval`); repeatable; default: every quantity the file gives.
    #[arg(long = "parameter", value_name = "PATH")]
    pub parameters: Vec<String>,
    /// Relative change for the low and high values, in (0, 1) (0.2: ±20 %).
    #[arg(long, default_value_t = 0.2)]
    pub vary: f64,
    /// How every run goes.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// `compare` options.
#[derive(Debug, clap::Args)]
#[command(
    mut_arg("out", |a| a.help("Results root: the comparison writes OUT/<A's name>-vs-<B's name>.compare/ (or OUT/<--name>/)")),
    mut_arg("replications", |a| a.help("Replications of both runs, at least 2 (default: A's `simulation.replications`)")),
    mut_arg("seed", |a| a.help("Seed of both runs (default: A's `simulation.seed`)")),
    mut_arg("quiet", |a| a.help("Print nothing but errors (`--format json` still prints the comparison)")),
)]
pub struct CompareArgs {
    /// Scenario A (TOML), the reference.
    pub a: PathBuf,
    /// Scenario B (TOML); runs with A's seed and replications.
    pub b: PathBuf,
    /// What to print on stdout: the table of differences B − A, or the comparison as JSON (what
    /// compare.json holds).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// How both run.
    #[command(flatten)]
    pub study: StudyArgs,
}

/// `solve` options.
#[derive(Debug, clap::Args)]
#[command(
    mut_arg("out", |a| a.help("Results root: the search writes OUT/<scenario name>.solve-<parameter>/ (or OUT/<--name>/)")),
    mut_arg("replications", |a| a.help("Replications of a point's first run, at least 2 (default: the scenario's `simulation.replications`)")),
    mut_arg("quiet", |a| a.help("Print nothing but errors (`--format json` still prints the result)")),
)]
pub struct SolveArgs {
    /// Scenario file (TOML); default: the embedded Community Training Premium scenario.
    pub file: Option<PathBuf>,
    /// The field to vary, a path as in `--set` (entries by index or by name), holding a number or
    /// a duration, e.g. `services[name=control-config].backup.interval`.
    #[arg(long, value_name = "PATH", required = true)]
    pub vary: String,
    /// The values to search, `LO..HI`: whole numbers (the answer stays whole), numbers, or
    /// durations (`1m..1h`).
    #[arg(long, value_name = "LO..HI", required = true)]
    pub range: String,
    /// The target, `METRIC>=X` or `METRIC<=X` (a metric path as in `[expect]`; X in the metric's
    /// unit), e.g. `region_disasters.control_plane.p_meet_rpo>=0.95`.
    #[arg(long, value_name = "METRIC>=X", required = true)]
    pub target: String,
    /// Confidence of each point's decision, and of the boundary's interval, in (0.5, 1).
    #[arg(long, default_value_t = 0.95)]
    pub confidence: f64,
    /// An uncertain point (its interval straddles the threshold) is run again with twice the
    /// replications, up to this many (default: 8 × the replications of a first run).
    #[arg(long, value_name = "N")]
    pub max_replications: Option<u64>,
    /// Stop bisecting when the boundary's interval (and the gaps to the uncertain zone) are at
    /// most this wide: a number, or a duration for a duration field (default: 1/100 of the range,
    /// at least 1 for whole numbers).
    #[arg(long)]
    pub tolerance: Option<String>,
    /// What to print on stdout: the result for people, or the result as JSON (what solve.json
    /// holds: at least `parameter`, `value`, `interval`, `target`).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// How every point runs.
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

/// Output format of a listing (`metrics`, `regions`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned text, one line per entry.
    Text,
    /// One JSON document.
    Json,
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
    /// Scenario file (TOML); default: the embedded Community Training Premium scenario.
    pub file: Option<PathBuf>,
    /// Replication to trace, from 0 to the scenario's replications − 1.
    #[arg(long, short, default_value_t = 0)]
    pub replication: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Text)]
    pub format: TraceFormat,
}

/// `fit` options.
#[derive(Debug, clap::Args)]
pub struct FitArgs {
    /// CSV file with a header row naming the columns; one observation per row.
    pub file: PathBuf,
    /// The column of durations: scenario durations (`4.5h`, `1h30m`, `90m`) or plain numbers in
    /// --unit (default: the only column other than --censored's).
    #[arg(long, short, value_name = "C")]
    pub column: Option<String>,
    /// A column saying which values are right-censored: 1, true or yes when the value is a lower
    /// bound (the duration had not ended, e.g. an outage still open), 0, false or no when it
    /// ended (default: none is censored).
    #[arg(long, value_name = "COL")]
    pub censored: Option<String>,
    /// The unit of plain numbers in the column (durations with a unit keep theirs).
    #[arg(long, value_enum, default_value_t = FitUnit::H)]
    pub unit: FitUnit,
    /// What to print: a table, or JSON (every family with its parameters, intervals,
    /// log-likelihood, AIC, KS and convergence, the best fit, its scenario string and the
    /// `[[uncertain]]` entry).
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// The field path the printed `[[uncertain]]` entry applies to, e.g.
    /// `failures[name=zone-power-cooling].time_to_repair` (default: a placeholder to replace).
    #[arg(long, value_name = "PATH")]
    pub parameter: Option<String>,
}

/// The unit of plain numbers read by `fit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FitUnit {
    /// Seconds.
    S,
    /// Minutes.
    M,
    /// Hours.
    H,
    /// Days.
    D,
}

impl FitUnit {
    /// Its length in seconds.
    pub fn seconds(self) -> f64 {
        match self {
            FitUnit::S => 1.0,
            FitUnit::M => 60.0,
            FitUnit::H => 3600.0,
            FitUnit::D => 86_400.0,
        }
    }

    /// Its symbol, as in a duration string.
    pub fn symbol(self) -> &'static str {
        match self {
            FitUnit::S => "s",
            FitUnit::M => "m",
            FitUnit::H => "h",
            FitUnit::D => "d",
        }
    }
}

/// `metrics` options.
#[derive(Debug, clap::Args)]
pub struct MetricsArgs {
    /// Scenario file (TOML); default: the embedded Community Training Premium scenario.
    pub file: Option<PathBuf>,
    /// Output format: `text` (one line per path) or `json`.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// What is wrong with the worker threads asked for — `--threads`, or without it
/// `RAYON_NUM_THREADS` (which rayon would otherwise obey however large) — as the option written
/// and a message: at least 1, at most [`MAX_THREADS`](scenario::limits::MAX_THREADS).
pub fn threads_error(threads: Option<usize>) -> Option<(String, String)> {
    let max = scenario::limits::MAX_THREADS;
    match threads {
        Some(0) => Some(("--threads 0".into(), "must be at least 1".into())),
        Some(n) if n > max => Some((
            format!("--threads {n}"),
            format!("must be at most {max} (more threads than cores only adds overhead)"),
        )),
        Some(_) => None,
        None => {
            let text = std::env::var("RAYON_NUM_THREADS").ok()?;
            // Rayon ignores a value it cannot parse, and 0 means one thread per core.
            let n: usize = text.trim().parse().ok()?;
            (n > max).then(|| {
                (
                    format!("RAYON_NUM_THREADS={text}"),
                    format!("must be at most {max} (unset or 0: one worker thread per core)"),
                )
            })
        }
    }
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
    /// The scenario with every override applied, validated.
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
    /// Events one replication may deliver.
    pub max_events: u64,
    /// Incidents one replication may record.
    pub max_incidents: u64,
    /// The scenario file (`None`: the embedded default), for messages.
    pub origin: Option<PathBuf>,
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
                format!("--shard {shard}"),
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
        if let Some((option, message)) = threads_error(self.threads) {
            return Err(PlanError::option(option, message));
        }
        if self.max_events == 0 {
            return Err(PlanError::option("--max-events 0", "must be at least 1"));
        }
        if self.max_incidents == 0 {
            return Err(PlanError::option("--max-incidents 0", "must be at least 1"));
        }
        let mut overrides = Vec::new();
        for set in &self.set {
            let (path, mut values) =
                scenario::parse_set(set).map_err(|e| PlanError::option(format!("--set {set}"), e))?;
            if values.len() != 1 {
                return Err(PlanError::option(
                    format!("--set {set}"),
                    format!(
                        "gives {} values; a run takes one per field (for several, use `outage-sim sweep`)",
                        values.len()
                    ),
                ));
            }
            overrides.push(Override::set(path, values.remove(0)));
        }
        overrides.extend(self.importance_sampling.map(Override::importance_sampling));
        overrides.extend(self.replications.map(Override::replications));
        overrides.extend(self.seed.map(Override::seed));
        if self.no_replication_rows || self.summary_only {
            overrides.push(Override::no_replication_rows());
        }
        let loaded = load_scenario(file)?;
        if let Some(n) = self.draws {
            if loaded.uncertainty().is_none() {
                return Err(PlanError::option(
                    format!("--draws {n}"),
                    "the scenario has no [uncertainty]: draws are parameter sets drawn from its [[uncertain]] \
                     priors (docs/GUIDE.md, \"Uncertain parameters\")",
                ));
            }
            overrides.push(Override {
                option: format!("--draws {n}"),
                ..Override::set(
                    "uncertainty.draws",
                    toml::Value::Integer(i64::try_from(n).unwrap_or(i64::MAX)),
                )
            });
        }
        let s = loaded.with(&overrides)?;
        if let Some(shard) = self.shard {
            shard.check(s.replications).map_err(|e| {
                PlanError::option(
                    format!("--shard {shard}"),
                    format!(
                        "{e}; use at most {} shards (--shard K/N with N <= the replications)",
                        s.replications
                    ),
                )
            })?;
        }
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
                        "write METRIC=HALF_WIDTH, e.g. zone_incidents.data_plane.rto.mean=30s",
                    ));
                };
                // The metric and the half-width are checked exactly like an expectation.
                let table =
                    crate::scenario::ExpectTable(vec![(metric.trim().to_string(), format!("<= {}", half.trim()))]);
                let features: Vec<(String, crate::model::Plane)> =
                    s.features.iter().map(|f| (f.name.clone(), f.plane)).collect();
                let mut parsed = crate::scenario::validate_expectations(&table, &features, s.clients.is_some())
                    .map_err(|e| PlanError::option(option, e.first().message.clone()))?;
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
            max_events: self.max_events,
            max_incidents: self.max_incidents,
            origin: file.cloned(),
        })
    }
}
