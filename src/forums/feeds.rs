//! Forum feeds: each board's new topics, each topic's opening post and replies.

use actix_web::{HttpRequest, HttpResponse, web};

use super::access::{visible_board, visible_topic};
use super::queries::{self as q, TopicSelect};
use crate::content::feeds::{self, FeedMeta, Format};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, Ctx};

// ---------------------------------------------------------------- feeds

pub async fn board_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, ext) = path.into_inner();
    let format = Format::from_ext(&ext).ok_or(AppError::NotFound)?;
    let board = visible_board(&ctx, &state, slug).await?;
    let (b, viewer, kinds, lang, base) = (board.clone(), ctx.viewer(), state.kinds, ctx.lang, ctx.base_url.clone());
    let items = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        // Newest topics first (a board's feed announces new topics), pinned or not.
        let all = q::select_topics(
            conn,
            &guard,
            std::slice::from_ref(&b),
            &TopicSelect { by_creation: true, ..TopicSelect::board(&b) },
            30,
        )?;
        Ok(kinds.feed_items(conn, &all.iter().map(|c| c.id).collect::<Vec<_>>(), lang, &base)?)
    })
    .await?;
    let meta = FeedMeta::new(
        &ctx,
        board.name.clone(),
        board.description.clone(),
        &board.path(),
        &format!("{}/feed", board.path()),
    );
    let key = crate::content::listing::place_key(crate::content::PLACE_BOARD, board.id);
    Ok(crate::web::cache::keep(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()), [key]))
}

pub async fn topic_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let (id, ext) = path.into_inner();
    let format = Format::from_ext(&ext).ok_or(AppError::NotFound)?;
    let t = visible_topic(&ctx, &state, id).await?;
    let (t2, viewer, kinds, lang, base) = (t.clone(), ctx.viewer(), state.kinds, ctx.lang, ctx.base_url.clone());
    let items = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        // The newest replies, then the opening post (a reader subscribing learns what the
        // topic is about; the feed "starts at the start").
        let mut ids = q::latest_reply_ids(conn, &guard, t2.topic.content_id, 29)?;
        ids.push(t2.topic.content_id);
        Ok(kinds.feed_items(conn, &ids, lang, &base)?)
    })
    .await?;
    let path = t.path();
    let title = ctx.ta("feed-replies-to", &[("title", t.content.title.clone())]);
    let meta = FeedMeta::new(&ctx, title.clone(), title, &path, &format!("/topics/{id}/feed"));
    Ok(crate::web::cache::keep(
        feeds::respond(&req, format, &meta, &items, ctx.user.is_none()),
        [crate::content::listing::content_key(id)],
    ))
}
