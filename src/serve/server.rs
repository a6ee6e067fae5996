//! The HTTP worker threads: take a request from `tiny_http`, route it, send the answer.

use super::http::{self, Reply, Route};
use super::state::State;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use tiny_http::{Header, Request, Response, Server};

/// Start `n` workers that share one server; each returns after a shutdown request.
pub fn spawn_workers(
    server: &Arc<Server>,
    state: &Arc<State>,
    n: usize,
) -> io::Result<Vec<JoinHandle<()>>> {
    (0..n)
        .map(|i| {
            let server = Arc::clone(server);
            let state = Arc::clone(state);
            thread::Builder::new()
                .name(format!("lantern-http-{i}"))
                .spawn(move || work(&server, &state))
        })
        .collect()
}

fn work(server: &Server, state: &Arc<State>) {
    loop {
        match server.recv() {
            Ok(request) => handle(state, request),
            // `unblock` (at shutdown) and failed accepts both arrive as errors.
            Err(_) if state.is_shutting_down() => return,
            Err(e) => eprintln!("warning: http: {e}"),
        }
    }
}

fn handle(state: &Arc<State>, request: Request) {
    let method = request.method().as_str().to_string();
    let url = request.url().to_string();
    // A bug in routing must cost one 500, not a worker thread.
    let route = panic::catch_unwind(AssertUnwindSafe(|| http::route(state, &method, &url)))
        .unwrap_or_else(|_| {
            eprintln!("error: internal error answering {method} {url}");
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

/// Write `reply`; a header that is not valid HTTP turns it into a 500.
fn send(request: Request, reply: Reply) {
    let mut response = Response::from_data(reply.body).with_status_code(reply.status);
    for (name, value) in &reply.headers {
        match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            Ok(h) => response.add_header(h),
            Err(()) => {
                eprintln!("error: invalid header {name}: {value:?}");
                return send(request, Reply::text(500, "internal error"));
            }
        }
    }
    // The client may be gone (a reload cancels its poll): nothing useful to do about it.
    let _ = request.respond(response);
}
