//! A bound on how deep `[`/`{` nest, checked before YAML reaches libyaml: its
//! scanner does work proportional to the flow depth for every token, so nesting
//! alone makes parsing quadratic (found by fuzzing).

/// Deepest `[`/`{` nesting accepted; serde stops at 128 levels of any kind anyway.
pub const MAX_FLOW_DEPTH: usize = 256;

pub(super) fn too_deep_message() -> String {
    format!(
        "`[` and `{{` nest more than {MAX_FLOW_DEPTH} levels deep here; that is not front matter or configuration"
    )
}

/// The 1-based line where [`flow_depth_bound`] first passes [`MAX_FLOW_DEPTH`].
pub(super) fn too_deep(text: &str) -> Option<usize> {
    depth_scan(text, MAX_FLOW_DEPTH).1
}

/// An upper bound on how deep flow collections (`[…]`, `{…}`) nest in `text` as the
/// YAML scanner sees them.
///
/// libyaml's scanner does work proportional to the flow depth for every token, so
/// nesting alone makes parsing quadratic: 100 kB of `[[[…` takes seconds before
/// serde's recursion limit is ever consulted, and a post may hold 1 MiB lines.
/// The bound counts every `[` and `{` byte, wherever it stands (in quotes and
/// comments too), and takes one back only for a `]` or `}` that closes a bracket
/// this scan met at a token start and scanned from with libyaml's own flow-context
/// rules (plain and quoted scalars, comments; tags and anything unusual end the
/// matching). If that open is a real token, so is the close: the scans agree from
/// there. If it is not, the open was counted without being real. Either way the
/// bound never falls below the real depth; `tests/fuzz` (`yaml_depth`) checks it
/// against libyaml. Balanced brackets in text (`[link](…)`) cost nothing.
pub fn flow_depth_bound(text: &str) -> usize {
    depth_scan(text, usize::MAX).0
}

/// Length of the line break at `i` as libyaml reads them (LF, CR, CRLF, NEL, LS, PS).
fn break_len(b: &[u8], i: usize) -> usize {
    match b.get(i..).unwrap_or_default() {
        [b'\r', b'\n', ..] => 2,
        [b'\r' | b'\n', ..] => 1,
        [0xC2, 0x85, ..] => 2,
        [0xE2, 0x80, 0xA8 | 0xA9, ..] => 3,
        _ => 0,
    }
}

fn is_blank(b: &[u8], i: usize) -> bool {
    matches!(b.get(i), Some(b' ' | b'\t'))
}

/// Blank, line break or end of text.
fn is_blankz(b: &[u8], i: usize) -> bool {
    i >= b.len() || is_blank(b, i) || break_len(b, i) > 0
}

