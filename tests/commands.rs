//! `new`, `update`, `init`, `check`, and the safety rules of the output folder.

mod common;

use common::{
    EPOCH, Run, Site, assert_file_contains, file_contains, files, front_matter_value, mtimes,
    run_at, snapshot,
};
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

const HOUR: i64 = 3600;

/// `lantern <args…> --root <root>` at `epoch`.
fn with_root(site: &Site, epoch: i64, args: &[&str]) -> Run {
    let mut all: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    all.extend([OsStr::new("--root"), site.root.as_os_str()]);
    run_at(site.tmp(), epoch, all)
}

/// `lantern new <kind> <title>`; returns the created file, checking stdout names it.
fn new_post(site: &Site, kind: &str, title: &str) -> PathBuf {
    let run = with_root(site, EPOCH, &["new", kind, title]);
    run.assert_ok();
    let printed = PathBuf::from(run.stdout.trim());
    let path = if printed.is_absolute() {
        printed
    } else {
        site.tmp().join(printed)
    };
    assert!(path.is_file(), "`new` printed {path:?}, which is no file");
    assert!(
        path.starts_with(site.root.join("content").join(kind_dir(kind))),
        "{path:?} is not in the {kind} folder"
    );
    path
}

fn kind_dir(kind: &str) -> &str {
    match kind {
        "incident" => "incidents",
        other => other,
    }
}

/// `lantern update <file> --status <status> <text>` at `epoch`.
fn update(site: &Site, file: &Path, epoch: i64, status: &str, text: &str) -> Run {
    run_at(
        site.tmp(),
        epoch,
        [
            OsStr::new("update"),
            file.as_os_str(),
            OsStr::new("--status"),
            OsStr::new(status),
            OsStr::new(text),
        ],
    )
}

/// The output page of a post file.
fn page_of(site: &Site, file: &Path) -> PathBuf {
    let kind = file
        .parent()
        .and_then(Path::file_name)
        .expect("kind folder");
    let stem = file.file_stem().expect("file stem");
    site.public().join(kind).join(stem).join("index.html")
}

fn build_drafts_at(site: &Site, epoch: i64) {
    with_root(site, epoch, &["build", "--drafts"]).assert_ok();
}

#[test]
fn new_incident_then_update_shows_newest_update_first() {
    let site = Site::fixture("tiny");
    let file = new_post(&site, "incident", "Chat is down");
    update(&site, &file, EPOCH + HOUR, "identified", "Found the cause").assert_ok();
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.contains("status: identified"), "{text}");
    assert!(text.contains("2026-12-03T13:00:00Z"), "{text}");

    // A new post is a draft: a plain build leaves it out.
    with_root(&site, EPOCH + 2 * HOUR, &["build"]).assert_ok();
    let page = page_of(&site, &file);
    assert!(!page.exists(), "a fresh draft was published");

    build_drafts_at(&site, EPOCH + 2 * HOUR);
    let html = fs::read_to_string(&page).unwrap();
    assert!(html.contains("Chat is down"));
    let newest = html.find("Found the cause").expect("the update is shown");
    let first = html.find("We are investigating").expect("the first update");
    assert!(newest < first, "the newest update must come first");
}

#[test]
fn update_resolved_sets_resolved_and_the_page_says_resolved() {
    let site = Site::fixture("tiny");
    let file = new_post(&site, "incident", "Uploads fail");
    update(&site, &file, EPOCH + 2 * HOUR, "resolved", "All fixed").assert_ok();
    let text = fs::read_to_string(&file).unwrap();
    assert_eq!(
        front_matter_value(&text, "resolved"),
        "2026-12-03T14:00:00Z"
    );
    build_drafts_at(&site, EPOCH + 3 * HOUR);
    let page = page_of(&site, &file);
    assert_file_contains(&page, "All fixed");
    assert_file_contains(&page, "Resolved");
    assert_file_contains(&page, "datetime=\"2026-12-03T14:00:00Z\"");
    assert!(
        !file_contains(&page, "ongoing"),
        "resolved page says ongoing"
    );
}

#[test]
fn update_refuses_a_status_of_the_wrong_kind() {
    let site = Site::fixture("tiny");
    let file = new_post(&site, "incident", "Login slow");
    let before = fs::read(&file).unwrap();
    update(&site, &file, EPOCH + HOUR, "completed", "Done")
        .assert_failed()
        .assert_stderr_has(&["`completed`", "investigating"]);
    assert_eq!(fs::read(&file).unwrap(), before, "the post was changed");
}

#[test]
fn new_maintenance_and_news_build() {
    let site = Site::fixture("tiny");
    let maintenance = new_post(&site, "maintenance", "Database upgrade");
    let news = new_post(&site, "news", "Support hours change");
    update(
        &site,
        &maintenance,
        EPOCH + HOUR,
        "in_progress",
        "Started early",
    )
    .assert_ok();
    build_drafts_at(&site, EPOCH + 2 * HOUR);
    assert_file_contains(&page_of(&site, &maintenance), "Database upgrade");
    assert_file_contains(&page_of(&site, &maintenance), "Started early");
    assert_file_contains(&page_of(&site, &news), "Support hours change");
}

