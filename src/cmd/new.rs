//! `lantern new`: a draft post with the current time filled in.

use crate::cli::NewKind;
use crate::diagnostics::InvalidSite;
use crate::time::iso;
use anyhow::{Context, bail};
use chrono::{DurationRound, TimeDelta};
use std::fs;
use std::path::Path;

/// Write a draft of `kind` titled `title` and print its path.
pub fn execute(kind: NewKind, title: &str, root: &Path) -> anyhow::Result<()> {
    if title.trim().is_empty() {
        bail!("the title must not be empty");
    }
    let config = crate::config::load(root).map_err(InvalidSite)?;
    let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
    let ids: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    let first = ids.first().copied().unwrap_or("web");
    let hint = format!("# ids from site.yaml: {}", ids.join(", "));
    let quoted = serde_json::to_string(title.trim())?;
    let (dir, text) = match kind {
        NewKind::Incident => (
            "incidents",
            format!(
                "---\ntitle: {quoted}\nimpact: minor  # none | minor | major | critical\ncomponents: [{first}]  {hint}\nstarted: {t}\ndraft: true  # remove this line to publish\nupdates:\n  - at: {t}\n    status: investigating\n    text: \"We are investigating reports of problems and will post an update soon.\"\n---\nWhat happened, what it means for you, and what we are doing about it.\n",
                t = iso(now)
            ),
        ),
        NewKind::Maintenance => {
            let start = (now + TimeDelta::days(1))
                .duration_trunc(TimeDelta::hours(1))
                .unwrap_or(now);
            (
                "maintenance",
                format!(
                    "---\ntitle: {quoted}\ncomponents: [{first}]  {hint}\nscheduled_start: {}\nscheduled_end: {}\ndraft: true  # remove this line to publish\nupdates:\n  - at: {}\n    status: scheduled\n    text: \"We will carry out scheduled maintenance in this window.\"\n---\nWhat we will do, what you may notice, and why.\n",
                    iso(start),
                    iso(start + TimeDelta::hours(1)),
                    iso(now)
                ),
            )
        }
        NewKind::News => (
            "news",
            format!(
                "---\ntitle: {quoted}\ndate: {}\ndraft: true  # remove this line to publish\n---\nWrite the announcement here.\n",
                iso(now)
            ),
        ),
    };
    let slug = format!("{}-{}", now.format("%Y-%m-%d"), slug::slugify(title));
    let rel = Path::new("content").join(dir).join(format!("{slug}.md"));
    let path = root.join(&rel);
    if path.exists() {
        bail!(
            "{} already exists; pick another title or edit that file",
            path.display()
        );
    }
    fs::create_dir_all(path.parent().expect("has a parent"))
        .with_context(|| format!("cannot create {}", dir))?;
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    println!("{}", path.display());
    Ok(())
}
