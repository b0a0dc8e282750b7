//! A loaded scenario: where it came from, its source, its canonical form and the validated model.
//! It cannot be edited in place: every change (`--set`, `--replications`, `--seed`, a study
//! point, `--importance-sampling`) goes through [`Plan::with`], which edits the source and
//! validates it again, so an override is checked exactly like the file itself.

use super::error::{FieldPath, Lines, PathStep, ScenarioError, line_col};
use super::overrides::{Override, resolve_selectors, set};
use super::schema::ScenarioFile;
use super::uncertainty::{Uncertainty, validate_uncertainty};
use super::validate::{Invalid, Invalids, validate};
use crate::model::Scenario;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The embedded default scenario: Community Training, Premium, zone-redundant, East US.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/community-training-premium-zr.toml");
/// How the embedded default is named in messages.
pub const DEFAULT_ORIGIN: &str = "<embedded default: scenarios/community-training-premium-zr.toml>";

/// A validated scenario and the source it came from.
///
/// Dereferences to the validated [`Scenario`] (read-only).
#[derive(Debug)]
pub struct Plan {
    origin: PathBuf,
    /// The text as read, for locating errors.
    text: String,
    /// The source with the overrides applied so far.
    source: toml::Table,
    /// The overrides applied so far, for messages.
    applied: Vec<Override>,
    /// The canonical form: the file with every default written out.
    canonical: ScenarioFile,
    scenario: Scenario,
    /// `[uncertainty]` with its validated parameters, when the file has it.
    uncertainty: Option<Uncertainty>,
}

impl std::ops::Deref for Plan {
    type Target = Scenario;
    fn deref(&self) -> &Scenario {
        &self.scenario
    }
}

