//! A fast path for the feed's common line shape, tried before serde_json.
//!
//! Millions of lines look like `{"check":"db","at":"2026-…Z","ok":true,"latency_ms":12}`.
//! This scanner takes exactly that kind of line: the known keys once each, strings
//! without escapes or control characters, integer latencies, `true`/`false`/`null`.
//! Anything else (escapes, unknown keys, decimals, duplicates, odd spacing it does
//! not expect) returns `None` and the line goes to serde_json, which also words every
//! error; so the fast path never accepts a line serde would refuse, nor reads one
//! differently.

/// The fields of a line, borrowed from it; `None` from [`scan`] means "ask serde".
#[derive(Debug, Default, PartialEq)]
pub struct Fields<'a> {
    pub check: Option<&'a str>,
    pub at: Option<&'a str>,
    pub ok: Option<bool>,
    /// `up`, `degraded` or `down`, as written.
    pub status: Option<&'a str>,
    pub latency_ms: Option<f64>,
    pub message: Option<&'a str>,
}

/// Scan one line; `None` when it is not in the simple shape.
pub fn scan(line: &[u8]) -> Option<Fields<'_>> {
    let mut s = Scanner { b: line, i: 0 };
    let mut f = Fields::default();
    // Bits of the keys seen, so a duplicate goes to serde (which refuses it).
    let mut seen = 0u8;
    s.ws();
    s.eat(b'{')?;
    s.ws();
    if s.peek()? == b'}' {
        return None; // no `check`: serde words the error
    }
    loop {
        let key = s.raw_string()?;
        s.ws();
        s.eat(b':')?;
        s.ws();
        let bit = match key {
            b"check" => {
                f.check = Some(s.string()?);
                1
            }
            b"at" => {
                f.at = Some(s.string()?);
                2
            }
            b"ok" => {
                f.ok = s.opt_bool()?;
                4
            }
            b"status" => {
                let v = s.string()?;
                if !matches!(v, "up" | "degraded" | "down") {
                    return None;
                }
                f.status = Some(v);
                8
            }
            b"latency_ms" => {
                f.latency_ms = Some(s.integer()?);
                16
            }
            b"message" => {
                f.message = if s.literal(b"null") {
                    None
                } else {
                    Some(s.string()?)
                };
                32
            }
            _ => return None,
        };
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        s.ws();
        match s.next()? {
            b',' => s.ws(),
            b'}' => break,
            _ => return None,
        }
    }
    s.ws();
    (s.i == line.len() && f.check.is_some() && f.at.is_some()).then_some(f)
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }
    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }
    fn literal(&mut self, word: &[u8]) -> bool {
        let hit = self.b[self.i..].starts_with(word);
        if hit {
            self.i += word.len();
        }
        hit
    }
    /// The bytes of a string without escapes or control characters; also whether
    /// they are all ASCII. One pass over the bytes.
    fn string_bytes(&mut self) -> Option<(&'a [u8], bool)> {
        self.eat(b'"')?;
        let start = self.i;
        let mut high = 0u8;
        for (n, &c) in self.b[start..].iter().enumerate() {
            if c == b'"' {
                self.i = start + n + 1;
                return Some((&self.b[start..start + n], high < 0x80));
            }
            if c == b'\\' || c < 0x20 {
                return None;
            }
            high |= c;
        }
        None
    }
    /// A key: its bytes (only known ASCII keys are accepted by the caller).
    fn raw_string(&mut self) -> Option<&'a [u8]> {
        self.string_bytes().map(|(b, _)| b)
    }
    /// A string value without escapes or control characters, valid UTF-8.
    fn string(&mut self) -> Option<&'a str> {
        let (raw, ascii) = self.string_bytes()?;
        if ascii {
            // SAFETY: every byte is below 0x80, and ASCII is valid UTF-8.
            Some(unsafe { std::str::from_utf8_unchecked(raw) })
        } else {
            std::str::from_utf8(raw).ok()
        }
    }
    fn opt_bool(&mut self) -> Option<Option<bool>> {
        if self.literal(b"true") {
            Some(Some(true))
        } else if self.literal(b"false") {
            Some(Some(false))
        } else if self.literal(b"null") {
            Some(None)
        } else {
            None
        }
    }
    /// A non-negative integer of at most 15 digits (exact as an f64), no leading zero.
    fn integer(&mut self) -> Option<f64> {
        let start = self.i;
        let n = self.b[start..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n == 0 || n > 15 || (n > 1 && self.b[start] == b'0') {
            return None;
        }
        // A fraction or exponent follows: serde's float parsing decides.
        if matches!(self.b.get(start + n), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.i += n;
        let mut v = 0u64;
        for &c in &self.b[start..start + n] {
            v = v * 10 + u64::from(c - b'0');
        }
        Some(v as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_shape_is_read() {
        let f = scan(br#"{"check":"db","at":"2026-11-20T03:12:00Z","ok":false,"latency_ms":1200,"message":"refused"}"#)
            .unwrap();
        assert_eq!(
            f,
            Fields {
                check: Some("db"),
                at: Some("2026-11-20T03:12:00Z"),
                ok: Some(false),
                status: None,
                latency_ms: Some(1200.0),
                message: Some("refused"),
            }
        );
        let f = scan(b" { \"at\" : \"x\" , \"check\":\"\xc3\xa9\", \"status\":\"degraded\", \"ok\": null, \"message\": null } ").unwrap();
        assert_eq!(
            (f.check, f.status, f.ok, f.message),
            (Some("é"), Some("degraded"), None, None)
        );
    }

    #[test]
    fn anything_unusual_goes_to_serde() {
        for line in [
            r#"{"check":"a\"b","at":"x","ok":true}"#,
            r#"{"check":"a","at":"x","ok":true,"region":"eu"}"#,
            r#"{"check":"a","at":"x","ok":true,"latency_ms":1.5}"#,
            r#"{"check":"a","at":"x","ok":true,"latency_ms":1e3}"#,
            r#"{"check":"a","at":"x","ok":true,"latency_ms":-1}"#,
            r#"{"check":"a","at":"x","ok":true,"latency_ms":012}"#,
            r#"{"check":"a","at":"x","ok":true,"latency_ms":1234567890123456}"#,
            r#"{"check":"a","check":"b","at":"x","ok":true}"#,
            r#"{"check":"a","at":"x","ok":"yes"}"#,
            r#"{"check":"a","at":"x","status":"sideways"}"#,
            r#"{"check":"a","at":"x","ok":true} x"#,
            r#"{"check":"a","at":"x","ok":true,}"#,
            r#"{"check":"a","ok":true}"#,
            r#"{"check":null,"at":"x","ok":true}"#,
            r#"{"check":"a","at":"x","ok":tru}"#,
            "{\"check\":\"a\tb\",\"at\":\"x\",\"ok\":true}",
            "{}",
            "[]",
            "",
            r#"{"check":"a","at":"x","ok":true"#,
        ] {
            assert_eq!(scan(line.as_bytes()), None, "{line}");
        }
        assert_eq!(
            scan(b"{\"check\":\"\xff\",\"at\":\"x\",\"ok\":true}"),
            None,
            "not UTF-8"
        );
    }

    #[test]
    fn agrees_with_serde_on_what_it_takes() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Serde<'a> {
            check: &'a str,
            at: &'a str,
            ok: Option<bool>,
            status: Option<&'a str>,
            latency_ms: Option<f64>,
            message: Option<&'a str>,
        }
        for line in [
            r#"{"check":"db","at":"2026-11-20T03:12:00Z","ok":true,"latency_ms":0}"#,
            r#"{"check":"db","at":"t","status":"down","message":"<b>x</b>"}"#,
            r#"  {"message":"m","latency_ms":999999999999999,"ok":null,"at":"t","check":"c"}  "#,
        ] {
            let fast = scan(line.as_bytes()).unwrap();
            let slow: Serde = serde_json::from_str(line).unwrap();
            assert_eq!(
                (
                    fast.check,
                    fast.at,
                    fast.ok,
                    fast.status,
                    fast.latency_ms,
                    fast.message
                ),
                (
                    Some(slow.check),
                    Some(slow.at),
                    slow.ok,
                    slow.status,
                    slow.latency_ms,
                    slow.message
                ),
                "{line}"
            );
        }
    }
}
