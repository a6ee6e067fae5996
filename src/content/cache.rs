//! The post cache: posts parsed by an earlier build, reused while their file is
//! unchanged, so a cron rebuild does not parse thousands of YAML front matters again.
//!
//! An optimisation only: a missing, unreadable, truncated or garbage cache, or any
//! entry that does not match the file as it is now, means the file is parsed again,
//! with the same result. Only posts that parsed with no diagnostic at all are kept,
//! so every message is produced by a real parse, exactly as without a cache.
//!
//! An entry is used when all of these hold:
//! - the cache was made by this very Lantern binary for the same component ids (the
//!   only part of the config validation reads): the `key` in the header;
//! - same path and post kind, and the file's `(dev, inode, size, mtime, ctime)` match;
//! - the file's mtime and ctime are more than [`RACY`] before the moment the entry was
//!   recorded: an edit within the same clock tick as the reading, keeping the size,
//!   would otherwise leave the identity unchanged (git's "racy timestamps");
//! - the build's `now` is not before the entry's: validation's only time-dependent
//!   messages are warnings about dates after `now`, which can only disappear as time
//!   passes, so a post clean at `now0` is clean at any later `now`.
//!
//! `lantern build` keeps the cache in `<root>/.lantern-cache/posts-00` … `posts-0f`
//! (see `cache_dir`), split by path so that an edit rewrites one sixteenth of it;
//! `lantern serve` keeps it in memory. The file is binary, since 10,000 posts make
//! 25 MB (bodies included) and JSON text of that size took as long to read as the
//! YAML it saves; each entry is the post's serde data in postcard, so a field added to
//! `Post` is cached with no code here:
//!
//! ```text
//! "LNTPC003" <key: 64 hex> "\n"
//! per entry: u32 LE payload length, u32 LE CRC-32(payload), payload
//! ```
//!
//! An entry whose digest does not match (bit flip, truncation) is skipped; a length
//! that runs past the end stops the reading there.

use super::{Post, PostKind};
use crate::config::Config;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

/// Where entries are kept: off, in `serve`'s memory, or in `<root>/.lantern-cache/posts`.
pub type Mode = crate::cache_dir::Mode<Option<Arc<Store>>>;
/// Entries kept in memory, shared by every clone.
pub type Memory = crate::cache_dir::Memory<Option<Arc<Store>>>;

/// Name of the cache file inside the cache folder.
pub const FILE: &str = "posts";
const MAGIC: &str = "LNTPC003";
/// How every post cache file of Lantern begins, whatever its format version.
const MAGIC_PREFIX: &[u8] = b"LNTPC";
/// How close to the recording a file's timestamps make its entry untrusted, in ns.
/// Two seconds, as git: covers coarse file-system clocks (FAT: 2 s) and small skew.
pub const RACY: i64 = 2_000_000_000;

/// What identifies a file's contents without reading them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
}

impl Identity {
    /// The identity of the file `meta` describes.
    pub fn of(meta: &Metadata) -> Identity {
        let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
        Identity {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime_ns: ns(meta.mtime(), meta.mtime_nsec()),
            ctime_ns: ns(meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// One post as parsed from a file with a given identity.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The file as it was read.
    pub id: Identity,
    /// Wall-clock time (ns since the epoch) just before the file was read.
    pub recorded_ns: i64,
    /// The build time it was validated at (no diagnostics then, nor at any later time).
    pub now0: chrono::DateTime<chrono::Utc>,
    /// What `parse_post` returned; its `source` and `kind` are part of the key.
    pub post: Post,
}

/// How an entry was made: the file's identity, when, and for which build time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stamp {
    pub id: Identity,
    pub recorded_ns: i64,
    pub now0: chrono::DateTime<chrono::Utc>,
}

impl Stamp {
    /// The file changed so close to the recording that a later same-size edit in the
    /// same clock tick would leave its identity as recorded.
    pub fn racy(&self) -> bool {
        let limit = self.recorded_ns.saturating_sub(RACY);
        self.id.mtime_ns >= limit || self.id.ctime_ns >= limit
    }
}

/// An entry as written, borrowing the post: the same fields in the same order as
/// [`Entry`], so postcard gives the same bytes without copying the post.
#[derive(Serialize, Clone, Copy)]
struct EntryRef<'a> {
    id: Identity,
    recorded_ns: i64,
    now0: chrono::DateTime<chrono::Utc>,
    post: &'a Post,
}

impl Entry {
    /// How this entry was made.
    pub fn stamp(&self) -> Stamp {
        Stamp {
            id: self.id,
            recorded_ns: self.recorded_ns,
            now0: self.now0,
        }
    }

