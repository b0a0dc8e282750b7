//! Studies built from many runs of a scenario: a grid sweep of fields (`sweep`), one-at-a-time
//! sensitivity of a metric to every quantity (`sensitivity`), the boundary of a target in one
//! parameter (`solve`), and a paired comparison of two scenarios on common random numbers
//! (`compare`).
//!
//! Every point of a study runs with the same seed, so mechanisms that keep their name draw the
//! same random numbers at every point (common random numbers): differences between points are
//! differences of the model, not of the dice.

mod charts;

pub(crate) use charts::{solve_charts, sweep_charts, tornado_charts};
pub mod compare;
pub mod diff;
pub mod sensitivity;
pub mod solve;
pub mod sweep;

use crate::model::Plane;
use crate::model::Scenario;
use crate::model::metric::Metric;
use crate::montecarlo::Estimate;
use crate::montecarlo::Summary;
use crate::montecarlo::{RunOptions, RunStats, Runner};
use crate::scenario::{Override, ScenarioError, resolve_metric};

/// How every run of a study is made.
#[derive(Clone, Debug, Default)]
pub struct StudyOptions {
    /// Override the scenario's replications at every point.
    pub replications: Option<u64>,
    /// Override the scenario's seed at every point.
    pub seed: Option<u64>,
    /// Worker threads (of the one [`Runner`] every run of the study shares).
    pub threads: Option<usize>,
    /// Per-replication budgets of every run.
    pub budget: Budget,
}

/// What one replication of a study's run may use (`--max-events`, `--max-incidents`, as for
/// `run`): the first replication that reaches a budget stops the study ([`StudyError::Budget`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Events a replication may deliver (the zone-level model's and the clients' together).
    pub max_events: u64,
    /// Incidents a replication may record.
    pub max_incidents: u64,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_events: crate::model::DEFAULT_MAX_EVENTS,
            max_incidents: crate::model::DEFAULT_MAX_INCIDENTS,
        }
    }
}

impl StudyOptions {
    /// The overrides every run of the study gets.
    pub fn overrides(&self) -> Vec<Override> {
        let mut out = Vec::new();
        out.extend(self.replications.map(Override::replications));
        out.extend(self.seed.map(Override::seed));
        out
    }
}

/// Why a study cannot run: a scenario (or one of its points) is invalid, or an option is.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// The scenario, or the scenario at a point of the study, is invalid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A command-line option of the study is invalid.
    #[error("{option}: {message}")]
    Option {
        /// The option as written, e.g. `--metric data_plane.rto.p99`.
        option: String,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A run of the study stopped at a per-replication budget: its statistics would be of
    /// replications cut short, so the study stops there and writes nothing.
    #[error("{run}: {exceeded}. The study stopped there and wrote nothing")]
    Budget {
        /// The run: its scenario and the overrides of the study's point.
        run: String,
        /// What ran out, in which replication.
        exceeded: crate::model::BudgetExceeded,
    },
}

impl StudyError {
    /// An error about `option`.
    pub fn option(option: impl Into<String>, message: impl Into<String>) -> StudyError {
        StudyError::Option {
            option: option.into(),
            message: message.into(),
        }
    }
}

/// Runs a scenario for its statistics only (no rows, nothing written); a replication stopped at
/// its budget stops the run and is an error ([`StudyError::Budget`]).
pub fn run_statistics(
    s: &crate::scenario::Plan,
    runner: &Runner,
    budget: Budget,
) -> Result<(RunStats, Summary), StudyError> {
    let Ok(stats) = runner.run(s, &budgeted(RunOptions::default(), budget), |_| {
        Ok::<(), std::convert::Infallible>(())
    });
    within_budget(s, &stats)?;
    let summary = Summary::new(s, &stats);
    Ok((stats, summary))
}

