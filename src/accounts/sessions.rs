//! Server-side sessions. The cookie holds a random token; the table holds its SHA-256, so
//! sessions can be listed and revoked, and a leaked table reveals no live cookie.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::{CurrentUser, Roles};
use crate::db::DbConn;
use crate::db::Tx;
use crate::db::schema::{group_members, sessions, users};

pub const COOKIE: &str = "plaza_session";

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Create a session and return the token for the cookie.
pub fn create(tx: &mut Tx<'_>, user_id: i64, days: i64, user_agent: &str) -> QueryResult<String> {
    let token = crate::web::random_token();
    let now = crate::now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash(&token)),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(now + Duration::days(days)),
            sessions::user_agent.eq(user_agent.chars().take(200).collect::<String>()),
        ))
        .execute(tx.conn())?;
    Ok(token)
}

type SessionRow = (
    i64,
    NaiveDateTime,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<NaiveDateTime>,
    Option<String>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// The user behind a session token, if the session is live and the user not suspended.
/// Extends the session (at most every ten minutes, to spare writes).
pub fn lookup(conn: &mut DbConn, token: &str, days: i64) -> QueryResult<Option<CurrentUser>> {
    let now = crate::now();
    let row: Option<SessionRow> = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash(token)))
        .filter(sessions::expires_at.gt(now))
        .select((
            sessions::id,
            sessions::last_seen_at,
            users::id,
            users::username,
            users::display_name,
            users::roles,
            users::locale,
            users::suspended_at,
            users::time_zone,
            users::email_verified_at,
            users::suspended_until,
            users::silenced_at,
            users::silenced_until,
        ))
        .first(conn)
        .optional()?;
    let Some((
        session_id,
        last_seen,
        user_id,
        username,
        display_name,
        roles,
        locale,
        suspended,
        time_zone,
        verified,
        suspended_until,
        silenced,
        silenced_until,
    )) = row
    else {
        return Ok(None);
    };
    if suspended.is_some() && suspended_until.is_none_or(|t| t > now) {
        return Ok(None);
    }
    let silenced = silenced.is_some() && silenced_until.is_none_or(|t| t > now);
    if now - last_seen > Duration::minutes(10) {
        crate::db::write(conn, |tx| {
            tx.quiet();
            diesel::update(sessions::table.find(session_id))
                .set((sessions::last_seen_at.eq(now), sessions::expires_at.eq(now + Duration::days(days))))
                .execute(tx.conn())
        })?;
    }
    let groups =
        group_members::table.filter(group_members::user_id.eq(user_id)).select(group_members::group_id).load(conn)?;
    Ok(Some(CurrentUser {
        id: user_id,
        username,
        display_name,
        roles: Roles::parse(&roles),
        groups,
        locale,
        time_zone,
        email_verified: verified.is_some(),
        silenced,
    }))
}

pub fn revoke(tx: &mut Tx<'_>, token: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash(token)))).execute(tx.conn())
}

pub fn revoke_all(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(tx.conn())
}

/// End every session of a user except the one given (after a password change).
pub fn revoke_others(tx: &mut Tx<'_>, user_id: i64, keep_token: &str) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::token_hash.ne(token_hash(keep_token))),
    )
    .execute(tx.conn())
}

pub fn count_for_user(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(crate::now()))
        .count()
        .get_result(conn)
}
