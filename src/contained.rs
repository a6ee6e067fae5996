//! Reading only what lies inside a folder: a symbolic link that leads out of it (or
//! that leads nowhere) is reported by name and target, never followed and never
//! skipped in silence.
//!
//! The check runs when the files are listed, just before they are read; it keeps a
//! site's own links working (a post linked from another folder of the site) while a
//! `static -> /etc` in a downloaded theme publishes nothing.

use crate::diagnostics::Diagnostic;
use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

/// A link that cannot be followed; paths are relative to the site root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkProblem {
    /// The link resolves outside the folder files may be read from (`is_link` false:
    /// the path itself leads out, e.g. a configured `../` folder).
    Outside {
        link: PathBuf,
        target: PathBuf,
        limit: PathBuf,
        is_link: bool,
    },
    /// The link (or a folder loop) cannot be resolved.
    Broken { link: PathBuf, reason: String },
}

impl fmt::Display for LinkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkProblem::Outside {
                link,
                target,
                limit,
                is_link,
            } => write!(
                f,
                "{}: {} {}, outside {}; Lantern reads only files inside it (copy the files in instead)",
                link.display(),
                if *is_link {
                    "symbolic link to"
                } else {
                    "resolves to"
                },
                target.display(),
                describe(limit)
            ),
            LinkProblem::Broken { link, reason } => write!(
                f,
                "{}: symbolic link that cannot be followed ({reason}); fix or remove it",
                link.display()
            ),
        }
    }
}

fn describe(limit: &Path) -> String {
    if limit.as_os_str().is_empty() {
        "the site root".into()
    } else {
        format!("{}/", limit.display())
    }
}

impl LinkProblem {
    /// The problem as a check error on the link.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let (link, msg) = match self {
            LinkProblem::Outside { link, .. } | LinkProblem::Broken { link, .. } => {
                let text = self.to_string();
                let prefix = format!("{}: ", link.display());
                (
                    link,
                    text.strip_prefix(&prefix).unwrap_or(&text).to_string(),
                )
            }
        };
        Diagnostic::error(link, msg)
    }
}

/// Where files may be read from: `root` (the site root, for naming paths) and `limit`
/// (the folder, inside the root, that every file must resolve into).
#[derive(Debug, Clone)]
pub struct Fence {
    root: PathBuf,
    limit_rel: PathBuf,
    limit_real: Option<PathBuf>,
}

impl Fence {
    /// Files must resolve inside the site root itself.
    pub fn site(root: &Path) -> Fence {
        Fence::new(root, Path::new(""))
    }

    /// Files must resolve inside `root/limit` (e.g. one theme's folder).
    pub fn new(root: &Path, limit: &Path) -> Fence {
        Fence {
            root: root.to_path_buf(),
            limit_rel: limit.to_path_buf(),
            limit_real: std::fs::canonicalize(root.join(limit)).ok(),
        }
    }

