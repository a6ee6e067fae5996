//! Removing what a build leaves beside the output: the replaced old tree, and staging
//! folders of builds that were killed. Only what Lantern wrote is ever removed.

use super::error::{OutputError, examples};
use super::lock;
use super::marker::{self, Marker};
use super::owner::{self, Existing, PLACEHOLDER};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Prefix of the staging folders for the output `name`, beside it.
pub fn staging_prefix(name: &str) -> String {
    format!(".{name}.lantern-staging-")
}

/// Remove the replaced output tree now at `dir`, judged `existing` before the swap.
/// Returns what had to stay (files Lantern did not write) so the caller can say so.
pub fn remove_old(dir: &Path, existing: &Existing) -> Result<Vec<String>, OutputError> {
    let failed = |e: io::Error| OutputError::Leftover {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    };
    match existing {
        Existing::Missing => Ok(Vec::new()),
        Existing::Empty { placeholder } => {
            let mut listed = BTreeSet::new();
            if *placeholder {
                listed.insert(PLACEHOLDER.to_string());
            }
            remove_listed(dir, &listed).map_err(failed)
        }
        Existing::Listed(files) => remove_listed(dir, files).map_err(failed),
        // Written by a Lantern that recorded no list: the old marker declared the
        // folder replaced as a whole, so it goes as a whole (this one time).
        Existing::Legacy => fs::remove_dir_all(dir).map(|()| Vec::new()).map_err(failed),
    }
}

/// Remove staging folders beside the output left by builds that were killed: only ones
/// whose lock is free (never a live build's). One that cannot be removed is an error
/// naming it; once fixed, the next build goes on.
pub fn clear_leftovers(parent: &Path, name: &str) -> Result<(), OutputError> {
    let prefix = staging_prefix(name);
    let entries = match fs::read_dir(parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(super::error::io_err(parent)(e)),
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    found.sort();
    for dir in found {
        let leftover = |reason: String| OutputError::Leftover {
            path: dir.clone(),
            reason,
        };
        let Some(_held) = lock::try_lock_dir(&dir).map_err(|e| leftover(e.to_string()))? else {
            continue; // a live build's
        };
        remove_staging(&dir).map_err(leftover)?;
    }
    Ok(())
}

/// Remove the staging folder `dir`, whose lock the caller holds: the files its marker
/// lists, the folders they leave empty, the marker and `dir`. Anything else in it
/// stays, and the reason names an example.
pub fn remove_staging(dir: &Path) -> Result<(), String> {
    // A sealed marker a killed build was about to rename into place (`stream`).
    super::spare::remove_marker_temp(dir).map_err(|e| e.to_string())?;
    match owner::read_marker(dir) {
        Some(Marker::Listed(files)) => {
            let kept = remove_listed(dir, &files).map_err(|e| e.to_string())?;
            if !kept.is_empty() {
                return Err(format!(
                    "it holds files Lantern did not write (e.g. {})",
                    examples(&kept)
                ));
            }
            Ok(())
        }
        // No list: a staging folder that had not got its marker yet (so empty), or
        // one from a Lantern that wrote whole folders; the name says it is ours.
        _ => fs::remove_dir_all(dir).map_err(|e| e.to_string()),
    }
}

/// Remove the listed files under `dir`, then every folder left empty, then the marker
/// and `dir` itself. Links are never followed. If anything unlisted is there, it stays,
/// and so does a marker (listing what stays as not Lantern's), so a later clean-up can
/// never take it for a folder Lantern wrote as a whole. Returns what had to stay.
fn remove_listed(dir: &Path, listed: &BTreeSet<String>) -> io::Result<Vec<String>> {
    remove_listed_with(dir, listed, true)
}

/// `remove_listed`, unlinking files in parallel or (`parallel` false: in a forked
/// process, where rayon's threads do not exist) one after the other.
pub(super) fn remove_listed_with(
    dir: &Path,
    listed: &BTreeSet<String>,
    parallel: bool,
) -> io::Result<Vec<String>> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    let mut kept = Vec::new();
    if !fs::symlink_metadata(dir)?.is_dir() {
        // Somebody put something else (a link?) in its place: not ours to touch.
        return Ok(vec![dir.display().to_string()]);
    }
    let walk = walkdir::WalkDir::new(dir)
        .follow_root_links(false)
        .min_depth(1)
        .sort_by_file_name();
    for entry in walk {
        let entry = entry.map_err(io::Error::from)?;
        let rel = owner::relative(dir, entry.path());
        let kind = entry.file_type();
        if kind.is_dir() {
            dirs.push(entry.into_path());
        } else if rel == marker::NAME && kind.is_file() {
            // Removed last, once nothing unlisted remains.
        } else if kind.is_file() && listed.contains(&rel) {
            files.push(entry.into_path());
        } else {
            kept.push(rel);
        }
    }
    let unlink = |f: &PathBuf| match fs::remove_file(f) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    };
    if parallel {
        // Files are independent: unlink them in parallel (kernel work dominates).
        files.par_iter().try_for_each(unlink)?;
    } else {
        files.iter().try_for_each(unlink)?;
    }
    if !kept.is_empty() {
        for d in dirs.iter().rev() {
            let _ = fs::remove_dir(d); // fails, harmlessly, on folders holding kept files
        }
        write_no_follow(&dir.join(marker::NAME), &marker::render([]))?;
        return Ok(kept);
    }
    // Deepest first, so each folder is empty by the time it is removed.
    for d in dirs.iter().rev() {
        fs::remove_dir(d)?;
    }
    match fs::remove_file(dir.join(marker::NAME)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    fs::remove_dir(dir)?;
    Ok(kept)
}

