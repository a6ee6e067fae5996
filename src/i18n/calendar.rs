//! Month names and number separators of a language, from the glibc locale data that
//! `pure-rust-locales` carries (the tables chrono's `unstable-locales` uses), so no
//! month name or separator is typed in by hand here.

use pure_rust_locales::{Locale as Posix, locale_match};

/// What the catalogues' date and number patterns need from the locale data.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// "Nov", "nov.", "lis": abbreviated month names, January first.
    pub abbr_months: [&'static str; 12],
    /// Month names as used inside a date ("20 listopada 2026"), January first.
    pub months: [&'static str; 12],
    /// Month names standing alone, for headings ("listopad 2026"), January first.
    pub standalone_months: [&'static str; 12],
    /// "." or ",".
    pub decimal_point: &'static str,
    /// "," "." or a narrow no-break space; empty for none.
    pub thousands_sep: &'static str,
}

/// The glibc locale whose tables serve a shipped catalogue tag.
fn posix(tag: &str) -> Posix {
    match tag {
        "de" => Posix::de_DE,
        "fr" => Posix::fr_FR,
        "es" => Posix::es_ES,
        "pt-BR" => Posix::pt_BR,
        "it" => Posix::it_IT,
        "nl" => Posix::nl_NL,
        "pl" => Posix::pl_PL,
        "sv" => Posix::sv_SE,
        "ja" => Posix::ja_JP,
        "zh-CN" => Posix::zh_CN,
        "ar" => Posix::ar_EG,
        _ => Posix::en_GB,
    }
}

fn twelve(names: &[&'static str]) -> [&'static str; 12] {
    let mut out = [""; 12];
    for (o, n) in out.iter_mut().zip(names) {
        // ja pads one-digit months (" 1月") for column alignment; prose does not want it.
        *o = n.trim();
    }
    out
}

impl Calendar {
    /// The tables for a shipped catalogue tag (English for anything else).
    pub fn for_tag(tag: &str) -> Calendar {
        let l = posix(tag);
        let months = twelve(locale_match!(l => LC_TIME::MON));
        Calendar {
            abbr_months: twelve(locale_match!(l => LC_TIME::ABMON)),
            months,
            standalone_months: locale_match!(l => LC_TIME::ALT_MON).map_or(months, twelve),
            decimal_point: locale_match!(l => LC_NUMERIC::DECIMAL_POINT),
            thousands_sep: locale_match!(l => LC_NUMERIC::THOUSANDS_SEP),
        }
    }

    /// A whole number with the language's digit grouping: "12,345", "12.345", "12 345".
    pub fn integer(&self, n: u64) -> String {
        let digits = n.to_string();
        // Four-digit numbers stay ungrouped where the separator is a space (CLDR's
        // minimumGroupingDigits for fr/pl/sv/es), and everywhere for readability.
        if digits.len() <= 4 || self.thousands_sep.is_empty() {
            return digits;
        }
        let mut out = String::with_capacity(digits.len() + 8);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(self.thousands_sep);
            }
            out.push(ch);
        }
        out
    }

    /// A fixed-point number given as "97.50" text, with the language's decimal point.
    pub fn decimal(&self, text: &str) -> String {
        match text.split_once('.') {
            Some((int, frac)) => {
                let int = int
                    .parse::<u64>()
                    .map_or(int.to_string(), |n| self.integer(n));
                format!("{int}{}{frac}", self.decimal_point)
            }
            None => text.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_come_from_the_locale_data() {
        let de = Calendar::for_tag("de");
        assert_eq!(de.abbr_months[2], "Mär");
        assert_eq!(de.decimal("99.98"), "99,98");
        assert_eq!(de.integer(26_000), "26.000");
        assert_eq!(de.integer(2_000), "2000");
        let pl = Calendar::for_tag("pl");
        assert_eq!(pl.months[10], "listopada");
        assert_eq!(pl.standalone_months[10], "listopad");
        let ja = Calendar::for_tag("ja");
        assert_eq!(ja.abbr_months[0], "1月");
        let en = Calendar::for_tag("en");
        assert_eq!(en.decimal("97.50"), "97.50");
        assert_eq!(en.integer(1_234_567), "1,234,567");
        assert_eq!(en.standalone_months[10], "November");
        assert_eq!(Calendar::for_tag("fr").integer(12_345), "12\u{202f}345");
        assert_eq!(en.integer(123_456), "123,456");
        assert_eq!(en.integer(12_345), "12,345");
    }

    #[test]
    fn every_shipped_language_has_its_own_month_names() {
        let en = Calendar::for_tag("en");
        for (tag, _) in &crate::i18n::SHIPPED[1..] {
            let c = Calendar::for_tag(tag);
            assert_ne!(c.months, en.months, "{tag} uses English month names");
        }
    }
}
