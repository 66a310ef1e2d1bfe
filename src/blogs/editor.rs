//! The post editor: write, edit, preview, publish or unpublish, delete.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::pages::{load_post, post_rights, viewer_is_author};
use super::queries::{self, PostInput};
use super::{Blog, PostPage};
use crate::content::{self, SafeHtml, slug, tags};
use crate::error::{AppError, AppResult};
use crate::media::upload::UploadForm;
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

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
    /// The media id of the episode (a sound or video file of the author's), or "".
    pub episode: String,
    pub transcript: String,
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
    /// The author's sound and video files, to choose an episode from: (id, name, type).
    episode_choices: Vec<(i64, String, String)>,
}

const EXCERPT_MAX: usize = 500;

/// Check the editor's input; the parsed post or the problems by field.
/// Check the editor's form; a valid body is rendered here, before any unit of work begins.
async fn check_post(
    state: &AppState,
    author_id: i64,
    form: &PostForm,
    choices: &[(i64, String, String)],
) -> Result<PostInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = content::check_title(&form.title, &mut errors);
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
    } else if let Err(k) = content::markdown::check_nesting(&form.body) {
        errors.add("body", k);
    }
    if form.excerpt.chars().count() > EXCERPT_MAX {
        errors.add("excerpt", "err-excerpt-long");
    } else if let Err(k) = content::markdown::check_nesting(&form.excerpt) {
        errors.add("excerpt", k);
    }
    // The cover is a picture of the author's library (`/media/12`), or one given by its address,
    // fetched now (when nothing else is wrong) and stored there.
    let typed_cover = form.cover_url.trim();
    let (cover, cover_media) = match crate::media::cover_picture(state, author_id, typed_cover, errors.is_empty()).await
    {
        Ok(Some(id)) => (format!("/media/{id}"), Some(id)),
        Ok(None) => (typed_cover.to_string(), None),
        Err(k) => {
            errors.add("cover_url", k);
            (typed_cover.to_string(), None)
        }
    };
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
    let episode = match form.episode.trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) if choices.iter().any(|c| c.0 == id) || own_sound_or_video(state, author_id, id).await => Some(id),
            _ => {
                errors.add("episode", "err-episode-unknown");
                None
            }
        },
    };
    if form.transcript.chars().count() > content::BODY_MAX {
        errors.add("transcript", "err-body-long");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let transcript = match episode {
        Some(id) => match crate::media::prepare_body(state, author_id, form.transcript.trim().to_string()).await {
            Ok(t) => Some((id, t)),
            Err(k) => {
                errors.add("transcript", k);
                return Err(errors);
            }
        },
        None => None,
    };
    let body = crate::media::prepare_body(state, author_id, form.body.clone()).await.map_err(|k| {
        errors.add("body", k);
        errors
    })?;
    Ok(PostInput {
        title,
        slug,
        body,
        excerpt_md: form.excerpt.trim().to_string(),
        cover_url: cover,
        cover_media,
        tags,
        publish,
        comments_enabled: form.comments_enabled.is_some(),
        episode: transcript,
    })
}

/// Is this media item a sound or video file of the author's own?
async fn own_sound_or_video(state: &AppState, author_id: i64, id: i64) -> bool {
    crate::db::run(&state.pool, move |conn| Ok(crate::media::queries::embed_rows(conn, author_id, None, &[id])?))
        .await
        .is_ok_and(|rows| rows.iter().any(|r| r.1.media_type != crate::media::TYPE_IMAGE))
}

/// The sound and video files an author may make an episode of.
async fn episode_choices(state: &web::Data<AppState>, author_id: i64) -> AppResult<Vec<(i64, String, String)>> {
    crate::db::run(&state.pool, move |conn| Ok(super::podcast::episode_choices(conn, author_id)?)).await
}

/// The blog the viewer may write in, by slug, or 403/404.
async fn writable_blog(ctx: &PageCtx, state: &web::Data<AppState>, slug: String) -> AppResult<Blog> {
    ctx.require_user()?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let blog = queries::find_by_slug(conn, &slug)?.ok_or(AppError::NotFound)?;
        let guard = Guard::load(conn, &viewer)?;
        let facts = blog.facts(viewer_is_author(conn, &guard, blog.id)?);
        if guard.can_write_in(&facts) { Ok(blog) } else { Err(AppError::Forbidden) }
    })
    .await
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
    let blog = writable_blog(&ctx, &state, slug).await?;
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
        episode_choices: episode_choices(&state, user.id).await?,
    })
}