    /// True when this entry may stand for the file at `rel` of `kind`, now `id`, in a
    /// build at `now`.
    pub fn fits(
        &self,
        rel: &Path,
        kind: PostKind,
        id: &Identity,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        self.post.source == rel
            && self.post.kind == kind
            && self.id == *id
            && now >= self.now0
            && !self.racy()
    }

    /// The file changed so close to the recording that a later same-size edit in the
    /// same clock tick would leave its identity as recorded.
    pub fn racy(&self) -> bool {
        self.stamp().racy()
    }

    /// The post, when this entry [`fits`](Entry::fits); the post is moved, not copied.
    pub fn into_hit(
        self,
        rel: &Path,
        kind: PostKind,
        id: &Identity,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<(Post, Stamp)> {
        if !self.fits(rel, kind, id, now) {
            return None;
        }
        let stamp = self.stamp();
        Some((self.post, stamp))
    }
}

/// The entries of one cache, by source path.
#[derive(Debug, Default)]
pub struct Store {
    /// What the entries were made for (see [`key`]).
    pub key: String,
    pub entries: HashMap<PathBuf, Entry>,
    /// Entries were skipped (damaged, or a path seen twice): the file needs rewriting.
    pub damaged: bool,
}

/// What the shard files held when a `Disk` session opened: a rewrite copies the
/// records of entries still used instead of encoding their posts again, and leaves a
/// shard whose entries are all still used as it is.
#[derive(Default)]
struct OnDisk {
    /// Each shard file's bytes.
    files: Vec<Vec<u8>>,
    /// Where each entry's record lies: shard and byte range.
    records: HashMap<PathBuf, (usize, std::ops::Range<usize>)>,
    /// Whole entries read from each shard.
    counts: [usize; SHARDS],
    /// Shards with damaged or repeated entries: rewritten.
    damaged: [bool; SHARDS],
}

/// The cache is split by path into this many files: an edited post rewrites one of
/// them (1.5 MB at 10,000 posts; rewriting the 23 MB whole took 40–80 ms).
pub const SHARDS: usize = 16;

/// The name of shard `i`'s file in the cache folder.
pub fn shard_file(i: usize) -> String {
    format!("{FILE}-{i:02x}")
}

/// The shard that keeps the entry of the post at `rel`.
pub fn shard_of(rel: &Path) -> usize {
    blake3::hash(rel.as_os_str().as_encoded_bytes()).as_bytes()[0] as usize % SHARDS
}

/// The entries a session starts from: its own (read from disk, moved out as used) or
/// the server's (shared, copied as used).
enum Old {
    Owned(Store),
    Shared(Arc<Store>),
}

impl Old {
    fn store(&self) -> &Store {
        match self {
            Old::Owned(s) => s,
            Old::Shared(s) => s,
        }
    }
}

/// The cache as one load sees it: opened before the files are read, finished after.
pub struct Session<'a> {
    mode: &'a Mode,
    root: &'a Path,
    key: String,
    old: Old,
    /// Entries in the cache when it was opened.
    old_len: usize,
    /// `Disk` only: the shard files as read.
    disk: OnDisk,
    recorded_ns: i64,
}

/// What the cache did for one file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Not cached (a diagnostic, no cache, or not trustworthy yet).
    None,
    /// Taken from the cache entry made so.
    Hit(Stamp),
    /// Parsed now and worth keeping.
    New(Stamp),
}

/// The digest of what an entry depends on besides its file: this Lantern binary and
/// the component ids posts are checked against.
pub fn key(config: &Config, binary: &str) -> String {
    let mut h = blake3::Hasher::new();
    h.update(MAGIC.as_bytes());
    h.update(&(binary.len() as u64).to_le_bytes());
    h.update(binary.as_bytes());
    for c in &config.components {
        h.update(&(c.id.len() as u64).to_le_bytes());
        h.update(c.id.as_bytes());
    }
    h.finalize().to_hex().to_string()
}

