//! Upptime: a checkout's `history/` folder into feed results.
//!
//! Upptime keeps no per-check history in files, only per-day totals
//! (`summary.json`'s `dailyMinutesDown`, days without downtime left out) and the
//! latest check (`history/<slug>.yml`). The importer reconstructs results that
//! reproduce those totals exactly: for every UTC day from `startTime` (at most
//! `--days` days) to `lastUpdated`, results every 5 minutes, down for the first N
//! minutes of the day and up after; then the YAML's status as the newest result.
//! The time of day of an outage is not recorded by Upptime, so it is placed at the
//! start of the day. Each result covers 5 minutes, which needs `stale_after` ≥ 5m.
//! Upptime commits status changes, not checks, so the latest status is then repeated
//! every 5 minutes until `--as-of` (default: the newest commit of `history/`).

mod date;
mod git;

use super::detect::Kind;
use super::input::{self, InputError};
use super::{FeedResult, Imported};
use crate::health::record::State;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Step between reconstructed results (Upptime's default schedule), in minutes.
const STEP_MINUTES: i64 = 5;
/// Most days reconstructed (ten years: about a million results per site).
pub const MAX_DAYS: u32 = 3660;

/// Why an Upptime checkout could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum UpptimeError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// Neither INPUT/history/summary.json nor INPUT/summary.json exists.
    #[error("{}: no history/summary.json here; pass the folder of an Upptime checkout (the one holding history/)", .0.display())]
    NoSummary(PathBuf),
    /// `history/<slug>.yml` is missing or unreadable.
    #[error("cannot read {}: {reason}", path.display())]
    Yaml { path: PathBuf, reason: String },
    /// No site could be imported; one reason per site.
    #[error("no Upptime site could be imported:\n  {}", .0.join("\n  "))]
    NoSite(Vec<String>),
    /// A time or date in the files could not be read.
    #[error("{}: `{field}` {value:?} is not a valid {what}", path.display())]
    BadTime {
        path: PathBuf,
        field: String,
        value: String,
        what: &'static str,
    },
}

#[derive(Deserialize)]
struct Site {
    slug: String,
    #[serde(default, rename = "dailyMinutesDown")]
    daily_minutes_down: BTreeMap<String, f64>,
}

#[derive(Deserialize)]
struct SiteYaml {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    code: Option<serde_yaml::Value>,
    #[serde(default, rename = "responseTime")]
    response_time: Option<f64>,
    #[serde(rename = "lastUpdated")]
    last_updated: String,
    #[serde(default, rename = "startTime")]
    start_time: Option<String>,
}

/// The summary file and the folder holding the per-site YAML files.
fn locate(input: &Path) -> Result<(PathBuf, PathBuf), UpptimeError> {
    if input.is_file() {
        let dir = input.parent().unwrap_or(Path::new(".")).to_path_buf();
        return Ok((input.to_path_buf(), dir));
    }
    for dir in [input.join("history"), input.to_path_buf()] {
        let summary = dir.join("summary.json");
        if summary.is_file() {
            return Ok((summary, dir));
        }
    }
    Err(UpptimeError::NoSummary(input.to_path_buf()))
}

fn parse_time(path: &Path, field: &str, s: &str) -> Result<DateTime<Utc>, UpptimeError> {
    date::parse(s)
        .and_then(super::plausible)
        .ok_or_else(|| UpptimeError::BadTime {
            path: path.to_path_buf(),
            field: field.into(),
            value: s.into(),
            what: "time (ISO 8601, or JavaScript's `Mon Aug 10 2020 07:54:39 GMT+0000 (…)`)",
        })
}

/// Read an Upptime checkout; `days` limits how far back results are reconstructed.
/// The recorded statuses hold until the newest commit of `history/` (see [`import_with`]).
pub fn import(input: &Path, days: u32) -> Result<Imported, UpptimeError> {
    import_with(input, days, None, Utc::now())
}

/// One site read from its files, ready to reconstruct.
struct SiteData {
    check: String,
    meta: SiteYaml,
    last: DateTime<Utc>,
    start: Option<DateTime<Utc>>,
    down: BTreeMap<NaiveDate, i64>,
}

