//! The health cache: each feed file's results on the minute grid, kept between builds
//! so that an unchanged file is not parsed again and a growing `.jsonl` is read only
//! from where the last build stopped.
//!
//! An optimisation only: any entry that is missing, unreadable, garbage, for other
//! checks or thresholds, or for a grid it cannot be laid onto is ignored and the file
//! is read whole, giving the same result. `lantern build` keeps entries on disk under
//! `<root>/.lantern-cache/health/` (a folder Lantern creates and marks as its own);
//! `lantern serve` keeps them in memory only, since the preview writes nothing.
//!
//! The file format is a documented, dependency-free one rather than a serde format:
//! the bulk of an entry is per-minute arrays stored as raw little-endian words, which
//! reads and writes at memory speed, and a checksum over the payload rejects a
//! truncated or overwritten file. Layout (all integers little-endian):
//!
//! ```text
//! "LNTHC002"  u64 payload length  u64 CRC-32(payload)  payload
//! payload: str rel path, u64 dev, u64 inode, u64 size read, i64 mtime s, u32 mtime ns,
//!          u64 next line, u64 head hash, u64 tail hash, u64 fingerprint,
//!          i64 grid start minute, opt i64 newest at, u32 n × (str check, u64 count),
//!          u32 checks × (u64 results, opt (i64 at, u8 state) carry-in,
//!                        opt (i64 at, u8 state, opt u32 latency, opt str message) latest,
//!                        i64 first minute, u32 n, n × u32 slot, n × u8 second-and-state)
//! str = u32 length + UTF-8 bytes; opt = u8 0/1 + value
//! ```

use super::part::{self, Part};
use super::record::State;
use super::series::{self, Latest};
use super::window::Grid;
use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where entries are kept: off, in `serve`'s memory, or under `<root>/.lantern-cache/`.
pub type Mode = crate::cache_dir::Mode<HashMap<PathBuf, Arc<Entry>>>;
/// Entries kept in memory, shared by every clone.
pub type Memory = crate::cache_dir::Memory<HashMap<PathBuf, Arc<Entry>>>;

/// The cache folder under the site root.
pub const DIR: &str = crate::cache_dir::DIR;
/// Version 2: the payload checksum is CRC-32 (version 1 entries are read again once).
const MAGIC: &[u8; 8] = b"LNTHC002";
/// Bytes hashed at the start and just before the end of what an entry has read, to
/// tell an appended file from one rewritten in place.
const PROBE: u64 = 4096;
/// Bytes appended after an entry that a build reads again rather than rewriting the
/// entry: about a millisecond of parsing per build. Rewriting instead costs 32 MB of
/// writing at 50 checks × 90 days, every cron minute: 46 GB a day and 45 ms of a core.
pub const REWRITE_AFTER: u64 = 1 << 20;

/// One feed file's results as of a build, independent of any later grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    rel: String,
    dev: u64,
    ino: u64,
    /// Bytes read: the file's whole lines up to here are in the entry.
    size: u64,
    mtime: (i64, u32),
    next_line: usize,
    head: u64,
    tail: u64,
    fingerprint: u64,
    start_minute: i64,
    max_at: Option<i64>,
    unknown: Vec<(String, u64)>,
    checks: Vec<CheckEntry>,
}

#[derive(Debug, Clone, PartialEq)]
struct CheckEntry {
    results: u64,
    carry_in: Option<(i64, State)>,
    latest: Option<Latest>,
    /// Epoch minute of `slots[0]`.
    first: i64,
    slots: Vec<u32>,
    secs: Vec<u8>,
}

/// A usable entry, laid onto the build's grid.
pub struct Hit {
    pub part: Part,
    /// Bytes already in `part`; anything after is appended lines to read.
    pub size: u64,
    /// Line number of the first line after `size`.
    pub next_line: usize,
}

/// Fingerprint of what an entry depends on besides the file: checks and thresholds.
pub fn fingerprint(checks: &[String], degraded_ms: &[u64]) -> u64 {
    let mut h = Hasher::new();
    for (i, c) in checks.iter().enumerate() {
        h.bytes(c.as_bytes());
        h.word(u64::MAX);
        h.word(degraded_ms.get(i).copied().unwrap_or(u64::MAX));
    }
    h.finish()
}

