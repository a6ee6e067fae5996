//! Posts: incidents, maintenance and news, loaded from Markdown with YAML front matter.

pub mod cache;
pub mod frontmatter;
mod instant;
mod load;
pub mod schema;
mod validate;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub use crate::vocab::PostKind;
pub use load::{load_posts, load_posts_cached, parse_post};
pub use schema::{Impact, IncidentStatus, MaintenanceStatus};

/// One timestamped update of an incident or maintenance.
// Serde: the post cache (`cache.rs`) stores parsed posts (postcard).
#[derive(Debug, Clone, PartialEq, Hash, Serialize, Deserialize)]
pub struct Update<S> {
    #[serde(with = "instant")]
    pub at: DateTime<Utc>,
    pub status: S,
    /// Markdown.
    pub text: String,
    /// Position in the file as written, to point messages at the right item.
    pub written: usize,
}

/// A post loaded and validated.
#[derive(Debug, Clone, Hash, Serialize, Deserialize)]
pub struct Post {
    pub kind: PostKind,
    /// From the file name; the page is published at `<kind>/<slug>/`.
    pub slug: String,
    /// Path of the source file relative to the site root, for messages.
    pub source: PathBuf,
    pub title: String,
    pub draft: bool,
    pub components: Vec<String>,
    /// Markdown body.
    pub body: String,
    pub detail: Detail,
    /// This post's digest once known (see [`DigestMemo`]); kept by the post cache.
    pub memo: DigestMemo,
}

/// A post's [`crate::sum::value_digest`], remembered with it so a rebuild need not hash
/// thousands of unchanged posts again (the render cache keys pages by it). Not part of
/// the post's value: hashing a post skips it. Whatever changes a post after it is
/// remembered must forget it, as [`Post::as_of`] does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct DigestMemo(Option<[u8; 16]>);

impl std::hash::Hash for DigestMemo {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

/// What differs between post kinds.
#[derive(Debug, Clone, Hash, Serialize, Deserialize)]
pub enum Detail {
    Incident(Incident),
    Maintenance(Maintenance),
    News(News),
}

/// Incident-specific fields.
#[derive(Debug, Clone, Hash, Serialize, Deserialize)]
pub struct Incident {
    pub impact: Impact,
    #[serde(with = "instant")]
    pub started: DateTime<Utc>,
    #[serde(with = "instant::option")]
    pub resolved: Option<DateTime<Utc>>,
    /// Set when data may have been lost: the page shows a notice with contact links.
    pub data_loss: Option<DataLossNotice>,
    /// Newest first; only updates dated at or before the build time once the site
    /// model is derived (see `Site::new`).
    pub updates: Vec<Update<IncidentStatus>>,
    /// Updates dated after the build time, newest first: they have not happened yet,
    /// so they never count. Kept only for previews (`--drafts`, `serve`).
    pub scheduled_updates: Vec<Update<IncidentStatus>>,
}

/// A data-loss notice.
#[derive(Debug, Clone, Hash, Serialize, Deserialize)]
pub struct DataLossNotice {
    pub report_by: Option<NaiveDate>,
    pub note: Option<String>,
}

/// Maintenance-specific fields.
#[derive(Debug, Clone, Hash, Serialize, Deserialize)]
pub struct Maintenance {
    #[serde(with = "instant")]
    pub start: DateTime<Utc>,
    #[serde(with = "instant")]
    pub end: DateTime<Utc>,
    /// Newest first; only updates dated at or before the build time once the site
    /// model is derived (see `Site::new`).
    pub updates: Vec<Update<MaintenanceStatus>>,
    /// Updates dated after the build time, newest first; never counted, previews only.
    pub scheduled_updates: Vec<Update<MaintenanceStatus>>,
}

/// News-specific fields.
#[derive(Debug, Clone, Hash, Serialize, Deserialize)]
pub struct News {
    #[serde(with = "instant")]
    pub date: DateTime<Utc>,
}

/// Split off the updates dated after `now` (a prefix: updates are newest first).
pub fn hold_back<S>(updates: &mut Vec<Update<S>>, now: DateTime<Utc>) -> Vec<Update<S>> {
    let n = updates.iter().take_while(|u| u.at > now).count();
    updates.drain(..n).collect()
}

impl Post {
    /// Make the post say only what has happened by `now`: updates dated later are
    /// moved to `scheduled_updates` (kept only when `keep_scheduled`), and a
    /// `resolved` time still to come is dropped, so no status, feed or API output
    /// counts them. Returns how many updates were held back.
    pub fn as_of(&mut self, now: DateTime<Utc>, keep_scheduled: bool) -> usize {
        let memo = std::mem::take(&mut self.memo);
        let (held, changed) = self.hold_back_later(now, keep_scheduled);
        if !changed {
            self.memo = memo;
        }
        held
    }

