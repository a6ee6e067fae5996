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
//! detached process after the swap (`background`). A first build writes its pages
//! while they render (`stream`).

mod background;
mod cleanup;
mod error;
mod lock;
mod marker;
mod owner;
mod place;
mod spare;
mod stamps;
mod stream;
mod swap;

pub use error::OutputError;
pub use marker::NAME as MARKER;
pub use stream::{Finished, Stream};

use crate::render::{Files, Kept};
use crate::sum::Sum;
use crate::timings::stage;
use error::io_err;
use owner::{Depth, Existing, PLACEHOLDER};
use rayon::prelude::*;
use spare::Target;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// What a publish did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteStats {
    /// Files of the site whose bytes are new or changed (the marker not counted).
    pub written: usize,
    /// Files of the site carried over from the previous output unchanged.
    pub unchanged: usize,
    /// File operations (writes, hard links, removals) on the folder swapped in: the
    /// publishing work, O(files changed in the last two builds) with a spare tree.
    pub touched: usize,
    /// Pages the render cache did not render: the live output held their bytes.
    pub reused: usize,
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
    publish_kept(out, root, files, &digests(files), &Kept::new(), opts)
}

/// The digest of every file, path → digest (in parallel): publishing compares by
/// them and the render cache keeps them, so each file is hashed once per build.
pub fn digests(files: &Files) -> std::collections::HashMap<&str, Sum> {
    files
        .par_iter()
        .map(|(p, b)| (p.as_str(), Sum::of(b)))
        .collect()
}

/// [`publish`], with pages the render cache did not render (`kept`: path → digest)
/// taken from the live output, which must still hold them: [`OutputError::Moved`]
/// when it does not (another build published meanwhile); render them and retry.
/// `sums` are [`digests`]`(files)`.
pub fn publish_kept(
    out: &Path,
    root: &Path,
    files: &Files,
    sums: &std::collections::HashMap<&str, Sum>,
    kept: &Kept,
    opts: &PublishOptions,
) -> Result<WriteStats, OutputError> {
    // Folders known to hold only our files are not read again (see `stamps`): the
    // stamps of both trees this build looks at are kept for the next one.
    let known = stage("publish: stamps loaded", || stamps::load(root, out));
    let mut taken = Vec::new();
    let stats = publish_stamped(out, root, files, sums, kept, opts, &known, &mut taken)?;
    // The spare path saved them beside its sync already, leaving nothing here.
    if !taken.is_empty() {
        stage("publish: stamps saved", || stamps::save(root, out, taken));
    }
    Ok(stats)
}

