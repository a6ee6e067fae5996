//! The `notify:` section of `content/site.yaml`: where `lantern notify` announces updates.
//!
//! Secrets never live in the file: every URL that carries a token, every token and every
//! password is named by an environment variable (`url_env`, `token_env`, …) and read only
//! when a message is sent (see [`Channel::env`]).

use crate::diagnostics::Diagnostic;
use crate::time::Span;
use crate::vocab::{Impact, PostKind};
use serde::Deserialize;
use std::path::{Component as PathPart, Path, PathBuf};
use std::time::Duration;

/// The `notify:` section as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNotify {
    #[serde(default)]
    pub state: Option<PathBuf>,
    #[serde(default)]
    pub max_age: Option<Span>,
    #[serde(default)]
    pub timeout: Option<Span>,
    #[serde(default)]
    pub channels: Vec<RawChannel>,
}

/// One channel as written: an id, exactly one transport, optional filters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub id: String,
    #[serde(default)]
    pub webhook: Option<RawWebhook>,
    #[serde(default)]
    pub slack: Option<RawUrlEnv>,
    #[serde(default)]
    pub discord: Option<RawUrlEnv>,
    #[serde(default)]
    pub mastodon: Option<RawMastodon>,
    #[serde(default)]
    pub email: Option<RawEmail>,
    #[serde(default)]
    pub components: Option<Vec<String>>,
    #[serde(default)]
    pub kinds: Option<Vec<KindWord>>,
    #[serde(default)]
    pub min_impact: Option<Impact>,
}

/// `webhook:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWebhook {
    pub url_env: String,
    #[serde(default)]
    pub secret_env: Option<String>,
}

/// `slack:` / `discord:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUrlEnv {
    pub url_env: String,
}

/// `mastodon:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMastodon {
    pub instance: String,
    pub token_env: String,
}

/// `email:` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEmail {
    pub smtp: String,
    #[serde(default)]
    pub starttls: Option<bool>,
    #[serde(default)]
    pub tls: Option<bool>,
    #[serde(default)]
    pub user_env: Option<String>,
    #[serde(default)]
    pub password_env: Option<String>,
    pub from: String,
    pub to: Vec<String>,
}

/// A post kind as written in `kinds:`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum KindWord {
    Incident,
    Maintenance,
    News,
}

/// Default state file, relative to the site root.
pub const DEFAULT_STATE: &str = ".lantern/announced.json";
/// Items older than this are recorded, not sent.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// Per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A validated `notify:` section.
#[derive(Debug, Clone, PartialEq)]
pub struct NotifyConfig {
    /// Relative to the site root; never leaves it.
    pub state: PathBuf,
    pub max_age: Duration,
    pub timeout: Duration,
    pub channels: Vec<Channel>,
}

/// One validated channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub id: String,
    /// Position in `notify.channels`, for messages.
    pub index: usize,
    /// Line of the channel in `content/site.yaml`, for messages.
    pub line: Option<usize>,
    pub transport: Transport,
    /// Only posts touching one of these components; empty: all posts.
    pub components: Vec<String>,
    /// Only these kinds; empty: all kinds.
    pub kinds: Vec<PostKind>,
    /// Only incidents at least this bad (maintenance and news have no impact and pass).
    pub min_impact: Option<Impact>,
}

/// Where a channel sends, with secrets still named by environment variables.
#[derive(Debug, Clone, PartialEq)]
pub enum Transport {
    Webhook {
        url_env: String,
        secret_env: Option<String>,
    },
    Slack {
        url_env: String,
    },
    Discord {
        url_env: String,
    },
    Mastodon {
        instance: url::Url,
        token_env: String,
    },
    Email(EmailConfig),
}

/// How to reach the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS; fails when the server does not offer it.
    StartTls,
    /// Implicit TLS from the first byte (port 465).
    Tls,
    /// No encryption: for a relay on the same host or network.
    Plain,
}

/// A validated `email:` transport.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub user_env: Option<String>,
    pub password_env: Option<String>,
    pub from: String,
    pub to: Vec<String>,
}

impl Transport {
    /// The key of the transport in the config (`webhook`, `slack`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Transport::Webhook { .. } => "webhook",
            Transport::Slack { .. } => "slack",
            Transport::Discord { .. } => "discord",
            Transport::Mastodon { .. } => "mastodon",
            Transport::Email(_) => "email",
        }
    }
}

