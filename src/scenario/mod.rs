//! Scenario files: TOML schema, human durations, distributions, validation with precise errors.
//!
//! ```
//! let s = outage_sim::scenario::default_scenario();
//! assert_eq!(s.name, "community-training-premium-zr");
//! ```

pub mod clients;
mod error;
pub mod expect;
pub mod recovery;
pub mod schema;
mod validate;

pub use error::{FieldPath, PathStep, ScenarioError, line_col, quote_key};
pub use expect::{ExpectTable, resolve_metric, validate_expectations};
pub use schema::ScenarioFile;
pub use validate::{Invalid, limits, validate};

use crate::model::{FailureKind, Scenario};

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The embedded default scenario: Community Training, Premium, zone-redundant, East US.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/community-training-premium-zr.toml");
/// How the embedded default is named in messages.
pub const DEFAULT_ORIGIN: &str = "<embedded default: scenarios/community-training-premium-zr.toml>";

/// Loads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let source = std::fs::read_to_string(path).map_err(|e| ScenarioError::Read {
        file: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    from_source(&source, path)
}

/// The embedded default scenario (always valid: a test pins it).
pub fn default_scenario() -> Scenario {
    from_source(DEFAULT_SCENARIO, Path::new(DEFAULT_ORIGIN)).expect("the embedded default scenario is valid")
}

/// Parses and validates scenario text; `origin` names it in errors.
pub fn from_source(source: &str, origin: &Path) -> Result<Scenario, ScenarioError> {
    let file: ScenarioFile = toml::from_str(source).map_err(|e| {
        let (line, column) = e.span().map_or((0, 0), |s| line_col(source, s.start));
        ScenarioError::Invalid {
            file: origin.to_path_buf(),
            line,
            column,
            path: None,
            message: e.message().trim().to_string(),
        }
    })?;
    validate(file).map_err(|inv| located(source, origin, inv))
}

/// A validation failure, located in `source`.
fn located(source: &str, origin: &Path, inv: Invalid) -> ScenarioError {
    let path = FieldPath::parse(&inv.path);
    let (line, column) = span_of(source, &path, inv.at_key).map_or((0, 0), |off| line_col(source, off));
    ScenarioError::Invalid {
        file: origin.to_path_buf(),
        line,
        column,
        path: Some(path),
        message: inv.message,
    }
}

/// `scenario` with its `[importance_sampling]` rate factor set as from the command line, and
/// validated again (the factor is part of the scenario, so its hash changes with it). Errors
/// point into `origin` (read again; the embedded default when it names it).
pub fn with_importance_sampling(scenario: Scenario, factor: f64, origin: &Path) -> Result<Scenario, ScenarioError> {
    let mut file = scenario.file;
    file.importance_sampling = Some(schema::ImportanceSamplingSection {
        region_disaster_rate_factor: factor,
    });
    validate(file).map_err(|inv| {
        let source = if origin == Path::new(DEFAULT_ORIGIN) {
            DEFAULT_SCENARIO.to_string()
        } else {
            std::fs::read_to_string(origin).unwrap_or_default()
        };
        located(&source, origin, inv)
    })
}

/// Byte offset of the value at `path` (of its key when `at_key`), or of its nearest existing
/// ancestor.
fn span_of(source: &str, path: &FieldPath, at_key: bool) -> Option<usize> {
    let root = toml::de::DeTable::parse(source).ok()?;
    let mut steps = path.0.iter();
    let Some(PathStep::Key(first)) = steps.next() else {
        return None;
    };
    if at_key && path.0.len() == 1 {
        return Some(root.get_ref().get_key_value(first.as_str())?.0.span().start);
    }
    let mut node = root.get_ref().get(first.as_str())?;
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

impl Scenario {
    /// SHA-256 of the scenario's canonical form (its parsed content serialized as JSON), so that
    /// comments and formatting do not change it but any value does.
    ///
    /// The `[expect]` table is left out: expectations judge a run, they do not change it, so
    /// adding or editing a regression gate keeps the hash (and committed baselines) unchanged.
    pub fn hash(&self) -> String {
        let mut file = self.file.clone();
        file.expect = crate::scenario::ExpectTable::default();
        let canonical = serde_json::to_vec(&file).expect("scenario serializes");
        let digest = Sha256::digest(&canonical);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// The scenario as TOML (loads back to the same scenario).
    pub fn to_toml(&self) -> String {
        toml::to_string(&self.file).expect("scenario serializes to TOML")
    }

    /// Whether a regional disaster of the primary can happen (a random process or a drill).
    pub fn has_region_disasters(&self) -> bool {
        self.failures
            .iter()
            .any(|f| f.kind == FailureKind::RegionDisaster && f.hits_primary)
            || self.faults.iter().any(|f| f.kind == FailureKind::RegionDisaster)
    }

    /// Overrides the replication count and the seed (when given), in the scenario and in the
    /// file it writes out, so `scenario.toml` of the results repeats the run.
    pub fn override_run(&mut self, replications: Option<u64>, seed: Option<u64>) {
        if let Some(n) = replications {
            self.replications = n;
            self.file.simulation.replications = n;
        }
        if let Some(seed) = seed {
            self.seed = seed;
            self.file.simulation.seed = seed;
        }
    }

    /// Where results of this scenario go below a results root.
    pub fn results_dir(&self, root: &Path) -> PathBuf {
        root.join(&self.name)
    }
}
