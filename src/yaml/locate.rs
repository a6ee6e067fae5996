//! Where a path of keys and indices (`updates[1].status`) stands in a YAML text,
//! found with the YAML parser's own positions rather than by scanning lines.
//!
//! The text is deserialized again, following the path; at the target, a visitor
//! fails on purpose, and `serde_yaml` stamps that error with the position of the
//! node being read, which [`serde_yaml::Error::location`] returns. Only run after a
//! parse has already failed, so the second pass costs nothing on good input.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_path_to_error::Segment;
use std::cell::Cell;
use std::fmt;

/// A 1-based line and column in the YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    /// The position `serde_yaml` gives an error, if any.
    pub fn of(e: &serde_yaml::Error) -> Option<Pos> {
        e.location().map(|l| Pos {
            line: l.line(),
            column: l.column(),
        })
    }
}

/// What to find at the end of the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The key of the last segment (which must be a map key): `started` in `started: x`.
    Key,
    /// The value the whole path leads to: a mapping's first key, a list item.
    Node,
    /// In the mapping the path leads to, the second occurrence of the first key
    /// written twice.
    RepeatedKey,
}

/// The position of `target` along `path` in `yaml`; `None` when the path cannot be
/// followed (an enum, an unknown segment, a key that is not there, a syntax error
/// before the target).
pub fn locate(yaml: &str, path: &[Segment], target: Target) -> Option<Pos> {
    if target == Target::Key && !matches!(path.last(), Some(Segment::Map { .. })) {
        return None;
    }
    let found = Cell::new(false);
    let seek = Seek {
        path,
        target,
        found: &found,
    };
    let err = seek
        .deserialize(serde_yaml::Deserializer::from_str(yaml))
        .err()?;
    // Any other error (the path leads nowhere) must not pass for a position.
    found.get().then(|| Pos::of(&err)).flatten()
}

/// Where `yaml` stops being well-formed YAML (syntax, aliases, nesting), whatever
/// it holds: an error there is about the text, not about a value.
pub fn malformed_at(yaml: &str) -> Option<Pos> {
    serde_yaml::from_str::<IgnoredAny>(yaml)
        .err()
        .and_then(|e| Pos::of(&e))
}

/// Follows `path`, then fails at the target.
struct Seek<'a> {
    path: &'a [Segment],
    target: Target,
    found: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match (self.path.first(), self.target) {
            (None, Target::RepeatedKey) => d.deserialize_map(Repeat { found: self.found }),
            (None, _) => {
                // Every `Visitor` method fails by default; the error carries the
                // position of whatever node is here.
                self.found.set(true);
                d.deserialize_any(Fail)
            }
            (Some(Segment::Map { .. }), _) => d.deserialize_map(self),
            (Some(Segment::Seq { .. }), _) => d.deserialize_seq(self),
            (Some(_), _) => Err(de::Error::custom("cannot follow this segment")),
        }
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the path to follow")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some(Segment::Map { key }) = self.path.first() else {
            return Err(de::Error::custom("not a mapping"));
        };
        let rest = &self.path[1..];
        let at_key = rest.is_empty() && self.target == Target::Key;
        loop {
            let seed = Key {
                want: key,
                fail: at_key.then_some(self.found),
            };
            match map.next_key_seed(seed)? {
                None => return Err(de::Error::custom("no such key")),
                Some(true) => {
                    return map.next_value_seed(Seek {
                        path: rest,
                        target: self.target,
                        found: self.found,
                    });
                }
                Some(false) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some(Segment::Seq { index }) = self.path.first() else {
            return Err(de::Error::custom("not a list"));
        };
        for _ in 0..*index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom("no such item"));
            }
        }
        let next = Seek {
            path: &self.path[1..],
            target: self.target,
            found: self.found,
        };
        match seq.next_element_seed(next)? {
            Some(()) => Ok(()),
            None => Err(de::Error::custom("no such item")),
        }
    }
}

/// A map key: `true` when it is `want`; with `fail`, the wanted key is an error
/// at its own position instead.
struct Key<'a> {
    want: &'a str,
    fail: Option<&'a Cell<bool>>,
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        match self.fail {
            Some(found) if v == self.want => {
                found.set(true);
                Err(E::custom("found"))
            }
            _ => Ok(v == self.want),
        }
    }
}

