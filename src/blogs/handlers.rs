//! Blog pages: the directory, each blog, posts, the editor, comments, feeds and blog settings.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::queries::{self, BlogSummary, BlogrollLink, PostFilter, PostInput, SlugLookup};
use super::{Blog, KIND_COMMUNITY, KIND_ENTERPRISE, KIND_STAFF, PostCard, PostPage, can_manage, can_write};
use crate::accounts::{AuthorView, CurrentUser};
use crate::content::comments::{self, CommentView};
use crate::content::feeds::{self, FeedItem, FeedMeta, Format};
use crate::content::{self, SafeHtml, markdown, slug, tags};
use crate::db::DbConn;
use crate::error::{AppError, AppResult};
use crate::web::{
    AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, PageQuery, Pager, redirect, render, render_invalid,
};

pub const PER_PAGE: i64 = 10;
pub const FEED_ITEMS: i64 = 30;

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
    let (enterprise, staff, community) = crate::db::run(&state.pool, |conn| {
        Ok((
            queries::directory(conn, KIND_ENTERPRISE)?,
            queries::directory(conn, KIND_STAFF)?,
            queries::directory(conn, KIND_COMMUNITY)?,
        ))
    })
    .await?;
    render(&DirectoryPage {
        meta: Meta::new(ctx.t("directory-title"), "/blogs")
            .description(ctx.t("directory-intro"))
            .feed(ctx.t("feed-all-posts"), "/feed"),
        ctx: &ctx,
        sections: vec![
            ("blog-kind-enterprise", enterprise),
            ("directory-staff", staff),
            ("directory-community", community),
        ],
    })
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
    pager: Pager,
    can_write: bool,
    can_manage: bool,
}

async fn show_blog(ctx: &PageCtx, state: &web::Data<AppState>, blog: Blog, page: i64) -> AppResult<HttpResponse> {
    let viewer = ctx.user.clone();
    let b = blog.clone();
    let (authors, blogroll, (posts, total), is_author) = crate::db::run(&state.pool, move |conn| {
        let is_author = match &viewer {
            Some(u) => queries::is_author(conn, b.id, u.id)?,
            None => false,
        };
        let filter = PostFilter { blog_id: Some(b.id), drafts_of: viewer.as_ref().map(|u| u.id), ..Default::default() };
        Ok((
            queries::authors(conn, b.id)?,
            queries::blogroll(conn, b.id)?,
            queries::list_posts(conn, &filter, page, PER_PAGE)?,
            is_author,
        ))
    })
    .await?;
    let path = blog.path();
    let meta = Meta::new(blog.title.clone(), if page > 1 { format!("{path}?page={page}") } else { path.clone() })
        .description(if blog.description.is_empty() { ctx.t(blog.kind_key()) } else { blog.description.clone() })
        .feed(blog.title.clone(), &blog.feed_base());
    render(&BlogPage {
        can_write: ctx.user.as_ref().is_some_and(|u| can_write(&blog, u, is_author)),
        can_manage: ctx.user.as_ref().is_some_and(|u| can_manage(&blog, u)),
        pager: Pager::new(&format!("{path}?"), page, total, PER_PAGE),
        meta,
        ctx,
        blog,
        authors,
        blogroll,
        posts,
    })
}

async fn load_blog(state: &web::Data<AppState>, slug: String) -> AppResult<Blog> {
    crate::db::run(&state.pool, move |conn| queries::find_by_slug(conn, &slug)?.ok_or(AppError::NotFound)).await
}

async fn load_enterprise(state: &web::Data<AppState>) -> AppResult<Blog> {
    crate::db::run(&state.pool, |conn| Ok(queries::enterprise_blog(conn)?)).await
}

pub async fn enterprise_blog(
    ctx: Ctx,
    state: web::Data<AppState>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let blog = load_enterprise(&state).await?;
    show_blog(&ctx, &state, blog, q.number()).await
}

