//! A fresh build's pages written as they are rendered, so its memory does not grow
//! with the size of the site and the disk work overlaps the rendering.
//!
//! Used when there is no Lantern output to compare with (a first build, or an empty
//! folder): every file is new. Under the output lock, for the whole build:
//! 1. a new staging folder gets a marker listing nothing yet;
//! 2. a writer thread takes batches of finished pages; for each batch it first appends
//!    their paths to the marker (digests unknown, as a spare in progress lists them)
//!    and then creates the files, so a staging folder left by a killed build always
//!    lists every file that may be in it, and the next build removes exactly those.
//!    When the writer falls behind (creating files is most of a disk's work, and it
//!    is what `cp -r` spends its time on), a rendering thread writes its batch itself
//!    the same way instead of waiting: the disk work then uses every core;
//! 3. [`Stream::finish`] writes the rest of the site the same way, seals the marker
//!    with every digest (one rename) and swaps the folder into place.
//!
//! Dropped without finishing (a render failed), the staging folder is removed: it
//! holds only what this build wrote.

use super::error::{OutputError, io_err};
use super::lock::{self, DirLock, OutputLock};
use super::owner::{self, Depth, Existing, PLACEHOLDER};
use super::place::Place;
use super::{MARKER, PublishOptions, WriteStats, cleanup, keep_mode, marker, spare, swap};
use crate::render::{Files, Sink};
use crate::sum::Sum;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Finished pages with their digests, as handed to the writer.
type Batch = Vec<(String, Vec<u8>, Sum)>;

/// Batches waiting for the writer: beyond this many, a rendering thread writes its
/// batch itself, so at most this many batches (plus one per thread) are held.
const QUEUE: usize = 4;

/// What the writer thread and the rendering threads that help it share.
struct Writing {
    /// The staging folder.
    dir: PathBuf,
    /// The marker, appended to before each batch's files are created.
    list: Mutex<fs::File>,
    folders: Folders,
    /// Each page written: its path and digest.
    written: Mutex<Vec<(String, Sum)>>,
    /// The first write that failed; the build fails with it.
    error: Mutex<Option<OutputError>>,
    /// Set with `error`: no batch is written after it.
    failed: AtomicBool,
}

impl Writing {
    /// Append `paths` to the marker, digests unknown: done before their files are
    /// created, so a killed build's staging folder lists every file in it.
    fn list<'p>(&self, paths: impl IntoIterator<Item = &'p str>) -> Result<(), OutputError> {
        let mut lines = String::new();
        for path in paths {
            marker::push_entry(&mut lines, path, None);
        }
        lock(&self.list)
            .write_all(lines.as_bytes())
            .map_err(io_err(&self.dir.join(MARKER)))
    }

    /// List `batch` in the marker, then create its files. Any thread may call this.
    fn write(&self, batch: Batch) -> Result<(), OutputError> {
        self.list(batch.iter().map(|(path, _, _)| path.as_str()))?;
        let mut done = Vec::with_capacity(batch.len());
        for (path, bytes, sum) in batch {
            self.folders.parent_of(&self.dir, &path)?;
            let dest = self.dir.join(&path);
            spare::create_new(&dest, &bytes).map_err(io_err(&dest))?;
            done.push((path, sum));
        }
        lock(&self.written).extend(done);
        Ok(())
    }

    /// [`Writing::write`], keeping the first failure for [`Stream::finish`].
    fn write_or_fail(&self, batch: Batch) {
        if let Err(e) = self.write(batch) {
            self.failed.store(true, Ordering::Relaxed);
            lock(&self.error).get_or_insert(e);
        }
    }
}

/// The lock's data even if a thread panicked holding it: the panic is what is reported.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A staging folder being filled while the site renders; see the module docs.
pub struct Stream {
    out: PathBuf,
    place: Place,
    staging: PathBuf,
    queue: Mutex<Option<SyncSender<Batch>>>,
    writer: Option<JoinHandle<()>>,
    writing: Arc<Writing>,
    finished: bool,
    _staging_lock: DirLock,
    _lock: OutputLock,
}

