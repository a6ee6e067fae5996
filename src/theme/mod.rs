//! Theme loading: the embedded default theme, overridden file by file by the site's own.

use std::collections::BTreeMap;
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
    let dir = root.join("themes").join(name);
    if !dir.is_dir() {
        if name == "default" {
            return Ok(theme);
        }
        return Err(ThemeError::Missing {
            name: name.into(),
            dir: Path::new("themes").join(name),
        });
    }
    overlay(&dir.join("templates"), &mut |rel, bytes| {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        theme.templates.insert(rel, text);
    })?;
    overlay(&dir.join("static"), &mut |rel, bytes| {
        theme.statics.insert(rel, bytes);
    })?;
    overlay(&dir.join("i18n"), &mut |rel, bytes| {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        theme.catalogues.insert(rel, text);
    })?;
    Ok(theme)
}

fn overlay(dir: &Path, put: &mut dyn FnMut(String, Vec<u8>)) -> Result<(), ThemeError> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut entries: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.into_path())
        .collect();
    entries.sort();
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
