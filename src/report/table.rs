//! The summary as a terminal table (pure: summary in, text out).

use crate::engine::SimDuration;
use crate::engine::duration::human;
use crate::montecarlo::{ImportanceSamplingSummary, Summary};
use crate::stats::{
    AvailabilitySummary, ClusteredSummary, DurationSummary, KmQuantile, ProportionSummary, SurvivalSummary,
    WeightedSummary,
};
use std::fmt::Write;

use super::numbers::{percent as pct, percent_interval, probability, probability_interval};

fn dur(secs: f64) -> String {
    human(SimDuration::from_secs_f64(secs))
}

fn availability_line(out: &mut String, name: &str, a: &AvailabilitySummary) {
    let ci = a.ci95.map_or("n/a".to_string(), percent_interval);
    let _ = writeln!(
        out,
        "  {:<22} {:>13}  95% CI {:<30} mean downtime {}",
        name,
        pct(a.estimate),
        ci,
        dur(a.mean_downtime_s)
    );
}

fn durations(out: &mut String, label: &str, d: &Option<DurationSummary>) {
    match d {
        None => {
            let _ = writeln!(out, "    {label}: no incidents");
        }
        Some(d) => {
            let _ = writeln!(
                out,
                "    {label}: mean {}  p50 {}  p90 {}  p95 {}  p99 {}  max {}",
                dur(d.mean),
                dur(d.p50),
                dur(d.p90),
                dur(d.p95),
                dur(d.p99),
                dur(d.max)
            );
        }
    }
}

/// One objective: its distribution, P(meet) and target (seconds).
type Objective<'a> = (&'a Option<DurationSummary>, &'a Option<ProportionSummary>, f64);

/// RTO and RPO distributions, then their P(meet) lines; `total` is the count of incidents the
/// block's heading gives, `open` those still open (not serving) at the horizon, which have no RTO.
fn objectives(out: &mut String, rto: Objective<'_>, rpo: Objective<'_>, total: u64, open: u64) {
    durations(out, "RTO", rto.0);
    if let Some(d) = rto.0
        && open > 0
    {
        let _ = writeln!(
            out,
            "      ({} of {total} incidents: {open} still open at the horizon have no RTO yet)",
            d.count
        );
    }
    durations(out, "RPO", rpo.0);
    meets(out, [("RTO", rto.2, rto.1), ("RPO", rpo.2, rpo.1)], total);
}

/// `P(RTO <= 48 h) = 0.9990  95% Wilson [...]` lines. P(meet) leaves out the incidents open at
/// the horizon that are still under the target (they may yet meet it or not), and says so.
fn meets(out: &mut String, rows: [(&str, f64, &Option<ProportionSummary>); 2], total: u64) {
    for (label, target, meet) in rows {
        if let Some(m) = meet {
            let left = total.saturating_sub(m.trials);
            let why = if left > 0 {
                format!("; {left} open at the horizon, still under the target, left out")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "    P({label} <= {}) = {}  95% Wilson {}  ({} of {}{why})",
                dur(target),
                probability(m.estimate),
                probability_interval(m.wilson95),
                m.successes,
                m.trials
            );
        }
    }
}

/// `label  estimate ± SE  95% CI [lo, hi]  VRF x` (4 significant digits: the values are small).
fn weighted(out: &mut String, label: &str, w: &Option<WeightedSummary>) {
    let Some(w) = w else { return };
    let vrf = w.variance_reduction.map_or("n/a".to_string(), |v| format!("{v:.1}"));
    let _ = writeln!(
        out,
        "  {label:<42} {:.4e} ± {:.2e}  95% CI [{:.4e}, {:.4e}]  VRF {vrf}",
        w.estimate, w.std_error, w.ci95[0], w.ci95[1]
    );
}

