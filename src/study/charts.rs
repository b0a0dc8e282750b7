//! Charts of studies: a sweep's metrics against its first swept field, a sensitivity study's
//! tornado.

use super::{sensitivity::Sensitivity, sweep::Sweep};
use crate::engine::duration::{duration_tokens, parse_duration};
use crate::report::charts::{
    AxisUnit, ChartSpec, Scale, SweepChart, SweepPoint, SweepSeries, TornadoBar, TornadoChart,
};
use crate::report::figures::{Figure, axis_unit, files, slug, triple};
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