#[test]
fn init_creates_a_site_that_builds() {
    let site = Site::empty();
    site.lantern([OsStr::new("init"), site.root.as_os_str()])
        .assert_ok();
    assert!(site.path("content/site.yaml").is_file());
    site.build(&[]).assert_ok();
    assert_file_contains(&site.public().join("index.html"), "<html");
    // A second init must not overwrite the site.
    let config = site.read("content/site.yaml");
    site.lantern([OsStr::new("init"), site.root.as_os_str()])
        .assert_failed();
    assert_eq!(site.read("content/site.yaml"), config);
}

#[test]
fn out_refuses_a_foreign_non_empty_folder() {
    let site = Site::fixture("tiny");
    let out = site.tmp().join("mine");
    fs::create_dir_all(out.join("docs")).unwrap();
    fs::write(out.join("notes.txt"), "keep me").unwrap();
    fs::write(out.join("docs/a.md"), "mine too").unwrap();
    let before = snapshot(&out);
    site.build_into(&out)
        .assert_failed()
        .assert_stderr_has(&["refusing", "mine"]);
    assert!(snapshot(&out) == before, "the foreign folder was changed");
}

#[test]
fn out_refuses_the_site_root() {
    let site = Site::fixture("tiny");
    let before = snapshot(&site.root);
    site.build_into(&site.root)
        .assert_failed()
        .assert_stderr_has(&["refusing"]);
    assert!(snapshot(&site.root) == before, "the site root was changed");
}

#[test]

fn out_dot_names_the_real_reason() {
    let site = Site::fixture("tiny");
    let cwd = site.tmp().join("empty");
    fs::create_dir(&cwd).unwrap();
    let run = run_at(
        &cwd,
        EPOCH,
        [
            OsStr::new("build"),
            OsStr::new("--root"),
            site.root.as_os_str(),
            OsStr::new("--out"),
            OsStr::new("."),
        ],
    );
    assert!(
        run.success() || !run.stderr.contains("contains the site itself"),
        "{run}"
    );
}

#[test]
fn rebuild_without_changes_keeps_every_mtime() {
    let site = Site::fixture("tiny");
    site.build(&[]).assert_ok();
    // Backdate every file so a rewrite, however fast, shows up as a new mtime.
    let old = SystemTime::UNIX_EPOCH + Duration::from_secs(1_600_000_000);
    for rel in files(&site.public()) {
        let f = fs::File::options()
            .write(true)
            .open(site.public().join(&rel))
            .unwrap();
        f.set_modified(old).unwrap();
    }
    let before = mtimes(&site.public());
    assert!(before.len() > 5);
    site.build(&[]).assert_ok();
    assert_eq!(mtimes(&site.public()), before);
}

#[test]
fn leftover_staging_folder_is_cleaned_up() {
    let site = Site::fixture("tiny");
    site.build(&[]).assert_ok();
    let leftover = site.path(".public.lantern-staging-123");
    fs::create_dir_all(leftover.join("incidents")).unwrap();
    fs::write(leftover.join("incidents/half.html"), "<p>half</p>").unwrap();
    site.build(&[]).assert_ok();
    assert!(
        !leftover.exists(),
        "the killed build's staging folder remains"
    );
    assert!(site.public().join("index.html").is_file());
    let stray: Vec<_> = fs::read_dir(&site.root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        // The render cache and the spare (previous generation) are kept on purpose.
        .filter(|n| n.contains("lantern") && n != ".lantern-cache" && n != ".public.lantern-spare")
        .collect();
    assert!(stray.is_empty(), "stray folders: {stray:?}");
}

/// 2026-08-01T00:00:00Z: before every incident of the example site.
const BEFORE_EXAMPLE: i64 = 1_785_542_400;

#[test]
fn check_passes_the_example_site_with_warnings_and_writes_nothing() {
    let site = Site::example();
    let before = snapshot(&site.root);
    let run = with_root(&site, BEFORE_EXAMPLE, &["check"]);
    run.assert_ok()
        .assert_stderr_has(&["warning:", "is in the future"]);
    assert!(run.stdout.starts_with("ok:"), "{run}");
    assert!(!site.public().exists(), "check created public/");
    assert!(snapshot(&site.root) == before, "check changed the site");
    // At the normal build time the example site is clean.
    with_root(&site, EPOCH, &["check"]).assert_ok();
}

#[test]
fn check_fails_on_a_broken_site_and_writes_nothing() {
    let site = Site::fixture("tiny");
    site.write(
        "content/incidents/bad.md",
        "---\ntitle: Bad\nimpakt: minor\n---\n",
    );
    let before = snapshot(&site.root);
    let run = with_root(&site, EPOCH, &["check"]);
    assert_eq!(run.code, Some(1), "{run}");
    run.assert_stderr_has(&["content/incidents/bad.md:3:", "did you mean `impact`?"]);
    assert!(!site.public().exists(), "check created public/");
    assert!(snapshot(&site.root) == before, "check changed the site");
}
