//! Scenario loading and validation on arbitrary bytes: must return a scenario or a clean error,
//! and what loads must serialize, load back to the same scenario, and run a replication.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outage_sim::{model, scenario};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(s) = scenario::from_source(text, Path::new("fuzz.toml")) else { return };
    let again = scenario::from_source(&s.to_toml(), Path::new("fuzz-roundtrip.toml"))
        .expect("a loaded scenario serializes to a valid one");
    assert_eq!(again.to_toml(), s.to_toml(), "round trip is the identity");
    assert_eq!(again.hash(), s.hash(), "round trip keeps the hash");
    // One short replication: no panic, no overflow, whatever the numbers (at most 30 days,
    // unless a drill lies beyond them).
    let brief = [scenario::Override::set("simulation.warmup", "0s".into())];
    let mut shorter = brief.to_vec();
    if s.horizon.as_secs_f64() > 30.0 * 86_400.0 {
        shorter.push(scenario::Override::set("simulation.horizon", "30d".into()));
    }
    let s = s
        .with(&shorter)
        .or_else(|_| s.with(&brief))
        .expect("a valid scenario without warm-up is valid");
    let m = model::Model::new(&s);
    let _ = m.simulate(0);
});
