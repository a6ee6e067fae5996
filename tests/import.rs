//! `lantern import`: each format's fixture imports, and a site built from the
//! result shows the fixture's known outage in `api/uptime/<id>.json`.

mod common;

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Midnight UTC, 2026-11-20: the fixtures' outages are on this day and the two before.
const NOV_20: i64 = 1_795_132_800;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

struct Run {
    ok: bool,
    stdout: String,
    stderr: String,
}

/// Run the real binary in `cwd` with `SOURCE_DATE_EPOCH=epoch`.
fn lantern(cwd: &Path, epoch: i64, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .output()
        .expect("run lantern");
    let run = Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "lantern panicked:\n{}",
        run.stderr
    );
    run
}

fn ok(cwd: &Path, epoch: i64, args: &[&str]) -> Run {
    let r = lantern(cwd, epoch, args);
    assert!(r.ok, "lantern {args:?} failed:\n{}\n{}", r.stdout, r.stderr);
    r
}

fn failed(cwd: &Path, args: &[&str]) -> Run {
    let r = lantern(cwd, NOV_20, args);
    assert!(!r.ok, "lantern {args:?} should fail:\n{}", r.stdout);
    r
}

/// A site in a temp dir: UTC, three history days, one component `svc` listing `checks`.
fn site(checks: &[&str], stale_after: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("content")).unwrap();
    fs::write(
        dir.path().join("content/site.yaml"),
        format!(
            "title: Import test\nbase_url: https://status.example.test/\ntimezone: UTC\ncomponents:\n  - {{ id: svc, name: Service, checks: [{}] }}\nhealth:\n  stale_after: {stale_after}\n  history_days: 3\n",
            checks.join(", ")
        ),
    )
    .unwrap();
    dir
}

/// Build at `epoch`; per day of component `svc`: (down minutes, observed minutes).
fn uptime_days(root: &Path, epoch: i64) -> BTreeMap<String, (f64, f64)> {
    ok(root, epoch, &["build"]);
    let doc = common::uptime_report(&root.join("public"), "svc");
    doc["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["date"].as_str().unwrap().to_string(),
                (
                    d["down_minutes"].as_f64().unwrap(),
                    d["observed_minutes"].as_f64().unwrap(),
                ),
            )
        })
        .collect()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn gatus_outage_reaches_the_uptime_api() {
    // core_api fails at 10:00, 10:05 and 10:10 with a 5-minute interval: 15 minutes.
    let s = site(&["core_api"], "5m");
    let input = fixture("gatus-statuses.json");
    let r = ok(s.path(), NOV_20, &["import", "gatus", path(&input)]);
    assert!(r.stdout.contains("core_api: 48 results"), "{}", r.stdout);
    // Right after the last result (11:55:07).
    let days = uptime_days(s.path(), NOV_20 + 11 * 3600 + 56 * 60 + 7);
    assert_eq!(days["2026-11-20"].0, 15.0, "{days:?}");
    assert_eq!(days["2026-11-19"], (0.0, 0.0), "no data before the fixture");
}

#[test]
fn uptime_kuma_counts_pending_as_down_and_skips_maintenance() {
    // Web App: 4 down + 2 pending beats at 60 s = 6 minutes; one maintenance beat
    // is neither: with stale_after 1m its minute has no data.
    let s = site(&["web-app"], "1m");
    let input = fixture("kuma-heartbeat.json");
    let names = fixture("kuma-status-page.json");
    let r = ok(
        s.path(),
        NOV_20,
        &[
            "import",
            "uptime-kuma",
            path(&input),
            "--names",
            path(&names),
        ],
    );
    assert!(r.stdout.contains("web-app: 89 results"), "{}", r.stdout);
    assert!(r.stdout.contains("2 pending beats counted as down"));
    let days = uptime_days(s.path(), NOV_20 + 11 * 3600 + 30 * 60 + 3);
    assert_eq!(days["2026-11-20"], (6.0, 89.0), "{days:?}");
}

