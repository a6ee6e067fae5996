//! Day bars and day tables (issue 18): on the home page each component's row of days is
//! one link to the component's day table, with the whole window in words; the bars are
//! hidden from assistive technology without the script and carry words only for days that
//! say more than "100% uptime" or "no data". Each component page lists its days newest
//! first, each row at its own address (`#YYYY-MM-DD`) with that day's incidents linked.
//! The browser side (tab stops, arrow keys, bar widths) is in tests/browser/check.mjs.

mod common;

use common::Site;

const COMPONENTS: [&str; 6] = ["web", "rooms", "uploads", "login", "database", "email"];

fn build(site: &Site) -> std::path::PathBuf {
    site.build_out_at_feed_end()
}

fn read(out: &std::path::Path, rel: &str) -> String {
    common::read_text(&out.join(rel))
}

/// The text between `from` (included) and the next `to` after it.
fn between<'a>(s: &'a str, from: &str, to: &str) -> &'a str {
    let i = s
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not found in:\n{s}"));
    let rest = &s[i..];
    let j = rest
        .find(to)
        .unwrap_or_else(|| panic!("{to:?} not found after {from:?}"));
    &rest[..j]
}

/// The home page's day-bar block of component `id`: from its `<div class=days>` to the
/// summary paragraph's end.
fn home_row<'a>(home: &'a str, id: &str) -> &'a str {
    let link = format!("href=\"/components/{id}/#days\"");
    let end = home.find(&link).unwrap_or_else(|| panic!("no {link}"));
    let start = home[..end].rfind("<div class=days>").expect("a days block");
    let close = end + home[end..].find("</p>").expect("legend ends");
    &home[start..close]
}

