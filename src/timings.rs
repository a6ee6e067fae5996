//! Stage timings on stderr when `LANTERN_TIMINGS` is set: where a build's time goes,
//! for benchmarks and for an operator whose cron build got slow.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("LANTERN_TIMINGS").is_some_and(|v| !v.is_empty()))
}

/// Run `f`; with timings on, print how long it took as `lantern: <stage> <ms> ms`.
pub fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    eprintln!(
        "lantern: {name} {:.1} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    out
}
