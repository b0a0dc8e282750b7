//! The clients through a regional disaster, on hand-built status logs fed to the client model's
//! public API: errors before the recovery, a read-only control plane in the pair, the data plane
//! after the traffic switch, audio/video down until failback, the failback disruption, and the
//! reconnect after the switch.

use outage_sim::engine::{SimDuration, SimTime};
use outage_sim::model::clients::episodes::simulate_replication;
use outage_sim::model::clients::{ClientOutcome, FinalStatus};
use outage_sim::model::{Scenario, ServiceStatus, StatusChange};
use outage_sim::random::{Mechanism, stream};
use outage_sim::scenario::Plan;

const SCENARIO: &str = r#"
name = "clients-through-a-disaster"
[simulation]
horizon = "3d"
replications = 1
seed = 7
[deployment]
region = "East US"
sku = "premium"
data_plane = "zone-redundant"
disaster_recovery = true
[[services]]
name = "control-api"
kind = "app-service"
plane = "control"
instances_per_zone = 4
[[services]]
name = "web"
kind = "app-service"
instances_per_zone = 3
[[services]]
name = "sql"
kind = "sql"
[[features]]
name = "browse"
services = ["web", "sql"]
[[features]]
name = "media"
services = ["web"]
media = true
[[features]]
name = "admin"
plane = "control"
services = ["control-api"]
"#;

