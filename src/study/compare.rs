//! `compare`: two scenarios run on common random numbers, each metric's difference B − A with a
//! 95 % interval from the paired per-replication differences.
//!
//! Replication *i* of A and of B draw from the same streams wherever a mechanism keeps its name
//! (`(seed, i, mechanism)`, see [`crate::random`]), so the two runs see the same failures and
//! differ only where the designs differ. The paired interval is therefore narrower than the one
//! from two independent runs; to show by how much, B is also run on an independent seed and that
//! interval is reported next to the paired one.
//!
//! The clients' shares (failed requests, a feature's succeeded requests, attempts per request,
//! clients never reconnected) are ratios of sums over replications; their difference's interval
//! comes from the paired per-replication numerators and denominators by the delta method, so the
//! correlation of the requests within a replication is accounted for.

use super::StudyError;
use crate::model::ReplicationOutcome;
use crate::model::Scenario;
use crate::model::metric::{Metric, catalogue_of};
use crate::model::prepare;
use crate::model::replicate;
use crate::montecarlo::{Accumulator, Runner, per_replication};
use crate::scenario::{Override, Plan};
use crate::stats::Z95;
use serde::Serialize;

/// What a quantity is, per replication: a number (the mean over replications is the metric) or
/// a ratio's numerator and denominator (the metric is Σ numerator / Σ denominator, as for the
/// clients' shares of requests).
#[derive(Clone, Debug, PartialEq)]
enum Kind {
    /// A per-replication metric of the catalogue, in A and in B (a feature's index may differ).
    PerReplication(Metric, Metric),
    /// A ratio of the clients' counts.
    Ratio(ClientRatio),
}

/// A ratio of a replication's client counts.
#[derive(Clone, Copy, Debug, PartialEq)]
enum ClientRatio {
    /// Failed / logical requests.
    Failures,
    /// Succeeded / logical requests of a feature (its index in A, in B).
    Perceived(usize, usize),
    /// Attempts / logical requests.
    Amplification,
    /// Clients not reconnected / clients that saw a failure.
    NotReconnected,
    /// Overloaded seconds after the trigger / replications with an episode.
    Overloaded,
}

impl ClientRatio {
    /// (numerator, denominator) in one replication (`second`: of scenario B).
    fn of(self, o: &ReplicationOutcome, second: bool) -> (f64, f64) {
        let Some(c) = o.clients.as_ref() else {
            return (0.0, 0.0);
        };
        match self {
            ClientRatio::Failures => (c.failed() as f64, c.logical as f64),
            ClientRatio::Perceived(a, b) => {
                let i = if second { b } else { a };
                let n = c.logical_by_feature.get(i).copied().unwrap_or(0);
                let f = c.failed_by_feature.get(i).copied().unwrap_or(0);
                ((n - f) as f64, n as f64)
            }
            ClientRatio::Amplification => (c.attempts as f64, c.logical as f64),
            ClientRatio::NotReconnected => (
                c.not_reconnected as f64,
                (c.reconnect.len() as u64 + c.not_reconnected) as f64,
            ),
            ClientRatio::Overloaded => (
                c.overloaded_after_trigger as f64 / crate::stats::TICKS_PER_SECOND as f64,
                f64::from(u8::from(c.episodes > 0)),
            ),
        }
    }
}

/// A metric both scenarios have, compared replication by replication.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// Its catalogue path, the name in outputs.
    pub path: String,
    kind: Kind,
}

impl Quantity {
    /// (numerator, denominator) in one replication of scenario `s` (`second`: the scenario is
    /// B); the denominator is 1 for a per-replication metric.
    fn value(&self, s: &Scenario, o: &ReplicationOutcome, second: bool) -> (f64, f64) {
        match &self.kind {
            Kind::PerReplication(a, b) => {
                let metric = if second { b } else { a };
                let v = per_replication(metric, s, o).expect("compare pairs only per-replication metrics");
                (v, 1.0)
            }
            Kind::Ratio(r) => r.of(o, second),
        }
    }
}

