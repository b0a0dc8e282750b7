//! `run` and `check`: run a plan, write its results, print the summary, judge expectations.

use super::finish::{Ending, finish};
use super::progress::{Progress, Unit};
use super::{BAD_INPUT, FAILED, Reported, bad_input, failed};
use crate::cli::{CheckArgs, OutputFormat, Precision, RunArgs, RunPlan};
use crate::montecarlo::Stopping;
use crate::montecarlo::Summary;
use crate::montecarlo::{self, Partial, RunOptions, RunStats, Runner, Shard};
use crate::results::{OpenError, ResultsWriter};
use crate::{model, montecarlo::Spread, report};
use std::process::ExitCode;

/// `outage-sim run`.
pub fn run(args: &RunArgs) -> ExitCode {
    let plan = match args.plan() {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    let dir = match execute(&plan) {
        Ok((_, _, dir)) => dir,
        Err(Reported(code)) => return ExitCode::from(code),
    };
    if args.report
        && let Some(dir) = dir
    {
        return super::report::write_report(&dir, plan.quiet);
    }
    ExitCode::SUCCESS
}

/// `outage-sim check`.
pub fn check(args: &CheckArgs) -> ExitCode {
    let mut plan = match args.plan() {
        Ok(p) => p,
        Err(e) => return bad_input(e),
    };
    // In JSON, the summary goes out once, inside the document with the verdicts.
    let format = plan.format;
    if format == OutputFormat::Json {
        plan.format = OutputFormat::Table;
        plan.quiet = true;
    }
    let (stats, summary) = match execute(&plan) {
        Ok((stats, Some(summary), _)) => (stats, summary),
        Ok((_, None, _)) => unreachable!("`check` refuses --shard, and a whole run has a summary"),
        Err(Reported(code)) => return ExitCode::from(code),
    };
    let outcomes = montecarlo::evaluate(&plan.scenario.expectations, &stats, &summary);
    match format {
        OutputFormat::Json => {
            // A struct, not `json!`: serde_json's map would sort the summary's keys, and the
            // summary printed here should read like summary.json (schema_version first).
            #[derive(serde::Serialize)]
            struct Document<'a> {
                summary: &'a Summary,
                expectations: Vec<serde_json::Value>,
            }
            let doc = Document {
                summary: &summary,
                expectations: report::verdicts_json(&outcomes, args.allow_inconclusive),
            };
            println!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
        }
        OutputFormat::Table => {
            if !plan.quiet {
                println!();
            }
            print!("{}", report::render_verdicts(&outcomes, args.allow_inconclusive));
        }
    }
    if let Some(path) = &args.junit {
        let cases: Vec<crate::study::diff::JunitCase> = outcomes
            .iter()
            .map(|o| {
                let name = format!("{} {}", o.expectation.path, o.expectation);
                let accepted = o.verdict.accepted(args.allow_inconclusive);
                crate::study::diff::JunitCase {
                    failure: (!accepted).then(|| format!("{name}: {}", o.verdict.name())),
                    output: Some(o.verdict.name().to_string()),
                    name,
                }
            })
            .collect();
        let xml = crate::study::diff::junit(&format!("outage-sim check {}", args.file.display()), &cases);
        if let Err(e) = crate::publish::write_file(path, xml.as_bytes()) {
            return failed(format!("writing {} failed: {e}", path.display()));
        }
    }
    if montecarlo::all_hold(&outcomes, args.allow_inconclusive) {
        return ExitCode::SUCCESS;
    }
    let failed_ones: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.verdict.accepted(args.allow_inconclusive))
        .map(|o| format!("{} {} ({})", o.expectation.path, o.expectation, o.verdict.name()))
        .collect();
    failed(format!(
        "{} of {} expectations of {} did not hold: {}",
        failed_ones.len(),
        outcomes.len(),
        args.file.display(),
        failed_ones.join("; ")
    ))
}

