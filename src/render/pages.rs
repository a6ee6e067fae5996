//! One function per kind of HTML page; each fills a tera context from views.

use super::cache::PageCache;
use super::cache::{Context, DepKey, Key, Lookup, hash_digest};
use super::settled::{self, Stamp};
use super::sink::{Sink, render_batched};
use super::views::{self, PostView, SiteView};
use super::{Files, Observer, RenderError, template_error, time};
use crate::content::PostKind;
use crate::i18n::Locale;
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::sync::{Arc, Mutex};
use tera::Tera;

/// Posts per page of the history and news archives.
pub const PAGE_SIZE: usize = 50;
/// Items shown in the home page's short lists; keeps the home page bounded.
const HOME_LIST: usize = 5;

/// Page metadata every template gets.
#[derive(Debug, Serialize)]
struct PageMeta {
    title: String,
    /// Absolute URL of this page.
    canonical: String,
    description: String,
    /// Which navigation entry is current: `status`, `history`, `news` or ``.
    section: &'static str,
    /// The page depends on now: its footer carries the generation time.
    live: bool,
    /// A settled page's last change, shown instead of the generation time.
    changed: Option<time::TimeView>,
}

/// A month heading with its posts, for archives.
#[derive(Debug, Serialize)]
struct MonthView<'a> {
    label: String,
    posts: Vec<PostView<'a>>,
}

/// Links between archive pages.
#[derive(Debug, Serialize)]
struct Pagination {
    number: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

/// What every page function needs: the model, the templates, the reader's language
/// and the observer told about each unit of work. Passed once, as `pg`.
pub struct Pages<'a> {
    pub site: &'a Site,
    pub tera: &'a Tera,
    pub loc: &'a Locale,
    pub observer: &'a dyn Observer,
    /// The render cache, when the build has one.
    pub cache: Option<Arc<PageCache>>,
    /// With the cache: the digest of the site-wide inputs besides the site view
    /// (settings, string catalogues) for dependency keys.
    pub inputs: Option<Key>,
    /// Where post and archive pages go as they are rendered, when the build streams.
    pub sink: Option<&'a dyn Sink>,
    /// The paths of the pages handed to `sink` (placeholders in `files`).
    pub handed: Mutex<Vec<String>>,
}

/// What dependency keys ([`DepKey`]) are made of in one render: the site-wide digest
/// and each post's (by index into `site.posts`).
struct Deps {
    site: Key,
    posts: Vec<Key>,
}

impl Deps {
    /// Only with a cache, and only when the settled site view has a digest.
    fn new(pg: &Pages, sv: &SiteView) -> Option<Deps> {
        pg.cache.as_ref()?;
        let inputs = pg.inputs?;
        let (_, settled) = sv.settled.as_ref()?.shared.as_ref()?;
        let posts = pg
            .site
            .posts
            .par_iter()
            .map(|p| {
                // A remembered digest that went stale would reuse a wrong page.
                debug_assert_eq!(p.digest(), hash_digest(p), "{}", p.source.display());
                p.digest()
            })
            .collect();
        Some(Deps {
            site: hash_digest(&(inputs, settled)),
            posts,
        })
    }

    /// The key of the settled page at `path` showing the posts `shown`, with `extra`
    /// (what else the page shows: its number, say).
    fn key<E: std::hash::Hash>(
        &self,
        pg: &Pages,
        template: &str,
        path: &str,
        stamp: Stamp,
        shown: &[usize],
        extra: &E,
    ) -> Option<Key> {
        let cache = pg.cache.as_ref()?;
        let Stamp::Settled(changed) = stamp else {
            return None;
        };
        let mut k = DepKey::new(&cache.fingerprint, &self.site, template, path);
        k.add(&changed);
        k.add(&shown.len());
        for &i in shown {
            k.add(&self.posts[i]);
        }
        k.add(extra);
        Some(k.finish())
    }

    /// The live file for the page keyed `key`, if it holds the page's bytes.
    fn kept(&self, pg: &Pages, path: &str, key: Option<Key>) -> bool {
        match (&pg.cache, key) {
            (Some(cache), Some(key)) => cache.lookup_deps(path, key).is_some(),
            _ => false,
        }
    }
}

