//! Notifications a member controls: per kind in-site, e-mail or off; digests; the mail itself
//! (multipart, language, one-click unsubscribe); mentions in blog comments.

use plaza::accounts::Role;

use crate::helpers::{Browser, TestApp, publish_id, reply, spawn, start_topic};

/// The .eml files the worker wrote (no SMTP configured), oldest first.
fn mails(app: &TestApp) -> Vec<String> {
    let dir = app.settings.data_dir.join("mail");
    let mut files: Vec<_> = std::fs::read_dir(&dir).map(|d| d.flatten().collect()).unwrap_or_default();
    files.sort_by_key(|f| f.metadata().and_then(|m| m.modified()).ok());
    files.iter().map(|f| decoded(&std::fs::read_to_string(f.path()).expect("eml"))).collect()
}

/// A mail with its quoted-printable parts decoded (the message's headers are left as they are).
fn decoded(eml: &str) -> String {
    let (head, body) = eml.split_once("\r\n\r\n").unwrap_or((eml, ""));
    format!("{head}\r\n\r\n{}", decode_qp(body))
}

fn decode_qp(body: &str) -> String {
    let text = body.replace("=\r\n", "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'=', Some(b)) if hex.is_some_and(|h| h.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())) => {
                out.push(b);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn deliver(app: &TestApp) -> usize {
    plaza::jobs::mail::deliver_due(&mut app.conn(), &app.settings).expect("mail delivered")
}

/// The form of `/settings/notifications` with every kind at `channel`, then `changes`.
fn prefs_form<'a>(channel: &'a str, digest: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form: Vec<(&str, &str)> =
        plaza::notifications::prefs::KINDS.iter().map(|k| (*k, channel)).chain([("digest", digest)]).collect();
    for (k, v) in changes {
        if let Some(e) = form.iter_mut().find(|(fk, _)| fk == k) {
            e.1 = v;
        }
    }
    form
}

async fn save_prefs(b: &Browser, form: &[(&str, &str)]) {
    b.post("/settings/notifications", form).await.assert_redirect("/settings/notifications?saved=1");
}

/// The unsubscribe address in a mail's `List-Unsubscribe` header.
fn unsubscribe_path(eml: &str) -> String {
    let line = eml.lines().find(|l| l.starts_with("List-Unsubscribe:")).expect("List-Unsubscribe header");
    let start = line.find("<").expect("<") + 1;
    let url = &line[start..line.find('>').expect(">")];
    url.strip_prefix(crate::helpers::BASE_URL).expect("our base URL").to_string()
}

#[tokio::test]
async fn each_kind_is_site_email_or_off_as_the_member_chose() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;

    // The defaults are today's behaviour: on the site, no e-mail (the settings box is off).
    let page = mia.get("/settings/notifications").await;
    page.assert_status(200).assert_contains(
        "name=\"topic_reply\" value=\"site\" aria-label=\"Replies to my topics: On the site\" checked",
    );
    mia.get("/settings").await.assert_contains("href=\"/settings/notifications\"");

    // Bad input: 422, the choices kept, nothing saved.
    let bad = mia.post("/settings/notifications", &prefs_form("loud", "hourly", &[("mention", "email")])).await;
    bad.assert_status(422).assert_contains("Choose one option for every event").assert_contains(
        "name=\"mention\" value=\"email\" aria-label=\"Someone mentions me (@name): Site and e-mail\" checked",
    );
    assert_eq!(app.count("notification_prefs"), 0);

    // Replies to my topics: e-mail; mentions: off; the rest on the site.
    save_prefs(&mia, &prefs_form("site", "immediate", &[("topic_reply", "email"), ("mention", "off")])).await;
    mia.get("/settings/notifications?saved=1")
        .await
        .assert_contains("Saved.")
        .assert_contains("name=\"mention\" value=\"off\" aria-label=\"Someone mentions me (@name): Off\" checked");
    let (_, topic) = start_topic(&mia, "general", "Mail me replies", "Please").await;
    reply(&bob, &topic, "A reply worth an e-mail").await;
    let (_, other) = start_topic(&bob, "general", "Bob's topic", "Hello").await;
    reply(&bob, &other, "Hey @mia, look").await;
    app.settle().await;
    let list = mia.get("/notifications").await;
    list.assert_contains("bob replied to your topic").assert_lacks("mentioned you");
    assert_eq!(app.count("mail_outbox"), 1, "only the kind set to e-mail is mailed");
    assert_eq!(deliver(&app), 1);

    // Replies set to off: nothing at all.
    save_prefs(&mia, &prefs_form("site", "immediate", &[("topic_reply", "off")])).await;
    reply(&bob, &topic, "Nobody hears this").await;
    app.settle().await;
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'topic_reply'"), 1);
    assert_eq!(app.count("mail_outbox"), 1);
    // One row per kind, however often it is saved.
    assert_eq!(app.count("notification_prefs"), plaza::notifications::prefs::KINDS.len() as i64 + 1);
}

