//! `update` and `new` under concurrency, symlinks and long titles: no update is ever
//! reported and lost, no file outside the site is edited, no name is too long.

mod common;

use common::{EPOCH, Run, Site, read_text};
use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Stdio};

const POST: &str = "content/incidents/2026-11-01-slow-web.md";

fn update(site: &Site, file: &Path, text: &str) -> Run {
    site.lantern([
        "update".as_ref(),
        file.as_os_str(),
        "--status".as_ref(),
        "identified".as_ref(),
        text.as_ref(),
    ])
}

#[test]
fn twenty_concurrent_updates_all_land_or_fail_loudly() {
    let site = Site::fixture("tiny");
    let file = site.path(POST);
    let children: Vec<_> = (0..20)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_lantern"))
                .arg("update")
                .arg(&file)
                .args([
                    "--status",
                    "identified",
                    &format!("concurrent update #{i}."),
                ])
                .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start lantern update")
        })
        .collect();
    let mut ok = Vec::new();
    for (i, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().expect("wait for lantern update");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "run {i}: {stderr}");
        if out.status.success() {
            ok.push(i);
        } else {
            assert!(
                stderr.contains("another `lantern update`"),
                "run {i}: {stderr}"
            );
        }
    }
    let text = read_text(&file);
    let landed: Vec<usize> = (0..20)
        .filter(|i| text.contains(&format!("concurrent update #{i}.\"")))
        .collect();
    assert_eq!(
        landed, ok,
        "updates in the file vs runs that said so\n{text}"
    );
    assert_eq!(ok.len(), 20, "each update waits its turn");
    // Still a valid post, and no temporary file left beside it.
    site.lantern(["check".as_ref(), "--root".as_ref(), site.root.as_os_str()])
        .assert_ok();
    let left: Vec<String> = fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["2026-11-01-slow-web.md"], "stray files");
}

#[test]
fn symlinked_post_is_edited_at_its_target_and_stays_a_link() {
    let site = Site::fixture("tiny");
    let real = site.path("drafts/slow-web.md");
    fs::create_dir_all(real.parent().unwrap()).unwrap();
    fs::rename(site.path(POST), &real).unwrap();
    symlink("../../drafts/slow-web.md", site.path(POST)).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();

    update(&site, &site.path(POST), "Found it.").assert_ok();
    let link = fs::symlink_metadata(site.path(POST)).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert!(read_text(&real).contains("text: \"Found it.\""));
    assert_eq!(
        fs::metadata(&real).unwrap().permissions().mode() & 0o777,
        0o640,
        "permissions kept"
    );
}

#[test]
fn symlinked_post_outside_the_site_is_refused() {
    let site = Site::fixture("tiny");
    let outside = site.tmp().join("elsewhere.md");
    fs::rename(site.path(POST), &outside).unwrap();
    symlink(&outside, site.path(POST)).unwrap();
    let before = fs::read(&outside).unwrap();
    update(&site, &site.path(POST), "x")
        .assert_failed()
        .assert_stderr_has(&["outside the site", "elsewhere.md"]);
    assert_eq!(fs::read(&outside).unwrap(), before);
}

#[test]
fn long_titles_give_a_short_file_name() {
    let site = Site::fixture("tiny");
    let title = "The primary database cluster in the Frankfurt region failed over twice ".repeat(6);
    let run = site.lantern([
        "new".as_ref(),
        "incident".as_ref(),
        title.as_ref(),
        "--root".as_ref(),
        site.root.as_os_str(),
    ]);
    run.assert_ok();
    let path = site.tmp().join(run.stdout.trim());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.len() <= 100, "{name}");
    assert!(
        name.starts_with("2026-12-03-the-primary-database-cluster"),
        "{name}"
    );
    assert!(
        read_text(&path).contains(title.trim()),
        "the title itself is whole"
    );
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o044,
        0o044,
        "readable like any other post"
    );
}

#[test]
fn new_never_writes_through_a_link_at_the_post_path() {
    let site = Site::fixture("tiny");
    let outside = site.tmp().join("victim");
    symlink(
        &outside,
        site.path("content/news/2026-12-03-hello-again.md"),
    )
    .unwrap();
    site.lantern([
        "new".as_ref(),
        "news".as_ref(),
        "Hello again".as_ref(),
        "--root".as_ref(),
        site.root.as_os_str(),
    ])
    .assert_failed()
    .assert_stderr_has(&["already exists"]);
    assert!(!outside.exists(), "wrote through the link");
}