#[test]
fn uptime_kuma_without_names_uses_monitor_ids() {
    let s = site(&["kuma-1"], "1m");
    let input = fixture("kuma-heartbeat.json");
    let r = ok(s.path(), NOV_20, &["import", "uptime-kuma", path(&input)]);
    assert!(r.stdout.contains("kuma-1: 89 results"), "{}", r.stdout);
}

#[test]
fn upptime_daily_minutes_are_reproduced_exactly() {
    let s = site(&["website"], "5m");
    let input = fixture("upptime");
    let r = ok(s.path(), NOV_20, &["import", "upptime", path(&input)]);
    assert!(r.stdout.contains("start of the UTC day"), "{}", r.stdout);
    // lastUpdated is 10:03:12; build a minute later.
    let now = NOV_20 + 10 * 3600 + 4 * 60 + 12;
    let days = uptime_days(s.path(), now);
    assert_eq!(days["2026-11-18"], (0.0, 1440.0), "{days:?}");
    assert_eq!(days["2026-11-19"], (37.0, 1440.0), "{days:?}");
    assert_eq!(days["2026-11-20"].0, 0.0, "{days:?}");

    // `api` is down now: 7 reconstructed minutes plus the current down result, which
    // covers 10:03 and the minute in progress (10:04, on the grid since issue 13).
    fs::write(
        s.path().join("content/site.yaml"),
        fs::read_to_string(s.path().join("content/site.yaml"))
            .unwrap()
            .replace("[website]", "[api]"),
    )
    .unwrap();
    let days = uptime_days(s.path(), now);
    assert_eq!(days["2026-11-18"].0, 12.0, "{days:?}");
    assert_eq!(days["2026-11-20"], (9.0, 605.0), "{days:?}");
}

#[test]
fn prometheus_outage_and_missing_steps() {
    // example.com: probe_success 0 for ten 60 s steps; five steps missing stay no data.
    let s = site(&["https-example-com"], "1m");
    let input = fixture("prometheus-probe-success.json");
    let latency = fixture("prometheus-probe-duration.json");
    ok(
        s.path(),
        NOV_20,
        &[
            "import",
            "prometheus",
            path(&input),
            "--latency",
            path(&latency),
        ],
    );
    let feed = fs::read_to_string(s.path().join("content/health/prometheus.jsonl")).unwrap();
    assert!(
        feed.contains(r#"{"check":"https-example-com","at":"2026-11-20T09:00:00.500Z","ok":true,"latency_ms":50}"#),
        "{feed}"
    );
    let days = uptime_days(s.path(), NOV_20 + 10 * 3600 + 60);
    assert_eq!(days["2026-11-20"], (10.0, 56.0), "{days:?}");
}

#[test]
fn appending_the_same_data_twice_is_byte_identical() {
    let s = site(&["x"], "5m");
    let cases: [(&str, PathBuf, Vec<String>); 4] = [
        ("gatus", fixture("gatus-statuses.json"), vec![]),
        (
            "uptime-kuma",
            fixture("kuma-heartbeat.json"),
            vec![
                "--names".into(),
                path(&fixture("kuma-status-page.json")).into(),
            ],
        ),
        ("upptime", fixture("upptime"), vec![]),
        (
            "prometheus",
            fixture("prometheus-probe-success.json"),
            vec![
                "--latency".into(),
                path(&fixture("prometheus-probe-duration.json")).into(),
            ],
        ),
    ];
    for (format, input, extra) in &cases {
        let out = s.path().join(format!("content/health/{format}.jsonl"));
        let mut args = vec!["import", format, path(input), "--append"];
        args.extend(extra.iter().map(String::as_str));
        ok(s.path(), NOV_20, &args);
        let first = fs::read(&out).unwrap();
        let r = ok(s.path(), NOV_20, &args);
        assert!(r.stdout.contains("(0 new,"), "{format}: {}", r.stdout);
        assert_eq!(
            fs::read(&out).unwrap(),
            first,
            "{format}: second append changed the file"
        );
        // Without --append the file is replaced by the same sorted content.
        let plain: Vec<&str> = args.iter().copied().filter(|a| *a != "--append").collect();
        ok(s.path(), NOV_20, &plain);
        assert_eq!(
            fs::read(&out).unwrap(),
            first,
            "{format}: not deterministic"
        );
    }
    // Every line is a valid feed record: `check` accepts the files.
    let r = ok(s.path(), NOV_20 + 86_400, &["check"]);
    assert!(r.stdout.starts_with("ok:"), "{}", r.stdout);
}

/// The feed file and folder exactly as they were: same bytes, no temp files.
fn assert_untouched(dir: &Path, file: &Path, before: &[u8]) {
    assert_eq!(fs::read(file).unwrap(), before, "the output file changed");
    let names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["feed.jsonl"], "leftover files: {names:?}");
}

