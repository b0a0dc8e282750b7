//! Per-replication and per-incident CSV rows (pure: outcomes in, records out).

use crate::model::Plane;
use crate::model::Scenario;
use crate::model::{Incident, IncidentKind, Process, ReplicationOutcome};

/// Header of `replications.csv`.
pub fn replication_header(s: &Scenario) -> Vec<String> {
    let mut h = vec!["replication".to_string(), "events".to_string()];
    for p in Plane::ALL {
        h.push(format!("{}_availability", p.key()));
        h.push(format!("{}_downtime_s", p.key()));
        h.push(format!("{}_incidents", p.key()));
    }
    for f in &s.features {
        h.push(format!("{}_availability", f.name));
    }
    if s.clients.is_some() {
        for c in CLIENT_COLUMNS {
            h.push(c.to_string());
        }
    }
    if s.importance_sampling.is_some() {
        // The row's weight: rows come from the tilted distribution.
        h.push("likelihood_ratio".to_string());
    }
    h
}

/// Client columns of `replications.csv` (simulated counts; overload in seconds).
const CLIENT_COLUMNS: [&str; 6] = [
    "clients_logical",
    "clients_attempts",
    "clients_failed",
    "clients_throttled",
    "clients_not_reconnected",
    "clients_overloaded_after_trigger_s",
];

/// One row of `replications.csv`.
pub fn replication_row(s: &Scenario, o: &ReplicationOutcome) -> Vec<String> {
    let window = (s.horizon.ticks() - s.warmup.ticks()) as f64;
    let avail = |down: u64| format!("{}", 1.0 - down as f64 / window);
    let mut r = vec![o.replication.to_string(), o.events.to_string()];
    for p in Plane::ALL {
        let down = o.plane_downtime[p.index()];
        r.push(avail(down));
        r.push(format!("{}", down as f64 / 1e6));
        r.push(o.incidents.iter().filter(|i| i.plane == p).count().to_string());
    }
    for &down in &o.feature_downtime {
        r.push(avail(down));
    }
    if let Some(c) = &o.clients {
        r.push(c.logical.to_string());
        r.push(c.attempts.to_string());
        r.push(c.failed().to_string());
        r.push(c.throttled.to_string());
        r.push(c.not_reconnected.to_string());
        r.push(format!("{}", c.overloaded_after_trigger as f64 / 1e6));
    }
    if let Some(w) = o.likelihood_ratio {
        r.push(format!("{w}"));
    }
    r
}

/// Header of `incidents.csv`.
pub const INCIDENT_HEADER: [&str; 16] = [
    "replication",
    "plane",
    "start_s",
    "end_s",
    "rto_s",
    "rpo_s",
    "censored",
    "kind",
    "cause",
    "features_down",
    "recovery",
    "recovery_trigger",
    "stages",
    "rto_cause",
    "rto_path",
    "rpo_cause",
];

/// One row of `incidents.csv`. An empty `rpo_s` means the data was lost outright; `recovery` says
/// how the recovery into the pair that the incident was part of ended for its plane (`pair`,
/// `natural`, `refused`), `not-requested` for an outage that led to none, empty otherwise; its
/// stages are `name start-end` (seconds). `rto_path` splits the RTO into what the plane waited on
/// (`step=seconds`, adding up to `rto_s`), `rto_cause` is its longest step and `rpo_cause` what
/// the RPO came from (docs/MODEL.md section 6).
pub fn incident_row(s: &Scenario, procs: &[Process], o: &ReplicationOutcome, inc: &Incident) -> [String; 16] {
    let cause = inc.cause.describe(s, procs);
    let features: Vec<&str> = s
        .features
        .iter()
        .enumerate()
        .filter(|(i, _)| inc.features_down & (1 << i) != 0)
        .map(|(_, f)| f.name.as_str())
        .collect();
    let rec = inc.recovery.and_then(|i| o.recoveries.get(i as usize));
    let (recovery, trigger, stages) = match rec {
        Some(r) => (
            r.outcome(inc.plane).to_string(),
            r.trigger.describe(s, procs),
            r.stages
                .iter()
                .map(|st| format!("{} {}-{}", st.name, st.start.as_secs_f64(), st.end.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(";"),
        ),
        None if inc.kind == IncidentKind::Outage => ("not-requested".to_string(), String::new(), String::new()),
        None => (String::new(), String::new(), String::new()),
    };
    [
        o.replication.to_string(),
        inc.plane.key().to_string(),
        format!("{}", inc.start.as_secs_f64()),
        format!("{}", inc.end.as_secs_f64()),
        format!("{}", inc.rto().as_secs_f64()),
        if inc.data_lost {
            String::new()
        } else {
            format!("{}", inc.rpo.as_secs_f64())
        },
        inc.censored.to_string(),
        inc.kind.as_str().to_string(),
        cause,
        features.join(";"),
        recovery,
        trigger,
        stages,
        inc.rto_path.dominant().map_or("", |st| st.key()).to_string(),
        inc.rto_path.describe(),
        inc.rpo_cause.key().to_string(),
    ]
}

/// A CSV cell as written: one that a spreadsheet would read as a formula — starting with `=`,
/// `+`, `-`, `@`, a tab or a carriage return (OWASP's CSV-injection list) — gets a leading `'`,
/// unless it is a number (`-1.5` stays as it is). Every cell of `replications.csv` and
/// `incidents.csv` goes through it; a cell already neutralized is left alone, so rows copied by
/// `merge` come out the same.
pub fn csv_cell(cell: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let risky = matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    let number = || std::str::from_utf8(cell).is_ok_and(|s| s.parse::<f64>().is_ok());
    if risky && !number() {
        let mut safe = Vec::with_capacity(cell.len() + 1);
        safe.push(b'\'');
        safe.extend_from_slice(cell);
        std::borrow::Cow::Owned(safe)
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod csv_cell_tests {
    use super::csv_cell;

    #[test]
    fn formulas_are_neutralized_and_numbers_kept() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+cmd", "'+1+cmd"),
            ("-", "'-"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-1.5", "-1.5"),
            ("+3", "+3"),
            ("-1e-9", "-1e-9"),
            ("web-1", "web-1"),
            ("'=x", "'=x"),
            ("", ""),
        ] {
            assert_eq!(&*csv_cell(cell.as_bytes()), want.as_bytes(), "{cell:?}");
        }
    }
}
