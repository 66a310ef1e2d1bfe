//! The request context: who is asking, in which language, and the CSRF token for their forms.
//! A middleware loads it once per request (before the handler) and afterwards turns error
//! responses into full pages in the site's layout.

use std::future::{Ready, ready};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use chrono_tz::Tz;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::{AppState, Lang, Meta};
use crate::accounts::{CurrentUser, sessions};
use crate::error::{AppError, ErrorMessage};
use crate::policy::Viewer;

pub const CSRF_COOKIE: &str = "plaza_csrf";
pub const LANG_COOKIE: &str = "plaza_lang";

/// Everything the layout and handlers need about the current request.
#[derive(Clone, Debug)]
pub struct PageCtx {
    pub lang: Lang,
    pub user: Option<CurrentUser>,
    /// The value forms put in their hidden `csrf_token` field.
    pub csrf_token: String,
    pub unread: i64,
    /// Entries waiting in the review queue (moderators).
    pub waiting: i64,
    /// The members this reader mutes or ignores (`accounts::mutes`).
    pub muted: crate::accounts::mutes::Muted,
    /// The signed moment this page was made, for sign-up and posting forms (`web::spam`).
    pub form_stamp: String,
    /// The crisis statement's banner, unless this reader dismissed it.
    pub statement: Option<std::sync::Arc<crate::moderation::statement::Statement>>,
    /// The site's look (logo, favicon, accent, footer, home sections).
    pub look: std::sync::Arc<super::brand::Look>,
    pub site_name: String,
    pub base_url: String,
    /// Path and query of this request, for "come back here" links.
    pub path: String,
    /// The raw session token, when logged in (to end this session on logout).
    pub session_token: Option<String>,
    /// The reader's time zone: their own setting, or the site's.
    pub tz: Tz,
    /// Who is asking, for the policy; its guard is loaded once per request.
    viewer: Viewer,
    /// This request's id (`ops::RequestId`), shown on error pages so a person can quote it.
    pub request_id: String,
}

impl PageCtx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn ta(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.lang.ta(key, args)
    }

    /// Translate with a count (templates pass numbers by value or by reference).
    pub fn tn(&self, key: &str, count: impl Number) -> String {
        self.lang.tn(key, count.number())
    }

    /// A moment (stored in UTC) in the reader's time zone.
    pub fn local(&self, at: impl Moment) -> chrono::DateTime<Tz> {
        use chrono::TimeZone;
        self.tz.from_utc_datetime(&at.moment())
    }

    /// The date of a moment, in the reader's time zone.
    pub fn date(&self, at: impl Moment) -> String {
        self.lang.date(self.local(at).naive_local())
    }

    /// Date and time in the reader's time zone, with the zone named.
    pub fn datetime(&self, at: impl Moment) -> String {
        let local = self.local(at);
        self.lang.datetime(local.naive_local(), &local.format("%Z").to_string())
    }

    /// For `<time datetime>`: the reader's local time with its offset.
    pub fn iso(&self, at: impl Moment) -> String {
        self.local(at).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }

    /// "Page 2 of 7".
    pub fn page_of(&self, page: impl Number, pages: impl Number) -> String {
        self.lang.ta("pager-position", &[("page", page.number().to_string()), ("pages", pages.number().to_string())])
    }

    /// A one-argument translation, for templates.
    pub fn t1(&self, key: &str, name: &'static str, value: impl std::fmt::Display) -> String {
        self.lang.ta(key, &[(name, value.to_string())])
    }

    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Versioned URL of a static asset.
    pub fn asset(&self, name: &str) -> String {
        super::assets::url(name)
    }

    /// The header's "Log in" link for this page.
    pub fn login_href(&self) -> String {
        super::login_href(&self.path)
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    /// Who is asking, for the policy (`policy::Guard::load`). Clones share the request's guard.
    pub fn viewer(&self) -> Viewer {
        self.viewer.clone()
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.roles.is_admin())
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.roles.is_staff())
    }

    pub fn can_moderate(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.roles.can_moderate())
    }

    /// "mute", "ignore" or "": how this reader treats a member.
    pub fn mute_level(&self, username: &str) -> &'static str {
        self.muted.level(username)
    }

    /// This reader ignores the author: their post is shown collapsed.
    pub fn ignores(&self, author: &crate::accounts::AuthorView) -> bool {
        !author.deleted && self.muted.ignores(&author.username)
    }

    /// The current user, or a redirect to the login page that comes back here.
    pub fn require_user(&self) -> Result<&CurrentUser, AppError> {
        self.user.as_ref().ok_or_else(|| AppError::LoginRequired(self.path.clone()))
    }

    pub fn require_admin(&self) -> Result<&CurrentUser, AppError> {
        let user = self.require_user()?;
        if user.roles.is_admin() { Ok(user) } else { Err(AppError::Forbidden) }
    }
}

