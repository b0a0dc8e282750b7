//! `[simulation]`, `[[regions]]`, `[deployment]` and `[targets]`: how long and how often to
//! simulate, where the deployment lives, and what it must achieve.

use super::{Errors, Invalid, Invalids, bad, check_zones, limits, positive, unique};
use crate::engine::SimDuration;
use crate::model::regions::{self, Region};
use crate::model::{DataPlaneMode, Plane, Targets};
use crate::scenario::defaults;
use crate::scenario::schema::{DeploymentSection, RegionEntry, SimulationSection, TargetsSection};

/// Validated `[simulation]`.
pub(super) struct Simulation {
    pub horizon: SimDuration,
    pub warmup: SimDuration,
    pub replications: u64,
    pub seed: u64,
    pub replication_rows: bool,
}

pub(super) fn simulation(sim: &SimulationSection) -> Result<Simulation, Invalids> {
    let mut errors = Errors::default();
    let horizon = errors.take(positive("simulation.horizon", sim.horizon.0).and_then(|horizon| {
        if horizon > SimDuration::from_secs(limits::MAX_HORIZON_YEARS * 31_536_000) {
            return bad(
                "simulation.horizon",
                format!("at most {} years", limits::MAX_HORIZON_YEARS),
            );
        }
        if sim.warmup.0 >= horizon {
            return bad("simulation.warmup", "must be shorter than the horizon");
        }
        Ok(horizon)
    }));
    if sim.replications == 0 || sim.replications > limits::MAX_REPLICATIONS {
        errors.take(bad::<()>(
            "simulation.replications",
            format!("must be between 1 and {}", limits::MAX_REPLICATIONS),
        ));
    }
    let horizon = errors.finish(horizon)?.expect("a valid horizon when nothing failed");
    Ok(Simulation {
        horizon,
        warmup: sim.warmup.0,
        replications: sim.replications,
        seed: sim.seed,
        replication_rows: sim.replication_rows,
    })
}

/// The known regions: the built-in ones, then `[[regions]]` entries add or replace.
pub(super) struct Regions(Vec<Region>);

impl Regions {
    pub(super) fn get(&self, name: &str) -> Option<Region> {
        self.0.iter().find(|r| r.name == name).cloned()
    }

    pub(super) fn list(&self) -> String {
        self.0
            .iter()
            .map(|r| format!("\"{}\"", r.name))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub(super) fn unknown(&self, path: String, name: &str) -> Invalid {
        Invalid::at(
            path,
            format!("unknown region \"{name}\"; known regions: {}", self.list()),
        )
    }
}

pub(super) fn regions(entries: &[RegionEntry]) -> Result<Regions, Invalids> {
    let mut errors = Errors::default();
    let mut table = regions::built_in();
    unique(&mut errors, "regions", entries.iter().map(|r| r.name.as_str()));
    errors.each(entries, |i, r| {
        if r.name.trim().is_empty() {
            return bad(format!("regions[{i}].name"), "must not be empty");
        }
        super::check_text(&format!("regions[{i}].name"), &r.name)?;
        if r.zones > limits::MAX_ZONES {
            return bad(
                format!("regions[{i}].zones"),
                format!("at most {} zones", limits::MAX_ZONES),
            );
        }
        if r.pair.as_deref() == Some(r.name.as_str()) {
            return bad(
                format!("regions[{i}].pair"),
                format!(
                    "region \"{}\" cannot be its own pair: disaster recovery needs another region; name another \
                     region or remove `pair`",
                    r.name.escape_debug()
                ),
            );
        }
        Ok(())
    });
    // Every entry is known by its name, even an invalid one (its error is reported above), so
    // that a reference to it is not reported as unknown too.
    for r in entries {
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
    let known = Regions(table);
    errors.each(entries, |i, r| match &r.pair {
        Some(p) if known.get(p).is_none() => Err(known.unknown(format!("regions[{i}].pair"), p)),
        _ => Ok(()),
    });
    errors.finish(known)
}

/// Where the deployment lives.
pub(super) struct Site {
    pub region: Region,
    pub pair: Region,
    /// Zones modelled in the primary: its zone count, or 1 (the single datacenter).
    pub zones: u32,
    /// The zone of a zonal data plane.
    pub zone: u32,
    /// How the data plane is placed.
    pub data_plane: DataPlaneMode,
}

/// Validates `[deployment]`; writes the default zone of a zonal data plane into `dep`.
pub(super) fn deployment(dep: &mut DeploymentSection, known: &Regions) -> Result<Site, Invalid> {
    let Some(region) = known.get(&dep.region) else {
        return Err(known.unknown("deployment.region".into(), &dep.region));
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
    let pair = known.get(&pair_name).expect("pairs checked with the regions");
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
    if dep.zone.is_some() && dep.data_plane == DataPlaneMode::ZoneRedundant {
        return bad(
            "deployment.zone",
            "only a zonal data plane has a zone; remove it or use data_plane = \"zonal\"",
        );
    }
    let zone = dep.zone.unwrap_or(defaults::DEPLOYMENT_ZONE);
    check_zones("deployment.zone", &[zone], &region, zones).map_err(|e| Invalid {
        path: "deployment.zone".into(),
        ..e
    })?;
    if dep.data_plane == DataPlaneMode::Zonal {
        dep.zone = Some(zone);
    }
    Ok(Site {
        region,
        pair,
        zones,
        zone,
        data_plane: dep.data_plane,
    })
}

/// The regions a run used (the primary, its pair, those failures and faults name) as
/// `[[regions]]` entries, so the canonical form carries their zone counts and pairing (built-in
/// regions included).
pub(super) fn pin_regions(entries: &mut Vec<RegionEntry>, used: &[Region]) {
    for r in used {
        if !entries.iter().any(|e| e.name == r.name) {
            entries.push(RegionEntry {
                name: r.name.clone(),
                zones: r.zones,
                pair: r.pair.clone(),
            });
        }
    }
}

pub(super) fn targets(t: &TargetsSection) -> Result<([Targets; 2], f64), Invalids> {
    let mut errors = Errors::default();
    let mut out = [Targets {
        rpo: SimDuration::ZERO,
        rto: SimDuration::ZERO,
        rto_probability: 1.0,
        rpo_probability: 1.0,
    }; 2];
    let probability = |path: String, p: f64| {
        if p > 0.0 && p <= 1.0 {
            Ok(p)
        } else {
            Err(Invalid::at(path, format!("must be a probability in (0, 1], got {p}")))
        }
    };
    for (plane, pt) in [(Plane::Control, &t.control_plane), (Plane::Data, &t.data_plane)] {
        let key = plane.key();
        let rto = errors.take(positive(&format!("targets.{key}.rto"), pt.rto.0));
        let rto_probability = errors.take(probability(
            format!("targets.{key}.rto_probability"),
            pt.rto_probability,
        ));
        let rpo_probability = errors.take(probability(
            format!("targets.{key}.rpo_probability"),
            pt.rpo_probability,
        ));
        if let (Some(rto), Some(rto_probability), Some(rpo_probability)) = (rto, rto_probability, rpo_probability) {
            out[plane.index()] = Targets {
                rpo: pt.rpo.0,
                rto,
                rto_probability,
                rpo_probability,
            };
        }
    }
    if !(t.confidence > 0.0 && t.confidence < 1.0) {
        errors.take(Err::<(), _>(Invalid::at(
            "targets.confidence",
            format!("must be a confidence level in (0, 1), e.g. 0.95; got {}", t.confidence),
        )));
    }
    errors.finish((out, t.confidence))
}
