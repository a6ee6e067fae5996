//! Subscriptions: Atom, RSS and JSON Feed (one entry per update, stable ids), the
//! maintenance calendar, and the discovery files, built by the real binary.

mod common;

use common::{EPOCH, Site, front_matter_value, read_text, repo, run_at};
use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::Path;

const TINY_HOST: &str = "tag:status.tiny.example,2026:";

/// Parse a feed file with feed-rs, naming the file on failure.
fn parse_feed(path: &Path) -> feed_rs::model::Feed {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    feed_rs::parser::parse(&bytes[..])
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

/// Entry ids of a parsed feed, in document order.
fn ids(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.id.clone()).collect()
}

/// `lantern build` of `site` at `epoch`.
fn build_at(site: &Site, epoch: i64, extra: &[&str]) {
    let mut args = vec![
        OsStr::new("build"),
        OsStr::new("--root"),
        site.root.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    run_at(site.tmp(), epoch, args).assert_ok();
}

/// An open incident with one update, or the same incident resolved.
fn api_incident(resolved: bool) -> String {
    let mut lines = vec![
        "title: API errors",
        "impact: major",
        "components: [web]",
        "started: 2026-12-02T08:00:00Z",
    ];
    if resolved {
        lines.push("resolved: 2026-12-02T10:00:00Z");
    }
    lines.extend([
        "updates:",
        "  - at: 2026-12-02T08:05:00Z",
        "    status: investigating",
        "    text: \"Requests fail.\"",
    ]);
    if resolved {
        lines.extend([
            "  - at: 2026-12-02T10:00:00Z",
            "    status: resolved",
            "    text: \"Requests work again.\"",
        ]);
    }
    common::post(&lines)
}

#[test]
fn resolving_an_incident_adds_an_entry_and_keeps_the_old_ids() {
    let site = Site::fixture("tiny");
    let file = "content/incidents/2026-12-02-api-errors.md";
    site.write(file, api_incident(false));
    site.build(&[]).assert_ok();
    let public = site.public();
    let before: Vec<Vec<String>> = ["feed.atom", "feed.rss", "feed.json"]
        .iter()
        .map(|f| ids(&parse_feed(&public.join(f))))
        .collect();

    site.write(file, api_incident(true));
    site.build(&[]).assert_ok();
    for (i, f) in ["feed.atom", "feed.rss", "feed.json"].iter().enumerate() {
        let feed = parse_feed(&public.join(f));
        let after = ids(&feed);
        let old: BTreeSet<_> = before[i].iter().collect();
        let new: Vec<_> = after.iter().filter(|id| !old.contains(id)).collect();
        assert_eq!(
            new,
            [&format!(
                "{TINY_HOST}incidents/2026-12-02-api-errors/2026-12-02T10:00:00Z/resolved"
            )],
            "{f}: resolving should add exactly one entry"
        );
        for id in &before[i] {
            assert!(after.contains(id), "{f}: entry {id} vanished or changed id");
        }
        // The new entry is the newest, and says what it is.
        let first = &feed.entries[0];
        assert_eq!(&first.id, new[0]);
        let title = first.title.as_ref().expect("entry title").content.clone();
        assert_eq!(title, "API errors — Resolved", "{f}");
    }
}

#[test]
fn feeds_parse_with_the_expected_entries() {
    let site = Site::fixture("tiny");
    site.build(&[]).assert_ok();
    let public = site.public();
    let expected_ids = [
        "news/2026-11-15-hello",
        "maintenance/2026-11-10-db-restart/2026-11-10T03:00:00Z/completed",
        "incidents/2026-11-01-slow-web/2026-11-01T11:00:00Z/resolved",
        "incidents/2026-11-01-slow-web/2026-11-01T10:00:00Z/investigating",
    ]
    .map(|s| format!("{TINY_HOST}{s}"));
    let expected_dates = [
        "2026-11-15T09:00:00Z",
        "2026-11-10T03:00:00Z",
        "2026-11-01T11:00:00Z",
        "2026-11-01T10:00:00Z",
    ];
    let expected_titles = [
        "Welcome to the tiny status page",
        "Database restart — Completed",
        "Slow website — Resolved",
        "Slow website — Investigating",
    ];
    for f in ["feed.atom", "feed.rss", "feed.json"] {
        let feed = parse_feed(&public.join(f));
        assert_eq!(
            feed.title.as_ref().map(|t| t.content.as_str()),
            Some("Tiny Status"),
            "{f}"
        );
        assert_eq!(ids(&feed), expected_ids, "{f}");
        // Deterministic: the newest entry's time, never the build time (JSON Feed
        // has no feed-level date).
        if f != "feed.json" {
            assert_eq!(
                feed.updated.map(|t| t.to_rfc3339()),
                Some("2026-11-15T09:00:00+00:00".to_string()),
                "{f}: feed updated"
            );
        }
        for (i, e) in feed.entries.iter().enumerate() {
            let at = e.published.or(e.updated).expect("entry date");
            assert_eq!(
                at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                expected_dates[i],
                "{f}"
            );
            assert_eq!(
                e.title.as_ref().map(|t| t.content.as_str()),
                Some(expected_titles[i]),
                "{f}"
            );
            let link = &e.links.first().expect("entry link").href;
            assert!(
                link.starts_with("https://status.tiny.example/"),
                "{f}: {link}"
            );
        }
    }
    // The update's text and the "Incident: <title> — <status>" line, as HTML.
    let atom = parse_feed(&public.join("feed.atom"));
    let body = atom.entries[2]
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .expect("atom content");
    assert!(body.contains("Incident: Slow website — Resolved"), "{body}");
    assert!(body.contains("<p>Pages load normally again.</p>"), "{body}");
    // Per-component feed: only posts touching the component.
    let web = parse_feed(&public.join("components/web/feed.atom"));
    assert_eq!(ids(&web), expected_ids[2..]);
    let db = parse_feed(&public.join("components/database/feed.atom"));
    assert_eq!(ids(&db), expected_ids[1..2]);
}

#[test]
fn json_feed_has_the_required_fields() {
    let site = Site::example();
    site.build(&[]).assert_ok();
    let text = read_text(&site.public().join("feed.json"));
    let v: serde_json::Value = serde_json::from_str(&text).expect("feed.json is JSON");
    assert_eq!(v["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(v["title"], "Chatterbox Status");
    assert_eq!(v["feed_url"], "https://status.chatterbox.example/feed.json");
    let items = v["items"].as_array().expect("items");
    assert!(!items.is_empty() && items.len() <= 50);
    let mut seen = BTreeSet::new();
    for item in items {
        let id = item["id"].as_str().expect("item id");
        assert!(seen.insert(id.to_string()), "duplicate id {id}");
        assert!(item["content_html"].as_str().is_some_and(|h| !h.is_empty()));
        let date = item["date_published"].as_str().expect("date_published");
        chrono::DateTime::parse_from_rfc3339(date).expect("RFC 3339 date");
    }
    // Every feed of the example site parses, per component too.
    for f in ["feed.atom", "feed.rss", "feed.json"] {
        parse_feed(&site.public().join(f));
    }
    for id in ["web", "rooms", "uploads", "login", "database", "email"] {
        parse_feed(&site.public().join(format!("components/{id}/feed.atom")));
    }
}

#[test]
fn feeds_keep_the_newest_fifty_and_ignore_the_build_time() {
    let site = Site::fixture("tiny");
    for day in 1..=60 {
        let date =
            chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap() + chrono::Duration::days(day);
        site.write(
            &format!("content/news/{date}-note-{day}.md"),
            format!("---\ntitle: Note {day}\ndate: {date}T12:00:00Z\n---\nNote.\n"),
        );
    }
    build_at(&site, EPOCH, &[]);
    let public = site.public();
    let first: Vec<_> = ["feed.atom", "feed.rss", "feed.json"]
        .iter()
        .map(|f| std::fs::read(public.join(f)).unwrap())
        .collect();
    for f in ["feed.atom", "feed.rss", "feed.json"] {
        let feed = parse_feed(&public.join(f));
        assert_eq!(feed.entries.len(), 50, "{f}");
        let dates: Vec<_> = feed.entries.iter().map(|e| e.published).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{f}: newest first");
        // 64 entries in all (60 notes, 4 tiny entries); the 14 oldest notes are cut.
        let title = |i: usize| feed.entries[i].title.as_ref().unwrap().content.clone();
        assert_eq!(title(0), "Welcome to the tiny status page");
        assert_eq!(title(49), "Note 15");
    }
    // A day later nothing in the feeds changes: no wall-clock time in them.
    build_at(&site, EPOCH + 86_400, &[]);
    for (i, f) in ["feed.atom", "feed.rss", "feed.json"].iter().enumerate() {
        assert!(
            std::fs::read(public.join(f)).unwrap() == first[i],
            "{f} changed with the build time"
        );
    }
}

#[test]
fn updates_at_one_time_are_ordered_by_id_and_reach_their_components_feeds() {
    let site = Site::fixture("tiny");
    site.write(
        "content/incidents/2026-12-02-db-down.md",
        common::post(&[
            "title: Database down",
            "impact: major",
            "components: [database]",
            "started: 2026-12-02T08:00:00Z",
            "resolved: 2026-12-02T10:00:00Z",
            "updates:",
            "  - at: 2026-12-02T10:00:00Z",
            "    status: resolved",
            "    text: \"Back.\"",
            "  - at: 2026-12-02T10:00:00Z",
            "    status: identified",
            "    text: \"Found it.\"",
            "  - at: 2026-12-02T10:00:00Z",
            "    status: identified",
            "    text: \"Found it again.\"",
            "  - at: 2026-12-02T08:05:00Z",
            "    status: investigating",
            "    text: \"Looking.\"",
        ]),
    );
    build_at(&site, EPOCH, &[]);
    // Three entries at one time: by id, the repeat numbered in file order.
    let p = format!("{TINY_HOST}incidents/2026-12-02-db-down/2026-12-02T");
    let want = [
        format!("{p}10:00:00Z/identified"),
        format!("{p}10:00:00Z/identified/2"),
        format!("{p}10:00:00Z/resolved"),
        format!("{p}08:05:00Z/investigating"),
    ];
    let public = site.public();
    for f in [
        "feed.atom",
        "feed.rss",
        "feed.json",
        "components/database/feed.atom",
    ] {
        let got = ids(&parse_feed(&public.join(f)));
        assert_eq!(got[..4], want, "{f}");
    }
    // Each component's feed has its own posts' entries only.
    let web = ids(&parse_feed(&public.join("components/web/feed.atom")));
    assert!(web.iter().all(|id| !id.contains("db-down")), "{web:?}");
    assert_eq!(
        web.iter().filter(|id| id.contains("slow-web")).count(),
        2,
        "{web:?}"
    );
    let db = ids(&parse_feed(&public.join("components/database/feed.atom")));
    assert!(db.iter().all(|id| !id.contains("slow-web")), "{db:?}");
}

/// Every physical line ends in CRLF and is at most 75 octets.
fn assert_ics_lines(path: &Path) {
    let bytes = std::fs::read(path).expect("read ics");
    assert!(
        bytes.ends_with(b"\r\n"),
        "{} must end in CRLF",
        path.display()
    );
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        assert!(line.ends_with(b"\r\n"), "bare LF in {}", path.display());
        assert!(
            line.len() - 2 <= 75,
            "{}: line of {} octets: {:?}",
            path.display(),
            line.len() - 2,
            String::from_utf8_lossy(line)
        );
        std::str::from_utf8(line).expect("folding split a UTF-8 sequence");
    }
}

/// Parse a calendar with the `ical` crate.
fn parse_ics(path: &Path) -> ical::parser::ical::component::IcalCalendar {
    let file = std::fs::File::open(path).expect("open ics");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(file));
    let cal = parser
        .next()
        .expect("one calendar")
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    assert!(parser.next().is_none(), "one calendar per file");
    cal
}

fn prop<'a>(props: &'a [ical::property::Property], name: &str) -> Option<&'a str> {
    props
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
}

