//! Why an incident lasted as long as it did and lost what it lost (docs/MODEL.md section 6).
//!
//! An incident's RTO is split into the steps the plane was waiting on, in time order: its
//! [`CriticalPath`]. When the plane came back from the pair, the path is the chain of recovery
//! stages that ended with it serving there (detection, consent, the stages of its own pipeline);
//! when it came back on the primary, the path follows the recovery as far as it got, and the rest
//! is what the plane waited for (the consent that was refused, the recovery that the primary
//! overtook, the repair when no recovery was asked for). The segments always add up to the RTO.
//! The incident's cause is the step with the most time on its path ([`CriticalPath::dominant`]).
//!
//! An RPO splits the same way ([`crate::model::RecoveryPoint`]): the copy lag of the restored
//! backup, the time since the newest backup was taken, and the backups skipped because they
//! failed; data destroyed with nothing restored is a cause of its own.

use super::outcome::{Incident, IncidentKind, Recovery};
use crate::engine::{SimDuration, SimTime};
use crate::model::Plane;

/// What a plane waited on during part of an incident. In the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// Before the plane was down outright: a failover window or a partial outage.
    FailoverWindow,
    /// Waiting for the primary with no recovery asked for (the outage ended before the consent
    /// request, or the trigger does not admit it).
    Repair,
    /// Health checks detecting the outage.
    Detection,
    /// Waiting until the outage has lasted `[recovery] min_outage`.
    MinOutage,
    /// Waiting for the customer's consent.
    Consent,
    /// Consent refused: waiting for the primary.
    ConsentRefused,
    /// The pair was down: the recovery waited for it, or the deployment running there went down.
    PairOutage,
    /// Waiting for a recovery crew or for room in the pair.
    CapacityWait,
    /// The failure's repair waiting for a repair crew (`[[crews]]`).
    CrewWait,
    /// The control plane's failover into the pair.
    ControlPlaneFailover,
    /// Creating resources in the pair.
    CreateResources,
    /// Restoring the database (the longer of the two parallel restores).
    DatabaseRestore,
    /// Copying storage into the pair (the longer of the two parallel restores).
    StorageRestore,
    /// Validating the restored deployment.
    Validation,
    /// Switching the data plane's traffic to the pair.
    TrafficSwitch,
    /// The recovery was running when the primary came back first.
    NaturalRecoveryFirst,
    /// No managed disaster recovery: the data plane waited for the primary.
    NoManagedDr,
    /// The failback's disruption.
    Failback,
    /// Still waiting at the horizon with the recovery running (a censored incident).
    StillOpen,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 19] = [
        Step::FailoverWindow,
        Step::Repair,
        Step::Detection,
        Step::MinOutage,
        Step::Consent,
        Step::ConsentRefused,
        Step::PairOutage,
        Step::CapacityWait,
        Step::CrewWait,
        Step::ControlPlaneFailover,
        Step::CreateResources,
        Step::DatabaseRestore,
        Step::StorageRestore,
        Step::Validation,
        Step::TrafficSwitch,
        Step::NaturalRecoveryFirst,
        Step::NoManagedDr,
        Step::Failback,
        Step::StillOpen,
    ];

    /// How many steps there are.
    pub const COUNT: usize = Step::ALL.len();

    /// Its position in [`Step::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name in `incidents.csv` and its key in `summary.json`.
    pub fn key(self) -> &'static str {
        match self {
            Step::FailoverWindow => "failover-window",
            Step::Repair => "repair",
            Step::Detection => "detection",
            Step::MinOutage => "min-outage",
            Step::Consent => "consent",
            Step::ConsentRefused => "consent-refused",
            Step::PairOutage => "pair-outage",
            Step::CapacityWait => "capacity-wait",
            Step::CrewWait => "crew-wait",
            Step::ControlPlaneFailover => "control-plane-failover",
            Step::CreateResources => "create-resources",
            Step::DatabaseRestore => "database-restore",
            Step::StorageRestore => "storage-restore",
            Step::Validation => "validation",
            Step::TrafficSwitch => "traffic-switch",
            Step::NaturalRecoveryFirst => "natural-recovery-first",
            Step::NoManagedDr => "no-managed-dr",
            Step::Failback => "failback",
            Step::StillOpen => "still-open",
        }
    }

    /// For people.
    pub fn meaning(self) -> &'static str {
        match self {
            Step::FailoverWindow => "failover window or partial outage before the plane was down outright",
            Step::Repair => "waiting for the primary's repair, no recovery asked for",
            Step::Detection => "health checks detecting the outage",
            Step::MinOutage => "waiting until the outage lasted [recovery] min_outage",
            Step::Consent => "waiting for the customer's consent",
            Step::ConsentRefused => "consent refused: waiting for the primary",
            Step::PairOutage => "the pair down (the recovery waited, or what ran there went down)",
            Step::CapacityWait => "waiting for a recovery crew or for room in the pair",
            Step::CrewWait => "the failure's repair waiting for a repair crew ([[crews]])",
            Step::ControlPlaneFailover => "the control plane's failover into the pair",
            Step::CreateResources => "creating resources in the pair",
            Step::DatabaseRestore => "restoring the database in the pair",
            Step::StorageRestore => "copying storage into the pair",
            Step::Validation => "validating the restored deployment",
            Step::TrafficSwitch => "switching traffic to the pair",
            Step::NaturalRecoveryFirst => "recovery running when the primary came back first",
            Step::NoManagedDr => "no managed disaster recovery: waiting for the primary",
            Step::Failback => "the failback's disruption",
            Step::StillOpen => "recovery still running at the horizon",
        }
    }

    /// The step named `key`.
    pub fn from_key(key: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The step a recovery stage (`Stage::name`) spends its time on.
    fn of_stage(name: &str) -> Option<Step> {
        Some(match name {
            "pair-wait" => Step::PairOutage,
            "no-room" => Step::CapacityWait,
            other => Step::from_key(other)?,
        })
    }
}

