//! The Meilisearch backend against a local HTTP fake: the requests it sends (settings, document
//! batches, deletions, searches with the visibility filter), and what happens when Meilisearch
//! fails or is slow (writes succeed, nothing is lost, the page falls back and says so).

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use plaza::accounts::Role;

use crate::helpers::{TestApp, publish, spawn_with, start_topic};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Ok,
    Fail,
    SlowSearch,
}

#[derive(Default)]
struct Fake {
    mode: Option<Mode>,
    /// (method, path with query, body)
    requests: Vec<(String, String, String)>,
    /// Document ids the fake's search answers with.
    hits: Vec<String>,
    next_task: u32,
}

type Shared = Arc<Mutex<Fake>>;

const TIME: &str = "2026-11-25T10:00:00Z";

fn task_info(uid: u32, kind: &str) -> serde_json::Value {
    serde_json::json!({"taskUid": uid, "indexUid": "plaza", "status": "enqueued", "type": kind, "enqueuedAt": TIME})
}

async fn handle(req: HttpRequest, body: web::Bytes, fake: web::Data<Shared>) -> HttpResponse {
    let path = req.uri().to_string();
    let method = req.method().to_string();
    let (mode, hits, uid) = {
        let mut f = fake.lock().expect("lock");
        f.requests.push((method.clone(), path.clone(), String::from_utf8_lossy(&body).into_owned()));
        f.next_task += 1;
        (f.mode.unwrap_or(Mode::Ok), f.hits.clone(), f.next_task)
    };
    if mode == Mode::Fail {
        return HttpResponse::InternalServerError().json(serde_json::json!({
            "message": "the fake is down", "code": "internal", "type": "internal", "link": "https://example.com"
        }));
    }
    if path.starts_with("/tasks/") {
        return HttpResponse::Ok().json(serde_json::json!({
            "uid": 1, "indexUid": "plaza", "status": "succeeded", "type": "documentAdditionOrUpdate",
            "details": {"receivedDocuments": 1, "indexedDocuments": 1}, "duration": "PT0.001S",
            "enqueuedAt": TIME, "startedAt": TIME, "finishedAt": TIME, "canceledBy": null, "error": null
        }));
    }
    if path.ends_with("/search") {
        if mode == Mode::SlowSearch {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        }
        let hits: Vec<serde_json::Value> = hits.iter().map(|id| serde_json::json!({"id": id})).collect();
        let n = hits.len();
        return HttpResponse::Ok().json(serde_json::json!({
            "hits": hits, "query": "", "processingTimeMs": 1, "limit": 20, "offset": 0, "estimatedTotalHits": n
        }));
    }
    let kind = if path.contains("/settings") {
        "settingsUpdate"
    } else if path.contains("delete") || method == "DELETE" {
        "documentDeletion"
    } else {
        "documentAdditionOrUpdate"
    };
    HttpResponse::Accepted().json(task_info(uid, kind))
}

/// Start the fake and a Plaza app pointing at it.
async fn with_fake(timeout_ms: u64) -> (TestApp, Shared) {
    with_fake_and(timeout_ms, |_| {}).await
}

async fn with_fake_and(timeout_ms: u64, adjust: impl FnOnce(&mut plaza::config::Settings)) -> (TestApp, Shared) {
    let fake: Shared = Arc::new(Mutex::new(Fake::default()));
    let data = web::Data::new(fake.clone());
    let server = HttpServer::new(move || App::new().app_data(data.clone()).default_service(web::to(handle)))
        .workers(1)
        .bind("127.0.0.1:0")
        .expect("bind fake");
    let addr = server.addrs()[0];
    tokio::spawn(server.run());
    let app = spawn_with(|s| {
        s.meili_url = Some(format!("http://{addr}"));
        s.meili_index = "plaza".into();
        s.meili_timeout_ms = timeout_ms;
        adjust(s);
    })
    .await;
    (app, fake)
}