#[test]
fn wrong_format_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feed.jsonl");
    let before = b"{\"check\":\"a\",\"at\":\"2026-11-20T00:00:00Z\",\"ok\":true}\n";
    fs::write(&out, before).unwrap();
    let kuma = fixture("kuma-heartbeat.json");
    for append in [false, true] {
        let mut args = vec!["import", "gatus", path(&kuma), "--out", path(&out)];
        if append {
            args.push("--append");
        }
        let r = failed(dir.path(), &args);
        assert!(
            r.stderr
                .contains("this looks like Uptime Kuma heartbeat JSON")
                && r.stderr.contains("try `lantern import uptime-kuma`"),
            "{}",
            r.stderr
        );
        assert_untouched(dir.path(), &out, before);
    }
    let gatus = fixture("gatus-statuses.json");
    let r = failed(
        dir.path(),
        &["import", "prometheus", path(&gatus), "--out", path(&out)],
    );
    assert!(
        r.stderr
            .contains("this looks like Gatus endpoint statuses JSON"),
        "{}",
        r.stderr
    );
    let r = failed(
        dir.path(),
        &["import", "uptime-kuma", path(&kuma), "--names", path(&kuma)],
    );
    assert!(
        r.stderr.contains("Uptime Kuma status-page JSON"),
        "{}",
        r.stderr
    );
    assert_untouched(dir.path(), &out, before);
}

#[test]
fn truncated_json_names_the_byte_offset_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feed.jsonl");
    let before = b"{\"check\":\"a\",\"at\":\"2026-11-20T00:00:00Z\",\"ok\":true}\n";
    fs::write(&out, before).unwrap();
    let full = fs::read(fixture("gatus-statuses.json")).unwrap();
    let input = tempfile::NamedTempFile::new().unwrap();
    fs::write(input.path(), &full[..4321]).unwrap();
    let r = failed(
        dir.path(),
        &[
            "import",
            "gatus",
            path(input.path()),
            "--out",
            path(&out),
            "--append",
        ],
    );
    assert!(
        r.stderr.contains("ends early at byte offset 4321") && r.stderr.contains("truncated"),
        "{}",
        r.stderr
    );
    assert_untouched(dir.path(), &out, before);
    // A syntax error points at the offending byte.
    let key = b"\"success\": ";
    let at = full.windows(key.len()).position(|w| w == key).unwrap() + key.len();
    let mut bad = full.clone();
    bad[at] = b'x';
    fs::write(input.path(), &bad).unwrap();
    let r = failed(
        dir.path(),
        &["import", "gatus", path(input.path()), "--out", path(&out)],
    );
    assert!(
        r.stderr
            .contains(&format!("invalid JSON at byte offset {at} ")),
        "{at}: {}",
        r.stderr
    );
    assert_untouched(dir.path(), &out, before);
}

#[test]
fn flags_of_other_formats_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("gatus-statuses.json");
    let r = failed(
        dir.path(),
        &["import", "gatus", path(&input), "--timezone", "UTC"],
    );
    assert!(
        r.stderr
            .contains("--timezone does not apply to `lantern import gatus`"),
        "{}",
        r.stderr
    );
    let r = failed(
        dir.path(),
        &["import", "gatus", path(&input), "--out", "x.json"],
    );
    assert!(r.stderr.contains("must be a `.jsonl` file"), "{}", r.stderr);
    assert!(!dir.path().join("x.json").exists());
    let r = failed(
        dir.path(),
        &["import", "gatus", path(&input), "--as-of", "now"],
    );
    assert!(
        r.stderr
            .contains("--as-of does not apply to `lantern import gatus` (only to: upptime)"),
        "{}",
        r.stderr
    );
}

