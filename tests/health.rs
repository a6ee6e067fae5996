//! The health feed end to end: status from checks, staleness, uptime figures, bad lines.

mod common;

use common::{Site, read_text, run_at, snapshot};
use serde_json::Value;

/// 2026-11-21T00:00:00Z: the test day 2026-11-20 (UTC) is complete.
const NOW: i64 = 1_795_219_200;
/// 2026-11-20T00:00:00Z.
const DAY: i64 = 1_795_132_800;

const SITE_YAML: &str = "title: Test Status
base_url: https://status.test/
timezone: UTC
contact:
  - { label: Mail us, url: \"mailto:ops@test\" }
components:
  - { id: web, name: Website, checks: [web-http] }
  - { id: database, name: Database, checks: [db-primary] }
health:
  stale_after: 15m
  history_days: 3
";

fn iso(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// One result per minute for `check` over [from, to), down where `down(minute)` says so.
fn minutes(check: &str, from: i64, to: i64, down: impl Fn(i64) -> bool) -> String {
    let mut out = String::new();
    let mut t = from;
    while t < to {
        let m = (t - DAY) / 60;
        let ok = !down(m);
        out.push_str(&format!(
            "{{\"check\":\"{check}\",\"at\":\"{}\",\"ok\":{ok},\"latency_ms\":{}}}\n",
            iso(t),
            80 + m % 5
        ));
        t += 60;
    }
    out
}

fn site_with_feed(feed: &str) -> Site {
    let site = Site::empty();
    site.write("content/site.yaml", SITE_YAML);
    site.write("content/health/feed.jsonl", feed);
    site
}

fn uptime_json(site: &Site, id: &str) -> Value {
    common::uptime_report(&site.root.join("public"), id)
}

/// The string `key` of every object in the array `list`.
fn texts<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap())
        .collect()
}

fn day<'a>(report: &'a Value, date: &str) -> &'a Value {
    report["days"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["date"] == date)
        .unwrap()
}

/// Both checks report every minute of 2026-11-20; the database is down 03:12–03:48.
fn outage_feed() -> String {
    let mut feed = minutes("web-http", DAY, NOW, |_| false);
    feed.push_str(&minutes("db-primary", DAY, NOW, |m| {
        (192..228).contains(&m)
    }));
    feed
}

#[test]
fn a_36_minute_outage_gives_97_50_and_fresh_data_reads_operational() {
    let site = site_with_feed(&outage_feed());
    run_at(site.tmp(), NOW, ["build", "--root", "site"]).assert_ok();
    let db = uptime_json(&site, "database");
    let d = day(&db, "2026-11-20");
    assert_eq!(d["uptime"], 97.5);
    assert_eq!(d["down_minutes"], 36.0);
    assert_eq!(d["observed_minutes"], 1440.0);
    assert_eq!(d["latency_p50_ms"], 82);
    assert_eq!(
        db["days"].as_array().unwrap().len(),
        3,
        "history_days of them"
    );
    assert_eq!(
        day(&db, "2026-11-19")["uptime"],
        Value::Null,
        "no results: no data"
    );
    assert_eq!(db["windows"]["24h"], 97.5);
    assert_eq!(db["status"], "operational");
    assert_eq!(db["last_result_at"], "2026-11-20T23:59:00Z");
    assert_eq!(db["generated_at"], "2026-11-21T00:00:00Z");
    let csv = site.read("public/api/uptime/database.csv");
    assert!(csv.starts_with("date,uptime,down_minutes,"), "{csv}");
    assert!(
        csv.contains("\n2026-11-20,97.50,36,0,0,0,1440,82,84\n"),
        "{csv}"
    );
    // The per-component files hold complete days only: the day begun at the build's
    // midnight, and everything that moves with time, are in api/uptime.json.
    assert!(
        csv.ends_with("\n2026-11-20,97.50,36,0,0,0,1440,82,84\n"),
        "{csv}"
    );
    let history: Value =
        serde_json::from_str(&site.read("public/api/uptime/database.json")).unwrap();
    assert_eq!(
        texts(&history["days"], "date"),
        ["2026-11-19", "2026-11-20"]
    );
    let keys: Vec<&String> = history.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["component", "days", "name"], "{history}");
    let present: Value = serde_json::from_str(&site.read("public/api/uptime.json")).unwrap();
    assert_eq!(present["generated_at"], "2026-11-21T00:00:00Z");
    assert_eq!(
        texts(&present["components"], "component"),
        ["web", "database"],
        "site order: {present}"
    );
    let live = &present["components"][1];
    assert_eq!(live["today"]["date"], "2026-11-21", "{live}");
    assert_eq!(live["windows"]["24h"], 97.5, "{live}");
    assert_eq!(live["status"], "operational");
    let home = site.read("public/index.html");
    assert!(
        home.contains("All Systems Operational"),
        "every component fresh and up"
    );
    // The home bar carries the day's words (the script adds the date from data-from);
    // the component page's day table has the day at its own address.
    assert!(home.contains("<i>97.50% uptime, 36 min down</i>"), "{home}");
    let page = site.read("public/components/database/index.html");
    let row = page
        .split("<tr id=\"2026-11-20\">")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("a day-table row with id 2026-11-20");
    assert!(row.contains("97.50%") && row.contains("36 min"), "{row}");
}

