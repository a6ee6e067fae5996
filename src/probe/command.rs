//! Command probes: a program run without a shell, stdin closed, in its own process
//! group that is killed whole at the timeout; exit status 0 is up.

use super::{Outcome, first_line, timed_out};
use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Output kept per stream; the rest is read and discarded so the program never blocks.
pub const MAX_OUTPUT: usize = 64 * 1024;
/// Characters of output published with `publish_output: true`.
pub const PUBLISHED_CHARS: usize = 200;

/// Run `argv`; the output is only ever published when `publish_output` is set.
pub fn probe(argv: &[String], publish_output: bool, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let deadline = started + timeout;
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own group, so the timeout kills whatever it started too.
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            let msg = match e.kind() {
                std::io::ErrorKind::NotFound => "command not found",
                std::io::ErrorKind::PermissionDenied => "command not executable",
                _ => "command could not start",
            };
            return Outcome::down(started.elapsed(), msg);
        }
    };
    let (tx, rx) = mpsc::channel();
    let readers = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ];
    let streams = readers.iter().filter(|r| r.is_some()).count();
    for (i, r) in readers.into_iter().enumerate() {
        if let Some(r) = r {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let _ = tx.send((i, capped(r)));
            });
        }
    }
    drop(tx);
    let status = wait(&mut child, deadline);
    let latency = started.elapsed();
    let Some(status) = status else {
        return Outcome::down(latency, timed_out(timeout));
    };
    let output = if publish_output {
        // A child that outlived the program may hold the pipes open: wait no longer
        // than the deadline (plus a moment) for the output.
        let mut out = [String::new(), String::new()];
        let until = deadline.max(Instant::now() + Duration::from_millis(200));
        for _ in 0..streams {
            match rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok((i, text)) => out[i] = text,
                Err(_) => break,
            }
        }
        let line = first_line(&out[0], PUBLISHED_CHARS);
        Some(if line.is_empty() {
            first_line(&out[1], PUBLISHED_CHARS)
        } else {
            line
        })
        .filter(|l| !l.is_empty())
    } else {
        None
    };
    if status.success() {
        return Outcome {
            message: output,
            ..Outcome::up(latency)
        };
    }
    let why = match (status.code(), status.signal()) {
        (Some(c), _) => format!("exit status {c}"),
        (None, Some(s)) => format!("killed by signal {s}"),
        _ => "failed".into(),
    };
    let msg = match output {
        Some(o) => format!("{why}: {o}"),
        None => why,
    };
    Outcome::down(latency, msg)
}

/// Wait for the program until `deadline`; past it, kill its whole group and return `None`.
fn wait(child: &mut Child, deadline: Instant) -> Option<std::process::ExitStatus> {
    let mut pause = Duration::from_millis(1);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => {}
            Err(_) => break,
        }
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        std::thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(25));
    }
    kill_group(child);
    None
}

/// SIGKILL the child's process group (its id: `process_group(0)` made it the leader).
fn kill_group(child: &mut Child) {
    if let Ok(pgid) = libc::pid_t::try_from(child.id()) {
        // SAFETY: killpg only sends a signal; the group is the one we created, and the
        // leader is not reaped yet (we have not waited), so its id cannot be reused.
        unsafe {
            libc::killpg(pgid, libc::SIGKILL);
        }
    }
    let _ = child.wait();
}

/// Read a stream to its end, keeping the first [`MAX_OUTPUT`] bytes.
fn capped(mut r: impl Read) -> String {
    let mut kept = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = MAX_OUTPUT.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}
