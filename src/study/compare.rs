//! `compare`: two scenarios run on common random numbers, each metric's difference B − A with a
//! 95 % interval from the paired per-replication differences.
//!
//! Replication *i* of A and of B draw from the same streams wherever a mechanism keeps its name
//! (`(seed, i, mechanism)`, see [`crate::random`]), so the two runs see the same failures and
//! differ only where the designs differ. The paired interval is therefore narrower than the one
//! from two independent runs; to show by how much, B is also run on an independent seed and that
//! interval is reported next to the paired one.

use crate::model::ReplicationOutcome;
use crate::model::Scenario;
use crate::model::metric::{Metric, catalogue_of};
use crate::model::prepare;
use crate::model::replicate;
use crate::montecarlo::{Accumulator, Runner, per_replication};
use crate::scenario::{Override, Plan, ScenarioError};
use crate::stats::Z95;
use serde::Serialize;

/// A per-replication metric both scenarios have, compared replication by replication.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// Its catalogue path, the name in outputs.
    pub path: String,
    /// The metric in A.
    a: Metric,
    /// The same path in B (a feature's index may differ).
    b: Metric,
}

impl Quantity {
    /// The value in one replication of scenario `s` (`second`: the scenario is B).
    fn value(&self, s: &Scenario, o: &ReplicationOutcome, second: bool) -> f64 {
        let metric = if second { &self.b } else { &self.a };
        per_replication(metric, s, o).expect("compare pairs only per-replication metrics")
    }
}

/// The quantities two scenarios can be compared on: the per-replication metrics of A's catalogue
/// that B has too — availability of the planes and of the features both have, zone incidents and
/// misses per replication, and regional disasters per replication when either can have them.
pub fn quantities(a: &Scenario, b: &Scenario) -> Vec<Quantity> {
    let in_b = catalogue_of(b);
    let disasters = a.has_region_disasters() || b.has_region_disasters();
    catalogue_of(a)
        .into_iter()
        .filter(|d| d.metric.is_per_replication())
        .filter(|d| disasters || d.metric != Metric::DisastersPerReplication)
        .filter_map(|d| {
            let b = in_b.iter().find(|e| e.path == d.path)?.metric;
            Some(Quantity {
                path: d.path,
                a: d.metric,
                b,
            })
        })
        .collect()
}

/// Running means, variances and the co-moment of a pair (Welford; merged with Chan's formulas).
#[derive(Clone, Copy, Debug, Default)]
struct PairMoments {
    n: f64,
    mean_a: f64,
    mean_b: f64,
    m2_a: f64,
    m2_b: f64,
    c_ab: f64,
}

impl PairMoments {
    fn record(&mut self, a: f64, b: f64) {
        self.n += 1.0;
        let da = a - self.mean_a;
        self.mean_a += da / self.n;
        let db = b - self.mean_b;
        self.mean_b += db / self.n;
        self.m2_a += da * (a - self.mean_a);
        self.m2_b += db * (b - self.mean_b);
        self.c_ab += da * (b - self.mean_b);
    }

    fn merge(&mut self, o: &PairMoments) {
        if o.n == 0.0 {
            return;
        }
        let n = self.n + o.n;
        let da = o.mean_a - self.mean_a;
        let db = o.mean_b - self.mean_b;
        let w = self.n * o.n / n;
        self.m2_a += o.m2_a + da * da * w;
        self.m2_b += o.m2_b + db * db * w;
        self.c_ab += o.c_ab + da * db * w;
        self.mean_a += da * o.n / n;
        self.mean_b += db * o.n / n;
        self.n = n;
    }

    fn var_a(&self) -> f64 {
        self.m2_a / (self.n - 1.0)
    }

    fn var_b(&self) -> f64 {
        self.m2_b / (self.n - 1.0)
    }

    /// Variance of b − a.
    fn var_diff(&self) -> f64 {
        (self.m2_a + self.m2_b - 2.0 * self.c_ab).max(0.0) / (self.n - 1.0)
    }
}

/// Per quantity, the moments of (A, B): what a comparison folds replications into.
#[derive(Clone, Debug)]
struct Paired(Vec<PairMoments>);

impl Accumulator for Paired {
    const CHUNK: u64 = 256;
    // Floating-point moments: merged in task order, so the result does not depend on the thread
    // count.
    const EXACT: bool = false;
    fn merge(&mut self, other: &Paired) {
        for (t, p) in self.0.iter_mut().zip(&other.0) {
            t.merge(p);
        }
    }
}

/// Per quantity, moments of (A, B) over every replication, deterministic whatever the threads.
fn paired_moments(a: &Scenario, b: &Scenario, qs: &[Quantity], runner: &Runner) -> Vec<PairMoments> {
    let (ma, mb) = (prepare(a), prepare(b));
    let fresh = || Paired(vec![PairMoments::default(); qs.len()]);
    let record = |rep, acc: &mut Paired| -> Option<()> {
        let (oa, ob) = (replicate(&ma, rep), replicate(&mb, rep));
        for (m, q) in acc.0.iter_mut().zip(qs) {
            m.record(q.value(a, &oa, false), q.value(b, &ob, true));
        }
        None
    };
    let done = |_, _: &Paired, _| Ok::<bool, std::convert::Infallible>(false);
    let Ok(total) = runner.waves(0..a.replications, fresh(), fresh, record, None, done);
    total.0
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
pub fn compare(a: &Plan, b: &Plan, runner: &Runner) -> Result<Comparison, ScenarioError> {
    let qs = quantities(a, b);
    let b = b.with(&[Override::seed(a.seed), Override::replications(a.replications)])?;
    let paired = paired_moments(a, &b, &qs, runner);
    // A different master seed gives streams unrelated to A's (SplitMix64 key schedule).
    let b_indep = b.with(&[Override::seed(a.seed ^ 0x9E37_79B9_7F4A_7C15)])?;
    let indep = paired_moments(a, &b_indep, &qs, runner);
    let n = a.replications as f64;
    let differences = qs
        .iter()
        .zip(paired.iter().zip(&indep))
        .map(|(q, (p, i))| {
            let d = p.mean_b - p.mean_a;
            let half_paired = Z95 * (p.var_diff() / n).sqrt();
            let di = i.mean_b - i.mean_a;
            let half_indep = Z95 * ((i.var_a() + i.var_b()) / n).sqrt();
            Difference {
                metric: q.path.clone(),
                a: p.mean_a,
                b: p.mean_b,
                difference: d,
                paired_ci95: [d - half_paired, d + half_paired],
                independent_difference: di,
                independent_ci95: [di - half_indep, di + half_indep],
                narrowing: (half_paired > 0.0).then(|| half_indep / half_paired),
            }
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
        w.write_record([
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
        ])
        .expect("in-memory CSV");
        for d in &self.differences {
            w.write_record([
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
            ])
            .expect("in-memory CSV");
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