#[tokio::test]
async fn mail_is_multipart_in_the_members_language_with_one_click_unsubscribe() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    mia.post("/settings", &[("display_name", ""), ("bio", ""), ("locale", "zh-CN"), ("email_notifications", "on")])
        .await
        .assert_status(303);
    let (_, topic) = start_topic(&mia, "general", "Mail me", "Please").await;
    reply(&bob, &topic, "A reply <b>worth</b> an e-mail").await;
    app.settle().await;
    assert_eq!(deliver(&app), 1);
    let eml = mails(&app).pop().expect("a mail");
    assert!(eml.contains("Content-Type: multipart/alternative"), "{eml}");
    assert!(eml.contains("Content-Type: text/plain; charset=utf-8"), "{eml}");
    assert!(eml.contains("Content-Type: text/html; charset=utf-8"), "{eml}");
    assert!(eml.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{eml}");
    // In Chinese (the subject is encoded; the body says it).
    assert!(eml.contains("Subject: bob =?utf-8?b?"), "{eml}");
    assert!(eml.contains("bob 回复了你的主题"), "{eml}");
    let path = unsubscribe_path(&eml);
    assert!(path.starts_with(&format!("/unsubscribe/{}.topic_reply.", app.ids("users", "id")[0])), "{path}");

    // A forged or altered token is refused.
    let forged = path.replace(".topic_reply.", ".mention.");
    app.new_browser().get(&forged).await.assert_status(404);
    app.new_browser().post_raw(&forged, &[("List-Unsubscribe", "One-Click")]).await.assert_status(404);
    app.new_browser().get("/unsubscribe/garbage").await.assert_status(404);

    // The link asks first (mail scanners follow links) ...
    let visitor = app.new_browser();
    visitor.get(&path).await.assert_status(200).assert_contains(&format!("action=\"{path}\""));
    assert_eq!(app.count("notification_prefs"), 0);
    // ... and the mail client's one-click POST needs no login and no CSRF token.
    visitor.post_raw(&path, &[("List-Unsubscribe", "One-Click")]).await.assert_status(200);
    mia.get("/settings/notifications").await.assert_contains("name=\"topic_reply\" value=\"site\"");
    reply(&bob, &topic, "No mail for this").await;
    app.settle().await;
    assert_eq!(app.count("mail_outbox"), 1, "that kind's e-mail is off");
    assert_eq!(
        app.number("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'topic_reply'"),
        2,
        "still on the site"
    );
}

/// The digest period ends: every held copy is due.
fn end_digest_period(app: &crate::helpers::TestApp) {
    use diesel::prelude::*;
    let past = plaza::now() - chrono::Duration::minutes(1);
    diesel::update(plaza::db::schema::mail_outbox::table)
        .set(plaza::db::schema::mail_outbox::next_attempt_at.eq(past))
        .execute(&mut app.conn())
        .unwrap();
}

#[tokio::test]
async fn a_digest_gathers_the_periods_mail_into_one_sent_once() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    save_prefs(&mia, &prefs_form("email", "daily", &[])).await;
    let (_, topic) = start_topic(&mia, "general", "Daily", "Please").await;
    for text in ["First reply", "Second reply", "Third reply"] {
        reply(&bob, &topic, text).await;
    }
    let (_, hidden) = reply(&bob, &topic, "Soon deleted").await;
    app.settle().await;
    assert_eq!(app.count("mail_outbox"), 4);
    assert_eq!(deliver(&app), 0, "held until the day ends");
    bob.post(&format!("/replies/{hidden}/delete"), &[]).await.assert_status(303);

    // The day ends; two workers gather at once: one digest.
    end_digest_period(&app);
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (pool, settings) = (app.pool.clone(), app.settings.clone());
            std::thread::spawn(move || plaza::jobs::mail::deliver_due(&mut pool.get().unwrap(), &settings).unwrap())
        })
        .collect();
    let sent: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(sent, 1);
    let all = mails(&app);
    assert_eq!(all.len(), 1, "{all:?}");
    let eml = &all[0];
    assert!(eml.contains("Subject: Your daily digest: 3 notifications"), "{eml}");
    for text in ["First reply", "Second reply", "Third reply"] {
        assert!(eml.contains(text), "{eml}");
    }
    assert!(!eml.contains("Soon deleted"), "a deleted reply is withdrawn from the digest:\n{eml}");
    assert!(eml.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{eml}");
    assert_eq!(deliver(&app), 0, "nothing is sent twice");
}

