//! Operations: health probes, request ids, metrics and who may read them, migrations run by
//! several processes at once, the migration that repairs the search index's old unique key,
//! housekeeping, backups and a graceful shutdown.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use plaza::accounts::Role;

use crate::helpers::{TestApp, fresh_database, spawn, spawn_with, start_topic};

#[tokio::test]
async fn health_and_readiness_are_plain_uncached_and_set_no_cookie() {
    let app = spawn().await;
    for (path, text) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let page = app.new_browser().get(path).await;
        page.assert_status(200);
        assert_eq!(page.body.trim(), text);
        assert!(page.header("content-type").starts_with("text/plain"), "{path}");
        assert_eq!(page.header("cache-control"), "no-store", "{path}");
        assert!(page.headers.get("set-cookie").is_none(), "{path} sets a cookie");
    }
    // A database that lacks a migration this binary carries is not ready.
    plaza::db::revert_last(&mut app.conn()).expect("revert");
    let page = app.get("/readyz").await;
    page.assert_status(503).assert_contains("migrations pending");
    app.get("/healthz").await.assert_status(200);
    plaza::db::migrate(&mut app.conn()).expect("migrate");
    app.get("/readyz").await.assert_status(200);
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_error_pages_show_it() {
    let app = spawn().await;
    let page = app.get("/").await;
    let id = page.header("x-request-id");
    assert!(id.len() >= 16, "a generated id: {id:?}");
    assert_ne!(app.get("/").await.header("x-request-id"), id, "each request has its own");

    // A proxy's id is kept when it is short and safe, and shown on the error page.
    let page = app.browser.get_with("/no/such/page", &[("X-Request-Id", "edge-7f3a.42")]).await;
    page.assert_status(404).assert_contains("edge-7f3a.42");
    assert_eq!(page.header("x-request-id"), "edge-7f3a.42");
    // Anything else is replaced by an id of our own.
    for bad in ["<script>", &"a".repeat(65), "two words"] {
        let page = app.browser.get_with("/no/such/page", &[("X-Request-Id", bad)]).await;
        let id = page.header("x-request-id");
        assert!(!id.is_empty() && id != bad, "{bad:?} was echoed");
        page.assert_contains(&id).assert_lacks(bad);
    }
}

