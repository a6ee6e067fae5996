//! Streaming the health feed: JSON Lines parsed in parallel chunks, JSON arrays
//! element by element. Memory stays bounded whatever the size of the files.

use super::cache;
use super::part::{self, Part};
use super::record::{self, Record, RecordError, State};
use super::series::{self, Series};
use super::timestamp::Memo;
use super::window::Grid;
use crate::contained::Fence;
use crate::diagnostics::{Diagnostic, Diagnostics};
use rayon::prelude::*;
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::hash::BuildHasherDefault;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

/// Longest feed line accepted.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Bytes parsed per parallel task, and per batch read from disk.
const CHUNK: usize = 1 << 20;
const BATCH: usize = 8 * CHUNK;
/// Errors listed per file before the rest are summarised in one line.
const MAX_ERRORS_PER_FILE: usize = 50;

/// Everything read from the feed files.
#[derive(Debug)]
pub struct Feed {
    /// Check id → its series; only checks some component lists.
    pub series: BTreeMap<String, Series>,
    pub results: u64,
    pub files: usize,
    pub bytes: u64,
    /// Files left unread because every result in them is older than the window.
    pub skipped_files: usize,
    /// Health cache entries still to be written (see [`cache::Pending`]): whoever
    /// reads the feed runs them, beside its next step.
    pub cache_writes: Vec<cache::Pending>,
}

/// How to read the feed beyond the grid.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Per check (same order as `checks`): an `up` result slower than this is degraded.
    pub degraded_ms: Vec<u64>,
    /// Skip files whose results all come before this instant (epoch seconds):
    /// `probe-YYYY-MM.jsonl` of a month ending by then, or any file last modified before.
    pub skip_before: Option<i64>,
    /// Where parsed files are kept between reads (none by default).
    pub cache: cache::Mode,
}

/// Read every `*.jsonl` and `*.json` file under `dir` onto `grid`.
///
/// `site_root` makes paths in messages relative. Unknown checks and results dated
/// after now are warnings; malformed records are errors naming file and line.
pub fn read(
    dir: &Path,
    site_root: &Path,
    checks: &[String],
    grid: &Grid,
    degraded_ms: u64,
) -> (Feed, Diagnostics) {
    let opts = ReadOptions {
        degraded_ms: vec![degraded_ms; checks.len()],
        skip_before: None,
        cache: cache::Mode::Off,
    };
    read_with(dir, site_root, checks, grid, &opts)
}

/// [`read`] with a latency threshold per check and old files skipped.
pub fn read_with(
    dir: &Path,
    site_root: &Path,
    checks: &[String],
    grid: &Grid,
    opts: &ReadOptions,
) -> (Feed, Diagnostics) {
    let ingest = Ingest::new(checks, grid, &opts.degraded_ms);
    let fingerprint = cache::fingerprint(checks, &opts.degraded_ms);
    let mut total: Option<Part> = None;
    let mut unknown: BTreeMap<String, (u64, PathBuf)> = BTreeMap::new();
    let mut diags = Diagnostics::default();
    let mut files = 0;
    let mut bytes = 0;
    let mut skipped_files = 0;
    let mut cache_writes = Vec::new();
    let (paths, links) = Fence::site(site_root).files(dir, usize::MAX, &|name| {
        let name = Path::new(name);
        let hidden = name.to_string_lossy().starts_with('.');
        hidden
            || !name
                .extension()
                .is_some_and(|e| e == "jsonl" || e == "json")
    });
    for link in &links {
        diags.push(link.to_diagnostic());
    }
    for path in paths {
        let rel = path.strip_prefix(site_root).unwrap_or(&path).to_path_buf();
        let meta = std::fs::metadata(&path).ok();
        if let Some(cut) = opts.skip_before
            && all_before(&path, meta.as_ref(), cut)
        {
            skipped_files += 1;
            continue;
        }
        files += 1;
        bytes += meta.as_ref().map_or(0, |m| m.len());
        let result = if path.extension().is_some_and(|e| e == "jsonl") {
            read_cached(
                &ingest,
                site_root,
                &path,
                &rel,
                meta.as_ref(),
                (&opts.cache, fingerprint),
                &mut diags,
            )
            .map(|(part, pending)| {
                cache_writes.extend(pending);
                part
            })
        } else {
            ingest.read_array(&path, &rel, &mut diags)
        };
        match result {
            Ok(part) => {
                for (check, n) in &part.unknown {
                    unknown
                        .entry(check.clone())
                        .or_insert_with(|| (0, rel.clone()))
                        .0 += n;
                }
                match &mut total {
                    None => total = Some(part),
                    Some(t) => t.absorb(part),
                }
            }
            Err(e) => diags.push(Diagnostic::error(
                &rel,
                format!("cannot read the feed: {e}"),
            )),
        }
    }
    for (check, (count, file)) in &unknown {
        diags.push(Diagnostic::warning(
            file,
            format!("{count} results for check `{check}`, which no component lists under `checks`; they are ignored"),
        ));
    }
    let total = total.unwrap_or_else(|| ingest.part());
    if total.future > 0 {
        diags.push(Diagnostic::warning(
            dir.strip_prefix(site_root).unwrap_or(dir),
            format!(
                "{} results are dated after the build time and were ignored",
                total.future
            ),
        ));
    }
    let series = checks.iter().cloned().zip(total.series).collect();
    (
        Feed {
            series,
            results: total.results,
            files,
            bytes,
            skipped_files,
            cache_writes,
        },
        diags,
    )
}

