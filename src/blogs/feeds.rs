//! Blog feeds: the whole site, each blog, each tag, each post's comments.

use actix_web::{HttpRequest, HttpResponse, web};

use super::Blog;
use super::pages::{load_blog, load_enterprise, load_post, post_rights};
use super::queries::{self, PostFilter};
use crate::content::feeds::{self, FeedMeta, Format};
use crate::content::tags;
use crate::content::{comments, listing};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::cache::keep;
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
    cache_key: String,
) -> AppResult<HttpResponse> {
    let (viewer, kinds, lang, base) = (ctx.viewer(), state.kinds, ctx.lang, ctx.base_url.clone());
    let items = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let ids = queries::post_ids(conn, &guard, &filter, FEED_ITEMS)?;
        let mut items = kinds.feed_items(conn, &ids, lang, &base)?;
        // Episodes travel with their posts, for podcast apps.
        let mut files = super::podcast::episode_files(conn, &ids)?;
        for item in items.iter_mut() {
            // Entries are identified by their permalink, `/posts/{id}`.
            let id = item.id.rsplit('/').next().and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
            item.enclosure = files.remove(&id).map(|f| feeds::Enclosure {
                url: format!("{base}{}", f.path()),
                length: f.bytes,
                duration: f.itunes_duration(),
                mime: f.mime,
            });
        }
        Ok(items)
    })
    .await?;
    Ok(keep(feeds::respond(req, format, &meta, &items, ctx.user.is_none()), [cache_key]))
}

pub async fn site_feed(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let format = feed_format(&path.into_inner())?;
    let meta = FeedMeta::new(&ctx, ctx.site_name.clone(), ctx.t("feed-all-posts"), "/", "/feed");
    post_feed(&req, &ctx, &state, PostFilter::default(), meta, format, listing::LISTS.to_string()).await
}

async fn blog_feed(
    req: &HttpRequest,
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    blog: Blog,
    format: Format,
) -> AppResult<HttpResponse> {
    let mut meta = FeedMeta::new(ctx, blog.title.clone(), blog.description.clone(), &blog.path(), &blog.feed_base());
    let id = blog.id;
    let podcast = crate::db::run(&state.pool, move |conn| Ok(super::podcast::podcast(conn, id)?)).await?;
    meta.podcast = podcast.filter(|p| p.enabled).map(|p| feeds::PodcastChannel {
        image: p.cover_path().map(|c| ctx.absolute(&c)),
        author: p.author,
        category: p.category,
        explicit: p.explicit,
        owner_email: p.owner_email,
        language: p.language,
    });
    let key = listing::place_key(crate::content::PLACE_BLOG, blog.id);
    post_feed(req, ctx, state, PostFilter { blog_id: Some(blog.id), ..Default::default() }, meta, format, key).await
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
    let (viewer, kinds, lang, base_url) = (ctx.viewer(), state.kinds, ctx.lang, ctx.base_url.clone());
    // Posts, forum topics and magazine articles carrying the tag, newest first.
    let (tag, items) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let tag = tags::find_readable(conn, &guard, &slug)?.ok_or(AppError::NotFound)?;
        let mut ids = tags::tagged(conn, &guard, &[tag.id], super::KIND_POST, None, FEED_ITEMS)?.0;
        ids.extend(tags::tagged(conn, &guard, &[tag.id], crate::forums::KIND_TOPIC, None, FEED_ITEMS)?.0);
        ids.extend(tags::tagged(conn, &guard, &[tag.id], crate::magazine::KIND_ARTICLE, None, FEED_ITEMS)?.0);
        let mut items = kinds.feed_items(conn, &ids, lang, &base_url)?;
        items.sort_by_key(|i| std::cmp::Reverse(i.published));
        items.truncate(FEED_ITEMS as usize);
        Ok((tag, items))
    })
    .await?;
    let base = format!("/tags/{}", crate::web::path_segment(&tag.slug));
    let title = ctx.ta("tag-title", &[("tag", tag.name.clone())]);
    let meta = FeedMeta::new(&ctx, title.clone(), title, &base, &format!("{base}/feed"));
    Ok(keep(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()), [listing::tag_key(tag.id)]))
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
    let (viewer, kinds, lang, base) = (ctx.viewer(), state.kinds, ctx.lang, ctx.base_url.clone());
    let (post, items) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        if !post.content.live || !post_rights(conn, &guard, &post)?.read {
            return Err(AppError::NotFound);
        }
        let ids = comments::recent_for(conn, &guard, id, FEED_ITEMS)?;
        let items = kinds.feed_items(conn, &ids, lang, &base)?;
        Ok((post, items))
    })
    .await?;
    let title = ctx.ta("feed-comments-on", &[("title", post.card.title.clone())]);
    let meta = FeedMeta::new(&ctx, title.clone(), title, &post.card.path, &format!("/posts/{id}/comments"));
    Ok(keep(feeds::respond(&req, format, &meta, &items, ctx.user.is_none()), [listing::content_key(id)]))
}