    fn rel(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// Whether `path` (under the root) resolves inside the limit, naming the first link
    /// on the way that leads out. A path that does not exist is no problem here:
    /// reading it reports that.
    pub fn check(&self, path: &Path) -> Result<(), LinkProblem> {
        let Some(limit) = &self.limit_real else {
            return Ok(());
        };
        let Ok(real) = std::fs::canonicalize(path) else {
            return match std::fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => Err(LinkProblem::Broken {
                    link: self.rel(path),
                    reason: "its target does not exist".into(),
                }),
                _ => Ok(()),
            };
        };
        if real.starts_with(limit) {
            return Ok(());
        }
        // Name the link responsible: the first component of the path that is one.
        let mut prefix = PathBuf::new();
        for c in path.components() {
            prefix.push(c);
            let is_link = std::fs::symlink_metadata(&prefix)
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false);
            if is_link && prefix.starts_with(&self.root) {
                let target = std::fs::canonicalize(&prefix).unwrap_or_else(|_| real.clone());
                if !target.starts_with(limit) {
                    return Err(self.outside(&prefix, target, true));
                }
            }
        }
        Err(self.outside(path, real, false))
    }

    fn outside(&self, link: &Path, target: PathBuf, is_link: bool) -> LinkProblem {
        LinkProblem::Outside {
            link: self.rel(link),
            target,
            limit: self.limit_rel.clone(),
            is_link,
        }
    }

    /// Regular files under `dir` (at most `max_depth` levels down), sorted, following
    /// only links that stay inside the limit; `skip` names files to leave out (hidden
    /// and editor files), which are not reported even when they are broken links.
    pub fn files(
        &self,
        dir: &Path,
        max_depth: usize,
        skip: &dyn Fn(&OsStr) -> bool,
    ) -> (Vec<PathBuf>, Vec<LinkProblem>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        if !dir.exists() && std::fs::symlink_metadata(dir).is_err() {
            return (files, problems);
        }
        if let Err(p) = self.check(dir) {
            problems.push(p);
            return (files, problems);
        }
        let mut walk = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .min_depth(1)
            .max_depth(max_depth)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walk.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let Some(path) = e.path() else { continue };
                    if path.file_name().is_some_and(skip) {
                        continue;
                    }
                    let reason = if e.loop_ancestor().is_some() {
                        "it loops back to a folder that holds it".to_string()
                    } else if std::fs::symlink_metadata(path)
                        .is_ok_and(|m| m.file_type().is_symlink())
                    {
                        "its target does not exist".to_string()
                    } else {
                        // Not a link problem (e.g. an unreadable folder): reading reports it.
                        continue;
                    };
                    problems.push(LinkProblem::Broken {
                        link: self.rel(path),
                        reason,
                    });
                    continue;
                }
            };
            if entry.path_is_symlink()
                && let Err(p) = self.check(entry.path())
            {
                let is_dir = entry.file_type().is_dir();
                if is_dir {
                    walk.skip_current_dir();
                }
                // A skipped file is not read anyway; a folder's files would be.
                if is_dir || !skip(entry.file_name()) {
                    problems.push(p);
                }
                continue;
            }
            if entry.file_type().is_file() && !skip(entry.file_name()) {
                files.push(entry.into_path());
            }
        }
        files.sort();
        (files, problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    fn hidden(n: &OsStr) -> bool {
        n.to_string_lossy().starts_with('.')
    }

    #[test]
    fn links_inside_are_followed_and_links_outside_are_named() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let outside = tmp.path().join("secret");
        fs::create_dir_all(root.join("a/sub")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("key"), "k").unwrap();
        fs::write(root.join("a/one"), "1").unwrap();
        fs::write(root.join("other"), "2").unwrap();
        symlink("../other", root.join("a/two")).unwrap();
        symlink(&outside, root.join("a/sub/leak")).unwrap();
        symlink(outside.join("key"), root.join("a/key")).unwrap();
        symlink("nowhere", root.join("a/dangling")).unwrap();
        symlink("nowhere", root.join("a/.#lock")).unwrap();
        let (files, problems) = Fence::site(&root).files(&root.join("a"), 10, &hidden);
        assert_eq!(files, [root.join("a/one"), root.join("a/two")]);
        let names: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(names.len(), 3, "{names:#?}");
        assert!(names[0].starts_with("a/dangling: symbolic link that cannot be followed"));
        assert!(names[1].starts_with(&format!(
            "a/key: symbolic link to {}, outside the site root",
            outside.join("key").canonicalize().unwrap().display()
        )));
        assert!(names[2].starts_with("a/sub/leak: symbolic link to "));
    }

    #[test]
    fn a_linked_folder_is_checked_before_it_is_walked() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("themes/t")).unwrap();
        fs::create_dir_all(root.join("content")).unwrap();
        fs::write(root.join("content/site.yaml"), "x").unwrap();
        symlink("../../content", root.join("themes/t/static")).unwrap();
        // Inside the site root, but not inside the theme.
        assert!(
            Fence::site(&root)
                .check(&root.join("themes/t/static"))
                .is_ok()
        );
        let fence = Fence::new(&root, Path::new("themes/t"));
        let (files, problems) = fence.files(&root.join("themes/t/static"), 10, &hidden);
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
        let text = problems[0].to_string();
        assert!(
            text.starts_with("themes/t/static: symbolic link to ")
                && text.contains("outside themes/t/"),
            "{text}"
        );
    }

    #[test]
    fn a_path_that_climbs_out_without_a_link_says_so() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        fs::create_dir_all(tmp.path().join("out")).unwrap();
        let (_, problems) = Fence::site(&root).files(&root.join("content/../../out"), 10, &hidden);
        let text = problems[0].to_string();
        assert!(
            text.starts_with("content/../../out: resolves to "),
            "{text}"
        );
    }

    #[test]
    fn a_link_loop_is_reported_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        fs::create_dir_all(root.join("d")).unwrap();
        symlink("..", root.join("d/up")).unwrap();
        let (_, problems) = Fence::site(&root).files(&root.join("d"), 10, &hidden);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].to_string().contains("loops back"));
    }
}
