//! `api/v2/…`: a Statuspage-compatible API, so existing widgets, exporters and bots
//! that read Atlassian Statuspage can read a Lantern site unchanged.
//!
//! Field names, order and value sets follow Statuspage (see `reference/formats.md`).
//! Ids are derived from what identifies a thing in Lantern (component id, post slug,
//! update time and status), so they stay the same from build to build.

mod components;
mod incidents;

use crate::render::Files;
use crate::site::Site;
use chrono::{DateTime, Utc};
use components::Component;
use incidents::Incident;
use serde::Serialize;

/// Incidents (and maintenances) per list endpoint: Statuspage's "most recent 50".
const LIST_LIMIT: usize = 50;

/// `page`, present in every payload.
#[derive(Debug, Serialize)]
struct Page<'a> {
    id: &'a str,
    name: &'a str,
    url: &'a str,
    time_zone: &'a str,
    updated_at: String,
}

/// The page-level indicator and its sentence.
#[derive(Debug, Serialize)]
struct Status {
    indicator: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    page: &'a Page<'a>,
    components: &'a [Component<'a>],
    incidents: &'a [Incident<'a>],
    scheduled_maintenances: &'a [Incident<'a>],
    status: &'a Status,
}

#[derive(Serialize)]
struct StatusDoc<'a> {
    page: &'a Page<'a>,
    status: &'a Status,
}

#[derive(Serialize)]
struct ComponentsDoc<'a> {
    page: &'a Page<'a>,
    components: &'a [Component<'a>],
}

#[derive(Serialize)]
struct IncidentsDoc<'a> {
    page: &'a Page<'a>,
    incidents: &'a [Incident<'a>],
}

#[derive(Serialize)]
struct MaintenancesDoc<'a> {
    page: &'a Page<'a>,
    scheduled_maintenances: &'a [Incident<'a>],
}

/// Write every `api/v2/` file.
pub fn render(site: &Site, files: &mut Files) {
    let c = &site.config;
    let page_id = stable_id("page", c.base_url.as_str());
    // Clients build `url + "/api/v2/…"`; real pages carry no trailing slash.
    let page = Page {
        id: &page_id,
        name: &c.title,
        url: c.base_url.as_str().trim_end_matches('/'),
        time_zone: c.timezone.name(),
        // The moment every status in this snapshot was evaluated (SOURCE_DATE_EPOCH when set).
        updated_at: api_time(site.now),
    };
    let status = Status {
        indicator: site.overall.indicator.as_str(),
        description: site.overall.description,
    };
    let ctx = Ctx {
        site,
        page_id: &page_id,
        components: components::all(site, &page_id),
    };

    // Newest first. Every unresolved incident is listed even beyond the limit: clients
    // read incidents.json to find what is still going on.
    let incident_idx: Vec<usize> = site
        .history
        .iter()
        .copied()
        .filter(|&i| site.posts[i].incident().is_some())
        .collect();
    let recent: Vec<usize> = incident_idx
        .iter()
        .enumerate()
        .filter(|&(n, i)| n < LIST_LIMIT || site.open_incidents.contains(i))
        .map(|(_, &i)| i)
        .collect();
    // Over: resolved at or before now (an incident that has not started yet is neither).
    let resolved: Vec<usize> = incident_idx
        .iter()
        .copied()
        .filter(|&i| {
            let inc = site.posts[i].incident();
            inc.is_some_and(|inc| inc.resolved.is_some_and(|r| r <= site.now))
        })
        .take(LIST_LIMIT)
        .collect();
    let maintenance: Vec<usize> = site
        .history
        .iter()
        .copied()
        .filter(|&i| site.posts[i].maintenance().is_some())
        .take(LIST_LIMIT)
        .collect();

    let unresolved = ctx.incidents(&site.open_incidents);
    // Summary lists maintenance that is running or still to come, running first.
    let current: Vec<usize> = site
        .active_maintenance
        .iter()
        .chain(&site.upcoming_maintenance)
        .copied()
        .collect();
    let current = ctx.incidents(&current);

    let mut put = |path: &str, bytes: Vec<u8>| {
        files.insert(format!("api/v2/{path}"), bytes);
    };
    put(
        "summary.json",
        json(&Summary {
            page: &page,
            components: &ctx.components,
            incidents: &unresolved,
            scheduled_maintenances: &current,
            status: &status,
        }),
    );
    put(
        "status.json",
        json(&StatusDoc {
            page: &page,
            status: &status,
        }),
    );
    put(
        "components.json",
        json(&ComponentsDoc {
            page: &page,
            components: &ctx.components,
        }),
    );
    for (path, idx) in [
        ("incidents.json", &recent),
        ("incidents/unresolved.json", &site.open_incidents),
        ("incidents/resolved.json", &resolved),
    ] {
        let list = ctx.incidents(idx);
        put(
            path,
            json(&IncidentsDoc {
                page: &page,
                incidents: &list,
            }),
        );
    }
    for (path, idx) in [
        ("scheduled-maintenances.json", &maintenance),
        (
            "scheduled-maintenances/upcoming.json",
            &site.upcoming_maintenance,
        ),
        (
            "scheduled-maintenances/active.json",
            &site.active_maintenance,
        ),
    ] {
        let list = ctx.incidents(idx);
        put(
            path,
            json(&MaintenancesDoc {
                page: &page,
                scheduled_maintenances: &list,
            }),
        );
    }
}

/// What building incident objects needs.
struct Ctx<'a> {
    site: &'a Site,
    page_id: &'a str,
    components: Vec<Component<'a>>,
}

impl<'a> Ctx<'a> {
    /// Incident (or maintenance) objects for the posts at `idx`, in that order.
    fn incidents(&self, idx: &[usize]) -> Vec<Incident<'a>> {
        idx.iter()
            .filter_map(|&i| incidents::incident(self, i))
            .collect()
    }
}

/// A time as Statuspage writes it: UTC with milliseconds (`2026-11-20T06:52:00.000Z`).
/// Clients parse with a fixed `%S.%f` pattern, so the fraction is always there.
/// Only `api/v2/` uses this; feeds and calendars keep their own formats.
pub fn api_time(t: DateTime<Utc>) -> String {
    crate::time::iso_millis(t)
}

/// Pretty JSON with a final newline.
fn json<T: Serialize>(doc: &T) -> Vec<u8> {
    // Strings, numbers, booleans and nulls only: serialising cannot fail.
    let mut out = serde_json::to_vec_pretty(doc).expect("plain data serialises");
    out.push(b'\n');
    out
}

/// A Statuspage-looking id (12 lowercase hex digits) that never changes for the same
/// `kind` and `key`: the first 12 hex digits of FNV-1a 64 of `"<kind>:<key>"`.
pub fn stable_id(kind: &str, key: &str) -> String {
    let h = fnv1a64(format!("{kind}:{key}").as_bytes());
    format!("{h:016x}")[..12].to_string()
}

/// FNV-1a, 64 bit: tiny, fixed forever, and good enough to tell a few thousand keys apart.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_fnv1a_and_stable() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(stable_id("incident", "x"), stable_id("incident", "x"));
        assert_ne!(stable_id("incident", "x"), stable_id("maintenance", "x"));
        assert_eq!(stable_id("incident", "x").len(), 12);
    }

    #[test]
    fn api_times_always_carry_milliseconds() {
        let t = DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        assert_eq!(api_time(t), "2026-11-18T11:06:40.000Z");
        let t = DateTime::from_timestamp_millis(1_795_000_000_892).unwrap();
        assert_eq!(api_time(t), "2026-11-18T11:06:40.892Z");
    }
}