/// A `.jsonl` file through the health cache: unchanged, it is not read at all; grown,
/// only the appended lines are. A file read without any diagnostic is cached, and an
/// entry that read most of the file is kept until [`cache::REWRITE_AFTER`] bytes more.
fn read_cached(
    ingest: &Ingest,
    root: &Path,
    path: &Path,
    rel: &Path,
    meta: Option<&std::fs::Metadata>,
    (mode, fingerprint): (&cache::Mode, u64),
    diags: &mut Diagnostics,
) -> std::io::Result<(Part, Option<cache::Pending>)> {
    let Some(meta) = meta else {
        return Ok((
            ingest.read_lines(path, rel, (0, 1), None, diags)?.part,
            None,
        ));
    };
    let hit = crate::timings::stage("health: cache read", || {
        cache::load(mode, root, rel, path, meta, fingerprint, ingest.grid)
    });
    let (part, from, line) = match hit {
        Some(h) if h.size == meta.len() => return Ok((h.part, None)),
        Some(h) => (Some(h.part), h.size, h.next_line),
        None => (None, 0, 1),
    };
    let cached = part.is_some().then_some(from);
    // The appended lines go straight onto the cached part: a second grid for a few
    // minutes of results, merged whole, cost 9 ms of page faults at 50 checks.
    let read = ingest.read_lines(path, rel, (from, line), part, diags)?;
    let clean = read.clean;
    let (offset, next_line, part) = (read.offset, read.next_line, read.part);
    let pending = if clean {
        cache::store(
            mode,
            root,
            rel,
            path,
            meta,
            fingerprint,
            ingest.grid,
            &part,
            (offset, next_line),
            cached,
        )
    } else {
        None
    };
    Ok((part, pending))
}

/// True when no result in the file can be at or after `cut`: a monthly probe file
/// (`probe-YYYY-MM.jsonl`) of a month that ended by then, or a file last written before.
fn all_before(path: &Path, meta: Option<&std::fs::Metadata>, cut: i64) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if month_end(name).is_some_and(|end| end <= cut) {
        return true;
    }
    meta.and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .is_some_and(|d| (d.as_secs() as i64) < cut)
}

/// The first instant (epoch seconds) after the month of `probe-YYYY-MM.jsonl`.
pub fn month_end(name: &str) -> Option<i64> {
    let ym = name.strip_prefix("probe-")?.strip_suffix(".jsonl")?;
    let (y, m) = ym.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&m) {
        return None;
    }
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    chrono::NaiveDate::from_ymd_opt(ny, nm, 1).map(|d| {
        d.and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp()
    })
}

/// What every file is read against: the checks, the grid and the thresholds.
pub(super) struct Ingest<'g> {
    index: HashMap<String, usize, BuildHasherDefault<Fnv>>,
    checks: usize,
    grid: &'g Grid,
    /// Per check index.
    degraded_ms: Vec<u64>,
    /// The grid's start and now in epoch seconds, computed once, not per result.
    start_ts: i64,
    now_ts: i64,
}

