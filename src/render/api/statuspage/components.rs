//! Component objects, with groups shaped as Statuspage shapes them.

use super::api_time as iso;
use super::stable_id;
use crate::site::status::{ComponentStatus, worst};
use crate::site::{Component as SiteComponent, Site};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A Statuspage component or component group, fields in Statuspage's order.
#[derive(Debug, Clone, Serialize)]
pub struct Component<'a> {
    pub id: String,
    pub name: &'a str,
    pub status: &'static str,
    pub created_at: String,
    pub updated_at: String,
    pub position: usize,
    pub description: Option<&'a str>,
    pub showcase: bool,
    pub start_date: Option<String>,
    pub group_id: Option<String>,
    pub page_id: &'a str,
    pub group: bool,
    pub only_show_if_degraded: bool,
    /// Child ids; only groups carry the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub components: Option<Vec<String>>,
    /// Lantern's component id, to find a component again (not serialised).
    #[serde(skip)]
    pub lantern_id: Option<&'a str>,
}

/// Every component in display order: each group object right before its children
/// (grouped by first appearance in the config, as the status page shows them).
pub fn all<'a>(site: &'a Site, page_id: &'a str) -> Vec<Component<'a>> {
    let cfg = &site.components;
    let mut out: Vec<Component<'a>> = Vec::with_capacity(cfg.len() + 4);
    let mut done = vec![false; cfg.len()];
    for i in 0..cfg.len() {
        if done[i] {
            continue;
        }
        let Some(group) = cfg[i].config.group.as_deref() else {
            done[i] = true;
            out.push(component(site, page_id, &cfg[i], None));
            continue;
        };
        let members: Vec<usize> = (i..cfg.len())
            .filter(|&j| cfg[j].config.group.as_deref() == Some(group))
            .collect();
        let group_id = stable_id("group", group);
        let status = members
            .iter()
            .map(|&j| cfg[j].status)
            .fold(ComponentStatus::Operational, worst);
        let created = members.iter().map(|&j| created_at(site, &cfg[j])).min();
        out.push(Component {
            id: group_id.clone(),
            name: group,
            status: status.statuspage_word(),
            created_at: iso(created.unwrap_or(site.now)),
            updated_at: iso(site.now),
            position: 0,
            description: None,
            showcase: false,
            start_date: None,
            group_id: None,
            page_id,
            group: true,
            only_show_if_degraded: false,
            components: Some(members.iter().map(|&j| component_id(&cfg[j])).collect()),
            lantern_id: None,
        });
        for j in members {
            done[j] = true;
            out.push(component(site, page_id, &cfg[j], Some(group_id.clone())));
        }
    }
    for (n, c) in out.iter_mut().enumerate() {
        c.position = n + 1;
    }
    out
}

/// The API id of a component.
pub fn component_id(c: &SiteComponent) -> String {
    stable_id("component", &c.config.id)
}

fn component<'a>(
    site: &'a Site,
    page_id: &'a str,
    comp: &'a SiteComponent,
    group_id: Option<String>,
) -> Component<'a> {
    let c = &comp.config;
    Component {
        id: component_id(comp),
        name: &c.name,
        status: comp.status.statuspage_word(),
        created_at: iso(created_at(site, comp)),
        // The status was evaluated at this instant; Lantern keeps no change log.
        updated_at: iso(site.now),
        position: 0,
        description: c.description.as_deref(),
        showcase: true,
        start_date: None,
        group_id,
        page_id,
        group: false,
        only_show_if_degraded: false,
        components: None,
        lantern_id: Some(&c.id),
    }
}

/// As far back as Lantern knows the component: its oldest post, or the start of the
/// health history.
fn created_at(site: &Site, comp: &SiteComponent) -> DateTime<Utc> {
    let id = &comp.config.id;
    site.by_component
        .get(id)
        .into_iter()
        .flatten()
        .map(|&p| site.posts[p].date())
        .chain([site.health.grid.start])
        .min()
        .unwrap_or(site.now)
}
