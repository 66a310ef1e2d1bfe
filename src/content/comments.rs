//! Comments on any content (blog posts now), one level of replies deep.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{KIND_COMMENT, SafeHtml};
use crate::accounts::{AuthorView, CurrentUser, Role};
use crate::db::DbConn;
use crate::db::schema::{comments, contents, posts, users};

pub const MAX_CHARS: usize = 20_000;

#[derive(Clone, Debug)]
pub struct CommentView {
    pub id: i64,
    pub author_id: i64,
    pub author: AuthorView,
    pub body_html: SafeHtml,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted: bool,
    pub can_edit: bool,
    pub can_delete: bool,
    pub replies: Vec<CommentView>,
}

type Row = (
    i64,
    Option<i64>,
    i64,
    String,
    Option<NaiveDateTime>,
    NaiveDateTime,
    Option<NaiveDateTime>,
    String,
    String,
    String,
);

/// Comments of a subject, oldest first, replies under their parent. One query.
pub fn list_for(
    conn: &mut DbConn,
    subject_id: i64,
    viewer: Option<&CurrentUser>,
    edit_minutes: i64,
) -> QueryResult<Vec<CommentView>> {
    let rows: Vec<Row> = comments::table
        .inner_join(contents::table.on(contents::id.eq(comments::content_id)))
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(comments::subject_id.eq(subject_id))
        .order(comments::content_id.asc())
        .select((
            comments::content_id,
            comments::parent_id,
            contents::author_id,
            contents::body_html,
            contents::deleted_at,
            contents::created_at,
            contents::edited_at,
            users::username,
            users::display_name,
            users::role,
        ))
        .load(conn)?;
    let now = crate::now();
    let mut top: Vec<CommentView> = Vec::new();
    let mut replies: Vec<(i64, CommentView)> = Vec::new();
    for (id, parent, author_id, html, deleted_at, created_at, edited_at, username, display_name, role) in rows {
        let deleted = deleted_at.is_some();
        let mine = viewer.is_some_and(|v| v.id == author_id);
        let view = CommentView {
            id,
            author_id,
            author: AuthorView { username, display_name, role: Role::parse(&role).unwrap_or(Role::Member) },
            body_html: if deleted { SafeHtml::default() } else { SafeHtml::from_stored(html) },
            created_at,
            edited_at,
            deleted,
            can_edit: !deleted && mine && now - created_at < Duration::minutes(edit_minutes),
            can_delete: !deleted && (mine || viewer.is_some_and(|v| v.role.can_moderate())),
            replies: Vec::new(),
        };
        match parent {
            Some(p) => replies.push((p, view)),
            None => top.push(view),
        }
    }
    for (parent, reply) in replies {
        if let Some(t) = top.iter_mut().find(|t| t.id == parent) {
            t.replies.push(reply);
        }
    }
    // A deleted comment stays as a placeholder only while it has replies to hold together.
    top.retain(|c| !c.deleted || c.replies.iter().any(|r| !r.deleted));
    for c in &mut top {
        c.replies.retain(|r| !r.deleted);
    }
    Ok(top)
}

/// Validate a comment body: the catalog key of the problem, if any.
pub fn check_body(body: &str) -> Option<&'static str> {
    if body.trim().is_empty() {
        Some("err-comment-empty")
    } else if body.chars().count() > MAX_CHARS {
        Some("err-comment-long")
    } else {
        None
    }
}

