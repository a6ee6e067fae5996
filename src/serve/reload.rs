//! Live reload: the `/__lantern/poll` long-poll, the script injected into HTML pages,
//! and the overlay that shows a failed rebuild.
//!
//! A long-poll answered from a build counter is all a preview needs: no websocket, no
//! extra port. Parked polls are held by one [`Hub`] thread rather than by HTTP workers,
//! so a dozen open tabs cannot starve the worker pool.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a poll is held before it is answered with the unchanged build.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);

/// What a poll reports: `{"build": N, "error": null | "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollStatus {
    pub build: u64,
    pub error: Option<Arc<str>>,
}

impl PollStatus {
    /// The JSON body of a poll answer.
    pub fn to_json(&self) -> String {
        serde_json::json!({ "build": self.build, "error": self.error.as_deref() }).to_string()
    }
}

/// Sends the answer of one parked poll; called at most once.
pub type Responder = Box<dyn FnOnce(&PollStatus) + Send>;

struct Waiter {
    since: u64,
    deadline: Instant,
    respond: Responder,
}

struct Inner {
    status: PollStatus,
    waiting: Vec<Waiter>,
    shutdown: bool,
}

/// Parked polls and the build status they wait on.
pub struct Hub {
    inner: Mutex<Inner>,
    changed: Condvar,
}

impl fmt::Debug for Hub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("Hub")
            .field("status", &inner.status)
            .field("waiting", &inner.waiting.len())
            .finish()
    }
}

