use plaza::accounts::Role;

use crate::helpers::{BASE_URL, editor, publish, spawn};

#[tokio::test]
async fn home_shows_company_staff_community_and_popular_tags() {
    let app = spawn().await;
    let admin_id = app.create_user("boss", Role::Admin);
    app.make_enterprise_author(admin_id);
    let boss = app.new_browser();
    boss.login_ok("boss").await;
    publish(&boss, "company", "Company announcement", "Body", "news").await;
    let alice = app.user_browser("alice", Role::Employee).await;
    publish(&alice, "alice", "Staff tip", "Body", "news, tips").await;
    let home = app.get("/").await;
    home.assert_status(200)
        .assert_contains("Company announcement")
        .assert_contains("Staff tip")
        .assert_contains("Company news")
        .assert_contains("From our staff")
        .assert_contains("From the community")
        .assert_contains("Popular tags")
        .assert_contains("href=\"/tags/news\"");
    let company = home.body.find("Company announcement").unwrap();
    let staff_heading = home.body.find("From our staff").unwrap();
    let staff = home.body.find("Staff tip").unwrap();
    assert!(company < staff_heading && staff_heading < staff);
}

#[tokio::test]
async fn demo_content_fills_an_empty_site() {
    let app = spawn().await;
    let summary = plaza::seed::seed_demo(&mut app.conn(), &app.settings).unwrap();
    assert!(summary.contains("8 posts"), "{summary}");
    let home = app.get("/").await;
    home.assert_contains("Introducing Plaza Cloud 3.0")
        .assert_contains("企业博客上线了")
        .assert_contains("Trial report")
        .assert_contains("深度评测");
    let dir = app.get("/blogs").await;
    for blog in ["/blogs/alice", "/blogs/wangwei", "/blogs/maria", "/blogs/zhangmin", "/blogs/tom-becker"] {
        dir.assert_contains(blog);
    }
    app.get("/blog/introducing-plaza-cloud-3-0").await.assert_contains("Cited by").assert_contains("4 comments");
    app.new_browser().login_ok_with("siteadmin", plaza::seed::DEMO_PASSWORD).await;
    app.get("/")
        .await
        .assert_contains("In the forums")
        .assert_contains("Can I limit upload bandwidth")
        .assert_lacks("Staff room");
    let forums = app.get("/forums").await;
    forums.assert_contains("Questions &#38; answers").assert_contains("Product reviews").assert_lacks("Staff room");
    app.get("/forums/reviews/products/plaza-cloud-3").await.assert_contains("4.0").assert_contains("3 reviews");
    app.get("/forums/ideas").await.assert_contains("Dark mode for the desktop app").assert_contains("3 votes");
    let magazine = app.get("/magazine").await;
    magazine.assert_contains("Working together").assert_contains("远程团队的一天").assert_lacks("Security, plainly");
    app.get("/magazine/2").await.assert_status(404);
    // Only an empty site is filled.
    assert!(plaza::seed::seed_demo(&mut app.conn(), &app.settings).is_err());
}

#[tokio::test]
async fn pages_have_title_canonical_and_open_graph() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let cover = crate::media::upload_one(&alice, "cover.png", crate::media::png(1200, 600), "image/png").await;
    let cover = format!("/media/{cover}");
    let path = editor(
        &alice,
        "/write",
        &[("title", "Meta & more"), ("body", "A description of *things*."), ("cover_url", &cover)],
    )
    .await
    .location();
    let page = app.get(&path).await;
    page.assert_contains("<title>Meta &#38; more · Plaza</title>")
        .assert_contains(&format!("<link rel=\"canonical\" href=\"{BASE_URL}{path}\">"))
        .assert_contains("<meta property=\"og:title\" content=\"Meta &#38; more\">")
        .assert_contains("<meta property=\"og:type\" content=\"article\">")
        .assert_contains(&format!("<meta property=\"og:url\" content=\"{BASE_URL}{path}\">"))
        .assert_contains("<meta property=\"og:description\" content=\"A description of things.\">")
        .assert_contains(&format!("<meta property=\"og:image\" content=\"{BASE_URL}{cover}\">"))
        .assert_contains("<meta name=\"description\"");
    let home = app.get("/").await;
    home.assert_contains("<title>Plaza</title>")
        .assert_contains(&format!("<link rel=\"canonical\" href=\"{BASE_URL}/\">"));
    for p in ["/blogs", "/tags", "/blog", "/login", "/register", "/u/alice"] {
        let page = app.get(p).await;
        page.assert_status(200).assert_contains("<link rel=\"canonical\"").assert_contains("og:title");
        assert!(page.body.contains("<title>") && page.body.contains(" · Plaza</title>"), "{p}");
    }
}

