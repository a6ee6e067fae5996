//! The HTTP worker threads: take a request from `tiny_http`, route it, send the answer.
//!
//! `tiny_http` reads each connection in a thread of its own, so a client that sends
//! its request slowly holds only that thread. Writing is ours: every answer is sent
//! from a short-lived thread of its own, so a client that does not read, or that
//! pipelines requests behind a parked poll (its answers must wait their turn on the
//! connection), never holds a worker; the socket's send timeout ends such a thread.

use super::host;
use super::http::{self, Reply, Route};
use super::state::State;
use std::io;
use std::net::SocketAddr;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use tiny_http::{Header, Request, Response, Server};

/// Start `n` workers that share one server; each returns after a shutdown request.
pub fn spawn_workers(
    server: &Arc<Server>,
    state: &Arc<State>,
    local: SocketAddr,
    n: usize,
) -> io::Result<Vec<JoinHandle<()>>> {
    (0..n)
        .map(|i| {
            let server = Arc::clone(server);
            let state = Arc::clone(state);
            thread::Builder::new()
                .name(format!("lantern-http-{i}"))
                .spawn(move || work(&server, &state, local))
        })
        .collect()
}

fn work(server: &Server, state: &Arc<State>, local: SocketAddr) {
    loop {
        match server.recv() {
            Ok(request) => handle(state, request, local),
            // `unblock` (at shutdown) and failed accepts both arrive as errors.
            Err(_) if state.is_shutting_down() => return,
            Err(e) => eprintln!("warning: http: {e}"),
        }
    }
}

fn handle(state: &Arc<State>, request: Request, local: SocketAddr) {
    let method = request.method().as_str().to_string();
    let url = request.url().to_string();
    // Before anything is looked up: a page of another site must not read drafts
    // through a DNS name it points at us.
    let hosts: Vec<&str> = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str())
        .collect();
    match hosts.as_slice() {
        [host] if host::allowed(host, local) => {}
        [] => return send(request, Reply::text(400, "bad request: no Host header")),
        _ => {
            return send(
                request,
                Reply::text(
                    421,
                    "misdirected request: the preview answers only localhost, 127.0.0.1, [::1] and its own address",
                ),
            );
        }
    }
    // A bug in routing must cost one 500, not a worker thread.
    let route = panic::catch_unwind(AssertUnwindSafe(|| http::route(state, &method, &url)))
        .unwrap_or_else(|_| {
            eprintln!(
                "error: internal error answering {method} {}",
                crate::diagnostics::terminal_safe(&url, false)
            );
            Route::Reply(Reply::text(500, "internal error"))
        });
    match route {
        Route::Reply(reply) => send(request, reply),
        Route::Poll { since } => state.hub.wait(
            since,
            Box::new(move |status| {
                let body = status.to_json().into_bytes();
                send(request, Reply::new(200, "application/json", body));
            }),
        ),
    }
}

/// Write `reply` from a thread of its own (see the module comment); inline only when
/// no thread can be started.
fn send(request: Request, reply: Reply) {
    let slot = Arc::new(std::sync::Mutex::new(Some((request, reply))));
    let theirs = Arc::clone(&slot);
    let spawned = thread::Builder::new()
        .name("lantern-send".to_string())
        .spawn(move || take_and_write(&theirs));
    if spawned.is_err() {
        take_and_write(&slot);
    }
}

fn take_and_write(slot: &std::sync::Mutex<Option<(Request, Reply)>>) {
    let taken = slot
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some((request, reply)) = taken {
        write(request, reply);
    }
}

/// Write `reply`; a header that is not valid HTTP turns it into a 500.
fn write(request: Request, reply: Reply) {
    let mut response = Response::from_data(reply.body).with_status_code(reply.status);
    for (name, value) in &reply.headers {
        match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            Ok(h) => response.add_header(h),
            Err(()) => {
                eprintln!("error: invalid header {name}: {value:?}");
                return write(request, Reply::text(500, "internal error"));
            }
        }
    }
    // The client may be gone (a reload cancels its poll): nothing useful to do about it.
    let _ = request.respond(response);
}
