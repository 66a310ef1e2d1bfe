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

/// Views counted since the last write, by topic.
#[derive(Clone, Default)]
pub struct ViewCounts {
    pending: Arc<Mutex<HashMap<i64, i64>>>,
}

impl ViewCounts {
    pub fn count(&self, topic_id: i64) {
        if let Ok(mut p) = self.pending.lock() {
            *p.entry(topic_id).or_default() += 1;
        }
    }

    /// Write what was counted (topics deleted meanwhile are skipped by the update). Returns the
    /// views written. On failure they are counted again for the next time.
    pub fn flush(&self, conn: &mut DbConn) -> QueryResult<i64> {
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