/// The entry for `path` laid onto `grid`, if one is valid for the file as it is now
/// (same file, same or more bytes with the read part unchanged).
pub fn load(
    mode: &Mode,
    root: &Path,
    rel: &Path,
    path: &Path,
    meta: &Metadata,
    fp: u64,
    grid: &Grid,
) -> Option<Hit> {
    // On disk the minutes stay in the file's bytes until they are laid onto the grid:
    // decoding them into the entry first cost a third copy of 32 MB at 50 checks.
    let payload;
    let (entry, in_file) = match mode {
        Mode::Off => return None,
        Mode::Memory(m) => (m.lock().get(path).cloned()?, None),
        Mode::Disk => {
            payload = read_payload(&entry_path(root, rel)?)?;
            let (entry, minutes) = decode_head(&payload)?;
            (Arc::new(entry), Some(minutes))
        }
    };
    if entry.rel != rel.to_string_lossy()
        || entry.fingerprint != fp
        || entry.dev != meta.dev()
        || entry.ino != meta.ino()
        || meta.len() < entry.size
    {
        return None;
    }
    if meta.len() == entry.size {
        if entry.mtime != (meta.mtime(), meta.mtime_nsec() as u32) {
            return None;
        }
    } else if !same_start(path, &entry)? {
        return None;
    }
    let minutes = in_file.unwrap_or_else(|| entry.checks.iter().map(Minutes::of).collect());
    let part = lay(&entry, &minutes, grid)?;
    Some(Hit {
        part,
        size: entry.size,
        next_line: entry.next_line,
    })
}

/// An entry to be written to disk: [`Pending::write`] does it. Building the entry
/// copies what it needs from the part; the writing (an encode, a checksum and 32 MB
/// at 50 checks × 90 days) can then run beside the model instead of before it.
#[derive(Debug)]
pub struct Pending {
    root: PathBuf,
    entry: Entry,
}

impl Pending {
    /// Write the entry. Failing to write is not an error: the next build reads the
    /// file again.
    pub fn write(self) {
        if let Some(dir) = ensure_dir(&self.root) {
            let _ = write_entry(&dir, &entry_name(Path::new(&self.entry.rel)), &self.entry);
        }
    }
}

/// Whether to write the entry again, now that `size` bytes are read, when a valid
/// entry already held `cached` of them: not until [`REWRITE_AFTER`] more were appended.
pub fn worth_rewriting(cached: Option<u64>, size: u64) -> bool {
    cached.is_none_or(|c| size.saturating_sub(c) >= REWRITE_AFTER)
}

/// Keep `part` (read from a clean file, nothing after now) as the entry for `path`:
/// in memory at once, or (on disk) as a [`Pending`] write for the caller to run. On
/// disk an entry that held `cached` bytes stays as it is until [`worth_rewriting`].
#[allow(clippy::too_many_arguments)]
pub fn store(
    mode: &Mode,
    root: &Path,
    rel: &Path,
    path: &Path,
    meta: &Metadata,
    fp: u64,
    grid: &Grid,
    part: &Part,
    (size, next_line): (u64, usize),
    cached: Option<u64>,
) -> Option<Pending> {
    if matches!(mode, Mode::Off) || part.future > 0 {
        return None;
    }
    if matches!(mode, Mode::Disk) && !worth_rewriting(cached, size) {
        return None;
    }
    let (head, tail) = probes(path, size)?;
    let entry = Entry {
        rel: rel.to_string_lossy().into_owned(),
        dev: meta.dev(),
        ino: meta.ino(),
        size,
        mtime: (meta.mtime(), meta.mtime_nsec() as u32),
        next_line,
        head,
        tail,
        fingerprint: fp,
        start_minute: grid.start.timestamp().div_euclid(60),
        max_at: part.max_at,
        unknown: part.unknown.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        checks: part
            .series
            .iter()
            .zip(&part.secs)
            .map(|(s, sec)| {
                let first = s.slots.iter().position(|&v| v != 0).unwrap_or(0);
                let last = s.slots.iter().rposition(|&v| v != 0).map_or(0, |i| i + 1);
                let (first, last) = (first.min(last), last);
                CheckEntry {
                    results: s.results,
                    carry_in: s.carry_in,
                    latest: s.latest.clone(),
                    first: grid.start.timestamp().div_euclid(60) + first as i64,
                    slots: s.slots[first..last].to_vec(),
                    secs: sec[first..last].to_vec(),
                }
            })
            .collect(),
    };
    match mode {
        Mode::Off => None,
        Mode::Memory(m) => {
            m.lock().insert(path.to_path_buf(), Arc::new(entry));
            None
        }
        Mode::Disk => Some(Pending {
            root: root.to_path_buf(),
            entry,
        }),
    }
}

