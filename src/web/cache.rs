//! The anonymous page cache: pages and feeds as a visitor who is not logged in sees them, kept in
//! memory compressed (brotli and gzip) with their validators, keyed by language, path and the
//! query parameters pages read.
//!
//! **What may be kept.** Only answers a handler marks with the keys they depend on ([`keep`]),
//! to a request that carries no session cookie, with status 200, whose page context has no user
//! and whose body does not carry the request's CSRF token. Nothing else is kept, so a page a
//! handler forgot to mark is slower, never shared.
//!
//! **How a change reaches it.** Every unit of work names the keys it makes stale
//! (`content::listing`: the piece, its parent and place, its tags, its author, the site's
//! lists; or "everything") and writes them as one `cache_events` row before it commits. Each
//! process applies the rows it has not seen: right after any request that may have changed
//! something (every non-GET), so the writer's next page is fresh, and every half second for
//! changes made by other processes or background work. Applying a key bumps a version; an entry
//! remembers the versions of its keys when it was made and is dropped when one moved. An entry
//! made while any change was being applied is not kept (it may have read the old rows).
//!
//! **One render per miss.** When many visitors ask for the same page that is not kept (a popular
//! page just changed, or a sitemap of 50,000 addresses), the first makes it and the others wait
//! for it and are served what it kept, instead of all reading and rendering the same rows at
//! once (at 64 connections that was 64 copies of a 4 MB sitemap in memory).
//!
//! **Bounded.** The cache holds at most `PLAZA_PAGE_CACHE_MB` of compressed pages; keys are made
//! from a fixed list of parameter names (others are dropped from the request before the page
//! is made, so the page is exactly what the key says), at most 8 of them, 200 bytes each;
//! versions live in a fixed table of counters (two keys sharing a counter only cost a re-render).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpResponse, web};
use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::{AppState, PageCtx};
use crate::db::schema::cache_events;
use crate::db::{DbConn, Tx};

/// The query parameters any page reads. Others are dropped before a visitor's page is made.
const PARAMS: &[&str] = &[
    "after", "author", "before", "blog", "board", "filter", "from", "kind", "msg", "next", "page", "place", "product",
    "q", "quote", "role", "saved", "sort", "status", "tag", "tbefore", "to", "token",
];
const MAX_PARAMS: usize = 8;
const MAX_VALUE: usize = 200;
const MAX_PATH: usize = 512;
/// Larger pages are served, not kept.
const MAX_BODY: usize = 8 * 1024 * 1024;
const SLOTS: usize = 1 << 16;
const EVERYTHING: &str = "*";
/// More keys than this in one unit of work: "everything" is cheaper to apply and to store.
const MAX_KEYS: usize = 400;

/// Marks an answer as one the cache may keep, with the keys whose change makes it stale.
#[derive(Clone, Debug)]
pub struct Deps(pub Vec<String>);

/// Mark a page or feed for the cache: kept for visitors until one of `keys` changes.
pub fn keep<I: IntoIterator<Item = String>>(mut res: HttpResponse, keys: I) -> HttpResponse {
    res.extensions_mut().insert(Deps(keys.into_iter().collect()));
    res
}

/// Write what a unit of work makes stale, for every process (inside the unit, before commit).
pub fn record(tx: &mut Tx<'_>, stale: &BTreeSet<String>, everything: bool) -> QueryResult<()> {
    if !everything && stale.is_empty() {
        return Ok(());
    }
    let keys = if everything || stale.len() > MAX_KEYS {
        EVERYTHING.to_string()
    } else {
        stale.iter().map(String::as_str).collect::<Vec<_>>().join(" ")
    };
    diesel::insert_into(cache_events::table)
        .values((cache_events::keys.eq(keys), cache_events::created_at.eq(crate::now())))
        .execute(tx.conn())?;
    Ok(())
}

struct Entry {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    etag: HeaderValue,
    last_modified: HeaderValue,
    modified: chrono::DateTime<chrono::Utc>,
    stamp: Stamp,
}

