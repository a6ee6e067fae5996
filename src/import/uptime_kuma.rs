//! Uptime Kuma: the status page's heartbeat JSON into feed results.
//!
//! `GET /api/status-page/heartbeat/<slug>` gives `{heartbeatList: {"<id>": [beats]}}`;
//! `GET /api/status-page/<slug>` (`--names`) gives the monitors' names. A beat's
//! status is 0 down, 1 up, 2 pending (counted as down, as Kuma's own uptime does),
//! 3 maintenance (skipped: neither downtime nor evidence of uptime). `time` is
//! UTC without a zone marker; `ping` is milliseconds.

use super::detect::Kind;
use super::input::{self, InputError};
use super::{FeedResult, Imported};
use crate::health::record::State;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Why an Uptime Kuma document could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum KumaError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// A beat's `time` could not be read.
    #[error("{}: monitor {monitor} beat {index}: `time` {value:?} is not `YYYY-MM-DD HH:mm:ss.SSS` (UTC)", path.display())]
    Time {
        path: PathBuf,
        monitor: String,
        index: usize,
        value: String,
    },
    /// A beat's `status` is not one Kuma writes.
    #[error("{}: monitor {monitor} beat {index}: `status` {value} is not 0 (down), 1 (up), 2 (pending) or 3 (maintenance)", path.display())]
    Status {
        path: PathBuf,
        monitor: String,
        index: usize,
        value: String,
    },
}

#[derive(Deserialize)]
struct Heartbeats {
    #[serde(rename = "heartbeatList")]
    heartbeat_list: BTreeMap<String, Option<Vec<Value>>>,
}

#[derive(Deserialize)]
struct Beat {
    status: Value,
    time: String,
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    ping: Option<f64>,
}

#[derive(Deserialize)]
struct StatusPage {
    #[serde(rename = "publicGroupList")]
    public_group_list: Vec<Group>,
}

#[derive(Deserialize)]
struct Group {
    #[serde(rename = "monitorList", default)]
    monitor_list: Vec<Monitor>,
}

#[derive(Deserialize)]
struct Monitor {
    id: Value,
    #[serde(default)]
    name: Option<String>,
}

/// Monitor id → name, from the status-page JSON.
fn read_names(path: &Path) -> Result<BTreeMap<String, String>, KumaError> {
    let doc = input::read_json(path)?;
    input::expect_kind(path, &doc, Kind::KumaStatusPage)?;
    let page: StatusPage = input::part(path, Kind::KumaStatusPage, || "the document".into(), &doc)?;
    let mut names = BTreeMap::new();
    for m in page
        .public_group_list
        .into_iter()
        .flat_map(|g| g.monitor_list)
    {
        let id = match m.id {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s,
            _ => continue,
        };
        if let Some(name) = m.name {
            names.insert(id, name);
        }
    }
    Ok(names)
}

/// Check ids per monitor: slugified names, `-<id>` added where two names collide,
/// `kuma-<id>` where there is no usable name.
fn check_ids(ids: &[&String], names: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let slug_of = |id: &String| {
        names
            .get(id)
            .map(|n| super::check_id(n))
            .filter(|s| !s.is_empty())
    };
    let mut count: HashMap<String, usize> = HashMap::new();
    for id in ids {
        if let Some(s) = slug_of(id) {
            *count.entry(s).or_default() += 1;
        }
    }
    ids.iter()
        .map(|id| {
            let check = match slug_of(id) {
                Some(s) if count.get(&s) == Some(&1) => s,
                Some(s) => format!("{s}-{id}"),
                None => format!("kuma-{}", super::check_id(id)),
            };
            ((*id).clone(), check)
        })
        .collect()
}

/// Kuma writes `2026-11-20 10:00:07.412` in UTC; an RFC 3339 time is accepted too.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
        .map(|n| n.and_utc())
        .or_else(|_| DateTime::parse_from_rfc3339(s).map(|t| t.to_utc()))
        .ok()?;
    super::plausible(t)
}

