//! `[[crews]]`, `[[failures]]`, `[[faults]]` and `[importance_sampling]`: what breaks, who
//! repairs it, and how rare regional disasters are sampled.

use super::site::{Regions, Site};
use super::{Errors, Invalid, bad, check_text, check_zones, limits, service_index, service_names, unique};
use crate::engine::SimTime;
use crate::model::{Crew, Dist, FailureKind, FailureProcess, Fault, ImportanceSampling, Region, RegionRole};
use crate::scenario::defaults;
use crate::scenario::schema::{CrewEntry, FailureEntry, FaultEntry, ImportanceSamplingSection, ServiceEntry};
use std::collections::HashMap;

pub(super) fn crews(errors: &mut Errors, entries: &[CrewEntry]) -> Option<Vec<Crew>> {
    unique(errors, "crews", entries.iter().map(|c| c.name.as_str()));
    errors.each(entries, |i, c| {
        check_text(&format!("crews[{i}].name"), &c.name)?;
        if c.size == 0 {
            return bad(
                format!("crews[{i}].size"),
                "must be at least 1 (omit `crew` for unlimited repairs)",
            );
        }
        Ok(Crew {
            name: c.name.clone(),
            size: c.size,
        })
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

/// The region a failure or fault at `path` names (default: the primary), its role for the
/// deployment, and the zones modelled there. The pair takes zone outages and region disasters,
/// other regions only region disasters.
fn region_of(
    path: &str,
    name: Option<&str>,
    kind: FailureKind,
    site: &Site,
    known: &Regions,
) -> Result<(RegionRole, Region, u32), Invalid> {
    let Some(name) = name else {
        return Ok((RegionRole::Primary, site.region.clone(), site.zones));
    };
    let Some(region) = known.get(name) else {
        return Err(known.unknown(path.to_string(), name));
    };
    let role = if region.name == site.region.name {
        RegionRole::Primary
    } else if region.name == site.pair.name {
        RegionRole::Pair
    } else if region.pair.as_deref() == Some(site.pair.name.as_str()) {
        RegionRole::SharesPair
    } else {
        RegionRole::Elsewhere
    };
    let allowed = match role {
        RegionRole::Primary => true,
        RegionRole::Pair => matches!(kind, FailureKind::ZoneOutage | FailureKind::RegionDisaster),
        RegionRole::SharesPair | RegionRole::Elsewhere => kind == FailureKind::RegionDisaster,
    };
    if !allowed {
        let what = match role {
            RegionRole::Pair => "in the pair only a zone-outage or a region-disaster is simulated",
            _ => "in a region other than the primary and its pair only a region-disaster is simulated",
        };
        return bad(path, format!("\"{name}\": {what}"));
    }
    let zones = region.zones.max(1);
    Ok((role, region, zones))
}

/// Validates the failure processes; writes the defaults it applies (zones, services, region,
/// probability of data destruction) into `entries`. `crews` are the declared crews, valid or
/// not (a failure refers to one by name, and its index is the crew's).
pub(super) fn failures(
    errors: &mut Errors,
    entries: &mut [FailureEntry],
    services: &[ServiceEntry],
    crews: &[CrewEntry],
    site: &Site,
    known: &Regions,
) -> Option<Vec<FailureProcess>> {
    unique(errors, "failures", entries.iter().map(|f| f.name.as_str()));
    let context = Context {
        services,
        service_index: service_names(services),
        crews,
        crew_index: crews
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect(),
        site,
        known,
    };
    errors.each(entries.iter_mut(), |i, f| failure(i, f, &context))
}

/// What a failure refers to, with the names indexed once for all of them.
struct Context<'a> {
    services: &'a [ServiceEntry],
    service_index: HashMap<&'a str, usize>,
    crews: &'a [CrewEntry],
    crew_index: HashMap<&'a str, usize>,
    site: &'a Site,
    known: &'a Regions,
}

/// One failure process, `failures[i]`.
fn failure(i: usize, f: &mut FailureEntry, cx: &Context<'_>) -> Result<FailureProcess, Invalid> {
    let (services, crews, site, known) = (cx.services, cx.crews, cx.site, cx.known);
    let p = format!("failures[{i}]");
    check_text(&format!("{p}.name"), &f.name)?;
    let (role, region, modelled) = region_of(&format!("{p}.region"), f.region.as_deref(), f.kind, site, known)?;
    let all: Vec<u32> = (1..=modelled).collect();
    let zlist = check_zones(
        &format!("{p}.zones"),
        f.zones.as_deref().unwrap_or(&all),
        &region,
        modelled,
    )?;
    let svc = match (&f.services, f.kind) {
        (Some(list), FailureKind::ServiceOutage) => list
            .iter()
            .enumerate()
            .map(|(j, n)| service_index(&format!("{p}.services[{j}]"), n, services, &cx.service_index))
            .collect::<Result<Vec<_>, _>>()?,
        (None, FailureKind::ServiceOutage) => (0..services.len()).collect(),
        (Some(_), _) => return bad(format!("{p}.services"), "only a service-outage names services"),
        (None, _) => Vec::new(),
    };
    if f.time_to_failure.is_always_zero() {
        return bad(
            format!("{p}.time_to_failure"),
            "must not always be 0s (the process would never be up)",
        );
    }
    let crew = match &f.crew {
        // The region comes back by itself: no crew repairs it (and none would be released).
        Some(_) if f.kind == FailureKind::RegionDisaster => {
            return bad(
                format!("{p}.crew"),
                "a region-disaster ends when the region comes back by itself (its time_to_repair); \
                 remove `crew`",
            );
        }
        None => None,
        Some(name) => Some(cx.crew_index.get(name.as_str()).copied().ok_or_else(|| {
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
        (FailureKind::RegionDisaster, None) => defaults::DESTROYS_DATA,
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
    f.zones = Some(zlist.clone());
    if f.kind == FailureKind::ServiceOutage {
        f.services = Some(svc.iter().map(|&k| services[k].name.clone()).collect());
    }
    f.region.get_or_insert_with(|| site.region.name.clone());
    if f.kind == FailureKind::RegionDisaster {
        f.destroys_data = Some(destroys_data);
    }
    Ok(FailureProcess {
        name: f.name.clone(),
        kind: f.kind,
        zones: zlist,
        services: svc,
        time_to_failure: f.time_to_failure.clone(),
        time_to_repair: f.time_to_repair.clone(),
        crew,
        restore,
        destroys_data,
        region: role,
        region_name: region.name.clone(),
    })
}

/// Validates the scripted faults.
pub(super) fn faults(
    errors: &mut Errors,
    entries: &[FaultEntry],
    services: &[ServiceEntry],
    site: &Site,
    known: &Regions,
    // `None` when the horizon itself is invalid (reported already): `at` is then not checked.
    horizon: Option<crate::engine::SimDuration>,
) -> Option<Vec<Fault>> {
    let index = service_names(services);
    errors.each(entries, |i, f| {
        let p = format!("faults[{i}]");
        let (role, region, modelled) = region_of(&format!("{p}.region"), f.region.as_deref(), f.kind, site, known)?;
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
        check_zones(&format!("{p}.zone"), &[zone], &region, modelled).map_err(|e| Invalid {
            path: format!("{p}.zone"),
            ..e
        })?;
        let service = match (&f.service, f.kind) {
            (Some(n), FailureKind::ServiceOutage) => Some(service_index(&format!("{p}.service"), n, services, &index)?),
            (None, FailureKind::ServiceOutage) => {
                return bad(format!("{p}.service"), "a service-outage names its `service`");
            }
            (Some(_), _) => return bad(format!("{p}.service"), "only a service-outage names a service"),
            (None, _) => None,
        };
        if horizon.is_some_and(|h| f.at.0 >= h) {
            return bad(format!("{p}.at"), "must be within the horizon");
        }
        let restore = restore_field(&p, f.kind, &f.restore)?;
        Ok(Fault {
            kind: f.kind,
            zone,
            service,
            at: SimTime(f.at.0.0),
            duration: f.duration.clone(),
            restore,
            destroys_data: f.destroys_data,
            region: role,
            region_name: region.name.clone(),
        })
    })
}

/// `[importance_sampling]`. The likelihood ratio of a replication is known in closed form only
/// for exponential times to failure, and there must be a region disaster to tilt.
pub(super) fn importance_sampling(
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
        if f.kind != FailureKind::RegionDisaster || f.region != RegionRole::Primary {
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
