//! Limits on how fast one person, address or account may do things.
//!
//! - **Logins** slow the guesser, never lock the owner out: failures are rows in the database
//!   (so every process behind a load balancer sees them), counted per (address, account) pair and
//!   per address. After a few failures the pair must wait, longer after each further failure; an
//!   address that fails across many accounts waits too, but briefly (behind a proxy with no
//!   trusted configuration every visitor shares one address). A browser that has logged into the
//!   account before carries a signed device cookie and is judged on its own failures only, so
//!   the owner gets in while a stranger is being slowed, even from the same address.
//! - **Registrations and account mails** (reset links) hold across processes: `hit` counts rows.
//! - **Posting, search and password changes** are cheap to count in each process (`Limits`,
//!   governor's keyed GCRA limiters); a limit several times what a person does by hand holds a
//!   script back without a database write per request.

use std::num::NonZeroU32;
use std::time::Duration as StdDuration;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::db::schema::{login_failures, rate_hits};
use crate::db::{DbConn, Tx};

/// Failures older than this are forgotten.
pub const WINDOW_MINUTES: i64 = 15;
/// Free wrong passwords per (address, account) pair before each further try must wait.
pub const FREE_PER_PAIR: i64 = 3;
/// The longest a pair waits between tries.
pub const MAX_PAIR_WAIT_SECS: i64 = 300;
/// Free failures per address (across accounts) before the address waits between tries.
pub const FREE_PER_ADDRESS: i64 = 20;
/// The longest an address waits: short, because many people may share it.
pub const MAX_ADDRESS_WAIT_SECS: i64 = 30;

/// 1, 2, 4, 8… seconds for the failures past the free ones, capped.
fn growing_wait(failures: i64, free: i64, cap: i64) -> i64 {
    if failures < free {
        return 0;
    }
    let doublings = (failures - free).min(20) as u32;
    2_i64.pow(doublings).min(cap)
}

/// Who is trying: the address, or a device that logged into this account before.
pub enum Source<'a> {
    Address(&'a str),
    /// A device cookie's id, valid for the account being logged into.
    Device(&'a str),
}

impl Source<'_> {
    fn key(&self) -> String {
        match self {
            Source::Address(ip) => (*ip).to_string(),
            Source::Device(id) => format!("device:{id}"),
        }
    }
}

fn failures_since(
    conn: &mut DbConn,
    since: NaiveDateTime,
    source: &str,
    account: Option<&str>,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let mut q = login_failures::table
        .filter(login_failures::ip.eq(source))
        .filter(login_failures::failed_at.gt(since))
        .select((diesel::dsl::count_star(), diesel::dsl::max(login_failures::failed_at)))
        .into_boxed();
    if let Some(a) = account {
        q = q.filter(login_failures::username_key.eq(a));
    }
    q.first(conn)
}

/// How many seconds this source must still wait before trying this account again (0: go on).
pub fn login_wait(conn: &mut DbConn, account: &str, source: &Source<'_>) -> QueryResult<i64> {
    let now = crate::now();
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let key = source.key();
    let mut wait = 0;
    let (n, last) = failures_since(conn, since, &key, Some(account))?;
    if let Some(last) = last {
        let until = last + Duration::seconds(growing_wait(n, FREE_PER_PAIR, MAX_PAIR_WAIT_SECS));
        wait = wait.max((until - now).num_seconds() + i64::from((until - now).subsec_nanos() > 0));
    }
    // A known device is not held back by what others at its address do.
    if let Source::Address(_) = source {
        let (n, last) = failures_since(conn, since, &key, None)?;
        if let Some(last) = last {
            let until = last + Duration::seconds(growing_wait(n, FREE_PER_ADDRESS, MAX_ADDRESS_WAIT_SECS));
            wait = wait.max((until - now).num_seconds() + i64::from((until - now).subsec_nanos() > 0));
        }
    }
    Ok(wait.max(0))
}

pub fn record_failure(tx: &mut Tx<'_>, account: &str, source: &Source<'_>) -> QueryResult<()> {
    let now = crate::now();
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::username_key.eq(account),
            login_failures::ip.eq(source.key()),
            login_failures::failed_at.eq(now),
        ))
        .execute(tx.conn())?;
    // Old rows are no longer needed for any decision.
    diesel::delete(login_failures::table.filter(login_failures::failed_at.lt(now - Duration::days(1))))
        .execute(tx.conn())?;
    Ok(())
}