/// What [`Stream::finish`] did.
pub struct Finished {
    /// As for any publish.
    pub stats: WriteStats,
    /// The digests of the pages handed over while rendering.
    pub handed: Vec<(String, Sum)>,
}

impl Stream {
    /// Start streaming into a new staging folder for `out`, if `out` holds no Lantern
    /// output yet (missing, or empty but for a placeholder). `Ok(None)` otherwise:
    /// publish as usual, by comparing with what is there.
    pub fn begin(
        out: &Path,
        root: &Path,
        opts: &PublishOptions,
    ) -> Result<Option<Stream>, OutputError> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let place = super::place::resolve(out, root, home.as_deref())?;
        // Judged before anything is created, as for any publish.
        if !fresh(&owner::inspect(&place.dir, out, Depth::Top)?) {
            return Ok(None);
        }
        fs::create_dir_all(&place.parent).map_err(io_err(&place.parent))?;
        let lock_path = place.parent.join(format!(".{}.lantern-lock", place.name));
        let lock = lock::acquire(&lock_path, out, opts.wait, opts.on_wait)?;
        // Again under the lock: another build may have published while we waited.
        if !fresh(&owner::inspect(&place.dir, out, Depth::Full)?) {
            return Ok(None);
        }
        cleanup::clear_leftovers(&place.parent, &place.name)?;
        let (staging, staging_lock) = super::new_staging(&place)?;
        let marker_path = staging.join(MARKER);
        let list = spare::create_new(&marker_path, &marker::render_sums([]))
            .and_then(|()| {
                fs::OpenOptions::new()
                    .append(true)
                    .custom_flags(libc::O_NOFOLLOW)
                    .open(&marker_path)
            })
            .map_err(io_err(&marker_path));
        let list = match list {
            Ok(list) => list,
            Err(e) => {
                // Made a moment ago: at most an empty marker is in it.
                let _ = cleanup::remove_staging(&staging);
                return Err(e);
            }
        };
        let (queue, batches) = sync_channel(QUEUE);
        let writing = Arc::new(Writing {
            dir: staging.clone(),
            list: Mutex::new(list),
            folders: Folders::default(),
            written: Mutex::default(),
            error: Mutex::default(),
            failed: AtomicBool::new(false),
        });
        let writer = {
            let writing = writing.clone();
            std::thread::spawn(move || write_batches(&writing, batches))
        };
        Ok(Some(Stream {
            out: out.to_path_buf(),
            place,
            staging,
            queue: Mutex::new(Some(queue)),
            writer: Some(writer),
            writing,
            finished: false,
            _staging_lock: staging_lock,
            _lock: lock,
        }))
    }

    /// Write `files` (the rest of the site; `sums` their digests), seal the marker
    /// and swap the staging folder into place.
    pub fn finish(
        mut self,
        files: &Files,
        sums: &HashMap<&str, Sum>,
    ) -> Result<Finished, OutputError> {
        let handed = self.stop_writer()?;
        let dir = self.place.dir.clone();
        let mut extras = Vec::new();
        // Under the lock since `begin`; judged again all the same: only what another
        // program may have put there meanwhile can differ.
        let existing = owner::inspect(&dir, &self.out, Depth::Full)?;
        if existing.placeholder(&dir) {
            // Keep a tracked placeholder (the repo's `public/.gitkeep`) where it was.
            let p = dir.join(PLACEHOLDER);
            extras.push((PLACEHOLDER.to_string(), fs::read(&p).map_err(io_err(&p))?));
        }
        let rest: Vec<(&str, &[u8], Sum)> = files
            .iter()
            .map(|(p, b)| {
                let sum = sums.get(p.as_str()).copied().unwrap_or_else(|| Sum::of(b));
                (p.as_str(), b.as_slice(), sum)
            })
            .chain(
                extras
                    .iter()
                    .map(|(p, b)| (p.as_str(), b.as_slice(), Sum::of(b))),
            )
            .collect();
        write_rest(&self.writing, &rest)?;
        let entries = handed
            .iter()
            .map(|(p, s)| (p.as_str(), Some(*s)))
            .chain(rest.iter().map(|(p, _, s)| (*p, Some(*s))));
        let sealed = marker::render_sums(entries);
        spare::write_marker(&self.staging, &sealed)?;
        keep_mode(&dir, &self.staging)?;
        swap::replace(&self.staging, &dir).map_err(io_err(&self.out))?;
        self.finished = true;
        let count = handed.len() + rest.len();
        let bytes = sealed.len() as u64
            + handed.iter().map(|(_, s)| s.len).sum::<u64>()
            + rest.iter().map(|(_, _, s)| s.len).sum::<u64>();
        let stats = WriteStats {
            written: count,
            touched: count + 1,
            bytes,
            ..WriteStats::default()
        };
        let spare_dir = spare::path(&self.place.parent, &self.place.name);
        let stats = super::after_swap(&self.staging, &spare_dir, &existing, stats);
        Ok(Finished { stats, handed })
    }

    /// Close the queue and wait for the writer: every page written while rendering
    /// (path and digest), or the first write that failed.
    fn stop_writer(&mut self) -> Result<Vec<(String, Sum)>, OutputError> {
        drop(lock(&self.queue).take());
        match self.writer.take().map(JoinHandle::join) {
            Some(Ok(())) => {}
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            // `finish` stops it once; `drop` only when it still runs.
            None => unreachable!("the writer is stopped once"),
        }
        match lock(&self.writing.error).take() {
            Some(e) => Err(e),
            None => Ok(std::mem::take(&mut *lock(&self.writing.written))),
        }
    }
}

