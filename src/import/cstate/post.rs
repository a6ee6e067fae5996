//! One cState issue as a Lantern post file, and writing the planned posts.

use super::{CstateError, Issue, Plan, Severity};
use crate::time::iso;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::path::{Path, PathBuf};

/// First words of the comment that marks a file as written by this importer;
/// only marked files are replaced on a re-import.
const MARKER: &str = "# Imported from cState";

/// A post the import will write.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Relative to the output folder: `incidents/<slug>.md`, `maintenance/…`, `news/…`.
    pub rel: PathBuf,
    pub text: String,
    /// The cState file it came from.
    pub source: String,
    /// What it became, for the summary: "incident (major), resolved …".
    pub summary: String,
}

/// The file stem as a post slug (it becomes the page URL).
fn slug_of(file: &str) -> String {
    let stem = file.strip_suffix(".md").unwrap_or(file);
    let plain = !stem.is_empty()
        && !stem.starts_with('.')
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if plain {
        stem.to_string()
    } else {
        slug::slugify(stem)
    }
}

/// Hugo's `{{< track "2018-04-13 17:30:00" >}}` prints a time; Lantern has no
/// shortcodes, so write the time itself, in UTC. An argument that is not a date is
/// an error: it would otherwise be copied into the page as written.
fn convert_body(body: &str, tz: Option<Tz>, other: &mut usize) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(open) = rest.find("{{<") {
        let Some(close) = rest[open..].find(">}}") else {
            break;
        };
        let inner = rest[open + 3..open + close].trim();
        out.push_str(&rest[..open]);
        if let Some(arg) = inner.strip_prefix("track") {
            let arg = arg.trim().trim_matches('"').trim();
            if !arg.is_empty() {
                match super::time::parse(arg, tz) {
                    Ok(t) => out.push_str(&format!("_{}_", t.format("%Y-%m-%d %H:%M UTC"))),
                    Err(p) => {
                        return Err(format!(
                            "`track` shortcode argument {:?} is not a date: {p}",
                            arg.chars().take(80).collect::<String>()
                        ));
                    }
                }
            }
        } else {
            *other += 1;
            out.push_str(&rest[open..open + close + 3]);
        }
        rest = &rest[open + close + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

fn quote(s: &str) -> String {
    // A JSON string is a valid YAML double-quoted scalar.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Render `issue` as a post; the notes name anything the operator should check.
///
/// The body is another tool's Markdown and raw HTML: it is sanitized here, because
/// Lantern publishes a post's raw HTML as written.
pub fn render(
    issue: &Issue,
    ids: &[String],
    tz: Option<Tz>,
) -> Result<(Planned, Vec<String>), String> {
    let f = &issue.file;
    let mut notes = Vec::new();
    let mut shortcodes = 0;
    let body = convert_body(&issue.body, tz, &mut shortcodes).map_err(|e| format!("{f}: {e}"))?;
    let body = super::sanitize::sanitize(&body);
    if shortcodes > 0 {
        notes.push(format!(
            "{f}: {shortcodes} Hugo shortcodes other than `track` are left as written"
        ));
    }
    if issue.pin {
        notes.push(format!(
            "{f}: `pin` has no Lantern equivalent; it is a normal post now"
        ));
    }
    let window = issue.resolved_when.filter(|end| *end > issue.date);
    let severity = issue.severity.unwrap_or_else(|| {
        if !issue.informational {
            notes.push(format!("{f}: no `severity`; imported as a notice"));
        }
        Severity::Notice
    });
    let mut head = format!(
        "---\n{MARKER} ({f}) by `lantern import cstate`. Re-importing replaces this file; delete this line to keep your edits.\ntitle: {}\n",
        quote(&issue.title)
    );
    let comps = format!("components: [{}]\n", ids.join(", "));
    let needs_component = |notes: &mut Vec<String>, what: &str| {
        if ids.is_empty() {
            let why = if issue.affected.is_empty() {
                "no affected systems"
            } else {
                "none of its affected systems is a component of the site"
            };
            notes.push(format!(
                "{f}: {why}, but {what} needs a component; add one before `lantern check` passes"
            ));
        }
    };
    let (dir, summary) =
        if issue.informational || (severity == Severity::Notice && window.is_none()) {
            head.push_str(&format!("date: {}\n", iso(issue.date)));
            if !ids.is_empty() {
                head.push_str(&comps);
            }
            ("news", format!("news, {}", iso(issue.date)))
        } else if severity == Severity::Notice {
            needs_component(&mut notes, "maintenance");
            let end = window.unwrap_or(issue.date);
            head.push_str(&comps);
            head.push_str(&format!(
                "scheduled_start: {}\nscheduled_end: {}\n",
                iso(issue.date),
                iso(end)
            ));
            (
                "maintenance",
                format!("maintenance, {} – {}", iso(issue.date), iso(end)),
            )
        } else {
            needs_component(&mut notes, "an incident");
            let impact = if severity == Severity::Down {
                crate::vocab::Impact::Major
            } else {
                crate::vocab::Impact::Minor
            };
            head.push_str(&format!(
                "impact: {impact}\n{comps}started: {}\n",
                iso(issue.date)
            ));
            let resolved = issue.resolved.then(|| resolution(issue, &mut notes));
            if let Some(r) = resolved {
                head.push_str(&format!("resolved: {}\n", iso(r)));
            } else if issue.resolved_when.is_some() {
                notes.push(format!(
                "{f}: `resolved: false`, so `resolvedWhen` is ignored and the incident is ongoing"
            ));
            }
            head.push_str(&incident_updates(issue.date, resolved, issue.automated));
            let state = resolved.map_or("ongoing".to_string(), |r| format!("resolved {}", iso(r)));
            (
                "incidents",
                format!("incident ({impact}), {}, {state}", iso(issue.date)),
            )
        };
    if issue.draft {
        head.push_str("draft: true\n");
    }
    head.push_str("---\n");
    head.push_str(body.trim_start_matches('\n'));
    if !head.ends_with('\n') {
        head.push('\n');
    }
    let summary = if issue.automated {
        format!("{summary} (automated: opened by a monitor)")
    } else {
        summary
    };
    let slug = slug_of(f);
    if slug.is_empty() {
        return Err(format!(
            "{f}: the name gives an empty post name; rename it with letters or digits"
        ));
    }
    check_front_matter(dir, &head).map_err(|e| format!("{f}: the post would not parse: {e}"))?;
    let planned = Planned {
        rel: Path::new(dir).join(format!("{slug}.md")),
        text: head,
        source: f.clone(),
        summary,
    };
    Ok((planned, notes))
}

/// Parse the generated front matter as Lantern will, so a post that would not load
/// fails the import before anything is written.
fn check_front_matter(dir: &str, text: &str) -> Result<(), String> {
    use crate::content::schema::{IncidentMeta, MaintenanceMeta, NewsMeta};
    let split = crate::content::frontmatter::split(text).map_err(|e| e.to_string())?;
    let parsed = match dir {
        "incidents" => crate::yaml::from_str::<IncidentMeta>(split.yaml).map(|_| ()),
        "maintenance" => crate::yaml::from_str::<MaintenanceMeta>(split.yaml).map(|_| ()),
        _ => crate::yaml::from_str::<NewsMeta>(split.yaml).map(|_| ()),
    };
    parsed.map_err(|e| e.to_string())
}

/// When a resolved incident ended; `date` (with a note) when cState does not say.
fn resolution(issue: &Issue, notes: &mut Vec<String>) -> DateTime<Utc> {
    let f = &issue.file;
    match issue.resolved_when {
        Some(r) if r >= issue.date => r,
        Some(r) => {
            notes.push(format!(
                "{f}: `resolvedWhen` ({}) is before `date`; resolved at `date` instead",
                iso(r)
            ));
            issue.date
        }
        None => {
            notes.push(format!(
                "{f}: resolved without `resolvedWhen`; resolved at `date`, so its duration reads 0"
            ));
            issue.date
        }
    }
}

fn incident_updates(
    started: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
    automated: bool,
) -> String {
    let first = if automated {
        "Opened automatically by a monitor on our previous status page; the full report is below."
    } else {
        "Reported on our previous status page; the full report is below."
    };
    let mut s = format!(
        "updates:\n  - at: {}\n    status: {}\n    text: {}\n",
        iso(started),
        crate::vocab::IncidentStatus::Investigating,
        quote(first)
    );
    if let Some(r) = resolved {
        s.push_str(&format!(
            "  - at: {}\n    status: {}\n    text: {}\n",
            iso(r),
            crate::vocab::IncidentStatus::Resolved,
            quote("This issue has been resolved.")
        ));
    }
    s
}

/// What [`write`] did, per output file.
#[derive(Debug, Default)]
pub struct WriteReport {
    pub written: Vec<PathBuf>,
    pub unchanged: Vec<PathBuf>,
}

/// Write every planned post under `out`. A file that exists without the import
/// marker is the operator's: if any exists, nothing is written.
pub fn write(out: &Path, plan: &Plan) -> Result<WriteReport, CstateError> {
    let mut conflicts = Vec::new();
    let mut todo = Vec::new();
    let mut report = WriteReport::default();
    for p in &plan.posts {
        let path = out.join(&p.rel);
        match std::fs::read_to_string(&path) {
            Ok(old) if old == p.text => report.unchanged.push(path),
            Ok(old) if old.starts_with(&format!("---\n{MARKER}")) => todo.push((path, p)),
            Ok(_) => conflicts.push(format!("{} (from {})", path.display(), p.source)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => todo.push((path, p)),
            Err(source) => return Err(CstateError::Io { path, source }),
        }
    }
    if !conflicts.is_empty() {
        return Err(CstateError::Conflicts(conflicts));
    }
    // Every post is written to a temporary file first; only when all of them are on
    // disk are they renamed into place, so a full disk or a permission problem
    // leaves no partial import behind (the temporaries are removed on drop).
    let mut staged = Vec::with_capacity(todo.len());
    for (path, p) in todo {
        let tmp = stage(&path, p.text.as_bytes()).map_err(|source| CstateError::Write {
            path: path.clone(),
            source,
        })?;
        staged.push((path, tmp));
    }
    for (path, tmp) in staged {
        tmp.commit().map_err(|source| CstateError::Write {
            path: path.clone(),
            source,
        })?;
        report.written.push(path);
    }
    Ok(report)
}

/// `bytes` in a new hidden temporary file beside `path` (the post loader skips it).
fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<crate::atomic_file::Staged> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    crate::atomic_file::Staged::new(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn track_shortcodes_become_times() {
        let mut other = 0;
        let body = "*Update* - fixed. {{< track \"2018-04-13 17:30:00\" >}}\n{{< track \"\" >}}{{< figure src=x >}} {{< broken";
        let out = convert_body(body, Some(Tz::UTC), &mut other).unwrap();
        assert_eq!(
            out,
            "*Update* - fixed. _2018-04-13 17:30 UTC_\n{{< figure src=x >}} {{< broken"
        );
        assert_eq!(other, 1);
        let bad = convert_body(
            "{{< track \"<script>alert(1)</script>\" >}}",
            Some(Tz::UTC),
            &mut other,
        )
        .unwrap_err();
        assert!(bad.contains("is not a date"), "{bad}");
    }

    #[test]
    fn slugs_stay_plain() {
        assert_eq!(slug_of("2018-04-13-outage.md"), "2018-04-13-outage");
        assert_eq!(slug_of("Große Störung.md"), "grosse-storung");
    }
}
