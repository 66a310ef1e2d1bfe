//! A blog's settings: title, description, blogroll, and (for the enterprise blog) its authors.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::Blog;
use super::pages::{load_blog, viewer_is_author};
use super::queries;
use crate::accounts::AuthorView;
use crate::error::{AppError, AppResult};
use crate::media::upload::UploadForm;
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

const URL_MAX: usize = 500;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BlogSettingsForm {
    pub title: String,
    pub description: String,
    pub blogroll: String,
    /// "on": the blog is a podcast.
    pub podcast: Option<String>,
    pub podcast_category: String,
    pub podcast_language: String,
    pub podcast_author: String,
    pub podcast_email: String,
    pub podcast_explicit: Option<String>,
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
    /// The cover art's small picture, when the blog is a podcast with one.
    cover: Option<String>,
    categories: &'static [&'static str],
    languages: &'static [&'static str],
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
        // A path must stay on this site as a browser reads it (`/\\evil.example` is another site).
        let url = if url.starts_with('/') {
            crate::web::same_site_path(url)
        } else {
            url::Url::parse(url).ok().filter(|u| matches!(u.scheme(), "http" | "https")).map(|_| url.to_string())
        };
        let Some(url) = url.filter(|u| u.len() <= URL_MAX) else {
            return Err("err-blogroll-url");
        };
        out.push((title.to_string(), url));
    }
    if out.len() > BLOGROLL_MAX {
        return Err("err-blogroll-many");
    }
    Ok(out)
}

