//! Likes on any content: one per member, counted on the content row in the same unit of work.

use diesel::prelude::*;

use crate::db::schema::{contents, likes};
use crate::db::{DbConn, Tx, ignore_duplicate};
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place, Viewer};

/// Like or unlike. The count moves only when the like row really appeared or went away, so a
/// repeated or concurrent request cannot count twice.
pub fn set_like(tx: &mut Tx<'_>, content_id: i64, user_id: i64, like: bool) -> QueryResult<()> {
    let changed = if like {
        ignore_duplicate(tx, |conn| {
            diesel::insert_into(likes::table)
                .values((
                    likes::content_id.eq(content_id),
                    likes::user_id.eq(user_id),
                    likes::created_at.eq(crate::now()),
                ))
                .execute(conn)
        })?
    } else {
        diesel::delete(likes::table.filter(likes::content_id.eq(content_id)).filter(likes::user_id.eq(user_id)))
            .execute(tx.conn())?
    };
    if changed > 0 {
        let delta = if like { 1 } else { -1 };
        diesel::update(contents::table.find(content_id))
            .set(contents::like_count.eq(contents::like_count + delta))
            .execute(tx.conn())?;
        // Its pages show the count, and its author's profile the likes received.
        tx.touch(content_id);
    }
    Ok(())
}

pub fn has_liked(conn: &mut DbConn, content_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        likes::table.filter(likes::content_id.eq(content_id)).filter(likes::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// Which of these pieces the user liked.
pub fn liked_among(conn: &mut DbConn, user_id: i64, ids: &[i64]) -> QueryResult<Vec<i64>> {
    likes::table
        .filter(likes::user_id.eq(user_id))
        .filter(likes::content_id.eq_any(ids))
        .select(likes::content_id)
        .load(conn)
}

/// Likes a user received on what the viewer may read of theirs.
pub fn received(conn: &mut DbConn, guard: &Guard, user_id: i64) -> QueryResult<i64> {
    Ok(super::listing::author_counts(conn, guard, user_id)?.0)
}

/// A piece a member likes or reacts to, held for the change: it exists and is of a kind that
/// takes it (`takes`), the viewer may read it and did not write it (`own`: the message then),
/// and giving (not taking back, which a moderator reading a hidden piece may) needs a live piece.
pub fn held_for_reaction(
    tx: &mut Tx<'_>,
    viewer: &Viewer,
    id: i64,
    on: bool,
    takes: impl Fn(&str) -> bool,
    own: &'static str,
) -> AppResult<super::Content> {
    // Held: a like checked against a piece being hidden at the same moment waits for it.
    let c = super::lock(tx, id)?.ok_or(AppError::NotFound)?;
    if !takes(&c.kind) {
        return Err(AppError::NotFound);
    }
    let guard = Guard::fresh(tx, viewer)?;
    if !guard.can_read(&c.facts(), Place::None) {
        return Err(AppError::NotFound);
    }
    if guard.user_id() == Some(c.author_id) {
        return Err(AppError::BadRequest(own));
    }
    if on && !guard.can_like(&c.facts()) {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}
