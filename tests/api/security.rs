use plaza::accounts::Role;

use crate::helpers::{editor, publish, publish_id, spawn};

#[tokio::test]
async fn state_changing_requests_need_the_csrf_token() {
    let app = spawn().await;
    app.create_user("alice", Role::Employee);
    app.browser.login_ok("alice").await;
    let missing = app
        .browser
        .post_raw(
            "/write",
            &[("blog", "alice"), ("title", "x"), ("body", "Hours of careful writing"), ("status", "published")],
        )
        .await;
    missing
        .assert_status(403)
        .assert_contains("This form has expired or did not come from this site.")
        .assert_contains("class=\"site-header\"")
        // The text comes back to be copied; secrets never do.
        .assert_contains("Hours of careful writing");
    let stale_login =
        app.new_browser().post_raw("/login", &[("login", "alice"), ("password", "secret-password")]).await;
    stale_login.assert_status(403).assert_lacks("secret-password");
    let wrong = app.browser.post_raw("/logout", &[("csrf_token", "0000")]).await;
    wrong.assert_status(403);
    // A token from another browser does not work with this browser's cookie.
    let other = app.new_browser();
    let foreign = other.token().await;
    app.browser.post_raw("/logout", &[("csrf_token", &foreign)]).await.assert_status(403);
    app.get("/settings").await.assert_status(200);
    assert_eq!(app.count("posts"), 0);
    // Malformed bodies are a clear 400, never a 500.
    let res = app
        .browser
        .client
        .post(format!("{}/login", app.addr))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
}

#[tokio::test]
async fn security_headers_are_sent() {
    let app = spawn().await;
    let page = app.get("/register").await;
    let csp = page.header("content-security-policy");
    assert!(
        csp.contains("default-src 'self'")
            && csp.contains("script-src 'self'")
            && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert!(page.header("set-cookie").contains("plaza_csrf="));
    assert!(page.header("set-cookie").contains("HttpOnly"));
}

const PAYLOADS: &[&str] = &[
    "<script>alert('x')</script>",
    "<img src=x onerror=alert('x')>",
    "[click](javascript:alert('x'))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<style>body{display:none}</style>",
    "<svg onload=alert('x')><script>alert('x')</script></svg>",
    "<a href=\"jAvAsCrIpT:alert('x')\">x</a>",
];

fn assert_clean(body: &str, context: &str) {
    // Escaped text (&lt;script&gt;) is harmless; raw tags and live URLs are not.
    let lower = body.to_lowercase();
    for bad in [
        "<script>alert",
        "<img src=x onerror",
        "<svg",
        "href=\"javascript:",
        "href=\"data:",
        "<iframe",
        "<style>body",
        "onerror=\"",
        "onload=\"",
    ] {
        assert!(!lower.contains(bad), "{bad} survived in {context}");
    }
}

#[tokio::test]
async fn markdown_never_injects_script_in_posts_comments_bios_titles_or_tags() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let all = PAYLOADS.join("\n\n");
    let (path, id) = publish_id(&alice, "alice", "<script>alert('title')</script> Safe?", &all, "").await;
    alice.post(&format!("/posts/{id}/comments"), &[("body", &all)]).await.assert_status(303);
    alice
        .post("/settings", &[("display_name", "<img src=x onerror=alert(1)>"), ("bio", &all), ("locale", "")])
        .await
        .assert_status(303);
    let bad_tag = alice
        .post(
            "/write",
            &[
                ("blog", "alice"),
                ("title", "Tagged"),
                ("body", "x"),
                ("tags", "<script>alert(1)</script>"),
                ("status", "published"),
                ("action", "save"),
            ],
        )
        .await;
    bad_tag.assert_status(422).assert_contains("Tags can use letters");
    assert_clean(&bad_tag.body, "the editor re-shown with a bad tag");
    for page in [
        app.get(&path).await,
        app.get("/u/alice").await,
        app.get("/blogs/alice").await,
        app.get("/").await,
        alice.get("/notifications").await,
    ] {
        assert_clean(&page.body, "a page");
    }
    app.get(&path).await.assert_contains("&#60;script&#62;alert(&#39;title&#39;)&#60;/script&#62; Safe?");
    // The feed carries the sanitized HTML (escaped inside the XML).
    let feed = app.get("/feed.atom").await;
    assert!(!feed.body.contains("&lt;script&gt;alert(&#x27;x&#x27;)"), "feed content must be sanitized");
}

