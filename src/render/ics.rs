//! `maintenance.ics` (every maintenance window, subscribable) and
//! `maintenance/<slug>/event.ics` (one window, to add by hand), per RFC 5545.
//!
//! Everything is deterministic: DTSTAMP is the post's latest update (or its start), never
//! the build time, so an unchanged site gives an unchanged calendar.

use crate::content::{Maintenance, Post};
use crate::render::Files;
use crate::render::urls::post_url;
use crate::site::Site;
use chrono::{DateTime, Utc};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Write the site calendar and one calendar per maintenance post.
pub fn render(site: &Site, files: &mut Files, loc: &crate::i18n::Locale) {
    let all: Vec<(&Post, &Maintenance)> = site
        .posts
        .iter()
        .filter_map(|p| p.maintenance().map(|m| (p, m)))
        .collect();
    let name = loc.f("calendar.name", &[("title", &site.config.title)]);
    files.insert("maintenance.ics".into(), calendar(site, &name, &all, loc));
    for &(p, m) in &all {
        files.insert(
            format!("{}event.ics", p.path()),
            calendar(site, &p.title, &[(p, m)], loc),
        );
    }
}

/// A VCALENDAR holding one VEVENT per maintenance, oldest first (as calendars list them).
///
/// RFC 5545 requires at least one component in a calendar, so a site without maintenance
/// would otherwise produce an invalid (and, for strict parsers, unreadable) file. A
/// VTIMEZONE for UTC is always included: it is a valid component, harmless next to
/// events (they use UTC `Z` times and do not reference it), and keeps the calendar
/// subscribable before the first maintenance is announced.
fn calendar(
    site: &Site,
    name: &str,
    events: &[(&Post, &Maintenance)],
    loc: &crate::i18n::Locale,
) -> Vec<u8> {
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Lantern//Lantern status page//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!("X-WR-CALNAME;LANGUAGE={}:{}", loc.tag, text(name)),
        format!(
            "X-WR-CALDESC;LANGUAGE={}:{}",
            loc.tag,
            text(&loc.f("calendar.description", &[("title", &site.config.title)]))
        ),
        // Subscribers' apps poll this often (RFC 7986 and the de-facto Apple/Google name).
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H".into(),
        "X-PUBLISHED-TTL:PT1H".into(),
        "BEGIN:VTIMEZONE".into(),
        "TZID:UTC".into(),
        "BEGIN:STANDARD".into(),
        "DTSTART:19700101T000000".into(),
        "TZOFFSETFROM:+0000".into(),
        "TZOFFSETTO:+0000".into(),
        "TZNAME:UTC".into(),
        "END:STANDARD".into(),
        "END:VTIMEZONE".into(),
    ];
    let mut sorted = events.to_vec();
    sorted.sort_by(|a, b| a.1.start.cmp(&b.1.start).then(a.0.slug.cmp(&b.0.slug)));
    for (p, m) in sorted {
        event(site, p, m, &mut lines, loc);
    }
    lines.push("END:VCALENDAR".into());
    let mut out = String::new();
    for l in &lines {
        fold(l, &mut out);
    }
    out.into_bytes()
}

fn event(
    site: &Site,
    p: &Post,
    m: &Maintenance,
    lines: &mut Vec<String>,
    loc: &crate::i18n::Locale,
) {
    let url = post_url(site, p);
    let latest = m.updates.first();
    let stamp = latest.map_or(m.start, |u| u.at);
    let about = latest.map_or(p.body.as_str(), |u| u.text.as_str());
    // Only what the post says, nothing derived from the build time: the event changes
    // exactly when its post does.
    let details = loc.f("calendar.details", &[("url", &url)]);
    let description = format!("{}\n\n{details}", plain_text(about));
    lines.extend([
        "BEGIN:VEVENT".into(),
        format!("UID:{}", text(&uid(site, p))),
        format!("DTSTAMP:{}", stamp_utc(stamp)),
        format!("DTSTART:{}", stamp_utc(m.start)),
        format!("DTEND:{}", stamp_utc(m.end)),
        // Grows with every update, so clients replace their copy of the event.
        format!("SEQUENCE:{}", m.updates.len()),
        format!("SUMMARY:{}", text(&p.title)),
        // The tag is a validated BCP 47 tag: letters, digits and `-` only.
        format!("DESCRIPTION;LANGUAGE={}:{}", loc.tag, text(&description)),
        format!("URL:{}", uri(&url)),
        "CATEGORIES:Maintenance".into(),
        "STATUS:CONFIRMED".into(),
        // Maintenance should not block the subscriber's own time as busy.
        "TRANSP:TRANSPARENT".into(),
        "END:VEVENT".into(),
    ]);
}

/// `<slug>@<host>`, plus the site's sub-path when it has one so two sites on one host
/// never share a UID.
fn uid(site: &Site, p: &Post) -> String {
    let url = &site.config.base_url;
    let host = url.host_str().unwrap_or("localhost");
    let path = url.path().trim_end_matches('/');
    format!("{}@{host}{path}", p.slug)
}

/// A UTC DATE-TIME: `20261206T050000Z`.
fn stamp_utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escape a TEXT value: backslash, semicolon, comma and newlines (RFC 5545 §3.3.11).
/// Other control characters are not allowed in content lines and are dropped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let s = s.replace("\r\n", "\n");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            '\t' => out.push(' '),
            c if c.is_control() || super::clean::forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value is not TEXT (no backslash escapes), but must not carry control characters.
fn uri(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() && !super::clean::forbidden(*c))
        .collect()
}

/// Append `line` folded at 75 octets (continuations start with a space, which counts),
/// never inside a UTF-8 sequence, each physical line ending in CRLF.
fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// Markdown to plain text for DESCRIPTION: text kept, markup dropped, a link's URL
/// written after its text, paragraphs separated by blank lines.
fn plain_text(md: &str) -> String {
    let mut out = String::new();
    let mut links: Vec<String> = Vec::new();
    for ev in Parser::new(md) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.into_string()),
            Event::Start(Tag::Item) => out.push_str("- "),
            Event::End(TagEnd::Link) => {
                if let Some(u) = links.pop().filter(|u| !u.starts_with('#')) {
                    out.push_str(&format!(" ({u})"));
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock) => {
                out.push_str("\n\n")
            }
            Event::End(TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    let mut s = out.trim().to_string();
    while s.contains("\n\n\n") {
        s = s.replace("\n\n\n", "\n\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        fold(&format!("SUMMARY:{}", "é".repeat(60)), &mut out);
        for l in out.split_terminator("\r\n") {
            assert!(l.len() <= 75, "{l:?} is {} octets", l.len());
        }
        assert!(out.ends_with("\r\n"));
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "é".repeat(60)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
        assert_eq!(text("x\u{7}y"), "xy");
    }

    #[test]
    fn markdown_becomes_plain() {
        let s = plain_text("Read **this** [page](https://x.example/).\n\n- one\n- two");
        assert_eq!(s, "Read this page (https://x.example/).\n\n- one\n- two");
    }
}
