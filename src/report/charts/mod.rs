//! Charts of run results as SVG or PNG bytes.
//!
//! Pure: each chart is a plain data struct (filled by the caller from run results) and
//! [`render`] turns it into bytes; nothing here runs a simulation or touches files. Durations
//! are seconds (`f64`) and are drawn as human durations ("30 s", "5 min", "2 h", "3 d");
//! fractions are drawn as percentages. A chart with no data renders a titled "no incidents"
//! or "no data" panel instead of failing.
//!
//! PNG text uses an embedded DejaVu Sans (`assets/fonts/`), so output does not depend on the
//! machine's fonts; SVG text names the generic `sans-serif` family for browsers to fill in.
//!
//! ```
//! use outage_sim::report::charts::{render, CdfChart, CdfSeries, ChartSpec, Format, PMeet, Scale};
//! let chart = CdfChart {
//!     title: "Achieved RTO".into(),
//!     x_label: "achieved RTO".into(),
//!     series: vec![CdfSeries { label: "checkout".into(), points: vec![(600.0, 0.5), (7200.0, 1.0)] }],
//!     target_s: Some(48.0 * 3600.0),
//!     p_meet: Some(PMeet { estimate: 0.9731, lo: 0.9702, hi: 0.9758 }),
//!     scale: Scale::Log,
//! };
//! let svg = render(&ChartSpec::Cdf(chart), Format::Svg).unwrap();
//! assert!(String::from_utf8(svg).unwrap().contains("target 48 h"));
//! ```

mod availability;
mod axis;
mod bitmap;
mod cdf;
mod draws;
mod frame;
mod histogram;
mod series;
mod sobol;
mod stacked;
mod sweep;
mod timeline;
mod tornado;

#[cfg(test)]
mod tests;

pub use availability::{AvailabilityChart, AvailabilityItem, YEAR_S};
pub use axis::{AxisUnit, Scale, format_duration, format_percent, format_value};
pub use cdf::{CdfChart, CdfSeries, PMeet};
pub use draws::{DrawQuantile, DrawsCdfChart};
pub use histogram::{HistogramBin, HistogramChart};
pub use series::{Series, SeriesChart, ShadedInterval};
pub use sobol::{SobolBar, SobolChart};
pub use stacked::{StackedBar, StackedChart};
pub use sweep::{Marker, SweepChart, SweepPoint, SweepSeries};
pub use timeline::{Lane, LaneState, Span, TimelineChart};
pub use tornado::{TornadoBar, TornadoChart};

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::{DrawingArea, DrawingBackend, IntoDrawingArea, SVGBackend, WHITE};

/// The output encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics (UTF-8 text), for HTML reports.
    Svg,
    /// A PNG bitmap, for Markdown and anywhere SVG is not shown.
    Png,
}

/// Pixel size of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Size {
    /// The default for most charts: wide enough for ten duration ticks.
    pub const DEFAULT: Size = Size {
        width: 900,
        height: 500,
    };
}

/// One chart to draw.
#[derive(Clone, Debug)]
pub enum ChartSpec {
    /// Empirical CDFs of an achieved duration (RTO, RPO).
    Cdf(CdfChart),
    /// A histogram of a duration.
    Histogram(HistogramChart),
    /// Availability per feature or plane, with intervals, as downtime per year.
    Availability(AvailabilityChart),
    /// A Gantt chart of one replication.
    Timeline(TimelineChart),
    /// Time series with shaded intervals.
    Series(SeriesChart),
    /// A metric against a swept parameter.
    Sweep(SweepChart),
    /// One-at-a-time sensitivity of a metric to parameters.
    Tornado(TornadoChart),
    /// Totals split into parts (where the time goes, why targets were missed).
    Stacked(StackedChart),
    /// The empirical CDF of a metric over the draws of uncertain parameters.
    DrawsCdf(DrawsCdfChart),
    /// Sobol indices of a metric: what matters most among the uncertain parameters.
    Sobol(SobolChart),
}

impl ChartSpec {
    /// The size [`render`] uses: [`Size::DEFAULT`], taller for charts with many rows.
    pub fn default_size(&self) -> Size {
        let rows = match self {
            ChartSpec::Timeline(t) => t.row_count(),
            ChartSpec::Availability(a) => a.items.len(),
            ChartSpec::Tornado(t) => t.bars.len() + usize::from(t.note.is_some()),
            ChartSpec::Stacked(s) => s.bars.len(),
            ChartSpec::Sobol(s) => 2 * s.bars.len() + usize::from(s.note.is_some()),
            _ => 0,
        };
        let height = (140 + 26 * rows as u32).max(Size::DEFAULT.height);
        Size {
            height,
            ..Size::DEFAULT
        }
    }
}

/// Why a chart could not be drawn. None of these leave anything half-written: the caller gets
/// bytes or an error.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The data holds a value that cannot be drawn (NaN or infinite); fix the adapter.
    #[error("chart data: {0}")]
    InvalidData(String),
    /// The drawing backend failed.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The PNG encoder failed.
    #[error("encoding the PNG failed: {0}")]
    Encode(String),
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError::Draw(e.to_string())
    }
}

/// Renders `spec` at its [`ChartSpec::default_size`].
pub fn render(spec: &ChartSpec, format: Format) -> Result<Vec<u8>, ChartError> {
    render_sized(spec, format, spec.default_size())
}

/// Renders `spec` at `size`.
pub fn render_sized(spec: &ChartSpec, format: Format, size: Size) -> Result<Vec<u8>, ChartError> {
    validate(spec)?;
    frame::register_font()?;
    let dims = (size.width.max(1), size.height.max(1));
    match format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, dims).into_drawing_area();
                draw(spec, &root)?;
                root.present()?;
            }
            Ok(svg.into_bytes())
        }
        Format::Png => {
            let mut rgb = vec![0u8; dims.0 as usize * dims.1 as usize * 3];
            {
                let root = bitmap::PngCanvas::new(&mut rgb, dims)?.into_drawing_area();
                draw(spec, &root)?;
                root.present()?;
            }
            bitmap::encode(&rgb, dims)
        }
    }
}

fn draw<DB: DrawingBackend>(spec: &ChartSpec, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    match spec {
        ChartSpec::Cdf(c) => cdf::draw(c, root),
        ChartSpec::Histogram(c) => histogram::draw(c, root),
        ChartSpec::Availability(c) => availability::draw(c, root),
        ChartSpec::Timeline(c) => timeline::draw(c, root),
        ChartSpec::Series(c) => series::draw(c, root),
        ChartSpec::Sweep(c) => sweep::draw(c, root),
        ChartSpec::Tornado(c) => tornado::draw(c, root),
        ChartSpec::Stacked(c) => stacked::draw(c, root),
        ChartSpec::DrawsCdf(c) => draws::draw(c, root),
        ChartSpec::Sobol(c) => sobol::draw(c, root),
    }
}

fn validate(spec: &ChartSpec) -> Result<(), ChartError> {
    match spec {
        ChartSpec::Cdf(c) => c.validate(),
        ChartSpec::Histogram(c) => c.validate(),
        ChartSpec::Availability(c) => c.validate(),
        ChartSpec::Timeline(c) => c.validate(),
        ChartSpec::Series(c) => c.validate(),
        ChartSpec::Sweep(c) => c.validate(),
        ChartSpec::Tornado(c) => c.validate(),
        ChartSpec::Stacked(c) => c.validate(),
        ChartSpec::DrawsCdf(c) => c.validate(),
        ChartSpec::Sobol(c) => c.validate(),
    }
}