impl Channel {
    /// The config path of one of this channel's transport fields, e.g.
    /// `notify.channels[1].slack.url_env`.
    pub fn field(&self, key: &str) -> String {
        format!(
            "notify.channels[{}].{}.{key}",
            self.index,
            self.transport.name()
        )
    }

    /// Read the environment variable named by transport field `key` (= `name`).
    ///
    /// A variable that is unset or empty is an error naming the file, line and field.
    pub fn env(&self, key: &str, name: &str) -> Result<String, Diagnostic> {
        match std::env::var(name) {
            Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
            _ => Err(Diagnostic::error(
                super::CONFIG_PATH,
                format!(
                    "environment variable `{name}` is not set (channel `{}` reads its {} from it)",
                    self.id,
                    key.trim_end_matches("_env")
                ),
            )
            .at_line(self.line)
            .field(self.field(key))),
        }
    }
}

/// Validate the `notify:` section; `text` is the whole config, for line numbers.
pub fn validate(
    raw: RawNotify,
    text: &str,
    components: &[super::Component],
    diags: &mut crate::diagnostics::Diagnostics,
) -> NotifyConfig {
    let rel = Path::new(super::CONFIG_PATH);
    let notify_line = crate::yaml::key_line(text, "notify");
    let state = raw.state.unwrap_or_else(|| PathBuf::from(DEFAULT_STATE));
    if let Err(m) = check_state_path(&state) {
        diags.push(
            Diagnostic::error(rel, m)
                .at_line(nested_line(text, notify_line, "state"))
                .field("notify.state"),
        );
    }
    let mut span = |s: Option<Span>, default: Duration, key: &str| {
        let d = s.map_or(default, |s| s.0);
        if d > super::MAX_SPAN {
            diags.push(
                Diagnostic::error(rel, "out of range: use at most 3650d")
                    .at_line(nested_line(text, notify_line, key))
                    .field(format!("notify.{key}")),
            );
        }
        d
    };
    let max_age = span(raw.max_age, DEFAULT_MAX_AGE, "max_age");
    let timeout = span(raw.timeout, DEFAULT_TIMEOUT, "timeout");
    let mut channels: Vec<Channel> = Vec::new();
    for (index, c) in raw.channels.into_iter().enumerate() {
        let line = channel_line(text, index);
        let err = |key: &str, msg: String| {
            Diagnostic::error(rel, msg)
                .at_line(field_line(
                    text,
                    line,
                    key.rsplit('.').next().unwrap_or(key),
                ))
                .field(format!("notify.channels[{index}].{key}"))
        };
        if !super::valid_component_id(&c.id) {
            diags.push(err(
                "id",
                format!(
                    "`{}` is not a valid channel id: use lowercase letters, digits, `-` and `_`",
                    c.id
                ),
            ));
        } else if channels.iter().any(|o| o.id == c.id) {
            diags.push(err("id", format!("channel id `{}` is used twice", c.id)));
        }
        let mut found: Vec<(&str, Transport)> = Vec::new();
        if let Some(w) = c.webhook {
            check_env(&w.url_env, "webhook.url_env", &err, diags);
            if let Some(s) = &w.secret_env {
                check_env(s, "webhook.secret_env", &err, diags);
            }
            found.push((
                "webhook",
                Transport::Webhook {
                    url_env: w.url_env,
                    secret_env: w.secret_env,
                },
            ));
        }
        if let Some(s) = c.slack {
            check_env(&s.url_env, "slack.url_env", &err, diags);
            found.push(("slack", Transport::Slack { url_env: s.url_env }));
        }
        if let Some(d) = c.discord {
            check_env(&d.url_env, "discord.url_env", &err, diags);
            found.push(("discord", Transport::Discord { url_env: d.url_env }));
        }
        if let Some(m) = c.mastodon {
            check_env(&m.token_env, "mastodon.token_env", &err, diags);
            match parse_instance(&m.instance) {
                Ok(instance) => found.push((
                    "mastodon",
                    Transport::Mastodon {
                        instance,
                        token_env: m.token_env,
                    },
                )),
                Err(msg) => diags.push(err("mastodon.instance", msg)),
            }
        }
        if let Some(e) = c.email
            && let Some(email) = validate_email(e, &err, diags)
        {
            found.push(("email", Transport::Email(email)));
        }
        let transport = match found.len() {
            1 => found.pop().map(|(_, t)| t),
            0 => {
                diags.push(err(
                    "id",
                    format!("channel `{}` needs one of `webhook`, `slack`, `discord`, `mastodon`, `email`", c.id),
                ));
                None
            }
            _ => {
                let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
                diags.push(err(
                    names[1],
                    format!(
                        "channel `{}` has {} transports ({}); give each its own channel",
                        c.id,
                        names.len(),
                        names.join(", ")
                    ),
                ));
                None
            }
        };
        let wanted = c.components.unwrap_or_default();
        for (i, id) in wanted.iter().enumerate() {
            if !components.iter().any(|k| &k.id == id) {
                diags.push(err(
                    &format!("components[{i}]"),
                    format!("`{id}` is not a component id in `components`"),
                ));
            }
        }
        let kinds = c
            .kinds
            .unwrap_or_default()
            .into_iter()
            .map(|k| match k {
                KindWord::Incident => PostKind::Incident,
                KindWord::Maintenance => PostKind::Maintenance,
                KindWord::News => PostKind::News,
            })
            .collect();
        if let Some(transport) = transport {
            channels.push(Channel {
                id: c.id,
                index,
                line,
                transport,
                components: wanted,
                kinds,
                min_impact: c.min_impact,
            });
        }
    }
    NotifyConfig {
        state,
        max_age,
        timeout,
        channels,
    }
}

