//! Kaplan–Meier survival of a time-to-event with right censoring, mergeable exactly.

use serde::{Deserialize, Serialize};

use super::histogram::DurationHistogram;
use super::ticks_to_secs;

/// Times to an event (e.g. a client's reconnection) of which some are right-censored (the
/// observation ended first: the client never reconnected while it was watched). Keeps two
/// [`DurationHistogram`]s — event times and censoring times — at the histogram's fixed bucket
/// edges (0.1 % of the value), so merging adds integer counts and any split of the records gives
/// the same state. The Kaplan–Meier estimate is computed only at the end
/// ([`Survival::summary`]), with the bucket as its time grid: within a bucket, events come
/// before censorings (the usual convention for ties), and a step is placed at the bucket's upper
/// end, so times are resolved to 0.1 %, rounded up.
///
/// # Example
/// ```
/// # use outage_sim::stats::Survival;
/// let mut s = Survival::default();
/// s.record_event(10_000_000);
/// s.record_censored(5_000_000);
/// let sum = s.summary(1.96).unwrap();
/// assert_eq!((sum.subjects, sum.events, sum.censored), (2, 1, 1));
/// // The only event is at 10 s, with one subject at risk: S drops to 0 there (the step is at
/// // the upper end of its 0.1 % bucket).
/// let median = sum.p50.estimate.unwrap();
/// assert!((10.0..=10.01).contains(&median));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survival {
    events: DurationHistogram,
    censored: DurationHistogram,
}

/// A quantile of the time to the event from a Kaplan–Meier curve, in seconds: the first time the
/// curve is at or below 1 − q. `None` where the curve (or its confidence band) never gets there:
/// *not reached*, because too many subjects were censored before.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct KmQuantile {
    /// Estimate; `null`: not reached.
    pub estimate: Option<f64>,
    /// Interval `[lo, hi]` from the Greenwood band (Brookmeyer–Crowley construction, plain
    /// scale); `hi` `null`: unbounded (the band's upper side never reaches 1 − q).
    pub ci95: [Option<f64>; 2],
}

/// Summary of a [`Survival`] (seconds).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurvivalSummary {
    /// Subjects observed: events and censored.
    pub subjects: u64,
    /// Subjects whose event was seen.
    pub events: u64,
    /// Subjects censored (the event not seen by the end of their observation).
    pub censored: u64,
    /// `censored / subjects`.
    pub censored_share: f64,
    /// Median time to the event.
    pub p50: KmQuantile,
    /// 90th percentile.
    pub p90: KmQuantile,
    /// 99th percentile.
    pub p99: KmQuantile,
}

/// One step of the Kaplan–Meier curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KmStep {
    /// Time of the step, ticks (upper end of its bucket).
    pub ticks: u64,
    /// S(t) just after the step.
    pub survival: f64,
    /// Its Greenwood standard error.
    pub std_error: f64,
}

impl Survival {
    /// The empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an event at `ticks`.
    pub fn record_event(&mut self, ticks: u64) {
        self.events.record(ticks);
    }

    /// Records a subject censored at `ticks` (watched that long without the event).
    pub fn record_censored(&mut self, ticks: u64) {
        self.censored.record(ticks);
    }

    /// Adds `other`'s records (exact, associative, commutative).
    pub fn merge(&mut self, other: &Self) {
        self.events.merge(&other.events);
        self.censored.merge(&other.censored);
    }

    /// Subjects recorded.
    pub fn subjects(&self) -> u64 {
        self.events.count() + self.censored.count()
    }

    /// The event times (the histogram of the uncensored subjects).
    pub fn events(&self) -> &DurationHistogram {
        &self.events
    }

