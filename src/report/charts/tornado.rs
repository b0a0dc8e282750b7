//! One-at-a-time sensitivity: how far a metric moves from its base value when each parameter
//! goes to its low and its high value, largest effect on top.

use super::ChartError;
use super::axis::{Axis, AxisUnit, CategoryAxis, Scale};
use super::frame;
use plotters::chart::SeriesLabelPosition;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The metric's sensitivity to each parameter.
#[derive(Clone, Debug)]
pub struct TornadoChart {
    /// Chart title.
    pub title: String,
    /// The metric, e.g. "availability of checkout"; ticks carry `unit`.
    pub metric_label: String,
    /// How the metric's values are read.
    pub unit: AxisUnit,
    /// The metric with every parameter at its base value.
    pub base: f64,
    /// One bar per parameter, in any order: drawn sorted by effect; none draws "no data".
    pub bars: Vec<TornadoBar>,
    /// A line under the chart, e.g. which parameters were left out as within the noise.
    pub note: Option<String>,
}

/// The metric with one parameter at its low and at its high value.
#[derive(Clone, Debug)]
pub struct TornadoBar {
    /// The parameter, e.g. "zone MTBF".
    pub parameter: String,
    /// The low value as text, e.g. "30 d".
    pub low_label: String,
    /// The high value as text, e.g. "1 y".
    pub high_label: String,
    /// The metric with the parameter at its low value.
    pub at_low: f64,
    /// The metric with the parameter at its high value.
    pub at_high: f64,
}

impl TornadoBar {
    fn effect(&self) -> f64 {
        (self.at_high - self.at_low).abs()
    }
}

impl TornadoChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        frame::finite("tornado base", [self.base])?;
        for b in &self.bars {
            frame::finite(&format!("tornado bar '{}'", b.parameter), [b.at_low, b.at_high])?;
        }
        Ok(())
    }

    /// Bars, largest effect first (ties keep the given order).
    fn sorted(&self) -> Vec<&TornadoBar> {
        let mut bars: Vec<&TornadoBar> = self.bars.iter().collect();
        bars.sort_by(|a, b| b.effect().total_cmp(&a.effect()));
        bars
    }
}

const LOW: RGBColor = RGBColor(0, 114, 178);
const HIGH: RGBColor = RGBColor(230, 159, 0);

pub(crate) fn draw<DB: DrawingBackend>(c: &TornadoChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let root = frame::with_note(root, c.note.as_deref())?;
    let root = &root;
    if c.bars.is_empty() {
        return frame::no_data(root, &c.title, "no data");
    }
    let bars = c.sorted();
    let values: Vec<f64> = bars
        .iter()
        .flat_map(|b| [b.at_low, b.at_high])
        .chain([c.base])
        .collect();
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
        (lo.min(v), hi.max(v))
    });
    // Room on both sides for the value labels at the bar ends.
    let pad = (hi - lo) * 0.35;
    let x = Axis::new(lo - pad, hi + pad, Scale::Linear, c.unit);
    // Row 0 is left empty: it holds the base line's label and the legend above the bars.
    let labels: Vec<String> = std::iter::once(String::new())
        .chain(bars.iter().map(|b| b.parameter.clone()))
        .collect();
    let y_width = frame::label_width(root, &labels, true);
    let mut chart = frame::plot(root, &c.title, y_width, x, CategoryAxis::new(labels))?;
    frame::mesh(&mut chart, &c.metric_label, "parameter", Some(bars.len() + 1))?;

    for (i, bar) in bars.iter().enumerate() {
        let y = (i + 1) as f64;
        let rect = |end: f64, color: RGBColor| Rectangle::new([(c.base, y - 0.3), (end, y + 0.3)], color.filled());
        let (low, high) = (rect(bar.at_low, LOW), rect(bar.at_high, HIGH));
        // Both ends on one side of the base: the longer bar goes underneath.
        let low_longer = (bar.at_low - c.base).abs() >= (bar.at_high - c.base).abs();
        let (under, over) = if low_longer { (low, high) } else { (high, low) };
        chart.draw_series([under, over])?;
        // Each label outside its bar's end; an end on the base goes to the side away from the
        // other end (low to the left on a tie), so the two never overprint.
        let low_left = bar.at_low < c.base || (bar.at_low == c.base && bar.at_low <= bar.at_high);
        let high_left = bar.at_high < c.base || (bar.at_high == c.base && bar.at_high < bar.at_low);
        for (end, text, left) in [
            (bar.at_low, &bar.low_label, low_left),
            (bar.at_high, &bar.high_label, high_left),
        ] {
            let (dx, h) = if left { (-4, HPos::Right) } else { (4, HPos::Left) };
            let at = EmptyElement::at((end, y))
                + Text::new(text.clone(), (dx, 0), frame::text(12).pos(Pos::new(h, VPos::Center)));
            chart.draw_series(std::iter::once(at))?;
        }
    }
    for (name, color) in [
        ("parameter at its low value", LOW),
        ("parameter at its high value", HIGH),
    ] {
        chart
            .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
            .label(name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    let base = format!("base {}", super::axis::format_value(c.base, c.unit));
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(c.base, -0.5), (c.base, bars.len() as f64 + 0.5)],
        frame::REFERENCE.stroke_width(2),
    )))?;
    // The base label on the roomier side of its line, the legend in a bottom corner.
    let (x0, x1) = (chart.x_range().start, chart.x_range().end);
    let right_half = c.base > (x0 + x1) / 2.0;
    // Bars are drawn largest first, so the bottom corners are the emptiest.
    let (dx, h, corner) = if right_half {
        (-6, HPos::Right, SeriesLabelPosition::LowerLeft)
    } else {
        (6, HPos::Left, SeriesLabelPosition::LowerRight)
    };
    let style = frame::text(13).color(&frame::REFERENCE).pos(Pos::new(h, VPos::Center));
    chart.draw_series(std::iter::once(
        EmptyElement::at((c.base, 0.0)) + Text::new(base, (dx, 0), style),
    ))?;
    frame::legend(&mut chart, corner)
}
