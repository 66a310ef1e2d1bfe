//! Confidentiality: what an employees-only board holds never reaches anyone else, through any
//! door. Private content carries one unique word; a visitor and a member then visit every public
//! route and feed, search, the sitemap, their notifications and the e-mail they were sent, and
//! the word is nowhere.
//!
//! A new route or feed is added to `ROUTES` (one line); placeholders in braces are filled from
//! the fixture.

use plaza::accounts::Role;

use crate::helpers::{Browser, TestApp, publish, reply, spawn, start_topic};

/// In every piece of private content: titles, bodies, a tag, a quote, a mention.
const SECRET: &str = "zanzibarquokka";
/// Next to it in every private title and body, and never in an address: a route that names
/// the secret (a tag page, a search) echoes what was asked for, but must not show this.
const HIDDEN: &str = "platypusledger";

/// Every public surface (and the member's own pages). `{…}` are filled from the fixture.
const ROUTES: &[&str] = &[
    "/",
    "/static/favicon.svg",
    "/setup",
    "/register",
    "/login",
    "/password/forgot",
    "/password/reset/{secret}",
    "/email/confirm/{secret}",
    "/write",
    "/write?blog={staff_blog}",
    "/manage/blogs/{staff_blog}",
    "/admin/users",
    "/admin/groups",
    "/admin/groups/1",
    "/admin/forums",
    "/admin/forums/boards/{staff_board}",
    "/blog/no-such-post",
    "/posts/{public_post_id}",
    "/posts/{draft_post_id}",
    "/posts/{draft_post_id}/edit",
    "/posts/{draft_post_id}/comments.atom",
    "/comments/{comment}/edit",
    "/topics/{internal_topic}/edit",
    "/replies/{internal_reply}/edit",
    "/forums/reviews",
    "/forums/reviews/products/cloud",
    "/robots.txt",
    "/healthz",
    "/readyz",
    "/metrics",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/sitemap-posts-0.xml",
    "/sitemap-topics-0.xml",
    "/sitemap-magazine.xml",
    "/opensearch.xml",
    "/feed.atom",
    "/feed.rss",
    "/blogs",
    "/blog",
    "/blog/feed.atom",
    "/blog/feed.rss",
    "/blogs/{staff_blog}",
    "/blogs/{staff_blog}/feed.atom",
    "{public_post}",
    "/posts/{public_post_id}/comments.atom",
    "/tags",
    "/tags/{secret}",
    "/tags/{secret}/feed.atom",
    "/tags/{secret}/feed.rss",
    "/tags/shared",
    "/tags/shared/feed.atom",
    "/forums",
    "/forums/help",
    "/forums/help?tag={secret}",
    "/forums/help?tag=shared",
    "/forums/help/feed.atom",
    "/forums/help/feed.rss",
    "/forums/staff-room",
    "/forums/staff-room/feed.atom",
    "/forums/staff-room/new",
    "/forums/lounge",
    "/forums/lounge/feed.atom",
    "/forums/ideas",
    "/forums/ideas/status.atom",
    "/forums/ideas/adopted",
    "/topics/{public_topic}",
    "/topics/{public_topic}/feed.atom",
    "{public_topic_path}",
    "{public_topic_path}?quote={internal_reply}",
    "/topics/{internal_topic}",
    "/topics/{internal_topic}/feed.atom",
    "/topics/{internal_topic}/feed.rss",
    "/topics/{lounge_topic}",
    "/replies/{internal_reply}",
    "/history/{internal_topic}",
    "/history/{internal_reply}",
    "/content/{internal_topic}",
    "/content/{internal_reply}",
    "/content/{deleted_reply}",
    "/replies/{deleted_reply}",
    "/search?q={secret}",
    "/search?q={secret}&kind=topic",
    "/search?q=budget&sort=newest",
    "/search?q={secret}&tag={secret}",
    "/search?q=budget&place=board-{staff_board}",
    "/search.atom?q={secret}",
    "/search.rss?q=budget",
    "/u/insider",
    "/u/carol",
    "/u/exstaff",
    "/notifications",
    "/following",
    "/settings",
    "/settings/notifications",
    "/settings/account",
    "/settings/account/export",
    "/settings/account/deleted",
    "/settings/muted",
    "/unsubscribe/1.mention.00",
    "/media",
    "/admin/media",
    "/media/{internal_media}",
    "/media/{internal_media}/thumb",
    "/media/{internal_media}/large",
    "/media/{internal_media}/w320.webp",
    "/magazine",
    "/magazine/new",
    "/magazine/{draft_issue}",
    "/magazine/{draft_issue}/edit",
    "/magazine/{draft_issue}/articles/new",
    "{draft_article}",
    "{draft_article}/edit",
    "{draft_article}/history",
    "{draft_article}/diff",
    "{draft_article}/diff?to={draft_revision}&view=side",
    "{draft_article}/revisions/{draft_revision}",
    "{draft_article}/edit?undo={draft_revision}",
    "/magazine/5",
    "/magazine/5/feed.atom",
    "/magazine/5/epub",
    "/magazine/reads/1/end.gif",
    "/magazine/{draft_issue}/epub",
    "/magazine/5/feed.rss",
    "/magazine/feed.atom",
    "/magazine/feed.rss",
    "/magazine/{draft_issue}/feed.atom",
    "{open_article}",
    "{open_article}/history",
    "{open_article}/comments.atom",
    "{draft_article}/comments.rss",
    "{open_article}/diff",
    "{open_article}/diff?to={pending_revision}",
    "{open_article}/diff?from={pending_revision}&view=side",
    "{open_article}/revisions/{pending_revision}",
    "{open_article}/edit?undo={pending_revision}",
    "/magazine/review",
    "/search?q={secret}&kind=article",
    "/search?q={secret}&kind=contribution",
    "/magazine/areas/new?host={draft_article_id}",
    "/magazine/areas/{draft_area}",
    "/magazine/areas/{draft_area}/edit",
    "/magazine/areas/{open_area}",
    "/magazine/areas/{open_area}?change={pending_entry}",
    "/magazine/areas/{open_area}?change={declined_entry}",
    "{open_article}/stats",
    "/u/newbie",
    "/magazine/calls",
    "/magazine/calls/new",
    "/magazine/calls/{call}",
    "/magazine/calls/{call}/edit",
    "/magazine/calls/{call}/judging",
    "/mod",
    "/mod?reason=other",
    "/mod/log",
    "/mod/log?action=suspend",
    "/mod/content/{hidden_reply}",
    "/mod/users/{ranter_id}",
    "/mod/settings",
    "/flag/content/{hidden_reply}",
    "/flag/content/{public_topic}",
    "/flag/user/ranter",
    "/appeal",
    "/u/ranter",
    "/replies/{hidden_reply}",
    "{held_topic_path}",
    "/topics/{held_topic}",
    "/replies/{held_reply}",
    "/flag/content/{held_topic}",
    "/mod/content/{held_topic}",
    "/mod/content/{held_topic}/edit",
    "/mod/content/{hidden_reply}/edit",
    "/mod/content/{held_topic}/move",
    "/mod/content/{internal_topic}/move",
    "/mod/content/{internal_topic}/merge",
    "/mod/content/{held_topic}/merge",
    "/mod/words",
    "/alerts",
    "/admin/statement",
    "/admin/site",
    "/look/site.css",
];

