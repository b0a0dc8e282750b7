//! Properties of whole runs: identical summaries whatever the thread count, and merging partial
//! statistics in any grouping and order gives the single run's statistics exactly.

use super::common::{load, summary_json, with_seed};
use outage_sim::montecarlo::{self, RunOptions, RunStats, Shard};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn summaries_do_not_depend_on_the_thread_count(seed in any::<u64>(), replications in 1u64..400, threads in 2usize..5) {
        let s = with_seed(&load("scenarios/community-training-standard-zonal.toml"), seed, replications);
        prop_assert_eq!(summary_json(&s, Some(1)), summary_json(&s, Some(threads)));
    }

    #[test]
    fn merge_is_associative_and_commutative(
        seed in any::<u64>(),
        count in 1u64..9,
        order in Just(()).prop_perturb(|_, mut rng| {
            let mut v: Vec<usize> = (0..8).collect();
            for i in (1..v.len()).rev() {
                v.swap(i, rng.random_range(0..=i));
            }
            v
        }),
    ) {
        let s = with_seed(&load("scenarios/region-disaster-drill.toml"), seed, 300);
        let whole = montecarlo::run(&s, &RunOptions::default(), |_| Ok::<(), ()>(())).unwrap();
        let parts: Vec<RunStats> = (0..count)
            .map(|index| {
                let options = RunOptions { shard: Some(Shard { index, count }), ..RunOptions::default() };
                montecarlo::run(&s, &options, |_| Ok::<(), ()>(())).unwrap()
            })
            .collect();
        // Merge in a random order (a permutation of 0..8 restricted to the shards), left to right...
        let idx: Vec<usize> = order.into_iter().filter(|&i| (i as u64) < count).collect();
        let mut left = parts[idx[0]].clone();
        for &i in &idx[1..] {
            left.merge(&parts[i]);
        }
        // ...and as a tree of pairs (another grouping).
        let mut level = parts.clone();
        while level.len() > 1 {
            level = level
                .chunks(2)
                .map(|pair| {
                    let mut a = pair[0].clone();
                    if let Some(b) = pair.get(1) {
                        a.merge(b);
                    }
                    a
                })
                .collect();
        }
        prop_assert_eq!(&left, &whole);
        prop_assert_eq!(&level[0], &whole);
    }
}