/// `2026-12-06T05:00:00Z` → `20261206T050000Z`.
fn ics_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .expect("front matter time")
        .with_timezone(&chrono::Utc)
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

#[test]
fn maintenance_calendar_has_one_event_per_window() {
    let site = Site::example();
    site.build(&[]).assert_ok();
    let public = site.public();
    let ics = public.join("maintenance.ics");
    assert_ics_lines(&ics);
    let cal = parse_ics(&ics);
    assert_eq!(prop(&cal.properties, "VERSION"), Some("2.0"));
    assert!(prop(&cal.properties, "PRODID").is_some());
    let dir = repo().join("content/maintenance");
    let mut expected = Vec::new();
    for rel in common::files(&dir) {
        let text = read_text(&dir.join(&rel));
        let slug = rel.trim_end_matches(".md").to_string();
        let start = ics_time(&front_matter_value(&text, "scheduled_start"));
        let end = ics_time(&front_matter_value(&text, "scheduled_end"));
        expected.push((slug, start, end));
    }
    assert_eq!(cal.events.len(), expected.len());
    for (slug, start, end) in &expected {
        let uid = format!("{slug}@status.chatterbox.example");
        let ev = cal
            .events
            .iter()
            .find(|e| prop(&e.properties, "UID") == Some(uid.as_str()))
            .unwrap_or_else(|| panic!("no event {uid}"));
        assert_eq!(prop(&ev.properties, "DTSTART"), Some(start.as_str()));
        assert_eq!(prop(&ev.properties, "DTEND"), Some(end.as_str()));
        assert!(prop(&ev.properties, "DTSTAMP").is_some_and(|s| s.ends_with('Z')));
        assert!(prop(&ev.properties, "SUMMARY").is_some());
        // The same event alone, for "add to calendar".
        let one = public.join(format!("maintenance/{slug}/event.ics"));
        assert_ics_lines(&one);
        let single = parse_ics(&one);
        assert_eq!(single.events.len(), 1);
        assert_eq!(
            prop(&single.events[0].properties, "UID"),
            Some(uid.as_str())
        );
    }
}

