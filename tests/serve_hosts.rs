//! `lantern serve` answers only its own names (no DNS rebinding into drafts), shows
//! no absolute paths, refuses garbage promptly and cannot be stalled by bad clients.

mod serve_support;

use serve_support::{DRAFT_URL, Server, Site, serial};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpStream};
use std::time::{Duration, Instant};

/// Send `raw` as is and read the answer until the server closes or `timeout` passes.
fn raw(port: u16, raw: &str, timeout: Duration) -> String {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("connect");
    stream.set_read_timeout(Some(timeout)).unwrap();
    stream.write_all(raw.as_bytes()).expect("send");
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn get_with_host(port: u16, path: &str, host: &str) -> String {
    raw(
        port,
        &format!("GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n"),
        Duration::from_secs(10),
    )
}

fn status(answer: &str) -> u16 {
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"))
}

#[test]
fn foreign_host_names_get_no_page() {
    let _serial = serial();
    let site = Site::example();
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    for path in ["/", DRAFT_URL, "/__lantern/", "/__lantern/poll"] {
        for host in [
            "evil.example".to_string(),
            format!("evil.example:{port}"),
            format!("localhost.evil.example:{port}"),
            format!("127.0.0.1.nip.io:{port}"),
        ] {
            let answer = get_with_host(port, path, &host);
            assert_eq!(status(&answer), 421, "{host} {path}: {answer}");
            assert!(!answer.contains("Draft: follow-up"), "{host} {path}");
        }
        for host in [
            format!("localhost:{port}"),
            format!("127.0.0.1:{port}"),
            "localhost".to_string(),
        ] {
            assert_eq!(
                status(&get_with_host(port, path, &host)),
                200,
                "{host} {path}"
            );
        }
    }
    let no_host = raw(port, "GET / HTTP/1.0\r\n\r\n", Duration::from_secs(10));
    assert_eq!(status(&no_host), 400, "{no_host}");
    let two = raw(
        port,
        &format!("GET / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example\r\n\r\n"),
        Duration::from_secs(10),
    );
    assert_eq!(status(&two), 421, "{two}");
}

#[test]
fn panel_shows_no_absolute_paths() {
    let _serial = serial();
    let site = Site::example();
    let server = Server::start(site.root(), &[]);
    let panel = server.get("/__lantern/");
    assert_eq!(panel.status, 200);
    let root = std::fs::canonicalize(site.root()).unwrap();
    let text = panel.text();
    assert!(
        !text.contains(&*root.to_string_lossy()),
        "the panel shows where the site lives:\n{text}"
    );
    assert!(
        text.contains("content/incidents/2026-12-01-draft-followup.md"),
        "{text}"
    );
    assert!(
        text.contains("<code>public/</code> does not exist yet"),
        "{text}"
    );
}

#[test]
fn unparsable_request_line_gets_400_promptly() {
    let _serial = serial();
    let site = Site::example();
    let server = Server::start(site.root(), &[]);
    for line in ["GARBAGE\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/7.1\r\n\r\n"] {
        let start = Instant::now();
        let answer = raw(server.port, line, Duration::from_secs(5));
        assert!(answer.starts_with("HTTP/1.1 400"), "{line:?}: {answer:?}");
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{line:?} took {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn slow_and_pipelining_clients_do_not_stall_others() {
    let _serial = serial();
    let site = Site::example();
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    let build = server.build();
    let host = format!("Host: 127.0.0.1:{port}\r\n");
    let mut hogs = Vec::new();
    // Requests pipelined behind a parked poll must wait for it (25 s) on their
    // connection; each used to hold a worker while it waited.
    for _ in 0..12 {
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        let mut req = format!("GET /__lantern/poll?since={build} HTTP/1.1\r\n{host}\r\n");
        for _ in 0..3 {
            req.push_str(&format!("GET / HTTP/1.1\r\n{host}\r\n"));
        }
        s.write_all(req.as_bytes()).unwrap();
        hogs.push(s);
    }
    // Clients that ask for a lot and never read it.
    for _ in 0..12 {
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        let req = format!("GET /history/ HTTP/1.1\r\n{host}\r\n").repeat(200);
        s.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
        let _ = s.write_all(req.as_bytes());
        hogs.push(s);
    }
    // And some that send half a request line and then nothing.
    for _ in 0..12 {
        let mut s = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
        s.write_all(b"GET /ind").unwrap();
        hogs.push(s);
    }
    std::thread::sleep(Duration::from_millis(300));
    for path in ["/", DRAFT_URL, "/style.css"] {
        let start = Instant::now();
        let r = serve_support::http(port, "GET", path, Duration::from_secs(20))
            .unwrap_or_else(|| panic!("{path} failed\n{}", server.output()));
        assert_eq!(r.status, 200, "{path}");
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{path} took {:?} behind stalled clients",
            start.elapsed()
        );
    }
    drop(hogs);
}
