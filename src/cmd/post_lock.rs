//! An exclusive lock on one post file, so concurrent `lantern update`s take turns.
//!
//! The lock is `flock` on the post itself: no lock file is left in `content/`.
//! `update` replaces the post by renaming a new file over it, so a process that
//! was waiting holds a lock on the old, now unlinked file; it notices that the
//! path names another file and locks again, this time the new one.

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

/// How long to wait for another `update` of the same post to finish.
pub const WAIT: Duration = Duration::from_secs(30);

/// Why the post could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot open {} to lock it", .path.display())]
    Open { path: PathBuf, source: io::Error },
    #[error("cannot lock {}", .path.display())]
    Lock { path: PathBuf, source: io::Error },
    #[error(
        "another `lantern update` has been editing {} for {}s; nothing was changed, try again",
        .path.display(), .waited.as_secs()
    )]
    Busy { path: PathBuf, waited: Duration },
}

/// A held lock; dropping it (closing the file) releases it.
#[derive(Debug)]
pub struct PostLock {
    _file: File,
}

/// Lock `path` (a real file, not a symlink), waiting up to `wait` for another holder.
pub fn lock(path: &Path, wait: Duration) -> Result<PostLock, LockError> {
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        let file = File::open(path).map_err(|source| LockError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        if try_flock(&file).map_err(|source| LockError::Lock {
            path: path.to_path_buf(),
            source,
        })? {
            if still_names(path, &file) {
                return Ok(PostLock { _file: file });
            }
            // Replaced while we waited: the lock is on a file nobody reads any more.
            continue;
        }
        if start.elapsed() >= wait {
            return Err(LockError::Busy {
                path: path.to_path_buf(),
                waited: wait,
            });
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// `true` when the lock was taken, `false` when another process holds it.
fn try_flock(file: &File) -> io::Result<bool> {
    // SAFETY: flock on a descriptor we own; no memory is passed.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EWOULDBLOCK) => Ok(false),
        Some(libc::EINTR) => Ok(false),
        _ => Err(err),
    }
}

/// Whether `path` still names the open `file` (same device and inode).
fn still_names(path: &Path, file: &File) -> bool {
    match (std::fs::metadata(path), file.metadata()) {
        (Ok(p), Ok(f)) => p.dev() == f.dev() && p.ino() == f.ino(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_waits_then_fails_and_replacement_is_followed() {
        let dir = tempfile::tempdir().unwrap();
        let post = dir.path().join("p.md");
        std::fs::write(&post, "a").unwrap();
        let held = lock(&post, WAIT).unwrap();
        let err = lock(&post, Duration::from_millis(30)).unwrap_err();
        assert!(matches!(err, LockError::Busy { .. }), "{err}");
        assert!(err.to_string().contains("p.md"), "{err}");

        // Renaming a new file over the post: the old lock no longer guards the path.
        std::fs::write(dir.path().join("new"), "b").unwrap();
        std::fs::rename(dir.path().join("new"), &post).unwrap();
        let again = lock(&post, Duration::from_millis(30));
        assert!(again.is_ok(), "the new file is not locked");
        drop(held);
    }

    #[test]
    fn missing_post_is_an_open_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = lock(&dir.path().join("gone.md"), WAIT).unwrap_err();
        assert!(matches!(err, LockError::Open { .. }), "{err}");
    }
}
