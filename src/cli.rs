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
        /// How long to wait while another build publishes the same output folder
        /// (e.g. `90s`, `5m`; `0` fails at once).
        #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_wait)]
        wait: std::time::Duration,
    },
    /// Validate config, posts and theme without writing anything.
    Check {
        /// Site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Preview the site, drafts included, at a local URL; rebuilds and reloads on every
    /// change. Writes nothing: not to public/, not anywhere.
    Serve {
        /// Site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Port to listen on [default: 4000, or the next free one]. A given port must be free.
        #[arg(long)]
        port: Option<u16>,
        /// Address to listen on. Anything but loopback shows drafts to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
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
        kind: crate::vocab::PostKind,
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
        /// Status of the update (an incident or a maintenance status word).
        #[arg(long)]
        status: crate::vocab::UpdateStatus,
        /// The update text (Markdown).
        text: String,
    },
    /// Import another monitor's results into the health feed (or cState issues as posts).
    ///
    /// Health formats write JSON Lines to --out, sorted by time and check, one
    /// result per (check, time, status). Nothing is written unless the whole input
    /// was read.
    ///
    /// gatus: the JSON of `GET /api/v1/endpoints/statuses`; check id = endpoint key.
    ///
    /// uptime-kuma: the JSON of `GET /api/status-page/heartbeat/<slug>`; check id =
    /// the monitor's slugified name from --names, else `kuma-<id>`. Pending beats
    /// count as down (as Uptime Kuma's own uptime does); maintenance beats are
    /// skipped: they are neither downtime nor evidence of uptime, so those minutes
    /// read as no data once `stale_after` passes.
    ///
    /// upptime: an Upptime checkout (the folder holding history/). Upptime keeps
    /// only daily totals, so results are reconstructed every 5 minutes over each
    /// UTC day, down for the first N minutes of the day (N = dailyMinutesDown; the
    /// time of day is not recorded), then the latest status from history/<slug>.yml,
    /// held until --as-of. ISO 8601 and JavaScript `Date.toString()` dates are read;
    /// a site whose files cannot be read is skipped with a note.
    /// Daily down minutes come out exact with `stale_after` of 5m or more. Refresh
    /// without --append: each import rebuilds the whole reconstruction.
    ///
    /// prometheus: a `query_range` response for `probe_success`; one check per
    /// series, named by its `instance` label (or --label). Missing steps stay no data.
    ///
    /// cstate: a cState content/issues/ folder (or the site folder) into posts under
    /// --out: severity down → incident (major), disrupted → incident (minor), notice
    /// → maintenance when date…resolvedWhen is a window, else news.
    Import(ImportArgs),
    /// Run the checks under `probes:` in site.yaml and append one result per probe to
    /// content/<health.dir>/probe-YYYY-MM.jsonl.
    ///
    /// Prints one line per probe (id, up/degraded/down, latency, message) and exits 0
    /// even when probes fail: a failing service is data. A bad config or an unwritable
    /// feed exits 1 with nothing appended.
    Probe {
        /// Site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Repeat every DURATION (e.g. 60s, 5m) until SIGINT or SIGTERM; the round in
        /// flight finishes first. Rounds never overlap.
        #[arg(long, value_name = "DURATION")]
        every: Option<String>,
        /// Build and publish the site after each round (as `lantern build`).
        #[arg(long)]
        build: bool,
        /// Run only these probes (ids from site.yaml).
        #[arg(long, value_name = "ID", num_args = 1..)]
        only: Vec<String>,
    },
    /// Announce each new published update once to every channel in `notify:` (webhook,
    /// Slack, Discord, Mastodon, email); run it after `lantern build`.
    ///
    /// Each (channel, update) pair is recorded in the state file right after it was sent,
    /// so running it again sends nothing. A failing channel is reported, does not stop the
    /// others, and is retried on the next run; the exit code is 1 when any send failed.
    Notify {
        /// Site root.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Print exactly what would be sent to whom; send and record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Record everything published now as announced, sending nothing (run once when
        /// adopting notify on a site with history).
        #[arg(long, conflicts_with_all = ["dry_run", "resend"])]
        baseline: bool,
        /// Send this update again to every channel that wants it (its id is the `<id>` of
        /// its feed.atom entry).
        #[arg(long, value_name = "UPDATE_ID")]
        resend: Option<String>,
    },
}

/// Monitors `lantern import` reads.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    Gatus,
    UptimeKuma,
    Upptime,
    Prometheus,
    Cstate,
}

/// Everything `lantern import` takes.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Which monitor the input comes from.
    pub format: ImportFormat,
    /// The input file (gatus, uptime-kuma, prometheus) or folder (upptime, cstate).
    pub input: PathBuf,
    /// Output: the feed file [default: content/health/<format>.jsonl]; for
    /// cstate the content folder [default: content].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Merge with the existing feed file instead of replacing it; importing the
    /// same data again changes nothing.
    #[arg(long)]
    pub append: bool,
    /// uptime-kuma: the JSON of `GET /api/status-page/<slug>`, for monitor names.
    #[arg(long, value_name = "FILE")]
    pub names: Option<PathBuf>,
    /// prometheus: a `query_range` response for `probe_duration_seconds` with the
    /// same series and steps, for latency.
    #[arg(long, value_name = "FILE")]
    pub latency: Option<PathBuf>,
    /// prometheus: the series label that names each check [default: instance].
    #[arg(long, value_name = "NAME")]
    pub label: Option<String>,
    /// cstate: IANA zone of dates written without an offset (e.g. Europe/Berlin);
    /// required when any date has none.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// cstate: map an affected system to a component id, `Name=id` (repeatable);
    /// other names match a component's name or id in site.yaml (ignoring case) or
    /// are left out (slugified when there is no site.yaml).
    #[arg(long = "component", value_name = "NAME=ID")]
    pub components: Vec<String>,
    /// upptime: days reconstructed, ending at the last update [default: 90; at most 3660].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=3660))]
    pub days: Option<u32>,
    /// upptime: until when the latest recorded statuses are known to hold (Upptime
    /// records changes, not checks): an RFC 3339 time or `now` [default: the newest
    /// commit of history/ when it is a git checkout, else each site's lastUpdated].
    #[arg(long, value_name = "TIME|now")]
    pub as_of: Option<String>,
}

/// `--wait`: a duration like `90s` or `5m`, or `0` for not waiting at all.
fn parse_wait(s: &str) -> Result<std::time::Duration, String> {
    if s.trim() == "0" {
        return Ok(std::time::Duration::ZERO);
    }
    crate::time::parse_span(s)
}