/// A timestamp however a template holds it (by value or through references).
pub trait Moment {
    fn moment(&self) -> NaiveDateTime;
}

impl Moment for NaiveDateTime {
    fn moment(&self) -> NaiveDateTime {
        *self
    }
}

impl<T: Moment + ?Sized> Moment for &T {
    fn moment(&self) -> NaiveDateTime {
        (**self).moment()
    }
}

/// A count however a template holds it.
pub trait Number {
    fn number(&self) -> i64;
}

impl Number for i64 {
    fn number(&self) -> i64 {
        *self
    }
}

impl Number for usize {
    fn number(&self) -> i64 {
        i64::try_from(*self).unwrap_or(i64::MAX)
    }
}

impl Number for i32 {
    fn number(&self) -> i64 {
        i64::from(*self)
    }
}

impl<T: Number + ?Sized> Number for &T {
    fn number(&self) -> i64 {
        (**self).number()
    }
}

/// Extractor for the context the middleware stored.
pub struct Ctx(pub Arc<PageCtx>);

impl std::ops::Deref for Ctx {
    type Target = PageCtx;
    fn deref(&self) -> &PageCtx {
        &self.0
    }
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = Ready<Result<Ctx, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Arc<PageCtx>>()
                .cloned()
                .map(Ctx)
                .ok_or_else(|| AppError::internal("request context missing")),
        )
    }
}

type HmacSha256 = Hmac<Sha256>;

/// The form token: HMAC(secret, nonce, session). The nonce is a cookie, the session the login
/// cookie (empty for visitors). Forging one needs the secret, and a token is good only with the
/// session it was made for, so a planted nonce cookie is not enough; both change at login and
/// logout (`rotate_csrf`).
pub fn csrf_token_for(secret: &[u8], nonce: &str, session: Option<&str>) -> String {
    sign(secret, "csrf", &format!("{nonce}|{}", session.unwrap_or("")))
}

/// HMAC(secret, purpose, message), hex: a value made for one purpose is never valid for another.
pub fn sign(secret: &[u8], purpose: &str, message: &str) -> String {
    let Ok(mut mac) = HmacSha256::new_from_slice(secret) else { return String::new() };
    mac.update(purpose.as_bytes());
    mac.update(b"\0");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Does the submitted token match the one this request's forms carry?
pub fn csrf_valid(expected: &str, token: &str) -> bool {
    use subtle::ConstantTimeEq;
    if expected.is_empty() || token.is_empty() {
        return false;
    }
    expected.as_bytes().ct_eq(token.as_bytes()).into()
}

/// A new CSRF nonce on this response (at login and logout, so a nonce known before does not
/// outlive the session change).
pub fn rotate_csrf(state: &AppState, res: &mut HttpResponse) {
    let _ = res.add_cookie(&cookie(CSRF_COOKIE, super::random_token(), state.settings.secure_cookies(), 365));
}

fn cookie<'a>(name: &'a str, value: String, secure: bool, max_age_days: i64) -> Cookie<'a> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(actix_web::cookie::time::Duration::days(max_age_days))
        .finish()
}

pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    cookie(sessions::COOKIE, token, state.settings.secure_cookies(), state.settings.session_days)
}

pub fn expired_session_cookie(state: &AppState) -> Cookie<'static> {
    let mut c = cookie(sessions::COOKIE, String::new(), state.settings.secure_cookies(), 0);
    c.make_removal();
    c
}

pub fn lang_cookie(state: &AppState, lang: Lang) -> Cookie<'static> {
    cookie(LANG_COOKIE, lang.code().to_string(), state.settings.secure_cookies(), 365)
}

