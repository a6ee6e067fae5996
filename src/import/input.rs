//! Reading an importer's input: JSON documents with errors that name the byte
//! offset, and the wrong-format message when a document belongs to another importer.

use super::detect::{self, Kind};
use serde_json::Value;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why an input document could not be read as the expected format.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The file could not be read at all.
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not valid JSON; `offset` is the 0-based byte offset where parsing stopped.
    #[error("{}: {}", path.display(), json_message(*truncated, *offset, *line, *column, reason))]
    Json {
        path: PathBuf,
        offset: usize,
        line: usize,
        column: usize,
        truncated: bool,
        reason: String,
    },
    /// Valid JSON, but the document of another importer.
    #[error(
        "{}: this looks like {}, not {}; try `lantern import {}`",
        path.display(),
        found.describe(),
        expected.describe(),
        found.command().unwrap_or("?")
    )]
    WrongFormat {
        path: PathBuf,
        found: Kind,
        expected: Kind,
    },
    /// Valid JSON that no importer recognises.
    #[error("{}: this is not {}: {hint}", path.display(), expected.describe())]
    NotRecognised {
        path: PathBuf,
        expected: Kind,
        hint: String,
    },
    /// Lantern's own JSON Lines feed: nothing to convert.
    #[error("{}: this is already a Lantern health feed (JSON Lines); copy it into content/health/ as a .jsonl file instead of importing it", .0.display())]
    AlreadyFeed(PathBuf),
    /// The document has the right outline but a field has the wrong shape.
    #[error(
        "{}: unexpected shape for {}: {where_}{}: {reason}",
        path.display(),
        expected.describe(),
        field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default()
    )]
    Shape {
        path: PathBuf,
        expected: Kind,
        where_: String,
        /// Where inside that part, e.g. `results[3].timestamp` (none for the part itself).
        field: Option<String>,
        reason: String,
    },
}

fn json_message(
    truncated: bool,
    offset: usize,
    line: usize,
    column: usize,
    reason: &str,
) -> String {
    if truncated {
        format!(
            "the JSON ends early at byte offset {offset} (line {line}, column {column}): the file is truncated (an interrupted download?)"
        )
    } else {
        format!("invalid JSON at byte offset {offset} (line {line}, column {column}): {reason}")
    }
}

/// Largest file an importer reads: enough for years of per-minute results, small
/// enough that a wrong path (`/dev/zero`, a disk image) is an error and not an
/// out-of-memory kill.
pub const MAX_INPUT_BYTES: u64 = 512 << 20;

/// Read all of `path`, refusing more than [`MAX_INPUT_BYTES`]. A regular file is
/// measured first; a pipe or device is read up to the limit and no further.
pub fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(std::io::Error::other("it is a folder, not a file"));
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    read_up_to(file, MAX_INPUT_BYTES, &mut bytes)?;
    Ok(bytes)
}

/// Append what `r` holds to `out`, failing once it holds more than `limit` bytes.
fn read_up_to(r: impl Read, limit: u64, out: &mut Vec<u8>) -> std::io::Result<()> {
    let start = out.len();
    r.take(limit.saturating_add(1)).read_to_end(out)?;
    if (out.len() - start) as u64 > limit {
        out.truncate(start);
        return Err(too_large());
    }
    Ok(())
}

fn too_large() -> std::io::Error {
    std::io::Error::other(format!(
        "it holds more than {} MiB, the most an import reads",
        MAX_INPUT_BYTES >> 20
    ))
}

/// Read `path` as one JSON document (a UTF-8 BOM is tolerated).
pub fn read_json(path: &Path) -> Result<Value, InputError> {
    let io = |source| InputError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    // Every document an importer takes is an object or an array: anything else is
    // reported from the first bytes, without reading (say) all of /dev/zero.
    let mut head = Vec::new();
    (&mut file)
        .take(SNIFF_BYTES)
        .read_to_end(&mut head)
        .map_err(io)?;
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{' && *b != b'[') {
        parse_json(path, &head)?;
    }
    if head.len() as u64 == SNIFF_BYTES {
        drop(file);
        head = read_capped(path).map_err(io)?;
    }
    parse_json(path, &head)
}

/// Bytes read before deciding whether the input can be JSON at all.
const SNIFF_BYTES: u64 = 64 << 10;

/// Parse bytes as one JSON document; errors carry a byte offset.
pub fn parse_json(path: &Path, bytes: &[u8]) -> Result<Value, InputError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => Ok(v),
        Err(e) => {
            // Several JSON values one per line: probably a Lantern feed already.
            if let Some(first) = body.split(|&b| b == b'\n').next()
                && let Ok(v) = serde_json::from_slice::<Value>(first)
                && detect::detect(&v) == Some(Kind::LanternFeed)
            {
                return Err(InputError::AlreadyFeed(path.to_path_buf()));
            }
            let skipped = bytes.len() - body.len();
            Err(json_error(path, body, &e, skipped))
        }
    }
}

