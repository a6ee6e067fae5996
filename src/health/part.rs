//! One feed file's results on the grid, kept apart from other files' so that the
//! file can be cached on its own and files can be merged in any grouping.

use super::record::State;
use super::series::{self, Latest, Series};
use super::window::Grid;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Results of one feed file (or of several, merged in file order) on a grid.
#[derive(Debug, Clone)]
pub struct Part {
    /// Per check, in the order of the configured checks.
    pub series: Vec<Series>,
    /// Per check and slot: the newest result of that minute as `second << 2 | state`
    /// (0: none); the greatest wins. A later build whose grid starts later rebuilds its
    /// carry-in from this exactly, to the second, without reading the file again.
    pub secs: Vec<Vec<u8>>,
    /// Results of checks no component lists, per check id.
    pub unknown: BTreeMap<String, u64>,
    /// Results dated after the build time (ignored).
    pub future: u64,
    /// Results placed (on the grid or as carry-in) of listed checks.
    pub results: u64,
    /// Newest `at` of any result not after now, unknown checks included.
    pub max_at: Option<i64>,
}

impl Part {
    /// No results yet, for `checks` checks on `grid`.
    pub fn new(checks: usize, grid: &Grid) -> Part {
        Part {
            series: (0..checks).map(|_| Series::new(grid)).collect(),
            secs: (0..checks).map(|_| grid.per_minute(0)).collect(),
            unknown: BTreeMap::new(),
            future: 0,
            results: 0,
            max_at: None,
        }
    }

    /// Merge `later` (read after `self`, e.g. the next file or appended lines) into `self`.
    pub fn absorb(&mut self, later: Part) {
        self.series
            .par_iter_mut()
            .zip(self.secs.par_iter_mut())
            .zip(later.series.into_par_iter().zip(later.secs.into_par_iter()))
            .for_each(|((s, sec), (o, osec))| {
                for (a, b) in s.slots.iter_mut().zip(o.slots) {
                    *a = series::merge(*a, b);
                }
                for (a, b) in sec.iter_mut().zip(osec) {
                    *a = (*a).max(b);
                }
                if let Some((at, state)) = o.carry_in {
                    offer_carry(&mut s.carry_in, at, state);
                }
                if let Some(l) = o.latest {
                    offer_latest(&mut s.latest, l);
                }
                s.results += o.results;
            });
        for (check, n) in later.unknown {
            *self.unknown.entry(check).or_default() += n;
        }
        self.future += later.future;
        self.results += later.results;
        self.max_at = self.max_at.max(later.max_at);
    }
}

/// Keep `(at, state)` as the carry-in if it is newer (or as new and worse).
pub fn offer_carry(carry: &mut Option<(i64, State)>, at: i64, state: State) {
    if carry.is_none_or(|(t, st)| at > t || (at == t && state > st)) {
        *carry = Some((at, state));
    }
}

/// Keep `cand` as the newest result if it is newer (or as new and worse); the first
/// of equals stays, as when the results are read one by one.
pub fn offer_latest(latest: &mut Option<Latest>, cand: Latest) {
    let better = latest
        .as_ref()
        .is_none_or(|l| cand.at > l.at || (cand.at == l.at && cand.state > l.state));
    if better {
        *latest = Some(cand);
    }
}

/// The `secs` byte of a result: its second within the minute and its state.
pub fn sec_byte(at: i64, state: State) -> u8 {
    ((at.rem_euclid(60) as u8) << 2) | state as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn grid() -> Grid {
        let now = Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap();
        Grid::new(now, chrono_tz::Tz::UTC, 1)
    }

    #[test]
    fn absorbing_merges_every_figure() {
        let g = grid();
        let mut a = Part::new(2, &g);
        let mut b = Part::new(2, &g);
        a.series[0].add(Some(3), 0, State::Up, Some(10));
        a.secs[0][3] = sec_byte(190, State::Up);
        a.series[0].carry_in = Some((5, State::Down));
        a.results = 2;
        a.unknown.insert("x".into(), 2);
        a.max_at = Some(100);
        b.series[0].add(Some(3), 0, State::Down, Some(5));
        b.secs[0][3] = sec_byte(185, State::Down);
        b.series[0].carry_in = Some((7, State::Up));
        b.series[1].add(Some(9), 0, State::Up, None);
        b.results = 3;
        b.unknown.insert("x".into(), 1);
        b.unknown.insert("y".into(), 4);
        b.future = 6;
        b.max_at = Some(90);
        a.absorb(b);
        assert_eq!(series::slot_state(a.series[0].slots[3]), Some(State::Down));
        assert_eq!(series::slot_latency(a.series[0].slots[3]), Some(10));
        assert_eq!(
            a.secs[0][3],
            sec_byte(190, State::Up),
            "the newer second wins"
        );
        assert_eq!(a.series[0].carry_in, Some((7, State::Up)));
        assert_eq!(a.series[0].results, 2);
        assert_eq!(a.series[1].results, 1);
        assert_eq!((a.results, a.future, a.max_at), (5, 6, Some(100)));
        assert_eq!(a.unknown.get("x"), Some(&3));
        assert_eq!(a.unknown.get("y"), Some(&4));
    }

    #[test]
    fn the_first_of_equal_latest_results_stays() {
        let l = |at, state, m: &str| Latest {
            at,
            state,
            latency_ms: None,
            message: Some(m.into()),
        };
        let mut cur = None;
        offer_latest(&mut cur, l(10, State::Up, "a"));
        offer_latest(&mut cur, l(10, State::Up, "b"));
        assert_eq!(cur.as_ref().unwrap().message.as_deref(), Some("a"));
        offer_latest(&mut cur, l(10, State::Down, "c"));
        assert_eq!(cur.as_ref().unwrap().message.as_deref(), Some("c"));
        offer_latest(&mut cur, l(9, State::Down, "d"));
        assert_eq!(cur.as_ref().unwrap().message.as_deref(), Some("c"));
        offer_latest(&mut cur, l(11, State::Up, "e"));
        assert_eq!(cur.as_ref().unwrap().message.as_deref(), Some("e"));
    }

    #[test]
    fn sec_bytes_order_by_second_then_state() {
        assert!(sec_byte(61, State::Up) > sec_byte(60, State::Down));
        assert!(sec_byte(60, State::Down) > sec_byte(60, State::Up));
        assert_eq!(sec_byte(-1, State::Up), (59 << 2) | 1);
    }
}
