//! Charts of a run's statistics: CDFs and histograms of achieved RTO/RPO, availability.

use super::{Figure, slug};
use crate::model::metric::Objective;
use crate::montecarlo::Distributions;
use crate::montecarlo::Family;
use crate::montecarlo::Summary;
use crate::report::charts::{
    AvailabilityChart, AvailabilityItem, CdfChart, CdfSeries, ChartSpec, HistogramBin, HistogramChart, PMeet, Scale,
};
use crate::stats::ProportionSummary;

/// P(meet) of a family, from the summary (a family's key is the path of its summary).
fn p_meet(summary: &Summary, f: &Family) -> Option<PMeet> {
    let objective = match f.objective.as_str() {
        "rto" => Objective::Rto,
        _ => Objective::Rpo,
    };
    let p: &ProportionSummary = if f.key.starts_with("region_disasters.") {
        summary.region_disasters.as_ref()?.planes[f.plane].p_meet(objective)?
    } else {
        summary.zone_incidents[f.plane].p_meet(objective)?
    };
    Some(PMeet {
        estimate: p.estimate,
        lo: p.wilson95[0],
        hi: p.wilson95[1],
    })
}

/// What a chart of family `f` counts: `n = 22118`, and the incidents it leaves out and why, so
/// that its count agrees with the table's (issue 14): an RTO leaves out incidents still open at
/// the horizon (their RTO is unknown), a disaster's RPO the disasters that lost the data outright.
fn counted(summary: &Summary, f: &Family) -> String {
    let disasters = f.key.starts_with("region_disasters.");
    let left_out = match (disasters, f.objective.as_str()) {
        (false, "rto") => (
            summary.zone_incidents[f.plane].censored_incidents,
            "open at the horizon",
        ),
        (true, "rto") => summary
            .region_disasters
            .as_ref()
            .map_or((0, ""), |r| (r.planes[f.plane].censored, "still down at the horizon")),
        (true, _) => summary
            .region_disasters
            .as_ref()
            .map_or((0, ""), |r| (r.planes[f.plane].data_lost, "with the data lost")),
        _ => (0, ""),
    };
    match left_out {
        (0, _) => format!("n = {}", f.count),
        (k, why) => format!("n = {}; {k} {why} not shown", f.count),
    }
}

/// A CDF per distribution, and a histogram of each RTO distribution.
pub(crate) fn distributions(summary: &Summary, d: &Distributions) -> Vec<Figure> {
    let mut out = Vec::new();
    for f in &d.families {
        let what = if f.objective == "rto" {
            "achieved RTO"
        } else {
            "achieved RPO"
        };
        let title = format!("{} ({})", f.title, counted(summary, f));
        out.push(Figure {
            name: format!("cdf-{}", slug(&f.key)),
            title: format!("CDF: {title}"),
            spec: ChartSpec::Cdf(CdfChart {
                title: format!("CDF of {title}"),
                x_label: what.into(),
                series: vec![CdfSeries {
                    label: String::new(),
                    points: f.cdf.iter().map(|p| (p[0], p[1])).collect(),
                }],
                target_s: Some(f.target_s),
                p_meet: p_meet(summary, f),
                scale: Scale::Log,
            }),
        });
    }
    for f in d.families.iter().filter(|f| f.objective == "rto") {
        out.push(Figure {
            name: format!("histogram-{}", slug(&f.key)),
            title: format!("Histogram: {} ({})", f.title, counted(summary, f)),
            spec: ChartSpec::Histogram(HistogramChart {
                title: format!("Histogram of {} ({})", f.title, counted(summary, f)),
                x_label: "achieved RTO".into(),
                bins: histogram(f),
                target_s: Some(f.target_s),
                scale: Scale::Log,
            }),
        });
    }
    out
}

