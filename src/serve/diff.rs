//! The `/__lantern/` panel: what `lantern build` would publish differently from what is
//! in `<root>/public/` now, and which drafts the preview is showing.
//!
//! Only reads: the published site is compared with a fresh in-memory render of the
//! site as `lantern build` would make it (no drafts, the config's own `base_url`).

use super::reload::escape_html;
use super::state::{Snapshot, State};
use crate::output::MARKER;
use crate::pipeline;
use crate::render::Files;
use crate::site::LoadOptions;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

/// First URL segment of the preview's own pages; a site cannot use it.
pub const PREFIX: &str = "__lantern";

/// Folder `lantern build` publishes into by default.
const PUBLISHED: &str = "public";

/// Why the published folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("cannot read {}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// How a fresh build differs from the published files; paths are sorted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub new: Vec<String>,
    pub changed: Vec<String>,
    /// Published now, gone after the next build.
    pub removed: Vec<String>,
    pub unchanged: usize,
}

/// Compare a rendered site with the published one, file by file.
pub fn compare(rendered: &Files, published: &Files) -> Comparison {
    let mut c = Comparison::default();
    for (path, bytes) in rendered {
        match published.get(path) {
            None => c.new.push(path.clone()),
            Some(old) if old != bytes => c.changed.push(path.clone()),
            Some(_) => c.unchanged += 1,
        }
    }
    c.removed = published
        .keys()
        .filter(|p| !rendered.contains_key(*p))
        .cloned()
        .collect();
    c
}

