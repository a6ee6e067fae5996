//! Whether an existing output folder is Lantern's to replace, and what in it Lantern wrote.

use super::error::{OutputError, examples, io_err};
use super::marker::{self, Marker};
use super::stamps::{FolderStamp, Stamps, TreeStamps, names_digest};
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

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
    judge(dir, shown, depth, None).map(|(existing, _)| existing)
}

/// The stamps of one tree, under its top folder's (device, inode).
pub type Stamped = Option<((u64, u64), TreeStamps)>;

/// [`inspect`] in full, not reading the folders `stamps` vouches for; also gives the
/// tree's stamps as of now, for the next build.
pub fn inspect_stamped(
    dir: &Path,
    shown: &Path,
    stamps: &Stamps,
) -> Result<(Existing, Stamped), OutputError> {
    judge(dir, shown, Depth::Full, Some(stamps))
}

fn judge(
    dir: &Path,
    shown: &Path,
    depth: Depth,
    stamps: Option<&Stamps>,
) -> Result<(Existing, Stamped), OutputError> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Existing::Missing, None)),
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
        return Ok((Existing::Empty { placeholder: false }, None));
    }
    if top == [PLACEHOLDER] && is_placeholder(dir) {
        return Ok((Existing::Empty { placeholder: true }, None));
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
                Ok((Existing::Legacy, None))
            } else {
                Err(not_ours(foreign))
            }
        }
        Some(Marker::Listed(files)) if depth == Depth::Top => Ok((Existing::Listed(files), None)),
        Some(Marker::Listed(files)) => {
            use std::os::unix::fs::MetadataExt;
            let tree = (meta.dev(), meta.ino());
            let known = stamps.and_then(|s| s.trees.get(&tree));
            let (foreign, now, _) = foreign_files(dir, &files, known).map_err(io_err(shown))?;
            if foreign.is_empty() {
                Ok((Existing::Listed(files), Some((tree, now))))
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

/// Paths under `dir` that are not listed (links and other non-files included), sorted,
/// and the stamps of its folders as read now. Folders count as Lantern's: they hold
/// nothing of their own. A folder `known` vouches for is not read (see `stamps`).
fn foreign_files(
    dir: &Path,
    listed: &BTreeSet<String>,
    known: Option<&TreeStamps>,
) -> std::io::Result<(Vec<String>, TreeStamps, usize)> {
    let taken = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Listed files by folder (`""`, `incidents/x/`), names in order.
    let mut by_folder: HashMap<&str, Vec<&str>> = HashMap::new();
    for path in listed {
        let (folder, name) = match path.rfind('/') {
            Some(i) => path.split_at(i + 1),
            None => ("", path.as_str()),
        };
        by_folder.entry(folder).or_default().push(name);
    }
    // Known folders by parent, to walk into the subfolders of a folder not read.
    let mut children: HashMap<&str, Vec<&String>> = HashMap::new();
    for rel in known.iter().flat_map(|k| k.folders.keys()) {
        // The top (`""`) has no parent; `a/b/` is below `a/`, `a/` below `""`.
        let Some(trimmed) = rel.strip_suffix('/') else {
            continue;
        };
        let parent = trimmed.rfind('/').map_or("", |i| &rel[..=i]);
        children.entry(parent).or_default().push(rel);
    }
    let walk = Walk {
        listed,
        by_folder,
        known,
        children,
        read: AtomicUsize::new(0),
    };
    // Every folder read in parallel: a 10,000-post site has 10,000 folders, and this
    // runs on every build (for the live output and for the spare).
    let (mut foreign, stamps) = walk.below(dir, "")?;
    foreign.sort();
    Ok((
        foreign,
        TreeStamps {
            taken,
            folders: stamps.into_iter().collect(),
        },
        walk.read.into_inner(),
    ))
}

/// What [`foreign_files`] walks with.
struct Walk<'a> {
    listed: &'a BTreeSet<String>,
    by_folder: HashMap<&'a str, Vec<&'a str>>,
    known: Option<&'a TreeStamps>,
    children: HashMap<&'a str, Vec<&'a String>>,
    /// Folders read (not vouched for by their stamps).
    read: AtomicUsize,
}

type Found = (Vec<String>, Vec<(String, FolderStamp)>);

impl Walk<'_> {
    /// The folder `dir`, which is `prefix` (empty or ending in `/`) below the output.
    /// Types come from the folder listing: nothing is followed.
    fn below(&self, dir: &Path, prefix: &str) -> std::io::Result<Found> {
        use rayon::prelude::*;
        // Stamped before reading: a change while we read moves it, so the next build
        // reads the folder again.
        let meta = fs::symlink_metadata(dir)?;
        let listed_here = names_digest(self.by_folder.get(prefix).into_iter().flatten().copied());
        if let Some(known) = self.known
            && let Some(stamp) = known.folders.get(prefix)
            && stamp.holds(&meta, known.taken, &listed_here)
        {
            let subfolders = self.children.get(prefix).map_or(&[][..], Vec::as_slice);
            if subfolders.len() as u64 == stamp.folders() {
                let below: Vec<Found> = subfolders
                    .par_iter()
                    .map(|rel| self.below(&dir.join(&rel[prefix.len()..]), rel))
                    .collect::<std::io::Result<_>>()?;
                return Ok(merge(
                    (Vec::new(), vec![(prefix.to_string(), *stamp)]),
                    below,
                ));
            }
        }
        self.read.fetch_add(1, Ordering::Relaxed);
        let mut foreign = Vec::new();
        let mut folders = Vec::new();
        let mut files = Vec::new();
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            let kind = entry.file_type()?;
            if kind.is_dir() {
                folders.push((entry.path(), rel + "/"));
            } else if kind.is_file() && rel == marker::NAME {
                // The marker itself: ours, and never in its own list.
            } else if kind.is_file() && self.listed.contains(&rel) {
                files.push(name);
            } else {
                foreign.push(rel);
            }
        }
        files.sort();
        let stamp = FolderStamp::new(
            &meta,
            &names_digest(files.iter().map(String::as_str)),
            folders.len() as u64,
        );
        let below: Vec<Found> = folders
            .par_iter()
            .map(|(path, rel)| self.below(path, rel))
            .collect::<std::io::Result<_>>()?;
        Ok(merge((foreign, vec![(prefix.to_string(), stamp)]), below))
    }
}

