//! What people do on a topic: reply, like, accept an answer, follow; and what moderators do:
//! pin, lock, delete. Each action checks the policy inside its unit of work, on the topic held
//! until commit, so a request that loses a race ends where the winner did (or is told why).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::access::{visible_board, visible_topic};
use super::compose::ReplyForm;
use super::queries::{self as q, TopicFull};
use super::topic_page::{TopicForms, render_topic};
use crate::content::likes;
use crate::db::Tx;
use crate::error::{AppError, AppResult};
use crate::notifications::subscriptions;
use crate::policy::{Guard, Place, Viewer};
use crate::web::{AppState, CsrfForm, Ctx, redirect, safe_next};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlagForm {
    pub value: String,
    pub back: String,
}

impl FlagForm {
    pub fn on(&self) -> bool {
        self.value != "0"
    }
}

/// Why a reply was not added.
enum ReplyRefused {
    Locked,
}

pub async fn add_reply(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    upload: crate::media::upload::UploadForm<ReplyForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    let last_page = t.pages();
    let (form, attach_problem) = upload.attach(&state, user_id, |f| &mut f.body).await;
    if let Some(key) = attach_problem {
        let forms = TopicForms::reply(form.body, ctx.t(key));
        return render_topic(&ctx, &state, t, last_page, forms).await;
    }
    let screened = crate::moderation::screen::screen(
        &state,
        user_id,
        &crate::moderation::screen::Rules::of_board(&t.board),
        "",
        &form.body,
    )
    .await?;
    let held = screened.hold.clone();
    let body = match super::compose::prepared_body(&state, user_id, &screened.body).await {
        Ok(body) => body,
        Err(key) => {
            let forms = TopicForms::reply(form.body, ctx.t(key));
            return render_topic(&ctx, &state, t, last_page, forms).await;
        }
    };
    let (topic_id, viewer) = (t.topic.content_id, ctx.viewer());
    let result = crate::db::run_write(&state.pool, move |tx| {
        let author = crate::accounts::queries::find(tx, user_id)?.ok_or(AppError::Forbidden)?;
        // Held until commit: replies to this topic queue here and take consecutive positions.
        let t = q::lock_topic(tx, topic_id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_reply(&t.facts(), t.topic.locked) {
            if t.topic.locked && guard.can_reply(&t.facts(), false) {
                return Ok(Err(ReplyRefused::Locked));
            }
            return Err(AppError::Forbidden);
        }
        let (id, position) = q::create_reply(tx, &t, &author, &body)?;
        if let Some(h) = &held {
            crate::moderation::screen::hold(tx, id, h)?;
        }
        Ok(Ok(super::reply_path(&t.path(), id, position)))
    })
    .await?;
    match result {
        Ok(to) => Ok(redirect(&to)),
        Err(ReplyRefused::Locked) => {
            let forms = TopicForms::reply(form.body, ctx.t("err-topic-locked"));
            render_topic(&ctx, &state, t, last_page, forms).await
        }
    }
}

/// The topic again inside a unit of work, held until commit, with the viewer's guard; a topic
/// they may no longer read is 404.
fn locked_topic(tx: &mut Tx<'_>, viewer: &Viewer, id: i64) -> AppResult<(TopicFull, Guard)> {
    let t = q::lock_topic(tx, id)?.ok_or(AppError::NotFound)?;
    let guard = Guard::fresh(tx, viewer)?;
    if !guard.can_read(&t.facts(), Place::None) && !guard.can_hide(&t.facts()) {
        return Err(AppError::NotFound);
    }
    Ok((t, guard))
}

/// Delete a topic (its author, or a moderator). Deleting it again, or at the same moment from
/// another tab, changes nothing and leads to the board like the first.
pub async fn delete_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _f: CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let viewer = ctx.viewer();
    let board_path = crate::db::run_write(&state.pool, move |tx| {
        let Some(c) = crate::content::lock(tx, id)? else { return Err(AppError::NotFound) };
        if c.kind != super::KIND_TOPIC {
            return Err(AppError::NotFound);
        }
        if c.is_deleted() {
            // Deleted already: where the first request went, for who could have deleted it.
            let guard = Guard::fresh(tx, &viewer)?;
            if !guard.may_redelete(&c.facts()) {
                return Err(AppError::NotFound);
            }
            let board = c.place_id.map(|b| q::board(tx, b)).transpose()?.flatten().ok_or(AppError::NotFound)?;
            return Ok(board.path());
        }
        let (t, guard) = locked_topic(tx, &viewer, id)?;
        if !guard.can_delete(&t.facts()) {
            return Err(AppError::Forbidden);
        }
        q::delete_topic(tx, &t)?;
        super::reviews::remove_review(tx, id)?;
        Ok(t.board.path())
    })
    .await?;
    Ok(redirect(&board_path))
}

