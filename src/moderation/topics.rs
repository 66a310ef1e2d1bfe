//! A moderator moves a topic to another board of the same kind (`/mod/content/{id}/move`): a
//! question asked in the wrong place goes where it is answered. Its address changes and the old
//! one leads to the new (the topic page's canonical redirect); the log records it. Or merges it
//! into another topic (`/mod/content/{id}/merge`): the same question asked twice becomes one
//! topic, the second one's posts appended as replies.

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

/// Board kinds whose topics may be merged: a topic there is only its posts (a review's rating
/// and an idea's votes and status would have nowhere to go).
fn mergeable(kind: &str) -> bool {
    matches!(kind, "discussion" | "questions")
}

/// The topic a moderator names: its number, or its address (`/forums/help/12-title`,
/// `/topics/12`, with or without the site and a `?page=` or `#r3`).
pub fn topic_ref(typed: &str) -> Option<i64> {
    let typed = typed.trim();
    let path = typed.split(['?', '#']).next().unwrap_or("");
    path.rsplit('/').find(|s| !s.is_empty()).and_then(|last| {
        let digits: String = last.chars().take_while(char::is_ascii_digit).collect();
        let rest = &last[digits.len()..];
        (!digits.is_empty() && (rest.is_empty() || rest.starts_with('-'))).then(|| digits.parse().ok()).flatten()
    })
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
        if c.kind != KIND_TOPIC || !guard.can_remove(&c.facts()) {
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
    super::check_note(&form.note, &mut errors);
    let Some(target) = target.filter(|_| errors.is_empty()) else {
        return render_invalid(&page(&ctx, topic, boards, form, errors));
    };
    let viewer = ctx.viewer();
    let to = crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        let me = guard.user_id().ok_or(AppError::Forbidden)?;
        let t = q::lock_topic(tx, id)?.ok_or(AppError::NotFound)?;
        if !guard.can_remove(&t.content.facts()) {
            return Err(AppError::NotFound);
        }
        // The board as it is now: still there, still of the kind, still readable.
        let board = q::board(tx, target.id)?.ok_or(AppError::Refused("mod-move-choose", Vec::new()))?;
        if board.kind != t.board.kind || board.id == t.board.id || !guard.can_read_board(&board.facts()) {
            return Err(AppError::Refused("mod-move-choose", Vec::new()));
        }
        q::move_topic(tx, &t, &board)?;
        let moved = q::topic(tx, id)?.ok_or(AppError::NotFound)?;
        let reason = super::public_reason(&form.reason);
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

// ------------------------------------------------------------------ merge

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MergeForm {
    /// The topic to merge into: its number or its address.
    pub into: String,
    pub reason: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "moderation/merge.html")]
struct MergePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    topic: TopicFull,
    form: MergeForm,
    errors: FieldErrors,
    reasons: Vec<(&'static str, String)>,
}

/// The topic a moderator may merge away.
async fn mergeable_topic(ctx: &PageCtx, state: &AppState, id: i64) -> AppResult<TopicFull> {
    super::pages::require_moderator(ctx)?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let t = q::topic(conn, id)?.ok_or(AppError::NotFound)?;
        if !guard.can_remove(&t.content.facts()) {
            return Err(AppError::NotFound);
        }
        if !mergeable(&t.board.kind) {
            return Err(AppError::Refused("mod-merge-kind", Vec::new()));
        }
        Ok(t)
    })
    .await
}

fn merge_page<'a>(ctx: &'a PageCtx, topic: TopicFull, form: MergeForm, errors: FieldErrors) -> MergePage<'a> {
    MergePage {
        meta: Meta::new(ctx.t("mod-merge-title"), format!("/mod/content/{}/merge", topic.topic.content_id)).noindex(),
        ctx,
        topic,
        form,
        errors,
        reasons: FLAG_REASONS.iter().map(|r| (*r, ctx.t(super::reason_key(r)))).collect(),
    }
}

/// `GET /mod/content/{id}/merge`
pub async fn merge_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let topic = mergeable_topic(&ctx, &state, path.into_inner()).await?;
    render(&merge_page(&ctx, topic, MergeForm::default(), FieldErrors::default()))
}

/// `POST /mod/content/{id}/merge`: one unit of work (both topics held, lower id first; the
/// posts, counts, tags, followers; the log line).
pub async fn merge(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let topic = mergeable_topic(&ctx, &state, id).await?;
    let mut errors = FieldErrors::default();
    let into = topic_ref(&form.into);
    match into {
        None => errors.add("into", "mod-merge-which"),
        Some(i) if i == id => errors.add("into", "mod-merge-itself"),
        _ => {}
    }
    super::check_note(&form.note, &mut errors);
    let Some(into) = into.filter(|_| errors.is_empty()) else {
        return render_invalid(&merge_page(&ctx, topic, form, errors));
    };
    let viewer = ctx.viewer();
    let typed = form.clone();
    let outcome = crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        let me = guard.user_id().ok_or(AppError::Forbidden)?;
        // Both held, lower id first: two merges of the same pair the other way round queue.
        let (first, second) = if id < into { (id, into) } else { (into, id) };
        let a = q::lock_topic(tx, first)?;
        let b = q::lock_topic(tx, second)?;
        let (src, dst) = if first == id { (a, b) } else { (b, a) };
        let src = src.ok_or(AppError::NotFound)?;
        let Some(dst) = dst.filter(|d| guard.can_read(&d.content.facts(), crate::policy::Place::None)) else {
            return Ok(Err("mod-merge-which"));
        };
        if !guard.can_remove(&src.content.facts()) {
            return Err(AppError::NotFound);
        }
        if dst.board.kind != src.board.kind || !mergeable(&dst.board.kind) {
            return Ok(Err("mod-merge-same-kind"));
        }
        q::merge_topics(tx, &src, &dst, me)?;
        let reason = super::public_reason(&form.reason);
        let summary = format!("“{}” (#{}) → “{}” (#{})", src.content.title, id, dst.content.title, into);
        let note = if form.note.trim().is_empty() { summary } else { format!("{summary}: {}", form.note.trim()) };
        super::record(
            tx,
            Entry {
                moderator_id: Some(me),
                action: "merge",
                content: Some(&dst.content),
                user_id: Some(src.content.author_id),
                reason,
                note: &note,
            },
        )?;
        Ok(Ok(format!("/replies/{id}")))
    })
    .await?;
    match outcome {
        Ok(to) => Ok(redirect(&to)),
        Err(key) => {
            let mut errors = FieldErrors::default();
            errors.add("into", key);
            render_invalid(&merge_page(&ctx, topic, typed, errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::topic_ref;

    #[test]
    fn a_topic_is_named_by_its_number_or_its_address() {
        assert_eq!(topic_ref("12"), Some(12));
        assert_eq!(topic_ref(" /forums/help/12-where-is-it "), Some(12));
        assert_eq!(topic_ref("http://plaza.test/forums/help/12-where-is-it?page=2#r3"), Some(12));
        assert_eq!(topic_ref("/topics/7"), Some(7));
        assert_eq!(topic_ref("/forums/help/"), None);
        assert_eq!(topic_ref("12abc"), None);
        assert_eq!(topic_ref(""), None);
    }
}
