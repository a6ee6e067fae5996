//! Watching the site's inputs and rebuilding when they change.
//!
//! Watched: `content/` (posts, config, health feed) and `themes/`, recursively, plus the
//! site root itself without recursion so a `content/` or `themes/` folder that appears or
//! is replaced (a `git checkout`, a theme copied in) gets watched again. Events are
//! debounced and coalesced: a burst of saves is one rebuild.

use super::state::State;
use notify_debouncer_mini::notify::event::{AccessKind, AccessMode};
use notify_debouncer_mini::notify::{self, EventKind, RecursiveMode, Watcher, WatcherKind};
use notify_debouncer_mini::{DebounceEventResult, DebouncedEvent, Debouncer, new_debouncer_opt};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

/// Quiet time after the last event before a rebuild starts. An editor's save (write
/// and close, or write a temporary file and rename it) lands within a few ms; 40 ms
/// still coalesces it into one rebuild while keeping save-to-served under 150 ms.
const DEBOUNCE: Duration = Duration::from_millis(40);

/// How often the rebuild loop looks at the shutdown flag while idle.
const IDLE_CHECK: Duration = Duration::from_millis(250);

/// Top-level folders of the site whose contents are build inputs.
const INPUTS: [&str; 2] = ["content", "themes"];

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot watch {}", .path.display())]
    Watch {
        path: PathBuf,
        source: notify::Error,
    },
    #[error("cannot start the file watcher")]
    Start(#[from] notify::Error),
}

/// The platform's watcher, minus events that only say a file was opened or read.
///
/// notify 8 reports opens and read-closes, and the debouncer keeps no event kinds, so
/// without this filter the rebuild's own reads of `content/` would trigger the next
/// rebuild, forever.
struct ChangeWatcher(notify::RecommendedWatcher);

impl Watcher for ChangeWatcher {
    fn new<F: notify::EventHandler>(
        mut handler: F,
        config: notify::Config,
    ) -> notify::Result<ChangeWatcher> {
        let filtered = move |event: notify::Result<notify::Event>| {
            if event.as_ref().is_ok_and(|e| is_read_only(e.kind)) {
                return;
            }
            handler.handle_event(event);
        };
        notify::RecommendedWatcher::new(filtered, config).map(ChangeWatcher)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn configure(&mut self, option: notify::Config) -> notify::Result<bool> {
        self.0.configure(option)
    }

    fn kind() -> WatcherKind {
        notify::RecommendedWatcher::kind()
    }
}

/// Access events other than "closed after writing" change nothing on disk.
fn is_read_only(kind: EventKind) -> bool {
    matches!(kind, EventKind::Access(a) if a != AccessKind::Close(AccessMode::Write))
}

/// The watcher and the folders it currently watches.
pub struct SiteWatcher {
    root: PathBuf,
    debouncer: Debouncer<ChangeWatcher>,
    events: Receiver<DebounceEventResult>,
    watched: BTreeSet<PathBuf>,
}

impl SiteWatcher {
    /// Start watching the inputs under `root` (a canonical path).
    pub fn start(root: &Path) -> Result<SiteWatcher, WatchError> {
        let (tx, events) = mpsc::channel();
        let config = notify_debouncer_mini::Config::default().with_timeout(DEBOUNCE);
        let mut debouncer = new_debouncer_opt::<_, ChangeWatcher>(config, tx)?;
        debouncer
            .watcher()
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|source| WatchError::Watch {
                path: root.to_path_buf(),
                source,
            })?;
        let mut w = SiteWatcher {
            root: root.to_path_buf(),
            debouncer,
            events,
            watched: BTreeSet::new(),
        };
        w.refresh(&[]);
        Ok(w)
    }

    /// Watch input folders that exist and are not watched yet; re-watch any whose own
    /// path showed up in `changed` (it may have been deleted and created again).
    fn refresh(&mut self, changed: &[PathBuf]) {
        for name in INPUTS {
            let dir = self.root.join(name);
            let stale = changed.iter().any(|p| p == &dir);
            if stale && self.watched.remove(&dir) {
                // The old watch may already be gone with the folder; nothing to report.
                let _ = self.debouncer.watcher().unwatch(&dir);
            }
            if !dir.is_dir() || self.watched.contains(&dir) {
                continue;
            }
            match self
                .debouncer
                .watcher()
                .watch(&dir, RecursiveMode::Recursive)
            {
                Ok(()) => {
                    self.watched.insert(dir);
                }
                Err(e) => eprintln!("warning: cannot watch {}: {e}", dir.display()),
            }
        }
    }