#[test]
fn stale_data_reads_unknown_never_all_operational() {
    // Results end at 20:00; now is midnight: older than stale_after.
    let mut feed = minutes("web-http", DAY, NOW - 4 * 3600, |_| false);
    feed.push_str(&minutes("db-primary", DAY, NOW, |_| false));
    let site = site_with_feed(&feed);
    run_at(site.tmp(), NOW, ["build", "--root", "site"]).assert_ok();
    let home = site.read("public/index.html");
    assert!(
        !home.contains("All Systems Operational"),
        "stale data must not read as all good"
    );
    assert!(home.contains("Status Unknown: Monitoring Data Is Stale"));
    assert!(home.contains("Status unknown"));
    assert!(
        home.contains("Last check: 4 h ago"),
        "the page says when data was last seen"
    );
    assert!(home.contains("datetime=\"2026-11-20T19:59:00Z\""));
    assert_eq!(uptime_json(&site, "web")["status"], "unknown");
}

#[test]
fn failing_checks_without_an_incident_are_flagged() {
    let mut feed = minutes("web-http", DAY, NOW, |_| false);
    feed.push_str(&minutes("db-primary", DAY, NOW - 600, |_| false));
    feed.push_str(&format!(
        "{{\"check\":\"db-primary\",\"at\":\"{}\",\"ok\":false,\"message\":\"<script>alert(1)</script> refused\"}}\n",
        iso(NOW - 300)
    ));
    let site = site_with_feed(&feed);
    let run = run_at(site.tmp(), NOW, ["build", "--root", "site"]);
    run.assert_ok()
        .assert_stderr_has(&["component `database`", "post an incident?"]);
    let home = site.read("public/index.html");
    assert!(home.contains("Problem detected by monitoring"));
    assert!(home.contains("Major System Outage"));
    // Feed text is untrusted: escaped wherever it is shown, raw nowhere.
    for (path, bytes) in snapshot(&site.public()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("<script>alert(1)"),
            "raw feed text in {path}"
        );
    }
    assert!(
        home.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; refused")
            || home.contains("&lt;script&gt;alert(1)&lt;/script&gt; refused")
    );
}

#[test]
fn maintenance_hides_failures_and_incidents_count_for_components_without_data() {
    let mut feed = minutes("web-http", DAY, NOW, |m| (60..120).contains(&m));
    feed.push_str(&minutes("db-primary", DAY, NOW, |_| false));
    let site = site_with_feed(&feed);
    site.write(
        "content/maintenance/web-work.md",
        "---\ntitle: Web work\ncomponents: [web]\nscheduled_start: 2026-11-20T01:00:00Z\nscheduled_end: 2026-11-20T02:00:00Z\n---\n",
    );
    run_at(site.tmp(), NOW, ["build", "--root", "site"]).assert_ok();
    let d = day(&uptime_json(&site, "web"), "2026-11-20").clone();
    assert_eq!(d["maintenance_minutes"], 60.0);
    assert_eq!(d["down_minutes"], 0.0);
    assert_eq!(d["uptime"], 100.0);
}

