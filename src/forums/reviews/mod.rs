//! Reviews boards: products defined by admins, one rated review per member per product,
//! aggregates kept on the product row, and one official company response per review.

mod pages;
mod panel;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::web::Lang;

use super::queries::TopicFull;
use super::{Board, topic_path};
use crate::accounts::AuthorView;
use crate::content::kind::{ContentKind, ModeratorEdit};
use crate::content::{self, Placement, SafeHtml};
use crate::db::schema::{contents, products, reviews, topics, users};
use crate::db::{DbConn, Tx};
use crate::web::path_segment;

pub use pages::{ProductForm, add_product, check_product, post_response, product};
pub use panel::PANEL;

/// `contents.kind` of the company's official response to a review.
pub const KIND_RESPONSE: &str = "response";

/// The official response as a content kind: it lives on its review's page.
pub struct ResponseKind;

pub static RESPONSE: ResponseKind = ResponseKind;

impl ContentKind for ResponseKind {
    fn kind(&self) -> &'static str {
        KIND_RESPONSE
    }

    fn moderator_edit(&self) -> Option<ModeratorEdit> {
        Some(ModeratorEdit { titled: false, max_chars: crate::forums::compose::BODY_MAX })
    }

    fn label_key(&self) -> &'static str {
        "response-title"
    }

    fn noun_key(&self) -> &'static str {
        "noun-response"
    }

    fn anchor_in_parent(&self, _id: i64) -> Option<String> {
        Some("#response".into())
    }

    fn feed_title(&self, _title: &str, _author: &str, lang: Lang) -> String {
        lang.t("response-title")
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
        product_path(board, &self.slug)
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

/// A product's address on its board.
pub fn product_path(board: &Board, slug: &str) -> String {
    format!("{}/products/{}", board.path(), path_segment(slug))
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
    guard: &crate::policy::Guard,
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
        .into_boxed()
        .filter(guard.content_filter())
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
        .offset(offset);
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

/// The official response under a review, as its page shows it.
#[derive(Clone, Debug)]
pub struct ResponseView {
    pub id: i64,
    pub html: SafeHtml,
    pub author: AuthorView,
    pub at: NaiveDateTime,
    /// Hidden by a moderator: shown, marked, to moderators and its author only.
    pub hidden: bool,
    pub can_hide: bool,
}

/// The official response under a review whose page the viewer is reading, if they may read it.
pub fn response(
    conn: &mut DbConn,
    guard: &crate::policy::Guard,
    response_id: i64,
) -> QueryResult<Option<ResponseView>> {
    let row: Option<(content::Content, crate::accounts::User)> = contents::table
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(contents::id.eq(response_id))
        .select((contents::all_columns, users::all_columns))
        .first(conn)
        .optional()?;
    Ok(row.filter(|(c, _)| guard.can_read_under(&c.facts(), true)).map(|(c, u)| ResponseView {
        id: c.id,
        html: c.html(),
        author: AuthorView::from(&u),
        at: c.created_at,
        hidden: c.is_hidden(),
        can_hide: guard.can_hide(&c.facts()),
    }))
}

/// Post the company's one official response (the review's topic locked) and tell the reviewer.
/// `None` when the review has a response already: a second one sent at the same moment changes
/// nothing.
pub fn respond(tx: &mut Tx<'_>, t: &TopicFull, author_id: i64, body: &content::Body) -> QueryResult<Option<i64>> {
    let Some(r) = review_of(tx, t.topic.content_id)? else { return Ok(None) };
    if r.response_id.is_some() {
        return Ok(None);
    }
    let id = content::create_published(tx, KIND_RESPONSE, author_id, "", body, Placement::under(&t.content))?;
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
