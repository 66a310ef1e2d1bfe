use plaza::accounts::Role;

use crate::helpers::{reply, spawn, start_topic};

#[tokio::test]
async fn admins_create_group_and_order_boards() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let member = app.user_browser("mia", Role::Member).await;
    member.get("/admin/forums").await.assert_status(403);
    member
        .post(
            "/admin/forums/boards",
            &[("name", "x"), ("kind", "discussion"), ("view_access", "everyone"), ("post_access", "members")],
        )
        .await
        .assert_status(403);

    admin
        .post("/admin/forums/groups", &[("name", "Plaza Cloud"), ("position", "1")])
        .await
        .assert_redirect("/admin/forums?saved=1");
    admin
        .post("/admin/forums/groups", &[("name", ""), ("position", "x")])
        .await
        .assert_status(422)
        .assert_contains("Give the section a name.")
        .assert_contains("whole number");
    let group_id = app.ids("board_groups", "id")[0].to_string();
    let bad = admin
        .post(
            "/admin/forums/boards",
            &[
                ("name", ""),
                ("slug", "Bad Slug"),
                ("kind", "chat"),
                ("group", "999"),
                ("view_access", "world"),
                ("post_access", "members"),
                ("position", "one"),
            ],
        )
        .await;
    bad.assert_status(422)
        .assert_contains("Give the board a name.")
        .assert_contains("Use lowercase letters")
        .assert_contains("Choose one of the kinds.")
        .assert_contains("Choose one of the sections.")
        .assert_contains("Choose one of the listed options.")
        .assert_contains("The order must be a whole number.");
    let fields = |name: &'static str, slug: &'static str, kind: &'static str, pos: &'static str| {
        vec![
            ("name", name),
            ("slug", slug),
            ("description", "Talk"),
            ("kind", kind),
            ("view_access", "everyone"),
            ("post_access", "members"),
            ("position", pos),
        ]
    };
    let mut with_group = fields("Sync questions", "sync-questions", "questions", "2");
    with_group.push(("group", &group_id));
    admin.post("/admin/forums/boards", &with_group).await.assert_redirect("/admin/forums?saved=1");
    let mut general = fields("General 综合讨论", "", "discussion", "1");
    general.push(("group", &group_id));
    admin.post("/admin/forums/boards", &general).await.assert_status(303);
    admin
        .post("/admin/forums/boards", &fields("Again", "sync-questions", "ideas", "3"))
        .await
        .assert_status(422)
        .assert_contains("Another board already has this address.");

    let index = app.get("/forums").await;
    index.assert_status(200).assert_contains("Plaza Cloud").assert_contains("Sync questions").assert_contains(
        "href=\"/forums/general-综合讨论\"".replace("综合讨论", "%E7%BB%BC%E5%90%88%E8%AE%A8%E8%AE%BA").as_str(),
    );
    let general_pos = index.body.find("General").unwrap();
    let sync_pos = index.body.find("Sync questions").unwrap();
    assert!(general_pos < sync_pos, "boards follow their order");

    // Editing keeps the kind.
    let board_id = app.ids("boards", "id")[0];
    admin
        .get(&format!("/admin/forums/boards/{board_id}"))
        .await
        .assert_status(200)
        .assert_contains("value=\"sync-questions\"");
    let mut edit = fields("Sync Q&A", "sync-questions", "ideas", "2");
    edit.push(("group", &group_id));
    admin.post(&format!("/admin/forums/boards/{board_id}"), &edit).await.assert_status(303);
    app.get("/forums/sync-questions").await.assert_contains("Sync Q&#38;A").assert_contains("Questions");
}