/// Read one site's YAML and daily totals; an error skips the site.
fn read_site(site: &Site, dir: &Path, summary_path: &Path) -> Result<SiteData, UpptimeError> {
    // The slug names a file beside summary.json: never let it point elsewhere.
    let plain = !site.slug.is_empty()
        && site
            .slug
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && !site.slug.starts_with('.');
    if !plain {
        return Err(UpptimeError::Yaml {
            path: summary_path.to_path_buf(),
            reason: format!("slug {:?} is not a plain file name", site.slug),
        });
    }
    let yml = dir.join(format!("{}.yml", site.slug));
    let text = input::read_capped(&yml)
        .and_then(|b| String::from_utf8(b).map_err(std::io::Error::other))
        .map_err(|e| UpptimeError::Yaml {
            path: yml.clone(),
            reason: e.to_string(),
        })?;
    let meta: SiteYaml = crate::yaml::from_str(&text).map_err(|e| UpptimeError::Yaml {
        path: yml.clone(),
        reason: e.to_string(),
    })?;
    let last = parse_time(&yml, "lastUpdated", &meta.last_updated)?;
    let start = match &meta.start_time {
        Some(s) => Some(parse_time(&yml, "startTime", s)?),
        None => None,
    };
    let mut down = BTreeMap::new();
    for (date, minutes) in &site.daily_minutes_down {
        let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| UpptimeError::BadTime {
            path: summary_path.to_path_buf(),
            field: format!("{}.dailyMinutesDown", site.slug),
            value: date.clone(),
            what: "date (YYYY-MM-DD)",
        })?;
        down.insert(d, minutes.max(0.0).round() as i64);
    }
    Ok(SiteData {
        check: super::check_id(&site.slug),
        meta,
        last,
        start,
        down,
    })
}

