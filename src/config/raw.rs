//! The config file exactly as written; unknown keys are rejected.

use crate::time::Span;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// `content/site.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub base_url: String,
    #[serde(default = "default_tz")]
    pub timezone: String,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub theme: Option<String>,
    /// Replacements for UI strings, by catalogue key (see `i18n`).
    #[serde(default)]
    pub strings: serde_yaml::Value,
    #[serde(default)]
    pub contact: Vec<ContactLink>,
    #[serde(default)]
    pub components: Vec<RawComponent>,
    #[serde(default)]
    pub health: RawHealth,
    #[serde(default)]
    pub probes: Vec<RawProbe>,
    pub notify: Option<super::notify::RawNotify>,
}

/// A way to reach the operator, shown on every page.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContactLink {
    pub label: String,
    pub url: String,
}

/// A component as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub checks: Vec<String>,
}

/// The `health:` section as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHealth {
    #[serde(default = "default_stale")]
    pub stale_after: Span,
    #[serde(default = "default_latency")]
    pub degraded_latency_ms: u64,
    #[serde(default = "default_days")]
    pub history_days: u32,
    #[serde(default = "default_page_stale")]
    pub page_stale_after: Span,
    #[serde(default = "default_dir")]
    pub dir: PathBuf,
}

impl Default for RawHealth {
    fn default() -> Self {
        RawHealth {
            stale_after: default_stale(),
            degraded_latency_ms: default_latency(),
            history_days: default_days(),
            page_stale_after: default_page_stale(),
            dir: default_dir(),
        }
    }
}

fn default_tz() -> String {
    "UTC".into()
}
fn default_stale() -> Span {
    Span(Duration::from_secs(15 * 60))
}
fn default_latency() -> u64 {
    2000
}
fn default_days() -> u32 {
    90
}
fn default_page_stale() -> Span {
    Span(Duration::from_secs(3600))
}
fn default_dir() -> PathBuf {
    PathBuf::from("health")
}

/// One entry of `probes:` as written: exactly one of `http`, `tcp`, `command`, `tls`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProbe {
    pub id: String,
    #[serde(default)]
    pub http: Option<String>,
    #[serde(default)]
    pub tcp: Option<String>,
    #[serde(default)]
    pub command: Option<Vec<String>>,
    #[serde(default)]
    pub tls: Option<String>,
    #[serde(default)]
    pub expect_status: Option<Vec<u16>>,
    #[serde(default)]
    pub expect_body: Option<String>,
    #[serde(default)]
    pub timeout: Option<Span>,
    #[serde(default)]
    pub warn_before: Option<Span>,
    #[serde(default)]
    pub degraded_latency_ms: Option<u64>,
    #[serde(default)]
    pub retries: Option<u32>,
    #[serde(default)]
    pub publish_output: Option<bool>,
}
