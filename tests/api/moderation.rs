//! Moderation: flags, the review queue and its actions, sanctions with appeals, the log.

use plaza::accounts::Role;

use crate::helpers::{PASSWORD, TestApp, reply, spawn, start_topic};

/// A help board with a member's topic; returns the topic's path and id.
async fn board_with_topic(app: &TestApp, author: &crate::helpers::Browser, title: &str) -> (String, String) {
    app.create_board("help", "discussion", "everyone", "members");
    start_topic(author, "help", title, "Buy cheap watches at example dot com, best prices").await
}

fn open_queue_id(app: &TestApp) -> String {
    app.number("SELECT MAX(id) AS n FROM mod_queue WHERE resolved_at IS NULL").to_string()
}

#[tokio::test]
async fn lifting_a_suspension_closes_the_appeal_waiting_against_it() {
    let app = spawn().await;
    let moderator = app.user_browser("mona", Role::Moderator).await;
    let troll = app.create_user("troll", Role::Member);
    moderator
        .post(
            &format!("/mod/users/{troll}"),
            &[("member", "suspend"), ("message", "Repeated insults"), ("length", "7d"), ("note", "")],
        )
        .await
        .assert_status(303);
    let login = app.new_browser().login("troll", PASSWORD).await;
    let link = login.body.split("href=\"/appeal?token=").nth(1).expect("appeal link").split('"').next().unwrap_or("");
    app.new_browser()
        .post("/appeal", &[("token", link), ("body", "Please look again at my posts.")])
        .await
        .assert_status(303);
    let q = open_queue_id(&app);
    moderator.get("/mod").await.assert_contains("Please look again at my posts.");
    let sanction = app.number("SELECT MAX(id) AS n FROM sanctions");
    moderator.post(&format!("/mod/sanctions/{sanction}/lift"), &[("note", "")]).await.assert_status(303);
    // The appeal left the queue, granted; refusing it afterwards changes nothing.
    moderator.get("/mod").await.assert_lacks("Please look again at my posts.");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_queue WHERE resolved_at IS NULL"), 0);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM appeals WHERE outcome = 'lifted'"), 1);
    moderator.post(&format!("/mod/queue/{q}"), &[("action", "uphold"), ("answer", "No."), ("back", "/mod")]).await;
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_actions WHERE action = 'appeal_upheld'"), 0);
    app.get("/mod/log").await.assert_lacks("appeal was refused");
    // Staff are told their log carries names and notes, and when their filters match nothing.
    moderator.get("/mod/log").await.assert_contains("with names and staff notes");
    moderator.get("/mod/log?member=nobody").await.assert_contains("Nothing in the log matches these filters.");
}

#[tokio::test]
async fn members_flag_once_never_their_own_and_enough_flags_hide_until_reviewed() {
    let app = spawn().await;
    let author = app.user_browser("spammy", Role::Member).await;
    let (path, id) = board_with_topic(&app, &author, "Watches for sale").await;
    let flaggers = [
        app.user_browser("ann", Role::Member).await,
        app.user_browser("bob", Role::Member).await,
        app.user_browser("cyd", Role::Member).await,
    ];

    // The link is there for members, never on their own post, never for visitors.
    flaggers[0].get(&path).await.assert_contains(&format!("/flag/content/{id}"));
    author.get(&path).await.assert_lacks(&format!("/flag/content/{id}"));
    app.get(&path).await.assert_lacks(&format!("/flag/content/{id}"));
    author.get(&format!("/flag/content/{id}")).await.assert_contains("This is yours");
    author
        .post(&format!("/flag/content/{id}"), &[("reason", "spam"), ("note", "")])
        .await
        .assert_status(422)
        .assert_contains("This is yours");
    assert_eq!(app.count("flags"), 0);

    // Bad input: no reason; "something else" without a word. The note comes back.
    let bad = flaggers[0].post(&format!("/flag/content/{id}"), &[("reason", ""), ("note", "my words")]).await;
    bad.assert_status(422).assert_contains("Choose why you flag it.").assert_contains("my words");
    flaggers[0]
        .post(&format!("/flag/content/{id}"), &[("reason", "other"), ("note", " ")])
        .await
        .assert_status(422)
        .assert_contains("Say what is wrong");

    for (i, b) in flaggers.iter().take(2).enumerate() {
        b.post(&format!("/flag/content/{id}"), &[("reason", "spam"), ("note", &format!("seen it {i}"))])
            .await
            .assert_redirect(&format!("/flag/content/{id}?done=1"));
    }
    // Twice: refused with a message, still one flag.
    flaggers[0]
        .post(&format!("/flag/content/{id}"), &[("reason", "abuse"), ("note", "")])
        .await
        .assert_status(422)
        .assert_contains("You flagged this already.");
    assert_eq!(app.count("flags"), 2);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_queue WHERE resolved_at IS NULL"), 1);
    app.get(&path).await.assert_status(200);

    // The third flag reaches the threshold (3): hidden from everyone but moderators and author.
    flaggers[2].post(&format!("/flag/content/{id}"), &[("reason", "spam"), ("note", "")]).await.assert_status(303);
    app.get(&path).await.assert_status(404);
    app.get("/forums/help").await.assert_lacks("Watches for sale");
    author.get(&path).await.assert_status(200).assert_contains("Hidden");
    author.get("/notifications").await.assert_contains("was hidden after members flagged it");
    assert!(!author.get("/notifications").await.body.contains("ann"), "the author is not told who flagged");
    app.get("/mod/log").await.assert_contains("Hidden: a topic in Board help (Spam or advertising)");
}

