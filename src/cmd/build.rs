//! `lantern build`: render the site and publish it atomically.

use crate::pipeline;
use crate::site::LoadOptions;
use anyhow::Context;
use std::path::PathBuf;
use std::time::Instant;

/// Options of `lantern build`.
#[derive(Debug, Clone)]
pub struct BuildArgs {
    pub root: PathBuf,
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

/// Build and publish; the previous output stays intact on any failure.
pub fn execute(args: BuildArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
    let out = args.out.clone().unwrap_or_else(|| args.root.join("public"));
    let opts = LoadOptions {
        root: args.root.clone(),
        include_drafts: args.drafts,
        base_url: args.base_url,
        now,
    };
    let (rendered, stats) = pipeline::build(&opts, &out)
        .context("build failed; the previous output was left as it was")?;
    super::print_warnings(&rendered.warnings);
    if args.drafts {
        eprintln!(
            "warning: --drafts: draft posts were published to {}",
            out.display()
        );
    }
    println!(
        "built {} files ({} written, {} unchanged, {} KiB) from {} posts and {} health results into {} in {} ms",
        stats.written + stats.unchanged,
        stats.written,
        stats.unchanged,
        stats.bytes / 1024,
        rendered.site.posts.len(),
        rendered.site.health.results,
        out.display(),
        started.elapsed().as_millis()
    );
    Ok(())
}
