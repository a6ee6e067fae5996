//! Mastodon: `POST /api/v1/statuses` with the account's access token, at most 500
//! characters, and `Idempotency-Key` = the item id, so a status the server already
//! accepted is not posted twice when lantern retries.

use super::SendError;
use super::message::Message;
use serde_json::json;

/// Mastodon's default status length.
pub const STATUS_MAX: usize = 500;

/// The status text.
pub fn status(msg: &Message) -> String {
    msg.plain_within(STATUS_MAX).trim_end().to_string()
}

/// The statuses endpoint of `instance` (`https://social.example/`).
pub fn endpoint(instance: &url::Url) -> String {
    format!("{instance}api/v1/statuses")
}

/// Post `msg`.
pub fn send(
    agent: &ureq::Agent,
    instance: &url::Url,
    token: &str,
    msg: &Message,
) -> Result<(), SendError> {
    let body = serde_json::to_vec(&json!({ "status": status(msg), "visibility": "public" }))
        .expect("plain data serialises");
    let headers = [
        ("Authorization", format!("Bearer {token}")),
        ("Idempotency-Key", msg.id.clone()),
    ];
    super::http::post(
        agent,
        &endpoint(instance),
        "application/json",
        &headers,
        &body,
    )
}
