//! Blog feeds: the whole site, each blog, each tag, each post's comments.

use actix_web::{HttpRequest, HttpResponse, web};

use super::Blog;
use super::pages::{load_blog, load_enterprise, load_post, post_rights};
use super::queries::{self, PostFilter};
use crate::content::comments;
use crate::content::feeds::{self, FeedItem, FeedMeta, Format};
use crate::content::tags;
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, Ctx, PageCtx};

pub const FEED_ITEMS: i64 = 30;

fn feed_format(ext: &str) -> AppResult<Format> {
    Format::from_ext(ext).ok_or(AppError::NotFound)
}

async fn post_feed(
    req: &HttpRequest,
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    filter: PostFilter,
    meta: FeedMeta,
    format: Format,
) -> AppResult<HttpResponse> {
    let filter = PostFilter { skip_total: true, ..filter };
    let viewer = ctx.viewer();
    let (cards, bodies) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let (cards, _) = queries::list_posts(conn, &guard, &filter, 1, FEED_ITEMS)?;
        let bodies = crate::content::bodies(conn, &cards.iter().map(|c| c.id).collect::<Vec<_>>())?;
        Ok((cards, bodies))
    })
    .await?;
    let items: Vec<FeedItem> = cards
        .into_iter()
        .map(|c| FeedItem {
            id: ctx.absolute(&format!("/posts/{}", c.id)),
            url: ctx.absolute(&c.path),
            author: c.author.name().to_string(),
            published: c.date(),
            updated: c.updated_at,
            content_html: feeds::absolutize(bodies.get(&c.id).map(String::as_str).unwrap_or(""), &ctx.base_url),
            summary: c.excerpt.clone(),
            categories: c.tags.iter().map(|t| t.name.clone()).collect(),
            title: c.title,
        })
        .collect();
    Ok(feeds::respond(req, format, &meta, &items, ctx.user.is_none()))
}

pub async fn site_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let format = feed_format(&path.into_inner())?;
    let meta = FeedMeta::new(&ctx, ctx.site_name.clone(), ctx.t("feed-all-posts"), "/", "/feed");
    post_feed(&req, &ctx, &state, PostFilter::default(), meta, format).await
}

async fn blog_feed(
    req: &HttpRequest,
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    blog: Blog,
    format: Format,
) -> AppResult<HttpResponse> {
    let meta = FeedMeta::new(ctx, blog.title.clone(), blog.description.clone(), &blog.path(), &blog.feed_base());
    post_feed(req, ctx, state, PostFilter { blog_id: Some(blog.id), ..Default::default() }, meta, format).await
}

pub async fn enterprise_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let format = feed_format(&path.into_inner())?;
    let blog = load_enterprise(&state).await?;
    blog_feed(&req, &ctx, &state, blog, format).await
}

pub async fn blog_feed_route(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, ext) = path.into_inner();
    let format = feed_format(&ext)?;
    let blog = load_blog(&state, slug).await?;
    blog_feed(&req, &ctx, &state, blog, format).await
}

pub async fn tag_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (slug, ext) = path.into_inner();
    let format = feed_format(&ext)?;
    let viewer = ctx.viewer();
    let tag = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        tags::find_readable(conn, &guard, &slug)?.ok_or(AppError::NotFound)
    })
    .await?;
    let base = format!("/tags/{}", crate::web::path_segment(&tag.slug));
    let meta = FeedMeta::new(
        &ctx,
        ctx.ta("tag-title", &[("tag", tag.name.clone())]),
        ctx.ta("tag-title", &[("tag", tag.name.clone())]),
        &base,
        &format!("{base}/feed"),
    );
    post_feed(&req, &ctx, &state, PostFilter { tag_id: Some(tag.id), ..Default::default() }, meta, format).await
}

pub async fn comments_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> AppResult<HttpResponse> {
    let (id, ext) = path.into_inner();
    let format = feed_format(&ext)?;
    let post = load_post(&state, id).await?;
    let viewer = ctx.viewer();
    let (post, rows) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        if !post.content.live || !post_rights(conn, &guard, &post)?.read {
            return Err(AppError::NotFound);
        }
        Ok((post, comments::recent_for(conn, id, FEED_ITEMS)?))
    })
    .await?;
    let title = ctx.ta("feed-comments-on", &[("title", post.card.title.clone())]);
    let meta = FeedMeta::new(&ctx, title.clone(), title, &post.card.path, &format!("/posts/{id}/comments"));
    let items: Vec<FeedItem> = rows
        .into_iter()
        .map(|(cid, html, created, edited, username, display_name)| {
            let author = if display_name.is_empty() { username } else { display_name };
            FeedItem {
                id: ctx.absolute(&format!("/posts/{id}/comments/{cid}")),
                url: ctx.absolute(&format!("{}#c{cid}", post.card.path)),
                title: ctx.ta("feed-comment-by", &[("author", author.clone())]),
                author,
                published: created,
                updated: edited.unwrap_or(created),
                content_html: feeds::absolutize(&html, &ctx.base_url),
                summary: String::new(),
                categories: Vec::new(),
            }
        })
        .collect();
    Ok(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()))
}
