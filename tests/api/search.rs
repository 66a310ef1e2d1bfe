//! Search, through the /search page as a browser uses it. The behaviour suite at the top is
//! written once and run against every backend available: the database's own index (SQLite
//! FTS5, or PostgreSQL when TEST_DATABASE_URL is set) always, and Meilisearch when MEILI_URL
//! is set (it prints that it was skipped otherwise).

use plaza::accounts::Role;

use crate::helpers::{Browser, Page, TestApp, meili_env, publish, reply, spawn, spawn_search, start_topic};

const FALLBACK: &str = "full search service is not answering";

/// Run each behaviour on the database index and on Meilisearch.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod database {
            $(#[tokio::test]
            async fn $name() {
                super::$name(super::spawn_search(false).await).await
            })*
        }
        mod meilisearch {
            $(#[tokio::test]
            async fn $name() {
                if super::meili_env().is_none() {
                    eprintln!("skipped: MEILI_URL is not set, so the Meilisearch run of {} did not run", stringify!($name));
                    return;
                }
                super::$name(super::spawn_search(true).await).await
            })*
        }
    };
}

on_every_backend!(
    ranks_titles_first_and_matches_word_forms,
    every_word_must_match_in_any_of_its_forms,
    filters_by_kind_place_author_tag_and_date,
    chinese_words_inside_longer_text,
    phrases_and_exclusions,
    drafts_private_boards_and_deletions_stay_hidden,
    edits_and_board_access_changes_follow_at_once,
    finds_people,
    rebuilding_the_index_gives_the_same_results,
);

/// Search as `b`; with Meilisearch, first let the outbox drain and make sure Meilisearch answered.
/// The page comes back as it was sent (with `<mark>` around matches).
async fn search_marked(app: &TestApp, b: &Browser, query: &str) -> Page {
    app.settle().await;
    let page = b.get(&format!("/search?{query}")).await;
    page.assert_status(200);
    if app.settings.meili_url.is_some() {
        page.assert_lacks(FALLBACK);
    }
    page
}

/// The same, with the highlighting taken out so titles read as written.
async fn search(app: &TestApp, b: &Browser, query: &str) -> Page {
    let mut page = search_marked(app, b, query).await;
    page.body = page.body.replace("<mark>", "").replace("</mark>", "");
    page
}

fn q(s: &str) -> String {
    format!("q={}", plaza::web::urlencode(s))
}

#[track_caller]
fn assert_before(page: &Page, first: &str, second: &str) {
    let a = page.body.find(first).unwrap_or_else(|| panic!("{first:?} missing:\n{}", page.body));
    let b = page.body.find(second).unwrap_or_else(|| panic!("{second:?} missing:\n{}", page.body));
    assert!(a < b, "{first:?} should rank above {second:?}");
}

async fn ranks_titles_first_and_matches_word_forms(app: TestApp) {
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Release notes for March", "We fixed the installer and sped up sync.", "").await;
    publish(&alice, "alice", "Installing the desktop client", "Download it and follow the steps.", "").await;
    publish(&alice, "alice", "Unrelated gardening", "Tomatoes like sun.", "").await;
    let page = search_marked(&app, &app.browser, &q("install")).await;
    // "install" finds "Installing" and "installer"; the title match ranks first.
    assert_before(&page, "<mark>Installing</mark> the desktop client", "Release notes for March");
    page.assert_lacks("gardening").assert_contains("2 results");
    // The matched form is highlighted in the snippet, escaped text around it.
    page.assert_contains("<mark>installer</mark>");
}

/// Every word of a query must match (found on Meilisearch: `release notes` found documents with
/// only one of the words), and a word finds its other forms on every backend (`syncing` found
/// nothing on Meilisearch, while the database indexes stem English).
async fn every_word_must_match_in_any_of_its_forms(app: TestApp) {
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Release notes for March", "We fixed the installer.", "").await;
    publish(&alice, "alice", "Release party", "Cake for everyone.", "").await;
    publish(&alice, "alice", "Meeting notes", "The agenda.", "").await;
    publish(&alice, "alice", "Synced folders", "Files follow you.", "").await;
    publish(&alice, "alice", "How the desktop client works", "It syncs every minute.", "").await;
    let page = search(&app, &app.browser, &q("release notes")).await;
    page.assert_contains("Release notes for March").assert_contains("1 result");
    page.assert_lacks("Release party").assert_lacks("Meeting notes");
    let page = search(&app, &app.browser, &q("syncing")).await;
    page.assert_contains("Synced folders").assert_contains("How the desktop client works").assert_contains("2 results");
    let page = search(&app, &app.browser, &q("desktop syncing")).await;
    page.assert_contains("How the desktop client works").assert_lacks("Synced folders").assert_contains("1 result");
}

