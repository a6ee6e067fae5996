//! Subscriptions: `feed.atom`, `feed.rss`, `feed.json` with one entry per update, and
//! `components/<id>/feed.atom` for readers who care about one component only.
//!
//! Every feed is built from the same list of entries (`entries`), so the three formats
//! never disagree about what happened or about an entry's id.

mod atom;
pub mod entries;
mod json_feed;
mod rss;

use crate::config::Config;
use crate::render::Files;
use crate::site::Site;
use chrono::{DateTime, Utc};
use entries::Entry;
use rayon::prelude::*;
use serde::Serialize;

/// Entries per feed: the newest ones. Keeps feeds small for readers that poll often.
pub const MAX_ENTRIES: usize = 50;

/// Absolute URLs of the site's subscription outputs, for `<link rel="alternate">` and the
/// footer's "Subscribe" line.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLinks {
    pub atom: String,
    pub rss: String,
    pub json: String,
    /// `https://…/maintenance.ics`.
    pub ics: String,
    /// The same calendar as `webcal://…`, which calendar apps open as a subscription.
    pub webcal: String,
}

/// The subscription URLs of a site.
pub fn links(config: &Config) -> FeedLinks {
    let base = config.base_url.as_str();
    let ics = format!("{base}maintenance.ics");
    // Calendar apps treat `webcal://` as "subscribe to this http(s) calendar".
    let webcal = match ics.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => ics.clone(),
    };
    FeedLinks {
        atom: format!("{base}feed.atom"),
        rss: format!("{base}feed.rss"),
        json: format!("{base}feed.json"),
        ics,
        webcal,
    }
}

/// What a feed says about itself (everything but its entries).
#[derive(Debug)]
pub struct FeedMeta<'a> {
    pub title: String,
    pub description: String,
    pub language: &'a str,
    /// Absolute URL of the feed file itself; also the Atom feed id.
    pub self_url: String,
    /// Absolute URL of the HTML page the feed follows.
    pub home_url: String,
    /// Newest entry time; `site.now` only when there are no entries (never wall-clock).
    pub updated: DateTime<Utc>,
    pub author: &'a str,
    pub author_url: &'a str,
    pub icon: String,
}

/// Write every feed of the site into `files`.
pub fn render(site: &Site, files: &mut Files, loc: &crate::i18n::Locale) {
    let mut all = entries::listed(site);
    let c = &site.config;
    let base = c.base_url.as_str();
    // Only the entries some feed emits get their HTML: the site's newest and each
    // component's newest. Their Markdown is rendered in parallel.
    let mut emitted = vec![false; all.len()];
    emitted.iter_mut().take(MAX_ENTRIES).for_each(|e| *e = true);
    for comp in &c.components {
        all.iter()
            .enumerate()
            .filter(|(_, e)| e.post.components.contains(&comp.id))
            .take(MAX_ENTRIES)
            .for_each(|(i, _)| emitted[i] = true);
    }
    all.par_iter_mut()
        .zip(&emitted)
        .filter(|(_, keep)| **keep)
        .for_each(|(e, _)| entries::fill_html(site, e, loc));
    let all = all;
    let newest: Vec<&Entry> = all.iter().take(MAX_ENTRIES).collect();
    let links = links(c);
    let description = if c.description.trim().is_empty() {
        loc.f("feed.description", &[("title", &c.title)])
    } else {
        c.description.clone()
    };
    let meta = |title: String, self_url: String, home_url: String, entries: &[&Entry]| FeedMeta {
        title,
        description: description.clone(),
        language: &c.language,
        self_url,
        home_url,
        updated: entries.first().map_or(site.now, |e| e.at),
        author: &c.title,
        author_url: base,
        icon: format!("{base}favicon.svg"),
    };
    let site_meta = |self_url: &str| meta(c.title.clone(), self_url.into(), base.into(), &newest);
    files.insert(
        "feed.atom".into(),
        atom::render(&site_meta(&links.atom), &newest),
    );
    files.insert(
        "feed.rss".into(),
        rss::render(&site_meta(&links.rss), &newest),
    );
    files.insert(
        "feed.json".into(),
        json_feed::render(&site_meta(&links.json), &newest),
    );
    for comp in &c.components {
        let picked: Vec<&Entry> = all
            .iter()
            .filter(|e| e.post.components.contains(&comp.id))
            .take(MAX_ENTRIES)
            .collect();
        let path = format!("components/{}/feed.atom", comp.id);
        let m = meta(
            format!("{}: {}", c.title, comp.name),
            format!("{base}{path}"),
            format!("{base}components/{}/", comp.id),
            &picked,
        );
        files.insert(path, atom::render(&m, &picked));
    }
}

/// Escape text for XML content and attribute values (both quote kinds included).
///
/// Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are dropped: one stray
/// control character in a post must not make the whole feed unparseable.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(
            escape_xml("<script>&\"x'\u{0}\u{1b}\n"),
            "&lt;script&gt;&amp;&quot;x&apos;\n"
        );
        assert_eq!(escape_xml("Café ✓"), "Café ✓");
    }
}
