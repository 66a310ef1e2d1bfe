//! Forged requests and redirects, and the HTTP basics browsers, crawlers and feed readers rely on:
//! every case here was found by trying it, and failed before its fix.

use plaza::accounts::Role;

use crate::helpers::{Page, spawn, spawn_with};

/// Every `Set-Cookie` value of a response.
fn cookies(page: &Page) -> Vec<String> {
    page.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
}

/// The value a response set for a cookie.
fn cookie_value(page: &Page, name: &str) -> Option<String> {
    cookies(page).iter().find_map(|c| {
        let (pair, _) = c.split_once(';').unwrap_or((c, ""));
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

#[tokio::test]
async fn a_form_sent_from_another_site_changes_nothing_even_with_a_valid_token() {
    let app = spawn().await;
    app.create_user("alice", Role::Employee);
    app.browser.login_ok("alice").await;
    let fields = [("display_name", "Forged Name"), ("bio", ""), ("email", "alice@example.com")];
    for (header, value) in [
        ("Origin", "https://evil.example"),
        ("Origin", "null"),
        ("Referer", "https://evil.example/page"),
        ("Origin", "http://plaza.test.evil.example"),
        ("Sec-Fetch-Site", "cross-site"),
    ] {
        let page = app.browser.post_with("/settings", &fields, &[(header, value)]).await;
        page.assert_status(403).assert_contains("sent from another site");
    }
    app.get("/settings").await.assert_lacks("Forged Name");
    // The site's own pages (its base URL, or the host the request went to) are welcome.
    let host = app.addr.trim_start_matches("http://").to_string();
    for origin in ["http://plaza.test".to_string(), format!("http://{host}")] {
        let page = app.browser.post_with("/lang", &[("lang", "en"), ("next", "/")], &[("Origin", &origin)]).await;
        page.assert_status(303);
    }
}

#[tokio::test]
async fn the_form_token_belongs_to_the_session_and_changes_at_login_and_logout() {
    let app = spawn().await;
    app.create_user("alice", Role::Member);
    // The attacker loads a page with a form and learns a nonce and its visitor token.
    let res = reqwest::get(format!("{}/login", app.addr)).await.unwrap();
    let planted_nonce = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("plaza_csrf=").map(|v| v.split(';').next().unwrap_or("").to_string()))
        .expect("nonce");
    let planted_token = crate::helpers::extract_token(&res.text().await.unwrap()).expect("token");
    // The victim logs in; login gives a new nonce.
    let victim_login = app.new_browser().login("alice", crate::helpers::PASSWORD).await;
    victim_login.assert_status(303);
    let session = cookie_value(&victim_login, "plaza_session").expect("session cookie");
    let new_nonce = cookie_value(&victim_login, "plaza_csrf").expect("login gives a new CSRF nonce");
    assert_ne!(new_nonce, planted_nonce);
    // Even with the attacker's nonce planted in the victim's browser (e.g. from a sibling
    // subdomain), the attacker's token is no use with the victim's session.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let both = format!("plaza_csrf={planted_nonce}; plaza_session={session}");
    let forged = client
        .post(format!("{}/logout", app.addr))
        .header("cookie", &both)
        .form(&[("csrf_token", planted_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 403, "a visitor's token must not work with a session");
    let still = client.get(format!("{}/settings", app.addr)).header("cookie", &both).send().await.unwrap();
    assert_eq!(still.status().as_u16(), 200, "the forged logout did nothing");

    // In one browser: the token from before login no longer works after it, nor after logout.
    let b = app.new_browser();
    let before = b.token().await;
    b.login_ok("alice").await;
    b.post_raw("/lang", &[("lang", "en"), ("next", "/"), ("csrf_token", &before)]).await.assert_status(403);
    let during = b.token().await;
    b.post("/logout", &[]).await.assert_status(303);
    // (A visitor's language switch takes no token: it only sets a cookie. Logging in does.)
    b.post_raw("/login", &[("username", "alice"), ("password", "x"), ("csrf_token", &during)]).await.assert_status(403);
}

#[tokio::test]
async fn logging_in_over_a_session_ends_that_session() {
    let app = spawn().await;
    app.create_user("alice", Role::Member);
    app.create_user("bob", Role::Member);
    let first = app.browser.login("alice", crate::helpers::PASSWORD).await;
    let old = cookie_value(&first, "plaza_session").expect("session");
    app.browser.login_ok("bob").await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = client
        .get(format!("{}/settings", app.addr))
        .header("cookie", format!("plaza_session={old}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303, "the first session must be over");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM sessions"), 1);
}

#[tokio::test]
async fn after_login_only_same_site_paths_are_followed() {
    let app = spawn().await;
    app.create_user("alice", Role::Member);
    for (next, to) in [
        ("/\t/evil.example", "/"),
        ("/\\evil.example", "/"),
        ("//evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/tags?x=1\r\nSet-Cookie: a=b", "/tags?x=1Set-Cookie:%20a=b"),
        ("/forums/general?page=2#top", "/forums/general?page=2#top"),
        ("/login?next=%2Flogin%3Fnext%3D%252F", "/"),
    ] {
        let b = app.new_browser();
        let page =
            b.post("/login", &[("login", "alice"), ("password", crate::helpers::PASSWORD), ("next", next)]).await;
        page.assert_status(303);
        assert_eq!(page.location(), to, "next={next:?}");
    }
    // Encoded control characters in a query `next` are no 500 either.
    let b = app.new_browser();
    b.login_ok("alice").await;
    b.get("/login?next=%0d%0aSet-Cookie:%20x=y").await.assert_status(303);
}

#[tokio::test]
async fn logging_in_from_the_login_page_link_and_switching_language_there_work() {
    let app = spawn().await;
    app.create_user("alice", Role::Member);
    // The header's link on the login page does not nest `next` inside itself.
    let login = app.get("/login").await;
    login.assert_contains("href=\"/login\"").assert_lacks("next=%2Flogin");
    let from_topic = app.get("/login?next=%2Ftags").await;
    from_topic.assert_contains("href=\"/login?next=%2Ftags\"").assert_lacks("next=%2Flogin");
    app.get("/tags").await.assert_contains("href=\"/login?next=%2Ftags\"");
    // Logging in with the old nested link still logs in (it used to answer 401).
    let b = app.new_browser();
    let page = b
        .post("/login", &[("login", "alice"), ("password", crate::helpers::PASSWORD), ("next", "/login?next=%2F")])
        .await;
    page.assert_status(303);
    assert_eq!(page.location(), "/");
    b.get("/settings").await.assert_status(200);
    // Switching language on the login page stays on the login page.
    let v = app.new_browser();
    let page = v.post("/lang", &[("lang", "zh-CN"), ("next", "/login?next=%2Ftags")]).await;
    page.assert_status(303);
    assert_eq!(page.location(), "/login?next=%2Ftags");
    v.get("/login?next=%2Ftags").await.assert_status(200).assert_contains("登录");
}

#[tokio::test]
async fn head_answers_like_get_without_the_body() {
    let app = spawn().await;
    app.create_user("siteadmin", Role::Admin);
    for path in ["/", "/blog", "/feed.atom", "/feed.rss", "/sitemap.xml", "/robots.txt", "/tags", "/forums"] {
        let get = app.get(path).await;
        get.assert_status(200);
        let head = app.browser.head(path).await;
        assert_eq!(head.status.as_u16(), 200, "HEAD {path}");
        assert!(head.body.is_empty(), "HEAD {path} has a body");
        assert_eq!(head.header("content-type"), get.header("content-type"), "HEAD {path}");
    }
    let css = app.get("/").await.body;
    let start = css.find("/static/plaza.").expect("stylesheet link");
    let end = css[start..].find('"').unwrap() + start;
    let head = app.browser.head(&css[start..end]).await;
    assert_eq!(head.status.as_u16(), 200);
    assert!(head.header("content-type").starts_with("text/css"));
    app.browser.head("/no-such-page").await.assert_status(404);
}

#[tokio::test]
async fn an_empty_feed_keeps_its_etag_and_answers_304() {
    let app = spawn().await;
    app.create_user("siteadmin", Role::Admin);
    let first = app.get("/feed.atom").await;
    first.assert_status(200);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = app.get("/feed.atom").await;
    assert_eq!(first.header("etag"), second.header("etag"));
    let etag = first.header("etag");
    app.browser.get_with("/feed.atom", &[("If-None-Match", &etag)]).await.assert_status(304);
}

#[tokio::test]
async fn shared_answers_set_no_cookie() {
    let app = spawn().await;
    app.create_user("siteadmin", Role::Admin);
    for path in ["/feed.atom", "/feed.rss", "/blog/feed.atom", "/sitemap.xml", "/robots.txt", "/opensearch.xml"] {
        let page = app.new_browser().get(path).await;
        page.assert_status(200);
        assert!(cookies(&page).is_empty(), "{path} set {:?}", cookies(&page));
        assert!(!page.header("cache-control").starts_with("private"), "{path}: {}", page.header("cache-control"));
    }
    // A feed read with a session may hold what only that reader may see: private.
    app.create_user("alice", Role::Member);
    app.browser.login_ok("alice").await;
    assert!(app.get("/feed.atom").await.header("cache-control").starts_with("private"));
}

#[tokio::test]
async fn https_sites_send_strict_transport_security() {
    let app = spawn_with(|s| s.base_url = "https://plaza.example".into()).await;
    assert!(app.get("/").await.header("strict-transport-security").contains("max-age="));
    let plain = spawn().await;
    assert!(plain.get("/").await.header("strict-transport-security").is_empty());
}