/// The versions of an entry's keys, and of "everything", when it was made: it is fresh while
/// none has moved.
struct Stamp {
    deps: Vec<(usize, u64)>,
    everything: u64,
}

/// Data many viewers share (the lists on a page, for one set of audiences), kept with its stamp.
struct SharedData {
    value: Arc<dyn std::any::Any + Send + Sync>,
    stamp: Stamp,
}

/// How many shared lists are kept (each a few kilobytes: a page's worth of cards). Only members'
/// pages use them (visitors' pages are kept whole), so only logged-in people can add keys.
const MAX_SHARED: u64 = 1_024;

impl Entry {
    fn weight(&self, key: &str) -> u32 {
        let n = key.len() + self.identity.len() + self.gzip.len() + self.brotli.len() + 256;
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

pub struct PageCache {
    entries: moka::sync::Cache<String, Arc<Entry>>,
    /// Lists shared by every viewer with the same audiences (members' pages are made per
    /// request, but most of what they show is the same for all members).
    shared: Option<moka::sync::Cache<String, Arc<SharedData>>>,
    versions: Box<[AtomicU64]>,
    everything: AtomicU64,
    /// Moves with every change applied: an entry made across one is not kept.
    changes: AtomicU64,
    /// Events applied: the highest id, and the ids near it (PostgreSQL may commit a lower id
    /// after a higher one).
    seen: Mutex<Seen>,
    /// Pages being made now, by key: who else asks waits for them.
    making: Mutex<HashMap<String, tokio::sync::watch::Receiver<()>>>,
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    /// When each kept page (and each feed, `content::feeds::conditional`) was first served.
    pub served: Served,
}

#[derive(Default)]
struct Seen {
    last: i64,
    recent: HashSet<i64>,
}

/// When this process first served each body (by key and ETag): the floor of its Last-Modified,
/// so that Last-Modified follows every change, also those no date in it shows (an item removed
/// or hidden, a board renamed). A body that changed is dated at least a second after the one
/// before it (HTTP dates are whole seconds: a change in the same second must not look old);
/// one that did not keeps its date. Bounded: forgetting only makes a date later (a reader
/// fetches once more), never earlier.
#[derive(Default)]
pub struct Served(Mutex<HashMap<String, (String, NaiveDateTime)>>);

impl Served {
    const MAX: usize = 8192;

    pub fn first_served(&self, key: &str, etag: &str, now: NaiveDateTime) -> NaiveDateTime {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let before = match map.get(key) {
            Some((tag, at)) if tag == etag => return *at,
            Some((_, at)) => Some(*at),
            None => None,
        };
        if map.len() >= Self::MAX {
            map.clear();
        }
        let whole = now.with_nanosecond(0).unwrap_or(now);
        let at = before.map_or(whole, |b| whole.max(b + chrono::Duration::seconds(1)));
        map.insert(key.to_string(), (etag.to_string(), at));
        at
    }
}

/// How far back ids are read again: units of work in flight at once commit within this many.
const REREAD: i64 = 256;

impl PageCache {
    pub fn new(max_bytes: u64) -> PageCache {
        PageCache {
            entries: moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|k: &String, v: &Arc<Entry>| v.weight(k))
                .build(),
            shared: (max_bytes > 0).then(|| moka::sync::Cache::new(MAX_SHARED)),
            versions: (0..SLOTS).map(|_| AtomicU64::new(0)).collect(),
            everything: AtomicU64::new(0),
            changes: AtomicU64::new(0),
            seen: Mutex::new(Seen::default()),
            making: Mutex::new(HashMap::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            served: Served::default(),
        }
    }

    /// Start after the events already written (this process has nothing cached yet).
    pub fn start_at_current(&self, conn: &mut DbConn) -> QueryResult<()> {
        let last: Option<i64> = cache_events::table.select(diesel::dsl::max(cache_events::id)).first(conn)?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.last = last.unwrap_or(0);
        }
        Ok(())
    }

    fn slot(key: &str) -> usize {
        let h = Sha256::digest(key.as_bytes());
        (usize::from(h[0]) << 8 | usize::from(h[1])) % SLOTS
    }

    /// Make the entries depending on these keys stale.
    pub fn apply(&self, keys: &str) {
        self.changes.fetch_add(1, Ordering::SeqCst);
        for key in keys.split_whitespace() {
            if key == EVERYTHING {
                self.everything.fetch_add(1, Ordering::SeqCst);
                self.entries.invalidate_all();
                if let Some(shared) = &self.shared {
                    shared.invalidate_all();
                }
            } else {
                self.versions[Self::slot(key)].fetch_add(1, Ordering::SeqCst);
            }
        }
        self.changes.fetch_add(1, Ordering::SeqCst);
    }

    /// How many times everything was made stale: what per-process copies of site-wide values
    /// (`web::kept`) are read again after.
    pub fn epoch(&self) -> u64 {
        self.everything.load(Ordering::SeqCst)
    }

    /// Apply the changes other units of work recorded that this process has not applied yet.
    pub fn catch_up(&self, conn: &mut DbConn) -> QueryResult<usize> {
        let Ok(mut seen) = self.seen.lock() else { return Ok(0) };
        let mut applied = 0;
        // The table started again (restored, or its migration run again): start with it.
        // (Empty: pruned, nothing new.)
        let newest: Option<i64> = cache_events::table.select(diesel::dsl::max(cache_events::id)).first(conn)?;
        if let Some(n) = newest
            && n < seen.last
        {
            self.apply(EVERYTHING);
            *seen = Seen { last: n, recent: HashSet::new() };
            return Ok(1);
        }
        loop {
            let from = seen.last - REREAD;
            let rows: Vec<(i64, String)> = cache_events::table
                .filter(cache_events::id.gt(from))
                .order(cache_events::id.asc())
                .select((cache_events::id, cache_events::keys))
                .limit(1000)
                .load(conn)?;
            let full = rows.len() == 1000;
            for (id, keys) in rows {
                if id <= seen.last && seen.recent.contains(&id) {
                    continue;
                }
                if id <= seen.last - REREAD {
                    continue;
                }
                self.apply(&keys);
                applied += 1;
                seen.recent.insert(id);
                seen.last = seen.last.max(id);
            }
            let floor = seen.last - REREAD;
            seen.recent.retain(|&id| id > floor);
            if !full {
                return Ok(applied);
            }
        }
    }

    /// Who makes the page for `key`: this request (`Making`, which tells the waiting ones when it
    /// is dropped, done or not), or another one already at it, to be waited for.
    fn make_or_wait(self: &Arc<Self>, key: &str) -> Result<Making, tokio::sync::watch::Receiver<()>> {
        let Ok(mut making) = self.making.lock() else {
            return Ok(Making { cache: None, key: String::new(), _done: None });
        };
        if let Some(rx) = making.get(key) {
            return Err(rx.clone());
        }
        let (tx, rx) = tokio::sync::watch::channel(());
        making.insert(key.to_string(), rx);
        Ok(Making { cache: Some(self.clone()), key: key.to_string(), _done: Some(tx) })
    }

    /// The kept, fresh entry for `key`.
    fn fresh(&self, key: &str) -> Option<Arc<Entry>> {
        self.entries.get(key).filter(|e| self.is_fresh(e))
    }

    fn is_fresh(&self, e: &Entry) -> bool {
        self.is_current(&e.stamp)
    }

    fn is_current(&self, s: &Stamp) -> bool {
        s.everything == self.everything.load(Ordering::SeqCst)
            && s.deps.iter().all(|&(slot, v)| self.versions[slot].load(Ordering::SeqCst) == v)
    }

    /// The stamp of something made now from `keys`, "everything" read before it was made.
    fn stamp<'k>(&self, keys: impl IntoIterator<Item = &'k str>, everything: u64) -> Stamp {
        let deps = keys
            .into_iter()
            .map(|k| {
                let slot = PageCache::slot(k);
                (slot, self.versions[slot].load(Ordering::SeqCst))
            })
            .collect();
        Stamp { deps, everything }
    }