/// The blog at a slug, if the viewer may manage it (else 403).
async fn managed_blog(ctx: &PageCtx, state: &web::Data<AppState>, slug: String) -> AppResult<Blog> {
    ctx.require_user()?;
    let blog = load_blog(state, slug).await?;
    let (b, viewer) = (blog.clone(), ctx.viewer());
    let allowed = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        Ok(guard.can_manage_blog(&b.facts(viewer_is_author(conn, &guard, b.id)?)))
    })
    .await?;
    if allowed { Ok(blog) } else { Err(AppError::Forbidden) }
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
    let (authors, blogroll, podcast) = crate::db::run(&state.pool, move |conn| {
        Ok((queries::authors(conn, id)?, queries::blogroll(conn, id)?, super::podcast::podcast(conn, id)?))
    })
    .await?;
    let cover = podcast.as_ref().and_then(|p| p.cover_media_id).map(|m| format!("/media/{m}/thumb"));
    let form = form.unwrap_or_else(|| BlogSettingsForm {
        title: blog.title.clone(),
        description: blog.description.clone(),
        blogroll: blogroll.iter().map(|l| format!("{} | {}", l.title, l.url)).collect::<Vec<_>>().join("\n"),
        podcast: podcast.as_ref().filter(|p| p.enabled).map(|_| "on".to_string()),
        podcast_category: podcast.as_ref().map(|p| p.category.clone()).unwrap_or_else(|| "Technology".into()),
        podcast_language: podcast.as_ref().map(|p| p.language.clone()).unwrap_or_else(|| ctx.lang.code().into()),
        podcast_author: podcast.as_ref().map(|p| p.author.clone()).unwrap_or_else(|| blog.title.clone()),
        podcast_email: podcast.as_ref().map(|p| p.owner_email.clone()).unwrap_or_default(),
        podcast_explicit: podcast.as_ref().filter(|p| p.explicit).map(|_| "on".to_string()),
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
        cover,
        categories: super::podcast::CATEGORIES,
        languages: super::podcast::LANGUAGES,
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
    upload: UploadForm<BlogSettingsForm>,
) -> AppResult<HttpResponse> {
    let blog = managed_blog(&ctx, &state, path.into_inner()).await?;
    let user_id = ctx.require_user()?.id;
    let UploadForm { form, files, refused } = upload;
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
    let podcast = form.podcast.is_some();
    let author = form.podcast_author.trim().to_string();
    let email = form.podcast_email.trim().to_string();
    // Checked whenever given (they are kept while the blog is not a podcast).
    if podcast || !author.is_empty() {
        if !super::podcast::CATEGORIES.contains(&form.podcast_category.as_str()) {
            errors.add("podcast_category", "err-podcast-category");
        }
        if !super::podcast::LANGUAGES.contains(&form.podcast_language.as_str()) {
            errors.add("podcast_language", "err-podcast-language");
        }
        if author.is_empty() || author.chars().count() > BLOG_TITLE_MAX {
            errors.add("podcast_author", "err-podcast-author");
        }
        if !email.is_empty() && crate::accounts::domain::Email::parse(&email).is_err() {
            errors.add("podcast_email", "err-email-invalid");
        }
    }
    if let Some(r) = refused.first() {
        errors.add("cover", r.key);
    }
    // New cover art, made into what podcast apps accept (refused with the reason otherwise).
    let mut new_cover = None;
    if errors.is_empty() {
        if let Some(file) = files.into_iter().next() {
            match crate::media::ingest_for(&state.pool, &state.media, user_id, file, crate::media::Purpose::Cover).await
            {
                Ok(u) => new_cover = Some(u.id),
                Err(key) => errors.add("cover", key),
            }
        }
    }
    let Some(links) = links.filter(|_| errors.is_empty()) else {
        return render_invalid(
            &settings_page(&ctx, &state, blog, SettingsState { form: Some(form), errors, ..Default::default() })
                .await?,
        );
    };
    let (id, description) = (blog.id, form.description.trim().to_string());
    let (category, language, explicit) =
        (form.podcast_category, form.podcast_language, form.podcast_explicit.is_some());
    crate::db::run_write(&state.pool, move |tx| {
        queries::update_blog(tx, id, &title, &description)?;
        queries::set_blogroll(tx, id, &links)?;
        let kept = super::podcast::podcast(tx, id)?.and_then(|p| p.cover_media_id);
        let details =
            (podcast || !author.is_empty() || new_cover.or(kept).is_some()).then(|| super::podcast::Podcast {
                blog_id: id,
                cover_media_id: new_cover.or(kept),
                category,
                language,
                author,
                owner_email: email,
                explicit,
                enabled: podcast,
            });
        Ok(super::podcast::save_podcast(tx, id, details.as_ref())?)
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
    let result = crate::db::run_write(&state.pool, move |tx| {
        let Some(user) = crate::accounts::queries::find_by_key(tx, &key)? else {
            return Ok(Err("err-author-unknown"));
        };
        if !user.roles().is_staff() {
            return Ok(Err("err-author-not-staff"));
        }
        queries::add_author(tx, blog_id, user.id)?;
        Ok(Ok(()))
    })
    .await?;
    author_changed(&ctx, &state, blog, result, form.username).await
}

/// Back to the blog's settings after adding or removing an author, or the page again with the
/// problem and the name typed.
async fn author_changed(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    blog: Blog,
    result: Result<(), &'static str>,
    typed: String,
) -> AppResult<HttpResponse> {
    match result {
        Ok(()) => Ok(redirect(&format!("/manage/blogs/{}?saved=1", crate::web::path_segment(&blog.slug)))),
        Err(key) => render_invalid(
            &settings_page(
                ctx,
                state,
                blog,
                SettingsState { author_error: ctx.t(key), author_input: typed, ..Default::default() },
            )
            .await?,
        ),
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
    let result = crate::db::run_write(&state.pool, move |tx| {
        let Some(user) = crate::accounts::queries::find_by_key(tx, &key)? else {
            return Ok(Err("err-author-unknown"));
        };
        // Removing someone who is not (or no longer) an author is done already: a double
        // submit ends where the first did.
        queries::remove_author(tx, blog_id, user.id)?;
        Ok(Ok(()))
    })
    .await?;
    author_changed(&ctx, &state, blog, result, form.username).await
}