/// FNV-1a for the check index: ids are short and trusted to be few, so SipHash's
/// flood resistance buys nothing on this per-line lookup.
#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// One result of a listed check on the grid: slot, packed value, `secs` byte.
type Placed = (u32, u32, u8);

/// What one parallel task found in its chunk, merged in file order afterwards.
#[derive(Default)]
struct ChunkOut<'a> {
    /// Per check: results on the grid, bucketed so checks merge in parallel.
    placed: Vec<Vec<Placed>>,
    /// Per check: the newest result before the grid.
    carry: Vec<Option<(i64, State)>>,
    /// Per check: results placed (on the grid or carried in).
    counts: Vec<u64>,
    latest: Vec<Option<Record<'a>>>,
    unknown: HashMap<Cow<'a, str>, u64>,
    future: u64,
    max_at: Option<i64>,
    errors: Vec<(usize, RecordError)>,
    /// Line ends seen, so the reader need not count them again.
    lines: usize,
}

impl<'a> ChunkOut<'a> {
    fn new(checks: usize) -> Self {
        ChunkOut {
            placed: vec![Vec::new(); checks],
            carry: vec![None; checks],
            counts: vec![0; checks],
            latest: vec![None; checks],
            ..ChunkOut::default()
        }
    }

    /// Place one valid record: on the grid, as an unknown check, or as a future result.
    fn accept(&mut self, mut r: Record<'a>, ingest: &Ingest) {
        // Stamped in the build's own second is not "after the build": `now` carries
        // sub-second digits that a result's whole-second `at` cannot.
        if r.at > ingest.now_ts {
            self.future += 1;
            return;
        }
        self.max_at = self.max_at.max(Some(r.at));
        let Some(&idx) = ingest.index.get(r.check.as_ref()) else {
            *self.unknown.entry(r.check).or_default() += 1;
            return;
        };
        // Each check has its own threshold (a probe's `degraded_latency_ms`).
        if r.state == State::Up
            && r.latency_ms
                .is_some_and(|l| u64::from(l) > ingest.degraded_ms[idx])
        {
            r.state = State::Degraded;
        }
        self.counts[idx] += 1;
        match ingest.slot(r.at) {
            Some(s) => self.placed[idx].push((
                s as u32,
                series::pack(r.state, r.latency_ms),
                part::sec_byte(r.at, r.state),
            )),
            None => part::offer_carry(&mut self.carry[idx], r.at, r.state),
        }
        let keep = self.latest[idx]
            .as_ref()
            .is_none_or(|l| r.at > l.at || (r.at == l.at && r.state > l.state));
        if keep {
            self.latest[idx] = Some(r);
        }
    }
}

impl<'g> Ingest<'g> {
    /// Reading against `checks` (with their thresholds, same order) on `grid`.
    pub(super) fn new(checks: &[String], grid: &'g Grid, degraded_ms: &[u64]) -> Self {
        Ingest {
            index: checks
                .iter()
                .enumerate()
                .map(|(i, c)| (c.clone(), i))
                .collect(),
            checks: checks.len(),
            grid,
            start_ts: grid.start.timestamp(),
            now_ts: grid.now.timestamp(),
            degraded_ms: (0..checks.len())
                .map(|i| degraded_ms.get(i).copied().unwrap_or(u64::MAX))
                .collect(),
        }
    }

    /// [`Grid::slot`] with the grid's instants precomputed.
    fn slot(&self, at: i64) -> Option<usize> {
        let d = at - self.start_ts;
        if d < 0 || at > self.now_ts {
            return None;
        }
        let s = (d / 60) as usize;
        (s < self.grid.minutes).then_some(s)
    }

    /// An empty part for this grid and these checks.
    pub(super) fn part(&self) -> Part {
        Part::new(self.checks, self.grid)
    }

