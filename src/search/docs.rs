//! What the index should hold, computed from the database (the source of truth): one document
//! per visible post, comment, topic, reply and person, with who may see it and where it lives.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::content::{self, markdown};
use crate::db::DbConn;
use crate::db::schema::{blogs, boards, comments, content_tags, contents, posts, replies, tags, topics, users};
use crate::forums;

pub const KIND_POST: &str = "post";
pub const KIND_COMMENT: &str = "comment";
pub const KIND_TOPIC: &str = "topic";
pub const KIND_REPLY: &str = "reply";
pub const KIND_PERSON: &str = "person";
/// Every kind, in the order the filter offers them.
pub const KINDS: [&str; 5] = [KIND_POST, KIND_TOPIC, KIND_REPLY, KIND_COMMENT, KIND_PERSON];

pub const PLACE_BLOG: &str = "blog";
pub const PLACE_BOARD: &str = "board";

/// Who may see a document: everyone, logged-in members, or staff.
pub const ACCESS_EVERYONE: i32 = 0;
pub const ACCESS_MEMBERS: i32 = 1;
pub const ACCESS_STAFF: i32 = 2;

pub fn board_access(view_access: &str) -> i32 {
    match view_access {
        forums::ACCESS_EVERYONE => ACCESS_EVERYONE,
        forums::ACCESS_MEMBERS => ACCESS_MEMBERS,
        _ => ACCESS_STAFF,
    }
}

/// The highest access level a viewer reaches (the same rule as `Board::can_view`).
pub fn viewer_access(user: Option<&crate::accounts::CurrentUser>) -> i32 {
    match user {
        None => ACCESS_EVERYONE,
        Some(u) if u.role.is_staff() => ACCESS_STAFF,
        Some(_) => ACCESS_MEMBERS,
    }
}

/// A document as every backend indexes it.
#[derive(Clone, Debug)]
pub struct Doc {
    pub kind: &'static str,
    pub ref_id: i64,
    /// The post a comment is on, the topic a reply is in.
    pub parent_id: Option<i64>,
    pub author_id: Option<i64>,
    pub place_kind: &'static str,
    pub place_id: Option<i64>,
    pub access: i32,
    pub published_at: NaiveDateTime,
    pub title: String,
    pub tags: Vec<String>,
    pub tag_ids: Vec<i64>,
    /// Plain text (Markdown stripped).
    pub body: String,
}

impl Doc {
    /// The engine-neutral key: "post-12", "person-3".
    pub fn key(&self) -> String {
        doc_key(self.kind, self.ref_id)
    }
}

pub fn doc_key(kind: &str, ref_id: i64) -> String {
    format!("{kind}-{ref_id}")
}

pub fn parse_key(key: &str) -> Option<(&'static str, i64)> {
    let (kind, id) = key.rsplit_once('-')?;
    Some((known_kind(kind)?, id.parse().ok()?))
}

/// The kind constant for a kind read from the database (or an engine).
pub fn known_kind(kind: &str) -> Option<&'static str> {
    KINDS.into_iter().find(|k| *k == kind)
}

type ContentRow = (i64, String, i64, String, String, String, Option<NaiveDateTime>, Option<NaiveDateTime>);