#[tokio::test]
async fn board_permissions_for_every_role() {
    let app = spawn().await;
    app.create_board("staff-room", "discussion", "employees", "employees");
    app.create_board("members-lounge", "discussion", "members", "members");
    app.create_board("announcements", "discussion", "everyone", "employees");
    let member = app.user_browser("mia", Role::Member).await;
    let employee = app.user_browser("emp", Role::Employee).await;
    let moderator = app.user_browser("mod", Role::Moderator).await;
    let admin = app.user_browser("boss", Role::Admin).await;

    // The internal board: invisible to visitors, members and (non-staff) moderators.
    app.get("/forums/staff-room").await.assert_status(404);
    member.get("/forums/staff-room").await.assert_status(404);
    moderator.get("/forums/staff-room").await.assert_status(404);
    employee.get("/forums/staff-room").await.assert_status(200);
    admin.get("/forums/staff-room").await.assert_status(200);
    app.get("/forums").await.assert_lacks("staff-room");
    member.get("/forums").await.assert_lacks("staff-room");
    employee.get("/forums").await.assert_contains("staff-room");
    let (path, id) = start_topic(&employee, "staff-room", "Internal roadmap", "Secret plans").await;
    member.get(&path).await.assert_status(404);
    member.post(&format!("/topics/{id}/replies"), &[("body", "let me in")]).await.assert_status(404);
    app.get("/forums/staff-room/feed.atom").await.assert_status(404);
    app.get(&format!("/topics/{id}/feed.atom")).await.assert_status(404);
    app.get("/u/emp").await.assert_lacks("Internal roadmap");
    app.sitemap().await.assert_lacks("staff-room").assert_lacks("internal-roadmap");
    employee.get("/u/emp").await.assert_contains("Internal roadmap");

    // Members-only: visitors are asked to log in.
    app.get("/forums/members-lounge").await.assert_redirect("/login?next=%2Fforums%2Fmembers-lounge");
    member.get("/forums/members-lounge").await.assert_status(200);

    // Announcements: only employees start topics, members reply.
    member.get("/forums/announcements/new").await.assert_status(403);
    member.post("/forums/announcements/new", &[("title", "Hi"), ("body", "x")]).await.assert_status(403);
    member.get("/forums/announcements").await.assert_contains("Only employees start topics here");
    let (_, ann) = start_topic(&employee, "announcements", "Maintenance on Sunday", "Downtime 2h").await;
    reply(&member, &ann, "Thanks for the notice").await;
    app.get("/forums/announcements/new").await.assert_status(303);
    assert_eq!(app.count("topics"), 2);
}

#[tokio::test]
async fn topics_replies_counts_and_readable_urls() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bad = mia
        .post(
            "/forums/general/new",
            &[("title", ""), ("body", "My long thoughts"), ("tags", "<b>"), ("action", "save")],
        )
        .await;
    bad.assert_status(422)
        .assert_contains("A title is needed.")
        .assert_contains("My long thoughts")
        .assert_contains("Tags can use letters");
    assert_eq!(app.count("topics"), 0);
    let preview =
        mia.post("/forums/general/new", &[("title", "Preview"), ("body", "**bold**"), ("action", "preview")]).await;
    preview.assert_status(200).assert_contains("<strong>bold</strong>");
    assert_eq!(app.count("topics"), 0);

    let (path, id) = start_topic(&mia, "general", "同步很慢怎么办？", "上传大文件时很慢。").await;
    assert_eq!(path, format!("/forums/general/{id}-%E5%90%8C%E6%AD%A5%E5%BE%88%E6%85%A2%E6%80%8E%E4%B9%88%E5%8A%9E"));
    app.get(&path).await.assert_status(200).assert_contains("同步很慢怎么办？").assert_contains("上传大文件时很慢。");
    // Any other spelling of the address leads to the one canonical URL.
    app.get(&format!("/forums/general/{id}")).await.assert_status(301).assert_redirect(&path);
    app.get(&format!("/topics/{id}")).await.assert_redirect(&path);
    app.get("/forums/general/99999-nothing").await.assert_status(404);
    app.get("/forums/general/abc").await.assert_status(404);

    let bob = app.user_browser("bob", Role::Member).await;
    bob.post(&format!("/topics/{id}/replies"), &[("body", "  ")])
        .await
        .assert_status(422)
        .assert_contains("Write some text first: it is empty.");
    let (to, rid) = reply(&bob, &id, "试试关闭杀毒软件。").await;
    assert_eq!(to, format!("{path}#r{rid}"));
    let page = app.get(&path).await;
    page.assert_contains("试试关闭杀毒软件。").assert_contains("1 reply").assert_contains(&format!("id=\"r{rid}\""));
    let board = app.get("/forums/general").await;
    board.assert_contains("同步很慢怎么办？").assert_contains("1 reply");
    assert!(board.body.contains("view"), "view count shown");
    let index = app.get("/forums").await;
    index.assert_contains("同步很慢怎么办？");
    app.sitemap().await.assert_contains(&format!("{}{path}</loc>", crate::helpers::BASE_URL));
    // Views are counted for readers other than the author (and written a few seconds later).
    app.settle().await;
    let views: i64 = {
        use diesel::prelude::*;
        use plaza::db::schema::topics;
        topics::table.select(topics::view_count).first(&mut app.conn()).unwrap()
    };
    assert!(views >= 3, "{views}");
}