/// One check's minutes as [`lay`] reads them: an entry's own words, or the
/// little-endian bytes of an entry file (4 per slot), with the second bytes.
#[derive(Debug, Clone, Copy)]
enum Minutes<'a> {
    Words(&'a [u32], &'a [u8]),
    Bytes(&'a [u8], &'a [u8]),
}

impl<'a> Minutes<'a> {
    fn of(c: &'a CheckEntry) -> Minutes<'a> {
        Minutes::Words(&c.slots, &c.secs)
    }

    /// Slots, or `None` when slots and second bytes disagree in length.
    fn len(&self) -> Option<usize> {
        match *self {
            Minutes::Words(w, b) => (w.len() == b.len()).then_some(b.len()),
            Minutes::Bytes(w, b) => (w.len() == 4 * b.len()).then_some(b.len()),
        }
    }

    fn secs(&self) -> &'a [u8] {
        match *self {
            Minutes::Words(_, b) | Minutes::Bytes(_, b) => b,
        }
    }

    /// Every slot from `from` on, in order.
    fn slots(&self, from: usize) -> impl Iterator<Item = u32> + 'a {
        let (words, bytes): (&[u32], &[u8]) = match *self {
            Minutes::Words(w, _) => (w.get(from..).unwrap_or_default(), &[]),
            Minutes::Bytes(w, _) => (&[], w.get(4 * from..).unwrap_or_default()),
        };
        let le = bytes.chunks_exact(4);
        words
            .iter()
            .copied()
            .chain(le.map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
    }

    /// The last slot before `before` that holds a result.
    fn last_result(&self, before: usize) -> Option<usize> {
        match *self {
            Minutes::Words(w, _) => w[..before].iter().rposition(|&v| v != 0),
            Minutes::Bytes(w, _) => w[..4 * before].chunks_exact(4).rposition(|c| c != [0; 4]),
        }
    }

    /// Slots `from..` copied onto `dst` (as long), as one block.
    fn copy_slots(&self, from: usize, dst: &mut [u32]) {
        match *self {
            Minutes::Words(w, _) => dst.copy_from_slice(&w[from..]),
            Minutes::Bytes(w, _) => {
                for (d, c) in dst.iter_mut().zip(w[4 * from..].chunks_exact(4)) {
                    *d = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                }
            }
        }
    }
}

/// The entry laid onto `grid`, its checks' minutes read from `minutes` (one per
/// check); `None` when it cannot be (an earlier grid, results after now, or data
/// that makes no sense).
fn lay(entry: &Entry, minutes: &[Minutes], grid: &Grid) -> Option<Part> {
    let start = grid.start.timestamp().div_euclid(60);
    if start < entry.start_minute
        || entry.max_at.is_some_and(|t| t > grid.now.timestamp())
        || minutes.len() != entry.checks.len()
    {
        return None;
    }
    let mut part = Part::new(entry.checks.len(), grid);
    for (((c, m), s), sec) in entry
        .checks
        .iter()
        .zip(minutes)
        .zip(&mut part.series)
        .zip(&mut part.secs)
    {
        s.results = c.results;
        s.carry_in = c.carry_in;
        s.latest = c.latest.clone();
        // 129,600 minutes a check at 90 days: checked in one pass, then copied as a
        // block (an empty minute's second byte is 0, as `store` leaves it).
        let len = m.len()?;
        let secs = m.secs();
        if !m.slots(0).zip(secs).all(|(v, &b)| sane(v, b)) {
            return None;
        }
        c.first.checked_add(len as i64)?;
        // Minutes before this grid: only the newest result matters, as carry-in.
        let before = start.saturating_sub(c.first).clamp(0, len as i64) as usize;
        if let Some(i) = m.last_result(before) {
            let b = secs[i];
            let at = (c.first + i as i64).checked_mul(60)? + i64::from(b >> 2);
            part::offer_carry(&mut s.carry_in, at, State::from_bits(b & 3)?);
        }
        let to = usize::try_from(c.first.max(start) - start).ok()?;
        let n = len - before;
        m.copy_slots(before, s.slots.get_mut(to..to.checked_add(n)?)?);
        sec.get_mut(to..to + n)?.copy_from_slice(&secs[before..]);
        part.results += c.results;
    }
    part.unknown = entry.unknown.iter().cloned().collect();
    part.max_at = entry.max_at;
    Some(part)
}

