//! YAML parsing with diagnostics that point at the real line of the source file.

use crate::diagnostics::Diagnostic;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Parse `text` (which starts at 1-based `first_line` of `file`) into `T`.
///
/// On failure the diagnostic names the file, the line in the file (not in the
/// YAML block), the field serde reports and, for a misspelt key, the closest
/// valid key.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: usize,
) -> Result<T, Diagnostic> {
    if let Some(line) = too_deep(text) {
        return Err(
            Diagnostic::error(file, too_deep_message()).at_line(Some(line + first_line - 1))
        );
    }
    serde_yaml::from_str::<T>(text).map_err(|e| to_diagnostic(&e, text, file, first_line))
}

/// `serde_yaml::from_str`, refusing first what would make the YAML scanner crawl
/// (see [`flow_depth_bound`]). For YAML read without [`parse`]'s diagnostics.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_yaml::Error> {
    if let Some(line) = too_deep(text) {
        return Err(serde::de::Error::custom(format!(
            "line {line}: {}",
            too_deep_message()
        )));
    }
    serde_yaml::from_str(text)
}

/// Deepest `[`/`{` nesting accepted; serde stops at 128 levels of any kind anyway.
pub const MAX_FLOW_DEPTH: usize = 256;

fn too_deep_message() -> String {
    format!(
        "`[` and `{{` nest more than {MAX_FLOW_DEPTH} levels deep here; that is not front matter or configuration"
    )
}

/// The 1-based line where [`flow_depth_bound`] first passes [`MAX_FLOW_DEPTH`].
fn too_deep(text: &str) -> Option<usize> {
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

fn to_diagnostic(e: &serde_yaml::Error, text: &str, file: &Path, first_line: usize) -> Diagnostic {
    let mut line = e.location().map(|l| l.line());
    // libyaml's positions count from the start of the YAML block; the file line is
    // printed instead, so drop every " at line L column C" from the text.
    let msg = strip_positions(&e.to_string());
    let (mut field, rest) = split_path(&msg);
    // Errors raised by our own value types (timestamps, durations) are reported by
    // serde_yaml at the enclosing mapping. The message quotes the bad value in
    // backticks: find the key holding it to name the real line and field.
    let from = line.unwrap_or(1);
    if let Some((value_line, key)) = quoted_value(rest).and_then(|v| line_of_value(text, v, from)) {
        line = Some(value_line);
        field = Some(match field {
            Some(parent) if parent != key && !parent.ends_with(&format!(".{key}")) => {
                format!("{parent}.{key}")
            }
            Some(parent) => parent,
            None => key,
        });
    }
    // A repeated key is reported at the mapping; point at the repeat instead.
    if let Some(key) = rest
        .strip_prefix("duplicate field `")
        .and_then(|r| r.split('`').next())
    {
        line = text
            .lines()
            .enumerate()
            .filter(|(_, l)| is_key_line(l, key))
            .nth(1)
            .map(|(i, _)| i + 1)
            .or(line);
    }
    let d = Diagnostic::error(file, add_hint(rest)).at_line(line.map(|l| l + first_line - 1));
    match field {
        Some(f) => d.field(f),
        None => d,
    }
}

/// Remove libyaml's " at line L column C" wherever it appears.
fn strip_positions(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + " at line ".len()..];
        let skip = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .unwrap_or(tail.len());
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out.trim_end().to_string()
}

/// The first backticked value of a message from our own deserializers.
fn quoted_value(msg: &str) -> Option<&str> {
    let serde_own = [
        "unknown field",
        "unknown variant",
        "invalid type",
        "invalid value",
        "missing field",
    ];
    if serde_own.iter().any(|p| msg.starts_with(p)) {
        return None;
    }
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len]).filter(|v| !v.trim().is_empty())
}

/// The 1-based line and key of the first `key: value` line at or after line `from`
/// whose value is `value`.
fn line_of_value(yaml: &str, value: &str, from: usize) -> Option<(usize, String)> {
    yaml.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find_map(|(i, l)| {
            let body = l.split(" #").next()?.trim_start().trim_start_matches("- ");
            let body = body.trim_matches(|c: char| c == '{' || c == '}' || c.is_whitespace());
            // A block line holds one `key: value`; a flow mapping several, comma-separated.
            body.split(", ").find_map(|pair| {
                let (key, v) = pair.split_once(':')?;
                let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
                let key = key.trim();
                (v == value && !key.is_empty() && !key.contains(' '))
                    .then(|| (i + 1, key.to_string()))
            })
        })
}