struct Fixture {
    values: Vec<(&'static str, String)>,
}

impl Fixture {
    fn fill(&self, route: &str) -> String {
        let mut out = route.to_string();
        for (k, v) in &self.values {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        assert!(!out.contains('{'), "unfilled placeholder in {route}");
        out
    }
}

fn board_id(app: &TestApp, slug: &str) -> i64 {
    use diesel::prelude::*;
    use plaza::db::schema::boards;
    boards::table.filter(boards::slug.eq(slug)).select(boards::id).first(&mut app.conn()).expect("board")
}

async fn set_board_access(admin: &Browser, app: &TestApp, slug: &str, view: &str) {
    let id = board_id(app, slug);
    admin
        .post(
            &format!("/admin/forums/boards/{id}"),
            &[
                ("name", slug),
                ("slug", slug),
                ("kind", "discussion"),
                ("view_access", view),
                ("post_access", "members"),
                ("position", "0"),
            ],
        )
        .await
        .assert_status(303);
}

/// The site: an employees-only board with a secret topic, a reply that quotes and @mentions a
/// customer, a secret tag also used publicly; a board that became internal after a customer
/// followed it; an employee demoted after following the internal board; a deleted public reply.
async fn fixture(app: &TestApp) -> (Fixture, Browser) {
    let admin = app.user_browser("boss", Role::Admin).await;
    let insider = app.user_browser("insider", Role::Employee).await;
    let colleague = app.user_browser("colleague", Role::Employee).await;
    let exstaff = app.user_browser("exstaff", Role::Employee).await;
    let carol = app.user_browser("carol", Role::Member).await;
    carol
        .post("/settings", &[("display_name", ""), ("bio", ""), ("locale", "en"), ("email_notifications", "on")])
        .await
        .assert_status(303);
    exstaff
        .post("/settings", &[("display_name", ""), ("bio", ""), ("locale", "en"), ("email_notifications", "on")])
        .await
        .assert_status(303);
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("staff-room", "discussion", "employees", "members");
    app.create_board("lounge", "discussion", "everyone", "members");
    app.create_board("ideas", "ideas", "everyone", "members");
    let reviews = app.create_board("reviews", "reviews", "everyone", "members");
    plaza::db::write(&mut app.conn(), |tx| plaza::forums::reviews::create_product(tx, reviews, "Cloud", "cloud", ""))
        .expect("product");

    // Public content that the private content refers to.
    let public_post = publish(&insider, "insider", "Budget tips for everyone", "Plan ahead.", "shared").await;
    let public_post_id = crate::helpers::post_id(&insider.get(&public_post).await.body);
    carol
        .post(&format!("/posts/{public_post_id}/comments"), &[("body", "Thanks for the tips.")])
        .await
        .assert_status(303);
    let comment = app.ids("comments", "content_id")[0].to_string();
    let (public_topic_path, public_topic) = start_topic(&carol, "help", "Budget question", "How do I budget?").await;
    let (carol_reply_path, carol_reply) = reply(&carol, &public_topic, "My own budget answer.").await;
    assert!(carol_reply_path.contains("#r"));
    carol.post(&format!("/topics/{public_topic}/follow"), &[("value", "1")]).await.assert_status(303);

    // Followers who will lose access before the private content appears.
    carol.post("/forums/lounge/follow", &[("value", "1")]).await.assert_status(303);
    let (_, lounge_topic) = start_topic(&carol, "lounge", "Lounge chat", "Hello lounge.").await;
    exstaff.post("/forums/staff-room/follow", &[("value", "1")]).await.assert_status(303);
    set_board_access(&admin, app, "lounge", "employees").await;
    admin
        .post(&format!("/admin/users/{}/role", app.ids("users", "id")[3]), &[("role", "member")])
        .await
        .assert_status(303);
    app.settle().await;

    // The private content, each carrying the word (a picture in the internal topic too).
    let internal_media =
        crate::media::upload_one(&insider, &format!("{SECRET}-{HIDDEN}.png"), crate::media::png(400, 300), "image/png")
            .await;
    let body = format!(
        "{SECRET} {HIDDEN} budget numbers for the quarter.\n\n![{SECRET} {HIDDEN} chart](/media/{internal_media})"
    );
    let page = insider
        .post(
            "/forums/staff-room/new",
            &[
                ("title", &format!("Internal {SECRET} {HIDDEN} plan")),
                ("body", &body),
                ("tags", &format!("{SECRET}, shared")),
            ],
        )
        .await;
    page.assert_status(303);
    let internal_path = page.location();
    let internal_topic = internal_path.rsplit('/').next().unwrap_or("").split('-').next().unwrap_or("").to_string();
    let quote = format!(
        "> **@carol** [wrote](/replies/{carol_reply}):\n>\n> My own budget answer.\n\n@carol {SECRET} {HIDDEN} disagrees with the budget."
    );
    let (_, internal_reply) = reply(&colleague, &internal_topic, &quote).await;
    colleague.post(&format!("/likes/{internal_topic}"), &[("value", "1")]).await.assert_status(303);
    start_topic(&insider, "lounge", &format!("Lounge {SECRET} {HIDDEN} memo"), &body).await;
    // A draft is private too.
    let draft = crate::helpers::editor(
        &insider,
        "/write",
        &[
            ("blog", "insider"),
            ("title", &format!("Draft {SECRET} {HIDDEN}")),
            ("body", &body),
            ("tags", SECRET),
            ("status", "draft"),
        ],
    )
    .await;
    draft.assert_status(303);
    let draft_post_id = crate::helpers::post_id(&insider.get(&draft.location()).await.body);
    // A comment on a public post cannot be private, but a deleted public reply's text must go too.
    let (_, deleted_reply) =
        reply(&insider, &public_topic, &format!("@carol [see](/replies/{carol_reply}) {SECRET} {HIDDEN} retracted"))
            .await;
    insider.post(&format!("/replies/{deleted_reply}/delete"), &[]).await.assert_status(303);
    app.settle().await;
    // A magazine issue still in the making, its article written by a named writer.
    let editor = app.user_browser("chiefeditor", plaza::policy::Roles::from(Role::Employee).with(Role::Editor)).await;
    editor
        .post(
            "/magazine/new",
            &[
                ("number", "4"),
                ("title", &format!("Issue {SECRET} {HIDDEN}")),
                ("theme", &format!("{SECRET} {HIDDEN} theme")),
                ("note", &format!("{SECRET} {HIDDEN} note")),
                ("cover", ""),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(303);
    let article = editor
        .post(
            "/magazine/4/articles/new",
            &[
                // (its address is made of its title: the hidden word stays out of it)
                ("title", &format!("Article {SECRET}")),
                ("body", &format!("{SECRET} {HIDDEN} budget story")),
                ("section", ""),
                ("position", "1"),
                ("mode", "open"),
                ("writers", "colleague"),
                ("tags", &format!("{SECRET}, shared")),
                ("action", "save"),
            ],
        )
        .await;
    article.assert_status(303);
    let draft_article = article.location();
    let draft_revision = crate::magazine::last_revision(app);
    // A published issue with an open article, and a new member's edit of it waiting for review.
    editor
        .post(
            "/magazine/new",
            &[("number", "5"), ("title", "Open issue"), ("theme", ""), ("note", ""), ("cover", ""), ("action", "save")],
        )
        .await
        .assert_status(303);
    let open = editor
        .post(
            "/magazine/5/articles/new",
            &[
                ("title", "Open letter"),
                ("body", "Everyone may edit this."),
                ("section", ""),
                ("position", "1"),
                ("mode", "open"),
                ("writers", ""),
                ("action", "save"),
            ],
        )
        .await;
    open.assert_status(303);
    let open_article = open.location();
    editor.post("/magazine/5/stage", &[("stage", "published"), ("publish_at", "")]).await.assert_status(303);
    let newbie = app.user_browser("newbie", Role::Member).await;
    let form = newbie.get(&format!("{open_article}/edit")).await;
    let open_base = crate::magazine::base(&form.body);
    newbie
        .post(
            &format!("{open_article}/edit"),
            &[
                ("title", &format!("Open letter {SECRET}")),
                ("body", &format!("Everyone may edit this. {SECRET} {HIDDEN} pending")),
                ("summary", &format!("{SECRET} {HIDDEN}")),
                ("base", &open_base),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(303);
    let pending_revision = crate::magazine::last_revision(app);
    // Contribution areas: one in the draft issue; one in the published issue with an entry
    // waiting, one returned and one declined (each carrying the secret), and a question whose
    // answer carries it too.
    let draft_article_id =
        app.number("SELECT a.content_id AS n FROM magazine_articles a JOIN magazine_issues i ON i.content_id = a.issue_id WHERE i.number = 4").to_string();
    let open_article_id =
        app.number("SELECT a.content_id AS n FROM magazine_articles a JOIN magazine_issues i ON i.content_id = a.issue_id WHERE i.number = 5").to_string();
    let area = |host: String, title: String| {
        let editor = &editor;
        async move {
            let page = editor
                .post(
                    "/magazine/areas/new",
                    &[("host", host.as_str()), ("title", &title), ("prompt", &title), ("deadline", "")],
                )
                .await;
            page.assert_status(303);
            page.location().rsplit('/').next().unwrap_or("").to_string()
        }
    };
    let draft_area = area(draft_article_id.clone(), format!("Area {SECRET} {HIDDEN}")).await;
    let open_area = area(open_article_id.clone(), "Readers' tips".to_string()).await;
    let mut entries = Vec::new();
    let (sender2, sender3) =
        (app.user_browser("sender2", Role::Member).await, app.user_browser("sender3", Role::Member).await);
    for (b, decision) in [(&newbie, ""), (&sender2, "return"), (&sender3, "decline")] {
        b.upload(
            &format!("/magazine/areas/{open_area}/entries"),
            &[("title", &format!("Tip {SECRET} {HIDDEN}")), ("body", &format!("{SECRET} {HIDDEN} tip")), ("entry", "")],
            &[],
            &[],
        )
        .await
        .assert_status(303);
        let id = app.number("SELECT MAX(content_id) AS n FROM magazine_entries").to_string();
        if !decision.is_empty() {
            editor
                .post(
                    &format!("/magazine/entries/{id}"),
                    &[
                        ("decision", decision),
                        ("seen", "pending"),
                        ("caption", SECRET),
                        ("position", "0"),
                        ("note", &format!("{SECRET} {HIDDEN} note")),
                    ],
                )
                .await
                .assert_status(303);
        }
        entries.push(id);
    }
    editor
        .post(&format!("{open_article}/polls"), &[("kind", "question"), ("question", "Any tips?"), ("options", "")])
        .await
        .assert_status(303);
    let question = app.number("SELECT MAX(id) AS n FROM magazine_polls").to_string();
    newbie
        .post(&format!("/magazine/polls/{question}/answer"), &[("body", &format!("{SECRET} {HIDDEN} answer"))])
        .await
        .assert_status(303);
    // A call: an accepted entry with a judge's note and an award not yet announced, and an entry
    // waiting, each carrying the secret.
    let judge = app.user_browser("judge1", Role::Member).await;
    let page = editor
        .post(
            "/magazine/calls/new",
            &[
                ("title", "Open call"),
                ("theme", "Anything"),
                ("rules", ""),
                ("prizes", ""),
                ("judges", "judge1"),
                ("deadline", ""),
            ],
        )
        .await;
    page.assert_status(303);
    let call = page.location().rsplit('/').next().unwrap_or("").to_string();
    let call_area = app.number("SELECT area_id AS n FROM magazine_calls").to_string();
    newbie
        .upload(
            &format!("/magazine/areas/{call_area}/entries"),
            &[("title", "Call entry"), ("body", "Public words."), ("entry", "")],
            &[],
            &[],
        )
        .await
        .assert_status(303);
    let call_entry = app.number("SELECT MAX(content_id) AS n FROM magazine_entries").to_string();
    editor
        .post(
            &format!("/magazine/entries/{call_entry}"),
            &[("decision", "accept"), ("seen", "pending"), ("caption", ""), ("position", "0"), ("note", "")],
        )
        .await
        .assert_status(303);
    judge
        .post(
            &format!("/magazine/calls/{call}/scores"),
            &[("entry", &call_entry), ("score", "8"), ("note", &format!("{SECRET} {HIDDEN} score"))],
        )
        .await
        .assert_status(303);
    editor
        .post(
            &format!("/magazine/calls/{call}/awards"),
            &[("entry", &call_entry), ("award", &format!("{SECRET} {HIDDEN}"))],
        )
        .await
        .assert_status(303);
    sender2
        .upload(
            &format!("/magazine/areas/{call_area}/entries"),
            &[("title", &format!("Call {SECRET} {HIDDEN}")), ("body", "x"), ("entry", "")],
            &[],
            &[],
        )
        .await
        .assert_status(303);
    judge.get(&format!("/magazine/calls/{call}/judging")).await.assert_contains(HIDDEN);
    // The secret is there for who may see it (so the suite's visits below can fail).
    newbie.get(&format!("/magazine/areas/{open_area}")).await.assert_contains(HIDDEN);
    sender3.get(&format!("/magazine/areas/{open_area}")).await.assert_contains(HIDDEN);
    editor.get(&format!("{open_article}/stats")).await.assert_contains(&format!("{SECRET} {HIDDEN} answer"));
    editor.get(&format!("/magazine/areas/{draft_area}")).await.assert_contains(HIDDEN);
    // Moderation: a public reply carrying the secret, flagged with the secret in the note,
    // hidden by a moderator with the secret in the staff note; its author suspended with the
    // secret as the reason, and appealing with it. A flag on a profile carries it too.
    let ranter_id = app.create_user("ranter", Role::Member);
    let ranter = app.new_browser();
    ranter.login_ok("ranter").await;
    let (_, hidden_reply) = reply(&ranter, &public_topic, &format!("Rant {SECRET} {HIDDEN}")).await;
    colleague
        .post(
            &format!("/flag/content/{hidden_reply}"),
            &[("reason", "other"), ("note", &format!("note {SECRET} {HIDDEN}"))],
        )
        .await
        .assert_status(303);
    colleague
        .post("/flag/user/ranter", &[("reason", "other"), ("note", &format!("profile {SECRET} {HIDDEN}"))])
        .await
        .assert_status(303);
    let queued = app.number(&format!("SELECT id AS n FROM mod_queue WHERE content_id = {hidden_reply}"));
    admin
        .post(
            &format!("/mod/queue/{queued}"),
            &[
                ("action", "hide"),
                ("note", &format!("staff {SECRET} {HIDDEN}")),
                ("member", "suspend"),
                ("message", &format!("reason {SECRET} {HIDDEN}")),
                ("length", "7d"),
                ("back", "/mod"),
            ],
        )
        .await
        .assert_status(303);
    let mails = app.mails_to("ranter@example.com");
    let mail = &mails.iter().rev().find(|(_, b)| b.contains("/appeal?token=")).expect("the suspension mail").1;
    let token: String =
        mail.split("/appeal?token=").nth(1).unwrap_or("").chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    app.new_browser()
        .post("/appeal", &[("token", &token), ("body", &format!("appeal {SECRET} {HIDDEN}"))])
        .await
        .assert_status(303);
    admin.get("/mod").await.assert_contains(HIDDEN);
    admin.get(&format!("/mod/users/{ranter_id}")).await.assert_contains(HIDDEN);
    // Held content: a new member's topic on a board that pre-moderates new members, and a
    // reply held by a watched word.
    {
        let mut conn = app.conn();
        let help = board_id(app, "help");
        plaza::db::write(&mut conn, |tx| plaza::forums::queries::set_premoderation(tx, help, "new")).expect("premod");
    }
    let newcomer_id = app.create_user("newcomer", Role::Member);
    app.set_trust(newcomer_id, 0);
    let newcomer = app.new_browser();
    newcomer.login_ok("newcomer").await;
    let (held_topic_path, held_topic) =
        start_topic(&newcomer, "help", "Held question", &format!("held {SECRET} {HIDDEN}")).await;
    admin
        .post("/mod/words", &[("pattern", "heldword"), ("kind", "word"), ("action", "hold"), ("replacement", "")])
        .await
        .assert_status(303);
    app.create_user("speaker", Role::Member);
    let speaker = app.new_browser();
    speaker.login_ok("speaker").await;
    let (_, held_reply) = reply(&speaker, &public_topic, &format!("heldword {SECRET} {HIDDEN}")).await;
    newcomer.get(&held_topic_path).await.assert_contains(HIDDEN);
    admin.get("/mod?reason=watched").await.assert_contains(HIDDEN);

    app.settle().await;
    plaza::jobs::mail::deliver_due(&mut app.conn(), &app.settings).expect("mail delivered");

    let staff_blog = "insider".to_string();
    let fixture = Fixture {
        values: vec![
            ("secret", SECRET.to_string()),
            ("staff_blog", staff_blog),
            ("public_post", public_post),
            ("public_post_id", public_post_id),
            ("draft_post_id", draft_post_id),
            ("comment", comment),
            ("public_topic", public_topic),
            ("public_topic_path", public_topic_path),
            ("internal_topic", internal_topic),
            ("internal_reply", internal_reply),
            ("deleted_reply", deleted_reply),
            ("lounge_topic", lounge_topic),
            ("staff_board", board_id(app, "staff-room").to_string()),
            ("internal_media", internal_media.to_string()),
            ("draft_issue", "4".to_string()),
            ("draft_article", draft_article),
            ("draft_revision", draft_revision),
            ("open_article", open_article),
            ("pending_revision", pending_revision),
            ("draft_article_id", draft_article_id),
            ("draft_area", draft_area),
            ("open_area", open_area),
            ("pending_entry", entries[0].clone()),
            ("declined_entry", entries[2].clone()),
            ("call", call),
            ("hidden_reply", hidden_reply),
            ("held_topic", held_topic),
            ("held_topic_path", held_topic_path),
            ("held_reply", held_reply),
            ("ranter_id", ranter_id.to_string()),
        ],
    };
    (fixture, carol)
}

/// Every file of a zip (an EPUB) as one text.
fn unzipped_text(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).expect("an entry");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut bytes).expect("read");
        all.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert!(all.contains("<html"), "the book has chapters");
    all
}

#[tokio::test]
async fn private_content_reaches_no_visitor_and_no_member_anywhere() {
    let app = spawn().await;
    let (fixture, carol) = fixture(&app).await;
    let visitor = app.new_browser();
    for route in ROUTES {
        let path = fixture.fill(route);
        // A route that names the secret echoes it (in the search box, the canonical link).
        let needles: &[&str] = if path.contains(SECRET) { &[HIDDEN] } else { &[SECRET, HIDDEN] };
        for (who, browser) in [("visitor", &visitor), ("member", &carol)] {
            let mut page = browser.get(&path).await;
            assert!(page.status.as_u16() < 500, "{who} {path}: {}\n{}", page.status, page.body);
            // A book is a zip: its words are read inside it, not in the compressed bytes.
            if page.header("content-type") == "application/epub+zip" {
                page.body = unzipped_text(browser.get_bytes(&path, &[]).await.2);
            }
            for needle in needles {
                assert!(!page.body.contains(needle), "{who} sees {needle} at {path} ({}):\n{}", page.status, page.body);
            }
            // A redirect must not lead there either.
            if page.status.is_redirection() && page.location().starts_with('/') {
                let next = browser.get(&page.location()).await;
                for needle in needles {
                    assert!(!next.body.contains(needle), "{who} {path} -> {} shows {needle}", page.location());
                }
            }
        }
    }
    // Every page route of the site is visited above (a new route must be added to ROUTES).
    let filled: Vec<String> =
        ROUTES.iter().map(|r| fixture.fill(r).split(['?', '#']).next().unwrap_or("").to_string()).collect();
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs")).expect("lib.rs");
    for pattern in get_routes(&source) {
        assert!(
            filled.iter().any(|path| route_matches(&pattern, path)),
            "GET {pattern} is not in the confidentiality suite's ROUTES"
        );
    }
    // The e-mail the customer and the demoted employee were sent (the suspended member's own
    // mail tells them the reason they were given).
    let mail_dir = app.settings.data_dir.join("mail");
    for entry in std::fs::read_dir(&mail_dir).map(|d| d.flatten().collect::<Vec<_>>()).unwrap_or_default() {
        // Quoted-printable bodies break long lines with a soft "=" at the end: join them.
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default().replace("=\r\n", "");
        // The suspended member is told the reason they were given (and it carries the word).
        if text.contains("To: ranter@example.com") {
            continue;
        }
        assert!(!text.contains(SECRET) && !text.contains(HIDDEN), "an e-mail carries the secret:\n{text}");
    }

    // The picture in the internal topic: not even its address answers.
    for file in ["", "/thumb", "/large", "/w320.webp"] {
        let path = fixture.fill(&format!("/media/{{internal_media}}{file}"));
        for (who, browser) in [("visitor", &visitor), ("member", &carol)] {
            let (status, headers, _) = browser.get_bytes(&path, &[]).await;
            assert_eq!(status, 404, "{who} fetched {path}");
            assert!(!format!("{headers:?}").contains(SECRET), "{who}: {headers:?}");
        }
    }

    // The side doors found when tried, each checked directly.
    let home = carol.get("/").await;
    home.assert_contains("shared");
    let tags = carol.get("/tags").await;
    tags.assert_lacks(SECRET);
    // The shared tag counts what the member may read: the public post only.
    assert!(tags.body.contains("shared"));
    carol.get(&format!("/tags/{SECRET}")).await.assert_status(404);
    // Notifications: the quote and the mention from inside the board never reached the customer;
    // the deleted reply's notification is gone from the list and the count.
    let notes = carol.get("/notifications").await;
    notes.assert_lacks("quoted you").assert_lacks("mentioned you");
    // Those who lost access were told, and follow nothing there any more.
    notes.assert_contains("You can no longer read “lounge”");
    let lounge_follows: i64 = {
        use diesel::prelude::*;
        use plaza::db::schema::subscriptions;
        subscriptions::table.filter(subscriptions::target_kind.eq("board")).count().get_result(&mut app.conn()).unwrap()
    };
    assert_eq!(lounge_follows, 0, "carol's board subscription and exstaff's are dropped");
    // Likes received on the public profile count only what the visitor may read.
    // (None the visitor may read: no count at all, rather than "0 likes received".)
    visitor.get("/u/insider").await.assert_lacks("likes received");
}

/// The GET routes registered in `lib.rs`: `.route("/path", aweb::get()…`.
fn get_routes(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(i) = rest.find(".route(\"") {
        rest = &rest[i + 8..];
        let Some(end) = rest.find('"') else { break };
        let path = &rest[..end];
        let after = rest[end..].trim_start_matches(['"', ',', ' ', '\n']);
        if after.starts_with("aweb::get()") {
            out.push(path.to_string());
        }
    }
    out
}

/// Does a concrete path match a route pattern (`{…}` stands for one segment, or the rest of a
/// segment after a literal prefix such as `feed.{ext}`)?
fn route_matches(pattern: &str, path: &str) -> bool {
    let (p, q): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len()
        && p.iter().zip(&q).all(|(a, b)| match a.find('{') {
            None => a == b,
            Some(i) => b.len() > i && b.starts_with(&a[..i]) && !b[i..].is_empty(),
        })
}

#[tokio::test]
async fn staff_still_see_it_all() {
    let app = spawn().await;
    let (fixture, _) = fixture(&app).await;
    let insider = app.new_browser();
    insider.login_ok("insider").await;
    insider.get(&format!("/tags/{SECRET}")).await.assert_status(200).assert_contains(SECRET);
    insider.get(&fixture.fill("/topics/{internal_topic}")).await.assert_status(301);
    insider.get(&format!("/search?q={SECRET}")).await.assert_contains(HIDDEN);
    insider.get("/tags").await.assert_contains(SECRET);
    let colleague = app.new_browser();
    colleague.login_ok("colleague").await;
    let picture = fixture.fill("/media/{internal_media}");
    assert_eq!(colleague.get_bytes(&picture, &[]).await.0, 200, "employees see the picture where they read the topic");
    // The internal tag is never in the sitemap, even for staff.
    insider.sitemap().await.assert_lacks(SECRET);
}

#[tokio::test]
async fn feeds_that_depend_on_the_reader_are_private() {
    let app = spawn().await;
    app.create_board("members-only", "discussion", "members", "members");
    app.create_board("open", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    start_topic(&mia, "members-only", "For members", "Inside.").await;
    let visitor = app.new_browser();
    let public = visitor.get("/forums/open/feed.atom").await;
    assert!(public.header("cache-control").starts_with("public"), "{}", public.header("cache-control"));
    let member = mia.get("/forums/members-only/feed.atom").await;
    member.assert_status(200).assert_contains("For members");
    assert!(member.header("cache-control").starts_with("private"), "{}", member.header("cache-control"));
    // The same address for a visitor: log in first, nothing cached.
    visitor.get("/forums/members-only/feed.atom").await.assert_status(303);
    let site = mia.get("/feed.atom").await;
    assert!(site.header("cache-control").starts_with("private"));
}
