//! Uptime arithmetic: minute tallies and the Statuspage-weighted percentage.

use serde::{Serialize, Serializer};

/// Minutes of one span (a day or a rolling window) by what happened in them.
///
/// `observed` includes `maintenance`; down, partial and degraded minutes are raw
/// minutes outside maintenance, each counted once (worst state of the minute).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Minutes {
    pub down: u32,
    pub partial: u32,
    pub degraded: u32,
    pub maintenance: u32,
    pub observed: u32,
}

impl Minutes {
    /// Add another tally.
    pub fn add(&mut self, o: &Minutes) {
        self.down += o.down;
        self.partial += o.partial;
        self.degraded += o.degraded;
        self.maintenance += o.maintenance;
        self.observed += o.observed;
    }

    /// 1 − (down + 0.3 × partial) / (observed − maintenance), floored to 2 decimals;
    /// `None` when nothing outside maintenance was observed (no data is not 100%).
    pub fn uptime(&self) -> Option<Percent> {
        let counted = u64::from(self.observed.saturating_sub(self.maintenance));
        if counted == 0 {
            return None;
        }
        // Tenths of minutes keep the 0.3 weight exact in integers, so flooring never
        // meets a float that is a hair under the true value.
        let denom = counted * 10;
        let bad = (u64::from(self.down) * 10 + u64::from(self.partial) * 3).min(denom);
        Some(Percent(((denom - bad) * 10_000 / denom) as u32))
    }
}

/// A percentage in hundredths (9750 = 97.50 %), already floored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Percent(pub u32);

impl Percent {
    /// As a number for JSON and arithmetic: 97.5.
    pub fn value(self) -> f64 {
        f64::from(self.0) / 100.0
    }

    /// Two decimals for readers: "97.50".
    pub fn text(self) -> String {
        format!("{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.value())
    }
}

/// Nearest-rank percentile (`p` in 1..=100) of unsorted values; reorders them.
pub fn percentile(values: &mut [u32], p: u32) -> Option<u32> {
    if values.is_empty() {
        return None;
    }
    let n = values.len() as u64;
    let rank = (u64::from(p) * n).div_ceil(100).max(1);
    // Only the rank-th smallest is needed: a selection (linear), not a sort. Each
    // history day of each component asks twice, over up to 1,440 minutes per check.
    Some(*values.select_nth_unstable((rank - 1) as usize).1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(down: u32, partial: u32, maintenance: u32, observed: u32) -> Minutes {
        Minutes {
            down,
            partial,
            degraded: 0,
            maintenance,
            observed,
        }
    }

    #[test]
    fn hand_computed_days() {
        // 36 minutes down in a fully observed day: 1 - 36/1440 = 0.975.
        assert_eq!(day(36, 0, 0, 1440).uptime().unwrap().text(), "97.50");
        // Observed 12 h, no failures: 100 % over observed time.
        assert_eq!(day(0, 0, 0, 720).uptime().unwrap().text(), "100.00");
        // No observations: no data, never 100 %.
        assert_eq!(day(0, 0, 0, 0).uptime(), None);
        // A 100-minute minor incident: 1 - 30/1440 = 0.97916…
        assert_eq!(day(0, 100, 0, 1440).uptime().unwrap().text(), "97.91");
        // Maintenance minutes are left out of the denominator.
        assert_eq!(day(0, 0, 60, 1440).uptime().unwrap().text(), "100.00");
        assert_eq!(day(0, 0, 1440, 1440).uptime(), None);
    }

    #[test]
    fn floors_never_rounds_up() {
        // 99.996 % shows as 99.99: 1 down minute in 25000 observed.
        assert_eq!(day(1, 0, 0, 25_000).uptime().unwrap().text(), "99.99");
        assert_eq!(day(1, 0, 0, 1_000_000).uptime().unwrap().text(), "99.99");
        assert_eq!(day(1440, 0, 0, 1440).uptime().unwrap().text(), "0.00");
        assert_eq!(Percent(9750).value(), 97.5);
    }

    #[test]
    fn nearest_rank() {
        let mut v = vec![50, 10, 40, 20, 30];
        assert_eq!(percentile(&mut v, 50), Some(30));
        assert_eq!(percentile(&mut v, 95), Some(50));
        let mut many: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&mut many, 95), Some(95));
        assert_eq!(percentile(&mut [], 50), None);
        assert_eq!(percentile(&mut [7], 1), Some(7));
        // Against the definition (sort, take rank ⌈p·n/100⌉), with duplicates, for
        // every p and lengths around a day's 1,440 minutes.
        let mut x = 0x2545_f491_u32;
        for n in [1, 2, 3, 99, 100, 101, 1439, 1440] {
            let values: Vec<u32> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x % 300
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_unstable();
            for p in 1..=100u32 {
                let rank = (p as usize * n).div_ceil(100);
                let mut v = values.clone();
                assert_eq!(
                    percentile(&mut v, p),
                    Some(sorted[rank - 1]),
                    "n {n}, p {p}"
                );
            }
        }
    }
}