fn requests(fake: &Shared, needle: &str) -> Vec<(String, String, String)> {
    fake.lock().expect("lock").requests.iter().filter(|r| r.1.contains(needle)).cloned().collect()
}

fn set_mode(fake: &Shared, mode: Mode) {
    fake.lock().expect("lock").mode = Some(mode);
}

fn pending(app: &TestApp) -> i64 {
    plaza::search::meili::pending(&mut app.conn()).expect("pending")
}

/// Run the outbox worker once (what the background thread does every second).
async fn drain(app: &TestApp) -> Result<usize, String> {
    let settings = app.settings.clone();
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let meili = plaza::search::meili::MeiliIndex::new(&settings).expect("meili").expect("configured");
        let mut conn = pool.get().expect("connection");
        plaza::search::meili::drain(&mut conn, &meili).map_err(|e| e.to_string())
    })
    .await
    .expect("drain")
}

#[tokio::test]
async fn outbox_sends_settings_documents_and_deletions() {
    let (app, fake) = with_fake(1500).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let path = publish(&alice, "alice", "Outbox post", "Sent to 搜索引擎 in a batch.", "news").await;
    assert!(pending(&app) >= 2, "the new person and the post wait in the outbox");
    let sent = drain(&app).await.expect("sent");
    assert!(sent >= 2);
    assert_eq!(pending(&app), 0);

    let settings = requests(&fake, "/indexes/plaza/settings");
    assert_eq!(settings[0].0, "PATCH");
    for attr in
        ["\"filterableAttributes\"", "\"audience\"", "\"tag_ids\"", "\"sortableAttributes\"", "\"published_at\""]
    {
        assert!(settings[0].2.contains(attr), "{attr} missing from {}", settings[0].2);
    }
    let docs = requests(&fake, "/indexes/plaza/documents?primaryKey=id");
    let body = docs.iter().map(|r| r.2.as_str()).collect::<String>();
    let post_id = crate::helpers::post_id(&alice.get(&path).await.body);
    for expected in [
        format!("\"id\":\"post-{post_id}\""),
        "\"title\":\"Outbox post\"".to_string(),
        "搜索引擎".to_string(),
        "\"tags\":[\"news\"]".to_string(),
        format!("\"audience\":{}", plaza::policy::PUBLIC_AUDIENCE),
        "\"place\":\"blog-".to_string(),
    ] {
        assert!(body.contains(&expected), "{expected} missing from {body}");
    }
    assert!(requests(&fake, "/tasks/").len() >= 2, "each batch is waited for before it counts as done");

    // Deleting sends a deletion of that document.
    alice.post(&format!("/posts/{post_id}/delete"), &[]).await;
    assert_eq!(pending(&app), 1);
    drain(&app).await.expect("sent");
    let deletions = requests(&fake, "/documents/delete-batch");
    assert!(deletions.iter().any(|r| r.2.contains(&format!("\"post-{post_id}\""))), "{deletions:?}");
    assert_eq!(pending(&app), 0);
}

