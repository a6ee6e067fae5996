//! Email over SMTP (lettre, rustls): a text part and an HTML part, threaded per post.
//!
//! `Message-ID` is derived from the item id, and every later update of a post carries
//! `In-Reply-To` and `References` pointing at the post's first message, so mail clients
//! show an incident's updates as one thread.

use super::SendError;
use super::message::Message;
use super::webhook::hex;
use crate::config::SmtpSecurity;
use crate::config::notify::EmailConfig;
use crate::render::escape::escape_xml as esc;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// `<hex@host>`: the same for the same item id and site, always.
pub fn message_id(item_id: &str, host: &str) -> String {
    let h = Sha256::digest(item_id.as_bytes());
    format!("<{}@{host}>", hex(&h[..16]))
}

/// The host part of message ids: the site's host.
fn id_host(msg: &Message) -> String {
    url::Url::parse(&msg.site_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "lantern.invalid".into())
}

/// The HTML part.
pub fn html(msg: &Message) -> String {
    let mut h = format!(
        "<!doctype html><html><body><h1>{}: {}</h1>\n{}\n<p>",
        msg.kind_label(),
        esc(&msg.heading()),
        msg.html
    );
    for (k, v) in msg.facts() {
        h.push_str(&format!("<strong>{k}:</strong> {}<br>\n", esc(&v)));
    }
    h.push_str(&format!(
        "</p>\n<p><a href=\"{}\">View on {}</a></p></body></html>\n",
        esc(&msg.url),
        esc(&msg.site_title)
    ));
    h
}

/// The whole email.
pub fn build(cfg: &EmailConfig, msg: &Message) -> Result<lettre::Message, SendError> {
    let bad =
        |e: &dyn std::fmt::Display| SendError::Refused(format!("cannot build the email: {e}"));
    let from: Mailbox = cfg.from.parse().map_err(|e| bad(&e))?;
    let host = id_host(msg);
    let mut b = lettre::Message::builder()
        .from(from)
        .subject(msg.subject())
        .message_id(Some(message_id(&msg.id, &host)));
    for to in &cfg.to {
        b = b.to(to.parse().map_err(|e| bad(&e))?);
    }
    if msg.thread_root != msg.id {
        let root = message_id(&msg.thread_root, &host);
        b = b.in_reply_to(root.clone()).references(root);
    }
    b.multipart(MultiPart::alternative_plain_html(msg.plain(), html(msg)))
        .map_err(|e| bad(&e))
}

/// Send `msg` through the configured server.
pub fn send(
    cfg: &EmailConfig,
    credentials: Option<(String, String)>,
    timeout: Duration,
    msg: &Message,
) -> Result<(), SendError> {
    let email = build(cfg, msg)?;
    let tls = || {
        TlsParameters::new(cfg.host.clone())
            .map_err(|e| SendError::Refused(format!("TLS set-up for {}: {e}", cfg.host)))
    };
    let mode = match cfg.security {
        SmtpSecurity::StartTls => Tls::Required(tls()?),
        SmtpSecurity::Tls => Tls::Wrapper(tls()?),
        SmtpSecurity::Plain => Tls::None,
    };
    let mut builder = SmtpTransport::builder_dangerous(cfg.host.as_str())
        .port(cfg.port)
        .tls(mode)
        .timeout(Some(timeout));
    if let Some((user, password)) = credentials {
        builder = builder.credentials(Credentials::new(user, password));
    }
    match builder.build().send(&email) {
        Ok(_) => Ok(()),
        Err(e) if e.is_permanent() => Err(SendError::Refused(format!(
            "SMTP {}:{}: {e}",
            cfg.host, cfg.port
        ))),
        Err(e) => Err(SendError::Transient(format!(
            "SMTP {}:{}: {e}",
            cfg.host, cfg.port
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_stable_and_per_item() {
        let a = message_id(
            "tag:s.example,2026:incidents/a/t/investigating",
            "s.example",
        );
        assert!(a.starts_with('<') && a.ends_with("@s.example>"), "{a}");
        assert_eq!(
            a,
            message_id(
                "tag:s.example,2026:incidents/a/t/investigating",
                "s.example"
            )
        );
        assert_ne!(
            a,
            message_id("tag:s.example,2026:incidents/a/t/resolved", "s.example")
        );
    }
}