/// The value of a metric line whose name and labels contain all of `parts`.
fn metric(text: &str, parts: &[&str]) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find(|l| parts.iter().all(|p| l.contains(p)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_read_the_queues() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    app.create_board("help", "discussion", "everyone", "members");
    let (_, topic) = start_topic(&admin, "help", "Metrics topic", "Counted.").await;
    app.get(&format!("/topics/{topic}")).await.assert_status(301);
    app.get("/topics/999999").await.assert_status(404);
    app.get("/no/such/page").await.assert_status(404);

    let page = app.get("/metrics").await;
    page.assert_status(200);
    assert!(page.headers.get("set-cookie").is_none());
    let text = &page.body;
    // Routes are patterns, never paths: one series for every topic.
    assert_eq!(
        metric(text, &["plaza_http_requests_total{", "route=\"/topics/{id}\"", "status=\"301\"", "GET"]),
        Some(1.0),
        "{text}"
    );
    assert_eq!(metric(text, &["plaza_http_requests_total{", "route=\"/topics/{id}\"", "status=\"404\""]), Some(1.0));
    assert_eq!(metric(text, &["plaza_http_requests_total{", "route=\"unmatched\"", "status=\"404\""]), Some(1.0));
    assert!(!text.contains("/topics/999999") && !text.contains("/no/such/page"), "{text}");
    assert!(metric(text, &["plaza_http_request_duration_seconds_count{", "route=\"/topics/{id}\""]).is_some());
    assert!(metric(text, &["plaza_db_pool_wait_seconds_count"]).is_some_and(|n| n > 0.0), "{text}");
    assert!(metric(text, &["plaza_db_pool_connections"]).is_some_and(|n| n > 0.0));
    // The new topic told its followers through a job, not yet run.
    assert!(metric(text, &["plaza_jobs_pending"]).is_some(), "{text}");
    assert_eq!(metric(text, &["plaza_mail_outbox_pending"]), Some(0.0));
    assert_eq!(metric(text, &["plaza_search_outbox_pending"]), Some(0.0));
}

#[tokio::test]
async fn metrics_are_only_for_this_host_or_the_token() {
    const TOKEN: &str = "metrics-token-0123456789";
    let app = spawn_with(|s| s.metrics_token = Some(plaza::config::Secret::new(TOKEN))).await;
    // From this machine, directly: yes.
    app.get("/metrics").await.assert_status(200).assert_contains("plaza_db_pool_connections");
    // Through a reverse proxy on this machine (it connects from loopback for anyone): no.
    for header in ["X-Forwarded-For", "Forwarded", "X-Real-IP"] {
        let page = app.browser.get_with("/metrics", &[(header, "203.0.113.9")]).await;
        page.assert_status(404).assert_lacks("plaza_");
    }
    // A wrong token is refused even from here.
    let wrong = app.browser.get_with("/metrics", &[("Authorization", "Bearer not-the-token-at-all")]).await;
    wrong.assert_status(404).assert_lacks("plaza_");
    // The token opens it from anywhere.
    let bearer = format!("Bearer {TOKEN}");
    let page =
        app.browser.get_with("/metrics", &[("X-Forwarded-For", "203.0.113.9"), ("Authorization", &bearer)]).await;
    page.assert_status(200).assert_contains("plaza_http_requests_total");
}

/// When the operator says the reverse proxy runs on this machine (`PLAZA_TRUSTED_PROXIES`
/// names loopback), a loopback peer is that proxy, acting for anyone, even when it forwards no
/// header (nginx adds `X-Forwarded-For` only when told to): only the token opens the metrics.
#[tokio::test]
async fn metrics_stay_closed_when_loopback_is_the_trusted_proxy() {
    const TOKEN: &str = "metrics-token-0123456789";
    let app = spawn_with(|s| {
        s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        s.metrics_token = Some(plaza::config::Secret::new(TOKEN));
    })
    .await;
    app.get("/metrics").await.assert_status(404).assert_lacks("plaza_");
    let bearer = format!("Bearer {TOKEN}");
    app.browser.get_with("/metrics", &[("Authorization", &bearer)]).await.assert_status(200);
}

#[tokio::test]
async fn several_processes_can_start_together_on_a_new_database() {
    let fresh = fresh_database();
    let builds: Vec<_> = (0..4)
        .map(|_| {
            let settings = fresh.settings.clone();
            tokio::task::spawn_blocking(move || plaza::Application::build(settings).map(|app| app.port()))
        })
        .collect();
    for build in builds {
        let port = build.await.expect("thread").unwrap_or_else(|e| panic!("a process failed to start: {e:#}"));
        assert!(port > 0);
    }
    let pool = plaza::db::connect(&fresh.settings.database_url, 1).expect("pool");
    assert!(!plaza::db::migrations_pending(&mut pool.get().expect("conn")).expect("read"));
}

/// Unique indexes of `search_docs` whose first column is `column`.
fn unique_keys_starting_with(app: &TestApp, column: &str) -> i64 {
    let sql = match app.conn().backend() {
        plaza::db::Backend::Postgres => format!(
            "SELECT COUNT(*) AS n FROM pg_constraint WHERE conrelid = 'search_docs'::regclass AND contype = 'u' \
             AND pg_get_constraintdef(oid) LIKE 'UNIQUE ({column},%'"
        ),
        plaza::db::Backend::Sqlite => format!(
            "SELECT COUNT(*) AS n FROM pragma_index_list('search_docs') il, pragma_index_info(il.name) ii \
             WHERE il.\"unique\" = 1 AND ii.seqno = 0 AND ii.name = '{column}'"
        ),
    };
    app.number(&sql)
}

/// A site whose database was created by the first text of the search migration (unique on
/// (kind, ref_id)) gets the current key, and keeps its documents and its search.
#[tokio::test]
async fn a_database_from_the_first_search_migration_gets_the_current_unique_key() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    crate::helpers::publish(&alice, "alice", "Keyed document", "Still found after the upgrade.", "").await;
    assert_eq!(unique_keys_starting_with(&app, "ref_id"), 1);
    assert_eq!(unique_keys_starting_with(&app, "kind"), 0);
    let docs = app.count("search_docs");

    // Back to before the repair, with the key the first text created.
    let mut conn = app.conn();
    plaza::db::revert_through(&mut conn, "2026-12-01-0000200").expect("down");
    let old_key = match conn.backend() {
        plaza::db::Backend::Postgres => {
            "ALTER TABLE search_docs DROP CONSTRAINT search_docs_ref_id_kind_key; \
             ALTER TABLE search_docs ADD CONSTRAINT search_docs_kind_ref_id_key UNIQUE (kind, ref_id);"
        }
        plaza::db::Backend::Sqlite => {
            "CREATE TABLE old_docs (id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, kind TEXT NOT NULL, \
             ref_id BIGINT NOT NULL, parent_id BIGINT, author_id BIGINT, place_kind TEXT NOT NULL DEFAULT '', \
             place_id BIGINT, published_at TIMESTAMP NOT NULL, audience_id BIGINT NOT NULL DEFAULT 1, \
             UNIQUE (kind, ref_id)); \
             INSERT INTO old_docs SELECT id, kind, ref_id, parent_id, author_id, place_kind, place_id, \
             published_at, audience_id FROM search_docs; \
             DROP TABLE search_docs; ALTER TABLE old_docs RENAME TO search_docs; \
             CREATE INDEX search_docs_parent_idx ON search_docs (parent_id); \
             CREATE INDEX search_docs_place_idx ON search_docs (place_kind, place_id);"
        }
    };
    conn.batch_execute(old_key).expect("old key");
    drop(conn);
    assert_eq!(unique_keys_starting_with(&app, "kind"), 1);

    plaza::db::migrate(&mut app.conn()).expect("upgrade");
    assert_eq!(unique_keys_starting_with(&app, "ref_id"), 1);
    assert_eq!(unique_keys_starting_with(&app, "kind"), 0);
    assert_eq!(app.count("search_docs"), docs);
    app.get("/search?q=keyed").await.assert_contains("<mark>Keyed</mark> document");
    // And writing goes on (documents are replaced on their key).
    crate::helpers::publish(&alice, "alice", "Second keyed document", "Indexed too.", "").await;
    app.get("/search?q=keyed").await.assert_contains("Second <mark>keyed</mark> document");
}