/// The language of a visitor who is not logged in: their choice (the cookie), else their
/// browser's, else the default.
pub fn visitor_lang(req: &HttpRequest) -> Lang {
    req.cookie(LANG_COOKIE)
        .and_then(|c| Lang::from_code(c.value()))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|h| h.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Build the context for a request: for a logged-in user, the session with the user and their
/// groups, their audiences, and the unread count (counted as the notifications page lists them).
async fn load(state: &web::Data<AppState>, req: &HttpRequest) -> Result<(PageCtx, Option<String>), AppError> {
    let session_token = req.cookie(sessions::COOKIE).map(|c| c.value().to_string()).filter(|t| !t.is_empty());
    let (user, (unread, waiting, muted), viewer) = match session_token.clone() {
        Some(token) => {
            let days = state.settings.session_days;
            crate::db::run(&state.pool, move |conn| {
                let user = sessions::lookup(conn, &token, days)?;
                let viewer = user.as_ref().map(CurrentUser::viewer).unwrap_or_default();
                let (unread, waiting, muted) = match &user {
                    Some(u) => {
                        // Loaded here once; the handler's policy questions reuse it.
                        let guard = crate::policy::Guard::load(conn, &viewer)?;
                        let waiting = if u.roles.can_moderate() {
                            crate::moderation::queue::waiting_count(conn, &guard)?
                        } else {
                            0
                        };
                        let muted = crate::accounts::mutes::of(conn, u.id)?;
                        (crate::notifications::unread_count(conn, &guard)?, waiting, muted)
                    }
                    None => (0, 0, Default::default()),
                };
                Ok((user, (unread, waiting, muted), viewer))
            })
            .await?
        }
        None => (None, (0, 0, Default::default()), Viewer::visitor()),
    };
    // The crisis statement (unless this reader dismissed it) and the site's look: each process
    // keeps a copy for a few seconds.
    let epoch = state.cache.epoch();
    let (statement, look) = match (state.statement.peek(epoch), state.brand.peek(epoch)) {
        (Some(s), Some(l)) => (s, l),
        _ => {
            let (current, brand) = (state.statement.clone(), state.brand.clone());
            crate::db::run(&state.pool, move |conn| {
                Ok((
                    current.get(conn, epoch, crate::moderation::statement::shared)?,
                    brand.get(conn, epoch, super::brand::load)?,
                ))
            })
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "the statement and the site's look could not be read");
                Default::default()
            })
        }
    };
    let dismissed = req.cookie(crate::moderation::statement::DISMISS_COOKIE).map(|c| c.value().to_string());
    let statement = statement.filter(|s| dismissed.as_deref() != Some(s.id.to_string().as_str()));
    let lang = visitor_lang(req);
    // A logged-in user's own setting (loaded with the session) wins over cookie and browser.
    let lang = user.as_ref().and_then(|u| u.locale.as_deref()).and_then(Lang::from_code).unwrap_or(lang);
    let (nonce, new_nonce) = match req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()) {
        Some(n) if n.len() == 64 => (n, None),
        _ => {
            let n = super::random_token();
            (n.clone(), Some(n))
        }
    };
    let path = match req.uri().path_and_query() {
        Some(pq) => pq.as_str().to_string(),
        None => req.path().to_string(),
    };
    let session_token = if user.is_some() { session_token } else { None };
    let tz = user
        .as_ref()
        .and_then(|u| u.time_zone.as_deref())
        .and_then(|z| z.parse::<Tz>().ok())
        .unwrap_or(state.settings.time_zone);
    let csrf_token = csrf_token_for(&state.csrf_secret, &nonce, session_token.as_deref());
    Ok((
        PageCtx {
            lang,
            session_token,
            user,
            csrf_token,
            unread,
            waiting,
            muted,
            statement,
            look,
            form_stamp: super::spam::stamp(&state.csrf_secret),
            site_name: state.settings.site_name.clone(),
            base_url: state.settings.base_url.clone(),
            path,
            tz,
            viewer,
            request_id: crate::ops::request_id(req),
        },
        new_nonce,
    ))
}

