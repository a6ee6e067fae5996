//! Splitting a post file into YAML front matter and Markdown body.

/// Largest single line accepted in a post; anything longer is certainly not prose.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// A post file split into parts, with the file lines where each starts.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// 1-based file line of the first YAML line (the line after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    pub body_line: usize,
}

/// Why a file could not be split.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum SplitError {
    #[error(
        "the file is empty; a post starts with a `---` line, YAML front matter, and another `---` line"
    )]
    Empty,
    #[error("no front matter: the first line must be `---`")]
    NoOpening,
    #[error("the front matter is never closed: add a `---` line after it")]
    NoClosing,
    #[error("line {0} is longer than 1 MiB")]
    LineTooLong(usize),
}

/// Normalise text the way editors write it: drop a BOM, turn CRLF into LF.
pub fn normalise(text: &str) -> String {
    text.strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n")
}

/// Split normalised text into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    if let Some(n) = text.split('\n').position(|l| l.len() > MAX_LINE_BYTES) {
        return Err(SplitError::LineTooLong(n + 1));
    }
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let rest = match text.strip_prefix("---\n") {
        Some(r) => r,
        None if text.trim_end() == "---" => return Err(SplitError::NoClosing),
        None => return Err(SplitError::NoOpening),
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok(Split {
                yaml,
                yaml_line: 2,
                body,
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(SplitError::NoClosing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split("---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.yaml_line, 2);
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn bom_and_crlf_are_accepted() {
        let t = normalise("\u{feff}---\r\ntitle: a\r\n---\r\nbody\r\n");
        assert_eq!(split(&t).unwrap().body, "body\n");
    }

    #[test]
    fn bad_shapes() {
        assert_eq!(split(""), Err(SplitError::Empty));
        assert_eq!(split("title: a\n"), Err(SplitError::NoOpening));
        assert_eq!(split("---\ntitle: a\n"), Err(SplitError::NoClosing));
        let long = format!("---\n{}\n---\n", "a".repeat(MAX_LINE_BYTES + 1));
        assert_eq!(split(&long), Err(SplitError::LineTooLong(2)));
    }
}
