//! The one place that writes result files.
//!
//! A run writes into a hidden work directory marked incomplete and locked by its process (see
//! [`crate::publish`]), streams the CSV rows there, and only when everything is written renames
//! it to `results/<scenario>/`. A run that fails or is killed therefore never leaves a
//! complete-looking partial result, and a run rejected for bad input writes nothing at all (the
//! writer is created after validation).
//!
//! Every row file is hashed as it is written. A checkpoint counts only once the rows before it
//! are synced to disk, and records each file's length, rows and SHA-256; `--resume` takes over
//! an interrupted run's directory only when no live process holds it, and only when its files
//! start with exactly the bytes the checkpoint recorded. A shard's `partial.json` records the
//! same of its finished files, for `merge` to check.

use crate::model::{Process, ReplicationOutcome, Scenario};
use crate::montecarlo::{CHECKPOINT, Checkpoint, Distributions, MAX_STATE_BYTES, Partial, RowFile, RunStats, Summary};
use crate::publish::{self, Claim, DigestState, Digesting, WorkDir};
use crate::report as rows;
use crate::scenario::Plan;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read};
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
    /// One shard of a run: `partial.json`, for `merge` (the digests of the row files are
    /// filled in here).
    Shard(&'a Partial),
}

/// Why a run's work directory cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// A live process is writing the same run: its files are left alone.
    #[error(
        "another process is already running this run in {dir} ({holder}); its files were not touched. \
         Wait for it to finish, or stop it and run again with --resume"
    )]
    Busy {
        /// Its work directory.
        dir: PathBuf,
        /// Who holds it (the text of its lock file, on one line).
        holder: String,
    },
    /// The file system failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// A CSV being written: hashed and its rows counted as they go.
struct Rows {
    csv: csv::Writer<Digesting<BufWriter<File>>>,
    rows: u64,
}

fn csv_err(e: csv::Error) -> io::Error {
    io::Error::other(e)
}

impl Rows {
    fn create(path: &Path, header: &[impl AsRef<[u8]>]) -> io::Result<Rows> {
        let file = File::create(path)?;
        let mut csv = csv::Writer::from_writer(Digesting::new(BufWriter::new(file)));
        csv.write_record(header.iter().map(|c| rows::csv_cell(c.as_ref())))
            .map_err(csv_err)?;
        Ok(Rows { csv, rows: 0 })
    }

    /// Reopens `path` at the point `at` recorded, after checking that the file starts with
    /// exactly those bytes; cuts off what follows. `Err(why)` when it does not.
    fn reopen(path: &Path, at: &RowFile) -> io::Result<Result<Rows, String>> {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let len = match fs::metadata(path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Err(format!("{name} is missing"))),
            Err(e) => return Err(e),
        };
        let state = match publish::digest_prefix(path, at.bytes)? {
            Some(state) => state,
            None => {
                return Ok(Err(format!(
                    "{name} holds {len} bytes, fewer than the {} its checkpoint counts",
                    at.bytes
                )));
            }
        };
        if state.sha256() != at.sha256 {
            return Ok(Err(format!(
                "the first {} bytes of {name} are not those its checkpoint recorded",
                at.bytes
            )));
        }
        let file = OpenOptions::new().write(true).open(path)?;
        file.set_len(at.bytes)?;
        file.sync_all()?;
        drop(file);
        let file = OpenOptions::new().append(true).open(path)?;
        Ok(Ok(Rows {
            csv: csv::Writer::from_writer(Digesting::continuing(BufWriter::new(file), state)),
            rows: at.rows,
        }))
    }

    /// Writes a record, each cell through [`rows::csv_cell`] (no formula reaches a spreadsheet).
    fn write(&mut self, record: impl IntoIterator<Item = impl AsRef<[u8]>>) -> io::Result<()> {
        let cells: Vec<_> = record.into_iter().collect();
        self.csv
            .write_record(cells.iter().map(|c| rows::csv_cell(c.as_ref())))
            .map_err(csv_err)?;
        self.rows += 1;
        Ok(())
    }

    fn record(&self, state: &DigestState) -> RowFile {
        RowFile {
            bytes: state.bytes(),
            rows: self.rows,
            sha256: state.sha256(),
        }
    }

    /// Flushes and syncs what is written so far: what a checkpoint may count.
    fn sync(&mut self) -> io::Result<RowFile> {
        self.csv.flush()?;
        let digesting = self.csv.get_ref();
        digesting.get_ref().get_ref().sync_data()?;
        Ok(self.record(digesting.state()))
    }

    /// Flushes, syncs and closes the file.
    fn close(self) -> io::Result<RowFile> {
        let rows = self.rows;
        let (buffered, state) = self.csv.into_inner().map_err(|e| e.into_error())?.into_parts();
        buffered.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(RowFile {
            bytes: state.bytes(),
            rows,
            sha256: state.sha256(),
        })
    }
}

