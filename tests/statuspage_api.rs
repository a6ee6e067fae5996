//! `api/v2/…`: the Statuspage-compatible API, read the way real clients read it.
//!
//! The structs below mirror what existing consumers deserialise (reference/formats.md):
//! Atlassian's widget (status), statuspage-exporter (page, components, status) and a
//! Go bot with full incident structs. Fields those clients require are not `Option`.

mod common;

use common::{EPOCH, Site, read_text, repo, run_at};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Page {
    id: String,
    name: String,
    url: String,
    time_zone: String,
    updated_at: String,
}

#[derive(Debug, Deserialize)]
struct Status {
    indicator: String,
    description: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Component {
    id: String,
    name: String,
    status: String,
    created_at: String,
    updated_at: String,
    position: u32,
    description: Option<String>,
    showcase: bool,
    start_date: Option<String>,
    group_id: Option<String>,
    page_id: String,
    group: bool,
    only_show_if_degraded: bool,
    #[serde(default)]
    components: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct IncidentUpdate {
    id: String,
    status: String,
    body: String,
    incident_id: String,
    created_at: String,
    updated_at: String,
    display_at: String,
    affected_components: Option<Vec<AffectedComponent>>,
    deliver_notifications: bool,
    custom_tweet: Option<String>,
    tweet_id: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AffectedComponent {
    code: String,
    name: String,
    old_status: String,
    new_status: String,
}

#[derive(Debug, Deserialize)]
struct Incident {
    id: String,
    name: String,
    status: String,
    impact: String,
    shortlink: String,
    created_at: String,
    updated_at: String,
    monitoring_at: Option<String>,
    resolved_at: Option<String>,
    started_at: Option<String>,
    page_id: String,
    incident_updates: Vec<IncidentUpdate>,
    components: Vec<Component>,
}

#[derive(Debug, Deserialize)]
struct Maintenance {
    #[serde(flatten)]
    incident: Incident,
    scheduled_for: String,
    scheduled_until: String,
}

#[derive(Debug, Deserialize)]
struct Summary {
    page: Page,
    components: Vec<Component>,
    incidents: Vec<Incident>,
    scheduled_maintenances: Vec<Maintenance>,
    status: Status,
}

#[derive(Debug, Deserialize)]
struct StatusDoc {
    page: Page,
    status: Status,
}

#[derive(Debug, Deserialize)]
struct ComponentsDoc {
    page: Page,
    components: Vec<Component>,
}

#[derive(Debug, Deserialize)]
struct IncidentsDoc {
    page: Page,
    incidents: Vec<Incident>,
}

#[derive(Debug, Deserialize)]
struct MaintenancesDoc {
    page: Page,
    scheduled_maintenances: Vec<Maintenance>,
}

/// Deserialise `api/v2/<rel>` into `T`, naming the file on failure.
fn read<T: DeserializeOwned>(public: &Path, rel: &str) -> T {
    let text = read_text(&public.join("api/v2").join(rel));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("api/v2/{rel}: {e}"))
}

const INCIDENT_FILES: [&str; 3] = [
    "incidents.json",
    "incidents/unresolved.json",
    "incidents/resolved.json",
];
const MAINTENANCE_FILES: [&str; 3] = [
    "scheduled-maintenances.json",
    "scheduled-maintenances/upcoming.json",
    "scheduled-maintenances/active.json",
];

/// Lantern's own word for each component's status, from `api/uptime.json`.
fn lantern_statuses(public: &Path) -> BTreeMap<String, (String, String)> {
    let v: serde_json::Value =
        serde_json::from_str(&read_text(&public.join("api/uptime.json"))).unwrap();
    v["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["component"].as_str().unwrap().to_string(),
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["status"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

/// Titles of the example site's incidents with no `resolved:` time, drafts excluded.
fn example_open_incidents() -> BTreeSet<String> {
    let dir = repo().join("content/incidents");
    common::files(&dir)
        .into_iter()
        .map(|rel| read_text(&dir.join(rel)))
        .filter(|t| {
            !t.lines()
                .any(|l| l.starts_with("resolved:") || l.starts_with("draft: true"))
        })
        .map(|t| common::front_matter_value(&t, "title"))
        .collect()
}

#[test]
fn summary_matches_the_site() {
    let site = Site::example();
    site.build(&[]).assert_ok();
    let public = site.public();
    let s: Summary = read(&public, "summary.json");
    assert_eq!(s.page.name, "Chatterbox Status");
    // No trailing slash: clients append "/api/v2/…" themselves.
    assert_eq!(s.page.url, "https://status.chatterbox.example");
    assert_eq!(s.page.time_zone, "Europe/Berlin");

    // Same components, same statuses; `unknown` has no Statuspage word.
    let lantern = lantern_statuses(&public);
    let leaves: Vec<&Component> = s.components.iter().filter(|c| !c.group).collect();
    assert_eq!(leaves.len(), lantern.len());
    let mut saw_unknown = false;
    for (name, status) in lantern.values() {
        let c = leaves
            .iter()
            .find(|c| &c.name == name)
            .unwrap_or_else(|| panic!("component {name} missing"));
        saw_unknown |= status == "unknown";
        let expected = if status == "unknown" {
            "degraded_performance"
        } else {
            status
        };
        assert_eq!(c.status, expected, "{name}");
    }
    assert!(
        saw_unknown,
        "the example's stale data should exercise the mapping"
    );

    // Groups as Statuspage shapes them.
    let groups: Vec<&Component> = s.components.iter().filter(|c| c.group).collect();
    assert_eq!(
        groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["Frontend", "Core"]
    );
    for g in &groups {
        let children = g.components.as_ref().expect("a group lists its children");
        assert!(!children.is_empty());
        for id in children {
            let child = leaves.iter().find(|c| &c.id == id).expect("child exists");
            assert_eq!(child.group_id.as_deref(), Some(g.id.as_str()));
        }
    }
    let positions: Vec<u32> = s.components.iter().map(|c| c.position).collect();
    assert_eq!(
        positions,
        (1..=s.components.len() as u32).collect::<Vec<_>>()
    );

    // Exactly the ongoing incidents.
    let open: BTreeSet<String> = s.incidents.iter().map(|i| i.name.clone()).collect();
    assert_eq!(open, example_open_incidents());
    let unresolved: IncidentsDoc = read(&public, "incidents/unresolved.json");
    let names: BTreeSet<String> = unresolved
        .incidents
        .iter()
        .map(|i| i.name.clone())
        .collect();
    assert_eq!(names, open);
    for i in &unresolved.incidents {
        assert!(
            ["investigating", "identified", "monitoring"].contains(&i.status.as_str()),
            "{}",
            i.status
        );
        assert!(i.resolved_at.is_none());
    }

    // The indicator follows the worst component, as design.md defines it.
    let rank = |s: &str| match s {
        "operational" => 0,
        "under_maintenance" => 1,
        "degraded_performance" => 2,
        "unknown" => 3,
        "partial_outage" => 4,
        _ => 5,
    };
    let worst = lantern
        .values()
        .map(|(_, s)| s.as_str())
        .max_by_key(|s| rank(s))
        .unwrap();
    let indicator = match worst {
        "operational" => "none",
        "under_maintenance" => "maintenance",
        "degraded_performance" | "unknown" => "minor",
        "partial_outage" => "major",
        _ => "critical",
    };
    assert_eq!(s.status.indicator, indicator);
    let status: StatusDoc = read(&public, "status.json");
    assert_eq!(status.status.indicator, s.status.indicator);
    assert_eq!(status.status.description, s.status.description);
    assert_eq!(status.page.id, s.page.id);
}

/// Every string under a key that names a time parses as RFC 3339 with an offset.
fn assert_times(v: &serde_json::Value, file: &str, n: &mut usize) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, x) in map {
                let is_time = k.ends_with("_at") || k == "scheduled_for" || k == "scheduled_until";
                if let (true, Some(s)) = (is_time, x.as_str()) {
                    assert!(s.contains('T'), "{file}: {k} = {s}");
                    chrono::DateTime::parse_from_rfc3339(s)
                        .unwrap_or_else(|e| panic!("{file}: {k} = {s}: {e}"));
                    *n += 1;
                }
                assert_times(x, file, n);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| assert_times(x, file, n)),
        _ => {}
    }
}

#[test]
fn every_endpoint_reads_as_clients_expect() {
    let site = Site::example();
    site.build(&[]).assert_ok();
    let public = site.public();
    let mut times = 0;
    for rel in common::files(&public.join("api/v2")) {
        let v: serde_json::Value =
            serde_json::from_str(&read_text(&public.join("api/v2").join(&rel))).unwrap();
        assert_times(&v, &rel, &mut times);
    }
    assert!(times > 50, "only {times} timestamps checked");

    let comps: ComponentsDoc = read(&public, "components.json");
    let page_id = comps.page.id.clone();
    assert!(comps.components.iter().all(|c| c.page_id == page_id));
    let statuses = [
        "operational",
        "degraded_performance",
        "partial_outage",
        "major_outage",
        "under_maintenance",
    ];
    assert!(
        comps
            .components
            .iter()
            .all(|c| statuses.contains(&c.status.as_str()))
    );

    let all: IncidentsDoc = read(&public, "incidents.json");
    assert!(!all.incidents.is_empty() && all.incidents.len() <= 50);
    let unresolved: IncidentsDoc = read(&public, "incidents/unresolved.json");
    let resolved: IncidentsDoc = read(&public, "incidents/resolved.json");
    let ids = |d: &IncidentsDoc| {
        d.incidents
            .iter()
            .map(|i| i.id.clone())
            .collect::<BTreeSet<_>>()
    };
    assert!(ids(&unresolved).is_subset(&ids(&all)));
    assert!(ids(&unresolved).is_disjoint(&ids(&resolved)));
    for i in &resolved.incidents {
        assert!(
            ["resolved", "postmortem"].contains(&i.status.as_str()),
            "{}",
            i.name
        );
        assert!(i.resolved_at.is_some(), "{}", i.name);
    }
    for i in &all.incidents {
        assert!(["none", "minor", "major", "critical"].contains(&i.impact.as_str()));
        assert_eq!(i.page_id, page_id);
        assert!(
            i.shortlink
                .starts_with("https://status.chatterbox.example/incidents/")
        );
        assert!(!i.incident_updates.is_empty());
        assert_eq!(
            i.status, i.incident_updates[0].status,
            "latest update's status"
        );
        for u in &i.incident_updates {
            assert_eq!(u.incident_id, i.id);
            assert!(u.deliver_notifications);
            assert!(u.custom_tweet.is_none() && u.tweet_id.is_none());
            assert_eq!(u.created_at, u.display_at);
        }
        let monitoring = i
            .incident_updates
            .iter()
            .filter(|u| u.status == "monitoring");
        assert_eq!(
            i.monitoring_at.as_deref(),
            monitoring.map(|u| u.created_at.as_str()).min(),
            "{}",
            i.name
        );
    }
    let upcoming: MaintenancesDoc = read(&public, "scheduled-maintenances/upcoming.json");
    assert_eq!(upcoming.scheduled_maintenances.len(), 1);
    let m = &upcoming.scheduled_maintenances[0];
    assert_eq!(m.incident.status, "scheduled");
    assert_eq!(m.scheduled_for, "2026-12-06T05:00:00.000Z");
    assert_eq!(m.scheduled_until, "2026-12-06T06:30:00.000Z");
    assert_eq!(m.incident.started_at, None, "not started yet");
    let active: MaintenancesDoc = read(&public, "scheduled-maintenances/active.json");
    assert!(active.scheduled_maintenances.is_empty());
    let every: MaintenancesDoc = read(&public, "scheduled-maintenances.json");
    assert_eq!(every.scheduled_maintenances.len(), 2);
    // Every file deserialises into the client structs, all about the same page.
    for rel in INCIDENT_FILES {
        let d: IncidentsDoc = read(&public, rel);
        assert_eq!(d.page.id, page_id, "{rel}");
    }
    for rel in MAINTENANCE_FILES {
        let d: MaintenancesDoc = read(&public, rel);
        assert_eq!(d.page.id, page_id, "{rel}");
    }
    let s: Summary = read(&public, "summary.json");
    assert_eq!(s.page.id, page_id);
}

#[test]
fn maintenance_window_reads_as_active() {
    let site = Site::example();
    // 2026-12-06T05:30:00Z: inside the database upgrade.
    let args = [
        OsStr::new("build"),
        OsStr::new("--root"),
        site.root.as_os_str(),
    ];
    run_at(site.tmp(), 1_796_535_000, args).assert_ok();
    let public = site.public();
    let active: MaintenancesDoc = read(&public, "scheduled-maintenances/active.json");
    assert_eq!(active.scheduled_maintenances.len(), 1);
    let m = &active.scheduled_maintenances[0].incident;
    assert_eq!(m.status, "in_progress");
    assert_eq!(m.impact, "maintenance");
    // No "in progress" update was posted: it started when the window opened.
    assert_eq!(m.started_at.as_deref(), Some("2026-12-06T05:00:00.000Z"));
    assert!(
        m.components
            .iter()
            .any(|c| c.name == "Database" && c.status == "under_maintenance")
    );
    let s: Summary = read(&public, "summary.json");
    assert_eq!(s.scheduled_maintenances.len(), 1);
    let upcoming: MaintenancesDoc = read(&public, "scheduled-maintenances/upcoming.json");
    assert!(upcoming.scheduled_maintenances.is_empty());
}

#[test]
fn ids_are_stable_across_builds() {
    let site = Site::example();
    let collect = |public: &Path| {
        let s: Summary = read(public, "summary.json");
        let all: IncidentsDoc = read(public, "incidents.json");
        let m: MaintenancesDoc = read(public, "scheduled-maintenances.json");
        let mut ids: Vec<String> = vec![s.page.id];
        ids.extend(s.components.iter().map(|c| c.id.clone()));
        for i in all
            .incidents
            .iter()
            .chain(m.scheduled_maintenances.iter().map(|m| &m.incident))
        {
            ids.push(i.id.clone());
            ids.extend(i.incident_updates.iter().map(|u| u.id.clone()));
        }
        ids
    };
    let args = [
        OsStr::new("build"),
        OsStr::new("--root"),
        site.root.as_os_str(),
    ];
    run_at(site.tmp(), EPOCH, args).assert_ok();
    let first = collect(&site.public());
    let unique: BTreeSet<_> = first.iter().collect();
    assert_eq!(unique.len(), first.len(), "ids must be distinct");
    // Two days later statuses change, ids do not.
    run_at(site.tmp(), EPOCH + 2 * 86_400, args).assert_ok();
    assert_eq!(collect(&site.public()), first);
}

#[test]
fn sub_path_base_url_reaches_the_api() {
    let site = Site::example();
    let base = "https://example.org/status/";
    site.build(&["--base-url", base]).assert_ok();
    let public = site.public();
    let s: Summary = read(&public, "summary.json");
    assert_eq!(s.page.url, base.trim_end_matches('/'));
    let all: IncidentsDoc = read(&public, "incidents.json");
    let every: MaintenancesDoc = read(&public, "scheduled-maintenances.json");
    let links = all
        .incidents
        .iter()
        .chain(every.scheduled_maintenances.iter().map(|m| &m.incident))
        .map(|i| i.shortlink.as_str());
    for l in links {
        assert!(l.starts_with(base), "{l}");
    }
}

#[test]
fn fields_come_from_the_posts() {
    let site = Site::fixture("tiny");
    site.build(&[]).assert_ok();
    let s: Summary = read(&site.public(), "summary.json");
    assert!(!s.page.updated_at.is_empty());
    assert_eq!(s.status.indicator, "none");
    assert_eq!(s.status.description, "All Systems Operational");
    assert!(s.incidents.is_empty());
    for c in &s.components {
        assert!(!c.created_at.is_empty() && !c.updated_at.is_empty());
        assert!(c.start_date.is_none());
        assert!(!c.only_show_if_degraded);
        assert_eq!(c.showcase, !c.group);
        assert!(
            c.description.is_none(),
            "the tiny site describes no component"
        );
    }
    let all: IncidentsDoc = read(&site.public(), "incidents.json");
    let i = &all.incidents[0];
    assert_eq!(i.started_at.as_deref(), Some("2026-11-01T10:00:00.000Z"));
    assert_eq!(i.created_at, "2026-11-01T10:00:00.000Z");
    assert_eq!(i.updated_at, "2026-11-01T11:00:00.000Z");
    assert_eq!(i.resolved_at.as_deref(), Some("2026-11-01T11:00:00.000Z"));
    assert_eq!(i.incident_updates[0].body, "Pages load normally again.");
    assert_eq!(i.incident_updates[0].updated_at, "2026-11-01T11:00:00.000Z");
    assert!(!i.incident_updates[0].id.is_empty());
}

/// Every string under a time key, with the file and key, from every `api/v2/` file.
fn api_times(public: &Path) -> Vec<(String, String, String)> {
    fn walk(v: &serde_json::Value, file: &str, out: &mut Vec<(String, String, String)>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, x) in map {
                    let is_time =
                        k.ends_with("_at") || k == "scheduled_for" || k == "scheduled_until";
                    if let (true, Some(s)) = (is_time, x.as_str()) {
                        out.push((file.to_string(), k.clone(), s.to_string()));
                    }
                    walk(x, file, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, file, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for rel in common::files(&public.join("api/v2")) {
        let v: serde_json::Value =
            serde_json::from_str(&read_text(&public.join("api/v2").join(&rel))).unwrap();
        walk(&v, &rel, &mut out);
    }
    out
}

/// What Python's `datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%f%z")` accepts: a dot and
/// 1–6 digits after the seconds, then `Z` or a numeric offset.
fn strptime_accepts(s: &str) -> bool {
    let Some((head, rest)) = s.split_once('.') else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let zone = &rest[digits..];
    let zone_ok = zone == "Z"
        || (zone.len() == 5 || zone.len() == 6) && (zone.starts_with('+') || zone.starts_with('-'));
    (1..=6).contains(&digits)
        && zone_ok
        && chrono::NaiveDateTime::parse_from_str(head, "%Y-%m-%dT%H:%M:%S").is_ok()
}

#[test]
fn timestamps_parse_with_a_fixed_fraction_pattern() {
    assert!(strptime_accepts("2022-11-25T15:50:05.892Z"));
    assert!(
        !strptime_accepts("2022-11-25T15:50:05Z"),
        "the fraction is required"
    );
    let site = Site::example();
    site.build(&[]).assert_ok();
    let public = site.public();
    let times = api_times(&public);
    assert!(times.len() > 50, "only {} timestamps", times.len());
    for (file, key, s) in &times {
        assert!(strptime_accepts(s), "{file}: {key} = {s}");
        assert!(s.ends_with(".000Z"), "{file}: {key} = {s}");
    }
    // The real thing, when Python is installed (CI has it; a missing one is no failure).
    let script = "import sys\nfrom datetime import datetime\nfor l in sys.stdin.read().split():\n    datetime.strptime(l, '%Y-%m-%dT%H:%M:%S.%f%z')\nprint('ok')\n";
    let child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    if let Ok(mut child) = child {
        use std::io::Write;
        let list: Vec<&str> = times.iter().map(|(_, _, s)| s.as_str()).collect();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(list.join("\n").as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "python strptime: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // Only the Statuspage API changes format: feeds keep theirs.
    assert!(!read_text(&public.join("feed.atom")).contains(".000Z"));
    assert!(!read_text(&public.join("feed.json")).contains(".000Z"));
}

#[test]
fn updates_carry_tweet_keys_and_component_changes() {
    let site = Site::example();
    site.build(&[]).assert_ok();
    let public = site.public();
    // The keys are there (as null), not just absent.
    let raw: serde_json::Value =
        serde_json::from_str(&read_text(&public.join("api/v2/incidents.json"))).unwrap();
    let mut n = 0;
    for i in raw["incidents"].as_array().unwrap() {
        for u in i["incident_updates"].as_array().unwrap() {
            let u = u.as_object().unwrap();
            assert!(u.get("custom_tweet").is_some_and(|v| v.is_null()), "{u:?}");
            assert!(u.get("tweet_id").is_some_and(|v| v.is_null()), "{u:?}");
            n += 1;
        }
    }
    assert!(n > 5);

    let all: IncidentsDoc = read(&public, "incidents.json");
    let db = all
        .incidents
        .iter()
        .find(|i| i.name == "Rooms unavailable after a database failure")
        .expect("the database incident");
    let first = db.incident_updates.last().unwrap();
    assert_eq!(first.status, "investigating");
    let changed = first
        .affected_components
        .as_ref()
        .expect("first update lists components");
    let names: Vec<&str> = changed.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Database", "Chat rooms", "Login"], "{changed:?}");
    let comps: ComponentsDoc = read(&public, "components.json");
    for c in changed {
        assert_eq!(
            (c.old_status.as_str(), c.new_status.as_str()),
            ("operational", "major_outage")
        );
        let api = comps.components.iter().find(|x| x.name == c.name).unwrap();
        assert_eq!(c.code, api.id);
    }
    let resolving: Vec<&IncidentUpdate> = db
        .incident_updates
        .iter()
        .filter(|u| u.affected_components.is_some())
        .collect();
    assert_eq!(resolving.len(), 2, "first and resolving update only");
    assert_eq!(resolving[0].status, "resolved");
    let back = resolving[0].affected_components.as_ref().unwrap();
    assert!(
        back.iter()
            .all(|c| c.old_status == "major_outage" && c.new_status == "operational")
    );
    // The postmortem came later and changed nothing.
    assert!(db.incident_updates[0].affected_components.is_none());
}

#[test]
fn backup_window_at_0630_is_in_progress() {
    let site = Site::example();
    // 2026-11-08T06:30:00Z: inside the backup move (06:00–07:00); its `completed`
    // update is dated 06:52, still to come.
    const AT: i64 = 1_794_119_400;
    let root = site.root.as_os_str();
    run_at(
        site.tmp(),
        AT,
        [OsStr::new("build"), OsStr::new("--root"), root],
    )
    .assert_ok();
    let public = site.public();
    let active: MaintenancesDoc = read(&public, "scheduled-maintenances/active.json");
    let names: Vec<&str> = active
        .scheduled_maintenances
        .iter()
        .map(|m| m.incident.name.as_str())
        .collect();
    assert_eq!(names, ["Moving upload backups to new storage"]);
    let m = &active.scheduled_maintenances[0].incident;
    assert_eq!(m.status, "in_progress");
    assert_eq!(m.started_at.as_deref(), Some("2026-11-08T06:00:00.000Z"));
    assert_eq!(m.resolved_at, None);
    let statuses: Vec<&str> = m
        .incident_updates
        .iter()
        .map(|u| u.status.as_str())
        .collect();
    assert_eq!(
        statuses,
        ["in_progress", "scheduled"],
        "the 06:52 update is not out yet"
    );
    let start = m.incident_updates[0].affected_components.as_ref().unwrap();
    assert_eq!(start[0].new_status, "under_maintenance");
    let comps: ComponentsDoc = read(&public, "components.json");
    let uploads = comps
        .components
        .iter()
        .find(|c| c.name == "File uploads")
        .unwrap();
    assert_eq!(uploads.status, "under_maintenance");
    let page = read_text(&public.join("maintenance/2026-11-08-backup-storage/index.html"));
    assert!(
        !page.contains("The move is complete"),
        "future text published"
    );
    for f in ["feed.atom", "feed.rss", "feed.json"] {
        assert!(
            !read_text(&public.join(f)).contains("The move is complete"),
            "{f}"
        );
    }

    // `check` warns about the update that is still to come, naming file and line.
    let check = run_at(
        site.tmp(),
        AT,
        [OsStr::new("check"), OsStr::new("--root"), root],
    );
    check.assert_ok();
    let all = format!("{}{}", check.stdout, check.stderr);
    assert!(
        all.contains("2026-11-08-backup-storage.md:7") && all.contains("after the build time"),
        "{all}"
    );

    // A preview shows it, marked as scheduled, and it still does not count.
    let out = site.tmp().join("preview");
    run_at(
        site.tmp(),
        AT,
        [
            OsStr::new("build"),
            OsStr::new("--root"),
            root,
            OsStr::new("--drafts"),
            OsStr::new("--out"),
            out.as_os_str(),
        ],
    )
    .assert_ok();
    let page = read_text(&out.join("maintenance/2026-11-08-backup-storage/index.html"));
    assert!(page.contains("The move is complete"));
    assert!(page.contains("Scheduled, not yet published"));
    let active: MaintenancesDoc = read(&out, "scheduled-maintenances/active.json");
    assert_eq!(
        active.scheduled_maintenances[0].incident.status,
        "in_progress"
    );
}