fn scenario(clients: &str) -> Plan {
    let text = format!("{SCENARIO}\n[clients]\n{clients}\n");
    outage_sim::scenario::from_source(&text, std::path::Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn h(hours: f64) -> SimTime {
    SimTime(SimDuration::from_secs_f64(hours * 3600.0).ticks())
}

fn change(time: SimTime, service: u32, status: ServiceStatus, healthy: u32, in_pair: bool) -> StatusChange {
    StatusChange {
        time,
        service,
        status,
        healthy_zones: healthy,
        in_pair,
    }
}

/// The primary lost at 1 h; the control plane serves (read-only) from the pair at 3 h, the data
/// plane at 5 h (the traffic switch); failback from 30 h to 30 h 20 m.
fn disaster_log() -> Vec<StatusChange> {
    use ServiceStatus::{Down, Up};
    let all = 0b111;
    let mut log = Vec::new();
    for svc in 0..3 {
        log.push(change(h(1.0), svc, Down, 0, false));
    }
    log.push(change(h(3.0), 0, Up, 0, true));
    log.push(change(h(5.0), 1, Up, 0, true));
    log.push(change(h(5.0), 2, Up, 0, true));
    for svc in 0..3 {
        log.push(change(h(30.0), svc, Down, all, true));
    }
    for svc in 0..3 {
        log.push(change(h(30.0 + 1.0 / 3.0), svc, Up, all, false));
    }
    log
}

fn run(s: &Scenario, log: &[StatusChange]) -> ClientOutcome {
    let mut rng = stream(s.seed, 0, Mechanism::named("clients"));
    simulate_replication(s, s.clients.as_ref().unwrap(), log, &[h(1.0)], &mut rng)
}

/// |observed − expected| ≤ 4 standard errors of a binomial fraction of `n`.
fn within(what: &str, failed: u64, n: u64, p: f64) {
    let observed = failed as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt().max(1e-9);
    assert!(
        (observed - p).abs() <= 4.0 * se,
        "{what}: {observed} against {p} (SE {se}, n {n})"
    );
}

const NO_RETRY: &str = r#"retry = { preset = "none" }"#;

#[test]
fn the_control_plane_in_the_pair_refuses_writes_with_403_and_serves_reads() {
    // Half the admin requests are writes; the policy would retry 403, yet the refusal is final.
    let s = scenario(
        r#"retry = { preset = "none", max_attempts = 5, backoff = "constant", base = "1s", cap = "1s", retry_statuses = [403, 503] }
mix = [{ feature = "admin", weight = 1, writes = 0.5 }]"#,
    );
    use ServiceStatus::Up;
    // Only the control plane: in the pair from 1 h to 20 h, back on the primary after.
    let log = [change(h(1.0), 0, Up, 0b111, true), change(h(20.0), 0, Up, 0b111, false)];
    let o = run(&s, &log);
    let forbidden = o.failed_by_status[FinalStatus::Forbidden as usize];
    assert_eq!(
        o.failed(),
        forbidden,
        "only writes fail, with 403: {:?}",
        o.failed_by_status
    );
    assert_eq!(o.attempts, o.logical, "a 403 is never retried");
    // Simulated from 1 h − 1 m to 20 h + 30 m; writes fail during the 19 h in the pair.
    let total = 19.0 + 31.0 / 60.0;
    within("403 fraction", forbidden, o.logical, 0.5 * 19.0 / total);
    assert_eq!(o.disasters.episodes, 1);
    assert_eq!(o.disasters.failed_by_status[FinalStatus::Forbidden as usize], forbidden);
}

#[test]
fn the_data_plane_fails_until_the_switch_and_media_until_failback() {
    let s = scenario(&format!(
        "{NO_RETRY}\nmix = [{{ feature = \"browse\", weight = 1 }}, {{ feature = \"media\", weight = 1 }}, {{ feature = \"admin\", weight = 1, writes = 0.5 }}]"
    ));
    let o = run(&s, &disaster_log());
    assert_eq!(o.episodes, 1);
    // Requests from 1 h − 1 m to 30 h 20 m + 30 m.
    let total = 30.0 + 1.0 / 3.0 + 0.5 - (1.0 - 1.0 / 60.0);
    let failback = 1.0 / 3.0;
    let f = |name: &str| s.features.iter().position(|x| x.name == name).unwrap();
    let (browse, media, admin) = (f("browse"), f("media"), f("admin"));
    // Browse: down before the switch (4 h) and during failback.
    within(
        "browse",
        o.failed_by_feature[browse],
        o.logical_by_feature[browse],
        (4.0 + failback) / total,
    );
    // Media: down from the disaster to the end of failback.
    within(
        "media",
        o.failed_by_feature[media],
        o.logical_by_feature[media],
        (29.0 + failback) / total,
    );
    // Admin: down 2 h, read-only (half the requests refused) 27 h, down during failback.
    within(
        "admin",
        o.failed_by_feature[admin],
        o.logical_by_feature[admin],
        (2.0 + 0.5 * 27.0 + failback) / total,
    );
    let by = |x: FinalStatus| o.failed_by_status[x as usize];
    assert_eq!(o.failed(), by(FinalStatus::Unavailable) + by(FinalStatus::Forbidden));
    assert!(by(FinalStatus::Forbidden) > 0);
    // Everything happened in the disaster's episode.
    assert_eq!(o.disasters.logical, o.logical);
    assert_eq!(o.disasters.failed_by_feature, o.failed_by_feature);
}

#[test]
fn the_reconnect_is_measured_from_the_traffic_switch() {
    // No retries: a client reconnects with its first browse request after the switch, which
    // comes after an exponential time of mean 1 / (60/h × 1/2) = 120 s.
    let s = scenario(&format!(
        "{NO_RETRY}\nmix = [{{ feature = \"browse\", weight = 1 }}, {{ feature = \"media\", weight = 1 }}]"
    ));
    let o = run(&s, &disaster_log());
    let r = &o.disasters.reconnect;
    assert!(
        r.len() >= 190,
        "nearly every client failed before the switch: {}",
        r.len()
    );
    assert_eq!(o.disasters.not_reconnected, 0);
    let secs: Vec<f64> = r.iter().map(|&t| t as f64 / 1e6).collect();
    assert!(secs.iter().all(|&x| x >= 0.0));
    let mean = secs.iter().sum::<f64>() / secs.len() as f64;
    let se = 120.0 / (secs.len() as f64).sqrt();
    assert!((mean - 120.0).abs() <= 4.0 * se, "mean reconnect {mean} s (SE {se})");
    // Shifting the switch by an hour shifts nothing measured from it.
    let later: Vec<StatusChange> = disaster_log()
        .into_iter()
        .map(|mut c| {
            if c.time == h(5.0) {
                c.time = h(6.0);
            }
            c
        })
        .collect();
    let o2 = run(&s, &later);
    let mean2 =
        o2.disasters.reconnect.iter().map(|&t| t as f64 / 1e6).sum::<f64>() / o2.disasters.reconnect.len() as f64;
    assert!((mean2 - 120.0).abs() <= 4.0 * se, "mean reconnect {mean2} s (SE {se})");
}

#[test]
fn an_episode_without_a_disaster_has_no_disaster_figures() {
    let s = scenario(NO_RETRY);
    let log = disaster_log();
    let mut rng = stream(s.seed, 0, Mechanism::named("clients"));
    let o = simulate_replication(&s, s.clients.as_ref().unwrap(), &log, &[], &mut rng);
    assert!(o.episodes > 0 && o.failed() > 0);
    assert_eq!(o.disasters.episodes, 0);
    assert_eq!(o.disasters.logical, 0);
    assert!(o.disasters.reconnect.is_empty());
}
