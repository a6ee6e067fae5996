//! Reading post files from `content/<kind>/` into validated [`Post`]s.

use super::cache::{Entry, Identity, Mode, Outcome, Session};
use super::frontmatter::{self, SplitError};
use super::schema::{IncidentMeta, MaintenanceMeta, NewsMeta, RawUpdate};
use super::validate::{self, Ctx};
use super::{DataLossNotice, Detail, Incident, Maintenance, News, Post, PostKind, Update};
use crate::config::Config;
use crate::contained::{Fence, LinkProblem};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// Load every post under `root/content/`, drafts included; report every problem found.
///
/// `now` only decides warnings (e.g. future-dated incidents). Without a config (it
/// failed to load) everything but component references is still checked, so one
/// run reports every problem.
pub fn load_posts(
    root: &Path,
    config: Option<&Config>,
    now: DateTime<Utc>,
) -> (Vec<Post>, Diagnostics) {
    load_posts_cached(root, config, now, &Mode::Off)
}

/// [`load_posts`], taking unchanged posts from the post cache `mode` instead of
/// parsing them again; the same posts and messages in the same order either way.
pub fn load_posts_cached(
    root: &Path,
    config: Option<&Config>,
    now: DateTime<Utc>,
    mode: &Mode,
) -> (Vec<Post>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut files = Vec::new();
    let fence = Fence::site(root);
    crate::timings::stage("posts: listed", || {
        for kind in PostKind::ALL {
            let (found, links) = post_files(root, &fence, kind);
            files.extend(found.into_iter().map(|p| (kind, p)));
            for link in &links {
                diags.push(link.to_diagnostic());
            }
        }
    });
    // Without a config the posts cannot be fully checked: nothing is cached then.
    let mut session = crate::timings::stage("posts: cache read", || {
        config.and_then(|c| Session::open(mode, root, c))
    });
    let kept: Vec<Option<Entry>> = files
        .iter()
        .map(|(_, rel)| session.as_mut().and_then(|s| s.take(rel)))
        .collect();
    // Files parse independently; results are gathered in file order, so messages
    // and posts come out the same whatever the number of threads.
    let loaded: Vec<(Option<Post>, Diagnostics, Outcome)> =
        crate::timings::stage("posts: loaded", || {
            files
                .par_iter()
                .zip(kept)
                .map(|((kind, rel), kept)| {
                    let mut d = Diagnostics::default();
                    let (post, outcome) = match &session {
                        None => (
                            load_one(root, rel, *kind, config, now, &mut d),
                            Outcome::None,
                        ),
                        Some(s) => load_cached(s, kept, root, rel, *kind, config, now, &mut d),
                    };
                    (post, d, outcome)
                })
                .collect()
        });
    if let Some(s) = session {
        crate::timings::stage("posts: cache saved", || {
            s.finish(loaded.iter().map(|(p, _, o)| (o, p.as_ref())))
        });
    }
    let mut posts = Vec::with_capacity(loaded.len());
    for (post, d, _) in loaded {
        diags.extend(d);
        posts.extend(post);
    }
    (posts, diags)
}

/// One post from its cache entry when that fits the file as it is, else parsed (and
/// offered to the cache when it has no diagnostic at all).
#[allow(clippy::too_many_arguments)]
fn load_cached(
    session: &Session,
    kept: Option<Entry>,
    root: &Path,
    rel: &Path,
    kind: PostKind,
    config: Option<&Config>,
    now: DateTime<Utc>,
    diags: &mut Diagnostics,
) -> (Option<Post>, Outcome) {
    let path = root.join(rel);
    // `stat` follows a link inside the site as reading does: the identity is the
    // target's, so re-pointing or editing it is seen.
    if let Some(entry) = kept
        && let Ok(meta) = std::fs::metadata(&path)
        && let Some((post, stamp)) = entry.into_hit(rel, kind, &Identity::of(&meta), now)
    {
        return (Some(post), Outcome::Hit(stamp));
    }
    let Some((id, bytes)) = read_post(&path, rel, diags) else {
        return (None, Outcome::None);
    };
    let mut post = parse_post(bytes, rel, kind, config, now, diags);
    let outcome = match &mut post {
        Some(p) if diags.is_empty() => {
            // Kept with the entry: the next build takes it instead of hashing the post.
            p.remember_digest();
            session.entry(id, now)
        }
        _ => Outcome::None,
    };
    (post, outcome)
}