#[tokio::test]
async fn long_topics_page_with_stable_urls_and_reply_permalinks() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let (path, id) = start_topic(&mia, "general", "Long thread", "Let us talk").await;
    let mut last = String::new();
    for i in 1..=23 {
        last = reply(&bob, &id, &format!("Reply number {i}")).await.1;
    }
    let first = app.get(&path).await;
    first.assert_contains("Reply number 20").assert_lacks("Reply number 21").assert_contains("rel=\"next\"");
    let second = app.get(&format!("{path}?page=2")).await;
    second.assert_contains("Reply number 21").assert_contains("Reply number 23").assert_lacks("<p>Let us talk</p>");
    app.get(&format!("{path}?page=9")).await.assert_status(404);
    app.get(&format!("/replies/{last}")).await.assert_redirect(&format!("{path}?page=2#r{last}"));
    // Deleting a reply keeps everyone else's page.
    let first_reply = app.ids("replies", "content_id")[0];
    bob.post(&format!("/replies/{first_reply}/delete"), &[]).await.assert_status(303);
    app.get(&path).await.assert_contains("This reply was deleted.").assert_contains("Reply number 20");
    app.get(&format!("{path}?page=2")).await.assert_contains("Reply number 21");
}

#[tokio::test]
async fn quotes_mentions_and_replies_notify() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let carl = app.user_browser("carl", Role::Member).await;
    let (path, id) = start_topic(&mia, "general", "Ask anything", "Hello").await;
    let (_, bob_reply) = reply(&bob, &id, "Bob's wise words").await;
    mia.get("/notifications").await.assert_contains("bob replied to your topic");

    // "Quote" without JavaScript pre-fills the reply box with the quoted reply.
    let quoting = carl.get(&format!("{path}?quote={bob_reply}")).await;
    quoting.assert_contains(&format!("[wrote](/replies/{bob_reply})")).assert_contains("&#62; Bob&#39;s wise words");
    // In the quoter's language.
    let zh = app.user_browser("lin", Role::Member).await;
    zh.post("/lang", &[("lang", "zh-CN"), ("next", "/")]).await;
    zh.get(&format!("{path}?quote={bob_reply}")).await.assert_contains(&format!("[写道](/replies/{bob_reply})"));
    let body = format!(
        "> **@bob** [wrote](/replies/{bob_reply}):\n>\n> Bob's wise words\n\nAgreed, and @mia should see this. @nobody_here too."
    );
    reply(&carl, &id, &body).await;
    bob.get("/notifications").await.assert_contains("carl quoted you in a reply");
    mia.get("/notifications").await.assert_contains("carl mentioned you in a reply");
    assert!(app.get(&path).await.body.contains("<blockquote>"));
    // Each person is told once per reply.
    let mia_count = mia.get("/notifications").await.body.matches("carl ").count();
    assert_eq!(mia_count, 1);
}

#[tokio::test]
async fn following_boards_and_topics() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let fan = app.user_browser("fan", Role::Member).await;
    fan.post("/forums/general/follow", &[("value", "1")]).await.assert_redirect("/forums/general");
    fan.get("/forums/general").await.assert_contains("Unfollow board");
    let (_, id) = start_topic(&mia, "general", "Fresh topic", "New!").await;
    // Followers are told by the background worker.
    app.settle().await;
    fan.get("/notifications").await.assert_contains("mia started a topic in a board you follow");
    fan.post(&format!("/topics/{id}/follow"), &[("value", "1")]).await.assert_status(303);
    let bob = app.user_browser("bob", Role::Member).await;
    reply(&bob, &id, "A reply").await;
    app.settle().await;
    fan.get("/notifications").await.assert_contains("bob replied in a topic you follow");
    fan.post(&format!("/topics/{id}/follow"), &[("value", "0")]).await.assert_status(303);
    reply(&bob, &id, "Another reply").await;
    app.settle().await;
    assert_eq!(fan.get("/notifications").await.body.matches("replied in a topic you follow").count(), 1);
}

