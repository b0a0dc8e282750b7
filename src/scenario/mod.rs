//! Scenario files: TOML schema, human durations, distributions, validation with precise errors.
//!
//! ```
//! use outage_sim::scenario::{Override, Plan};
//! let plan = Plan::embedded_default();
//! assert_eq!(plan.name, "community-training-premium-zr");
//! let short = plan.with(&[Override::replications(50)]).unwrap();
//! assert_eq!(short.replications, 50);
//! ```

pub mod clients;
pub mod defaults;
mod error;
pub mod expect;
mod overrides;
mod plan;
pub mod recovery;
pub mod reference;
pub mod schema;
pub mod uncertainty;
mod validate;

pub use error::{FieldPath, MAX_SHOWN, PathStep, ScenarioError, line_col, quote_key};
pub use expect::{ExpectTable, resolve_metric, validate_expectations};
pub use overrides::{MAX_VALUES, Override, Scalar, expand_range, parse_range, parse_set, resolve_selectors, show};
pub use plan::{DEFAULT_ORIGIN, DEFAULT_SCENARIO, Plan};
pub use schema::ScenarioFile;
pub use validate::{Invalid, Invalids, limits, validate};

use std::path::Path;

/// Loads and validates a scenario file.
pub fn load(path: &Path) -> Result<Plan, ScenarioError> {
    Plan::load(path)
}

/// The embedded default scenario.
pub fn default_scenario() -> Plan {
    Plan::embedded_default()
}

/// Parses and validates scenario text; `origin` names it in errors.
pub fn from_source(source: &str, origin: &Path) -> Result<Plan, ScenarioError> {
    Plan::from_source(source, origin)
}
