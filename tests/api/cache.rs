//! The anonymous page cache: what visitors are served from memory, what never is, and that a
//! change shows on the very next request (on this server and, once applied, on every other).

use std::io::Read;

use plaza::accounts::Role;

use crate::helpers::{editor, publish_id, reply, spawn, start_topic};

/// Say where the answer came from.
fn cache_state(page: &crate::helpers::Page) -> String {
    page.header("x-plaza-cache")
}

#[tokio::test]
async fn a_visitor_page_is_kept_and_an_edit_shows_on_the_very_next_request() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) = publish_id(&alice, "alice", "Cached title", "First body", "caching").await;
    let visitor = app.new_browser();
    // Every page the post is on, made once, then served from the cache.
    let pages = [
        path.as_str(),
        "/",
        "/blogs/alice",
        "/tags/caching",
        "/feed.atom",
        "/blogs/alice/feed.rss",
        "/tags/caching/feed.atom",
        "/u/alice",
    ];
    for p in pages {
        let first = visitor.get(p).await;
        first.assert_status(200).assert_contains("Cached title");
        assert_eq!(cache_state(&first), "miss", "{p}");
        let again = visitor.get(p).await;
        again.assert_status(200).assert_contains("Cached title");
        assert_eq!(cache_state(&again), "hit", "{p}");
    }
    for p in ["/blogs", "/tags", "/sitemap.xml", "/sitemap-posts-0.xml"] {
        visitor.get(p).await.assert_status(200);
        assert_eq!(cache_state(&visitor.get(p).await), "hit", "{p}");
    }
    // The author edits: every one of those pages shows the new title on the next request.
    editor(
        &alice,
        &format!("/posts/{id}/edit"),
        &[("title", "Edited title"), ("tags", "caching, renamed"), ("comments_enabled", "on")],
    )
    .await
    .assert_status(303);
    for p in pages.iter().map(|p| if *p == path.as_str() { "/blogs/alice/edited-title" } else { p }) {
        visitor.get(p).await.assert_status(200).assert_contains("Edited title").assert_lacks("Cached title");
    }
    visitor.get("/tags").await.assert_contains("renamed");
    visitor.get("/sitemap-posts-0.xml").await.assert_contains("/blogs/alice/edited-title");
    // A comment shows on the post's page at once, and its count on the lists.
    alice.post(&format!("/posts/{id}/comments"), &[("body", "A fresh comment")]).await.assert_status(303);
    visitor.get("/blogs/alice/edited-title").await.assert_contains("A fresh comment");
    visitor.get("/blogs/alice").await.assert_contains("1 comment");
    // (The post's author's profile lists it with its count too.)
    visitor.get("/u/alice").await.assert_contains("1 comment");
    // Deleting the post takes it off every page at once.
    alice.post(&format!("/posts/{id}/delete"), &[]).await.assert_status(303);
    for p in ["/", "/blogs/alice", "/feed.atom", "/u/alice"] {
        visitor.get(p).await.assert_lacks("Edited title");
    }
    visitor.get("/tags").await.assert_lacks("renamed");
    visitor.get("/tags/caching").await.assert_status(404);
    // (A blog with nothing published leaves the directory.)
    visitor.get("/blogs").await.assert_lacks("/blogs/alice\"");
}

#[tokio::test]
async fn what_a_change_does_not_touch_stays_kept() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let bob = app.user_browser("bob", Role::Employee).await;
    let (alices, _) = publish_id(&alice, "alice", "Alice's post", "Body", "").await;
    let visitor = app.new_browser();
    visitor.get(&alices).await;
    visitor.get("/blogs/alice").await;
    // Bob posting on his own blog changes the site's lists, not Alice's post or blog.
    publish_id(&bob, "bob", "Bob's post", "Body", "").await;
    assert_eq!(cache_state(&visitor.get(&alices).await), "hit");
    assert_eq!(cache_state(&visitor.get("/blogs/alice").await), "hit");
    visitor.get("/").await.assert_contains("Bob&#39;s post");
}