async fn filters_by_kind_place_author_tag_and_date(app: TestApp) {
    let alice = app.user_browser("alice", Role::Employee).await;
    let bob = app.user_browser("bob", Role::Member).await;
    app.create_board("help", "questions", "everyone", "members");
    app.create_board("chat", "discussion", "everyone", "members");
    let post = publish(&alice, "alice", "Quota guide", "How storage quota works.", "storage").await;
    let (_, topic) = start_topic(&bob, "help", "Quota exceeded", "My quota is full, help.").await;
    reply(&alice, &topic, "Your quota resets monthly.").await;
    start_topic(&bob, "chat", "Quota chat", "Talking about quota limits.").await;
    let comment = alice
        .post(
            &format!("/posts/{}/comments", crate::helpers::post_id(&alice.get(&post).await.body)),
            &[("body", "More on quota soon.")],
        )
        .await;
    assert_eq!(comment.status.as_u16(), 303);

    let all = search(&app, &app.browser, &q("quota")).await;
    all.assert_contains("5 results");
    let topics = search(&app, &app.browser, &format!("{}&kind=topic", q("quota"))).await;
    topics.assert_contains("2 results").assert_contains("Quota exceeded").assert_lacks("Quota guide");
    // A topic on a questions board is labelled as a question.
    topics
        .assert_contains("<span class=\"badge\">Question</span>")
        .assert_contains("<span class=\"badge\">Forum topic</span>");
    let replies = search(&app, &app.browser, &format!("{}&kind=reply", q("quota"))).await;
    replies.assert_contains("1 result").assert_contains("Re: Quota exceeded");
    let comments = search(&app, &app.browser, &format!("{}&kind=comment", q("quota"))).await;
    comments.assert_contains("Re: Quota guide");

    let board_id = app.ids("boards", "id")[0];
    let in_help = search(&app, &app.browser, &format!("{}&place=board-{board_id}", q("quota"))).await;
    in_help.assert_contains("2 results").assert_lacks("Quota chat");
    let by_bob = search(&app, &app.browser, &format!("{}&author=bob", q("quota"))).await;
    by_bob.assert_contains("2 results").assert_lacks("Quota guide");
    let tagged = search(&app, &app.browser, &format!("{}&tag=storage", q("quota"))).await;
    tagged.assert_contains("1 result").assert_contains("Quota guide");

    // Dates: move the guide into 2020, then filter and sort by date.
    {
        use diesel::prelude::*;
        let mut conn = app.conn();
        let id: i64 = app.ids("posts", "content_id")[0];
        let at = chrono::NaiveDate::from_ymd_opt(2020, 5, 1).and_then(|d| d.and_hms_opt(9, 0, 0)).expect("date");
        plaza::db::write(&mut conn, |tx| {
            diesel::update(plaza::db::schema::contents::table.find(id))
                .set(plaza::db::schema::contents::published_at.eq(Some(at)))
                .execute(tx.conn())?;
            tx.touch(id);
            Ok::<_, diesel::result::Error>(())
        })
        .expect("backdate");
    }
    let old = search(&app, &app.browser, &format!("{}&from=2020-01-01&to=2020-12-31", q("quota"))).await;
    old.assert_contains("1 result").assert_contains("Quota guide");
    let recent = search(&app, &app.browser, &format!("{}&from=2021-01-01", q("quota"))).await;
    recent.assert_contains("4 results").assert_lacks(">Quota guide</a>");
    let newest = search(&app, &app.browser, &format!("{}&sort=newest", q("quota"))).await;
    assert_before(&newest, "Quota chat", ">Quota guide</a>");
    // Zero results with filters suggest removing them.
    search(&app, &app.browser, &format!("{}&kind=person", q("quota")))
        .await
        .assert_contains("Nothing matched")
        .assert_contains("Search again without filters");
}