#[tokio::test]
async fn the_queue_shows_flagged_items_and_moderators_approve_hide_or_delete_them() {
    let app = spawn().await;
    let author = app.user_browser("writer", Role::Member).await;
    let (path, id) = board_with_topic(&app, &author, "A fair question").await;
    let (_, reply_id) = reply(&author, &id, "A reply that someone dislikes").await;
    let member = app.user_browser("reader", Role::Member).await;
    let moderator = app.user_browser("mona", Role::Moderator).await;
    member.get("/mod").await.assert_status(403);
    app.get("/mod").await.assert_status(303);

    member.post(&format!("/flag/content/{id}"), &[("reason", "off_topic"), ("note", "not about us")]).await;
    member.post(&format!("/flag/content/{reply_id}"), &[("reason", "abuse"), ("note", "rude")]).await;

    // The header counts what waits; the queue shows it in context, with the reasons.
    let queue = moderator.get("/mod").await;
    queue.assert_status(200).assert_contains("2 items waiting").assert_contains("A fair question");
    queue.assert_contains("Off topic").assert_contains("not about us").assert_contains("Abusive or harassing");
    queue.assert_contains("A reply that someone dislikes").assert_contains("writer");
    moderator
        .get("/")
        .await
        .assert_contains(r#"<a href="/mod" class="notif-link">Review <span class="count" aria-hidden="true">2</span>"#);
    moderator
        .get("/mod?reason=abuse")
        .await
        .assert_contains("A reply that someone dislikes")
        .assert_lacks("not about us");
    moderator.get("/mod?kind=topic").await.assert_contains("not about us").assert_lacks("someone dislikes");

    // No decision: a message, the note kept.
    let q_topic = app.number(&format!("SELECT id AS n FROM mod_queue WHERE content_id = {id}")).to_string();
    let q_reply = app.number(&format!("SELECT id AS n FROM mod_queue WHERE content_id = {reply_id}")).to_string();
    moderator
        .post(&format!("/mod/queue/{q_topic}"), &[("action", ""), ("note", "thinking"), ("back", "/mod")])
        .await
        .assert_status(422)
        .assert_contains("Choose a decision.")
        .assert_contains("thinking");
    // A member cannot act.
    member.post(&format!("/mod/queue/{q_topic}"), &[("action", "delete"), ("back", "/mod")]).await.assert_status(403);

    moderator
        .post(&format!("/mod/queue/{q_topic}"), &[("action", "approve"), ("note", "fine"), ("back", "/mod")])
        .await
        .assert_redirect("/mod?msg=done");
    app.get(&path).await.assert_status(200);
    moderator
        .post(
            &format!("/mod/queue/{q_reply}"),
            &[("action", "hide"), ("reason", "abuse"), ("note", "rude"), ("back", "/mod")],
        )
        .await
        .assert_status(303);
    app.get(&path).await.assert_lacks("A reply that someone dislikes");
    assert_eq!(app.number(&format!("SELECT CAST(reply_count AS BIGINT) AS n FROM topics WHERE content_id = {id}")), 0);
    // Acting on what another moderator handled: told so.
    moderator
        .post(&format!("/mod/queue/{q_reply}"), &[("action", "delete"), ("back", "/mod")])
        .await
        .assert_redirect("/mod?msg=gone");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_queue WHERE resolved_at IS NULL"), 0);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM flags WHERE outcome = 'dismissed'"), 1);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM flags WHERE outcome = 'upheld'"), 1);

    // The piece's own page shows staff its history; the full log names the moderator and note.
    moderator
        .get(&format!("/mod/content/{reply_id}"))
        .await
        .assert_contains("Hidden")
        .assert_contains("mona")
        .assert_contains("rude");
    member.get(&format!("/mod/content/{reply_id}")).await.assert_status(403);
    moderator.get("/mod/log").await.assert_contains("mona").assert_contains("fine");
    let public = app.get("/mod/log").await;
    public
        .assert_contains("Hidden: a reply in Board help (Abusive or harassing)")
        .assert_lacks("mona")
        .assert_lacks("rude");

    // Deleting from a piece's page.
    moderator
        .post(&format!("/mod/content/{id}"), &[("action", "delete"), ("note", "")])
        .await
        .assert_redirect(&format!("/mod/content/{id}?msg=done"));
    app.get(&path).await.assert_status(404);
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 0);
}

