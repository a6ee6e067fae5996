//! The health cache is an optimisation only: whatever state `.lantern-cache/` is in
//! (valid, removed, garbage, truncated, someone else's, a link), a build gives the
//! same bytes as one that reads every feed file whole.

mod common;

use common::{Site, snapshot};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// 2026-11-28T09:00:00Z: the example feed ends five minutes before.
const T: i64 = 1_795_856_400;
const FEED: &str = "content/health/checks.jsonl";

fn cache_files(site: &Site) -> Vec<PathBuf> {
    let dir = site.path(".lantern-cache/health");
    let mut v: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn build(site: &Site, name: &str, epoch: i64) -> PathBuf {
    let out = site.tmp().join(name);
    site.build_into_at(&out, epoch).assert_ok();
    out
}

fn same(a: &Path, b: &Path, why: &str) {
    let (sa, sb) = (snapshot(a), snapshot(b));
    assert_eq!(sa.len(), sb.len(), "{why}: file count");
    for (k, v) in &sa {
        assert!(sb.get(k) == Some(v), "{why}: {k} differs");
    }
}

/// One probe-style round: a result for every check of the example, 30 s after `T`.
fn append_round(site: &Site, at: &str) {
    let checks: std::collections::BTreeSet<String> = site
        .read(FEED)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| v["check"].as_str().unwrap().to_string())
        .collect();
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(site.path(FEED))
        .unwrap();
    for c in checks {
        writeln!(
            f,
            r#"{{"check":"{c}","at":"{at}","ok":false,"message":"round <b>"}}"#
        )
        .unwrap();
    }
}

#[test]
fn a_removed_or_damaged_cache_gives_identical_output() {
    let site = Site::example();
    let fresh = build(&site, "fresh", T);
    let marker = site.path(".lantern-cache/CACHEDIR.TAG");
    assert!(
        fs::read_to_string(&marker)
            .unwrap()
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55"),
        "the cache folder is marked as a cache"
    );
    let entries = cache_files(&site);
    assert_eq!(entries.len(), 1, "one entry per feed file: {entries:?}");
    assert!(
        !site.tmp().join("fresh/.lantern-cache").exists(),
        "never in the output"
    );

    let cached = build(&site, "cached", T);
    same(&fresh, &cached, "valid cache");

    fs::remove_dir_all(site.path(".lantern-cache")).unwrap();
    let removed = build(&site, "removed", T);
    same(&fresh, &removed, "cache removed");
    let entry = cache_files(&site)
        .pop()
        .expect("the entry is written again");

    let good = fs::read(&entry).unwrap();
    fs::write(&entry, &good[..good.len() / 2]).unwrap();
    same(&fresh, &build(&site, "truncated", T), "truncated entry");

    let mut flipped = good.clone();
    let i = good.len() - 100;
    flipped[i] ^= 0x10;
    fs::write(&entry, &flipped).unwrap();
    same(&fresh, &build(&site, "flipped", T), "one bit flipped");

    fs::write(&entry, vec![0x5a; good.len()]).unwrap();
    same(&fresh, &build(&site, "garbage", T), "garbage entry");

    fs::write(&entry, b"").unwrap();
    same(&fresh, &build(&site, "empty", T), "empty entry");
    assert_eq!(
        fs::read(&entry).unwrap().len(),
        good.len(),
        "a bad entry is replaced"
    );
}