    /// Read a `.jsonl` file from byte `from` (a line start; `first_line` is its line
    /// number) to the end, onto `onto` (what earlier bytes of the file gave) or an
    /// empty part. Returns the part, the offset after the last whole line read, the
    /// number of that line + 1, and whether the file was read without a diagnostic.
    pub(super) fn read_lines(
        &self,
        path: &Path,
        rel: &Path,
        (from, first_line): (u64, usize),
        onto: Option<Part>,
        diags: &mut Diagnostics,
    ) -> std::io::Result<LinesRead> {
        use std::io::{Seek, SeekFrom};
        let mut file = File::open(path)?;
        if from > 0 {
            file.seek(SeekFrom::Start(from))?;
        }
        let mut part = onto.unwrap_or_else(|| self.part());
        let mut pending: Vec<u8> = Vec::with_capacity(BATCH + CHUNK);
        // The buffer the next batch is read into while `pending` is parsed; the two
        // swap, so a large feed is read through the same two buffers.
        let mut spare: Vec<u8> = Vec::with_capacity(BATCH + CHUNK);
        let mut line_no = first_line;
        let mut offset = from;
        let mut errors = 0usize;
        let mut clean = true;
        let mut eof = false;
        loop {
            if !eof {
                eof = fill(&mut file, &mut pending)?;
            }
            if pending.is_empty() {
                break;
            }
            let cut = pending
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            if eof && cut < pending.len() {
                // A last line without its line end may be a writer caught mid-line
                // (`lantern probe` appends whole lines): not yet written, not an error.
                if !pending[cut..].iter().all(u8::is_ascii_whitespace) {
                    let line = line_no + pending[..cut].iter().filter(|&&b| b == b'\n').count();
                    clean = false;
                    diags.push(
                        Diagnostic::warning(
                            rel,
                            "the last line has no line end (a writer may be in the middle of it); skipped until it is complete",
                        )
                        .at_line(Some(line)),
                    );
                }
                pending.truncate(cut);
                if cut == 0 {
                    break;
                }
            }
            if cut == 0 {
                // No line end in a whole batch: one line is far over the limit. Skip it.
                errors += 1;
                clean = false;
                diags.push(line_error(
                    rel,
                    line_no,
                    None,
                    format!("line is longer than {} MiB", MAX_LINE_BYTES >> 20),
                ));
                offset += pending.len() as u64;
                pending.clear();
                let mut byte = [0u8; 1];
                while file.read(&mut byte)? == 1 {
                    offset += 1;
                    if byte[0] == b'\n' {
                        break;
                    }
                }
                line_no += 1;
                continue;
            }
            let chunks = split_chunks(&pending[..cut]);
            // The next batch is read while this one is parsed: reading alone kept a
            // core idle for a fifth of a 484 MB feed's ingest.
            spare.clear();
            spare.extend_from_slice(&pending[cut..]);
            let (mut outs, read): (Vec<ChunkOut>, std::io::Result<bool>) = rayon::join(
                || {
                    chunks
                        .par_iter()
                        .map(|bytes| self.parse_chunk(bytes))
                        .collect()
                },
                || {
                    if eof {
                        Ok(true)
                    } else {
                        fill(&mut file, &mut spare)
                    }
                },
            );
            let mut start = line_no;
            for out in &mut outs {
                for (line, e) in out.errors.drain(..) {
                    errors += 1;
                    clean = false;
                    if errors <= MAX_ERRORS_PER_FILE {
                        diags.push(line_error(rel, start + line, e.field, e.message));
                    }
                }
                start += out.lines;
            }
            line_no = start;
            self.merge(&mut part, outs);
            offset += cut as u64;
            eof = read?;
            std::mem::swap(&mut pending, &mut spare);
        }
        if errors > MAX_ERRORS_PER_FILE {
            let more = errors - MAX_ERRORS_PER_FILE;
            diags.push(Diagnostic::error(
                rel,
                format!("… and {more} more bad lines"),
            ));
        }
        Ok(LinesRead {
            part,
            offset,
            next_line: line_no,
            clean,
        })
    }

