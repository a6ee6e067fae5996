//! One component's minutes: its checks' coverage combined with incidents and
//! maintenance, tallied per site-timezone day and per rolling window.

use super::record::State;
use super::series;
use super::uptime::{Minutes, Percent, percentile};
use super::window::Grid;
use std::ops::Range;

/// What an open incident does to each of its minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Minor impact: partial minutes.
    Partial = 2,
    /// Major or critical impact: down minutes.
    Down = 3,
}

/// The inputs for one component, already placed on the grid.
#[derive(Debug, Default)]
pub struct Inputs<'a> {
    /// Per check: covered state per minute (see [`super::coverage::coverage`]).
    pub coverage: Vec<&'a [u8]>,
    /// Per check: packed result slots, for latency.
    pub slots: Vec<&'a [u32]>,
    pub incidents: Vec<(Range<usize>, Severity)>,
    pub maintenance: Vec<Range<usize>>,
}

/// One day's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct DayFigures {
    pub minutes: Minutes,
    pub uptime: Option<Percent>,
    pub latency_p50: Option<u32>,
    pub latency_p95: Option<u32>,
}

/// A rolling window ending now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Hours24,
    Days7,
    Days30,
    Days90,
}

impl Window {
    /// Every window, shortest first (the order pages and reports list them in).
    pub const ALL: [Window; 4] = [
        Window::Hours24,
        Window::Days7,
        Window::Days30,
        Window::Days90,
    ];

    /// Its name in machine outputs and catalogue keys.
    pub fn name(self) -> &'static str {
        match self {
            Window::Hours24 => "24h",
            Window::Days7 => "7d",
            Window::Days30 => "30d",
            Window::Days90 => "90d",
        }
    }

    /// Its length in minutes.
    pub fn minutes(self) -> usize {
        match self {
            Window::Hours24 => 1440,
            Window::Days7 => 7 * 1440,
            Window::Days30 => 30 * 1440,
            Window::Days90 => 90 * 1440,
        }
    }
}

/// Minutes tallied over each rolling window ending now.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Windows {
    pub hours_24: Minutes,
    pub days_7: Minutes,
    pub days_30: Minutes,
    pub days_90: Minutes,
}

impl Windows {
    /// The tally of window `w`.
    pub fn get(&self, w: Window) -> &Minutes {
        match w {
            Window::Hours24 => &self.hours_24,
            Window::Days7 => &self.days_7,
            Window::Days30 => &self.days_30,
            Window::Days90 => &self.days_90,
        }
    }

    fn get_mut(&mut self, w: Window) -> &mut Minutes {
        match w {
            Window::Hours24 => &mut self.hours_24,
            Window::Days7 => &mut self.days_7,
            Window::Days30 => &mut self.days_30,
            Window::Days90 => &mut self.days_90,
        }
    }

    /// Every window with its tally, shortest first.
    pub fn iter(&self) -> impl Iterator<Item = (Window, &Minutes)> {
        Window::ALL.into_iter().map(|w| (w, self.get(w)))
    }
}

/// Per-day figures (one per grid day) and per-window tallies.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub days: Vec<DayFigures>,
    pub windows: Windows,
}

/// Tally every minute of the grid for one component.
///
/// A component without checks is observed every minute (its downtime comes from
/// incidents alone); one with checks is observed where any check has data or an
/// incident is open (the operator observed it).
pub fn figures(grid: &Grid, input: &Inputs) -> Figures {
    let n = grid.minutes;
    let mut incident = vec![0u8; n];
    for (r, sev) in &input.incidents {
        for m in &mut incident[r.clone()] {
            *m = (*m).max(*sev as u8);
        }
    }
    let mut maint = vec![false; n];
    for r in &input.maintenance {
        maint[r.clone()].fill(true);
    }
    let no_checks = input.coverage.is_empty();
    let window_from = Window::ALL.map(|w| n.saturating_sub(w.minutes()));
    let mut windows = Windows::default();
    let per_minute = |i: usize, tally: &mut Minutes| {
        let check = input.coverage.iter().map(|c| c[i]).max().unwrap_or(0);
        let inc = incident[i];
        if !(no_checks || check > 0 || inc > 0) {
            return None;
        }
        let mut m = Minutes {
            observed: 1,
            ..Minutes::default()
        };
        if maint[i] {
            m.maintenance = 1;
        } else if check == State::Down as u8 || inc == Severity::Down as u8 {
            m.down = 1;
        } else if inc == Severity::Partial as u8 {
            m.partial = 1;
        } else if check == State::Degraded as u8 {
            m.degraded = 1;
        }
        tally.add(&m);
        Some(m)
    };
    // Minutes before the first history day still count toward the 90-day window.
    let first_day = grid.days.first().map_or(n, |d| d.start);
    let mut scratch = Minutes::default();
    for i in 0..first_day {
        if let Some(m) = per_minute(i, &mut scratch) {
            add_windows(&mut windows, &window_from, i, &m);
        }
    }
    let mut days = Vec::with_capacity(grid.days.len());
    for day in &grid.days {
        let mut tally = Minutes::default();
        for i in day.start..day.end {
            if let Some(m) = per_minute(i, &mut tally) {
                add_windows(&mut windows, &window_from, i, &m);
            }
        }
        let mut lat: Vec<u32> = input
            .slots
            .iter()
            .flat_map(|s| {
                s[day.start..day.end]
                    .iter()
                    .filter_map(|&v| series::slot_latency(v))
            })
            .collect();
        days.push(DayFigures {
            minutes: tally,
            uptime: tally.uptime(),
            latency_p50: percentile(&mut lat, 50),
            latency_p95: percentile(&mut lat, 95),
        });
    }
    Figures { days, windows }
}

