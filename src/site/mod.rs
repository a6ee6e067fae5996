//! The site model: everything the renderer needs, derived once from the inputs.

pub mod status;

use crate::config::{self, Config};
use crate::content::{self, Impact, Post, PostKind};
use crate::diagnostics::{Diagnostic, Diagnostics, InvalidSite};
use crate::health::{self, ComponentHealth, Health, Severity, Spans, Verdict};
use chrono::{DateTime, Utc};
use status::{ComponentStatus, Overall};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What to load and how.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    pub root: PathBuf,
    pub include_drafts: bool,
    pub base_url: Option<String>,
    pub now: DateTime<Utc>,
    /// Where parsed health-feed files are kept between builds (`build`: on disk,
    /// `serve`: in memory, otherwise none).
    pub health_cache: health::cache::Mode,
    /// Where parsed posts are kept between builds (`build`: on disk, `serve`: in
    /// memory, otherwise none).
    pub post_cache: content::cache::Mode,
}

/// The loaded, validated site and everything derived from it.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub now: DateTime<Utc>,
    pub include_drafts: bool,
    /// Published posts (drafts only with `include_drafts`), newest first.
    pub posts: Vec<Post>,
    /// One record per configured component, in config order.
    pub components: Vec<Component>,
    pub overall: Overall,
    /// The health grid and what was read (each component's health is in `components`).
    pub health: Health,
    /// Indices into `posts`.
    pub open_incidents: Vec<usize>,
    pub active_maintenance: Vec<usize>,
    pub upcoming_maintenance: Vec<usize>,
    pub news: Vec<usize>,
    /// Incidents and maintenance, newest first: the history archive.
    pub history: Vec<usize>,
    /// Per component id, the posts that touch it, newest first.
    pub by_component: BTreeMap<String, Vec<usize>>,
}

/// A component: its `site.yaml` entry, its status now and what its checks say.
#[derive(Debug, Clone)]
pub struct Component {
    /// A copy of its entry in `site.yaml` (the config keeps its list, for lookups
    /// while loading).
    pub config: config::Component,
    pub status: ComponentStatus,
    /// Checks report a problem that no open incident or maintenance explains.
    pub unexplained: bool,
    pub health: ComponentHealth,
}

/// Load config and posts, validate, and derive the model. Writes nothing.
pub fn load(opts: &LoadOptions) -> Result<(Site, Diagnostics), InvalidSite> {
    let mut config = match config::load(&opts.root) {
        Ok(c) => c,
        Err(mut diags) => {
            // Still check the posts: one run should show the operator every problem.
            diags.extend(content::load_posts(&opts.root, None, opts.now).1);
            diags.dedup();
            return Err(InvalidSite(diags));
        }
    };
    let mut diags = Diagnostics::default();
    if let Some(url) = &opts.base_url
        && let Err(m) = config.set_base_url(url)
    {
        diags.push(crate::diagnostics::Diagnostic::error(
            Path::new("--base-url"),
            m,
        ));
        return Err(InvalidSite(diags));
    }
    // Posts and the health feed are independent: read at the same time, so neither
    // one's single-threaded stretches leave a core idle.
    let ((posts, post_diags), (mut feed, grid, feed_diags)) = rayon::join(
        || {
            crate::timings::stage("load posts", || {
                content::load_posts_cached(&opts.root, Some(&config), opts.now, &opts.post_cache)
            })
        },
        || {
            crate::timings::stage("load health", || {
                health::read_feed(&opts.root, &config, opts.now, &opts.health_cache)
            })
        },
    );
    diags.extend(post_diags);
    diags.extend(feed_diags);
    diags.extend(health::unmatched_checks(&config, &feed));
    let cache_writes = std::mem::take(&mut feed.cache_writes);
    let write_cache = || {
        crate::timings::stage("health: cache written", || {
            cache_writes
                .into_iter()
                .for_each(health::cache::Pending::write)
        })
    };
    if diags.has_errors() {
        // The feed read clean (only clean files are cached): keep what was read.
        write_cache();
        diags.dedup();
        return Err(InvalidSite(diags));
    }
    // The cache is written while the model is derived: its 32 MB (50 checks × 90
    // days) need not hold up the build.
    let (site, ()) = rayon::join(
        || {
            crate::timings::stage("model", || {
                Site::new(config, posts, (feed, grid), opts.now, opts.include_drafts)
            })
        },
        write_cache,
    );
    diags.extend(site.consistency_warnings());
    Ok((site, diags))
}

