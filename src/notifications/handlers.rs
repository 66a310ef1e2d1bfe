//! `/notifications`: the list, opening one, marking all read.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::NotificationView;
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place};
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, PageQuery, Pager, redirect, render};

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
        pager: Pager::new("/notifications?", page, total, super::PAGE_SIZE),
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
        let about = crate::db::write(conn, |tx| super::open(tx, user_id, id))?.ok_or(AppError::NotFound)?;
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
    crate::db::run_write(&state.pool, move |tx| Ok(super::mark_all_read(tx, user_id)?)).await?;
    Ok(redirect("/notifications"))
}