/// Markdown files directly in `content/<kind>/` (relative to the root), sorted; hidden
/// and editor temp files skipped; links that leave the site root reported.
fn post_files(root: &Path, fence: &Fence, kind: PostKind) -> (Vec<PathBuf>, Vec<LinkProblem>) {
    let dir = Path::new("content").join(kind.dir());
    let skip = |name: &OsStr| {
        let name = name.to_string_lossy();
        !name.ends_with(".md") || name.starts_with('.') || name.starts_with('#')
    };
    let (files, links) = fence.files(&root.join(&dir), 1, &skip);
    let rel = files
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| dir.join(n))
        .collect();
    (rel, links)
}

fn load_one(
    root: &Path,
    rel: &Path,
    kind: PostKind,
    config: Option<&Config>,
    now: DateTime<Utc>,
    diags: &mut Diagnostics,
) -> Option<Post> {
    let (_, bytes) = read_post(&root.join(rel), rel, diags)?;
    parse_post(bytes, rel, kind, config, now, diags)
}

/// The bytes of the post file at `path` (`rel` in messages) and its identity, taken
/// from the opened file before its bytes are read: a change after this point gives
/// another identity next time (or a racy one). An error names the file.
fn read_post(path: &Path, rel: &Path, diags: &mut Diagnostics) -> Option<(Identity, Vec<u8>)> {
    let read = std::fs::File::open(path).and_then(|f| {
        let meta = f.metadata()?;
        let id = Identity::of(&meta);
        // Sized from the metadata just taken, and read through `take`: a `File`'s own
        // `read_to_end` asks the kernel for the size again (fstat and lseek), two more
        // calls for each of 10,000 posts. One byte spare sees the end in one read.
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(usize::try_from(meta.len()).map_or(0, |n| n.saturating_add(1)))?;
        std::io::Read::read_to_end(&mut std::io::Read::take(f, u64::MAX), &mut bytes)?;
        Ok((id, bytes))
    });
    match read {
        Ok(r) => Some(r),
        Err(e) => {
            diags.push(Diagnostic::error(rel, format!("cannot read the file: {e}")));
            None
        }
    }
}

/// Parse and validate the bytes of one post file of `kind`, without touching the
/// filesystem. `rel` (the path relative to the site root) names the file in
/// messages and gives the slug; `None` when the post cannot be read at all.
pub fn parse_post(
    bytes: Vec<u8>,
    rel: &Path,
    kind: PostKind,
    config: Option<&Config>,
    now: DateTime<Utc>,
    diags: &mut Diagnostics,
) -> Option<Post> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..offset]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("the file is not UTF-8 text (invalid byte at offset {offset})"),
                )
                .at_line(Some(line)),
            );
            return None;
        }
    };
    let text = frontmatter::normalise(&text);
    let split = match frontmatter::split(&text) {
        Ok(s) => s,
        Err(e) => {
            let line = match e {
                SplitError::LineTooLong(n) => Some(n),
                SplitError::NoOpening | SplitError::NoClosing => Some(1),
                SplitError::Empty => None,
            };
            diags.push(Diagnostic::error(rel, e.to_string()).at_line(line));
            return None;
        }
    };
    let slug = match slug_of(rel) {
        Ok(s) => s,
        Err(msg) => {
            diags.push(Diagnostic::error(rel, msg));
            return None;
        }
    };
    let ctx = Ctx {
        file: rel,
        yaml: split.yaml,
        first_line: split.yaml_line,
        config,
        now,
    };
    let parsed = match kind {
        PostKind::Incident => yaml::parse::<IncidentMeta>(split.yaml, rel, split.yaml_line)
            .map(|m| incident(m, &ctx, diags)),
        PostKind::Maintenance => yaml::parse::<MaintenanceMeta>(split.yaml, rel, split.yaml_line)
            .map(|m| maintenance(m, &ctx, diags)),
        PostKind::News => {
            yaml::parse::<NewsMeta>(split.yaml, rel, split.yaml_line).map(|m| news(m, &ctx, diags))
        }
    };
    let (title, draft, components, detail) = match parsed {
        Ok(p) => p,
        Err(d) => {
            diags.push(with_empty_hint(d, split.yaml));
            return None;
        }
    };
    validate::title(&title, &ctx, diags);
    Some(Post {
        kind,
        slug,
        source: rel.to_path_buf(),
        title,
        draft,
        components,
        body: split.body.to_string(),
        detail,
        memo: Default::default(),
    })
}

