//! Front matter of each post kind, exactly as written; unknown keys are rejected.

use crate::time::{DateOnly, Timestamp};
pub use crate::vocab::{Impact, IncidentStatus, MaintenanceStatus};
use serde::Deserialize;

/// One timestamped update, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUpdate<S> {
    pub at: Timestamp,
    pub status: S,
    pub text: String,
}

/// The optional data-loss notice of an incident.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataLoss {
    /// "Tell us before this date" (backups roll).
    pub report_by: Option<DateOnly>,
    /// Optional extra sentence shown in the notice.
    #[serde(default)]
    pub note: Option<String>,
}

/// Incident front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentMeta {
    pub title: String,
    pub impact: Impact,
    pub components: Vec<String>,
    pub started: Timestamp,
    #[serde(default)]
    pub resolved: Option<Timestamp>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub data_loss: Option<DataLoss>,
    pub updates: Vec<RawUpdate<IncidentStatus>>,
}

/// Scheduled maintenance front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaintenanceMeta {
    pub title: String,
    pub components: Vec<String>,
    pub scheduled_start: Timestamp,
    pub scheduled_end: Timestamp,
    #[serde(default)]
    pub updates: Vec<RawUpdate<MaintenanceStatus>>,
    #[serde(default)]
    pub draft: bool,
}

/// News / announcement front matter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewsMeta {
    pub title: String,
    pub date: Timestamp,
    #[serde(default)]
    pub components: Vec<String>,
    #[serde(default)]
    pub draft: bool,
}
