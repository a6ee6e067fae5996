//! `lantern import`: other monitors' data turned into Lantern's inputs.
//!
//! Each health importer (one file per format) reads its input into
//! [`FeedResult`]s; [`write_feed`] then sorts, de-duplicates and replaces the feed
//! file in one atomic step, merging with what is there under `--append`. The cState
//! importer writes posts instead. Importers read everything before anything is
//! written, so a bad input never leaves a half-written file behind.

pub mod cstate;
pub mod detect;
pub mod gatus;
pub mod input;
mod line;
pub mod prometheus;
pub mod upptime;
pub mod uptime_kuma;

use crate::health::record::State;
use chrono::{DateTime, Datelike, Utc};
use line::Line;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Longest `message` kept; monitors sometimes put whole error pages in there.
pub(crate) const MAX_MESSAGE_CHARS: usize = 500;

/// One result ready for the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedResult {
    /// The check id, as components list it under `checks`.
    pub check: String,
    /// When the check ran; written with millisecond precision.
    pub at: DateTime<Utc>,
    /// Up, degraded or down; written as `ok` (and `status` for degraded).
    pub state: State,
    /// Response time, when the monitor measured one.
    pub latency_ms: Option<u32>,
    /// The monitor's own words (an error, a status); trimmed and shortened on write.
    pub message: Option<String>,
}

/// What an importer read: results plus notes for the operator's summary.
#[derive(Debug, Default)]
pub struct Imported {
    /// Every result read, in input order (the writer sorts).
    pub results: Vec<FeedResult>,
    /// One line each: approximations made, things skipped, names chosen.
    pub notes: Vec<String>,
}

impl Imported {
    /// Results per check id, for the summary.
    pub fn per_check(&self) -> BTreeMap<&str, usize> {
        let mut m = BTreeMap::new();
        for r in &self.results {
            *m.entry(r.check.as_str()).or_default() += 1;
        }
        m
    }
}

/// A check id from a monitor's name: lower case, `-` between words.
pub fn check_id(name: &str) -> String {
    slug::slugify(name)
}

/// `t` if the feed can carry it (years 1900–9999 keep the RFC 3339 text plain).
pub fn plausible(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (1900..=9999).contains(&t.year()).then_some(t)
}

/// A latency from a float number of milliseconds; negatives and NaN are no latency.
pub fn latency(ms: f64) -> Option<u32> {
    (ms.is_finite() && ms >= 0.0).then(|| ms.round().min(f64::from(u32::MAX)) as u32)
}

