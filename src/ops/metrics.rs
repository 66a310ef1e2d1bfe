//! Prometheus metrics, one registry per running application (the tests run many in one
//! process): requests by route pattern and status, their latency, the connection pool (waits
//! for a connection, timeouts, connections in use) and the queues the workers drain.

use std::time::Duration;

use diesel::prelude::*;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry, TextEncoder,
};

use crate::db::schema::{jobs, mail_outbox, search_outbox};
use crate::db::{DbConn, Pool};

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pool_wait: Histogram,
    pool_timeouts: IntCounter,
    pool_connections: IntGauge,
    pool_idle: IntGauge,
    mail_outbox: IntGauge,
    jobs_queue: IntGauge,
    search_outbox: IntGauge,
    page_cache_hits: IntGauge,
    page_cache_misses: IntGauge,
    page_cache_entries: IntGauge,
    page_cache_bytes: IntGauge,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Metrics> {
        let registry = Registry::new_custom(Some("plaza".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests answered, by route pattern, method and status"),
            &["route", "method", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer a request, by route pattern")
                .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0]),
            &["route", "method"],
        )?;
        let pool_wait = Histogram::with_opts(
            HistogramOpts::new("db_pool_wait_seconds", "Time spent waiting for a database connection")
                .buckets(vec![0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0]),
        )?;
        let pool_timeouts = IntCounter::new("db_pool_timeouts_total", "Waits for a database connection that gave up")?;
        let gauge = |name: &str, help: &str| IntGauge::new(name, help);
        let m = Metrics {
            pool_connections: gauge("db_pool_connections", "Open database connections")?,
            pool_idle: gauge("db_pool_idle_connections", "Open database connections not in use")?,
            mail_outbox: gauge("mail_outbox_pending", "E-mails waiting to be sent")?,
            jobs_queue: gauge("jobs_pending", "Background jobs not finished")?,
            search_outbox: gauge("search_outbox_pending", "Changes waiting to be sent to Meilisearch")?,
            page_cache_hits: gauge("page_cache_hits", "Visitors' pages served from the page cache since start")?,
            page_cache_misses: gauge("page_cache_misses", "Visitors' pages made and kept since start")?,
            page_cache_entries: gauge("page_cache_entries", "Pages in the page cache")?,
            page_cache_bytes: gauge("page_cache_bytes", "Memory the page cache's pages take (compressed and plain)")?,
            registry,
            requests,
            latency,
            pool_wait,
            pool_timeouts,
        };
        for c in [
            Box::new(m.requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(m.latency.clone()),
            Box::new(m.pool_wait.clone()),
            Box::new(m.pool_timeouts.clone()),
            Box::new(m.pool_connections.clone()),
            Box::new(m.pool_idle.clone()),
            Box::new(m.mail_outbox.clone()),
            Box::new(m.jobs_queue.clone()),
            Box::new(m.search_outbox.clone()),
            Box::new(m.page_cache_hits.clone()),
            Box::new(m.page_cache_misses.clone()),
            Box::new(m.page_cache_entries.clone()),
            Box::new(m.page_cache_bytes.clone()),
        ] {
            m.registry.register(c)?;
        }
        Ok(m)
    }

    /// Count one answered request. `route` is the matched pattern (`/topics/{id}`), never the
    /// path, so the number of series stays bounded.
    pub fn observe(&self, route: &str, method: &str, status: u16, took: Duration) {
        let status = status.to_string();
        self.requests.with_label_values(&[route, method, &status]).inc();
        self.latency.with_label_values(&[route, method]).observe(took.as_secs_f64());
    }

    /// What the pool reports to: every checkout's wait, every timeout.
    pub fn pool_events(&self) -> Box<dyn diesel::r2d2::HandleEvent> {
        Box::new(PoolEvents { wait: self.pool_wait.clone(), timeouts: self.pool_timeouts.clone() })
    }

    /// Read the gauges (pool state, queue depths) and render everything in Prometheus's text
    /// format. Queue depths need a connection; without one they keep their last value.
    pub fn render(&self, pool: &Pool, cache: &crate::web::cache::PageCache, conn: Option<&mut DbConn>) -> String {
        let (hits, misses, entries, bytes) = cache.stats();
        self.page_cache_hits.set(hits);
        self.page_cache_misses.set(misses);
        self.page_cache_entries.set(entries);
        self.page_cache_bytes.set(bytes);
        let state = pool.state();
        self.pool_connections.set(i64::from(state.connections));
        self.pool_idle.set(i64::from(state.idle_connections));
        if let Some(conn) = conn {
            match queue_depths(conn) {
                Ok((mail, jobs, search)) => {
                    self.mail_outbox.set(mail);
                    self.jobs_queue.set(jobs);
                    self.search_outbox.set(search);
                }
                Err(e) => tracing::warn!(error = %e, "queue depths not read"),
            }
        }
        let mut out = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "metrics not encoded");
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

fn queue_depths(conn: &mut DbConn) -> QueryResult<(i64, i64, i64)> {
    let mail = mail_outbox::table.filter(mail_outbox::sent_at.is_null()).count().get_result(conn)?;
    let jobs = jobs::table.filter(jobs::done_at.is_null()).count().get_result(conn)?;
    let search = search_outbox::table.filter(search_outbox::done_at.is_null()).count().get_result(conn)?;
    Ok((mail, jobs, search))
}

struct PoolEvents {
    wait: Histogram,
    timeouts: IntCounter,
}

impl std::fmt::Debug for PoolEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PoolEvents")
    }
}

impl diesel::r2d2::HandleEvent for PoolEvents {
    fn handle_checkout(&self, event: diesel::r2d2::event::CheckoutEvent) {
        self.wait.observe(event.duration().as_secs_f64());
    }

    fn handle_timeout(&self, event: diesel::r2d2::event::TimeoutEvent) {
        self.timeouts.inc();
        self.wait.observe(event.timeout().as_secs_f64());
    }
}
