//! The minute grid the health model works on, and the site-timezone days laid over it.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// Longest rolling window reported (90 days), in minutes.
pub const MAX_WINDOW_MINUTES: usize = 90 * 1440;

/// Minute slots from `start` up to `now`; slot `i` is `[start + i min, start + i+1 min)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    pub start: DateTime<Utc>,
    /// Minutes from `start` through the build's own second: the minute in progress is
    /// the last (partial) slot, so a result stamped in it is on the grid.
    pub minutes: usize,
    pub now: DateTime<Utc>,
    /// History days in the site timezone, oldest first; the last is today.
    pub days: Vec<Day>,
}

/// One calendar day in the site timezone and its slot range `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub date: NaiveDate,
    pub start: usize,
    /// Clamped to now: today ends at the current minute.
    pub end: usize,
    /// Length of the whole local day in minutes (1380 or 1500 on DST changes).
    pub length: usize,
}

/// The instant a local day starts (the first valid local time on DST gap days).
fn day_start(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.with_timezone(&Utc)
        }
        chrono::LocalResult::None => {
            // A gap at midnight: the day starts at the first minute that exists.
            (1..=180)
                .find_map(|m| {
                    tz.from_local_datetime(&(midnight + Duration::minutes(m)))
                        .earliest()
                })
                .map_or_else(
                    || Utc.from_utc_datetime(&midnight),
                    |t| t.with_timezone(&Utc),
                )
        }
    }
}

impl Grid {
    /// The grid for `history_days` days ending today (site timezone), long enough for
    /// the 90-day window too.
    pub fn new(now: DateTime<Utc>, tz: Tz, history_days: u32) -> Grid {
        let today = now.with_timezone(&tz).date_naive();
        let first = today - Duration::days(i64::from(history_days.max(1)) - 1);
        let start = day_start(first, tz).min(now - Duration::minutes(MAX_WINDOW_MINUTES as i64));
        // Whole minutes, no sub-second part: a clock `now` carries nanoseconds, and a
        // start at hh:mm:00.5 would put each day's boundary half a second late,
        // cutting the minute in progress out of today.
        let start =
            DateTime::from_timestamp(start.timestamp() - start.timestamp().rem_euclid(60), 0)
                .expect("a grid start in range");
        // The grid ends with the build's own second: a result stamped in the minute in
        // progress (or in that very second) gets a slot instead of falling off the end
        // and being mistaken for one older than the window.
        let end = now.timestamp() + 1;
        let minutes = ((end - start.timestamp()).max(0) as usize).div_ceil(60);
        let slot = |t: DateTime<Utc>| ((t - start).num_seconds() / 60).max(0) as usize;
        let days = (0..history_days.max(1))
            .map(|i| {
                let date = first + Duration::days(i64::from(i));
                let (s, e) = (
                    slot(day_start(date, tz)),
                    slot(day_start(date + Duration::days(1), tz)),
                );
                Day {
                    date,
                    start: s.min(minutes),
                    end: e.min(minutes),
                    length: e - s,
                }
            })
            .collect();
        Grid {
            start,
            minutes,
            now,
            days,
        }
    }

    /// `v` for every minute of the grid, each page of the vector written now.
    ///
    /// Not `vec![0; n]`: that leaves the pages unmapped, a first read maps them to the
    /// kernel's zero page, and merging results reads a minute before writing it. Each
    /// page's first write is then a second fault that flushes the TLB of every core
    /// running the build: 0.1 s of CPU for the 50 checks of a 90-day feed.
    pub fn per_minute<T: Copy>(&self, v: T) -> Vec<T> {
        let mut cells = Vec::with_capacity(self.minutes);
        cells.resize(self.minutes, v);
        cells
    }

    /// Slot of an instant, if it falls on the grid (not before `start`, not after now's second).
    pub fn slot(&self, epoch_secs: i64) -> Option<usize> {
        let d = epoch_secs - self.start.timestamp();
        if d < 0 || epoch_secs > self.now.timestamp() {
            return None;
        }
        let s = (d / 60) as usize;
        (s < self.minutes).then_some(s)
    }

    /// Slot range `[from, to)` covered by an interval, clamped to the grid.
    pub fn range(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> std::ops::Range<usize> {
        let f = ((from - self.start).num_seconds().max(0) / 60) as usize;
        let secs = (to - self.start).num_seconds().max(0);
        let t = (((secs + 59) / 60) as usize).min(self.minutes);
        // A span that starts after now (clamped to now by the caller) is empty, not reversed.
        f.min(t)..t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dst_days_are_23_and_25_hours() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let g = Grid::new(now, tz, 365);
        let len = |y, m, d| {
            g.days
                .iter()
                .find(|x| x.date == NaiveDate::from_ymd_opt(y, m, d).unwrap())
                .unwrap()
                .length
        };
        assert_eq!(len(2026, 3, 29), 1380);
        assert_eq!(len(2026, 10, 25), 1500);
        assert_eq!(len(2026, 11, 20), 1440);
        let today = g.days.last().unwrap();
        assert_eq!(
            today.end - today.start,
            13 * 60 + 1,
            "today runs to now (12:00 UTC = 13:00 CET), the minute in progress included"
        );
    }

    #[test]
    fn per_minute_holds_the_value_for_every_minute() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let g = Grid::new(now, Tz::UTC, 2);
        let cells = g.per_minute(7u32);
        assert_eq!(cells.len(), g.minutes);
        assert!(g.minutes > 90 * 1440);
        assert!(cells.iter().all(|&c| c == 7));
    }

    #[test]
    fn grid_covers_the_90_day_window() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
        let g = Grid::new(now, Tz::UTC, 7);
        assert!(g.minutes >= MAX_WINDOW_MINUTES);
        assert_eq!(g.days.len(), 7);
        assert_eq!(
            g.slot(now.timestamp()),
            Some(g.minutes - 1),
            "the build's own second is in the last (partial) slot"
        );
        assert_eq!(g.slot(now.timestamp() - 60), Some(g.minutes - 2));
        assert_eq!(g.slot(now.timestamp() + 1), None, "after now: off the grid");
    }

    #[test]
    fn sub_second_clocks_keep_the_minute_in_progress_in_today() {
        let now =
            Utc.with_ymd_and_hms(2026, 12, 1, 23, 59, 13).unwrap() + Duration::milliseconds(500);
        let g = Grid::new(now, Tz::UTC, 90);
        assert_eq!(g.start.timestamp_subsec_nanos(), 0);
        let today = g.days.last().unwrap();
        let slot = g.slot(now.timestamp()).unwrap();
        assert!(
            (today.start..today.end).contains(&slot),
            "{slot} in {today:?}"
        );
        assert_eq!(today.end, g.minutes);
    }

    #[test]
    fn the_minute_in_progress_is_a_slot() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 20).unwrap();
        let g = Grid::new(now, Tz::UTC, 2);
        assert_eq!(g.slot(now.timestamp() - 10), Some(g.minutes - 1));
        assert_eq!(g.slot(now.timestamp() - 25), Some(g.minutes - 2));
        let today = g.days.last().unwrap();
        assert_eq!(today.end - today.start, 12 * 60 + 1);
    }
}
