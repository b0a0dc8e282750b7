//! Atomic publication of files and directories: a reader sees the old version or the new one,
//! never half of one; and one writer per work directory.
//!
//! - A file ([`write_file`]) is written under a temporary name in its own directory, synced and
//!   renamed over the target (a rename within one file system is atomic).
//! - A directory ([`WorkDir`], [`publish_dir`]) is written as a hidden sibling
//!   `.<name>.incomplete-<pid>` (`-<pid>-<n>` when that name is taken) holding an
//!   [`INCOMPLETE_MARKER`] file, and renamed into place when complete; a previous directory of
//!   that name is moved aside first and deleted after. A writer that fails removes its work
//!   directory; one that is killed leaves it, marked, for `run --resume` to find.
//! - The process writing a work directory holds an exclusive `flock(2)` on its [`LOCK_FILE`]
//!   (which says who holds it) until it publishes or ends; the kernel releases it when the
//!   process dies, however it dies. [`WorkDir::claim`] takes over a leftover only when that lock
//!   is free, so two processes never write the same files. (Without `flock`, on platforms other
//!   than Unix, there is no lock: do not resume one run twice at once there.)
//! - [`Digesting`] hashes (SHA-256) and counts the bytes written through it, so that row files
//!   can be checked against the checkpoint or partial result that records their digest.
//!
//! This module knows nothing of the simulator: it only moves bytes into place.

use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
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
        fs::rename(&tmp, path)?;
        sync_dir(dir);
        Ok(())
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

/// Publishes `files` (relative paths and contents) as the directory `parent/name` in one step,
/// replacing a previous one. Returns its path.
pub fn publish_dir(parent: &Path, name: &str, files: &[(String, Vec<u8>)]) -> io::Result<PathBuf> {
    let work = WorkDir::create(parent, name, "publishing a directory")?;
    for (file, bytes) in files {
        work.write(file, bytes)?;
    }
    work.publish()
}

/// Lock file of a work directory: its writer holds an exclusive `flock` on it, and its text says
/// who that is (`pid N`, then the owner's description).
pub const LOCK_FILE: &str = "LOCK";

/// A directory being written: files go into a hidden sibling of its final path until
/// [`WorkDir::publish`] renames it into place. Its writer holds the lock on its [`LOCK_FILE`].
/// Dropped unpublished (the writer failed), it is removed.
#[derive(Debug)]
pub struct WorkDir {
    work: PathBuf,
    target: PathBuf,
    published: bool,
    /// The locked [`LOCK_FILE`], held until the directory is published or dropped.
    lock: Option<File>,
}

/// What [`WorkDir::claim`] found.
#[derive(Debug)]
pub enum Claim {
    /// The leftover is ours now.
    Claimed(WorkDir),
    /// A live process holds it; the text of its lock file (who it is).
    Busy(String),
    /// It was published or removed meanwhile, or it has no lock file (not one of ours).
    Gone,
}

impl WorkDir {
    /// Starts `parent/name` afresh: a new, empty work directory marked incomplete and locked
    /// by this process, `owner` written into its lock file. A leftover of an earlier process is
    /// never reused or removed here (it may be resumed): a taken name gets a suffix.
    pub fn create(parent: &Path, name: &str, owner: &str) -> io::Result<WorkDir> {
        fs::create_dir_all(parent)?;
        let pid = std::process::id();
        let mut n = 0u32;
        let work = loop {
            let suffix = if n == 0 { pid.to_string() } else { format!("{pid}-{n}") };
            let work = parent.join(format!("{}{suffix}", Self::prefix(name)));
            match fs::create_dir(&work) {
                Ok(()) => break work,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 10_000 => n += 1,
                Err(e) => return Err(e),
            }
        };
        // From here on, dropping `dir` removes the directory.
        let mut dir = WorkDir {
            work,
            target: parent.join(name),
            published: false,
            lock: None,
        };
        let lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(dir.work.join(LOCK_FILE))?;
        // A process looking for live writers may hold it for an instant: wait for it.
        flock::exclusive(&lock)?;
        write_owner(&lock, owner)?;
        dir.lock = Some(lock);
        fs::write(
            dir.work.join(INCOMPLETE_MARKER),
            "this run has not finished; its results are not valid\n",
        )?;
        Ok(dir)
    }