#[tokio::test]
async fn suspensions_keep_members_out_with_the_reason_and_take_one_appeal() {
    let app = spawn().await;
    let troll = app.user_browser("troll", Role::Member).await;
    let (_, id) = board_with_topic(&app, &troll, "Flame bait").await;
    let member = app.user_browser("reader", Role::Member).await;
    let moderator = app.user_browser("mona", Role::Moderator).await;
    member.post(&format!("/flag/content/{id}"), &[("reason", "abuse"), ("note", "")]).await;
    let q = open_queue_id(&app);

    // Bad input: no reason for the member; an end in the past. Everything typed comes back.
    let page = moderator
        .post(
            &format!("/mod/queue/{q}"),
            &[
                ("action", "hide"),
                ("member", "suspend"),
                ("message", ""),
                ("length", "7d"),
                ("note", "n1"),
                ("back", "/mod"),
            ],
        )
        .await;
    page.assert_status(422).assert_contains("Write the reason the member will read.").assert_contains("n1");
    moderator
        .post(
            &format!("/mod/queue/{q}"),
            &[
                ("action", "hide"),
                ("member", "suspend"),
                ("message", "Repeated insults"),
                ("length", "until"),
                ("until", "2001-01-01T10:00"),
                ("back", "/mod"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("That end is in the past")
        .assert_contains("Repeated insults");
    assert_eq!(app.count("sanctions"), 0);

    // A moderator cannot sanction themselves or an admin.
    let admin_id = app.create_user("boss", Role::Admin);
    moderator
        .post(&format!("/mod/users/{admin_id}"), &[("member", "warn"), ("message", "no")])
        .await
        .assert_status(403);

    moderator
        .post(
            &format!("/mod/queue/{q}"),
            &[
                ("action", "hide"),
                ("member", "suspend"),
                ("message", "Repeated insults"),
                ("length", "7d"),
                ("back", "/mod"),
            ],
        )
        .await
        .assert_status(303);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM sanctions WHERE kind = 'suspend'"), 1);
    // Logged out at once; the login page says why and until when.
    troll.get("/settings").await.assert_status(303);
    let login = app.new_browser().login("troll", PASSWORD).await;
    login.assert_status(403).assert_contains("This account is suspended until");
    let mails = app.mails_to("troll@example.com");
    let (subject, body) = mails.last().expect("a mail");
    assert!(subject.contains("suspended"), "{subject}");
    assert!(body.contains("Repeated insults") && body.contains("/appeal?token="), "{body}");

    // The appeal page from the login page's link.
    let link = login
        .body
        .split("href=\"/appeal?token=")
        .nth(1)
        .expect("appeal link")
        .split('"')
        .next()
        .unwrap_or("")
        .to_string();
    let visitor = app.new_browser();
    let appeal = visitor.get(&format!("/appeal?token={link}")).await;
    appeal.assert_status(200).assert_contains("Your account is suspended").assert_contains("Repeated insults");
    // The mail's link, made before the sign-in's, still works: every try must not kill the last.
    let mailed: String = body.split("/appeal?token=").nth(1).unwrap_or("").chars().take(64).collect();
    assert_ne!(mailed, link);
    visitor
        .get(&format!("/appeal?token={mailed}"))
        .await
        .assert_status(200)
        .assert_contains("Your account is suspended");
    visitor
        .post("/appeal", &[("token", &link), ("body", "")])
        .await
        .assert_status(422)
        .assert_contains("Write your appeal.");
    visitor
        .post("/appeal", &[("token", &link), ("body", "I was quoting someone else.")])
        .await
        .assert_redirect(&format!("/appeal?token={link}&msg=sent"));
    visitor
        .post("/appeal", &[("token", &link), ("body", "Again!")])
        .await
        .assert_status(422)
        .assert_contains("You appealed against this already.")
        .assert_contains("Again!");
    assert_eq!(app.count("appeals"), 1);
    visitor.get("/appeal?token=0000").await.assert_contains("This link no longer works.");

    // The appeal is in the queue; granting it lifts the suspension and tells the member.
    moderator.get("/mod").await.assert_contains("I was quoting someone else.").assert_contains("Appeal");
    let q = open_queue_id(&app);
    moderator
        .post(&format!("/mod/queue/{q}"), &[("action", "lift"), ("answer", "Sorry, our mistake."), ("back", "/mod")])
        .await
        .assert_status(303);
    let mails = app.mails_to("troll@example.com");
    assert!(mails.last().is_some_and(|(s, b)| s.contains("granted") && b.contains("Sorry, our mistake.")));
    let troll = app.new_browser();
    troll.login_ok("troll").await;
    troll.get("/settings").await.assert_status(200);
    app.get("/mod/log").await.assert_contains("A member was suspended").assert_contains("sanction was lifted");
}

#[tokio::test]
async fn silenced_members_read_but_cannot_post_and_their_text_is_kept() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let loud = app.user_browser("loud", Role::Member).await;
    let uid = app.number("SELECT id AS n FROM users WHERE username = 'loud'");
    let moderator = app.user_browser("mona", Role::Moderator).await;
    moderator.get(&format!("/mod/users/{uid}")).await.assert_status(200).assert_contains("None so far.");
    moderator
        .post(&format!("/mod/users/{uid}"), &[("member", "silence"), ("message", "Cool down"), ("length", "1d")])
        .await
        .assert_redirect(&format!("/mod/users/{uid}?msg=done"));
    loud.get("/forums/help").await.assert_status(200);
    let refused = loud
        .post(
            "/forums/help/new",
            &[("title", "Let me speak"), ("body", "My long careful text"), ("tags", ""), ("action", "save")],
        )
        .await;
    refused.assert_status(403).assert_contains("Cool down").assert_contains("My long careful text");
    assert_eq!(app.count("topics"), 0);
    loud.get("/notifications").await.assert_contains("A moderator silenced you");
    loud.get("/appeal").await.assert_contains("you can read but not post. It ends on ");
    // In Chinese the two sentences follow each other without a space.
    loud.post("/lang", &[("lang", "zh-CN"), ("next", "/appeal")]).await;
    loud.get("/appeal").await.assert_contains("不能发帖。结束时间：");
    loud.post("/lang", &[("lang", "en"), ("next", "/appeal")]).await;

    // Lifted by hand: posting works again.
    let sid = app.number("SELECT id AS n FROM sanctions").to_string();
    moderator.post(&format!("/mod/sanctions/{sid}/lift"), &[("note", "ok")]).await.assert_status(303);
    start_topic(&loud, "help", "Let me speak", "My long careful text").await;

    // A silence that has ended lets them post without anyone lifting it.
    moderator
        .post(&format!("/mod/users/{uid}"), &[("member", "silence"), ("message", "Again"), ("length", "1d")])
        .await
        .assert_status(303);
    {
        use diesel::prelude::*;
        let mut conn = app.conn();
        diesel::sql_query("UPDATE users SET silenced_until = '2001-01-01 00:00:00' WHERE username = 'loud'")
            .execute(&mut conn)
            .expect("end the silence");
    }
    start_topic(&loud, "help", "Back again", "Hello").await;
}

#[tokio::test]
async fn profiles_can_be_reported_and_the_threshold_is_an_admin_setting() {
    let app = spawn().await;
    let member = app.user_browser("ann", Role::Member).await;
    app.create_user("bot123", Role::Member);
    member.get("/u/bot123").await.assert_contains("/flag/user/bot123");
    member.get("/u/ann").await.assert_lacks("/flag/user/ann");
    member
        .post("/flag/user/bot123", &[("reason", "spam"), ("note", "link farm")])
        .await
        .assert_redirect("/flag/user/bot123?done=1");
    member.post("/flag/user/ann", &[("reason", "spam"), ("note", "")]).await.assert_status(422);
    let moderator = app.user_browser("mona", Role::Moderator).await;
    moderator.get("/mod?kind=profile").await.assert_contains("Profile of bot123").assert_contains("link farm");
    let q = open_queue_id(&app);
    moderator.post(&format!("/mod/queue/{q}"), &[("action", "dismiss"), ("back", "/mod")]).await.assert_status(303);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM flags WHERE outcome = 'dismissed'"), 1);

    let admin = app.user_browser("boss", Role::Admin).await;
    moderator.get("/mod/settings").await.assert_status(403);
    admin
        .post("/mod/settings", &[("threshold", "zero")])
        .await
        .assert_status(422)
        .assert_contains("whole number")
        .assert_contains("zero");
    admin.post("/mod/settings", &[("threshold", "1")]).await.assert_redirect("/mod/settings?msg=saved");
    app.create_board("help", "discussion", "everyone", "members");
    let (path, id) = start_topic(&admin, "help", "Admin post", "text").await;
    let (_, reply_id) = reply(&admin, &id, "one flag is enough now").await;
    member.post(&format!("/flag/content/{reply_id}"), &[("reason", "spam"), ("note", "")]).await;
    app.get(&path).await.assert_lacks("one flag is enough now");
}

#[tokio::test]
async fn new_members_posts_wait_on_premoderated_boards_and_have_limits() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    app.create_board("help", "discussion", "everyone", "members");
    let board = app.number("SELECT id AS n FROM boards WHERE slug = 'help'");
    // The board's form offers pre-moderation; a made-up value is refused with the form kept.
    let fields = |premod: &'static str| {
        vec![
            ("name", "Help"),
            ("slug", "help"),
            ("kind", "discussion"),
            ("view_access", "everyone"),
            ("post_access", "members"),
            ("position", "0"),
            ("premoderation", premod),
        ]
    };
    admin
        .post(&format!("/admin/forums/boards/{board}"), &fields("sometimes"))
        .await
        .assert_status(422)
        .assert_contains("Choose whose posts wait for approval.");
    admin.post(&format!("/admin/forums/boards/{board}"), &fields("new")).await.assert_status(303);
    admin.get(&format!("/admin/forums/boards/{board}")).await.assert_contains(r#"<option value="new" selected>"#);

    let newbie = app.user_browser("newbie", Role::Member).await;
    let newbie_id = app.number("SELECT id AS n FROM users WHERE username = 'newbie'");
    app.set_trust(newbie_id, 0);
    let regular = app.user_browser("oldhand", Role::Member).await;
    newbie.get("/settings").await.assert_contains("Your trust level: New (0).").assert_contains("topics read");

    // Held: the author sees it, nobody else, and it waits in the queue.
    let (path, id) = start_topic(&newbie, "help", "First question", "Hello everyone").await;
    // It says it waits for approval, not that a moderator hid it.
    newbie
        .get(&path)
        .await
        .assert_status(200)
        .assert_contains("Waiting for approval")
        .assert_contains("A moderator looks at it before it is published")
        .assert_lacks("Hidden: only its author");
    app.get(&path).await.assert_status(404);
    app.get("/forums/help").await.assert_lacks("First question");
    let moderator = app.user_browser("mona", Role::Moderator).await;
    moderator.get("/mod?reason=held").await.assert_contains("First question").assert_contains("Held for review");
    // Members above level 0 are not held.
    let (other, _) = start_topic(&regular, "help", "Not held", "text").await;
    app.get(&other).await.assert_status(200);
    let q = app.number(&format!("SELECT id AS n FROM mod_queue WHERE content_id = {id}"));
    moderator.post(&format!("/mod/queue/{q}"), &[("action", "approve"), ("back", "/mod")]).await.assert_status(303);
    app.get(&path).await.assert_status(200).assert_contains("Hello everyone");
    // Told it is published (it was never shown before, so not "shown again").
    newbie
        .get("/notifications")
        .await
        .assert_contains("approved “First question”: it is published")
        .assert_lacks("shown again");
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 2);

    // "Every member's": a regular's reply waits too; staff never.
    admin.post(&format!("/admin/forums/boards/{board}"), &fields("all")).await.assert_status(303);
    reply(&regular, &id, "A reply by a regular").await;
    reply(&admin, &id, "A reply by the admin").await;
    app.get(&path).await.assert_lacks("A reply by a regular").assert_contains("A reply by the admin");
    regular.get(&path).await.assert_contains("A reply by a regular").assert_contains("Waiting for approval");
    // A moderator who hides it decides: it is hidden now, no longer waiting.
    let held_reply = app.number("SELECT MAX(id) AS n FROM contents WHERE kind = 'reply' AND held");
    moderator
        .post(&format!("/mod/content/{held_reply}"), &[("action", "hide"), ("reason", "spam")])
        .await
        .assert_status(303);
    regular.get(&path).await.assert_lacks("Waiting for approval").assert_contains("Hidden: only its author");

    // A new member's limits: too many links, said with the text kept; nothing made.
    let before = app.count("contents");
    let links = "see https://a.example and https://b.example and https://c.example";
    newbie
        .post(&format!("/topics/{id}/replies"), &[("body", links)])
        .await
        .assert_status(422)
        .assert_contains("at most 2 links")
        .assert_contains("https://c.example");
    assert_eq!(app.count("contents"), before);
}

