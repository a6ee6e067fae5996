//! The reader's language: UI strings from a catalogue, plural rules, month names and
//! number separators.
//!
//! One YAML catalogue per shipped language lives in `themes/default/i18n/` and is
//! embedded like the templates. A site picks one with `language:`; a theme's
//! `i18n/<tag>.yaml` and the site's `strings:` replace single keys. Plural categories come
//! from ICU4X (`icu_plurals`, CLDR data); month names and separators from the glibc
//! tables in `pure-rust-locales` (see `calendar`).

pub mod calendar;
pub mod catalogue;

use calendar::Calendar;
use catalogue::{Catalogue, CatalogueError, Entry};
use icu_plurals::{PluralCategory, PluralRules};
use std::collections::BTreeMap;

/// Every shipped catalogue: tag and embedded YAML text. `en` first: it defines the keys.
pub const SHIPPED: &[(&str, &str)] = &[
    ("en", include_str!("../../themes/default/i18n/en.yaml")),
    ("de", include_str!("../../themes/default/i18n/de.yaml")),
    ("fr", include_str!("../../themes/default/i18n/fr.yaml")),
    ("es", include_str!("../../themes/default/i18n/es.yaml")),
    (
        "pt-BR",
        include_str!("../../themes/default/i18n/pt-BR.yaml"),
    ),
    ("it", include_str!("../../themes/default/i18n/it.yaml")),
    ("nl", include_str!("../../themes/default/i18n/nl.yaml")),
    ("pl", include_str!("../../themes/default/i18n/pl.yaml")),
    ("sv", include_str!("../../themes/default/i18n/sv.yaml")),
    ("ja", include_str!("../../themes/default/i18n/ja.yaml")),
    (
        "zh-CN",
        include_str!("../../themes/default/i18n/zh-CN.yaml"),
    ),
    ("ar", include_str!("../../themes/default/i18n/ar.yaml")),
];

/// Why the strings of a language could not be assembled.
#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("{file}: {source}")]
    Catalogue {
        file: String,
        source: CatalogueError,
    },
    #[error("{file}:{line}: unknown string key `{key}`{}", hint(.key))]
    UnknownKey {
        file: String,
        line: usize,
        key: String,
    },
}

fn hint(key: &str) -> String {
    closest_key(key).map_or_else(String::new, |k| format!(" (did you mean `{k}`?)"))
}

/// The 1-based line where a (possibly nested, possibly dotted) key is written: the
/// first line starting with the key or its last segment, else 1.
fn line_of(text: &str, key: &str) -> usize {
    let last = key.rsplit('.').next().unwrap_or(key);
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches(['"', '\'']);
            l.starts_with(key) || l.starts_with(&format!("{last}:"))
        })
        .map_or(1, |i| i + 1)
}

/// The shipped catalogue serving a BCP 47 tag: an exact match (any case), else the one
/// with the same primary language (`de-AT` → `de`, `pt` → `pt-BR`). `None` when the
/// tag is malformed or no catalogue speaks its language.
pub fn resolve_tag(tag: &str) -> Option<&'static str> {
    let parsed = icu_locale_core::LanguageIdentifier::try_from_str(tag).ok()?;
    if let Some((t, _)) = SHIPPED.iter().find(|(t, _)| t.eq_ignore_ascii_case(tag)) {
        return Some(t);
    }
    let lang = parsed.language.as_str();
    SHIPPED
        .iter()
        .map(|(t, _)| *t)
        .find(|t| t.split('-').next() == Some(lang))
}

/// The shipped tags, for error messages: "en, de, fr, …".
pub fn available() -> String {
    SHIPPED
        .iter()
        .map(|(t, _)| *t)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The parsed `en` catalogue: the reference every other one is checked against.
pub fn english() -> &'static Catalogue {
    static EN: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    EN.get_or_init(|| catalogue::parse(SHIPPED[0].1).expect("the en catalogue parses"))
}

/// The known key nearest to a mistyped one, for hints.
pub fn closest_key(key: &str) -> Option<&'static str> {
    let keys: Vec<&str> = english().keys().map(String::as_str).collect();
    crate::yaml::closest(key, &keys)
}