    /// [`Post::as_of`]'s work: how many updates were held back, and whether the post
    /// changed at all.
    fn hold_back_later(&mut self, now: DateTime<Utc>, keep_scheduled: bool) -> (usize, bool) {
        match &mut self.detail {
            Detail::Incident(i) => {
                let later = hold_back(&mut i.updates, now);
                let unresolved = i.resolved.is_some_and(|r| r > now);
                if unresolved {
                    i.resolved = None;
                }
                let n = later.len();
                let changed = n > 0 || unresolved || !i.scheduled_updates.is_empty();
                i.scheduled_updates = if keep_scheduled { later } else { Vec::new() };
                (n, changed)
            }
            Detail::Maintenance(m) => {
                let later = hold_back(&mut m.updates, now);
                let n = later.len();
                let changed = n > 0 || !m.scheduled_updates.is_empty();
                m.scheduled_updates = if keep_scheduled { later } else { Vec::new() };
                (n, changed)
            }
            Detail::News(_) => (0, false),
        }
    }

    /// This post's [`crate::sum::value_digest`]: remembered, or worked out now.
    pub fn digest(&self) -> [u8; 16] {
        self.memo
            .0
            .unwrap_or_else(|| crate::sum::value_digest(self))
    }

    /// Work out and remember this post's digest (the post cache keeps it).
    pub fn remember_digest(&mut self) {
        self.memo = DigestMemo(Some(crate::sum::value_digest(self)));
    }

    /// The instant a post is filed under: start of incident or maintenance, date of news.
    pub fn date(&self) -> DateTime<Utc> {
        match &self.detail {
            Detail::Incident(i) => i.started,
            Detail::Maintenance(m) => m.start,
            Detail::News(n) => n.date,
        }
    }

    /// The newest moment the post changed: its latest update or resolution, else its
    /// date. Not the window of upcoming maintenance, which lies in the future.
    pub fn updated(&self) -> DateTime<Utc> {
        let latest = match &self.detail {
            Detail::Incident(i) => i
                .updates
                .first()
                .map(|u| u.at)
                .into_iter()
                .chain(i.resolved)
                .max(),
            Detail::Maintenance(m) => m.updates.first().map(|u| u.at),
            Detail::News(_) => None,
        };
        latest.unwrap_or_else(|| self.date())
    }

    /// Site-relative path of the page, e.g. `incidents/db-outage/`.
    pub fn path(&self) -> String {
        format!("{}/{}/", self.kind.dir(), self.slug)
    }

    /// The incident fields, if this is an incident.
    pub fn incident(&self) -> Option<&Incident> {
        match &self.detail {
            Detail::Incident(i) => Some(i),
            _ => None,
        }
    }

    /// The maintenance fields, if this is maintenance.
    pub fn maintenance(&self) -> Option<&Maintenance> {
        match &self.detail {
            Detail::Maintenance(m) => Some(m),
            _ => None,
        }
    }
}

impl Incident {
    /// Open at `now`: started, and not yet resolved.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.started <= now && self.resolved.is_none_or(|r| r > now)
    }

    /// The status readers see: the latest update's.
    pub fn status(&self) -> IncidentStatus {
        self.updates
            .first()
            .map_or(IncidentStatus::Investigating, |u| u.status)
    }
}