#[tokio::test]
async fn watched_words_block_hold_replace_and_tag_in_english_and_chinese() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let moderator = app.user_browser("mona", Role::Moderator).await;
    moderator.get("/mod/words").await.assert_status(403);
    // Bad patterns are refused with what was typed kept.
    admin
        .post("/mod/words", &[("pattern", r"(a)\1"), ("kind", "regex"), ("action", "block"), ("replacement", "")])
        .await
        .assert_status(422)
        .assert_contains("cannot run in time linear")
        .assert_contains(r"(a)\1");
    admin
        .post("/mod/words", &[("pattern", "  "), ("kind", "word"), ("action", "block"), ("replacement", "")])
        .await
        .assert_status(422)
        .assert_contains("Give a word, a phrase or a pattern.");
    for (pattern, kind, action, replacement) in [
        ("casino", "word", "block", ""),
        ("赌场", "word", "block", ""),
        ("data leak", "word", "hold", ""),
        ("退款", "word", "tag", "refunds"),
        ("darn", "word", "replace", "d**n"),
        ("(a+)+$", "regex", "hold", ""),
    ] {
        admin
            .post(
                "/mod/words",
                &[("pattern", pattern), ("kind", kind), ("action", action), ("replacement", replacement)],
            )
            .await
            .assert_redirect("/mod/words?msg=added");
    }
    admin
        .post("/mod/words", &[("pattern", "casino"), ("kind", "word"), ("action", "hold"), ("replacement", "")])
        .await
        .assert_status(422)
        .assert_contains("This is watched already.");
    admin.get("/mod/words").await.assert_contains("data leak").assert_contains("赌场");

    app.create_board("help", "discussion", "everyone", "members");
    let member = app.user_browser("ann", Role::Member).await;
    let before = app.count("contents");
    member
        .post(
            "/forums/help/new",
            &[("title", "Best Casino deals"), ("body", "My careful words"), ("tags", ""), ("action", "save")],
        )
        .await
        .assert_status(422)
        .assert_contains("“Casino”")
        .assert_contains("My careful words");
    member
        .post("/forums/help/new", &[("title", "问题"), ("body", "附近有赌场吗"), ("tags", ""), ("action", "save")])
        .await
        .assert_status(422)
        .assert_contains("“赌场”");
    assert_eq!(app.count("contents"), before);
    // "art" is not in "start", nor 赌场 in an unrelated word.
    let (path, id) = start_topic(&member, "help", "Start here", "我要退款. Darn it.").await;
    let page = app.get(&path).await;
    page.assert_status(200).assert_contains("d**n it").assert_lacks("Darn it").assert_contains("/tags/refunds");
    // Held: a phrase, and a pattern that would hang a backtracking engine.
    reply(&member, &id, "There was a Data  Leak yesterday").await;
    reply(&member, &id, &format!("{}!", "a".repeat(5000))).await;
    app.get(&path).await.assert_lacks("Leak yesterday");
    let queue = moderator.get("/mod?reason=watched").await;
    queue.assert_contains("Watched word").assert_contains("“Data  Leak”");
    // Staff are not checked.
    start_topic(&admin, "help", "Casino night for the team", "fun").await;
    // Removing a word stops it.
    let id = app.number("SELECT id AS n FROM watched_words WHERE pattern = 'casino'");
    admin.post(&format!("/mod/words/{id}/delete"), &[]).await.assert_redirect("/mod/words?msg=removed");
    start_topic(&member, "help", "Casino again", "fine now").await;
    // Staff see the list's changes in the log; the public log never names a watched word.
    moderator
        .get("/mod/log?action=word_removed")
        .await
        .assert_contains("Watched word removed")
        .assert_contains("casino")
        .assert_lacks("赌场");
    moderator.get("/mod/log?action=word_added").await.assert_contains("退款 (tag: refunds)");
    for reader in [app.get("/mod/log").await, member.get("/mod/log").await] {
        reader.assert_status(200).assert_lacks("Watched word").assert_lacks("赌场").assert_lacks("退款");
    }
}

