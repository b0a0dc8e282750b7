//! Estimates of catalogue metrics from a finished run, each with its 95 % interval or the reason
//! it has none.

use super::RunStats;
use super::summary::Summary;
use crate::model::metric::{Distribution, Metric, Objective, ObjectiveFigure, Percentile, Stat, Subject, Weighted};
use crate::stats::{
    ClusteredSummary, DurationStats, DurationSummary, MeanSummary, ProportionSummary, SurvivalSummary, WeightedSummary,
    Z95,
};

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

fn mean(m: &MeanSummary) -> Estimate {
    Estimate {
        value: m.estimate,
        spread: match m.ci95 {
            Some([lo, hi]) => Spread::Interval(lo, hi),
            None => Spread::Unavailable("fewer than 2 replications"),
        },
    }
}

fn clustered(p: &ClusteredSummary) -> Estimate {
    Estimate {
        value: p.estimate,
        spread: Spread::Interval(p.ci95[0], p.ci95[1]),
    }
}

fn proportion(p: &ProportionSummary) -> Estimate {
    Estimate {
        value: p.estimate,
        spread: Spread::Interval(p.wilson95[0], p.wilson95[1]),
    }
}

fn weighted(w: &WeightedSummary) -> Estimate {
    Estimate {
        value: w.estimate,
        spread: Spread::Interval(w.ci95[0], w.ci95[1]),
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
        Distribution::ClientDisasterReconnect => run.clients.as_ref().map(|c| &c.disasters.reconnect),
        Distribution::DisasterRto(p) => run.disasters.as_ref().map(|d| &d.planes[p.index()].rto),
        Distribution::DisasterRpo(p) => run.disasters.as_ref().map(|d| &d.planes[p.index()].rpo),
        Distribution::ControlPlaneReadOnly => run.disasters.as_ref().map(|d| &d.control_plane_read_only),
        Distribution::ControlPlaneFull => run.disasters.as_ref().map(|d| &d.control_plane_full),
        Distribution::MediaUnavailable => run.disasters.as_ref().map(|d| &d.media_unavailable),
        Distribution::UploadsAtRisk => run.disasters.as_ref().map(|d| &d.uploads_at_risk),
    }
}

/// The summary of a distribution.
fn summary(dist: Distribution, s: &Summary) -> Option<&DurationSummary> {
    match dist {
        Distribution::Rto(p) => s.zone_incidents[p].distribution(Objective::Rto),
        Distribution::Rpo(p) => s.zone_incidents[p].distribution(Objective::Rpo),
        Distribution::ClientLatency => s.clients.as_ref()?.latency.as_ref(),
        Distribution::ClientReconnect => s.clients.as_ref()?.reconnect.as_ref(),
        Distribution::ClientOverloaded => s.clients.as_ref()?.overloaded_after_trigger.as_ref(),
        Distribution::ClientDisasterReconnect => s.clients.as_ref()?.region_disasters.as_ref()?.reconnect.as_ref(),
        Distribution::DisasterRto(p) => s.region_disasters.as_ref()?.planes[p].distribution(Objective::Rto),
        Distribution::DisasterRpo(p) => s.region_disasters.as_ref()?.planes[p].distribution(Objective::Rpo),
        Distribution::ControlPlaneReadOnly => s.region_disasters.as_ref()?.control_plane_read_only.as_ref(),
        Distribution::ControlPlaneFull => s.region_disasters.as_ref()?.control_plane_full.as_ref(),
        Distribution::MediaUnavailable => s.region_disasters.as_ref()?.media_unavailable.as_ref(),
        Distribution::UploadsAtRisk => s.region_disasters.as_ref()?.uploads_at_risk.as_ref(),
    }
}

/// A statistic of a duration distribution, with its interval.
fn duration(dist: Distribution, stat: Stat, run: &RunStats, s: &Summary) -> Option<Estimate> {
    let d = summary(dist, s)?;
    Some(match stat {
        Stat::Mean => Estimate {
            value: d.mean,
            spread: match d.std_error {
                // Durations are never negative, so the interval is clamped at 0.
                Some(se) => Spread::Interval((d.mean - Z95 * se).max(0.0), d.mean + Z95 * se),
                None => Spread::Unavailable("fewer than 2 samples"),
            },
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
                Percentile::P50 => d.p50,
                Percentile::P90 => d.p90,
                Percentile::P95 => d.p95,
                Percentile::P99 => d.p99,
            };
            let ci = stats(dist, run)?.quantile_interval(p.fraction(), Z95)?;
            let secs = |t: Option<u64>, unbounded: f64| t.map_or(unbounded, |t| t as f64 / TICKS_PER_SECOND);
            Estimate {
                value,
                // Durations are never negative: a lower rank below 1 means 0.
                spread: Spread::Interval(secs(ci.lower, 0.0), secs(ci.upper, f64::INFINITY)),
            }
        }
    })
}

