//! Blog pages: the directory, each blog, a post with its comments (and the comment form's post),
//! and the permalinks.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::queries::{self, BlogSummary, BlogrollLink, PostFilter, SlugLookup};
use super::{Blog, KIND_COMMUNITY, KIND_ENTERPRISE, KIND_STAFF, PostCard, PostPage};
use crate::accounts::AuthorView;
use crate::content::comments::{self, CommentView};
use crate::content::markdown::SafeHtml;
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place};
use crate::web::{AppState, Ctx, ListQuery, Meta, Older, PageCtx, redirect, render, render_invalid};

pub const PER_PAGE: i64 = 10;

// ---------------------------------------------------------------- directory

#[derive(Template)]
#[template(path = "blogs/directory.html")]
struct DirectoryPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    /// (catalog key of the heading, blogs)
    sections: Vec<(&'static str, Vec<BlogSummary>)>,
}

pub async fn directory(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (enterprise, staff, community) = crate::db::run(&state.pool, move |conn| {
        Ok((
            queries::directory(conn, KIND_ENTERPRISE)?,
            queries::directory(conn, KIND_STAFF)?,
            queries::directory(conn, KIND_COMMUNITY)?,
        ))
    })
    .await?;
    let page = render(&DirectoryPage {
        meta: Meta::new(ctx.t("directory-title"), "/blogs")
            .description(ctx.t("directory-intro"))
            .feed(ctx.t("feed-all-posts"), "/feed"),
        ctx: &ctx,
        // A blog with nothing published yet is its owner's business, not the directory's.
        sections: [
            ("blog-kind-enterprise", enterprise),
            ("directory-staff", staff),
            ("directory-community", community),
        ]
        .into_iter()
        .map(|(key, list)| (key, list.into_iter().filter(|s| s.post_count > 0).collect()))
        .collect(),
    })?;
    Ok(crate::web::cache::keep(page, [crate::content::listing::LISTS.to_string()]))
}

// ---------------------------------------------------------------- a blog

#[derive(Template)]
#[template(path = "blogs/blog.html")]
struct BlogPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    blog: Blog,
    authors: Vec<AuthorView>,
    blogroll: Vec<BlogrollLink>,
    posts: Vec<PostCard>,
    /// The viewer's own drafts (they are one of the blog's authors), on the first page.
    drafts: Vec<PostCard>,
    pager: Older,
    can_write: bool,
    can_manage: bool,
}

/// Is the viewer one of the blog's authors now?
pub fn viewer_is_author(conn: &mut DbConn, guard: &Guard, blog_id: i64) -> AppResult<bool> {
    Ok(match guard.user_id() {
        Some(u) => queries::is_author(conn, blog_id, u)?,
        None => false,
    })
}

/// Which blog a page shows.
enum Which {
    Enterprise,
    Slug(String),
}

