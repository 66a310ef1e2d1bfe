//! Reviews boards: products defined by admins, one rated review per member per product,
//! aggregates kept on the product row, and one official company response per review.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::queries::{self as q, TopicFull};
use super::{Board, topic_path};
use crate::accounts::{AuthorView, Role};
use crate::content::{self, SafeHtml};
use crate::db::DbConn;
use crate::db::schema::{contents, products, reviews, topics, users};
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, path_segment, redirect, render};

pub const KIND_RESPONSE: &str = "response";

#[derive(Queryable, Clone, Debug)]
pub struct Product {
    pub id: i64,
    pub board_id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub review_count: i32,
    pub rating_sum: i32,
    pub stars_1: i32,
    pub stars_2: i32,
    pub stars_3: i32,
    pub stars_4: i32,
    pub stars_5: i32,
    pub created_at: NaiveDateTime,
}

impl Product {
    pub fn path(&self, board: &Board) -> String {
        format!("{}/products/{}", board.path(), path_segment(&self.slug))
    }

    /// Average rating with one decimal, e.g. "4.3".
    pub fn average(&self) -> String {
        if self.review_count == 0 {
            "—".into()
        } else {
            format!("{:.1}", f64::from(self.rating_sum) / f64::from(self.review_count))
        }
    }

    /// (stars, count, percent of reviews) from 5 down to 1.
    pub fn distribution(&self) -> Vec<(i32, i32, i32)> {
        let total = self.review_count.max(1);
        [(5, self.stars_5), (4, self.stars_4), (3, self.stars_3), (2, self.stars_2), (1, self.stars_1)]
            .into_iter()
            .map(|(s, n)| (s, n, n * 100 / total))
            .collect()
    }

    pub fn reviews(&self) -> i64 {
        i64::from(self.review_count)
    }
}

pub fn products_of(conn: &mut DbConn, board_id: i64) -> QueryResult<Vec<Product>> {
    products::table.filter(products::board_id.eq(board_id)).order(products::name.asc()).load(conn)
}

pub fn product_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<Product>> {
    products::table.find(id).first(conn).optional()
}

pub fn product_by_slug(conn: &mut DbConn, board_id: i64, slug: &str) -> QueryResult<Option<Product>> {
    products::table.filter(products::board_id.eq(board_id)).filter(products::slug.eq(slug)).first(conn).optional()
}

pub fn create_product(conn: &mut DbConn, board_id: i64, name: &str, slug: &str, description: &str) -> QueryResult<i64> {
    diesel::insert_into(products::table)
        .values((
            products::board_id.eq(board_id),
            products::name.eq(name),
            products::slug.eq(slug),
            products::description.eq(description),
            products::created_at.eq(crate::now()),
        ))
        .returning(products::id)
        .get_result(conn)
}

/// Move a product's aggregates by one review of `rating` (delta +1 to add, -1 to remove).
fn adjust(conn: &mut DbConn, product_id: i64, rating: i32, delta: i32) -> QueryResult<()> {
    let target = products::table.find(product_id);
    diesel::update(target)
        .set((
            products::review_count.eq(products::review_count + delta),
            products::rating_sum.eq(products::rating_sum + rating * delta),
        ))
        .execute(conn)?;
    match rating {
        1 => diesel::update(target).set(products::stars_1.eq(products::stars_1 + delta)).execute(conn)?,
        2 => diesel::update(target).set(products::stars_2.eq(products::stars_2 + delta)).execute(conn)?,
        3 => diesel::update(target).set(products::stars_3.eq(products::stars_3 + delta)).execute(conn)?,
        4 => diesel::update(target).set(products::stars_4.eq(products::stars_4 + delta)).execute(conn)?,
        _ => diesel::update(target).set(products::stars_5.eq(products::stars_5 + delta)).execute(conn)?,
    };
    Ok(())
}

/// The review a member already wrote for a product, if any (topic id).
pub fn existing_review(conn: &mut DbConn, product_id: i64, author_id: i64) -> QueryResult<Option<i64>> {
    reviews::table
        .inner_join(topics::table)
        .filter(reviews::product_id.eq(product_id))
        .filter(reviews::author_id.eq(author_id))
        .filter(topics::visible.eq(true))
        .select(reviews::topic_id)
        .first(conn)
        .optional()
}

