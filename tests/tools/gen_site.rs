//! Generates a complete synthetic Lantern site for benchmarks: `site.yaml`, N posts
//! and a health feed of C checks × D days at a fixed interval.
//!
//! Run: `cargo run --release --example gen-site -- --posts 2000 --checks 50 --days 90
//! --interval 60s /tmp/bench-site`. Output is deterministic: the same arguments give
//! byte-identical files (fixed seed, fixed "now", no clock).

#[path = "common_gen.rs"]
#[macro_use]
mod common_gen;

use clap::Parser;
use common_gen::{
    Rng, date, human_bytes, json_str, parse_duration, parse_time, push_result, ts, ts_bytes,
};
use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const DEFAULT_SEED: u64 = 0x5eed_1a17_e500_0001;
const NOW: &str = "2026-11-28T09:00:00Z";
const BASE_URL: &str = "https://status.example.com/";

/// Generate a synthetic Lantern site (posts + health feed) for benchmarks.
#[derive(Parser, Debug)]
#[command(
    name = "gen-site",
    about = "Generate a synthetic Lantern site (site.yaml, posts, health feed) for benchmarks",
    after_help = "Writes OUT/content/site.yaml, OUT/content/{incidents,maintenance,news}/*.md and \
                  OUT/content/health/feed.jsonl. Same arguments, byte-identical files.\n\n\
                  Example:\n  cargo run --release --example gen-site -- --posts 2000 --checks 50 \
                  --days 90 --interval 60s /tmp/bench-site\n  \
                  SOURCE_DATE_EPOCH=1795856400 lantern check --root /tmp/bench-site"
)]
struct Args {
    /// Number of posts (~70% incidents, ~20% maintenance, ~10% news)
    #[arg(long, value_name = "N", default_value_t = 200)]
    posts: usize,
    /// Number of health checks (chk-000, chk-001, …); 20–50 components are made to hold them
    #[arg(long, value_name = "C", default_value_t = 10)]
    checks: usize,
    /// Days of health results, ending at --now
    #[arg(long, value_name = "D", default_value_t = 7)]
    days: u32,
    /// Time between two results of one check, e.g. 60s, 5m
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_interval)]
    interval: i64,
    /// The site's "now": the feed ends just before it, posts lie before it (bar a few
    /// upcoming maintenance windows). Build with SOURCE_DATE_EPOCH set to it.
    #[arg(long, value_name = "TIME", default_value = NOW, value_parser = parse_time)]
    now: i64,
    /// Posts are spread over this many years before --now
    #[arg(long, value_name = "Y", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=50))]
    years: u32,
    /// Seed of the pseudo-random generator
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Overwrite a site in OUT: replaces site.yaml and the feed, and deletes posts
    /// whose names look generated (YYYY-MM-DD-…-N.md)
    #[arg(long)]
    force: bool,
    /// Folder to create the site in
    #[arg(value_name = "OUT")]
    out: PathBuf,
}

