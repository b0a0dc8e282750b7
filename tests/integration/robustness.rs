//! Bad input never panics: arbitrary text through the duration and distribution parsers, and
//! mutated scenario files through loading and validation, end in `Ok` or a clean error.

use super::common::repo;
use outage_sim::scenario::{self, Dist, duration::parse_duration};
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
            Ok(mut s) => {
                // What loads must also run (briefly: two replications of at most 30 days).
                s.replications = 2;
                s.horizon = s.horizon.min(outage_sim::engine::SimDuration::from_secs(30 * 86_400));
                s.warmup = outage_sim::engine::SimDuration::ZERO;
                let stats = super::common::run_with(&s, Some(1));
                prop_assert_eq!(stats.replications, 2);
            }
        }
    }
}