#[tokio::test]
async fn logged_in_pages_never_come_from_the_cache_and_kept_pages_carry_no_session() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, _) = publish_id(&alice, "alice", "Shared page", "Body", "").await;
    let visitor = app.new_browser();
    visitor.get(&path).await;
    let kept = visitor.get(&path).await;
    assert_eq!(cache_state(&kept), "hit");
    // Nothing of a session in what every visitor gets: no form token, no name, no set-cookie.
    kept.assert_lacks("csrf_token").assert_lacks("/logout").assert_lacks("Notifications");
    assert!(kept.headers.get("set-cookie").is_none());
    assert!(kept.header("vary").contains("Cookie"));
    // A member on the same page: made for them, with their name and their token.
    let mine = alice.get(&path).await;
    assert_eq!(cache_state(&mine), "", "a logged-in page is never the cache's");
    mine.assert_contains("csrf_token").assert_contains("/logout");
    assert_eq!(cache_state(&alice.get(&path).await), "");
    // And a visitor after them still gets no trace of it.
    visitor.get(&path).await.assert_lacks("csrf_token").assert_lacks("/logout");
    // Pages that are not for everyone are never kept: private ones answer a visitor without
    // the page, and a members' own pages redirect.
    for p in ["/settings", "/notifications", "/following", "/write", "/login", "/register"] {
        let page = visitor.get(p).await;
        assert_eq!(cache_state(&page), "", "{p}");
    }
}

#[tokio::test]
async fn junk_in_addresses_and_headers_cannot_grow_the_cache() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish_id(&alice, "alice", "Plain post", "Body", "").await;
    let visitor = app.new_browser();
    visitor.get("/blogs/alice").await;
    let before = app.page_cache.len();
    // Unknown parameters are dropped before the key is made (and before the page is made).
    for i in 0..300 {
        let page = visitor.get(&format!("/blogs/alice?utm_source=x{i}&fbclid={i}")).await;
        page.assert_status(200).assert_contains("Plain post");
    }
    // Browsers' languages come down to the site's two.
    for i in 0..100 {
        let lang = format!("x-{i}, fr;q=0.{}", i % 10);
        visitor.get_with("/blogs/alice", &[("Accept-Language", &lang)]).await.assert_status(200);
    }
    visitor.get_with("/blogs/alice", &[("Accept-Language", "zh-CN")]).await.assert_contains("lang=\"zh-CN\"");
    assert!(app.page_cache.len() <= before + 1, "{} entries after junk, {before} before", app.page_cache.len());
    // A query of thousands of parameters is answered and not kept.
    let huge: String = (0..5000).map(|i| format!("p{i}={i}&")).collect();
    let page = visitor.get(&format!("/blogs/alice?{huge}")).await;
    page.assert_status(200).assert_contains("Plain post");
    assert_eq!(cache_state(&page), "");
    // Long values of known parameters are answered, not kept.
    let page = visitor.get(&format!("/search?q={}", "a".repeat(300))).await;
    assert_eq!(cache_state(&page), "");
    assert!(app.page_cache.len() <= before + 1);
}

