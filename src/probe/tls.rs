//! TLS probes: a handshake verified against the web PKI roots, then the
//! certificate's remaining lifetime.

use super::{Outcome, tcp, timed_out};
use crate::health::record::State;
use rustls::pki_types::ServerName;
use std::io;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Handshake with `host:port`: down when the certificate is invalid or expired,
/// degraded when it expires within `warn_before`.
pub fn probe(host: &str, port: u16, warn_before: Duration, timeout: Duration) -> Outcome {
    let started = Instant::now();
    let deadline = started + timeout;
    let mut sock = match tcp::connect(host, port, deadline) {
        Ok(s) => s,
        Err(e) => return Outcome::down(started.elapsed(), e.message(timeout)),
    };
    let Ok(name) = ServerName::try_from(host.to_string()) else {
        return Outcome::down(started.elapsed(), "not a valid TLS server name");
    };
    let mut conn = match rustls::ClientConnection::new(config(), name) {
        Ok(c) => c,
        Err(e) => return Outcome::down(started.elapsed(), rustls_message(&e)),
    };
    while conn.is_handshaking() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Outcome::down(started.elapsed(), timed_out(timeout));
        }
        let _ = sock.set_read_timeout(Some(left));
        let _ = sock.set_write_timeout(Some(left));
        if let Err(e) = conn.complete_io(&mut sock) {
            let msg = match e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                Some(r) => rustls_message(r),
                None if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
                {
                    timed_out(timeout)
                }
                None => tcp::io_message(&e),
            };
            return Outcome::down(started.elapsed(), msg);
        }
    }
    let latency = started.elapsed();
    let not_after = conn
        .peer_certificates()
        .and_then(|c| c.first())
        .and_then(|der| x509_parser::parse_x509_certificate(der).ok())
        .map(|(_, cert)| cert.validity().not_after.timestamp());
    let Some(not_after) = not_after else {
        return Outcome::down(latency, "no readable certificate");
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (state, message) = expiry(not_after - now, warn_before);
    Outcome {
        state,
        latency,
        message: Some(message),
    }
}

/// State and message for a certificate with `secs_left` of validity.
pub fn expiry(secs_left: i64, warn_before: Duration) -> (State, String) {
    let days = secs_left.div_euclid(86400);
    if secs_left <= 0 {
        return (State::Down, "certificate expired".into());
    }
    let text = match days {
        0 => "certificate expires within a day".to_string(),
        1 => "certificate expires in 1 day".to_string(),
        d => format!("certificate expires in {d} days"),
    };
    let state = if (secs_left as u64) < warn_before.as_secs() {
        State::Degraded
    } else {
        State::Up
    };
    (state, text)
}

/// A short message for a TLS failure; certificate problems say which.
pub fn rustls_message(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => "certificate expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => "certificate not valid yet".into(),
            C::UnknownIssuer => "certificate invalid: unknown issuer".into(),
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "certificate invalid: not valid for this host name".into()
            }
            C::Revoked => "certificate revoked".into(),
            C::BadSignature => "certificate invalid: bad signature".into(),
            _ => "certificate invalid".into(),
        },
        rustls::Error::AlertReceived(_) => "TLS handshake refused by the server".into(),
        _ => "TLS handshake failed".into(),
    }
}

/// One client config for every probe: web PKI roots, the ring provider.
fn config() -> Arc<rustls::ClientConfig> {
    static CONFIG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots = rustls::RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let cfg = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("ring supports the default TLS versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
            Arc::new(cfg)
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_states() {
        let two_weeks = Duration::from_secs(14 * 86400);
        assert_eq!(
            expiry(9 * 86400 + 5, two_weeks),
            (State::Degraded, "certificate expires in 9 days".into())
        );
        assert_eq!(expiry(60 * 86400, two_weeks).0, State::Up);
        assert_eq!(expiry(14 * 86400, two_weeks).0, State::Up);
        assert_eq!(expiry(14 * 86400 - 1, two_weeks).0, State::Degraded);
        assert_eq!(
            expiry(0, two_weeks),
            (State::Down, "certificate expired".into())
        );
        assert_eq!(
            expiry(3600, two_weeks).1,
            "certificate expires within a day"
        );
    }
}