/// Front matter that is only `---\n---` deserves a plainer message than serde's.
fn with_empty_hint(d: Diagnostic, yaml: &str) -> Diagnostic {
    if yaml.trim().is_empty() {
        Diagnostic {
            message: "the front matter is empty; it needs at least `title`".into(),
            ..d
        }
    } else {
        d
    }
}

type Parts = (String, bool, Vec<String>, Detail);

fn incident(m: IncidentMeta, ctx: &Ctx, diags: &mut Diagnostics) -> Parts {
    validate::components(&m.components, true, ctx, diags);
    let updates = sorted_updates(m.updates);
    let inc = Incident {
        impact: m.impact,
        started: m.started.0,
        resolved: m.resolved.map(|t| t.0),
        data_loss: m.data_loss.map(|d| DataLossNotice {
            report_by: d.report_by.map(|d| d.0),
            note: d.note,
        }),
        updates,
        scheduled_updates: Vec::new(),
    };
    validate::incident(&inc, ctx, diags);
    validate::future_updates(&inc.updates, ctx, diags);
    (m.title, m.draft, m.components, Detail::Incident(inc))
}

fn maintenance(m: MaintenanceMeta, ctx: &Ctx, diags: &mut Diagnostics) -> Parts {
    validate::components(&m.components, true, ctx, diags);
    let mt = Maintenance {
        start: m.scheduled_start.0,
        end: m.scheduled_end.0,
        updates: sorted_updates(m.updates),
        scheduled_updates: Vec::new(),
    };
    validate::maintenance(&mt, ctx, diags);
    validate::future_updates(&mt.updates, ctx, diags);
    (m.title, m.draft, m.components, Detail::Maintenance(mt))
}

fn news(m: NewsMeta, ctx: &Ctx, diags: &mut Diagnostics) -> Parts {
    validate::components(&m.components, false, ctx, diags);
    (
        m.title,
        m.draft,
        m.components,
        Detail::News(News { date: m.date.0 }),
    )
}

/// Sort updates for display; the order is total, so output is deterministic.
fn sorted_updates<S>(raw: Vec<RawUpdate<S>>) -> Vec<Update<S>> {
    let mut v: Vec<Update<S>> = raw
        .into_iter()
        .enumerate()
        .map(|(written, u)| Update {
            at: u.at.0,
            status: u.status,
            text: u.text,
            written,
        })
        .collect();
    // Newest first; among equal times the later-written one first.
    v.sort_by(|a, b| b.at.cmp(&a.at).then(b.written.cmp(&a.written)));
    v
}

/// The slug is the file stem; it becomes a URL segment, so keep it plain.
fn slug_of(rel: &Path) -> Result<String, String> {
    let stem = rel
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ok = !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !stem.starts_with('.');
    if ok {
        Ok(stem)
    } else {
        Err(format!(
            "the file name `{stem}.md` becomes the page URL: use only letters, digits, `-`, `_` and `.`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_is_read_whole_whatever_its_size() {
        let t = tempfile::tempdir().unwrap();
        // Empty, smaller than one read, and many reads' worth (the buffer is sized
        // from the metadata, so a wrong size would cut the text or over-read).
        for len in [0usize, 1, 4095, 300_000] {
            let path = t.path().join(format!("p{len}.md"));
            let text: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&path, &text).unwrap();
            let mut diags = Diagnostics::default();
            let (id, bytes) = read_post(&path, Path::new("p.md"), &mut diags).unwrap();
            assert_eq!(bytes, text, "{len} bytes");
            assert_eq!(id.size, len as u64);
            assert!(diags.is_empty());
        }
        let mut diags = Diagnostics::default();
        assert!(read_post(&t.path().join("gone.md"), Path::new("gone.md"), &mut diags).is_none());
        assert_eq!(diags.len(), 1);
        let e = diags.errors().next().expect("an error");
        assert_eq!(e.file, Path::new("gone.md"));
        assert!(
            e.message.starts_with("cannot read the file"),
            "{}",
            e.message
        );
    }
}