pub async fn blog(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let blog = load_blog(&state, path.into_inner()).await?;
    if blog.is_enterprise() {
        return Ok(HttpResponse::MovedPermanently().insert_header(("Location", "/blog")).finish());
    }
    show_blog(&ctx, &state, blog, q.number()).await
}

// ---------------------------------------------------------------- a post

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CommentForm {
    pub body: String,
    pub parent: Option<i64>,
}

impl CommentForm {
    /// Was this form a reply to comment `id` (so its text goes back into that reply box)?
    pub fn replying_to(&self, id: impl crate::web::context::Number) -> bool {
        self.parent == Some(id.number())
    }
}

#[derive(Template)]
#[template(path = "blogs/post.html")]
struct PostTemplate<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    post: PostPage,
    comments: Vec<CommentView>,
    cited_by: Vec<PostCard>,
    can_edit: bool,
    comment_form: CommentForm,
    comment_error: String,
}

/// Can this viewer see the post? Drafts only for their author and the blog's managers.
fn visible(post: &PostPage, viewer: Option<&CurrentUser>) -> bool {
    !post.card.is_draft || viewer.is_some_and(|u| u.id == post.author_id || can_manage(&post.blog, u))
}

fn can_edit_post(post: &PostPage, user: &CurrentUser) -> bool {
    user.id == post.author_id || can_manage(&post.blog, user)
}

async fn render_post(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    post: PostPage,
    comment_form: CommentForm,
    comment_error: String,
) -> AppResult<HttpResponse> {
    let viewer = ctx.user.clone();
    let edit_minutes = state.settings.comment_edit_minutes;
    let id = post.card.id;
    let (comments, cited_by) = crate::db::run(&state.pool, move |conn| {
        let comments = comments::list_for(conn, id, viewer.as_ref(), edit_minutes)?;
        let citing = content::citations::citing(conn, id)?;
        let cited_by = if citing.is_empty() {
            Vec::new()
        } else {
            queries::list_posts(conn, &PostFilter { ids: Some(citing), ..Default::default() }, 1, 50)?.0
        };
        Ok((comments, cited_by))
    })
    .await?;
    let mut meta = Meta::new(post.card.title.clone(), post.card.path.clone()).description(post.card.excerpt.clone());
    meta.og_type = "article";
    meta.og_image = post.card.cover_url.clone();
    meta = meta.feed(
        ctx.ta("feed-comments-on", &[("title", post.card.title.clone())]),
        &format!("/posts/{}/comments", post.card.id),
    );
    meta = meta.feed(post.blog.title.clone(), &post.blog.feed_base());
    if post.card.is_draft {
        meta = meta.noindex();
    }
    let page = PostTemplate {
        can_edit: ctx.user.as_ref().is_some_and(|u| can_edit_post(&post, u)),
        ctx,
        meta,
        post,
        comments,
        cited_by,
        comment_form,
        comment_error: comment_error.clone(),
    };
    if comment_error.is_empty() { render(&page) } else { render_invalid(&page) }
}

async fn show_post(ctx: &PageCtx, state: &web::Data<AppState>, blog: Blog, slug: String) -> AppResult<HttpResponse> {
    let found = crate::db::run(&state.pool, move |conn| Ok(queries::post_by_slug(conn, blog.id, &slug)?)).await?;
    match found {
        SlugLookup::Found(post) if visible(&post, ctx.user.as_ref()) => {
            render_post(ctx, state, *post, CommentForm::default(), String::new()).await
        }
        SlugLookup::Moved(to) => Ok(HttpResponse::MovedPermanently().insert_header(("Location", to)).finish()),
        _ => Err(AppError::NotFound),
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
        let to = content::post_path(KIND_ENTERPRISE, &blog.slug, &post_slug);
        return Ok(HttpResponse::MovedPermanently().insert_header(("Location", to)).finish());
    }
    show_post(&ctx, &state, blog, post_slug).await
}

async fn load_post(state: &web::Data<AppState>, id: i64) -> AppResult<PostPage> {
    crate::db::run(&state.pool, move |conn| queries::post_by_id(conn, id)?.ok_or(AppError::NotFound)).await
}