/// Record the review row and its product's aggregates (inside the topic's transaction).
pub fn attach_review(
    conn: &mut DbConn,
    topic_id: i64,
    product_id: i64,
    author_id: i64,
    rating: i32,
) -> QueryResult<()> {
    // A deleted earlier review no longer counts: make room for the new one.
    diesel::delete(reviews::table.filter(reviews::product_id.eq(product_id)).filter(reviews::author_id.eq(author_id)))
        .execute(conn)?;
    diesel::insert_into(reviews::table)
        .values((
            reviews::topic_id.eq(topic_id),
            reviews::product_id.eq(product_id),
            reviews::author_id.eq(author_id),
            reviews::rating.eq(rating),
        ))
        .execute(conn)?;
    adjust(conn, product_id, rating, 1)
}

#[derive(Queryable, Clone, Debug)]
pub struct ReviewRow {
    pub topic_id: i64,
    pub product_id: i64,
    pub author_id: i64,
    pub rating: i32,
    pub response_id: Option<i64>,
}

pub fn review_of(conn: &mut DbConn, topic_id: i64) -> QueryResult<Option<ReviewRow>> {
    reviews::table.find(topic_id).first(conn).optional()
}

/// Change a review's rating (its author editing), keeping the aggregates right.
pub fn change_rating(conn: &mut DbConn, r: &ReviewRow, rating: i32) -> QueryResult<()> {
    if r.rating == rating {
        return Ok(());
    }
    conn.transaction(|conn| {
        diesel::update(reviews::table.find(r.topic_id)).set(reviews::rating.eq(rating)).execute(conn)?;
        adjust(conn, r.product_id, r.rating, -1)?;
        adjust(conn, r.product_id, rating, 1)
    })
}

/// When a review's topic is deleted, it stops counting.
pub fn forget_review(conn: &mut DbConn, topic_id: i64) -> QueryResult<()> {
    if let Some(r) = review_of(conn, topic_id)? {
        adjust(conn, r.product_id, r.rating, -1)?;
    }
    Ok(())
}

/// A review as the product page lists it.
#[derive(Clone, Debug)]
pub struct ReviewCard {
    pub topic_id: i64,
    pub title: String,
    pub path: String,
    pub excerpt: String,
    pub rating: i32,
    pub author: AuthorView,
    pub created_at: NaiveDateTime,
    pub has_response: bool,
}

impl ReviewCard {
    pub fn stars(&self) -> String {
        stars(self.rating)
    }
}

pub fn stars(rating: i32) -> String {
    let r = rating.clamp(0, 5) as usize;
    format!("{}{}", "★".repeat(r), "☆".repeat(5 - r))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewSort {
    Newest,
    Highest,
    Lowest,
}

impl ReviewSort {
    pub fn parse(s: &str) -> ReviewSort {
        match s {
            "highest" => ReviewSort::Highest,
            "lowest" => ReviewSort::Lowest,
            _ => ReviewSort::Newest,
        }
    }
}

type CardRow = (i64, i32, Option<i64>, String, String, String, NaiveDateTime, String, String, String);

pub fn reviews_of(
    conn: &mut DbConn,
    board: &Board,
    product_id: i64,
    sort: ReviewSort,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<ReviewCard>> {
    let q = reviews::table
        .inner_join(topics::table)
        .inner_join(contents::table.on(contents::id.eq(reviews::topic_id)))
        .inner_join(users::table.on(users::id.eq(reviews::author_id)))
        .filter(reviews::product_id.eq(product_id))
        .filter(topics::visible.eq(true))
        .select((
            reviews::topic_id,
            reviews::rating,
            reviews::response_id,
            contents::title,
            contents::excerpt,
            topics::slug,
            contents::created_at,
            users::username,
            users::display_name,
            users::role,
        ))
        .limit(limit)
        .offset(offset)
        .into_boxed();
    let q = match sort {
        ReviewSort::Newest => q.order(reviews::topic_id.desc()),
        ReviewSort::Highest => q.order((reviews::rating.desc(), reviews::topic_id.desc())),
        ReviewSort::Lowest => q.order((reviews::rating.asc(), reviews::topic_id.desc())),
    };
    let rows: Vec<CardRow> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(topic_id, rating, response, title, excerpt, slug, created_at, username, display_name, role)| {
            ReviewCard {
                topic_id,
                path: topic_path(&board.slug, topic_id, &slug),
                title,
                excerpt,
                rating,
                author: AuthorView { username, display_name, role: Role::parse(&role).unwrap_or(Role::Member) },
                created_at,
                has_response: response.is_some(),
            }
        })
        .collect())
}

