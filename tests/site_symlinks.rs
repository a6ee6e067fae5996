//! Symbolic links in the site: followed only when they resolve inside the site root
//! (theme files: inside their theme), otherwise a `check`/`build` error naming the
//! link and its target. Nothing behind such a link is ever read or published.

mod common;
mod serve_support;

use common::{Site, files, read_text, snapshot};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

/// A folder beside the site (inside the test's temp dir) holding a secret file.
fn secret_folder(site: &Site) -> PathBuf {
    let dir = site.tmp().join("secret");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("token.txt"), "SECRET-TOKEN").unwrap();
    dir
}

/// The tiny fixture using theme `t`, whose folder exists with a stylesheet.
fn site_with_theme() -> Site {
    let site = Site::fixture("tiny");
    let config = site.read("content/site.yaml");
    site.write("content/site.yaml", format!("{config}theme: t\n"));
    site.write("themes/t/static/own.css", "body{}");
    site
}

fn nothing_secret_in(dir: &Path) {
    for f in files(dir) {
        let bytes = fs::read(dir.join(&f)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SECRET-TOKEN"),
            "{f} holds the secret"
        );
    }
}

#[test]
fn a_theme_static_folder_linked_out_of_the_site_is_refused() {
    for target in ["/etc", "secret"] {
        let site = site_with_theme();
        site.build(&[]).assert_ok();
        let before = snapshot(&site.public());
        let secret = secret_folder(&site);
        fs::remove_dir_all(site.path("themes/t/static")).unwrap();
        let target = if target == "secret" {
            secret.clone()
        } else {
            PathBuf::from(target)
        };
        symlink(&target, site.path("themes/t/static")).unwrap();
        let real = fs::canonicalize(&target).unwrap();
        let expected = format!(
            "error: themes/t/static: symbolic link to {}, outside themes/t/",
            real.display()
        );
        let check = site.lantern(["check", "--root", "site"]);
        check.assert_failed().assert_stderr_has(&[&expected]);
        site.build(&[])
            .assert_failed()
            .assert_stderr_has(&[&expected]);
        assert!(
            snapshot(&site.public()) == before,
            "a refused build changed public/"
        );
        nothing_secret_in(&site.public());
    }
}

#[test]
fn a_theme_static_folder_linked_to_content_is_refused() {
    let site = site_with_theme();
    site.write("content/health/feed.jsonl", "");
    fs::remove_dir_all(site.path("themes/t/static")).unwrap();
    symlink("../../content", site.path("themes/t/static")).unwrap();
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed().assert_stderr_has(&[
        "error: themes/t/static: symbolic link to ",
        "outside themes/t/; Lantern reads only files inside it",
    ]);
    let out = site.tmp().join("out");
    site.build_into(&out).assert_failed();
    assert!(!out.join("site.yaml").exists());
}

#[test]
fn a_single_theme_file_linked_out_is_refused_and_a_link_inside_the_theme_works() {
    let site = site_with_theme();
    let secret = secret_folder(&site);
    symlink(
        secret.join("token.txt"),
        site.path("themes/t/static/token.txt"),
    )
    .unwrap();
    symlink("own.css", site.path("themes/t/static/alias.css")).unwrap();
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed()
        .assert_stderr_has(&["error: themes/t/static/token.txt: symbolic link to "]);
    assert!(!run.stderr.contains("alias.css"), "{}", run.stderr);

    fs::remove_file(site.path("themes/t/static/token.txt")).unwrap();
    site.build(&[]).assert_ok();
    assert_eq!(read_text(&site.public().join("alias.css")), "body{}");
}