async fn chinese_words_inside_longer_text(app: TestApp) {
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "服务承诺", "我们为消费者提供技术支持，全年无休。", "").await;
    publish(&alice, "alice", "企业员工博客上线", "欢迎阅读。", "").await;
    publish(&alice, "alice", "Rust 性能调优", "How we tuned actix-web: 减少内存分配。", "").await;
    let page = search_marked(&app, &app.browser, &q("技术支持")).await;
    page.assert_contains("服务承诺").assert_contains("<mark>技术支持</mark>").assert_contains("1 result");
    // A two-character word inside a longer run of characters.
    search(&app, &app.browser, &q("博客")).await.assert_contains("企业员工博客上线");
    search(&app, &app.browser, &q("消费者")).await.assert_contains("服务承诺");
    // Mixed Chinese and English, in one query and in one document.
    let mixed = search(&app, &app.browser, &q("actix 内存")).await;
    mixed.assert_contains("Rust 性能调优").assert_contains("1 result");
    search(&app, &app.browser, &q("Rust 调优")).await.assert_contains("Rust 性能调优");
    // Chinese in the Chinese interface too.
    let zh = app.new_browser();
    zh.post("/lang", &[("lang", "zh-CN"), ("next", "/")]).await;
    search(&app, &zh, &q("技术支持")).await.assert_contains("1 条结果");
}

async fn phrases_and_exclusions(app: TestApp) {
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Offline mode explained", "Offline mode keeps files on the laptop.", "").await;
    publish(&alice, "alice", "Mode switch", "Switch the mode when you go offline later.", "").await;
    let phrase = search(&app, &app.browser, &q("\"offline mode\"")).await;
    phrase.assert_contains("Offline mode explained").assert_lacks("Mode switch");
    let both = search(&app, &app.browser, &q("offline mode")).await;
    both.assert_contains("Offline mode explained").assert_contains("Mode switch");
    let without = search(&app, &app.browser, &q("offline -laptop")).await;
    without.assert_contains("Mode switch").assert_lacks("Offline mode explained");
}

