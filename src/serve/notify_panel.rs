//! The `/__lantern/` panel section listing what `lantern notify` would send now.
//!
//! Kept apart from the panel's build comparison: it reads the state file and the
//! site as `lantern notify` does (no drafts, the real clock or `SOURCE_DATE_EPOCH`),
//! never reads secrets, and writes nothing.

use super::reload::escape_html;
use crate::notify::preview::preview;
use std::fmt::Write as _;
use std::path::Path;

/// Append the section to the panel page `h`.
pub fn section(h: &mut String, root: &Path) {
    h.push_str("<h2>What <code>lantern notify</code> would send now</h2>");
    let result = crate::time::now_from_env().and_then(|now| preview(root, now));
    match result {
        Err(e) => {
            let _ = write!(
                h,
                "<p>Cannot tell right now:</p><pre>{}</pre>",
                escape_html(&e)
            );
        }
        Ok(None) => h.push_str(
            "<p>No <code>notify:</code> section in <code>content/site.yaml</code>: updates are not pushed anywhere.</p>",
        ),
        Ok(Some((channels, refused))) => {
            if refused {
                h.push_str("<p><strong>No state file yet and more than 5 items for a channel:</strong> a run would refuse; run <code>lantern notify --baseline</code> first.</p>");
            }
            for c in &channels {
                let _ = write!(
                    h,
                    "<h3>{} <span class=\"muted\">({})</span>: {} to send</h3>",
                    escape_html(&c.channel),
                    c.transport,
                    c.send.len()
                );
                if !c.send.is_empty() {
                    h.push_str("<ul>");
                    for (heading, time, id) in &c.send {
                        let _ = write!(
                            h,
                            "<li>{} <span class=\"muted\">{} · <code>{}</code></span></li>",
                            escape_html(heading),
                            escape_html(time),
                            escape_html(id)
                        );
                    }
                    h.push_str("</ul>");
                }
                if c.record_only > 0 {
                    let _ = write!(
                        h,
                        "<p class=\"muted\">{} older item(s) would be recorded without sending.</p>",
                        c.record_only
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_pending_items_per_channel_escaped_and_not_drafts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let w = |rel: &str, text: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        let mut h = String::new();
        w(
            "content/site.yaml",
            "title: T\nbase_url: https://s.example/\ncomponents:\n  - { id: api, name: API }\n",
        );
        section(&mut h, root);
        assert!(h.contains("No <code>notify:</code> section"), "{h}");

        w(
            "content/site.yaml",
            "title: T\nbase_url: https://s.example/\ncomponents:\n  - { id: api, name: API }\nnotify:\n  max_age: 3650d\n  channels:\n    - { id: chat, slack: { url_env: NEVER_READ_HERE } }\n",
        );
        w(
            "content/news/hello.md",
            "---\ntitle: \"Hello <script>\"\ndate: 2026-01-02T00:00:00Z\n---\nHi.\n",
        );
        w(
            "content/news/later.md",
            "---\ntitle: Secret draft\ndate: 2026-01-03T00:00:00Z\ndraft: true\n---\nNo.\n",
        );
        let mut h = String::new();
        section(&mut h, root);
        assert!(
            h.contains("chat <span class=\"muted\">(slack)</span>: 1 to send"),
            "{h}"
        );
        assert!(h.contains("<li>News: Hello &lt;script&gt; <span"), "{h}");
        assert!(h.contains("tag:s.example,2026:news/hello"), "{h}");
        assert!(!h.contains("Secret draft"), "{h}");
        assert!(!root.join(".lantern").exists(), "the panel wrote something");
    }
}
