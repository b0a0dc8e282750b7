//! What every chart shares: the embedded font, PNG encoding, text styles, colours, the titled
//! plot frame, the "no data" panel, reference lines and the legend box.

use super::ChartError;
use super::axis::{Axis, format_value};
use plotters::chart::{ChartContext, SeriesLabelPosition};
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::OnceLock;

/// The one font family: registered from the embedded file for PNGs, generic in SVGs.
pub(crate) const FONT: &str = "sans-serif";

/// Registers the embedded font with plotters once per process: plotters measures text with it
/// to lay charts out, in SVGs as in PNGs.
pub(crate) fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, super::bitmap::DEJAVU_SANS).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ChartError::Draw("the embedded font could not be parsed".into()))
    }
}

/// Text in the chart font at `size` pixels.
pub(crate) fn text(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font())
}

/// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
pub(crate) const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
];

/// The colour of the `i`-th series.
pub(crate) fn series_color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Reference lines (targets, base values): a red that no series uses.
pub(crate) const REFERENCE: RGBColor = RGBColor(200, 30, 30);

/// Fails with the first non-finite value among `values`, naming `what` holds it.
pub(crate) fn finite(what: &str, values: impl IntoIterator<Item = f64>) -> Result<(), ChartError> {
    match values.into_iter().position(|v| !v.is_finite()) {
        None => Ok(()),
        Some(i) => Err(ChartError::InvalidData(format!(
            "{what}: value {i} is not a finite number"
        ))),
    }
}

/// A titled panel saying why there is nothing to plot, so a report keeps its layout.
/// The plot area above a one-line grey note at the foot of the chart (the whole area without a
/// note); a note too long for the width is cut with an ellipsis (where the chart is used, the
/// whole text is elsewhere: the CSV, the report's notes).
pub(crate) fn with_note<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    note: Option<&str>,
) -> Result<DrawingArea<DB, Shift>, ChartError>
where
    DB::ErrorType: 'static,
{
    let Some(note) = note else {
        return Ok(root.clone());
    };
    let (w, h) = root.dim_in_pixel();
    let (plot, strip) = root.split_vertically(h.saturating_sub(28));
    let grey = BLACK.mix(0.75);
    let style = text(13).color(&grey).pos(Pos::new(HPos::Left, VPos::Center));
    let mut line = note.to_string();
    while line.chars().count() > 8 && strip.estimate_text_size(&line, &style).map_or(0, |s| s.0) + 24 > w {
        let keep = line.chars().count() - 5;
        line = line.chars().take(keep).collect::<String>() + "…";
    }
    strip.draw(&Text::new(line, (12, 12), style))?;
    Ok(plot)
}

pub(crate) fn no_data<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    message: &str,
) -> Result<(), ChartError> {
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let centred = Pos::new(HPos::Center, VPos::Center);
    root.draw(&Text::new(title.to_string(), (w / 2, 24), text(22).pos(centred)))?;
    root.draw(&Rectangle::new([(20, 50), (w - 20, h - 20)], BLACK.mix(0.3)))?;
    root.draw(&Text::new(
        message.to_string(),
        (w / 2, h / 2),
        text(20).color(&BLACK.mix(0.6)).pos(centred),
    ))?;
    Ok(())
}

/// How wide the y label area must be for `labels` at tick size, plus room for the axis title.
pub(crate) fn label_width<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    labels: &[String],
    with_title: bool,
) -> u32 {
    let widest = labels
        .iter()
        .map(|l| {
            root.estimate_text_size(l, &text(13))
                .map_or(8 * l.len() as u32, |(w, _)| w)
        })
        .max()
        .unwrap_or(0);
    let cap = root.dim_in_pixel().0 * 2 / 5;
    (widest + 14 + if with_title { 26 } else { 0 }).clamp(40, cap.max(40))
}

/// The titled plot every chart draws into, with room for tick labels and axis titles.
pub(crate) fn plot<'a, DB, X, Y>(
    root: &'a DrawingArea<DB, Shift>,
    title: &str,
    y_label_width: u32,
    x: X,
    y: Y,
) -> Result<ChartContext<'a, DB, Cartesian2d<X, Y>>, ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    Ok(ChartBuilder::on(root)
        .caption(title, text(22))
        .margin(12)
        .margin_right(24)
        .x_label_area_size(48)
        .y_label_area_size(y_label_width)
        .build_cartesian_2d(x, y)?)
}

/// Draws the mesh with tick labels in the axes' units and titled axes.
pub(crate) fn mesh<DB, X, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, Y>>,
    x_desc: &str,
    y_desc: &str,
    y_rows: Option<usize>,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let mut mesh = chart.configure_mesh();
    mesh.x_labels(10)
        .label_style(text(13))
        .axis_desc_style(text(15))
        .bold_line_style(BLACK.mix(0.12))
        .x_desc(x_desc)
        .y_desc(y_desc);
    if let Some(rows) = y_rows {
        // One label per row, and no grid line through the middle of each row's bar.
        mesh.y_labels(rows.max(1)).disable_y_mesh();
    } else {
        mesh.y_labels(8);
    }
    mesh.draw()?;
    Ok(())
}

/// `label` in a white box, its corner `(dx, dy)` pixels from the anchor point: left of it when
/// `h` is [`HPos::Right`], right of it otherwise; readable over grid lines and curves.
pub(crate) fn boxed_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &str,
    style: &TextStyle<'static>,
    (dx, dy): (i32, i32),
    h: HPos,
) -> Result<BoxedLabel, ChartError> {
    let (w, t) = area.estimate_text_size(label, style)?;
    let (w, t) = (w as i32, t as i32);
    let (x0, x1) = if matches!(h, HPos::Right) {
        (dx - w - 3, dx + 3)
    } else {
        (dx - 3, dx + w + 3)
    };
    let frame = Rectangle::new([(x0, dy - 2), (x1, dy + t + 3)], WHITE.mix(0.85).filled());
    let text = Text::new(label.to_string(), (dx, dy), style.clone().pos(Pos::new(h, VPos::Top)));
    Ok(BoxedLabel { frame, text })
}

