//! What `lantern notify` would send now, without secrets and without touching anything:
//! for the preview server's `/__lantern/` panel.

use super::items;
use super::message::Message;
use super::state::State;
use crate::site::{self, LoadOptions};
use chrono::{DateTime, Utc};
use std::path::Path;

/// One channel's pending items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub channel: String,
    /// `webhook`, `slack`, …
    pub transport: &'static str,
    /// (heading, time in the site timezone, item id), oldest first.
    pub send: Vec<(String, String, String)>,
    /// Items older than `max_age`, recorded without sending.
    pub record_only: usize,
}

/// The pending items per channel; `Ok(None)` when the site has no `notify:` section.
///
/// `refused` in the answer is true when a real run would refuse (first run, too many).
pub fn preview(root: &Path, now: DateTime<Utc>) -> Result<Option<(Vec<Pending>, bool)>, String> {
    let opts = LoadOptions {
        root: root.to_path_buf(),
        include_drafts: false,
        base_url: None,
        now,
        health_cache: Default::default(),
        post_cache: Default::default(),
    };
    let (site, _) = site::load(&opts).map_err(|e| e.to_string())?;
    let Some(cfg) = site.config.notify.clone() else {
        return Ok(None);
    };
    let state = State::load(&super::state_path(root, &cfg)).map_err(|e| e.to_string())?;
    let all = items::all(&site);
    let plans = super::plan(&cfg, &all, &state, now);
    let refused = !super::first_run_overflow(&cfg, &plans, &state).is_empty();
    let pending = plans
        .iter()
        .map(|p| {
            let ch = &cfg.channels[p.channel];
            Pending {
                channel: ch.id.clone(),
                transport: ch.transport.name(),
                send: p
                    .send
                    .iter()
                    .map(|&i| {
                        let m = Message::new(&site, &all[i]);
                        (format!("{}: {}", m.kind_label(), m.heading()), m.time, m.id)
                    })
                    .collect(),
                record_only: p.record_only.len(),
            }
        })
        .collect();
    Ok(Some((pending, refused)))
}
