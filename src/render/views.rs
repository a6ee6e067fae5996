//! Serializable views handed to templates: borrowed from the model, pre-formatted.

use super::markdown;
use super::time::{self, TimeView};
use super::urls;
use crate::content::{Detail, Impact, Post};
use crate::i18n::Locale;
use crate::site::status::ComponentStatus;
use crate::site::{Component, Site};
use serde::Serialize;

/// Site-wide values every page needs.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The configured BCP 47 tag, for `lang`.
    pub language: &'a str,
    /// The same for `og:locale` (`de_AT`).
    pub og_locale: String,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    /// The UI strings, nested by key: `t.nav.status`.
    pub t: serde_json::Value,
    /// "Times are shown in Europe/Berlin."
    pub timezone_note: String,
    /// The page-age script's texts (message and plural forms) as JSON, safe inside
    /// `<script>`.
    pub page_age_text: String,
    pub base_url: &'a str,
    /// URL path prefix for internal links: `/` or `/status/`.
    pub root: &'a str,
    pub timezone: &'a str,
    pub contact: &'a [crate::config::ContactLink],
    /// When the site was built; `None` (null) on settled pages, which must not
    /// depend on now (and so can be reused from the last build; see `render::cache`).
    pub generated: Option<TimeView>,
    pub page_stale_after_secs: u64,
    /// The banner; `None` on settled pages, like `generated`.
    pub overall: Option<OverallView>,
    pub preview: bool,
    /// Absolute URLs of the feeds and the maintenance calendar.
    pub feeds: super::urls::FeedLinks,
    /// The same view for settled pages: `generated` and `overall` left out.
    #[serde(skip)]
    pub settled: Option<Box<SiteView<'a>>>,
    /// This view converted for tera and the digest of its JSON, made once: every
    /// page takes a cheap clone and its cache key the digest (see `render::cache`),
    /// rather than converting and hashing the whole view (all UI strings) per page.
    #[serde(skip)]
    pub shared: Option<(tera::Value, [u8; 32])>,
}

/// The banner.
#[derive(Debug, Serialize)]
pub struct OverallView {
    pub indicator: &'static str,
    pub description: String,
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
    pub status_label: String,
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
    pub status_label: String,
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
    pub impact_label: String,
    pub status: &'static str,
    pub status_label: String,
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
pub fn site_view<'a>(site: &'a Site, loc: &Locale) -> SiteView<'a> {
    let mut settled = site_view_at(site, loc, false);
    settled.generated = None;
    settled.overall = None;
    settled.shared = shared(&settled);
    let mut live = SiteView {
        settled: Some(Box::new(settled)),
        ..site_view_at(site, loc, true)
    };
    live.shared = shared(&live);
    live
}

fn shared(sv: &SiteView) -> Option<(tera::Value, [u8; 32])> {
    let value = tera::Value::try_from_serializable(sv).ok()?;
    Some((value, super::cache::digest_of(sv)?))
}

/// The site view, with (`live`) or without the time and status of now.
fn site_view_at<'a>(site: &'a Site, loc: &Locale, live: bool) -> SiteView<'a> {
    let c = &site.config;
    let t = loc.template_strings();
    // Inlined into a <script>: no `<` may close it, whatever an override says.
    let page_age_text = serde_json::to_string(&t["page_age"])
        .expect("strings serialise")
        .replace('<', "\\u003c");
    SiteView {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        og_locale: c.language.replace('-', "_"),
        dir: loc.dir,
        t,
        timezone_note: loc.f("footer.timezone", &[("zone", c.timezone.name())]),
        page_age_text,
        base_url: c.base_url.as_str(),
        root: c.base_path(),
        timezone: c.timezone.name(),
        contact: &c.contact,
        generated: live.then(|| time::view(site.now, c.timezone, loc)),
        page_stale_after_secs: c.health.page_stale_after.as_secs(),
        overall: live.then(|| OverallView {
            indicator: site.overall.indicator.as_str(),
            description: overall_text(site, loc),
            status: site.overall.worst.as_str(),
        }),
        preview: site.include_drafts,
        feeds: super::urls::links(c),
        settled: None,
        shared: None,
    }
}

