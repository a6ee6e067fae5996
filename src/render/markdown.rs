//! Markdown to HTML with the extensions operators expect.

use pulldown_cmark::{Options, Parser, html};

/// The Markdown extensions every post and update is written with.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Render Markdown (tables, footnotes, strikethrough, task lists) to HTML.
pub fn to_html(md: &str) -> String {
    let opts = options();
    let mut out = String::with_capacity(md.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(md, opts));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_on() {
        assert!(to_html("| a |\n|---|\n| b |\n").contains("<table>"));
        assert!(to_html("~~gone~~").contains("<del>gone</del>"));
        assert!(to_html("- [x] done").contains("checkbox"));
        assert!(to_html("a[^1]\n\n[^1]: note").contains("footnote"));
    }
}
