//! Time passing alone changes only the files the README lists ("Which files change
//! when only time passes"): two builds of the same content at different times leave
//! every settled page (resolved incidents, ended maintenance, news, archive pages of
//! settled posts) byte-identical.

mod common;

use common::{EPOCH, Generated, Site, run_at, snapshot};
use std::collections::BTreeMap;

/// A 300-post site of every kind over three past years, plus one open incident, one
/// upcoming maintenance, a health feed for component `a` and a component `e` that no
/// post mentions.
fn site() -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        "title: Stable\nbase_url: https://stable.test/\ncomponents:\n  - { id: a, name: A, checks: [a-http] }\n  - { id: b, name: B }\n  - { id: c, name: C }\n  - { id: d, name: D }\n  - { id: e, name: E }\n",
    );
    common::write_generated_posts(
        &site,
        300,
        &Generated {
            components: &["a", "b", "c", "d"],
            investigating: true,
            body_link: false,
        },
    );
    // EPOCH is 2026-12-03T12:00:00Z.
    site.write(
        "content/incidents/open.md",
        "---\ntitle: Still open\nimpact: minor\ncomponents: [b]\nstarted: 2026-12-03T10:00:00Z\nupdates:\n  - { at: 2026-12-03T10:05:00Z, status: investigating, text: Looking. }\n---\n",
    );
    site.write(
        "content/maintenance/upcoming.md",
        "---\ntitle: Upgrade\ncomponents: [c]\nscheduled_start: 2026-12-20T02:00:00Z\nscheduled_end: 2026-12-20T03:00:00Z\n---\n",
    );
    let feed: String = (0..144)
        .map(|k| {
            format!(
                "{{\"check\":\"a-http\",\"at\":\"2026-12-03T{:02}:{:02}:00Z\",\"ok\":true,\"latency_ms\":80}}\n",
                k / 12,
                (k % 12) * 5
            )
        })
        .collect();
    site.write("content/health/checks.jsonl", feed);
    site
}

fn build_at(site: &Site, epoch: i64, out: &str) -> BTreeMap<String, Vec<u8>> {
    let out = site.tmp().join(out);
    run_at(
        &site.root,
        epoch,
        [
            std::ffi::OsStr::new("build"),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    )
    .assert_ok();
    snapshot(&out)
}

/// The README's list, for this site: pages and files that show now, pages of the
/// two live posts and the archive page listing them, and the feed of component `e`,
/// which has no entries and so carries the build time.
fn may_change(path: &str) -> bool {
    matches!(
        path,
        "index.html"
            // The marker carries every file's digest, so it changes with any of them.
            | ".lantern"
            | "favicon.svg"
            | "incidents/open/index.html"
            | "maintenance/upcoming/index.html"
            | "history/index.html"
            | "components/e/feed.atom"
    ) || path.starts_with("api/")
        || path.starts_with("badges/")
        || (path.starts_with("components/") && path.ends_with("/index.html"))
}

fn changed(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "time alone must not add or remove files"
    );
    a.iter()
        .filter(|(k, v)| b[*k] != **v)
        .map(|(k, _)| k.clone())
        .collect()
}

#[test]
fn only_the_listed_files_change_when_only_time_passes() {
    let site = site();
    let first = build_at(&site, EPOCH, "first");
    assert!(first.len() > 300, "{} files", first.len());
    for (later, name) in [(EPOCH + 60, "minute"), (EPOCH + 3 * 86_400, "days")] {
        let other = build_at(&site, later, name);
        let diff = changed(&first, &other);
        let unexpected: Vec<&String> = diff.iter().filter(|p| !may_change(p)).collect();
        assert!(
            unexpected.is_empty(),
            "{name}: files changed that the README does not list: {unexpected:?}"
        );
        // The pages that show now do change: the comparison can fail.
        for live in [
            "index.html",
            "incidents/open/index.html",
            "api/v2/status.json",
            "api/uptime.json",
        ] {
            assert!(diff.iter().any(|p| p == live), "{name}: {live} unchanged");
        }
        // Each component's uptime files hold complete days: within one day they stay
        // byte-identical; three days later they have gained days.
        let per_component: Vec<&String> = diff
            .iter()
            .filter(|p| p.starts_with("api/uptime/"))
            .collect();
        if name == "minute" {
            assert!(per_component.is_empty(), "{name}: {per_component:?}");
        } else {
            assert!(
                per_component.contains(&&"api/uptime/a.csv".to_string()),
                "{name}: {per_component:?}"
            );
        }
        eprintln!("{name}: {} of {} files changed", diff.len(), first.len());
    }
}

#[test]
fn a_settled_page_shows_its_last_change_and_asks_the_site_for_its_age() {
    let site = site();
    let files = build_at(&site, EPOCH, "out");
    let page = String::from_utf8(files["incidents/post-00000/index.html"].clone()).unwrap();
    assert!(!page.contains(r#"id="generated-at""#), "{page}");
    assert!(
        page.contains(r#"Last updated <time datetime="2023-01-01T11:00:00Z">"#),
        "{page}"
    );
    assert!(
        page.contains(r#"data-age-from="/api/v2/status.json""#),
        "{page}"
    );
    let open = String::from_utf8(files["incidents/open/index.html"].clone()).unwrap();
    assert!(
        open.contains(r#"id="generated-at" datetime="2026-12-03T12:00:00Z""#),
        "{open}"
    );
    assert!(!open.contains("data-age-from="), "{open}");
    let status = String::from_utf8(files["api/v2/status.json"].clone()).unwrap();
    assert!(
        status.contains(r#""updated_at": "2026-12-03T12:00:00.000Z""#),
        "{status}"
    );
}
