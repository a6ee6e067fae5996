//! Writes the example site's health feed, `content/health/checks.jsonl`.
//!
//! The feed tells the same story as the posts in `content/`: until the database
//! outage of 20 November, Chatterbox only monitored that its web server, login page
//! and uploads answered; the database and rooms checks were added on 21 November.
//!
//! Run: `cargo run --release --example example-feed`. Output is byte-identical on
//! every run (fixed seed, no clock).

#[path = "common_gen.rs"]
#[macro_use]
mod common_gen;

use clap::Parser;
use common_gen::{Rng, human_bytes, json_str, parse_time, push_result, ts, ts_bytes};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Write the example site's health feed (deterministic).
#[derive(Parser, Debug)]
#[command(
    name = "example-feed",
    about = "Write the example site's health feed (content/health/checks.jsonl)",
    after_help = "The feed ends just before 2026-11-28T09:00:00Z and tells the story of the \
                  posts in content/. Same arguments, byte-identical output."
)]
struct Args {
    /// Where to write the feed [default: <repo>/content/health/checks.jsonl]
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// First result of the original checks (web-http, auth-http, uploads-s3); RFC 3339 or
    /// YYYY-MM-DD. The default reaches back to the sign-in incident of 14 August.
    #[arg(long, value_name = "TIME", default_value = "2026-08-10T00:00:00Z")]
    start: String,
}

/// End of the feed (exclusive): the example site's "now".
const END: &str = "2026-11-28T09:00:00Z";
/// When the new database and rooms checks went live, after the postmortem.
const NEW_CHECKS_FROM: &str = "2026-11-21T12:00:00Z";
/// Fixed seed: the feed must not change between runs.
const SEED: u64 = 0x1a17_e54f_2026_1120;

/// What a check reports during a story event.
#[derive(Clone, Copy)]
enum Effect {
    /// `ok: false`, fast error response (latency range in ms).
    Down { latency: (i64, i64) },
    /// `ok: true` but slower than `degraded_latency_ms` (2000).
    Slow { latency: (i64, i64) },
}

/// A window `[from, to)` in which a check's results are overridden.
struct Event {
    check: &'static str,
    from: &'static str,
    to: &'static str,
    effect: Effect,
    message: &'static str,
    why: &'static str,
}

/// The story, matching the posts under content/.
const EVENTS: &[Event] = &[
    Event {
        check: "auth-http",
        from: "2026-08-14T17:02:00Z",
        to: "2026-08-14T17:42:00Z",
        effect: Effect::Down { latency: (20, 45) },
        message: "HTTP 500 from /login",
        why: "incidents/2026-08-14-login-errors.md (bad deploy; outside the 90-day window)",
    },
    Event {
        check: "uploads-s3",
        from: "2026-10-02T13:20:00Z",
        to: "2026-10-02T15:25:00Z",
        effect: Effect::Slow {
            latency: (2500, 4000),
        },
        message: "slow response",
        why: "incidents/2026-10-02-slow-uploads.md",
    },
    Event {
        check: "uploads-s3",
        from: "2026-11-08T06:00:00Z",
        to: "2026-11-08T07:00:00Z",
        effect: Effect::Down { latency: (15, 40) },
        message: "503 Service Unavailable",
        why: "maintenance/2026-11-08-backup-storage.md (maintenance: not downtime)",
    },
    // web-http stays up through the database outage: that is the point of the story.
    Event {
        check: "auth-http",
        from: "2026-11-20T02:12:00Z",
        to: "2026-11-20T08:40:00Z",
        effect: Effect::Down { latency: (20, 45) },
        message: "HTTP 502 from /login",
        why: "incidents/2026-11-20-database-outage.md",
    },
    Event {
        check: "db-replica",
        from: "2026-11-25T14:00:00Z",
        to: "2026-11-25T16:00:00Z",
        effect: Effect::Slow {
            latency: (2500, 3500),
        },
        message: "replication lag 45s",
        why: "degraded spell, nothing posted",
    },
    Event {
        check: "rooms-api",
        from: "2026-11-26T19:30:00Z",
        to: "2026-11-26T19:40:00Z",
        effect: Effect::Down { latency: (30, 80) },
        message: "HTTP 500",
        why: "10-minute blip, nothing posted",
    },
];

/// One monitored check: when it reports, how often, and its normal latency.
struct Check {
    id: &'static str,
    /// `None`: from `--start`.
    from: Option<&'static str>,
    /// Last result strictly before this (`None`: the feed's end).
    until: Option<&'static str>,
    interval_s: i64,
    /// Normal latency range in ms; the evening peak sits near the top.
    latency: (i64, i64),
}