#[tokio::test]
async fn edits_keep_history_and_deletes_are_permissioned() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let (path, id) = start_topic(&mia, "general", "Original title", "Original body").await;
    let (_, rid) = reply(&bob, &id, "First draft of my reply").await;
    bob.get(&format!("/replies/{rid}/edit")).await.assert_status(200).assert_contains("First draft of my reply");
    bob.post(&format!("/replies/{rid}/edit"), &[("body", "")])
        .await
        .assert_status(422)
        .assert_contains("Write some text first: it is empty.");
    bob.post(&format!("/replies/{rid}/edit"), &[("body", "Polished reply")]).await.assert_status(303);
    mia.post(&format!("/replies/{rid}/edit"), &[("body", "Hijacked")]).await.assert_status(403);
    let page = app.get(&path).await;
    page.assert_contains("Polished reply").assert_contains(&format!("href=\"/history/{rid}\""));
    app.get(&format!("/history/{rid}"))
        .await
        .assert_status(200)
        .assert_contains("First draft of my reply")
        .assert_contains("Polished reply");

    mia.post(&format!("/topics/{id}/edit"), &[("title", "Better title"), ("body", "Better body"), ("action", "save")])
        .await
        .assert_status(303);
    let new_path = app.get(&format!("/topics/{id}")).await.location();
    assert!(new_path.ends_with("better-title"), "{new_path}");
    app.get(&path).await.assert_redirect(&new_path);
    app.get(&format!("/history/{id}")).await.assert_contains("Original title").assert_contains("Original body");
    bob.post(&format!("/topics/{id}/edit"), &[("title", "x"), ("body", "y")]).await.assert_status(403);

    // Delete: own posts, or a moderator; not someone else's.
    mia.post(&format!("/replies/{rid}/delete"), &[]).await.assert_status(403);
    let moderator = app.user_browser("mod", Role::Moderator).await;
    moderator.post(&format!("/replies/{rid}/delete"), &[]).await.assert_status(303);
    bob.post(&format!("/topics/{id}/delete"), &[]).await.assert_status(403);
    mia.post(&format!("/topics/{id}/delete"), &[]).await.assert_redirect("/forums/general");
    app.get(&new_path).await.assert_status(404);
    app.get("/forums/general").await.assert_lacks("Better title");
    app.get("/forums").await.assert_lacks("Better title");
    app.get("/forums").await.assert_contains("data-label=\"Topics\">0</td>");
}

#[tokio::test]
async fn likes_one_per_member_never_ones_own() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let (path, id) = start_topic(&mia, "general", "Like me", "Please").await;
    let (_, rid) = reply(&mia, &id, "Me too").await;
    bob.post(&format!("/likes/{id}"), &[("value", "1")]).await.assert_redirect(&path);
    bob.post(&format!("/likes/{id}"), &[("value", "1")]).await.assert_status(303);
    bob.post(&format!("/likes/{rid}"), &[("value", "1")]).await.assert_status(303);
    assert_eq!(app.count("likes"), 2);
    let page = bob.get(&path).await;
    page.assert_contains("aria-pressed=\"true\"").assert_contains("Unlike · 1");
    mia.post(&format!("/likes/{id}"), &[("value", "1")])
        .await
        .assert_status(400)
        .assert_contains("You cannot like what you wrote yourself.");
    app.get("/u/mia").await.assert_contains("2 likes received");
    bob.post(&format!("/likes/{id}"), &[("value", "0")]).await.assert_status(303);
    assert_eq!(app.count("likes"), 1);
    app.get("/forums/general").await.assert_lacks("1 like");
    app.post(&format!("/likes/{id}"), &[("value", "1")]).await.assert_status(303);
    assert_eq!(app.count("likes"), 1, "visitors are sent to log in");
}

