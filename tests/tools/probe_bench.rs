//! Benchmark for `lantern probe` and for building over long-running probe feeds.
//! Prints numbers, asserts nothing; not run in CI.
//!
//!     cargo build --bin lantern --example probe-bench
//!     target/debug/examples/probe-bench target/debug/lantern /tmp/lantern-probe-bench
//!
//! 1. One round of 200 HTTP probes against a loopback server: wall time, peak RSS.
//! 2. A build over 12 monthly probe files (50 checks, one result a minute each,
//!    `history_days: 90`) versus the same site with only the last 4 months present
//!    (with BENCH_UNSKIPPABLE=1 also those 4 under names that cannot be skipped).

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// 2026-12-01T00:00:00Z: the build's now; the 12 months are Dec 2025 … Nov 2026.
const NOW: i64 = 1_796_083_200;
const CHECKS: usize = 50;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(bin), Some(work)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: probe-bench LANTERN_BIN WORKDIR (WORKDIR is created; must not exist)");
        std::process::exit(2);
    };
    let bin = fs::canonicalize(bin).expect("the lantern binary");
    let work = PathBuf::from(work);
    assert!(
        !work.exists(),
        "{} exists; pick a new folder",
        work.display()
    );
    fs::create_dir_all(&work).unwrap();

    probe_round(&bin, &work.join("probe"));
    build_months(&bin, &work.join("months"));
}

/// Run `cmd` to completion; wall time and the child's own peak RSS (KiB) from wait4.
fn measure(cmd: &mut Command) -> (Duration, i64, bool) {
    let started = Instant::now();
    // Reaped by wait4 below (which also gives this child's own peak RSS), not by std.
    #[allow(clippy::zombie_processes)]
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: rusage is a plain C struct filled by wait4 for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    // SAFETY: waiting for the child we spawned; the pointers are valid for the call.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid, "wait4");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    (started.elapsed(), usage.ru_maxrss, ok)
}

fn probe_round(bin: &Path, site: &Path) {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            std::thread::spawn(move || {
                // A little server time, like a real health endpoint.
                std::thread::sleep(Duration::from_millis(20));
                let _ = req.respond(tiny_http::Response::from_string("ok"));
            });
        }
    });
    let mut yaml = String::from(
        "title: Bench\nbase_url: https://status.test/\ncomponents:\n  - id: web\n    name: Web\n    checks: [",
    );
    yaml.push_str(
        &(0..200)
            .map(|i| format!("p{i:03}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    yaml.push_str("]\nprobes:\n");
    for i in 0..200 {
        yaml.push_str(&format!(
            "  - {{ id: p{i:03}, http: \"http://127.0.0.1:{port}/health/{i}\", expect_body: ok }}\n"
        ));
    }
    fs::create_dir_all(site.join("content")).unwrap();
    fs::write(site.join("content/site.yaml"), yaml).unwrap();
    let (wall, rss, ok) = measure(
        Command::new(bin)
            .args(["probe", "--root"])
            .arg(site)
            .env_remove("SOURCE_DATE_EPOCH"),
    );
    let lines = fs::read_dir(site.join("content/health"))
        .unwrap()
        .map(|e| {
            fs::read_to_string(e.unwrap().path())
                .unwrap()
                .lines()
                .count()
        })
        .sum::<usize>();
    println!(
        "probe: 200 HTTP probes, one round (server answers in 20 ms): wall {:.2} s, peak RSS {} MiB, {lines} lines appended, exit ok: {ok}",
        wall.as_secs_f64(),
        rss / 1024
    );
}

/// Write one result a minute for every check over `[from, to)` into `path`.
fn write_month(path: &Path, from: i64, to: i64) -> u64 {
    let mut out = BufWriter::with_capacity(1 << 20, fs::File::create(path).unwrap());
    let mut t = from;
    let mut n = 0;
    while t < to {
        let at = chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        for c in 0..CHECKS {
            // Deterministic: one check in seven is down for a minute now and then.
            let down = c % 7 == 0 && (t / 60) % 997 == (c as i64);
            let (status, msg) = if down {
                ("down", ",\"message\":\"HTTP 503\"")
            } else {
                ("up", "")
            };
            writeln!(
                out,
                "{{\"check\":\"c{c:02}\",\"at\":\"{at}\",\"status\":\"{status}\",\"latency_ms\":{}{msg}}}",
                40 + (t / 60 + c as i64) % 50
            )
            .unwrap();
            n += 1;
        }
        t += 60;
    }
    out.flush().unwrap();
    n
}

fn month_start(y: i32, m: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(y, m, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
}

fn build_months(bin: &Path, site: &Path) {
    let health = site.join("content/health");
    fs::create_dir_all(&health).unwrap();
    let checks: Vec<String> = (0..CHECKS).map(|c| format!("c{c:02}")).collect();
    fs::write(
        site.join("content/site.yaml"),
        format!(
            "title: Bench\nbase_url: https://status.test/\ncomponents:\n  - id: api\n    name: API\n    checks: [{}]\nhealth:\n  history_days: 90\n",
            checks.join(", ")
        ),
    )
    .unwrap();
    let months: Vec<(i32, u32)> = (0..12)
        .map(|i| if i == 0 { (2025, 12) } else { (2026, i) })
        .collect();
    let started = Instant::now();
    let mut total = 0;
    for (i, &(y, m)) in months.iter().enumerate() {
        let next = months
            .get(i + 1)
            .map_or(NOW, |&(ny, nm)| month_start(ny, nm));
        total += write_month(
            &health.join(format!("probe-{y}-{m:02}.jsonl")),
            month_start(y, m),
            next,
        );
    }
    let bytes: u64 = fs::read_dir(&health)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "feed: 12 monthly files, {CHECKS} checks at 1/min: {total} results, {} MiB (generated in {:.1} s)",
        bytes >> 20,
        started.elapsed().as_secs_f64()
    );
    let build = |label: &str| {
        let out = site.join("public");
        let _ = fs::remove_dir_all(&out);
        let (wall, rss, ok) = measure(
            Command::new(bin)
                .args(["build", "--root"])
                .arg(site)
                .env("SOURCE_DATE_EPOCH", NOW.to_string()),
        );
        println!(
            "build, {label}: wall {:.2} s, peak RSS {} MiB, exit ok: {ok}",
            wall.as_secs_f64(),
            rss / 1024
        );
    };
    build("12 months present (those ending before the window skipped)");
    for &(y, m) in &months[..8] {
        fs::remove_file(health.join(format!("probe-{y}-{m:02}.jsonl"))).unwrap();
    }
    build("only the last 4 months present");
    if std::env::var_os("BENCH_UNSKIPPABLE").is_some() {
        // The 4 months again under names that cannot be skipped by month (fresh mtime):
        // the oldest month, wholly before the window, is now read too.
        for &(y, m) in &months[8..] {
            let from = health.join(format!("probe-{y}-{m:02}.jsonl"));
            fs::rename(&from, health.join(format!("all-{y}-{m:02}.jsonl"))).unwrap();
        }
        build("last 4 months, none skippable");
    }
}
