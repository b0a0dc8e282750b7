//! What a run measures: every metric a gate, a stopping rule or a study may name, the unit its
//! threshold is written in, and a validated expectation on one of them.
//!
//! A metric's path is the key path of its value in `summary.json`, so there is one vocabulary for
//! the file, `[expect]`, `run --precision`, `sweep --metric`, `sensitivity --metric` and the
//! outputs of `compare`. The rule that turns a path into a value:
//!
//! - the path names a node of `summary.json`, keys joined by `.`; a key with characters outside
//!   `[A-Za-z0-9_-]` (a feature's name) is quoted as in `--set`: `availability."web.api"`;
//! - a number there is the value;
//! - an object there has its value in its `estimate` field (its interval and standard error
//!   beside it);
//! - `null`, or no such node, means the run has no data for it (e.g. no incidents).
//!
//! [`catalogue`] lists every path of a scenario; `outage-sim metrics` prints it.

mod catalogue;
mod distribution;
mod expectation;

/// How a path resolves in `summary.json`, in one paragraph for listings (`outage-sim metrics`,
/// docs/metrics.md); the module documentation says the same.
pub const RESOLUTION_RULE: &str = "A metric path names a node of summary.json, keys joined by dots; a key with \
characters outside [A-Za-z0-9_-] (a feature's name) is quoted as in --set: availability.\"web.api\". A number \
there is the value; an object there has its value in its `estimate` field, beside its interval; null or no such \
node means the run has no data for it.";

pub use catalogue::{MetricDef, catalogue, catalogue_of, generic_catalogue};
pub use distribution::{Distribution, Percentile, Stat};

/// The Kaplan–Meier quantiles of the time to reconnect the summary reports.
pub const RECONNECT_QUANTILES: [Percentile; 3] = [Percentile::P50, Percentile::P90, Percentile::P99];
pub use expectation::{DrawStat, Expectation, Op, Threshold};

use super::vocabulary::Plane;

/// Which side of a metric is better ([`Metric::better`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// Higher is better (availability, P(meet)).
    Higher,
    /// Lower is better (durations, misses, breaches, failures).
    Lower,
}

impl Better {
    /// `higher` / `lower`, as outputs name it.
    pub fn name(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
        }
    }
}

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

    /// Its name in listings (`outage-sim metrics`, docs/metrics.md).
    pub fn name(self) -> &'static str {
        match self {
            Unit::Duration => "duration",
            Unit::Probability => "probability",
            Unit::Number => "number",
        }
    }
}

/// What a scenario must have for a metric to have data. Only `[clients]` is checked when a path
/// is named: the others can come from the command line (`--importance-sampling`) or from a
/// `--set` of a study, so without them the metric is judged "no data".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// A `[clients]` section.
    Clients,
    /// Regional disasters of the primary (a failure process or a scripted fault).
    RegionDisasters,
    /// Importance sampling (`[importance_sampling]` or `--importance-sampling`).
    ImportanceSampling,
}

impl Needs {
    /// How listings name it.
    pub fn name(self) -> &'static str {
        match self {
            Needs::Clients => "[clients]",
            Needs::RegionDisasters => "region disasters",
            Needs::ImportanceSampling => "importance sampling",
        }
    }

    /// Its key in JSON listings.
    pub fn key(self) -> &'static str {
        match self {
            Needs::Clients => "clients",
            Needs::RegionDisasters => "region_disasters",
            Needs::ImportanceSampling => "importance_sampling",
        }
    }
}

/// `control plane` / `data plane`, for sentences.
fn plane_name(p: Plane) -> &'static str {
    match p {
        Plane::Control => "control plane",
        Plane::Data => "data plane",
    }
}

/// What an availability path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A plane: up when all its features are.
    Plane(Plane),
    /// A feature, by index in the scenario.
    Feature(usize),
}

/// Which recovery objective.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objective {
    /// Recovery time.
    Rto,
    /// Recovery point.
    Rpo,
}

impl Objective {
    /// Both, in summary order.
    pub const ALL: [Objective; 2] = [Objective::Rto, Objective::Rpo];

    /// Of a pair of values kept per objective, this objective's.
    pub fn pick<'a, T>(self, rto: &'a T, rpo: &'a T) -> &'a T {
        match self {
            Objective::Rto => rto,
            Objective::Rpo => rpo,
        }
    }

    /// `rto` / `rpo`.
    pub fn key(self) -> &'static str {
        match self {
            Objective::Rto => "rto",
            Objective::Rpo => "rpo",
        }
    }

    /// `RTO` / `RPO`.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Rto => "RTO",
            Objective::Rpo => "RPO",
        }
    }
}

/// Which incidents an objective's verdict judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Zone-level incidents ([`crate::model::Incident::is_zone_level`]).
    ZoneIncidents,
    /// Disasters of the primary region.
    RegionDisasters,
    /// Both together.
    All,
}

impl Scope {
    /// In summary order.
    pub const ALL: [Scope; 3] = [Scope::ZoneIncidents, Scope::RegionDisasters, Scope::All];

