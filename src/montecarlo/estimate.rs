//! Estimates of catalogue metrics from a finished run, each with its 95 % interval or the reason
//! it has none.

use super::RunStats;
use super::summary::Summary;
use crate::model::metric::{Distribution, Metric, Objective, Stat, Subject};
use crate::stats::{DurationStats, DurationSummary, ProportionSummary, Z95};

/// The spread that goes with an estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Spread {
    /// A 95 % interval `[lo, hi]`; `hi` is `+∞` when the data cannot bound it (a high percentile
    /// of few samples).
    Interval(f64, f64),
    /// An exact value of the run, judged as it is (the reason says why there is no interval).
    Point(&'static str),
    /// An interval is needed but cannot be computed (the reason says why): inconclusive.
    Unavailable(&'static str),
}

/// A metric's estimate: seconds for durations, otherwise the number itself.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Point estimate.
    pub value: f64,
    /// Its 95 % interval, or why there is none.
    pub spread: Spread,
}

fn mean_interval(mean: f64, se: Option<f64>) -> Spread {
    match se {
        // Every metric here is non-negative, so the interval is clamped at 0.
        Some(se) => Spread::Interval((mean - Z95 * se).max(0.0), mean + Z95 * se),
        None => Spread::Unavailable("fewer than 2 samples"),
    }
}

fn proportion(p: &ProportionSummary) -> Estimate {
    Estimate {
        value: p.estimate,
        spread: Spread::Interval(p.wilson95[0], p.wilson95[1]),
    }
}

const TICKS_PER_SECOND: f64 = crate::stats::TICKS_PER_SECOND as f64;

/// The accumulated durations of a distribution.
fn stats(dist: Distribution, run: &RunStats) -> Option<&DurationStats> {
    match dist {
        Distribution::Rto(p) => Some(&run.planes[p.index()].rto),
        Distribution::Rpo(p) => Some(&run.planes[p.index()].rpo),
        Distribution::ClientLatency => run.clients.as_ref().map(|c| &c.latency),
        Distribution::ClientReconnect => run.clients.as_ref().map(|c| &c.reconnect),
        Distribution::ClientOverloaded => run.clients.as_ref().map(|c| &c.overloaded_after_trigger),
        Distribution::DisasterRto(p) => run.disasters.as_ref().map(|d| &d.planes[p.index()].rto),
        Distribution::DisasterRpo(p) => run.disasters.as_ref().map(|d| &d.planes[p.index()].rpo),
        Distribution::ControlPlaneReadOnly => run.disasters.as_ref().map(|d| &d.control_plane_read_only),
        Distribution::ControlPlaneFull => run.disasters.as_ref().map(|d| &d.control_plane_full),
        Distribution::MediaUnavailable => run.disasters.as_ref().map(|d| &d.media_unavailable),
        Distribution::UploadsAtRisk => run.disasters.as_ref().map(|d| &d.uploads_at_risk),
    }
}

/// The summary of a distribution.
fn summary(dist: Distribution, s: &Summary) -> Option<DurationSummary> {
    match dist {
        Distribution::Rto(p) => s.zone_incidents[p.index()].rto,
        Distribution::Rpo(p) => s.zone_incidents[p.index()].rpo,
        Distribution::ClientLatency => s.clients.as_ref()?.latency,
        Distribution::ClientReconnect => s.clients.as_ref()?.reconnect,
        Distribution::ClientOverloaded => s.clients.as_ref()?.overloaded_after_trigger,
        Distribution::DisasterRto(p) => s.region_disasters.as_ref()?.planes[p.index()].rto,
        Distribution::DisasterRpo(p) => s.region_disasters.as_ref()?.planes[p.index()].rpo,
        Distribution::ControlPlaneReadOnly => s.region_disasters.as_ref()?.control_plane_read_only,
        Distribution::ControlPlaneFull => s.region_disasters.as_ref()?.control_plane_full,
        Distribution::MediaUnavailable => s.region_disasters.as_ref()?.media_unavailable,
        Distribution::UploadsAtRisk => s.region_disasters.as_ref()?.uploads_at_risk,
    }
}

/// The estimate of a finished run, `None` when the run has no data for it (no incidents,
/// no logical requests, ...).
pub fn estimate(metric: &Metric, run: &RunStats, s: &Summary) -> Option<Estimate> {
    match *metric {
        Metric::Availability(subject) => {
            let a = match subject {
                Subject::Plane(p) => &s.availability.planes[p.index()],
                Subject::Feature(i) => &s.availability.features[i],
            };
            Some(Estimate {
                value: a.value.availability,
                spread: match a.value.ci95 {
                    Some([lo, hi]) => Spread::Interval(lo, hi),
                    None => Spread::Unavailable("fewer than 2 replications"),
                },
            })
        }
        Metric::Duration(dist, stat) => {
            let d = summary(dist, s)?;
            Some(match stat {
                Stat::Mean => Estimate {
                    value: d.mean,
                    spread: mean_interval(d.mean, d.std_error),
                },
                Stat::Min => Estimate {
                    value: d.min,
                    spread: Spread::Point("exact minimum"),
                },
                Stat::Max => Estimate {
                    value: d.max,
                    spread: Spread::Point("exact maximum"),
                },
                Stat::Percentile(p) => {
                    let value = match p {
                        50 => d.p50,
                        90 => d.p90,
                        95 => d.p95,
                        _ => d.p99,
                    };
                    let ci = stats(dist, run)?.quantile_interval(f64::from(p) / 100.0, Z95)?;
                    let secs = |t: Option<u64>, unbounded: f64| t.map_or(unbounded, |t| t as f64 / TICKS_PER_SECOND);
                    Estimate {
                        value,
                        // Durations are never negative: a lower rank below 1 means 0.
                        spread: Spread::Interval(secs(ci.lower, 0.0), secs(ci.upper, f64::INFINITY)),
                    }
                }
            })
        }
        Metric::PMeet(p, objective) => {
            let z = &s.zone_incidents[p.index()];
            match objective {
                Objective::Rto => z.p_meet_rto.as_ref().map(proportion),
                Objective::Rpo => z.p_meet_rpo.as_ref().map(proportion),
            }
        }
        Metric::IncidentsPerReplication(p) => {
            let z = &s.zone_incidents[p.index()];
            Some(Estimate {
                value: z.incidents_per_replication,
                spread: mean_interval(z.incidents_per_replication, z.incidents_per_replication_se),
            })
        }
        Metric::RetryAmplification => {
            let c = s.clients.as_ref().filter(|c| c.logical_requests > 0)?;
            Some(Estimate {
                value: c.retry_amplification,
                spread: Spread::Point("a ratio, no standard error"),
            })
        }
        Metric::UserVisibleFailures => s.clients.as_ref()?.user_visible_failures.as_ref().map(proportion),
        Metric::DisasterPMeet(p, objective) => {
            let d = &s.region_disasters.as_ref()?.planes[p.index()];
            match objective {
                Objective::Rto => d.p_meet_rto.as_ref().map(proportion),
                Objective::Rpo => d.p_meet_rpo.as_ref().map(proportion),
            }
        }
    }
}
