//! The render cache (`<root>/.lantern-cache/`): unchanged pages are not rendered
//! again, and the cache is only an optimisation — removed, garbage or stale, the
//! output is byte-identical to a build without it (issue 16, item 2).

mod common;

use common::{EPOCH, Site, repo, snapshot};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Resolved incidents and news in the past: settled pages, reusable as time passes.
fn site() -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        "title: Cache\nbase_url: https://cache.test/\ncomponents:\n  - { id: a, name: A }\n",
    );
    for i in 0..30 {
        let d = 1 + i % 28;
        site.write(
            &format!("content/incidents/2026-10-{d:02}-i{i}.md"),
            format!(
                "---\ntitle: Incident {i}\nimpact: minor\ncomponents: [a]\nstarted: 2026-10-{d:02}T10:00:00Z\nresolved: 2026-10-{d:02}T11:00:00Z\nupdates:\n  - {{ at: 2026-10-{d:02}T11:00:00Z, status: resolved, text: Fixed. }}\n---\nBody {i}.\n"
            ),
        );
    }
    site
}

/// Build into `public/` at `epoch`; the summary line.
fn build(site: &Site, epoch: i64) -> String {
    site.build_public_at(epoch)
}

/// The number before ` pages reused` in a build's summary.
fn reused(said: &str) -> usize {
    let end = said.find(" pages reused").expect(said);
    said[..end].rsplit(' ').next().unwrap().parse().unwrap()
}