#[allow(clippy::too_many_arguments)]
fn publish_stamped(
    out: &Path,
    root: &Path,
    files: &Files,
    sums: &std::collections::HashMap<&str, Sum>,
    kept: &Kept,
    opts: &PublishOptions,
    known: &stamps::Stamps,
    taken: &mut Vec<owner::Stamped>,
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
    // Again under the lock: the folder may have changed while we waited. The spare
    // beside it is checked at the same time (both read 10,000 folders at 10k posts);
    // its only write, dropping a marker a killed build left in it, is ours to undo.
    let spare_dir = spare::path(&place.parent, &place.name);
    let (live, spare) = rayon::join(
        || {
            stage("publish: live tree checked", || {
                owner::inspect_stamped(&place.dir, out, known)
            })
        },
        || stage("publish: spare checked", || spare::open(&spare_dir, known)),
    );
    let (existing, live_stamps) = live?;
    taken.push(live_stamps);
    cleanup::clear_leftovers(&place.parent, &place.name)?;
    let dir = place.dir.as_path();

    let mut extras = Vec::new();
    if existing.placeholder(dir) {
        // Keep a tracked placeholder (the repo's `public/.gitkeep`) where it was.
        let p = dir.join(PLACEHOLDER);
        extras.push((PLACEHOLDER.to_string(), fs::read(&p).map_err(io_err(&p))?));
    }
    let site: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .chain(extras.iter().map(|(p, b)| (p.as_str(), b.as_slice())))
        .collect();
    let mut targets: Vec<Target> = site
        .par_iter()
        .map(|&(path, bytes)| Target {
            path,
            bytes: Some(bytes),
            sum: sums.get(path).copied().unwrap_or_else(|| Sum::of(bytes)),
        })
        .collect();
    targets.extend(kept.iter().map(|(path, sum)| Target {
        path,
        bytes: None,
        sum: *sum,
    }));
    let marker_bytes = marker::render_sums(targets.iter().map(|t| (t.path, Some(t.sum))));
    // What the live folder holds, by its marker: a v2 marker's digests spare reading
    // every file back to compare (a v1 marker has none: those files are compared).
    let live_marker = match existing {
        Existing::Listed(_) => fs::read(dir.join(MARKER)).ok(),
        _ => None,
    };
    let live_sums = live_marker
        .as_deref()
        .and_then(marker::parse_sums)
        .unwrap_or_default();
    let same: Vec<bool> = targets
        .par_iter()
        .map(|t| match (live_sums.get(t.path), t.bytes) {
            (Some(Some(sum)), _) => *sum == t.sum,
            (_, Some(bytes)) => same_bytes(&dir.join(t.path), bytes),
            (_, None) => false,
        })
        .collect();
    if targets
        .iter()
        .zip(&same)
        .any(|(t, &same)| t.bytes.is_none() && !same)
    {
        // A reused page the live output no longer holds: another build published.
        return Err(OutputError::Moved(out.to_path_buf()));
    }
    let changed = same.iter().filter(|&&s| !s).count();
    let bytes = marker_bytes.len() as u64 + targets.iter().map(|t| t.sum.len).sum::<u64>();
    let mut stats = WriteStats {
        written: changed,
        unchanged: targets.len() - changed,
        bytes,
        ..WriteStats::default()
    };
    if changed == 0
        && live_marker.as_deref() == Some(marker_bytes.as_slice())
        && all_present(dir, &targets)
    {
        // Nothing changed: touch nothing, so mtimes and uploads stay put.
        return Ok(stats);
    }
    if let Some(mut spare) = spare? {
        taken.push(spare.stamps.take());
        // The previous generation is at hand: bring it up to date and swap it in. The
        // stamps of both trees are complete (taken when they were read): saved meanwhile.
        let stamped = std::mem::take(taken);
        let (synced, ()) = rayon::join(
            || {
                stage("publish: spare synced", || {
                    spare::sync(&spare, dir, &live_sums, &targets, &marker_bytes)
                })
            },
            || stage("publish: stamps saved", || stamps::save(root, out, stamped)),
        );
        let synced = synced?;
        stats.touched = synced.written + synced.linked + synced.removed;
        keep_mode(dir, &spare_dir)?;
        swap::replace(&spare_dir, dir).map_err(io_err(out))?;
        drop(spare);
        if !matches!(existing, Existing::Listed(_) | Existing::Missing) {
            // An empty or legacy folder was replaced: it is no spare (no file list).
            stats.warning =
                old_tree_warning(&spare_dir, cleanup::remove_old(&spare_dir, &existing));
        }
        return Ok(stats);
    }
    let (staging, _staging_lock) = new_staging(&place)?;
    let all: Vec<(&str, Option<&[u8]>)> = std::iter::once((MARKER, Some(marker_bytes.as_slice())))
        .chain(targets.iter().map(|t| (t.path, t.bytes)))
        .collect();
    let mut all_same = vec![live_marker.as_deref() == Some(marker_bytes.as_slice())];
    all_same.extend(&same);
    let result = fill(&staging, dir, &all, &all_same).and_then(|touched| {
        keep_mode(dir, &staging)?;
        swap::replace(&staging, dir).map_err(io_err(out))?;
        Ok(touched)
    });
    match result {
        Ok(touched) => {
            stats.touched = touched;
            Ok(after_swap(&staging, &spare_dir, &existing, stats))
        }
        Err(e) => {
            // Half of a new site: its marker (written first) lists every file in it.
            let _ = cleanup::remove_staging(&staging);
            Err(e)
        }
    }
}