/// What [`boxed_label`] draws, to be placed with `EmptyElement::at(coord) + frame + text`.
pub(crate) struct BoxedLabel {
    pub(crate) frame: Rectangle<(i32, i32)>,
    pub(crate) text: Text<'static, (i32, i32), String>,
}

/// `path` without the points that land on the same pixel as the point kept before them: a CDF
/// of 10 000 durations has 20 000 corners but a few hundred visible ones, and an SVG pays for each.
pub(crate) fn thin_path(path: Vec<(f64, f64)>, pixel: impl Fn(&(f64, f64)) -> (i32, i32)) -> Vec<(f64, f64)> {
    let Some(&last) = path.last() else { return path };
    let mut kept: Vec<(f64, f64)> = Vec::new();
    let mut at = None;
    for p in path {
        let px = pixel(&p);
        if at != Some(px) {
            kept.push(p);
            at = Some(px);
        }
    }
    if kept.last() != Some(&last) {
        kept.push(last);
    }
    kept
}

/// A vertical reference line at `x` across the plot, labelled at its top or bottom (where the
/// data leaves room): to the left of the line in the plot's right half, so the label stays inside.
pub(crate) fn vline<DB, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<super::axis::Axis, Y>>,
    x: f64,
    label: &str,
    at_top: bool,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64>,
{
    let (y, xs) = (chart.y_range(), chart.x_range());
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x, y.start), (x, y.end)],
        REFERENCE.stroke_width(2),
    )))?;
    let px = |v: f64| chart.backend_coord(&(v, y.end)).0;
    let right_half = px(x) > (px(xs.start) + px(xs.end)) / 2;
    let (dx, h) = if right_half { (-6, HPos::Right) } else { (6, HPos::Left) };
    let style = text(13).color(&REFERENCE);
    let (anchor_y, dy) = if at_top { (y.end, 6) } else { (y.start, -24) };
    let boxed = boxed_label(&chart.plotting_area().strip_coord_spec(), label, &style, (dx, dy), h)?;
    chart.draw_series(std::iter::once(
        EmptyElement::at((x, anchor_y)) + boxed.frame + boxed.text,
    ))?;
    Ok(())
}

/// A horizontal reference line at `y` across the plot, labelled at its right end.
pub(crate) fn hline<DB, X>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, super::axis::Axis>>,
    y: f64,
    label: &str,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let x = chart.x_range();
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x.start, y), (x.end, y)],
        REFERENCE.stroke_width(2),
    )))?;
    let style = text(13).color(&REFERENCE);
    let boxed = boxed_label(
        &chart.plotting_area().strip_coord_spec(),
        label,
        &style,
        (-6, -20),
        HPos::Right,
    )?;
    chart.draw_series(std::iter::once(EmptyElement::at((x.end, y)) + boxed.frame + boxed.text))?;
    Ok(())
}

/// The label of a reference value: "target 48 h", "target 99.9 %".
pub(crate) fn reference_label(name: &str, value: f64, unit: super::AxisUnit) -> String {
    format!("{name} {}", format_value(value, unit))
}

/// The corner of the plot holding the fewest `points`, where a legend hides the least data;
/// ties go to the upper right, then upper left, lower right, lower left.
pub(crate) fn quiet_corner(x: &Axis, y: &Axis, points: impl IntoIterator<Item = (f64, f64)>) -> SeriesLabelPosition {
    let mut counts = [0usize; 4];
    for (px, py) in points {
        let (fx, fy) = (x.fraction(px), y.fraction(py));
        // A legend covers about a third of the width and a quarter of the height.
        let column = if fx > 0.65 {
            Some(0)
        } else if fx < 0.35 {
            Some(1)
        } else {
            None
        };
        let row = if fy > 0.75 {
            Some(0)
        } else if fy < 0.25 {
            Some(2)
        } else {
            None
        };
        if let (Some(c), Some(r)) = (column, row) {
            counts[r + c] += 1;
        }
    }
    let corners = [
        SeriesLabelPosition::UpperRight,
        SeriesLabelPosition::UpperLeft,
        SeriesLabelPosition::LowerRight,
        SeriesLabelPosition::LowerLeft,
    ];
    let best = (0..4).min_by_key(|&i| counts[i]).unwrap_or(0);
    corners.into_iter().nth(best).unwrap_or(SeriesLabelPosition::UpperRight)
}

/// The legend box of the labelled series, where the data usually is not.
pub(crate) fn legend<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Result<(), ChartError>
where
    DB: DrawingBackend + 'a,
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font(text(13))
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_one_point_per_pixel_and_both_ends() {
        let path: Vec<(f64, f64)> = (0..=100).map(|i| (f64::from(i), 0.0)).collect();
        // Ten data units per pixel.
        let thinned = thin_path(path, |&(x, y)| ((x / 10.0) as i32, y as i32));
        assert_eq!(
            thinned.iter().map(|p| p.0).collect::<Vec<_>>(),
            [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
        );
        let ends = thin_path(vec![(0.0, 0.0), (0.1, 0.0), (0.2, 0.0)], |_| (0, 0));
        assert_eq!(ends, [(0.0, 0.0), (0.2, 0.0)]);
        assert!(thin_path(Vec::new(), |_| (0, 0)).is_empty());
    }
}
