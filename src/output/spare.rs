//! The spare tree: the generation before the live one, kept beside the output and
//! brought up to date for the next build, so publishing k changed files costs O(k)
//! file operations (plus the folders they sit in) instead of re-linking every file
//! and deleting the whole old tree.
//!
//! After a swap the folder that was live becomes `.<name>.lantern-spare`, with its
//! v2 marker (a digest per file). The next build, under the output's lock:
//! 1. marks the spare in progress: its marker lists every file that is or may be in
//!    it, the ones about to change with unknown digests (so a kill leaves a folder that
//!    is provably Lantern's, and the next build knows what to redo);
//! 2. removes files not in the new site, unlinks and re-creates changed ones (never
//!    writes in place: a file may be a hard link shared with the live tree), and
//!    hard-links from the live tree what is unchanged there (its mtime stays put);
//! 3. seals the marker and exchanges the spare with the live folder.
//!
//! The work is the files that changed in the last two builds. The price is disk: the
//! spare holds a second copy of every file that differs from the live one.

use super::error::{OutputError, io_err};
use super::lock::{self, DirLock};
use super::marker::{self, Sums};
use super::owner::{self, Existing};
use super::stamps::Stamps;
use crate::sum::Sum;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Where the marker is written before it is renamed over the real one; ours by name,
/// like the spare folder itself (a reserved `.lantern` name no theme file may take).
pub(super) const MARKER_TEMP: &str = ".lantern-new";

/// The spare folder of the output `name`, beside it.
pub fn path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}.lantern-spare"))
}

/// A spare found beside the output, locked for this build.
pub struct Spare {
    /// Its path.
    pub dir: PathBuf,
    /// What its marker says it holds.
    pub sums: std::sync::Arc<Sums>,
    /// Its folders' stamps as read now (see `stamps`).
    pub stamps: owner::Stamped,
    _lock: DirLock,
}

/// The spare at `dir`, if there is a usable one. `Ok(None)` when there is none; an
/// error naming it when something not provably Lantern's is in it (nothing is
/// touched then, as for any leftover).
pub fn open(dir: &Path, known: &Stamps) -> Result<Option<Spare>, OutputError> {
    let leftover = |reason: String| OutputError::Leftover {
        path: dir.to_path_buf(),
        reason,
    };
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(leftover(e.to_string())),
        Ok(m) if !m.is_dir() => return Err(leftover("it is not a folder".into())),
        Ok(_) => {}
    }
    let Some(held) = lock::try_lock_dir(dir).map_err(|e| leftover(e.to_string()))? else {
        // Only a build holding the output lock touches the spare, and we hold it.
        return Err(leftover("another process holds its lock".into()));
    };
    remove_marker_temp(dir).map_err(|e| leftover(e.to_string()))?;
    let stamps = match owner::inspect_stamped(dir, dir, known) {
        Ok((Existing::Listed(_), stamps)) => stamps,
        Ok((Existing::Empty { placeholder: false }, _)) => {
            return Ok(Some(Spare {
                dir: dir.to_path_buf(),
                sums: Default::default(),
                stamps: None,
                _lock: held,
            }));
        }
        Ok(_) => return Err(leftover("it has no file list".into())),
        Err(OutputError::NotOurs { examples, .. }) => {
            return Err(leftover(format!(
                "it holds files Lantern did not write (e.g. {examples})"
            )));
        }
        Err(e) => return Err(e),
    };
    let bytes = fs::read(dir.join(marker::NAME)).map_err(|e| leftover(e.to_string()))?;
    let sums = marker::parse_sums(&bytes).ok_or_else(|| leftover("bad marker".into()))?;
    Ok(Some(Spare {
        dir: dir.to_path_buf(),
        sums,
        stamps,
        _lock: held,
    }))
}

/// One file of the new site.
pub struct Target<'a> {
    pub path: &'a str,
    /// `None` for a page the render cache reused: the live file holds its bytes.
    pub bytes: Option<&'a [u8]>,
    pub sum: Sum,
}

/// What bringing the spare up to date did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Synced {
    /// Files written anew.
    pub written: usize,
    /// Files hard-linked from the live tree.
    pub linked: usize,
    /// Files removed.
    pub removed: usize,
}

