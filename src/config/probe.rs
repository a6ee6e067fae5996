//! The `probes:` section of `content/site.yaml`: the checks `lantern probe` runs itself.

use super::raw::RawProbe;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml;
use std::path::Path;
use std::time::Duration;

/// Default time a probe may take, for every kind.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest timeout accepted: a round must end in reasonable time.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// Most retries accepted within one round.
pub const MAX_RETRIES: u32 = 10;
/// Default `warn_before` of a TLS probe.
pub const DEFAULT_WARN_BEFORE: Duration = Duration::from_secs(14 * 86400);

/// One validated probe.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The check id its results carry in the feed.
    pub id: String,
    pub kind: ProbeKind,
    pub timeout: Duration,
    /// Slower successful answers are `degraded`.
    pub degraded_latency_ms: u64,
    /// Failed attempts retried within the same round before a failure counts.
    pub retries: u32,
    /// The 1-based line of the probe in site.yaml, for warnings.
    pub line: Option<usize>,
}

/// What a probe checks.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeKind {
    /// An HTTP(S) GET; `expect_status` empty means any 2xx or 3xx.
    Http {
        url: url::Url,
        expect_status: Vec<u16>,
        expect_body: Option<String>,
    },
    /// A TCP connection.
    Tcp { host: String, port: u16 },
    /// A program run without a shell; exit status 0 is up.
    Command {
        argv: Vec<String>,
        publish_output: bool,
    },
    /// A TLS handshake with certificate validation.
    Tls {
        host: String,
        port: u16,
        warn_before: Duration,
    },
}

impl ProbeKind {
    /// The config key naming this kind.
    pub fn key(&self) -> &'static str {
        match self {
            ProbeKind::Http { .. } => "http",
            ProbeKind::Tcp { .. } => "tcp",
            ProbeKind::Command { .. } => "command",
            ProbeKind::Tls { .. } => "tls",
        }
    }
}

