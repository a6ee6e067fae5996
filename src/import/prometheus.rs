//! Prometheus: a `query_range` response for blackbox `probe_success` into feed
//! results, with latency from a matching `probe_duration_seconds` response.
//!
//! One check per series, named by its `instance` label (or `--label`), slugified.
//! A step without a point is no data: nothing is emitted for it.

use super::detect::Kind;
use super::input::{self, InputError};
use super::{FeedResult, Imported};
use crate::health::record::State;
use chrono::DateTime;
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Why a Prometheus response could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum PrometheusError {
    #[error(transparent)]
    Input(#[from] InputError),
    /// A series lacks the label that names its check.
    #[error("{}: series {series} has no `{label}` label; name the label that tells series apart with --label", path.display())]
    NoLabel {
        path: PathBuf,
        series: String,
        label: String,
    },
    /// Two series would write to one check id.
    #[error("{}: series {a} and {b} both become check `{check}`; name a label that tells them apart with --label", path.display())]
    Collision {
        path: PathBuf,
        check: String,
        a: String,
        b: String,
    },
    /// A point that is not `[unix seconds, "value"]` with a usable value.
    #[error("{}: series {series} point {index}: {reason}", path.display())]
    Point {
        path: PathBuf,
        series: String,
        index: usize,
        reason: String,
    },
}

#[derive(Deserialize)]
struct Response {
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    result: Vec<Series>,
}

#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Value>,
}

/// Labels that identify a series across metrics (`__name__` differs by metric).
type Labels = BTreeMap<String, String>;

fn identity(metric: &Labels) -> Labels {
    metric
        .iter()
        .filter(|(k, _)| k.as_str() != "__name__")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// `{job="x", instance="y"}`, the way Prometheus prints a series.
fn show(labels: &Labels) -> String {
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// A point as (milliseconds, value); NaN values (no sample) come back as `None`.
fn point(raw: &Value) -> Result<(i64, Option<f64>), String> {
    let pair = raw
        .as_array()
        .filter(|a| a.len() == 2)
        .ok_or("expected [time, \"value\"]")?;
    let secs = pair[0].as_f64().ok_or("the time is not a number")?;
    let ms = (secs * 1000.0).round();
    if !ms.is_finite()
        || DateTime::from_timestamp_millis(ms as i64)
            .and_then(super::plausible)
            .is_none()
    {
        return Err(format!("{secs} is not a plausible Unix time"));
    }
    let text = pair[1].as_str().ok_or("the value is not a string")?;
    let v: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("value {text:?} is not a number"))?;
    Ok((ms as i64, (!v.is_nan()).then_some(v)))
}

/// Read a matrix response's series.
fn read(path: &Path) -> Result<Vec<Series>, PrometheusError> {
    let doc = input::read_json(path)?;
    input::expect_kind(path, &doc, Kind::PrometheusMatrix)?;
    let r: Response = input::part(path, Kind::PrometheusMatrix, || "data.result".into(), &doc)?;
    Ok(r.data.result)
}

/// Latency in ms per series identity and point time, from `probe_duration_seconds`.
fn read_latency(path: &Path) -> Result<HashMap<Labels, HashMap<i64, u32>>, PrometheusError> {
    let mut out: HashMap<Labels, HashMap<i64, u32>> = HashMap::new();
    for s in read(path)? {
        let id = identity(&s.metric);
        for (i, raw) in s.values.iter().enumerate() {
            let (ms, v) = point(raw).map_err(|reason| PrometheusError::Point {
                path: path.to_path_buf(),
                series: show(&id),
                index: i,
                reason,
            })?;
            if let Some(l) = v.and_then(|secs| super::latency(secs * 1000.0)) {
                out.entry(id.clone()).or_default().insert(ms, l);
            }
        }
    }
    Ok(out)
}

/// Read `probe_success` (and optionally `probe_duration_seconds`) responses.
pub fn import(
    path: &Path,
    latency: Option<&Path>,
    label: Option<&str>,
) -> Result<Imported, PrometheusError> {
    let label = label.unwrap_or("instance");
    let series = read(path)?;
    let latencies = match latency {
        Some(l) => read_latency(l)?,
        None => HashMap::new(),
    };
    let mut out = Imported::default();
    let mut owner: BTreeMap<String, Labels> = BTreeMap::new();
    for s in &series {
        let id = identity(&s.metric);
        let name = s
            .metric
            .get(label)
            .map(|v| super::check_id(v))
            .unwrap_or_default();
        if name.is_empty() {
            return Err(PrometheusError::NoLabel {
                path: path.to_path_buf(),
                series: show(&id),
                label: label.into(),
            });
        }
        if let Some(other) = owner.insert(name.clone(), id.clone()) {
            return Err(PrometheusError::Collision {
                path: path.to_path_buf(),
                check: name,
                a: show(&other),
                b: show(&id),
            });
        }
        out.notes
            .push(format!("series {} → check `{name}`", show(&id)));
        let lat = latencies.get(&id);
        if latency.is_some() && lat.is_none() {
            out.notes.push(format!(
                "no latency series matches {}; `{name}` has no latency",
                show(&id)
            ));
        }
        for (i, raw) in s.values.iter().enumerate() {
            let bad = |reason: String| PrometheusError::Point {
                path: path.to_path_buf(),
                series: show(&id),
                index: i,
                reason,
            };
            let (ms, v) = point(raw).map_err(bad)?;
            // A NaN sample is a missing measurement: no data, not up.
            let Some(v) = v else { continue };
            let state = if v == 1.0 {
                State::Up
            } else if v == 0.0 {
                State::Down
            } else {
                return Err(bad(format!(
                    "probe_success is {v}, expected 0 or 1; query the raw `probe_success`, not an average"
                )));
            };
            out.results.push(FeedResult {
                check: name.clone(),
                at: DateTime::from_timestamp_millis(ms)
                    .ok_or_else(|| bad("time out of range".into()))?,
                state,
                latency_ms: lat.and_then(|m| m.get(&ms).copied()),
                message: (state == State::Down).then(|| "probe_success = 0".to_string()),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn points_parse_or_explain() {
        assert_eq!(
            point(&json!([1435781430.781, "1"])).unwrap(),
            (1435781430781, Some(1.0))
        );
        assert_eq!(point(&json!([1435781430, "NaN"])).unwrap().1, None);
        assert!(point(&json!([1435781430, 1])).is_err());
        assert!(point(&json!(["x", "1"])).is_err());
        assert!(point(&json!([1e300, "1"])).is_err());
    }
}
