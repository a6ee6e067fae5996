//! The generic webhook: a documented JSON body (README, "Announcing updates") shaped
//! like a Statuspage incident notification, signed with HMAC-SHA256 when a secret is set.
//!
//! Headers: `X-Lantern-Event`, `X-Lantern-Delivery` (the same id for every attempt of
//! one delivery, so receivers can drop repeats) and, with a secret,
//! `X-Lantern-Signature: sha256=<hex HMAC-SHA256 of the raw body>`.

use super::SendError;
use super::message::Message;
use crate::content::PostKind;
use crate::render::api::statuspage::stable_id;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};

#[derive(Serialize)]
struct Body<'a> {
    /// `incident_update`, `maintenance_update` or `news`.
    event: &'static str,
    delivery: &'a str,
    page: Page<'a>,
    incident: Incident<'a>,
    incident_update: Update<'a>,
}

#[derive(Serialize)]
struct Page<'a> {
    id: String,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Incident<'a> {
    /// The id of the same incident in `api/v2/incidents.json`.
    id: String,
    kind: &'static str,
    name: &'a str,
    /// The status this update set.
    status: &'a str,
    impact: Option<crate::vocab::Impact>,
    shortlink: &'a str,
    components: Vec<Component<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_for: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_until: Option<&'a str>,
}

#[derive(Serialize)]
struct Component<'a> {
    id: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Update<'a> {
    /// The feed entry id: never changes, unique per update.
    id: &'a str,
    status: &'a str,
    /// The text as written (Markdown).
    body: &'a str,
    /// The text as plain text.
    body_text: &'a str,
    created_at: &'a str,
    /// The time in the site timezone, as the page shows it.
    display_at: &'a str,
}

/// The JSON body for `msg`.
pub fn body(msg: &Message, markdown: &str, delivery: &str) -> Vec<u8> {
    let kind = msg.kind.as_str();
    let b = Body {
        event: match msg.kind {
            PostKind::Incident => "incident_update",
            PostKind::Maintenance => "maintenance_update",
            PostKind::News => "news",
        },
        delivery,
        page: Page {
            id: stable_id("page", &msg.site_url),
            name: &msg.site_title,
            url: &msg.site_url,
        },
        incident: Incident {
            id: stable_id(kind, &msg.slug),
            kind,
            name: &msg.post_title,
            status: &msg.status_word,
            impact: msg.impact,
            shortlink: &msg.url,
            components: msg
                .component_ids
                .iter()
                .zip(&msg.components)
                .map(|(id, name)| Component { id, name })
                .collect(),
            scheduled_for: msg.window_iso.as_ref().map(|w| w.0.as_str()),
            scheduled_until: msg.window_iso.as_ref().map(|w| w.1.as_str()),
        },
        incident_update: Update {
            id: &msg.id,
            status: &msg.status_word,
            body: markdown,
            body_text: &msg.text,
            created_at: &msg.at,
            display_at: &msg.time,
        },
    };
    serde_json::to_vec(&b).expect("plain data serialises")
}

/// `sha256=<hex HMAC-SHA256(secret, body)>`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    format!("sha256={}", hex(&mac.finalize().into_bytes()))
}

/// The delivery id of `item_id` on `channel`: the same on every attempt and run.
pub fn delivery_id(channel: &str, item_id: &str) -> String {
    let h = Sha256::digest(format!("{channel}\n{item_id}").as_bytes());
    hex(&h[..16])
}

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// POST `msg` to `url`.
pub fn send(
    agent: &ureq::Agent,
    url: &str,
    secret: Option<&str>,
    channel: &str,
    msg: &Message,
    markdown: &str,
) -> Result<(), SendError> {
    let delivery = delivery_id(channel, &msg.id);
    let body = body(msg, markdown, &delivery);
    let mut headers = vec![
        ("X-Lantern-Event", msg.kind.as_str().to_string()),
        ("X-Lantern-Delivery", delivery),
    ];
    if let Some(s) = secret {
        headers.push(("X-Lantern-Signature", signature(s, &body)));
    }
    super::http::post(agent, url, "application/json", &headers, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn delivery_ids_differ_per_channel_and_item() {
        let a = delivery_id("ops", "tag:x,2026:incidents/a/t/resolved");
        assert_eq!(a.len(), 32);
        assert_eq!(a, delivery_id("ops", "tag:x,2026:incidents/a/t/resolved"));
        assert_ne!(a, delivery_id("ops2", "tag:x,2026:incidents/a/t/resolved"));
        assert_ne!(a, delivery_id("ops", "tag:x,2026:incidents/a/t/monitoring"));
    }
}
