//! What every kind of content shares: the `contents` row, Markdown, slugs, tags, feeds,
//! citations and comments. Blog posts use it now; forum topics, replies and magazine articles
//! plug into the same row and the same helpers.

pub mod citations;
pub mod comments;
pub mod feeds;
pub mod markdown;
pub mod slug;
pub mod tag_pages;
pub mod tags;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{blogs, boards, comments as comments_t, contents, posts, replies, topics};

pub use markdown::SafeHtml;

pub const KIND_POST: &str = "post";
pub const KIND_COMMENT: &str = "comment";

pub const STATUS_DRAFT: &str = "draft";
pub const STATUS_PUBLISHED: &str = "published";

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 100_000;
pub const EXCERPT_CHARS: usize = 200;

#[derive(Queryable, Identifiable, Clone, Debug)]
#[diesel(table_name = contents)]
pub struct Content {
    pub id: i64,
    pub kind: String,
    pub author_id: i64,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    pub excerpt: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub like_count: i32,
}

#[derive(Insertable)]
#[diesel(table_name = contents)]
pub struct NewContent<'a> {
    pub kind: &'a str,
    pub author_id: i64,
    pub title: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a str,
    pub excerpt: &'a str,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConn, new: &NewContent<'_>) -> QueryResult<i64> {
    diesel::insert_into(contents::table).values(new).returning(contents::id).get_result(conn)
}

/// Render a Markdown body once, derive its excerpt, and insert it as published content of
/// `kind` (comments, forum topics and replies, official responses).
pub fn create_published(conn: &mut DbConn, kind: &str, author_id: i64, title: &str, body_md: &str) -> QueryResult<i64> {
    let now = crate::now();
    let html = markdown::render(body_md);
    let excerpt = markdown::excerpt(&markdown::plain_text(body_md), EXCERPT_CHARS);
    insert(
        conn,
        &NewContent {
            kind,
            author_id,
            title,
            body_md,
            body_html: html.as_str(),
            excerpt: &excerpt,
            status: STATUS_PUBLISHED,
            created_at: now,
            updated_at: now,
            published_at: Some(now),
        },
    )
}

/// Save an edit of a body (and, for titled content, its title): rendered once, excerpt derived,
/// marked as edited, and the search index brought in line, in the caller's transaction.
pub fn save_edit(conn: &mut DbConn, id: i64, title: &str, body_md: &str) -> QueryResult<()> {
    let now = crate::now();
    let html = markdown::render(body_md);
    let excerpt = markdown::excerpt(&markdown::plain_text(body_md), EXCERPT_CHARS);
    diesel::update(contents::table.find(id))
        .set((
            contents::title.eq(title),
            contents::body_md.eq(body_md),
            contents::body_html.eq(html.as_str()),
            contents::excerpt.eq(excerpt),
            contents::updated_at.eq(now),
            contents::edited_at.eq(Some(now)),
        ))
        .execute(conn)?;
    crate::search::sync_content(conn, &[id])
}

/// The stored HTML of many pieces of content in one query (full-content feeds).
pub fn bodies(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> =
        contents::table.filter(contents::id.eq_any(ids)).select((contents::id, contents::body_html)).load(conn)?;
    Ok(rows.into_iter().collect())
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Content>> {
    contents::table.find(id).first(conn).optional()
}

/// "zh-CN" when a text is written in Chinese (any Han character), else "en".
pub fn text_lang(text: &str) -> &'static str {
    if text.chars().any(crate::search::text::is_cjk) { "zh-CN" } else { "en" }
}

/// Path of a post, given its blog's kind and slug and its own slug.
pub fn post_path(blog_kind: &str, blog_slug: &str, post_slug: &str) -> String {
    if blog_kind == crate::blogs::KIND_ENTERPRISE {
        format!("/blog/{}", crate::web::path_segment(post_slug))
    } else {
        format!("/blogs/{}/{}", crate::web::path_segment(blog_slug), crate::web::path_segment(post_slug))
    }
}

/// Site paths of many pieces of content at once (comments point into their subject's page),
/// in a bounded number of queries.
pub fn paths_for(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let mut out = HashMap::new();
    if ids.is_empty() {
        return Ok(out);
    }
    let comment_rows: Vec<(i64, i64)> = comments_t::table
        .filter(comments_t::content_id.eq_any(ids))
        .select((comments_t::content_id, comments_t::subject_id))
        .load(conn)?;
    let mut subject_ids: Vec<i64> = ids.to_vec();
    subject_ids.extend(comment_rows.iter().map(|(_, s)| *s));
    let post_rows: Vec<(i64, String, String, String)> = posts::table
        .inner_join(blogs::table)
        .filter(posts::content_id.eq_any(&subject_ids))
        .select((posts::content_id, posts::slug, blogs::kind, blogs::slug))
        .load(conn)?;
    for (id, slug, blog_kind, blog_slug) in post_rows {
        out.insert(id, post_path(&blog_kind, &blog_slug, &slug));
    }
    for (comment_id, subject_id) in comment_rows {
        if let Some(p) = out.get(&subject_id).cloned() {
            out.insert(comment_id, format!("{p}#c{comment_id}"));
        }
    }
    // Forum replies point into their topic's page; topics to themselves.
    let reply_rows: Vec<(i64, i64, i32)> = replies::table
        .filter(replies::content_id.eq_any(ids))
        .select((replies::content_id, replies::topic_id, replies::position))
        .load(conn)?;
    let mut topic_ids: Vec<i64> = ids.to_vec();
    topic_ids.extend(reply_rows.iter().map(|r| r.1));
    let topic_rows: Vec<(i64, String, String)> = topics::table
        .inner_join(boards::table)
        .filter(topics::content_id.eq_any(&topic_ids))
        .select((topics::content_id, topics::slug, boards::slug))
        .load(conn)?;
    for (id, slug, board_slug) in topic_rows {
        out.insert(id, crate::forums::topic_path(&board_slug, id, &slug));
    }
    for (reply_id, topic_id, position) in reply_rows {
        if let Some(p) = out.get(&topic_id).cloned() {
            out.insert(reply_id, crate::forums::reply_path(&p, reply_id, position));
        }
    }
    Ok(out)
}