    /// Takes over `work`, a leftover of an interrupted writer (one of [`WorkDir::leftovers`]),
    /// to be published as `target`: locks it unless a live process holds it, and writes `owner`
    /// into its lock file.
    pub fn claim(work: &Path, target: PathBuf, owner: &str) -> io::Result<Claim> {
        let path = work.join(LOCK_FILE);
        let file = match OpenOptions::new().read(true).write(true).open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Claim::Gone),
            Err(e) => return Err(e),
        };
        if !flock::try_exclusive(&file)? {
            return Ok(Claim::Busy(read_owner(&path)));
        }
        // Locked; but the holder may have published (the lock file removed, the directory
        // renamed) between our open and our lock.
        if !same_file(&file, &path) || !work.join(INCOMPLETE_MARKER).is_file() {
            return Ok(Claim::Gone);
        }
        write_owner(&file, owner)?;
        Ok(Claim::Claimed(WorkDir {
            work: work.to_path_buf(),
            target,
            published: false,
            lock: Some(file),
        }))
    }

    /// The text of `work`'s lock file when a live process holds it (who is writing there);
    /// `None` when nobody does.
    pub fn holder(work: &Path) -> io::Result<Option<String>> {
        let path = work.join(LOCK_FILE);
        let file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        // Taken and released at once (closing the file releases it) when nobody holds it.
        Ok((!flock::try_exclusive(&file)?).then(|| read_owner(&path)))
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

    /// Lets go of the directory without publishing or removing it (its lock is released): a
    /// leftover for someone else to resume or remove.
    pub fn release(mut self) {
        self.published = true;
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

    /// Removes the marker and puts the work directory in place, replacing the previous
    /// directory. Returns the path.
    pub fn publish(self) -> io::Result<PathBuf> {
        self.publish_how().map(|(path, _)| path)
    }

    /// Like [`publish`](Self::publish), and says how the directory was put in place.
    ///
    /// Over an existing directory, on Linux, in ONE atomic step: `renameat2(RENAME_EXCHANGE)`
    /// swaps the two, so that `target` names the old directory until it names the new one —
    /// there is no moment without it, whenever the process is killed. The old one, now at the
    /// work directory's path, is renamed to `.<name>.old-<pid>` and removed. Where the platform
    /// or the file system has no exchange, the fallback is two renames (the old directory moved
    /// aside to `.<name>.old-<pid>`, the new one renamed into place, the old one removed; moved
    /// back if the second rename fails): a kill between the two leaves no `target`, though both
    /// directories remain.
    pub fn publish_how(mut self) -> io::Result<(PathBuf, Swap)> {
        // Checked before anything moves: a file (not a directory) is never replaced.
        if let Ok(meta) = fs::metadata(&self.target)
            && !meta.is_dir()
        {
            return Err(io::Error::other(format!(
                "{} exists and is not a directory; move it away",
                self.target.display()
            )));
        }
        // The lock file goes first (we still hold its lock): whoever opens it from now on finds
        // nothing to claim.
        if self.lock.is_some() {
            fs::remove_file(self.work.join(LOCK_FILE))?;
        }
        fs::remove_file(self.work.join(INCOMPLETE_MARKER))?;
        let old = parent(&self.target).join(format!(".{}.old-{}", file_name(&self.target), std::process::id()));
        let had_old = fs::symlink_metadata(&self.target).is_ok();
        if had_old {
            match exchange(&self.work, &self.target) {
                Ok(()) => {
                    self.published = true;
                    sync_dir(parent(&self.target));
                    // The old directory is where the work directory was.
                    let gone = match fs::rename(&self.work, &old) {
                        Ok(()) => remove_old(&old),
                        Err(_) => remove_old(&self.work),
                    };
                    gone?;
                    return Ok((self.target.clone(), Swap::Exchanged));
                }
                Err(e) if exchange_unsupported(&e) => {}
                Err(e) => return Err(e),
            }
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
            remove_old(&old)?;
            return Ok((self.target.clone(), Swap::MovedAside));
        }
        Ok((self.target.clone(), Swap::Renamed))
    }

    /// Removes the leftovers of dead writers of `parent/name` (work directories
    /// `.<name>.incomplete-…` and old directories `.<name>.old-<pid>`), and says what it did
    /// and what it left. A work directory is removed only when nobody holds its lock (taken
    /// here for the time of the removal, so that nobody claims it meanwhile) and, on Linux, the
    /// process its lock file names is gone (`/proc/<pid>`); one that `keep` (given its path and
    /// lock text) wants kept is reported instead; one whose state is unclear (a free lock but a
    /// live process of that id, no lock file) is reported, never removed.
    pub fn remove_stale(parent: &Path, name: &str, keep: &dyn Fn(&Path, &str) -> bool) -> io::Result<Vec<Stale>> {
        let mut out = Vec::new();
        for path in Self::leftovers(parent, name)? {
            let lock_path = path.join(LOCK_FILE);
            let file = match OpenOptions::new().read(true).write(true).open(&lock_path) {
                Ok(f) => f,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    // Being created or being published, or not one of ours: only reported
                    // when the process named in its file name is gone.
                    let pid = name_pid(&path, &Self::prefix(name));
                    if pid.is_some_and(|p| pid_alive(p) == Some(false)) {
                        out.push(Stale::Unsure(path, "it has no lock file".into()));
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            if !flock::try_exclusive(&file)? {
                continue; // A live writer.
            }
            if !same_file(&file, &lock_path) || !path.join(INCOMPLETE_MARKER).is_file() {
                continue; // Published meanwhile.
            }
            let text = read_owner(&lock_path);
            let pid = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("pid "))
                .and_then(|p| p.parse::<u32>().ok());
            match pid.map(pid_alive) {
                Some(Some(true)) => {
                    let pid = pid.unwrap_or_default();
                    if pid != std::process::id() {
                        out.push(Stale::Unsure(
                            path,
                            format!("its lock is free but a process {pid} is running"),
                        ));
                    }
                    continue;
                }
                None => {
                    out.push(Stale::Unsure(
                        path,
                        "its lock file does not say which process wrote it".into(),
                    ));
                    continue;
                }
                Some(None) if !cfg!(unix) => {
                    out.push(Stale::Unsure(
                        path,
                        "no lock to tell whether its writer is running".into(),
                    ));
                    continue;
                }
                // Dead on Linux, or (elsewhere on Unix) a free lock: its owner is gone.
                Some(_) => {}
            }
            let pid = pid.unwrap_or_default();
            if keep(&path, &text) {
                out.push(Stale::Kept(path, pid));
            } else {
                remove_old(&path)?;
                out.push(Stale::Removed(path, pid));
            }
            drop(file);
        }
        let old_prefix = format!(".{name}.old-");
        if let Ok(entries) = fs::read_dir(parent) {
            for entry in entries {
                let path = entry?.path();
                if let Some(pid) = name_pid(&path, &old_prefix)
                    && pid_alive(pid) == Some(false)
                {
                    remove_old(&path)?;
                    out.push(Stale::Removed(path, pid));
                }
            }
        }
        Ok(out)
    }

    /// `.<name>.incomplete-`: the work directories of `name`, whichever process wrote them.
    fn prefix(name: &str) -> String {
        format!(".{name}.incomplete-")
    }
}

/// How [`WorkDir::publish_how`] put a directory in place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Swap {
    /// There was no directory of that name: one rename.
    Renamed,
    /// Exchanged with the previous directory in one atomic step (Linux `RENAME_EXCHANGE`).
    Exchanged,
    /// The fallback: the previous directory moved aside, then the new one renamed into place.
    MovedAside,
}

/// A leftover found by [`WorkDir::remove_stale`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// Removed: its writer (this pid) is gone.
    Removed(PathBuf, u32),
    /// Its writer (this pid) is gone, but it was kept (the caller wanted it, e.g. to resume).
    Kept(PathBuf, u32),
    /// Left alone: unclear whether its writer is gone (why).
    Unsure(PathBuf, String),
}

