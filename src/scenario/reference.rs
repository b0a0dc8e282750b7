//! The scenario reference, `docs/scenario-reference.md`, generated from the code so that it
//! cannot go stale: `schemars` derives a JSON Schema from the scenario types (their doc comments
//! become descriptions, their serde defaults defaults), and [`markdown`] renders it.
//!
//! Defaults that depend on other fields carry a sentence instead, as the extension `x-default`
//! (built from [`defaults::described`](super::defaults::described) where it names values); fields
//! required only for some kinds carry `x-required`. JSON Schema objects have no field order, so
//! the order of each table is read from its serde `Deserialize` impl (the field list serde passes
//! to `deserialize_struct`).

use super::clients::{ClientsSection, Diurnal, MixEntry};
use super::recovery::{
    CapacityEntry, ConsentEntry, DatabaseEntry, DetectionEntry, FailbackEntry, RecoverySection, StorageEntry,
};
use super::schema::{
    BackupEntry, CrewEntry, DeploymentSection, FailureEntry, FaultEntry, FeatureEntry, ImportanceSamplingSection,
    PlaneTargets, RegionEntry, ScenarioFile, ServiceEntry, SimulationSection, TargetsSection,
};
use crate::engine::duration::UNITS;
use crate::model::clients::RetrySpec;
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::{Map, Value};
use std::fmt::{self, Write as _};

/// The JSON Schema (2020-12) of the scenario file.
pub fn schema() -> schemars::Schema {
    schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<ScenarioFile>()
}

/// Examples of duration strings and what they mean (each one is checked to parse).
pub const DURATION_EXAMPLES: &[(&str, &str)] = &[
    ("250ms", "a quarter of a second"),
    ("30s", "30 seconds"),
    ("1.5h", "90 minutes"),
    ("1h30m", "the same: terms add up"),
    ("7d", "a week"),
    ("0s", "zero"),
];

/// The forms of a distribution string, one example each (each one is checked to parse, and every
/// form to appear).
pub const DISTRIBUTION_EXAMPLES: &[(&str, &str)] = &[
    ("6h", "always 6 h; `\"fixed(6h)\"` is the same"),
    (
        "exp(mean=3y)",
        "exponential with that mean: memoryless, as for times between random failures",
    ),
    (
        "weibull(shape=2, scale=100h)",
        "Weibull with shape k > 0 and scale λ > 0",
    ),
    (
        "lognormal(median=6h, sigma=0.6)",
        "log-normal: ln X ~ Normal(ln median, σ²); `mean=` may replace `median=`",
    ),
    (
        "gamma(shape=2, scale=3h)",
        "gamma with shape k > 0 and scale θ > 0, mean kθ (what `outage-sim fit` may suggest)",
    ),
    ("uniform(5s, 30s)", "uniform between the two bounds"),
    (
        "empirical(4.3h, 9.4h, 11.6h)",
        "one of the observed values, each equally likely",
    ),
];

/// The reference page, in Markdown.
///
/// # Panics
/// When the schema is incomplete as documentation: a field without a description, an optional
/// field with neither a default nor a sentence for it, a table whose field order is unknown, or
/// a rustdoc link in a description. The test of `docs/scenario-reference.md` catches these.
pub fn markdown() -> String {
    let root = schema().to_value();
    let defs = root
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut page = Page {
        defs,
        out: String::new(),
        done: Vec::new(),
    };
    page.intro();
    page.section("ScenarioFile", &root, &[], 0);
    page.out
}

/// Field names of a struct in declaration order, as its derived `Deserialize` lists them.
fn declared_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    struct Probe(Option<&'static [&'static str]>);
    impl<'de> Deserializer<'de> for &mut Probe {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut probe = Probe(None);
    let _ = T::deserialize(&mut probe);
    probe.0.expect("a struct lists its fields")
}

