//! The one list of feed entries every feed format is written from.
//!
//! Each incident or maintenance update is its own entry, so a later "Resolved" reaches
//! feed readers as a new item instead of a silent edit of an old one. News posts and
//! maintenance without updates are one entry each.
//!
//! Entry ids are tag URIs (RFC 4151) built only from what never changes once written:
//! the site's host and path, the post's kind and slug, and the update's time and status,
//! e.g. `tag:status.example.com,2026:incidents/db-outage/2026-11-20T06:50:00Z/resolved`.
//! Appending an update therefore adds an id and leaves every earlier id as it was.

use crate::content::{Detail, Post, PostKind, Update};
use crate::i18n::Locale;
use crate::render::escape::escape_xml;
use crate::render::time;
use crate::render::urls::post_url;
use crate::site::Site;
use crate::vocab::{MaintenanceStatus, Word};
use chrono::{DateTime, Utc};
use pulldown_cmark::{CowStr, Event, Parser, Tag, html};
use std::fmt::Write;

/// The year in every tag URI. Fixed for good: changing it would change every id.
const TAG_YEAR: &str = "2026";

/// One feed entry.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub post: &'a Post,
    /// Never changes across builds (see the module docs).
    pub id: String,
    pub title: String,
    /// Absolute URL: the post page, with `#update-<iso>` pointing at the update.
    pub url: String,
    /// When this entry happened: the update's time, the news date, or the window start.
    pub at: DateTime<Utc>,
    /// Kind and, for updates, status word: feed categories.
    pub tags: Vec<&'static str>,
    /// Full HTML content with absolute links; filled by `fill_html`, only for the
    /// entries a feed emits (Markdown of every update of 10,000 posts was most of the
    /// feeds' time, and all but the newest were thrown away).
    pub html: String,
    /// What `html` is made of.
    content: Content<'a>,
    /// The Markdown this entry says: the update's text, else the post body.
    pub markdown: &'a str,
    /// Reader's status label ("Resolved", "In progress", "Scheduled"); empty for news.
    pub label: &'static str,
}

/// The source of an entry's HTML.
#[derive(Debug, Clone, Copy)]
enum Content<'a> {
    /// An incident or maintenance update: the catalogue key of its status label and
    /// its Markdown text.
    Update { key: &'static str, text: &'a str },
    /// Maintenance without updates: announced with its window and body.
    Scheduled,
    /// A news post: its body.
    News,
}

/// Where an entry comes from, without anything built yet: its post and, for an
/// update's entry, the update's index. Feeds emit only the newest entries, so only
/// those are made into [`Entry`]s (ids and URLs for every update of 10,000 posts were
/// half of a cron rebuild's feed time).
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub post: &'a Post,
    /// Index into the post's `updates`; `None` for a news post or maintenance without
    /// updates, which are one entry each.
    update: Option<usize>,
    /// When the entry happened (see [`Entry::at`]).
    pub at: DateTime<Utc>,
}

/// Every entry's slot, newest first (ties broken by kind, slug and id).
pub fn ordered(site: &Site) -> Vec<Slot<'_>> {
    let mut out = Vec::new();
    for p in &site.posts {
        let mut push = |update, at| {
            out.push(Slot {
                post: p,
                update,
                at,
            })
        };
        match &p.detail {
            Detail::Incident(inc) => inc
                .updates
                .iter()
                .enumerate()
                .for_each(|(i, u)| push(Some(i), u.at)),
            Detail::Maintenance(m) if !m.updates.is_empty() => m
                .updates
                .iter()
                .enumerate()
                .for_each(|(i, u)| push(Some(i), u.at)),
            // No publication time is known; the window start is at least stable.
            Detail::Maintenance(m) => push(None, m.start),
            Detail::News(n) => push(None, n.date),
        }
    }
    let cheap = |a: &Slot, b: &Slot| {
        b.at.cmp(&a.at)
            .then_with(|| a.post.kind.cmp(&b.post.kind))
            .then_with(|| a.post.slug.cmp(&b.post.slug))
    };
    out.sort_by(cheap);
    // Entries equal so far (updates of one post at one time) are ordered by id, which
    // is built for those few only.
    let mut i = 0;
    while i < out.len() {
        let run = out[i..]
            .iter()
            .take_while(|s| cheap(&out[i], s).is_eq())
            .count();
        if run > 1 {
            let mut keyed: Vec<(String, Slot)> = made(site, &out[i..i + run])
                .into_iter()
                .map(|e| e.id)
                .zip(out[i..i + run].iter().copied())
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, (_, slot)) in keyed.into_iter().enumerate() {
                out[i + k] = slot;
            }
        }
        i += run;
    }
    out
}

