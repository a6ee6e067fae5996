//! `lantern check`: load and validate everything, write nothing.

use crate::pipeline;
use crate::site::LoadOptions;
use std::path::Path;

/// Validate the site under `root`, drafts included; non-zero exit on any error.
pub fn execute(root: &Path) -> anyhow::Result<()> {
    let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
    let opts = LoadOptions {
        root: root.to_path_buf(),
        include_drafts: true,
        base_url: None,
        now,
        health_cache: Default::default(),
        post_cache: Default::default(),
    };
    // Rendering in memory also proves the templates work; nothing is written.
    let rendered =
        pipeline::render_site(&opts).map_err(|e| anyhow::anyhow!("check failed: {e}"))?;
    super::print_warnings(&rendered.warnings);
    let posts = rendered.site.posts.len();
    let drafts = rendered.site.posts.iter().filter(|p| p.draft).count();
    println!(
        "ok: {} components, {posts} posts ({drafts} drafts), {} warnings",
        rendered.site.config.components.len(),
        rendered.warnings.warnings().count()
    );
    Ok(())
}
