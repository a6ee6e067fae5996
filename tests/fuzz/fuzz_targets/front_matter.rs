//! Any bytes as a post file: normalise, split, then parse and validate as each
//! post kind (with and without a site config). Must never panic; a post that is
//! not returned must come with an error naming the file.
#![no_main]

use lantern::content::{PostKind, frontmatter, parse_post};
use lantern::diagnostics::Diagnostics;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let norm = frontmatter::normalise(text);
        if let Ok(s) = frontmatter::split(&norm) {
            // Both parts are slices of the text, front matter first.
            let base = norm.as_ptr() as usize;
            let (y, b) = (s.yaml.as_ptr() as usize, s.body.as_ptr() as usize);
            assert!(y >= base && y + s.yaml.len() <= b && b + s.body.len() <= base + norm.len());
            assert_eq!(s.yaml_line, 2);
            assert_eq!(s.body_line, 3 + s.yaml.matches('\n').count());
        }
    }
    let config = lantern_fuzz::config();
    for kind in PostKind::ALL {
        let rel = Path::new("content").join(kind.dir()).join("fuzz-post.md");
        for cfg in [None, Some(config)] {
            let mut diags = Diagnostics::default();
            let post = parse_post(
                data.to_vec(),
                &rel,
                kind,
                cfg,
                lantern_fuzz::now(),
                &mut diags,
            );
            for d in diags.sorted() {
                let _ = d.to_string();
                assert_eq!(d.file, rel);
            }
            match post {
                None => assert!(diags.has_errors(), "no post and no error"),
                Some(p) => {
                    assert_eq!(p.kind, kind);
                    assert_eq!(p.slug, "fuzz-post");
                    let _ = (p.date(), p.updated(), p.path());
                }
            }
        }
    }
});
