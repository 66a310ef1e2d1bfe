//! What every page shares: application state, the request context (user, language, CSRF),
//! page metadata, rendering helpers and the site-wide pages (home, sitemap, robots, errors).

pub mod assets;
pub mod brand;
pub mod cache;
pub mod client;
pub mod compress;
pub mod context;
pub mod form;
pub mod i18n;
pub mod kept;
pub mod pages;
pub mod spam;
pub mod structured;
pub mod tag_pages;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono::NaiveDateTime;
use rand::RngCore;

pub use context::{Ctx, PageCtx};
pub use form::CsrfForm;
pub use i18n::Lang;

use crate::config::Settings;
use crate::db::Pool;
use crate::error::AppResult;

/// Shared by every worker: the pool, the settings and the CSRF signing key.
pub struct AppState {
    pub pool: Pool,
    pub settings: Settings,
    pub csrf_secret: Vec<u8>,
    pub search: crate::search::Engine,
    /// The content kinds (`crate::kinds`), for code that must not name the parts.
    pub kinds: &'static crate::content::kind::Registry,
    /// Topic views counted since they were last written.
    pub views: crate::forums::views::ViewCounts,
    /// The page cache, and the lists many viewers share (`PageCache::shared`).
    pub cache: std::sync::Arc<cache::PageCache>,
    /// Media storage and limits.
    pub media: std::sync::Arc<crate::media::Media>,
    /// The crisis statement in force, as this process last read it.
    pub statement: std::sync::Arc<crate::moderation::statement::Current>,
    /// The site's look (`brand`), as this process last read it.
    pub brand: std::sync::Arc<brand::Current>,
}

/// A random 256-bit token, hex-encoded (sessions, CSRF nonces).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Escape text for HTML or XML (element content and quoted attributes).
/// A number as the site's addresses spell it: digits, no sign, no leading zero (so a page has
/// one address: `/media/28`, never also `/media/+28` or `/media/028`).
pub fn canonical_number(s: &str) -> Option<i64> {
    if s.is_empty() || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

pub fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Percent-encode a path segment or query value (keeps unreserved characters readable).
pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

/// Encode one path segment, keeping non-ASCII letters (Chinese slugs stay readable in
/// browsers, which show the decoded form) but escaping everything that has a meaning in URLs.
pub fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// HTML that one of our templates rendered (escaping everything it printed), to place inside
/// another page: a board kind's panel on a topic page. Only `Rendered::of` makes one.
#[derive(Clone, Debug, Default)]
pub struct Rendered(String);

impl Rendered {
    pub fn of<T: askama::Template>(template: &T) -> AppResult<Rendered> {
        Ok(Rendered(template.render()?))
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl std::fmt::Display for Rendered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Printed as it is: askama escaped it when the inner template was rendered.
impl askama::filters::HtmlSafe for Rendered {}

/// What the layout needs to know about a page besides its body.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub title: String,
    pub description: String,
    /// Site path of the canonical URL, e.g. `/blog/hello`.
    pub canonical: String,
    /// `website` or `article`.
    pub og_type: &'static str,
    pub og_image: String,
    /// Feeds to advertise with `<link rel="alternate">`: (title, path of Atom, path of RSS).
    pub feeds: Vec<Feed>,
    pub noindex: bool,
    /// The language of the page's content ("en", "zh-CN"), when it has one of its own: its
    /// `og:locale`, whatever the reader's interface language.
    pub content_lang: Option<&'static str>,
    /// An article's first publication and last change (`article:published_time`, `…modified_time`).
    pub published: Option<NaiveDateTime>,
    pub modified: Option<NaiveDateTime>,
    /// What the page describes, as schema.org objects (`web::structured`).
    pub structured: Vec<serde_json::Value>,
    /// Where the page sits: (name, path) from the home page down to the page itself.
    pub breadcrumbs: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Feed {
    pub title: String,
    pub atom: String,
    pub rss: String,
}

impl Meta {
    pub fn new(title: impl Into<String>, canonical: impl Into<String>) -> Self {
        Meta { title: title.into(), canonical: canonical.into(), og_type: "website", ..Default::default() }
    }

    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = d.into();
        self
    }

    pub fn feed(mut self, title: impl Into<String>, base: &str) -> Self {
        self.feeds.push(Feed { title: title.into(), atom: format!("{base}.atom"), rss: format!("{base}.rss") });
        self
    }

    pub fn noindex(mut self) -> Self {
        self.noindex = true;
        self
    }

    /// An article: its language (read from its title and description), when it was published
    /// and last changed.
    pub fn article(mut self, title: &str, published: NaiveDateTime, modified: Option<NaiveDateTime>) -> Self {
        self.og_type = "article";
        self.content_lang = Some(crate::content::piece_lang(title, &self.description));
        self.published = Some(published);
        self.modified = modified.filter(|m| *m > published);
        self
    }

    /// The trail to this page, after the home page: (name, path) pairs.
    pub fn trail(mut self, ctx: &PageCtx, trail: Vec<(String, String)>) -> Self {
        self.breadcrumbs = std::iter::once((ctx.site_name.clone(), "/".to_string())).chain(trail).collect();
        self
    }

    /// `og:locale`: the content's language if it has one, else the interface's.
    pub fn og_locale(&self, ui: &Lang) -> &'static str {
        match self.content_lang {
            Some("zh-CN") => "zh_CN",
            Some(_) => "en_US",
            None => ui.og_locale(),
        }
    }

    /// The page's structured data, ready for the head (escaped for a script element).
    pub fn json_ld(&self, ctx: &PageCtx) -> Rendered {
        let mut out = String::new();
        for v in &self.structured {
            out.push_str(&structured::script(v));
        }
        if self.breadcrumbs.len() > 1 {
            out.push_str(&structured::script(&structured::breadcrumbs(ctx, &self.breadcrumbs)));
        }
        Rendered(out)
    }

    /// `summary_large_image` when there is a picture to show, else `summary`.
    pub fn twitter_card(&self) -> &'static str {
        if self.og_image.is_empty() { "summary" } else { "summary_large_image" }
    }
}

