//! Scale, proved by counting rather than timing: the work of a build grows linearly
//! with the number of posts, and output does not depend on the number of threads.

mod common;

use common::{EPOCH, Site, snapshot};
use lantern::pipeline;
use lantern::site::LoadOptions;

/// A site of `n` posts of every kind spread over three years and four components.
fn site_with_posts(n: usize) -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        "title: Scale\nbase_url: https://scale.test/\ncomponents:\n  - { id: a, name: A }\n  - { id: b, name: B }\n  - { id: c, name: C }\n  - { id: d, name: D }\n",
    );
    for i in 0..n {
        let (y, m, d) = (2023 + i % 3, 1 + i % 12, 1 + i % 28);
        let comp = ["a", "b", "c", "d"][i % 4];
        let (dir, text) = match i % 10 {
            0..=6 => (
                "incidents",
                format!(
                    "---\ntitle: Incident {i}\nimpact: minor\ncomponents: [{comp}]\nstarted: {y}-{m:02}-{d:02}T10:00:00Z\nresolved: {y}-{m:02}-{d:02}T11:00:00Z\nupdates:\n  - {{ at: {y}-{m:02}-{d:02}T10:05:00Z, status: investigating, text: \"Looking *now*.\" }}\n  - {{ at: {y}-{m:02}-{d:02}T11:00:00Z, status: resolved, text: Fixed. }}\n---\nBody {i} with a [link](https://example.org).\n"
                ),
            ),
            7 | 8 => (
                "maintenance",
                format!(
                    "---\ntitle: Maintenance {i}\ncomponents: [{comp}]\nscheduled_start: {y}-{m:02}-{d:02}T02:00:00Z\nscheduled_end: {y}-{m:02}-{d:02}T03:00:00Z\n---\nBody.\n"
                ),
            ),
            _ => (
                "news",
                format!("---\ntitle: News {i}\ndate: {y}-{m:02}-{d:02}T09:00:00Z\n---\nBody.\n"),
            ),
        };
        site.write(&format!("content/{dir}/post-{i:05}.md"), text);
    }
    site
}

fn work(n: usize) -> lantern::render::WorkCount {
    let site = site_with_posts(n);
    let opts = LoadOptions {
        root: site.root.clone(),
        include_drafts: false,
        base_url: None,
        now: chrono::DateTime::from_timestamp(EPOCH, 0).unwrap(),
    };
    let counter = lantern::render::WorkCounter::default();
    pipeline::render_site_observed(&opts, &counter).expect("the generated site builds");
    counter.count()
}

#[test]
fn work_grows_linearly_with_posts() {
    let small = work(200);
    let big = work(800);
    eprintln!("200 posts: {small:?}; 800 posts: {big:?}");
    // Each post is viewed a bounded number of times (its page, one archive, at most one
    // component page per component, the home page's short lists).
    assert!(
        big.post_views <= 4 * small.post_views + 50,
        "post views grew faster than N: {small:?} -> {big:?}"
    );
    assert!(
        big.renders <= 4 * small.renders + 50,
        "template renders grew faster than N: {small:?} -> {big:?}"
    );
    assert!(
        big.post_views <= 3 * 800 + 100,
        "more than a few views per post: {big:?}"
    );
    assert!(big.post_views > small.post_views, "the counters count");
}

#[test]
fn output_is_identical_with_one_or_two_threads() {
    let site = site_with_posts(300);
    let build = |threads: &str, out: &str| {
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_lantern"))
            .args(["build", "--root"])
            .arg(&site.root)
            .arg("--out")
            .arg(site.tmp().join(out))
            .env("SOURCE_DATE_EPOCH", EPOCH.to_string())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        snapshot(&site.tmp().join(out))
    };
    let one = build("1", "one");
    let two = build("2", "two");
    assert!(one.len() > 300);
    assert_eq!(one, two);
}
