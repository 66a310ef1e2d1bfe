//! Edit history of any content: the version before each edit.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Content;
use crate::db::schema::{revisions, users};
use crate::db::{DbConn, Tx};

/// Keep the version `old` before it is replaced by an edit of `editor_id`.
pub fn record(tx: &mut Tx<'_>, old: &Content, editor_id: i64) -> QueryResult<()> {
    diesel::insert_into(revisions::table)
        .values((
            revisions::content_id.eq(old.id),
            revisions::editor_id.eq(Some(editor_id)),
            revisions::title.eq(&old.title),
            revisions::body_md.eq(&old.body_md),
            revisions::created_at.eq(old.edited_at.unwrap_or(old.created_at)),
        ))
        .execute(tx.conn())?;
    Ok(())
}

/// (title, body, when it was current, who replaced it)
pub type Revision = (String, String, NaiveDateTime, Option<String>);

/// Earlier versions of a piece of content, newest first.
pub fn history(conn: &mut DbConn, content_id: i64) -> QueryResult<Vec<Revision>> {
    revisions::table
        .left_join(users::table.on(revisions::editor_id.eq(users::id.nullable())))
        .filter(revisions::content_id.eq(content_id))
        .order(revisions::id.desc())
        .select((revisions::title, revisions::body_md, revisions::created_at, users::username.nullable()))
        .load(conn)
}
