//! `lantern probe`: run the probes of site.yaml, append one result each to the feed,
//! optionally every DURATION and with a build after each round.

use crate::config::{self, Probe};
use crate::diagnostics::InvalidSite;
use crate::probe::{self, append::Appender, round};
use crate::serve::signal::Termination;
use anyhow::{Context, anyhow, bail};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Options of `lantern probe`.
#[derive(Debug, Clone)]
pub struct ProbeArgs {
    pub root: PathBuf,
    pub every: Option<String>,
    pub build: bool,
    pub only: Vec<String>,
}

/// Run rounds until done; a failing service is data (exit 0), a bad config or an
/// unwritable feed is an error.
pub fn execute(args: ProbeArgs) -> anyhow::Result<()> {
    let every = args
        .every
        .as_deref()
        .map(crate::time::parse_span)
        .transpose()
        .map_err(|m| anyhow!("--every: {m}"))?;
    let cfg = config::load(&args.root)
        .map_err(InvalidSite)
        .context("probe failed; nothing was appended")?;
    let probes = select(&cfg.probes, &args.only)?;
    let dir = args.root.join("content").join(&cfg.health.dir);
    let appender = Appender::new(&args.root, dir).context("probe failed; nothing was appended")?;
    appender
        .prepare(chrono::Utc::now())
        .context("probe failed; nothing was appended")?;
    // Signals are blocked before any thread starts, then awaited on one thread: the
    // round in flight always finishes and is written whole.
    let stop = Arc::new((Mutex::new(false), Condvar::new()));
    if every.is_some() {
        let term = Termination::block().context("cannot set up signal handling")?;
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            if term.wait().is_ok() {
                *stop.0.lock().expect("stop lock") = true;
                stop.1.notify_all();
            }
        });
    }
    let width = probes.iter().map(|p| p.id.len()).max().unwrap_or(0);
    loop {
        let started = Instant::now();
        let results =
            round::run(&probes, &appender, probe::run).context("probe failed while appending")?;
        for r in &results {
            println!(
                "{:<width$}  {:<8}  {:>6} ms  {}",
                r.id,
                probe::append::status_word(r.outcome.state),
                r.outcome.latency.as_millis(),
                r.outcome.message.as_deref().unwrap_or("")
            );
        }
        if args.build {
            let built = super::build::execute(super::build::BuildArgs {
                root: args.root.clone(),
                out: None,
                base_url: None,
                drafts: false,
                wait: super::build::DEFAULT_WAIT,
            });
            match (built, every) {
                (Ok(()), _) => {}
                // Keep probing: the next round may find the site fixed.
                (Err(e), Some(_)) => eprintln!("error: {e:#}"),
                (Err(e), None) => return Err(e),
            }
        }
        let Some(every) = every else { break };
        if wait_or_stop(&stop, started, every) {
            break;
        }
    }
    Ok(())
}

/// Wait until `every` after `started`; true when a signal asked to stop.
fn wait_or_stop(stop: &(Mutex<bool>, Condvar), started: Instant, every: Duration) -> bool {
    let (lock, cv) = stop;
    let mut stopped = lock.lock().expect("stop lock");
    let next = started + every;
    if !*stopped && Instant::now() >= next {
        eprintln!(
            "warning: the round took {} ms, longer than --every {} s; the next starts now",
            started.elapsed().as_millis(),
            every.as_secs()
        );
        return false;
    }
    while !*stopped {
        let left = next.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        stopped = cv.wait_timeout(stopped, left).expect("stop lock").0;
    }
    *stopped
}

/// The probes to run: all, or those named by `--only` (each must exist).
fn select(all: &[Probe], only: &[String]) -> anyhow::Result<Vec<Probe>> {
    if all.is_empty() {
        bail!(
            "{} has no `probes:`; add one, e.g.\n  probes:\n    - id: web-http\n      http: https://example.com/healthz",
            config::CONFIG_PATH
        );
    }
    if only.is_empty() {
        return Ok(all.to_vec());
    }
    for id in only {
        if !all.iter().any(|p| &p.id == id) {
            let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
            let hint = crate::yaml::closest(id, &ids)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            bail!("--only: no probe `{id}` in {}{hint}", config::CONFIG_PATH);
        }
    }
    Ok(all
        .iter()
        .filter(|p| only.contains(&p.id))
        .cloned()
        .collect())
}