/// A context for requests whose own could not be loaded (e.g. the database is down).
fn fallback_ctx(state: &AppState, req: &HttpRequest) -> PageCtx {
    PageCtx {
        lang: req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|h| h.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or_default(),
        user: None,
        csrf_token: String::new(),
        unread: 0,
        waiting: 0,
        muted: Default::default(),
        statement: None,
        look: Default::default(),
        form_stamp: String::new(),
        site_name: state.settings.site_name.clone(),
        base_url: state.settings.base_url.clone(),
        path: req.path().to_string(),
        session_token: None,
        tz: state.settings.time_zone,
        viewer: Viewer::visitor(),
        request_id: crate::ops::request_id(req),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    status: u16,
    message: String,
    /// Text the person had typed into the form that failed, to copy back.
    kept: String,
}

fn error_page(ctx: &PageCtx, status: StatusCode, message_key: &str, kept: String) -> HttpResponse {
    error_page_with(ctx, status, ctx.t(message_key), kept)
}

fn error_page_with(ctx: &PageCtx, status: StatusCode, message: String, kept: String) -> HttpResponse {
    let title_key = match status.as_u16() {
        404 => "error-title-404",
        401 => "error-title-401",
        403 => "error-title-403",
        413 => "error-title-413",
        429 => "error-title-429",
        400..=499 => "error-title-400",
        _ => "error-title-500",
    };
    let page = ErrorPage {
        ctx,
        meta: Meta::new(ctx.t(title_key), ctx.path.clone()).noindex(),
        status: status.as_u16(),
        message,
        kept,
    };
    let body = page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "error page failed to render");
        "Error".to_string()
    });
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body)
}

/// Is this an error response that has no page of its own (ours carry an `ErrorMessage`; actix's
/// own 404/405/400 come with an empty or plain-text body)?
fn needs_error_page(res: &HttpResponse) -> Option<&'static str> {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return None;
    }
    if let Some(ErrorMessage(key)) = res.extensions().get::<ErrorMessage>() {
        return Some(key);
    }
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    // Pages of our own, and the answers scripts asked for as JSON.
    if is_html {
        return None;
    }
    Some(match status.as_u16() {
        404 | 405 => "error-not-found",
        413 => "error-too-large",
        400..=499 => "error-bad-request",
        _ => "error-internal",
    })
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut req = req;
    // HEAD is GET without the body: the route table answers it as GET and the server leaves the
    // body out (it knew the method when it read the request).
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    if req.path().starts_with("/static/") || crate::ops::is_probe(req.path()) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // No page has a NUL byte in its address (and PostgreSQL would refuse to look one up).
    let has_nul = req.uri().path_and_query().is_some_and(|pq| pq.as_str().contains("%00"));
    let (ctx, new_nonce) = match load(&state, req.request()).await {
        Ok(loaded) => loaded,
        Err(e) => {
            tracing::error!(error = %e, "could not load request context");
            let ctx = fallback_ctx(&state, req.request());
            let res = error_page(&ctx, StatusCode::SERVICE_UNAVAILABLE, "error-unavailable", String::new());
            return Ok(req.into_response(res));
        }
    };
    let is_get = req.method() == actix_web::http::Method::GET;
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string);
    let ctx = Arc::new(ctx);
    if has_nul {
        let page = error_page(&ctx, StatusCode::NOT_FOUND, "error-not-found", String::new());
        return Ok(req.into_response(page));
    }
    // One-click unsubscribe (RFC 8058) is posted by mail providers' servers: its signed token is
    // the proof, whatever page or none the request names.
    let changes_state =
        !matches!(*req.method(), Method::GET | Method::OPTIONS) && !req.path().starts_with("/unsubscribe/");
    if changes_state && is_cross_site(req.request(), &state.settings.base_url) {
        let page = error_page(&ctx, StatusCode::FORBIDDEN, "error-cross-site", String::new());
        return Ok(req.into_response(page));
    }
    req.extensions_mut().insert(ctx.clone());

    let res = next.call(req).await?.map_into_boxed_body();
    let kept = res.request().extensions().get::<super::form::KeptText>().map(|k| k.0.clone()).unwrap_or_default();
    // A form posted after its session ended would be sent to log in and its text lost: show the
    // text with a login link instead.
    let login_redirect = res.request().method() == actix_web::http::Method::POST
        && !kept.is_empty()
        && res.response().extensions().get::<crate::error::LoginRedirect>().is_some();
    let mut res = if login_redirect {
        let page = error_page(&ctx, StatusCode::UNAUTHORIZED, "error-logged-out", kept);
        res.into_response(page)
    } else {
        match needs_error_page(res.response()) {
            Some(key) => {
                let status = res.status();
                // A 429 says when to come back (Retry-After), a 416 how long the file is
                // (Content-Range): the page keeps them.
                let kept_headers: Vec<_> = [header::RETRY_AFTER, header::CONTENT_RANGE]
                    .into_iter()
                    .filter_map(|h| Some((h.clone(), res.headers().get(&h)?.clone())))
                    .collect();
                let message = match res.response().extensions().get::<crate::error::ErrorArgs>() {
                    Some(args) => ctx.ta(key, &args.0),
                    None => ctx.t(key),
                };
                let mut page = error_page_with(&ctx, status, message, kept);
                for (h, v) in kept_headers {
                    page.headers_mut().insert(h, v);
                }
                res.into_response(page)
            }
            None => res,
        }
    };
    // Forms live on pages: feeds, the sitemap and other shared, cacheable answers set no cookie.
    let sets_csrf = res.headers().get_all(header::SET_COOKIE).any(|c| c.as_bytes().starts_with(CSRF_COOKIE.as_bytes()));
    if let Some(nonce) = new_nonce.filter(|_| is_html(res.response()) && !sets_csrf) {
        let c = cookie(CSRF_COOKIE, nonce, state.settings.secure_cookies(), 365);
        if let Ok(v) = HeaderValue::from_str(&c.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    // Pages differ per user and language: never let a shared cache keep them.
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    res.headers_mut().insert(header::VARY, HeaderValue::from_static("Cookie, Accept-Language"));
    if is_get && if_none_match.is_some() {
        return conditional_page(res, if_none_match.as_deref().unwrap_or("")).await;
    }
    if is_get && res.status() == StatusCode::OK && is_html(res.response()) {
        return with_etag(res).await;
    }
    Ok(res)
}

/// A state change sent by another site's page: the browser names the page's origin (`Origin`, or
/// failing that `Referer`) and it is neither the site's base URL nor the host the request was sent
/// to. Requests that name no origin (non-browser clients, privacy settings) still need the token.
fn is_cross_site(req: &HttpRequest, base_url: &str) -> bool {
    let headers = req.headers();
    // Browsers that say so themselves (Fetch Metadata) are believed first.
    if headers.get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site") {
        return true;
    }
    let named = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER));
    let Some(named) = named else { return false };
    let Some(origin) = named.to_str().ok().and_then(|v| url::Url::parse(v).ok()) else { return true };
    let Some(host) = origin.host_str() else { return true };
    let port = origin.port_or_known_default();
    if let Ok(base) = url::Url::parse(base_url)
        && base.scheme() == origin.scheme()
        && base.host_str() == Some(host)
        && base.port_or_known_default() == port
    {
        return false;
    }
    let authority = match origin.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let sent_to = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    !sent_to.eq_ignore_ascii_case(&authority)
}

