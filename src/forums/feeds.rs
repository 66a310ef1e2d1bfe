//! Forum feeds: each board's new topics, each topic's replies.

use actix_web::{HttpRequest, HttpResponse, web};

use super::access::{visible_board, visible_topic};
use super::queries::{self as q, TopicSelect};
use crate::content::feeds::{self, FeedItem, FeedMeta, Format};
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
    let b = board.clone();
    let (cards, bodies) = crate::db::run(&state.pool, move |conn| {
        // Newest topics first (a board's feed announces new topics), pinned or not.
        let all = q::select_topics(
            conn,
            std::slice::from_ref(&b),
            &TopicSelect { by_creation: true, ..TopicSelect::board(&b) },
            30,
        )?;
        let bodies = crate::content::bodies(conn, &all.iter().map(|c| c.id).collect::<Vec<_>>())?;
        Ok((all, bodies))
    })
    .await?;
    let meta = FeedMeta::new(
        &ctx,
        board.name.clone(),
        board.description.clone(),
        &board.path(),
        &format!("{}/feed", board.path()),
    );
    let items: Vec<FeedItem> = cards
        .into_iter()
        .map(|c| FeedItem {
            id: ctx.absolute(&format!("/topics/{}", c.id)),
            url: ctx.absolute(&c.path),
            author: c.author.name().to_string(),
            published: c.created_at,
            updated: c.created_at,
            content_html: feeds::absolutize(bodies.get(&c.id).map(String::as_str).unwrap_or(""), &ctx.base_url),
            summary: c.excerpt.clone(),
            categories: c.tags.iter().map(|t| t.name.clone()).collect(),
            title: c.title,
        })
        .collect();
    Ok(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()))
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
    let (t2, viewer) = (t.clone(), ctx.viewer());
    let replies = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        // The latest 30 replies: the last page or two.
        let last = t2.pages();
        let mut rs = q::replies_page(conn, &t2, last, &guard)?;
        if last > 1 && rs.len() < 30 {
            let mut prev = q::replies_page(conn, &t2, last - 1, &guard)?;
            prev.append(&mut rs);
            rs = prev;
        }
        Ok(rs)
    })
    .await?;
    let path = t.path();
    let title = ctx.ta("feed-replies-to", &[("title", t.content.title.clone())]);
    let meta = FeedMeta::new(&ctx, title.clone(), title, &path, &format!("/topics/{id}/feed"));
    let items: Vec<FeedItem> = replies
        .into_iter()
        .rev()
        .filter(|r| !r.deleted)
        .take(30)
        .map(|r| FeedItem {
            id: ctx.absolute(&format!("/replies/{}", r.id)),
            url: ctx.absolute(&super::reply_path(&path, r.id, r.position)),
            title: ctx.ta("feed-reply-by", &[("author", r.author.name().to_string())]),
            author: r.author.name().to_string(),
            published: r.created_at,
            updated: r.edited_at.unwrap_or(r.created_at),
            content_html: feeds::absolutize(r.body_html.as_str(), &ctx.base_url),
            summary: String::new(),
            categories: Vec::new(),
        })
        .collect();
    Ok(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()))
}
