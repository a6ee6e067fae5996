//! Any bytes as a Gatus statuses document through `import::gatus::import`; every
//! result it returns must make a valid feed line.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = lantern_fuzz::fresh_dir();
    let path = lantern_fuzz::write(&dir, "statuses.json", data);
    match lantern::import::gatus::import(&path) {
        Ok(imported) => lantern_fuzz::check_results(&dir, &imported),
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
