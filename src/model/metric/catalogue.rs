//! The catalogue: every metric path of a scenario, in `summary.json` order, with what it means.

use super::{
    Distribution, Metric, MissCause, Needs, Objective, ObjectiveFigure, Scope, Stat, Subject, Unit, Weighted,
    plane_name, quote_key,
};
use crate::model::{Plane, Scenario};

/// One known metric path.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricDef {
    /// The path: the key path of its value in `summary.json`, as written in `[expect]`.
    pub path: String,
    /// What it measures.
    pub metric: Metric,
    /// One line for people.
    pub meaning: String,
}

impl MetricDef {
    /// The unit its thresholds are written in.
    pub fn unit(&self) -> Unit {
        self.metric.unit()
    }

    /// What a scenario needs for it to have data.
    pub fn needs(&self) -> Option<Needs> {
        self.metric.needs()
    }
}

/// Whose features the availability paths name.
enum Features<'a> {
    /// A scenario's, by name and plane.
    Named(&'a [(String, Plane)]),
    /// Any scenario's: one `availability.<feature>` line.
    Placeholder,
}

/// Every metric path of a scenario with these features (name and plane), whatever sections it
/// has: [`MetricDef::needs`] says which paths have data only with `[clients]`, regional
/// disasters or importance sampling. Feature names must not be a plane's key (validation
/// rejects `control_plane` and `data_plane`), or their path would be the plane's.
pub fn catalogue(features: &[(String, Plane)]) -> Vec<MetricDef> {
    build(Features::Named(features))
}

/// The catalogue of a validated scenario. A feature's user-perceived availability is listed only
/// for the features the clients send requests to (its mix).
pub fn catalogue_of(s: &Scenario) -> Vec<MetricDef> {
    let features: Vec<(String, Plane)> = s.features.iter().map(|f| (f.name.clone(), f.plane)).collect();
    let mut out = catalogue(&features);
    out.retain(|d| match d.metric {
        Metric::UserPerceivedAvailability(i) => s.clients.as_ref().is_some_and(|c| c.mix.iter().any(|m| m.0 == i)),
        _ => true,
    });
    out
}

/// The catalogue of any scenario, features written `availability.<feature>` (for the docs).
pub fn generic_catalogue() -> Vec<MetricDef> {
    build(Features::Placeholder)
}

fn build(features: Features<'_>) -> Vec<MetricDef> {
    let mut out = Vec::new();
    let mut add = |path: String, metric: Metric, meaning: String| out.push(MetricDef { path, metric, meaning });
    objectives(&mut add);
    availability(&mut add, &features);
    zone_incidents(&mut add);
    misses(&mut add);
    critical_path(&mut add);
    clients(&mut add, &features);
    region_disasters(&mut add);
    importance_sampling(&mut add);
    out
}

/// `availability.*`: the planes, then the features.
fn availability(add: &mut impl FnMut(String, Metric, String), features: &Features<'_>) {
    for p in Plane::ALL {
        add(
            format!("availability.{}", p.key()),
            Metric::Availability(Subject::Plane(p)),
            format!(
                "fraction of the observation window the {} was up: all its features other than audio/video (those are measured per feature) (time average)",
                plane_name(p)
            ),
        );
    }
    match features {
        Features::Named(features) => {
            for (i, (name, plane)) in features.iter().enumerate() {
                add(
                    format!("availability.{}", quote_key(name)),
                    Metric::Availability(Subject::Feature(i)),
                    format!(
                        "fraction of the observation window feature {name} ({}) was up",
                        plane_name(*plane)
                    ),
                );
            }
        }
        Features::Placeholder => add(
            "availability.<feature>".into(),
            Metric::Availability(Subject::Feature(0)),
            "fraction of the observation window a feature was up; one path per feature, its name quoted \
             (\"web.api\") when it has characters outside [A-Za-z0-9_-]"
                .into(),
        ),
    }
}

