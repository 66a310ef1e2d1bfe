//! Rebuilding an index from the database: in batches, each in its own transaction, with the
//! position saved after each batch, so a rebuild can be stopped and resumed and running it
//! twice gives the same index.

use diesel::prelude::*;

use super::docs;
use super::meili::MeiliIndex;
use super::sql;
use crate::db::DbConn;
use crate::db::schema::{contents, users};

pub const BATCH: i64 = 500;
/// Meilisearch batches queued before waiting for them.
const MEILI_QUEUE: usize = 20;

/// Wait for queued Meilisearch tasks, then save the position they cover.
fn confirm(
    conn: &mut DbConn,
    meili: &MeiliIndex,
    queued: &mut Vec<meilisearch_sdk::task_info::TaskInfo>,
    key: &str,
    last: i64,
) -> anyhow::Result<()> {
    for task in queued.drain(..) {
        meili.finish(task)?;
    }
    set_cursor(conn, key, Some(last))?;
    Ok(())
}

/// Which index a rebuild writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Database,
    Meilisearch,
}

impl Target {
    fn cursor_key(self, phase: &str) -> String {
        let target = match self {
            Target::Database => "database",
            Target::Meilisearch => "meilisearch",
        };
        format!("search.reindex.{target}.{phase}")
    }
}

const PHASES: [&str; 2] = ["content", "people"];

fn cursor(conn: &mut DbConn, key: &str) -> QueryResult<Option<i64>> {
    Ok(crate::db::setting(conn, key)?.and_then(|v| v.parse().ok()))
}

fn set_cursor(conn: &mut DbConn, key: &str, value: Option<i64>) -> QueryResult<()> {
    crate::db::write(conn, |tx| {
        tx.quiet();
        crate::db::set_setting(tx, key, value.map(|v| v.to_string()).as_deref())
    })
}

