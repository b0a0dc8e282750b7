//! Expectations: a scenario's `[expect]` table, a regression gate judged by `outage-sim check`.
//!
//! ```toml
//! [expect]
//! "data_plane.rto.p95" = "<= 48h"
//! "control_plane.rpo.p_meet" = ">= 0.99"
//! ```
//!
//! Each entry maps a metric path (see [`metrics::catalogue`]) to a condition `"<op> <value>"`
//! with `op` one of `<=`, `<`, `>=`, `>`; the value is a duration for duration metrics and a plain
//! number otherwise. The table is parsed into typed [`Expectation`]s when the scenario is loaded
//! (bad ones are bad input, like any other scenario error), [`evaluate`] judges them against a
//! finished run on 95 % intervals, and [`render`] prints the verdicts.
//!
//! ```
//! use outage_sim::{expect, montecarlo, report::Summary, scenario};
//! let source = scenario::DEFAULT_SCENARIO.to_string()
//!     + "\n[expect]\n\"data_plane.rpo.max\" = \"<= 0s\"\n";
//! let mut s = scenario::from_source(&source, "inline.toml".as_ref()).unwrap();
//! s.replications = 200;
//! let stats = montecarlo::run(&s, &Default::default(), |_| Ok::<(), ()>(())).unwrap();
//! let rows = expect::evaluate(&s.expectations, &stats, &Summary::new(&s, &stats));
//! assert_eq!(rows[0].verdict, expect::Verdict::Pass);
//! ```

mod evaluate;
pub mod metrics;
mod parse;
mod render;

pub use evaluate::{Outcome, Verdict, all_hold, evaluate};
pub use metrics::{Estimate, Metric, Spread, Unit};
pub use parse::{resolve_metric, validate_expectations};
pub use render::{render, to_json};

use crate::engine::SimDuration;
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
                     quote metric paths: \"data_plane.rto.p95\" = \"<= 48h\"",
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

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `>=`
    Ge,
    /// `>`
    Gt,
}

impl Op {
    /// Operators, longest first (so `<=` is recognised before `<`).
    pub const ALL: [Op; 4] = [Op::Le, Op::Ge, Op::Lt, Op::Gt];

    /// How it is written.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }

    /// Whether `x op threshold` holds.
    pub fn holds(self, x: f64, threshold: f64) -> bool {
        match self {
            Op::Le => x <= threshold,
            Op::Lt => x < threshold,
            Op::Ge => x >= threshold,
            Op::Gt => x > threshold,
        }
    }

    /// Whether it bounds the metric from above (`<=`, `<`).
    pub fn is_upper_bound(self) -> bool {
        matches!(self, Op::Le | Op::Lt)
    }
}

/// A threshold, in the metric's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    /// For duration metrics.
    Duration(SimDuration),
    /// For every other metric.
    Number(f64),
}

impl Threshold {
    /// The value compared with estimates: seconds for durations.
    pub fn value(self) -> f64 {
        match self {
            Threshold::Duration(d) => d.as_secs_f64(),
            Threshold::Number(x) => x,
        }
    }
}

/// One validated expectation.
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// The metric path as written.
    pub path: String,
    /// What it measures.
    pub metric: Metric,
    /// Comparison.
    pub op: Op,
    /// Threshold.
    pub threshold: Threshold,
    /// The threshold as written (for display).
    pub value_text: String,
}

impl fmt::Display for Expectation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.op.symbol(), self.value_text)
    }
}
