//! Turns a parsed [`ScenarioFile`] into a validated [`Scenario`]: names resolve, zones exist,
//! numbers are in range. Nothing downstream re-checks (the simulation never sees bad numbers).

use super::schema::*;
use crate::engine::{SimDuration, SimTime};
use crate::model::regions::{self, Region};
use crate::model::*;

/// A validation failure: the field path and what is wrong / allowed.
#[derive(Debug)]
pub struct Invalid {
    /// Path like `services[1].zones[0]`.
    pub path: String,
    /// Message.
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
}

fn default_failover(kind: ServiceKind) -> Dist {
    // MODEL.md section 4: SQL zone-redundant failover typically < 30 s; ZRS storage a few
    // seconds; App Service back-fills lost instances best-effort (assumed 10–60 s).
    let text = match kind {
        ServiceKind::Sql => "uniform(5s, 30s)",
        ServiceKind::Storage => "uniform(1s, 5s)",
        ServiceKind::AppService => "uniform(10s, 60s)",
        ServiceKind::Other => "0s",
    };
    Dist::parse(text).expect("built-in default")
}

fn default_capacity(kind: ServiceKind) -> f64 {
    // ASSUMPTION (no public per-instance figures for Community Training): requests per second
    // one instance serves, by kind.
    match kind {
        ServiceKind::AppService => 50.0,
        ServiceKind::Sql => 200.0,
        ServiceKind::Storage => 500.0,
        ServiceKind::Other => 100.0,
    }
}

fn default_backfill() -> Dist {
    // ASSUMPTION: App Service back-fills lost instances "best-effort"; 5 to 15 minutes.
    Dist::parse("uniform(5m, 15m)").expect("built-in default")
}

