//! Renders one chart of each kind, as SVG and PNG, into a directory for a person to look at.
//!
//! ```text
//! cargo run --release --example charts_gallery -- target/charts-gallery
//! ```
//! The data is made up (smooth formulas, no simulation).

use outage_sim::report::charts::*;
use std::path::PathBuf;

const MIN: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

/// An ECDF of `n` durations spread log-normally-ish around `median`.
fn ecdf(median: f64, spread: f64, n: usize) -> Vec<(f64, f64)> {
    (1..=n)
        .map(|i| {
            let q = (i as f64 - 0.5) / n as f64;
            let z = (q / (1.0 - q)).ln() / 1.7; // logistic stand-in for the normal quantile
            (median * (spread * z).exp(), i as f64 / n as f64)
        })
        .collect()
}

fn cdf() -> ChartSpec {
    ChartSpec::Cdf(CdfChart {
        title: "Achieved RTO per feature (10 000 replications)".into(),
        x_label: "achieved RTO".into(),
        series: vec![
            CdfSeries {
                label: "checkout".into(),
                points: ecdf(40.0 * MIN, 1.2, 200),
            },
            CdfSeries {
                label: "search".into(),
                points: ecdf(6.0 * HOUR, 0.9, 200),
            },
        ],
        target_s: Some(48.0 * HOUR),
        p_meet: Some(PMeet {
            estimate: 0.9731,
            lo: 0.9702,
            hi: 0.9758,
        }),
        scale: Scale::Log,
    })
}

fn histogram() -> ChartSpec {
    let bins = (0..24)
        .map(|i| {
            let lo = i as f64 * 2.0 * HOUR;
            let count = (400.0 * (-(i as f64 - 5.0).powi(2) / 18.0).exp()) as u64;
            HistogramBin {
                lo_s: lo,
                hi_s: lo + 2.0 * HOUR,
                count,
            }
        })
        .collect();
    ChartSpec::Histogram(HistogramChart {
        title: "Outage duration of region disasters".into(),
        x_label: "outage duration".into(),
        bins,
        target_s: Some(36.0 * HOUR),
        scale: Scale::Linear,
    })
}

fn availability() -> ChartSpec {
    let item = |label: &str, estimate: f64, half: f64| AvailabilityItem {
        label: label.into(),
        estimate,
        lo: estimate - half,
        hi: (estimate + half).min(1.0),
    };
    ChartSpec::Availability(AvailabilityChart {
        title: "Availability per feature, 95 % intervals".into(),
        row_label: "feature".into(),
        items: vec![
            item("checkout", 0.99987, 0.00003),
            item("search", 0.9995, 0.0001),
            item("recommendations", 0.9981, 0.0004),
            item("login", 0.999991, 0.000004),
            item("control plane", 0.99991, 0.00002),
        ],
    })
}

fn timeline() -> ChartSpec {
    let span = |a: f64, b: f64, state| Span {
        start_s: a,
        end_s: b,
        state,
    };
    let t0 = 123.0 * DAY;
    let lane = |group: &str, label: &str, spans| Lane {
        group: group.into(),
        label: label.into(),
        spans,
    };
    ChartSpec::Timeline(TimelineChart {
        title: "Replication 17: zone a fails, checkout fails over".into(),
        lanes: vec![
            lane(
                "zones",
                "zone a",
                vec![
                    span(t0, t0 + 5.0 * HOUR, LaneState::Down),
                    span(t0 + 5.0 * HOUR, t0 + 6.0 * HOUR, LaneState::Recovering),
                ],
            ),
            lane("zones", "zone b", vec![span(t0 - HOUR, t0 + 8.0 * HOUR, LaneState::Up)]),
            lane(
                "services",
                "checkout",
                vec![
                    span(t0, t0 + 4.0 * MIN, LaneState::Down),
                    span(t0 + 4.0 * MIN, t0 + 9.0 * MIN, LaneState::Failover),
                    span(t0 + 9.0 * MIN, t0 + 6.0 * HOUR, LaneState::ServingFromPair),
                    span(t0 + 6.0 * HOUR, t0 + 8.0 * HOUR, LaneState::Up),
                ],
            ),
            lane(
                "services",
                "catalogue",
                vec![
                    span(t0, t0 + 30.0 * MIN, LaneState::Degraded),
                    span(t0 + 30.0 * MIN, t0 + 5.0 * HOUR, LaneState::ReadOnly),
                    span(t0 + 5.0 * HOUR, t0 + 5.0 * HOUR, LaneState::Down),
                ],
            ),
            lane(
                "recovery",
                "restore db",
                vec![span(t0 + HOUR, t0 + 4.5 * HOUR, LaneState::Restoring)],
            ),
        ],
        window: Some((t0 - 30.0 * MIN, t0 + 7.0 * HOUR)),
    })
}

