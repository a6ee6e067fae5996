//! Putting a finished folder in place of the old one in one step.

use std::io;
use std::path::Path;

/// Make `new` appear at `target`; afterwards `new` holds the old contents (if any).
///
/// On Linux this is one atomic `renameat2(RENAME_EXCHANGE)`, so there is no moment
/// without a site. Elsewhere (or on file systems without it) two renames are used.
pub fn replace(new: &Path, target: &Path) -> io::Result<()> {
    if !target.exists() {
        return std::fs::rename(new, target);
    }
    #[cfg(target_os = "linux")]
    {
        match exchange(new, target) {
            Ok(()) => return Ok(()),
            Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) => {}
            Err(e) => return Err(e),
        }
    }
    // `<staging>-old`: still named like a staging folder, so a killed build's copy is
    // found and cleared by the next one (`with_extension` would cut at the first dot).
    let mut old = new.as_os_str().to_owned();
    old.push("-old");
    let old = std::path::PathBuf::from(old);
    std::fs::rename(target, &old)?;
    if let Err(e) = std::fs::rename(new, target) {
        let _ = std::fs::rename(&old, target);
        return Err(e);
    }
    std::fs::rename(&old, new)
}

/// Rename `from` to `to` only if nothing is at `to`: a folder someone put there is
/// never replaced (a plain `rename` silently replaces an empty one). Fails with
/// `AlreadyExists` then.
pub fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        match renameat2(from, to, libc::RENAME_NOREPLACE) {
            Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) => {}
            done => return done,
        }
    }
    if to.symlink_metadata().is_ok() {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    std::fs::rename(from, to)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    renameat2(a, b, libc::RENAME_EXCHANGE)
}

#[cfg(target_os = "linux")]
fn renameat2(a: &Path, b: &Path, flags: libc::c_uint) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let cb = CString::new(b.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            flags,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_new_never_replaces_what_is_there() {
        let t = tempfile::tempdir().unwrap();
        let (from, to) = (t.path().join("from"), t.path().join("to"));
        std::fs::create_dir(&from).unwrap();
        std::fs::write(from.join("f"), b"ours").unwrap();
        // An empty folder someone made: `rename` would silently replace it.
        std::fs::create_dir(&to).unwrap();
        let e = rename_new(&from, &to).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert!(from.join("f").is_file() && to.is_dir() && !to.join("f").exists());
        std::fs::remove_dir(&to).unwrap();
        rename_new(&from, &to).unwrap();
        assert_eq!(std::fs::read(to.join("f")).unwrap(), b"ours");
        assert!(!from.exists());
    }
}
