//! Account pages: first-run setup, register, login, logout, settings, profiles.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::domain::{Email, NewPassword, Username};
use super::gate::Gate;
use super::queries::{self, CreateUser, ProfileChanges, UserWriteError};
use super::ratelimit::Source;
use super::tokens::Purpose;
use super::{AuthorView, Role, Roles, password, ratelimit, recovery, sessions, tokens};
use crate::blogs::{Blog, PostCard, queries as blog_queries};
use crate::content::SafeHtml;
use crate::error::{AppError, AppResult};
use crate::web::context::{expired_session_cookie, rotate_csrf, session_cookie};
use crate::web::{
    AppState, CsrfForm, Ctx, FieldErrors, Lang, ListQuery, Meta, Older, PageCtx, redirect, render, render_invalid,
    safe_next,
};

pub const DISPLAY_NAME_MAX: usize = 50;
pub const BIO_MAX: usize = 2000;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccountForm {
    pub username: String,
    pub email: String,
    pub password: String,
    pub next: String,
}

#[derive(Template)]
#[template(path = "accounts/setup.html")]
struct SetupPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    form: AccountForm,
    errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "accounts/register.html")]
struct RegisterPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    form: AccountForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    pub login: String,
    pub password: String,
    pub next: String,
}

#[derive(Template)]
#[template(path = "accounts/login.html")]
struct LoginPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    login: String,
    next: String,
    error: String,
    /// A suspended member's way to why, and to their appeal.
    appeal: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The client's address as the rate limits see it (`PLAZA_TRUSTED_PROXIES`; an IPv6 /64 as one).
pub fn client_ip(state: &AppState, req: &HttpRequest) -> String {
    crate::web::client::limit_key(crate::web::client::ip(req, &state.settings.trusted_proxies))
}

