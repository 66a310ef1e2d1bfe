//! A member's own data: the export zip (theirs alone) and deleting the account (content kept
//! under "deleted member", the person gone at once).

use std::io::Read;

use plaza::accounts::Role;

use crate::helpers::{Browser, PASSWORD, publish_id, reply, spawn, start_topic};

/// The bytes of a download, its status and content type.
async fn download(b: &Browser, path: &str) -> (u16, String, Vec<u8>) {
    let res = b.client.get(format!("{}{}", b.addr, path)).send().await.expect("request");
    let status = res.status().as_u16();
    let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, kind, res.bytes().await.expect("body").to_vec())
}

/// Every file of a zip, by name.
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).expect("entry");
            let mut text = String::new();
            f.read_to_string(&mut text).expect("utf-8");
            (f.name().to_string(), text)
        })
        .collect()
}

#[tokio::test]
async fn the_export_holds_what_i_wrote_and_reaches_no_one_else() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("ideas", "ideas", "everyone", "members");
    let alice = app.user_browser("alice", Role::Employee).await;
    let (_, post) = publish_id(&alice, "alice", "Sync tips wombatfjord", "Steps **inside**.", "sync, tips").await;
    alice.post(&format!("/posts/{post}/comments"), &[("body", "My own comment wombatfjord")]).await.assert_status(303);
    let (_, topic) = start_topic(&alice, "help", "A question wombatfjord", "Body of the topic").await;
    reply(&alice, &topic, "A reply wombatfjord").await;
    start_topic(&alice, "ideas", "An idea wombatfjord", "Idea body").await;
    app.create_board("staff-room", "discussion", "employees", "employees");
    start_topic(&alice, "staff-room", "Internal roadmap", "For employees").await;

    let page = alice.get("/settings/account").await;
    page.assert_status(200)
        .assert_contains("href=\"/settings/account/export\"")
        .assert_contains("shown as written by “deleted member”");
    alice.get("/settings").await.assert_contains("href=\"/settings/account\"");

    let (status, kind, bytes) = download(&alice, "/settings/account/export").await;
    assert_eq!((status, kind.as_str()), (200, "application/zip"));
    let files = unzip(&bytes);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for folder in ["posts/", "comments/", "topics/", "replies/", "ideas/"] {
        assert!(names.iter().any(|n| n.starts_with(folder) && n.ends_with(".md")), "{folder} in {names:?}");
    }
    let post_file = &files.iter().find(|(n, _)| n.starts_with("posts/")).unwrap().1;
    assert!(post_file.starts_with("---\ntitle: \"Sync tips wombatfjord\"\n"), "{post_file}");
    assert!(post_file.contains("url: \"http://plaza.test/blogs/alice/sync-tips-wombatfjord\""), "{post_file}");
    assert!(post_file.contains("tags: [\"sync\",\"tips\"]"), "{post_file}");
    assert!(post_file.contains("Steps **inside**."), "{post_file}");
    let profile = &files.iter().find(|(n, _)| n == "profile.json").expect("profile.json").1;
    assert!(profile.contains("alice@example.com"), "{profile}");
    let settings = &files.iter().find(|(n, _)| n == "settings.json").expect("settings.json").1;
    assert!(settings.contains("\"email_digest\": \"immediate\""), "{settings}");
    for (name, text) in &files {
        assert!(!text.contains("$argon2") && !text.contains("password"), "{name} holds a secret:\n{text}");
    }
    assert!(files.iter().any(|(_, t)| t.contains("Internal roadmap")));
    // Once she leaves the company, what she wrote for employees stays with them.
    {
        use diesel::prelude::*;
        diesel::sql_query("UPDATE users SET roles = '' WHERE username = 'alice'").execute(&mut app.conn()).unwrap();
    }
    let (_, _, bytes) = download(&alice, "/settings/account/export").await;
    let files = unzip(&bytes);
    assert!(!files.iter().any(|(_, t)| t.contains("Internal roadmap")));
    assert!(files.iter().any(|(_, t)| t.contains("A reply wombatfjord")));

    // A visitor is sent to log in; another member gets their own (empty) data, never alice's.
    let visitor = app.new_browser();
    let (status, _, body) = download(&visitor, "/settings/account/export").await;
    assert_eq!(status, 303);
    assert!(!String::from_utf8_lossy(&body).contains("wombatfjord"));
    visitor.get("/settings/account").await.assert_status(303);
    let bob = app.user_browser("bob", Role::Member).await;
    let (status, _, bytes) = download(&bob, "/settings/account/export").await;
    assert_eq!(status, 200);
    for (name, text) in unzip(&bytes) {
        assert!(!text.contains("wombatfjord") && !text.contains("alice@"), "bob's {name} shows alice's data");
    }
}

