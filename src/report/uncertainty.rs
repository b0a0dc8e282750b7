//! The table's block for a two-level run: the priors as drawn, the key metrics over the draws, and
//! the Sobol indices (pure: summary in, text out).

use super::numbers::{percent as pct, probability};
use crate::engine::SimDuration;
use crate::engine::duration::human;
use crate::montecarlo::Summary;
use crate::montecarlo::uncertainty::{DrawSummary, UncertaintySummary};
use std::fmt::Write;

/// The metrics the block shows, when the run has them: availability and P(meet) of every plane
/// over all its incidents, then those with Sobol indices.
pub(crate) fn key_metrics(u: &UncertaintySummary) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for plane in ["control_plane", "data_plane"] {
        out.push(format!("availability.{plane}"));
    }
    for plane in ["control_plane", "data_plane"] {
        for objective in ["rto", "rpo"] {
            out.push(format!("objectives.{plane}.{objective}.all.p_meet"));
        }
    }
    for (m, _) in u.sobol.iter() {
        if !out.iter().any(|o| o == m) {
            out.push(m.to_string());
        }
    }
    out.retain(|m| u.metrics.get(m).is_some());
    out
}

/// A value in its unit.
pub(crate) fn value(d: &DrawSummary, x: f64, path: &str) -> String {
    match d.unit.as_str() {
        "duration" => human(SimDuration::from_secs_f64(x.max(0.0))),
        "probability" if path.starts_with("availability.") => pct(x),
        "probability" => probability(x),
        _ => format!("{x:.4}"),
    }
}

/// A bound of an interval in its unit, `-` where there is none.
pub(crate) fn bound(d: &DrawSummary, x: Option<f64>, path: &str) -> String {
    x.map_or_else(|| "-".to_string(), |x| value(d, x, path))
}

/// A metric's cells over the draws, in its unit: p05, its 95 % interval, p50, p95, the inner
/// Monte Carlo share and the pooled estimate (`-` where there is none).
pub(crate) fn metric_cells(d: &DrawSummary, path: &str) -> [String; 6] {
    [
        value(d, d.p05, path),
        format!(
            "[{}, {}]",
            bound(d, d.quantile_ci95.p05[0], path),
            bound(d, d.quantile_ci95.p05[1], path)
        ),
        value(d, d.p50, path),
        value(d, d.p95, path),
        d.inner_mc_share
            .map_or_else(|| "-".to_string(), |x| format!("{:.1} %", x * 100.0)),
        d.pooled
            .as_ref()
            .map_or_else(|| "-".to_string(), |p| value(d, p.estimate, path)),
    ]
}

/// The outer design in words.
pub(crate) fn design(u: &UncertaintySummary) -> String {
    if u.design == "saltelli" {
        format!(
            "{} parameter sets in Saltelli's design for Sobol indices",
            u.evaluations
        )
    } else {
        "Latin hypercube".to_string()
    }
}

/// The block, or nothing for a plain run.
pub(crate) fn block(out: &mut String, s: &Summary) {
    let Some(u) = &s.uncertainty else {
        return;
    };
    let design = design(u);
    let _ = writeln!(
        out,
        "\nUncertain parameters ({} draws x {} replications each, on common random numbers; {design})",
        u.draws, u.inner_replications
    );
    for (name, p) in u.parameters.iter() {
        let _ = writeln!(
            out,
            "  {name}: {} {}  drawn p05 {}  p50 {}  p95 {}",
            p.mode,
            p.prior,
            short(p.p05),
            short(p.p50),
            short(p.p95)
        );
    }
    let _ = writeln!(
        out,
        "\nOver the draws (the spread is the parameters' uncertainty; 'inner MC' is the share of it that is Monte Carlo noise;\n'pooled' is the predictive estimate over all draws, which the sections below also show)"
    );
    let _ = writeln!(
        out,
        "  {:<40} {:>11} {:>26} {:>11} {:>11} {:>9} {:>11}",
        "metric", "p05", "(95% CI)", "p50", "p95", "inner MC", "pooled"
    );
    for path in key_metrics(u) {
        let d = u.metrics.get(&path).expect("kept only when present");
        let [p05, ci, p50, p95, inner, pooled] = metric_cells(d, &path);
        let _ = writeln!(
            out,
            "  {path:<40} {p05:>11} {ci:>26} {p50:>11} {p95:>11} {inner:>9} {pooled:>11}"
        );
    }
    for (metric, per) in u.sobol.iter() {
        let _ = writeln!(
            out,
            "\nWhat matters most for {metric} (Sobol indices, 95 % bootstrap intervals)"
        );
        let mut rows: Vec<_> = per.iter().collect();
        rows.sort_by(|a, b| b.1.total.total_cmp(&a.1.total));
        // Three decimals, without a "-0.000" for a value that rounds to zero.
        let f = |x: f64| format!("{:.3}", if x.abs() < 0.0005 { 0.0 } else { x });
        for (name, e) in rows {
            let _ = writeln!(
                out,
                "  {name:<60} first {:>6} [{}, {}]  total {:>6} [{}, {}]",
                f(e.first),
                f(e.first_ci95[0]),
                f(e.first_ci95[1]),
                f(e.total),
                f(e.total_ci95[0]),
                f(e.total_ci95[1])
            );
        }
    }
    for (metric, why) in u.sobol_missing.iter() {
        let _ = writeln!(out, "\nNo Sobol indices for {metric}: {why}");
    }
}

/// A drawn value in four significant digits.
pub(crate) fn short(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e5 || x.abs() < 1e-3) {
        format!("{x:.3e}")
    } else {
        format!("{:.4}", x)
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}
