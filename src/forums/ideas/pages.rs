//! This board kind's pages and forms.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::content::feeds::{self, FeedItem, FeedMeta, Format};
use crate::db::schema::{contents, idea_statuses, topics};
use crate::error::{AppError, AppResult};
use crate::forums::Board;
use crate::forums::panels::PanelForm;
use crate::forums::queries as q;
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, redirect, render};

use super::*;

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct StatusDefForm {
    pub name_en: String,
    pub name_zh: String,
    pub position: String,
    pub closed: Option<String>,
}

/// `/admin/forums/statuses`: add an idea status.
pub async fn add_status(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<StatusDefForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let name_en = form.name_en.trim().to_string();
    let name_zh = form.name_zh.trim().to_string();
    let slug = crate::content::slug::slugify(&name_en);
    let position = form.position.trim().parse::<i32>().ok();
    if name_en.is_empty()
        || slug.is_empty()
        || name_en.chars().count() > 40
        || name_zh.chars().count() > 40
        || position.is_none()
    {
        return crate::forums::admin::render_with_status_error(&ctx, &state, form, "err-status-def").await;
    }
    let closed = form.closed.is_some();
    let kept = form.clone();
    let saved = crate::db::run_write(&state.pool, move |tx| {
        let taken: bool =
            diesel::select(diesel::dsl::exists(idea_statuses::table.filter(idea_statuses::slug.eq(&slug))))
                .get_result(tx.conn())?;
        if taken {
            return Ok(false);
        }
        create_status(tx, &slug, &name_en, &name_zh, position.unwrap_or(0), closed)?;
        Ok(true)
    })
    .await?;
    if !saved {
        return crate::forums::admin::render_with_status_error(&ctx, &state, kept, "err-status-exists").await;
    }
    Ok(redirect("/admin/forums?saved=1"))
}

// ---------------------------------------------------------------- handlers

/// Vote for an idea, or withdraw the vote (one per member, never one's own, only while open).
pub async fn vote_handler(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<crate::forums::actions::FlagForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = crate::forums::access::visible_topic(&ctx, &state, path.into_inner()).await?;
    if !t.board.is_ideas() {
        return Err(AppError::NotFound);
    }
    if t.content.author_id == user_id {
        return Err(AppError::BadRequest("err-vote-own"));
    }
    let (id, on, path, viewer) = (t.topic.content_id, form.on(), t.path(), ctx.viewer());
    crate::db::run_write(&state.pool, move |tx| {
        let t = q::lock_topic(tx, id)?.ok_or(AppError::NotFound)?;
        let (idea, status) = idea_of(tx, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        // Withdrawing is allowed after the idea closed; voting is not.
        let closed = on && (status.is_closed || idea.merged_into_id.is_some());
        if !guard.can_vote(&t.facts(), closed) {
            return Err(if closed { AppError::BadRequest("err-vote-closed") } else { AppError::Forbidden });
        }
        Ok(vote(tx, id, user_id, on)?)
    })
    .await?;
    Ok(redirect(&path))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StatusForm {
    pub status: String,
    pub note: String,
    pub duplicate_of: String,
}

pub async fn status_handler(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<StatusForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = crate::forums::access::visible_topic(&ctx, &state, path.into_inner()).await?;
    if !t.board.is_ideas() {
        return Err(AppError::NotFound);
    }
    if !ctx.is_staff() {
        return Err(AppError::Forbidden);
    }
    // A problem shows the page again with everything chosen and typed kept.
    let (choice, extra) = (form.status.clone(), form.duplicate_of.clone());
    let again = |key: &str, note: String| {
        crate::forums::topic_page::TopicForms::panel(PanelForm {
            text: note,
            error: ctx.t(key),
            choice: choice.clone(),
            extra: extra.clone(),
        })
    };
    let all = crate::db::run(&state.pool, |conn| Ok(statuses(conn)?)).await?;
    let Some(status) = all.into_iter().find(|s| s.slug == form.status) else {
        return crate::forums::topic_page::render_topic(&ctx, &state, t, 1, again("err-idea-status", form.note)).await;
    };
    if form.note.chars().count() > 5000 {
        return crate::forums::topic_page::render_topic(&ctx, &state, t, 1, again("err-note-long", form.note)).await;
    }
    if let Err(k) = crate::content::markdown::check_nesting(&form.note) {
        return crate::forums::topic_page::render_topic(&ctx, &state, t, 1, again(k, form.note)).await;
    }
    let into = if status.slug == DUPLICATE {
        let raw = form.duplicate_of.trim();
        // Accept an idea's id or its address.
        let id = raw.rsplit('/').next().unwrap_or("").split('-').next().unwrap_or("").parse::<i64>().ok();
        let target = match id {
            Some(i) if i != t.topic.content_id => crate::forums::access::visible_topic(&ctx, &state, i).await.ok(),
            _ => None,
        };
        match target {
            Some(target) if target.board.id == t.board.id => Some(target.topic.content_id),
            _ => {
                return crate::forums::topic_page::render_topic(
                    &ctx,
                    &state,
                    t,
                    1,
                    again("err-duplicate-target", form.note),
                )
                .await;
            }
        }
    } else {
        None
    };
    let (path, id, viewer, note) = (t.path(), t.topic.content_id, ctx.viewer(), form.note.clone());
    let merged = crate::db::run_write(&state.pool, move |tx| {
        // Both ideas of a merge are held, the lower id first: merges of A into B and of B into A
        // sent together queue instead of waiting on each other.
        let mut held = vec![id];
        held.extend(into);
        held.sort_unstable();
        for h in held {
            q::lock_topic(tx, h)?;
        }
        let t = q::lock_topic(tx, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_speak_for_company(&t.facts()) {
            return Err(AppError::Forbidden);
        }
        if let Some(target) = into {
            // Checked again under the lock: still there, readable, on this board, not merged
            // itself (merging into an idea that was merged away would lose the votes).
            let ok = match q::topic(tx, target)? {
                Some(other) => {
                    other.board.id == t.board.id
                        && guard.can_read(&other.facts(), crate::policy::Place::None)
                        && idea_of(tx, target)?.is_some_and(|(idea, _)| idea.merged_into_id.is_none())
                }
                None => false,
            };
            if !ok {
                return Ok(false);
            }
        }
        change_status(tx, &t, &status, &note, user_id, into)?;
        Ok(true)
    })
    .await?;
    if !merged {
        let t = crate::forums::access::visible_topic(&ctx, &state, id).await?;
        return crate::forums::topic_page::render_topic(&ctx, &state, t, 1, again("err-duplicate-target", form.note))
            .await;
    }
    Ok(redirect(&format!("{path}#status")))
}

#[derive(Template)]
#[template(path = "forums/adopted.html")]
struct AdoptedPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    board: Board,
    items: Vec<(IdeaCard, Option<StatusChange>)>,
}

/// What customers' ideas became.
pub async fn adopted(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let board = crate::forums::access::visible_board(&ctx, &state, path.into_inner()).await?;
    if !board.is_ideas() {
        return Err(AppError::NotFound);
    }
    let (b, viewer) = (board.clone(), ctx.viewer());
    let items = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let adopted = idea_statuses::table
            .filter(idea_statuses::slug.eq(ADOPTED))
            .select(idea_statuses::id)
            .first::<i64>(conn)
            .optional()?;
        let Some(adopted) = adopted else { return Ok(Vec::new()) };
        let cards = list(conn, &guard, &b, IdeaSort::Newest, Some(adopted), None, 200)?;
        // The latest note of every idea in one query (newest first: the first seen wins).
        let ids: Vec<i64> = cards.iter().map(|c| c.card.id).collect();
        let mut latest: HashMap<i64, StatusChange> = HashMap::new();
        for change in changes(conn, &guard, Some(&ids), None, 10_000)? {
            latest.entry(change.topic_id).or_insert(change);
        }
        Ok(cards
            .into_iter()
            .map(|c| {
                let note = latest.remove(&c.card.id);
                (c, note)
            })
            .collect())
    })
    .await?;
    let key = crate::content::listing::place_key(crate::content::PLACE_BOARD, board.id);
    let page = render(&AdoptedPage {
        meta: Meta::new(ctx.ta("adopted-title", &[("board", board.name.clone())]), format!("{}/adopted", board.path()))
            .feed(ctx.ta("feed-idea-status", &[("board", board.name.clone())]), &format!("{}/status", board.path())),
        ctx: &ctx,
        board,
        items,
    })?;
    Ok(crate::web::cache::keep(page, [key]))
}