/// The quantities two scenarios can be compared on: the per-replication metrics of A's catalogue
/// that B has too — availability of the planes and of the features both have, zone incidents and
/// misses per replication, and regional disasters per replication when either can have them —
/// and, when both have `[clients]`, the clients' shares: user-visible failures, the user-perceived
/// availability of the features both have, retry amplification, the share of affected clients
/// never reconnected, and the overloaded time after the trigger.
pub fn quantities(a: &Scenario, b: &Scenario) -> Vec<Quantity> {
    let in_b = catalogue_of(b);
    let disasters = a.has_region_disasters() || b.has_region_disasters();
    let mut out: Vec<Quantity> = catalogue_of(a)
        .into_iter()
        .filter(|d| d.metric.is_per_replication())
        .filter(|d| disasters || d.metric != Metric::DisastersPerReplication)
        .filter_map(|d| {
            let b = in_b.iter().find(|e| e.path == d.path)?.metric;
            Some(Quantity {
                path: d.path,
                kind: Kind::PerReplication(d.metric, b),
            })
        })
        .collect();
    if a.clients.is_some() && b.clients.is_some() {
        let mut ratio = |path: String, r: ClientRatio| {
            out.push(Quantity {
                path,
                kind: Kind::Ratio(r),
            })
        };
        ratio("clients.user_visible_failures".into(), ClientRatio::Failures);
        for d in catalogue_of(a) {
            if let Metric::UserPerceivedAvailability(i) = d.metric
                && let Some(Metric::UserPerceivedAvailability(j)) =
                    in_b.iter().find(|e| e.path == d.path).map(|e| e.metric)
            {
                ratio(d.path, ClientRatio::Perceived(i, j));
            }
        }
        ratio("clients.retry_amplification".into(), ClientRatio::Amplification);
        ratio(
            "clients.reconnect_survival.censored_share".into(),
            ClientRatio::NotReconnected,
        );
        ratio("clients.overloaded_after_trigger.mean".into(), ClientRatio::Overloaded);
    }
    out
}

/// Running means and co-moments of (numerator A, denominator A, numerator B, denominator B)
/// (Welford; merged with Chan's formulas).
#[derive(Clone, Copy, Debug, Default)]
struct PairMoments {
    n: f64,
    mean: [f64; 4],
    /// Σ (xᵢ − x̄)(xⱼ − x̄ⱼ).
    co: [[f64; 4]; 4],
}

impl PairMoments {
    fn record(&mut self, (na, da): (f64, f64), (nb, db): (f64, f64)) {
        let x = [na, da, nb, db];
        self.n += 1.0;
        let delta: [f64; 4] = std::array::from_fn(|i| x[i] - self.mean[i]);
        for (m, d) in self.mean.iter_mut().zip(delta) {
            *m += d / self.n;
        }
        let after: [f64; 4] = std::array::from_fn(|j| x[j] - self.mean[j]);
        for (row, di) in self.co.iter_mut().zip(delta) {
            for (c, aj) in row.iter_mut().zip(after) {
                *c += di * aj;
            }
        }
    }

    fn merge(&mut self, o: &PairMoments) {
        if o.n == 0.0 {
            return;
        }
        let n = self.n + o.n;
        let d: [f64; 4] = std::array::from_fn(|i| o.mean[i] - self.mean[i]);
        let w = self.n * o.n / n;
        for ((row, orow), di) in self.co.iter_mut().zip(&o.co).zip(d) {
            for ((c, oc), dj) in row.iter_mut().zip(orow).zip(d) {
                *c += oc + di * dj * w;
            }
        }
        for (m, di) in self.mean.iter_mut().zip(d) {
            *m += di * o.n / n;
        }
        self.n = n;
    }

    /// The ratio of A and of B (means of the numerators over means of the denominators); `None`
    /// where a denominator is 0 (no data).
    fn ratios(&self) -> Option<(f64, f64)> {
        (self.mean[1] > 0.0 && self.mean[3] > 0.0).then(|| (self.mean[0] / self.mean[1], self.mean[2] / self.mean[3]))
    }

    /// Variance of the mean of the linearized values `Σ wᵢ xᵢ` (delta method), the weights
    /// restricted to the variables in `keep`.
    fn var_of_mean(&self, w: [f64; 4], keep: [bool; 4]) -> f64 {
        let mut v = 0.0;
        for i in (0..4).filter(|&i| keep[i]) {
            for j in (0..4).filter(|&j| keep[j]) {
                v += w[i] * w[j] * self.co[i][j];
            }
        }
        v.max(0.0) / (self.n - 1.0) / self.n
    }

