//! Folder stamps: which folders of an output tree are known to hold only files its
//! marker lists, so the foreign-file check (`owner`) need not read them again.
//!
//! Every build checks both trees it touches (the live output and the spare) for files
//! Lantern did not write: 10,000 folders each at 10,000 posts, most of a cron
//! minute's publishing time. A folder's entries cannot change without its change time
//! (ctime, which no user can set) moving, so a folder whose inode, ctime and mtime are
//! those recorded when it was last read, and whose listed files are exactly the files
//! found then, still holds exactly those files.
//!
//! Racy stamps, as git has them: a folder changed in the same clock tick as it was
//! stamped could change again without its ctime moving. A stamp whose ctime or mtime
//! is within [`RACY_SECS`] of when it was taken is never trusted: that folder is read
//! again. Folders a build writes into are therefore read once more by the next build.
//!
//! Only an optimisation, stored in the cache folder: a missing, damaged or foreign
//! stamp file means every folder is read.

use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;

/// Stamps this close (seconds) to the moment they were taken are not trusted.
pub const RACY_SECS: i64 = 2;

/// One folder as it was when read: identity, times, and what it held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FolderStamp {
    ino: u64,
    ctime: (i64, i64),
    mtime: (i64, i64),
    /// Digest of the names of the files found (all listed then).
    files: [u8; 16],
    /// How many subfolders it held.
    folders: u64,
}

impl FolderStamp {
    /// The stamp of a folder with metadata `meta` holding `files` (names, sorted)
    /// and `folders` subfolders.
    pub fn new(meta: &std::fs::Metadata, files: &[u8; 16], folders: u64) -> FolderStamp {
        FolderStamp {
            ino: meta.ino(),
            ctime: (meta.ctime(), meta.ctime_nsec()),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            files: *files,
            folders,
        }
    }

    /// True when `meta` shows the folder unchanged since this stamp, the stamp was
    /// not racy (taken at `taken`, Unix seconds) and it held exactly `files`.
    pub fn holds(&self, meta: &std::fs::Metadata, taken: i64, files: &[u8; 16]) -> bool {
        let racy = self.ctime.0 >= taken - RACY_SECS || self.mtime.0 >= taken - RACY_SECS;
        !racy
            && self.ino == meta.ino()
            && self.ctime == (meta.ctime(), meta.ctime_nsec())
            && self.mtime == (meta.mtime(), meta.mtime_nsec())
            && self.files == *files
    }

    /// How many subfolders the folder held.
    pub fn folders(&self) -> u64 {
        self.folders
    }
}

/// The digest of a folder's file names, as [`FolderStamp`] keeps it.
pub fn names_digest<'a>(names: impl IntoIterator<Item = &'a str>) -> [u8; 16] {
    let mut h = blake3::Hasher::new();
    for n in names {
        h.update(n.as_bytes());
        h.update(&[0]);
    }
    let mut d = [0; 16];
    d.copy_from_slice(&h.finalize().as_bytes()[..16]);
    d
}

/// The stamps of one tree, taken at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeStamps {
    /// When the walk that took them began (Unix seconds).
    pub taken: i64,
    /// Folder (relative, `/`-separated, `""` for the top) → stamp.
    pub folders: HashMap<String, FolderStamp>,
}

/// Stamps of the trees of one output (the live one and its spare), by the top
/// folder's (device, inode): a tree keeps its inode through every rename.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stamps {
    pub trees: HashMap<(u64, u64), TreeStamps>,
}

/// First line of a stamp file.
const HEADER: &str = "lantern-folder-stamps v1\n";

