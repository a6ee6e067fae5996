//! Where the render cache lives between builds: `<root>/.lantern-cache/pages-*`
//! (see `cache_dir`), one file per output folder (never inside the output itself).
//!
//! Only an optimisation: a missing, unreadable or garbage file means pages are rendered
//! again, and a file that cannot be written is skipped without a word.

use crate::render::cache::{self, PageCache};
use crate::theme::Theme;
use std::path::Path;
use std::sync::Arc;

/// The name of the cache file for the output `out`.
fn name(out: &Path) -> String {
    let abs = crate::output::absolute(out);
    let h = blake3::hash(abs.as_os_str().as_encoded_bytes());
    let name: String = h.as_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("pages-{name}")
}

/// What the render cache for building into `out` starts from: what the last builds
/// rendered, and what the live output holds. Read while the site loads; made into a
/// cache by [`open`] once the theme is known.
pub struct Stored {
    known: std::collections::HashMap<cache::Key, crate::sum::Sum>,
    live: std::collections::HashMap<String, crate::sum::Sum>,
}

/// Read [`Stored`] for building into `out`.
pub fn read(root: &Path, out: &Path) -> Stored {
    let text = crate::cache_dir::existing(root)
        .and_then(|dir| crate::cache_dir::read_no_follow(&dir.join(name(out))))
        .unwrap_or_default();
    Stored {
        known: cache::parse(&text),
        live: crate::output::published_sums(out, root),
    }
}

/// The render cache for building into `out` with `theme`, from what [`read`] found.
pub fn open(stored: Stored, theme: &Theme) -> Arc<PageCache> {
    Arc::new(PageCache::from_memory(
        cache::fingerprint(&theme.templates, &crate::cache_dir::binary_identity()),
        stored.known,
        stored.live,
    ))
}

/// Store `text` as the cache for `out`, replacing the file in one rename. Silently
/// does nothing if the cache folder is not a plain folder of ours or is not writable.
pub fn save(root: &Path, out: &Path, text: &str) {
    crate::cache_dir::write(root, &name(out), text.as_bytes());
}