/// Render every HTML page into `files`.
pub fn render_all(pg: &Pages, files: &mut Files) -> Result<(), RenderError> {
    let (site, loc) = (pg.site, pg.loc);
    let sv = views::site_view(site, loc);
    let deps = Deps::new(pg, &sv);
    home(pg, &sv, files)?;
    // Post pages are independent: render them in parallel, then insert in order
    // (a BTreeMap), so the output does not depend on the number of threads.
    let pages = render_batched(site.posts.len(), pg.sink, &pg.handed, |i| {
        let p = &site.posts[i];
        {
            let stamp = settled::stamp([p], site.now);
            let path = format!("{}index.html", p.path());
            let mut dep_keyed = false;
            if let Some(deps) = &deps {
                let key = deps.key(pg, "post.html", &path, stamp, &[i], &());
                if deps.kept(pg, &path, key) {
                    // An empty placeholder, as `page` leaves for a reused page.
                    return Ok((path, Vec::new()));
                }
                dep_keyed = key.is_some();
            }
            let view = post_view(pg, p, true);
            let meta = meta(
                site,
                &p.path(),
                &p.title,
                &status_sentence(site, p.kind, &view, loc),
                "",
                stamp,
                loc,
            );
            let mut ctx = base(&sv, &meta, dep_keyed);
            ctx.insert("post", &view);
            page(pg, "post.html", &ctx, path)
        }
    })?;
    files.extend(pages);
    let history = Section {
        name: "history",
        title: loc.t("list.history"),
        posts: &site.history,
    };
    archive(pg, &sv, deps.as_ref(), files, &history)?;
    let news = Section {
        name: "news",
        title: loc.t("list.news"),
        posts: &site.news,
    };
    archive(pg, &sv, deps.as_ref(), files, &news)?;
    // Component pages carry day tables and charts of the health feed: in parallel.
    let components: Vec<(String, Vec<u8>)> = site
        .components
        .par_iter()
        .map(|comp| {
            let c = &comp.config;
            let path = format!("components/{}/", c.id);
            let cv = views::component(site, comp, loc);
            let desc = loc.f(
                "home.problem",
                &[
                    ("name", &c.name),
                    ("status", &views::component_status(comp.status, loc)),
                ],
            );
            let meta = meta(site, &path, &c.name, &desc, "", Stamp::Live, loc);
            let touching = &site.by_component[&c.id];
            let posts: Vec<PostView> = site
                .select(touching)
                .take(PAGE_SIZE)
                .map(|p| post_view(pg, p, false))
                .collect();
            let mut ctx = base(&sv, &meta, false);
            ctx.insert("component", &cv);
            ctx.insert("latency", &super::bars::latency_chart(site, comp, loc));
            ctx.insert("days", &super::days::day_table(site, comp, loc));
            ctx.insert("posts", &posts);
            ctx.insert("more", &(touching.len() > PAGE_SIZE));
            page(pg, "component.html", &ctx, format!("{path}index.html"))
        })
        .collect::<Result<_, RenderError>>()?;
    files.extend(components);
    let meta = meta(
        site,
        "404.html",
        loc.t("not_found.title"),
        &site.config.description,
        "",
        Stamp::Settled(None),
        loc,
    );
    put(
        pg,
        "404.html",
        &base(&sv, &meta, false),
        "404.html".into(),
        files,
    )?;
    Ok(())
}

fn home(pg: &Pages, sv: &SiteView, files: &mut Files) -> Result<(), RenderError> {
    let (site, loc) = (pg.site, pg.loc);
    // Past means over: not open, not running, not still to come.
    let current = |i: &usize| {
        site.open_incidents.contains(i)
            || site.active_maintenance.contains(i)
            || site.upcoming_maintenance.contains(i)
            || site.posts[*i].date() > site.now
    };
    let recent: Vec<usize> = site
        .history
        .iter()
        .copied()
        .filter(|i| !current(i))
        .take(HOME_LIST)
        .collect();
    let meta = meta(
        site,
        "",
        &site.config.title,
        &home_description(site, loc),
        "status",
        Stamp::Live,
        loc,
    );
    let mut ctx = base(sv, &meta, false);
    ctx.insert("groups", &views::groups(site, loc));
    // Every open incident is shown: during an outage nothing may be cut off.
    ctx.insert(
        "open_incidents",
        &summaries(pg, &site.open_incidents, usize::MAX),
    );
    ctx.insert(
        "active_maintenance",
        &summaries(pg, &site.active_maintenance, usize::MAX),
    );
    ctx.insert(
        "upcoming_maintenance",
        &summaries(pg, &site.upcoming_maintenance, HOME_LIST),
    );
    ctx.insert("news", &summaries(pg, &site.news, HOME_LIST));
    ctx.insert("recent", &summaries(pg, &recent, HOME_LIST));
    put(pg, "index.html", &ctx, "index.html".into(), files)
}

