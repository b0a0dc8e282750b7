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

/// A real partial result (shard 1 of 2 of a short run) and a checkpoint of it, as bytes.
fn state_files() -> &'static (outage_sim::scenario::Plan, Vec<u8>, Vec<u8>) {
    use outage_sim::montecarlo::{self, Checkpoint, Partial, RowFile, RunOptions, Shard};
    static FILES: std::sync::OnceLock<(outage_sim::scenario::Plan, Vec<u8>, Vec<u8>)> = std::sync::OnceLock::new();
    FILES.get_or_init(|| {
        let s = super::common::with_reps(&super::common::load("scenarios/region-disaster-drill.toml"), 40);
        let shard = Shard { index: 1, count: 2 };
        let options = RunOptions {
            shard: Some(shard),
            ..RunOptions::default()
        };
        let stats = montecarlo::run(&s, &options, |_| Ok::<(), ()>(())).unwrap();
        let file = RowFile {
            bytes: 10,
            rows: 20,
            sha256: "sha256:00".into(),
        };
        let partial = Partial {
            replications_csv: Some(file.clone()),
            incidents_csv: Some(file.clone()),
            ..Partial::new(&s, shard, stats.clone())
        }
        .sealed();
        let cp = Checkpoint::new(Partial::new(&s, shard, stats), 40, Some(file.clone()), file);
        (s, serde_json::to_vec(&partial).unwrap(), cp.to_json())
    })
}

/// Reads `bytes` as a partial and as a checkpoint and, where they pass every check, merges and
/// summarizes them: errors are fine, panics are not.
fn read_state(s: &outage_sim::scenario::Plan, bytes: &[u8]) {
    use outage_sim::montecarlo::{Checkpoint, Partial, Summary, merge_partials};
    if let Ok(p) = Partial::from_json(bytes) {
        let r = p.shard.range(p.replications);
        if p.scenario_hash == s.hash() && p.check_stats(s, r.end - r.start).is_ok() {
            let mut whole = p.clone();
            whole.shard = outage_sim::montecarlo::Shard { index: 0, count: 1 };
            if let Ok(stats) = merge_partials(&[whole]) {
                let _ = Summary::new(s, &stats).to_json();
            }
        }
    }
    if let Ok(cp) = Checkpoint::from_json(bytes)
        && cp.check_stats(s).is_ok()
    {
        let _ = Summary::new(s, &cp.run.stats).to_json();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Partial results and checkpoints with bytes flipped, cut or inserted: a clean error.
    #[test]
    fn mutated_state_files_are_refused_cleanly(
        which in 0usize..2,
        at in 0.0f64..1.0,
        len in 0usize..16,
        insert in prop::collection::vec(any::<u8>(), 0..16),
        cut in prop::bool::ANY,
    ) {
        let (s, partial, checkpoint) = state_files();
        let source = if which == 0 { partial.clone() } else { checkpoint.clone() };
        let start = ((source.len() as f64) * at) as usize;
        let mutated = if cut {
            source[..start].to_vec()
        } else {
            let end = (start + len).min(source.len());
            [&source[..start], &insert[..], &source[end..]].concat()
        };
        read_state(s, &mutated);
        if mutated != source {
            prop_assert!(outage_sim::montecarlo::Partial::from_json(&mutated).is_err()
                || outage_sim::montecarlo::Checkpoint::from_json(&mutated).is_err());
        }
    }

    /// Partials whose numbers were changed and whose checksum was recomputed (so that only what
    /// they say can give them away): refused or merged, never a panic.
    #[test]
    fn resealed_partials_with_changed_numbers_never_panic(
        picks in prop::collection::vec((0.0f64..1.0, prop::sample::select(vec![
            0u64, 1, 2, 19, 20, 21, 1000, u64::MAX / 2, u64::MAX,
        ])), 1..6),
    ) {
        let (s, partial, _) = state_files();
        let mut v: serde_json::Value = serde_json::from_slice(partial).unwrap();
        // Every number in the statistics, by its JSON pointer.
        fn numbers(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Number(_) => out.push(at),
                serde_json::Value::Array(a) => {
                    a.iter().enumerate().for_each(|(i, x)| numbers(x, format!("{at}/{i}"), out))
                }
                serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| numbers(x, format!("{at}/{k}"), out)),
                _ => {}
            }
        }
        let mut all = Vec::new();
        numbers(&v, String::new(), &mut all);
        let all: Vec<String> = all.into_iter().filter(|p| p.starts_with("/stats")).collect();
        for (at, value) in picks {
            let i = ((all.len() as f64) * at) as usize % all.len();
            *v.pointer_mut(&all[i]).unwrap() = value.into();
        }
        if let Ok(p) = serde_json::from_value::<outage_sim::montecarlo::Partial>(v) {
            let bytes = serde_json::to_vec(&p.sealed()).unwrap();
            read_state(s, &bytes);
        }
    }
}