fn parse_interval(s: &str) -> Result<i64, String> {
    let v = parse_duration(s)?;
    if v > 86_400 {
        return Err(format!("`{s}` is longer than a day"));
    }
    Ok(v)
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-site: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    const MAX_POSTS: usize = 1_000_000;
    const MAX_CHECKS: usize = 100_000;
    if args.posts > MAX_POSTS {
        return Err(format!("--posts {} is more than {MAX_POSTS}", args.posts));
    }
    if args.checks > MAX_CHECKS {
        return Err(format!(
            "--checks {} is more than {MAX_CHECKS}",
            args.checks
        ));
    }
    if args.days > 3660 {
        return Err(format!("--days {} is more than ten years", args.days));
    }
    let content = args.out.join("content");
    let site_yaml = content.join("site.yaml");
    if site_yaml.exists() && !args.force {
        return Err(format!(
            "{} already exists; pass --force to overwrite the site",
            site_yaml.display()
        ));
    }
    let io = |what: &Path| {
        let what = what.display().to_string();
        move |e: std::io::Error| format!("{what}: {e}")
    };
    for kind in ["incidents", "maintenance", "news", "health"] {
        let dir = content.join(kind);
        fs::create_dir_all(&dir).map_err(io(&dir))?;
    }
    let mut removed = 0;
    if args.force {
        for kind in ["incidents", "maintenance", "news"] {
            let dir = content.join(kind);
            for entry in fs::read_dir(&dir).map_err(io(&dir))? {
                let path = entry.map_err(io(&dir))?.path();
                if path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(looks_generated)
                {
                    fs::remove_file(&path).map_err(io(&path))?;
                    removed += 1;
                }
            }
        }
    }

    let started = Instant::now();
    let site = Site::new(args);
    fs::write(&site_yaml, site.yaml(args)).map_err(io(&site_yaml))?;

    let mut rng = Rng::derive(args.seed, 1);
    let mut counts = [0usize; 3];
    let mut post_bytes = 0u64;
    let mut ongoing = Vec::new();
    let mut upcoming = 0;
    for n in 0..args.posts {
        let post = match n % 10 {
            0..=6 => {
                counts[0] += 1;
                site.incident(&mut rng, counts[0] - 1, n, args)
            }
            7 | 8 => {
                counts[1] += 1;
                site.maintenance(&mut rng, counts[1] - 1, n, args)
            }
            _ => {
                counts[2] += 1;
                site.news(&mut rng, n, args)
            }
        };
        if let Some(o) = post.ongoing {
            ongoing.push(o);
        }
        upcoming += usize::from(post.upcoming);
        let path = content.join(&post.path);
        fs::write(&path, &post.text).map_err(io(&path))?;
        post_bytes += post.text.len() as u64;
    }
    let posts_time = started.elapsed();

    let feed_path = content.join("health").join("feed.jsonl");
    let feed_start = Instant::now();
    let (lines, bytes, failing) =
        write_feed(&feed_path, &site, &ongoing, args).map_err(io(&feed_path))?;
    let feed_time = feed_start.elapsed();

    if removed > 0 {
        say!("removed {removed} previously generated posts (--force)");
    }
    say!("wrote site to {}", args.out.display());
    say!(
        "  site.yaml: {} components, {} checks, now = {}",
        site.components.len(),
        args.checks,
        ts(args.now)
    );
    say!(
        "  posts: {} ({} incidents, {} ongoing; {} maintenance, {} upcoming; {} news), {} in {:.2?}",
        args.posts,
        counts[0],
        ongoing.len(),
        counts[1],
        upcoming,
        counts[2],
        human_bytes(post_bytes),
        posts_time
    );
    say!(
        "  feed: {} lines, {} bytes ({}), {} failing or slow, in {:.2?}",
        lines,
        bytes,
        human_bytes(bytes),
        failing,
        feed_time
    );
    say!(
        "  check it with: SOURCE_DATE_EPOCH={} lantern check --root {}",
        args.now,
        args.out.display()
    );
    Ok(())
}

/// `YYYY-MM-DD-…-N.md`: the names this tool writes.
fn looks_generated(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".md") else {
        return false;
    };
    let b = stem.as_bytes();
    let date_ok = b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && b[10] == b'-';
    date_ok
        && stem
            .rsplit_once('-')
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

// ---------------------------------------------------------------------------------
// site.yaml

const COMPONENT_NAMES: [&str; 50] = [
    "Website",
    "Public API",
    "Login",
    "Chat",
    "Search",
    "File uploads",
    "Email delivery",
    "Push notifications",
    "Billing",
    "Payments",
    "Database",
    "Cache",
    "CDN",
    "DNS",
    "Webhooks",
    "Mobile app",
    "Admin console",
    "Reporting",
    "Analytics",
    "Video calls",
    "Voice",
    "SMS",
    "Exports",
    "Imports",
    "Background jobs",
    "Scheduler",
    "Object storage",
    "Backups",
    "Status API",
    "Documentation",
    "Marketplace",
    "Integrations",
    "Single sign-on",
    "Two-factor auth",
    "Audit log",
    "Search indexing",
    "Media processing",
    "Thumbnails",
    "Realtime events",
    "Message queue",
    "Load balancer",
    "Edge network",
    "Developer portal",
    "Support portal",
    "Community forum",
    "Account settings",
    "Data warehouse",
    "Translations",
    "Spam filter",
    "Rate limiter",
];
const GROUPS: [&str; 5] = ["Frontend", "API", "Core", "Storage", "Integrations"];