#[tokio::test]
async fn sitemap_and_robots() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let path = publish(&alice, "alice", "Indexed post", "Body", "seo").await;
    let sitemap = app.sitemap().await;
    sitemap
        .assert_status(200)
        .assert_contains("<urlset")
        .assert_contains(&format!("<loc>{BASE_URL}{path}</loc>"))
        .assert_contains(&format!("<loc>{BASE_URL}/tags/seo</loc>"))
        .assert_contains(&format!("<loc>{BASE_URL}/blogs/alice</loc>"));
    let robots = app.get("/robots.txt").await;
    robots
        .assert_status(200)
        .assert_contains(&format!("Sitemap: {BASE_URL}/sitemap.xml"))
        .assert_contains("Disallow: /admin/")
        .assert_contains("Disallow: /search");
}

#[tokio::test]
async fn unknown_pages_get_a_real_404_in_the_layout() {
    let app = spawn().await;
    app.create_user("someone", Role::Member);
    for path in [
        "/no/such/page",
        "/blogs/nobody",
        "/blogs/nobody/post",
        "/blog/missing",
        "/posts/123456",
        "/posts/abc",
        "/u/ghost",
        "/tags/ghost",
        "/static/nope.css",
        "/comments/1/edit",
    ] {
        let page = app.get(path).await;
        if path == "/comments/1/edit" {
            page.assert_redirect("/login?next=%2Fcomments%2F1%2Fedit");
            continue;
        }
        page.assert_status(404);
        if path != "/static/nope.css" {
            page.assert_contains("Page not found")
                .assert_contains("class=\"site-header\"")
                .assert_contains("Go to the home page");
        }
    }
    // Wrong method on a known path is also a page, not a bare error.
    app.browser
        .client
        .delete(format!("{}/blogs", app.addr))
        .send()
        .await
        .map(|r| assert!(r.status().is_client_error()))
        .unwrap();
}

#[tokio::test]
async fn internal_errors_get_a_500_page_without_details() {
    let app = spawn().await;
    app.create_user("someone", Role::Member);
    // Break the database under the running app.
    {
        use diesel::prelude::*;
        diesel::sql_query("DROP TABLE tag_counts").execute(&mut app.conn()).unwrap();
    }
    let page = app.get("/tags").await;
    page.assert_status(500)
        .assert_contains("Something went wrong")
        .assert_contains("class=\"site-header\"")
        .assert_lacks("tag_counts")
        .assert_lacks("no such table");
}

#[tokio::test]
async fn static_assets_are_cached_and_the_css_has_dark_mode() {
    let app = spawn().await;
    let home = app.get("/register").await;
    // A hashed file name: a new stylesheet is a new address, so the old one is kept for a year.
    let start = home.body.find("/static/plaza.").unwrap();
    let url: String = home.body[start..].chars().take_while(|c| *c != '"').collect();
    let hash = url.trim_start_matches("/static/plaza.").trim_end_matches(".css");
    assert!(url.ends_with(".css") && hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{url}");
    let css = app.get(&url).await;
    css.assert_status(200).assert_contains("prefers-color-scheme: dark").assert_contains("@media (max-width: 600px)");
    assert!(css.header("cache-control").contains("immutable"));
    assert!(css.header("content-type").starts_with("text/css"));
    let etag = css.header("etag");
    app.browser.get_with(&url, &[("If-None-Match", &etag)]).await.assert_status(304);
    // Stored compressed: brotli and gzip as the browser accepts, smaller than the file.
    for (accept, coding) in [("br", "br"), ("gzip", "gzip"), ("br;q=0, gzip", "gzip")] {
        let res = reqwest::Client::new()
            .get(format!("{}{url}", app.addr))
            .header("Accept-Encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["content-encoding"], coding, "{accept}");
        assert!(res.bytes().await.unwrap().len() < css.body.len() / 2, "{accept}");
    }
    // The plain name still answers (links from before), briefly cached.
    let plain = app.get("/static/plaza.css").await;
    plain.assert_status(200);
    assert!(!plain.header("cache-control").contains("immutable"));
    app.get("/favicon.ico").await.assert_status(301);
    home.assert_contains("name=\"viewport\"");
}

#[tokio::test]
async fn forms_work_without_javascript() {
    // Every form posts to a real URL and every action has a plain button: no JS needed.
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let editor = alice.get("/write").await;
    editor
        .assert_contains("<form method=\"post\" action=\"/write\"")
        .assert_contains("name=\"action\" value=\"preview\"");
    assert!(!editor.body.contains("onclick"), "no inline handlers");
}
