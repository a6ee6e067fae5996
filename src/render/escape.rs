//! Escaping for hand-written XML and HTML (feeds, sitemap, badges, email): one escaper,
//! used by every output that does not go through tera's autoescape.

/// Escape text for XML content and attribute values (both quote kinds included).
///
/// Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are dropped: one stray
/// control character in a post must not make the whole feed unparseable.
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(
            escape_xml("<script>&\"x'\u{0}\u{1b}\n"),
            "&lt;script&gt;&amp;&quot;x&apos;\n"
        );
        assert_eq!(escape_xml("Café ✓"), "Café ✓");
    }
}
