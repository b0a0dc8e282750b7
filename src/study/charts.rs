//! Charts of studies: a sweep's metrics against its x axis (`--x`, else the first swept field),
//! a solve's metric against its parameter with the threshold and the boundary, a sensitivity
//! study's tornado. Metrics are named in words from the metric catalogue.

use super::solve::{Outcome, Solution};
use super::{sensitivity::Sensitivity, sweep::Sweep};
use crate::engine::duration::{duration_tokens, parse_duration};
use crate::report::charts::{
    AxisUnit, ChartSpec, Marker, Scale, SweepChart, SweepPoint, SweepSeries, TornadoBar, TornadoChart,
};
use crate::report::figures::{Figure, axis_unit, files, slug, triple};
use crate::scenario::Scalar;
use crate::scenario::show;

/// A swept value on a numeric axis: a number, or a duration (in seconds), or — for a
/// distribution — its first duration (e.g. the mean of `exp(mean=10y)`).
fn numeric(v: &toml::Value) -> Option<(f64, AxisUnit)> {
    match v {
        toml::Value::Integer(n) => Some((*n as f64, AxisUnit::Number)),
        toml::Value::Float(x) => Some((*x, AxisUnit::Number)),
        toml::Value::String(s) => {
            let d = parse_duration(s).ok().or_else(|| {
                let &(start, _, end) = duration_tokens(s).first()?;
                parse_duration(&s[start..end]).ok()
            })?;
            Some((d.as_secs_f64(), AxisUnit::Duration))
        }
        _ => None,
    }
}

/// One chart per metric: the metric against the first swept field (its values must read as
/// numbers or durations; otherwise they are drawn at their positions 1, 2, ...), one line per
/// combination of the other fields' values.
pub(crate) fn sweep_charts(r: &Sweep) -> Vec<(String, Vec<u8>)> {
    let figures = sweep_figures(r);
    files(&figures).unwrap_or_else(|e| {
        eprintln!("warning: sweep charts not drawn: {e}");
        Vec::new()
    })
}

/// Reads a list of swept values as numbers on a common unit: `None` when any is not a number or
/// a duration, or they mix units (they are then drawn at their positions 1, 2, ...).
fn numeric_axis(values: &[toml::Value]) -> Option<(Vec<f64>, AxisUnit)> {
    let xs: Vec<(f64, AxisUnit)> = values.iter().map(numeric).collect::<Option<_>>()?;
    let unit = xs.first().map_or(AxisUnit::Number, |x| x.1);
    xs.iter()
        .all(|x| x.1 == unit)
        .then(|| (xs.iter().map(|x| x.0).collect(), unit))
}

/// Linear, or logarithmic when the positive values span a factor of 20 or more.
fn scale_of(xs: &[f64]) -> Scale {
    let low = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let high = xs.iter().copied().fold(0.0, f64::max);
    if low > 0.0 && high / low >= 20.0 {
        Scale::Log
    } else {
        Scale::Linear
    }
}

/// The line a metric's chart draws across its axis: the scenario's target or required probability.
fn reference_line(m: &super::StudyMetric) -> (Option<f64>, String) {
    match &m.reference {
        Some(r) => (Some(r.value), r.name.to_string()),
        None => (None, String::new()),
    }
}

/// `Metric against x` in words when that fits a chart's width, else the metric alone (the axes
/// say the rest).
fn sweep_title(m: &super::StudyMetric, x: &str) -> String {
    const FITS: usize = 76;
    let full = format!("{} against {x}", m.label);
    if full.chars().count() <= FITS {
        full
    } else if m.label.chars().count() <= FITS {
        m.label.clone()
    } else {
        format!("{} against {x}", m.short)
    }
}

fn sweep_figures(r: &Sweep) -> Vec<Figure> {
    let xi = r.x;
    let first = &r.axes[xi];
    let axis = numeric_axis(&first.values);
    let x_unit = axis.as_ref().map_or(AxisUnit::Number, |a| a.1);
    let x_of = |i: usize| axis.as_ref().map_or((i + 1) as f64, |a| a.0[i]);
    let x_scale = scale_of(&(0..first.values.len()).map(x_of).collect::<Vec<_>>());
    r.metrics
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let mut series: Vec<SweepSeries> = Vec::new();
            for p in &r.points {
                let label: Vec<String> = r
                    .axes
                    .iter()
                    .zip(&p.at)
                    .enumerate()
                    .filter(|(j, _)| *j != xi)
                    .map(|(_, (a, &i))| format!("{}={}", a.path, show(&a.values[i])))
                    .collect();
                let label = label.join(", ");
                let Some(e) = &p.estimates[k] else { continue };
                let (estimate, lo, hi) = triple(e);
                let point = SweepPoint {
                    x: x_of(p.at[xi]),
                    estimate,
                    lo,
                    hi,
                };
                match series.iter_mut().find(|s| s.label == label) {
                    Some(s) => s.points.push(point),
                    None => series.push(SweepSeries {
                        label,
                        points: vec![point],
                    }),
                }
            }
            let title = sweep_title(m, &first.path);
            let (target, target_name) = reference_line(m);
            Figure {
                name: format!("sweep-{}", slug(&m.path)),
                title: title.clone(),
                spec: ChartSpec::Sweep(SweepChart {
                    title,
                    x_label: if axis.is_some() {
                        first.path.clone()
                    } else {
                        format!("{} (value number)", first.path)
                    },
                    x_unit,
                    x_scale,
                    y_label: m.short.clone(),
                    y_unit: axis_unit(&m.metric),
                    series,
                    target,
                    target_name,
                    marker: None,
                }),
            }
        })
        .collect()
}