fn is_html(res: &HttpResponse) -> bool {
    res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"))
}

/// A weak ETag over the rendered page (the page is already one string in memory).
fn page_etag(body: &[u8]) -> String {
    use sha2::Digest;
    format!("W/\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

async fn with_etag(res: ServiceResponse<BoxBody>) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes =
        actix_web::body::to_bytes(body).await.map_err(|_| actix_web::error::ErrorInternalServerError("body"))?;
    if let Ok(v) = HeaderValue::from_str(&page_etag(&bytes)) {
        head.headers_mut().insert(header::ETAG, v);
    }
    Ok(ServiceResponse::new(req, head.set_body(bytes).map_into_boxed_body()))
}

/// Answer 304 when the browser already holds this exact page (conditional GET on pages).
async fn conditional_page(
    res: ServiceResponse<BoxBody>,
    if_none_match: &str,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if res.status() != StatusCode::OK || !is_html(res.response()) {
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes =
        actix_web::body::to_bytes(body).await.map_err(|_| actix_web::error::ErrorInternalServerError("body"))?;
    let etag = page_etag(&bytes);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        head.headers_mut().insert(header::ETAG, v);
    }
    let matches = if_none_match.split(',').any(|t| t.trim() == etag || t.trim() == "*");
    if matches {
        let mut not_modified = HttpResponse::NotModified().finish();
        for (k, v) in head.headers().iter() {
            if k == header::ETAG || k == header::CACHE_CONTROL || k == header::VARY || k == header::SET_COOKIE {
                not_modified.headers_mut().append(k.clone(), v.clone());
            }
        }
        return Ok(ServiceResponse::new(req, not_modified));
    }
    Ok(ServiceResponse::new(req, head.set_body(bytes).map_into_boxed_body()))
}