#[tokio::test]
async fn deleting_my_account_keeps_my_content_under_deleted_member_and_removes_me() {
    const NAME: &str = "Carl Quixotexylo";
    const WORD: &str = "Quixotexylo";
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let alice = app.user_browser("alice", Role::Employee).await;
    let (post_path, post) = publish_id(&alice, "alice", "Sync tips", "Steps inside.", "sync").await;
    let carl = app.new_browser();
    carl.post("/register", &[("username", "carl"), ("email", "carl@example.com"), ("password", PASSWORD)])
        .await
        .assert_contains("Check your mail");
    carl.login_ok("carl").await;
    carl.post("/settings", &[("display_name", NAME), ("bio", "About me"), ("locale", "en")]).await.assert_status(303);
    carl.post(&format!("/posts/{post}/comments"), &[("body", "Thanks, it worked")]).await.assert_status(303);
    let (topic_path, topic) = start_topic(&carl, "help", "Sync is slow", "Since Monday").await;
    reply(&alice, &topic, "Try again, @carl").await;
    carl.post("/tags/sync/follow", &[("follow", "1")]).await.assert_status(303);
    let mut prefs: Vec<(&str, &str)> = plaza::notifications::prefs::KINDS.iter().map(|k| (*k, "email")).collect();
    prefs.push(("digest", "daily"));
    carl.post("/settings/notifications", &prefs).await.assert_status(303);
    app.get(&topic_path).await.assert_contains(WORD);

    // The page states the policy; a wrong password changes nothing.
    carl.get("/settings/account").await.assert_contains("deleted member").assert_contains("cannot be undone");
    carl.post("/settings/account/delete", &[("password", "wrong password")])
        .await
        .assert_status(422)
        .assert_contains("That password is not right.");
    carl.get("/settings").await.assert_status(200);

    let done = carl.post("/settings/account/delete", &[("password", PASSWORD)]).await;
    done.assert_redirect("/settings/account/deleted");
    carl.get("/settings/account/deleted").await.assert_contains("Your account was deleted").assert_lacks(WORD);
    // Logged out, and can never log in again.
    carl.get("/settings").await.assert_status(303);
    assert_ne!(app.new_browser().login("carl", PASSWORD).await.status.as_u16(), 303);
    assert_ne!(app.new_browser().login("carl@example.com", PASSWORD).await.status.as_u16(), 303);
    let carl_id = app.number("SELECT id AS n FROM users WHERE username LIKE 'deleted-%'");
    for table in ["sessions", "notification_prefs", "tag_follows", "subscriptions", "notifications"] {
        assert_eq!(app.number(&format!("SELECT COUNT(*) AS n FROM {table} WHERE user_id = {carl_id}")), 0, "{table}");
    }
    app.get("/u/carl").await.assert_status(404);
    app.get(&format!("/u/deleted-{carl_id}")).await.assert_status(404);

    // The content stays, under "deleted member"; no page shows the name or the address.
    app.get(&topic_path).await.assert_contains("Since Monday").assert_contains("deleted member");
    app.get(&post_path).await.assert_contains("Thanks, it worked").assert_contains("deleted member");
    let admin = app.user_browser("boss", Role::Admin).await;
    for path in [
        "/",
        topic_path.as_str(),
        post_path.as_str(),
        "/forums/help",
        "/forums/help/feed.atom",
        "/tags/sync",
        "/blogs",
        "/search?q=quixotexylo",
        "/search?q=carl",
        "/admin/users",
    ] {
        for (who, b) in [("visitor", &app.browser), ("admin", &admin)] {
            let page = b.get(path).await;
            assert!(page.status.as_u16() < 500, "{who} {path}: {}", page.status);
            page.assert_lacks(WORD).assert_lacks("carl@example.com");
        }
    }

    // The address and the username are free again.
    let again = app.new_browser();
    again
        .post("/register", &[("username", "carl"), ("email", "carl@example.com"), ("password", PASSWORD)])
        .await
        .assert_contains("Check your mail");
    again.get("/u/carl").await.assert_status(200).assert_lacks(WORD);
    // Nobody can take a tombstone's name before the account it belongs to is deleted.
    app.new_browser()
        .post("/register", &[("username", "deleted-77"), ("email", "d77@example.com"), ("password", PASSWORD)])
        .await
        .assert_status(422);
}

