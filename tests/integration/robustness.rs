//! Bad input never panics: arbitrary text through the duration and distribution parsers, and
//! mutated scenario files through loading and validation, end in `Ok` or a clean error.

use super::common::repo;
use outage_sim::engine::duration::parse_duration;
use outage_sim::model::Dist;
use outage_sim::scenario::{self, Override};
use proptest::prelude::*;
use std::path::Path;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn duration_parser_never_panics(text in "\\PC{0,24}") {
        let _ = parse_duration(&text);
    }

    #[test]
    fn duration_like_text_never_panics(text in "[0-9.e+ ]{0,12}(us|ms|s|m|h|d|w|y|x)?[0-9. ]{0,6}") {
        let _ = parse_duration(&text);
    }

    #[test]
    fn distribution_parser_never_panics(
        name in "(fixed|exp|weibull|lognormal|uniform|empirical|gamma|)",
        args in "[a-z0-9.=, ()-]{0,30}",
    ) {
        let _ = Dist::parse(&format!("{name}({args})"));
        let _ = Dist::parse(&args);
    }

    /// A shipped scenario with one byte range replaced by arbitrary text loads or fails cleanly.
    #[test]
    fn mutated_scenarios_load_or_fail_cleanly(
        file in prop::sample::select(vec![
            "scenarios/community-training-premium-zr.toml",
            "scenarios/retry-storm.toml",
            "scenarios/region-disaster-drill.toml",
            "scenarios/validation/two-of-three-one-crew.toml",
        ]),
        at in 0.0f64..1.0,
        len in 0usize..12,
        insert in "\\PC{0,12}",
    ) {
        let source = std::fs::read_to_string(repo(file)).unwrap();
        let mut start = ((source.len() as f64) * at) as usize;
        while !source.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(source.len());
        while !source.is_char_boundary(end) {
            end += 1;
        }
        let mutated = format!("{}{}{}", &source[..start], insert, &source[end..]);
        match scenario::from_source(&mutated, Path::new("mutated.toml")) {
            Err(e) => prop_assert!(e.to_string().starts_with("mutated.toml"), "{e}"),
            Ok(s) => {
                // Round trip: load → serialize → load is the identity.
                let again = scenario::from_source(&s.to_toml(), Path::new("again.toml")).unwrap();
                prop_assert_eq!(again.to_toml(), s.to_toml());
                // What loads must also run (briefly: two replications of at most 30 days, unless
                // a drill lies beyond them).
                let brief = [Override::replications(2), Override::set("simulation.warmup", "0s".into())];
                let mut shorter = brief.to_vec();
                if s.horizon.as_secs_f64() > 30.0 * 86_400.0 {
                    shorter.push(Override::set("simulation.horizon", "30d".into()));
                }
                let s = s.with(&shorter).or_else(|_| s.with(&brief)).unwrap();
                let stats = super::common::run_with(&s, Some(1));
                prop_assert_eq!(stats.replications, 2);
            }
        }
    }
}

/// Absurd inputs get a clear error up front, or run with saturating (never wrapping) time.
#[test]
fn absurd_inputs_are_refused_or_saturate() {
    let base = std::fs::read_to_string(repo("scenarios/validation/single-exponential.toml")).unwrap();
    let refused = [
        ("horizon = \"1000h\"", "horizon = \"1000000y\"", "too long"),
        ("horizon = \"1000h\"", "horizon = \"20000y\"", "at most 10000 years"),
        ("replications = 4000", "replications = 10000000000000", "between 1 and"),
        ("zones = 3\n", "zones = 1000000\n", "at most 16 zones"),
    ];
    for (old, new, want) in refused {
        assert!(base.contains(old), "{old}");
        let e = scenario::from_source(&base.replacen(old, new, 1), Path::new("absurd.toml")).unwrap_err();
        assert!(e.to_string().contains(want), "{new}: {e}");
    }
    // Failure and repair times whose samples exceed the time type saturate: the component fails
    // at most at the end of time, so it is simply always up within the horizon.
    let huge = base
        .replacen(
            "time_to_failure = \"exp(mean=100h)\"",
            "time_to_failure = \"exp(mean=584000y)\"",
            1,
        )
        .replacen(
            "time_to_repair = \"exp(mean=10h)\"",
            "time_to_repair = \"exp(mean=584000y)\"",
            1,
        );
    let s = scenario::from_source(&huge, Path::new("huge.toml")).unwrap();
    let s = super::common::with_reps(&s, 50);
    let a = super::common::run_with(&s, None).features[0].summary().unwrap();
    assert!(a.estimate > 0.99, "{a:?}");
}
