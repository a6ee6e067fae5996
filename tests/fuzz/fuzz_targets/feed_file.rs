//! Any bytes as a feed file, read through `health::feed::read` both as JSON Lines
//! (`.jsonl`) and as one JSON array (`.json`), onto a tiny two-hour grid.
#![no_main]

use chrono::Duration;
use lantern::health::{Grid, feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let now = lantern_fuzz::now();
    // Not `Grid::new`: that always spans 90 days; two hours keeps each run cheap.
    let grid = Grid {
        start: now - Duration::hours(2),
        minutes: 120,
        now,
        days: Vec::new(),
    };
    let checks: Vec<String> = ["a", "b", "api"].map(String::from).to_vec();
    for name in ["feed.jsonl", "feed.json"] {
        let site = lantern_fuzz::fresh_dir();
        let dir = site.join("health");
        std::fs::create_dir_all(&dir).unwrap();
        lantern_fuzz::write(&dir, name, data);
        let (f, diags) = feed::read(&dir, &site, &checks, &grid, 2000);
        assert_eq!(f.files, 1);
        assert_eq!(f.bytes, data.len() as u64);
        assert_eq!(f.series.len(), checks.len());
        let placed: u64 = f.series.values().map(|s| s.results).sum();
        assert_eq!(placed, f.results);
        for s in f.series.values() {
            assert_eq!(s.slots.len(), grid.minutes);
            if let Some(l) = &s.latest {
                // A result stamped in the build's own second is present, not future
                // (`feed.rs` counts only `at > now` as future).
                assert!(
                    l.at <= now.timestamp(),
                    "a result after now is kept as latest"
                );
            }
        }
        for d in diags.sorted() {
            let _ = d.to_string();
        }
    }
});