/// The declared field order of each table of the scenario file, by schema name.
fn field_order(def: &str) -> Option<&'static [&'static str]> {
    Some(match def {
        "ScenarioFile" => declared_fields::<ScenarioFile>(),
        "SimulationSection" => declared_fields::<SimulationSection>(),
        "DeploymentSection" => declared_fields::<DeploymentSection>(),
        "TargetsSection" => declared_fields::<TargetsSection>(),
        "PlaneTargets" => declared_fields::<PlaneTargets>(),
        "RegionEntry" => declared_fields::<RegionEntry>(),
        "ServiceEntry" => declared_fields::<ServiceEntry>(),
        "BackupEntry" => declared_fields::<BackupEntry>(),
        "FeatureEntry" => declared_fields::<FeatureEntry>(),
        "CrewEntry" => declared_fields::<CrewEntry>(),
        "FailureEntry" => declared_fields::<FailureEntry>(),
        "FaultEntry" => declared_fields::<FaultEntry>(),
        "ClientsSection" => declared_fields::<ClientsSection>(),
        "Diurnal" => declared_fields::<Diurnal>(),
        "MixEntry" => declared_fields::<MixEntry>(),
        "RetrySpec" => declared_fields::<RetrySpec>(),
        "RecoverySection" => declared_fields::<RecoverySection>(),
        "DetectionEntry" => declared_fields::<DetectionEntry>(),
        "ConsentEntry" => declared_fields::<ConsentEntry>(),
        "FailbackEntry" => declared_fields::<FailbackEntry>(),
        "DatabaseEntry" => declared_fields::<DatabaseEntry>(),
        "StorageEntry" => declared_fields::<StorageEntry>(),
        "CapacityEntry" => declared_fields::<CapacityEntry>(),
        "ImportanceSamplingSection" => declared_fields::<ImportanceSamplingSection>(),
        "UncertaintySection" => declared_fields::<super::uncertainty::UncertaintySection>(),
        "UncertainEntry" => declared_fields::<super::uncertainty::UncertainEntry>(),
        _ => return None,
    })
}

/// Stands for the link to a table's section in [`TypeDesc::text`].
const TABLE: &str = "{table}";

/// What a field holds, for the Type column.
#[derive(Default)]
struct TypeDesc {
    /// E.g. `duration`, `list of integers`, `"zonal"` or `"zone-redundant"`, [`TABLE`] or
    /// `{table} or "none"`.
    text: String,
    /// Documented enum values: (spelling, meaning).
    values: Vec<(String, String)>,
    /// The table (schema name) the field opens, and whether it is an array of tables.
    table: Option<(String, bool)>,
}

/// Where a table is reached: its key path and whether it is an array of tables.
type TablePath = (Vec<String>, bool);

/// A table to document after the current one: its schema name and where it is reached.
struct Child {
    def: String,
    paths: Vec<TablePath>,
}

struct Page {
    defs: Map<String, Value>,
    out: String,
    /// Schema names already documented.
    done: Vec<String>,
}

