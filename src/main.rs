//! `outage-sim`: parse → plan → run → exit code (0 ok, 1 run failed or expectation failed,
//! 2 bad input).

use clap::Parser;
use outage_sim::cli::{
    CheckArgs, Cli, Command, ExperimentCommand, RunArgs, RunPlan, TraceArgs, TraceFormat, load_scenario,
};
use outage_sim::experiment::backoff;
use outage_sim::montecarlo::{self, Partial, RunOptions, RunStats, Shard};
use outage_sim::report::{ResultsWriter, Stopping, Summary, render_table};
use outage_sim::scenario;
use outage_sim::{expect, model};
use std::io::Write;
use std::process::ExitCode;

const BAD_INPUT: u8 = 2;
const RUN_FAILED: u8 = 1;
const EXPECTATION_FAILED: u8 = 1;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run(&args),
        Command::Check(args) => check(&args),
        Command::Validate { files } => validate(&files),
        Command::Trace(args) => trace(&args),
        Command::Merge { dirs, out, quiet } => merge(&dirs, &out, quiet),
        Command::Experiment { which } => experiment(&which),
    }
}

fn experiment(which: &ExperimentCommand) -> ExitCode {
    let ExperimentCommand::Backoff(args) = which;
    let config = match args.config() {
        Ok(c) => c,
        Err(e) => return bad_input(e),
    };
    let rows = match backoff::run(&config) {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(RUN_FAILED);
        }
    };
    print!("{}", backoff::render_table(&config, &rows));
    match backoff::write_csv(&rows, &args.out) {
        Ok(path) => {
            println!("\nResults: {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", args.out.join("backoff.csv").display());
            ExitCode::from(RUN_FAILED)
        }
    }
}

fn bad_input(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {e}");
    ExitCode::from(BAD_INPUT)
}