/// Write a file, failing rather than writing through a symlink at `path`.
fn write_no_follow(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)?
        .write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn only_listed_files_go() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("old");
        fs::create_dir_all(d.join("a/b")).unwrap();
        fs::write(d.join("a/b/index.html"), "x").unwrap();
        fs::write(d.join(".lantern"), "m").unwrap();
        fs::write(d.join("mine.txt"), "keep").unwrap();
        let kept = remove_listed(&d, &set(&["a/b/index.html"])).unwrap();
        assert_eq!(kept, ["mine.txt"]);
        assert!(!d.join("a").exists());
        assert_eq!(fs::read_to_string(d.join("mine.txt")).unwrap(), "keep");
        // The marker stays, now listing nothing: `mine.txt` is never taken for Lantern's.
        assert_eq!(owner::read_marker(&d), Some(Marker::Listed(set(&[]))));
        fs::remove_file(d.join("mine.txt")).unwrap();
        assert!(remove_listed(&d, &set(&[])).unwrap().is_empty());
        assert!(!d.exists());
    }

    #[test]
    fn links_are_removed_never_followed() {
        let t = tempfile::tempdir().unwrap();
        let outside = t.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("index.html"), "precious").unwrap();
        let d = t.path().join("old");
        fs::create_dir(&d).unwrap();
        std::os::unix::fs::symlink(&outside, d.join("a")).unwrap();
        let kept = remove_listed(&d, &set(&["a/index.html", "a"])).unwrap();
        assert_eq!(kept, ["a"]);
        assert_eq!(
            fs::read_to_string(outside.join("index.html")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn a_link_in_place_of_the_old_tree_is_left_alone() {
        let t = tempfile::tempdir().unwrap();
        let outside = t.path().join("outside");
        fs::create_dir(&outside).unwrap();
        fs::write(outside.join("index.html"), "precious").unwrap();
        std::os::unix::fs::symlink(&outside, t.path().join("old")).unwrap();
        let kept = remove_old(
            &t.path().join("old"),
            &Existing::Listed(set(&["index.html"])),
        );
        assert_eq!(kept.unwrap().len(), 1);
        assert_eq!(
            fs::read_to_string(outside.join("index.html")).unwrap(),
            "precious"
        );
    }

    #[test]
    fn leftovers_of_killed_builds_go_but_live_ones_stay() {
        let t = tempfile::tempdir().unwrap();
        let dead = t.path().join(".public.lantern-staging-1");
        let live = t.path().join(".public.lantern-staging-2");
        let other = t.path().join(".www.lantern-staging-3");
        for d in [&dead, &live, &other] {
            fs::create_dir_all(d.join("x")).unwrap();
            fs::write(d.join("x/index.html"), "half").unwrap();
        }
        fs::write(dead.join(".lantern"), marker::render(["x/index.html"])).unwrap();
        // Killed while sealing its marker: the sealed one not yet renamed into place.
        fs::write(dead.join(".lantern-new"), marker::render(["x/index.html"])).unwrap();
        let _held = lock::try_lock_dir(&live).unwrap().unwrap();
        clear_leftovers(t.path(), "public").unwrap();
        assert!(!dead.exists());
        assert!(
            live.join("x/index.html").exists(),
            "a live build's staging was removed"
        );
        assert!(
            other.join("x/index.html").exists(),
            "another output's staging was removed"
        );
    }

    #[test]
    fn a_lantern_new_that_is_not_a_marker_stays() {
        let t = tempfile::tempdir().unwrap();
        // A `.lantern-new` that is not a marker is somebody's file too.
        let odd = t.path().join(".public.lantern-staging-2");
        fs::create_dir(&odd).unwrap();
        fs::write(odd.join(".lantern"), marker::render(["x.html"])).unwrap();
        fs::write(odd.join(".lantern-new"), "my notes").unwrap();
        let e = clear_leftovers(t.path(), "public").unwrap_err().to_string();
        assert!(e.contains(".lantern-new"), "{e}");
        assert_eq!(
            fs::read_to_string(odd.join(".lantern-new")).unwrap(),
            "my notes"
        );
    }

    #[test]
    fn a_leftover_holding_foreign_files_is_a_clear_error_until_fixed() {
        let t = tempfile::tempdir().unwrap();
        let dead = t.path().join(".public.lantern-staging-1");
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join(".lantern"), marker::render(["index.html"])).unwrap();
        fs::write(dead.join("index.html"), "x").unwrap();
        fs::write(dead.join("notes.txt"), "mine").unwrap();
        let e = clear_leftovers(t.path(), "public").unwrap_err().to_string();
        assert!(
            e.contains(".public.lantern-staging-1") && e.contains("notes.txt"),
            "{e}"
        );
        assert_eq!(fs::read_to_string(dead.join("notes.txt")).unwrap(), "mine");
        fs::remove_file(dead.join("notes.txt")).unwrap();
        clear_leftovers(t.path(), "public").unwrap();
        assert!(!dead.exists());
    }
}
