//! `/tags`, `/tags/{tag}`, following tags and the "following" page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::blogs::PostCard;
use crate::blogs::queries::{self as blog_queries, PostFilter};
use crate::content::tags::{self, TagCount, TagView};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, PageQuery, Pager, path_segment, redirect, render};

const PER_PAGE: i64 = 15;

#[derive(Template)]
#[template(path = "tags/index.html")]
struct TagsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    tags: Vec<TagCount>,
}

pub async fn index(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let tags = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        Ok(tags::with_counts(conn, &guard, 1000)?)
    })
    .await?;
    render(&TagsPage {
        meta: Meta::new(ctx.t("tags-title"), "/tags").description(ctx.t("tags-intro")),
        ctx: &ctx,
        tags,
    })
}

#[derive(Template)]
#[template(path = "tags/show.html")]
struct TagPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    tag: TagView,
    posts: Vec<PostCard>,
    topics: Vec<crate::forums::TopicCard>,
    total: i64,
    topic_total: i64,
    pager: Pager,
    following: bool,
}

pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let slug = path.into_inner();
    let page = q.number();
    let viewer = ctx.viewer();
    let (tag, (posts, total), following, topics, counts) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        // A tag only used where the viewer cannot read does not exist for them.
        let tag = tags::find_readable(conn, &guard, &slug)?.ok_or(AppError::NotFound)?;
        // Posts and topics are paged together: page N shows the Nth slice of each.
        let topics = crate::forums::queries::tagged_topics(conn, &guard, tag.id, (page - 1) * PER_PAGE, PER_PAGE)?;
        let posts = blog_queries::list_posts(
            conn,
            &guard,
            &PostFilter { tag_id: Some(tag.id), ..Default::default() },
            page,
            PER_PAGE,
        )?;
        let following = match guard.user_id() {
            Some(u) => tags::is_following(conn, u, tag.id)?,
            None => false,
        };
        let counts = tags::counts_by_kind(conn, &guard, tag.id)?;
        Ok((tag, posts, following, topics, counts))
    })
    .await?;
    let view = TagView { name: tag.name.clone(), slug: tag.slug.clone() };
    let base = view.url();
    let title = ctx.ta("tag-title", &[("tag", tag.name.clone())]);
    let topic_total = counts.get(crate::forums::KIND_TOPIC).copied().unwrap_or(0);
    let meta = Meta::new(title.clone(), if page > 1 { format!("{base}?page={page}") } else { base.clone() })
        .description(format!("{} · {}", ctx.tn("tag-count", total), ctx.tn("tag-topic-count", topic_total)))
        .feed(title, &format!("{base}/feed"));
    render(&TagPage {
        pager: Pager::new(&format!("{base}?"), page, total.max(topic_total), PER_PAGE),
        meta,
        ctx: &ctx,
        tag: view,
        posts,
        topics,
        total,
        topic_total,
        following,
    })
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct FollowForm {
    pub follow: String,
}

pub async fn follow(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<FollowForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let slug = path.into_inner();
    let follow = form.follow != "0";
    let (s, viewer) = (slug.clone(), ctx.viewer());
    crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        let tag = tags::find_readable(tx, &guard, &s)?.ok_or(AppError::NotFound)?;
        if follow {
            tags::follow(tx, user_id, tag.id)?
        } else {
            tags::unfollow(tx, user_id, tag.id)?
        }
        Ok(())
    })
    .await?;
    Ok(redirect(&format!("/tags/{}", path_segment(&slug))))
}

#[derive(Template)]
#[template(path = "tags/following.html")]
struct FollowingPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    tags: Vec<TagView>,
    posts: Vec<PostCard>,
    topics: Vec<crate::forums::TopicCard>,
    pager: Pager,
}

pub async fn following(ctx: Ctx, state: web::Data<AppState>, q: web::Query<PageQuery>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let page = q.number();
    let viewer = ctx.viewer();
    let (tags, (posts, total), (topics, topic_total)) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        Ok((
            tags::followed(conn, user_id)?,
            blog_queries::list_posts(
                conn,
                &guard,
                &PostFilter { followed_by: Some(user_id), ..Default::default() },
                page,
                PER_PAGE,
            )?,
            // Topics too, paged with the posts as on a tag page.
            crate::forums::queries::followed_tag_topics(conn, &guard, user_id, (page - 1) * PER_PAGE, PER_PAGE)?,
        ))
    })
    .await?;
    render(&FollowingPage {
        meta: Meta::new(ctx.t("following-title"), "/following").noindex(),
        pager: Pager::new("/following?", page, total.max(topic_total), PER_PAGE),
        ctx: &ctx,
        tags,
        posts,
        topics,
    })
}
