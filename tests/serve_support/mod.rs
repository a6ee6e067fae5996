//! Helpers for the `lantern serve` tests: a throwaway copy of the example site, the real
//! binary on a free loopback port, and plain HTTP/1.0 over `TcpStream`.

// Not every test uses every helper.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// `SOURCE_DATE_EPOCH` for runs that want a fixed "now": 2026-12-03T12:00:00Z.
pub const EPOCH: &str = "1796299200";

/// How long the server gets to come up.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// The draft post of the example site and its URL.
pub const DRAFT_FILE: &str = "content/incidents/2026-12-01-draft-followup.md";
pub const DRAFT_URL: &str = "/incidents/2026-12-01-draft-followup/";

/// A published post of the example site and its URL.
pub const POST_FILE: &str = "content/incidents/2026-11-27-delayed-emails.md";
pub const POST_URL: &str = "/incidents/2026-11-27-delayed-emails/";

/// Held by each test for its whole run, so the tests' servers run one at a time.
///
/// Every server rebuilds on each edit; run side by side on a small machine, their
/// rebuilds starve each other and the "visible within 2 s" checks would measure the
/// machine's load rather than lantern.
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    // A failed test poisons the lock; the next one may still run.
    ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A copy of the repository's `content/` in a temporary site root.
pub struct Site {
    dir: TempDir,
}

impl Site {
    /// Copy the example site.
    pub fn example() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
        copy_dir(&from, &dir.path().join("content"));
        Site { dir }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Read a file of the site.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root().join(rel)).expect("read site file")
    }

    /// Replace a file's contents the way an editor that writes in place does.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write site file");
    }

    /// Delete a file of the site.
    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root().join(rel)).expect("remove site file");
    }

    /// Every file under the root (relative path → bytes), to prove nothing was written.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(self.root())
    }
}

/// Every file under `dir`, relative path → bytes.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("under dir").to_path_buf();
            (rel, fs::read(e.path()).expect("read"))
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("under from"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A port nothing listens on right now (bind port 0, read it, let it go).
pub fn free_port() -> u16 {
    let l = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind port 0");
    l.local_addr().expect("local addr").port()
}

/// Poll `check` every 25 ms until it holds or `timeout` passes; true if it held.
pub fn wait_until(timeout: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(25));
    }
}

/// Output lines collected from a child's pipe.
type Lines = Arc<Mutex<Vec<String>>>;

fn collect(pipe: impl Read + Send + 'static) -> Lines {
    let lines: Lines = Arc::default();
    let sink = Arc::clone(&lines);
    thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            sink.lock().expect("lines").push(line);
        }
    });
    lines
}

/// A running `lantern serve`; killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
    stdout: Lines,
    stderr: Lines,
}

impl Server {
    /// Start `lantern serve --root <root> --port <free>` plus `extra` args and wait until
    /// it answers.
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        Server::start_with_env(root, extra, &[("SOURCE_DATE_EPOCH", EPOCH)])
    }

    /// Like [`Server::start`], with these environment variables.
    pub fn start_with_env(root: &Path, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lantern"));
        cmd.arg("serve")
            .arg("--root")
            .arg(root)
            .arg("--port")
            .arg(port.to_string())
            .args(extra)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start lantern serve");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        let mut server = Server {
            child,
            port,
            stdout,
            stderr,
        };
        let up = wait_until(START_TIMEOUT, || {
            server.try_request("GET", "/").is_some() || server.exited()
        });
        assert!(
            up && !server.exited(),
            "lantern serve did not come up:\n{}",
            server.output()
        );
        server
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Everything the server printed so far.
    pub fn output(&self) -> String {
        let out = self.stdout.lock().expect("stdout").join("\n");
        let err = self.stderr.lock().expect("stderr").join("\n");
        format!("--- stdout\n{out}\n--- stderr\n{err}")
    }

    /// Lines printed on stdout so far.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().expect("stdout").clone()
    }

    /// `GET path`; panics if the connection fails.
    pub fn get(&self, path: &str) -> Resp {
        self.request("GET", path)
    }

    /// `method path` over HTTP/1.0; the path is sent exactly as given.
    pub fn request(&self, method: &str, path: &str) -> Resp {
        self.try_request(method, path)
            .unwrap_or_else(|| panic!("{method} {path} failed\n{}", self.output()))
    }

    /// `method path`, or `None` if the connection or the answer failed.
    pub fn try_request(&self, method: &str, path: &str) -> Option<Resp> {
        http(self.port, method, path, Duration::from_secs(30))
    }

    /// The current build number, from the poll endpoint (answered at once without `since`).
    pub fn build(&self) -> u64 {
        self.poll("/__lantern/poll")["build"]
            .as_u64()
            .expect("build number")
    }

    /// A poll answer as JSON.
    pub fn poll(&self, path: &str) -> serde_json::Value {
        let r = self.get(path);
        assert_eq!(r.status, 200, "{path}: {}", r.text());
        serde_json::from_slice(&r.body).expect("poll JSON")
    }

    /// Send SIGINT (Ctrl-C) and wait up to `timeout` for the exit code.
    #[cfg(unix)]
    pub fn interrupt(&mut self, timeout: Duration) -> Option<i32> {
        let pid = libc::pid_t::try_from(self.child.id()).expect("pid");
        // SAFETY: plain kill(2) on our own child's pid.
        unsafe { libc::kill(pid, libc::SIGINT) };
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// True when `Content-Length` is present and matches the body.
    pub fn complete(&self) -> bool {
        self.header("content-length")
            .and_then(|v| v.parse::<usize>().ok())
            .is_some_and(|n| n == self.body.len())
    }
}

/// One HTTP/1.0 exchange; the server closes the connection after answering.
pub fn http(port: u16, method: &str, path: &str, timeout: Duration) -> Option<Resp> {
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.set_write_timeout(Some(timeout)).ok()?;
    let head = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).ok()?;
    parse(&raw)
}

fn parse(raw: &[u8]) -> Option<Resp> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Resp {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}
