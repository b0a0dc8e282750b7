//! Atomic publication of files and directories: a reader sees the old version or the new one,
//! never half of one.
//!
//! - A file ([`write_file`]) is written under a temporary name in its own directory, synced and
//!   renamed over the target (a rename within one file system is atomic).
//! - A directory ([`WorkDir`], [`publish_dir`]) is written as a hidden sibling
//!   `.<name>.incomplete-<pid>` holding an [`INCOMPLETE_MARKER`] file, and renamed into place
//!   when complete; a previous directory of that name is moved aside first and deleted after.
//!   A writer that fails removes its work directory; one that is killed leaves it, marked, for
//!   `run --resume` to find.
//!
//! This module knows nothing of the simulator: it only moves bytes into place (std only).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Marker file present while a directory is being written.
pub const INCOMPLETE_MARKER: &str = "INCOMPLETE";

/// Writes `bytes` to `path` atomically (temporary file in the same directory, fsync, rename),
/// creating missing parent directories.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent(path);
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{}.tmp-{}", file_name(path), std::process::id()));
    let written = (|| {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Publishes `files` (relative paths and contents) as the directory `parent/name` in one step,
/// replacing a previous one. Returns its path.
pub fn publish_dir(parent: &Path, name: &str, files: &[(String, Vec<u8>)]) -> io::Result<PathBuf> {
    let work = WorkDir::create(parent, name)?;
    for (file, bytes) in files {
        work.write(file, bytes)?;
    }
    work.publish()
}

/// A directory being written: files go into a hidden sibling of its final path until
/// [`WorkDir::publish`] renames it into place. Dropped unpublished (the writer failed), it is
/// removed.
#[derive(Debug)]
pub struct WorkDir {
    work: PathBuf,
    target: PathBuf,
    published: bool,
}

impl WorkDir {
    /// Starts `parent/name` afresh: an empty work directory marked incomplete (one left by an
    /// earlier process with this id is removed first).
    pub fn create(parent: &Path, name: &str) -> io::Result<WorkDir> {
        let work = parent.join(format!("{}{}", Self::prefix(name), std::process::id()));
        if work.exists() {
            fs::remove_dir_all(&work)?;
        }
        fs::create_dir_all(&work)?;
        let dir = WorkDir::adopt(work, parent.join(name));
        fs::write(
            dir.work.join(INCOMPLETE_MARKER),
            "this run has not finished; its results are not valid\n",
        )?;
        Ok(dir)
    }

    /// The work directories of `parent/name` left by interrupted writers, in no particular order.
    pub fn leftovers(parent: &Path, name: &str) -> io::Result<Vec<PathBuf>> {
        let prefix = Self::prefix(name);
        let Ok(entries) = fs::read_dir(parent) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix))
            {
                out.push(path);
            }
        }
        Ok(out)
    }

    /// Continues an interrupted writer's work directory `work` (one of [`WorkDir::leftovers`]),
    /// to be published as `target`.
    pub fn adopt(work: PathBuf, target: PathBuf) -> WorkDir {
        WorkDir {
            work,
            target,
            published: false,
        }
    }

    /// Where files are written until publication.
    pub fn path(&self) -> &Path {
        &self.work
    }

    /// Writes `relative` (which may name subdirectories) into the work directory and syncs it.
    pub fn write(&self, relative: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.work.join(relative);
        fs::create_dir_all(parent(&path))?;
        let mut f = File::create(path)?;
        f.write_all(bytes)?;
        f.sync_all()
    }

    /// Removes the marker and renames the work directory into place, replacing the previous
    /// directory (moved aside, then deleted; moved back if the rename fails). Returns the path.
    pub fn publish(mut self) -> io::Result<PathBuf> {
        fs::remove_file(self.work.join(INCOMPLETE_MARKER))?;
        let old = parent(&self.target).join(format!(".{}.old-{}", file_name(&self.target), std::process::id()));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old)?;
        }
        if let Err(e) = fs::rename(&self.work, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(e);
        }
        self.published = true;
        sync_dir(parent(&self.target));
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(self.target.clone())
    }

    /// `.<name>.incomplete-`: the work directories of `name`, whichever process wrote them.
    fn prefix(name: &str) -> String {
        format!(".{name}.incomplete-")
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.work);
        }
    }
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned())
}

/// Makes a rename in `dir` durable. Best effort: some platforms cannot open a directory, and the
/// rename itself has already succeeded.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.csv");
        write_file(&path, b"one").unwrap();
        write_file(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path().join("sub")).unwrap().count(), 1);
    }

    #[test]
    fn a_directory_replaces_the_old_one_and_a_failed_one_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = |text: &str| vec![("x/y.txt".to_string(), text.as_bytes().to_vec())];
        let out = publish_dir(dir.path(), "d", &files("one")).unwrap();
        publish_dir(dir.path(), "d", &files("two")).unwrap();
        assert_eq!(fs::read(out.join("x/y.txt")).unwrap(), b"two");
        assert!(!out.join(INCOMPLETE_MARKER).exists());
        // A writer dropped before publishing removes its work directory.
        let work = WorkDir::create(dir.path(), "d").unwrap();
        assert!(work.path().join(INCOMPLETE_MARKER).exists());
        assert_eq!(
            WorkDir::leftovers(dir.path(), "d").unwrap(),
            vec![work.path().to_path_buf()]
        );
        drop(work);
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["d"]);
    }
}
