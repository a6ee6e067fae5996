//! Slack (and Mattermost) incoming webhooks: `text` for notifications plus `blocks`.
//!
//! Slack reads `<…>` as links and mentions (`<!channel>`), so `&`, `<` and `>` in post
//! text are escaped as Slack documents: untrusted text can neither ping nor link.

use super::SendError;
use super::message::{Message, truncate};
use serde_json::{Value, json};

/// Slack's limits: header text 150 characters, section text 3,000.
const HEADER_MAX: usize = 150;
const SECTION_MAX: usize = 3000;

/// Escape for Slack `mrkdwn` and `text`.
pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The incoming-webhook payload.
pub fn payload(msg: &Message) -> Value {
    let facts: Vec<String> = msg
        .facts()
        .into_iter()
        .map(|(k, v)| format!("*{k}:* {}", escape(&v)))
        .collect();
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": truncate(&format!("{}: {}", msg.kind_label(), msg.heading()), HEADER_MAX) }
    })];
    if !msg.text.is_empty() {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": truncate(&escape(&msg.text), SECTION_MAX) }
        }));
    }
    blocks.push(json!({
        "type": "context",
        "elements": [ { "type": "mrkdwn", "text": truncate(&facts.join("  ·  "), SECTION_MAX) } ]
    }));
    blocks.push(json!({
        "type": "section",
        "text": { "type": "mrkdwn", "text": format!("<{}|View on {}>", escape(&msg.url), escape(&msg.site_title)) }
    }));
    json!({
        "text": truncate(&escape(&format!("{}: {}", msg.kind_label(), msg.heading())), SECTION_MAX),
        "blocks": blocks,
        "unfurl_links": false,
    })
}

/// POST `msg` to the webhook `url`.
pub fn send(agent: &ureq::Agent, url: &str, msg: &Message) -> Result<(), SendError> {
    let body = serde_json::to_vec(&payload(msg)).expect("plain data serialises");
    super::http::post(agent, url, "application/json", &[], &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_and_links_in_text_are_escaped() {
        assert_eq!(
            escape("<!channel> & <http://x|y>"),
            "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"
        );
    }
}
