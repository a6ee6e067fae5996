//! Site configuration: `content/site.yaml`, parsed and validated.

pub mod notify;
pub mod probe;
mod raw;
pub mod urls;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::yaml;
use chrono_tz::Tz;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use notify::{Channel, NotifyConfig, SmtpSecurity, Transport};
pub use probe::{Probe, ProbeKind};
pub use raw::{ContactLink, RawConfig};

/// Longest `stale_after` / `page_stale_after` accepted: ten years, like `history_days`.
pub const MAX_SPAN: Duration = Duration::from_secs(3650 * 86400);

/// Where the config lives, relative to the site root.
pub const CONFIG_PATH: &str = "content/site.yaml";

/// A validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute, always ending in `/`.
    pub base_url: url::Url,
    pub timezone: Tz,
    /// The BCP 47 tag as written (`de-AT`); `i18n::resolve_tag` finds its catalogue.
    pub language: String,
    /// The operator's `strings:` overrides, flat by catalogue key.
    pub strings: crate::i18n::catalogue::Catalogue,
    pub theme: String,
    pub contact: Vec<ContactLink>,
    pub components: Vec<Component>,
    pub health: HealthConfig,
    /// Checks `lantern probe` runs itself, in config order.
    pub probes: Vec<Probe>,
    /// Where `lantern notify` announces updates; `None` without a `notify:` section.
    pub notify: Option<NotifyConfig>,
}

/// One component of the service shown on the status page.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub group: Option<String>,
    pub checks: Vec<String>,
}

/// Settings for the health-check feed.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthConfig {
    pub stale_after: Duration,
    pub degraded_latency_ms: u64,
    pub history_days: u32,
    pub page_stale_after: Duration,
    /// Folder of feed files, relative to `content/`.
    pub dir: PathBuf,
}

impl Config {
    /// The URL path of the site (`/` or `/status/`), used to prefix every internal link.
    pub fn base_path(&self) -> &str {
        self.base_url.path()
    }

    /// Replace the base URL (from `--base-url` or the preview server).
    pub fn set_base_url(&mut self, raw: &str) -> Result<(), String> {
        self.base_url = parse_base_url(raw)?;
        Ok(())
    }

    /// Look a component up by id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }
}

/// Read and validate `content/site.yaml` under `root`.
pub fn load(root: &Path) -> Result<Config, Diagnostics> {
    let rel = Path::new(CONFIG_PATH);
    let mut diags = Diagnostics::default();
    if let Err(link) = crate::contained::Fence::site(root).check(&root.join(rel)) {
        diags.push(link.to_diagnostic());
        return Err(diags);
    }
    let text = match std::fs::read_to_string(root.join(rel)) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(
                rel,
                format!("cannot read the site config: {e}"),
            ));
            return Err(diags);
        }
    };
    parse(&text)
}

/// Parse and validate the text of `content/site.yaml`, without touching the filesystem.
pub fn parse(text: &str) -> Result<Config, Diagnostics> {
    let rel = Path::new(CONFIG_PATH);
    let mut diags = Diagnostics::default();
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let raw: RawConfig = match yaml::parse(&text, rel, 1) {
        Ok(r) => r,
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    };
    let cfg = validate(raw, &text, rel, &mut diags);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(cfg.expect("validated config"))
    }
}