/// A blog's page: its newest posts from `before` on (and, for its authors, their drafts first),
/// in one trip to the database.
async fn show_blog(ctx: &PageCtx, state: &web::Data<AppState>, which: Which, q: &ListQuery) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let by_slug = matches!(which, Which::Slug(_));
    let mut before = q.cursor();
    // Links from before keyset paging (`?page=3`) still land, a bounded way down.
    let skip = match before {
        None => (q.number() - 1).min(MAX_OLD_PAGE) * PER_PAGE,
        Some(_) => 0,
    };
    let is_first = before.is_none() && skip == 0;
    let cache = state.cache.clone();
    let (blog, authors, blogroll, (posts, next), drafts, can_write, can_manage) =
        crate::db::run(&state.pool, move |conn| {
            let blog = match which {
                Which::Enterprise => queries::enterprise_blog(conn)?,
                Which::Slug(slug) => queries::find_by_slug(conn, &slug)?.ok_or(AppError::NotFound)?,
            };
            let guard = Guard::load(conn, &viewer)?;
            let is_author = viewer_is_author(conn, &guard, blog.id)?;
            let facts = blog.facts(is_author);
            let drafts = match (is_author, guard.user_id()) {
                (true, Some(u)) if is_first => queries::drafts(conn, blog.id, u, 20)?,
                _ => Vec::new(),
            };
            // What every reader of the same audiences sees: kept until the blog changes.
            let key = format!("blog|{}|{}|{skip}", blog.id, before.map(|c| c.encode()).unwrap_or_default());
            let place = crate::content::listing::place_key(crate::content::PLACE_BLOG, blog.id);
            let (authors, blogroll, posts) = cache.shared_for(conn, &guard, key, &[&place], |conn| {
                if skip > 0 {
                    let walked = PostFilter { blog_id: Some(blog.id), ..Default::default() };
                    let cursors = queries::post_cursors(conn, &guard, &walked, skip)?;
                    before = Some(match cursors.last() {
                        Some(c) if cursors.len() as i64 == skip => *c,
                        _ => crate::web::Cursor::ENDED,
                    });
                }
                let filter = PostFilter { blog_id: Some(blog.id), before, ..Default::default() };
                Ok((
                    queries::authors(conn, blog.id)?,
                    queries::blogroll(conn, blog.id)?,
                    queries::list_posts(conn, &guard, &filter, PER_PAGE)?,
                ))
            })?;
            let (w, m) = (guard.can_write_in(&facts), guard.can_manage_blog(&facts));
            Ok((blog, authors, blogroll, posts, drafts, w, m))
        })
        .await?;
    if by_slug && blog.is_enterprise() {
        return Ok(HttpResponse::MovedPermanently().insert_header(("Location", "/blog")).finish());
    }
    let path = blog.path();
    let canonical = match q.cursor() {
        Some(c) => format!("{path}?before={}", c.encode()),
        None => path.clone(),
    };
    let meta = Meta::new(blog.title.clone(), canonical)
        .description(if blog.description.is_empty() { ctx.t(blog.kind_key()) } else { blog.description.clone() })
        .feed(blog.title.clone(), &blog.feed_base())
        .trail(ctx, vec![(ctx.t("nav-blogs"), "/blogs".into()), (blog.title.clone(), path.clone())]);
    let blog_id = blog.id;
    let page = render(&BlogPage {
        can_write,
        can_manage,
        pager: Older::new(&path, &format!("{path}?"), is_first, next),
        meta,
        ctx,
        blog,
        authors,
        blogroll,
        posts,
        drafts,
    })?;
    Ok(crate::web::cache::keep(page, [crate::content::listing::place_key(crate::content::PLACE_BLOG, blog_id)]))
}

/// Links from before keyset paging reach this far down (`?page=N`).
const MAX_OLD_PAGE: i64 = 50;

pub async fn load_blog(state: &web::Data<AppState>, slug: String) -> AppResult<Blog> {
    crate::db::run(&state.pool, move |conn| queries::find_by_slug(conn, &slug)?.ok_or(AppError::NotFound)).await
}

pub async fn load_enterprise(state: &web::Data<AppState>) -> AppResult<Blog> {
    crate::db::run(&state.pool, |conn| Ok(queries::enterprise_blog(conn)?)).await
}

pub async fn enterprise_blog(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    show_blog(&ctx, &state, Which::Enterprise, &q).await
}

pub async fn blog(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    show_blog(&ctx, &state, Which::Slug(path.into_inner()), &q).await
}

// ---------------------------------------------------------------- a post

/// What the viewer may do with a post, decided by the policy.
#[derive(Clone, Copy, Debug, Default)]
pub struct PostRights {
    pub read: bool,
    pub edit: bool,
    pub delete: bool,
    pub comment: bool,
    pub hide: bool,
}

pub fn post_rights(conn: &mut DbConn, guard: &Guard, post: &PostPage) -> AppResult<PostRights> {
    let blog = post.blog.facts(viewer_is_author(conn, guard, post.blog.id)?);
    let facts = post.facts();
    Ok(PostRights {
        read: guard.can_read(&facts, Place::Blog(&blog)),
        edit: guard.can_edit_post(&facts, &blog),
        delete: guard.can_delete_post(&facts, &blog),
        comment: guard.can_comment(&facts, post.comments_enabled()),
        hide: guard.can_hide(&facts),
    })
}

pub use crate::content::comments::CommentForm;

#[derive(Template)]
#[template(path = "blogs/post.html")]
struct PostTemplate<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    post: PostPage,
    comments: Vec<CommentView>,
    cited_by: Vec<PostCard>,
    rights: PostRights,
    comment_form: CommentForm,
    comment_error: String,
    /// The post's episode: its file and rendered transcript.
    episode: Option<(super::podcast::EpisodeFile, SafeHtml)>,
    /// The blog's newest other posts.
    more: Vec<PostCard>,
}

