//! Times for readers: shown in the site's timezone, with the UTC instant kept for `<time>`.

use crate::i18n::Locale;
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
/// patterns are filled with plain string replacement.
pub fn view(t: DateTime<Utc>, tz: Tz, loc: &Locale) -> TimeView {
    use chrono::offset::{Offset, TimeZone};
    use chrono_tz::OffsetName;
    let local = t.with_timezone(&tz);
    let offset = tz.offset_from_utc_datetime(&t.naive_utc());
    let zone = offset
        .abbreviation()
        .map_or_else(|| offset.fix().to_string(), str::to_string);
    let d = date(local.date_naive(), loc);
    let time = loc.f(
        "format.time",
        &[
            ("hh", &format!("{:02}", local.hour())),
            ("mm", &format!("{:02}", local.minute())),
            ("zone", &zone),
        ],
    );
    TimeView {
        iso: crate::time::iso(t),
        display: loc.f("format.date_time", &[("date", &d), ("time", &time)]),
        day: format!(
            "{:04}-{:02}-{:02}",
            local.year(),
            local.month(),
            local.day()
        ),
        date: d,
        time,
    }
}

/// "20 Nov 2026" (or the language's form) for a calendar date.
pub fn date(d: NaiveDate, loc: &Locale) -> String {
    date_with(d, loc, "format.date")
}

fn date_with(d: NaiveDate, loc: &Locale, key: &str) -> String {
    let m = d.month0() as usize;
    loc.f(
        key,
        &[
            ("d", &d.day().to_string()),
            ("m", &d.month().to_string()),
            ("d2", &format!("{:02}", d.day())),
            ("m2", &format!("{:02}", d.month())),
            ("mon", loc.calendar.abbr_months[m]),
            ("month", loc.calendar.months[m]),
            ("y", &d.year().to_string()),
        ],
    )
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
