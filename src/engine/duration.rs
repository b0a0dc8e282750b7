//! Human-readable durations: `250ms`, `30s`, `10m`, `1.5h`, `7d`, `2w`, `1y`, and sums like `1h30m`.
//!
//! Written by hand rather than with `humantime` because scenarios need fractional values
//! (`4.3h`, the length of a public incident) and humantime accepts integers only.

use crate::engine::{SimDuration, TICKS_PER_SECOND};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Units accepted in duration strings, with their length in seconds. A year is 365 days.
pub const UNITS: &[(&str, f64)] = &[
    ("us", 1e-6),
    ("ms", 1e-3),
    ("s", 1.0),
    ("m", 60.0),
    ("h", 3600.0),
    ("d", 86_400.0),
    ("w", 604_800.0),
    ("y", 31_536_000.0),
];

const ALLOWED: &str = "a number followed by a unit (us, ms, s, m, h, d, w, y), e.g. \"30s\", \"1.5h\", \"1h30m\"";

/// Parses a duration string into ticks. Errors say what is allowed.
pub fn parse_duration(text: &str) -> Result<SimDuration, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("empty duration; expected {ALLOWED}"));
    }
    // Whole numbers are summed exactly in ticks (so that what `format_duration` prints parses
    // back to the same value at any size); fractions go through f64 and are rounded.
    let too_long = || format!("duration \"{text}\" is too long; the longest representable is about 584 000 years");
    let mut total: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if num_len == 0 {
            return Err(format!("invalid duration \"{text}\"; expected {ALLOWED}"));
        }
        let number_text = &rest[..num_len];
        let number: f64 = number_text
            .parse()
            .map_err(|_| format!("invalid number in duration \"{text}\"; expected {ALLOWED}"))?;
        rest = rest[num_len..].trim_start();
        let unit_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        if unit.is_empty() {
            return Err(format!("duration \"{text}\" lacks a unit; expected {ALLOWED}"));
        }
        let Some(&(_, secs)) = UNITS.iter().find(|(u, _)| *u == unit) else {
            return Err(format!(
                "unknown unit \"{unit}\" in duration \"{text}\"; expected {ALLOWED}"
            ));
        };
        let unit_ticks = (secs * TICKS_PER_SECOND as f64).round() as u64;
        let ticks = match number_text.parse::<u64>() {
            Ok(whole) => whole.checked_mul(unit_ticks).ok_or_else(too_long)?,
            Err(_) => {
                let t = number * unit_ticks as f64;
                if !t.is_finite() || t >= u64::MAX as f64 {
                    return Err(too_long());
                }
                t.round() as u64
            }
        };
        total = total.checked_add(ticks).ok_or_else(too_long)?;
        rest = rest[unit_len..].trim_start();
    }
    Ok(SimDuration(total))
}

/// Formats ticks as a short exact duration string (`90m` → `1h30m`, `1500ms` → `1s500ms`). Weeks
/// are written as days (`30d`, not `4w2d`): people count days.
pub fn format_duration(d: SimDuration) -> String {
    if d.0 == 0 {
        return "0s".to_string();
    }
    let mut rest = d.0;
    let mut out = String::new();
    for &(unit, secs) in UNITS.iter().rev().filter(|(u, _)| *u != "w") {
        let ticks = (secs * TICKS_PER_SECOND as f64).round() as u64;
        if rest >= ticks {
            out.push_str(&format!("{}{}", rest / ticks, unit));
            rest %= ticks;
        }
    }
    out
}

/// Formats ticks for people: the largest fitting unit with up to two decimals (`6.25 h`, `3.1 d`),
/// hours up to three days (a 48 h target reads `48 h`).
pub fn human(d: SimDuration) -> String {
    let secs = d.as_secs_f64();
    let (value, unit) = if secs >= 86_400.0 * 3.0 {
        (secs / 86_400.0, "d")
    } else if secs >= 3600.0 {
        (secs / 3600.0, "h")
    } else if secs >= 60.0 {
        (secs / 60.0, "min")
    } else if secs >= 1.0 || secs == 0.0 {
        (secs, "s")
    } else {
        (secs * 1000.0, "ms")
    };
    let text = format!("{value:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text} {unit}")
}

/// A duration read from a scenario as a human string; serializes back to the canonical string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HumanDuration(pub SimDuration);