/// serde_json reports line and column; readers and tools (`head -c`, `dd`) want bytes.
fn json_error(path: &Path, body: &[u8], e: &serde_json::Error, skipped: usize) -> InputError {
    let truncated = e.is_eof();
    let offset = if truncated {
        body.len()
    } else {
        let line_start: usize = body
            .split_inclusive(|&b| b == b'\n')
            .take(e.line().saturating_sub(1))
            .map(<[u8]>::len)
            .sum();
        // The column is 1-based and counts bytes; point at the offending byte.
        (line_start + e.column().saturating_sub(1)).min(body.len())
    };
    // The position is reported apart (and as a byte offset): drop the one serde_json
    // appends, known exactly from its own line and column.
    let full = e.to_string();
    let reason = full
        .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
        .unwrap_or(&full)
        .to_string();
    InputError::Json {
        path: path.to_path_buf(),
        offset: offset + skipped,
        line: e.line(),
        column: e.column(),
        truncated,
        reason,
    }
}

/// Fail unless `value` looks like `want`; name the other importer when it fits one.
pub fn expect_kind(path: &Path, value: &Value, want: Kind) -> Result<(), InputError> {
    match detect::detect(value) {
        Some(k) if k == want => Ok(()),
        Some(found) if found.command().is_some() && found.command() != want.command() => {
            Err(InputError::WrongFormat {
                path: path.to_path_buf(),
                found,
                expected: want,
            })
        }
        Some(found) => Err(InputError::NotRecognised {
            path: path.to_path_buf(),
            expected: want,
            hint: format!("it looks like {}; {}", found.describe(), want.hint()),
        }),
        None => Err(InputError::NotRecognised {
            path: path.to_path_buf(),
            expected: want,
            hint: want.hint().to_string(),
        }),
    }
}

/// Deserialize one part of a document, naming where it is (the part, and the field
/// inside it that serde was reading) when it does not fit.
pub fn part<T: serde::de::DeserializeOwned>(
    path: &Path,
    expected: Kind,
    where_: impl FnOnce() -> String,
    value: &Value,
) -> Result<T, InputError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let field = e.path().to_string();
        InputError::Shape {
            path: path.to_path_buf(),
            expected,
            where_: where_(),
            field: (field != ".").then_some(field),
            reason: e.into_inner().to_string(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> InputError {
        parse_json(Path::new("x.json"), text.as_bytes()).unwrap_err()
    }

    #[test]
    fn truncated_json_names_the_end_offset() {
        let text = "[{\"a\": 1},\n {\"b\": ";
        match err(text) {
            InputError::Json {
                offset, truncated, ..
            } => {
                assert!(truncated);
                assert_eq!(offset, text.len());
            }
            e => panic!("{e}"),
        }
    }

    #[test]
    fn syntax_errors_point_at_the_bad_byte() {
        let text = "{\"a\": 1,\n \"b\": x}";
        match err(text) {
            InputError::Json {
                offset, truncated, ..
            } => {
                assert!(!truncated);
                assert_eq!(&text[offset..offset + 1], "x");
            }
            e => panic!("{e}"),
        }
    }

    #[test]
    fn reading_stops_past_the_limit() {
        let mut out = Vec::new();
        assert!(read_up_to(&b"12345"[..], 5, &mut out).is_ok());
        assert_eq!(out, b"12345");
        let mut out = Vec::new();
        let err = read_up_to(std::io::repeat(0), 1000, &mut out).unwrap_err();
        assert!(err.to_string().contains("more than 512 MiB"), "{err}");
        assert!(out.is_empty());
    }

    #[test]
    fn a_stream_of_zeros_is_refused_from_its_first_bytes() {
        let err = read_json(Path::new("/dev/zero")).unwrap_err();
        assert!(
            err.to_string().contains("invalid JSON at byte offset 0"),
            "{err}"
        );
    }

    #[test]
    fn a_part_that_does_not_fit_names_the_field_inside_it() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Part {
            results: Vec<Item>,
        }
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            success: bool,
        }
        let doc: Value =
            serde_json::from_str(r#"{"results": [{"success": true}, {"success": "yes"}]}"#)
                .unwrap();
        let err = part::<Part>(
            Path::new("x.json"),
            Kind::GatusStatuses,
            || "endpoint 2".into(),
            &doc,
        )
        .unwrap_err();
        match &err {
            InputError::Shape { field, reason, .. } => {
                assert_eq!(field.as_deref(), Some("results[1].success"));
                assert_eq!(reason, "invalid type: string \"yes\", expected a boolean");
            }
            e => panic!("{e}"),
        }
        assert!(
            err.to_string()
                .ends_with(": endpoint 2, field `results[1].success`: invalid type: string \"yes\", expected a boolean"),
            "{err}"
        );
        let whole = part::<Part>(
            Path::new("x.json"),
            Kind::GatusStatuses,
            || "the document".into(),
            &Value::Null,
        )
        .unwrap_err();
        assert!(
            whole
                .to_string()
                .ends_with(": the document: invalid type: null, expected struct Part"),
            "{whole}"
        );
    }

    #[test]
    fn the_reason_keeps_its_words_and_loses_only_the_position() {
        match err("{\"a\": 1,\n \"b\": x}") {
            InputError::Json {
                reason,
                line,
                column,
                ..
            } => {
                assert_eq!(reason, "expected value");
                assert_eq!((line, column), (2, 7));
            }
            e => panic!("{e}"),
        }
    }

    #[test]
    fn a_bom_is_tolerated_and_counted() {
        assert!(parse_json(Path::new("x"), b"\xEF\xBB\xBF[]").is_ok());
        match parse_json(Path::new("x"), b"\xEF\xBB\xBF[1,") {
            Err(InputError::Json { offset, .. }) => assert_eq!(offset, 6),
            other => panic!("{other:?}"),
        }
    }
}
