//! JSON Feed 1.1 (served as `application/feed+json`).

use super::FeedMeta;
use super::entries::Entry;
use crate::time::iso;
use serde::Serialize;

/// Fields in the order the spec lists them, so the output reads naturally.
#[derive(Serialize)]
struct Feed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    favicon: &'a str,
    authors: [Author<'a>; 1],
    language: &'a str,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    date_published: String,
    date_modified: String,
    tags: &'a [&'static str],
}

/// The JSON Feed document for `entries` (already newest first and bounded).
pub fn render(meta: &FeedMeta, entries: &[&Entry]) -> Vec<u8> {
    let feed = Feed {
        version: "https://jsonfeed.org/version/1.1",
        title: &meta.title,
        home_page_url: &meta.home_url,
        feed_url: &meta.self_url,
        description: &meta.description,
        favicon: &meta.icon,
        authors: [Author {
            name: meta.author,
            url: meta.author_url,
        }],
        language: meta.language,
        items: entries
            .iter()
            .map(|e| Item {
                id: &e.id,
                url: &e.url,
                title: &e.title,
                content_html: &e.html,
                date_published: iso(e.at),
                date_modified: iso(e.at),
                tags: &e.tags,
            })
            .collect(),
    };
    // Strings and numbers only: serialising cannot fail.
    let mut out = serde_json::to_vec_pretty(&feed).expect("plain data serialises");
    out.push(b'\n');
    out
}
