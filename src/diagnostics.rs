//! Problems found while loading a site: each names the file, line and field.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

/// `s` made safe to print on a terminal: control characters (C0 but tab and, when
/// `keep_newlines`, newline; DEL; C1), noncharacters and the bidirectional overrides become visible
/// `\u{1b}` escapes, so a check id or file name from a feed or an import cannot move
/// the cursor, change colours, retitle the window or forge an extra line.
pub fn terminal_safe(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t' && !(keep_newlines && c == '\n'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            // Noncharacters: not controls, but never meant to be shown.
            || (crate::chars::forbidden(c) && !c.is_control())
    };
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How serious a problem is: errors stop the build, warnings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl Diagnostic {
    /// An error in `file`.
    pub fn error(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.as_ref().to_path_buf(),
            line: None,
            field: None,
            message: message.into(),
        }
    }

    /// A warning in `file`.
    pub fn warning(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Attach the 1-based line in the file.
    pub fn at_line(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }

    /// Attach the name of the offending field.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Messages quote feed and import text: printed as is, it could drive the terminal.
        let file = self.file.display().to_string();
        write!(f, "{kind}: {}", terminal_safe(&file, false))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{}`: ", terminal_safe(field, false))?;
        }
        write!(f, "{}", terminal_safe(&self.message, true))
    }
}

/// Every problem found by a load; errors and warnings together.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Record one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Record several problems.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Keep each problem once, in first-seen order: a link above several folders
    /// (a linked `content/`) is met by every loader that reads below it.
    pub fn dedup(&mut self) {
        let mut seen = std::collections::BTreeSet::new();
        self.items.retain(|d| seen.insert(d.clone()));
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    /// Warnings only.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// All problems in a stable order (file, line) so output is deterministic.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (a.severity, &a.file, a.line, &a.message)
                .cmp(&(b.severity, &b.file, b.line, &b.message))
        });
        v
    }

    /// Number of problems recorded.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The load failed: the diagnostics say why.
#[derive(Debug, thiserror::Error)]
#[error("{} error(s) found:\n{}", .0.errors().count(), render_errors(.0))]
pub struct InvalidSite(pub Diagnostics);

fn render_errors(d: &Diagnostics) -> String {
    d.sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("  {d}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_text_has_no_live_controls() {
        assert_eq!(
            terminal_safe("a\u{1b}[2Jb\u{7}\u{0}\u{9b}\u{202e}\u{fffe}\tc\nd", true),
            "a\\u{1b}[2Jb\\u{7}\\u{0}\\u{9b}\\u{202e}\\u{fffe}\tc\nd"
        );
        assert_eq!(terminal_safe("x\ny", false), "x\\u{a}y");
        assert!(matches!(terminal_safe("plain ✓", true), Cow::Borrowed(_)));
        let d = Diagnostic::warning("content/health/a.jsonl", "check `db\u{1b}]0;owned\u{7}`")
            .field("x\ny");
        let shown = d.to_string();
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}') && !shown.contains('\n'),
            "{shown}"
        );
    }

    #[test]
    fn display_names_file_line_and_field() {
        let d = Diagnostic::error("content/incidents/a.md", "must carry an offset")
            .at_line(Some(5))
            .field("started");
        assert_eq!(
            d.to_string(),
            "error: content/incidents/a.md:5: field `started`: must carry an offset"
        );
    }
}