#[tokio::test]
async fn no_input_produces_a_500() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let weird = ["", "%00", "\u{0}", "😀", "'; DROP TABLE users; --", &"长".repeat(5000), "../../etc/passwd", "%E4%B8"];
    for w in weird {
        for path in [
            format!("/blogs/{w}"),
            format!("/tags/{w}"),
            format!("/u/{w}"),
            format!("/blogs/alice/{w}"),
            format!("/admin/users?q={w}"),
            format!("/blogs/alice?page={w}"),
        ] {
            let page = alice.get(&path).await;
            assert!(page.status.as_u16() < 500, "{path} gave {}", page.status);
        }
        let page = editor(
            &alice,
            "/write",
            &[("title", w), ("body", w), ("tags", w), ("slug", w), ("cover_url", w), ("status", w)],
        )
        .await;
        assert!(page.status.as_u16() < 500, "editor with {w:?} gave {}", page.status);
        let page = alice.post("/login", &[("login", w), ("password", w)]).await;
        assert!(page.status.as_u16() < 500);
    }
    // Dates beyond four-digit years, and control characters where a redirect is built.
    for path in [
        "/search?q=x&to=%2B262142-12-31",
        "/search?q=x&from=%2B262142-12-31",
        "/search?q=x&to=9999-12-31",
        "/search?q=x&from=-0001-01-01",
        "/login?next=%0d%0aSet-Cookie:%20x=y",
        "/register?next=%0d%0a",
    ] {
        let page = alice.get(path).await;
        assert!(page.status.as_u16() < 500, "{path} gave {}", page.status);
        let page = app.new_browser().get(path).await;
        assert!(page.status.as_u16() < 500, "{path} gave {} to a visitor", page.status);
    }
    // NUL bytes in form text are dropped, not an error (PostgreSQL refuses them).
    let path = publish(&alice, "alice", "Nul\u{0}title", "Body with a \u{0} nul", "").await;
    app.get(&path).await.assert_contains("Nultitle").assert_contains("Body with a  nul");
    // Oversized bodies get a 413 page.
    let huge = "x".repeat(2 * 1024 * 1024);
    let page = editor(&alice, "/write", &[("title", "big"), ("body", &huge)]).await;
    page.assert_status(413).assert_contains("larger than this site accepts");
}

/// Shapes that used to stall the site: text nested thousands of levels deep costs the sanitizer
/// quadratic time, and a field of 95,000 tags was read whole before the limit was checked. Each is
/// refused with a clear message and the text kept, previews included, while other pages answer.
#[tokio::test]
async fn deeply_nested_text_and_endless_tags_are_refused_while_the_site_answers() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let alice = app.user_browser("alice", Role::Employee).await;
    let (_, topic) = crate::helpers::start_topic(&alice, "general", "A fine topic", "Hello").await;
    let (_, post_id) = publish_id(&alice, "alice", "A fine post", "Hello", "").await;
    let shapes = [
        format!("deepquote\n\n{}x", ">".repeat(19_000)),
        format!("deeplist\n\n{}x", "- ".repeat(9_000)),
        format!("deepdiv {}", "<div>".repeat(3_900)),
    ];
    let visitor = app.new_browser();
    for shape in &shapes {
        let marker = &shape[..8];
        let sends = [
            (
                "/forums/general/new".to_string(),
                vec![("title", "Deep"), ("body", shape.as_str()), ("action", "preview")],
            ),
            ("/forums/general/new".to_string(), vec![("title", "Deep"), ("body", shape.as_str()), ("action", "save")]),
            (
                "/write".to_string(),
                vec![("blog", "alice"), ("title", "Deep"), ("body", shape.as_str()), ("action", "preview")],
            ),
            (
                "/write".to_string(),
                vec![("blog", "alice"), ("title", "Deep"), ("body", shape.as_str()), ("status", "published")],
            ),
            (format!("/topics/{topic}/replies"), vec![("body", shape.as_str())]),
            (format!("/posts/{post_id}/comments"), vec![("body", shape.as_str())]),
        ];
        for (path, fields) in sends {
            let (page, other) = tokio::join!(alice.post(&path, &fields), visitor.get("/robots.txt"));
            assert_eq!(page.status.as_u16(), 422, "{path} with {marker}:\n{}", &page.body[..page.body.len().min(3000)]);
            assert!(page.body.contains("more than 40 levels deep"), "{path} with {marker}");
            assert!(page.body.contains(marker), "{path} lost the text");
            other.assert_status(200);
        }
    }
    // Ninety-five thousand tags: refused as "at most 10".
    let tags = (0..95_000).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",");
    let page = alice
        .post(
            "/write",
            &[("blog", "alice"), ("title", "Tags"), ("body", "x"), ("tags", &tags), ("status", "published")],
        )
        .await;
    page.assert_status(422).assert_contains("Use at most 10 tags.");
    let page = alice
        .post("/forums/general/new", &[("title", "Tags"), ("body", "x"), ("tags", &tags), ("action", "save")])
        .await;
    page.assert_status(422).assert_contains("Use at most 10 tags.");
    // Oversized previews are refused like oversized posts.
    let long = "word ".repeat(11_000);
    let page = alice.post("/forums/general/new", &[("title", "Long"), ("body", &long), ("action", "preview")]).await;
    page.assert_status(422).assert_contains("at most 50,000 characters");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM contents WHERE title IN ('Deep', 'Tags', 'Long')"), 0);
}