pub fn user_agent(req: &HttpRequest) -> String {
    req.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

/// Check the fields shared by setup and registration; returns the parsed values or the errors.
fn check_account(form: &AccountForm) -> Result<(Username, Email, NewPassword), FieldErrors> {
    let mut errors = FieldErrors::default();
    let username = Username::parse(&form.username).map_err(|k| errors.add("username", k)).ok();
    let email = Email::parse(&form.email).map_err(|k| errors.add("email", k)).ok();
    let password = NewPassword::parse(&form.password, form.username.trim(), form.email.trim())
        .map_err(|k| errors.add("password", k))
        .ok();
    match (username, email, password) {
        (Some(u), Some(e), Some(p)) if errors.is_empty() => Ok((u, e, p)),
        _ => Err(errors),
    }
}

/// Create the first administrator and log them in, if no other request did so first
/// (`Ok(None)`). Field errors come back for the form.
async fn create_first_admin(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    form: &AccountForm,
) -> AppResult<Option<Result<String, FieldErrors>>> {
    let (username, email, new_password) = match check_account(form) {
        Ok(v) => v,
        Err(errors) => return Ok(Some(Err(errors))),
    };
    let hash = password::hash_bounded(new_password.as_str().to_string()).await.map_err(AppError::Internal)?;
    let days = state.settings.session_days;
    let agent = user_agent(req);
    let site_name = state.settings.site_name.clone();
    /// Why the unit of work stopped: it rolls back, the claim with it.
    enum Stop {
        Field(&'static str, &'static str),
        Db(diesel::result::Error),
    }
    impl From<diesel::result::Error> for Stop {
        fn from(e: diesel::result::Error) -> Self {
            Stop::Db(e)
        }
    }
    let result = crate::db::run(&state.pool, move |conn| {
        Ok(crate::db::write(conn, |tx| -> Result<Option<String>, Stop> {
            if !claim_setup(tx)? {
                return Ok(None);
            }
            let user = queries::create(
                tx,
                CreateUser {
                    username: &username,
                    email: &email,
                    password_hash: &hash,
                    roles: Roles::from(Role::Admin),
                    locale: None,
                    email_verified: true,
                },
            )
            .map_err(|e| match e {
                UserWriteError::Field(f, k) => Stop::Field(f, k),
                UserWriteError::Db(e) => Stop::Db(e),
            })?;
            // The first admin can write on the enterprise blog straight away.
            let blog = blog_queries::ensure_enterprise_blog(tx, &site_name)?;
            blog_queries::add_author(tx, blog.id, user.id)?;
            Ok(Some(sessions::create(tx, user.id, days, &agent)?))
        }))
    })
    .await?;
    match result {
        Ok(token) => Ok(token.map(Ok)),
        Err(Stop::Field(f, k)) => {
            let mut errors = FieldErrors::default();
            errors.add(f, k);
            Ok(Some(Err(errors)))
        }
        Err(Stop::Db(e)) => Err(e.into()),
    }
}

/// Only one request may create the first admin: the first to record the set-up (a row whose key
/// is unique) wins; any other, even at the same moment on another process, finds it done.
fn claim_setup(tx: &mut crate::db::Tx<'_>) -> diesel::QueryResult<bool> {
    use crate::db::schema::site_settings;
    use diesel::prelude::*;
    if queries::admin_exists(tx)? {
        return Ok(false);
    }
    let claimed = crate::db::ignore_duplicate(tx, |conn| {
        diesel::insert_into(site_settings::table)
            .values((
                site_settings::key.eq(super::gate::SETUP_CLAIM),
                site_settings::value.eq(crate::now().to_string()),
            ))
            .execute(conn)
    })?;
    Ok(claimed == 1)
}

pub async fn setup_form(ctx: Ctx, state: web::Data<AppState>, gate: web::Data<Gate>) -> AppResult<HttpResponse> {
    if gate.setup_done(&state.pool).await? {
        return Err(AppError::NotFound);
    }
    render(&SetupPage {
        meta: Meta::new(ctx.t("setup-title"), "/setup").noindex(),
        ctx: &ctx,
        form: AccountForm::default(),
        errors: FieldErrors::default(),
    })
}

pub async fn setup(
    ctx: Ctx,
    state: web::Data<AppState>,
    gate: web::Data<Gate>,
    req: HttpRequest,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> AppResult<HttpResponse> {
    if gate.setup_done(&state.pool).await? {
        return Err(AppError::NotFound);
    }
    match create_first_admin(&state, &req, &form).await? {
        Some(Ok(token)) => {
            gate.mark_setup_done();
            Ok(logged_in(&state, token, "/admin/users"))
        }
        // Another request created the first admin at the same moment: set-up is gone for this
        // one, as for any later visit.
        None => {
            gate.mark_setup_done();
            Err(AppError::NotFound)
        }
        Some(Err(errors)) => render_invalid(&SetupPage {
            meta: Meta::new(ctx.t("setup-title"), "/setup").noindex(),
            ctx: &ctx,
            form: AccountForm { password: String::new(), ..form },
            errors,
        }),
    }
}

/// The answer to a successful login: the new session's cookie and a new CSRF nonce.
fn logged_in(state: &AppState, token: String, to: &str) -> HttpResponse {
    let mut res = redirect(to);
    let _ = res.add_cookie(&session_cookie(state, token));
    rotate_csrf(state, &mut res);
    res
}

pub async fn register_form(ctx: Ctx, q: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    if ctx.user.is_some() {
        return Ok(redirect("/"));
    }
    let form = AccountForm { next: q.next.clone().unwrap_or_default(), ..Default::default() };
    render(&RegisterPage {
        meta: Meta::new(ctx.t("register-title"), "/register"),
        ctx: &ctx,
        form,
        errors: FieldErrors::default(),
    })
}

/// Registration never says whether an address already has an account: a new address gets its
/// account and a confirmation link; a known one gets a mail saying someone tried to sign up with
/// it (with the way to reset the password). Both see the same page: check your mail.
pub async fn register(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> AppResult<HttpResponse> {
    let (username, email, new_password) = match check_account(&form) {
        Ok(v) => v,
        Err(errors) => return register_invalid(&ctx, form, errors),
    };
    if super::domain::is_disposable(email.as_str()) {
        return register_invalid(&ctx, form, FieldErrors(vec![("email", "err-email-disposable")]));
    }
    let ip = client_ip(&state, &req);
    crate::db::run_write(&state.pool, move |tx| Ok(ratelimit::hit(tx, ratelimit::REGISTER_PER_ADDRESS, &ip)?))
        .await?
        .map_err(|wait| AppError::TooManyRequests(wait, "error-too-many-registrations"))?;
    let hash = password::hash_bounded(new_password.as_str().to_string()).await.map_err(AppError::Internal)?;
    let (lang, site_name) = (ctx.lang, state.settings.site_name.clone());
    let outcome = crate::db::run_write(&state.pool, move |tx| {
        if let Some(existing) = queries::find_by_email(tx, &email.key())? {
            recovery::mail_signup_attempt(tx, &existing, lang, &site_name)?;
            return Ok(Ok(()));
        }
        let user = match queries::create(
            tx,
            CreateUser {
                username: &username,
                email: &email,
                password_hash: &hash,
                roles: Roles::NONE,
                locale: Some(lang.code()),
                email_verified: false,
            },
        ) {
            Ok(u) => u,
            // Someone took the address a moment ago: as above.
            Err(UserWriteError::Field("email", _)) => return Ok(Ok(())),
            Err(UserWriteError::Field(f, k)) => return Ok(Err((f, k))),
            Err(UserWriteError::Db(e)) => return Err(e.into()),
        };
        recovery::mail_verification(tx, &user, lang, &site_name)?;
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => recovery::check_mail(&ctx, form.email.trim()),
        Err((f, k)) => {
            let mut errors = FieldErrors::default();
            errors.add(f, k);
            register_invalid(&ctx, form, errors)
        }
    }
}

fn register_invalid(ctx: &PageCtx, form: AccountForm, errors: FieldErrors) -> AppResult<HttpResponse> {
    render_invalid(&RegisterPage {
        meta: Meta::new(ctx.t("register-title"), "/register"),
        ctx,
        form: AccountForm { password: String::new(), ..form },
        errors,
    })
}

pub async fn login_form(ctx: Ctx, q: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    if ctx.user.is_some() {
        return Ok(redirect(&safe_next(q.next.as_deref())));
    }
    render(&LoginPage {
        meta: Meta::new(ctx.t("login-title"), "/login"),
        ctx: &ctx,
        login: String::new(),
        next: q.next.clone().unwrap_or_default(),
        error: String::new(),
        appeal: String::new(),
    })
}

/// The cookie that marks a browser which logged into an account before ("device cookie"): the
/// login limits judge it by its own failures, not by its address's, so a stranger guessing from
/// the same address (a shared proxy, an office) cannot keep the owner out.
pub const DEVICE_COOKIE: &str = "plaza_device";

/// `{user id}.{random id}.{HMAC}`: signed with the site's secret, so it cannot be forged.
fn device_value(secret: &[u8], user_id: i64, id: &str) -> String {
    let mac = crate::web::context::sign(secret, "device", &format!("{user_id}:{id}"));
    format!("{user_id}.{id}.{mac}")
}

/// The device id, if the cookie is genuine and was given for this account.
fn known_device(req: &HttpRequest, secret: &[u8], user_id: i64) -> Option<String> {
    use subtle::ConstantTimeEq;
    let value = req.cookie(DEVICE_COOKIE)?.value().to_string();
    let mut parts = value.splitn(3, '.');
    let (uid, id) = (parts.next()?, parts.next()?);
    if uid.parse::<i64>().ok()? != user_id || id.len() != 32 {
        return None;
    }
    let expected = device_value(secret, user_id, id);
    bool::from(expected.as_bytes().ct_eq(value.as_bytes())).then(|| id.to_string())
}

fn device_cookie(state: &AppState, user_id: i64) -> actix_web::cookie::Cookie<'static> {
    let id = crate::web::random_token()[..32].to_string();
    actix_web::cookie::Cookie::build(DEVICE_COOKIE, device_value(&state.csrf_secret, user_id, &id))
        .path("/login")
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Lax)
        .secure(state.settings.secure_cookies())
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish()
}

enum LoginOutcome {
    Ok(String, i64),
    /// Wait this many seconds before trying again.
    Slowed(i64),
    Wrong,
    /// The suspension's end (None: permanent) and the appeal page's link token.
    Suspended(Option<chrono::NaiveDateTime>, String),
}

/// Log in: find the account and ask the limits (one database hop), check the password with no
/// connection held (bounded, on the blocking pool), then record the outcome (a second hop).
pub async fn login(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> AppResult<HttpResponse> {
    let ip = client_ip(&state, &req);
    let agent = user_agent(&req);
    let days = state.settings.session_days;
    let login = form.login.trim().to_string();
    // A login over another session ends that one: a session cookie planted or left behind never
    // outlives a login.
    let previous = req.cookie(sessions::COOKIE).map(|c| c.value().to_string()).filter(|t| !t.is_empty());
    let user = {
        let login = login.clone();
        crate::db::run(&state.pool, move |conn| {
            Ok(if login.is_empty() { None } else { queries::find_for_login(conn, &login)? })
        })
        .await?
    };
    // Attempts on one account count together whether it was named by username or e-mail.
    let account = user.as_ref().map(|u| u.username_key.clone()).unwrap_or_else(|| login.to_lowercase());
    let device = user.as_ref().and_then(|u| known_device(&req, &state.csrf_secret, u.id));
    let wait = {
        let (account, ip, device) = (account.clone(), ip.clone(), device.clone());
        crate::db::run(&state.pool, move |conn| {
            let source = match &device {
                Some(d) => Source::Device(d),
                None => Source::Address(&ip),
            };
            Ok(ratelimit::login_wait(conn, &account, &source)?)
        })
        .await?
    };
    let outcome = if wait > 0 {
        LoginOutcome::Slowed(wait)
    } else {
        let ok = password::verify_bounded(form.password.clone(), user.as_ref().map(|u| u.password_hash.clone()))
            .await
            .map_err(AppError::Internal)?;
        let user = user.clone();
        crate::db::run_write(&state.pool, move |tx| {
            tx.quiet();
            let source = match &device {
                Some(d) => Source::Device(d),
                None => Source::Address(&ip),
            };
            match user {
                Some(u) if ok => {
                    ratelimit::clear_pair(tx, &account, &source)?;
                    if u.suspended_at.is_some() {
                        // A suspension that has ended does not wait for the worker.
                        crate::moderation::sanctions::lift_ended(tx, Some(u.id))?;
                        let now_user = queries::find(tx, u.id)?.unwrap_or(u.clone());
                        if now_user.suspended_at.is_some() {
                            let token = super::tokens::issue(tx, u.id, super::tokens::Purpose::Appeal, &u.email)?;
                            return Ok(LoginOutcome::Suspended(now_user.suspended_until, token));
                        }
                    }
                    if let Some(previous) = &previous {
                        sessions::revoke(tx, previous)?;
                    }
                    Ok(LoginOutcome::Ok(sessions::create(tx, u.id, days, &agent)?, u.id))
                }
                _ => {
                    ratelimit::record_failure(tx, &account, &source)?;
                    Ok(LoginOutcome::Wrong)
                }
            }
        })
        .await?
    };
    let mut appeal = String::new();
    let (error, status, retry) = match outcome {
        LoginOutcome::Ok(token, user_id) => {
            let mut res = logged_in(&state, token, &safe_next(Some(&form.next)));
            let _ = res.add_cookie(&device_cookie(&state, user_id));
            return Ok(res);
        }
        LoginOutcome::Wrong => (ctx.t("err-login-wrong"), StatusCode::UNPROCESSABLE_ENTITY, None),
        LoginOutcome::Suspended(until, token) => {
            appeal = format!("/appeal?token={token}");
            let message = match until {
                Some(t) => ctx.ta("err-login-suspended-until", &[("until", ctx.datetime(t))]),
                None => ctx.t("err-login-suspended"),
            };
            (message, StatusCode::FORBIDDEN, None)
        }
        LoginOutcome::Slowed(seconds) => {
            (ctx.tn("err-login-slowed", seconds), StatusCode::TOO_MANY_REQUESTS, Some(seconds))
        }
    };
    let page = LoginPage {
        meta: Meta::new(ctx.t("login-title"), "/login"),
        ctx: &ctx,
        login: form.login,
        next: form.next,
        error,
        appeal,
    };
    let mut res = HttpResponse::build(status);
    if let Some(s) = retry {
        res.insert_header(("Retry-After", s.to_string()));
    }
    Ok(res.content_type("text/html; charset=utf-8").body(page.render()?))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmptyForm {}

pub async fn logout(ctx: Ctx, state: web::Data<AppState>, _form: CsrfForm<EmptyForm>) -> AppResult<HttpResponse> {
    if let Some(token) = ctx.session_token.clone() {
        crate::db::run_write(&state.pool, move |tx| {
            tx.quiet();
            Ok(sessions::revoke(tx, &token)?)
        })
        .await?;
    }
    let mut res = redirect("/");
    let _ = res.add_cookie(&expired_session_cookie(&state));
    rotate_csrf(&state, &mut res);
    Ok(res)
}

pub async fn logout_all(ctx: Ctx, state: web::Data<AppState>, _form: CsrfForm<EmptyForm>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        Ok(sessions::revoke_all(tx, user_id)?)
    })
    .await?;
    let mut res = redirect("/");
    let _ = res.add_cookie(&expired_session_cookie(&state));
    rotate_csrf(&state, &mut res);
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProfileForm {
    pub display_name: String,
    pub bio: String,
    pub locale: String,
    /// An IANA time zone name, or "" for the site's.
    pub time_zone: String,
    /// "on" when the box "e-mail me my notifications" is ticked.
    pub email_notifications: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PasswordForm {
    pub old_password: String,
    pub new_password: String,
    pub confirm_password: String,
}

#[derive(Template)]
#[template(path = "accounts/settings.html")]
struct SettingsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    profile: ProfileForm,
    errors: FieldErrors,
    notice: String,
    session_count: i64,
    langs: [Lang; 2],
    /// Every time zone a member may choose, and the site's.
    zones: &'static [chrono_tz::Tz],
    site_zone: String,
    /// The groups the person is in (admins put them there).
    groups: Vec<super::groups::Group>,
    /// The address in effect, and whether it is confirmed.
    email: String,
    email_verified: bool,
    /// The site asks for a confirmed address before posting.
    verify_required: bool,
    /// A new address typed into the change form (kept when it had a problem).
    new_email: String,
    /// The profile picture's address, if one is set.
    avatar: Option<String>,
    /// Their trust level and what the next one asks for.
    trust: crate::moderation::trust::Standing,
}

async fn settings_page<'a>(
    ctx: &'a PageCtx,
    state: &web::Data<AppState>,
    profile: Option<ProfileForm>,
    errors: FieldErrors,
    notice: String,
) -> AppResult<SettingsPage<'a>> {
    let user_id = ctx.require_user()?.id;
    let (user, session_count, groups, trust) = crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        let user = queries::find(tx, user_id)?.ok_or(AppError::NotFound)?;
        let trust = crate::moderation::trust::standing(tx, &user)?;
        Ok((user, sessions::count_for_user(tx, user_id)?, super::groups::of_user(tx, user_id)?, trust))
    })
    .await?;
    let (email, email_verified) = (user.email.clone(), user.email_verified_at.is_some());
    let avatar = user.avatar_media_id.map(|id| format!("/media/{id}/thumb"));
    let profile = profile.unwrap_or(ProfileForm {
        display_name: user.display_name,
        bio: user.bio_md,
        locale: user.locale.unwrap_or_default(),
        time_zone: user.time_zone.unwrap_or_default(),
        email_notifications: user.email_notifications.then(|| "on".to_string()),
    });
    Ok(SettingsPage {
        meta: Meta::new(ctx.t("settings-title"), "/settings").noindex(),
        ctx,
        profile,
        errors,
        notice,
        session_count,
        langs: Lang::ALL,
        zones: &chrono_tz::TZ_VARIANTS,
        site_zone: state.settings.time_zone.name().to_string(),
        groups,
        email,
        email_verified,
        verify_required: state.settings.verify_email,
        new_email: String::new(),
        avatar,
        trust,
    })
}

