//! Adapters from results to charts: each function turns a finished run into the
//! plain chart specs of [`crate::report::charts`], and [`files`] renders them as
//! `charts/<name>.svg` and `.png`. Only this layer knows both the results and the charts.

mod replication;
mod results;
mod uncertainty;

pub(crate) use replication::{TRAFFIC_BIN, retry_amplification, timeline};
pub(crate) use results::{availability, critical_path, distributions};
pub(crate) use uncertainty::{DrawsTable, MetricWords, over_draws, sobol};

use crate::model::metric::{Metric, Unit};
use crate::montecarlo::{Estimate, Spread};
use crate::report::charts::{self, AxisUnit, ChartError, ChartSpec, Format};

/// A chart of the report or a study.
pub(crate) struct Figure {
    /// File stem under `charts/`.
    pub name: String,
    /// Caption.
    pub title: String,
    /// What to draw.
    pub spec: ChartSpec,
}

/// A figure drawn as `(charts/<name>.svg, its bytes)` and `(charts/<name>.png, its bytes)`.
pub(crate) fn render_both(f: &Figure) -> Result<[(String, Vec<u8>); 2], ChartError> {
    Ok([
        (format!("charts/{}.svg", f.name), charts::render(&f.spec, Format::Svg)?),
        (format!("charts/{}.png", f.name), charts::render(&f.spec, Format::Png)?),
    ])
}

/// Renders every figure as `charts/<name>.svg` and `charts/<name>.png`.
pub(crate) fn files(figures: &[Figure]) -> Result<Vec<(String, Vec<u8>)>, ChartError> {
    let mut out = Vec::with_capacity(2 * figures.len());
    for f in figures {
        out.extend(render_both(f)?);
    }
    Ok(out)
}

/// An estimate for people: the value and its 95 % interval in the metric's unit.
pub(crate) fn estimate_text(m: &Metric, e: Option<&Estimate>) -> String {
    let v = |x: f64| match m.unit() {
        _ if x.is_infinite() => "inf".to_string(),
        Unit::Duration => crate::engine::duration::human(crate::engine::SimDuration::from_secs_f64(x)),
        Unit::Probability => format!("{x:.5}"),
        Unit::Number => format!("{x:.4}"),
    };
    match e {
        None => "no data".into(),
        Some(e) => match e.spread {
            Spread::Interval(lo, hi) => format!("{} [{}, {}]", v(e.value), v(lo), v(hi)),
            _ => v(e.value),
        },
    }
}

pub(crate) fn axis_unit(m: &Metric) -> AxisUnit {
    match m.unit() {
        Unit::Duration => AxisUnit::Duration,
        Unit::Probability => AxisUnit::Percent,
        Unit::Number => AxisUnit::Number,
    }
}

/// An estimate as (value, lo, hi), the interval collapsing to the value when there is none (or
/// it is unbounded).
pub(crate) fn triple(e: &Estimate) -> (f64, f64, f64) {
    match e.spread {
        Spread::Interval(lo, hi) if hi.is_finite() => (e.value, lo, hi),
        _ => (e.value, e.value, e.value),
    }
}

/// A file-name-safe form of a metric path.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_name_safe() {
        assert_eq!(
            slug("region_disasters.data_plane.p_meet_rto"),
            "region-disasters-data-plane-p-meet-rto"
        );
    }
}
