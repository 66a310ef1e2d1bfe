//! `/notifications`: the list, opening one, marking all read.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::NotificationView;
use crate::error::{AppError, AppResult};
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
    let user_id = ctx.require_user()?.id;
    let page = q.number();
    let (items, total) = crate::db::run(&state.pool, move |conn| Ok(super::list(conn, user_id, page)?)).await?;
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

/// Following a notification marks it read.
pub async fn open(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let id = path.into_inner();
    let to = crate::db::run(&state.pool, move |conn| super::open(conn, user_id, id)?.ok_or(AppError::NotFound)).await?;
    Ok(redirect(&to))
}

pub async fn read_all(ctx: Ctx, state: web::Data<AppState>, _form: CsrfForm<EmptyForm>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    crate::db::run(&state.pool, move |conn| Ok(super::mark_all_read(conn, user_id)?)).await?;
    Ok(redirect("/notifications"))
}