/// The settings page again with a problem in one of its forms (the profile picture's).
pub async fn settings_problem(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    status: actix_web::http::StatusCode,
    field: &'static str,
    key: &'static str,
) -> AppResult<HttpResponse> {
    let page = settings_page(ctx, state, None, FieldErrors(vec![(field, key)]), String::new()).await?;
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(page.render()?))
}

/// The settings page again with a problem in the e-mail form.
pub async fn settings_invalid(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    errors: FieldErrors,
    new_email: String,
) -> AppResult<HttpResponse> {
    let mut page = settings_page(ctx, state, None, errors, String::new()).await?;
    page.new_email = new_email;
    render_invalid(&page)
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    saved: Option<String>,
}

pub async fn settings_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<NoticeQuery>,
) -> AppResult<HttpResponse> {
    let notice = match q.saved.as_deref() {
        Some("profile") => ctx.t("settings-saved"),
        Some("password") => ctx.t("password-changed"),
        Some("reset") => ctx.t("password-reset-done"),
        Some("email-sent") => ctx.t("email-change-sent"),
        Some("email") => ctx.t("email-changed"),
        Some("verified") => ctx.t("email-verified"),
        Some("verify-sent") => ctx.t("verify-sent"),
        Some("avatar") => ctx.t("avatar-saved"),
        Some("avatar-removed") => ctx.t("avatar-removed"),
        _ => String::new(),
    };
    render(&settings_page(&ctx, &state, None, FieldErrors::default(), notice).await?)
}