impl Stamps {
    /// The file's text: header, then per tree a `tree` line and its folders, sorted,
    /// then a `sum` line over everything before it.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let folders: usize = self.trees.values().map(|t| t.folders.len()).sum();
        // Straight into one string, no string per line: 20,000 lines at 10,000 posts.
        let mut out = String::with_capacity(HEADER.len() + folders * 112 + 64);
        out.push_str(HEADER);
        let mut trees: Vec<_> = self.trees.iter().collect();
        trees.sort_by_key(|(k, _)| **k);
        let mut hex = [0; 32];
        for ((dev, ino), t) in trees {
            let _ = writeln!(out, "tree {dev} {ino} {} {}", t.taken, t.folders.len());
            let mut folders: Vec<_> = t.folders.iter().collect();
            folders.sort_unstable_by_key(|(rel, _)| *rel);
            for (rel, s) in folders {
                let files = hex::encode_to_slice(s.files, &mut hex)
                    .ok()
                    .and_then(|()| std::str::from_utf8(&hex).ok())
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{} {} {} {} {} {files} {} {rel}",
                    s.ino, s.ctime.0, s.ctime.1, s.mtime.0, s.mtime.1, s.folders
                );
            }
        }
        let sum = blake3::hash(out.as_bytes());
        let _ = writeln!(out, "sum {}", sum.to_hex());
        out
    }

    /// Read [`Stamps::to_text`]'s form; anything else, or any damage, gives no stamps.
    pub fn parse(text: &str) -> Stamps {
        Self::parse_checked(text).unwrap_or_default()
    }

    fn parse_checked(text: &str) -> Option<Stamps> {
        let body_end = text.strip_suffix('\n')?.rfind('\n')? + 1;
        let (body, last) = text.split_at(body_end);
        let sum = last.strip_prefix("sum ")?.strip_suffix('\n')?;
        if !body.starts_with(HEADER) || blake3::hash(body.as_bytes()).to_hex().as_str() != sum {
            return None;
        }
        let mut stamps = Stamps::default();
        let mut lines = body[HEADER.len()..].lines();
        while let Some(line) = lines.next() {
            let mut f = line.strip_prefix("tree ")?.split(' ');
            let mut num = || f.next()?.parse::<i64>().ok();
            let (dev, ino, taken, n) = (num()?, num()?, num()?, num()?);
            let mut tree = TreeStamps {
                taken,
                folders: HashMap::with_capacity(usize::try_from(n).ok()?.min(1 << 20)),
            };
            for _ in 0..n {
                let (rel, stamp) = folder_line(lines.next()?)?;
                tree.folders.insert(rel, stamp);
            }
            stamps.trees.insert((dev as u64, ino as u64), tree);
        }
        Some(stamps)
    }
}

/// The stamp file of the output `out`, in the site's cache folder.
fn file_name(out: &std::path::Path) -> String {
    let abs = super::absolute(out);
    let h = blake3::hash(abs.as_os_str().as_encoded_bytes());
    format!("folders-{}", hex::encode(&h.as_bytes()[..8]))
}

/// The stamps kept for `out` (none when there are none, or they cannot be read).
pub fn load(root: &std::path::Path, out: &std::path::Path) -> Stamps {
    crate::cache_dir::existing(root)
        .and_then(|dir| crate::cache_dir::read_no_follow(&dir.join(file_name(out))))
        .map(|text| Stamps::parse(&text))
        .unwrap_or_default()
}

/// Keep `trees` (the stamps this build took) for the next build of `out`; silently
/// nothing when the cache folder is not ours or not writable.
pub fn save(root: &std::path::Path, out: &std::path::Path, trees: Vec<super::owner::Stamped>) {
    let stamps = Stamps {
        trees: trees.into_iter().flatten().collect(),
    };
    if stamps.trees.is_empty() {
        // A first build into a new folder: nothing was read, nothing to keep.
        return;
    }
    crate::cache_dir::write(root, &file_name(out), stamps.to_text().as_bytes());
}

