//! The `region_disasters` section: regional disasters and backup-based recovery, per plane.

use super::keyed::PerPlane;
use crate::model::Scenario;
use crate::model::metric::Objective;
use crate::montecarlo::DisasterStats;
use crate::stats::{DurationSummary, MeanSummary, ProportionSummary};
use serde::{Deserialize, Serialize};

/// Regional disasters: achieved RPO/RTO per plane against the targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionDisasterSummary {
    /// Disasters in all replications.
    pub disasters: u64,
    /// Disasters per replication.
    pub per_replication: MeanSummary,
    /// Disasters whose recovery started (consent before the primary came back).
    pub dr_started: u64,
    /// Disasters that destroyed the region's data.
    pub destroyed: u64,
    /// Per plane, under `control_plane` and `data_plane` beside the other keys.
    #[serde(flatten)]
    pub planes: PerPlane<DisasterPlane>,
    /// From the disaster to a read-only control plane in the pair (when it failed over).
    pub control_plane_read_only: Option<DurationSummary>,
    /// From the disaster to a fully operational control plane.
    pub control_plane_full: Option<DurationSummary>,
    /// Audio/video unavailable per disaster.
    pub media_unavailable: Option<DurationSummary>,
    /// Time media uploads were at risk per disaster.
    pub uploads_at_risk: Option<DurationSummary>,
}

/// One plane through regional disasters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisasterPlane {
    /// RPO target, seconds.
    pub target_rpo_s: f64,
    /// RTO target, seconds.
    pub target_rto_s: f64,
    /// Disasters in which it served from the pair before the primary returned.
    pub failed_over: u64,
    /// Not serving again at the horizon.
    pub censored: u64,
    /// Data lost outright.
    pub data_lost: u64,
    /// Achieved RTO.
    pub rto: Option<DurationSummary>,
    /// Achieved RPO (where data was kept or restored).
    pub rpo: Option<DurationSummary>,
    /// P(achieved RTO ≤ target) per disaster.
    pub p_meet_rto: Option<ProportionSummary>,
    /// P(achieved RPO ≤ target) per disaster (lost data is a miss).
    pub p_meet_rpo: Option<ProportionSummary>,
}

impl DisasterPlane {
    /// The distribution of an objective.
    pub fn distribution(&self, o: Objective) -> Option<&DurationSummary> {
        o.pick(&self.rto, &self.rpo).as_ref()
    }

    /// P(meet) of an objective.
    pub fn p_meet(&self, o: Objective) -> Option<&ProportionSummary> {
        o.pick(&self.p_meet_rto, &self.p_meet_rpo).as_ref()
    }
}

pub(super) fn summary(s: &Scenario, d: &DisasterStats) -> RegionDisasterSummary {
    RegionDisasterSummary {
        disasters: d.disasters,
        per_replication: d.per_replication.mean_summary().expect("at least one replication"),
        dr_started: d.dr_started,
        destroyed: d.destroyed,
        planes: PerPlane::new(|plane| {
            let p = &d.planes[plane.index()];
            let t = s.targets[plane.index()];
            DisasterPlane {
                target_rpo_s: t.rpo.as_secs_f64(),
                target_rto_s: t.rto.as_secs_f64(),
                failed_over: p.failed_over,
                censored: p.censored,
                data_lost: p.data_lost,
                rto: p.rto.summary(),
                rpo: p.rpo.summary(),
                p_meet_rto: p.meet_rto.summary(),
                p_meet_rpo: p.meet_rpo.summary(),
            }
        }),
        control_plane_read_only: d.control_plane_read_only.summary(),
        control_plane_full: d.control_plane_full.summary(),
        media_unavailable: d.media_unavailable.summary(),
        uploads_at_risk: d.uploads_at_risk.summary(),
    }
}
