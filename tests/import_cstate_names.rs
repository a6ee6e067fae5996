//! `lantern import cstate` into a site whose components have display names: cState
//! names affected systems the way people read them ("Website"), and the import must
//! find the site's component (`{ id: web, name: Website }`) so the posts pass
//! `lantern check` untouched. A system the site does not have is left out and named.

mod common;

use common::{EPOCH, Site, run_at};
use std::fs;

/// cState issues (with a Hugo `_index.md` that is not an issue) in `<tmp>/issues`.
fn write_issues(site: &Site) -> std::path::PathBuf {
    let dir = site.tmp().join("issues");
    fs::create_dir_all(&dir).unwrap();
    let issue = |name: &str, front: &str| {
        fs::write(
            dir.join(name),
            format!("---\n{front}section: issue\n---\n\nWhat happened.\n"),
        )
        .unwrap();
    };
    fs::write(dir.join("_index.md"), "---\ntitle: Issues\n---\n").unwrap();
    // By name, plus a system the site does not have.
    issue(
        "2026-11-18-site-down.md",
        "title: Site down\ndate: 2026-11-18 15:54:00\nresolved: true\nresolvedWhen: 2026-11-18 17:30:00\nseverity: down\naffected:\n  - Website\n  - Billing\n",
    );
    // By name in another case.
    issue(
        "2026-11-19-slow-queries.md",
        "title: Slow queries\ndate: 2026-11-19 09:00:00\nresolved: true\nresolvedWhen: 2026-11-19 09:45:00\nseverity: disrupted\naffected:\n  - DATABASE\n",
    );
    // By id; "Website" and "web" are one component, listed once.
    issue(
        "2026-11-25-upgrade.md",
        "title: Upgrade\ndate: 2026-11-25 02:00:00\nresolved: false\nresolvedWhen: 2026-11-25 03:30:00\nseverity: notice\naffected:\n  - web\n  - Website\n",
    );
    dir
}

#[test]
fn systems_map_to_the_sites_components_by_name_and_unknown_ones_are_dropped() {
    let site = Site::fixture("tiny");
    let issues = write_issues(&site);
    let import = run_at(
        &site.root,
        EPOCH,
        [
            "import",
            "cstate",
            issues.to_str().unwrap(),
            "--timezone",
            "UTC",
        ],
    );
    import.assert_ok();
    let out = &import.stdout;
    assert!(
        out.contains("2 incidents, 1 maintenance, 0 news (3 written, 0 unchanged)"),
        "{out}"
    );
    for line in [
        "  \"Website\" → web (name in site.yaml)",
        "  \"DATABASE\" → database (name in site.yaml)",
        "  \"web\" → web (id in site.yaml)",
        "  \"Billing\" → nothing (no component in site.yaml has this name or id: left out)",
    ] {
        assert!(
            out.lines().any(|l| l == line),
            "no line {line:?} in:\n{out}"
        );
    }
    // The summary names the dropped system and the post it was dropped from.
    let dropped: Vec<&str> = out.lines().filter(|l| l.contains("`Billing`")).collect();
    assert_eq!(dropped.len(), 1, "{out}");
    assert!(
        dropped[0].contains("matches no component in site.yaml")
            && dropped[0].contains("2026-11-18-site-down.md")
            && !dropped[0].contains("slow-queries"),
        "{out}"
    );
    assert!(!out.contains("not in content/site.yaml"), "{out}");

    let post = |rel: &str| site.read(&format!("content/{rel}"));
    assert!(
        post("incidents/2026-11-18-site-down.md").contains("\ncomponents: [web]\n"),
        "{}",
        post("incidents/2026-11-18-site-down.md")
    );
    assert!(post("incidents/2026-11-19-slow-queries.md").contains("\ncomponents: [database]\n"));
    assert!(post("maintenance/2026-11-25-upgrade.md").contains("\ncomponents: [web]\n"));
    assert!(!post("incidents/2026-11-18-site-down.md").contains("billing"));

    // The imported posts pass `check` as written.
    let check = site.lantern(["check", "--root", "site"]);
    check.assert_ok();
    assert!(!check.stderr.contains("unknown component"), "{check}");
}

#[test]
fn without_a_site_yaml_names_are_slugified_as_before() {
    let site = Site::fixture("tiny");
    let issues = write_issues(&site);
    let elsewhere = site.tmp().join("elsewhere");
    let import = site.lantern([
        "import",
        "cstate",
        issues.to_str().unwrap(),
        "--timezone",
        "UTC",
        "--out",
        elsewhere.to_str().unwrap(),
    ]);
    import.assert_ok();
    let out = &import.stdout;
    assert!(
        out.contains("\"Billing\" → billing (not mapped: slugified name)"),
        "{out}"
    );
    assert!(
        out.contains("\"Website\" → website (not mapped: slugified name)"),
        "{out}"
    );
    assert!(!out.contains("left out"), "{out}");
}
