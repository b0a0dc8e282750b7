//! The one place that writes result files.
//!
//! A run writes into a hidden work directory marked incomplete (see [`crate::publish`]), streams
//! the CSV rows there, and only when everything is written renames it to `results/<scenario>/`.
//! A run that fails or is killed therefore never leaves a complete-looking partial result, and a
//! run rejected for bad input writes nothing at all (the writer is created after validation).

use crate::model::{Process, ReplicationOutcome, Scenario};
use crate::montecarlo::{CHECKPOINT, Checkpoint, Distributions, Partial, RunStats, Summary};
use crate::publish::{self, WorkDir};
use crate::report as rows;
use crate::scenario::Plan;
use std::fs::{self, File};
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

pub use crate::publish::INCOMPLETE_MARKER;

/// What a finished run publishes beside its rows and `scenario.toml`.
#[derive(Clone, Copy, Debug)]
pub enum Finished<'a> {
    /// A whole run, or shards merged into one: `summary.json` and `distributions.json`.
    Run {
        /// Its statistics.
        stats: &'a RunStats,
        /// The summary written as `summary.json`.
        summary: &'a Summary,
    },
    /// One shard of a run: `partial.json`, for `merge`.
    Shard(&'a Partial),
}

/// Streams the rows of a run and publishes its results atomically.
pub struct ResultsWriter {
    dir: WorkDir,
    replications: Option<csv::Writer<BufWriter<File>>>,
    incidents: csv::Writer<BufWriter<File>>,
}

