//! Horizontal stacked bars: a total split into named parts (where an RTO's time goes, which causes
//! the misses had). A part keeps its colour in every bar, and the legend names each once.

use super::ChartError;
use super::axis::{Axis, AxisUnit, CategoryAxis, Scale, format_value};
use super::frame;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Totals split into parts, one bar each.
#[derive(Clone, Debug)]
pub struct StackedChart {
    /// Chart title.
    pub title: String,
    /// What the x axis measures, e.g. "mean time on the critical path".
    pub x_label: String,
    /// What a bar is, e.g. "plane".
    pub row_label: String,
    /// How values are read.
    pub unit: AxisUnit,
    /// Bars, top to bottom; none (or all empty) draws `empty_note`.
    pub bars: Vec<StackedBar>,
    /// What to say when there is nothing to draw, e.g. "no target was missed".
    pub empty_note: String,
}

/// One bar: its parts left to right.
#[derive(Clone, Debug)]
pub struct StackedBar {
    /// Row label.
    pub label: String,
    /// `(part, value)`, drawn in this order; zero parts are skipped.
    pub parts: Vec<(String, f64)>,
}

impl StackedChart {
    pub(crate) fn validate(&self) -> Result<(), ChartError> {
        for b in &self.bars {
            frame::finite(&format!("stacked bar '{}'", b.label), b.parts.iter().map(|p| p.1))?;
            if let Some((name, v)) = b.parts.iter().find(|p| p.1 < 0.0) {
                return Err(ChartError::InvalidData(format!(
                    "stacked bar '{}': part '{name}' is negative ({v})",
                    b.label
                )));
            }
        }
        Ok(())
    }

    /// Part names in order of first appearance: each one's colour and legend entry.
    fn part_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for (name, v) in self.bars.iter().flat_map(|b| &b.parts) {
            if *v > 0.0 && !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        names
    }
}

/// Okabe–Ito first (the other charts' palette, without its black), then Paul Tol's muted
/// scheme: twelve colours told apart.
fn color(i: usize) -> RGBColor {
    const MORE: [RGBColor; 6] = [
        RGBColor(51, 34, 136),
        RGBColor(153, 153, 51),
        RGBColor(136, 34, 85),
        RGBColor(68, 170, 153),
        RGBColor(221, 204, 119),
        RGBColor(120, 120, 120),
    ];
    let i = i % 12;
    if i < 6 { frame::PALETTE[i] } else { MORE[i - 6] }
}

pub(crate) fn draw<DB: DrawingBackend>(c: &StackedChart, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    let names = c.part_names();
    if names.is_empty() {
        return frame::no_data(root, &c.title, &c.empty_note);
    }
    let total = |b: &StackedBar| b.parts.iter().map(|p| p.1).sum::<f64>();
    let max = c.bars.iter().map(total).fold(0.0, f64::max);
    // Shares fill the axis; other totals get room for their label.
    let shares = c.unit == AxisUnit::Percent;
    let hi = if shares { 1.0 } else { max * 1.15 };
    let x = Axis::new(0.0, hi, Scale::Linear, c.unit);
    // The legend gets a column of its own at the right, so it never covers a bar.
    let (w, _) = root.dim_in_pixel();
    let (plot, side) = root.split_horizontally(w.saturating_sub(210));
    draw_legend(&side, &names)?;
    let labels: Vec<String> = c.bars.iter().map(|b| b.label.clone()).collect();
    let y_width = frame::label_width(&plot, &labels, true);
    let mut chart = frame::plot(&plot, &c.title, y_width, x, CategoryAxis::new(labels))?;
    frame::mesh(&mut chart, &c.x_label, &c.row_label, Some(c.bars.len()))?;
    let color = |name: &str| color_of(&names, name);
    for (i, bar) in c.bars.iter().enumerate() {
        let y = i as f64;
        let mut from = 0.0;
        for (name, v) in bar.parts.iter().filter(|p| p.1 > 0.0) {
            let to = from + v;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(from, y - 0.3), (to, y + 0.3)],
                color(name).filled(),
            )))?;
            from = to;
        }
        if !shares {
            let label = format_value(from, c.unit);
            let at = EmptyElement::at((from, y))
                + Text::new(label, (5, 0), frame::text(12).pos(Pos::new(HPos::Left, VPos::Center)));
            chart.draw_series(std::iter::once(at))?;
        }
    }
    Ok(())
}

fn color_of(names: &[&str], name: &str) -> RGBColor {
    color(names.iter().position(|n| *n == name).unwrap_or(0))
}

/// One swatch and name per part, top to bottom.
fn draw_legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, names: &[&str]) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    for (i, name) in names.iter().enumerate() {
        let y = 60 + 22 * i as i32;
        area.draw(&Rectangle::new(
            [(6, y - 6), (20, y + 6)],
            color_of(names, name).filled(),
        ))?;
        let style = frame::text(13).pos(Pos::new(HPos::Left, VPos::Center));
        area.draw(&Text::new(name.to_string(), (26, y), style))?;
    }
    Ok(())
}
