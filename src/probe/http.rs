//! HTTP(S) probes with ureq: redirects followed, certificates verified, no proxy.

use super::{Outcome, timed_out};
use std::io::Read;
use std::time::{Duration, Instant};

/// Most redirects followed.
pub const MAX_REDIRECTS: u32 = 5;
/// Most body bytes read to look for `expect_body`.
pub const MAX_BODY: u64 = 1 << 20;

/// The `User-Agent` every probe request sends.
pub fn user_agent() -> String {
    format!("lantern-probe/{}", env!("CARGO_PKG_VERSION"))
}

/// GET `url`; up when the status is expected (default 2xx or 3xx) and the body
/// contains `expect_body`.
pub fn probe(
    url: &url::Url,
    expect_status: &[u16],
    expect_body: Option<&str>,
    timeout: Duration,
) -> Outcome {
    let started = Instant::now();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(MAX_REDIRECTS)
        .user_agent(user_agent())
        .http_status_as_error(false)
        // A probe measures the direct path to the service, not a proxy's.
        .proxy(None)
        .build()
        .into();
    let mut resp = match agent.get(url.as_str()).call() {
        Ok(r) => r,
        Err(e) => return Outcome::down(started.elapsed(), error_message(&e, timeout)),
    };
    let status = resp.status().as_u16();
    let ok_status = if expect_status.is_empty() {
        (200..400).contains(&status)
    } else {
        expect_status.contains(&status)
    };
    if !ok_status {
        return Outcome::down(started.elapsed(), format!("HTTP {status}"));
    }
    let Some(want) = expect_body else {
        return Outcome::up(started.elapsed());
    };
    let mut body = Vec::new();
    let read = resp
        .body_mut()
        .as_reader()
        .take(MAX_BODY)
        .read_to_end(&mut body);
    let latency = started.elapsed();
    if let Err(e) = read {
        let msg = match e.kind() {
            std::io::ErrorKind::TimedOut => timed_out(timeout),
            _ if latency >= timeout => timed_out(timeout),
            _ => "could not read the body".into(),
        };
        return Outcome::down(latency, msg);
    }
    if String::from_utf8_lossy(&body).contains(want) {
        Outcome::up(latency)
    } else {
        Outcome::down(latency, format!("body does not contain {:?}", want))
    }
}

/// A short message for a failed request; never the URL (it may be internal).
fn error_message(e: &ureq::Error, timeout: Duration) -> String {
    match e {
        ureq::Error::Timeout(_) => timed_out(timeout),
        ureq::Error::HostNotFound => "host not found".into(),
        // ureq reports a failed TLS handshake as an I/O error carrying the rustls one.
        ureq::Error::Io(io) => match io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            Some(r) => super::tls::rustls_message(r),
            None => super::tcp::io_message(io),
        },
        ureq::Error::ConnectionFailed => "connection failed".into(),
        ureq::Error::TooManyRedirects => format!("more than {MAX_REDIRECTS} redirects"),
        ureq::Error::RedirectFailed => "redirect failed".into(),
        ureq::Error::Rustls(r) => super::tls::rustls_message(r),
        ureq::Error::Tls(_) => "TLS handshake failed".into(),
        ureq::Error::Protocol(_) => "not a valid HTTP response".into(),
        ureq::Error::LargeResponseHeader(..) => "response header too large".into(),
        _ => "request failed".into(),
    }
}
