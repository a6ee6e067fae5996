//! Text from other programs (health feeds, cState imports) never reaches a page as
//! live markup, a control character, or a live terminal escape.

mod common;

use common::{Run, Site, read_text, run_at, snapshot};
use std::fs;
use std::path::Path;

/// 2026-11-21T00:00:00Z.
const NOW: i64 = 1_795_219_200;

/// ESC, BEL, NUL and a noncharacter.
const BAD: [char; 4] = ['\u{1b}', '\u{7}', '\u{0}', '\u{fffe}'];

fn has_bad(text: &str) -> bool {
    text.chars().any(|c| BAD.contains(&c))
}

fn iso(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[test]
fn feed_controls_reach_no_output_and_no_terminal() {
    let site = Site::empty();
    // YAML escapes: \e ESC, \a BEL, \0 NUL, \uFFFE.
    site.write(
        "content/site.yaml",
        "title: Test Status\nbase_url: https://status.test/\ntimezone: UTC\ncomponents:\n  - { id: web, name: Website, checks: [\"web\\e[31m\\a\\0\\uFFFE\"] }\nhealth:\n  stale_after: 15m\n  history_days: 3\n",
    );
    let id = "web\\u001b[31m\\u0007\\u0000\\ufffe";
    let mut feed = String::new();
    for m in 0..30 {
        let t = NOW - 1800 + m * 60;
        let ok = m < 20;
        feed.push_str(&format!(
            "{{\"check\":\"{id}\",\"at\":\"{}\",\"ok\":{ok},\"message\":\"disk\\u001b[2J full\\u0007\\u0000\\ufffe now\"}}\n",
            iso(t)
        ));
    }
    // A check no component lists: named in a warning.
    feed.push_str(&format!(
        "{{\"check\":\"ghost\\u001b]0;owned\\u0007\\u0000\\ufffe\",\"at\":\"{}\",\"ok\":true}}\n",
        iso(NOW - 60)
    ));
    site.write("content/health/feed.jsonl", feed);

    let root = site.root.as_os_str();
    let check = run_at(site.tmp(), NOW, ["check".as_ref(), "--root".as_ref(), root]);
    check.assert_ok();
    assert!(
        check.stderr.contains("ghost"),
        "the warning names the check:\n{check}"
    );
    assert!(
        !has_bad(&check.stdout) && !has_bad(&check.stderr),
        "raw control characters on the terminal:\n{:?}",
        check.stderr
    );

    let build = run_at(site.tmp(), NOW, ["build".as_ref(), "--root".as_ref(), root]);
    build.assert_ok();
    assert!(
        !has_bad(&build.stdout) && !has_bad(&build.stderr),
        "{build}"
    );
    let files = snapshot(&site.public());
    let mut checked = 0;
    let mut message_shown = false;
    for (name, bytes) in &files {
        let ext = name.rsplit('.').next().unwrap_or("");
        if !["html", "xml", "svg", "atom", "rss", "json"].contains(&ext) {
            continue;
        }
        checked += 1;
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !has_bad(&text),
            "{name} holds a raw control character or noncharacter"
        );
        message_shown |= text.contains("[2J full");
    }
    assert!(checked > 10, "only {checked} files checked");
    assert!(message_shown, "the feed message is on a page (cleaned)");
}

/// A site for cState posts: the components the issues name.
fn cstate_site() -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        "title: cState import\nbase_url: https://status.example.test/\ntimezone: UTC\ncomponents:\n  - { id: api, name: API }\n",
    );
    site
}

fn import(site: &Site, issues: &Path) -> Run {
    run_at(
        &site.root,
        NOW,
        [
            "import".as_ref(),
            "cstate".as_ref(),
            issues.as_os_str(),
            "--timezone".as_ref(),
            "UTC".as_ref(),
        ],
    )
}

fn issue(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: {title}\ndate: 2026-11-20 10:00:00\nresolved: true\nresolvedWhen: 2026-11-20 11:00:00\nseverity: down\naffected:\n  - API\n---\n{body}"
    )
}