/// Validate every probe; problems go to `diags` with file, line and field.
pub fn validate(
    raw: Vec<RawProbe>,
    text: &str,
    rel: &Path,
    default_degraded_ms: u64,
    diags: &mut Diagnostics,
) -> Vec<Probe> {
    let mut out: Vec<Probe> = Vec::with_capacity(raw.len());
    for (i, p) in raw.into_iter().enumerate() {
        let item = yaml::list_item_line(text, "probes", i);
        let mut problem = |key: &str, msg: String| {
            diags.push(
                Diagnostic::error(rel, msg)
                    .at_line(item_key_line(text, item, key).or(item))
                    .field(format!("probes[{i}].{key}")),
            );
        };
        if p.id.trim().is_empty() || p.id.trim() != p.id || p.id.chars().any(char::is_control) {
            problem(
                "id",
                format!(
                    "`{}` is not a check id: write it without surrounding spaces",
                    p.id
                ),
            );
        } else if out.iter().any(|o| o.id == p.id) {
            problem("id", format!("probe id `{}` is used twice", p.id));
        }
        let kinds: Vec<&str> = [
            ("http", p.http.is_some()),
            ("tcp", p.tcp.is_some()),
            ("command", p.command.is_some()),
            ("tls", p.tls.is_some()),
        ]
        .into_iter()
        .filter_map(|(k, set)| set.then_some(k))
        .collect();
        if kinds.len() > 1 {
            problem(
                kinds[1],
                format!(
                    "a probe has exactly one kind; this one sets {}",
                    kinds
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            );
            continue;
        }
        // Options that belong to one kind are errors elsewhere: they would silently do nothing.
        let own: [(&str, bool, &str); 4] = [
            ("expect_status", p.expect_status.is_some(), "http"),
            ("expect_body", p.expect_body.is_some(), "http"),
            ("warn_before", p.warn_before.is_some(), "tls"),
            ("publish_output", p.publish_output.is_some(), "command"),
        ];
        for (key, set, kind) in own {
            if set && kinds.first() != Some(&kind) {
                problem(key, format!("only a `{kind}` probe takes `{key}`"));
            }
        }
        let timeout = p.timeout.map_or(DEFAULT_TIMEOUT, |s| s.0);
        if timeout > MAX_TIMEOUT {
            problem(
                "timeout",
                format!("{}s is out of range: use at most 1h", timeout.as_secs()),
            );
        }
        let retries = p.retries.unwrap_or(0);
        if retries > MAX_RETRIES {
            problem(
                "retries",
                format!("{retries} is out of range: use 0 to {MAX_RETRIES}"),
            );
        }
        let kind = if let Some(u) = &p.http {
            http_kind(u, p.expect_status.unwrap_or_default(), p.expect_body)
                .map_err(|(k, m)| problem(k, m))
                .ok()
        } else if let Some(t) = &p.tcp {
            host_port(t)
                .map(|(host, port)| ProbeKind::Tcp { host, port })
                .map_err(|m| problem("tcp", m))
                .ok()
        } else if let Some(argv) = p.command {
            if argv.first().is_none_or(|a| a.trim().is_empty()) {
                problem(
                    "command",
                    "needs a program and its arguments, e.g. [pg_isready, -h, db.internal]".into(),
                );
                None
            } else {
                Some(ProbeKind::Command {
                    argv,
                    publish_output: p.publish_output.unwrap_or(false),
                })
            }
        } else if let Some(t) = &p.tls {
            host_port(t)
                .map(|(host, port)| ProbeKind::Tls {
                    host,
                    port,
                    warn_before: p.warn_before.map_or(DEFAULT_WARN_BEFORE, |s| s.0),
                })
                .map_err(|m| problem("tls", m))
                .ok()
        } else {
            problem(
                "http",
                "a probe needs one of `http`, `tcp`, `command` or `tls`".into(),
            );
            None
        };
        if let Some(kind) = kind {
            out.push(Probe {
                id: p.id,
                kind,
                timeout,
                degraded_latency_ms: p.degraded_latency_ms.unwrap_or(default_degraded_ms),
                retries,
                line: item,
            });
        }
    }
    out
}

fn http_kind(
    raw: &str,
    expect_status: Vec<u16>,
    expect_body: Option<String>,
) -> Result<ProbeKind, (&'static str, String)> {
    let url = url::Url::parse(raw.trim())
        .map_err(|e| ("http", format!("`{raw}` is not an absolute URL ({e})")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err((
            "http",
            format!("`{raw}` must start with http:// or https://"),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // Never echo the URL: it holds the secret.
        return Err((
            "http",
            "a URL with credentials (user:password@) is refused: the config is not a place for secrets; use a `command` probe that reads them from the environment".into(),
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(("http", format!("`{raw}` has no host")));
    }
    if let Some(bad) = expect_status.iter().find(|s| !(100..=599).contains(*s)) {
        return Err((
            "expect_status",
            format!("{bad} is not an HTTP status (100 to 599)"),
        ));
    }
    Ok(ProbeKind::Http {
        url,
        expect_status,
        expect_body,
    })
}

/// `host:port`, `[v6]:port`; the port is required.
pub fn host_port(raw: &str) -> Result<(String, u16), String> {
    let s = raw.trim();
    let need = || format!("`{raw}` needs a host and a port, like `db.internal:5432`");
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, p) = rest.split_once(']').ok_or_else(need)?;
        (h, p.strip_prefix(':').ok_or_else(need)?)
    } else {
        let (h, p) = s.rsplit_once(':').ok_or_else(need)?;
        if h.contains(':') {
            return Err(format!(
                "`{raw}`: write an IPv6 address in brackets, like `[::1]:5432`"
            ));
        }
        (h, p)
    };
    if host.is_empty() || host.contains(['/', ' ', '@']) {
        return Err(need());
    }
    match port.parse::<u16>() {
        Ok(p) if p > 0 => Ok((host.to_string(), p)),
        _ => Err(format!("`{port}` in `{raw}` is not a port (1 to 65535)")),
    }
}

/// The line of `key:` inside the list item starting at `item` (1-based), if written there.
fn item_key_line(text: &str, item: Option<usize>, key: &str) -> Option<usize> {
    let start = item?;
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.get(start - 1)?;
    let dash = first.len() - first.trim_start().len();
    for (i, line) in lines.iter().enumerate().skip(start - 1) {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if i + 1 > start && !body.is_empty() && !body.starts_with('#') && indent <= dash {
            break;
        }
        let body = body.strip_prefix("- ").unwrap_or(body);
        let body = body.trim_start_matches(['{', ' ']);
        if body.starts_with(&format!("{key}:")) || line.contains(&format!(" {key}:")) {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port() {
        assert_eq!(host_port("db:5432").unwrap(), ("db".into(), 5432));
        assert_eq!(host_port("[::1]:443").unwrap(), ("::1".into(), 443));
        assert!(
            host_port("db")
                .unwrap_err()
                .contains("needs a host and a port")
        );
        assert!(host_port("db:0").is_err());
        assert!(host_port("db:99999").is_err());
        assert!(host_port(":80").is_err());
        assert!(host_port("::1:80").unwrap_err().contains("brackets"));
    }

    #[test]
    fn keys_are_found_inside_their_item() {
        let y = "title: x\nprobes:\n  - id: a\n    tcp: db\n  - id: b\n    tcp: db2\n";
        assert_eq!(item_key_line(y, Some(3), "tcp"), Some(4));
        assert_eq!(item_key_line(y, Some(5), "tcp"), Some(6));
        assert_eq!(item_key_line(y, Some(3), "timeout"), None);
        let flow = "probes:\n  - { id: a, tcp: db }\n";
        assert_eq!(item_key_line(flow, Some(2), "tcp"), Some(2));
    }
}
