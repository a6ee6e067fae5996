//! The `.lantern` marker: proof that Lantern wrote an output folder, and the list of
//! the files it wrote there (the only ones a later build may remove).
//!
//! Format (UTF-8, `\n` line ends):
//!
//! ```text
//! lantern-output v1
//! # comment lines explaining the file
//! index.html
//! incidents/some-post/index.html
//! ```
//!
//! The first line is the version; every other non-comment line is one file path
//! relative to the folder, `/`-separated, with `%`, `#` and control characters
//! percent-encoded so any file name fits on one line. The marker itself is not listed.
//!
//! Version 2 (written since incremental publishing) puts each file's digest before
//! its path, so the next build knows what a folder holds without reading it:
//!
//! ```text
//! lantern-output v2
//! af1349b9f5f9a1a6a0404dea36dcc949 0 empty.txt
//! - - incidents/being-written/index.html
//! ```
//!
//! `- -` marks a file that may be there with any content (or not at all): a build
//! killed while updating the folder leaves such entries, and the next one rewrites them.

use crate::sum::Sum;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use std::collections::{BTreeMap, BTreeSet};

/// File name of the marker at the top of every output folder.
pub const NAME: &str = ".lantern";

/// First line of a version 1 marker.
pub const FORMAT_LINE: &str = "lantern-output v1";

/// First line of a version 2 marker (digests before paths).
pub const FORMAT_V2: &str = "lantern-output v2";

/// Each listed file's digest; `None` where the content is unknown (a v1 marker, or a
/// file a killed build may have been writing).
pub type Sums = BTreeMap<String, Option<Sum>>;

/// The whole marker written by Lantern before markers carried a version; still accepted.
pub const LEGACY_TEXT: &[u8] =
    b"Written by lantern build. This folder is replaced as a whole on every build.\n";

/// Bytes escaped in listed paths: `%` (the escape itself), `#` (comments) and controls
/// (a newline would split the entry).
const ESCAPED: &AsciiSet = &CONTROLS.add(b'%').add(b'#');

/// What a valid marker says about its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// A v1 marker: exactly these files (besides the marker) were written by Lantern.
    Listed(BTreeSet<String>),
    /// A marker from before v1: the folder was Lantern's as a whole, file list unknown.
    Legacy,
}

/// The marker for a folder holding `paths` (relative, `/`-separated; the marker excluded).
pub fn render<'a>(paths: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    let mut sorted: Vec<&str> = paths.into_iter().filter(|p| *p != NAME).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut out = String::with_capacity(128 + sorted.iter().map(|p| p.len() + 1).sum::<usize>());
    out.push_str(FORMAT_LINE);
    out.push('\n');
    // Why the file is there, for whoever finds it in their web root.
    out.push_str("# Written by `lantern build`. The next build replaces this folder; it removes\n");
    out.push_str("# only the files listed below and refuses if anything else was added.\n");
    for p in sorted {
        out.extend(utf8_percent_encode(p, ESCAPED));
        out.push('\n');
    }
    out.into_bytes()
}

/// The v2 marker for a folder holding `entries` (path, digest if known), sorted by path.
pub fn render_sums<'a>(entries: impl IntoIterator<Item = (&'a str, Option<Sum>)>) -> Vec<u8> {
    let mut sorted: Vec<(&str, Option<Sum>)> =
        entries.into_iter().filter(|(p, _)| *p != NAME).collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    sorted.dedup_by(|a, b| a.0 == b.0);
    let mut out =
        String::with_capacity(256 + sorted.iter().map(|(p, _)| p.len() + 52).sum::<usize>());
    out.push_str(FORMAT_V2);
    out.push('\n');
    out.push_str("# Written by `lantern build`. The next build replaces this folder; it removes\n");
    out.push_str("# only the files listed below and refuses if anything else was added.\n");
    out.push_str("# Each line: the file's BLAKE3 digest (128 bits) and length, then its path.\n");
    for (p, sum) in sorted {
        push_entry(&mut out, p, sum);
    }
    out.into_bytes()
}

/// Append one v2 entry line (digest if known, then the path) to `out`.
pub fn push_entry(out: &mut String, path: &str, sum: Option<Sum>) {
    match sum {
        Some(s) => out.push_str(&s.to_text()),
        None => out.push_str("- -"),
    }
    out.push(' ');
    out.extend(utf8_percent_encode(path, ESCAPED));
    out.push('\n');
}