/// Make `spare` hold exactly `targets` and the sealed `marker_bytes`; `live` and its
/// digests `live_sums` provide hard links for files unchanged there.
pub fn sync(
    spare: &Spare,
    live: &Path,
    live_sums: &Sums,
    targets: &[Target],
    marker_bytes: &[u8],
) -> Result<Synced, OutputError> {
    let dir = spare.dir.as_path();
    let wanted: BTreeSet<&str> = targets.iter().map(|t| t.path).collect();
    let stale: Vec<&Target> = targets
        .iter()
        .filter(|t| spare.sums.get(t.path) != Some(&Some(t.sum)))
        .collect();
    let gone: Vec<&str> = spare
        .sums
        .keys()
        .map(String::as_str)
        .filter(|p| !wanted.contains(p))
        .collect();
    if stale.is_empty() && gone.is_empty() {
        if fs::read(dir.join(marker::NAME)).is_ok_and(|b| b == marker_bytes) {
            return Ok(Synced::default());
        }
        write_marker(dir, marker_bytes)?;
        return Ok(Synced::default());
    }
    // 1. In progress: everything that is or may be here, what changes unknown.
    let changing: BTreeSet<&str> = stale
        .iter()
        .map(|t| t.path)
        .chain(gone.iter().copied())
        .collect();
    let in_progress = marker::render_sums(
        spare
            .sums
            .iter()
            .map(|(p, s)| {
                (
                    p.as_str(),
                    if changing.contains(p.as_str()) {
                        None
                    } else {
                        *s
                    },
                )
            })
            .chain(stale.iter().map(|t| (t.path, None))),
    );
    write_marker(dir, &in_progress)?;
    // 2. Out with what goes or changes (never written in place: it may be the live file).
    stale
        .par_iter()
        .map(|t| t.path)
        .chain(gone.par_iter().copied())
        .try_for_each(|rel| unlink(&dir.join(rel)))?;
    remove_emptied(dir, &gone);
    if spare.sums.values().any(Option::is_none) {
        // A killed update (or a v1 marker): folders it made for files it never wrote
        // may be left empty. Only then is every folder looked at.
        remove_empty_folders(dir);
    }
    let mut parents: Vec<&Path> = stale
        .iter()
        .filter_map(|t| Path::new(t.path).parent())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    parents.sort();
    parents.dedup();
    parents.par_iter().try_for_each(|d| {
        let d = dir.join(d);
        fs::create_dir_all(&d).map_err(io_err(&d))
    })?;
    let linked = stale
        .par_iter()
        .map(|t| {
            let dest = dir.join(t.path);
            if live_sums.get(t.path) == Some(&Some(t.sum))
                && same_len(&live.join(t.path), t.sum.len)
                && fs::hard_link(live.join(t.path), &dest).is_ok()
            {
                return Ok(true);
            }
            let Some(bytes) = t.bytes else {
                // A reused page whose live file is gone: render it after all.
                return Err(OutputError::Moved(live.to_path_buf()));
            };
            create_new(&dest, bytes).map_err(io_err(&dest))?;
            Ok(false)
        })
        .collect::<Result<Vec<bool>, OutputError>>()?;
    // 3. Sealed: every file is now what the marker says.
    write_marker(dir, marker_bytes)?;
    let linked = linked.iter().filter(|&&l| l).count();
    Ok(Synced {
        written: stale.len() - linked,
        linked,
        removed: gone.len(),
    })
}

/// True when `path` is a regular file of `len` bytes: a cheap check that a live file
/// is still what its marker says before it is linked.
fn same_len(path: &Path, len: u64) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == len)
}

/// Remove the marker a killed build was about to rename into place in `dir` (a spare
/// or a staging folder whose lock the caller holds), if that is what `MARKER_TEMP`
/// is: a regular file (never a link) holding a marker, still the file that was read
/// when it is unlinked. Anything else of that name stays, for the caller's check to
/// report as a file Lantern did not write.
pub(super) fn remove_marker_temp(dir: &Path) -> io::Result<()> {
    use std::io::Read;
    use std::os::unix::fs::MetadataExt;
    let temp = dir.join(MARKER_TEMP);
    let mut file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&temp)
    {
        Ok(f) => f,
        // Missing, a link (ELOOP) or unreadable: not ours to remove.
        Err(_) => return Ok(()),
    };
    let meta = file.metadata()?;
    let mut bytes = Vec::new();
    if !meta.is_file() || file.read_to_end(&mut bytes).is_err() || marker::parse(&bytes).is_none() {
        return Ok(());
    }
    match fs::symlink_metadata(&temp) {
        Ok(now) if now.dev() == meta.dev() && now.ino() == meta.ino() => fs::remove_file(&temp),
        _ => Ok(()),
    }
}

/// Replace the marker in one rename, so it is never half-written.
pub(super) fn write_marker(dir: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let temp = dir.join(MARKER_TEMP);
    unlink(&temp)?;
    create_new(&temp, bytes).map_err(io_err(&temp))?;
    let real = dir.join(marker::NAME);
    fs::rename(&temp, &real).map_err(io_err(&real))
}

/// Remove a file (or a link, never what it points to); already gone is fine, and so
/// is a file where its folder would be (`a` when removing `a/index.html`: `a` goes
/// too) or a folder where the file would be (emptied and removed afterwards).
fn unlink(path: &Path) -> Result<(), OutputError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOTDIR | libc::EISDIR)) => Ok(()),
        Err(e) => Err(io_err(path)(e)),
        Ok(()) => Ok(()),
    }
}

/// Write a new file; fails rather than write through anything already at `path`.
pub(super) fn create_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?
        .write_all(bytes)
}