impl Page {
    fn intro(&mut self) {
        let o = &mut self.out;
        o.push_str(
            "# Scenario file reference\n\n\
             <!-- Generated from the scenario schema by `outage_sim::scenario::reference::markdown()`; do not edit. \
             Regenerate with `UPDATE_DOCS=1 cargo test --test integration scenario_reference`. -->\n\n\
             Every section and field of a scenario file, generated from the code that reads it: the types, \
             defaults and descriptions below are those of `src/scenario/schema.rs` and the types it uses. \
             For a walkthrough see the [guide](GUIDE.md); for the model behind each field, and where its \
             numbers come from, see the [model](MODEL.md).\n\n\
             ## How the file is organised\n\n\
             A scenario is one TOML file. `name` and `description` are top-level keys; everything else is a \
             table (`[simulation]`, `[deployment]`, ...) or an array of tables (`[[services]]`, `[[features]]`, \
             ...), in any order. A table may also be written inline (`detection = { period = \"2m\" }`). Every \
             table rejects keys it does not know, so a misspelt key is an error rather than a setting silently \
             ignored. A field marked required must be present; any other takes the default shown, and a table \
             whose fields all have defaults may be left out. `outage-sim validate FILE` checks a file without \
             running it, and every run writes the scenario as run, with every default filled in, to \
             `scenario.toml` in its results directory.\n\n\
             Besides TOML's strings, numbers, booleans, lists and tables, two kinds of string have a syntax of \
             their own: durations and distributions.\n\n\
             ### Durations\n\n\
             A duration is a string: a number and a unit, or a sum of them; fractions are allowed.\n\n\
             | unit | length |\n|---|---|\n",
        );
        for (unit, seconds) in UNITS {
            let name = match *unit {
                "us" => "microsecond".to_string(),
                "ms" => "millisecond".to_string(),
                "s" => "second".to_string(),
                "m" => "minute".to_string(),
                "h" => "hour".to_string(),
                "d" => format!("day ({} h)", seconds / 3600.0),
                "w" => format!("week ({} d)", seconds / 86_400.0),
                "y" => format!("year ({} d)", seconds / 86_400.0),
                other => panic!("duration unit `{other}` has no name in the scenario reference"),
            };
            let _ = writeln!(o, "| `{unit}` | {name} |");
        }
        o.push_str("\n| example | meaning |\n|---|---|\n");
        for (example, meaning) in DURATION_EXAMPLES {
            let _ = writeln!(o, "| `\"{example}\"` | {meaning} |");
        }
        o.push_str(
            "\n### Distributions\n\n\
             A random duration is a distribution string; its parameters are durations (and plain numbers for \
             `shape` and `sigma`). A plain duration is a fixed value.\n\n\
             | form | meaning |\n|---|---|\n",
        );
        for (example, meaning) in DISTRIBUTION_EXAMPLES {
            let _ = writeln!(o, "| `\"{example}\"` | {meaning} |");
        }
        o.push('\n');
    }

