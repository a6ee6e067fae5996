//! `lantern new`: a draft post with the current time filled in.

use crate::diagnostics::InvalidSite;
use crate::time::iso;
use crate::vocab::{Impact, IncidentStatus, MaintenanceStatus, PostKind};
use anyhow::{Context, bail};
use chrono::{DurationRound, TimeDelta};
use std::fs;
use std::path::Path;

/// Write a draft of `kind` titled `title` and print its path.
pub fn execute(kind: PostKind, title: &str, root: &Path) -> anyhow::Result<()> {
    if title.trim().is_empty() {
        bail!("the title must not be empty");
    }
    let config = crate::config::load(root).map_err(InvalidSite)?;
    let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
    let ids: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    let first = ids.first().copied().unwrap_or("web");
    let hint = format!("# ids from site.yaml: {}", ids.join(", "));
    let quoted = serde_json::to_string(title.trim())?;
    let impacts: Vec<&str> = Impact::ALL.iter().map(|i| i.as_str()).collect();
    let text = match kind {
        PostKind::Incident => format!(
            "---\ntitle: {quoted}\nimpact: {minor}  # {impacts}\ncomponents: [{first}]  {hint}\nstarted: {t}\ndraft: true  # remove this line to publish\nupdates:\n  - at: {t}\n    status: {status}\n    text: \"We are investigating reports of problems and will post an update soon.\"\n---\nWhat happened, what it means for you, and what we are doing about it.\n",
            t = iso(now),
            minor = Impact::Minor,
            impacts = impacts.join(" | "),
            status = IncidentStatus::Investigating,
        ),
        PostKind::Maintenance => {
            let start = (now + TimeDelta::days(1))
                .duration_trunc(TimeDelta::hours(1))
                .unwrap_or(now);
            format!(
                "---\ntitle: {quoted}\ncomponents: [{first}]  {hint}\nscheduled_start: {}\nscheduled_end: {}\ndraft: true  # remove this line to publish\nupdates:\n  - at: {}\n    status: {}\n    text: \"We will carry out scheduled maintenance in this window.\"\n---\nWhat we will do, what you may notice, and why.\n",
                iso(start),
                iso(start + TimeDelta::hours(1)),
                iso(now),
                MaintenanceStatus::Scheduled,
            )
        }
        PostKind::News => format!(
            "---\ntitle: {quoted}\ndate: {}\ndraft: true  # remove this line to publish\n---\nWrite the announcement here.\n",
            iso(now)
        ),
    };
    let dir = kind.dir();
    let slug = format!("{}-{}", now.format("%Y-%m-%d"), short_slug(title));
    let rel = Path::new("content").join(dir).join(format!("{slug}.md"));
    let path = root.join(&rel);
    let folder = path.parent().expect("has a parent");
    fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
    create_new(folder, &path, text.as_bytes())?;
    println!("{}", path.display());
    Ok(())
}

/// Longest slug part of a file name, in bytes: well under any file system's name limit.
const SLUG_MAX: usize = 80;

/// The title as a URL slug of at most [`SLUG_MAX`] bytes, cut at a word boundary.
fn short_slug(title: &str) -> String {
    let full = slug::slugify(title);
    if full.is_empty() {
        // A title of only punctuation still needs a file name.
        return "post".to_string();
    }
    if full.len() <= SLUG_MAX {
        return full;
    }
    // slugify yields ASCII, so any byte index is a char boundary.
    let head = &full[..SLUG_MAX];
    let cut = if full.as_bytes()[SLUG_MAX] == b'-' {
        head
    } else {
        head.rfind('-').map_or(head, |i| &head[..i])
    };
    cut.trim_end_matches('-').to_string()
}

/// Write `bytes` as `path` only if nothing is there yet: through a fresh temporary file
/// (never a planted symlink) that is linked into place without replacing anything, so
/// a reader never sees half a post and two runs never overwrite each other.
fn create_new(folder: &Path, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let staged = crate::atomic_file::Staged::new(path, bytes)
        .with_context(|| format!("cannot write in {}", folder.display()))?;
    match staged.commit_new() {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists; pick another title or edit that file",
            path.display()
        ),
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_cut_at_a_word() {
        let title = "Database cluster failover ".repeat(10);
        let s = short_slug(&title);
        assert!(s.len() <= SLUG_MAX, "{s}");
        assert!(s.starts_with("database-cluster-failover-database"), "{s}");
        assert!(!s.ends_with('-'));
        // Every word kept is whole.
        for w in s.split('-') {
            assert!(
                ["database", "cluster", "failover"].contains(&w),
                "{w} in {s}"
            );
        }
        assert_eq!(short_slug("Rooms fail to load"), "rooms-fail-to-load");
        assert_eq!(short_slug("!!!"), "post");
        // One endless word is cut hard rather than left too long.
        assert_eq!(short_slug(&"x".repeat(300)).len(), SLUG_MAX);
        // Exactly at the limit with a boundary right after it.
        let exact = format!("{} tail", "a".repeat(SLUG_MAX));
        assert_eq!(short_slug(&exact), "a".repeat(SLUG_MAX));
    }
}
