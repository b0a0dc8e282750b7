//! Turns a parsed [`ScenarioFile`] into a validated [`Scenario`]: names resolve, zones exist,
//! numbers are in range. Nothing downstream re-checks (the simulation never sees bad numbers).
//!
//! One validator per section, each returning the same located error ([`Invalid`]: a field path
//! and what is wrong and allowed). Each writes the defaults it applies back into the file, which
//! becomes the canonical form (see [`Plan::hash`](super::Plan::hash)).

mod failures;
mod services;
mod site;

use super::schema::{ScenarioFile, ServiceEntry};
use crate::engine::SimDuration;
use crate::model::{Plane, Region, Scenario};

/// A validation failure: the field path and what is wrong / allowed.
#[derive(Debug)]
pub struct Invalid {
    /// Path like `services[1].zones[0]`.
    pub path: String,
    /// What is wrong and what is allowed.
    pub message: String,
    /// Point at the key at `path` (e.g. an unknown name used as a key) rather than at its value.
    pub at_key: bool,
}

impl Invalid {
    /// An error about the value at `path`.
    pub fn at(path: impl Into<String>, message: impl Into<String>) -> Invalid {
        Invalid {
            path: path.into(),
            message: message.into(),
            at_key: false,
        }
    }

    /// An error about the key at `path` itself.
    pub fn at_key(path: impl Into<String>, message: impl Into<String>) -> Invalid {
        Invalid {
            at_key: true,
            ..Invalid::at(path, message)
        }
    }
}

/// Every validation failure of a file, in the order found (never empty in an `Err`).
#[derive(Debug, Default)]
pub struct Invalids(pub Vec<Invalid>);

impl From<Invalid> for Invalids {
    fn from(e: Invalid) -> Invalids {
        Invalids(vec![e])
    }
}

impl Invalids {
    /// The first failure found.
    pub fn first(&self) -> &Invalid {
        &self.0[0]
    }
}

/// Collects the failures of checks that do not depend on one another, so that a file's errors
/// are reported together rather than one per attempt.
#[derive(Default)]
pub(super) struct Errors(Vec<Invalid>);

impl Errors {
    /// The value of a check that succeeded; a failed one's errors are kept.
    pub(super) fn take<T, E: Into<Invalids>>(&mut self, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.extend(e.into().0);
                None
            }
        }
    }

    /// `value` when no check failed, else every failure.
    pub(super) fn finish<T>(self, value: T) -> Result<T, Invalids> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(Invalids(self.0))
        }
    }

    /// Validates every entry of an array with `check`, collecting every entry's failure.
    pub(super) fn each<A, T>(
        &mut self,
        entries: impl IntoIterator<Item = A>,
        mut check: impl FnMut(usize, A) -> Result<T, Invalid>,
    ) -> Option<Vec<T>> {
        let before = self.0.len();
        let out: Vec<T> = entries
            .into_iter()
            .enumerate()
            .filter_map(|(i, a)| self.take(check(i, a)))
            .collect();
        (self.0.len() == before).then_some(out)
    }
}

fn bad<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid::at(path, message))
}

/// Upper bounds that keep runs finite and time arithmetic in range.
pub mod limits {
    /// Longest horizon: 10 000 years.
    pub const MAX_HORIZON_YEARS: u64 = 10_000;
    /// Most zones in one region.
    pub const MAX_ZONES: u32 = 16;
    /// Most features (a replication tracks them in a 64-bit set).
    pub const MAX_FEATURES: usize = 64;
    /// Most replications in one run.
    pub const MAX_REPLICATIONS: u64 = 1_000_000_000_000;
    /// Largest importance-sampling rate factor (beyond it, likelihood ratios underflow).
    pub const MAX_RATE_FACTOR: f64 = 1e6;
    /// Largest scenario file read: 4 MiB (the shipped ones are a few kilobytes).
    pub const MAX_SCENARIO_BYTES: u64 = 4 << 20;
    /// Most worker threads (`--threads`, `RAYON_NUM_THREADS`).
    pub const MAX_THREADS: usize = 1024;
}

fn check_name(path: &str, name: &str) -> Result<(), Invalid> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) || name.starts_with('.')
    {
        return bad(
            path,
            format!(
                "invalid name \"{}\"; use letters, digits, '-', '_' and '.' (not first)",
                name.escape_debug()
            ),
        );
    }
    Ok(())
}

/// A name shown to people (a failure, crew or region): any text, but no control characters
/// (which would reach terminals through `trace` and error messages, and spreadsheets through CSV
/// cells).
fn check_text(path: &str, name: &str) -> Result<(), Invalid> {
    if let Some(c) = name.chars().find(|c| c.is_control()) {
        return bad(
            path,
            format!(
                "invalid name \"{}\": control character {} not allowed in a name",
                name.escape_debug(),
                c.escape_unicode()
            ),
        );
    }
    Ok(())
}

/// Every repeated name of a section, each at its second (third, …) occurrence; linear in the
/// number of entries.
fn unique<'a>(errors: &mut Errors, section: &str, names: impl Iterator<Item = &'a str>) {
    let mut seen = std::collections::HashSet::new();
    for (i, n) in names.enumerate() {
        if !seen.insert(n) {
            errors.0.push(Invalid::at(
                format!("{section}[{i}].name"),
                format!("duplicate name \"{}\"; names must be unique", n.escape_debug()),
            ));
        }
    }
}

fn positive(path: &str, d: SimDuration) -> Result<SimDuration, Invalid> {
    if d.0 == 0 {
        return bad(path, "must be a positive duration (> 0s)");
    }
    Ok(d)
}

