//! Recognising which monitor a JSON document came from, so that a document given
//! to the wrong importer gets a message naming the right one.

use serde_json::{Map, Value};

/// The kinds of JSON document the importers know (or know to refuse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Gatus `GET /api/v1/endpoints/statuses` (or one endpoint's `…/statuses`).
    GatusStatuses,
    /// Uptime Kuma `GET /api/status-page/heartbeat/<slug>`.
    KumaHeartbeat,
    /// Uptime Kuma `GET /api/status-page/<slug>`: monitor names for `--names`.
    KumaStatusPage,
    /// Upptime `history/summary.json`.
    UpptimeSummary,
    /// Prometheus `query_range` response (`resultType: matrix`).
    PrometheusMatrix,
    /// Prometheus instant query response (vector or scalar): one point per series.
    PrometheusInstant,
    /// Prometheus `{"status": "error", …}`.
    PrometheusError,
    /// Lantern's own health feed (a record with `check` and `at`).
    LanternFeed,
    /// A Statuspage-compatible API document (`page` and `components`/`status`).
    StatuspageApi,
}

impl Kind {
    /// What the document is, in words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::GatusStatuses => "Gatus endpoint statuses JSON",
            Kind::KumaHeartbeat => "Uptime Kuma heartbeat JSON",
            Kind::KumaStatusPage => "Uptime Kuma status-page JSON (monitor names, for `--names`)",
            Kind::UpptimeSummary => "Upptime history/summary.json",
            Kind::PrometheusMatrix => "a Prometheus query_range response",
            Kind::PrometheusInstant => "a Prometheus instant query response",
            Kind::PrometheusError => "a Prometheus error response",
            Kind::LanternFeed => "a Lantern health feed",
            Kind::StatuspageApi => "Statuspage API JSON",
        }
    }

    /// The `lantern import` format that reads this document, if any.
    pub fn command(self) -> Option<&'static str> {
        match self {
            Kind::GatusStatuses => Some("gatus"),
            Kind::KumaHeartbeat | Kind::KumaStatusPage => Some("uptime-kuma"),
            Kind::UpptimeSummary => Some("upptime"),
            Kind::PrometheusMatrix | Kind::PrometheusInstant | Kind::PrometheusError => {
                Some("prometheus")
            }
            Kind::LanternFeed | Kind::StatuspageApi => None,
        }
    }

    /// What the importer of this kind expects, for "not recognised" messages.
    pub fn hint(self) -> &'static str {
        match self {
            Kind::GatusStatuses => {
                "expected the JSON array from Gatus `GET /api/v1/endpoints/statuses` (objects with `key` and `results`)"
            }
            Kind::KumaHeartbeat => {
                "expected the JSON from Uptime Kuma `GET /api/status-page/heartbeat/<slug>` (an object with `heartbeatList`)"
            }
            Kind::KumaStatusPage => {
                "expected the JSON from Uptime Kuma `GET /api/status-page/<slug>` (an object with `publicGroupList`)"
            }
            Kind::UpptimeSummary => {
                "expected an Upptime checkout whose history/summary.json lists sites with `slug`"
            }
            Kind::PrometheusMatrix | Kind::PrometheusInstant | Kind::PrometheusError => {
                "expected the JSON from Prometheus `GET /api/v1/query_range?query=probe_success&start=…&end=…&step=…` (resultType `matrix`)"
            }
            Kind::LanternFeed => "expected Lantern feed records",
            Kind::StatuspageApi => "expected Statuspage API JSON",
        }
    }
}

/// Guess the kind of a document from its outline; `None` when nothing fits.
pub fn detect(value: &Value) -> Option<Kind> {
    match value {
        Value::Array(items) => {
            let first = items.iter().find_map(Value::as_object)?;
            array_item(first)
        }
        Value::Object(obj) => object(obj),
        _ => None,
    }
}

fn has(obj: &Map<String, Value>, keys: &[&str]) -> bool {
    keys.iter().all(|k| obj.contains_key(*k))
}

/// The element type of a top-level array.
fn array_item(obj: &Map<String, Value>) -> Option<Kind> {
    if has(obj, &["results"]) && (has(obj, &["key"]) || has(obj, &["name"])) {
        Some(Kind::GatusStatuses)
    } else if has(obj, &["slug"]) && (has(obj, &["dailyMinutesDown"]) || has(obj, &["uptime"])) {
        Some(Kind::UpptimeSummary)
    } else if has(obj, &["check", "at"]) {
        Some(Kind::LanternFeed)
    } else {
        None
    }
}

/// A top-level object.
fn object(obj: &Map<String, Value>) -> Option<Kind> {
    if has(obj, &["heartbeatList"]) {
        return Some(Kind::KumaHeartbeat);
    }
    if has(obj, &["publicGroupList"]) {
        return Some(Kind::KumaStatusPage);
    }
    if has(obj, &["results"]) && has(obj, &["key"]) {
        return Some(Kind::GatusStatuses);
    }
    if has(obj, &["check", "at"]) {
        return Some(Kind::LanternFeed);
    }
    if has(obj, &["page"]) && (has(obj, &["components"]) || has(obj, &["status"])) {
        return Some(Kind::StatuspageApi);
    }
    match obj.get("status").and_then(Value::as_str) {
        Some("error") if has(obj, &["errorType"]) || has(obj, &["error"]) => {
            return Some(Kind::PrometheusError);
        }
        Some("success") => {}
        _ => return None,
    }
    let result_type = obj.get("data")?.get("resultType")?.as_str()?;
    Some(match result_type {
        "matrix" => Kind::PrometheusMatrix,
        _ => Kind::PrometheusInstant,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn recognises_each_outline() {
        let cases = [
            (
                json!([{"name": "api", "key": "core_api", "results": []}]),
                Some(Kind::GatusStatuses),
            ),
            (
                json!({"heartbeatList": {}, "uptimeList": {}}),
                Some(Kind::KumaHeartbeat),
            ),
            (
                json!({"config": {}, "publicGroupList": []}),
                Some(Kind::KumaStatusPage),
            ),
            (
                json!([{"slug": "a", "dailyMinutesDown": {}}]),
                Some(Kind::UpptimeSummary),
            ),
            (
                json!({"status": "success", "data": {"resultType": "matrix", "result": []}}),
                Some(Kind::PrometheusMatrix),
            ),
            (
                json!({"status": "success", "data": {"resultType": "vector", "result": []}}),
                Some(Kind::PrometheusInstant),
            ),
            (
                json!({"status": "error", "errorType": "bad_data", "error": "x"}),
                Some(Kind::PrometheusError),
            ),
            (
                json!({"check": "a", "at": "2026-01-01T00:00:00Z", "ok": true}),
                Some(Kind::LanternFeed),
            ),
            (
                json!({"page": {}, "components": []}),
                Some(Kind::StatuspageApi),
            ),
            (json!([]), None),
            (json!(42), None),
            (json!({"status": "up"}), None),
        ];
        for (doc, want) in cases {
            assert_eq!(detect(&doc), want, "{doc}");
        }
    }
}