/// `(date, row html)` of every day-table row, in page order.
fn table_rows(page: &str) -> Vec<(String, String)> {
    page.split("<tr id=\"")
        .skip(1)
        .map(|r| {
            let (date, rest) = r.split_once('"').expect("id ends");
            (
                date.to_string(),
                rest.split("</tr>").next().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn each_home_row_is_one_link_to_its_day_table_with_a_summary() {
    let site = Site::example();
    let out = build(&site);
    let home = read(&out, "index.html");
    assert!(
        !home.contains("tabindex=") && !home.contains("tabindex ="),
        "no day is a tab stop of its own in the HTML"
    );
    for id in COMPONENTS {
        let row = home_row(&home, id);
        let bars = between(row, "<ol class=bars", "</ol>");
        assert!(bars.contains("aria-hidden=true"), "{id}: {bars}");
        assert!(bars.contains("data-from=2026-08-31"), "{id}: {bars}");
        assert_eq!(bars.matches("<li").count(), 90, "{id}: 90 days");
        assert!(!bars.contains("<a"), "{id}: no link inside the bars");
        assert_eq!(
            row.matches("<a ").count(),
            1,
            "{id}: one link in the row: {row}"
        );
        let summary = between(row, "#days\">", "</a>");
        assert!(
            summary.starts_with("#days\">Last 90 days: "),
            "{id}: {summary}"
        );
        assert!(summary.ends_with("% uptime"), "{id}: {summary}");
        assert!(row.contains(">90 days ago<") && row.contains(">30 days ago<"));
    }
    let db = home_row(&home, "database");
    assert!(
        db.contains(">Last 90 days: 1 day with downtime, 96.22% uptime</a>"),
        "{db}"
    );
    // 2026-11-20 is day 82 of the window: its bar names the incident and the minutes.
    let day = between(db, "<ol", "</ol>")
        .split("<li")
        .nth(82)
        .expect("day 82");
    assert!(
        day.starts_with(" class=d3><i>0.00% uptime, 6 h 28 min down"),
        "{day}"
    );
    assert!(
        day.contains("incident: Rooms unavailable after a database failure"),
        "{day}"
    );
}

#[test]
fn plain_days_carry_no_words_and_other_days_do() {
    let site = Site::example();
    let out = build(&site);
    let home = read(&out, "index.html");
    let mut with_words = 0;
    for id in COMPONENTS {
        let row = home_row(&home, id);
        let bars = between(row, "<ol", "</ol>");
        assert!(
            bars.contains("data-ok=\"100% uptime\" data-nd=\"no data\""),
            "{bars}"
        );
        for li in bars.split("<li").skip(1) {
            // Days of the ok (no class) and nd classes may leave their words to the
            // script; every other class always has words of its own.
            let plain_class = li.starts_with('>') || li.starts_with(" class=nd>");
            let words = li
                .split_once("<i>")
                .map(|(_, w)| w.trim_end_matches("</i>"));
            match words {
                None => assert!(plain_class, "{id}: a day without words: {li}"),
                Some(w) => {
                    assert!(
                        w != "100% uptime" && w != "no data",
                        "{id}: plain words are left to the script: {li}"
                    );
                    with_words += 1;
                }
            }
        }
    }
    assert!(with_words >= 6, "the example has days with problems");
    assert!(
        home.len() < 30_000,
        "the home page stays small: {} bytes",
        home.len()
    );
}

#[test]
fn component_page_lists_every_day_newest_first_at_its_own_address() {
    let site = Site::example();
    let out = build(&site);
    for id in COMPONENTS {
        let page = read(&out, &format!("components/{id}/index.html"));
        assert!(page.contains("<section id=\"days\""), "{id}: #days target");
        let rows = table_rows(&page);
        assert_eq!(rows.len(), 90, "{id}: a row per day");
        assert_eq!(rows[0].0, "2026-11-28", "{id}: newest first");
        assert_eq!(
            rows[89].0, "2026-08-31",
            "{id}: the window's first day last"
        );
        assert!(
            rows.windows(2).all(|w| w[0].0 > w[1].0),
            "{id}: strictly newest first"
        );
    }
    let page = read(&out, "components/database/index.html");
    let rows = table_rows(&page);
    let (_, nov20) = rows
        .iter()
        .find(|(d, _)| d == "2026-11-20")
        .expect("20 Nov");
    assert!(
        nov20.contains(
            "<a href=\"/incidents/2026-11-20-database-outage/\" dir=auto>Rooms unavailable after a database failure</a>"
        ),
        "{nov20}"
    );
    assert!(
        nov20.contains("<td>0.00%</td><td>6 h 28 min down</td>"),
        "{nov20}"
    );
    let (_, nov21) = rows
        .iter()
        .find(|(d, _)| d == "2026-11-21")
        .expect("21 Nov");
    assert!(!nov21.contains("<a "), "a quiet day links nothing: {nov21}");
    assert!(nov21.contains("<td>100%</td><td>none</td>"), "{nov21}");
    let (_, nov19) = rows
        .iter()
        .find(|(d, _)| d == "2026-11-19")
        .expect("19 Nov");
    assert!(
        nov19.contains("<td>no data</td>"),
        "before its checks began the database has no data, not 100%: {nov19}"
    );
}

#[test]
fn a_shorter_window_and_untrusted_titles() {
    let site = Site::example();
    let yaml = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        yaml.replace("history_days: 90", "history_days: 10"),
    );
    site.write(
        "content/incidents/2026-11-25-odd.md",
        "---\ntitle: \"<script>alert(1)</script> & co\"\nimpact: minor\ncomponents: [web]\n\
         started: 2026-11-25T10:00:00Z\nresolved: 2026-11-25T10:30:00Z\nupdates:\n  - { at: 2026-11-25T10:30:00Z, status: resolved, text: Fixed. }\n---\nBody.\n",
    );
    let out = build(&site);
    let home = read(&out, "index.html");
    let web = home_row(&home, "web");
    assert_eq!(between(web, "<ol", "</ol>").matches("<li").count(), 10);
    assert!(
        web.contains(">10 days ago<") && web.contains("Last 10 days: 1 day with downtime"),
        "fewer days than a phone shows: all of them, {web}"
    );
    assert!(web.contains("data-from=2026-11-19"), "{web}");
    for text in [&home, &read(&out, "components/web/index.html")] {
        assert!(!text.contains("<script>alert"), "titles are escaped");
        assert!(text.contains("&lt;script&gt;alert(1)&lt;"), "escaped");
        assert!(text.contains("&amp; co"));
    }
    let rows = table_rows(&read(&out, "components/web/index.html"));
    assert_eq!(rows.len(), 10);
    assert_eq!(rows[3].0, "2026-11-25");
    assert!(rows[3].1.contains("href=\"/incidents/2026-11-25-odd/\""));
    assert!(
        rows[3].1.contains("<td>30 min partial outage</td>"),
        "a minor incident's minutes are partial: {}",
        rows[3].1
    );
}
