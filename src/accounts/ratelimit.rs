//! Failed-login limits, per account and per IP. Failures are rows in the database so every app
//! process behind a load balancer sees the same counts.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::login_failures;
use crate::db::{DbConn, Tx};

pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_IP: i64 = 30;

/// If the account or the IP is locked out, the moment it may try again.
pub fn locked_until(conn: &mut DbConn, username_key: &str, ip: &str) -> QueryResult<Option<NaiveDateTime>> {
    let now = crate::now();
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let mut until: Option<NaiveDateTime> = None;
    for (by_user, max) in [(true, MAX_PER_ACCOUNT), (false, MAX_PER_IP)] {
        let mut q = login_failures::table
            .filter(login_failures::failed_at.gt(since))
            .select(login_failures::failed_at)
            .order(login_failures::failed_at.desc())
            .limit(max)
            .into_boxed();
        q = if by_user {
            q.filter(login_failures::username_key.eq(username_key))
        } else {
            q.filter(login_failures::ip.eq(ip))
        };
        let recent: Vec<NaiveDateTime> = q.load(conn)?;
        if recent.len() as i64 >= max
            && let Some(oldest) = recent.last()
        {
            let t = *oldest + Duration::minutes(WINDOW_MINUTES);
            until = Some(until.map_or(t, |u| u.max(t)));
        }
    }
    Ok(until)
}

pub fn record_failure(tx: &mut Tx<'_>, username_key: &str, ip: &str) -> QueryResult<()> {
    let now = crate::now();
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::username_key.eq(username_key),
            login_failures::ip.eq(ip),
            login_failures::failed_at.eq(now),
        ))
        .execute(tx.conn())?;
    // Old rows are no longer needed for any decision.
    diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(now - Duration::days(1))))
        .execute(tx.conn())?;
    Ok(())
}

pub fn clear_account(tx: &mut Tx<'_>, username_key: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::username_key.eq(username_key))).execute(tx.conn())?;
    Ok(())
}
