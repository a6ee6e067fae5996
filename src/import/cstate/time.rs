//! cState dates: Hugo accepts `2018-04-13 15:54:00` with no offset, which is only
//! an instant once we know the zone the site was written in.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt;

/// Why a date could not become an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// A local time, and no `--timezone` given.
    NoZone,
    /// Not a date this importer reads.
    Invalid,
    /// A local time skipped by a DST change in the given zone.
    Gap,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Problem::NoZone => "has no UTC offset; pass --timezone",
            Problem::Invalid => "is not a date like `2018-04-13 15:54:00`",
            Problem::Gap => "does not exist in the --timezone zone (skipped by a DST change)",
        })
    }
}

const WITH_OFFSET: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S%.f %z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M %z",
    "%Y-%m-%dT%H:%M%:z",
];

const LOCAL: [&str; 4] = [
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
];

/// Parse a cState date; times without an offset are read in `tz`.
pub fn parse(s: &str, tz: Option<Tz>) -> Result<DateTime<Utc>, Problem> {
    let s = s.trim();
    if let Ok(t) = crate::time::parse_timestamp(s) {
        return super::super::plausible(t).ok_or(Problem::Invalid);
    }
    for f in WITH_OFFSET {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return super::super::plausible(t.to_utc()).ok_or(Problem::Invalid);
        }
    }
    let local = LOCAL
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })
        .ok_or(Problem::Invalid)?;
    let tz = tz.ok_or(Problem::NoZone)?;
    // In a DST fold the earlier instant is taken: the first time the clock read so.
    let t = tz
        .from_local_datetime(&local)
        .earliest()
        .ok_or(Problem::Gap)?;
    super::super::plausible(t.to_utc()).ok_or(Problem::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(t: DateTime<Utc>) -> String {
        crate::time::iso(t)
    }

    #[test]
    fn local_times_need_a_zone() {
        assert_eq!(parse("2018-04-13 15:54:00", None), Err(Problem::NoZone));
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let t = parse("2018-04-13 15:54:00", Some(berlin)).unwrap();
        assert_eq!(iso(t), "2018-04-13T13:54:00Z");
        assert_eq!(
            iso(parse("2018-04-13", Some(Tz::UTC)).unwrap()),
            "2018-04-13T00:00:00Z"
        );
        assert_eq!(
            parse("2018-03-25 02:30:00", Some(berlin)),
            Err(Problem::Gap)
        );
    }

    #[test]
    fn offsets_win_over_the_zone() {
        let t = parse("2018-04-13T15:54:00+02:00", None).unwrap();
        assert_eq!(iso(t), "2018-04-13T13:54:00Z");
        let t = parse("2018-04-13 15:54:00 +0200", None).unwrap();
        assert_eq!(iso(t), "2018-04-13T13:54:00Z");
        assert_eq!(parse("soon", None), Err(Problem::Invalid));
    }
}