impl Plan {
    /// Reads and validates a scenario file.
    /// A file that is not a regular file (a device such as `/dev/zero`, a FIFO, a directory)
    /// or is larger than [`limits::MAX_SCENARIO_BYTES`](super::limits::MAX_SCENARIO_BYTES) is
    /// refused before it is read.
    pub fn load(path: &Path) -> Result<Plan, ScenarioError> {
        use std::io::Read;
        let max = super::limits::MAX_SCENARIO_BYTES;
        let read = |reason: String| ScenarioError::Read {
            file: path.to_path_buf(),
            reason,
        };
        let file = std::fs::File::open(path).map_err(|e| read(e.to_string()))?;
        let meta = file.metadata().map_err(|e| read(e.to_string()))?;
        if !meta.is_file() {
            return Err(read(
                "not a regular file (a scenario is a TOML file; devices, pipes and directories are refused)".into(),
            ));
        }
        if meta.len() > max {
            return Err(read(format!(
                "{} bytes; a scenario file may have at most {max} bytes ({} MiB)",
                meta.len(),
                max >> 20
            )));
        }
        let mut bytes = Vec::new();
        file.take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| read(e.to_string()))?;
        if bytes.len() as u64 > max {
            return Err(read(format!(
                "a scenario file may have at most {max} bytes (it grew while read)"
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| read(format!("not UTF-8 text: {e}")))?;
        Plan::from_source(&text, path)
    }

    /// The given file, or the embedded default when `None`.
    pub fn load_or_default(path: Option<&Path>) -> Result<Plan, ScenarioError> {
        match path {
            Some(p) => Plan::load(p),
            None => Ok(Plan::embedded_default()),
        }
    }

    /// The embedded default scenario (always valid: a test pins it).
    pub fn embedded_default() -> Plan {
        Plan::from_source(DEFAULT_SCENARIO, Path::new(DEFAULT_ORIGIN)).expect("the embedded default scenario is valid")
    }

    /// Parses and validates scenario text; `origin` names it in errors.
    pub fn from_source(text: &str, origin: &Path) -> Result<Plan, ScenarioError> {
        let syntax = |e: toml::de::Error| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
            ScenarioError::Invalid {
                file: origin.to_path_buf(),
                line,
                column,
                // A type error or an unknown field is named by its path, like any other error.
                path: e.span().and_then(|s| path_at(text, s.start)),
                message: did_you_mean(e.message().trim()),
            }
        };
        let source: toml::Table = text.parse().map_err(syntax)?;
        // Deserializing the text itself (not the table) keeps the spans of type errors.
        let file: ScenarioFile = toml::from_str(text).map_err(syntax)?;
        let (scenario, canonical) = validate(file).map_err(|all| ScenarioError::all(locate(text, origin, all)))?;
        let uncertainty = uncertainty(&source, &canonical, &scenario)
            .map_err(|inv| ScenarioError::all(locate(text, origin, Invalids(vec![inv]))))?;
        let plan = Plan {
            origin: origin.to_path_buf(),
            text: text.to_string(),
            source,
            applied: Vec::new(),
            canonical,
            scenario,
            uncertainty,
        };
        plan.check_draw_at_median()?;
        Ok(plan)
    }

    /// This plan with `overrides` written into its source, validated again. An error names the
    /// override that caused it, or points into the file when the file's own value is at fault.
    pub fn with(&self, overrides: &[Override]) -> Result<Plan, ScenarioError> {
        self.rebuilt(self.source.clone(), overrides)
    }

    /// A plan from `source` (this plan's, edited) with `overrides` written in, validated again.
    fn rebuilt(&self, mut source: toml::Table, overrides: &[Override]) -> Result<Plan, ScenarioError> {
        let mut applied = self.applied.clone();
        let mut file = None;
        for o in overrides {
            let rejected = |message: String| ScenarioError::Override {
                file: self.origin.clone(),
                option: o.option.clone(),
                path: Some(FieldPath::parse(&o.path)),
                message,
            };
            // `services[name=sql]` becomes `services[1]`, so that errors are blamed by index.
            let path = resolve_selectors(&source, &o.path).map_err(rejected)?;
            set(&mut source, &path, o.value.clone()).map_err(rejected)?;
            // A value of the wrong type is found here, one override at a time, so that the
            // error names the override (the file itself deserialized).
            file = Some(parse_table(&source).map_err(rejected)?);
            applied.push(Override { path, ..o.clone() });
        }
        let blame = |path: Option<FieldPath>, message: String| {
            // The most recent override at or above the faulty field, else the file's own value.
            let culprit = path
                .as_ref()
                .and_then(|p| applied.iter().rev().find(|o| FieldPath::parse(&o.path).is_prefix_of(p)));
            match culprit {
                Some(o) => ScenarioError::Override {
                    file: self.origin.clone(),
                    option: o.option.clone(),
                    path,
                    message,
                },
                None => ScenarioError::Invalid {
                    file: self.origin.clone(),
                    line: 0,
                    column: 0,
                    path,
                    message,
                },
            }
        };
        let file = match file {
            Some(f) => f,
            None => parse_table(&source).map_err(|message| blame(None, message))?,
        };
        let (scenario, canonical) = validate(file).map_err(|all| {
            // The file's own errors are located in it; an override's are named by the override.
            let (own, overridden): (Vec<Invalid>, Vec<Invalid>) = all.0.into_iter().partition(|inv| {
                matches!(
                    blame(Some(FieldPath::parse(&inv.path)), String::new()),
                    ScenarioError::Invalid { .. }
                )
            });
            let mut errors: Vec<ScenarioError> = overridden
                .into_iter()
                .map(|inv| blame(Some(FieldPath::parse(&inv.path)), inv.message))
                .collect();
            if !own.is_empty() {
                errors.extend(locate(&self.text, &self.origin, Invalids(own)));
            }
            ScenarioError::all(errors)
        })?;
        let uncertainty = uncertainty(&source, &canonical, &scenario).map_err(|inv| {
            match blame(Some(FieldPath::parse(&inv.path)), inv.message.clone()) {
                ScenarioError::Invalid { .. } => {
                    ScenarioError::all(locate(&self.text, &self.origin, Invalids(vec![inv])))
                }
                other => other,
            }
        })?;
        let plan = Plan {
            origin: self.origin.clone(),
            text: self.text.clone(),
            source,
            applied,
            canonical,
            scenario,
            uncertainty,
        };
        // A draw plan has no uncertainty left; one that does is checked at the priors' medians.
        if plan.uncertainty.is_some() {
            plan.check_draw_at_median()?;
        }
        Ok(plan)
    }

    /// `[uncertainty]` with its parameters, when the scenario has uncertain parameters.
    pub fn uncertainty(&self) -> Option<&Uncertainty> {
        self.uncertainty.as_ref()
    }

    /// The plain scenario at one draw of the uncertain parameters: `x[j]` is the drawn value of
    /// parameter `j` (a factor or the value, as its entry says). The result has no uncertainty and
    /// no expectations over draws; an invalid draw is an error that names the parameters' values.
    pub fn draw(&self, x: &[f64]) -> Result<Plan, ScenarioError> {
        let Some(u) = &self.uncertainty else {
            return self.with(&[]);
        };
        assert_eq!(x.len(), u.parameters.len(), "one value per uncertain parameter");
        let mut plain = self.source.clone();
        plain.remove("uncertainty");
        plain.remove("uncertain");
        if let Some(toml::Value::Table(expect)) = plain.get_mut("expect") {
            expect.retain(|k, _| !super::expect::is_over_draws(k));
        }
        let drawn: Vec<String> = u
            .parameters
            .iter()
            .zip(x)
            .map(|(p, x)| {
                format!(
                    "{} {} = {x}",
                    p.parameter,
                    if p.mode == super::uncertainty::Mode::Factor {
                        "factor"
                    } else {
                        "value"
                    }
                )
            })
            .collect();
        let option = format!("[[uncertain]] draw ({})", drawn.join(", "));
        let mut overrides = Vec::with_capacity(x.len());
        for (p, &x) in u.parameters.iter().zip(x) {
            let value = p.value_at(x).map_err(|message| ScenarioError::Override {
                file: self.origin.clone(),
                option: option.clone(),
                path: Some(FieldPath::parse(&p.path)),
                message,
            })?;
            overrides.push(Override {
                path: p.path.clone(),
                value,
                option: option.clone(),
            });
        }
        // The file's own error at a drawn value says which draw it was.
        self.rebuilt(plain, &overrides).map_err(|e| match e {
            ScenarioError::Invalid {
                file,
                line,
                column,
                path,
                message,
            } => ScenarioError::Invalid {
                file,
                line,
                column,
                path,
                message: format!("{message} (at {option})"),
            },
            other => other,
        })
    }

    /// Every prior at its median must give a valid scenario: a prior that misses the field's range
    /// entirely is found when the file is loaded, not in the middle of a run.
    fn check_draw_at_median(&self) -> Result<(), ScenarioError> {
        let Some(u) = &self.uncertainty else {
            return Ok(());
        };
        let x: Vec<f64> = u.parameters.iter().map(|p| p.prior.prior.quantile(0.5)).collect();
        self.draw(&x).map(|_| ())
    }

    /// The overrides applied so far, as they were asked for (`--set a.b=1`, `--replications 9`).
    pub fn applied(&self) -> Vec<&str> {
        self.applied.iter().map(|o| o.option.as_str()).collect()
    }

    /// The source table with the overrides applied (for studies that enumerate its fields).
    pub fn source(&self) -> &toml::Table {
        &self.source
    }

    /// SHA-256 of the canonical form (every default written out, serialized as JSON), so that
    /// comments and formatting do not change it but any value, given or defaulted, does.
    ///
    /// What does not change the results is left out, so that the hash identifies the run for
    /// resuming and merging whatever the output options: the `[expect]` table (expectations
    /// judge a run, they do not change it, so adding or editing a regression gate keeps the hash
    /// and committed baselines unchanged) and `simulation.replication_rows` (whether
    /// `replications.csv` is written: `--no-replication-rows` and `--summary-only`).
    pub fn hash(&self) -> String {
        let mut file = self.canonical.clone();
        file.expect = Default::default();
        file.simulation.replication_rows = super::defaults::replication_rows();
        let canonical = serde_json::to_vec(&file).expect("scenario serializes");
        let digest = Sha256::digest(&canonical);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// The canonical form as TOML, every default written out; it loads back to the same plan.
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.canonical).expect("scenario serializes to TOML")
    }
}

