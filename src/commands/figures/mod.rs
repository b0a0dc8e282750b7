//! Adapters from results to charts: each function turns a finished run, sweep or study into the
//! plain chart specs of [`crate::report::charts`], and [`files`] renders them as
//! `charts/<name>.svg` and `.png`. Only this layer knows both the results and the charts.

mod replication;
mod results;

pub(crate) use replication::{retry_amplification, timeline};
pub(crate) use results::{availability, distributions};

use crate::expect::{Estimate, Metric, Spread, Unit};
use crate::report::charts::{
    self, AxisUnit, ChartError, ChartSpec, Format, Scale, SweepChart, SweepPoint, SweepSeries, TornadoBar, TornadoChart,
};
use crate::study::overrides::show;
use crate::study::sensitivity::duration_tokens;
use crate::study::{sensitivity::Sensitivity, sweep::Sweep};

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

fn axis_unit(m: &Metric) -> AxisUnit {
    match m.unit() {
        Unit::Duration => AxisUnit::Duration,
        Unit::Probability => AxisUnit::Percent,
        Unit::Number => AxisUnit::Number,
    }
}

/// An estimate as (value, lo, hi), the interval collapsing to the value when there is none (or
/// it is unbounded).
fn triple(e: &Estimate) -> (f64, f64, f64) {
    match e.spread {
        Spread::Interval(lo, hi) if hi.is_finite() => (e.value, lo, hi),
        _ => (e.value, e.value, e.value),
    }
}

/// A swept value on a numeric axis: a number, or a duration (in seconds), or — for a
/// distribution — its first duration (e.g. the mean of `exp(mean=10y)`).
fn numeric(v: &toml::Value) -> Option<(f64, AxisUnit)> {
    use crate::scenario::duration::parse_duration;
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

fn sweep_figures(r: &Sweep) -> Vec<Figure> {
    let first = &r.axes[0];
    let xs: Vec<Option<(f64, AxisUnit)>> = first.values.iter().map(numeric).collect();
    let all_numeric = xs.iter().all(Option::is_some)
        && xs
            .iter()
            .filter_map(|x| x.map(|(_, u)| u))
            .collect::<Vec<_>>()
            .windows(2)
            .all(|w| w[0] == w[1]);
    let x_unit = if all_numeric {
        xs[0].map_or(AxisUnit::Number, |(_, u)| u)
    } else {
        AxisUnit::Number
    };
    let x_of = |i: usize| {
        if all_numeric {
            xs[i].map_or(i as f64, |(x, _)| x)
        } else {
            (i + 1) as f64
        }
    };
    let positive = (0..xs.len()).all(|i| x_of(i) > 0.0);
    let spread = (0..xs.len()).map(x_of).fold(f64::INFINITY, f64::min);
    let widest = (0..xs.len()).map(x_of).fold(0.0, f64::max);
    let x_scale = if positive && widest / spread >= 20.0 {
        Scale::Log
    } else {
        Scale::Linear
    };
    r.metrics
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let mut series: Vec<SweepSeries> = Vec::new();
            for p in &r.points {
                let label: Vec<String> = r.axes[1..]
                    .iter()
                    .zip(&p.at[1..])
                    .map(|(a, &i)| format!("{}={}", a.path, show(&a.values[i])))
                    .collect();
                let label = label.join(", ");
                let Some(e) = &p.estimates[k] else { continue };
                let (estimate, lo, hi) = triple(e);
                let point = SweepPoint {
                    x: x_of(p.at[0]),
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
            let title = format!("{} against {}", m.path, first.path);
            Figure {
                name: format!("sweep-{}", slug(&m.path)),
                title: title.clone(),
                spec: ChartSpec::Sweep(SweepChart {
                    title,
                    x_label: if all_numeric {
                        first.path.clone()
                    } else {
                        format!("{} (value number)", first.path)
                    },
                    x_unit,
                    x_scale,
                    y_label: m.path.clone(),
                    y_unit: axis_unit(&m.metric),
                    series,
                    target: None,
                }),
            }
        })
        .collect()
}

/// The tornado chart of a sensitivity study.
pub(crate) fn tornado_charts(r: &Sensitivity) -> Vec<(String, Vec<u8>)> {
    // The chart shows the largest swings (effects are sorted); the CSV has every parameter.
    const SHOWN: usize = 15;
    let bars: Vec<TornadoBar> = r
        .effects
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
    let shown = if r.effects.len() > SHOWN {
        format!(" (largest {SHOWN} of {})", r.effects.len())
    } else {
        String::new()
    };
    let title = format!("Sensitivity of {} at ±{} %{shown}", r.metric.path, 100.0 * r.fraction);
    let figure = Figure {
        name: "tornado".into(),
        title: title.clone(),
        spec: ChartSpec::Tornado(TornadoChart {
            title,
            metric_label: r.metric.path.clone(),
            unit: axis_unit(&r.metric.metric),
            base: r.base.as_ref().map_or(0.0, |b| b.value),
            bars,
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
        assert_eq!(
            slug("region_disaster.data_plane.rto.p_meet"),
            "region-disaster-data-plane-rto-p-meet"
        );
    }
}
