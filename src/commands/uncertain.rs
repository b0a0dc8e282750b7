//! `run` and `check` of a scenario with `[uncertainty]`: two-level Monte Carlo. The draws run one
//! after another, each on every worker thread; the results directory gets the pooled summary with
//! its `uncertainty` section and `draws.csv` (no per-replication rows: they would be the draws'
//! replications over again).

use super::finish::{Ending, finish};
use super::progress::{Progress, Unit};
use super::{BAD_INPUT, Reported};
use crate::cli::RunPlan;
use crate::montecarlo::uncertainty::{Design, DrawsPart, UncertainRun, run_uncertain, summarize};
use crate::montecarlo::{Partial, RunOptions, RunStats, Runner, Shard, Summary};
use crate::results::{Finished, ResultsWriter};
use std::path::PathBuf;

/// Runs a two-level plan, writes its results and prints the summary (see `run::execute`).
pub(super) fn execute(plan: &RunPlan) -> Result<(RunStats, Option<Summary>, Option<PathBuf>), Reported> {
    let s = &plan.scenario;
    let u = s.uncertainty().expect("called for plans with [uncertainty]");
    let refuse = |option: &str, why: &str| {
        eprintln!("error: {option}: {why}");
        Reported(BAD_INPUT)
    };
    if plan.resume {
        return Err(refuse(
            "--resume",
            "a two-level run (a scenario with [uncertainty]) keeps no checkpoints, so there is nothing to resume; \
             run it again without --resume",
        ));
    }
    if plan.precision.is_some() {
        return Err(refuse(
            "--precision",
            "stops one run when a metric's Monte Carlo interval is narrow enough; in a two-level run the \
             spread over draws is the parameters' uncertainty, which more replications do not narrow. The \
             intervals of the quantiles over draws (`quantile_ci95`) narrow with more draws: raise --draws \
             (their width goes as 1/sqrt(draws)), and check `inner_mc_share` to see whether the draws need \
             more replications",
        ));
    }
    let design = Design::new(s, u.draws).expect("a plan with [uncertainty] has a design");
    let shard = plan.shard.unwrap_or(Shard { index: 0, count: 1 });
    if shard.count > design.len() {
        return Err(refuse(
            &format!("--shard {shard}"),
            &format!(
                "a two-level run is split by parameter sets, and this one has {}; use at most that many shards",
                design.len()
            ),
        ));
    }
    let dir_name = match plan.shard {
        Some(k) => format!("{}.shard-{}-of-{}", s.name, k.index, k.count),
        None => s.name.clone(),
    };
    super::run::refuse_file_at_target(plan, &dir_name)?;
    let key = Partial::new(s, shard, RunStats::new(s)).run_key();
    let writer = ResultsWriter::create_named(&plan.out, &dir_name, s, false, &key).map_err(|e| {
        super::say(
            "error",
            format!("cannot create results under {}: {e}", plan.out.display()),
        );
        Reported(super::FAILED)
    })?;
    let range = shard.range(design.len());
    let total = (range.end - range.start).saturating_mul(s.replications);
    let progress = Progress::start(Unit::Replications, total, 0, plan.quiet);
    let options = RunOptions {
        keep_outcomes: false,
        shard: None,
        progress: progress.counter(),
        max_events: Some(plan.max_events),
        max_incidents: Some(plan.max_incidents),
    };
    let run = run_uncertain(s, &design, range, &Runner::new(plan.threads), &options, |_| {});
    progress.finish();
    let run = run.map_err(|e| {
        let origin = plan
            .origin
            .as_deref()
            .map_or_else(|| s.name.clone(), |p| p.display().to_string());
        super::say("error", format!("{origin}: {e}; nothing was written"));
        Reported(BAD_INPUT)
    })?;
    if let Some(k) = plan.shard {
        // A shard's partial result: the pooled statistics of its draws and its points.
        let mut partial = Partial::new(s, k, run.pooled.clone());
        partial.draws = Some(DrawsPart {
            points: design.len(),
            evaluations: run.evaluations,
        });
        let dir = writer.finish(s, Finished::Shard(&partial.sealed())).map_err(|e| {
            super::say("error", format!("writing results failed: {e}"));
            Reported(super::FAILED)
        })?;
        if !plan.quiet && plan.format == crate::cli::OutputFormat::Table {
            println!(
                "Shard {k}: {} parameter sets x {} replications; partial results: {}",
                range_len(&shard, &design),
                s.replications,
                super::printable(&dir.display().to_string())
            );
        }
        // A shard of only B or AB points pools no replication, and has no summary.
        let summary = (run.pooled.replications > 0).then(|| Summary::new(s, &run.pooled));
        return Ok((run.pooled, summary, None));
    }
    let summary = summarize(s, &design, &run);
    publish(writer, s, &design, &run, &summary, plan.format, plan.quiet, Ending::Run)
        .map(|dir| (run.pooled.clone(), Some(summary), Some(dir)))
}

fn range_len(shard: &Shard, design: &Design) -> u64 {
    let r = shard.range(design.len());
    r.end - r.start
}

/// Writes `draws.csv` beside the summary, publishes the results and prints the summary (a whole
/// run, or shards merged).
#[allow(clippy::too_many_arguments)]
pub(super) fn publish(
    writer: ResultsWriter,
    s: &crate::scenario::Plan,
    design: &Design,
    run: &UncertainRun,
    summary: &Summary,
    format: crate::cli::OutputFormat,
    quiet: bool,
    ending: Ending,
) -> Result<PathBuf, Reported> {
    let columns = draws_columns(s);
    if let Err(e) = writer.write_file("draws.csv", &crate::report::draws_csv(s, design, run, &columns)) {
        super::say("error", format!("writing results failed: {e}"));
        return Err(Reported(super::FAILED));
    }
    finish(writer, s, &run.pooled, summary, ending, format, quiet)
}

/// The metrics `draws.csv` has a column for: those a study reports by default, P(meet) of every
/// plane over all its incidents (the report draws their CDF over the draws), those the scenario
/// computes Sobol indices for, and those its `[expect]` judges over the draws.
fn draws_columns(s: &crate::scenario::Plan) -> Vec<String> {
    let mut out = crate::study::default_metrics(s);
    let mut add = |p: &str| {
        if !out.iter().any(|o| o == p) {
            out.push(p.to_string());
        }
    };
    // P(meet) over all incidents: key metrics, whose CDF over the draws the report draws.
    for plane in crate::model::Plane::ALL {
        for objective in ["rto", "rpo"] {
            add(&format!("objectives.{}.{objective}.all.p_meet", plane.key()));
        }
    }
    if let Some(u) = s.uncertainty() {
        u.sobol.iter().for_each(|p| add(p));
    }
    for e in &s.expectations {
        if let Some((metric, _)) = crate::model::metric::DrawStat::split(&e.path) {
            add(metric);
        }
    }
    out
}