async fn drafts_private_boards_and_deletions_stay_hidden(app: TestApp) {
    let alice = app.user_browser("alice", Role::Employee).await;
    let bob = app.user_browser("bob", Role::Member).await;
    app.create_board("staff-room", "discussion", "employees", "employees");
    app.create_board("members", "discussion", "members", "members");
    app.create_board("help", "discussion", "everyone", "members");
    let draft = alice
        .post(
            "/write",
            &[
                ("blog", "alice"),
                ("title", "Secret roadmap zebra"),
                ("body", "zebra launch"),
                ("status", "draft"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(draft.status.as_u16(), 303);
    start_topic(&alice, "staff-room", "Internal zebra pricing", "Do not share: zebra discount 40%.").await;
    start_topic(&bob, "members", "Members zebra meetup", "See you there.").await;
    let (_, public_topic) = start_topic(&bob, "help", "Public zebra question", "Where is the zebra?").await;
    let (_, reply_id) = reply(&alice, &public_topic, "The zebra reply with details.").await;

    let visitor = search(&app, &app.browser, &q("zebra")).await;
    visitor.assert_contains("Public zebra question").assert_lacks("Secret roadmap").assert_lacks("Internal zebra");
    visitor.assert_lacks("Members zebra meetup").assert_lacks("40%");
    let member = search(&app, &bob, &q("zebra")).await;
    member.assert_contains("Members zebra meetup").assert_lacks("Internal zebra").assert_lacks("Secret roadmap");
    let staff = search(&app, &alice, &q("zebra")).await;
    staff.assert_contains("Internal zebra pricing").assert_lacks("Secret roadmap");
    // Not even a filter on the private board reveals it.
    let staff_board = app.ids("boards", "id")[0];
    let probe = bob.get(&format!("/search?{}&place=board-{staff_board}", q("zebra"))).await;
    probe.assert_status(400).assert_contains("Choose a blog or board").assert_lacks("Internal");

    // A deleted reply goes at once; a deleted topic takes its replies with it.
    alice.post(&format!("/replies/{reply_id}/delete"), &[]).await;
    search(&app, &app.browser, &q("details")).await.assert_contains("Nothing matched");
    reply(&alice, &public_topic, "Another zebra answer, about stripes.").await;
    search(&app, &app.browser, &q("stripes")).await.assert_contains("1 result");
    let moderator = app.user_browser("mod", Role::Moderator).await;
    let deleted = moderator.post(&format!("/topics/{public_topic}/delete"), &[]).await;
    assert_eq!(deleted.status.as_u16(), 303, "{}", deleted.body);
    search(&app, &app.browser, &q("zebra")).await.assert_lacks("Public zebra question");
    search(&app, &app.browser, &q("stripes")).await.assert_contains("Nothing matched");
}

async fn edits_and_board_access_changes_follow_at_once(app: TestApp) {
    let admin = app.user_browser("boss", Role::Admin).await;
    let bob = app.user_browser("bob", Role::Member).await;
    app.create_board("lounge", "discussion", "everyone", "members");
    let (_, topic) = start_topic(&bob, "lounge", "Printer trouble", "The printer jams on page two.").await;
    search(&app, &app.browser, &q("jams")).await.assert_contains("Printer trouble");
    let edited = bob
        .post(
            &format!("/topics/{topic}/edit"),
            &[("title", "Scanner trouble"), ("body", "The scanner hums loudly."), ("action", "save")],
        )
        .await;
    assert_eq!(edited.status.as_u16(), 303, "{}", edited.body);
    search(&app, &app.browser, &q("jams")).await.assert_contains("Nothing matched");
    search(&app, &app.browser, &q("hums")).await.assert_contains("Scanner trouble");

    let board_id = app.ids("boards", "id")[0];
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
    search(&app, &app.browser, &q("hums")).await.assert_lacks("Scanner trouble");
    search(&app, &bob, &q("hums")).await.assert_lacks("Scanner trouble");
    search(&app, &admin, &q("hums")).await.assert_contains("Scanner trouble");
}

async fn finds_people(app: TestApp) {
    app.user_browser("wangfang", Role::Employee).await;
    let mia = app.user_browser("mia", Role::Member).await;
    let saved = mia
        .post(
            "/settings",
            &[("display_name", "Mia Müller"), ("bio", "Photographer who loves 摄影 and bicycles."), ("locale", "")],
        )
        .await;
    assert_eq!(saved.status.as_u16(), 303, "{}", saved.body);
    let page = search(&app, &app.browser, &q("bicycles")).await;
    page.assert_contains("Mia Müller").assert_contains("/u/mia");
    search(&app, &app.browser, &q("摄影")).await.assert_contains("Mia Müller");
    search(&app, &app.browser, &format!("{}&kind=person", q("wangfang"))).await.assert_contains("@wangfang");
}

async fn rebuilding_the_index_gives_the_same_results(app: TestApp) {
    use plaza::search::reindex::{Target, rebuild};
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Rebuilt narwhal", "The narwhal survives a rebuild.", "").await;
    search(&app, &app.browser, &q("narwhal")).await.assert_contains("Rebuilt narwhal");
    let settings = app.settings.clone();
    let pool = app.pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        match plaza::search::meili::MeiliIndex::new(&settings).expect("settings") {
            Some(meili) => rebuild(&mut conn, Target::Meilisearch, Some(&meili), true, &|_| {}).expect("rebuild"),
            None => {
                plaza::db::write(&mut conn, plaza::search::sql::clear).expect("clear");
                rebuild(&mut conn, Target::Database, None, true, &|_| {}).expect("rebuild")
            }
        }
    })
    .await
    .expect("rebuild");
    search(&app, &app.browser, &q("narwhal")).await.assert_contains("Rebuilt narwhal").assert_contains("1 result");
    search(&app, &app.browser, &q("alice")).await.assert_contains("@alice");
}

// ------------------------------------------------------------------ the page itself

#[tokio::test]
async fn bad_input_gets_a_clear_page_never_an_error() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Near the edge", "Operators like NEAR and AND are words here.", "").await;
    let get = |qs: String| {
        let b = &app.browser;
        async move { b.get(&format!("/search?{qs}")).await }
    };
    get("q=".into()).await.assert_status(200).assert_contains("Type a word or two");
    get(q("?!* ... ///")).await.assert_status(200).assert_contains("nothing to search for");
    get(q("-alone")).await.assert_status(200).assert_contains("only of words to leave out");
    for hostile in [
        "\"",
        "*",
        "(",
        "NEAR",
        ":",
        "a:b",
        "NEAR(a b)",
        "\"unclosed",
        "AND OR NOT",
        "'; DROP TABLE contents; --",
        "^x",
        "title:edge",
    ] {
        let page = get(q(hostile)).await;
        assert_eq!(page.status.as_u16(), 200, "{hostile:?}:\n{}", page.body);
        page.assert_lacks("Internal");
    }
    get(q("NEAR")).await.assert_contains("<mark>Near</mark> the edge");
    let long = "edge ".repeat(2000);
    get(q(&long))
        .await
        .assert_status(200)
        .assert_contains("only its beginning was used")
        .assert_contains("Near the <mark>edge</mark>");
    // Invalid filters are named, the search is kept in the form, and nothing is searched.
    let bad = get(format!("{}&kind=poem&from=2024-13-45&to=yesterday&place=moon&sort=loudest&page=x", q("edge"))).await;
    bad.assert_status(400)
        .assert_contains("Choose one of the kinds")
        .assert_contains("Enter a date as YYYY-MM-DD")
        .assert_contains("Choose a blog or board")
        .assert_contains("Sort by relevance or by newest")
        .assert_contains("value=\"edge\"")
        .assert_contains("value=\"2024-13-45\"");
    get(format!("{}&from=2025-02-01&to=2025-01-01", q("edge")))
        .await
        .assert_status(400)
        .assert_contains("before the start date");
    get(format!("{}&author=nobody", q("edge")))
        .await
        .assert_status(200)
        .assert_contains("No one here has the user name");
    get(format!("{}&tag=nothing-here", q("edge"))).await.assert_status(200).assert_contains("There is no tag");
    // Past the last page of results: not found, not an empty page to keep.
    get(format!("{}&page=99999", q("edge"))).await.assert_status(404);
    get(format!("{}&place=board-999999", q("edge"))).await.assert_status(400);
}