    /// Parse one chunk of whole lines; error lines are counted from 0 within the chunk.
    fn parse_chunk<'a>(&self, bytes: &'a [u8]) -> ChunkOut<'a> {
        let mut out = ChunkOut::new(self.checks);
        // Typical lines are 70–80 bytes: room for this chunk's share of every check,
        // so the buckets do not grow by copying.
        let per_check = bytes.len() / 72 / self.checks.max(1) + 16;
        for v in &mut out.placed {
            v.reserve(per_check);
        }
        let mut lines = 0;
        let mut start = 0;
        let mut memo = Memo::default();
        // A chunk ends with a line end (see `split_chunks`); memchr finds them fast.
        for (i, end) in memchr::memchr_iter(b'\n', bytes)
            .chain((bytes.last() != Some(&b'\n')).then_some(bytes.len()))
            .enumerate()
        {
            let raw_line = &bytes[start..end];
            start = end + 1;
            lines = i + 1;
            let line = raw_line.strip_suffix(b"\r").unwrap_or(raw_line);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if line.len() > MAX_LINE_BYTES {
                let msg = format!("line is longer than {} MiB", MAX_LINE_BYTES >> 20);
                out.errors.push((
                    i,
                    RecordError {
                        field: None,
                        message: msg,
                    },
                ));
                continue;
            }
            // Latency thresholds are per check: applied in `accept`.
            match record::parse_with(line, u64::MAX, &mut memo) {
                Ok(r) => out.accept(r, self),
                Err(e) => out.errors.push((i, e)),
            }
        }
        out.lines = lines;
        out
    }

    /// Fold the chunks' findings (in file order) into `part`; checks merge in parallel.
    fn merge(&self, part: &mut Part, mut outs: Vec<ChunkOut<'_>>) {
        let placed: Vec<Vec<Vec<Placed>>> = outs
            .iter_mut()
            .map(|o| std::mem::take(&mut o.placed))
            .collect();
        part.series
            .par_iter_mut()
            .zip(part.secs.par_iter_mut())
            .enumerate()
            .for_each(|(idx, (s, sec))| {
                for chunk in &placed {
                    for &(slot, packed, sb) in &chunk[idx] {
                        let slot = slot as usize;
                        s.slots[slot] = series::merge(s.slots[slot], packed);
                        sec[slot] = sec[slot].max(sb);
                    }
                }
            });
        for out in outs {
            for (idx, s) in part.series.iter_mut().enumerate() {
                s.results += out.counts[idx];
                part.results += out.counts[idx];
                if let Some((at, state)) = out.carry[idx] {
                    part::offer_carry(&mut s.carry_in, at, state);
                }
            }
            for (idx, l) in out.latest.into_iter().enumerate() {
                if let Some(r) = l {
                    part.series[idx].offer_latest(&r);
                }
            }
            for (check, n) in out.unknown {
                *part.unknown.entry(check.into_owned()).or_default() += n;
            }
            part.future += out.future;
            part.max_at = part.max_at.max(out.max_at);
        }
    }

    /// Read a `.json` file holding one array of results.
    pub(super) fn read_array(
        &self,
        path: &Path,
        rel: &Path,
        diags: &mut Diagnostics,
    ) -> std::io::Result<Part> {
        use serde::de::Deserializer as _;
        let marks = RecordMarks::default();
        let reader = CappedRecords {
            inner: BufReader::new(File::open(path)?),
            marks: &marks,
        };
        let mut part = self.part();
        let mut de = serde_json::Deserializer::from_reader(reader);
        let mut out = ChunkOut::new(self.checks);
        let visitor = ArrayVisitor {
            ingest: self,
            out: &mut out,
            marks: &marks,
        };
        if let Err(e) = de.deserialize_seq(visitor) {
            if marks.too_long.get() {
                diags.push(line_error(
                    rel,
                    marks.record_line.get(),
                    None,
                    format!("record is longer than {} MiB", MAX_LINE_BYTES >> 20),
                ));
                self.merge(&mut part, vec![out]);
                return Ok(part);
            }
            // Our own validation error is kept as data beside serde's; anything else is
            // serde_json's, with its position cut off by its own line and column.
            let (field, msg) = match marks.record_error.take() {
                Some(r) => (r.field, r.message),
                None => (None, record::message_of(&e)),
            };
            let d = Diagnostic::error(rel, msg).at_line(Some(e.line()));
            diags.push(match field {
                Some(f) => d.field(f),
                None => d,
            });
        }
        self.merge(&mut part, vec![out]);
        Ok(part)
    }
}

