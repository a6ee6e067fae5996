//! YAML parsing with diagnostics that point at the real line of the source file.

use crate::diagnostics::Diagnostic;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use std::path::Path;

mod budget;
mod depth;
mod locate;

pub use budget::MAX_ALIAS_EXPANSION;
use budget::{over_budget, too_big_message};
pub use depth::{MAX_FLOW_DEPTH, flow_depth_bound};
use depth::{too_deep, too_deep_message};
use locate::{Pos, Target, locate};

/// Parse `text` (which starts at 1-based `first_line` of `file`) into `T`.
///
/// On failure the diagnostic names the file, the line in the file (not in the
/// YAML block), the field (from the path `serde_path_to_error` tracked, placed with
/// the parser's own positions: see [`locate`]) and, for a misspelt key, the
/// closest valid key.
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
    if let Some(line) = over_budget(text) {
        return Err(Diagnostic::error(file, too_big_message(text.len()))
            .at_line(Some(line + first_line - 1)));
    }
    // Good input (nearly all of it) is parsed once, without tracking paths; a failure
    // is parsed again with `serde_path_to_error` to learn where it is.
    serde_yaml::from_str::<T>(text).map_err(|first| {
        match serde_path_to_error::deserialize::<_, T>(serde_yaml::Deserializer::from_str(text)) {
            Err(e) => to_diagnostic(&e, text, file, first_line),
            // The same text through the same parser cannot succeed now; should it
            // ever, the first error is still reported, with its line.
            Ok(_) => Diagnostic::error(file, strip_positions(&first.to_string()))
                .at_line(first.location().map(|l| l.line() + first_line - 1)),
        }
    })
}

/// `serde_yaml::from_str`, refusing first what would make the YAML scanner crawl
/// (see [`flow_depth_bound`]) or aliases blow up (see [`MAX_ALIAS_EXPANSION`]).
/// For YAML read without [`parse`]'s diagnostics.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_yaml::Error> {
    if let Some(line) = too_deep(text) {
        return Err(serde::de::Error::custom(format!(
            "line {line}: {}",
            too_deep_message()
        )));
    }
    if let Some(line) = over_budget(text) {
        return Err(serde::de::Error::custom(format!(
            "line {line}: {}",
            too_big_message(text.len())
        )));
    }
    serde_yaml::from_str(text)
}

fn to_diagnostic(
    e: &serde_path_to_error::Error<serde_yaml::Error>,
    text: &str,
    file: &Path,
    first_line: usize,
) -> Diagnostic {
    let path: Vec<Segment> = e.path().iter().cloned().collect();
    let at = Pos::of(e.inner());
    // Events are parsed as they are read, so a serde error can come before a syntax
    // error further down: it is a syntax error only if the text breaks right here.
    let (field, line, msg) = if at.is_some() && locate::malformed_at(text) == at {
        // libyaml's position is the place, and no field applies (the path only says
        // how far deserializing got). Its text holds two positions, the problem's
        // and the context's, and only the first is exposed.
        (None, at, strip_positions(&e.inner().to_string()))
    } else {
        let (field, line) = place(text, &path, at);
        (field, line, message(e.inner(), &path, at))
    };
    let d = Diagnostic::error(file, add_hint(&msg)).at_line(line.map(|p| p.line + first_line - 1));
    match field {
        Some(f) => d.field(f),
        None => d,
    }
}

/// The field to name and the position to point at for an error met at `path`,
/// which `serde_yaml` placed at `at`.
///
/// `serde_yaml` places an error where it was reading when the error came back:
/// at a key for an unknown field, at a scalar for a wrong type, but at the
/// enclosing mapping for errors from our own value types (a timestamp, a
/// duration), which fail after reading their text. The path is exact in all cases,
/// so the place comes from the path, with `at` telling what the error is about.
fn place(text: &str, path: &[Segment], at: Option<Pos>) -> (Option<String>, Option<Pos>) {
    let node = locate(text, path, Target::Node);
    // An error at the node itself, if a mapping, is about the mapping as a whole
    // (a missing or repeated field): point at a repeated key when there is one.
    let repeat = (node.is_some() && node == at)
        .then(|| locate(text, path, Target::RepeatedKey))
        .flatten();
    if !matches!(path.last(), Some(Segment::Map { .. })) {
        return (render(path), repeat.or(node).or(at));
    }
    let key = locate(text, path, Target::Key);
    if key.is_some() && key == at {
        // The key itself is wrong (an unknown field): name the mapping holding it.
        return (render(&path[..path.len() - 1]), key);
    }
    (render(path), repeat.or(key).or(at))
}

