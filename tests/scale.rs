//! Scale, proved by counting rather than timing: the work of a build grows linearly
//! with the number of posts, and output does not depend on the number of threads.

mod common;

use common::{EPOCH, Generated, Site, snapshot};
use lantern::pipeline;
use lantern::site::LoadOptions;

/// A site of `n` posts of every kind spread over three years and four components.
fn site_with_posts(n: usize) -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        "title: Scale\nbase_url: https://scale.test/\ncomponents:\n  - { id: a, name: A }\n  - { id: b, name: B }\n  - { id: c, name: C }\n  - { id: d, name: D }\n",
    );
    common::write_generated_posts(
        &site,
        n,
        &Generated {
            components: &["a", "b", "c", "d"],
            investigating: true,
            body_link: true,
        },
    );
    site
}

fn work(n: usize) -> lantern::render::WorkCount {
    let site = site_with_posts(n);
    let opts = LoadOptions {
        root: site.root.clone(),
        include_drafts: false,
        base_url: None,
        now: chrono::DateTime::from_timestamp(EPOCH, 0).unwrap(),
        health_cache: Default::default(),
        post_cache: Default::default(),
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
