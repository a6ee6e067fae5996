//! What `lantern notify` announces: one item per incident update, maintenance update,
//! maintenance without updates, and news post, each with the id of its feed entry.
//!
//! Items are built from [`entries::listed`], so an item's id is exactly the `<id>` of the
//! same entry in `feed.atom` (a tag URI that never changes once written): a reader who
//! saw an update in the feed and in Slack sees the same identity in both.

use crate::config::Channel;
use crate::content::{Detail, Post, PostKind};
use crate::render::feeds::entries;
use crate::site::Site;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// One announceable item.
#[derive(Debug, Clone)]
pub struct Item<'a> {
    /// The feed entry id; the key in the state file.
    pub id: String,
    pub post: &'a Post,
    /// When it happened: the update time, the news date, or the maintenance window start.
    pub at: DateTime<Utc>,
    /// Machine status word (`resolved`, `in_progress`, …); `None` for news and for
    /// maintenance announced before any update.
    pub status: Option<&'static str>,
    /// Reader's status label ("Resolved"); "Scheduled" for maintenance without
    /// updates; empty for news.
    pub label: &'static str,
    /// The Markdown this item says.
    pub markdown: &'a str,
    /// Absolute URL of the post page (with the update's anchor).
    pub url: String,
    /// Id of the post's oldest item: every email of one incident replies to it.
    pub thread_root: String,
}

/// Every published item of `site`, oldest first (ties: kind, slug, id).
///
/// `site` must be loaded without drafts; drafts are also skipped here, so a draft is
/// never announced whatever the caller loaded.
pub fn all(site: &Site) -> Vec<Item<'_>> {
    let mut items: Vec<Item<'_>> = entries::listed(site)
        .into_iter()
        .filter(|e| !e.post.draft)
        .map(|e| Item {
            status: e.tags.get(1).copied(),
            id: e.id,
            post: e.post,
            at: e.at,
            label: e.label,
            markdown: e.markdown,
            url: e.url,
            thread_root: String::new(),
        })
        .collect();
    items.sort_by(|a, b| {
        a.at.cmp(&b.at)
            .then_with(|| a.post.kind.cmp(&b.post.kind))
            .then_with(|| a.post.slug.cmp(&b.post.slug))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut roots: BTreeMap<(PostKind, &str), String> = BTreeMap::new();
    for it in &items {
        roots
            .entry((it.post.kind, it.post.slug.as_str()))
            .or_insert_with(|| it.id.clone());
    }
    for it in &mut items {
        it.thread_root = roots[&(it.post.kind, it.post.slug.as_str())].clone();
    }
    items
}

/// True when `channel`'s filters (`kinds`, `components`, `min_impact`) let `item` through.
pub fn wanted(channel: &Channel, item: &Item<'_>) -> bool {
    let p = item.post;
    if !channel.kinds.is_empty() && !channel.kinds.contains(&p.kind) {
        return false;
    }
    if !channel.components.is_empty()
        && !p.components.iter().any(|c| channel.components.contains(c))
    {
        return false;
    }
    match (&p.detail, channel.min_impact) {
        (Detail::Incident(inc), Some(min)) => inc.impact >= min,
        _ => true,
    }
}

/// Look an item up by id.
pub fn find<'i, 'a>(items: &'i [Item<'a>], id: &str) -> Option<&'i Item<'a>> {
    items.iter().find(|i| i.id == id)
}
