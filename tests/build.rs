//! `lantern build` on whole sites: which pages exist, what every page carries,
//! drafts, sub-path deployment, BOM/CRLF input and reproducibility.

mod common;

use common::{
    Site, assert_file_contains, file_contains, files, front_matter_value, html_pages, read_text,
    repo, snapshot,
};
use std::path::Path;

const DRAFT_FILE: &str = "content/incidents/2026-12-01-draft-followup.md";

/// The text of a `key: value` (or `key: "value"`) entry inside a one-line YAML map.
fn inline_value(line: &str, key: &str) -> Option<String> {
    let rest = line.split(&format!("{key}:")).nth(1)?.trim_start();
    let value = match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next()?,
        None => rest.split([',', '}']).next()?.trim(),
    };
    Some(value.to_string())
}

/// Lines of the top-level block `key:` in a YAML file.
fn yaml_block<'a>(yaml: &'a str, key: &str) -> Vec<&'a str> {
    yaml.lines()
        .skip_while(|l| !l.starts_with(&format!("{key}:")))
        .skip(1)
        .take_while(|l| l.starts_with(' ') || l.starts_with('-'))
        .collect()
}

/// `(label, url)` of every contact link in the example site's site.yaml.
fn example_contacts() -> Vec<(String, String)> {
    let yaml = read_text(&repo().join("content/site.yaml"));
    let links: Vec<_> = yaml_block(&yaml, "contact")
        .into_iter()
        .filter_map(|l| Some((inline_value(l, "label")?, inline_value(l, "url")?)))
        .collect();
    assert!(links.len() >= 2, "site.yaml should list contact links");
    links
}

/// Component ids of the example site.
fn example_component_ids() -> Vec<String> {
    let yaml = read_text(&repo().join("content/site.yaml"));
    let ids: Vec<_> = yaml_block(&yaml, "components")
        .into_iter()
        .filter_map(|l| inline_value(l, "id"))
        .collect();
    assert!(!ids.is_empty(), "site.yaml should list components");
    ids
}

/// `(output page, is draft)` for every post of the example site.
fn example_post_pages() -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for kind in ["incidents", "maintenance", "news"] {
        let dir = repo().join("content").join(kind);
        for rel in files(&dir).into_iter().filter(|f| f.ends_with(".md")) {
            let text = read_text(&dir.join(&rel));
            let draft = text
                .lines()
                .any(|l| l.trim_start().starts_with("draft: true"));
            let stem = rel.trim_end_matches(".md");
            out.push((format!("{kind}/{stem}/index.html"), draft));
        }
    }
    out
}

fn draft_title() -> String {
    front_matter_value(&read_text(&repo().join(DRAFT_FILE)), "title")
}

#[test]
fn example_site_has_every_page() {
    let site = Site::example();
    site.build(&[]).assert_ok();
    let public = site.public();
    let mut expected: Vec<String> = [
        "index.html",
        "history/index.html",
        "news/index.html",
        "404.html",
    ]
    .map(String::from)
    .to_vec();
    expected.extend(
        example_post_pages()
            .into_iter()
            .filter(|(_, draft)| !draft)
            .map(|(page, _)| page),
    );
    expected.extend(
        example_component_ids()
            .iter()
            .map(|id| format!("components/{id}/index.html")),
    );
    let missing: Vec<_> = expected
        .iter()
        .filter(|p| !public.join(p).is_file())
        .collect();
    assert!(missing.is_empty(), "pages missing: {missing:?}");
    assert_file_contains(&public.join("index.html"), "Chatterbox Status");
}

#[test]
fn every_page_carries_every_contact_link() {
    let site = Site::example();
    site.build(&[]).assert_ok();
    let pages = html_pages(&site.public());
    assert!(pages.len() > 10, "expected many pages, got {}", pages.len());
    for (label, url) in example_contacts() {
        for (page, html) in &pages {
            assert!(
                html.contains(&format!("href=\"{url}\"")),
                "{page} lacks the contact URL {url}"
            );
            assert!(
                html.contains(&format!(">{label}<")),
                "{page} lacks the contact label {label}"
            );
        }
    }
}

#[test]
fn drafts_are_never_published_by_default() {
    let site = Site::example();
    site.build(&[]).assert_ok();
    let title = draft_title();
    assert!(
        title.starts_with("Draft:"),
        "unexpected draft title {title}"
    );
    let public = site.public();
    let (draft_page, _) = example_post_pages()
        .into_iter()
        .find(|(_, draft)| *draft)
        .expect("the example site has a draft");
    assert!(!public.join(&draft_page).exists(), "{draft_page} exists");
    let slug = "2026-12-01-draft-followup";
    for (rel, bytes) in snapshot(&public) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&title), "{rel} contains the draft title");
        assert!(!text.contains(slug), "{rel} links to the draft");
    }
}

#[test]
fn drafts_flag_publishes_drafts() {
    let site = Site::example();
    let run = site.build(&["--drafts"]);
    run.assert_ok().assert_stderr_has(&["--drafts"]);
    let page = site
        .public()
        .join("incidents/2026-12-01-draft-followup/index.html");
    assert_file_contains(&page, &draft_title());
}

