//! Inputs that would make Lantern use unbounded time or memory: alias bombs in YAML,
//! oversized import inputs and feed records, posts with very many updates. Each must
//! give a clear error (or a correct site), never an out-of-memory kill.

mod common;

use common::Site;
use std::fs;

/// Front matter holding a 1 MB anchored scalar on file line 7 and `aliases` copies of it.
fn alias_bomb_post(aliases: usize) -> String {
    let mut p = String::from(
        "---\ntitle: Bomb\nimpact: minor\ncomponents: [web]\nstarted: 2026-11-01T10:00:00Z\nresolved: 2026-11-01T11:00:00Z\n",
    );
    p.push_str(&format!("note: &big {}\nupdates:\n", "x".repeat(1_000_000)));
    for _ in 0..aliases {
        p.push_str("  - at: 2026-11-01T10:05:00Z\n    status: investigating\n    text: *big\n");
    }
    p.push_str("---\nBody.\n");
    p
}

#[test]
fn an_alias_bomb_post_is_refused_at_its_anchor() {
    let site = Site::fixture("tiny");
    site.write("content/incidents/bomb.md", alias_bomb_post(400));
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed().assert_stderr_has(&[
        "error: content/incidents/bomb.md:7: aliases repeat the value anchored here",
        "its own size plus 16 MiB",
    ]);
}

#[test]
fn a_few_aliases_in_a_post_still_work() {
    let site = Site::fixture("tiny");
    let post = "---\ntitle: Anchors\nimpact: minor\ncomponents: &c [web]\nstarted: 2026-11-01T10:00:00Z\nresolved: 2026-11-01T11:00:00Z\nupdates:\n  - at: 2026-11-01T10:05:00Z\n    status: investigating\n    text: &t Looking into it.\n  - at: 2026-11-01T11:00:00Z\n    status: resolved\n    text: *t\n---\nBody.\n";
    site.write("content/incidents/anchors.md", post);
    site.build(&[]).assert_ok();
    let page = common::read_text(&site.public().join("incidents/anchors/index.html"));
    assert_eq!(page.matches("Looking into it.").count(), 2, "{page}");
}

#[test]
fn an_alias_bomb_in_site_yaml_is_refused() {
    let site = Site::fixture("tiny");
    let mut config = site.read("content/site.yaml");
    config.push_str(&format!(
        "x-big: &big {}\nx-copies:\n",
        "y".repeat(1_000_000)
    ));
    let anchor_line = config.lines().count() - 1;
    for _ in 0..400 {
        config.push_str("  - *big\n");
    }
    site.write("content/site.yaml", config);
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed().assert_stderr_has(&[&format!(
        "error: content/site.yaml:{anchor_line}: aliases repeat the value anchored here"
    )]);
}

#[test]
fn an_alias_bomb_in_a_cstate_issue_is_refused() {
    let site = Site::fixture("tiny");
    let issues = site.tmp().join("issues");
    fs::create_dir_all(&issues).unwrap();
    let mut issue = format!(
        "---\ntitle: Bomb\ndate: 2026-11-01T10:00:00Z\nseverity: down\nx: &big {}\naffected:\n",
        "z".repeat(1_000_000)
    );
    for _ in 0..400 {
        issue.push_str("  - *big\n");
    }
    issue.push_str("---\nBody.\n");
    fs::write(issues.join("bomb.md"), issue).unwrap();
    let run = site.lantern(["import", "cstate", "issues", "--out", "site/content"]);
    run.assert_failed()
        .assert_stderr_has(&["bomb.md:5: front matter: aliases repeat the value anchored here"]);
}
