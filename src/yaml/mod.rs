//! YAML parsing with diagnostics that point at the real line of the source file.

use crate::diagnostics::Diagnostic;
use serde::de::DeserializeOwned;
use std::path::Path;

mod budget;
mod depth;

pub use budget::MAX_ALIAS_EXPANSION;
use budget::{over_budget, too_big_message};
pub use depth::{MAX_FLOW_DEPTH, flow_depth_bound};
use depth::{too_deep, too_deep_message};

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
    if let Some(line) = over_budget(text) {
        return Err(Diagnostic::error(file, too_big_message(text.len()))
            .at_line(Some(line + first_line - 1)));
    }
    serde_yaml::from_str::<T>(text).map_err(|e| to_diagnostic(&e, text, file, first_line))
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
    fn closest_ignores_unrelated_words() {
        assert_eq!(closest("titel", &["title", "impact"]), Some("title"));
        assert_eq!(closest("zzz", &["title", "impact"]), None);
    }
}
