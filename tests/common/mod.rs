//! Helpers shared by the integration tests: throwaway sites, running the real
//! `lantern` binary, and reading what it wrote.

// Each test crate uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;
use tempfile::TempDir;

/// `SOURCE_DATE_EPOCH` of every run unless a test picks another: 2026-12-03T12:00:00Z,
/// after every post of the example site except the upcoming maintenance.
pub const EPOCH: i64 = 1_796_299_200;

/// When the example site's health feed ends, 2026-11-28T09:00:00Z: its pages as they
/// were at that moment (built later, the feed reads as stale).
pub const EXAMPLE_FEED_END: i64 = 1_795_856_400;

/// The repository root (where `content/` and `tests/fixtures/` live).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Panic with the full output unless the run succeeded.
    pub fn assert_ok(&self) -> &Self {
        assert!(self.success(), "lantern failed:\n{self}");
        self
    }

    /// Panic unless the run failed with a non-zero exit code (not a crash by signal).
    pub fn assert_failed(&self) -> &Self {
        assert!(
            matches!(self.code, Some(c) if c != 0),
            "lantern should have failed:\n{self}"
        );
        assert!(
            !self.stderr.contains("panicked"),
            "lantern panicked instead of reporting an error:\n{self}"
        );
        self
    }

    /// Panic unless stderr contains every fragment.
    pub fn assert_stderr_has(&self, fragments: &[&str]) -> &Self {
        for f in fragments {
            assert!(
                self.stderr.contains(f),
                "stderr lacks {f:?}:\n{}",
                self.stderr
            );
        }
        self
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Run `lantern` with `args` in `cwd`, with `SOURCE_DATE_EPOCH=epoch`.
pub fn run_at<I, S>(cwd: &Path, epoch: i64, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let out = Command::new(env!("CARGO_BIN_EXE_lantern"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .output()
        .expect("run the lantern binary");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A site in a temporary folder: `<tmp>/site` is the root, `<tmp>` has room for
/// other output folders beside it.
pub struct Site {
    tmp: TempDir,
    pub root: PathBuf,
}

impl Site {
    /// An empty temporary folder; the root `<tmp>/site` does not exist yet.
    pub fn empty() -> Site {
        let tmp = tempfile::tempdir().expect("create a temp dir");
        let root = tmp.path().join("site");
        Site { tmp, root }
    }

    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Site {
        let site = Site::empty();
        copy_dir(&repo().join("tests/fixtures").join(name), &site.root);
        site
    }

    /// A copy of the repository's example site (`content/`).
    pub fn example() -> Site {
        let site = Site::empty();
        copy_dir(&repo().join("content"), &site.root.join("content"));
        site
    }

    /// The temporary folder holding the root.
    pub fn tmp(&self) -> &Path {
        self.tmp.path()
    }

    /// A path under the root.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// The default output folder.
    pub fn public(&self) -> PathBuf {
        self.path("public")
    }

    /// Write (or overwrite) a file under the root, creating folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        fs::create_dir_all(p.parent().expect("has a parent")).expect("create dirs");
        fs::write(&p, bytes).expect("write a site file");
    }

    /// Read a file under the root as text.
    pub fn read(&self, rel: &str) -> String {
        read_text(&self.path(rel))
    }

    /// Run `lantern` in the temp folder at the default epoch.
    pub fn lantern<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run_at(self.tmp(), EPOCH, args)
    }

    /// `lantern build --root <root> <extra…>` at the default epoch.
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec![
            OsStr::new("build"),
            OsStr::new("--root"),
            self.root.as_os_str(),
        ];
        args.extend(extra.iter().map(OsStr::new));
        self.lantern(args)
    }

    /// `lantern build --root <root> --out <out>` at the default epoch.
    pub fn build_into(&self, out: &Path) -> Run {
        self.build_into_at(out, EPOCH)
    }

    /// Build into `<tmp>/out` at [`EXAMPLE_FEED_END`], which must succeed; the output.
    pub fn build_out_at_feed_end(&self) -> PathBuf {
        let out = self.tmp().join("out");
        self.build_into_at(&out, EXAMPLE_FEED_END).assert_ok();
        out
    }

    /// A successful build into `public/` at `epoch`; its summary line.
    pub fn build_public_at(&self, epoch: i64) -> String {
        let run = self.build_into_at(&self.public(), epoch);
        run.assert_ok();
        run.stdout
    }

    /// `lantern build --root <root> --out <out>` with `SOURCE_DATE_EPOCH=epoch`.
    pub fn build_into_at(&self, out: &Path, epoch: i64) -> Run {
        run_at(
            self.tmp(),
            epoch,
            [
                OsStr::new("build"),
                OsStr::new("--root"),
                self.root.as_os_str(),
                OsStr::new("--out"),
                out.as_os_str(),
            ],
        )
    }
}

/// Copy a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create the copy's folder");
    for entry in fs::read_dir(from).expect("read a folder to copy") {
        let entry = entry.expect("folder entry");
        let dest = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), &dest).expect("copy a file");
        }
    }
}