/// The weighted estimates, and a reminder that every other block is of the tilted distribution.
fn importance(out: &mut String, i: &ImportanceSamplingSummary) {
    let _ = writeln!(
        out,
        "\nImportance sampling: region-disaster rates x {} while sampling; weighted estimates at the real rates\n  \
         (every block above describes the tilted distribution; VRF = variance reduction vs plain sampling)",
        i.region_disaster_rate_factor
    );
    weighted(out, "P(at least one region disaster)", &i.p_any_disaster);
    weighted(out, "region disasters per replication", &i.disasters_per_replication);
    for (plane, p) in i.planes.iter() {
        let (rto, rpo) = (dur(p.target_rto_s), dur(p.target_rpo_s));
        weighted(
            out,
            &format!("{}: P(a disaster RTO > {rto})", plane.key()),
            &p.p_rto_missed,
        );
        weighted(
            out,
            &format!("{}: P(a disaster RPO > {rpo})", plane.key()),
            &p.p_rpo_missed,
        );
    }
    if let Some(w) = &i.mean_likelihood_ratio {
        let _ = writeln!(
            out,
            "  mean likelihood ratio {:.4} ± {:.4} (1 expected)",
            w.estimate, w.std_error
        );
    }
}

/// Renders the summary for people.
pub fn render(s: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "outage-sim {} | scenario {} ({}) | {} replications x {} | seed {}",
        s.tool.version,
        s.scenario.name,
        &s.scenario.hash[..15.min(s.scenario.hash.len())],
        s.replications,
        s.horizon,
        s.seed
    );
    super::uncertainty::block(&mut out, s);
    objectives_block(&mut out, s);
    critical_path_block(&mut out, s);
    let _ = writeln!(
        out,
        "\nAvailability (fraction of the observation window up; a plane counts its features other than audio/video)"
    );
    for (name, _, a) in s.availability.rows() {
        availability_line(&mut out, name, a);
    }
    if let Some(c) = &s.clients
        && !c.user_perceived_availability.0.is_empty()
    {
        // What users saw beside what the planes did: a plane can be up 99.5 % of the time while
        // most requests of its disruptions fail.
        let _ = writeln!(
            out,
            "  user-perceived, per feature (share of its logical requests that succeeded, during the simulated disruptions only):"
        );
        for (name, p) in c.user_perceived_availability.iter() {
            let _ = writeln!(
                out,
                "  {:<22} {:>13}  95% CI {:<30} ({} of {} requests)",
                name,
                pct(p.estimate),
                percent_interval(p.ci95),
                p.successes,
                p.trials
            );
        }
    }
    let _ = writeln!(out, "\nZone incidents (achieved RTO / RPO per incident)");
    for (plane, p) in s.zone_incidents.iter() {
        let se = p
            .incidents_per_replication
            .std_error
            .map_or(String::new(), |se| format!(" ± {se:.4}"));
        let _ = writeln!(
            out,
            "  {}: {} incidents ({} failover, {} outage, {} open at horizon), {:.4}{se} per replication",
            plane.key(),
            p.incidents,
            p.failover_incidents,
            p.outage_incidents,
            p.censored_incidents,
            p.incidents_per_replication.estimate
        );
        objectives(
            &mut out,
            (&p.rto, &p.p_meet_rto, p.target_rto_s),
            (&p.rpo, &p.p_meet_rpo, p.target_rpo_s),
            p.incidents,
            p.censored_incidents,
        );
    }
    if let Some(r) = &s.region_disasters {
        let _ = writeln!(
            out,
            "\nRegional disasters: {} ({:.4} per replication), recovery started in {}, data destroyed in {}",
            r.disasters, r.per_replication.estimate, r.dr_started, r.destroyed
        );
        for (plane, p) in r.planes.iter() {
            let _ = writeln!(
                out,
                "  {}: served from the pair in {}, still down at the horizon {}, data lost {}",
                plane.key(),
                p.failed_over,
                p.censored,
                p.data_lost
            );
            objectives(
                &mut out,
                (&p.rto, &p.p_meet_rto, p.target_rto_s),
                (&p.rpo, &p.p_meet_rpo, p.target_rpo_s),
                r.disasters,
                p.censored,
            );
        }
        // Per disaster, not per plane: a block of its own, below both planes'.
        let _ = writeln!(out, "  per disaster:");
        durations(&mut out, "control plane to read-only", &r.control_plane_read_only);
        durations(&mut out, "control plane to full operation", &r.control_plane_full);
        durations(&mut out, "media unavailable", &r.media_unavailable);
        durations(&mut out, "media uploads at risk", &r.uploads_at_risk);
    }
    if let Some(i) = &s.importance_sampling {
        importance(&mut out, i);
    }
    if let Some(c) = &s.clients {
        let _ = writeln!(
            out,
            "\nClients ({} simulated for {} real; retry policy {})",
            c.sample, c.population, c.retry_policy
        );
        let _ = writeln!(
            out,
            "  {} episodes, {} logical requests, {} attempts: retry amplification {:.3}, {} throttled",
            c.episodes, c.logical_requests, c.attempts, c.retry_amplification, c.throttled_attempts
        );
        failures_line(&mut out, "  ", c.user_visible_failures.as_ref(), &c.failures_by_status);
        durations(&mut out, "latency", &c.latency);
        reconnect_lines(
            &mut out,
            "after the failover",
            c.reconnect_survival.as_ref(),
            &c.reconnect,
        );
        durations(&mut out, "overloaded after trigger", &c.overloaded_after_trigger);
        if c.overload_cut_off > 0 {
            let with = c.overloaded_after_trigger.as_ref().map_or(0, |d| d.count);
            let _ = writeln!(
                out,
                "      still overloaded when the simulated window ended (trigger end + 4 x after) in {} of {} replications: \
                 their overload lasted at least this long (censored)",
                c.overload_cut_off, with
            );
        }
        if let Some(d) = &c.region_disasters {
            let _ = writeln!(
                out,
                "  through regional disasters ({} episodes, {} logical requests):",
                d.episodes, d.logical_requests
            );
            failures_line(
                &mut out,
                "    ",
                d.user_visible_failures.as_ref(),
                &d.failures_by_status,
            );
            let by: Vec<String> = d
                .failures_by_feature
                .iter()
                .map(|(name, f)| {
                    format!(
                        "{name} {:.1} %",
                        100.0 * f.failed as f64 / f.logical_requests.max(1) as f64
                    )
                })
                .collect();
            let _ = writeln!(out, "    failed by feature: {}", by.join(", "));
            reconnect_lines(
                &mut out,
                "after the traffic switch",
                d.reconnect_survival.as_ref(),
                &d.reconnect,
            );
        }
    }
    out
}

