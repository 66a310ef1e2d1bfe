//! The policy as people meet it: roles held together, groups that open boards, rights that
//! follow role and authorship changes, moderators hiding content, and the rules templates keep.

use plaza::accounts::Role;

use crate::concurrency::assert_consistent;
use crate::helpers::{publish, reply, spawn, start_topic};

#[tokio::test]
async fn groups_open_boards_to_their_members() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let carol = app.user_browser("carol", Role::Member).await;
    let dan = app.user_browser("dan", Role::Member).await;
    carol.get("/admin/groups").await.assert_status(403);
    carol.post("/admin/groups", &[("name", "Sneaky")]).await.assert_status(403);

    // Groups: validation keeps what was typed.
    admin.get("/admin/groups").await.assert_status(200).assert_contains("No groups yet");
    admin
        .post("/admin/groups", &[("name", "  "), ("description", "Kept text")])
        .await
        .assert_status(422)
        .assert_contains("Give the group a name.")
        .assert_contains("Kept text");
    admin
        .post("/admin/groups", &[("name", "Beta testers"), ("description", "Try things first")])
        .await
        .assert_status(303);
    admin
        .post("/admin/groups", &[("name", "beta TESTERS")])
        .await
        .assert_status(422)
        .assert_contains("Another group already has this name.");
    let group = app.ids("member_groups", "id")[0];
    admin
        .post(&format!("/admin/groups/{group}/members"), &[("username", "nobody-here")])
        .await
        .assert_status(422)
        .assert_contains("nobody-here");
    admin.post(&format!("/admin/groups/{group}/members"), &[("username", "@Carol")]).await.assert_status(303);
    admin.get(&format!("/admin/groups/{group}")).await.assert_contains("carol").assert_contains("One member");
    carol.get("/settings").await.assert_contains("Beta testers").assert_contains("Try things first");
    dan.get("/settings").await.assert_contains("You are not in any group.");

    // A board open to the group (and employees): nobody else sees it, not even that it exists.
    let named_without_choice = [
        ("name", "Beta"),
        ("slug", "beta"),
        ("kind", "discussion"),
        ("view_access", "named"),
        ("post_access", "members"),
        ("position", "1"),
    ];
    admin
        .post("/admin/forums/boards", &named_without_choice)
        .await
        .assert_status(422)
        .assert_contains("Tick at least one role or group");
    let group_principal = format!("group:{group}");
    // Admins read every board already: naming them is refused, not taken as "nobody".
    let mut admins_only = named_without_choice.to_vec();
    admins_only.push(("read_named", "role:admin"));
    admin.post("/admin/forums/boards", &admins_only).await.assert_status(422);
    let mut fields = named_without_choice.to_vec();
    fields.push(("read_named", &group_principal));
    fields.push(("read_named", "role:employee"));
    admin.post("/admin/forums/boards", &fields).await.assert_status(303);
    admin.get("/admin/forums").await.assert_contains("Employee, Beta testers");
    let (path, topic) = start_topic(&carol, "beta", "Beta feedback", "Version 2 crashes.").await;
    carol.get(&path).await.assert_status(200);
    carol.post("/forums/beta/follow", &[("value", "1")]).await.assert_status(303);
    dan.get("/forums/beta").await.assert_status(404);
    dan.get(&path).await.assert_status(404);
    dan.get("/forums").await.assert_lacks("Beta");
    app.get("/forums/beta").await.assert_status(404);
    dan.post(&format!("/topics/{topic}/replies"), &[("body", "Let me in")]).await.assert_status(404);

    // Leaving the group closes the board and drops what she followed there; she is told.
    let carol_id = app.ids("users", "id")[1];
    admin
        .post(&format!("/admin/groups/{group}/members/remove"), &[("user", &carol_id.to_string())])
        .await
        .assert_status(303);
    app.settle().await;
    carol.get("/forums/beta").await.assert_status(404);
    carol.get("/notifications").await.assert_contains("You can no longer read “Beta”");
    assert_eq!(app.count("subscriptions"), 0, "board and topic subscriptions dropped");
    carol.get("/settings").await.assert_contains("You are not in any group.");

    // Deleting the group takes it out of the board's access.
    admin.post(&format!("/admin/groups/{group}/delete"), &[]).await.assert_redirect("/admin/groups?msg=deleted");
    admin.post(&format!("/admin/groups/{group}/delete"), &[]).await.assert_redirect("/admin/groups?msg=deleted");
    admin.get("/admin/forums").await.assert_lacks("Beta testers");
}