/// Remove the folders that removing `gone` left empty, deepest first; a folder that
/// still holds something stays (its removal fails, harmlessly).
fn remove_emptied(dir: &Path, gone: &[&str]) {
    let mut folders: BTreeSet<&Path> = BTreeSet::new();
    for rel in gone {
        let mut p = Path::new(*rel).parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            folders.insert(d);
            p = d.parent();
        }
    }
    let mut folders: Vec<&Path> = folders.into_iter().collect();
    folders.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    for d in folders {
        let _ = fs::remove_dir(dir.join(d));
    }
}

/// Remove every empty folder below `dir`, deepest first (a folder emptied by removing
/// its empty subfolders goes too).
fn remove_empty_folders(dir: &Path) {
    let walk = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .min_depth(1)
        .contents_first(true);
    for entry in walk.into_iter().filter_map(Result::ok) {
        if entry.file_type().is_dir() {
            let _ = fs::remove_dir(entry.path()); // fails, harmlessly, unless empty
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target<'a>(path: &'a str, bytes: &'a [u8]) -> Target<'a> {
        Target {
            path,
            bytes: Some(bytes),
            sum: Sum::of(bytes),
        }
    }

    /// A spare holding `files`, sealed, as a finished build leaves it.
    fn spare_with(dir: &Path, files: &[(&str, &[u8])]) -> Spare {
        for (p, b) in files {
            let f = dir.join(p);
            fs::create_dir_all(f.parent().unwrap()).unwrap();
            fs::write(f, b).unwrap();
        }
        let sums = files.iter().map(|(p, b)| (*p, Some(Sum::of(b))));
        fs::write(dir.join(marker::NAME), marker::render_sums(sums)).unwrap();
        open(dir, &Stamps::default()).unwrap().unwrap()
    }

    #[test]
    fn a_file_becomes_a_folder_and_a_folder_a_file() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join(".out.lantern-spare");
        fs::create_dir(&dir).unwrap();
        let spare = spare_with(
            &dir,
            &[
                ("a", b"file a"),
                ("b/index.html", b"in b"),
                ("c.html", b"c"),
            ],
        );
        let targets = [
            target("a/index.html", b"in a"),
            target("b", b"file b"),
            target("c.html", b"c"),
        ];
        let sums = targets.iter().map(|t| (t.path, Some(t.sum)));
        let sealed = marker::render_sums(sums);
        let done = sync(
            &spare,
            &t.path().join("live"),
            &Sums::new(),
            &targets,
            &sealed,
        )
        .unwrap();
        assert_eq!(
            done,
            Synced {
                written: 2,
                linked: 0,
                removed: 2
            }
        );
        assert_eq!(fs::read(dir.join("a/index.html")).unwrap(), b"in a");
        assert_eq!(fs::read(dir.join("b")).unwrap(), b"file b");
        assert_eq!(fs::read(dir.join(marker::NAME)).unwrap(), sealed);
        drop(spare);
        // Sealed and complete: the next look finds it exactly as listed.
        let again = open(&dir, &Stamps::default()).unwrap().unwrap();
        assert_eq!(again.sums.len(), 3);
        assert!(again.sums.values().all(Option::is_some));
    }

    #[test]
    fn unchanged_live_files_are_linked_never_rewritten() {
        use std::os::unix::fs::MetadataExt;
        let t = tempfile::tempdir().unwrap();
        let live = t.path().join("out");
        fs::create_dir(&live).unwrap();
        fs::write(live.join("p.html"), b"new").unwrap();
        let live_sums = Sums::from([("p.html".to_string(), Some(Sum::of(b"new")))]);
        let dir = t.path().join(".out.lantern-spare");
        fs::create_dir(&dir).unwrap();
        let spare = spare_with(&dir, &[("p.html", b"old")]);
        let targets = [target("p.html", b"new")];
        let sealed = marker::render_sums([("p.html", Some(Sum::of(b"new")))]);
        let done = sync(&spare, &live, &live_sums, &targets, &sealed).unwrap();
        assert_eq!(
            done,
            Synced {
                written: 0,
                linked: 1,
                removed: 0
            }
        );
        let (a, b) = (
            fs::metadata(live.join("p.html")).unwrap(),
            fs::metadata(dir.join("p.html")).unwrap(),
        );
        assert_eq!(a.ino(), b.ino(), "not the live file");
        // A live file whose length no longer matches its digest is not linked.
        fs::write(live.join("q.html"), b"tampered!").unwrap();
        let live_sums = Sums::from([("q.html".to_string(), Some(Sum::of(b"q")))]);
        let targets = [target("q.html", b"q")];
        let sealed = marker::render_sums([("q.html", Some(Sum::of(b"q")))]);
        let done = sync(&spare, &live, &live_sums, &targets, &sealed).unwrap();
        assert_eq!(
            done,
            Synced {
                written: 1,
                linked: 0,
                removed: 1
            }
        );
        assert_eq!(fs::read(dir.join("q.html")).unwrap(), b"q");
    }
}