/// Every component with its status, grouped in config order of first appearance.
pub fn groups<'a>(site: &'a Site, loc: &Locale) -> Vec<GroupView<'a>> {
    let mut groups: Vec<GroupView> = Vec::new();
    for c in &site.components {
        let view = component(site, c, loc);
        let name = c.config.group.as_deref();
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

/// The view of a component, with its health.
pub fn component<'a>(site: &'a Site, comp: &'a Component, loc: &Locale) -> ComponentView<'a> {
    let c = &comp.config;
    let status = comp.status;
    ComponentView {
        health: super::bars::health_view(site, comp, loc),
        id: &c.id,
        name: &c.name,
        description: c.description.as_deref(),
        group: c.group.as_deref(),
        status: status.as_str(),
        status_label: component_status(status, loc),
        url: urls::component_link(site.config.base_path(), &c.id),
    }
}

/// A post's view; `full` renders its body and whole timeline (only its own page needs them).
pub fn post<'a>(site: &'a Site, p: &'a Post, full: bool, loc: &Locale) -> PostView<'a> {
    let tz = site.config.timezone;
    let root = site.config.base_path();
    let components = p
        .components
        .iter()
        .filter_map(|id| site.component(id))
        .map(|c| &c.config)
        .map(|c| ComponentRef {
            id: &c.id,
            name: &c.name,
            url: urls::component_link(root, &c.id),
        })
        .collect();
    let mut v = PostView {
        kind: p.kind.as_str(),
        slug: &p.slug,
        url: urls::post_link(root, p),
        title: &p.title,
        draft: p.draft,
        date: time::view(p.date(), tz, loc),
        updated: time::view(p.updated(), tz, loc),
        components,
        impact: Impact::None.as_str(),
        impact_label: String::new(),
        status: "",
        status_label: String::new(),
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
            v.impact_label = loc.t(inc.impact.key()).to_string();
            v.status = inc.status().as_str();
            v.status_label = loc.t(inc.status().key()).to_string();
            v.ongoing = inc.is_open(site.now);
            v.resolved = inc.resolved.map(|r| time::view(r, tz, loc));
            v.duration = Some(time::duration(
                inc.started,
                inc.resolved.unwrap_or(site.now).max(inc.started),
                loc,
            ));
            v.data_loss = inc.data_loss.as_ref().map(|d| DataLossView {
                report_by: d.report_by.map(|d| time::date(d, loc)),
                report_by_iso: d.report_by.map(|d| d.format("%Y-%m-%d").to_string()),
                note: d.note.as_deref(),
            });
            let scheduled = inc.scheduled_updates.iter().map(|u| (u, true));
            let updates = scheduled
                .chain(inc.updates.iter().map(|u| (u, false)))
                .map(|(u, s)| {
                    update(
                        u.at,
                        (u.status.as_str(), u.status.key()),
                        &u.text,
                        tz,
                        loc,
                        s,
                    )
                });
            fill_updates(&mut v, updates, full);
        }
        Detail::Maintenance(m) => {
            let st = m.status(site.now);
            v.impact = p.kind.as_str();
            v.impact_label = loc.t(p.kind.key()).to_string();
            v.status = st.as_str();
            v.status_label = loc.t(st.key()).to_string();
            v.ongoing = m.is_active(site.now);
            v.end = Some(time::view(m.end, tz, loc));
            v.duration = Some(time::duration(m.start, m.end, loc));
            let scheduled = m.scheduled_updates.iter().map(|u| (u, true));
            let updates = scheduled
                .chain(m.updates.iter().map(|u| (u, false)))
                .map(|(u, s)| {
                    update(
                        u.at,
                        (u.status.as_str(), u.status.key()),
                        &u.text,
                        tz,
                        loc,
                        s,
                    )
                });
            fill_updates(&mut v, updates, full);
        }
        Detail::News(_) => {
            v.impact = p.kind.as_str();
            v.impact_label = loc.t(p.kind.key()).to_string();
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

/// One update's view: `(word, key)` are its status word and catalogue key.
fn update(
    at: chrono::DateTime<chrono::Utc>,
    (word, key): (&'static str, &'static str),
    text: &str,
    tz: chrono_tz::Tz,
    loc: &Locale,
    scheduled: bool,
) -> UpdateView {
    UpdateView {
        at: time::view(at, tz, loc),
        status: word,
        status_label: loc.t(key).to_string(),
        html: markdown::to_html(text),
        scheduled,
    }
}

/// The reader's words for a component status.
pub fn component_status(s: ComponentStatus, loc: &Locale) -> String {
    loc.t(s.key()).to_string()
}

/// The banner sentence in the reader's language.
pub fn overall_text(site: &Site, loc: &Locale) -> String {
    loc.t(site.overall.worst.banner_key()).to_string()
}