#[tokio::test]
async fn roles_are_held_together() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let sam = app.user_browser("sam", Role::Member).await;
    let sam_id = app.ids("users", "id")[1];
    app.create_board("staff-room", "discussion", "employees", "members");
    app.create_board("help", "discussion", "everyone", "members");
    let customer = app.user_browser("customer", Role::Member).await;
    let (_, topic) = start_topic(&customer, "help", "Broken", "It broke.").await;
    sam.post(&format!("/topics/{topic}/pin"), &[("value", "1")]).await.assert_status(403);
    sam.get("/forums/staff-room").await.assert_status(404);

    // A support engineer: employee and moderator at once.
    admin
        .post(&format!("/admin/users/{sam_id}/role"), &[("employee", "on"), ("moderator", "on"), ("back", "")])
        .await
        .assert_status(303);
    admin.get("/admin/users").await.assert_contains("name=\"moderator\" value=\"on\" checked");
    sam.get("/forums/staff-room").await.assert_status(200);
    sam.post(&format!("/topics/{topic}/pin"), &[("value", "1")]).await.assert_status(303);
    sam.get("/u/sam").await.assert_contains("badge-staff");
    assert!(app.get("/blogs/sam").await.status.is_success(), "employees get a staff blog");
    // Taking away one role keeps the other.
    admin.post(&format!("/admin/users/{sam_id}/role"), &[("moderator", "on"), ("back", "")]).await.assert_status(303);
    sam.get("/forums/staff-room").await.assert_status(404);
    sam.post(&format!("/topics/{topic}/lock"), &[("value", "1")]).await.assert_status(303);
    // An admin keeps their own admin role.
    let boss_id = app.ids("users", "id")[0];
    admin
        .post(&format!("/admin/users/{boss_id}/role"), &[("employee", "on"), ("back", "")])
        .await
        .assert_redirect("/admin/users?msg=self");
}

#[tokio::test]
async fn rights_follow_role_and_authorship_changes() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let writer = app.user_browser("writer", Role::Employee).await;
    let writer_id = app.ids("users", "id")[1];
    app.make_enterprise_author(writer_id);
    let company_post = publish(&writer, "company", "Company news", "From the company.", "").await;
    let company_id = crate::helpers::post_id(&writer.get(&company_post).await.body);
    let own_post = publish(&writer, "writer", "My tips", "From me.", "").await;
    let own_id = crate::helpers::post_id(&writer.get(&own_post).await.body);
    writer.get(&format!("/posts/{company_id}/edit")).await.assert_status(200);

    // Removed from the enterprise blog's authors: company posts are out of reach, own blog not.
    admin.post("/manage/blogs/company/authors/remove", &[("username", "writer")]).await.assert_status(303);
    writer.get(&format!("/posts/{company_id}/edit")).await.assert_status(403);
    crate::helpers::editor(&writer, &format!("/posts/{company_id}/edit"), &[("blog", "company")])
        .await
        .assert_status(403);
    writer.post(&format!("/posts/{company_id}/delete"), &[]).await.assert_status(403);
    app.get(&company_post).await.assert_status(200);
    writer.get(&format!("/posts/{own_id}/edit")).await.assert_status(200);

    // No longer an employee: the staff blog's posts stay published, but its former owner can no
    // longer change them (they speak for the company); admins and moderators can.
    admin.post(&format!("/admin/users/{writer_id}/role"), &[("role", "member")]).await.assert_status(303);
    writer.get(&format!("/posts/{own_id}/edit")).await.assert_status(403);
    writer.post(&format!("/posts/{own_id}/delete"), &[]).await.assert_status(403);
    writer.get("/write?blog=writer").await.assert_status(403);
    app.get(&own_post).await.assert_status(200);
    let moderator = app.user_browser("moddy", Role::Moderator).await;
    moderator.get(&format!("/posts/{own_id}/edit")).await.assert_status(403);
    moderator.post(&format!("/posts/{own_id}/delete"), &[]).await.assert_redirect("/blogs/writer");
    app.get(&own_post).await.assert_status(404);
    admin.get(&format!("/posts/{company_id}/edit")).await.assert_status(200);
}

