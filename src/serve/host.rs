//! Which `Host` headers the preview answers: its own names only.
//!
//! A web page on another site can point a DNS name it controls at 127.0.0.1 (DNS
//! rebinding) and then read the preview, drafts included, as same-origin. Such a
//! request carries that name in `Host`, so anything but a loopback name or an IP
//! address of this server is refused. IP literals are safe: rebinding needs a name.

use std::net::{IpAddr, SocketAddr};

/// Whether a request with `host` may be answered by a server listening on `local`.
///
/// Accepted: `localhost`, `127.0.0.1`, `[::1]`, the bound IP, and (for a wildcard
/// bind) any IP literal, each with no port or with the port we listen on.
pub fn allowed(host: &str, local: SocketAddr) -> bool {
    let host = host.trim();
    let (name, port) = split_port(host);
    if let Some(port) = port
        && port.parse::<u16>().ok() != Some(local.port())
    {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let literal = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .map_or_else(
            || name.parse::<std::net::Ipv4Addr>().map(IpAddr::V4).ok(),
            |v6| v6.parse::<std::net::Ipv6Addr>().map(IpAddr::V6).ok(),
        );
    match literal {
        Some(ip) => ip.is_loopback() || ip == local.ip() || local.ip().is_unspecified(),
        None => false,
    }
}

/// `name:port` → (`name`, `Some(port)`); a bracketed IPv6 literal keeps its colons.
fn split_port(host: &str) -> (&str, Option<&str>) {
    if host.starts_with('[') {
        return match host.find(']') {
            // Without a `:port` the host stays whole; text after `]` then fails to parse.
            Some(end) => match host[end + 1..].strip_prefix(':') {
                Some(port) => (&host[..=end], Some(port)),
                None => (host, None),
            },
            None => (host, None),
        };
    }
    match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SocketAddr {
        s.parse().unwrap()
    }

    #[test]
    fn loopback_names_with_our_port_only() {
        let local = at("127.0.0.1:4000");
        for ok in [
            "localhost",
            "LocalHost:4000",
            "127.0.0.1",
            "127.0.0.1:4000",
            "[::1]",
            "[::1]:4000",
            " 127.0.0.1:4000 ",
        ] {
            assert!(allowed(ok, local), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:4000",
            "localhost.evil.example",
            "127.0.0.1.nip.io:4000",
            "localhost:4001",
            "127.0.0.1:80",
            "127.0.0.1:",
            "[::1]x",
            "[::1",
            "",
            "10.0.0.5:4000",
            "::1",
        ] {
            assert!(!allowed(bad, local), "{bad}");
        }
    }

    #[test]
    fn bound_and_wildcard_addresses() {
        let lan = at("192.168.1.5:4000");
        assert!(allowed("192.168.1.5:4000", lan));
        assert!(allowed("localhost:4000", lan));
        assert!(!allowed("192.168.1.6:4000", lan));
        assert!(!allowed("status.example:4000", lan));

        let any = at("0.0.0.0:4000");
        assert!(allowed("192.168.1.6:4000", any));
        assert!(allowed("[fe80::1]:4000", at("[::]:4000")));
        assert!(!allowed("status.example:4000", any));
    }
}