/// A Kaplan–Meier quantile: `12 s [10 s, 15 s]`, `not reached`, or `2 h [1 h, not bounded]`.
fn km_quantile(q: &KmQuantile) -> String {
    let Some(v) = q.estimate else {
        return "not reached".into();
    };
    let side = |b: Option<f64>| b.map_or("unbounded".to_string(), dur);
    format!("{} [{}, {}]", dur(v), side(q.ci95[0]), side(q.ci95[1]))
}

/// Reconnection: the censored share, the Kaplan–Meier quantiles, then the times of those that
/// reconnected (labelled as such).
fn reconnect_lines(out: &mut String, after: &str, km: Option<&SurvivalSummary>, observed: &Option<DurationSummary>) {
    let Some(k) = km else {
        let _ = writeln!(out, "    reconnect {after}: no client saw a failure");
        return;
    };
    let _ = writeln!(
        out,
        "    reconnect {after}: {} clients saw a failure; {} never reconnected ({}) by the end of their simulated window",
        k.subjects,
        k.censored,
        pct(k.censored_share)
    );
    let _ = writeln!(
        out,
        "      time to reconnect, the others censored (Kaplan-Meier, 95% CI): p50 {}  p90 {}  p99 {}",
        km_quantile(&k.p50),
        km_quantile(&k.p90),
        km_quantile(&k.p99)
    );
    if let Some(d) = observed {
        let _ = writeln!(
            out,
            "      among the {} that reconnected: mean {}  p50 {}  p90 {}  p99 {}  max {}",
            d.count,
            dur(d.mean),
            dur(d.p50),
            dur(d.p90),
            dur(d.p99),
            dur(d.max)
        );
    }
}

/// `user-visible failures x %  95% CI [..] (between replications)  by status: 503 n, ...`
fn failures_line(
    out: &mut String,
    indent: &str,
    f: Option<&ClusteredSummary>,
    by_status: &crate::montecarlo::Keyed<u64>,
) {
    let Some(f) = f else { return };
    let by: Vec<String> = by_status
        .iter()
        .filter(|(_, failed)| **failed > 0)
        .map(|(status, failed)| format!("{status} {failed}"))
        .collect();
    let _ = writeln!(
        out,
        "{indent}user-visible failures {}  95% CI {} (between replications)  by status: {}",
        pct(f.estimate),
        percent_interval(f.ci95),
        if by.is_empty() {
            "none".to_string()
        } else {
            by.join(", ")
        }
    );
}

