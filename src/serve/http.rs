//! Request → response for the preview, independent of the HTTP library: method check,
//! path safety, directory indexes, the site's own 404, content types, reload injection.

use super::diff;
use super::path::SitePath;
use super::reload;
use super::state::{Snapshot, State};

/// Headers every answer carries: a preview must never be cached.
const ALWAYS: [(&str, &str); 2] = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
];

/// A complete HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// An answer with a body of `content_type`.
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        let mut headers: Vec<(&'static str, String)> =
            ALWAYS.iter().map(|(k, v)| (*k, (*v).to_string())).collect();
        headers.push(("Content-Type", content_type.to_string()));
        Reply {
            status,
            headers,
            body,
        }
    }

    /// A short plain-text answer, for errors.
    pub fn text(status: u16, message: &str) -> Reply {
        Reply::new(
            status,
            "text/plain; charset=utf-8",
            format!("{message}\n").into_bytes(),
        )
    }

    fn with_header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }

    /// The value of a header.
    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Answer now.
    Reply(Reply),
    /// A live-reload poll: answer when the build differs from `since` (see [`reload::Hub`]).
    Poll { since: Option<u64> },
}

/// Decide the answer to `method target`. Never panics on any input.
pub fn route(state: &State, method: &str, target: &str) -> Route {
    if method != "GET" && method != "HEAD" {
        return Route::Reply(
            Reply::text(
                405,
                "method not allowed: the preview answers GET and HEAD only",
            )
            .with_header("Allow", "GET, HEAD".to_string()),
        );
    }
    let path = match SitePath::parse(target) {
        Ok(p) => p,
        Err(e) => return Route::Reply(Reply::text(400, &format!("bad request: {e}"))),
    };
    let snap = state.current();
    if path.segments().first().is_some_and(|s| s == diff::PREFIX) {
        return internal(state, &snap, &path, target);
    }
    Route::Reply(site_file(&snap, &path, target))
}

/// The `/__lantern/…` pages: the panel and the poll endpoint.
fn internal(state: &State, snap: &Snapshot, path: &SitePath, target: &str) -> Route {
    match (path.segments().len(), path.has_trailing_slash()) {
        (1, false) => Route::Reply(redirect(path, target)),
        (1, true) => Route::Reply(match diff::panel(state, snap) {
            Ok(html) => html_reply(200, html.as_bytes(), snap),
            Err(e) => Reply::text(
                500,
                &format!(
                    "cannot compare with the published site: {}",
                    state.relative(&chain(&e))
                ),
            ),
        }),
        (2, false) if path.segments()[1] == "poll" => {
            let since = super::path::query_param(target, "since").and_then(|s| s.parse().ok());
            Route::Poll { since }
        }
        _ => Route::Reply(not_found(snap)),
    }
}

/// An error and all its causes on one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// A file of the built site, a redirect to a directory's slash form, or the 404 page.
fn site_file(snap: &Snapshot, path: &SitePath, target: &str) -> Reply {
    let key = path.file_key();
    if let Some(bytes) = snap.files.get(&key) {
        let ct = content_type(&key);
        return if ct.starts_with("text/html") {
            html_reply(200, bytes, snap)
        } else {
            Reply::new(200, ct, bytes.clone())
        };
    }
    if let Some(index) = path.index_key_if_dir()
        && snap.files.contains_key(&index)
    {
        return redirect(path, target);
    }
    not_found(snap)
}

/// 301 to the slash form, keeping the query: relative links in the page need the slash.
fn redirect(path: &SitePath, target: &str) -> Reply {
    let mut location = path.dir_url();
    if let Some((_, query)) = target.split_once('?') {
        location.push('?');
        // Keep only characters that are safe in a header; the query is opaque to us.
        location.extend(query.chars().filter(char::is_ascii_graphic));
    }
    Reply::text(301, &format!("moved to {location}")).with_header("Location", location)
}

