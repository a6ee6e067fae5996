//! `lantern serve`, run as the real binary on a free loopback port against a copy of the
//! example site, spoken to over plain HTTP/1.0.

mod serve_support;

use serve_support::{
    DRAFT_URL, EPOCH, POST_FILE, POST_URL, Server, Site, http, serial, snapshot, wait_until,
};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The promise of the issue: an edit shows within this time.
const CHANGE_VISIBLE: Duration = Duration::from_secs(2);

/// For waits that are about something happening at all, not about how fast.
const EVENTUALLY: Duration = Duration::from_secs(10);

#[test]
fn drafts_are_served_and_nothing_is_written() {
    let _serial = serial();
    let site = Site::example();
    let before = site.snapshot();
    let mut server = Server::start(site.root(), &[]);

    let draft = server.get(DRAFT_URL);
    assert_eq!(draft.status, 200, "{}", server.output());
    assert!(
        draft
            .text()
            .contains("Draft: follow-up on message recovery")
    );
    assert!(draft.text().contains("DRAFT — not published"));
    assert_eq!(draft.header("cache-control"), Some("no-store"));
    assert_eq!(
        draft.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(draft.complete());
    // The reload client goes in just before `</body>`, once.
    let text = draft.text();
    assert_eq!(text.matches("id=\"lantern-reload\"").count(), 1);
    assert!(text.find("lantern-reload") < text.rfind("</body>"));

    let home = server.get("/");
    assert!(home.text().contains(DRAFT_URL), "home links the draft");
    let css = server.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(
        !css.text().contains("lantern-reload"),
        "only HTML is touched"
    );

    let head = server.request("HEAD", DRAFT_URL);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length"),
        draft.header("content-length")
    );

    let panel = server.get("/__lantern/");
    assert_eq!(panel.status, 200);
    assert!(
        panel
            .text()
            .contains("Draft: follow-up on message recovery")
    );
    assert!(
        panel.text().contains("does not exist yet"),
        "{}",
        panel.text()
    );

    #[cfg(unix)]
    {
        let code = server.interrupt(Duration::from_secs(5));
        assert_eq!(code, Some(0), "Ctrl-C stops cleanly\n{}", server.output());
        assert!(server.stdout_lines().iter().any(|l| l == "stopping"));
    }
    drop(server);
    assert!(
        !site.root().join("public").exists(),
        "serve created public/"
    );
    assert_eq!(site.snapshot(), before, "serve wrote into the site");
}

#[test]
fn panel_lists_what_build_would_change_and_leaves_public_alone() {
    let _serial = serial();
    let site = Site::example();
    let built = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args(["build", "--root"])
        .arg(site.root())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::null())
        .output()
        .expect("run lantern build");
    assert!(
        built.status.success(),
        "{}",
        String::from_utf8_lossy(&built.stderr)
    );
    let public = site.root().join("public");
    let published = snapshot(&public);

    // One changed page and one new page since the last build.
    let post = site.read(POST_FILE);
    site.write(
        POST_FILE,
        &post.replace(
            "title: Mention and digest emails are delayed",
            "title: Emails were delayed",
        ),
    );
    let news = site.read("content/news/2026-11-26-database-monitoring.md");
    site.write("content/news/2026-11-29-brand-new.md", &news);

    // No fixed "now" here: the panel must compare as of the published build's time.
    let server = Server::start_with_env(site.root(), &[], &[]);
    let panel = server.get("/__lantern/");
    assert_eq!(panel.status, 200, "{}", server.output());
    let html = panel.text();
    let section = |name: &str| -> String {
        let start = html
            .find(&format!("<h3>{name} ("))
            .unwrap_or_else(|| panic!("no {name} section in\n{html}"));
        let end = html[start..]
            .find("</ul>")
            .map_or(html.len(), |e| start + e);
        html[start..end].to_string()
    };
    let new = section("New");
    assert!(
        new.contains("news/2026-11-29-brand-new/index.html"),
        "{new}"
    );
    let changed = section("Changed");
    assert!(
        changed.contains("incidents/2026-11-27-delayed-emails/index.html"),
        "{changed}"
    );
    assert!(!changed.contains("style.css"), "{changed}");
    assert!(
        !changed.contains("incidents/2026-08-14-login-errors/"),
        "untouched pages are not listed:\n{changed}"
    );
    assert!(!html.contains("<h3>Removed"), "{html}");
    assert!(html.contains("Drafts (1)"), "{html}");
    assert!(html.contains(&format!("href=\"{DRAFT_URL}\"")), "{html}");

    drop(server);
    assert_eq!(snapshot(&public), published, "serve touched public/");
}

