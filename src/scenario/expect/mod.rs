//! `[expect]`: a regression gate judged by `outage-sim check`; parsed into typed expectations,
//! with errors in the scenario's usual form (field path
//! `expect."zone_incidents.data_plane.rto.p95"`, what is wrong, what is allowed). Metric paths are
//! those of [`crate::model::metric`]; an unknown one gets a hint: its new name, or the path it is a typo of.

mod hint;

use super::error::quote_key;
use super::validate::{Errors, Invalid, Invalids};
use crate::engine::duration::parse_duration;
use crate::model::Plane;
use crate::model::metric::{DrawStat, Expectation, Metric, MetricDef, Op, Threshold, Unit, catalogue};
use hint::{list_known, suggestion};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The `[expect]` table as written: metric path → condition string, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectTable(pub Vec<(String, String)>);

impl ExpectTable {
    /// No expectations.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for ExpectTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A table of strings: metric path → condition.
impl schemars::JsonSchema for ExpectTable {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ExpectTable".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A regression gate: each key is a metric path, quoted because it contains dots, and each \
                value a condition `\"<op> <value>\"`, with `<op>` one of `<=`, `<`, `>=`, `>` and the value in the \
                metric's unit: a duration for a duration metric, a number for a probability or a count. \
                `outage-sim check` runs the scenario and judges every expectation on the metric's 95 % interval: \
                met, failed, or inconclusive when the interval straddles the value. An unknown metric path is an \
                error that lists the known ones.\n\n\
                ```toml\n\
                [expect]\n\
                \"zone_incidents.data_plane.rto.p95\" = \"<= 48h\"\n\
                ```",
            "type": "object",
            "additionalProperties": { "type": "string", "format": "condition" },
        })
    }
}

