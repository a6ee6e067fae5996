//! Theme static files cannot replace generated output (pages, API, feeds, the
//! output marker); `favicon.svg` and `robots.txt` are the documented exceptions.

mod common;

use common::{Site, read_text, snapshot};

fn site_with_static(files: &[(&str, &str)]) -> Site {
    let site = Site::fixture("tiny");
    let config = site.read("content/site.yaml");
    site.write("content/site.yaml", format!("{config}theme: t\n"));
    for (name, text) in files {
        site.write(&format!("themes/t/static/{name}"), text);
    }
    site
}

#[test]
fn a_theme_index_html_or_api_file_is_an_error_naming_both() {
    let site = site_with_static(&[("logo.txt", "ok")]);
    site.build(&[]).assert_ok();
    let before = snapshot(&site.public());
    site.write("themes/t/static/index.html", "<p>All good, really</p>");
    site.write("themes/t/static/api/v2/summary.json", "{}");
    site.write("themes/t/static/feed.atom", "x");
    let check = site.lantern(["check", "--root", "site"]);
    check.assert_failed().assert_stderr_has(&[
        "error: themes/t/static/index.html: would replace index.html, which Lantern generates",
        "error: themes/t/static/api/v2/summary.json: would replace api/v2/summary.json",
        "error: themes/t/static/feed.atom: would replace feed.atom",
    ]);
    site.build(&[]).assert_failed();
    assert!(
        snapshot(&site.public()) == before,
        "a refused build changed public/"
    );
}

#[test]
fn a_theme_file_where_generated_output_needs_a_folder_is_an_error() {
    let site = site_with_static(&[("api", "not a folder")]);
    site.lantern(["check", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["error: themes/t/static/api: would replace api/"]);
}

#[test]
fn a_theme_folder_named_like_the_output_marker_is_an_error() {
    let site = site_with_static(&[(".lantern/x", "forged")]);
    site.lantern(["check", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["error: themes/t/static/.lantern/x: would replace .lantern"]);
}

#[test]
fn favicon_robots_and_new_files_are_still_allowed() {
    let site = site_with_static(&[
        ("favicon.svg", "<svg id=\"mine\"/>"),
        ("robots.txt", "User-agent: *\n"),
        ("img/logo.svg", "<svg/>"),
    ]);
    site.build(&[]).assert_ok();
    assert_eq!(
        read_text(&site.public().join("favicon.svg")),
        "<svg id=\"mine\"/>"
    );
    assert_eq!(read_text(&site.public().join("img/logo.svg")), "<svg/>");
}