/// `options` with the per-replication budgets made binding: the first replication that reaches
/// one stops the run, and [`within_budget`] reports it.
pub(crate) fn budgeted(options: RunOptions, budget: Budget) -> RunOptions {
    RunOptions {
        max_events: Some(budget.max_events),
        max_incidents: Some(budget.max_incidents),
        ..options
    }
}

/// An error when a replication of the run of `s` stopped at its budget.
pub(crate) fn within_budget(s: &crate::scenario::Plan, stats: &RunStats) -> Result<(), StudyError> {
    match &stats.exceeded {
        None => Ok(()),
        Some(e) => Err(StudyError::Budget {
            run: run_name(s),
            exceeded: e.clone(),
        }),
    }
}

/// A study's run in messages: the scenario and its point's overrides.
pub(crate) fn run_name(s: &crate::scenario::Plan) -> String {
    let applied = s.applied();
    if applied.is_empty() {
        format!("scenario {}", s.name)
    } else {
        format!("scenario {} ({})", s.name, applied.join(" "))
    }
}

/// A metric of a study: its path, what it names, and how charts name it.
#[derive(Clone, Debug)]
pub struct StudyMetric {
    /// As in `[expect]`, e.g. `region_disasters.data_plane.p_meet_rto`.
    pub path: String,
    /// What the path names.
    pub metric: Metric,
    /// In words, from the metric catalogue with the scenario's target written in, e.g.
    /// `P(achieved RPO <= 10 min) per regional disaster, control plane`.
    pub label: String,
    /// Short enough for an axis, e.g. `P(achieved RPO <= 10 min)`, `availability of data plane`.
    pub short: String,
    /// The value the scenario requires of it, when it has one: the required probability of a
    /// P(meet), the target of an RTO or RPO statistic (seconds). Charts draw it as a line.
    pub reference: Option<Reference>,
}

/// A line a chart draws across a metric's axis.
#[derive(Clone, Debug, PartialEq)]
pub struct Reference {
    /// In the metric's unit (seconds for durations).
    pub value: f64,
    /// What it is: `target` or `required`.
    pub name: &'static str,
}

impl StudyMetric {
    /// Resolves a path against a scenario; an error names the `--metric` option.
    pub fn resolve(path: &str, s: &Scenario) -> Result<StudyMetric, StudyError> {
        let features: Vec<(String, Plane)> = s.features.iter().map(|f| (f.name.clone(), f.plane)).collect();
        let metric = resolve_metric(path, &features, s.clients.is_some())
            .map_err(|e| StudyError::option(format!("--metric {path}"), e))?;
        let meaning = crate::model::metric::catalogue_of(s)
            .into_iter()
            .find(|d| d.metric == metric)
            .map_or_else(|| path.to_string(), |d| d.meaning);
        let label = words(&meaning, &metric, s);
        Ok(StudyMetric {
            path: path.to_string(),
            short: short(path, &label),
            label,
            reference: reference(&metric, s),
            metric,
        })
    }

    /// Its estimate in a finished run.
    pub fn estimate(&self, stats: &RunStats, summary: &Summary) -> Option<Estimate> {
        crate::montecarlo::estimate(&self.metric, stats, summary)
    }
}

