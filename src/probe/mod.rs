//! The probe stage: `lantern probe` runs the checks in `probes:` itself and appends
//! their results to the health feed. One file per probe kind, a round runner and the
//! append-only writer.

pub mod append;
pub mod command;
pub mod http;
pub mod round;
pub mod tcp;
pub mod tls;

use crate::config::{Probe, ProbeKind};
use crate::health::record::State;
use std::time::{Duration, Instant};

/// What one attempt of a probe found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub state: State,
    /// Time until the answer (or the failure).
    pub latency: Duration,
    /// Short, safe to publish: never a command's output unless the probe allows it.
    pub message: Option<String>,
}

impl Outcome {
    /// An answer that says the service is up.
    pub fn up(latency: Duration) -> Outcome {
        Outcome {
            state: State::Up,
            latency,
            message: None,
        }
    }

    /// A failure, with why.
    pub fn down(latency: Duration, message: impl Into<String>) -> Outcome {
        Outcome {
            state: State::Down,
            latency,
            message: Some(message.into()),
        }
    }
}

/// The message of a probe that ran out of time.
pub fn timed_out(timeout: Duration) -> String {
    if timeout.subsec_millis() == 0 {
        format!("timed out after {} s", timeout.as_secs())
    } else {
        format!("timed out after {} ms", timeout.as_millis())
    }
}

/// Run one attempt of `probe`, whatever its kind.
pub fn attempt(probe: &Probe) -> Outcome {
    let started = Instant::now();
    let mut out = match &probe.kind {
        ProbeKind::Http {
            url,
            expect_status,
            expect_body,
        } => http::probe(url, expect_status, expect_body.as_deref(), probe.timeout),
        ProbeKind::Tcp { host, port } => tcp::probe(host, *port, probe.timeout),
        ProbeKind::Command {
            argv,
            publish_output,
        } => command::probe(argv, *publish_output, probe.timeout),
        ProbeKind::Tls {
            host,
            port,
            warn_before,
        } => tls::probe(host, *port, *warn_before, probe.timeout),
    };
    // Never report more time than really passed (kinds measure their own latency).
    out.latency = out.latency.min(started.elapsed());
    if out.state == State::Up && out.latency.as_millis() > u128::from(probe.degraded_latency_ms) {
        out.state = State::Degraded;
        out.message = Some(format!(
            "slow: {} ms (over {} ms)",
            out.latency.as_millis(),
            probe.degraded_latency_ms
        ));
    }
    out
}

/// Run `probe`, retrying a failure up to `retries` times within the round.
pub fn run(probe: &Probe) -> Outcome {
    let mut out = attempt(probe);
    for _ in 0..probe.retries {
        if out.state != State::Down {
            break;
        }
        out = attempt(probe);
    }
    out
}

/// Cut `text` to its first line and at most `max` characters, for publishing.
pub fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut s: String = line.chars().filter(|c| !c.is_control()).take(max).collect();
    if line.chars().count() > max {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_read_in_seconds() {
        assert_eq!(timed_out(Duration::from_secs(10)), "timed out after 10 s");
        assert_eq!(
            timed_out(Duration::from_millis(1500)),
            "timed out after 1500 ms"
        );
    }

    #[test]
    fn first_line_is_short_and_clean() {
        assert_eq!(first_line("\n  hello \nsecret\n", 200), "hello");
        assert_eq!(first_line("abcdef", 3), "abc…");
        assert_eq!(first_line("a\u{1b}[31mb", 10), "a[31mb");
        assert_eq!(first_line("", 10), "");
    }
}
