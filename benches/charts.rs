//! Rendering cost of the charts: a two-series CDF of 10 000 points each (a step path of 20 000
//! corners, about what a long run's achieved RTOs give) and a 20-lane timeline, as SVG and PNG.
//!
//! Run: `cargo bench --bench charts -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use outage_sim::report::charts::*;

fn cdf() -> ChartSpec {
    let series = |label: &str, scale: f64| CdfSeries {
        label: label.into(),
        points: (1..=10_000)
            .map(|i| (scale * (1.0 + i as f64 / 100.0).powi(3), i as f64 / 10_000.0))
            .collect(),
    };
    ChartSpec::Cdf(CdfChart {
        title: "Achieved RTO".into(),
        x_label: "achieved RTO".into(),
        series: vec![series("checkout", 60.0), series("search", 600.0)],
        target_s: Some(172_800.0),
        p_meet: Some(PMeet {
            estimate: 0.9731,
            lo: 0.9702,
            hi: 0.9758,
        }),
        scale: Scale::Log,
    })
}

fn timeline() -> ChartSpec {
    let lanes = (0..20)
        .map(|i| Lane {
            group: format!("group {}", i / 5),
            label: format!("lane {i}"),
            spans: (0..50)
                .map(|k| Span {
                    start_s: k as f64 * 3600.0,
                    end_s: k as f64 * 3600.0 + 1800.0,
                    state: LaneState::ALL[(i + k) % LaneState::ALL.len()],
                })
                .collect(),
        })
        .collect();
    ChartSpec::Timeline(TimelineChart {
        title: "Replication".into(),
        lanes,
        window: None,
    })
}

fn charts(c: &mut Criterion) {
    let mut group = c.benchmark_group("charts");
    for (name, spec) in [("cdf_2x10k", cdf()), ("timeline_20x50", timeline())] {
        for (format, label) in [(Format::Svg, "svg"), (Format::Png, "png")] {
            group.bench_with_input(BenchmarkId::new(name, label), &spec, |b, spec| {
                b.iter(|| render(black_box(spec), format).expect("renders"))
            });
        }
    }
    group.finish();
}

// No HTML plots: the crate turns on plotters' `ab_glyph` text (for its own PNG charts), under which
// criterion's plot backend finds no font and panics.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = charts
}
criterion_main!(benches);
