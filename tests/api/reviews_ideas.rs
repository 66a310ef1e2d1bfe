use plaza::accounts::Role;

use crate::helpers::{reply, spawn, start_topic};

pub(crate) fn add_product(app: &crate::helpers::TestApp, board_id: i64, name: &str, slug: &str) {
    plaza::db::write(&mut app.conn(), |tx| plaza::forums::reviews::create_product(tx, board_id, name, slug, ""))
        .unwrap();
}

pub(crate) async fn review(
    b: &crate::helpers::Browser,
    product: &str,
    rating: &str,
    title: &str,
) -> crate::helpers::Page {
    b.post(
        "/forums/reviews/new",
        &[
            ("product", product),
            ("rating", rating),
            ("title", title),
            ("body", "My experience in detail"),
            ("action", "save"),
        ],
    )
    .await
}

#[tokio::test]
async fn reviews_with_ratings_one_per_member_and_aggregates() {
    let app = spawn().await;
    let board = app.create_board("reviews", "reviews", "everyone", "members");
    let admin = app.user_browser("boss", Role::Admin).await;
    admin
        .post(&format!("/admin/forums/boards/{board}/products"), &[("name", ""), ("slug", "")])
        .await
        .assert_status(422)
        .assert_contains("Give the product a name.");
    admin
        .post(
            &format!("/admin/forums/boards/{board}/products"),
            &[("name", "Plaza Cloud"), ("slug", ""), ("description", "Sync")],
        )
        .await
        .assert_status(303);
    admin
        .post(&format!("/admin/forums/boards/{board}/products"), &[("name", "Again"), ("slug", "plaza-cloud")])
        .await
        .assert_status(422)
        .assert_contains("already has this address");
    add_product(&app, board, "Plaza Desktop", "plaza-desktop");
    app.get("/forums/reviews").await.assert_contains("Plaza Cloud").assert_contains("Plaza Desktop");

    let ann = app.user_browser("ann", Role::Member).await;
    let ben = app.user_browser("ben", Role::Member).await;
    let cat = app.user_browser("cat", Role::Member).await;
    // Bad input: no product, a rating outside 1–5; the text is kept and nothing is saved.
    let bad = review(&ann, "", "0", "Great").await;
    bad.assert_status(422)
        .assert_contains("Choose the product you are reviewing.")
        .assert_contains("Choose a rating from 1 to 5 stars.")
        .assert_contains("My experience in detail");
    review(&ann, "plaza-cloud", "6", "Great")
        .await
        .assert_status(422)
        .assert_contains("Choose a rating from 1 to 5 stars.");
    review(&ann, "no-such", "5", "Great").await.assert_status(422);
    assert_eq!(app.count("reviews"), 0);
    assert_eq!(app.count("topics"), 0);

    let first = review(&ann, "plaza-cloud", "5", "Love it").await;
    first.assert_status(303);
    let ann_review = first.location();
    review(&ben, "plaza-cloud", "2", "Too slow for me").await.assert_status(303);
    review(&cat, "plaza-cloud", "4", "Solid").await.assert_status(303);
    // A second review of the same product offers to edit the first one.
    let second = review(&ann, "plaza-cloud", "1", "Changed my mind").await;
    second
        .assert_status(422)
        .assert_contains("already reviewed this product")
        .assert_contains(&format!("href=\"{ann_review}\""))
        .assert_contains("Changed my mind");
    assert_eq!(app.count("reviews"), 3);
    // Another product is fine.
    review(&ann, "plaza-desktop", "3", "OK desktop").await.assert_status(303);

    let product = app.get("/forums/reviews/products/plaza-cloud").await;
    product
        .assert_status(200)
        .assert_contains("3.7")
        .assert_contains("3 reviews")
        .assert_contains("Love it")
        .assert_contains("Too slow for me");
    let highest = app.get("/forums/reviews/products/plaza-cloud?sort=highest").await;
    assert!(highest.body.find("Love it").unwrap() < highest.body.find("Solid").unwrap());
    assert!(highest.body.find("Solid").unwrap() < highest.body.find("Too slow").unwrap());
    let lowest = app.get("/forums/reviews/products/plaza-cloud?sort=lowest").await;
    assert!(lowest.body.find("Too slow").unwrap() < lowest.body.find("Love it").unwrap());
    app.get(&ann_review).await.assert_contains("★★★★★").assert_contains("Plaza Cloud");
    // The author may change the rating; the product's figures follow.
    let ann_id = ann_review.rsplit('/').next().unwrap().split('-').next().unwrap().to_string();
    ann.get(&format!("/topics/{ann_id}/edit")).await.assert_contains("name=\"rating\" value=\"5\" checked");
    ann.post(
        &format!("/topics/{ann_id}/edit"),
        &[("title", "Love it"), ("body", "Still good"), ("rating", "9"), ("action", "save")],
    )
    .await
    .assert_status(422)
    .assert_contains("Choose a rating from 1 to 5 stars.")
    .assert_contains("Still good");
    ann.post(
        &format!("/topics/{ann_id}/edit"),
        &[("title", "Love it"), ("body", "Still good"), ("rating", "4"), ("action", "save")],
    )
    .await
    .assert_status(303);
    app.get("/forums/reviews/products/plaza-cloud").await.assert_contains("3.3");
    ann.post(
        &format!("/topics/{ann_id}/edit"),
        &[("title", "Love it"), ("body", "Back to five"), ("rating", "5"), ("action", "save")],
    )
    .await
    .assert_status(303);
    app.get("/forums/reviews/products/nope").await.assert_status(404);
    // Plurals and the board's own wording.
    app.get("/forums/reviews/products/plaza-desktop").await.assert_contains("1 star<").assert_contains("2 stars<");
    ann.get("/forums/reviews").await.assert_contains("Write a review");

    // Deleting a review takes it out of the aggregates.
    let ben_topic = app.ids("reviews", "topic_id")[1];
    ben.post(&format!("/topics/{ben_topic}/delete"), &[]).await.assert_status(303);
    app.get("/forums/reviews/products/plaza-cloud")
        .await
        .assert_contains("4.5")
        .assert_contains("2 reviews")
        .assert_lacks("Too slow for me");
}