fn validate(raw: RawConfig, text: &str, rel: &Path, diags: &mut Diagnostics) -> Option<Config> {
    let err = |field: &str, msg: String| {
        Diagnostic::error(rel, msg)
            .at_line(yaml::key_line(text, field))
            .field(field)
    };
    let base_url = parse_base_url(&raw.base_url)
        .map_err(|m| diags.push(err("base_url", m)))
        .ok();
    let timezone = raw
        .timezone
        .parse::<Tz>()
        .map_err(|_| {
            diags.push(err(
                "timezone",
                format!(
                    "`{}` is not an IANA time zone name like `Europe/Berlin` or `UTC`",
                    raw.timezone
                ),
            ))
        })
        .ok();
    let language = raw.language.unwrap_or_else(|| "en".into());
    if crate::i18n::resolve_tag(&language).is_none() {
        diags.push(err(
            "language",
            format!(
                "`{language}` is not a language Lantern ships; use one of: {}",
                crate::i18n::available()
            ),
        ));
    }
    let strings = string_overrides(&raw.strings, text, rel, diags);
    let theme = raw.theme.unwrap_or_else(|| "default".into());
    if theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.') {
        diags.push(err(
            "theme",
            format!("`{theme}` is not a folder name under themes/"),
        ));
    }
    if raw.title.trim().is_empty() {
        diags.push(err("title", "must not be empty".into()));
    }
    for (i, c) in raw.contact.iter().enumerate() {
        if c.label.trim().is_empty() || c.url.trim().is_empty() {
            diags.push(
                Diagnostic::error(rel, "a contact link needs a `label` and a `url`")
                    .at_line(yaml::list_item_line(text, "contact", i))
                    .field(format!("contact[{i}]")),
            );
        } else if let Err(why) = urls::check_link(&c.url) {
            diags.push(
                Diagnostic::error(rel, why)
                    .at_line(contact_url_line(text, i))
                    .field(format!("contact[{i}].url")),
            );
        }
    }
    let mut components = Vec::with_capacity(raw.components.len());
    for (i, c) in raw.components.into_iter().enumerate() {
        let line = yaml::list_item_line(text, "components", i);
        let field = format!("components[{i}].id");
        if !valid_component_id(&c.id) {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("`{}` is not a valid component id: use lowercase letters, digits, `-` and `_`, starting with a letter or digit", c.id),
                )
                .at_line(line)
                .field(field),
            );
        } else if c.id == "status" || c.id.ends_with("-uptime") {
            // These would share a file name with the page badge or an uptime badge.
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("component id `{}` is reserved (badges/status.svg and badges/<id>-uptime.svg); pick another", c.id),
                )
                .at_line(line)
                .field(field),
            );
        } else if components.iter().any(|o: &Component| o.id == c.id) {
            diags.push(
                Diagnostic::error(rel, format!("component id `{}` is used twice", c.id))
                    .at_line(line)
                    .field(field),
            );
        }
        if c.name.trim().is_empty() {
            diags.push(
                Diagnostic::error(rel, "must not be empty")
                    .at_line(line)
                    .field(format!("components[{i}].name")),
            );
        }
        components.push(Component {
            id: c.id,
            name: c.name,
            description: c.description,
            group: c.group,
            checks: c.checks,
        });
    }
    let h = raw.health;
    if !(1..=3650).contains(&h.history_days) {
        diags.push(
            Diagnostic::error(
                rel,
                format!("{} is out of range: use 1 to 3650 days", h.history_days),
            )
            .at_line(yaml::key_line(text, "health"))
            .field("health.history_days"),
        );
    }
    // The health model adds these spans to instants in seconds: keep them sane.
    for (key, span) in [
        ("stale_after", h.stale_after.0),
        ("page_stale_after", h.page_stale_after.0),
    ] {
        if span > MAX_SPAN {
            diags.push(
                Diagnostic::error(
                    rel,
                    format!("{}s is out of range: use at most 3650d", span.as_secs()),
                )
                .at_line(yaml::key_line(text, "health"))
                .field(format!("health.{key}")),
            );
        }
    }
    let probes = probe::validate(raw.probes, text, rel, h.degraded_latency_ms, diags);
    let health = HealthConfig {
        stale_after: h.stale_after.0,
        degraded_latency_ms: h.degraded_latency_ms,
        history_days: h.history_days,
        page_stale_after: h.page_stale_after.0,
        dir: h.dir,
    };
    let notify = raw
        .notify
        .map(|n| notify::validate(n, text, &components, diags));
    Some(Config {
        title: raw.title,
        description: raw.description.unwrap_or_default(),
        base_url: base_url?,
        timezone: timezone?,
        language,
        strings,
        theme,
        contact: raw.contact,
        components,
        health,
        probes,
        notify,
    })
}

/// The line of `url:` in contact item `index`, or the item's line when it cannot be
/// told apart (a flow mapping).
fn contact_url_line(text: &str, index: usize) -> Option<usize> {
    let item = yaml::list_item_line(text, "contact", index)?;
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let first = lines.get(item - 1)?;
    let item_indent = indent(first);
    if first
        .trim_start()
        .trim_start_matches('-')
        .trim_start()
        .starts_with("url:")
    {
        return Some(item);
    }
    for (i, l) in lines.iter().enumerate().skip(item) {
        let t = l.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if indent(l) <= item_indent {
            break;
        }
        if t.starts_with("url:") {
            return Some(i + 1);
        }
    }
    Some(item)
}

