//! Where an output really lives, and the folders refused by name whatever they hold.

use super::error::{OutputError, io_err};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The folder a build swaps: the output path itself or, when that is a symlink,
/// the folder the link points to (so the link stays a link).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Absolute path of the folder to replace (it may not exist yet).
    pub dir: PathBuf,
    /// Its parent, where staging folders and the lock file go.
    pub parent: PathBuf,
    /// Its file name.
    pub name: String,
}

/// Resolve `out` (as the user wrote it) to the folder to replace; refuses `/`,
/// `$HOME` and any folder holding the site root `root`, even when empty.
pub fn resolve(out: &Path, root: &Path, home: Option<&Path>) -> Result<Place, OutputError> {
    let abs = normalise(out).map_err(io_err(out))?;
    let dir = match fs::symlink_metadata(&abs) {
        Ok(m) if m.file_type().is_symlink() => match fs::canonicalize(&abs) {
            Ok(target) => target,
            Err(_) => {
                return Err(OutputError::DanglingLink {
                    link: out.to_path_buf(),
                    target: fs::read_link(&abs).unwrap_or_default(),
                });
            }
        },
        _ => abs.clone(),
    };
    refuse_by_name(out, &abs, &dir, root, home)?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| protected(out, "the file system root"))?;
    let parent = dir
        .parent()
        .map(Path::to_path_buf)
        .ok_or_else(|| protected(out, "the file system root"))?;
    Ok(Place { dir, parent, name })
}

fn protected(out: &Path, what: &'static str) -> OutputError {
    OutputError::Protected {
        path: out.to_path_buf(),
        what,
    }
}

/// `/`, the home folder and the site root's ancestors are never outputs, by name
/// (lexically and after resolving links), empty or not.
fn refuse_by_name(
    out: &Path,
    abs: &Path,
    dir: &Path,
    root: &Path,
    home: Option<&Path>,
) -> Result<(), OutputError> {
    let canon_dir = fs::canonicalize(dir).ok();
    let names = |p: &Path| -> Vec<PathBuf> {
        let mut v = vec![p.to_path_buf()];
        v.extend(normalise(p).ok());
        v.extend(fs::canonicalize(p).ok());
        v
    };
    let is_one_of = |candidates: &[PathBuf]| {
        candidates
            .iter()
            .any(|c| c == abs || c == dir || Some(c) == canon_dir.as_ref())
    };
    if [abs, dir]
        .iter()
        .chain(canon_dir.as_deref().as_ref())
        .any(|p| p.parent().is_none())
    {
        return Err(protected(out, "the file system root"));
    }
    if let Some(home) = home.filter(|h| !h.as_os_str().is_empty())
        && is_one_of(&names(home))
    {
        return Err(protected(out, "your home folder"));
    }
    let roots = names(root);
    let holds_root = roots.iter().any(|r| {
        r.starts_with(abs)
            || r.starts_with(dir)
            || canon_dir.as_ref().is_some_and(|c| r.starts_with(c))
    });
    if holds_root {
        return Err(OutputError::ContainsRoot(out.to_path_buf()));
    }
    Ok(())
}

/// Absolute path with `.` and `..` resolved lexically (the folder may not exist yet).
pub fn normalise(p: &Path) -> io::Result<PathBuf> {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()?.join(p)
    };
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(r: Result<Place, OutputError>) -> String {
        r.expect_err("should be refused").to_string()
    }

    #[test]
    fn plain_output_is_itself() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        fs::create_dir(&root).unwrap();
        let p = resolve(&root.join("public"), &root, None).unwrap();
        assert_eq!(p.dir, normalise(&root.join("public")).unwrap());
        assert_eq!(p.name, "public");
        assert_eq!(p.parent, normalise(&root).unwrap());
    }

    #[test]
    fn a_link_resolves_to_its_target() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        let www = t.path().join("www/status");
        fs::create_dir_all(&root).unwrap();
        fs::create_dir_all(&www).unwrap();
        std::os::unix::fs::symlink("../www/status", root.join("public")).unwrap();
        let p = resolve(&root.join("public"), &root, None).unwrap();
        assert_eq!(p.dir, fs::canonicalize(&www).unwrap());
        assert_eq!(p.name, "status");
    }

    #[test]
    fn a_dangling_link_is_refused() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path().join("site");
        fs::create_dir_all(&root).unwrap();
        std::os::unix::fs::symlink("../nowhere", root.join("public")).unwrap();
        let e = refused(resolve(&root.join("public"), &root, None));
        assert!(e.contains("does not exist") && e.contains("nowhere"), "{e}");
    }

    #[test]
    fn home_root_and_ancestors_are_refused_by_name() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("home");
        let root = home.join("sites/status");
        fs::create_dir_all(&root).unwrap();
        let e = refused(resolve(&home, &root.join("x"), Some(&home)));
        assert!(e.contains("home folder"), "{e}");
        // Spelled differently, or through a link, it is still the home folder.
        let e = refused(resolve(
            &home.join("sites/.."),
            &root.join("x"),
            Some(&home),
        ));
        assert!(e.contains("home folder"), "{e}");
        std::os::unix::fs::symlink(&home, t.path().join("link")).unwrap();
        let e = refused(resolve(
            &t.path().join("link"),
            &root.join("x"),
            Some(&home),
        ));
        assert!(e.contains("home folder"), "{e}");
        let e = refused(resolve(Path::new("/"), &root, None));
        assert!(e.contains("file system root"), "{e}");
        for ancestor in [root.clone(), home.join("sites"), t.path().to_path_buf()] {
            let e = refused(resolve(&ancestor, &root, None));
            assert!(e.contains("contains the site itself"), "{e}");
        }
        assert!(resolve(&root.join("public"), &root, Some(&home)).is_ok());
    }
}
