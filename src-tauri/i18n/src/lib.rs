//! # madoguchi-i18n
//!
//! Messages in Japanese (the default) and English, from the Fluent files in
//! `locales/`. Shared by the wasm UI and the backend (CLI, Tauri commands), so a
//! message id means the same words everywhere.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

const JA: &str = include_str!(concat!(env!("OUT_DIR"), "/ja.ftl"));
const EN: &str = include_str!(concat!(env!("OUT_DIR"), "/en.ftl"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Ja,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ja" | "jp" | "japanese" | "日本語" => Some(Lang::Ja),
            "en" | "english" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

pub struct Messages {
    ja: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

fn bundle(lang: Lang, source: &str) -> FluentBundle<FluentResource> {
    let id = match lang {
        Lang::Ja => unic_langid::langid!("ja-JP"),
        Lang::En => unic_langid::langid!("en-GB"),
    };
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        // A syntax error in a .ftl file is a bug caught by the tests below;
        // keep the entries that did parse rather than show nothing.
        Err((r, _errors)) => r,
    };
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks: they end up in copied text and in tests.
    b.set_use_isolating(false);
    // Duplicates are reported by the tests; first definition wins here.
    let _ = b.add_resource(resource);
    b
}

impl Messages {
    fn new() -> Self {
        Messages {
            ja: bundle(Lang::Ja, JA),
            en: bundle(Lang::En, EN),
        }
    }

    /// The message `id` in `lang`, with `args` filled in. A missing message
    /// falls back to Japanese, then to the id itself (never empty).
    pub fn get(&self, lang: Lang, id: &str, args: &[(&str, String)]) -> String {
        self.try_get(lang, id, args)
            .or_else(|| self.try_get(Lang::Ja, id, args))
            .unwrap_or_else(|| id.to_string())
    }

    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }

    fn try_get(&self, lang: Lang, id: &str, args: &[(&str, String)]) -> Option<String> {
        let bundle = self.bundle(lang);
        let msg = bundle.get_message(id)?;
        let pattern = msg.value()?;
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            // Numbers stay numbers so that Fluent's plural rules work.
            match v.parse::<f64>() {
                Ok(n) if !v.starts_with('0') || v == "0" => fargs.set(*k, FluentValue::from(n)),
                _ => fargs.set(*k, FluentValue::from(v.clone())),
            }
        }
        let mut errors = vec![];
        let s = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        Some(s.into_owned())
    }
}

/// The messages of both languages, parsed once.
pub fn messages() -> &'static Messages {
    static M: OnceLock<Messages> = OnceLock::new();
    M.get_or_init(Messages::new)
}

/// Shorthand for `messages().get(lang, id, args)`.
pub fn tr(lang: Lang, id: &str, args: &[(&str, String)]) -> String {
    messages().get(lang, id, args)
}

/// Every message id defined in a language (for completeness tests).
pub fn ids(lang: Lang) -> Vec<String> {
    let src = match lang {
        Lang::Ja => JA,
        Lang::En => EN,
    };
    let resource = match FluentResource::try_new(src.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_parse_without_errors() {
        for (name, src) in [("ja", JA), ("en", EN)] {
            if let Err((_, errors)) = FluentResource::try_new(src.to_string()) {
                panic!("locales/{name}: {errors:?}");
            }
        }
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let ja: std::collections::BTreeSet<_> = ids(Lang::Ja).into_iter().collect();
        let en: std::collections::BTreeSet<_> = ids(Lang::En).into_iter().collect();
        let only_ja: Vec<_> = ja.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ja).collect();
        assert!(only_ja.is_empty(), "missing in English: {only_ja:?}");
        assert!(only_en.is_empty(), "missing in Japanese: {only_en:?}");
        assert_eq!(ids(Lang::Ja).len(), ja.len(), "a message id is defined twice");
    }

    #[test]
    fn arguments_are_filled_in() {
        let s = tr(Lang::Ja, "app-title", &[]);
        assert_eq!(s, "窓口");
        let s = tr(Lang::En, "copay-wari", &[("wari", "3".into())]);
        assert_eq!(s, "30 %");
        let s = tr(Lang::Ja, "copay-wari", &[("wari", "3".into())]);
        assert_eq!(s, "3割");
    }

    #[test]
    fn unknown_id_falls_back_to_the_id() {
        assert_eq!(tr(Lang::En, "no-such-message", &[]), "no-such-message");
    }
}