fn summaries<'a>(pg: &Pages<'a>, idx: &[usize], n: usize) -> Vec<PostView<'a>> {
    idx.iter()
        .take(n)
        .map(|&i| post_view(pg, &pg.site.posts[i], false))
        .collect()
}

/// A paginated archive: its URL section, heading and posts (newest first).
struct Section<'a> {
    name: &'static str,
    title: &'a str,
    posts: &'a [usize],
}

fn archive(
    pg: &Pages,
    sv: &SiteView,
    deps: Option<&Deps>,
    files: &mut Files,
    sec: &Section,
) -> Result<(), RenderError> {
    let (site, loc) = (pg.site, pg.loc);
    // Grouped by month: `<section>/`, `<section>/page/2/`, …
    let (section, title, idx) = (sec.name, sec.title, sec.posts);
    let root = site.config.base_path();
    let chunks: Vec<&[usize]> = if idx.is_empty() {
        vec![&[][..]]
    } else {
        idx.chunks(PAGE_SIZE).collect()
    };
    let total = chunks.len();
    let page_path = |n: usize| {
        if n == 1 {
            format!("{section}/")
        } else {
            format!("{section}/page/{n}/")
        }
    };
    // Pages are independent: rendered in parallel (200 of them at 10,000 posts), then
    // inserted in order.
    let pages = render_batched(chunks.len(), pg.sink, &pg.handed, |i| {
        let chunk = chunks[i];
        {
            let number = i + 1;
            let path = page_path(number);
            let stamp = settled::stamp(site.select(chunk), site.now);
            let mut dep_keyed = false;
            if let Some(deps) = deps {
                let file = format!("{path}index.html");
                let key = deps.key(pg, "list.html", &file, stamp, chunk, &(section, total));
                if deps.kept(pg, &file, key) {
                    return Ok((file, Vec::new()));
                }
                dep_keyed = key.is_some();
            }
            let mut months: Vec<MonthView> = Vec::new();
            for p in site.select(chunk) {
                let label = time::month(p.date(), site.config.timezone, loc);
                let view = post_view(pg, p, false);
                match months.last_mut() {
                    Some(m) if m.label == label => m.posts.push(view),
                    _ => months.push(MonthView {
                        label,
                        posts: vec![view],
                    }),
                }
            }
            let pagination = Pagination {
                number,
                total,
                prev: (number > 1).then(|| format!("{root}{}", page_path(number - 1))),
                next: (number < total).then(|| format!("{root}{}", page_path(number + 1))),
            };
            let page_title = if number == 1 {
                title.to_string()
            } else {
                loc.f(
                    "list.page_title",
                    &[("title", title), ("n", &loc.integer(number as u64))],
                )
            };
            let meta = meta(
                site,
                &path,
                &page_title,
                &site.config.description,
                section,
                stamp,
                loc,
            );
            let mut ctx = base(sv, &meta, dep_keyed);
            ctx.insert("heading", title);
            ctx.insert("months", &months);
            ctx.insert("pagination", &pagination);
            page(pg, "list.html", &ctx, format!("{path}index.html"))
        }
    })?;
    files.extend(pages);
    Ok(())
}

/// The context every page starts from; `dep_keyed`: the page already has a
/// dependency key, so its context needs none ([`Context::without_key`]).
fn base(sv: &SiteView, meta: &PageMeta, dep_keyed: bool) -> Context {
    let mut ctx = if dep_keyed {
        Context::without_key()
    } else {
        Context::new()
    };
    // A settled page sees no time or status of now: its inputs, and so its cache
    // key, stay the same as time passes.
    let sv = match &sv.settled {
        Some(settled) if !meta.live => settled,
        _ => sv,
    };
    match &sv.shared {
        Some((value, digest)) => ctx.insert_shared("site", value.clone(), digest),
        None => ctx.insert("site", sv),
    }
    ctx.insert("page", meta);
    ctx
}

