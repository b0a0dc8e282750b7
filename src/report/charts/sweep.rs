//! A metric against a swept parameter, with intervals: one line per value of a second swept
//! parameter, or just one.

use super::ChartError;
use super::axis::{Axis, AxisUnit, Scale};
use super::frame;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A metric estimated at several values of a parameter.
#[derive(Clone, Debug)]
pub struct SweepChart {
    /// Chart title.
    pub title: String,
    /// The swept parameter, e.g. "replication lag"; ticks carry `x_unit`.
    pub x_label: String,
    /// How the parameter's values are read.
    pub x_unit: AxisUnit,
    /// How the parameter's values are spread, e.g. [`Scale::Log`] for 1 s … 1 d.
    pub x_scale: Scale,
    /// The metric, e.g. "P(meet RTO)"; ticks carry `y_unit`.
    pub y_label: String,
    /// How the metric's values are read.
    pub y_unit: AxisUnit,
    /// One line per value of the second parameter; none, or only empty ones, draws "no data".
    pub series: Vec<SweepSeries>,
    /// The metric's target (in `y_unit`'s values), drawn as a horizontal line.
    pub target: Option<f64>,
    /// What the target line is called, e.g. "target" or "required".
    pub target_name: String,
    /// A value of the parameter to mark with a vertical line, e.g. a solved boundary.
    pub marker: Option<Marker>,
}

/// A labelled vertical line at a value of the swept parameter.
#[derive(Clone, Debug)]
pub struct Marker {
    /// The parameter's value.
    pub x: f64,
    /// Its label, e.g. "boundary 33 min".
    pub label: String,
}

/// The metric along the sweep for one value of the second parameter.
#[derive(Clone, Debug)]
pub struct SweepSeries {
    /// Legend label, e.g. "3 zones"; the legend is drawn when any series has one.
    pub label: String,
    /// The estimates, drawn in order of `x`.
    pub points: Vec<SweepPoint>,
}

/// One estimate with its 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SweepPoint {
    /// The parameter's value.
    pub x: f64,
    /// Point estimate of the metric.
    pub estimate: f64,
    /// Lower bound of the interval.
    pub lo: f64,
    /// Upper bound of the interval.
    pub hi: f64,
}

impl SweepChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        for s in &self.series {
            let values = s.points.iter().flat_map(|p| [p.x, p.estimate, p.lo, p.hi]);
            frame::finite(&format!("sweep series '{}'", s.label), values)?;
        }
        frame::finite("sweep target", self.target)?;
        frame::finite("sweep marker", self.marker.as_ref().map(|m| m.x))
    }
}

pub(crate) fn draw<DB: DrawingBackend>(c: &SweepChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    if c.series.iter().all(|s| s.points.is_empty()) {
        return frame::no_data(root, &c.title, "no data");
    }
    let points = || c.series.iter().flat_map(|s| s.points.iter());
    let x = Axis::covering(
        points().map(|p| p.x).chain(c.marker.as_ref().map(|m| m.x)),
        c.x_scale,
        c.x_unit,
        false,
    );
    let ys = points().flat_map(|p| [p.estimate, p.lo, p.hi]).chain(c.target);
    let y = Axis::covering(ys, Scale::Linear, c.y_unit, false);
    // The legend keeps off the data and off the target line's label (at its right end).
    let target_label = c.target.map(|t| (x.hi(), t));
    let corner = frame::quiet_corner(
        &x,
        &y,
        points()
            .flat_map(|p| [(p.x, p.lo), (p.x, p.estimate), (p.x, p.hi)])
            .chain(std::iter::repeat_n(target_label, 8).flatten()),
    );
    let mut chart = frame::plot(root, &c.title, 80, x, y)?;
    let x_desc = if c.x_scale == Scale::Log {
        format!("{} (log scale)", c.x_label)
    } else {
        c.x_label.clone()
    };
    frame::mesh(&mut chart, &x_desc, &c.y_label, None)?;

    if let Some(target) = c.target {
        let name = if c.target_name.is_empty() {
            "target"
        } else {
            &c.target_name
        };
        frame::hline(&mut chart, target, &frame::reference_label(name, target, c.y_unit))?;
    }
    if let Some(m) = &c.marker {
        frame::vline(&mut chart, m.x, &m.label, false)?;
    }
    for (i, s) in c.series.iter().enumerate().filter(|(_, s)| !s.points.is_empty()) {
        let color = frame::series_color(i);
        let mut sorted = s.points.clone();
        sorted.sort_by(|a, b| a.x.total_cmp(&b.x));
        // The band joins the intervals so a reader sees where lines are told apart.
        let band: Vec<(f64, f64)> = sorted
            .iter()
            .map(|p| (p.x, p.hi))
            .chain(sorted.iter().rev().map(|p| (p.x, p.lo)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.15).filled())))?;
        chart.draw_series(
            sorted
                .iter()
                .map(|p| PathElement::new(vec![(p.x, p.lo), (p.x, p.hi)], color.stroke_width(2))),
        )?;
        let line = sorted.iter().map(|p| (p.x, p.estimate));
        let drawn = chart.draw_series(LineSeries::new(line, color.stroke_width(2)))?;
        if !s.label.is_empty() {
            drawn
                .label(s.label.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        chart.draw_series(sorted.iter().map(|p| Circle::new((p.x, p.estimate), 4, color.filled())))?;
    }
    if c.series.iter().any(|s| !s.label.is_empty() && !s.points.is_empty()) {
        frame::legend(&mut chart, corner)?;
    }
    Ok(())
}