#[test]
fn a_theme_template_linked_out_is_refused() {
    let site = site_with_theme();
    let secret = secret_folder(&site);
    fs::create_dir_all(site.path("themes/t/templates")).unwrap();
    symlink(
        secret.join("token.txt"),
        site.path("themes/t/templates/404.html"),
    )
    .unwrap();
    site.lantern(["check", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["error: themes/t/templates/404.html: symbolic link to "]);
}

#[test]
fn a_theme_folder_linked_out_of_the_site_is_refused() {
    let site = Site::fixture("tiny");
    let config = site.read("content/site.yaml");
    site.write("content/site.yaml", format!("{config}theme: t\n"));
    let elsewhere = site.tmp().join("elsewhere-theme");
    fs::create_dir_all(elsewhere.join("static")).unwrap();
    fs::create_dir_all(site.path("themes")).unwrap();
    symlink(&elsewhere, site.path("themes/t")).unwrap();
    site.lantern(["check", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["error: themes/t: symbolic link to "]);
}

#[test]
fn posts_linked_out_of_the_site_are_named_and_posts_linked_inside_are_read() {
    let site = Site::fixture("tiny");
    let secret = secret_folder(&site);
    fs::write(secret.join("leak.md"), "---\ntitle: SECRET-TOKEN\n---\n").unwrap();
    symlink(secret.join("leak.md"), site.path("content/news/leak.md")).unwrap();
    // A post kept elsewhere in the site and linked in is fine.
    let news = site.read("content/news/2026-11-15-hello.md");
    site.write(
        "drafts/linked.md",
        news.replace("title:", "title: Linked in —"),
    );
    symlink(
        "../../drafts/linked.md",
        site.path("content/news/linked.md"),
    )
    .unwrap();
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed().assert_stderr_has(&[&format!(
        "error: content/news/leak.md: symbolic link to {}, outside the site root",
        fs::canonicalize(secret.join("leak.md")).unwrap().display()
    )]);
    assert!(!run.stderr.contains("linked.md"), "{}", run.stderr);

    fs::remove_file(site.path("content/news/leak.md")).unwrap();
    site.build(&[]).assert_ok();
    assert!(read_text(&site.public().join("news/linked/index.html")).contains("Linked in —"));
}

#[test]
fn a_broken_post_link_is_an_error_not_a_silent_skip() {
    let site = Site::fixture("tiny");
    symlink("nowhere.md", site.path("content/news/gone.md")).unwrap();
    // Editors' lock files are dangling links too; hidden ones are ignored.
    symlink("user@host.123", site.path("content/news/.#hello.md")).unwrap();
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed().assert_stderr_has(&[
        "error: content/news/gone.md: symbolic link that cannot be followed (its target does not exist)",
    ]);
    assert!(!run.stderr.contains(".#hello"), "{}", run.stderr);
}

#[test]
fn a_content_folder_linked_out_of_the_site_is_refused() {
    let site = Site::fixture("tiny");
    let elsewhere = site.tmp().join("elsewhere");
    fs::rename(site.path("content/incidents"), &elsewhere).unwrap();
    symlink(&elsewhere, site.path("content/incidents")).unwrap();
    site.lantern(["check", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["error: content/incidents: symbolic link to "]);
}

#[test]
fn site_yaml_linked_out_of_the_site_is_refused() {
    let site = Site::fixture("tiny");
    let elsewhere = site.tmp().join("site.yaml");
    fs::rename(site.path("content/site.yaml"), &elsewhere).unwrap();
    symlink(&elsewhere, site.path("content/site.yaml")).unwrap();
    site.lantern(["check", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["error: content/site.yaml: symbolic link to "]);
}

#[test]
fn feed_files_and_folders_linked_out_of_the_site_are_refused() {
    let site = Site::fixture("tiny");
    let secret = secret_folder(&site);
    fs::write(secret.join("x.jsonl"), "").unwrap();
    fs::create_dir_all(site.path("content/health")).unwrap();
    symlink(secret.join("x.jsonl"), site.path("content/health/x.jsonl")).unwrap();
    symlink(&secret, site.path("content/health/more")).unwrap();
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed().assert_stderr_has(&[
        "error: content/health/more: symbolic link to ",
        "error: content/health/x.jsonl: symbolic link to ",
    ]);
}

#[test]
fn serve_does_not_serve_a_theme_file_linked_out_of_the_site() {
    let _serial = serve_support::serial();
    let site = site_with_theme();
    let secret = secret_folder(&site);
    symlink(
        secret.join("token.txt"),
        site.path("themes/t/static/token.txt"),
    )
    .unwrap();
    let server = serve_support::Server::start(&site.root, &[]);
    let resp = server.get("/token.txt");
    assert_ne!(resp.status, 200, "{}", server.output());
    assert!(!resp.text().contains("SECRET-TOKEN"));
    let home = server.get("/");
    assert!(!home.text().contains("SECRET-TOKEN"));
    assert!(
        home.text().contains("themes/t/static/token.txt")
            || server.output().contains("themes/t/static/token.txt"),
        "the preview names the link:\n{}\n{}",
        home.text(),
        server.output()
    );
}

#[test]
fn a_linked_content_folder_is_named_once() {
    let site = Site::fixture("tiny");
    let elsewhere = site.tmp().join("elsewhere");
    fs::rename(site.path("content"), &elsewhere).unwrap();
    symlink(&elsewhere, site.path("content")).unwrap();
    let run = site.lantern(["check", "--root", "site"]);
    run.assert_failed()
        .assert_stderr_has(&["1 error(s) found", "error: content: symbolic link to "]);
    assert_eq!(
        run.stderr.matches("symbolic link").count(),
        1,
        "{}",
        run.stderr
    );
}
