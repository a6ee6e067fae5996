//! `lantern notify`: push every new published update, once, to each configured channel.
//!
//! Flow: the site is loaded like `lantern build` loads it (no drafts) → [`items::all`]
//! lists what could be announced, oldest first → [`plan`] subtracts what the state file
//! already has per channel → each channel sends its items in order, recording each
//! one in the state file right after its send succeeded.

pub mod discord;
pub mod email;
mod http;
pub mod items;
pub mod mastodon;
pub mod message;
pub mod preview;
pub mod slack;
pub mod state;
pub mod webhook;

use crate::config::notify::EmailConfig;
use crate::config::{Channel, NotifyConfig, Transport};
use crate::diagnostics::Diagnostic;
use chrono::{DateTime, Utc};
use items::Item;
use message::Message;

pub use http::agent;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// On a site without a state file, more items than this for one channel stop the run:
/// it is almost surely a site with history that should be baselined first.
pub const FIRST_RUN_LIMIT: usize = 5;

/// Attempts per item within one run.
pub const ATTEMPTS: u32 = 3;

/// Why `lantern notify` could not run (sends that fail are reported separately).
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    #[error("{}: {message}", .path.display())]
    State { path: PathBuf, message: String },
}

/// Why one send failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Network trouble, timeout, HTTP 429/5xx, SMTP 4xx: worth another attempt now.
    Transient(String),
    /// The receiver said no (HTTP 4xx, SMTP 5xx): retried on the next run only.
    Refused(String),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Transient(m) | SendError::Refused(m) => f.write_str(m),
        }
    }
}

/// A channel with its secrets read from the environment.
#[derive(Debug, Clone)]
pub enum Target {
    Webhook {
        url: String,
        secret: Option<String>,
    },
    Slack {
        url: String,
    },
    Discord {
        url: String,
    },
    Mastodon {
        instance: url::Url,
        token: String,
    },
    Email {
        config: EmailConfig,
        credentials: Option<(String, String)>,
    },
}

/// Read the secrets of `channel`; any missing one is an error naming file, line, field.
pub fn resolve(channel: &Channel) -> Result<Target, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut keep = |r: Result<String, Diagnostic>| r.map_err(|d| errors.push(d)).ok();
    let target = match &channel.transport {
        Transport::Webhook {
            url_env,
            secret_env,
        } => {
            let url = keep(env_url(channel, "url_env", url_env));
            let secret = secret_env
                .as_ref()
                .map(|s| keep(channel.env("secret_env", s)));
            match (url, secret) {
                (Some(url), None) => Some(Target::Webhook { url, secret: None }),
                (Some(url), Some(Some(s))) => Some(Target::Webhook {
                    url,
                    secret: Some(s),
                }),
                _ => None,
            }
        }
        Transport::Slack { url_env } => {
            keep(env_url(channel, "url_env", url_env)).map(|url| Target::Slack { url })
        }
        Transport::Discord { url_env } => {
            keep(env_url(channel, "url_env", url_env)).map(|url| Target::Discord { url })
        }
        Transport::Mastodon {
            instance,
            token_env,
        } => keep(channel.env("token_env", token_env)).map(|token| Target::Mastodon {
            instance: instance.clone(),
            token,
        }),
        Transport::Email(cfg) => match (&cfg.user_env, &cfg.password_env) {
            (Some(u), Some(p)) => {
                let u = keep(channel.env("user_env", u));
                let p = keep(channel.env("password_env", p));
                u.zip(p).map(|c| Target::Email {
                    config: cfg.clone(),
                    credentials: Some(c),
                })
            }
            _ => Some(Target::Email {
                config: cfg.clone(),
                credentials: None,
            }),
        },
    };
    target.ok_or(errors)
}

/// The http(s) URL held by environment variable `name`.
fn env_url(channel: &Channel, key: &str, name: &str) -> Result<String, Diagnostic> {
    let v = channel.env(key, name)?;
    match url::Url::parse(&v) {
        Ok(u) if u.scheme() == "https" || u.scheme() == "http" => Ok(v),
        // Never echo the value: it holds a token.
        _ => Err(Diagnostic::error(
            crate::config::CONFIG_PATH,
            format!(
                "environment variable `{name}` does not hold an http(s) URL (channel `{}`)",
                channel.id
            ),
        )
        .at_line(channel.line)
        .field(channel.field(key))),
    }
}

