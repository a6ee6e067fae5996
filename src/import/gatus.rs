//! Gatus: the `GET /api/v1/endpoints/statuses` JSON (or one endpoint's
//! `GET /api/v1/endpoints/<key>/statuses`) into feed results.
//!
//! Check id = the endpoint `key`; `success` → ok; `duration` (nanoseconds) →
//! `latency_ms`; the first of `errors` → `message`; `timestamp` (RFC 3339) → `at`.

use super::detect::Kind;
use super::input::{self, InputError};
use super::{FeedResult, Imported};
use crate::health::record::State;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Why a Gatus document could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum GatusError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// A result's timestamp is not RFC 3339 or out of range.
    #[error("{}: endpoint `{endpoint}` result {index}: `timestamp` {value:?} is not an RFC 3339 time", path.display())]
    Timestamp {
        path: PathBuf,
        endpoint: String,
        index: usize,
        value: String,
    },
    /// Neither `key` nor `name`: nothing to call the check.
    #[error("{}: endpoint {index} has neither `key` nor `name`", path.display())]
    NoKey { path: PathBuf, index: usize },
}

#[derive(Deserialize)]
struct Endpoint {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    results: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct GResult {
    success: bool,
    timestamp: String,
    /// Nanoseconds; a float accepts any JSON number without overflow.
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    errors: Option<Vec<String>>,
}

/// Gatus's own key: `group_name`, lower case, with `/ _ . , space # + &` as `-`.
fn gatus_key(group: Option<&str>, name: &str) -> String {
    let clean = |s: &str| {
        s.to_lowercase()
            .chars()
            .map(|c| match c {
                '/' | '_' | '.' | ',' | ' ' | '#' | '+' | '&' => '-',
                c => c,
            })
            .collect::<String>()
    };
    match group {
        Some(g) if !g.is_empty() => format!("{}_{}", clean(g), clean(name)),
        _ => format!("_{}", clean(name)),
    }
}

/// Read a Gatus statuses document.
pub fn import(path: &Path) -> Result<Imported, GatusError> {
    let doc = input::read_json(path)?;
    input::expect_kind(path, &doc, Kind::GatusStatuses)?;
    let endpoints: Vec<&Value> = match &doc {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    };
    let mut out = Imported::default();
    let mut zero = 0usize;
    for (i, ep) in endpoints.into_iter().enumerate() {
        let ep: Endpoint = input::part(path, Kind::GatusStatuses, || format!("endpoint {i}"), ep)?;
        let check = match (&ep.key, &ep.name) {
            (Some(k), _) if !k.trim().is_empty() => k.clone(),
            (_, Some(n)) if !n.trim().is_empty() => {
                // Older Gatus versions leave `key` out; it is derived the same way.
                gatus_key(ep.group.as_deref(), n)
            }
            _ => {
                return Err(GatusError::NoKey {
                    path: path.to_path_buf(),
                    index: i,
                });
            }
        };
        let results = ep.results.unwrap_or_default();
        if results.is_empty() {
            out.notes
                .push(format!("endpoint `{check}` has no results yet; skipped"));
        }
        for (j, raw) in results.iter().enumerate() {
            let res: GResult = input::part(
                path,
                Kind::GatusStatuses,
                || format!("endpoint `{check}` result {j}"),
                raw,
            )?;
            if is_zero_time(&res.timestamp) {
                zero += 1;
                continue;
            }
            let at = chrono::DateTime::parse_from_rfc3339(res.timestamp.trim())
                .ok()
                .and_then(|t| super::plausible(t.to_utc()))
                .ok_or_else(|| GatusError::Timestamp {
                    path: path.to_path_buf(),
                    endpoint: check.clone(),
                    index: j,
                    value: res.timestamp.clone(),
                })?;
            out.results.push(FeedResult {
                check: check.clone(),
                at,
                state: if res.success { State::Up } else { State::Down },
                // Gatus reports 0 when nothing was measured (e.g. no connection).
                latency_ms: res
                    .duration
                    .filter(|&ns| ns > 0.0)
                    .and_then(|ns| super::latency(ns / 1e6)),
                message: res.errors.and_then(|e| e.into_iter().next()),
            });
        }
    }
    if zero > 0 {
        out.notes.push(format!(
            "{zero} results with Go's zero time (0001-01-01T00:00:00Z: Gatus recorded no timestamp) skipped"
        ));
    }
    Ok(out)
}

/// Go's zero `time.Time` (0001-01-01T00:00:00Z) in Unix seconds.
const ZERO_TIME: i64 = -62_135_596_800;

/// Go's zero `time.Time`, which Gatus writes for a result it has no time for.
fn is_zero_time(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s.trim()).is_ok_and(|t| t.timestamp() == ZERO_TIME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_gatus() {
        assert_eq!(gatus_key(Some("Core"), "Web API #1"), "core_web-api--1");
        assert_eq!(gatus_key(None, "a.b"), "_a-b");
    }

    #[test]
    fn reads_results() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        std::fs::write(
            &p,
            r#"[{"name":"api","group":"core","key":"core_api","results":[
              {"status":200,"duration":45000000,"success":true,"timestamp":"2026-11-20T10:00:07.5Z"},
              {"status":500,"duration":0,"errors":["boom","more"],"success":false,"timestamp":"2026-11-20T10:05:07Z"}]}]"#,
        )
        .unwrap();
        let got = import(&p).unwrap();
        assert_eq!(got.results.len(), 2);
        assert_eq!(got.results[0].latency_ms, Some(45));
        assert_eq!(got.results[1].state, State::Down);
        assert_eq!(got.results[1].latency_ms, None);
        assert_eq!(got.results[1].message.as_deref(), Some("boom"));
    }

    #[test]
    fn zero_time_results_are_counted_in_one_note() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.json");
        let zero = r#"{"success":false,"timestamp":"0001-01-01T00:00:00Z"}"#;
        let ok = r#"{"success":true,"timestamp":"2026-11-20T10:00:00Z"}"#;
        std::fs::write(
            &p,
            format!(r#"[{{"key":"k","results":[{zero},{ok},{zero}]}}]"#),
        )
        .unwrap();
        let got = import(&p).unwrap();
        assert_eq!(got.results.len(), 1);
        assert_eq!(got.notes.len(), 1, "{:?}", got.notes);
        assert!(got.notes[0].starts_with("2 results with Go's zero time"));
        std::fs::write(&p, format!(r#"[{{"key":"k","results":[{ok}]}}]"#)).unwrap();
        assert!(import(&p).unwrap().notes.is_empty());
    }

    #[test]
    fn only_gos_zero_time_is_no_time() {
        assert!(is_zero_time("0001-01-01T00:00:00Z"));
        assert!(is_zero_time(" 0001-01-01T00:00:00+00:00"));
        assert!(!is_zero_time("0001-01-01T00:00:01Z"));
        assert!(!is_zero_time("1970-01-01T00:00:00Z"));
        assert!(!is_zero_time("nope"));
    }
}