    /// The Kaplan–Meier curve: one step per bucket holding events, with S(t) and its Greenwood
    /// standard error `S·√(Σ dᵢ/(nᵢ(nᵢ − dᵢ)))`.
    pub fn curve(&self) -> Vec<KmStep> {
        let (ev, ce) = (self.events.buckets(), self.censored.buckets());
        let mut at_risk = self.subjects();
        let (mut s, mut greenwood) = (1.0f64, 0.0f64);
        let mut out = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < ev.len() || j < ce.len() {
            let key = match (ev.get(i), ce.get(j)) {
                (Some(a), Some(b)) => a.0.min(b.0),
                (Some(a), None) => a.0,
                (None, Some(b)) => b.0,
                (None, None) => unreachable!(),
            };
            let d = match ev.get(i) {
                Some(&(k, c)) if k == key => {
                    i += 1;
                    c
                }
                _ => 0,
            };
            let c = match ce.get(j) {
                Some(&(k, c)) if k == key => {
                    j += 1;
                    c
                }
                _ => 0,
            };
            if d > 0 {
                let n = at_risk as f64;
                s *= 1.0 - d as f64 / n;
                if d < at_risk {
                    greenwood += d as f64 / (n * (n - d as f64));
                }
                out.push(KmStep {
                    ticks: self.events.highest_equivalent(key),
                    survival: s,
                    std_error: if d < at_risk { s * greenwood.sqrt() } else { 0.0 },
                });
            }
            at_risk -= d + c;
        }
        out
    }

    /// S(t) and its standard error at `ticks` (1 and 0 before the first event); `None` when
    /// nothing was recorded.
    pub fn survival_at(&self, ticks: u64) -> Option<(f64, f64)> {
        (self.subjects() > 0).then(|| {
            self.curve()
                .iter()
                .take_while(|st| st.ticks <= ticks)
                .last()
                .map_or((1.0, 0.0), |st| (st.survival, st.std_error))
        })
    }

    /// The `q`-quantile with its interval at normal quantile `z`.
    pub fn quantile(&self, q: f64, z: f64) -> KmQuantile {
        let curve = self.curve();
        let level = 1.0 - q;
        // A small tolerance so that S = 0.5 exactly (e.g. 1 of 2) counts as reaching 0.5.
        let reach = |v: f64| v <= level + 1e-12;
        let first = |f: &dyn Fn(&KmStep) -> f64| {
            curve
                .iter()
                .find(|st| reach(f(st)))
                .map(|st| ticks_to_secs(st.ticks as f64))
        };
        KmQuantile {
            estimate: first(&|st| st.survival),
            ci95: [
                first(&|st| (st.survival - z * st.std_error).max(0.0)),
                first(&|st| (st.survival + z * st.std_error).min(1.0)),
            ],
        }
    }

    /// Summary at normal quantile `z` (1.96 for 95 %); `None` when nothing was recorded.
    pub fn summary(&self, z: f64) -> Option<SurvivalSummary> {
        let subjects = self.subjects();
        (subjects > 0).then(|| SurvivalSummary {
            subjects,
            events: self.events.count(),
            censored: self.censored.count(),
            censored_share: self.censored.count() as f64 / subjects as f64,
            p50: self.quantile(0.5, z),
            p90: self.quantile(0.9, z),
            p99: self.quantile(0.99, z),
        })
    }
}

