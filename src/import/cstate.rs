//! cState: a Hugo site's `content/issues/*.md` into Lantern posts.
//!
//! severity `down` → incident, impact major; `disrupted` → minor; `notice` →
//! maintenance when `date`…`resolvedWhen` is a window, else news; `informational`
//! issues → news. `affected` system names become component ids through
//! `--component "Name=id"`, else the name or id of a component in the site's
//! `site.yaml` (a system matching none is left out and named in the notes), else,
//! with no `site.yaml`, by slugifying. cState dates carry no offset unless
//! written with one, so `--timezone` must say what zone they are in.
//!
//! `automated: true` (an issue a monitor bot opened) maps like any other issue by
//! its severity; its first update says a monitor opened it and the summary marks
//! it. An incident still unresolved 7 days after its date is named in the summary
//! (bots often open issues nobody closes), since it would read as ongoing.

mod mapping;
mod post;
mod sanitize;
mod time;

use crate::content::frontmatter;
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use mapping::{How, Mapping, SiteComponent};
pub use post::{Planned, WriteReport, write};

/// How to read the issues.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// Zone of dates written without an offset.
    pub timezone: Option<Tz>,
    /// `Name=id` pairs from `--component`.
    pub components: Vec<String>,
    /// The components of the site the posts go to (from its `site.yaml`), if known:
    /// affected systems are matched to them by name or id, and others left out.
    pub site: Option<Vec<SiteComponent>>,
    /// The import's "now", to name incidents unresolved for more than [`STALE_DAYS`].
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// An incident unresolved for longer than this is named in the summary.
pub const STALE_DAYS: i64 = 7;

/// Why the issues could not be imported. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum CstateError {
    #[error("cannot read {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: no cState issues here; pass the issues folder (content/issues/ of the cState site) or the site folder", .0.display())]
    NoIssues(PathBuf),
    #[error(
        "`--component {0}`: write it as `Name=id`, with an id of lower-case letters, digits, `-` and `_`"
    )]
    BadMapping(String),
    #[error(
        "{} issue dates have no UTC offset (e.g. {example}); pass --timezone with the zone your cState site used, e.g. --timezone Europe/Berlin",
        count
    )]
    NeedsTimezone { count: usize, example: String },
    #[error("{} issues cannot be imported:\n  {}", .0.len(), .0.join("\n  "))]
    Issues(Vec<String>),
    #[error("{} posts already exist and were not written by this importer (no import marker); move them away, nothing was written:\n  {}", .0.len(), .0.join("\n  "))]
    Conflicts(Vec<String>),
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// cState severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Down,
    Disrupted,
    Notice,
}

/// One issue as read, times in UTC.
#[derive(Debug, Clone)]
pub struct Issue {
    /// File name inside the issues folder.
    pub file: String,
    pub title: String,
    pub date: chrono::DateTime<chrono::Utc>,
    pub resolved: bool,
    pub resolved_when: Option<chrono::DateTime<chrono::Utc>>,
    /// `None` when the file has none (treated as a notice).
    pub severity: Option<Severity>,
    pub informational: bool,
    pub affected: Vec<String>,
    pub draft: bool,
    pub pin: bool,
    /// Opened by a monitor bot (`automated: true`), not a person.
    pub automated: bool,
    pub body: String,
}

/// The front matter as cState writes it; Hugo keys we do not use are ignored.
#[derive(Deserialize)]
struct Front {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    date: Option<serde_yaml::Value>,
    #[serde(default)]
    resolved: Option<bool>,
    #[serde(default, rename = "resolvedWhen")]
    resolved_when: Option<serde_yaml::Value>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    affected: Option<serde_yaml::Value>,
    #[serde(default)]
    informational: Option<bool>,
    #[serde(default)]
    pin: Option<bool>,
    #[serde(default)]
    draft: Option<bool>,
    #[serde(default)]
    automated: Option<bool>,
}

/// The issues folder: INPUT itself, or INPUT/content/issues of a cState site.
fn issues_dir(input: &Path) -> PathBuf {
    let nested = input.join("content").join("issues");
    if nested.is_dir() {
        nested
    } else {
        input.to_path_buf()
    }
}

