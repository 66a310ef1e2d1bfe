//! Reviews boards: products defined by admins, one rated review per member per product,
//! aggregates kept on the product row, and one official company response per review.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use std::collections::HashMap;

use super::panels::{Panel, PanelForm, TopicPanel};
use super::queries::{self as q, TopicFull};
use super::{Board, topic_path};
use crate::accounts::AuthorView;
use crate::content::kind::ContentKind;
use crate::content::{self, Placement, SafeHtml};
use crate::db::schema::{contents, products, reviews, topics, users};
use crate::db::{DbConn, Tx};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, Rendered, path_segment, redirect, render};

/// `contents.kind` of the company's official response to a review.
pub const KIND_RESPONSE: &str = "response";

/// The official response as a content kind: it lives on its review's page.
pub struct ResponseKind;

pub static RESPONSE: ResponseKind = ResponseKind;

impl ContentKind for ResponseKind {
    fn kind(&self) -> &'static str {
        KIND_RESPONSE
    }

    fn label_key(&self) -> &'static str {
        "response-title"
    }

    fn paths(&self, _conn: &mut DbConn, _ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        Ok(HashMap::new())
    }

    fn anchor_in_parent(&self, _id: i64) -> Option<String> {
        Some("#response".into())
    }

    fn permalink(&self, id: i64) -> String {
        format!("/content/{id}")
    }

    /// Shown with its review, not found on its own.
    fn searchable(&self) -> bool {
        false
    }
}

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

pub fn create_product(tx: &mut Tx<'_>, board_id: i64, name: &str, slug: &str, description: &str) -> QueryResult<i64> {
    diesel::insert_into(products::table)
        .values((
            products::board_id.eq(board_id),
            products::name.eq(name),
            products::slug.eq(slug),
            products::description.eq(description),
            products::created_at.eq(crate::now()),
        ))
        .returning(products::id)
        .get_result(tx.conn())
}

/// Move a product's aggregates by one review of `rating` (delta +1 to add, -1 to remove).
fn adjust(tx: &mut Tx<'_>, product_id: i64, rating: i32, delta: i32) -> QueryResult<()> {
    let target = products::table.find(product_id);
    diesel::update(target)
        .set((
            products::review_count.eq(products::review_count + delta),
            products::rating_sum.eq(products::rating_sum + rating * delta),
        ))
        .execute(tx.conn())?;
    match rating {
        1 => diesel::update(target).set(products::stars_1.eq(products::stars_1 + delta)).execute(tx.conn())?,
        2 => diesel::update(target).set(products::stars_2.eq(products::stars_2 + delta)).execute(tx.conn())?,
        3 => diesel::update(target).set(products::stars_3.eq(products::stars_3 + delta)).execute(tx.conn())?,
        4 => diesel::update(target).set(products::stars_4.eq(products::stars_4 + delta)).execute(tx.conn())?,
        _ => diesel::update(target).set(products::stars_5.eq(products::stars_5 + delta)).execute(tx.conn())?,
    };
    Ok(())
}

/// The review a member already wrote for a product, if any (topic id): one per member per
/// product, even while a moderator has it hidden.
pub fn existing_review(conn: &mut DbConn, product_id: i64, author_id: i64) -> QueryResult<Option<i64>> {
    reviews::table
        .filter(reviews::product_id.eq(product_id))
        .filter(reviews::author_id.eq(author_id))
        .select(reviews::topic_id)
        .first(conn)
        .optional()
}

/// Hold a product until commit: two reviews of it by one member at the same moment queue
/// here, and the second finds the first.
pub fn lock_product(tx: &mut Tx<'_>, product_id: i64) -> QueryResult<()> {
    tx.lock("products", "id", product_id)
}

