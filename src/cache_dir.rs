//! `<root>/.lantern-cache/`: the one folder where builds keep what they may reuse (the
//! health cache in `health/`, the render cache in `pages-*`).
//!
//! Lantern writes there only when the folder is its own: created by Lantern with the
//! `CACHEDIR.TAG` marker (the convention that also keeps backup tools out), a real
//! folder, never a symlink. Everything in it is an optimisation: deleting it is safe.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Name of the cache folder under the site root.
pub const DIR: &str = ".lantern-cache";
/// The marker that says the cache folder is Lantern's.
pub const MARKER: &str = "CACHEDIR.TAG";
const MARKER_TEXT: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache created by Lantern (lantern build); deleting it is safe.\n";

/// The cache folder, if it exists and is ours (a real folder holding the marker).
pub fn existing(root: &Path) -> Option<PathBuf> {
    let top = root.join(DIR);
    (is_real_dir(&top) && is_marker(&top)).then_some(top)
}

/// The cache folder, created with its marker if there is none. `None` when a folder
/// of that name exists that Lantern did not make, or is a link: it is left alone.
pub fn ensure(root: &Path) -> Option<PathBuf> {
    let top = root.join(DIR);
    match std::fs::create_dir(&top) {
        Ok(()) => {
            // The marker goes in through a rename: a reader never sees half of it.
            let mut t = tempfile::NamedTempFile::new_in(&top).ok()?;
            t.write_all(MARKER_TEXT.as_bytes()).ok()?;
            t.persist(top.join(MARKER)).ok()?;
            Some(top)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if !is_real_dir(&top) {
                return None;
            }
            // Another build may be between creating the folder and its marker.
            let marked = (0..20).any(|_| {
                let ok = is_marker(&top);
                if !ok {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
                ok
            });
            marked.then_some(top)
        }
        Err(_) => None,
    }
}

/// `dir/name` as a real folder, created if missing; `None` if something else is there.
pub fn subdir(dir: &Path, name: &str) -> Option<PathBuf> {
    let sub = dir.join(name);
    match std::fs::create_dir(&sub) {
        Ok(()) => Some(sub),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && is_real_dir(&sub) => Some(sub),
        Err(_) => None,
    }
}

/// Read a file of the cache folder, never through a symlink at its path.
pub fn read_no_follow(path: &Path) -> Option<String> {
    String::from_utf8(read_bytes_no_follow(path)?).ok()
}

/// [`read_no_follow`] for a binary file.
pub fn read_bytes_no_follow(path: &Path) -> Option<Vec<u8>> {
    read_head_no_follow(path, u64::MAX)
}

/// Where a cache keeps its entries (`T`: what one process keeps in memory); chosen by
/// the command, carried in the load options.
#[derive(Debug, Default)]
pub enum Mode<T> {
    /// No cache (the library default, `check`, `notify`).
    #[default]
    Off,
    /// In this process's memory only (`lantern serve`: the preview writes nothing).
    /// Clones share one store, so the server keeps it across rebuilds.
    Memory(Memory<T>),
    /// On disk in the cache folder (`lantern build`).
    Disk,
}

impl<T> Clone for Mode<T> {
    fn clone(&self) -> Self {
        match self {
            Mode::Off => Mode::Off,
            Mode::Memory(m) => Mode::Memory(m.clone()),
            Mode::Disk => Mode::Disk,
        }
    }
}

/// Entries kept in memory, shared by every clone.
#[derive(Debug, Default)]
pub struct Memory<T>(std::sync::Arc<std::sync::Mutex<T>>);

impl<T> Clone for Memory<T> {
    fn clone(&self) -> Self {
        Memory(self.0.clone())
    }
}

impl<T> Memory<T> {
    /// The store; a panic elsewhere while it was held leaves it usable (every update
    /// replaces whole entries).
    pub fn lock(&self) -> std::sync::MutexGuard<'_, T> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Store `bytes` as the cache file `name`, replacing it in one rename. Silently does
/// nothing if the cache folder is not a plain folder of ours or is not writable.
pub fn write(root: &Path, name: &str, bytes: &[u8]) {
    // A link, a file or a folder without our marker is not ours to write into.
    let Some(dir) = ensure(root) else {
        return;
    };
    let Ok(mut tmp) = tempfile::NamedTempFile::new_in(&dir) else {
        return;
    };
    if tmp.write_all(bytes).is_ok() {
        let _ = tmp.persist(dir.join(name));
    }
}

/// Remove the cache file `name`, a file of an earlier Lantern, only when the cache
/// folder is ours and the file proves it is Lantern's too: a regular file (a link is
/// never opened nor removed) whose bytes begin with `signature`, the format's magic.
/// Anything else of that name is left alone.
pub fn remove_own(root: &Path, name: &str, signature: &[u8]) {
    let Some(dir) = existing(root) else {
        return;
    };
    let path = dir.join(name);
    let Some((head, meta)) = head_no_follow(&path, signature.len() as u64) else {
        return;
    };
    // Still the very file that was read: anything put in its place since (a link,
    // another program's file) is not ours to remove.
    let same = |m: std::fs::Metadata| m.dev() == meta.dev() && m.ino() == meta.ino();
    if head == signature && path.symlink_metadata().is_ok_and(same) {
        let _ = std::fs::remove_file(path);
    }
}

/// The first `limit` bytes of a regular file (all of them with `u64::MAX`), never
/// through a symlink at its path.
fn read_head_no_follow(path: &Path, limit: u64) -> Option<Vec<u8>> {
    head_no_follow(path, limit).map(|(bytes, _)| bytes)
}

/// [`read_head_no_follow`], with the metadata of the file that was read.
fn head_no_follow(path: &Path, limit: u64) -> Option<(Vec<u8>, std::fs::Metadata)> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .ok()?;
    let meta = f.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    f.take(limit).read_to_end(&mut bytes).ok()?;
    Some((bytes, meta))
}

/// True for a real folder (not a link to one).
pub fn is_real_dir(p: &Path) -> bool {
    p.symlink_metadata().is_ok_and(|m| m.is_dir())
}

fn is_marker(top: &Path) -> bool {
    top.join(MARKER)
        .symlink_metadata()
        .is_ok_and(|m| m.is_file())
}

/// The running program's path, length and modification time: a rebuilt or upgraded
/// Lantern (other rendering, clean-up or validation code) never reuses an older one's
/// pages or parsed posts.
pub fn binary_identity() -> String {
    let Ok(exe) = std::env::current_exe() else {
        return String::from("unknown");
    };
    let meta = std::fs::metadata(&exe).ok();
    let mtime = meta
        .as_ref()
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!(
        "{} {} {} {mtime}",
        env!("CARGO_PKG_VERSION"),
        exe.display(),
        meta.map_or(0, |m| m.len())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_once_with_its_marker_and_then_found() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(existing(t.path()), None);
        let dir = ensure(t.path()).unwrap();
        assert_eq!(dir, t.path().join(DIR));
        assert!(
            std::fs::read_to_string(dir.join(MARKER))
                .unwrap()
                .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
        );
        assert_eq!(existing(t.path()), Some(dir.clone()));
        assert_eq!(ensure(t.path()), Some(dir.clone()));
        assert_eq!(subdir(&dir, "health"), Some(dir.join("health")));
        assert_eq!(subdir(&dir, "health"), Some(dir.join("health")));
    }

    #[test]
    fn a_folder_we_did_not_make_or_a_link_is_left_alone() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join(DIR)).unwrap();
        assert_eq!(ensure(t.path()), None);
        assert_eq!(existing(t.path()), None);
        assert!(!t.path().join(DIR).join(MARKER).exists());

        let u = tempfile::tempdir().unwrap();
        let elsewhere = u.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, u.path().join(DIR)).unwrap();
        assert_eq!(ensure(u.path()), None);
        assert_eq!(existing(u.path()), None);
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    }

    #[test]
    fn only_our_own_old_file_is_removed() {
        let t = tempfile::tempdir().unwrap();
        // No cache folder of ours: nothing happens, even to a file with the magic.
        std::fs::create_dir(t.path().join(DIR)).unwrap();
        std::fs::write(t.path().join(DIR).join("old"), b"MAGIC1 x").unwrap();
        remove_own(t.path(), "old", b"MAGIC");
        assert!(t.path().join(DIR).join("old").exists());

        let u = tempfile::tempdir().unwrap();
        let dir = ensure(u.path()).unwrap();
        // Someone else's file of that name, and a link to a file with the magic.
        std::fs::write(dir.join("old"), b"notes of mine").unwrap();
        remove_own(u.path(), "old", b"MAGIC");
        assert_eq!(std::fs::read(dir.join("old")).unwrap(), b"notes of mine");
        let target = u.path().join("target");
        std::fs::write(&target, b"MAGIC1 x").unwrap();
        std::fs::remove_file(dir.join("old")).unwrap();
        std::os::unix::fs::symlink(&target, dir.join("old")).unwrap();
        remove_own(u.path(), "old", b"MAGIC");
        assert!(dir.join("old").symlink_metadata().is_ok(), "the link stays");
        assert_eq!(std::fs::read(&target).unwrap(), b"MAGIC1 x");
        // A folder of that name stays too.
        std::fs::remove_file(dir.join("old")).unwrap();
        std::fs::create_dir(dir.join("old")).unwrap();
        remove_own(u.path(), "old", b"MAGIC");
        assert!(dir.join("old").is_dir());
        // Our own file: removed.
        std::fs::remove_dir(dir.join("old")).unwrap();
        std::fs::write(dir.join("old"), b"MAGIC1 x").unwrap();
        remove_own(u.path(), "old", b"MAGIC");
        assert!(!dir.join("old").exists());
    }

    #[test]
    fn a_file_where_a_subfolder_belongs_is_left_alone() {
        let t = tempfile::tempdir().unwrap();
        let dir = ensure(t.path()).unwrap();
        std::fs::write(dir.join("health"), b"x").unwrap();
        assert_eq!(subdir(&dir, "health"), None);
        assert_eq!(std::fs::read(dir.join("health")).unwrap(), b"x");
    }
}
