//! RSS 2.0, written by hand: every text value goes through `escape_xml`.

use super::FeedMeta;
use super::entries::Entry;
use crate::render::escape::escape_xml as esc;
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// The RSS document for `entries` (already newest first and bounded).
pub fn render(meta: &FeedMeta, entries: &[&Entry]) -> Vec<u8> {
    let mut x = String::with_capacity(2048 + entries.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\">\n");
    x.push_str("<channel>\n");
    let _ = writeln!(x, "  <title>{}</title>", esc(&meta.title));
    let _ = writeln!(x, "  <link>{}</link>", esc(&meta.home_url));
    let _ = writeln!(x, "  <description>{}</description>", esc(&meta.description));
    let _ = writeln!(x, "  <language>{}</language>", esc(meta.language));
    // The newest entry's time, not the build time: an unchanged site gives an unchanged feed.
    let _ = writeln!(
        x,
        "  <lastBuildDate>{}</lastBuildDate>",
        rfc822(meta.updated)
    );
    let _ = writeln!(
        x,
        "  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        esc(&meta.self_url)
    );
    x.push_str("  <generator>Lantern</generator>\n");
    for e in entries {
        x.push_str("  <item>\n");
        let _ = writeln!(x, "    <title>{}</title>", esc(&e.title));
        let _ = writeln!(x, "    <link>{}</link>", esc(&e.url));
        // Not a permalink: several updates share a page, the id is what tells them apart.
        let _ = writeln!(x, "    <guid isPermaLink=\"false\">{}</guid>", esc(&e.id));
        let _ = writeln!(x, "    <pubDate>{}</pubDate>", rfc822(e.at));
        for t in &e.tags {
            let _ = writeln!(x, "    <category>{}</category>", esc(t));
        }
        let _ = writeln!(x, "    <description>{}</description>", esc(&e.html));
        x.push_str("  </item>\n");
    }
    x.push_str("</channel>\n</rss>\n");
    x.into_bytes()
}

/// RFC 822 date with a four-digit year, as RSS readers expect: `Fri, 20 Nov 2026 06:50:00 GMT`.
fn rfc822(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_are_rfc822() {
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 6, 50, 0).unwrap();
        assert_eq!(rfc822(t), "Fri, 20 Nov 2026 06:50:00 GMT");
    }
}
