use plaza::accounts::Role;

use crate::helpers::{PASSWORD, spawn};

#[tokio::test]
async fn first_visit_leads_to_setup_which_then_disappears() {
    let app = spawn().await;
    app.get("/").await.assert_redirect("/setup");
    app.get("/login").await.assert_redirect("/setup");
    let setup = app.get("/setup").await;
    setup.assert_status(200).assert_contains("Create administrator");

    // Bad input: each problem named, the username kept, nothing created.
    let bad = app.post("/setup", &[("username", "boss"), ("email", "not-an-email"), ("password", "short")]).await;
    bad.assert_status(422)
        .assert_contains("value=\"boss\"")
        .assert_contains("That does not look like an e-mail address.")
        .assert_contains("at least 10 characters");
    assert_eq!(app.count("users"), 0);

    let ok = app.post("/setup", &[("username", "boss"), ("email", "boss@example.com"), ("password", PASSWORD)]).await;
    ok.assert_redirect("/admin/users");
    assert_eq!(app.count("users"), 1);
    app.get("/admin/users").await.assert_status(200).assert_contains("boss@example.com");
    app.get("/setup").await.assert_status(404);
    app.new_browser()
        .post("/setup", &[("username", "evil"), ("email", "e@example.com"), ("password", PASSWORD)])
        .await
        .assert_status(404);
    // The first admin may write on the enterprise blog at once.
    app.get("/blog").await.assert_contains("Write a post");
}

#[tokio::test]
async fn register_log_out_and_log_in_again() {
    let app = spawn().await;
    app.create_user("admin1", Role::Admin);
    let page =
        app.post("/register", &[("username", "Alice"), ("email", "alice@example.com"), ("password", PASSWORD)]).await;
    page.assert_redirect("/");
    app.get("/").await.assert_contains("href=\"/u/Alice\"").assert_contains("Log out");
    assert_eq!(app.count("sessions"), 1);

    app.post("/logout", &[]).await.assert_redirect("/");
    app.get("/").await.assert_contains("Log in").assert_lacks("Log out");
    assert_eq!(app.count("sessions"), 0);

    // Log in by e-mail, case-insensitively, and land where we came from.
    let page = app.post("/login", &[("login", "ALICE@example.com"), ("password", PASSWORD), ("next", "/tags")]).await;
    page.assert_redirect("/tags");
    // An off-site "next" is ignored.
    let b = app.new_browser();
    b.post("/login", &[("login", "alice"), ("password", PASSWORD), ("next", "//evil.example")])
        .await
        .assert_redirect("/");
}

#[tokio::test]
async fn registration_errors_are_named_and_input_kept() {
    let app = spawn().await;
    app.create_user("taken", Role::Member);
    let cases: &[(&str, &str, &str, &str)] = &[
        ("", "a@example.com", PASSWORD, "Choose a username."),
        ("TAKEN", "b@example.com", PASSWORD, "That username is taken."),
        ("new_user", "taken@example.com", PASSWORD, "An account with this e-mail address already exists."),
        ("new_user", "x@example.com", "password123", "too easy to guess"),
        ("new_user", "x@example.com", "new_user_12345", "too easy to guess"),
        ("a b", "x@example.com", PASSWORD, "Use only letters"),
        ("<script>", "x@example.com", PASSWORD, "Use only letters"),
        ("admin", "x@example.com", PASSWORD, "reserved"),
        ("new_user", "x@example.com", "", "Choose a password."),
    ];
    for (username, email, password, message) in cases {
        let page = app.post("/register", &[("username", username), ("email", email), ("password", password)]).await;
        page.assert_status(422).assert_contains(message).assert_contains(&format!("value=\"{email}\""));
        assert!(!page.body.contains("<script>"), "username echoed unescaped");
    }
    assert_eq!(app.count("users"), 1);
    // Chinese usernames are welcome.
    app.post("/register", &[("username", "李小龙"), ("email", "li@example.com"), ("password", PASSWORD)])
        .await
        .assert_redirect("/");
    app.get("/u/%E6%9D%8E%E5%B0%8F%E9%BE%99").await.assert_status(200).assert_contains("李小龙");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = spawn().await;
    app.create_user("carol", Role::Member);
    let wrong = app.browser.login("carol", "not the password").await;
    let unknown = app.browser.login("nobody_here", "not the password").await;
    wrong
        .assert_status(422)
        .assert_contains("The username or password is not correct.")
        .assert_contains("value=\"carol\"");
    unknown.assert_status(422).assert_contains("The username or password is not correct.");
}

#[tokio::test]
async fn failed_logins_are_limited_per_account_with_a_time_to_wait() {
    let app = spawn().await;
    app.create_user("dave", Role::Member);
    for _ in 0..5 {
        app.browser.login("dave", "wrong password!").await.assert_status(422);
    }
    // Locked now, even with the right password, and the message says for how long.
    let page = app.browser.login("dave", PASSWORD).await;
    page.assert_status(429).assert_contains("Too many failed attempts. Try again in 15 minutes.");
    // Another account from the same address is not locked.
    app.create_user("erin", Role::Member);
    app.new_browser().login_ok("erin").await;
}

#[tokio::test]
async fn failed_logins_are_limited_per_ip() {
    let app = spawn().await;
    app.create_user("frank", Role::Member);
    for i in 0..30 {
        app.browser.login(&format!("ghost{i}"), "wrong password!").await.assert_status(422);
    }
    app.browser.login("frank", PASSWORD).await.assert_status(429).assert_contains("Too many failed attempts");
}