/// What an incident's RPO came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RpoCause {
    /// No data lost.
    None,
    /// The age of the newest backup when the data was lost (the backup interval's phase).
    BackupPhase,
    /// Backups skipped because they failed.
    FailedBackups,
    /// The copy lag of the restored backup (to the pair, or to the zone-redundant store).
    CopyLag,
    /// The data was destroyed and nothing restored it.
    DataDestroyed,
}

impl RpoCause {
    /// Every cause, in order.
    pub const ALL: [RpoCause; 5] = [
        RpoCause::None,
        RpoCause::BackupPhase,
        RpoCause::FailedBackups,
        RpoCause::CopyLag,
        RpoCause::DataDestroyed,
    ];

    /// How many causes there are.
    pub const COUNT: usize = RpoCause::ALL.len();

    /// Its position in [`RpoCause::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its name in `incidents.csv` and its key in `summary.json`.
    pub fn key(self) -> &'static str {
        match self {
            RpoCause::None => "none",
            RpoCause::BackupPhase => "backup-phase",
            RpoCause::FailedBackups => "failed-backups",
            RpoCause::CopyLag => "copy-lag",
            RpoCause::DataDestroyed => "data-destroyed",
        }
    }

    /// For people.
    pub fn meaning(self) -> &'static str {
        match self {
            RpoCause::None => "no data lost",
            RpoCause::BackupPhase => "time since the newest backup was taken",
            RpoCause::FailedBackups => "backups skipped because they failed",
            RpoCause::CopyLag => "copy lag of the restored backup",
            RpoCause::DataDestroyed => "data destroyed, nothing restored",
        }
    }
}

/// Time on an incident's critical path per [`Step`], ticks; the segments add up to its RTO.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CriticalPath {
    ticks: [u64; Step::COUNT],
}

impl CriticalPath {
    /// Time spent on `step`.
    pub fn get(&self, step: Step) -> SimDuration {
        SimDuration(self.ticks[step.index()])
    }

