//! Publishing: write into a staging folder beside the output, then swap it into place.
//!
//! Readers of `public/` see either the complete old site or the complete new one.
//! Files whose bytes did not change are hard-linked from the old output, so their
//! mtimes stay put and rsync or CDN uploads only carry what changed.
//!
//! Nothing that is not Lantern's is ever replaced or removed: the output must be empty
//! or carry a marker listing every file in it (`marker`, `owner`); a symlinked
//! output is swapped at its target (`place`); one build at a time publishes a folder
//! (`lock`); clean-up removes only listed files (`cleanup`), a large old tree in a
//! detached process after the swap (`background`).

mod background;
mod cleanup;
mod error;
mod lock;
mod marker;
mod owner;
mod place;
mod swap;

pub use error::OutputError;
pub use marker::NAME as MARKER;

use crate::render::Files;
use error::io_err;
use owner::{Depth, Existing, PLACEHOLDER};
use rayon::prelude::*;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// What a publish did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteStats {
    /// Files whose bytes are new or changed.
    pub written: usize,
    /// Files carried over from the previous output unchanged.
    pub unchanged: usize,
    /// Bytes of all files in the new output.
    pub bytes: u64,
    /// Set when the new site is published but the old one could not be cleared away.
    pub warning: Option<String>,
}

/// How to publish.
pub struct PublishOptions<'a> {
    /// How long to wait for another build publishing the same output.
    pub wait: Duration,
    /// Called once, with the other build's pid if known, when we have to wait.
    pub on_wait: &'a dyn Fn(Option<u32>),
}

/// Replace `out` with exactly `files` (relative path → bytes); `root` is the site root.
///
/// Only a missing or empty folder, or one Lantern wrote (its marker lists every file in
/// it), is replaced. When `out` is a symlink the folder it points to is replaced and the
/// link stays. One build at a time publishes a given folder.
pub fn publish(
    out: &Path,
    root: &Path,
    files: &Files,
    opts: &PublishOptions,
) -> Result<WriteStats, OutputError> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let place = place::resolve(out, root, home.as_deref())?;
    // Judge before creating anything (the lock file included): a refused folder and
    // its surroundings stay exactly as they were. A quick look suffices here; the full
    // one follows under the lock.
    owner::inspect(&place.dir, out, Depth::Top)?;
    fs::create_dir_all(&place.parent).map_err(io_err(&place.parent))?;
    let lock_path = place.parent.join(format!(".{}.lantern-lock", place.name));
    let _lock = lock::acquire(&lock_path, out, opts.wait, opts.on_wait)?;
    // Again under the lock: the folder may have changed while we waited.
    let existing = owner::inspect(&place.dir, out, Depth::Full)?;
    cleanup::clear_leftovers(&place.parent, &place.name)?;
    let dir = place.dir.as_path();

    let mut extras = Vec::new();
    if existing.placeholder(dir) {
        // Keep a tracked placeholder (the repo's `public/.gitkeep`) where it was.
        let p = dir.join(PLACEHOLDER);
        extras.push((PLACEHOLDER.to_string(), fs::read(&p).map_err(io_err(&p))?));
    }
    let listed = files.keys().map(String::as_str);
    let listed = listed.chain(extras.iter().map(|(p, _)| p.as_str()));
    let marker_bytes = marker::render(listed);
    let all: Vec<(&str, &[u8])> = std::iter::once((MARKER, marker_bytes.as_slice()))
        .chain(files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
        .chain(extras.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
        .collect();
    let same: Vec<bool> = all
        .par_iter()
        .map(|(rel, bytes)| same_bytes(&dir.join(rel), bytes))
        .collect();
    if identical(dir, &all, &same) {
        // Nothing changed: touch nothing, so mtimes and uploads stay put.
        let bytes = all.iter().map(|(_, b)| b.len() as u64).sum();
        return Ok(WriteStats {
            unchanged: all.len(),
            bytes,
            ..WriteStats::default()
        });
    }
    // The pid alone could be reused while a detached removal still holds an old
    // staging folder of that name; the clock makes the name unique.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let staging = place.parent.join(format!(
        "{}{}-{nanos}",
        cleanup::staging_prefix(&place.name),
        std::process::id()
    ));
    fs::create_dir(&staging).map_err(io_err(&staging))?;
    // Held until we are done, so no other build takes our staging folder for a stale one.
    let _staging_lock = lock::try_lock_dir(&staging).map_err(io_err(&staging))?;
    let result = fill(&staging, dir, &all, &same).and_then(|stats| {
        if let Ok(meta) = fs::metadata(dir) {
            // The swapped-in folder keeps the old one's mode (a web root's `2775`, say).
            fs::set_permissions(&staging, meta.permissions()).map_err(io_err(&staging))?;
        }
        swap::replace(&staging, dir).map_err(io_err(out))?;
        Ok(stats)
    });
    match result {
        Ok(mut stats) => {
            // `staging` now holds the old output (if there was one): remove what we wrote.
            // A large one goes in a detached process (it takes our staging lock over
            // once we return): the new site is already in place.
            let detached = match &existing {
                Existing::Listed(files) if files.len() >= background::MIN_FILES => {
                    background::remove_detached(&staging, files)
                }
                _ => false,
            };
            if existing != Existing::Missing && !detached {
                stats.warning = match cleanup::remove_old(&staging, &existing) {
                    Ok(kept) if kept.is_empty() => None,
                    Ok(kept) => Some(format!(
                        "the previous output, now at {}, held files Lantern did not write (e.g. {}); they were kept there",
                        staging.display(),
                        error::examples(&kept)
                    )),
                    Err(e) => Some(e.to_string()),
                };
            }
            Ok(stats)
        }
        Err(e) => {
            // Half of a new site, all ours: nothing else was ever in it.
            let _ = fs::remove_dir_all(&staging);
            Err(e)
        }
    }
}

/// True when `old` holds exactly these files with exactly these bytes.
fn identical(old: &Path, all: &[(&str, &[u8])], same: &[bool]) -> bool {
    if !same.iter().all(|&s| s) {
        return false;
    }
    let on_disk = walkdir::WalkDir::new(old)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .count();
    on_disk == all.len()
}

/// Write `all` into the empty folder `staging`, hard-linking unchanged files from `old`.
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
    // Folders in parallel too (10,000 of them one by one were a single-threaded
    // stretch); `create_dir_all` treats a parent made meanwhile by another thread as success.
    dirs.par_iter().try_for_each(|d| {
        let dir = staging.join(d);
        fs::create_dir_all(&dir).map_err(io_err(&dir))
    })?;
    let place = |&(rel, bytes): &(&str, &[u8]), same: bool| {
        let dest = staging.join(rel);
        if same && fs::hard_link(old.join(rel), &dest).is_ok() {
            return Ok(true);
        }
        fs::write(&dest, bytes).map_err(io_err(&dest))?;
        Ok(false)
    };
    // The marker (`all[0]`) goes first: a staging folder left by a killed build then
    // always says which files in it are Lantern's.
    let mut linked = vec![place(&all[0], same[0])?];
    // Files are independent: link or write them in parallel (the kernel work dominates).
    linked.extend(
        all[1..]
            .par_iter()
            .zip(&same[1..])
            .map(|(f, &same)| place(f, same))
            .collect::<Result<Vec<bool>, OutputError>>()?,
    );
    let unchanged = linked.iter().filter(|&&l| l).count();
    Ok(WriteStats {
        written: all.len() - unchanged,
        unchanged,
        bytes: all.iter().map(|(_, b)| b.len() as u64).sum(),
        warning: None,
    })
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}