#[test]
fn repeated_results_keep_the_worst_and_arrays_are_read() {
    let t = iso(NOW - 120);
    let feed = format!(
        "[{{\"check\":\"web-http\",\"at\":\"{t}\",\"ok\":true}},{{\"check\":\"web-http\",\"at\":\"{t}\",\"ok\":false}},\n {{\"check\":\"db-primary\",\"at\":\"{t}\",\"ok\":true}}]"
    );
    let site = Site::empty();
    site.write("content/site.yaml", SITE_YAML);
    site.write("content/health/export.json", feed);
    run_at(site.tmp(), NOW, ["build", "--root", "site"]).assert_ok();
    assert_eq!(uptime_json(&site, "web")["status"], "major_outage");
    assert_eq!(uptime_json(&site, "database")["status"], "operational");
}

#[test]
fn bad_feed_lines_name_file_and_line_and_write_nothing() {
    let good = outage_feed();
    let site = site_with_feed(&good);
    run_at(site.tmp(), NOW, ["build", "--root", "site"]).assert_ok();
    let before = snapshot(&site.public());
    let long = format!(
        "{{\"check\":\"web-http\",\"message\":\"{}\"}}",
        "x".repeat((1 << 20) + 10)
    );
    let cases: [(&str, &[&str]); 7] = [
        (
            "not json at all",
            &["content/health/feed.jsonl:2:", "not valid JSON"],
        ),
        (
            "{\"check\":\"web-http\",\"ok\":true}",
            &["feed.jsonl:2:", "field `at`", "missing"],
        ),
        (
            "{\"check\":\"web-http\",\"at\":\"yesterday\",\"ok\":true}",
            &["feed.jsonl:2:", "field `at`", "not a valid timestamp"],
        ),
        (
            "{\"check\":\"web-http\",\"at\":\"2026-11-20T03:00:00\",\"ok\":true}",
            &["feed.jsonl:2:", "field `at`", "no UTC offset"],
        ),
        (
            "{\"check\":\"web-http\",\"at\":\"2026-11-20T03:00:00Z\",\"ok\":\"yes\"}",
            &["feed.jsonl:2:", "field `ok`"],
        ),
        (
            "{\"check\":\"web-http\",\"at\":\"2026-11-20T03:00:00Z\",\"ok\":true,\"latency_ms\":-4}",
            &["feed.jsonl:2:", "field `latency_ms`"],
        ),
        (&long, &["feed.jsonl:2:", "longer than 1 MiB"]),
    ];
    for (bad, expected) in cases {
        let first = good.lines().next().unwrap();
        site.write(
            "content/health/feed.jsonl",
            format!("{first}\n{bad}\n{good}"),
        );
        let run = run_at(site.tmp(), NOW, ["build", "--root", "site"]);
        run.assert_failed().assert_stderr_has(expected);
        assert_eq!(
            snapshot(&site.public()),
            before,
            "public/ changed after a failed build ({bad:.40})"
        );
    }
    // `check` reports every bad line, not just the first.
    site.write("content/health/feed.jsonl", "nope\n{}\n[1]\n");
    run_at(site.tmp(), NOW, ["check", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["feed.jsonl:1:", "feed.jsonl:2:", "feed.jsonl:3:"]);
}

#[test]
fn unknown_checks_and_future_results_are_warnings() {
    let mut feed = outage_feed();
    feed.push_str(&format!(
        "{{\"check\":\"mystery\",\"at\":\"{}\",\"ok\":true}}\n",
        iso(NOW - 60)
    ));
    feed.push_str(&format!(
        "{{\"check\":\"web-http\",\"at\":\"{}\",\"ok\":false}}\n",
        iso(NOW + 3600)
    ));
    let site = site_with_feed(&feed);
    run_at(site.tmp(), NOW, ["build", "--root", "site"])
        .assert_ok()
        .assert_stderr_has(&["check `mystery`", "dated after the build time"]);
    assert_eq!(
        uptime_json(&site, "web")["status"],
        "operational",
        "a future result is ignored"
    );
}

#[test]
fn the_example_feed_builds_with_figures() {
    let site = Site::example();
    // The example feed ends at 2026-11-28T09:00Z.
    run_at(
        site.tmp(),
        common::EXAMPLE_FEED_END,
        ["build", "--root", "site"],
    )
    .assert_ok();
    let db = uptime_json(&site, "database");
    assert_eq!(db["status"], "operational");
    let outage = day(&db, "2026-11-20");
    assert!(
        outage["down_minutes"].as_f64().unwrap() >= 388.0,
        "the incident counts: {outage}"
    );
    let uploads = uptime_json(&site, "uploads");
    assert_eq!(
        uploads["status"], "unknown",
        "its monitor stopped reporting"
    );
    let _ = read_text(&site.public().join("components/database/index.html"));
}

#[test]
fn a_single_fresh_result_is_one_observed_minute_not_ninety_full_days() {
    // Build at 12:00:20; the only result is 10 s old, in the minute still in progress.
    let now = DAY + 12 * 3600 + 20;
    let feed = format!(
        "{{\"check\":\"web-http\",\"at\":\"{}\",\"ok\":true}}\n{{\"check\":\"db-primary\",\"at\":\"{}\",\"ok\":true}}\n",
        iso(now - 10),
        iso(now)
    );
    let site = site_with_feed(&feed);
    let run = run_at(site.tmp(), now, ["build", "--root", "site"]);
    run.assert_ok();
    assert!(
        !run.stderr.contains("dated after the build time"),
        "a result in the build's own second is not in the future:\n{run}"
    );
    for id in ["web", "database"] {
        let report = uptime_json(&site, id);
        assert_eq!(report["status"], "operational", "{id}");
        let days = report["days"].as_array().unwrap();
        let (today, earlier) = days.split_last().unwrap();
        assert_eq!(today["date"], "2026-11-20");
        assert_eq!(today["observed_minutes"], 1.0, "{id}: {today}");
        assert_eq!(today["uptime"], 100.0);
        for d in earlier {
            assert_eq!(d["uptime"], Value::Null, "{id}: no data before: {d}");
            assert_eq!(d["observed_minutes"], 0.0, "{id}: {d}");
        }
        assert_eq!(report["windows"]["90d"], 100.0);
    }
}

#[test]
fn a_final_line_without_a_newline_is_skipped_with_a_warning() {
    let mut feed = outage_feed();
    // A writer caught mid-line: the result is not written yet, so it must not count.
    feed.push_str(&format!(
        "{{\"check\":\"web-http\",\"at\":\"{}\",\"ok\":fal",
        iso(NOW - 30)
    ));
    let site = site_with_feed(&feed);
    let run = run_at(site.tmp(), NOW, ["build", "--root", "site"]);
    run.assert_ok()
        .assert_stderr_has(&["warning: content/health/feed.jsonl:2881:", "no line end"]);
    assert_eq!(uptime_json(&site, "web")["status"], "operational");
    // The same line completed is read like any other.
    feed.push_str("se}\n");
    site.write("content/health/feed.jsonl", &feed);
    let run = run_at(site.tmp(), NOW, ["build", "--root", "site"]);
    assert!(!run.assert_ok().stderr.contains("no line end"), "{run}");
    assert_eq!(uptime_json(&site, "web")["status"], "major_outage");
}

#[test]
fn feed_files_older_than_the_window_are_not_read() {
    let site = site_with_feed(&outage_feed());
    // Unreadable garbage in files that cannot hold a result inside the window: a
    // monthly probe file of a month long gone, and any file last written before it.
    site.write("content/health/probe-2025-01.jsonl", "not json\n");
    site.write("content/health/old-export.jsonl", "not json\n");
    let old = std::time::UNIX_EPOCH + std::time::Duration::from_secs((DAY - 200 * 86400) as u64);
    std::fs::File::options()
        .write(true)
        .open(site.path("content/health/old-export.jsonl"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    run_at(site.tmp(), NOW, ["build", "--root", "site"]).assert_ok();
    assert_eq!(uptime_json(&site, "database")["status"], "operational");
    // The current month's file is read (and its garbage is an error).
    site.write("content/health/probe-2026-11.jsonl", "not json\n");
    run_at(site.tmp(), NOW, ["build", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["probe-2026-11.jsonl:1:", "not valid JSON"]);
}
