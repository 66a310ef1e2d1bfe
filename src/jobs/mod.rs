//! Durable background work. A request that starts work growing with the audience (telling
//! 10,000 followers of a board) writes one job row in its own unit of work; a worker in every app
//! process expands it in batches. Each batch is a unit of work of its own that also moves the
//! job's cursor, so a crash repeats nothing and loses nothing, and each batch applies the policy
//! as it stands when the batch runs (someone demoted meanwhile is not told).
//!
//! The same worker delivers the mail outbox (`mail`).

pub mod mail;

use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::db::schema::jobs;
use crate::db::{DbConn, Pool, Tx};
use crate::notifications::{self, Readers, subscriptions};

/// Followers told per batch.
const BATCH: i64 = 200;

/// A job's work and where it has got to.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// Tell the followers of a topic or board about a piece of content.
    NotifyFollowers {
        target_kind: String,
        target_id: i64,
        content_id: i64,
        event: String,
        actor_id: Option<i64>,
        /// Told directly already (the author, people quoted or mentioned).
        skip: Vec<i64>,
        /// What the notification names (a new status and its note), see `notifications::detail`.
        #[serde(default)]
        detail: String,
        /// Followers up to this user id are done.
        after: i64,
    },
    /// Drop subscriptions their owners may no longer read.
    RecheckSubscriptions { user_id: Option<i64>, board_id: Option<i64>, after: i64 },
}

impl Job {
    fn kind(&self) -> &'static str {
        match self {
            Job::NotifyFollowers { .. } => "notify_followers",
            Job::RecheckSubscriptions { .. } => "recheck_subscriptions",
        }
    }
}

pub fn enqueue(tx: &mut Tx<'_>, job: &Job) -> QueryResult<()> {
    let payload = serde_json::to_string(job).map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    let now = crate::now();
    diesel::insert_into(jobs::table)
        .values((jobs::kind.eq(job.kind()), jobs::payload.eq(payload), jobs::created_at.eq(now), jobs::run_at.eq(now)))
        .execute(tx.conn())?;
    tx.wake_worker();
    Ok(())
}

/// Tell the followers of a target about new content, in the background; `detail` is what the
/// notification names (`notifications::detail`), or "".
#[allow(clippy::too_many_arguments)]
pub fn notify_followers(
    tx: &mut Tx<'_>,
    target_kind: &str,
    target_id: i64,
    content_id: i64,
    event: &str,
    actor_id: Option<i64>,
    skip: &[i64],
    detail: &str,
) -> QueryResult<()> {
    enqueue(
        tx,
        &Job::NotifyFollowers {
            target_kind: target_kind.to_string(),
            target_id,
            content_id,
            event: event.to_string(),
            actor_id,
            skip: skip.to_vec(),
            detail: detail.to_string(),
            after: i64::MIN,
        },
    )
}

/// Whose subscriptions to check after access changed.
pub enum Recheck {
    User(i64),
    Board(i64),
}

pub fn recheck_subscriptions(tx: &mut Tx<'_>, which: Recheck) -> QueryResult<()> {
    let (user_id, board_id) = match which {
        Recheck::User(u) => (Some(u), None),
        Recheck::Board(b) => (None, Some(b)),
    };
    enqueue(tx, &Job::RecheckSubscriptions { user_id, board_id, after: i64::MIN })
}

/// Run one batch of a job; the job as it continues, or `None` when it is finished.
fn run_batch(tx: &mut Tx<'_>, job: Job) -> QueryResult<Option<Job>> {
    match job {
        Job::NotifyFollowers { target_kind, target_id, content_id, event, actor_id, skip, detail, after } => {
            let batch = subscriptions::followers_after(tx, &target_kind, target_id, after, BATCH)?;
            let Some(last) = batch.last().copied() else { return Ok(None) };
            if let Some(readers) = Readers::of(tx, content_id)? {
                let ids: Vec<i64> = batch.iter().copied().filter(|u| !skip.contains(u)).collect();
                for r in notifications::recipients(tx, &ids)? {
                    if readers.include(&r.viewer) {
                        notifications::create(tx, &r, &event, actor_id, Some(content_id), &detail)?;
                    }
                }
            }
            Ok(((batch.len() as i64) == BATCH).then_some(Job::NotifyFollowers {
                target_kind,
                target_id,
                content_id,
                event,
                actor_id,
                skip,
                detail,
                after: last,
            }))
        }
        Job::RecheckSubscriptions { user_id, board_id, after } => {
            let scope = match (user_id, board_id) {
                (Some(u), _) => subscriptions::Scope::User(u),
                (None, Some(b)) => subscriptions::Scope::Board(b),
                (None, None) => return Ok(None),
            };
            Ok(subscriptions::recheck_batch(tx, scope, after, BATCH)?.map(|after| Job::RecheckSubscriptions {
                user_id,
                board_id,
                after,
            }))
        }
    }
}

type JobRow = (i64, String, Option<chrono::NaiveDateTime>, i32);