/// What reading a `.jsonl` file (or its appended end) gave.
pub(super) struct LinesRead {
    pub part: Part,
    /// Byte offset after the last whole line read.
    pub offset: u64,
    /// Line number of the next line.
    pub next_line: usize,
    /// No diagnostic at all: safe to cache.
    pub clean: bool,
}

/// Where the JSON array reader is: bytes and lines read, and where the current
/// record began.
#[derive(Default)]
struct RecordMarks {
    read: Cell<usize>,
    line: Cell<usize>,
    record_start: Cell<usize>,
    /// The line of the current record's first byte (0 until it is seen).
    record_line: Cell<usize>,
    too_long: Cell<bool>,
    /// The validation error that stopped the array, as data (field and message).
    record_error: std::cell::RefCell<Option<RecordError>>,
}

impl RecordMarks {
    /// A new record starts after what was read so far.
    fn next_record(&self) {
        self.record_start.set(self.read.get());
        self.record_line.set(0);
    }
}

/// Gives serde_json the feed's bytes, failing once one array element (with the
/// separator before it) passes [`MAX_LINE_BYTES`], as `.jsonl` lines do: a single
/// huge string must not be read into memory whole.
struct CappedRecords<'m, R> {
    inner: R,
    marks: &'m RecordMarks,
}

impl<R: Read> Read for CappedRecords<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let m = self.marks;
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                m.line.set(m.line.get() + 1);
            } else if m.record_line.get() == 0 && !b" \t\r,[".contains(&b) {
                m.record_line.set(m.line.get() + 1);
            }
        }
        m.read.set(m.read.get() + n);
        if m.read.get() - m.record_start.get() > MAX_LINE_BYTES {
            m.too_long.set(true);
            if m.record_line.get() == 0 {
                m.record_line.set(m.line.get() + 1);
            }
            return Err(std::io::Error::other("record too long"));
        }
        Ok(n)
    }
}