fn validate_email(
    e: RawEmail,
    err: &impl Fn(&str, String) -> Diagnostic,
    diags: &mut crate::diagnostics::Diagnostics,
) -> Option<EmailConfig> {
    let before = diags.len();
    let security = match (e.tls, e.starttls) {
        (Some(true), Some(true)) => {
            diags.push(err(
                "email.tls",
                "`tls: true` (implicit TLS) and `starttls: true` exclude each other; keep one"
                    .into(),
            ));
            SmtpSecurity::Tls
        }
        (Some(true), _) => SmtpSecurity::Tls,
        (_, Some(false)) => SmtpSecurity::Plain,
        _ => SmtpSecurity::StartTls,
    };
    let default_port = match security {
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::Tls => 465,
        SmtpSecurity::Plain => 25,
    };
    let (host, port) = match parse_host_port(&e.smtp, default_port) {
        Ok(hp) => hp,
        Err(m) => {
            diags.push(err("email.smtp", m));
            (String::new(), 0)
        }
    };
    for (key, name) in [
        ("email.user_env", &e.user_env),
        ("email.password_env", &e.password_env),
    ] {
        if let Some(n) = name {
            check_env(n, key, err, diags);
        }
    }
    if e.user_env.is_some() != e.password_env.is_some() {
        diags.push(err(
            "email.user_env",
            "give both `user_env` and `password_env`, or neither (a local relay needs none)".into(),
        ));
    }
    if let Err(m) = e.from.parse::<lettre::message::Mailbox>() {
        diags.push(err(
            "email.from",
            format!(
                "`{}` is not an address like `Status <status@example.com>` ({m})",
                e.from
            ),
        ));
    }
    if e.to.is_empty() {
        diags.push(err("email.to", "list at least one recipient".into()));
    }
    for (i, to) in e.to.iter().enumerate() {
        if let Err(m) = to.parse::<lettre::message::Mailbox>() {
            diags.push(err(
                &format!("email.to[{i}]"),
                format!("`{to}` is not an email address ({m})"),
            ));
        }
    }
    (diags.len() == before).then_some(EmailConfig {
        host,
        port,
        security,
        user_env: e.user_env,
        password_env: e.password_env,
        from: e.from,
        to: e.to,
    })
}

/// Environment variable names: `[A-Za-z_][A-Za-z0-9_]*`. Catches a secret pasted in
/// place of its variable's name.
fn check_env(
    name: &str,
    key: &str,
    err: &impl Fn(&str, String) -> Diagnostic,
    diags: &mut crate::diagnostics::Diagnostics,
) {
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok {
        // Never echo the value: it may be the secret itself.
        diags.push(err(
            key,
            "is not an environment variable name like `SLACK_WEBHOOK_URL`; secrets are never written in site.yaml: put the value in an environment variable and name it here".into(),
        ));
    }
}