/// A minute's slot and second byte as `store` writes them: empty (both 0), or a
/// known state with a second under 60 and a newest state no worse than the slot's.
fn sane(v: u32, b: u8) -> bool {
    if v == 0 {
        return b == 0;
    }
    match (series::slot_state(v), State::from_bits(b & 3)) {
        (Some(state), Some(newest)) => b >> 2 < 60 && newest <= state,
        _ => false,
    }
}

/// True when the bytes the entry read still start and end as they did: the file
/// has only grown at its end.
fn same_start(path: &Path, entry: &Entry) -> Option<bool> {
    let (head, tail) = probes(path, entry.size)?;
    Some(head == entry.head && tail == entry.tail)
}

/// Hashes of the first and last [`PROBE`] bytes of the file's first `size` bytes.
fn probes(path: &Path, size: u64) -> Option<(u64, u64)> {
    let mut f = File::open(path).ok()?;
    let mut hash = |from: u64, len: u64| -> Option<u64> {
        f.seek(SeekFrom::Start(from)).ok()?;
        let mut buf = vec![0; len as usize];
        f.read_exact(&mut buf).ok()?;
        let mut h = Hasher::new();
        h.bytes(&buf);
        Some(h.finish())
    };
    let n = size.min(PROBE);
    Some((hash(0, n)?, hash(size - n, n)?))
}

fn entry_name(rel: &Path) -> String {
    let mut h = Hasher::new();
    h.bytes(rel.to_string_lossy().as_bytes());
    format!("{:016x}.grid", h.finish())
}

/// `<root>/.lantern-cache/health/<name>` when the cache folder exists and is ours.
fn entry_path(root: &Path, rel: &Path) -> Option<PathBuf> {
    let dir = crate::cache_dir::existing(root)?.join("health");
    crate::cache_dir::is_real_dir(&dir).then(|| dir.join(entry_name(rel)))
}

/// The `health` folder of the cache, created (with the cache folder) if there is none.
/// `None` when a folder of that name exists that Lantern did not make, or is a link.
fn ensure_dir(root: &Path) -> Option<PathBuf> {
    crate::cache_dir::subdir(&crate::cache_dir::ensure(root)?, "health")
}

/// Write through a fresh temporary file and a rename: a concurrent reader sees the
/// old entry or the new one, never a mix, and two writers simply replace each other.
fn write_entry(dir: &Path, name: &str, entry: &Entry) -> std::io::Result<()> {
    let payload = encode(entry);
    let mut t = tempfile::NamedTempFile::new_in(dir)?;
    let mut w = std::io::BufWriter::new(t.as_file_mut());
    w.write_all(MAGIC)?;
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(&checksum(&payload).to_le_bytes())?;
    w.write_all(&payload)?;
    w.flush()?;
    drop(w);
    t.persist(dir.join(name)).map_err(|e| e.error)?;
    Ok(())
}

