//! The build pipeline shared by `build`, `check` and `serve`.

use crate::build_cache;
use crate::diagnostics::{Diagnostics, InvalidSite};
use crate::output::{self, OutputError, PublishOptions, WriteStats};
use crate::render::{self, Files, Observer, RenderError};
use crate::site::{self, LoadOptions, Site};
use crate::sum::Sum;
use crate::theme::{self, ThemeError};
use crate::timings::stage;
use std::collections::HashMap;
use std::path::Path;

/// Why a build stopped. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Invalid(#[from] InvalidSite),
    #[error(transparent)]
    Theme(#[from] ThemeError),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// A rendered site held in memory.
#[derive(Debug)]
pub struct Rendered {
    pub site: Site,
    pub warnings: Diagnostics,
    pub files: Files,
}

/// Load, validate and render, writing nothing.
pub fn render_site(opts: &LoadOptions) -> Result<Rendered, BuildError> {
    render_site_observed(opts, &render::Unobserved)
}

/// As [`render_site`], telling `observer` about the render's work (the linearity
/// test's seam).
pub fn render_site_observed(
    opts: &LoadOptions,
    observer: &dyn Observer,
) -> Result<Rendered, BuildError> {
    let (site, warnings) = site::load(opts)?;
    let theme = theme::load(&opts.root, &site.config.theme)?;
    let files = render::render_observed(&site, &theme, observer)?;
    Ok(Rendered {
        site,
        warnings,
        files,
    })
}

/// What a preview keeps between renders so unchanged pages are not rendered again:
/// the digests of the files of its last good render.
#[derive(Debug, Default, Clone)]
pub struct Reuse {
    known: std::collections::HashMap<render::cache::Key, Sum>,
    sums: std::collections::HashMap<String, Sum>,
}

/// [`render_site`], taking pages whose inputs did not change from `previous_files`
/// (the last good render, which `previous` describes) instead of rendering them;
/// returns what the next call needs. The files are [`render_site`]'s, byte for byte.
pub fn render_site_reusing(
    opts: &LoadOptions,
    previous_files: &Files,
    previous: &Reuse,
    observer: &dyn render::Observer,
) -> Result<(Rendered, Reuse), BuildError> {
    let (site, warnings) = site::load(opts)?;
    let theme = theme::load(&opts.root, &site.config.theme)?;
    let cache = std::sync::Arc::new(render::cache::PageCache::from_memory(
        render::cache::fingerprint(&theme.templates, ""),
        previous.known.clone(),
        previous.sums.clone(),
    ));
    let (mut files, kept) = render::render_cached(&site, &theme, Some(cache.clone()), observer)?;
    let (known, sums) = cache.remember(|p| files.get(p).map(|b| Sum::of(b)));
    for (path, sum) in &kept {
        match previous_files.get(path) {
            Some(bytes) if Sum::of(bytes) == *sum => {
                files.insert(path.clone(), bytes.clone());
            }
            _ => {
                // `previous` did not describe these files: render everything.
                let files = render::render_observed(&site, &theme, observer)?;
                let sums = files.iter().map(|(p, b)| (p.clone(), Sum::of(b))).collect();
                let rendered = Rendered {
                    site,
                    warnings,
                    files,
                };
                return Ok((rendered, Reuse { known, sums }));
            }
        }
    }
    let rendered = Rendered {
        site,
        warnings,
        files,
    };
    Ok((rendered, Reuse { known, sums }))
}

/// Render and publish into `out`, replacing it only when everything succeeded.
///
/// Pages whose inputs are unchanged since a build whose output is live are not
/// rendered again (`build_cache`); `Rendered::files` then lacks them.
pub fn build(
    opts: &LoadOptions,
    out: &Path,
    publish: &PublishOptions,
) -> Result<(Rendered, WriteStats), BuildError> {
    // The render cache's file and the live marker are read while the site loads.
    let (loaded, stored) = rayon::join(
        || stage("load", || site::load(opts)),
        || stage("render cache read", || build_cache::read(&opts.root, out)),
    );
    let (site, warnings) = loaded?;
    let theme = theme::load(&opts.root, &site.config.theme)?;
    let cache = build_cache::open(stored, &theme);
    // Nothing published yet: pages are written as they render.
    if let Some(stream) = stage("stream begun", || {
        output::Stream::begin(out, &opts.root, publish)
    })? {
        let (files, kept) = stage("render", || {
            render::render_streamed(&site, &theme, Some(cache.clone()), &stream)
        })?;
        if kept.is_empty() {
            let sums = stage("digests", || output::digests(&files));
            let finished = stage("publish", || stream.finish(&files, &sums))?;
            let mut all: HashMap<&str, Sum> = sums;
            all.extend(finished.handed.iter().map(|(p, s)| (p.as_str(), *s)));
            save_render_cache(&cache, &opts.root, out, &all);
            let rendered = Rendered {
                site,
                warnings,
                files,
            };
            return Ok((rendered, finished.stats));
        }
        // The render cache took pages from an output that has gone since: start over.
        drop(stream);
        return build_all(opts, out, publish, site, warnings, &theme, &cache);
    }
    let (files, kept) = stage("render", || {
        render::render_cached(&site, &theme, Some(cache.clone()), &render::Unobserved)
    })?;
    let sums = stage("digests", || output::digests(&files));
    let published = stage("publish", || {
        output::publish_kept(out, &opts.root, &files, &sums, &kept, publish)
    });
    let (files, stats) = match published {
        Ok(stats) => {
            save_render_cache(&cache, &opts.root, out, &sums);
            drop(sums);
            let stats = WriteStats {
                reused: kept.len(),
                ..stats
            };
            (files, stats)
        }
        Err(OutputError::Moved(_)) => {
            // Another build published while we rendered: render everything and publish.
            drop(sums);
            return build_all(opts, out, publish, site, warnings, &theme, &cache);
        }
        Err(e) => return Err(e.into()),
    };
    Ok((
        Rendered {
            site,
            warnings,
            files,
        },
        stats,
    ))
}

/// Render every page (none taken from the live output) and publish.
fn build_all(
    opts: &LoadOptions,
    out: &Path,
    publish: &PublishOptions,
    site: Site,
    warnings: Diagnostics,
    theme: &theme::Theme,
    cache: &render::cache::PageCache,
) -> Result<(Rendered, WriteStats), BuildError> {
    let files = render::render(&site, theme)?;
    let sums = output::digests(&files);
    let stats = output::publish_kept(out, &opts.root, &files, &sums, &Default::default(), publish)?;
    save_render_cache(cache, &opts.root, out, &sums);
    drop(sums);
    Ok((
        Rendered {
            site,
            warnings,
            files,
        },
        stats,
    ))
}

/// The render cache keeps this build's pages by the digests publishing used.
fn save_render_cache(
    cache: &render::cache::PageCache,
    root: &Path,
    out: &Path,
    sums: &HashMap<&str, Sum>,
) {
    stage("render cache save", || {
        let text = cache.entries(|path| sums.get(path).copied());
        build_cache::save(root, out, &text);
    })
}