/// serde_yaml prefixes nested errors with the path, e.g. `updates[1].status: …`.
fn split_path(msg: &str) -> (Option<String>, &str) {
    if let Some((path, rest)) = msg.split_once(": ") {
        let looks_like_path = !path.is_empty()
            && !path.contains(' ')
            && path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c));
        if looks_like_path {
            return (Some(path.to_string()), rest);
        }
    }
    (None, msg)
}

/// Turn serde's "unknown field `x`, expected one of …" into a "did you mean" hint.
fn add_hint(msg: &str) -> String {
    let Some(rest) = msg.strip_prefix("unknown field `") else {
        return msg.to_string();
    };
    let Some((unknown, tail)) = rest.split_once('`') else {
        return msg.to_string();
    };
    let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
    match closest(unknown, &expected) {
        Some(best) => format!("unknown field `{unknown}`, did you mean `{best}`?"),
        None if expected.is_empty() => format!("unknown field `{unknown}`"),
        None => format!(
            "unknown field `{unknown}`, expected one of {}",
            expected
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The candidate most like `word`, if any is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// The 1-based line (within `yaml`) of a top-level key, for semantic errors.
pub fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| is_key_line(l, key))
        .map(|i| i + 1)
}

fn is_key_line(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .map(|rest| rest.trim_start().starts_with(':'))
        .unwrap_or(false)
}

/// The 1-based line (within `yaml`) of item `index` of the top-level list `key`.
///
/// Works for block lists (`- a`) under the key; for flow lists the key's line.
pub fn list_item_line(yaml: &str, key: &str, index: usize) -> Option<usize> {
    let start = key_line(yaml, key)?;
    let lines: Vec<&str> = yaml.lines().collect();
    let mut seen = 0;
    let mut item_indent: Option<usize> = None;
    for (i, line) in lines.iter().enumerate().skip(start) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        if indent == 0 && !trimmed.starts_with('-') {
            break;
        }
        if trimmed.starts_with("- ") || trimmed == "-" {
            let ind = *item_indent.get_or_insert(indent);
            if indent == ind {
                if seen == index {
                    return Some(i + 1);
                }
                seen += 1;
            }
        }
    }
    Some(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
        impact: String,
    }

    #[test]
    fn unknown_key_gets_a_hint_and_file_line() {
        let err = parse::<Meta>("title: x\nimpakt: major\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(
            err.message.contains("did you mean `impact`?"),
            "{}",
            err.message
        );
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Timed {
        title: String,
        started: crate::time::Timestamp,
    }

    #[test]
    fn value_errors_point_at_their_key() {
        let err =
            parse::<Timed>("title: x\n\nstarted: yesterday\n", Path::new("a.md"), 2).unwrap_err();
        assert_eq!(err.line, Some(4));
        assert_eq!(err.field.as_deref(), Some("started"));
    }

    #[test]
    fn syntax_errors_carry_only_the_file_line() {
        let err = parse::<Meta>("title: x\nimpact: [a\n", Path::new("a.md"), 2).unwrap_err();
        assert!(!err.message.contains("at line"), "{}", err.message);
    }

    #[test]
    fn list_items_are_found() {
        let y =
            "title: x\nupdates:\n  - at: 1\n    status: a\n  - at: 2\n    status: b\nafter: 1\n";
        assert_eq!(list_item_line(y, "updates", 0), Some(3));
        assert_eq!(list_item_line(y, "updates", 1), Some(5));
        assert_eq!(key_line(y, "after"), Some(7));
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
        let site = include_str!("../content/site.yaml");
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

    #[test]
    fn closest_ignores_unrelated_words() {
        assert_eq!(closest("titel", &["title", "impact"]), Some("title"));
        assert_eq!(closest("zzz", &["title", "impact"]), None);
    }
}
