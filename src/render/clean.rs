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
    // `&` and `|`, not `&&` and `||`: no branches, so a chunk's scan vectorises.
    (b < 0x20) & (b != b'\t') & (b != b'\n') | (b == 0x7f) | (b == 0xc2) | (b == 0xef) | (b >= 0xf0)
}

/// Whether `bytes` may hold a [`forbidden`] character or CR: false only when every
/// suspicious byte starts a character that is neither.
///
/// The theme's own text makes nearly every page suspicious (a `·` is 0xC2 0xB7), so
/// each hit is decoded where it stands instead of sending the whole file through
/// the exact check. A suspicious byte is never a continuation byte, so in UTF-8 it
/// always starts a character; where it does not decode, say yes and let the exact
/// check decide.
fn may_hold_forbidden(bytes: &[u8]) -> bool {
    const CHUNK: usize = 64;
    for (k, chunk) in bytes.chunks(CHUNK).enumerate() {
        if !chunk.iter().fold(false, |hit, &b| hit | suspicious_byte(b)) {
            continue;
        }
        for (i, &b) in chunk.iter().enumerate() {
            if suspicious_byte(b) && starts_forbidden(&bytes[k * CHUNK + i..]) {
                return true;
            }
        }
    }
    false
}

/// Whether the character `rest` starts with is [`forbidden`], CR, or not UTF-8.
fn starts_forbidden(rest: &[u8]) -> bool {
    let head = &rest[..rest.len().min(4)];
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        // The next character may be cut off at four bytes; this one is whole.
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    valid
        .chars()
        .next()
        .is_none_or(|c| c == '\r' || forbidden(c))
}

/// Clean every HTML, XML and JSON file in place; other files are left alone.
pub fn clean_files(files: &mut Files) {
    use rayon::prelude::*;
    // 120 MB at 10,000 posts: both cores.
    files
        .par_iter_mut()
        .for_each(|(name, bytes)| clean_file(name, bytes));
}

/// Take every [`forbidden`] character out of the file `name` (by its extension: only
/// text outputs are touched).
pub fn clean_file(name: &str, bytes: &mut Vec<u8>) {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    if !TEXT_OUTPUTS.contains(&ext) {
        return;
    }
    // Almost every file is clean: a byte scan (several times faster than decoding)
    // rules most of them out before the exact check.
    if !may_hold_forbidden(bytes) {
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
    fn the_scan_finds_exactly_the_forbidden_characters_and_cr_wherever_they_stand() {
        // Every character, at offsets that put it before, across and after a chunk
        // boundary, among text that is itself suspicious (`·`) but allowed.
        for n in 0..=0x10ffff_u32 {
            let Some(c) = char::from_u32(n) else { continue };
            let bad = c == '\r' || forbidden(c);
            let offsets: &[usize] =
                if n < 0x800 || (0xfdd0..0x10000).contains(&n) || n & 0xfffe == 0xfffe {
                    &[0, 61, 62, 63, 64, 65]
                } else {
                    &[62]
                };
            for &at in offsets {
                let mut text = "·".repeat(at / 2);
                text.push_str(&"x".repeat(at % 2));
                text.push(c);
                text.push_str("·é✓ end");
                assert_eq!(
                    may_hold_forbidden(text.as_bytes()),
                    bad,
                    "U+{n:04X} at {at}"
                );
            }
        }
        // Not UTF-8: left to the exact check, which leaves such a file alone.
        assert!(may_hold_forbidden(&[b'a', 0xc2]));
        assert!(may_hold_forbidden(&[0xf5, 0x80, 0x80, 0x80]));
        assert!(!may_hold_forbidden(b"plain ascii, tabs\tand\nnewlines"));
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
        // Suspicious bytes of allowed characters: left as they are.
        files.insert("dots.html".into(), "a · b \u{a0} \u{fdcf} 🔧".into());
        files.insert(
            "late.html".into(),
            format!("{}\u{85}", "·".repeat(40)).into(),
        );
        clean_files(&mut files);
        assert_eq!(files["index.html"], "x\u{fffd}y".as_bytes());
        assert_eq!(files["feed.atom"], "x\u{fffd}y".as_bytes());
        assert_eq!(files["api/status.json"], "\"\u{fffd}\"".as_bytes());
        assert_eq!(files["logo.png"], vec![0, 0x1b, 0xff]);
        assert_eq!(files["clean.html"], b"fine");
        assert_eq!(files["crlf.xml"], b"a\nb");
        assert_eq!(files["dots.html"], "a · b \u{a0} \u{fdcf} 🔧".as_bytes());
        assert_eq!(
            files["late.html"],
            format!("{}\u{fffd}", "·".repeat(40)).as_bytes()
        );
    }
}