#[tokio::test]
async fn prefs_saved_at_once_leave_one_row_per_kind() {
    let app = spawn().await;
    let mia = app.user_browser("mia", Role::Member).await;
    let forms = [prefs_form("site", "daily", &[]), prefs_form("email", "weekly", &[]), prefs_form("off", "daily", &[])];
    let saves = forms.iter().map(|f| mia.post("/settings/notifications", f));
    for page in futures_util::future::join_all(saves).await {
        page.assert_status(303);
    }
    assert_eq!(app.count("notification_prefs"), plaza::notifications::prefs::KINDS.len() as i64 + 1);
}

#[tokio::test]
async fn a_mention_in_a_blog_comment_notifies_like_one_in_the_forums() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (_, id) = publish_id(&alice, "alice", "Sync tips", "Steps inside.", "").await;
    let carl = app.user_browser("carl", Role::Member).await;
    let dora = app.user_browser("dora", Role::Member).await;
    carl.post(&format!("/posts/{id}/comments"), &[("body", "@dora you asked about this")]).await.assert_status(303);
    dora.get("/notifications").await.assert_contains("carl mentioned you in a comment");
}

#[tokio::test]
async fn an_idea_status_mail_says_the_status_and_the_note() {
    let app = spawn().await;
    app.create_board("ideas", "ideas", "everyone", "members");
    let ann = app.user_browser("ann", Role::Member).await;
    let staff = app.user_browser("pmlead", Role::Employee).await;
    ann.post("/settings", &[("display_name", ""), ("bio", ""), ("locale", "en"), ("email_notifications", "on")])
        .await
        .assert_status(303);
    let (_, idea) = start_topic(&ann, "ideas", "Dark mode", "Please").await;
    staff
        .post(&format!("/topics/{idea}/status"), &[("status", "planned"), ("note", "Coming in **Q1**.")])
        .await
        .assert_status(303);
    app.settle().await;
    ann.get("/notifications").await.assert_contains("pmlead changed the status of an idea you follow to “Planned”");
    assert_eq!(deliver(&app), 1);
    let eml = mails(&app).pop().unwrap();
    assert!(eml.contains("Planned"), "{eml}");
    assert!(eml.contains("Coming in Q1."), "{eml}");
}

#[tokio::test]
async fn an_idea_status_note_reaches_a_digest_too() {
    let app = spawn().await;
    app.create_board("ideas", "ideas", "everyone", "members");
    let ann = app.user_browser("ann", Role::Member).await;
    let staff = app.user_browser("pmlead", Role::Employee).await;
    save_prefs(&ann, &prefs_form("email", "daily", &[])).await;
    let (_, idea) = start_topic(&ann, "ideas", "Dark mode", "Please").await;
    staff
        .post(&format!("/topics/{idea}/status"), &[("status", "planned"), ("note", "Coming in **Q1**.")])
        .await
        .assert_status(303);
    app.settle().await;
    end_digest_period(&app);
    assert_eq!(deliver(&app), 1);
    let eml = mails(&app).pop().unwrap();
    assert!(eml.contains("Your daily digest"), "{eml}");
    assert!(eml.contains("Planned") && eml.contains("Coming in Q1."), "{eml}");
}

#[tokio::test]
async fn the_settings_box_stays_the_master_switch_for_e_mail() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    save_prefs(&mia, &prefs_form("site", "immediate", &[("topic_reply", "email")])).await;
    mia.get("/settings").await.assert_contains("name=\"email_notifications\" value=\"on\" checked");
    // Unticked in the settings: no e-mail of any kind, the page says so.
    mia.post("/settings", &[("display_name", ""), ("bio", ""), ("locale", "en")]).await.assert_status(303);
    mia.get("/settings/notifications").await.assert_contains(
        "name=\"topic_reply\" value=\"site\" aria-label=\"Replies to my topics: On the site\" checked",
    );
    let (_, topic) = start_topic(&mia, "general", "Quiet now", "Please").await;
    reply(&bob, &topic, "No mail").await;
    app.settle().await;
    assert_eq!(app.count("mail_outbox"), 0);
}