/// About 30 log-spaced bins over the family's range, counted from its CDF points (each point is
/// a bucket boundary of the run's histogram, so counts are exact at those boundaries).
fn histogram(f: &Family) -> Vec<HistogramBin> {
    let (Some(first), Some(last)) = (f.cdf.first(), f.cdf.last()) else {
        return Vec::new();
    };
    let lo = first[0].max(1e-3);
    let hi = last[0].max(lo * 1.001);
    const BINS: usize = 30;
    let ratio = (hi / lo).powf(1.0 / BINS as f64);
    let mut bins: Vec<HistogramBin> = (0..BINS)
        .map(|i| HistogramBin {
            lo_s: lo * ratio.powi(i as i32),
            hi_s: lo * ratio.powi(i as i32 + 1),
            count: 0,
        })
        .collect();
    let mut before = 0.0;
    for p in &f.cdf {
        let n = ((p[1] - before) * f.count as f64).round() as u64;
        before = p[1];
        let i = (((p[0].max(lo) / lo).ln() / ratio.ln()) as usize).min(BINS - 1);
        bins[i].count += n;
    }
    bins
}

/// Availability of the planes and features with their intervals.
pub(crate) fn availability(summary: &Summary) -> Figure {
    let items = summary
        .availability
        .rows()
        .into_iter()
        .map(|(name, _, a)| {
            let [lo, hi] = a.ci95.unwrap_or([a.estimate; 2]);
            AvailabilityItem {
                label: name.to_string(),
                estimate: a.estimate,
                lo,
                hi,
            }
        })
        .collect();
    Figure {
        name: "availability".into(),
        title: "Availability per plane and feature, 95 % intervals (as expected downtime per year)".into(),
        spec: ChartSpec::Availability(AvailabilityChart {
            title: format!(
                "Availability, {} replications of {}",
                summary.replications, summary.horizon
            ),
            row_label: "plane or feature".into(),
            items,
        }),
    }
}

/// "Where the time goes" (mean time per step on the critical path, per plane) and "why targets
/// were missed" (share of misses per cause, per plane and objective).
pub(crate) fn critical_path(summary: &Summary) -> Vec<Figure> {
    use crate::model::Plane;
    use crate::report::charts::{AxisUnit, StackedBar, StackedChart};
    let plane_name = |p: Plane| match p {
        Plane::Control => "control plane",
        Plane::Data => "data plane",
    };
    let time_bars = summary
        .critical_path
        .iter()
        .filter(|(_, c)| c.incidents > 0)
        .map(|(p, c)| StackedBar {
            label: format!(
                "{} (n = {}, RTO target {})",
                plane_name(p),
                c.incidents,
                crate::engine::duration::human(crate::engine::SimDuration::from_secs_f64(
                    summary.zone_incidents[p].target_rto_s
                ))
            ),
            parts: c
                .time
                .iter()
                .filter_map(|(k, m)| Some((k.to_string(), m.as_ref()?.estimate)))
                .collect(),
        })
        .collect();
    let mut miss_bars = Vec::new();
    for (p, c) in summary.critical_path.iter() {
        for o in Objective::ALL {
            let m = c.misses(o);
            if m.count == 0 {
                continue;
            }
            miss_bars.push(StackedBar {
                label: format!("{} {} ({} misses)", plane_name(p), o.name(), m.count),
                parts: m
                    .causes
                    .iter()
                    .filter_map(|(k, s)| Some((k.to_string(), s.as_ref()?.estimate)))
                    .collect(),
            });
        }
    }
    vec![
        Figure {
            name: "where-the-time-goes".into(),
            title: "Where the time goes: mean time per completed incident on its critical path".into(),
            spec: ChartSpec::Stacked(StackedChart {
                title: "Where the time goes (mean per incident)".into(),
                x_label: "mean time on the critical path".into(),
                row_label: "plane".into(),
                unit: AxisUnit::Duration,
                bars: time_bars,
                empty_note: "no completed incidents".into(),
            }),
        },
        Figure {
            name: "why-targets-were-missed".into(),
            title: "Why targets were missed: share of the misses by cause".into(),
            spec: ChartSpec::Stacked(StackedChart {
                title: "Why targets were missed".into(),
                x_label: "share of the misses".into(),
                row_label: "objective".into(),
                unit: AxisUnit::Percent,
                bars: miss_bars,
                empty_note: "no incident missed a target".into(),
            }),
        },
    ]
}