impl Sink for Stream {
    fn put(&self, pages: Vec<(String, Vec<u8>)>) {
        if self.writing.failed.load(Ordering::Relaxed) {
            return; // `finish` reports why
        }
        // Digests on the rendering threads (both cores); the writer only writes.
        let batch: Batch = pages
            .into_iter()
            .map(|(p, b)| {
                let sum = Sum::of(&b);
                (p, b, sum)
            })
            .collect();
        let queue = lock(&self.queue).clone();
        if let Some(queue) = queue {
            match queue.try_send(batch) {
                Ok(()) => {}
                // The writer is behind: this thread writes the batch instead of waiting.
                Err(TrySendError::Full(batch)) => self.writing.write_or_fail(batch),
                // Only once the writer has stopped on an error, which `finish` reports.
                Err(TrySendError::Disconnected(_)) => {}
            }
        }
    }
}

impl Drop for Stream {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if self.writer.is_some() {
            let _ = self.stop_writer();
        }
        // Half of a new site: its marker lists every file this build made, and only
        // those go (a file someone put there meanwhile stays, and so does the folder).
        let _ = cleanup::remove_staging(&self.staging);
    }
}

/// Missing, or empty but for a placeholder: nothing to compare with.
fn fresh(existing: &Existing) -> bool {
    matches!(existing, Existing::Missing | Existing::Empty { .. })
}

/// The writer: each batch written in turn until the queue closes or a write fails.
fn write_batches(writing: &Writing, batches: Receiver<Batch>) {
    for batch in batches {
        writing.write_or_fail(batch);
        if writing.failed.load(Ordering::Relaxed) {
            return; // dropping `batches` tells the rendering threads
        }
    }
}

/// Write `rest` into the staging folder: listed in the marker first, folders one by
/// one (parents first), then the files in parallel.
fn write_rest(writing: &Writing, rest: &[(&str, &[u8], Sum)]) -> Result<(), OutputError> {
    let dir = writing.dir.as_path();
    writing.list(rest.iter().map(|(path, _, _)| *path))?;
    let mut paths: Vec<&str> = rest.iter().map(|(p, _, _)| *p).collect();
    paths.sort_unstable();
    for path in paths {
        writing.folders.parent_of(dir, path)?;
    }
    rest.par_iter().try_for_each(|(path, bytes, _)| {
        let dest = dir.join(path);
        spare::create_new(&dest, bytes).map_err(io_err(&dest))
    })
}

/// The folders made so far in a staging folder, so each is made once. Shared by the
/// threads that write: two making the same folder at once both succeed.
#[derive(Default)]
struct Folders(Mutex<HashSet<PathBuf>>);