/// `/posts/{id}`: the permalink that survives slug changes (feeds use it as the entry id).
pub async fn permalink(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let post = load_post(&state, path.into_inner()).await?;
    if !visible(&post, ctx.user.as_ref()) {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::MovedPermanently().insert_header(("Location", post.card.path)).finish())
}

// ---------------------------------------------------------------- comments

pub async fn add_comment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let post = load_post(&state, path.into_inner()).await?;
    if !visible(&post, Some(&user)) || post.card.is_draft {
        return Err(AppError::NotFound);
    }
    if !post.comments_enabled {
        return render_post(&ctx, &state, post, form, ctx.t("err-comments-closed")).await;
    }
    if let Some(key) = comments::check_body(&form.body) {
        return render_post(&ctx, &state, post, form, ctx.t(key)).await;
    }
    let (post_id, parent, body) = (post.card.id, form.parent, form.body.clone());
    let created =
        crate::db::run(&state.pool, move |conn| Ok(comments::create(conn, post_id, parent, user.id, &body)?)).await?;
    Ok(redirect(&format!("{}#c{}", post.card.path, created.id)))
}

#[derive(Template)]
#[template(path = "blogs/comment_edit.html")]
struct CommentEditPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    id: i64,
    body: String,
    error: String,
    back: String,
}

async fn load_comment(state: &web::Data<AppState>, id: i64) -> AppResult<(content::Content, String)> {
    crate::db::run(&state.pool, move |conn| {
        let (c, subject) = comments::find(conn, id)?.ok_or(AppError::NotFound)?;
        let path = content::paths_for(conn, &[subject])?.remove(&subject).ok_or(AppError::NotFound)?;
        Ok((c, path))
    })
    .await
}

pub async fn edit_comment_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let id = path.into_inner();
    let (c, back) = load_comment(&state, id).await?;
    if !comments::can_edit(&c, &user, state.settings.comment_edit_minutes) {
        return Err(AppError::Forbidden);
    }
    render(&CommentEditPage {
        meta: Meta::new(ctx.t("comment-edit-title"), format!("/comments/{id}/edit")).noindex(),
        ctx: &ctx,
        id,
        body: c.body_md,
        error: String::new(),
        back,
    })
}

