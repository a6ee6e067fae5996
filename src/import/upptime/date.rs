//! The dates Upptime has written into `history/<slug>.yml` over the years.
//!
//! Current versions write ISO 8601 (`2020-08-10T07:54:39.000Z`, JavaScript's
//! `toISOString()`); repositories made from the template before ~2023 carry
//! JavaScript's `Date.toString()`: `Mon Aug 10 2020 07:54:39 GMT+0000 (Coordinated
//! Universal Time)`. `toUTCString()` (`Mon, 10 Aug 2020 07:54:39 GMT`) is read too.

use chrono::{DateTime, Utc};

/// Read one Upptime date into UTC; `None` when it is none of the known formats.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = crate::time::parse_timestamp(s) {
        return Some(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.to_utc());
    }
    js_to_string(s)
}

/// `Date.toString()`: `[Www ]Mmm DD YYYY HH:MM:SS GMT±hhmm[ (Zone name)]`. The zone
/// name is the machine's locale wording, so only the numeric offset is used; the
/// weekday is redundant and not checked.
fn js_to_string(s: &str) -> Option<DateTime<Utc>> {
    let s = match s.rfind(" (") {
        Some(i) if s.ends_with(')') => &s[..i],
        _ => s,
    };
    let s = s.trim();
    let read = |x: &str| DateTime::parse_from_str(x, "%b %d %Y %H:%M:%S GMT%z").ok();
    // With the weekday first (`Mon Aug 10 …`) the date starts at the second word.
    read(s)
        .or_else(|| s.split_once(' ').and_then(|(_, rest)| read(rest)))
        .map(|t| t.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<String> {
        parse(s).map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
    }

    #[test]
    fn every_format_upptime_wrote() {
        let want = Some("2020-08-10T07:54:39.000Z".to_string());
        assert_eq!(iso("2020-08-10T07:54:39.000Z"), want);
        assert_eq!(
            iso("Mon Aug 10 2020 07:54:39 GMT+0000 (Coordinated Universal Time)"),
            want
        );
        assert_eq!(iso("Mon Aug 10 2020 07:54:39 GMT+0000"), want);
        assert_eq!(iso("Aug 10 2020 07:54:39 GMT+0000"), want);
        assert_eq!(iso("Mon, 10 Aug 2020 07:54:39 GMT"), want);
        assert_eq!(
            iso("Mon Aug 10 2020 13:24:39 GMT+0530 (India Standard Time)"),
            want
        );
        assert_eq!(
            iso("Mon Aug 10 2020 09:54:39 GMT+0200 (Mitteleuropäische Sommerzeit)"),
            want
        );
        assert_eq!(
            iso("Sun Aug 09 2020 23:54:39 GMT-0800 (Pacific Standard Time)"),
            want
        );
    }

    #[test]
    fn garbage_is_refused() {
        for bad in [
            "",
            "yesterday",
            "Mon Aug 10 2020",
            "Mon Aug 10 2020 07:54:39",
            "Mon Foo 10 2020 07:54:39 GMT+0000 (UTC)",
            "Mon Aug 32 2020 07:54:39 GMT+0000 (UTC)",
            "2020-08-10T07:54:39",
            "Mon Aug 10 2020 07:54:39 GMT+0000 (UTC) and more",
            "Mon Tue Aug 10 2020 07:54:39 GMT+0000",
        ] {
            assert_eq!(iso(bad), None, "{bad:?}");
        }
    }
}
