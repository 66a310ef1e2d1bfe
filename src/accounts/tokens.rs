//! Single-use links sent by e-mail: password reset, address verification and address change.
//! The link carries a random token; the table keeps only its SHA-256, when it expires and when it
//! was used. Using a link is a conditional update (`… WHERE used_at IS NULL AND expires_at > now`),
//! so of two requests with the same link exactly one succeeds.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::sessions::token_hash;
use crate::db::schema::account_tokens;
use crate::db::{DbConn, Tx};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Set a new password (and prove the address).
    Reset,
    /// Confirm the address a new member gave.
    Verify,
    /// Confirm a new address (the token row holds it).
    EmailChange,
    /// A suspended member's way to the page that tells them why and takes their appeal.
    Appeal,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Reset => "reset",
            Purpose::Verify => "verify",
            Purpose::EmailChange => "email",
            Purpose::Appeal => "appeal",
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::Reset => Duration::hours(1),
            Purpose::Verify => Duration::days(3),
            Purpose::EmailChange => Duration::hours(24),
            Purpose::Appeal => Duration::days(30),
        }
    }

    /// Only the newest link works. Not so for the appeal: every suspended sign-in makes one,
    /// and the member may open the one from an earlier try (or another device) later.
    fn newest_only(self) -> bool {
        self != Purpose::Appeal
    }
}

#[derive(Queryable, Clone, Debug)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub purpose: String,
    pub token_hash: String,
    /// The address the link was sent to (for an address change: the new address).
    pub email: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// What a link is worth now.
#[derive(Debug)]
pub enum State {
    Valid(Token),
    Used,
    Expired,
    Unknown,
}

/// Make a link for `purpose`; earlier unused links of the same purpose stop working (only the
/// newest mail counts), except appeal links. Returns the token for the URL.
pub fn issue(tx: &mut Tx<'_>, user_id: i64, purpose: Purpose, email: &str) -> QueryResult<String> {
    let now = crate::now();
    if purpose.newest_only() {
        expire_all(tx, user_id, purpose)?;
    }
    let token = crate::web::random_token();
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::token_hash.eq(token_hash(&token)),
            account_tokens::email.eq(email),
            account_tokens::created_at.eq(now),
            account_tokens::expires_at.eq(now + purpose.lifetime()),
        ))
        .execute(tx.conn())?;
    // Links nobody can use any more are not kept.
    diesel::delete(account_tokens::table.filter(account_tokens::expires_at.lt(now - Duration::days(7))))
        .execute(tx.conn())?;
    Ok(token)
}

fn find(conn: &mut DbConn, purpose: Purpose, token: &str) -> QueryResult<Option<Token>> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    account_tokens::table
        .filter(account_tokens::token_hash.eq(token_hash(token)))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .first(conn)
        .optional()
}

/// Look at a link without using it (to show its form).
pub fn peek(conn: &mut DbConn, purpose: Purpose, token: &str) -> QueryResult<State> {
    Ok(match find(conn, purpose, token)? {
        None => State::Unknown,
        Some(t) if t.used_at.is_some() => State::Used,
        Some(t) if t.expires_at <= crate::now() => State::Expired,
        Some(t) => State::Valid(t),
    })
}

/// Use a link: only the first request that gets here while it is valid does.
pub fn consume(tx: &mut Tx<'_>, purpose: Purpose, token: &str) -> QueryResult<State> {
    let state = peek(tx, purpose, token)?;
    let State::Valid(t) = state else { return Ok(state) };
    let now = crate::now();
    let taken = diesel::update(
        account_tokens::table
            .find(t.id)
            .filter(account_tokens::used_at.is_null())
            .filter(account_tokens::expires_at.gt(now)),
    )
    .set(account_tokens::used_at.eq(Some(now)))
    .execute(tx.conn())?;
    Ok(if taken == 1 { State::Valid(t) } else { State::Used })
}

/// Every unused link of the account for `purpose` stops working (before a new one is made, and
/// after a password is set).
pub fn expire_all(tx: &mut Tx<'_>, user_id: i64, purpose: Purpose) -> QueryResult<()> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::expires_at.eq(crate::now()))
    .execute(tx.conn())?;
    Ok(())
}
