//! TCP probes: the port accepts a connection within the timeout.

use super::{Outcome, timed_out};
use std::io;
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Connect to `host:port`; up when the connection is accepted.
pub fn probe(host: &str, port: u16, timeout: Duration) -> Outcome {
    let started = Instant::now();
    match connect(host, port, started + timeout) {
        Ok(_) => Outcome::up(started.elapsed()),
        Err(e) => Outcome::down(started.elapsed(), e.message(timeout)),
    }
}

/// Why a connection failed, worded for publishing.
#[derive(Debug)]
pub enum ConnectError {
    TimedOut,
    NotFound,
    Io(io::Error),
}

impl ConnectError {
    /// A short message that names no host or address.
    pub fn message(&self, timeout: Duration) -> String {
        match self {
            ConnectError::TimedOut => timed_out(timeout),
            ConnectError::NotFound => "host not found".into(),
            ConnectError::Io(e) => io_message(e),
        }
    }
}

/// A short, address-free description of a socket error.
pub fn io_message(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::ConnectionReset => "connection reset".into(),
        io::ErrorKind::ConnectionAborted => "connection aborted".into(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => "timed out".into(),
        io::ErrorKind::UnexpectedEof => "connection closed early".into(),
        io::ErrorKind::HostUnreachable => "host unreachable".into(),
        io::ErrorKind::NetworkUnreachable => "network unreachable".into(),
        io::ErrorKind::AddrNotAvailable => "address not available".into(),
        _ => "connection failed".into(),
    }
}

/// Resolve and connect before `deadline`, trying each address in turn.
pub fn connect(host: &str, port: u16, deadline: Instant) -> Result<TcpStream, ConnectError> {
    let addrs = resolve(host, port, deadline)?;
    let mut last = ConnectError::NotFound;
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(ConnectError::TimedOut);
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(s) => return Ok(s),
            Err(e) if e.kind() == io::ErrorKind::TimedOut => last = ConnectError::TimedOut,
            Err(e) => last = ConnectError::Io(e),
        }
    }
    Err(last)
}

/// Name resolution can hang: it runs on its own thread and is abandoned at the deadline.
fn resolve(host: &str, port: u16, deadline: Instant) -> Result<Vec<SocketAddr>, ConnectError> {
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = mpsc::channel();
    let name = host.to_string();
    std::thread::spawn(move || {
        let r = (name.as_str(), port)
            .to_socket_addrs()
            .map(|a| a.collect::<Vec<_>>());
        let _ = tx.send(r);
    });
    match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        Ok(Ok(a)) if !a.is_empty() => Ok(a),
        Ok(_) => Err(ConnectError::NotFound),
        Err(_) => Err(ConnectError::TimedOut),
    }
}