/// Record the review row and its product's aggregates (inside the topic's unit of work, with
/// the product locked and no review of it by this member).
pub fn attach_review(tx: &mut Tx<'_>, topic_id: i64, product_id: i64, author_id: i64, rating: i32) -> QueryResult<()> {
    diesel::insert_into(reviews::table)
        .values((
            reviews::topic_id.eq(topic_id),
            reviews::product_id.eq(product_id),
            reviews::author_id.eq(author_id),
            reviews::rating.eq(rating),
        ))
        .execute(tx.conn())?;
    adjust(tx, product_id, rating, 1)
}

/// A review's topic appeared or disappeared (hidden, shown again, deleted): its rating counts
/// only while the topic is there.
pub fn review_visibility(tx: &mut Tx<'_>, topic_id: i64, visible: bool) -> QueryResult<()> {
    if let Some(r) = review_of(tx, topic_id)? {
        adjust(tx, r.product_id, r.rating, if visible { 1 } else { -1 })?;
    }
    Ok(())
}

/// A deleted review makes room for a new one by the same member.
pub fn remove_review(tx: &mut Tx<'_>, topic_id: i64) -> QueryResult<()> {
    diesel::delete(reviews::table.find(topic_id)).execute(tx.conn())?;
    Ok(())
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

/// Change a review's rating (its author editing, the topic locked), keeping the aggregates right.
pub fn change_rating(tx: &mut Tx<'_>, topic_id: i64, rating: i32) -> QueryResult<()> {
    let Some(r) = review_of(tx, topic_id)? else { return Ok(()) };
    if r.rating == rating {
        return Ok(());
    }
    diesel::update(reviews::table.find(r.topic_id)).set(reviews::rating.eq(rating)).execute(tx.conn())?;
    let counted: bool = topics::table.find(topic_id).select(topics::visible).first(tx.conn())?;
    if counted {
        adjust(tx, r.product_id, r.rating, -1)?;
        adjust(tx, r.product_id, rating, 1)?;
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
            users::roles,
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
        .map(|(topic_id, rating, response, title, excerpt, slug, created_at, username, display_name, roles)| {
            ReviewCard {
                topic_id,
                path: topic_path(&board.slug, topic_id, &slug),
                title,
                excerpt,
                rating,
                author: AuthorView::from_row(username, display_name, &roles),
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
        .filter(contents::live.eq(true))
        .select((contents::body_html, contents::created_at, users::all_columns))
        .first(conn)
        .optional()?;
    Ok(row.map(|(html, at, u)| (SafeHtml::from_stored(html), AuthorView::from(&u), at)))
}

/// Post the company's one official response (the review's topic locked) and tell the reviewer.
/// `None` when the review has a response already: a second one sent at the same moment changes
/// nothing.
pub fn respond(tx: &mut Tx<'_>, t: &TopicFull, author_id: i64, body_md: &str) -> QueryResult<Option<i64>> {
    let Some(r) = review_of(tx, t.topic.content_id)? else { return Ok(None) };
    if r.response_id.is_some() {
        return Ok(None);
    }
    let id = content::create_published(tx, KIND_RESPONSE, author_id, "", body_md, Placement::under(&t.content))?;
    let set = diesel::update(reviews::table.find(r.topic_id).filter(reviews::response_id.is_null()))
        .set(reviews::response_id.eq(Some(id)))
        .execute(tx.conn())?;
    if set == 0 {
        return Err(diesel::result::Error::RollbackTransaction);
    }
    crate::notifications::notify(
        tx,
        r.author_id,
        crate::notifications::KIND_RESPONSE,
        Some(author_id),
        id,
        &mut vec![author_id],
    )?;
    Ok(Some(id))
}

// ---------------------------------------------------------------- the topic page's panel

pub struct ReviewsPanel;

pub static PANEL: ReviewsPanel = ReviewsPanel;

#[derive(Template)]
#[template(path = "forums/panels/review_head.html")]
struct ReviewHead<'a> {
    ctx: &'a PageCtx,
    product_name: String,
    product_path: String,
    rating: i32,
}

impl ReviewHead<'_> {
    pub fn stars(&self) -> String {
        stars(self.rating)
    }
}

#[derive(Template)]
#[template(path = "forums/panels/review_response.html")]
struct ReviewResponse<'a> {
    ctx: &'a PageCtx,
    topic_id: i64,
    response: Option<(SafeHtml, AuthorView, NaiveDateTime)>,
    can_respond: bool,
    form: &'a PanelForm,
}

impl TopicPanel for ReviewsPanel {
    fn board_kind(&self) -> &'static str {
        super::BOARD_REVIEWS
    }

    fn render(
        &self,
        conn: &mut DbConn,
        ctx: &PageCtx,
        guard: &Guard,
        t: &TopicFull,
        form: &PanelForm,
    ) -> AppResult<Panel> {
        let Some(r) = review_of(conn, t.topic.content_id)? else { return Ok(Panel::default()) };
        let Some(product) = product_by_id(conn, r.product_id)? else { return Ok(Panel::default()) };
        let response = match r.response_id {
            Some(id) => response(conn, id)?,
            None => None,
        };
        Ok(Panel {
            head: Rendered::of(&ReviewHead {
                ctx,
                product_path: product.path(&t.board),
                product_name: product.name,
                rating: r.rating,
            })?,
            after_body: Rendered::of(&ReviewResponse {
                ctx,
                topic_id: t.topic.content_id,
                can_respond: r.response_id.is_none() && guard.can_speak_for_company(&t.facts()),
                response,
                form,
            })?,
        })
    }
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
    let board = super::access::visible_board(&ctx, &state, board_slug).await?;
    if !board.is_reviews() {
        return Err(AppError::NotFound);
    }
    let sort = ReviewSort::parse(&query.sort);
    let (b, viewer) = (board.clone(), ctx.viewer());
    let (product, reviews, mine, can_review) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let product = product_by_slug(conn, b.id, &product_slug)?.ok_or(AppError::NotFound)?;
        let reviews = reviews_of(conn, &b, product.id, sort, 100, 0)?;
        let mine = match guard.user_id() {
            Some(u) => existing_review(conn, product.id, u)?,
            None => None,
        };
        Ok((product, reviews, mine, guard.can_start_topic(&b.facts())))
    })
    .await?;
    let my_review = mine.and_then(|id| reviews.iter().find(|r| r.topic_id == id).map(|r| r.path.clone()));
    let path = product.path(&board);
    let meta = Meta::new(ctx.ta("product-title", &[("name", product.name.clone())]), path.clone()).description(
        ctx.ta("product-summary", &[("average", product.average()), ("count", product.review_count.to_string())]),
    );
    render(&ProductPage { can_review, meta, ctx: &ctx, board, product, reviews, sort: query.sort.clone(), my_review })
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
    CsrfForm(form): CsrfForm<ResponseForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let id = path.into_inner();
    let t: TopicFull = super::access::visible_topic(&ctx, &state, id).await?;
    let again = |error: String, text: String| super::panels::PanelForm { text, error };
    let problem = if form.body.trim().is_empty() {
        Some("err-body-empty")
    } else if form.body.chars().count() > 20_000 {
        Some("err-comment-long")
    } else {
        None
    };
    if let Some(key) = problem {
        return super::topic_page::render_topic(
            &ctx,
            &state,
            t,
            1,
            super::topic_page::TopicForms::panel(again(ctx.t(key), form.body)),
        )
        .await;
    }
    let (viewer, path, body) = (ctx.viewer(), t.path(), form.body.clone());
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
        return super::topic_page::render_topic(
            &ctx,
            &state,
            t,
            1,
            super::topic_page::TopicForms::panel(again(ctx.t("err-response-exists"), form.body)),
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
        Err(errors) => return super::admin::render_board_with_product_errors(&ctx, &state, board, form, errors).await,
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
        return super::admin::render_board_with_product_errors(&ctx, &state, board, form, errors).await;
    }
    Ok(redirect(&format!("/admin/forums/boards/{board_id}?saved=1")))
}
