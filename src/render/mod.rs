//! Rendering: the site model in, every output file's bytes out. Never reads files.

pub mod api;
pub mod badges;
pub mod bars;
pub mod cache;
pub mod clean;
pub mod days;
pub mod discovery;
pub mod escape;
pub mod feeds;
pub mod ics;
pub mod markdown;
mod observer;
mod pages;
pub mod settled;
pub mod shadow;
mod sink;
pub mod time;
pub mod urls;
pub mod views;

use crate::site::Site;
use crate::theme::Theme;
use cache::PageCache;
pub use observer::{Observer, Unobserved, WorkCount, WorkCounter};
pub use pages::PAGE_SIZE;
pub use sink::Sink;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Every file of the built site: path relative to the output folder → bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Why rendering failed: a template problem, named by template.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template `{name}`: {message}")]
    Template { name: String, message: String },
    /// Theme static files that would replace generated output: (theme file, generated).
    #[error("{}", shadow_message(.0))]
    Shadowed(Vec<(String, String)>),
    /// A string catalogue (shipped, theme or `strings:`) that does not parse.
    #[error("strings: {0}")]
    Strings(#[from] crate::i18n::I18nError),
}

fn shadow_message(pairs: &[(String, String)]) -> String {
    let lines: Vec<String> = pairs
        .iter()
        .map(|(theme_file, generated)| {
            format!("  error: {theme_file}: would replace {generated}, which Lantern generates; rename or remove the theme file")
        })
        .collect();
    format!(
        "{} theme static file(s) collide with generated output:\n{}",
        pairs.len(),
        lines.join("\n")
    )
}

/// Compile the theme's templates once; HTML and XML templates autoescape.
pub fn templates(theme: &Theme) -> Result<tera::Tera, RenderError> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html", ".xml", ".svg"]);
    tera.set_escape_fn(escape::escape_html_runs);
    // All at once: tera resolves `extends` and `include` across the whole set.
    tera.add_raw_templates(
        theme
            .templates
            .iter()
            .map(|(n, s)| (n.as_str(), s.as_str())),
    )
    .map_err(|e| template_error("theme", &e))?;
    Ok(tera)
}

fn template_error(name: &str, e: &tera::Error) -> RenderError {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    RenderError::Template {
        name: name.to_string(),
        message,
    }
}

/// Pages not rendered because the live output already holds their bytes: path → digest.
pub type Kept = BTreeMap<String, crate::sum::Sum>;

/// Render the whole site.
pub fn render(site: &Site, theme: &Theme) -> Result<Files, RenderError> {
    render_with(site, theme, &Unobserved, None, None).map(|(files, _)| files)
}

/// Render the whole site, telling `observer` about the work done (the test seam of
/// the linearity test; builds use [`render`]).
pub fn render_observed(
    site: &Site,
    theme: &Theme,
    observer: &dyn Observer,
) -> Result<Files, RenderError> {
    render_with(site, theme, observer, None, None).map(|(files, _)| files)
}

/// Render the whole site, reusing pages `cache` knows the live output holds: those
/// are in `Kept`, not in `Files`.
pub fn render_cached(
    site: &Site,
    theme: &Theme,
    cache: Option<Arc<PageCache>>,
    observer: &dyn Observer,
) -> Result<(Files, Kept), RenderError> {
    render_with(site, theme, observer, cache, None)
}

/// [`render_cached`], handing post and archive pages to `sink` as they are rendered
/// (cleaned, as every file is): those are in neither `Files` nor `Kept`.
pub fn render_streamed(
    site: &Site,
    theme: &Theme,
    cache: Option<Arc<PageCache>>,
    sink: &dyn Sink,
) -> Result<(Files, Kept), RenderError> {
    render_with(site, theme, &Unobserved, cache, Some(sink))
}

fn render_with(
    site: &Site,
    theme: &Theme,
    observer: &dyn Observer,
    cache: Option<Arc<PageCache>>,
    sink: Option<&dyn Sink>,
) -> Result<(Files, Kept), RenderError> {
    let tera = crate::timings::stage("render: templates", || templates(theme))?;
    let loc = locale(site, theme)?;
    // Everything site-wide a settled page can show besides the settled site view: the
    // settings (Debug shows every field) and the strings it is worded in.
    let inputs = cache.as_ref().map(|_| {
        cache::hash_digest(&(
            format!("{:?}", site.config),
            &theme.catalogues,
            site.include_drafts,
        ))
    });
    let pg = pages::Pages {
        site,
        tera: &tera,
        loc: &loc,
        observer,
        cache,
        inputs,
        sink,
        handed: Default::default(),
    };
    // Pages on one side, feeds, calendars, API and badges on the other: both cores stay
    // busy to the end. Keys never collide (pages are `.html`); the others are added
    // after the pages, as when this ran in sequence.
    let (pages, others) = rayon::join(
        || {
            let mut files = Files::new();
            crate::timings::stage("render pages", || pages::render_all(&pg, &mut files))
                .map(|()| files)
        },
        || {
            let mut files = Files::new();
            // Machine outputs: never translated.
            crate::timings::stage("render api, feeds, calendars, badges", || {
                api::uptime::render(site, &mut files);
                api::statuspage::render(site, &mut files);
                crate::timings::stage("render feeds", || feeds::render(site, &mut files, &loc));
                ics::render(site, &mut files, &loc);
                badges::render(site, &mut files, &loc);
            });
            files
        },
    );
    let mut files = pages?;
    files.extend(others);
    // After every page (the sitemap lists them) and before the theme's statics, so a
    // theme's own favicon.svg or robots.txt wins.
    crate::timings::stage("render: sitemap", || {
        discovery::render(site, &mut files, &loc)
    });
    let dir = format!("themes/{}/static", site.config.theme);
    let shadowed = shadow::shadowed(&files, theme.statics.keys());
    if !shadowed.is_empty() {
        return Err(RenderError::Shadowed(
            shadowed
                .into_iter()
                .map(|(s, g)| (format!("{dir}/{s}"), g))
                .collect(),
        ));
    }
    // Last, over everything generated: no control character or noncharacter from a
    // feed or an import survives in any HTML, XML or JSON file. The theme's own
    // static files are the operator's and are copied as they are.
    crate::timings::stage("render: clean", || clean::clean_files(&mut files));
    for (name, bytes) in &theme.statics {
        files.insert(name.clone(), bytes.clone());
    }
    // Reused pages left empty placeholders (checked for collisions above like any
    // page; nothing to clean): publishing takes their bytes from the live output.
    let kept = pg.cache.as_ref().map(|c| c.kept()).unwrap_or_default();
    for path in kept.keys() {
        files.remove(path);
    }
    // Handed pages left placeholders too: the sink has their bytes.
    for path in pg.handed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        files.remove(&path);
    }
    Ok((files, kept))
}

/// The reader's language: shipped catalogue, the theme's `i18n/<tag>.yaml`, then the
/// site's `strings:`.
pub fn locale(site: &Site, theme: &Theme) -> Result<crate::i18n::Locale, RenderError> {
    let c = &site.config;
    let tag = crate::i18n::resolve_tag(&c.language).unwrap_or("en");
    let file = format!("{tag}.yaml");
    let theme_file = theme
        .catalogues
        .get(&file)
        .map(|text| (format!("themes/{}/i18n/{file}", c.theme), text.as_str()));
    Ok(crate::i18n::Locale::new(
        &c.language,
        theme_file.as_ref().map(|(f, t)| (f.as_str(), *t)),
        &c.strings,
    )?)
}
