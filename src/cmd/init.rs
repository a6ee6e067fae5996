//! `lantern init`: a new site with a config and a first post.

use anyhow::{Context, bail};
use std::fs;
use std::path::Path;

const SITE_YAML: &str = r#"title: Example Status
description: Live status and incident history for Example.
base_url: https://status.example.com/
timezone: UTC
language: en
contact:
  - { label: "Email us", url: "mailto:help@example.com" }
components:
  - { id: web, name: Website, description: "The main web app", checks: [web-http] }
  - { id: database, name: Database, group: Core, checks: [db-primary] }
health:
  stale_after: 15m
  degraded_latency_ms: 2000
  history_days: 90
  page_stale_after: 1h
"#;

/// Create `dir/content/…` unless a site already exists there.
pub fn execute(dir: &Path) -> anyhow::Result<()> {
    let config = dir.join(crate::config::CONFIG_PATH);
    if config.exists() {
        bail!(
            "{} already exists; not overwriting an existing site",
            config.display()
        );
    }
    for sub in [
        "content/incidents",
        "content/maintenance",
        "content/news",
        "content/health",
        "public",
    ] {
        let p = dir.join(sub);
        fs::create_dir_all(&p).with_context(|| format!("cannot create {}", p.display()))?;
    }
    fs::write(&config, SITE_YAML).with_context(|| format!("cannot write {}", config.display()))?;
    let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
    let welcome = format!(
        "---\ntitle: Our status page is live\ndate: {}\n---\nThis page shows the live status of our service and every incident we report.\n",
        crate::time::iso(now)
    );
    let post = dir.join("content/news/status-page-live.md");
    fs::write(&post, welcome).with_context(|| format!("cannot write {}", post.display()))?;
    println!("created a new site in {}", dir.display());
    println!("next: edit {}, then run `lantern build`", config.display());
    Ok(())
}