#[tokio::test]
async fn the_company_responds_once_under_a_review() {
    let app = spawn().await;
    let board = app.create_board("reviews", "reviews", "everyone", "members");
    add_product(&app, board, "Plaza Cloud", "plaza-cloud");
    let ann = app.user_browser("ann", Role::Member).await;
    let path = review(&ann, "plaza-cloud", "2", "Needs work").await.location();
    let id = path.rsplit('/').next().unwrap().split('-').next().unwrap().to_string();
    let staff = app.user_browser("agent", Role::Employee).await;
    ann.post(&format!("/topics/{id}/response"), &[("body", "I am not staff")]).await.assert_status(403);
    staff
        .post(&format!("/topics/{id}/response"), &[("body", "  ")])
        .await
        .assert_status(422)
        .assert_contains("Write some text first: it is empty.");
    staff
        .post(&format!("/topics/{id}/response"), &[("body", "Thank you — a fix ships next week.")])
        .await
        .assert_redirect(&format!("{path}#response"));
    let page = app.get(&path).await;
    page.assert_contains("Official response").assert_contains("a fix ships next week");
    let response_pos = page.body.find("id=\"response\"").unwrap();
    let replies_pos = page.body.find("id=\"h-replies\"").unwrap();
    assert!(response_pos < replies_pos, "the response sits directly beneath the review");
    ann.get("/notifications").await.assert_contains("agent responded officially to your review");
    staff
        .post(&format!("/topics/{id}/response"), &[("body", "Second try")])
        .await
        .assert_status(422)
        .assert_contains("already has an official response")
        .assert_contains("Second try");
    app.get("/forums/reviews/products/plaza-cloud").await.assert_contains("Official response");
}