/// The entries of `slots`, in the same order, without HTML or translated title: call
/// `fill_html` on those that are emitted.
pub fn made<'a>(site: &Site, slots: &[Slot<'a>]) -> Vec<Entry<'a>> {
    // An update's key depends on the post's other updates (repeats are numbered): the
    // keys of each post are worked out once.
    let mut keys: std::collections::HashMap<*const Post, Vec<String>> = Default::default();
    slots
        .iter()
        .map(|s| {
            let p = s.post;
            let Some(i) = s.update else {
                return single(site, p);
            };
            let keys = keys
                .entry(p as *const Post)
                .or_insert_with(|| match &p.detail {
                    Detail::Incident(inc) => keys_of(&inc.updates),
                    Detail::Maintenance(m) => keys_of(&m.updates),
                    Detail::News(_) => Vec::new(),
                });
            match &p.detail {
                Detail::Incident(inc) => update_entry(site, p, &inc.updates[i], &keys[i]),
                Detail::Maintenance(m) => update_entry(site, p, &m.updates[i], &keys[i]),
                Detail::News(_) => single(site, p),
            }
        })
        .collect()
}

/// Every entry of the site, newest first (ties broken by kind, slug and id), without
/// HTML or translated title: call `fill_html` on those that are emitted. Locale-free,
/// so `notify` lists the same entries (and ids) whatever the site's language.
pub fn listed(site: &Site) -> Vec<Entry<'_>> {
    made(site, &ordered(site))
}

/// The one entry of a news post or of maintenance without updates.
fn single<'a>(site: &Site, p: &'a Post) -> Entry<'a> {
    let (at, content, label) = match &p.detail {
        Detail::Maintenance(m) => (
            m.start,
            Content::Scheduled,
            MaintenanceStatus::Scheduled.label(),
        ),
        Detail::News(n) => (n.date, Content::News, ""),
        Detail::Incident(i) => (i.started, Content::News, ""),
    };
    Entry {
        post: p,
        id: tag(site, &format!("{}/{}", p.kind.dir(), p.slug)),
        // Translated by `fill_html`.
        title: p.title.clone(),
        url: post_url(site, p),
        at,
        tags: vec![p.kind.as_str()],
        html: String::new(),
        content,
        markdown: &p.body,
        label,
    }
}

fn keys_of<S: Word>(updates: &[Update<S>]) -> Vec<String> {
    update_keys(updates.iter().map(|u| (u.at, u.status.word(), u.written)))
}

/// The entry of one update of an incident or maintenance, whose key is `key`.
fn update_entry<'a, S: Word>(site: &Site, p: &'a Post, u: &'a Update<S>, key: &str) -> Entry<'a> {
    Entry {
        post: p,
        id: tag(site, &format!("{}/{}/{key}", p.kind.dir(), p.slug)),
        // Translated by `fill_html`.
        title: p.title.clone(),
        url: format!("{}#{}", post_url(site, p), update_anchor(u.at)),
        at: u.at,
        tags: vec![p.kind.as_str(), u.status.word()],
        html: String::new(),
        content: Content::Update {
            key: u.status.label_key(),
            text: &u.text,
        },
        markdown: &u.text,
        label: u.status.english(),
    }
}