#[tokio::test]
async fn moderators_hide_content_and_show_it_again() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let moderator = app.user_browser("moddy", Role::Moderator).await;
    let (path, topic) = start_topic(&mia, "help", "Spammy title", "Buy now.").await;
    let (_, first) = reply(&bob, &topic, "First reply stays").await;
    let (_, spam) = reply(&bob, &topic, "Spam reply goes").await;
    assert!(!first.is_empty());
    mia.post(&format!("/content/{spam}/hide"), &[("hidden", "1")]).await.assert_status(403);

    // A reply hidden: a placeholder for others, marked for moderators, counts follow.
    moderator.post(&format!("/content/{spam}/hide"), &[("hidden", "1")]).await.assert_status(303);
    moderator.post(&format!("/content/{spam}/hide"), &[("hidden", "1")]).await.assert_status(303);
    app.get(&path)
        .await
        .assert_lacks("Spam reply goes")
        .assert_contains("1 reply")
        .assert_contains("This reply was hidden by a moderator.");
    moderator
        .get(&path)
        .await
        .assert_contains("Spam reply goes")
        .assert_contains("Hidden: only its author and the moderators see it");
    // Its author still sees it, marked.
    bob.get(&path)
        .await
        .assert_contains("Spam reply goes")
        .assert_contains("Hidden: only its author and the moderators see it");
    assert_consistent(&app);
    // A topic hidden: gone for everyone but moderators, from the board, feeds and search.
    moderator.post(&format!("/content/{topic}/hide"), &[("hidden", "1")]).await.assert_status(303);
    app.get(&path).await.assert_status(404);
    bob.get(&path).await.assert_status(404);
    // Its author is told rather than shown a 404.
    mia.get(&path).await.assert_status(200).assert_contains("Hidden: only its author and the moderators see it");
    mia.get("/forums/help").await.assert_lacks("Spammy title");
    // A moderator reading the hidden topic reads its replies too.
    moderator.get(&path).await.assert_contains("First reply stays");
    app.get("/forums/help").await.assert_lacks("Spammy title");
    app.get("/forums/help/feed.atom").await.assert_lacks("Spammy title");
    app.get("/search?q=spammy").await.assert_lacks("Spammy");
    moderator.get(&path).await.assert_status(200).assert_contains("Hidden: only its author and the moderators see it");
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards"), 0);
    assert_consistent(&app);
    // Shown again: everything comes back.
    moderator.post(&format!("/content/{topic}/hide"), &[("hidden", "0")]).await.assert_status(303);
    moderator.post(&format!("/content/{spam}/hide"), &[("hidden", "0")]).await.assert_status(303);
    app.get(&path).await.assert_status(200).assert_contains("Spam reply goes").assert_contains("2 replies");
    app.get("/search?q=spammy").await.assert_contains("Spammy");
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards"), 1);
    assert_consistent(&app);

    // Posts and comments too.
    let alice = app.user_browser("alice", Role::Employee).await;
    let post = publish(&alice, "alice", "Hide me post", "Body.", "").await;
    let post_id = crate::helpers::post_id(&alice.get(&post).await.body);
    mia.post(&format!("/posts/{post_id}/comments"), &[("body", "Rude comment")]).await.assert_status(303);
    let comment = app.ids("comments", "content_id")[0];
    moderator.post(&format!("/content/{comment}/hide"), &[("hidden", "1")]).await.assert_status(303);
    app.get(&post)
        .await
        .assert_lacks("Rude comment")
        .assert_contains(r#"<h2 id="h-comments" class="quiet-heading">Comments</h2>"#);
    mia.get(&post)
        .await
        .assert_contains("Rude comment")
        .assert_contains("Hidden: only its author and the moderators see it");
    assert_consistent(&app);
    moderator.post(&format!("/content/{post_id}/hide"), &[("hidden", "1")]).await.assert_status(303);
    app.get(&post).await.assert_status(404);
    app.get("/feed.atom").await.assert_lacks("Hide me post");
    app.get("/").await.assert_lacks("Hide me post");
}