#[tokio::test]
async fn header_box_opensearch_feed_and_paging() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    for i in 0..23 {
        publish(&alice, "alice", &format!("Widget note {i}"), "All about the widget.", "").await;
    }
    let home = app.get("/").await;
    home.assert_contains("action=\"/search\"")
        .assert_contains("rel=\"search\" type=\"application/opensearchdescription+xml\"");
    let os = app.get("/opensearch.xml").await;
    os.assert_status(200)
        .assert_contains("<ShortName>Plaza</ShortName>")
        .assert_contains("http://plaza.test/search?q={searchTerms}");
    assert!(os.header("content-type").starts_with("application/opensearchdescription+xml"));

    let first = app.get(&format!("/search?{}", q("widget"))).await;
    first
        .assert_contains("23 results")
        .assert_contains("rel=\"next\"")
        .assert_contains("<meta name=\"robots\" content=\"noindex\">");
    assert_eq!(first.body.matches("class=\"result\"").count(), 20);
    let second = app.get(&format!("/search?{}&page=2", q("widget"))).await;
    assert_eq!(second.body.matches("class=\"result\"").count(), 3);
    second.assert_contains("rel=\"prev\"");

    let feed = app.get(&format!("/search.atom?{}", q("widget"))).await;
    feed.assert_status(200)
        .assert_contains("<feed")
        .assert_contains("Widget note 22")
        .assert_contains("http://plaza.test/blogs/alice/")
        // Each saved search is its own feed: its id and self link carry the query.
        .assert_contains("<id>http://plaza.test/search.atom?q=widget&amp;sort=newest</id>");
    app.get(&format!("/search.rss?{}", q("widget"))).await.assert_status(200).assert_contains("<rss");
    app.get("/search.atom?q=").await.assert_status(400);
    app.get(&format!("/search.json?{}", q("widget"))).await.assert_status(404);
}