/// Swaps two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// Whether an exchange failed for want of support (kernel, file system or platform): the
/// fallback is then used.
fn exchange_unsupported(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Unsupported
        || matches!(e.raw_os_error(), Some(code) if code == rustix::io::Errno::INVAL.raw_os_error() || code == rustix::io::Errno::NOSYS.raw_os_error() || code == rustix::io::Errno::OPNOTSUPP.raw_os_error())
}

/// Removes a directory that is no longer wanted (an old result, a dead writer's work).
fn remove_old(path: &Path) -> io::Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// The pid in a leftover's file name: `<prefix><pid>` or `<prefix><pid>-<n>`.
fn name_pid(path: &Path, prefix: &str) -> Option<u32> {
    let rest = path.file_name()?.to_str()?.strip_prefix(prefix)?;
    rest.split('-').next()?.parse().ok()
}

/// Whether process `pid` is running: `Some` on Linux (`/proc/<pid>`), `None` where unknown.
fn pid_alive(pid: u32) -> Option<bool> {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        Some(Path::new(&format!("/proc/{pid}")).exists())
    } else {
        None
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.work);
        }
    }
}

/// Writes who holds a lock into its file (replacing what an earlier holder wrote).
fn write_owner(mut file: &File, owner: &str) -> io::Result<()> {
    // Written over the old text, then cut to length: a reader never finds the file empty.
    let text = format!("pid {}\n{owner}\n", std::process::id());
    file.rewind()?;
    file.write_all(text.as_bytes())?;
    file.set_len(text.len() as u64)?;
    file.sync_data()
}

