//! The day table of a component page (a row per day, newest first, `id="YYYY-MM-DD"` so a
//! day has an address) and the one-line summary of a row of day bars.

use super::time;
use crate::health::component::DayFigures;
use crate::health::uptime::Minutes;
use crate::i18n::Locale;
use crate::site::{Component, Site};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// One day of a component, as a row of its page's day table.
#[derive(Debug, Serialize)]
pub struct DayRow {
    /// "2026-11-20" in the site timezone: the row's `id`, the home bars' link target.
    pub date: String,
    /// "20 Nov 2026"
    pub label: String,
    /// The bar class of the day (see [`class`]; the bars use the same).
    pub class: &'static str,
    /// "97.50%", or `None` without data.
    pub uptime: Option<String>,
    /// The minutes not plainly up, in words: "6 h 28 min down, 60 min maintenance";
    /// empty on a quiet day.
    pub affected: String,
    /// Incidents of this component that were open during the day.
    pub incidents: Vec<IncidentLink>,
}

/// An incident named and linked from the day table.
#[derive(Debug, Serialize)]
pub struct IncidentLink {
    pub title: String,
    pub url: String,
}

/// For each grid day (oldest first), the indexes of the component's incidents open
/// during it, found by walking this component's posts once.
pub fn incidents_per_day(site: &Site, comp: &Component) -> Vec<Vec<usize>> {
    let c = &comp.config;
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

/// A component's days, newest first: a reader looks for a recent day first.
pub fn day_table(site: &Site, comp: &Component, loc: &Locale) -> Vec<DayRow> {
    let grid = &site.health.grid;
    let root = site.config.base_path();
    let figures = &comp.health.figures.days;
    let mut rows: Vec<DayRow> = grid
        .days
        .iter()
        .zip(figures)
        .zip(incidents_per_day(site, comp))
        .map(|((day, f), incidents)| DayRow {
            date: iso_date(day.date),
            label: time::date(day.date, loc),
            class: class(f),
            uptime: f.uptime.map(|p| loc.percent(p.0)),
            affected: minute_words(&f.minutes, loc).join(loc.t("format.list_sep")),
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
pub fn summary(days: &[DayFigures], loc: &Locale) -> String {
    let mut total = Minutes::default();
    for d in days {
        total.add(&d.minutes);
    }
    let down_days = days
        .iter()
        .filter(|d| d.minutes.down + d.minutes.partial > 0)
        .count() as u64;
    let n = days.len() as u64;
    let window = if n == 1 {
        loc.t("days.today").to_string()
    } else {
        loc.n("days.window", n, &[])
    };
    match total.uptime() {
        None => loc.f("days.no_uptime", &[("window", &window)]),
        Some(p) => {
            let down = match down_days {
                0 => loc.t("days.no_downtime").to_string(),
                k => loc.n("days.down_days", k, &[]),
            };
            let uptime = loc.f("health.uptime_value", &[("uptime", &loc.percent(p.0))]);
            loc.f(
                "days.summary",
                &[("window", &window), ("down", &down), ("uptime", &uptime)],
            )
        }
    }
}

/// The bar class of a day's figures.
pub fn class(f: &DayFigures) -> &'static str {
    match f.uptime {
        None if f.minutes.maintenance > 0 => "mt",
        None => "nd",
        Some(p) if p.0 >= 10_000 => "ok",
        Some(p) if p.0 >= 9_900 => "d1",
        Some(p) if p.0 >= 9_500 => "d2",
        Some(_) => "d3",
    }
}

/// The minutes of a day that were not plainly up, by kind: ["36 min down", "60 min maintenance"].
pub fn minute_words(m: &Minutes, loc: &Locale) -> Vec<String> {
    [
        (m.down, "bars.down"),
        (m.partial, "bars.partial"),
        (m.degraded, "bars.degraded"),
        (m.maintenance, "bars.maintenance"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, key)| loc.f(key, &[("duration", &time::minutes(u64::from(n), loc))]))
    .collect()
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
        let en = Locale::english();
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
            summary(&days, &en),
            "Last 90 days: 2 days with downtime, 99.96% uptime"
        );
    }

    #[test]
    fn summary_words_for_one_none_and_no_data() {
        let en = Locale::english();
        let mut days = vec![day(1440, 0, 0, 0); 29];
        assert_eq!(
            summary(&days, &en),
            "Last 29 days: no downtime, 100% uptime"
        );
        days.push(day(1440, 1440, 0, 0));
        assert_eq!(
            summary(&days, &en),
            "Last 30 days: 1 day with downtime, 96.66% uptime"
        );
        // Degraded and maintenance minutes are not downtime.
        let quiet = vec![day(1440, 0, 0, 60), day(0, 0, 0, 0)];
        assert_eq!(
            summary(&quiet, &en),
            "Last 2 days: no downtime, 100% uptime"
        );
        assert_eq!(
            summary(&[day(0, 0, 0, 0)], &en),
            "Today: no uptime data",
            "no data is not 100%"
        );
        assert_eq!(summary(&[], &en), "Last 0 days: no uptime data");
    }

    #[test]
    fn summary_speaks_the_readers_language_with_its_plurals() {
        let pl = Locale::new("pl", None, &Default::default()).unwrap();
        let mut days = vec![day(1440, 0, 0, 0); 27];
        days.extend([day(1440, 36, 0, 0), day(1440, 36, 0, 0), day(1440, 0, 0, 0)]);
        let s = summary(&days, &pl);
        assert!(
            s.starts_with("Ostatnie 30 dni: 2 dni z przestojem, "),
            "{s}"
        );
        let ar = Locale::new("ar", None, &Default::default()).unwrap();
        assert_eq!(
            summary(&[day(0, 0, 0, 0)], &ar),
            "اليوم: لا بيانات عن التوفر"
        );
    }
}