/// `host:port` (or `host`, with the security's usual port).
pub fn parse_host_port(s: &str, default_port: u16) -> Result<(String, u16), String> {
    let s = s.trim();
    let bad = || format!("`{s}` is not an SMTP server like `smtp.example.com:587`");
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, p.parse::<u16>().map_err(|_| bad())?),
        None => (s, default_port),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || port == 0 || host.contains(['/', ' ', '@']) {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

/// A Mastodon instance: an http(s) URL without path beyond `/`.
fn parse_instance(raw: &str) -> Result<url::Url, String> {
    let u = super::parse_base_url(raw)?;
    if u.path() != "/" {
        return Err(format!(
            "`{raw}` should be the instance's address only, like `https://social.example`"
        ));
    }
    Ok(u)
}

/// The state file must stay inside the site: relative, no `..`.
fn check_state_path(p: &Path) -> Result<(), String> {
    let inside = !p.as_os_str().is_empty()
        && p.components().all(|c| matches!(c, PathPart::Normal(_)))
        && p.file_name().is_some();
    if inside {
        Ok(())
    } else {
        Err(format!(
            "`{}` must be a file path relative to the site root, without `..`",
            p.display()
        ))
    }
}

/// Line of `key:` nested under the section starting at `section` (1-based), or the
/// section's own line.
fn nested_line(text: &str, section: Option<usize>, key: &str) -> Option<usize> {
    let start = section?;
    let lines: Vec<&str> = text.lines().collect();
    for (i, l) in lines.iter().enumerate().skip(start) {
        let t = l.trim_start();
        if !l.is_empty() && l.len() == t.len() && !t.starts_with('#') {
            break;
        }
        if t.strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            return Some(i + 1);
        }
    }
    Some(start)
}

/// The 1-based line of item `index` of `notify.channels`.
pub fn channel_line(text: &str, index: usize) -> Option<usize> {
    let notify = crate::yaml::key_line(text, "notify")?;
    let channels = nested_line(text, Some(notify), "channels")?;
    let lines: Vec<&str> = text.lines().collect();
    let mut seen = 0;
    let mut indent: Option<usize> = None;
    for (i, l) in lines.iter().enumerate().skip(channels) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = l.len() - t.len();
        if ind == 0 {
            break;
        }
        if t.starts_with('-') && *indent.get_or_insert(ind) == ind {
            if seen == index {
                return Some(i + 1);
            }
            seen += 1;
        }
    }
    Some(channels)
}

/// Line of `key:` within the channel item starting at `item`, else the item's line.
fn field_line(text: &str, item: Option<usize>, key: &str) -> Option<usize> {
    let start = item?;
    let key = key.split('[').next().unwrap_or(key);
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.get(start - 1)?;
    let item_indent = first.len() - first.trim_start().len();
    for (i, l) in lines.iter().enumerate().skip(start - 1) {
        let t = l.trim_start();
        let ind = l.len() - t.len();
        if i + 1 > start
            && !t.is_empty()
            && (ind < item_indent || (ind == item_indent && t.starts_with('-')))
        {
            break;
        }
        let found = l.match_indices(key).any(|(at, _)| {
            let before = l[..at].chars().next_back();
            let after = l[at + key.len()..].trim_start();
            matches!(before, None | Some(' ' | '{' | ',' | '-')) && after.starts_with(':')
        });
        if found {
            return Some(i + 1);
        }
    }
    Some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        assert_eq!(
            parse_host_port("smtp.example.com:587", 25).unwrap(),
            ("smtp.example.com".into(), 587)
        );
        assert_eq!(
            parse_host_port("localhost", 25).unwrap(),
            ("localhost".into(), 25)
        );
        assert!(parse_host_port("smtp.example.com:x", 25).is_err());
        assert!(parse_host_port(":25", 25).is_err());
        assert!(parse_host_port("a:0", 25).is_err());
    }

    #[test]
    fn state_must_stay_inside_the_site() {
        assert!(check_state_path(Path::new(".lantern/announced.json")).is_ok());
        assert!(check_state_path(Path::new("../x.json")).is_err());
        assert!(check_state_path(Path::new("/tmp/x.json")).is_err());
        assert!(check_state_path(Path::new("a/../../x")).is_err());
        assert!(check_state_path(Path::new("")).is_err());
    }

    #[test]
    fn lines_of_channels_and_fields() {
        let y = "title: T\nnotify:\n  state: s.json\n  channels:\n    - id: a\n      slack: { url_env: A }\n    - { id: b, discord: { url_env: B } }\nafter: 1\n";
        assert_eq!(channel_line(y, 0), Some(5));
        assert_eq!(channel_line(y, 1), Some(7));
        assert_eq!(field_line(y, Some(5), "url_env"), Some(6));
        assert_eq!(field_line(y, Some(7), "url_env"), Some(7));
        assert_eq!(field_line(y, Some(5), "nope"), Some(5));
        let top = Some(2);
        assert_eq!(nested_line(y, top, "state"), Some(3));
        assert_eq!(nested_line(y, top, "after"), Some(2));
    }
}
