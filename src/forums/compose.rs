//! Writing in the forums: starting a topic (a review with its product and rating, an idea),
//! and editing a topic or a reply. Every save checks the policy again inside its unit of work.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::Board;
use super::access::{visible_board, visible_topic};
use super::queries::{self as q, TopicInput};
use crate::content::{Body, SafeHtml, tags};
use crate::error::{AppError, AppResult};
use crate::media::upload::UploadForm;
use crate::policy::{Guard, Place};
use crate::web::{AppState, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

pub const BODY_MAX: usize = 50_000;

// ---------------------------------------------------------------- new topic

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TopicForm {
    pub title: String,
    pub body: String,
    pub tags: String,
    pub action: String,
    /// Reviews: the product's slug and the 1–5 rating.
    pub product: String,
    pub rating: String,
}

#[derive(Template)]
#[template(path = "forums/topic_editor.html")]
struct TopicEditorPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    board: Board,
    form: TopicForm,
    errors: FieldErrors,
    preview: Option<SafeHtml>,
    action_url: String,
    is_new: bool,
    back: String,
    products: Vec<super::reviews::Product>,
    /// A second review of the same product: where the first one is.
    existing_review: Option<String>,
}

/// Check a topic form; a valid body is rendered here, before any unit of work begins.
async fn check_topic(
    state: &AppState,
    author_id: i64,
    form: &TopicForm,
    with_tags: bool,
) -> Result<TopicInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let title = crate::content::check_title(&form.title, &mut errors);
    check_body(&form.body, &mut errors);
    let tags = if with_tags {
        tags::parse_list(&form.tags).unwrap_or_else(|k| {
            errors.add("tags", k);
            Vec::new()
        })
    } else {
        Vec::new()
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    match crate::media::prepare_body(state, author_id, form.body.clone()).await {
        Ok(body) => Ok(TopicInput { title, body, tags }),
        Err(k) => {
            errors.add("body", k);
            Err(errors)
        }
    }
}

/// A reply's body checked and rendered (before any unit of work): the catalog key of the problem.
pub async fn prepared_body(state: &AppState, author_id: i64, body: &str) -> Result<Body, &'static str> {
    let mut errors = FieldErrors::default();
    check_body(body, &mut errors);
    match errors.0.first() {
        Some((_, key)) => Err(key),
        None => crate::media::prepare_body(state, author_id, body).await,
    }
}

pub fn check_body(body: &str, errors: &mut FieldErrors) {
    if body.trim().is_empty() {
        errors.add("body", "err-body-empty");
    } else if body.chars().count() > BODY_MAX {
        errors.add("body", "err-forum-body-long");
    } else if let Err(k) = crate::content::markdown::check_nesting(body) {
        errors.add("body", k);
    }
}

async fn startable_board(ctx: &PageCtx, state: &web::Data<AppState>, slug: String) -> AppResult<Board> {
    ctx.require_user()?;
    let board = visible_board(ctx, state, slug).await?;
    let (b, viewer) = (board.clone(), ctx.viewer());
    let allowed =
        crate::db::run(&state.pool, move |conn| Ok(Guard::load(conn, &viewer)?.can_start_topic(&b.facts()))).await?;
    if allowed { Ok(board) } else { Err(AppError::Forbidden) }
}

pub async fn board_products(state: &web::Data<AppState>, board: &Board) -> AppResult<Vec<super::reviews::Product>> {
    if !board.is_reviews() {
        return Ok(Vec::new());
    }
    let id = board.id;
    crate::db::run(&state.pool, move |conn| Ok(super::reviews::products_of(conn, id)?)).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewTopicQuery {
    pub product: String,
}

pub async fn new_topic_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<NewTopicQuery>,
) -> AppResult<HttpResponse> {
    let board = startable_board(&ctx, &state, path.into_inner()).await?;
    let products = board_products(&state, &board).await?;
    render(&TopicEditorPage {
        meta: Meta::new(ctx.t(board.start_key()), format!("{}/new", board.path())).noindex(),
        action_url: format!("{}/new", board.path()),
        back: board.path(),
        ctx: &ctx,
        board,
        form: TopicForm { product: query.product.clone(), ..Default::default() },
        errors: FieldErrors::default(),
        preview: None,
        is_new: true,
        products,
        existing_review: None,
    })
}