impl PostTemplate<'_> {
    fn size(&self, bytes: &i64) -> String {
        crate::media::handlers::human_size(*bytes)
    }

    // What `content/comments.html` asks of its page.
    fn comments_base(&self) -> String {
        format!("/posts/{}/comments", self.post.card.id)
    }

    fn comment_total(&self) -> i64 {
        self.post.card.comments()
    }

    fn comments_open(&self) -> bool {
        self.post.comments_enabled()
    }

    fn can_comment(&self) -> bool {
        self.rights.comment
    }
}

/// A post the viewer may read, or 404.
async fn readable_post(
    state: &web::Data<AppState>,
    ctx: &PageCtx,
    post: PostPage,
) -> AppResult<(PostPage, PostRights)> {
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let rights = post_rights(conn, &guard, &post)?;
        if rights.read { Ok((post, rights)) } else { Err(AppError::NotFound) }
    })
    .await
}

async fn render_post(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    post: PostPage,
    rights: PostRights,
    comment_form: CommentForm,
    comment_error: String,
) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let edit_minutes = state.settings.comment_edit_minutes;
    let id = post.card.id;
    let blog_id = post.blog.id;
    let (comments, cited_by, episode, more) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let comments = comments::list_for(conn, id, &guard, edit_minutes)?;
        let episode = super::podcast::episode(conn, id)?.map(|(file, _, html)| (file, html));
        let citing = crate::content::citations::citing(conn, &guard, id)?;
        let cited_by = if citing.is_empty() {
            Vec::new()
        } else {
            queries::list_posts(conn, &guard, &PostFilter { ids: Some(citing), ..Default::default() }, 50)?.0
        };
        // The blog's newest other posts, for the page's side.
        let filter = PostFilter { blog_id: Some(blog_id), ..Default::default() };
        let more: Vec<PostCard> =
            queries::list_posts(conn, &guard, &filter, 6)?.0.into_iter().filter(|p| p.id != id).take(5).collect();
        Ok((comments, cited_by, episode, more))
    })
    .await?;
    let mut meta = Meta::new(post.card.title.clone(), post.card.path.clone()).description(post.card.excerpt.clone());
    meta.og_type = "article";
    // Link previews need an absolute address (covers are pictures of this site's library).
    meta.og_image = if post.card.cover_url.starts_with('/') {
        ctx.absolute(&post.card.cover_url)
    } else {
        post.card.cover_url.clone()
    };
    meta = meta.feed(
        ctx.ta("feed-comments-on", &[("title", post.card.title.clone())]),
        &format!("/posts/{}/comments", post.card.id),
    );
    meta = meta.feed(post.blog.title.clone(), &post.blog.feed_base());
    if !post.content.live {
        meta = meta.noindex();
    }
    meta = meta.article(&post.card.title, post.card.date(), post.content.edited_at).trail(
        ctx,
        vec![(post.blog.title.clone(), post.blog.path()), (post.card.title.clone(), post.card.path.clone())],
    );
    meta.structured.push(blog_posting(ctx, &post, &meta));
    let page = PostTemplate {
        rights,
        ctx,
        meta,
        post,
        comments,
        cited_by,
        comment_form,
        comment_error: comment_error.clone(),
        episode,
        more,
    };
    if comment_error.is_empty() { render(&page) } else { render_invalid(&page) }
}

async fn show_post(ctx: &PageCtx, state: &web::Data<AppState>, blog: Blog, slug: String) -> AppResult<HttpResponse> {
    let found = crate::db::run(&state.pool, move |conn| Ok(queries::post_by_slug(conn, blog.id, &slug)?)).await?;
    match found {
        SlugLookup::Found(post) => {
            let (post, rights) = readable_post(state, ctx, *post).await?;
            let key = crate::content::listing::content_key(post.card.id);
            // Its side lists the blog's other posts: any change in the blog makes it stale.
            let blog_key = crate::content::listing::place_key(crate::content::PLACE_BLOG, post.blog.id);
            let page = render_post(ctx, state, post, rights, CommentForm::default(), String::new()).await?;
            Ok(crate::web::cache::keep(page, [key, blog_key]))
        }
        SlugLookup::Moved(to) => Ok(HttpResponse::MovedPermanently().insert_header(("Location", to)).finish()),
        SlugLookup::Missing => Err(AppError::NotFound),
    }
}

pub async fn enterprise_post(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let blog = load_enterprise(&state).await?;
    show_post(&ctx, &state, blog, path.into_inner()).await
}

pub async fn post(ctx: Ctx, state: web::Data<AppState>, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    let (blog_slug, post_slug) = path.into_inner();
    let blog = load_blog(&state, blog_slug).await?;
    if blog.is_enterprise() {
        let to = super::post_path(KIND_ENTERPRISE, &blog.slug, &post_slug);
        return Ok(HttpResponse::MovedPermanently().insert_header(("Location", to)).finish());
    }
    show_post(&ctx, &state, blog, post_slug).await
}

