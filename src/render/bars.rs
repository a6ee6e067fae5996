//! Health views: daily uptime bars, windows, "last check" and the latency chart.

use super::time::{self, TimeView};
use crate::health::component::DayFigures;
use crate::health::uptime::Minutes;
use crate::health::{ComponentHealth, WINDOWS};
use crate::site::Site;
use serde::Serialize;

/// One day's bar: a class for shape and colour, and words for everyone else.
#[derive(Debug, Serialize)]
pub struct DayBar {
    /// `nd` no data, `ok` 100 %, `d1` ≥ 99 %, `d2` ≥ 95 %, `d3` below, `mt` maintenance only.
    pub class: &'static str,
    /// "20 Nov 2026: 97.50% uptime, 36 min down, incident: Rooms unavailable"
    pub label: String,
    /// The day in the site timezone, "2026-11-20": the id of its row in the day table.
    pub date: String,
    /// The label's words after the date, only when they differ from the row's plain
    /// words for the class ([`PLAIN_OK`], [`PLAIN_ND`]): the home page carries just these
    /// and the script writes the plain ones, which keeps 90 days × every component small.
    pub detail: Option<String>,
    /// The first incident of the day, if any.
    pub url: Option<String>,
}

/// The words of a day with full uptime and nothing else to say.
pub const PLAIN_OK: &str = "100.00% uptime";
/// The words of a day without data.
pub const PLAIN_ND: &str = "no data";

/// A component's health as shown on pages.
#[derive(Debug, Serialize)]
pub struct HealthView {
    pub has_checks: bool,
    /// "99.95%" over 90 days, or `None` without data.
    pub uptime_90d: Option<String>,
    pub windows: Vec<WindowView>,
    pub last_check: Option<LastCheck>,
    pub message: Option<String>,
    pub unexplained: bool,
    pub bars: Vec<DayBar>,
    /// The first day of the bars, "2026-08-31": the script counts dates on from it.
    pub from: String,
    /// How many of the last days a phone shows (30, or fewer when there are fewer).
    pub narrow: usize,
    /// The row in words for screen readers and the link to the day table:
    /// "Last 90 days: 3 days with downtime, 99.62% uptime".
    pub summary: String,
    /// The plain words of the `ok` and `nd` classes, for the script.
    pub plain_ok: &'static str,
    pub plain_nd: &'static str,
}

/// One rolling window.
#[derive(Debug, Serialize)]
pub struct WindowView {
    pub name: &'static str,
    pub uptime: Option<String>,
}

/// When the newest result arrived.
#[derive(Debug, Serialize)]
pub struct LastCheck {
    pub ago: String,
    pub at: TimeView,
    pub stale: bool,
}

/// The health view of component `i` (config order).
pub fn health_view(site: &Site, i: usize) -> HealthView {
    let h = &site.health.components[i];
    let c = &site.config.components[i];
    let windows: Vec<WindowView> = WINDOWS
        .iter()
        .zip(&h.figures.windows)
        .map(|((name, _), m)| WindowView {
            name,
            uptime: m.uptime().map(|p| format!("{}%", p.text())),
        })
        .collect();
    let last_check = h.last_result_at.map(|t| LastCheck {
        ago: ago(site.now - t),
        at: time::view(t, site.config.timezone),
        stale: (site.now - t).num_seconds() > site.config.health.stale_after.as_secs() as i64,
    });
    let bars = bars(site, i, h);
    HealthView {
        from: bars.first().map_or_else(String::new, |b| b.date.clone()),
        narrow: bars.len().min(NARROW_DAYS),
        summary: super::days::summary(&h.figures.days),
        plain_ok: PLAIN_OK,
        plain_nd: PLAIN_ND,
        has_checks: !c.checks.is_empty(),
        uptime_90d: windows[3].uptime.clone(),
        windows,
        last_check,
        message: h.last_message.clone(),
        unexplained: site.components[i].unexplained,
        bars,
    }
}

/// Days a phone shows: at 360 px, 30 bars of at least 8 px fit beside each other.
pub const NARROW_DAYS: usize = 30;

fn bars(site: &Site, i: usize, h: &ComponentHealth) -> Vec<DayBar> {
    let grid = &site.health.grid;
    let root = site.config.base_path();
    grid.days
        .iter()
        .zip(&h.figures.days)
        .zip(super::days::incidents_per_day(site, i))
        .map(|((day, f), incidents)| {
            let class = class(f);
            let mut words = match f.uptime {
                Some(p) => format!("{}% uptime", p.text()),
                None => PLAIN_ND.to_string(),
            };
            for part in minute_words(&f.minutes) {
                words.push_str(", ");
                words.push_str(&part);
            }
            for &pi in incidents.iter().take(2) {
                words.push_str(&format!(", incident: {}", site.posts[pi].title));
            }
            let url = incidents
                .first()
                .map(|&pi| format!("{root}{}", site.posts[pi].path()));
            DayBar {
                class,
                label: format!("{}: {words}", time::date(day.date)),
                date: super::days::iso_date(day.date),
                detail: (words != plain(class)).then_some(words),
                url,
            }
        })
        .collect()
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

/// The words the script writes for a day of `class` that carries none of its own.
fn plain(class: &str) -> &'static str {
    match class {
        "ok" => PLAIN_OK,
        "nd" => PLAIN_ND,
        // Every other class always says more than a plain word: carry its words.
        _ => "",
    }
}