/// Keys of `overrides` that the `en` catalogue does not have.
pub fn unknown_keys(overrides: &Catalogue) -> Vec<&str> {
    let en = english();
    overrides
        .keys()
        .filter(|k| !en.contains_key(*k))
        .map(String::as_str)
        .collect()
}

/// One shipped catalogue, parsed.
pub fn shipped(tag: &str) -> Option<Catalogue> {
    SHIPPED
        .iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, text)| catalogue::parse(text).expect("shipped catalogues parse"))
}

/// The plural rules of a shipped tag.
pub fn plural_rules(tag: &str) -> PluralRules {
    let loc =
        icu_locale_core::Locale::try_from_str(tag).unwrap_or(icu_locale_core::Locale::UNKNOWN);
    PluralRules::try_new_cardinal((&loc).into())
        .unwrap_or_else(|_| PluralRules::try_new_cardinal(Default::default()).expect("root rules"))
}

/// A plural category's CLDR name.
pub fn category_name(c: PluralCategory) -> &'static str {
    match c {
        PluralCategory::Zero => "zero",
        PluralCategory::One => "one",
        PluralCategory::Two => "two",
        PluralCategory::Few => "few",
        PluralCategory::Many => "many",
        PluralCategory::Other => "other",
    }
}

/// Everything a render needs to speak the reader's language.
#[derive(Debug)]
pub struct Locale {
    /// The tag as configured (`de-AT`), for `lang` attributes and feeds.
    pub tag: String,
    /// The catalogue in use (`de`).
    pub catalogue: &'static str,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
    /// Hashed, not ordered: a build looks keys up hundreds of thousands of times, and
    /// a search of the ordered map was most of the cost of formatting a time.
    strings: std::collections::HashMap<String, Entry>,
    rules: PluralRules,
    /// Month names and separators.
    pub calendar: Calendar,
}

impl Locale {
    /// Assemble the strings for `tag`: `en`, then the shipped catalogue, then the theme's
    /// `i18n/<catalogue>.yaml` (`theme_file`, name and text), then the site's `strings:`.
    pub fn new(
        tag: &str,
        theme_file: Option<(&str, &str)>,
        overrides: &Catalogue,
    ) -> Result<Locale, I18nError> {
        let catalogue = resolve_tag(tag).unwrap_or("en");
        let mut strings = english().clone();
        strings.extend(shipped(catalogue).unwrap_or_default());
        if let Some((file, text)) = theme_file {
            let theirs = catalogue::parse(text).map_err(|source| I18nError::Catalogue {
                file: file.to_string(),
                source,
            })?;
            if let Some(key) = unknown_keys(&theirs).first() {
                return Err(I18nError::UnknownKey {
                    file: file.to_string(),
                    line: line_of(text, key),
                    key: key.to_string(),
                });
            }
            strings.extend(theirs);
        }
        strings.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
        let dir = match strings.get("meta.dir") {
            Some(Entry::Text(d)) if d == "rtl" => "rtl",
            _ => "ltr",
        };
        Ok(Locale {
            tag: tag.to_string(),
            catalogue,
            dir,
            rules: plural_rules(catalogue),
            calendar: Calendar::for_tag(catalogue),
            strings: strings.into_iter().collect(),
        })
    }

    /// English with no overrides (for tests and tools).
    pub fn english() -> Locale {
        Locale::new("en", None, &Catalogue::new()).expect("en builds")
    }