/// An entry file's payload, when its magic, length and checksum are right.
fn read_payload(path: &Path) -> Option<Vec<u8>> {
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .ok()?;
    let mut head = [0u8; 24];
    f.read_exact(&mut head).ok()?;
    if &head[..8] != MAGIC {
        return None;
    }
    let len = u64::from_le_bytes(head[8..16].try_into().ok()?);
    let sum = u64::from_le_bytes(head[16..24].try_into().ok()?);
    // The length must match the file: a garbage length never allocates.
    if f.metadata().ok()?.len() != 24 + len {
        return None;
    }
    let mut payload = vec![0; usize::try_from(len).ok()?];
    f.read_exact(&mut payload).ok()?;
    (checksum(&payload) == sum).then_some(payload)
}

/// The payload's checksum: CRC-32 (SIMD, several GB/s over the 32 MB of a 50-check
/// feed, where a word-at-a-time hash took 7–10 ms each way).
fn checksum(payload: &[u8]) -> u64 {
    u64::from(crc32fast::hash(payload))
}

fn encode(e: &Entry) -> Vec<u8> {
    let minutes: usize = e.checks.iter().map(|c| c.slots.len()).sum();
    let mut w = Writer(Vec::with_capacity(4096 + 5 * minutes));
    w.str(&e.rel);
    w.u64(e.dev);
    w.u64(e.ino);
    w.u64(e.size);
    w.i64(e.mtime.0);
    w.u32(e.mtime.1);
    w.u64(e.next_line as u64);
    w.u64(e.head);
    w.u64(e.tail);
    w.u64(e.fingerprint);
    w.i64(e.start_minute);
    w.opt(e.max_at, |w, t| w.i64(t));
    w.u32(e.unknown.len() as u32);
    for (c, n) in &e.unknown {
        w.str(c);
        w.u64(*n);
    }
    w.u32(e.checks.len() as u32);
    for c in &e.checks {
        w.u64(c.results);
        w.opt(c.carry_in, |w, (at, st)| {
            w.i64(at);
            w.0.push(st as u8);
        });
        w.opt(c.latest.as_ref(), |w, l| {
            w.i64(l.at);
            w.0.push(l.state as u8);
            w.opt(l.latency_ms, |w, v| w.u32(v));
            w.opt(l.message.as_deref(), |w, m| w.str(m));
        });
        w.i64(c.first);
        w.u32(c.slots.len() as u32);
        // As one block: 26 MB at 50 checks × 90 days, vectorised.
        let at = w.0.len();
        w.0.resize(at + 4 * c.slots.len(), 0);
        for (dst, v) in w.0[at..].chunks_exact_mut(4).zip(&c.slots) {
            dst.copy_from_slice(&v.to_le_bytes());
        }
        w.0.extend_from_slice(&c.secs);
    }
    w.0
}

/// The entry in `b`, its checks' minutes left in `b`: the entry's own are empty,
/// and [`Minutes`] (one per check, in order) point into `b`.
fn decode_head(b: &[u8]) -> Option<(Entry, Vec<Minutes<'_>>)> {
    let mut r = Reader(b);
    let rel = r.str()?;
    let (dev, ino, size) = (r.u64()?, r.u64()?, r.u64()?);
    let mtime = (r.i64()?, r.u32()?);
    let next_line = usize::try_from(r.u64()?).ok()?;
    let (head, tail, fingerprint) = (r.u64()?, r.u64()?, r.u64()?);
    let start_minute = r.i64()?;
    let max_at = r.opt(|r| r.i64())?;
    let n = r.u32()? as usize;
    let mut unknown = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        unknown.push((r.str()?, r.u64()?));
    }
    let n = r.u32()? as usize;
    let mut checks = Vec::with_capacity(n.min(1024));
    let mut minutes = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        let results = r.u64()?;
        let carry_in = r.opt(|r| Some((r.i64()?, State::from_bits(r.u8()?)?)))?;
        let latest = r.opt(|r| {
            Some(Latest {
                at: r.i64()?,
                state: State::from_bits(r.u8()?)?,
                latency_ms: r.opt(|r| r.u32())?,
                message: r.opt(|r| r.str())?,
            })
        })?;
        let first = r.i64()?;
        let len = r.u32()? as usize;
        let slots = r.take(len.checked_mul(4)?)?;
        minutes.push(Minutes::Bytes(slots, r.take(len)?));
        checks.push(CheckEntry {
            results,
            carry_in,
            latest,
            first,
            slots: Vec::new(),
            secs: Vec::new(),
        });
    }
    let entry = Entry {
        rel,
        dev,
        ino,
        size,
        mtime,
        next_line,
        head,
        tail,
        fingerprint,
        start_minute,
        max_at,
        unknown,
        checks,
    };
    r.0.is_empty().then_some((entry, minutes))
}