pub async fn save_settings(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let mut errors = FieldErrors::default();
    let display_name = form.display_name.trim().to_string();
    if display_name.chars().count() > DISPLAY_NAME_MAX {
        errors.add("display_name", "err-display-name-long");
    }
    if display_name.chars().any(super::domain::is_invisible) {
        errors.add("display_name", "err-display-name-chars");
    }
    let display_name: String = {
        use unicode_normalization::UnicodeNormalization;
        display_name.nfkc().collect()
    };
    // A member may not pass for staff: no display name that looks like a staff member's name
    // (or a reserved one such as "Admin" or "Support").
    let is_staff = ctx.user.as_ref().is_some_and(|u| u.roles.is_staff() || u.roles.can_moderate());
    if !is_staff && !display_name.is_empty() && errors.is_empty() {
        let staff = crate::db::run(&state.pool, move |conn| Ok(queries::staff_names(conn, user_id)?)).await?;
        let key = super::domain::skeleton(&display_name);
        if super::domain::looks_reserved(&display_name) || staff.iter().any(|n| super::domain::skeleton(n) == key) {
            errors.add("display_name", "err-display-name-staff");
        }
    }
    if form.bio.chars().count() > BIO_MAX {
        errors.add("bio", "err-bio-long");
    } else if let Err(k) = crate::content::markdown::check_nesting(&form.bio) {
        errors.add("bio", k);
    }
    let locale = match form.locale.as_str() {
        "" => None,
        code => match Lang::from_code(code) {
            Some(l) => Some(l.code()),
            None => {
                errors.add("locale", "err-locale");
                None
            }
        },
    };
    let time_zone = match form.time_zone.trim() {
        "" => None,
        name => match name.parse::<chrono_tz::Tz>() {
            Ok(tz) => Some(tz.name().to_string()),
            Err(_) => {
                errors.add("time_zone", "err-time-zone");
                None
            }
        },
    };
    if !errors.is_empty() {
        return render_invalid(&settings_page(&ctx, &state, Some(form), errors, String::new()).await?);
    }
    let bio_html = crate::content::markdown::render(&form.bio);
    let bio = form.bio.clone();
    let email_notifications = form.email_notifications.is_some();
    crate::db::run_write(&state.pool, move |tx| {
        Ok(queries::update_profile(
            tx,
            user_id,
            ProfileChanges {
                display_name: &display_name,
                bio_md: &bio,
                bio_html: &bio_html,
                locale,
                time_zone: time_zone.as_deref(),
                email_notifications,
            },
        )?)
    })
    .await?;
    Ok(redirect("/settings?saved=profile"))
}

