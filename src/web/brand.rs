//! The company's own look, set by admins at `/admin/site`: a logo (beside or instead of the
//! site's name), a favicon, an accent colour for light and dark pages, a short footer in each
//! language and the home page's sections in their order.
//!
//! It is one JSON value in `site_settings`, read by every page from the copy each process keeps
//! for a few seconds (`AppState::brand`). The accent reaches pages as CSS variables in a small
//! stylesheet of its own (`/look/<version>.css`, after `plaza.css`: the CSP allows styles from this
//! site only), so light and dark, focus rings and buttons all follow it; a colour that would make
//! links or buttons hard to read (under WCAG AA's 4.5:1 against any background it is shown on)
//! is refused with the nearest shade that passes.

use std::sync::Arc;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::QueryResult;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::content::markdown::SafeHtml;
use crate::db::DbConn;
use crate::error::AppResult;
use crate::media::upload::UploadForm;
use crate::web::{AppState, Ctx, FieldErrors, Lang, Meta, PageCtx, redirect, render, render_invalid};

/// The `site_settings` key holding the look.
const SETTING: &str = "site_look";
/// Longest footer, each language (an address and a few links).
const FOOTER_MAX: usize = 600;

/// What an admin set. Everything is optional: an empty look is Plaza's own.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Brand {
    /// The logo (a picture of the media library).
    pub logo: Option<i64>,
    /// Show the logo alone, without the site's name beside it (a logo that spells the name).
    pub logo_only: bool,
    pub favicon: Option<i64>,
    /// `#rrggbb`, or empty for Plaza's own blue.
    pub accent: String,
    /// The accent on dark pages: empty to derive it from `accent`.
    pub accent_dark: String,
    /// Markdown (links, an address), each language; readers of Chinese get the English one when
    /// there is no Chinese.
    pub footer_en: String,
    pub footer_zh: String,
    /// The home page's sections in order (empty: `DEFAULT_SECTIONS`).
    pub sections: Vec<String>,
}

/// Where a home page section goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Column {
    Main,
    Side,
}

/// Every section the home page has: (name admins write, column, catalog key of its title).
pub const SECTIONS: [(&str, Column, &str); 7] = [
    ("company", Column::Main, "home-company-news"),
    ("staff", Column::Main, "home-from-staff"),
    ("community", Column::Main, "home-from-community"),
    ("magazine", Column::Main, "home-magazine"),
    ("tags", Column::Side, "home-popular-tags"),
    ("forums", Column::Side, "home-forums"),
    ("follow", Column::Side, "home-subscribe"),
];

/// The home page of a site that never chose.
pub const DEFAULT_SECTIONS: [&str; 7] = ["company", "magazine", "staff", "community", "tags", "forums", "follow"];

/// The look as pages use it: the brand with its footers rendered and its stylesheet made.
#[derive(Debug, Default)]
pub struct Look {
    pub brand: Brand,
    footer_en: SafeHtml,
    footer_zh: SafeHtml,
    /// (version, stylesheet) when the accent is the company's own.
    css: Option<(String, String)>,
}

impl Look {
    pub fn of(brand: Brand) -> Look {
        let css = stylesheet(&brand).map(|css| (hex::encode(&Sha256::digest(css.as_bytes())[..8]), css));
        Look {
            footer_en: crate::content::markdown::render_site_text(&brand.footer_en),
            footer_zh: crate::content::markdown::render_site_text(&brand.footer_zh),
            css,
            brand,
        }
    }

    /// The logo as the header shows it (the smallest picture: a logo is small).
    pub fn logo_src(&self) -> Option<String> {
        self.brand.logo.map(|id| format!("/media/{id}/thumb"))
    }

    /// The logo as link previews show it (`og:image` of pages without a picture of their own).
    pub fn logo_image(&self) -> Option<String> {
        self.brand.logo.map(|id| format!("/media/{id}/large"))
    }

    /// Is the site's name written beside the logo?
    pub fn shows_name(&self) -> bool {
        self.brand.logo.is_none() || !self.brand.logo_only
    }

    pub fn favicon_src(&self) -> Option<String> {
        self.brand.favicon.map(|id| format!("/media/{id}/thumb"))
    }

    /// The address of the site's stylesheet, when it has one.
    pub fn css_href(&self) -> Option<String> {
        self.css.as_ref().map(|(v, _)| format!("/look/{v}.css"))
    }