fn meta(
    site: &Site,
    path: &str,
    title: &str,
    description: &str,
    section: &'static str,
    stamp: Stamp,
    loc: &Locale,
) -> PageMeta {
    PageMeta {
        title: title.to_string(),
        canonical: format!("{}{}", site.config.base_url, path),
        description: description.to_string(),
        section,
        live: stamp == Stamp::Live,
        changed: match stamp {
            Stamp::Settled(t) => t.map(|t| time::view(t, site.config.timezone, loc)),
            Stamp::Live => None,
        },
    }
}

/// The home page's share text states the current situation, not a slogan.
fn home_description(site: &Site, loc: &Locale) -> String {
    let overall = views::overall_text(site, loc);
    let bad: Vec<String> = site
        .components
        .iter()
        .filter(|c| c.status.rank() > 0)
        .map(|c| {
            // As the catalogue writes it: lowercasing would be wrong for German nouns.
            let status = views::component_status(c.status, loc);
            loc.f(
                "home.problem",
                &[("name", &c.config.name), ("status", &status)],
            )
        })
        .collect();
    if bad.is_empty() {
        overall
    } else {
        let problems = bad.join("; ");
        loc.f(
            "home.description",
            &[("overall", &overall), ("problems", &problems)],
        )
    }
}

fn status_sentence(site: &Site, kind: PostKind, v: &PostView, loc: &Locale) -> String {
    match (kind, v.ongoing) {
        (PostKind::Incident, true) => loc.f(
            "post.since",
            &[
                ("status", &v.status_label),
                ("time", &v.date.time),
                ("overall", &views::overall_text(site, loc)),
            ],
        ),
        (PostKind::Incident, false) => loc.f(
            "post.resolved_summary",
            &[
                ("date", &v.date.date),
                ("duration", v.duration.as_deref().unwrap_or("")),
            ],
        ),
        (PostKind::Maintenance, _) => loc.f(
            "post.maintenance_summary",
            &[
                ("from", &v.date.display),
                ("to", v.end.as_ref().map_or("", |e| &e.display)),
            ],
        ),
        _ => format!("{}: {}", v.date.date, v.title),
    }
}

fn render(
    tera: &Tera,
    template: &str,
    ctx: &Context,
    observer: &dyn Observer,
) -> Result<Vec<u8>, RenderError> {
    observer.template_rendered();
    // Bytes, not `Tera::render`'s `String`: that checks every page is UTF-8 again
    // (tera writes only `str`s), a few milliseconds of a 10,000-post build.
    let mut html = Vec::with_capacity(16 * 1024);
    tera.render_to(template, ctx.tera(), &mut html)
        .map_err(|e| template_error(template, &e))?;
    Ok(html)
}

/// The page at `path`: rendered, or — when the render cache knows its inputs and the
/// live output holds its bytes — an empty placeholder that `render::render` takes out
/// and publishing keeps from the live output.
fn page(
    pg: &Pages,
    template: &str,
    ctx: &Context,
    path: String,
) -> Result<(String, Vec<u8>), RenderError> {
    if let Some(cache) = &pg.cache
        && let Lookup::Kept(_) = cache.lookup(&path, template, ctx)
    {
        return Ok((path, Vec::new()));
    }
    let html = render(pg.tera, template, ctx, pg.observer)?;
    Ok((path, html))
}

fn put(
    pg: &Pages,
    template: &str,
    ctx: &Context,
    path: String,
    files: &mut Files,
) -> Result<(), RenderError> {
    let (path, bytes) = page(pg, template, ctx, path)?;
    files.insert(path, bytes);
    Ok(())
}

/// Build a post's view, telling the observer: the per-build total proves the work is linear.
fn post_view<'a>(pg: &Pages<'a>, p: &'a crate::content::Post, full: bool) -> PostView<'a> {
    pg.observer.post_view_built();
    views::post(pg.site, p, full, pg.loc)
}
