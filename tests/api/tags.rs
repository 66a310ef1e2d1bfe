use plaza::accounts::Role;

use crate::helpers::{publish, spawn};

#[tokio::test]
async fn tags_in_english_and_chinese_with_counts() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Sync tips", "Body", "Support, 技术支持").await;
    publish(&alice, "alice", "More tips", "Body", "support").await;
    let tags = app.get("/tags").await;
    tags.assert_status(200)
        .assert_contains("Support")
        .assert_contains("技术支持")
        .assert_contains("href=\"/tags/support\"");
    let page = app.get("/tags/support").await;
    page.assert_status(200).assert_contains("Sync tips").assert_contains("More tips").assert_contains("2 posts");
    let zh = app.get("/tags/%E6%8A%80%E6%9C%AF%E6%94%AF%E6%8C%81").await;
    zh.assert_status(200).assert_contains("Sync tips").assert_lacks("More tips");
    app.get("/tags/nope").await.assert_status(404);
    // Tags on the post page link to the tag.
    app.get("/blogs/alice/sync-tips").await.assert_contains("href=\"/tags/support\"");
}

#[tokio::test]
async fn members_follow_tags_and_see_new_posts_on_their_following_page() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let reader = app.user_browser("reader", Role::Member).await;
    publish(&alice, "alice", "Rust tip", "Body", "rust").await;
    publish(&alice, "alice", "Cooking", "Body", "food").await;
    reader.get("/following").await.assert_contains("You do not follow any tags yet.");
    reader.post("/tags/rust/follow", &[("follow", "1")]).await.assert_redirect("/tags/rust");
    reader.get("/tags/rust").await.assert_contains("Unfollow");
    let following = reader.get("/following").await;
    following.assert_contains("Rust tip").assert_lacks("Cooking");
    publish(&alice, "alice", "Another Rust tip", "Body", "rust").await;
    reader.get("/following").await.assert_contains("Another Rust tip");
    reader.post("/tags/rust/follow", &[("follow", "0")]).await.assert_status(303);
    reader.get("/following").await.assert_lacks("Rust tip");
    app.get("/following").await.assert_redirect("/login?next=%2Ffollowing");
    reader.post("/tags/unknown/follow", &[("follow", "1")]).await.assert_status(404);
}

#[tokio::test]
async fn a_tag_counts_forum_topics_as_topics_and_its_feed_carries_them() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let fields =
        [("title", "Offline mode?"), ("body", "Does it work offline?"), ("tags", "onlytopic"), ("action", "save")];
    mia.post("/forums/help/new", &fields).await.assert_status(303);
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Offline explained", "Yes it does.", "onlytopic").await;
    app.get("/tags").await.assert_contains("(used 2 times)").assert_lacks("2 posts");
    app.get("/tags/onlytopic")
        .await
        .assert_contains("1 post · 1 forum topic")
        .assert_contains("Offline mode?")
        .assert_contains("Offline explained");
    let feed = app.get("/tags/onlytopic/feed.atom").await;
    feed.assert_status(200).assert_contains("Offline mode?").assert_contains("Offline explained");
    // RSS guids are ids, not addresses to open (a comment's has no page of its own).
    app.get("/tags/onlytopic/feed.rss").await.assert_contains("isPermaLink=\"false\"");
    // Chinese counts too.
    app.new_browser()
        .get_with("/tags/onlytopic", &[("Accept-Language", "zh-CN")])
        .await
        .assert_contains("1 篇文章 · 1 个论坛主题");
}

#[tokio::test]
async fn a_tag_page_pages_its_topics_too() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    for i in 0..17 {
        let fields = [
            ("title", format!("Tagged topic {i:02}")),
            ("body", "x".into()),
            ("tags", "many".into()),
            ("action", "save".into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        mia.post("/forums/help/new", &fields).await.assert_status(303);
    }
    let first = app.get("/tags/many").await;
    first.assert_contains("17 forum topics").assert_contains("Tagged topic 16");
    assert!(!first.body.contains("Tagged topic 00"));
    let older = crate::helpers::link_with_rel(&first.body, "next").expect("older link");
    let second = app.get(&older).await;
    second.assert_contains("Tagged topic 00").assert_contains("Tagged topic 01").assert_lacks("Tagged topic 16");
    second.assert_lacks("rel=\"next\"");
    // Hostile positions page like any other (PostgreSQL stores no year -7,000,000).
    for q in
        ["before=-250000000000000000_1&tbefore=-250000000000000000_1", "tbefore=99999999999999999999_1", "before=x"]
    {
        app.get(&format!("/tags/many?{q}")).await.assert_status(200);
    }
}

#[tokio::test]
async fn following_a_tag_lists_its_forum_topics_through_the_policy() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("staff-room", "discussion", "employees", "employees");
    let mia = app.user_browser("mia", Role::Member).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let topic = |title: &'static str| [("title", title), ("body", "About sync."), ("tags", "sync"), ("action", "save")];
    mia.post("/forums/help/new", &topic("Sync fails on Mondays")).await.assert_status(303);
    mia.post("/forums/help/new", &topic("Sync is slow")).await.assert_status(303);
    alice.post("/forums/staff-room/new", &topic("Internal sync roadmap")).await.assert_status(303);
    mia.post("/tags/sync/follow", &[("follow", "1")]).await.assert_status(303);
    // The tag page's count matches what it lists.
    mia.get("/tags/sync").await.assert_contains("0 posts · 2 forum topics").assert_lacks("Internal sync roadmap");
    let following = mia.get("/following").await;
    following
        .assert_contains("Sync fails on Mondays")
        .assert_contains("Sync is slow")
        .assert_lacks("Internal sync roadmap")
        .assert_lacks("Nothing new in the tags you follow.");
    alice.post("/tags/sync/follow", &[("follow", "1")]).await.assert_status(303);
    alice.get("/following").await.assert_contains("Internal sync roadmap");
}