fn cache_files(site: &Site) -> Vec<std::path::PathBuf> {
    fs::read_dir(site.path(".lantern-cache"))
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| {
                    p.file_name()
                        .unwrap()
                        .to_string_lossy()
                        .starts_with("pages-")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The site as a first build into a fresh folder (no cache for it) makes it.
fn reference(site: &Site, epoch: i64) -> BTreeMap<String, Vec<u8>> {
    let out = site.tmp().join(format!("reference-{epoch}"));
    site.build_into_at(&out, epoch).assert_ok();
    let snap = snapshot(&out);
    fs::remove_dir_all(&out).unwrap();
    snap
}

/// What is done to the cache between the two builds.
fn spoil(site: &Site, how: &str) {
    let files = cache_files(site);
    assert!(!files.is_empty(), "no cache was written");
    for f in files {
        match how {
            "valid" => {}
            "removed" => fs::remove_dir_all(site.path(".lantern-cache")).unwrap(),
            "garbage" => fs::write(&f, b"\x00\xffnot a cache\nlantern-render-cache v1\n").unwrap(),
            "truncated" => {
                let text = fs::read(&f).unwrap();
                fs::write(&f, &text[..text.len() * 2 / 3]).unwrap();
            }
            // Every key paired with another page's digest: well-formed and wrong. (A
            // page may have two keys, by context and by dependencies: the next line's
            // digest may be its own, so take the next different one.)
            "swapped" => {
                let text = fs::read_to_string(&f).unwrap();
                let mut lines: Vec<&str> = text.lines().collect();
                let (keys, sums): (Vec<&str>, Vec<&str>) = lines[1..]
                    .iter()
                    .map(|l| l.split_once(' ').unwrap())
                    .unzip();
                let mut out = format!("{}\n", lines.remove(0));
                for (i, k) in keys.iter().enumerate() {
                    let other = (1..sums.len())
                        .map(|d| sums[(i + d) % sums.len()])
                        .find(|s| *s != sums[i])
                        .unwrap();
                    out.push_str(&format!("{k} {other}\n"));
                }
                fs::write(&f, out).unwrap();
            }
            other => panic!("{other}"),
        }
        if how == "removed" {
            break;
        }
    }
}

#[test]
fn a_removed_or_garbage_cache_gives_byte_identical_output() {
    let later = EPOCH + 3600;
    let mut outputs = Vec::new();
    for how in ["valid", "removed", "garbage", "truncated", "swapped"] {
        let site = site();
        build(&site, EPOCH);
        // Time passes and one post is edited.
        let f = "content/incidents/2026-10-01-i0.md";
        site.write(f, site.read(f).replace("Body 0.", "Body 0, edited."));
        spoil(&site, how);
        let said = build(&site, later);
        let n = reused(&said);
        match how {
            // Every settled page but the edited one (30 posts, history page, 404).
            "valid" => assert!(n >= 30, "{how}: {said}"),
            "removed" | "garbage" | "swapped" => assert_eq!(n, 0, "{how}: {said}"),
            _ => {}
        }
        let got = snapshot(&site.public());
        assert!(
            got == reference(&site, later),
            "{how}: not the site a fresh build makes"
        );
        // Once more, now through the spare tree: reused pages come from the live one.
        let f = "content/incidents/2026-10-02-i1.md";
        site.write(f, site.read(f).replace("Body 1.", "Body 1, edited."));
        let said = build(&site, later + 60);
        assert!(reused(&said) >= 29, "{how}: {said}");
        let got = snapshot(&site.public());
        assert!(
            got == reference(&site, later + 60),
            "{how}: not the site a fresh build makes"
        );
        outputs.push((how, got));
    }
    for (how, got) in &outputs[1..] {
        assert!(
            *got == outputs[0].1,
            "{how} differs from the build with a valid cache"
        );
    }
}

#[test]
fn a_theme_change_renders_every_page_again() {
    let site = site();
    build(&site, EPOCH);
    let said = build(&site, EPOCH + 60);
    assert!(reused(&said) >= 30, "{said}");
    let base = fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    assert!(base.contains("</body>"));
    site.write(
        "themes/default/templates/base.html",
        base.replace("</body>", "<!-- operator's edit --></body>"),
    );
    let said = build(&site, EPOCH + 120);
    assert_eq!(reused(&said), 0, "{said}");
    let got = snapshot(&site.public());
    assert!(got == reference(&site, EPOCH + 120));
    let page = String::from_utf8_lossy(&got["incidents/2026-10-01-i0/index.html"]).into_owned();
    assert!(page.contains("operator's edit"));
}

/// Pages kept by what they depend on, not by their built context: a change of the
/// settings or of the strings a settled page shows still reaches it.
#[test]
fn settings_and_strings_reach_settled_pages() {
    let site = site();
    build(&site, EPOCH);
    let said = build(&site, EPOCH + 60);
    assert!(reused(&said) >= 30, "{said}");
    let page = "incidents/2026-10-01-i0/index.html";
    let yaml = site.read("content/site.yaml");
    // The component's name, shown on every post page.
    site.write("content/site.yaml", yaml.replace("name: A", "name: Alpha"));
    build(&site, EPOCH + 120);
    let got = snapshot(&site.public());
    assert!(got == reference(&site, EPOCH + 120));
    assert!(String::from_utf8_lossy(&got[page]).contains("Alpha"));
    // A string override (the impact label every incident page shows).
    site.write(
        "content/site.yaml",
        format!(
            "{}strings:\n  impact:\n    minor: Slightly wobbly\n",
            yaml.replace("name: A", "name: Alpha")
        ),
    );
    build(&site, EPOCH + 180);
    let got = snapshot(&site.public());
    assert!(got == reference(&site, EPOCH + 180));
    assert!(String::from_utf8_lossy(&got[page]).contains("Slightly wobbly"));
}

#[test]
fn a_linked_cache_folder_is_never_written_through() {
    let site = site();
    let elsewhere = site.tmp().join("elsewhere");
    fs::create_dir_all(&elsewhere).unwrap();
    fs::create_dir_all(&site.root).unwrap();
    std::os::unix::fs::symlink(&elsewhere, site.path(".lantern-cache")).unwrap();
    build(&site, EPOCH);
    let said = build(&site, EPOCH + 60);
    assert_eq!(reused(&said), 0, "{said}");
    assert_eq!(fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert!(snapshot(&site.public()) == reference(&site, EPOCH + 60));
    assert!(!Path::new(&site.public().join(".lantern-cache")).exists());
}

/// What `lantern serve` does between rebuilds: the same files as a full render, with
/// unchanged pages taken from the last good render instead of rendered.
#[test]
fn the_preview_reuses_pages_in_memory_with_the_same_bytes() {
    use lantern::pipeline::{self, Reuse};
    use lantern::render::{Files, Unobserved, WorkCounter};
    let site = site();
    let opts = |epoch: i64| lantern::site::LoadOptions {
        root: site.root.clone(),
        include_drafts: true,
        base_url: Some("http://127.0.0.1:4000/".into()),
        now: chrono::DateTime::from_timestamp(epoch, 0).unwrap(),
        health_cache: Default::default(),
        post_cache: Default::default(),
    };
    let (first, reuse) =
        pipeline::render_site_reusing(&opts(EPOCH), &Files::new(), &Reuse::default(), &Unobserved)
            .unwrap();
    assert!(first.files == pipeline::render_site(&opts(EPOCH)).unwrap().files);
    let f = "content/incidents/2026-10-01-i0.md";
    site.write(f, site.read(f).replace("Body 0.", "Body 0, edited."));
    let later = opts(EPOCH + 3600);
    let (with_reuse, without) = (WorkCounter::default(), WorkCounter::default());
    let (second, _) =
        pipeline::render_site_reusing(&later, &first.files, &reuse, &with_reuse).unwrap();
    let full = pipeline::render_site_observed(&later, &without).unwrap();
    assert!(
        second.files == full.files,
        "not the files a full render makes"
    );
    assert!(
        with_reuse.count().renders + 30 <= without.count().renders,
        "{} renders with reuse, {} without",
        with_reuse.count().renders,
        without.count().renders
    );
    // The 29 unchanged (settled) post pages are kept by what they depend on: not even
    // their views are built.
    assert!(
        with_reuse.count().post_views + 29 <= without.count().post_views,
        "{} post views with reuse, {} without",
        with_reuse.count().post_views,
        without.count().post_views
    );
    // Files that do not match what `reuse` describes are never served: full render.
    let mut wrong = first.files.clone();
    for bytes in wrong.values_mut() {
        bytes.extend_from_slice(b"<!-- tampered -->");
    }
    let (third, _) = pipeline::render_site_reusing(&later, &wrong, &reuse, &Unobserved).unwrap();
    assert!(third.files == full.files);
}
