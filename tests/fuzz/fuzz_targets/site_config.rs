//! Any bytes as `content/site.yaml`: parse and validate. Must never panic; a
//! rejected config must say why, and an accepted one must be usable.
#![no_main]

use lantern::config::Config;
use lantern::health::record::{Record, State};
use lantern::health::series::Series;
use lantern::health::{Feed, Grid, Spans};
use libfuzzer_sys::fuzz_target;

fn model(cfg: &Config, grid: Grid) {
    let now = grid.now.timestamp();
    let series = lantern::health::configured_checks(cfg)
        .into_iter()
        .map(|id| {
            let mut s = Series::new(&grid);
            s.add(None, grid.start.timestamp() - 60, State::Down, None);
            let at = now - 300;
            s.add(grid.slot(at), at, State::Up, Some(u32::MAX));
            s.offer_latest(&Record {
                check: id.as_str().into(),
                at,
                state: State::Up,
                latency_ms: Some(u32::MAX),
                message: Some("fine".into()),
            });
            (id, s)
        })
        .collect();
    let feed = Feed {
        series,
        results: 0,
        files: 0,
        bytes: 0,
        skipped_files: 0,
        cache_writes: Vec::new(),
    };
    let spans = vec![Spans::default(); cfg.components.len()];
    let (_, components) = lantern::health::model(cfg, feed, grid, &spans);
    assert_eq!(components.len(), cfg.components.len());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match lantern::config::parse(text) {
        Ok(cfg) => {
            assert!(cfg.base_url.path().ends_with('/'));
            assert!(!cfg.title.trim().is_empty());
            for c in &cfg.components {
                assert!(lantern::config::valid_component_id(&c.id), "{}", c.id);
                assert!(cfg.component(&c.id).is_some());
            }
            let _ = lantern::health::configured_checks(&cfg);
            // The grid the build would lay for this config.
            let grid = lantern::health::Grid::new(
                lantern_fuzz::now(),
                cfg.timezone,
                cfg.health.history_days,
            );
            assert_eq!(grid.days.len(), cfg.health.history_days as usize);
            // The health model for this config, over a feed with one old and one
            // recent result per check: the config's spans and thresholds reach
            // the grid arithmetic here. Kept to small configs so runs stay fast.
            if cfg.components.len() <= 4 && cfg.health.history_days <= 120 {
                model(&cfg, grid);
            }
        }
        Err(diags) => {
            assert!(diags.has_errors(), "rejected without an error");
            for d in diags.sorted() {
                let _ = d.to_string();
            }
        }
    }
});
