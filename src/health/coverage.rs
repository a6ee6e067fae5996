//! From results to state over time: each result covers the minutes until the next
//! result of its check, at most `stale_after`, never past now.

use super::record::State;
use super::series::{self, Series};
use super::window::Grid;

/// Covered state per minute: 0 no data, else the [`State`] value.
pub fn coverage(series: &Series, grid: &Grid, stale_minutes: usize) -> Vec<u8> {
    let mut out = vec![0u8; grid.minutes];
    let (mut cur, mut until) = (0u8, 0usize);
    if let Some((at, state)) = series.carry_in {
        let ends = at + (stale_minutes as i64) * 60 - grid.start.timestamp();
        if ends > 0 {
            cur = state as u8;
            until = ((ends + 59) / 60) as usize;
        }
    }
    for (i, (&slot, o)) in series.slots.iter().zip(out.iter_mut()).enumerate() {
        if let Some(s) = series::slot_state(slot) {
            cur = s as u8;
            until = i + stale_minutes;
        }
        if i < until {
            *o = cur;
        }
    }
    out
}

/// Minutes a staleness span covers, rounded up, at least one.
pub fn stale_minutes(stale_after: std::time::Duration) -> usize {
    (stale_after.as_secs().div_ceil(60) as usize).max(1)
}

/// True when every minute of `range` has data saying up.
pub fn all_up(cov: &[u8], range: std::ops::Range<usize>) -> bool {
    !range.is_empty() && cov[range].iter().all(|&s| s == State::Up as u8)
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
    fn results_cover_until_next_or_stale() {
        let g = grid();
        let mut s = Series::new(&g);
        let base = g.days[0].start;
        s.add(Some(base), 0, State::Up, None);
        s.add(Some(base + 5), 0, State::Down, None);
        s.add(Some(base + 100), 0, State::Up, None);
        let c = coverage(&s, &g, 15);
        assert_eq!(&c[base..base + 5], &[1; 5]);
        assert_eq!(
            &c[base + 5..base + 20],
            &[3; 15],
            "down covers 15 minutes, then no data"
        );
        assert_eq!(c[base + 20], 0);
        assert_eq!(c[base + 100], 1);
        assert_eq!(c[base + 114], 1);
        assert_eq!(c[base + 115], 0);
        assert_eq!(c.len(), g.minutes, "never past now");
    }

    #[test]
    fn a_result_before_the_grid_carries_in() {
        let g = grid();
        let mut s = Series::new(&g);
        s.add(None, g.start.timestamp() - 300, State::Down, None);
        let c = coverage(&s, &g, 15);
        assert_eq!(&c[..10], &[3; 10]);
        assert_eq!(c[10], 0);
    }
}