    /// Documents one table (and, after it, the tables it opens).
    fn section(&mut self, def: &str, schema: &Value, paths: &[TablePath], depth: usize) {
        self.done.push(def.to_string());
        if depth == 0 {
            self.out.push_str("## Top level\n\n");
        } else {
            let _ = writeln!(self.out, "{} {}\n", "#".repeat((depth + 1).min(4)), heading(paths));
        }
        let about = description(schema).unwrap_or_else(|| panic!("table {def} has no description"));
        let _ = writeln!(self.out, "{about}\n");
        let mut children: Vec<Child> = Vec::new();
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            // A table tagged by `kind`: one set of fields per variant.
            for v in variants {
                let tag = v["properties"]["kind"]["const"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{def}: a variant without a `kind` constant"));
                let about = description(v).unwrap_or_else(|| panic!("{def}, kind {tag}: no description"));
                let _ = writeln!(self.out, "**`kind = \"{tag}\"`**: {}\n", one_line(&about));
                let mut keys: Vec<String> = v["properties"]
                    .as_object()
                    .expect("a variant has fields")
                    .keys()
                    .cloned()
                    .collect();
                keys.retain(|k| k != "kind");
                self.fields(&format!("{def}.{tag}"), v, &keys, paths, &mut children);
            }
        } else if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            let order = field_order(def)
                .unwrap_or_else(|| panic!("scenario::reference::field_order does not know the table {def}; add it"));
            let mut listed: Vec<&str> = order.to_vec();
            let mut present: Vec<&str> = props.keys().map(String::as_str).collect();
            listed.sort_unstable();
            present.sort_unstable();
            assert_eq!(listed, present, "the fields of {def}");
            let keys: Vec<String> = order.iter().map(|k| k.to_string()).collect();
            self.fields(def, schema, &keys, paths, &mut children);
        }
        for child in children {
            if self.done.contains(&child.def) {
                continue;
            }
            let schema = self.defs[&child.def].clone();
            self.section(&child.def, &schema, &child.paths, depth + 1);
        }
    }

    /// The table of fields of one table; the tables they open are added to `children`.
    fn fields(&mut self, def: &str, schema: &Value, keys: &[String], paths: &[TablePath], children: &mut Vec<Child>) {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let types: Vec<TypeDesc> = keys.iter().map(|k| self.type_of(&schema["properties"][k])).collect();
        // First every table the fields open, so that a table reached twice gets one heading.
        for (key, ty) in keys.iter().zip(&types) {
            let Some((child, array)) = &ty.table else { continue };
            let mut reached: Vec<TablePath> = paths
                .iter()
                .map(|(p, _)| (p.iter().cloned().chain([key.clone()]).collect(), *array))
                .collect();
            if paths.is_empty() {
                reached.push((vec![key.clone()], *array));
            }
            match children.iter_mut().find(|c| &c.def == child) {
                Some(c) => c.paths.extend(reached),
                None => children.push(Child {
                    def: child.clone(),
                    paths: reached,
                }),
            }
        }
        let mut rows = String::from("| Field | Type | Required | Default | Description |\n|---|---|---|---|---|\n");
        for (key, ty) in keys.iter().zip(types) {
            let field = &schema["properties"][key.as_str()];
            let is_required = required.contains(&key.as_str());
            let conditional = field.get("x-required").and_then(Value::as_str);
            let required_text = match conditional {
                Some(when) => cell(when),
                None if is_required => "yes".to_string(),
                None => "no".to_string(),
            };
            let mut text = cell(&description(field).unwrap_or_else(|| panic!("{def}.{key} has no description")));
            for (value, meaning) in &ty.values {
                let _ = write!(text, "<br>`{value}`: {}", cell(meaning));
            }
            let type_text = match &ty.table {
                Some((child, array)) => {
                    let c = children.iter().find(|c| &c.def == child).expect("collected above");
                    let what = if *array { "array of tables" } else { "table" };
                    ty.text
                        .replace(TABLE, &format!("[{what}](#{})", slug(&heading(&c.paths))))
                }
                None => ty.text,
            };
            let default = self.default_of(def, key, field, is_required || conditional.is_some());
            let _ = writeln!(rows, "| `{key}` | {type_text} | {required_text} | {default} | {text} |");
        }
        let _ = writeln!(self.out, "{rows}");
    }

    /// The Default column.
    fn default_of(&self, def: &str, key: &str, field: &Value, required: bool) -> String {
        if let Some(sentence) = field.get("x-default").and_then(Value::as_str) {
            return cell(sentence);
        }
        match field.get("default") {
            Some(Value::Object(value)) => {
                let target = self
                    .resolve(field)
                    .unwrap_or_else(|| panic!("{def}.{key}: a table default"));
                let props = target.get("properties").and_then(Value::as_object);
                let all_defaulted = props.is_some_and(|p| {
                    p.values()
                        .all(|f| f.get("default").is_some() || f.get("x-default").is_some())
                });
                if all_defaulted {
                    "each field's default".to_string()
                } else {
                    let name = reference_name(field).expect("a table default names its table");
                    format!("`{}`", toml_inline(&Value::Object(value.clone()), field_order(&name)))
                }
            }
            Some(value) => format!("`{}`", toml_inline(value, None)),
            None if required => "—".to_string(),
            None => {
                panic!("{def}.{key} is optional and has no default; give it #[schemars(extend(\"x-default\" = ...))]")
            }
        }
    }

    /// The definition a `$ref` (possibly inside a nullable `anyOf`) points to.
    fn resolve(&self, schema: &Value) -> Option<&Value> {
        reference_name(schema).and_then(|name| self.defs.get(&name))
    }

    fn type_of(&self, schema: &Value) -> TypeDesc {
        let schema = non_null(schema);
        if let Some(name) = schema.get("$ref").and_then(Value::as_str) {
            let name = name.rsplit('/').next().expect("a $ref has a name").to_string();
            let def = &self.defs[&name];
            if is_table(def) {
                return TypeDesc {
                    text: TABLE.into(),
                    table: Some((name, false)),
                    ..TypeDesc::default()
                };
            }
            return self.type_of(def);
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let spelled: Vec<String> = values.iter().map(|v| format!("`{}`", toml_inline(v, None))).collect();
            return TypeDesc {
                text: either(&spelled),
                ..TypeDesc::default()
            };
        }
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array)
            && variants.iter().all(|v| v.get("const").is_some())
        {
            let spelled: Vec<String> = variants
                .iter()
                .map(|v| format!("`{}`", toml_inline(&v["const"], None)))
                .collect();
            let values = variants
                .iter()
                .filter_map(|v| Some((v["const"].as_str()?.to_string(), one_line(&description(v)?))))
                .collect();
            return TypeDesc {
                text: either(&spelled),
                values,
                ..TypeDesc::default()
            };
        }
        if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
            let parts: Vec<TypeDesc> = options.iter().map(|o| self.type_of(o)).collect();
            let texts: Vec<String> = parts.iter().map(|p| p.text.clone()).collect();
            let table = parts.iter().find_map(|p| p.table.clone());
            let values = parts.into_iter().flat_map(|p| p.values).collect();
            return TypeDesc {
                text: either(&texts),
                values,
                table,
            };
        }
        if let Some(value) = schema.get("const") {
            return TypeDesc {
                text: format!("`{}`", toml_inline(value, None)),
                ..TypeDesc::default()
            };
        }
        let text = match schema.get("type").and_then(Value::as_str) {
            Some("string") => match schema.get("format").and_then(Value::as_str) {
                Some("duration") => "duration".to_string(),
                Some("distribution") => "distribution".to_string(),
                Some("condition") => "condition string".to_string(),
                _ if schema.get("pattern").is_some() => "string of digits".to_string(),
                _ => "string".to_string(),
            },
            Some("integer") => "integer".to_string(),
            Some("number") => "number".to_string(),
            Some("boolean") => "boolean".to_string(),
            Some("array") => {
                let item = self.type_of(&schema["items"]);
                if let Some((name, _)) = item.table {
                    return TypeDesc {
                        text: TABLE.into(),
                        table: Some((name, true)),
                        ..TypeDesc::default()
                    };
                }
                match (schema.get("minItems"), schema.get("maxItems")) {
                    (Some(lo), Some(hi)) if lo == hi => format!("list of {lo} {}s", item.text),
                    _ => format!("list of {}s", item.text),
                }
            }
            other => panic!("no type text for {other:?} in {schema}"),
        };
        TypeDesc {
            text,
            ..TypeDesc::default()
        }
    }
}