    /// The gradient of ratio B − ratio A in (num A, den A, num B, den B).
    fn weights(&self) -> [f64; 4] {
        let (ra, rb) = self.ratios().unwrap_or((0.0, 0.0));
        [
            -1.0 / self.mean[1],
            ra / self.mean[1],
            1.0 / self.mean[3],
            -rb / self.mean[3],
        ]
    }
}

/// Per quantity, the moments of (A, B): what a comparison folds replications into; and the
/// first replication (of A, else B) stopped at its budget, if any.
#[derive(Clone, Debug)]
struct Paired(Vec<PairMoments>, Option<(bool, crate::model::BudgetExceeded)>);

impl Accumulator for Paired {
    const CHUNK: u64 = 256;
    // Floating-point moments: merged in task order, so the result does not depend on the thread
    // count.
    const EXACT: bool = false;
    fn merge(&mut self, other: &Paired) {
        for (t, p) in self.0.iter_mut().zip(&other.0) {
            t.merge(p);
        }
        if let Some(x) = &other.1
            && self.1.as_ref().is_none_or(|(_, e)| x.1.replication < e.replication)
        {
            self.1 = Some(x.clone());
        }
    }
}

/// Per quantity, moments of (A, B) over every replication, deterministic whatever the threads.
/// A replication stopped at its budget (the default ones) stops the comparison: an error naming
/// the scenario and the replication.
fn paired_moments(
    a: &Plan,
    b: &Plan,
    qs: &[Quantity],
    runner: &Runner,
    budget: super::Budget,
) -> Result<Vec<PairMoments>, StudyError> {
    let (ma, mb) = (
        prepare(a).with_budget(budget.max_events, budget.max_incidents),
        prepare(b).with_budget(budget.max_events, budget.max_incidents),
    );
    let fresh = || Paired(vec![PairMoments::default(); qs.len()], None);
    let stop = std::sync::atomic::AtomicBool::new(false);
    let record = |rep, acc: &mut Paired| -> Option<()> {
        use std::sync::atomic::Ordering::Relaxed;
        if stop.load(Relaxed) {
            return None;
        }
        let (oa, ob) = (replicate(&ma, rep), replicate(&mb, rep));
        if let Some(e) = oa
            .exceeded
            .clone()
            .map(|e| (true, e))
            .or(ob.exceeded.clone().map(|e| (false, e)))
        {
            stop.store(true, Relaxed);
            if acc.1.as_ref().is_none_or(|(_, x)| e.1.replication < x.replication) {
                acc.1 = Some(e);
            }
            return None;
        }
        for (m, q) in acc.0.iter_mut().zip(qs) {
            m.record(q.value(a, &oa, false), q.value(b, &ob, true));
        }
        None
    };
    let done = |_, _: &Paired, _| Ok::<bool, std::convert::Infallible>(false);
    let Ok(total) = runner.waves(0..a.replications, fresh(), fresh, record, None, done);
    match total.1 {
        None => Ok(total.0),
        Some((in_a, exceeded)) => Err(StudyError::Budget {
            run: crate::study::run_name(if in_a { a } else { b }),
            exceeded,
        }),
    }
}

/// One metric's comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Difference {
    /// Metric path (as in `outage-sim metrics`).
    pub metric: String,
    /// Mean in A.
    pub a: f64,
    /// Mean in B.
    pub b: f64,
    /// B − A (common random numbers).
    pub difference: f64,
    /// 95 % interval of the difference from the paired differences.
    pub paired_ci95: [f64; 2],
    /// B − A with B on an independent seed.
    pub independent_difference: f64,
    /// 95 % interval of that difference (unpaired).
    pub independent_ci95: [f64; 2],
    /// Half-width of the independent interval over that of the paired one (`null` when the
    /// paired half-width is 0).
    pub narrowing: Option<f64>,
}

/// A finished comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Scenario A.
    pub a: String,
    /// Scenario B.
    pub b: String,
    /// Seed of the paired runs.
    pub seed: u64,
    /// Seed of B's independent run.
    pub independent_seed: u64,
    /// Replications of each run.
    pub replications: u64,
    /// Per metric.
    pub differences: Vec<Difference>,
}

