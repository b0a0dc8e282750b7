//! `sweep`: the scenario run at every point of a grid of field values.

use super::{StudyError, StudyMetric, StudyOptions, estimate_cells, run_statistics};
use crate::montecarlo::Estimate;
use crate::montecarlo::Runner;
use crate::scenario::{self, Override, show};

/// One swept field and its values.
#[derive(Clone, Debug)]
pub struct Axis {
    /// Field path, e.g. `failures[3].time_to_failure`.
    pub path: String,
    /// Values, in the order given.
    pub values: Vec<toml::Value>,
}

/// One point of the grid and its results.
#[derive(Clone, Debug)]
pub struct Point {
    /// Index of each axis's value.
    pub at: Vec<usize>,
    /// Replications run.
    pub replications: u64,
    /// Per metric, in the sweep's order.
    pub estimates: Vec<Option<Estimate>>,
}

/// A planned sweep: every grid point's scenario, validated before anything runs.
pub struct Plan {
    /// The swept fields, in the order of `--set` (the last varies fastest).
    pub axes: Vec<Axis>,
    /// The metrics reported at every point.
    pub metrics: Vec<StudyMetric>,
    /// Grid points (axis value indices) with their scenarios, the last axis varying fastest.
    pub points: Vec<(Vec<usize>, scenario::Plan)>,
    /// The axis the charts draw along (`--x`; default the first).
    pub x: usize,
    /// Per-replication budgets of every run.
    pub budget: super::Budget,
}

/// A finished sweep.
pub struct Sweep {
    /// Scenario name.
    pub scenario: String,
    /// The swept fields, in the order of `--set` (the last varies fastest).
    pub axes: Vec<Axis>,
    /// The metrics reported at every point.
    pub metrics: Vec<StudyMetric>,
    /// The points, in grid order.
    pub points: Vec<Point>,
    /// The axis the charts draw along.
    pub x: usize,
}

impl Plan {
    /// Builds and validates every point. `metrics` empty means the defaults; `x` names the axis
    /// the charts draw along (one of the axes' paths; default the first).
    pub fn new(
        source: &scenario::Plan,
        axes: Vec<Axis>,
        metrics: &[String],
        x: Option<&str>,
        options: &StudyOptions,
    ) -> Result<Plan, StudyError> {
        if axes.is_empty() {
            return Err(StudyError::option("--set", "give at least one --set path=v1,v2,..."));
        }
        let x = match x {
            None => 0,
            Some(want) => {
                // The same field may be named by index or by name.
                let resolve =
                    |p: &str| scenario::resolve_selectors(source.source(), p).unwrap_or_else(|_| p.to_string());
                let target = resolve(want);
                axes.iter().position(|a| resolve(&a.path) == target).ok_or_else(|| {
                    let paths: Vec<&str> = axes.iter().map(|a| a.path.as_str()).collect();
                    StudyError::option(
                        format!("--x {want}"),
                        format!("not a swept field; the swept fields are: {}", paths.join(", ")),
                    )
                })?
            }
        };
        // The grid's size, before it is built.
        let size = axes.iter().try_fold(1usize, |n, a| n.checked_mul(a.values.len()));
        let max = scenario::MAX_VALUES;
        if size.is_none_or(|n| n > max) {
            let sizes: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
            return Err(StudyError::option(
                "--set",
                format!(
                    "the grid has {} points ({}); at most {max} are allowed",
                    size.map_or_else(|| "too many".to_string(), |n| n.to_string()),
                    sizes.join(" × ")
                ),
            ));
        }
        let mut grid: Vec<Vec<usize>> = vec![Vec::new()];
        for axis in &axes {
            grid = grid
                .into_iter()
                .flat_map(|prefix| {
                    (0..axis.values.len()).map(move |i| {
                        let mut p = prefix.clone();
                        p.push(i);
                        p
                    })
                })
                .collect();
        }
        let mut points = Vec::with_capacity(grid.len());
        for at in grid {
            let mut overrides: Vec<Override> = axes
                .iter()
                .zip(&at)
                .map(|(a, &i)| Override::set(a.path.clone(), a.values[i].clone()))
                .collect();
            overrides.extend(options.overrides());
            points.push((at, source.with(&overrides)?));
        }
        let first = &points[0].1;
        let names = if metrics.is_empty() {
            super::default_metrics(first)
        } else {
            metrics.to_vec()
        };
        let metrics = names
            .iter()
            .map(|m| StudyMetric::resolve(m, first))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Plan {
            axes,
            metrics,
            points,
            x,
            budget: options.budget,
        })
    }

    /// Runs every point, calling `progress(done, total)` after each.
    /// A run stopped at a per-replication budget stops the sweep ([`StudyError::Budget`]).
    pub fn run(self, runner: &Runner, mut progress: impl FnMut(usize, usize)) -> Result<Sweep, StudyError> {
        let total = self.points.len();
        let scenario = self.points[0].1.name.clone();
        let mut points = Vec::with_capacity(total);
        for (k, (at, s)) in self.points.into_iter().enumerate() {
            let (stats, summary) = run_statistics(&s, runner, self.budget)?;
            points.push(Point {
                at,
                replications: stats.replications,
                estimates: self.metrics.iter().map(|m| m.estimate(&stats, &summary)).collect(),
            });
            progress(k + 1, total);
        }
        Ok(Sweep {
            scenario,
            axes: self.axes,
            metrics: self.metrics,
            points,
            x: self.x,
        })
    }
}

impl Sweep {
    /// `sweep.csv`: one row per point — the swept values, the replications, and per metric its
    /// estimate and 95 % interval (`<metric>`, `<metric>.lo`, `<metric>.hi`; seconds for
    /// durations; empty without data).
    pub fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header: Vec<String> = self.axes.iter().map(|a| a.path.clone()).collect();
        header.push("replications".into());
        for m in &self.metrics {
            header.extend([m.path.clone(), format!("{}.lo", m.path), format!("{}.hi", m.path)]);
        }
        super::write_row(&mut w, &header);
        for p in &self.points {
            let mut row: Vec<String> = self.axes.iter().zip(&p.at).map(|(a, &i)| show(&a.values[i])).collect();
            row.push(p.replications.to_string());
            for e in &p.estimates {
                row.extend(estimate_cells(e.as_ref()));
            }
            super::write_row(&mut w, &row);
        }
        w.into_inner().expect("in-memory CSV")
    }
}