pub async fn edit_comment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let id = path.into_inner();
    let (c, back) = load_comment(&state, id).await?;
    if !comments::can_edit(&c, &user, state.settings.comment_edit_minutes) {
        // The edit window closed while they typed: show their text so nothing is lost.
        return render_invalid(&CommentEditPage {
            meta: Meta::new(ctx.t("comment-edit-title"), format!("/comments/{id}/edit")).noindex(),
            ctx: &ctx,
            id,
            body: form.body,
            error: ctx.t("err-comment-edit-closed"),
            back,
        });
    }
    if let Some(key) = comments::check_body(&form.body) {
        return render_invalid(&CommentEditPage {
            meta: Meta::new(ctx.t("comment-edit-title"), format!("/comments/{id}/edit")).noindex(),
            ctx: &ctx,
            id,
            body: form.body,
            error: ctx.t(key),
            back,
        });
    }
    let body = form.body.clone();
    crate::db::run(&state.pool, move |conn| Ok(comments::update(conn, id, &body)?)).await?;
    Ok(redirect(&format!("{back}#c{id}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmptyForm {}

pub async fn delete_comment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let id = path.into_inner();
    let (c, back) = load_comment(&state, id).await?;
    if !comments::can_delete(&c, &user) {
        return Err(AppError::Forbidden);
    }
    crate::db::run(&state.pool, move |conn| {
        let (_, subject) = comments::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok(comments::delete(conn, id, subject)?)
    })
    .await?;
    Ok(redirect(&format!("{back}#comments")))
}

// ---------------------------------------------------------------- editor

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PostForm {
    pub blog: String,
    pub title: String,
    pub slug: String,
    pub body: String,
    pub excerpt: String,
    pub cover_url: String,
    pub tags: String,
    pub status: String,
    pub comments_enabled: Option<String>,
    pub action: String,
}

#[derive(Template)]
#[template(path = "blogs/editor.html")]
struct EditorPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    blog: Blog,
    form: PostForm,
    errors: FieldErrors,
    preview: Option<SafeHtml>,
    action_url: String,
    post_path: Option<String>,
    is_new: bool,
}

const EXCERPT_MAX: usize = 500;
const URL_MAX: usize = 500;

/// Check the editor's input; the parsed post or the problems by field.
fn check_post(form: &PostForm) -> Result<PostInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = form.title.trim().to_string();
    if title.is_empty() {
        errors.add("title", "err-title-empty");
    } else if title.chars().count() > content::TITLE_MAX {
        errors.add("title", "err-title-long");
    } else if title.chars().any(char::is_control) {
        errors.add("title", "err-title-chars");
    }
    let slug = form.slug.trim().to_lowercase();
    let slug = if slug.is_empty() {
        None
    } else if slug.chars().count() > slug::MAX_CHARS || !slug::is_valid(&slug) {
        errors.add("slug", "err-slug-invalid");
        None
    } else {
        Some(slug)
    };
    if form.body.trim().is_empty() {
        errors.add("body", "err-body-empty");
    } else if form.body.chars().count() > content::BODY_MAX {
        errors.add("body", "err-body-long");
    }
    if form.excerpt.chars().count() > EXCERPT_MAX {
        errors.add("excerpt", "err-excerpt-long");
    }
    let cover = form.cover_url.trim().to_string();
    if !cover.is_empty() {
        let ok =
            cover.len() <= URL_MAX && url::Url::parse(&cover).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
        if !ok {
            errors.add("cover_url", "err-url-invalid");
        }
    }
    let tags = match tags::parse_list(&form.tags) {
        Ok(t) => t,
        Err(k) => {
            errors.add("tags", k);
            Vec::new()
        }
    };
    let publish = match form.status.as_str() {
        "published" => true,
        "draft" | "" => false,
        _ => {
            errors.add("status", "err-status");
            false
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PostInput {
        title,
        slug,
        body_md: form.body.clone(),
        excerpt_md: form.excerpt.trim().to_string(),
        cover_url: cover,
        tags,
        publish,
        comments_enabled: form.comments_enabled.is_some(),
    })
}

/// The blog a user may write in, by slug, or 403/404.
async fn writable_blog(state: &web::Data<AppState>, user: &CurrentUser, slug: String) -> AppResult<Blog> {
    let uid = user.id;
    let (blog, is_author) = crate::db::run(&state.pool, move |conn| {
        let blog = queries::find_by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let is_author = queries::is_author(conn, blog.id, uid)?;
        Ok((blog, is_author))
    })
    .await?;
    if can_write(&blog, user, is_author) { Ok(blog) } else { Err(AppError::Forbidden) }
}

#[derive(Deserialize)]
pub struct WriteQuery {
    blog: Option<String>,
}

/// `/write`: a new post. Without `?blog=`, the user's own blog (or the only one they may write in).
pub async fn new_post_form(ctx: Ctx, state: web::Data<AppState>, q: web::Query<WriteQuery>) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let slug = match q.blog.clone() {
        Some(s) => s,
        None => {
            let uid = user.id;
            let own = crate::db::run(&state.pool, move |conn| Ok(queries::owned_blog(conn, uid)?)).await?;
            own.map(|b| b.slug).ok_or(AppError::Forbidden)?
        }
    };
    let blog = writable_blog(&state, &user, slug).await?;
    let form = PostForm {
        blog: blog.slug.clone(),
        comments_enabled: Some("on".into()),
        status: "published".into(),
        ..Default::default()
    };
    render(&EditorPage {
        meta: Meta::new(ctx.t("editor-new-title"), "/write").noindex(),
        ctx: &ctx,
        blog,
        form,
        errors: FieldErrors::default(),
        preview: None,
        action_url: "/write".into(),
        post_path: None,
        is_new: true,
    })
}

