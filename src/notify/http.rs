//! One HTTP POST with a timeout, for the webhook, Slack, Discord and Mastodon channels.
//!
//! The URL may carry a secret (Slack and Discord put the token in it), so it never
//! appears in an error message.

use super::SendError;
use std::time::Duration;

/// An HTTP client with lantern's settings: a total timeout per request, no redirects
/// (a POST answered with a redirect is reported, not silently re-sent elsewhere), and
/// statuses returned as values.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::config::Config::builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(format!("lantern/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .new_agent()
}

/// POST `body` to `url`; 2xx is success, 429 and 5xx are worth retrying, and so are
/// network errors and timeouts. Other statuses are refusals (retried on the next run).
pub fn post(
    agent: &ureq::Agent,
    url: &str,
    content_type: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Result<(), SendError> {
    let mut req = agent.post(url).header("Content-Type", content_type);
    for (k, v) in headers {
        req = req.header(*k, v.as_str());
    }
    match req.send(body) {
        Ok(mut resp) => {
            let status = resp.status().as_u16();
            if (200..300).contains(&status) {
                return Ok(());
            }
            // A short excerpt of the answer helps (e.g. Slack's `invalid_payload`).
            let text = resp
                .body_mut()
                .with_config()
                .limit(2048)
                .read_to_string()
                .unwrap_or_default();
            let excerpt = super::message::truncate(&super::message::one_line(&text), 200);
            let message = if excerpt.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {excerpt}")
            };
            if status == 429 || status >= 500 {
                Err(SendError::Transient(message))
            } else {
                Err(SendError::Refused(message))
            }
        }
        Err(e) => Err(SendError::Transient(redact(&e.to_string(), url))),
    }
}

/// `text` without `url` (or its query), which may hold a token.
fn redact(text: &str, url: &str) -> String {
    let mut t = text.replace(url, "<url>");
    if let Some((_, q)) = url.split_once('?') {
        t = t.replace(q, "<query>");
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted() {
        let u = "https://hooks.slack.com/services/T0/B0/secret";
        assert_eq!(redact(&format!("bad uri {u}"), u), "bad uri <url>");
        assert_eq!(
            redact("x?token=1 failed", "https://h/x?token=1"),
            "x?<query> failed"
        );
    }
}