#[test]
fn appended_rounds_and_later_builds_match_a_full_read() {
    let site = Site::example();
    build(&site, "first", T);
    // Later, with nothing appended: the entry laid onto a later grid.
    let later = build(&site, "later", T + 3600);
    let cache = site.path(".lantern-cache");
    let moved = site.tmp().join("cache-aside");
    fs::rename(&cache, &moved).unwrap();
    same(
        &later,
        &build(&site, "later-full", T + 3600),
        "a later grid",
    );
    fs::remove_dir_all(site.path(".lantern-cache")).unwrap();
    fs::rename(&moved, &cache).unwrap();

    // One round appended (failing, with a message to escape): only it is read.
    append_round(&site, "2026-11-28T09:00:30Z");
    let appended = build(&site, "appended", T + 60);
    assert!(
        fs::read_to_string(appended.join("index.html"))
            .unwrap()
            .contains("Major Outage")
            || fs::read_to_string(appended.join("index.html"))
                .unwrap()
                .contains("outage"),
        "the appended round counts"
    );
    fs::remove_dir_all(&cache).unwrap();
    same(
        &appended,
        &build(&site, "appended-full", T + 60),
        "one appended round",
    );

    // A file rewritten in place and grown: its start changed, so it is read whole.
    let text = site.read(FEED);
    let first = text.lines().next().unwrap().to_string();
    let changed = text.replacen(&first, &first.replace("\"ok\":true", "\"ok\":false"), 1);
    let mut f = fs::OpenOptions::new()
        .write(true)
        .open(site.path(FEED))
        .unwrap();
    f.write_all(changed.as_bytes()).unwrap();
    writeln!(
        f,
        r#"{{"check":"db-primary","at":"2026-11-28T09:01:10Z","ok":true}}"#
    )
    .unwrap();
    drop(f);
    let rewritten = build(&site, "rewritten", T + 120);
    fs::remove_dir_all(&cache).unwrap();
    same(
        &rewritten,
        &build(&site, "rewritten-full", T + 120),
        "rewritten in place",
    );
}

#[test]
fn a_cache_folder_lantern_did_not_make_is_left_alone() {
    let site = Site::example();
    let theirs = site.path(".lantern-cache");
    fs::create_dir_all(&theirs).unwrap();
    fs::write(theirs.join("notes.txt"), "mine").unwrap();
    let a = build(&site, "a", T);
    let names: Vec<_> = fs::read_dir(&theirs)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        vec![std::ffi::OsString::from("notes.txt")],
        "nothing added to a folder that is not ours"
    );
    fs::remove_dir_all(&theirs).unwrap();

    // A link named like the cache, leading out of the site: never written through.
    let outside = site.tmp().join("outside");
    fs::create_dir(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, &theirs).unwrap();
    let b = build(&site, "b", T);
    assert_eq!(
        fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written through the link"
    );
    same(&a, &b, "no cache either way");
}