    /// `shared`, for a page being made for `guard`'s viewer: members first apply the changes
    /// other processes recorded (their own change, made through another process a moment ago,
    /// shows on their next page); visitors' pages are kept whole by the page cache, so their
    /// lists are made, not kept.
    pub fn shared_for<T, F>(
        &self,
        conn: &mut DbConn,
        guard: &crate::policy::Guard,
        key: String,
        deps: &[&str],
        make: F,
    ) -> QueryResult<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce(&mut DbConn) -> QueryResult<T>,
    {
        if !guard.is_member() || self.shared.is_none() {
            return make(conn);
        }
        self.catch_up(conn)?;
        let key = format!("{key}|{}", guard.scope());
        self.shared(key, deps, || make(conn))
    }

    /// Data that depends only on what the viewer may read, not on who they are: kept under
    /// `key` (which must name the viewer's audiences, `Guard::scope`) until one of `deps` changes,
    /// the same keys the page cache uses. Made by `make` when missing or stale; with the page
    /// cache off, always made.
    fn shared<T, F>(&self, key: String, deps: &[&str], make: F) -> QueryResult<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> QueryResult<T>,
    {
        let Some(shared) = &self.shared else { return make() };
        if let Some(kept) = shared.get(&key)
            && self.is_current(&kept.stamp)
            && let Some(value) = kept.value.downcast_ref::<T>()
        {
            return Ok(value.clone());
        }
        let changes_before = self.changes.load(Ordering::SeqCst);
        let stamp = self.stamp(deps.iter().copied(), self.everything.load(Ordering::SeqCst));
        let value = make()?;
        // Made while a change was applied: it may hold the rows from before. Use it, keep it not.
        if self.changes.load(Ordering::SeqCst) == changes_before {
            shared.insert(key, Arc::new(SharedData { value: Arc::new(value.clone()), stamp }));
        }
        Ok(value)
    }