/// The site's own `404.html` (or a plain fallback when the theme has none) with 404.
fn not_found(snap: &Snapshot) -> Reply {
    let fallback = b"<!doctype html><title>Not found</title><body><h1>Not found</h1></body>";
    let body = snap.files.get("404.html").map_or(&fallback[..], |b| &b[..]);
    html_reply(404, body, snap)
}

/// An HTML answer with the reload script and, after a failed rebuild, the error overlay.
fn html_reply(status: u16, html: &[u8], snap: &Snapshot) -> Reply {
    let body = reload::inject(html, snap.build, snap.error.as_deref());
    Reply::new(status, "text/html; charset=utf-8", body)
}

/// The `Content-Type` for a file of the site, from its extension.
pub fn content_type(key: &str) -> &'static str {
    let ext = key
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "xml" => "application/xml",
        "atom" => "application/atom+xml",
        "rss" => "application/rss+xml",
        "ics" => "text/calendar; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        // `.txt` and anything unknown.
        _ => "text/plain; charset=utf-8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Files;
    use std::sync::Arc;

    fn state_with(files: &[(&str, &str)]) -> State {
        let state = State::new("/nonexistent".into(), "http://127.0.0.1:1/".into());
        let files: Files = files
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
            .collect();
        state.replace_files_for_test(Arc::new(files));
        state
    }

    fn reply(state: &State, method: &str, target: &str) -> Reply {
        match route(state, method, target) {
            Route::Reply(r) => r,
            Route::Poll { .. } => panic!("unexpected poll for {target}"),
        }
    }

    #[test]
    fn serves_files_indexes_and_redirects() {
        let s = state_with(&[
            ("index.html", "<body>home</body>"),
            ("incidents/x/index.html", "<body>x</body>"),
            ("style.css", "p{}"),
            ("404.html", "<body>gone</body>"),
        ]);
        let r = reply(&s, "GET", "/");
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert!(String::from_utf8_lossy(&r.body).contains("lantern-reload"));

        let r = reply(&s, "HEAD", "/incidents/x/");
        assert_eq!(r.status, 200);
        let r = reply(&s, "GET", "/incidents/x?a=1");
        assert_eq!(
            (r.status, r.header("location")),
            (301, Some("/incidents/x/?a=1"))
        );

        let r = reply(&s, "GET", "/style.css");
        assert_eq!((r.status, r.body.as_slice()), (200, &b"p{}"[..]));
        assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));

        let r = reply(&s, "GET", "/nope");
        assert_eq!(r.status, 404);
        assert!(String::from_utf8_lossy(&r.body).contains("gone"));
    }

    #[test]
    fn refuses_methods_and_bad_paths() {
        let s = state_with(&[("index.html", "<body></body>")]);
        let r = reply(&s, "POST", "/");
        assert_eq!((r.status, r.header("allow")), (405, Some("GET, HEAD")));
        assert_eq!(reply(&s, "GET", "/../x").status, 400);
        assert_eq!(reply(&s, "GET", "/%2e%2e%2fx").status, 400);
    }

    #[test]
    fn poll_route_reads_since() {
        let s = state_with(&[]);
        assert_eq!(
            route(&s, "GET", "/__lantern/poll?since=12"),
            Route::Poll { since: Some(12) }
        );
        assert_eq!(
            route(&s, "GET", "/__lantern/poll"),
            Route::Poll { since: None }
        );
        assert_eq!(reply(&s, "GET", "/__lantern").status, 301);
        assert_eq!(reply(&s, "GET", "/__lantern/nope").status, 404);
    }

    #[test]
    fn content_types() {
        for (k, want) in [
            ("a.svg", "image/svg+xml"),
            ("feed.atom", "application/atom+xml"),
            ("feed.xml", "application/xml"),
            ("api/status.json", "application/json"),
            ("cal.ics", "text/calendar; charset=utf-8"),
            ("uptime.csv", "text/csv; charset=utf-8"),
            ("logo.PNG", "image/png"),
            ("app.js", "text/javascript; charset=utf-8"),
            ("README", "text/plain; charset=utf-8"),
        ] {
            assert_eq!(content_type(k), want, "{k}");
        }
    }
}
