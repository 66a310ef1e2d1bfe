//! A moderator edits a piece's text (`/mod/content/{id}/edit`): a flagged or held post with a
//! link or a phone number taken out, so the rest can be approved. The kind says what may be
//! changed (`ContentKind::moderator_edit`) and saves it (the version before is kept in its
//! history); the log records it and the author is told. The piece keeps its queue entry: the
//! moderator approves or hides it afterwards.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Entry, FLAG_REASONS};
use crate::content::Content;
use crate::content::kind::ModeratorEdit;
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditForm {
    pub title: String,
    pub body: String,
    /// The public reason (a flag reason), or "".
    pub reason: String,
    /// What only staff read.
    pub note: String,
}

#[derive(Template)]
#[template(path = "moderation/edit.html")]
struct EditPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    id: i64,
    /// "Forum reply"…
    label_key: &'static str,
    titled: bool,
    form: EditForm,
    errors: FieldErrors,
    reasons: Vec<(&'static str, String)>,
}

/// The piece and what its kind lets a moderator change, or why not.
async fn editable(ctx: &PageCtx, state: &AppState, id: i64) -> AppResult<(Content, ModeratorEdit)> {
    super::pages::require_moderator(ctx)?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let c = crate::content::find(conn, id)?.ok_or(AppError::NotFound)?;
        let how = check(conn, &guard, &c)?;
        Ok((c, how))
    })
    .await
}

/// What a moderator may change of this piece, or why not (the policy: published, readable by
/// them, not the words of staff unless they are an admin; the kind: whether it is edited here).
fn check(conn: &mut crate::db::DbConn, guard: &Guard, c: &Content) -> Result<ModeratorEdit, AppError> {
    if !guard.can_remove(&c.facts()) {
        return Err(AppError::NotFound);
    }
    let author = crate::accounts::queries::find(conn, c.author_id)?.ok_or(AppError::NotFound)?;
    if !guard.can_edit_as_moderator(&c.facts(), author.roles()) {
        return Err(AppError::Refused("mod-edit-staff", Vec::new()));
    }
    let how = crate::kinds::registry()
        .get(&c.kind)
        .and_then(|k| k.moderator_edit())
        .ok_or(AppError::Refused("mod-edit-elsewhere", Vec::new()))?;
    Ok(how)
}

fn page<'a>(ctx: &'a PageCtx, c: &Content, how: ModeratorEdit, form: EditForm, errors: FieldErrors) -> EditPage<'a> {
    EditPage {
        meta: Meta::new(ctx.t("mod-edit-title"), format!("/mod/content/{}/edit", c.id)).noindex(),
        ctx,
        id: c.id,
        label_key: crate::kinds::registry().get(&c.kind).map_or("", |k| k.label_key()),
        titled: how.titled,
        form,
        errors,
        reasons: FLAG_REASONS.iter().map(|r| (*r, ctx.t(super::reason_key(r)))).collect(),
    }
}

/// `GET /mod/content/{id}/edit`: the text as it is, in a form.
pub async fn form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (c, how) = editable(&ctx, &state, path.into_inner()).await?;
    let form = EditForm { title: c.title.clone(), body: c.body_md.clone(), ..Default::default() };
    render(&page(&ctx, &c, how, form, FieldErrors::default()))
}

/// `POST /mod/content/{id}/edit`: save it (one unit of work: the text, its history, the log
/// line and the author's notification), back to the piece's moderation page.
pub async fn save(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (c, how) = editable(&ctx, &state, id).await?;
    let mut errors = FieldErrors::default();
    let title = if how.titled { crate::content::check_title(&form.title, &mut errors) } else { c.title.clone() };
    if form.body.trim().is_empty() {
        errors.add("body", "err-body-empty");
    } else if form.body.chars().count() > how.max_chars {
        errors.add("body", "mod-edit-too-long");
    } else if let Err(k) = crate::content::markdown::check_nesting(&form.body) {
        errors.add("body", k);
    }
    super::check_note(&form.note, &mut errors);
    if errors.is_empty() && title == c.title && form.body == c.body_md {
        errors.add("body", "mod-edit-unchanged");
    }
    if !errors.is_empty() {
        return render_invalid(&page(&ctx, &c, how, form, errors));
    }
    // The author's own pictures keep working: the text is prepared as theirs.
    let body = match crate::media::prepare_body(&state, c.author_id, &form.body).await {
        Ok(b) => b,
        Err(key) => {
            errors.add("body", key);
            return render_invalid(&page(&ctx, &c, how, form, errors));
        }
    };
    let viewer = ctx.viewer();
    crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        let me = guard.user_id().ok_or(AppError::Forbidden)?;
        let old = crate::content::lock(tx, id)?.ok_or(AppError::NotFound)?;
        check(tx.conn(), &guard, &old)?;
        let kind = crate::kinds::registry().get(&old.kind).ok_or(AppError::NotFound)?;
        kind.save_moderator_edit(tx, &old, me, &title, &body)?;
        let new = crate::content::find(tx, id)?.ok_or(AppError::NotFound)?;
        let reason = super::public_reason(&form.reason);
        super::record(
            tx,
            Entry {
                moderator_id: Some(me),
                action: "edit",
                content: Some(&old),
                user_id: Some(old.author_id),
                reason,
                note: form.note.trim(),
            },
        )?;
        if old.author_id != me {
            super::flags::tell_author(
                tx,
                old.author_id,
                crate::notifications::KIND_MOD_EDITED,
                &super::flags::shown_title(&new),
            )?;
        }
        Ok(())
    })
    .await?;
    Ok(redirect(&format!("/mod/content/{id}?msg=edited")))
}
