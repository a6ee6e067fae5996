//! The words of one announcement, shared by every channel: heading, text, impact,
//! components, time in the site timezone and the link to the post.
//!
//! Markdown becomes plain text for chat channels and HTML (with absolute links) for
//! email. Text comes from posts, which are the operator's own, but it is still treated
//! as untrusted by every channel: each escapes it for its own format.

use super::items::Item;
use crate::content::{Detail, PostKind};
use crate::render::feeds::entries;
use crate::render::time;
use crate::site::Site;
use crate::vocab::Impact;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Everything a channel needs to say about one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// The item id (the feed entry id).
    pub id: String,
    /// Id of the post's first item, for threading.
    pub thread_root: String,
    pub kind: PostKind,
    /// The post's slug (its file name).
    pub slug: String,
    pub site_title: String,
    pub post_title: String,
    /// "Resolved", "In progress", "Scheduled", or "News".
    pub status: String,
    /// Machine status word (`resolved`), or the kind for news.
    pub status_word: String,
    /// The text as plain text.
    pub text: String,
    /// The text as HTML, links made absolute.
    pub html: String,
    /// `minor`, `major`, … for incidents.
    pub impact: Option<Impact>,
    /// Names of the affected components.
    pub components: Vec<String>,
    /// Ids of the affected components, same order.
    pub component_ids: Vec<String>,
    /// When, in the site timezone ("20 Nov 2026, 07:50 CET").
    pub time: String,
    /// When, ISO 8601 UTC.
    pub at: String,
    /// Maintenance window in the site timezone.
    pub window: Option<String>,
    /// Maintenance window start and end, ISO 8601 UTC.
    pub window_iso: Option<(String, String)>,
    /// Absolute link to the post page.
    pub url: String,
    /// Absolute base URL of the site.
    pub site_url: String,
}

impl Message {
    /// The message for `item`.
    pub fn new(site: &Site, item: &Item<'_>) -> Message {
        let c = &site.config;
        let p = item.post;
        let page = crate::render::urls::post_url(site, p);
        // Notifications stay in English (issue 15 translates the site, not messages).
        let en = crate::i18n::Locale::english();
        let (impact, window, window_iso) = match &p.detail {
            Detail::Incident(i) => (Some(i.impact), None, None),
            Detail::Maintenance(m) => (
                None,
                Some(format!(
                    "{} – {}",
                    time::view(m.start, c.timezone, &en).display,
                    time::view(m.end, c.timezone, &en).display
                )),
                Some((crate::time::iso(m.start), crate::time::iso(m.end))),
            ),
            Detail::News(_) => (None, None, None),
        };
        let known: Vec<&crate::config::Component> = p
            .components
            .iter()
            .filter_map(|id| c.component(id))
            .collect();
        let status = if item.label.is_empty() {
            "News".to_string()
        } else {
            item.label.to_string()
        };
        Message {
            id: item.id.clone(),
            thread_root: item.thread_root.clone(),
            kind: p.kind,
            slug: p.slug.clone(),
            site_title: c.title.clone(),
            post_title: p.title.clone(),
            status_word: item.status.unwrap_or(p.kind.as_str()).to_string(),
            status,
            text: to_plain(item.markdown, &page),
            html: entries::markdown(item.markdown, &page),
            impact,
            components: known.iter().map(|k| k.name.clone()).collect(),
            component_ids: known.iter().map(|k| k.id.clone()).collect(),
            time: time::view(item.at, c.timezone, &en).display,
            at: crate::time::iso(item.at),
            window,
            window_iso,
            url: item.url.clone(),
            site_url: c.base_url.to_string(),
        }
    }

    /// "Database outage — Resolved"; news is just its title.
    pub fn heading(&self) -> String {
        if self.kind == PostKind::News {
            self.post_title.clone()
        } else {
            format!("{} — {}", self.post_title, self.status)
        }
    }

    /// Email subject: `[<site title>] <Status>: <post title>`, on one line.
    pub fn subject(&self) -> String {
        one_line(&format!(
            "[{}] {}: {}",
            self.site_title, self.status, self.post_title
        ))
    }

    /// "Incident", "Maintenance" or "News".
    pub fn kind_label(&self) -> &'static str {
        self.kind.label()
    }

    /// The facts line: impact, components, window; empty parts left out.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        if let Some(i) = self.impact {
            v.push(("Impact", i.to_string()));
        }
        if !self.components.is_empty() {
            v.push(("Affects", self.components.join(", ")));
        }
        if let Some(w) = &self.window {
            v.push(("Window", w.clone()));
        }
        v.push(("Time", self.time.clone()));
        v
    }

    /// The whole message as plain text: heading, text, facts, link.
    pub fn plain(&self) -> String {
        let mut s = format!("{}: {}\n\n", self.kind_label(), self.heading());
        if !self.text.is_empty() {
            s.push_str(&self.text);
            s.push_str("\n\n");
        }
        for (k, v) in self.facts() {
            s.push_str(&format!("{k}: {v}\n"));
        }
        s.push_str(&self.url);
        s.push('\n');
        s
    }

    /// The plain text cut to at most `max` characters, always keeping the heading and
    /// the link (the text is shortened first, with `…`).
    pub fn plain_within(&self, max: usize) -> String {
        let full = self.plain();
        if full.chars().count() <= max {
            return full;
        }
        let head = format!("{}: {}\n\n", self.kind_label(), self.heading());
        let tail = format!("\n\n{}", self.url);
        let room = max.saturating_sub(head.chars().count() + tail.chars().count());
        let body = truncate(&self.text, room);
        truncate(&format!("{head}{body}{tail}"), max)
    }
}