/// The Kaplan–Meier summary of the time to reconnect (`disaster`: after the traffic switch).
fn survival(s: &Summary, disaster: bool) -> Option<&SurvivalSummary> {
    let c = s.clients.as_ref()?;
    if disaster {
        c.region_disasters.as_ref()?.reconnect_survival.as_ref()
    } else {
        c.reconnect_survival.as_ref()
    }
}

/// The estimate of a finished run — the value at the metric's path in `summary.json` — or `None`
/// when the run has no data for it (no incidents, no logical requests, no such section, ...).
pub fn estimate(metric: &Metric, run: &RunStats, s: &Summary) -> Option<Estimate> {
    match *metric {
        Metric::Availability(subject) => {
            let a = match subject {
                Subject::Plane(p) => &s.availability.planes[p],
                Subject::Feature(i) => &s.availability.features.0.get(i)?.1.value,
            };
            Some(Estimate {
                value: a.estimate,
                spread: match a.ci95 {
                    Some([lo, hi]) => Spread::Interval(lo, hi),
                    None => Spread::Unavailable("fewer than 2 replications"),
                },
            })
        }
        Metric::Duration(dist, stat) => duration(dist, stat, run, s),
        Metric::PMeet(p, o) => s.zone_incidents[p].p_meet(o).map(proportion),
        Metric::IncidentsPerReplication(p) => Some(mean(&s.zone_incidents[p].incidents_per_replication)),
        Metric::MissesPerReplication(p, o) => Some(mean(s.misses_per_replication[p].of(o))),
        Metric::DisastersPerReplication => Some(mean(&s.region_disasters.as_ref()?.per_replication)),
        Metric::DisasterPMeet(p, o) => s.region_disasters.as_ref()?.planes[p].p_meet(o).map(proportion),
        Metric::Objective(p, o, scope, fig) => {
            let v = s.objectives[p].of(o).get(scope)?;
            let (value, [lo, hi]) = match fig {
                ObjectiveFigure::PMeet => v.p_meet.as_ref().map(|m| (m.estimate, m.interval))?,
                ObjectiveFigure::BreachesPerYear => (v.breaches_per_year.estimate, v.breaches_per_year.interval),
                ObjectiveFigure::PBreachWithinYear => {
                    (v.p_breach_within_year.estimate, v.p_breach_within_year.interval)
                }
            };
            Some(Estimate {
                value,
                spread: Spread::Interval(lo, hi),
            })
        }
        Metric::CriticalPathTime(p, step) => s.critical_path[p].time.get(step.key())?.as_ref().map(mean),
        Metric::MissShare(p, cause) => s.critical_path[p]
            .misses(cause.objective())
            .causes
            .get(cause.key())?
            .as_ref()
            .map(proportion),
        Metric::Weighted(w) => {
            let i = s.importance_sampling.as_ref()?;
            let summary = match w {
                Weighted::MeanLikelihoodRatio => i.mean_likelihood_ratio.as_ref(),
                Weighted::PAnyDisaster => i.p_any_disaster.as_ref(),
                Weighted::DisastersPerReplication => i.disasters_per_replication.as_ref(),
                Weighted::PMissed(p, o) => i.planes[p].p_missed(o),
            };
            summary.map(weighted)
        }
        Metric::RetryAmplification => {
            let c = s.clients.as_ref().filter(|c| c.logical_requests > 0)?;
            Some(Estimate {
                value: c.retry_amplification,
                spread: Spread::Point("a ratio, no standard error"),
            })
        }
        Metric::UserVisibleFailures => s.clients.as_ref()?.user_visible_failures.as_ref().map(clustered),
        Metric::UserPerceivedAvailability(i) => {
            let name = &s.availability.features.0.get(i)?.0;
            let c = s.clients.as_ref()?;
            c.user_perceived_availability
                .0
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, p)| clustered(p))
        }
        Metric::ReconnectCensored(disaster) => survival(s, disaster).map(|k| Estimate {
            value: k.censored_share,
            spread: Spread::Point("a share of the affected clients"),
        }),
        Metric::ReconnectQuantile(disaster, p) => {
            let k = survival(s, disaster)?;
            let q = match p {
                Percentile::P50 => k.p50,
                Percentile::P90 => k.p90,
                Percentile::P99 => k.p99,
                Percentile::P95 => return None,
            };
            Some(Estimate {
                value: q.estimate?,
                spread: Spread::Interval(q.ci95[0].unwrap_or(0.0), q.ci95[1].unwrap_or(f64::INFINITY)),
            })
        }
        Metric::DisasterUserVisibleFailures => s
            .clients
            .as_ref()?
            .region_disasters
            .as_ref()?
            .user_visible_failures
            .as_ref()
            .map(clustered),
    }
}