/// After a successful login: this source's failures on the account are forgiven (others' stay).
pub fn clear_pair(tx: &mut Tx<'_>, account: &str, source: &Source<'_>) -> QueryResult<()> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::username_key.eq(account))
            .filter(login_failures::ip.eq(source.key())),
    )
    .execute(tx.conn())?;
    Ok(())
}

/// After a password reset: nobody's failures on the account matter any more.
pub fn clear_account(tx: &mut Tx<'_>, account: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::username_key.eq(account))).execute(tx.conn())?;
    Ok(())
}

/// A limit that must hold across processes: at most `max` hits per `window` for `key` in `scope`.
#[derive(Clone, Copy, Debug)]
pub struct DbLimit {
    pub scope: &'static str,
    pub max: i64,
    pub window: StdDuration,
}

pub const REGISTER_PER_ADDRESS: DbLimit =
    DbLimit { scope: "register-ip", max: 20, window: StdDuration::from_secs(3600) };
pub const RESET_PER_ADDRESS: DbLimit = DbLimit { scope: "reset-ip", max: 20, window: StdDuration::from_secs(3600) };
pub const RESET_PER_EMAIL: DbLimit = DbLimit { scope: "reset-email", max: 3, window: StdDuration::from_secs(3600) };
pub const MAIL_PER_ACCOUNT: DbLimit = DbLimit { scope: "mail-user", max: 5, window: StdDuration::from_secs(3600) };

/// Count a hit if the limit allows it; else the seconds until it will.
pub fn hit(tx: &mut Tx<'_>, limit: DbLimit, key: &str) -> QueryResult<Result<(), u64>> {
    let now = crate::now();
    let window = Duration::from_std(limit.window).unwrap_or(Duration::hours(1));
    let since = now - window;
    let recent: Vec<NaiveDateTime> = rate_hits::table
        .filter(rate_hits::scope.eq(limit.scope))
        .filter(rate_hits::key.eq(key))
        .filter(rate_hits::at.gt(since))
        .select(rate_hits::at)
        .order(rate_hits::at.asc())
        .limit(limit.max)
        .load(tx.conn())?;
    if recent.len() as i64 >= limit.max {
        let oldest = recent.first().copied().unwrap_or(now);
        return Ok(Err(((oldest + window) - now).num_seconds().max(1) as u64));
    }
    diesel::insert_into(rate_hits::table)
        .values((rate_hits::scope.eq(limit.scope), rate_hits::key.eq(key), rate_hits::at.eq(now)))
        .execute(tx.conn())?;
    diesel::delete(rate_hits::table.filter(rate_hits::at.lt(now - Duration::days(1)))).execute(tx.conn())?;
    Ok(Ok(()))
}

/// Per-process limits. Keys are user ids (members) or addresses (visitors).
pub struct Limits {
    posting: DefaultKeyedRateLimiter<String>,
    search: DefaultKeyedRateLimiter<String>,
    password: DefaultKeyedRateLimiter<String>,
}

fn quota(burst: u32, every: StdDuration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(every).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// New topics, replies, posts, comments (and their previews).
    Post,
    Search,
    PasswordChange,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // 40 at once, then one every 10 s: far beyond a person, a brake on a script.
            posting: DefaultKeyedRateLimiter::keyed(quota(40, StdDuration::from_secs(10))),
            search: DefaultKeyedRateLimiter::keyed(quota(60, StdDuration::from_millis(500))),
            password: DefaultKeyedRateLimiter::keyed(quota(5, StdDuration::from_secs(180))),
        }
    }
}

impl Limits {
    /// Ok, or the seconds to wait.
    pub fn check(&self, action: Action, key: &str) -> Result<(), u64> {
        let limiter = match action {
            Action::Post => &self.posting,
            Action::Search => &self.search,
            Action::PasswordChange => &self.password,
        };
        // Keys of people who stopped long ago are dropped now and then.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter
            .check_key(&key.to_string())
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()).as_secs().max(1))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn waits_grow_and_are_capped() {
        assert_eq!(super::growing_wait(2, 3, 300), 0);
        assert_eq!(super::growing_wait(3, 3, 300), 1);
        assert_eq!(super::growing_wait(4, 3, 300), 2);
        assert_eq!(super::growing_wait(6, 3, 300), 8);
        assert_eq!(super::growing_wait(60, 3, 300), 300);
    }

    #[test]
    fn per_process_limits_are_per_key() {
        let limits = super::Limits::default();
        for _ in 0..5 {
            assert!(limits.check(super::Action::PasswordChange, "1").is_ok());
        }
        assert!(limits.check(super::Action::PasswordChange, "1").is_err());
        assert!(limits.check(super::Action::PasswordChange, "2").is_ok());
    }
}
