//! The state file: which item ids each channel has already received.
//!
//! Written after every successful send by writing a temporary file next to it, syncing
//! it and renaming it over the old one, so a crash leaves either the old or the new
//! file, never half of one: at worst the one item in flight is sent again.
//!
//! A run holds an exclusive `flock` on `<state>.lock` from before it reads the state
//! until it exits, so two runs at once take turns and the second sees everything the
//! first recorded. The lock file is never deleted (deleting it would let a third run
//! lock a fresh file while the second still holds the old one).

use super::NotifyError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

/// Version of the file format, written into the file.
const FORMAT: u32 = 1;

/// The file as stored.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    version: u32,
    /// Channel id → item ids it has received (or that were recorded without sending).
    announced: BTreeMap<String, BTreeSet<String>>,
}

/// The state of every channel, as read at the start of a run.
#[derive(Debug)]
pub struct State {
    path: PathBuf,
    /// The file existed when read: a first run is treated with care.
    pub existed: bool,
    announced: BTreeMap<String, BTreeSet<String>>,
}

impl State {
    /// Read `path`; a missing file is an empty state.
    pub fn load(path: &Path) -> Result<State, NotifyError> {
        let bad = |message: String| NotifyError::State {
            path: path.to_path_buf(),
            message,
        };
        match read_no_follow(path) {
            Ok(text) => {
                let s: Stored = serde_json::from_str(&text).map_err(|e| {
                    bad(format!(
                        "is not a lantern notify state file ({e}); fix or move it away"
                    ))
                })?;
                if s.version != FORMAT {
                    return Err(bad(format!(
                        "has format version {}, this lantern reads {FORMAT}",
                        s.version
                    )));
                }
                Ok(State {
                    path: path.to_path_buf(),
                    existed: true,
                    announced: s.announced,
                })
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(State {
                path: path.to_path_buf(),
                existed: false,
                announced: BTreeMap::new(),
            }),
            Err(e) => Err(bad(format!("cannot be read: {e}"))),
        }
    }

    /// True when `channel` has `id` on record.
    pub fn contains(&self, channel: &str, id: &str) -> bool {
        self.announced.get(channel).is_some_and(|s| s.contains(id))
    }

    /// Put `ids` on record for `channel` and write the file (atomically).
    pub fn record<'i>(
        &mut self,
        channel: &str,
        ids: impl IntoIterator<Item = &'i str>,
    ) -> Result<(), NotifyError> {
        let set = self.announced.entry(channel.to_string()).or_default();
        let before = set.len();
        set.extend(ids.into_iter().map(str::to_string));
        if set.len() == before && self.existed {
            return Ok(());
        }
        self.save()
    }

    /// Write the file if it does not exist yet (a first run that had nothing to send).
    pub fn ensure_exists(&mut self) -> Result<(), NotifyError> {
        if self.existed { Ok(()) } else { self.save() }
    }

    fn save(&mut self) -> Result<(), NotifyError> {
        let stored = Stored {
            version: FORMAT,
            announced: std::mem::take(&mut self.announced),
        };
        let mut text = serde_json::to_string_pretty(&stored).expect("plain data serialises");
        self.announced = stored.announced;
        text.push('\n');
        crate::atomic_file::replace(&self.path, text.as_bytes()).map_err(|e| {
            NotifyError::State {
                path: self.path.clone(),
                message: format!("cannot be written: {e}"),
            }
        })?;
        self.existed = true;
        Ok(())
    }
}

/// Read a file, refusing to follow a symlink at its last component.
fn read_no_follow(path: &Path) -> io::Result<String> {
    let mut f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?;
    let mut s = String::new();
    io::Read::read_to_string(&mut f, &mut s)?;
    Ok(s)
}

/// An exclusive lock on the state, released when dropped (or when the process dies).
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Take the lock for the state file at `state`, waiting for another run to finish.
///
/// `waiting` is called once if the lock is busy, so the operator learns why the run
/// pauses.
pub fn lock(state: &Path, waiting: impl FnOnce(&Path)) -> Result<Lock, NotifyError> {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    let path = state.with_file_name(name);
    let err = |e: io::Error| NotifyError::State {
        path: path.clone(),
        message: format!("cannot be locked: {e}"),
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)
        .map_err(err)?;
    let fd = file.as_raw_fd();
    // SAFETY: `fd` is an open descriptor owned by `file` for the whole call.
    if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EWOULDBLOCK) {
            return Err(err(e));
        }
        waiting(&path);
        loop {
            // SAFETY: as above.
            if unsafe { libc::flock(fd, libc::LOCK_EX) } == 0 {
                break;
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(err(e));
            }
        }
    }
    Ok(Lock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn records_survive_a_reload_and_the_file_is_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("announced.json");
        let mut s = State::load(&path).unwrap();
        assert!(!s.existed);
        assert!(!s.contains("slack", "a"));
        s.record("slack", ["a"]).unwrap();
        s.record("slack", ["b"]).unwrap();
        s.record("email", ["a"]).unwrap();
        let again = State::load(&path).unwrap();
        assert!(again.existed);
        assert!(again.contains("slack", "a") && again.contains("slack", "b"));
        assert!(again.contains("email", "a") && !again.contains("email", "b"));
        // No temporary files are left next to it.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["announced.json"]);
    }

    #[test]
    fn a_recording_with_nothing_new_creates_the_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let mut s = State::load(&path).unwrap();
        s.ensure_exists().unwrap();
        assert!(path.exists(), "an empty baseline still leaves a state file");
    }

    #[test]
    fn garbage_and_symlinks_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        fs::write(&path, "not json").unwrap();
        let e = State::load(&path).unwrap_err().to_string();
        assert!(
            e.contains("s.json") && e.contains("not a lantern notify state file"),
            "{e}"
        );
        let outside = dir.path().join("outside.json");
        fs::write(&outside, r#"{"version":1,"announced":{}}"#).unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(State::load(&link).is_err());
    }

    #[test]
    fn the_lock_is_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let held = lock(&path, |_| panic!("the first lock must not wait")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let p2 = path.clone();
        let t = std::thread::spawn(move || {
            let _second = lock(&p2, |_| tx.send("waited").unwrap()).unwrap();
        });
        assert_eq!(rx.recv().unwrap(), "waited");
        drop(held);
        t.join().unwrap();
    }
}
