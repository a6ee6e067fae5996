//! Handing pages over as they are rendered, so a fresh build never holds the whole
//! site in memory: `output::Stream` writes them into its staging folder meanwhile.

use super::RenderError;
use rayon::prelude::*;
use std::sync::Mutex;

/// Takes finished pages: cleaned, their final bytes.
pub trait Sink: Sync {
    /// Take a batch of finished pages (path, bytes).
    fn put(&self, pages: Vec<(String, Vec<u8>)>);
}

/// Pages rendered together before they are handed over: few enough that the batches
/// in flight stay small (64 pages ≈ 0.7 MB with the default theme), enough that
/// the sink's list of files in progress grows by one write per batch, not per page.
const BATCH: usize = 64;

/// Render pages `0..n` with `one`, in parallel and in order. Without a sink, returns
/// them. With one, hands each batch over as soon as it is rendered, returns empty
/// placeholders in their place (the sitemap and the collision check still see every
/// path) and notes their paths in `handed`. A page that is already a placeholder
/// (reused by the render cache) is returned as it is.
pub fn render_batched<F>(
    n: usize,
    sink: Option<&dyn Sink>,
    handed: &Mutex<Vec<String>>,
    one: F,
) -> Result<Vec<(String, Vec<u8>)>, RenderError>
where
    F: Fn(usize) -> Result<(String, Vec<u8>), RenderError> + Sync,
{
    let Some(sink) = sink else {
        return (0..n).into_par_iter().map(&one).collect();
    };
    let starts: Vec<usize> = (0..n).step_by(BATCH).collect();
    let batches = starts
        .par_iter()
        .map(|&start| {
            let pages = (start..n.min(start + BATCH))
                .map(&one)
                .collect::<Result<Vec<_>, _>>()?;
            let mut out = Vec::with_capacity(pages.len());
            let mut full = Vec::with_capacity(pages.len());
            for (path, mut bytes) in pages {
                if bytes.is_empty() {
                    out.push((path, bytes));
                    continue;
                }
                super::clean::clean_file(&path, &mut bytes);
                out.push((path.clone(), Vec::new()));
                full.push((path, bytes));
            }
            let paths: Vec<String> = full.iter().map(|(p, _)| p.clone()).collect();
            sink.put(full);
            handed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .extend(paths);
            Ok(out)
        })
        .collect::<Result<Vec<_>, RenderError>>()?;
    Ok(batches.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Taken(Mutex<Vec<(String, Vec<u8>)>>);

    impl Sink for Taken {
        fn put(&self, pages: Vec<(String, Vec<u8>)>) {
            self.0.lock().unwrap().extend(pages);
        }
    }

    fn page(i: usize) -> Result<(String, Vec<u8>), RenderError> {
        // Every seventh page is a placeholder, as the render cache leaves one.
        let bytes = if i % 7 == 3 {
            Vec::new()
        } else {
            format!("<p>{i}\u{0}</p>").into_bytes()
        };
        Ok((format!("p/{i}/index.html"), bytes))
    }

    #[test]
    fn pages_are_handed_over_cleaned_and_placeholders_keep_their_place() {
        let n = 3 * BATCH + 5;
        let plain = render_batched(n, None, &Mutex::default(), page).unwrap();
        assert_eq!(plain.len(), n);
        assert_eq!(plain[1], ("p/1/index.html".into(), b"<p>1\0</p>".to_vec()));
        let taken = Taken::default();
        let handed = Mutex::default();
        let left = render_batched(n, Some(&taken), &handed, page).unwrap();
        // Same paths, same order; every page that had bytes is now a placeholder.
        let paths = |v: &[(String, Vec<u8>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&left), paths(&plain));
        assert!(left.iter().all(|(_, b)| b.is_empty()));
        let mut taken = taken.0.into_inner().unwrap();
        taken.sort();
        let mut want: Vec<(String, Vec<u8>)> = plain
            .iter()
            .filter(|(_, b)| !b.is_empty())
            .map(|(p, b)| {
                let text = String::from_utf8(b.clone()).unwrap();
                (
                    p.clone(),
                    super::super::clean::clean_text(&text).into_bytes(),
                )
            })
            .collect();
        want.sort();
        assert_eq!(taken, want);
        assert!(taken[0].1.ends_with("\u{fffd}</p>".as_bytes()));
        let mut handed = handed.into_inner().unwrap();
        handed.sort();
        assert_eq!(handed, paths(&want));
    }

    #[test]
    fn an_error_stops_the_render() {
        let e = render_batched(100, Some(&Taken::default()), &Mutex::default(), |i| {
            if i == 70 {
                Err(RenderError::Template {
                    name: "post.html".into(),
                    message: "boom".into(),
                })
            } else {
                page(i)
            }
        });
        assert!(matches!(e, Err(RenderError::Template { .. })));
    }
}
