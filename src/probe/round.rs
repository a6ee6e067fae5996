//! One round: every probe once, concurrently (bounded), each result appended as soon
//! as it is known.

use super::Outcome;
use super::append::{AppendError, Appender, Line, status_word};
use crate::config::Probe;
use crate::health::record::State;
use crate::time::iso;
use chrono::{DateTime, SubsecRound, Utc};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Probes running at once; the rest wait for a free worker.
pub const MAX_PARALLEL: usize = 64;

/// One probe's result in a round.
#[derive(Debug, Clone)]
pub struct RoundResult {
    pub id: String,
    /// When the probe started (UTC, whole seconds): the result's `at`.
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
}

/// Run every probe once and append its result; results come back in config order.
/// `run` is the probe runner (the real one is [`super::run`]).
pub fn run(
    probes: &[Probe],
    appender: &Appender,
    run: impl Fn(&Probe) -> Outcome + Sync,
) -> Result<Vec<RoundResult>, AppendError> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<RoundResult>>> = Mutex::new(vec![None; probes.len()]);
    let failure: Mutex<Option<AppendError>> = Mutex::new(None);
    let workers = probes.len().clamp(1, MAX_PARALLEL);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(p) = probes.get(i) else { break };
                    // Whole seconds: the feed's `at` never runs ahead of a build started now.
                    let at = Utc::now().trunc_subsecs(0);
                    let outcome = run(p);
                    let line = Line {
                        check: &p.id,
                        at: iso(at),
                        status: status_word(outcome.state),
                        // A failure has no meaningful response time for the latency figures.
                        latency_ms: (outcome.state != State::Down)
                            .then_some(outcome.latency.as_millis() as u64),
                        message: outcome.message.as_deref(),
                    };
                    if let Err(e) = appender.append(at, &line) {
                        failure.lock().expect("lock").get_or_insert(e);
                    }
                    results.lock().expect("lock")[i] = Some(RoundResult {
                        id: p.id.clone(),
                        at,
                        outcome,
                    });
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().expect("lock") {
        return Err(e);
    }
    Ok(results
        .into_inner()
        .expect("lock")
        .into_iter()
        .map(|r| r.expect("every probe ran"))
        .collect())
}
