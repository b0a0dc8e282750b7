//! The point from which an interrupted run resumes.

use super::Partial;

/// Where an interrupted run can resume: the run so far (identity and statistics), the next
/// replication, and how much of each CSV belongs to it (later bytes are cut off on resume).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    /// The run and its statistics up to `next_replication`.
    pub run: Partial,
    /// First replication not yet done.
    pub next_replication: u64,
    /// Length of `replications.csv` at the checkpoint (`None` when rows are off).
    pub replications_csv_bytes: Option<u64>,
    /// Length of `incidents.csv` at the checkpoint.
    pub incidents_csv_bytes: u64,
}

/// File name of the checkpoint in a work directory.
pub const CHECKPOINT: &str = "checkpoint.json";
