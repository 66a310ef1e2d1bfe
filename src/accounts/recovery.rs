//! Getting back into an account and proving an address, by single-use links sent by e-mail
//! (`tokens`): "forgot my password" and the reset form, the admin's "send reset link", the new
//! member's confirmation link, and the confirmation of a new address. The answers never say
//! whether an address has an account; mails go through the mail outbox (`jobs::mail`) in the
//! same unit of work as the link they carry.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::domain::{Email, NewPassword};
use super::handlers::{EmptyForm, client_ip, user_agent};
use super::tokens::{self, Purpose, State};
use super::{User, password, queries, ratelimit, sessions};
use crate::error::{AppError, AppResult};
use crate::jobs::mail::BASE_URL_TOKEN;
use crate::web::context::session_cookie;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Lang, Meta, PageCtx, redirect, render, render_invalid};

// ---------------------------------------------------------------- mails

/// The recipient's own language if they chose one, else the one the request came in.
fn mail_lang(user: &User, fallback: Lang) -> Lang {
    user.locale.as_deref().and_then(Lang::from_code).unwrap_or(fallback)
}

fn queue(
    tx: &mut crate::db::Tx<'_>,
    to: &str,
    user_id: i64,
    subject: String,
    paragraphs: &[String],
) -> diesel::QueryResult<()> {
    crate::jobs::mail::enqueue(tx, to, &subject, &paragraphs.join("\n\n"), Some(user_id), None)
}

/// A password-reset link (valid one hour) to the account's address.
pub fn mail_reset(tx: &mut crate::db::Tx<'_>, user: &User, lang: Lang, site_name: &str) -> diesel::QueryResult<()> {
    mail_link(tx, user, lang, site_name, Purpose::Reset, "mail-reset", "/password/reset/")
}

/// The confirmation link for a new member's address.
pub fn mail_verification(
    tx: &mut crate::db::Tx<'_>,
    user: &User,
    lang: Lang,
    site_name: &str,
) -> diesel::QueryResult<()> {
    mail_link(tx, user, lang, site_name, Purpose::Verify, "mail-verify", "/email/confirm/")
}

/// A single-use link to the account's own address: the mail's texts are the catalog keys
/// `{keys}-subject`, `-intro`, `-link` and `-ignore`; the link is `path` + the token.
fn mail_link(
    tx: &mut crate::db::Tx<'_>,
    user: &User,
    lang: Lang,
    site_name: &str,
    purpose: Purpose,
    keys: &str,
    path: &str,
) -> diesel::QueryResult<()> {
    let token = tokens::issue(tx, user.id, purpose, &user.email)?;
    let lang = mail_lang(user, lang);
    let args = vec![("site", site_name.to_string()), ("username", user.username.clone())];
    queue(
        tx,
        &user.email,
        user.id,
        lang.ta(&format!("{keys}-subject"), &args),
        &[
            lang.ta(&format!("{keys}-intro"), &args),
            lang.t(&format!("{keys}-link")),
            format!("{BASE_URL_TOKEN}{path}{token}"),
            lang.t(&format!("{keys}-ignore")),
        ],
    )
}

/// Someone tried to sign up with an address that already has an account: tell its owner, and
/// how to get in if it was them.
pub fn mail_signup_attempt(
    tx: &mut crate::db::Tx<'_>,
    user: &User,
    lang: Lang,
    site_name: &str,
) -> diesel::QueryResult<()> {
    let lang = mail_lang(user, lang);
    let args = vec![("site", site_name.to_string()), ("username", user.username.clone())];
    queue(
        tx,
        &user.email,
        user.id,
        lang.ta("mail-signup-taken-subject", &args),
        &[
            lang.ta("mail-signup-taken-intro", &args),
            lang.t("mail-signup-taken-reset"),
            format!("{BASE_URL_TOKEN}/password/forgot"),
        ],
    )
}