#[test]
fn templates_never_mark_html_safe_by_hand() {
    // Sanitized HTML is a type (`SafeHtml`, `Rendered`) that askama prints as it is; a `|safe`
    // filter would let any string through.
    fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("templates").flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|e| e == "html") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                if compact.contains("|safe") {
                    found.push(path.display().to_string());
                }
            }
        }
    }
    let mut found = Vec::new();
    visit(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"), &mut found);
    assert!(found.is_empty(), "templates using |safe: {found:?}");
}

#[tokio::test]
async fn rerender_brings_stored_html_in_line_with_the_sanitizer() {
    use diesel::prelude::*;
    use plaza::db::schema::contents;
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let post = publish(&alice, "alice", "Rendered once", "Some **bold** text.", "").await;
    let id: i64 = app.ids("posts", "content_id")[0];
    // HTML stored under an older, looser policy.
    plaza::db::write(&mut app.conn(), |tx| {
        diesel::update(contents::table.find(id))
            .set(contents::body_html.eq("<p>Some <b onclick=\"x()\">bold</b> text.</p><script>x()</script>"))
            .execute(tx.conn())
    })
    .expect("stale html");
    app.get(&post).await.assert_contains("<script>");
    let stats = plaza::rerender::all(&mut app.conn(), &|_, _| {}).expect("rerender");
    assert_eq!(stats.changed, 1);
    app.get(&post).await.assert_lacks("<script>").assert_lacks("onclick").assert_contains("<strong>bold</strong>");
    assert_eq!(plaza::rerender::all(&mut app.conn(), &|_, _| {}).expect("again").changed, 0);
}

