//! Times for readers: shown in the site's timezone, with the UTC instant kept for `<time>`.

use crate::i18n::Locale;
use crate::i18n::catalogue::fill_with;
use crate::time::push_padded;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use serde::Serialize;

/// One instant, formatted every way a template may need.
#[derive(Debug, Clone, Serialize)]
pub struct TimeView {
    /// ISO 8601 in UTC, for `<time datetime>` and machines.
    pub iso: String,
    /// "20 Nov 2026, 03:12 CET"
    pub display: String,
    /// "20 Nov 2026"
    pub date: String,
    /// "03:12 CET"
    pub time: String,
    /// "2026-11-20" in the site timezone.
    pub day: String,
}

/// Format `t` for the site timezone in the reader's language.
///
/// Written out by hand rather than with strftime patterns: pages show thousands of
/// times and pattern parsing was a visible share of a build's profile. The catalogue's
/// patterns are filled in one pass each, numbers written straight into the text: a
/// 10,000-post build makes a few hundred thousand of these.
pub fn view(t: DateTime<Utc>, tz: Tz, loc: &Locale) -> TimeView {
    use chrono::offset::Offset;
    use chrono_tz::OffsetName;
    use std::borrow::Cow;
    let at = t.with_timezone(&tz);
    let offset = at.offset();
    let zone = offset
        .abbreviation()
        .map_or_else(|| Cow::Owned(offset.fix().to_string()), Cow::Borrowed);
    // Each accessor of a `DateTime` converts to local time again: take it once.
    let local = at.naive_local();
    let d = date(local.date(), loc);
    let mut time = String::with_capacity(16);
    fill_with(&mut time, loc.t("format.time"), |name, out| {
        match name {
            "hh" => push_padded(out, local.hour(), 2),
            "mm" => push_padded(out, local.minute(), 2),
            "zone" => out.push_str(&zone),
            _ => return false,
        }
        true
    });
    let mut display = String::with_capacity(d.len() + time.len() + 4);
    fill_with(&mut display, loc.t("format.date_time"), |name, out| {
        match name {
            "date" => out.push_str(&d),
            "time" => out.push_str(&time),
            _ => return false,
        }
        true
    });
    TimeView {
        iso: crate::time::iso(t),
        display,
        day: {
            let mut day = String::with_capacity(10);
            crate::time::push_day(&mut day, local.date());
            day
        },
        date: d,
        time,
    }
}

/// "20 Nov 2026" (or the language's form) for a calendar date.
pub fn date(d: NaiveDate, loc: &Locale) -> String {
    date_with(d, loc, "format.date")
}

fn date_with(d: NaiveDate, loc: &Locale, key: &str) -> String {
    use std::fmt::Write;
    let m = d.month0() as usize;
    let mut out = String::with_capacity(16);
    fill_with(&mut out, loc.t(key), |name, out| {
        match name {
            "d" => {
                let _ = write!(out, "{}", d.day());
            }
            "m" => {
                let _ = write!(out, "{}", d.month());
            }
            "d2" => push_padded(out, d.day(), 2),
            "m2" => push_padded(out, d.month(), 2),
            "mon" => out.push_str(loc.calendar.abbr_months[m]),
            "month" => out.push_str(loc.calendar.months[m]),
            "y" => {
                let _ = write!(out, "{}", d.year());
            }
            _ => return false,
        }
        true
    });
    out
}

/// The short date of one day's bar: "20 Nov 2026", "2026/11/20".
pub fn day(d: NaiveDate, loc: &Locale) -> String {
    date_with(d, loc, "format.day")
}

/// "November 2026" for the month an instant falls in, in the site timezone.
pub fn month(t: DateTime<Utc>, tz: Tz, loc: &Locale) -> String {
    let d = t.with_timezone(&tz).date_naive();
    loc.f(
        "format.month_year",
        &[
            ("month", loc.calendar.standalone_months[d.month0() as usize]),
            ("m", &d.month().to_string()),
            ("y", &d.year().to_string()),
        ],
    )
}