#[tokio::test]
async fn meilisearch_down_loses_nothing_and_the_page_falls_back() {
    let (app, fake) = with_fake(1500).await;
    set_mode(&fake, Mode::Fail);
    let alice = app.user_browser("alice", Role::Employee).await;
    // Writing works while Meilisearch is down.
    publish(&alice, "alice", "Written during the outage", "Nothing is lost.", "").await;
    let waiting = pending(&app);
    assert!(waiting >= 2);
    let err = drain(&app).await.expect_err("Meilisearch is down");
    assert!(err.contains("fake is down"), "{err}");
    assert_eq!(pending(&app), waiting, "failed rows stay in the outbox");
    {
        use diesel::prelude::*;
        use plaza::db::schema::search_outbox as o;
        let rows: Vec<(i32, String, chrono::NaiveDateTime)> =
            o::table.select((o::attempts, o::last_error, o::next_attempt_at)).load(&mut app.conn()).expect("rows");
        assert!(rows.iter().all(|(a, e, next)| *a == 1 && e.contains("fake is down") && *next > plaza::now()));
    }
    // The page answers from the database index and says so.
    let page = app.get("/search?q=outage").await;
    page.assert_status(200)
        .assert_contains("full search service is not answering")
        .assert_contains("Written during the");

    // Meilisearch comes back; once the backoff has passed the outbox drains.
    set_mode(&fake, Mode::Ok);
    assert_eq!(drain(&app).await.expect("nothing due yet"), 0, "rows wait out their backoff");
    {
        use diesel::prelude::*;
        use plaza::db::schema::search_outbox as o;
        diesel::update(o::table).set(o::next_attempt_at.eq(plaza::now())).execute(&mut app.conn()).expect("due");
    }
    assert_eq!(drain(&app).await.expect("sent"), waiting as usize);
    assert_eq!(pending(&app), 0);
    assert!(
        requests(&fake, "/documents?primaryKey=id").iter().any(|r| r.2.contains("Written during the outage")),
        "the document written during the outage reached Meilisearch"
    );
}

#[tokio::test]
async fn a_slow_meilisearch_is_not_waited_for() {
    let (app, fake) = with_fake(200).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Patience test", "Slow engines are skipped.", "").await;
    set_mode(&fake, Mode::SlowSearch);
    let page = app.get("/search?q=patience").await;
    page.assert_status(200)
        .assert_contains("full search service is not answering")
        .assert_contains("<mark>Patience</mark> test");
}

#[tokio::test]
async fn searches_carry_the_viewers_access_and_hits_are_checked_again() {
    let (app, fake) = with_fake(1500).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    app.create_board("staff-room", "discussion", "employees", "employees");
    app.create_board("help", "discussion", "everyone", "members");
    let (_, internal) = start_topic(&alice, "staff-room", "Internal budget", "Numbers.").await;
    let (_, public) = start_topic(&alice, "help", "Public budget question", "Numbers too.").await;
    // A misbehaving (or stale) engine answers with a private topic and a document that no longer exists.
    fake.lock().expect("lock").hits =
        vec![format!("topic-{internal}"), format!("topic-{public}"), "post-999999".into(), "bogus".into()];

    let page = app.get("/search?q=budget&kind=topic&sort=newest").await;
    page.assert_status(200).assert_lacks("not answering").assert_contains("Public <mark>budget</mark> question");
    page.assert_lacks("Internal");
    // The count is of what survived the check, not the engine's 3 (a private word must not
    // show as a count over an empty list).
    page.assert_contains("1 result").assert_lacks("3 results");
    let search = requests(&fake, "/indexes/plaza/search");
    let body = &search.last().expect("a search request").2;
    // The filter names the audiences the visitor belongs to: the public's and the help board's,
    // not the staff room's.
    let audience = |slug: &str| -> i64 {
        use diesel::prelude::*;
        use plaza::db::schema::boards;
        boards::table.filter(boards::slug.eq(slug)).select(boards::read_audience_id).first(&mut app.conn()).unwrap()
    };
    let (staff_room, help) = (audience("staff-room"), audience("help"));
    for expected in [
        "\"q\":\"budget\"".to_string(),
        format!("audience IN [1, {help}]"),
        "kind = \\\"topic\\\"".to_string(),
        "\"sort\":[\"published_at:desc\"]".to_string(),
    ] {
        assert!(body.contains(&expected), "{expected} missing from {body}");
    }
    assert!(!filter_audiences(body).contains(&staff_room), "{body}");
    // Staff see the internal topic, and the engine is asked for it.
    alice.get("/search?q=budget").await.assert_contains("Internal <mark>budget</mark>");
    let staff_search = requests(&fake, "/indexes/plaza/search");
    assert!(filter_audiences(&staff_search.last().expect("search").2).contains(&staff_room));
}