#[test]
fn edits_show_within_two_seconds_and_deleting_gives_404() {
    let _serial = serial();
    let site = Site::example();
    let server = Server::start(site.root(), &[]);
    let first = server.build();

    // A long-poll for the current build is held, then answered by the rebuild.
    let port = server.port;
    let waiting = thread::spawn(move || {
        http(
            port,
            "GET",
            &format!("/__lantern/poll?since={first}"),
            Duration::from_secs(30),
        )
    });
    thread::sleep(Duration::from_millis(300));
    assert!(!waiting.is_finished(), "a poll for the current build waits");

    let post = site.read(POST_FILE);
    let edited = post.replace(
        "title: Mention and digest emails are delayed",
        "title: Emails are slow today",
    );
    assert_ne!(post, edited);
    let started = Instant::now();
    site.write(POST_FILE, &edited);
    assert!(
        wait_until(CHANGE_VISIBLE, || server
            .get(POST_URL)
            .text()
            .contains("Emails are slow today")),
        "the edit did not show within 2 s\n{}",
        server.output()
    );
    eprintln!("edit visible after {} ms", started.elapsed().as_millis());

    let answer = waiting.join().expect("poll thread").expect("poll answered");
    let json: serde_json::Value = serde_json::from_slice(&answer.body).expect("JSON");
    assert!(json["build"].as_u64().expect("build") > first, "{json}");
    assert!(json["error"].is_null(), "{json}");
    let after_edit = server.build();
    assert!(after_edit > first);
    // A page from an older build learns at once that it is stale.
    let behind = server.poll(&format!("/__lantern/poll?since={first}"));
    assert_eq!(behind["build"].as_u64(), Some(after_edit));

    site.remove(POST_FILE);
    assert!(
        wait_until(CHANGE_VISIBLE, || server.get(POST_URL).status == 404),
        "the deleted post is still served\n{}",
        server.output()
    );
    let gone = server.get(POST_URL);
    assert!(
        gone.text().contains("Page not found"),
        "the site's own 404 page"
    );
    assert!(!server.get("/").text().contains(POST_URL));
}

#[test]
fn broken_edit_keeps_last_good_page_with_error_overlay() {
    let _serial = serial();
    let site = Site::example();
    let server = Server::start(site.root(), &[]);
    let good = site.read(POST_FILE);
    assert!(
        good.lines().nth(2) == Some("impact: minor"),
        "fixture moved"
    );

    site.write(
        POST_FILE,
        &good.replace("impact: minor", "impact: catastrophic"),
    );
    let overlaid = || server.get(POST_URL).text().contains("id=\"lantern-error\"");
    assert!(
        wait_until(CHANGE_VISIBLE, overlaid),
        "no error overlay\n{}",
        server.output()
    );
    let page = server.get(POST_URL);
    assert_eq!(page.status, 200, "the last good page is still served");
    let text = page.text();
    assert!(text.contains("Mention and digest emails are delayed"));
    assert!(
        text.contains("content/incidents/2026-11-27-delayed-emails.md:3: field `impact`"),
        "overlay names file, line and field:\n{text}"
    );
    assert!(text.contains("catastrophic"));
    assert!(server.get("/").text().contains("id=\"lantern-error\""));
    let status = server.poll("/__lantern/poll");
    assert!(
        status["error"]
            .as_str()
            .is_some_and(|e| e.contains("impact")),
        "{status}"
    );

    site.write(POST_FILE, &good);
    assert!(
        wait_until(CHANGE_VISIBLE, || !overlaid()),
        "fixing the file did not clear the overlay\n{}",
        server.output()
    );
    assert!(server.poll("/__lantern/poll")["error"].is_null());
}