impl Folders {
    /// Make the folder `rel` (a file's path) sits in, with its parents.
    fn parent_of(&self, dir: &Path, rel: &str) -> Result<(), OutputError> {
        let Some(parent) = Path::new(rel)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        else {
            return Ok(());
        };
        // Not held while the folder is made: the other thread may make its own.
        if lock(&self.0).contains(parent) {
            return Ok(());
        }
        let d = dir.join(parent);
        match fs::create_dir(&d) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                fs::create_dir_all(&d).map_err(io_err(&d))?
            }
            Err(e) => return Err(io_err(&d)(e)),
        }
        let mut made = lock(&self.0);
        let mut p = Some(parent);
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            if !made.insert(d.to_path_buf()) {
                break;
            }
            p = d.parent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> PublishOptions<'static> {
        PublishOptions {
            wait: std::time::Duration::ZERO,
            on_wait: &|_| {},
        }
    }

    fn page(path: &str, body: &str) -> (String, Vec<u8>) {
        (path.to_string(), body.as_bytes().to_vec())
    }

    /// A stream into `<tmp>/out` that was given one page.
    fn started() -> (tempfile::TempDir, PathBuf, Stream) {
        let t = tempfile::tempdir().unwrap();
        let (root, out) = (t.path().join("site"), t.path().join("out"));
        let stream = Stream::begin(&out, &root, &opts()).unwrap().unwrap();
        stream.put(vec![page("a/index.html", "a")]);
        (t, out, stream)
    }

    fn beside(parent: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn pages_put_while_rendering_and_the_rest_make_one_site() {
        let t = tempfile::tempdir().unwrap();
        let (root, out) = (t.path().join("site"), t.path().join("out"));
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join(PLACEHOLDER), "").unwrap();
        let stream = Stream::begin(&out, &root, &opts()).unwrap().unwrap();
        stream.put(vec![
            page("a/b/index.html", "ab"),
            page("a/index.html", "a"),
        ]);
        stream.put(vec![page("c/index.html", "c")]);
        let rest = Files::from([page("index.html", "home"), page("api/x.json", "{}")]);
        let done = stream.finish(&rest, &super::super::digests(&rest)).unwrap();
        assert_eq!((done.stats.written, done.stats.touched), (6, 7));
        let mut handed: Vec<&str> = done.handed.iter().map(|(p, _)| p.as_str()).collect();
        handed.sort();
        assert_eq!(handed, ["a/b/index.html", "a/index.html", "c/index.html"]);
        assert_eq!(
            fs::read_to_string(out.join("a/b/index.html")).unwrap(),
            "ab"
        );
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "home");
        // Sealed: every file with its digest, the placeholder kept and listed.
        let sums = marker::parse_sums(&fs::read(out.join(MARKER)).unwrap()).unwrap();
        assert_eq!(sums.len(), 6);
        assert_eq!(sums[PLACEHOLDER], Some(Sum::of(b"")));
        assert_eq!(sums["c/index.html"], Some(Sum::of(b"c")));
        // Nothing left beside the output: the empty old folder went.
        assert_eq!(beside(t.path()), ["out"]);
    }

    #[test]
    fn a_folder_with_a_lantern_output_or_foreign_files_is_not_streamed_into() {
        let t = tempfile::tempdir().unwrap();
        let (root, out) = (t.path().join("site"), t.path().join("out"));
        let files = Files::from([page("index.html", "x")]);
        super::super::publish(&out, &root, &files, &opts()).unwrap();
        assert!(Stream::begin(&out, &root, &opts()).unwrap().is_none());
        let other = t.path().join("other");
        fs::create_dir(&other).unwrap();
        fs::write(other.join("notes.txt"), "mine").unwrap();
        let e = Stream::begin(&other, &root, &opts()).err().unwrap();
        assert!(matches!(e, OutputError::NotOurs { .. }), "{e}");
        // Refused before anything was made: no lock file, no staging folder.
        assert_eq!(beside(t.path()), ["other", "out"]);
    }

    #[test]
    fn a_write_that_fails_fails_the_build_and_leaves_nothing() {
        let (t, out, stream) = started();
        // The same file twice: the second is never written over the first.
        stream.put(vec![page("a/index.html", "b")]);
        stream.put(vec![page("c/index.html", "c")]);
        let e = match stream.finish(&Files::new(), &HashMap::new()) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("a failed write was published"),
        };
        assert!(e.contains("a/index.html"), "{e}");
        assert!(!out.exists());
        assert!(beside(t.path()).is_empty(), "{:?}", beside(t.path()));
    }

    /// `stream` as it is when the writer thread is behind: every batch put is refused
    /// by the queue (a rendezvous channel nobody receives from) and the rendering
    /// thread writes it itself. Keep the receiver alive for as long as that holds.
    fn writer_behind(stream: &Stream) -> Receiver<Batch> {
        let (full, never) = sync_channel(0);
        *lock(&stream.queue) = Some(full);
        never
    }

    #[test]
    fn a_rendering_thread_writes_its_batch_itself_when_the_writer_is_behind() {
        let t = tempfile::tempdir().unwrap();
        let (root, out) = (t.path().join("site"), t.path().join("out"));
        let stream = Stream::begin(&out, &root, &opts()).unwrap().unwrap();
        stream.put(vec![page("a/index.html", "a")]);
        let never = writer_behind(&stream);
        // Written before `put` returns, by this thread, and listed in the marker first.
        stream.put(vec![
            page("b/c/index.html", "bc"),
            page("b/index.html", "b"),
        ]);
        let staging = stream.staging.clone();
        assert_eq!(
            fs::read_to_string(staging.join("b/c/index.html")).unwrap(),
            "bc"
        );
        let listed = String::from_utf8(fs::read(staging.join(MARKER)).unwrap()).unwrap();
        assert!(listed.contains("- - b/c/index.html\n"), "{listed}");
        assert!(listed.contains("- - b/index.html\n"), "{listed}");
        let rest = Files::from([page("index.html", "home")]);
        let done = stream.finish(&rest, &super::super::digests(&rest)).unwrap();
        drop(never);
        let mut handed: Vec<(&str, Sum)> =
            done.handed.iter().map(|(p, s)| (p.as_str(), *s)).collect();
        handed.sort();
        assert_eq!(
            handed,
            [
                ("a/index.html", Sum::of(b"a")),
                ("b/c/index.html", Sum::of(b"bc")),
                ("b/index.html", Sum::of(b"b")),
            ]
        );
        let sums = marker::parse_sums(&fs::read(out.join(MARKER)).unwrap()).unwrap();
        assert_eq!(sums.len(), 4);
        assert_eq!(sums["b/index.html"], Some(Sum::of(b"b")));
        assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "a");
    }

    #[test]
    fn a_write_that_fails_on_a_rendering_thread_fails_the_build_and_leaves_nothing() {
        let (t, out, stream) = started();
        let never = writer_behind(&stream);
        stream.put(vec![
            page("c/index.html", "c"),
            page("c/index.html", "again"),
        ]);
        // Once a write failed, nothing more is written.
        stream.put(vec![page("d/index.html", "d")]);
        assert!(!stream.staging.join("d").exists());
        let e = match stream.finish(&Files::new(), &HashMap::new()) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("a failed write was published"),
        };
        drop(never);
        assert!(e.contains("c/index.html"), "{e}");
        assert!(!out.exists());
        assert!(beside(t.path()).is_empty(), "{:?}", beside(t.path()));
    }

    #[test]
    fn a_stream_dropped_unfinished_removes_its_staging_folder() {
        let (t, _out, stream) = started();
        assert_eq!(beside(t.path()).len(), 2, "staging folder and lock file");
        drop(stream);
        assert!(beside(t.path()).is_empty(), "{:?}", beside(t.path()));
    }

    #[test]
    fn a_file_someone_put_in_the_staging_folder_outlives_a_failed_build() {
        let (_t, out, stream) = started();
        let staging = stream.staging.clone();
        fs::write(staging.join("notes.txt"), "mine").unwrap();
        drop(stream);
        assert_eq!(
            fs::read_to_string(staging.join("notes.txt")).unwrap(),
            "mine"
        );
        assert!(!staging.join("a").exists(), "our page was left");
        assert!(!out.exists());
    }
}