/// (largest bound, 1-based line where the bound first exceeds `limit`); stops there.
fn depth_scan(text: &str, limit: usize) -> (usize, Option<usize>) {
    #[derive(PartialEq)]
    enum State {
        /// Not inside a matched run: looking for the next `[` or `{`.
        Outside,
        /// In flow context at a token start.
        Token,
        /// In a flow-context plain scalar.
        Plain,
    }
    let b = text.as_bytes();
    let (mut i, mut line, mut col0) = (0, 1, true);
    let (mut depth, mut max, mut run) = (0usize, 0usize, 0usize);
    let mut state = State::Outside;
    macro_rules! open {
        () => {{
            depth += 1;
            if depth > max {
                max = depth;
                if max > limit {
                    return (max, Some(line));
                }
            }
        }};
    }
    // Skip a line break at `i` if there is one, counting it.
    macro_rules! skip_break {
        () => {{
            let n = break_len(b, i);
            if n > 0 {
                i += n;
                line += usize::from(b[i - 1] == b'\n');
            }
            n > 0
        }};
    }
    macro_rules! newline {
        () => {{
            let skipped = skip_break!();
            col0 |= skipped;
            skipped
        }};
    }
    // A byte the scanner does not tokenize (in quotes or a comment). Every `[`/`{`
    // counts; a `]`/`}` takes back the latest of them when nothing between the two
    // could start a quote, a comment or a tag and no line ended: such a pair is two
    // tokens or none, however the scanner reads the text around it.
    macro_rules! text_byte {
        ($x:expr, $simple:ident) => {{
            match $x {
                b'[' | b'{' => {
                    open!();
                    $simple += 1;
                }
                b']' | b'}' if $simple > 0 => {
                    $simple -= 1;
                    depth -= 1;
                }
                b'"' | b'\'' | b'#' | b'!' => $simple = 0,
                _ => {}
            }
        }};
    }
    while i < b.len() {
        match state {
            State::Outside => {
                if matches!(b[i], b'[' | b'{') {
                    open!();
                    run = 1;
                    state = State::Token;
                    i += 1;
                    col0 = false;
                } else if !newline!() {
                    i += 1;
                    col0 = false;
                }
            }
            State::Token => {
                if col0 && b[i..].starts_with("\u{feff}".as_bytes()) {
                    i += 3;
                    col0 = false;
                    continue;
                }
                if is_blank(b, i) {
                    i += 1;
                    col0 = false;
                    continue;
                }
                if newline!() {
                    continue;
                }
                let c = b[i];
                let marker = col0
                    && (b[i..].starts_with(b"---") || b[i..].starts_with(b"..."))
                    && is_blankz(b, i + 3);
                if marker || matches!(c, b'%' | b'!' | b'|' | b'>' | b'@' | b'`') {
                    // A directive, a document marker, a tag or an error: stop matching.
                    run = 0;
                    state = State::Outside;
                    continue;
                }
                col0 = false;
                match c {
                    b'#' => {
                        let mut simple = 0;
                        while i < b.len() && break_len(b, i) == 0 {
                            text_byte!(b[i], simple);
                            i += 1;
                        }
                    }
                    b'[' | b'{' => {
                        open!();
                        run += 1;
                        i += 1;
                    }
                    b']' | b'}' => {
                        depth -= 1;
                        run -= 1;
                        i += 1;
                        if run == 0 {
                            state = State::Outside;
                        }
                    }
                    b',' | b'?' | b':' => i += 1,
                    b'-' if is_blankz(b, i + 1) => i += 1,
                    b'*' | b'&' => {
                        i += 1;
                        while i < b.len()
                            && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-'))
                        {
                            i += 1;
                        }
                    }
                    b'\'' | b'"' => {
                        i += 1;
                        let mut simple = 0;
                        loop {
                            match b.get(i) {
                                None => break,
                                Some(b'\'') if c == b'\'' && b.get(i + 1) == Some(&b'\'') => {
                                    simple = 0;
                                    i += 2;
                                }
                                Some(&q) if q == c => {
                                    i += 1;
                                    break;
                                }
                                Some(&x) => {
                                    if x == b'\\' && c == b'"' {
                                        // The escaped character, whatever it is.
                                        i += 1;
                                    }
                                    if i < b.len() {
                                        if skip_break!() {
                                            simple = 0;
                                        } else {
                                            text_byte!(b[i], simple);
                                            i += 1;
                                        }
                                    }
                                }
                            }
                        }
                        col0 = false;
                    }
                    _ => state = State::Plain,
                }
            }
            State::Plain => {
                // One stretch of non-blank characters, as libyaml's plain scalar scan.
                while !is_blankz(b, i) {
                    let c = b[i];
                    if c == b':'
                        && matches!(b.get(i + 1), Some(b',' | b'?' | b'[' | b']' | b'{' | b'}'))
                    {
                        // An error to libyaml: stop matching.
                        run = 0;
                        state = State::Outside;
                        break;
                    }
                    if (c == b':' && is_blankz(b, i + 1))
                        || matches!(c, b',' | b'[' | b']' | b'{' | b'}')
                    {
                        state = State::Token;
                        break;
                    }
                    i += 1;
                    col0 = false;
                }
                if state != State::Plain {
                    continue;
                }
                // Blanks and line breaks; the scalar goes on unless a comment or a
                // document marker follows.
                while i < b.len() {
                    if is_blank(b, i) {
                        i += 1;
                        col0 = false;
                    } else if !newline!() {
                        break;
                    }
                }
                let marker = col0
                    && (b[i..].starts_with(b"---") || b[i..].starts_with(b"..."))
                    && is_blankz(b, i + 3);
                if i >= b.len() || marker || b[i] == b'#' {
                    state = State::Token;
                }
            }
        }
    }
    (max, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{from_str, parse};
    use serde::Deserialize;
    use std::path::Path;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
    }

    #[test]
    fn deep_flow_nesting_is_refused_quickly() {
        // Found by fuzzing (tests/fuzz, front_matter): libyaml scans `[[[…` in time
        // quadratic in the depth; 100 kB took 14 s, a 1 MiB line hours.
        let deep = format!("title: {}\n", "[".repeat(100_000));
        let start = std::time::Instant::now();
        let err = parse::<Meta>(&deep, Path::new("a.md"), 2).unwrap_err();
        assert!(start.elapsed().as_secs() < 2, "{:?}", start.elapsed());
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.contains("more than 256 levels"),
            "{}",
            err.message
        );
        let err = from_str::<serde_yaml::Value>(&format!("a: 1\nb: {}", "{a: ".repeat(50_000)))
            .unwrap_err();
        assert!(err.to_string().starts_with("line 2: "), "{err}");
        // At the limit the parser itself answers (serde stops at 128 levels).
        let ok = format!("title: {}\n", "[".repeat(MAX_FLOW_DEPTH));
        assert!(
            !parse::<Meta>(&ok, Path::new("a.md"), 2)
                .unwrap_err()
                .message
                .contains("256")
        );
    }

    #[test]
    fn the_depth_bound_is_never_below_the_real_depth() {
        let site = include_str!("../../content/site.yaml");
        assert_eq!(
            flow_depth_bound(site),
            2,
            "`{{ …, checks: [a] }}` is two deep"
        );
        assert_eq!(
            flow_depth_bound(&site.repeat(100)),
            2,
            "closed brackets cost nothing"
        );
        let text = "t: \"[WIP] x\"\ntext: see [a](b) # [c\n";
        assert_eq!(
            flow_depth_bound(&text.repeat(10)),
            10,
            "one per unclosed `[`"
        );
        assert_eq!(flow_depth_bound("k: [\n  {a: [1, 2]},\n  'x]',\n]\n"), 3);
        // Closing brackets inside quotes, comments or after a BOM at a line start are
        // not tokens: each `[` below nests one level deeper.
        for unit in [
            "[ \"]\", ",
            "[ ']', ",
            "[ # ]\n",
            "[\n\u{feff}\"]\", ",
            "[ a\"b, ",
        ] {
            let text = format!("k: {}", unit.repeat(10));
            assert!(
                flow_depth_bound(&text) >= 10,
                "{text:?}: {}",
                flow_depth_bound(&text)
            );
        }
        // A plain scalar in flow context ends at `]`, quotes in it and all.
        assert_eq!(flow_depth_bound(&"k: [a\"b] [c'd]\n".repeat(10)), 1);
        assert_eq!(flow_depth_bound(&"[".repeat(300)), 300);
    }
}
