//! `api/uptime/<id>.json` and `.csv`: daily figures for SLA reports.

use crate::health::uptime::Percent;
use crate::render::Files;
use crate::site::Site;
use crate::time::iso;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Serialize)]
struct Report<'a> {
    component: &'a str,
    name: &'a str,
    status: &'static str,
    last_result_at: Option<String>,
    generated_at: String,
    windows: BTreeMap<&'static str, Option<Percent>>,
    days: Vec<Day>,
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

/// Write the JSON and CSV report of every component.
pub fn render(site: &Site, files: &mut Files) {
    for comp in &site.components {
        let (c, h) = (&comp.config, &comp.health);
        let days: Vec<Day> = site
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
        let mut csv = String::from(
            "date,uptime,down_minutes,partial_minutes,degraded_minutes,maintenance_minutes,observed_minutes,latency_p50_ms,latency_p95_ms\n",
        );
        for d in &days {
            let opt = |v: Option<u32>| v.map_or(String::new(), |v| v.to_string());
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
        let report = Report {
            component: &c.id,
            name: &c.name,
            status: comp.status.as_str(),
            last_result_at: h.last_result_at.map(iso),
            generated_at: iso(site.now),
            windows: h
                .figures
                .windows
                .iter()
                .map(|(w, m)| (w.name(), m.uptime()))
                .collect(),
            days,
        };
        let json = serde_json::to_vec_pretty(&report).expect("plain data serialises");
        files.insert(format!("api/uptime/{}.json", c.id), json);
        files.insert(format!("api/uptime/{}.csv", c.id), csv.into_bytes());
    }
}