/// The chart of a solve: the metric at every evaluated value with its interval at the search's
/// confidence, the threshold, and the boundary found.
pub(crate) fn solve_charts(r: &Solution, m: &super::StudyMetric) -> Vec<(String, Vec<u8>)> {
    let points: Vec<SweepPoint> = r
        .sorted()
        .into_iter()
        .filter_map(|p| {
            let e = p.estimate?;
            let (lo, hi) = match p.interval {
                Some((l, h)) if l.is_finite() && h.is_finite() => (l, h),
                _ => (e.value, e.value),
            };
            Some(SweepPoint {
                x: p.x.as_f64(),
                estimate: e.value,
                lo,
                hi,
            })
        })
        .collect();
    let x_unit = match r.range.0 {
        Scalar::Duration(_) => AxisUnit::Duration,
        _ => AxisUnit::Number,
    };
    let xs: Vec<f64> = points.iter().map(|p| p.x).collect();
    let marker = match &r.outcome {
        Outcome::Found { value, .. } => Some(Marker {
            x: value.as_f64(),
            label: format!(
                "boundary {}",
                crate::report::charts::format_value(value.as_f64(), x_unit)
            ),
        }),
        _ => None,
    };
    let unit = axis_unit(&m.metric);
    let title = sweep_title(m, &r.parameter);
    let figure = Figure {
        name: "solve".into(),
        title: title.clone(),
        spec: ChartSpec::Sweep(SweepChart {
            title,
            x_label: r.parameter.clone(),
            x_unit,
            x_scale: scale_of(&xs),
            y_label: m.short.clone(),
            y_unit: unit,
            series: vec![SweepSeries {
                label: format!("estimate, {} % interval", super::solve::pct(r.confidence)),
                points,
            }],
            target: Some(r.target.threshold.value()),
            target_name: format!("target {}", r.target.op.symbol()),
            marker,
        }),
    };
    files(&[figure]).unwrap_or_else(|e| {
        eprintln!("warning: solve chart not drawn: {e}");
        Vec::new()
    })
}

/// The tornado chart of a sensitivity study: the parameters whose swing is beyond the noise,
/// largest first; those within it are named under the chart.
pub(crate) fn tornado_charts(r: &Sensitivity) -> Vec<(String, Vec<u8>)> {
    // The chart shows the largest swings (effects are sorted); the CSV has every parameter.
    const SHOWN: usize = 15;
    let (beyond, within): (Vec<_>, Vec<_>) = r.effects.iter().partition(|e| !e.within_noise());
    let bars: Vec<TornadoBar> = beyond
        .iter()
        .take(SHOWN)
        .filter_map(|e| {
            let (low, high) = (e.low.as_ref()?, e.high.as_ref()?);
            Some(TornadoBar {
                parameter: e.parameter.path.clone(),
                low_label: compact(&e.parameter.low),
                high_label: compact(&e.parameter.high),
                at_low: low.value,
                at_high: high.value,
            })
        })
        .collect();
    let shown = if beyond.len() > SHOWN {
        format!(" (largest {SHOWN} of {})", beyond.len())
    } else {
        String::new()
    };
    let mut chars = r.metric.short.chars();
    let what: String = chars
        .next()
        .map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect());
    let title = format!("Sensitivity of {what} at ±{} %{shown}", 100.0 * r.fraction);
    let note = (!within.is_empty()).then(|| {
        let names: Vec<&str> = within.iter().map(|e| e.parameter.path.as_str()).collect();
        format!(
            "{} within the noise of common random numbers, not drawn: {}",
            if within.len() == 1 {
                "1 parameter".to_string()
            } else {
                format!("{} parameters", within.len())
            },
            names.join(", ")
        )
    });
    let figure = Figure {
        name: "tornado".into(),
        title: title.clone(),
        spec: ChartSpec::Tornado(TornadoChart {
            title,
            metric_label: r.metric.short.clone(),
            unit: axis_unit(&r.metric.metric),
            base: r.base.as_ref().map_or(0.0, |b| b.value),
            bars,
            note,
        }),
    };
    files(&[figure]).unwrap_or_else(|e| {
        eprintln!("warning: tornado chart not drawn: {e}");
        Vec::new()
    })
}

/// A parameter value short enough for a bar label: a distribution by its durations only
/// (`lognormal(median=3.5h, sigma=1.2)` → `3.5h`, `uniform(2h, 6h)` → `2h–6h`).
fn compact(v: &toml::Value) -> String {
    let text = show(v);
    if !text.contains('(') {
        return text;
    }
    let durations: Vec<&str> = text
        .split(['(', ')', ',', '=', ' '])
        .filter(|t| t.starts_with(|c: char| c.is_ascii_digit()) && t.ends_with(|c: char| c.is_ascii_alphabetic()))
        .collect();
    if durations.is_empty() {
        text
    } else {
        durations.join("–")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_labels_keep_only_the_durations_of_a_distribution() {
        let s = |t: &str| compact(&toml::Value::String(t.into()));
        assert_eq!(s("lognormal(median=3.52h, sigma=1.2)"), "3.52h");
        assert_eq!(s("uniform(2h, 6h)"), "2h–6h");
        assert_eq!(s("30d"), "30d");
        assert_eq!(compact(&toml::Value::Integer(160)), "160");
    }

    #[test]
    fn swept_values_read_as_numbers_or_durations() {
        assert_eq!(numeric(&toml::Value::Integer(3)), Some((3.0, AxisUnit::Number)));
        assert_eq!(
            numeric(&toml::Value::String("exp(mean=2y)".into())),
            Some((2.0 * 365.0 * 86_400.0, AxisUnit::Duration))
        );
        assert_eq!(numeric(&toml::Value::String("premium".into())), None);
    }
}