impl Site {
    /// Derive the model from validated inputs.
    pub fn new(
        config: Config,
        mut posts: Vec<Post>,
        (feed, grid): (health::Feed, health::Grid),
        now: DateTime<Utc>,
        include_drafts: bool,
    ) -> Site {
        posts.retain(|p| include_drafts || !p.draft);
        // Updates dated after `now` have not happened yet: nothing may count them.
        // Previews (drafts) keep them to show, marked as scheduled.
        for p in &mut posts {
            p.as_of(now, include_drafts);
        }
        // Newest first; kind and slug break ties so the order never depends on the file system.
        posts.sort_by(|a, b| {
            b.date()
                .cmp(&a.date())
                .then_with(|| a.kind.cmp(&b.kind))
                .then_with(|| a.slug.cmp(&b.slug))
        });
        let spans = spans(&config, &posts, now);
        let (health, component_health) = health::model(&config, feed, grid, &spans);
        let mut site = Site {
            config,
            health,
            now,
            include_drafts,
            posts,
            components: Vec::new(),
            overall: status::overall([]),
            open_incidents: Vec::new(),
            active_maintenance: Vec::new(),
            upcoming_maintenance: Vec::new(),
            news: Vec::new(),
            history: Vec::new(),
            by_component: BTreeMap::new(),
        };
        site.index();
        site.derive_components(component_health);
        site
    }

    fn index(&mut self) {
        for c in &self.config.components {
            self.by_component.insert(c.id.clone(), Vec::new());
        }
        for (i, p) in self.posts.iter().enumerate() {
            for id in &p.components {
                if let Some(v) = self.by_component.get_mut(id) {
                    v.push(i);
                }
            }
            match p.kind {
                PostKind::News => self.news.push(i),
                _ => self.history.push(i),
            }
            if let Some(inc) = p.incident()
                && inc.is_open(self.now)
            {
                self.open_incidents.push(i);
            }
            if let Some(m) = p.maintenance() {
                if m.is_active(self.now) {
                    self.active_maintenance.push(i);
                } else if m.is_upcoming(self.now) {
                    self.upcoming_maintenance.push(i);
                }
            }
        }
        // Soonest first reads best for what is coming.
        self.upcoming_maintenance.reverse();
    }

    fn derive_components(&mut self, health: Vec<ComponentHealth>) {
        let mut components = Vec::with_capacity(self.config.components.len());
        for (c, health) in self.config.components.iter().zip(health) {
            let touching = &self.by_component[&c.id];
            let in_maintenance = touching
                .iter()
                .any(|&i| self.active_maintenance.contains(&i));
            let from_incidents = touching
                .iter()
                .filter(|i| self.open_incidents.contains(i))
                .filter_map(|&i| self.posts[i].incident())
                .filter_map(|inc| status_from_impact(inc.impact))
                .reduce(status::worst);
            let verdict = health.from_checks;
            let status = status::combine(
                in_maintenance,
                from_incidents,
                verdict.map(status::from_checks),
            );
            let problem = matches!(verdict, Some(Verdict::Down | Verdict::Degraded));
            let unexplained = problem && from_incidents.is_none() && !in_maintenance;
            components.push(Component {
                config: c.clone(),
                status,
                unexplained,
                health,
            });
        }
        self.overall = status::overall(components.iter().map(|c| c.status));
        self.components = components;
    }

    /// The component with this id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.config.id == id)
    }

    /// Warnings where checks and posts disagree: a problem with no incident, or an
    /// open incident whose checks have all been up for the last hour.
    pub fn consistency_warnings(&self) -> Diagnostics {
        let mut d = Diagnostics::default();
        let feed_dir = Path::new("content").join(&self.config.health.dir);
        for c in &self.components {
            if c.unexplained {
                d.push(Diagnostic::warning(
                    &feed_dir,
                    format!(
                        "checks of component `{}` report {} and no open incident covers it; post an incident? (lantern new incident \"…\")",
                        c.config.id,
                        c.status.label().to_lowercase()
                    ),
                ));
            }
        }
        for p in self.select(&self.open_incidents) {
            let checked: Vec<&Component> = p
                .components
                .iter()
                .filter_map(|id| self.component(id))
                .filter(|c| !c.config.checks.is_empty())
                .collect();
            if !checked.is_empty() && checked.iter().all(|c| c.health.up_last_hour) {
                d.push(Diagnostic::warning(
                    &p.source,
                    "the incident is open but every check of its components has been up for the last hour; resolve it? (lantern update FILE --status resolved \"…\")",
                ));
            }
        }
        d
    }

    /// The posts at the given indices.
    pub fn select<'a>(&'a self, idx: &'a [usize]) -> impl Iterator<Item = &'a Post> + 'a {
        idx.iter().map(move |&i| &self.posts[i])
    }
}

