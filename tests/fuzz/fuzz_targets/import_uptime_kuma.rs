//! Any bytes as Uptime Kuma heartbeat JSON, optionally followed by a NUL and the
//! status-page JSON for `--names`, through `import::uptime_kuma::import`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let [beats, names] = lantern_fuzz::parts(data, 2)[..] else {
        unreachable!()
    };
    let dir = lantern_fuzz::fresh_dir();
    let path = lantern_fuzz::write(&dir, "heartbeat.json", beats.unwrap_or_default());
    let names = names.map(|n| lantern_fuzz::write(&dir, "status-page.json", n));
    match lantern::import::uptime_kuma::import(&path, names.as_deref()) {
        Ok(imported) => lantern_fuzz::check_results(&dir, &imported),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