    /// The footer in the reader's language (English when there is no Chinese).
    pub fn footer(&self, lang: &Lang) -> &SafeHtml {
        match lang {
            Lang::Zh if !self.brand.footer_zh.trim().is_empty() => &self.footer_zh,
            _ => &self.footer_en,
        }
    }

    pub fn footer_lang(&self, lang: &Lang) -> &'static str {
        match lang {
            Lang::Zh if !self.brand.footer_zh.trim().is_empty() => "zh-CN",
            _ => "en",
        }
    }

    pub fn has_footer(&self) -> bool {
        !self.brand.footer_en.trim().is_empty() || !self.brand.footer_zh.trim().is_empty()
    }

    /// The home page's sections of one column, in order.
    pub fn sections(&self, column: Column) -> Vec<&'static str> {
        let chosen: Vec<&str> = if self.brand.sections.is_empty() {
            DEFAULT_SECTIONS.to_vec()
        } else {
            self.brand.sections.iter().map(String::as_str).collect()
        };
        chosen
            .into_iter()
            .filter_map(|name| SECTIONS.iter().find(|s| s.0 == name))
            .filter(|s| s.1 == column)
            .map(|s| s.0)
            .collect()
    }

    /// Does the home page show this section?
    pub fn shows_section(&self, name: &str) -> bool {
        self.sections(Column::Main).contains(&name) || self.sections(Column::Side).contains(&name)
    }
}

/// The look in force, as this process last read it.
pub type Current = crate::web::kept::Kept<Arc<Look>>;

/// Read the look (an unreadable stored value is Plaza's own look, and said in the log).
pub fn load(conn: &mut DbConn) -> QueryResult<Arc<Look>> {
    let brand = match crate::db::setting(conn, SETTING)? {
        Some(json) => serde_json::from_str(&json).unwrap_or_else(|e| {
            tracing::error!(error = %e, "the site's look cannot be read; Plaza's own is shown");
            Brand::default()
        }),
        None => Brand::default(),
    };
    Ok(Arc::new(Look::of(brand)))
}

/// The media items the look shows.
#[derive(Deserialize, Default, Clone, Copy)]
#[serde(default)]
pub struct Pictures {
    pub logo: Option<i64>,
    pub favicon: Option<i64>,
}

impl Pictures {
    /// What this media item is to the site's look: the catalog key of "the site's logo" or
    /// "the site's favicon", or `None`.
    pub fn role(&self, id: i64) -> Option<&'static str> {
        if self.logo == Some(id) {
            Some("media-site-logo")
        } else if self.favicon == Some(id) {
            Some("media-site-favicon")
        } else {
            None
        }
    }
}

/// The media items the look shows, read from the stored look alone.
pub fn pictures(conn: &mut DbConn) -> QueryResult<Pictures> {
    let Some(json) = crate::db::setting(conn, SETTING)? else { return Ok(Pictures::default()) };
    Ok(serde_json::from_str(&json).unwrap_or_default())
}

/// Is this media item the site's logo or favicon (shown to everyone)?
pub fn shows_media(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    Ok(pictures(conn)?.role(id).is_some())
}

// ------------------------------------------------------------------ colours

/// A colour of the sRGB space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rgb(pub u8, pub u8, pub u8);

const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
/// Plaza's own backgrounds (`plaza.css`): the page and its cards, light and dark.
const LIGHT_PAGE: [Rgb; 2] = [Rgb(0xf7, 0xf7, 0xf5), WHITE];
const DARK_PAGE: [Rgb; 2] = [Rgb(0x14, 0x17, 0x1c), Rgb(0x1c, 0x20, 0x27)];
/// Text on a dark page's accent (buttons), when it reads better than white.
const DARK_INK: Rgb = Rgb(0x0d, 0x13, 0x20);
/// WCAG AA for normal text.
pub const AA: f64 = 4.5;