#[tokio::test]
async fn trust_levels_are_earned_shown_and_set_by_staff_and_weigh_flags() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let member = app.user_browser("ann", Role::Member).await;
    let ann = app.number("SELECT id AS n FROM users WHERE username = 'ann'");
    app.set_trust(ann, 0);
    // Thresholds are the admins': level 1 after reading one topic, nothing else.
    let mut fields: Vec<(String, String)> = vec![("threshold".into(), "3".into())];
    for (level, values) in [(1, [0, 1, 0, 0, 5]), (2, [15, 30, 3, 1, 2]), (3, [50, 100, 10, 10, 0])] {
        for (f, v) in ["days", "read", "posts", "likes", "max_upheld"].iter().zip(values) {
            fields.push((format!("l{level}_{f}"), v.to_string()));
        }
    }
    for (f, v) in [("links", "2"), ("pictures", "1"), ("per_hour", "10")] {
        fields.push((format!("new_{f}"), v.into()));
    }
    let mut bad = fields.clone();
    bad[1].1 = "-4".into();
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    admin
        .post("/mod/settings", &bad)
        .await
        .assert_status(422)
        .assert_contains("Some numbers are not right")
        .assert_contains("-4");
    let good: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    admin.post("/mod/settings", &good).await.assert_redirect("/mod/settings?msg=saved");

    app.create_board("help", "discussion", "everyone", "members");
    let (path, topic) = start_topic(&admin, "help", "Read me", "text").await;
    member
        .get("/settings")
        .await
        .assert_contains("Your trust level: New (0).")
        .assert_contains("1 topics read (you: 0)");
    member.get(&path).await.assert_status(200);
    app.settle().await;
    assert_eq!(app.count("member_reads"), 1);
    member.get("/settings").await.assert_contains("Your trust level: Basic (1).");

    // Staff set a level by hand; it is locked and shown.
    let moderator = app.user_browser("mona", Role::Moderator).await;
    moderator.post(&format!("/mod/users/{ann}/trust"), &[("level", "3")]).await.assert_status(303);
    member.get("/settings").await.assert_contains("Regular (3)").assert_contains("Staff set it by hand.");
    moderator.get(&format!("/mod/users/{ann}")).await.assert_contains("Regular (3) (set by staff)");
    moderator.post(&format!("/mod/users/{ann}/trust"), &[("level", "9")]).await.assert_status(400);
    member.post(&format!("/mod/users/{ann}/trust"), &[("level", "4")]).await.assert_status(403);
    // A regular's flag weighs the whole threshold of 3.
    let (_, reply_id) = reply(&admin, &topic, "A reply to flag").await;
    member.post(&format!("/flag/content/{reply_id}"), &[("reason", "spam"), ("note", "")]).await.assert_status(303);
    app.get(&path).await.assert_lacks("A reply to flag");
}

#[tokio::test]
async fn staff_are_alerted_of_public_posts_naming_their_words_at_once() {
    let app = spawn().await;
    let staff = app.user_browser("prteam", Role::Employee).await;
    let member = app.user_browser("ann", Role::Member).await;
    member.get("/alerts").await.assert_status(403);
    member.post("/alerts", &[("word", "refund")]).await.assert_status(403);
    staff.post("/alerts", &[("word", "  ")]).await.assert_status(422).assert_contains("Give a word");
    staff.post("/alerts", &[("word", "Refund")]).await.assert_redirect("/alerts?msg=added");
    staff.post("/alerts", &[("word", "refund")]).await.assert_status(422).assert_contains("You watch this already.");
    staff.post("/alerts", &[("word", "退款")]).await.assert_redirect("/alerts?msg=added");
    staff.get("/alerts").await.assert_contains("refund").assert_contains("退款");
    app.settle().await; // the worker's first round starts from now
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("staff-room", "discussion", "employees", "employees");
    start_topic(&member, "help", "Asking for a REFUND", "It broke").await;
    start_topic(&member, "help", "Please", "我要退款").await;
    start_topic(&member, "help", "Refunded?", "refunding is not the word").await;
    start_topic(&staff, "staff-room", "Internal refund policy", "not public").await;
    app.settle().await;
    let notes = staff.get("/notifications").await;
    notes.assert_contains("names “refund”").assert_contains("names “退款”").assert_lacks("Internal refund policy");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'keyword'"), 2);
    let mails = app.mails_to("prteam@example.com");
    assert_eq!(mails.iter().filter(|(s, _)| s.contains("refund") || s.contains("退款")).count(), 2, "{mails:?}");
    // Read once: a second round tells nobody again.
    app.settle().await;
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'keyword'"), 2);
}

#[tokio::test]
async fn a_crisis_statement_shows_on_every_page_in_the_readers_language_until_dismissed_or_withdrawn() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let member = app.user_browser("ann", Role::Member).await;
    member.get("/admin/statement").await.assert_status(403);
    // Bad input: no English text; a link that is neither a page here nor a web address.
    admin
        .post("/admin/statement", &[("text_en", ""), ("text_zh", "中文"), ("link", "javascript:alert(1)")])
        .await
        .assert_status(422)
        .assert_contains("Write the statement in English")
        .assert_contains("Give a page of this site")
        .assert_contains("中文");
    admin
        .post(
            "/admin/statement",
            &[
                ("text_en", "We are aware of the outage and are working on it."),
                ("text_zh", "我们已知悉服务中断，正在处理。"),
                ("link", "/blog/outage"),
            ],
        )
        .await
        .assert_redirect("/admin/statement?msg=published");
    let visitor = app.new_browser();
    visitor.get("/").await.assert_contains("We are aware of the outage").assert_contains(r#"href="/blog/outage""#);
    visitor.get("/forums").await.assert_contains("We are aware of the outage");
    let chinese = app.new_browser();
    chinese
        .get_with("/", &[("Accept-Language", "zh-CN")])
        .await
        .assert_contains("我们已知悉服务中断")
        .assert_lacks("We are aware of the outage");
    member.get("/settings").await.assert_contains("We are aware of the outage");
    // Dismissed: gone for this reader (cached pages too), still there for others.
    let id = app.number("SELECT id AS n FROM statements").to_string();
    visitor.post("/statement/dismiss", &[("id", &id), ("back", "/forums")]).await.assert_redirect("/forums");
    visitor.get("/").await.assert_lacks("We are aware of the outage");
    app.new_browser().get("/").await.assert_contains("We are aware of the outage");
    // A new statement shows again to who dismissed the old one; withdrawn, it is gone.
    admin
        .post("/admin/statement", &[("text_en", "Service is restored."), ("text_zh", ""), ("link", "")])
        .await
        .assert_status(303);
    visitor.get("/").await.assert_contains("Service is restored.").assert_lacks("We are aware");
    chinese.get_with("/", &[("Accept-Language", "zh-CN")]).await.assert_contains("Service is restored.");
    admin.post("/admin/statement/withdraw", &[]).await.assert_redirect("/admin/statement?msg=withdrawn");
    app.new_browser().get("/").await.assert_lacks("Service is restored.");
    app.get("/mod/log").await.assert_contains("The site published a statement").assert_contains("withdrew");
}