/// Fails at the second occurrence of the first repeated key of a mapping.
struct Repeat<'a> {
    found: &'a Cell<bool>,
}

impl<'de> Visitor<'de> for Repeat<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = Vec::new();
        while map
            .next_key_seed(Seen {
                seen: &mut seen,
                found: self.found,
            })?
            .is_some()
        {
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom("no key is repeated"))
    }
}

/// A key, failing at its position if it is already in `seen`.
struct Seen<'a> {
    seen: &'a mut Vec<String>,
    found: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for Seen<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Seen<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if self.seen.iter().any(|s| s == v) {
            self.found.set(true);
            return Err(E::custom("repeated"));
        }
        self.seen.push(v.to_string());
        Ok(())
    }
}

/// Accepts nothing: makes the deserializer report the node it is at.
struct Fail;

impl Visitor<'_> for Fail {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("nothing")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(segments: &[&str]) -> Vec<Segment> {
        segments
            .iter()
            .map(|s| match s.parse() {
                Ok(index) => Segment::Seq { index },
                Err(_) => Segment::Map { key: s.to_string() },
            })
            .collect()
    }

    fn at(yaml: &str, segments: &[&str], target: Target) -> Option<(usize, usize)> {
        locate(yaml, &path(segments), target).map(|p| (p.line, p.column))
    }

    const POST: &str = "title: x\nstarted: yesterday\nupdates:\n  - at: 1\n    status: a\n  - at: 2\n\n    status: b\ndata_loss:\n  report_by: soon\ncomponents: [web, db]\n";

    #[test]
    fn keys_are_found_at_any_depth() {
        assert_eq!(at(POST, &["started"], Target::Key), Some((2, 1)));
        assert_eq!(
            at(POST, &["updates", "1", "status"], Target::Key),
            Some((8, 5))
        );
        assert_eq!(
            at(POST, &["data_loss", "report_by"], Target::Key),
            Some((10, 3))
        );
    }

    #[test]
    fn nodes_are_found_in_block_and_flow_lists() {
        assert_eq!(at(POST, &["updates", "1"], Target::Node), Some((6, 5)));
        assert_eq!(at(POST, &["components", "1"], Target::Node), Some((11, 19)));
        assert_eq!(at(POST, &[], Target::Node), Some((1, 1)));
        let flow = "contact:\n  - { label: a, url: b }\n  - { label: c }\n";
        assert_eq!(at(flow, &["contact", "1"], Target::Node), Some((3, 5)));
    }

    #[test]
    fn the_second_occurrence_of_a_repeated_key_is_found() {
        let y = "title: a\ncomponents: []\nhealth: {}\ncomponents: [x]\ntitle: b\n";
        assert_eq!(at(y, &[], Target::RepeatedKey), Some((4, 1)));
        let nested = "health:\n  a: 1\n  b: 2\n  a: 3\n";
        assert_eq!(at(nested, &["health"], Target::RepeatedKey), Some((4, 3)));
        assert_eq!(at(POST, &[], Target::RepeatedKey), None);
    }

    #[test]
    fn paths_that_lead_nowhere_give_no_position() {
        assert_eq!(at(POST, &["nothing"], Target::Key), None);
        assert_eq!(at(POST, &["updates", "7"], Target::Node), None);
        assert_eq!(at(POST, &["title", "0"], Target::Node), None);
        assert_eq!(at(POST, &["updates", "0"], Target::Key), None);
        // Past a syntax error nothing is found.
        assert_eq!(at("a: [b\nc: d\n", &["c"], Target::Key), None);
        let odd = vec![Segment::Unknown];
        assert_eq!(locate(POST, &odd, Target::Node), None);
    }

    #[test]
    fn aliases_lead_to_the_anchored_value() {
        let y = "base: &b\n  x: 1\nother: *b\n";
        assert_eq!(at(y, &["other", "x"], Target::Key), Some((2, 3)));
    }

    #[test]
    fn malformed_is_about_syntax_only() {
        let at = |y: &str| malformed_at(y).map(|p| (p.line, p.column));
        assert_eq!(at(POST), None);
        assert_eq!(at("a: b\na: c\n"), None);
        assert_eq!(at("a: b\nc: [d\n"), Some((3, 1)));
        assert_eq!(at("a:\n\t- b\n"), Some((2, 1)));
    }
}