/// A catalogue meaning as a chart label: the part before a colon or a closing remark in
/// parentheses, the target written in (`<= target` becomes `<= 10 min`), a capital first.
fn words(meaning: &str, metric: &Metric, s: &Scenario) -> String {
    use crate::model::metric::{Objective, ObjectiveFigure};
    let mut text = meaning.split(':').next().unwrap_or(meaning).trim().to_string();
    if text.ends_with(')')
        && let Some(open) = text.rfind(" (")
    {
        text.truncate(open);
    }
    let target = match *metric {
        Metric::PMeet(p, o) | Metric::DisasterPMeet(p, o) | Metric::Objective(p, o, _, ObjectiveFigure::PMeet) => {
            Some(match o {
                Objective::Rto => s.targets[p.index()].rto,
                Objective::Rpo => s.targets[p.index()].rpo,
            })
        }
        _ => None,
    };
    if let Some(t) = target {
        text = text.replace("<= target", &format!("<= {}", crate::engine::duration::human(t)));
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

/// An axis label: availability by what is up; otherwise the words before the first qualifier
/// (` per `, `, `, ` through `) when that leaves enough to read.
fn short(path: &str, label: &str) -> String {
    if let Some(rest) = path.strip_prefix("availability.") {
        return format!("availability of {}", rest.trim_matches('"').replace('_', " "));
    }
    let cut = [" per ", ", ", " through ", " in the "]
        .iter()
        .filter_map(|q| label.find(q))
        .filter(|&i| i >= 10)
        .min()
        .unwrap_or(label.len());
    label[..cut].to_string()
}

/// What the scenario requires of a metric, if anything: the required probability of a P(meet),
/// the target of a statistic of an achieved RTO or RPO.
fn reference(metric: &Metric, s: &Scenario) -> Option<Reference> {
    use crate::model::metric::{Distribution, Objective, ObjectiveFigure, Stat};
    let t = |p: Plane| &s.targets[p.index()];
    match *metric {
        Metric::PMeet(p, o) | Metric::DisasterPMeet(p, o) | Metric::Objective(p, o, _, ObjectiveFigure::PMeet) => {
            Some(Reference {
                value: match o {
                    Objective::Rto => t(p).rto_probability,
                    Objective::Rpo => t(p).rpo_probability,
                },
                name: "required",
            })
        }
        Metric::Duration(d, stat) if stat != Stat::Min => {
            let target = match d {
                Distribution::Rto(p) | Distribution::DisasterRto(p) => t(p).rto,
                Distribution::Rpo(p) | Distribution::DisasterRpo(p) => t(p).rpo,
                _ => return None,
            };
            Some(Reference {
                value: target.as_secs_f64(),
                name: "target",
            })
        }
        _ => None,
    }
}

/// The metrics a study reports when none are named: availability and P(meet) per plane, and the
/// regional-disaster and client metrics when the scenario has them.
pub fn default_metrics(s: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in Plane::ALL {
        out.push(format!("availability.{}", p.key()));
    }
    for p in Plane::ALL {
        out.push(format!("zone_incidents.{}.p_meet_rto", p.key()));
        out.push(format!("zone_incidents.{}.p_meet_rpo", p.key()));
    }
    if s.has_region_disasters() {
        for p in Plane::ALL {
            out.push(format!("region_disasters.{}.p_meet_rto", p.key()));
            out.push(format!("region_disasters.{}.p_meet_rpo", p.key()));
        }
        out.push("region_disasters.data_plane.rto.p95".into());
    }
    if s.clients.is_some() {
        out.push("clients.user_visible_failures".into());
        out.push("clients.retry_amplification".into());
    }
    out
}

/// An estimate as CSV cells `value, lo, hi` (empty when absent; seconds for durations).
pub fn estimate_cells(e: Option<&Estimate>) -> [String; 3] {
    use crate::montecarlo::Spread;
    match e {
        None => [String::new(), String::new(), String::new()],
        Some(e) => {
            let (lo, hi) = match e.spread {
                Spread::Interval(lo, hi) => (
                    lo.to_string(),
                    if hi.is_finite() { hi.to_string() } else { "inf".into() },
                ),
                _ => (String::new(), String::new()),
            };
            [e.value.to_string(), lo, hi]
        }
    }
}

/// Writes a row of a study's CSV, every cell through [`crate::report::csv_cell`]: a value or
/// name that a spreadsheet would read as a formula gets a leading `'` (numbers excepted).
fn write_row<W: std::io::Write>(w: &mut csv::Writer<W>, row: impl IntoIterator<Item = impl AsRef<[u8]>>) {
    let cells: Vec<_> = row.into_iter().collect();
    w.write_record(cells.iter().map(|c| crate::report::csv_cell(c.as_ref())))
        .expect("in-memory CSV");
}
