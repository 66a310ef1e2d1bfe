use plaza::accounts::Role;

use crate::helpers::{BASE_URL, publish, publish_id, spawn};

#[tokio::test]
async fn site_blog_tag_and_comment_feeds_in_atom_and_rss() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) =
        publish_id(&alice, "alice", "Feed me <now>", "Full **content** here, see [the tags](/tags).", "rust, 技术支持")
            .await;
    let carl = app.user_browser("carl", Role::Member).await;
    carl.post(&format!("/posts/{id}/comments"), &[("body", "Nice feed")]).await;

    for feed in ["/feed", "/blogs/alice/feed", "/tags/rust/feed", "/tags/%E6%8A%80%E6%9C%AF%E6%94%AF%E6%8C%81/feed"] {
        let atom = app.get(&format!("{feed}.atom")).await;
        atom.assert_status(200);
        assert!(atom.header("content-type").starts_with("application/atom+xml"), "{feed}");
        atom.assert_contains("<feed")
            .assert_contains(&format!("<id>{BASE_URL}/posts/{id}</id>"))
            .assert_contains(&format!("href=\"{BASE_URL}{path}\""))
            .assert_contains("Feed me &lt;now&gt;")
            .assert_contains("&lt;strong&gt;content&lt;/strong&gt;")
            .assert_contains("rel=\"self\"")
            .assert_contains("<updated>");
        assert!(!atom.body.contains("href=&quot;/"), "site-relative links in feed content: {feed}");
        let rss = app.get(&format!("{feed}.rss")).await;
        rss.assert_status(200);
        assert!(rss.header("content-type").starts_with("application/rss+xml"), "{feed}");
        rss.assert_contains("<rss")
            .assert_contains(&format!("<link>{BASE_URL}{path}</link>"))
            .assert_contains("<pubDate>")
            .assert_contains("<dc:creator>alice</dc:creator>");
    }
    app.get("/tags/food/feed.atom").await.assert_status(404);
    app.get("/feed.json").await.assert_status(404);

    let comments = app.get(&format!("/posts/{id}/comments.atom")).await;
    comments.assert_status(200).assert_contains("Nice feed").assert_contains("Comment by carl");
    app.get(&format!("/posts/{id}/comments.rss")).await.assert_status(200).assert_contains("Nice feed");
}

#[tokio::test]
async fn feeds_answer_conditional_requests_with_304() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Cache me", "Body", "").await;
    let first = app.get("/feed.atom").await;
    let etag = first.header("etag");
    let last_modified = first.header("last-modified");
    assert!(!etag.is_empty() && !last_modified.is_empty());
    let again = app.browser.get_with("/feed.atom", &[("If-None-Match", &etag)]).await;
    again.assert_status(304);
    assert!(again.body.is_empty());
    // Each address is dated by its own answers (the RSS body may first be served a second later).
    let rss_modified = app.get("/feed.rss").await.header("last-modified");
    let since = app.browser.get_with("/feed.rss", &[("If-Modified-Since", &rss_modified)]).await;
    since.assert_status(304);
    // A new post changes the feed.
    publish(&alice, "alice", "Fresh", "Body", "").await;
    app.browser.get_with("/feed.atom", &[("If-None-Match", &etag)]).await.assert_status(200).assert_contains("Fresh");
}

#[tokio::test]
async fn pages_answer_conditional_requests_too() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let path = publish(&alice, "alice", "Cacheable page", "Body", "").await;
    let first = app.get(&path).await;
    let etag = first.header("etag");
    assert!(etag.starts_with('"') || etag.starts_with("W/\""), "{etag}");
    assert!(first.header("cache-control").contains("private"));
    app.browser.get_with(&path, &[("If-None-Match", &etag)]).await.assert_status(304);
    // A new comment changes the page.
    let id = crate::helpers::post_id(&alice.get(&path).await.body);
    alice.post(&format!("/posts/{id}/comments"), &[("body", "New!")]).await;
    app.browser.get_with(&path, &[("If-None-Match", &etag)]).await.assert_status(200).assert_contains("New!");
}

#[tokio::test]
async fn pages_advertise_their_feeds() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) = publish_id(&alice, "alice", "Discoverable", "Body", "rust").await;
    app.get("/").await.assert_contains(&format!(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"All posts\" href=\"{BASE_URL}/feed.atom\">"
    ));
    app.get("/blogs/alice")
        .await
        .assert_contains(&format!("href=\"{BASE_URL}/blogs/alice/feed.atom\""))
        .assert_contains(&format!("href=\"{BASE_URL}/blogs/alice/feed.rss\""));
    app.get("/tags/rust").await.assert_contains(&format!("href=\"{BASE_URL}/tags/rust/feed.atom\""));
    app.get(&path).await.assert_contains(&format!("href=\"{BASE_URL}/posts/{id}/comments.atom\""));
    app.get("/blog").await.assert_contains(&format!("href=\"{BASE_URL}/blog/feed.atom\""));
    app.get("/blog/feed.atom").await.assert_status(200);
}
