//! Every text a person reads comes from `locales/` through here.
//!
//! Language: the person's stored choice, else Telegram's language_code (ru → Russian, anything
//! else → English). Russian is the fallback for a key missing in English.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};
use unic_langid::LanguageIdentifier;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[serde(rename = "ru")]
    Ru,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Ru, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Telegram's language_code: "ru", "ru-RU" → Russian; anything else (or nothing) → English.
    pub fn from_telegram(code: Option<&str>) -> Self {
        match code {
            Some(c) if c.to_ascii_lowercase().starts_with("ru") => Lang::Ru,
            _ => Lang::En,
        }
    }

    /// Stored choice first, then what Telegram says.
    pub fn negotiate(stored: Option<&str>, telegram: Option<&str>) -> Self {
        stored
            .and_then(Lang::from_code)
            .unwrap_or_else(|| Lang::from_telegram(telegram))
    }
}

/// One Fluent file per area and language; the same files exist for every language.
macro_rules! locale_files {
    ($lang:literal) => {
        [
            include_str!(concat!("../locales/", $lang, "/main.ftl")),
            include_str!(concat!("../locales/", $lang, "/leads.ftl")),
            include_str!(concat!("../locales/", $lang, "/digest.ftl")),
            include_str!(concat!("../locales/", $lang, "/export.ftl")),
            include_str!(concat!("../locales/", $lang, "/privacy.ftl")),
            include_str!(concat!("../locales/", $lang, "/aftercare.ftl")),
            include_str!(concat!("../locales/", $lang, "/door.ftl")),
            include_str!(concat!("../locales/", $lang, "/duty.ftl")),
        ]
    };
}

const SOURCES: [(Lang, [&str; 8]); 2] = [
    (Lang::Ru, locale_files!("ru")),
    (Lang::En, locale_files!("en")),
];

pub struct I18n {
    bundles: HashMap<Lang, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("locale {lang}: {detail}")]
pub struct LocaleError {
    lang: &'static str,
    detail: String,
}

impl I18n {
    pub fn load() -> Result<Self, LocaleError> {
        let mut bundles = HashMap::new();
        for (lang, sources) in SOURCES {
            let err = |detail: String| LocaleError {
                lang: lang.code(),
                detail,
            };
            let id: LanguageIdentifier = lang.code().parse().map_err(|e| err(format!("{e}")))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks would end up inside button labels and break matching.
            bundle.set_use_isolating(false);
            for source in sources {
                let resource = FluentResource::try_new(source.to_owned())
                    .map_err(|(_, errors)| err(format!("syntax errors: {errors:?}")))?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| err(format!("duplicate messages: {errors:?}")))?;
            }
            bundles.insert(lang, bundle);
        }
        Ok(Self { bundles })
    }

    /// A text without arguments.
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.format(lang, key, None)
    }

    /// A text with arguments: `i18n.f(lang, "req-posted", &args![("id", 12)])`.
    pub fn f(&self, lang: Lang, key: &str, args: &FluentArgs) -> String {
        self.format(lang, key, Some(args))
    }

    fn format(&self, lang: Lang, key: &str, args: Option<&FluentArgs>) -> String {
        for candidate in [lang, Lang::Ru] {
            let bundle = &self.bundles[&candidate];
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = vec![];
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(
                        key,
                        lang = candidate.code(),
                        ?errors,
                        "message formatted with errors"
                    );
                }
                return text.into_owned();
            }
        }
        tracing::error!(key, "message missing in every locale");
        // Never show a raw key to a person: an ellipsis is the least confusing thing to show.
        "…".to_owned()
    }

    /// True when `text` is the label `key` in any language (a keyboard from before a
    /// language switch still works).
    pub fn is_label(&self, text: &str, key: &str) -> bool {
        let text = text.trim();
        Lang::ALL.iter().any(|l| self.t(*l, key) == text)
    }

    /// Every message id of a language, for the completeness test.
    pub fn keys(&self, lang: Lang) -> Vec<String> {
        let sources = SOURCES
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, s)| s.as_slice())
            .unwrap_or(&[]);
        sources
            .iter()
            .flat_map(|s| s.lines())
            .filter_map(|line| {
                let (id, _) = line.split_once('=')?;
                let id = id.trim_end();
                let first = id.chars().next()?;
                (first.is_ascii_alphabetic()
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .then(|| id.to_owned())
            })
            .collect()
    }
}

/// Builds Fluent arguments: `args![("id", 12), ("name", name)]`.
#[macro_export]
macro_rules! args {
    ($(($k:expr, $v:expr)),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut a = fluent_bundle::FluentArgs::new();
        $( a.set($k, $crate::i18n::arg($v)); )*
        a
    }};
}

/// Converts what handlers have at hand into a Fluent value.
pub fn arg<'a>(v: impl Into<FluentValue<'a>>) -> FluentValue<'a> {
    v.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_negotiation_prefers_the_stored_choice() {
        assert_eq!(Lang::negotiate(Some("en"), Some("ru")), Lang::En);
        assert_eq!(Lang::negotiate(None, Some("ru-RU")), Lang::Ru);
        assert_eq!(Lang::negotiate(None, Some("de")), Lang::En);
        assert_eq!(Lang::negotiate(None, None), Lang::En);
        assert_eq!(Lang::negotiate(Some("xx"), Some("ru")), Lang::Ru);
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let i18n = I18n::load().expect("locales parse");
        let mut ru = i18n.keys(Lang::Ru);
        let mut en = i18n.keys(Lang::En);
        ru.sort();
        en.sort();
        let only_ru: Vec<_> = ru.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !ru.contains(k)).collect();
        assert!(
            only_ru.is_empty() && only_en.is_empty(),
            "only in ru: {only_ru:?}; only in en: {only_en:?}"
        );
        assert!(ru.len() > 50, "suspiciously few keys: {}", ru.len());
    }
}
