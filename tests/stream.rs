//! A first build writes its pages while they render (`output::Stream`): the same
//! files as an in-memory render, not held in memory, and a build killed at any
//! moment leaves a staging folder whose marker lists every file in it.

mod common;

use common::{EPOCH, Generated, Site, snapshot, write_generated_posts};
use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const POSTS: usize = 300;

fn site() -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        "title: Stream\nbase_url: https://stream.test/\ncomponents:\n  - { id: web, name: Web }\n  - { id: db, name: Database }\n",
    );
    write_generated_posts(
        &site,
        POSTS,
        &Generated {
            components: &["web", "db"],
            investigating: true,
            body_link: true,
        },
    );
    site
}

fn opts(site: &Site) -> lantern::site::LoadOptions {
    lantern::site::LoadOptions {
        root: site.root.clone(),
        include_drafts: false,
        base_url: None,
        now: chrono::DateTime::from_timestamp(EPOCH, 0).unwrap(),
        health_cache: Default::default(),
        post_cache: Default::default(),
    }
}

fn publish_opts() -> lantern::output::PublishOptions<'static> {
    lantern::output::PublishOptions {
        wait: Duration::ZERO,
        on_wait: &|_| {},
    }
}

#[test]
fn a_first_build_writes_pages_as_they_render_with_the_bytes_of_a_full_render() {
    let site = site();
    // A control character from a post reaches a streamed page: cleaned there too.
    let f = "content/incidents/post-00001.md";
    site.write(f, site.read(f).replace("Body 1", "Body \u{1b}1"));
    let full = lantern::pipeline::render_site(&opts(&site)).unwrap().files;
    let out = site.tmp().join("out");
    let (rendered, stats) = lantern::pipeline::build(&opts(&site), &out, &publish_opts()).unwrap();
    let mut written = snapshot(&out);
    written.remove(".lantern");
    assert!(
        written == full,
        "a streamed build differs from a full render"
    );
    assert_eq!((stats.written, stats.unchanged), (full.len(), 0));
    // Post pages were handed over, not kept: the build's own files lack them.
    let post_page = "incidents/post-00001/index.html";
    assert!(String::from_utf8_lossy(&written[post_page]).contains("Body \u{fffd}1"));
    assert!(!rendered.files.contains_key(post_page));
    assert!(rendered.files.contains_key("index.html"));
    let kept_in_memory = rendered
        .files
        .keys()
        .filter(|p| p.starts_with("incidents/"))
        .count();
    assert_eq!(kept_in_memory, 0, "post pages held in memory");
    // The marker is sealed: every file with its digest, nothing unknown.
    let marker = fs::read_to_string(out.join(".lantern")).unwrap();
    assert!(!marker.contains("\n- - "), "{marker}");
    assert_eq!(listed(&out), written.keys().cloned().collect());
    // A second build compares with it and writes nothing.
    let (_, again) = lantern::pipeline::build(&opts(&site), &out, &publish_opts()).unwrap();
    assert_eq!((again.written, again.touched), (0, 0));
    // Neither build left anything beside the output but the spare-to-be.
    let beside: Vec<String> = fs::read_dir(site.tmp())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lantern-staging"))
        .collect();
    assert!(beside.is_empty(), "{beside:?}");
}

#[test]
fn a_failed_render_leaves_no_output_and_no_staging_folder() {
    let site = site();
    site.write(
        "themes/default/templates/post.html",
        // Only one page fails: the pages of other batches are written by then.
        "{% extends \"base.html\" %}{% block content %}{% if post.title == \"Incident 151\" %}{{ post.nope | round }}{% endif %}{% endblock %}",
    );
    let out = site.tmp().join("out");
    let run = site.build_into(&out);
    run.assert_failed().assert_stderr_has(&["post.html"]);
    assert!(!out.exists());
    let left: Vec<_> = fs::read_dir(site.tmp())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        left.iter()
            .all(|n| !n.to_string_lossy().contains("lantern-staging")),
        "{left:?}"
    );
}

/// The paths a marker lists, whatever it says of their digests.
fn listed(dir: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(dir.join(".lantern")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            // `<digest> <len> <path>` or `- - <path>`; test paths need no decoding.
            let mut parts = l.splitn(3, ' ');
            parts.nth(2).unwrap().to_string()
        })
        .collect()
}

fn staging_folders(parent: &Path) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .contains("lantern-staging")
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_first_build_killed_at_any_moment_leaves_only_listed_files() {
    let site = site();
    let bin = env!("CARGO_BIN_EXE_lantern");
    let out = site.tmp().join("out");
    let spawn = || {
        Command::new(bin)
            .args(["build", "--root"])
            .arg(&site.root)
            .arg("--out")
            .arg(&out)
            .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    assert!(spawn().wait().unwrap().success());
    let full = started.elapsed();
    let complete = snapshot(&out);
    let mut seeds = 0x5eed_u64;
    let (mut half_written, mut published) = (0, 0);
    for round in 0..12 {
        // Each round is a first build again.
        if out.exists() {
            fs::remove_dir_all(&out).unwrap();
        }
        for s in staging_folders(site.tmp()) {
            fs::remove_dir_all(s).unwrap();
        }
        seeds = seeds
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        // Up to a bit past a whole build, so some rounds publish.
        let delay = Duration::from_micros((seeds >> 33) % (full.as_micros() as u64 * 5 / 4 + 1));
        let mut child = spawn();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        if out.exists() {
            assert!(
                snapshot(&out) == complete,
                "round {round}: a partial output"
            );
            published += 1;
        }
        for dir in staging_folders(site.tmp()) {
            if !dir.join(".lantern").exists() {
                // Killed between making the folder and its marker: it is empty.
                assert!(common::files(&dir).is_empty(), "round {round}");
                continue;
            }
            let listed = listed(&dir);
            for f in common::files(&dir) {
                if f != ".lantern" && f != ".lantern-new" {
                    assert!(listed.contains(&f), "round {round}: {f} is not listed");
                }
            }
            half_written += 1;
        }
    }
    eprintln!("12 kill rounds: {published} published, {half_written} left a staging folder");
    // Whatever a kill left, the next build clears it (a foreign file stops it, kept).
    if out.exists() {
        fs::remove_dir_all(&out).unwrap();
    }
    if let Some(dir) = staging_folders(site.tmp()).first()
        && dir.join(".lantern").exists()
    {
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let run = site.build_into(&out);
        run.assert_failed().assert_stderr_has(&["notes.txt"]);
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
        fs::remove_file(dir.join("notes.txt")).unwrap();
    }
    site.build_into(&out).assert_ok();
    assert!(snapshot(&out) == complete);
    assert!(staging_folders(site.tmp()).is_empty());
}
