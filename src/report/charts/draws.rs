//! The empirical CDF of a metric over the draws of a two-level run's uncertain parameters: how
//! the metric is spread by what is not known about the inputs, with the value the scenario
//! requires of it and the 5 %, 50 % and 95 % quantiles marked.

use super::ChartError;
use super::axis::{Axis, AxisUnit, Scale, format_duration, format_percent, format_value};
use super::frame;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::HPos;

/// The quantile markers' colour.
const MARKER: RGBColor = frame::PALETTE[1];

/// A metric's values at the draws of the uncertain parameters.
#[derive(Clone, Debug)]
pub struct DrawsCdfChart {
    /// Chart title.
    pub title: String,
    /// The metric, e.g. "P(achieved data plane RTO <= 48 h)"; ticks carry `unit`.
    pub x_label: String,
    /// How the metric's values are read.
    pub unit: AxisUnit,
    /// The metric at each draw, in any order; none draws "no draw has a value".
    pub values: Vec<f64>,
    /// A value the scenario asks of the metric, drawn as a vertical line labelled
    /// `"<name> <value>"`, e.g. ("required", 0.99) for a P(meet).
    pub reference: Option<(String, f64)>,
    /// Quantiles over the draws, marked on the curve.
    pub quantiles: Vec<DrawQuantile>,
}

/// A quantile over the draws, e.g. p05.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawQuantile {
    /// Its name, e.g. "p05".
    pub label: String,
    /// Its level as a fraction, e.g. 0.05.
    pub level: f64,
    /// The metric's value there.
    pub value: f64,
}

impl DrawsCdfChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        frame::finite("values over draws", self.values.iter().copied())?;
        frame::finite("reference", self.reference.iter().map(|r| r.1))?;
        frame::finite(
            "quantiles over draws",
            self.quantiles.iter().flat_map(|q| [q.level, q.value]),
        )
    }
}

/// A value in `unit` as people read it: percentages with the digits that differ.
fn readable(value: f64, unit: AxisUnit) -> String {
    match unit {
        AxisUnit::Percent => format_percent(value),
        AxisUnit::Duration => format_duration(value),
        AxisUnit::Number => format_value(value, unit),
    }
}

/// The points of the empirical CDF: each distinct value with the share of values at or below it.
pub(crate) fn ecdf(values: &[f64]) -> Vec<(f64, f64)> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len() as f64;
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (i, v) in sorted.iter().enumerate() {
        let share = (i + 1) as f64 / n;
        match out.last_mut() {
            Some(last) if last.0 == *v => last.1 = share,
            _ => out.push((*v, share)),
        }
    }
    out
}

pub(crate) fn draw<DB: DrawingBackend>(c: &DrawsCdfChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    if c.values.is_empty() {
        return frame::no_data(root, &c.title, "no draw has a value");
    }
    let xs = c
        .values
        .iter()
        .copied()
        .chain(c.reference.iter().map(|r| r.1))
        .chain(c.quantiles.iter().map(|q| q.value));
    let mut x = Axis::covering(xs, Scale::Linear, c.unit, false);
    // A share never exceeds 100 %: the axis stops just past it, with no tick above it (an
    // availability of 100 % at every draw would otherwise be framed by 99.9 % and 100.1 %).
    let top = c.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if c.unit == AxisUnit::Percent && top <= 1.0 && x.hi() > 1.0 {
        x = Axis::new(x.lo(), 1.0 + (1.0 - x.lo()) * 0.02, Scale::Linear, c.unit);
    }
    let placement = x.clone();
    let (x_lo, x_hi) = (x.lo(), x.hi());
    let y = Axis::new(0.0, 1.0, Scale::Linear, AxisUnit::Percent);
    let mut chart = frame::plot(root, &c.title, 80, x, y)?;
    frame::mesh(&mut chart, &c.x_label, "draws at or below (%)", None)?;

    let color = frame::series_color(0);
    let path = super::cdf::steps(&ecdf(&c.values), x_lo, x_hi);
    let path = frame::thin_path(path, |p| chart.backend_coord(p));
    chart.draw_series(LineSeries::new(path, color.stroke_width(2)))?;

    if let Some((name, value)) = &c.reference {
        frame::vline(
            &mut chart,
            *value,
            &format!("{name} {}", readable(*value, c.unit)),
            false,
        )?;
    }
    // Each quantile as a dot where the curve reaches its level, named beside it on the side with
    // more room: above the dot (below it near the top), clear of the reference line's label at
    // the bottom.
    for q in &c.quantiles {
        chart.draw_series(std::iter::once(Circle::new((q.value, q.level), 5, MARKER.filled())))?;
        let (dx, h) = if placement.fraction(q.value) > 0.6 {
            (-7, HPos::Right)
        } else {
            (7, HPos::Left)
        };
        let dy = if q.level > 0.9 { 6 } else { -22 };
        let label = format!("{} {}", q.label, readable(q.value, c.unit));
        let area = chart.plotting_area().strip_coord_spec();
        let style = frame::text(13).color(&MARKER);
        let boxed = frame::boxed_label(&area, &label, &style, (dx, dy), h)?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((q.value, q.level)) + boxed.frame + boxed.text,
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ecdf_counts_ties_once_at_their_highest_share() {
        assert_eq!(ecdf(&[0.9, 0.5, 0.9, 0.7]), [(0.5, 0.25), (0.7, 0.5), (0.9, 1.0)]);
        assert!(ecdf(&[]).is_empty());
    }
}
