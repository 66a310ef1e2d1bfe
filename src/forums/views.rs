//! Topic views are counted in memory and written in one unit of work every few seconds, so
//! reading a topic never writes: on SQLite a write takes the whole database, and a page view
//! would queue behind every reply being posted. A process that stops loses the views of its
//! last few seconds; several processes each add their own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::prelude::*;

use crate::db::schema::topics;
use crate::db::{DbConn, Pool};

/// How often the counted views are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// Views counted since the last write, by topic; and magazine articles' reads, by article and
/// whether the reader reached the end.
#[derive(Clone, Default)]
pub struct ViewCounts {
    pending: Arc<Mutex<HashMap<i64, i64>>>,
    reads: Arc<Mutex<HashMap<(i64, bool), i64>>>,
    /// Topics members read (member, topic), for their trust level.
    member_reads: Arc<Mutex<std::collections::HashSet<(i64, i64)>>>,
}

/// Different articles counted between two writes at most (addresses made up by the thousand
/// cannot grow the process: the rest wait for the next write).
const READS_MAX: usize = 10_000;

impl ViewCounts {
    /// A reader began an article (`finished`: reached its end). Nothing about the reader is kept.
    pub fn read(&self, article_id: i64, finished: bool) {
        if let Ok(mut p) = self.reads.lock()
            && (p.len() < READS_MAX || p.contains_key(&(article_id, finished)))
        {
            *p.entry((article_id, finished)).or_default() += 1;
        }
    }

    /// Write the articles' reads counted (of live articles only: made-up ids are dropped).
    fn flush_reads(&self, conn: &mut DbConn) -> QueryResult<()> {
        use crate::db::schema::{contents, magazine_article_reads as reads, magazine_articles};
        let taken: Vec<((i64, bool), i64)> = match self.reads.lock() {
            Ok(mut p) => p.drain().collect(),
            Err(_) => return Ok(()),
        };
        if taken.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = taken.iter().map(|((id, _), _)| *id).collect();
        let live: Vec<i64> = magazine_articles::table
            .inner_join(contents::table)
            .filter(magazine_articles::content_id.eq_any(&ids))
            .filter(contents::live.eq(true))
            .select(magazine_articles::content_id)
            .load(conn)?;
        let day = (crate::now().and_utc().timestamp().div_euclid(86_400)) as i32;
        let mut rows: Vec<(i64, i32, i32)> = Vec::new();
        for ((id, finished), n) in &taken {
            if !live.contains(id) {
                continue;
            }
            let n = (*n).min(i64::from(i32::MAX)) as i32;
            match rows.iter_mut().find(|r| r.0 == *id) {
                Some(r) if *finished => r.2 += n,
                Some(r) => r.1 += n,
                None if *finished => rows.push((*id, 0, n)),
                None => rows.push((*id, n, 0)),
            }
        }
        rows.sort_unstable();
        let written = crate::db::write(conn, |tx| {
            tx.quiet();
            for (id, views, finished) in &rows {
                // The day's row is added once; another process may add it first, then we add to it.
                crate::db::ignore_duplicate(tx, |conn| {
                    diesel::insert_into(reads::table)
                        .values((reads::article_id.eq(id), reads::day.eq(day)))
                        .execute(conn)
                })?;
                diesel::update(reads::table.find((id, day)))
                    .set((reads::views.eq(reads::views + views), reads::finished.eq(reads::finished + finished)))
                    .execute(tx.conn())?;
            }
            Ok(())
        });
        if written.is_err()
            && let Ok(mut p) = self.reads.lock()
        {
            for (key, n) in taken {
                *p.entry(key).or_default() += n;
            }
        }
        written
    }

    /// A member read a topic (kept once per member and topic).
    pub fn member_read(&self, user_id: i64, topic_id: i64) {
        if let Ok(mut p) = self.member_reads.lock()
            && p.len() < READS_MAX
        {
            p.insert((user_id, topic_id));
        }
    }

    fn flush_member_reads(&self, conn: &mut DbConn) -> QueryResult<()> {
        let mut taken: Vec<(i64, i64)> = match self.member_reads.lock() {
            Ok(mut p) => p.drain().collect(),
            Err(_) => return Ok(()),
        };
        if taken.is_empty() {
            return Ok(());
        }
        taken.sort_unstable();
        crate::db::write(conn, |tx| {
            tx.quiet();
            crate::moderation::trust::record_reads(tx, &taken)
        })
    }

    pub fn count(&self, topic_id: i64) {
        if let Ok(mut p) = self.pending.lock() {
            *p.entry(topic_id).or_default() += 1;
        }
    }

    /// Write what was counted (topics deleted meanwhile are skipped by the update). Returns the
    /// views written. On failure they are counted again for the next time.
    pub fn flush(&self, conn: &mut DbConn) -> QueryResult<i64> {
        if let Err(e) = self.flush_reads(conn) {
            tracing::warn!(error = %e, "article reads not written yet");
        }
        if let Err(e) = self.flush_member_reads(conn) {
            tracing::warn!(error = %e, "members' reads not written");
        }
        let taken: Vec<(i64, i64)> = match self.pending.lock() {
            Ok(mut p) => p.drain().collect(),
            Err(_) => return Ok(0),
        };
        if taken.is_empty() {
            return Ok(0);
        }
        let mut sorted = taken.clone();
        // Topic rows only, in id order, and nothing after them: this may wait behind a change
        // of a topic, but never in a circle (changes that hold two topics take them in id
        // order too).
        sorted.sort_unstable();
        let written = crate::db::write(conn, |tx| {
            tx.quiet();
            for (id, n) in &sorted {
                diesel::update(topics::table.find(*id))
                    .set(topics::view_count.eq(topics::view_count + *n))
                    .execute(tx.conn())?;
            }
            Ok(sorted.iter().map(|(_, n)| n).sum())
        });
        if written.is_err()
            && let Ok(mut p) = self.pending.lock()
        {
            for (id, n) in taken {
                *p.entry(id).or_default() += n;
            }
        }
        written
    }

    /// Write the counted views every few seconds, on a thread of their own; once the process
    /// is stopping, write what is left and end.
    pub fn spawn_flusher(&self, pool: Pool, stop: crate::jobs::Stop) -> Option<std::thread::JoinHandle<()>> {
        let counts = self.clone();
        let spawned = std::thread::Builder::new().name("plaza-views".into()).spawn(move || {
            loop {
                let stopping = stop.sleep(FLUSH_EVERY);
                let flushed = pool.get().map_err(anyhow::Error::from).and_then(|mut c| Ok(counts.flush(&mut c)?));
                if let Err(e) = flushed {
                    tracing::warn!(error = %e, "topic views not written yet");
                }
                if stopping {
                    break;
                }
            }
        });
        match spawned {
            Ok(handle) => Some(handle),
            Err(e) => {
                tracing::error!(error = %e, "could not start the view counter");
                None
            }
        }
    }
}
