//! Serializable views handed to templates: borrowed from the model, pre-formatted.

use super::markdown;
use super::time::{self, TimeView};
use crate::content::{Detail, IncidentStatus, MaintenanceStatus, Post};
use crate::site::Site;
use serde::Serialize;

/// Site-wide values every page needs.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    /// URL path prefix for internal links: `/` or `/status/`.
    pub root: &'a str,
    pub timezone: &'a str,
    pub contact: &'a [crate::config::ContactLink],
    pub generated: TimeView,
    pub page_stale_after_secs: u64,
    pub overall: OverallView,
    pub preview: bool,
    /// Absolute URLs of the feeds and the maintenance calendar.
    pub feeds: super::feeds::FeedLinks,
}

/// The banner.
#[derive(Debug, Serialize)]
pub struct OverallView {
    pub indicator: &'static str,
    pub description: &'static str,
    pub status: &'static str,
}

/// A component with its status now.
#[derive(Debug, Serialize)]
pub struct ComponentView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub group: Option<&'a str>,
    pub status: &'static str,
    pub status_label: &'static str,
    pub url: String,
    pub health: super::bars::HealthView,
}

/// Components under one group heading (`name` is `None` for ungrouped ones).
#[derive(Debug, Serialize)]
pub struct GroupView<'a> {
    pub name: Option<&'a str>,
    pub components: Vec<ComponentView<'a>>,
}

/// A reference to a component from a post.
#[derive(Debug, Serialize)]
pub struct ComponentRef<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub url: String,
}

/// One update in a timeline.
#[derive(Debug, Serialize)]
pub struct UpdateView {
    pub at: TimeView,
    pub status: &'static str,
    pub status_label: &'static str,
    pub html: String,
    /// Dated after the build time: shown only in previews, marked as scheduled.
    pub scheduled: bool,
}

/// A post, summarised or in full (`full` adds body and timeline).
#[derive(Debug, Serialize)]
pub struct PostView<'a> {
    pub kind: &'static str,
    pub slug: &'a str,
    pub url: String,
    pub title: &'a str,
    pub draft: bool,
    pub date: TimeView,
    pub updated: TimeView,
    pub components: Vec<ComponentRef<'a>>,
    /// Incident impact word (`none`…`critical`), or `maintenance` / `news`.
    pub impact: &'static str,
    pub impact_label: &'static str,
    pub status: &'static str,
    pub status_label: &'static str,
    pub ongoing: bool,
    pub resolved: Option<TimeView>,
    pub end: Option<TimeView>,
    pub duration: Option<String>,
    pub data_loss: Option<DataLossView<'a>>,
    pub latest: Option<UpdateView>,
    pub updates: Vec<UpdateView>,
    pub body_html: String,
}

/// The data-loss notice.
#[derive(Debug, Serialize)]
pub struct DataLossView<'a> {
    pub report_by: Option<String>,
    pub report_by_iso: Option<String>,
    pub note: Option<&'a str>,
}

/// Build the site-wide view.
pub fn site_view(site: &Site) -> SiteView<'_> {
    let c = &site.config;
    SiteView {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        base_url: c.base_url.as_str(),
        root: c.base_path(),
        timezone: c.timezone.name(),
        contact: &c.contact,
        generated: time::view(site.now, c.timezone),
        page_stale_after_secs: c.health.page_stale_after.as_secs(),
        overall: OverallView {
            indicator: site.overall.indicator.as_str(),
            description: site.overall.description,
            status: site.overall.worst.as_str(),
        },
        preview: site.include_drafts,
        feeds: super::feeds::links(c),
    }
}

/// Every component with its status, grouped in config order of first appearance.
pub fn groups(site: &Site) -> Vec<GroupView<'_>> {
    let mut groups: Vec<GroupView> = Vec::new();
    for (i, c) in site.config.components.iter().enumerate() {
        let view = component(site, i);
        let name = c.group.as_deref();
        match groups.iter_mut().find(|g| g.name == name) {
            Some(g) => g.components.push(view),
            None => groups.push(GroupView {
                name,
                components: vec![view],
            }),
        }
    }
    groups
}

/// The view of component `i` (config order), with its health.
pub fn component(site: &Site, i: usize) -> ComponentView<'_> {
    let c = &site.config.components[i];
    let status = site.components[i].status;
    ComponentView {
        health: super::bars::health_view(site, i),
        id: &c.id,
        name: &c.name,
        description: c.description.as_deref(),
        group: c.group.as_deref(),
        status: status.as_str(),
        status_label: status.label(),
        url: format!("{}components/{}/", site.config.base_path(), c.id),
    }
}

