//! Any bytes as a Prometheus `query_range` response for `probe_success`, optionally
//! followed by a NUL and a `probe_duration_seconds` response (`--latency`), and a
//! NUL and a label name (`--label`), through `import::prometheus::import`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [success, latency, label] = lantern_fuzz::parts(data, 3)[..] else {
        unreachable!()
    };
    let dir = lantern_fuzz::fresh_dir();
    let path = lantern_fuzz::write(&dir, "success.json", success.unwrap_or_default());
    let latency = latency.map(|l| lantern_fuzz::write(&dir, "duration.json", l));
    let label = label.map(String::from_utf8_lossy);
    match lantern::import::prometheus::import(&path, latency.as_deref(), label.as_deref()) {
        Ok(imported) => lantern_fuzz::check_results(&dir, &imported),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
