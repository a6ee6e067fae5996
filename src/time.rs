//! Timestamps and durations as written in input files; always stored in UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::time::Duration;

/// An instant parsed from RFC 3339 text that must carry an offset (`Z` or `+02:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

/// Parse RFC 3339 with a mandatory offset; the error says what is wrong in words.
pub fn parse_timestamp(s: &str) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    // Tell a missing offset apart from garbage: the first is a common, fixable slip.
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"));
    if let Ok(n) = naive {
        return Err(format!(
            "timestamp `{s}` has no UTC offset; write it as e.g. `{}` (UTC) or add `+02:00`",
            n.format("%Y-%m-%dT%H:%M:%SZ")
        ));
    }
    if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
        return Err(format!(
            "`{s}` is a date without a time; write e.g. `{s}T00:00:00Z`"
        ));
    }
    Err(format!(
        "`{s}` is not a valid timestamp; expected RFC 3339 like `2026-11-20T03:12:00Z`"
    ))
}

/// Deserialize a string and convert it inside the visitor, so that a bad value is
/// an error of the value itself: the YAML parser then places it at the value (after
/// `String::deserialize` it would be placed at the enclosing mapping).
fn parse_str<'de, D, T>(d: D, parse: impl FnOnce(&str) -> Result<T, String>) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct Text<F>(F);
    impl<T, F: FnOnce(&str) -> Result<T, String>> serde::de::Visitor<'_> for Text<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<T, E> {
            (self.0)(s).map_err(E::custom)
        }
    }
    d.deserialize_str(Text(parse))
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_str(d, |s| parse_timestamp(s).map(Timestamp))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", iso(self.0))
    }
}

/// ISO 8601 / RFC 3339 in UTC with a `Z`, seconds precision: the one machine format.
pub fn iso(t: DateTime<Utc>) -> String {
    iso_with(t, false)
}

/// [`iso`] with milliseconds (`2026-11-20T06:52:00.000Z`).
pub fn iso_millis(t: DateTime<Utc>) -> String {
    iso_with(t, true)
}

/// Written out rather than with a strftime pattern: chrono parses the pattern on every
/// call, and a 10,000-post build formats a few hundred thousand times. Years beyond
/// four digits and leap seconds take chrono's own form, so the text never differs.
fn iso_with(t: DateTime<Utc>, millis: bool) -> String {
    use chrono::{Datelike, Timelike};
    // Each accessor of a `DateTime` converts to local time again: take it once.
    let n = t.naive_utc();
    if !(0..=9999).contains(&n.year()) || n.nanosecond() >= 1_000_000_000 {
        let pattern = if millis {
            "%Y-%m-%dT%H:%M:%S%.3fZ"
        } else {
            "%Y-%m-%dT%H:%M:%SZ"
        };
        return t.format(pattern).to_string();
    }
    let mut s = String::with_capacity(24);
    push_day(&mut s, n.date());
    s.push('T');
    push_padded(&mut s, n.hour(), 2);
    s.push(':');
    push_padded(&mut s, n.minute(), 2);
    s.push(':');
    push_padded(&mut s, n.second(), 2);
    if millis {
        s.push('.');
        push_padded(&mut s, n.nanosecond() / 1_000_000, 3);
    }
    s.push('Z');
    s
}

/// `2026-11-20` onto `out`: `{:04}-{:02}-{:02}` of year, month and day.
pub fn push_day(out: &mut String, d: NaiveDate) {
    use chrono::Datelike;
    if !(0..=9999).contains(&d.year()) {
        use std::fmt::Write;
        let _ = write!(out, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day());
        return;
    }
    push_padded(out, d.year().unsigned_abs(), 4);
    out.push('-');
    push_padded(out, d.month(), 2);
    out.push('-');
    push_padded(out, d.day(), 2);
}

/// The last `width` decimal digits of `n`, zero-padded, onto `out`: what `{:0width$}`
/// prints for `n` below `10^width`, without the formatting machinery (a
/// 10,000-post build writes a few million of these digits).
pub fn push_padded(out: &mut String, n: u32, width: u32) {
    for i in (0..width).rev() {
        let digit = n / 10u32.pow(i) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

/// A calendar date (`2026-11-27`), or a full timestamp whose date is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateOnly(pub NaiveDate);

impl<'de> Deserialize<'de> for DateOnly {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_str(d, |s| {
            let s = s.trim();
            if let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                return Ok(DateOnly(date));
            }
            parse_timestamp(s)
                .map(|t| DateOnly(t.date_naive()))
                .map_err(|_| format!("`{s}` is not a date like `2026-11-27`"))
        })
    }
}