    /// `zone_incidents`, `region_disasters`, `all`.
    pub fn key(self) -> &'static str {
        match self {
            Scope::ZoneIncidents => "zone_incidents",
            Scope::RegionDisasters => "region_disasters",
            Scope::All => "all",
        }
    }

    /// For people: `zone incidents`, `regional disasters`, `all incidents`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::ZoneIncidents => "zone incidents",
            Scope::RegionDisasters => "regional disasters",
            Scope::All => "all incidents",
        }
    }
}

/// A figure of an objective's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectiveFigure {
    /// P(an incident meets the target), Wilson interval at the verdict's confidence.
    PMeet,
    /// Expected breaches (incidents missing the target) per year.
    BreachesPerYear,
    /// P(at least one breach within a year).
    PBreachWithinYear,
}

impl ObjectiveFigure {
    /// In summary order.
    pub const ALL: [ObjectiveFigure; 3] = [
        ObjectiveFigure::PMeet,
        ObjectiveFigure::BreachesPerYear,
        ObjectiveFigure::PBreachWithinYear,
    ];

    /// Its key in `summary.json`.
    pub fn key(self) -> &'static str {
        match self {
            ObjectiveFigure::PMeet => "p_meet",
            ObjectiveFigure::BreachesPerYear => "breaches_per_year",
            ObjectiveFigure::PBreachWithinYear => "p_breach_within_year",
        }
    }
}

/// What a miss of an objective is put down to ([`crate::model::critical_path`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissCause {
    /// An RTO miss whose path's longest step is this one.
    Rto(crate::model::Step),
    /// An RPO miss with this cause.
    Rpo(crate::model::RpoCause),
}

impl MissCause {
    /// Which objective was missed.
    pub fn objective(self) -> Objective {
        match self {
            MissCause::Rto(_) => Objective::Rto,
            MissCause::Rpo(_) => Objective::Rpo,
        }
    }

    /// The cause's key.
    pub fn key(self) -> &'static str {
        match self {
            MissCause::Rto(s) => s.key(),
            MissCause::Rpo(c) => c.key(),
        }
    }

    /// Its position among its objective's causes.
    pub fn index(self) -> usize {
        match self {
            MissCause::Rto(s) => s.index(),
            MissCause::Rpo(c) => c.index(),
        }
    }
}

/// An estimate under importance sampling, weighted back to the scenario's own rates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weighted {
    /// Mean likelihood ratio: 1 in expectation, a check on the weights.
    MeanLikelihoodRatio,
    /// P(at least one regional disaster in the observation window).
    PAnyDisaster,
    /// Regional disasters per replication.
    DisastersPerReplication,
    /// P(at least one regional disaster misses the plane's objective).
    PMissed(Plane, Objective),
}

/// A metric a path can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// `availability.<plane or feature>`: time-average availability, interval its ci95.
    Availability(Subject),
    /// A statistic of a duration distribution.
    Duration(Distribution, Stat),
    /// `zone_incidents.<plane>.p_meet_{rto,rpo}`: P(achieved ≤ target) per zone incident,
    /// Wilson interval.
    PMeet(Plane, Objective),
    /// `zone_incidents.<plane>.incidents_per_replication`: mean ± 1.96·SE.
    IncidentsPerReplication(Plane),
    /// `misses_per_replication.<plane>.{rto,rpo}`: zone incidents and regional disasters that
    /// missed the target, per replication; mean ± 1.96·SE.
    MissesPerReplication(Plane, Objective),
    /// `region_disasters.per_replication`: mean ± 1.96·SE.
    DisastersPerReplication,
    /// `region_disasters.<plane>.p_meet_{rto,rpo}`: P(achieved ≤ target) per regional disaster,
    /// Wilson interval.
    DisasterPMeet(Plane, Objective),
    /// `importance_sampling.…`: a weighted estimate, normal interval.
    Weighted(Weighted),
    /// `clients.retry_amplification`: attempts per logical request, a point value.
    RetryAmplification,
    /// `clients.user_visible_failures`: fraction of logical requests failed, between-replication
    /// interval.
    UserVisibleFailures,
    /// `clients.user_perceived_availability.<feature>`: share of a feature's logical requests
    /// that succeeded, between-replication interval.
    UserPerceivedAvailability(usize),
    /// `clients[.region_disasters].reconnect_survival.censored_share`: share of the affected
    /// clients that never reconnected (`true`: through regional disasters), a point value.
    ReconnectCensored(bool),
    /// `clients[.region_disasters].reconnect_survival.<p50|p90|p99>`: a Kaplan–Meier quantile of
    /// the time to reconnect, Greenwood interval; no value where not reached.
    ReconnectQuantile(bool, Percentile),
    /// `clients.region_disasters.user_visible_failures`: the same through regional disasters.
    DisasterUserVisibleFailures,
    /// `objectives.<plane>.<rto|rpo>.<scope>.<figure>`: a figure of an objective's verdict.
    Objective(Plane, Objective, Scope, ObjectiveFigure),
    /// `critical_path.<plane>.time.<step>`: mean time of a step on an incident's critical path.
    CriticalPathTime(Plane, crate::model::Step),
    /// `critical_path.<plane>.<rto|rpo>_misses.causes.<cause>`: share of the misses with this
    /// cause, Wilson interval.
    MissShare(Plane, MissCause),
}