/// A site for the cState posts: the components the fixture's systems map to.
fn cstate_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("content")).unwrap();
    fs::write(
        dir.path().join("content/site.yaml"),
        "title: cState import\nbase_url: https://status.example.test/\ntimezone: UTC\ncomponents:\n  - { id: api, name: API }\n  - { id: media, name: Media }\n  - { id: gateway, name: Gateway }\n",
    )
    .unwrap();
    dir
}

/// 2026-11-20T12:00:00Z: after every fixture issue but the upcoming maintenance.
const CSTATE_NOW: i64 = NOV_20 + 12 * 3600;

#[test]
fn cstate_issues_become_posts_that_check_and_build() {
    let s = cstate_site();
    let issues = fixture("cstate-issues");
    let args = [
        "import",
        "cstate",
        path(&issues),
        "--timezone",
        "Europe/Berlin",
        "--component",
        "Media Proxy=media",
    ];
    let r = ok(s.path(), CSTATE_NOW, &args);
    let out = &r.stdout;
    assert!(
        out.contains("3 incidents, 1 maintenance, 1 news (5 written, 0 unchanged)"),
        "{out}"
    );
    assert!(
        out.contains("\"Media Proxy\" → media (--component)"),
        "{out}"
    );
    assert!(
        out.contains("\"Gateway\" → gateway (name in site.yaml)"),
        "{out}"
    );
    assert!(out.contains("`pin` has no Lantern equivalent"), "{out}");
    assert!(
        !out.contains("not in content/site.yaml"),
        "all ids are in site.yaml: {out}"
    );

    let c = ok(s.path(), CSTATE_NOW, &["check"]);
    assert!(c.stdout.contains("5 posts (0 drafts)"), "{}", c.stdout);
    ok(s.path(), CSTATE_NOW, &["build"]);
    let page = |p: &str| {
        fs::read_to_string(s.path().join("public").join(p).join("index.html"))
            .unwrap_or_else(|e| panic!("{p}: {e}"))
    };
    let has = |p: &str, want: &[&str]| {
        let html = page(p);
        for w in want {
            assert!(html.contains(w), "{p} lacks {w:?}");
        }
    };
    // 15:54 and 17:30 in Berlin (CET, UTC+1) on 18 Nov.
    has(
        "incidents/2026-11-18-api-outage",
        &[
            "Major impact",
            r#"datetime="2026-11-18T14:54:00Z""#,
            r#"datetime="2026-11-18T16:30:00Z""#,
            "2026-11-18 16:30 UTC",
            "The database failover completed",
        ],
    );
    has(
        "incidents/2026-11-19-slow-uploads",
        &[
            "Minor impact",
            r#"datetime="2026-11-19T08:00:00Z""#,
            r#"datetime="2026-11-19T08:45:00Z""#,
        ],
    );
    has(
        "incidents/2026-11-20-login-errors",
        &[
            "Minor impact",
            "Not yet: ongoing",
            "Investigating",
            r#"datetime="2026-11-20T09:15:00Z""#,
        ],
    );
    has(
        "maintenance/2026-11-25-maintenance-window",
        &[
            "Scheduled maintenance",
            r#"datetime="2026-11-25T01:00:00Z""#,
            r#"datetime="2026-11-25T02:30:00Z""#,
        ],
    );
    has(
        "news/2026-11-10-new-region",
        &[r#"datetime="2026-11-10T11:00:00Z""#, "choose Frankfurt"],
    );

    // Re-importing is a no-op; an operator's own file of the same name is never replaced.
    let again = ok(s.path(), CSTATE_NOW, &args);
    assert!(
        again.stdout.contains("(0 written, 5 unchanged)"),
        "{}",
        again.stdout
    );
    let mine = s
        .path()
        .join("content/incidents/2026-11-19-slow-uploads.md");
    let edited = fs::read_to_string(&mine).unwrap().replacen(
        "# Imported from cState",
        "# edited by hand",
        1,
    );
    fs::write(&mine, &edited).unwrap();
    let news = s.path().join("content/news/2026-11-10-new-region.md");
    fs::write(
        &news,
        "---\n# Imported from cState (old)\ntitle: stale\n---\n",
    )
    .unwrap();
    let r = failed(s.path(), &args);
    assert!(
        r.stderr.contains("2026-11-19-slow-uploads.md"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(&mine).unwrap(), edited);
    assert!(
        fs::read_to_string(&news).unwrap().contains("title: stale"),
        "nothing written on conflict"
    );
}

#[test]
fn cstate_needs_a_timezone_for_local_dates() {
    let s = cstate_site();
    let issues = fixture("cstate-issues");
    let r = failed(s.path(), &["import", "cstate", path(&issues)]);
    assert!(
        r.stderr.contains("have no UTC offset") && r.stderr.contains("--timezone"),
        "{}",
        r.stderr
    );
    assert!(
        !s.path().join("content/incidents").exists(),
        "nothing written"
    );
    let r = failed(
        s.path(),
        &[
            "import",
            "cstate",
            path(&issues),
            "--timezone",
            "Mars/Olympus",
        ],
    );
    assert!(
        r.stderr.contains("unknown time zone `Mars/Olympus`"),
        "{}",
        r.stderr
    );
}

#[test]
fn cstate_leaves_out_systems_the_site_lacks_and_reports_flag_ids_it_lacks() {
    let s = cstate_site();
    let issues = fixture("cstate-issues");
    let import = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "cstate",
            path(&issues),
            "--timezone",
            "Europe/Berlin",
        ];
        args.extend(extra);
        ok(s.path(), CSTATE_NOW, &args)
    };
    // "Media Proxy" is neither a name nor an id in site.yaml (that is `Media`/`media`).
    let r = import(&[]);
    assert!(
        r.stdout.contains(
            "affected system `Media Proxy` matches no component in site.yaml (by name or id), so it is left out of 2026-11-18-api-outage.md, 2026-11-19-slow-uploads.md"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("2026-11-19-slow-uploads.md: none of its affected systems is a component of the site, but an incident needs a component"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("not in content/site.yaml"),
        "{}",
        r.stdout
    );
    let c = failed(s.path(), &["check"]);
    assert!(
        c.stderr
            .contains("2026-11-19-slow-uploads.md:5: field `components`: list at least one"),
        "{}",
        c.stderr
    );
    // An id given with --component is the operator's word: kept, and named if missing.
    let r = import(&["--component", "Media Proxy=media-proxy"]);
    assert!(
        r.stdout.contains("not in content/site.yaml: media-proxy"),
        "{}",
        r.stdout
    );
    let c = failed(s.path(), &["check"]);
    assert!(
        c.stderr.contains("unknown component `media-proxy`"),
        "{}",
        c.stderr
    );
}

/// A copy of fixture folder `name` in a fresh temp dir (outside any git checkout).
fn fixture_copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let dest = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &dest);
            } else {
                fs::copy(e.path(), &dest).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join(name);
    copy(&fixture(name), &dest);
    (dir, dest)
}

