//! Publishing: write into a staging folder beside the output, then swap it into place.
//!
//! Readers of `public/` see either the complete old site or the complete new one.
//! Files whose bytes did not change are hard-linked from the old output, so their
//! mtimes stay put and rsync or CDN uploads only carry what changed.

mod swap;

use crate::render::Files;
use rayon::prelude::*;
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
    let mut extras = Vec::new();
    let all = with_extras(files, out, &mut extras);
    let same: Vec<bool> = all
        .par_iter()
        .map(|(rel, bytes)| same_bytes(&out.join(rel), bytes))
        .collect();
    if identical(out, &all, &same) {
        // Nothing changed: touch nothing, so mtimes and uploads stay put.
        let bytes = all.iter().map(|(_, b)| b.len() as u64).sum();
        return Ok(WriteStats {
            written: 0,
            unchanged: all.len(),
            bytes,
        });
    }
    let staging = parent.join(format!(".{name}.lantern-staging-{}", std::process::id()));
    let result = fill(&staging, out, &all, &same).and_then(|stats| {
        swap::replace(&staging, out).map_err(io_err(out))?;
        Ok(stats)
    });
    // On success `staging` now holds the old output; on failure the half-written new one.
    if staging.exists() {
        remove_tree(&staging);
    }
    result
}

/// Absolute path with `.` and `..` resolved lexically (the folder may not exist yet).
fn normalise(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
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

/// Every file of the new output, with the marker and a carried-over `.gitkeep`.
fn with_extras<'a>(
    files: &'a Files,
    old: &Path,
    extras: &'a mut Vec<(String, Vec<u8>)>,
) -> Vec<(&'a str, &'a [u8])> {
    extras.push((MARKER.to_string(), MARKER_TEXT.to_vec()));
    // Keep a tracked placeholder (the repo's `public/.gitkeep`) where it was.
    if old.join(".gitkeep").is_file() {
        extras.push((".gitkeep".to_string(), Vec::new()));
    }
    files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .chain(extras.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
        .collect()
}

/// True when `old` holds exactly these files with exactly these bytes.
fn identical(old: &Path, all: &[(&str, &[u8])], same: &[bool]) -> bool {
    if !same.iter().all(|&s| s) {
        return false;
    }
    let on_disk = walkdir::WalkDir::new(old)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count();
    on_disk == all.len()
}

fn fill(
    staging: &Path,
    old: &Path,
    all: &[(&str, &[u8])],
    same: &[bool],
) -> Result<WriteStats, OutputError> {
    fs::create_dir_all(staging).map_err(io_err(staging))?;
    let mut dirs: Vec<&Path> = all
        .iter()
        .filter_map(|(rel, _)| Path::new(rel).parent())
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        let dir = staging.join(d);
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
    }
    // Files are independent: link or write them in parallel (the kernel work dominates).
    let linked: Vec<bool> = all
        .par_iter()
        .zip(same)
        .map(|(&(rel, bytes), &same)| {
            let dest = staging.join(rel);
            if same && fs::hard_link(old.join(rel), &dest).is_ok() {
                return Ok(true);
            }
            fs::write(&dest, bytes).map_err(io_err(&dest))?;
            Ok(false)
        })
        .collect::<Result<_, OutputError>>()?;
    let unchanged = linked.iter().filter(|&&l| l).count();
    Ok(WriteStats {
        written: all.len() - unchanged,
        unchanged,
        bytes: all.iter().map(|(_, b)| b.len() as u64).sum(),
    })
}

/// Remove a folder tree, its top-level entries in parallel.
fn remove_tree(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        let paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.par_iter().for_each(|p| {
            let _ = if p.is_dir() {
                fs::remove_dir_all(p)
            } else {
                fs::remove_file(p)
            };
        });
    }
    let _ = fs::remove_dir_all(dir);
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}