fn series() -> ChartSpec {
    let amplification = |limit: f64| {
        (0..=120)
            .map(|i| {
                let t = i as f64 * 30.0;
                let inside = (600.0..1500.0).contains(&t);
                (
                    t,
                    if inside {
                        1.0 + (limit - 1.0) * (1.0 - (-(t - 600.0) / 200.0).exp())
                    } else {
                        1.0
                    },
                )
            })
            .collect()
    };
    ChartSpec::Series(SeriesChart {
        title: "Retry amplification through a failover".into(),
        x_label: "time since the zone failed".into(),
        y_label: "attempts per request".into(),
        y_unit: AxisUnit::Number,
        series: vec![
            Series {
                label: "3 retries, no budget".into(),
                points: amplification(4.0),
            },
            Series {
                label: "retry budget 10 %".into(),
                points: amplification(1.1),
            },
        ],
        shaded: vec![ShadedInterval {
            start_s: 600.0,
            end_s: 1500.0,
            label: "failover".into(),
        }],
    })
}

fn sweep() -> ChartSpec {
    let line = |label: &str, shift: f64| SweepSeries {
        label: label.into(),
        points: [1.0, 10.0, MIN, 10.0 * MIN, HOUR, 6.0 * HOUR]
            .iter()
            .map(|&x| {
                let p = 1.0 - 0.02 * (x / 60.0).ln().max(0.0) - shift;
                SweepPoint {
                    x,
                    estimate: p,
                    lo: p - 0.004,
                    hi: (p + 0.004).min(1.0),
                }
            })
            .collect(),
    };
    ChartSpec::Sweep(SweepChart {
        title: "P(meet RPO) against replication lag".into(),
        x_label: "replication lag".into(),
        x_unit: AxisUnit::Duration,
        x_scale: Scale::Log,
        y_label: "P(meet RPO 15 min)".into(),
        y_unit: AxisUnit::Percent,
        series: vec![line("2 zones", 0.03), line("3 zones", 0.0)],
        target: Some(0.95),
        target_name: "target".into(),
        marker: None,
    })
}

fn tornado() -> ChartSpec {
    let bar = |parameter: &str, low_label: &str, high_label: &str, at_low: f64, at_high: f64| TornadoBar {
        parameter: parameter.into(),
        low_label: low_label.into(),
        high_label: high_label.into(),
        at_low,
        at_high,
    };
    ChartSpec::Tornado(TornadoChart {
        title: "Sensitivity of checkout availability".into(),
        metric_label: "availability of checkout".into(),
        unit: AxisUnit::Percent,
        base: 0.99987,
        bars: vec![
            bar("failover time", "1 min", "30 min", 0.99994, 0.99962),
            bar("zone MTBF", "30 d", "1 y", 0.99951, 0.99995),
            bar("retry budget", "0 %", "20 %", 0.99985, 0.99988),
            bar("backup interval", "15 min", "24 h", 0.99987, 0.99979),
        ],
        note: Some("within the noise, not drawn: log retention".into()),
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/charts-gallery".into()),
    );
    std::fs::create_dir_all(&dir)?;
    let charts = [
        ("cdf", cdf()),
        ("histogram", histogram()),
        ("availability", availability()),
        ("timeline", timeline()),
        ("series", series()),
        ("sweep", sweep()),
        ("tornado", tornado()),
    ];
    for (name, spec) in &charts {
        for (format, ext) in [(Format::Svg, "svg"), (Format::Png, "png")] {
            let path = dir.join(format!("{name}.{ext}"));
            std::fs::write(&path, render(spec, format)?)?;
            println!("{}", path.display());
        }
    }
    Ok(())
}