/// Read a heartbeat document, with monitor names from `names` when given.
pub fn import(path: &Path, names: Option<&Path>) -> Result<Imported, KumaError> {
    let doc = input::read_json(path)?;
    input::expect_kind(path, &doc, Kind::KumaHeartbeat)?;
    let beats: Heartbeats = input::part(path, Kind::KumaHeartbeat, || "the document".into(), &doc)?;
    let names = match names {
        Some(n) => read_names(n)?,
        None => BTreeMap::new(),
    };
    // Numeric ids in numeric order, so the summary reads naturally.
    let mut ids: Vec<&String> = beats.heartbeat_list.keys().collect();
    ids.sort_by_key(|id| (id.parse::<u64>().unwrap_or(u64::MAX), id.as_str()));
    let checks = check_ids(&ids, &names);
    let mut out = Imported::default();
    let (mut pending, mut maintenance) = (0usize, 0usize);
    for id in ids {
        let check = checks
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("kuma-{id}"));
        if !names.is_empty() && !names.contains_key(id) {
            out.notes.push(format!(
                "monitor {id} is not in the --names file; its check id is `{check}`"
            ));
        }
        let list = beats
            .heartbeat_list
            .get(id)
            .cloned()
            .flatten()
            .unwrap_or_default();
        for (j, raw) in list.iter().enumerate() {
            let beat: Beat = input::part(
                path,
                Kind::KumaHeartbeat,
                || format!("monitor {id} beat {j}"),
                raw,
            )?;
            let code = match &beat.status {
                Value::Number(n) => n.as_u64(),
                Value::Bool(b) => Some(u64::from(*b)),
                _ => None,
            };
            let (state, msg) = match code {
                Some(0) => (State::Down, beat.msg),
                Some(1) => (State::Up, beat.msg),
                Some(2) => {
                    pending += 1;
                    let m = beat.msg.filter(|m| !m.trim().is_empty());
                    (
                        State::Down,
                        Some(m.map_or("pending".into(), |m| format!("pending: {m}"))),
                    )
                }
                Some(3) => {
                    maintenance += 1;
                    continue;
                }
                _ => {
                    return Err(KumaError::Status {
                        path: path.to_path_buf(),
                        monitor: id.clone(),
                        index: j,
                        value: beat.status.to_string(),
                    });
                }
            };
            let at = parse_time(&beat.time).ok_or_else(|| KumaError::Time {
                path: path.to_path_buf(),
                monitor: id.clone(),
                index: j,
                value: beat.time.clone(),
            })?;
            out.results.push(FeedResult {
                check: check.clone(),
                at,
                state,
                latency_ms: beat.ping.and_then(super::latency),
                message: msg,
            });
        }
    }
    if names.is_empty() && !checks.is_empty() {
        out.notes.push(
            "no --names file: check ids are `kuma-<monitor id>`; pass the status-page JSON with --names to use monitor names".into(),
        );
    }
    for (id, check) in &checks {
        out.notes.push(format!("monitor {id} → check `{check}`"));
    }
    if pending > 0 {
        out.notes.push(format!(
            "{pending} pending beats counted as down (as Uptime Kuma does)"
        ));
    }
    if maintenance > 0 {
        out.notes.push(format!(
            "{maintenance} maintenance beats skipped: they are neither downtime nor uptime (post a Lantern maintenance window to show them)"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_without_zone_are_utc() {
        let t = parse_time("2026-11-20 10:00:07.412").unwrap();
        assert_eq!(t.timestamp_millis() % 1000, 412);
        assert_eq!(crate::time::iso(t), "2026-11-20T10:00:07Z");
        assert!(parse_time("20/11/2026").is_none());
    }

    #[test]
    fn colliding_names_get_their_id() {
        let names: BTreeMap<String, String> =
            [("1", "Web"), ("2", "web"), ("3", "API"), ("4", "!!")]
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
        let ids: Vec<String> = ["1", "2", "3", "4", "5"].map(String::from).to_vec();
        let refs: Vec<&String> = ids.iter().collect();
        let got = check_ids(&refs, &names);
        assert_eq!(got["1"], "web-1");
        assert_eq!(got["2"], "web-2");
        assert_eq!(got["3"], "api");
        assert_eq!(got["4"], "kuma-4");
        assert_eq!(got["5"], "kuma-5");
    }
}