/// Every `<…>` of a page: what a browser parses as markup.
fn tags(html: &str) -> Vec<&str> {
    html.match_indices('<')
        .map(|(i, _)| &html[i..html[i..].find('>').map_or(html.len(), |e| i + e + 1)])
        .collect()
}

#[test]
fn cstate_script_and_javascript_links_are_not_live() {
    let site = cstate_site();
    let issues = site.tmp().join("issues");
    fs::create_dir_all(&issues).unwrap();
    let body = "We are looking into it.\n\n<script>alert('block')</script>\n\nSee [the details](javascript:alert('md')) or <a href=\"JaVaScRiPt:alert('inline')\">here</a>.\n\n<p onclick=\"alert('attr')\">Fixed <a href=\"  javascript:alert('html')\">now</a>.</p>\n\n![x](data:image/svg+xml,<svg/onload=alert('img')>)\n";
    fs::write(
        issues.join("2026-11-20-api-down.md"),
        issue("API down", body),
    )
    .unwrap();
    import(&site, &issues).assert_ok();
    let post = site.read("content/incidents/2026-11-20-api-down.md");
    assert!(post.contains("We are looking into it."), "{post}");

    run_at(
        site.tmp(),
        NOW,
        ["build".as_ref(), "--root".as_ref(), site.root.as_os_str()],
    )
    .assert_ok();
    let page = read_text(
        &site
            .public()
            .join("incidents/2026-11-20-api-down/index.html"),
    );
    assert!(page.contains("We are looking into it."));
    assert!(page.contains("the details"), "the link text stays");
    for tag in tags(&page) {
        let t = tag.to_lowercase();
        assert!(!t.contains("javascript:"), "live javascript: in {tag}");
        assert!(!t.contains("data:image"), "live data: URL in {tag}");
        assert!(
            !t.contains("onclick") && !t.contains("onload"),
            "handler in {tag}"
        );
    }
    assert!(!page.contains("<script>alert"), "a live script");
    for word in ["'block'", "'md'", "'attr'", "'img'"] {
        // Either gone or shown as text, never inside a script or an attribute.
        if let Some(at) = page.find(&format!("alert({word})")) {
            let before = &page[..at];
            let open = before.rfind('<').unwrap_or(0);
            assert!(before[open..].contains('>'), "{word} is inside a tag");
            assert!(
                !before.to_lowercase()[open..].starts_with("<script"),
                "{word}"
            );
        }
    }
}

#[test]
fn cstate_import_writes_nothing_when_any_issue_is_bad() {
    let long = format!("2026-11-20-{}.md", "very-long-title-".repeat(9));
    let cases: Vec<(&str, String, String)> = vec![
        (
            "newline",
            "2026-11-20-a\nb.md".into(),
            "control character".into(),
        ),
        ("too long", long, "bytes long".into()),
        (
            "track",
            "2026-11-20-track.md".into(),
            "is not a date".into(),
        ),
        (
            "collision",
            "2026-11-20 API Down.md".into(),
            "would both become".into(),
        ),
    ];
    for (what, name, expect) in cases {
        let site = cstate_site();
        let issues = site.tmp().join("issues");
        fs::create_dir_all(&issues).unwrap();
        fs::write(issues.join("2026-11-19-fine.md"), issue("Fine", "ok\n")).unwrap();
        fs::write(issues.join("2026-11-20-api-down.md"), issue("Down", "ok\n")).unwrap();
        let body = if what == "track" {
            "{{< track \"<img src=x onerror=alert(1)>\" >}}\n"
        } else {
            "text\n"
        };
        fs::write(issues.join(&name), issue("Bad", body)).unwrap();
        let before = snapshot(&site.root);
        let run = import(&site, &issues);
        run.assert_failed().assert_stderr_has(&[&expect]);
        assert!(
            !run.stderr.contains("a\nb.md"),
            "{what}: a raw newline printed"
        );
        assert_eq!(
            snapshot(&site.root),
            before,
            "{what}: something was written"
        );
    }
}
