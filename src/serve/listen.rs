//! Choosing the address: test-bind the port ourselves so a busy port is a clear error
//! (or, for the default port, a reason to try the next one) before the server starts.

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::os::unix::io::AsRawFd;
use std::time::Duration;

/// Port tried first when `--port` is not given.
pub const DEFAULT_PORT: u16 = 4000;

/// How many ports after the default are tried when it is taken.
const FALLBACK_TRIES: u16 = 20;

/// How long a write to a client may block: one that stops reading is dropped after this.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Why no listening socket could be opened.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error("{addr} is already in use; pick another port with --port")]
    Busy { addr: SocketAddr },
    #[error("ports {first} to {last} on {ip} are all in use; pick a port with --port")]
    NoFreePort { ip: IpAddr, first: u16, last: u16 },
    #[error("cannot listen on {addr}")]
    Bind { addr: SocketAddr, source: io::Error },
}

/// Listen on `ip:port`; without a port, on the first free one from [`DEFAULT_PORT`].
pub fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, ListenError> {
    match port {
        Some(port) => bind_one(ip, port)?.ok_or(ListenError::Busy {
            addr: SocketAddr::new(ip, port),
        }),
        None => bind_first_free(ip, DEFAULT_PORT, FALLBACK_TRIES),
    }
}

/// The first port from `first` on (at most `tries` of them) that is free.
fn bind_first_free(ip: IpAddr, first: u16, tries: u16) -> Result<TcpListener, ListenError> {
    let last = first.saturating_add(tries.saturating_sub(1));
    for port in first..=last {
        if let Some(listener) = bind_one(ip, port)? {
            return Ok(listener);
        }
    }
    Err(ListenError::NoFreePort { ip, first, last })
}

/// `Ok(None)` when the port is taken; any other failure is an error.
fn bind_one(ip: IpAddr, port: u16) -> Result<Option<TcpListener>, ListenError> {
    let addr = SocketAddr::new(ip, port);
    match TcpListener::bind(addr) {
        Ok(l) => {
            set_send_timeout(&l, SEND_TIMEOUT)
                .map_err(|source| ListenError::Bind { addr, source })?;
            Ok(Some(l))
        }
        Err(e) if e.kind() == io::ErrorKind::AddrInUse => Ok(None),
        Err(source) => Err(ListenError::Bind { addr, source }),
    }
}

/// `SO_SNDTIMEO` on the listening socket: Linux and the BSDs copy it to every accepted
/// connection, which `tiny_http` gives us no hook to configure. (Not `SO_RCVTIMEO`:
/// that would also time out `accept` and stop the server.)
fn set_send_timeout(listener: &TcpListener, timeout: Duration) -> io::Result<()> {
    let tv = libc::timeval {
        tv_sec: timeout.as_secs().try_into().unwrap_or(libc::time_t::MAX),
        tv_usec: 0,
    };
    // SAFETY: a valid descriptor and a pointer to a live `timeval` of the size passed.
    let rc = unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            (&raw const tv).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn accepted_connections_inherit_the_send_timeout() {
        let listener = bind_first_free(LOOPBACK, 47000, 500).unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = std::net::TcpStream::connect(addr).unwrap();
        let (conn, _) = listener.accept().unwrap();
        assert_eq!(conn.write_timeout().unwrap(), Some(SEND_TIMEOUT));
    }

    #[test]
    fn explicit_busy_port_is_an_error_and_default_moves_on() {
        let taken = TcpListener::bind((LOOPBACK, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        let err = bind(LOOPBACK, Some(port)).unwrap_err();
        assert!(matches!(err, ListenError::Busy { .. }), "{err}");
        assert!(err.to_string().contains("already in use"), "{err}");

        // The next ports may be taken by something else on a busy machine; any later one will do.
        match bind_first_free(LOOPBACK, port, 10) {
            Ok(l) => assert!(l.local_addr().unwrap().port() > port),
            Err(e) => assert!(matches!(e, ListenError::NoFreePort { .. }), "{e}"),
        }
        let err = bind_first_free(LOOPBACK, port, 1).unwrap_err();
        assert!(matches!(err, ListenError::NoFreePort { .. }), "{err}");
    }
}