impl_add_assign_via_merge!(Survival);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{TICKS_PER_SECOND, Z95};

    use crate::stats::test_rng::{next, uniform};

    /// Exponential event times (mean 60 s) censored by independent uniform follow-up on
    /// [0, 120 s): the estimate equals the exact survival exp(−t/60) within 4 standard errors at
    /// every checked time, and the median within 4 SE of the curve's slope-scaled error — checked
    /// here through its interval, which must cover ln 2 · 60 s.
    #[test]
    fn kaplan_meier_matches_the_exact_survival_under_random_censoring() {
        let mut state = 20261202u64;
        let mut s = Survival::new();
        let mean = 60.0;
        let mut censored = 0;
        for _ in 0..4000 {
            let t = -mean * (1.0 - uniform(&mut state)).ln();
            let c = 120.0 * uniform(&mut state);
            if t <= c {
                s.record_event((t * TICKS_PER_SECOND as f64) as u64);
            } else {
                s.record_censored((c * TICKS_PER_SECOND as f64) as u64);
                censored += 1;
            }
        }
        // P(censored) = ∫₀¹²⁰ (1/120)·exp(−c/60) dc = 0.5·(1 − e⁻²) ≈ 0.432: a real test of the
        // censoring.
        assert!(censored > 1500, "{censored}");
        for t in [5.0, 15.0, 30.0, 45.0, 60.0, 90.0] {
            let (est, se) = s.survival_at((t * TICKS_PER_SECOND as f64) as u64).unwrap();
            let exact = (-t / mean).exp();
            assert!(se > 0.0);
            assert!((est - exact).abs() <= 4.0 * se, "t {t}: {est} vs {exact} (SE {se})");
        }
        // The naive mean of the observed events is biased low (short times are over-represented
        // among the uncensored); Kaplan–Meier is not: its median covers the truth.
        let m = s.quantile(0.5, Z95);
        let truth = mean * std::f64::consts::LN_2;
        let (lo, hi) = (m.ci95[0].unwrap(), m.ci95[1].unwrap());
        assert!(lo <= truth && truth <= hi, "median {m:?} vs {truth}");
        assert!(m.estimate.unwrap() >= lo && m.estimate.unwrap() <= hi);
    }

    #[test]
    fn everyone_censored_reports_not_reached() {
        let mut s = Survival::new();
        for i in 1..=50u64 {
            s.record_censored(i * TICKS_PER_SECOND);
        }
        let sum = s.summary(Z95).unwrap();
        assert_eq!((sum.subjects, sum.events, sum.censored), (50, 0, 50));
        assert_eq!(sum.censored_share, 1.0);
        for q in [sum.p50, sum.p90, sum.p99] {
            assert_eq!(q.estimate, None);
            assert_eq!(q.ci95, [None, None]);
        }
        assert_eq!(s.survival_at(100 * TICKS_PER_SECOND), Some((1.0, 0.0)));
    }

    #[test]
    fn a_plateau_above_the_level_leaves_the_high_quantiles_not_reached() {
        // 400 reconnect at 1..400 s, 7600 never do (censored at 30 min): S plateaus at 0.95.
        let mut s = Survival::new();
        for i in 1..=400u64 {
            s.record_event(i * TICKS_PER_SECOND);
        }
        for _ in 0..7600 {
            s.record_censored(1800 * TICKS_PER_SECOND);
        }
        let sum = s.summary(Z95).unwrap();
        assert!((sum.censored_share - 0.95).abs() < 1e-12);
        assert_eq!(sum.p50.estimate, None);
        assert_eq!(sum.p90.estimate, None);
        let (last, _) = s.survival_at(3600 * TICKS_PER_SECOND).unwrap();
        assert!((last - 0.95).abs() < 1e-12, "{last}");
    }

    #[test]
    fn without_censoring_it_is_the_empirical_distribution() {
        let mut s = Survival::new();
        for i in 1..=100u64 {
            s.record_event(i * TICKS_PER_SECOND);
        }
        let sum = s.summary(Z95).unwrap();
        assert_eq!(sum.censored, 0);
        // Steps at the upper end of the 0.1 % buckets.
        for (q, exact) in [(sum.p50, 50.0), (sum.p90, 90.0), (sum.p99, 99.0)] {
            let v = q.estimate.unwrap();
            assert!(v >= exact && v <= exact * 1.001, "{v} vs {exact}");
        }
        let (lo, hi) = (sum.p50.ci95[0].unwrap(), sum.p50.ci95[1].unwrap());
        assert!(lo < 50.0 && 50.0 < hi, "{lo} {hi}");
    }

    #[test]
    fn merging_any_split_gives_the_same_state() {
        let mut state = 7u64;
        let records: Vec<(bool, u64)> = (0..500)
            .map(|_| (next(&mut state) % 3 == 0, next(&mut state) % (3600 * TICKS_PER_SECOND)))
            .collect();
        let fold = |rs: &[(bool, u64)]| {
            let mut s = Survival::new();
            for &(c, t) in rs {
                if c {
                    s.record_censored(t);
                } else {
                    s.record_event(t);
                }
            }
            s
        };
        let whole = fold(&records);
        for cut in [0, 1, 137, 499, 500] {
            let mut a = fold(&records[cut..]);
            a.merge(&fold(&records[..cut]));
            assert_eq!(a, whole);
            assert_eq!(a.summary(Z95), whole.summary(Z95));
        }
        let json = serde_json::to_string(&whole).unwrap();
        assert_eq!(serde_json::from_str::<Survival>(&json).unwrap(), whole);
    }
}