#[tokio::test]
async fn boards_go_read_only_or_slow_for_a_time() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let board = app.create_board("help", "discussion", "everyone", "members");
    let member = app.user_browser("ann", Role::Member).await;
    let (_, topic) = start_topic(&member, "help", "A topic", "text").await;
    admin
        .post(
            &format!("/admin/statement/boards/{board}"),
            &[("mode", "read_only"), ("seconds", "60"), ("length", "24h")],
        )
        .await
        .assert_redirect("/admin/statement?msg=board");
    member
        .post(&format!("/topics/{topic}/replies"), &[("body", "My considered reply")])
        .await
        .assert_status(422)
        .assert_contains("read-only until")
        .assert_contains("My considered reply");
    reply(&admin, &topic, "Staff still post").await;
    // Slow mode: one post a minute.
    admin
        .post(&format!("/admin/statement/boards/{board}"), &[("mode", "slow"), ("seconds", "5"), ("length", "1h")])
        .await
        .assert_status(422)
        .assert_contains("from 10 to 86400");
    admin
        .post(&format!("/admin/statement/boards/{board}"), &[("mode", "slow"), ("seconds", "60"), ("length", "1h")])
        .await
        .assert_status(303);
    let bob = app.user_browser("bob", Role::Member).await;
    reply(&bob, &topic, "One reply").await;
    bob.post(&format!("/topics/{topic}/replies"), &[("body", "Another right away")])
        .await
        .assert_status(422)
        .assert_contains("one post every 60 seconds");
    // Once its time is over the board is normal again.
    {
        use diesel::prelude::*;
        diesel::sql_query("UPDATE boards SET mode_until = '2001-01-01 00:00:00'")
            .execute(&mut app.conn())
            .expect("end");
    }
    reply(&bob, &topic, "Another, later").await;
    admin
        .get("/admin/statement")
        .await
        .assert_contains(r#"<strong>Board help</strong> <span class="meta">Normal</span>"#);
}

/// The `form_at` stamp of the first form on a page.
fn stamp_of(body: &str) -> String {
    body.split(r#"name="form_at" value=""#).nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string()
}

#[tokio::test]
async fn sign_up_and_posting_forms_trap_scripts_and_throwaway_addresses() {
    let app = crate::helpers::spawn_with(|s| s.form_min_seconds = 2).await;
    let visitor = app.new_browser();
    let form = visitor.get("/register").await;
    let stamp = stamp_of(&form.body);
    assert!(!stamp.is_empty(), "the sign-up form carries its stamp");
    form.assert_contains(r#"name="website""#);
    let fields = |stamp: &str, website: &str, email: &str| {
        vec![
            ("username".to_string(), "newperson".to_string()),
            ("email".to_string(), email.to_string()),
            ("password".to_string(), "a long enough passphrase 42".to_string()),
            ("form_at".to_string(), stamp.to_string()),
            ("website".to_string(), website.to_string()),
        ]
    };
    let post = |f: Vec<(String, String)>| {
        let visitor = &visitor;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            visitor.post("/register", &f).await
        }
    };
    // Sent at once, without a stamp, with a forged one, with the honeypot filled: refused, the
    // text kept.
    post(fields(&stamp, "", "new@example.com")).await.assert_status(422).assert_contains("That was very quick");
    post(fields("", "", "new@example.com")).await.assert_status(422).assert_contains("too old");
    post(fields("1.abcdef", "", "new@example.com")).await.assert_status(422).assert_contains("too old");
    post(fields(&stamp, "http://spam.example", "new@example.com"))
        .await
        .assert_status(422)
        .assert_contains("could not be sent")
        .assert_contains("newperson");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM users WHERE username = 'newperson'"), 0);
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    post(fields(&stamp, "", "new@mailinator.com")).await.assert_status(422).assert_contains("throwaway");
    post(fields(&stamp, "", "new@example.com")).await.assert_status(200);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM users WHERE username = 'newperson'"), 1);

    // Posting forms too: the topic form and the reply form carry the stamp.
    app.create_board("help", "discussion", "everyone", "members");
    let member = app.user_browser("ann", Role::Member).await;
    let new_topic = member.get("/forums/help/new").await;
    let stamp = stamp_of(&new_topic.body);
    assert!(!stamp.is_empty());
    member
        .post(
            "/forums/help/new",
            &[("title", "Quick"), ("body", "Too fast"), ("tags", ""), ("action", "save"), ("form_at", &stamp)],
        )
        .await
        .assert_status(422)
        .assert_contains("That was very quick");
    // Written with an encoded letter, the address is the same form with the same trap.
    member
        .post("/forums/help/%6Eew", &[("title", "Sly"), ("body", "Too fast"), ("tags", ""), ("action", "save")])
        .await
        .assert_status(422)
        .assert_contains("too old");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let made = member
        .post(
            "/forums/help/new",
            &[("title", "Patient"), ("body", "Typed slowly"), ("tags", ""), ("action", "save"), ("form_at", &stamp)],
        )
        .await;
    made.assert_status(303);
    let topic_page = member.get(&made.location()).await;
    assert!(!stamp_of(&topic_page.body).is_empty(), "the reply form carries its stamp");
}

#[tokio::test]
async fn the_same_text_posted_in_several_places_is_refused() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("lounge", "discussion", "everyone", "members");
    let member = app.user_browser("ann", Role::Member).await;
    let text = "Visit my shop for the best deals on everything you need";
    start_topic(&member, "help", "Deals", text).await;
    member
        .post("/forums/lounge/new", &[("title", "Deals again"), ("body", text), ("tags", ""), ("action", "save")])
        .await
        .assert_status(422)
        .assert_contains("You posted the same text")
        .assert_contains("best deals");
    // Short answers ("Thanks!") and different texts are fine.
    start_topic(&member, "lounge", "Thanks", "Thanks!").await;
    start_topic(&member, "lounge", "Other", "A different text about something else entirely").await;
}

#[tokio::test]
async fn a_flagged_piece_its_author_deletes_leaves_the_queue_when_a_moderator_acts() {
    let app = spawn().await;
    let author = app.user_browser("writer", Role::Member).await;
    let (_, id) = board_with_topic(&app, &author, "Soon gone").await;
    let member = app.user_browser("reader", Role::Member).await;
    member.post(&format!("/flag/content/{id}"), &[("reason", "spam"), ("note", "")]).await.assert_status(303);
    author.post(&format!("/topics/{id}/delete"), &[]).await.assert_status(303);
    let moderator = app.user_browser("mona", Role::Moderator).await;
    let q = open_queue_id(&app);
    moderator
        .post(&format!("/mod/queue/{q}"), &[("action", "hide"), ("back", "/mod")])
        .await
        .assert_redirect("/mod?msg=gone");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_queue WHERE resolved_at IS NULL"), 0);
    moderator.get("/mod").await.assert_contains("Nothing is waiting for review.");
}

