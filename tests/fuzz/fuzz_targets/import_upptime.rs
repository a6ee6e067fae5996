//! Any bytes as an Upptime checkout: `history/summary.json`, then after a NUL the
//! `history/<slug>.yml` written for every plain slug the summary lists (so the YAML
//! parser is reached), through `import::upptime::import`. The first byte after a
//! second NUL picks `--days` (1 to 4) to keep each run short.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [summary, yml, days] = lantern_fuzz::parts(data, 3)[..] else {
        unreachable!()
    };
    let summary = summary.unwrap_or_default();
    let site = lantern_fuzz::fresh_dir();
    let history = site.join("history");
    std::fs::create_dir_all(&history).unwrap();
    lantern_fuzz::write(&history, "summary.json", summary);
    if let Some(yml) = yml
        && let Ok(serde_json::Value::Array(sites)) = serde_json::from_slice(summary)
    {
        for slug in sites.iter().filter_map(|s| s.get("slug")?.as_str()).take(4) {
            let plain = !slug.is_empty()
                && slug.len() < 64
                && slug
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if plain {
                lantern_fuzz::write(&history, &format!("{slug}.yml"), yml);
            }
        }
    }
    let days = 1 + u32::from(days.and_then(|d| d.first().copied()).unwrap_or(0) % 4);
    match lantern::import::upptime::import(&site, days) {
        Ok(imported) => lantern_fuzz::check_results(&site, &imported),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
