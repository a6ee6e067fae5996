//! Rebuilding a large site after one edit: exactly the affected files are written, the
//! new site is complete when the build returns, and the replaced old tree is kept as
//! the spare and brought up to date by the next build with one file operation per
//! file changed in the last two builds (issue 16, item 3).

mod common;

use common::{EPOCH, Generated, Site, snapshot};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

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
    site.build_public_at(epoch)
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

/// Each file's inode under `dir`: a file the build wrote anew gets a new one; a file it
/// left alone, or hard-linked from the previous tree, keeps it (and its mtime).
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                e.metadata().unwrap().ino(),
            )
        })
        .collect()
}

/// Paths whose inode differs (or that exist on one side only).
fn new_inodes(a: &BTreeMap<String, u64>, b: &BTreeMap<String, u64>) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// The number after `, ` and before ` file operations` in a build's summary.
fn operations(said: &str) -> usize {
    let end = said.find(" file operations").expect(said);
    said[..end].rsplit(' ').next().unwrap().parse().unwrap()
}

fn edit(site: &Site, i: usize, with: &str) {
    let file = format!("content/incidents/post-{i:05}.md");
    site.write(&file, site.read(&file).replace(&format!("Body {i}."), with));
}

#[test]
fn one_edited_post_rewrites_only_its_page_and_the_next_build_reuses_the_old_tree() {
    let site = site(1100);
    build(&site, EPOCH);
    let before = snapshot(&site.public());
    assert!(before.len() > 1100, "{} files", before.len());
    let spare = site.path(".public.lantern-spare");
    assert!(!spare.exists(), "a first build has no previous tree");

    // An edit of a resolved incident's text: only its page changes (time passing is
    // tests/time_stable.rs's subject), and the marker, which carries its digest.
    edit(&site, 0, "Body 0, with the cause.");
    let said = build(&site, EPOCH);
    let after = snapshot(&site.public());
    assert_eq!(
        changed(&before, &after),
        [".lantern", "incidents/post-00000/index.html"],
        "files changed by one edit"
    );
    assert!(said.contains("(1 written"), "{said}");
    assert!(
        String::from_utf8_lossy(&after["incidents/post-00000/index.html"])
            .contains("with the cause")
    );
    // The replaced tree is kept, complete, as the spare: nothing to delete.
    assert_eq!(
        snapshot(&spare),
        before,
        "the spare is not the previous site"
    );
    assert!(staging_beside(&site.root).is_empty());

    // The next edit: the spare is brought up to date and swapped in. File operations:
    // post 0 (changed in the last build: linked from the live tree) and post 1
    // (written) — not one per file of the site.
    let live_before = inodes(&site.public());
    edit(&site, 1, "Body 1, later.");
    let said = build(&site, EPOCH);
    let now = snapshot(&site.public());
    assert_eq!(
        changed(&after, &now),
        [".lantern", "incidents/post-00001/index.html"]
    );
    assert!(said.contains("(1 written"), "{said}");
    assert_eq!(operations(&said), 2, "{said}");
    // Every other file is the very file that was live (same inode, same mtime).
    assert_eq!(
        new_inodes(&live_before, &inodes(&site.public())),
        [".lantern", "incidents/post-00001/index.html"]
    );
    assert_eq!(
        snapshot(&spare),
        after,
        "the spare is not the previous site"
    );

    // Nothing changed: nothing is touched, live or spare.
    let spare_before = inodes(&spare);
    let said = build(&site, EPOCH);
    assert!(
        said.contains("(0 written") && operations(&said) == 0,
        "{said}"
    );
    assert_eq!(snapshot(&site.public()), now);
    assert_eq!(inodes(&spare), spare_before);
    assert!(
        staging_beside(&site.root).is_empty(),
        "staging folders left"
    );
}
