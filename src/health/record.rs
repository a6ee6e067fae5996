//! One health-check result: parsing and validating a feed record.

use serde::Deserialize;
use std::borrow::Cow;

/// What one result says about its check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum State {
    Up = 1,
    Degraded = 2,
    Down = 3,
}

impl State {
    /// From the packed 2-bit form; 0 (no result) gives `None`.
    pub fn from_bits(b: u8) -> Option<State> {
        match b & 3 {
            1 => Some(State::Up),
            2 => Some(State::Degraded),
            3 => Some(State::Down),
            _ => None,
        }
    }
}

/// A validated result, borrowing from the line it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    pub check: Cow<'a, str>,
    /// Seconds since the Unix epoch (UTC).
    pub at: i64,
    pub state: State,
    pub latency_ms: Option<u32>,
    pub message: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawStatus {
    Up,
    Degraded,
    Down,
}

/// The record as written. Unknown keys are ignored: monitors add their own.
#[derive(Deserialize)]
pub(super) struct Raw<'a> {
    #[serde(borrow)]
    check: Cow<'a, str>,
    #[serde(borrow)]
    at: Cow<'a, str>,
    ok: Option<bool>,
    status: Option<RawStatus>,
    latency_ms: Option<f64>,
    #[serde(borrow, default)]
    message: Option<Cow<'a, str>>,
}

/// A problem with one record: the field (when known) and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub field: Option<&'static str>,
    pub message: String,
}

impl RecordError {
    fn new(field: Option<&'static str>, message: impl Into<String>) -> Self {
        RecordError {
            field,
            message: message.into(),
        }
    }
}

/// Parse one JSON object into a record; `degraded_ms` turns slow results into degraded.
pub fn parse(line: &[u8], degraded_ms: u64) -> Result<Record<'_>, RecordError> {
    match serde_json::from_slice::<Raw>(line) {
        Ok(raw) => validate(raw, degraded_ms),
        Err(e) => Err(explain(line, &e)),
    }
}

/// Turn a raw record into a validated one.
pub(super) fn validate(raw: Raw<'_>, degraded_ms: u64) -> Result<Record<'_>, RecordError> {
    if raw.check.trim().is_empty() {
        return Err(RecordError::new(Some("check"), "must not be empty"));
    }
    let at = super::timestamp::parse_epoch(&raw.at).map_err(|m| RecordError::new(Some("at"), m))?;
    let latency_ms = match raw.latency_ms {
        None => None,
        Some(l) if l.is_finite() && l >= 0.0 => Some(l.round().min(f64::from(u32::MAX)) as u32),
        Some(l) => {
            return Err(RecordError::new(
                Some("latency_ms"),
                format!("{l} is not a latency: use milliseconds ≥ 0"),
            ));
        }
    };
    let mut state = match (raw.status, raw.ok) {
        (Some(RawStatus::Up), _) => State::Up,
        (Some(RawStatus::Degraded), _) => State::Degraded,
        (Some(RawStatus::Down), _) => State::Down,
        (None, Some(true)) => State::Up,
        (None, Some(false)) => State::Down,
        (None, None) => {
            return Err(RecordError::new(
                Some("ok"),
                "missing: each result needs `ok` (true/false) or `status`",
            ));
        }
    };
    if state == State::Up && latency_ms.is_some_and(|l| u64::from(l) > degraded_ms) {
        state = State::Degraded;
    }
    Ok(Record {
        check: raw.check,
        at,
        state,
        latency_ms,
        message: raw.message,
    })
}

/// Name the field serde stumbled on; only runs on the error path, so it may be slow.
fn explain(line: &[u8], e: &serde_json::Error) -> RecordError {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(line) else {
        return RecordError::new(None, format!("not valid JSON: {}", strip_position(e)));
    };
    let Some(obj) = value.as_object() else {
        return RecordError::new(
            None,
            "expected a JSON object like {\"check\": …, \"at\": …, \"ok\": true}",
        );
    };
    type Expect = (&'static str, &'static str, fn(&serde_json::Value) -> bool);
    let want: [Expect; 6] = [
        ("check", "a string", |v| v.is_string()),
        ("at", "a timestamp string", |v| v.is_string()),
        ("ok", "true or false", |v| v.is_boolean() || v.is_null()),
        ("status", "\"up\", \"degraded\" or \"down\"", |v| {
            v.is_null() || matches!(v.as_str(), Some("up" | "degraded" | "down"))
        }),
        ("latency_ms", "a number of milliseconds", |v| {
            v.is_number() || v.is_null()
        }),
        ("message", "a string", |v| v.is_string() || v.is_null()),
    ];
    for (field, what, ok) in want {
        match obj.get(field) {
            None if field == "check" || field == "at" => {
                return RecordError::new(Some(field), "missing");
            }
            Some(v) if !ok(v) => {
                return RecordError::new(Some(field), format!("expected {what}, found {v}"));
            }
            _ => {}
        }
    }
    RecordError::new(None, strip_position(e))
}

fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Record<'_>, RecordError> {
        parse(s.as_bytes(), 2000)
    }

    #[test]
    fn states() {
        assert_eq!(
            p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","ok":true}"#)
                .unwrap()
                .state,
            State::Up
        );
        assert_eq!(
            p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","ok":false}"#)
                .unwrap()
                .state,
            State::Down
        );
        let r = p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","ok":false,"status":"degraded"}"#)
            .unwrap();
        assert_eq!(r.state, State::Degraded, "status overrides ok");
        let slow =
            p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","ok":true,"latency_ms":2001}"#).unwrap();
        assert_eq!(slow.state, State::Degraded);
        let edge =
            p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","ok":true,"latency_ms":2000}"#).unwrap();
        assert_eq!(edge.state, State::Up, "strictly greater than the threshold");
    }

    #[test]
    fn errors_name_the_field() {
        let e = p(r#"{"check":"a","ok":true}"#).unwrap_err();
        assert_eq!((e.field, e.message.as_str()), (Some("at"), "missing"));
        let e = p(r#"{"check":"a","at":"2026-01-01T00:00:00","ok":true}"#).unwrap_err();
        assert_eq!(e.field, Some("at"));
        assert!(e.message.contains("no UTC offset"));
        let e = p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","ok":"yes"}"#).unwrap_err();
        assert_eq!(e.field, Some("ok"));
        let e = p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","ok":true,"latency_ms":-5}"#)
            .unwrap_err();
        assert_eq!(e.field, Some("latency_ms"));
        let e = p("not json").unwrap_err();
        assert!(e.message.starts_with("not valid JSON"), "{}", e.message);
        let e = p(r#"{"check":"a","at":"2026-01-01T00:00:00Z"}"#).unwrap_err();
        assert_eq!(e.field, Some("ok"));
    }
}