/// `zone_incidents.<plane>.*`: incidents per replication, RTO and RPO, P(meet).
fn zone_incidents(add: &mut impl FnMut(String, Metric, String)) {
    for p in Plane::ALL {
        add(
            format!("zone_incidents.{}.incidents_per_replication", p.key()),
            Metric::IncidentsPerReplication(p),
            format!("zone incidents of the {} per replication", plane_name(p)),
        );
        for dist in [Distribution::Rto(p), Distribution::Rpo(p)] {
            durations(add, dist);
        }
        for o in Objective::ALL {
            add(
                format!("zone_incidents.{}.p_meet_{}", p.key(), o.key()),
                Metric::PMeet(p, o),
                format!(
                    "P(achieved {} <= target) per zone incident of the {}{}",
                    o.name(),
                    plane_name(p),
                    censored_note(o)
                ),
            );
        }
    }
}

/// `objectives.<plane>.<rto|rpo>.<scope>.*`: the figures behind each verdict.
fn objectives(add: &mut impl FnMut(String, Metric, String)) {
    for p in Plane::ALL {
        for o in Objective::ALL {
            for scope in Scope::ALL {
                for fig in ObjectiveFigure::ALL {
                    let what = match fig {
                        ObjectiveFigure::PMeet => format!(
                            "P(achieved {} {} <= target) per incident of the {}, interval at the verdict's confidence",
                            plane_name(p),
                            o.name(),
                            scope.name()
                        ),
                        ObjectiveFigure::BreachesPerYear => format!(
                            "expected {} per year whose achieved {} {} missed the target",
                            scope.name(),
                            plane_name(p),
                            o.name()
                        ),
                        ObjectiveFigure::PBreachWithinYear => format!(
                            "P(at least one of the {} misses the {} {} target within a year), breaches taken as a Poisson process",
                            scope.name(),
                            plane_name(p),
                            o.name()
                        ),
                    };
                    add(
                        format!("objectives.{}.{}.{}.{}", p.key(), o.key(), scope.key(), fig.key()),
                        Metric::Objective(p, o, scope, fig),
                        what,
                    );
                }
            }
        }
    }
}

/// `misses_per_replication.<plane>.*`: the per-replication misses `compare` pairs.
fn misses(add: &mut impl FnMut(String, Metric, String)) {
    for p in Plane::ALL {
        for o in Objective::ALL {
            add(
                format!("misses_per_replication.{}.{}", p.key(), o.key()),
                Metric::MissesPerReplication(p, o),
                format!(
                    "zone incidents plus regional disasters per replication whose achieved {} {} missed the target{}",
                    plane_name(p),
                    o.name(),
                    match o {
                        Objective::Rto => "",
                        Objective::Rpo => " (lost data is a miss)",
                    }
                ),
            );
        }
    }
}

/// `critical_path.<plane>.*`: where the time went, why targets were missed.
fn critical_path(add: &mut impl FnMut(String, Metric, String)) {
    use crate::model::{RpoCause, Step};
    for p in Plane::ALL {
        for step in Step::ALL {
            add(
                format!("critical_path.{}.time.{}", p.key(), step.key()),
                Metric::CriticalPathTime(p, step),
                format!(
                    "mean time per completed {} incident on its critical path: {}",
                    plane_name(p),
                    step.meaning()
                ),
            );
        }
        let causes = Step::ALL
            .into_iter()
            .map(MissCause::Rto)
            .chain(RpoCause::ALL.into_iter().map(MissCause::Rpo));
        for cause in causes {
            let o = cause.objective();
            let meaning = match cause {
                MissCause::Rto(s) => s.meaning(),
                MissCause::Rpo(c) => c.meaning(),
            };
            add(
                format!("critical_path.{}.{}_misses.causes.{}", p.key(), o.key(), cause.key()),
                Metric::MissShare(p, cause),
                format!(
                    "share of the {} incidents missing the {} target that were caused by: {meaning}",
                    plane_name(p),
                    o.name()
                ),
            );
        }
    }
}