/// `[uncertainty]` validated against the source and the canonical form (for defaulted fields);
/// expectations over draws need it.
fn uncertainty(
    source: &toml::Table,
    canonical: &ScenarioFile,
    scenario: &Scenario,
) -> Result<Option<Uncertainty>, Invalid> {
    let table = toml::Table::try_from(canonical).unwrap_or_default();
    let u = validate_uncertainty(canonical.uncertainty.as_ref(), &canonical.uncertain, source, &table)?;
    if let Some(u) = &u {
        let features: Vec<(String, crate::model::Plane)> =
            scenario.features.iter().map(|f| (f.name.clone(), f.plane)).collect();
        for (i, path) in u.sobol.iter().enumerate() {
            super::resolve_metric(path, &features, scenario.clients.is_some())
                .map_err(|m| Invalid::at(format!("uncertainty.sobol[{i}]"), m))?;
        }
    }
    if u.is_none()
        && let Some(e) = scenario.expectations.iter().find(|e| e.over_draws.is_some())
    {
        return Err(Invalid::at_key(
            format!("expect.{}", super::quote_key(&e.path)),
            "judges a statistic over the draws of uncertain parameters, and this scenario has no [uncertainty]",
        ));
    }
    Ok(u)
}

/// The scenario file a (possibly edited) source table holds, or why it holds none. It goes
/// through TOML text so that the schema is deserialized by one deserializer only (from a
/// `toml::Value` it would be a second copy of every schema type's code).
fn parse_table(source: &toml::Table) -> Result<ScenarioFile, String> {
    let text = toml::to_string(source).map_err(|e| e.to_string())?;
    toml::from_str(&text).map_err(|e| e.message().trim().to_string())
}