#[tokio::test]
async fn answers_are_compressed_as_asked_and_validated() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, _) = publish_id(&alice, "alice", "Compressed post", "Body", "").await;
    let visitor = app.new_browser();
    let plain = visitor.get(&path).await;
    assert_eq!(plain.header("content-encoding"), "");
    let raw = |enc: &'static str| {
        let url = format!("{}{path}", app.addr);
        async move {
            let res = reqwest::Client::new().get(url).header("Accept-Encoding", enc).send().await.unwrap();
            let encoding = res.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
            let etag = res.headers()["etag"].to_str().unwrap().to_string();
            (encoding, res.bytes().await.unwrap(), etag)
        }
    };
    let (enc, gz, gz_etag) = raw("gzip").await;
    assert_eq!(enc.as_deref(), Some("gzip"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
    assert_eq!(text, plain.body);
    let (enc, br, br_etag) = raw("br, gzip;q=0.5").await;
    assert_eq!(enc.as_deref(), Some("br"));
    let mut text = String::new();
    brotli::Decompressor::new(&br[..], 4096).read_to_string(&mut text).unwrap();
    assert_eq!(text, plain.body);
    assert!(br.len() < plain.body.len() / 2, "brotli: {} of {}", br.len(), plain.body.len());
    let (enc, _, _) = raw("br;q=0, gzip").await;
    // Each coding is its own representation, with its own tag.
    assert!(gz_etag != br_etag && gz_etag != plain.header("etag"), "{gz_etag} {br_etag}");
    let again = reqwest::Client::new()
        .get(format!("{}{path}", app.addr))
        .header("Accept-Encoding", "gzip")
        .header("If-None-Match", &gz_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(enc.as_deref(), Some("gzip"), "a refused coding is not used");
    // Validators: the same page again is a 304.
    let etag = plain.header("etag");
    assert!(!etag.is_empty() && !plain.header("last-modified").is_empty());
    visitor.get_with(&path, &[("If-None-Match", &etag)]).await.assert_status(304);
    visitor.get_with(&path, &[("If-Modified-Since", &plain.header("last-modified"))]).await.assert_status(304);
}

#[tokio::test]
async fn members_pages_are_compressed_as_they_leave() {
    // Made for one member, never kept: compressed per request, by Plaza's own middleware (with
    // a window sized to the page; actix's kept a 4 MB window per page in flight).
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, _) = publish_id(&alice, "alice", "Compressed for members", &"Long body text. ".repeat(200), "").await;
    let plain = alice.get(&path).await;
    plain.assert_status(200).assert_contains("Compressed for members");
    assert_eq!(plain.header("content-encoding"), "");
    assert_eq!(cache_state(&plain), "", "a member's page is not from the cache");
    let raw = |enc: &'static str| {
        let req = alice.client.get(format!("{}{path}", app.addr)).header("Accept-Encoding", enc);
        async move {
            let res = req.send().await.unwrap();
            let header = |h: &str| {
                res.headers().get_all(h).iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>().join(", ")
            };
            let (encoding, vary, etag) = (header("content-encoding"), header("vary"), header("etag"));
            (encoding, vary, etag, res.bytes().await.unwrap())
        }
    };
    let (enc, vary, etag, br) = raw("br").await;
    assert_eq!(enc, "br");
    assert!(vary.contains("Accept-Encoding") && vary.contains("Cookie"), "{vary}");
    assert!(etag.starts_with("W/"), "{etag}");
    let mut text = String::new();
    brotli::Decompressor::new(&br[..], 4096).read_to_string(&mut text).unwrap();
    assert!(text.contains("Compressed for members") && text.contains("Long body text."));
    assert!(br.len() < text.len() / 2, "brotli: {} of {}", br.len(), text.len());
    let (enc, _, _, gz) = raw("gzip, br;q=0").await;
    assert_eq!(enc, "gzip");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
    assert!(text.contains("Compressed for members"));
    // Small answers are sent as they are.
    let res =
        alice.client.get(format!("{}/robots.txt", app.addr)).header("Accept-Encoding", "br").send().await.unwrap();
    assert!(res.headers().get("content-encoding").is_none(), "robots.txt is too small to gain");
}

#[tokio::test]
async fn many_visitors_asking_for_one_page_at_once_make_it_once() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, _) = publish_id(&alice, "alice", "Everyone at once", "Body", "").await;
    for round in 0..2 {
        let asks = (0..24).map(|_| {
            let (visitor, path) = (app.new_browser(), path.clone());
            async move { visitor.get(&path).await }
        });
        let pages = futures_util::future::join_all(asks).await;
        let mut made = 0;
        for page in &pages {
            page.assert_status(200).assert_contains("Everyone at once");
            made += usize::from(cache_state(page) == "miss");
        }
        assert_eq!(made, 1 - round, "round {round}: made once, then served from the cache");
    }
}

