//! Oracles of `docs/MODEL.md` section 7 for the recovery timeline (|estimate − exact| <= 4·SE, fixed
//! seeds): RTO as constant + exponential, as two exponential stages, and natural recovery racing
//! a deterministic recovery; plus business hours, refusals and DR disabled.

use super::*;
use crate::model::Dist;
use crate::random::{Mechanism, stream};

const HOUR: f64 = 3600.0;

/// A plan whose stages are all instantaneous except those set by `edit`.
fn plan(edit: impl FnOnce(&mut RecoveryPlan)) -> RecoveryPlan {
    let zero = Dist::fixed(SimDuration::ZERO);
    let mut r = RecoveryPlan {
        trigger: crate::model::RecoveryTrigger::AnyOutage,
        min_outage: SimDuration::ZERO,
        check_period: SimDuration(1),
        consecutive_failures: 1,
        consent_response: zero.clone(),
        business_hours: false,
        no_consent_probability: 0.0,
        control_plane_failover: zero.clone(),
        failback_delay: zero.clone(),
        failback_disruption: zero.clone(),
        create_resources: zero.clone(),
        database_restore: SimDuration::ZERO,
        storage_restore: SimDuration::ZERO,
        validation: zero.clone(),
        traffic_switch: zero,
        capacity: None,
    };
    edit(&mut r);
    r
}

fn d(s: &str) -> Dist {
    Dist::parse(s).unwrap()
}

const NEVER: SimDuration = SimDuration(u64::MAX / 4);

/// Data-plane RTOs (hours) of `n` disasters with natural recovery drawn by `outage`.
fn rtos(
    p: &RecoveryPlan,
    n: usize,
    seed: u64,
    mut outage: impl FnMut(&mut crate::random::SimRng) -> SimDuration,
) -> Vec<f64> {
    let mut rng = stream(seed, 0, Mechanism::named("recovery-oracle"));
    (0..n)
        .map(|_| {
            let o = outage(&mut rng);
            regional_recovery(p, true, SimTime::ZERO, o, &mut rng)
                .data_plane_rto()
                .as_secs_f64()
                / HOUR
        })
        .collect()
}

/// Asserts the empirical P(X <= x) is within 4 binomial SE of `exact`.
fn check_cdf(xs: &[f64], x: f64, exact: f64) {
    let n = xs.len() as f64;
    let p = xs.iter().filter(|&&v| v <= x).count() as f64 / n;
    let se = (exact * (1.0 - exact) / n).sqrt().max(1.0 / n);
    assert!(
        (p - exact).abs() <= 4.0 * se,
        "P(X <= {x}) = {p}, exact {exact} (SE {se})"
    );
}

fn check_mean(xs: &[f64], exact: f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!(
        (mean - exact).abs() <= 4.0 * sd / n.sqrt(),
        "mean {mean}, exact {exact}"
    );
}

#[test]
fn rto_of_a_constant_plus_an_exponential_stage() {
    // Consent takes exactly c = 2 h, creating resources Exp(mean 3 h): P(X <= x) = 1 − e^{−(x−c)/3}.
    let p = plan(|r| {
        r.consent_response = d("2h");
        r.create_resources = d("exp(mean=3h)");
    });
    let xs = rtos(&p, 20_000, 1, |_| NEVER);
    assert!(xs.iter().all(|&x| x >= 2.0));
    for x in [2.5, 4.0, 6.0, 10.0] {
        check_cdf(&xs, x, 1.0 - (-(x - 2.0) / 3.0).exp());
    }
    check_mean(&xs, 5.0);
}

#[test]
fn rto_of_two_exponential_stages() {
    // Create Exp(rate a = 1/2 per h) then validation Exp(rate b = 1/5 per h):
    // P(X > x) = (b e^{−ax} − a e^{−bx}) / (b − a).
    let p = plan(|r| {
        r.create_resources = d("exp(mean=2h)");
        r.validation = d("exp(mean=5h)");
    });
    let xs = rtos(&p, 20_000, 2, |_| NEVER);
    let (a, b): (f64, f64) = (0.5, 0.2);
    for x in [1.0, 3.0, 7.0, 15.0] {
        let survival = (b * (-a * x).exp() - a * (-b * x).exp()) / (b - a);
        check_cdf(&xs, x, 1.0 - survival);
    }
    check_mean(&xs, 7.0);
}

