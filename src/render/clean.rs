//! Characters that must never reach an HTML, XML or JSON output, and the last pass
//! that takes them out of every such file.
//!
//! Feed messages, check ids and imported text come from other programs. A NUL or
//! U+FFFE makes an XML feed unparseable, and an ESC can reach a terminal through
//! `curl`. Cleaning the finished files, rather than each escaper, covers templates,
//! Markdown and hand-written XML alike, including ones added later.

use super::Files;

pub use crate::chars::{REPLACEMENT, forbidden};

/// `s` with every [`forbidden`] character replaced; CR is dropped (it only ever comes
/// from CRLF line ends, where removing it changes nothing a reader sees).
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' => {}
            c if forbidden(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    out
}

/// Output types that carry text from posts and feeds. Not `.ics`: its lines must end
/// in CRLF, and `render::ics` already keeps controls out of its values.
const TEXT_OUTPUTS: &[&str] = &["html", "htm", "xml", "svg", "atom", "rss", "json"];

/// A byte every [`forbidden`] character (and CR) starts with in UTF-8: a C0 control
/// other than tab and newline, DEL, 0xC2 (C1 controls), 0xEF (U+FDD0–U+FFFF) or a
/// four-byte lead (the noncharacters of planes 1–16).
fn suspicious_byte(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7f || b == 0xc2 || b == 0xef || b >= 0xf0
}

/// Clean every HTML, XML and JSON file in place; other files are left alone.
pub fn clean_files(files: &mut Files) {
    use rayon::prelude::*;
    // 120 MB at 10,000 posts: both cores.
    files.par_iter_mut().for_each(|(name, bytes)| {
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        if !TEXT_OUTPUTS.contains(&ext) {
            return;
        }
        // Almost every file is clean: a byte scan (several times faster than decoding)
        // rules most of them out before the exact check.
        if !bytes.iter().copied().any(suspicious_byte) {
            return;
        }
        // Outputs are UTF-8, but be safe if not.
        let Ok(text) = std::str::from_utf8(bytes) else {
            return;
        };
        // CR is among the forbidden characters (C0), so this also finds CRLF files.
        if text.chars().any(forbidden) {
            *bytes = clean_text(text).into_bytes();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_noncharacters_are_replaced() {
        assert_eq!(
            clean_text(
                "a\u{0}b\u{7}c\u{1b}[31md\u{7f}\u{85}\u{9f}\u{fffe}\u{ffff}\u{fdd0}\u{fdef}\u{1fffe}\u{10ffff}"
            ),
            "a\u{fffd}b\u{fffd}c\u{fffd}[31md\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}"
        );
        assert_eq!(
            clean_text("tab\tline\r\nok é ✓ \u{a0}\u{fdcf}\u{fdf0}\u{fffd}"),
            "tab\tline\nok é ✓ \u{a0}\u{fdcf}\u{fdf0}\u{fffd}"
        );
        assert!(
            !forbidden(' ') && !forbidden('~') && !forbidden('\u{a0}') && !forbidden('\u{fffd}')
        );
        assert!(forbidden('\u{1f}') && forbidden('\u{80}') && forbidden('\u{efffe}'));
    }

    #[test]
    fn every_forbidden_character_starts_with_a_suspicious_byte() {
        for n in 0..=0x10ffff_u32 {
            let Some(c) = char::from_u32(n) else { continue };
            if forbidden(c) {
                let mut buf = [0; 4];
                let first = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(suspicious_byte(first), "U+{n:04X}");
            }
        }
        for b in [b'a', b' ', b'\t', b'\n', 0x7e, 0xc3, 0xe2, 0xee] {
            assert!(!suspicious_byte(b), "{b:#x} needs no closer look");
        }
    }

    #[test]
    fn only_text_outputs_are_touched() {
        let mut files = Files::new();
        files.insert("index.html".into(), "x\u{1b}y".into());
        files.insert("feed.atom".into(), "x\u{0}y".into());
        files.insert("api/status.json".into(), "\"\u{fffe}\"".into());
        files.insert("logo.png".into(), vec![0, 0x1b, 0xff]);
        files.insert("clean.html".into(), "fine".into());
        files.insert("crlf.xml".into(), "a\r\nb".into());
        clean_files(&mut files);
        assert_eq!(files["index.html"], "x\u{fffd}y".as_bytes());
        assert_eq!(files["feed.atom"], "x\u{fffd}y".as_bytes());
        assert_eq!(files["api/status.json"], "\"\u{fffd}\"".as_bytes());
        assert_eq!(files["logo.png"], vec![0, 0x1b, 0xff]);
        assert_eq!(files["clean.html"], b"fine");
        assert_eq!(files["crlf.xml"], b"a\nb");
    }
}
