//! Subscriptions: `feed.atom`, `feed.rss`, `feed.json` with one entry per update, and
//! `components/<id>/feed.atom` for readers who care about one component only.
//!
//! Every feed is built from the same list of entries (`entries`), so the three formats
//! never disagree about what happened or about an entry's id.

mod atom;
pub mod entries;
mod json_feed;
mod rss;

use crate::render::Files;
use crate::site::Site;
use chrono::{DateTime, Utc};
use entries::Entry;
use rayon::prelude::*;

/// Entries per feed: the newest ones. Keeps feeds small for readers that poll often.
pub const MAX_ENTRIES: usize = 50;

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
    let slots = entries::ordered(site);
    let c = &site.config;
    let base = c.base_url.as_str();
    // Only the entries some feed emits are made, with their HTML: the site's newest and
    // each component's newest. Their Markdown is rendered in parallel.
    let for_component = |id: &str| -> Vec<usize> {
        (0..slots.len())
            .filter(|&i| slots[i].post.components.iter().any(|c| c == id))
            .take(MAX_ENTRIES)
            .collect()
    };
    let picks: Vec<Vec<usize>> = c
        .components
        .iter()
        .map(|comp| for_component(&comp.id))
        .collect();
    let mut emitted: Vec<usize> = (0..slots.len().min(MAX_ENTRIES))
        .chain(picks.iter().flatten().copied())
        .collect();
    emitted.sort_unstable();
    emitted.dedup();
    let chosen: Vec<entries::Slot> = emitted.iter().map(|&i| slots[i]).collect();
    let mut made = entries::made(site, &chosen);
    made.par_iter_mut()
        .for_each(|e| entries::fill_html(site, e, loc));
    // Slot index → its entry.
    let entry = |i: usize| {
        &made[emitted
            .binary_search(&i)
            .expect("every emitted slot was made")]
    };
    let newest: Vec<&Entry> = (0..slots.len().min(MAX_ENTRIES)).map(entry).collect();
    let links = super::urls::links(c);
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
    for (comp, pick) in c.components.iter().zip(&picks) {
        let picked: Vec<&Entry> = pick.iter().map(|&i| entry(i)).collect();
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