#[tokio::test]
async fn moderators_pin_and_lock() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let moderator = app.user_browser("mod", Role::Moderator).await;
    let (path, rules) = start_topic(&mia, "general", "Board rules", "Be kind").await;
    start_topic(&mia, "general", "Newer topic", "Hello").await;
    mia.post(&format!("/topics/{rules}/pin"), &[("value", "1")]).await.assert_status(403);
    moderator.post(&format!("/topics/{rules}/pin"), &[("value", "1")]).await.assert_redirect(&path);
    let board = app.get("/forums/general").await;
    let rules_pos = board.body.find("Board rules").unwrap();
    let newer_pos = board.body.find("Newer topic").unwrap();
    assert!(rules_pos < newer_pos, "pinned topics come first");
    board.assert_contains("Pinned");

    moderator.post(&format!("/topics/{rules}/lock"), &[("value", "1")]).await.assert_status(303);
    app.get(&path).await.assert_contains("This topic is locked");
    let refused = mia.post(&format!("/topics/{rules}/replies"), &[("body", "But I disagree strongly")]).await;
    refused.assert_status(422).assert_contains("This topic is locked").assert_contains("But I disagree strongly");
    assert_eq!(app.count("replies"), 0);
    moderator.post(&format!("/topics/{rules}/lock"), &[("value", "0")]).await.assert_status(303);
    reply(&mia, &rules, "Now I can reply").await;
}

#[tokio::test]
async fn questions_accepted_answers_and_staff_response() {
    let app = spawn().await;
    app.create_board("help", "questions", "everyone", "members");
    let asker = app.user_browser("asker", Role::Member).await;
    let helper = app.user_browser("helper", Role::Member).await;
    let staff = app.user_browser("helpdesk", Role::Employee).await;
    let other = app.user_browser("other", Role::Member).await;
    let (path, id) = start_topic(&asker, "help", "How do I reset my password?", "I forgot it").await;
    start_topic(&asker, "help", "Second question", "Still waiting").await;
    app.get("/forums/help")
        .await
        .assert_contains("No staff answers in the last 30 days yet.")
        .assert_contains("2 questions waiting for staff");

    let (_, community) = reply(&helper, &id, "Use the link on the login page").await;
    let (_, official) = reply(&staff, &id, "Settings → Password, or the reset link.").await;
    let page = app.get(&path).await;
    page.assert_contains("Staff answer");
    let board = app.get("/forums/help").await;
    board.assert_contains("Median time to the first staff answer").assert_contains("1 question waiting for staff");

    other.post(&format!("/topics/{id}/accept"), &[("reply", &community)]).await.assert_status(403);
    asker.post(&format!("/topics/{id}/accept"), &[("reply", &community)]).await.assert_redirect(&path);
    helper.get("/notifications").await.assert_contains("asker accepted your answer");
    let page = app.get(&path).await;
    page.assert_contains("Accepted answer").assert_contains("Answered");
    let accepted_pos = page.body.find("h-accepted").unwrap();
    let replies_pos = page.body.find("h-replies").unwrap();
    assert!(accepted_pos < replies_pos, "the accepted answer sits right under the question");
    // An employee may change it; the asker may clear it.
    staff.post(&format!("/topics/{id}/accept"), &[("reply", &official)]).await.assert_status(303);
    let accepted: Option<i64> = {
        use diesel::prelude::*;
        use plaza::db::schema::topics;
        topics::table.find(id.parse::<i64>().unwrap()).select(topics::accepted_reply_id).first(&mut app.conn()).unwrap()
    };
    assert_eq!(accepted, Some(official.parse().unwrap()));
    asker.post(&format!("/topics/{id}/accept"), &[("reply", "999999")]).await.assert_status(404);

    app.get("/forums/help?filter=answered")
        .await
        .assert_contains("How do I reset my password?")
        .assert_lacks("Second question");
    app.get("/forums/help?filter=unanswered")
        .await
        .assert_contains("Second question")
        .assert_lacks("How do I reset my password?");
    app.get("/u/helpdesk").await.assert_contains("1 accepted answer");
    asker.post(&format!("/topics/{id}/accept"), &[("reply", "")]).await.assert_status(303);
    app.get("/forums/help?filter=unanswered").await.assert_contains("How do I reset my password?");
}

