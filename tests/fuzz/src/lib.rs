//! Helpers shared by the fuzz targets: a scratch folder for the importers and the
//! feed reader (they read files), a fixed "now", a fixed site config, and a way to
//! carry several documents in one input.

use chrono::{DateTime, TimeZone, Utc};
use lantern::config::Config;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The build time every target uses, so that runs are reproducible.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap()
}

/// A small valid site config (components `web`, `api`, `db`; check ids `a`, `b`, `api`).
pub const SITE_YAML: &str = "\
title: Fuzz Status
base_url: https://status.example.com/
timezone: Europe/Berlin
components:
  - { id: web, name: Website, checks: [a] }
  - { id: api, name: API, group: Core, checks: [b, api] }
  - { id: db, name: Database }
health:
  stale_after: 15m
  degraded_latency_ms: 2000
";

/// [`SITE_YAML`], parsed once.
pub fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| lantern::config::parse(SITE_YAML).expect("the fuzz site config is valid"))
}

/// This process's scratch folder, once made.
static ROOT: OnceLock<PathBuf> = OnceLock::new();

unsafe extern "C" {
    fn atexit(f: extern "C" fn()) -> std::ffi::c_int;
}

/// Remove the scratch folder: a static is never dropped and libFuzzer ends with
/// `exit()`, so without this every run left a folder behind in /dev/shm.
extern "C" fn remove_root() {
    if let Some(dir) = ROOT.get() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A folder for this process's scratch files: on tmpfs when there is one; removed
/// when the process exits (not after a crash, where it may help to look).
fn root() -> &'static Path {
    ROOT.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        let made = if shm.is_dir() {
            tempfile::Builder::new()
                .prefix("lantern-fuzz-")
                .tempdir_in(shm)
                .ok()
        } else {
            None
        };
        let dir = made
            .unwrap_or_else(|| {
                tempfile::Builder::new()
                    .prefix("lantern-fuzz-")
                    .tempdir()
                    .expect("a temp dir")
            })
            .keep();
        // SAFETY: registers a plain function with libc; it only reads `ROOT`.
        unsafe { atexit(remove_root) };
        dir
    })
}

/// An empty scratch folder (emptied on every call: nothing from the previous input
/// is left to make a crash depend on run order).
pub fn fresh_dir() -> PathBuf {
    let dir = root().join("w");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Write `bytes` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("scratch file");
    p
}

/// Split an input into at most `n` documents at NUL bytes (which no JSON, YAML or
/// Markdown document of interest contains); missing parts are `None`.
pub fn parts(data: &[u8], n: usize) -> Vec<Option<&[u8]>> {
    let mut out: Vec<Option<&[u8]>> = data.splitn(n, |&b| b == 0).map(Some).collect();
    out.resize(n, None);
    out
}

/// What every importer promises: each result becomes a feed line that the feed's
/// own parser accepts, with the same check, state and instant (to the second).
/// Writing goes through `import::write_feed`, the code path `lantern import` uses.
pub fn check_results(dir: &Path, imported: &lantern::import::Imported) {
    use lantern::health::record;
    for r in &imported.results {
        assert!(!r.check.is_empty(), "an empty check id");
    }
    if imported.results.is_empty() {
        return;
    }
    let out = dir.join("out").join("feed.jsonl");
    let summary = lantern::import::write_feed(&out, &imported.results, false, dir)
        .unwrap_or_else(|e| panic!("write_feed: {e}"));
    assert!(summary.total >= 1 && summary.total <= imported.results.len());
    let text = std::fs::read(&out).expect("the feed was written");
    let mut lines = 0;
    for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        lines += 1;
        let rec = record::parse(line, u64::MAX).unwrap_or_else(|e| {
            panic!(
                "an imported line does not parse: {e:?}\n{}",
                String::from_utf8_lossy(line)
            )
        });
        let found = imported
            .results
            .iter()
            .any(|r| r.check == rec.check && r.state == rec.state && r.at.timestamp() == rec.at);
        assert!(
            found,
            "a written line matches no result: {}",
            String::from_utf8_lossy(line)
        );
    }
    assert_eq!(lines, summary.total);
    // Appending the same results again changes nothing.
    let again = lantern::import::write_feed(&out, &imported.results, true, dir)
        .unwrap_or_else(|e| panic!("write_feed --append: {e}"));
    assert_eq!(again.added, 0, "re-importing added lines");
    assert_eq!(
        std::fs::read(&out).unwrap(),
        text,
        "re-importing changed the file"
    );
}