impl Rgb {
    /// `#2459d6`, `2459d6`, `#25d` (any case, spaces around).
    pub fn parse(s: &str) -> Option<Rgb> {
        let h = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let digit = |i: usize, n: usize| u8::from_str_radix(&h[i * n..i * n + n], 16).ok();
        match h.len() {
            6 => Some(Rgb(digit(0, 2)?, digit(1, 2)?, digit(2, 2)?)),
            3 => {
                let d = |i| digit(i, 1).map(|v| v * 17);
                Some(Rgb(d(0)?, d(1)?, d(2)?))
            }
            _ => None,
        }
    }

    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance (WCAG 2).
    fn luminance(&self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// The contrast ratio of two colours, 1 to 21.
    pub fn contrast(&self, other: &Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// This colour moved `t` (0 to 1) of the way to `other`.
    fn toward(&self, other: &Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round().clamp(0.0, 255.0) as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// The accent's variables for one scheme: the colour, text on it, and its soft background.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    pub accent: Rgb,
    pub text: Rgb,
    pub soft: Rgb,
    /// The lowest contrast it has with anything it is shown on or with (what was checked).
    pub worst: f64,
}

impl Palette {
    /// The accent on light pages, or the lowest contrast it has with what it is shown on.
    pub fn light(accent: Rgb) -> Result<Palette, f64> {
        let soft = WHITE.toward(&accent, 0.1);
        let worst = LIGHT_PAGE.iter().chain([&soft]).map(|bg| accent.contrast(bg)).fold(f64::MAX, f64::min);
        // White on the accent: as good as the accent on white.
        if worst >= AA { Ok(Palette { accent, text: WHITE, soft, worst }) } else { Err(worst) }
    }

    /// The accent on dark pages, or the lowest contrast it has with what it is shown on (its
    /// backgrounds, and the best of dark or white text on it).
    pub fn dark(accent: Rgb) -> Result<Palette, f64> {
        let soft = DARK_PAGE[1].toward(&accent, 0.16);
        let text = if accent.contrast(&DARK_INK) >= accent.contrast(&WHITE) { DARK_INK } else { WHITE };
        let worst = DARK_PAGE
            .iter()
            .chain([&soft])
            .map(|bg| accent.contrast(bg))
            .chain([accent.contrast(&text)])
            .fold(f64::MAX, f64::min);
        if worst >= AA { Ok(Palette { accent, text, soft, worst }) } else { Err(worst) }
    }

    /// The nearest shade of `accent` that passes on light pages (darker).
    pub fn nearest_light(accent: Rgb) -> Palette {
        (0..=20).find_map(|i| Palette::light(accent.toward(&Rgb(0, 0, 0), f64::from(i) / 20.0)).ok()).unwrap_or(
            Palette { accent: Rgb(0, 0, 0), text: WHITE, soft: WHITE.toward(&Rgb(0, 0, 0), 0.1), worst: 19.0 },
        )
    }

    /// The nearest shade of `accent` that passes on dark pages (lighter): how a dark accent is
    /// derived when the admin gives none.
    pub fn nearest_dark(accent: Rgb) -> Palette {
        (0..=20).find_map(|i| Palette::dark(accent.toward(&WHITE, f64::from(i) / 20.0)).ok()).unwrap_or(Palette {
            accent: WHITE,
            text: DARK_INK,
            soft: DARK_PAGE[1].toward(&WHITE, 0.16),
            worst: 12.0,
        })
    }

    fn css(&self) -> String {
        format!("--accent:{};--accent-text:{};--accent-soft:{};", self.accent.hex(), self.text.hex(), self.soft.hex())
    }
}

/// The palettes a brand's accent makes (light, dark), if it has one. Saved accents passed the
/// checks; one that no longer does (a stored value edited by hand) falls back to the nearest
/// passing shade.
pub fn palettes(brand: &Brand) -> Option<(Palette, Palette)> {
    let accent = Rgb::parse(&brand.accent)?;
    let light = Palette::light(accent).unwrap_or_else(|_| Palette::nearest_light(accent));
    let dark = match Rgb::parse(&brand.accent_dark) {
        Some(d) => Palette::dark(d).unwrap_or_else(|_| Palette::nearest_dark(d)),
        None => Palette::nearest_dark(accent),
    };
    Some((light, dark))
}

fn stylesheet(brand: &Brand) -> Option<String> {
    let (light, dark) = palettes(brand)?;
    Some(format!(
        "/* The site's own accent (/admin/site), after plaza.css. */\n:root{{{}}}\n@media (prefers-color-scheme: dark){{:root{{{}}}}}\n",
        light.css(),
        dark.css()
    ))
}

/// `GET /look/{version}.css`: the site's accent. Its address carries its version, so it is kept
/// for a year; an older version's address answers with the current one, briefly kept.
pub async fn css(state: web::Data<AppState>, file: web::Path<String>) -> AppResult<HttpResponse> {
    let epoch = state.cache.epoch();
    let look = match state.brand.peek(epoch) {
        Some(l) => l,
        None => {
            let current = state.brand.clone();
            crate::db::run(&state.pool, move |conn| Ok(current.get(conn, epoch, load)?)).await?
        }
    };
    let (version, body) = look.css.clone().unwrap_or_default();
    let cache = if !version.is_empty() && *file == format!("{version}.css") {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=60"
    };
    Ok(HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, cache))
        .body(body))
}

// ------------------------------------------------------------------ the admins' page

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SiteForm {
    pub logo_only: Option<String>,
    pub remove_logo: Option<String>,
    pub remove_favicon: Option<String>,
    pub accent: String,
    pub accent_dark: String,
    pub footer_en: String,
    pub footer_zh: String,
    pub sections: String,
}

impl SiteForm {
    fn of(brand: &Brand) -> SiteForm {
        let sections = if brand.sections.is_empty() {
            DEFAULT_SECTIONS.iter().map(|s| s.to_string()).collect()
        } else {
            brand.sections.clone()
        };
        SiteForm {
            logo_only: brand.logo_only.then(|| "on".into()),
            remove_logo: None,
            remove_favicon: None,
            accent: brand.accent.clone(),
            accent_dark: brand.accent_dark.clone(),
            footer_en: brand.footer_en.clone(),
            footer_zh: brand.footer_zh.clone(),
            sections: sections.join("\n"),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/site.html")]
struct SitePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    look: Arc<Look>,
    form: SiteForm,
    errors: FieldErrors,
    /// What a refused field's message names (field, argument, value): the unknown section, a
    /// contrast ratio, the nearest shade that passes.
    problem_arg: Vec<Arg>,
    /// Pictures were chosen and not kept (the browser needs them chosen again).
    files_dropped: bool,
    notice: String,
}

impl SitePage<'_> {
    /// The message beside a field, with what it names.
    fn message(&self, field: &str) -> String {
        let args: Vec<(&'static str, String)> =
            self.problem_arg.iter().filter(|a| a.0 == field).map(|a| (a.1, a.2.clone())).collect();
        self.ctx.ta(self.errors.get(field), &args)
    }

    fn palettes(&self) -> Option<(Palette, Palette)> {
        palettes(&self.look.brand)
    }

    fn ratio(&self, p: &Palette) -> String {
        format!("{:.1}:1", p.worst)
    }

    fn sections(&self) -> &'static [(&'static str, Column, &'static str)] {
        &SECTIONS
    }
}

/// An argument of a field's message: (field, name, value).
type Arg = (&'static str, &'static str, String);

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SiteQuery {
    pub saved: Option<String>,
}

fn page(
    ctx: &PageCtx,
    look: Arc<Look>,
    form: SiteForm,
    errors: FieldErrors,
    args: Vec<Arg>,
    files_dropped: bool,
    notice: String,
) -> AppResult<HttpResponse> {
    let invalid = errors.has_problems();
    let page = SitePage {
        meta: Meta::new(ctx.t("site-look-title"), "/admin/site").noindex(),
        ctx,
        look,
        form,
        errors,
        problem_arg: args,
        files_dropped,
        notice,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

/// `GET /admin/site`
pub async fn admin(ctx: Ctx, state: web::Data<AppState>, q: web::Query<SiteQuery>) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let look = crate::db::run(&state.pool, |conn| Ok(load(conn)?)).await?;
    let form = SiteForm::of(&look.brand);
    let notice = if q.saved.is_some() { ctx.t("site-look-saved") } else { String::new() };
    page(&ctx, look, form, FieldErrors::default(), Vec::new(), false, notice)
}

/// The sections an admin wrote (one per line, or separated by commas or spaces), checked: every
/// one known, none twice, at least one. `Err`: (catalog key, the name it is about).
pub fn parse_sections(text: &str) -> Result<Vec<String>, (&'static str, String)> {
    let mut out: Vec<String> = Vec::new();
    for name in text.split(|c: char| c == ',' || c == '，' || c.is_whitespace()).filter(|s| !s.is_empty()) {
        let lower = name.to_lowercase();
        if !SECTIONS.iter().any(|s| s.0 == lower) {
            return Err(("site-sections-unknown", shown(name)));
        }
        if out.contains(&lower) {
            return Err(("site-sections-twice", shown(name)));
        }
        out.push(lower);
    }
    if out.is_empty() {
        return Err(("site-sections-empty", String::new()));
    }
    Ok(out)
}

/// What a message quotes of a refused value: at most 40 characters, the invisible ones that
/// hide or reorder text written out (`company\u{200b}` looks like `company`).
fn shown(value: &str) -> String {
    let invisible = |c: char| {
        c.is_control()
            || matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
    };
    let mut out: String = value
        .chars()
        .take(40)
        .map(|c| if invisible(c) { format!("\\u{{{:x}}}", u32::from(c)) } else { c.to_string() })
        .collect();
    if value.chars().count() > 40 {
        out.push('…');
    }
    out
}

/// A field refused: its catalog key and what the message names.
type Refused = (&'static str, Vec<(&'static str, String)>);

/// An accent field: empty, or a colour that passes on its pages. `Err`: the catalog key and its
/// arguments (the ratio found, the nearest shade that passes).
fn check_accent(text: &str, dark: bool) -> Result<String, Refused> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(String::new());
    }
    let Some(c) = Rgb::parse(text) else { return Err(("site-accent-not-colour", vec![("value", shown(text))])) };
    let checked = if dark { Palette::dark(c) } else { Palette::light(c) };
    match checked {
        Ok(_) => Ok(c.hex()),
        Err(worst) => {
            let nearest = if dark { Palette::nearest_dark(c) } else { Palette::nearest_light(c) };
            Err((
                if dark { "site-accent-dark-contrast" } else { "site-accent-contrast" },
                vec![("ratio", format!("{worst:.1}")), ("shade", nearest.accent.hex())],
            ))
        }
    }
}