impl<'a> Session<'a> {
    /// Open the cache for a load with `config`; `None` when the mode is `Off`.
    pub fn open(mode: &'a Mode, root: &'a Path, config: &Config) -> Option<Session<'a>> {
        let key = key(config, &crate::cache_dir::binary_identity());
        let mut disk = OnDisk::default();
        let old = match mode {
            Mode::Off => return None,
            Mode::Memory(m) => Old::Shared(m.lock().clone().unwrap_or_default()),
            Mode::Disk => {
                let (store, on_disk) = read_shards(root, &key);
                disk = on_disk;
                Old::Owned(store)
            }
        };
        // A store for another binary or other components is worth nothing.
        let old = if old.store().key == key {
            old
        } else {
            Old::Owned(Store::default())
        };
        Some(Session {
            mode,
            root,
            key,
            old_len: old.store().entries.len(),
            old,
            disk,
            recorded_ns: wall_clock_ns(),
        })
    }

    /// The entry kept for `rel`, if any, to try with [`Entry::into_hit`]. Called once
    /// per file, before the files are read in parallel.
    pub fn take(&mut self, rel: &Path) -> Option<Entry> {
        match &mut self.old {
            Old::Owned(s) => s.entries.remove(rel),
            Old::Shared(s) => s.entries.get(rel).cloned(),
        }
    }

    /// What to keep for a post parsed without diagnostics from a file with identity
    /// `id`: nothing when the next build could not trust it anyway.
    pub fn entry(&self, id: Identity, now: chrono::DateTime<chrono::Utc>) -> Outcome {
        let stamp = Stamp {
            id,
            recorded_ns: self.recorded_ns,
            now0: now,
        };
        if stamp.racy() {
            Outcome::None
        } else {
            Outcome::New(stamp)
        }
    }

    /// Keep what this load used and parsed, given per file in file order with its
    /// post; written only when it differs from what was there (a steady rebuild
    /// writes nothing).
    pub fn finish<'p>(self, results: impl IntoIterator<Item = (&'p Outcome, Option<&'p Post>)>) {
        let mut hits = 0;
        let mut any_new = false;
        let mut keep = Vec::new();
        let mut keep_hit = Vec::new();
        for (outcome, post) in results {
            let (Some(post), Outcome::Hit(stamp) | Outcome::New(stamp)) = (post, outcome) else {
                continue;
            };
            let hit = matches!(outcome, Outcome::Hit(_));
            hits += usize::from(hit);
            any_new |= !hit;
            keep_hit.push(hit);
            keep.push(EntryRef {
                id: stamp.id,
                recorded_ns: stamp.recorded_ns,
                now0: stamp.now0,
                post,
            });
        }
        if !any_new && hits == self.old_len && !self.old.store().damaged {
            return;
        }
        match self.mode {
            Mode::Off => {}
            Mode::Memory(m) => {
                let entries = keep
                    .into_iter()
                    .map(|e| {
                        let entry = Entry {
                            id: e.id,
                            recorded_ns: e.recorded_ns,
                            now0: e.now0,
                            post: e.post.clone(),
                        };
                        (entry.post.source.clone(), entry)
                    })
                    .collect();
                let store = Store {
                    key: self.key,
                    entries,
                    ..Store::default()
                };
                *m.lock() = Some(Arc::new(store));
            }
            Mode::Disk => write_shards(self.root, &self.key, &self.disk, &keep, &keep_hit),
        }
    }
}

fn wall_clock_ns() -> i64 {
    let since = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH);
    since(SystemTime::now()).map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The check stored before each entry's payload: CRC-32, as log-structured stores
/// check their records. It catches damage (bit flips, torn writes); it is no defence
/// against someone who can write the cache, who could write any post there anyway.
/// BLAKE3 over 23 MB of small records was a tenth of a cron rebuild's CPU.
fn digest(payload: &[u8]) -> [u8; 4] {
    crc32fast::hash(payload).to_le_bytes()
}

/// Bytes before each payload: its length and its check.
const FRAME: usize = 8;

fn header(key: &str) -> String {
    format!("{MAGIC} {key}\n")
}

/// The cache file's bytes for `entries` (in the order given, so it is deterministic).
pub fn encode(key: &str, entries: &[Entry]) -> Vec<u8> {
    let refs: Vec<EntryRef> = entries
        .iter()
        .map(|e| EntryRef {
            id: e.id,
            recorded_ns: e.recorded_ns,
            now0: e.now0,
            post: &e.post,
        })
        .collect();
    encode_refs(key, &refs)
}

fn encode_refs(key: &str, entries: &[EntryRef]) -> Vec<u8> {
    encode_reusing(key, entries, &vec![false; entries.len()], |_| None)
}

/// One entry's record: payload length, digest, payload.
fn record(e: &EntryRef) -> Option<Vec<u8>> {
    // Sized for the body and a little more, so the buffer does not grow by copying.
    let payload = postcard::to_extend(e, Vec::with_capacity(e.post.body.len() + 1024)).ok()?;
    let len = u32::try_from(payload.len()).ok()?;
    let mut r = Vec::with_capacity(FRAME + payload.len());
    r.extend_from_slice(&len.to_le_bytes());
    r.extend_from_slice(&digest(&payload));
    r.extend_from_slice(&payload);
    Some(r)
}

