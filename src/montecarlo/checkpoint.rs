//! The point from which an interrupted run resumes.

use super::shard::{RowFile, check_format, sha256};
use super::{PARTIAL_FORMAT, Partial};
use serde::{Deserialize, Serialize};

/// Where an interrupted run can resume: the run so far (identity and statistics), the next
/// replication, and what each CSV held at that point — its length, rows and SHA-256 (later bytes
/// are cut off on resume; a file shorter than that, or with other bytes, is not resumed from).
/// Written only once the rows it counts are on disk (flushed and synced).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The format of the run's partial ([`PARTIAL_FORMAT`]): read first, so that a checkpoint of
    /// another version is refused by name.
    pub format: String,
    /// The run and its statistics up to `next_replication`.
    pub run: Partial,
    /// First replication not yet done.
    pub next_replication: u64,
    /// `replications.csv` at the checkpoint (`None` when rows are off).
    pub replications_csv: Option<RowFile>,
    /// `incidents.csv` at the checkpoint.
    pub incidents_csv: RowFile,
    /// `sha256:<hex>` of the canonical JSON of everything above (this field empty).
    pub checksum: String,
}

/// File name of the checkpoint in a work directory.
pub const CHECKPOINT: &str = "checkpoint.json";

impl Checkpoint {
    /// A checkpoint of `run` before `next_replication`, its checksum computed.
    pub fn new(
        run: Partial,
        next_replication: u64,
        replications_csv: Option<RowFile>,
        incidents_csv: RowFile,
    ) -> Checkpoint {
        let mut cp = Checkpoint {
            format: PARTIAL_FORMAT.into(),
            run,
            next_replication,
            replications_csv,
            incidents_csv,
            checksum: String::new(),
        };
        cp.checksum = cp.canonical_checksum();
        cp
    }

    fn canonical_checksum(&self) -> String {
        let mut canonical = self.clone();
        canonical.checksum.clear();
        sha256(&serde_json::to_vec(&canonical).expect("a checkpoint serializes"))
    }

    /// The checkpoint as written.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a checkpoint serializes")
    }

    /// Reads `checkpoint.json`: format, checksums (its own and its partial's), a shard of the
    /// run, and a next replication within the shard. Never panics, whatever the bytes.
    pub fn from_json(bytes: &[u8]) -> Result<Checkpoint, String> {
        check_format(bytes, "checkpoint")?;
        let cp: Checkpoint = serde_json::from_slice(bytes).map_err(|e| format!("not a checkpoint: {e}"))?;
        if cp.checksum != cp.canonical_checksum() {
            return Err(format!(
                "checksum {:?} does not match the content (altered or corrupted after it was written)",
                cp.checksum
            ));
        }
        cp.run.check_sealed().map_err(|e| format!("run: {e}"))?;
        let range = cp.run.shard.range(cp.run.replications);
        if !(range.start..=range.end).contains(&cp.next_replication) {
            return Err(format!(
                "next_replication {} is outside shard {}'s replications {}..{}",
                cp.next_replication, cp.run.shard, range.start, range.end
            ));
        }
        if let Some(f) = &cp.replications_csv
            && f.rows != cp.next_replication - range.start
        {
            return Err(format!(
                "replications_csv counts {} rows, but {} replications are done",
                f.rows,
                cp.next_replication - range.start
            ));
        }
        Ok(cp)
    }

    /// Checks the statistics against the scenario of the run (whose hash the caller has
    /// compared): they count exactly the replications done.
    pub fn check_stats(&self, s: &crate::scenario::Plan) -> Result<(), String> {
        let range = self.run.shard.range(self.run.replications);
        self.run
            .check_stats(s, self.next_replication - range.start)
            .map_err(|e| format!("run: {e}"))
    }
}
