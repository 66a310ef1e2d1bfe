//! Pages every kind of content shares: editing and deleting a comment, hiding and showing
//! content again (moderators), and `/content/{id}`, the permanent address of anything, which
//! leads to its page. Kinds are reached through the registry, never by name.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::comments;
use super::kind::Registry;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place};
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, redirect, render, render_invalid};

#[derive(Template)]
#[template(path = "content/comment_edit.html")]
struct CommentEditPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    id: i64,
    body: String,
    error: String,
    back: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommentBody {
    pub body: String,
}

/// What the comment pages need: the comment, where its subject is, and whether the viewer may
/// read, edit and delete it.
struct Loaded {
    comment: super::Content,
    subject_id: i64,
    back: String,
    edit: bool,
    delete: bool,
}

fn load(conn: &mut DbConn, kinds: &Registry, guard: &Guard, id: i64, edit_minutes: i64) -> AppResult<Loaded> {
    let (comment, subject_id) = comments::find(conn, id)?.ok_or(AppError::NotFound)?;
    let subject = super::find(conn, subject_id)?.ok_or(AppError::NotFound)?;
    let facts = comment.facts();
    if !guard.can_read(&facts, Place::None) || !guard.can_read(&subject.facts(), Place::None) {
        return Err(AppError::NotFound);
    }
    let back = kinds.path_of(conn, subject_id)?.ok_or(AppError::NotFound)?;
    Ok(Loaded {
        edit: guard.can_edit_comment(&facts, comments::within_window(&comment, edit_minutes)),
        delete: guard.can_delete(&facts),
        comment,
        subject_id,
        back,
    })
}

async fn load_for(ctx: &PageCtx, state: &web::Data<AppState>, id: i64) -> AppResult<Loaded> {
    ctx.require_user()?;
    let (viewer, kinds, minutes) = (ctx.viewer(), state.kinds, state.settings.comment_edit_minutes);
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        load(conn, kinds, &guard, id, minutes)
    })
    .await
}

fn edit_page<'a>(ctx: &'a PageCtx, id: i64, body: String, error: String, back: String) -> CommentEditPage<'a> {
    CommentEditPage {
        meta: Meta::new(ctx.t("comment-edit-title"), format!("/comments/{id}/edit")).noindex(),
        ctx,
        id,
        body,
        error,
        back,
    }
}

pub async fn edit_comment_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let loaded = load_for(&ctx, &state, id).await?;
    if !loaded.edit {
        return Err(AppError::Forbidden);
    }
    render(&edit_page(&ctx, id, loaded.comment.body_md, String::new(), loaded.back))
}

pub async fn edit_comment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    upload: crate::media::upload::UploadForm<CommentBody>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let loaded = load_for(&ctx, &state, id).await?;
    let author_id = loaded.comment.author_id;
    let (form, attach_problem) = upload.attach(&state, author_id, |f| &mut f.body).await;
    if let Some(key) = attach_problem {
        return render_invalid(&edit_page(&ctx, id, form.body, ctx.t(key), loaded.back));
    }
    if !loaded.edit {
        // The edit window closed while they typed: show their text so nothing is lost.
        return render_invalid(&edit_page(&ctx, id, form.body, ctx.t("err-comment-edit-closed"), loaded.back));
    }
    if let Some(key) = comments::check_body(&form.body) {
        return render_invalid(&edit_page(&ctx, id, form.body, ctx.t(key), loaded.back));
    }
    let body = match crate::media::prepare_body(&state, author_id, form.body.clone()).await {
        Ok(body) => body,
        Err(key) => return render_invalid(&edit_page(&ctx, id, form.body, ctx.t(key), loaded.back)),
    };
    let (viewer, kinds, minutes) = (ctx.viewer(), state.kinds, state.settings.comment_edit_minutes);
    let saved = crate::db::run_write(&state.pool, move |tx| {
        super::lock(tx, id)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !load(tx, kinds, &guard, id, minutes)?.edit {
            return Ok(false);
        }
        super::save_edit(tx, id, "", &body)?;
        Ok(true)
    })
    .await?;
    if !saved {
        return render_invalid(&edit_page(&ctx, id, form.body, ctx.t("err-comment-edit-closed"), loaded.back));
    }
    Ok(redirect(&format!("{}#c{id}", loaded.back)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmptyForm {}

/// Delete a comment. A second delete of the same comment (sent at the same moment, or again)
/// changes nothing and ends where the first did.
pub async fn delete_comment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (viewer, kinds, minutes) = (ctx.viewer(), state.kinds, state.settings.comment_edit_minutes);
    let back = crate::db::run_write(&state.pool, move |tx| {
        super::lock(tx, id)?;
        let (comment, subject_id) = comments::find(tx, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if comment.is_deleted() {
            // Deleted already: where the first request went, for who could have deleted it.
            if !guard.may_redelete(&comment.facts()) {
                return Err(AppError::NotFound);
            }
            return kinds.path_of(tx, subject_id)?.ok_or(AppError::NotFound);
        }
        let loaded = load(tx, kinds, &guard, id, minutes)?;
        if !loaded.delete {
            return Err(AppError::Forbidden);
        }
        comments::delete(tx, id, loaded.subject_id)?;
        Ok(loaded.back)
    })
    .await?;
    Ok(redirect(&format!("{back}#comments")))
}

/// `/content/{id}`: the permanent address of any piece of content (e-mails link here); it leads
/// to the piece's page, for those who may read it.
pub async fn permalink(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (viewer, kinds) = (ctx.viewer(), state.kinds);
    let to = crate::db::run(&state.pool, move |conn| {
        let c = super::find(conn, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::load(conn, &viewer)?;
        if !guard.can_read(&c.facts(), Place::None) {
            return Err(if guard.login_would_help(c.audience_id) && c.live {
                AppError::LoginRequired(format!("/content/{id}"))
            } else {
                AppError::NotFound
            });
        }
        kinds.path_of(conn, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Found().insert_header(("Location", to)).finish())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct HideForm {
    /// "1" hides, "0" shows again.
    pub hidden: String,
}

/// A moderator hides content (or shows it again): it leaves every page, list, feed, count and
/// search result for everyone but moderators, with everything under it. Kinds that keep counts
/// of their content move them (`ContentKind::visibility_changed`).
pub async fn hide(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<HideForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let hidden = form.hidden != "0";
    let (viewer, kinds) = (ctx.viewer(), state.kinds);
    let back = crate::db::run_write(&state.pool, move |tx| {
        let c = super::lock(tx, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_hide(&c.facts()) {
            return Err(if guard.can_read(&c.facts(), Place::None) { AppError::Forbidden } else { AppError::NotFound });
        }
        if super::set_hidden(tx, id, hidden)?
            && let Some(kind) = kinds.get(&c.kind)
        {
            kind.visibility_changed(tx, &c, !hidden)?;
        }
        Ok(kinds.path_of(tx, id)?.unwrap_or_else(|| "/".into()))
    })
    .await?;
    Ok(redirect(&back))
}
