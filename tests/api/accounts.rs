use plaza::accounts::Role;

use crate::helpers::{PASSWORD, spawn, spawn_empty, spawn_with};

#[tokio::test]
async fn first_visit_leads_to_setup_which_then_disappears() {
    let app = spawn_empty().await;
    app.get("/").await.assert_redirect("/setup");
    app.get("/login").await.assert_redirect("/setup");
    // Every route, form posts included: a visitor who goes to /register first cannot leave the
    // site without an admin.
    for path in ["/register", "/blog", "/forums", "/search?q=x", "/u/anyone", "/admin/users", "/password/forgot"] {
        app.get(path).await.assert_redirect("/setup");
    }
    app.post("/register", &[("username", "early"), ("email", "early@example.com"), ("password", PASSWORD)])
        .await
        .assert_redirect("/setup");
    app.post("/login", &[("login", "early"), ("password", PASSWORD)]).await.assert_redirect("/setup");
    assert_eq!(app.count("users"), 0);
    // Assets and robots still answer.
    app.get("/robots.txt").await.assert_status(200);
    app.get("/static/favicon.svg").await.assert_status(200);
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
    // The rest of the site is open now.
    app.new_browser().get("/register").await.assert_status(200);
}

/// A site that has members but no admin (made before set-up could not be skipped) can still be
/// set up; once an admin exists, set-up is gone for good, even if every admin is demoted.
#[tokio::test]
async fn setup_stays_until_an_admin_exists_and_never_comes_back() {
    let app = spawn_empty().await;
    app.create_user("early", Role::Member);
    app.get("/").await.assert_redirect("/setup");
    app.get("/setup").await.assert_status(200);
    app.post("/setup", &[("username", "boss"), ("email", "boss@example.com"), ("password", PASSWORD)])
        .await
        .assert_redirect("/admin/users");
    use diesel::prelude::*;
    use plaza::db::schema::users;
    diesel::update(users::table).set(users::roles.eq("")).execute(&mut app.conn()).unwrap();
    app.new_browser().get("/setup").await.assert_status(404);
    app.new_browser().get("/").await.assert_status(200);
}