/// Render `e.html` and the translated `e.title` from its post (idempotent: an entry
/// already filled is left alone).
pub fn fill_html(site: &Site, e: &mut Entry, loc: &Locale) {
    if !e.html.is_empty() {
        return;
    }
    let p = e.post;
    let page = post_url(site, p);
    let entry_title = |status: &str| {
        loc.f(
            "feed.entry_title",
            &[("title", &p.title), ("status", status)],
        )
    };
    (e.title, e.html) = match (e.content, &p.detail) {
        (Content::Update { key, text }, detail) => {
            let label = loc.t(key).to_string();
            let mut html = status_line(p, &label, loc);
            if let Detail::Maintenance(m) = detail {
                html.push_str(&window_line(site, m.start, m.end, loc));
            }
            html.push_str(&markdown(text, &page));
            html.push_str(&affects_line(site, p, loc));
            (entry_title(&label), html)
        }
        (Content::Scheduled, Detail::Maintenance(m)) => {
            let mut html = status_line(p, loc.t(MaintenanceStatus::Scheduled.key()), loc);
            html.push_str(&window_line(site, m.start, m.end, loc));
            html.push_str(&markdown(&p.body, &page));
            (entry_title(loc.t("kind.maintenance")), html)
        }
        _ => (p.title.clone(), markdown(&p.body, &page)),
    };
}