#[tokio::test]
async fn board_lists_are_keyset_paged_with_filters_by_tag() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    for i in 0..27 {
        let tags = if i % 2 == 0 { "even" } else { "odd" };
        let page = mia
            .post(
                "/forums/general/new",
                &[("title", &format!("Topic {i:02}")), ("body", "x"), ("tags", tags), ("action", "save")],
            )
            .await;
        assert_eq!(page.status.as_u16(), 303);
    }
    let first = app.get("/forums/general").await;
    first.assert_contains("Topic 26").assert_contains("Topic 02").assert_lacks("Topic 01");
    let start = first.body.find("rel=\"next\" href=\"").unwrap() + "rel=\"next\" href=\"".len();
    let next: String = first.body[start..].chars().take_while(|c| *c != '"').collect();
    assert!(next.contains("after="), "{next}");
    let second = app.get(&next.replace("&amp;", "&")).await;
    second
        .assert_contains("Topic 01")
        .assert_contains("Topic 00")
        .assert_lacks("Topic 26")
        .assert_lacks("rel=\"next\"");
    let even = app.get("/forums/general?tag=even").await;
    even.assert_contains("Topic 26").assert_lacks("Topic 25");
    app.get("/forums/general?after=garbage&filter=nonsense&tag=%00").await.assert_status(404);
    app.get("/forums/general?after=garbage&filter=nonsense").await.assert_status(200);
    // Tag pages list forum topics too.
    app.get("/tags/odd").await.assert_contains("Topic 25").assert_contains("Forum topics");
}

#[tokio::test]
async fn board_and_topic_feeds() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let (path, id) = start_topic(&mia, "general", "Feed topic", "Body of the topic").await;
    // Replying to one's own topic (already followed): on PostgreSQL the duplicate follow once
    // aborted the transaction and the reply was silently lost.
    reply(&mia, &id, "A reply in the feed").await;
    assert_eq!(app.count("replies"), 1);
    let board = app.get("/forums/general/feed.atom").await;
    board
        .assert_status(200)
        .assert_contains("Feed topic")
        .assert_contains(&format!("{}{path}", crate::helpers::BASE_URL))
        .assert_contains(&format!("/topics/{id}</id>"));
    app.get("/forums/general/feed.rss").await.assert_status(200).assert_contains("<rss");
    let topic = app.get(&format!("/topics/{id}/feed.atom")).await;
    topic.assert_status(200).assert_contains("A reply in the feed").assert_contains("Reply by mia");
    app.get(&path).await.assert_contains(&format!("href=\"{}/topics/{id}/feed.atom\"", crate::helpers::BASE_URL));
    app.get("/forums/general")
        .await
        .assert_contains(&format!("href=\"{}/forums/general/feed.atom\"", crate::helpers::BASE_URL));
}

#[tokio::test]
async fn notifications_are_emailed_to_those_who_opted_in() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    mia.post("/settings", &[("display_name", ""), ("bio", ""), ("locale", "en"), ("email_notifications", "on")])
        .await
        .assert_status(303);
    mia.get("/settings").await.assert_contains("name=\"email_notifications\" value=\"on\" checked");
    let (path, id) = start_topic(&mia, "general", "Mail me", "Please").await;
    let (_, bob_topic) = start_topic(&bob, "general", "Do not mail me", "Quiet").await;
    let (reply_path, reply_id) = reply(&bob, &id, "A reply worth an e-mail").await;
    reply(&mia, &bob_topic, "Bob did not opt in").await;
    app.settle().await;
    assert_eq!(app.count("mail_outbox"), 1, "only the person who opted in gets mail");

    // The worker delivers it (no SMTP configured: a .eml file under the data directory).
    let sent = plaza::jobs::mail::deliver_due(&mut app.conn(), &app.settings).unwrap();
    assert_eq!(sent, 1);
    let dir = app.settings.data_dir.join("mail");
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1);
    let raw = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(raw.contains("To: mia@example.com"), "{raw}");
    assert!(raw.contains("Subject: bob replied to your topic"), "{raw}");
    // The link is the reply's permanent address, which leads to its place in the topic.
    assert!(raw.contains(&format!("{}/content/{reply_id}", crate::helpers::BASE_URL)), "{raw}");
    assert!(reply_path.starts_with(&path));
    mia.get(&format!("/content/{reply_id}")).await.assert_redirect(&reply_path);
    // Nothing is sent twice.
    assert_eq!(plaza::jobs::mail::deliver_due(&mut app.conn(), &app.settings).unwrap(), 0);
}

#[tokio::test]
async fn seed_bench_builds_a_large_board() {
    let app = spawn().await;
    let (path, count) = plaza::seed::seed_bench(&mut app.conn(), 60).unwrap();
    assert_eq!((path.as_str(), count), ("/forums/bench", 60));
    let page = app.get("/forums/bench").await;
    page.assert_contains("#59").assert_contains("rel=\"next\"");
    let (_, count) = plaza::seed::seed_bench(&mut app.conn(), 5).unwrap();
    assert_eq!(count, 65, "it adds to the same board");
}
