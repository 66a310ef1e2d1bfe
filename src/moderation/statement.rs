//! A crisis statement: an admin puts the company's statement in a banner on every page, in the
//! reader's language when both versions are given, linking to the full statement; a reader may
//! dismiss it (a cookie naming the statement, so a new statement shows again); withdrawn, it
//! is gone. On the same page, boards go into slow mode or read-only for a time.
//!
//! Every request reads the statement from a copy each process keeps for a few seconds, so the
//! banner costs no query per page; publishing or withdrawing also empties the page caches.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::Entry;
use crate::db::schema::{boards, statements};
use crate::db::{DbConn, Tx};
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Lang, Meta, PageCtx, redirect, render, render_invalid};

/// The cookie naming the statement a reader dismissed.
pub const DISMISS_COOKIE: &str = "plaza_statement";

#[derive(Queryable, Clone, Debug)]
pub struct Statement {
    pub id: i64,
    pub text_en: String,
    pub text_zh: String,
    pub link: String,
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
}

impl Statement {
    /// The text in the reader's language (English when there is no Chinese).
    pub fn text(&self, lang: &Lang) -> &str {
        match lang {
            Lang::Zh if !self.text_zh.trim().is_empty() => &self.text_zh,
            _ => &self.text_en,
        }
    }

    /// The language of the text shown (for `lang=`).
    pub fn text_lang(&self, lang: &Lang) -> &'static str {
        match lang {
            Lang::Zh if !self.text_zh.trim().is_empty() => "zh-CN",
            _ => "en",
        }
    }
}

/// The statement in force, as this process last read it.
pub type Current = crate::web::kept::Kept<Option<Arc<Statement>>>;

/// The statement in force, shared (what `Current` keeps).
pub fn shared(conn: &mut DbConn) -> QueryResult<Option<Arc<Statement>>> {
    Ok(current(conn)?.map(Arc::new))
}

pub fn current(conn: &mut DbConn) -> QueryResult<Option<Statement>> {
    statements::table.filter(statements::withdrawn_at.is_null()).order(statements::id.desc()).first(conn).optional()
}

fn withdraw_all(tx: &mut Tx<'_>) -> QueryResult<usize> {
    diesel::update(statements::table.filter(statements::withdrawn_at.is_null()))
        .set(statements::withdrawn_at.eq(Some(crate::now())))
        .execute(tx.conn())
}

// ------------------------------------------------------------------ the admins' page

#[derive(Template)]
#[template(path = "moderation/statement.html")]
struct StatementPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    current: Option<Statement>,
    form: StatementForm,
    errors: FieldErrors,
    boards: Vec<crate::forums::Board>,
    notice: String,
}

