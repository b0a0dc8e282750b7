//! Deterministic shards and their exact merge.
//!
//! Shard `K/N` of a run of `n` replications computes the contiguous range
//! `[K·n/N, (K+1)·n/N)`. Replication *i* depends only on `(seed, i)` and every accumulator merges
//! exactly, so merging the shards' statistics in any order gives the same `RunStats` — and the
//! same `summary.json`, byte for byte — as one process running all of them.

use super::RunStats;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (0-based).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which shard, 0-based.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl Shard {
    /// The replications of this shard in a run of `replications`.
    pub fn range(self, replications: u64) -> std::ops::Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(replications) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl FromStr for Shard {
    type Err = String;
    /// `K/N` with 0 ≤ K < N.
    fn from_str(text: &str) -> Result<Shard, String> {
        let usage = || format!("invalid shard \"{text}\": write K/N with 0 <= K < N, e.g. 0/4");
        let (k, n) = text.split_once('/').ok_or_else(usage)?;
        let index: u64 = k.trim().parse().map_err(|_| usage())?;
        let count: u64 = n.trim().parse().map_err(|_| usage())?;
        if count == 0 || index >= count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a shard writes (`partial.json`): its statistics in mergeable form and what identifies
/// the run it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// Format marker.
    pub format: String,
    /// Tool version that computed it.
    pub tool_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Hash of the scenario's canonical form: partials of different scenarios never merge.
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications of the whole run.
    pub replications: u64,
    /// Which shard.
    pub shard: Shard,
    /// Its statistics.
    pub stats: RunStats,
}

impl Partial {
    /// The partial result of `shard` of a run of `s` with these statistics.
    pub fn new(s: &crate::scenario::Plan, shard: Shard, stats: RunStats) -> Partial {
        Partial {
            format: PARTIAL_FORMAT.into(),
            tool_version: env!("CARGO_PKG_VERSION").into(),
            scenario: s.name.clone(),
            scenario_hash: s.hash(),
            seed: s.seed,
            replications: s.replications,
            shard,
            stats,
        }
    }

    /// Whether `other` belongs to the same run (everything but the statistics agrees).
    pub fn same_run(&self, other: &Partial) -> bool {
        (
            &self.format,
            &self.tool_version,
            &self.scenario_hash,
            self.seed,
            self.replications,
            self.shard,
        ) == (
            &other.format,
            &other.tool_version,
            &other.scenario_hash,
            other.seed,
            other.replications,
            other.shard,
        )
    }
}

/// The format marker of [`Partial`] (and of checkpoints, which hold one). It changes whenever
/// [`RunStats`] changes shape — v2 added the misses per replication — so that a partial of an
/// older build is refused by name rather than failing on a missing field.
pub const PARTIAL_FORMAT: &str = "outage-sim partial v4";

/// Why partial results cannot be merged into one run.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// No partials were given.
    #[error("no partial results to merge")]
    Empty,
    /// A partial is not in the format this version writes.
    #[error("unknown partial format \"{0}\" (expected \"{PARTIAL_FORMAT}\")")]
    Format(String),
    /// Two partials belong to different runs.
    #[error("cannot merge partials of different {what}: {this} and {first}")]
    Differ {
        /// What differs, e.g. `seeds`.
        what: &'static str,
        /// The value in a later partial.
        this: String,
        /// The value in the first partial.
        first: String,
    },
    /// More shards than this machine can count.
    #[error("too many shards")]
    TooManyShards,
    /// A shard is given twice.
    #[error("shard {0} is given twice")]
    Twice(Shard),
    /// A shard is missing.
    #[error("shard {index}/{count} is missing; merge needs all {count} shards")]
    Missing {
        /// The first missing shard.
        index: usize,
        /// How many shards the run has.
        count: u64,
    },
}

/// Merges the partials of one run. Refuses partials of different scenarios, seeds, replication
/// counts, shard counts or tool versions, and a set that is not exactly one of each shard.
pub fn merge_partials(partials: &[Partial]) -> Result<RunStats, MergeError> {
    let first = partials.first().ok_or(MergeError::Empty)?;
    for p in partials {
        if p.format != PARTIAL_FORMAT {
            return Err(MergeError::Format(p.format.clone()));
        }
        let differs = |what, this: &dyn fmt::Display, first: &dyn fmt::Display| {
            Err(MergeError::Differ {
                what,
                this: this.to_string(),
                first: first.to_string(),
            })
        };
        if p.tool_version != first.tool_version {
            return differs("tool versions", &p.tool_version, &first.tool_version);
        }
        if p.scenario_hash != first.scenario_hash {
            return differs(
                "scenarios",
                &format!("{} ({})", p.scenario, p.scenario_hash),
                &format!("{} ({})", first.scenario, first.scenario_hash),
            );
        }
        if p.seed != first.seed {
            return differs("seeds", &p.seed, &first.seed);
        }
        if p.replications != first.replications {
            return differs("replication counts", &p.replications, &first.replications);
        }
        if p.shard.count != first.shard.count {
            return differs("shard counts", &p.shard.count, &first.shard.count);
        }
    }
    let count = first.shard.count;
    let mut seen = vec![false; usize::try_from(count).map_err(|_| MergeError::TooManyShards)?];
    for p in partials {
        let slot = &mut seen[p.shard.index as usize];
        if std::mem::replace(slot, true) {
            return Err(MergeError::Twice(p.shard));
        }
    }
    if let Some(index) = seen.iter().position(|&s| !s) {
        return Err(MergeError::Missing { index, count });
    }
    let mut total = first.stats.clone();
    for p in &partials[1..] {
        total.merge(&p.stats);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_replications() {
        for (n, count) in [(10, 3), (7, 7), (3, 7), (1_000_003, 4)] {
            let mut next = 0;
            for index in 0..count {
                let r = Shard { index, count }.range(n);
                assert_eq!(r.start, next);
                next = r.end;
            }
            assert_eq!(next, n);
        }
        assert_eq!("2/5".parse::<Shard>().unwrap(), Shard { index: 2, count: 5 });
        for bad in ["5/5", "1/0", "x/2", "3", "-1/2"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
