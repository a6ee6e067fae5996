//! Health views: daily uptime bars, windows, "last check" and the latency chart.

use super::days::{class, minute_words};
use super::time::{self, TimeView};
use crate::health::Window;
use crate::i18n::Locale;
use crate::site::{Component, Site};
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
    /// words for the class ([`HealthView::plain_ok`], [`HealthView::plain_nd`]): the home page carries just these
    /// and the script writes the plain ones, which keeps 90 days × every component small.
    pub detail: Option<String>,
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
    /// "30 days ago": the left end of the bars on a phone.
    pub oldest_narrow: String,
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
    /// The plain words of the `ok` and `nd` classes in the reader's language, for the
    /// script: "100% uptime", "no data".
    pub plain_ok: String,
    pub plain_nd: String,
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

/// The health view of a component.
pub fn health_view(site: &Site, comp: &Component, loc: &Locale) -> HealthView {
    let h = &comp.health;
    let c = &comp.config;
    let windows: Vec<WindowView> = h
        .figures
        .windows
        .iter()
        .map(|(w, m)| WindowView {
            name: w.name(),
            label: loc.t(&format!("windows.{}", w.name())).to_string(),
            uptime: m.uptime().map(|p| loc.percent(p.0)),
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
    let bars = bars(site, comp, loc);
    HealthView {
        from: bars.first().map_or_else(String::new, |b| b.date.clone()),
        narrow: bars.len().min(NARROW_DAYS),
        summary: super::days::summary(&h.figures.days, loc),
        plain_ok: plain_ok(loc),
        plain_nd: plain_nd(loc),
        has_checks: !c.checks.is_empty(),
        uptime_90d: h
            .figures
            .windows
            .get(Window::Days90)
            .uptime()
            .map(|p| loc.percent(p.0)),
        oldest: loc.n("health.oldest", bars.len() as u64, &[]),
        oldest_narrow: loc.n("health.oldest", bars.len().min(NARROW_DAYS) as u64, &[]),
        windows,
        last_check,
        message: h.last_message.clone(),
        unexplained: comp.unexplained,
        bars,
    }
}

/// Days a phone shows: at 360 px, 30 bars of at least 8 px fit beside each other.
pub const NARROW_DAYS: usize = 30;

/// The words of a day with full uptime and nothing else to say.
pub fn plain_ok(loc: &Locale) -> String {
    loc.f("bars.uptime", &[("uptime", &loc.percent(10_000))])
}

/// The words of a day without data.
pub fn plain_nd(loc: &Locale) -> String {
    loc.t("bars.no_data").to_string()
}

fn bars(site: &Site, comp: &Component, loc: &Locale) -> Vec<DayBar> {
    let grid = &site.health.grid;
    let root = site.config.base_path();
    grid.days
        .iter()
        .zip(&comp.health.figures.days)
        .zip(super::days::incidents_per_day(site, comp))
        .map(|((day, f), incidents)| {
            let class = class(f);
            let mut words = match f.uptime {
                Some(p) => loc.f("bars.uptime", &[("uptime", &loc.percent(p.0))]),
                None => plain_nd(loc),
            };
            let sep = loc.t("format.list_sep");
            for part in minute_words(&f.minutes, loc) {
                words.push_str(sep);
                words.push_str(&part);
            }
            for &pi in incidents.iter().take(2) {
                words.push_str(sep);
                words.push_str(&loc.f("bars.incident", &[("title", &site.posts[pi].title)]));
            }
            let url = incidents
                .first()
                .map(|&pi| format!("{root}{}", site.posts[pi].path()));
            DayBar {
                class,
                label: loc.f(
                    "bars.day",
                    &[("date", &time::day(day.date, loc)), ("words", &words)],
                ),
                date: super::days::iso_date(day.date),
                detail: (words != plain(class, loc)).then_some(words),
                url,
            }
        })
        .collect()
}

/// The words the script writes for a day of `class` that carries none of its own.
fn plain(class: &str, loc: &Locale) -> String {
    match class {
        "ok" => plain_ok(loc),
        "nd" => plain_nd(loc),
        // Every other class always says more than a plain word: carry its words.
        _ => String::new(),
    }
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
pub fn latency_chart(site: &Site, comp: &Component, loc: &Locale) -> Option<LatencyChart> {
    let days = &comp.health.figures.days;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::component::DayFigures;
    use crate::health::uptime::{Minutes, Percent};

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
        let en = Locale::english();
        assert_eq!(plain("ok", &en), "100% uptime");
        assert_eq!(plain("nd", &en), "no data");
        for c in ["d1", "d2", "d3", "mt"] {
            assert_eq!(plain(c, &en), "", "{c} always says more");
        }
        // The plain words are what a full day's words would be.
        let full = en.f("bars.uptime", &[("uptime", &en.percent(10_000))]);
        assert_eq!(plain_ok(&en), full);
        let de = Locale::new("de", None, &Default::default()).unwrap();
        assert_eq!(plain_ok(&de), "100\u{a0}%");
        assert_eq!(plain_nd(&de), "keine Daten");
    }

    #[test]
    fn minute_words_in_a_fixed_order_without_zeros() {
        let en = Locale::english();
        let m = Minutes {
            down: 388,
            partial: 0,
            degraded: 5,
            maintenance: 120,
            observed: 1440,
        };
        assert_eq!(
            minute_words(&m, &en),
            ["6 h 28 min down", "5 min degraded", "2 h 0 min maintenance"]
        );
        assert!(minute_words(&Minutes::default(), &en).is_empty());
        let p = Minutes {
            partial: 119,
            ..Minutes::default()
        };
        assert_eq!(minute_words(&p, &en), ["119 min partial outage"]);
    }
}
