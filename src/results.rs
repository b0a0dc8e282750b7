//! The one place that writes result files.
//!
//! A run writes into a hidden sibling directory marked by an `INCOMPLETE` file, streams the CSV
//! rows there, and only when everything is written renames it to `results/<scenario>/`. A run
//! that fails or is killed therefore never leaves a complete-looking partial result, and a run
//! rejected for bad input writes nothing at all (the writer is created after validation).

use crate::model::{Process, ReplicationOutcome, Scenario};
use crate::montecarlo::{CHECKPOINT, Checkpoint, Partial, RunStats, Summary};
use crate::report as rows;
use crate::scenario::Plan;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Marker file present while a results directory is being written.
pub const INCOMPLETE_MARKER: &str = "INCOMPLETE";

/// Streams the rows of a run and publishes its results atomically.
pub struct ResultsWriter {
    final_dir: PathBuf,
    work_dir: PathBuf,
    replications: Option<csv::Writer<BufWriter<File>>>,
    incidents: csv::Writer<BufWriter<File>>,
}

fn csv_writer(path: &Path) -> io::Result<csv::Writer<BufWriter<File>>> {
    Ok(csv::Writer::from_writer(BufWriter::new(File::create(path)?)))
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
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
        let final_dir = root.join(dir_name);
        let work_dir = root.join(format!(".{dir_name}.incomplete-{}", std::process::id()));
        if work_dir.exists() {
            fs::remove_dir_all(&work_dir)?;
        }
        fs::create_dir_all(&work_dir)?;
        fs::write(
            work_dir.join(INCOMPLETE_MARKER),
            "this run has not finished; its results are not valid\n",
        )?;
        let replications = if replication_rows {
            let mut w = csv_writer(&work_dir.join("replications.csv"))?;
            w.write_record(rows::replication_header(s)).map_err(csv_err)?;
            Some(w)
        } else {
            None
        };
        let mut incidents = csv_writer(&work_dir.join("incidents.csv"))?;
        incidents.write_record(rows::INCIDENT_HEADER).map_err(csv_err)?;
        Ok(ResultsWriter {
            final_dir,
            work_dir,
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
                .write_record(rows::incident_row(s, procs, o.replication, inc))
                .map_err(csv_err)?;
        }
        for d in &o.disasters {
            for row in rows::disaster_rows(s, o.replication, d) {
                self.incidents.write_record(row).map_err(csv_err)?;
            }
        }
        Ok(())
    }

    /// Writes the summary and the scenario, then publishes the directory. Returns its path.
    pub fn finish(self, s: &Plan, summary: &Summary) -> io::Result<PathBuf> {
        self.finish_with(s, "summary.json", &summary.to_json())
    }

    /// Writes another result file (e.g. `distributions.json`) into the unpublished directory; it
    /// is published with the rest by [`ResultsWriter::finish`].
    pub fn write_file(&self, name: &str, contents: &[u8]) -> io::Result<()> {
        fs::write(self.work_dir.join(name), contents)
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

    /// Writes `file_name` (the summary, or a shard's partial) and the scenario, then publishes the
    /// directory. Returns its path.
    pub fn finish_with(self, s: &Plan, file_name: &str, contents: &[u8]) -> io::Result<PathBuf> {
        if let Some(mut w) = self.replications {
            w.flush()?;
        }
        let mut inc = self.incidents;
        inc.flush()?;
        drop(inc);
        fs::write(self.work_dir.join("scenario.toml"), s.to_toml())?;
        let mut f = File::create(self.work_dir.join(file_name))?;
        f.write_all(contents)?;
        f.sync_all()?;
        fs::remove_file(self.work_dir.join(INCOMPLETE_MARKER))?;
        // Checkpoints only matter while the run is incomplete.
        let _ = fs::remove_file(self.work_dir.join(CHECKPOINT));
        // Replace the previous results: move them aside, move ours in, delete theirs.
        let old = self.final_dir.with_file_name(format!(
            ".{}.old-{}",
            self.final_dir.file_name().and_then(|n| n.to_str()).unwrap_or("results"),
            std::process::id()
        ));
        let had_old = self.final_dir.exists();
        if had_old {
            fs::rename(&self.final_dir, &old)?;
        }
        fs::rename(&self.work_dir, &self.final_dir)?;
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(self.final_dir)
    }

    /// Records a checkpoint: flushes the rows, notes their length, writes `checkpoint.json`
    /// (temporary file, then rename, so a checkpoint is either the old or the new one).
    pub fn checkpoint(&mut self, run: Partial, next_replication: u64) -> io::Result<()> {
        if let Some(w) = self.replications.as_mut() {
            w.flush()?;
        }
        self.incidents.flush()?;
        let len = |name: &str| fs::metadata(self.work_dir.join(name)).map(|m| m.len());
        let cp = Checkpoint {
            run,
            next_replication,
            replications_csv_bytes: match self.replications {
                Some(_) => Some(len("replications.csv")?),
                None => None,
            },
            incidents_csv_bytes: len("incidents.csv")?,
        };
        let tmp = self.work_dir.join(format!("{CHECKPOINT}.tmp"));
        fs::write(&tmp, serde_json::to_vec(&cp).map_err(io::Error::other)?)?;
        fs::rename(tmp, self.work_dir.join(CHECKPOINT))
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
        let prefix = format!(".{dir_name}.incomplete-");
        let mut best: Option<(PathBuf, Checkpoint)> = None;
        let Ok(entries) = fs::read_dir(root) else {
            return Ok(None);
        };
        for entry in entries {
            let path = entry?.path();
            let is_work = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix));
            let Some(cp) = is_work
                .then(|| fs::read(path.join(CHECKPOINT)).ok())
                .flatten()
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
            final_dir: root.join(dir_name),
            work_dir,
            replications,
            incidents,
        };
        Ok(Some((writer, cp.next_replication, cp.run.stats)))
    }

    /// Removes the work directory of a run that failed.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.work_dir);
    }
}