pub async fn create_post(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PostForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let blog = writable_blog(&state, &user, form.blog.clone()).await?;
    let page = |form: PostForm, errors: FieldErrors, preview: Option<SafeHtml>| EditorPage {
        meta: Meta::new(ctx.t("editor-new-title"), "/write").noindex(),
        ctx: &ctx,
        blog: blog.clone(),
        form,
        errors,
        preview,
        action_url: "/write".into(),
        post_path: None,
        is_new: true,
    };
    if form.action == "preview" {
        let preview = markdown::render(&form.body);
        return render(&page(form, FieldErrors::default(), Some(preview)));
    }
    let input = match check_post(&form) {
        Ok(i) => i,
        Err(errors) => return render_invalid(&page(form, errors, None)),
    };
    let base = state.settings.base_url.clone();
    let b = blog.clone();
    let id =
        crate::db::run(&state.pool, move |conn| Ok(queries::create_post(conn, &b, user.id, &input, &base)?)).await?;
    let post = load_post(&state, id).await?;
    Ok(redirect(&post.card.path))
}

fn form_from_post(post: &PostPage, tags: String) -> PostForm {
    PostForm {
        blog: post.blog.slug.clone(),
        title: post.card.title.clone(),
        slug: post.slug.clone(),
        body: post.body_md.clone(),
        excerpt: post.excerpt_md.clone(),
        cover_url: post.card.cover_url.clone(),
        tags,
        status: if post.card.is_draft { "draft".into() } else { "published".into() },
        comments_enabled: post.comments_enabled.then(|| "on".to_string()),
        action: String::new(),
    }
}

async fn editable_post(ctx: &PageCtx, state: &web::Data<AppState>, id: i64) -> AppResult<(PostPage, String)> {
    let user = ctx.require_user()?.clone();
    let (post, tags) = crate::db::run(&state.pool, move |conn| {
        let post = queries::post_by_id(conn, id)?.ok_or(AppError::NotFound)?;
        let tags = tags::field_value(conn, id)?;
        Ok((post, tags))
    })
    .await?;
    if !can_edit_post(&post, &user) {
        return Err(AppError::Forbidden);
    }
    Ok((post, tags))
}

pub async fn edit_post_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (post, tags) = editable_post(&ctx, &state, id).await?;
    let form = form_from_post(&post, tags);
    render(&EditorPage {
        meta: Meta::new(
            ctx.ta("editor-edit-title", &[("title", post.card.title.clone())]),
            format!("/posts/{id}/edit"),
        )
        .noindex(),
        ctx: &ctx,
        blog: post.blog.clone(),
        form,
        errors: FieldErrors::default(),
        preview: None,
        action_url: format!("/posts/{id}/edit"),
        post_path: Some(post.card.path.clone()),
        is_new: false,
    })
}

pub async fn update_post(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<PostForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (post, _) = editable_post(&ctx, &state, id).await?;
    let page = |form: PostForm, errors: FieldErrors, preview: Option<SafeHtml>| EditorPage {
        meta: Meta::new(
            ctx.ta("editor-edit-title", &[("title", post.card.title.clone())]),
            format!("/posts/{id}/edit"),
        )
        .noindex(),
        ctx: &ctx,
        blog: post.blog.clone(),
        form,
        errors,
        preview,
        action_url: format!("/posts/{id}/edit"),
        post_path: Some(post.card.path.clone()),
        is_new: false,
    };
    if form.action == "preview" {
        let preview = markdown::render(&form.body);
        return render(&page(form, FieldErrors::default(), Some(preview)));
    }
    let input = match check_post(&form) {
        Ok(i) => i,
        Err(errors) => return render_invalid(&page(form, errors, None)),
    };
    let base = state.settings.base_url.clone();
    let p = post.clone();
    crate::db::run(&state.pool, move |conn| Ok(queries::update_post(conn, &p, &input, &base)?)).await?;
    let post = load_post(&state, id).await?;
    Ok(redirect(&post.card.path))
}

