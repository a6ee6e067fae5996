//! The seed scenario with a real database: a web check that keeps answering 200 and
//! direct database checks (`pg_isready` and TCP) against a PostgreSQL cluster on a
//! loopback port. The page must notice when the database goes down.
//!
//! Needs PostgreSQL's server binaries (Debian: `apt-get install postgresql`; CI
//! installs them). Without them the test prints SKIP, except under `CI=true`, where
//! it fails.

mod common;

use common::{Run, Site};
use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The first folder holding `initdb` and `pg_ctl`: Debian's versioned folders, then PATH.
fn pg_bin() -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .collect();
    dirs.sort();
    dirs.reverse();
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    dirs.into_iter()
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
}

/// `pg_isready`, beside the server binaries or on PATH.
fn pg_isready(bin: &Path) -> Option<PathBuf> {
    std::iter::once(bin.to_path_buf())
        .chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ))
        .map(|d| d.join("pg_isready"))
        .find(|p| p.is_file())
}

/// Runs PostgreSQL tools as a non-root user when the tests run as root (initdb
/// refuses root).
struct Pg {
    bin: PathBuf,
    data: PathBuf,
    log: PathBuf,
    port: u16,
    user: Option<String>,
}

impl Pg {
    fn run(&self, tool: &str, args: &[&str]) -> std::process::Output {
        let exe = self.bin.join(tool);
        let mut cmd = match &self.user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(&exe);
                c
            }
            None => Command::new(&exe),
        };
        let out = cmd.args(args).output().expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool} {args:?} failed:\n{}\n{}\nlog: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
        out
    }

    fn start(&self) {
        let opts = format!(
            "-p {} -h 127.0.0.1 -k {} -F",
            self.port,
            self.data.parent().unwrap().join("sock").display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-l",
                self.log.to_str().unwrap(),
                "-o",
                &opts,
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
    }

    fn stop(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        // Never leave a server running after the test, whatever happened.
        let _ = Command::new(self.bin.join("pg_ctl"))
            .args(["-D", self.data.to_str().unwrap(), "-m", "immediate", "stop"])
            .output();
        if let Some(u) = &self.user {
            let _ = Command::new("runuser")
                .args(["-u", u, "--"])
                .arg(self.bin.join("pg_ctl"))
                .args(["-D", self.data.to_str().unwrap(), "-m", "immediate", "stop"])
                .output();
        }
    }
}

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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A loopback web server that answers 200 "ok" to everything, for the whole test.
fn web_server() -> u16 {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let _ = req.respond(tiny_http::Response::from_string("ok"));
        }
    });
    port
}

fn report(site: &Site, id: &str) -> Value {
    common::uptime_report(&site.root.join("public"), id)
}

#[test]
fn the_database_outage_shows_on_the_page() {
    let Some(bin) = pg_bin() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but PostgreSQL (initdb, pg_ctl) is missing: .ci/run installs it"
        );
        println!(
            "SKIP the_database_outage_shows_on_the_page: PostgreSQL's initdb/pg_ctl not found (apt-get install postgresql)"
        );
        return;
    };
    let isready = pg_isready(&bin).expect("pg_isready beside initdb or on PATH");
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let tmp = tempfile::tempdir().unwrap();
    let user = root.then(|| {
        let postgres = Command::new("id")
            .args(["-u", "postgres"])
            .output()
            .is_ok_and(|o| o.status.success());
        if postgres { "postgres" } else { "nobody" }.to_string()
    });
    let pgroot = tmp.path().join("pg");
    std::fs::create_dir_all(pgroot.join("sock")).unwrap();
    if let Some(u) = &user {
        // The non-root server user must reach its folders inside our temp dir.
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let status = Command::new("chown")
            .args(["-R", u])
            .arg(&pgroot)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let pg = Pg {
        bin,
        data: pgroot.join("data"),
        log: pgroot.join("server.log"),
        port: free_port(),
        user,
    };
    pg.run(
        "initdb",
        &[
            "-D",
            pg.data.to_str().unwrap(),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
            "--no-instructions",
        ],
    );
    pg.start();

    let web = web_server();
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        format!(
            "title: Chatterbox Status
base_url: https://status.test/
timezone: UTC
components:
  - {{ id: web, name: Website, checks: [web-http] }}
  - {{ id: database, name: Database, checks: [db-primary, db-query] }}
probes:
  - id: web-http
    http: http://127.0.0.1:{web}/healthz
    expect_body: ok
    timeout: 5s
  - id: db-primary
    tcp: 127.0.0.1:{port}
    timeout: 5s
  - id: db-query
    command: [{isready}, -h, 127.0.0.1, -p, \"{port}\", -t, \"3\"]
    timeout: 5s
",
            port = pg.port,
            isready = isready.display()
        ),
    );
    let probe = || lantern(site.tmp(), &["probe", "--root", "site", "--build"]);

    probe().assert_ok();
    let home = site.read("public/index.html");
    let banner = home
        .split("<h1")
        .nth(1)
        .map(|h| h.chars().take(300).collect::<String>());
    assert!(
        home.contains("All Systems Operational"),
        "after the restart the banner reads: {banner:?}\nfeed: {}\ncomponents: {}",
        std::fs::read_dir(site.path("content/health"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect::<String>(),
        site.read("public/api/v2/components.json")
    );
    assert_eq!(report(&site, "database")["status"], "operational");

    pg.stop();
    let run = probe();
    run.assert_ok();
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("db-query") && l.contains("down")),
        "{run}"
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("db-primary") && l.contains("connection refused")),
        "{run}"
    );
    let home = site.read("public/index.html");
    assert!(
        !home.contains("All Systems Operational"),
        "the banner must not read operational"
    );
    assert_eq!(report(&site, "database")["status"], "major_outage");
    assert_eq!(
        report(&site, "web")["status"],
        "operational",
        "the website stays up"
    );
    let db_page = site.read("public/components/database/index.html");
    assert!(
        db_page.contains("Major outage"),
        "the Database component reads Major outage"
    );
    assert!(db_page.contains("Problem detected by monitoring"));
    let web_page = site.read("public/components/web/index.html");
    assert!(!web_page.contains("Major outage"));

    pg.start();
    // The restarted server may take a moment to accept connections. Results carry
    // whole seconds and two of one check in the same second merge to the worst, so the
    // next round must also start in a later second than the outage round.
    std::thread::sleep(Duration::from_millis(1100));
    probe().assert_ok();
    let home = site.read("public/index.html");
    let banner = home
        .split("<h1")
        .nth(1)
        .map(|h| h.chars().take(300).collect::<String>());
    assert!(
        home.contains("All Systems Operational"),
        "after the restart the banner reads: {banner:?}\nfeed: {}\ncomponents: {}",
        std::fs::read_dir(site.path("content/health"))
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
            .collect::<String>(),
        site.read("public/api/v2/components.json")
    );
    let db = report(&site, "database");
    assert_eq!(db["status"], "operational");
    let today = db["days"].as_array().unwrap().last().unwrap().clone();
    assert!(
        today["down_minutes"].as_f64().unwrap() >= 1.0,
        "the day's uptime remembers the outage: {today}"
    );
    assert!(today["uptime"].as_f64().unwrap() < 100.0, "{today}");
    pg.stop();
}