/// Read a marker; `None` when the bytes are not a marker Lantern wrote.
pub fn parse(bytes: &[u8]) -> Option<Marker> {
    if bytes == LEGACY_TEXT {
        return Some(Marker::Legacy);
    }
    Some(Marker::Listed(parse_sums(bytes)?.keys().cloned().collect()))
}

/// The files a v1 or v2 marker lists, with their digests where it has them; `None`
/// for anything else (the legacy marker included: it lists nothing).
///
/// One build reads the live marker four times and the spare's twice (the render
/// cache's hint, the first look, the full look under the lock, the digests), and
/// parsing 12,000 lines each time was a tenth of a cron rebuild: the last two markers
/// parsed are remembered by their whole bytes, so an answer is never for other bytes.
pub fn parse_sums(bytes: &[u8]) -> Option<std::sync::Arc<Sums>> {
    type Seen = Vec<(Vec<u8>, Option<std::sync::Arc<Sums>>)>;
    static SEEN: std::sync::Mutex<Seen> = std::sync::Mutex::new(Vec::new());
    let seen = |f: &mut dyn FnMut(&mut Seen)| {
        // A panic elsewhere while holding it leaves a list that is still whole.
        f(&mut SEEN.lock().unwrap_or_else(|e| e.into_inner()))
    };
    let mut found = None;
    seen(&mut |s| found = s.iter().find(|(b, _)| b == bytes).map(|(_, p)| p.clone()));
    if let Some(parsed) = found {
        return parsed;
    }
    let parsed = parse_sums_uncached(bytes).map(std::sync::Arc::new);
    seen(&mut |s| {
        s.insert(0, (bytes.to_vec(), parsed.clone()));
        s.truncate(2);
    });
    parsed
}

fn parse_sums_uncached(bytes: &[u8]) -> Option<Sums> {
    parse_lines(bytes).or_else(|| {
        // Lantern ends every line with `\n`. A last line without one that does not
        // parse (cut inside `- -`) was being appended (`stream`)
        // when the build was killed: the files it would list were never made.
        let cut = bytes.iter().rposition(|&b| b == b'\n')?;
        (cut + 1 < bytes.len()).then(|| parse_lines(&bytes[..=cut]))?
    })
}

fn parse_lines(bytes: &[u8]) -> Option<Sums> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (body, v2) = match text.strip_prefix(FORMAT_LINE) {
        Some(rest) => (rest.strip_prefix('\n')?, false),
        None => (text.strip_prefix(FORMAT_V2)?.strip_prefix('\n')?, true),
    };
    let mut files = Sums::new();
    for line in body.lines() {
        if line.starts_with('#') {
            continue;
        }
        let (sum, encoded) = if v2 {
            let (sum, rest) = split_sum(line)?;
            (sum, rest)
        } else {
            (None, line)
        };
        let path = percent_decode_str(encoded).decode_utf8().ok()?;
        if !is_plain_relative(&path) || path == NAME {
            return None;
        }
        files.insert(path.into_owned(), sum);
    }
    Some(files)
}

/// `<hex> <len> <path>` or `- - <path>`: the digest (if known) and the path's text.
fn split_sum(line: &str) -> Option<(Option<Sum>, &str)> {
    if let Some(path) = line.strip_prefix("- - ") {
        return Some((None, path));
    }
    let (hex, rest) = line.split_once(' ')?;
    let (len, path) = rest.split_once(' ')?;
    Some((Some(Sum::from_parts(hex, len)?), path))
}

