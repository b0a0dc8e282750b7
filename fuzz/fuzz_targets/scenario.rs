//! Scenario loading and validation on arbitrary bytes: must return a scenario or a clean error,
//! and what loads must serialize, load back to the same scenario, and run a replication.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outage_sim::engine::SimDuration;
use outage_sim::{model, scenario};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(mut s) = scenario::from_source(text, Path::new("fuzz.toml")) else { return };
    let again = scenario::from_source(&s.to_toml(), Path::new("fuzz-roundtrip.toml"))
        .expect("a loaded scenario serializes to a valid one");
    assert_eq!(again.file, s.file, "round trip is the identity");
    // One short replication: no panic, no overflow, whatever the numbers.
    s.horizon = s.horizon.min(SimDuration::from_secs(30 * 86_400));
    s.warmup = SimDuration::ZERO;
    let m = model::Model::new(&s);
    let _ = m.simulate(0);
});