fn folder_line(line: &str) -> Option<(String, FolderStamp)> {
    let mut f = line.splitn(8, ' ');
    let mut num = || f.next()?.parse::<i64>().ok();
    let (ino, cs, cn, ms, mn) = (num()?, num()?, num()?, num()?, num()?);
    let mut files = [0; 16];
    hex::decode_to_slice(f.next()?, &mut files).ok()?;
    let folders = f.next()?.parse().ok()?;
    let rel = f.next()?.to_string();
    // `""` or `a/b/`: plain names only, so no stamp can lead the walk elsewhere.
    let plain = rel.is_empty()
        || rel.strip_suffix('/').is_some_and(|r| {
            r.split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
        });
    if !plain {
        return None;
    }
    Some((
        rel,
        FolderStamp {
            ino: ino as u64,
            ctime: (cs, cn),
            mtime: (ms, mn),
            files,
            folders,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(dir: &std::path::Path) -> std::fs::Metadata {
        std::fs::symlink_metadata(dir).unwrap()
    }

    #[test]
    fn the_text_round_trips_and_damage_gives_nothing() {
        let t = tempfile::tempdir().unwrap();
        let m = meta(t.path());
        let mut tree = TreeStamps {
            taken: 1_700_000_000,
            folders: HashMap::new(),
        };
        tree.folders.insert(
            String::new(),
            FolderStamp::new(&m, &names_digest(["a.html"]), 2),
        );
        tree.folders.insert(
            "incidents/x y/".into(),
            FolderStamp::new(&m, &names_digest([]), 0),
        );
        let mut stamps = Stamps::default();
        stamps.trees.insert((m.dev(), m.ino()), tree);
        let text = stamps.to_text();
        assert_eq!(Stamps::parse(&text), stamps);
        assert_eq!(stamps.trees[&(m.dev(), m.ino())].folders.len(), 2);
        // A flipped digit, a cut, garbage: no stamps at all, so every folder is read.
        let flipped = text.replacen(" 2 ", " 3 ", 1);
        assert_ne!(flipped, text);
        assert_eq!(Stamps::parse(&flipped), Stamps::default());
        assert_eq!(Stamps::parse(&text[..text.len() - 5]), Stamps::default());
        assert_eq!(Stamps::parse("garbage\n"), Stamps::default());
        // A folder path that is not plain, even under a valid checksum: refused.
        for bad in ["../", "a/../", "/etc/", "a//", "a"] {
            let mut forged = Stamps::default();
            let mut t = TreeStamps::default();
            t.folders
                .insert(bad.into(), FolderStamp::new(&m, &names_digest([]), 0));
            forged.trees.insert((1, 2), t);
            assert_eq!(Stamps::parse(&forged.to_text()), Stamps::default(), "{bad}");
        }
        assert_eq!(Stamps::parse(""), Stamps::default());
    }

    #[test]
    fn a_stamp_holds_only_for_the_same_folder_times_and_files() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("d");
        std::fs::create_dir(&d).unwrap();
        let files = names_digest(["index.html"]);
        let s = FolderStamp::new(&meta(&d), &files, 0);
        let now = meta(&d).ctime();
        // Taken long after the folder last changed: trusted.
        assert!(s.holds(&meta(&d), now + 60, &files));
        // Other listed files: not trusted.
        assert!(!s.holds(&meta(&d), now + 60, &names_digest(["other.html"])));
        // Taken within the racy window of its change time: not trusted.
        assert!(!s.holds(&meta(&d), now, &files));
        assert!(!s.holds(&meta(&d), now + RACY_SECS, &files));
        assert!(s.holds(&meta(&d), now + RACY_SECS + 1, &files));
        // Either time alone makes a stamp racy. Set in the future, the mtime is racy
        // for a stamp taken at +50 s while the ctime (now) is not…
        let f = std::fs::File::open(&d).unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(100);
        f.set_modified(later).unwrap();
        let m = meta(&d);
        let (c, mt) = (m.ctime(), m.mtime());
        assert!(mt > c + 90);
        let s_future = FolderStamp::new(&m, &files, 0);
        assert!(!s_future.holds(&m, c + 50, &files));
        assert!(!s_future.holds(&m, mt + 1, &files));
        assert!(s_future.holds(&m, mt + RACY_SECS + 1, &files));
        // …and set in the past, the ctime (now) is racy while the mtime is not.
        f.set_modified(
            std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000),
        )
        .unwrap();
        let m = meta(&d);
        let s_past = FolderStamp::new(&m, &files, 0);
        assert!(!s_past.holds(&m, m.ctime() + 1, &files));
        assert!(s_past.holds(&m, m.ctime() + RACY_SECS + 1, &files));
        // A file added since: the folder's times move.
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::fs::write(d.join("foreign.txt"), b"x").unwrap();
        assert!(!s.holds(&meta(&d), now + 60, &files));
        // Another folder (a new inode) in its place.
        let s2 = FolderStamp::new(&meta(&d), &files, 0);
        std::fs::remove_file(d.join("foreign.txt")).unwrap();
        std::fs::remove_dir(&d).unwrap();
        std::fs::create_dir(t.path().join("keep")).unwrap();
        std::fs::create_dir(&d).unwrap();
        assert!(!s2.holds(&meta(&d), now + 60, &files));
    }
}
