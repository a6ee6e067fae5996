//! The spare tree beside the output (the previous generation, updated in place of a
//! fresh staging folder): a spare left half-updated by a killed build is recovered, and
//! one holding anything Lantern did not write stops the build untouched (issue 16, item 3).

mod common;

use common::{Site, snapshot};
use std::fs;
use std::path::PathBuf;

fn news(site: &Site, slug: &str, title: &str) {
    site.write(
        &format!("content/news/2026-11-20-{slug}.md"),
        format!("---\ntitle: {title}\ndate: 2026-11-20T09:00:00Z\n---\nAbout {title}.\n"),
    );
}

fn spare(site: &Site) -> PathBuf {
    site.path(".public.lantern-spare")
}

/// A site built twice, so its previous generation sits beside it as the spare.
fn with_spare() -> Site {
    let site = Site::fixture("tiny");
    site.build(&[]).assert_ok();
    news(&site, "first", "First");
    site.build(&[]).assert_ok();
    assert!(spare(&site).join(".lantern").is_file(), "no spare was kept");
    site
}

/// The site as a first build into a fresh folder makes it.
fn reference(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = site.tmp().join("reference");
    site.build_into(&out).assert_ok();
    let snap = snapshot(&out);
    fs::remove_dir_all(&out).unwrap();
    snap
}