/// A post's view; `full` renders its body and whole timeline (only its own page needs them).
pub fn post<'a>(site: &'a Site, p: &'a Post, full: bool) -> PostView<'a> {
    let tz = site.config.timezone;
    let root = site.config.base_path();
    let components = p
        .components
        .iter()
        .filter_map(|id| site.config.component(id))
        .map(|c| ComponentRef {
            id: &c.id,
            name: &c.name,
            url: format!("{root}components/{}/", c.id),
        })
        .collect();
    let mut v = PostView {
        kind: p.kind.name(),
        slug: &p.slug,
        url: format!("{root}{}", p.path()),
        title: &p.title,
        draft: p.draft,
        date: time::view(p.date(), tz),
        updated: time::view(p.updated(), tz),
        components,
        impact: "none",
        impact_label: "",
        status: "",
        status_label: "",
        ongoing: false,
        resolved: None,
        end: None,
        duration: None,
        data_loss: None,
        latest: None,
        updates: Vec::new(),
        body_html: if full {
            markdown::to_html(&p.body)
        } else {
            String::new()
        },
    };
    match &p.detail {
        Detail::Incident(inc) => {
            v.impact = inc.impact.as_str();
            v.impact_label = impact_label(inc.impact.as_str());
            v.status = incident_status(inc.status()).0;
            v.status_label = incident_status(inc.status()).1;
            v.ongoing = inc.is_open(site.now);
            v.resolved = inc.resolved.map(|r| time::view(r, tz));
            v.duration = Some(time::duration(
                inc.started,
                inc.resolved.unwrap_or(site.now).max(inc.started),
            ));
            v.data_loss = inc.data_loss.as_ref().map(|d| DataLossView {
                report_by: d.report_by.map(time::date),
                report_by_iso: d.report_by.map(|d| d.format("%Y-%m-%d").to_string()),
                note: d.note.as_deref(),
            });
            let scheduled = inc.scheduled_updates.iter().map(|u| (u, true));
            let updates = scheduled
                .chain(inc.updates.iter().map(|u| (u, false)))
                .map(|(u, s)| update(u.at, incident_status(u.status), &u.text, tz, s));
            fill_updates(&mut v, updates, full);
        }
        Detail::Maintenance(m) => {
            let st = maintenance_status(m.status(site.now));
            v.impact = "maintenance";
            v.impact_label = "Maintenance";
            (v.status, v.status_label) = st;
            v.ongoing = m.is_active(site.now);
            v.end = Some(time::view(m.end, tz));
            v.duration = Some(time::duration(m.start, m.end));
            let scheduled = m.scheduled_updates.iter().map(|u| (u, true));
            let updates = scheduled
                .chain(m.updates.iter().map(|u| (u, false)))
                .map(|(u, s)| update(u.at, maintenance_status(u.status), &u.text, tz, s));
            fill_updates(&mut v, updates, full);
        }
        Detail::News(_) => {
            v.impact = "news";
            v.impact_label = "News";
        }
    }
    v
}

fn fill_updates(v: &mut PostView, mut updates: impl Iterator<Item = UpdateView>, full: bool) {
    if full {
        v.updates = updates.collect();
    } else {
        // A summary's "latest" is what has happened, never a scheduled update.
        v.latest = updates.find(|u| !u.scheduled);
    }
}

fn update(
    at: chrono::DateTime<chrono::Utc>,
    st: (&'static str, &'static str),
    text: &str,
    tz: chrono_tz::Tz,
    scheduled: bool,
) -> UpdateView {
    UpdateView {
        at: time::view(at, tz),
        status: st.0,
        status_label: st.1,
        html: markdown::to_html(text),
        scheduled,
    }
}

fn impact_label(impact: &str) -> &'static str {
    match impact {
        "critical" => "Critical impact",
        "major" => "Major impact",
        "minor" => "Minor impact",
        _ => "No impact",
    }
}

/// Machine word and reader's label of an incident status.
pub fn incident_status(s: IncidentStatus) -> (&'static str, &'static str) {
    match s {
        IncidentStatus::Investigating => ("investigating", "Investigating"),
        IncidentStatus::Identified => ("identified", "Identified"),
        IncidentStatus::Monitoring => ("monitoring", "Monitoring"),
        IncidentStatus::Resolved => ("resolved", "Resolved"),
        IncidentStatus::Postmortem => ("postmortem", "Postmortem"),
    }
}

/// Machine word and reader's label of a maintenance status.
pub fn maintenance_status(s: MaintenanceStatus) -> (&'static str, &'static str) {
    match s {
        MaintenanceStatus::Scheduled => ("scheduled", "Scheduled"),
        MaintenanceStatus::InProgress => ("in_progress", "In progress"),
        MaintenanceStatus::Verifying => ("verifying", "Verifying"),
        MaintenanceStatus::Completed => ("completed", "Completed"),
    }
}