#[tokio::test]
async fn members_share_lists_only_with_readers_of_the_same_audiences_and_see_changes_at_once() {
    // Members' pages are made per request, but the lists on them are kept per set of audiences
    // (`PageCache::shared`). A list warmed by a reader of more must not reach a reader of less,
    // and a change must show on the very next page.
    let app = spawn().await;
    app.create_board("staffroom", "discussion", "employees", "employees");
    app.create_board("help", "discussion", "everyone", "members");
    let emp = app.user_browser("emp", Role::Employee).await;
    let member = app.user_browser("mia", Role::Member).await;
    let (secret, _) = start_topic(&emp, "staffroom", "Staffroom zebra plans", "Only for staff.").await;
    publish_id(&emp, "emp", "First public post", "Body", "shared").await;
    // The employee warms every list first.
    for path in ["/", "/u/emp", "/forums/staffroom", "/blogs/emp", "/tags/shared"] {
        emp.get(path).await.assert_status(200);
    }
    emp.get("/").await.assert_contains("Staffroom zebra plans");
    emp.get("/u/emp").await.assert_contains("Staffroom zebra plans");
    // The member reads fewer audiences: none of it reaches them.
    for path in ["/", "/u/emp", "/blogs/emp", "/tags/shared", "/forums"] {
        member.get(path).await.assert_status(200).assert_lacks("zebra");
    }
    member.get("/forums/staffroom").await.assert_status(404);
    member.get(&secret).await.assert_status(404);
    // The member's own lists are warm now; a change by someone else shows on their next page.
    publish_id(&emp, "emp", "Second public post", "Body", "shared").await;
    let (topic, topic_id) = start_topic(&emp, "help", "A new help topic", "Question?").await;
    for path in ["/", "/u/emp", "/blogs/emp", "/tags/shared"] {
        member.get(path).await.assert_contains("Second public post");
    }
    member.get("/forums/help").await.assert_contains("A new help topic");
    // Granting a community blog changes the owner's profile (its blog link) as well.
    let admin = app.user_browser("ada", Role::Admin).await;
    let mia_id = app.number("SELECT id AS n FROM users WHERE username = 'mia'");
    member.get("/u/mia").await.assert_lacks("/blogs/mia");
    admin.get("/u/mia").await.assert_lacks("/blogs/mia");
    admin.post(&format!("/admin/users/{mia_id}/community-blog"), &[("back", "")]).await.assert_status(303);
    member.get("/u/mia").await.assert_contains("/blogs/mia");
    admin.get("/u/mia").await.assert_contains("/blogs/mia");
    // Their own change too.
    reply(&member, &topic_id, "An answer from mia").await;
    member.get(&topic).await.assert_contains("An answer from mia");
    member.get("/u/mia").await.assert_contains("An answer from mia");
}

#[tokio::test]
async fn a_change_made_through_one_server_reaches_the_others() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) = publish_id(&alice, "alice", "Shared between servers", "Body", "").await;
    let (other, other_cache) = app.second_server().await;
    other.get(&path).await.assert_contains("Shared between servers");
    assert_eq!(cache_state(&other.get(&path).await), "hit");
    // Edited through the first server; the second applies the change it recorded.
    editor(&alice, &format!("/posts/{id}/edit"), &[("title", "Shared between servers"), ("body", "Edited elsewhere")])
        .await
        .assert_status(303);
    other_cache.catch_up(&mut app.conn()).unwrap();
    other.get(&path).await.assert_contains("Edited elsewhere");
}

#[tokio::test]
async fn a_page_made_while_a_change_lands_is_not_kept() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, _) = publish_id(&alice, "alice", "Racing page", "Body", "").await;
    let visitor = app.new_browser();
    visitor.get(&path).await;
    // A change applied after the entry was made makes it stale, whatever the key shared a slot with.
    app.page_cache.apply("*");
    let after = visitor.get(&path).await;
    assert_eq!(cache_state(&after), "miss");
}