/// Why the feed file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// `--out` names something the feed reader would not read as JSON Lines.
    #[error("{}: the output must be a `.jsonl` file (the feed reader reads `.json` as one array)", .0.display())]
    NotJsonl(PathBuf),
    /// Nothing to write; refusing beats replacing a feed with an empty file.
    #[error("no results found in {}; nothing was written", .0.display())]
    Empty(PathBuf),
    /// `--append` met a line it cannot merge.
    #[error("{}:{line}: cannot append to this file: {message}", path.display())]
    Existing {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What [`write_feed`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteSummary {
    /// Lines in the file now.
    pub total: usize,
    /// Lines kept from the existing file (`--append`).
    pub kept: usize,
    /// New results written.
    pub added: usize,
    /// New results dropped because an equal (check, at, status) was already there.
    pub duplicates: usize,
}

/// Write `results` to `out` as a sorted, de-duplicated JSON Lines feed.
///
/// With `append`, lines already in `out` are kept verbatim and a new result equal
/// to one of them in (check, at, status) is dropped, so importing the same data
/// twice leaves the file byte-identical. Output is sorted by (at, check) with the
/// status and the line text as tie-breakers, so it never depends on input order.
pub fn write_feed(
    out: &Path,
    results: &[FeedResult],
    append: bool,
    input: &Path,
) -> Result<WriteSummary, WriteError> {
    if out.extension().is_none_or(|e| e != "jsonl") {
        return Err(WriteError::NotJsonl(out.to_path_buf()));
    }
    if results.is_empty() {
        return Err(WriteError::Empty(input.to_path_buf()));
    }
    let old = if append {
        line::existing_lines(out)?
    } else {
        Vec::new()
    };
    let kept = old.len();
    let mut new: Vec<Line> = results.iter().map(line::to_line).collect();
    new.sort_by(|a, b| a.key().cmp(&b.key()).then_with(|| a.text.cmp(&b.text)));
    let known: std::collections::HashSet<(i64, String, State)> = old
        .iter()
        .map(|l| (l.at_ms, l.check.clone(), l.state))
        .collect();
    let before = new.len();
    // Among equal new results the first in sorted order wins, whatever the input order.
    new.dedup_by(|b, a| a.key() == b.key());
    new.retain(|l| !known.contains(&(l.at_ms, l.check.clone(), l.state)));
    let added = new.len();
    let mut all = old;
    all.extend(new);
    all.sort_by(|a, b| a.key().cmp(&b.key()).then_with(|| a.text.cmp(&b.text)));
    let mut bytes = Vec::with_capacity(all.iter().map(|l| l.text.len() + 1).sum());
    for l in &all {
        bytes.extend_from_slice(l.text.as_bytes());
        bytes.push(b'\n');
    }
    write_atomically(out, &bytes).map_err(|source| WriteError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    Ok(WriteSummary {
        total: all.len(),
        kept,
        added,
        duplicates: before - added,
    })
}

/// A check whose new results are already in the feed under another check id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The id this import gives the check.
    pub new: String,
    /// The id the existing feed file has the same results under.
    pub existing: String,
    /// How many of the new results the existing check already has.
    pub shared: usize,
    /// How many results the new check has.
    pub of: usize,
}

/// Checks of `results` that `out` already holds under another id: at least half
/// of a check's results equal in time (to the millisecond) and state to those of
/// one existing check, and more than under its own id. That is the same monitor imported under two namings (e.g.
/// Uptime Kuma with and without `--names`); appending would count it twice.
pub fn renamed_checks(out: &Path, results: &[FeedResult]) -> Result<Vec<Renamed>, WriteError> {
    use std::collections::{BTreeSet, HashMap};
    let old = line::existing_lines(out)?;
    let mut by_check: HashMap<&str, BTreeSet<(i64, State)>> = HashMap::new();
    for l in &old {
        by_check
            .entry(l.check.as_str())
            .or_default()
            .insert((l.at_ms, l.state));
    }
    let mut new: BTreeMap<&str, BTreeSet<(i64, State)>> = BTreeMap::new();
    for r in results {
        new.entry(r.check.as_str())
            .or_default()
            .insert((r.at.timestamp_millis(), r.state));
    }
    let mut found = Vec::new();
    for (check, keys) in &new {
        let best = by_check
            .iter()
            .filter(|(other, _)| *other != check)
            .map(|(other, have)| (keys.intersection(have).count(), *other))
            .max();
        // Already there under its own id at least as much: a plain re-import.
        let own = by_check
            .get(check)
            .map_or(0, |have| keys.intersection(have).count());
        if let Some((shared, other)) = best
            && shared > own
            && shared * 2 >= keys.len()
        {
            found.push(Renamed {
                new: (*check).to_string(),
                existing: other.to_string(),
                shared,
                of: keys.len(),
            });
        }
    }
    Ok(found)
}

/// Replace `path` with `bytes` (creating its folder), so readers (and a build
/// running now) see the old file or the new one, never half.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    crate::atomic_file::replace(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn r(check: &str, secs: i64, state: State) -> FeedResult {
        FeedResult {
            check: check.into(),
            at: Utc.timestamp_opt(1_795_000_000 + secs, 0).unwrap(),
            state,
            latency_ms: Some(12),
            message: None,
        }
    }

    #[test]
    fn append_is_idempotent_and_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("h/x.jsonl");
        let rs = vec![
            r("b", 60, State::Up),
            r("a", 60, State::Down),
            r("a", 0, State::Up),
            r("a", 0, State::Up),
        ];
        let s1 = write_feed(&out, &rs, true, Path::new("in")).unwrap();
        assert_eq!((s1.total, s1.added, s1.duplicates), (3, 3, 1));
        let first = std::fs::read(&out).unwrap();
        let s2 = write_feed(&out, &rs, true, Path::new("in")).unwrap();
        assert_eq!((s2.total, s2.kept, s2.added), (3, 3, 0));
        assert_eq!(std::fs::read(&out).unwrap(), first);
        let text = String::from_utf8(first).unwrap();
        let checks: Vec<&str> = text.lines().map(|l| &l[10..11]).collect();
        assert_eq!(checks, ["a", "a", "b"], "{text}");
    }

    #[test]
    fn the_same_results_under_another_id_are_found() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("x.jsonl");
        let named = vec![
            r("web-app", 0, State::Up),
            r("web-app", 60, State::Down),
            r("db", 0, State::Up),
        ];
        write_feed(&out, &named, false, Path::new("in")).unwrap();
        let by_id = vec![r("kuma-1", 0, State::Up), r("kuma-1", 60, State::Down)];
        let found = renamed_checks(&out, &by_id).unwrap();
        assert_eq!(
            found,
            vec![Renamed {
                new: "kuma-1".into(),
                existing: "web-app".into(),
                shared: 2,
                of: 2
            }]
        );
        // The same id is a plain re-import; a different monitor shares too little.
        assert!(renamed_checks(&out, &named).unwrap().is_empty());
        let other = vec![
            r("kuma-2", 0, State::Up),
            r("kuma-2", 30, State::Up),
            r("kuma-2", 90, State::Up),
        ];
        assert!(renamed_checks(&out, &other).unwrap().is_empty());
        // No file yet: nothing to collide with.
        let none = dir.path().join("none.jsonl");
        assert!(renamed_checks(&none, &by_id).unwrap().is_empty());
    }

    #[test]
    fn refuses_bad_outputs_and_bad_existing_lines() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("x.json");
        assert!(matches!(
            write_feed(&json, &[r("a", 0, State::Up)], false, Path::new("in")),
            Err(WriteError::NotJsonl(_))
        ));
        let out = dir.path().join("x.jsonl");
        std::fs::write(
            &out,
            "{\"check\":\"a\",\"at\":\"2026-01-01T00:00:00Z\",\"ok\":true}\nnope\n",
        )
        .unwrap();
        match write_feed(&out, &[r("a", 0, State::Up)], true, Path::new("in")) {
            Err(WriteError::Existing { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        assert!(std::fs::read_to_string(&out).unwrap().ends_with("nope\n"));
        assert!(matches!(
            write_feed(&out, &[], false, Path::new("in")),
            Err(WriteError::Empty(_))
        ));
    }
}
