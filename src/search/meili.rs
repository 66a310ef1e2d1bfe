//! Meilisearch for scale-out (`MEILI_URL`, `MEILI_KEY`). Content changes reach it through the
//! outbox: `search_outbox` rows written in the same transaction as the change, sent in batches
//! by a worker in every app process (rows are claimed first, so two processes never send the
//! same batch), retried with backoff until Meilisearch takes them. The worker reads each
//! document's current state from the database when it sends, so order and repeats do not matter.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use meilisearch_sdk::client::Client;
use meilisearch_sdk::settings::Settings as IndexSettings;
use meilisearch_sdk::tasks::Task;
use serde::{Deserialize, Serialize};

use super::docs::{self, Doc};
use super::text;
use super::{SearchError, SearchIndex, SearchRequest, SearchResults, Sort};
use crate::config::Settings;
use crate::db::schema::search_outbox;
use crate::db::{DbConn, Pool};

/// Outbox rows sent per batch.
pub const BATCH: i64 = 500;
/// A claim is a lease: the rows are left alone this long, and the worker renews it every
/// `RENEW_EVERY` while it waits for Meilisearch. Rows claimed by a process that died are due
/// again when its lease runs out, seconds later.
pub const CLAIM_LEASE_SECS: i64 = 15;
const RENEW_EVERY: Duration = Duration::from_secs(5);
/// After this many searches in a row failed, searches skip Meilisearch for `BREAKER_OPEN`
/// (then one search tries it again).
pub const BREAKER_TRIPS_AFTER: u32 = 3;
const BREAKER_OPEN: Duration = Duration::from_secs(30);
/// Longest wait between retries of a failing row.
const MAX_BACKOFF_SECS: i64 = 300;

/// A document as Meilisearch stores it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct MeiliDoc {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub tags: Vec<String>,
    pub tag_ids: Vec<i64>,
    pub body: String,
    /// The same texts with English words stemmed, so that a stemmed query finds every form of
    /// a word as the database indexes do (`syncing` finds `synced`).
    pub title_stems: String,
    pub tag_stems: Vec<String>,
    pub body_stems: String,
    pub author_id: Option<i64>,
    /// "blog-3", "board-7", or "" for people.
    pub place: String,
    /// The audience that may find it (the searcher's audiences are the filter).
    pub audience: i64,
    /// Unix seconds.
    pub published_at: i64,
}

impl From<&Doc> for MeiliDoc {
    fn from(d: &Doc) -> Self {
        MeiliDoc {
            id: d.key(),
            kind: d.kind.to_string(),
            title: d.title.clone(),
            tags: d.tags.clone(),
            tag_ids: d.tag_ids.clone(),
            body: d.body.clone(),
            title_stems: text::stemmed(&d.title),
            tag_stems: d.tags.iter().map(|t| text::stemmed(t)).collect(),
            body_stems: text::stemmed(&d.body),
            author_id: d.author_id,
            place: d.place_id.map(|id| format!("{}-{id}", d.place_kind)).unwrap_or_default(),
            audience: d.audience_id,
            published_at: d.published_at.and_utc().timestamp(),
        }
    }
}

#[derive(Deserialize)]
struct HitId {
    id: String,
}

pub struct MeiliIndex {
    client: Client,
    index: String,
    timeout: Duration,
    /// Meilisearch's own I/O runs here; callers are blocking threads (the pool's, the worker's).
    /// An Option only so that Drop can shut it down without blocking an async thread.
    runtime: Option<tokio::runtime::Runtime>,
    settings_applied: AtomicBool,
    breaker: Breaker,
}

/// A circuit breaker for searches: after `BREAKER_TRIPS_AFTER` failures in a row it opens, and
/// searches answer from the database index without waiting for Meilisearch; when
/// `BREAKER_OPEN` has passed, one search tries again (the others keep skipping), and a success
/// closes it.
#[derive(Default)]
struct Breaker {
    failures: AtomicU32,
    open_until: Mutex<Option<Instant>>,
}