struct Component {
    id: String,
    name: &'static str,
    group: Option<&'static str>,
    checks: Vec<usize>,
}

struct Site {
    components: Vec<Component>,
    check_ids: Vec<String>,
}

impl Site {
    fn new(args: &Args) -> Site {
        let c = args.checks;
        let k = c.clamp(20, 50);
        let width = (c.saturating_sub(1)).to_string().len().max(3);
        let check_ids = (0..c).map(|i| format!("chk-{i:0width$}")).collect();
        let components = (0..k)
            .map(|i| {
                // Every check belongs to exactly one component; with fewer checks than
                // components, the rest share one so every component has data.
                let mut checks: Vec<usize> = (i..c).step_by(k).collect();
                if checks.is_empty() && c > 0 {
                    checks.push(i % c);
                }
                Component {
                    id: format!("comp-{i:02}"),
                    name: COMPONENT_NAMES[i],
                    // Every seventh component has no group, as in real sites.
                    group: (i % 7 != 6).then(|| GROUPS[i * GROUPS.len() / k]),
                    checks,
                }
            })
            .collect();
        Site {
            components,
            check_ids,
        }
    }

    fn yaml(&self, args: &Args) -> String {
        let mut y = String::new();
        y.push_str("# Generated by `cargo run --example gen-site`; do not edit.\n");
        y.push_str("title: Example Status\n");
        y.push_str("description: Synthetic status site for Lantern benchmarks.\n");
        let _ = writeln!(y, "base_url: {BASE_URL}");
        y.push_str("timezone: Europe/Berlin\nlanguage: en\n");
        y.push_str("contact:\n");
        y.push_str("  - { label: \"Email support\", url: \"mailto:support@example.com\" }\n");
        y.push_str("  - { label: \"Mastodon\", url: \"https://social.example/@example\" }\n");
        y.push_str(
            "  - { label: \"Community forum\", url: \"https://forum.example.com/c/status\" }\n",
        );
        y.push_str("components:\n");
        for c in &self.components {
            let checks: Vec<&str> = c
                .checks
                .iter()
                .map(|&i| self.check_ids[i].as_str())
                .collect();
            let _ = write!(
                y,
                "  - {{ id: {}, name: {}, description: \"{} for example.com users\"",
                c.id,
                q(c.name),
                c.name
            );
            if let Some(g) = c.group {
                let _ = write!(y, ", group: {g}");
            }
            let _ = writeln!(y, ", checks: [{}] }}", checks.join(", "));
        }
        // Results further apart than 15 minutes would leave gaps; stretch to fit.
        let stale_min = ((args.interval + 59) / 60).max(15);
        let _ = writeln!(
            y,
            "health:\n  stale_after: {stale_min}m\n  degraded_latency_ms: 2000\n  history_days: 90\n  page_stale_after: 1h"
        );
        y
    }

