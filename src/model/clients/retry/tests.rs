//! Tests of `clients::retry`.

use super::*;
use crate::model::clients::presets::preset;
use crate::random::{Mechanism, stream};

fn policy(kind: BackoffKind) -> RetryPolicy {
    RetryPolicy {
        backoff: kind,
        base: SimDuration(5_000),
        cap: SimDuration(2_000_000),
        multiplier_jitter: None,
        max_attempts: u32::MAX,
        ..preset("none").unwrap()
    }
}

/// For every kind and retries 1..=10 (and 60, 200 for saturation): every sample lies within
/// the formula's bounds, and the sample mean is within 4 standard errors of the exact mean.
#[test]
fn delays_respect_bounds_and_means() {
    let mut rng = stream(7, 0, Mechanism::named("test/backoff"));
    for kind in BackoffKind::ALL {
        let p = policy(kind);
        for retry in (1..=10).chain([60, 200]) {
            let n = retry - 1;
            let expo = (5_000u128 << n.min(100)).min(2_000_000) as u64;
            let (lo, hi) = match kind {
                BackoffKind::None => (0, 0),
                BackoffKind::Constant => (5_000, 5_000),
                BackoffKind::Exponential => (expo, expo),
                BackoffKind::FullJitter => (0, expo),
                BackoffKind::EqualJitter => (expo.div_ceil(2), expo),
                BackoffKind::DecorrelatedJitter => (5_000, 2_000_000),
            };
            let samples = 4000;
            let (mut sum, mut sum_sq) = (0.0, 0.0);
            let mut prev = p.base;
            for _ in 0..samples {
                let d = p.delay(retry, prev, &mut rng);
                if kind == BackoffKind::DecorrelatedJitter {
                    let upper = (prev.0 * 3).clamp(5_000, 2_000_000);
                    assert!(d.0 >= 5_000 && d.0 <= upper, "{kind:?}: {d:?} after {prev:?}");
                    prev = d;
                }
                assert!(
                    d.0 >= lo && d.0 <= hi,
                    "{kind:?} retry {retry}: {} not in [{lo}, {hi}]",
                    d.0
                );
                sum += d.as_secs_f64();
                sum_sq += d.as_secs_f64() * d.as_secs_f64();
            }
            if kind == BackoffKind::DecorrelatedJitter {
                assert!(p.mean_delay_secs(retry).is_nan());
                continue;
            }
            let mean = sum / samples as f64;
            let var = (sum_sq / samples as f64 - mean * mean).max(0.0);
            let se = (var / samples as f64).sqrt();
            let exact = p.mean_delay_secs(retry);
            let want = match kind {
                BackoffKind::FullJitter => expo as f64 / 2e6,
                BackoffKind::EqualJitter => 3.0 * expo as f64 / 4e6,
                _ => lo as f64 / 1e6,
            };
            assert!((exact - want).abs() < 1e-6, "{kind:?}: exact {exact} vs formula {want}");
            assert!(
                (mean - exact).abs() <= 4.0 * se + 1e-12,
                "{kind:?} retry {retry}: {mean} vs {exact} ± {se}"
            );
        }
    }
}

#[test]
fn multiplier_jitter_scales_then_caps() {
    let mut p = preset("azure-core-dotnet").unwrap();
    let mut rng = stream(1, 0, Mechanism::named("test/mult"));
    for retry in 1..=12 {
        let expo = (800_000u64 << (retry - 1)).min(60_000_000);
        for _ in 0..200 {
            let d = p.delay(retry, p.base, &mut rng).0;
            let lo = ((expo as f64 * 0.8).round() as u64).min(60_000_000);
            assert!(
                d >= lo && d <= 60_000_000 && d as f64 <= expo as f64 * 1.2 + 1.0,
                "retry {retry}: {d}"
            );
        }
    }
    p.multiplier_jitter = Some((1.5, 1.5));
    assert_eq!(p.delay(1, p.base, &mut rng), SimDuration(1_200_000));
}