/// Change the password: the stored hash is read, the old password checked and the new one
/// hashed with no connection held; then one unit of work stores it and ends the other sessions.
pub async fn change_password(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let token = ctx.session_token.clone().unwrap_or_default();
    let stored =
        crate::db::run(&state.pool, move |conn| queries::find(conn, user_id)?.ok_or(AppError::NotFound)).await?;
    let mut errors = FieldErrors::default();
    let old_ok = password::verify_bounded(form.old_password.clone(), Some(stored.password_hash.clone()))
        .await
        .map_err(AppError::Internal)?;
    if !old_ok {
        errors.add("old_password", "err-old-password");
    }
    match NewPassword::parse(&form.new_password, &stored.username, &stored.email) {
        Err(k) => errors.add("new_password", k),
        Ok(_) if form.new_password != form.confirm_password => errors.add("confirm_password", "err-password-mismatch"),
        Ok(p) if errors.is_empty() => {
            let hash = password::hash_bounded(p.as_str().to_string()).await.map_err(AppError::Internal)?;
            crate::db::run_write(&state.pool, move |tx| {
                tx.quiet();
                queries::set_password_hash(tx, user_id, &hash)?;
                tokens::expire_all(tx, user_id, Purpose::Reset)?;
                // Everyone else holding this account's sessions is logged out.
                sessions::revoke_others(tx, user_id, &token)?;
                Ok(())
            })
            .await?;
        }
        Ok(_) => {}
    }
    if errors.is_empty() {
        Ok(redirect("/settings?saved=password"))
    } else {
        render_invalid(&settings_page(&ctx, &state, None, errors, String::new()).await?)
    }
}

