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

fn unique<'a>(section: &str, names: impl Iterator<Item = &'a str>) -> Result<(), Invalid> {
    let mut seen = Vec::new();
    for (i, n) in names.enumerate() {
        if seen.contains(&n) {
            return bad(
                format!("{section}[{i}].name"),
                format!("duplicate name \"{}\"; names must be unique", n.escape_debug()),
            );
        }
        seen.push(n);
    }
    Ok(())
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

fn service_index(path: &str, name: &str, services: &[ServiceEntry]) -> Result<usize, Invalid> {
    services.iter().position(|s| s.name == name).ok_or_else(|| {
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
/// (every default written out).
pub fn validate(mut file: ScenarioFile) -> Result<(Scenario, ScenarioFile), Invalid> {
    check_name("name", &file.name)?;
    let sim = site::simulation(&file.simulation)?;
    let known = site::regions(&file.regions)?;
    let site = site::deployment(&mut file.deployment, &known)?;
    let (targets, verdict_confidence) = site::targets(&file.targets)?;
    let services = services::services(&mut file.services, &site)?;
    let features = services::features(&file.features, &file.services)?;
    let crews = failures::crews(&file.crews)?;
    let failures = failures::failures(&mut file.failures, &file.services, &crews, &site, &known)?;
    let faults = failures::faults(&file.faults, &file.services, &site, &known, sim.horizon)?;
    // The canonical form carries every region the run used, built-in ones included.
    let named = file.failures.iter().filter_map(|f| f.region.as_deref());
    let named = named.chain(file.faults.iter().filter_map(|f| f.region.as_deref()));
    let mut used = vec![site.region.clone(), site.pair.clone()];
    used.extend(named.filter_map(|n| known.get(n)));
    site::pin_regions(&mut file.regions, &used);
    let names: Vec<(String, Plane)> = features.iter().map(|f| (f.name.clone(), f.plane)).collect();
    let sku = file.deployment.sku;
    let clients = match &mut file.clients {
        None => None,
        Some(c) => Some(super::clients::validate_clients(c, sku, &names)?),
    };
    let expectations = super::expect::validate_expectations(&file.expect, &names, clients.is_some())?;
    let recovery_section = file.recovery.get_or_insert_with(Default::default);
    let recovery = super::recovery::validate_recovery(recovery_section, sku)?;
    let importance_sampling = match &file.importance_sampling {
        None => None,
        Some(section) => Some(failures::importance_sampling(section, &failures)?),
    };
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
