//! Page weight: a reader on a phone during an outage gets the status page in one small
//! download. The example site's home page plus every stylesheet it links stays within
//! 50 KB uncompressed, and no page pulls a stylesheet, script, image or font from
//! another host (links for readers to follow, `<a href>`, may go anywhere).

mod common;

use common::{Site, html_pages};
use std::path::Path;

/// 50 KB: `index.html` + its stylesheets, uncompressed.
const BUDGET: usize = 51_200;

fn built_example() -> (Site, String) {
    let site = Site::example();
    site.build_out_at_feed_end();
    let yaml = site.read("content/site.yaml");
    let base = yaml
        .lines()
        .find_map(|l| l.strip_prefix("base_url:"))
        .and_then(|v| v.split('#').next())
        .map(|v| v.trim().trim_matches('"').to_string())
        .expect("base_url in content/site.yaml");
    (site, base)
}

#[test]
fn home_page_and_its_stylesheets_fit_in_50_kb() {
    let (site, base) = built_example();
    let out = site.tmp().join("out");
    let html = std::fs::read_to_string(out.join("index.html")).expect("read index.html");
    let mut total = html.len();
    let mut parts = vec![format!("index.html {} bytes", html.len())];
    let sheets: Vec<String> = tags(&html)
        .into_iter()
        .filter(|t| t.name == "link" && t.rel_has("stylesheet"))
        .filter_map(|t| t.attr("href").map(str::to_string))
        .collect();
    assert!(!sheets.is_empty(), "the home page links no stylesheet");
    for href in &sheets {
        let file = local_file(&out, &base, href)
            .unwrap_or_else(|| panic!("stylesheet {href} is not a file of the site"));
        let len = std::fs::metadata(&file)
            .unwrap_or_else(|e| panic!("stylesheet {href} ({}): {e}", file.display()))
            .len() as usize;
        total += len;
        parts.push(format!("{href} {len} bytes"));
    }
    println!("page weight: {total} bytes ({})", parts.join(" + "));
    assert!(
        total <= BUDGET,
        "the home page weighs {total} bytes, over the budget of {BUDGET}: {}",
        parts.join(" + ")
    );
}

#[test]
fn no_page_loads_anything_from_another_host() {
    let (site, base) = built_example();
    let out = site.tmp().join("out");
    let host = host_of(&base).expect("base_url has a host").to_string();
    let pages = html_pages(&out);
    assert!(pages.len() > 10, "expected many pages, got {}", pages.len());
    let mut foreign = Vec::new();
    let mut checked = 0;
    for (page, html) in &pages {
        for tag in tags(html) {
            for url in tag.resources() {
                checked += 1;
                if is_foreign(url, &host) {
                    foreign.push(format!("{page}: <{} …{url}>", tag.name));
                }
            }
            if let Some(style) = tag.attr("style") {
                foreign.extend(
                    css_urls(style)
                        .filter(|u| is_foreign(u, &host))
                        .map(|u| format!("{page}: style={u}")),
                );
            }
        }
        for css in inline_styles(html) {
            foreign.extend(
                css_urls(css)
                    .filter(|u| is_foreign(u, &host))
                    .map(|u| format!("{page}: <style> {u}")),
            );
        }
    }
    // Stylesheets: fonts and images come in through url() and @import.
    for entry in walkdir(&out) {
        if entry.extension().is_some_and(|e| e == "css") {
            let css = std::fs::read_to_string(&entry).expect("read a stylesheet");
            foreign.extend(
                css_urls(&css)
                    .filter(|u| is_foreign(u, &host))
                    .map(|u| format!("{}: {u}", entry.display())),
            );
        }
    }
    assert!(
        checked > pages.len(),
        "found only {checked} resource URLs: is the scanner blind?"
    );
    assert!(
        foreign.is_empty(),
        "resources from other hosts:\n{}",
        foreign.join("\n")
    );
}

/// The scanner itself: quoted, unquoted and single-quoted values; `<a href>` ignored.
#[test]
fn resource_scanner_sees_every_form() {
    let html = r#"<link rel=stylesheet href=https://cdn.example/x.css><LINK REL="icon preload" HREF='//fonts.example/f.woff2'>
<script src="https://cdn.example/a.js"></script><script>if (a<b) document.write("<img src=https://no.example/>")</script>
<img alt="" src=/local.png srcset="/a.png 1x, https://img.example/b.png 2x"><a href="https://elsewhere.example/">fine</a>
<link rel=alternate href="https://feeds.example/feed.atom"><!-- <img src="https://commented.example/x.png"> -->"#;
    let found: Vec<String> = tags(html)
        .iter()
        .flat_map(|t| {
            t.resources()
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        found,
        [
            "https://cdn.example/x.css",
            "//fonts.example/f.woff2",
            "https://cdn.example/a.js",
            "/local.png",
            "/a.png",
            "https://img.example/b.png",
        ]
    );
    let foreign: Vec<&String> = found
        .iter()
        .filter(|u| is_foreign(u, "status.example"))
        .collect();
    assert_eq!(foreign.len(), 4, "{foreign:?}");
    let css = "@import url('https://fonts.example/css'); @font-face{src:url(https://f.example/a.woff2)} a{background:url(/x.png)} @import \"https://i.example/b.css\";";
    let urls: Vec<&str> = css_urls(css).collect();
    assert_eq!(
        urls,
        [
            "https://fonts.example/css",
            "https://f.example/a.woff2",
            "/x.png",
            "https://i.example/b.css"
        ]
    );
}

/// One start tag: lower-cased name and attributes (values unescaped only for `&amp;`).
#[derive(Debug)]
struct Tag<'a> {
    name: String,
    attrs: Vec<(String, &'a str)>,
}

impl<'a> Tag<'a> {
    fn attr(&self, name: &str) -> Option<&'a str> {
        self.attrs.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }

    fn rel_has(&self, word: &str) -> bool {
        self.attr("rel").is_some_and(|r| {
            r.split_ascii_whitespace()
                .any(|w| w.eq_ignore_ascii_case(word))
        })
    }

    /// URLs this tag makes the browser fetch: stylesheets, scripts, images, fonts, media.
    fn resources(&self) -> Vec<&'a str> {
        let mut urls = Vec::new();
        let mut take = |attr: &str| {
            if let Some(v) = self.attr(attr) {
                urls.push(v.trim());
            }
        };
        match self.name.as_str() {
            "link" => {
                const FETCHED: [&str; 8] = [
                    "stylesheet",
                    "icon",
                    "apple-touch-icon",
                    "mask-icon",
                    "preload",
                    "prefetch",
                    "modulepreload",
                    "manifest",
                ];
                if FETCHED.iter().any(|r| self.rel_has(r)) {
                    take("href");
                }
            }
            "script" | "img" | "iframe" | "embed" | "audio" | "video" | "source" | "track"
            | "input" => {
                take("src");
                take("poster");
            }
            "object" => take("data"),
            "image" | "use" | "feimage" => {
                take("href");
                take("xlink:href");
            }
            _ => {}
        }
        for v in ["srcset", "imagesrcset"]
            .iter()
            .filter_map(|a| self.attr(a))
        {
            urls.extend(
                v.split(',')
                    .filter_map(|c| c.split_ascii_whitespace().next()),
            );
        }
        urls
    }
}

