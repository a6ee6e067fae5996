//! Whether an existing output folder is Lantern's to replace, and what in it Lantern wrote.

use super::error::{OutputError, examples, io_err};
use super::marker::{self, Marker};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

/// A git placeholder (`public/.gitkeep` in the repository): a folder holding only this,
/// as an empty or small regular file, counts as empty; the file is carried over.
pub const PLACEHOLDER: &str = ".gitkeep";

/// Largest placeholder carried over; a bigger `.gitkeep` is somebody's data.
const PLACEHOLDER_MAX: u64 = 4096;

/// What the folder about to be replaced holds, once judged replaceable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Existing {
    /// Nothing there yet.
    Missing,
    /// An empty folder, or one holding only the placeholder.
    Empty { placeholder: bool },
    /// Written by this Lantern: the listed files (and the marker), nothing else.
    Listed(BTreeSet<String>),
    /// Written by a Lantern from before versioned markers: trusted as a whole.
    Legacy,
}

impl Existing {
    /// True when a placeholder `.gitkeep` sits at the top and must be carried over.
    pub fn placeholder(&self, dir: &Path) -> bool {
        match self {
            Existing::Missing => false,
            Existing::Empty { placeholder } => *placeholder,
            Existing::Listed(files) => files.contains(PLACEHOLDER) && is_placeholder(dir),
            Existing::Legacy => is_placeholder(dir),
        }
    }
}

/// How closely to look at a marked folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The top level and the marker only: enough to know Lantern wrote the folder.
    Top,
    /// Every file, each of which must be listed in the marker.
    Full,
}

/// Judge `dir` (an absolute path, links already resolved); `shown` names it in errors.
/// Anything not provably Lantern's makes this fail, and nothing is changed either way.
pub fn inspect(dir: &Path, shown: &Path, depth: Depth) -> Result<Existing, OutputError> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Missing),
        Err(e) => return Err(io_err(shown)(e)),
    };
    if !meta.is_dir() {
        return Err(OutputError::NotAFolder(shown.to_path_buf()));
    }
    let mut top: Vec<String> = fs::read_dir(dir)
        .map_err(io_err(shown))?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(io_err(shown))?;
    top.sort();
    let not_ours = |names: Vec<String>| OutputError::NotOurs {
        path: shown.to_path_buf(),
        examples: examples(&names),
    };
    if top.is_empty() {
        return Ok(Existing::Empty { placeholder: false });
    }
    if top == [PLACEHOLDER] && is_placeholder(dir) {
        return Ok(Existing::Empty { placeholder: true });
    }
    match read_marker(dir) {
        Some(Marker::Legacy) => {
            // The old marker lists nothing and its text is public, so it is trusted only
            // where the old Lantern could have written everything: it never wrote a
            // dot-entry but the marker and the placeholder. A `.git` or `.ssh` put there
            // later makes the folder someone else's.
            let foreign: Vec<String> = top
                .iter()
                .filter(|n| n.starts_with('.') && *n != marker::NAME && *n != PLACEHOLDER)
                .cloned()
                .collect();
            if foreign.is_empty() {
                Ok(Existing::Legacy)
            } else {
                Err(not_ours(foreign))
            }
        }
        Some(Marker::Listed(files)) if depth == Depth::Top => Ok(Existing::Listed(files)),
        Some(Marker::Listed(files)) => {
            let foreign = foreign_files(dir, &files).map_err(io_err(shown))?;
            if foreign.is_empty() {
                Ok(Existing::Listed(files))
            } else {
                Err(not_ours(foreign))
            }
        }
        None => Err(not_ours(top)),
    }
}

/// The marker at the top of `dir`, if it is a regular file Lantern wrote.
pub fn read_marker(dir: &Path) -> Option<Marker> {
    marker::parse(&read_marker_bytes(dir)?)
}

/// The bytes of the marker file at the top of `dir`, if it is a regular file.
pub fn read_marker_bytes(dir: &Path) -> Option<Vec<u8>> {
    let path = dir.join(marker::NAME);
    let meta = fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() {
        return None;
    }
    fs::read(&path).ok()
}

fn is_placeholder(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(PLACEHOLDER))
        .is_ok_and(|m| m.is_file() && m.len() <= PLACEHOLDER_MAX)
}

/// Paths under `dir` that are not listed (links and other non-files included), sorted.
/// Folders count as Lantern's: they hold nothing of their own.
fn foreign_files(dir: &Path, listed: &BTreeSet<String>) -> std::io::Result<Vec<String>> {
    // Every folder read in parallel: a 10,000-post site has 10,000 folders, and this
    // runs on every build (for the live output and for the spare).
    let mut foreign = foreign_below(dir, "", listed)?;
    foreign.sort();
    Ok(foreign)
}

