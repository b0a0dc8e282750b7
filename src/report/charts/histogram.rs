//! A histogram of a duration, with its target.

use super::ChartError;
use super::axis::{Axis, AxisUnit, Scale, format_duration};
use super::frame;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Counts of a duration in bins.
#[derive(Clone, Debug)]
pub struct HistogramChart {
    /// Chart title.
    pub title: String,
    /// What the durations are, e.g. "outage duration"; ticks carry the unit.
    pub x_label: String,
    /// The bins; none, or all empty, draws "no incidents".
    pub bins: Vec<HistogramBin>,
    /// The target duration in seconds, drawn as a vertical line.
    pub target_s: Option<f64>,
    /// [`Scale::Log`] suits log-spaced bins.
    pub scale: Scale,
}

/// One bin: `count` durations in `[lo_s, hi_s)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HistogramBin {
    /// Lower edge in seconds.
    pub lo_s: f64,
    /// Upper edge in seconds.
    pub hi_s: f64,
    /// How many durations fell in the bin.
    pub count: u64,
}

impl HistogramChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        frame::finite("histogram bins", self.bins.iter().flat_map(|b| [b.lo_s, b.hi_s]))?;
        frame::finite("histogram target", self.target_s)
    }
}

pub(crate) fn draw<DB: DrawingBackend>(c: &HistogramChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    if c.bins.iter().all(|b| b.count == 0) {
        return frame::no_data(root, &c.title, "no incidents");
    }
    let edges = c.bins.iter().flat_map(|b| [b.lo_s, b.hi_s]).chain(c.target_s);
    let x = Axis::covering(edges, c.scale, AxisUnit::Duration, c.scale == Scale::Linear);
    let max = c.bins.iter().map(|b| b.count).max().unwrap_or(0) as f64;
    let y = Axis::covering([0.0, max], Scale::Linear, AxisUnit::Number, true);
    let mut chart = frame::plot(root, &c.title, 70, x, y)?;
    let x_desc = if c.scale == Scale::Log {
        format!("{} (log scale)", c.x_label)
    } else {
        c.x_label.clone()
    };
    frame::mesh(&mut chart, &x_desc, "incidents (count)", None)?;

    let fill = frame::series_color(0);
    chart.draw_series(c.bins.iter().filter(|b| b.count > 0).map(|b| {
        Rectangle::new(
            [(b.lo_s.min(b.hi_s), 0.0), (b.lo_s.max(b.hi_s), b.count as f64)],
            fill.mix(0.75).filled(),
        )
    }))?;
    // Outlines keep adjacent bins apart and make zero-width bins visible as lines.
    chart.draw_series(c.bins.iter().filter(|b| b.count > 0).map(|b| {
        Rectangle::new(
            [(b.lo_s.min(b.hi_s), 0.0), (b.lo_s.max(b.hi_s), b.count as f64)],
            fill.stroke_width(1),
        )
    }))?;
    if let Some(target) = c.target_s {
        frame::vline(&mut chart, target, &format!("target {}", format_duration(target)), true)?;
    }
    Ok(())
}
