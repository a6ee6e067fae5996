//! Discord webhooks: `content` plus one embed, within Discord's documented limits
//! (content 2,000 characters; embed title 256, description 4,096, field value 1,024,
//! all of an embed 6,000). `allowed_mentions` is empty, so text like `@everyone` in a
//! post never pings anyone.

use super::SendError;
use super::message::{Message, one_line, truncate};
use crate::vocab::Impact;
use serde_json::{Value, json};

const CONTENT_MAX: usize = 2000;
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 4096;
/// Fields are kept short so that the whole embed stays under 6,000 characters.
const FIELD_MAX: usize = 256;

/// Embed colour by impact (Discord wants an integer RGB).
fn colour(msg: &Message) -> u32 {
    match msg.impact {
        Some(Impact::Critical) => 0xb0_1a_1a,
        Some(Impact::Major) => 0xd9_48_1c,
        Some(Impact::Minor) => 0xe0_a1_00,
        Some(Impact::None) => 0x5b_6b_7a,
        None => 0x2f_6f_b5,
    }
}

/// The webhook payload.
pub fn payload(msg: &Message) -> Value {
    let fields: Vec<Value> = msg
        .facts()
        .into_iter()
        .map(|(k, v)| json!({ "name": k, "value": truncate(&v, FIELD_MAX), "inline": true }))
        .collect();
    let content = format!(
        "{}: {}\n{}",
        msg.kind_label(),
        one_line(&msg.heading()),
        msg.url
    );
    json!({
        "content": truncate(&content, CONTENT_MAX),
        "embeds": [{
            "title": truncate(&one_line(&msg.heading()), TITLE_MAX),
            "description": truncate(&msg.text, DESCRIPTION_MAX),
            "url": msg.url,
            "timestamp": msg.at,
            "color": colour(msg),
            "fields": fields,
            "footer": { "text": truncate(&msg.site_title, FIELD_MAX) },
        }],
        "allowed_mentions": { "parse": [] },
    })
}

/// POST `msg` to the webhook `url`.
pub fn send(agent: &ureq::Agent, url: &str, msg: &Message) -> Result<(), SendError> {
    let body = serde_json::to_vec(&payload(msg)).expect("plain data serialises");
    super::http::post(agent, url, "application/json", &[], &body)
}