/// [`encode_refs`], taking the record of each entry marked in `hits` from `kept` when
/// it has it.
fn encode_reusing<'k>(
    key: &str,
    entries: &[EntryRef],
    hits: &[bool],
    kept: impl Fn(&EntryRef) -> Option<&'k [u8]> + Sync,
) -> Vec<u8> {
    let records: Vec<Option<std::borrow::Cow<[u8]>>> = entries
        .par_iter()
        .zip(hits)
        .map(|(e, &hit)| match hit.then(|| kept(e)).flatten() {
            Some(bytes) => Some(std::borrow::Cow::Borrowed(bytes)),
            None => record(e).map(std::borrow::Cow::Owned),
        })
        .collect();
    let mut out = header(key).into_bytes();
    out.reserve(records.iter().flatten().map(|r| r.len()).sum());
    for r in records.iter().flatten() {
        out.extend_from_slice(r);
    }
    out
}

/// The entries in a cache file's bytes. With `want`, nothing when the file was made
/// for another key. Damaged entries are skipped and mark the store for rewriting.
pub fn decode(bytes: &[u8], want: Option<&str>) -> Store {
    let Some(file) = records(bytes, want) else {
        return Store::default();
    };
    let mut damaged = file.damaged;
    let mut entries = HashMap::with_capacity(file.entries.len());
    for (e, _) in file.entries {
        damaged |= entries.insert(e.post.source.clone(), e).is_some();
    }
    Store {
        key: file.key,
        entries,
        damaged,
    }
}

/// What one cache file holds: its key, and each whole entry in file order with where
/// its record lies in the file's bytes.
struct Records {
    key: String,
    entries: Vec<(Entry, std::ops::Range<usize>)>,
    /// Records were cut short or failed their check.
    damaged: bool,
}

/// The records of a cache file; `None` when it is no cache file, or one made for
/// another key than `want`.
fn records(bytes: &[u8], want: Option<&str>) -> Option<Records> {
    let nl = bytes.iter().position(|&b| b == b'\n')?;
    let key = std::str::from_utf8(&bytes[..=nl])
        .ok()
        .and_then(|h| h.strip_prefix(MAGIC)?.strip_prefix(' ')?.strip_suffix('\n'))?;
    if want.is_some_and(|w| w != key) {
        return None;
    }
    // Frame the records one after another (cheap), then check and decode them in parallel.
    let mut framed = Vec::new();
    let mut rest = &bytes[nl + 1..];
    let mut damaged = false;
    while !rest.is_empty() {
        let Some((len, digest, tail)) = frame(rest) else {
            damaged = true;
            break;
        };
        let (payload, after) = tail.split_at(len);
        let start = bytes.len() - rest.len();
        framed.push((digest, payload, start..start + FRAME + len));
        rest = after;
    }
    let decoded: Vec<Option<Entry>> = framed
        .par_iter()
        .map(|(d, payload, _)| {
            (digest(payload) == *d)
                .then(|| postcard::from_bytes(payload).ok())
                .flatten()
        })
        .collect();
    damaged |= decoded.iter().any(Option::is_none);
    let entries = decoded
        .into_iter()
        .zip(framed)
        .filter_map(|(e, (_, _, range))| Some((e?, range)))
        .collect();
    Some(Records {
        key: key.to_string(),
        entries,
        damaged,
    })
}

/// The length, digest and remaining bytes of the record at the start of `b`, if whole.
fn frame(b: &[u8]) -> Option<(usize, [u8; 4], &[u8])> {
    let len = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
    let digest: [u8; 4] = b.get(4..FRAME)?.try_into().ok()?;
    let tail = b.get(FRAME..)?;
    (tail.len() >= len).then_some((len, digest, tail))
}

/// Every shard's entries under `key`, and what the files held. A shard file made for
/// another key, damaged or missing gives no entries; the others still count.
fn read_shards(root: &Path, key: &str) -> (Store, OnDisk) {
    let dir = crate::cache_dir::existing(root);
    let read = |i: usize| {
        let bytes = dir
            .as_ref()
            .and_then(|d| crate::cache_dir::read_bytes_no_follow(&d.join(shard_file(i))))
            .unwrap_or_default();
        let file = records(&bytes, Some(key));
        (bytes, file)
    };
    let shards: Vec<_> = (0..SHARDS).into_par_iter().map(read).collect();
    let mut store = Store {
        key: key.to_string(),
        ..Store::default()
    };
    let mut disk = OnDisk::default();
    for (i, (bytes, file)) in shards.into_iter().enumerate() {
        if let Some(file) = file {
            disk.damaged[i] |= file.damaged;
            disk.counts[i] = file.entries.len();
            for (entry, range) in file.entries {
                let path = entry.post.source.clone();
                if let Some((j, _)) = disk.records.insert(path.clone(), (i, range)) {
                    // The same post twice (in one shard or two): both are rewritten.
                    disk.damaged[i] = true;
                    disk.damaged[j] = true;
                }
                store.entries.insert(path, entry);
            }
        }
        disk.files.push(bytes);
    }
    store.damaged = disk.damaged.iter().any(|&d| d);
    (store, disk)
}