/// A change of address: the link goes to the new address; the old one is told it was asked for.
fn mail_email_change(
    tx: &mut crate::db::Tx<'_>,
    user: &User,
    new_email: &Email,
    lang: Lang,
    site_name: &str,
) -> diesel::QueryResult<()> {
    let token = tokens::issue(tx, user.id, Purpose::EmailChange, new_email.as_str())?;
    let lang = mail_lang(user, lang);
    let args = vec![
        ("site", site_name.to_string()),
        ("username", user.username.clone()),
        ("email", new_email.as_str().to_string()),
    ];
    queue(
        tx,
        new_email.as_str(),
        user.id,
        lang.ta("mail-email-change-subject", &args),
        &[
            lang.ta("mail-email-change-intro", &args),
            lang.t("mail-email-change-link"),
            format!("{BASE_URL_TOKEN}/email/confirm/{token}"),
        ],
    )?;
    queue(
        tx,
        &user.email,
        user.id,
        lang.ta("mail-email-change-old-subject", &args),
        &[lang.ta("mail-email-change-old-intro", &args), lang.ta("mail-email-change-old-warning", &args)],
    )
}

// ---------------------------------------------------------------- pages

/// A short page: a heading, a few sentences, and links or one button.
#[derive(Template)]
#[template(path = "accounts/message.html")]
struct MessagePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    lines: Vec<String>,
    /// (href, label)
    links: Vec<(String, String)>,
    /// A form with one button: (action, label).
    button: Option<(String, String)>,
}

fn message(
    ctx: &PageCtx,
    status: StatusCode,
    title_key: &str,
    lines: Vec<String>,
    links: Vec<(String, String)>,
    button: Option<(String, String)>,
) -> AppResult<HttpResponse> {
    let page = MessagePage { meta: Meta::new(ctx.t(title_key), ctx.path.clone()).noindex(), ctx, lines, links, button };
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(page.render()?))
}

/// Registration's answer, the same whether or not the address already had an account.
pub fn check_mail(ctx: &PageCtx, email: &str) -> AppResult<HttpResponse> {
    message(
        ctx,
        StatusCode::OK,
        "check-mail-title",
        vec![ctx.ta("check-mail-sent", &[("email", email.to_string())]), ctx.t("check-mail-next")],
        vec![("/login".into(), ctx.t("nav-login"))],
        None,
    )
}

/// A link that cannot be used: used already, expired, or never issued.
fn link_unusable(ctx: &PageCtx, state: &State, again: (&str, &str)) -> AppResult<HttpResponse> {
    let key = match state {
        State::Used => "link-used",
        State::Expired => "link-expired",
        _ => "link-unknown",
    };
    message(ctx, StatusCode::GONE, "link-title", vec![ctx.t(key)], vec![(again.0.to_string(), ctx.t(again.1))], None)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    pub email: String,
}

#[derive(Template)]
#[template(path = "accounts/forgot.html")]
struct ForgotPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    email: String,
    errors: FieldErrors,
}

pub async fn forgot_form(ctx: Ctx) -> AppResult<HttpResponse> {
    render(&ForgotPage {
        meta: Meta::new(ctx.t("forgot-title"), "/password/forgot").noindex(),
        ctx: &ctx,
        email: String::new(),
        errors: FieldErrors::default(),
    })
}

/// Send a reset link if the address has an account. The answer is the same either way, and so
/// is the work done before it (the same unit of work, the same limits counted).
pub async fn forgot(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> AppResult<HttpResponse> {
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(k) => {
            let mut errors = FieldErrors::default();
            errors.add("email", k);
            return render_invalid(&ForgotPage {
                meta: Meta::new(ctx.t("forgot-title"), "/password/forgot").noindex(),
                ctx: &ctx,
                email: form.email,
                errors,
            });
        }
    };
    let ip = client_ip(&state, &req);
    let (lang, site_name) = (ctx.lang, state.settings.site_name.clone());
    let key = email.key();
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        if let Err(wait) = ratelimit::hit(tx, ratelimit::RESET_PER_ADDRESS, &ip)? {
            return Ok(Err(wait));
        }
        if let Err(wait) = ratelimit::hit(tx, ratelimit::RESET_PER_EMAIL, &key)? {
            return Ok(Err(wait));
        }
        if let Some(user) = queries::find_by_email(tx, &key)?.filter(|u| u.suspended_at.is_none()) {
            mail_reset(tx, &user, lang, &site_name)?;
        }
        Ok(Ok(()))
    })
    .await?
    .map_err(|wait| AppError::TooManyRequests(wait, "error-too-many-resets"))?;
    message(
        &ctx,
        StatusCode::OK,
        "forgot-sent-title",
        vec![ctx.ta("forgot-sent", &[("email", email.as_str().to_string())]), ctx.t("forgot-sent-next")],
        vec![("/login".into(), ctx.t("nav-login"))],
        None,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    pub new_password: String,
    pub confirm_password: String,
}

