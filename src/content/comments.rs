//! Comments on any content that takes them (`contents.comments_open`): blog posts now, magazine
//! articles later. One level of replies deep.

use crate::web::Lang;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::kind::{ContentKind, ModeratorEdit};
use super::{Content, Placement, SafeHtml};
use crate::accounts::AuthorView;
use crate::db::schema::{comments, contents, users};
use crate::db::{DbConn, Tx};
use crate::notifications;
use crate::policy::Guard;

pub const KIND_COMMENT: &str = "comment";
pub const MAX_CHARS: usize = 20_000;

/// The comment kind: its address is its subject's page with an anchor.
pub struct CommentKind;

pub static COMMENT: CommentKind = CommentKind;

impl ContentKind for CommentKind {
    fn kind(&self) -> &'static str {
        KIND_COMMENT
    }

    fn moderator_edit(&self) -> Option<ModeratorEdit> {
        Some(ModeratorEdit { titled: false, max_chars: MAX_CHARS })
    }

    fn label_key(&self) -> &'static str {
        "search-kind-comment"
    }

    fn noun_key(&self) -> &'static str {
        "noun-comment"
    }

    /// A comment's subject can be of any kind: the registry finds the subject's address and
    /// adds this anchor.
    fn anchor_in_parent(&self, id: i64) -> Option<String> {
        Some(format!("#c{id}"))
    }

    /// The id comment feeds have always given their entries.
    fn permalink(&self, id: i64, parent_id: Option<i64>) -> String {
        format!("/posts/{}/comments/{id}", parent_id.unwrap_or_default())
    }

    fn feed_title(&self, _title: &str, author: &str, lang: Lang) -> String {
        lang.ta("feed-comment-by", &[("author", author.to_string())])
    }

    fn visibility_changed(&self, tx: &mut Tx<'_>, c: &Content, visible: bool) -> QueryResult<()> {
        match c.parent_id {
            Some(subject) => super::add_comment_count(tx, subject, if visible { 1 } else { -1 }),
            None => Ok(()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct CommentView {
    pub id: i64,
    pub author_id: i64,
    pub author: AuthorView,
    pub body_html: SafeHtml,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    /// Deleted (or hidden, for those who may not see it): a placeholder holding its replies.
    pub deleted: bool,
    /// Hidden by a moderator, shown to moderators and its author with a mark.
    pub hidden: bool,
    /// Hidden until a moderator approves it.
    pub held: bool,
    /// Deleted (a placeholder while it has replies).
    pub is_deleted: bool,
    pub can_edit: bool,
    pub can_delete: bool,
    pub can_hide: bool,
    pub replies: Vec<CommentView>,
}

type Row = (Content, Option<i64>, String, String, String);

/// Comments of a subject, oldest first, replies under their parent. One query.
pub fn list_for(conn: &mut DbConn, subject_id: i64, guard: &Guard, edit_minutes: i64) -> QueryResult<Vec<CommentView>> {
    let rows: Vec<Row> = comments::table
        .inner_join(contents::table.on(contents::id.eq(comments::content_id)))
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(comments::subject_id.eq(subject_id))
        .order(comments::content_id.asc())
        .select((contents::all_columns, comments::parent_id, users::username, users::display_name, users::roles))
        .load(conn)?;
    let now = crate::now();
    let mut top: Vec<CommentView> = Vec::new();
    let mut replies: Vec<(i64, CommentView)> = Vec::new();
    for (c, parent, username, display_name, roles) in rows {
        let facts = c.facts();
        let hidden = c.is_hidden();
        // The subject's page is being shown, so the viewer may read the subject.
        let shown = guard.can_read_under(&facts, true);
        let view = CommentView {
            id: c.id,
            author_id: c.author_id,
            author: AuthorView::from_row(username, display_name, &roles),
            body_html: if shown { c.html() } else { SafeHtml::default() },
            created_at: c.created_at,
            edited_at: c.edited_at,
            deleted: !shown,
            hidden,
            held: c.held,
            is_deleted: c.is_deleted(),
            can_edit: shown && guard.can_edit_comment(&facts, now - c.created_at < Duration::minutes(edit_minutes)),
            can_delete: shown && guard.can_delete(&facts),
            can_hide: !c.is_deleted() && guard.can_hide(&facts),
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
        super::markdown::check_nesting(body).err()
    }
}

/// Add a comment to `subject` (read under lock by the caller). A reply to a reply attaches to
/// the top-level comment (one level deep). The subject's author, the replied-to commenter and
/// anyone @mentioned are told, if they may read it.
pub fn create(
    tx: &mut Tx<'_>,
    subject: &Content,
    parent_id: Option<i64>,
    author_id: i64,
    body: &super::Body,
) -> QueryResult<i64> {
    let parent: Option<(i64, Option<i64>, i64)> = match parent_id {
        Some(p) => comments::table
            .inner_join(contents::table.on(contents::id.eq(comments::content_id)))
            .filter(comments::content_id.eq(p))
            .filter(comments::subject_id.eq(subject.id))
            .select((comments::content_id, comments::parent_id, contents::author_id))
            .first(tx.conn())
            .optional()?,
        None => None,
    };
    let parent_top = parent.map(|(id, pp, _)| pp.unwrap_or(id));
    let id = super::create_published(tx, KIND_COMMENT, author_id, "", body, Placement::under(subject))?;
    diesel::insert_into(comments::table)
        .values((comments::content_id.eq(id), comments::subject_id.eq(subject.id), comments::parent_id.eq(parent_top)))
        .execute(tx.conn())?;
    super::add_comment_count(tx, subject.id, 1)?;
    let mut told = vec![author_id];
    notifications::notify(tx, subject.author_id, notifications::KIND_COMMENT, Some(author_id), id, &mut told)?;
    if let Some((_, _, parent_author)) = parent {
        notifications::notify(tx, parent_author, notifications::KIND_REPLY, Some(author_id), id, &mut told)?;
    }
    notifications::mentions::notify(tx, body.md(), author_id, id, &mut told)?;
    Ok(id)
}

/// A comment with its subject's id.
pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<(Content, i64)>> {
    contents::table
        .inner_join(comments::table.on(comments::content_id.eq(contents::id)))
        .filter(contents::id.eq(id))
        .filter(contents::kind.eq(KIND_COMMENT))
        .select((contents::all_columns, comments::subject_id))
        .first(conn)
        .optional()
}

/// Is the edit window still open for this comment?
pub fn within_window(c: &Content, edit_minutes: i64) -> bool {
    crate::now() - c.created_at < Duration::minutes(edit_minutes)
}

/// Delete a comment; the subject's count goes down once however often it is asked.
pub fn delete(tx: &mut Tx<'_>, id: i64, subject_id: i64) -> QueryResult<bool> {
    let was_hidden = super::find(tx, id)?.is_some_and(|c| c.is_hidden());
    if !super::delete(tx, id)? {
        return Ok(false);
    }
    if !was_hidden {
        super::add_comment_count(tx, subject_id, -1)?;
    }
    Ok(true)
}

/// Recent comments on a subject the viewer may read, newest first (the comments feed).
pub fn recent_for(conn: &mut DbConn, guard: &Guard, subject_id: i64, limit: i64) -> QueryResult<Vec<i64>> {
    comments::table
        .inner_join(contents::table.on(contents::id.eq(comments::content_id)))
        .filter(comments::subject_id.eq(subject_id))
        .into_boxed()
        .filter(guard.content_filter())
        .order(comments::content_id.desc())
        .limit(limit)
        .select(contents::id)
        .load(conn)
}

/// Recent comments by a user that the viewer may read, newest first: (comment id, excerpt, created).
pub fn recent_by(
    conn: &mut DbConn,
    guard: &Guard,
    author_id: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, String, NaiveDateTime)>> {
    contents::table
        .filter(contents::kind.eq(KIND_COMMENT))
        .filter(contents::author_id.eq(author_id))
        .into_boxed()
        .filter(guard.content_filter())
        .order(contents::id.desc())
        .limit(limit)
        .select((contents::id, contents::excerpt, contents::created_at))
        .load(conn)
}

/// A comment as typed (a reply names the comment it answers).
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CommentForm {
    pub body: String,
    pub parent: Option<i64>,
}

impl CommentForm {
    /// Was this form a reply to comment `id` (so its text goes back into that reply box)?
    pub fn replying_to(&self, id: impl crate::web::context::Number) -> bool {
        self.parent == Some(id.number())
    }
}
