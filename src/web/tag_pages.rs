//! `/tags`, `/tags/{tag}`, following tags and the "following" page.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::blogs::KIND_POST;
use crate::blogs::PostCard;
use crate::blogs::queries::{self as blog_queries, PostFilter};
use crate::content::listing::{self, LISTS};
use crate::content::tags::{self, TagCount, TagView};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::cache::keep;
use crate::web::{AppState, CsrfForm, Ctx, Cursor, Meta, Older, PageCtx, path_segment, redirect, render};

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
    let cache = state.cache.clone();
    let tags = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        Ok(cache
            .shared_for(conn, &guard, "tags".to_string(), &[LISTS], |conn| tags::with_counts(conn, &guard, 1000))?)
    })
    .await?;
    let page = render(&TagsPage {
        meta: Meta::new(ctx.t("tags-title"), "/tags").description(ctx.t("tags-intro")),
        ctx: &ctx,
        tags,
    })?;
    Ok(keep(page, [LISTS.to_string()]))
}

#[derive(Template)]
#[template(path = "tags/show.html")]
struct TagPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    tag: TagView,
    posts: Vec<PostCard>,
    topics: Vec<crate::forums::TopicCard>,
    /// The newest magazine articles with the tag (the first page only).
    articles: Vec<crate::magazine::Article>,
    article_total: i64,
    total: i64,
    topic_total: i64,
    pager: Older,
    following: bool,
}

/// A tag page's position: posts and topics are two lists, each paged down its own index
/// (`before` for posts, `tbefore` for topics; a list that has ended says `0_0`).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct TagQuery {
    pub before: String,
    pub tbefore: String,
}

/// A page of the posts carrying any of `tag_ids`, found through the tag index, then their cards.
fn posts_tagged(
    conn: &mut crate::db::DbConn,
    guard: &Guard,
    tag_ids: &[i64],
    before: Option<Cursor>,
) -> diesel::QueryResult<(Vec<PostCard>, Option<Cursor>)> {
    let (ids, next) = tags::tagged(conn, guard, tag_ids, KIND_POST, before, PER_PAGE)?;
    if ids.is_empty() {
        return Ok((Vec::new(), next));
    }
    let f = PostFilter { ids: Some(ids), ..Default::default() };
    Ok((blog_queries::list_posts(conn, guard, &f, PER_PAGE)?.0, next))
}

/// A cursor as part of a shared-data key.
fn q_key(c: Option<Cursor>) -> String {
    c.map(|c| c.encode()).unwrap_or_default()
}

/// The link to the next page of two lists paged side by side, if either goes on.
fn older_link(base: &str, posts_next: Option<Cursor>, topics_next: Option<Cursor>) -> Option<String> {
    if posts_next.is_none() && topics_next.is_none() {
        return None;
    }
    Some(format!(
        "{base}?before={}&tbefore={}",
        posts_next.unwrap_or(Cursor::ENDED).encode(),
        topics_next.unwrap_or(Cursor::ENDED).encode()
    ))
}

pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<TagQuery>,
) -> AppResult<HttpResponse> {
    let slug = path.into_inner();
    let (before, tbefore) = (Cursor::decode(&q.before), Cursor::decode(&q.tbefore));
    let is_first = before.is_none() && tbefore.is_none();
    let viewer = ctx.viewer();
    let cache = state.cache.clone();
    let loaded = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        // A tag only used where the viewer cannot read does not exist for them.
        let tag = tags::find_by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let key = format!("tag|{}|{}|{}", tag.id, q_key(before), q_key(tbefore));
        let (counts, posts, posts_next, topics, topics_next, articles) =
            cache.shared_for(conn, &guard, key, &[&listing::tag_key(tag.id)], |conn| {
                let counts = tags::counts_by_kind(conn, &guard, tag.id)?;
                if counts.is_empty() {
                    return Ok((counts, Vec::new(), None, Vec::new(), None, Vec::new()));
                }
                let (posts, posts_next) = posts_tagged(conn, &guard, &[tag.id], before)?;
                let (topics, topics_next) =
                    crate::forums::queries::tagged_topics(conn, &guard, tag.id, tbefore, PER_PAGE)?;
                let articles = if is_first {
                    let kind = crate::magazine::KIND_ARTICLE;
                    let ids = tags::tagged(conn, &guard, &[tag.id], kind, None, PER_PAGE)?.0;
                    crate::magazine::queries::articles_by_ids(conn, &ids)?
                } else {
                    Vec::new()
                };
                Ok((counts, posts, posts_next, topics, topics_next, articles))
            })?;
        if counts.is_empty() {
            return Err(AppError::NotFound);
        }
        let following = match guard.user_id() {
            Some(u) => tags::is_following(conn, u, tag.id)?,
            None => false,
        };
        Ok((tag, posts, posts_next, topics, topics_next, following, counts, articles))
    })
    .await?;
    let (tag, posts, posts_next, topics, topics_next, following, counts, articles) = loaded;
    let article_total = counts.get(crate::magazine::KIND_ARTICLE).copied().unwrap_or(0);
    let view = TagView { name: tag.name.clone(), slug: tag.slug.clone() };
    let base = view.url();
    let title = ctx.ta("tag-title", &[("tag", tag.name.clone())]);
    let total = counts.get(KIND_POST).copied().unwrap_or(0);
    let topic_total = counts.get(crate::forums::KIND_TOPIC).copied().unwrap_or(0);
    let canonical = match is_first {
        true => base.clone(),
        false => format!("{base}?before={}&tbefore={}", q.before, q.tbefore),
    };
    let meta = Meta::new(title.clone(), canonical)
        .description(format!("{} · {}", ctx.tn("tag-count", total), ctx.tn("tag-topic-count", topic_total)))
        .feed(title, &format!("{base}/feed"));
    let tag_id = tag.id;
    let page = render(&TagPage {
        pager: Older { newest: (!is_first).then(|| base.clone()), older: older_link(&base, posts_next, topics_next) },
        meta,
        ctx: &ctx,
        tag: view,
        posts,
        topics,
        articles,
        article_total,
        total,
        topic_total,
        following,
    })?;
    Ok(keep(page, [listing::tag_key(tag_id)]))
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
        tx.quiet();
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
    pager: Older,
}

pub async fn following(ctx: Ctx, state: web::Data<AppState>, q: web::Query<TagQuery>) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let (before, tbefore) = (Cursor::decode(&q.before), Cursor::decode(&q.tbefore));
    let is_first = before.is_none() && tbefore.is_none();
    let viewer = ctx.viewer();
    let (tags, posts, posts_next, topics, topics_next) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let followed = tags::followed_ids(conn, user_id)?;
        let (posts, posts_next) = posts_tagged(conn, &guard, &followed, before)?;
        // Topics too, paged beside the posts as on a tag page.
        let (topic_ids, topics_next) =
            tags::tagged(conn, &guard, &followed, crate::forums::KIND_TOPIC, tbefore, PER_PAGE)?;
        let topics = crate::forums::queries::topic_cards_in_order(conn, &guard, topic_ids)?;
        Ok((tags::followed(conn, user_id)?, posts, posts_next, topics, topics_next))
    })
    .await?;
    render(&FollowingPage {
        meta: Meta::new(ctx.t("following-title"), "/following").noindex(),
        pager: Older {
            newest: (!is_first).then(|| "/following".to_string()),
            older: older_link("/following", posts_next, topics_next),
        },
        ctx: &ctx,
        tags,
        posts,
        topics,
    })
}