pub fn html(body: String) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(body)
}

/// Render a page with status 200.
pub fn render<T: askama::Template>(page: &T) -> AppResult<HttpResponse> {
    Ok(html(page.render()?))
}

/// Render a form again with its problems named (422, so nothing caches it as a success).
pub fn render_invalid<T: askama::Template>(page: &T) -> AppResult<HttpResponse> {
    render_status(StatusCode::UNPROCESSABLE_ENTITY, page)
}

/// The address as the router reads it, letters decoded (`/%61dmin/site` is routed to
/// `/admin/site`). A check of which page a request is for reads this, not the raw path, or an
/// encoded letter walks around it.
pub fn routed_path(info: &actix_web::dev::Path<actix_web::dev::Url>) -> &str {
    info.as_str()
}

/// 303 See Other: where a successful form post sends the browser.
pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header(("Location", to.to_string())).finish()
}

/// Only same-site paths are followed after login or a language switch. `next` is read the way
/// a browser would read it (WHATWG URL parsing: tabs and newlines dropped, `\\` taken as `/`),
/// so `/\t/evil.example` and `/\\evil.example` are seen as the other sites they are. The answer is
/// the path, query and fragment as the parser wrote them (percent-encoded: safe in a header).
/// The account pages themselves lead home instead, so that `next` never nests.
pub fn safe_next(next: Option<&str>) -> String {
    same_site_path(next.unwrap_or("")).filter(|p| !is_account_page(p)).unwrap_or_else(|| "/".to_string())
}

/// A link target that stays on this site: a path (never `//host`, `/\\host` or a scheme).
pub fn same_site_path(target: &str) -> Option<String> {
    const HERE: &str = "http://plaza.invalid/";
    if !target.starts_with('/') {
        return None;
    }
    let base = url::Url::parse(HERE).ok()?;
    let url = base.join(target).ok()?;
    if url.scheme() != "http" || url.host_str() != Some("plaza.invalid") || url.port().is_some() {
        return None;
    }
    let s = url.as_str().strip_prefix("http://plaza.invalid")?;
    Some(s.to_string())
}

/// Pages a visitor passes through on the way in or out, never a place to come back to.
pub fn is_account_page(path: &str) -> bool {
    let p = path.split(['?', '#']).next().unwrap_or("");
    matches!(p, "/login" | "/register" | "/setup" | "/logout" | "/lang")
}

/// The header's "Log in" link: back to this page afterwards, or, from an account page, to where
/// that page would have led (so `next` is never nested in itself).
pub fn login_href(path: &str) -> String {
    let back = if is_account_page(path) {
        let query = path.split_once('?').map(|(_, q)| q).unwrap_or("");
        url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "next").map(|(_, v)| safe_next(Some(&v)))
    } else {
        Some(safe_next(Some(path)))
    };
    match back.as_deref() {
        None | Some("/") => "/login".to_string(),
        Some(b) => format!("/login?next={}", urlencode(b)),
    }
}

