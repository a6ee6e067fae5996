//! The health stage: the check feed read onto a minute grid, and the figures
//! derived from it (current status from checks, daily uptime, windows, latency).

pub mod cache;
pub mod component;
pub mod coverage;
mod fastline;
pub mod feed;
pub mod part;
pub mod record;
pub mod series;
mod timestamp;
pub mod uptime;
pub mod window;

use crate::config::Config;
use crate::diagnostics::Diagnostics;
use chrono::{DateTime, Utc};
pub use component::{Figures, Severity, Window, Windows};
pub use feed::Feed;
use record::State;
use std::ops::Range;
use std::path::Path;
pub use window::Grid;

/// Incidents and maintenance touching one component, as instants.
#[derive(Debug, Default, Clone)]
pub struct Spans {
    pub incidents: Vec<(DateTime<Utc>, DateTime<Utc>, Severity)>,
    pub maintenance: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// What a component's checks say now, from the newest result of each check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Up,
    Degraded,
    Down,
    /// No check has a result newer than `stale_after`: a dead monitor proves nothing.
    Stale,
}

/// What the checks say about one component.
#[derive(Debug, Clone)]
pub struct ComponentHealth {
    /// `None` when the component lists no checks (its status comes from posts alone).
    pub from_checks: Option<Verdict>,
    pub last_result_at: Option<DateTime<Utc>>,
    /// Message of the result that decides the status (untrusted text: escape it).
    pub last_message: Option<String>,
    pub figures: Figures,
    /// Every check had data saying up for the whole last hour.
    pub up_last_hour: bool,
}

/// The health model of the site: the grid and what was read. Each component's own
/// health (from [`model`]) is kept with the component.
#[derive(Debug, Clone)]
pub struct Health {
    pub grid: Grid,
    pub results: u64,
    pub files: usize,
    pub bytes: u64,
}

