//! How browsers and crawlers find their way: `sitemap.xml`, `robots.txt`, `favicon.svg`.

use crate::render::Files;
use crate::render::escape::escape_xml as esc;
use crate::site::Site;
use crate::site::status::ComponentStatus;
use crate::time::iso;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Write the three files. Call after every HTML page is in `files`: the sitemap lists them.
pub fn render(site: &Site, files: &mut Files, loc: &crate::i18n::Locale) {
    let sitemap = sitemap(site, files);
    files.insert("sitemap.xml".into(), sitemap.into_bytes());
    files.insert("robots.txt".into(), robots(site).into_bytes());
    files.insert(
        "favicon.svg".into(),
        favicon(
            site.overall.worst,
            &crate::render::views::component_status(site.overall.worst, loc),
        )
        .into_bytes(),
    );
}

/// Every HTML page but the 404 page, by absolute URL (sorted), with `<lastmod>` for posts.
fn sitemap(site: &Site, files: &Files) -> String {
    let base = site.config.base_url.as_str();
    // A post's page changes when the post does. A time still to come (an announced
    // maintenance window) is not a modification yet; such a post gets no <lastmod>
    // rather than now, which would change the sitemap on every build.
    let lastmod: BTreeMap<String, DateTime<Utc>> = site
        .posts
        .iter()
        .filter(|p| p.updated() <= site.now)
        .map(|p| (p.path(), p.updated()))
        .collect();
    let mut urls: Vec<(String, Option<DateTime<Utc>>)> = files
        .keys()
        .filter(|f| f.ends_with(".html") && f.as_str() != "404.html")
        .map(|f| {
            let dir = f.strip_suffix("index.html").unwrap_or(f);
            (format!("{base}{dir}"), lastmod.get(dir).copied())
        })
        .collect();
    urls.sort();
    let mut x = String::with_capacity(128 + urls.len() * 100);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    x.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (url, t) in urls {
        let _ = write!(x, "  <url><loc>{}</loc>", esc(&url));
        if let Some(t) = t {
            let _ = write!(x, "<lastmod>{}</lastmod>", iso(t));
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
}

/// Allow everything and point at the sitemap. A preview build (drafts shown) asks
/// crawlers to stay away: a draft must not be indexed by accident.
///
/// Crawlers only read `/robots.txt` at the host root; on a sub-path the file is still
/// written so the host's own robots.txt can copy or reference it.
fn robots(site: &Site) -> String {
    let rule = if site.include_drafts {
        "Disallow: /"
    } else {
        "Allow: /"
    };
    format!(
        "User-agent: *\n{rule}\n\nSitemap: {}sitemap.xml\n",
        site.config.base_url
    )
}

/// A 32×32 icon that says the overall status by shape as well as colour, so a tab
/// strip shows trouble to readers who cannot tell the colours apart:
/// circle with a check = operational, square = maintenance, triangle = degraded or
/// unknown, diamond = outage.
///
/// `title` names the worst status in the reader's language.
fn favicon(worst: ComponentStatus, title: &str) -> String {
    use ComponentStatus::*;
    const CIRCLE: &str = "<circle cx=\"16\" cy=\"16\" r=\"15\"/>";
    const SQUARE: &str = "<rect x=\"2\" y=\"2\" width=\"28\" height=\"28\" rx=\"4\"/>";
    const TRIANGLE: &str = "<path d=\"M16 2L31 29H1z\"/>";
    const DIAMOND: &str = "<path d=\"M16 1L31 16 16 31 1 16z\"/>";
    const CHECK: &str = "<path d=\"M9 16.5l5 5 9-10\" fill=\"none\" stroke=\"INK\" stroke-width=\"3.5\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>";
    const BAR: &str = "<rect x=\"8\" y=\"14\" width=\"16\" height=\"4\" rx=\"1\" fill=\"INK\"/>";
    const BANG: &str = "<rect x=\"14\" y=\"11\" width=\"4\" height=\"9\" rx=\"1\" fill=\"INK\"/><circle cx=\"16\" cy=\"24.5\" r=\"2\" fill=\"INK\"/>";
    const CROSS: &str = "<path d=\"M11 11l10 10M21 11L11 21\" stroke=\"INK\" stroke-width=\"3.5\" stroke-linecap=\"round\"/>";
    // (fill, shape, mark, ink): ink is the mark's colour, chosen for contrast.
    let (fill, shape, mark, ink) = match worst {
        Operational => ("#2e7d32", CIRCLE, CHECK, "#fff"),
        UnderMaintenance => ("#1d4ed8", SQUARE, BAR, "#fff"),
        DegradedPerformance => ("#dfb317", TRIANGLE, BANG, "#1a1a1a"),
        Unknown => ("#595959", TRIANGLE, BANG, "#fff"),
        PartialOutage => ("#c2410c", DIAMOND, CROSS, "#fff"),
        MajorOutage => ("#b91c1c", DIAMOND, CROSS, "#fff"),
    };
    let mark = mark.replace("INK", ink);
    let title = esc(title);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"32\" height=\"32\" viewBox=\"0 0 32 32\" role=\"img\" aria-label=\"{title}\">\
<title>{title}</title><g fill=\"{fill}\">{shape}</g>{mark}</svg>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn favicon_shape_follows_status() {
        let ok = favicon(ComponentStatus::Operational, "Alles <gut>");
        assert!(ok.contains("<circle cx=\"16\" cy=\"16\""));
        assert!(ok.contains("<title>Alles &lt;gut&gt;</title>"), "{ok}");
        assert!(favicon(ComponentStatus::UnderMaintenance, "m").contains("<rect x=\"2\""));
        assert!(favicon(ComponentStatus::Unknown, "u").contains("M16 2L31 29H1z"));
        assert!(favicon(ComponentStatus::MajorOutage, "x").contains("M16 1L31 16"));
    }
}