#[tokio::test]
async fn register_log_out_and_log_in_again() {
    let app = spawn().await;
    app.create_user("admin1", Role::Admin);
    let page =
        app.post("/register", &[("username", "Alice"), ("email", "alice@example.com"), ("password", PASSWORD)]).await;
    page.assert_status(200).assert_contains("Check your mail").assert_contains("alice@example.com");
    assert_eq!(app.mails_to("alice@example.com").len(), 1, "the confirmation link");
    app.browser.login_ok("Alice").await;
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
    app.create_user("coco", Role::Member);
    let cases: &[(&str, &str, &str, &str)] = &[
        ("", "a@example.com", PASSWORD, "Choose a username."),
        ("TAKEN", "b@example.com", PASSWORD, "That username is taken."),
        ("аdmin", "x@example.com", PASSWORD, "Do not mix alphabets"),
        ("ｔａｋｅｎ", "b@example.com", PASSWORD, "That username is taken."),
        ("ta\u{200B}ken", "b@example.com", PASSWORD, "invisible"),
        ("сосо", "b@example.com", PASSWORD, "looks too much like an existing one"),
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
    assert_eq!(app.count("users"), 2);
    // Chinese usernames are welcome.
    app.post("/register", &[("username", "李小龙"), ("email", "li@example.com"), ("password", PASSWORD)])
        .await
        .assert_status(200);
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

/// Forget the login failures' times: as if `secs` seconds had passed.
fn age_failures(app: &crate::helpers::TestApp, secs: i64) {
    use diesel::prelude::*;
    use plaza::db::schema::login_failures;
    let rows: Vec<(i64, chrono::NaiveDateTime)> =
        login_failures::table.select((login_failures::id, login_failures::failed_at)).load(&mut app.conn()).unwrap();
    for (id, at) in rows {
        diesel::update(login_failures::table.find(id))
            .set(login_failures::failed_at.eq(at - chrono::Duration::seconds(secs)))
            .execute(&mut app.conn())
            .unwrap();
    }
}

async fn login_from(b: &crate::helpers::Browser, ip: &str, login: &str, password: &str) -> crate::helpers::Page {
    let token = b.token().await;
    let res = b
        .client
        .post(format!("{}/login", b.addr))
        .header("X-Forwarded-For", ip)
        .form(&[("login", login), ("password", password), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    crate::helpers::Page { status: res.status(), headers: res.headers().clone(), body: res.text().await.unwrap() }
}

/// Five wrong passwords from a stranger used to lock the owner out for 15 minutes. Now the
/// stranger's address is slowed on that account (1 s, 2 s, 4 s… after three failures) and the
/// owner, from their own address, logs in at once.
#[tokio::test]
async fn a_guesser_is_slowed_and_the_owner_still_gets_in() {
    let app = spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    app.create_user("dave", Role::Member);
    app.create_user("erin", Role::Member);
    let stranger = app.new_browser();
    for _ in 0..3 {
        login_from(&stranger, "203.0.113.5", "dave", "wrong password!").await.assert_status(422);
    }
    // Now even the right password from the stranger's address waits, and says how long.
    let slowed = login_from(&stranger, "203.0.113.5", "dave", PASSWORD).await;
    slowed.assert_status(429).assert_contains("Wait one second, then try again");
    assert_eq!(slowed.header("retry-after"), "1");
    // The owner, elsewhere, is not held back; nor is another account from the stranger's address.
    let owner = app.new_browser();
    login_from(&owner, "198.51.100.7", "dave", PASSWORD).await.assert_status(303);
    login_from(&app.new_browser(), "203.0.113.5", "erin", PASSWORD).await.assert_status(303);
    // Each further failure doubles the wait.
    age_failures(&app, 2);
    login_from(&stranger, "203.0.113.5", "dave", "wrong again!!").await.assert_status(422);
    let slowed = login_from(&stranger, "203.0.113.5", "dave", "wrong again!!").await;
    slowed.assert_status(429);
    assert_eq!(slowed.header("retry-after"), "2");
    // Logging in by e-mail counts for the same account.
    login_from(&stranger, "203.0.113.5", "DAVE@example.com", "wrong again!!").await.assert_status(429);
}

/// `X-Forwarded-For` from a peer that is not a trusted proxy is the visitor's own invention:
/// changing it does not escape the limit.
#[tokio::test]
async fn spoofed_forwarded_for_is_ignored() {
    let app = spawn().await;
    app.create_user("dave", Role::Member);
    let stranger = app.new_browser();
    for i in 0..3 {
        login_from(&stranger, &format!("203.0.113.{i}"), "dave", "wrong password!").await.assert_status(422);
    }
    login_from(&stranger, "203.0.113.99", "dave", PASSWORD).await.assert_status(429);
}

/// One IPv6 subscriber holds a whole /64 (2^64 addresses): a guesser who steps through it is
/// still one address to the limits, so the pair's wait holds.
#[tokio::test]
async fn a_guesser_rotating_through_an_ipv6_prefix_is_still_slowed() {
    let app = spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()]).await;
    app.create_user("dave", Role::Member);
    let stranger = app.new_browser();
    for i in 1..=3 {
        login_from(&stranger, &format!("2001:db8:5:6::{i:x}"), "dave", "wrong password!").await.assert_status(422);
    }
    login_from(&stranger, "2001:db8:5:6:ffff::99", "dave", PASSWORD).await.assert_status(429);
    // Another network is not held back.
    login_from(&app.new_browser(), "2001:db8:5:7::1", "dave", PASSWORD).await.assert_status(303);
}

/// Behind a proxy with no trusted configuration every visitor shares one address. A stranger
/// failing on many accounts slows that address, briefly; people whose browser logged into
/// their account before get in at once, and no account is locked.
#[tokio::test]
async fn a_shared_address_does_not_lock_everyone_out() {
    let app = spawn().await;
    app.create_user("frank", Role::Member);
    let frank = app.new_browser();
    frank.login_ok("frank").await;
    frank.post("/logout", &[]).await.assert_status(303);
    let stranger = app.new_browser();
    for i in 0..22 {
        stranger.login(&format!("ghost{i}"), "wrong password!").await;
    }
    let slowed = stranger.login("frank", PASSWORD).await;
    slowed.assert_status(429);
    let wait: i64 = slowed.header("retry-after").parse().unwrap();
    assert!((1..=30).contains(&wait), "the shared address waits briefly: {wait}");
    // Frank's browser knows his account: it is judged by its own failures only.
    frank.login_ok("frank").await;
    // After the short wait, anyone at the address may try again.
    age_failures(&app, 31);
    app.create_user("gail", Role::Member);
    app.new_browser().login_ok("gail").await;
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
    // The password form holds a person back after a handful of changes.
    for _ in 0..4 {
        app.post("/settings/password", &[("old_password", "x")]).await;
    }
    let held = app
        .post(
            "/settings/password",
            &[("old_password", "a brand new secret"), ("new_password", "x"), ("confirm_password", "x")],
        )
        .await;
    held.assert_status(429).assert_contains("Too many password changes");
    third.login("ivan", "a brand new secret").await.assert_status(303);
    // An address with an encoded letter is the same form, under the same limit.
    third.post("/settings/%70assword", &[("old_password", "x")]).await.assert_status(429);
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

/// `/register` never says whether an address has an account: a known address gets the same
/// page as a new one, and its owner a mail saying someone tried (with the way back in).
#[tokio::test]
async fn registration_does_not_say_whether_an_address_is_registered() {
    let app = spawn().await;
    app.create_user("taken", Role::Member);
    let b1 = app.new_browser();
    let known =
        b1.post("/register", &[("username", "newcomer"), ("email", "taken@example.com"), ("password", PASSWORD)]).await;
    let b2 = app.new_browser();
    let fresh = b2
        .post("/register", &[("username", "newcomer2"), ("email", "fresh@example.com"), ("password", PASSWORD)])
        .await;
    known.assert_status(200).assert_contains("Check your mail");
    fresh.assert_status(200);
    let strip = |p: &crate::helpers::Page, email: &str| {
        let token = crate::helpers::extract_token(&p.body).unwrap_or_default();
        p.body.replace(email, "ADDRESS").replace(&token, "TOKEN")
    };
    assert_eq!(strip(&known, "taken@example.com"), strip(&fresh, "fresh@example.com"));
    for p in [&known, &fresh] {
        assert!(!p.header("set-cookie").contains("plaza_session"), "no one is logged in by registering");
    }
    assert_eq!(app.count("users"), 2, "no account for the known address");
    let mails = app.mails_to("taken@example.com");
    assert_eq!(mails.len(), 1);
    assert!(mails[0].0.contains("tried to sign up"), "{:?}", mails[0]);
    assert!(mails[0].1.contains("/password/forgot"));
    assert!(app.mailed_link("fresh@example.com", "/email/confirm/").len() > 70);
    // Registrations from one address are limited across processes (rows in the database).
    for i in 0..18 {
        let p = app
            .new_browser()
            .post(
                "/register",
                &[("username", &format!("many{i}")), ("email", &format!("m{i}@example.com")), ("password", PASSWORD)],
            )
            .await;
        p.assert_status(200);
    }
    app.new_browser()
        .post(
            "/register",
            &[("username", "onetoomany"), ("email", "more@example.com"), ("password", PASSWORD), ("next", "")],
        )
        .await
        .assert_status(429)
        .assert_contains("Too many accounts were created");
}

#[tokio::test]
async fn forgotten_password_is_reset_by_a_single_use_link() {
    let app = spawn().await;
    app.create_user("nina", Role::Member);
    let phone = app.new_browser();
    phone.login_ok("nina").await;
    app.get("/login").await.assert_contains("href=\"/password/forgot\"");
    app.get("/password/forgot").await.assert_status(200).assert_contains("Reset your password");
    app.post("/password/forgot", &[("email", "not an address")])
        .await
        .assert_status(422)
        .assert_contains("does not look like");
    // Known and unknown addresses get the same answer; only the known one gets a mail.
    let known = app.post("/password/forgot", &[("email", "NINA@example.com")]).await;
    let unknown = app.post("/password/forgot", &[("email", "nobody@example.com")]).await;
    known.assert_status(200).assert_contains("If an account uses");
    assert_eq!(known.body.replace("NINA@example.com", "X"), unknown.body.replace("nobody@example.com", "X"));
    assert!(app.mails_to("nobody@example.com").is_empty());
    let link = app.mailed_link("nina@example.com", "/password/reset/");
    // Only a hash of the token is stored.
    let token = link.rsplit('/').next().unwrap().to_string();
    assert_eq!(app.number(&format!("SELECT COUNT(*) AS n FROM account_tokens WHERE token_hash = '{token}'")), 0);

    let b = app.new_browser();
    b.get(&link).await.assert_status(200).assert_contains("Choose a new password");
    b.post(&link, &[("new_password", "short"), ("confirm_password", "short")])
        .await
        .assert_status(422)
        .assert_contains("at least 10 characters");
    b.post(&link, &[("new_password", "a fresh secret 1"), ("confirm_password", "another one 22")])
        .await
        .assert_status(422)
        .assert_contains("do not match");
    b.post(&link, &[("new_password", "a fresh secret 1"), ("confirm_password", "a fresh secret 1")])
        .await
        .assert_redirect("/settings?saved=reset");
    b.get("/settings?saved=reset").await.assert_status(200).assert_contains("Your new password is saved");
    // Every other session ended; the old password no longer works, the new one does.
    phone.get("/settings").await.assert_status(303);
    app.new_browser().login("nina", PASSWORD).await.assert_status(422);
    app.new_browser().login_ok_with("nina", "a fresh secret 1").await;
    // The link works once.
    app.new_browser().get(&link).await.assert_status(410).assert_contains("already been used");
    app.new_browser()
        .post(&link, &[("new_password", "a third secret 3"), ("confirm_password", "a third secret 3")])
        .await
        .assert_status(410);
    app.new_browser().get("/password/reset/not-a-token").await.assert_status(410).assert_contains("not valid");
    // An expired link says so.
    app.post("/password/forgot", &[("email", "nina@example.com")]).await.assert_status(200);
    let late = app.mailed_link("nina@example.com", "/password/reset/");
    {
        use diesel::prelude::*;
        use plaza::db::schema::account_tokens;
        diesel::update(account_tokens::table)
            .set(account_tokens::expires_at.eq(plaza::now() - chrono::Duration::minutes(1)))
            .execute(&mut app.conn())
            .unwrap();
    }
    app.new_browser().get(&late).await.assert_status(410).assert_contains("expired");
    // A third request for the same address within the hour is the last one.
    app.post("/password/forgot", &[("email", "nina@example.com")]).await.assert_status(200);
    app.post("/password/forgot", &[("email", "nina@example.com")])
        .await
        .assert_status(429)
        .assert_contains("Too many reset links");
}

/// Two requests with the same reset link at the same moment: exactly one sets the password.
#[tokio::test]
async fn a_reset_link_used_twice_at_once_works_once() {
    let app = spawn().await;
    app.create_user("olga", Role::Member);
    app.post("/password/forgot", &[("email", "olga@example.com")]).await.assert_status(200);
    let link = app.mailed_link("olga@example.com", "/password/reset/");
    let browsers: Vec<_> = (0..4).map(|_| app.new_browser()).collect();
    for b in &browsers {
        b.token().await;
    }
    let pages = futures_util::future::join_all(browsers.iter().enumerate().map(|(i, b)| {
        let link = link.clone();
        async move {
            let pw = format!("new secret number {i}");
            b.post(&link, &[("new_password", &pw), ("confirm_password", &pw)]).await
        }
    }))
    .await;
    let ok: Vec<usize> = (0..4).filter(|i| pages[*i].status.as_u16() == 303).collect();
    assert_eq!(ok.len(), 1, "{:?}", pages.iter().map(|p| p.status).collect::<Vec<_>>());
    assert!(pages.iter().all(|p| p.status.as_u16() == 303 || p.status.as_u16() == 410));
    assert_eq!(app.count("sessions"), 1);
    app.new_browser().login_ok_with("olga", &format!("new secret number {}", ok[0])).await;
}

#[tokio::test]
async fn admins_send_reset_links_and_the_command_line_sets_passwords() {
    let app = spawn().await;
    let admin = app.user_browser("root_admin", Role::Admin).await;
    let id = app.create_user("pete", Role::Member);
    admin.get("/admin/users").await.assert_contains(&format!("/admin/users/{id}/reset-link"));
    admin
        .post(&format!("/admin/users/{id}/reset-link"), &[("back", "")])
        .await
        .assert_redirect("/admin/users?msg=reset");
    admin.get("/admin/users?msg=reset").await.assert_contains("A password-reset link has been sent.");
    let link = app.mailed_link("pete@example.com", "/password/reset/");
    app.new_browser().get(&link).await.assert_status(200);
    // Members cannot send them.
    let pete = app.new_browser();
    pete.login_ok("pete").await;
    pete.post(&format!("/admin/users/{id}/reset-link"), &[("back", "")]).await.assert_status(403);

    // `plaza user set-password pete`, the password on standard input.
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(["user", "set-password", "pete", "--password-stdin"])
        .env("DATABASE_URL", &app.settings.database_url)
        .env("PLAZA_DATA_DIR", &app.settings.data_dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"set by the operator\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("password of pete set"));
    pete.get("/settings").await.assert_status(303);
    app.new_browser().login_ok_with("pete", "set by the operator").await;
    // A weak password is refused with the reason.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_plaza"))
        .args(["user", "set-password", "pete", "--password-stdin"])
        .env("DATABASE_URL", &app.settings.database_url)
        .env("PLAZA_DATA_DIR", &app.settings.data_dir)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
}

/// With `PLAZA_VERIFY_EMAIL`, a new member reads and logs in but posts only after opening the
/// link; the set-up admin and command-line users are confirmed already.
#[tokio::test]
async fn new_members_confirm_their_address_before_posting() {
    let app = spawn_with(|s| s.verify_email = true).await;
    app.create_board("help", "discussion", "everyone", "members");
    let b = app.new_browser();
    b.post("/register", &[("username", "quinn"), ("email", "quinn@example.com"), ("password", PASSWORD)])
        .await
        .assert_status(200);
    b.login_ok("quinn").await;
    b.get("/forums/help").await.assert_status(200);
    let refused = b
        .post(
            "/forums/help/new",
            &[("title", "My first topic"), ("body", "Hello everyone, long text"), ("action", "save")],
        )
        .await;
    refused
        .assert_status(403)
        .assert_contains("Confirm your e-mail address first")
        .assert_contains("Hello everyone, long text")
        .assert_contains("action=\"/email/resend\"");
    b.get("/settings").await.assert_contains("not confirmed yet").assert_contains("action=\"/email/resend\"");
    b.post("/email/resend", &[]).await.assert_redirect("/settings?saved=verify-sent");
    assert_eq!(app.mails_to("quinn@example.com").len(), 2);
    let link = app.mailed_link("quinn@example.com", "/email/confirm/");
    // Opening the link shows a button (mail scanners that follow links do not use it up).
    b.get(&link).await.assert_status(200).assert_contains("Confirm");
    b.post(&link, &[]).await.assert_redirect("/settings?saved=verified");
    b.get("/settings?saved=verified").await.assert_contains("Your e-mail address is confirmed.");
    crate::helpers::start_topic(&b, "help", "My first topic", "Hello everyone").await;
    b.post(&link, &[]).await.assert_status(410);
    // Staff made elsewhere post at once.
    let staff = app.user_browser("rita", Role::Employee).await;
    crate::helpers::start_topic(&staff, "help", "Staff topic", "Hello").await;
}

/// A new address is confirmed by a link sent to it; the old one stays in effect until then and
/// is told about the request.
#[tokio::test]
async fn email_change_is_confirmed_by_the_new_address() {
    let app = spawn().await;
    app.create_user("sam", Role::Member);
    app.create_user("tess", Role::Member);
    app.browser.login_ok("sam").await;
    app.get("/settings").await.assert_contains("sam@example.com");
    app.post("/settings/email", &[("new_email", "sam.new@example.com"), ("password", "wrong password")])
        .await
        .assert_status(422)
        .assert_contains("The current password is not correct.")
        .assert_contains("value=\"sam.new@example.com\"");
    app.post("/settings/email", &[("new_email", "bad"), ("password", PASSWORD)]).await.assert_status(422);
    app.post("/settings/email", &[("new_email", "sam.new@example.com"), ("password", PASSWORD)])
        .await
        .assert_redirect("/settings?saved=email-sent");
    // Not changed yet; the old address is told.
    app.get("/settings?saved=email-sent").await.assert_contains("sam@example.com").assert_contains("We sent a link");
    let old = app.mails_to("sam@example.com");
    assert!(old.iter().any(|(s, b)| s.contains("being changed") && b.contains("sam.new@example.com")));
    let link = app.mailed_link("sam.new@example.com", "/email/confirm/");
    app.post(&link, &[]).await.assert_redirect("/settings?saved=email");
    app.get("/settings").await.assert_contains("sam.new@example.com");
    app.new_browser().login_ok("sam.new@example.com").await;
    // An address that another account took meanwhile cannot become yours.
    app.post("/settings/email", &[("new_email", "tess@example.com"), ("password", PASSWORD)]).await.assert_status(303);
    let link = app.mailed_link("tess@example.com", "/email/confirm/");
    app.post(&link, &[]).await.assert_status(409).assert_contains("Another account uses this address");
}

/// A member may not take a display name that looks like a staff member's name or a role.
#[tokio::test]
async fn look_alike_display_names_of_staff_are_refused() {
    let app = spawn().await;
    let staff = app.user_browser("alice_chen", Role::Employee).await;
    staff.post("/settings", &[("display_name", "Alice Chen"), ("bio", ""), ("locale", "")]).await.assert_status(303);
    let member = app.user_browser("mallory", Role::Member).await;
    for name in ["Alice Chen", "\u{0410}lice Chen", "ALICE CHEN", "alice_chen", "Admin", "Ｓｕｐｐｏｒｔ"] {
        member
            .post("/settings", &[("display_name", name), ("bio", ""), ("locale", "")])
            .await
            .assert_status(422)
            .assert_contains("looks like the name of a staff member");
    }
    member
        .post("/settings", &[("display_name", "Mal\u{200B}lory"), ("bio", ""), ("locale", "")])
        .await
        .assert_status(422);
    member
        .post("/settings", &[("display_name", "Mallory Smith"), ("bio", ""), ("locale", "")])
        .await
        .assert_status(303);
    // Staff may name themselves as they like.
    let moderator = app.user_browser("mod_one", Role::Moderator).await;
    moderator.post("/settings", &[("display_name", "Support"), ("bio", ""), ("locale", "")]).await.assert_status(303);
}

/// Posting and search have per-process limits far above what a person does by hand; the
/// refusal keeps the text.
#[tokio::test]
async fn posting_and_search_are_rate_limited() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let b = app.user_browser("spammer", Role::Member).await;
    let (_, topic) = crate::helpers::start_topic(&b, "help", "A topic", "Text").await;
    for i in 0..39 {
        b.post(&format!("/topics/{topic}/replies"), &[("body", &format!("Reply {i}"))]).await.assert_status(303);
    }
    let held = b.post(&format!("/topics/{topic}/replies"), &[("body", "One reply too many")]).await;
    held.assert_status(429).assert_contains("posting faster").assert_contains("One reply too many");
    assert!(!held.header("retry-after").is_empty());
    // Others are not held back.
    let other = app.user_browser("someone", Role::Member).await;
    crate::helpers::reply(&other, &topic, "My reply").await;
    let visitor = app.new_browser();
    let mut last = 200;
    // (Each search a new one: an answer already made for visitors costs nothing and is served
    // from the page cache, limit or not.)
    for i in 0..70 {
        last = visitor.get(&format!("/search?q=reply+{i}")).await.status.as_u16();
        if last == 429 {
            break;
        }
    }
    assert_eq!(last, 429, "a visitor searching without pause is held back");
    visitor.get("/search?q=reply+again").await.assert_contains("Too many searches").assert_contains("reply");
    other.get("/search?q=reply").await.assert_status(200);
}