/// `POST /admin/site`: save the look. Nothing is saved unless everything is right; the typed
/// text comes back with the problems.
pub async fn save(ctx: Ctx, state: web::Data<AppState>, upload: UploadForm<SiteForm>) -> AppResult<HttpResponse> {
    let admin = ctx.require_admin()?.id;
    let UploadForm { form, files, refused } = upload;
    let chose_files = !files.is_empty() || !refused.is_empty();
    let current = crate::db::run(&state.pool, |conn| Ok(load(conn)?)).await?;
    let mut errors = FieldErrors::default();
    let mut args: Vec<Arg> = Vec::new();
    let mut brand = current.brand.clone();
    brand.logo_only = form.logo_only.is_some();
    for (field, dark) in [("accent", false), ("accent_dark", true)] {
        let text = if dark { &form.accent_dark } else { &form.accent };
        match check_accent(text, dark) {
            Ok(hex) => {
                if dark {
                    brand.accent_dark = hex;
                } else {
                    brand.accent = hex;
                }
            }
            Err((key, found)) => {
                errors.add(field, key);
                args.extend(found.into_iter().map(|(name, v)| (field, name, v)));
            }
        }
    }
    if !form.accent_dark.trim().is_empty() && form.accent.trim().is_empty() && !errors.has("accent_dark") {
        errors.add("accent_dark", "site-accent-dark-alone");
    }
    for (field, text) in [("footer_en", &form.footer_en), ("footer_zh", &form.footer_zh)] {
        // Counted as the text area counts it (a line break is one character).
        if text.replace("\r\n", "\n").chars().count() > FOOTER_MAX {
            errors.add(field, "site-footer-long");
        } else if let Err(key) = crate::content::markdown::check_nesting(text) {
            errors.add(field, key);
        }
    }
    brand.footer_en = crate::content::plain_input(&form.footer_en.replace("\r\n", "\n")).trim().to_string();
    brand.footer_zh = crate::content::plain_input(&form.footer_zh.replace("\r\n", "\n")).trim().to_string();
    match parse_sections(&form.sections) {
        Ok(s) => brand.sections = if s == DEFAULT_SECTIONS { Vec::new() } else { s },
        Err((key, name)) => {
            errors.add("sections", key);
            args.push(("sections", "name", name));
        }
    }
    // The pictures: one for each of the two fields (anything else is not this form's), checked
    // to be pictures before anything is stored, stored only when the rest of the form is right.
    let field_of = |name: &str| ["logo", "favicon"].into_iter().find(|f| *f == name);
    for r in &refused {
        if let Some(field) = field_of(&r.field) {
            errors.add(field, r.key);
        }
    }
    let mut pictures: Vec<(&'static str, crate::media::upload::Received)> = Vec::new();
    for file in files {
        let Some(field) = field_of(&file.field) else { continue };
        if pictures.iter().any(|(f, _)| *f == field) {
            continue;
        }
        match crate::media::sniff::sniff(&file.head) {
            Ok(crate::media::sniff::Sniffed::Image(_)) => pictures.push((field, file)),
            _ => errors.add(field, "site-picture-not-image"),
        }
    }
    if errors.has_problems() {
        return page(&ctx, current, form, errors, args, chose_files, String::new());
    }
    // A new picture wins over "remove" ticked with it.
    if form.remove_logo.is_some() && !pictures.iter().any(|(f, _)| *f == "logo") {
        brand.logo = None;
    }
    if form.remove_favicon.is_some() && !pictures.iter().any(|(f, _)| *f == "favicon") {
        brand.favicon = None;
    }
    for (field, file) in pictures {
        match crate::media::ingest(&state.pool, &state.media, admin, file).await {
            Ok(u) if field == "favicon" => brand.favicon = Some(u.id),
            Ok(u) => brand.logo = Some(u.id),
            Err(key) => errors.add(field, key),
        }
    }
    if errors.has_problems() {
        return page(&ctx, current, form, errors, args, chose_files, String::new());
    }
    let json = serde_json::to_string(&brand).map_err(crate::error::AppError::internal)?;
    crate::db::run_write(&state.pool, move |tx| {
        crate::db::set_setting(tx, SETTING, Some(&json))?;
        // Every page carries the look.
        tx.stale_everything();
        Ok(())
    })
    .await?;
    state.brand.forget();
    Ok(redirect("/admin/site?saved=1"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_read_in_the_usual_spellings() {
        assert_eq!(Rgb::parse("#2459d6"), Some(Rgb(0x24, 0x59, 0xd6)));
        assert_eq!(Rgb::parse(" 2459D6 "), Some(Rgb(0x24, 0x59, 0xd6)));
        assert_eq!(Rgb::parse("#25d"), Some(Rgb(0x22, 0x55, 0xdd)));
        for bad in ["", "#", "blue", "#12345", "#gg0000", "rgb(1,2,3)", "#１２３"] {
            assert_eq!(Rgb::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contrast_follows_wcag() {
        assert!((WHITE.contrast(&Rgb(0, 0, 0)) - 21.0).abs() < 0.01);
        assert!((WHITE.contrast(&WHITE) - 1.0).abs() < 0.01);
        // #767676 is the lightest grey that passes AA on white.
        assert!(WHITE.contrast(&Rgb(0x76, 0x76, 0x76)) >= AA);
        assert!(WHITE.contrast(&Rgb(0x77, 0x77, 0x77)) < AA);
    }

    #[test]
    fn plazas_own_accents_pass_and_a_pale_one_fails() {
        assert!(Palette::light(Rgb(0x24, 0x59, 0xd6)).is_ok());
        assert!(Palette::dark(Rgb(0x7a, 0xa2, 0xff)).is_ok());
        let yellow = Rgb(0xff, 0xd4, 0x00);
        assert!(Palette::light(yellow).is_err());
        // The nearest shades pass, and derived dark accents always do.
        assert!(Palette::light(Palette::nearest_light(yellow).accent).is_ok());
        for c in [yellow, Rgb(0, 0, 0), Rgb(0x24, 0x59, 0xd6), Rgb(0x80, 0, 0)] {
            assert!(Palette::dark(Palette::nearest_dark(c).accent).is_ok(), "{c:?}");
        }
    }

    #[test]
    fn sections_are_known_once_each() {
        let ok = |t: &str| parse_sections(t).ok();
        let problem = |t: &str| parse_sections(t).err().map(|e| e.0);
        assert_eq!(ok("forums\ncompany, tags"), Some(vec!["forums".into(), "company".into(), "tags".into()]));
        assert_eq!(ok("Company"), Some(vec!["company".into()]));
        assert_eq!(parse_sections("company\nweather").err(), Some(("site-sections-unknown", "weather".to_string())));
        assert_eq!(problem("tags tags"), Some("site-sections-twice"));
        assert_eq!(problem(" \n "), Some("site-sections-empty"));
    }
}