/// Every start tag in `html`, skipping comments and the text of scripts and styles.
fn tags(html: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let lower = html.to_ascii_lowercase();
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(off) = html.get(i..).and_then(|rest| rest.find('<')) {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(html.len(), |e| i + e + 3);
            continue;
        }
        let name_len = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-' || **c == b':')
            .count();
        if name_len == 0 || !b[i].is_ascii_alphabetic() {
            continue; // `</…`, `<!doctype`, or a stray `<`
        }
        let name = lower[i..i + name_len].to_string();
        i += name_len;
        let mut attrs = Vec::new();
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/')
            {
                i += 1;
            }
            let attr = lower[start..i].to_string();
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = "";
            if i < b.len() && b[i] == b'=' {
                i += 1;
                while i < b.len() && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i] as char;
                    let end = html[i + 1..].find(q).map_or(html.len(), |e| i + 1 + e);
                    value = &html[i + 1..end];
                    i = end + 1;
                } else {
                    let start = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = &html[start..i];
                }
            }
            if attr.is_empty() {
                i += 1;
                continue;
            }
            attrs.push((attr, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = lower[i.min(lower.len())..]
                .find(&close)
                .map_or(html.len(), |e| i + e);
        }
        out.push(Tag { name, attrs });
    }
    out
}

/// The text of every `<style>` element.
fn inline_styles(html: &str) -> Vec<&str> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(s) = lower[i..].find("<style") {
        let open_end = match lower[i + s..].find('>') {
            Some(e) => i + s + e + 1,
            None => break,
        };
        let close = lower[open_end..]
            .find("</style")
            .map_or(html.len(), |e| open_end + e);
        out.push(&html[open_end..close]);
        i = close;
    }
    out
}

/// URLs in CSS: `url(…)` and `@import "…"`.
fn css_urls(css: &str) -> impl Iterator<Item = &str> {
    let mut out = Vec::new();
    let mut i = 0;
    let lower = css.to_ascii_lowercase();
    loop {
        let next_url = lower[i..].find("url(").map(|p| (i + p, true));
        let next_import = lower[i..].find("@import").map(|p| (i + p, false));
        let Some((at, is_url)) = [next_url, next_import].into_iter().flatten().min() else {
            break;
        };
        if is_url {
            let start = at + 4;
            let end = css[start..].find(')').map_or(css.len(), |e| start + e);
            out.push(css[start..end].trim().trim_matches(['"', '\'']));
            i = end;
        } else {
            let rest = css[at + 7..].trim_start();
            let start = css.len() - rest.len();
            if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let end = rest[1..].find(q).map_or(rest.len(), |e| e + 1);
                out.push(&rest[1..end]);
                i = start + end;
            } else {
                i = start; // `@import url(…)`: the url( branch takes it
            }
        }
    }
    out.into_iter().filter(|u| !u.is_empty())
}

/// `//host/…` or `scheme://host/…` on another host; `data:` and local paths are not.
fn is_foreign(url: &str, host: &str) -> bool {
    let url = url.replace("&amp;", "&");
    if url.starts_with("//") {
        return host_of(&format!("https:{url}")) != Some(host);
    }
    match url.split_once("://") {
        Some(_) => host_of(&url) != Some(host),
        None => false,
    }
}

fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    Some(host.split(':').next().unwrap_or(host))
}

/// The file under `out` an `href` of the home page names (root-relative or absolute).
fn local_file(out: &Path, base: &str, href: &str) -> Option<std::path::PathBuf> {
    let href = href.replace("&amp;", "&");
    let base_path = base
        .split_once("://")
        .map_or("/", |(_, r)| r.find('/').map_or("/", |p| &r[p..]));
    let path = if href.contains("://") {
        href.strip_prefix(base)?.to_string()
    } else if let Some(p) = href.strip_prefix(base_path) {
        p.to_string()
    } else {
        href.trim_start_matches('/').to_string()
    };
    let path = path.split(['?', '#']).next()?.to_string();
    Some(out.join(path))
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read the output folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            out.extend(walkdir(&path));
        } else {
            out.push(path);
        }
    }
    out
}
