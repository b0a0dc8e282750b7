//! Every chart kind, in both formats, on the edge cases a run can produce.

use super::*;

const MIN: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// A decoded PNG: its size and how many pixels are not white.
fn decode(png_bytes: &[u8]) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a sane size")];
    let info = reader.next_frame(&mut buf).expect("one frame");
    let inked = buf[..info.buffer_size()]
        .chunks(3)
        .filter(|p| p.iter().any(|&c| c < 250))
        .count();
    (info.width, info.height, inked)
}

/// Renders `spec` both ways, checks the PNG's signature, size and ink, and returns the SVG.
fn both(spec: &ChartSpec) -> String {
    let size = spec.default_size();
    let png_bytes = render(spec, Format::Png).unwrap_or_else(|e| panic!("PNG of {spec:?}: {e}"));
    assert_eq!(png_bytes[..8], PNG_SIGNATURE);
    let (w, h, inked) = decode(&png_bytes);
    assert_eq!((w, h), (size.width, size.height));
    assert!(
        inked > 2_000,
        "a PNG with a title and a frame has ink, got {inked} pixels"
    );
    let svg = render(spec, Format::Svg).unwrap_or_else(|e| panic!("SVG of {spec:?}: {e}"));
    let svg = String::from_utf8(svg).expect("SVG is UTF-8");
    assert!(svg.starts_with("<svg"), "{}", &svg[..60.min(svg.len())]);
    assert!(svg.contains(&format!(r#"width="{}" height="{}""#, size.width, size.height)));
    svg
}

/// The text of an SVG `<text>` element, as plotters writes it.
fn text(s: &str) -> String {
    format!(">\n{s}\n</text>")
}

fn has_text(svg: &str, s: &str) -> bool {
    svg.contains(&text(s))
}

fn cdf(points: Vec<(f64, f64)>, target_s: Option<f64>, scale: Scale) -> ChartSpec {
    ChartSpec::Cdf(CdfChart {
        title: "Achieved RTO".into(),
        x_label: "achieved RTO".into(),
        series: vec![CdfSeries {
            label: "checkout".into(),
            points,
        }],
        target_s,
        p_meet: Some(PMeet {
            estimate: 0.9731,
            lo: 0.9702,
            hi: 0.9758,
        }),
        scale,
    })
}

fn histogram(bins: Vec<(f64, f64, u64)>, target_s: Option<f64>, scale: Scale) -> ChartSpec {
    let bins = bins
        .into_iter()
        .map(|(lo_s, hi_s, count)| HistogramBin { lo_s, hi_s, count })
        .collect();
    ChartSpec::Histogram(HistogramChart {
        title: "Outage durations".into(),
        x_label: "outage duration".into(),
        bins,
        target_s,
        scale,
    })
}

fn availability(items: Vec<(f64, f64, f64)>) -> ChartSpec {
    let items = items
        .into_iter()
        .enumerate()
        .map(|(i, (estimate, lo, hi))| AvailabilityItem {
            label: format!("feature {i}"),
            estimate,
            lo,
            hi,
        })
        .collect();
    ChartSpec::Availability(AvailabilityChart {
        title: "Availability per feature".into(),
        row_label: "feature".into(),
        items,
    })
}

fn timeline(spans: Vec<(f64, f64, LaneState)>, window: Option<(f64, f64)>) -> ChartSpec {
    let spans = spans
        .into_iter()
        .map(|(start_s, end_s, state)| Span { start_s, end_s, state })
        .collect();
    ChartSpec::Timeline(TimelineChart {
        title: "Replication 3".into(),
        lanes: vec![
            Lane {
                group: "zones".into(),
                label: "zone a".into(),
                spans,
            },
            Lane {
                group: "services".into(),
                label: "checkout".into(),
                spans: vec![],
            },
        ],
        window,
    })
}

fn series(points: Vec<(f64, f64)>, shaded: Vec<(f64, f64)>) -> ChartSpec {
    ChartSpec::Series(SeriesChart {
        title: "Retry amplification".into(),
        x_label: "time since the failure".into(),
        y_label: "attempts per request".into(),
        y_unit: AxisUnit::Number,
        series: vec![Series {
            label: "no budget".into(),
            points,
        }],
        shaded: shaded
            .into_iter()
            .map(|(start_s, end_s)| ShadedInterval {
                start_s,
                end_s,
                label: "failover".into(),
            })
            .collect(),
    })
}

fn sweep(points: Vec<(f64, f64, f64, f64)>, x_unit: AxisUnit, x_scale: Scale, target: Option<f64>) -> ChartSpec {
    let points = points
        .into_iter()
        .map(|(x, estimate, lo, hi)| SweepPoint { x, estimate, lo, hi })
        .collect();
    ChartSpec::Sweep(SweepChart {
        title: "P(meet RPO) by lag".into(),
        x_label: "replication lag".into(),
        x_unit,
        x_scale,
        y_label: "P(meet RPO)".into(),
        y_unit: AxisUnit::Percent,
        series: vec![SweepSeries {
            label: "3 zones".into(),
            points,
        }],
        target,
        target_name: "target".into(),
        marker: None,
    })
}

fn tornado(base: f64, bars: Vec<(&str, f64, f64)>) -> ChartSpec {
    let bars = bars
        .into_iter()
        .map(|(parameter, at_low, at_high)| TornadoBar {
            parameter: parameter.into(),
            low_label: "low".into(),
            high_label: "high".into(),
            at_low,
            at_high,
        })
        .collect();
    ChartSpec::Tornado(TornadoChart {
        title: "Sensitivity".into(),
        metric_label: "availability".into(),
        unit: AxisUnit::Percent,
        base,
        bars,
        note: None,
    })
}

fn stacked(unit: AxisUnit, bars: Vec<(&str, Vec<(&str, f64)>)>) -> ChartSpec {
    ChartSpec::Stacked(StackedChart {
        title: "Where the time goes".into(),
        x_label: "mean time".into(),
        row_label: "plane".into(),
        unit,
        bars: bars
            .into_iter()
            .map(|(label, parts)| StackedBar {
                label: label.into(),
                parts: parts.into_iter().map(|(n, v)| (n.to_string(), v)).collect(),
            })
            .collect(),
        empty_note: "no incident missed a target".into(),
    })
}

fn draws_cdf(values: Vec<f64>, reference: Option<f64>) -> ChartSpec {
    let q = |label: &str, level: f64| DrawQuantile {
        label: label.into(),
        level,
        value: values.iter().copied().fold(f64::NAN, f64::min) * (1.0 - level)
            + values.iter().copied().fold(f64::NAN, f64::max) * level,
    };
    let quantiles = if values.is_empty() {
        Vec::new()
    } else {
        vec![q("p05", 0.05), q("p50", 0.5), q("p95", 0.95)]
    };
    ChartSpec::DrawsCdf(DrawsCdfChart {
        title: "P(meet RTO) over draws".into(),
        x_label: "P(achieved RTO <= 48 h)".into(),
        unit: AxisUnit::Percent,
        values,
        reference: reference.map(|r| ("required".to_string(), r)),
        quantiles,
    })
}

/// A parameter's Sobol indices: (name, first, its interval, total, its interval).
type SobolRow<'a> = (&'a str, f64, [f64; 2], f64, [f64; 2]);

fn sobol(bars: Vec<SobolRow<'_>>, note: Option<&str>) -> ChartSpec {
    ChartSpec::Sobol(SobolChart {
        title: "What matters most for availability".into(),
        bars: bars
            .into_iter()
            .map(|(parameter, first, first_ci95, total, total_ci95)| SobolBar {
                parameter: parameter.into(),
                first,
                first_ci95,
                total,
                total_ci95,
            })
            .collect(),
        empty_note: "no Sobol indices".into(),
        note: note.map(String::from),
    })
}

fn title(spec: &ChartSpec) -> &str {
    match spec {
        ChartSpec::Cdf(c) => &c.title,
        ChartSpec::Histogram(c) => &c.title,
        ChartSpec::Availability(c) => &c.title,
        ChartSpec::Timeline(c) => &c.title,
        ChartSpec::Series(c) => &c.title,
        ChartSpec::Sweep(c) => &c.title,
        ChartSpec::Tornado(c) => &c.title,
        ChartSpec::Stacked(c) => &c.title,
        ChartSpec::DrawsCdf(c) => &c.title,
        ChartSpec::Sobol(c) => &c.title,
    }
}

const YEAR: f64 = 365.0 * DAY;

/// Each kind with no data, one point, all-equal values, zero-length extents and 1 s … 365 d.
fn edge_cases() -> Vec<(&'static str, ChartSpec)> {
    use LaneState::*;
    vec![
        ("cdf empty", cdf(vec![], Some(HOUR), Scale::Log)),
        ("cdf single", cdf(vec![(30.0, 1.0)], Some(HOUR), Scale::Linear)),
        ("cdf equal", cdf(vec![(600.0, 0.5), (600.0, 1.0)], None, Scale::Log)),
        (
            "cdf zeros on log",
            cdf(vec![(0.0, 0.8), (5.0, 1.0)], Some(60.0), Scale::Log),
        ),
        (
            "cdf huge",
            cdf(vec![(1.0, 0.1), (YEAR, 1.0)], Some(2.0 * DAY), Scale::Log),
        ),
        (
            "cdf huge linear",
            cdf(vec![(1.0, 0.1), (YEAR, 1.0)], Some(2.0 * DAY), Scale::Linear),
        ),
        ("histogram empty", histogram(vec![], Some(HOUR), Scale::Linear)),
        (
            "histogram all zero",
            histogram(vec![(0.0, 60.0, 0)], None, Scale::Linear),
        ),
        (
            "histogram single",
            histogram(vec![(60.0, 120.0, 3)], Some(HOUR), Scale::Linear),
        ),
        (
            "histogram zero width",
            histogram(vec![(60.0, 60.0, 5)], None, Scale::Log),
        ),
        (
            "histogram huge",
            histogram(vec![(1.0, 10.0, 4), (10.0, YEAR, 2)], Some(DAY), Scale::Log),
        ),
        ("availability empty", availability(vec![])),
        ("availability single", availability(vec![(0.9999, 0.9998, 0.99995)])),
        (
            "availability perfect",
            availability(vec![(1.0, 1.0, 1.0), (1.0, 1.0, 1.0)]),
        ),
        ("availability zero", availability(vec![(0.0, 0.0, 0.0)])),
        (
            "availability wide",
            availability(vec![(0.5, 0.1, 0.9), (0.999_999, 0.999_998, 1.0)]),
        ),
        ("timeline empty", timeline(vec![], None)),
        (
            "timeline out of window",
            timeline(vec![(0.0, HOUR, Down)], Some((DAY, 2.0 * DAY))),
        ),
        ("timeline instant", timeline(vec![(HOUR, HOUR, Failover)], None)),
        ("timeline instant at zero", timeline(vec![(0.0, 0.0, Down)], None)),
        (
            "timeline huge",
            timeline(vec![(1.0, YEAR, Up), (5.0 * DAY, 5.0 * DAY + MIN, Down)], None),
        ),
        (
            "timeline window",
            timeline(vec![(0.0, YEAR, Degraded)], Some((100.0 * DAY, 100.0 * DAY + HOUR))),
        ),
        ("series empty", series(vec![], vec![(0.0, 60.0)])),
        ("series single", series(vec![(60.0, 1.5)], vec![])),
        ("series flat", series(vec![(0.0, 1.0), (60.0, 1.0)], vec![(30.0, 30.0)])),
        (
            "series huge",
            series(vec![(1.0, 0.0), (YEAR, 1e6)], vec![(DAY, 2.0 * DAY)]),
        ),
        ("sweep empty", sweep(vec![], AxisUnit::Number, Scale::Linear, Some(0.9))),
        (
            "sweep single",
            sweep(vec![(3.0, 0.97, 0.96, 0.98)], AxisUnit::Number, Scale::Linear, None),
        ),
        (
            "sweep equal",
            sweep(
                vec![(0.5, 1.0, 1.0, 1.0), (0.5, 1.0, 1.0, 1.0)],
                AxisUnit::Percent,
                Scale::Linear,
                None,
            ),
        ),
        (
            "sweep huge",
            sweep(
                vec![(1.0, 0.9, 0.8, 1.0), (YEAR, 0.1, 0.0, 0.2)],
                AxisUnit::Duration,
                Scale::Log,
                Some(0.5),
            ),
        ),
        ("tornado empty", tornado(0.999, vec![])),
        ("tornado single", tornado(0.999, vec![("mtbf", 0.998, 0.9995)])),
        (
            "tornado no effect",
            tornado(0.999, vec![("mtbf", 0.999, 0.999), ("budget", 0.999, 0.999)]),
        ),
        (
            "tornado one side",
            tornado(0.5, vec![("mtbf", 0.7, 0.9), ("budget", 0.4, 0.45)]),
        ),
        ("stacked empty", stacked(AxisUnit::Duration, vec![])),
        (
            "stacked all zero",
            stacked(AxisUnit::Duration, vec![("data plane", vec![("consent", 0.0)])]),
        ),
        (
            "stacked single",
            stacked(
                AxisUnit::Percent,
                vec![("data plane RTO", vec![("consent-refused", 1.0)])],
            ),
        ),
        (
            "stacked huge",
            stacked(
                AxisUnit::Duration,
                vec![("a", vec![("detection", 1.0), ("repair", YEAR)]), ("b", vec![])],
            ),
        ),
        ("draws cdf empty", draws_cdf(vec![], Some(0.99))),
        ("draws cdf single", draws_cdf(vec![0.97], Some(0.99))),
        ("draws cdf all equal", draws_cdf(vec![1.0, 1.0, 1.0], Some(0.99))),
        (
            "draws cdf spread",
            draws_cdf(vec![0.2, 0.95, 0.5, 0.999, 0.7], Some(0.9)),
        ),
        (
            "sobol empty",
            sobol(vec![], Some("No Sobol indices: the metric does not vary")),
        ),
        (
            "sobol single",
            sobol(vec![("mtbf", 0.9, [0.8, 1.0], 0.95, [0.9, 1.0])], None),
        ),
        (
            "sobol wild intervals",
            sobol(
                vec![
                    (
                        "failures[name=component-failure].time_to_failure",
                        0.88,
                        [-3.4, 6.1],
                        1.1,
                        [0.7, 1.7],
                    ),
                    ("recovery.database.size_gb", -0.08, [-0.2, 0.1], 0.0, [0.0, 0.0]),
                ],
                Some("a note"),
            ),
        ),
    ]
}

#[test]
fn every_kind_renders_every_edge_case_in_both_formats() {
    for (case, spec) in edge_cases() {
        let svg = both(&spec);
        assert!(has_text(&svg, title(&spec)), "{case}: the title is drawn");
    }
}

#[test]
fn no_data_renders_a_titled_panel_that_says_so() {
    let cases = edge_cases();
    let find = |name: &str| &cases.iter().find(|(n, _)| *n == name).expect("a case").1;
    for (case, message) in [
        ("cdf empty", "no incidents"),
        ("histogram empty", "no incidents"),
        ("histogram all zero", "no incidents"),
        ("availability empty", "no data"),
        ("timeline empty", "no spans in view"),
        ("timeline out of window", "no spans in view"),
        ("series empty", "no data"),
        ("sweep empty", "no data"),
        ("tornado empty", "no data"),
        ("stacked empty", "no incident missed a target"),
        ("stacked all zero", "no incident missed a target"),
        ("draws cdf empty", "no draw has a value"),
        ("sobol empty", "no Sobol indices"),
    ] {
        assert!(has_text(&both(find(case)), message), "{case} says '{message}'");
    }
    assert!(!both(find("cdf single")).contains("no incidents"));
}

#[test]
fn cdf_shows_target_p_meet_legend_and_axis_titles() {
    let svg = both(&cdf(vec![(600.0, 0.5), (7200.0, 1.0)], Some(48.0 * HOUR), Scale::Log));
    for s in [
        "target 48 h",
        "P(meet) = 0.9731 [0.9702, 0.9758]",
        "checkout",
        "achieved RTO (log scale)",
        "incidents at or below (%)",
    ] {
        assert!(has_text(&svg, s), "missing '{s}'");
    }
    // Every value meets the target: the target still shows, right of all the data.
    let svg = both(&cdf(vec![(60.0, 1.0)], Some(36.0 * HOUR), Scale::Linear));
    assert!(has_text(&svg, "target 36 h"));
}

#[test]
fn duration_axes_show_human_durations_not_seconds() {
    let svg = both(&cdf(vec![(1.0, 0.1), (YEAR, 1.0)], None, Scale::Log));
    for tick in ["1 s", "1 min", "1 h", "30 d", "365 d"] {
        assert!(has_text(&svg, tick), "log tick '{tick}'");
    }
    let svg = both(&cdf(vec![(0.0, 0.1), (3.0 * HOUR, 1.0)], None, Scale::Linear));
    for tick in ["0 s", "30 min", "1.5 h", "3 h"] {
        assert!(has_text(&svg, tick), "linear tick '{tick}'");
    }
    assert!(
        !has_text(&svg, "3600") && !has_text(&svg, "1800"),
        "no raw seconds on the axis"
    );
}

#[test]
fn percent_axes_and_availability_rows_show_percentages() {
    let svg = both(&availability(vec![
        (0.99987, 0.99984, 0.9999),
        (0.9995, 0.9994, 0.9996),
    ]));
    assert!(has_text(&svg, "99.987 % [99.984 %, 99.99 %]"));
    assert!(has_text(&svg, "expected downtime per year (log scale; left is better)"));
    assert!(has_text(&svg, "feature 1") && has_text(&svg, "feature"));
    let svg = both(&sweep(
        vec![(1.0, 0.97, 0.96, 0.98), (2.0, 0.9, 0.88, 0.92)],
        AxisUnit::Number,
        Scale::Linear,
        Some(0.95),
    ));
    assert!(has_text(&svg, "target 95 %") && has_text(&svg, "P(meet RPO)") && has_text(&svg, "3 zones"));
}

#[test]
fn timeline_legend_names_the_states_drawn() {
    use LaneState::*;
    let spec = timeline(
        vec![
            (0.0, HOUR, Down),
            (HOUR, HOUR, Failover),
            (HOUR, 3.0 * HOUR, ServingFromPair),
        ],
        None,
    );
    let svg = both(&spec);
    for s in [
        "down",
        "failover",
        "serving from pair",
        "[zones]",
        "[services]",
        "zone a",
        "time since the start of the run",
    ] {
        assert!(has_text(&svg, s), "missing '{s}'");
    }
    assert!(!has_text(&svg, "restoring"), "states not drawn stay out of the legend");
    let zoomed = both(&timeline(
        vec![(0.0, YEAR, Down)],
        Some((100.0 * DAY, 100.0 * DAY + 2.0 * HOUR)),
    ));
    assert!(has_text(&zoomed, "time since window start (100 d into the run)"));
    assert!(has_text(&zoomed, "2 h"), "ticks count from the window start");
}

#[test]
fn series_and_tornado_label_their_references() {
    let svg = both(&series(vec![(0.0, 1.0), (600.0, 3.0)], vec![(100.0, 300.0)]));
    assert!(has_text(&svg, "failover") && has_text(&svg, "attempts per request") && has_text(&svg, "10 min"));
    let svg = both(&tornado(
        0.999,
        vec![("small", 0.9989, 0.9991), ("large", 0.99, 0.9999)],
    ));
    assert!(has_text(&svg, "base 99.9 %") && has_text(&svg, "parameter at its low value"));
    let (large, small) = (svg.find(&text("large")), svg.find(&text("small")));
    assert!(large < small && large.is_some(), "the largest effect is the first row");
}

#[test]
fn png_text_is_drawn() {
    let a = render(&cdf(vec![(60.0, 1.0)], None, Scale::Linear), Format::Png).unwrap();
    let mut other = cdf(vec![(60.0, 1.0)], None, Scale::Linear);
    if let ChartSpec::Cdf(c) = &mut other {
        c.title = "Achieved RPO, a different title".into();
    }
    let b = render(&other, Format::Png).unwrap();
    assert!(decode(&b).2 > decode(&a).2, "a longer title puts more ink on the PNG");
}

#[test]
fn sizes_are_honoured_and_tall_timelines_grow() {
    let spec = cdf(vec![(60.0, 1.0)], None, Scale::Linear);
    let size = Size {
        width: 640,
        height: 360,
    };
    let png_bytes = render_sized(&spec, Format::Png, size).unwrap();
    let (w, h, _) = decode(&png_bytes);
    assert_eq!((w, h), (640, 360));
    let svg = String::from_utf8(render_sized(&spec, Format::Svg, size).unwrap()).unwrap();
    assert!(svg.contains(r#"width="640" height="360""#));
    assert_eq!(spec.default_size(), Size::DEFAULT);

    let lanes = (0..40)
        .map(|i| Lane {
            group: format!("g{}", i % 4),
            label: format!("lane {i}"),
            spans: vec![],
        })
        .collect();
    let tall = ChartSpec::Timeline(TimelineChart {
        title: "t".into(),
        lanes,
        window: None,
    });
    assert!(tall.default_size().height > Size::DEFAULT.height);
}

#[test]
fn non_finite_values_are_rejected_with_their_place() {
    let err = render(&cdf(vec![(f64::NAN, 1.0)], None, Scale::Log), Format::Svg).unwrap_err();
    assert!(
        matches!(err, ChartError::InvalidData(ref m) if m.contains("checkout")),
        "{err}"
    );
    let err = render(&availability(vec![(f64::INFINITY, 0.0, 1.0)]), Format::Png).unwrap_err();
    assert!(matches!(err, ChartError::InvalidData(_)), "{err}");
}

#[test]
fn long_cdfs_stay_small_in_svg() {
    // 20 000 step corners, most of them sharing a pixel with their neighbour.
    let points = (1..=10_000)
        .map(|i| (60.0 * (1.0 + f64::from(i) / 100.0).powi(3), f64::from(i) / 10_000.0))
        .collect();
    let svg = both(&cdf(points, Some(DAY), Scale::Log));
    assert!(svg.len() < 60_000, "the SVG has {} bytes", svg.len());
}

#[test]
fn a_stacked_part_keeps_its_colour_in_every_bar_and_is_named_once() {
    let spec = stacked(
        AxisUnit::Duration,
        vec![
            (
                "control plane",
                vec![("consent", HOUR), ("control-plane-failover", 2.0 * HOUR)],
            ),
            ("data plane", vec![("consent", HOUR), ("database-restore", 40.0 * HOUR)]),
        ],
    );
    let svg = both(&spec);
    assert_eq!(svg.matches(&text("consent")).count(), 1, "one legend entry per part");
    for part in ["control-plane-failover", "database-restore"] {
        assert!(has_text(&svg, part), "{part} in the legend");
    }
    // Consent is the first part: both bars start with a rectangle of its colour.
    assert_eq!(svg.matches("fill=\"#0072B2\"").count(), 3, "two bars and a swatch");
    // Negative parts are refused rather than drawn backwards.
    let bad = stacked(AxisUnit::Duration, vec![("x", vec![("consent", -1.0)])]);
    assert!(render(&bad, Format::Svg).is_err());
}

/// Issue 14, item 7: an all-zero distribution on a log axis drew an empty box; the chart says
/// what it means instead.
#[test]
fn an_all_zero_distribution_says_so() {
    let svg = both(&ChartSpec::Cdf(CdfChart {
        title: "CDF of Data plane RPO".into(),
        x_label: "achieved RPO".into(),
        series: vec![CdfSeries {
            label: String::new(),
            points: vec![(0.0, 1.0)],
        }],
        target_s: Some(12.0 * HOUR),
        p_meet: None,
        scale: Scale::Log,
    }));
    assert!(has_text(&svg, "RPO was 0 in every incident"), "{svg}");
    // One non-zero value: a curve again.
    let svg = both(&cdf(vec![(0.0, 0.5), (30.0, 1.0)], Some(HOUR), Scale::Log));
    assert!(!svg.contains("was 0 in every incident"));
}

/// The target is marked on both distribution charts, whatever side of the data it falls on.
#[test]
fn the_target_is_marked_on_cdfs_and_histograms() {
    for target in [10.0, 48.0 * HOUR] {
        let svg = both(&cdf(vec![(20.0, 0.5), (40.0, 1.0)], Some(target), Scale::Log));
        assert!(svg.contains("target "), "{target}");
        let svg = both(&histogram(
            vec![(20.0, 30.0, 3), (30.0, 40.0, 1)],
            Some(target),
            Scale::Log,
        ));
        assert!(svg.contains("target "), "{target}");
    }
}

/// A recovery stage the primary overtook is drawn in its own state, named in the legend.
#[test]
fn abandoned_stages_are_named_in_the_legend() {
    let svg = both(&timeline(
        vec![
            (0.0, HOUR, LaneState::Recovering),
            (HOUR, 3.0 * HOUR, LaneState::Abandoned),
        ],
        None,
    ));
    assert!(has_text(&svg, "abandoned (primary back first)"), "{svg}");
}

#[test]
fn a_cdf_over_draws_marks_the_required_probability_and_the_quantiles() {
    let svg = both(&draws_cdf(vec![0.2, 0.95, 0.5, 0.999, 0.7], Some(0.9)));
    assert!(has_text(&svg, "required 90 %"), "the required line is labelled");
    for q in ["p05 ", "p50 ", "p95 "] {
        assert!(svg.contains(&format!(">\n{q}")), "{q} is marked");
    }
    assert!(has_text(&svg, "draws at or below (%)"));
    assert!(has_text(&svg, "P(achieved RTO &lt;= 48 h)"));
    let all_up = both(&draws_cdf(vec![1.0, 1.0], None));
    assert!(
        !all_up.contains("100.1 %") && !all_up.contains("100.05 %"),
        "no share above 100 %"
    );
}

#[test]
fn sobol_bars_are_sorted_by_total_and_named_in_the_legend() {
    let spec = sobol(
        vec![
            ("small", 0.1, [0.0, 0.2], 0.15, [0.1, 0.2]),
            ("large", 0.7, [0.5, 0.9], 0.8, [0.6, 1.0]),
        ],
        None,
    );
    let ChartSpec::Sobol(c) = &spec else { unreachable!() };
    let order: Vec<&str> = c.sorted().iter().map(|b| b.parameter.as_str()).collect();
    assert_eq!(order, ["large", "small"]);
    let svg = both(&spec);
    for text in [
        "first order (alone)",
        "total (with interactions)",
        "95 % interval",
        "large",
        "0.80",
    ] {
        assert!(has_text(&svg, text), "{text}");
    }
    // Taller with more parameters: two bars a row.
    let many = sobol(vec![("p", 0.1, [0.0, 0.2], 0.1, [0.0, 0.2]); 12], None);
    assert!(many.default_size().height > Size::DEFAULT.height);
}
