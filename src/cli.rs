//! Command-line interface definition.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Static status pages and incident posts that stay up when your app is down.
#[derive(Debug, Parser)]
#[command(name = "lantern", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (default: <root>/public).
    Build {
        /// Site root: the folder holding content/ and themes/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder, relative to the current directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override `base_url` from site.yaml (e.g. for a staging host).
        #[arg(long)]
        base_url: Option<String>,
        /// Publish drafts too. Never the default.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate config, posts and theme without writing anything.
    Check {
        /// Site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Create a new site with a config and a first post.
    Init {
        /// Folder to create the site in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Create a draft post with the current time filled in; prints its path.
    New {
        /// What to create.
        kind: NewKind,
        /// The post title.
        title: String,
        /// Site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Append a timestamped update to an incident or maintenance post.
    Update {
        /// The post file.
        file: PathBuf,
        /// Status of the update (incident: investigating, identified, monitoring,
        /// resolved, postmortem; maintenance: scheduled, in_progress, verifying, completed).
        #[arg(long)]
        status: String,
        /// The update text (Markdown).
        text: String,
    },
}

/// Kinds of post `lantern new` can create.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NewKind {
    Incident,
    Maintenance,
    News,
}
