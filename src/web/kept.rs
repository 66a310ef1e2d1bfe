//! A value every request reads and admins rarely change (the crisis statement, the site's look),
//! kept by each process for a few seconds: pages cost no query for it, and a change made by
//! another process shows within `KEEP`, or as soon as this process applies the change's page
//! cache event (the copy is tied to the page cache's "everything" epoch: a page made after the
//! event, and kept by the cache as new, must not be made from the old copy).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::QueryResult;

use crate::db::DbConn;

/// How long a process trusts its copy.
pub const KEEP: Duration = Duration::from_secs(5);

pub struct Kept<T> {
    /// (read at, the page cache's epoch then, the value)
    kept: Mutex<Option<(Instant, u64, T)>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept { kept: Mutex::new(None) }
    }
}

impl<T: Clone> Kept<T> {
    /// The copy while it is fresh and of this `epoch` (`None`: read it again with `get`).
    pub fn peek(&self, epoch: u64) -> Option<T> {
        let kept = self.kept.lock().ok()?;
        let (at, of, v) = kept.as_ref()?;
        (at.elapsed() < KEEP && *of == epoch).then(|| v.clone())
    }

    /// The copy while it is fresh, else what `load` reads (kept from now on).
    pub fn get(
        &self,
        conn: &mut DbConn,
        epoch: u64,
        load: impl FnOnce(&mut DbConn) -> QueryResult<T>,
    ) -> QueryResult<T> {
        if let Some(v) = self.peek(epoch) {
            return Ok(v);
        }
        let v = load(conn)?;
        if let Ok(mut kept) = self.kept.lock() {
            *kept = Some((Instant::now(), epoch, v.clone()));
        }
        Ok(v)
    }

    /// Forget the copy (this process changed the value).
    pub fn forget(&self) {
        if let Ok(mut kept) = self.kept.lock() {
            *kept = None;
        }
    }
}
