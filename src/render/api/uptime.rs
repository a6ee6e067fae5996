//! `api/uptime.json` (the present, every component) and `api/uptime/<id>.json|.csv`
//! (each component's complete days, for SLA reports).
//!
//! The split is what keeps a cron minute small: everything that moves with time (the
//! statuses, the rolling windows, today's partial figures, the last result) lives in
//! one file, so the per-component files change once a day, when a day completes,
//! instead of every minute for every component.

use crate::health::uptime::Percent;
use crate::render::Files;
use crate::site::Site;
use crate::time::iso;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// `api/uptime.json`: what every component looks like now.
#[derive(Serialize)]
struct Present<'a> {
    generated_at: String,
    components: Vec<Live<'a>>,
}

#[derive(Serialize)]
struct Live<'a> {
    component: &'a str,
    name: &'a str,
    status: &'static str,
    last_result_at: Option<String>,
    windows: BTreeMap<&'static str, Option<Percent>>,
    /// The site-timezone day in progress, up to the build's minute.
    today: Day,
}

/// `api/uptime/<id>.json`: the component's complete days, oldest first.
#[derive(Serialize)]
struct History<'a> {
    component: &'a str,
    name: &'a str,
    days: &'a [Day],
}

#[derive(Serialize)]
struct Day {
    date: String,
    uptime: Option<Percent>,
    down_minutes: f64,
    partial_minutes: f64,
    degraded_minutes: f64,
    maintenance_minutes: f64,
    observed_minutes: f64,
    latency_p50_ms: Option<u32>,
    latency_p95_ms: Option<u32>,
}

const CSV_HEADER: &str = "date,uptime,down_minutes,partial_minutes,degraded_minutes,maintenance_minutes,observed_minutes,latency_p50_ms,latency_p95_ms\n";

/// Write `api/uptime.json` and each component's history as JSON and CSV.
pub fn render(site: &Site, files: &mut Files) {
    let mut present = Present {
        generated_at: iso(site.now),
        components: Vec::with_capacity(site.components.len()),
    };
    for comp in &site.components {
        let (c, h) = (&comp.config, &comp.health);
        let mut days: Vec<Day> = site
            .health
            .grid
            .days
            .iter()
            .zip(&h.figures.days)
            .map(|(d, f)| Day {
                date: d.date.format("%Y-%m-%d").to_string(),
                uptime: f.uptime,
                down_minutes: f64::from(f.minutes.down),
                partial_minutes: f64::from(f.minutes.partial),
                degraded_minutes: f64::from(f.minutes.degraded),
                maintenance_minutes: f64::from(f.minutes.maintenance),
                observed_minutes: f64::from(f.minutes.observed),
                latency_p50_ms: f.latency_p50,
                latency_p95_ms: f.latency_p95,
            })
            .collect();
        // The grid's last day is always today (`Grid::days`), still in progress.
        let today = days.pop().expect("the grid has at least today");
        let json = serde_json::to_vec_pretty(&History {
            component: &c.id,
            name: &c.name,
            days: &days,
        })
        .expect("plain data serialises");
        files.insert(format!("api/uptime/{}.json", c.id), json);
        files.insert(format!("api/uptime/{}.csv", c.id), csv(&days).into_bytes());
        present.components.push(Live {
            component: &c.id,
            name: &c.name,
            status: comp.status.as_str(),
            last_result_at: h.last_result_at.map(iso),
            windows: h
                .figures
                .windows
                .iter()
                .map(|(w, m)| (w.name(), m.uptime()))
                .collect(),
            today,
        });
    }
    let json = serde_json::to_vec_pretty(&present).expect("plain data serialises");
    files.insert("api/uptime.json".to_string(), json);
}

fn csv(days: &[Day]) -> String {
    let mut csv = String::from(CSV_HEADER);
    let opt = |v: Option<u32>| v.map_or(String::new(), |v| v.to_string());
    for d in days {
        let _ = writeln!(
            csv,
            "{},{},{},{},{},{},{},{},{}",
            d.date,
            d.uptime.map_or(String::new(), Percent::text),
            d.down_minutes,
            d.partial_minutes,
            d.degraded_minutes,
            d.maintenance_minutes,
            d.observed_minutes,
            opt(d.latency_p50_ms),
            opt(d.latency_p95_ms)
        );
    }
    csv
}
