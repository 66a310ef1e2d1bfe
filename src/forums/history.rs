//! `/history/{id}`: every earlier version of a topic or reply, for anyone who may read it.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::queries as q;
use crate::content::revisions;
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place};
use crate::web::{AppState, Ctx, Meta, PageCtx, render};

#[derive(Template)]
#[template(path = "forums/history.html")]
struct HistoryPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    current_title: String,
    current_body: String,
    current_at: chrono::NaiveDateTime,
    versions: Vec<revisions::Revision>,
    back: String,
}

pub async fn history(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (viewer, here) = (ctx.viewer(), ctx.path.clone());
    let (c, t, versions) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let c = crate::content::find(conn, id)?.ok_or(AppError::NotFound)?;
        let topic_id = match c.kind.as_str() {
            super::KIND_TOPIC => id,
            super::KIND_REPLY => q::reply(conn, id)?.ok_or(AppError::NotFound)?.0,
            _ => return Err(AppError::NotFound),
        };
        let t = super::access::readable_topic(conn, &guard, topic_id, &here)?;
        if !guard.can_read(&c.facts(), Place::None) {
            return Err(AppError::NotFound);
        }
        Ok((c, t, revisions::history(conn, id)?))
    })
    .await?;
    render(&HistoryPage {
        meta: Meta::new(ctx.ta("history-title", &[("title", t.content.title.clone())]), format!("/history/{id}"))
            .noindex(),
        ctx: &ctx,
        current_title: c.title,
        current_body: c.body_md,
        current_at: c.edited_at.unwrap_or(c.created_at),
        versions,
        back: t.path(),
    })
}