pub async fn create_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    upload: UploadForm<TopicForm>,
) -> AppResult<HttpResponse> {
    let board = startable_board(&ctx, &state, path.into_inner()).await?;
    let author_id = ctx.require_user()?.id;
    let (form, attach_problem) = upload.attach(&state, author_id, |f| &mut f.body).await;
    let products = board_products(&state, &board).await?;
    let page = |form: TopicForm, errors: FieldErrors, preview: Option<SafeHtml>| TopicEditorPage {
        products: products.clone(),
        existing_review: None,
        meta: Meta::new(ctx.t(board.start_key()), format!("{}/new", board.path())).noindex(),
        action_url: format!("{}/new", board.path()),
        back: board.path(),
        ctx: &ctx,
        board: board.clone(),
        form,
        errors,
        preview,
        is_new: true,
    };
    if form.action == "preview" {
        return match crate::content::preview(&state, author_id, &form.body, BODY_MAX, "err-forum-body-long").await {
            Ok(preview) => render(&page(form, FieldErrors::default(), Some(preview))),
            Err(errors) => render_invalid(&page(form, errors, None)),
        };
    }
    if let Some(key) = attach_problem {
        let status = crate::media::upload::status_for(key);
        return crate::web::render_status(status, &page(form, FieldErrors(vec![("files", key)]), None));
    }
    // Watched words, a new member's limits and the board's pre-moderation (replacements are
    // made in the typed text, which the form shows again if something else is wrong).
    let screened = crate::moderation::screen::screen(
        &state,
        author_id,
        &crate::moderation::screen::Rules::of_board(&board),
        &form.title,
        &form.body,
    )
    .await?;
    let mut form = form;
    form.title = screened.title.clone();
    form.body = screened.body.clone();
    let checked = check_topic(&state, author_id, &form, true).await;
    // Reviews also need a product of this board and a rating from 1 to 5.
    let mut review: Option<(i64, i32)> = None;
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    if board.is_reviews() {
        let product = products.iter().find(|p| p.slug == form.product);
        let rating = form.rating.trim().parse::<i32>().ok().filter(|r| (1..=5).contains(r));
        if product.is_none() {
            errors.add("product", "err-review-product");
        }
        if rating.is_none() {
            errors.add("rating", "err-review-rating");
        }
        if let (Some(p), Some(r)) = (product, rating) {
            review = Some((p.id, r));
        }
    }
    let mut input = match checked {
        Ok(i) if errors.is_empty() => i,
        _ => return render_invalid(&page(form, errors, None)),
    };
    for tag in &screened.tags {
        if let Ok(t) = tags::TagName::parse(tag)
            && !input.tags.iter().any(|have| have.slug == t.slug)
        {
            input.tags.push(t);
        }
    }
    let held = screened.hold.clone();
    let (b, user_id, viewer) = (board.clone(), ctx.require_user()?.id, ctx.viewer());
    let kinds = state.kinds;
    let outcome = crate::db::run_write(&state.pool, move |tx| {
        let author = crate::accounts::queries::find(tx, user_id)?.ok_or(AppError::Forbidden)?;
        // The board's rules may have changed since the form was opened.
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_start_topic(&b.facts()) {
            return Err(AppError::Forbidden);
        }
        if let Some((product_id, _)) = review {
            // One review per member per product: two sent at once queue on the product.
            super::reviews::lock_product(tx, product_id)?;
            if let Some(existing) = super::reviews::existing_review(tx, product_id, user_id)? {
                return Ok(Err(kinds.path_of(tx, existing)?.unwrap_or_else(|| b.path())));
            }
        }
        let id = match review {
            Some((product_id, rating)) => q::create_topic(tx, &b, &author, &input, |tx, id| {
                super::reviews::attach_review(tx, id, product_id, user_id, rating)
            })?,
            None if b.is_ideas() => q::create_topic(tx, &b, &author, &input, super::ideas::attach_idea)?,
            None => q::create_topic(tx, &b, &author, &input, |_, _| Ok(()))?,
        };
        if let Some(h) = &held {
            crate::moderation::screen::hold(tx, id, h)?;
        }
        Ok(Ok(q::topic(tx, id)?.ok_or(AppError::NotFound)?.path()))
    })
    .await?;
    match outcome {
        Ok(path) => Ok(redirect(&path)),
        Err(existing) => {
            // One review per member per product: offer to edit the first one; keep the text.
            let mut errors = FieldErrors::default();
            errors.add("product", "err-review-exists");
            let mut view = page(form, errors, None);
            view.existing_review = Some(existing);
            render_invalid(&view)
        }
    }
}