/// A span in words a reader takes in at a glance: "6 h 28 min", "3 days 2 h", "45 min".
pub fn duration(from: DateTime<Utc>, to: DateTime<Utc>, loc: &Locale) -> String {
    let mins = (to - from).num_minutes().max(0) as u64;
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    let join = |a: String, b: String| loc.f("format.join", &[("a", &a), ("b", &b)]);
    match (d, h, m) {
        (0, 0, m) => loc.n("duration.minutes", m, &[]),
        (0, h, 0) => loc.n("duration.hours", h, &[]),
        (0, h, m) => join(
            loc.n("duration.hours", h, &[]),
            loc.n("duration.minutes", m, &[]),
        ),
        (d, 0, _) => loc.n("duration.days", d, &[]),
        (d, h, _) => join(
            loc.n("duration.days", d, &[]),
            loc.n("duration.hours", h, &[]),
        ),
    }
}

/// A count of minutes: "36 min" below two hours, else "3 h 12 min".
pub fn minutes(n: u64, loc: &Locale) -> String {
    if n < 120 {
        loc.n("duration.minutes", n, &[])
    } else {
        loc.f(
            "format.join",
            &[
                ("a", &loc.n("duration.hours", n / 60, &[])),
                ("b", &loc.n("duration.minutes", n % 60, &[])),
            ],
        )
    }
}

/// "3 min ago", "2 h ago", "4 days ago".
pub fn ago(d: chrono::TimeDelta, loc: &Locale) -> String {
    let m = d.num_minutes().max(0) as u64;
    match m {
        0 => loc.t("ago.now").to_string(),
        1..=119 => loc.n("ago.minutes", m, &[]),
        120..=2879 => loc.n("ago.hours", m / 60, &[]),
        _ => loc.n("ago.days", m / 1440, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_site_time_keeps_utc() {
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 2, 12, 0).unwrap();
        let en = Locale::english();
        let v = view(t, chrono_tz::Europe::Berlin, &en);
        assert_eq!(v.iso, "2026-11-20T02:12:00Z");
        assert_eq!(v.display, "20 Nov 2026, 03:12 CET");
        assert_eq!(v.day, "2026-11-20");
        let de = Locale::new("de", None, &Default::default()).unwrap();
        assert_eq!(
            view(t, chrono_tz::Europe::Berlin, &de).display,
            "20. Nov 2026, 03:12 CET"
        );
        let ja = Locale::new("ja", None, &Default::default()).unwrap();
        assert_eq!(view(t, chrono_tz::UTC, &ja).date, "2026年11月20日");
        let pl = Locale::new("pl", None, &Default::default()).unwrap();
        assert_eq!(month(t, chrono_tz::UTC, &pl), "listopad 2026");
        assert_eq!(date(t.date_naive(), &pl), "20 lis 2026");
    }

    #[test]
    fn every_date_placeholder_is_filled_and_unknown_ones_stay() {
        use crate::i18n::catalogue::{Catalogue, Entry};
        let mut strings = Catalogue::new();
        let all = "{d}|{m}|{d2}|{m2}|{mon}|{month}|{y}|{x}";
        strings.insert("format.date".into(), Entry::Text(all.into()));
        strings.insert("format.day".into(), Entry::Text(all.into()));
        let loc = Locale::new("en", None, &strings).unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        let want = "5|3|05|03|Mar|March|2026|{x}";
        assert_eq!(date(d, &loc), want);
        assert_eq!(day(d, &loc), want);
        let t = d.and_hms_opt(7, 4, 0).unwrap().and_utc();
        assert_eq!(view(t, chrono_tz::UTC, &loc).date, want);
    }

    #[test]
    fn durations_read_naturally() {
        let loc = Locale::english();
        let duration = |a, b| duration(a, b, &loc);
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 2, 12, 0).unwrap();
        assert_eq!(duration(t, t + chrono::Duration::minutes(45)), "45 min");
        assert_eq!(
            duration(t, t + chrono::Duration::minutes(388)),
            "6 h 28 min"
        );
        assert_eq!(duration(t, t + chrono::Duration::minutes(120)), "2 h");
        assert_eq!(
            duration(t, t + chrono::Duration::minutes(3000)),
            "2 days 2 h"
        );
        assert_eq!(duration(t, t + chrono::Duration::minutes(1440)), "1 day");
        assert_eq!(minutes(36, &loc), "36 min");
        assert_eq!(minutes(192, &loc), "3 h 12 min");
        assert_eq!(ago(chrono::Duration::minutes(0), &loc), "just now");
        assert_eq!(ago(chrono::Duration::minutes(3000), &loc), "2 days ago");
        assert_eq!(ago(chrono::Duration::minutes(150), &loc), "2 h ago");
    }
}