#[tokio::test]
async fn ideas_votes_statuses_duplicates_and_adopted() {
    let app = spawn().await;
    app.create_board("ideas", "ideas", "everyone", "members");
    let ann = app.user_browser("ann", Role::Member).await;
    let ben = app.user_browser("ben", Role::Member).await;
    let cat = app.user_browser("cat", Role::Member).await;
    let staff = app.user_browser("pmlead", Role::Employee).await;
    let (dark, dark_id) = start_topic(&ann, "ideas", "Dark mode for the desktop app", "Please").await;
    let (_, night_id) = start_topic(&ben, "ideas", "Night theme", "Same idea").await;
    app.get(&dark).await.assert_contains("New").assert_contains("0 votes");

    ann.post(&format!("/topics/{dark_id}/vote"), &[("value", "1")])
        .await
        .assert_status(400)
        .assert_contains("You cannot vote for your own idea.");
    ben.post(&format!("/topics/{dark_id}/vote"), &[("value", "1")]).await.assert_redirect(&dark);
    ben.post(&format!("/topics/{dark_id}/vote"), &[("value", "1")]).await.assert_status(303);
    cat.post(&format!("/topics/{dark_id}/vote"), &[("value", "1")]).await.assert_status(303);
    app.get(&dark).await.assert_contains("2 votes");
    cat.post(&format!("/topics/{dark_id}/vote"), &[("value", "0")]).await.assert_status(303);
    app.get(&dark).await.assert_contains("1 vote");
    cat.post(&format!("/topics/{night_id}/vote"), &[("value", "1")]).await.assert_status(303);
    ann.post(&format!("/topics/{night_id}/vote"), &[("value", "1")]).await.assert_status(303);
    // By votes: Night theme (2) before Dark mode (1); newest: Night theme first too; then check order flips.
    let by_votes = app.get("/forums/ideas").await;
    assert!(by_votes.body.find("Night theme").unwrap() < by_votes.body.find("Dark mode").unwrap());

    // Only employees change statuses, with a public note.
    ann.post(&format!("/topics/{dark_id}/status"), &[("status", "planned"), ("note", "x")]).await.assert_status(403);
    staff
        .post(&format!("/topics/{dark_id}/status"), &[("status", "bogus"), ("note", "kept note")])
        .await
        .assert_status(422)
        .assert_contains("Choose one of the statuses.")
        .assert_contains("kept note");
    staff
        .post(&format!("/topics/{dark_id}/status"), &[("status", "planned"), ("note", "Coming in **Q1**.")])
        .await
        .assert_redirect(&format!("{dark}#status"));
    app.get(&dark).await.assert_contains("Planned").assert_contains("<strong>Q1</strong>");
    ann.get("/notifications").await.assert_contains("pmlead changed the status of an idea you follow");
    app.get("/forums/ideas?status=planned").await.assert_contains("Dark mode").assert_lacks("Night theme");

    // Night theme is a duplicate: its votes (once per person) and followers move to Dark mode.
    staff
        .post(
            &format!("/topics/{night_id}/status"),
            &[("status", "duplicate"), ("note", "Same request"), ("duplicate_of", "999999")],
        )
        .await
        .assert_status(422)
        .assert_contains("another idea on this board");
    staff
        .post(
            &format!("/topics/{night_id}/status"),
            &[("status", "duplicate"), ("note", "Same request"), ("duplicate_of", &dark)],
        )
        .await
        .assert_status(303);
    let votes: Vec<i32> = {
        use diesel::prelude::*;
        use plaza::db::schema::ideas;
        ideas::table.order(ideas::topic_id.asc()).select(ideas::vote_count).load(&mut app.conn()).unwrap()
    };
    // Dark mode: ben + cat (ann's vote on Night theme is on her own idea now, so it is not carried).
    assert_eq!(votes[0], 2);
    app.get(&format!("/topics/{night_id}")).await.assert_status(301);
    let night = app.get(&app.get(&format!("/topics/{night_id}")).await.location()).await;
    night
        .assert_contains("This idea was merged into")
        .assert_contains("Dark mode for the desktop app")
        .assert_contains("This topic is locked");
    reply(&cat, &dark_id, "Followers moved here").await;
    app.settle().await;
    ben.get("/notifications").await.assert_contains("cat replied in a topic you follow");

    staff
        .post(&format!("/topics/{dark_id}/status"), &[("status", "adopted"), ("note", "Shipped in 3.1!")])
        .await
        .assert_status(303);
    let adopted = app.get("/forums/ideas/adopted").await;
    adopted.assert_status(200).assert_contains("Dark mode for the desktop app").assert_contains("Shipped in 3.1!");
    let feed = app.get("/forums/ideas/status.atom").await;
    feed.assert_status(200)
        .assert_contains("Dark mode for the desktop app — Adopted")
        .assert_contains("Shipped in 3.1!");
    app.get("/forums/ideas/status.rss").await.assert_status(200).assert_contains("<rss");
    app.get("/forums/ideas")
        .await
        .assert_contains(&format!("href=\"{}/forums/ideas/status.atom\"", crate::helpers::BASE_URL));
    // Closed ideas take no new votes.
    let dan = app.user_browser("dan", Role::Member).await;
    dan.post(&format!("/topics/{dark_id}/vote"), &[("value", "1")])
        .await
        .assert_status(400)
        .assert_contains("closed for voting");
}

#[tokio::test]
async fn admins_add_idea_statuses() {
    let app = spawn().await;
    app.create_board("ideas", "ideas", "everyone", "members");
    let admin = app.user_browser("boss", Role::Admin).await;
    let member = app.user_browser("mia", Role::Member).await;
    member
        .post("/admin/forums/statuses", &[("name_en", "Shipped"), ("name_zh", "已发布"), ("position", "7")])
        .await
        .assert_status(403);
    admin
        .post("/admin/forums/statuses", &[("name_en", ""), ("name_zh", ""), ("position", "x")])
        .await
        .assert_status(422)
        .assert_contains("English name");
    admin
        .post(
            "/admin/forums/statuses",
            &[("name_en", "Shipped"), ("name_zh", "已发布"), ("position", "7"), ("closed", "on")],
        )
        .await
        .assert_redirect("/admin/forums?saved=1");
    admin
        .post("/admin/forums/statuses", &[("name_en", "Shipped"), ("name_zh", "x"), ("position", "8")])
        .await
        .assert_status(422)
        .assert_contains("already exists")
        .assert_contains("value=\"Shipped\"");
    admin.get("/admin/forums").await.assert_contains("Shipped");
    app.get("/forums/ideas?status=shipped").await.assert_status(200).assert_contains("Shipped");
    app.browser.get_with("/forums/ideas", &[("Accept-Language", "zh-CN")]).await.assert_contains("已发布");
}