#[derive(Template)]
#[template(path = "forums/reply_editor.html")]
struct ReplyEditorPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    id: i64,
    body: String,
    errors: FieldErrors,
    back: String,
}

/// A topic the viewer may edit (its author), or 403/404.
async fn editable_topic(ctx: &PageCtx, state: &web::Data<AppState>, id: i64) -> AppResult<q::TopicFull> {
    ctx.require_user()?;
    let t = visible_topic(ctx, state, id).await?;
    let viewer = ctx.viewer();
    let facts = t.facts();
    let allowed = crate::db::run(&state.pool, move |conn| Ok(Guard::load(conn, &viewer)?.can_edit_own(&facts))).await?;
    if allowed { Ok(t) } else { Err(AppError::Forbidden) }
}

pub async fn edit_topic_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let t = editable_topic(&ctx, &state, path.into_inner()).await?;
    let id = t.topic.content_id;
    let rating =
        crate::db::run(&state.pool, move |conn| Ok(super::reviews::review_of(conn, id)?.map(|r| r.rating))).await?;
    let form = TopicForm {
        title: t.content.title.clone(),
        body: t.content.body_md.clone(),
        rating: rating.map(|r| r.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    render(&TopicEditorPage {
        meta: Meta::new(ctx.t(t.board.edit_key()), format!("/topics/{}/edit", t.topic.content_id)).noindex(),
        action_url: format!("/topics/{}/edit", t.topic.content_id),
        back: t.path(),
        ctx: &ctx,
        board: t.board,
        form,
        errors: FieldErrors::default(),
        preview: None,
        is_new: false,
        products: Vec::new(),
        existing_review: None,
    })
}

pub async fn edit_topic(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    upload: UploadForm<TopicForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let t = editable_topic(&ctx, &state, path.into_inner()).await?;
    let author_id = t.content.author_id;
    let (form, attach_problem) = upload.attach(&state, author_id, |f| &mut f.body).await;
    let id = t.topic.content_id;
    let page = |form: TopicForm, errors: FieldErrors, preview: Option<SafeHtml>| TopicEditorPage {
        meta: Meta::new(ctx.t(t.board.edit_key()), format!("/topics/{id}/edit")).noindex(),
        action_url: format!("/topics/{id}/edit"),
        back: t.path(),
        ctx: &ctx,
        board: t.board.clone(),
        form,
        errors,
        preview,
        is_new: false,
        products: Vec::new(),
        existing_review: None,
    };
    if form.action == "preview" {
        return match crate::content::preview(&state, author_id, &form.body, BODY_MAX, "err-forum-body-long").await {
            Ok(preview) => render(&page(form, FieldErrors::default(), Some(preview))),
            Err(errors) => render_invalid(&page(form, errors, None)),
        };
    }
    if let Some(key) = attach_problem {
        let status = crate::media::upload::status_for(key);
        return crate::web::render_status(status, &page(form, FieldErrors(vec![("files", key)]), None));
    }
    // Watched words apply to edits too (pre-moderation does not: the topic is out already).
    let screened = crate::moderation::screen::screen(
        &state,
        author_id,
        &crate::moderation::screen::Rules::for_edit(),
        &form.title,
        &form.body,
    )
    .await?;
    let mut form = form;
    form.title = screened.title.clone();
    form.body = screened.body.clone();
    let checked = check_topic(&state, author_id, &form, false).await;
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    // A review's author may change the rating too.
    let rating = if t.board.is_reviews() {
        let r = form.rating.trim().parse::<i32>().ok().filter(|r| (1..=5).contains(r));
        if r.is_none() {
            errors.add("rating", "err-review-rating");
        }
        r
    } else {
        None
    };
    let mut input = match checked {
        Ok(i) if errors.is_empty() => i,
        _ => return render_invalid(&page(form, errors, None)),
    };
    for tag in &screened.tags {
        if let Ok(t) = tags::TagName::parse(tag)
            && !input.tags.iter().any(|have| have.slug == t.slug)
        {
            input.tags.push(t);
        }
    }
    let held = screened.hold.clone();
    let viewer = ctx.viewer();
    let path = crate::db::run_write(&state.pool, move |tx| {
        let old = crate::content::lock(tx, id)?.ok_or(AppError::NotFound)?;
        q::lock_topic(tx, id)?;
        if !Guard::fresh(tx, &viewer)?.can_edit_own(&old.facts()) {
            return Err(AppError::Forbidden);
        }
        q::edit(tx, &old, user_id, Some(&input.title), &input.body)?;
        if let Some(h) = &held
            && !old.is_hidden()
        {
            crate::moderation::screen::hold(tx, id, h)?;
        }
        if let Some(rating) = rating {
            super::reviews::change_rating(tx, id, rating)?;
        }
        Ok(q::topic(tx, id)?.ok_or(AppError::NotFound)?.path())
    })
    .await?;
    Ok(redirect(&path))
}

/// A reply the viewer may edit (its author), with its topic and position, or 403/404.
async fn own_reply(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    id: i64,
) -> AppResult<(crate::content::Content, q::TopicFull, i32)> {
    ctx.require_user()?;
    let (viewer, path) = (ctx.viewer(), ctx.path.clone());
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let (topic_id, position, c) = q::reply(conn, id)?.ok_or(AppError::NotFound)?;
        let t = super::access::readable_topic(conn, &guard, topic_id, &path)?;
        if !guard.can_read(&c.facts(), Place::None) {
            return Err(AppError::NotFound);
        }
        if !guard.can_edit_own(&c.facts()) {
            return Err(AppError::Forbidden);
        }
        Ok((c, t, position))
    })
    .await
}

