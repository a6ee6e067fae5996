//! One publishing build per output folder: `flock` on a lock file beside it, and on
//! each staging folder so a stale one can be told from a live build's.
//!
//! The lock file holds the holder's pid (for the "another build" message) and is removed
//! when the holder is done, so nothing stays beside the output. Removing a lock file is
//! only safe because every taker checks, after locking, that the file it locked is still
//! the one at the path; if not, it locks the new one instead.

use super::error::{OutputError, io_err};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often a waiting build retries the lock.
const POLL: Duration = Duration::from_millis(25);

/// The exclusive right to publish one output folder; released (and the file removed) on drop.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

/// Take the lock at `path`, waiting up to `wait`. `on_wait` is called once, with the
/// holder's pid if known, when the lock is busy. `shown` names the output in errors.
pub fn acquire(
    path: &Path,
    shown: &Path,
    wait: Duration,
    on_wait: &dyn Fn(Option<u32>),
) -> Result<OutputLock, OutputError> {
    let started = Instant::now();
    let mut told = false;
    loop {
        let mut file = open_lock_file(path).map_err(io_err(path))?;
        if try_flock(&file).map_err(io_err(path))? {
            if still_at(&file, path) {
                file.set_len(0).map_err(io_err(path))?;
                file.write_all(format!("{}\n", std::process::id()).as_bytes())
                    .map_err(io_err(path))?;
                return Ok(OutputLock {
                    file,
                    path: path.to_path_buf(),
                });
            }
            // The holder removed it after we opened it: lock whatever is there now.
            continue;
        }
        let holder = holder_pid(&mut file);
        if !told {
            on_wait(holder);
            told = true;
        }
        if started.elapsed() >= wait {
            return Err(OutputError::Busy {
                path: shown.to_path_buf(),
                holder: holder.map_or_else(|| "pid unknown".to_string(), |p| format!("pid {p}")),
                waited_secs: started.elapsed().as_secs(),
            });
        }
        std::thread::sleep(POLL.min(wait.saturating_sub(started.elapsed())));
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Remove the file while still holding the lock; waiters notice and retry.
        if still_at(&self.file, &self.path) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A held `flock` on a staging folder; released on drop.
#[derive(Debug)]
pub struct DirLock {
    _held: File,
}

/// Lock the folder `dir` without waiting: `None` when a live build holds it.
pub fn try_lock_dir(dir: &Path) -> io::Result<Option<DirLock>> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(dir)?;
    Ok(try_flock(&file)?.then_some(DirLock { _held: file }))
}

/// Open or create the lock file, never through a symlink and never blocking on a FIFO.
fn open_lock_file(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::Error::other("the lock file is not a regular file"));
    }
    Ok(file)
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when someone else holds it.
fn try_flock(file: &File) -> io::Result<bool> {
    // SAFETY: the descriptor is open for the duration of the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(e)
    }
}

/// True when `path` still names the file `file` has open.
fn still_at(file: &File, path: &Path) -> bool {
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// The pid the holder wrote, if it did yet.
fn holder_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_second_taker_waits_then_fails_naming_the_holder() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join(".out.lantern-lock");
        let first = acquire(&path, Path::new("OUT"), Duration::ZERO, &|_| {}).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{}\n", std::process::id())
        );
        let seen = Cell::new(None);
        let started = Instant::now();
        let e = acquire(&path, Path::new("OUT"), Duration::from_millis(200), &|p| {
            seen.set(Some(p))
        })
        .unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(200));
        assert_eq!(seen.get(), Some(Some(std::process::id())));
        let msg = e.to_string();
        assert!(
            msg.starts_with(&format!(
                "another lantern build is publishing OUT (pid {})",
                std::process::id()
            )),
            "{msg}"
        );
        drop(first);
        assert!(!path.exists(), "the lock file stays behind");
        let again = acquire(&path, Path::new("OUT"), Duration::ZERO, &|_| panic!("busy"));
        assert!(again.is_ok());
    }

    #[test]
    fn a_waiter_gets_the_lock_when_the_holder_finishes() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join(".out.lantern-lock");
        let first = acquire(&path, Path::new("OUT"), Duration::ZERO, &|_| {}).unwrap();
        let p2 = path.clone();
        let waiter = std::thread::spawn(move || {
            acquire(&p2, Path::new("OUT"), Duration::from_secs(10), &|_| {}).map(|_| ())
        });
        std::thread::sleep(Duration::from_millis(100));
        drop(first);
        waiter.join().unwrap().unwrap();
    }

    #[test]
    fn a_symlink_at_the_lock_path_is_not_followed() {
        let t = tempfile::tempdir().unwrap();
        let victim = t.path().join("victim");
        fs::write(&victim, "keep").unwrap();
        let path = t.path().join(".out.lantern-lock");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        assert!(acquire(&path, Path::new("OUT"), Duration::ZERO, &|_| {}).is_err());
        assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
    }

    #[test]
    fn a_locked_folder_is_reported_busy() {
        let t = tempfile::tempdir().unwrap();
        let held = try_lock_dir(t.path()).unwrap();
        assert!(held.is_some());
        assert!(try_lock_dir(t.path()).unwrap().is_none());
        drop(held);
        assert!(try_lock_dir(t.path()).unwrap().is_some());
    }
}