/// Every check id some component lists, sorted and unique.
pub fn configured_checks(config: &Config) -> Vec<String> {
    let mut v: Vec<String> = config
        .components
        .iter()
        .flat_map(|c| c.checks.iter().cloned())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Warnings for probes no component lists and for component checks that nothing
/// feeds (neither a probe nor any result in the feed files read).
pub fn unmatched_checks(config: &Config, feed: &Feed) -> Diagnostics {
    let rel = Path::new(crate::config::CONFIG_PATH);
    let listed = configured_checks(config);
    let mut d = Diagnostics::default();
    for p in &config.probes {
        if listed.binary_search(&p.id).is_err() {
            d.push(
                crate::diagnostics::Diagnostic::warning(
                    rel,
                    format!("probe `{}` is not listed under `checks` of any component; its results are ignored", p.id),
                )
                .at_line(p.line),
            );
        }
    }
    for c in &config.components {
        for id in &c.checks {
            let fed = feed
                .series
                .get(id)
                .is_some_and(|s| s.results > 0 || s.latest.is_some());
            if !fed && !config.probes.iter().any(|p| &p.id == id) {
                d.push(crate::diagnostics::Diagnostic::warning(
                    rel,
                    format!("check `{id}` of component `{}` is neither a probe nor found in the health feed; add it under `probes:` or feed it", c.id),
                ));
            }
        }
    }
    d
}

/// Read the feed under `root/content/<health.dir>` onto the grid ending at `now`.
pub fn read_feed(
    root: &Path,
    config: &Config,
    now: DateTime<Utc>,
    cache: &cache::Mode,
) -> (Feed, Grid, Diagnostics) {
    let grid = Grid::new(now, config.timezone, config.health.history_days);
    let dir = root.join("content").join(&config.health.dir);
    let checks = configured_checks(config);
    // A probe's own threshold wins for its check; every other check uses the health one.
    let degraded_ms = checks
        .iter()
        .map(|id| {
            config
                .probes
                .iter()
                .find(|p| &p.id == id)
                .map_or(config.health.degraded_latency_ms, |p| p.degraded_latency_ms)
        })
        .collect();
    // A result before the grid still covers its first minutes (up to `stale_after`);
    // anything older than that cannot change a figure, so its file need not be read.
    let skip_before =
        grid.start.timestamp() - config.health.stale_after.as_secs().min(i64::MAX as u64) as i64;
    let opts = feed::ReadOptions {
        degraded_ms,
        skip_before: Some(skip_before),
        cache: cache.clone(),
    };
    let (feed, diags) = feed::read_with(&dir, root, &checks, &grid, &opts);
    (feed, grid, diags)
}

/// Derive every component's health (config order) from the feed and the posts' spans.
pub fn model(
    config: &Config,
    feed: Feed,
    grid: Grid,
    spans: &[Spans],
) -> (Health, Vec<ComponentHealth>) {
    let stale = coverage::stale_minutes(config.health.stale_after);
    // Checks and components are independent: both cores (50 components of 90 days of
    // minutes are most of a preview rebuild's model).
    use rayon::prelude::*;
    let coverages: std::collections::BTreeMap<&str, Vec<u8>> = feed
        .series
        .par_iter()
        .map(|(id, s)| (id.as_str(), coverage::coverage(s, &grid, stale)))
        .collect();
    let now = grid.now;
    let components = config
        .components
        .par_iter()
        .zip(spans)
        .map(|(c, sp)| {
            let series: Vec<_> = c
                .checks
                .iter()
                .filter_map(|id| feed.series.get(id))
                .collect();
            let covs: Vec<&[u8]> = c
                .checks
                .iter()
                .filter_map(|id| coverages.get(id.as_str()))
                .map(Vec::as_slice)
                .collect();
            let inputs = component::Inputs {
                coverage: covs.clone(),
                slots: series.iter().map(|s| s.slots.as_slice()).collect(),
                incidents: sp
                    .incidents
                    .iter()
                    .map(|(a, b, sev)| (range(&grid, *a, *b), *sev))
                    .collect(),
                maintenance: sp
                    .maintenance
                    .iter()
                    .map(|(a, b)| range(&grid, *a, *b))
                    .collect(),
            };
            let figures = component::figures(&grid, &inputs);
            let last_hour = grid.minutes.saturating_sub(60)..grid.minutes;
            let up_last_hour =
                !covs.is_empty() && covs.iter().all(|c| coverage::all_up(c, last_hour.clone()));
            let (from_checks, last_result_at, last_message) = if c.checks.is_empty() {
                (None, None, None)
            } else {
                current(&series, now, config.health.stale_after)
            };
            ComponentHealth {
                from_checks,
                last_result_at,
                last_message,
                figures,
                up_last_hour,
            }
        })
        .collect();
    let health = Health {
        grid,
        results: feed.results,
        files: feed.files,
        bytes: feed.bytes,
    };
    (health, components)
}

fn range(grid: &Grid, from: DateTime<Utc>, to: DateTime<Utc>) -> Range<usize> {
    grid.range(from, to)
}

/// Verdict from the newest result of each check: the worst among fresh checks,
/// `Stale` when none is fresh (a dead monitor must not read as all is well).
fn current(
    series: &[&series::Series],
    now: DateTime<Utc>,
    stale_after: std::time::Duration,
) -> (Option<Verdict>, Option<DateTime<Utc>>, Option<String>) {
    let newest = series
        .iter()
        .filter_map(|s| s.latest.as_ref())
        .map(|l| l.at)
        .max();
    let last_at = newest.and_then(|t| DateTime::from_timestamp(t, 0));
    let limit = now.timestamp() - stale_after.as_secs() as i64;
    let worst = series
        .iter()
        .filter_map(|s| s.latest.as_ref())
        .filter(|l| l.at >= limit)
        .max_by(|a, b| a.state.cmp(&b.state).then(a.at.cmp(&b.at)));
    match worst {
        None => (Some(Verdict::Stale), last_at, None),
        Some(l) => {
            let verdict = match l.state {
                State::Up => Verdict::Up,
                State::Degraded => Verdict::Degraded,
                State::Down => Verdict::Down,
            };
            (Some(verdict), last_at, l.message.clone())
        }
    }
}