/// Compares B with A on the same seed and replications (A's, unless B's were overridden the same
/// way), and B again on an independent seed.
/// A replication stopped at its budget is an error ([`StudyError::Budget`]).
pub fn compare(a: &Plan, b: &Plan, runner: &Runner, budget: super::Budget) -> Result<Comparison, StudyError> {
    let qs = quantities(a, b);
    let b = b.with(&[Override::seed(a.seed), Override::replications(a.replications)])?;
    let paired = paired_moments(a, &b, &qs, runner, budget)?;
    // A different master seed gives streams unrelated to A's (SplitMix64 key schedule).
    let b_indep = b.with(&[Override::seed(a.seed ^ 0x9E37_79B9_7F4A_7C15)])?;
    let indep = paired_moments(a, &b_indep, &qs, runner, budget)?;
    let differences = qs
        .iter()
        .zip(paired.iter().zip(&indep))
        .filter_map(|(q, (p, i))| {
            // A ratio without a denominator in either run (no client requests) has no data.
            let ((ra, rb), (ia, ib)) = (p.ratios()?, i.ratios()?);
            let d = rb - ra;
            let half_paired = Z95 * p.var_of_mean(p.weights(), [true; 4]).sqrt();
            let di = ib - ia;
            let wi = i.weights();
            let half_indep = Z95
                * (i.var_of_mean(wi, [true, true, false, false]) + i.var_of_mean(wi, [false, false, true, true]))
                    .sqrt();
            Some(Difference {
                metric: q.path.clone(),
                a: ra,
                b: rb,
                difference: d,
                paired_ci95: [d - half_paired, d + half_paired],
                independent_difference: di,
                independent_ci95: [di - half_indep, di + half_indep],
                narrowing: (half_paired > 0.0).then(|| half_indep / half_paired),
            })
        })
        .collect();
    Ok(Comparison {
        a: a.name.clone(),
        b: b.name.clone(),
        seed: a.seed,
        independent_seed: b_indep.seed,
        replications: a.replications,
        differences,
    })
}

impl Comparison {
    /// `compare.csv`.
    pub fn csv(&self) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        super::write_row(
            &mut w,
            [
                "metric",
                "a",
                "b",
                "difference",
                "paired_lo95",
                "paired_hi95",
                "independent_difference",
                "independent_lo95",
                "independent_hi95",
                "narrowing",
            ],
        );
        for d in &self.differences {
            super::write_row(
                &mut w,
                [
                    d.metric.clone(),
                    d.a.to_string(),
                    d.b.to_string(),
                    d.difference.to_string(),
                    d.paired_ci95[0].to_string(),
                    d.paired_ci95[1].to_string(),
                    d.independent_difference.to_string(),
                    d.independent_ci95[0].to_string(),
                    d.independent_ci95[1].to_string(),
                    d.narrowing.map_or(String::new(), |x| x.to_string()),
                ],
            );
        }
        w.into_inner().expect("in-memory CSV")
    }

    /// A terminal table.
    pub fn table(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Paired comparison, B − A: A = {}, B = {} ({} replications each, seed {}; common random numbers)",
            self.a, self.b, self.replications, self.seed
        );
        // Paths are long (`zone_incidents.control_plane.incidents_per_replication`): the first
        // column is as wide as the longest.
        let w = self
            .differences
            .iter()
            .map(|d| d.metric.chars().count())
            .max()
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "  {:<w$} {:>14} {:>14} {:>14}  {:<31} {:>14}",
            "metric", "A", "B", "B − A", "95 % interval (paired)", "pairing"
        );
        for d in &self.differences {
            let _ = writeln!(
                out,
                "  {:<w$} {:>14.8} {:>14.8} {:>14.8}  [{:>13.8}, {:>13.8}] {:>14}",
                d.metric,
                d.a,
                d.b,
                d.difference,
                d.paired_ci95[0],
                d.paired_ci95[1],
                match d.narrowing {
                    // Say which way: a ratio below 1 means the paired interval is wider.
                    Some(x) if x >= 1.0 => format!("{x:.1}x narrower"),
                    Some(x) => format!("{:.1}x wider", 1.0 / x),
                    // Both designs agree in every replication: the paired difference is exact.
                    None if d.independent_ci95[1] > d.independent_ci95[0] => "exact".into(),
                    None => "-".into(),
                }
            );
        }
        let _ = writeln!(
            out,
            "  pairing: how much narrower (or wider) the paired interval is than one from an independent run of B (seed {})",
            self.independent_seed
        );
        out
    }
}
