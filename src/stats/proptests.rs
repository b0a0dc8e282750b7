//! Property tests: merging partial accumulators in any order and grouping
//! gives exactly (`==`) the sequential result, and serde round-trips.

use std::fmt::Debug;
use std::ops::AddAssign;

use proptest::collection::vec;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::*;

/// Everything the merge property needs from an accumulator.
trait Acc:
    Clone + Debug + PartialEq + Serialize + DeserializeOwned + AddAssign<Self> + for<'a> AddAssign<&'a Self>
{
    fn merge_ref(&mut self, other: &Self);
}

macro_rules! acc {
    ($($t:ty),*) => {$(
        impl Acc for $t {
            fn merge_ref(&mut self, other: &Self) {
                self.merge(other);
            }
        }
    )*};
}
acc!(
    Moments,
    Proportion,
    DurationHistogram,
    DurationStats,
    TargetMeet,
    TimeAverage
);

/// Splits `data` at the (reduced, sorted) cut points; chunks may be empty.
fn chunks<'a, T>(data: &'a [T], cuts: &[usize]) -> Vec<&'a [T]> {
    let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (data.len() + 1)).collect();
    cuts.sort_unstable();
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts {
        out.push(&data[start..c]);
        start = c;
    }
    out.push(&data[start..]);
    out
}

/// Shuffles `parts` by random keys, then repeatedly merges a randomly chosen
/// adjacent pair (random tree shape), alternating between the three merge
/// entry points.
fn merge_randomly<A: Acc>(parts: Vec<A>, keys: &[u64], picks: &[usize]) -> A {
    let mut keyed: Vec<(u64, usize, A)> = parts
        .into_iter()
        .enumerate()
        .map(|(i, a)| (keys[i % keys.len()], i, a))
        .collect();
    keyed.sort_by_key(|(k, i, _)| (*k, *i));
    let mut parts: Vec<A> = keyed.into_iter().map(|(_, _, a)| a).collect();
    let mut step = 0;
    while parts.len() > 1 {
        let pick = picks[step % picks.len()];
        let i = pick % (parts.len() - 1);
        let right = parts.remove(i + 1);
        match (pick / 7 + step) % 3 {
            0 => parts[i] += right,
            1 => parts[i] += &right,
            _ => parts[i].merge_ref(&right),
        }
        step += 1;
    }
    parts.pop().expect("at least one part")
}

/// Records all of `data` sequentially, and chunk-wise with random merging;
/// both must be equal, and survive a serde_json round trip byte-exactly.
fn check<A: Acc, T>(
    new: impl Fn() -> A,
    record: impl Fn(&mut A, &T),
    data: &[T],
    cuts: &[usize],
    keys: &[u64],
    picks: &[usize],
) -> Result<A, TestCaseError> {
    let mut seq = new();
    for x in data {
        record(&mut seq, x);
    }
    let parts: Vec<A> = chunks(data, cuts)
        .into_iter()
        .map(|chunk| {
            let mut a = new();
            for x in chunk {
                record(&mut a, x);
            }
            a
        })
        .collect();
    let merged = merge_randomly(parts, keys, picks);
    prop_assert_eq!(&merged, &seq);

    let json = serde_json::to_string(&merged).unwrap();
    prop_assert_eq!(&json, &serde_json::to_string(&seq).unwrap());
    let back: A = serde_json::from_str(&json).unwrap();
    prop_assert_eq!(&back, &seq);
    prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
    Ok(merged)
}

/// Mixture of small, realistic (≤ 100 years in µs) and arbitrary values.
fn value() -> impl Strategy<Value = u64> {
    prop_oneof![
        0u64..2_000,
        0u64..=3_200_000_000_000_000,
        (1u64 << 62) - 1_000..=(1u64 << 62) + 1_000,
        any::<u64>(),
    ]
}

fn cuts() -> impl Strategy<Value = Vec<usize>> {
    vec(any::<usize>(), 0..10)
}

fn keys() -> impl Strategy<Value = Vec<u64>> {
    vec(any::<u64>(), 1..12)
}

fn picks() -> impl Strategy<Value = Vec<usize>> {
    vec(any::<usize>(), 1..12)
}