fn csv_writer(path: &Path) -> io::Result<csv::Writer<BufWriter<File>>> {
    Ok(csv::Writer::from_writer(BufWriter::new(File::create(path)?)))
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

/// Flushes a CSV stream and syncs its file, so that what is published is on disk.
fn close(w: csv::Writer<BufWriter<File>>) -> io::Result<()> {
    let file = w
        .into_inner()
        .map_err(|e| e.into_error())?
        .into_inner()
        .map_err(|e| e.into_error())?;
    file.sync_all()
}

impl ResultsWriter {
    /// Prepares `root/<scenario>/` (written in a hidden work directory until [`finish`](Self::finish)).
    pub fn create(root: &Path, s: &Scenario, replication_rows: bool) -> io::Result<ResultsWriter> {
        Self::create_named(root, &s.name, s, replication_rows)
    }

    /// Like [`create`](Self::create), publishing to `root/<dir_name>/` (a shard's directory).
    pub fn create_named(
        root: &Path,
        dir_name: &str,
        s: &Scenario,
        replication_rows: bool,
    ) -> io::Result<ResultsWriter> {
        let dir = WorkDir::create(root, dir_name)?;
        let replications = if replication_rows {
            let mut w = csv_writer(&dir.path().join("replications.csv"))?;
            w.write_record(rows::replication_header(s)).map_err(csv_err)?;
            Some(w)
        } else {
            None
        };
        let mut incidents = csv_writer(&dir.path().join("incidents.csv"))?;
        incidents.write_record(rows::INCIDENT_HEADER).map_err(csv_err)?;
        Ok(ResultsWriter {
            dir,
            replications,
            incidents,
        })
    }

    /// Appends the rows of one replication.
    pub fn write_outcome(&mut self, s: &Scenario, procs: &[Process], o: &ReplicationOutcome) -> io::Result<()> {
        if let Some(w) = self.replications.as_mut() {
            w.write_record(rows::replication_row(s, o)).map_err(csv_err)?;
        }
        for inc in &o.incidents {
            self.incidents
                .write_record(rows::incident_row(s, procs, o, inc))
                .map_err(csv_err)?;
        }
        Ok(())
    }

    /// Appends the data rows of a CSV written by another run (a shard) to ours.
    pub fn append_rows(&mut self, file: &Path) -> io::Result<()> {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let target = match name {
            "incidents.csv" => &mut self.incidents,
            "replications.csv" => match self.replications.as_mut() {
                Some(w) => w,
                None => return Ok(()),
            },
            _ => return Err(io::Error::other(format!("not a results CSV: {}", file.display()))),
        };
        let mut reader = csv::Reader::from_path(file).map_err(csv_err)?;
        for record in reader.records() {
            target.write_record(&record.map_err(csv_err)?).map_err(csv_err)?;
        }
        Ok(())
    }

    /// Closes the rows, writes what `finished` calls for and the scenario, then publishes the
    /// directory. Returns its path.
    pub fn finish(self, s: &Plan, finished: Finished<'_>) -> io::Result<PathBuf> {
        if let Some(w) = self.replications {
            close(w)?;
        }
        close(self.incidents)?;
        let dir = self.dir;
        match finished {
            Finished::Run { stats, summary } => {
                dir.write("distributions.json", &Distributions::new(s, stats).to_json())?;
                dir.write("summary.json", &summary.to_json())?;
            }
            Finished::Shard(partial) => {
                dir.write("partial.json", &serde_json::to_vec(partial).map_err(io::Error::other)?)?;
            }
        }
        dir.write("scenario.toml", s.to_toml().as_bytes())?;
        // Checkpoints only matter while the run is incomplete.
        let _ = fs::remove_file(dir.path().join(CHECKPOINT));
        dir.publish()
    }

    /// Records a checkpoint: flushes the rows, notes their length, writes `checkpoint.json`
    /// (atomically, so a checkpoint is either the old or the new one).
    pub fn checkpoint(&mut self, run: Partial, next_replication: u64) -> io::Result<()> {
        if let Some(w) = self.replications.as_mut() {
            w.flush()?;
        }
        self.incidents.flush()?;
        let len = |name: &str| fs::metadata(self.dir.path().join(name)).map(|m| m.len());
        let cp = Checkpoint {
            run,
            next_replication,
            replications_csv_bytes: match self.replications {
                Some(_) => Some(len("replications.csv")?),
                None => None,
            },
            incidents_csv_bytes: len("incidents.csv")?,
        };
        let bytes = serde_json::to_vec(&cp).map_err(io::Error::other)?;
        publish::write_file(&self.dir.path().join(CHECKPOINT), &bytes)
    }

    /// Finds the interrupted run of `identity` below `root` that got furthest (a hidden work
    /// directory of `dir_name` with a matching checkpoint), cuts its rows back to the checkpoint
    /// and reopens it. `None` when there is none.
    pub fn resume(
        root: &Path,
        dir_name: &str,
        identity: &Partial,
        replication_rows: bool,
    ) -> io::Result<Option<(ResultsWriter, u64, RunStats)>> {
        let mut best: Option<(PathBuf, Checkpoint)> = None;
        for path in WorkDir::leftovers(root, dir_name)? {
            let Some(cp) = fs::read(path.join(CHECKPOINT))
                .ok()
                .and_then(|b| serde_json::from_slice::<Checkpoint>(&b).ok())
            else {
                continue;
            };
            if cp.run.same_run(identity)
                && cp.replications_csv_bytes.is_some() == replication_rows
                && best
                    .as_ref()
                    .is_none_or(|(_, b)| cp.next_replication > b.next_replication)
            {
                best = Some((path, cp));
            }
        }
        let Some((work_dir, cp)) = best else { return Ok(None) };
        let reopen = |name: &str, bytes: u64| -> io::Result<csv::Writer<BufWriter<File>>> {
            let path = work_dir.join(name);
            let file = fs::OpenOptions::new().write(true).open(&path)?;
            file.set_len(bytes)?;
            drop(file);
            let file = fs::OpenOptions::new().append(true).open(&path)?;
            Ok(csv::Writer::from_writer(BufWriter::new(file)))
        };
        let replications = match cp.replications_csv_bytes {
            Some(bytes) => Some(reopen("replications.csv", bytes)?),
            None => None,
        };
        let incidents = reopen("incidents.csv", cp.incidents_csv_bytes)?;
        let writer = ResultsWriter {
            dir: WorkDir::adopt(work_dir, root.join(dir_name)),
            replications,
            incidents,
        };
        Ok(Some((writer, cp.next_replication, cp.run.stats)))
    }
}