/// Validation failures, located in `source`, in the file's order (those without a place last).
fn locate(source: &str, origin: &Path, all: Invalids) -> Vec<ScenarioError> {
    // The text is parsed and indexed once for all the errors, however many.
    let root = toml::de::DeTable::parse(source).ok();
    let lines = Lines::new(source);
    let mut located: Vec<(usize, usize, ScenarioError)> = all
        .0
        .into_iter()
        .map(|inv| {
            let path = FieldPath::parse(&inv.path);
            let offset = root.as_ref().and_then(|r| span_in(r.get_ref(), &path, inv.at_key));
            let (line, column) = offset.map_or((0, 0), |off| lines.line_col(off));
            let error = ScenarioError::Invalid {
                file: origin.to_path_buf(),
                line,
                column,
                path: Some(path),
                message: inv.message,
            };
            (line, column, error)
        })
        .collect();
    located.sort_by_key(|&(line, column, _)| (line == 0, line, column));
    located.into_iter().map(|(_, _, e)| e).collect()
}

/// The field at byte `offset` of `source`: the key or value whose span holds it, deepest first.
/// `None` when the text does not parse or nothing is there.
fn path_at(source: &str, offset: usize) -> Option<FieldPath> {
    use toml::de::{DeTable, DeValue};
    fn in_table(t: &DeTable<'_>, offset: usize, path: &mut Vec<PathStep>) -> bool {
        for (key, value) in t.iter() {
            path.push(PathStep::Key(key.get_ref().to_string()));
            if key.span().contains(&offset) || in_value(value.get_ref(), value.span(), offset, path) {
                return true;
            }
            path.pop();
        }
        false
    }
    fn in_value(v: &DeValue<'_>, span: std::ops::Range<usize>, offset: usize, path: &mut Vec<PathStep>) -> bool {
        match v {
            // Header tables' spans do not cover their bodies: look inside whatever the span.
            DeValue::Table(t) => in_table(t, offset, path),
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    path.push(PathStep::Index(i));
                    if in_value(item.get_ref(), item.span(), offset, path) {
                        return true;
                    }
                    path.pop();
                }
                span.contains(&offset)
            }
            _ => span.contains(&offset),
        }
    }
    let root = DeTable::parse(source).ok()?;
    let mut path = Vec::new();
    in_table(root.get_ref(), offset, &mut path).then_some(FieldPath(path))
}

/// serde's "unknown field `horizn`, expected one of `horizon`, …" with the likely intended field
/// named: "…; did you mean `horizon`?".
fn did_you_mean(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let best = expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|c| (strsim::jaro_winkler(unknown, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, c)) => format!("{message}; did you mean `{c}`?"),
        None => message.to_string(),
    }
}