/// Run one batch of the oldest due job. Returns false when nothing was due.
pub fn run_one(conn: &mut DbConn) -> anyhow::Result<bool> {
    let now = crate::now();
    let due: Option<i64> = jobs::table
        .filter(jobs::done_at.is_null())
        .filter(jobs::run_at.le(now))
        .order(jobs::id.asc())
        .select(jobs::id)
        .first(conn)
        .optional()?;
    let Some(id) = due else { return Ok(false) };
    let outcome = crate::db::write(conn, |tx| -> anyhow::Result<()> {
        tx.quiet();
        // Held until commit: another process running the same job waits, then sees the cursor.
        tx.lock("jobs", "id", id)?;
        let (_, payload, done_at, _): JobRow =
            jobs::table.find(id).select((jobs::id, jobs::payload, jobs::done_at, jobs::attempts)).first(tx.conn())?;
        if done_at.is_some() {
            return Ok(());
        }
        let job: Job = serde_json::from_str(&payload)?;
        match run_batch(tx, job)? {
            Some(next) => {
                diesel::update(jobs::table.find(id))
                    .set(jobs::payload.eq(serde_json::to_string(&next)?))
                    .execute(tx.conn())?;
            }
            None => {
                diesel::update(jobs::table.find(id)).set(jobs::done_at.eq(Some(crate::now()))).execute(tx.conn())?;
            }
        }
        Ok(())
    });
    if let Err(e) = outcome {
        tracing::warn!(error = %e, id, "job failed; will retry");
        crate::db::write(conn, |tx| {
            tx.quiet();
            let attempts: i32 = jobs::table.find(id).select(jobs::attempts).first(tx.conn())?;
            let backoff = chrono::Duration::seconds(2_i64.pow(attempts.clamp(0, 10) as u32 + 1));
            diesel::update(jobs::table.find(id))
                .set((
                    jobs::attempts.eq(attempts + 1),
                    jobs::run_at.eq(crate::now() + backoff),
                    jobs::last_error.eq(e.to_string().chars().take(500).collect::<String>()),
                ))
                .execute(tx.conn())
        })?;
    }
    Ok(true)
}

/// Run every job that is due until none is left (tests, and `plaza` commands).
pub fn run_all(conn: &mut DbConn) -> anyhow::Result<usize> {
    let mut n = 0;
    while run_one(conn)? {
        n += 1;
        if n > 100_000 {
            anyhow::bail!("jobs keep coming");
        }
    }
    Ok(n)
}

static WAKE: (Mutex<bool>, Condvar) = (Mutex::new(false), Condvar::new());

/// Wake this process's worker (a unit of work queued something for it).
pub fn wake() {
    let (flag, signal) = &WAKE;
    if let Ok(mut woken) = flag.lock() {
        *woken = true;
        signal.notify_all();
    }
}

fn wait(timeout: Duration) {
    let (flag, signal) = &WAKE;
    if let Ok(mut woken) = flag.lock() {
        if !*woken {
            woken = match signal.wait_timeout(woken, timeout) {
                Ok((w, _)) => w,
                Err(_) => return,
            };
        }
        *woken = false;
    }
}

/// Asks this process's workers to finish the row they hold and exit (graceful shutdown).
#[derive(Clone, Default)]
pub struct Stop(Arc<(Mutex<bool>, Condvar)>);

impl Stop {
    pub fn request(&self) {
        let (flag, signal) = &*self.0;
        if let Ok(mut stopped) = flag.lock() {
            *stopped = true;
            signal.notify_all();
        }
        wake();
    }

    pub fn requested(&self) -> bool {
        self.0.0.lock().map(|s| *s).unwrap_or(true)
    }

    /// Sleep for `d`, or less if a stop is requested meanwhile. True when stopping.
    pub fn sleep(&self, d: Duration) -> bool {
        let (flag, signal) = &*self.0;
        let Ok(stopped) = flag.lock() else { return true };
        match signal.wait_timeout_while(stopped, d, |stopped| !*stopped) {
            Ok((stopped, _)) => *stopped,
            Err(_) => true,
        }
    }
}

/// How often the worker does its housekeeping (pruning old rows, the SQLite checkpoint and planner statistics).
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(300);

/// The worker of this process: jobs, then the mail outbox, then sleep until woken (or a few
/// seconds, for work queued by other processes); housekeeping every few minutes. Between two
/// pieces of work it looks whether the process is stopping, and if so exits: the job batch or
/// e-mail it holds is finished first, and nothing is left claimed.
pub fn spawn_worker(pool: Pool, settings: Settings, stop: Stop) -> Option<JoinHandle<()>> {
    let spawned = std::thread::Builder::new().name("plaza-worker".into()).spawn(move || {
        let mut last_housekeeping: Option<Instant> = None;
        while !stop.requested() {
            let run = pool.get().map_err(anyhow::Error::from).and_then(|mut conn| {
                let mut busy = false;
                for _ in 0..50 {
                    if stop.requested() || !run_one(&mut conn)? {
                        break;
                    }
                    busy = true;
                }
                mail::deliver_due_until(&mut conn, &settings, &|| stop.requested())?;
                if crate::magazine::queries::publish_due(&mut conn)? > 0 {
                    busy = true;
                }
                crate::moderation::sanctions::lift_due(&mut conn)?;
                if crate::moderation::alerts::scan(&mut conn)? > 0 {
                    busy = true;
                }
                if last_housekeeping.is_none_or(|t| t.elapsed() >= HOUSEKEEPING_EVERY) && !stop.requested() {
                    last_housekeeping = Some(Instant::now());
                    let report = crate::ops::housekeeping::run(&mut conn)?;
                    tracing::debug!(?report, "housekeeping");
                    crate::ops::housekeeping::checkpoint(&mut conn)?;
                    crate::ops::housekeeping::statistics(&mut conn)?;
                    crate::media::sweep(&mut conn, &settings)?;
                }
                Ok(busy)
            });
            match run {
                Ok(true) => continue,
                Ok(false) => wait(Duration::from_secs(3)),
                Err(e) => {
                    tracing::warn!(error = %e, "background work failed");
                    wait(Duration::from_secs(5));
                }
            }
        }
        tracing::info!("background worker stopped");
    });
    match spawned {
        Ok(handle) => Some(handle),
        Err(e) => {
            tracing::error!(error = %e, "could not start the background worker");
            None
        }
    }
}