/// The audience ids in a search request's `audience IN [...]` filter.
fn filter_audiences(body: &str) -> Vec<i64> {
    let Some(start) = body.find("audience IN [") else { return Vec::new() };
    let rest = &body[start + "audience IN [".len()..];
    rest[..rest.find(']').unwrap_or(0)].split(',').filter_map(|n| n.trim().parse().ok()).collect()
}

#[tokio::test]
async fn a_board_made_internal_leaves_the_visitors_filter_without_resending_anything() {
    let (app, fake) = with_fake(1500).await;
    let admin = app.user_browser("boss", Role::Admin).await;
    app.create_board("lounge", "discussion", "everyone", "members");
    let (_, topic) = start_topic(&admin, "lounge", "Lounge rules", "Be kind.").await;
    crate::helpers::reply(&admin, &topic, "Noted.").await;
    drain(&app).await.expect("sent");
    assert_eq!(pending(&app), 0);
    let (board_id, audience): (i64, i64) = {
        use diesel::prelude::*;
        use plaza::db::schema::boards;
        boards::table.select((boards::id, boards::read_audience_id)).first(&mut app.conn()).unwrap()
    };
    let docs = requests(&fake, "/documents?primaryKey=id").last().cloned().expect("a batch");
    assert_eq!(docs.2.matches(&format!("\"audience\":{audience}")).count(), 2, "{}", docs.2);
    app.get("/search?q=lounge").await.assert_status(200);
    let before = requests(&fake, "/indexes/plaza/search").last().cloned().expect("search");
    assert!(filter_audiences(&before.2).contains(&audience), "{}", before.2);
    let saved = admin
        .post(
            &format!("/admin/forums/boards/{board_id}"),
            &[
                ("name", "Lounge"),
                ("slug", "lounge"),
                ("kind", "discussion"),
                ("group", ""),
                ("view_access", "employees"),
                ("post_access", "members"),
                ("position", "0"),
                ("description", ""),
            ],
        )
        .await;
    assert_eq!(saved.status.as_u16(), 303, "{}", saved.body);
    // The documents keep their audience; who belongs to it changed. Nothing needs sending, and
    // at once a visitor's search no longer names the board's audience.
    assert_eq!(pending(&app), 0);
    app.get("/search?q=lounge").await.assert_status(200).assert_lacks("Lounge rules");
    let after = requests(&fake, "/indexes/plaza/search").last().cloned().expect("search");
    assert!(!filter_audiences(&after.2).contains(&audience), "{}", after.2);
}