/// Delete a reply (its author, or a moderator); a second delete changes nothing.
pub async fn delete_reply(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _f: CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let (viewer, here) = (ctx.viewer(), ctx.path.clone());
    let back = crate::db::run_write(&state.pool, move |tx| {
        let reply = crate::content::lock(tx, id)?.ok_or(AppError::NotFound)?;
        let (topic_id, position, _) = q::reply(tx, id)?.ok_or(AppError::NotFound)?;
        let t = q::lock_topic(tx, topic_id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        super::access::check_topic(&guard, &t, &here)?;
        let back = super::reply_path(&t.path(), id, position);
        if reply.is_deleted() {
            return Ok(back);
        }
        // check_topic said the viewer may read the topic.
        if !guard.can_delete_under(&reply.facts(), true) {
            return Err(if guard.can_read_under(&reply.facts(), true) {
                AppError::Forbidden
            } else {
                AppError::NotFound
            });
        }
        q::delete_reply(tx, &reply, &t)?;
        Ok(back)
    })
    .await?;
    Ok(redirect(&back))
}

/// Like or unlike a topic, a reply or a magazine article (one like per member, never one's own).
pub async fn like(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let id = path.into_inner();
    let (on, viewer, kinds) = (form.on(), ctx.viewer(), state.kinds);
    let back = crate::db::run_write(&state.pool, move |tx| {
        let takes = |kind: &str| {
            [
                super::KIND_TOPIC,
                super::KIND_REPLY,
                crate::magazine::KIND_ARTICLE,
                crate::magazine::contributions::KIND_CONTRIBUTION,
            ]
            .contains(&kind)
        };
        likes::held_for_reaction(tx, &viewer, id, on, takes, "err-like-own")?;
        likes::set_like(tx, id, user_id, on)?;
        Ok(kinds.path_of(tx, id)?.unwrap_or_else(|| "/forums".into()))
    })
    .await?;
    Ok(redirect(&safe_next(Some(if form.back.is_empty() { &back } else { &form.back }))))
}

/// Pin or lock (moderators).
async fn moderate(
    ctx: &Ctx,
    state: &web::Data<AppState>,
    id: i64,
    change: fn(&mut Tx<'_>, i64, bool) -> diesel::QueryResult<()>,
    on: bool,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let viewer = ctx.viewer();
    let path = crate::db::run_write(&state.pool, move |tx| {
        let (t, guard) = locked_topic(tx, &viewer, id)?;
        if !guard.can_pin_or_lock(&t.facts()) {
            return Err(AppError::Forbidden);
        }
        change(tx, id, on)?;
        Ok(t.path())
    })
    .await?;
    Ok(redirect(&path))
}

pub async fn pin(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    moderate(&ctx, &state, path.into_inner(), q::set_pinned, form.on()).await
}

pub async fn lock(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    moderate(&ctx, &state, path.into_inner(), q::set_locked, form.on()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AcceptForm {
    pub reply: String,
}

/// The asker or an employee marks (or changes, or clears) the accepted answer. The same
/// choice sent twice changes nothing the second time (and tells no one twice).
pub async fn accept(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let reply_id = if form.reply.trim().is_empty() {
        None
    } else {
        Some(form.reply.trim().parse::<i64>().map_err(|_| AppError::BadRequest("error-bad-request"))?)
    };
    let (id, viewer) = (path.into_inner(), ctx.viewer());
    let path = crate::db::run_write(&state.pool, move |tx| {
        let (t, guard) = locked_topic(tx, &viewer, id)?;
        if !guard.can_accept(&t.facts(), &t.board.facts()) {
            return Err(AppError::Forbidden);
        }
        if let Some(r) = reply_id {
            match q::reply(tx, r)? {
                Some((tid, _, c)) if tid == id && guard.can_read(&c.facts(), Place::None) => {
                    if !guard.can_be_answer(&c.facts()) {
                        return Err(AppError::BadRequest("err-accept-hidden"));
                    }
                }
                _ => return Err(AppError::NotFound),
            }
        }
        q::accept(tx, &t, reply_id, user_id)?;
        Ok(t.path())
    })
    .await?;
    Ok(redirect(&path))
}

pub async fn follow_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = visible_topic(&ctx, &state, path.into_inner()).await?;
    let (id, board_id, on, viewer, here) = (t.topic.content_id, t.board.id, form.on(), ctx.viewer(), ctx.path.clone());
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        // Checked again where the change is made, with the board held: a change of its access
        // happens wholly before (and this is refused) or after (and its re-check drops this).
        tx.lock("boards", "id", board_id)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if on {
            super::access::readable_topic(tx, &guard, id, &here)?;
        }
        Ok(subscriptions::set_subscribed(tx, user_id, subscriptions::TARGET_TOPIC, id, on)?)
    })
    .await?;
    Ok(redirect(&t.path()))
}

pub async fn follow_board(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let board = visible_board(&ctx, &state, path.into_inner()).await?;
    let (id, on, viewer, here) = (board.id, form.on(), ctx.viewer(), ctx.path.clone());
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        tx.lock("boards", "id", id)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if on {
            let b = q::board(tx, id)?.ok_or(AppError::NotFound)?;
            super::access::check_board(&guard, &b, &here)?;
        }
        Ok(subscriptions::set_subscribed(tx, user_id, subscriptions::TARGET_BOARD, id, on)?)
    })
    .await?;
    Ok(redirect(&board.path()))
}