/// The whole entry in `b`, minutes included.
#[cfg(test)]
fn decode(b: &[u8]) -> Option<Entry> {
    let (mut entry, minutes) = decode_head(b)?;
    for (c, m) in entry.checks.iter_mut().zip(minutes) {
        c.slots = m.slots(0).collect();
        c.secs = m.secs().to_vec();
    }
    Some(entry)
}

struct Writer(Vec<u8>);

impl Writer {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Self, T)) {
        match v {
            None => self.0.push(0),
            Some(v) => {
                self.0.push(1);
                f(self, v);
            }
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.0.len() {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.u8()? {
            0 => Some(None),
            1 => f(self).map(Some),
            _ => None,
        }
    }
}

/// A fast 64-bit hash to notice corruption and changed bytes (not an adversary:
/// whoever can write the cache can write the feed too).
struct Hasher(u64);

impl Hasher {
    fn new() -> Self {
        Hasher(0x6c61_6e74_6572_6e21)
    }
    fn word(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(23) ^ w).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn bytes(&mut self, b: &[u8]) {
        let mut chunks = b.chunks_exact(8);
        for c in &mut chunks {
            self.word(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let mut last = [0u8; 8];
        last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
        self.word(u64::from_le_bytes(last));
        self.word(b.len() as u64);
    }
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn entry() -> Entry {
        Entry {
            rel: "content/health/a.jsonl".into(),
            dev: 1,
            ino: 2,
            size: 300,
            mtime: (1_700_000_000, 5),
            next_line: 4,
            head: 7,
            tail: 8,
            fingerprint: 9,
            start_minute: 29_000_000,
            max_at: Some(29_000_100 * 60 + 30),
            unknown: vec![("x".into(), 3)],
            checks: vec![CheckEntry {
                results: 3,
                carry_in: Some((29_000_000 * 60 - 5, State::Down)),
                latest: Some(Latest {
                    at: 29_000_100 * 60 + 30,
                    state: State::Up,
                    latency_ms: Some(12),
                    message: Some("fine".into()),
                }),
                first: 29_000_010,
                slots: vec![
                    series::pack(State::Up, Some(3)),
                    0,
                    series::pack(State::Down, None),
                ],
                secs: vec![
                    part::sec_byte(20, State::Up),
                    0,
                    part::sec_byte(59, State::Down),
                ],
            }],
        }
    }

    /// `lay` with the entry's own minutes, as the memory cache does.
    fn lay_own(e: &Entry, g: &Grid) -> Option<Part> {
        let minutes: Vec<Minutes> = e.checks.iter().map(Minutes::of).collect();
        lay(e, &minutes, g)
    }

    fn read_entry(p: &Path) -> Option<Entry> {
        decode(&read_payload(p)?)
    }

    #[test]
    fn an_entry_is_rewritten_only_after_a_mib_of_appended_lines() {
        assert!(worth_rewriting(None, 0), "no entry yet");
        assert!(worth_rewriting(None, 10));
        assert!(!worth_rewriting(Some(500), 500));
        assert!(!worth_rewriting(Some(500), 500 + REWRITE_AFTER - 1));
        assert!(worth_rewriting(Some(500), 500 + REWRITE_AFTER));
        assert!(worth_rewriting(Some(0), REWRITE_AFTER + 7));
        assert!(!worth_rewriting(Some(500), 10), "never less than nothing");
    }

    /// What a laid part holds, comparable.
    fn laid(p: &Part) -> impl PartialEq + std::fmt::Debug {
        let series: Vec<_> = p
            .series
            .iter()
            .map(|s| (s.slots.clone(), s.carry_in, s.latest.clone(), s.results))
            .collect();
        (
            series,
            p.secs.clone(),
            p.unknown.clone(),
            p.results,
            p.max_at,
        )
    }

    #[test]
    fn an_entry_file_is_laid_from_its_bytes_as_from_the_entry() {
        let tz = chrono_tz::Tz::UTC;
        let mut e = entry();
        // A second check, longer, to tell the checks' blocks apart.
        let mut c2 = e.checks[0].clone();
        c2.first = 29_000_005;
        c2.slots = (0..40)
            .map(|i| {
                if i % 3 == 0 {
                    0
                } else {
                    series::pack(State::Up, Some(i))
                }
            })
            .collect();
        c2.secs = c2
            .slots
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if v == 0 {
                    0
                } else {
                    part::sec_byte(i as i64 * 7, State::Up)
                }
            })
            .collect();
        e.checks.push(c2);
        let bytes = encode(&e);
        let (head, minutes) = decode_head(&bytes).unwrap();
        assert!(
            head.checks
                .iter()
                .all(|c| c.slots.is_empty() && c.secs.is_empty())
        );
        let mut served = 0;
        for shift in [0, 3, 11, 12, 30, 44, 50] {
            let now = Utc
                .timestamp_opt((29_000_000 + shift + 129_600) * 60, 0)
                .unwrap();
            let g = Grid::new(now, tz, 1);
            let own = lay_own(&e, &g);
            let from_file = lay(&head, &minutes, &g);
            assert_eq!(own.is_some(), from_file.is_some(), "shift {shift}");
            if let (Some(a), Some(b)) = (own, from_file) {
                assert_eq!(laid(&a), laid(&b), "shift {shift}");
                served += 1;
            }
        }
        assert_eq!(served, 7);
        // Minutes for another number of checks, or slots and seconds of other
        // lengths, are refused.
        let g = Grid::new(
            Utc.timestamp_opt((29_000_000 + 129_600) * 60, 0).unwrap(),
            tz,
            1,
        );
        assert!(lay(&head, &minutes[..1], &g).is_none());
        let (s, b) = match minutes[0] {
            Minutes::Bytes(s, b) => (s, b),
            Minutes::Words(..) => unreachable!(),
        };
        let short = [Minutes::Bytes(&s[..s.len() - 1], b), minutes[1]];
        assert!(lay(&head, &short, &g).is_none());
        let fewer = [Minutes::Bytes(s, &b[..b.len() - 1]), minutes[1]];
        assert!(lay(&head, &fewer, &g).is_none());
    }

