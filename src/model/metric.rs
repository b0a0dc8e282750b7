//! What a run measures: every metric path a gate, a stopping rule or a study may name, the unit
//! its threshold is written in, and a validated expectation on one of them.

use super::vocabulary::Plane;
use crate::engine::SimDuration;
use std::fmt;

/// How a metric's threshold is written and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A duration string (`"48h"`); compared in seconds.
    Duration,
    /// A plain number in [0, 1].
    Probability,
    /// A plain non-negative number.
    Number,
}

impl Unit {
    /// How a value of this unit is described in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Unit::Duration => "a duration metric: write the value with a unit, e.g. \"<= 48h\"",
            Unit::Probability => "a probability: write a plain number in [0, 1], e.g. \">= 0.99\"",
            Unit::Number => "a plain number, e.g. \"<= 1.5\"",
        }
    }
}

/// A statistic of a duration distribution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    /// Mean; interval mean ± 1.96·SE.
    Mean,
    /// Exact minimum; a point value.
    Min,
    /// Percentile (50, 90, 95, 99); distribution-free order-statistic interval.
    Percentile(u8),
    /// Exact maximum; a point value.
    Max,
}

/// Statistics every duration family offers, with their path suffixes.
const STATS: [(&str, Stat); 7] = [
    ("mean", Stat::Mean),
    ("min", Stat::Min),
    ("p50", Stat::Percentile(50)),
    ("p90", Stat::Percentile(90)),
    ("p95", Stat::Percentile(95)),
    ("p99", Stat::Percentile(99)),
    ("max", Stat::Max),
];

/// A duration distribution the run records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Distribution {
    /// Achieved RTO of a plane's completed zone incidents.
    Rto(Plane),
    /// Achieved RPO of a plane's zone incidents.
    Rpo(Plane),
    /// Latency of the clients' logical requests.
    ClientLatency,
    /// Reconnect time of clients that saw a failure.
    ClientReconnect,
    /// Time the entry services stayed overloaded after the trigger, per replication.
    ClientOverloaded,
    /// Achieved RTO of a plane through regional disasters.
    DisasterRto(Plane),
    /// Achieved RPO of a plane through regional disasters.
    DisasterRpo(Plane),
    /// Disaster to read-only control plane in the pair.
    ControlPlaneReadOnly,
    /// Disaster to fully operational control plane.
    ControlPlaneFull,
    /// Audio/video unavailable per disaster.
    MediaUnavailable,
    /// Media uploads at risk per disaster.
    UploadsAtRisk,
}

/// What an availability path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A plane.
    Plane(Plane),
    /// A feature, by index.
    Feature(usize),
}

/// Which objective a `p_meet` is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objective {
    /// Recovery time.
    Rto,
    /// Recovery point.
    Rpo,
}

/// A metric an expectation can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `availability.<plane or feature>`: time-average availability, interval its ci95.
    Availability(Subject),
    /// A statistic of a duration distribution.
    Duration(Distribution, Stat),
    /// `<plane>.{rto,rpo}.p_meet`: P(achieved ≤ target) per incident, Wilson interval.
    PMeet(Plane, Objective),
    /// `<plane>.incidents_per_replication`: mean ± 1.96·SE.
    IncidentsPerReplication(Plane),
    /// `clients.retry_amplification`: attempts per logical request, a point value.
    RetryAmplification,
    /// `clients.user_visible_failures`: fraction of logical requests failed, Wilson interval.
    UserVisibleFailures,
    /// `region_disaster.<plane>.{rto,rpo}.p_meet`: P(achieved ≤ target) per regional disaster,
    /// Wilson interval. (Region-disaster metrics have no data in scenarios without disasters.)
    DisasterPMeet(Plane, Objective),
}

/// One known metric path.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricDef {
    /// The path as written in `[expect]`.
    pub path: String,
    /// What it measures.
    pub metric: Metric,
}

