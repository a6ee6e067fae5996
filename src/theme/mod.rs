//! Theme loading: the embedded default theme, overridden file by file by the site's own.

use crate::contained::{Fence, LinkProblem};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Templates of the default theme, compiled into the binary so `lantern` works anywhere.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "post.html",
        include_str!("../../themes/default/templates/post.html"),
    ),
    (
        "list.html",
        include_str!("../../themes/default/templates/list.html"),
    ),
    (
        "component.html",
        include_str!("../../themes/default/templates/component.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "partials/bars.html",
        include_str!("../../themes/default/templates/partials/bars.html"),
    ),
    (
        "partials/component_health.html",
        include_str!("../../themes/default/templates/partials/component_health.html"),
    ),
    (
        "partials/day_keys.html",
        include_str!("../../themes/default/templates/partials/day_keys.html"),
    ),
    (
        "partials/post_summary.html",
        include_str!("../../themes/default/templates/partials/post_summary.html"),
    ),
];

/// Static assets of the default theme.
pub const DEFAULT_STATIC: &[(&str, &[u8])] = &[(
    "style.css",
    include_bytes!("../../themes/default/static/style.css"),
)];

/// A theme ready to render: every template's source and every static file's bytes.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub statics: BTreeMap<String, Vec<u8>>,
    /// The theme's own string catalogues (`i18n/<tag>.yaml`), by file name; they
    /// replace single keys of the shipped ones (see `i18n`).
    pub catalogues: BTreeMap<String, String>,
}

/// Why a theme could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("theme `{name}` not found: there is no folder {}", .dir.display())]
    Missing { name: String, dir: PathBuf },
    #[error("cannot read {}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Links in the theme that lead out of it; nothing behind them is read.
    #[error("{}", links_message(.0))]
    Links(Vec<LinkProblem>),
}

fn links_message(links: &[LinkProblem]) -> String {
    let lines: Vec<String> = links.iter().map(|l| format!("  error: {l}")).collect();
    format!(
        "{} link(s) in the theme cannot be used:\n{}",
        links.len(),
        lines.join("\n")
    )
}

/// Load theme `name`: embedded defaults first, then files from `root/themes/<name>/`.
pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
    let mut theme = Theme::default();
    for (n, src) in DEFAULT_TEMPLATES {
        theme.templates.insert((*n).to_string(), (*src).to_string());
    }
    for (n, bytes) in DEFAULT_STATIC {
        theme.statics.insert((*n).to_string(), bytes.to_vec());
    }
    let rel = Path::new("themes").join(name);
    let dir = root.join(&rel);
    // The theme folder may itself be a link; it must stay inside the site, and every
    // file of the theme inside the theme (a `static -> ../../content` would publish drafts).
    Fence::site(root)
        .check(&dir)
        .map_err(|l| ThemeError::Links(vec![l]))?;
    if !dir.is_dir() {
        if name == "default" {
            return Ok(theme);
        }
        return Err(ThemeError::Missing {
            name: name.into(),
            dir: rel,
        });
    }
    let fence = Fence::new(root, &rel);
    let mut links = Vec::new();
    overlay(
        &fence,
        &dir.join("templates"),
        &mut links,
        &mut |rel, bytes| {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            theme.templates.insert(rel, text);
        },
    )?;
    overlay(
        &fence,
        &dir.join("static"),
        &mut links,
        &mut |rel, bytes| {
            theme.statics.insert(rel, bytes);
        },
    )?;
    overlay(&fence, &dir.join("i18n"), &mut links, &mut |rel, bytes| {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        theme.catalogues.insert(rel, text);
    })?;
    if !links.is_empty() {
        return Err(ThemeError::Links(links));
    }
    Ok(theme)
}

/// Read every non-hidden file under `dir` into `put`, by path relative to `dir`.
fn overlay(
    fence: &Fence,
    dir: &Path,
    links: &mut Vec<LinkProblem>,
    put: &mut dyn FnMut(String, Vec<u8>),
) -> Result<(), ThemeError> {
    let hidden = |name: &OsStr| name.to_string_lossy().starts_with('.');
    let (entries, problems) = fence.files(dir, usize::MAX, &hidden);
    links.extend(problems);
    for path in entries {
        let rel = path.strip_prefix(dir).expect("walked below dir");
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(&path).map_err(|source| ThemeError::Io {
            path: path.clone(),
            source,
        })?;
        put(rel, bytes);
    }
    Ok(())
}