/// Byte offset of the value at `path` (of its key when `at_key`), or of its nearest existing
/// ancestor, in the parsed document `root`.
fn span_in(root: &toml::de::DeTable<'_>, path: &FieldPath, at_key: bool) -> Option<usize> {
    let mut steps = path.0.iter();
    let Some(PathStep::Key(first)) = steps.next() else {
        return None;
    };
    if at_key && path.0.len() == 1 {
        return Some(root.get_key_value(first.as_str())?.0.span().start);
    }
    let mut node = root.get(first.as_str())?;
    for (i, step) in steps.enumerate() {
        // `i` counts steps after the first, so the last step has `i + 2 == len`.
        if let (true, true, PathStep::Key(k)) = (at_key, i + 2 == path.0.len(), step) {
            if let Some((key, _)) = node.get_ref().as_table().and_then(|t| t.get_key_value(k.as_str())) {
                return Some(key.span().start);
            }
        }
        let next = match step {
            PathStep::Key(k) => node.get_ref().get(k.as_str()),
            PathStep::Index(i) => node.get_ref().get(*i),
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    Some(node.span().start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelled_field_is_named_by_its_path_with_a_suggestion() {
        let text = Plan::embedded_default().text.replacen("horizon =", "horizn =", 1);
        let e = Plan::from_source(&text, Path::new("s.toml")).unwrap_err().to_string();
        assert!(e.contains("simulation.horizn: unknown field `horizn`"), "{e}");
        assert!(e.ends_with("did you mean `horizon`?"), "{e}");
        // A type error names its field too.
        let text = Plan::embedded_default().text.replacen("seed = ", "seed = \"x\" #", 1);
        let e = Plan::from_source(&text, Path::new("s.toml")).unwrap_err().to_string();
        assert!(e.contains(": simulation.seed: "), "{e}");
        // Nothing close: no suggestion.
        assert_eq!(
            did_you_mean("unknown field `zzz`, expected `name`"),
            "unknown field `zzz`, expected `name`"
        );
    }

    #[test]
    fn an_invalid_override_is_reported_with_its_option() {
        let plan = Plan::embedded_default();
        let e = plan.with(&[Override::replications(0)]).unwrap_err().to_string();
        assert!(
            e.contains("--replications 0") && e.contains("simulation.replications: must be between"),
            "{e}"
        );
        let e = plan
            .with(&[Override::set("simulation.horizon", toml::Value::Integer(3))])
            .unwrap_err()
            .to_string();
        assert!(e.contains("--set simulation.horizon=3"), "{e}");
        let ok = plan.with(&[Override::replications(7)]).unwrap();
        assert_eq!(ok.replications, 7);
        assert_eq!(
            plan.replications,
            Plan::embedded_default().replications,
            "the original is unchanged"
        );
    }

    #[test]
    fn seeds_beyond_toml_integers_round_trip() {
        let big = Plan::embedded_default().with(&[Override::seed(u64::MAX - 1)]).unwrap();
        assert_eq!(big.seed, u64::MAX - 1);
        let again = Plan::from_source(&big.to_toml(), Path::new("again.toml")).unwrap();
        assert_eq!((again.seed, again.hash()), (big.seed, big.hash()));
    }

    #[test]
    fn output_options_keep_the_hash() {
        let plan = Plan::embedded_default();
        let rows_off = plan.with(&[Override::no_replication_rows()]).unwrap();
        assert!(!rows_off.replication_rows);
        assert_eq!(rows_off.hash(), plan.hash());
    }

    #[test]
    fn overrides_accumulate_and_change_the_hash() {
        let plan = Plan::embedded_default();
        let a = plan.with(&[Override::seed(1)]).unwrap();
        let b = a.with(&[Override::replications(9)]).unwrap();
        assert_eq!((b.seed, b.replications), (1, 9));
        assert_ne!(a.hash(), plan.hash());
        let again = Plan::from_source(&b.to_toml(), Path::new("again.toml")).unwrap();
        assert_eq!(again.hash(), b.hash());
    }
}
