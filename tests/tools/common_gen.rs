//! Helpers shared by the data generators in `tests/tools/` (included with `#[path]`).
//!
//! Everything here is deterministic: no clock, no OS randomness, no transcendental
//! floating-point functions whose last bits could differ between platforms.

#![allow(dead_code)]

use chrono::{DateTime, Utc};

/// `println!` that ignores a closed stdout (`… | head`) instead of panicking.
macro_rules! say {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// SplitMix64: tiny, fast and good enough for test data. Same seed, same stream.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream derived from this seed and a label (e.g. a check index).
    pub fn derive(seed: u64, label: u64) -> Rng {
        let mut r = Rng(seed ^ label.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next_u64();
        r
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`); the multiply-shift bias is irrelevant here.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// `(year, month, day)` of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time, written into a fixed buffer (no allocation).
pub fn ts_bytes(epoch: i64) -> [u8; 20] {
    let (y, mo, d) = civil_from_days(epoch.div_euclid(86_400));
    let secs = epoch.rem_euclid(86_400);
    let (h, mi, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut b = *b"0000-00-00T00:00:00Z";
    let mut put = |at: usize, v: i64, width: usize| {
        let mut v = v;
        for i in (0..width).rev() {
            b[at + i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    put(0, y, 4);
    put(5, i64::from(mo), 2);
    put(8, i64::from(d), 2);
    put(11, h, 2);
    put(14, mi, 2);
    put(17, s, 2);
    b
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time.
pub fn ts(epoch: i64) -> String {
    String::from_utf8(ts_bytes(epoch).to_vec()).expect("ASCII")
}

/// `YYYY-MM-DD` of a Unix time (UTC).
pub fn date(epoch: i64) -> String {
    ts(epoch)[..10].to_string()
}

/// Parse an RFC 3339 timestamp (with offset) or a bare `YYYY-MM-DD` (midnight UTC).
pub fn parse_time(s: &str) -> Result<i64, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp());
    }
    Err(format!(
        "`{s}` is not a time like 2026-11-28T09:00:00Z or a date like 2026-11-28"
    ))
}

/// Parse a duration: a number with unit `s`, `m`, `h` or `d` (combinable: `1h30m`).
pub fn parse_duration(s: &str) -> Result<i64, String> {
    let bad = || format!("`{s}` is not a duration; write e.g. `60s`, `5m`, `1h`");
    let mut total: i64 = 0;
    let mut num = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let n: i64 = num.parse().map_err(|_| bad())?;
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| v.checked_add(total))
            .ok_or_else(bad)?;
        num.clear();
    }
    if !num.is_empty() || total == 0 {
        return Err(bad());
    }
    Ok(total)
}

/// Append the decimal form of `n`.
pub fn push_u64(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// One feed result as a compact JSON line (with the trailing newline).
///
/// `check` and `message` must already be JSON string literals (quotes included), so
/// escaping happens once per distinct string, not once per line.
pub fn push_result(
    out: &mut Vec<u8>,
    check_json: &[u8],
    at: &[u8; 20],
    ok: bool,
    latency_ms: Option<u64>,
    message_json: Option<&[u8]>,
) {
    out.extend_from_slice(b"{\"check\":");
    out.extend_from_slice(check_json);
    out.extend_from_slice(b",\"at\":\"");
    out.extend_from_slice(at);
    out.extend_from_slice(if ok {
        b"\",\"ok\":true"
    } else {
        b"\",\"ok\":false"
    });
    if let Some(l) = latency_ms {
        out.extend_from_slice(b",\"latency_ms\":");
        push_u64(out, l);
    }
    if let Some(m) = message_json {
        out.extend_from_slice(b",\"message\":");
        out.extend_from_slice(m);
    }
    out.extend_from_slice(b"}\n");
}

/// A string as a JSON literal, quotes included.
pub fn json_str(s: &str) -> Vec<u8> {
    serde_json::to_vec(s).expect("a string always serialises")
}

/// Human size: `2.4 MB` (decimal units, as `ls -h --si`).
pub fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} B"),
        1_000..1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}

/// `Utc` instant of a Unix time (for chrono-based formatting).
pub fn utc(epoch: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(epoch, 0).expect("in range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_agree_with_chrono() {
        for e in [0, 1_795_856_400, 951_782_400, 4_102_444_799, 1_787_230_920] {
            assert_eq!(ts(e), utc(e).format("%Y-%m-%dT%H:%M:%SZ").to_string());
            assert_eq!(parse_time(&ts(e)), Ok(e));
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60s"), Ok(60));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("fast").is_err());
    }
}