/// A condition string; its own type so that a value of the wrong type gets a helpful message.
struct Condition(String);

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Condition;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a condition string \"<op> <value>\" (op <=, <, >= or >), e.g. \"<= 48h\" or \">= 0.99\"; \
                     quote metric paths: \"zone_incidents.data_plane.rto.p95\" = \"<= 48h\"",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Condition, E> {
                Ok(Condition(v.to_string()))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for ExpectTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ExpectTable;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of metric path = \"<op> <value>\"")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ExpectTable, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let Condition(value) = map.next_value()?;
                    out.push((key, value));
                }
                Ok(ExpectTable(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Validates `[expect]` for a scenario with these features (name and plane), with or without
/// `[clients]`. Expectations keep the file's order.
pub fn validate_expectations(
    table: &ExpectTable,
    features: &[(String, Plane)],
    has_clients: bool,
) -> Result<Vec<Expectation>, Invalids> {
    let known = catalogue(features);
    let mut errors = Errors::default();
    let out = errors.each(table.0.iter(), |_, (key, text)| {
        parse_one(key, text, &known, has_clients)
    });
    errors.finish(out.unwrap_or_default())
}

/// The metric a path names (as in `[expect]`), or what is wrong with the path (for `--metric`
/// options of `sweep`, `sensitivity` and `--precision`).
pub fn resolve_metric(key: &str, features: &[(String, Plane)], has_clients: bool) -> Result<Metric, String> {
    lookup(key, &catalogue(features), has_clients)
}

fn lookup(key: &str, known: &[MetricDef], has_clients: bool) -> Result<Metric, String> {
    let Some(def) = known.iter().find(|d| d.path == key) else {
        // A near miss is enough; otherwise the paths of the same section (the whole catalogue
        // would be a page on one line), and where to find them all.
        let more = "`outage-sim metrics` lists them all with their meaning";
        return Err(match suggestion(key, known) {
            Some(hint) => format!("unknown metric \"{key}\" ({hint}); {more}"),
            None => format!(
                "unknown metric \"{key}\"; {}; {more}",
                list_known(key, known, has_clients)
            ),
        });
    };
    if def.metric.needs_clients() && !has_clients {
        return Err(format!(
            "metric \"{key}\" needs a [clients] section, and this scenario has none"
        ));
    }
    Ok(def.metric)
}

/// Whether an `[expect]` key judges a statistic over the draws of uncertain parameters
/// (`uncertainty.<metric path>.<mean|p05|p50|p95>`).
pub fn is_over_draws(key: &str) -> bool {
    DrawStat::split(key).is_some()
}

fn parse_one(full_key: &str, text: &str, known: &[MetricDef], has_clients: bool) -> Result<Expectation, Invalid> {
    let path = format!("expect.{}", quote_key(full_key));
    let (key, over_draws) = match DrawStat::split(full_key) {
        Some((metric, stat)) => (metric, Some(stat)),
        None if full_key.starts_with("uncertainty.") => {
            return Err(Invalid::at_key(
                path,
                format!(
                    "\"{full_key}\": a statistic over the draws is `uncertainty.<metric path>.<mean|p05|p50|p95>`, \
                     e.g. \"uncertainty.zone_incidents.data_plane.p_meet_rto.p05\""
                ),
            ));
        }
        None => (full_key, None),
    };
    let metric = lookup(key, known, has_clients).map_err(|m| Invalid::at_key(path.clone(), m))?;
    let trimmed = text.trim();
    let Some(op) = Op::ALL.into_iter().find(|op| trimmed.starts_with(op.symbol())) else {
        return Err(Invalid::at(
            path,
            format!(
                "invalid condition \"{text}\": it starts with an operator (<=, <, >= or >) and then the value, e.g. \"{}\"",
                example(metric.unit())
            ),
        ));
    };
    let value_text = trimmed[op.symbol().len()..].trim().to_string();
    if value_text.starts_with(['=', '<', '>']) {
        return Err(Invalid::at(
            path,
            format!("invalid operator in \"{text}\"; allowed: <=, <, >=, >"),
        ));
    }
    if value_text.is_empty() {
        return Err(Invalid::at(
            path,
            format!(
                "condition \"{text}\" has no value after \"{}\"; e.g. \"{}\"",
                op.symbol(),
                example(metric.unit())
            ),
        ));
    }
    let number = value_text.parse::<f64>().ok().filter(|x| x.is_finite());
    let threshold = match metric.unit() {
        Unit::Duration => match parse_duration(&value_text) {
            Ok(d) => Threshold::Duration(d),
            Err(_) if number.is_some() => {
                return Err(Invalid::at(
                    path,
                    format!(
                        "\"{key}\" is {}; \"{value_text}\" is a plain number (units: us, ms, s, m, h, d, w, y)",
                        metric.unit().describe()
                    ),
                ));
            }
            Err(e) => return Err(Invalid::at(path, e)),
        },
        unit => {
            let Some(x) = number else {
                let what = if parse_duration(&value_text).is_ok() {
                    "a duration"
                } else {
                    "not a number"
                };
                return Err(Invalid::at(
                    path,
                    format!("\"{key}\" is {}; \"{value_text}\" is {what}", unit.describe()),
                ));
            };
            if unit == Unit::Probability && !(0.0..=1.0).contains(&x) {
                return Err(Invalid::at(
                    path,
                    format!("\"{key}\" is a probability; the value must be in [0, 1], got {value_text}"),
                ));
            }
            if x < 0.0 {
                return Err(Invalid::at(
                    path,
                    format!("\"{key}\" is never negative; the value must be >= 0, got {value_text}"),
                ));
            }
            Threshold::Number(x)
        }
    };
    Ok(Expectation {
        path: full_key.to_string(),
        metric,
        op,
        threshold,
        value_text,
        over_draws,
    })
}

fn example(unit: Unit) -> &'static str {
    match unit {
        Unit::Duration => "<= 48h",
        Unit::Probability => ">= 0.99",
        Unit::Number => "<= 1.5",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimDuration;
    use crate::model::metric::{Distribution, Metric, Percentile, Stat};

    fn features() -> Vec<(String, Plane)> {
        vec![
            ("browse-learn".into(), Plane::Data),
            ("admin-operations".into(), Plane::Control),
        ]
    }

    fn parse(entries: &[(&str, &str)], has_clients: bool) -> Result<Vec<Expectation>, Invalid> {
        let table = ExpectTable(entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect());
        validate_expectations(&table, &features(), has_clients).map_err(|mut e| e.0.remove(0))
    }

    fn error(key: &str, value: &str, has_clients: bool) -> Invalid {
        parse(&[(key, value)], has_clients).unwrap_err()
    }

    #[test]
    fn parses_operators_units_and_keeps_file_order() {
        let e = parse(
            &[
                ("zone_incidents.data_plane.rto.p95", "<= 48h"),
                ("zone_incidents.control_plane.p_meet_rpo", ">=0.99"),
                ("availability.browse-learn", "  > 0.999 "),
                ("zone_incidents.data_plane.incidents_per_replication", "< 3"),
                ("clients.overloaded_after_trigger.max", "<= 1m30s"),
            ],
            true,
        )
        .unwrap();
        assert_eq!(e.len(), 5);
        assert_eq!(e[0].path, "zone_incidents.data_plane.rto.p95");
        assert_eq!(
            e[0].metric,
            Metric::Duration(Distribution::Rto(Plane::Data), Stat::Percentile(Percentile::P95))
        );
        assert_eq!(
            (e[0].op, e[0].threshold),
            (Op::Le, Threshold::Duration(SimDuration::from_secs(48 * 3600)))
        );
        assert_eq!((e[1].op, e[1].threshold), (Op::Ge, Threshold::Number(0.99)));
        assert_eq!((e[2].op, e[2].threshold), (Op::Gt, Threshold::Number(0.999)));
        assert_eq!(e[2].to_string(), "> 0.999");
        assert_eq!((e[3].op, e[3].threshold), (Op::Lt, Threshold::Number(3.0)));
        assert_eq!(e[4].threshold.value(), 90.0);
        assert!(parse(&[], false).unwrap().is_empty());
    }

    #[test]
    fn unknown_metric_lists_the_known_ones_and_suggests_a_near_miss() {
        let e = error("zone_incidents.data_plane.rpo.mx", "<= 1h", false);
        assert_eq!(e.path, "expect.\"zone_incidents.data_plane.rpo.mx\"");
        assert!(e.at_key);
        for fragment in [
            "unknown metric \"zone_incidents.data_plane.rpo.mx\"",
            "did you mean \"zone_incidents.data_plane.rpo.max\"?",
            "`outage-sim metrics` lists them all",
        ] {
            assert!(e.message.contains(fragment), "{fragment:?} in {}", e.message);
        }
        assert!(
            !e.message.contains("availability."),
            "a near miss needs no list: {}",
            e.message
        );
        // No near miss: the paths of the same section.
        let e = error("zone_incidents.data_plane.recovery", "<= 1h", false);
        for fragment in [
            "known under zone_incidents:",
            "zone_incidents.data_plane.rto.{mean, min, p50, p90, p95, p99, max}",
            "zone_incidents.control_plane.{incidents_per_replication, p_meet_rto, p_meet_rpo}",
        ] {
            assert!(e.message.contains(fragment), "{fragment:?} in {}", e.message);
        }
        assert!(!e.message.contains("availability."), "{}", e.message);
        // No section either: the sections, with what a scenario without clients lacks.
        let e = error("throughput", ">= 1", false);
        for fragment in [
            "metric paths start with objectives., availability., zone_incidents.",
            "misses_per_replication.",
            "region_disasters.",
            "importance_sampling.",
            "clients. (with a [clients] section)",
        ] {
            assert!(e.message.contains(fragment), "{fragment:?} in {}", e.message);
        }
        assert!(!e.message.contains("did you mean"), "{}", e.message);
        let e = error("throughput", ">= 1", true);
        assert!(!e.message.contains("with a [clients] section"), "{}", e.message);
        // A path from before summary schema 2 gets its new name.
        let e = error("data_plane.rto.p95", "<= 48h", false);
        assert!(
            e.message
                .contains("\"data_plane.rto.p95\" is now \"zone_incidents.data_plane.rto.p95\""),
            "{}",
            e.message
        );
    }

    #[test]
    fn client_metrics_need_clients() {
        let e = error("clients.retry_amplification", "<= 1.5", false);
        assert!(e.at_key);
        assert!(e.message.contains("needs a [clients] section"), "{}", e.message);
        assert!(parse(&[("clients.retry_amplification", "<= 1.5")], true).is_ok());
    }

    #[test]
    fn durations_and_numbers_do_not_mix() {
        let e = error("zone_incidents.data_plane.rto.p95", "<= 48", false);
        assert!(!e.at_key);
        assert!(e.message.contains("is a duration metric"), "{}", e.message);
        assert!(e.message.contains("\"48\" is a plain number"), "{}", e.message);
        let e = error("zone_incidents.control_plane.p_meet_rto", ">= 2h", false);
        assert!(e.message.contains("is a probability"), "{}", e.message);
        assert!(e.message.contains("\"2h\" is a duration"), "{}", e.message);
        let e = error("zone_incidents.data_plane.incidents_per_replication", "<= lots", false);
        assert!(e.message.contains("\"lots\" is not a number"), "{}", e.message);
        let e = error("zone_incidents.data_plane.rto.mean", "<= 3 parsecs", false);
        assert!(e.message.contains("unknown unit"), "{}", e.message);
    }

    #[test]
    fn bad_operators_and_values() {
        for bad in ["=< 48h", "== 48h", "48h", "≤ 48h", "<<= 48h", ">== 48h"] {
            let e = error("zone_incidents.data_plane.rto.p95", bad, false);
            assert!(
                e.message.contains("<=, <, >= or >") || e.message.contains("allowed: <=, <, >=, >"),
                "{bad}: {}",
                e.message
            );
        }
        let e = error("zone_incidents.data_plane.rto.p95", "<=", false);
        assert!(e.message.contains("has no value"), "{}", e.message);
        let e = error("availability.data_plane", ">= 1.5", false);
        assert!(e.message.contains("must be in [0, 1]"), "{}", e.message);
        let e = error("zone_incidents.data_plane.incidents_per_replication", ">= -1", false);
        assert!(e.message.contains("must be >= 0"), "{}", e.message);
        let e = error("zone_incidents.data_plane.incidents_per_replication", "<= inf", false);
        assert!(e.message.contains("not a number"), "{}", e.message);
    }
}
