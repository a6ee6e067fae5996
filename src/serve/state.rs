//! The shared state of a running preview: the last good build, the current error, and
//! the build counter the browser polls.
//!
//! Readers clone an `Arc<Snapshot>` under a read lock held for nanoseconds; a rebuild
//! renders without any lock and then swaps the pointer, so requests are never blocked
//! by a build and always see one complete site.

use super::reload::Hub;
use crate::diagnostics::Severity;
use crate::pipeline;
use crate::render::Files;
use crate::site::LoadOptions;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Instant;

/// A draft post in the preview, for the `/__lantern/` panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftInfo {
    pub title: String,
    /// Source file relative to the site root.
    pub source: PathBuf,
    /// Site-relative page path, e.g. `incidents/x/`.
    pub path: String,
}

/// One published state of the preview.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Increases with every rebuild, failed or not: browsers reload when it changes.
    pub build: u64,
    /// The last build that succeeded (empty if none has yet).
    pub files: Arc<Files>,
    /// Drafts in that build.
    pub drafts: Arc<Vec<DraftInfo>>,
    /// Why the latest rebuild failed, if it did: the `BuildError` text.
    pub error: Option<Arc<str>>,
}

/// Everything the server threads share; passed around as an `Arc`.
#[derive(Debug)]
pub struct State {
    /// Canonical site root.
    pub root: PathBuf,
    /// The base URL pages are rendered for (`http://127.0.0.1:4000/`).
    pub base_url: String,
    /// Long-poll waiters for `/__lantern/poll`.
    pub hub: Hub,
    /// Parsed feed files kept between rebuilds: a rebuild re-reads only feed files that
    /// changed, and only their appended lines. In memory: the preview writes nothing.
    pub health_cache: crate::health::cache::Mode,
    /// Parsed posts kept between rebuilds: a save re-parses only the files that
    /// changed. In memory, for the same reason.
    pub post_cache: crate::content::cache::Mode,
    current: RwLock<Arc<Snapshot>>,
    /// Digests of the last good build's pages: unchanged pages are not rendered again.
    reuse: std::sync::Mutex<pipeline::Reuse>,
    shutdown: AtomicBool,
}

impl State {
    /// A state with nothing built yet (build 0, no files).
    pub fn new(root: PathBuf, base_url: String) -> State {
        let empty = Snapshot {
            build: 0,
            files: Arc::new(Files::new()),
            drafts: Arc::new(Vec::new()),
            error: None,
        };
        State {
            root,
            base_url,
            hub: Hub::new(0, None),
            health_cache: crate::health::cache::Mode::Memory(Default::default()),
            post_cache: crate::content::cache::Mode::Memory(Default::default()),
            current: RwLock::new(Arc::new(empty)),
            reuse: Default::default(),
            shutdown: AtomicBool::new(false),
        }
    }

    /// `text` with the site root's absolute path written relative to the root: what the
    /// browser is shown never reveals where the site lives on this machine.
    pub fn relative(&self, text: &str) -> String {
        let root = self.root.display().to_string();
        text.replace(&format!("{root}/"), "").replace(&root, ".")
    }

    /// The snapshot to answer a request from.
    pub fn current(&self) -> Arc<Snapshot> {
        // The lock only guards a pointer swap, so a poisoned lock still holds a whole snapshot.
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Render the site with drafts, publish it (or the error), and log how long it took.
    ///
    /// Called from one thread at a time (start-up, then the watcher), so two rebuilds
    /// never race to publish.
    pub fn rebuild(&self) {
        let started = Instant::now();
        let previous = self.current();
        let mut reuse = self.reuse.lock().unwrap_or_else(PoisonError::into_inner);
        let result = crate::time::now_from_env().and_then(|now| {
            let opts = LoadOptions {
                root: self.root.clone(),
                include_drafts: true,
                base_url: Some(self.base_url.clone()),
                now,
                health_cache: self.health_cache.clone(),
                post_cache: self.post_cache.clone(),
            };
            let (rendered, next) = pipeline::render_site_reusing(
                &opts,
                &previous.files,
                &reuse,
                &crate::render::Unobserved,
            )
            .map_err(|e| e.to_string())?;
            *reuse = next;
            Ok(rendered)
        });
        drop(reuse);
        let ms = started.elapsed().as_millis();
        // A successful build always has pages; empty files mean none has worked yet.
        let had_good_build = !previous.files.is_empty();
        let next = match result {
            Ok(rendered) => {
                for w in rendered.warnings.sorted() {
                    if w.severity == Severity::Warning {
                        eprintln!("{w}");
                    }
                }
                let drafts: Vec<DraftInfo> = rendered
                    .site
                    .posts
                    .iter()
                    .filter(|p| p.draft)
                    .map(|p| DraftInfo {
                        title: p.title.clone(),
                        source: p.source.clone(),
                        path: p.path(),
                    })
                    .collect();
                // Every page carries its generation time, so comparing bytes to skip a
                // no-op rebuild would almost never hit: always publish.
                let verb = if had_good_build { "rebuilt" } else { "built" };
                println!(
                    "{verb} in {ms} ms: {} files, {} drafts",
                    rendered.files.len(),
                    drafts.len()
                );
                Snapshot {
                    build: previous.build + 1,
                    files: Arc::new(rendered.files),
                    drafts: Arc::new(drafts),
                    error: None,
                }
            }
            Err(message) => {
                // The error may quote a feed line: no live escapes on the terminal.
                let shown = crate::diagnostics::terminal_safe(&message, true);
                if had_good_build {
                    eprintln!(
                        "rebuild failed in {ms} ms; still serving the last good build.\n{shown}"
                    );
                } else {
                    eprintln!("build failed in {ms} ms; fix it and the preview rebuilds.\n{shown}");
                }
                Snapshot {
                    build: previous.build + 1,
                    files: Arc::clone(&previous.files),
                    drafts: Arc::clone(&previous.drafts),
                    // The browser sees paths relative to the site, not where it lives.
                    error: Some(self.relative(&message).into()),
                }
            }
        };
        self.publish(next);
    }

    /// Make `next` the snapshot every new request sees, then wake the pollers.
    fn publish(&self, next: Snapshot) {
        let (build, error) = (next.build, next.error.clone());
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
        self.hub.publish(build, error);
    }

    /// Serve exactly `files` as build 1; for unit tests of the request handling.
    #[cfg(test)]
    pub(crate) fn replace_files_for_test(&self, files: Arc<Files>) {
        self.publish(Snapshot {
            build: 1,
            files,
            drafts: Arc::new(Vec::new()),
            error: None,
        });
    }

    /// Ask every thread to stop.
    pub fn request_shutdown(&self) {
        self.shutdown.store(true, Ordering::SeqCst);
        self.hub.shutdown();
    }

    /// True once a shutdown was requested.
    pub fn is_shutting_down(&self) -> bool {
        self.shutdown.load(Ordering::SeqCst)
    }
}
