//! When `history/` last changed, from git: Upptime commits a status change (and
//! once a day), so the newest commit says until when the recorded status was seen.

use chrono::{DateTime, Utc};
use std::path::Path;
use std::process::{Command, Stdio};

/// The committer time of the newest commit touching `dir`, or why there is none
/// (words for the import summary).
pub fn newest_commit(dir: &Path) -> Result<DateTime<Utc>, &'static str> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["log", "-1", "--format=%cI", "--", "."])
        // Only the checkout the operator named: no repository from the environment.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|_| "git is not installed")?;
    if !out.status.success() {
        return Err("the folder is not a git checkout");
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let text = text.trim();
    if text.is_empty() {
        return Err("git has no commit of history/");
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|_| "git printed no commit time")
}