    /// The text of `key` (a plural entry gives its `other` form); the key itself if
    /// missing, so a gap shows up on the page instead of crashing a build.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        match self.strings.get(key) {
            Some(Entry::Text(s)) => s,
            Some(Entry::Plural(m)) => m.get("other").map_or(key, String::as_str),
            None => key,
        }
    }

    /// The text of `key` with its placeholders filled.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        catalogue::fill(self.t(key), args)
    }

    /// The form of plural entry `key` for `count`, with `{n}` (the count, localised)
    /// and `args` filled.
    pub fn n(&self, key: &str, count: u64, args: &[(&str, &str)]) -> String {
        let cat = category_name(self.rules.category_for(count));
        let text = match self.strings.get(key) {
            Some(Entry::Plural(m)) => m
                .get(cat)
                .or_else(|| m.get("other"))
                .map_or(key, String::as_str),
            Some(Entry::Text(s)) => s,
            None => key,
        };
        let n = self.calendar.integer(count);
        let mut all = vec![("n", n.as_str())];
        all.extend_from_slice(args);
        catalogue::fill(text, &all)
    }

    /// "99.98%" / "99,98 %" for a percentage given in hundredths (9998); a full "100%"
    /// without decimals. Takes a plain number so that i18n (below config) needs nothing
    /// from the health stage.
    pub fn percent(&self, hundredths: u32) -> String {
        // Figures are floored, so 100 is exact: the decimals say nothing, and on the
        // home page they are repeated on hundreds of bars.
        let n = if hundredths == 10_000 {
            "100".to_string()
        } else {
            let text = format!("{}.{:02}", hundredths / 100, hundredths % 100);
            self.calendar.decimal(&text)
        };
        self.f("format.percent", &[("n", &n)])
    }

    /// A whole number with the language's grouping.
    pub fn integer(&self, n: u64) -> String {
        self.calendar.integer(n)
    }

    /// The plural category `count` falls in ("one", "few", …).
    pub fn category(&self, count: u64) -> &'static str {
        category_name(self.rules.category_for(count))
    }

    /// The plural categories this language distinguishes (CLDR).
    pub fn categories(&self) -> Vec<&'static str> {
        self.rules.categories().map(category_name).collect()
    }

    /// Every simple string as a nested map for templates (`t.nav.status`); plural
    /// entries appear as maps of their forms.
    pub fn template_strings(&self) -> serde_json::Value {
        use serde_json::{Map, Value};
        let mut root = Map::new();
        // In key order, so the map is the same from build to build.
        let mut sorted: Vec<_> = self.strings.iter().collect();
        sorted.sort_unstable_by_key(|(k, _)| *k);
        for (key, entry) in sorted {
            let mut parts: Vec<&str> = key.split('.').collect();
            let last = parts.pop().unwrap_or_default();
            let mut node = &mut root;
            for p in parts {
                let next = node
                    .entry(p.to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if !next.is_object() {
                    *next = Value::Object(Map::new());
                }
                node = next.as_object_mut().expect("made an object");
            }
            let value = match entry {
                Entry::Text(s) => Value::String(s.clone()),
                Entry::Plural(m) => Value::Object(
                    m.iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect::<Map<_, _>>(),
                ),
            };
            node.insert(last.to_string(), value);
        }
        Value::Object(root)
    }
}

