//! Search over everything people wrote (posts, comments, topics, replies) and over people.
//!
//! One seam for every kind of content: the write paths call [`sync_content`] in the same
//! transaction as the change. That keeps the database index (SQLite FTS5 or PostgreSQL
//! tsvector, see `sql`) exact, and, when Meilisearch is configured, writes outbox rows that the
//! worker in `meili` sends on. Queries go through the [`SearchIndex`] trait: the database
//! backends answer directly; Meilisearch answers when it is up and the database index when not.

pub mod corpus;
pub mod docs;
pub mod handlers;
pub mod meili;
pub mod reindex;
pub mod results;
pub mod sql;
pub mod text;

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::search_outbox;
use crate::db::{Backend, DbConn, Tx};
pub use docs::Doc;
pub use text::Query;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Relevance,
    Newest,
}

/// A search, with the viewer's access level already decided.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    pub query: Query,
    pub kind: Option<&'static str>,
    pub tag_id: Option<i64>,
    pub author_id: Option<i64>,
    pub place: Option<(&'static str, i64)>,
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    pub sort: Sort,
    /// The audiences the searcher belongs to (`None`: all, for admins), from the policy.
    pub audiences: Option<Vec<i64>>,
    pub offset: i64,
    pub limit: i64,
    /// Relevance is ranked among at most this many of the newest matches (database backends).
    pub rank_window: i64,
}

impl SearchRequest {
    pub fn new(query: Query, audiences: Option<Vec<i64>>) -> Self {
        SearchRequest {
            query,
            kind: None,
            tag_id: None,
            author_id: None,
            place: None,
            from: None,
            until: None,
            sort: Sort::Relevance,
            audiences,
            offset: 0,
            limit: 20,
            rank_window: sql::RANK_WINDOW,
        }
    }
}

/// One page of matches, best first, as (kind, id) keys.
#[derive(Clone, Debug, Default)]
pub struct SearchResults {
    pub hits: Vec<(&'static str, i64)>,
    pub total: i64,
    /// `total` is a lower bound (counted up to a cap) or the engine's estimate.
    pub total_is_estimate: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("the search engine is unavailable: {0}")]
    Unavailable(String),
    /// Not asked: it failed repeatedly just before (the circuit breaker is open).
    #[error("the search engine is skipped after repeated failures")]
    Skipped,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<SearchError> for crate::error::AppError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::Db(e) => e.into(),
            other => crate::error::AppError::internal(other),
        }
    }
}

/// A search backend.
pub trait SearchIndex: Send + Sync {
    fn name(&self) -> &'static str;
    fn search(&self, conn: &mut DbConn, req: &SearchRequest) -> Result<SearchResults, SearchError>;
}

/// The database's own index for a connection of this backend.
pub fn database_index(backend: Backend) -> &'static dyn SearchIndex {
    match backend {
        Backend::Sqlite => &sql::SqliteFts,
        Backend::Postgres => &sql::PostgresFts,
    }
}

/// The search engine a site runs: the database index, or Meilisearch in front of it.
#[derive(Clone, Default)]
pub struct Engine {
    pub meili: Option<Arc<meili::MeiliIndex>>,
}

/// What the engine found, and whether it had to fall back to the database index.
pub struct Answer {
    pub results: SearchResults,
    pub fell_back: bool,
    /// Which backend answered (`SearchIndex::name`).
    pub engine: &'static str,
}

impl Engine {
    /// The whole search on one connection (the command line). Pages use `ask_external` and
    /// `answer` instead, so that no connection is held while Meilisearch is waited for.
    pub fn search(&self, conn: &mut DbConn, req: &SearchRequest) -> Result<Answer, SearchError> {
        let external = self.ask_external(req);
        self.answer(conn, req, external)
    }

    /// Ask Meilisearch, when the site has it; needs no database connection. `None` without it.
    pub fn ask_external(&self, req: &SearchRequest) -> Option<Result<SearchResults, SearchError>> {
        self.meili.as_ref().map(|m| m.search_remote(req))
    }

    /// The answer: Meilisearch's if it gave one, else the database index's (on `conn`).
    pub fn answer(
        &self,
        conn: &mut DbConn,
        req: &SearchRequest,
        external: Option<Result<SearchResults, SearchError>>,
    ) -> Result<Answer, SearchError> {
        match external {
            Some(Ok(results)) => return Ok(Answer { results, fell_back: false, engine: "meilisearch" }),
            Some(Err(SearchError::Unavailable(e))) => {
                tracing::warn!(error = %e, "Meilisearch unavailable; answering from the database index");
            }
            Some(Err(SearchError::Skipped)) => {
                tracing::debug!("Meilisearch skipped after repeated failures; answering from the database index");
            }
            Some(Err(e)) => return Err(e),
            None => {}
        }
        let index = database_index(conn.backend());
        let results = index.search(conn, req)?;
        Ok(Answer { results, fell_back: self.meili.is_some(), engine: index.name() })
    }
}