pub async fn load_post(state: &web::Data<AppState>, id: i64) -> AppResult<PostPage> {
    crate::db::run(&state.pool, move |conn| queries::post_by_id(conn, id)?.ok_or(AppError::NotFound)).await
}

/// `/posts/{id}`: the permalink that survives slug changes (feeds use it as the entry id).
pub async fn permalink(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post = load_post(&state, path.into_inner()).await?;
    let (post, _) = readable_post(&state, &ctx, post).await?;
    Ok(HttpResponse::MovedPermanently().insert_header(("Location", post.card.path)).finish())
}

/// `POST /posts/{id}/comments`: a comment (or a reply to one). A problem shows the post again
/// with the text kept.
pub async fn add_comment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    upload: crate::media::upload::UploadForm<CommentForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let post = load_post(&state, path.into_inner()).await?;
    let (post, rights) = readable_post(&state, &ctx, post).await?;
    if !post.content.live {
        return Err(AppError::NotFound);
    }
    // Refused before its files are stored: nothing lands in the library for a comment that
    // cannot be made.
    if !post.comments_enabled() {
        let form = upload.into_form();
        return render_post(&ctx, &state, post, rights, form, ctx.t("err-comments-closed")).await;
    }
    let (form, attach_problem) = upload.attach(&state, user_id, |f| &mut f.body).await;
    if let Some(key) = attach_problem {
        return render_post(&ctx, &state, post, rights, form, ctx.t(key)).await;
    }
    if let Some(key) = comments::check_body(&form.body) {
        return render_post(&ctx, &state, post, rights, form, ctx.t(key)).await;
    }
    let screened =
        crate::moderation::screen::screen(&state, user_id, &crate::moderation::screen::Rules::none(), "", &form.body)
            .await?;
    let held = screened.hold.clone();
    let body = match crate::media::prepare_body(&state, user_id, screened.body.clone()).await {
        Ok(body) => body,
        Err(key) => return render_post(&ctx, &state, post, rights, form, ctx.t(key)).await,
    };
    let (post_id, parent, viewer) = (post.card.id, form.parent, ctx.viewer());
    let created = crate::db::run_write(&state.pool, move |tx| {
        // Checked again under the lock: the post may have been closed or deleted meanwhile.
        let subject = crate::content::lock(tx, post_id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_comment(&subject.facts(), subject.comments_open) {
            return Ok(None);
        }
        let id = comments::create(tx, &subject, parent, user_id, &body)?;
        if let Some(h) = &held {
            crate::moderation::screen::hold(tx, id, h)?;
        }
        Ok(Some(id))
    })
    .await?;
    match created {
        Some(id) => Ok(redirect(&format!("{}#c{id}", post.card.path))),
        None => {
            let post = load_post(&state, post_id).await?;
            render_post(&ctx, &state, post, rights, form, ctx.t("err-comments-closed")).await
        }
    }
}

/// A post as schema.org's `BlogPosting`: who wrote it, the company as its publisher, its dates.
fn blog_posting(ctx: &PageCtx, post: &crate::blogs::PostPage, meta: &Meta) -> serde_json::Value {
    use crate::web::structured::{date, person, publisher};
    let url = ctx.absolute(&post.card.path);
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": post.card.title,
        "description": post.card.excerpt,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": date(&post.card.date()),
        "dateModified": date(&post.content.edited_at.unwrap_or(post.card.date())),
        "author": person(ctx, &post.card.author),
        "publisher": publisher(ctx),
        "inLanguage": meta.content_lang.unwrap_or("en"),
        "commentCount": post.content.comment_count,
        "isPartOf": { "@type": "Blog", "name": post.blog.title, "url": ctx.absolute(&post.blog.path()) },
    });
    // Its cover, else the company's logo (search engines want a picture for an article).
    if !meta.og_image.is_empty() {
        v["image"] = serde_json::Value::from(meta.og_image.clone());
    } else if let Some(logo) = ctx.look.logo_image() {
        v["image"] = serde_json::Value::from(ctx.absolute(&logo));
    }
    if !post.card.tags.is_empty() {
        let tags: Vec<&str> = post.card.tags.iter().map(|t| t.name.as_str()).collect();
        v["keywords"] = serde_json::Value::from(tags.join(", "));
    }
    v
}