/// [`foreign_files`] for the folder `dir`, which is `prefix` (empty or ending in `/`)
/// below the output. Types come from the folder listing: nothing is followed.
fn foreign_below(
    dir: &Path,
    prefix: &str,
    listed: &BTreeSet<String>,
) -> std::io::Result<Vec<String>> {
    use rayon::prelude::*;
    let mut foreign = Vec::new();
    let mut folders = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let rel = format!("{prefix}{}", name.to_string_lossy());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            folders.push((entry.path(), rel + "/"));
        } else if !(kind.is_file() && (rel == marker::NAME || listed.contains(&rel))) {
            foreign.push(rel);
        }
    }
    let below: Vec<Vec<String>> = folders
        .par_iter()
        .map(|(path, rel)| foreign_below(path, rel, listed))
        .collect::<std::io::Result<_>>()?;
    foreign.extend(below.into_iter().flatten());
    Ok(foreign)
}

/// `/`-separated path of `path` below `dir`.
pub fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .iter()
        .map(|c| c.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(dir: &Path) -> Result<Existing, String> {
        inspect(dir, Path::new("OUT"), Depth::Full).map_err(|e| e.to_string())
    }

    #[test]
    fn missing_empty_and_placeholder_folders_are_free() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("out");
        assert_eq!(judge(&d), Ok(Existing::Missing));
        fs::create_dir(&d).unwrap();
        assert_eq!(judge(&d), Ok(Existing::Empty { placeholder: false }));
        fs::write(d.join(".gitkeep"), "").unwrap();
        assert_eq!(judge(&d), Ok(Existing::Empty { placeholder: true }));
        assert!(judge(&d).unwrap().placeholder(&d));
    }

    #[test]
    fn dot_files_are_not_nothing() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("home");
        fs::create_dir_all(d.join(".ssh")).unwrap();
        fs::write(d.join(".ssh/id_ed25519"), "key").unwrap();
        fs::write(d.join(".bashrc"), "rc").unwrap();
        let e = judge(&d).unwrap_err();
        assert_eq!(
            e,
            "refusing to replace OUT: it holds files Lantern did not write (e.g. .bashrc, .ssh); choose an empty folder or remove them"
        );
    }

    #[test]
    fn a_big_or_linked_gitkeep_is_not_a_placeholder() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("out");
        fs::create_dir(&d).unwrap();
        fs::write(d.join(".gitkeep"), vec![b'x'; 5000]).unwrap();
        assert!(judge(&d).is_err());
        fs::remove_file(d.join(".gitkeep")).unwrap();
        fs::write(t.path().join("secret"), "").unwrap();
        std::os::unix::fs::symlink(t.path().join("secret"), d.join(".gitkeep")).unwrap();
        assert!(judge(&d).is_err());
    }

    #[test]
    fn a_forged_or_foreign_marker_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("out");
        fs::create_dir(&d).unwrap();
        fs::write(d.join(".lantern"), "anything").unwrap();
        fs::write(d.join("index.html"), "x").unwrap();
        let e = judge(&d).unwrap_err();
        assert!(e.contains("(e.g. .lantern, index.html)"), "{e}");
        fs::write(d.join(".lantern"), marker::LEGACY_TEXT).unwrap();
        assert_eq!(judge(&d), Ok(Existing::Legacy));
    }

    #[test]
    fn an_old_marker_does_not_cover_dot_entries_added_later() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("out");
        fs::create_dir_all(d.join(".git")).unwrap();
        fs::write(d.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
        fs::write(d.join("index.html"), "x").unwrap();
        fs::write(d.join(".gitkeep"), "").unwrap();
        fs::write(d.join(".lantern"), marker::LEGACY_TEXT).unwrap();
        let e = judge(&d).unwrap_err();
        assert!(e.contains("(e.g. .git)"), "{e}");
        fs::remove_dir_all(d.join(".git")).unwrap();
        assert_eq!(judge(&d), Ok(Existing::Legacy));
    }

    #[test]
    fn a_listed_folder_must_hold_only_what_is_listed() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("out");
        fs::create_dir_all(d.join("a")).unwrap();
        fs::write(d.join("a/index.html"), "x").unwrap();
        fs::write(
            d.join(".lantern"),
            marker::render(["a/index.html", "gone.html"]),
        )
        .unwrap();
        let want: BTreeSet<String> = ["a/index.html", "gone.html"].map(String::from).into();
        assert_eq!(judge(&d), Ok(Existing::Listed(want)));
        // Added by hand after the build: not Lantern's, so not replaceable.
        fs::create_dir(d.join(".git")).unwrap();
        fs::write(d.join(".git/HEAD"), "ref").unwrap();
        std::os::unix::fs::symlink("/etc", d.join("a/etc")).unwrap();
        let e = judge(&d).unwrap_err();
        assert!(e.contains("(e.g. .git/HEAD, a/etc)"), "{e}");
        // A quick look (before taking the lock) only checks the marker.
        assert!(inspect(&d, Path::new("OUT"), Depth::Top).is_ok());
    }

    #[test]
    fn a_file_is_not_a_folder() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("f");
        fs::write(&f, "x").unwrap();
        assert!(judge(&f).unwrap_err().contains("not a folder"));
    }
}
