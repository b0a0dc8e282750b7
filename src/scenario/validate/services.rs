//! `[[services]]` and `[[features]]`: what the deployment is made of and what its users see.

use super::site::Site;
use super::{Errors, Invalid, bad, check_name, check_zones, limits, positive, service_index, service_names, unique};
use crate::model::{BackupPolicy, DataPlaneMode, Feature, Placement, Plane, Service};
use crate::scenario::defaults;
use crate::scenario::schema::{BackupEntry, FeatureEntry, ServiceEntry};

/// Validates the services; writes every default it applies (placement, zones, failover window,
/// capacity, back-fill, geo copy lag) into `entries`.
pub(super) fn services(errors: &mut Errors, entries: &mut [ServiceEntry], site: &Site) -> Option<Vec<Service>> {
    unique(errors, "services", entries.iter().map(|s| s.name.as_str()));
    if entries.is_empty() {
        errors.take(bad::<()>("services", "declare at least one service"));
    }
    errors.each(entries.iter_mut(), |i, s| service(i, s, site))
}

/// One service, `services[i]`.
fn service(i: usize, s: &mut ServiceEntry, site: &Site) -> Result<Service, Invalid> {
    let region = &site.region;
    let p = format!("services[{i}]");
    check_name(&format!("{p}.name"), &s.name)?;
    let placement = placement(&p, s, site)?;
    let default_zones: Vec<u32> = match placement {
        Placement::Zonal => vec![site.zone],
        Placement::ZoneRedundant => (1..=site.zones).collect(),
    };
    let zlist = check_zones(
        &format!("{p}.zones"),
        s.zones.as_deref().unwrap_or(&default_zones),
        region,
        site.zones,
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
    let backup = s.backup.as_mut().map(|b| backup(&p, b)).transpose()?;
    let capacity_per_instance = *s
        .capacity_per_instance
        .get_or_insert_with(|| defaults::capacity_per_instance(s.kind));
    if !(capacity_per_instance.is_finite() && capacity_per_instance > 0.0) {
        return bad(
            format!("{p}.capacity_per_instance"),
            format!("must be a number > 0 (requests per second), got {capacity_per_instance}"),
        );
    }
    // A zonal service never fails over, so only a zone-redundant one gets the default window.
    let failover = match placement {
        Placement::ZoneRedundant => s.failover.get_or_insert_with(|| defaults::failover(s.kind)).clone(),
        Placement::Zonal => defaults::failover(s.kind),
    };
    s.placement = Some(placement);
    s.zones = Some(zlist.clone());
    Ok(Service {
        name: s.name.clone(),
        kind: s.kind,
        plane: s.plane,
        placement,
        zones: zlist,
        instances_per_zone: s.instances_per_zone,
        min_healthy_zones: s.min_healthy_zones,
        failover,
        backup,
        capacity_per_instance,
        backfill: s.backfill.get_or_insert_with(defaults::backfill).clone(),
    })
}

/// Where a service's instances live: as written, else the data plane's mode (the control plane
/// is always zone-redundant where the region has zones).
fn placement(p: &str, s: &ServiceEntry, site: &Site) -> Result<Placement, Invalid> {
    let region = &site.region;
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
        (None, Plane::Data) => match site.data_plane {
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
    Ok(placement)
}

/// A store's backup policy; the geo copy lag defaults to the local one (written back).
fn backup(p: &str, b: &mut BackupEntry) -> Result<BackupPolicy, Invalid> {
    let interval = positive(&format!("{p}.backup.interval"), b.interval.0)?;
    let q = b.failure_probability;
    if !(0.0..1.0).contains(&q) {
        return bad(
            format!("{p}.backup.failure_probability"),
            format!("must be a probability in [0, 1) (1 would mean no backup ever succeeds), got {q}"),
        );
    }
    let pair_copy_lag = *b.pair_copy_lag.get_or_insert(b.copy_lag);
    Ok(BackupPolicy {
        interval,
        copy_lag: b.copy_lag.0,
        failure_probability: q,
        pair_copy_lag: pair_copy_lag.0,
    })
}

/// Validates the features against the services.
pub(super) fn features(
    errors: &mut Errors,
    entries: &[FeatureEntry],
    services: &[ServiceEntry],
) -> Option<Vec<Feature>> {
    unique(errors, "features", entries.iter().map(|f| f.name.as_str()));
    if entries.is_empty() {
        errors.take(bad::<()>("features", "declare at least one feature"));
    }
    if entries.len() > limits::MAX_FEATURES {
        errors.take(bad::<()>(
            "features",
            format!("at most {} features", limits::MAX_FEATURES),
        ));
    }
    let index = service_names(services);
    errors.each(entries, |i, f| {
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
            .map(|(j, n)| service_index(&format!("{p}.services[{j}]"), n, services, &index))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Feature {
            name: f.name.clone(),
            plane: f.plane,
            services: idx,
            media: f.media,
        })
    })
}