#[test]
fn natural_recovery_races_a_deterministic_recovery() {
    // DR takes exactly d = 10 h; the primary comes back after Exp(mean 8 h) = rate λ:
    // RTO = min(R, d): P(RTO > x) = e^{−λx} for x < d, 0 beyond; E = (1 − e^{−λd}) / λ.
    let p = plan(|r| r.create_resources = d("10h"));
    let natural = d("exp(mean=8h)");
    let xs = rtos(&p, 20_000, 3, |rng| natural.sample(rng));
    let lambda = 1.0 / 8.0;
    for x in [2.0, 5.0, 9.9] {
        check_cdf(&xs, x, 1.0 - (-lambda * x).exp());
    }
    check_cdf(&xs, 10.0, 1.0);
    assert!(xs.iter().all(|&x| x <= 10.0 + 1e-9));
    check_mean(&xs, (1.0 - (-lambda * 10.0_f64).exp()) / lambda);
}

#[test]
fn business_hours_pause_the_consent_clock() {
    let h = |x: u64| SimDuration::from_secs(x * 3600);
    let monday_10 = SimTime(h(10).ticks());
    assert_eq!(add_business_time(monday_10, h(2)), SimTime(h(12).ticks()));
    // Friday 16:00 + 2 h of business time = Monday 10:00 (next week).
    let friday_16 = SimTime(h(4 * 24 + 16).ticks());
    assert_eq!(add_business_time(friday_16, h(2)), SimTime(h(7 * 24 + 10).ticks()));
    // Saturday 03:00 + 30 min = Monday 09:30.
    let saturday_3 = SimTime(h(5 * 24 + 3).ticks());
    assert_eq!(
        add_business_time(saturday_3, SimDuration::from_secs(1800)),
        SimTime(h(7 * 24 + 9).ticks() + 1_800_000_000)
    );
}

#[test]
fn without_consent_or_managed_dr_the_data_plane_waits_for_the_primary() {
    let mut rng = stream(4, 0, Mechanism::named("t"));
    let outage = SimDuration::from_secs(5 * 86_400);
    let p = plan(|r| r.no_consent_probability = 1.0);
    let r = regional_recovery(&p, true, SimTime::ZERO, outage, &mut rng);
    assert_eq!(
        (r.dr_started, r.data_plane_rto(), r.control_plane_rto()),
        (None, outage, outage)
    );
    let p = plan(|r| r.control_plane_failover = d("6h"));
    let r = regional_recovery(&p, false, SimTime::ZERO, outage, &mut rng);
    assert_eq!(r.data_plane_rto(), outage, "DR disabled: the data plane waits");
    assert!(!r.data_plane_failed_over);
    assert_eq!(
        r.control_plane_rto(),
        SimDuration::from_secs(6 * 3600).saturating_add(SimDuration(r.detected.ticks()))
    );
    assert!(
        r.control_plane_full >= SimTime(outage.ticks()),
        "full operation only after failback"
    );
}

#[test]
fn detection_takes_k_checks_after_a_uniform_phase() {
    // Period 5 min, 3 failures: detection delay ~ U(10 min, 15 min), mean 12.5 min.
    let p = plan(|r| {
        r.check_period = SimDuration::from_secs(300);
        r.consecutive_failures = 3;
    });
    let mut rng = stream(5, 0, Mechanism::named("t"));
    let xs: Vec<f64> = (0..20_000)
        .map(|_| {
            regional_recovery(&p, true, SimTime::ZERO, NEVER, &mut rng)
                .detected
                .as_secs_f64()
                / 60.0
        })
        .collect();
    assert!(xs.iter().all(|&x| (10.0..15.0).contains(&x)));
    check_mean(&xs, 12.5);
}
