//! Health views: daily uptime bars, windows, "last check" and the latency chart.

use super::time::{self, TimeView};
use crate::health::{ComponentHealth, WINDOWS};
use crate::i18n::Locale;
use crate::site::Site;
use serde::Serialize;

/// One day's bar: a class for shape and colour, and words for everyone else.
#[derive(Debug, Serialize)]
pub struct DayBar {
    /// `nd` no data, `ok` 100 %, `d1` ≥ 99 %, `d2` ≥ 95 %, `d3` below, `mt` maintenance only.
    pub class: &'static str,
    /// "20 Nov 2026: 97.50% uptime, 36 min down, incident: Rooms unavailable"
    pub label: String,
    /// The first incident of the day, if any.
    pub url: Option<String>,
}

/// A component's health as shown on pages.
#[derive(Debug, Serialize)]
pub struct HealthView {
    pub has_checks: bool,
    /// "99.95%" over 90 days, or `None` without data.
    pub uptime_90d: Option<String>,
    /// "90 days ago": the left end of the bars.
    pub oldest: String,
    pub windows: Vec<WindowView>,
    pub last_check: Option<LastCheck>,
    pub message: Option<String>,
    pub unexplained: bool,
    pub bars: Vec<DayBar>,
}

/// One rolling window.
#[derive(Debug, Serialize)]
pub struct WindowView {
    pub name: &'static str,
    /// "7 days", in the reader's language.
    pub label: String,
    pub uptime: Option<String>,
}

/// When the newest result arrived.
#[derive(Debug, Serialize)]
pub struct LastCheck {
    pub ago: String,
    /// "Last check: 3 min ago".
    pub text: String,
    pub at: TimeView,
    pub stale: bool,
}

/// The health view of component `i` (config order).
pub fn health_view(site: &Site, i: usize, loc: &Locale) -> HealthView {
    let h = &site.health.components[i];
    let c = &site.config.components[i];
    let windows: Vec<WindowView> = WINDOWS
        .iter()
        .zip(&h.figures.windows)
        .map(|((name, _), m)| WindowView {
            name,
            label: loc.t(&format!("windows.{name}")).to_string(),
            uptime: m.uptime().map(|p| loc.percent(p)),
        })
        .collect();
    let last_check = h.last_result_at.map(|t| LastCheck {
        ago: time::ago(site.now - t, loc),
        text: loc.f(
            "health.last_check",
            &[("ago", &time::ago(site.now - t, loc))],
        ),
        at: time::view(t, site.config.timezone, loc),
        stale: (site.now - t).num_seconds() > site.config.health.stale_after.as_secs() as i64,
    });
    HealthView {
        has_checks: !c.checks.is_empty(),
        uptime_90d: windows[3].uptime.clone(),
        oldest: loc.n("health.oldest", site.health.grid.days.len() as u64, &[]),
        windows,
        last_check,
        message: h.last_message.clone(),
        unexplained: site.components[i].unexplained,
        bars: bars(site, i, h, loc),
    }
}

fn bars(site: &Site, i: usize, h: &ComponentHealth, loc: &Locale) -> Vec<DayBar> {
    let c = &site.config.components[i];
    let grid = &site.health.grid;
    let root = site.config.base_path();
    // Incidents per day, found by walking this component's posts once.
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
    grid.days
        .iter()
        .zip(&h.figures.days)
        .zip(per_day)
        .map(|((day, f), incidents)| {
            let m = &f.minutes;
            let class = match f.uptime {
                None if m.maintenance > 0 => "mt",
                None => "nd",
                Some(p) if p.0 >= 10_000 => "ok",
                Some(p) if p.0 >= 9_900 => "d1",
                Some(p) if p.0 >= 9_500 => "d2",
                Some(_) => "d3",
            };
            let date = time::day(day.date, loc);
            let mut label = match f.uptime {
                Some(p) => loc.f(
                    "bars.uptime",
                    &[("date", &date), ("uptime", &loc.percent(p))],
                ),
                None => loc.f("bars.no_data", &[("date", &date)]),
            };
            let sep = loc.t("format.list_sep");
            for (n, key) in [
                (m.down, "bars.down"),
                (m.partial, "bars.partial"),
                (m.degraded, "bars.degraded"),
                (m.maintenance, "bars.maintenance"),
            ] {
                if n > 0 {
                    label.push_str(sep);
                    let d = time::minutes(u64::from(n), loc);
                    label.push_str(&loc.f(key, &[("duration", &d)]));
                }
            }
            for &pi in incidents.iter().take(2) {
                label.push_str(sep);
                label.push_str(&loc.f("bars.incident", &[("title", &site.posts[pi].title)]));
            }
            let url = incidents
                .first()
                .map(|&pi| format!("{root}{}", site.posts[pi].path()));
            DayBar { class, label, url }
        })
        .collect()
}

/// The latency chart of a component page: two polylines in a fixed viewBox, with
/// axis labels in the reader's language.
#[derive(Debug, Serialize)]
pub struct LatencyChart {
    pub width: usize,
    pub height: u32,
    pub p50: String,
    pub p95: String,
    pub max: u32,
    pub last_p50: u32,
    pub last_p95: u32,
    /// The text alternative: the figures in words.
    pub title: String,
    /// "scale 0–26 ms".
    pub scale: String,
    /// Side scale, top to bottom: max, half, 0 ("26 ms", "13 ms", "0 ms").
    pub y_labels: [String; 3],
    /// First, middle and last day along the bottom.
    pub x_labels: [String; 3],
}

/// `None` when no day has latency figures.
pub fn latency_chart(site: &Site, i: usize, loc: &Locale) -> Option<LatencyChart> {
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
    let ms = |n: u32| loc.n("latency.ms", u64::from(n), &[]);
    let (last_p50, last_p95) = (last.latency_p50.unwrap_or(0), last.latency_p95.unwrap_or(0));
    let grid = &site.health.grid.days;
    let day = |k: usize| {
        grid.get(k)
            .map_or_else(String::new, |d| time::date(d.date, loc))
    };
    let n = grid.len();
    Some(LatencyChart {
        width,
        height,
        p50: points(|d| d.latency_p50),
        p95: points(|d| d.latency_p95),
        max,
        last_p50,
        last_p95,
        title: loc.f(
            "latency.title",
            &[
                ("p50", &ms(last_p50)),
                ("p95", &ms(last_p95)),
                ("max", &ms(max)),
            ],
        ),
        scale: loc.f("latency.scale", &[("max", &ms(max))]),
        y_labels: [ms(max), ms(max / 2), ms(0)],
        x_labels: [day(0), day(n / 2), day(n.saturating_sub(1))],
    })
}