/// Add minute `i` to every window it falls in; `from[k]` is where `Window::ALL[k]` starts.
fn add_windows(windows: &mut Windows, from: &[usize; 4], i: usize, m: &Minutes) {
    for (w, &f) in Window::ALL.into_iter().zip(from) {
        if i >= f {
            windows.get_mut(w).add(m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::coverage::coverage;
    use crate::health::series::Series;
    use chrono::{TimeZone, Utc};

    /// One fully observed UTC day (now is the next midnight), checked every minute.
    fn day_grid() -> Grid {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        Grid::new(now, chrono_tz::Tz::UTC, 2)
    }

    fn every_minute(g: &Grid, down: Range<usize>) -> Series {
        let mut s = Series::new(g);
        let base = g.days[0].start;
        for i in 0..g.minutes {
            let st = if i >= base + down.start && i < base + down.end {
                State::Down
            } else {
                State::Up
            };
            s.add(Some(i), 0, st, Some(80));
        }
        s
    }

    #[test]
    fn a_36_minute_outage_gives_97_50() {
        let g = day_grid();
        let s = every_minute(&g, 100..136);
        let cov = coverage(&s, &g, 15);
        let f = figures(
            &g,
            &Inputs {
                coverage: vec![&cov],
                slots: vec![&s.slots],
                ..Inputs::default()
            },
        );
        let d = &f.days[0];
        assert_eq!((d.minutes.down, d.minutes.observed), (36, 1440));
        assert_eq!(d.uptime.unwrap().text(), "97.50");
        assert_eq!(d.latency_p50, Some(80));
        assert_eq!(
            f.windows.hours_24.down, 36,
            "the 24 h window ends now and holds the whole day"
        );
    }

    #[test]
    fn maintenance_hides_failures_and_incidents_count_as_observed() {
        let g = day_grid();
        let base = g.days[0].start;
        let s = every_minute(&g, 0..60);
        let cov = coverage(&s, &g, 15);
        let f = figures(
            &g,
            &Inputs {
                coverage: vec![&cov],
                slots: vec![&s.slots],
                maintenance: std::iter::once(base..base + 60).collect(),
                ..Inputs::default()
            },
        );
        assert_eq!(f.days[0].minutes.maintenance, 60);
        assert_eq!(f.days[0].minutes.down, 0);
        assert_eq!(f.days[0].uptime.unwrap().text(), "100.00");

        // No checks at all: observed every minute; a 100-minute minor incident.
        let f = figures(
            &g,
            &Inputs {
                incidents: vec![(base..base + 100, Severity::Partial)],
                ..Inputs::default()
            },
        );
        assert_eq!(
            (f.days[0].minutes.partial, f.days[0].minutes.observed),
            (100, 1440)
        );
        assert_eq!(f.days[0].uptime.unwrap().text(), "97.91");
    }

    #[test]
    fn half_a_day_of_data_and_a_day_without() {
        let g = day_grid();
        let base = g.days[0].start;
        let mut s = Series::new(&g);
        for i in base + 720..base + 1440 {
            s.add(Some(i), 0, State::Up, None);
        }
        let cov = coverage(&s, &g, 1);
        let f = figures(
            &g,
            &Inputs {
                coverage: vec![&cov],
                slots: vec![&s.slots],
                ..Inputs::default()
            },
        );
        assert_eq!(f.days[0].minutes.observed, 720);
        assert_eq!(f.days[0].uptime.unwrap().text(), "100.00");
        assert_eq!(f.days[1].uptime, None, "today has no minutes yet: no data");
        assert_eq!(f.days[0].latency_p50, None);
    }
}
