//! `affected` system names → component ids: `--component "Name=id"` first, then the
//! components of the site's `site.yaml` by name or id, else the slugified name.
//!
//! cState names systems by their display name ("Website"), Lantern posts name
//! components by id (`web`): matching the site's own names first is what makes an
//! imported post pass `lantern check` without edits.

use super::CstateError;

/// A component of the target site, as `site.yaml` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteComponent {
    pub id: String,
    pub name: String,
}

/// How an affected name found its component id (or did not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// Given with `--component`.
    Flag,
    /// The name of a component in `site.yaml` (ignoring case).
    SiteName,
    /// The id of a component in `site.yaml` (ignoring case, or once slugified).
    SiteId,
    /// The slugified name, with no `site.yaml` to check it against.
    Slug,
    /// Nothing in `site.yaml` matches: the system is left out of the posts.
    Dropped,
}

impl How {
    /// For the import summary: `"Website" → web (name in site.yaml)`.
    pub fn describe(self) -> &'static str {
        match self {
            How::Flag => "--component",
            How::SiteName => "name in site.yaml",
            How::SiteId => "id in site.yaml",
            How::Slug => "not mapped: slugified name",
            How::Dropped => "no component in site.yaml has this name or id: left out",
        }
    }
}

/// How each affected name became a component id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub name: String,
    /// `None` when the system is dropped ([`How::Dropped`]).
    pub id: Option<String>,
    pub how: How,
}

/// `Name=id` pairs, checked.
pub(super) fn parse(raw: &[String]) -> Result<Vec<(String, String)>, CstateError> {
    raw.iter()
        .map(|m| {
            let (name, id) = m
                .rsplit_once('=')
                .ok_or_else(|| CstateError::BadMapping(m.clone()))?;
            let (name, id) = (name.trim(), id.trim());
            if name.is_empty() || !crate::config::valid_component_id(id) {
                return Err(CstateError::BadMapping(m.clone()));
            }
            Ok((name.to_string(), id.to_string()))
        })
        .collect()
}

/// The entry whose key is `name` exactly, else one differing only in case.
fn find<'a, T>(items: &'a [T], key: impl Fn(&T) -> &str, name: &str) -> Option<&'a T> {
    items
        .iter()
        .find(|i| key(i) == name)
        .or_else(|| items.iter().find(|i| key(i).eq_ignore_ascii_case(name)))
}

/// The component id of an affected name: a `--component` name first, then with a
/// `site.yaml` (`site`) a component's name, then its id (as written or slugified),
/// else [`How::Dropped`]; without one, the slugified name. `None` when there is no
/// site and the name slugifies to no valid id.
pub(super) fn map_name(
    name: &str,
    pairs: &[(String, String)],
    site: Option<&[SiteComponent]>,
) -> Option<Mapping> {
    let mapping = |id: Option<&str>, how| Mapping {
        name: name.into(),
        id: id.map(str::to_string),
        how,
    };
    if let Some((_, id)) = find(pairs, |(n, _)| n, name) {
        return Some(mapping(Some(id), How::Flag));
    }
    let slug = slug::slugify(name);
    let Some(site) = site else {
        return crate::config::valid_component_id(&slug).then(|| mapping(Some(&slug), How::Slug));
    };
    if let Some(c) = find(site, |c| &c.name, name.trim()) {
        return Some(mapping(Some(&c.id), How::SiteName));
    }
    match find(site, |c| &c.id, name.trim()).or_else(|| site.iter().find(|c| c.id == slug)) {
        Some(c) => Some(mapping(Some(&c.id), How::SiteId)),
        None => Some(mapping(None, How::Dropped)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Vec<SiteComponent> {
        [
            ("web", "Website"),
            ("db", "Database"),
            ("api", "API"),
            ("API-v2", "x"),
        ]
        .iter()
        .map(|(id, name)| SiteComponent {
            id: id.to_string(),
            name: name.to_string(),
        })
        .collect()
    }

    fn id_how(name: &str, pairs: &[(String, String)], site: &[SiteComponent]) -> (String, How) {
        let m = map_name(name, pairs, Some(site)).unwrap();
        assert_eq!(m.name, name);
        (m.id.unwrap_or_default(), m.how)
    }

    #[test]
    fn names_map_by_flag_then_slug_without_a_site() {
        let pairs = parse(&["Media Proxy=media".into()]).unwrap();
        let m = map_name("Media Proxy", &pairs, None).unwrap();
        assert_eq!((m.id.as_deref(), m.how), (Some("media"), How::Flag));
        assert_eq!(
            map_name("media proxy", &pairs, None).unwrap().id.as_deref(),
            Some("media")
        );
        let m = map_name("API Gateway", &pairs, None).unwrap();
        assert_eq!((m.id.as_deref(), m.how), (Some("api-gateway"), How::Slug));
        assert!(map_name("!!!", &pairs, None).is_none());
        assert!(parse(&["NoEquals".into()]).is_err());
        assert!(parse(&["A=Bad Id".into()]).is_err());
    }

    #[test]
    fn site_names_then_ids_then_nothing() {
        let s = site();
        let w = |id: &str, how| (id.to_string(), how);
        assert_eq!(id_how("Website", &[], &s), w("web", How::SiteName));
        assert_eq!(id_how("WEBSITE", &[], &s), w("web", How::SiteName));
        assert_eq!(id_how(" database ", &[], &s), w("db", How::SiteName));
        assert_eq!(id_how("web", &[], &s), w("web", How::SiteId));
        assert_eq!(id_how("DB", &[], &s), w("db", How::SiteId));
        // An id written as the slug of the name: "API v2" → `api-v2`, case aside.
        assert_eq!(id_how("api-V2", &[], &s), w("API-v2", How::SiteId));
        assert_eq!(id_how("Billing", &[], &s), w("", How::Dropped));
        // A name that slugifies to nothing is dropped, not an error, when a site is known.
        assert_eq!(id_how("!!!", &[], &s), w("", How::Dropped));
    }

    #[test]
    fn the_flag_wins_over_the_site_and_exact_case_over_other_case() {
        let s = site();
        let pairs = parse(&["Website=api".into(), "website=db".into()]).unwrap();
        assert_eq!(id_how("Website", &pairs, &s), ("api".into(), How::Flag));
        assert_eq!(id_how("website", &pairs, &s), ("db".into(), How::Flag));
        assert_eq!(id_how("WEBSITE", &pairs, &s), ("api".into(), How::Flag));
        // Two site names differing only in case: the exact one is taken.
        let mut s = site();
        s.push(SiteComponent {
            id: "web2".into(),
            name: "WEBSITE".into(),
        });
        assert_eq!(id_how("WEBSITE", &[], &s), ("web2".into(), How::SiteName));
        assert_eq!(id_how("Website", &[], &s), ("web".into(), How::SiteName));
    }

    #[test]
    fn every_way_is_described() {
        let all = [
            How::Flag,
            How::SiteName,
            How::SiteId,
            How::Slug,
            How::Dropped,
        ];
        let texts: std::collections::BTreeSet<_> = all.iter().map(|h| h.describe()).collect();
        assert_eq!(texts.len(), all.len());
        assert_eq!(How::Flag.describe(), "--component");
        assert_eq!(How::Slug.describe(), "not mapped: slugified name");
    }
}