pub struct Created {
    pub id: i64,
    /// Users to notify: (user id, notification kind).
    pub notify: Vec<(i64, &'static str)>,
}

/// Add a comment. A reply to a reply attaches to the top-level comment (one level deep).
pub fn create(
    conn: &mut DbConn,
    subject_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    body_md: &str,
) -> QueryResult<Created> {
    conn.transaction(|conn| {
        let parent: Option<(i64, Option<i64>, i64)> = match parent_id {
            Some(p) => comments::table
                .inner_join(contents::table.on(contents::id.eq(comments::content_id)))
                .filter(comments::content_id.eq(p))
                .filter(comments::subject_id.eq(subject_id))
                .select((comments::content_id, comments::parent_id, contents::author_id))
                .first(conn)
                .optional()?,
            None => None,
        };
        let parent_top = parent.map(|(id, pp, _)| pp.unwrap_or(id));
        let id = super::create_published(conn, KIND_COMMENT, author_id, "", body_md)?;
        diesel::insert_into(comments::table)
            .values((
                comments::content_id.eq(id),
                comments::subject_id.eq(subject_id),
                comments::parent_id.eq(parent_top),
            ))
            .execute(conn)?;
        recount(conn, subject_id)?;
        let mut notify = Vec::new();
        let subject_author: i64 = contents::table.find(subject_id).select(contents::author_id).first(conn)?;
        if subject_author != author_id {
            notify.push((subject_author, crate::notifications::KIND_COMMENT));
        }
        if let Some((_, _, parent_author)) = parent
            && parent_author != author_id
            && parent_author != subject_author
        {
            notify.push((parent_author, crate::notifications::KIND_REPLY));
        }
        for (user_id, kind) in &notify {
            crate::notifications::create(conn, *user_id, kind, Some(author_id), Some(id))?;
        }
        crate::search::sync_content(conn, &[id])?;
        Ok(Created { id, notify })
    })
}

/// Keep the denormalized count on the subject in step.
fn recount(conn: &mut DbConn, subject_id: i64) -> QueryResult<()> {
    let n: i64 = comments::table
        .inner_join(contents::table.on(contents::id.eq(comments::content_id)))
        .filter(comments::subject_id.eq(subject_id))
        .filter(contents::deleted_at.is_null())
        .count()
        .get_result(conn)?;
    diesel::update(posts::table.find(subject_id))
        .set(posts::comment_count.eq(i32::try_from(n).unwrap_or(i32::MAX)))
        .execute(conn)?;
    Ok(())
}

/// A comment with its subject, for the edit and delete actions.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<(super::Content, i64)>> {
    contents::table
        .inner_join(comments::table.on(comments::content_id.eq(contents::id)))
        .filter(contents::id.eq(id))
        .filter(contents::kind.eq(KIND_COMMENT))
        .select((contents::all_columns, comments::subject_id))
        .first(conn)
        .optional()
}

pub fn can_edit(c: &super::Content, user: &CurrentUser, edit_minutes: i64) -> bool {
    c.deleted_at.is_none() && c.author_id == user.id && crate::now() - c.created_at < Duration::minutes(edit_minutes)
}

pub fn can_delete(c: &super::Content, user: &CurrentUser) -> bool {
    c.deleted_at.is_none() && (c.author_id == user.id || user.role.can_moderate())
}

pub fn update(conn: &mut DbConn, id: i64, body_md: &str) -> QueryResult<()> {
    conn.transaction(|conn| super::save_edit(conn, id, "", body_md))
}

pub fn delete(conn: &mut DbConn, id: i64, subject_id: i64) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::update(contents::table.find(id)).set(contents::deleted_at.eq(Some(crate::now()))).execute(conn)?;
        recount(conn, subject_id)?;
        crate::search::sync_content(conn, &[id])
    })
}

/// (comment id, html, created, edited, username, display name)
pub type FeedRow = (i64, String, NaiveDateTime, Option<NaiveDateTime>, String, String);

/// Recent visible comments on a subject, newest first, for the comments feed.
pub fn recent_for(conn: &mut DbConn, subject_id: i64, limit: i64) -> QueryResult<Vec<FeedRow>> {
    comments::table
        .inner_join(contents::table.on(contents::id.eq(comments::content_id)))
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(comments::subject_id.eq(subject_id))
        .filter(contents::deleted_at.is_null())
        .order(comments::content_id.desc())
        .limit(limit)
        .select((
            contents::id,
            contents::body_html,
            contents::created_at,
            contents::edited_at,
            users::username,
            users::display_name,
        ))
        .load(conn)
}

/// Recent visible comments by a user, newest first: (comment id, excerpt, created).
pub fn recent_by(conn: &mut DbConn, author_id: i64, limit: i64) -> QueryResult<Vec<(i64, String, NaiveDateTime)>> {
    contents::table
        .filter(contents::kind.eq(KIND_COMMENT))
        .filter(contents::author_id.eq(author_id))
        .filter(contents::deleted_at.is_null())
        .order(contents::id.desc())
        .limit(limit)
        .select((contents::id, contents::excerpt, contents::created_at))
        .load(conn)
}