/// Streams the rows of a run and publishes its results atomically.
pub struct ResultsWriter {
    dir: WorkDir,
    replications: Option<Rows>,
    incidents: Rows,
}

/// Who holds a lock, from its file's text (`pid N`), for messages.
fn who(holder: &str) -> String {
    match holder.lines().next() {
        Some(line) if line.starts_with("pid ") => line.to_string(),
        _ => "pid unknown".into(),
    }
}

/// Reads at most `limit` bytes of `path`; a longer file is an error.
fn read_bounded(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    if meta.len() > limit {
        return Err(io::Error::other(format!(
            "{} bytes, more than the {limit} such a file can hold",
            meta.len()
        )));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::other(format!("more than {limit} bytes")));
    }
    Ok(bytes)
}

/// Reads a `partial.json` or `checkpoint.json`: bounded in size, never more than it says.
pub fn read_state_file(path: &Path) -> io::Result<Vec<u8>> {
    read_bounded(path, MAX_STATE_BYTES)
}

impl ResultsWriter {
    /// Prepares `root/<scenario>/` (written in a hidden work directory until
    /// [`finish`](Self::finish)); `owner` (what is being written) goes into its lock file.
    pub fn create(root: &Path, s: &Scenario, replication_rows: bool, owner: &str) -> io::Result<ResultsWriter> {
        Self::create_named(root, &s.name, s, replication_rows, owner)
    }

    /// Like [`create`](Self::create), publishing to `root/<dir_name>/` (a shard's directory).
    pub fn create_named(
        root: &Path,
        dir_name: &str,
        s: &Scenario,
        replication_rows: bool,
        owner: &str,
    ) -> io::Result<ResultsWriter> {
        let dir = WorkDir::create(root, dir_name, owner)?;
        let replications = if replication_rows {
            Some(Rows::create(
                &dir.path().join("replications.csv"),
                &rows::replication_header(s),
            )?)
        } else {
            None
        };
        let incidents = Rows::create(&dir.path().join("incidents.csv"), &rows::INCIDENT_HEADER)?;
        Ok(ResultsWriter {
            dir,
            replications,
            incidents,
        })
    }

    /// The work directory of `root/<dir_name>` that a live process holds for the run `key`
    /// ([`Partial::run_key`]), with who holds it; `None` when no process is writing that run.
    pub fn running(root: &Path, dir_name: &str, key: &str) -> io::Result<Option<(PathBuf, String)>> {
        for path in WorkDir::leftovers(root, dir_name)? {
            if let Some(holder) = WorkDir::holder(&path)?
                && holder.lines().any(|l| l == key)
            {
                return Ok(Some((path, who(&holder))));
            }
        }
        Ok(None)
    }

