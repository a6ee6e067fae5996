//! Replacing one file so that readers see the old bytes or the new ones, never half,
//! and a crash leaves one of the two: the single way `import`, `update`, `new`,
//! `notify` and the cState importer write a file in place.
//!
//! The new bytes go to a fresh temporary file in the target's folder (created with
//! `O_EXCL` under a random name by `tempfile`, so a symlink planted there in advance
//! is never followed and two concurrent runs never share one), are synced, and the
//! file is renamed over the target; then the folder is synced so the rename itself
//! survives a power cut. The rename replaces a symlink at the target path itself: it
//! never writes through one (callers that want to edit a link's target, like
//! `lantern update`, resolve it first). The name starts with a dot, and the post
//! loader and the feed reader skip hidden files, so a leftover is never read as data.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// Mode of a file that did not exist before (less the umask), readable by the web
/// server and the build like any file an editor writes.
const NEW_FILE_MODE: u32 = 0o644;

/// Replace (or create) `path` with `bytes` atomically, keeping the permissions of
/// the regular file it replaces.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    Staged::new(path, bytes)?.commit()
}

/// New content written and synced beside its target, not yet in place; dropping it
/// removes the temporary file. Lets a caller stage several files and move them in
/// only when every one was written (the cState importer).
#[derive(Debug)]
pub struct Staged {
    tmp: NamedTempFile,
    path: PathBuf,
}

impl Staged {
    /// Write `bytes` to a new temporary file in `path`'s folder, with the mode of the
    /// regular file now at `path` (or [`NEW_FILE_MODE`] if there is none), and sync it.
    pub fn new(path: &Path, bytes: &[u8]) -> io::Result<Self> {
        let mut tmp = tempfile::Builder::new()
            .prefix(".lantern-")
            .suffix(".tmp")
            .permissions(Permissions::from_mode(NEW_FILE_MODE))
            .tempfile_in(folder_of(path))?;
        // `symlink_metadata`: a link at `path` is replaced, not its target, so the
        // target's mode is not the one to keep.
        match fs::symlink_metadata(path) {
            Ok(meta) if meta.is_file() => tmp.as_file().set_permissions(meta.permissions())?,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        Ok(Staged {
            tmp,
            path: path.to_path_buf(),
        })
    }

    /// The file this will replace.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rename the staged file over its target, then sync the folder.
    pub fn commit(self) -> io::Result<()> {
        let dir = folder_of(&self.path).to_path_buf();
        self.tmp.persist(&self.path).map_err(|e| e.error)?;
        sync_folder(&dir)
    }

    /// Move the staged file into place only if nothing is at the target yet (not even
    /// a dangling symlink); fails with [`io::ErrorKind::AlreadyExists`] otherwise.
    pub fn commit_new(self) -> io::Result<()> {
        let dir = folder_of(&self.path).to_path_buf();
        self.tmp
            .persist_noclobber(&self.path)
            .map_err(|e| e.error)?;
        sync_folder(&dir)
    }
}

/// The folder holding `path` (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Make a rename in `dir` durable.
fn sync_folder(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    /// Every name in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_content_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("feed.jsonl");
        fs::write(&p, "old content that is longer\n").unwrap();
        replace(&p, b"new\n").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new\n");
        assert_eq!(names(dir.path()), ["feed.jsonl"]);
    }

    #[test]
    fn creates_a_missing_file_readable_by_others() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("state.json");
        replace(&p, b"{}").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "{}");
        // The umask may take bits away, but never adds any: at most 0644, and not
        // tempfile's private 0600 (unless the umask itself says so).
        let m = mode(&p);
        assert_eq!(m & !NEW_FILE_MODE, 0, "{m:o}");
        let umask_hides_others = {
            let probe = dir.path().join("probe");
            fs::write(&probe, "").unwrap();
            mode(&probe) & 0o044 == 0
        };
        if !umask_hides_others {
            assert_eq!(m & 0o044, 0o044, "{m:o}");
        }
    }

    #[test]
    fn keeps_the_permissions_of_the_file_it_replaces() {
        let dir = tempfile::tempdir().unwrap();
        for want in [0o600, 0o640, 0o755] {
            let p = dir.path().join(format!("f{want:o}"));
            fs::write(&p, "a").unwrap();
            fs::set_permissions(&p, Permissions::from_mode(want)).unwrap();
            replace(&p, b"b").unwrap();
            assert_eq!(mode(&p), want);
            assert_eq!(fs::read_to_string(&p).unwrap(), "b");
        }
    }

    #[test]
    fn a_symlink_at_the_target_is_replaced_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        fs::create_dir(&outside).unwrap();
        let secret = outside.join("key");
        fs::write(&secret, "secret").unwrap();
        fs::set_permissions(&secret, Permissions::from_mode(0o600)).unwrap();
        let site = dir.path().join("site");
        fs::create_dir(&site).unwrap();
        let link = site.join("state.json");
        symlink(&secret, &link).unwrap();
        replace(&link, b"{}").unwrap();
        assert_eq!(fs::read_to_string(&secret).unwrap(), "secret");
        assert!(fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(fs::read_to_string(&link).unwrap(), "{}");
        // The link's target's private mode is not carried over to the new file.
        assert_ne!(mode(&link), 0o600);
    }

    #[test]
    fn a_resolved_link_target_is_edited_and_the_link_stays() {
        // What `lantern update` does with a symlinked post: it resolves the link and
        // replaces the target, so the link keeps pointing at the new content.
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.md");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("post.md");
        symlink(&real, &link).unwrap();
        replace(&fs::canonicalize(&link).unwrap(), b"new").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&link).unwrap(), "new");
    }

    #[test]
    fn commit_new_never_replaces_anything() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("post.md");
        fs::write(&p, "mine").unwrap();
        let err = Staged::new(&p, b"theirs")
            .unwrap()
            .commit_new()
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&p).unwrap(), "mine");
        // A dangling link counts as something there, too.
        let q = dir.path().join("dangling.md");
        symlink(dir.path().join("nowhere"), &q).unwrap();
        let err = Staged::new(&q, b"x").unwrap().commit_new().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert!(!dir.path().join("nowhere").exists());
        assert_eq!(names(dir.path()), ["dangling.md", "post.md"]);
        let r = dir.path().join("fresh.md");
        Staged::new(&r, b"new").unwrap().commit_new().unwrap();
        assert_eq!(fs::read_to_string(&r).unwrap(), "new");
    }

    #[test]
    fn a_dropped_stage_leaves_the_target_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, "old").unwrap();
        let staged = Staged::new(&p, b"new").unwrap();
        assert_eq!(staged.path(), p);
        assert_eq!(names(dir.path()).len(), 2);
        drop(staged);
        assert_eq!(fs::read_to_string(&p).unwrap(), "old");
        assert_eq!(names(dir.path()), ["a.md"]);
    }

    #[test]
    fn a_bare_file_name_is_in_the_current_folder() {
        assert_eq!(folder_of(Path::new("x.json")), Path::new("."));
        assert_eq!(folder_of(Path::new("a/x.json")), Path::new("a"));
    }
}