#[derive(Template)]
#[template(path = "accounts/profile.html")]
struct ProfilePage<'a> {
    /// The person's id (the moderators' link to their record).
    user_id: i64,
    ctx: &'a PageCtx,
    meta: Meta,
    person: AuthorView,
    bio_html: SafeHtml,
    joined: chrono::NaiveDateTime,
    suspended: bool,
    blog: Option<Blog>,
    posts: Vec<PostCard>,
    comments: Vec<(String, String, chrono::NaiveDateTime)>,
    pager: Older,
    forum: ForumActivity,
    /// Entries of theirs accepted into the magazine: (path, title, when).
    contributions: Vec<(String, String, chrono::NaiveDateTime)>,
    /// Awards their entries won in calls for contributions: (award, call, call's path).
    awards: Vec<(String, String, String)>,
    /// The profile picture's address, if one is set.
    avatar: Option<String>,
}

impl ProfilePage<'_> {
    /// The reader is looking at their own profile (invited to begin, not told it is empty).
    fn is_own(&self) -> bool {
        self.ctx.user.as_ref().is_some_and(|u| u.username == self.person.username)
    }
}

/// What a person did in the forums, limited to boards the viewer may read.
#[derive(Default, Clone)]
pub struct ForumActivity {
    pub topics: Vec<crate::forums::TopicCard>,
    /// (path, excerpt, when, accepted as the answer)
    pub replies: Vec<(String, String, chrono::NaiveDateTime, bool)>,
    pub accepted: i64,
    pub likes_received: i64,
}

