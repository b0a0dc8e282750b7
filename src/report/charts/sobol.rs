//! Sobol indices of one metric: for each uncertain parameter, the share of the metric's variance
//! over the priors due to it alone (first order) and with all its interactions (total), side by
//! side with their 95 % intervals, the parameter that matters most on top.

use super::ChartError;
use super::axis::{Axis, AxisUnit, CategoryAxis, Scale};
use super::frame;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What matters most for a metric.
#[derive(Clone, Debug)]
pub struct SobolChart {
    /// Chart title.
    pub title: String,
    /// One pair of bars per uncertain parameter, in any order: drawn sorted by total index;
    /// none draws `empty_note`.
    pub bars: Vec<SobolBar>,
    /// What to say when there are no bars, e.g. "no Sobol indices: the metric does not vary".
    pub empty_note: String,
    /// A line under the chart, e.g. the metrics that have no indices and why.
    pub note: Option<String>,
}

/// One parameter's indices with their 95 % intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolBar {
    /// The parameter, as the scenario names it.
    pub parameter: String,
    /// First-order index.
    pub first: f64,
    /// 95 % interval of `first`.
    pub first_ci95: [f64; 2],
    /// Total index.
    pub total: f64,
    /// 95 % interval of `total`.
    pub total_ci95: [f64; 2],
}

impl SobolChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        for b in &self.bars {
            frame::finite(
                &format!("Sobol indices of '{}'", b.parameter),
                [b.first, b.total].into_iter().chain(b.first_ci95).chain(b.total_ci95),
            )?;
        }
        Ok(())
    }

    /// Bars, largest total index first (ties keep the given order).
    pub(crate) fn sorted(&self) -> Vec<&SobolBar> {
        let mut bars: Vec<&SobolBar> = self.bars.iter().collect();
        bars.sort_by(|a, b| b.total.total_cmp(&a.total));
        bars
    }
}

const FIRST: RGBColor = frame::PALETTE[0];
const TOTAL: RGBColor = frame::PALETTE[1];
const WHISKER: RGBColor = RGBColor(40, 40, 40);

/// Indices are shares in [0, 1]; estimates and intervals from few draws stray outside, and the
/// axis follows them this far, no farther: a wider stray is cut at the edge (its interval's end
/// drawn without a cap).
const AXIS_LIMITS: (f64, f64) = (-0.5, 1.5);

/// `text` cut in the middle with an ellipsis to fit `width` pixels: parameter paths that share a
/// long head (`failures[name=…].time_to_failure`, `….time_to_repair`) stay told apart by their
/// ends.
fn fitted<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str, style: &TextStyle<'_>, width: u32) -> String {
    let chars: Vec<char> = text.chars().collect();
    let fits = |t: &str| area.estimate_text_size(t, style).map_or(0, |s| s.0) <= width;
    if fits(text) {
        return text.to_string();
    }
    let mut keep = chars.len();
    while keep > 8 {
        keep -= 1;
        let head = keep / 2;
        let tail = keep - head;
        let cut: String = chars[..head]
            .iter()
            .chain(std::iter::once(&'…'))
            .chain(&chars[chars.len() - tail..])
            .collect();
        if fits(&cut) {
            return cut;
        }
    }
    text.to_string()
}

pub(crate) fn draw<DB: DrawingBackend>(c: &SobolChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let root = frame::with_note(root, c.note.as_deref())?;
    let root = &root;
    if c.bars.is_empty() {
        return frame::no_data(root, &c.title, &c.empty_note);
    }
    let bars = c.sorted();
    let values = bars
        .iter()
        .flat_map(|b| [b.first, b.total].into_iter().chain(b.first_ci95).chain(b.total_ci95));
    let (lo, hi) = values.fold((0.0f64, 1.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (lo, hi) = (lo.max(AXIS_LIMITS.0), hi.min(AXIS_LIMITS.1));
    // Room at the right for the value labels.
    let x = Axis::new(lo, hi + (hi - lo) * 0.08, Scale::Linear, AxisUnit::Number);
    let (x_lo, x_hi) = (x.lo(), x.hi());
    // The legend gets a column of its own at the right, so it never covers a bar.
    let (w, _) = root.dim_in_pixel();
    let (plot, side) = root.split_horizontally(w.saturating_sub(200));
    draw_legend(&side)?;
    let style = frame::text(13);
    let room = (plot.dim_in_pixel().0 * 2 / 5).saturating_sub(40);
    let labels: Vec<String> = bars.iter().map(|b| fitted(&plot, &b.parameter, &style, room)).collect();
    let y_width = frame::label_width(&plot, &labels, true);
    let mut chart = frame::plot(&plot, &c.title, y_width, x, CategoryAxis::new(labels))?;
    frame::mesh(
        &mut chart,
        "Sobol index (share of the metric's variance over the priors)",
        "uncertain parameter",
        Some(bars.len()),
    )?;
    if x_lo < 0.0 {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, -0.5), (0.0, bars.len() as f64 - 0.5)],
            BLACK.mix(0.6).stroke_width(1),
        )))?;
    }
    let clamp = |v: f64| v.clamp(x_lo, x_hi);
    for (i, bar) in bars.iter().enumerate() {
        // First order above total within the row (row 0 is the top one).
        for (offset, value, ci, color) in [
            (-0.19, bar.first, bar.first_ci95, FIRST),
            (0.19, bar.total, bar.total_ci95, TOTAL),
        ] {
            let y = i as f64 + offset;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(0.0, y - 0.15), (clamp(value), y + 0.15)],
                color.filled(),
            )))?;
            let (a, b) = (clamp(ci[0].min(ci[1])), clamp(ci[0].max(ci[1])));
            let whisker = WHISKER.stroke_width(2);
            chart.draw_series(std::iter::once(PathElement::new(vec![(a, y), (b, y)], whisker)))?;
            for (end, raw) in [(a, ci[0].min(ci[1])), (b, ci[0].max(ci[1]))] {
                if end == raw {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(end, y - 0.08), (end, y + 0.08)],
                        whisker,
                    )))?;
                }
            }
            let right = b.max(clamp(value));
            let at = EmptyElement::at((right, y))
                + Text::new(
                    // No "-0.00" for an estimate that rounds to zero.
                    format!("{:.2}", if value.abs() < 0.005 { 0.0 } else { value }),
                    (5, 0),
                    frame::text(12).pos(Pos::new(HPos::Left, VPos::Center)),
                );
            chart.draw_series(std::iter::once(at))?;
        }
    }
    Ok(())
}

/// The two bar colours and the interval line, named.
fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let style = frame::text(13).pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (name, color)) in [("first order (alone)", FIRST), ("total (with interactions)", TOTAL)]
        .into_iter()
        .enumerate()
    {
        let y = 60 + 22 * i as i32;
        area.draw(&Rectangle::new([(6, y - 6), (20, y + 6)], color.filled()))?;
        area.draw(&Text::new(name.to_string(), (26, y), style.clone()))?;
    }
    let y = 60 + 44;
    area.draw(&PathElement::new(vec![(4, y), (22, y)], WHISKER.stroke_width(2)))?;
    area.draw(&Text::new("95 % interval".to_string(), (26, y), style))?;
    Ok(())
}