#[test]
fn calendar_without_maintenance_is_still_valid() {
    let site = Site::fixture("tiny");
    std::fs::remove_dir_all(site.path("content/maintenance")).unwrap();
    site.build(&[]).assert_ok();
    let ics = site.public().join("maintenance.ics");
    assert_ics_lines(&ics);
    let cal = parse_ics(&ics);
    assert!(cal.events.is_empty());
    assert_eq!(prop(&cal.properties, "VERSION"), Some("2.0"));
    assert!(prop(&cal.properties, "PRODID").is_some());
    // RFC 5545 wants at least one component: the UTC time zone.
    assert_eq!(cal.timezones.len(), 1);
}

#[test]
fn sub_path_base_url_is_honoured_everywhere() {
    let site = Site::example();
    let base = "https://example.org/status/";
    site.build(&["--base-url", base]).assert_ok();
    let public = site.public();
    for f in ["feed.atom", "feed.rss", "feed.json"] {
        let feed = parse_feed(&public.join(f));
        for e in &feed.entries {
            for l in &e.links {
                assert!(l.href.starts_with(base), "{f}: {}", l.href);
            }
        }
        for l in &feed.links {
            assert!(l.href.starts_with(base), "{f}: {}", l.href);
        }
        let text = read_text(&public.join(f));
        // Relative links inside posts were made absolute under the sub-path.
        assert!(!text.contains("href=\\\"../"), "{f} has a relative link");
        assert!(!text.contains("href=&quot;../"), "{f} has a relative link");
    }
    let sitemap = read_text(&public.join("sitemap.xml"));
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert!(locs.len() > 10);
    assert!(locs.iter().all(|l| l.starts_with(base)), "{locs:?}");
    let mut sorted = locs.clone();
    sorted.sort();
    assert_eq!(locs, sorted, "sitemap is sorted");
    assert!(locs.contains(&base));
    assert!(!locs.iter().any(|l| l.contains("404")));
    assert!(read_text(&public.join("robots.txt")).contains(&format!("Sitemap: {base}sitemap.xml")));
    let cal = parse_ics(&public.join("maintenance.ics"));
    for ev in &cal.events {
        let url = prop(&ev.properties, "URL").expect("event URL");
        assert!(url.starts_with(&format!("{base}maintenance/")), "{url}");
    }
    let home = read_text(&public.join("index.html"));
    assert!(home.contains(&format!(
        "type=\"application/atom+xml\" title=\"Chatterbox Status (Atom)\" href=\"{base}feed.atom\""
    )));
    assert!(home.contains("webcal://example.org/status/maintenance.ics"));
    assert!(home.contains("href=\"/status/favicon.svg\""));
}