/// A new, empty staging folder beside the output, locked by this build. Made under
/// the output lock, so no other build takes it for a killed build's leftover.
fn new_staging(place: &place::Place) -> Result<(std::path::PathBuf, lock::DirLock), OutputError> {
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
    match lock::try_lock_dir(&staging) {
        Ok(Some(held)) => Ok((staging, held)),
        Ok(None) => Err(io_err(&staging)(std::io::ErrorKind::WouldBlock.into())),
        Err(e) => {
            let _ = fs::remove_dir(&staging);
            Err(io_err(&staging)(e))
        }
    }
}

/// After `staging` was swapped into place it holds the old output, judged `existing`
/// before the swap: keep a listed one as the spare, remove anything else.
fn after_swap(
    staging: &Path,
    spare_dir: &Path,
    existing: &Existing,
    mut stats: WriteStats,
) -> WriteStats {
    // A listed old output is kept as the spare: the next build updates it instead of
    // writing afresh.
    if matches!(existing, Existing::Listed(_)) && swap::rename_new(staging, spare_dir).is_ok() {
        return stats;
    }
    // Otherwise remove what we wrote. A large one goes in a detached process (it takes
    // our staging lock over once we return): the new site is in place.
    let detached = match existing {
        Existing::Listed(files) if files.len() >= background::MIN_FILES => {
            background::remove_detached(staging, files)
        }
        _ => false,
    };
    if *existing != Existing::Missing && !detached {
        stats.warning = old_tree_warning(staging, cleanup::remove_old(staging, existing));
    }
    stats
}

/// The warning for an old tree that could not be removed entirely, if any.
fn old_tree_warning(dir: &Path, removed: Result<Vec<String>, OutputError>) -> Option<String> {
    match removed {
        Ok(kept) if kept.is_empty() => None,
        Ok(kept) => Some(format!(
            "the previous output, now at {}, held files Lantern did not write (e.g. {}); they were kept there",
            dir.display(),
            error::examples(&kept)
        )),
        Err(e) => Some(e.to_string()),
    }
}

/// The swapped-in folder keeps the old one's mode (a web root's `2775`, say).
fn keep_mode(old: &Path, new: &Path) -> Result<(), OutputError> {
    if let Ok(meta) = fs::metadata(old) {
        fs::set_permissions(new, meta.permissions()).map_err(io_err(new))?;
    }
    Ok(())
}

/// True when every target is a regular file of the recorded length in `dir`: a file
/// removed by hand since the last build is noticed without reading any file.
fn all_present(dir: &Path, targets: &[Target]) -> bool {
    targets.par_iter().all(|t| {
        fs::symlink_metadata(dir.join(t.path)).is_ok_and(|m| m.is_file() && m.len() == t.sum.len)
    })
}

