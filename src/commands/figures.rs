//! The charts of the studies and the report, drawn from their results (filled in when the chart
//! module lands).

use crate::expect::{Estimate, Metric, Spread, Unit};
use crate::study::{sensitivity::Sensitivity, sweep::Sweep};

/// An estimate for people: the value and its 95 % interval in the metric's unit.
pub(crate) fn estimate_text(m: &Metric, e: Option<&Estimate>) -> String {
    let v = |x: f64| match m.unit() {
        _ if x.is_infinite() => "inf".to_string(),
        Unit::Duration => crate::scenario::duration::human(crate::engine::SimDuration::from_secs_f64(x)),
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

/// Sweep charts as files `charts/<name>.{svg,png}`.
pub(crate) fn sweep_charts(_r: &Sweep) -> Vec<(String, Vec<u8>)> {
    Vec::new()
}

/// The tornado chart as files.
pub(crate) fn tornado_charts(_r: &Sensitivity) -> Vec<(String, Vec<u8>)> {
    Vec::new()
}