/// Read from `file` onto `buf` until it holds a batch or the file ends; `true` at the end.
fn fill(file: &mut File, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    while buf.len() < BATCH {
        // Straight into the spare capacity, which `read_to_end` fills without zeroing
        // it first (`take` bounds each read to a chunk).
        buf.reserve(CHUNK);
        if file.take(CHUNK as u64).read_to_end(buf)? == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Split a region of whole lines into chunks of about [`CHUNK`] bytes at line ends.
fn split_chunks(region: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < region.len() {
        let target = (start + CHUNK).min(region.len());
        let end = region[target..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(region.len(), |i| target + i + 1);
        out.push(&region[start..end]);
        start = end;
    }
    out
}

fn line_error(rel: &Path, line: usize, field: Option<&str>, message: String) -> Diagnostic {
    let d = Diagnostic::error(rel, message).at_line(Some(line));
    match field {
        Some(f) => d.field(f),
        None => d,
    }
}

/// Streams a JSON array, validating each element as it arrives.
struct ArrayVisitor<'i, 'g, 'o> {
    ingest: &'i Ingest<'g>,
    out: &'o mut ChunkOut<'static>,
    marks: &'o RecordMarks,
}

impl<'de> serde::de::Visitor<'de> for ArrayVisitor<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of health-check results")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        use serde::de::Error;
        // The `[` is part of the first record's budget; every later one starts afresh.
        while let Some(raw) = seq.next_element::<record::Raw<'de>>()? {
            self.marks.next_record();
            let r = match record::validate(raw, u64::MAX) {
                Ok(r) => r,
                Err(e) => {
                    let message = A::Error::custom(&e.message);
                    self.marks.record_error.replace(Some(e));
                    return Err(message);
                }
            };
            // A reader-backed deserializer cannot lend its buffer: own the strings.
            let owned = Record {
                check: Cow::Owned(r.check.into_owned()),
                message: r.message.map(|m| Cow::Owned(m.into_owned())),
                ..r
            };
            self.out.accept(owned, self.ingest);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A feed of `n` results of check `db`, one a minute back from `now`, with the
    /// lines at `bad` (0-based) broken.
    fn lines(now: i64, n: usize, bad: &[usize]) -> Vec<u8> {
        let mut out = Vec::new();
        for i in 0..n {
            if bad.contains(&i) {
                out.extend_from_slice(b"{\"check\":\"db\",\"at\":\"not a time\"}\n");
                continue;
            }
            let at = chrono::DateTime::from_timestamp(now - 60 * (n - i) as i64, 0).unwrap();
            let line = format!(
                "{{\"check\":\"db\",\"at\":\"{}\",\"ok\":{},\"latency_ms\":{}}}\n",
                at.format("%Y-%m-%dT%H:%M:%SZ"),
                i % 7 != 0,
                i % 900
            );
            out.extend_from_slice(line.as_bytes());
        }
        out
    }

    #[test]
    fn a_feed_of_several_batches_is_read_whole_with_exact_line_numbers() {
        use chrono::TimeZone;
        let now = chrono::Utc.with_ymd_and_hms(2026, 11, 28, 9, 0, 0).unwrap();
        let grid = Grid::new(now, chrono_tz::Tz::UTC, 90);
        let checks = vec!["db".to_string()];
        let ingest = Ingest::new(&checks, &grid, &[2000]);
        // About 2.6 batches (the next is read while one is parsed): bad lines at the
        // start, just past the first batch, and near the end.
        let n = 300_000;
        let first_batch_lines = BATCH / 74;
        let bad = [0, first_batch_lines + 3, n - 2];
        let mut bytes = lines(now.timestamp(), n, &bad);
        assert!(bytes.len() > 2 * BATCH, "{} bytes", bytes.len());
        // A last line still being written is left for the next build.
        let partial = b"{\"check\":\"db\",\"at";
        bytes.extend_from_slice(partial);
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("feed.jsonl");
        std::fs::write(&path, &bytes).unwrap();
        let mut diags = Diagnostics::default();
        let read = ingest
            .read_lines(&path, Path::new("feed.jsonl"), (0, 1), None, &mut diags)
            .unwrap();
        assert_eq!(read.part.results, (n - bad.len()) as u64);
        assert_eq!(
            read.offset,
            (bytes.len() - partial.len()) as u64,
            "up to the partial line"
        );
        assert_eq!(read.next_line, n + 1);
        assert!(!read.clean);
        let all = || diags.errors().chain(diags.warnings());
        let mut at: Vec<Option<usize>> = all().map(|d| d.line).collect();
        at.sort();
        let mut want: Vec<Option<usize>> = bad.iter().map(|&i| Some(i + 1)).collect();
        want.push(Some(n + 1));
        want.sort();
        assert_eq!(
            at,
            want,
            "{:?}",
            all().map(|d| &d.message).collect::<Vec<_>>()
        );
        // Read again from a line in the middle: the same tail, the same numbers.
        let from = bytes[..BATCH + 100]
            .iter()
            .rposition(|&b| b == b'\n')
            .unwrap()
            + 1;
        let from_line = bytes[..from].iter().filter(|&&b| b == b'\n').count() + 1;
        let mut diags = Diagnostics::default();
        let tail = ingest
            .read_lines(
                &path,
                Path::new("feed.jsonl"),
                (from as u64, from_line),
                None,
                &mut diags,
            )
            .unwrap();
        assert_eq!(tail.offset, read.offset);
        assert_eq!(tail.next_line, n + 1);
        let skipped_bad = bad.iter().filter(|&&i| i + 1 < from_line).count();
        assert_eq!(
            tail.part.results,
            (n - (from_line - 1) - (bad.len() - skipped_bad)) as u64
        );
    }

    #[test]
    fn monthly_probe_files_end_with_their_month() {
        let end =
            |n| month_end(n).map(|t| chrono::DateTime::from_timestamp(t, 0).unwrap().to_rfc3339());
        assert_eq!(
            end("probe-2026-11.jsonl").as_deref(),
            Some("2026-12-01T00:00:00+00:00")
        );
        assert_eq!(
            end("probe-2026-12.jsonl").as_deref(),
            Some("2027-01-01T00:00:00+00:00")
        );
        assert_eq!(end("probe-2026-13.jsonl"), None);
        assert_eq!(end("probe-2026-1.jsonl"), None);
        assert_eq!(end("checks-2026-11.jsonl"), None);
        assert_eq!(end("probe-2026-11.json"), None);
    }
}