/// Cut `s` to at most `max` characters, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Newlines and tabs become spaces: for subjects and other header values.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Markdown as plain text: paragraphs separated by blank lines, list items as `- `,
/// links as `text (url)` with the URL made absolute against `page`; raw HTML dropped.
pub fn to_plain(md: &str, page: &str) -> String {
    let base = url::Url::parse(page).ok();
    let mut out = String::new();
    let mut links: Vec<String> = Vec::new();
    let mut link_text_start: Vec<usize> = Vec::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let block_end = |out: &mut String| {
        let trimmed = out.trim_end_matches([' ', '\n']).len();
        out.truncate(trimmed);
        if !out.is_empty() {
            out.push_str("\n\n");
        }
    };
    for ev in Parser::new_ext(md, crate::render::markdown::options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::List(start)) => {
                if lists.is_empty() {
                    block_end(&mut out);
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    block_end(&mut out);
                }
            }
            Event::Start(Tag::Item) => {
                let trimmed = out.trim_end_matches(' ').len();
                out.truncate(trimmed);
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("- "),
                }
            }
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let abs = base
                    .as_ref()
                    .and_then(|b| b.join(&dest_url).ok())
                    .map_or_else(|| dest_url.to_string(), |u| u.to_string());
                links.push(abs);
                link_text_start.push(out.len());
            }
            Event::End(TagEnd::Link) => {
                let (Some(url), Some(start)) = (links.pop(), link_text_start.pop()) else {
                    continue;
                };
                let text = out[start..].to_string();
                if text != url && text.trim_end_matches('/') != url.trim_end_matches('/') {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            )
            | Event::Rule => {
                if lists.is_empty() {
                    block_end(&mut out);
                } else if !out.ends_with('\n') {
                    // A second paragraph of a list item goes on its own line.
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_plain_text() {
        let md = "We **found** the cause: a [full disk](../../news/disk/).\n\nNext:\n\n- grow it\n- alert earlier\n\n1. one\n2. two\n\n<b>raw</b> and `code` and <https://x.example/>";
        let t = to_plain(md, "https://s.example/incidents/db/");
        assert_eq!(
            t,
            "We found the cause: a full disk (https://s.example/news/disk/).\n\nNext:\n\n- grow it\n- alert earlier\n\n1. one\n2. two\n\nraw and code and https://x.example/"
        );
    }

    #[test]
    fn breaks_task_lists_and_loose_lists() {
        let md = "one\ntwo  \nthree\n\n- [x] done\n- [ ] open\n\nloose:\n\n- a\n\n  more about a\n- b\n\n[https://x.example](https://x.example/) [same](https://x.example/)";
        assert_eq!(
            to_plain(md, "https://s.example/"),
            "one two\nthree\n\n- [x] done\n- [ ] open\n\nloose:\n\n- a\nmore about a\n- b\n\nhttps://x.example same (https://x.example/)"
        );
    }

    #[test]
    fn truncation_counts_characters_and_marks_the_cut() {
        assert_eq!(truncate("héllo", 5), "héllo");
        assert_eq!(truncate("héllo wörld", 7), "héllo…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(one_line("a\nb\r\n\tc"), "a b c");
    }

    #[test]
    fn long_text_is_cut_but_heading_and_link_stay() {
        let m = Message {
            id: "tag:x,2026:incidents/a/t/resolved".into(),
            thread_root: "r".into(),
            kind: PostKind::Incident,
            slug: "a".into(),
            site_title: "S".into(),
            post_title: "Outage".into(),
            status: "Resolved".into(),
            status_word: "resolved".into(),
            text: "word ".repeat(400),
            html: String::new(),
            impact: Some(Impact::Major),
            components: vec!["API".into()],
            component_ids: vec!["api".into()],
            time: "1 Dec 2026, 10:00 CET".into(),
            at: "2026-12-01T09:00:00Z".into(),
            window: None,
            window_iso: None,
            url: "https://s.example/incidents/a/#update-x".into(),
            site_url: "https://s.example/".into(),
        };
        let short = m.plain_within(500);
        assert!(short.chars().count() <= 500, "{}", short.chars().count());
        assert!(short.starts_with("Incident: Outage — Resolved\n\nword"));
        assert!(
            short.ends_with("https://s.example/incidents/a/#update-x"),
            "{short}"
        );
        assert!(short.contains('…'));
        assert_eq!(m.subject(), "[S] Resolved: Outage");
        let full = m.plain();
        assert!(full.contains("Impact: major\nAffects: API\nTime: 1 Dec 2026, 10:00 CET\n"));
    }
}