/// Where an `href`/`src` value points, as a path inside the output folder.
///
/// `Ok(None)`: not ours to check (another host, mailto:, a fragment on this page).
/// Relative links resolve against the page's own URL, as a browser would.
fn target(page: &str, link: &str, host: &str, base: &str) -> Result<Option<String>, String> {
    let link = link.replace("&amp;", "&").replace("&#x2F;", "/");
    if link.starts_with('#') || link.starts_with("mailto:") || link.starts_with("tel:") {
        return Ok(None);
    }
    let path = if let Some(rest) = link.strip_prefix(host) {
        rest.to_string()
    } else if link.contains("://") || link.starts_with("//") {
        return Ok(None);
    } else if link.starts_with('/') {
        link.clone()
    } else if page == "404.html" {
        // The 404 page is served at any URL, so a relative link on it cannot work.
        return Err(format!("relative link {link} on the 404 page"));
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        let base_dir = format!("{base}{dir}");
        let mut parts: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
        for seg in link.split('/') {
            match seg {
                ".." => {
                    parts.pop();
                }
                "." => {}
                s => parts.push(s),
            }
        }
        format!("/{}", parts.join("/"))
    };
    let path = path.split(['#', '?']).next().unwrap_or("");
    let inside = path
        .strip_prefix(base)
        .ok_or_else(|| format!("{link} leaves the sub-path {base}"))?;
    Ok(Some(if inside.is_empty() || inside.ends_with('/') {
        format!("{inside}index.html")
    } else {
        inside.to_string()
    }))
}

/// Every `href="…"` and `src="…"` value in `html`.
fn links(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        for (start, _) in html.match_indices(attr) {
            let rest = &html[start + attr.len()..];
            out.push(rest.split('"').next().unwrap_or(""));
        }
    }
    out
}

#[test]
fn base_url_with_sub_path_keeps_every_link_working() {
    let site = Site::example();
    site.build(&["--base-url", "https://example.org/status/"])
        .assert_ok();
    let public = site.public();
    let mut checked = 0;
    let mut broken = Vec::new();
    for (page, html) in html_pages(&public) {
        for link in links(&html) {
            match target(&page, link, "https://example.org", "/status/") {
                Ok(Some(file)) if public.join(&file).is_file() => checked += 1,
                Ok(Some(file)) => broken.push(format!("{page}: {link} → missing {file}")),
                Ok(None) => {}
                Err(e) => broken.push(format!("{page}: {e}")),
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    assert!(checked > 100, "only {checked} internal links found");
    assert_file_contains(&public.join("index.html"), "href=\"/status/style.css\"");
}

#[test]
fn link_checker_catches_links_outside_the_sub_path() {
    // The checker itself must be able to fail.
    let t = |page, link| target(page, link, "https://example.org", "/status/");
    assert!(t("index.html", "/style.css").is_err());
    assert!(t("404.html", "style.css").is_err());
    assert!(t("news/a/index.html", "../../../x/").is_err());
    assert_eq!(
        t("news/a/index.html", "../../incidents/b/#top"),
        Ok(Some("incidents/b/index.html".into()))
    );
    assert_eq!(
        t("index.html", "https://example.org/status/"),
        Ok(Some("index.html".into()))
    );
    assert_eq!(t("index.html", "https://other.example/status/"), Ok(None));
}

#[test]
fn bom_and_crlf_posts_build() {
    let site = Site::fixture("tiny");
    let crlf = |text: &str| format!("\u{feff}{}", text.replace('\n', "\r\n"));
    site.write(
        "content/news/2026-11-20-bom.md",
        crlf("---\ntitle: Saved on Windows\ndate: 2026-11-20T09:00:00Z\n---\nHello **there**.\n"),
    );
    site.write(
        "content/incidents/2026-11-21-crlf.md",
        crlf(&common::post(&[
            "title: CRLF incident",
            "impact: major",
            "components: [web, database]",
            "started: 2026-11-21T10:00:00Z",
            "resolved: 2026-11-21T12:00:00Z",
            "updates:",
            "  - at: 2026-11-21T10:00:00Z",
            "    status: investigating",
            "    text: Looking.",
            "  - at: 2026-11-21T12:00:00Z",
            "    status: resolved",
            "    text: Fixed.",
        ])),
    );
    site.build(&[]).assert_ok();
    let public = site.public();
    let news = public.join("news/2026-11-20-bom/index.html");
    assert_file_contains(&news, "Saved on Windows");
    assert_file_contains(&news, "<strong>there</strong>");
    let incident = public.join("incidents/2026-11-21-crlf/index.html");
    assert_file_contains(&incident, "CRLF incident");
    for page in [&news, &incident] {
        assert!(!file_contains(page, "\u{feff}"), "BOM leaked into output");
        assert!(!file_contains(page, "\r"), "CR leaked into output");
    }
}

fn assert_same_tree(a: &Path, b: &Path) {
    let (sa, sb) = (snapshot(a), snapshot(b));
    let names_a: Vec<_> = sa.keys().collect();
    let names_b: Vec<_> = sb.keys().collect();
    assert_eq!(names_a, names_b, "different file lists");
    for (rel, bytes) in &sa {
        assert!(bytes == &sb[rel], "{rel} differs between the two builds");
    }
}

#[test]
fn builds_are_byte_identical() {
    let site = Site::example();
    let one = site.tmp().join("one");
    let two = site.tmp().join("out/two");
    site.build_into(&one).assert_ok();
    site.build_into(&two).assert_ok();
    assert!(files(&one).len() > 15);
    assert_same_tree(&one, &two);
}