#[test]
fn two_builds_at_once_leave_a_usable_cache() {
    let site = Site::example();
    let reference = build(&site, "reference", T);
    fs::remove_dir_all(site.path(".lantern-cache")).unwrap();
    std::thread::scope(|s| {
        let runs: Vec<_> = (0..3)
            .map(|i| {
                let site = &site;
                s.spawn(move || build(site, &format!("race-{i}"), T))
            })
            .collect();
        for r in runs {
            let out = r.join().unwrap();
            same(&reference, &out, "a racing build");
        }
    });
    let leftovers: Vec<_> = fs::read_dir(site.path(".lantern-cache/health"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".grid"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary files left: {leftovers:?}"
    );
    same(
        &reference,
        &build(&site, "after", T),
        "the cache the race left",
    );
}

/// Proof that the cache is really used: an edit the cache cannot see (same size, same
/// modification time, away from the bytes it probes) does not show, and after an
/// append only the new lines are read.
#[test]
fn unchanged_files_are_not_read_and_grown_ones_only_at_their_end() {
    let site = Site::example();
    let pristine = Site::example();
    build(&site, "warm", T);
    let path = site.path(FEED);
    let mtime = fs::metadata(&path).unwrap().modified().unwrap();
    let text = site.read(FEED);
    let mid = text.len() / 2;
    let line_start = text[..mid].rfind('\n').unwrap() + 1;
    let line_end = line_start + text[line_start..].find('\n').unwrap();
    let line = &text[line_start..line_end];
    assert!(line.contains("\"ok\":true"), "{line}");
    // Same length: `true` → `null` makes the line invalid (no `ok`, no `status`).
    let hidden = format!(
        "{}{}{}",
        &text[..line_start],
        line.replace("\"ok\":true", "\"ok\":null"),
        &text[line_end..]
    );
    fs::write(&path, &hidden).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let hit = build(&site, "hit", T);
    same(
        &hit,
        &build(&pristine, "pristine", T),
        "served from the cache",
    );

    append_round(&site, "2026-11-28T09:00:30Z");
    append_round(&pristine, "2026-11-28T09:00:30Z");
    let grown = build(&site, "grown", T + 60);
    same(
        &grown,
        &build(&pristine, "pristine-grown", T + 60),
        "only the end read",
    );

    // Without the cache the hidden edit is read, and refused with file, line and field.
    fs::remove_dir_all(site.path(".lantern-cache")).unwrap();
    let line_no = text[..line_start].lines().count() + 1;
    site.build_into_at(&site.tmp().join("full"), T + 60)
        .assert_failed()
        .assert_stderr_has(&[&format!("checks.jsonl:{line_no}"), "ok"]);
}

/// A bad line appended after a cached build is reported at its real line number:
/// the cache remembers how many lines it had read.
#[test]
fn errors_in_appended_lines_name_their_real_line() {
    let site = Site::example();
    build(&site, "warm", T);
    let lines = site.read(FEED).lines().count();
    append_round(&site, "2026-11-28T09:00:30Z");
    let round = site.read(FEED).lines().count() - lines;
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(site.path(FEED))
        .unwrap();
    writeln!(
        f,
        r#"{{"check":"db-primary","at":"2026-11-28T09:00:40Z","ok":"yes"}}"#
    )
    .unwrap();
    drop(f);
    let bad = lines + round + 1;
    site.build_into_at(&site.tmp().join("bad"), T + 60)
        .assert_failed()
        .assert_stderr_has(&[&format!(
            "content/health/checks.jsonl:{bad}: field `ok`: expected true or false, found \"yes\""
        )]);
    // The same text as a build that reads the whole file.
    fs::remove_dir_all(site.path(".lantern-cache")).unwrap();
    site.build_into_at(&site.tmp().join("bad-full"), T + 60)
        .assert_failed()
        .assert_stderr_has(&[&format!("checks.jsonl:{bad}: field `ok`")]);
}

/// A cron minute appends a few KiB: rewriting the whole entry for that (32 MB at
/// 50 checks × 90 days) every minute would wear the disk, so the entry is kept and
/// the appended lines are read again until a MiB has piled up; then it is rewritten.
#[test]
fn small_appends_leave_the_entry_and_a_large_one_rewrites_it() {
    let site = Site::example();
    let pristine = Site::example();
    build(&site, "warm", T);
    let entries = cache_files(&site);
    assert_eq!(entries.len(), 1, "{entries:?}");
    let written = fs::read(&entries[0]).unwrap();

    for (i, at) in ["2026-11-28T09:00:30Z", "2026-11-28T09:01:30Z"]
        .iter()
        .enumerate()
    {
        append_round(&site, at);
        append_round(&pristine, at);
        let epoch = T + 60 * (i as i64 + 2);
        let out = build(&site, &format!("small-{i}"), epoch);
        assert_eq!(
            fs::read(&entries[0]).unwrap(),
            written,
            "round {i}: the entry is not rewritten for a few appended lines"
        );
        let full = pristine.tmp().join(format!("full-{i}"));
        pristine.build_into_at(&full, epoch).assert_ok();
        fs::remove_dir_all(pristine.path(".lantern-cache")).unwrap();
        same(&out, &full, "appended lines read on top of an older entry");
    }

    // More than a MiB appended (about 14,000 results): now the entry is rewritten.
    let mut lines = String::new();
    let mut n = 0;
    while lines.len() as u64 <= 1 << 20 {
        let second = n % 60;
        lines.push_str(&format!(
            "{{\"check\":\"db-primary\",\"at\":\"2026-11-28T09:02:{second:02}Z\",\"ok\":true,\"latency_ms\":{}}}\n",
            n % 997
        ));
        n += 1;
    }
    for s in [&site, &pristine] {
        fs::OpenOptions::new()
            .append(true)
            .open(s.path(FEED))
            .unwrap()
            .write_all(lines.as_bytes())
            .unwrap();
    }
    let epoch = T + 240;
    let big = build(&site, "big", epoch);
    let rewritten = fs::read(&entries[0]).unwrap();
    assert_ne!(rewritten, written, "a MiB appended rewrites the entry");
    let full = pristine.tmp().join("big-full");
    pristine.build_into_at(&full, epoch).assert_ok();
    fs::remove_dir_all(pristine.path(".lantern-cache")).unwrap();
    same(&big, &full, "a MiB appended");
    // The new entry serves the next build without reading anything.
    same(
        &build(&site, "after", epoch),
        &big,
        "served from the rewritten entry",
    );
    assert_eq!(fs::read(&entries[0]).unwrap(), rewritten);
}