    /// Removes the leftovers of dead processes under `root/<dir_name>` before a fresh run of
    /// `key` ([`Partial::run_key`]), with a one-line `note` for each; a dead run's directory
    /// that holds a checkpoint of another run (one `--resume` could continue) is kept and
    /// reported, as is one whose writer may still be alive. See [`WorkDir::remove_stale`].
    pub fn remove_stale(root: &Path, dir_name: &str, key: &str, note: &mut dyn FnMut(String)) -> io::Result<()> {
        let keep = |path: &Path, lock: &str| path.join(CHECKPOINT).is_file() && !lock.lines().any(|l| l == key);
        for stale in WorkDir::remove_stale(root, dir_name, &keep)? {
            note(match stale {
                publish::Stale::Removed(path, pid) => {
                    format!(
                        "removed {}, left by process {pid}, which is no longer running",
                        path.display()
                    )
                }
                publish::Stale::Kept(path, pid) => format!(
                    "kept {}, left by process {pid} (no longer running): it holds a checkpoint of another run, \
                     for `run --resume` with that run's settings; delete it if it is not needed",
                    path.display()
                ),
                publish::Stale::Unsure(path, why) => {
                    format!(
                        "left {} alone: {why}; delete it if no process is writing it",
                        path.display()
                    )
                }
            });
        }
        Ok(())
    }

    /// Appends one replication's rows.
    pub fn write_outcome(&mut self, s: &Scenario, procs: &[Process], o: &ReplicationOutcome) -> io::Result<()> {
        if let Some(w) = self.replications.as_mut() {
            w.write(rows::replication_row(s, o))?;
        }
        for inc in &o.incidents {
            self.incidents.write(rows::incident_row(s, procs, o, inc))?;
        }
        Ok(())
    }

    /// Appends the data rows of a CSV written by another run (a shard) to ours. Returns how many.
    pub fn append_rows(&mut self, file: &Path) -> io::Result<u64> {
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let target = match name {
            "incidents.csv" => &mut self.incidents,
            "replications.csv" => match self.replications.as_mut() {
                Some(w) => w,
                None => return Ok(0),
            },
            _ => return Err(io::Error::other(format!("not a results CSV: {}", file.display()))),
        };
        let mut reader = csv::Reader::from_path(file).map_err(csv_err)?;
        let mut n = 0;
        for record in reader.records() {
            target.write(&record.map_err(csv_err)?)?;
            n += 1;
        }
        Ok(n)
    }

    /// Closes the rows, writes what `finished` calls for and the scenario, then publishes the
    /// directory. Returns its path.
    pub fn finish(self, s: &Plan, finished: Finished<'_>) -> io::Result<PathBuf> {
        let replications_csv = self.replications.map(Rows::close).transpose()?;
        let incidents_csv = self.incidents.close()?;
        let dir = self.dir;
        match finished {
            Finished::Run { stats, summary } => {
                dir.write("distributions.json", &Distributions::new(s, stats).to_json())?;
                dir.write("summary.json", &summary.to_json())?;
            }
            Finished::Shard(partial) => {
                let partial = Partial {
                    replications_csv,
                    incidents_csv: Some(incidents_csv),
                    ..partial.clone()
                }
                .sealed();
                dir.write("partial.json", &serde_json::to_vec(&partial).map_err(io::Error::other)?)?;
            }
        }
        dir.write("scenario.toml", s.to_toml().as_bytes())?;
        // Checkpoints only matter while the run is incomplete.
        let _ = fs::remove_file(dir.path().join(CHECKPOINT));
        dir.publish()
    }

    /// Writes one more file into the results (e.g. `draws.csv` of a two-level run).
    pub fn write_file(&self, name: &str, bytes: &[u8]) -> io::Result<()> {
        self.dir.write(name, bytes)
    }

