//! A moderator moves a topic to another board of the same kind (`/mod/content/{id}/move`): a
//! question asked in the wrong place goes where it is answered. Its address changes and the old
//! one leads to the new (the topic page's canonical redirect); the log records it.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{Entry, FLAG_REASONS};
use crate::error::{AppError, AppResult};
use crate::forums::queries::{self as q, TopicFull};
use crate::forums::{Board, KIND_TOPIC};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

/// Board kinds whose topics keep what they are on another board of the kind. A review belongs
/// to its product, which belongs to its board: reviews do not move.
fn movable(kind: &str) -> bool {
    kind != "reviews"
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    pub board: String,
    pub reason: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "moderation/move.html")]
struct MovePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    topic: TopicFull,
    boards: Vec<Board>,
    form: MoveForm,
    errors: FieldErrors,
    reasons: Vec<(&'static str, String)>,
}

impl MovePage<'_> {
    fn chosen(&self, id: &i64) -> bool {
        self.form.board == id.to_string()
    }
}

/// The topic and the boards it may move to (of its kind, readable by the moderator).
async fn movable_topic(ctx: &PageCtx, state: &AppState, id: i64) -> AppResult<(TopicFull, Vec<Board>)> {
    super::pages::require_moderator(ctx)?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let c = crate::content::find(conn, id)?.ok_or(AppError::NotFound)?;
        if c.kind != KIND_TOPIC || !guard.in_audience(c.audience_id) || !guard.can_remove(&c.facts()) {
            return Err(AppError::NotFound);
        }
        let t = q::topic(conn, id)?.ok_or(AppError::NotFound)?;
        if !movable(&t.board.kind) {
            return Err(AppError::Refused("mod-move-reviews", Vec::new()));
        }
        let boards = q::readable_boards(conn, &guard)?
            .into_iter()
            .filter(|b| b.kind == t.board.kind && b.id != t.board.id)
            .collect();
        Ok((t, boards))
    })
    .await
}

fn page<'a>(
    ctx: &'a PageCtx,
    topic: TopicFull,
    boards: Vec<Board>,
    form: MoveForm,
    errors: FieldErrors,
) -> MovePage<'a> {
    MovePage {
        meta: Meta::new(ctx.t("mod-move-title"), format!("/mod/content/{}/move", topic.topic.content_id)).noindex(),
        ctx,
        topic,
        boards,
        form,
        errors,
        reasons: FLAG_REASONS.iter().map(|r| (*r, ctx.t(super::reason_key(r)))).collect(),
    }
}

/// `GET /mod/content/{id}/move`
pub async fn move_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let (topic, boards) = movable_topic(&ctx, &state, path.into_inner()).await?;
    render(&page(&ctx, topic, boards, MoveForm::default(), FieldErrors::default()))
}

/// `POST /mod/content/{id}/move`: one unit of work (the move, both boards' counts, the log).
pub async fn move_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (topic, boards) = movable_topic(&ctx, &state, id).await?;
    let mut errors = FieldErrors::default();
    let target = form.board.trim().parse::<i64>().ok().and_then(|b| boards.iter().find(|x| x.id == b)).cloned();
    if target.is_none() {
        errors.add("board", "mod-move-choose");
    }
    if form.note.chars().count() > 2000 {
        errors.add("note", "mod-message-too-long");
    }
    let Some(target) = target.filter(|_| errors.is_empty()) else {
        return render_invalid(&page(&ctx, topic, boards, form, errors));
    };
    let viewer = ctx.viewer();
    let to = crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        let me = guard.user_id().ok_or(AppError::Forbidden)?;
        let t = q::lock_topic(tx, id)?.ok_or(AppError::NotFound)?;
        if !guard.in_audience(t.content.audience_id) || !guard.can_remove(&t.content.facts()) {
            return Err(AppError::NotFound);
        }
        // The board as it is now: still there, still of the kind, still readable.
        let board = q::board(tx, target.id)?.ok_or(AppError::Refused("mod-move-choose", Vec::new()))?;
        if board.kind != t.board.kind || board.id == t.board.id || !guard.in_audience(board.read_audience_id) {
            return Err(AppError::Refused("mod-move-choose", Vec::new()));
        }
        q::move_topic(tx, &t, &board)?;
        let moved = q::topic(tx, id)?.ok_or(AppError::NotFound)?;
        let reason = if FLAG_REASONS.contains(&form.reason.as_str()) { form.reason.as_str() } else { "" };
        let note = if form.note.trim().is_empty() {
            format!("{} → {}", t.board.name, board.name)
        } else {
            format!("{} → {}: {}", t.board.name, board.name, form.note.trim())
        };
        super::record(
            tx,
            Entry {
                moderator_id: Some(me),
                action: "move",
                content: Some(&moved.content),
                user_id: Some(t.content.author_id),
                reason,
                note: &note,
            },
        )?;
        Ok(moved.path())
    })
    .await?;
    Ok(redirect(&to))
}
