//! Cheap RFC 3339 parsing for the feed's hot loop, with chrono as the fallback.
//!
//! Millions of feed lines carry timestamps in one common shape; parsing that shape
//! by hand avoids an allocation and chrono's general parser per line. Anything
//! unusual goes to [`crate::time::parse_timestamp`], which also words the errors.

/// Seconds since the Unix epoch of an RFC 3339 timestamp with offset.
pub fn parse_epoch(s: &str) -> Result<i64, String> {
    fast(s.as_bytes()).map_or_else(
        || crate::time::parse_timestamp(s).map(|t| t.timestamp()),
        Ok,
    )
}

/// The last timestamp parsed and its value. The results of one probe round share
/// their `at`, so most lines of a feed repeat the one before's: comparing 20 bytes
/// is cheaper than parsing them.
#[derive(Debug, Default)]
pub struct Memo {
    text: [u8; 32],
    /// 0: nothing remembered (an empty timestamp never parses).
    len: usize,
    epoch: i64,
}

impl Memo {
    /// [`parse_epoch`], or the value remembered for the same text.
    pub fn parse(&mut self, s: &str) -> Result<i64, String> {
        let b = s.as_bytes();
        if self.len != 0 && b == &self.text[..self.len] {
            return Ok(self.epoch);
        }
        let epoch = parse_epoch(s)?;
        if let Some(slot) = self.text.get_mut(..b.len()) {
            slot.copy_from_slice(b);
            (self.len, self.epoch) = (b.len(), epoch);
        }
        Ok(epoch)
    }
}

fn num(b: &[u8]) -> Option<i64> {
    let mut n = 0i64;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some(n)
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `None` for anything else.
fn fast(b: &[u8]) -> Option<i64> {
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let (y, mo, d) = (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?);
    let (h, mi, s) = (num(&b[11..13])?, num(&b[14..16])?, num(&b[17..19])?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return None;
        }
        rest = &frac[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), oh @ ..] if oh.len() == 5 && oh[2] == b':' => {
            let (oh, om) = (num(&oh[0..2])?, num(&oh[3..5])?);
            if oh > 23 || om > 59 {
                return None;
            }
            let secs = oh * 3600 + om * 60;
            if *sign == b'+' { secs } else { -secs }
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_agrees_with_chrono() {
        for s in [
            "2026-11-20T03:12:00Z",
            "2024-02-29T23:59:59.123Z",
            "2026-11-20T05:12:00+02:00",
            "1999-12-31T22:00:00-05:30",
            "2026-03-29T01:30:00Z",
        ] {
            let want = chrono::DateTime::parse_from_rfc3339(s).unwrap().timestamp();
            assert_eq!(fast(s.as_bytes()), Some(want), "{s}");
        }
    }

    #[test]
    fn the_memo_gives_what_parsing_gives() {
        let mut m = Memo::default();
        let long = "2026-11-20T03:12:00.123456789012345+02:00";
        for s in [
            "2026-11-20T03:12:00Z",
            "2026-11-20T03:12:00Z",
            "2026-11-20T03:12:01Z",
            "2026-11-20T03:12:00Z",
            "2026-11-20T05:12:00+02:00",
            long,
            long,
            "2026-11-20T03:12:00Z",
        ] {
            assert_eq!(m.parse(s), parse_epoch(s), "{s}");
        }
        // A bad timestamp is an error every time, and leaves the memo as it was.
        assert!(m.parse("2026-11-20T03:12:00").is_err());
        assert!(m.parse("2026-11-20T03:12:00").is_err());
        assert!(m.parse("").is_err());
        assert_eq!(
            m.parse("2026-11-20T03:12:00Z"),
            parse_epoch("2026-11-20T03:12:00Z")
        );
        assert_eq!(
            (m.len, m.epoch),
            (20, parse_epoch("2026-11-20T03:12:00Z").unwrap())
        );
        // Too long to remember: parsed each time, the memo keeps the last one it held.
        assert_eq!(m.parse(long), parse_epoch(long));
        assert_eq!(m.len, 20);
        // The same text again is answered from the memo, not parsed.
        m.epoch = 42;
        assert_eq!(m.parse("2026-11-20T03:12:00Z"), Ok(42));
        assert_eq!(
            Memo::default().parse("2026-11-20T03:12:00Z"),
            parse_epoch("2026-11-20T03:12:00Z")
        );
    }

    #[test]
    fn the_fast_path_takes_nothing_out_of_shape_or_range() {
        for s in [
            "2026/11-20T03:12:00Z",
            "2026-11/20T03:12:00Z",
            "2026-11-20X03:12:00Z",
            "2026-11-20T03-12:00Z",
            "2026-11-20T03:12-00Z",
            "2026-13-20T03:12:00Z",
            "2026-00-20T03:12:00Z",
            "2026-11-00T03:12:00Z",
            "2026-11-31T03:12:00Z",
            "2026-11-20T24:12:00Z",
            "2026-11-20T03:60:00Z",
            "2026-11-20T03:12:60Z",
        ] {
            assert_eq!(fast(s.as_bytes()), None, "{s}");
        }
        // Each of those one character away from a timestamp it takes.
        assert!(fast(b"2026-11-30T23:59:59Z").is_some());
        assert!(fast(b"2026-12-01T00:00:00Z").is_some());
    }

    #[test]
    fn odd_or_bad_input_falls_back() {
        assert_eq!(fast(b"2026-11-20T03:12:00"), None);
        assert_eq!(fast(b"2026-02-30T03:12:00Z"), None);
        assert!(
            parse_epoch("2026-11-20T03:12:00")
                .unwrap_err()
                .contains("no UTC offset")
        );
        assert!(
            parse_epoch("2026-11-20 03:12:00Z").is_ok(),
            "chrono accepts a space separator"
        );
    }
}
