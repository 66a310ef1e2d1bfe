//! This board kind's pages and forms.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::content;
use crate::error::{AppError, AppResult};
use crate::forums::Board;
use crate::forums::queries::{self as q, TopicFull};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render};

use super::*;

// ---------------------------------------------------------------- pages

#[derive(Template)]
#[template(path = "forums/product.html")]
struct ProductPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    board: Board,
    product: Product,
    reviews: Vec<ReviewCard>,
    sort: String,
    my_review: Option<String>,
    can_review: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SortQuery {
    pub sort: String,
}

pub async fn product(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<SortQuery>,
) -> AppResult<HttpResponse> {
    let (board_slug, product_slug) = path.into_inner();
    let board = crate::forums::access::visible_board(&ctx, &state, board_slug).await?;
    if !board.is_reviews() {
        return Err(AppError::NotFound);
    }
    let sort = ReviewSort::parse(&query.sort);
    let (b, viewer) = (board.clone(), ctx.viewer());
    let (product, reviews, mine, can_review) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let product = product_by_slug(conn, b.id, &product_slug)?.ok_or(AppError::NotFound)?;
        let reviews = reviews_of(conn, &guard, &b, product.id, sort, 100, 0)?;
        let mine = match guard.user_id() {
            Some(u) => existing_review(conn, product.id, u)?,
            None => None,
        };
        Ok((product, reviews, mine, guard.can_start_topic(&b.facts())))
    })
    .await?;
    let my_review = mine.and_then(|id| reviews.iter().find(|r| r.topic_id == id).map(|r| r.path.clone()));
    let path = product.path(&board);
    let mut meta = Meta::new(ctx.ta("product-title", &[("name", product.name.clone())]), path.clone())
        .description(
            ctx.ta("product-summary", &[("average", product.average()), ("count", product.review_count.to_string())]),
        )
        .trail(
            &ctx,
            vec![
                (ctx.t("forums-title"), "/forums".into()),
                (board.name.clone(), board.path()),
                (product.name.clone(), path.clone()),
            ],
        );
    meta.structured.push(product_data(&ctx, &product, &path, &reviews));
    let key = crate::content::listing::place_key(crate::content::PLACE_BOARD, board.id);
    let page = render(&ProductPage {
        can_review,
        meta,
        ctx: &ctx,
        board,
        product,
        reviews,
        sort: query.sort.clone(),
        my_review,
    })?;
    Ok(crate::web::cache::keep(page, [key]))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResponseForm {
    pub body: String,
}

