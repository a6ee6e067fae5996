//! `lantern notify`: announce every new published update once per channel.

use crate::config::NotifyConfig;
use crate::diagnostics::{Diagnostics, InvalidSite};
use crate::notify::items::{self, Item};
use crate::notify::message::Message;
use crate::notify::state::{self, State};
use crate::notify::{self, ChannelPlan, Target, mastodon};
use crate::site::{self, LoadOptions, Site};
use anyhow::{Context, anyhow, bail};
use std::path::{Path, PathBuf};

/// Options of `lantern notify`.
#[derive(Debug, Clone)]
pub struct NotifyArgs {
    pub root: PathBuf,
    pub dry_run: bool,
    pub baseline: bool,
    pub resend: Option<String>,
}

/// Send what is new; see the module docs of [`crate::notify`].
pub fn execute(args: NotifyArgs) -> anyhow::Result<()> {
    let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
    let opts = LoadOptions {
        root: args.root.clone(),
        include_drafts: false,
        base_url: None,
        now,
        health_cache: Default::default(),
        post_cache: Default::default(),
    };
    let (site, warnings) = site::load(&opts).context("notify stopped; nothing was sent")?;
    super::print_warnings(&warnings);
    let Some(cfg) = site.config.notify.clone() else {
        bail!(
            "{} has no `notify:` section: nothing to announce to (see README, \"Announcing updates\")",
            crate::config::CONFIG_PATH
        );
    };
    let items = items::all(&site);
    let path = notify::state_path(&args.root, &cfg);

    if args.dry_run {
        let state = State::load(&path)?;
        return dry_run(&site, &cfg, &items, &state, args.resend.as_deref());
    }
    ensure_inside(&args.root, &path)?;
    let _lock = state::lock(&path, |p| {
        eprintln!(
            "waiting for another `lantern notify` to finish (lock {})",
            p.display()
        )
    })?;
    // Read only once the lock is held: the state another run just wrote counts.
    let mut state = State::load(&path)?;

    if args.baseline {
        let plans = notify::plan(&cfg, &items, &state, now);
        let mut total = 0;
        for p in &plans {
            let ch = &cfg.channels[p.channel];
            let ids: Vec<&str> = p
                .send
                .iter()
                .chain(&p.record_only)
                .map(|&i| items[i].id.as_str())
                .collect();
            total += ids.len();
            state.record(&ch.id, ids)?;
        }
        println!(
            "baseline: recorded {total} item(s) as announced across {} channel(s) in {}; nothing was sent",
            cfg.channels.len(),
            path.display()
        );
        return Ok(());
    }

    let targets = resolve_all(&cfg)?;
    let agent = notify::agent(cfg.timeout);
    let mut failed = Vec::new();

    if let Some(id) = args.resend.as_deref() {
        let item = find(&items, id)?;
        let msg = Message::new(&site, item);
        let mut sent_to = 0;
        for (ch, target) in cfg.channels.iter().zip(&targets) {
            if !items::wanted(ch, item) {
                continue;
            }
            sent_to += 1;
            match deliver(&agent, &cfg, target, &ch.id, &msg, item) {
                Ok(()) => {
                    state.record(&ch.id, [item.id.as_str()])?;
                    println!("resent to {}: {}", ch.id, item.id);
                }
                Err(e) => failed.push(report(&ch.id, item, &e)),
            }
        }
        if sent_to == 0 {
            println!("no channel wants {id} (filters); nothing was sent");
        }
        return finish(&failed);
    }

    let plans = notify::plan(&cfg, &items, &state, now);
    let overflow = notify::first_run_overflow(&cfg, &plans, &state);
    if !overflow.is_empty() {
        let list: Vec<String> = overflow
            .iter()
            .map(|(c, n)| format!("{n} to `{c}`"))
            .collect();
        bail!(
            "{} does not exist yet and this first run would send {} (more than {} per channel). \
             If this site has history, run `lantern notify --baseline` once to mark everything \
             published as announced, then run `lantern notify` as usual; `--dry-run` shows what \
             would be sent. Nothing was sent.",
            path.display(),
            list.join(", "),
            notify::FIRST_RUN_LIMIT
        );
    }
    let (mut sent, mut recorded) = (0, 0);
    for (p, target) in plans.iter().zip(&targets) {
        let ch = &cfg.channels[p.channel];
        if !p.record_only.is_empty() {
            state.record(&ch.id, p.record_only.iter().map(|&i| items[i].id.as_str()))?;
            recorded += p.record_only.len();
        }
        for (n, &i) in p.send.iter().enumerate() {
            let item = &items[i];
            let msg = Message::new(&site, item);
            match deliver(&agent, &cfg, target, &ch.id, &msg, item) {
                Ok(()) => {
                    // Recorded right away: a crash later re-sends nothing already sent.
                    state.record(&ch.id, [item.id.as_str()])?;
                    sent += 1;
                    println!("sent to {}: {}", ch.id, item.id);
                }
                Err(e) => {
                    failed.push(report(&ch.id, item, &e));
                    // Later items wait too, so the channel still gets them in order.
                    let left = p.send.len() - n - 1;
                    if left > 0 {
                        eprintln!(
                            "  {left} later item(s) for `{}` wait for the next run",
                            ch.id
                        );
                    }
                    break;
                }
            }
        }
    }
    // A first run with nothing to send still creates the state file, so the next run is
    // not mistaken for a first run.
    state.ensure_exists()?;
    println!(
        "notify: {sent} message(s) sent, {recorded} older than {} recorded without sending, {} channel(s) failed",
        human(cfg.max_age),
        failed.len()
    );
    finish(&failed)
}

