//! Appending results to `probe-YYYY-MM.jsonl`: one `write` per whole line on an
//! `O_APPEND` file, so a killed probe leaves whole lines and concurrent probes never
//! interleave bytes inside a line.

use crate::health::record::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why the feed could not take a result.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("cannot create the feed folder {}: {source}", path.display())]
    Folder { path: PathBuf, source: io::Error },
    #[error("the feed folder {} leads outside the site (a symlink?); refusing to write there", path.display())]
    Outside { path: PathBuf },
    #[error("cannot open {} for appending: {source}", path.display())]
    Open { path: PathBuf, source: io::Error },
    #[error("cannot append to {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
}

/// One feed line as `lantern probe` writes it.
#[derive(Debug, Serialize)]
pub struct Line<'a> {
    pub check: &'a str,
    pub at: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

impl Line<'_> {
    /// The line's bytes, newline included, ready for a single `write`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec(self).expect("a feed line serialises");
        v.push(b'\n');
        v
    }
}

/// The feed's name for a state.
pub fn status_word(s: State) -> &'static str {
    match s {
        State::Up => "up",
        State::Degraded => "degraded",
        State::Down => "down",
    }
}

/// The monthly probe file a result at `at` goes to.
pub fn file_name(at: DateTime<Utc>) -> String {
    format!("probe-{}.jsonl", at.format("%Y-%m"))
}

/// Open monthly files of one feed folder, shared by the threads of a round.
#[derive(Debug)]
pub struct Appender {
    dir: PathBuf,
    files: Mutex<HashMap<String, File>>,
}

impl Appender {
    /// Make sure `dir` exists inside `root` (no symlink out of the site).
    pub fn new(root: &Path, dir: PathBuf) -> Result<Appender, AppendError> {
        std::fs::create_dir_all(&dir).map_err(|source| AppendError::Folder {
            path: dir.clone(),
            source,
        })?;
        let (real_root, real_dir) = (root.canonicalize(), dir.canonicalize());
        match (real_root, real_dir) {
            (Ok(r), Ok(d)) if d.starts_with(&r) => {}
            _ => return Err(AppendError::Outside { path: dir }),
        }
        Ok(Appender {
            dir,
            files: Mutex::new(HashMap::new()),
        })
    }

    /// Open (creating) the file for `at` now, so an unwritable feed fails before any probe runs.
    pub fn prepare(&self, at: DateTime<Utc>) -> Result<PathBuf, AppendError> {
        let name = file_name(at);
        let mut files = self.files.lock().expect("appender lock");
        if !files.contains_key(&name) {
            let path = self.dir.join(&name);
            let f = OpenOptions::new()
                .append(true)
                .create(true)
                .mode(0o644)
                // The file itself must not be a symlink to somewhere else.
                .custom_flags(libc::O_NOFOLLOW)
                .open(&path)
                .map_err(|source| AppendError::Open {
                    path: path.clone(),
                    source,
                })?;
            files.insert(name.clone(), f);
        }
        Ok(self.dir.join(name))
    }

    /// Append one line with a single `write` call.
    pub fn append(&self, at: DateTime<Utc>, line: &Line<'_>) -> Result<(), AppendError> {
        let path = self.prepare(at)?;
        let bytes = line.to_bytes();
        let mut files = self.files.lock().expect("appender lock");
        let f = files.get_mut(&file_name(at)).expect("prepared above");
        // One write of the whole line: O_APPEND places it atomically at the end.
        match f.write(&bytes) {
            Ok(n) if n == bytes.len() => Ok(()),
            Ok(_) => Err(AppendError::Write {
                path,
                source: io::Error::new(io::ErrorKind::WriteZero, "short write (disk full?)"),
            }),
            Err(source) => Err(AppendError::Write { path, source }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn lines_are_whole_json_with_a_newline() {
        let l = Line {
            check: "db",
            at: "2026-11-20T03:12:00Z".into(),
            status: "down",
            latency_ms: None,
            message: Some("say \"hi\"\nnext"),
        };
        let b = l.to_bytes();
        assert_eq!(b.iter().filter(|&&c| c == b'\n').count(), 1);
        assert!(b.ends_with(b"\n"));
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["message"], "say \"hi\"\nnext");
        assert!(v.get("latency_ms").is_none());
    }

    #[test]
    fn months_name_files() {
        let t = Utc.with_ymd_and_hms(2026, 1, 31, 23, 59, 59).unwrap();
        assert_eq!(file_name(t), "probe-2026-01.jsonl");
    }
}