/// Whether a definition is documented as a table of its own.
fn is_table(def: &Value) -> bool {
    def.get("properties").is_some()
        || def.get("additionalProperties").is_some_and(Value::is_object)
        || def
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|v| v.iter().all(|x| x.get("properties").is_some()))
}

/// The heading of a table: its TOML headers, `[a.b]` or `[[a.b]]` for an array of tables.
fn heading(paths: &[TablePath]) -> String {
    paths
        .iter()
        .map(|(p, array)| {
            if *array {
                format!("`[[{}]]`", p.join("."))
            } else {
                format!("`[{}]`", p.join("."))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The schema name a `$ref` points to, looking through a nullable `anyOf`.
fn reference_name(schema: &Value) -> Option<String> {
    let schema = non_null(schema);
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.rsplit('/').next().unwrap_or(r).to_string())
}

/// `schema` without the `null` an `Option` adds.
fn non_null(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(types) = s.get("type").and_then(Value::as_array) {
        let rest: Vec<Value> = types.iter().filter(|t| t.as_str() != Some("null")).cloned().collect();
        s["type"] = if rest.len() == 1 {
            rest[0].clone()
        } else {
            Value::Array(rest)
        };
    }
    if let Some(options) = s.get("anyOf").and_then(Value::as_array) {
        let rest: Vec<Value> = options
            .iter()
            .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
            .cloned()
            .collect();
        if rest.len() == 1 {
            let mut inner = rest[0].clone();
            if let (Some(obj), Some(outer)) = (inner.as_object_mut(), s.as_object()) {
                for (k, v) in outer {
                    if k != "anyOf" {
                        obj.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
            }
            return non_null(&inner);
        }
        s["anyOf"] = Value::Array(rest);
    }
    s
}

/// The description of a schema, checked for leftovers of rustdoc.
fn description(schema: &Value) -> Option<String> {
    let text = schema.get("description")?.as_str()?.trim().to_string();
    if text.is_empty() {
        return None;
    }
    let mut rest = text.as_str();
    while let Some(i) = rest.find("[`") {
        let after = &rest[i + 2..];
        if let Some(j) = after.find("`]") {
            assert!(
                after[j + 2..].starts_with('('),
                "a rustdoc link in user documentation: {text}"
            );
        }
        rest = after;
    }
    Some(text)
}

/// Text on one line: the lines of a doc comment joined with spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a table cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// `a`, `a or b`, `a, b or c`.
fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A JSON value as a TOML literal; object keys in `order` when given.
fn toml_inline(value: &Value, order: Option<&[&str]>) -> String {
    match value {
        Value::String(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        Value::Array(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|v| toml_inline(v, None))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            if let Some(order) = order {
                keys.sort_by_key(|k| order.iter().position(|o| o == k));
            }
            let fields: Vec<String> = keys
                .iter()
                .map(|k| format!("{k} = {}", toml_inline(&map[k.as_str()], None)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        other => other.to_string(),
    }
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::duration::HumanDuration;
    use crate::model::{Dist, DistSpec};

    #[test]
    fn examples_parse_and_cover_every_form() {
        for (text, _) in DURATION_EXAMPLES {
            HumanDuration::parse(text).unwrap();
        }
        let form = |spec: &DistSpec| match spec {
            DistSpec::Fixed(_) => 0,
            DistSpec::Exponential { .. } => 1,
            DistSpec::Weibull { .. } => 2,
            DistSpec::LogNormal { .. } => 3,
            DistSpec::Uniform { .. } => 4,
            DistSpec::Empirical(_) => 5,
            DistSpec::Gamma { .. } => 6,
        };
        let mut seen = [false; 7];
        for (text, _) in DISTRIBUTION_EXAMPLES {
            seen[form(Dist::parse(text).unwrap().spec())] = true;
        }
        assert_eq!(seen, [true; 7], "every form of distribution has an example");
    }

    #[test]
    fn field_order_follows_the_declaration() {
        assert_eq!(
            declared_fields::<SimulationSection>(),
            ["horizon", "warmup", "replications", "seed", "replication_rows"]
        );
    }

    #[test]
    fn markdown_documents_every_table_with_defaults() {
        let page = markdown();
        for text in [
            "## Top level",
            "## `[simulation]`",
            "## `[[services]]`",
            "### `[services.backup]`",
            "### `[targets.control_plane]`, `[targets.data_plane]`",
            "#### `[clients.retry.budget]`",
            "## `[expect]`",
            "| `warmup` | duration | no | `\"0s\"` |",
            "| `sku` | `\"standard\"` or `\"premium\"` | yes | — |",
            "`\"uniform(1h, 4h)\"`",
            "**`kind = \"ratio\"`**",
            "every zone of the primary region",
        ] {
            assert!(page.contains(text), "{text:?} missing from:\n{page}");
        }
    }

    #[test]
    fn slugs_match_github_anchors() {
        assert_eq!(slug("`[[services]]`"), "services");
        assert_eq!(
            slug("`[targets.control_plane]`, `[targets.data_plane]`"),
            "targetscontrol_plane-targetsdata_plane"
        );
    }
}