    /// 1–3 distinct components.
    fn pick_components(&self, rng: &mut Rng, max: usize) -> Vec<usize> {
        let want = rng.range(1, max as i64) as usize;
        let mut v: Vec<usize> = Vec::with_capacity(want);
        while v.len() < want.min(self.components.len()) {
            let i = rng.below(self.components.len() as u64) as usize;
            if !v.contains(&i) {
                v.push(i);
            }
        }
        v
    }
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

// ---------------------------------------------------------------------------------
// Posts

struct Post {
    path: String,
    text: String,
    /// An open incident: the component whose checks fail from `.1` on (`.2`: slow, not down).
    ongoing: Option<(usize, i64, bool)>,
    upcoming: bool,
}

const MIN: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

/// Round down to a whole minute.
fn minute(t: i64) -> i64 {
    t - t.rem_euclid(MIN)
}

fn slugify(title: &str) -> String {
    let mut s = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let mut s = s.trim_end_matches('-').to_string();
    if s.len() > 48 {
        s.truncate(48);
        s = s.trim_end_matches('-').to_string();
    }
    s
}

fn post_path(kind: &str, at: i64, title: &str, n: usize) -> String {
    format!("{kind}/{}-{}-{n}.md", date(at), slugify(title))
}

fn components_line(site: &Site, comps: &[usize]) -> String {
    let ids: Vec<&str> = comps
        .iter()
        .map(|&i| site.components[i].id.as_str())
        .collect();
    format!("components: [{}]\n", ids.join(", "))
}

const INCIDENT_TITLES: [&str; 8] = [
    "Elevated error rates for {}",
    "{} is slow to respond",
    "{} unavailable",
    "Intermittent failures in {}",
    "Delayed processing in {}",
    "Partial outage of {}",
    "Some users cannot reach {}",
    "Degraded performance of {}",
];
const MAINTENANCE_TITLES: [&str; 5] = [
    "Scheduled upgrade of {}",
    "Database migration for {}",
    "Network maintenance affecting {}",
    "Moving {} to new servers",
    "Certificate rotation for {}",
];
const NEWS_TITLES: [&str; 5] = [
    "Improvements to {}",
    "New monitoring for {}",
    "Changes to how we report on {}",
    "A look back at this quarter's reliability of {}",
    "{} now runs in a second region",
];

fn title(rng: &mut Rng, templates: &[&str], name: &str) -> String {
    rng.pick(templates).replace("{}", name)
}

impl Site {
    fn incident(&self, rng: &mut Rng, index: usize, n: usize, args: &Args) -> Post {
        let now = args.now;
        let span = i64::from(args.years) * 365 * DAY;
        // About one in 500 incidents is still open (the first one, so small sites get one).
        let ongoing = index.is_multiple_of(500);
        let impact = match rng.below(10) {
            0 if !ongoing => "none",
            0..=5 => "minor",
            6..=8 => "major",
            _ => "critical",
        };
        let mut comps = self.pick_components(rng, 3);
        if ongoing {
            // The feed fails the first component's checks; every component sharing
            // one of them is affected too, so the incident names it.
            let failing = &self.components[comps[0]].checks;
            for (i, c) in self.components.iter().enumerate() {
                if !comps.contains(&i) && c.checks.iter().any(|x| failing.contains(x)) {
                    comps.push(i);
                }
            }
        }
        let names: Vec<&str> = comps.iter().map(|&i| self.components[i].name).collect();
        let title = title(rng, &INCIDENT_TITLES, names[0]);
        let (started, resolved, updates) = if ongoing {
            let started = minute(now - rng.range(HOUR, 6 * HOUR));
            let k = rng.range(1, 3) as usize;
            let first = started + rng.range(3, 15) * MIN;
            let room = (now - MIN - first) / MIN;
            let mut times = vec![first];
            for j in 1..k {
                times.push(first + room * j as i64 / k as i64 * MIN);
            }
            let statuses = &["investigating", "identified", "monitoring"][..k];
            (
                started,
                None,
                times
                    .into_iter()
                    .zip(statuses.iter().copied())
                    .collect::<Vec<_>>(),
            )
        } else {
            let (lo, hi) = match impact {
                "none" => (15, 120),
                "minor" => (20, 240),
                "major" => (30, 480),
                _ => (20, 360),
            };
            let dur = rng.range(lo, hi) * MIN;
            let started = minute(now - rng.range(dur + HOUR, span));
            let resolved = started + dur;
            let k = rng.range(2, 5) as usize;
            let statuses: &[&str] = match k {
                2 => &["investigating", "resolved"],
                3 => &["investigating", "identified", "resolved"],
                4 => &["investigating", "identified", "monitoring", "resolved"],
                _ => &[
                    "investigating",
                    "identified",
                    "identified",
                    "monitoring",
                    "resolved",
                ],
            };
            let first = started + rng.range(2, (dur / MIN / 4).clamp(2, 20)) * MIN;
            let room = (resolved - first) / MIN;
            let times: Vec<i64> = (0..k)
                .map(|j| first + room * j as i64 / (k as i64 - 1) * MIN)
                .collect();
            (
                started,
                Some(resolved),
                times.into_iter().zip(statuses.iter().copied()).collect(),
            )
        };

        let mut t = String::from("---\n");
        let _ = writeln!(t, "title: {}", q(&title));
        let _ = writeln!(t, "impact: {impact}");
        t.push_str(&components_line(self, &comps));
        let _ = writeln!(t, "started: {}", ts(started));
        if let Some(r) = resolved {
            let _ = writeln!(t, "resolved: {}", ts(r));
        }
        t.push_str("updates:\n");
        for (at, status) in &updates {
            let _ = writeln!(
                t,
                "  - at: {}\n    status: {status}\n    text: {}",
                ts(*at),
                q(&update_text(rng, status, &names))
            );
        }
        t.push_str("---\n\n");
        t.push_str(&body(rng, Kind::Incident, &names, started));
        // An open incident is visible in the feed too: its first component's checks fail
        // from shortly after the start (slow for a minor incident, down otherwise).
        let effect = ongoing.then_some((comps[0], started + 2 * MIN, impact == "minor"));
        Post {
            path: post_path("incidents", started, &title, n),
            text: t,
            ongoing: effect,
            upcoming: false,
        }
    }