#[tokio::test]
async fn every_word_must_match_and_the_query_is_stemmed_like_the_index() {
    let (app, fake) = with_fake(1500).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Synced folders", "Files follow you.", "").await;
    drain(&app).await.expect("sent");
    let docs = requests(&fake, "/documents?primaryKey=id");
    let body = docs.iter().map(|r| r.2.as_str()).collect::<String>();
    assert!(body.contains("\"title_stems\":\"sync folder\""), "{body}");
    let settings = &requests(&fake, "/indexes/plaza/settings")[0].2;
    assert!(settings.contains("\"body_stems\""), "{settings}");
    app.get("/search?q=syncing%20%22release%20notes%22").await.assert_status(200);
    let search = requests(&fake, "/indexes/plaza/search");
    let body = &search.last().expect("a search").2;
    assert!(body.contains("\"matchingStrategy\":\"all\""), "{body}");
    assert!(body.contains(r#""q":"sync \"releas note\"""#), "{body}");
}

#[tokio::test]
async fn a_failing_meilisearch_is_skipped_after_a_few_tries() {
    let (app, fake) = with_fake(1500).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Breaker test", "Still found.", "").await;
    set_mode(&fake, Mode::Fail);
    let trips = plaza::search::meili::BREAKER_TRIPS_AFTER as usize;
    for n in 1..=trips {
        let page = app.get("/search?q=breaker").await;
        page.assert_status(200).assert_contains("full search service is not answering").assert_contains("Breaker");
        assert_eq!(requests(&fake, "/search").len(), n, "each of the first searches tries Meilisearch");
    }
    // Then it is not asked any more for a while; the page still answers from the database.
    for _ in 0..3 {
        let page = app.get("/search?q=breaker").await;
        page.assert_status(200).assert_contains("full search service is not answering").assert_contains("Breaker");
    }
    assert_eq!(requests(&fake, "/search").len(), trips, "searches skipped Meilisearch");
}

#[tokio::test]
async fn a_hung_meilisearch_holds_no_connection_from_other_pages() {
    // One connection for the whole app: a search waiting on Meilisearch while holding it would
    // make every other page wait too.
    let (app, fake) = with_fake_and(2000, |s| s.db_pool_size = 1).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Hung engine", "Pages go on.", "").await;
    set_mode(&fake, Mode::SlowSearch);
    let visitor = app.new_browser();
    let searching = tokio::spawn(async move { visitor.get("/search?q=hung").await });
    // Once Meilisearch has the question (and does not answer)…
    while requests(&fake, "/search").is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // …another page, which needs the connection, answers before the search does.
    app.get("/").await.assert_status(200);
    app.get("/blog").await.assert_status(200);
    assert!(!searching.is_finished(), "the other pages waited for the search");
    let page = searching.await.expect("search");
    page.assert_status(200)
        .assert_contains("full search service is not answering")
        .assert_contains("<mark>Hung</mark> engine");
}

#[tokio::test]
async fn rows_claimed_by_a_process_that_died_are_sent_when_its_short_lease_ends() {
    let (app, fake) = with_fake(1500).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Orphaned change", "Claimed, then the process died.", "").await;
    let waiting = pending(&app);
    assert!(waiting >= 2);
    // The changes were queued a minute ago; a process claimed them a lease ago and was killed
    // before sending them.
    {
        use diesel::prelude::*;
        use plaza::db::schema::search_outbox as o;
        let a_minute_ago = plaza::now() - chrono::Duration::seconds(60);
        diesel::update(o::table).set(o::next_attempt_at.eq(a_minute_ago)).execute(&mut app.conn()).expect("older");
    }
    let lease = plaza::search::meili::CLAIM_LEASE_SECS;
    assert!(lease <= 30, "a lease of seconds, not minutes");
    let (_, claimed) =
        plaza::search::meili::claim(&mut app.conn(), plaza::now() - chrono::Duration::seconds(lease + 1))
            .expect("claimed");
    assert_eq!(claimed.len() as i64, waiting);
    // Its lease has run out: the next worker sends them.
    assert_eq!(drain(&app).await.expect("sent"), waiting as usize);
    assert_eq!(pending(&app), 0);
    assert!(requests(&fake, "/documents?primaryKey=id").iter().any(|r| r.2.contains("Orphaned change")));
}

#[tokio::test]
async fn a_process_without_meilisearch_does_not_turn_the_outbox_off_for_the_others() {
    let (app, _fake) = with_fake(1500).await;
    // A second process on the same database, started without MEILI_URL (a command, a worker).
    let mut settings = app.settings.clone();
    settings.meili_url = None;
    let other = plaza::Application::build(settings).expect("second process");
    drop(other);
    // Content written through the Meilisearch process still reaches the outbox.
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Written after the other start", "Queued for Meilisearch.", "").await;
    assert!(pending(&app) >= 2, "the outbox is still on");
    // Turning it off is the operator's decision.
    let dropped = plaza::db::write(&mut app.conn(), plaza::search::disable_outbox).expect("off");
    assert!(dropped >= 2);
    publish(&alice, "alice", "Written after it was turned off", "Not queued.", "").await;
    assert_eq!(pending(&app), 0);
}