/// The official response under a review: (html, author, when).
pub fn response(conn: &mut DbConn, response_id: i64) -> QueryResult<Option<(SafeHtml, AuthorView, NaiveDateTime)>> {
    let row: Option<(String, NaiveDateTime, crate::accounts::User)> = contents::table
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(contents::id.eq(response_id))
        .filter(contents::deleted_at.is_null())
        .select((contents::body_html, contents::created_at, users::all_columns))
        .first(conn)
        .optional()?;
    Ok(row.map(|(html, at, u)| (SafeHtml::from_stored(html), AuthorView::from(&u), at)))
}

/// Post the company's one official response and tell the reviewer.
pub fn respond(conn: &mut DbConn, r: &ReviewRow, author_id: i64, body_md: &str) -> QueryResult<i64> {
    conn.transaction(|conn| {
        let id = content::create_published(conn, KIND_RESPONSE, author_id, "", body_md)?;
        diesel::update(reviews::table.find(r.topic_id)).set(reviews::response_id.eq(Some(id))).execute(conn)?;
        crate::notifications::create(
            conn,
            r.author_id,
            crate::notifications::KIND_RESPONSE,
            Some(author_id),
            Some(r.topic_id),
        )?;
        Ok(id)
    })
}

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
    let board = super::handlers::visible_board(&ctx, &state, board_slug).await?;
    if !board.is_reviews() {
        return Err(AppError::NotFound);
    }
    let sort = ReviewSort::parse(&query.sort);
    let (b, viewer) = (board.clone(), ctx.user_id());
    let (product, reviews, mine) = crate::db::run(&state.pool, move |conn| {
        let product = product_by_slug(conn, b.id, &product_slug)?.ok_or(AppError::NotFound)?;
        let reviews = reviews_of(conn, &b, product.id, sort, 100, 0)?;
        let mine = match viewer {
            Some(u) => existing_review(conn, product.id, u)?,
            None => None,
        };
        Ok((product, reviews, mine))
    })
    .await?;
    let my_review = mine.and_then(|id| reviews.iter().find(|r| r.topic_id == id).map(|r| r.path.clone()));
    let path = product.path(&board);
    let meta = Meta::new(ctx.ta("product-title", &[("name", product.name.clone())]), path.clone()).description(
        ctx.ta("product-summary", &[("average", product.average()), ("count", product.review_count.to_string())]),
    );
    render(&ProductPage {
        can_review: board.can_start_topic(ctx.user.as_ref()),
        meta,
        ctx: &ctx,
        board,
        product,
        reviews,
        sort: query.sort.clone(),
        my_review,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResponseForm {
    pub body: String,
}

/// An employee posts the company's official response under a review (once).
pub async fn post_response(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ResponseForm>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?.clone();
    if !user.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let id = path.into_inner();
    let t: TopicFull = super::handlers::visible_topic(&ctx, &state, id).await?;
    let review = crate::db::run(&state.pool, move |conn| review_of(conn, id)?.ok_or(AppError::NotFound)).await?;
    if review.response_id.is_some() {
        return super::handlers::render_topic(
            &ctx,
            &state,
            t,
            1,
            super::handlers::TopicForms {
                response_body: form.body,
                response_error: ctx.t("err-response-exists"),
                ..Default::default()
            },
        )
        .await;
    }
    let mut errors = FieldErrors::default();
    if form.body.trim().is_empty() {
        errors.add("body", "err-body-empty");
    } else if form.body.chars().count() > 20_000 {
        errors.add("body", "err-comment-long");
    }
    if !errors.is_empty() {
        return super::handlers::render_topic(
            &ctx,
            &state,
            t,
            1,
            super::handlers::TopicForms {
                response_body: form.body,
                response_error: ctx.t(errors.get("body")),
                ..Default::default()
            },
        )
        .await;
    }
    let path = t.path();
    crate::db::run(&state.pool, move |conn| Ok(respond(conn, &review, user.id, &form.body)?)).await?;
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
        Err(errors) => return super::admin::render_board_with_product_errors(&ctx, &state, board, form, errors).await,
    };
    let saved =
        crate::db::run(&state.pool, move |conn| match create_product(conn, board_id, &name, &slug, &description) {
            Ok(_) => Ok(true),
            Err(e) if crate::db::is_unique_violation(&e) => Ok(false),
            Err(e) => Err(AppError::from(e)),
        })
        .await?;
    if !saved {
        let mut errors = FieldErrors::default();
        errors.add("product_slug", "err-product-slug-taken");
        return super::admin::render_board_with_product_errors(&ctx, &state, board, form, errors).await;
    }
    Ok(redirect(&format!("/admin/forums/boards/{board_id}?saved=1")))
}
