//! One line of the feed: the canonical text of an imported result, and the lines
//! of an existing feed file read back for `--append`.

use super::{FeedResult, MAX_MESSAGE_CHARS, WriteError};
use crate::health::record::{self, State};
use serde::Serialize;
use std::path::Path;

/// One feed line with its sort and identity key.
pub(super) struct Line {
    pub(super) at_ms: i64,
    pub(super) check: String,
    pub(super) state: State,
    pub(super) text: String,
}

impl Line {
    pub(super) fn key(&self) -> (i64, &str, State) {
        (self.at_ms, &self.check, self.state)
    }
}

/// The canonical record, fields in the documented order.
#[derive(Serialize)]
struct Canonical<'a> {
    check: &'a str,
    at: String,
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency_ms: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    /// Only for degraded: `ok` alone cannot say it.
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
}

/// The canonical line of a result: fields in the documented order, `at` in UTC
/// with milliseconds only when there are any.
pub(super) fn to_line(r: &FeedResult) -> Line {
    let at = if r.at.timestamp_subsec_millis() == 0 {
        r.at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        r.at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    };
    let message = r
        .message
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let message = message.map(|m| match m.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((i, _)) => &m[..i],
        None => m,
    });
    let rec = Canonical {
        check: &r.check,
        at,
        ok: r.state != State::Down,
        latency_ms: r.latency_ms,
        message,
        status: (r.state == State::Degraded).then_some("degraded"),
    };
    Line {
        at_ms: r.at.timestamp_millis(),
        check: r.check.clone(),
        state: r.state,
        // Serialising plain strings, numbers and bools cannot fail.
        text: serde_json::to_string(&rec).unwrap_or_default(),
    }
}

/// Read an existing feed's lines verbatim, keyed like new ones.
pub(super) fn existing_lines(path: &Path) -> Result<Vec<Line>, WriteError> {
    let text = match super::input::read_capped(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(WriteError::Read {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    let mut out = Vec::new();
    for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bad = |message: String| WriteError::Existing {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        // The feed's own validation decides what a valid line is; no threshold
        // applies here, so the state is what the line itself says.
        let rec = record::parse(raw, u64::MAX).map_err(|e| {
            bad(match e.field {
                Some(f) => format!("`{f}`: {}", e.message),
                None => e.message,
            })
        })?;
        let text = std::str::from_utf8(raw)
            .map_err(|_| bad("not UTF-8 text".into()))?
            .to_string();
        out.push(Line {
            at_ms: at_millis(raw).unwrap_or(rec.at.saturating_mul(1000)),
            check: rec.check.into_owned(),
            state: rec.state,
            text,
        });
    }
    Ok(out)
}

/// The `at` of a valid line with its milliseconds (the feed parser keeps seconds).
fn at_millis(raw: &[u8]) -> Option<i64> {
    #[derive(serde::Deserialize)]
    struct At<'a> {
        #[serde(borrow)]
        at: std::borrow::Cow<'a, str>,
    }
    let at: At = serde_json::from_slice(raw).ok()?;
    crate::time::parse_timestamp(&at.at)
        .ok()
        .map(|t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

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
    fn lines_are_canonical_and_valid_feed_records() {
        let mut x = r("api", 0, State::Degraded);
        x.at += chrono::Duration::milliseconds(250);
        x.message = Some("  slow \"db\"  ".into());
        let l = to_line(&x);
        assert_eq!(
            l.text,
            r#"{"check":"api","at":"2026-11-18T11:06:40.250Z","ok":true,"latency_ms":12,"message":"slow \"db\"","status":"degraded"}"#
        );
        let rec = record::parse(l.text.as_bytes(), u64::MAX).unwrap();
        assert_eq!(rec.state, State::Degraded);
        let down = to_line(&r("api", 60, State::Down)).text;
        assert_eq!(
            down,
            r#"{"check":"api","at":"2026-11-18T11:07:40Z","ok":false,"latency_ms":12}"#
        );
    }
}