    fn maintenance(&self, rng: &mut Rng, index: usize, n: usize, args: &Args) -> Post {
        let now = args.now;
        let span = i64::from(args.years) * 365 * DAY;
        let comps = self.pick_components(rng, 2);
        let names: Vec<&str> = comps.iter().map(|&i| self.components[i].name).collect();
        let title = title(rng, &MAINTENANCE_TITLES, names[0]);
        let dur = rng.range(2, 16) * 15 * MIN;
        // One in twenty is upcoming (the first one, so small sites get one).
        let upcoming = index.is_multiple_of(20);
        let hour = |t: i64| t - t.rem_euclid(HOUR);
        let (start, updates) = if upcoming {
            let start = hour(now + rng.range(DAY, 30 * DAY));
            let announced = minute(now - rng.range(HOUR, 3 * DAY));
            (start, vec![(announced, "scheduled")])
        } else {
            let start = hour(now - rng.range(dur + DAY, span));
            let end = start + dur;
            let announced = minute(start - rng.range(2 * DAY, 14 * DAY));
            let completed = end - rng.range(0, 10) * MIN;
            let mut u = vec![(announced, "scheduled"), (start, "in_progress")];
            if rng.chance(0.4) {
                u.push((completed - rng.range(5, 10) * MIN, "verifying"));
            }
            u.push((completed, "completed"));
            (start, u)
        };
        let mut t = String::from("---\n");
        let _ = writeln!(t, "title: {}", q(&title));
        t.push_str(&components_line(self, &comps));
        let _ = writeln!(t, "scheduled_start: {}", ts(start));
        let _ = writeln!(t, "scheduled_end: {}", ts(start + dur));
        t.push_str("updates:\n");
        for (at, status) in &updates {
            let _ = writeln!(
                t,
                "  - at: {}\n    status: {status}\n    text: {}",
                ts(*at),
                q(&update_text(rng, status, &names))
            );
        }
        t.push_str("---\n\n");
        t.push_str(&body(rng, Kind::Maintenance, &names, start));
        Post {
            path: post_path("maintenance", start, &title, n),
            text: t,
            ongoing: None,
            upcoming,
        }
    }