#[tokio::test]
async fn hidden_content_leaves_nothing_half_done() {
    let app = spawn().await;
    app.create_board("help", "questions", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let staff = app.user_browser("supporter", Role::Employee).await;
    let moderator = app.user_browser("moddy", Role::Moderator).await;
    let (older_path, _) = start_topic(&mia, "help", "Older question", "First.").await;
    let (path, question) = start_topic(&mia, "help", "Newest question", "How?").await;
    let (_, answer) = reply(&staff, &question, "Like this.").await;
    mia.post(&format!("/topics/{question}/accept"), &[("reply", &answer)]).await.assert_status(303);
    app.get("/forums/help?filter=answered").await.assert_contains("Newest question");

    // The accepted answer hidden: the question is unanswered again, and a hidden reply cannot
    // be accepted.
    moderator.post(&format!("/content/{answer}/hide"), &[("hidden", "1")]).await.assert_status(303);
    app.get("/forums/help?filter=unanswered").await.assert_contains("Newest question");
    app.get("/forums/help?filter=answered").await.assert_lacks("Newest question");
    mia.post(&format!("/topics/{question}/accept"), &[("reply", &answer)]).await.assert_status(404);
    // Its author still reads it, but it cannot be the answer while hidden.
    staff
        .post(&format!("/topics/{question}/accept"), &[("reply", &answer)])
        .await
        .assert_status(400)
        .assert_contains("show it again first");
    moderator.post(&format!("/content/{answer}/hide"), &[("hidden", "0")]).await.assert_status(303);

    // A hidden topic takes no replies, not even a moderator's, so its counts stay right.
    moderator.post(&format!("/content/{question}/hide"), &[("hidden", "1")]).await.assert_status(303);
    moderator.post(&format!("/topics/{question}/replies"), &[("body", "Into the void")]).await.assert_status(403);
    moderator.get(&path).await.assert_lacks("reply-body");
    // Replies in it can still be deleted by a moderator reading it (an admin too).
    let (_, stray) = {
        moderator.post(&format!("/content/{question}/hide"), &[("hidden", "0")]).await.assert_status(303);
        let r = reply(&mia, &question, "Stray reply").await;
        moderator.post(&format!("/content/{question}/hide"), &[("hidden", "1")]).await.assert_status(303);
        r
    };
    moderator.post(&format!("/replies/{stray}/delete"), &[]).await.assert_status(303);
    // The board's latest topic is the latest one still there.
    app.get("/forums").await.assert_contains("Older question").assert_lacks("Newest question");
    assert_consistent(&app);
    moderator.post(&format!("/content/{question}/hide"), &[("hidden", "0")]).await.assert_status(303);
    app.get("/forums").await.assert_contains("Newest question");
    assert_consistent(&app);
    app.get(&older_path).await.assert_status(200);
}

#[tokio::test]
async fn a_hidden_official_response_can_be_shown_again() {
    let app = spawn().await;
    let board = app.create_board("reviews", "reviews", "everyone", "members");
    plaza::db::write(&mut app.conn(), |tx| plaza::forums::reviews::create_product(tx, board, "Cloud", "cloud", ""))
        .unwrap();
    let mia = app.user_browser("mia", Role::Member).await;
    let staff = app.user_browser("supporter", Role::Employee).await;
    let moderator = app.user_browser("moddy", Role::Moderator).await;
    let fields = [("product", "cloud"), ("rating", "2"), ("title", "Slow"), ("body", "Slow sync."), ("action", "save")];
    let path = mia.post("/forums/reviews/new", &fields).await.assert_status(303).location();
    let review = app.ids("reviews", "topic_id")[0];
    staff.post(&format!("/topics/{review}/response"), &[("body", "We fixed the sync.")]).await.assert_status(303);
    let response = app.number("SELECT id AS n FROM contents WHERE kind = 'response'");

    moderator.post(&format!("/content/{response}/hide"), &[("hidden", "1")]).await.assert_status(303);
    app.get(&path).await.assert_lacks("We fixed the sync.");
    mia.get(&path).await.assert_lacks("We fixed the sync.");
    // Moderators and its author still see it, marked, and may show it again.
    moderator
        .get(&path)
        .await
        .assert_contains("We fixed the sync.")
        .assert_contains("Hidden: only its author and the moderators see it");
    staff
        .get(&path)
        .await
        .assert_contains("We fixed the sync.")
        .assert_contains("Hidden: only its author and the moderators see it");
    moderator.post(&format!("/content/{response}/hide"), &[("hidden", "0")]).await.assert_status(303);
    app.get(&path).await.assert_contains("We fixed the sync.");
}

#[tokio::test]
async fn a_second_delete_tells_nothing_to_who_could_not_delete() {
    let app = spawn().await;
    app.create_board("staff-room", "discussion", "employees", "employees");
    let staff = app.user_browser("supporter", Role::Employee).await;
    let mia = app.user_browser("mia", Role::Member).await;
    let (_, topic) = start_topic(&staff, "staff-room", "Internal plans", "Secret.").await;
    staff.post(&format!("/topics/{topic}/delete"), &[]).await.assert_redirect("/forums/staff-room");
    // Its author again: where the first delete went.
    staff.post(&format!("/topics/{topic}/delete"), &[]).await.assert_redirect("/forums/staff-room");
    // Anyone else: it is not there, and the board's address is not given away.
    let page = mia.post(&format!("/topics/{topic}/delete"), &[]).await;
    page.assert_status(404);
    assert!(!page.location().contains("staff-room"));

    // Not a topic at all: not found, whatever it is.
    let alice = app.user_browser("alice", Role::Employee).await;
    let post = publish(&alice, "alice", "Commented", "Body", "").await;
    let post_id = crate::helpers::post_id(&alice.get(&post).await.body);
    mia.post(&format!("/posts/{post_id}/comments"), &[("body", "Mine")]).await.assert_status(303);
    let comment = app.ids("comments", "content_id")[0];
    mia.post(&format!("/comments/{comment}/delete"), &[]).await.assert_status(303);
    mia.post(&format!("/topics/{comment}/delete"), &[]).await.assert_status(404);
    mia.post(&format!("/topics/{post_id}/delete"), &[]).await.assert_status(404);
    // A deleted comment again: its author goes back to the post, others find nothing.
    mia.post(&format!("/comments/{comment}/delete"), &[]).await.assert_status(303);
    let bob = app.user_browser("bob", Role::Member).await;
    bob.post(&format!("/comments/{comment}/delete"), &[]).await.assert_status(404);
}