    /// Sum of the segments (the RTO).
    pub fn total(&self) -> SimDuration {
        SimDuration(self.ticks.iter().sum())
    }

    /// The steps with time on the path, in order.
    pub fn segments(&self) -> impl Iterator<Item = (Step, SimDuration)> + '_ {
        Step::ALL
            .into_iter()
            .filter(|s| self.ticks[s.index()] > 0)
            .map(|s| (s, self.get(s)))
    }

    /// The step with the most time on the path (the earlier step on a tie); `None` for an
    /// incident of length 0.
    pub fn dominant(&self) -> Option<Step> {
        let mut best: Option<Step> = None;
        for s in Step::ALL {
            if self.ticks[s.index()] > best.map_or(0, |b| self.ticks[b.index()]) {
                best = Some(s);
            }
        }
        best
    }

    /// `detection=0.4;consent=7200;…` (seconds) for `incidents.csv`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .segments()
            .map(|(s, d)| format!("{}={}", s.key(), d.as_secs_f64()))
            .collect();
        parts.join(";")
    }
}

/// Walks an incident forward in time, giving each stretch to a step; the walk ends at the
/// incident's end, so the segments add up to its RTO whatever the stretches say.
struct Walk {
    from: SimTime,
    end: SimTime,
    cursor: SimTime,
    path: CriticalPath,
}

impl Walk {
    fn new(inc: &Incident) -> Walk {
        Walk {
            from: inc.start,
            end: inc.end,
            cursor: inc.start,
            path: CriticalPath::default(),
        }
    }

    /// The time from the cursor until `until` (inside the incident) is spent on `step`.
    fn to(&mut self, step: Step, until: SimTime) {
        let a = self.cursor.max(self.from);
        let b = until.min(self.end);
        if b > a {
            self.path.ticks[step.index()] += b.saturating_since(a).ticks();
        }
        self.cursor = self.cursor.max(until);
    }

    fn finish(mut self, step: Step) -> CriticalPath {
        self.to(step, self.end);
        self.path
    }
}

/// What an incident's critical path depends on besides the incident and its recovery.
#[derive(Clone, Copy, Debug)]
pub struct PathContext {
    /// `[recovery] min_outage`.
    pub min_outage: SimDuration,
    /// The data plane is recovered into the pair (managed disaster recovery).
    pub managed_dr: bool,
    /// The incident's cause struck the pair: the deployment running there went down.
    pub cause_in_pair: bool,
    /// When the repair of the failure that opened the incident waited for a crew.
    pub crew_wait: Option<(SimTime, SimTime)>,
}

/// The critical path of `inc`, given the recovery it was part of.
pub fn rto_path(inc: &Incident, rec: Option<&Recovery>, cx: PathContext) -> CriticalPath {
    let cause_in_pair = cx.cause_in_pair;
    let mut walk = Walk::new(inc);
    let base = match inc.kind {
        IncidentKind::Failback => Step::Failback,
        _ if cause_in_pair => Step::PairOutage,
        IncidentKind::Failover => Step::FailoverWindow,
        IncidentKind::Outage => Step::Repair,
    };
    let Some(rec) = rec.filter(|_| !matches!(base, Step::Failback | Step::PairOutage)) else {
        return repair(walk, base, cx);
    };
    let stage = |name: &str| rec.stages.iter().rev().find(|st| st.name == name);
    // Before the recovery started the plane was not down outright yet.
    walk.to(Step::FailoverWindow, rec.start);
    let Some(detection) = stage("detection") else {
        // The outage ended (or the horizon came) before the consent request.
        let step = if inc.kind == IncidentKind::Failover {
            base
        } else {
            Step::Repair
        };
        return repair(walk, step, cx);
    };
    let requested = detection.end.max(rec.start.saturating_add(cx.min_outage));
    walk.to(Step::Detection, detection.end);
    walk.to(Step::MinOutage, requested);
    if rec.refused {
        return walk.finish(Step::ConsentRefused);
    }
    let Some(consented) = rec.consented.filter(|&c| c < inc.end) else {
        return walk.finish(Step::Consent);
    };
    walk.to(Step::Consent, consented);
    if let Some(pw) = stage("pair-wait").filter(|st| st.start == consented) {
        walk.to(Step::PairOutage, pw.end);
    }
    let plane = inc.plane;
    if rec.pair_served[plane.index()] == Some(inc.end) {
        // Served from the pair: the chain of its own stages, which ends now.
        for (step, until) in pipeline(rec, plane) {
            walk.to(step, until);
        }
        let last = match plane {
            Plane::Control => Step::ControlPlaneFailover,
            Plane::Data => Step::TrafficSwitch,
        };
        return walk.finish(last);
    }
    let rest = if plane == Plane::Data && !cx.managed_dr {
        Step::NoManagedDr
    } else if plane == Plane::Data && rec.no_room {
        Step::CapacityWait
    } else if inc.censored {
        Step::StillOpen
    } else {
        Step::NaturalRecoveryFirst
    };
    walk.finish(rest)
}

