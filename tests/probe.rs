//! `lantern probe` end to end against loopback servers and local commands: results,
//! safe messages, timeouts, appending under signals and concurrency, bad config.

mod common;

use common::{Run, Site};
use serde_json::Value;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Run `lantern` in `cwd` with the real clock (probes stamp results with it).
fn lantern(cwd: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run the lantern binary");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A loopback HTTP server: `/ok` 200 "ok", `/fail` 503, `/other` 200 "nope",
/// `/slow` answers after 3 s, `/slowish` after 300 ms, `/redirect` → `/ok`.
/// Returns its port and the User-Agent headers it saw.
fn http_server() -> (u16, Arc<Mutex<Vec<String>>>) {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind loopback");
    let port = server.server_addr().to_ip().expect("ip").port();
    let agents = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&agents);
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                if let Some(ua) = req.headers().iter().find(|h| h.field.equiv("User-Agent")) {
                    seen.lock().unwrap().push(ua.value.to_string());
                }
                let (code, body, wait) = match req.url() {
                    "/ok" => (200, "ok", 0),
                    "/fail" => (503, "down for maintenance", 0),
                    "/other" => (200, "nope", 0),
                    "/slow" => (200, "ok", 3000),
                    "/slowish" => (200, "ok", 300),
                    "/redirect" => (302, "", 0),
                    _ => (404, "", 0),
                };
                std::thread::sleep(Duration::from_millis(wait));
                let mut resp = tiny_http::Response::from_string(body).with_status_code(code);
                if code == 302 {
                    resp.add_header(
                        tiny_http::Header::from_bytes("Location", "/ok").expect("header"),
                    );
                }
                let _ = req.respond(resp);
            });
        }
    });
    (port, agents)
}

/// A loopback port with nothing listening.
fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A site whose components list `checks` and whose config ends with `probes`.
fn site(checks: &[&str], probes: &str) -> Site {
    let site = Site::empty();
    let list = checks.join(", ");
    site.write(
        "content/site.yaml",
        format!(
            "title: Probe Test\nbase_url: https://status.test/\ntimezone: UTC\ncomponents:\n  - {{ id: web, name: Website, checks: [{list}] }}\nprobes:\n{probes}"
        ),
    );
    site
}

/// Every line of every probe file, parsed (panics on a line that is not whole JSON).
fn feed_lines(site: &Site) -> Vec<Value> {
    let dir = site.path("content/health");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(e.unwrap().path()).unwrap();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "a partial line: {text}"
        );
        for line in text.lines() {
            out.push(
                serde_json::from_str(line).unwrap_or_else(|e| panic!("bad line {line:?}: {e}")),
            );
        }
    }
    out
}

fn result_of<'a>(lines: &'a [Value], check: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["check"] == check)
        .unwrap_or_else(|| panic!("no result for {check}: {lines:?}"))
}

