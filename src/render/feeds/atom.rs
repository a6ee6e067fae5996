//! Atom 1.0 (RFC 4287), written by hand: every text value goes through `escape_xml`.

use super::FeedMeta;
use super::entries::Entry;
use crate::render::escape::escape_xml as esc;
use crate::time::iso;
use std::fmt::Write;

/// The Atom document for `entries` (already newest first and bounded).
pub fn render(meta: &FeedMeta, entries: &[&Entry]) -> Vec<u8> {
    let mut x = String::with_capacity(2048 + entries.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        esc(meta.language)
    );
    // The feed's own URL is its id: unique, and stable as long as the site stays put.
    let _ = writeln!(x, "  <id>{}</id>", esc(&meta.self_url));
    let _ = writeln!(x, "  <title type=\"text\">{}</title>", esc(&meta.title));
    let _ = writeln!(
        x,
        "  <subtitle type=\"text\">{}</subtitle>",
        esc(&meta.description)
    );
    let _ = writeln!(x, "  <updated>{}</updated>", iso(meta.updated));
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        esc(&meta.self_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&meta.home_url)
    );
    let _ = writeln!(
        x,
        "  <author><name>{}</name><uri>{}</uri></author>",
        esc(meta.author),
        esc(meta.author_url)
    );
    x.push_str("  <generator>Lantern</generator>\n");
    let _ = writeln!(x, "  <icon>{}</icon>", esc(&meta.icon));
    for e in entries {
        entry(&mut x, e);
    }
    x.push_str("</feed>\n");
    x.into_bytes()
}

fn entry(x: &mut String, e: &Entry) {
    x.push_str("  <entry>\n");
    let _ = writeln!(x, "    <id>{}</id>", esc(&e.id));
    let _ = writeln!(x, "    <title type=\"text\">{}</title>", esc(&e.title));
    let _ = writeln!(
        x,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        esc(&e.url)
    );
    // An update is never edited after it is posted, so published and updated agree.
    let _ = writeln!(x, "    <published>{}</published>", iso(e.at));
    let _ = writeln!(x, "    <updated>{}</updated>", iso(e.at));
    for t in &e.tags {
        let _ = writeln!(x, "    <category term=\"{}\"/>", esc(t));
    }
    let _ = writeln!(x, "    <content type=\"html\">{}</content>", esc(&e.html));
    x.push_str("  </entry>\n");
}