#[test]
fn decide_respects_attempts_deadline_and_retry_after() {
    let mut rng = stream(3, 0, Mechanism::named("test/decide"));
    let p = preset("azure-core-dotnet").unwrap();
    let mut b = p.new_budget_state();
    let s503 = AttemptResult::Status {
        code: 503,
        retry_after: None,
    };
    let z = SimDuration::ZERO;
    for attempt in 1..4 {
        assert!(matches!(
            p.decide(attempt, &s503, z, p.base, &mut b, &mut rng),
            Decision::Retry { .. }
        ));
    }
    assert_eq!(
        p.decide(4, &s503, z, p.base, &mut b, &mut rng),
        Decision::GiveUp(GiveUpReason::AttemptsExhausted)
    );
    // Retry-After is honoured: the wait is at least what the server asked for.
    let ra = AttemptResult::Status {
        code: 429,
        retry_after: Some(SimDuration::from_secs(30)),
    };
    match p.decide(1, &ra, z, p.base, &mut b, &mut rng) {
        Decision::Retry { after } => assert_eq!(after, SimDuration::from_secs(30)),
        d => panic!("{d:?}"),
    }
    // Deadline: no retry that would start after it.
    let q = RetryPolicy {
        deadline: Some(SimDuration::from_secs(10)),
        ..p.clone()
    };
    assert_eq!(
        q.decide(1, &ra, z, q.base, &mut b, &mut rng),
        Decision::GiveUp(GiveUpReason::DeadlineExceeded)
    );
    let d = q.decide(1, &s503, SimDuration::from_secs(8), q.base, &mut b, &mut rng);
    assert!(matches!(d, Decision::Retry { after } if after.0 <= 2_000_000));
    assert_eq!(
        q.decide(2, &s503, SimDuration::from_secs(10), q.base, &mut b, &mut rng),
        Decision::GiveUp(GiveUpReason::DeadlineExceeded)
    );
    assert_eq!(
        p.decide(2, &AttemptResult::Success, z, z, &mut b, &mut rng),
        Decision::Done
    );
    assert_eq!(
        p.decide(
            1,
            &AttemptResult::Status {
                code: 404,
                retry_after: None
            },
            z,
            z,
            &mut b,
            &mut rng
        ),
        Decision::GiveUp(GiveUpReason::NotRetryable)
    );
}

#[test]
fn budget_exhaustion_gives_up_and_successes_refill() {
    let mut rng = stream(4, 0, Mechanism::named("test/budget"));
    let p = RetryPolicy {
        max_attempts: 3,
        ..preset("aws-standard").unwrap()
    };
    let mut b = p.new_budget_state();
    let z = SimDuration::ZERO;
    // 50 timeout retries drain the 500 tokens (10 each).
    for i in 0..50 {
        assert!(
            matches!(
                p.decide(1, &AttemptResult::Timeout, z, p.base, &mut b, &mut rng),
                Decision::Retry { .. }
            ),
            "{i}"
        );
    }
    assert_eq!(b.tokens(), Some(0));
    assert_eq!(
        p.decide(1, &AttemptResult::Terminated, z, p.base, &mut b, &mut rng),
        Decision::GiveUp(GiveUpReason::BudgetExhausted)
    );
    // A success after a timeout retry refunds 10; a first-attempt success refunds 1.
    assert_eq!(
        p.decide(2, &AttemptResult::Success, z, z, &mut b, &mut rng),
        Decision::Done
    );
    assert_eq!(b.tokens(), Some(10));
    assert_eq!(
        p.decide(1, &AttemptResult::Success, z, z, &mut b, &mut rng),
        Decision::Done
    );
    assert_eq!(b.tokens(), Some(11));
}

#[test]
fn validation_names_fields() {
    let ok = preset("aws-standard").unwrap();
    let cases: [(RetryPolicy, &str); 6] = [
        (
            RetryPolicy {
                max_attempts: 0,
                ..ok.clone()
            },
            "max_attempts:",
        ),
        (
            RetryPolicy {
                cap: SimDuration(1),
                ..ok.clone()
            },
            "cap:",
        ),
        (
            RetryPolicy {
                multiplier_jitter: Some((1.2, 0.8)),
                ..ok.clone()
            },
            "multiplier_jitter:",
        ),
        (
            RetryPolicy {
                deadline: Some(SimDuration::ZERO),
                ..ok.clone()
            },
            "deadline:",
        ),
        (
            RetryPolicy {
                retry_statuses: vec![42],
                ..ok.clone()
            },
            "retry_statuses:",
        ),
        (
            RetryPolicy {
                retry_statuses: vec![],
                retry_timeouts: false,
                retry_terminated: false,
                ..ok.clone()
            },
            "max_attempts:",
        ),
    ];
    for (p, field) in cases {
        let e = p.validate().unwrap_err();
        assert!(e.starts_with(field), "{e}");
    }
}