fn check_name(path: &str, name: &str) -> Result<(), Invalid> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) || name.starts_with('.')
    {
        return bad(
            path,
            format!("invalid name \"{name}\"; use letters, digits, '-', '_' and '.' (not first)"),
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
                format!("duplicate name \"{n}\"; names must be unique"),
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

/// `restore` is required for a zone destruction and meaningless for anything else.
fn restore_field(p: &str, kind: FailureKind, restore: &Option<Dist>) -> Result<Option<Dist>, Invalid> {
    match (kind, restore) {
        (FailureKind::ZoneDestruction, Some(r)) => Ok(Some(r.clone())),
        (FailureKind::ZoneDestruction, None) => bad(
            format!("{p}.restore"),
            "a zone-destruction needs `restore`, the time to redeploy its zonal services elsewhere",
        ),
        (_, Some(_)) => bad(format!("{p}.restore"), "only a zone-destruction has `restore`"),
        (_, None) => Ok(None),
    }
}

/// `[importance_sampling]`. The likelihood ratio of a replication is known in closed form only
/// for exponential times to failure, and there must be a region disaster to tilt.
fn importance_sampling(
    section: &ImportanceSamplingSection,
    failures: &[FailureProcess],
) -> Result<ImportanceSampling, Invalid> {
    let factor = section.region_disaster_rate_factor;
    if !(factor.is_finite() && factor > 0.0 && factor <= limits::MAX_RATE_FACTOR) {
        return bad(
            "importance_sampling.region_disaster_rate_factor",
            format!(
                "must be a number > 0 and at most {} (1 = plain sampling), got {factor}",
                limits::MAX_RATE_FACTOR
            ),
        );
    }
    let mut tilted = 0;
    for (i, f) in failures.iter().enumerate() {
        if f.kind != FailureKind::RegionDisaster || !f.hits_primary {
            continue;
        }
        if f.time_to_failure.exponential_rate().is_none() {
            return bad(
                format!("failures[{i}].time_to_failure"),
                format!(
                    "importance sampling ([importance_sampling] or --importance-sampling) needs an exponential \
                     time to failure for every region disaster, \"exp(mean=D)\"; got \"{}\"",
                    f.time_to_failure
                ),
            );
        }
        tilted += 1;
    }
    if tilted == 0 {
        return bad(
            "importance_sampling",
            "importance sampling tilts region disasters, and no [[failures]] entry is a region-disaster \
             of the primary region; add one or remove the importance sampling",
        );
    }
    Ok(ImportanceSampling {
        region_disaster_rate_factor: factor,
    })
}

/// Validates a parsed file.
pub fn validate(file: ScenarioFile) -> Result<Scenario, Invalid> {
    check_name("name", &file.name)?;

    // Simulation section.
    let sim = &file.simulation;
    let horizon = positive("simulation.horizon", sim.horizon.0)?;
    if horizon > SimDuration::from_secs(limits::MAX_HORIZON_YEARS * 31_536_000) {
        return bad(
            "simulation.horizon",
            format!("at most {} years", limits::MAX_HORIZON_YEARS),
        );
    }
    if sim.warmup.0 >= horizon {
        return bad("simulation.warmup", "must be shorter than the horizon");
    }
    if sim.replications == 0 || sim.replications > limits::MAX_REPLICATIONS {
        return bad(
            "simulation.replications",
            format!("must be between 1 and {}", limits::MAX_REPLICATIONS),
        );
    }

    // Regions: built-ins, then [[regions]] entries add or replace.
    let mut table = regions::built_in();
    unique("regions", file.regions.iter().map(|r| r.name.as_str()))?;
    for (i, r) in file.regions.iter().enumerate() {
        if r.name.trim().is_empty() {
            return bad(format!("regions[{i}].name"), "must not be empty");
        }
        if r.zones > limits::MAX_ZONES {
            return bad(
                format!("regions[{i}].zones"),
                format!("at most {} zones", limits::MAX_ZONES),
            );
        }
        let region = Region {
            name: r.name.clone(),
            zones: r.zones,
            pair: r.pair.clone(),
        };
        match table.iter_mut().find(|x| x.name == r.name) {
            Some(existing) => *existing = region,
            None => table.push(region),
        }
    }
    let known = |name: &str| table.iter().find(|r| r.name == name).cloned();
    let known_list = || {
        table
            .iter()
            .map(|r| format!("\"{}\"", r.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (i, r) in file.regions.iter().enumerate() {
        if let Some(p) = &r.pair {
            if known(p).is_none() {
                return bad(
                    format!("regions[{i}].pair"),
                    format!("unknown region \"{p}\"; known regions: {}", known_list()),
                );
            }
        }
    }

    // Deployment.
    let dep = &file.deployment;
    let Some(region) = known(&dep.region) else {
        return bad(
            "deployment.region",
            format!("unknown region \"{}\"; known regions: {}", dep.region, known_list()),
        );
    };
    let Some(pair_name) = region.pair.clone() else {
        return bad(
            "deployment.region",
            format!(
                "region \"{}\" has no pair; deployments are supported in paired regions only",
                region.name
            ),
        );
    };
    let pair = known(&pair_name).expect("pairs checked above");
    if dep.data_plane == DataPlaneMode::ZoneRedundant && region.zones == 0 {
        return bad(
            "deployment.data_plane",
            format!(
                "zone-redundant needs availability zones, and region \"{}\" has none; use \"zonal\"",
                region.name
            ),
        );
    }
    let zones = region.zones.max(1);
    let dep_zone = dep.zone.unwrap_or(1);
    if dep.zone.is_some() && dep.data_plane == DataPlaneMode::ZoneRedundant {
        return bad(
            "deployment.zone",
            "only a zonal data plane has a zone; remove it or use data_plane = \"zonal\"",
        );
    }
    check_zones("deployment.zone", &[dep_zone], &region, zones).map_err(|e| Invalid {
        path: "deployment.zone".into(),
        ..e
    })?;

    // Targets.
    let t = &file.targets;
    let mut targets = [Targets {
        rpo: SimDuration::ZERO,
        rto: SimDuration::ZERO,
    }; 2];
    for (plane, pt) in [(Plane::Control, &t.control_plane), (Plane::Data, &t.data_plane)] {
        let rto = positive(&format!("targets.{}.rto", plane.key()), pt.rto.0)?;
        targets[plane.index()] = Targets { rpo: pt.rpo.0, rto };
    }

    // Services.
    unique("services", file.services.iter().map(|s| s.name.as_str()))?;
    if file.services.is_empty() {
        return bad("services", "declare at least one service");
    }
    let mut services = Vec::new();
    for (i, s) in file.services.iter().enumerate() {
        let p = format!("services[{i}]");
        check_name(&format!("{p}.name"), &s.name)?;
        let placement = match (s.placement, s.plane) {
            (Some(Placement::Zonal), Plane::Control) if region.zones > 0 => {
                return bad(
                    format!("{p}.placement"),
                    "the control plane is always zone-redundant in the primary region",
                );
            }
            (Some(pl), _) => pl,
            (None, Plane::Control) if region.zones > 0 => Placement::ZoneRedundant,
            (None, Plane::Control) => Placement::Zonal,
            (None, Plane::Data) => match dep.data_plane {
                DataPlaneMode::Zonal => Placement::Zonal,
                DataPlaneMode::ZoneRedundant => Placement::ZoneRedundant,
            },
        };
        if placement == Placement::ZoneRedundant && region.zones == 0 {
            return bad(
                format!("{p}.placement"),
                format!(
                    "zone-redundant needs availability zones, and region \"{}\" has none",
                    region.name
                ),
            );
        }
        let default_zones: Vec<u32> = match placement {
            Placement::Zonal => vec![dep_zone],
            Placement::ZoneRedundant => (1..=zones).collect(),
        };
        let zlist = check_zones(
            &format!("{p}.zones"),
            s.zones.as_deref().unwrap_or(&default_zones),
            &region,
            zones,
        )?;
        if placement == Placement::Zonal && zlist.len() != 1 {
            return bad(format!("{p}.zones"), "a zonal service lives in exactly one zone");
        }
        if s.instances_per_zone == 0 {
            return bad(format!("{p}.instances_per_zone"), "must be at least 1");
        }
        if s.min_healthy_zones == 0 || s.min_healthy_zones as usize > zlist.len() {
            return bad(
                format!("{p}.min_healthy_zones"),
                format!(
                    "must be between 1 and the number of zones the service lives in ({})",
                    zlist.len()
                ),
            );
        }
        if s.failover.is_some() && placement == Placement::Zonal {
            return bad(
                format!("{p}.failover"),
                "only a zone-redundant service fails over; remove `failover` or place it zone-redundant",
            );
        }
        let backup = match &s.backup {
            None => None,
            Some(b) => {
                let interval = positive(&format!("{p}.backup.interval"), b.interval.0)?;
                let q = b.failure_probability;
                if !(0.0..1.0).contains(&q) {
                    return bad(
                        format!("{p}.backup.failure_probability"),
                        format!("must be a probability in [0, 1) (1 would mean no backup ever succeeds), got {q}"),
                    );
                }
                Some(BackupPolicy {
                    interval,
                    copy_lag: b.copy_lag.0,
                    failure_probability: q,
                    pair_copy_lag: b.pair_copy_lag.map_or(b.copy_lag.0, |d| d.0),
                })
            }
        };
        let capacity_per_instance = s.capacity_per_instance.unwrap_or_else(|| default_capacity(s.kind));
        if !(capacity_per_instance.is_finite() && capacity_per_instance > 0.0) {
            return bad(
                format!("{p}.capacity_per_instance"),
                format!("must be a number > 0 (requests per second), got {capacity_per_instance}"),
            );
        }
        services.push(Service {
            name: s.name.clone(),
            kind: s.kind,
            plane: s.plane,
            placement,
            zones: zlist,
            instances_per_zone: s.instances_per_zone,
            min_healthy_zones: s.min_healthy_zones,
            failover: s.failover.clone().unwrap_or_else(|| default_failover(s.kind)),
            backup,
            capacity_per_instance,
            backfill: s.backfill.clone().unwrap_or_else(default_backfill),
        });
    }

    // Features.
    unique("features", file.features.iter().map(|f| f.name.as_str()))?;
    if file.features.is_empty() {
        return bad("features", "declare at least one feature");
    }
    if file.features.len() > limits::MAX_FEATURES {
        return bad("features", format!("at most {} features", limits::MAX_FEATURES));
    }
    let mut features = Vec::new();
    for (i, f) in file.features.iter().enumerate() {
        let p = format!("features[{i}]");
        check_name(&format!("{p}.name"), &f.name)?;
        // A feature's availability sits beside the planes' in summary.json
        // (`availability.<name>`), so a plane's key would give two metrics one path.
        if Plane::from_key(&f.name).is_some() {
            return bad(
                format!("{p}.name"),
                format!(
                    "\"{}\" is reserved: `availability.{}` is the plane's availability; name the feature otherwise",
                    f.name, f.name
                ),
            );
        }
        if f.services.is_empty() {
            return bad(format!("{p}.services"), "a feature depends on at least one service");
        }
        let idx = f
            .services
            .iter()
            .enumerate()
            .map(|(j, n)| service_index(&format!("{p}.services[{j}]"), n, &file.services))
            .collect::<Result<Vec<_>, _>>()?;
        features.push(Feature {
            name: f.name.clone(),
            plane: f.plane,
            services: idx,
            media: f.media,
        });
    }

    // Crews.
    unique("crews", file.crews.iter().map(|c| c.name.as_str()))?;
    let mut crews = Vec::new();
    for (i, c) in file.crews.iter().enumerate() {
        if c.size == 0 {
            return bad(
                format!("crews[{i}].size"),
                "must be at least 1 (omit `crew` for unlimited repairs)",
            );
        }
        crews.push(Crew {
            name: c.name.clone(),
            size: c.size,
        });
    }

    // Failure processes.
    unique("failures", file.failures.iter().map(|f| f.name.as_str()))?;
    let mut failures = Vec::new();
    for (i, f) in file.failures.iter().enumerate() {
        let p = format!("failures[{i}]");
        let all: Vec<u32> = (1..=zones).collect();
        let zlist = check_zones(
            &format!("{p}.zones"),
            f.zones.as_deref().unwrap_or(&all),
            &region,
            zones,
        )?;
        let svc = match (&f.services, f.kind) {
            (Some(list), FailureKind::ServiceOutage) => list
                .iter()
                .enumerate()
                .map(|(j, n)| service_index(&format!("{p}.services[{j}]"), n, &file.services))
                .collect::<Result<Vec<_>, _>>()?,
            (None, FailureKind::ServiceOutage) => (0..services.len()).collect(),
            (Some(_), _) => return bad(format!("{p}.services"), "only a service-outage names services"),
            (None, _) => Vec::new(),
        };
        if f.region.is_some() && f.kind != FailureKind::RegionDisaster {
            return bad(format!("{p}.region"), "only a region-disaster names a region");
        }
        if let Some(r) = &f.region {
            if known(r).is_none() {
                return bad(
                    format!("{p}.region"),
                    format!("unknown region \"{r}\"; known regions: {}", known_list()),
                );
            }
        }
        if f.time_to_failure.is_always_zero() {
            return bad(
                format!("{p}.time_to_failure"),
                "must not always be 0s (the process would never be up)",
            );
        }
        let crew = match &f.crew {
            None => None,
            Some(name) => Some(crews.iter().position(|c| &c.name == name).ok_or_else(|| {
                Invalid::at(
                    format!("{p}.crew"),
                    format!(
                        "unknown crew \"{name}\"; declared crews: {}",
                        crews.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?),
        };
        let restore = restore_field(&p, f.kind, &f.restore)?;
        let destroys_data = match (f.kind, f.destroys_data) {
            (_, None) => 0.0,
            (FailureKind::RegionDisaster, Some(q)) if (0.0..=1.0).contains(&q) => q,
            (FailureKind::RegionDisaster, Some(q)) => {
                return bad(
                    format!("{p}.destroys_data"),
                    format!("must be a probability in [0, 1], got {q}"),
                );
            }
            (_, Some(_)) => {
                return bad(
                    format!("{p}.destroys_data"),
                    "only a region-disaster destroys a region's data",
                );
            }
        };
        failures.push(FailureProcess {
            name: f.name.clone(),
            kind: f.kind,
            zones: zlist,
            services: svc,
            time_to_failure: f.time_to_failure.clone(),
            time_to_repair: f.time_to_repair.clone(),
            crew,
            restore,
            destroys_data,
            hits_primary: f.region.as_ref().is_none_or(|r| *r == region.name),
        });
    }

    // Scripted faults.
    let mut faults = Vec::new();
    for (i, f) in file.faults.iter().enumerate() {
        let p = format!("faults[{i}]");
        if f.destroys_data && f.kind != FailureKind::RegionDisaster {
            return bad(
                format!("{p}.destroys_data"),
                "only a region-disaster destroys a region's data",
            );
        }
        let zone = match (f.kind, f.zone) {
            (FailureKind::RegionDisaster, None) => 1,
            (FailureKind::RegionDisaster, Some(_)) => {
                return bad(format!("{p}.zone"), "a region disaster takes every zone; remove `zone`");
            }
            (_, Some(z)) => z,
            (_, None) => return bad(format!("{p}.zone"), "missing field `zone`: the zone the fault hits"),
        };
        check_zones(&format!("{p}.zone"), &[zone], &region, zones).map_err(|e| Invalid {
            path: format!("{p}.zone"),
            ..e
        })?;
        let service = match (&f.service, f.kind) {
            (Some(n), FailureKind::ServiceOutage) => Some(service_index(&format!("{p}.service"), n, &file.services)?),
            (None, FailureKind::ServiceOutage) => {
                return bad(format!("{p}.service"), "a service-outage names its `service`");
            }
            (Some(_), _) => return bad(format!("{p}.service"), "only a service-outage names a service"),
            (None, _) => None,
        };
        if f.at.0 >= horizon {
            return bad(format!("{p}.at"), "must be within the horizon");
        }
        let restore = restore_field(&p, f.kind, &f.restore)?;
        faults.push(Fault {
            kind: f.kind,
            zone,
            service,
            at: SimTime(f.at.0.0),
            duration: f.duration.clone(),
            restore,
            destroys_data: f.destroys_data,
        });
    }

    let names: Vec<(String, Plane)> = features.iter().map(|f| (f.name.clone(), f.plane)).collect();
    let clients = match &file.clients {
        None => None,
        Some(c) => Some(super::clients::validate_clients(c, dep.sku, &names)?),
    };
    let expectations = crate::scenario::validate_expectations(&file.expect, &names, clients.is_some())?;

    let recovery = super::recovery::validate_recovery(&file.recovery.clone().unwrap_or_default(), dep.sku)?;
    let importance_sampling = match &file.importance_sampling {
        None => None,
        Some(section) => Some(importance_sampling(section, &failures)?),
    };

    Ok(Scenario {
        name: file.name.clone(),
        horizon,
        warmup: sim.warmup.0,
        replications: sim.replications,
        seed: sim.seed,
        replication_rows: sim.replication_rows,
        region,
        pair,
        sku: dep.sku,
        data_plane: dep.data_plane,
        disaster_recovery: dep.disaster_recovery,
        zones,
        targets,
        services,
        features,
        crews,
        failures,
        faults,
        clients,
        recovery,
        importance_sampling,
        expectations,
        file,
    })
}