impl Target {
    /// Send `msg` once (no retries).
    pub fn send_once(
        &self,
        agent: &ureq::Agent,
        timeout: Duration,
        channel: &str,
        msg: &Message,
        markdown: &str,
    ) -> Result<(), SendError> {
        match self {
            Target::Webhook { url, secret } => {
                webhook::send(agent, url, secret.as_deref(), channel, msg, markdown)
            }
            Target::Slack { url } => slack::send(agent, url, msg),
            Target::Discord { url } => discord::send(agent, url, msg),
            Target::Mastodon { instance, token } => mastodon::send(agent, instance, token, msg),
            Target::Email {
                config,
                credentials,
            } => email::send(config, credentials.clone(), timeout, msg),
        }
    }
}

/// Run `attempt` up to [`ATTEMPTS`] times while it fails transiently, sleeping
/// 0.5 s, then 1 s between attempts. Returns the last error and the attempts made.
pub fn with_retries(
    mut attempt: impl FnMut() -> Result<(), SendError>,
    mut sleep: impl FnMut(Duration),
) -> Result<(), (SendError, u32)> {
    let mut n = 0;
    loop {
        n += 1;
        match attempt() {
            Ok(()) => return Ok(()),
            Err(e @ SendError::Refused(_)) => return Err((e, n)),
            Err(e) if n >= ATTEMPTS => return Err((e, n)),
            Err(_) => sleep(Duration::from_millis(500 << (n - 1))),
        }
    }
}

/// What a run would do for one channel: indices into the item list, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelPlan {
    /// Index into `NotifyConfig::channels`.
    pub channel: usize,
    /// Items to send.
    pub send: Vec<usize>,
    /// Items older than `max_age`: recorded as announced without sending.
    pub record_only: Vec<usize>,
}

/// For each channel, the wanted items not on record yet, split by age.
pub fn plan(
    cfg: &NotifyConfig,
    items: &[Item<'_>],
    state: &state::State,
    now: DateTime<Utc>,
) -> Vec<ChannelPlan> {
    let max_age = chrono::Duration::from_std(cfg.max_age).unwrap_or(chrono::Duration::MAX);
    let oldest = now
        .checked_sub_signed(max_age)
        .unwrap_or(DateTime::<Utc>::MIN_UTC);
    cfg.channels
        .iter()
        .enumerate()
        .map(|(ci, ch)| {
            let mut p = ChannelPlan {
                channel: ci,
                send: Vec::new(),
                record_only: Vec::new(),
            };
            for (i, it) in items.iter().enumerate() {
                if !items::wanted(ch, it) || state.contains(&ch.id, &it.id) {
                    continue;
                }
                if it.at < oldest {
                    p.record_only.push(i);
                } else {
                    p.send.push(i);
                }
            }
            p
        })
        .collect()
}

/// Where the state file of `cfg` lives under `root`.
pub fn state_path(root: &std::path::Path, cfg: &NotifyConfig) -> PathBuf {
    root.join(&cfg.state)
}

/// The first-run guard: the channels that would get more than [`FIRST_RUN_LIMIT`]
/// items from a site without a state file.
pub fn first_run_overflow<'c>(
    cfg: &'c NotifyConfig,
    plans: &[ChannelPlan],
    state: &state::State,
) -> Vec<(&'c str, usize)> {
    if state.existed {
        return Vec::new();
    }
    plans
        .iter()
        .filter(|p| p.send.len() > FIRST_RUN_LIMIT)
        .map(|p| (cfg.channels[p.channel].id.as_str(), p.send.len()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_transient_errors_three_times_with_backoff() {
        let mut calls = 0;
        let mut slept = Vec::new();
        let r = with_retries(
            || {
                calls += 1;
                Err(SendError::Transient("HTTP 500".into()))
            },
            |d| slept.push(d.as_millis()),
        );
        assert_eq!(r, Err((SendError::Transient("HTTP 500".into()), 3)));
        assert_eq!(calls, 3);
        assert_eq!(slept, [500, 1000]);
    }

    #[test]
    fn refusals_are_not_retried_and_success_stops() {
        let mut calls = 0;
        let r = with_retries(
            || {
                calls += 1;
                Err(SendError::Refused("HTTP 404".into()))
            },
            |_| panic!("no sleep after a refusal"),
        );
        assert_eq!(r.unwrap_err().1, 1);
        let mut n = 0;
        let ok = with_retries(
            || {
                n += 1;
                if n < 2 {
                    Err(SendError::Transient("x".into()))
                } else {
                    Ok(())
                }
            },
            |_| {},
        );
        assert!(ok.is_ok());
        assert_eq!(n, 2);
    }
}