#[derive(Template)]
#[template(path = "accounts/reset.html")]
struct ResetPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    action: String,
    username: String,
    errors: FieldErrors,
}

fn reset_page<'a>(ctx: &'a PageCtx, token: &str, username: String, errors: FieldErrors) -> ResetPage<'a> {
    ResetPage {
        meta: Meta::new(ctx.t("reset-title"), "/password/forgot").noindex(),
        ctx,
        action: format!("/password/reset/{token}"),
        username,
        errors,
    }
}

async fn peek_user(state: &AppState, purpose: Purpose, token: &str) -> AppResult<Result<User, State>> {
    let token = token.to_string();
    crate::db::run(&state.pool, move |conn| {
        Ok(match tokens::peek(conn, purpose, &token)? {
            State::Valid(t) => match queries::find(conn, t.user_id)? {
                Some(u) => Ok(u),
                None => Err(State::Unknown),
            },
            other => Err(other),
        })
    })
    .await
}

pub async fn reset_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    match peek_user(&state, Purpose::Reset, &token).await? {
        Ok(user) => render(&reset_page(&ctx, &token, user.username, FieldErrors::default())),
        Err(s) => link_unusable(&ctx, &s, ("/password/forgot", "forgot-again")),
    }
}

/// Set the new password from a reset link: the link is used up, every session of the account
/// ends, and this browser is logged in.
pub async fn reset(
    ctx: Ctx,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let user = match peek_user(&state, Purpose::Reset, &token).await? {
        Ok(u) => u,
        Err(s) => return link_unusable(&ctx, &s, ("/password/forgot", "forgot-again")),
    };
    let mut errors = FieldErrors::default();
    let new = match NewPassword::parse(&form.new_password, &user.username, &user.email) {
        Err(k) => {
            errors.add("new_password", k);
            None
        }
        Ok(_) if form.new_password != form.confirm_password => {
            errors.add("confirm_password", "err-password-mismatch");
            None
        }
        Ok(p) => Some(p),
    };
    let Some(new) = new else {
        return render_invalid(&reset_page(&ctx, &token, user.username, errors));
    };
    let hash = password::hash_bounded(new.as_str().to_string()).await.map_err(AppError::Internal)?;
    let (days, agent) = (state.settings.session_days, user_agent(&req));
    let t = token.clone();
    let outcome = crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        let link = match tokens::consume(tx, Purpose::Reset, &t)? {
            State::Valid(link) => link,
            other => return Ok(Err(other)),
        };
        queries::set_password_hash(tx, link.user_id, &hash)?;
        tokens::expire_all(tx, link.user_id, Purpose::Reset)?;
        sessions::revoke_all(tx, link.user_id)?;
        ratelimit::clear_account(tx, &user.username_key)?;
        // The link reached the address: it is confirmed (if it is still the account's).
        if link.email == user.email {
            queries::set_email_verified(tx, link.user_id)?;
        }
        if user.suspended_at.is_some() {
            return Ok(Ok(None));
        }
        Ok(Ok(Some(sessions::create(tx, link.user_id, days, &agent)?)))
    })
    .await?;
    match outcome {
        Ok(Some(session)) => {
            let mut res = redirect("/settings?saved=reset");
            let _ = res.add_cookie(&session_cookie(&state, session));
            Ok(res)
        }
        Ok(None) => Ok(redirect("/login")),
        Err(s) => link_unusable(&ctx, &s, ("/password/forgot", "forgot-again")),
    }
}

// ---------------------------------------------------------------- confirming addresses

/// Which kind of link this is (confirming a new member's address, or a new address).
async fn confirm_kind(state: &AppState, token: &str) -> AppResult<(Purpose, Result<User, State>)> {
    let first = peek_user(state, Purpose::Verify, token).await?;
    if let Err(State::Unknown) = first {
        return Ok((Purpose::EmailChange, peek_user(state, Purpose::EmailChange, token).await?));
    }
    Ok((Purpose::Verify, first))
}

/// The link's page: a button, so that mail scanners that open links do not use it up.
pub async fn confirm_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    match confirm_kind(&state, &token).await? {
        (_, Ok(user)) => message(
            &ctx,
            StatusCode::OK,
            "confirm-title",
            vec![ctx.ta("confirm-intro", &[("username", user.username.clone())])],
            vec![],
            Some((format!("/email/confirm/{token}"), ctx.t("confirm-submit"))),
        ),
        (_, Err(s)) => link_unusable(&ctx, &s, ("/settings", "settings-title")),
    }
}