pub const PROFILE_POSTS: i64 = 10;

pub async fn profile(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let key = path.into_inner().to_lowercase();
    let before = q.cursor();
    let (viewer, kinds, cache) = (ctx.viewer(), state.kinds, state.cache.clone());
    let (user, blog, (posts, next), comments, forum, (contributions, awards)) =
        crate::db::run(&state.pool, move |conn| {
            // Everything listed is what the viewer may read, counted the same way.
            let guard = crate::policy::Guard::load(conn, &viewer)?;
            let user = queries::find_by_key(conn, &key)?.ok_or(AppError::NotFound)?;
            if super::own_data::is_deleted(&user.roles) {
                return Err(AppError::NotFound);
            }
            // The same for every reader of the same audiences: kept until the person or what they
            // wrote changes.
            let shared_key = format!("profile|{}|{}", user.id, before.map(|c| c.encode()).unwrap_or_default());
            let person = crate::content::listing::person_key(user.id);
            let (blog, posts, comments, forum, contributions) =
                cache.shared_for(conn, &guard, shared_key, &[&person], |conn| {
                    let blog = blog_queries::owned_blog(conn, user.id)?;
                    let filter = blog_queries::PostFilter { author_id: Some(user.id), before, ..Default::default() };
                    let posts = blog_queries::list_posts(conn, &guard, &filter, PROFILE_POSTS)?;
                    let recent = crate::content::comments::recent_by(conn, &guard, user.id, 10)?;
                    let paths = kinds.paths_for(conn, &recent.iter().map(|c| c.0).collect::<Vec<_>>())?;
                    let comments: Vec<(String, String, chrono::NaiveDateTime)> = recent
                        .into_iter()
                        .filter_map(|(id, excerpt, at)| paths.get(&id).map(|p| (p.clone(), excerpt, at)))
                        .collect();
                    let boards = crate::forums::queries::readable_boards(conn, &guard)?;
                    let reply_rows = crate::forums::queries::replies_by(conn, &guard, user.id, 10)?;
                    let reply_paths = kinds.paths_for(conn, &reply_rows.iter().map(|r| r.0).collect::<Vec<_>>())?;
                    let forum = ForumActivity {
                        topics: crate::forums::queries::select_topics(
                            conn,
                            &guard,
                            &boards,
                            &crate::forums::queries::TopicSelect {
                                author: Some(user.id),
                                by_creation: true,
                                ..crate::forums::queries::TopicSelect::across(&boards)
                            },
                            10,
                        )?,
                        replies: reply_rows
                            .into_iter()
                            .filter_map(|(id, ex, at, acc)| reply_paths.get(&id).map(|p| (p.clone(), ex, at, acc)))
                            .collect(),
                        accepted: crate::forums::queries::accepted_count(conn, &guard, user.id)?,
                        likes_received: crate::content::likes::received(conn, &guard, user.id)?,
                    };
                    let contributions = (
                        crate::magazine::contributions::published_by(conn, &guard, kinds, user.id, 10)?,
                        crate::magazine::calls::awards_of(conn, &guard, user.id)?,
                    );
                    Ok((blog, posts, comments, forum, contributions))
                })?;
            Ok((user, blog, posts, comments, forum, contributions))
        })
        .await?;
    let person = AuthorView::from(&user);
    let path = person.url();
    let mut meta = Meta::new(person.name().to_string(), path.clone())
        .description(crate::content::markdown::excerpt(&crate::content::markdown::plain_text(&user.bio_md), 160));
    meta.og_type = "profile";
    if user.suspended_at.is_some()
        || (posts.is_empty() && comments.is_empty() && forum.topics.is_empty() && contributions.is_empty())
    {
        meta = meta.noindex();
    }
    if let Some(b) = &blog {
        meta = meta.feed(b.title.clone(), &b.feed_base());
    }
    let user_id = user.id;
    let page = render(&ProfilePage {
        ctx: &ctx,
        meta,
        pager: Older::new(&path, &format!("{path}?"), before.is_none(), next),
        person,
        bio_html: SafeHtml::from_stored(user.bio_html.clone()),
        joined: user.created_at,
        avatar: user.avatar_media_id.map(|id| format!("/media/{id}/thumb")),
        suspended: user.suspended_at.is_some(),
        user_id: user.id,
        blog,
        posts,
        comments,
        forum,
        contributions,
        awards,
    })?;
    Ok(crate::web::cache::keep(page, [crate::content::listing::person_key(user_id)]))
}