/// `clients.*`: what the clients saw (scenarios with `[clients]`).
fn clients(add: &mut impl FnMut(String, Metric, String), features: &Features<'_>) {
    add(
        "clients.retry_amplification".into(),
        Metric::RetryAmplification,
        "attempts per logical request (first attempts and retries), a point value".into(),
    );
    add(
        "clients.user_visible_failures".into(),
        Metric::UserVisibleFailures,
        "fraction of logical requests that failed for the user (interval from the between-replication variance)".into(),
    );
    let perceived = "share of the feature's logical requests that eventually succeeded during the simulated \
                     disruptions: its user-perceived availability (interval from the between-replication variance)";
    match features {
        Features::Named(features) => {
            for (i, (name, _)) in features.iter().enumerate() {
                add(
                    format!("clients.user_perceived_availability.{}", quote_key(name)),
                    Metric::UserPerceivedAvailability(i),
                    format!("{perceived}; feature {name}"),
                );
            }
        }
        Features::Placeholder => add(
            "clients.user_perceived_availability.<feature>".into(),
            Metric::UserPerceivedAvailability(0),
            format!("{perceived}; one path per feature with requests"),
        ),
    }
    for dist in [Distribution::ClientLatency, Distribution::ClientReconnect] {
        durations(add, dist);
    }
    reconnect_survival(add, false);
    durations(add, Distribution::ClientOverloaded);
    add(
        "clients.region_disasters.user_visible_failures".into(),
        Metric::DisasterUserVisibleFailures,
        "fraction of logical requests that failed for the user in the episodes of regional disasters (disaster to failback)".into(),
    );
    durations(add, Distribution::ClientDisasterReconnect);
    reconnect_survival(add, true);
}

/// `clients[.region_disasters].reconnect_survival.*`: the censored share and the Kaplan–Meier
/// quantiles of the time to reconnect.
fn reconnect_survival(add: &mut impl FnMut(String, Metric, String), disaster: bool) {
    let (prefix, from) = if disaster {
        (
            "clients.region_disasters.reconnect_survival",
            "the traffic switch to the pair",
        )
    } else {
        ("clients.reconnect_survival", "the end of the trigger")
    };
    add(
        format!("{prefix}.censored_share"),
        Metric::ReconnectCensored(disaster),
        format!(
            "share of the clients that saw a failure and had not reconnected after {from} when their simulated window ended (censored), a point value"
        ),
    );
    for p in super::RECONNECT_QUANTILES {
        add(
            format!("{prefix}.{}", Stat::Percentile(p).key()),
            Metric::ReconnectQuantile(disaster, p),
            format!(
                "{} of the time from {from} to a client's reconnection, clients never reconnected censored (Kaplan–Meier, Greenwood interval); no value where not reached",
                Stat::Percentile(p).describe()
            ),
        );
    }
}

/// `region_disasters.*`: per disaster, per plane and the recovery's milestones.
fn region_disasters(add: &mut impl FnMut(String, Metric, String)) {
    add(
        "region_disasters.per_replication".into(),
        Metric::DisastersPerReplication,
        "regional disasters per replication".into(),
    );
    for p in Plane::ALL {
        for dist in [Distribution::DisasterRto(p), Distribution::DisasterRpo(p)] {
            durations(add, dist);
        }
        for o in Objective::ALL {
            add(
                format!("region_disasters.{}.p_meet_{}", p.key(), o.key()),
                Metric::DisasterPMeet(p, o),
                format!(
                    "P(achieved {} <= target) per regional disaster, {}{}",
                    o.name(),
                    plane_name(p),
                    match o {
                        Objective::Rto => censored_note(o),
                        Objective::Rpo => " (lost data is a miss)",
                    }
                ),
            );
        }
    }
    for dist in [
        Distribution::ControlPlaneReadOnly,
        Distribution::ControlPlaneFull,
        Distribution::MediaUnavailable,
        Distribution::UploadsAtRisk,
    ] {
        durations(add, dist);
    }
}