/// Paths that differ between two snapshots.
fn differ(
    a: &std::collections::BTreeMap<String, Vec<u8>>,
    b: &std::collections::BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Rewrite the marker line of `path` in `dir` to say "content unknown".
fn mark_unknown(dir: &std::path::Path, path: &str) {
    let marker = fs::read_to_string(dir.join(".lantern")).unwrap();
    let suffix = format!(" {path}");
    assert!(
        marker.lines().any(|l| l.ends_with(&suffix)),
        "{path} not listed"
    );
    let text: String = marker
        .lines()
        .map(|l| {
            if l.ends_with(&suffix) && !l.starts_with('#') {
                format!("- -{suffix}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    fs::write(dir.join(".lantern"), text).unwrap();
}

#[test]
fn a_spare_left_half_updated_by_a_kill_is_recovered() {
    let site = with_spare();
    let live = snapshot(&site.public());
    let dir = spare(&site);
    // What a build killed mid-update leaves: files it was replacing marked unknown,
    // one removed, one half-written, one new file listed but half-written, a marker
    // about to be renamed into place, and an empty folder.
    mark_unknown(&dir, "index.html");
    fs::remove_file(dir.join("index.html")).unwrap();
    let hello = "news/2026-11-15-hello/index.html";
    mark_unknown(&dir, hello);
    // Never written in place (the file is a hard link shared with the live tree).
    fs::remove_file(dir.join(hello)).unwrap();
    fs::write(dir.join(hello), "<!doctype html><html><he").unwrap();
    let mut marker = fs::read_to_string(dir.join(".lantern")).unwrap();
    marker.push_str("- - news/half/index.html\n");
    fs::write(dir.join(".lantern"), marker).unwrap();
    fs::create_dir_all(dir.join("news/half")).unwrap();
    fs::write(dir.join("news/half/index.html"), "<p>ha").unwrap();
    fs::write(dir.join(".lantern-new"), "lantern-output v2\n- - x").unwrap();
    fs::create_dir_all(dir.join("news/empty")).unwrap();

    news(&site, "second", "Second");
    let want = reference(&site);
    site.build(&[]).assert_ok();
    assert_eq!(
        differ(&snapshot(&site.public()), &want),
        Vec::<String>::new(),
        "the site built from a half-updated spare is not the complete new site"
    );
    assert!(!site.public().join("news/half").exists());
    assert!(!site.public().join("news/empty").exists());
    // The spare is now the previous site, complete.
    assert!(snapshot(&dir) == live, "the spare is not the previous site");
    // And builds go on from there.
    news(&site, "third", "Third");
    let want = reference(&site);
    site.build(&[]).assert_ok();
    assert_eq!(
        differ(&snapshot(&site.public()), &want),
        Vec::<String>::new()
    );
}

#[test]
fn a_spare_holding_foreign_files_stops_the_build_untouched() {
    let site = with_spare();
    let before = snapshot(&site.public());
    fs::write(spare(&site).join("notes.txt"), "mine").unwrap();
    news(&site, "second", "Second");
    let run = site.build(&[]);
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&[".public.lantern-spare", "notes.txt", "build again"]);
    assert!(snapshot(&site.public()) == before, "public/ changed");
    assert_eq!(
        fs::read_to_string(spare(&site).join("notes.txt")).unwrap(),
        "mine"
    );
    // Moved away, the next build goes on.
    fs::rename(spare(&site).join("notes.txt"), site.tmp().join("notes.txt")).unwrap();
    let want = reference(&site);
    site.build(&[]).assert_ok();
    assert_eq!(
        differ(&snapshot(&site.public()), &want),
        Vec::<String>::new()
    );
}

#[test]
fn a_link_in_the_spare_is_never_followed() {
    let site = with_spare();
    let outside = site.tmp().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("index.html"), "precious").unwrap();
    // The spare's `news/` folder replaced by a link to somebody else's folder.
    fs::remove_dir_all(spare(&site).join("news")).unwrap();
    std::os::unix::fs::symlink(&outside, spare(&site).join("news")).unwrap();
    news(&site, "second", "Second");
    site.build(&[])
        .assert_failed()
        .assert_stderr_has(&[".public.lantern-spare", "news"]);
    assert_eq!(
        fs::read_to_string(outside.join("index.html")).unwrap(),
        "precious"
    );
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 1);
}

#[test]
fn a_removed_spare_means_one_full_write_then_a_spare_again() {
    let site = with_spare();
    fs::remove_dir_all(spare(&site)).unwrap();
    news(&site, "second", "Second");
    let want = reference(&site);
    let run = site.build(&[]);
    run.assert_ok();
    assert!(snapshot(&site.public()) == want);
    assert!(spare(&site).join(".lantern").is_file(), "no spare was kept");
    // A spare from a Lantern that wrote v1 markers (no digests) is rewritten, not trusted.
    let marker = fs::read_to_string(spare(&site).join(".lantern")).unwrap();
    let v1: String = std::iter::once("lantern-output v1\n".to_string())
        .chain(
            marker
                .lines()
                .skip(1)
                .filter(|l| !l.starts_with('#'))
                .map(|l| format!("{}\n", l.splitn(3, ' ').nth(2).unwrap())),
        )
        .collect();
    fs::write(spare(&site).join(".lantern"), v1).unwrap();
    for f in common::files(&spare(&site)) {
        if f.ends_with(".html") {
            // Unlinked first: the file may be shared with the live tree.
            fs::remove_file(spare(&site).join(&f)).unwrap();
            fs::write(spare(&site).join(&f), "stale").unwrap();
        }
    }
    news(&site, "third", "Third");
    let want = reference(&site);
    site.build(&[]).assert_ok();
    assert_eq!(
        differ(&snapshot(&site.public()), &want),
        Vec::<String>::new()
    );
}

/// Folder stamps (`output/stamps.rs`) spare reading folders that have not changed
/// since the last build; a file dropped deep into either tree long after it was
/// stamped (so the stamps are trusted) is still found, and stops the build.
#[test]
fn a_file_dropped_into_a_stamped_folder_is_still_found() {
    let wait = || std::thread::sleep(std::time::Duration::from_millis(2600));
    let site = with_spare();
    let deep = "incidents/2026-11-01-slow-web/evil.html";
    // Builds a while apart: every folder's stamp is older than the racy window.
    wait();
    news(&site, "second", "Second");
    site.build(&[]).assert_ok();
    let stamps: Vec<_> = fs::read_dir(site.path(".lantern-cache"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("folders-"))
        .collect();
    assert_eq!(stamps.len(), 1, "no stamps were kept");
    wait();
    news(&site, "third", "Third");
    site.build(&[]).assert_ok();
    wait();
    for (tree, shown) in [
        (spare(&site), ".public.lantern-spare"),
        (site.public(), "public"),
    ] {
        fs::write(tree.join(deep), "not Lantern's").unwrap();
        let before = snapshot(&site.public());
        news(&site, "fourth", "Fourth");
        let run = site.build(&[]);
        assert_eq!(run.code, Some(1), "{shown}: {run}");
        run.assert_stderr_has(&[shown, "evil.html"]);
        assert!(snapshot(&site.public()) == before, "public/ changed");
        assert_eq!(
            fs::read_to_string(tree.join(deep)).unwrap(),
            "not Lantern's"
        );
        fs::remove_file(tree.join(deep)).unwrap();
        fs::remove_file(site.path("content/news/2026-11-20-fourth.md")).unwrap();
    }
    let want = reference(&site);
    site.build(&[]).assert_ok();
    assert_eq!(
        differ(&snapshot(&site.public()), &want),
        Vec::<String>::new()
    );
}