/// True for `a/b/c` made only of ordinary names: never absolute, `.`, `..` or empty
/// parts, so a forged list can never point outside the folder.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\0')
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(m: Option<Marker>) -> Vec<String> {
        match m {
            Some(Marker::Listed(set)) => set.into_iter().collect(),
            other => panic!("not a v1 marker: {other:?}"),
        }
    }

    #[test]
    fn round_trips_sorted_without_itself() {
        let bytes = render(["b.html", "a/index.html", NAME, "a/index.html"]);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("lantern-output v1\n# "), "{text}");
        assert!(text.ends_with("\na/index.html\nb.html\n"), "{text}");
        assert_eq!(listed(parse(&bytes)), ["a/index.html", "b.html"]);
    }

    #[test]
    fn odd_names_survive_one_line_each() {
        let odd = [
            "new\nline.html",
            "50%.html",
            "#hash.html",
            "tab\there",
            "ü/ß.html",
        ];
        let bytes = render(odd);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(text.lines().count(), 3 + odd.len(), "{text}");
        let mut want: Vec<String> = odd.iter().map(|s| s.to_string()).collect();
        want.sort();
        assert_eq!(listed(parse(&bytes)), want);
    }

    #[test]
    fn v2_round_trips_digests_and_unknown_entries() {
        let a = Sum::of(b"a");
        let bytes = render_sums([
            ("b c.html", Some(a)),
            ("a/index.html", None),
            (NAME, Some(a)),
            ("50%.html", Some(Sum::of(b""))),
        ]);
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(text.starts_with("lantern-output v2\n# "), "{text}");
        assert!(text.contains("\n- - a/index.html\n"), "{text}");
        assert!(
            text.contains(&format!("\n{} b c.html\n", a.to_text())),
            "{text}"
        );
        let sums = parse_sums(&bytes).unwrap();
        assert_eq!(sums.len(), 3);
        assert_eq!(sums["b c.html"], Some(a));
        assert_eq!(sums["a/index.html"], None);
        assert_eq!(sums["50%.html"], Some(Sum::of(b"")));
        assert_eq!(
            listed(parse(&bytes)),
            ["50%.html", "a/index.html", "b c.html"]
        );
        // A v1 marker lists the same files, digests unknown.
        let v1 = parse_sums(&render(["x.html"])).unwrap();
        assert_eq!(
            v1.iter().collect::<Vec<_>>(),
            [(&"x.html".to_string(), &None)]
        );
        assert_eq!(parse_sums(LEGACY_TEXT), None);
        let forged = format!("lantern-output v2\n{} ../x\n", a.to_text());
        assert_eq!(parse_sums(forged.as_bytes()), None);
        // Remembered answers are for the very same bytes only: one byte more or less
        // (here the digest of `b c.html`) gives that marker's own answer.
        assert_eq!(parse_sums(&bytes).unwrap(), sums);
        let other = String::from_utf8(bytes.clone())
            .unwrap()
            .replace(&a.to_text(), &Sum::of(b"b").to_text());
        let other = parse_sums(other.as_bytes()).unwrap();
        assert_eq!(other["b c.html"], Some(Sum::of(b"b")));
        assert_eq!(parse_sums(&bytes).unwrap()["b c.html"], Some(a));
        assert_eq!(parse_sums(&bytes[..bytes.len() - 1]).unwrap().len(), 3);
        assert_eq!(parse_sums(LEGACY_TEXT), None);
    }

    #[test]
    fn a_last_line_cut_short_by_a_kill_lists_nothing_more() {
        let whole = render_sums([("a/index.html", None), ("b/index.html", None)]);
        let text = String::from_utf8(whole.clone()).unwrap();
        let at = text.rfind("- - b").unwrap();
        // Cut inside `- -` (paths are ASCII: anything else is percent-encoded).
        for cut in [at + 1, at + 2, at + 3] {
            let sums = parse_sums(&whole[..cut]).unwrap();
            assert_eq!(
                sums.keys().collect::<Vec<_>>(),
                ["a/index.html"],
                "cut at {cut}"
            );
        }
        // A bad line that is not the unfinished last one still voids the marker.
        let mut bad = whole[..at].to_vec();
        bad.extend_from_slice(b"- \n- - b.html\n");
        assert_eq!(parse_sums(&bad), None);
    }

    #[test]
    fn the_legacy_marker_is_still_ours() {
        assert_eq!(parse(LEGACY_TEXT), Some(Marker::Legacy));
    }

    #[test]
    fn anything_else_is_not_a_marker() {
        assert_eq!(parse(b""), None);
        assert_eq!(
            parse(b"lantern-output v1"),
            None,
            "no newline after the version"
        );
        assert_eq!(parse(b"lantern-output v3\n"), None);
        assert_eq!(parse(b"lantern-output v2\nindex.html\n"), None, "no digest");
        assert_eq!(parse(b"lantern-output v2\n- index.html\n"), None);
        assert_eq!(parse(b" lantern-output v1\n"), None);
        assert_eq!(parse(b"Written by lantern build.\n"), None);
        assert_eq!(parse(&[LEGACY_TEXT, b"x"].concat()), None);
        assert_eq!(parse(b"lantern-output v1\n\xff\n"), None, "not UTF-8");
    }

    #[test]
    fn paths_leaving_the_folder_void_the_marker() {
        for bad in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "./a",
            "a//b",
            "a/",
            "%2E%2E/x",
            ".lantern",
        ] {
            let bytes = format!("lantern-output v1\n{bad}\n");
            assert_eq!(parse(bytes.as_bytes()), None, "{bad}");
        }
        assert_eq!(listed(parse(b"lantern-output v1\n")), Vec::<String>::new());
    }
}