pub async fn edit_reply_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<i64>) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (c, t, position) = own_reply(&ctx, &state, id).await?;
    render(&ReplyEditorPage {
        meta: Meta::new(ctx.t("reply-edit-title"), format!("/replies/{id}/edit")).noindex(),
        ctx: &ctx,
        id,
        body: c.body_md,
        errors: FieldErrors::default(),
        back: super::reply_path(&t.path(), id, position),
    })
}

pub async fn edit_reply(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    upload: UploadForm<ReplyForm>,
) -> AppResult<HttpResponse> {
    let id = path.into_inner();
    let (c, t, position) = own_reply(&ctx, &state, id).await?;
    let back = super::reply_path(&t.path(), id, position);
    let mut errors = FieldErrors::default();
    let (form, attach_problem) = upload.attach(&state, c.author_id, |f| &mut f.body).await;
    if let Some(key) = attach_problem {
        errors.add("files", key);
    }
    let body = match attach_problem {
        Some(key) => Err(key),
        None => prepared_body(&state, c.author_id, &form.body).await,
    };
    if let (Err(key), false) = (&body, errors.has("files")) {
        errors.add("body", key);
    }
    let Ok(body) = body else {
        return render_invalid(&ReplyEditorPage {
            meta: Meta::new(ctx.t("reply-edit-title"), format!("/replies/{id}/edit")).noindex(),
            ctx: &ctx,
            id,
            body: form.body,
            errors,
            back,
        });
    };
    let (user_id, viewer) = (ctx.require_user()?.id, ctx.viewer());
    crate::db::run_write(&state.pool, move |tx| {
        let old = crate::content::lock(tx, id)?.ok_or(AppError::NotFound)?;
        if !Guard::fresh(tx, &viewer)?.can_edit_own(&old.facts()) {
            return Err(AppError::Forbidden);
        }
        Ok(q::edit(tx, &old, user_id, None, &body)?)
    })
    .await?;
    Ok(redirect(&back))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReplyForm {
    pub body: String,
}
