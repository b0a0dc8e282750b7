//! The summary's numbers as formatted tables, shared by the HTML and Markdown reports.

use crate::engine::SimDuration;
use crate::engine::duration::human;
use crate::montecarlo::RegionDisasterSummary;
use crate::montecarlo::Summary;
use crate::montecarlo::{PerPlane, PlaneIncidents};
use crate::stats::{DurationSummary, ProportionSummary};
use serde::Serialize;

/// A formatted table.
#[derive(Clone, Debug, Serialize)]
pub struct Table {
    /// The table's heading in the report.
    pub heading: String,
    /// Column names.
    pub columns: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Row>,
}

/// One row of cells.
pub type Row = Vec<String>;

fn dur(secs: f64) -> String {
    human(SimDuration::from_secs_f64(secs))
}

use crate::report::numbers::{objective_figures, percent as pct, percent_interval, probability, probability_interval};

fn p_meet(p: &Option<ProportionSummary>) -> String {
    match p {
        Some(p) => format!(
            "{} {} ({} of {})",
            probability(p.estimate),
            probability_interval(p.wilson95),
            p.successes,
            p.trials
        ),
        None => "no data".into(),
    }
}

fn spread(d: &Option<DurationSummary>) -> [String; 5] {
    match d {
        Some(d) => [dur(d.mean), dur(d.p50), dur(d.p90), dur(d.p99), dur(d.max)],
        None => ["-".into(), "-".into(), "-".into(), "-".into(), "-".into()],
    }
}

/// Every table of the summary, in report order.
pub(super) fn all(s: &Summary) -> Vec<Table> {
    // The verdicts open the report.
    let mut out = vec![objectives(s), availability(s)];
    // A two-level run: what is uncertain, and how the key metrics spread over the draws.
    out.extend(uncertainty(s));
    out.push(incidents(&s.zone_incidents));
    if let Some(d) = &s.region_disasters {
        out.push(disasters(d));
    }
    if let Some(c) = &s.clients {
        let km = |k: &crate::stats::KmQuantile| match k.estimate {
            None => "not reached".to_string(),
            Some(v) => format!(
                "{} [{}, {}]",
                dur(v),
                k.ci95[0].map_or("unbounded".into(), dur),
                k.ci95[1].map_or("unbounded".into(), dur)
            ),
        };
        let mut rows = vec![
            vec!["retry policy".into(), c.retry_policy.clone()],
            vec!["disruption episodes".into(), c.episodes.to_string()],
            vec![
                "retry amplification (attempts per request)".into(),
                format!("{:.3}", c.retry_amplification),
            ],
            vec![
                "user-visible failures (95 % interval between replications)".into(),
                match &c.user_visible_failures {
                    Some(p) => format!("{} {}", pct(p.estimate), percent_interval(p.ci95)),
                    None => "no data".into(),
                },
            ],
        ];
        if let Some(k) = &c.reconnect_survival {
            rows.push(vec![
                "clients that saw a failure / never reconnected (censored)".into(),
                format!("{} / {} ({})", k.subjects, k.censored, pct(k.censored_share)),
            ]);
            for (label, q) in [("p50", &k.p50), ("p90", &k.p90), ("p99", &k.p99)] {
                rows.push(vec![
                    format!("time to reconnect {label} (Kaplan–Meier, 95 % interval)"),
                    km(q),
                ]);
            }
        }
        rows.push(vec![
            "reconnect p99 among those that reconnected".into(),
            c.reconnect.as_ref().map_or("-".into(), |d| dur(d.p99)),
        ]);
        if let Some(o) = &c.overloaded_after_trigger {
            rows.push(vec![
                "overloaded after the trigger, mean".into(),
                if c.overload_cut_off > 0 {
                    format!(
                        "{} (at least: still overloaded at the end of the window in {} of {} replications)",
                        dur(o.mean),
                        c.overload_cut_off,
                        o.count
                    )
                } else {
                    dur(o.mean)
                },
            ]);
        }
        out.push(Table {
            heading: "Clients through zone failovers".into(),
            columns: vec!["metric".into(), "value".into()],
            rows,
        });
    }
    out
}

