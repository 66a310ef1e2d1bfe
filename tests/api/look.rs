//! How pages read: excerpts and descriptions, the header, each board kind's page (issue 14).

use plaza::accounts::Role;

use crate::helpers::{publish, spawn};
use crate::reviews_ideas::{add_product, review};

const PRICES: &str = "Our plans, side by side.\n\n| Plan | Storage | Price |\n|---|---|---|\n| Team | 1 TB | $8 |\n| Business | 5 TB | $15 |\n\nAsk us about larger plans.";

#[tokio::test]
async fn excerpts_and_descriptions_keep_blocks_apart() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let post = publish(&alice, "alice", "Prices", PRICES, "").await;
    let expected =
        "Our plans, side by side. Plan Storage Price · Team 1 TB $8 · Business 5 TB $15 Ask us about larger plans.";
    // The blog's list, the post's description and its feed's summary read the same text.
    app.get("/blogs/alice").await.assert_contains(expected).assert_lacks("PlanStorage");
    app.get(&post).await.assert_contains(&format!(r#"<meta name="description" content="{expected}">"#));
    app.get("/blogs/alice/feed.atom").await.assert_contains(expected);
    // A search snippet too: cells are words, not "TB$15".
    app.settle().await;
    app.get("/search?q=Business").await.assert_contains("Business</mark> 5 TB $15").assert_lacks("TB$15");

    // A long text is cut between words, with an ellipsis.
    let long = "Zürich ".repeat(60);
    let post = publish(&alice, "alice", "Long", &long, "").await;
    let page = app.get(&post).await;
    let description =
        page.body.split(r#"<meta name="description" content=""#).nth(1).unwrap().split('"').next().unwrap();
    assert!(description.ends_with("Zürich…"), "{description}");
    // Chinese is cut between characters.
    let post = publish(&alice, "alice", "长文", &"企业博客为客户提供技术支持。".repeat(30), "").await;
    let page = app.get(&post).await;
    let description =
        page.body.split(r#"<meta name="description" content=""#).nth(1).unwrap().split('"').next().unwrap();
    assert!(description.ends_with('…') && description.chars().count() <= 201, "{description}");
}

#[tokio::test]
async fn rerender_makes_old_excerpts_again() {
    use diesel::prelude::*;
    use plaza::db::schema::contents;
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let post = publish(&alice, "alice", "Prices", PRICES, "").await;
    let id: i64 = app.ids("posts", "content_id")[0];
    // An excerpt stored by the older rule, which ran table cells together.
    plaza::db::write(&mut app.conn(), |tx| {
        diesel::update(contents::table.find(id))
            .set(
                contents::excerpt.eq(
                    "Our plans, side by side. PlanStoragePriceTeam1 TB$8Business5 TB$15 Ask us about larger plans.",
                ),
            )
            .execute(tx.conn())
    })
    .unwrap();
    app.get(&post).await.assert_contains("PlanStoragePrice");
    let stats = plaza::rerender::all(&mut app.conn(), &|_, _| {}).expect("rerender");
    assert_eq!(stats.excerpts, 1);
    app.get(&post).await.assert_lacks("PlanStoragePrice").assert_contains("Plan Storage Price · Team");
    assert_eq!(plaza::rerender::all(&mut app.conn(), &|_, _| {}).expect("again").excerpts, 0);
}

#[tokio::test]
async fn the_header_folds_account_links_into_one_menu() {
    let app = spawn().await;
    // A visitor: the menu's parts and a way in, nothing of an account.
    let home = app.get("/").await;
    home.assert_contains(r##"href="#site-menu""##).assert_contains(r#"id="site-menu""#).assert_lacks("account-menu");
    // A member: notifications stay in the row; profile, following, settings and log out are in the menu.
    let mia = app.user_browser("mia", Role::Member).await;
    let page = mia.get("/").await;
    let menu = page
        .body
        .split(r#"<details class="account-menu">"#)
        .nth(1)
        .expect("account menu")
        .split("</details>")
        .next()
        .unwrap();
    for link in ["/u/mia", "/following", "/settings", "/logout"] {
        assert!(menu.contains(link), "{link} in {menu}");
    }
    assert!(!menu.contains("/admin/users"), "{menu}");
    page.assert_contains(r#"<a href="/notifications" class="notif-link">"#);
    // An admin also finds the admin pages there.
    let boss = app.user_browser("boss", Role::Admin).await;
    let page = boss.get("/").await;
    let menu = page.body.split(r#"<details class="account-menu">"#).nth(1).unwrap().split("</details>").next().unwrap();
    assert!(menu.contains("/admin/users") && menu.contains("/admin/forums"), "{menu}");
}

#[tokio::test]
async fn a_products_rating_summary_comes_before_its_reviews() {
    let app = spawn().await;
    let board = app.create_board("reviews", "reviews", "everyone", "members");
    add_product(&app, board, "Plaza Cloud", "plaza-cloud");
    let mia = app.user_browser("mia", Role::Member).await;
    review(&mia, "plaza-cloud", "4", "Solid").await.assert_status(303);
    let page = app.get("/forums/reviews/products/plaza-cloud").await;
    let summary = page.body.find(r#"id="h-rating""#).expect("summary");
    let reviews = page.body.find(r#"id="h-reviews""#).expect("reviews");
    assert!(summary < reviews, "a phone reads the summary first");
}

#[tokio::test]
async fn sitemaps_and_feeds_are_never_not_modified_while_stale() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let (path, id) = crate::helpers::start_topic(&mia, "general", "Going away soon", "Body.").await;
    crate::helpers::start_topic(&mia, "general", "Staying", "Body.").await;
    let part = app.get("/sitemap-topics-0.xml").await;
    part.assert_status(200).assert_contains(&path);
    let since = part.header("last-modified");
    // The directories say when they last changed: /forums follows forum activity.
    let pages = app.get("/sitemap-pages.xml").await;
    assert!(pages.body.contains("/forums</loc><lastmod>"), "{}", pages.body);
    // Asked again unchanged: not modified.
    app.browser.get_with("/sitemap-topics-0.xml", &[("If-Modified-Since", &since)]).await.assert_status(304);
    let feed = app.get("/forums/general/feed.atom").await;
    let feed_since = feed.header("last-modified");
    // Deleting a topic leaves no newer date on the others, yet the files changed.
    mia.post(&format!("/topics/{id}/delete"), &[]).await.assert_status(303);
    app.browser
        .get_with("/sitemap-topics-0.xml", &[("If-Modified-Since", &since)])
        .await
        .assert_status(200)
        .assert_lacks(&path);
    app.browser
        .get_with("/forums/general/feed.atom", &[("If-Modified-Since", &feed_since)])
        .await
        .assert_status(200)
        .assert_lacks("Going away soon");
}

#[tokio::test]
async fn pages_past_the_end_are_not_found() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let post = publish(&alice, "alice", "Findable words", "Plaza findable text.", "").await;
    app.settle().await;
    app.get("/search?q=findable").await.assert_status(200).assert_contains(&post);
    app.get("/search?q=findable&page=999").await.assert_status(404);
    alice.get("/notifications?page=999").await.assert_status(404);
    alice.get("/notifications").await.assert_status(200);
}

#[tokio::test]
async fn a_topics_feed_starts_with_its_opening_post() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let (_, id) = crate::helpers::start_topic(&mia, "general", "Sync stalls", "The opening words of the topic.").await;
    crate::helpers::reply(&bob, &id, "A first reply.").await;
    let feed = app.get(&format!("/topics/{id}/feed.atom")).await;
    feed.assert_status(200).assert_contains("The opening words of the topic.").assert_contains("A first reply.");
    // Newest first, so the opening post is the last entry, as the oldest.
    let opening = feed.body.find("The opening words").unwrap();
    let reply = feed.body.find("A first reply.").unwrap();
    assert!(reply < opening, "{}", feed.body);
    assert_eq!(feed.body.matches("<entry>").count(), 2);
    // RSS too.
    app.get(&format!("/topics/{id}/feed.rss")).await.assert_contains("The opening words of the topic.");
}

#[tokio::test]
async fn the_opensearch_icon_and_the_header_icon_exist() {
    let app = spawn().await;
    let xml = app.get("/opensearch.xml").await;
    let icon = xml.body.split("<Image").nth(1).unwrap().split('>').nth(1).unwrap().split('<').next().unwrap();
    let icon = icon.strip_prefix(crate::helpers::BASE_URL).expect("a site address");
    app.get(icon).await.assert_status(200).assert_contains("<svg");
    // The stylesheet's mask for the notifications icon resolves next to it.
    app.get("/static/bell.svg").await.assert_status(200).assert_contains("<svg");
}

#[tokio::test]
async fn notifications_say_what_they_are_about() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let carl = app.user_browser("carl", Role::Member).await;
    alice
        .post("/settings", &[("display_name", ""), ("bio", ""), ("locale", "en"), ("email_notifications", "on")])
        .await
        .assert_status(303);
    let post = publish(&alice, "alice", "Introducing Plaza Cloud 3.0", "Big news.", "").await;
    let id = crate::helpers::post_id(&alice.get(&post).await.body);
    carl.post(&format!("/posts/{id}/comments"), &[("body", "Congratulations on the launch!")]).await.assert_status(303);
    alice
        .get("/notifications")
        .await
        .assert_contains("carl commented on your post “Introducing Plaza Cloud 3.0”")
        .assert_contains("Congratulations on the launch!");
    // In the forums: a reply names its topic, in both languages.
    app.create_board("general", "discussion", "everyone", "members");
    let (_, id) = crate::helpers::start_topic(&alice, "general", "同步延迟", "正文。").await;
    crate::helpers::reply(&carl, &id, "我也遇到了").await;
    alice.get("/notifications").await.assert_contains("carl replied to your topic “同步延迟”");
    alice.post("/lang", &[("lang", "zh-CN"), ("next", "/")]).await;
    alice.get("/notifications").await.assert_contains("carl 回复了你的主题“同步延迟”");
    // A title with quotes of its own is not quoted in quotes of the same kind.
    let (_, id) = crate::helpers::start_topic(&alice, "general", "关于“离线同步”的问题", "正文。").await;
    crate::helpers::reply(&carl, &id, "同样的问题").await;
    alice.get("/notifications").await.assert_contains("carl 回复了你的主题“关于‘离线同步’的问题”");
    // And the e-mail copy says it too.
    let mails = app.mails_to("alice@example.com");
    assert!(
        mails.iter().any(|(subject, _)| subject.contains("commented on your post “Introducing Plaza Cloud 3.0”")),
        "{mails:?}"
    );
}

#[tokio::test]
async fn each_board_kind_looks_like_what_it_is() {
    let app = spawn().await;
    let reviews = app.create_board("reviews", "reviews", "everyone", "members");
    app.create_board("help", "questions", "everyone", "members");
    app.create_board("news", "discussion", "everyone", "members");
    app.create_board("ideas", "ideas", "everyone", "members");
    add_product(&app, reviews, "Plaza Cloud", "plaza-cloud");
    let mia = app.user_browser("mia", Role::Member).await;
    review(&mia, "plaza-cloud", "4", "Solid sync").await.assert_status(303);
    // A review list shows the stars and the product.
    app.get("/forums/reviews")
        .await
        .assert_contains(r#"aria-label="Rated 4 out of 5">★★★★☆</span>"#)
        .assert_contains(r#"<a href="/forums/reviews/products/plaza-cloud">Plaza Cloud</a>"#);
    // Unanswered / Answered belong to questions only.
    app.get("/forums/help").await.assert_contains("?filter=unanswered");
    app.get("/forums/news").await.assert_lacks("?filter=unanswered");
    app.get("/forums/reviews").await.assert_lacks("?filter=unanswered");
    // Forms are titled by what they make.
    mia.get("/forums/help/new")
        .await
        .assert_contains("<h1>Ask a question</h1>")
        .assert_contains("<title>Ask a question");
    mia.get("/forums/ideas/new").await.assert_contains("<h1>Suggest an idea</h1>");
    mia.get("/forums/reviews/new").await.assert_contains("<h1>Write a review</h1>");
    mia.get("/forums/news/new").await.assert_contains("<h1>Start a topic</h1>");
    // Idea statuses each in their own colour; the sort is apart from the status filters.
    let (_, _) = crate::helpers::start_topic(&mia, "ideas", "Dark mode for the app", "Please.").await;
    let ideas = app.get("/forums/ideas").await;
    ideas
        .assert_contains(r#"class="badge status-pill status-new">New</span>"#)
        .assert_contains(r#"class="status-pill status-planned""#)
        .assert_contains(r#"aria-label="Sort""#)
        .assert_contains(r#"aria-label="Status""#);
}

#[tokio::test]
async fn an_accepted_staff_answer_carries_two_badges_not_three() {
    let app = spawn().await;
    app.create_board("help", "questions", "everyone", "members");
    let asker = app.user_browser("asker", Role::Member).await;
    let staff = app.user_browser("agent", Role::Employee).await;
    let (path, id) = crate::helpers::start_topic(&asker, "help", "How do I reset?", "Lost it.").await;
    let (_, answer) = crate::helpers::reply(&staff, &id, "Use the reset link.").await;
    app.get(&path).await.assert_contains("Staff answer");
    asker.post(&format!("/topics/{id}/accept"), &[("reply", &answer)]).await.assert_redirect(&path);
    let page = app.get(&path).await;
    let post = page.body.split(&format!(r#"id="r{answer}""#)).nth(1).unwrap_or(&page.body).to_string();
    let head = post.split("</p>").next().unwrap();
    assert!(head.contains("Accepted answer") && head.contains(">Staff<"), "{head}");
    assert!(!head.contains("Staff answer"), "{head}");
}

/// The JSON-LD objects of a page, parsed (each `<script type="application/ld+json">`).
fn json_ld(body: &str) -> Vec<serde_json::Value> {
    body.split(r#"<script type="application/ld+json">"#)
        .skip(1)
        .map(|s| serde_json::from_str(s.split("</script>").next().unwrap()).expect("valid JSON"))
        .collect()
}

fn of_type<'a>(all: &'a [serde_json::Value], t: &str) -> &'a serde_json::Value {
    all.iter().find(|v| v["@type"] == t).unwrap_or_else(|| panic!("no {t} in {all:?}"))
}

/// What search engines require of each type (Google's structured data rules): present and
/// not empty.
fn require(v: &serde_json::Value, paths: &[&str]) {
    for path in paths {
        let mut at = v;
        for part in path.split('.') {
            at = &at[part];
        }
        let empty = at.is_null() || at.as_str() == Some("") || at.as_array().is_some_and(|a| a.is_empty());
        assert!(!empty, "{path} missing in {v:#}");
    }
}

fn breadcrumbs_end_at(all: &[serde_json::Value], last: &str) {
    let trail = of_type(all, "BreadcrumbList");
    assert_eq!(trail["@context"], "https://schema.org");
    let items = trail["itemListElement"].as_array().unwrap();
    for (i, item) in items.iter().enumerate() {
        assert_eq!(item["position"], i + 1);
        require(item, &["name", "item"]);
    }
    assert!(items.last().unwrap()["item"].as_str().unwrap().ends_with(last), "{trail:#}");
}

#[tokio::test]
async fn content_pages_describe_themselves_to_search_engines() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let post = publish(&alice, "alice", "企业博客上线了", "欢迎来到我们的企业博客。", "news").await;
    // A blog post: BlogPosting with its author, the company as publisher, its dates.
    let page = app.get(&post).await;
    let all = json_ld(&page.body);
    let posting = of_type(&all, "BlogPosting");
    assert_eq!(posting["@context"], "https://schema.org");
    require(
        posting,
        &["headline", "author.name", "author.url", "datePublished", "dateModified", "publisher.name", "url"],
    );
    assert_eq!(posting["inLanguage"], "zh-CN");
    breadcrumbs_end_at(&all, &post);
    // og:locale follows the content, not the English interface; the dates and the card are there.
    page.assert_contains(r#"<meta property="og:locale" content="zh_CN">"#)
        .assert_contains(r#"<meta property="article:published_time" content=""#)
        .assert_contains(r#"<meta name="twitter:card" content="summary">"#);

    // A discussion: DiscussionForumPosting with its replies as comments.
    app.create_board("general", "discussion", "everyone", "members");
    let bob = app.user_browser("bob", Role::Member).await;
    let (path, id) = crate::helpers::start_topic(&bob, "general", "Sync stalls at night", "Every night at 2.").await;
    crate::helpers::reply(&alice, &id, "We are looking into it.").await;
    let all = json_ld(&app.get(&path).await.body);
    let topic = of_type(&all, "DiscussionForumPosting");
    require(topic, &["headline", "text", "author.name", "datePublished", "url", "comment"]);
    require(&topic["comment"][0], &["text", "author.name", "datePublished"]);
    breadcrumbs_end_at(&all, &path);

    // A question: QAPage whose Question has its accepted answer.
    app.create_board("help", "questions", "everyone", "members");
    let (qpath, qid) = crate::helpers::start_topic(&bob, "help", "How do I reset my password?", "Lost it.").await;
    let (_, answer) = crate::helpers::reply(&alice, &qid, "Use the reset link on the sign-in page.").await;
    let all = json_ld(&app.get(&qpath).await.body);
    let question = &of_type(&all, "QAPage")["mainEntity"];
    assert_eq!(question["@type"], "Question");
    require(question, &["name", "text", "author.name", "dateCreated", "answerCount", "suggestedAnswer"]);
    bob.post(&format!("/topics/{qid}/accept"), &[("reply", &answer)]).await.assert_status(303);
    let all = json_ld(&app.get(&qpath).await.body);
    let question = &of_type(&all, "QAPage")["mainEntity"];
    require(
        question,
        &["acceptedAnswer.text", "acceptedAnswer.author.name", "acceptedAnswer.url", "acceptedAnswer.dateCreated"],
    );
    assert!(question["acceptedAnswer"]["text"].as_str().unwrap().contains("reset link"));

    // A product: Product with AggregateRating and its reviews; a review page: Review.
    let board = app.create_board("reviews", "reviews", "everyone", "members");
    add_product(&app, board, "Plaza Cloud", "plaza-cloud");
    review(&bob, "plaza-cloud", "4", "Solid sync").await.assert_status(303);
    let all = json_ld(&app.get("/forums/reviews/products/plaza-cloud").await.body);
    let product = of_type(&all, "Product");
    require(product, &["name", "aggregateRating.ratingValue", "aggregateRating.reviewCount", "review"]);
    require(&product["review"][0], &["author.name", "reviewRating.ratingValue", "datePublished"]);
    breadcrumbs_end_at(&all, "/forums/reviews/products/plaza-cloud");
    let list = app.get("/forums/reviews").await;
    let review_path =
        list.body.split(r#"<a class="topic-title" href=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
    let all = json_ld(&app.get(&review_path).await.body);
    let r = of_type(&all, "Review");
    require(r, &["itemReviewed.name", "reviewRating.ratingValue", "author.name", "datePublished", "reviewBody"]);
    assert_eq!(r["reviewRating"]["ratingValue"], 4);
}

#[tokio::test]
async fn empty_places_are_quiet_for_visitors_and_inviting_for_owners() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    // A staff blog with nothing published: not in the directory, quiet on its page.
    alice.get("/blogs/alice").await.assert_status(200).assert_contains("Your first post is one click away");
    app.get("/blogs").await.assert_lacks("/blogs/alice\"");
    let visitor = app.get("/blogs/alice").await;
    visitor.assert_lacks("No links yet").assert_lacks("Your first post").assert_lacks("Blogroll");
    // A profile with nothing: no "0 accepted answers · 0 likes received", no empty sections.
    let profile = app.get("/u/alice").await;
    profile
        .assert_lacks("0 accepted answers")
        .assert_lacks("0 likes")
        .assert_lacks("No forum topics yet")
        .assert_contains("has not posted anything public yet");
    alice.get("/u/alice").await.assert_contains("This is your profile");
    // Once there is something, it shows, and the directory lists the blog.
    publish(&alice, "alice", "Hello", "First words.", "").await;
    app.get("/blogs").await.assert_contains("/blogs/alice\"");
    app.get("/u/alice").await.assert_contains("Hello").assert_lacks("has not posted anything");
    // A topic without replies has no loud "No replies" heading.
    app.create_board("general", "discussion", "everyone", "members");
    let (path, _) = crate::helpers::start_topic(&alice, "general", "Quiet topic", "Body.").await;
    // Nor "0 likes" or "0 views" for its first visitor.
    app.get(&path).await.assert_lacks(">No replies</h2>").assert_lacks("0 likes").assert_lacks("0 views");
}

#[tokio::test]
async fn a_posts_side_follows_its_blogs_other_posts() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let first = publish(&alice, "alice", "Side A", "First.", "").await;
    publish(&alice, "alice", "Secret B title", "Second.", "").await;
    app.get(&first).await.assert_contains("Secret B title");
    app.get(&first).await.assert_contains("Secret B title");
    // Withdrawn: the visitor's kept copy of the other post's page forgets it at once.
    let id = app.ids("posts", "content_id")[1];
    plaza::db::write(&mut app.conn(), |tx| plaza::content::delete(tx, id)).unwrap();
    app.settle().await;
    app.get(&first).await.assert_lacks("Secret B title");
}

/// The `content` of the first `<meta property="{property}">` of a page.
fn meta_property<'a>(body: &'a str, property: &str) -> Option<&'a str> {
    body.split(&format!(r#"<meta property="{property}" content=""#)).nth(1).and_then(|s| s.split('"').next())
}

/// The site's look as a test sets it: every text field, and pictures.
async fn save_look(
    b: &crate::helpers::Browser,
    fields: &[(&str, &str)],
    files: &[(&str, &str, Vec<u8>, &str)],
) -> crate::helpers::Page {
    let mut all: Vec<(&str, &str)> = vec![
        ("accent", ""),
        ("accent_dark", ""),
        ("footer_en", ""),
        ("footer_zh", ""),
        ("sections", "company\nforums"),
    ];
    for (k, v) in fields {
        all.retain(|(f, _)| f != k);
        all.push((k, v));
    }
    b.upload("/admin/site", &all, files, &[]).await
}

#[tokio::test]
async fn admins_give_the_site_the_companys_look() {
    let app = spawn().await;
    let admin = app.user_browser("siteadmin", Role::Admin).await;
    let member = app.user_browser("carl", Role::Member).await;
    member.get("/admin/site").await.assert_status(403);
    app.get("/admin/site").await.assert_redirect("/login?next=%2Fadmin%2Fsite");
    // Plaza's own look: no stylesheet of the site's, Plaza's favicon.
    let home = app.get("/").await;
    home.assert_lacks("/look/").assert_contains("favicon").assert_lacks("class=\"logo\"");
    admin.get("/admin/site").await.assert_status(200).assert_contains("own blue is used");

    let logo = crate::media::png(240, 60);
    let icon = crate::media::png(64, 64);
    let saved = save_look(
        &admin,
        &[
            ("accent", "#0B6B4F"),
            ("footer_en", "Plaza Inc., 1 Harbour Street · [Terms](/blog)"),
            ("footer_zh", "普拉扎公司，港口街 1 号"),
            ("sections", "forums\ncompany, tags"),
        ],
        &[("logo", "logo.png", logo, "image/png"), ("favicon", "icon.png", icon, "image/png")],
    )
    .await;
    saved.assert_redirect("/admin/site?saved=1");
    let look = app.text("SELECT value FROM site_settings WHERE key = 'site_look'");
    let stored: serde_json::Value = serde_json::from_str(&look).unwrap();
    let (logo_id, icon_id) = (stored["logo"].as_i64().unwrap(), stored["favicon"].as_i64().unwrap());
    assert_eq!(stored["accent"], "#0b6b4f");

    // Every page carries it, for visitors (whose pages are kept) and members alike.
    for page in [app.get("/").await, app.get("/blogs").await, member.get("/forums").await] {
        page.assert_status(200)
            .assert_contains(&format!(r#"<img class="logo" src="/media/{logo_id}/thumb" alt="">"#))
            .assert_contains(&format!(r#"<link rel="icon" href="/media/{icon_id}/thumb""#))
            .assert_contains(r#"<link rel="stylesheet" href="/look/"#)
            .assert_contains("Plaza Inc., 1 Harbour Street · <a href=\"/blog\" rel=\"noopener\">Terms</a>");
        // A page without a picture of its own is previewed with the logo.
        assert_eq!(
            meta_property(&page.body, "og:image").unwrap(),
            format!("{}/media/{logo_id}/large", crate::helpers::BASE_URL),
            "{}",
            page.body.len()
        );
    }
    // The logo and favicon are everyone's to see.
    app.get(&format!("/media/{logo_id}/thumb")).await.assert_status(200);
    app.get(&format!("/media/{icon_id}/thumb")).await.assert_status(200);
    // The stylesheet: the accent on light pages, a lighter shade on dark ones, kept for a year.
    let home = app.get("/").await;
    let href =
        home.body.split(r#"<link rel="stylesheet" href=""#).nth(2).unwrap().split('"').next().unwrap().to_string();
    let css = app.get(&href).await;
    css.assert_status(200).assert_contains("--accent:#0b6b4f;--accent-text:#ffffff;");
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.header("cache-control").contains("immutable"), "{} {href}", css.header("cache-control"));
    let dark = css.body.split("prefers-color-scheme: dark").nth(1).unwrap();
    assert!(!dark.contains("#0b6b4f") && dark.contains("--accent:#"), "{}", css.body);
    // The home page's sections in the order chosen; the ones left out are gone.
    let forums = home.body.find(r#"id="h-forums""#).unwrap();
    let company = home.body.find(r#"id="h-company""#).unwrap();
    assert!(home.body.find(r#"id="h-tags""#).is_some());
    home.assert_lacks(r#"id="h-staff""#).assert_lacks(r#"id="h-community""#).assert_lacks(r#"id="h-follow""#);
    // Forums and tags are the side column's: the main column starts with the company's news.
    assert!(company < forums, "main column first");
    // The Chinese footer for readers of Chinese.
    let zh = app.new_browser();
    zh.post("/lang", &[("lang", "zh-CN"), ("next", "/")]).await;
    zh.get("/").await.assert_contains("普拉扎公司，港口街 1 号").assert_lacks("1 Harbour Street");

    // The admin page shows what is in force, and removing the logo brings the name back.
    admin
        .get("/admin/site")
        .await
        .assert_contains("Light pages: #0b6b4f")
        .assert_contains(&format!(r#"src="/media/{logo_id}/thumb""#))
        .assert_contains("forums\ncompany\ntags</textarea>");
    save_look(&admin, &[("accent", "#0b6b4f"), ("remove_logo", "on"), ("sections", "company")], &[])
        .await
        .assert_redirect("/admin/site?saved=1");
    let home = app.get("/").await;
    home.assert_lacks("class=\"logo\"")
        .assert_contains(r#"<a class="brand" href="/">"#)
        .assert_lacks(r#"id="h-forums""#);
    assert!(meta_property(&home.body, "og:image").is_none());
    // The old logo is no longer shown to everyone (it is its uploader's library item again).
    app.get(&format!("/media/{logo_id}/thumb")).await.assert_status(404);
    // Side sections alone take the whole width (no empty main column).
    save_look(&admin, &[("sections", "tags\nforums")], &[]).await.assert_redirect("/admin/site?saved=1");
    app.get("/").await.assert_contains(r#"<div class="home-grid single">"#).assert_contains(r#"id="h-tags""#);
}

#[tokio::test]
async fn the_logo_and_favicon_cannot_be_deleted_while_the_site_shows_them() {
    let app = spawn().await;
    let admin = app.user_browser("siteadmin", Role::Admin).await;
    let logo = crate::media::png(240, 60);
    let icon = crate::media::png(64, 64);
    save_look(&admin, &[], &[("logo", "logo.png", logo, "image/png"), ("favicon", "icon.png", icon, "image/png")])
        .await
        .assert_redirect("/admin/site?saved=1");
    let look = app.text("SELECT value FROM site_settings WHERE key = 'site_look'");
    let stored: serde_json::Value = serde_json::from_str(&look).unwrap();
    let (logo_id, icon_id) = (stored["logo"].as_i64().unwrap(), stored["favicon"].as_i64().unwrap());
    // The library says what they are and offers no delete button.
    let library = admin.get("/media").await;
    library.assert_contains("the site&#39;s logo").assert_contains("the site&#39;s favicon");
    library.assert_lacks(&format!("/media/{logo_id}/delete")).assert_lacks(&format!("/media/{icon_id}/delete"));
    // A delete sent anyway (a stale page) is refused with the reason, and nothing is lost.
    for id in [logo_id, icon_id] {
        admin
            .post(&format!("/media/{id}/delete"), &[])
            .await
            .assert_status(409)
            .assert_contains("is the site&#39;s logo or favicon, so it cannot be deleted");
        app.get(&format!("/media/{id}/thumb")).await.assert_status(200);
    }
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM media"), 2);
    // Once the site shows another, it is the admin's to delete.
    save_look(&admin, &[("remove_logo", "on")], &[]).await.assert_redirect("/admin/site?saved=1");
    admin.post(&format!("/media/{logo_id}/delete"), &[]).await.assert_redirect("/media?msg=deleted");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM media"), 1);
    app.get("/").await.assert_status(200).assert_lacks("class=\"logo\"");
}

#[tokio::test]
async fn a_members_files_for_the_admins_page_are_refused_before_they_are_read() {
    let app = spawn().await;
    let member = app.user_browser("carl", Role::Member).await;
    let token = member.token().await;
    // A body that stops in the middle of a file: a server that read it would say it is broken
    // (400); one that refuses at once says 403 without reading a byte of it.
    let body = "--XyZ\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"l.png\"\r\n\
                Content-Type: image/png\r\n\r\n\u{89}PNG half a picture";
    // The same address with a letter written encoded is the same page (the router decodes it).
    for path in ["/admin/site", "/%61dmin/site"] {
        let res = member
            .client
            .post(format!("{}{path}", member.addr))
            .header("Content-Type", "multipart/form-data; boundary=XyZ")
            .header("X-CSRF-Token", &token)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 403, "{path}");
    }
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM media"), 0);
}

#[tokio::test]
async fn bad_looks_are_refused_and_the_form_is_kept() {
    let app = spawn().await;
    let admin = app.user_browser("siteadmin", Role::Admin).await;
    let typed = [("footer_en", "Our address: 9 Quay Road"), ("sections", "company\ntags")];
    let with = |extra: (&'static str, &'static str)| {
        let mut f = typed.to_vec();
        f.push(extra);
        f
    };
    // Not a colour.
    save_look(&admin, &with(("accent", "banana")), &[])
        .await
        .assert_status(422)
        .assert_contains("“banana” is not a colour")
        .assert_contains("Our address: 9 Quay Road</textarea>")
        .assert_contains(r#"value="banana""#);
    // A colour too pale to read on a light page, with the nearest shade that passes.
    let pale = save_look(&admin, &with(("accent", "#ffd400")), &[]).await;
    pale.assert_status(422)
        .assert_contains("hard to read on the light page")
        .assert_contains("Our address: 9 Quay Road");
    let shade = pale.body.split("The nearest darker shade that passes is ").nth(1).unwrap()[..7].to_string();
    // A dark accent too dark for dark pages; and a dark one alone.
    save_look(&admin, &with(("accent_dark", "#202020")), &[]).await.assert_status(422);
    let mut both = with(("accent", "#0b6b4f"));
    both.push(("accent_dark", "#202020"));
    save_look(&admin, &both, &[]).await.assert_status(422).assert_contains("hard to read on a dark page");
    // An unknown section, or one twice.
    save_look(&admin, &[("footer_en", "Our address: 9 Quay Road"), ("sections", "company\nweather")], &[])
        .await
        .assert_status(422)
        .assert_contains("There is no section called “weather”")
        .assert_contains("company\nweather</textarea>")
        .assert_contains("Our address: 9 Quay Road");
    save_look(&admin, &[("sections", "tags tags")], &[]).await.assert_status(422).assert_contains("named twice");
    // A name with an invisible character is quoted with it written out (it looks like a known one).
    save_look(&admin, &[("sections", "company\u{200b}")], &[])
        .await
        .assert_status(422)
        .assert_contains("There is no section called “company\\u{200b}”");
    // A logo that is not a picture (a text, and a sound), refused before anything is stored.
    let media_before = app.count("media");
    for (bytes, mime) in [(b"just some words".to_vec(), "image/png"), (crate::media::mp3(), "audio/mpeg")] {
        save_look(&admin, &typed, &[("logo", "logo.png", bytes, mime)])
            .await
            .assert_status(422)
            .assert_contains("choose the pictures again")
            .assert_contains("Our address: 9 Quay Road</textarea>");
    }
    // A good logo with a bad colour: nothing stored, the logo to choose again.
    save_look(&admin, &with(("accent", "banana")), &[("logo", "logo.png", crate::media::png(120, 40), "image/png")])
        .await
        .assert_status(422)
        .assert_contains("choose the pictures again");
    assert_eq!(app.count("media"), media_before);
    // Nothing was saved by any of them.
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM site_settings WHERE key = 'site_look'"), 0);
    app.get("/").await.assert_lacks("/look/");
    // The suggested shade passes; a file sent in a field the form does not have is not stored.
    save_look(
        &admin,
        &with(("accent", Box::leak(shade.into_boxed_str()))),
        &[("avatar", "me.png", crate::media::png(64, 64), "image/png")],
    )
    .await
    .assert_redirect("/admin/site?saved=1");
    assert_eq!(app.count("media"), media_before);
    app.get("/")
        .await
        .assert_contains(r#"<link rel="stylesheet" href="/look/"#)
        .assert_contains("Our address: 9 Quay Road");
}

#[tokio::test]
async fn another_process_shows_the_new_look_as_soon_as_it_hears_of_it() {
    let app = spawn().await;
    let admin = app.user_browser("siteadmin", Role::Admin).await;
    let (other, other_cache) = app.second_server().await;
    // The other process has read the look (Plaza's own) and keeps a visitor's page.
    other.get("/tags").await.assert_status(200).assert_lacks("9 Quay Road");
    save_look(&admin, &[("footer_en", "Our address: 9 Quay Road")], &[]).await.assert_redirect("/admin/site?saved=1");
    // It hears of the change (its follower does this twice a second): the page it makes next,
    // and keeps, is made with the new look, not from its copy of the old one.
    other_cache.catch_up(&mut app.conn()).unwrap();
    other.get("/tags").await.assert_contains("9 Quay Road");
    other.get("/tags").await.assert_contains("9 Quay Road");
}