#[test]
fn markup_in_titles_and_names_is_escaped() {
    let site = Site::fixture("tiny");
    let nasty = r#"<script>&"; a, b"#;
    let yaml = read_text(&site.path("content/site.yaml"))
        .replace("name: Website", "name: '<b>Web</b> & \"API\"'");
    site.write("content/site.yaml", yaml);
    let quoted = format!("'{nasty}'");
    site.write(
        "content/incidents/2026-12-01-nasty.md",
        common::post(&[
            &format!("title: {quoted}"),
            "impact: minor",
            "components: [web]",
            "started: 2026-12-01T08:00:00Z",
            "resolved: 2026-12-01T09:00:00Z",
            "updates:",
            "  - at: 2026-12-01T09:00:00Z",
            "    status: resolved",
            "    text: \"Fine <em>now</em> & later.\"",
        ]),
    );
    site.write(
        "content/maintenance/2026-12-20-nasty.md",
        common::post(&[
            &format!("title: {quoted}"),
            "components: [web]",
            "scheduled_start: 2026-12-20T08:00:00Z",
            "scheduled_end: 2026-12-20T09:00:00Z",
        ]),
    );
    site.build(&[]).assert_ok();
    let public = site.public();
    for f in ["feed.atom", "feed.rss"] {
        let raw = read_text(&public.join(f));
        assert!(!raw.contains("<script>"), "{f} carries raw markup");
        assert!(raw.contains("&lt;script&gt;&amp;&quot;; a, b"), "{f}");
        let feed = parse_feed(&public.join(f));
        let titles: Vec<_> = feed
            .entries
            .iter()
            .filter_map(|e| e.title.as_ref().map(|t| t.content.clone()))
            .collect();
        assert!(
            titles.contains(&format!("{nasty} — Resolved")),
            "{f}: {titles:?}"
        );
    }
    let ics = read_text(&public.join("maintenance.ics"));
    assert!(ics.contains(r#"SUMMARY:<script>&"\; a\, b"#), "{ics}");
    let cal = parse_ics(&public.join("maintenance.ics"));
    assert_eq!(cal.events.len(), 2);
    for badge in ["badges/web.svg", "badges/web-uptime.svg"] {
        let svg = read_text(&public.join(badge));
        assert!(!svg.contains("<b>"), "{badge} carries raw markup");
        assert!(
            svg.contains("&lt;b&gt;Web&lt;/b&gt; &amp; &quot;API&quot;"),
            "{badge}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&read_text(&public.join("badges/web.json"))).unwrap();
    assert_eq!(json["label"], "<b>Web</b> & \"API\"");
    assert_eq!(json["schemaVersion"], 1);
}

#[test]
fn badges_and_favicon_say_the_status() {
    let site = Site::fixture("tiny");
    // A component with a check that never reported: its uptime is unknown, not 100 %.
    let yaml = read_text(&site.path("content/site.yaml")).replace(
        "components:\n",
        "components:\n  - { id: api, name: API, checks: [api-http] }\n",
    );
    site.write("content/site.yaml", yaml);
    site.build(&[]).assert_ok();
    let public = site.public();
    for id in ["web", "database", "api"] {
        let svg = read_text(&public.join(format!("badges/{id}.svg")));
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-label=\""));
        assert!(svg.contains("<title>"));
        let json: serde_json::Value =
            serde_json::from_str(&read_text(&public.join(format!("badges/{id}.json")))).unwrap();
        for key in ["schemaVersion", "label", "message", "color"] {
            assert!(!json[key].is_null(), "{id}.json lacks {key}");
        }
    }
    let uptime = read_text(&public.join("badges/api-uptime.svg"));
    assert!(uptime.contains(">no data<"), "{uptime}");
    // Components without checks are observed through posts: the minor incident shows.
    let uptime = read_text(&public.join("badges/web-uptime.svg"));
    assert!(uptime.contains(">99.98%<"), "{uptime}");
    let status: serde_json::Value =
        serde_json::from_str(&read_text(&public.join("badges/status.json"))).unwrap();
    assert_eq!(
        status["message"],
        "Status Unknown: Monitoring Data Is Stale"
    );
    assert_eq!(status["color"], "lightgrey");
    let icon = read_text(&public.join("favicon.svg"));
    assert!(
        icon.contains("M16 2L31 29H1z"),
        "unknown status: a triangle"
    );
    assert!(icon.contains("Status unknown"));
    assert!(read_text(&public.join("robots.txt")).contains("Allow: /"));
}