impl HumanDuration {
    /// Parses like [`parse_duration`].
    pub fn parse(s: &str) -> Result<Self, String> {
        parse_duration(s).map(HumanDuration)
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_parsed(d, &format!("a duration string: {ALLOWED}"), HumanDuration::parse)
    }
}

/// A string of format `duration` (for the scenario reference, `docs/scenario-reference.md`).
impl schemars::JsonSchema for HumanDuration {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "HumanDuration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "duration" })
    }
}

/// Deserializes a value written as a string and parsed by `parse`; `parse`'s error becomes the
/// deserializer's, so it carries the TOML location.
pub(crate) fn deserialize_parsed<'de, D, T>(
    d: D,
    expecting: &str,
    parse: fn(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct Visitor<'a, T> {
        expecting: &'a str,
        parse: fn(&str) -> Result<T, String>,
    }
    impl<T> serde::de::Visitor<'_> for Visitor<'_, T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            (self.parse)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(Visitor { expecting, parse })
}

/// The `<number><unit>` tokens of duration units in `text` (a duration, or a distribution's
/// parameters), as byte ranges `(start, end of the number, end of the unit)`.
pub fn duration_tokens(text: &str) -> Vec<(usize, usize, usize)> {
    const UNITS: [&str; 8] = ["us", "ms", "s", "m", "h", "d", "w", "y"];
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Right after a duration token, a number continues a compound duration (`1h30m`); after any
    // other letter or digit it is part of a word (`East US 2` is fine, `x2` is not a number).
    let mut after_duration = false;
    while i < bytes.len() {
        let starts_number =
            bytes[i].is_ascii_digit() && (i == 0 || after_duration || !bytes[i - 1].is_ascii_alphanumeric());
        after_duration = false;
        if !starts_number {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let num_end = i + text[i..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len() - i);
        let unit_end = num_end
            + text[num_end..]
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(text.len() - num_end);
        if UNITS.contains(&&text[num_end..unit_end]) && text[i..num_end].parse::<f64>().is_ok() {
            out.push((i, num_end, unit_end));
            after_duration = true;
            i = unit_end;
        } else {
            i = num_end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> f64 {
        parse_duration(s).unwrap().as_secs_f64()
    }

    #[test]
    fn parses_every_unit_and_sums() {
        assert_eq!(secs("250ms"), 0.25);
        assert_eq!(secs("30s"), 30.0);
        assert_eq!(secs("10m"), 600.0);
        assert_eq!(secs("1.5h"), 5400.0);
        assert_eq!(secs("7d"), 604_800.0);
        assert_eq!(secs("2w"), 1_209_600.0);
        assert_eq!(secs("1y"), 31_536_000.0);
        assert_eq!(secs("1h30m"), 5400.0);
        assert_eq!(secs("1h 30m"), 5400.0);
        assert_eq!(secs("2 h"), 7200.0);
        assert_eq!(parse_duration("5us").unwrap().ticks(), 5);
    }

    #[test]
    fn rejects_bad_strings_with_what_is_allowed() {
        for bad in ["", "30", "h", "5x", "1..5h", "-5m", "5 m x", "5 hours"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(err.contains("expected") || err.contains("unit"), "{bad}: {err}");
        }
        assert!(parse_duration("1000000y").unwrap_err().contains("too long"));
    }

    /// Fuzz finding (parsers target, crash-697706fc): "2255555.555505w5w1w" parsed to a value
    /// whose printed form parsed back 256 ticks off, because whole terms were summed in f64.
    #[test]
    fn duration_round_trip_is_exact_for_huge_values() {
        let d = parse_duration("2255555.555505w5w1w").unwrap();
        assert_eq!(parse_duration(&format_duration(d)).unwrap(), d);
        let max = SimDuration(u64::MAX);
        assert_eq!(parse_duration(&format_duration(max)).unwrap(), max);
        assert!(parse_duration("584943y").unwrap_err().contains("too long"));
    }

    #[test]
    fn formats_round_trip() {
        for s in ["0s", "30s", "1h30m", "1y2d3h", "1s500ms", "7us", "2w"] {
            let d = parse_duration(s).unwrap();
            assert_eq!(parse_duration(&format_duration(d)).unwrap(), d, "{s}");
        }
        assert_eq!(format_duration(parse_duration("90m").unwrap()), "1h30m");
        assert_eq!(human(parse_duration("6h15m").unwrap()), "6.25 h");
        assert_eq!(human(parse_duration("3d").unwrap()), "3 d");
        assert_eq!(human(parse_duration("250ms").unwrap()), "250 ms");
    }
}
