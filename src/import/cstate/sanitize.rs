//! Making an imported cState body safe to publish: it is Markdown with raw HTML,
//! written with another tool and possibly by someone else, and Lantern renders a
//! post's raw HTML as is (operators' own posts may use it on purpose).
//!
//! HTML blocks go through `ammonia` (scripts, event handlers and unsafe URLs removed);
//! inline tags other than plain formatting ones are escaped so they show as text;
//! Markdown links and images whose target would run (`javascript:`, `data:`, …) are
//! replaced by their text. Each change can reveal new Markdown (text that was inside
//! a tag), so the passes repeat until nothing changes, and a body that does not settle
//! has every `<` and `[` escaped: then nothing in it can be a tag or a link.

use crate::config::urls;
use crate::render::markdown;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::ops::Range;

/// Enough for any body a person wrote; a body still changing after this is hostile.
const MAX_PASSES: usize = 8;

/// Inline tags kept as written: formatting only, no attributes, nothing that loads.
const INLINE_TAGS: &[&str] = &[
    "b", "i", "em", "strong", "code", "sub", "sup", "u", "s", "del", "ins", "mark", "small", "kbd",
    "br",
];

/// The body with nothing left that could run script or load from a `javascript:` URL.
pub fn sanitize(md: &str) -> String {
    let mut current = md.to_string();
    for _ in 0..MAX_PASSES {
        let next = pass(&current);
        if next == current {
            return current;
        }
        current = next;
    }
    escape_everything(&current)
}

/// One round of edits over the parsed body.
fn pass(md: &str) -> String {
    let cleaner = block_cleaner();
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    // An element being replaced whole: nothing inside it is edited in this pass.
    let mut replacing: Option<Replacing> = None;
    let mut in_block = false;
    for (event, range) in Parser::new_ext(md, markdown::options()).into_offset_iter() {
        if let Some(r) = replacing.as_mut() {
            match event {
                Event::End(TagEnd::Link | TagEnd::Image) if r.depth == 0 => {
                    let text = r.inner.clone().map_or("", |i| &md[i]).to_string();
                    edits.push((r.whole.clone(), text));
                    replacing = None;
                }
                Event::Start(_) => {
                    r.depth += 1;
                    r.widen(&range);
                }
                Event::End(_) => {
                    r.depth = r.depth.saturating_sub(1);
                    r.widen(&range);
                }
                _ => r.widen(&range),
            }
            continue;
        }
        match event {
            Event::Start(Tag::HtmlBlock) => {
                in_block = true;
                let src = &md[range.clone()];
                let clean = clean_block(&cleaner, src);
                if clean != src {
                    edits.push((range, clean));
                }
            }
            Event::End(TagEnd::HtmlBlock) => in_block = false,
            // The block's own lines were handled with the block.
            Event::Html(_) if in_block => {}
            Event::Html(html) | Event::InlineHtml(html) if !plain_inline_tag(&html) => {
                edits.push((range.clone(), md[range].replace('<', "&lt;")));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !urls::is_safe_link(&dest_url) =>
            {
                replacing = Some(Replacing {
                    whole: range,
                    inner: None,
                    depth: 0,
                });
            }
            _ => {}
        }
    }
    apply(md, edits)
}

/// A link or image being replaced by the source of its content.
struct Replacing {
    whole: Range<usize>,
    inner: Option<Range<usize>>,
    depth: usize,
}

impl Replacing {
    fn widen(&mut self, r: &Range<usize>) {
        self.inner = Some(match self.inner.take() {
            None => r.clone(),
            Some(i) => i.start.min(r.start)..i.end.max(r.end),
        });
    }
}

/// Apply non-overlapping edits (in source order) to `md`.
fn apply(md: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(md.len());
    let mut at = 0;
    for (r, text) in edits {
        if r.start < at {
            continue; // overlaps an earlier edit; the next pass sees it again
        }
        out.push_str(&md[at..r.start]);
        out.push_str(&text);
        at = r.end;
    }
    out.push_str(&md[at..]);
    out
}

/// ammonia with Lantern's link schemes.
fn block_cleaner() -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.url_schemes(urls::SCHEMES.iter().copied().collect::<HashSet<_>>());
    b
}

