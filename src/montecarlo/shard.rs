//! Deterministic shards and their exact merge.
//!
//! Shard `K/N` of a run of `n` replications computes the contiguous range
//! `[K·n/N, (K+1)·n/N)`. Replication *i* depends only on `(seed, i)` and every accumulator merges
//! exactly, so merging the shards' statistics in any order gives the same `RunStats` — and the
//! same `summary.json`, byte for byte — as one process running all of them.

use super::RunStats;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
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
    /// The replications of this shard in a run of `replications` (`0 <= index < count`).
    pub fn range(self, replications: u64) -> std::ops::Range<u64> {
        let count = u128::from(self.count.max(1));
        let at = |k: u64| (u128::from(k) * u128::from(replications) / count) as u64;
        at(self.index)..at(self.index.saturating_add(1))
    }

    /// Whether this is a shard of a run of `replications`: `index < count`, and no more shards
    /// than replications (every shard has at least one).
    pub fn check(self, replications: u64) -> Result<(), String> {
        if self.count == 0 || self.index >= self.count {
            return Err(format!(
                "shard {}/{}: the index must be less than the count, and the count at least 1",
                self.index, self.count
            ));
        }
        if self.count > replications {
            return Err(format!(
                "{} shards for {replications} replications: at most one shard per replication",
                self.count
            ));
        }
        Ok(())
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

/// A row file (`replications.csv`, `incidents.csv`) as its writer left it: its length, its data
/// rows (the header is not counted) and its SHA-256, which `merge` and `--resume` check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowFile {
    /// Length in bytes.
    pub bytes: u64,
    /// Data rows.
    pub rows: u64,
    /// `sha256:<hex>` of the whole file.
    pub sha256: String,
}

/// `sha256:<hex>` of `bytes`.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    let mut out = String::from("sha256:");
    for b in Sha256::digest(bytes).as_slice() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The largest `partial.json` or `checkpoint.json` read (a real one is a few hundred kilobytes).
pub const MAX_STATE_BYTES: u64 = 64 << 20;

/// What a shard writes (`partial.json`): its statistics in mergeable form, what identifies the
/// run it belongs to, the digests of its row files, and a checksum of all that.
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
    /// `replications.csv` of the shard (absent when rows are off, and in a checkpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications_csv: Option<RowFile>,
    /// `incidents.csv` of the shard (absent in a checkpoint).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incidents_csv: Option<RowFile>,
    /// A shard of a two-level run: its points of the outer design (the statistics above are
    /// then the pooled replications of its Latin-hypercube draws).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draws: Option<super::uncertainty::DrawsPart>,
    /// `sha256:<hex>` of the canonical JSON of everything above (this field empty): a partial
    /// altered or corrupted after it was written is refused.
    pub checksum: String,
}

impl Partial {
    /// The partial result of `shard` of a run of `s` with these statistics (no row files).
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
            replications_csv: None,
            incidents_csv: None,
            draws: None,
            checksum: String::new(),
        }
        .sealed()
    }

    /// With its checksum computed (after a change).
    pub fn sealed(mut self) -> Partial {
        self.checksum = self.canonical_checksum();
        self
    }

    /// The checksum of the canonical JSON of this partial with an empty checksum.
    fn canonical_checksum(&self) -> String {
        let mut canonical = self.clone();
        canonical.checksum.clear();
        sha256(&serde_json::to_vec(&canonical).expect("a partial serializes"))
    }

    /// What identifies the run (and shard), on one line: what a work directory's lock file
    /// names, so that a second process of the same run can tell.
    pub fn run_key(&self) -> String {
        format!(
            "run {} {} seed {} replications {} shard {} ({}; {})",
            self.scenario_hash, self.scenario, self.seed, self.replications, self.shard, self.format, self.tool_version
        )
    }

    /// Reads `partial.json`: its format first (an older format is refused by name), then the
    /// whole of it, its checksum and its header (shard index below the count, no more shards
    /// than replications). Never panics, whatever the bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Partial, String> {
        check_format(bytes, "partial result")?;
        let p: Partial = serde_json::from_slice(bytes).map_err(|e| format!("not a partial result: {e}"))?;
        p.check_sealed()?;
        Ok(p)
    }

    /// Its checksum and header.
    pub(crate) fn check_sealed(&self) -> Result<(), String> {
        if self.checksum != self.canonical_checksum() {
            return Err(format!(
                "checksum {:?} does not match the content (altered or corrupted after it was written)",
                self.checksum
            ));
        }
        if self.replications == 0 || self.replications > crate::scenario::limits::MAX_REPLICATIONS {
            return Err(format!(
                "replications {} is out of range (1 to {})",
                self.replications,
                crate::scenario::limits::MAX_REPLICATIONS
            ));
        }
        self.shard.check(self.replications)
    }

    /// Checks the partial against the scenario it claims to be of (`s`, whose hash the caller
    /// has compared): its statistics have this scenario's shape and count exactly `covered`
    /// replications.
    pub fn check_stats(&self, s: &crate::scenario::Plan, covered: u64) -> Result<(), String> {
        self.stats.check(s, covered)
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
/// v4 added the digests of the row files and the checksum, the critical paths, and the clients'
/// Kaplan–Meier histograms and request-share sums.
pub const PARTIAL_FORMAT: &str = "outage-sim partial v4";

/// Refuses bytes whose `format` is not [`PARTIAL_FORMAT`], naming what they hold instead.
pub(crate) fn check_format(bytes: &[u8], what: &str) -> Result<(), String> {
    #[derive(Deserialize)]
    struct Head {
        format: Option<serde_json::Value>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| format!("not a {what}: {e}"))?;
    match head.format {
        Some(serde_json::Value::String(f)) if f == PARTIAL_FORMAT => Ok(()),
        Some(serde_json::Value::String(f)) => Err(format!(
            "unknown {what} format \"{f}\" (expected \"{PARTIAL_FORMAT}\"; written by another version: run it again with this one)"
        )),
        _ => Err(format!("not a {what}: no \"format\" string")),
    }
}

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
    /// A shard that cannot be one of its run.
    #[error("{0}")]
    BadShard(String),
    /// A shard is given twice.
    #[error("shard {0} is given twice")]
    Twice(Shard),
    /// A shard is missing.
    #[error("shard {index}/{count} is missing; merge needs all {count} shards")]
    Missing {
        /// The first missing shard.
        index: u64,
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
    // A set of the indices given, not a table of `count` (which a partial could make huge).
    let mut seen = BTreeSet::new();
    for p in partials {
        p.shard.check(p.replications).map_err(MergeError::BadShard)?;
        if !seen.insert(p.shard.index) {
            return Err(MergeError::Twice(p.shard));
        }
    }
    if let Some(index) = (0..count)
        .zip(&seen)
        .find(|(k, i)| k != *i)
        .map(|(k, _)| k)
        .or_else(|| {
            let n = seen.len() as u64;
            (n < count).then_some(n)
        })
    {
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
