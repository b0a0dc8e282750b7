//! Recoveries into the pair after any detected outage (docs/MODEL.md section 5): oracles for a
//! datacenter lost in a region without zones and for a long zone outage under a zonal plane,
//! overlapping disasters, a pair that is down, contention with a region sharing the pair, and
//! one meaning of "up" (incidents, downtime and media figures agree).

use super::common::{load, repo, with_reps};
use outage_sim::engine::{SimDuration, SimTime};
use outage_sim::model::{self, IncidentKind, Model, Plane, ReplicationOutcome};
use outage_sim::scenario::Plan;
use std::path::Path;

const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

/// A Community Training–like deployment with a recovery plan whose stages are simple enough for
/// closed forms: detection U(0, 1 s), consent after exactly 1 h (refused with probability
/// `refuse`), control-plane failover `cp`, create `create`, database 100 GB at 25 GB/h (4 h,
/// Standard), storage 800 s, validation 1 h, switch 10 min, failback 2 h later for 20 min.
fn plan(deployment: &str, refuse: f64, cp: &str, create: &str, extra: &str) -> Plan {
    let text = format!(
        r#"
name = "recovery-oracle"
[simulation]
horizon = "30d"
replications = 4000
seed = 13
[deployment]
{deployment}
[recovery]
detection = {{ period = "1s", consecutive_failures = 1 }}
consent = {{ response = "1h", no_consent_probability = {refuse} }}
control_plane_failover = "{cp}"
failback = {{ delay = "2h", disruption = "20m" }}
create_resources = "{create}"
database = {{ size_gb = 100, standard_gb_per_hour = 25, premium_gb_per_hour = 100 }}
storage = {{ size_gb = 100, bandwidth_mbps = 1000, latency = "1ms", streams = 16, window_mib = 4 }}
validation = "1h"
traffic_switch = "10m"
[[services]]
name = "control-api"
kind = "app-service"
plane = "control"
[[services]]
name = "control-config"
kind = "sql"
plane = "control"
backup = {{ interval = "10m", pair_copy_lag = "5m" }}
[[services]]
name = "web"
kind = "app-service"
[[services]]
name = "sql"
kind = "sql"
backup = {{ interval = "10m", copy_lag = "5m", pair_copy_lag = "1h" }}
[[services]]
name = "storage"
kind = "storage"
backup = {{ interval = "1h", copy_lag = "15m" }}
[[features]]
name = "browse-learn"
services = ["web", "sql", "storage"]
[[features]]
name = "media-playback"
services = ["web", "storage"]
media = true
[[features]]
name = "admin-operations"
plane = "control"
services = ["control-api", "control-config"]
{extra}
"#
    );
    Plan::from_source(&text, Path::new("recovery-oracle.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn outcomes(p: &Plan) -> Vec<ReplicationOutcome> {
    let m = Model::new(p);
    (0..p.replications).map(|r| m.simulate(r)).collect()
}

/// P(U + E ≤ y) for U ~ U(0, w) and E ~ Exp(rate), exact.
fn uniform_plus_exp_cdf(y: f64, w: f64, rate: f64) -> f64 {
    if y <= 0.0 {
        0.0
    } else if y < w {
        (y - (1.0 - (-rate * y).exp()) / rate) / w
    } else {
        1.0 - ((-rate * (y - w)).exp() - (-rate * y).exp()) / (rate * w)
    }
}

/// Asserts the share of `xs` at or below `x` is within 4 binomial standard errors of `exact`.
fn check_cdf(what: &str, xs: &[f64], x: f64, exact: f64) {
    let n = xs.len() as f64;
    let p = xs.iter().filter(|&&v| v <= x).count() as f64 / n;
    let se = (exact * (1.0 - exact) / n).sqrt().max(1.0 / n);
    eprintln!(
        "{what}: P(X <= {:.2} h) = {p:.4}, exact {exact:.4}, SE {se:.4}",
        x / HOUR
    );
    assert!((p - exact).abs() <= 4.0 * se, "{what}: {p} vs {exact} (SE {se})");
}

/// RTO (s) of the first incident of `plane` in each replication.
fn first_rto(os: &[ReplicationOutcome], plane: Plane) -> Vec<f64> {
    os.iter()
        .map(|o| {
            o.incidents
                .iter()
                .find(|i| i.plane == plane)
                .expect("an incident")
                .rto()
                .as_secs_f64()
        })
        .collect()
}

#[test]
fn a_lost_datacenter_in_a_region_without_zones_is_recovered_in_the_pair() {
    // West US has no availability zones: its one datacenter is out for 5 days from t = 1 h.
    // Both planes are down; each serves again from the pair after U(0, 1 s) + 1 h of consent
    // plus its own stages, unless the customer refuses (10 %): then after the 5 days.
    let p = plan(
        "region = \"West US\"\nsku = \"standard\"\ndata_plane = \"zonal\"\ndisaster_recovery = true",
        0.1,
        "exp(mean=3h)",
        "exp(mean=4h)",
        "[[faults]]\nkind = \"zone-outage\"\nzone = 1\nat = \"1h\"\nduration = \"5d\"",
    );
    let os = outcomes(&p);
    let m = Model::new(&p);
    let first = &os[0].incidents[0];
    assert_eq!(
        first.cause.describe(&p, m.processes()),
        "scripted fault 0: datacenter outage"
    );
    let rec = &os[0].recoveries[first.recovery.expect("a recovery") as usize];
    assert_eq!(
        rec.trigger.describe(&p, m.processes()),
        "scripted fault 0: datacenter outage"
    );
    let q = 0.1;
    let w = 1.0;
    // Data plane: 1 h consent + create Exp(4 h) + 4 h database + 1 h validation + 10 min switch.
    let dp = first_rto(&os, Plane::Data);
    let c = HOUR + 4.0 * HOUR + HOUR + 600.0;
    for x in [8.0 * HOUR, 10.0 * HOUR, 14.0 * HOUR, 30.0 * HOUR] {
        let exact = (1.0 - q) * uniform_plus_exp_cdf(x - c, w, 1.0 / (4.0 * HOUR));
        check_cdf("datacenter loss, data-plane RTO", &dp, x, exact);
    }
    // Control plane: 1 h consent + failover Exp(3 h).
    let cp = first_rto(&os, Plane::Control);
    for x in [2.0 * HOUR, 5.0 * HOUR] {
        let exact = (1.0 - q) * uniform_plus_exp_cdf(x - HOUR, w, 1.0 / (3.0 * HOUR));
        check_cdf("datacenter loss, control-plane RTO", &cp, x, exact);
    }
    // A refusal waits the 5 days, exactly.
    let refused = dp.iter().filter(|&&x| x == 5.0 * DAY).count() as f64 / dp.len() as f64;
    let se = (q * (1.0 - q) / dp.len() as f64).sqrt();
    assert!((refused - q).abs() <= 4.0 * se, "refused {refused}");
}

#[test]
fn a_long_zone_outage_under_a_zonal_plane_races_a_recovery_into_the_pair() {
    // Zone 1 of East US is out for R ~ Exp(mean 24 h) from t = 1 h. The zonal data plane is down;
    // the zone-redundant control plane only fails over inside the region. The recovery takes
    // D + U(0, 1 s), D = 1 h consent + 2 h create + 4 h database + 1 h validation + 10 min: the
    // data plane serves again at min(R, D + U).
    let p = plan(
        "region = \"East US\"\nsku = \"standard\"\ndata_plane = \"zonal\"\nzone = 1\ndisaster_recovery = true",
        0.0,
        "exp(mean=3h)",
        "2h",
        "[[faults]]\nkind = \"zone-outage\"\nzone = 1\nat = \"1h\"\nduration = \"exp(mean=24h)\"",
    );
    let os = outcomes(&p);
    let mu = 24.0 * HOUR;
    let d = 8.0 * HOUR + 600.0;
    let dp = first_rto(&os, Plane::Data);
    for x in [HOUR, 4.0 * HOUR, 8.0 * HOUR] {
        check_cdf("zone outage, data-plane RTO", &dp, x, 1.0 - (-x / mu).exp());
    }
    assert!(dp.iter().all(|&x| x <= d + 1.0), "never later than the recovery");
    // P(served from the pair) = P(R > D + U) = e^(−D/µ) · µ (1 − e^(−w/µ)) / w.
    let w = 1.0;
    let exact = (-d / mu).exp() * mu * (1.0 - (-w / mu).exp()) / w;
    let n = os.len() as f64;
    let pair = os
        .iter()
        .filter(|o| o.recoveries.iter().any(|r| r.pair_served[1].is_some()))
        .count() as f64
        / n;
    let se = (exact * (1.0 - exact) / n).sqrt();
    eprintln!("P(data plane served from the pair) = {pair:.4}, exact {exact:.4}, SE {se:.4}");
    assert!((pair - exact).abs() <= 4.0 * se);
    // The control plane never leaves the primary.
    for o in &os {
        assert!(o.recoveries.iter().all(|r| r.pair_served[0].is_none()));
        assert!(
            o.incidents
                .iter()
                .filter(|i| i.plane == Plane::Control)
                .all(|i| i.kind == IncidentKind::Failover)
        );
    }
}

/// Per plane, the incidents do not overlap.
fn assert_no_overlap(o: &ReplicationOutcome) {
    for plane in Plane::ALL {
        let mut last = SimTime::ZERO;
        for i in o.incidents.iter().filter(|i| i.plane == plane) {
            assert!(
                i.start >= last,
                "overlapping incidents of {plane:?} in {}",
                o.replication
            );
            last = i.end;
        }
    }
}

const OVERLAPPING: &str = "[[faults]]\nkind = \"region-disaster\"\nat = \"1h\"\nduration = \"2d\"\n\
                           [[faults]]\nkind = \"region-disaster\"\nat = \"1d\"\nduration = \"3d\"";
const PREMIUM: &str =
    "region = \"East US\"\nsku = \"premium\"\ndata_plane = \"zone-redundant\"\ndisaster_recovery = true";

#[test]
fn overlapping_disasters_extend_the_outage_and_failback_waits_for_the_later_end() {
    // Disasters at 1 h (2 days) and at 1 d (3 days): the region is back at 4 d.
    let p = with_reps(&plan(PREMIUM, 0.0, "exp(mean=3h)", "exp(mean=4h)", OVERLAPPING), 300);
    for o in outcomes(&p) {
        assert_eq!(o.disasters.len(), 2, "both are counted");
        assert_no_overlap(&o);
        assert_eq!(o.recoveries.len(), 1, "one recovery covers both");
        let failback = o.recoveries[0]
            .stages
            .iter()
            .find(|s| s.name == "failback")
            .expect("failback");
        assert_eq!(failback.start.as_secs_f64(), 4.0 * DAY + 2.0 * HOUR);
        // The second disaster strikes planes already served from the pair: they stay up.
        let second = &o.disasters[1];
        for plane in Plane::ALL {
            if o.disasters[0].serving[plane.index()].unwrap().as_secs_f64() < DAY {
                assert_eq!(second.rto(plane, SimTime(30 * 86_400_000_000)).0, SimDuration::ZERO);
            }
        }
    }
}

#[test]
fn overlapping_disasters_without_consent_are_one_outage_until_the_later_end() {
    let p = with_reps(&plan(PREMIUM, 1.0, "exp(mean=3h)", "exp(mean=4h)", OVERLAPPING), 50);
    let horizon = SimTime(30 * 86_400_000_000);
    for o in outcomes(&p) {
        assert_eq!(o.disasters.len(), 2);
        for plane in Plane::ALL {
            let incidents: Vec<_> = o.incidents.iter().filter(|i| i.plane == plane).collect();
            assert_eq!(incidents.len(), 1, "{plane:?}: {incidents:?}");
            assert_eq!(
                (incidents[0].start.as_secs_f64(), incidents[0].end.as_secs_f64()),
                (HOUR, 4.0 * DAY)
            );
            assert_eq!(o.disasters[0].rto(plane, horizon).0.as_secs_f64(), 4.0 * DAY - HOUR);
            assert_eq!(o.disasters[1].rto(plane, horizon).0.as_secs_f64(), 3.0 * DAY);
        }
    }
}

#[test]
fn an_outage_of_the_pair_takes_down_what_it_hosts() {
    // The primary is lost at 1 h for 5 days; the pair's zone 1 (which hosts the recovery) is out
    // from 2 d for 12 h.
    let extra = format!(
        "{}\n[[faults]]\nkind = \"zone-outage\"\nregion = \"West US\"\nzone = 1\nat = \"2d\"\nduration = \"12h\"",
        "[[faults]]\nkind = \"region-disaster\"\nat = \"1h\"\nduration = \"5d\""
    );
    let p = with_reps(&plan(PREMIUM, 0.0, "exp(mean=3h)", "exp(mean=4h)", &extra), 300);
    let m = Model::new(&p);
    let mut hosted = 0;
    for o in outcomes(&p) {
        assert_no_overlap(&o);
        let served = o.recoveries[0].pair_served[Plane::Data.index()]
            .expect("restored")
            .as_secs_f64();
        if served >= 2.0 * DAY {
            continue;
        }
        hosted += 1;
        let inc = o
            .incidents
            .iter()
            .find(|i| i.plane == Plane::Data && i.start.as_secs_f64() == 2.0 * DAY)
            .expect("the pair's outage is an incident");
        assert_eq!(inc.end.as_secs_f64(), 2.5 * DAY);
        assert_eq!(
            inc.cause.describe(&p, m.processes()),
            "scripted fault 1: datacenter outage in the pair West US"
        );
    }
    assert!(hosted > 290, "{hosted}");
}

#[test]
fn a_recovery_into_a_pair_that_is_down_waits_for_it() {
    // The pair's zone 1 is out for the first day; the primary is lost at 1 h. Consent comes at
    // 2 h, the recovery waits for the pair, and the control plane's 2 h failover ends at 1 d + 2 h.
    let extra = "[[faults]]\nkind = \"zone-outage\"\nregion = \"West US\"\nzone = 1\nat = \"0s\"\nduration = \"1d\"\n\
                 [[faults]]\nkind = \"region-disaster\"\nat = \"1h\"\nduration = \"5d\"";
    let p = with_reps(&plan(PREMIUM, 0.0, "2h", "exp(mean=4h)", extra), 50);
    for o in outcomes(&p) {
        let cp = o.incidents.iter().find(|i| i.plane == Plane::Control).unwrap();
        assert_eq!(cp.rto().as_secs_f64(), DAY + HOUR);
        assert!(o.recoveries[0].stages.iter().any(|s| s.name == "pair-wait"));
    }
}

#[test]
fn a_disaster_of_a_region_sharing_the_pair_puts_its_tenants_ahead_in_the_queue() {
    // 10 tenants per region, 2 crews, 1 h per tenant. Alone, j ~ U{0..9} tenants are ahead:
    // the wait is ⌊j/2⌋ h, mean 2 h. With Test South (also paired with West US) down first, its
    // 10 tenants are ahead too: ⌊(10 + j)/2⌋ h, mean 7 h.
    let capacity = "[recovery.capacity]\ntenants = 10\ncrews = 2\ntenant_work = \"1h\"";
    let ours = "[[faults]]\nkind = \"region-disaster\"\nat = \"1h\"\nduration = \"5d\"";
    let theirs = "[[regions]]\nname = \"Test South\"\nzones = 3\npair = \"West US\"\n\
                  [[faults]]\nkind = \"region-disaster\"\nregion = \"Test South\"\nat = \"0s\"\nduration = \"5d\"";
    for (extra, exact) in [
        (format!("{ours}\n{capacity}"), 2.0),
        (format!("{ours}\n{theirs}\n{capacity}"), 7.0),
    ] {
        // [recovery.capacity] must follow the other tables' keys: put it last.
        let p = with_reps(&plan(PREMIUM, 0.0, "exp(mean=3h)", "exp(mean=4h)", &extra), 2000);
        let waits: Vec<f64> = outcomes(&p)
            .iter()
            .map(|o| {
                let st = o.recoveries[0]
                    .stages
                    .iter()
                    .find(|s| s.name == "capacity-wait")
                    .unwrap();
                (st.end.as_secs_f64() - st.start.as_secs_f64()) / HOUR
            })
            .collect();
        let n = waits.len() as f64;
        let mean = waits.iter().sum::<f64>() / n;
        let sd = (waits.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        eprintln!(
            "capacity wait: mean {mean:.3} h, exact {exact} h, SE {:.3}",
            sd / n.sqrt()
        );
        assert!((mean - exact).abs() <= 4.0 * sd / n.sqrt());
    }
}

#[test]
fn incidents_and_downtime_agree_on_every_shipped_scenario() {
    // One meaning of up: per replication and plane, the incidents' total length is the plane's
    // downtime, and incidents never overlap.
    for entry in std::fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let rel = format!("scenarios/{}", path.file_name().unwrap().to_str().unwrap());
        let p = with_reps(&load(&rel), 100);
        assert_eq!(
            p.warmup,
            SimDuration::ZERO,
            "{rel}: the identity below assumes no warm-up"
        );
        let m = model::prepare(&p);
        for r in 0..p.replications {
            let o = model::replicate(&m, r);
            assert_no_overlap(&o);
            for plane in Plane::ALL {
                let total: u64 = o
                    .incidents
                    .iter()
                    .filter(|i| i.plane == plane)
                    .map(|i| i.rto().ticks())
                    .sum();
                assert_eq!(
                    total,
                    o.plane_downtime[plane.index()],
                    "{rel}, replication {r}, {plane:?}"
                );
            }
        }
    }
}

#[test]
fn media_figures_cover_the_same_interval_as_the_media_features_availability() {
    // In the drill nothing else fails: per replication, the disaster's media unavailability is
    // each media feature's downtime, and uploads are at risk from the data plane serving in the
    // pair to the end of failback.
    let p = with_reps(&load("scenarios/region-disaster-drill.toml"), 300);
    let media: Vec<usize> = p
        .features
        .iter()
        .enumerate()
        .filter(|(_, f)| f.media)
        .map(|(i, _)| i)
        .collect();
    let m = Model::new(&p);
    for r in 0..p.replications {
        let o = m.simulate(r);
        let d = &o.disasters[0];
        for &f in &media {
            assert_eq!(d.media_unavailable.ticks(), o.feature_downtime[f], "replication {r}");
        }
        let rec = &o.recoveries[d.recovery.unwrap() as usize];
        let expected = match (
            rec.pair_served[Plane::Data.index()],
            rec.stages.iter().find(|s| s.name == "failback"),
        ) {
            (Some(served), Some(fb)) => fb.end.saturating_since(served),
            _ => SimDuration::ZERO,
        };
        assert_eq!(d.uploads_at_risk, expected, "replication {r}");
    }
}
