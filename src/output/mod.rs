//! Publishing: write into a staging folder beside the output, then swap it into place.
//!
//! Readers of `public/` see either the complete old site or the complete new one.
//! Files whose bytes did not change are hard-linked from the old output, so their
//! mtimes stay put and rsync or CDN uploads only carry what changed.

mod swap;

use crate::render::Files;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// File at the top of every output folder, so a later build knows it may replace it.
pub const MARKER: &str = ".lantern";
const MARKER_TEXT: &[u8] =
    b"Written by lantern build. This folder is replaced as a whole on every build.\n";

/// What a publish did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files whose bytes are new or changed.
    pub written: usize,
    /// Files carried over from the previous output unchanged.
    pub unchanged: usize,
    /// Bytes of all files in the new output.
    pub bytes: u64,
}

/// Why publishing failed; the previous output is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write the site into {}: it contains the site itself", .0.display())]
    ContainsRoot(PathBuf),
    #[error("refusing to replace {}: it is not empty and was not written by lantern (no `{MARKER}` file in it)", .0.display())]
    NotOurs(PathBuf),
    #[error("{}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Replace `out` with exactly `files` (relative path → bytes); `root` is the site root.
pub fn publish(out: &Path, root: &Path, files: &Files) -> Result<WriteStats, OutputError> {
    // `--out .` or `--out ../x` have no usable file name as written: work on the
    // absolute, normalised path, and keep the user's spelling for messages.
    let shown = out;
    let abs = normalise(out).map_err(io_err(out))?;
    let out = abs.as_path();
    let name = out
        .file_name()
        .ok_or_else(|| OutputError::ContainsRoot(shown.to_path_buf()))?
        .to_string_lossy()
        .into_owned();
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(io_err(parent))?;
    check_safe(out, root).map_err(|e| match e {
        OutputError::ContainsRoot(_) => OutputError::ContainsRoot(shown.to_path_buf()),
        OutputError::NotOurs(_) => OutputError::NotOurs(shown.to_path_buf()),
        other => other,
    })?;
    clear_leftovers(parent, &name)?;
    let staging = parent.join(format!(".{name}.lantern-staging-{}", std::process::id()));
    let result = fill(&staging, out, files).and_then(|stats| {
        swap::replace(&staging, out).map_err(io_err(out))?;
        Ok(stats)
    });
    // On success `staging` now holds the old output; on failure the half-written new one.
    if staging.exists() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Absolute path with `.` and `..` resolved lexically (the folder may not exist yet).
fn normalise(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir()?.join(p) };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

fn check_safe(out: &Path, root: &Path) -> Result<(), OutputError> {
    let canon_root = fs::canonicalize(root).map_err(io_err(root))?;
    if let Ok(canon_out) = fs::canonicalize(out) {
        if canon_root.starts_with(&canon_out) {
            return Err(OutputError::ContainsRoot(out.to_path_buf()));
        }
        if !canon_out.is_dir() {
            return Err(OutputError::NotOurs(out.to_path_buf()));
        }
        let ours = canon_out.join(MARKER).is_file();
        // An empty folder, or one holding only dotfiles such as `.gitkeep`, is safe to take over.
        let only_dotfiles = fs::read_dir(&canon_out)
            .map_err(io_err(out))?
            .filter_map(Result::ok)
            .all(|e| e.file_name().to_string_lossy().starts_with('.'));
        if !ours && !only_dotfiles {
            return Err(OutputError::NotOurs(out.to_path_buf()));
        }
    }
    Ok(())
}

/// Remove staging folders left by a build that was killed.
fn clear_leftovers(parent: &Path, name: &str) -> Result<(), OutputError> {
    let prefix = format!(".{name}.lantern-");
    for entry in fs::read_dir(parent)
        .map_err(io_err(parent))?
        .filter_map(Result::ok)
    {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let p = entry.path();
            fs::remove_dir_all(&p).map_err(io_err(&p))?;
        }
    }
    Ok(())
}

fn fill(staging: &Path, old: &Path, files: &Files) -> Result<WriteStats, OutputError> {
    fs::create_dir_all(staging).map_err(io_err(staging))?;
    let mut stats = WriteStats::default();
    let mut carry = vec![(MARKER.to_string(), MARKER_TEXT.to_vec())];
    // Keep a tracked placeholder (the repo's `public/.gitkeep`) where it was.
    if old.join(".gitkeep").is_file() {
        carry.push((".gitkeep".to_string(), Vec::new()));
    }
    let carried = carry.iter().map(|(p, b)| (p, b));
    for (rel, bytes) in files.iter().chain(carried) {
        let dest = staging.join(rel);
        if let Some(dir) = dest.parent() {
            fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        stats.bytes += bytes.len() as u64;
        let prev = old.join(rel);
        if same_bytes(&prev, bytes) && fs::hard_link(&prev, &dest).is_ok() {
            stats.unchanged += 1;
            continue;
        }
        fs::write(&dest, bytes).map_err(io_err(&dest))?;
        stats.written += 1;
    }
    Ok(stats)
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}