/// An employee posts the company's official response under a review (once). A second response
/// (sent at the same moment, or later) is refused with the text kept.
pub async fn post_response(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    upload: crate::media::upload::UploadForm<ResponseForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let id = path.into_inner();
    let t: TopicFull = crate::forums::access::visible_topic(&ctx, &state, id).await?;
    let (form, attach_problem) = upload.attach(&state, user_id, |f| &mut f.body).await;
    let again = |error: String, text: String| crate::forums::panels::PanelForm { text, error, ..Default::default() };
    let problem = if let Some(key) = attach_problem {
        Some(key)
    } else if form.body.trim().is_empty() {
        Some("err-body-empty")
    } else if form.body.chars().count() > 20_000 {
        Some("err-comment-long")
    } else {
        None
    };
    let body = match problem {
        Some(key) => Err(key),
        None => crate::media::prepare_body(&state, user_id, form.body.clone()).await,
    };
    let body = match body {
        Ok(body) => body,
        Err(key) => {
            return crate::forums::topic_page::render_topic(
                &ctx,
                &state,
                t,
                1,
                crate::forums::topic_page::TopicForms::panel(again(ctx.t(key), form.body)),
            )
            .await;
        }
    };
    let (viewer, path) = (ctx.viewer(), t.path());
    let posted = crate::db::run_write(&state.pool, move |tx| {
        let t = q::lock_topic(tx, id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if review_of(tx, id)?.is_none() {
            return Err(AppError::NotFound);
        }
        if !guard.can_speak_for_company(&t.facts()) {
            return Err(AppError::Forbidden);
        }
        Ok(respond(tx, &t, user_id, &body)?.is_some())
    })
    .await?;
    if !posted {
        return crate::forums::topic_page::render_topic(
            &ctx,
            &state,
            t,
            1,
            crate::forums::topic_page::TopicForms::panel(again(ctx.t("err-response-exists"), form.body)),
        )
        .await;
    }
    Ok(redirect(&format!("{path}#response")))
}

// ---------------------------------------------------------------- admin: products

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProductForm {
    pub name: String,
    pub slug: String,
    pub description: String,
}

pub fn check_product(form: &ProductForm) -> Result<(String, String, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = form.name.trim().to_string();
    if name.is_empty() {
        errors.add("product_name", "err-product-name-empty");
    } else if name.chars().count() > 80 {
        errors.add("product_name", "err-board-name-long");
    }
    let slug =
        if form.slug.trim().is_empty() { content::slug::slugify(&name) } else { form.slug.trim().to_lowercase() };
    if slug.is_empty() || !content::slug::is_valid(&slug) {
        errors.add("product_slug", "err-slug-invalid");
    }
    if form.description.chars().count() > 500 {
        errors.add("product_description", "err-description-long");
    }
    if errors.is_empty() { Ok((name, slug, form.description.trim().to_string())) } else { Err(errors) }
}

pub async fn add_product(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let board_id = path.into_inner();
    let board = crate::db::run(&state.pool, move |conn| q::board(conn, board_id)?.ok_or(AppError::NotFound)).await?;
    if !board.is_reviews() {
        return Err(AppError::NotFound);
    }
    let checked = check_product(&form);
    let (name, slug, description) = match checked {
        Ok(v) => v,
        Err(errors) => {
            return crate::forums::admin::render_board_with_product_errors(&ctx, &state, board, form, errors).await;
        }
    };
    let saved = crate::db::run_write(&state.pool, move |tx| {
        if product_by_slug(tx, board_id, &slug)?.is_some() {
            return Ok(false);
        }
        create_product(tx, board_id, &name, &slug, &description)?;
        Ok(true)
    })
    .await?;
    if !saved {
        let mut errors = FieldErrors::default();
        errors.add("product_slug", "err-product-slug-taken");
        return crate::forums::admin::render_board_with_product_errors(&ctx, &state, board, form, errors).await;
    }
    Ok(redirect(&format!("/admin/forums/boards/{board_id}?saved=1")))
}

/// A product as schema.org's `Product`: its average rating over every review, and the reviews
/// shown (at most ten).
fn product_data(ctx: &PageCtx, product: &Product, path: &str, reviews: &[ReviewCard]) -> serde_json::Value {
    use crate::web::structured::{date, person};
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": ctx.absolute(path),
    });
    if !product.description.is_empty() {
        v["description"] = product.description.clone().into();
    }
    if product.review_count > 0 {
        v["aggregateRating"] = serde_json::json!({
            "@type": "AggregateRating",
            "ratingValue": product.average(),
            "reviewCount": product.review_count,
            "bestRating": 5,
            "worstRating": 1,
        });
        let shown: Vec<serde_json::Value> = reviews
            .iter()
            .take(10)
            .map(|r| {
                serde_json::json!({
                    "@type": "Review",
                    "name": r.title,
                    "reviewBody": r.excerpt,
                    "url": ctx.absolute(&r.path),
                    "author": person(ctx, &r.author),
                    "datePublished": date(&r.created_at),
                    "reviewRating": { "@type": "Rating", "ratingValue": r.rating, "bestRating": 5, "worstRating": 1 },
                })
            })
            .collect();
        v["review"] = shown.into();
    }
    v
}