/// Runs a plan, writes its results and prints the summary: what `run` does, and `check` before
/// judging. Returns the statistics, the summary (`None` for a shard of a two-level run whose
/// points pool no replication) and the results directory (`None` for a shard, whose directory
/// holds a partial result). A failure is reported here (exit code 1).
pub fn execute(plan: &RunPlan) -> Result<(RunStats, Option<Summary>, Option<std::path::PathBuf>), Reported> {
    let s = &plan.scenario;
    for w in s.warnings() {
        super::say("warning", w);
    }
    if s.uncertainty().is_some() {
        return super::uncertain::execute(plan);
    }
    let dir_name = match plan.shard {
        Some(k) => format!("{}.shard-{}-of-{}", s.name, k.index, k.count),
        None => s.name.clone(),
    };
    // What identifies this run (a whole run is shard 0/1), for partials and checkpoints.
    let identity = |stats: RunStats| Partial::new(s, plan.shard.unwrap_or(Shard { index: 0, count: 1 }), stats);
    let report = |e: String| {
        super::say("error", e);
        Reported(FAILED)
    };
    let key = identity(RunStats::new(s)).run_key();
    refuse_file_at_target(plan, &dir_name)?;
    let busy = |dir: &std::path::Path, holder: &str| {
        report(format!(
            "another process ({holder}) is already running this run (scenario {}, seed {}, {} replications{}) \
             in {}; nothing was written and its files were not touched. Wait for it to finish, or stop it and \
             run again with --resume",
            s.name,
            s.seed,
            s.replications,
            plan.shard.map_or_else(String::new, |k| format!(", shard {k}")),
            dir.display()
        ))
    };
    let resumed = if plan.resume {
        let mut note = |n: String| super::say("note", n);
        match ResultsWriter::resume(&plan.out, &dir_name, &identity(RunStats::new(s)), s, &mut note) {
            Ok(Some(found)) => Some(found),
            Ok(None) => {
                super::say("note", "no interrupted run of this scenario to resume; starting afresh");
                None
            }
            Err(OpenError::Busy { dir, holder }) => return Err(busy(&dir, &holder)),
            Err(e) => return Err(report(format!("cannot resume under {}: {e}", plan.out.display()))),
        }
    } else {
        // A fresh run beside a live one of the same run would only do the same work twice.
        match ResultsWriter::running(&plan.out, &dir_name, &key) {
            Ok(Some((dir, holder))) => return Err(busy(&dir, &holder)),
            Ok(None) => {}
            Err(e) => {
                return Err(report(format!(
                    "cannot look for running runs under {}: {e}",
                    plan.out.display()
                )));
            }
        }
        // Leftovers of dead processes go (a resumable checkpoint of another run stays).
        let mut note = |n: String| super::say("note", n);
        if let Err(e) = ResultsWriter::remove_stale(&plan.out, &dir_name, &key, &mut note) {
            super::say(
                "note",
                format!(
                    "could not look for leftovers of dead runs under {}: {e}",
                    plan.out.display()
                ),
            );
        }
        None
    };
    let (writer, resume) = match resumed {
        Some((w, next, stats)) => (w, Some((next, stats))),
        None => match ResultsWriter::create_named(&plan.out, &dir_name, s, s.replication_rows, &key) {
            Ok(w) => (w, None),
            Err(e) => {
                return Err(report(format!(
                    "cannot create results under {}: {e}",
                    plan.out.display()
                )));
            }
        },
    };
    let model = model::Model::new(s);
    let procs = model.processes();
    let range = plan.shard.map_or(0..s.replications, |k| k.range(s.replications));
    let already = resume.as_ref().map_or(0, |(next, _)| next.saturating_sub(range.start));
    let progress = Progress::start(Unit::Replications, range.end - range.start, already, plan.quiet);
    let options = RunOptions {
        keep_outcomes: !plan.summary_only,
        shard: plan.shard,
        progress: progress.counter(),
        max_events: Some(plan.max_events),
        max_incidents: Some(plan.max_incidents),
    };
    // With --precision: the half-width reached at the last wave, and whether it was enough.
    let stopped = std::cell::Cell::new(None::<(Option<f64>, bool)>);
    // The rows sink and the checkpoints both write through the one writer.
    let writer = std::cell::RefCell::new(writer);
    let outcome = Runner::new(plan.threads).run_resumable(
        s,
        &options,
        resume,
        |o| writer.borrow_mut().write_outcome(s, procs, o),
        |next, stats| {
            if let Some(e) = &stats.exceeded {
                return Err(std::io::Error::other(Exceeded(e.clone())));
            }
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
    progress.finish();
    let writer = writer.into_inner();
    // On failure the writer, dropped, removes its work directory.
    let stats = outcome.map_err(|e| match e.get_ref().and_then(|x| x.downcast_ref::<Exceeded>()) {
        Some(Exceeded(x)) => {
            super::say(
                "error",
                format!(
                    "{}: {x}; nothing was written",
                    plan.origin
                        .as_deref()
                        .map_or_else(|| s.name.clone(), |p| p.display().to_string())
                ),
            );
            Reported(BAD_INPUT)
        }
        None => report(format!("writing results failed: {e}")),
    })?;
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
    let ending = plan.shard.map_or(Ending::Run, Ending::Shard);
    let dir = finish(writer, s, &stats, &summary, ending, plan.format, plan.quiet)?;
    Ok((stats, Some(summary), plan.shard.is_none().then_some(dir)))
}

/// A file (not a directory) where the results go is reported before anything runs.
pub(super) fn refuse_file_at_target(plan: &RunPlan, dir_name: &str) -> Result<(), Reported> {
    let target = plan.out.join(dir_name);
    if let Ok(meta) = std::fs::metadata(&target)
        && !meta.is_dir()
    {
        eprintln!(
            "error: {} exists and is not a directory: the results cannot be published there; move it away \
             or choose another --out. Nothing was run",
            super::printable(&target.display().to_string())
        );
        return Err(Reported(BAD_INPUT));
    }
    Ok(())
}

/// A replication stopped at its event budget, carried through the run's I/O error type.
#[derive(Debug)]
struct Exceeded(crate::model::BudgetExceeded);

impl std::fmt::Display for Exceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Exceeded {}

/// Whether a run to precision can stop: enough replications and a 95 % interval of the metric at
/// most ± the wanted half-width. Returns that and the half-width reached.
fn precise_enough(p: &Precision, s: &crate::scenario::Plan, stats: &RunStats) -> (bool, Option<f64>) {
    let summary = Summary::new(s, stats);
    let half = match montecarlo::estimate(&p.expectation.metric, stats, &summary).map(|e| e.spread) {
        Some(Spread::Interval(lo, hi)) if hi.is_finite() => Some((hi - lo) / 2.0),
        _ => None,
    };
    let enough = stats.replications >= p.min_replications;
    (
        enough && half.is_some_and(|h| h <= p.expectation.threshold.value()),
        half,
    )
}
