//! Front matter of each post kind, exactly as written; unknown keys are rejected.

use crate::time::{DateOnly, Timestamp};
use serde::{Deserialize, Serialize};

/// A closed set of words in front matter: the error lists the valid ones.
macro_rules! words {
    ($name:ident, $what:literal, { $($variant:ident => $word:literal),+ $(,)? }) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                fn list() -> String {
                    [$(concat!("`", $word, "`")),+].join(", ")
                }
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        write!(f, "{} ({})", $what, list())
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        match s {
                            $($word => Ok($name::$variant),)+
                            _ => Err(E::custom(format!("`{s}` is not {}; use one of {}", $what, list()))),
                        }
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}

words!(Impact, "an impact", { None => "none", Minor => "minor", Major => "major", Critical => "critical" });
words!(IncidentStatus, "an incident status", {
    Investigating => "investigating", Identified => "identified", Monitoring => "monitoring",
    Resolved => "resolved", Postmortem => "postmortem",
});
words!(MaintenanceStatus, "a maintenance status", {
    Scheduled => "scheduled", InProgress => "in_progress", Verifying => "verifying", Completed => "completed",
});

/// How badly an incident hurts readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    None,
    Minor,
    Major,
    Critical,
}

impl Impact {
    /// The word used in machine outputs and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::None => "none",
            Impact::Minor => "minor",
            Impact::Major => "major",
            Impact::Critical => "critical",
        }
    }
}

/// Status of an incident update (Statuspage's vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Postmortem,
}

/// Status of a maintenance update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceStatus {
    Scheduled,
    InProgress,
    Verifying,
    Completed,
}

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
