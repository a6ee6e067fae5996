//! Any bytes as one cState issue (`content/issues/<name>.md`: Hugo front matter and
//! a Markdown body) through `import::cstate::plan`, read with and without
//! `--timezone`. Every post it plans must load as a Lantern post of its kind: the
//! importer writes front matter, so its output must parse.
#![no_main]

use chrono_tz::Tz;
use lantern::content::{PostKind, parse_post};
use lantern::diagnostics::Diagnostics;
use lantern::import::cstate::{self, Options};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let dir = lantern_fuzz::fresh_dir();
    lantern_fuzz::write(&dir, "2026-11-20-fuzz-issue.md", data);
    for timezone in [None, Some(Tz::UTC), Some(Tz::Europe__Berlin)] {
        let opts = Options {
            timezone,
            components: vec!["Media Proxy=media".into(), "API=api".into()],
            site: None,
            now: None,
        };
        let plan = match cstate::plan(&dir, &opts) {
            Ok(p) => p,
            Err(e) => {
                let _ = e.to_string();
                continue;
            }
        };
        assert_eq!(plan.posts.len(), 1);
        for p in &plan.posts {
            let kind = match p.rel.parent().and_then(Path::to_str) {
                Some("incidents") => PostKind::Incident,
                Some("maintenance") => PostKind::Maintenance,
                Some("news") => PostKind::News,
                other => panic!("planned a post in {other:?}"),
            };
            let rel = Path::new("content").join(&p.rel);
            let mut diags = Diagnostics::default();
            let post = parse_post(
                p.text.clone().into_bytes(),
                &rel,
                kind,
                None,
                lantern_fuzz::now(),
                &mut diags,
            );
            let post = post.unwrap_or_else(|| {
                let why: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
                panic!(
                    "the planned post does not load:\n{}\n{}",
                    why.join("\n"),
                    p.text
                )
            });
            assert_eq!(post.kind, kind);
        }
    }
});
