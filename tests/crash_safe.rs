//! Crash-safe publishing: `lantern build` killed with SIGKILL at random moments never
//! leaves `public/` anything but the complete old site or the complete new one.

mod common;

use common::{EPOCH, Site, snapshot};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: usize = 30;
const POSTS: usize = 600;

fn big_site() -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        "title: Kill Test\nbase_url: https://kill.test/\ncomponents:\n  - { id: web, name: Web }\n",
    );
    for i in 0..POSTS {
        let body =
            "Some **text** with a [link](https://example.org) and a list:\n\n- one\n- two\n\n"
                .repeat(20);
        site.write(
            &format!("content/news/post-{i:04}.md"),
            format!(
                "---\ntitle: \"Post {i}\"\ndate: 2026-{:02}-{:02}T10:00:00Z\n---\n{body}",
                1 + i % 12,
                1 + i % 28
            ),
        );
    }
    site
}

/// The two versions of the site the rounds flip between: B adds one post.
fn set_version(site: &Site, b: bool) {
    let extra = site.path("content/news/zz-version-b.md");
    if b {
        site.write(
            "content/news/zz-version-b.md",
            "---\ntitle: Version B\ndate: 2026-11-01T00:00:00Z\n---\nB\n",
        );
    } else if extra.exists() {
        std::fs::remove_file(extra).unwrap();
    }
}

fn build(site: &Site) {
    let st = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args(["build", "--root"])
        .arg(&site.root)
        .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
}

/// A tiny deterministic generator, so a failing round can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn leftovers(site: &Site) -> Vec<String> {
    std::fs::read_dir(site.tmp().join("site"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("lantern-staging"))
        .collect()
}

#[test]
fn sigkill_never_leaves_a_half_written_site() {
    let site = big_site();
    // The two complete sites, and how long a build takes.
    set_version(&site, true);
    build(&site);
    let b: BTreeMap<String, Vec<u8>> = snapshot(&site.public());
    set_version(&site, false);
    let started = Instant::now();
    build(&site);
    let full = started.elapsed();
    let a = snapshot(&site.public());
    assert_ne!(a, b);

    let mut rng = Lcg(0x5eed);
    let (mut saw_old, mut saw_new) = (0, 0);
    let mut current_is_b = false;
    for round in 0..ROUNDS {
        set_version(&site, !current_is_b);
        let delay = Duration::from_micros(rng.next() % (full.as_micros() as u64 + 1));
        let mut child = Command::new(env!("CARGO_BIN_EXE_lantern"))
            .args(["build", "--root"])
            .arg(&site.root)
            .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = snapshot(&site.public());
        let (old, new) = if current_is_b { (&b, &a) } else { (&a, &b) };
        if &now == new {
            saw_new += 1;
            current_is_b = !current_is_b;
        } else {
            assert_eq!(
                &now, old,
                "round {round}: public/ is neither the old nor the new site (killed after {delay:?})"
            );
            saw_old += 1;
        }
    }
    eprintln!(
        "{ROUNDS} kill rounds: {saw_old} left the old site, {saw_new} the new one (full build {full:?})"
    );
    // A later build is not tripped up by whatever a killed one left behind.
    build(&site);
    assert!(
        leftovers(&site).is_empty(),
        "staging folders left: {:?}",
        leftovers(&site)
    );
    let content_is_b = site.path("content/news/zz-version-b.md").exists();
    assert_eq!(snapshot(&site.public()), if content_is_b { b } else { a });
}