#[tokio::test]
async fn a_moderator_edits_a_flagged_text_keeping_the_old_version_and_telling_the_author() {
    let app = spawn().await;
    let author = app.user_browser("writer", Role::Member).await;
    let (topic_path, topic) = board_with_topic(&app, &author, "Watches and more").await;
    let (_, reply_id) = reply(&author, &topic, "Good advice. Call me on 555-0199 for deals.").await;
    let member = app.user_browser("reader", Role::Member).await;
    member.post(&format!("/flag/content/{reply_id}"), &[("reason", "spam"), ("note", "")]).await.assert_status(303);
    let moderator = app.user_browser("mona", Role::Moderator).await;
    let edit = format!("/mod/content/{reply_id}/edit");

    // The queue links to the editor; members cannot open it.
    moderator.get("/mod").await.assert_contains(&format!("href=\"{edit}\""));
    member.get(&edit).await.assert_status(403).assert_lacks("555-0199");
    author.post(&edit, &[("body", "mine")]).await.assert_status(403);
    app.get(&edit).await.assert_status(303);

    // Bad input: nothing left, or nothing changed; what was typed comes back.
    let form = moderator.get(&edit).await;
    form.assert_status(200).assert_contains("Call me on 555-0199");
    moderator
        .post(&edit, &[("body", "  "), ("note", "my staff note")])
        .await
        .assert_status(422)
        .assert_contains("Write some text first")
        .assert_contains("my staff note");
    moderator
        .post(&edit, &[("body", "Good advice. Call me on 555-0199 for deals.")])
        .await
        .assert_status(422)
        .assert_contains("Nothing was changed.");

    moderator
        .post(&edit, &[("body", "Good advice."), ("reason", "spam"), ("note", "phone number removed")])
        .await
        .assert_redirect(&format!("/mod/content/{reply_id}?msg=edited"));
    app.get(&topic_path).await.assert_contains("Good advice.").assert_lacks("555-0199");
    // The version before is in the history; the log says what happened, publicly without names.
    moderator.get(&format!("/history/{reply_id}")).await.assert_contains("555-0199");
    app.get("/mod/log").await.assert_contains("Edited by a moderator").assert_lacks("phone number removed");
    moderator.get(&format!("/mod/content/{reply_id}")).await.assert_contains("phone number removed");
    author.get("/notifications").await.assert_contains("A moderator edited");
    // Still waiting for a decision.
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_queue WHERE resolved_at IS NULL"), 1);

    // A topic's title too (its address follows, as when its author renames it).
    let topic_edit = format!("/mod/content/{topic}/edit");
    moderator.get(&topic_edit).await.assert_contains("name=\"title\"");
    moderator
        .post(&topic_edit, &[("title", ""), ("body", "Text")])
        .await
        .assert_status(422)
        .assert_contains("A title is needed.");
    moderator.post(&topic_edit, &[("title", "Watches"), ("body", "Buy watches")]).await.assert_status(303);
    app.get(&format!("/topics/{topic}")).await.assert_redirect(&format!("/forums/help/{topic}-watches"));
}

#[tokio::test]
async fn a_moderator_moves_a_topic_and_everything_follows_it_including_who_may_read_it() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let support = app.create_board("support", "discussion", "everyone", "members");
    let staff_room = app.create_board("staff-room", "discussion", "employees", "members");
    let ideas = app.create_board("ideas", "ideas", "everyone", "members");
    let author = app.user_browser("asker", Role::Member).await;
    let page = author
        .post(
            "/forums/help/new",
            &[
                ("title", "Where is my invoice"),
                ("body", "I cannot find it zebrafish"),
                ("tags", "billing"),
                ("action", "save"),
            ],
        )
        .await;
    page.assert_status(303);
    let old_path = page.location();
    let id = app.number("SELECT MAX(id) AS n FROM contents WHERE kind = 'topic'").to_string();
    reply(&author, &id, "Still looking zebrafish").await;
    let moderator = app.user_browser("mona", Role::Moderator).await;
    let move_path = format!("/mod/content/{id}/move");

    // Only boards of the same kind are offered; members cannot move.
    let form = moderator.get(&move_path).await;
    form.assert_status(200)
        .assert_contains(&format!("<option value=\"{support}\">"))
        .assert_lacks(&format!("<option value=\"{ideas}\">"));
    author.get(&move_path).await.assert_status(403);
    author.post(&move_path, &[("board", &support.to_string())]).await.assert_status(403);
    moderator
        .post(&move_path, &[("board", &ideas.to_string()), ("note", "typed note")])
        .await
        .assert_status(422)
        .assert_contains("Choose one of the boards listed")
        .assert_contains("typed note");
    moderator.post(&move_path, &[("board", "")]).await.assert_status(422);

    let moved = moderator.post(&move_path, &[("board", &support.to_string()), ("note", "belongs in support")]).await;
    moved.assert_redirect(&format!("/forums/support/{id}-where-is-my-invoice"));
    // The old address leads to the new; both boards' counts and lists follow.
    app.get(&old_path).await.assert_status(301);
    app.get("/forums/help").await.assert_lacks("Where is my invoice");
    app.get("/forums/support").await.assert_contains("Where is my invoice");
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 0);
    assert_eq!(app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 0);
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards WHERE slug = 'support'"), 1);
    assert_eq!(app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'support'"), 2);
    app.get("/mod/log").await.assert_contains("Moved by a moderator: a topic, now in Board support");
    moderator
        .get(&format!("/mod/content/{id}"))
        .await
        .assert_contains("Board help → Board support: belongs in support");

    // Moved where only employees read: gone for everyone else, everywhere.
    let admin = app.user_browser("boss", Role::Admin).await;
    admin.post(&move_path, &[("board", &staff_room.to_string())]).await.assert_status(303);
    let new_path = format!("/forums/staff-room/{id}-where-is-my-invoice");
    for reader in [&app.new_browser(), &author] {
        reader.get(&new_path).await.assert_status(404);
        reader.get("/forums/support").await.assert_lacks("Where is my invoice");
        reader.get("/tags/billing").await.assert_lacks("Where is my invoice");
        reader.get("/search?q=zebrafish").await.assert_lacks("Where is my invoice").assert_lacks("Still looking");
        reader.get("/forums/support/feed.atom").await.assert_lacks("zebrafish");
    }
    admin.get(&new_path).await.assert_status(200).assert_contains("Still looking zebrafish");
}