/// Every file under `dir` (hidden ones too), by `/`-separated relative path.
pub fn files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).expect("read an output folder") {
            let entry = entry.expect("folder entry");
            let path = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("under base");
                let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// One component's uptime as a single document, the way the two API files split it:
/// `api/uptime/<id>.json` holds the complete days, `api/uptime.json` the present
/// (status, windows, last result, today). The result has the live fields,
/// `generated_at`, and `days` = the complete days followed by today.
pub fn uptime_report(public: &Path, id: &str) -> serde_json::Value {
    let read = |rel: &str| -> serde_json::Value {
        serde_json::from_str(&read_text(&public.join(rel))).expect("uptime JSON")
    };
    let history = read(&format!("api/uptime/{id}.json"));
    let present = read("api/uptime.json");
    let live = present["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["component"] == id)
        .unwrap_or_else(|| panic!("{id} not in api/uptime.json"))
        .clone();
    let mut days = history["days"].as_array().expect("days").clone();
    days.push(live["today"].clone());
    let mut report = live;
    let obj = report.as_object_mut().expect("object");
    obj.remove("today");
    obj.insert("generated_at".into(), present["generated_at"].clone());
    obj.insert("days".into(), days.into());
    report
}

/// Every file under `dir` with its bytes: compare two of these for byte-for-byte equality.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(dir.join(&rel)).expect("read an output file");
            (rel, bytes)
        })
        .collect()
}

/// Every file under `dir` with its modification time.
pub fn mtimes(dir: &Path) -> BTreeMap<String, SystemTime> {
    files(dir)
        .into_iter()
        .map(|rel| {
            let t = fs::metadata(dir.join(&rel))
                .and_then(|m| m.modified())
                .expect("read an mtime");
            (rel, t)
        })
        .collect()
}

/// Every `.html` file under `dir` with its text.
pub fn html_pages(dir: &Path) -> Vec<(String, String)> {
    files(dir)
        .into_iter()
        .filter(|rel| rel.ends_with(".html"))
        .map(|rel| {
            let text = read_text(&dir.join(&rel));
            (rel, text)
        })
        .collect()
}

/// A file's text; panics naming the file when it is missing.
pub fn read_text(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// True when the file exists and contains `needle` (Zola's `file_contains!`).
pub fn file_contains(path: &Path, needle: &str) -> bool {
    fs::read_to_string(path).is_ok_and(|t| t.contains(needle))
}

/// Panic unless the file exists and contains `needle`.
pub fn assert_file_contains(path: &Path, needle: &str) {
    assert!(
        file_contains(path, needle),
        "{} does not contain {needle:?}",
        path.display()
    );
}

/// The value of a top-level `key: value` line in a post's front matter, unquoted.
pub fn front_matter_value(text: &str, key: &str) -> String {
    let prefix = format!("{key}:");
    let line = text
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no `{key}:` line in:\n{text}"));
    line[prefix.len()..].trim().trim_matches('"').to_string()
}

/// Build a post file from front matter lines: line `i` of `yaml` is file line `i + 2`.
pub fn post(yaml: &[&str]) -> String {
    format!("---\n{}\n---\nBody text.\n", yaml.join("\n"))
}

/// How [`write_generated_posts`] writes its incidents.
pub struct Generated<'a> {
    /// Component ids, named one per post in turn.
    pub components: &'a [&'a str],
    /// An `investigating` update before the `resolved` one.
    pub investigating: bool,
    /// A Markdown link in each incident's body.
    pub body_link: bool,
}

/// `n` posts over three past years (2023–2025) in `site`: of every 10, 7 resolved
/// incidents, 2 ended maintenance windows, 1 news post, as `content/<kind>/post-NNNNN.md`.
pub fn write_generated_posts(site: &Site, n: usize, g: &Generated) {
    for i in 0..n {
        let (y, m, d) = (2023 + i % 3, 1 + i % 12, 1 + i % 28);
        let comp = g.components[i % g.components.len()];
        let (dir, text) = match i % 10 {
            0..=6 => {
                let investigating = if g.investigating {
                    format!(
                        "  - {{ at: {y}-{m:02}-{d:02}T10:05:00Z, status: investigating, text: \"Looking *now*.\" }}\n"
                    )
                } else {
                    String::new()
                };
                let link = if g.body_link {
                    " with a [link](https://example.org)"
                } else {
                    ""
                };
                (
                    "incidents",
                    format!(
                        "---\ntitle: Incident {i}\nimpact: minor\ncomponents: [{comp}]\nstarted: {y}-{m:02}-{d:02}T10:00:00Z\nresolved: {y}-{m:02}-{d:02}T11:00:00Z\nupdates:\n{investigating}  - {{ at: {y}-{m:02}-{d:02}T11:00:00Z, status: resolved, text: Fixed. }}\n---\nBody {i}{link}.\n"
                    ),
                )
            }
            7 | 8 => (
                "maintenance",
                format!(
                    "---\ntitle: Maintenance {i}\ncomponents: [{comp}]\nscheduled_start: {y}-{m:02}-{d:02}T02:00:00Z\nscheduled_end: {y}-{m:02}-{d:02}T03:00:00Z\n---\nBody.\n"
                ),
            ),
            _ => (
                "news",
                format!("---\ntitle: News {i}\ndate: {y}-{m:02}-{d:02}T09:00:00Z\n---\nBody.\n"),
            ),
        };
        site.write(&format!("content/{dir}/post-{i:05}.md"), text);
    }
}