#[tokio::test]
async fn reindex_rebuilds_resumes_and_is_idempotent() {
    use plaza::search::reindex::{Target, rebuild};
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Kept after rebuild", "Rebuilds keep this one.", "").await;
    let before = app.count("search_docs");
    let mut conn = app.conn();
    // Wipe the index, as a restored dump without it would be; a rebuild brings back the same rows.
    assert!(!plaza::search::reindex::database_index_missing(&mut conn).expect("check"));
    plaza::db::write(&mut conn, plaza::search::sql::clear).expect("clear");
    app.get(&format!("/search?{}", q("rebuild"))).await.assert_contains("Nothing matched");
    // What start-up looks at to rebuild in the background (an upgraded or restored site).
    assert!(plaza::search::reindex::database_index_missing(&mut conn).expect("check"));
    let stats = rebuild(&mut conn, Target::Database, None, false, &|_| {}).expect("rebuild");
    assert!(!stats.resumed);
    assert_eq!(app.count("search_docs"), before);
    app.get(&format!("/search?{}", q("rebuild"))).await.assert_contains("Kept after <mark>rebuild</mark>");
    // Again: same index.
    rebuild(&mut conn, Target::Database, None, false, &|_| {}).expect("rebuild again");
    assert_eq!(app.count("search_docs"), before);
    // An interrupted rebuild (its position saved) resumes from there.
    {
        use diesel::prelude::*;
        diesel::sql_query("INSERT INTO site_settings (key, value) VALUES ('search.reindex.database.content', '0')")
            .execute(&mut conn)
            .expect("cursor");
    }
    assert!(plaza::search::reindex::interrupted(&mut conn, Target::Database).expect("interrupted"));
    let stats = rebuild(&mut conn, Target::Database, None, false, &|_| {}).expect("resume");
    assert!(stats.resumed);
    assert!(!plaza::search::reindex::interrupted(&mut conn, Target::Database).expect("done"));
    assert_eq!(app.count("search_docs"), before);
}

#[tokio::test]
async fn relevance_is_ranked_among_the_newest_matches() {
    use plaza::search::{Query, SearchRequest, database_index};
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    // Older posts match best (the word in the title); newer ones only in the body.
    for i in 0..3 {
        publish(&alice, "alice", &format!("Walrus guide {i}"), "Everything about the walrus.", "").await;
    }
    for i in 0..5 {
        publish(&alice, "alice", &format!("Later note {i}"), "A walrus was mentioned once.", "").await;
    }
    let mut conn = app.conn();
    let mut req = SearchRequest::new(Query::parse("walrus"), Some(vec![plaza::policy::PUBLIC_AUDIENCE]));
    let backend = conn.backend();
    let all = database_index(backend).search(&mut conn, &req).expect("search");
    assert_eq!(all.hits.len(), 8);
    let best = all.hits[0].1;
    // With a window of the 5 newest matches, the old guides are out of the ranking.
    req.rank_window = 5;
    let windowed = database_index(backend).search(&mut conn, &req).expect("search");
    assert_eq!(windowed.hits.len(), 5);
    assert!(!windowed.hits.iter().any(|h| h.1 == best), "the best but oldest match is outside the window");
    // Newest-first sorting is not windowed.
    req.sort = plaza::search::Sort::Newest;
    assert_eq!(database_index(backend).search(&mut conn, &req).expect("search").hits.len(), 8);
}

#[tokio::test]
async fn a_board_page_searches_that_board() {
    let app = spawn().await;
    let bob = app.user_browser("bob", Role::Member).await;
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("chat", "discussion", "everyone", "members");
    start_topic(&bob, "help", "Koala in help", "A koala question.").await;
    start_topic(&bob, "chat", "Koala in chat", "Koala talk.").await;
    let board_id = app.ids("boards", "id")[0];
    app.get("/forums/help").await.assert_contains(&format!("name=\"place\" value=\"board-{board_id}\""));
    let page = app.get(&format!("/search?place=board-{board_id}&q=koala")).await;
    page.assert_contains("1 result").assert_contains("in help").assert_lacks("in chat");
}
