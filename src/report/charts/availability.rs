//! Availability per feature or plane, drawn as downtime per year on a log axis: 99.99 % and
//! 99.999 % look alike as percentages but are 53 min and 5 min a year.

use super::ChartError;
use super::axis::{Axis, AxisUnit, CategoryAxis, Scale, format_percent};
use super::frame;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Seconds in the year the downtime is expressed over (365.25 days).
pub const YEAR_S: f64 = 365.25 * 86_400.0;

/// Availability estimates with their intervals, one row each.
#[derive(Clone, Debug)]
pub struct AvailabilityChart {
    /// Chart title.
    pub title: String,
    /// What a row is, e.g. "feature" or "plane".
    pub row_label: String,
    /// Rows, drawn top to bottom in this order; none draws "no data".
    pub items: Vec<AvailabilityItem>,
}

/// One availability estimate with its 95 % interval, as fractions (0.99987).
#[derive(Clone, Debug)]
pub struct AvailabilityItem {
    /// Row label.
    pub label: String,
    /// Point estimate.
    pub estimate: f64,
    /// Lower bound of the interval.
    pub lo: f64,
    /// Upper bound of the interval.
    pub hi: f64,
}

impl AvailabilityChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        for item in &self.items {
            frame::finite(
                &format!("availability '{}'", item.label),
                [item.estimate, item.lo, item.hi],
            )?;
        }
        Ok(())
    }
}

/// Expected downtime per year, in seconds, of an availability fraction.
fn downtime(availability: f64) -> f64 {
    (1.0 - availability).max(0.0) * YEAR_S
}

pub(crate) fn draw<DB: DrawingBackend>(c: &AvailabilityChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    if c.items.is_empty() {
        return frame::no_data(root, &c.title, "no data");
    }
    let downtimes: Vec<f64> = c
        .items
        .iter()
        .flat_map(|i| [i.estimate, i.lo, i.hi])
        .map(downtime)
        .collect();
    let x = if downtimes.iter().any(|&d| d > 0.0) {
        Axis::covering(downtimes, Scale::Log, AxisUnit::Duration, false)
    } else {
        // No downtime anywhere: a minute to a day frames the points at the left edge.
        Axis::new(60.0, 86_400.0, Scale::Log, AxisUnit::Duration)
    };
    let placement = x.clone();
    let labels: Vec<String> = c.items.iter().map(|i| i.label.clone()).collect();
    let y_width = frame::label_width(root, &labels, true);
    let mut chart = frame::plot(root, &c.title, y_width, x, CategoryAxis::new(labels))?;
    let x_desc = "expected downtime per year (log scale; left is better)";
    frame::mesh(&mut chart, x_desc, &c.row_label, Some(c.items.len()))?;

    for (row, item) in c.items.iter().enumerate() {
        let y = row as f64;
        let color = frame::series_color(0);
        // Higher availability is less downtime: the interval's `hi` is the bar's left end.
        let (left, right, mid) = (downtime(item.hi), downtime(item.lo), downtime(item.estimate));
        let bar = color.stroke_width(2);
        chart.draw_series([
            PathElement::new(vec![(left, y), (right, y)], bar),
            PathElement::new(vec![(left, y - 0.15), (left, y + 0.15)], bar),
            PathElement::new(vec![(right, y - 0.15), (right, y + 0.15)], bar),
        ])?;
        chart.draw_series(std::iter::once(Circle::new((mid, y), 5, color.filled())))?;
        let caption = format!(
            "{} [{}, {}]",
            format_percent(item.estimate),
            format_percent(item.lo),
            format_percent(item.hi)
        );
        // Centred over the point, unless that would run off the plot's side.
        let (dx, h) = match placement.fraction(mid) {
            f if f < 0.15 => (-6, HPos::Left),
            f if f > 0.85 => (6, HPos::Right),
            _ => (0, HPos::Center),
        };
        let at =
            EmptyElement::at((mid, y)) + Text::new(caption, (dx, -14), frame::text(12).pos(Pos::new(h, VPos::Bottom)));
        chart.draw_series(std::iter::once(at))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downtime_reads_availability_per_year() {
        assert!((downtime(0.9999) - 0.0001 * YEAR_S).abs() < 1e-6);
        assert_eq!(downtime(1.0), 0.0);
        assert_eq!(
            downtime(1.2),
            0.0,
            "an interval bound above 1 is no downtime, not negative"
        );
    }
}
