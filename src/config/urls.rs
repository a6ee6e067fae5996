//! Which link targets Lantern puts into `href`: ones that navigate, never ones that run.
//!
//! `javascript:` and `data:` links execute in the status page's origin. Browsers
//! ignore case, strip leading and trailing spaces and controls and drop tabs and
//! newlines anywhere in a URL, so the check refuses control characters outright and
//! reads the scheme the way a browser would.

/// Schemes a configured or imported link may use.
pub const SCHEMES: &[&str] = &["https", "http", "mailto", "tel", "xmpp", "matrix"];

/// `Ok` when `url` is relative or uses one of [`SCHEMES`]; otherwise why not.
pub fn check_link(url: &str) -> Result<(), String> {
    if url.chars().any(char::is_control) {
        return Err(format!(
            "{url:?} contains a control character; write the URL on one line without them"
        ));
    }
    let url = url.trim();
    match scheme(url) {
        None => Ok(()),
        Some(s) if SCHEMES.iter().any(|ok| s.eq_ignore_ascii_case(ok)) => Ok(()),
        Some(_) => Err(format!(
            "`{url}` is not allowed: use an https:, http:, mailto:, tel:, xmpp: or matrix: URL, or a relative one"
        )),
    }
}

/// Whether `url` is a link Lantern may write (see [`check_link`]).
pub fn is_safe_link(url: &str) -> bool {
    check_link(url).is_ok()
}

/// The text before the first `:` when no `/`, `?` or `#` comes before it: a scheme,
/// or something a browser might still take for one, so it is checked as one.
fn scheme(url: &str) -> Option<&str> {
    let colon = url.find(':')?;
    let head = &url[..colon];
    (!head.contains(['/', '?', '#'])).then_some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn navigating_links_pass() {
        for ok in [
            "https://example.com/",
            "HTTP://example.com",
            "mailto:ops@example.com",
            "tel:+49301234",
            "xmpp:ops@example.com",
            "matrix:r/ops:example.com",
            "/contact/",
            "contact.html",
            "../help#a:b",
            "?q=a:b",
            "#top",
            "  https://example.com  ",
        ] {
            assert!(check_link(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn running_links_fail() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "  javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "DATA:text/html;base64,PHNjcmlwdD4=",
            "vbscript:msgbox",
            "file:///etc/passwd",
            ":nothing",
            "https://ok.example/\u{85}",
        ] {
            assert!(check_link(bad).is_err(), "{bad:?}");
        }
        assert!(check_link("javascript:x").unwrap_err().contains("https:"));
    }
}