fn check_zones(path: &str, zones: &[u32], region: &Region, modelled: u32) -> Result<Vec<u32>, Invalid> {
    let mut out = Vec::new();
    for (i, &z) in zones.iter().enumerate() {
        if z == 0 || z > modelled {
            let has = if region.zones == 0 {
                "it has no availability zones; use zone 1 for its single datacenter".to_string()
            } else {
                format!("it has zones 1 to {}", region.zones)
            };
            return bad(
                format!("{path}[{i}]"),
                format!("zone {z} does not exist in region \"{}\": {has}", region.name),
            );
        }
        if out.contains(&z) {
            return bad(format!("{path}[{i}]"), format!("zone {z} listed twice"));
        }
        out.push(z);
    }
    if out.is_empty() {
        return bad(path, "needs at least one zone");
    }
    out.sort_unstable();
    Ok(out)
}

/// Each service's name and its index (the first, if a name is repeated).
fn service_names(services: &[ServiceEntry]) -> std::collections::HashMap<&str, usize> {
    let mut index = std::collections::HashMap::with_capacity(services.len());
    for (i, s) in services.iter().enumerate() {
        index.entry(s.name.as_str()).or_insert(i);
    }
    index
}

/// The index of the service `name` (`index` is [`service_names`] of `services`).
fn service_index(
    path: &str,
    name: &str,
    services: &[ServiceEntry],
    index: &std::collections::HashMap<&str, usize>,
) -> Result<usize, Invalid> {
    index.get(name).copied().ok_or_else(|| {
        Invalid::at(
            path,
            format!(
                "unknown service \"{name}\"; declared services: {}",
                services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// Validates a parsed file. Returns the validated scenario and the canonical form of the file
/// (every default written out), or every failure found: sections and array entries are checked
/// independently (an entry stops at its first failure), and a section that needs another one
/// (the services need the deployment's region, say) is checked only when that one is valid.
pub fn validate(mut file: ScenarioFile) -> Result<(Scenario, ScenarioFile), Invalids> {
    let mut errors = Errors::default();
    errors.take(check_name("name", &file.name));
    let sim = errors.take(site::simulation(&file.simulation));
    let known = errors.take(site::regions(&file.regions));
    let site = known
        .as_ref()
        .and_then(|k| errors.take(site::deployment(&mut file.deployment, k)));
    let targets = errors.take(site::targets(&file.targets));
    let services = site
        .as_ref()
        .and_then(|site| services::services(&mut errors, &mut file.services, site));
    // The features, crews, failures and faults refer to the others by name: the names as
    // written, whether or not those entries are valid.
    let features = services::features(&mut errors, &file.features, &file.services);
    let crews = failures::crews(&mut errors, &file.crews);
    let (failures, faults) = match (&site, &known) {
        (Some(site), Some(known)) => (
            failures::failures(
                &mut errors,
                &mut file.failures,
                &file.services,
                &file.crews,
                site,
                known,
            ),
            failures::faults(
                &mut errors,
                &file.faults,
                &file.services,
                site,
                known,
                sim.as_ref().map(|s| s.horizon),
            ),
        ),
        _ => (None, None),
    };
    let names: Vec<(String, Plane)> = file.features.iter().map(|f| (f.name.clone(), f.plane)).collect();
    let sku = file.deployment.sku;
    let clients = match &mut file.clients {
        None => Some(None),
        Some(c) => errors.take(super::clients::validate_clients(c, sku, &names)).map(Some),
    };
    let expectations = errors.take(super::expect::validate_expectations(
        &file.expect,
        &names,
        file.clients.is_some(),
    ));
    let recovery_section = file.recovery.get_or_insert_with(Default::default);
    let recovery = errors.take(super::recovery::validate_recovery(recovery_section, sku));
    let importance_sampling = match (&file.importance_sampling, &failures) {
        (None, _) => Some(None),
        (Some(section), Some(failures)) => errors.take(failures::importance_sampling(section, failures)).map(Some),
        (Some(_), None) => None,
    };
    let (
        Some(sim),
        Some(known),
        Some(site),
        Some((targets, verdict_confidence)),
        Some(services),
        Some(features),
        Some(crews),
        Some(failures),
        Some(faults),
        Some(clients),
        Some(expectations),
        Some(recovery),
        Some(importance_sampling),
    ) = (
        sim,
        known,
        site,
        targets,
        services,
        features,
        crews,
        failures,
        faults,
        clients,
        expectations,
        recovery,
        importance_sampling,
    )
    else {
        return Err(errors.finish(()).expect_err("a check that gave no value reported why"));
    };
    errors.finish(())?;
    // The canonical form carries every region the run used, built-in ones included.
    let named = file.failures.iter().filter_map(|f| f.region.as_deref());
    let named = named.chain(file.faults.iter().filter_map(|f| f.region.as_deref()));
    let mut used = vec![site.region.clone(), site.pair.clone()];
    used.extend(named.filter_map(|n| known.get(n)));
    site::pin_regions(&mut file.regions, &used);
    let scenario = Scenario {
        name: file.name.clone(),
        horizon: sim.horizon,
        warmup: sim.warmup,
        replications: sim.replications,
        seed: sim.seed,
        replication_rows: sim.replication_rows,
        region: site.region,
        pair_zones: site.pair.zones.max(1),
        pair: site.pair,
        sku,
        data_plane: file.deployment.data_plane,
        disaster_recovery: file.deployment.disaster_recovery,
        zones: site.zones,
        targets,
        verdict_confidence,
        services,
        features,
        crews,
        failures,
        faults,
        clients,
        recovery,
        importance_sampling,
        expectations,
    };
    Ok((scenario, file))
}
