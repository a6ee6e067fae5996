//! The render's test seam: an observer told about each unit of work, passed once to
//! [`super::render_observed`]. Builds pass none; the linearity test (tests/scale.rs)
//! counts with [`WorkCounter`].

use std::sync::atomic::{AtomicUsize, Ordering};

/// Told about the work a render does. Shared by the parallel page renders.
pub trait Observer: Sync {
    /// One template was rendered.
    fn template_rendered(&self) {}
    /// One post view was built.
    fn post_view_built(&self) {}
}

/// The observer of an ordinary build: ignores everything.
pub struct Unobserved;

impl Observer for Unobserved {}

/// Counts template renders and post views.
#[derive(Debug, Default)]
pub struct WorkCounter {
    renders: AtomicUsize,
    post_views: AtomicUsize,
}

impl Observer for WorkCounter {
    fn template_rendered(&self) {
        self.renders.fetch_add(1, Ordering::Relaxed);
    }

    fn post_view_built(&self) {
        self.post_views.fetch_add(1, Ordering::Relaxed);
    }
}

impl WorkCounter {
    /// The counts so far.
    pub fn count(&self) -> WorkCount {
        WorkCount {
            renders: self.renders.load(Ordering::Relaxed),
            post_views: self.post_views.load(Ordering::Relaxed),
        }
    }
}

/// How much work a render did: template renders and post views built. A template
/// that walked every post for every page would make these grow with N².
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WorkCount {
    pub renders: usize,
    pub post_views: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_counts_each_kind_apart() {
        let c = WorkCounter::default();
        let o: &dyn Observer = &c;
        o.template_rendered();
        o.post_view_built();
        o.post_view_built();
        assert_eq!(
            c.count(),
            WorkCount {
                renders: 1,
                post_views: 2
            }
        );
        Unobserved.template_rendered();
    }
}