/// `api/v2/summary.json`'s page-level sentence after a build at `epoch`.
fn built_description(root: &Path, epoch: i64) -> String {
    ok(root, epoch, &["build"]);
    let text = fs::read_to_string(root.join("public/api/v2/summary.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["status"]["description"].as_str().unwrap().to_string()
}

/// 10:00 UTC on 2026-11-20: Upptime's last commit (07:15) is 2¾ hours old.
const UPPTIME_NOW: i64 = NOV_20 + 10 * 3600;

#[test]
fn upptime_javascript_dates_import_and_a_bad_file_is_skipped() {
    let (_keep, input) = fixture_copy("upptime-2020");
    let s = site(&["www"], "15m");
    let r = ok(
        s.path(),
        UPPTIME_NOW,
        &[
            "import",
            "upptime",
            path(&input),
            "--days",
            "3",
            "--as-of",
            "now",
        ],
    );
    let out = &r.stdout;
    assert!(out.contains("for 2 checks"), "{out}");
    // The one unreadable file is named, with the field and value; the rest imported.
    let skipped: Vec<&str> = out.lines().filter(|l| l.contains("skipped")).collect();
    assert_eq!(skipped.len(), 1, "{out}");
    assert!(
        skipped[0].contains("mail.yml") && skipped[0].contains("startTime"),
        "{out}"
    );
    // Outside-the-window days: one line per check, not one per day.
    let outside: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("outside the imported days"))
        .collect();
    assert_eq!(outside.len(), 1, "{out}");
    assert!(
        outside[0].contains("`www`: 3 days") && outside[0].contains("2026-08-10 to 2026-09-01"),
        "{out}"
    );
    assert!(
        out.contains("holds until 2026-11-20T10:00:00Z, from --as-of"),
        "{out}"
    );

    // Daily down minutes come out exact (built a minute after the import).
    let days = uptime_days(s.path(), UPPTIME_NOW + 60);
    assert_eq!(days["2026-11-18"], (4.0, 1440.0), "{days:?}");
    assert_eq!(days["2026-11-19"], (23.0, 1440.0), "{days:?}");
    assert_eq!(days["2026-11-20"].0, 0.0, "{days:?}");
    // The recorded status holds until the import: the site reads operational.
    assert_eq!(
        built_description(s.path(), UPPTIME_NOW + 60),
        "All Systems Operational"
    );

    // Without --as-of and outside a git checkout, lastUpdated (07:15) is the last
    // word: with stale_after 15m the status is unknown by 10:01, and the summary says why.
    let r = ok(
        s.path(),
        UPPTIME_NOW,
        &["import", "upptime", path(&input), "--days", "3"],
    );
    assert!(
        r.stdout
            .contains("holds only until its `lastUpdated` (the folder is not a git checkout)"),
        "{}",
        r.stdout
    );
    assert_eq!(
        built_description(s.path(), UPPTIME_NOW + 60),
        "Status Unknown: Monitoring Data Is Stale"
    );
}

#[test]
fn upptime_refuses_when_no_file_imports_and_future_as_of() {
    let (_keep, input) = fixture_copy("upptime-2020");
    for slug in ["www", "status-api"] {
        fs::write(
            input.join(format!("history/{slug}.yml")),
            "status: up\nlastUpdated: Fri Nov 20 2026 07:15:00 (no offset)\n",
        )
        .unwrap();
    }
    let s = site(&["www"], "15m");
    let r = failed(s.path(), &["import", "upptime", path(&input)]);
    assert!(
        r.stderr.contains("no Upptime site could be imported"),
        "{}",
        r.stderr
    );
    for f in ["www.yml", "status-api.yml", "mail.yml"] {
        assert!(r.stderr.contains(f), "{f}: {}", r.stderr);
    }
    assert!(!s.path().join("content/health/upptime.jsonl").exists());

    let (_keep2, good) = fixture_copy("upptime-2020");
    let r = failed(
        s.path(),
        &[
            "import",
            "upptime",
            path(&good),
            "--as-of",
            "2027-01-01T00:00:00Z",
        ],
    );
    assert!(r.stderr.contains("is in the future"), "{}", r.stderr);
}

#[test]
fn upptime_default_as_of_is_the_newest_commit_of_history() {
    let (_keep, input) = fixture_copy("upptime-2020");
    let git = |args: &[&str]| {
        Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.test"])
            .args(args)
            .current_dir(&input)
            .env("GIT_COMMITTER_DATE", "2026-11-20T09:30:00Z")
            .env("GIT_AUTHOR_DATE", "2026-11-20T09:30:00Z")
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .output()
    };
    // Git is optional for Lantern; without it this path cannot be shown.
    let Ok(init) = git(&["init", "-q"]) else {
        eprintln!("git not installed; skipped");
        return;
    };
    assert!(init.status.success());
    assert!(git(&["add", "history"]).unwrap().status.success());
    let c = git(&["commit", "-q", "-m", "status change"]).unwrap();
    assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
    let s = site(&["www"], "15m");
    let r = ok(s.path(), UPPTIME_NOW, &["import", "upptime", path(&input)]);
    assert!(
        r.stdout.contains(
            "holds until 2026-11-20T09:30:00Z, from the newest commit of history/, read with git"
        ),
        "{}",
        r.stdout
    );
    // 09:30 + 15m stale_after: operational at 09:40, unknown at 10:00.
    assert_eq!(
        built_description(s.path(), NOV_20 + 9 * 3600 + 40 * 60),
        "All Systems Operational"
    );
    assert_eq!(
        built_description(s.path(), UPPTIME_NOW),
        "Status Unknown: Monitoring Data Is Stale"
    );
}

#[test]
fn gatus_zero_time_is_skipped_with_one_note() {
    let s = site(&["edge_web"], "5m");
    let input = fixture("gatus-zero-time.json");
    let r = ok(s.path(), NOV_20, &["import", "gatus", path(&input)]);
    assert!(r.stdout.contains("edge_web: 2 results"), "{}", r.stdout);
    let notes: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("zero time"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", r.stdout);
    assert!(notes[0].contains("1 results"), "{}", r.stdout);
    let feed = fs::read_to_string(s.path().join("content/health/gatus.jsonl")).unwrap();
    assert_eq!(feed.lines().count(), 2);
    assert!(!feed.contains("0001-"));
}

#[test]
fn uptime_kuma_append_under_the_other_naming_is_refused() {
    let s = site(&["web-app"], "1m");
    let input = fixture("kuma-heartbeat.json");
    let names = fixture("kuma-status-page.json");
    let feed = s.path().join("content/health/uptime-kuma.jsonl");
    let with_names = [
        "import",
        "uptime-kuma",
        path(&input),
        "--names",
        path(&names),
        "--append",
    ];
    let without = ["import", "uptime-kuma", path(&input), "--append"];
    ok(s.path(), NOV_20, &with_names);
    let before = fs::read(&feed).unwrap();
    let r = failed(s.path(), &without);
    assert!(
        r.stderr.contains("already in the file as `web-app`")
            && r.stderr.contains("Nothing was written")
            && r.stderr.contains("pass the same --names file"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&feed).unwrap(), before, "nothing written");
    // The same naming again is a plain, idempotent append.
    ok(s.path(), NOV_20, &with_names);
    assert_eq!(fs::read(&feed).unwrap(), before);

    // And the other way round.
    fs::remove_file(&feed).unwrap();
    ok(s.path(), NOV_20, &without);
    let before = fs::read(&feed).unwrap();
    let r = failed(s.path(), &with_names);
    assert!(
        r.stderr.contains("as `kuma-1`") && r.stderr.contains("import again without --names"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&feed).unwrap(), before);
}

#[test]
fn cstate_automated_and_stale_issues_are_named() {
    let s = cstate_site();
    let issues = fixture("cstate-automated");
    let r = ok(s.path(), CSTATE_NOW, &["import", "cstate", path(&issues)]);
    let out = &r.stdout;
    assert!(
        out.contains("2026-11-01-probe-failed.md → ")
            && out.contains("(automated: opened by a monitor)"),
        "{out}"
    );
    let stale: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("unresolved for"))
        .collect();
    assert_eq!(stale.len(), 1, "only the old unresolved one: {out}");
    assert!(
        stale[0].contains("2026-11-01-probe-failed.md: unresolved for 19 days")
            && stale[0].contains("automated: true"),
        "{out}"
    );
    let post = fs::read_to_string(
        s.path()
            .join("content/incidents/2026-11-01-probe-failed.md"),
    )
    .unwrap();
    assert!(post.contains("Opened automatically by a monitor"), "{post}");
    assert!(post.contains("impact: minor"), "{post}");
}
