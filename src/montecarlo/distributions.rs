//! `distributions.json`: the empirical distributions behind the summary's percentiles, compact
//! enough to keep with every run, so that `outage-sim report` can draw CDFs and histograms of a
//! finished run (or a merged one) without the rows.

use crate::model::Plane;
use crate::model::Scenario;
use crate::montecarlo::RunStats;
use crate::stats::{DurationStats, TICKS_PER_SECOND};
use serde::{Deserialize, Serialize};

/// Points kept per distribution: the CDF at evenly spaced ranks (plus the extremes).
const POINTS: u64 = 400;

/// Every duration distribution of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Distributions {
    /// In a fixed order: zone incidents RTO, RPO per plane, then regional disasters.
    pub families: Vec<Family>,
}

/// One empirical distribution of durations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Family {
    /// Stable key: the path of its summary in `summary.json`, e.g. `zone_incidents.data_plane.rto`.
    pub key: String,
    /// For people, e.g. `Data plane RTO, zone incidents`.
    pub title: String,
    /// `rto` or `rpo`.
    pub objective: String,
    /// The plane, by its key (`data_plane`) as in `summary.json`.
    #[serde(with = "super::summary::plane_key")]
    pub plane: Plane,
    /// The target, seconds.
    pub target_s: f64,
    /// Values recorded.
    pub count: u64,
    /// `(seconds, fraction ≤ it)`, ascending, at most about 400 points; empty when `count` is 0.
    /// Values are the low ends of the histogram's buckets (3 significant digits).
    pub cdf: Vec<[f64; 2]>,
}

impl Distributions {
    /// The distributions of a finished run.
    pub fn new(s: &Scenario, stats: &RunStats) -> Distributions {
        let mut families = Vec::new();
        for plane in Plane::ALL {
            let p = &stats.planes[plane.index()];
            let t = s.targets[plane.index()];
            families.push(family(
                "zone_incidents",
                "zone incidents",
                plane,
                "rto",
                &p.rto,
                t.rto.as_secs_f64(),
            ));
            families.push(family(
                "zone_incidents",
                "zone incidents",
                plane,
                "rpo",
                &p.rpo,
                t.rpo.as_secs_f64(),
            ));
        }
        if let Some(d) = &stats.disasters {
            for plane in Plane::ALL {
                let p = &d.planes[plane.index()];
                let t = s.targets[plane.index()];
                let what = "regional disasters";
                families.push(family(
                    "region_disasters",
                    what,
                    plane,
                    "rto",
                    &p.rto,
                    t.rto.as_secs_f64(),
                ));
                families.push(family(
                    "region_disasters",
                    what,
                    plane,
                    "rpo",
                    &p.rpo,
                    t.rpo.as_secs_f64(),
                ));
            }
        }
        Distributions { families }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = serde_json::to_vec_pretty(self).expect("distributions serialize");
        out.push(b'\n');
        out
    }

    /// The family with this key.
    pub fn get(&self, key: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.key == key)
    }
}

fn family(section: &str, what: &str, plane: Plane, objective: &str, d: &DurationStats, target_s: f64) -> Family {
    let plane_name = match plane {
        Plane::Control => "Control plane",
        Plane::Data => "Data plane",
    };
    Family {
        key: format!("{section}.{}.{objective}", plane.key()),
        title: format!("{plane_name} {}, {what}", objective.to_uppercase()),
        objective: objective.into(),
        plane,
        target_s,
        count: d.count(),
        cdf: cdf(d),
    }
}

/// The CDF at about [`POINTS`] evenly spaced ranks: each point is the last bucket reaching a rank
/// step, so steep regions keep their shape and the last point is always `(max bucket, 1)`.
fn cdf(d: &DurationStats) -> Vec<[f64; 2]> {
    let n = d.count();
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    let step = n.div_ceil(POINTS).max(1);
    let mut seen = 0u64;
    let mut next = 0u64;
    let buckets = d.histogram().buckets();
    let last = buckets.len() - 1;
    for (i, (value, count)) in buckets.into_iter().enumerate() {
        seen += count;
        if seen >= next || i == last {
            out.push([value as f64 / TICKS_PER_SECOND as f64, seen as f64 / n as f64]);
            next = seen + step;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdf_is_monotone_ends_at_one_and_is_compact() {
        let mut d = DurationStats::new();
        for i in 1..=100_000u64 {
            d.record(i * 1_000_000);
        }
        let c = cdf(&d);
        assert!(c.len() <= POINTS as usize + 2, "{} points", c.len());
        assert!(c.windows(2).all(|w| w[0][0] < w[1][0] && w[0][1] < w[1][1]));
        assert_eq!(c.last().unwrap()[1], 1.0);
        // The median point: about half the values are below 50 000 s.
        let mid = c.iter().find(|p| p[0] >= 50_000.0).unwrap();
        assert!((mid[1] - 0.5).abs() < 0.01, "{mid:?}");
    }

    #[test]
    fn empty_and_single_value() {
        assert!(cdf(&DurationStats::new()).is_empty());
        let mut d = DurationStats::new();
        d.record(5 * TICKS_PER_SECOND);
        let c = cdf(&d);
        assert_eq!(c.len(), 1);
        // The bucket's low end: within the histogram's 3 significant digits.
        assert!((c[0][0] - 5.0).abs() <= 5.0e-3 && c[0][1] == 1.0, "{c:?}");
    }
}