/// The files under `dir` (not lantern's own marker or dotfiles at the top), or `None`
/// when the folder does not exist.
fn read_published(dir: &Path) -> Result<Option<Files>, DiffError> {
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut files = Files::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(|e| DiffError::Io {
            path: e.path().unwrap_or(dir).to_path_buf(),
            source: e.into(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        // The marker and placeholders like `.gitkeep` are not pages.
        if key == MARKER || (!key.contains('/') && key.starts_with('.')) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|source| DiffError::Io {
            path: entry.path().to_path_buf(),
            source,
        })?;
        files.insert(key, bytes);
    }
    Ok(Some(files))
}

/// When the published home page says it was generated (`<time id="generated-at" datetime=…>`).
///
/// Every page carries its generation time, so comparing a build made now with one made
/// earlier would list every page as changed. Rendering at the published build's time
/// leaves only the differences that edits made.
fn published_time(index_html: &[u8]) -> Option<DateTime<Utc>> {
    let html = std::str::from_utf8(index_html).ok()?;
    let id = html.find(r#"id="generated-at""#)?;
    let start = html[..id].rfind('<')?;
    let end = id + html[id..].find('>')?;
    let tag = &html[start..end];
    let value = tag.split_once(r#"datetime=""#)?.1.split('"').next()?;
    crate::time::parse_timestamp(value).ok()
}

/// The panel page.
pub fn panel(state: &State, snap: &Snapshot) -> Result<String, DiffError> {
    let dir = state.root.join(PUBLISHED);
    let published = read_published(&dir)?;
    let published_at = published
        .as_ref()
        .and_then(|f| f.get("index.html"))
        .and_then(|b| published_time(b));
    let now = match published_at {
        Some(t) => Ok(t),
        None => crate::time::now_from_env(),
    };
    let rendered = now.and_then(|now| {
        let opts = LoadOptions {
            root: state.root.clone(),
            include_drafts: false,
            base_url: None,
            now,
            health_cache: state.health_cache.clone(),
            post_cache: state.post_cache.clone(),
        };
        pipeline::render_site(&opts).map_err(|e| e.to_string())
    });

    let mut h = String::new();
    h.push_str(concat!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<title>Lantern preview</title><style>body{font:16px/1.5 system-ui,sans-serif;",
        "max-width:50rem;margin:2rem auto;padding:0 1rem}code,pre{font-family:ui-monospace,monospace}",
        "li{margin:.2rem 0}.muted{color:#666}</style></head><body><h1>Lantern preview</h1>"
    ));
    let _ = write!(
        h,
        "<p>Build {} of the site in <code>{}</code>. <a href=\"/\">Open the site</a>.</p>",
        snap.build,
        escape_html(
            &state
                .root
                .file_name()
                .map_or_else(|| ".".to_string(), |n| n.to_string_lossy().into_owned())
        )
    );
    drafts_section(&mut h, snap);
    super::notify_panel::section(&mut h, &state.root);
    h.push_str("<h2>What <code>lantern build</code> would change in <code>public/</code></h2>");
    match (rendered, published) {
        (Err(e), _) => {
            let _ = write!(
                h,
                "<p>The site does not build right now, so there is nothing to compare:</p><pre>{}</pre>",
                escape_html(&state.relative(&e))
            );
        }
        (Ok(r), None) => {
            let all: Vec<String> = r.files.keys().cloned().collect();
            let _ = write!(
                h,
                "<p><code>{PUBLISHED}/</code> does not exist yet: every file is new.</p>"
            );
            list(&mut h, "New", &all, true);
        }
        (Ok(r), Some(p)) => {
            let c = compare(&r.files, &p);
            if let Some(t) = published_at {
                let _ = write!(
                    h,
                    "<p class=\"muted\">Compared as of the published build's time, {}, so pages that differ only by their generation time are not listed.</p>",
                    crate::time::iso(t)
                );
            }
            if c.new.is_empty() && c.changed.is_empty() && c.removed.is_empty() {
                h.push_str("<p>Nothing: <code>public/</code> is up to date.</p>");
            }
            list(&mut h, "New", &c.new, true);
            list(&mut h, "Changed", &c.changed, true);
            list(&mut h, "Removed", &c.removed, false);
            let _ = write!(h, "<p class=\"muted\">{} files unchanged.</p>", c.unchanged);
        }
    }
    h.push_str("</body></html>");
    Ok(h)
}

fn drafts_section(h: &mut String, snap: &Snapshot) {
    let _ = write!(h, "<h2>Drafts ({})</h2>", snap.drafts.len());
    if snap.drafts.is_empty() {
        h.push_str("<p>No drafts.</p>");
        return;
    }
    h.push_str("<p>Shown here, never published by <code>lantern build</code>.</p><ul>");
    for d in snap.drafts.iter() {
        let _ = write!(
            h,
            "<li><a href=\"/{}\">{}</a> <span class=\"muted\">{}</span></li>",
            escape_html(&d.path),
            escape_html(&d.title),
            escape_html(&d.source.display().to_string())
        );
    }
    h.push_str("</ul>");
}

fn list(h: &mut String, title: &str, paths: &[String], link: bool) {
    if paths.is_empty() {
        return;
    }
    let _ = write!(h, "<h3>{title} ({})</h3><ul>", paths.len());
    for p in paths {
        let shown = escape_html(p);
        if link {
            // Link the page the way a visitor would reach it: the folder, not its index.
            let href = p.strip_suffix("index.html").unwrap_or(p);
            let _ = write!(h, "<li><a href=\"/{}\">{shown}</a></li>", escape_html(href));
        } else {
            let _ = write!(h, "<li>{shown}</li>");
        }
    }
    h.push_str("</ul>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(items: &[(&str, &str)]) -> Files {
        items
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn compare_sorts_files_into_new_changed_removed() {
        let rendered = files(&[("a.html", "1"), ("b.html", "2"), ("c.html", "3")]);
        let published = files(&[("b.html", "2"), ("c.html", "old"), ("d.html", "4")]);
        let c = compare(&rendered, &published);
        assert_eq!(c.new, ["a.html"]);
        assert_eq!(c.changed, ["c.html"]);
        assert_eq!(c.removed, ["d.html"]);
        assert_eq!(c.unchanged, 1);
    }

    #[test]
    fn published_time_is_read_from_the_footer() {
        let html = br#"<p>Page generated <time id="generated-at" datetime="2026-11-28T08:00:00Z" data-x="1">x</time></p>"#;
        let t = published_time(html).unwrap();
        assert_eq!(crate::time::iso(t), "2026-11-28T08:00:00Z");
        assert_eq!(published_time(b"<p>nothing</p>"), None);
    }
}
