//! UI languages. Every UI string lives in the Fluent catalogs under `templates/locales/`.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./templates/locales",
        fallback_language: "en-US",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static EN: LanguageIdentifier = langid!("en-US");
static ZH: LanguageIdentifier = langid!("zh-CN");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The BCP 47 tag used in `lang=` attributes, settings and cookies.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// OpenGraph locale.
    pub fn og_locale(self) -> &'static str {
        match self {
            Lang::En => "en_US",
            Lang::Zh => "zh_CN",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let primary = code.split(['-', '_']).next().unwrap_or("");
        match primary {
            "en" => Some(Lang::En),
            // Simplified Chinese is the only Chinese catalog; zh-TW readers get it too rather than English.
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }

    /// Best supported language in an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or("").trim();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
            if let Some(lang) = Lang::from_code(tag)
                && q > 0.0
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::En => &EN,
            Lang::Zh => &ZH,
        }
    }

    /// Translate a catalog key. A missing key shows the key itself (and a test keeps both
    /// catalogs complete).
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(self.id(), key).unwrap_or_else(|| key.to_string())
    }

    /// Translate with named arguments.
    pub fn ta(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'_>> =
            args.iter().map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// Translate with a count (plural rules come from the catalog).
    pub fn tn(self, key: &str, count: i64) -> String {
        let mut map: HashMap<Cow<'static, str>, FluentValue<'_>> = HashMap::new();
        map.insert(Cow::Borrowed("count"), FluentValue::from(count));
        LOCALES.try_lookup_with_args(self.id(), key, &map).unwrap_or_else(|| key.to_string())
    }

    /// A date as readers of the language write it.
    pub fn date(self, at: NaiveDateTime) -> String {
        match self {
            Lang::En => at.format("%-d %b %Y").to_string(),
            Lang::Zh => format!("{}年{}月{}日", at.year(), at.month(), at.day()),
        }
    }

    /// A local date and time, with its zone's name, as readers of the language write it.
    pub fn datetime(self, at: NaiveDateTime, zone: &str) -> String {
        match self {
            Lang::En => format!("{}, {} {zone}", at.format("%-d %b %Y"), at.format("%H:%M")),
            Lang::Zh => format!("{}年{}月{}日 {} {zone}", at.year(), at.month(), at.day(), at.format("%H:%M")),
        }
    }
}

/// Every key of a catalog, for the completeness test.
pub fn catalog_keys(lang: Lang) -> Vec<String> {
    let dir = match lang {
        Lang::En => "en-US",
        Lang::Zh => "zh-CN",
    };
    let path = format!("{}/templates/locales/{dir}/plaza.ftl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with([' ', '#', '\t', '.', '[', '*', '}']) && l.contains(" ="))
        .filter_map(|l| l.split(" =").next())
        .map(|k| k.trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_q() {
        assert_eq!(Lang::from_accept_language("zh-CN,zh;q=0.9,en;q=0.8"), Some(Lang::Zh));
        assert_eq!(Lang::from_accept_language("fr;q=1, en;q=0.5, zh;q=0.4"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language("zh;q=0"), None);
    }

    #[test]
    fn both_catalogs_have_the_same_keys() {
        let mut en = catalog_keys(Lang::En);
        let mut zh = catalog_keys(Lang::Zh);
        en.sort();
        zh.sort();
        assert!(en.len() > 50, "catalog parsed: {}", en.len());
        let missing_zh: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        let missing_en: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        assert!(missing_zh.is_empty(), "missing in zh-CN: {missing_zh:?}");
        assert!(missing_en.is_empty(), "missing in en-US: {missing_en:?}");
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let keys = catalog_keys(Lang::En);
        let root = env!("CARGO_MANIFEST_DIR");
        let mut missing = Vec::new();
        for dir in ["templates", "src"] {
            visit(&std::path::Path::new(root).join(dir), &mut |text| {
                for key in used_keys(text) {
                    if !keys.contains(&key) {
                        missing.push(key);
                    }
                }
            });
        }
        missing.sort();
        missing.dedup();
        assert!(missing.is_empty(), "keys used but not in the catalogs: {missing:?}");
    }

    fn visit(dir: &std::path::Path, f: &mut dyn FnMut(&str)) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, f);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                f(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }

    /// Keys passed as string literals to t("…"), ta("…", tn("…" and the `k!("…")` marker.
    fn used_keys(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for marker in ["t(\"", "ta(\"", "tn(\"", "t1(\"", "key(\""] {
            let mut rest = text;
            while let Some(i) = rest.find(marker) {
                let before = rest[..i].chars().last();
                rest = &rest[i + marker.len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
                    {
                        out.push(key.to_string());
                    }
                }
            }
        }
        out
    }
}