const OUTBOX_SETTING: &str = "search.outbox";

/// Turn the Meilisearch outbox on or off. Stored in the database so every app process writing
/// content agrees: a process started with `MEILI_URL` turns it on; only the operator turns it
/// off (`plaza meilisearch-off`, see `disable_outbox`), never a process started without it.
pub fn set_outbox(tx: &mut Tx<'_>, on: bool) -> QueryResult<()> {
    crate::db::set_setting(tx, OUTBOX_SETTING, on.then_some("on"))
}

/// The site no longer uses Meilisearch: stop queueing changes and drop those not sent.
/// Returns how many were dropped.
pub fn disable_outbox(tx: &mut Tx<'_>) -> QueryResult<usize> {
    set_outbox(tx, false)?;
    diesel::delete(search_outbox::table.filter(search_outbox::done_at.is_null())).execute(tx.conn())
}

/// Does this site send its changes to Meilisearch?
pub fn outbox_on(conn: &mut DbConn) -> QueryResult<bool> {
    Ok(crate::db::setting(conn, OUTBOX_SETTING)?.is_some())
}

fn enqueue(tx: &mut Tx<'_>, keys: &[(&'static str, i64)]) -> QueryResult<()> {
    if keys.is_empty() || !outbox_on(tx)? {
        return Ok(());
    }
    let now = crate::now();
    for (kind, ref_id) in keys {
        diesel::insert_into(search_outbox::table)
            .values((
                search_outbox::doc_kind.eq(kind),
                search_outbox::ref_id.eq(ref_id),
                search_outbox::created_at.eq(now),
                search_outbox::next_attempt_at.eq(now),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

/// Bring the index in line with these pieces of content, in the unit of work that changed them
/// (`db::write` calls this with everything it touched): live ones are (re)indexed, the rest taken
/// out with everything under them. What is under a piece whose state changed was touched too
/// (`content::refresh_live`), so a post published again brings its comments back.
pub fn sync_content(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let docs = docs::content_docs(tx, ids)?;
    let present: HashSet<i64> = docs.iter().map(|d| d.ref_id).collect();
    let absent: Vec<i64> = ids.iter().copied().filter(|id| !present.contains(id)).collect();
    // A live piece of a kind search does not find (a magazine issue) is not a reason to take out
    // what is under it (its articles): only pieces no longer live take their children along.
    let live_unsearched: HashSet<i64> = if absent.is_empty() {
        HashSet::new()
    } else {
        use crate::db::schema::contents;
        contents::table
            .filter(contents::id.eq_any(&absent))
            .filter(contents::live.eq(true))
            .select(contents::id)
            .load::<i64>(tx.conn())?
            .into_iter()
            .collect()
    };
    let (alone, with_children): (Vec<i64>, Vec<i64>) = absent.into_iter().partition(|id| live_unsearched.contains(id));
    sql::upsert(tx, &docs)?;
    let mut keys: Vec<(&'static str, i64)> = docs.iter().map(|d| (d.kind, d.ref_id)).collect();
    keys.extend(sql::remove_content(tx, &with_children)?);
    keys.extend(sql::remove_content_only(tx, &alone)?);
    enqueue(tx, &keys)
}

/// A piece changed kind (a topic merged into another is a reply now): its old document goes
/// now, its new one is made when the unit of work ends (`sync_content`).
pub fn kind_changed(tx: &mut Tx<'_>, id: i64) -> QueryResult<()> {
    let keys = sql::remove_content_only(tx, &[id])?;
    enqueue(tx, &keys)
}

/// Bring the index in line with these people (profile edits, suspension).
pub fn sync_people(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let docs = docs::person_docs(tx, ids)?;
    let present: HashSet<i64> = docs.iter().map(|d| d.ref_id).collect();
    let absent: Vec<i64> = ids.iter().copied().filter(|id| !present.contains(id)).collect();
    sql::upsert(tx, &docs)?;
    let mut keys: Vec<(&'static str, i64)> = docs.iter().map(|d| (d.kind, d.ref_id)).collect();
    keys.extend(sql::remove_people(tx, &absent)?);
    enqueue(tx, &keys)
}