/// `updates[1].status`, as serde and `serde_yaml` write paths; `None` for the root.
fn render(path: &[Segment]) -> Option<String> {
    let mut out = String::new();
    for s in path {
        match s {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push('?');
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The error's own words, without the position `serde_yaml` appends (the file line
/// is printed instead) and without the path it puts in front, which is the path of
/// the node it was reading (the error's path or one of its ancestors) and is
/// reported as the field.
fn message(e: &serde_yaml::Error, path: &[Segment], at: Option<Pos>) -> String {
    let full = e.to_string();
    let suffix = at.map(|p| format!(" at line {} column {}", p.line, p.column));
    let text = suffix.and_then(|s| full.strip_suffix(&s)).unwrap_or(&full);
    (1..=path.len())
        .rev()
        .filter_map(|n| render(&path[..n]))
        .find_map(|p| text.strip_prefix(&format!("{p}: ")))
        .unwrap_or(text)
        .to_string()
}

/// Remove libyaml's " at line L column C" wherever it appears in a syntax error.
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
        // Past the point where deserializing stopped, no field applies.
        let err = parse::<Meta>("title: x\nimpact: \"major\n", Path::new("a.md"), 2).unwrap_err();
        assert!(
            err.message.starts_with("found unexpected end of stream"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("at line"), "{}", err.message);
        assert_eq!(err.field, None);
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Nested {
        title: String,
        #[serde(default)]
        health: Option<Health>,
        #[serde(default)]
        updates: Vec<Update>,
        #[serde(default)]
        times: Vec<crate::time::Timestamp>,
        #[serde(default)]
        draft: bool,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Health {
        stale_after: crate::time::Span,
        #[serde(default)]
        history_days: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Update {
        at: crate::time::Timestamp,
        text: String,
    }

    /// (file line, field, message) of the error parsing `yaml` that starts at line 2.
    fn nested(yaml: &str) -> (Option<usize>, Option<String>, String) {
        let d = parse::<Nested>(yaml, Path::new("a.md"), 2).unwrap_err();
        (d.line, d.field, d.message)
    }

    #[test]
    fn an_unknown_key_names_the_mapping_holding_it_even_as_its_first_key() {
        let (line, field, msg) =
            nested("title: x\nupdates:\n  - txet: a\n    at: 2026-11-01T00:00:00Z\n");
        assert_eq!((line, field.as_deref()), (Some(4), Some("updates[0]")));
        assert_eq!(msg, "unknown field `txet`, did you mean `text`?");
        let (line, field, _) = nested("title: x\nupdates:\n  - text: a\n    txet: b\n");
        assert_eq!((line, field.as_deref()), (Some(5), Some("updates[0]")));
    }

    #[test]
    fn a_bad_value_names_its_own_key_even_as_the_first_key_of_its_mapping() {
        let (line, field, msg) = nested("title: x\nhealth:\n  stale_after: soon\n");
        assert_eq!(
            (line, field.as_deref()),
            (Some(4), Some("health.stale_after"))
        );
        assert!(msg.starts_with("`soon` is not a duration"), "{msg}");
        let (line, field, _) =
            nested("title: x\nhealth:\n  history_days: 3\n\n  stale_after: 5x\n");
        assert_eq!(
            (line, field.as_deref()),
            (Some(6), Some("health.stale_after"))
        );
    }

    #[test]
    fn a_bad_list_item_is_named_by_index() {
        let (line, field, _) = nested("title: x\ntimes:\n  - 2026-11-01T00:00:00Z\n  - noon\n");
        assert_eq!((line, field.as_deref()), (Some(5), Some("times[1]")));
        let (line, field, _) = nested("title: x\ntimes: [2026-11-01T00:00:00Z,\n  noon]\n");
        assert_eq!((line, field.as_deref()), (Some(4), Some("times[1]")));
    }

    #[test]
    fn a_wrong_type_loses_the_parsers_path_prefix() {
        let (line, field, msg) = nested("title: x\n\ndraft: maybe\n");
        assert_eq!((line, field.as_deref()), (Some(4), Some("draft")));
        assert_eq!(msg, "invalid type: string \"maybe\", expected a boolean");
    }

    #[test]
    fn missing_and_repeated_fields_point_at_their_mapping_and_the_repeat() {
        let (line, field, msg) = nested("title: x\nupdates:\n  - at: 2026-11-01T00:00:00Z\n");
        assert_eq!((line, field.as_deref()), (Some(4), Some("updates[0]")));
        assert_eq!(msg, "missing field `text`");
        let (line, field, msg) = nested("title: x\ndraft: true\ndraft: false\n");
        assert_eq!((line, field), (Some(4), None));
        assert_eq!(msg, "duplicate field `draft`");
        // The repeat is found even when the text breaks further down.
        let (line, _, msg) = nested("title: x\ndraft: true\ndraft: false\ntimes: [\n");
        assert_eq!((line, msg.as_str()), (Some(4), "duplicate field `draft`"));
        let (line, field, _) = nested("title: x\nhealth:\n  stale_after: 1h\n  stale_after: 2h\n");
        assert_eq!((line, field.as_deref()), (Some(5), Some("health")));
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
    fn closest_ignores_unrelated_words() {
        assert_eq!(closest("titel", &["title", "impact"]), Some("title"));
        assert_eq!(closest("zzz", &["title", "impact"]), None);
    }
}
