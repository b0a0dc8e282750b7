//! The duration and distribution parsers on arbitrary text: `Ok` or a clean error, and what
//! parses prints back to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use outage_sim::model::Dist;
use outage_sim::engine::duration::{format_duration, parse_duration};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = parse_duration(text) {
        assert_eq!(parse_duration(&format_duration(d)), Ok(d));
    }
    if let Ok(d) = Dist::parse(text) {
        let again = Dist::parse(&d.to_string()).expect("a parsed distribution prints a valid one");
        assert_eq!(again, d);
    }
});
