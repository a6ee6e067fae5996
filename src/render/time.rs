//! Times for readers: shown in the site's timezone, with the UTC instant kept for `<time>`.

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

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Format `t` for the site timezone.
///
/// Written out by hand rather than with strftime patterns: pages show thousands of
/// times and pattern parsing was a visible share of a build's profile.
pub fn view(t: DateTime<Utc>, tz: Tz) -> TimeView {
    use chrono::offset::{Offset, TimeZone};
    use chrono_tz::OffsetName;
    let local = t.with_timezone(&tz);
    let offset = tz.offset_from_utc_datetime(&t.naive_utc());
    let zone = offset
        .abbreviation()
        .map_or_else(|| offset.fix().to_string(), str::to_string);
    let d = date(local.date_naive());
    let time = format!("{:02}:{:02} {zone}", local.hour(), local.minute());
    TimeView {
        iso: crate::time::iso(t),
        display: format!("{d}, {time}"),
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

/// "20 Nov 2026" for a calendar date.
pub fn date(d: NaiveDate) -> String {
    format!("{} {} {}", d.day(), MONTHS[d.month0() as usize], d.year())
}

/// "November 2026" for the month an instant falls in, in the site timezone.
pub fn month(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%B %Y").to_string()
}

/// A span in words a reader takes in at a glance: "6 h 28 min", "3 days 2 h", "45 min".
pub fn duration(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let mins = (to - from).num_minutes().max(0);
    let (d, h, m) = (mins / 1440, (mins % 1440) / 60, mins % 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, 0, _) => "1 day".to_string(),
        (1, h, _) => format!("1 day {h} h"),
        (d, 0, _) => format!("{d} days"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn shows_site_time_keeps_utc() {
        let t = Utc.with_ymd_and_hms(2026, 11, 20, 2, 12, 0).unwrap();
        let v = view(t, chrono_tz::Europe::Berlin);
        assert_eq!(v.iso, "2026-11-20T02:12:00Z");
        assert_eq!(v.display, "20 Nov 2026, 03:12 CET");
        assert_eq!(v.day, "2026-11-20");
    }

    #[test]
    fn durations_read_naturally() {
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
    }
}
