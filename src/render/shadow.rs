//! Theme static files may add to the site but not replace what Lantern generates:
//! a theme's `index.html` or `api/v2/summary.json` would silently hide the real
//! status, and a `.lantern` would forge the marker that says who owns the output.

use super::Files;

/// Generated files a theme may replace on purpose (documented in the README).
pub const REPLACEABLE: &[&str] = &["favicon.svg", "robots.txt"];

/// Names at the top of the output that Lantern keeps for itself (its marker and
/// anything beside it), whether or not this build wrote them.
const RESERVED_PREFIX: &str = ".lantern";

/// Every (static file, generated file it would replace or collide with), sorted.
///
/// A collision is the same path, or one path being a folder of the other (a static
/// `api` file where `api/…` is generated cannot both exist on disk).
pub fn shadowed<'a>(
    generated: &'a Files,
    statics: impl Iterator<Item = &'a String>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in statics {
        if name.starts_with(RESERVED_PREFIX) {
            out.push((name.clone(), RESERVED_PREFIX.to_string()));
            continue;
        }
        if generated.contains_key(name) {
            if !REPLACEABLE.contains(&name.as_str()) {
                out.push((name.clone(), name.clone()));
            }
            continue;
        }
        // A generated file below the static path (it would be a folder)…
        let below = format!("{name}/");
        if let Some((g, _)) = generated.range(below.clone()..).next()
            && g.starts_with(&below)
        {
            out.push((name.clone(), g.clone()));
            continue;
        }
        // …or a generated file where the static path needs a folder.
        let mut end = 0;
        while let Some(i) = name[end..].find('/') {
            end += i;
            if generated.contains_key(&name[..end]) {
                out.push((name.clone(), name[..end].to_string()));
                break;
            }
            end += 1;
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generated() -> Files {
        [
            "index.html",
            "api/v2/summary.json",
            "feed.atom",
            "favicon.svg",
            "incidents/x/index.html",
        ]
        .iter()
        .map(|n| (n.to_string(), Vec::new()))
        .collect()
    }

    fn check(statics: &[&str]) -> Vec<(String, String)> {
        let names: Vec<String> = statics.iter().map(|s| s.to_string()).collect();
        shadowed(&generated(), names.iter())
    }

    #[test]
    fn additions_and_replaceable_files_pass() {
        assert!(
            check(&[
                "style.css",
                "img/logo.png",
                "favicon.svg",
                "api2.json",
                "apix/y"
            ])
            .is_empty()
        );
    }

    #[test]
    fn generated_paths_are_named() {
        assert_eq!(
            check(&["index.html", "feed.atom"]),
            [
                ("feed.atom".to_string(), "feed.atom".to_string()),
                ("index.html".to_string(), "index.html".to_string())
            ]
        );
    }

    #[test]
    fn folder_collisions_are_named() {
        assert_eq!(
            check(&["api", "index.html/x", "incidents/x/index.html/y"]),
            [
                ("api".to_string(), "api/v2/summary.json".to_string()),
                (
                    "incidents/x/index.html/y".to_string(),
                    "incidents/x/index.html".to_string()
                ),
                ("index.html/x".to_string(), "index.html".to_string()),
            ]
        );
    }

    #[test]
    fn the_marker_name_is_reserved() {
        assert_eq!(check(&[".lantern"]).len(), 1);
        assert_eq!(check(&[".lantern-lock/x"]).len(), 1);
        assert!(check(&[".well-known/security.txt"]).is_empty());
    }
}