    fn news(&self, rng: &mut Rng, n: usize, args: &Args) -> Post {
        let span = i64::from(args.years) * 365 * DAY;
        let at = minute(args.now - rng.range(HOUR, span));
        let comps = if rng.chance(0.5) {
            Vec::new()
        } else {
            self.pick_components(rng, 2)
        };
        let names: Vec<&str> = if comps.is_empty() {
            vec![self.components[rng.below(self.components.len() as u64) as usize].name]
        } else {
            comps.iter().map(|&i| self.components[i].name).collect()
        };
        let title = title(rng, &NEWS_TITLES, names[0]);
        let mut t = String::from("---\n");
        let _ = writeln!(t, "title: {}", q(&title));
        let _ = writeln!(t, "date: {}", ts(at));
        if !comps.is_empty() {
            t.push_str(&components_line(self, &comps));
        }
        t.push_str("---\n\n");
        t.push_str(&body(rng, Kind::News, &names, at));
        Post {
            path: post_path("news", at, &title, n),
            text: t,
            ongoing: None,
            upcoming: false,
        }
    }
}

fn update_text(rng: &mut Rng, status: &str, names: &[&str]) -> String {
    let options: &[&str] = match status {
        "investigating" => &[
            "We are investigating reports of errors in {}.",
            "Some requests to {} are failing. We are looking into it.",
            "{} is responding slowly for some users. We are investigating.",
        ],
        "identified" => &[
            "We found the cause: a configuration change to {}. We are rolling it back.",
            "A failed node behind {} is being replaced.",
            "The problem is a full disk on a server behind {}. We are freeing space.",
        ],
        "monitoring" => &[
            "A fix is in place and {} is recovering. We are watching it closely.",
            "Error rates for {} are back to normal. We are monitoring.",
        ],
        "resolved" => &[
            "{} is working normally again. Sorry for the trouble.",
            "This incident is resolved. {} is fully operational.",
        ],
        "scheduled" => &[
            "We will upgrade {} during this window. Short interruptions are possible.",
            "Planned work on {}. Most requests will not notice.",
        ],
        "in_progress" => &[
            "The maintenance of {} has started.",
            "Work on {} is under way.",
        ],
        "verifying" => &["The work on {} is done; we are verifying that everything works."],
        _ => &[
            "The maintenance of {} is complete.",
            "{} is back to normal; the work is done.",
        ],
    };
    let name = *rng.pick(names);
    rng.pick(options).replace("{}", name)
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Incident,
    Maintenance,
    News,
}

const FILLER: [&str; 24] = [
    "We monitor every component from three regions, so a single failing probe does not raise an alarm on its own.",
    "Requests that failed during this time can be retried safely; nothing was charged or sent twice.",
    "Our on-call engineer was paged within two minutes of the first failed check.",
    "We publish an update at least every thirty minutes while an incident is open.",
    "None of your data was lost, and no action is needed on your side.",
    "If you still see errors, clear your browser cache and reload the page before contacting us.",
    "The affected servers have been replaced, and the old ones are kept for analysis.",
    "We have added an alert for this condition so we notice it sooner next time.",
    "Capacity was added to absorb the backlog, and it drained within a few minutes.",
    "We are reviewing our deployment process so a change like this is caught in staging.",
    "Customers on every plan were affected in the same way.",
    "The status page itself runs on separate hosting and stayed available throughout.",
    "Thank you for your patience, and for the reports that helped us find the cause quickly.",
    "We will share a short follow-up once the review is complete.",
    "Automated failover worked as designed, but took longer than we would like.",
    "Background jobs that were delayed have all been processed in order.",
    "Our team rehearses this kind of recovery every quarter, which paid off today.",
    "The change had passed all automated tests, which did not cover this case.",
    "We have written a test for exactly this case, and it now runs on every release.",
    "Mobile and desktop clients reconnect on their own; no update is required.",
    "Traffic was shifted to the healthy region while the fix was rolled out.",
    "We kept the logs from the affected period so we can study them in detail.",
    "A small number of requests may have returned an error page instead of a retry.",
    "You can subscribe to this page by email or RSS to hear about changes first.",
];

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

/// A Markdown body of 150–400 words with a heading, a list, a link, inline code,
/// a fenced code block and a table.
fn body(rng: &mut Rng, kind: Kind, names: &[&str], at: i64) -> String {
    let name = names[0];
    let target = rng.range(160, 400) as usize;
    let mut b = String::new();
    match kind {
        Kind::Incident => {
            let _ = writeln!(
                b,
                "On {}, {name} did not work as expected for some of you. This post explains what happened and what we are changing.\n",
                date(at)
            );
        }
        Kind::Maintenance => {
            let _ = writeln!(
                b,
                "On {} we carry out planned work on {name}. Most of you will not notice anything; this post explains what to expect.\n",
                date(at)
            );
        }
        Kind::News => {
            let _ = writeln!(b, "Here is an update about {name} and how we run it.\n");
        }
    }
    let heading = match kind {
        Kind::Incident => "## What happened",
        Kind::Maintenance => "## What to expect",
        Kind::News => "## What is new",
    };
    let _ = writeln!(b, "{heading}\n");
    let code = rng.pick(&[
        "HTTP 503",
        "ECONNRESET",
        "disk_full",
        "timeout after 30s",
        "HTTP 429",
    ]);
    let _ = match kind {
        Kind::Incident => writeln!(
            b,
            "Requests to {name} returned `{code}` for part of the time, as our checks and the `api/v2/status.json` endpoint showed.\n"
        ),
        Kind::Maintenance => writeln!(
            b,
            "During the window, some requests to {name} may return `{code}`; clients retry on their own. Follow along in `api/v2/scheduled-maintenances.json`.\n"
        ),
        Kind::News => writeln!(
            b,
            "Our health checks now also report errors such as `{code}` for {name}, and the `api/v2/summary.json` endpoint includes them.\n"
        ),
    };
    let items = rng.range(3, 5) as usize;
    let list = [
        format!("{name} was affected directly."),
        format!(
            "Other components, such as {}, kept working.",
            rng.pick(names)
        ),
        "No data was lost.".to_string(),
        "Retrying a failed request is safe.".to_string(),
        "Updates were posted on this page as we learned more.".to_string(),
    ];
    for item in list.iter().take(items) {
        let _ = writeln!(b, "- {item}");
    }
    b.push('\n');
    let host = rng.range(1, 9);
    let _ = writeln!(
        b,
        "```text\n{} host-{host} {svc}: health check failed ({code})\n{} host-{host} {svc}: retrying in 5s\n{} host-{host} {svc}: health check ok\n```\n",
        ts(at),
        ts(at + 5),
        ts(at + 65),
        svc = slugify(name),
    );
    let (header, rows) = match kind {
        Kind::Incident => (
            "What happened",
            [
                ("first alert", 0),
                ("cause found", 17),
                ("fix deployed", 34),
                ("back to normal", 52),
            ],
        ),
        Kind::Maintenance => (
            "Step",
            [
                ("work starts", 0),
                ("traffic moved", 10),
                ("upgrade done", 25),
                ("checks pass", 30),
            ],
        ),
        Kind::News => (
            "Change",
            [
                ("announced", 0),
                ("first region", 60),
                ("all regions", 120),
                ("old system off", 180),
            ],
        ),
    };
    let _ = writeln!(b, "| Time (UTC) | {header} |\n|---|---|");
    for (what, m) in rows.iter().take(rng.range(3, 4) as usize) {
        let _ = writeln!(b, "| {} | {what} |", &ts(at + m * MIN)[11..16]);
    }
    b.push('\n');
    let _ = writeln!(
        b,
        "Earlier events are listed in the [status history]({BASE_URL}history/), and you can [email us](mailto:support@example.com) with any questions.\n"
    );
    // Fill to the target length with paragraphs of three or four sentences.
    let mut count = words(&b);
    let mut para = 0;
    while count < target {
        let s = rng.pick(&FILLER);
        let w = words(s);
        if count + w > 400 {
            break;
        }
        b.push_str(s);
        count += w;
        para += 1;
        b.push_str(if para % 4 == 0 { "\n\n" } else { " " });
    }
    let mut b = b.trim_end().to_string();
    b.push('\n');
    b
}

// ---------------------------------------------------------------------------------
// Health feed

const DOWN_MESSAGES: [(&str, bool); 5] = [
    ("HTTP 503", true),
    ("HTTP 500", true),
    ("connection refused", false),
    ("timeout after 10s", false),
    ("TLS handshake failed", false),
];

struct CheckState {
    id_json: Vec<u8>,
    /// Normal latency: `base + noise % spread` ms.
    base: u64,
    spread: u64,
    /// Results left in the current outage (0: healthy).
    remaining: u64,
    slow: bool,
    message: usize,
    /// An open incident on this check's component: failing from this time on.
    open: Option<(i64, bool)>,
}

/// Write C × (days × 86400 / interval) results ending just before `now`, sorted by time
/// then check id. Returns (lines, bytes, failing or slow lines).
fn write_feed(
    path: &Path,
    site: &Site,
    ongoing: &[(usize, i64, bool)],
    args: &Args,
) -> std::io::Result<(u64, u64, u64)> {
    let interval = args.interval;
    let ticks = i64::from(args.days) * DAY / interval;
    let first = args.now - ticks * interval;
    let mut rng = Rng::derive(args.seed, 2);
    let mut checks: Vec<CheckState> = site
        .check_ids
        .iter()
        .map(|id| {
            let base = rng.range(15, 400) as u64;
            CheckState {
                id_json: json_str(id),
                base,
                spread: base / 2 + 5,
                remaining: 0,
                slow: false,
                message: 0,
                open: None,
            }
        })
        .collect();
    for &(comp, from, slow) in ongoing {
        for &i in &site.components[comp].checks {
            let c = &mut checks[i];
            if c.open.is_none_or(|(f, _)| from < f) {
                c.open = Some((from, slow));
            }
        }
    }
    let messages: Vec<Vec<u8>> = DOWN_MESSAGES.iter().map(|(m, _)| json_str(m)).collect();
    let slow_message = json_str("slow response");

    // Outages last 2–20 minutes; start them so ~0.1% of results fail.
    let (min_s, max_s) = (120, 1200);
    let len_ticks = |secs: i64| (secs + interval - 1) / interval;
    let mean_len = (min_s..=max_s).map(len_ticks).sum::<i64>() as f64 / (max_s - min_s + 1) as f64;
    let p_start = 0.001 / mean_len;
    let threshold = (p_start * 18_446_744_073_709_551_616.0) as u64;

    let file = fs::File::create(path)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut line = Vec::with_capacity(128);
    let (mut lines, mut bytes, mut failing) = (0u64, 0u64, 0u64);
    for k in 0..ticks {
        let t = first + k * interval;
        let at = ts_bytes(t);
        for c in &mut checks {
            let r = rng.next_u64();
            line.clear();
            if let Some((_, slow)) = c.open.filter(|&(from, _)| t >= from) {
                // Open incident: fail until now (`remaining` 1 so the branch below emits it).
                c.slow = slow;
                c.message = 0;
                c.remaining = 1;
            } else if c.remaining == 0 && r < threshold {
                let len = len_ticks(rng.range(min_s, max_s));
                // Short outages are over by now: at "now" only open incidents fail.
                if t + len * interval < args.now {
                    c.remaining = len as u64;
                    c.slow = rng.below(3) == 0;
                    c.message = rng.below(DOWN_MESSAGES.len() as u64) as usize;
                }
            }
            if c.remaining > 0 {
                c.remaining -= 1;
                failing += 1;
                let noise = r >> 40;
                if c.slow {
                    push_result(
                        &mut line,
                        &c.id_json,
                        &at,
                        true,
                        Some(2100 + noise % 4000),
                        Some(&slow_message),
                    );
                } else {
                    let latency = DOWN_MESSAGES[c.message].1.then_some(5 + noise % 60);
                    push_result(
                        &mut line,
                        &c.id_json,
                        &at,
                        false,
                        latency,
                        Some(&messages[c.message]),
                    );
                }
            } else {
                let noise = r >> 32;
                let mut latency = c.base + noise % c.spread;
                // Now and then a slow-but-fine response (well under the 2000 ms limit).
                if (r >> 16) & 0x1ff == 0 {
                    latency = (latency * 3).min(1800);
                }
                push_result(&mut line, &c.id_json, &at, true, Some(latency), None);
            }
            w.write_all(&line)?;
            lines += 1;
            bytes += line.len() as u64;
        }
    }
    w.flush()?;
    Ok((lines, bytes, failing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names() {
        assert!(looks_generated("2026-11-20-database-outage-17.md"));
        assert!(!looks_generated("2026-11-20-database-outage.md"));
        assert!(!looks_generated("notes-1.md"));
        assert_eq!(
            slugify("Elevated error rates for Two-factor auth"),
            "elevated-error-rates-for-two-factor-auth"
        );
    }
}
