//! The build pipeline shared by `build`, `check` and `serve`.

use crate::build_cache;
use crate::diagnostics::{Diagnostics, InvalidSite};
use crate::output::{self, OutputError, PublishOptions, WriteStats};
use crate::render::{self, Files, RenderError, WorkCount};
use crate::site::{self, LoadOptions, Site};
use crate::sum::Sum;
use crate::theme::{self, ThemeError};
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
    /// Work counters of the render, for the linearity test.
    pub work: WorkCount,
}

/// Load, validate and render, writing nothing.
pub fn render_site(opts: &LoadOptions) -> Result<Rendered, BuildError> {
    let (site, warnings) = site::load(opts)?;
    let theme = theme::load(&opts.root, &site.config.theme)?;
    let (files, work) = render::render(&site, &theme)?;
    Ok(Rendered {
        site,
        warnings,
        files,
        work,
    })
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
    let (site, warnings) = site::load(opts)?;
    let theme = theme::load(&opts.root, &site.config.theme)?;
    let cache = build_cache::open(&opts.root, out, &theme);
    let (files, kept, work) = render::render_cached(&site, &theme, Some(cache.clone()))?;
    let (files, stats) = match output::publish_kept(out, &opts.root, &files, &kept, publish) {
        Ok(stats) => (
            files,
            WriteStats {
                reused: kept.len(),
                ..stats
            },
        ),
        Err(OutputError::Moved(_)) => {
            // Another build published while we rendered: render everything and publish.
            let (files, _) = render::render(&site, &theme)?;
            let stats = output::publish(out, &opts.root, &files, publish)?;
            (files, stats)
        }
        Err(e) => return Err(e.into()),
    };
    let text = cache.entries(|path| files.get(path).map(|b| Sum::of(b)));
    build_cache::save(&opts.root, out, &text);
    Ok((
        Rendered {
            site,
            warnings,
            files,
            work,
        },
        stats,
    ))
}
