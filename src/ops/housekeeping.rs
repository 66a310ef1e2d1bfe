//! Housekeeping, run by the worker every few minutes: rows nobody needs any more are pruned in
//! bounded batches (each batch its own unit of work, so a large backlog never holds the
//! database for long), and SQLite's write-ahead log is folded back into the database file
//! (under a steady write load readers keep the automatic checkpoint from finishing and the WAL
//! grows without bound), and SQLite's query-planner statistics are brought up to date.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::db::schema::{cache_events, jobs, login_failures, mail_outbox, notifications, search_outbox, sessions};
use crate::db::{Backend, DbConn};

/// Rows deleted per unit of work.
const BATCH: i64 = 1_000;
/// Batches per table per run: a backlog is worked off over several runs.
const MAX_BATCHES: usize = 50;
/// Read notifications are kept this long.
pub const KEEP_READ_NOTIFICATIONS_DAYS: i64 = 90;
/// Sent or withdrawn e-mails, finished jobs and sent search changes are kept this long, for
/// an operator to look at.
pub const KEEP_DONE_DAYS: i64 = 7;
/// Failed logins are kept this long (the login limits look at the last hour).
pub const KEEP_LOGIN_FAILURES_DAYS: i64 = 7;
/// Page-cache changes are kept this long: every running process applies them within a second;
/// a process that starts later starts with an empty cache.
pub const KEEP_CACHE_EVENTS_MINUTES: i64 = 10;

/// What one run removed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sessions: usize,
    pub notifications: usize,
    pub mail: usize,
    pub jobs: usize,
    pub search_outbox: usize,
    pub login_failures: usize,
    pub cache_events: usize,
}

/// Delete, batch by batch, the rows of `$table` that `$filter` selects: at most `BATCH` ids at
/// a time, each batch its own unit of work, at most `MAX_BATCHES` batches.
macro_rules! prune {
    ($conn:expr, $table:ident, $filter:expr) => {{
        let mut total = 0;
        for _ in 0..MAX_BATCHES {
            let ids: Vec<i64> = $table::table.filter($filter).select($table::id).limit(BATCH).load($conn)?;
            if ids.is_empty() {
                break;
            }
            total += crate::db::write($conn, |tx| {
                tx.quiet();
                diesel::delete($table::table.filter($table::id.eq_any(&ids))).execute(tx.conn())
            })?;
            if (ids.len() as i64) < BATCH {
                break;
            }
        }
        total
    }};
}

/// Prune everything that is due. Safe in several processes at once (a row deleted by another
/// is simply not there).
pub fn run(conn: &mut DbConn) -> QueryResult<Report> {
    let now = crate::now();
    let done_before = now - chrono::Duration::days(KEEP_DONE_DAYS);
    let read_before = now - chrono::Duration::days(KEEP_READ_NOTIFICATIONS_DAYS);
    let failed_before = now - chrono::Duration::days(KEEP_LOGIN_FAILURES_DAYS);
    Ok(Report {
        sessions: prune!(conn, sessions, sessions::expires_at.lt(now)),
        notifications: prune!(conn, notifications, notifications::read_at.lt(read_before)),
        mail: prune!(conn, mail_outbox, mail_outbox::sent_at.lt(done_before)),
        jobs: prune!(conn, jobs, jobs::done_at.lt(done_before)),
        search_outbox: prune!(conn, search_outbox, search_outbox::done_at.lt(done_before)),
        login_failures: prune!(conn, login_failures, login_failures::failed_at.lt(failed_before)),
        cache_events: prune!(
            conn,
            cache_events,
            cache_events::created_at.lt(now - chrono::Duration::minutes(KEEP_CACHE_EVENTS_MINUTES))
        ),
    })
}

/// SQLite: write the WAL back into the database file and truncate it. Waits (up to the busy
/// timeout) for readers of old pages; nothing on PostgreSQL.
pub fn checkpoint(conn: &mut DbConn) -> QueryResult<()> {
    if conn.backend() == Backend::Sqlite {
        conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")?;
    }
    Ok(())
}

/// SQLite: gather the statistics the query planner needs (`PRAGMA optimize`, which analyzes only
/// tables never analyzed or grown or shrunk a lot since, each with a bounded sample). Without
/// them SQLite guesses that any equality on an indexed column is selective, and at a million
/// posts it walked every post of the site (a tag page: 1.2 s) or every topic (a profile: 30 ms)
/// through an index that matches all of them. PostgreSQL's autovacuum keeps its own.
pub fn statistics(conn: &mut DbConn) -> QueryResult<()> {
    if conn.backend() == Backend::Sqlite {
        let started = std::time::Instant::now();
        conn.batch_execute("PRAGMA optimize=0x10002;")?;
        let took = started.elapsed();
        if took >= std::time::Duration::from_secs(1) {
            tracing::info!(ms = took.as_millis() as u64, "query-planner statistics gathered");
        }
    }
    Ok(())
}