/// Why the misses happened and where the time went, after the verdicts.
fn critical_path_block(out: &mut String, s: &Summary) {
    use super::numbers::{Rounding, bounded};
    use crate::model::metric::Objective;
    let pct = |x: f64, r| format!("{} %", bounded(x * 100.0, 1, 0.0, 100.0, r));
    let mut misses = Vec::new();
    for (plane, c) in s.critical_path.iter() {
        for o in Objective::ALL {
            let m = c.misses(o);
            if m.count == 0 {
                continue;
            }
            let mut causes: Vec<(&str, &crate::stats::ProportionSummary)> = m
                .causes
                .iter()
                .filter_map(|(k, p)| Some((k, p.as_ref().filter(|p| p.successes > 0)?)))
                .collect();
            causes.sort_by_key(|c| std::cmp::Reverse(c.1.successes));
            let parts: Vec<String> = causes
                .iter()
                .map(|(k, p)| {
                    format!(
                        "{k} {} [{}, {}]",
                        pct(p.estimate, Rounding::Nearest),
                        pct(p.wilson95[0], Rounding::Down),
                        pct(p.wilson95[1], Rounding::Up)
                    )
                })
                .collect();
            misses.push(format!(
                "  {:<14} {:<4} {:>6} misses: {}",
                plane.key(),
                o.name(),
                m.count,
                parts.join(", ")
            ));
        }
    }
    if !misses.is_empty() {
        let _ = writeln!(
            out,
            "\nWhy targets were missed (share of the misses by cause, 95 % intervals; an RTO miss is put down to the longest step on its critical path)"
        );
        for line in misses {
            let _ = writeln!(out, "{line}");
        }
    }
    let _ = writeln!(
        out,
        "\nWhere the time goes (mean per completed incident on its critical path; zone-level and regional)"
    );
    for (plane, c) in s.critical_path.iter() {
        let parts: Vec<String> = c
            .time
            .iter()
            .filter_map(|(k, m)| {
                m.as_ref()
                    .filter(|m| m.estimate > 0.0)
                    .map(|m| format!("{k} {}", dur(m.estimate)))
            })
            .collect();
        let total: f64 = c.time.iter().filter_map(|(_, m)| m.as_ref()).map(|m| m.estimate).sum();
        if parts.is_empty() {
            let _ = writeln!(out, "  {:<14} no completed incidents", plane.key());
        } else {
            let _ = writeln!(
                out,
                "  {:<14} {} ({} incidents) = {}",
                plane.key(),
                dur(total),
                c.incidents,
                parts.join(" + ")
            );
        }
    }
}

/// The verdicts first: for each plane, objective and scope, MEETS / MISSES / INCONCLUSIVE and how
/// often it will be breached.
fn objectives_block(out: &mut String, s: &Summary) {
    use crate::model::Plane;
    use crate::model::metric::{Objective, Scope};
    let _ = writeln!(
        out,
        "\nObjectives (verdicts on {} % intervals of P(meet) against the required probability)",
        s.objectives[Plane::Data].rto.all.confidence * 100.0
    );
    let _ = writeln!(
        out,
        "  {:<14} {:<4} {:<19} {:>7} {:>8}  {:<40} {:<28} {:<15} verdict",
        "plane", "", "scope", "target", "required", "P(meet) [interval]", "breaches per year", "P(breach in 1y)"
    );
    for plane in Plane::ALL {
        for o in Objective::ALL {
            for scope in Scope::ALL {
                let Some(v) = s.objectives[plane].of(o).get(scope) else {
                    continue;
                };
                let [meet, breaches, within] = super::numbers::objective_figures(v, false);
                let _ = writeln!(
                    out,
                    "  {:<14} {:<4} {:<19} {:>7} {:>8}  {:<40} {:<28} {:<15} {}",
                    plane.key(),
                    o.name(),
                    scope.name(),
                    dur(v.target_s),
                    v.required_probability,
                    meet,
                    breaches,
                    within,
                    v.verdict.as_str()
                );
            }
        }
    }
}
