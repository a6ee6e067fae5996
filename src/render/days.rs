//! The day table of a component page (a row per day, newest first, `id="YYYY-MM-DD"` so a
//! day has an address) and the one-line summary of a row of day bars.

use super::bars::{class, minute_words, minutes};
use super::time;
use crate::health::component::DayFigures;
use crate::health::uptime::Minutes;
use crate::site::Site;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// One day of a component, as a row of its page's day table.
#[derive(Debug, Serialize)]
pub struct DayRow {
    /// "2026-11-20" in the site timezone: the row's `id`, the home bars' link target.
    pub date: String,
    /// "20 Nov 2026"
    pub label: String,
    /// The bar class of the day (see [`super::bars::DayBar::class`]).
    pub class: &'static str,
    /// "97.50%", or `None` without data.
    pub uptime: Option<String>,
    /// The minutes not plainly up, in words: "6 h 28 min down, 60 min maintenance";
    /// empty on a quiet day.
    pub affected: String,
    /// Minutes by kind, as words: "36 min", "0 min".
    pub down: String,
    pub partial: String,
    pub maintenance: String,
    /// Incidents of this component that were open during the day.
    pub incidents: Vec<IncidentLink>,
}

/// An incident named and linked from the day table.
#[derive(Debug, Serialize)]
pub struct IncidentLink {
    pub title: String,
    pub url: String,
}

/// For each grid day (oldest first), the indexes of component `i`'s incidents open
/// during it, found by walking this component's posts once.
pub fn incidents_per_day(site: &Site, i: usize) -> Vec<Vec<usize>> {
    let c = &site.config.components[i];
    let grid = &site.health.grid;
    let mut per_day: Vec<Vec<usize>> = vec![Vec::new(); grid.days.len()];
    for &pi in &site.by_component[&c.id] {
        let Some(inc) = site.posts[pi].incident() else {
            continue;
        };
        let r = grid.range(inc.started, inc.resolved.unwrap_or(site.now));
        if r.end == 0 {
            continue; // entirely before the grid
        }
        let to = r.end.max(r.start + 1);
        for (d, day) in grid.days.iter().enumerate() {
            if day.start < to && r.start < day.end.max(day.start + 1) {
                per_day[d].push(pi);
            }
        }
    }
    per_day
}

/// Component `i`'s days, newest first: a reader looks for a recent day first.
pub fn day_table(site: &Site, i: usize) -> Vec<DayRow> {
    let grid = &site.health.grid;
    let root = site.config.base_path();
    let figures = &site.health.components[i].figures.days;
    let mut rows: Vec<DayRow> = grid
        .days
        .iter()
        .zip(figures)
        .zip(incidents_per_day(site, i))
        .map(|((day, f), incidents)| DayRow {
            date: iso_date(day.date),
            label: time::date(day.date),
            class: class(f),
            uptime: f.uptime.map(|p| format!("{}%", p.text())),
            affected: minute_words(&f.minutes).join(", "),
            down: minutes(f.minutes.down),
            partial: minutes(f.minutes.partial),
            maintenance: minutes(f.minutes.maintenance),
            incidents: incidents
                .iter()
                .map(|&pi| IncidentLink {
                    title: site.posts[pi].title.clone(),
                    url: format!("{root}{}", site.posts[pi].path()),
                })
                .collect(),
        })
        .collect();
    rows.reverse();
    rows
}

/// "2026-11-20": a day's address (written out by hand: a page formats every day of
/// every component, and pattern parsing shows in profiles, see `time::view`).
pub fn iso_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// "Last 90 days: 3 days with downtime, 99.62% uptime": the whole window in one line,
/// over the same days the bars and the day table show.
pub fn summary(days: &[DayFigures]) -> String {
    let mut total = Minutes::default();
    for d in days {
        total.add(&d.minutes);
    }
    let down_days = days
        .iter()
        .filter(|d| d.minutes.down + d.minutes.partial > 0)
        .count();
    let n = days.len();
    let window = if n == 1 {
        "Today".to_string()
    } else {
        format!("Last {n} days")
    };
    match total.uptime() {
        None => format!("{window}: no uptime data"),
        Some(p) => {
            let down = match down_days {
                0 => "no downtime".to_string(),
                1 => "1 day with downtime".to_string(),
                k => format!("{k} days with downtime"),
            };
            format!("{window}: {down}, {}% uptime", p.text())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::uptime::Percent;

    fn day(observed: u32, down: u32, partial: u32, maintenance: u32) -> DayFigures {
        let minutes = Minutes {
            down,
            partial,
            degraded: 0,
            maintenance,
            observed,
        };
        DayFigures {
            minutes,
            uptime: minutes.uptime(),
            latency_p50: None,
            latency_p95: None,
        }
    }

    #[test]
    fn iso_dates_are_zero_padded() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(iso_date(d), "2026-03-05");
        let d = NaiveDate::from_ymd_opt(987, 11, 20).unwrap();
        assert_eq!(iso_date(d), "0987-11-20");
    }

    #[test]
    fn summary_counts_days_with_downtime_and_the_whole_window() {
        let mut days = vec![day(1440, 0, 0, 0); 88];
        days.push(day(1440, 36, 0, 0));
        days.push(day(1440, 0, 10, 0));
        // 36 + 0.3 × 10 = 39 bad minutes of 90 × 1440.
        let want = Minutes {
            down: 36,
            partial: 10,
            degraded: 0,
            maintenance: 0,
            observed: 90 * 1440,
        }
        .uptime()
        .unwrap();
        assert_eq!(want, Percent(9996));
        assert_eq!(
            summary(&days),
            "Last 90 days: 2 days with downtime, 99.96% uptime"
        );
    }

    #[test]
    fn summary_words_for_one_none_and_no_data() {
        let mut days = vec![day(1440, 0, 0, 0); 29];
        assert_eq!(summary(&days), "Last 29 days: no downtime, 100.00% uptime");
        days.push(day(1440, 1440, 0, 0));
        assert_eq!(
            summary(&days),
            "Last 30 days: 1 day with downtime, 96.66% uptime"
        );
        // Degraded and maintenance minutes are not downtime.
        let quiet = vec![day(1440, 0, 0, 60), day(0, 0, 0, 0)];
        assert_eq!(summary(&quiet), "Last 2 days: no downtime, 100.00% uptime");
        assert_eq!(
            summary(&[day(0, 0, 0, 0)]),
            "Today: no uptime data",
            "no data is not 100%"
        );
        assert_eq!(summary(&[]), "Last 0 days: no uptime data");
    }
}