/// Ideas whose status changed, newest first.
pub async fn status_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, ext) = path.into_inner();
    let format = Format::from_ext(&ext).ok_or(AppError::NotFound)?;
    let board = crate::forums::access::visible_board(&ctx, &state, slug).await?;
    if !board.is_ideas() {
        return Err(AppError::NotFound);
    }
    let (b, viewer) = (board.clone(), ctx.viewer());
    let (list_, titles) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let list_ = changes(conn, &guard, None, Some(b.id), 30)?;
        let ids: Vec<i64> = list_.iter().map(|c| c.topic_id).collect();
        let titles: HashMap<i64, (String, String)> = topics::table
            .inner_join(contents::table)
            .filter(topics::content_id.eq_any(&ids))
            .select((topics::content_id, contents::title, topics::slug))
            .load::<(i64, String, String)>(conn)?
            .into_iter()
            .map(|(id, t, s)| (id, (t, crate::forums::topic_path(&b.slug, id, &s))))
            .collect();
        Ok((list_, titles))
    })
    .await?;
    let title = ctx.ta("feed-idea-status", &[("board", board.name.clone())]);
    let meta = FeedMeta::new(
        &ctx,
        title.clone(),
        title,
        &format!("{}/adopted", board.path()),
        &format!("{}/status", board.path()),
    );
    let items: Vec<FeedItem> = list_
        .into_iter()
        .filter_map(|c| {
            let (idea_title, path) = titles.get(&c.topic_id)?.clone();
            Some(FeedItem {
                id: ctx.absolute(&format!("/topics/{}#status-{}", c.topic_id, c.created_at.and_utc().timestamp())),
                url: ctx.absolute(&format!("{path}#status")),
                title: format!("{} — {}", idea_title, c.status.name(&ctx.lang)),
                author: c.author.as_ref().map(|a| a.name().to_string()).unwrap_or_default(),
                published: c.created_at,
                updated: c.created_at,
                content_html: feeds::absolutize(c.note_html.as_str(), &ctx.base_url),
                summary: String::new(),
                categories: vec![c.status.name(&ctx.lang)],
                enclosure: None,
            })
        })
        .collect();
    let key = crate::content::listing::place_key(crate::content::PLACE_BOARD, board.id);
    Ok(crate::web::cache::keep(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()), [key]))
}