/// Field errors of a form: (field name, catalog key).
#[derive(Clone, Debug, Default)]
pub struct FieldErrors(pub Vec<(&'static str, &'static str)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.push((field, key));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The catalog key of the first problem with `field`, or "" (templates test `!= ""`).
    pub fn get(&self, field: &str) -> &'static str {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, k)| *k).unwrap_or("")
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _)| *f == field)
    }

    /// Something to correct (not only notices such as "files attached, describe them").
    pub fn has_problems(&self) -> bool {
        self.0.iter().any(|(_, k)| !NOTICES.contains(k))
    }

    /// The message for `field` is a notice, not a problem.
    pub fn is_notice(&self, field: &str) -> bool {
        NOTICES.contains(&self.get(field))
    }
}

/// Catalog keys a form shows beside a field that are news, not problems.
const NOTICES: [&str; 1] = ["media-attached"];

/// A page with a status of its own (413 for a file over a limit, 422 for problems).
pub fn render_status<T: askama::Template>(status: StatusCode, page: &T) -> AppResult<HttpResponse> {
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(page.render()?))
}

/// Page number from a query string: at least 1.
#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    pub page: Option<String>,
}

impl PageQuery {
    pub fn number(&self) -> i64 {
        self.page.as_deref().and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| *p >= 1).unwrap_or(1).min(100_000)
    }
}

/// Where the next page of a keyset-paged list starts: the last row's (time, id). Lists walk an
/// index from there, so page 5,000 costs what page 1 does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: chrono::NaiveDateTime,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.at.and_utc().timestamp_micros(), self.id)
    }

    /// A cursor from an address. Times outside what both databases store (before 1970 or after
    /// 9999) are brought to the nearest end, so hostile values page like any other.
    pub fn decode(s: &str) -> Option<Cursor> {
        let (micros, id) = s.split_once('_')?;
        let micros: i64 = micros.parse().ok()?;
        let at = chrono::DateTime::from_timestamp_micros(micros.clamp(0, Self::LATEST_MICROS))?.naive_utc();
        Some(Cursor { at, id: id.parse().ok()? })
    }

    /// 9999-12-31 23:59:59 UTC.
    const LATEST_MICROS: i64 = 253_402_300_799_000_000;

    /// Before anything: the cursor of a list that has ended.
    pub const ENDED: Cursor = Cursor { at: chrono::DateTime::UNIX_EPOCH.naive_utc(), id: 0 };
}

/// `?before=<cursor>` (and the older `?page=N`, still answered for links made before).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    pub before: String,
    pub page: Option<String>,
}

impl ListQuery {
    pub fn cursor(&self) -> Option<Cursor> {
        Cursor::decode(&self.before)
    }

    /// The old page number (1 when none or nonsense).
    pub fn number(&self) -> i64 {
        PageQuery { page: self.page.clone() }.number()
    }
}

/// A keyset-paged list's links: back to the newest, and on to older rows.
#[derive(Clone, Debug, Default)]
pub struct Older {
    pub newest: Option<String>,
    pub older: Option<String>,
}

impl Older {
    /// `base` is the list's path with any other parameters, ending in `?` or `&`.
    pub fn new(path: &str, base: &str, is_first: bool, next: Option<Cursor>) -> Older {
        Older {
            newest: (!is_first).then(|| path.to_string()),
            older: next.map(|c| format!("{base}before={}", c.encode())),
        }
    }

    pub fn is_needed(&self) -> bool {
        self.newest.is_some() || self.older.is_some()
    }
}

/// Links to the previous and next page of a list.
#[derive(Clone, Debug, Default)]
pub struct Pager {
    pub prev: Option<String>,
    pub next: Option<String>,
    pub page: i64,
    pub pages: i64,
}

impl Pager {
    /// `base` is the list's path with any other query parameters, ending in `?` or `&`.
    pub fn new(base: &str, page: i64, total: i64, per_page: i64) -> Self {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Pager {
            prev: (page > 1).then(|| format!("{base}page={}", page - 1)),
            next: (page < pages).then(|| format!("{base}page={}", page + 1)),
            page,
            pages,
        }
    }

    /// Like `new`, for a list whose pages are addresses worth keeping: a page past the last one
    /// is not found (404), not an empty page a crawler would keep.
    pub fn within(base: &str, page: i64, total: i64, per_page: i64) -> crate::error::AppResult<Self> {
        let pager = Pager::new(base, page, total, per_page);
        if page > pager.pages {
            return Err(crate::error::AppError::NotFound);
        }
        Ok(pager)
    }

    pub fn is_needed(&self) -> bool {
        self.prev.is_some() || self.next.is_some()
    }
}