/// A rebuild of `target` was started and not finished.
pub fn interrupted(conn: &mut DbConn, target: Target) -> QueryResult<bool> {
    for phase in PHASES {
        if cursor(conn, &target.cursor_key(phase))?.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Rows a rebuild goes through (for a progress bar).
pub fn total(conn: &mut DbConn) -> QueryResult<u64> {
    let c: i64 = contents::table.count().get_result(conn)?;
    let u: i64 = users::table.count().get_result(conn)?;
    Ok((c + u) as u64)
}

/// The database index holds nothing though there is published content (a site upgraded from
/// before search, or restored from a dump without the index).
/// Runs at every start-up, so it only asks whether a row exists (never counts a large table).
pub fn database_index_missing(conn: &mut DbConn) -> QueryResult<bool> {
    use crate::db::schema::search_docs;
    use diesel::dsl::{exists, select};
    let indexed: bool = select(exists(search_docs::table.select(search_docs::id))).get_result(conn)?;
    if indexed {
        return Ok(false);
    }
    select(exists(contents::table.filter(contents::published_at.is_not_null()).select(contents::id))).get_result(conn)
}

/// What a rebuild did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub scanned: u64,
    pub indexed: u64,
    pub removed: u64,
    pub resumed: bool,
}

/// Rebuild `target` from the database. Resumes an interrupted rebuild unless `restart`.
/// `progress` is told how many rows each batch covered.
pub fn rebuild(
    conn: &mut DbConn,
    target: Target,
    meili: Option<&MeiliIndex>,
    restart: bool,
    progress: &dyn Fn(u64),
) -> anyhow::Result<Stats> {
    let resume = !restart && interrupted(conn, target)?;
    let mut stats = Stats { resumed: resume, ..Stats::default() };
    if !resume {
        // A fresh external index starts empty (it cannot list what it holds that the
        // database no longer has); the database index is brought in line row by row.
        if target == Target::Meilisearch {
            meili.ok_or_else(|| anyhow::anyhow!("MEILI_URL is not set"))?.clear()?;
        }
        for phase in PHASES {
            set_cursor(conn, &target.cursor_key(phase), Some(0))?;
        }
    }
    for phase in PHASES {
        let key = target.cursor_key(phase);
        let Some(mut after) = cursor(conn, &key)? else { continue };
        // Meilisearch: batches are queued without waiting and confirmed every few batches; the
        // saved position moves only past confirmed batches.
        let mut queued = Vec::new();
        loop {
            let ids = if phase == "content" {
                docs::content_ids_after(conn, after, BATCH)?
            } else {
                docs::user_ids_after(conn, after, BATCH)?
            };
            let Some(&last) = ids.last() else { break };
            let batch = crate::db::write(conn, |tx| -> anyhow::Result<(u64, u64)> {
                let found =
                    if phase == "content" { docs::content_docs(tx, &ids)? } else { docs::person_docs(tx, &ids)? };
                let present: std::collections::HashSet<i64> = found.iter().map(|d| d.ref_id).collect();
                let absent: Vec<i64> = ids.iter().copied().filter(|id| !present.contains(id)).collect();
                let removed = match (target, meili) {
                    (Target::Database, _) => {
                        sql::upsert(tx, &found)?;
                        let removed = if phase == "content" {
                            sql::remove_content(tx, &absent)?.len()
                        } else {
                            sql::remove_people(tx, &absent)?.len()
                        };
                        crate::db::set_setting(tx, &key, Some(&last.to_string()))?;
                        removed
                    }
                    (Target::Meilisearch, Some(m)) => {
                        if !found.is_empty() {
                            queued.push(m.enqueue(&found)?);
                        }
                        0
                    }
                    (Target::Meilisearch, None) => anyhow::bail!("MEILI_URL is not set"),
                };
                Ok((found.len() as u64, removed as u64))
            })?;
            stats.scanned += ids.len() as u64;
            stats.indexed += batch.0;
            stats.removed += batch.1;
            after = last;
            if let Some(m) = meili.filter(|_| target == Target::Meilisearch) {
                if queued.len() >= MEILI_QUEUE {
                    confirm(conn, m, &mut queued, &key, last)?;
                }
            }
            progress(ids.len() as u64);
        }
        if let Some(m) = meili.filter(|_| target == Target::Meilisearch) {
            confirm(conn, m, &mut queued, &key, after)?;
        }
        set_cursor(conn, &key, None)?;
    }
    if target == Target::Database {
        stats.removed += crate::db::write(conn, sql::remove_orphans)? as u64;
    }
    Ok(stats)
}

/// What Meilisearch documents hold changed in this version (they name their audience); an
/// index written by an older version is rebuilt once, in the background, at start-up.
pub const MEILI_SCHEMA: &str = "3-stems";
const MEILI_SCHEMA_SETTING: &str = "search.meili.schema";

/// Does the Meilisearch index need rebuilding for this version's documents?
pub fn meili_outdated(conn: &mut DbConn) -> QueryResult<bool> {
    Ok(crate::db::setting(conn, MEILI_SCHEMA_SETTING)?.as_deref() != Some(MEILI_SCHEMA))
}

/// Rebuild Meilisearch in the background (its documents predate this version), then remember
/// that it is current. Searches meanwhile answer from what Meilisearch holds, filtered by the
/// policy, and every hit is checked against the database index.
pub fn spawn_meili_rebuild(pool: crate::db::Pool, meili: std::sync::Arc<MeiliIndex>) {
    let spawned = std::thread::Builder::new().name("plaza-reindex-meili".into()).spawn(move || {
        tracing::info!("rebuilding the Meilisearch index for this version");
        let run = pool.get().map_err(anyhow::Error::from).and_then(|mut conn| {
            let stats = rebuild(&mut conn, Target::Meilisearch, Some(&meili), false, &|_| {})?;
            crate::db::write(&mut conn, |tx| {
                tx.quiet();
                crate::db::set_setting(tx, MEILI_SCHEMA_SETTING, Some(MEILI_SCHEMA))
            })?;
            Ok(stats)
        });
        match run {
            Ok(s) => tracing::info!(indexed = s.indexed, "Meilisearch index rebuilt"),
            Err(e) => {
                tracing::error!(error = %e, "rebuilding Meilisearch failed; run `plaza reindex --target meilisearch`")
            }
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the Meilisearch rebuild");
    }
}

/// Record that Meilisearch holds this version's documents (after `plaza reindex`).
pub fn mark_meili_current(conn: &mut DbConn) -> QueryResult<()> {
    crate::db::write(conn, |tx| {
        tx.quiet();
        crate::db::set_setting(tx, MEILI_SCHEMA_SETTING, Some(MEILI_SCHEMA))
    })
}

/// Build the database index in the background (an upgraded site whose content predates it, or
/// an interrupted rebuild). Pages keep working meanwhile; results fill in as it goes.
pub fn spawn_database_rebuild(pool: crate::db::Pool) {
    let spawned = std::thread::Builder::new().name("plaza-reindex".into()).spawn(move || {
        tracing::info!("building the search index from the database");
        let run = pool
            .get()
            .map_err(anyhow::Error::from)
            .and_then(|mut conn| rebuild(&mut conn, Target::Database, None, false, &|_| {}));
        match run {
            Ok(s) => tracing::info!(indexed = s.indexed, scanned = s.scanned, "search index built"),
            Err(e) => tracing::error!(error = %e, "building the search index failed; run `plaza reindex`"),
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the search index rebuild");
    }
}