/// The stable key of each update (same order as given): `<iso time>/<status>`, with
/// `/2`, `/3`… for repeats of the same time and status, numbered in file order so that
/// appending an update never renumbers an earlier one.
pub fn update_keys(
    updates: impl Iterator<Item = (DateTime<Utc>, &'static str, usize)>,
) -> Vec<String> {
    let items: Vec<_> = updates.collect();
    let earlier = earlier_repeats(&items);
    items
        .iter()
        .zip(earlier)
        .map(|(&(at, word, _), earlier)| {
            let base = format!("{}/{word}", crate::time::iso(at));
            if earlier == 0 {
                base
            } else {
                format!("{base}/{}", earlier + 1)
            }
        })
        .collect()
}

/// For each item, how many items share its time and status and were written before
/// it. Sorting once keeps this O(n log n): a post may hold 100,000 updates.
fn earlier_repeats<K: Ord + Copy>(items: &[(DateTime<Utc>, K, usize)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| items[i]);
    let mut earlier = vec![0; items.len()];
    // Position in the current (time, status) run of the first item with each `written`.
    let mut run_start = 0;
    for (pos, &i) in order.iter().enumerate() {
        let (at, word, written) = items[i];
        let same_run = |j: usize| items[j].0 == at && items[j].1 == word;
        if pos == 0 || !same_run(order[pos - 1]) {
            run_start = pos;
        }
        // Items with an equal `written` are not earlier than each other.
        let first_equal = (run_start..pos)
            .rev()
            .take_while(|&q| items[order[q]].2 == written)
            .last()
            .unwrap_or(pos);
        earlier[i] = first_equal - run_start;
    }
    earlier
}

/// The HTML id of an update on its post page (`post.html` writes the same).
pub fn update_anchor(at: DateTime<Utc>) -> String {
    format!("update-{}", crate::time::iso(at))
}

/// A tag URI for `specific`, unique to this site even when several share a host.
fn tag(site: &Site, specific: &str) -> String {
    let url = &site.config.base_url;
    let host = url.host_str().unwrap_or("localhost");
    let path = url.path().trim_start_matches('/');
    format!("tag:{host},{TAG_YEAR}:{path}{specific}")
}

/// "Incident: <title> — <status>", so an entry read alone says what it is about.
fn status_line(p: &Post, label: &str, loc: &Locale) -> String {
    let kind = match p.kind {
        PostKind::Incident => loc.t("kind.incident"),
        PostKind::Maintenance => loc.t("impact.maintenance"),
        PostKind::News => loc.t("kind.news"),
    };
    let line = loc.f(
        "feed.status_line",
        &[("kind", kind), ("title", &p.title), ("status", label)],
    );
    format!("<p><strong>{}</strong></p>\n", escape_xml(&line))
}

fn window_line(site: &Site, start: DateTime<Utc>, end: DateTime<Utc>, loc: &Locale) -> String {
    let tz = site.config.timezone;
    let line = loc.f(
        "feed.window",
        &[
            ("from", &time::view(start, tz, loc).display),
            ("to", &time::view(end, tz, loc).display),
        ],
    );
    format!("<p>{}</p>\n", escape_xml(&line))
}

fn affects_line(site: &Site, p: &Post, loc: &Locale) -> String {
    let names: Vec<String> = p
        .components
        .iter()
        .filter_map(|id| site.config.component(id))
        .map(|c| escape_xml(&c.name))
        .collect();
    let mut s = String::new();
    if !names.is_empty() {
        let names = names.join(loc.t("format.list_sep"));
        // Names are escaped one by one above; the catalogue text around them here.
        let text = loc.t("feed.affects");
        let (before, after) = text.split_once("{names}").unwrap_or((text, ""));
        let (before, after) = (escape_xml(before), escape_xml(after));
        let _ = writeln!(s, "<p>{before}{names}{after}</p>");
    }
    s
}

/// Markdown to HTML with every link and image made absolute against `page`, because
/// feed readers show content away from the site and ignore relative URLs.
///
/// Uses the same extensions as `render::markdown::to_html`. Links inside raw HTML
/// blocks are left as written.
pub fn markdown(md: &str, page: &str) -> String {
    let opts = crate::render::markdown::options();
    let base = url::Url::parse(page).ok();
    let absolute = |dest: CowStr<'_>| -> CowStr<'static> {
        match base.as_ref().and_then(|b| b.join(&dest).ok()) {
            Some(u) => CowStr::from(u.to_string()),
            None => CowStr::from(dest.into_string()),
        }
    };
    let events = Parser::new_ext(md, opts).map(|ev| match ev {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: absolute(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: absolute(dest_url),
            title,
            id,
        }),
        other => crate::render::markdown::labelled_task(other),
    });
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn links_become_absolute() {
        let html = markdown(
            "[a](../../news/x/) [b](https://o.example/) ![c](img.png) [d](#top)",
            "https://s.example/status/incidents/y/",
        );
        assert!(
            html.contains("href=\"https://s.example/status/news/x/\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://o.example/\""), "{html}");
        assert!(
            html.contains("src=\"https://s.example/status/incidents/y/img.png\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://s.example/status/incidents/y/#top\""),
            "{html}"
        );
    }

    #[test]
    fn repeated_updates_get_distinct_keys_in_file_order() {
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 6, 50, 0).unwrap();
        let u = [
            (t, "identified", 3),
            (t, "identified", 1),
            (t, "resolved", 2),
        ];
        let keys = update_keys(u.iter().copied());
        assert_eq!(
            keys,
            [
                "2026-11-20T06:50:00Z/identified/2",
                "2026-11-20T06:50:00Z/identified",
                "2026-11-20T06:50:00Z/resolved",
            ]
        );
    }

    #[test]
    fn repeat_counts_match_their_definition() {
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 6, 50, 0).unwrap();
        // A fixed pseudo-random mix of times, statuses and write orders, ties included.
        let items: Vec<(DateTime<Utc>, u8, usize)> = (0..300usize)
            .map(|i| {
                let h = i.wrapping_mul(2_654_435_761) % 1000;
                let at = t + chrono::Duration::minutes((h % 4) as i64);
                (at, (h / 4 % 3) as u8, (h * 7 + i) % 250)
            })
            .collect();
        let naive: Vec<usize> = items
            .iter()
            .map(|&(at, w, n)| {
                items
                    .iter()
                    .filter(|&&(a, x, m)| a == at && x == w && m < n)
                    .count()
            })
            .collect();
        assert_eq!(earlier_repeats(&items), naive);
    }
}