impl Hub {
    /// A hub reporting `build` and `error` until the next [`Hub::publish`].
    pub fn new(build: u64, error: Option<Arc<str>>) -> Hub {
        Hub {
            inner: Mutex::new(Inner {
                status: PollStatus { build, error },
                waiting: Vec::new(),
                shutdown: false,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every update leaves `Inner` consistent, so a panic elsewhere cannot corrupt it.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Answer at once when the client's build (`since`) is not the current one; otherwise
    /// park the poll until the build changes or [`POLL_TIMEOUT`] passes.
    pub fn wait(&self, since: Option<u64>, respond: Responder) {
        let mut inner = self.lock();
        if inner.shutdown || since != Some(inner.status.build) {
            let status = inner.status.clone();
            drop(inner);
            respond(&status);
            return;
        }
        let since = inner.status.build;
        inner.waiting.push(Waiter {
            since,
            deadline: Instant::now() + POLL_TIMEOUT,
            respond,
        });
        self.changed.notify_all();
    }

    /// Record a new build and wake the hub thread to answer the parked polls.
    pub fn publish(&self, build: u64, error: Option<Arc<str>>) {
        self.lock().status = PollStatus { build, error };
        self.changed.notify_all();
    }

    /// Answer every parked poll and make [`Hub::run`] return.
    pub fn shutdown(&self) {
        self.lock().shutdown = true;
        self.changed.notify_all();
    }

    /// Number of polls parked right now.
    #[cfg(test)]
    pub fn waiting(&self) -> usize {
        self.lock().waiting.len()
    }

    /// The loop of the hub thread: answers polls whose build changed or whose time is up.
    pub fn run(&self) {
        let mut inner = self.lock();
        loop {
            let now = Instant::now();
            let build = inner.status.build;
            let all_due = inner.shutdown;
            let (due, keep): (Vec<Waiter>, Vec<Waiter>) = inner
                .waiting
                .drain(..)
                .partition(|w| all_due || w.since != build || w.deadline <= now);
            inner.waiting = keep;
            if !due.is_empty() {
                let status = inner.status.clone();
                // Write the answers without the lock so workers can keep parking polls.
                drop(inner);
                for w in due {
                    (w.respond)(&status);
                }
                inner = self.lock();
                continue;
            }
            if inner.shutdown {
                return;
            }
            let next = inner.waiting.iter().map(|w| w.deadline).min();
            inner = match next {
                Some(deadline) => {
                    let wait = deadline.saturating_duration_since(now);
                    self.changed
                        .wait_timeout(inner, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self
                    .changed
                    .wait(inner)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }
}

/// Insert the reload script (and the error overlay, if any) before the last `</body>`.
pub fn inject(html: &[u8], build: u64, error: Option<&str>) -> Vec<u8> {
    let mut snippet = String::new();
    if let Some(e) = error {
        snippet.push_str(&overlay(e));
    }
    snippet.push_str(&script(build));
    let at = rfind_ignore_case(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// The client: poll with the build this page came from; reload when it changes.
fn script(build: u64) -> String {
    format!(
        r#"<script id="lantern-reload">(function(){{var build={build};function poll(){{fetch("/__lantern/poll?since="+build,{{cache:"no-store"}}).then(function(r){{if(!r.ok)throw r.status;return r.json();}}).then(function(s){{if(s.build!==build){{location.reload();}}else{{poll();}}}},function(){{setTimeout(poll,2000);}});}}poll();}})();</script>"#
    )
}

/// A fixed panel over the page naming the failed files and lines.
///
/// It lives in a shadow root (declarative, with a script fallback for browsers without
/// `shadowrootmode`), so no rule of the site's CSS reaches its text: a theme's `pre`
/// background once turned it into white on light grey. Only the host element is in the
/// page, and its inline `all:initial` undoes whatever a theme sets on it. Colours are
/// fixed (not following light or dark mode) and pass WCAG AA in both.
fn overlay(error: &str) -> String {
    format!(
        concat!(
            r#"<lantern-error id="lantern-error" style="all:initial;display:block;position:fixed;left:0;right:0;bottom:0;z-index:2147483647">"#,
            r#"<template shadowrootmode="open"><style>"#,
            r#":host{{all:initial;display:block}}"#,
            r#"div{{box-sizing:border-box;max-height:60vh;overflow:auto;margin:0;padding:1rem 1.5rem;background:#3b0d0c;color:#fff;"#,
            r#"border-top:4px solid #e5484d;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;text-align:start}}"#,
            r#"strong{{font-weight:700}}"#,
            r#"pre{{white-space:pre-wrap;overflow-wrap:anywhere;margin:.5rem 0 0;padding:0;background:none;color:inherit;font:inherit;border:0}}"#,
            r#"button{{float:right;margin:0 0 .5rem 1rem;padding:.1rem .6rem;border:1px solid #fff;border-radius:4px;background:#fff;color:#3b0d0c;font:inherit;cursor:pointer}}"#,
            r#"button:focus-visible{{outline:3px solid #ffb224;outline-offset:2px}}"#,
            r#"</style><div role="alert">"#,
            r#"<button type="button" onclick="this.getRootNode().host.remove()" aria-label="Hide">×</button>"#,
            r#"<strong>lantern serve: the last rebuild failed. Pages shown are from the last build that worked, if any.</strong>"#,
            r#"<pre>{}</pre></div></template></lantern-error>"#,
            // Browsers without declarative shadow DOM leave the template inert: attach it by hand.
            r#"<script>(function(){{var h=document.getElementById("lantern-error"),t=h&&h.querySelector("template");"#,
            r#"if(t&&!h.shadowRoot){{h.attachShadow({{mode:"open"}}).appendChild(t.content);t.remove();}}}})();</script>"#
        ),
        escape_html(error)
    )
}

/// Escape text for HTML content and attribute values; control characters and
/// noncharacters (an error may quote a feed line) become U+FFFD.
pub fn escape_html(s: &str) -> String {
    use crate::render::clean;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if clean::forbidden(c) => out.push(clean::REPLACEMENT),
            _ => out.push(c),
        }
    }
    out
}

fn rfind_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn script_goes_before_the_last_body_close() {
        let out = inject(b"<html><body><p>x</p></BODY></html>", 7, None);
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("var build=7;"), "{s}");
        assert!(s.ends_with("</script></BODY></html>"), "{s}");
        assert!(!s.contains("lantern-error"));
    }

    #[test]
    fn overlay_is_escaped_and_missing_body_appends() {
        let out = inject(b"<p>x", 1, Some("error: a.md:5: <b>&"));
        let s = String::from_utf8(out).unwrap();
        assert!(
            s.starts_with("<p>x<lantern-error id=\"lantern-error\""),
            "{s}"
        );
        // The text sits in a shadow root, out of reach of the site's CSS.
        assert!(s.contains(r#"<template shadowrootmode="open">"#), "{s}");
        assert!(s.contains("error: a.md:5: &lt;b&gt;&amp;"), "{s}");
    }

    #[test]
    fn poll_json_shape() {
        let s = PollStatus {
            build: 3,
            error: Some("bad \"yaml\"".into()),
        };
        assert_eq!(s.to_json(), r#"{"build":3,"error":"bad \"yaml\""}"#);
        let s = PollStatus {
            build: 4,
            error: None,
        };
        assert_eq!(s.to_json(), r#"{"build":4,"error":null}"#);
    }

    #[test]
    fn polls_answer_at_once_when_behind_and_park_when_current() {
        let hub = Arc::new(Hub::new(2, None));
        let (tx, rx) = mpsc::channel();
        let t = tx.clone();
        hub.wait(Some(1), Box::new(move |s| t.send(s.build).unwrap()));
        assert_eq!(rx.recv_timeout(Duration::from_secs(1)), Ok(2));

        let runner = {
            let hub = Arc::clone(&hub);
            std::thread::spawn(move || hub.run())
        };
        hub.wait(Some(2), Box::new(move |s| tx.send(s.build).unwrap()));
        assert_eq!(hub.waiting(), 1);
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        hub.publish(3, None);
        assert_eq!(rx.recv_timeout(Duration::from_secs(2)), Ok(3));
        hub.shutdown();
        runner.join().unwrap();
    }
}