fn run(args: &RunArgs) -> ExitCode {
    let plan = match args.plan() {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    match execute(&plan) {
        Ok(_) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// Runs a plan, writes its results and, unless quiet, prints the summary table: what `run` does,
/// and `check` before judging. A failure is reported here and returned as its exit code.
fn execute(plan: &RunPlan) -> Result<(RunStats, Summary), ExitCode> {
    let s = &plan.scenario;
    let dir_name = match plan.shard {
        Some(k) => format!("{}.shard-{}-of-{}", s.name, k.index, k.count),
        None => s.name.clone(),
    };
    // What identifies this run (a whole run is shard 0/1), for partials and checkpoints.
    let identity = |stats: RunStats| Partial::new(s, plan.shard.unwrap_or(Shard { index: 0, count: 1 }), stats);
    let resumed = if plan.resume {
        match ResultsWriter::resume(&plan.out, &dir_name, &identity(RunStats::new(s)), s.replication_rows) {
            Ok(Some(found)) => Some(found),
            Ok(None) => {
                eprintln!("note: no interrupted run of this scenario to resume; starting afresh");
                None
            }
            Err(e) => {
                eprintln!("error: cannot resume under {}: {e}", plan.out.display());
                return Err(ExitCode::from(RUN_FAILED));
            }
        }
    } else {
        None
    };
    let (writer, resume) = match resumed {
        Some((w, next, stats)) => (w, Some((next, stats))),
        None => match ResultsWriter::create_named(&plan.out, &dir_name, s, s.replication_rows) {
            Ok(w) => (w, None),
            Err(e) => {
                eprintln!("error: cannot create results under {}: {e}", plan.out.display());
                return Err(ExitCode::from(RUN_FAILED));
            }
        },
    };
    let model = model::Model::new(s);
    let procs = model.processes();
    let options = RunOptions {
        threads: plan.threads,
        keep_outcomes: !plan.summary_only,
        shard: plan.shard,
    };
    let range = plan.shard.map_or(0..s.replications, |k| k.range(s.replications));
    let progress = Progress::new(range, plan.quiet);
    // With --precision: the half-width reached at the last wave, and whether it was enough.
    let stopped = std::cell::Cell::new(None::<(Option<f64>, bool)>);
    // The rows sink and the checkpoints both write through the one writer.
    let writer = std::cell::RefCell::new(writer);
    let outcome = montecarlo::run_resumable(
        s,
        &options,
        resume,
        |o| writer.borrow_mut().write_outcome(s, procs, o),
        |next, stats| {
            progress.show(next);
            writer.borrow_mut().checkpoint(identity(stats.clone()), next)?;
            Ok(match &plan.precision {
                Some(p) => {
                    let (stop, half) = precise_enough(p, s, stats);
                    stopped.set(Some((half, stop)));
                    stop
                }
                None => false,
            })
        },
    );
    let writer = writer.into_inner();
    let stats = match outcome {
        Ok(stats) => stats,
        Err(e) => {
            writer.abandon();
            eprintln!("error: writing results failed: {e}");
            return Err(ExitCode::from(RUN_FAILED));
        }
    };
    let mut summary = Summary::new(s, &stats);
    if let Some(p) = &plan.precision {
        let (half, reached) = stopped.get().unwrap_or((None, false));
        summary.stopping = Some(Stopping {
            metric: p.expectation.path.clone(),
            target_half_width: p.expectation.threshold.value(),
            achieved_half_width: half,
            replications: stats.replications,
            reason: if reached {
                "precision reached"
            } else {
                "maximum replications reached"
            }
            .into(),
        });
    }
    if let Some(shard) = plan.shard {
        let partial = identity(stats.clone());
        let json = serde_json::to_vec(&partial).expect("partial serializes");
        return match writer.finish_with(s, "partial.json", &json) {
            Ok(dir) => {
                if !plan.quiet {
                    println!(
                        "Shard {shard}: {} replications; partial results: {}",
                        stats.replications,
                        dir.display()
                    );
                }
                Ok((stats, summary))
            }
            Err(e) => {
                eprintln!("error: writing results failed: {e}");
                Err(ExitCode::from(RUN_FAILED))
            }
        };
    }
    match writer.finish(s, &summary) {
        Ok(dir) => {
            if !plan.quiet {
                print!("{}", render_table(&summary));
                println!("\nResults: {}", dir.display());
            }
            Ok((stats, summary))
        }
        Err(e) => {
            eprintln!("error: writing results failed: {e}");
            Err(ExitCode::from(RUN_FAILED))
        }
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let plan = match args.plan() {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    let (stats, summary) = match execute(&plan) {
        Ok(done) => done,
        Err(code) => return code,
    };
    let outcomes = expect::evaluate(&plan.scenario.expectations, &stats, &summary);
    if !plan.quiet {
        println!();
    }
    print!("{}", expect::render(&outcomes, args.allow_inconclusive));
    if expect::all_hold(&outcomes, args.allow_inconclusive) {
        return ExitCode::SUCCESS;
    }
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.verdict.accepted(args.allow_inconclusive))
        .map(|o| format!("{} {} ({})", o.expectation.path, o.expectation, o.verdict.name()))
        .collect();
    eprintln!(
        "error: {} of {} expectations of {} did not hold: {}",
        failed.len(),
        outcomes.len(),
        args.file.display(),
        failed.join("; ")
    );
    ExitCode::from(EXPECTATION_FAILED)
}

fn validate(files: &[std::path::PathBuf]) -> ExitCode {
    let mut failed = false;
    for f in files {
        match scenario::load(f) {
            Ok(s) => println!("{}: ok (scenario \"{}\", {})", f.display(), s.name, s.hash()),
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(BAD_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

fn trace(args: &TraceArgs) -> ExitCode {
    let s = match load_scenario(args.file.as_ref()) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if args.replication >= s.replications {
        return bad_input(format!(
            "--replication {} is out of range: the scenario has replications 0 to {}",
            args.replication,
            s.replications - 1
        ));
    }
    let model = model::Model::new(&s);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let format = args.format;
    let mut ok = true;
    let mut emit = |r: model::TraceRecord| {
        let line = match format {
            TraceFormat::Jsonl => serde_json::to_string(&r).expect("trace record serializes"),
            TraceFormat::Text => format!("{:>16.6}s  {:<15} {:<28} {}", r.time_s, r.event, r.entity, r.detail),
        };
        ok &= writeln!(out, "{}", line.trim_end()).is_ok();
    };
    model.simulate_traced(args.replication, &mut emit);
    if ok && out.flush().is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(RUN_FAILED)
    }
}

/// Reads the shards' partial results, merges them exactly, and writes the results of the whole
/// run: `summary.json` byte-identical to a single-process run, rows concatenated in order.
fn merge(dirs: &[std::path::PathBuf], out: &std::path::Path, quiet: bool) -> ExitCode {
    let mut shards = Vec::new();
    for d in dirs {
        let file = d.join("partial.json");
        let partial: Partial = match std::fs::read(&file)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| format!("not a partial result: {e}")))
        {
            Ok(p) => p,
            Err(e) => return bad_input(format!("{}: {e}", file.display())),
        };
        shards.push((d.clone(), partial));
    }
    let partials: Vec<Partial> = shards.iter().map(|(_, p)| p.clone()).collect();
    let stats = match montecarlo::merge_partials(&partials) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    let scenario_file = shards[0].0.join("scenario.toml");
    let s = match scenario::load(&scenario_file) {
        Ok(s) => s,
        Err(e) => return bad_input(e),
    };
    if s.hash() != partials[0].scenario_hash {
        return bad_input(format!(
            "{}: does not match its partial result's scenario hash",
            scenario_file.display()
        ));
    }
    let rows = shards.iter().all(|(d, _)| d.join("replications.csv").exists());
    let mut writer = match ResultsWriter::create(out, &s, rows) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot create results under {}: {e}", out.display());
            return ExitCode::from(RUN_FAILED);
        }
    };
    shards.sort_by_key(|(_, p)| p.shard.index);
    for (d, _) in &shards {
        for name in ["replications.csv", "incidents.csv"] {
            if let Err(e) = writer.append_rows(&d.join(name)) {
                eprintln!("error: {}: {e}", d.join(name).display());
                writer.abandon();
                return ExitCode::from(RUN_FAILED);
            }
        }
    }
    let summary = Summary::new(&s, &stats);
    match writer.finish(&s, &summary) {
        Ok(dir) => {
            if !quiet {
                print!("{}", render_table(&summary));
                println!("\nResults (merged from {} shards): {}", shards.len(), dir.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing results failed: {e}");
            ExitCode::from(RUN_FAILED)
        }
    }
}

/// A one-line progress report with an ETA on stderr, after every wave — only when stderr is a
/// terminal (never in logs or CI) and the run is not quiet.
struct Progress {
    range: std::ops::Range<u64>,
    started: std::time::Instant,
    on: bool,
}

impl Progress {
    fn new(range: std::ops::Range<u64>, quiet: bool) -> Progress {
        use std::io::IsTerminal;
        Progress {
            range,
            started: std::time::Instant::now(),
            on: !quiet && std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, next: u64) {
        if !self.on {
            return;
        }
        let total = self.range.end - self.range.start;
        let done = next.saturating_sub(self.range.start);
        let elapsed = self.started.elapsed().as_secs_f64();
        let eta = if done > 0 {
            elapsed * (total - done) as f64 / done as f64
        } else {
            f64::NAN
        };
        eprint!(
            "\r{done} of {total} replications ({:.1} %), {elapsed:.0} s elapsed, about {eta:.0} s left   ",
            100.0 * done as f64 / total.max(1) as f64
        );
        if done >= total {
            eprintln!();
        }
    }
}

/// Whether a run to precision can stop: enough replications and a 95 % interval of the metric at
/// most ± the wanted half-width. Returns that and the half-width reached.
fn precise_enough(p: &outage_sim::cli::Precision, s: &scenario::Scenario, stats: &RunStats) -> (bool, Option<f64>) {
    let summary = Summary::new(s, stats);
    let half = match p.expectation.metric.estimate(stats, &summary).map(|e| e.spread) {
        Some(expect::Spread::Interval(lo, hi)) if hi.is_finite() => Some((hi - lo) / 2.0),
        _ => None,
    };
    let enough = stats.replications >= p.min_replications;
    (
        enough && half.is_some_and(|h| h <= p.expectation.threshold.value()),
        half,
    )
}
