//! Incident and scheduled-maintenance objects (Statuspage models both as incidents).

use super::Ctx;
use super::api_time as iso;
use super::components::Component;
use super::stable_id;
use crate::content::MaintenanceStatus;
use crate::content::{Detail, Incident as Inc, IncidentStatus, Maintenance, Post};
use crate::render::feeds::entries::update_keys;
use crate::render::urls::post_url;
use crate::site::status::ComponentStatus;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A Statuspage incident; maintenance adds `scheduled_for` and `scheduled_until`.
#[derive(Debug, Serialize)]
pub struct Incident<'a> {
    pub id: String,
    pub name: &'a str,
    pub status: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub monitoring_at: Option<String>,
    pub resolved_at: Option<String>,
    pub impact: &'static str,
    pub shortlink: String,
    /// Maintenance: `null` until the work started (as Statuspage writes it).
    pub started_at: Option<String>,
    pub page_id: &'a str,
    pub incident_updates: Vec<IncidentUpdate<'a>>,
    pub components: Vec<Component<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_until: Option<String>,
}

/// One update of an incident, newest first as Statuspage lists them.
#[derive(Debug, Serialize)]
pub struct IncidentUpdate<'a> {
    pub id: String,
    pub status: &'static str,
    /// The update text as written (Markdown).
    pub body: &'a str,
    pub incident_id: String,
    pub created_at: String,
    pub updated_at: String,
    pub display_at: String,
    /// The component changes this update made, where Lantern knows them (an
    /// incident's first and resolving updates, a maintenance's start and end);
    /// `null` otherwise, as Statuspage allows.
    pub affected_components: Option<Vec<AffectedComponent<'a>>>,
    pub deliver_notifications: bool,
    /// Lantern posts nothing to Twitter; real responses carry the keys as `null`.
    pub custom_tweet: (),
    pub tweet_id: (),
}

/// One component's change in an update, Statuspage's `affected_components` item.
#[derive(Debug, Clone, Serialize)]
pub struct AffectedComponent<'a> {
    /// The component's API id.
    pub code: String,
    pub name: &'a str,
    pub old_status: &'static str,
    pub new_status: &'static str,
}

/// The object for the incident or maintenance post at index `i`; `None` for news.
pub fn incident<'a>(ctx: &Ctx<'a>, i: usize) -> Option<Incident<'a>> {
    let p = ctx.site.posts.get(i)?;
    match &p.detail {
        Detail::Incident(inc) => {
            let open = ctx.site.open_incidents.contains(&i);
            Some(from_incident(ctx, p, inc, open))
        }
        Detail::Maintenance(m) => Some(from_maintenance(ctx, p, m)),
        Detail::News(_) => None,
    }
}

fn from_incident<'a>(ctx: &Ctx<'a>, p: &'a Post, inc: &'a Inc, open: bool) -> Incident<'a> {
    let now = ctx.site.now;
    let id = stable_id(p.kind.as_str(), &p.slug);
    let words = IncidentStatus::as_str;
    let keys = update_keys(
        inc.updates
            .iter()
            .map(|u| (u.at, words(u.status), u.written)),
    );
    // The first update moves the components to what the impact implies; the first
    // resolving update moves them back. Lantern knows no other change.
    let hurt = crate::site::status_from_impact(inc.impact);
    let first = inc.updates.len().checked_sub(1);
    let resolving = inc.updates.iter().rposition(|u| u.status.closes());
    let targets = targets(ctx, p);
    let updates = inc
        .updates
        .iter()
        .zip(keys)
        .enumerate()
        .map(|(n, (u, key))| {
            let uid = format!("incident/{}/{key}", p.slug);
            let change = match hurt {
                Some(h) if Some(n) == first && !u.status.closes() => {
                    Some((ComponentStatus::Operational, h))
                }
                Some(h) if Some(n) == resolving && resolving != first => {
                    Some((h, ComponentStatus::Operational))
                }
                _ => None,
            };
            let mut up = update(&id, &uid, u.at, words(u.status), &u.text);
            up.affected_components = change.map(|c| changes(&targets, c));
            up
        })
        .collect();
    // A resolved time still in the future has not happened yet.
    let resolved = inc.resolved.filter(|&r| r <= now);
    let monitoring = inc
        .updates
        .iter()
        .filter(|u| u.status == IncidentStatus::Monitoring)
        .map(|u| u.at)
        .min();
    Incident {
        name: &p.title,
        status: status(inc, open),
        created_at: iso(created(inc.started, inc.updates.iter().map(|u| u.at))),
        updated_at: iso(changed(
            inc.started,
            inc.updates.iter().map(|u| u.at),
            resolved,
        )),
        monitoring_at: monitoring.map(iso),
        resolved_at: resolved.map(iso),
        impact: inc.impact.as_str(),
        shortlink: post_url(ctx.site, p),
        started_at: Some(iso(inc.started)),
        page_id: ctx.page_id,
        incident_updates: updates,
        components: affected(ctx, p),
        scheduled_for: None,
        scheduled_until: None,
        id,
    }
}