#[tokio::test]
async fn a_moderator_merges_a_topic_into_another_and_its_posts_tags_and_followers_follow() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("ideas", "ideas", "everyone", "members");
    let ann = app.user_browser("ann", Role::Member).await;
    let bea = app.user_browser("bea", Role::Member).await;
    let topic = |title: &'static str, body: &'static str, tags: &'static str| {
        let b = if tags == "export" { &ann } else { &bea };
        async move {
            let page = b
                .post("/forums/help/new", &[("title", title), ("body", body), ("tags", tags), ("action", "save")])
                .await;
            page.assert_status(303);
            page.location()
        }
    };
    let dst_path = topic("How to export", "Where is the export button?", "export").await;
    let dst = app.number("SELECT MAX(id) AS n FROM contents WHERE kind = 'topic'").to_string();
    reply(&bea, &dst, "In the menu.").await;
    reply(&ann, &dst, "Thanks!").await;
    let src_path = topic("Exporting data?", "Can I export my data quokka?", "data").await;
    let src = app.number("SELECT MAX(id) AS n FROM contents WHERE kind = 'topic'").to_string();
    reply(&ann, &src, "Same question here.").await;
    let (_, idea) = start_topic(&ann, "ideas", "Export to PDF", "Please").await;
    let moderator = app.user_browser("mona", Role::Moderator).await;
    let merge = format!("/mod/content/{src}/merge");

    // Members cannot; bad input says what is wrong and keeps what was typed.
    ann.get(&merge).await.assert_status(403);
    ann.post(&merge, &[("into", &dst)]).await.assert_status(403);
    moderator.post(&merge, &[("into", ""), ("note", "dup")]).await.assert_status(422).assert_contains("Name a topic");
    moderator.post(&merge, &[("into", &src)]).await.assert_status(422).assert_contains("cannot be merged into itself");
    moderator.post(&merge, &[("into", "999999")]).await.assert_status(422).assert_contains("Name a topic you can read");
    moderator
        .post(&merge, &[("into", &idea), ("note", "kept note")])
        .await
        .assert_status(422)
        .assert_contains("same kind of board")
        .assert_contains("kept note");
    moderator
        .get(&format!("/mod/content/{idea}/merge"))
        .await
        .assert_status(422)
        .assert_contains("lose its rating or its votes");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM topics"), 3);

    // Merged, named by its address.
    let done = moderator
        .post(&merge, &[("into", &format!("http://plaza.test{dst_path}?page=1")), ("note", "duplicate")])
        .await;
    done.assert_redirect(&format!("/replies/{src}"));
    let page = app.get(&dst_path).await;
    page.assert_contains("Can I export my data quokka?")
        .assert_contains("Same question here.")
        .assert_contains("4 replies");
    page.assert_contains(&format!("id=\"r{src}\""));
    // The old address leads to the post, now a reply.
    app.get(&src_path).await.assert_status(301).assert_redirect(&format!("{dst_path}#r{src}"));
    app.get(&format!("/topics/{src}")).await.assert_redirect(&format!("{dst_path}#r{src}"));
    app.get(&format!("/replies/{src}")).await.assert_redirect(&format!("{dst_path}#r{src}"));
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 1);
    assert_eq!(app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 5);
    assert_eq!(app.number(&format!("SELECT CAST(reply_count AS BIGINT) AS n FROM topics WHERE content_id = {dst}")), 4);
    app.get("/forums/help").await.assert_lacks("Exporting data?").assert_contains("How to export");
    // Tags join the target; search finds the post as a reply.
    app.get("/tags/data").await.assert_contains("How to export");
    let found = app.get("/search?q=quokka").await;
    found.assert_contains(&format!("#r{src}")).assert_contains("Forum reply");
    assert_eq!(app.number(&format!("SELECT COUNT(*) AS n FROM search_docs WHERE ref_id = {src}")), 1);
    // Its old title is in its history; the log says what happened.
    moderator.get(&format!("/history/{src}")).await.assert_contains("Exporting data?");
    app.get("/mod/log").await.assert_contains("Merged by a moderator into").assert_lacks("duplicate");
    // The source's followers follow the target.
    let carl = app.user_browser("carl", Role::Member).await;
    reply(&carl, &dst, "One more answer").await;
    app.settle().await;
    bea.get("/notifications").await.assert_contains("carl replied");
}

#[tokio::test]
async fn moderators_leave_drafts_and_staff_words_alone_and_see_earlier_versions_of_any_kind() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let moderator = app.user_browser("mona", Role::Moderator).await;
    let admin = app.user_browser("boss", Role::Admin).await;
    // A draft is its author's alone: no moderation page, no edit (QA found a moderator could
    // read and rewrite one, and the public log then told everyone it existed).
    crate::helpers::editor(
        &alice,
        "/write",
        &[("title", "Secret plan"), ("body", "Not yet wombat."), ("status", "draft")],
    )
    .await
    .assert_status(303);
    let draft = app.number("SELECT MAX(id) AS n FROM contents WHERE kind = 'post'").to_string();
    moderator.get(&format!("/mod/content/{draft}")).await.assert_status(404).assert_lacks("wombat");
    moderator.get(&format!("/mod/content/{draft}/edit")).await.assert_status(404).assert_lacks("wombat");
    moderator.post(&format!("/mod/content/{draft}/edit"), &[("title", "x"), ("body", "mine")]).await.assert_status(404);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM revisions"), 0);

    // Staff's published words: only an admin edits them.
    let (_, post) = crate::helpers::publish_id(&alice, "alice", "Official news", "The company says so.", "").await;
    moderator
        .post(&format!("/mod/content/{post}/edit"), &[("title", "Official news"), ("body", "Changed")])
        .await
        .assert_status(422)
        .assert_contains("only an admin edits");
    admin
        .post(
            &format!("/mod/content/{post}/edit"),
            &[("title", "Official news"), ("body", "The company says so, corrected.")],
        )
        .await
        .assert_status(303);
    // Posts have no public history page: the moderation page shows the earlier version.
    admin
        .get(&format!("/mod/content/{post}"))
        .await
        .assert_contains("Earlier versions")
        .assert_contains("The company says so.</pre>");
    alice.get("/notifications").await.assert_contains("A moderator edited your post “Official news”.");

    // A member muted before becoming a moderator reaches them again.
    app.create_board("help", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let later = app.user_browser("later", Role::Member).await;
    mia.post("/u/later/mute", &[("level", "ignore")]).await.assert_status(303);
    let later_id = app.number("SELECT id AS n FROM users WHERE username = 'later'");
    admin.post(&format!("/admin/users/{later_id}/role"), &[("role", "moderator")]).await.assert_status(303);
    let (path, topic) = start_topic(&mia, "help", "A question", "Hello").await;
    reply(&later, &topic, "Moderator here, @mia").await;
    mia.get("/notifications").await.assert_contains("later mentioned you");
    mia.get(&path).await.assert_lacks("whom you ignore");
}
