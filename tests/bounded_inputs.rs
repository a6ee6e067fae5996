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

/// An incident with `n` updates a minute apart; every 1000th update repeats the time
/// and status of the one before, so repeat keys (`…/2`) are exercised at scale.
fn long_incident(n: usize) -> String {
    let start = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap();
    let mut p = String::from(
        "---\ntitle: Long\nimpact: minor\ncomponents: [web]\nstarted: 2026-01-01T00:00:00Z\nresolved: 2026-11-01T00:00:00Z\nupdates:\n",
    );
    let mut minute = 0;
    for i in 0..n {
        if i % 1000 != 999 {
            minute += 1;
        }
        let at = (start + chrono::Duration::minutes(minute)).format("%Y-%m-%dT%H:%M:%SZ");
        p.push_str(&format!(
            "  - at: {at}\n    status: monitoring\n    text: Update number {i}.\n"
        ));
    }
    p.push_str("---\nBody.\n");
    p
}

#[test]
fn a_post_with_20000_updates_builds_with_every_update_once() {
    const N: usize = 20_000;
    let site = Site::fixture("tiny");
    site.write("content/incidents/long.md", long_incident(N));
    site.build(&[]).assert_ok();
    let page = common::read_text(&site.public().join("incidents/long/index.html"));
    assert_eq!(page.matches("<li class=\"u-monitoring\"").count(), N);
    for i in [0, 998, 999, N - 1] {
        assert_eq!(
            page.matches(&format!("Update number {i}.<")).count(),
            1,
            "update {i}"
        );
    }
    // The Statuspage API lists every update under its own stable id.
    let api: serde_json::Value = serde_json::from_str(&common::read_text(
        &site.public().join("api/v2/incidents.json"),
    ))
    .unwrap();
    let incident = api["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "Long")
        .expect("the long incident");
    let updates = incident["incident_updates"].as_array().unwrap();
    assert_eq!(updates.len(), N);
    let ids: std::collections::BTreeSet<&str> =
        updates.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), N, "update ids repeat");
}

#[test]
fn a_json_array_feed_record_over_1_mib_is_an_error_naming_its_line() {
    let site = Site::fixture("tiny");
    let config = site.read("content/site.yaml").replace(
        "{ id: web, name: Website }",
        "{ id: web, name: Website, checks: [web-http] }",
    );
    site.write("content/site.yaml", config);
    let ok = "{\"check\":\"web-http\",\"at\":\"2026-12-03T11:00:00Z\",\"ok\":true}";
    let huge = format!(
        "{{\"check\":\"web-http\",\"at\":\"2026-12-03T11:01:00Z\",\"ok\":false,\"message\":\"{}\"}}",
        "m".repeat(2 << 20)
    );
    site.write(
        "content/health/export.json",
        format!("[\n{ok},\n{ok},\n  {huge},\n{ok}\n]\n"),
    );
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed()
        .assert_stderr_has(&["error: content/health/export.json:4: record is longer than 1 MiB"]);
}

#[test]
fn dev_zero_as_import_input_is_an_error_at_once() {
    let site = Site::fixture("tiny");
    let started = std::time::Instant::now();
    let run = site.lantern(["import", "gatus", "/dev/zero", "--out", "x.jsonl"]);
    run.assert_failed()
        .assert_stderr_has(&["/dev/zero: invalid JSON at byte offset 0"]);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(!site.tmp().join("x.jsonl").exists());
}

#[test]
fn an_import_input_over_512_mib_is_refused_before_it_is_read() {
    let site = Site::fixture("tiny");
    let big = site.tmp().join("big.json");
    // Sparse: 513 MiB on paper, nothing on disk.
    let f = fs::File::create(&big).unwrap();
    use std::io::Write;
    (&f).write_all(b"[").unwrap();
    f.set_len(513 << 20).unwrap();
    drop(f);
    for format in ["gatus", "prometheus", "uptime-kuma"] {
        let run = site.lantern(["import", format, "big.json", "--out", "x.jsonl"]);
        run.assert_failed().assert_stderr_has(&[
            "big.json",
            "it holds more than 512 MiB, the most an import reads",
        ]);
    }
}