/// Per component (config order), the incident and maintenance spans that touch it,
/// in post order.
///
/// One pass over the posts, each naming its components: asking every component of
/// every post was 500,000 string comparisons (50 components, 10,000 posts), 15 ms of
/// a cron minute.
fn spans(config: &Config, posts: &[Post], now: DateTime<Utc>) -> Vec<Spans> {
    let index: std::collections::HashMap<&str, usize> = config
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut all: Vec<Spans> = config.components.iter().map(|_| Spans::default()).collect();
    let mut touched: Vec<usize> = Vec::new();
    for p in posts {
        let incident = p.incident().and_then(|inc| {
            let sev = match inc.impact {
                Impact::Critical | Impact::Major => Severity::Down,
                Impact::Minor => Severity::Partial,
                Impact::None => return None,
            };
            Some((inc.started, inc.resolved.unwrap_or(now), sev))
        });
        let maintenance = p.maintenance().map(|m| (m.start, m.end));
        if incident.is_none() && maintenance.is_none() {
            continue;
        }
        // A component named twice still has the post's span once.
        touched.clear();
        touched.extend(
            p.components
                .iter()
                .filter_map(|id| index.get(id.as_str()).copied()),
        );
        touched.sort_unstable();
        touched.dedup();
        for &i in &touched {
            all[i].incidents.extend(incident);
            all[i].maintenance.extend(maintenance);
        }
    }
    all
}

/// What an open incident of this impact does to its components.
pub fn status_from_impact(impact: Impact) -> Option<ComponentStatus> {
    match impact {
        Impact::Critical | Impact::Major => Some(ComponentStatus::MajorOutage),
        Impact::Minor => Some(ComponentStatus::PartialOutage),
        Impact::None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use chrono::TimeZone;

    fn post(rel: &str, kind: PostKind, text: &str, config: &Config) -> Post {
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        let mut d = Diagnostics::default();
        let p = crate::content::parse_post(
            text.as_bytes().to_vec(),
            std::path::Path::new(rel),
            kind,
            Some(config),
            now,
            &mut d,
        );
        p.unwrap_or_else(|| panic!("{rel}: {d:?}"))
    }

    #[test]
    fn spans_go_to_each_named_component_once_in_post_order() {
        let config = crate::config::parse(
            "title: T\nbase_url: https://s.example/\ncomponents:\n  - { id: web, name: Web }\n  - { id: db, name: DB }\n  - { id: api, name: API }\n",
        )
        .unwrap();
        let at = |d, h| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
        let now = at(30, 0);
        let posts = [
            post(
                "content/incidents/a.md",
                PostKind::Incident,
                "---\ntitle: A\nimpact: major\ncomponents: [db, web, db]\nstarted: 2026-11-01T01:00:00Z\nresolved: 2026-11-01T02:00:00Z\nupdates:\n  - { at: 2026-11-01T01:00:00Z, status: investigating, text: x }\n  - { at: 2026-11-01T02:00:00Z, status: resolved, text: y }\n---\n",
                &config,
            ),
            post(
                "content/incidents/b.md",
                PostKind::Incident,
                "---\ntitle: B\nimpact: minor\ncomponents: [web]\nstarted: 2026-11-02T01:00:00Z\nupdates:\n  - { at: 2026-11-02T01:00:00Z, status: investigating, text: x }\n---\n",
                &config,
            ),
            post(
                "content/incidents/c.md",
                PostKind::Incident,
                "---\ntitle: C\nimpact: none\ncomponents: [api]\nstarted: 2026-11-03T01:00:00Z\nresolved: 2026-11-03T02:00:00Z\nupdates:\n  - { at: 2026-11-03T01:00:00Z, status: investigating, text: x }\n  - { at: 2026-11-03T02:00:00Z, status: resolved, text: y }\n---\n",
                &config,
            ),
            post(
                "content/maintenance/m.md",
                PostKind::Maintenance,
                "---\ntitle: M\ncomponents: [api, db]\nscheduled_start: 2026-11-04T01:00:00Z\nscheduled_end: 2026-11-04T03:00:00Z\n---\n",
                &config,
            ),
            post(
                "content/news/n.md",
                PostKind::News,
                "---\ntitle: N\ncomponents: [web]\ndate: 2026-11-05T01:00:00Z\n---\n",
                &config,
            ),
        ];
        let s = spans(&config, &posts, now);
        assert_eq!(s.len(), 3);
        // web: A then B (open: until now), in post order; the news post adds nothing.
        assert_eq!(
            s[0].incidents,
            [
                (at(1, 1), at(1, 2), Severity::Down),
                (at(2, 1), now, Severity::Partial)
            ]
        );
        assert!(s[0].maintenance.is_empty());
        // db: A once, though named twice; the maintenance window.
        assert_eq!(s[1].incidents, [(at(1, 1), at(1, 2), Severity::Down)]);
        assert_eq!(s[1].maintenance, [(at(4, 1), at(4, 3))]);
        // api: an incident of no impact marks nothing; the maintenance does.
        assert!(s[2].incidents.is_empty());
        assert_eq!(s[2].maintenance, [(at(4, 1), at(4, 3))]);
    }
}
