//! Translated pages: every shipped language builds the example site with no English UI
//! string left in what a reader sees, numbers and dates follow the language, `ar` reads
//! right to left, operators can override strings, and machine outputs never change.

mod common;

use common::{Site, html_pages, read_text, run_at, snapshot};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

const LANGS: [&str; 12] = [
    "en", "de", "fr", "es", "pt-BR", "it", "nl", "pl", "sv", "ja", "zh-CN", "ar",
];
/// 50 KB: `index.html` + `style.css`, uncompressed (as tests/page_weight.rs).
const BUDGET: usize = 51_200;

/// The example site with `language:` set to `lang` and `extra` appended to site.yaml,
/// built into `<tmp>/out`.
fn built(lang: &str, extra: &str) -> (Site, PathBuf) {
    let site = Site::example();
    let cfg = site.read("content/site.yaml");
    assert!(
        cfg.contains("\nlanguage: en\n"),
        "example site.yaml changed"
    );
    let cfg = cfg.replacen("\nlanguage: en\n", &format!("\nlanguage: {lang}\n"), 1);
    site.write("content/site.yaml", format!("{cfg}{extra}"));
    let out = site.build_out_at_feed_end();
    (site, out)
}

/// Parse a shipped catalogue's YAML into flat `key → texts` (plural forms in a list).
fn catalogue(lang: &str) -> BTreeMap<String, Vec<String>> {
    fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, Vec<String>>) {
        match v {
            serde_json::Value::String(s) => {
                out.insert(prefix.to_string(), vec![s.clone()]);
            }
            serde_json::Value::Object(m) => {
                let plural = m.contains_key("other")
                    && m.keys().all(|k| {
                        ["zero", "one", "two", "few", "many", "other"].contains(&k.as_str())
                    });
                if plural {
                    let forms = m
                        .values()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect();
                    out.insert(prefix.to_string(), forms);
                } else {
                    for (k, v) in m {
                        let key = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}.{k}")
                        };
                        walk(&key, v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let path = common::repo().join(format!("themes/default/i18n/{lang}.yaml"));
    let value: serde_json::Value =
        serde_yaml::from_str(&read_text(&path)).expect("catalogue parses");
    let mut out = BTreeMap::new();
    walk("", &value, &mut out);
    out
}

/// The English words of the `en` catalogue that `lang` translates differently: the
/// literal parts between placeholders, at least four characters with a letter. Words
/// the language itself uses somewhere in its catalogue ("incident", "Page" in French)
/// are not English leftovers.
fn english_fragments(lang: &str) -> Vec<(String, String)> {
    let en = catalogue("en");
    let other = catalogue(lang);
    let own: Vec<String> = other.values().flatten().map(|t| t.to_lowercase()).collect();
    let mut out = Vec::new();
    for (key, texts) in &en {
        if key.starts_with("meta.") || key.starts_with("format.") {
            continue;
        }
        if other.get(key) == Some(texts) {
            continue; // the same word in both languages ("Status" in German)
        }
        for text in texts {
            for part in text.split(['{', '}']).step_by(2) {
                let part = part.trim_matches(|c: char| !c.is_alphanumeric());
                let cognate = own.iter().any(|t| has_words(t, &part.to_lowercase()));
                if part.chars().count() >= 4
                    && part.chars().any(|c| c.is_ascii_alphabetic())
                    && !cognate
                {
                    out.push((key.clone(), part.to_string()));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

const VOID: [&str; 8] = ["meta", "link", "br", "img", "input", "hr", "source", "wbr"];

/// What a reader sees or hears of a page: text outside scripts and styles, and the
/// `title`, `aria-label`, `alt` and `<meta content>` attributes. Elements marked
/// `dir=auto` hold the operator's own words and are left out.
fn visible_text(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    let mut stack: Vec<String> = Vec::new();
    let mut skip_depth: Option<usize> = None;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        if skip_depth.is_none() && !text.trim().is_empty() {
            out.push(decode(text));
        }
        let after = &rest[lt + 1..];
        let gt = after.find('>').expect("tags close");
        let tag = &after[..gt];
        rest = &after[gt + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(pos) = stack.iter().rposition(|t| *t == name) {
                stack.truncate(pos);
            }
            if skip_depth.is_some_and(|d| stack.len() <= d) {
                skip_depth = None;
            }
            continue;
        }
        let name: String = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        if name == "script" || name == "style" {
            let close = format!("</{name}>");
            let end = rest.find(&close).expect("script closes");
            rest = &rest[end + close.len()..];
            continue;
        }
        let operator = tag.contains("dir=auto") || tag.contains("dir=\"auto\"");
        if skip_depth.is_none() {
            for attr in ["title", "aria-label", "alt"] {
                if let Some(v) = attr_value(tag, attr) {
                    out.push(decode(&v));
                }
            }
            if name == "meta"
                && !tag.contains("og:url")
                && !tag.contains("og:locale")
                && let Some(v) = attr_value(tag, "content")
            {
                out.push(decode(&v));
            }
        }
        if !VOID.contains(&name.as_str()) && !tag.ends_with('/') {
            stack.push(name);
            if operator && skip_depth.is_none() {
                skip_depth = Some(stack.len() - 1);
            }
        }
    }
    out
}

fn attr_value(tag: &str, name: &str) -> Option<String> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_string())
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The operator's own words in the example site: its title, description, component
/// names and groups, contact labels and post titles. Longest first.
fn operator_words(site: &Site) -> Vec<String> {
    let cfg: serde_json::Value =
        serde_yaml::from_str(&site.read("content/site.yaml")).expect("site.yaml parses");
    let mut words = vec![
        cfg["title"].as_str().unwrap().to_string(),
        cfg["description"].as_str().unwrap().to_string(),
    ];
    for c in cfg["components"].as_array().unwrap() {
        for k in ["name", "group", "description"] {
            if let Some(v) = c[k].as_str() {
                words.push(v.to_string());
            }
        }
    }
    for c in cfg["contact"].as_array().unwrap() {
        words.push(c["label"].as_str().unwrap().to_string());
    }
    for dir in ["incidents", "maintenance", "news"] {
        for entry in std::fs::read_dir(site.path(&format!("content/{dir}"))).unwrap() {
            let text = read_text(&entry.unwrap().path());
            words.push(common::front_matter_value(&text, "title"));
        }
    }
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words
}

/// `needle` occurs in `hay` as whole words.
fn has_words(hay: &str, needle: &str) -> bool {
    hay.match_indices(needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn home_weight(out: &Path) -> usize {
    let len = |f: &str| std::fs::metadata(out.join(f)).unwrap().len() as usize;
    len("index.html") + len("style.css")
}

#[test]
fn every_language_builds_with_no_english_ui_left_and_a_light_home_page() {
    let mut problems = Vec::new();
    for lang in LANGS {
        let (site, out) = built(lang, "");
        let weight = home_weight(&out);
        println!("{lang}: home page + style.css = {weight} bytes");
        if weight > BUDGET {
            problems.push(format!("{lang}: home page weighs {weight} bytes"));
        }
        let home = read_text(&out.join("index.html"));
        let dir = if lang == "ar" { "rtl" } else { "ltr" };
        let open = format!("<html lang=\"{lang}\" dir=\"{dir}\">");
        if !home.contains(&open) {
            problems.push(format!("{lang}: no {open}"));
        }
        let og = format!(
            "<meta property=\"og:locale\" content=\"{}\">",
            lang.replace('-', "_")
        );
        if !home.contains(&og) {
            problems.push(format!("{lang}: no {og}"));
        }
        if lang == "en" {
            continue;
        }
        let fragments = english_fragments(lang);
        assert!(
            fragments.len() > 100,
            "{lang}: only {} fragments",
            fragments.len()
        );
        let operator = operator_words(&site);
        for (page, html) in html_pages(&out) {
            for mut text in visible_text(&html) {
                for w in &operator {
                    text = text.replace(w.as_str(), " ");
                }
                for (key, f) in &fragments {
                    if has_words(&text, f) {
                        problems.push(format!("{lang}: {page}: English {key} {f:?} in {text:?}"));
                    }
                }
            }
        }
    }
    problems.dedup();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_text_extractor_sees_ui_and_skips_operator_content() {
    let html = r#"<p title="Tip">Hello <b>there</b></p><script>var x="Hidden"</script>
<div dir=auto>Operator <p>words</p></div><nav aria-label="Main"><a>Status</a></nav>
<meta name="description" content="Said &amp; done"><br><p>After</p>"#;
    let t = visible_text(html);
    assert_eq!(
        t,
        [
            "Tip",
            "Hello ",
            "there",
            "Main",
            "Status",
            "Said & done",
            "After"
        ]
    );
    assert!(has_words("Status unknown", "Status"));
    assert!(!has_words("Statuses", "Status"));
    let de = english_fragments("de");
    assert!(
        de.iter()
            .any(|(k, f)| k == "banner.all_operational" && f == "All Systems Operational")
    );
    // German says "Status" too: not an English leftover.
    assert!(!de.iter().any(|(k, _)| k == "nav.status"));
}

#[test]
fn german_numbers_dates_and_banner() {
    let (_site, out) = built("de", "");
    let home = read_text(&out.join("index.html"));
    // Uptime with a decimal comma and a no-break space before the percent sign.
    let pct = regex_like_percent(&home);
    assert!(pct.len() > 10, "{pct:?}");
    assert!(pct.iter().any(|p| p == "99,76\u{a0}%"), "no 99,76 %");
    let odd: Vec<&String> = pct
        .iter()
        .filter(|p| !(p.ends_with("\u{a0}%") && (p.contains(',') || *p == "100\u{a0}%")))
        .collect();
    assert!(odd.is_empty(), "not German figures: {odd:?}");
    assert!(
        !home.contains("% uptime") && !home.contains("99.9"),
        "English numbers left"
    );
    let incident = read_text(&out.join("incidents/2026-11-20-database-outage/index.html"));
    assert!(incident.contains("20. Nov 2026, "), "German date missing");
    assert!(incident.contains("<html lang=\"de\" dir=\"ltr\">"));
    let banners = catalogue("de");
    let banner = home
        .split("<h1 id=overall>")
        .nth(1)
        .and_then(|s| s.split("</h1>").next())
        .expect("banner");
    assert!(
        banners
            .iter()
            .filter(|(k, _)| k.starts_with("banner."))
            .any(|(_, t)| banner.contains(t[0].as_str())),
        "banner is not German: {banner}"
    );
    // Month headings of the archive use the standalone month name.
    let history = read_text(&out.join("history/index.html"));
    assert!(history.contains(">November 2026</h2>"), "month heading");
}

/// Every "<digits>,<digits> %" or "<digits>.<digits>%" figure in a page.
fn regex_like_percent(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices('%') {
        let head = &html[..i];
        let start = head
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit() || matches!(c, ',' | '.' | '\u{a0}'))
            .last()
            .map_or(i, |(j, _)| j);
        let figure = &html[start..i + 1];
        if figure.chars().any(|c| c.is_ascii_digit()) {
            out.push(figure.to_string());
        }
    }
    out
}

#[test]
fn polish_counts_and_arabic_direction() {
    let (_site, out) = built("pl", "");
    let home = read_text(&out.join("index.html"));
    assert!(
        home.contains("90 dni temu"),
        "Polish 'many' form for 90 days"
    );
    let (_site, out) = built("ar", "");
    let home = read_text(&out.join("index.html"));
    assert!(home.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(
        home.contains("قبل 90 يومًا"),
        "Arabic 'many' form for 90 days"
    );
    // Times stay isolated from the right-to-left text around them.
    let css = read_text(&out.join("style.css"));
    assert!(css.contains("time{unicode-bidi:isolate}"));
    assert!(
        !css.contains("left:") && !css.contains("right:"),
        "physical CSS left"
    );
}

#[test]
fn feeds_and_calendars_carry_the_tag_and_machine_outputs_do_not_translate() {
    let (_en_site, en) = built("en", "");
    let (_de_site, de) = built("de", "");
    let atom = read_text(&de.join("feed.atom"));
    assert!(atom.contains("xml:lang=\"de\""));
    assert!(read_text(&de.join("feed.rss")).contains("<language>de</language>"));
    let json: serde_json::Value = serde_json::from_str(&read_text(&de.join("feed.json"))).unwrap();
    assert_eq!(json["language"], "de");
    assert!(atom.contains("Störung"), "feed entries speak German");
    let ics = read_text(&de.join("maintenance.ics"));
    assert!(ics.contains("X-WR-CALNAME;LANGUAGE=de:"), "{ics}");
    assert!(ics.contains("DESCRIPTION;LANGUAGE=de:"), "{ics}");
    let (a, b) = (snapshot(&en), snapshot(&de));
    let machine: Vec<&String> = a
        .keys()
        .filter(|k| k.starts_with("api/v2/") || k.starts_with("api/uptime"))
        .collect();
    assert!(machine.len() > 5, "{machine:?}");
    for k in machine {
        assert!(a[k] == b[k], "{k} differs between en and de");
    }
}

/// A one-component site with no checks: all operational.
fn tiny(extra: &str) -> Site {
    let site = Site::empty();
    site.write(
        "content/site.yaml",
        format!(
            "title: Tiny\nbase_url: https://s.example/\ncomponents:\n  - {{ id: web, name: Web }}\n{extra}"
        ),
    );
    site
}

#[test]
fn operators_override_strings_and_typos_are_errors() {
    let site = tiny("language: de\nstrings:\n  banner.all_operational: Alles läuft rund\n");
    site.build(&[]).assert_ok();
    let home = site.read("public/index.html");
    assert!(home.contains("Alles läuft rund"), "override ignored");
    assert!(home.contains("Komponenten"), "not German");
    // Nested keys work as well as dotted ones.
    let site = tiny("strings:\n  banner:\n    all_operational: \"Fine & dandy\"\n");
    site.build(&[]).assert_ok();
    assert!(site.read("public/index.html").contains("Fine &amp; dandy"));
    // An unknown key: file, line and field, with the key it was probably meant to be.
    let site = tiny("strings:\n  nav.status: Now\n  banner.all_operationl: Fine\n");
    site.build(&[]).assert_failed().assert_stderr_has(&[
        "content/site.yaml:7:",
        "strings.banner.all_operationl",
        "banner.all_operational",
    ]);
    // Not a text or plural forms.
    let site = tiny("strings:\n  banner.all_operational: [a, b]\n");
    site.build(&[])
        .assert_failed()
        .assert_stderr_has(&["content/site.yaml:5:", "strings"]);
}

#[test]
fn a_theme_catalogue_replaces_single_keys_and_strings_win() {
    let site = tiny("language: de\nstrings:\n  nav.news: Meldungen\n");
    site.write(
        "themes/default/i18n/de.yaml",
        "nav:\n  status: Lage\n  news: Nachrichten\n",
    );
    site.build(&[]).assert_ok();
    let home = site.read("public/index.html");
    assert!(home.contains(">Lage</a>"), "theme catalogue ignored");
    assert!(
        home.contains(">Meldungen</a>"),
        "strings: must win over the theme"
    );
    assert!(
        home.contains(">Verlauf</a>"),
        "other keys stay shipped German"
    );
    site.write("themes/default/i18n/de.yaml", "nav:\n  statuss: Lage\n");
    site.build(&[]).assert_failed().assert_stderr_has(&[
        "themes/default/i18n/de.yaml:2:",
        "nav.statuss",
        "nav.status",
    ]);
}

#[test]
fn languages_resolve_or_list_the_choices() {
    let site = tiny("language: de-AT\n");
    let run = site.build(&[]);
    run.assert_ok();
    assert!(!run.stderr.contains("warning"), "{run}");
    let home = site.read("public/index.html");
    assert!(home.contains("<html lang=\"de-AT\" dir=\"ltr\">"));
    assert!(home.contains("Alle Systeme betriebsbereit"));
    let site = tiny("language: tlh\n");
    site.build(&[]).assert_failed().assert_stderr_has(&[
        "content/site.yaml:5:",
        "language",
        "`tlh`",
        "en, de, fr, es, pt-BR, it, nl, pl, sv, ja, zh-CN, ar",
    ]);
}

/// The day bars and day tables of issue 18 speak the page's language: the row summary,
/// the legend, the plain words the script writes, the table's headings, and the words
/// the day script joins a date with.
#[test]
fn day_bars_and_day_tables_are_translated() {
    let (_site, out) = built("de", "");
    let home = read_text(&out.join("index.html"));
    assert!(
        home.contains("data-ok=\"100\u{a0}%\" data-nd=\"keine Daten\""),
        "plain words"
    );
    assert!(home.contains(">Letzte 90 Tage: "), "row summary");
    assert!(home.contains(">vor 90 Tagen<") && home.contains(">vor 30 Tagen<"));
    assert!(home.contains("<script data-day=\"{date}: {words}\">"));
    let db = read_text(&out.join("components/database/index.html"));
    assert!(db.contains("<script data-day=\"{date}: {words}\">"));
    // Pages without day bars do without their script (2 KB on each post page).
    for page in [
        "incidents/2026-11-20-database-outage/index.html",
        "history/index.html",
        "news/index.html",
        "404.html",
    ] {
        let text = read_text(&out.join(page));
        assert!(
            text.contains("</footer>") && !text.contains("data-day="),
            "{page}"
        );
    }
    for want in [
        ">Tag für Tag</h2>",
        ". Neueste zuerst.</caption>",
        ">Datum</th>",
        ">Betroffene Zeit</th>",
        ">Vorfälle</th>",
        "<td>6 Std. 28 Min. ausgefallen</td>",
        "<td>keine</td>",
        "<td>keine Daten</td>",
    ] {
        assert!(db.contains(want), "de component page lacks {want:?}");
    }
    // Counted words follow the language's plural rules.
    let (_site, out) = built("pl", "");
    let home = read_text(&out.join("index.html"));
    assert!(home.contains(">Ostatnie 90 dni: "), "Polish summary");
    let (_site, out) = built("ja", "");
    let db = read_text(&out.join("components/database/index.html"));
    assert!(db.contains(">日別</h2>") && db.contains("。新しい順。</caption>"));
}

/// A preview marks an update dated after the build (issue 17) in the page's language.
#[test]
fn scheduled_updates_are_marked_in_the_readers_language() {
    let site = Site::example();
    let cfg = site.read("content/site.yaml");
    site.write(
        "content/site.yaml",
        cfg.replacen("\nlanguage: en\n", "\nlanguage: fr\n", 1),
    );
    // 2026-11-08T06:30:00Z: inside the backup move; its 06:52 update is still to come.
    let out = site.tmp().join("preview");
    run_at(
        site.tmp(),
        1_794_119_400,
        [
            OsStr::new("build"),
            OsStr::new("--root"),
            site.root.as_os_str(),
            OsStr::new("--drafts"),
            OsStr::new("--out"),
            out.as_os_str(),
        ],
    )
    .assert_ok();
    let page = read_text(&out.join("maintenance/2026-11-08-backup-storage/index.html"));
    assert!(
        page.contains("<strong class=\"pill scheduled\">Programmée, pas encore publiée</strong>"),
        "no French scheduled mark"
    );
    assert!(!page.contains("not yet published"));
}

/// A settled page (issue 16) says "Last updated" and, from status.json, "site was last
/// built" in the reader's language, with the catalogue's own words.
#[test]
fn settled_pages_say_last_updated_in_the_readers_language() {
    for lang in ["de", "ja", "ar"] {
        let (_site, out) = built(lang, "");
        let cat = catalogue(lang);
        let page = read_text(&out.join("incidents/2026-11-20-database-outage/index.html"));
        let footer = page
            .split("<p class=\"generated\">")
            .nth(1)
            .and_then(|s| s.split("</p>").next())
            .unwrap_or_else(|| panic!("{lang}: no footer line"));
        let last_updated = &cat["footer.last_updated"][0];
        let (before, _) = last_updated.split_once("{time}").unwrap();
        assert!(
            footer.starts_with(before) && footer.contains("<time datetime="),
            "{lang}: footer {footer:?} is not {last_updated:?}"
        );
        assert!(
            !footer.contains("generated-at"),
            "{lang}: settled page is stamped live"
        );
        let built_msg = &cat["page_age.built"][0];
        let json = serde_json::to_string(built_msg).unwrap();
        assert!(page.contains(&json), "{lang}: page-age script lacks {json}");
        assert!(
            !page.contains("Last updated") && !page.contains("This site was last built"),
            "{lang}: English left"
        );
    }
}
