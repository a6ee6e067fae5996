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

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use std::collections::BTreeSet;

/// File name of the marker at the top of every output folder.
pub const NAME: &str = ".lantern";

/// First line of a version 1 marker.
pub const FORMAT_LINE: &str = "lantern-output v1";

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

/// Read a marker; `None` when the bytes are not a marker Lantern wrote.
pub fn parse(bytes: &[u8]) -> Option<Marker> {
    if bytes == LEGACY_TEXT {
        return Some(Marker::Legacy);
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let body = text.strip_prefix(FORMAT_LINE)?.strip_prefix('\n')?;
    let mut files = BTreeSet::new();
    for line in body.lines() {
        if line.starts_with('#') {
            continue;
        }
        let path = percent_decode_str(line).decode_utf8().ok()?;
        if !is_plain_relative(&path) || path == NAME {
            return None;
        }
        files.insert(path.into_owned());
    }
    Some(Marker::Listed(files))
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
        assert_eq!(parse(b"lantern-output v2\n"), None);
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