/// Markdown files of the folder, sorted; Hugo's `_index.md` is the list page, not an issue.
fn issue_files(dir: &Path) -> Result<Vec<PathBuf>, CstateError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CstateError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "md"))
        .filter(|p| {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            name.is_some_and(|n| !n.starts_with('.') && !n.starts_with('_'))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A scalar YAML value as text (dates are plain scalars to serde_yaml).
fn scalar(v: &serde_yaml::Value) -> Option<String> {
    match v {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Longest issue file name accepted, in bytes: it becomes the post's file name and URL.
pub const MAX_NAME: usize = 120;

/// The issue's file name, if it can become a post name: UTF-8, no control characters
/// (a newline would end the marker comment and write front matter), not too long.
fn file_name(path: &Path) -> Result<String, String> {
    let raw = path.file_name().unwrap_or_default();
    let Some(name) = raw.to_str() else {
        return Err(format!(
            "{}: the file name is not UTF-8; rename it",
            raw.to_string_lossy()
        ));
    };
    if name.chars().any(char::is_control) {
        return Err(format!(
            "{name:?}: the file name holds a control character (e.g. a newline); rename it"
        ));
    }
    if name.len() > MAX_NAME {
        return Err(format!(
            "{}…: the file name is {} bytes long, at most {MAX_NAME} are accepted; rename it",
            name.chars().take(40).collect::<String>(),
            name.len()
        ));
    }
    Ok(name.to_string())
}

/// Read one issue file; `Err` is a problem to list, `NoZone` times are counted apart.
fn read_issue(path: &Path, tz: Option<Tz>, no_zone: &mut Vec<String>) -> Result<Issue, String> {
    let file = file_name(path)?;
    let bytes = super::input::read_capped(path).map_err(|e| format!("{file}: cannot read: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{file}: not UTF-8 text"))?;
    let text = frontmatter::normalise(&text);
    let split = frontmatter::split(&text).map_err(|e| format!("{file}: {e}"))?;
    // Through `yaml::parse` for its guards and for messages with the file's own line.
    let front: Front =
        crate::yaml::parse(split.yaml, Path::new(&file), split.yaml_line).map_err(|d| {
            let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            let field = d
                .field
                .map(|f| format!("field `{f}`: "))
                .unwrap_or_default();
            format!("{file}{line}: front matter: {field}{}", d.message)
        })?;
    let title = front
        .title
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| format!("{file}: no `title`"))?;
    let mut when = |field: &str, v: Option<&serde_yaml::Value>| -> Result<Option<_>, String> {
        let Some(v) = v else { return Ok(None) };
        let s = scalar(v).ok_or_else(|| format!("{file}: `{field}` is not a date"))?;
        match time::parse(&s, tz) {
            Ok(t) => Ok(Some(t)),
            Err(time::Problem::NoZone) => {
                no_zone.push(format!("{file}: {field}: {s}"));
                Ok(None)
            }
            Err(p) => Err(format!("{file}: `{field}: {s}`: {p}")),
        }
    };
    let date = when("date", front.date.as_ref())?;
    let resolved_when = when("resolvedWhen", front.resolved_when.as_ref())?;
    let severity = match front.severity.as_deref().map(str::trim) {
        None | Some("") => None,
        Some("down") => Some(Severity::Down),
        Some("disrupted") => Some(Severity::Disrupted),
        Some("notice") => Some(Severity::Notice),
        Some(other) => {
            return Err(format!(
                "{file}: `severity: {other}` is not a cState severity (down, disrupted, notice)"
            ));
        }
    };
    let affected = match front.affected {
        None | Some(serde_yaml::Value::Null) => Vec::new(),
        Some(serde_yaml::Value::Sequence(items)) => items.iter().filter_map(scalar).collect(),
        Some(v) => scalar(&v).into_iter().collect(),
    };
    let date = match (date, front.date.is_some()) {
        (Some(d), _) => d,
        // Counted in `no_zone`; the placeholder is never used because import fails.
        (None, true) => chrono::DateTime::UNIX_EPOCH,
        (None, false) => return Err(format!("{file}: no `date`")),
    };
    Ok(Issue {
        file,
        title: title.trim().to_string(),
        date,
        resolved: front.resolved.unwrap_or(false),
        resolved_when,
        severity,
        informational: front.informational.unwrap_or(false),
        affected: affected.into_iter().map(|a| a.trim().to_string()).collect(),
        draft: front.draft.unwrap_or(false),
        pin: front.pin.unwrap_or(false),
        automated: front.automated.unwrap_or(false),
        body: split.body.to_string(),
    })
}

/// A note when `issue` became an incident that is still unresolved more than
/// [`STALE_DAYS`] days after it started.
fn stale(issue: &Issue, planned: &Planned, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    let days = (now - issue.date).num_days();
    let open_incident = planned.rel.starts_with("incidents") && !issue.resolved;
    (open_incident && days > STALE_DAYS).then(|| {
        let who = if issue.automated {
            "a monitor opened it (`automated: true`) and nobody closed it"
        } else {
            "it was never marked resolved"
        };
        format!(
            "{}: unresolved for {days} days ({who}); it will show as an ongoing incident. If it is over, add `resolved: <time>` and a resolved update to {}",
            issue.file,
            planned.rel.display()
        )
    })
}

/// Everything the import would write, for [`write`] and the summary.
#[derive(Debug, Default)]
pub struct Plan {
    pub posts: Vec<Planned>,
    /// Every affected name met, sorted by name.
    pub mappings: Vec<Mapping>,
    /// Things the operator should look at (approximations, missing data).
    pub notes: Vec<String>,
}

/// Read every issue under `input` and turn it into posts, writing nothing yet.
pub fn plan(input: &Path, opts: &Options) -> Result<Plan, CstateError> {
    let dir = issues_dir(input);
    if !dir.is_dir() {
        return Err(CstateError::NoIssues(input.to_path_buf()));
    }
    let files = issue_files(&dir)?;
    if files.is_empty() {
        return Err(CstateError::NoIssues(input.to_path_buf()));
    }
    let pairs = mapping::parse(&opts.components)?;
    let (mut issues, mut problems, mut no_zone) = (Vec::new(), Vec::new(), Vec::new());
    for f in &files {
        match read_issue(f, opts.timezone, &mut no_zone) {
            Ok(i) => issues.push(i),
            Err(p) => problems.push(p),
        }
    }
    if let Some(example) = no_zone.first() {
        return Err(CstateError::NeedsTimezone {
            count: no_zone.len(),
            example: example.clone(),
        });
    }
    let mut mappings: BTreeMap<String, Mapping> = BTreeMap::new();
    for name in issues.iter().flat_map(|i| &i.affected) {
        match mapping::map_name(name, &pairs, opts.site.as_deref()) {
            Some(m) => {
                mappings.insert(name.clone(), m);
            }
            None => problems.push(format!(
                "affected system `{name}` gives no usable component id; map it with --component \"{name}=<id>\""
            )),
        }
    }
    if !problems.is_empty() {
        return Err(CstateError::Issues(problems));
    }
    let mut plan = Plan::default();
    for issue in &issues {
        let mut ids: Vec<String> = Vec::with_capacity(issue.affected.len());
        for id in issue
            .affected
            .iter()
            .filter_map(|n| mappings.get(n)?.id.clone())
        {
            // "Website" and "web" may both name `web`: list it once.
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        match post::render(issue, &ids, opts.timezone) {
            Ok((planned, notes)) => {
                if let Some(note) = opts.now.and_then(|now| stale(issue, &planned, now)) {
                    plan.notes.push(note);
                }
                plan.posts.push(planned);
                plan.notes.extend(notes);
            }
            Err(problem) => problems.push(problem),
        }
    }
    // Two issues must not become one post (the second would silently replace the first).
    let mut seen: BTreeMap<&Path, &str> = BTreeMap::new();
    for p in &plan.posts {
        if let Some(first) = seen.insert(&p.rel, &p.source) {
            problems.push(format!(
                "{first} and {} would both become {}; rename one",
                p.source,
                p.rel.display()
            ));
        }
    }
    if !problems.is_empty() {
        return Err(CstateError::Issues(problems));
    }
    for m in mappings.values().filter(|m| m.how == How::Dropped) {
        let from: Vec<&str> = issues
            .iter()
            .filter(|i| i.affected.contains(&m.name))
            .map(|i| i.file.as_str())
            .collect();
        plan.notes.push(format!(
            "affected system `{}` matches no component in site.yaml (by name or id), so it is left out of {}; add it to `components` or map it with --component \"{}=<id>\"",
            m.name,
            from.join(", "),
            m.name
        ));
    }
    for (name, _) in &pairs {
        if !mappings
            .values()
            .any(|m| m.how == How::Flag && m.name.eq_ignore_ascii_case(name))
        {
            plan.notes
                .push(format!("--component `{name}` matched no affected system"));
        }
    }
    plan.mappings = mappings.into_values().collect();
    Ok(plan)
}