#[test]
fn traversal_is_refused_and_only_get_and_head_are_answered() {
    let _serial = serial();
    let site = Site::example();
    site.write("secret.txt", "TOP-SECRET-OUTSIDE-CONTENT");
    site.write(
        "Cargo.toml",
        "[package]\nname = \"TOP-SECRET-OUTSIDE-CONTENT\"\n",
    );
    let server = Server::start(site.root(), &[]);
    let attempts = [
        "/../Cargo.toml",
        "/../secret.txt",
        "/%2e%2e/",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/%2e%2e%2fsecret.txt",
        "/..%2f..%2fetc/passwd",
        "/.%2e/secret.txt",
        "/..\\..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "/%00",
        "/index.html%00.txt",
        "/incidents/../../secret.txt",
        "/incidents/%2e%2e/%2e%2e/secret.txt",
        "/./index.html",
        "/%c0%ae%c0%ae/secret.txt",
        "/secret.txt",
        "/Cargo.toml",
        "/content/site.yaml",
        "http://127.0.0.1/../secret.txt",
    ];
    for path in attempts {
        let r = server.get(path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path} answered {}",
            r.status
        );
        assert!(
            !r.text().contains("TOP-SECRET") && !r.text().contains("root:"),
            "{path} leaked a file"
        );
    }

    let post = server.request("POST", "/");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    for method in ["PUT", "DELETE", "OPTIONS"] {
        assert_eq!(server.request(method, "/").status, 405, "{method}");
    }

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains("Page not found"),
        "the site's 404 page"
    );
    assert!(missing.text().contains("lantern-reload"));

    let bare = server.get(POST_URL.trim_end_matches('/'));
    assert_eq!(bare.status, 301);
    assert_eq!(bare.header("location"), Some(POST_URL));
}

#[test]
fn concurrent_gets_during_rebuilds_all_complete() {
    let _serial = serial();
    let site = Arc::new(Site::example());
    let server = Arc::new(Server::start(site.root(), &[]));
    let first = server.build();
    let done = Arc::new(AtomicBool::new(false));

    // Keep the site rebuilding while the requests run.
    let editor = {
        let (site, done) = (Arc::clone(&site), Arc::clone(&done));
        let original = site.read(POST_FILE);
        thread::spawn(move || {
            let mut n = 0;
            while !done.load(Ordering::SeqCst) {
                n += 1;
                site.write(POST_FILE, &format!("{original}\nEdit number {n}.\n"));
                thread::sleep(Duration::from_millis(120));
            }
        })
    };
    let paths = [
        "/",
        "/history/",
        "/style.css",
        POST_URL,
        DRAFT_URL,
        "/news/",
    ];
    let workers: Vec<_> = (0..20)
        .map(|t| {
            let server = Arc::clone(&server);
            thread::spawn(move || {
                let mut ok = 0;
                for i in 0..10 {
                    let path = paths[(t + i) % paths.len()];
                    let r = server.get(path);
                    assert_eq!(r.status, 200, "{path}");
                    assert!(r.complete(), "{path}: truncated answer");
                    if path != "/style.css" {
                        assert!(r.text().contains("</html>"), "{path}: incomplete page");
                    }
                    ok += 1;
                }
                ok
            })
        })
        .collect();
    let ok: usize = workers.into_iter().map(|w| w.join().expect("worker")).sum();
    done.store(true, Ordering::SeqCst);
    editor.join().expect("editor");
    assert_eq!(ok, 200);
    assert!(
        wait_until(EVENTUALLY, || server.build() > first),
        "no rebuild happened during the run\n{}",
        server.output()
    );
}

#[test]
fn rebuild_time_is_logged() {
    let _serial = serial();
    let site = Site::example();
    let server = Server::start(site.root(), &[]);
    let post = site.read(POST_FILE);
    site.write(POST_FILE, &format!("{post}\nOne more line.\n"));
    let logged = || {
        server
            .stdout_lines()
            .iter()
            .any(|l| l.starts_with("rebuilt in ") && l.contains(" ms"))
    };
    assert!(
        wait_until(EVENTUALLY, logged),
        "no `rebuilt in N ms` line\n{}",
        server.output()
    );
    // The preview's own reads of content/ must not trigger rebuilds.
    thread::sleep(Duration::from_millis(800));
    let rebuilds = server
        .stdout_lines()
        .iter()
        .filter(|l| l.starts_with("rebuilt in "))
        .count();
    assert!(rebuilds <= 2, "rebuild loop:\n{}", server.output());
}

#[test]
fn busy_explicit_port_is_an_error_and_wide_bind_warns() {
    let _serial = serial();
    let site = Site::example();
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let out = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args(["serve", "--port", &port.to_string(), "--root"])
        .arg(site.root())
        .stdin(Stdio::null())
        .output()
        .expect("run lantern serve");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains(&format!("127.0.0.1:{port} is already in use")),
        "{stderr}"
    );
    drop(taken);

    let wide = Server::start(site.root(), &["--bind", "0.0.0.0"]);
    assert_eq!(wide.get(DRAFT_URL).status, 200);
    assert!(
        wide.output().contains("drafts included"),
        "{}",
        wide.output()
    );
    assert!(
        wide.output().contains("warning: listening on 0.0.0.0:"),
        "{}",
        wide.output()
    );
}