/// `importance_sampling.*`: estimates weighted back to the scenario's own rates.
fn importance_sampling(add: &mut impl FnMut(String, Metric, String)) {
    let weighted = "; weighted back to the scenario's own rates";
    add(
        "importance_sampling.mean_likelihood_ratio".into(),
        Metric::Weighted(Weighted::MeanLikelihoodRatio),
        "mean likelihood ratio: 1 in expectation, a check on the weights".into(),
    );
    add(
        "importance_sampling.p_any_disaster".into(),
        Metric::Weighted(Weighted::PAnyDisaster),
        format!("P(at least one regional disaster in the observation window){weighted}"),
    );
    add(
        "importance_sampling.disasters_per_replication".into(),
        Metric::Weighted(Weighted::DisastersPerReplication),
        format!("regional disasters per replication{weighted}"),
    );
    for p in Plane::ALL {
        for o in Objective::ALL {
            add(
                format!("importance_sampling.{}.p_{}_missed", p.key(), o.key()),
                Metric::Weighted(Weighted::PMissed(p, o)),
                format!(
                    "P(at least one regional disaster misses the {} {} target){weighted}",
                    plane_name(p),
                    o.name()
                ),
            );
        }
    }
}

/// The seven statistics of a duration family.
fn durations(add: &mut impl FnMut(String, Metric, String), dist: Distribution) {
    for stat in Stat::ALL {
        add(
            format!("{}.{}", dist.path(), stat.key()),
            Metric::Duration(dist, stat),
            format!("{} of {}", stat.describe(), dist.describe()),
        );
    }
}

