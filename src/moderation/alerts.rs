//! Keyword alerts: staff watch words (a product's name, the brand, "refund", "leak") and are
//! told — in the site and by e-mail, at once, never in a digest — of every new public piece
//! that contains one. The worker reads the pieces made since its cursor every few seconds
//! (`scan`), so an alert goes out within a minute of the post. Words match as watched words
//! do: whole words, English and Chinese alike.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::words::{Matcher, compile};
use crate::db::DbConn;
use crate::db::schema::{contents, keyword_alerts};
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

const CURSOR: &str = "alerts.cursor";
/// Pieces read in one round.
const BATCH: i64 = 500;
/// Words one person may watch.
const MAX_WORDS: i64 = 50;

#[derive(Queryable, Clone, Debug)]
pub struct Alert {
    pub id: i64,
    pub user_id: i64,
    pub word: String,
    pub created_at: NaiveDateTime,
}

/// Tell the watchers of every new public piece since the cursor. Returns how many were told.
pub fn scan(conn: &mut DbConn) -> anyhow::Result<usize> {
    let cursor = crate::db::setting(conn, CURSOR)?.and_then(|v| v.parse::<i64>().ok());
    let Some(cursor) = cursor else {
        // First run: start from now, not from the site's whole past.
        let max = crate::content::max_id(conn)?;
        crate::db::write(conn, |tx| {
            tx.quiet();
            crate::db::set_setting(tx, CURSOR, Some(&max.to_string()))
        })?;
        return Ok(0);
    };
    let newest: Option<i64> =
        contents::table.filter(contents::id.gt(cursor)).select(diesel::dsl::max(contents::id)).first(conn)?;
    let Some(newest) = newest else { return Ok(0) };
    let alerts: Vec<Alert> = keyword_alerts::table.load(conn)?;
    let until = newest.min(cursor + BATCH);
    if alerts.is_empty() {
        crate::db::write(conn, |tx| {
            tx.quiet();
            crate::db::set_setting(tx, CURSOR, Some(&until.to_string()))
        })?;
        return Ok(0);
    }
    let public = crate::policy::public_audiences(conn)?;
    let pieces: Vec<(i64, String, String, i64, bool)> = contents::table
        .filter(contents::id.gt(cursor))
        .filter(contents::id.le(until))
        .order(contents::id.asc())
        .select((contents::id, contents::title, contents::body_md, contents::audience_id, contents::live))
        .load(conn)?;
    let matchers: Vec<(Alert, Matcher)> =
        alerts.into_iter().filter_map(|a| compile(&a.word, false).ok().map(|m| (a, m))).collect();
    let mut told = 0;
    crate::db::write(conn, |tx| {
        tx.quiet();
        for (id, title, body, audience, live) in &pieces {
            if !live || !public.contains(audience) {
                continue;
            }
            let mut people: Vec<i64> = Vec::new();
            for (a, m) in &matchers {
                if people.contains(&a.user_id) {
                    continue;
                }
                if !m.find_all(title).is_empty() || !m.find_all(body).is_empty() {
                    people.push(a.user_id);
                    if let Some(r) = crate::notifications::recipients(tx, &[a.user_id])?.first()
                        && (r.viewer.roles.is_staff() || r.viewer.roles.can_moderate())
                    {
                        crate::notifications::create(
                            tx,
                            r,
                            crate::notifications::KIND_KEYWORD,
                            None,
                            Some(*id),
                            &a.word,
                        )?;
                        told += 1;
                    }
                }
            }
        }
        crate::db::set_setting(tx, CURSOR, Some(&until.to_string()))
    })?;
    Ok(told)
}

// ------------------------------------------------------------------ the page

#[derive(Template)]
#[template(path = "moderation/alerts.html")]
struct AlertsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    alerts: Vec<Alert>,
    word: String,
    errors: FieldErrors,
    notice: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AlertForm {
    pub word: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AlertsQuery {
    pub msg: String,
}

fn require_staff(ctx: &PageCtx) -> Result<i64, AppError> {
    let user = ctx.require_user()?;
    if user.roles.is_staff() || user.roles.can_moderate() { Ok(user.id) } else { Err(AppError::Forbidden) }
}

async fn page(
    ctx: &PageCtx,
    state: &AppState,
    word: String,
    errors: FieldErrors,
    msg: &str,
) -> AppResult<HttpResponse> {
    let me = require_staff(ctx)?;
    let alerts = crate::db::run(&state.pool, move |conn| {
        Ok(keyword_alerts::table.filter(keyword_alerts::user_id.eq(me)).order(keyword_alerts::word.asc()).load(conn)?)
    })
    .await?;
    let invalid = !errors.is_empty();
    let notice = match msg {
        "added" => ctx.t("alerts-added"),
        "removed" => ctx.t("alerts-removed"),
        _ => String::new(),
    };
    let page =
        AlertsPage { meta: Meta::new(ctx.t("alerts-title"), "/alerts").noindex(), ctx, alerts, word, errors, notice };
    if invalid { render_invalid(&page) } else { render(&page) }
}

/// `GET /alerts` (staff)
pub async fn list(ctx: Ctx, state: web::Data<AppState>, query: web::Query<AlertsQuery>) -> AppResult<HttpResponse> {
    page(&ctx, &state, String::new(), FieldErrors::default(), &query.msg).await
}

/// `POST /alerts`
pub async fn add(ctx: Ctx, state: web::Data<AppState>, CsrfForm(form): CsrfForm<AlertForm>) -> AppResult<HttpResponse> {
    let me = require_staff(&ctx)?;
    let word = crate::content::plain_input(form.word.trim()).trim().to_string();
    let mut errors = FieldErrors::default();
    if let Err(key) = compile(&word, false) {
        errors.add("word", key);
    }
    if !errors.is_empty() {
        return page(&ctx, &state, word, errors, "").await;
    }
    let w = word.to_lowercase();
    let outcome = crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        tx.lock("users", "id", me)?;
        let n: i64 = keyword_alerts::table.filter(keyword_alerts::user_id.eq(me)).count().get_result(tx.conn())?;
        if n >= MAX_WORDS {
            return Ok(Err("alerts-too-many"));
        }
        let added = crate::db::ignore_duplicate(tx, |conn| {
            diesel::insert_into(keyword_alerts::table)
                .values((
                    keyword_alerts::user_id.eq(me),
                    keyword_alerts::word.eq(&w),
                    keyword_alerts::created_at.eq(crate::now()),
                ))
                .execute(conn)
        })?;
        Ok(if added == 0 { Err("alerts-duplicate") } else { Ok(()) })
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect("/alerts?msg=added")),
        Err(key) => {
            let mut errors = FieldErrors::default();
            errors.add("word", key);
            page(&ctx, &state, word, errors, "").await
        }
    }
}

/// `POST /alerts/{id}/delete`: only one's own.
pub async fn remove(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<crate::accounts::handlers::EmptyForm>,
) -> AppResult<HttpResponse> {
    let me = require_staff(&ctx)?;
    let id = path.into_inner();
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        Ok(diesel::delete(keyword_alerts::table.find(id).filter(keyword_alerts::user_id.eq(me))).execute(tx.conn())?)
    })
    .await?;
    Ok(redirect("/alerts?msg=removed"))
}
