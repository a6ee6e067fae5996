//! Markdown to HTML with the extensions operators expect.

use pulldown_cmark::{Event, Options, Parser, html};

/// The Markdown extensions every post and update is written with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Render Markdown (tables, footnotes, strikethrough, task lists) to HTML.
pub fn to_html(md: &str) -> String {
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(md, options()).map(labelled_task));
    out
}

/// pulldown-cmark writes task-list checkboxes without a name; screen readers then
/// announce an unlabeled control. Give each one its state in words.
pub fn labelled_task(ev: Event<'_>) -> Event<'_> {
    match ev {
        Event::TaskListMarker(done) => Event::InlineHtml(
            if done {
                r#"<input disabled="" type="checkbox" checked="" aria-label="done"> "#
            } else {
                r#"<input disabled="" type="checkbox" aria-label="to do"> "#
            }
            .into(),
        ),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_on() {
        assert!(to_html("| a |\n|---|\n| b |\n").contains("<table>"));
        assert!(to_html("~~gone~~").contains("<del>gone</del>"));
        assert!(to_html("- [x] done").contains(r#"checked="" aria-label="done""#));
        assert!(to_html("- [ ] later").contains(r#"aria-label="to do""#));
        assert!(to_html("a[^1]\n\n[^1]: note").contains("footnote"));
    }
}