impl Breaker {
    /// May a search ask Meilisearch now?
    fn allow(&self) -> bool {
        let Ok(mut open_until) = self.open_until.lock() else { return true };
        match *open_until {
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                // Half-open: this search tries; the others skip until it has answered.
                *open_until = Some(Instant::now() + BREAKER_OPEN);
                true
            }
            None => true,
        }
    }

    fn succeeded(&self) {
        self.failures.store(0, Ordering::Relaxed);
        if let Ok(mut open_until) = self.open_until.lock() {
            *open_until = None;
        }
    }

    fn failed(&self) {
        let failures = self.failures.fetch_add(1, Ordering::Relaxed) + 1;
        if failures >= BREAKER_TRIPS_AFTER
            && let Ok(mut open_until) = self.open_until.lock()
        {
            if open_until.is_none() {
                tracing::warn!(
                    failures,
                    "Meilisearch failed {failures} times in a row: searches use the database index for {} s",
                    BREAKER_OPEN.as_secs()
                );
            }
            *open_until = Some(Instant::now() + BREAKER_OPEN);
        }
    }
}

fn unavailable(e: impl std::fmt::Display) -> SearchError {
    SearchError::Unavailable(e.to_string())
}

impl MeiliIndex {
    pub fn new(settings: &Settings) -> anyhow::Result<Option<MeiliIndex>> {
        let Some(url) = &settings.meili_url else { return Ok(None) };
        let client = Client::new(url.clone(), settings.meili_key.as_ref().map(|k| k.expose().to_string()))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("plaza-meili")
            .enable_all()
            .build()?;
        Ok(Some(MeiliIndex {
            client,
            index: settings.meili_index.clone(),
            timeout: Duration::from_millis(settings.meili_timeout_ms.max(1)),
            runtime: Some(runtime),
            settings_applied: AtomicBool::new(false),
            breaker: Breaker::default(),
        }))
    }

    fn block_on<T>(
        &self,
        limit: Duration,
        f: impl Future<Output = Result<T, meilisearch_sdk::errors::Error>>,
    ) -> Result<T, SearchError> {
        let runtime = self.runtime.as_ref().ok_or_else(|| unavailable("shutting down"))?;
        runtime
            .block_on(async { tokio::time::timeout(limit, f).await })
            .map_err(|_| unavailable(format!("no answer within {} ms", limit.as_millis())))?
            .map_err(unavailable)
    }

    /// Wait for a Meilisearch task and fail unless it succeeded.
    pub fn finish(&self, task: meilisearch_sdk::task_info::TaskInfo) -> Result<(), SearchError> {
        self.finish_renewing(task, &mut || {})
    }