impl Metric {
    /// The unit its threshold is written in.
    pub fn unit(&self) -> Unit {
        match self {
            Metric::Duration(..) | Metric::CriticalPathTime(..) | Metric::ReconnectQuantile(..) => Unit::Duration,
            Metric::Availability(_)
            | Metric::PMeet(..)
            | Metric::DisasterPMeet(..)
            | Metric::UserVisibleFailures
            | Metric::UserPerceivedAvailability(_)
            | Metric::ReconnectCensored(_)
            | Metric::DisasterUserVisibleFailures
            | Metric::MissShare(..)
            | Metric::Weighted(Weighted::PAnyDisaster | Weighted::PMissed(..))
            | Metric::Objective(.., ObjectiveFigure::PMeet | ObjectiveFigure::PBreachWithinYear) => Unit::Probability,
            Metric::Objective(.., ObjectiveFigure::BreachesPerYear) => Unit::Number,
            Metric::IncidentsPerReplication(_)
            | Metric::MissesPerReplication(..)
            | Metric::DisastersPerReplication
            | Metric::RetryAmplification
            | Metric::Weighted(Weighted::MeanLikelihoodRatio | Weighted::DisastersPerReplication) => Unit::Number,
        }
    }

    /// Which way is better: what `diff` calls an improvement or a regression. `None` for the
    /// metrics with no better side (shares of the misses by cause, the rate of regional
    /// disasters the scenario assumes, the checks of importance sampling): they are reported and
    /// never regress.
    pub fn better(&self) -> Option<Better> {
        match self {
            Metric::Availability(_)
            | Metric::PMeet(..)
            | Metric::DisasterPMeet(..)
            | Metric::UserPerceivedAvailability(_)
            | Metric::Objective(.., ObjectiveFigure::PMeet) => Some(Better::Higher),
            Metric::Duration(..)
            | Metric::IncidentsPerReplication(_)
            | Metric::MissesPerReplication(..)
            | Metric::Weighted(Weighted::PMissed(..))
            | Metric::RetryAmplification
            | Metric::UserVisibleFailures
            | Metric::ReconnectCensored(_)
            | Metric::ReconnectQuantile(..)
            | Metric::DisasterUserVisibleFailures
            | Metric::Objective(.., ObjectiveFigure::BreachesPerYear | ObjectiveFigure::PBreachWithinYear)
            | Metric::CriticalPathTime(..) => Some(Better::Lower),
            Metric::DisastersPerReplication
            | Metric::Weighted(
                Weighted::MeanLikelihoodRatio | Weighted::PAnyDisaster | Weighted::DisastersPerReplication,
            )
            | Metric::MissShare(..) => None,
        }
    }

    /// What a scenario needs for it to have data; `None` when every scenario has it.
    pub fn needs(&self) -> Option<Needs> {
        match self {
            Metric::Duration(d, _) => d.needs(),
            Metric::Availability(_)
            | Metric::PMeet(..)
            | Metric::IncidentsPerReplication(_)
            | Metric::MissesPerReplication(..)
            | Metric::CriticalPathTime(..)
            | Metric::MissShare(..) => None,
            Metric::DisastersPerReplication | Metric::DisasterPMeet(..) => Some(Needs::RegionDisasters),
            Metric::Objective(_, _, Scope::RegionDisasters, _) => Some(Needs::RegionDisasters),
            Metric::Objective(..) => None,
            Metric::Weighted(_) => Some(Needs::ImportanceSampling),
            Metric::RetryAmplification
            | Metric::UserVisibleFailures
            | Metric::UserPerceivedAvailability(_)
            | Metric::ReconnectCensored(_)
            | Metric::ReconnectQuantile(..)
            | Metric::DisasterUserVisibleFailures => Some(Needs::Clients),
        }
    }

    /// Whether it exists only in scenarios with `[clients]` (validation rejects it without).
    pub fn needs_clients(&self) -> bool {
        self.needs() == Some(Needs::Clients)
    }

    /// Whether it is the mean over replications of one number per replication — what `compare`
    /// can pair replication by replication.
    pub fn is_per_replication(&self) -> bool {
        matches!(
            self,
            Metric::Availability(_)
                | Metric::IncidentsPerReplication(_)
                | Metric::MissesPerReplication(..)
                | Metric::DisastersPerReplication
        )
    }
}

/// A key as written in a path (metric paths and the scenario's field paths): bare when it is a
/// TOML bare key (letters, digits, `-`, `_`), otherwise quoted (`"web.api"`), so that a key
/// holding a dot cannot be read as two.
pub fn quote_key(key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return key.to_string();
    }
    let mut out = String::from('"');
    for c in key.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}
