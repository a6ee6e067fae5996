//! Why publishing stopped. The previous output is untouched in every case.

use std::io;
use std::path::{Path, PathBuf};

/// Why publishing failed; the previous output is untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("refusing to write the site into {}: it contains the site itself", .0.display())]
    ContainsRoot(PathBuf),
    #[error("refusing to replace {}: it is {what}; choose an empty folder of its own", .path.display())]
    Protected { path: PathBuf, what: &'static str },
    #[error("refusing to replace {}: it holds files Lantern did not write (e.g. {examples}); choose an empty folder or remove them", .path.display())]
    NotOurs { path: PathBuf, examples: String },
    #[error("refusing to replace {}: it is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("refusing to publish through the symlink {}: its target {} does not exist; create that folder first", .link.display(), .target.display())]
    DanglingLink { link: PathBuf, target: PathBuf },
    #[error("another lantern build is publishing {} ({holder}); waited {waited_secs}s (see --wait)", .path.display())]
    Busy {
        path: PathBuf,
        holder: String,
        waited_secs: u64,
    },
    #[error("cannot remove {}, left behind by an earlier lantern build ({reason}); remove it or fix its permissions, then build again", .path.display())]
    Leftover { path: PathBuf, reason: String },
    #[error("{}", .path.display())]
    Io { path: PathBuf, source: io::Error },
    /// Pages reused from the live output are no longer there (another build published).
    #[error("{} changed while this build rendered; build again", .0.display())]
    Moved(PathBuf),
}

/// Map an I/O error to [`OutputError::Io`] naming `path`.
pub fn io_err(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// "a, b, c, …": the first few names of a sorted list, for messages.
pub fn examples(names: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut s = names
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_show_a_few_names() {
        let names: Vec<String> = ["a", "b", "c", "d", "e", "f"].map(String::from).into();
        assert_eq!(examples(&names[..2]), "a, b");
        assert_eq!(examples(&names[..4]), "a, b, c, d");
        assert_eq!(examples(&names), "a, b, c, d and 2 more");
    }
}