impl StatementPage<'_> {
    fn mode_key(&self, b: &crate::forums::Board) -> &'static str {
        let rules = super::screen::Rules::of_board(b);
        if rules.read_only {
            "board-mode-read-only"
        } else if rules.slow_seconds > 0 {
            "board-mode-slow"
        } else {
            "board-mode-normal"
        }
    }

    fn in_force(&self, b: &crate::forums::Board) -> bool {
        let rules = super::screen::Rules::of_board(b);
        rules.read_only || rules.slow_seconds > 0
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StatementForm {
    pub text_en: String,
    pub text_zh: String,
    pub link: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatementQuery {
    pub msg: String,
}

async fn page(
    ctx: &PageCtx,
    state: &AppState,
    form: StatementForm,
    errors: FieldErrors,
    msg: &str,
) -> AppResult<HttpResponse> {
    let (current, boards) =
        crate::db::run(&state.pool, |conn| Ok((current(conn)?, crate::forums::queries::all_boards(conn)?))).await?;
    let invalid = !errors.is_empty();
    let notice = match msg {
        "published" => ctx.t("statement-published"),
        "withdrawn" => ctx.t("statement-withdrawn"),
        "board" => ctx.t("board-mode-saved"),
        _ => String::new(),
    };
    let page = StatementPage {
        meta: Meta::new(ctx.t("statement-title"), "/admin/statement").noindex(),
        ctx,
        current,
        form,
        errors,
        boards,
        notice,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

/// `GET /admin/statement`
pub async fn admin(ctx: Ctx, state: web::Data<AppState>, query: web::Query<StatementQuery>) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    page(&ctx, &state, StatementForm::default(), FieldErrors::default(), &query.msg).await
}

/// Is this a link a statement may carry: a path of this site, or an http(s) address?
fn link_ok(link: &str) -> bool {
    if link.is_empty() {
        return true;
    }
    if link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    (link.starts_with('/') && !link.starts_with("//"))
        || url::Url::parse(link).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// `POST /admin/statement`: publish (replacing the one in force).
pub async fn publish(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<StatementForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_admin()?.id;
    let mut errors = FieldErrors::default();
    let text_en = crate::content::plain_input(form.text_en.trim()).trim().to_string();
    let text_zh = crate::content::plain_input(form.text_zh.trim()).trim().to_string();
    let link = form.link.trim().to_string();
    if text_en.is_empty() {
        errors.add("text_en", "statement-text-required");
    }
    if text_en.chars().count() > 500 || text_zh.chars().count() > 500 {
        errors.add("text_en", "statement-text-long");
    }
    if !link_ok(&link) {
        errors.add("link", "statement-link-invalid");
    }
    if !errors.is_empty() {
        return page(&ctx, &state, form, errors, "").await;
    }
    crate::db::run_write(&state.pool, move |tx| {
        withdraw_all(tx)?;
        diesel::insert_into(statements::table)
            .values((
                statements::text_en.eq(&text_en),
                statements::text_zh.eq(&text_zh),
                statements::link.eq(&link),
                statements::created_by.eq(Some(admin)),
                statements::created_at.eq(crate::now()),
            ))
            .execute(tx.conn())?;
        super::record(
            tx,
            Entry {
                moderator_id: Some(admin),
                action: "statement",
                content: None,
                user_id: None,
                reason: "",
                note: &text_en,
            },
        )?;
        tx.stale_everything();
        Ok(())
    })
    .await?;
    state.statement.forget();
    Ok(redirect("/admin/statement?msg=published"))
}

/// `POST /admin/statement/withdraw`
pub async fn withdraw(
    ctx: Ctx,
    state: web::Data<AppState>,
    _form: CsrfForm<crate::accounts::handlers::EmptyForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_admin()?.id;
    crate::db::run_write(&state.pool, move |tx| {
        if withdraw_all(tx)? > 0 {
            super::record(
                tx,
                Entry {
                    moderator_id: Some(admin),
                    action: "statement_withdrawn",
                    content: None,
                    user_id: None,
                    reason: "",
                    note: "",
                },
            )?;
        }
        tx.stale_everything();
        Ok(())
    })
    .await?;
    state.statement.forget();
    Ok(redirect("/admin/statement?msg=withdrawn"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DismissForm {
    pub id: String,
    pub back: String,
}

/// `POST /statement/dismiss`: this reader has read it (a cookie; a new statement shows again).
/// Like the language switch, it carries no CSRF token (visitors' pages are shared by the page
/// cache, and it changes nothing but this reader's own cookie); other sites' posts are refused
/// by the request context.
pub async fn dismiss(state: web::Data<AppState>, web::Form(form): web::Form<DismissForm>) -> AppResult<HttpResponse> {
    let id = crate::web::canonical_number(&form.id).ok_or(AppError::BadRequest("error-bad-request"))?;
    let back = crate::web::same_site_path(&form.back).unwrap_or_else(|| "/".into());
    let mut res = redirect(&back);
    let c = actix_web::cookie::Cookie::build(DISMISS_COOKIE, id.to_string())
        .path("/")
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Lax)
        .secure(state.settings.secure_cookies())
        .max_age(actix_web::cookie::time::Duration::days(365))
        .finish();
    let _ = res.add_cookie(&c);
    Ok(res)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardModeForm {
    /// normal, slow, read_only
    pub mode: String,
    pub seconds: String,
    /// 1h, 6h, 24h, 72h, or "" (until changed back)
    pub length: String,
}

/// `POST /admin/statement/boards/{id}`: a board's mode for a time.
pub async fn board_mode(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<BoardModeForm>,
) -> AppResult<HttpResponse> {
    let admin = ctx.require_admin()?.id;
    let id = path.into_inner();
    let seconds = match form.mode.as_str() {
        "slow" => match form.seconds.trim().parse::<i32>().ok().filter(|s| (10..=86_400).contains(s)) {
            Some(s) => s,
            None => {
                let mut errors = FieldErrors::default();
                errors.add("seconds", "board-slow-seconds-invalid");
                return page(&ctx, &state, StatementForm::default(), errors, "").await;
            }
        },
        "normal" | "read_only" => 0,
        _ => return Err(AppError::BadRequest("error-bad-request")),
    };
    let until = match form.length.as_str() {
        "1h" => Some(crate::now() + chrono::Duration::hours(1)),
        "6h" => Some(crate::now() + chrono::Duration::hours(6)),
        "24h" => Some(crate::now() + chrono::Duration::hours(24)),
        "72h" => Some(crate::now() + chrono::Duration::hours(72)),
        _ => None,
    };
    let read_only = form.mode == "read_only";
    let mode = form.mode.clone();
    crate::db::run_write(&state.pool, move |tx| {
        tx.lock("boards", "id", id)?;
        let name: String =
            boards::table.find(id).select(boards::name).first(tx.conn()).optional()?.ok_or(AppError::NotFound)?;
        diesel::update(boards::table.find(id))
            .set((
                boards::slow_mode_seconds.eq(seconds),
                boards::read_only.eq(read_only),
                boards::mode_until.eq(if mode == "normal" { None } else { until }),
            ))
            .execute(tx.conn())?;
        let note = format!("{name}: {mode}");
        super::record(
            tx,
            Entry {
                moderator_id: Some(admin),
                action: "board_mode",
                content: None,
                user_id: None,
                reason: "",
                note: &note,
            },
        )?;
        tx.stale_everything();
        Ok(())
    })
    .await?;
    Ok(redirect("/admin/statement?msg=board"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_are_site_paths_or_web_addresses() {
        for ok in ["", "/blog/our-statement", "https://example.com/statement"] {
            assert!(super::link_ok(ok), "{ok}");
        }
        for bad in ["//evil.example", "javascript:alert(1)", "ftp://x.example", "not a link", "http://"] {
            assert!(!super::link_ok(bad), "{bad}");
        }
    }
}
