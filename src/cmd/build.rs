//! `lantern build`: render the site and publish it atomically.

use crate::output::PublishOptions;
use crate::pipeline;
use crate::site::LoadOptions;
use anyhow::Context;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a build waits by default for another one publishing the same output.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(60);

/// Options of `lantern build`.
#[derive(Debug, Clone)]
pub struct BuildArgs {
    pub root: PathBuf,
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// How long to wait for another build publishing the same output.
    pub wait: Duration,
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
        // Feed files already read by an earlier build are taken from the health cache.
        health_cache: crate::health::cache::Mode::Disk,
        // Posts unchanged since an earlier build are taken from the post cache.
        post_cache: crate::content::cache::Mode::Disk,
    };
    let shown = out.display().to_string();
    let on_wait = |pid: Option<u32>| {
        if args.wait.is_zero() {
            return; // the error says it all
        }
        let holder = pid.map_or_else(String::new, |p| format!(" (pid {p})"));
        eprintln!(
            "waiting up to {}s for another lantern build publishing {shown}{holder}",
            args.wait.as_secs()
        );
    };
    let publish = PublishOptions {
        wait: args.wait,
        on_wait: &on_wait,
    };
    let (rendered, stats) = pipeline::build(&opts, &out, &publish)
        .context("build failed; the previous output was left as it was")?;
    super::print_warnings(&rendered.warnings);
    if let Some(w) = &stats.warning {
        eprintln!("warning: {w}");
    }
    if args.drafts {
        eprintln!(
            "warning: --drafts: draft posts were published to {}",
            out.display()
        );
    }
    println!(
        "built {} files ({} written, {} unchanged, {} KiB, {} file operations, {} pages reused) from {} posts and {} health results into {} in {} ms",
        stats.written + stats.unchanged,
        stats.written,
        stats.unchanged,
        stats.bytes / 1024,
        stats.touched,
        stats.reused,
        rendered.site.posts.len(),
        rendered.site.health.results,
        out.display(),
        started.elapsed().as_millis()
    );
    // The process ends here: freeing 10,000 posts and their pages one by one would
    // only delay the exit (tens of ms at 10,000 posts).
    std::mem::forget(rendered);
    Ok(())
}