    /// Records a checkpoint: flushes the rows and syncs them to disk, notes their length, rows
    /// and digest, then writes `checkpoint.json` (atomically and synced, so a checkpoint is
    /// either the old or the new one, and never counts rows that are not on disk).
    pub fn checkpoint(&mut self, run: Partial, next_replication: u64) -> io::Result<()> {
        let replications_csv = self.replications.as_mut().map(Rows::sync).transpose()?;
        let incidents_csv = self.incidents.sync()?;
        let cp = Checkpoint::new(run, next_replication, replications_csv, incidents_csv);
        publish::write_file(&self.dir.path().join(CHECKPOINT), &cp.to_json())
    }

    /// Finds the interrupted run of `identity` below `root` that got furthest (a hidden work
    /// directory of `dir_name` with a valid checkpoint of that run, of scenario `s`), takes it
    /// over, checks its rows against the checkpoint, cuts them back to it and reopens them.
    /// `Ok(None)` when there is none. A live process writing the same run is
    /// [`OpenError::Busy`]: its files are never shared. A directory whose checkpoint or rows do
    /// not check is not resumed from (`note` says why); one whose rows differ from its valid
    /// checkpoint can never be, and is removed.
    pub fn resume(
        root: &Path,
        dir_name: &str,
        identity: &Partial,
        s: &Plan,
        note: &mut dyn FnMut(String),
    ) -> Result<Option<(ResultsWriter, u64, RunStats)>, OpenError> {
        let key = identity.run_key();
        if let Some((dir, holder)) = Self::running(root, dir_name, &key)? {
            return Err(OpenError::Busy { dir, holder });
        }
        let replication_rows = s.replication_rows;
        let read = |path: &Path| -> Result<Option<Checkpoint>, String> {
            let file = path.join(CHECKPOINT);
            let bytes = match read_state_file(&file) {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(format!("{}: {e}", file.display())),
            };
            let cp = Checkpoint::from_json(&bytes).map_err(|e| format!("{}: {e}", file.display()))?;
            if !cp.run.same_run(identity) || cp.replications_csv.is_some() != replication_rows {
                return Ok(None);
            }
            cp.check_stats(s).map_err(|e| format!("{}: {e}", file.display()))?;
            Ok(Some(cp))
        };
        let mut candidates = Vec::new();
        for path in WorkDir::leftovers(root, dir_name)? {
            match read(&path) {
                Ok(Some(cp)) => candidates.push((path, cp.next_replication)),
                Ok(None) => {}
                Err(e) => note(format!("{e}; not resumed from")),
            }
        }
        candidates.sort_by_key(|(_, next)| std::cmp::Reverse(*next));
        for (path, _) in candidates {
            let dir = match WorkDir::claim(&path, root.join(dir_name), &key)? {
                Claim::Claimed(dir) => dir,
                Claim::Busy(holder) => {
                    return Err(OpenError::Busy {
                        dir: path,
                        holder: who(&holder),
                    });
                }
                Claim::Gone => continue,
            };
            // Read again now that it is ours: its last writer may have gone on since.
            let cp = match read(&path) {
                Ok(Some(cp)) => cp,
                Ok(None) => {
                    dir.release();
                    continue;
                }
                Err(e) => {
                    note(format!("{e}; not resumed from"));
                    dir.release();
                    continue;
                }
            };
            let replications = match &cp.replications_csv {
                Some(at) => match Rows::reopen(&path.join("replications.csv"), at)? {
                    Ok(rows) => Some(rows),
                    Err(why) => {
                        note(format!("{}: {why}; removed, not resumed from", path.display()));
                        continue; // `dir`, dropped, is removed.
                    }
                },
                None => None,
            };
            let incidents = match Rows::reopen(&path.join("incidents.csv"), &cp.incidents_csv)? {
                Ok(rows) => rows,
                Err(why) => {
                    note(format!("{}: {why}; removed, not resumed from", path.display()));
                    continue;
                }
            };
            let writer = ResultsWriter {
                dir,
                replications,
                incidents,
            };
            return Ok(Some((writer, cp.next_replication, cp.run.stats)));
        }
        Ok(None)
    }
}