    pub fn len(&self) -> u64 {
        self.entries.run_pending_tasks();
        self.entries.entry_count()
    }

    /// (hits, misses, entries, bytes) for `/metrics`.
    pub fn stats(&self) -> (i64, i64, i64, i64) {
        self.entries.run_pending_tasks();
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        (
            n(self.hits.load(Ordering::Relaxed)),
            n(self.misses.load(Ordering::Relaxed)),
            n(self.entries.entry_count()),
            n(self.entries.weighted_size()),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A page being made; dropping it (made, not kept, failed or cancelled) lets the waiting
/// requests go on: the sender closes and their `changed()` returns.
struct Making {
    cache: Option<Arc<PageCache>>,
    key: String,
    _done: Option<tokio::sync::watch::Sender<()>>,
}

impl Drop for Making {
    fn drop(&mut self) {
        if let Some(cache) = &self.cache
            && let Ok(mut making) = cache.making.lock()
        {
            making.remove(&self.key);
        }
    }
}

/// How long a request waits for another to make the same page before making it itself.
const WAIT_FOR_MAKER: std::time::Duration = std::time::Duration::from_secs(10);

/// Apply other processes' changes every half second until `stop`.
pub fn spawn_follower(
    cache: Arc<PageCache>,
    pool: crate::db::Pool,
    stop: crate::jobs::Stop,
) -> Option<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("page-cache".into())
        .spawn(move || {
            while !stop.requested() {
                if let Ok(mut conn) = pool.get()
                    && let Err(e) = cache.catch_up(&mut conn)
                {
                    tracing::warn!(error = %e, "page cache: changes not read");
                }
                stop.sleep(std::time::Duration::from_millis(500));
            }
        })
        .ok()
}

/// The cache key and the query the page is made from, or `None` when the request is not one a
/// visitor's page is kept for: static files (stored compressed already), media files (large,
/// served in ranges, each with its own ETag), probes.
fn key_of(req: &ServiceRequest) -> Option<(String, String)> {
    let path = req.path();
    let routed = super::routed_path(req.match_info());
    if path.len() > MAX_PATH
        || routed.starts_with("/static/")
        || routed.starts_with("/media/")
        || crate::ops::is_probe(routed)
    {
        return None;
    }
    let mut kept: Vec<(String, String)> = Vec::new();
    let mut seen_names: Vec<String> = Vec::new();
    for (i, (name, value)) in url::form_urlencoded::parse(req.query_string().as_bytes()).enumerate() {
        // A query of a million parameters is not read to its end.
        if i >= 64 {
            return None;
        }
        if !PARAMS.contains(&name.as_ref()) || seen_names.iter().any(|n| n == name.as_ref()) {
            continue;
        }
        if value.len() > MAX_VALUE || kept.len() == MAX_PARAMS {
            return None;
        }
        seen_names.push(name.to_string());
        kept.push((name.into_owned(), value.into_owned()));
    }
    kept.sort();
    let query = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(kept.iter()).finish();
    let lang = super::context::visitor_lang(req.request());
    // A reader who dismissed the crisis statement sees pages without its banner.
    let dismissed = req
        .cookie(crate::moderation::statement::DISMISS_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_default();
    Some((format!("{}|{dismissed}|{path}?{query}", lang.code()), query))
}

fn has_session(req: &ServiceRequest) -> bool {
    req.cookie(crate::accounts::sessions::COOKIE).is_some_and(|c| !c.value().is_empty())
}

/// The entity tag of one coding of an entry: each coding is its own representation.
fn etag_for(e: &Entry, coding: Option<&str>) -> HeaderValue {
    let base = e.etag.to_str().unwrap_or("\"0\"").trim_end_matches('"');
    let tag = match coding {
        Some(c) => format!("{base}-{c}\""),
        None => format!("{base}\""),
    };
    HeaderValue::from_str(&tag).unwrap_or_else(|_| e.etag.clone())
}

fn not_modified(req: &ServiceRequest, e: &Entry, etag: &HeaderValue) -> bool {
    let headers = req.headers();
    if let Some(inm) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        let etag = etag.to_str().unwrap_or("");
        return inm.split(',').any(|t| {
            let t = t.trim();
            t == "*" || t == etag || t.strip_prefix("W/") == Some(etag)
        });
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| e.modified.timestamp() <= since.timestamp())
}

const VARY: &str = "Accept-Encoding, Cookie, Accept-Language";

/// Says where an answer came from (`hit`: the cache; `miss`: made now and kept), for operators
/// and tests; answers the cache does not handle carry no such header.
const CACHE_HEADER: &str = "x-plaza-cache";

fn respond(req: &ServiceRequest, e: &Entry, extra_cookies: &[HeaderValue], hit: bool) -> HttpResponse {
    let coding = super::compress::preferred_coding(req.headers());
    let etag = etag_for(e, coding);
    let mut res = if not_modified(req, e, &etag) {
        HttpResponse::NotModified().finish()
    } else {
        let (body, enc) = match coding {
            Some("br") => (e.brotli.clone(), Some("br")),
            Some("gzip") => (e.gzip.clone(), Some("gzip")),
            _ => (e.identity.clone(), None),
        };
        let mut res = HttpResponse::build(e.status).body(body);
        for (k, v) in &e.headers {
            res.headers_mut().insert(k.clone(), v.clone());
        }
        if let Some(enc) = enc {
            res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
        }
        res
    };
    let h = res.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::LAST_MODIFIED, e.last_modified.clone());
    h.insert(header::VARY, HeaderValue::from_static(VARY));
    h.insert(HeaderName::from_static(CACHE_HEADER), HeaderValue::from_static(if hit { "hit" } else { "miss" }));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    for c in extra_cookies {
        h.append(header::SET_COOKIE, c.clone());
    }
    res
}

fn compress(body: &[u8]) -> std::io::Result<(Bytes, Bytes)> {
    use super::compress::{Effort, brotli, gzip};
    Ok((Bytes::from(gzip(body, Effort::Kept)?), Bytes::from(brotli(body, Effort::Kept)?)))
}

/// Headers a kept page is served with (cookies and the body's own encoding are not kept).
fn kept_headers(headers: &HeaderMap) -> Vec<(HeaderName, HeaderValue)> {
    headers
        .iter()
        .filter(|(k, _)| {
            ![
                header::SET_COOKIE,
                header::CONTENT_LENGTH,
                header::CONTENT_ENCODING,
                header::ETAG,
                header::LAST_MODIFIED,
                header::VARY,
                header::TRANSFER_ENCODING,
            ]
            .contains(k)
                && k.as_str() != "x-request-id"
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn etag_of(body: &[u8]) -> HeaderValue {
    let tag = format!("\"{}\"", &hex::encode(Sha256::digest(body))[..32]);
    HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(cache) = req.app_data::<web::Data<PageCache>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let method = req.method().clone();
    if method != Method::GET && method != Method::HEAD {
        // Whatever this request changed is applied here before its answer leaves, so the next
        // page anyone asks for is fresh.
        let res = next.call(req).await?.map_into_boxed_body();
        if let Some(state) = res.request().app_data::<web::Data<AppState>>().cloned() {
            let c = cache.clone();
            let caught = crate::db::run(&state.pool, move |conn| Ok(c.catch_up(conn)?)).await;
            if let Err(e) = caught {
                tracing::warn!(error = %e, "page cache: changes not read");
            }
        }
        return Ok(res);
    }
    if has_session(&req) {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let Some((key, query)) = key_of(&req) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if let Some(e) = cache.entries.get(&key) {
        if cache.is_fresh(&e) {
            cache.hits.fetch_add(1, Ordering::Relaxed);
            let res = respond(&req, &e, &[], true);
            return Ok(req.into_response(res));
        }
        cache.entries.invalidate(&key);
    }
    let cache = cache.into_inner();
    let _making = match cache.make_or_wait(&key) {
        Ok(making) => Some(making),
        Err(mut made) => {
            // Someone else is making this page: wait for them, then serve what they kept. If
            // they kept nothing (not a page for the cache) or take too long, make it here.
            let _ = tokio::time::timeout(WAIT_FOR_MAKER, made.changed()).await;
            if let Some(e) = cache.fresh(&key) {
                cache.hits.fetch_add(1, Ordering::Relaxed);
                let res = respond(&req, &e, &[], true);
                return Ok(req.into_response(res));
            }
            None
        }
    };
    cache.misses.fetch_add(1, Ordering::Relaxed);
    // The page is made from exactly what the key holds.
    if query != req.query_string() {
        let pq = if query.is_empty() { req.path().to_string() } else { format!("{}?{query}", req.path()) };
        if let Ok(uri) = pq.parse::<actix_web::http::Uri>() {
            req.head_mut().uri = uri;
        }
    }
    let changes_before = cache.changes.load(Ordering::SeqCst);
    let everything = cache.everything.load(Ordering::SeqCst);
    let res = next.call(req).await?.map_into_boxed_body();
    let deps = res.response().extensions().get::<Deps>().cloned();
    let anonymous = res.request().extensions().get::<Arc<PageCtx>>().map(|c| (c.user.is_none(), c.csrf_token.clone()));
    let Some(Deps(deps)) = deps else { return Ok(res) };
    let Some((true, csrf_token)) = anonymous else { return Ok(res) };
    if res.status() != StatusCode::OK {
        return Ok(res);
    }
    let (http_req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes =
        actix_web::body::to_bytes(body).await.map_err(|_| actix_web::error::ErrorInternalServerError("body"))?;
    let cookies: Vec<HeaderValue> = head.headers().get_all(header::SET_COOKIE).cloned().collect();
    let carries_token = !csrf_token.is_empty() && memchr_find(&bytes, csrf_token.as_bytes());
    if carries_token {
        tracing::error!(path = http_req.path(), "a page marked for the cache carries a CSRF token: not kept");
    }
    if carries_token || bytes.len() > MAX_BODY || head.headers().contains_key(header::CONTENT_ENCODING) {
        return Ok(ServiceResponse::new(http_req, head.set_body(bytes).map_into_boxed_body()));
    }
    let (gzip, brotli) = compress(&bytes).map_err(actix_web::error::ErrorInternalServerError)?;
    let etag = etag_of(&bytes);
    // When it was first made as it is: every change to what it shows makes it again, so nothing
    // it shows is newer (a feed's newest entry is not: an older entry may have been edited
    // since); made again unchanged, it keeps its date.
    let modified =
        cache.served.first_served(&key, etag.to_str().unwrap_or(""), chrono::Utc::now().naive_utc()).and_utc();
    let last_modified = HeaderValue::from_str(&modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"));
    let entry = Arc::new(Entry {
        status: head.status(),
        headers: kept_headers(head.headers()),
        etag,
        identity: bytes,
        gzip,
        brotli,
        last_modified,
        modified,
        stamp: cache.stamp(deps.iter().map(String::as_str), everything),
    });
    // Made while a change was applied: it may show the rows from before. Serve it, keep it not.
    if cache.changes.load(Ordering::SeqCst) == changes_before {
        cache.entries.insert(key, entry.clone());
    }
    let sreq = ServiceRequest::from_request(http_req);
    let res = respond(&sreq, &entry, &cookies, false);
    Ok(sreq.into_response(res))
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && memchr::memmem::find(haystack, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_spread() {
        let a = PageCache::slot("c:1");
        let b = PageCache::slot("c:2");
        assert!(a < SLOTS && b < SLOTS);
        assert_ne!(a, b);
    }

    #[test]
    fn applying_a_key_makes_its_entries_stale() {
        let cache = PageCache::new(1 << 20);
        let slot = PageCache::slot("t:7");
        let e = Entry {
            status: StatusCode::OK,
            headers: Vec::new(),
            identity: Bytes::new(),
            gzip: Bytes::new(),
            brotli: Bytes::new(),
            etag: HeaderValue::from_static("\"x\""),
            last_modified: HeaderValue::from_static("x"),
            modified: chrono::Utc::now(),
            stamp: Stamp { deps: vec![(slot, 0)], everything: 0 },
        };
        assert!(cache.is_fresh(&e));
        cache.apply("c:1 lists");
        assert!(cache.is_fresh(&e) || PageCache::slot("c:1") == slot || PageCache::slot("lists") == slot);
        cache.apply("t:7");
        assert!(!cache.is_fresh(&e));
    }

    #[test]
    fn shared_data_is_made_once_until_a_key_it_read_moves() -> QueryResult<()> {
        let cache = PageCache::new(1 << 20);
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            Ok(vec![made.get()])
        };
        assert_eq!(cache.shared("home|1,2".into(), &["lists"], make)?, vec![1]);
        assert_eq!(cache.shared("home|1,2".into(), &["lists"], make)?, vec![1], "kept");
        assert_eq!(cache.shared("home|1,2,3".into(), &["lists"], make)?, vec![2], "other audiences: their own");
        cache.apply("lists");
        assert_eq!(cache.shared("home|1,2".into(), &["lists"], make)?, vec![3], "made again after a change");
        cache.apply("*");
        assert_eq!(cache.shared("home|1,2".into(), &["lists"], make)?, vec![4], "and after everything changed");
        // Off with the page cache: made every time.
        let off = PageCache::new(0);
        made.set(0);
        off.shared("k".into(), &[], make)?;
        off.shared("k".into(), &[], make)?;
        assert_eq!(made.get(), 2);
        Ok(())
    }
}