#[tokio::test]
async fn housekeeping_prunes_what_is_old_and_keeps_what_is_not() {
    use plaza::db::schema::{jobs, login_failures, mail_outbox, notifications, sessions};
    let app = spawn().await;
    let user = app.create_user("mia", Role::Member);
    let now = plaza::now();
    let long_ago = now - chrono::Duration::days(400);
    let mut conn = app.conn();
    for (token, expires) in [("old", long_ago), ("new", now + chrono::Duration::days(1))] {
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(token),
                sessions::user_id.eq(user),
                sessions::created_at.eq(long_ago),
                sessions::last_seen_at.eq(long_ago),
                sessions::expires_at.eq(expires),
                sessions::user_agent.eq(""),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    // Read long ago (pruned), read yesterday, and never read (both kept).
    for read_at in [Some(long_ago), Some(now - chrono::Duration::days(1)), None] {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(user),
                notifications::kind.eq("reply"),
                notifications::created_at.eq(long_ago),
                notifications::read_at.eq(read_at),
                notifications::detail.eq(""),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    // Sent long ago (pruned), sent now, and not sent yet (both kept).
    for sent_at in [Some(long_ago), Some(now), None] {
        diesel::insert_into(mail_outbox::table)
            .values((
                mail_outbox::to_address.eq("mia@example.com"),
                mail_outbox::subject.eq("s"),
                mail_outbox::body.eq("b"),
                mail_outbox::created_at.eq(long_ago),
                mail_outbox::next_attempt_at.eq(long_ago),
                mail_outbox::sent_at.eq(sent_at),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    for done_at in [Some(long_ago), None] {
        diesel::insert_into(jobs::table)
            .values((
                jobs::kind.eq("x"),
                jobs::payload.eq("{}"),
                jobs::created_at.eq(long_ago),
                jobs::run_at.eq(long_ago),
                jobs::done_at.eq(done_at),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    for failed_at in [long_ago, now] {
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::username_key.eq("mia"),
                login_failures::ip.eq("1"),
                login_failures::failed_at.eq(failed_at),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    // A page-cache change every process has long applied, and one just made.
    let events_before = app.count("cache_events");
    for minutes in [60, 0] {
        diesel::insert_into(plaza::db::schema::cache_events::table)
            .values((
                plaza::db::schema::cache_events::keys.eq("c:1"),
                plaza::db::schema::cache_events::created_at.eq(plaza::now() - chrono::Duration::minutes(minutes)),
            ))
            .execute(&mut conn)
            .unwrap();
    }
    let report = plaza::ops::housekeeping::run(&mut conn).expect("housekeeping");
    assert_eq!(
        report,
        plaza::ops::housekeeping::Report {
            sessions: 1,
            notifications: 1,
            mail: 1,
            jobs: 1,
            search_outbox: 0,
            login_failures: 1,
            cache_events: 1,
        }
    );
    assert_eq!(app.count("cache_events"), events_before + 1);
    drop(conn);
    assert_eq!(app.count("sessions"), 1);
    assert_eq!(app.count("notifications"), 2);
    assert_eq!(app.count("mail_outbox"), 2);
    assert_eq!(app.count("jobs"), 1);
    assert_eq!(app.count("login_failures"), 1);
    // Again: nothing left to do.
    assert_eq!(plaza::ops::housekeeping::run(&mut app.conn()).unwrap(), Default::default());

    // SQLite: the write-ahead log is folded into the database and truncated.
    plaza::ops::housekeeping::checkpoint(&mut app.conn()).expect("checkpoint");
    if crate::helpers::test_database_url().is_none() {
        let wal = std::path::PathBuf::from(format!("{}-wal", app.settings.database_url));
        assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0, "WAL truncated");
    }
}

#[tokio::test]
async fn housekeeping_gives_the_sqlite_planner_its_statistics() {
    // Without statistics SQLite took `kind = 'post'` for a selective condition and walked every
    // post of a million-post site through the kind index to show a tag page's fifteen posts.
    let app = spawn().await;
    if crate::helpers::test_database_url().is_some() {
        return; // PostgreSQL's autovacuum keeps its own statistics.
    }
    app.create_user("alice", Role::Admin);
    app.create_board("help", "discussion", "everyone", "members");
    plaza::ops::housekeeping::statistics(&mut app.conn()).expect("statistics");
    for table in ["users", "boards", "blogs"] {
        assert!(
            app.number(&format!("SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = '{table}'")) > 0,
            "{table} analyzed"
        );
    }
    // Run again: nothing changed, nothing to do, no error.
    plaza::ops::housekeeping::statistics(&mut app.conn()).expect("statistics again");
}

#[tokio::test]
async fn backup_copies_a_live_site_and_never_overwrites() {
    let app = spawn().await;
    app.create_user("alice", Role::Admin);
    let target = app.settings.data_dir.join("backup.sqlite3");
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_plaza"))
            .arg("backup")
            .arg(file)
            .env("DATABASE_URL", &app.settings.database_url)
            .env("PLAZA_DATA_DIR", &app.settings.data_dir)
            .env("PLAZA_CONFIG", app.settings.data_dir.join("none.toml"))
            .output()
            .expect("plaza runs")
    };
    let out = run(&target);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    if crate::helpers::test_database_url().is_some() {
        assert!(!out.status.success());
        assert!(stderr.contains("pg_dump"), "{stderr}");
        return;
    }
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("backed up to"), "{stdout}");
    // The copy is a working site database.
    let pool = plaza::db::connect(target.to_str().unwrap(), 1).expect("open the copy");
    let users: i64 = plaza::db::schema::users::table.count().get_result(&mut pool.get().unwrap()).unwrap();
    assert_eq!(users, 1);
    assert!(!plaza::db::migrations_pending(&mut pool.get().unwrap()).unwrap());
    // A second backup into the same file is refused, the first left as it was.
    let size = std::fs::metadata(&target).unwrap().len();
    let again = run(&target);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::metadata(&target).unwrap().len(), size);
}

/// Stopping: the server stops, the background threads end, and the topic views counted in
/// memory are written.
#[tokio::test]
async fn a_stopped_server_finishes_its_background_work_and_writes_the_views() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    app.create_board("help", "discussion", "everyone", "members");
    let (_, topic) = start_topic(&admin, "help", "Counted at shutdown", "Views.").await;
    let topic: i64 = topic.parse().unwrap();

    // A second process on the same database, with its background threads running.
    let mut settings = app.settings.clone();
    settings.background_jobs = true;
    let other = plaza::Application::build(settings).expect("second process");
    let handle = other.handle();
    let views = other.view_counts();
    let serving = tokio::spawn(other.run_until_stopped());
    for _ in 0..3 {
        views.count(topic);
    }
    handle.stop(true).await;
    serving.await.expect("joined").expect("stopped cleanly");
    let written: i64 = {
        use plaza::db::schema::topics;
        topics::table.find(topic).select(topics::view_count).first::<i64>(&mut app.conn()).unwrap()
    };
    assert_eq!(written, 3);
}