    /// Rebuild on every relevant batch of changes until shutdown is requested.
    pub fn run(mut self, state: &Arc<State>) {
        while !state.is_shutting_down() {
            let first = match self.events.recv_timeout(IDLE_CHECK) {
                Ok(batch) => batch,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            // Whatever else arrived meanwhile joins this rebuild.
            let mut changed = self.relevant(first);
            while let Ok(more) = self.events.try_recv() {
                changed.extend(self.relevant(more));
            }
            if changed.is_empty() {
                continue;
            }
            self.refresh(&changed);
            let shown: Vec<String> = changed
                .iter()
                .take(3)
                .map(|p| {
                    p.strip_prefix(&self.root)
                        .unwrap_or(p)
                        .display()
                        .to_string()
                })
                .collect();
            let more = changed.len().saturating_sub(shown.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let names = shown.join(", ");
            println!(
                "changed: {}{more}",
                crate::diagnostics::terminal_safe(&names, false)
            );
            state.rebuild();
        }
    }

    /// The paths in a batch that are build inputs, deduplicated and sorted.
    fn relevant(&self, batch: DebounceEventResult) -> Vec<PathBuf> {
        match batch {
            Ok(events) => {
                let set: BTreeSet<PathBuf> = events
                    .into_iter()
                    .map(|DebouncedEvent { path, .. }| path)
                    .filter(|p| is_input(&self.root, p))
                    .collect();
                set.into_iter().collect()
            }
            Err(e) => {
                eprintln!("warning: file watcher: {e}");
                Vec::new()
            }
        }
    }
}

/// True when a change at `path` can change the built site.
pub fn is_input(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let Some(top) = parts.next() else {
        return false;
    };
    // Only inputs count; this also leaves out the output folder (`public/`) and `target/`.
    if !INPUTS.contains(&top.as_ref()) {
        return false;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !is_temp_file(&name)
}

/// Editor and tool scratch files: saving through them must not trigger half-built previews.
pub fn is_temp_file(name: &str) -> bool {
    name.starts_with(".#") // Emacs lock
        || (name.starts_with('#') && name.ends_with('#')) // Emacs auto-save
        || name.ends_with('~') // backups
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".swo") // Vim swap
        || name == "4913" // Vim's write test
        || name.ends_with(".tmp")
        || name.ends_with(".lantern-tmp")
        || name.contains(".lantern-staging-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_files_are_ignored() {
        for name in [
            ".#post.md",
            "#post.md#",
            "post.md~",
            ".post.md.swp",
            ".post.md.swx",
            "4913",
            "x.tmp",
            "site.yaml.lantern-tmp",
            ".public.lantern-staging-12",
        ] {
            assert!(is_temp_file(name), "{name}");
        }
        for name in ["post.md", "site.yaml", "style.css", "49134"] {
            assert!(!is_temp_file(name), "{name}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, ModifyKind};
        assert!(is_read_only(EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(is_read_only(EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_read_only(EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(!is_read_only(EventKind::Modify(ModifyKind::Any)));
        assert!(!is_read_only(EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn only_inputs_count() {
        let root = Path::new("/site");
        assert!(is_input(root, Path::new("/site/content/incidents/a.md")));
        assert!(is_input(root, Path::new("/site/content/site.yaml")));
        assert!(is_input(root, Path::new("/site/content")));
        assert!(is_input(
            root,
            Path::new("/site/themes/default/static/style.css")
        ));
        assert!(!is_input(root, Path::new("/site/public/index.html")));
        assert!(!is_input(root, Path::new("/site/target/debug/x")));
        assert!(!is_input(root, Path::new("/site/Cargo.toml")));
        assert!(!is_input(root, Path::new("/site/content/incidents/.#a.md")));
        assert!(!is_input(root, Path::new("/elsewhere/content/a.md")));
    }
}