pub async fn delete_post(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (post, _) = editable_post(&ctx, &state, id).await?;
    crate::db::run(&state.pool, move |conn| Ok(queries::delete_post(conn, id)?)).await?;
    Ok(redirect(&post.blog.path()))
}

// ---------------------------------------------------------------- blog settings

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BlogSettingsForm {
    pub title: String,
    pub description: String,
    pub blogroll: String,
}

#[derive(Template)]
#[template(path = "blogs/settings.html")]
struct BlogSettingsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    blog: Blog,
    form: BlogSettingsForm,
    errors: FieldErrors,
    authors: Vec<AuthorView>,
    author_error: String,
    author_input: String,
    notice: String,
}

const BLOG_TITLE_MAX: usize = 100;
const BLOG_DESCRIPTION_MAX: usize = 500;
const BLOGROLL_MAX: usize = 50;

/// Blogroll lines: `Title | https://url` or `Title | /blogs/someone`.
fn parse_blogroll(text: &str) -> Result<Vec<(String, String)>, &'static str> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (title, url) = line.rsplit_once('|').ok_or("err-blogroll-line")?;
        let (title, url) = (title.trim(), url.trim());
        if title.is_empty() || title.chars().count() > 100 {
            return Err("err-blogroll-line");
        }
        let valid_url = if url.starts_with('/') {
            !url.starts_with("//")
        } else {
            url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
        };
        if !valid_url || url.len() > URL_MAX {
            return Err("err-blogroll-url");
        }
        out.push((title.to_string(), url.to_string()));
    }
    if out.len() > BLOGROLL_MAX {
        return Err("err-blogroll-many");
    }
    Ok(out)
}

async fn managed_blog(ctx: &PageCtx, state: &web::Data<AppState>, slug: String) -> AppResult<Blog> {
    let user = ctx.require_user()?;
    let blog = load_blog(state, slug).await?;
    if can_manage(&blog, user) { Ok(blog) } else { Err(AppError::Forbidden) }
}

/// What the settings page shows besides the blog: the submitted form (if any) and messages.
#[derive(Default)]
struct SettingsState {
    form: Option<BlogSettingsForm>,
    errors: FieldErrors,
    author_error: String,
    author_input: String,
    notice: String,
}

async fn settings_page<'a>(
    ctx: &'a PageCtx,
    state: &web::Data<AppState>,
    blog: Blog,
    st: SettingsState,
) -> AppResult<BlogSettingsPage<'a>> {
    let SettingsState { form, errors, author_error, author_input, notice } = st;
    let id = blog.id;
    let (authors, blogroll) =
        crate::db::run(&state.pool, move |conn| Ok((queries::authors(conn, id)?, queries::blogroll(conn, id)?)))
            .await?;
    let form = form.unwrap_or_else(|| BlogSettingsForm {
        title: blog.title.clone(),
        description: blog.description.clone(),
        blogroll: blogroll.iter().map(|l| format!("{} | {}", l.title, l.url)).collect::<Vec<_>>().join("\n"),
    });
    Ok(BlogSettingsPage {
        meta: Meta::new(
            ctx.ta("blog-settings-title", &[("title", blog.title.clone())]),
            format!("/manage/blogs/{}", crate::web::path_segment(&blog.slug)),
        )
        .noindex(),
        ctx,
        blog,
        form,
        errors,
        authors,
        author_error,
        author_input,
        notice,
    })
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

pub async fn blog_settings_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    q: web::Query<SavedQuery>,
) -> AppResult<HttpResponse> {
    let blog = managed_blog(&ctx, &state, path.into_inner()).await?;
    let notice = if q.saved.is_some() { ctx.t("settings-saved") } else { String::new() };
    render(&settings_page(&ctx, &state, blog, SettingsState { notice, ..Default::default() }).await?)
}