/// Rewrite each shard whose entries changed: a new entry, an entry no longer used, or
/// damage. A shard file is replaced in one rename, so a concurrent build reads the
/// old file or the new one, never a mix; nothing is written when the cache folder is
/// not ours or not writable.
fn write_shards(root: &Path, key: &str, disk: &OnDisk, keep: &[EntryRef], hit: &[bool]) {
    let mut per: Vec<(Vec<EntryRef>, Vec<bool>)> =
        (0..SHARDS).map(|_| Default::default()).collect();
    for (e, &h) in keep.iter().zip(hit) {
        let (entries, hits) = &mut per[shard_of(&e.post.source)];
        entries.push(*e);
        hits.push(h);
    }
    // A hit's entry is its record's decoding, unchanged: the same bytes.
    let kept = |e: &EntryRef| {
        let (shard, range) = disk.records.get(&e.post.source)?;
        let bytes = &disk.files.get(*shard)?[range.clone()];
        debug_assert_eq!(Some(bytes), record(e).as_deref());
        Some(bytes)
    };
    // Made once first, so that the shard writers do not race to create it.
    if crate::cache_dir::ensure(root).is_none() {
        return;
    }
    // Shards are independent files: a fresh build encodes all sixteen, and on one
    // thread that held up the build by 40–80 ms (10,000 posts) while a core idled.
    per.par_iter().enumerate().for_each(|(i, (entries, hits))| {
        let all_hits = hits.iter().all(|&h| h);
        if all_hits && hits.len() == disk.counts[i] && !disk.damaged[i] {
            return;
        }
        let bytes = encode_reusing(key, entries, hits, kept);
        crate::cache_dir::write(root, &shard_file(i), &bytes);
    });
    // The single file of earlier versions (`LNTPC001`, `LNTPC002`) is of no use any more.
    crate::cache_dir::remove_own(root, FILE, MAGIC_PREFIX);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use chrono::{DateTime, TimeZone, Utc};

    const SITE: &str = "title: T\nbase_url: https://status.example/\ncomponents:\n  - { id: web, name: Web }\n  - { id: db, name: Database }\n";

    const INCIDENT: &str = "---\ntitle: \"Slow <web> \\u00e9\"\nimpact: minor\ncomponents: [web, db]\nstarted: 2026-11-01T10:00:00.123456789Z\nresolved: 2026-11-01T13:00:00+02:00\ndata_loss:\n  report_by: 2026-11-30\n  note: \"Tell us\"\nupdates:\n  - at: 2026-11-01T10:00:00Z\n    status: investigating\n    text: \"Slow \\\"pages\\\"\\n\"\n  - at: 2026-11-01T09:00:00Z\n    status: resolved\n    text: Fine\n---\nBody with\ttabs and ünïcode\r\n\n";
    const MAINTENANCE: &str = "---\ntitle: Restart\ncomponents: [db]\nscheduled_start: 2026-11-10T02:00:00Z\nscheduled_end: 2026-11-10T03:00:00Z\nupdates:\n  - at: 2026-11-10T02:00:00Z\n    status: in_progress\n    text: Started\n---\n";
    const NEWS: &str =
        "---\ntitle: Hello\ndraft: true\ndate: 2026-11-15T08:00:00Z\n---\nNews *body*.\n";

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).unwrap()
    }

    fn config() -> Config {
        crate::config::parse(SITE).unwrap()
    }

    fn post(text: &str, rel: &str, kind: PostKind) -> Post {
        let mut d = Diagnostics::default();
        let p = super::super::parse_post(
            text.as_bytes().to_vec(),
            Path::new(rel),
            kind,
            Some(&config()),
            at(1_800_000_000),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        p.unwrap()
    }

    fn id(n: u64) -> Identity {
        Identity {
            dev: 1,
            ino: n,
            size: 100 + n,
            mtime_ns: 1_000_000_000_000,
            ctime_ns: 1_000_000_000_001,
        }
    }

    /// Identity `n` of a file last changed well before a session recorded at
    /// `recorded_ns`: not racy, so its entry is kept.
    fn settled_id(recorded_ns: i64, n: u64) -> Identity {
        Identity {
            mtime_ns: recorded_ns - 3 * RACY,
            ctime_ns: recorded_ns - 3 * RACY,
            ..id(n)
        }
    }

    fn entry(p: Post, n: u64) -> Entry {
        Entry {
            id: id(n),
            recorded_ns: 1_000_000_000_000 + 10 * RACY,
            now0: at(1_800_000_000),
            post: p,
        }
    }

    fn entries() -> Vec<Entry> {
        // A remembered digest is kept with its post (`same` compares it too).
        let mut a = post(INCIDENT, "content/incidents/a.md", PostKind::Incident);
        a.remember_digest();
        vec![
            entry(a, 1),
            entry(
                post(
                    MAINTENANCE,
                    "content/maintenance/b.md",
                    PostKind::Maintenance,
                ),
                2,
            ),
            entry(post(NEWS, "content/news/c.md", PostKind::News), 3),
        ]
    }

    fn same(a: &Entry, b: &Entry) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    #[test]
    fn entries_round_trip_exactly() {
        let es = entries();
        let bytes = encode("k", &es);
        assert!(bytes.starts_with(format!("{MAGIC} k\n").as_bytes()));
        let store = decode(&bytes, Some("k"));
        assert!(!store.damaged);
        assert_eq!(store.key, "k");
        assert_eq!(store.entries.len(), 3);
        for e in &es {
            same(e, &store.entries[&e.post.source]);
        }
        // Sub-second times and offsets come back as the same instants.
        let inc = store.entries[Path::new("content/incidents/a.md")]
            .post
            .incident()
            .unwrap()
            .clone();
        assert_eq!(inc.started.timestamp_subsec_nanos(), 123_456_789);
        assert_eq!(inc.resolved, Some(at(1_793_530_800)));
        // Encoding is deterministic, and any key is read when none is asked for.
        assert_eq!(encode("k", &es), bytes);
        assert_eq!(decode(&bytes, None).entries.len(), 3);
    }

    #[test]
    fn another_key_or_garbage_gives_nothing() {
        let bytes = encode("k", &entries());
        assert!(decode(&bytes, Some("other")).entries.is_empty());
        assert!(decode(b"", Some("k")).entries.is_empty());
        assert!(decode(b"\0garbage\nmore\n", None).entries.is_empty());
        // An older format's file is another key's: nothing from it.
        let mut old = encode("k", &entries());
        old[..8].copy_from_slice(b"LNTPC002");
        assert!(decode(&old, None).entries.is_empty());
        let store = decode(
            format!("{MAGIC} k\nnot a record at all").as_bytes(),
            Some("k"),
        );
        assert!(store.entries.is_empty());
        assert!(store.damaged);
        let mut bad = encode("k", &[]);
        bad.extend_from_slice(&4u32.to_le_bytes());
        bad.extend_from_slice(&digest(b"abcd"));
        bad.extend_from_slice(b"abcd");
        let store = decode(&bad, Some("k"));
        assert!(
            store.entries.is_empty(),
            "a whole record that is not an entry"
        );
        assert!(store.damaged);
        assert!(!decode(&encode("k", &[]), Some("k")).damaged);
    }

    /// Where each record's payload starts and ends.
    fn spans(bytes: &[u8]) -> Vec<(usize, usize)> {
        let mut at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        let mut v = Vec::new();
        while at < bytes.len() {
            let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            v.push((at + FRAME, at + FRAME + len));
            at += FRAME + len;
        }
        v
    }

    #[test]
    fn a_truncated_or_flipped_entry_is_skipped_alone() {
        let es = entries();
        let bytes = encode("k", &es);
        let cut = decode(&bytes[..bytes.len() - 10], Some("k"));
        assert!(cut.damaged);
        assert_eq!(cut.entries.len(), 2);
        assert!(!cut.entries.contains_key(Path::new("content/news/c.md")));
        let cut = decode(&bytes[..bytes.len() - 1], Some("k"));
        assert_eq!(cut.entries.len(), 2);

        // Flip one bit in each place of the second record: its payload, its digest,
        // its length. Only that entry is lost (a bad length loses the rest).
        let [_, (start, end), _] = spans(&bytes)[..] else {
            panic!("three records")
        };
        for (i, lost) in [
            (start + (end - start) / 2, 1),
            (start - 1, 1),
            (start - FRAME, 2),
        ] {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x01;
            let got = decode(&flipped, Some("k"));
            assert!(got.damaged, "bit {i}");
            assert_eq!(got.entries.len(), 3 - lost, "bit {i}");
            assert!(
                !got.entries
                    .contains_key(Path::new("content/maintenance/b.md"))
            );
            same(&es[0], &got.entries[Path::new("content/incidents/a.md")]);
        }
    }

    #[test]
    fn an_entry_fits_only_its_file_as_it_was() {
        let e = &entries()[0];
        let rel = Path::new("content/incidents/a.md");
        let now = at(1_800_000_000);
        assert!(e.fits(rel, PostKind::Incident, &id(1), now));
        assert!(!e.fits(
            Path::new("content/incidents/b.md"),
            PostKind::Incident,
            &id(1),
            now
        ));
        assert!(!e.fits(rel, PostKind::News, &id(1), now));
        for change in [
            Identity { dev: 2, ..id(1) },
            Identity { ino: 9, ..id(1) },
            Identity { size: 1, ..id(1) },
            Identity {
                mtime_ns: id(1).mtime_ns + 1,
                ..id(1)
            },
            Identity {
                ctime_ns: id(1).ctime_ns + 1,
                ..id(1)
            },
        ] {
            assert!(!e.fits(rel, PostKind::Incident, &change, now), "{change:?}");
        }
    }

    #[test]
    fn an_entry_is_not_used_before_its_build_time() {
        let e = &entries()[0];
        let rel = Path::new("content/incidents/a.md");
        assert!(e.fits(rel, PostKind::Incident, &id(1), at(1_900_000_000)));
        assert!(!e.fits(rel, PostKind::Incident, &id(1), at(1_799_999_999)));
    }

    #[test]
    fn racy_entries_are_not_trusted() {
        let rel = Path::new("content/incidents/a.md");
        let now = at(1_800_000_000);
        let base = entries().remove(0);
        let with = |mtime_ns: i64, ctime_ns: i64| {
            let mut e = base.clone();
            e.id.mtime_ns = mtime_ns;
            e.id.ctime_ns = ctime_ns;
            e.recorded_ns = 10 * RACY;
            e
        };
        let old = 9 * RACY - 1;
        let close = 9 * RACY;
        assert!(with(old, old).fits(rel, PostKind::Incident, &with(old, old).id, now));
        for e in [with(close, old), with(old, close), with(11 * RACY, old)] {
            assert!(e.racy());
            assert!(!e.fits(rel, PostKind::Incident, &e.id, now));
        }
    }

    #[test]
    fn memory_store_is_replaced_only_when_something_changed() {
        let t = tempfile::tempdir().unwrap();
        let mode = Mode::Memory(Memory::default());
        let Mode::Memory(m) = &mode else {
            unreachable!()
        };
        let cfg = config();
        let now = at(1_800_000_000);
        let p = entries().remove(0).post;
        let rel = p.source.clone();

        // First load: nothing kept yet; the post is new.
        let mut s = Session::open(&mode, t.path(), &cfg).unwrap();
        assert!(s.take(&rel).is_none());
        let id = Identity {
            mtime_ns: s.recorded_ns - 3 * RACY,
            ctime_ns: s.recorded_ns - 3 * RACY,
            ..id(1)
        };
        let fresh = s.entry(id, now);
        assert!(matches!(fresh, Outcome::New(_)));
        // Just written: not worth keeping, the next load could not trust it.
        let racy = Identity {
            mtime_ns: s.recorded_ns,
            ..id
        };
        assert_eq!(s.entry(racy, now), Outcome::None);
        s.finish([(&fresh, Some(&p))]);
        let first = m.lock().clone().unwrap();
        assert_eq!(first.entries.len(), 1);

        // A steady load hits (a copy: the server keeps its store) and leaves the
        // store as it was.
        let mut s = Session::open(&mode, t.path(), &cfg).unwrap();
        let (got, stamp) = s
            .take(&rel)
            .unwrap()
            .into_hit(&rel, PostKind::Incident, &id, now)
            .unwrap();
        assert_eq!(format!("{got:?}"), format!("{p:?}"));
        assert_eq!(first.entries.len(), 1);
        s.finish([(&Outcome::Hit(stamp), Some(&got))]);
        assert!(Arc::ptr_eq(&first, &m.lock().clone().unwrap()));

        // The file is gone: its entry is dropped.
        let s = Session::open(&mode, t.path(), &cfg).unwrap();
        s.finish([]);
        assert!(m.lock().clone().unwrap().entries.is_empty());

        // Other components: nothing from before is used.
        let s = Session::open(&mode, t.path(), &cfg).unwrap();
        let again = s.entry(id, now);
        s.finish([(&again, Some(&p))]);
        let other = crate::config::parse(&SITE.replace("id: db", "id: dbx")).unwrap();
        let mut s = Session::open(&mode, t.path(), &other).unwrap();
        assert!(s.take(&rel).is_none());
        assert!(Session::open(&Mode::Off, t.path(), &cfg).is_none());
    }

    #[test]
    fn disk_cache_is_written_only_into_our_folder() {
        let t = tempfile::tempdir().unwrap();
        let cfg = config();
        let now = at(1_800_000_000);
        let p = entries().remove(0).post;
        let rel = p.source.clone();
        let s = Session::open(&Mode::Disk, t.path(), &cfg).unwrap();
        let id = settled_id(s.recorded_ns, 1);
        let fresh = s.entry(id, now);
        s.finish([(&fresh, Some(&p)), (&Outcome::None, None)]);
        let name = shard_file(shard_of(&rel));
        let file = t.path().join(crate::cache_dir::DIR).join(&name);
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(decode(&bytes, None).entries.len(), 1);
        let mut s = Session::open(&Mode::Disk, t.path(), &cfg).unwrap();
        let e = s.take(&rel).unwrap();
        assert!(s.take(&rel).is_none(), "moved out, not copied");
        let (_, stamp) = e.into_hit(&rel, PostKind::Incident, &id, now).unwrap();
        let before = std::fs::metadata(&file).unwrap().modified().unwrap();
        s.finish([(&Outcome::Hit(stamp), Some(&p))]);
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            before
        );
        assert_eq!(
            std::fs::read(&file).unwrap(),
            bytes,
            "nothing changed, nothing written"
        );

        // A cache folder that is a link is neither read nor written through.
        let u = tempfile::tempdir().unwrap();
        let elsewhere = u.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::copy(
            t.path()
                .join(crate::cache_dir::DIR)
                .join(crate::cache_dir::MARKER),
            elsewhere.join(crate::cache_dir::MARKER),
        )
        .unwrap();
        std::fs::copy(&file, elsewhere.join(&name)).unwrap();
        std::os::unix::fs::symlink(&elsewhere, u.path().join(crate::cache_dir::DIR)).unwrap();
        let mut s = Session::open(&Mode::Disk, u.path(), &cfg).unwrap();
        assert!(s.take(&rel).is_none());
        s.finish([(&fresh, Some(&p))]);
        assert_eq!(std::fs::read(elsewhere.join(&name)).unwrap(), bytes);
    }

    #[test]
    fn an_edit_rewrites_only_its_own_shard() {
        use std::os::unix::fs::MetadataExt;
        let t = tempfile::tempdir().unwrap();
        let cfg = config();
        let now = at(1_800_000_000);
        // Two posts kept in different shards.
        let base = entries().remove(0).post;
        let other = (0..1000)
            .map(|i| {
                let mut p = base.clone();
                p.source = PathBuf::from(format!("content/incidents/{i}.md"));
                p
            })
            .find(|p| shard_of(&p.source) != shard_of(&base.source))
            .expect("paths spread over the shards");
        let posts = [base.clone(), other];
        let s = Session::open(&Mode::Disk, t.path(), &cfg).unwrap();
        let opened = s.recorded_ns;
        let settled = |n: u64| settled_id(opened, n);
        let (a, b) = (s.entry(settled(1), now), s.entry(settled(2), now));
        // The single file of an earlier version goes at the first write.
        crate::cache_dir::write(t.path(), FILE, b"LNTPC002 old\n");
        s.finish([(&a, Some(&posts[0])), (&b, Some(&posts[1]))]);
        let dir = t.path().join(crate::cache_dir::DIR);
        assert!(!dir.join(FILE).exists());
        let path = |p: &Post| dir.join(shard_file(shard_of(&p.source)));
        let look = |p: &Post| {
            let m = std::fs::metadata(path(p)).unwrap();
            (m.ino(), std::fs::read(path(p)).unwrap())
        };
        let (first, second) = (look(&posts[0]), look(&posts[1]));
        assert_eq!(decode(&first.1, None).entries.len(), 1);
        assert_eq!(decode(&second.1, None).entries.len(), 1);

        // The second post edited: its shard is replaced, the first one's left alone.
        let mut s = Session::open(&Mode::Disk, t.path(), &cfg).unwrap();
        let (_, hit) = s
            .take(&posts[0].source)
            .unwrap()
            .into_hit(&posts[0].source, PostKind::Incident, &settled(1), now)
            .unwrap();
        let mut edited = posts[1].clone();
        edited.title = "Edited".into();
        let again = s.entry(settled(3), now);
        s.finish([
            (&Outcome::Hit(hit), Some(&posts[0])),
            (&again, Some(&edited)),
        ]);
        assert_eq!(look(&posts[0]), first, "not rewritten");
        let now_second = look(&posts[1]);
        assert_ne!(now_second.0, second.0, "replaced");
        let store = decode(&now_second.1, None);
        assert_eq!(store.entries[&edited.source].post.title, "Edited");

        // The first post gone: only its shard changes, and holds nothing now.
        let s = Session::open(&Mode::Disk, t.path(), &cfg).unwrap();
        let kept = look(&posts[1]);
        let e = s.old.store().entries[&edited.source].clone();
        let (_, hit) = e
            .into_hit(&edited.source, PostKind::Incident, &settled(3), now)
            .unwrap();
        s.finish([(&Outcome::Hit(hit), Some(&edited))]);
        assert_eq!(look(&posts[1]), kept);
        assert!(decode(&look(&posts[0]).1, None).entries.is_empty());
    }
}