/// An HTML block, sanitized, still one block: blank lines would end it early and turn
/// the rest into Markdown.
fn clean_block(cleaner: &ammonia::Builder<'_>, src: &str) -> String {
    let clean = cleaner.clean(src).to_string();
    let mut out: String = clean
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    if !out.is_empty() && src.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `<b>`, `</em>`, `<br/>` and the like: no attributes, only formatting.
fn plain_inline_tag(html: &str) -> bool {
    let t = html.trim();
    let Some(inner) = t.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
        return false;
    };
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let inner = inner.strip_suffix('/').unwrap_or(inner).trim_end();
    INLINE_TAGS
        .iter()
        .any(|tag| inner.eq_ignore_ascii_case(tag))
}

/// The last resort: no `<` (no tag, no autolink) and no unescaped `[` (no link).
fn escape_everything(md: &str) -> String {
    md.replace('<', "&lt;").replace('[', "\\[")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        markdown::to_html(&sanitize(md))
    }

    #[test]
    fn scripts_and_script_links_are_not_live() {
        for body in [
            "<script>alert(1)</script>\n",
            "Text\n\n<div onclick=\"alert(1)\">x</div>\n",
            "<p><a href=\"javascript:alert(1)\">click</a></p>\n",
            "Inline <a href=\"JavaScript:alert(1)\">click</a> here.\n",
            "[click](javascript:alert(1)) and ![i](data:image/svg+xml,<svg onload=alert(1)>)\n",
            "[ref link][r]\n\n[r]: javascript:alert(1)\n",
            "<javascript:alert(1)>\n",
            "[**bold** click](  JAVASCRIPT:alert(1))\n",
            "<img src=x onerror=alert(1)>\n",
            "Para <img src=x onerror=alert(1)> inline\n",
            "<div>\n\n[x](javascript:alert(1))\n\n</div>\n",
            "<iframe src=\"https://evil.example\"></iframe>\n",
            "<svg><script>alert(1)</script></svg>\n",
            "[![i](javascript:a)](javascript:b)\n",
        ] {
            let out = html(body);
            // Escaped text may show the attack; only real tags could run it.
            for tag in tags(&out) {
                let t = tag.to_lowercase();
                for bad in ["<script", "javascript:", "data:", "<iframe", " on", "<svg"] {
                    assert!(!t.contains(bad), "{body:?} → {out}");
                }
            }
        }
    }

    /// Every `<…>` of the HTML: the tags a browser would parse.
    fn tags(html: &str) -> Vec<&str> {
        html.match_indices('<')
            .map(|(i, _)| &html[i..html[i..].find('>').map_or(html.len(), |e| i + e + 1)])
            .collect()
    }

    #[test]
    fn ordinary_bodies_are_kept() {
        let body = "*Update* - fixed, see [the log](https://example.com/log).\n\nLine<br>break and <b>bold</b>.\n\n<p>An <em>HTML</em> paragraph with <a href=\"https://example.com\">a link</a>.</p>\n\n- a list\n";
        let out = sanitize(body);
        assert!(out.contains("[the log](https://example.com/log)"), "{out}");
        assert!(out.contains("Line<br>break and <b>bold</b>"), "{out}");
        assert!(out.contains("<em>HTML</em>"), "{out}");
        assert!(out.contains("href=\"https://example.com\""), "{out}");
        assert!(out.contains("- a list"), "{out}");
        assert_eq!(sanitize("plain text\n"), "plain text\n");
        // The link's text survives its link.
        assert!(sanitize("[**bold** click](javascript:x)").contains("**bold** click"));
    }

    #[test]
    fn a_body_that_never_settles_is_escaped() {
        let out = escape_everything("<b>[x](javascript:y)</b>");
        assert_eq!(out, "&lt;b>\\[x](javascript:y)&lt;/b>");
        let html = markdown::to_html(&out);
        assert!(!html.contains("<b>") && !html.contains("href"), "{html}");
    }
}
