//! Any bytes as one feed line through `health::record::parse`, plus a differential
//! check of its timestamp parsing (a hand-written fast path with chrono as the
//! fallback, private in `health::timestamp`) against chrono alone
//! (`time::parse_timestamp`), through the public API only.
#![no_main]

use lantern::health::record::{self, State};
use libfuzzer_sys::fuzz_target;

/// `at` as the record parser read it must be what chrono reads, to the second.
fn same_instant(at_text: &str, parsed: i64) {
    let chrono = lantern::time::parse_timestamp(at_text).unwrap_or_else(|e| {
        panic!("record accepted `at` {at_text:?} ({parsed}) but chrono says: {e}")
    });
    assert_eq!(chrono.timestamp(), parsed, "`at` {at_text:?}");
}

fn check_line(line: &[u8]) {
    for degraded_ms in [2000, u64::MAX] {
        match record::parse(line, degraded_ms) {
            Ok(r) => {
                assert!(!r.check.trim().is_empty());
                if r.state == State::Up {
                    assert!(r.latency_ms.is_none_or(|l| u64::from(l) <= degraded_ms));
                }
                // The `at` text as JSON has it (escapes resolved). Not through
                // `serde_json::Value`: that also checks the UTF-8 of ignored keys.
                #[derive(serde::Deserialize)]
                struct At<'a> {
                    #[serde(borrow)]
                    at: std::borrow::Cow<'a, str>,
                }
                let at: At = serde_json::from_slice(line).expect("`at` is a string");
                same_instant(&at.at, r.at);
            }
            Err(e) => assert!(!e.message.is_empty()),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check_line(data);
    // The input as the `at` of an otherwise valid record: drives the fast path.
    if let Ok(s) = std::str::from_utf8(data)
        && s.len() <= 64
    {
        let line = serde_json::json!({"check": "a", "at": s, "ok": true}).to_string();
        let rec = record::parse(line.as_bytes(), 2000);
        match (&rec, lantern::time::parse_timestamp(s)) {
            (Ok(r), Ok(t)) => assert_eq!(r.at, t.timestamp(), "`at` {s:?}"),
            (Ok(r), Err(e)) => panic!("record accepted `at` {s:?} ({}) but chrono says: {e}", r.at),
            (Err(e), Ok(t)) => panic!("record refused `at` {s:?} that chrono reads as {t}: {e:?}"),
            (Err(_), Err(_)) => {}
        }
    }
});