#[tokio::test]
async fn session_cookie_is_http_only_and_same_site() {
    let app = spawn().await;
    app.create_user("gina", Role::Member);
    let page = app.browser.login("gina", PASSWORD).await;
    let cookie = page
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap_or("").to_string())
        .find(|c| c.starts_with("plaza_session="))
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "http base URL must not set Secure: {cookie}");
    // Only a hash of the token is stored.
    let token = cookie.trim_start_matches("plaza_session=").split(';').next().unwrap().to_string();
    let mut conn = app.conn();
    use diesel::prelude::*;
    use plaza::db::schema::sessions;
    let stored: Vec<String> = sessions::table.select(sessions::token_hash).load(&mut conn).unwrap();
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0], token);
}

#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let app = crate::helpers::spawn_with(|s| s.base_url = "https://community.example.com".into()).await;
    app.create_user("gina", Role::Member);
    let page = app.browser.login("gina", PASSWORD).await;
    let cookies: Vec<String> =
        page.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap_or("").to_string()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("plaza_session=") && c.contains("Secure")), "{cookies:?}");
}

#[tokio::test]
async fn log_out_everywhere_ends_every_session() {
    let app = spawn().await;
    app.create_user("hana", Role::Member);
    let phone = app.new_browser();
    phone.login_ok("hana").await;
    app.browser.login_ok("hana").await;
    assert_eq!(app.count("sessions"), 2);
    app.post("/logout/all", &[]).await.assert_redirect("/");
    assert_eq!(app.count("sessions"), 0);
    phone.get("/settings").await.assert_redirect("/login?next=%2Fsettings");
}

#[tokio::test]
async fn settings_change_profile_and_password() {
    let app = spawn().await;
    app.create_user("ivan", Role::Member);
    let other = app.new_browser();
    other.login_ok("ivan").await;
    app.browser.login_ok("ivan").await;

    app.post("/settings", &[("display_name", "Ivan the Reader"), ("bio", "I *like* feeds"), ("locale", "")])
        .await
        .assert_redirect("/settings?saved=profile");
    app.get("/u/ivan").await.assert_contains("Ivan the Reader").assert_contains("<em>like</em>");

    let too_long = "x".repeat(51);
    app.post("/settings", &[("display_name", &too_long), ("bio", "kept bio"), ("locale", "")])
        .await
        .assert_status(422)
        .assert_contains("at most 50 characters")
        .assert_contains("kept bio");
    app.post("/settings", &[("display_name", "x"), ("bio", ""), ("locale", "fr")])
        .await
        .assert_status(422)
        .assert_contains("Choose one of the listed languages.");

    let wrong = app
        .post(
            "/settings/password",
            &[
                ("old_password", "wrong one!"),
                ("new_password", "a brand new secret"),
                ("confirm_password", "a brand new secret"),
            ],
        )
        .await;
    wrong.assert_status(422).assert_contains("The current password is not correct.");
    let weak = app
        .post(
            "/settings/password",
            &[("old_password", PASSWORD), ("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    weak.assert_status(422).assert_contains("at least 10 characters");
    let mismatch = app
        .post(
            "/settings/password",
            &[
                ("old_password", PASSWORD),
                ("new_password", "a brand new secret"),
                ("confirm_password", "another new secret"),
            ],
        )
        .await;
    mismatch.assert_status(422).assert_contains("do not match");

    app.post(
        "/settings/password",
        &[
            ("old_password", PASSWORD),
            ("new_password", "a brand new secret"),
            ("confirm_password", "a brand new secret"),
        ],
    )
    .await
    .assert_redirect("/settings?saved=password");
    // This browser stays logged in; the other one is logged out; the new password works.
    app.get("/settings?saved=password").await.assert_status(200).assert_contains("Your password has been changed.");
    other.get("/settings").await.assert_status(303);
    let third = app.new_browser();
    third.login("ivan", PASSWORD).await.assert_status(422);
    third.login("ivan", "a brand new secret").await.assert_status(303);
}

#[tokio::test]
async fn profile_lists_what_the_user_wrote() {
    let app = spawn().await;
    let b = app.user_browser("julia", Role::Employee).await;
    crate::helpers::publish(&b, "julia", "Julias first tip", "Restart the sync.", "").await;
    let page = app.get("/u/julia").await;
    page.assert_status(200)
        .assert_contains("Julias first tip")
        .assert_contains("badge-staff")
        .assert_contains("Read julia");
    app.get("/u/nobody").await.assert_status(404).assert_contains("Page not found");
}

#[tokio::test]
async fn suspended_users_are_logged_out_and_cannot_log_in() {
    let app = spawn().await;
    let admin = app.user_browser("root_admin", Role::Admin).await;
    let id = app.create_user("kate", Role::Member);
    let kate = app.new_browser();
    kate.login_ok("kate").await;
    admin.post(&format!("/admin/users/{id}/suspend"), &[("suspend", "1"), ("back", "")]).await.assert_status(303);
    assert_eq!(app.count("sessions"), 1, "only the admin's session is left");
    kate.get("/settings").await.assert_status(303);
    kate.login("kate", PASSWORD).await.assert_status(403).assert_contains("This account is suspended.");
    admin.post(&format!("/admin/users/{id}/suspend"), &[("suspend", "0"), ("back", "")]).await.assert_status(303);
    kate.login_ok("kate").await;
}