    #[test]
    fn entries_round_trip_and_reject_damage() {
        let e = entry();
        let bytes = encode(&e);
        assert_eq!(decode(&bytes), Some(e));
        for cut in [0, 1, 10, bytes.len() - 1] {
            assert_eq!(decode(&bytes[..cut]), None, "truncated at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None, "trailing bytes");
    }

    #[test]
    fn garbage_files_are_not_entries() {
        let dir = tempfile::tempdir().unwrap();
        write_entry(dir.path(), "e.grid", &entry()).unwrap();
        let p = dir.path().join("e.grid");
        assert_eq!(read_entry(&p), Some(entry()));
        let mut b = std::fs::read(&p).unwrap();
        let mid = b.len() / 2;
        b[mid] ^= 0x40;
        std::fs::write(&p, &b).unwrap();
        assert_eq!(read_entry(&p), None, "one flipped bit");
        std::fs::write(&p, &b[..b.len() - 3]).unwrap();
        assert_eq!(read_entry(&p), None, "truncated");
        std::fs::write(&p, b"garbage").unwrap();
        assert_eq!(read_entry(&p), None);
    }

    #[test]
    fn a_later_grid_turns_early_minutes_into_carry_in() {
        let e = entry();
        let tz = chrono_tz::Tz::UTC;
        // A grid starting 20 minutes after the entry's: the minute at +10 falls before it.
        let now = Utc
            .timestamp_opt((29_000_000 + 20) * 60 + 129_600 * 60, 0)
            .unwrap();
        let g = Grid::new(now, tz, 1);
        let start = g.start.timestamp() / 60;
        assert_eq!(start, 29_000_020);
        let p = lay_own(&e, &g).unwrap();
        let s = &p.series[0];
        assert_eq!(
            s.carry_in,
            Some((29_000_012 * 60 + 59, State::Down)),
            "the newest before the grid"
        );
        assert_eq!(
            s.slots.iter().filter(|&&v| v != 0).count(),
            0,
            "both minutes are before the grid"
        );
        let p0 = lay_own(&e, &Grid::new(now - chrono::Duration::minutes(15), tz, 1)).unwrap();
        let s0 = &p0.series[0];
        assert_eq!(s0.carry_in, Some((29_000_000 * 60 - 5, State::Down)));
        let slot = (29_000_010 - p0_start(&p0, &e, now)) as usize;
        assert_eq!(series::slot_state(s0.slots[slot]), Some(State::Up));
        assert_eq!(series::slot_state(s0.slots[slot + 2]), Some(State::Down));
        assert_eq!((p0.results, p0.unknown.get("x")), (3, Some(&3)));
        // An earlier grid than the entry's cannot be served from it.
        assert!(lay_own(&e, &Grid::new(now - chrono::Duration::minutes(40), tz, 1)).is_none());
    }

    #[test]
    fn a_grid_starting_inside_the_entry_splits_it_and_insane_minutes_are_refused() {
        let e = entry();
        let tz = chrono_tz::Tz::UTC;
        // A grid starting at minute +11: +10 is before it, +12 is its second minute.
        let grid = || {
            let now = Utc.timestamp_opt((29_000_011 + 129_600) * 60, 0).unwrap();
            Grid::new(now, tz, 1)
        };
        let g = grid();
        assert_eq!(g.start.timestamp() / 60, 29_000_011);
        let p = lay_own(&e, &g).unwrap();
        let s = &p.series[0];
        // +10 (Up, second 20) is newer than the entry's carry-in (Down, 5 s before).
        assert_eq!(s.carry_in, Some((29_000_010 * 60 + 20, State::Up)));
        assert_eq!(s.slots[0], 0);
        assert_eq!(s.slots[1], series::pack(State::Down, None));
        assert_eq!(p.secs[0][1], part::sec_byte(59, State::Down));
        assert_eq!(s.slots.iter().filter(|&&v| v != 0).count(), 1);
        assert_eq!(p.max_at, e.max_at);
        // Anything `store` never writes: the entry is not used (the file is read).
        let insane: [fn(&mut CheckEntry); 5] = [
            |c| c.secs[1] = 4,                               // a second for no result
            |c| c.secs[0] = (60 << 2) | 1,                   // second 60
            |c| c.secs[0] = part::sec_byte(20, State::Down), // newest worse than the minute
            |c| c.slots[1] = 4,                              // no state
            |c| c.secs.pop().map(drop).unwrap_or(()),        // lengths differ
        ];
        for (i, spoil) in insane.iter().enumerate() {
            let mut bad = entry();
            spoil(&mut bad.checks[0]);
            assert!(lay_own(&bad, &g).is_none(), "case {i}");
        }
    }

    #[test]
    fn an_entry_serves_grids_from_its_own_start_and_results_up_to_now() {
        let tz = chrono_tz::Tz::UTC;
        let mut e = entry();
        // The grid the entry was made on: served, with every minute in place.
        let now = Utc
            .timestamp_opt((e.start_minute + 129_600) * 60, 0)
            .unwrap();
        let g = Grid::new(now, tz, 1);
        assert_eq!(g.start.timestamp() / 60, e.start_minute);
        let p = lay_own(&e, &g).unwrap();
        assert_eq!(p.series[0].slots.iter().filter(|&&v| v != 0).count(), 2);
        // A result at now is present; one a second later is in the future.
        e.max_at = Some(now.timestamp());
        assert!(lay_own(&e, &g).is_some());
        e.max_at = Some(now.timestamp() + 1);
        assert!(lay_own(&e, &g).is_none());
    }

    fn p0_start(_p: &Part, _e: &Entry, now: chrono::DateTime<Utc>) -> i64 {
        Grid::new(now - chrono::Duration::minutes(15), chrono_tz::Tz::UTC, 1)
            .start
            .timestamp()
            / 60
    }
}