/// Read every channel's secrets before anything is sent.
fn resolve_all(cfg: &NotifyConfig) -> anyhow::Result<Vec<Target>> {
    let mut diags = Diagnostics::default();
    let mut targets = Vec::new();
    for ch in &cfg.channels {
        match notify::resolve(ch) {
            Ok(t) => targets.push(t),
            Err(errs) => errs.into_iter().for_each(|d| diags.push(d)),
        }
    }
    if diags.has_errors() {
        return Err(
            anyhow::Error::new(InvalidSite(diags)).context("notify stopped; nothing was sent")
        );
    }
    Ok(targets)
}

fn deliver(
    agent: &ureq::Agent,
    cfg: &NotifyConfig,
    target: &Target,
    channel: &str,
    msg: &Message,
    item: &Item<'_>,
) -> Result<(), (notify::SendError, u32)> {
    notify::with_retries(
        || target.send_once(agent, cfg.timeout, channel, msg, item.markdown),
        std::thread::sleep,
    )
}

fn report(channel: &str, item: &Item<'_>, (e, attempts): &(notify::SendError, u32)) -> String {
    let line = format!(
        "error: channel `{channel}`: sending {} failed after {attempts} attempt(s): {e}; it will be retried on the next run",
        item.id
    );
    eprintln!("{line}");
    line
}

fn finish(failed: &[String]) -> anyhow::Result<()> {
    if failed.is_empty() {
        Ok(())
    } else {
        Err(anyhow!(
            "{} send(s) failed (see above); everything else was sent and recorded",
            failed.len()
        ))
    }
}

fn find<'i, 'a>(items: &'i [Item<'a>], id: &str) -> anyhow::Result<&'i Item<'a>> {
    items::find(items, id).ok_or_else(|| {
        anyhow!(
            "no published update has the id `{id}` (drafts are never sent). Ids are the `<id>` of entries in feed.atom; `lantern notify --dry-run` lists them"
        )
    })
}

/// Print what a run would send, to whom, word for word; touch nothing.
fn dry_run(
    site: &Site,
    cfg: &NotifyConfig,
    items: &[Item<'_>],
    state: &State,
    resend: Option<&str>,
) -> anyhow::Result<()> {
    let plans: Vec<ChannelPlan> = match resend {
        Some(id) => {
            let wanted = find(items, id)?;
            let idx = items
                .iter()
                .position(|i| i.id == wanted.id)
                .expect("found above");
            cfg.channels
                .iter()
                .enumerate()
                .filter(|(_, ch)| items::wanted(ch, &items[idx]))
                .map(|(c, _)| ChannelPlan {
                    channel: c,
                    send: vec![idx],
                    record_only: Vec::new(),
                })
                .collect()
        }
        None => notify::plan(cfg, items, state, site.now),
    };
    // Secrets are checked as a real run would, but their values are never printed.
    resolve_all(cfg)?;
    let overflow = notify::first_run_overflow(cfg, &plans, state);
    if resend.is_none() && !overflow.is_empty() {
        println!(
            "note: no state file yet and more than {} items for a channel: a real run would refuse and ask for `lantern notify --baseline`",
            notify::FIRST_RUN_LIMIT
        );
    }
    let mut total = 0;
    for p in &plans {
        let ch = &cfg.channels[p.channel];
        println!(
            "== channel `{}` ({}): {} to send, {} to record without sending (older than {})",
            ch.id,
            describe(ch),
            p.send.len(),
            p.record_only.len(),
            human(cfg.max_age)
        );
        for &i in &p.send {
            total += 1;
            let msg = Message::new(site, &items[i]);
            println!("-- {}", items[i].id);
            print!("{}", preview(ch, &msg));
        }
    }
    println!("dry run: {total} message(s) would be sent; nothing was sent or recorded");
    Ok(())
}

/// Where a channel sends, without secrets.
fn describe(ch: &crate::config::Channel) -> String {
    use crate::config::Transport::*;
    match &ch.transport {
        Webhook {
            url_env,
            secret_env,
        } => format!(
            "webhook to ${url_env}{}",
            if secret_env.is_some() { ", signed" } else { "" }
        ),
        Slack { url_env } => format!("Slack webhook ${url_env}"),
        Discord { url_env } => format!("Discord webhook ${url_env}"),
        Mastodon { instance, .. } => format!("Mastodon {}", mastodon::endpoint(instance)),
        Email(e) => format!("email to {} via {}:{}", e.to.join(", "), e.host, e.port),
    }
}

/// The text a channel would receive.
fn preview(ch: &crate::config::Channel, msg: &Message) -> String {
    use crate::config::Transport::*;
    match &ch.transport {
        Mastodon { .. } => format!("{}\n", mastodon::status(msg)),
        Email(e) => format!(
            "From: {}\nTo: {}\nSubject: {}\n\n{}",
            e.from,
            e.to.join(", "),
            msg.subject(),
            msg.plain()
        ),
        _ => msg.plain(),
    }
}

/// "24h", "90m", "45s".
fn human(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

/// The state file's folder must exist inside the site, reached without a symlink out.
fn ensure_inside(root: &Path, state: &Path) -> anyhow::Result<()> {
    let dir = state.parent().unwrap_or(root);
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let real_root = root
        .canonicalize()
        .with_context(|| format!("cannot read {}", root.display()))?;
    let real_dir = dir
        .canonicalize()
        .with_context(|| format!("cannot read {}", dir.display()))?;
    if !real_dir.starts_with(&real_root) {
        bail!(
            "{} leads outside the site (through a symlink); notify writes its state only inside {}",
            dir.display(),
            root.display()
        );
    }
    Ok(())
}