impl Maintenance {
    /// Inside the window (or still being verified) at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        matches!(
            self.status(now),
            MaintenanceStatus::InProgress | MaintenanceStatus::Verifying
        )
    }

    /// Scheduled for the future at `now`.
    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        self.status(now) == MaintenanceStatus::Scheduled
    }

    /// The status readers see: the window decides, unless an update says the work is
    /// further along (started, verifying or completed early).
    pub fn status(&self, now: DateTime<Utc>) -> MaintenanceStatus {
        use MaintenanceStatus::*;
        let by_time = if now < self.start {
            Scheduled
        } else if now < self.end {
            InProgress
        } else {
            Completed
        };
        match self.updates.first().map(|u| u.status) {
            Some(Completed) => Completed,
            Some(s @ (InProgress | Verifying)) if by_time != Completed => s,
            _ => by_time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 8, h, m, 0).unwrap()
    }

    fn up<S>(t: DateTime<Utc>, status: S) -> Update<S> {
        Update {
            at: t,
            status,
            text: String::new(),
            written: 0,
        }
    }

    fn post(detail: Detail) -> Post {
        Post {
            kind: PostKind::Maintenance,
            slug: "x".into(),
            source: PathBuf::from("x.md"),
            title: "x".into(),
            draft: false,
            components: vec![],
            body: String::new(),
            detail,
            memo: Default::default(),
        }
    }

    #[test]
    fn later_updates_do_not_count() {
        use MaintenanceStatus::*;
        let m = Maintenance {
            start: at(6, 0),
            end: at(7, 0),
            updates: vec![
                up(at(6, 52), Completed),
                up(at(6, 0), InProgress),
                up(at(5, 0), Scheduled),
            ],
            scheduled_updates: vec![],
        };
        let mut p = post(Detail::Maintenance(m.clone()));
        assert_eq!(p.as_of(at(6, 30), true), 1);
        let got = p.maintenance().unwrap();
        assert_eq!(got.status(at(6, 30)), InProgress);
        assert_eq!(got.scheduled_updates.len(), 1);
        assert_eq!(p.updated(), at(6, 0));
        let mut q = post(Detail::Maintenance(m));
        assert_eq!(q.as_of(at(6, 30), false), 1);
        assert!(q.maintenance().unwrap().scheduled_updates.is_empty());
        // At the update's own time it counts.
        let mut r = post(q.detail.clone());
        assert_eq!(r.as_of(at(6, 52), true), 0);
    }

    #[test]
    fn a_resolution_still_to_come_leaves_the_incident_open() {
        use IncidentStatus::*;
        let inc = Incident {
            impact: Impact::Major,
            started: at(5, 0),
            resolved: Some(at(7, 0)),
            data_loss: None,
            updates: vec![up(at(7, 0), Resolved), up(at(5, 10), Investigating)],
            scheduled_updates: vec![],
        };
        let mut p = post(Detail::Incident(inc.clone()));
        assert_eq!(p.as_of(at(6, 0), false), 1);
        let got = p.incident().unwrap();
        assert!(got.is_open(at(6, 0)));
        assert_eq!(got.resolved, None);
        assert_eq!(got.status(), Investigating);
        let mut done = post(Detail::Incident(inc));
        assert_eq!(done.as_of(at(7, 0), false), 0);
        assert_eq!(done.incident().unwrap().resolved, Some(at(7, 0)));
    }

    #[test]
    fn a_remembered_digest_is_kept_only_while_the_post_is_unchanged() {
        use IncidentStatus::*;
        let inc = |resolved: Option<u32>, updates| Incident {
            impact: Impact::Major,
            started: at(5, 0),
            resolved: resolved.map(|h| at(h, 0)),
            data_loss: None,
            updates,
            scheduled_updates: vec![],
        };
        let fresh = |detail: Detail| {
            let mut p = post(detail);
            p.remember_digest();
            assert_eq!(p.digest(), crate::sum::value_digest(&p));
            p
        };
        // Nothing to hold back: the digest stays, and still is the post's.
        let mut p = fresh(Detail::Incident(inc(Some(6), vec![up(at(6, 0), Resolved)])));
        let before = p.digest();
        p.as_of(at(8, 0), false);
        assert_eq!(p.memo, DigestMemo(Some(before)));
        assert_eq!(p.digest(), crate::sum::value_digest(&p));
        // An update held back, a resolution to come, or scheduled updates dropped: the
        // post changed, its digest is worked out again.
        let cases = [
            inc(
                None,
                vec![up(at(7, 0), Identified), up(at(5, 10), Investigating)],
            ),
            inc(Some(7), vec![up(at(5, 10), Investigating)]),
            Incident {
                scheduled_updates: vec![up(at(9, 0), Resolved)],
                ..inc(None, vec![up(at(5, 10), Investigating)])
            },
        ];
        for case in cases {
            let mut p = fresh(Detail::Incident(case));
            let before = p.digest();
            p.as_of(at(6, 0), false);
            assert_eq!(p.memo, DigestMemo(None));
            assert_ne!(p.digest(), before);
            assert_eq!(p.digest(), crate::sum::value_digest(&p));
        }
        // Hashing skips the memo: remembering does not change the digest.
        let mut news = post(Detail::News(News { date: at(5, 0) }));
        let plain = crate::sum::value_digest(&news);
        news.remember_digest();
        assert_eq!(crate::sum::value_digest(&news), plain);
    }
}