/// The text of a lock file, for messages (bounded: it is ours, but may have been replaced).
fn read_owner(path: &Path) -> String {
    let mut text = String::new();
    let _ = File::open(path).and_then(|f| f.take(4096).read_to_string(&mut text));
    text.trim().to_string()
}

/// Whether the open `file` is still the file at `path`.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.is_file()
}

/// `flock(2)`, exclusive, released when the file is closed (or its process ends).
#[cfg(unix)]
mod flock {
    use rustix::fs::{FlockOperation, flock};
    use std::fs::File;
    use std::io;

    /// Waits for the lock.
    pub(super) fn exclusive(file: &File) -> io::Result<()> {
        loop {
            match flock(file, FlockOperation::LockExclusive) {
                Err(rustix::io::Errno::INTR) => continue,
                other => return other.map_err(io::Error::from),
            }
        }
    }

    /// Takes the lock if nobody holds it: whether it did.
    pub(super) fn try_exclusive(file: &File) -> io::Result<bool> {
        match flock(file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(true),
            Err(rustix::io::Errno::WOULDBLOCK) => Ok(false),
            Err(e) => Err(io::Error::from(e)),
        }
    }
}

/// No `flock` here: every lock is granted (documented: do not resume one run twice at once).
#[cfg(not(unix))]
mod flock {
    use std::fs::File;
    use std::io;

    pub(super) fn exclusive(_: &File) -> io::Result<()> {
        Ok(())
    }

    pub(super) fn try_exclusive(_: &File) -> io::Result<bool> {
        Ok(true)
    }
}

/// A writer that hashes (SHA-256) and counts every byte written through it.
#[derive(Debug)]
pub struct Digesting<W> {
    inner: W,
    state: DigestState,
}

/// A SHA-256 over a prefix of a stream, and its length: can be continued.
#[derive(Clone, Debug, Default)]
pub struct DigestState {
    hasher: Sha256,
    bytes: u64,
}

impl DigestState {
    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
    }

    /// Bytes hashed so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// `sha256:<hex>` of the bytes so far.
    pub fn sha256(&self) -> String {
        hex_digest(self.hasher.clone().finalize().as_slice())
    }
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    hex_digest(Sha256::digest(bytes).as_slice())
}