pub async fn create_post(
    ctx: Ctx,
    state: web::Data<AppState>,
    upload: UploadForm<PostForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    let blog = writable_blog(&ctx, &state, upload.form.blog.clone()).await?;
    let (form, attach_problem) = upload.attach(&state, user.id, |f| &mut f.body).await;
    let choices = episode_choices(&state, user.id).await?;
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
        episode_choices: choices.clone(),
    };
    if form.action == "preview" {
        return match crate::content::preview(&state, user.id, &form.body, content::BODY_MAX, "err-body-long").await {
            Ok(preview) => render(&page(form, FieldErrors::default(), Some(preview))),
            Err(errors) => render_invalid(&page(form, errors, None)),
        };
    }
    if let Some(key) = attach_problem {
        let status = crate::media::upload::status_for(key);
        return crate::web::render_status(status, &page(form, FieldErrors(vec![("files", key)]), None));
    }
    let input = match check_post(&state, user.id, &form, &choices).await {
        Ok(i) => i,
        Err(errors) => return render_invalid(&page(form, errors, None)),
    };
    let base = state.settings.base_url.clone();
    let (b, viewer) = (blog.clone(), ctx.viewer());
    let id = crate::db::run_write(&state.pool, move |tx| {
        // Still allowed now (authorship or role may have changed since the form was opened)?
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_write_in(&b.facts(viewer_is_author(tx, &guard, b.id)?)) {
            return Err(AppError::Forbidden);
        }
        Ok(queries::create_post(tx, &b, user.id, &input, &base)?)
    })
    .await?;
    let post = load_post(&state, id).await?;
    Ok(redirect(&post.card.path))
}

fn form_from_post(post: &PostPage, tags: String, episode: Option<(i64, String)>) -> PostForm {
    PostForm {
        blog: post.blog.slug.clone(),
        title: post.card.title.clone(),
        slug: post.slug.clone(),
        body: post.content.body_md.clone(),
        excerpt: post.excerpt_md.clone(),
        cover_url: post.card.cover_url.clone(),
        tags,
        status: if post.card.is_draft { "draft".into() } else { "published".into() },
        comments_enabled: post.comments_enabled().then(|| "on".to_string()),
        action: String::new(),
        episode: episode.as_ref().map(|e| e.0.to_string()).unwrap_or_default(),
        transcript: episode.map(|e| e.1).unwrap_or_default(),
    }
}

/// A post the viewer may edit (with its tags for the form), or 403/404.
async fn editable_post(ctx: &PageCtx, state: &web::Data<AppState>, id: i64) -> AppResult<(PostPage, String)> {
    ctx.require_user()?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let post = queries::post_by_id(conn, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::load(conn, &viewer)?;
        let rights = post_rights(conn, &guard, &post)?;
        if !rights.read {
            return Err(AppError::NotFound);
        }
        if !rights.edit {
            return Err(AppError::Forbidden);
        }
        let tags = tags::field_value(conn, id)?;
        Ok((post, tags))
    })
    .await
}

pub async fn edit_post_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (post, tags) = editable_post(&ctx, &state, id).await?;
    let episode = crate::db::run(&state.pool, move |conn| {
        Ok(super::podcast::episode(conn, id)?.map(|(file, md, _)| (file.media_id, md)))
    })
    .await?;
    let form = form_from_post(&post, tags, episode);
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
        episode_choices: episode_choices(&state, post.author_id()).await?,
    })
}

pub async fn update_post(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    upload: UploadForm<PostForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (post, _) = editable_post(&ctx, &state, id).await?;
    // Files attached to someone else's post (an editor of the blog) go to the post's author.
    let author_id = post.author_id();
    let (form, attach_problem) = upload.attach(&state, author_id, |f| &mut f.body).await;
    let choices = episode_choices(&state, author_id).await?;
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
        episode_choices: choices.clone(),
    };
    if form.action == "preview" {
        return match crate::content::preview(&state, author_id, &form.body, content::BODY_MAX, "err-body-long").await {
            Ok(preview) => render(&page(form, FieldErrors::default(), Some(preview))),
            Err(errors) => render_invalid(&page(form, errors, None)),
        };
    }
    if let Some(key) = attach_problem {
        let status = crate::media::upload::status_for(key);
        return crate::web::render_status(status, &page(form, FieldErrors(vec![("files", key)]), None));
    }
    let input = match check_post(&state, author_id, &form, &choices).await {
        Ok(i) => i,
        Err(errors) => return render_invalid(&page(form, errors, None)),
    };
    let (base, viewer) = (state.settings.base_url.clone(), ctx.viewer());
    crate::db::run_write(&state.pool, move |tx| {
        // Read again under the lock: the check and the change see the same post and rights.
        crate::content::lock(tx, id)?;
        let post = queries::post_by_id(tx, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !post_rights(tx, &guard, &post)?.edit {
            return Err(AppError::Forbidden);
        }
        Ok(queries::update_post(tx, &post, &input, &base)?)
    })
    .await?;
    let post = load_post(&state, id).await?;
    Ok(redirect(&post.card.path))
}

pub async fn delete_post(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    _form: CsrfForm<EmptyForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = path.into_inner();
    let viewer = ctx.viewer();
    // A second delete (a double click, two tabs) finds the post gone and ends where the first did.
    let blog_path = crate::db::run_write(&state.pool, move |tx| {
        crate::content::lock(tx, id)?;
        let Some(post) = queries::post_by_id(tx, id)? else {
            return Ok(queries::blog_of_post(tx, id)?.map(|b| b.path()));
        };
        let guard = Guard::fresh(tx, &viewer)?;
        let rights = post_rights(tx, &guard, &post)?;
        if !rights.read {
            return Err(AppError::NotFound);
        }
        if !rights.delete {
            return Err(AppError::Forbidden);
        }
        queries::delete_post(tx, id)?;
        Ok(Some(post.blog.path()))
    })
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(redirect(&blog_path))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EmptyForm {}
