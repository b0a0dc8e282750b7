//! Time series through an event, e.g. retry amplification across a failover, with the event's
//! intervals shaded.

use super::ChartError;
use super::axis::{Axis, AxisUnit, Scale};
use super::frame;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Values over time.
#[derive(Clone, Debug)]
pub struct SeriesChart {
    /// Chart title.
    pub title: String,
    /// What time counts from, e.g. "time since the zone failed".
    pub x_label: String,
    /// What the values are, with their unit, e.g. "attempts per request" or "requests/s".
    pub y_label: String,
    /// How values are labelled on the y axis.
    pub y_unit: AxisUnit,
    /// The lines; none, or only empty ones, draws "no data".
    pub series: Vec<Series>,
    /// Intervals to shade behind the lines, e.g. the failover window.
    pub shaded: Vec<ShadedInterval>,
}

/// One line.
#[derive(Clone, Debug)]
pub struct Series {
    /// Legend label; the legend is drawn when any series has one.
    pub label: String,
    /// `(time in seconds, value)`, drawn in time order.
    pub points: Vec<(f64, f64)>,
}

/// A labelled stretch of time, shaded across the plot.
#[derive(Clone, Debug)]
pub struct ShadedInterval {
    /// Start in seconds (same origin as the points).
    pub start_s: f64,
    /// End in seconds.
    pub end_s: f64,
    /// Text at the top of the shading, e.g. "failover".
    pub label: String,
}

impl SeriesChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        for s in &self.series {
            frame::finite(
                &format!("series '{}'", s.label),
                s.points.iter().flat_map(|&(t, v)| [t, v]),
            )?;
        }
        frame::finite(
            "shaded intervals",
            self.shaded.iter().flat_map(|s| [s.start_s, s.end_s]),
        )
    }
}

pub(crate) fn draw<DB: DrawingBackend>(c: &SeriesChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    if c.series.iter().all(|s| s.points.is_empty()) {
        return frame::no_data(root, &c.title, "no data");
    }
    let points = || c.series.iter().flat_map(|s| s.points.iter().copied());
    let times = points()
        .map(|p| p.0)
        .chain(c.shaded.iter().flat_map(|s| [s.start_s, s.end_s]));
    let x = Axis::covering(times, Scale::Linear, AxisUnit::Duration, false);
    // Zero stays in view when the values sit near it, so a rise from 1 to 1.2 is not exaggerated.
    let (lo, hi) = points().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    let from_zero = lo >= 0.0 && lo <= 0.5 * hi;
    let y = Axis::covering([lo, hi], Scale::Linear, c.y_unit, from_zero);
    let corner = frame::quiet_corner(&x, &y, points());
    let mut chart = frame::plot(root, &c.title, 80, x, y)?;
    frame::mesh(&mut chart, &c.x_label, &c.y_label, None)?;

    let (y_lo, y_hi) = (chart.y_range().start, chart.y_range().end);
    for interval in &c.shaded {
        let (a, b) = (
            interval.start_s.min(interval.end_s),
            interval.start_s.max(interval.end_s),
        );
        chart.draw_series(std::iter::once(Rectangle::new(
            [(a, y_lo), (b, y_hi)],
            BLACK.mix(0.08).filled(),
        )))?;
        let label = EmptyElement::at((a, y_hi))
            + Text::new(
                interval.label.clone(),
                (4, 4),
                frame::text(13).pos(Pos::new(HPos::Left, VPos::Top)),
            );
        chart.draw_series(std::iter::once(label))?;
    }
    for (i, s) in c.series.iter().enumerate().filter(|(_, s)| !s.points.is_empty()) {
        let color = frame::series_color(i);
        let mut sorted = s.points.clone();
        sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
        let single = sorted.len() == 1;
        let path = frame::thin_path(sorted.clone(), |p| chart.backend_coord(p));
        let drawn = chart.draw_series(LineSeries::new(path, color.stroke_width(2)))?;
        if !s.label.is_empty() {
            drawn
                .label(s.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        if single {
            // A line through one point draws nothing: mark it.
            chart.draw_series(sorted.into_iter().map(|p| Circle::new(p, 4, color.filled())))?;
        }
    }
    if c.series.iter().any(|s| !s.label.is_empty() && !s.points.is_empty()) {
        frame::legend(&mut chart, corner)?;
    }
    Ok(())
}