pub async fn save_blog_settings(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<BlogSettingsForm>,
) -> AppResult<HttpResponse> {
    let blog = managed_blog(&ctx, &state, path.into_inner()).await?;
    let mut errors = FieldErrors::default();
    let title = form.title.trim().to_string();
    if title.is_empty() {
        errors.add("title", "err-blog-title-empty");
    } else if title.chars().count() > BLOG_TITLE_MAX {
        errors.add("title", "err-blog-title-long");
    }
    if form.description.chars().count() > BLOG_DESCRIPTION_MAX {
        errors.add("description", "err-description-long");
    }
    let links = parse_blogroll(&form.blogroll).map_err(|k| errors.add("blogroll", k)).ok();
    let Some(links) = links.filter(|_| errors.is_empty()) else {
        return render_invalid(
            &settings_page(&ctx, &state, blog, SettingsState { form: Some(form), errors, ..Default::default() })
                .await?,
        );
    };
    let (id, description) = (blog.id, form.description.trim().to_string());
    crate::db::run(&state.pool, move |conn| {
        use diesel::Connection;
        Ok(conn.transaction(|conn| {
            queries::update_blog(conn, id, &title, &description)?;
            queries::set_blogroll(conn, id, &links)
        })?)
    })
    .await?;
    Ok(redirect(&format!("/manage/blogs/{}?saved=1", crate::web::path_segment(&blog.slug))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuthorForm {
    pub username: String,
}

/// Enterprise blog: an admin authorises an employee as an author.
pub async fn add_author(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<AuthorForm>,
) -> AppResult<HttpResponse> {
    let blog = managed_blog(&ctx, &state, path.into_inner()).await?;
    let key = form.username.trim().to_lowercase();
    let blog_id = blog.id;
    let result = crate::db::run(&state.pool, move |conn: &mut DbConn| {
        let Some(user) = crate::accounts::queries::find_by_key(conn, &key)? else {
            return Ok(Err("err-author-unknown"));
        };
        if !user.role().is_staff() {
            return Ok(Err("err-author-not-staff"));
        }
        queries::add_author(conn, blog_id, user.id)?;
        Ok(Ok(()))
    })
    .await?;
    match result {
        Ok(()) => Ok(redirect(&format!("/manage/blogs/{}?saved=1", crate::web::path_segment(&blog.slug)))),
        Err(key) => {
            let msg = ctx.t(key);
            render_invalid(
                &settings_page(
                    &ctx,
                    &state,
                    blog,
                    SettingsState { author_error: msg, author_input: form.username, ..Default::default() },
                )
                .await?,
            )
        }
    }
}

pub async fn remove_author(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<AuthorForm>,
) -> AppResult<HttpResponse> {
    let blog = managed_blog(&ctx, &state, path.into_inner()).await?;
    let key = form.username.trim().to_lowercase();
    let blog_id = blog.id;
    crate::db::run(&state.pool, move |conn| {
        if let Some(user) = crate::accounts::queries::find_by_key(conn, &key)? {
            queries::remove_author(conn, blog_id, user.id)?;
        }
        Ok(())
    })
    .await?;
    Ok(redirect(&format!("/manage/blogs/{}?saved=1", crate::web::path_segment(&blog.slug))))
}

// ---------------------------------------------------------------- feeds

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
    let (cards, bodies) = crate::db::run(&state.pool, move |conn| {
        let (cards, _) = queries::list_posts(conn, &filter, 1, FEED_ITEMS)?;
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
    Ok(feeds::respond(req, format, &meta, &items))
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
    let tag =
        crate::db::run(&state.pool, move |conn| tags::find_by_slug(conn, &slug)?.ok_or(AppError::NotFound)).await?;
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
    if post.card.is_draft {
        return Err(AppError::NotFound);
    }
    let rows = crate::db::run(&state.pool, move |conn| Ok(comments::recent_for(conn, id, FEED_ITEMS)?)).await?;
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
    Ok(feeds::respond(&req, format, &meta, &items))
}