/// A span written as `90s`, `15m`, `1h`, `2d` (or combined: `1h30m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

/// Parse a human duration; units s, m, h, d.
pub fn parse_span(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let bad = || format!("`{s}` is not a duration; write e.g. `90s`, `15m`, `1h` or `2d`");
    if s.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: u64 = num.parse().map_err(|_| bad())?;
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(bad()),
        };
        total = total
            .checked_add(n.checked_mul(unit).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        num.clear();
    }
    if !num.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_str(d, |s| parse_span(s).map(Span))
    }
}

/// The build's single notion of "now": `SOURCE_DATE_EPOCH` when set, else the clock.
pub fn now_from_env() -> Result<DateTime<Utc>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH `{v}` is not a Unix timestamp in seconds")),
        Err(_) => Ok(Utc::now()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_text_is_chronos_own_for_every_kind_of_instant() {
        use chrono::TimeZone;
        let chrono_iso = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let chrono_ms = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let mut times: Vec<DateTime<Utc>> = Vec::new();
        // A walk through ten millennia in uneven steps, every field changing.
        let mut secs = Utc.with_ymd_and_hms(0, 1, 1, 0, 0, 0).unwrap().timestamp();
        while secs
            < Utc
                .with_ymd_and_hms(9999, 12, 31, 0, 0, 0)
                .unwrap()
                .timestamp()
        {
            let nanos = (secs.unsigned_abs() % 1_000_000_007) as u32 % 1_000_000_000;
            times.push(DateTime::from_timestamp(secs, nanos).unwrap());
            secs += 86_400 * 97 + 3_601 * 7 + 59;
        }
        times.extend([
            Utc.with_ymd_and_hms(2026, 11, 20, 6, 52, 0).unwrap(),
            Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).unwrap(),
            Utc.with_ymd_and_hms(10_000, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(-1, 12, 31, 23, 59, 59).unwrap(),
            DateTime::from_timestamp(1_795_856_400, 999_999_999).unwrap(),
        ]);
        // A leap second, as parsing `23:59:60` makes one.
        times.push(parse_timestamp("2016-12-31T23:59:60.5Z").unwrap());
        for t in times {
            assert_eq!(iso(t), chrono_iso(t), "{t:?}");
            assert_eq!(iso_millis(t), chrono_ms(t), "{t:?}");
        }
    }

    #[test]
    fn written_digits_are_formats_own() {
        for (n, width) in [
            (0, 2),
            (7, 2),
            (59, 2),
            (5, 3),
            (999, 3),
            (42, 4),
            (2026, 4),
        ] {
            let mut s = String::from("x");
            push_padded(&mut s, n, width);
            assert_eq!(s, format!("x{n:0w$}", w = width as usize));
        }
        for (y, m, d) in [
            (2026, 11, 20),
            (0, 1, 1),
            (9999, 12, 31),
            (10_000, 2, 3),
            (-1, 5, 6),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let mut s = String::new();
            push_day(&mut s, date);
            assert_eq!(s, format!("{y:04}-{m:02}-{d:02}"));
        }
    }

    #[test]
    fn offsets_are_required() {
        assert!(parse_timestamp("2026-11-20T03:12:00Z").is_ok());
        let t = parse_timestamp("2026-11-20T05:12:00+02:00").unwrap();
        assert_eq!(iso(t), "2026-11-20T03:12:00Z");
        let e = parse_timestamp("2026-11-20T03:12:00").unwrap_err();
        assert!(e.contains("no UTC offset"), "{e}");
        let e = parse_timestamp("yesterday").unwrap_err();
        assert!(e.contains("not a valid timestamp"), "{e}");
    }

    #[test]
    fn spans_parse() {
        assert_eq!(parse_span("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(parse_span("1h30m").unwrap(), Duration::from_secs(5400));
        assert!(parse_span("15").is_err());
        assert!(parse_span("0m").is_err());
        assert!(parse_span("fast").is_err());
    }
}