pub async fn confirm(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let (purpose, _) = confirm_kind(&state, &token).await?;
    let outcome = crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        let link = match tokens::consume(tx, purpose, &token)? {
            State::Valid(link) => link,
            other => return Ok(Err(other)),
        };
        let Some(user) = queries::find(tx, link.user_id)? else { return Ok(Err(State::Unknown)) };
        match purpose {
            Purpose::EmailChange => {
                let Ok(email) = Email::parse(&link.email) else { return Ok(Err(State::Unknown)) };
                match queries::set_email(tx, user.id, &email) {
                    Ok(()) => Ok(Ok("email")),
                    // Another account took the address meanwhile: the link cannot apply.
                    Err(queries::UserWriteError::Field(..)) => Ok(Ok("email-taken")),
                    Err(queries::UserWriteError::Db(e)) => Err(e.into()),
                }
            }
            _ => {
                if link.email == user.email {
                    queries::set_email_verified(tx, user.id)?;
                }
                Ok(Ok("verified"))
            }
        }
    })
    .await?;
    match outcome {
        Ok("email-taken") => {
            message(&ctx, StatusCode::CONFLICT, "link-title", vec![ctx.t("email-change-taken")], vec![], None)
        }
        Ok(what) if ctx.user.is_some() => Ok(redirect(&format!("/settings?saved={what}"))),
        Ok(_) => message(
            &ctx,
            StatusCode::OK,
            "confirmed-title",
            vec![ctx.t("confirmed-text")],
            vec![("/login".into(), ctx.t("nav-login"))],
            None,
        ),
        Err(s) => link_unusable(&ctx, &s, ("/settings", "settings-title")),
    }
}

/// Send the confirmation link again (a member who has not confirmed their address).
pub async fn resend(ctx: Ctx, state: web::Data<AppState>, _form: CsrfForm<EmptyForm>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let (lang, site_name) = (ctx.lang, state.settings.site_name.clone());
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        let user = queries::find(tx, user_id)?.ok_or(AppError::NotFound)?;
        if user.email_verified_at.is_some() {
            return Ok(Ok(()));
        }
        if let Err(wait) = ratelimit::hit(tx, ratelimit::MAIL_PER_ACCOUNT, &user_id.to_string())? {
            return Ok(Err(wait));
        }
        mail_verification(tx, &user, lang, &site_name)?;
        Ok(Ok(()))
    })
    .await?
    .map_err(|wait| AppError::TooManyRequests(wait, "error-too-many-mails"))?;
    Ok(redirect("/settings?saved=verify-sent"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmailForm {
    pub new_email: String,
    pub password: String,
}

/// Ask to change the address: the current password proves it is the owner; the new address
/// must be confirmed by its link, and the old one keeps working until then. Whether another
/// account has the new address is not said here (only its owner learns it, from the link).
pub async fn change_email(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let user = crate::db::run(&state.pool, move |conn| queries::find(conn, user_id)?.ok_or(AppError::NotFound)).await?;
    let mut errors = FieldErrors::default();
    let email = Email::parse(&form.new_email).map_err(|k| errors.add("new_email", k)).ok();
    if email.as_ref().is_some_and(|e| e.key() == user.email_key) {
        errors.add("new_email", "err-email-same");
    }
    let ok = password::verify_bounded(form.password.clone(), Some(user.password_hash.clone()))
        .await
        .map_err(AppError::Internal)?;
    if !ok {
        errors.add("email_password", "err-old-password");
    }
    let (Some(email), true) = (email, errors.is_empty()) else {
        return super::handlers::settings_invalid(&ctx, &state, errors, form.new_email).await;
    };
    let (lang, site_name) = (ctx.lang, state.settings.site_name.clone());
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        if let Err(wait) = ratelimit::hit(tx, ratelimit::MAIL_PER_ACCOUNT, &user_id.to_string())? {
            return Ok(Err(wait));
        }
        mail_email_change(tx, &user, &email, lang, &site_name)?;
        Ok(Ok(()))
    })
    .await?
    .map_err(|wait| AppError::TooManyRequests(wait, "error-too-many-mails"))?;
    Ok(redirect("/settings?saved=email-sent"))
}
