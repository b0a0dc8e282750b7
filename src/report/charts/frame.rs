//! What every chart shares: the embedded font, PNG encoding, text styles, colours, the titled
//! plot frame, the "no data" panel, reference lines and the legend box.

use super::ChartError;
use super::axis::format_value;
use plotters::chart::{ChartContext, SeriesLabelPosition};
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::OnceLock;

/// The one font family: registered from the embedded file for PNGs, generic in SVGs.
pub(crate) const FONT: &str = "sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");

/// Registers the embedded font with plotters once per process.
pub(crate) fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| plotters::style::register_font(FONT, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok { Ok(()) } else { Err(ChartError::Draw("the embedded font could not be parsed".into())) }
}

/// An RGB buffer (as the bitmap backend leaves it) as PNG bytes.
pub(crate) fn encode_png(rgb: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, ChartError> {
    let encode_err = |e: png::EncodingError| ChartError::Encode(e.to_string());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Charts are mostly flat colour: the better setting halves the size at little cost.
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().map_err(encode_err)?;
    writer.write_image_data(rgb).map_err(encode_err)?;
    writer.finish().map_err(encode_err)?;
    Ok(out)
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
        Some(i) => Err(ChartError::InvalidData(format!("{what}: value {i} is not a finite number"))),
    }
}

/// A titled panel saying why there is nothing to plot, so a report keeps its layout.
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
    root.draw(&Text::new(message.to_string(), (w / 2, h / 2), text(20).color(&BLACK.mix(0.6)).pos(centred)))?;
    Ok(())
}

/// How wide the y label area must be for `labels` at tick size, plus room for the axis title.
pub(crate) fn label_width<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, labels: &[String], with_title: bool) -> u32 {
    let widest = labels
        .iter()
        .map(|l| root.estimate_text_size(l, &text(13)).map_or(8 * l.len() as u32, |(w, _)| w))
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

/// A vertical reference line at `x` across the plot, labelled at its top.
pub(crate) fn vline<DB, Y>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<super::axis::Axis, Y>>,
    x: f64,
    label: &str,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    Y: Ranged<ValueType = f64>,
{
    let y = chart.y_range();
    let style = REFERENCE.stroke_width(2);
    chart.draw_series(std::iter::once(PathElement::new(vec![(x, y.start), (x, y.end)], style)))?;
    // Left of the line when it sits in the right half, so the label stays inside the plot.
    let x_range = chart.x_range();
    let right_half = chart.backend_coord(&(x, y.end)).0 > chart.backend_coord(&((x_range.start), y.end)).0
        + (chart.backend_coord(&(x_range.end, y.end)).0 - chart.backend_coord(&(x_range.start, y.end)).0) / 2;
    let (dx, h) = if right_half { (-5, HPos::Right) } else { (5, HPos::Left) };
    let label = EmptyElement::at((x, y.end))
        + Text::new(label.to_string(), (dx, 6), text(13).color(&REFERENCE).pos(Pos::new(h, VPos::Top)));
    chart.draw_series(std::iter::once(label))?;
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
    chart.draw_series(std::iter::once(PathElement::new(vec![(x.start, y), (x.end, y)], REFERENCE.stroke_width(2))))?;
    let label = EmptyElement::at((x.end, y))
        + Text::new(label.to_string(), (-5, -4), text(13).color(&REFERENCE).pos(Pos::new(HPos::Right, VPos::Bottom)));
    chart.draw_series(std::iter::once(label))?;
    Ok(())
}

/// The label of a reference value: "target 48 h", "target 99.9 %".
pub(crate) fn reference_label(name: &str, value: f64, unit: super::AxisUnit) -> String {
    format!("{name} {}", format_value(value, unit))
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