/// The minutes of a day that were not plainly up, by kind: ["36 min down", "60 min maintenance"].
pub fn minute_words(m: &Minutes) -> Vec<String> {
    [
        (m.down, "down"),
        (m.partial, "partial outage"),
        (m.degraded, "degraded"),
        (m.maintenance, "maintenance"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{} {what}", minutes(n)))
    .collect()
}

/// "36 min", "6 h 28 min".
pub fn minutes(n: u32) -> String {
    if n < 120 {
        format!("{n} min")
    } else {
        format!("{} h {} min", n / 60, n % 60)
    }
}

/// "3 min ago", "2 h ago", "4 days ago".
pub fn ago(d: chrono::TimeDelta) -> String {
    let m = d.num_minutes().max(0);
    match m {
        0 => "just now".to_string(),
        1..=119 => format!("{m} min ago"),
        120..=2879 => format!("{} h ago", m / 60),
        _ => format!("{} days ago", m / 1440),
    }
}

/// The latency chart of a component page: two polylines in a fixed viewBox.
#[derive(Debug, Serialize)]
pub struct LatencyChart {
    pub width: usize,
    pub height: u32,
    pub p50: String,
    pub p95: String,
    pub max: u32,
    pub last_p50: u32,
    pub last_p95: u32,
}

/// `None` when no day has latency figures.
pub fn latency_chart(site: &Site, i: usize) -> Option<LatencyChart> {
    let days = &site.health.components[i].figures.days;
    let max = days.iter().filter_map(|d| d.latency_p95).max()?.max(1);
    let last = days.iter().rev().find(|d| d.latency_p50.is_some())?;
    let height = 100;
    let width = days.len().saturating_sub(1).max(1) * 10;
    let points = |f: fn(&crate::health::component::DayFigures) -> Option<u32>| {
        days.iter()
            .enumerate()
            .filter_map(|(x, d)| f(d).map(|v| format!("{},{}", x * 10, height - v * height / max)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    Some(LatencyChart {
        width,
        height,
        p50: points(|d| d.latency_p50),
        p95: points(|d| d.latency_p95),
        max,
        last_p50: last.latency_p50.unwrap_or(0),
        last_p95: last.latency_p95.unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::uptime::Percent;

    fn figures(uptime: Option<u32>, maintenance: u32) -> DayFigures {
        DayFigures {
            minutes: Minutes {
                maintenance,
                ..Minutes::default()
            },
            uptime: uptime.map(Percent),
            latency_p50: None,
            latency_p95: None,
        }
    }

    #[test]
    fn classes_follow_the_uptime_thresholds() {
        let cases = [
            (Some(10_000), 0, "ok"),
            (Some(9_999), 0, "d1"),
            (Some(9_900), 0, "d1"),
            (Some(9_899), 0, "d2"),
            (Some(9_500), 0, "d2"),
            (Some(9_499), 0, "d3"),
            (Some(0), 0, "d3"),
            (None, 0, "nd"),
            (None, 1, "mt"),
            (Some(10_000), 60, "ok"),
        ];
        for (uptime, maint, want) in cases {
            assert_eq!(class(&figures(uptime, maint)), want, "{uptime:?} {maint}");
        }
    }

    #[test]
    fn only_ok_and_nd_have_plain_words() {
        assert_eq!(plain("ok"), PLAIN_OK);
        assert_eq!(plain("nd"), PLAIN_ND);
        for c in ["d1", "d2", "d3", "mt"] {
            assert_eq!(plain(c), "", "{c} always says more");
        }
        // The plain words are what a full or empty day's words would be.
        assert_eq!(format!("{}% uptime", Percent(10_000).text()), PLAIN_OK);
    }

    #[test]
    fn minute_words_in_a_fixed_order_without_zeros() {
        let m = Minutes {
            down: 388,
            partial: 0,
            degraded: 5,
            maintenance: 120,
            observed: 1440,
        };
        assert_eq!(
            minute_words(&m),
            ["6 h 28 min down", "5 min degraded", "2 h 0 min maintenance"]
        );
        assert!(minute_words(&Minutes::default()).is_empty());
        let p = Minutes {
            partial: 119,
            ..Minutes::default()
        };
        assert_eq!(minute_words(&p), ["119 min partial outage"]);
    }
}
