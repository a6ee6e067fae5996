//! Rebuilding a large site after one edit: exactly the affected files are written, the
//! new site is complete when the build returns, and the replaced old tree (over
//! `MIN_FILES` files, so removed by a detached process) disappears soon after without
//! holding up the next build.

mod common;

use common::{EPOCH, Generated, Site, run_at, snapshot};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// Resolved incidents, ended maintenance and news over three past years.
fn site(n: usize) -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        "title: Big\nbase_url: https://big.test/\ncomponents:\n  - { id: a, name: A }\n  - { id: b, name: B }\n",
    );
    common::write_generated_posts(
        &site,
        n,
        &Generated {
            components: &["a", "b"],
            investigating: false,
            body_link: false,
        },
    );
    site
}

fn build(site: &Site, epoch: i64) -> String {
    let out = site.public();
    let run = run_at(
        &site.root,
        epoch,
        [
            std::ffi::OsStr::new("build"),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    );
    run.assert_ok();
    run.stdout
}

fn staging_beside(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lantern-staging"))
        .collect()
}

fn changed(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

#[test]
fn one_edited_post_rewrites_only_its_page_and_the_old_tree_goes_in_the_background() {
    let site = site(1100);
    build(&site, EPOCH);
    let before = snapshot(&site.public());
    assert!(before.len() > 1100, "{} files", before.len());

    // An edit of a resolved incident's text: only its page changes (time passing is
    // tests/time_stable.rs's subject).
    site.write(
        "content/incidents/post-00000.md",
        site.read("content/incidents/post-00000.md")
            .replace("Body 0.", "Body 0, with the cause."),
    );
    let said = build(&site, EPOCH);
    let after = snapshot(&site.public());
    assert_eq!(
        changed(&before, &after),
        ["incidents/post-00000/index.html"],
        "files changed by one edit"
    );
    assert!(said.contains("(1 written"), "{said}");
    assert!(
        String::from_utf8_lossy(&after["incidents/post-00000/index.html"])
            .contains("with the cause")
    );

    // The next build does not wait for the removal of the tree it replaced.
    site.write(
        "content/incidents/post-00001.md",
        site.read("content/incidents/post-00001.md")
            .replace("Body 1.", "Body 1, later."),
    );
    build(&site, EPOCH);
    assert_eq!(
        changed(&after, &snapshot(&site.public())),
        ["incidents/post-00001/index.html"]
    );
    let until = Instant::now() + Duration::from_secs(60);
    while !staging_beside(&site.root).is_empty() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        staging_beside(&site.root),
        Vec::<String>::new(),
        "old trees left"
    );
}