proptest! {
    #[test]
    fn moments_merge(data in vec(value(), 0..200), c in cuts(), k in keys(), p in picks()) {
        let m = check(Moments::default, |a, x| a.record(*x), &data, &c, &k, &p)?;
        prop_assert_eq!(m.count(), data.len() as u64);
        prop_assert_eq!(m.sum(), data.iter().map(|&x| u128::from(x)).sum::<u128>());
        prop_assert_eq!(m.min(), data.iter().copied().min());
        prop_assert_eq!(m.max(), data.iter().copied().max());
    }

    #[test]
    fn moments_variance_matches_naive(data in vec(0u64..1_000_000, 2..100)) {
        let mut m = Moments::default();
        for &x in &data {
            m.record(x);
        }
        let n = data.len() as f64;
        let mean = data.iter().map(|&x| x as f64).sum::<f64>() / n;
        let var = data.iter().map(|&x| (x as f64 - mean).powi(2)).sum::<f64>() / (n - 1.0);
        prop_assert!((m.mean().unwrap() - mean).abs() <= 1e-12 * mean.max(1.0));
        prop_assert!((m.variance().unwrap() - var).abs() <= 1e-9 * var.max(1.0));
        if data.iter().all(|&x| x == data[0]) {
            prop_assert_eq!(m.variance(), Some(0.0));
        }
    }

    #[test]
    fn proportion_merge(data in vec((0u64..50, 0u64..50), 0..100), c in cuts(), k in keys(), p in picks()) {
        let pr = check(
            Proportion::default,
            |a, &(s, extra)| a.record_many(s, s + extra),
            &data, &c, &k, &p,
        )?;
        prop_assert_eq!(pr.successes(), data.iter().map(|&(s, _)| s).sum::<u64>());
    }

    #[test]
    fn proportion_record_merge(data in vec(any::<bool>(), 0..200), c in cuts(), k in keys(), p in picks()) {
        check(Proportion::default, |a, &b| a.record(b), &data, &c, &k, &p)?;
    }

    #[test]
    fn histogram_merge(data in vec(value(), 0..200), c in cuts(), k in keys(), p in picks()) {
        let h = check(DurationHistogram::default, |a, x| a.record(*x), &data, &c, &k, &p)?;
        prop_assert_eq!(h.count(), data.len() as u64);
        // Merged quantiles equal the sequential ones (exact bucket counts).
        let mut seq = DurationHistogram::default();
        for &x in &data {
            seq.record(x);
        }
        for q in [0.0, 0.5, 0.9, 0.99, 1.0] {
            prop_assert_eq!(h.quantile(q), seq.quantile(q));
        }
    }

    #[test]
    fn duration_stats_merge(data in vec(value(), 0..200), c in cuts(), k in keys(), p in picks()) {
        let s = check(DurationStats::default, |a, x| a.record(*x), &data, &c, &k, &p)?;
        let mut seq = DurationStats::default();
        for &x in &data {
            seq.record(x);
        }
        // The point of it all: byte-identical summary JSON.
        prop_assert_eq!(
            serde_json::to_string(&s.summary()).unwrap(),
            serde_json::to_string(&seq.summary()).unwrap()
        );
        if let Some(sum) = s.summary() {
            prop_assert!(sum.min <= sum.p50 && sum.p50 <= sum.p90 && sum.p90 <= sum.p95);
            prop_assert!(sum.p95 <= sum.p99 && sum.p99 <= sum.max);
            prop_assert!(sum.min <= sum.mean && sum.mean <= sum.max);
        }
    }

    #[test]
    fn target_meet_merge(data in vec((value(), value()), 0..200), c in cuts(), k in keys(), p in picks()) {
        let t = check(TargetMeet::default, |a, &(v, tg)| { a.record(v, tg); }, &data, &c, &k, &p)?;
        prop_assert_eq!(
            t.proportion().successes(),
            data.iter().filter(|(v, tg)| v <= tg).count() as u64
        );
    }

    #[test]
    fn time_average_merge(
        window in prop_oneof![1u64..100, 1u64..=3_200_000_000_000_000, Just(u64::MAX)],
        data in vec(any::<u64>(), 0..200),
        c in cuts(), k in keys(), p in picks(),
    ) {
        let t = check(
            || TimeAverage::new(window),
            |a, &x| a.record(if window == u64::MAX { x } else { x % (window + 1) }),
            &data, &c, &k, &p,
        )?;
        if let (Some(av), Some((lo, hi))) = (t.availability(), t.ci95()) {
            prop_assert!((0.0..=1.0).contains(&av));
            prop_assert!(lo <= av && av <= hi);
        }
    }

    #[test]
    fn time_average_with_default_parts(
        data in vec(0u64..=1000, 0..50), c in cuts(), k in keys(), p in picks(),
    ) {
        // Window-less Default parts (e.g. rayon identities) merge as identities.
        let mut seq = TimeAverage::new(1000);
        for &x in &data {
            seq.record(x);
        }
        let mut parts: Vec<TimeAverage> = chunks(&data, &c)
            .into_iter()
            .map(|chunk| {
                let mut a = TimeAverage::new(1000);
                for &x in chunk {
                    a.record(x);
                }
                a
            })
            .collect();
        parts.push(TimeAverage::default());
        parts.insert(0, TimeAverage::default());
        prop_assert_eq!(merge_randomly(parts, &k, &p), seq);
    }

    #[test]
    fn wilson_contains_estimate(trials in 1u64..10_000, s in any::<u64>(), z in 0.0f64..5.0) {
        let successes = s % (trials + 1);
        let (lo, hi) = wilson_interval(successes, trials, z);
        let p = successes as f64 / trials as f64;
        prop_assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
        prop_assert!(lo <= p + 1e-12 && p <= hi + 1e-12, "{} not in [{}, {}]", p, lo, hi);
    }
}