    /// `finish`, calling `renew` every few seconds while it waits (the outbox worker renews
    /// the lease on the rows it is sending).
    fn finish_renewing(
        &self,
        task: meilisearch_sdk::task_info::TaskInfo,
        renew: &mut dyn FnMut(),
    ) -> Result<(), SearchError> {
        let started = Instant::now();
        let mut renewed = Instant::now();
        let mut pause = Duration::from_millis(10);
        while started.elapsed() < Duration::from_secs(110) {
            let client = self.client.clone();
            let info = task.clone();
            match self.block_on(Duration::from_secs(10), async move { client.get_task(&info).await })? {
                Task::Succeeded { .. } => return Ok(()),
                Task::Failed { content } => return Err(unavailable(format!("task failed: {}", content.error))),
                _ => {}
            }
            if renewed.elapsed() >= RENEW_EVERY {
                renew();
                renewed = Instant::now();
            }
            std::thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(250));
        }
        Err(unavailable("task did not finish"))
    }

    /// Searchable, filterable and sortable attributes and ranking rules (idempotent; run at
    /// start-up and again by the worker until it has succeeded once).
    pub fn apply_settings(&self) -> Result<(), SearchError> {
        if self.settings_applied.load(Ordering::Relaxed) {
            return Ok(());
        }
        let settings = IndexSettings::new()
            .with_searchable_attributes(["title", "title_stems", "tags", "tag_stems", "body", "body_stems"])
            .with_filterable_attributes(["kind", "tag_ids", "author_id", "place", "audience", "published_at"])
            .with_sortable_attributes(["published_at"])
            .with_ranking_rules(["words", "typo", "proximity", "attribute", "sort", "exactness", "published_at:desc"]);
        let index = self.client.index(&self.index);
        let task = self.block_on(Duration::from_secs(10), async move { index.set_settings(&settings).await })?;
        self.finish(task)?;
        self.settings_applied.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Add or replace these documents and delete these keys, waiting until Meilisearch has them.
    pub fn apply(&self, upsert: &[Doc], remove: &[String]) -> Result<(), SearchError> {
        self.apply_renewing(upsert, remove, &mut || {})
    }

    fn apply_renewing(&self, upsert: &[Doc], remove: &[String], renew: &mut dyn FnMut()) -> Result<(), SearchError> {
        self.apply_settings()?;
        let index = self.client.index(&self.index);
        if !upsert.is_empty() {
            let docs: Vec<MeiliDoc> = upsert.iter().map(MeiliDoc::from).collect();
            let index = index.clone();
            let task =
                self.block_on(Duration::from_secs(30), async move { index.add_or_replace(&docs, Some("id")).await })?;
            self.finish_renewing(task, renew)?;
        }
        if !remove.is_empty() {
            let ids = remove.to_vec();
            let task = self.block_on(Duration::from_secs(30), async move { index.delete_documents(&ids).await })?;
            self.finish_renewing(task, renew)?;
        }
        Ok(())
    }

    /// Queue documents without waiting (a rebuild sends batch after batch and lets Meilisearch
    /// index them together); pass the task to `finish` before counting them as sent.
    pub fn enqueue(&self, upsert: &[Doc]) -> Result<meilisearch_sdk::task_info::TaskInfo, SearchError> {
        self.apply_settings()?;
        let index = self.client.index(&self.index);
        let docs: Vec<MeiliDoc> = upsert.iter().map(MeiliDoc::from).collect();
        self.block_on(Duration::from_secs(30), async move { index.add_or_replace(&docs, Some("id")).await })
    }

    /// Delete every document (a rebuild from scratch).
    pub fn clear(&self) -> Result<(), SearchError> {
        self.apply_settings()?;
        let index = self.client.index(&self.index);
        let task = self.block_on(Duration::from_secs(30), async move { index.delete_all_documents().await })?;
        self.finish(task)
    }
}

impl Drop for MeiliIndex {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// The filter expression for a request, built from typed values only.
pub fn filter(req: &SearchRequest) -> String {
    let mut parts = match &req.audiences {
        None => Vec::new(),
        Some(ids) => {
            vec![format!("audience IN [{}]", ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", "))]
        }
    };
    if let Some(kind) = req.kind {
        parts.push(format!("kind = \"{kind}\""));
    }
    if let Some(author) = req.author_id {
        parts.push(format!("author_id = {author} AND kind != \"{}\"", docs::KIND_PERSON));
    }
    if let Some((place_kind, place_id)) = req.place {
        parts.push(format!("place = \"{place_kind}-{place_id}\""));
    }
    if let Some(tag) = req.tag_id {
        parts.push(format!("tag_ids = {tag}"));
    }
    let ts = |t: NaiveDateTime| t.and_utc().timestamp();
    if let Some(from) = req.from {
        parts.push(format!("published_at >= {}", ts(from)));
    }
    if let Some(until) = req.until {
        parts.push(format!("published_at < {}", ts(until)));
    }
    parts.join(" AND ")
}

impl SearchIndex for MeiliIndex {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    fn search(&self, _conn: &mut DbConn, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.search_remote(req)
    }
}

impl MeiliIndex {
    /// Ask Meilisearch (no database connection is needed or held), unless the circuit breaker
    /// says it has been failing: then fail at once, without waiting for it.
    pub fn search_remote(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        if !self.breaker.allow() {
            return Err(SearchError::Skipped);
        }
        let answer = self.ask(req);
        match &answer {
            Ok(_) => self.breaker.succeeded(),
            Err(_) => self.breaker.failed(),
        }
        answer
    }

