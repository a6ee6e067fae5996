//! `lantern serve`: a preview server that renders the site (drafts included) into memory,
//! serves it over HTTP, rebuilds on every change and makes the browser reload.
//!
//! Nothing is ever written: not to `public/`, not anywhere in the site. Threads:
//! a few HTTP workers ([`server`]), one holding long-polls ([`reload::Hub`]), one
//! watching and rebuilding ([`watch`]); the main thread waits for Ctrl-C. They share
//! one [`state::State`] through an `Arc`.

mod diff;
mod host;
mod http;
mod listen;
mod notify_panel;
mod path;
mod reload;
mod server;
pub mod signal;
mod state;
mod watch;

pub use listen::DEFAULT_PORT;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// Worker threads answering requests; long-polls do not occupy them.
const WORKERS: usize = 6;

/// How long shutdown waits for threads before leaving the rest to process exit.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

/// Options of `lantern serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Site root: the folder holding `content/` and `themes/`.
    pub root: PathBuf,
    /// Port to listen on; `None` means [`DEFAULT_PORT`] or the next free one.
    pub port: Option<u16>,
    /// Address to listen on; anything but loopback exposes drafts to the network.
    pub bind: IpAddr,
    /// Open the preview in the default browser once it is up.
    pub open: bool,
}

/// Why the preview server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot use {} as the site root", .path.display())]
    Root { path: PathBuf, source: io::Error },
    #[error("{} has no content/ folder; is --root right?", .0.display())]
    NotASite(PathBuf),
    #[error(transparent)]
    Listen(#[from] listen::ListenError),
    #[error("cannot start the HTTP server: {0}")]
    Server(String),
    #[error(transparent)]
    Watch(#[from] watch::WatchError),
    #[error("cannot read the address the server listens on: {0}")]
    Address(io::Error),
    #[error("cannot start a thread: {0}")]
    Thread(io::Error),
    #[error("cannot wait for Ctrl-C: {0}")]
    Signal(io::Error),
}

/// Run the preview until Ctrl-C (or SIGTERM).
///
/// # Errors
/// When the root is not a site, the port is taken, or the server, watcher or threads
/// cannot start. Build errors are not among them: they are shown in the browser.
pub fn run(opts: &ServeOptions) -> Result<(), ServeError> {
    // Before any thread exists, so that all of them inherit the blocked mask.
    let termination = signal::Termination::block().map_err(ServeError::Signal)?;
    let root = std::fs::canonicalize(&opts.root).map_err(|source| ServeError::Root {
        path: opts.root.clone(),
        source,
    })?;
    if !root.join("content").is_dir() {
        return Err(ServeError::NotASite(opts.root.clone()));
    }
    let listener = listen::bind(opts.bind, opts.port)?;
    let local = listener.local_addr().map_err(ServeError::Address)?;
    let url = browser_url(local);
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: listening on {local}: anyone who can reach this machine can see the preview, drafts included"
        );
    }

    let state = Arc::new(state::State::new(root, url.clone()));
    // Watch before the first build so an edit made during it is not missed.
    let watcher = watch::SiteWatcher::start(&state.root)?;
    state.rebuild();
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| ServeError::Server(e.to_string()))?;
    let server = Arc::new(server);
    let mut threads =
        server::spawn_workers(&server, &state, local, WORKERS).map_err(ServeError::Thread)?;
    threads.push(spawn("lantern-poll", {
        let state = Arc::clone(&state);
        move || state.hub.run()
    })?);
    threads.push(spawn("lantern-watch", {
        let state = Arc::clone(&state);
        move || watcher.run(&state)
    })?);

    println!(
        "Serving {} at {url} (drafts included; nothing is written). Press Ctrl-C to stop.",
        state.root.display()
    );
    println!("What `lantern build` would change: {url}{}/", diff::PREFIX);
    if opts.open {
        open_browser(&url);
    }

    termination.wait().map_err(ServeError::Signal)?;
    println!("stopping");
    state.request_shutdown();
    for _ in 0..WORKERS {
        server.unblock();
    }
    wait_briefly(threads);
    Ok(())
}

/// The URL to print and to render links for: a wildcard bind is reached via loopback.
fn browser_url(local: SocketAddr) -> String {
    let ip = match local.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/", SocketAddr::new(ip, local.port()))
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<JoinHandle<()>, ServeError> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(f)
        .map_err(ServeError::Thread)
}

/// Join the threads that finish within [`SHUTDOWN_GRACE`]. A worker stuck writing to a
/// dead client is left to process exit: serve holds no files, so nothing is lost.
fn wait_briefly(threads: Vec<JoinHandle<()>>) {
    let deadline = Instant::now() + SHUTDOWN_GRACE;
    while Instant::now() < deadline && !threads.iter().all(JoinHandle::is_finished) {
        thread::sleep(Duration::from_millis(20));
    }
    for t in threads.into_iter().filter(JoinHandle::is_finished) {
        let _ = t.join();
    }
}

/// Start the platform's URL opener; failing to is only worth a warning.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = Command::new(program)
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    match spawned {
        // Reap it so it does not linger as a zombie while we serve.
        Ok(mut child) => {
            let _ = thread::Builder::new().spawn(move || child.wait());
        }
        Err(e) => eprintln!("warning: cannot start {program} to open {url}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_print_a_loopback_url() {
        let a: SocketAddr = "0.0.0.0:4000".parse().unwrap();
        assert_eq!(browser_url(a), "http://127.0.0.1:4000/");
        let a: SocketAddr = "[::]:4001".parse().unwrap();
        assert_eq!(browser_url(a), "http://[::1]:4001/");
        let a: SocketAddr = "127.0.0.1:4002".parse().unwrap();
        assert_eq!(browser_url(a), "http://127.0.0.1:4002/");
    }
}
