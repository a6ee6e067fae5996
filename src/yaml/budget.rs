//! A bound on how far anchors and aliases may blow a YAML document up.
//!
//! serde_yaml replays an anchor's events for every alias, so 400 aliases of a 1 MB
//! anchor build 400 MB of strings (and nested anchors multiply). Before a document
//! that could hold aliases is deserialized for real, it is walked once with a visitor
//! that allocates nothing and only counts what the aliases expand to; the walk stops
//! as soon as the count passes the budget, so time and memory stay bounded too.

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
use std::fmt;

/// What aliases may add to a document: its values, expanded, may total at most its own
/// size plus this many bytes.
pub const MAX_ALIAS_EXPANSION: usize = 16 << 20;

pub(super) fn too_big_message(size: usize) -> String {
    format!(
        "aliases repeat the value anchored here until the YAML passes {} bytes (its own size plus {} MiB); write the values out instead",
        budget_for(size),
        MAX_ALIAS_EXPANSION >> 20
    )
}

/// The counted size a document of `size` bytes may reach.
fn budget_for(size: usize) -> usize {
    size.saturating_add(MAX_ALIAS_EXPANSION)
}

/// Whether `text` can hold an alias at all: that needs an anchor (`&name`) and an
/// alias (`*name`), each at a token start. Most documents have neither and skip the
/// counting walk; a false "maybe" only costs that walk.
pub(super) fn may_alias(text: &str) -> bool {
    first_token_line(text, b'&').is_some() && first_token_line(text, b'*').is_some()
}

/// The 1-based line of the first `mark` (`&` or `*`) that starts a token and is
/// followed by a name.
fn first_token_line(text: &str, mark: u8) -> Option<usize> {
    let b = text.as_bytes();
    // memchr: every post's front matter is scanned twice, and most hold no mark at all.
    let i = memchr::memchr_iter(mark, b).find(|&i| {
        let starts_token = i == 0 || b" \t\r\n[{,".contains(&b[i - 1]);
        starts_token && b.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace())
    })?;
    Some(b[..i].iter().filter(|&&c| c == b'\n').count() + 1)
}

/// The 1-based line (within `text`) of the anchored value whose copies pass the
/// budget (serde_yaml replays the anchor's events, so that is where the count runs
/// out), or `None` when the document stays within it. YAML errors are not reported here:
/// the real parse reports them with its own messages.
pub(super) fn over_budget(text: &str) -> Option<usize> {
    if !may_alias(text) {
        return None;
    }
    let left = Cell::new(budget_for(text.len()));
    let de = serde_yaml::Deserializer::from_str(text);
    match (Count { left: &left }).deserialize(de) {
        Ok(()) => None,
        Err(e) if left.get() == 0 => Some(e.location().map_or(1, |l| l.line())),
        // serde_yaml's own cap on alias jumps stops nested aliases first; it carries
        // no position, so name the first anchor.
        Err(e) if e.to_string().starts_with("repetition limit exceeded") => {
            Some(first_token_line(text, b'&').unwrap_or(1))
        }
        Err(_) => None,
    }
}

/// Walks any YAML value, taking every scalar's length (plus one for every node) from
/// `left`; fails once `left` reaches zero.
#[derive(Clone, Copy)]
struct Count<'a> {
    left: &'a Cell<usize>,
}

impl Count<'_> {
    fn take<E: de::Error>(&self, n: usize) -> Result<(), E> {
        let cost = n.saturating_add(1);
        if cost >= self.left.get() {
            self.left.set(0);
            return Err(E::custom("alias expansion budget exceeded"));
        }
        self.left.set(self.left.get() - cost);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Count<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.take(0)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.take(0)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.take(0)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.take(0)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.take(v.len())
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<(), E> {
        self.take(v.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.take(0)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.take(0)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.take(0)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.take(0)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }

    /// A tagged value (`!tag value`): count the tag and the value.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use de::VariantAccess;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` aliases of one anchored scalar of `len` bytes.
    fn bomb(len: usize, n: usize) -> String {
        let mut y = format!("title: &a {}\nupdates:\n", "x".repeat(len));
        for _ in 0..n {
            y.push_str("  - *a\n");
        }
        y
    }

    #[test]
    fn plain_documents_are_not_walked() {
        assert!(!may_alias("title: R&D and*more\n"));
        assert!(!may_alias("a: &x 1\n"));
        assert!(may_alias("a: &x 1\nb: *x\n"));
        // A lone `&` or `*` names nothing.
        assert!(!may_alias("a: & b\nc: * d\n"));
        assert_eq!(first_token_line("a: & b\nc: &d 1\n", b'&'), Some(2));
    }

    #[test]
    fn a_few_aliases_are_fine() {
        assert_eq!(over_budget("a: &x [1, 2, 3]\nb: *x\nc: *x\n"), None);
        assert_eq!(over_budget(&bomb(1000, 100)), None);
    }

    #[test]
    fn an_alias_bomb_is_reported_at_its_anchor() {
        assert_eq!(over_budget(&bomb(1 << 20, 400)), Some(1));
        let mut late = "a: 1\n".repeat(9);
        late.push_str(&bomb(1 << 20, 400));
        assert_eq!(over_budget(&late), Some(10));
    }

    #[test]
    fn nested_aliases_count_what_they_expand_to() {
        let mut y = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, prev) in ["b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g"])
        {
            y.push_str(&format!("{i}: &{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert_eq!(over_budget(&format!("t: 1\n{y}")), Some(2));
    }

    #[test]
    fn yaml_errors_are_left_to_the_real_parse() {
        assert_eq!(over_budget("a: &x [1\nb: *x\n"), None);
        assert_eq!(over_budget("a: *nope\nb: &x 1\n"), None);
    }

    #[test]
    fn tagged_values_are_counted() {
        assert_eq!(over_budget("a: &x !t 1\nb: *x\n"), None);
    }
}