/// The `strings:` section, flattened; unknown keys and odd shapes are errors that name
/// the key's line and the nearest known key.
fn string_overrides(
    value: &serde_yaml::Value,
    text: &str,
    rel: &Path,
    diags: &mut Diagnostics,
) -> crate::i18n::catalogue::Catalogue {
    let section = yaml::key_line(text, "strings");
    // The line of a key below `strings:`, written nested or dotted.
    let line_of = |key: &str| {
        let last = key.rsplit('.').next().unwrap_or(key);
        let from = section.unwrap_or(1);
        text.lines()
            .enumerate()
            .skip(from)
            .find(|(_, l)| {
                let l = l.trim_start().trim_start_matches(['"', '\'']);
                l.starts_with(key) || l.starts_with(last)
            })
            .map(|(i, _)| i + 1)
            .or(section)
    };
    let strings = match crate::i18n::parse_overrides(value) {
        Ok(s) => s,
        Err(e) => {
            diags.push(
                Diagnostic::error(rel, e.to_string())
                    .at_line(section)
                    .field("strings"),
            );
            return Default::default();
        }
    };
    for key in crate::i18n::unknown_keys(&strings) {
        let hint = crate::i18n::closest_key(key)
            .map_or_else(String::new, |k| format!("; did you mean `{k}`?"));
        diags.push(
            Diagnostic::error(
                rel,
                format!("`{key}` is not a string Lantern shows (keys are listed in themes/default/i18n/en.yaml){hint}"),
            )
            .at_line(line_of(key))
            .field(format!("strings.{key}")),
        );
    }
    strings
}

/// Parse an absolute http(s) URL and make sure its path ends with `/`.
pub fn parse_base_url(raw: &str) -> Result<url::Url, String> {
    let mut u = url::Url::parse(raw.trim()).map_err(|e| {
        format!("`{raw}` is not an absolute URL ({e}); write e.g. `https://status.example.com/`")
    })?;
    if u.scheme() != "http" && u.scheme() != "https" {
        return Err(format!("`{raw}` must start with http:// or https://"));
    }
    if u.query().is_some() || u.fragment().is_some() {
        return Err(format!("`{raw}` must not carry a query or fragment"));
    }
    if !u.path().ends_with('/') {
        let p = format!("{}/", u.path());
        u.set_path(&p);
    }
    Ok(u)
}

/// Component ids appear in URLs and file names: `[a-z0-9][a-z0-9_-]*`.
pub fn valid_component_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_a_trailing_slash() {
        assert_eq!(
            parse_base_url("https://x.org/status").unwrap().path(),
            "/status/"
        );
        assert_eq!(parse_base_url("https://x.org").unwrap().path(), "/");
        assert!(parse_base_url("status.example.com").is_err());
        assert!(parse_base_url("ftp://x.org/").is_err());
    }

    #[test]
    fn huge_spans_are_refused() {
        // Found by fuzzing (tests/fuzz, site_config): the health model overflowed
        // adding `stale_after` to an instant.
        let site = |span: &str| {
            format!(
                "title: T\nbase_url: https://x.org/\ncomponents:\n  - {{ id: web, name: Web, checks: [a] }}\nhealth:\n  stale_after: {span}\n"
            )
        };
        let err = parse(&site("18446744073709551615s")).unwrap_err();
        let d = err.errors().next().unwrap();
        assert_eq!(d.field.as_deref(), Some("health.stale_after"));
        assert_eq!(d.line, Some(5));
        assert!(d.message.contains("at most 3650d"), "{}", d.message);
        assert!(parse(&site("3650d")).is_ok());
        assert!(parse(&site("3651d")).is_err());
        let cfg = parse(&site("3650d")).unwrap();
        let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let grid = crate::health::Grid::new(now, cfg.timezone, cfg.health.history_days);
        let mut s = crate::health::series::Series::new(&grid);
        s.add(
            None,
            grid.start.timestamp() - 60,
            crate::health::record::State::Up,
            None,
        );
        let stale = crate::health::coverage::stale_minutes(cfg.health.stale_after);
        let cov = crate::health::coverage::coverage(&s, &grid, stale);
        assert!(
            cov.iter().all(|&c| c == 1),
            "a ten-year stale_after covers the grid"
        );
    }

    #[test]
    fn component_ids() {
        assert!(valid_component_id("db-primary_2"));
        assert!(!valid_component_id("-db"));
        assert!(!valid_component_id("DB"));
        assert!(!valid_component_id(""));
        assert!(!valid_component_id("a/b"));
    }
}
