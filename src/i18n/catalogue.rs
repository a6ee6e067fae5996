//! A catalogue of reader-visible strings: nested YAML flattened to dotted keys.
//!
//! A value is either one text or, for counted phrases, a map of CLDR plural categories
//! (`zero`, `one`, `two`, `few`, `many`, `other`) to texts. Texts may hold `{name}`
//! placeholders that the code fills in.

use std::collections::BTreeMap;

/// The CLDR plural category names, in CLDR order.
pub const CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A plain text.
    Text(String),
    /// Texts by plural category name; always has `other`.
    Plural(BTreeMap<String, String>),
}

impl Entry {
    /// Every text of the entry (one, or one per plural category).
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Entry::Text(s) => vec![s.as_str()],
            Entry::Plural(m) => m.values().map(String::as_str).collect(),
        }
    }
}

/// Flat map of dotted key → entry.
pub type Catalogue = BTreeMap<String, Entry>;

/// Why a catalogue (or a `strings:` section) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("not valid YAML: {0}")]
    Yaml(String),
    #[error("`{key}` must be a text or a map of plural categories ({})", CATEGORIES.join(", "))]
    Shape { key: String },
}

/// Parse a catalogue file's text.
pub fn parse(text: &str) -> Result<Catalogue, CatalogueError> {
    let value: serde_yaml::Value =
        crate::yaml::from_str(text).map_err(|e| CatalogueError::Yaml(e.to_string()))?;
    let mut out = Catalogue::new();
    if !value.is_null() {
        flatten("", &value, &mut out)?;
    }
    Ok(out)
}

/// Flatten a YAML value under `prefix` into `out`. A map whose keys are all plural
/// category names (and include `other`) is one plural entry, not a nested group.
pub fn flatten(
    prefix: &str,
    value: &serde_yaml::Value,
    out: &mut Catalogue,
) -> Result<(), CatalogueError> {
    use serde_yaml::Value;
    let shape = || CatalogueError::Shape {
        key: prefix.to_string(),
    };
    match value {
        Value::String(s) => {
            out.insert(prefix.to_string(), Entry::Text(s.clone()));
        }
        // A bare number (`label: 404`) is text; a document that is only a number is not
        // a catalogue.
        Value::Number(n) if !prefix.is_empty() => {
            out.insert(prefix.to_string(), Entry::Text(n.to_string()));
        }
        Value::Mapping(m) => {
            let keys: Option<Vec<&str>> = m.keys().map(Value::as_str).collect();
            let keys = keys.ok_or_else(shape)?;
            let plural = !keys.is_empty()
                && keys.contains(&"other")
                && keys.iter().all(|k| CATEGORIES.contains(k));
            if plural && !prefix.is_empty() {
                let mut forms = BTreeMap::new();
                for (k, v) in m {
                    let text = v.as_str().ok_or_else(shape)?;
                    forms.insert(k.as_str().unwrap_or_default().to_string(), text.to_string());
                }
                out.insert(prefix.to_string(), Entry::Plural(forms));
            } else {
                for (k, v) in m {
                    let k = k.as_str().unwrap_or_default();
                    let key = if prefix.is_empty() {
                        k.to_string()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&key, v, out)?;
                }
            }
        }
        _ => return Err(shape()),
    }
    Ok(())
}

/// The `{name}` placeholders of a text, in order of appearance (repeats kept once).
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !out.contains(&name)
        {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}

/// Fill `{name}` placeholders of `text` from `args`; unknown ones stay as written.
///
/// One pass over the text, so a value that itself contains `{x}` is never expanded.
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    fill_with(&mut out, text, |name, out| {
        let value = args.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        value.map(|v| out.push_str(v)).is_some()
    });
    out
}

/// [`fill`] onto `out`, asking `put` for each `{name}`: it appends the value and says
/// whether it knows the name (appending nothing if not). Lets a caller write numbers
/// straight into the text instead of making a string of each first.
pub fn fill_with(out: &mut String, text: &str, mut put: impl FnMut(&str, &mut String) -> bool) {
    // Byte searches: `str::find(char)` compares through `memcmp`, a fifth of the cost
    // of formatting a time. Both braces are ASCII, so the indices are char boundaries.
    let find = |s: &str, b: u8| s.bytes().position(|c| c == b);
    let mut rest = text;
    while let Some(open) = find(rest, b'{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match find(after, b'}') {
            Some(close) if put(&after[..close], out) => rest = &after[close + 1..],
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_groups_flatten_and_plural_maps_stay_whole() {
        let c = parse(
            "banner:\n  ok: All good\nduration:\n  days: { one: \"{n} day\", other: \"{n} days\" }\n",
        )
        .unwrap();
        assert_eq!(c["banner.ok"], Entry::Text("All good".into()));
        let Entry::Plural(forms) = &c["duration.days"] else {
            panic!("plural expected")
        };
        assert_eq!(forms["one"], "{n} day");
        assert_eq!(forms.len(), 2);
        // A group that merely contains a key named `other` among others is a group.
        let g = parse("x:\n  other: a\n  more: b\n").unwrap();
        assert_eq!(g["x.other"], Entry::Text("a".into()));
        assert!(parse("x: [a, b]\n").is_err());
        assert_eq!(parse("a: 404\n").unwrap()["a"], Entry::Text("404".into()));
        assert!(parse("404\n").is_err());
        assert!(parse("x: true\n").is_err());
        assert_eq!(c["banner.ok"].texts(), ["All good"]);
        assert_eq!(c["duration.days"].texts(), ["{n} day", "{n} days"]);
        assert!(parse("x: { one: [a], other: b }\n").is_err());
    }

    #[test]
    fn placeholders_are_found_and_filled_once() {
        assert_eq!(placeholders("{n} of {total}, {n}"), ["n", "total"]);
        assert_eq!(placeholders("a { b } {} {x"), Vec::<&str>::new());
        assert_eq!(
            fill("{n} of {total}", &[("n", "2"), ("total", "5")]),
            "2 of 5"
        );
        assert_eq!(fill("{a}{b}", &[("a", "{b}"), ("b", "x")]), "{b}x");
        assert_eq!(fill("{unknown} {", &[("n", "1")]), "{unknown} {");
    }
}
