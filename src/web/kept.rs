//! A value every request reads and admins rarely change (the crisis statement, the site's look),
//! kept by each process for a few seconds: pages cost no query for it, and a change made by
//! another process shows within `KEEP`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::QueryResult;

use crate::db::DbConn;

/// How long a process trusts its copy.
pub const KEEP: Duration = Duration::from_secs(5);

pub struct Kept<T> {
    kept: Mutex<Option<(Instant, T)>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept { kept: Mutex::new(None) }
    }
}

impl<T: Clone> Kept<T> {
    /// The copy while it is fresh (`None`: read it again with `get`).
    pub fn peek(&self) -> Option<T> {
        let kept = self.kept.lock().ok()?;
        let (at, v) = kept.as_ref()?;
        (at.elapsed() < KEEP).then(|| v.clone())
    }

    /// The copy while it is fresh, else what `load` reads (kept from now on).
    pub fn get(&self, conn: &mut DbConn, load: impl FnOnce(&mut DbConn) -> QueryResult<T>) -> QueryResult<T> {
        if let Some(v) = self.peek() {
            return Ok(v);
        }
        let v = load(conn)?;
        if let Ok(mut kept) = self.kept.lock() {
            *kept = Some((Instant::now(), v.clone()));
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