/// Documents for these content ids. Ids missing from the result should not be in the index
/// (drafts, deleted or hidden content, content on a deleted post or topic, kinds not searched).
pub fn content_docs(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ContentRow> = contents::table
        .filter(contents::id.eq_any(ids))
        .select((
            contents::id,
            contents::kind,
            contents::author_id,
            contents::title,
            contents::body_md,
            contents::status,
            contents::published_at,
            contents::deleted_at,
        ))
        .load(conn)?;
    let live = |status: &str, published: Option<NaiveDateTime>, deleted: Option<NaiveDateTime>| {
        status == content::STATUS_PUBLISHED && published.is_some() && deleted.is_none()
    };
    // Where each kind lives, and whether its parent is itself visible.
    let comment_parent: HashMap<i64, i64> = comments::table
        .filter(comments::content_id.eq_any(ids))
        .select((comments::content_id, comments::subject_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let reply_parent: HashMap<i64, i64> = replies::table
        .filter(replies::content_id.eq_any(ids))
        .select((replies::content_id, replies::topic_id))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    let mut post_ids: Vec<i64> = ids.to_vec();
    post_ids.extend(comment_parent.values());
    // A post (or comment's post) is searchable when published and not deleted.
    let post_rows: HashMap<i64, (i64, bool)> = posts::table
        .inner_join(contents::table)
        .filter(posts::content_id.eq_any(&post_ids))
        .select((posts::content_id, posts::blog_id, contents::status, contents::published_at, contents::deleted_at))
        .load::<(i64, i64, String, Option<NaiveDateTime>, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(id, blog, status, published, deleted)| (id, (blog, live(&status, published, deleted))))
        .collect();
    let mut topic_ids: Vec<i64> = ids.to_vec();
    topic_ids.extend(reply_parent.values());
    let topic_rows: HashMap<i64, (i64, i32, bool)> = topics::table
        .inner_join(contents::table)
        .inner_join(boards::table)
        .filter(topics::content_id.eq_any(&topic_ids))
        .select((topics::content_id, topics::board_id, boards::view_access, topics::visible, contents::deleted_at))
        .load::<(i64, i64, String, bool, Option<NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(id, board, access, visible, deleted)| (id, (board, board_access(&access), visible && deleted.is_none())))
        .collect();
    let tag_rows: Vec<(i64, i64, String)> = content_tags::table
        .inner_join(tags::table)
        .filter(content_tags::content_id.eq_any(ids))
        .select((content_tags::content_id, tags::id, tags::name))
        .load(conn)?;
    let mut doc_tags: HashMap<i64, (Vec<i64>, Vec<String>)> = HashMap::new();
    for (content_id, tag_id, name) in tag_rows {
        let entry = doc_tags.entry(content_id).or_default();
        entry.0.push(tag_id);
        entry.1.push(name);
    }

    let mut docs = Vec::with_capacity(rows.len());
    for (id, kind, author_id, title, body_md, status, published_at, deleted_at) in rows {
        let Some(published) = published_at.filter(|_| live(&status, published_at, deleted_at)) else {
            continue;
        };
        let placed = match kind.as_str() {
            content::KIND_POST => {
                post_rows.get(&id).filter(|p| p.1).map(|p| (KIND_POST, None, PLACE_BLOG, p.0, ACCESS_EVERYONE))
            }
            content::KIND_COMMENT => comment_parent.get(&id).and_then(|parent| {
                post_rows.get(parent).filter(|p| p.1).map(|p| (KIND_COMMENT, Some(*parent), PLACE_BLOG, p.0, 0))
            }),
            forums::KIND_TOPIC => {
                topic_rows.get(&id).filter(|t| t.2).map(|t| (KIND_TOPIC, None, PLACE_BOARD, t.0, t.1))
            }
            forums::KIND_REPLY => reply_parent.get(&id).and_then(|parent| {
                topic_rows.get(parent).filter(|t| t.2).map(|t| (KIND_REPLY, Some(*parent), PLACE_BOARD, t.0, t.1))
            }),
            _ => None,
        };
        let Some((kind, parent_id, place_kind, place_id, access)) = placed else {
            continue;
        };
        let (tag_ids, tag_names) = doc_tags.remove(&id).unwrap_or_default();
        docs.push(Doc {
            kind,
            ref_id: id,
            parent_id,
            author_id: Some(author_id),
            place_kind,
            place_id: Some(place_id),
            access,
            published_at: published,
            title,
            tags: tag_names,
            tag_ids,
            body: markdown::plain_text(&body_md),
        });
    }
    Ok(docs)
}

/// Documents for people (suspended accounts are not found).
pub fn person_docs(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime)> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::suspended_at.is_null())
        .select((users::id, users::username, users::display_name, users::bio_md, users::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, username, display_name, bio_md, created_at)| Doc {
            kind: KIND_PERSON,
            ref_id: id,
            parent_id: None,
            author_id: Some(id),
            place_kind: "",
            place_id: None,
            access: ACCESS_EVERYONE,
            published_at: created_at,
            title: if display_name.is_empty() || display_name == username {
                username
            } else {
                format!("{display_name} {username}")
            },
            tags: Vec::new(),
            tag_ids: Vec::new(),
            body: markdown::plain_text(&bio_md),
        })
        .collect())
}

/// The comments of these posts and the replies of these topics (their visibility follows the parent's).
pub fn children_of(conn: &mut DbConn, parents: &[i64]) -> QueryResult<Vec<i64>> {
    if parents.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<i64> =
        comments::table.filter(comments::subject_id.eq_any(parents)).select(comments::content_id).load(conn)?;
    ids.extend(replies::table.filter(replies::topic_id.eq_any(parents)).select(replies::content_id).load::<i64>(conn)?);
    Ok(ids)
}

/// Every piece of content with an id above `after`, in id order (for a rebuild).
pub fn content_ids_after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<i64>> {
    contents::table
        .filter(contents::id.gt(after))
        .order(contents::id.asc())
        .limit(limit)
        .select(contents::id)
        .load(conn)
}

pub fn user_ids_after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<i64>> {
    users::table.filter(users::id.gt(after)).order(users::id.asc()).limit(limit).select(users::id).load(conn)
}

/// A blog or board as a result shows it.
#[derive(Clone, Debug)]
pub struct Place {
    pub name: String,
    pub path: String,
    /// The board's kind (questions, reviews, ideas…), "" for a blog.
    pub board_kind: String,
}

/// The places (blogs and boards) of a page of results, for display.
pub fn places(conn: &mut DbConn, blog_ids: &[i64], board_ids: &[i64]) -> QueryResult<HashMap<(String, i64), Place>> {
    let mut out = HashMap::new();
    let rows: Vec<(i64, String, String, String)> = blogs::table
        .filter(blogs::id.eq_any(blog_ids))
        .select((blogs::id, blogs::title, blogs::kind, blogs::slug))
        .load(conn)?;
    for (id, title, kind, slug) in rows {
        let path = crate::blogs::blog_path(&kind, &slug);
        out.insert((PLACE_BLOG.to_string(), id), Place { name: title, path, board_kind: String::new() });
    }
    let rows: Vec<(i64, String, String, String)> = boards::table
        .filter(boards::id.eq_any(board_ids))
        .select((boards::id, boards::name, boards::slug, boards::kind))
        .load(conn)?;
    for (id, name, slug, kind) in rows {
        let path = format!("/forums/{}", crate::web::path_segment(&slug));
        out.insert((PLACE_BOARD.to_string(), id), Place { name, path, board_kind: kind });
    }
    Ok(out)
}