/// Every metric path of a scenario with these features (name and plane); the client metrics are
/// listed whether or not the scenario has `[clients]` (validation rejects them without it).
pub fn catalogue(features: &[(String, Plane)]) -> Vec<MetricDef> {
    let mut out = Vec::new();
    let mut add = |path: String, metric: Metric| out.push(MetricDef { path, metric });
    for p in Plane::ALL {
        add(
            format!("availability.{}", p.key()),
            Metric::Availability(Subject::Plane(p)),
        );
    }
    for (i, (name, _)) in features.iter().enumerate() {
        // A feature named like a plane would be shadowed by the plane's path.
        if Plane::ALL.iter().all(|p| p.key() != name) {
            add(
                format!("availability.{name}"),
                Metric::Availability(Subject::Feature(i)),
            );
        }
    }
    for p in Plane::ALL {
        for (name, objective, dist) in [
            ("rto", Objective::Rto, Distribution::Rto(p)),
            ("rpo", Objective::Rpo, Distribution::Rpo(p)),
        ] {
            for (stat_name, stat) in STATS {
                add(format!("{}.{name}.{stat_name}", p.key()), Metric::Duration(dist, stat));
            }
            add(format!("{}.{name}.p_meet", p.key()), Metric::PMeet(p, objective));
        }
        add(
            format!("{}.incidents_per_replication", p.key()),
            Metric::IncidentsPerReplication(p),
        );
    }
    for p in Plane::ALL {
        for (name, objective, dist) in [
            ("rto", Objective::Rto, Distribution::DisasterRto(p)),
            ("rpo", Objective::Rpo, Distribution::DisasterRpo(p)),
        ] {
            for (stat_name, stat) in STATS {
                add(
                    format!("region_disaster.{}.{name}.{stat_name}", p.key()),
                    Metric::Duration(dist, stat),
                );
            }
            add(
                format!("region_disaster.{}.{name}.p_meet", p.key()),
                Metric::DisasterPMeet(p, objective),
            );
        }
    }
    for (name, dist) in [
        ("control_plane.read_only", Distribution::ControlPlaneReadOnly),
        ("control_plane.full_operation", Distribution::ControlPlaneFull),
        ("media_unavailable", Distribution::MediaUnavailable),
        ("uploads_at_risk", Distribution::UploadsAtRisk),
    ] {
        for (stat_name, stat) in STATS {
            add(
                format!("region_disaster.{name}.{stat_name}"),
                Metric::Duration(dist, stat),
            );
        }
    }
    add("clients.retry_amplification".into(), Metric::RetryAmplification);
    add("clients.user_visible_failures".into(), Metric::UserVisibleFailures);
    for (name, dist) in [
        ("latency", Distribution::ClientLatency),
        ("reconnect", Distribution::ClientReconnect),
        ("overloaded_after_trigger", Distribution::ClientOverloaded),
    ] {
        for (stat_name, stat) in STATS {
            add(format!("clients.{name}.{stat_name}"), Metric::Duration(dist, stat));
        }
    }
    out
}

impl Metric {
    /// The unit its threshold is written in.
    pub fn unit(&self) -> Unit {
        match self {
            Metric::Duration(..) => Unit::Duration,
            Metric::Availability(_) | Metric::PMeet(..) | Metric::DisasterPMeet(..) | Metric::UserVisibleFailures => {
                Unit::Probability
            }
            Metric::IncidentsPerReplication(_) | Metric::RetryAmplification => Unit::Number,
        }
    }

    /// Whether it exists only in scenarios with `[clients]`.
    pub fn needs_clients(&self) -> bool {
        matches!(
            self,
            Metric::RetryAmplification
                | Metric::UserVisibleFailures
                | Metric::Duration(
                    Distribution::ClientLatency | Distribution::ClientReconnect | Distribution::ClientOverloaded,
                    _
                )
        )
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

impl Op {
    /// Operators, longest first (so `<=` is recognised before `<`).
    pub const ALL: [Op; 4] = [Op::Le, Op::Ge, Op::Lt, Op::Gt];

    /// How it is written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }

    /// Whether `x op threshold` holds.
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Op::Le => x <= threshold,
            Op::Lt => x < threshold,
            Op::Ge => x >= threshold,
            Op::Gt => x > threshold,
        }
    }

    /// Whether it bounds the metric from above (`<=`, `<`).
    pub fn is_upper_bound(self) -> bool {
        matches!(self, Op::Le | Op::Lt)
    }
}

/// A threshold, in the metric's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    /// For duration metrics.
    Duration(SimDuration),
    /// For every other metric.
    Number(f64),
}

impl Threshold {
    /// The value compared with estimates: seconds for durations.
    pub fn value(self) -> f64 {
        match self {
            Threshold::Duration(d) => d.as_secs_f64(),
            Threshold::Number(x) => x,
        }
    }
}

/// One validated expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// The metric path as written.
    pub path: String,
    /// What it measures.
    pub metric: Metric,
    /// Comparison.
    pub op: Op,
    /// Threshold.
    pub threshold: Threshold,
    /// The threshold as written (for display).
    pub value_text: String,
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.symbol(), self.value_text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_paths_are_unique_and_cover_the_summary() {
        let features = vec![
            ("browse-learn".to_string(), Plane::Data),
            ("admin".to_string(), Plane::Control),
        ];
        let all = catalogue(&features);
        let mut paths: Vec<&str> = all.iter().map(|d| d.path.as_str()).collect();
        let n = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), n, "duplicate paths");
        // 2 planes + 2 features; per plane 2 × (7 stats + p_meet) + incidents; clients 2 + 3 × 7.
        // Region disasters: per plane 2 × (7 stats + p_meet); 4 more families × 7 stats.
        assert_eq!(n, 4 + 2 * (2 * 8 + 1) + 2 * 2 * 8 + 4 * 7 + 2 + 3 * 7);
        for p in [
            "availability.data_plane",
            "availability.browse-learn",
            "data_plane.rto.p95",
            "control_plane.rpo.p_meet",
            "data_plane.incidents_per_replication",
            "clients.overloaded_after_trigger.max",
            "region_disaster.data_plane.rto.p95",
            "region_disaster.control_plane.rpo.p_meet",
            "region_disaster.control_plane.read_only.mean",
        ] {
            assert!(paths.contains(&p), "{p}");
        }
        let find = |p: &str| all.iter().find(|d| d.path == p).unwrap().metric;
        assert_eq!(find("data_plane.rto.p95").unit(), Unit::Duration);
        assert_eq!(find("availability.admin").unit(), Unit::Probability);
        assert_eq!(find("clients.retry_amplification").unit(), Unit::Number);
        assert!(find("clients.latency.mean").needs_clients());
        assert!(!find("data_plane.rpo.max").needs_clients());
    }
}