/// Write `all` into the empty folder `staging`, hard-linking unchanged files from
/// `old`; returns how many files it wrote or linked.
fn fill(
    staging: &Path,
    old: &Path,
    all: &[(&str, Option<&[u8]>)],
    same: &[bool],
) -> Result<usize, OutputError> {
    fs::create_dir_all(staging).map_err(io_err(staging))?;
    let mut dirs: Vec<&Path> = all
        .iter()
        .filter_map(|(rel, _)| Path::new(rel).parent())
        .collect();
    dirs.sort();
    dirs.dedup();
    // One by one, parents first (sorted order), as `cp -r` does: 7,000 folders made
    // in parallel in one parent (`incidents/`) fight over its lock, and the kernel
    // spun for longer than the whole `cp -r` took.
    for d in dirs {
        let dir = staging.join(d);
        match fs::create_dir(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            // A parent that holds no file of its own is not in the list.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir_all(&dir).map_err(io_err(&dir))?
            }
            Err(e) => return Err(io_err(&dir)(e)),
        }
    }
    let place = |&(rel, bytes): &(&str, Option<&[u8]>), same: bool| {
        let dest = staging.join(rel);
        if same && fs::hard_link(old.join(rel), &dest).is_ok() {
            return Ok(());
        }
        match bytes {
            Some(bytes) => fs::write(&dest, bytes).map_err(io_err(&dest)),
            // A reused page whose live file is gone: render it after all.
            None => Err(OutputError::Moved(old.to_path_buf())),
        }
    };
    // The marker (`all[0]`) goes first: a staging folder left by a killed build then
    // always says which files in it are Lantern's.
    place(&all[0], same[0])?;
    // Files are independent: link or write them in parallel (the kernel work dominates).
    all[1..]
        .par_iter()
        .zip(&same[1..])
        .try_for_each(|(f, &same)| place(f, same))?;
    Ok(all.len())
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// What the output at `out` holds by its marker: path → digest (files without one
/// left out). Empty when there is no Lantern output there. Read without the lock:
/// only a hint for the render cache, which publishing checks again.
pub fn published_sums(out: &Path, root: &Path) -> std::collections::HashMap<String, Sum> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let Ok(place) = place::resolve(out, root, home.as_deref()) else {
        return Default::default();
    };
    match owner::read_marker_bytes(&place.dir)
        .as_deref()
        .and_then(marker::parse_sums)
    {
        Some(sums) => sums
            .iter()
            .filter_map(|(p, s)| Some((p.clone(), (*s)?)))
            .collect(),
        None => Default::default(),
    }
}

/// `out` as an absolute path with `.` and `..` resolved (it may not exist).
pub fn absolute(out: &Path) -> std::path::PathBuf {
    place::normalise(out).unwrap_or_else(|_| out.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> PublishOptions<'static> {
        PublishOptions {
            wait: Duration::ZERO,
            on_wait: &|_| {},
        }
    }

    fn files(items: &[(&str, &str)]) -> Files {
        items
            .iter()
            .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn reused_pages_come_from_the_live_output_or_not_at_all() {
        let t = tempfile::tempdir().unwrap();
        let (root, out) = (t.path().join("site"), t.path().join("out"));
        fs::create_dir(&root).unwrap();
        let x = || Kept::from([("p/x.html".to_string(), Sum::of(b"x"))]);
        // Nothing live to take it from: refused, nothing written.
        let f = files(&[("index.html", "a")]);
        let e = publish_kept(&out, &root, &f, &digests(&f), &x(), &opts());
        assert!(matches!(e, Err(OutputError::Moved(_))), "{e:?}");
        assert!(!out.exists());
        publish(
            &out,
            &root,
            &files(&[("index.html", "a"), ("p/x.html", "x")]),
            &opts(),
        )
        .unwrap();
        // Live holds it: linked over, twice (the second time through the spare).
        for body in ["b", "c"] {
            let f = files(&[("index.html", body)]);
            let stats = publish_kept(&out, &root, &f, &digests(&f), &x(), &opts()).unwrap();
            assert_eq!((stats.written, stats.unchanged), (1, 1));
            assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), body);
            assert_eq!(fs::read_to_string(out.join("p/x.html")).unwrap(), "x");
        }
        assert!(spare::path(t.path(), "out").join(MARKER).is_file());
        // A different digest than the live file's: refused, live untouched.
        let wrong = Kept::from([("p/x.html".to_string(), Sum::of(b"y"))]);
        let f = files(&[("index.html", "d")]);
        let e = publish_kept(&out, &root, &f, &digests(&f), &wrong, &opts());
        assert!(matches!(e, Err(OutputError::Moved(_))), "{e:?}");
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "c");
    }
}