/// The rest of the incident waiting for the primary's repair (`step`), part of it for a crew.
fn repair(mut walk: Walk, step: Step, cx: PathContext) -> CriticalPath {
    if step == Step::Repair
        && let Some((from, to)) = cx.crew_wait
    {
        walk.to(Step::Repair, from);
        walk.to(Step::CrewWait, to);
    }
    walk.finish(step)
}

/// The stages of `plane`'s own pipeline in the order they ran, each with when it ended; of the
/// two parallel restores, only the longer is on the path.
fn pipeline(rec: &Recovery, plane: Plane) -> Vec<(Step, SimTime)> {
    let names: &[&str] = match plane {
        Plane::Control => &["control-plane-failover"],
        Plane::Data => &[
            "capacity-wait",
            "create-resources",
            "database-restore",
            "storage-restore",
            "validation",
            "traffic-switch",
        ],
    };
    let mut out: Vec<(Step, SimTime)> = Vec::new();
    for name in names {
        let Some(st) = rec.stages.iter().rev().find(|st| st.name == *name) else {
            continue;
        };
        let step = Step::of_stage(st.name).expect("a known stage");
        // The restores run side by side: the one ending later is the critical one.
        if step == Step::StorageRestore
            && let Some(last) = out.last_mut()
            && last.0 == Step::DatabaseRestore
        {
            if st.end > last.1 {
                *last = (step, st.end);
            }
            continue;
        }
        out.push((step, st.end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cause;
    use crate::model::Stage;

    fn at(h: u64) -> SimTime {
        SimTime(h * 3_600_000_000)
    }

    fn incident(plane: Plane, start: u64, end: u64) -> Incident {
        Incident {
            plane,
            start: at(start),
            end: at(end),
            censored: false,
            rpo: SimDuration::ZERO,
            kind: IncidentKind::Outage,
            cause: Cause::Fault(0),
            features_down: 0,
            regional: true,
            data_lost: false,
            recovery: Some(0),
            rto_path: CriticalPath::default(),
            rpo_cause: RpoCause::None,
        }
    }

    fn stage(name: &'static str, a: u64, b: u64) -> Stage {
        Stage {
            name,
            start: at(a),
            end: at(b),
        }
    }

    fn cx(cause_in_pair: bool) -> PathContext {
        PathContext {
            min_outage: SimDuration::ZERO,
            managed_dr: true,
            cause_in_pair,
            crew_wait: None,
        }
    }

    fn recovery(stages: Vec<Stage>) -> Recovery {
        Recovery {
            trigger: Cause::Fault(0),
            start: at(0),
            refused: false,
            consented: Some(at(3)),
            pair_served: [None; 2],
            stages,
            no_room: false,
        }
    }

    #[test]
    fn a_plane_served_from_the_pair_follows_its_longer_restore() {
        let mut rec = recovery(vec![
            stage("detection", 0, 1),
            stage("consent", 1, 3),
            stage("create-resources", 3, 4),
            stage("database-restore", 4, 10),
            stage("storage-restore", 4, 12),
            stage("validation", 12, 13),
            stage("traffic-switch", 13, 14),
        ]);
        rec.pair_served[Plane::Data.index()] = Some(at(14));
        let path = rto_path(&incident(Plane::Data, 0, 14), Some(&rec), cx(false));
        let want = [
            (Step::Detection, 1),
            (Step::Consent, 2),
            (Step::CreateResources, 1),
            (Step::StorageRestore, 8),
            (Step::Validation, 1),
            (Step::TrafficSwitch, 1),
        ];
        let got: Vec<(Step, u64)> = path.segments().map(|(s, d)| (s, d.ticks() / 3_600_000_000)).collect();
        assert_eq!(got, want);
        assert_eq!(path.total(), SimDuration::from_secs(14 * 3600));
        assert_eq!(path.dominant(), Some(Step::StorageRestore));
    }

    #[test]
    fn the_primary_back_first_ends_a_running_recovery() {
        let rec = recovery(vec![stage("detection", 0, 1), stage("consent", 1, 3)]);
        let path = rto_path(&incident(Plane::Control, 0, 20), Some(&rec), cx(false));
        assert_eq!(path.get(Step::NaturalRecoveryFirst), SimDuration::from_secs(17 * 3600));
        assert_eq!(path.total(), SimDuration::from_secs(20 * 3600));
        assert_eq!(path.dominant(), Some(Step::NaturalRecoveryFirst));
    }

    #[test]
    fn a_refusal_waits_for_the_primary() {
        let mut rec = recovery(vec![stage("detection", 0, 1), stage("consent-refused", 1, 1)]);
        rec.refused = true;
        rec.consented = None;
        let path = rto_path(&incident(Plane::Data, 0, 50), Some(&rec), cx(false));
        assert_eq!(path.get(Step::ConsentRefused), SimDuration::from_secs(49 * 3600));
        assert_eq!(path.dominant(), Some(Step::ConsentRefused));
    }

    #[test]
    fn a_plane_joining_later_is_clipped_to_its_own_incident() {
        let mut rec = recovery(vec![
            stage("detection", 0, 1),
            stage("consent", 1, 3),
            stage("control-plane-failover", 5, 6),
        ]);
        rec.pair_served[Plane::Control.index()] = Some(at(6));
        let path = rto_path(&incident(Plane::Control, 5, 6), Some(&rec), cx(false));
        assert_eq!(
            path.segments().collect::<Vec<_>>(),
            vec![(Step::ControlPlaneFailover, SimDuration::from_secs(3600))]
        );
    }

    #[test]
    fn without_a_recovery_the_repair_is_the_path() {
        let mut inc = incident(Plane::Data, 2, 9);
        inc.recovery = None;
        let path = rto_path(&inc, None, cx(false));
        assert_eq!(path.dominant(), Some(Step::Repair));
        assert_eq!(path.total(), SimDuration::from_secs(7 * 3600));
        assert_eq!(rto_path(&inc, None, cx(true)).dominant(), Some(Step::PairOutage));
        // The repair waited 5 h of the 7 for a crew.
        let waited = PathContext {
            crew_wait: Some((at(3), at(8))),
            ..cx(false)
        };
        let path = rto_path(&inc, None, waited);
        assert_eq!(path.get(Step::CrewWait), SimDuration::from_secs(5 * 3600));
        assert_eq!(path.get(Step::Repair), SimDuration::from_secs(2 * 3600));
        assert_eq!(path.dominant(), Some(Step::CrewWait));
        inc.kind = IncidentKind::Failover;
        assert_eq!(rto_path(&inc, None, cx(false)).dominant(), Some(Step::FailoverWindow));
    }
}
