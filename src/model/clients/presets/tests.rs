//! Tests of `clients::presets`.

use super::*;
use crate::model::clients::retry::{AttemptResult, Decision, GiveUpReason};
use crate::random::{Mechanism, stream};

#[test]
fn every_preset_is_valid_and_named() {
    for name in PRESETS {
        let p = preset(name).unwrap();
        p.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(RetrySpec::preset(name).resolve().unwrap(), p);
        assert_eq!(p.retry_timeouts && p.retry_terminated, *name != "none", "{name}");
    }
    assert_eq!(preset("aws-standard").unwrap().max_attempts, 3);
    assert_eq!(preset("azure-core-dotnet").unwrap().max_attempts, 4);
    assert!(preset("nope").is_none());
    assert_eq!(
        preset("aws-standard").unwrap().describe(),
        "full-jitter 100ms..20s, 3 attempts, retries 429 500 502 503 504 timeouts dropped, token bucket 500/5/10/1"
    );
    assert_eq!(preset("none").unwrap().describe(), "no backoff, 1 attempt");
}

#[test]
fn conflict_409_is_retried_only_where_the_library_does() {
    let mut rng = stream(1, 0, Mechanism::named("test/409"));
    let z = SimDuration::ZERO;
    let plain = AttemptResult::Status {
        code: 409,
        retry_after: None,
    };
    let with_ra = AttemptResult::Status {
        code: 409,
        retry_after: Some(SimDuration::from_secs(2)),
    };
    for name in [
        "none",
        "azure-core-dotnet",
        "polly-v8",
        "aws-standard",
        "azure-sql-guidance",
    ] {
        let p = preset(name).unwrap();
        let mut b = p.new_budget_state();
        for r in [&plain, &with_ra] {
            let d = p.decide(1, r, z, p.base, &mut b, &mut rng);
            assert_eq!(d, Decision::GiveUp(GiveUpReason::NotRetryable), "{name}");
        }
    }
    let py = preset("azure-core-python").unwrap();
    let mut b = py.new_budget_state();
    assert_eq!(
        py.decide(1, &plain, z, py.base, &mut b, &mut rng),
        Decision::GiveUp(GiveUpReason::NotRetryable)
    );
    match py.decide(1, &with_ra, z, py.base, &mut b, &mut rng) {
        Decision::Retry { after } => assert!(after >= SimDuration::from_secs(2)),
        d => panic!("{d:?}"),
    }
}

#[test]
fn spec_overrides_and_round_trips() {
    let text = r#"
        preset = "aws-standard"
        backoff = "decorrelated-jitter"
        base = "50ms"
        max_attempts = 5
        deadline = "30s"
        attempt_timeout = "none"
        multiplier_jitter = [0.9, 1.1]
        retry_statuses = [409, 503]
        budget = { kind = "ratio", ratio = 0.2 }
    "#;
    let spec: RetrySpec = toml::from_str(text).unwrap();
    let p = spec.resolve().unwrap();
    assert_eq!(p.backoff, BackoffKind::DecorrelatedJitter);
    assert_eq!((p.base, p.cap, p.max_attempts), (ms(50), SimDuration::from_secs(20), 5));
    assert_eq!(p.deadline, Some(SimDuration::from_secs(30)));
    assert_eq!(p.multiplier_jitter, Some((0.9, 1.1)));
    assert_eq!(p.retry_statuses, [409, 503]);
    assert_eq!(
        p.budget,
        Some(BudgetConfig::Ratio {
            ratio: 0.2,
            reserve: 10,
            max_tokens: 100
        })
    );
    let back: RetrySpec = toml::from_str(&toml::to_string(&spec).unwrap()).unwrap();
    assert_eq!(back, spec);
    let json: RetrySpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
    assert_eq!(json, spec);
    // "none" switches a preset's setting off.
    let off: RetrySpec = toml::from_str("preset = \"aws-standard\"\nbudget = \"none\"").unwrap();
    assert_eq!(off.resolve().unwrap().budget, None);
    let tb: RetrySpec =
        toml::from_str("budget = { kind = \"token-bucket\", capacity = 50 }\nmax_attempts = 1").unwrap();
    assert_eq!(tb.resolve().unwrap().budget.unwrap().validate(), Ok(()));
}

#[test]
fn spec_errors_name_the_field() {
    let cases = [
        ("preset = \"azure\"", "known presets: none, azure-core-dotnet"),
        ("preset = \"aws-standard\"\nmax_attempts = 0", "max_attempts:"),
        ("preset = \"aws-standard\"\ncap = \"10ms\"", "cap:"),
        (
            "preset = \"aws-standard\"\nmultiplier_jitter = [0, 1]",
            "multiplier_jitter:",
        ),
        (
            "preset = \"aws-standard\"\nbudget = { kind = \"ratio\", ratio = 2.0 }",
            "budget.ratio:",
        ),
        ("preset = \"none\"\nmax_attempts = 3", "no failure is retried"),
    ];
    for (text, want) in cases {
        let spec: RetrySpec = toml::from_str(text).unwrap();
        let e = spec.resolve().unwrap_err();
        assert!(e.contains(want), "{text}: {e}");
    }
    for bad in [
        "retries = 3",
        "budget = { kind = \"leaky\" }",
        "backoff = \"fibonacci\"",
        "deadline = \"soon\"",
        "budget = { kind = \"ratio\", ratio = 0.1, burst = 3 }",
        "multiplier_jitter = \"wide\"",
    ] {
        assert!(toml::from_str::<RetrySpec>(bad).is_err(), "{bad}");
    }
}
