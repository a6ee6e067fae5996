//! Characters that no output file and no terminal line may carry. A leaf, so that
//! `diagnostics` (terminal text) and `render` (output files) share one definition.

/// What a forbidden character becomes. Replaced rather than removed, so that
/// removing one can never join `java` and `script:` into a live URL scheme.
pub const REPLACEMENT: char = '\u{fffd}';

/// C0 controls other than tab and newline (CR too: it is dropped), DEL, C1 controls
/// and the Unicode noncharacters (U+FDD0–U+FDEF and the last two of every plane).
pub fn forbidden(c: char) -> bool {
    let n = c as u32;
    (n < 0x20 && c != '\t' && c != '\n')
        || (0x7f..=0x9f).contains(&n)
        || (0xfdd0..=0xfdef).contains(&n)
        || n & 0xfffe == 0xfffe
}