const CHECKS: &[Check] = &[
    Check {
        id: "web-http",
        from: None,
        until: None,
        interval_s: 900,
        latency: (80, 150),
    },
    Check {
        id: "auth-http",
        from: None,
        until: None,
        interval_s: 900,
        latency: (60, 120),
    },
    // The uploads monitor died at 07:40 on the last morning: at 09:00 its data is stale.
    Check {
        id: "uploads-s3",
        from: None,
        until: Some("2026-11-28T07:40:00Z"),
        interval_s: 900,
        latency: (150, 300),
    },
    Check {
        id: "rooms-api",
        from: Some(NEW_CHECKS_FROM),
        until: None,
        interval_s: 300,
        latency: (100, 200),
    },
    Check {
        id: "db-primary",
        from: Some(NEW_CHECKS_FROM),
        until: None,
        interval_s: 300,
        latency: (5, 20),
    },
    Check {
        id: "db-replica",
        from: Some(NEW_CHECKS_FROM),
        until: None,
        interval_s: 300,
        latency: (8, 30),
    },
];

/// Normal latency at `at`: a daily cycle peaking in the Berlin evening plus noise,
/// always inside `lo..=hi`. Only exact IEEE operations, so it is the same everywhere.
fn normal_latency(rng: &mut Rng, at: i64, (lo, hi): (i64, i64)) -> i64 {
    let hour = at.rem_euclid(86_400) as f64 / 3600.0;
    // Triangle wave: 1 at 19:00 UTC (20:00 Berlin), 0 at 07:00 UTC.
    let dist = (hour - 19.0).abs();
    let daily = 1.0 - dist.min(24.0 - dist) / 12.0;
    let noise = (rng.unit() + rng.unit()) / 2.0;
    let f = 0.1 + 0.3 * daily + 0.6 * noise;
    lo + ((hi - lo) as f64 * f).round() as i64
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("example-feed: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let end = parse_time(END)?;
    let start = parse_time(&args.start).map_err(|e| format!("--start: {e}"))?;
    if start >= end {
        return Err(format!("--start must be before the feed's end, {END}"));
    }
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content/health/checks.jsonl")
    });

    let events: Vec<(usize, i64, i64, &Event)> = EVENTS
        .iter()
        .map(|e| {
            let idx = CHECKS
                .iter()
                .position(|c| c.id == e.check)
                .expect("event names a known check");
            Ok((idx, parse_time(e.from)?, parse_time(e.to)?, e))
        })
        .collect::<Result<_, String>>()?;

    // (time, check index, line); sorted by time, then check id.
    let mut lines: Vec<(i64, &str, Vec<u8>)> = Vec::new();
    for (idx, check) in CHECKS.iter().enumerate() {
        let mut rng = Rng::derive(SEED, idx as u64);
        let from = match check.from {
            Some(f) => parse_time(f)?.max(start),
            None => start,
        };
        let until = match check.until {
            Some(u) => parse_time(u)?.min(end),
            None => end,
        };
        let id_json = json_str(check.id);
        let mut at = from;
        while at < until {
            let event = events
                .iter()
                .find(|(i, f, t, _)| *i == idx && (*f..*t).contains(&at));
            let mut line = Vec::with_capacity(96);
            match event {
                None => {
                    let l = normal_latency(&mut rng, at, check.latency);
                    push_result(
                        &mut line,
                        &id_json,
                        &ts_bytes(at),
                        true,
                        Some(l as u64),
                        None,
                    );
                }
                Some((_, _, _, e)) => {
                    let (ok, (lo, hi)) = match e.effect {
                        Effect::Down { latency } => (false, latency),
                        Effect::Slow { latency } => (true, latency),
                    };
                    let l = rng.range(lo, hi) as u64;
                    let msg = json_str(e.message);
                    push_result(&mut line, &id_json, &ts_bytes(at), ok, Some(l), Some(&msg));
                }
            }
            lines.push((at, check.id, line));
            at += check.interval_s;
        }
    }
    lines.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));

    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut buf = Vec::with_capacity(lines.iter().map(|l| l.2.len()).sum());
    for (_, _, l) in &lines {
        buf.extend_from_slice(l);
    }
    // Write beside the target, then rename: a reader never sees half a feed.
    let tmp = out.with_extension("jsonl.tmp");
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&buf)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &out)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", out.display())
    })?;

    say!(
        "wrote {}: {} lines, {} bytes ({})",
        out.display(),
        lines.len(),
        buf.len(),
        human_bytes(buf.len() as u64)
    );
    for (idx, check) in CHECKS.iter().enumerate() {
        let mine: Vec<&(i64, &str, Vec<u8>)> = lines.iter().filter(|l| l.1 == check.id).collect();
        let (Some(first), Some(last)) = (mine.first(), mine.last()) else {
            continue;
        };
        let bad = mine
            .iter()
            .filter(|l| l.2.windows(10).any(|w| w == b",\"message\""))
            .count();
        say!(
            "  {:<10} every {:>2} min  {} .. {}  {:>5} results, {} failing or slow",
            check.id,
            check.interval_s / 60,
            ts(first.0),
            ts(last.0),
            mine.len(),
            bad
        );
        for (_, f, t, e) in events.iter().filter(|(i, ..)| *i == idx) {
            say!("      {} .. {}  {:?}  {}", ts(*f), ts(*t), e.message, e.why);
        }
    }
    Ok(())
}