/// Parse the `strings:` section of `site.yaml` into a flat catalogue.
pub fn parse_overrides(value: &serde_yaml::Value) -> Result<Catalogue, CatalogueError> {
    let mut out = BTreeMap::new();
    if !value.is_null() {
        catalogue::flatten("", value, &mut out)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_resolve_to_shipped_catalogues() {
        assert_eq!(resolve_tag("de"), Some("de"));
        assert_eq!(resolve_tag("de-AT"), Some("de"));
        assert_eq!(resolve_tag("PT-br"), Some("pt-BR"));
        assert_eq!(resolve_tag("pt"), Some("pt-BR"));
        assert_eq!(resolve_tag("zh-CN"), Some("zh-CN"));
        assert_eq!(resolve_tag("tlh"), None);
        assert_eq!(resolve_tag("not a tag"), None);
        assert_eq!(resolve_tag(""), None);
    }

    #[test]
    fn polish_counts_pick_three_forms() {
        let pl = Locale::new("pl", None, &Catalogue::new()).unwrap();
        let forms: Vec<String> = [1, 2, 5]
            .iter()
            .map(|&n| pl.n("duration.days", n, &[]))
            .collect();
        assert_eq!(forms, ["1 dzień", "2 dni", "5 dni"]);
        // Polish "dni" serves both `few` and `many`; minutes show all three forms.
        assert_eq!([1, 2, 5].map(|n| pl.category(n)), ["one", "few", "many"]);
        let mins: Vec<String> = [1, 2, 5]
            .iter()
            .map(|&n| pl.n("ago.minutes", n, &[]))
            .collect();
        assert_eq!(mins, ["1 minutę temu", "2 minuty temu", "5 minut temu"]);
        assert_eq!(pl.categories(), ["one", "few", "many", "other"]);
    }

    #[test]
    fn overrides_win_and_templates_see_nested_keys() {
        let mut o = Catalogue::new();
        o.insert(
            "banner.all_operational".into(),
            Entry::Text("Alles gut".into()),
        );
        let de = Locale::new("de-AT", None, &o).unwrap();
        assert_eq!(de.catalogue, "de");
        assert_eq!(de.tag, "de-AT");
        assert_eq!(de.t("banner.all_operational"), "Alles gut");
        let v = de.template_strings();
        assert_eq!(v["banner"]["all_operational"], "Alles gut");
        assert_eq!(de.percent(9998), "99,98\u{a0}%");
        assert_eq!(Locale::english().percent(9998), "99.98%");
        assert_eq!(Locale::english().percent(10_000), "100%");
        assert_eq!(de.percent(9_950), "99,50\u{a0}%");
        assert_eq!(Locale::english().t("no.such.key"), "no.such.key");
    }

    #[test]
    fn a_theme_catalogue_with_a_typo_is_refused() {
        let e = Locale::new(
            "en",
            Some((
                "themes/x/i18n/en.yaml",
                "# mine\nbanner:\n  all_operationl: Fine\n",
            )),
            &Catalogue::new(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("themes/x/i18n/en.yaml:3:"), "{e}");
        assert!(e.contains("banner.all_operational"), "{e}");
    }

    /// Every key of `en` in every catalogue (no extra ones), every `{placeholder}` of
    /// an `en` text used by the translation (and no unknown one), and every plural
    /// category the language distinguishes present.
    #[test]
    fn every_catalogue_is_complete() {
        let en = english();
        let mut problems = Vec::new();
        for (tag, text) in SHIPPED {
            let cat = catalogue::parse(text).unwrap_or_else(|e| panic!("{tag}: {e}"));
            let needed = plural_rules(tag)
                .categories()
                .map(category_name)
                .collect::<Vec<_>>();
            for key in cat.keys().filter(|k| !en.contains_key(*k)) {
                problems.push(format!("{tag}: unknown key {key}"));
            }
            for (key, want) in en {
                let Some(got) = cat.get(key) else {
                    problems.push(format!("{tag}: missing {key}"));
                    continue;
                };
                let en_ph: Vec<&str> = want
                    .texts()
                    .iter()
                    .flat_map(|t| catalogue::placeholders(t))
                    .collect();
                // A plural form may spell its number out ("يوم واحد"), so `{n}` is
                // required in `other`; every other placeholder in every form.
                // Date patterns pick the fields their language needs.
                let pattern = key.starts_with("format.");
                let allowed: Vec<&str> = if pattern {
                    vec![
                        "d", "m", "d2", "m2", "mon", "month", "y", "hh", "mm", "zone", "date",
                        "time", "n", "a", "b",
                    ]
                } else {
                    en_ph.clone()
                };
                for t in got.texts() {
                    let is_other = match got {
                        Entry::Plural(m) => m.get("other").map(String::as_str) == Some(t),
                        Entry::Text(_) => true,
                    };
                    for ph in &en_ph {
                        let optional = pattern || (*ph == "n" && !is_other);
                        if !optional && !t.contains(&format!("{{{ph}}}")) {
                            problems.push(format!("{tag}: {key} lacks {{{ph}}} in {t:?}"));
                        }
                    }
                    for ph in catalogue::placeholders(t) {
                        if !allowed.contains(&ph) {
                            problems.push(format!("{tag}: {key} uses unknown {{{ph}}}"));
                        }
                    }
                }
                match (want, got) {
                    (Entry::Plural(_), Entry::Plural(forms)) => {
                        for c in &needed {
                            if !forms.contains_key(*c) {
                                problems.push(format!("{tag}: {key} lacks plural form {c}"));
                            }
                        }
                    }
                    (Entry::Text(_), Entry::Text(_)) => {}
                    _ => problems.push(format!("{tag}: {key} has the wrong shape")),
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert_eq!(SHIPPED.len(), 12);
    }
}
