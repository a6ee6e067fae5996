//! `affected` system names → component ids: `--component "Name=id"` first, else
//! the slugified name.

use super::CstateError;

/// How each affected name became a component id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    pub name: String,
    pub id: String,
    /// False when the id was made by slugifying (not given with `--component`).
    pub mapped: bool,
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

/// The component id of an affected name: an exact `--component` name first, then
/// one differing only in case, then the slugified name.
pub(super) fn map_name(name: &str, pairs: &[(String, String)]) -> Option<Mapping> {
    let given = pairs
        .iter()
        .find(|(n, _)| n == name)
        .or_else(|| pairs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)));
    match given {
        Some((_, id)) => Some(Mapping {
            name: name.into(),
            id: id.clone(),
            mapped: true,
        }),
        None => {
            let id = slug::slugify(name);
            crate::config::valid_component_id(&id).then(|| Mapping {
                name: name.into(),
                id,
                mapped: false,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_by_flag_then_slug() {
        let pairs = parse(&["Media Proxy=media".into()]).unwrap();
        assert_eq!(map_name("Media Proxy", &pairs).unwrap().id, "media");
        assert_eq!(map_name("media proxy", &pairs).unwrap().id, "media");
        let m = map_name("API Gateway", &pairs).unwrap();
        assert_eq!((m.id.as_str(), m.mapped), ("api-gateway", false));
        assert!(map_name("!!!", &pairs).is_none());
        assert!(parse(&["NoEquals".into()]).is_err());
        assert!(parse(&["A=Bad Id".into()]).is_err());
    }
}