fn merge(mut here: Found, below: Vec<Found>) -> Found {
    for (foreign, stamps) in below {
        here.0.extend(foreign);
        here.1.extend(stamps);
    }
    here
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

    /// Folders its stamps vouch for are not read; a change anywhere is.
    #[test]
    fn stamped_folders_are_not_read_again_until_they_change() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        for f in [
            "index.html",
            "a/index.html",
            "a/b/index.html",
            "c/index.html",
        ] {
            fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
            fs::write(d.join(f), b"x").unwrap();
        }
        let listed: BTreeSet<String> = [
            "index.html",
            "a/index.html",
            "a/b/index.html",
            "c/index.html",
        ]
        .map(String::from)
        .into();
        let (foreign, mut stamps, read) = foreign_files(d, &listed, None).unwrap();
        assert!(foreign.is_empty());
        assert_eq!((read, stamps.folders.len()), (4, 4));
        // As if taken a while ago: just-made folders are racy, and read again.
        let (_, _, read) = foreign_files(d, &listed, Some(&stamps)).unwrap();
        assert_eq!(read, 4);
        stamps.taken += 100;
        let (foreign, again, read) = foreign_files(d, &listed, Some(&stamps)).unwrap();
        assert!(foreign.is_empty());
        assert_eq!(read, 0);
        assert_eq!(again.folders, stamps.folders);
        // A file dropped into a deep folder: that folder is read, and the file found.
        std::thread::sleep(std::time::Duration::from_millis(50));
        fs::write(d.join("a/b/evil.html"), b"x").unwrap();
        let (foreign, _, read) = foreign_files(d, &listed, Some(&stamps)).unwrap();
        assert_eq!(foreign, ["a/b/evil.html"]);
        assert_eq!(read, 1);
        fs::remove_file(d.join("a/b/evil.html")).unwrap();
        // A listed file no longer listed (the marker changed): its folder is read.
        let fewer: BTreeSet<String> = listed
            .iter()
            .filter(|p| *p != "c/index.html")
            .cloned()
            .collect();
        let (foreign, _, read) = foreign_files(d, &fewer, Some(&stamps)).unwrap();
        assert_eq!(foreign, ["c/index.html"]);
        assert!(read >= 1);
        // A new subfolder, with a file in it.
        fs::create_dir(d.join("c/new")).unwrap();
        fs::write(d.join("c/new/x"), b"x").unwrap();
        let (foreign, _, _) = foreign_files(d, &listed, Some(&stamps)).unwrap();
        assert_eq!(foreign, ["c/new/x"]);
    }

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