fn hex_digest(digest: &[u8]) -> String {
    let mut out = String::with_capacity(7 + 2 * digest.len());
    out.push_str("sha256:");
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl<W: Write> Digesting<W> {
    /// Hashes from the first byte written.
    pub fn new(inner: W) -> Digesting<W> {
        Digesting::continuing(inner, DigestState::default())
    }

    /// Continues `state` (the digest of what the stream already holds).
    pub fn continuing(inner: W, state: DigestState) -> Digesting<W> {
        Digesting { inner, state }
    }

    /// The digest of everything written so far.
    pub fn state(&self) -> &DigestState {
        &self.state
    }

    /// The underlying writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The underlying writer.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The underlying writer and the digest.
    pub fn into_parts(self) -> (W, DigestState) {
        (self.inner, self.state)
    }
}

impl<W: Write> Write for Digesting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.state.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The digest of the first `len` bytes of `path`; `None` when the file is shorter.
pub fn digest_prefix(path: &Path, len: u64) -> io::Result<Option<DigestState>> {
    let file = File::open(path)?;
    if file.metadata()?.len() < len {
        return Ok(None);
    }
    let mut state = DigestState::default();
    let mut reader = io::BufReader::with_capacity(1 << 16, file.take(len));
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        state.update(&buf[..n]);
    }
    Ok((state.bytes() == len).then_some(state))
}

/// The digest of the whole of `path`.
pub fn digest_file(path: &Path) -> io::Result<DigestState> {
    let len = fs::metadata(path)?.len();
    digest_prefix(path, len)?.ok_or_else(|| io::Error::other(format!("{} changed while read", path.display())))
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
pub fn sync_dir(dir: &Path) {
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
        let work = WorkDir::create(dir.path(), "d", "test").unwrap();
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

    #[test]
    fn a_locked_work_directory_is_never_claimed_twice_and_a_free_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let first = WorkDir::create(dir.path(), "d", "run A").unwrap();
        let work = first.path().to_path_buf();
        // A second writer of the same name gets a directory of its own.
        let second = WorkDir::create(dir.path(), "d", "run B").unwrap();
        assert_ne!(second.path(), work);
        drop(second);
        // While `first` lives, its lock is held: nobody can claim its directory.
        let holder = WorkDir::holder(&work).unwrap().expect("held");
        assert!(
            holder.contains("run A") && holder.contains(&format!("pid {}", std::process::id())),
            "{holder}"
        );
        match WorkDir::claim(&work, dir.path().join("d"), "run C").unwrap() {
            Claim::Busy(text) => assert!(text.contains("run A"), "{text}"),
            other => panic!("claimed a held directory: {other:?}"),
        }
        // A killed writer (here: its lock released without removing the directory).
        let mut first = first;
        first.published = true;
        drop(first);
        assert_eq!(WorkDir::holder(&work).unwrap(), None);
        let claimed = match WorkDir::claim(&work, dir.path().join("d"), "run C").unwrap() {
            Claim::Claimed(w) => w,
            other => panic!("{other:?}"),
        };
        assert!(WorkDir::holder(&work).unwrap().unwrap().contains("run C"));
        assert!(matches!(
            WorkDir::claim(&work, dir.path().join("d"), "run D").unwrap(),
            Claim::Busy(_)
        ));
        let out = claimed.publish().unwrap();
        assert!(!out.join(LOCK_FILE).exists() && !out.join(INCOMPLETE_MARKER).exists());
        // Published: nothing left to claim.
        assert!(matches!(
            WorkDir::claim(&work, dir.path().join("d"), "run D").unwrap(),
            Claim::Gone
        ));
    }

    #[test]
    fn digests_continue_from_a_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut w = Digesting::new(Vec::new());
        w.write_all(b"hello, ").unwrap();
        let at = w.state().clone();
        w.write_all(b"world").unwrap();
        assert_eq!(w.state().sha256(), sha256(b"hello, world"));
        fs::write(&path, b"hello, world").unwrap();
        assert_eq!(digest_prefix(&path, 7).unwrap().unwrap().sha256(), at.sha256());
        assert!(digest_prefix(&path, 13).unwrap().is_none());
        let mut again = Digesting::continuing(Vec::new(), digest_prefix(&path, 7).unwrap().unwrap());
        again.write_all(b"world").unwrap();
        assert_eq!(again.state().sha256(), digest_file(&path).unwrap().sha256());
        assert_eq!(again.state().bytes(), 12);
    }
}
