//! One health-check result: parsing and validating a feed record.

use super::timestamp::Memo;
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
    parse_with(line, degraded_ms, &mut Memo::default())
}

/// [`parse`] for one line of many, with the timestamp `memo` they share.
pub fn parse_with<'a>(
    line: &'a [u8],
    degraded_ms: u64,
    memo: &mut Memo,
) -> Result<Record<'a>, RecordError> {
    // Most lines take the hand-written path; anything it does not expect goes to serde.
    if let Some(f) = super::fastline::scan(line)
        && let (Some(check), Some(at)) = (f.check, f.at)
    {
        let status = match f.status {
            Some("up") => Some(RawStatus::Up),
            Some("degraded") => Some(RawStatus::Degraded),
            Some("down") => Some(RawStatus::Down),
            _ => None,
        };
        let raw = Raw {
            check: Cow::Borrowed(check),
            at: Cow::Borrowed(at),
            ok: f.ok,
            status,
            latency_ms: f.latency_ms,
            message: f.message.map(Cow::Borrowed),
        };
        return validate_with(raw, degraded_ms, memo);
    }
    match serde_json::from_slice::<Raw>(line) {
        Ok(raw) => validate_with(raw, degraded_ms, memo),
        Err(e) => Err(explain(line, &e)),
    }
}

/// Turn a raw record into a validated one.
pub(super) fn validate(raw: Raw<'_>, degraded_ms: u64) -> Result<Record<'_>, RecordError> {
    validate_with(raw, degraded_ms, &mut Memo::default())
}

/// [`validate`], with a timestamp `memo`.
fn validate_with<'a>(
    raw: Raw<'a>,
    degraded_ms: u64,
    memo: &mut Memo,
) -> Result<Record<'a>, RecordError> {
    if raw.check.trim().is_empty() {
        return Err(RecordError::new(Some("check"), "must not be empty"));
    }
    let at = memo
        .parse(&raw.at)
        .map_err(|m| RecordError::new(Some("at"), m))?;
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
///
/// Everything comes from structured data, never from an error's text: serde_json's
/// classification tells bad JSON from a bad record, serde_path_to_error gives the
/// field a type error is in, and the parsed object says which required field is
/// missing and what was found instead.
fn explain(line: &[u8], e: &serde_json::Error) -> RecordError {
    if e.is_syntax() || e.is_eof() {
        return RecordError::new(None, format!("not valid JSON: {}", message_of(e)));
    }
    let Ok(serde_json::Value::Object(obj)) = serde_json::from_slice::<serde_json::Value>(line)
    else {
        return RecordError::new(
            None,
            "expected a JSON object like {\"check\": …, \"at\": …, \"ok\": true}",
        );
    };
    type Expect = (&'static str, &'static str);
    const WANT: [Expect; 6] = [
        ("check", "a string"),
        ("at", "a timestamp string"),
        ("ok", "true or false"),
        ("status", "\"up\", \"degraded\" or \"down\""),
        ("latency_ms", "a number of milliseconds"),
        ("message", "a string"),
    ];
    // The field serde itself stopped at, from the path it was deserializing.
    let mut de = serde_json::Deserializer::from_slice(line);
    let at_field = serde_path_to_error::deserialize::<_, Raw>(&mut de)
        .err()
        .and_then(|pe| match pe.path().iter().next() {
            Some(serde_path_to_error::Segment::Map { key }) => Some(key.clone()),
            _ => None,
        });
    if let Some(key) = at_field
        && let Some((field, what)) = WANT.iter().find(|(f, _)| *f == key)
        && let Some(v) = obj.get(*field)
    {
        return RecordError::new(Some(field), format!("expected {what}, found {v}"));
    }
    for field in ["check", "at"] {
        if !obj.contains_key(field) {
            return RecordError::new(Some(field), "missing");
        }
    }
    RecordError::new(None, message_of(e))
}

/// serde_json's message without the position it appends, cut by the error's own
/// `line()` and `column()` (the file's line is reported separately).
pub(super) fn message_of(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match s.strip_suffix(&suffix) {
        Some(m) if e.line() > 0 => m.to_string(),
        _ => s,
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

    #[test]
    fn the_field_is_the_one_serde_stopped_at() {
        let e =
            p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","status":"x","ok":"y"}"#).unwrap_err();
        assert_eq!(
            (e.field, e.message.as_str()),
            (
                Some("status"),
                r#"expected "up", "degraded" or "down", found "x""#
            ),
            "the first bad field in the line, not the first in a list"
        );
        let e = p(r#"{"latency_ms":"fast","check":"a","at":"2026-01-01T00:00:00Z","ok":true}"#)
            .unwrap_err();
        assert_eq!(e.field, Some("latency_ms"));
        assert_eq!(
            e.message,
            r#"expected a number of milliseconds, found "fast""#
        );
        let e = p(r#"{"check":"a","at":"2026-01-01T00:00:00Z","ok":true"#).unwrap_err();
        assert_eq!(e.message, "not valid JSON: EOF while parsing an object");
        let e = p("[1, 2]").unwrap_err();
        assert_eq!(e.field, None);
        assert!(
            e.message.starts_with("expected a JSON object"),
            "{}",
            e.message
        );
    }
}