/// For each plane, objective and scope: the verdict and how often the objective will be breached.
fn objectives(s: &Summary) -> Table {
    use crate::model::Plane;
    use crate::model::metric::{Objective, Scope};
    let mut rows = Vec::new();
    for plane in Plane::ALL {
        for o in Objective::ALL {
            for scope in Scope::ALL {
                let Some(v) = s.objectives[plane].of(o).get(scope) else {
                    continue;
                };
                let [meet, breaches, within] = objective_figures(v, true);
                rows.push(vec![
                    format!("{} {}", plane.key(), o.name()),
                    scope.name().to_string(),
                    dur(v.target_s),
                    v.required_probability.to_string(),
                    meet,
                    breaches,
                    within,
                    v.verdict.as_str().to_string(),
                ]);
            }
        }
    }
    let confidence = s.objectives[Plane::Data].rto.all.confidence;
    Table {
        heading: format!(
            "Objectives: verdicts on {} % intervals of P(meet) against the required probability",
            confidence * 100.0
        ),
        columns: [
            "objective",
            "scope",
            "target",
            "required",
            "P(meet) [interval]",
            "breaches per year",
            "P(breach within a year)",
            "verdict",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

fn availability(s: &Summary) -> Table {
    // With clients, what users saw beside what the planes did: the share of each feature's
    // requests that succeeded during the simulated disruptions.
    let perceived = s.clients.as_ref().map(|c| &c.user_perceived_availability);
    let rows = s
        .availability
        .rows()
        .into_iter()
        .map(|(name, plane, a)| {
            let mut row = vec![
                name.to_string(),
                plane.key().to_string(),
                pct(a.estimate),
                a.ci95.map_or("-".into(), percent_interval),
                dur(a.mean_downtime_s),
            ];
            if let Some(p) = perceived {
                row.push(p.get(name).map_or("-".into(), |p| {
                    format!("{} {}", pct(p.estimate), percent_interval(p.ci95))
                }));
            }
            row
        })
        .collect();
    let mut columns = vec![
        "name",
        "plane",
        "availability",
        "95 % interval",
        "mean downtime per replication",
    ];
    if perceived.is_some() {
        columns.push("user-perceived: requests succeeded during disruptions [95 % interval]");
    }
    Table {
        heading: "Availability (planes, then features), 95 % confidence intervals".into(),
        columns: columns.into_iter().map(String::from).collect(),
        rows,
    }
}

/// One plane's RTO and RPO rows: target, count, spread of the achieved values, P(meet).
struct Objectives<'a> {
    plane: crate::model::Plane,
    count: u64,
    rto: (f64, &'a Option<DurationSummary>, &'a Option<ProportionSummary>),
    rpo: (f64, &'a Option<DurationSummary>, &'a Option<ProportionSummary>),
}

impl Objectives<'_> {
    fn rows(&self) -> Vec<Row> {
        [("RTO", self.rto), ("RPO", self.rpo)]
            .into_iter()
            .map(|(what, (target, d, meet))| {
                let mut row = vec![
                    self.plane.key().to_string(),
                    what.into(),
                    dur(target),
                    self.count.to_string(),
                ];
                row.extend(spread(d));
                row.push(p_meet(meet));
                row
            })
            .collect()
    }
}

fn incidents(planes: &PerPlane<PlaneIncidents>) -> Table {
    let rows = planes
        .iter()
        .flat_map(|(plane, p)| {
            Objectives {
                plane,
                count: p.incidents,
                rto: (p.target_rto_s, &p.rto, &p.p_meet_rto),
                rpo: (p.target_rpo_s, &p.rpo, &p.p_meet_rpo),
            }
            .rows()
        })
        .collect();
    Table {
        heading: "Zone incidents: achieved RTO and RPO against targets (Wilson 95 % intervals)".into(),
        columns: incident_columns("incidents"),
        rows,
    }
}

fn incident_columns(count: &str) -> Vec<String> {
    [
        "plane",
        "objective",
        "target",
        count,
        "mean",
        "p50",
        "p90",
        "p99",
        "max",
        "P(meet) [95 %]",
    ]
    .map(String::from)
    .to_vec()
}

fn disasters(d: &RegionDisasterSummary) -> Table {
    let rows = d
        .planes
        .iter()
        .flat_map(|(plane, p)| {
            Objectives {
                plane,
                count: d.disasters,
                rto: (p.target_rto_s, &p.rto, &p.p_meet_rto),
                rpo: (p.target_rpo_s, &p.rpo, &p.p_meet_rpo),
            }
            .rows()
        })
        .collect();
    Table {
        heading: format!(
            "Regional disasters ({} in all, {:.4} per replication; recovery started {} times, data destroyed {} times)",
            d.disasters, d.per_replication.estimate, d.dr_started, d.destroyed
        ),
        columns: incident_columns("disasters"),
        rows,
    }
}

/// The tables of a two-level run (none for a plain run): the uncertain parameters as drawn, the
/// key metrics over the draws, and the Sobol indices of each metric asked for.
fn uncertainty(s: &Summary) -> Vec<Table> {
    use crate::report::uncertainty::{design, key_metrics, metric_cells, short};
    let Some(u) = &s.uncertainty else {
        return Vec::new();
    };
    let design = design(u);
    let parameters = Table {
        heading: format!(
            "Uncertain parameters ({} draws x {} replications each, on common random numbers; {design})",
            u.draws, u.inner_replications
        ),
        columns: ["parameter", "mode", "prior", "drawn p05", "drawn p50", "drawn p95"]
            .map(String::from)
            .to_vec(),
        rows: u
            .parameters
            .iter()
            .map(|(name, p)| {
                vec![
                    name.to_string(),
                    p.mode.clone(),
                    p.prior.clone(),
                    short(p.p05),
                    short(p.p50),
                    short(p.p95),
                ]
            })
            .collect(),
    };
    let metrics = Table {
        heading: "Key metrics over the draws: the spread is the parameters' uncertainty; 'inner MC' is the share of \
                  it that is Monte Carlo noise; 'pooled' is the predictive estimate over all draws, which the other \
                  tables show"
            .into(),
        columns: [
            "metric",
            "p05",
            "p05 95 % interval",
            "p50",
            "p95",
            "inner MC share",
            "pooled",
        ]
        .map(String::from)
        .to_vec(),
        rows: key_metrics(u)
            .into_iter()
            .filter_map(|path| {
                let d = u.metrics.get(&path)?;
                let mut row = vec![path.clone()];
                row.extend(metric_cells(d, &path));
                Some(row)
            })
            .collect(),
    };
    let mut out = vec![parameters, metrics];
    if !u.sobol.is_empty() {
        let mut rows = Vec::new();
        for (metric, per) in u.sobol.iter() {
            let mut sorted: Vec<_> = per.iter().collect();
            sorted.sort_by(|a, b| b.1.total.total_cmp(&a.1.total));
            for (name, e) in sorted {
                rows.push(vec![
                    metric.to_string(),
                    name.to_string(),
                    format!("{:.3} [{:.3}, {:.3}]", e.first, e.first_ci95[0], e.first_ci95[1]),
                    format!("{:.3} [{:.3}, {:.3}]", e.total, e.total_ci95[0], e.total_ci95[1]),
                ]);
            }
        }
        out.push(Table {
            heading: "What matters most: Sobol indices of each metric asked for, largest total first (95 % bootstrap \
                      intervals)"
                .into(),
            columns: ["metric", "parameter", "first order [95 %]", "total [95 %]"]
                .map(String::from)
                .to_vec(),
            rows,
        });
    }
    out
}