fn from_maintenance<'a>(ctx: &Ctx<'a>, p: &'a Post, m: &'a Maintenance) -> Incident<'a> {
    let now = ctx.site.now;
    let id = stable_id(p.kind.as_str(), &p.slug);
    let words = MaintenanceStatus::as_str;
    let keys = update_keys(m.updates.iter().map(|u| (u.at, words(u.status), u.written)));
    let working = |s| {
        matches!(
            s,
            MaintenanceStatus::InProgress | MaintenanceStatus::Verifying
        )
    };
    let starting = m.updates.iter().rposition(|u| working(u.status));
    let ending = m
        .updates
        .iter()
        .rposition(|u| u.status == MaintenanceStatus::Completed);
    let targets = targets(ctx, p);
    let updates = m
        .updates
        .iter()
        .zip(keys)
        .enumerate()
        .map(|(n, (u, key))| {
            let uid = format!("maintenance/{}/{key}", p.slug);
            let under = ComponentStatus::UnderMaintenance;
            let change = if Some(n) == starting {
                Some((ComponentStatus::Operational, under))
            } else if Some(n) == ending && starting.is_some() {
                Some((under, ComponentStatus::Operational))
            } else {
                None
            };
            let mut up = update(&id, &uid, u.at, words(u.status), &u.text);
            up.affected_components = change.map(|c| changes(&targets, c));
            up
        })
        .collect();
    let status = m.status(now);
    // Statuspage: `null` until the work starts, then when it did (the first
    // "in progress" update, else the window's start).
    let started = (status != MaintenanceStatus::Scheduled).then(|| {
        starting
            .and_then(|n| m.updates.get(n))
            .map_or(m.start, |u| u.at)
    });
    // Finished: when an update said so, else at the end of the window.
    let completed = (status == crate::content::MaintenanceStatus::Completed).then(|| {
        m.updates
            .iter()
            .filter(|u| u.status == crate::content::MaintenanceStatus::Completed)
            .map(|u| u.at)
            .min()
            .unwrap_or(m.end)
    });
    Incident {
        name: &p.title,
        status: words(status),
        created_at: iso(created(m.start, m.updates.iter().map(|u| u.at))),
        updated_at: iso(changed(m.start, m.updates.iter().map(|u| u.at), None)),
        monitoring_at: None,
        resolved_at: completed.map(iso),
        // Statuspage marks every scheduled maintenance with this impact.
        impact: p.kind.as_str(),
        shortlink: post_url(ctx.site, p),
        started_at: started.map(iso),
        page_id: ctx.page_id,
        incident_updates: updates,
        components: affected(ctx, p),
        scheduled_for: Some(iso(m.start)),
        scheduled_until: Some(iso(m.end)),
        id,
    }
}

/// The status clients see: the latest update's, kept consistent with whether the
/// incident is open, because clients decide "still going on" from this word alone.
fn status(inc: &Inc, open: bool) -> &'static str {
    let latest = inc.status();
    let closed_word = latest.closes();
    match (open, closed_word) {
        // Resolved in the file but the last update was not: it is over all the same.
        (false, false) if inc.resolved.is_some() => IncidentStatus::Resolved.as_str(),
        // Says resolved, but its resolved time is still to come.
        (true, true) => IncidentStatus::Monitoring.as_str(),
        _ => latest.as_str(),
    }
}

/// An update object; `key` (`<kind>/<slug>/<update key>`) identifies it for good.
fn update<'a>(
    incident_id: &str,
    key: &str,
    at: DateTime<Utc>,
    status: &'static str,
    text: &'a str,
) -> IncidentUpdate<'a> {
    IncidentUpdate {
        id: stable_id("update", key),
        status,
        body: text,
        incident_id: incident_id.to_string(),
        created_at: iso(at),
        updated_at: iso(at),
        display_at: iso(at),
        affected_components: None,
        deliver_notifications: true,
        custom_tweet: (),
        tweet_id: (),
    }
}

/// The post's components that exist, as (API id, name).
fn targets<'a>(ctx: &Ctx<'a>, p: &Post) -> Vec<(String, &'a str)> {
    affected(ctx, p)
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect()
}

/// Every target moving from `old` to `new`.
fn changes<'a>(
    targets: &[(String, &'a str)],
    (old, new): (ComponentStatus, ComponentStatus),
) -> Vec<AffectedComponent<'a>> {
    targets
        .iter()
        .map(|(code, name)| AffectedComponent {
            code: code.clone(),
            name,
            old_status: old.as_str(),
            new_status: new.as_str(),
        })
        .collect()
}

/// The earliest of the post's own date and its first update.
fn created(date: DateTime<Utc>, ats: impl Iterator<Item = DateTime<Utc>>) -> DateTime<Utc> {
    ats.fold(date, DateTime::min)
}

/// The latest update or resolution; the creation time when there is neither.
fn changed(
    date: DateTime<Utc>,
    ats: impl Iterator<Item = DateTime<Utc>> + Clone,
    resolved: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    ats.clone()
        .chain(resolved)
        .max()
        .unwrap_or_else(|| created(date, ats))
}

/// The post's components as component objects (their status now).
fn affected<'a>(ctx: &Ctx<'a>, p: &Post) -> Vec<Component<'a>> {
    p.components
        .iter()
        .filter_map(|id| {
            ctx.components
                .iter()
                .find(|c| c.lantern_id == Some(id.as_str()))
        })
        .cloned()
        .collect()
}