/// How a P(meet RTO) counts recoveries still running at the horizon.
fn censored_note(o: Objective) -> &'static str {
    match o {
        Objective::Rto => " (one still open at the horizon counts once past the target)",
        Objective::Rpo => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::metric::Percentile;

    fn features() -> Vec<(String, Plane)> {
        vec![
            ("browse-learn".to_string(), Plane::Data),
            ("admin".to_string(), Plane::Control),
            ("web.api v2".to_string(), Plane::Data),
        ]
    }

    #[test]
    fn paths_are_unique_and_every_one_has_a_unit_and_a_meaning() {
        let all = catalogue(&features());
        let mut paths: Vec<&str> = all.iter().map(|d| d.path.as_str()).collect();
        let n = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), n, "duplicate paths");
        // Availability: 2 planes + 3 features. Zone incidents per plane: incidents, 2 × 7 stats,
        // 2 P(meet). Misses: 2 × 2. Clients: 2 + 3 features' user-perceived availability + 3 × 7
        // + reconnect survival 1 + 3, through disasters 1 + 7 + 1 + 3. Region
        // disasters: per replication, per plane 2 × 7 stats + 2 P(meet), 4 × 7 more. Importance
        // sampling: 3 + 2 × 2. Objectives: 2 planes × 2 objectives × 3 scopes × 3 figures.
        // Critical paths: 2 planes × (19 steps' time + 19 RTO causes + 5 RPO causes).
        assert_eq!(
            n,
            36 + 5 + 2 * 17 + 4 + 2 * (19 + 19 + 5) + (2 + 3 + 21 + 4 + 1 + 7 + 4) + (1 + 2 * 16 + 28) + (3 + 4)
        );
        for d in &all {
            assert!(!d.meaning.is_empty() && !d.meaning.contains('\n'), "{}", d.path);
            assert!(!d.meaning.ends_with('.'), "one line, no full stop: {}", d.path);
        }
    }

    #[test]
    fn paths_are_the_key_paths_of_summary_json() {
        let all = catalogue(&features());
        let find = |p: &str| {
            all.iter()
                .find(|d| d.path == p)
                .unwrap_or_else(|| panic!("{p} not in the catalogue"))
        };
        for (path, metric, unit) in [
            (
                "zone_incidents.data_plane.rto.p95",
                Metric::Duration(Distribution::Rto(Plane::Data), Stat::Percentile(Percentile::P95)),
                Unit::Duration,
            ),
            (
                "zone_incidents.control_plane.p_meet_rpo",
                Metric::PMeet(Plane::Control, Objective::Rpo),
                Unit::Probability,
            ),
            (
                "zone_incidents.data_plane.incidents_per_replication",
                Metric::IncidentsPerReplication(Plane::Data),
                Unit::Number,
            ),
            (
                "region_disasters.control_plane.p_meet_rpo",
                Metric::DisasterPMeet(Plane::Control, Objective::Rpo),
                Unit::Probability,
            ),
            (
                "region_disasters.control_plane_read_only.mean",
                Metric::Duration(Distribution::ControlPlaneReadOnly, Stat::Mean),
                Unit::Duration,
            ),
            (
                "region_disasters.per_replication",
                Metric::DisastersPerReplication,
                Unit::Number,
            ),
            (
                "availability.data_plane",
                Metric::Availability(Subject::Plane(Plane::Data)),
                Unit::Probability,
            ),
            (
                "availability.browse-learn",
                Metric::Availability(Subject::Feature(0)),
                Unit::Probability,
            ),
            (
                "misses_per_replication.data_plane.rto",
                Metric::MissesPerReplication(Plane::Data, Objective::Rto),
                Unit::Number,
            ),
            ("clients.retry_amplification", Metric::RetryAmplification, Unit::Number),
            (
                "clients.overloaded_after_trigger.max",
                Metric::Duration(Distribution::ClientOverloaded, Stat::Max),
                Unit::Duration,
            ),
            (
                "importance_sampling.data_plane.p_rpo_missed",
                Metric::Weighted(Weighted::PMissed(Plane::Data, Objective::Rpo)),
                Unit::Probability,
            ),
            (
                "importance_sampling.disasters_per_replication",
                Metric::Weighted(Weighted::DisastersPerReplication),
                Unit::Number,
            ),
        ] {
            let d = find(path);
            assert_eq!((d.metric, d.unit()), (metric, unit), "{path}");
        }
        assert_eq!(find("clients.latency.mean").needs(), Some(Needs::Clients));
        assert_eq!(
            find("region_disasters.data_plane.rto.p50").needs(),
            Some(Needs::RegionDisasters)
        );
        assert_eq!(
            find("importance_sampling.p_any_disaster").needs(),
            Some(Needs::ImportanceSampling)
        );
        assert_eq!(find("zone_incidents.data_plane.rpo.max").needs(), None);
        assert_eq!(find("misses_per_replication.control_plane.rpo").needs(), None);
    }

    #[test]
    fn feature_names_outside_bare_keys_are_quoted() {
        let all = catalogue(&features());
        assert!(all.iter().any(|d| d.path == "availability.\"web.api v2\""));
        assert!(all.iter().any(|d| d.path == "availability.admin"));
        assert_eq!(quote_key("a\"b"), "\"a\\\"b\"");
        assert!(
            all.iter()
                .any(|d| d.path == "clients.user_perceived_availability.\"web.api v2\"")
        );
        // The placeholder catalogue has one feature line per section (availability and the
        // clients' user-perceived availability), unquoted, and otherwise the same paths.
        let generic = generic_catalogue();
        assert_eq!(generic.len(), all.len() - 4);
        assert!(
            generic
                .iter()
                .any(|d| d.path == "clients.user_perceived_availability.<feature>")
        );
        assert!(generic.iter().any(|d| d.path == "availability.<feature>"));
    }

    #[test]
    fn only_means_over_replications_are_per_replication() {
        let per: Vec<String> = catalogue(&features())
            .into_iter()
            .filter(|d| d.metric.is_per_replication())
            .map(|d| d.path)
            .collect();
        assert_eq!(
            per,
            [
                "availability.control_plane",
                "availability.data_plane",
                "availability.browse-learn",
                "availability.admin",
                "availability.\"web.api v2\"",
                "zone_incidents.control_plane.incidents_per_replication",
                "zone_incidents.data_plane.incidents_per_replication",
                "misses_per_replication.control_plane.rto",
                "misses_per_replication.control_plane.rpo",
                "misses_per_replication.data_plane.rto",
                "misses_per_replication.data_plane.rpo",
                "region_disasters.per_replication",
            ]
        );
    }
}
