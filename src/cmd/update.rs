//! `lantern update`: append a timestamped update to a post, editing the text in place.
//!
//! The file is edited as text, not re-serialised, so the operator's comments,
//! order and quoting survive.

use super::post_lock;
use crate::content::frontmatter;
use crate::content::schema::{IncidentMeta, MaintenanceMeta};
use crate::time::iso;
use crate::vocab::{IncidentStatus, PostKind, UpdateStatus};
use anyhow::{Context, bail};
use std::fs;
use std::path::{Path, PathBuf};

/// Append `{at: now, status, text}` to `file`'s updates (and set `resolved` when resolving).
pub fn execute(file: &Path, status: UpdateStatus, text: &str) -> anyhow::Result<()> {
    let folder = file
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = match PostKind::from_dir(&folder) {
        Some(k @ (PostKind::Incident | PostKind::Maintenance)) => k,
        _ => bail!(
            "{}: only posts in content/incidents/ or content/maintenance/ have updates",
            file.display()
        ),
    };
    if status.kind() != kind {
        bail!(
            "`{status}` is not a status for {folder}; use one of: {}",
            UpdateStatus::words_for(kind).join(", ")
        );
    }
    let status_word = status.as_str();
    // A symlinked post is edited at its target, so the link stays a link.
    let target = resolve(file)?;
    // Read, edit and replace under the lock: a concurrent update waits and then
    // edits our result, so no update is ever reported and lost.
    let _lock = post_lock::lock(&target, post_lock::WAIT)?;
    let raw =
        fs::read_to_string(&target).with_context(|| format!("cannot read {}", file.display()))?;
    let original = frontmatter::normalise(&raw);
    let split =
        frontmatter::split(&original).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
    let mut yaml = append_update(split.yaml, &iso(now), status_word, text)?;
    if status == UpdateStatus::Incident(IncidentStatus::Resolved) {
        yaml = set_key(&yaml, IncidentStatus::RESOLVED_KEY, &iso(now));
    }
    // Refuse to write a file the build would reject.
    let check = match kind {
        PostKind::Incident => crate::yaml::from_str::<IncidentMeta>(&yaml).map(|_| ()),
        _ => crate::yaml::from_str::<MaintenanceMeta>(&yaml).map(|_| ()),
    };
    check.map_err(|e| {
        anyhow::anyhow!(
            "{}: the updated front matter would not parse: {e}",
            file.display()
        )
    })?;
    let body_start = original.len() - split.body.len();
    let closing = &original["---\n".len() + split.yaml.len()..body_start];
    let out = format!("---\n{yaml}{closing}{}", split.body);
    // `target` is the resolved real file: the link (if any) stays and points at the
    // new content, whose permissions are the old file's.
    crate::atomic_file::replace(&target, out.as_bytes())
        .with_context(|| format!("cannot replace {}", file.display()))?;
    println!(
        "{}: added `{status}` update at {}",
        file.display(),
        iso(now)
    );
    Ok(())
}

/// The real file behind `file`; a symlink must point inside the site root (the folder
/// holding `content/`), so `update` never edits a file outside the site.
fn resolve(file: &Path) -> anyhow::Result<PathBuf> {
    let target =
        fs::canonicalize(file).with_context(|| format!("cannot read {}", file.display()))?;
    // `content/incidents/x.md` → the site root two folders above the post's folder.
    let root = file
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .map(|r| {
            if r.as_os_str().is_empty() {
                Path::new(".")
            } else {
                r
            }
        })
        .unwrap_or(Path::new("."));
    let root = fs::canonicalize(root)
        .with_context(|| format!("cannot find the site root of {}", file.display()))?;
    if !target.starts_with(&root) {
        bail!(
            "{} is a link to {}, outside the site {}; refusing to edit it",
            file.display(),
            target.display(),
            root.display()
        );
    }
    if !fs::metadata(&target)?.is_file() {
        bail!("{} is not a file", file.display());
    }
    Ok(target)
}

/// Add an item at the end of the top-level `updates:` list (creating it if absent).
fn append_update(yaml: &str, at: &str, status: &str, text: &str) -> anyhow::Result<String> {
    let text = serde_json::to_string(text)?;
    let lines: Vec<&str> = yaml.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("updates:")) else {
        let mut out = yaml.to_string();
        out.push_str(&format!(
            "updates:\n  - at: {at}\n    status: {status}\n    text: {text}\n"
        ));
        return Ok(out);
    };
    let inline = lines[start]["updates:".len()..].trim();
    let inline = inline.split(" #").next().unwrap_or("").trim();
    if !inline.is_empty() && inline != "[]" {
        bail!(
            "`updates:` is written as an inline list; write one `- at: …` item per line to use `lantern update`"
        );
    }
    // The block ends at the next top-level key.
    let end = lines[start + 1..]
        .iter()
        .position(|l| {
            !l.is_empty() && !l.starts_with(' ') && !l.starts_with('-') && !l.starts_with('#')
        })
        .map_or(lines.len(), |i| start + 1 + i);
    let indent = lines[start + 1..end]
        .iter()
        .find_map(|l| {
            l.trim_start()
                .starts_with('-')
                .then(|| l.len() - l.trim_start().len())
        })
        .unwrap_or(2);
    let pad = " ".repeat(indent);
    let mut out: Vec<String> = lines[..end].iter().map(|s| s.to_string()).collect();
    if inline == "[]" {
        out[start] = "updates:".to_string();
    }
    // Trailing blank lines of the block stay after the new item.
    let mut insert_at = out.len();
    while insert_at > start + 1 && out[insert_at - 1].trim().is_empty() {
        insert_at -= 1;
    }
    let item = [
        format!("{pad}- at: {at}"),
        format!("{pad}  status: {status}"),
        format!("{pad}  text: {text}"),
    ];
    out.splice(insert_at..insert_at, item);
    out.extend(lines[end..].iter().map(|s| s.to_string()));
    Ok(out.join("\n") + "\n")
}

/// Set a top-level scalar key, replacing its line or adding it before `updates:`.
fn set_key(yaml: &str, key: &str, value: &str) -> String {
    let mut lines: Vec<String> = yaml.lines().map(str::to_string).collect();
    let prefix = format!("{key}:");
    if let Some(l) = lines.iter_mut().find(|l| l.starts_with(&prefix)) {
        *l = format!("{key}: {value}");
    } else {
        let at = lines
            .iter()
            .position(|l| l.starts_with("updates:"))
            .unwrap_or(lines.len());
        lines.insert(at, format!("{key}: {value}"));
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_to_block_list_keeping_comments() {
        let y = "title: a # keep\nupdates:\n  - at: 2026-01-01T00:00:00Z\n    status: investigating\n    text: x\nother: 1\n";
        let out = append_update(y, "2026-01-01T01:00:00Z", "identified", "Found \"it\"").unwrap();
        assert!(out.starts_with("title: a # keep\n"));
        assert!(out.contains("    text: x\n  - at: 2026-01-01T01:00:00Z\n    status: identified\n    text: \"Found \\\"it\\\"\"\nother: 1\n"), "{out}");
    }

    #[test]
    fn creates_missing_list_and_sets_resolved() {
        let out = append_update("title: a\n", "T", "scheduled", "x").unwrap();
        assert!(out.ends_with("updates:\n  - at: T\n    status: scheduled\n    text: \"x\"\n"));
        let r = set_key("title: a\nupdates:\n", "resolved", "T");
        assert_eq!(r, "title: a\nresolved: T\nupdates:\n");
    }
}