    fn ask(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        let index = self.client.index(&self.index);
        // Every word must match (as on the database), in any of its forms (stemmed, as the
        // *_stems attributes are).
        let query = req.query.to_stemmed();
        let filter = filter(req);
        let (limit, offset) = (req.limit.max(0) as usize, req.offset.max(0) as usize);
        let newest = req.sort == Sort::Newest;
        let found = self.block_on(self.timeout, async move {
            let sort = ["published_at:desc"];
            let mut search = index.search();
            search
                .with_query(&query)
                .with_matching_strategy(meilisearch_sdk::search::MatchingStrategies::ALL)
                .with_filter(&filter)
                .with_limit(limit)
                .with_offset(offset)
                .with_attributes_to_retrieve(meilisearch_sdk::search::Selectors::Some(&["id"]));
            if newest {
                search.with_sort(&sort);
            }
            search.execute::<HitId>().await
        })?;
        let total = found.estimated_total_hits.or(found.total_hits).unwrap_or(found.hits.len()) as i64;
        Ok(SearchResults {
            hits: found.hits.iter().filter_map(|h| docs::parse_key(&h.result.id)).collect(),
            total,
            // Meilisearch counts up to its maxTotalHits (1,000 by default), like the database's cap.
            total_is_estimate: total >= super::sql::COUNT_CAP,
        })
    }
}

type Claimed = (i64, String, i64, i32);

