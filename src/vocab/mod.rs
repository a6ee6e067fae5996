//! The model's vocabulary: every closed set of words a post, a component or a machine
//! output uses, each spelled once. Leaf module: imports nothing from the crate.
//!
//! Each enum has `as_str` (the word in YAML, JSON and CSS classes), `label` (English
//! words for readers), `key` (its entry in the UI string catalogues), `Ord` by severity or lifecycle order, and serde
//! (de)serialisation with the same words.

mod words;

pub use words::{
    ComponentStatus, Impact, IncidentStatus, Indicator, MaintenanceStatus, PostKind, UpdateStatus,
};

/// What every word set offers, for code generic over incident and maintenance updates.
pub trait Word: Copy {
    /// The word in YAML, JSON and CSS classes.
    fn word(self) -> &'static str;
    /// The UI string catalogue key of the reader's label.
    fn label_key(self) -> &'static str;
    /// The reader's words in English.
    fn english(self) -> &'static str;
}

/// Declares a closed set of words: the enum, its words, catalogue keys and serde.
///
/// `what` names the set in errors ("`x` is not an impact; use one of `none`, …"),
/// `key` is the catalogue group the labels live in.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, what $what:literal, key $group:literal,
        { $($(#[$vmeta:meta])* $variant:ident => $word:literal / $label:literal),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in `Ord` order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The word in YAML, JSON and CSS classes.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The reader's words in English (terminal messages, notifications; pages
            /// translate `key` instead).
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// The UI string catalogue key of the reader's label.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($group, ".", $word)),+
                }
            }

            /// The value for `word`, if it is one of the set.
            pub fn parse(word: &str) -> Option<$name> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The valid words as a list for messages: "`a`, `b`".
            pub fn word_list() -> String {
                [$(concat!("`", $word, "`")),+].join(", ")
            }
        }

        impl $crate::vocab::Word for $name {
            fn word(self) -> &'static str {
                self.as_str()
            }
            fn label_key(self) -> &'static str {
                self.key()
            }
            fn english(self) -> &'static str {
                self.label()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        write!(f, "{} ({})", $what, $name::word_list())
                    }
                    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<$name, E> {
                        $name::parse(s).ok_or_else(|| {
                            E::custom(format!(
                                "`{s}` is not {}; use one of {}",
                                $what,
                                $name::word_list()
                            ))
                        })
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}
use vocabulary;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_through_serde_and_parse() {
        for s in IncidentStatus::ALL {
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
            assert_eq!(serde_json::from_str::<IncidentStatus>(&json).unwrap(), s);
            assert_eq!(IncidentStatus::parse(s.as_str()), Some(s));
        }
        for s in ComponentStatus::ALL {
            assert_eq!(ComponentStatus::parse(s.as_str()), Some(s));
            assert_eq!(s.key(), format!("component_status.{}", s.as_str()));
        }
        assert_eq!(
            MaintenanceStatus::InProgress.key(),
            "maintenance_status.in_progress"
        );
    }

    #[test]
    fn an_unknown_word_names_the_valid_ones() {
        let e = serde_json::from_str::<Impact>("\"huge\"")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "`huge` is not an impact; use one of `none`, `minor`, `major`, `critical`"
            ),
            "{e}"
        );
    }

    #[test]
    fn order_is_by_severity() {
        assert!(Impact::None < Impact::Minor && Impact::Major < Impact::Critical);
        let worst = [
            ComponentStatus::Unknown,
            ComponentStatus::DegradedPerformance,
        ]
        .into_iter()
        .max();
        assert_eq!(worst, Some(ComponentStatus::Unknown));
        assert!(ComponentStatus::PartialOutage < ComponentStatus::MajorOutage);
        assert!(ComponentStatus::Operational < ComponentStatus::UnderMaintenance);
    }
}
