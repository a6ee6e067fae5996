//! Per-check storage of results on the minute grid: memory grows with checks × days,
//! never with the number of results.

use super::record::{Record, State};
use super::window::Grid;

/// Largest latency kept (ms); slower results are stored as this.
const MAX_LATENCY: u32 = (1 << 30) - 2;

/// The newest result of a check, kept whole for "last check" and its message.
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub at: i64,
    pub state: State,
    pub latency_ms: Option<u32>,
    pub message: Option<String>,
}

/// One check's results: one packed `u32` per minute of the grid.
///
/// A slot holds `(latency + 1) << 2 | state` (latency 0 = none, state 0 = no result).
/// Several results in one minute merge to the worst state and the highest latency,
/// so a repeated result (same check, same time) is kept once and the worse one wins.
#[derive(Debug, Clone)]
pub struct Series {
    pub slots: Vec<u32>,
    /// Newest result before the grid starts: it may still cover the first minutes.
    pub carry_in: Option<(i64, State)>,
    pub latest: Option<Latest>,
    pub results: u64,
}

impl Series {
    /// An empty series for `grid`.
    pub fn new(grid: &Grid) -> Series {
        Series {
            slots: grid.per_minute(0),
            carry_in: None,
            latest: None,
            results: 0,
        }
    }

    /// Merge a result already placed on the grid (or before it, `slot == None`).
    pub fn add(&mut self, slot: Option<usize>, at: i64, state: State, latency_ms: Option<u32>) {
        self.results += 1;
        match slot {
            Some(s) => self.slots[s] = merge(self.slots[s], pack(state, latency_ms)),
            None => {
                let newer = self
                    .carry_in
                    .is_none_or(|(t, st)| at > t || (at == t && state > st));
                if newer {
                    self.carry_in = Some((at, state));
                }
            }
        }
    }

    /// Keep `cand` as the newest result if it is newer (or as new and worse).
    pub fn offer_latest(&mut self, cand: &Record<'_>) {
        let better = self
            .latest
            .as_ref()
            .is_none_or(|l| cand.at > l.at || (cand.at == l.at && cand.state > l.state));
        if better {
            self.latest = Some(Latest {
                at: cand.at,
                state: cand.state,
                latency_ms: cand.latency_ms,
                message: cand.message.as_deref().map(str::to_string),
            });
        }
    }
}

/// Pack a result into a slot value.
pub fn pack(state: State, latency_ms: Option<u32>) -> u32 {
    let lat = latency_ms.map_or(0, |l| l.min(MAX_LATENCY) + 1);
    (lat << 2) | state as u32
}

/// Merge two slot values: worst state, highest latency.
pub fn merge(a: u32, b: u32) -> u32 {
    let state = (a & 3).max(b & 3);
    let lat = (a >> 2).max(b >> 2);
    (lat << 2) | state
}

/// The state stored in a slot, if any result landed there.
pub fn slot_state(v: u32) -> Option<State> {
    State::from_bits((v & 3) as u8)
}

/// The latency stored in a slot, if any.
pub fn slot_latency(v: u32) -> Option<u32> {
    let l = v >> 2;
    (l > 0).then(|| l - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_keeps_the_worst() {
        let a = pack(State::Up, Some(80));
        let b = pack(State::Down, None);
        let m = merge(a, b);
        assert_eq!(slot_state(m), Some(State::Down));
        assert_eq!(slot_latency(m), Some(80));
        assert_eq!(merge(a, a), a, "a repeated result is kept once");
        assert_eq!(slot_state(0), None);
        assert_eq!(slot_latency(pack(State::Up, Some(0))), Some(0));
    }
}