/// Claim up to a batch of due rows for this worker, as of `now`: they are leased to it for
/// `CLAIM_LEASE_SECS`. Returns the claim's token and the rows.
pub fn claim(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<(String, Vec<Claimed>)> {
    let due: Vec<i64> = search_outbox::table
        .filter(search_outbox::done_at.is_null())
        .filter(search_outbox::next_attempt_at.le(now))
        .order(search_outbox::id.asc())
        .limit(BATCH)
        .select(search_outbox::id)
        .load(conn)?;
    let token = crate::web::random_token();
    if due.is_empty() {
        return Ok((token, Vec::new()));
    }
    // Only rows still due are taken, and only by this worker's token.
    crate::db::write(conn, |tx| {
        tx.quiet();
        diesel::update(
            search_outbox::table
                .filter(search_outbox::id.eq_any(&due))
                .filter(search_outbox::done_at.is_null())
                .filter(search_outbox::next_attempt_at.le(now)),
        )
        .set((
            search_outbox::claim.eq(&token),
            search_outbox::next_attempt_at.eq(now + chrono::Duration::seconds(CLAIM_LEASE_SECS)),
        ))
        .execute(tx.conn())
    })?;
    let claimed = search_outbox::table
        .filter(search_outbox::claim.eq(&token))
        .filter(search_outbox::done_at.is_null())
        .select((search_outbox::id, search_outbox::doc_kind, search_outbox::ref_id, search_outbox::attempts))
        .load(conn)?;
    Ok((token, claimed))
}

/// Send one batch of due outbox rows. Returns how many rows were sent (0: nothing was due).
pub fn send_due(conn: &mut DbConn, meili: &MeiliIndex) -> anyhow::Result<usize> {
    let (token, claimed) = claim(conn, crate::now())?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let documents = (|| -> Result<(Vec<Doc>, Vec<String>), SearchError> {
        let mut content_ids: Vec<i64> = Vec::new();
        let mut person_ids: Vec<i64> = Vec::new();
        for (_, kind, ref_id, _) in &claimed {
            let list = if kind == docs::KIND_PERSON { &mut person_ids } else { &mut content_ids };
            if !list.contains(ref_id) {
                list.push(*ref_id);
            }
        }
        let mut current = docs::content_docs(conn, &content_ids)?;
        current.extend(docs::person_docs(conn, &person_ids)?);
        let live: std::collections::HashSet<String> = current.iter().map(Doc::key).collect();
        let mut gone: Vec<String> = claimed
            .iter()
            .map(|(_, kind, ref_id, _)| docs::doc_key(kind, *ref_id))
            .filter(|k| !live.contains(k))
            .collect();
        gone.sort();
        gone.dedup();
        Ok((current, gone))
    })();
    // While Meilisearch works, the lease is renewed, so no other worker takes these rows.
    let mut renew = || {
        let renewed = crate::db::write(conn, |tx| {
            tx.quiet();
            diesel::update(search_outbox::table.filter(search_outbox::claim.eq(&token)))
                .set(search_outbox::next_attempt_at.eq(crate::now() + chrono::Duration::seconds(CLAIM_LEASE_SECS)))
                .execute(tx.conn())
        });
        if let Err(e) = renewed {
            tracing::warn!(error = %e, "search outbox lease not renewed");
        }
    };
    let result = documents.and_then(|(current, gone)| meili.apply_renewing(&current, &gone, &mut renew));
    match result {
        Ok(()) => {
            crate::db::write(conn, |tx| {
                tx.quiet();
                diesel::update(search_outbox::table.filter(search_outbox::claim.eq(&token)))
                    .set((search_outbox::done_at.eq(Some(crate::now())), search_outbox::last_error.eq("")))
                    .execute(tx.conn())
            })?;
            Ok(claimed.len())
        }
        Err(e) => {
            // Each row backs off by its own attempt count: 2, 4, 8 … seconds, at most 5 minutes.
            crate::db::write(conn, |tx| -> QueryResult<()> {
                tx.quiet();
                for (id, _, _, attempts) in &claimed {
                    let wait = 2_i64.saturating_pow((*attempts as u32 + 1).min(20)).min(MAX_BACKOFF_SECS);
                    diesel::update(search_outbox::table.find(id))
                        .set((
                            search_outbox::attempts.eq(attempts + 1),
                            search_outbox::next_attempt_at.eq(crate::now() + chrono::Duration::seconds(wait)),
                            search_outbox::claim.eq(""),
                            search_outbox::last_error.eq(e.to_string().chars().take(500).collect::<String>()),
                        ))
                        .execute(tx.conn())?;
                }
                Ok(())
            })?;
            Err(anyhow::anyhow!("sending search changes failed: {e}"))
        }
    }
}

/// Send everything that is due now, batch after batch. Returns how many rows were sent.
pub fn drain(conn: &mut DbConn, meili: &MeiliIndex) -> anyhow::Result<usize> {
    drain_until(conn, meili, &crate::jobs::Stop::default())
}

/// `drain`, ending after the batch in hand once the process is stopping.
pub fn drain_until(conn: &mut DbConn, meili: &MeiliIndex, stop: &crate::jobs::Stop) -> anyhow::Result<usize> {
    let mut sent = 0;
    while !stop.requested() {
        match send_due(conn, meili)? {
            0 => break,
            n => sent += n,
        }
    }
    // Sent rows are pruned by the housekeeping (`ops::housekeeping`).
    Ok(sent)
}

/// Rows not yet sent (for `plaza search --status` and the tests).
pub fn pending(conn: &mut DbConn) -> QueryResult<i64> {
    search_outbox::table.filter(search_outbox::done_at.is_null()).count().get_result(conn)
}

/// Run the outbox worker in this process: a thread that sends what is due every second. Once
/// the process is stopping it finishes the batch it holds and ends.
pub fn spawn_worker(
    pool: Pool,
    meili: std::sync::Arc<MeiliIndex>,
    stop: crate::jobs::Stop,
) -> Option<std::thread::JoinHandle<()>> {
    let spawned = std::thread::Builder::new().name("plaza-search-outbox".into()).spawn(move || {
        while !stop.sleep(Duration::from_secs(1)) {
            let run =
                pool.get().map_err(anyhow::Error::from).and_then(|mut conn| drain_until(&mut conn, &meili, &stop));
            if let Err(e) = run {
                tracing::warn!(error = %e, "search outbox run failed; will retry");
                stop.sleep(Duration::from_secs(4));
            }
        }
    });
    match spawned {
        Ok(handle) => Some(handle),
        Err(e) => {
            tracing::error!(error = %e, "could not start the search outbox worker");
            None
        }
    }
}
