//! `/notifications`: the list, opening one, marking all read; `/settings/notifications`: what a
//! member wants to hear about; `/unsubscribe/{token}`: the one-click link in every e-mail copy.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;

use super::NotificationView;
use super::prefs::{self, Channel, Digest};
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place};
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, PageQuery, Pager, redirect, render, render_invalid};

#[derive(Template)]
#[template(path = "notifications/index.html")]
struct NotificationsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    items: Vec<NotificationView>,
    pager: Pager,
}

pub async fn index(ctx: Ctx, state: web::Data<AppState>, q: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let page = q.number();
    let viewer = ctx.viewer();
    let kinds = state.kinds;
    let (items, total) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        Ok(super::list(conn, &guard, kinds, page)?)
    })
    .await?;
    render(&NotificationsPage {
        meta: Meta::new(ctx.t("notifications-title"), "/notifications").noindex(),
        pager: Pager::within("/notifications?", page, total, super::PAGE_SIZE)?,
        ctx: &ctx,
        items,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct EmptyForm {}

/// Following a notification marks it read and leads to what it is about, if the reader may
/// still read it (else back to the list).
pub async fn open(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let id = path.into_inner();
    let viewer = ctx.viewer();
    let kinds = state.kinds;
    let to = crate::db::run(&state.pool, move |conn| {
        let about = crate::db::write(conn, |tx| {
            tx.quiet();
            super::open(tx, user_id, id)
        })?
        .ok_or(AppError::NotFound)?;
        let guard = Guard::load(conn, &viewer)?;
        let readable = match about {
            Some(c) => crate::content::find(conn, c)?.filter(|c| guard.can_read(&c.facts(), Place::None)),
            None => None,
        };
        Ok(match readable {
            Some(c) => kinds.path_of(conn, c.id)?,
            None => None,
        })
    })
    .await?;
    Ok(redirect(&to.unwrap_or_else(|| "/notifications".into())))
}

pub async fn read_all(ctx: Ctx, state: web::Data<AppState>, _form: CsrfForm<EmptyForm>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        Ok(super::mark_all_read(tx, user_id)?)
    })
    .await?;
    Ok(redirect("/notifications"))
}

/// One kind's row on the settings page.
struct PrefRow {
    kind: &'static str,
    label: &'static str,
    value: String,
}

#[derive(Template)]
#[template(path = "notifications/settings.html")]
struct PrefsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    rows: Vec<PrefRow>,
    channels: [Channel; 3],
    digests: [Digest; 3],
    digest: String,
    notice: String,
    error: String,
}

fn prefs_page<'a>(ctx: &'a PageCtx, values: &dyn Fn(&str) -> String, notice: String, error: String) -> PrefsPage<'a> {
    PrefsPage {
        meta: Meta::new(ctx.t("prefs-title"), "/settings/notifications").noindex(),
        rows: prefs::KINDS.iter().map(|k| PrefRow { kind: k, label: prefs::kind_label(k), value: values(k) }).collect(),
        channels: Channel::ALL,
        digests: Digest::ALL,
        digest: values(prefs::DIGEST),
        ctx,
        notice,
        error,
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `/settings/notifications`: per kind in-site, e-mail or off, and how e-mail goes out.
pub async fn prefs_form(ctx: Ctx, state: web::Data<AppState>, q: web::Query<SavedQuery>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let chosen = crate::db::run(&state.pool, move |conn| Ok(prefs::load(conn, user_id)?)).await?;
    let values = |k: &str| {
        if k == prefs::DIGEST { chosen.digest().code().to_string() } else { chosen.channel(k).code().to_string() }
    };
    let notice = if q.saved.is_some() { ctx.t("settings-saved") } else { String::new() };
    render(&prefs_page(&ctx, &values, notice, String::new()))
}

pub async fn save_prefs(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: CsrfForm<HashMap<String, String>>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let form = form.0;
    let value = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let channels: Option<Vec<(&'static str, Channel)>> =
        prefs::KINDS.iter().map(|k| Channel::parse(&value(k)).map(|c| (*k, c))).collect();
    let digest = Digest::parse(&value(prefs::DIGEST));
    let (Some(channels), Some(digest)) = (channels, digest) else {
        return render_invalid(&prefs_page(&ctx, &value, String::new(), ctx.t("prefs-invalid")));
    };
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        Ok(prefs::save(tx, user_id, &channels, digest)?)
    })
    .await?;
    Ok(redirect("/settings/notifications?saved=1"))
}

#[derive(Template)]
#[template(path = "notifications/unsubscribe.html")]
struct UnsubscribePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    token: String,
    what: String,
    done: bool,
}

/// The member and kind an unsubscribe link names, or 404.
async fn verified(state: &AppState, token: String) -> AppResult<(i64, String)> {
    crate::db::run(&state.pool, move |conn| {
        let secret = prefs::secret(conn)?.ok_or(AppError::NotFound)?;
        prefs::verify(&secret, &token).ok_or(AppError::NotFound)
    })
    .await
}

fn unsubscribe_page(ctx: &PageCtx, token: String, kind: &str, done: bool) -> AppResult<HttpResponse> {
    render(&UnsubscribePage {
        meta: Meta::new(ctx.t("unsubscribe-title"), "/unsubscribe").noindex(),
        what: ctx.t(prefs::kind_label(kind)),
        token,
        done,
        ctx,
    })
}

/// `GET /unsubscribe/{token}`: the link in an e-mail; asks before it changes anything (mail
/// scanners follow links).
pub async fn unsubscribe_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let (_, kind) = verified(&state, token.clone()).await?;
    unsubscribe_page(&ctx, token, &kind, false)
}

/// `POST /unsubscribe/{token}`: one-click unsubscribe (RFC 8058), from the confirm page or the
/// mail client itself. The only state change without a CSRF token and without a login: the
/// signed token is the proof, and all it can do is stop e-mail of one kind for its member.
pub async fn unsubscribe(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let token = path.into_inner();
    let (user_id, kind) = verified(&state, token.clone()).await?;
    let stopped = kind.clone();
    let found = crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        Ok(prefs::unsubscribe(tx, user_id, &stopped)?)
    })
    .await?;
    if !found {
        return Err(AppError::NotFound);
    }
    unsubscribe_page(&ctx, token, &kind, true)
}
