//! Which pages depend on "now". A page that does not is byte-identical between two
//! builds of the same content at different times, so cron rebuilds, rsync and CDN
//! caches only move what really changed.

use crate::content::{Detail, Post};
use chrono::{DateTime, Utc};

/// True when nothing `post` shows can change by time passing alone: a resolved
/// incident, a maintenance window that has ended or not yet opened, news already
/// dated, and every update already in the past. Such a page carries its last change,
/// not the build time.
pub fn post_settled(p: &Post, now: DateTime<Utc>) -> bool {
    if let Detail::Maintenance(m) = &p.detail
        && now < m.start
    {
        // Until its window opens an announced maintenance reads the same minute after
        // minute; the first build inside the window sees a new status, so a new page.
        return m
            .updates
            .iter()
            .chain(&m.scheduled_updates)
            .all(|u| u.at <= now);
    }
    if p.date() > now || p.updated() > now {
        return false;
    }
    match &p.detail {
        // `ongoing` and "so far" durations come from now until the resolution.
        Detail::Incident(i) => i.resolved.is_some_and(|r| r <= now),
        // After its window a maintenance reads "Completed" whatever its updates say.
        Detail::Maintenance(m) => m.end <= now,
        Detail::News(_) => true,
    }
}

/// When a settled post last changed for readers: its latest update, or for
/// maintenance the end of its window (from then on it reads "Completed"); for
/// maintenance still to come, its latest update if it has one.
fn changed(p: &Post, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    match &p.detail {
        Detail::Maintenance(m) if now < m.start => m.updates.iter().map(|u| u.at).max(),
        Detail::Maintenance(m) => Some(p.updated().max(m.end)),
        _ => Some(p.updated()),
    }
}

/// What a page says about time: the build time, or the last change of what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// The page depends on now: it carries the generation time.
    Live,
    /// Nothing on the page changes by time alone; the newest change it shows, if any.
    Settled(Option<DateTime<Utc>>),
}

/// The stamp of a page showing `posts`: live as soon as one of them is.
pub fn stamp<'a>(posts: impl IntoIterator<Item = &'a Post>, now: DateTime<Utc>) -> Stamp {
    let mut latest = None;
    for p in posts {
        if !post_settled(p, now) {
            return Stamp::Live;
        }
        latest = latest.max(changed(p, now));
    }
    Stamp::Settled(latest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{Incident, Maintenance, News, PostKind};
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, h, 0, 0).unwrap()
    }

    fn post(detail: Detail) -> Post {
        let kind = match detail {
            Detail::Incident(_) => PostKind::Incident,
            Detail::Maintenance(_) => PostKind::Maintenance,
            Detail::News(_) => PostKind::News,
        };
        Post {
            kind,
            slug: "s".into(),
            source: "s.md".into(),
            title: "T".into(),
            draft: false,
            components: vec![],
            body: String::new(),
            detail,
            memo: Default::default(),
        }
    }

    fn incident(started: u32, resolved: Option<u32>) -> Post {
        post(Detail::Incident(Incident {
            impact: crate::content::Impact::Major,
            started: t(started),
            resolved: resolved.map(t),
            data_loss: None,
            updates: vec![],
            scheduled_updates: vec![],
        }))
    }

    fn maintenance(start: u32, end: u32) -> Post {
        post(Detail::Maintenance(Maintenance {
            start: t(start),
            end: t(end),
            updates: vec![],
            scheduled_updates: vec![],
        }))
    }

    #[test]
    fn an_incident_settles_once_resolved_by_now() {
        assert!(!post_settled(&incident(2, None), t(9)));
        assert!(!post_settled(&incident(2, Some(10)), t(9)));
        assert!(post_settled(&incident(2, Some(9)), t(9)));
        assert!(!post_settled(&incident(10, Some(11)), t(9)));
    }

    #[test]
    fn maintenance_settles_at_the_end_of_its_window() {
        assert!(!post_settled(&maintenance(1, 10), t(9)));
        assert!(post_settled(&maintenance(1, 9), t(9)));
        assert_eq!(
            stamp([&maintenance(1, 9)], t(12)),
            Stamp::Settled(Some(t(9)))
        );
    }

    #[test]
    fn maintenance_still_to_come_is_settled_until_its_window_opens() {
        assert!(post_settled(&maintenance(10, 12), t(9)));
        assert!(!post_settled(&maintenance(10, 12), t(10)));
        assert!(!post_settled(&maintenance(10, 12), t(11)));
        assert!(post_settled(&maintenance(10, 12), t(12)));
        // No update yet: no "Last updated" (the window's start is not a change).
        assert_eq!(stamp([&maintenance(10, 12)], t(9)), Stamp::Settled(None));
        let mut m = maintenance(10, 12);
        if let Detail::Maintenance(d) = &mut m.detail {
            d.updates.push(crate::content::Update {
                at: t(3),
                status: crate::content::MaintenanceStatus::Scheduled,
                text: String::new(),
                written: 0,
            });
            // Held back until due: the page will change then.
            d.scheduled_updates.push(crate::content::Update {
                at: t(8),
                status: crate::content::MaintenanceStatus::Scheduled,
                text: String::new(),
                written: 0,
            });
        }
        assert!(!post_settled(&m, t(7)));
        assert_eq!(stamp([&m], t(8)), Stamp::Settled(Some(t(3))));
    }

    #[test]
    fn an_update_dated_after_now_keeps_a_post_live() {
        let mut m = maintenance(1, 2);
        if let Detail::Maintenance(d) = &mut m.detail {
            d.updates.push(crate::content::Update {
                at: t(10),
                status: crate::content::MaintenanceStatus::Completed,
                text: String::new(),
                written: 0,
            });
        }
        assert!(!post_settled(&m, t(9)));
        assert!(post_settled(&m, t(10)));
    }

    #[test]
    fn news_settles_once_dated() {
        let news = |h| post(Detail::News(News { date: t(h) }));
        assert!(post_settled(&news(9), t(9)));
        assert!(!post_settled(&news(10), t(9)));
    }

    #[test]
    fn a_page_is_live_if_one_post_is_else_stamped_with_the_newest_change() {
        let a = incident(1, Some(3));
        let b = incident(2, Some(5));
        assert_eq!(stamp([&a, &b], t(9)), Stamp::Settled(Some(t(5))));
        assert_eq!(stamp([&a, &b, &incident(4, None)], t(9)), Stamp::Live);
        assert_eq!(stamp([], t(9)), Stamp::Settled(None));
    }
}
