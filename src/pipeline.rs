//! The build pipeline shared by `build`, `check` and `serve`.

use crate::diagnostics::{Diagnostics, InvalidSite};
use crate::output::{self, OutputError, PublishOptions, WriteStats};
use crate::render::{self, Files, Observer, RenderError};
use crate::site::{self, LoadOptions, Site};
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

/// Render and publish into `out`, replacing it only when everything succeeded.
pub fn build(
    opts: &LoadOptions,
    out: &Path,
    publish: &PublishOptions,
) -> Result<(Rendered, WriteStats), BuildError> {
    let rendered = render_site(opts)?;
    let stats = output::publish(out, &opts.root, &rendered.files, publish)?;
    Ok((rendered, stats))
}