#[test]
fn http_probes_against_a_loopback_server() {
    let (port, agents) = http_server();
    let closed = closed_port();
    let base = format!("http://127.0.0.1:{port}");
    let probes = format!(
        "  - {{ id: ok, http: \"{base}/ok\", expect_body: ok }}
  - {{ id: fail, http: \"{base}/fail\" }}
  - {{ id: body, http: \"{base}/other\", expect_body: ok }}
  - {{ id: slow, http: \"{base}/slow\", timeout: 1s }}
  - {{ id: slowish, http: \"{base}/slowish\", degraded_latency_ms: 100 }}
  - {{ id: redirect, http: \"{base}/redirect\", expect_status: [200], expect_body: ok }}
  - {{ id: refused, http: \"http://127.0.0.1:{closed}/\" }}
  - {{ id: tcp-refused, tcp: \"127.0.0.1:{closed}\" }}
  - {{ id: tcp-open, tcp: \"127.0.0.1:{port}\" }}
"
    );
    let ids = [
        "ok",
        "fail",
        "body",
        "slow",
        "slowish",
        "redirect",
        "refused",
        "tcp-refused",
        "tcp-open",
    ];
    let s = site(&ids, &probes);
    let started = Instant::now();
    let run = lantern(s.tmp(), &["probe", "--root", "site"]);
    let took = started.elapsed();
    run.assert_ok();
    assert!(
        took < Duration::from_secs(2),
        "a 1 s timeout ends the round within timeout + 1 s: took {took:?}"
    );
    let lines = feed_lines(&s);
    assert_eq!(lines.len(), ids.len(), "one line per probe");
    let ok = result_of(&lines, "ok");
    assert_eq!(ok["status"], "up");
    assert!(ok["latency_ms"].as_u64().is_some(), "{ok}");
    assert!(ok["at"].as_str().unwrap().ends_with('Z'));
    let fail = result_of(&lines, "fail");
    assert_eq!(
        (&fail["status"], &fail["message"]),
        (&"down".into(), &"HTTP 503".into())
    );
    assert_eq!(
        result_of(&lines, "body")["message"],
        "body does not contain \"ok\""
    );
    let slow = result_of(&lines, "slow");
    assert_eq!(slow["status"], "down");
    assert_eq!(slow["message"], "timed out after 1 s");
    assert_eq!(result_of(&lines, "slowish")["status"], "degraded");
    assert_eq!(result_of(&lines, "redirect")["status"], "up");
    assert_eq!(
        result_of(&lines, "refused")["message"],
        "connection refused"
    );
    assert_eq!(
        result_of(&lines, "tcp-refused")["message"],
        "connection refused"
    );
    assert_eq!(result_of(&lines, "tcp-open")["status"], "up");
    // The printed summary: one line per probe with its state and message.
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("fail ") && l.contains("down") && l.ends_with("HTTP 503")),
        "{run}"
    );
    let ua = format!("lantern-probe/{}", env!("CARGO_PKG_VERSION"));
    assert!(
        agents.lock().unwrap().iter().all(|a| a == &ua),
        "{agents:?}"
    );
    assert!(!agents.lock().unwrap().is_empty());

    // Built at once, the page shows what was probed, never "unknown".
    lantern(s.tmp(), &["build", "--root", "site"]).assert_ok();
    let report: Value = common::uptime_report(&s.root.join("public"), "web");
    assert_eq!(report["status"], "major_outage", "{report}");
}

#[test]
fn probe_then_build_at_once_reads_the_probed_status() {
    let s = site(&["up-cmd"], "  - { id: up-cmd, command: [\"true\"] }\n");
    lantern(s.tmp(), &["probe", "--root", "site", "--build"]).assert_ok();
    let report: Value = common::uptime_report(&s.root.join("public"), "web");
    assert_eq!(report["status"], "operational", "{report}");
    let today = report["days"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(today["observed_minutes"], 1.0, "{today}");
    assert!(
        s.read("public/index.html")
            .contains("All Systems Operational")
    );
}

#[test]
fn command_probes_exit_status_secrets_and_timeouts() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("grandchild.pid");
    let probes = format!(
        "  - {{ id: ok-cmd, command: [\"true\"] }}
  - {{ id: fail-cmd, command: [\"false\"] }}
  - id: leaky
    command: [sh, -c, \"echo password=hunter2-SECRET >&2; echo db.internal.example; exit 2\"]
  - id: shared
    command: [sh, -c, \"echo 'replica lag 3 s'; echo more; exit 1\"]
    publish_output: true
  - id: sleepy
    command: [sh, -c, \"sleep 30 & echo $! > {}; wait\"]
    timeout: 1s
  - {{ id: missing, command: [\"/nonexistent/lantern-test-program\"] }}
  - {{ id: stdin, command: [sh, -c, \"read x; test -z \\\"$x\\\"\"] }}
",
        pidfile.display()
    );
    let ids = [
        "ok-cmd", "fail-cmd", "leaky", "shared", "sleepy", "missing", "stdin",
    ];
    let s = site(&ids, &probes);
    let started = Instant::now();
    let run = lantern(s.tmp(), &["probe", "--root", "site", "--build"]);
    run.assert_ok();
    assert!(started.elapsed() < Duration::from_secs(10), "{run}");
    let lines = feed_lines(&s);
    assert_eq!(result_of(&lines, "ok-cmd")["status"], "up");
    let no = result_of(&lines, "fail-cmd");
    assert_eq!(
        (&no["status"], &no["message"]),
        (&"down".into(), &"exit status 1".into())
    );
    assert_eq!(result_of(&lines, "leaky")["message"], "exit status 2");
    assert_eq!(
        result_of(&lines, "shared")["message"],
        "exit status 1: replica lag 3 s"
    );
    assert_eq!(
        result_of(&lines, "sleepy")["message"],
        "timed out after 1 s"
    );
    assert_eq!(result_of(&lines, "missing")["message"], "command not found");
    assert_eq!(
        result_of(&lines, "stdin")["status"],
        "up",
        "stdin is closed: read sees end of input at once"
    );
    // The command's own output is published nowhere: not the feed, not public/, not stdout.
    for secret in ["hunter2-SECRET", "db.internal.example"] {
        assert!(!run.stdout.contains(secret) && !run.stderr.contains(secret));
        for (path, bytes) in common::snapshot(&s.path("content/health"))
            .into_iter()
            .chain(common::snapshot(&s.public()))
        {
            assert!(
                !String::from_utf8_lossy(&bytes).contains(secret),
                "{secret} leaked into {path}"
            );
        }
    }
    // The timeout killed the whole process group, the backgrounded sleep included.
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(2);
    while alive(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!alive(pid), "the grandchild {pid} survived the timeout");
}

/// True while `pid` exists and is not a zombie.
fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
        Err(_) => false,
    }
}

#[test]
fn every_round_until_sigterm_appends_whole_lines() {
    let s = site(
        &["a", "b", "c"],
        "  - { id: a, command: [\"true\"] }\n  - { id: b, command: [\"false\"] }\n  - { id: c, command: [sh, -c, \"sleep 0.2\"] }\n",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args(["probe", "--root", "site", "--every", "1s"])
        .current_dir(s.tmp())
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(5100));
    let sent = Instant::now();
    // SAFETY: sending SIGTERM to the child we spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(2),
            "no exit within 2 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");
    let out = child.wait_with_output().unwrap();
    let lines = feed_lines(&s);
    let count = |id: &str| lines.iter().filter(|l| l["check"] == id).count();
    let rounds = count("a");
    assert!((4..=7).contains(&rounds), "about five rounds: {rounds}");
    assert_eq!(
        (count("b"), count("c")),
        (rounds, rounds),
        "one line per probe per round"
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(printed.lines().count(), 3 * rounds, "{printed}");
}

#[test]
fn ten_concurrent_runs_never_interleave_lines() {
    let probes: String = (0..8)
        .map(|i| format!("  - {{ id: p{i}, command: [\"true\"] }}\n"))
        .collect();
    let ids: Vec<String> = (0..8).map(|i| format!("p{i}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let s = site(&ids, &probes);
    let children: Vec<_> = (0..10)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_lantern"))
                .args(["probe", "--root", "site"])
                .current_dir(s.tmp())
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let lines = feed_lines(&s);
    assert_eq!(lines.len(), 80, "ten runs of eight probes");
    lantern(s.tmp(), &["build", "--root", "site"]).assert_ok();
}

#[test]
fn a_failing_service_is_data_but_an_unwritable_feed_is_an_error() {
    let s = site(
        &["fail-cmd"],
        "  - { id: fail-cmd, command: [\"false\"] }\n",
    );
    // The feed folder is a file: nothing can be appended.
    s.write("content/health", "not a folder");
    let run = lantern(s.tmp(), &["probe", "--root", "site"]);
    run.assert_failed()
        .assert_stderr_has(&["nothing was appended"]);
    assert_eq!(s.read("content/health"), "not a folder");
    assert!(run.stdout.is_empty(), "no probe ran: {run}");
}

#[test]
fn only_runs_the_named_probes() {
    let s = site(
        &["a", "b"],
        "  - { id: a, command: [\"true\"] }\n  - { id: b, command: [\"true\"] }\n",
    );
    lantern(s.tmp(), &["probe", "--root", "site", "--only", "b"]).assert_ok();
    let lines = feed_lines(&s);
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["check"], "b");
    lantern(s.tmp(), &["probe", "--root", "site", "--only", "bb"])
        .assert_failed()
        .assert_stderr_has(&["no probe `bb`", "did you mean `b`?"]);
}

#[test]
fn tls_probe_refuses_an_untrusted_certificate() {
    use rustls::pki_types::pem::PemObject;
    use std::io::{Read, Write};
    let fixtures = common::repo().join("tests/fixtures/tls");
    let certs: Vec<_> =
        rustls::pki_types::CertificateDer::pem_file_iter(fixtures.join("self-signed.crt"))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let key =
        rustls::pki_types::PrivateKeyDer::from_pem_file(fixtures.join("self-signed.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(mut sock) = sock else { continue };
            let cfg = Arc::clone(&cfg);
            std::thread::spawn(move || {
                let mut conn = rustls::ServerConnection::new(cfg).unwrap();
                let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
                while conn.is_handshaking() {
                    if conn.complete_io(&mut sock).is_err() {
                        return;
                    }
                }
                let mut buf = [0u8; 1024];
                let mut tls = rustls::Stream::new(&mut conn, &mut sock);
                let _ = tls.read(&mut buf);
                let _ = tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
            });
        }
    });
    let s = site(
        &["tls", "https"],
        &format!(
            "  - {{ id: tls, tls: \"localhost:{port}\" }}\n  - {{ id: https, http: \"https://localhost:{port}/\" }}\n"
        ),
    );
    lantern(s.tmp(), &["probe", "--root", "site"]).assert_ok();
    let lines = feed_lines(&s);
    for id in ["tls", "https"] {
        let r = result_of(&lines, id);
        assert_eq!(r["status"], "down", "{r}");
        assert_eq!(r["message"], "certificate invalid: unknown issuer", "{r}");
    }
}

#[test]
fn bad_probe_config_names_file_line_and_field() {
    let cases: [(&str, &[&str]); 9] = [
        (
            "  - id: a\n    ping: db:5432\n",
            &["content/site.yaml:8:", "unknown field `ping`"],
        ),
        (
            "  - id: a\n    tcp: db:5432\n    http: https://x.test/\n",
            &["content/site.yaml:8:", "probes[0].tcp", "exactly one kind"],
        ),
        (
            "  - { id: a, tcp: \"db:1\" }\n  - { id: a, tcp: \"db:2\" }\n",
            &["content/site.yaml:8:", "probes[1].id", "used twice"],
        ),
        (
            "  - id: a\n    tcp: db.internal\n",
            &[
                "content/site.yaml:8:",
                "probes[0].tcp",
                "needs a host and a port",
            ],
        ),
        (
            "  - id: a\n    http: https://user:pass@x.test/\n",
            &["content/site.yaml:8:", "probes[0].http", "credentials"],
        ),
        (
            "  - id: a\n    command: []\n",
            &[
                "content/site.yaml:8:",
                "probes[0].command",
                "needs a program",
            ],
        ),
        (
            "  - id: a\n    tcp: db:5432\n    timeout: -5s\n",
            &[
                "content/site.yaml:9:",
                "probes[0].timeout",
                "not a duration",
            ],
        ),
        (
            "  - id: a\n    tcp: db:5432\n    expect_body: ok\n",
            &[
                "content/site.yaml:9:",
                "probes[0].expect_body",
                "only a `http` probe",
            ],
        ),
        (
            "  - id: a\n    tcp: db:5432\n    retreis: 2\n",
            &["content/site.yaml:9:", "did you mean `retries`?"],
        ),
    ];
    for (probes, expected) in cases {
        let s = site(&["a"], probes);
        let run = lantern(s.tmp(), &["probe", "--root", "site"]);
        run.assert_failed().assert_stderr_has(expected);
        assert!(
            !s.path("content/health").exists(),
            "nothing appended for {probes:?}"
        );
        lantern(s.tmp(), &["check", "--root", "site"])
            .assert_failed()
            .assert_stderr_has(expected);
    }
    // Leaking the credentials in the error would defeat refusing them.
    let s = site(&["a"], "  - id: a\n    http: https://user:pass@x.test/\n");
    let run = lantern(s.tmp(), &["check", "--root", "site"]);
    assert!(!run.stderr.contains("pass@"), "{run}");
}

#[test]
fn an_overrunning_round_is_followed_at_once_and_says_so() {
    let s = site(
        &["slow-cmd"],
        "  - { id: slow-cmd, command: [sh, -c, \"sleep 1.3\"] }\n",
    );
    let child = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args(["probe", "--root", "site", "--every", "1s"])
        .current_dir(s.tmp())
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(3000));
    // SAFETY: sending SIGINT to the child we spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("longer than --every 1 s; the next starts now"),
        "{stderr}"
    );
    let rounds = feed_lines(&s).len();
    assert!((2..=4).contains(&rounds), "back-to-back rounds: {rounds}");
}

#[test]
fn check_warns_about_probes_and_checks_that_do_not_meet() {
    let s = site(
        &["fed", "probed", "ghost"],
        "  - { id: probed, command: [\"true\"] }\n  - { id: stray, command: [\"true\"] }\n",
    );
    s.write(
        "content/health/other.jsonl",
        "{\"check\":\"fed\",\"at\":\"2026-11-20T00:00:00Z\",\"ok\":true}\n",
    );
    let run = lantern(s.tmp(), &["check", "--root", "site"]);
    run.assert_ok().assert_stderr_has(&[
        "content/site.yaml:8: probe `stray` is not listed",
        "check `ghost` of component `web` is neither a probe nor found in the health feed",
    ]);
    assert!(!run.stderr.contains("check `fed`"), "{run}");
    assert!(!run.stderr.contains("check `probed`"), "{run}");
}

#[test]
fn the_feed_folder_must_not_lead_outside_the_site() {
    let outside = tempfile::tempdir().unwrap();
    let s = site(&["ok-cmd"], "  - { id: ok-cmd, command: [\"true\"] }\n");
    std::fs::create_dir_all(s.path("content")).unwrap();
    std::os::unix::fs::symlink(outside.path(), s.path("content/health")).unwrap();
    lantern(s.tmp(), &["probe", "--root", "site"])
        .assert_failed()
        .assert_stderr_has(&["leads outside the site", "nothing was appended"]);
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written through the symlink"
    );
    // A monthly file that is a symlink is refused too (O_NOFOLLOW).
    std::fs::remove_file(s.path("content/health")).unwrap();
    std::fs::create_dir_all(s.path("content/health")).unwrap();
    let target = outside.path().join("victim");
    std::fs::write(&target, "keep\n").unwrap();
    let name = format!(
        "content/health/probe-{}.jsonl",
        chrono::Utc::now().format("%Y-%m")
    );
    std::os::unix::fs::symlink(&target, s.path(&name)).unwrap();
    lantern(s.tmp(), &["probe", "--root", "site"]).assert_failed();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep\n");
}