/// Read an Upptime checkout. Upptime records status changes, not checks: each
/// site's latest status is taken to hold until `as_of` (`--as-of`), by default the
/// newest commit of `history/` when git can tell, else the site's `lastUpdated`.
/// A site whose files cannot be read is skipped with a note, unless none can be.
/// Nothing holds beyond `now`.
pub fn import_with(
    input: &Path,
    days: u32,
    as_of: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Imported, UpptimeError> {
    let (summary_path, dir) = locate(input)?;
    let doc = input::read_json(&summary_path)?;
    input::expect_kind(&summary_path, &doc, Kind::UpptimeSummary)?;
    let sites: Vec<Site> = input::part(
        &summary_path,
        Kind::UpptimeSummary,
        || "the site list".into(),
        &doc,
    )?;
    let mut read = Vec::new();
    let mut skipped = Vec::new();
    for site in &sites {
        match read_site(site, &dir, &summary_path) {
            Ok(d) => read.push(d),
            Err(e) => skipped.push(e),
        }
    }
    if read.is_empty() {
        return Err(match skipped.len() {
            1 => skipped.remove(0),
            _ => UpptimeError::NoSite(skipped.iter().map(ToString::to_string).collect()),
        });
    }
    let mut out = Imported::default();
    for e in &skipped {
        out.notes
            .push(format!("skipped: {e}; the other sites were imported"));
    }
    let (hold, source) = match as_of {
        Some(t) => (Some(t), "--as-of"),
        None => match git::newest_commit(&dir) {
            Ok(t) => (Some(t), "the newest commit of history/, read with git"),
            Err(why) => (None, why),
        },
    };
    // A commit "in the future" (a skewed clock, or SOURCE_DATE_EPOCH) proves nothing beyond now.
    let hold = hold.map(|t| t.min(now));
    for site in &read {
        let check = &site.check;
        let span = Span::new(site.start, site.last, days);
        let clamped = reconstruct(check, &span, &site.down, &mut out.results);
        let outside: Vec<NaiveDate> = site
            .down
            .keys()
            .filter(|d| **d < span.first_day || **d > span.last_day())
            .copied()
            .collect();
        if let (Some(first), Some(last)) = (outside.first(), outside.last()) {
            out.notes.push(format!(
                "`{check}`: {} days with down minutes ({first} to {last}) are outside the imported days ({} to {}) and were not imported{}",
                outside.len(),
                span.first_day,
                span.last_day(),
                if *first < span.first_day { "; --days reaches further back" } else { "" }
            ));
        }
        for (d, want, got) in clamped {
            out.notes.push(format!(
                "`{check}`: {d} lists {want} minutes down but only {got} minutes of it are covered; imported {got}"
            ));
        }
        out.results.push(latest(check, site.last, &site.meta));
        let until = hold.unwrap_or(site.last);
        let held = hold_until(check, site.last, until, days, &site.meta, &mut out.results);
        if held > 0 {
            out.notes.push(format!(
                "`{check}`: its status at {} is taken to hold until {} ({held} more results)",
                crate::time::iso(site.last),
                crate::time::iso(until)
            ));
        }
    }
    out.notes.push(format!(
        "reconstructed from Upptime's daily totals: results every {STEP_MINUTES} minutes, each day's down minutes placed at the start of the UTC day (Upptime does not record when in the day); set `stale_after` to at least 5m"
    ));
    out.notes.push(match hold {
        Some(t) => format!(
            "Upptime records changes, not checks: each site's latest status holds until {}, from {source}; to refresh, `git pull` then `lantern import upptime … --as-of now`",
            crate::time::iso(t)
        ),
        None => format!(
            "Upptime records changes, not checks: each site's latest status holds only until its `lastUpdated` ({source}); right after `git pull`, pass `--as-of now` to say it still holds"
        ),
    });
    Ok(out)
}

/// Results repeating the latest recorded status every 5 minutes after `last` up to
/// `until` (at most `days` days), ending exactly at `until`; how many were added.
fn hold_until(
    check: &str,
    last: DateTime<Utc>,
    until: DateTime<Utc>,
    days: u32,
    meta: &SiteYaml,
    out: &mut Vec<FeedResult>,
) -> usize {
    if until <= last {
        return 0;
    }
    let limit = i64::from(days.clamp(1, MAX_DAYS));
    let from = last.max(until - Duration::days(limit));
    let mut n = 0;
    let mut t = from + Duration::minutes(STEP_MINUTES);
    while t < until {
        out.push(latest(check, t, meta));
        t += Duration::minutes(STEP_MINUTES);
        n += 1;
    }
    out.push(latest(check, until, meta));
    n + 1
}

/// The reconstructed stretch of time: whole UTC days up to `last`.
struct Span {
    /// First instant with results (midnight, or `startTime` on its own day).
    from: DateTime<Utc>,
    first_day: NaiveDate,
    last: DateTime<Utc>,
}

impl Span {
    fn new(start: Option<DateTime<Utc>>, last: DateTime<Utc>, days: u32) -> Span {
        let last_day = last.date_naive();
        // The CLI caps `days`; the clamp keeps the date arithmetic in range for any caller.
        let back = chrono::Days::new(u64::from(days.clamp(1, MAX_DAYS)) - 1);
        let earliest = last_day.checked_sub_days(back).unwrap_or(last_day);
        let earliest_t = earliest.and_time(chrono::NaiveTime::MIN).and_utc();
        // startTime on a minute boundary keeps every result on the minute grid.
        let from = match start {
            Some(s) if s > earliest_t && s <= last => {
                let secs = s.timestamp();
                let up = secs + (60 - secs.rem_euclid(60)) % 60;
                DateTime::from_timestamp(up, 0).unwrap_or(s)
            }
            _ => earliest_t,
        };
        Span {
            from,
            first_day: from.date_naive(),
            last,
        }
    }

    fn last_day(&self) -> NaiveDate {
        self.last.date_naive()
    }
}

/// Push results that reproduce each day's down minutes; returns days whose total
/// did not fit in the covered part of the day (date, wanted, imported).
fn reconstruct(
    check: &str,
    span: &Span,
    down: &BTreeMap<NaiveDate, i64>,
    out: &mut Vec<FeedResult>,
) -> Vec<(NaiveDate, i64, i64)> {
    let mut clamped = Vec::new();
    let mut day = span.first_day;
    while day <= span.last_day() {
        let midnight = day.and_time(chrono::NaiveTime::MIN).and_utc();
        let start = midnight.max(span.from);
        let end = (midnight + Duration::days(1)).min(span.last);
        let avail = (end - start).num_minutes().max(0);
        let want = down.get(&day).copied().unwrap_or(0);
        let n = want.min(avail);
        if n < want {
            clamped.push((day, want, n));
        }
        // Offsets on the 5-minute schedule, plus minute N where the outage ends.
        let mut offsets: Vec<i64> = (0..avail).step_by(STEP_MINUTES as usize).collect();
        if n > 0 && n < avail && n % STEP_MINUTES != 0 {
            offsets.push(n);
            offsets.sort_unstable();
        }
        for m in offsets {
            let state = if m < n { State::Down } else { State::Up };
            let message = (m == 0 && n > 0).then(|| {
                format!(
                    "Upptime counted {n} minutes down on {day}; the time of day is not recorded"
                )
            });
            out.push(FeedResult {
                check: check.to_string(),
                at: start + Duration::minutes(m),
                state,
                latency_ms: None,
                message,
            });
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
    }
    clamped
}

/// The newest result: the YAML's status at `lastUpdated`.
fn latest(check: &str, at: DateTime<Utc>, meta: &SiteYaml) -> FeedResult {
    let state = match meta.status.as_deref().map(str::trim) {
        Some("up") => State::Up,
        Some("degraded") => State::Degraded,
        _ => State::Down,
    };
    let code = meta.code.as_ref().and_then(|c| match c {
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        serde_yaml::Value::String(s) => Some(s.clone()),
        _ => None,
    });
    FeedResult {
        check: check.to_string(),
        at,
        state,
        latency_ms: meta.response_time.and_then(super::latency),
        message: code
            .filter(|_| state != State::Up)
            .map(|c| format!("HTTP {c}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn minutes_down(results: &[FeedResult], day_start: DateTime<Utc>) -> i64 {
        // Each result covers until the next one: sum the down stretches.
        let mut total = 0;
        for w in results.windows(2) {
            if w[0].state == State::Down && w[0].at >= day_start {
                total += (w[1].at - w[0].at).num_minutes();
            }
        }
        total
    }

    #[test]
    fn slugs_cannot_reach_outside_the_checkout() {
        let dir = tempfile::tempdir().unwrap();
        let history = dir.path().join("history");
        std::fs::create_dir_all(&history).unwrap();
        std::fs::write(
            dir.path().join("secret.yml"),
            "status: up\nlastUpdated: 2026-11-20T10:00:00Z\n",
        )
        .unwrap();
        std::fs::write(
            history.join("summary.json"),
            r#"[{"slug":"../secret","dailyMinutesDown":{}}]"#,
        )
        .unwrap();
        let Err(err) = import(dir.path(), 2) else {
            panic!("a path slug is refused")
        };
        assert!(err.to_string().contains("not a plain file name"), "{err}");
    }

    #[test]
    fn reproduces_each_days_minutes_exactly() {
        let last = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        let span = Span::new(None, last, 2);
        for n in [0, 1, 5, 37, 1439, 1440] {
            let d19 = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
            let down = BTreeMap::from([(d19, n)]);
            let mut out = Vec::new();
            assert!(reconstruct("a", &span, &down, &mut out).is_empty());
            out.push(FeedResult {
                check: "a".into(),
                at: last,
                state: State::Up,
                latency_ms: None,
                message: None,
            });
            let day = Utc.with_ymd_and_hms(2026, 11, 19, 0, 0, 0).unwrap();
            assert_eq!(minutes_down(&out, day), n, "n = {n}");
            assert!(
                out.windows(2)
                    .all(|w| (w[1].at - w[0].at).num_minutes() <= 5)
            );
        }
    }

    #[test]
    fn the_latest_status_holds_until_as_of() {
        let meta = SiteYaml {
            status: Some("down".into()),
            code: None,
            response_time: Some(80.0),
            last_updated: String::new(),
            start_time: None,
        };
        let last = Utc.with_ymd_and_hms(2026, 11, 20, 7, 15, 0).unwrap();
        let until = Utc.with_ymd_and_hms(2026, 11, 20, 7, 32, 30).unwrap();
        let mut out = Vec::new();
        assert_eq!(hold_until("a", last, until, 90, &meta, &mut out), 4);
        let mins: Vec<i64> = out.iter().map(|r| (r.at - last).num_seconds()).collect();
        assert_eq!(mins, [300, 600, 900, 1050]);
        assert!(out.iter().all(|r| r.state == State::Down));
        // Nothing to add when as-of is not later; at most `days` days back from it.
        assert_eq!(hold_until("a", last, last, 90, &meta, &mut out), 0);
        let mut long = Vec::new();
        let far = last + Duration::days(30);
        hold_until("a", last, far, 1, &meta, &mut long);
        assert_eq!(long.len(), 288);
        assert_eq!(long[0].at, far - Duration::days(1) + Duration::minutes(5));
        assert_eq!(long.last().unwrap().at, far);
    }

    #[test]
    fn minutes_beyond_the_covered_day_are_clamped() {
        let last = Utc.with_ymd_and_hms(2026, 11, 20, 0, 30, 0).unwrap();
        let span = Span::new(None, last, 1);
        let down = BTreeMap::from([(last.date_naive(), 100)]);
        let mut out = Vec::new();
        let c = reconstruct("a", &span, &down, &mut out);
        assert_eq!(c, vec![(last.date_naive(), 100, 30)]);
        assert!(out.iter().all(|r| r.state == State::Down));
    }
}