/// The password prompts that guard deleting the account and changing the address are not a
/// password oracle for whoever holds a session: like the password form, they hold a run of wrong
/// guesses back (and the right password, sent after the run, waits too).
#[tokio::test]
async fn password_prompts_on_delete_and_email_change_hold_guessers_back() {
    let app = spawn().await;
    let eve = app.new_browser();
    eve.post("/register", &[("username", "erin"), ("email", "erin@example.com"), ("password", PASSWORD)])
        .await
        .assert_contains("Check your mail");
    eve.login_ok("erin").await;
    for i in 0..5 {
        eve.post("/settings/account/delete", &[("password", &format!("guess number {i}"))]).await.assert_status(422);
    }
    eve.post("/settings/account/delete", &[("password", PASSWORD)])
        .await
        .assert_status(429)
        .assert_contains("Too many password attempts");
    eve.post("/settings/email", &[("new_email", "erin2@example.com"), ("password", PASSWORD)])
        .await
        .assert_status(429)
        .assert_contains("Too many password attempts");
    // Nothing was deleted: the account still answers.
    eve.get("/settings").await.assert_status(200);
}

/// Links mailed before the account was deleted die with it: a pending e-mail change must not
/// give the tombstone an address again (holding that address from anyone who registers it), and
/// a reset link must not set a password on it.
#[tokio::test]
async fn links_mailed_before_deletion_stop_working() {
    let app = spawn().await;
    app.create_user("sam", Role::Member);
    app.browser.login_ok("sam").await;
    app.post("/settings/email", &[("new_email", "sam.new@example.com"), ("password", PASSWORD)])
        .await
        .assert_redirect("/settings?saved=email-sent");
    app.new_browser().post("/password/forgot", &[("email", "sam@example.com")]).await.assert_status(200);
    let change = app.mailed_link("sam.new@example.com", "/email/confirm/");
    let reset = app.mailed_link("sam@example.com", "/password/reset/");
    app.post("/settings/account/delete", &[("password", PASSWORD)]).await.assert_redirect("/settings/account/deleted");
    let stranger = app.new_browser();
    stranger.post(&change, &[]).await.assert_status(410);
    stranger
        .post(&reset, &[("new_password", "a brand new secret"), ("confirm_password", "a brand new secret")])
        .await
        .assert_status(410);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM users WHERE email_key = 'sam.new@example.com'"), 0);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM account_tokens"), 0);
}

/// The admin pages keep an admin from taking away their own role (the site would be left with
/// no one to run it, and set-up never comes back); deleting the account must not do it either.
#[tokio::test]
async fn the_only_admin_cannot_delete_their_account() {
    let app = spawn().await;
    let boss = app.user_browser("boss", Role::Admin).await;
    boss.post("/settings/account/delete", &[("password", PASSWORD)])
        .await
        .assert_status(422)
        .assert_contains("only administrator");
    boss.get("/admin/users").await.assert_status(200);
    // With another administrator, it may go.
    app.create_user("deputy", Role::Admin);
    boss.post("/settings/account/delete", &[("password", PASSWORD)]).await.assert_redirect("/settings/account/deleted");
}
