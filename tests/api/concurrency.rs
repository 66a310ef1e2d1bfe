//! Concurrency: many requests at once, then every acknowledged write is there exactly once and
//! every counter equals the real count. Repeated and simultaneous submits of the same action
//! change nothing twice and answer like the first.

use futures_util::future::join_all;
use plaza::accounts::Role;

use crate::helpers::{Browser, TestApp, publish, reply, spawn, start_topic};

/// Counters kept in rows against the rows they count. Every query returns 0 when all agree.
const CONSISTENCY: &[(&str, &str)] = &[
    (
        "topics.reply_count",
        "SELECT COUNT(*) AS n FROM topics t WHERE t.reply_count <> (SELECT COUNT(*) FROM replies r \
         JOIN contents c ON c.id = r.content_id WHERE r.topic_id = t.content_id AND c.deleted_at IS NULL \
         AND c.hidden_at IS NULL)",
    ),
    (
        "topics.last_position",
        "SELECT COUNT(*) AS n FROM topics t WHERE t.last_position <> (SELECT COALESCE(MAX(position), 0) \
         FROM replies r WHERE r.topic_id = t.content_id)",
    ),
    (
        "reply positions gap-free",
        "SELECT COUNT(*) AS n FROM topics t WHERE t.last_position <> (SELECT COUNT(*) FROM replies r \
         WHERE r.topic_id = t.content_id)",
    ),
    (
        "boards.topic_count",
        "SELECT COUNT(*) AS n FROM boards b WHERE b.topic_count <> (SELECT COUNT(*) FROM topics t \
         WHERE t.board_id = b.id AND t.visible)",
    ),
    (
        "boards.post_count",
        "SELECT COUNT(*) AS n FROM boards b WHERE b.post_count <> (SELECT COUNT(*) + COALESCE(SUM(t.reply_count), 0) \
         FROM topics t WHERE t.board_id = b.id AND t.visible)",
    ),
    (
        "contents.like_count",
        "SELECT COUNT(*) AS n FROM contents c WHERE c.like_count <> (SELECT COUNT(*) FROM likes l WHERE l.content_id = c.id)",
    ),
    (
        "contents.comment_count",
        "SELECT COUNT(*) AS n FROM contents p WHERE p.kind = 'post' AND p.comment_count <> (SELECT COUNT(*) \
         FROM contents c WHERE c.parent_id = p.id AND c.kind = 'comment' AND c.deleted_at IS NULL AND c.hidden_at IS NULL)",
    ),
    (
        "ideas.vote_count",
        "SELECT COUNT(*) AS n FROM ideas i WHERE i.vote_count <> (SELECT COUNT(*) FROM idea_votes v WHERE v.topic_id = i.topic_id)",
    ),
    (
        "products.review_count",
        "SELECT COUNT(*) AS n FROM products p WHERE p.review_count <> (SELECT COUNT(*) FROM reviews r \
         JOIN topics t ON t.content_id = r.topic_id WHERE r.product_id = p.id AND t.visible)",
    ),
    (
        "products.rating_sum",
        "SELECT COUNT(*) AS n FROM products p WHERE p.rating_sum <> (SELECT COALESCE(SUM(r.rating), 0) FROM reviews r \
         JOIN topics t ON t.content_id = r.topic_id WHERE r.product_id = p.id AND t.visible)",
    ),
    ("negative counters", "SELECT COUNT(*) AS n FROM boards WHERE topic_count < 0 OR post_count < 0"),
    (
        "blogs.post_count",
        "SELECT COUNT(*) AS n FROM blogs b WHERE b.post_count <> (SELECT COUNT(*) FROM posts p \
         JOIN contents c ON c.id = p.content_id WHERE p.blog_id = b.id AND c.live)",
    ),
    (
        "blogs.last_post_at",
        "SELECT COUNT(*) AS n FROM blogs b WHERE COALESCE(b.last_post_at, b.created_at) <> COALESCE((SELECT \
         MAX(c.published_at) FROM posts p JOIN contents c ON c.id = p.content_id WHERE p.blog_id = b.id AND c.live), \
         b.created_at)",
    ),
    (
        "content_tags rows in line with their content",
        "SELECT COUNT(*) AS n FROM content_tags ct JOIN contents c ON c.id = ct.content_id WHERE ct.kind <> c.kind \
         OR COALESCE(ct.live_audience, -1) <> (CASE WHEN c.live THEN c.audience_id ELSE -1 END) \
         OR COALESCE(ct.published_at, c.created_at) <> COALESCE(c.published_at, c.created_at)",
    ),
    (
        "tag_counts",
        "SELECT COUNT(*) AS n FROM (SELECT tag_id, live_audience AS audience_id, kind, COUNT(*) AS real \
         FROM content_tags WHERE live_audience IS NOT NULL GROUP BY tag_id, live_audience, kind) r \
         FULL OUTER JOIN tag_counts k ON k.tag_id = r.tag_id AND k.audience_id = r.audience_id AND k.kind = r.kind \
         WHERE COALESCE(k.n, 0) <> COALESCE(r.real, 0)",
    ),
    (
        "author_counts (likes received, accepted answers)",
        "SELECT COUNT(*) AS n FROM (SELECT c.author_id, c.audience_id, SUM(c.like_count) AS likes, \
         SUM(CASE WHEN EXISTS (SELECT 1 FROM topics t WHERE t.accepted_reply_id = c.id) THEN 1 ELSE 0 END) AS accepted \
         FROM contents c WHERE c.live GROUP BY c.author_id, c.audience_id) r \
         FULL OUTER JOIN author_counts k ON k.user_id = r.author_id AND k.audience_id = r.audience_id \
         WHERE COALESCE(k.likes, 0) <> COALESCE(r.likes, 0) OR COALESCE(k.accepted, 0) <> COALESCE(r.accepted, 0)",
    ),
];

pub fn assert_consistent(app: &TestApp) {
    for (what, sql) in CONSISTENCY {
        assert_eq!(app.number(sql), 0, "{what} disagrees with the rows it counts");
    }
}

/// Members with their CSRF tokens loaded, ready to post at the same moment.
async fn members(app: &TestApp, prefix: &str, n: usize) -> Vec<Browser> {
    let mut out = Vec::new();
    for i in 0..n {
        let b = app.user_browser(&format!("{prefix}member{i}"), Role::Member).await;
        b.token().await;
        out.push(b);
    }
    out
}

#[tokio::test]
async fn many_members_reply_like_and_vote_at_once() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("ideas", "ideas", "everyone", "members");
    let owner = app.user_browser("owner", Role::Member).await;
    let (_, topic) = start_topic(&owner, "help", "Busy topic", "Reply here.").await;
    let (_, idea) = start_topic(&owner, "ideas", "Popular idea", "Vote here.").await;
    let crowd = members(&app, "m", 16).await;
    // Each member: two replies, a like on the topic (twice), a vote (twice), all at once.
    let mut requests = Vec::new();
    for (i, b) in crowd.iter().enumerate() {
        let (t, idea) = (topic.clone(), idea.clone());
        requests.push(async move {
            let mut statuses = Vec::new();
            for k in 0..2 {
                let page = b.post(&format!("/topics/{t}/replies"), &[("body", &format!("Reply {k} from {i}"))]).await;
                statuses.push(page.status.as_u16());
            }
            for _ in 0..2 {
                statuses.push(b.post(&format!("/likes/{t}"), &[("value", "1")]).await.status.as_u16());
                statuses.push(b.post(&format!("/topics/{idea}/vote"), &[("value", "1")]).await.status.as_u16());
            }
            statuses
        });
    }
    // Meanwhile the search index is rebuilt from scratch (what `plaza reindex` does).
    let pool = app.pool.clone();
    let rebuild = tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("connection");
        plaza::search::reindex::rebuild(&mut conn, plaza::search::reindex::Target::Database, None, true, &|_| {})
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    let results = join_all(requests).await;
    rebuild.await.expect("rebuild task").expect("rebuild under writes");
    for statuses in &results {
        assert!(statuses.iter().all(|s| *s == 303), "every request answered 303: {statuses:?}");
    }
    assert_eq!(app.number(&format!("SELECT COUNT(*) AS n FROM replies WHERE topic_id = {topic}")), 32);
    assert_eq!(app.number(&format!("SELECT COUNT(DISTINCT position) AS n FROM replies WHERE topic_id = {topic}")), 32);
    assert_eq!(app.number(&format!("SELECT CAST(like_count AS BIGINT) AS n FROM contents WHERE id = {topic}")), 16);
    assert_eq!(app.number(&format!("SELECT CAST(vote_count AS BIGINT) AS n FROM ideas WHERE topic_id = {idea}")), 16);
    assert_consistent(&app);
    // Every reply is found once in the search index, as are the topic and the idea.
    app.settle().await;
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM search_docs WHERE kind = 'reply'"), 32);
}

/// Send the same form from the same browser `n` times at once; the statuses.
async fn at_once(b: &Browser, path: &str, fields: &[(&str, &str)], n: usize) -> Vec<u16> {
    let pages = join_all((0..n).map(|_| b.post(path, fields))).await;
    pages.iter().map(|p| p.status.as_u16()).collect()
}

#[tokio::test]
async fn double_submits_change_nothing_twice() {
    let app = spawn().await;
    let board = app.create_board("reviews", "reviews", "everyone", "members");
    app.create_board("help", "questions", "everyone", "members");
    plaza::db::write(&mut app.conn(), |tx| plaza::forums::reviews::create_product(tx, board, "Cloud", "cloud", ""))
        .unwrap();
    let staff = app.user_browser("supporter", Role::Employee).await;
    let mia = app.user_browser("mia", Role::Member).await;
    let moderator = app.user_browser("moddy", Role::Moderator).await;

    // Two reviews of one product by one member, sent at once: one review.
    let fields =
        [("product", "cloud"), ("rating", "4"), ("title", "Twice"), ("body", "Sent twice"), ("action", "save")];
    let statuses = at_once(&mia, "/forums/reviews/new", &fields, 4).await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 303 || *s == 422), "{statuses:?}");
    assert_eq!(app.count("reviews"), 1);
    assert_eq!(app.number("SELECT CAST(review_count AS BIGINT) AS n FROM products"), 1);
    let review = app.ids("reviews", "topic_id")[0];

    // Official responses at once: one.
    let statuses = at_once(&staff, &format!("/topics/{review}/response"), &[("body", "Thanks!")], 4).await;
    assert!(statuses.iter().all(|s| *s == 303 || *s == 422), "{statuses:?}");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM contents WHERE kind = 'response'"), 1);

    // The review deleted twice at once: its rating is taken away once.
    let statuses = at_once(&mia, &format!("/topics/{review}/delete"), &[], 4).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.number("SELECT CAST(rating_sum AS BIGINT) AS n FROM products"), 0);
    assert_eq!(app.number("SELECT CAST(review_count AS BIGINT) AS n FROM products"), 0);
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards WHERE slug = 'reviews'"), 0);
    // And the member may review again.
    mia.post("/forums/reviews/new", &fields).await.assert_status(303);

    // A question: its answer accepted four times at once tells its author once.
    let (_, question) = start_topic(&mia, "help", "How?", "Please help.").await;
    let (_, answer) = reply(&staff, &question, "Like this.").await;
    let statuses = at_once(&mia, &format!("/topics/{question}/accept"), &[("reply", &answer)], 4).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'accepted'"), 1);
    // The accepted reply deleted twice: counts once, and the question is unanswered again.
    let statuses = at_once(&moderator, &format!("/replies/{answer}/delete"), &[], 3).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(
        app.number(&format!("SELECT CAST(reply_count AS BIGINT) AS n FROM topics WHERE content_id = {question}")),
        0
    );
    staff.get("/forums/help?filter=unanswered").await.assert_contains("How?");

    // A topic deleted four times at once: the board counts it out once.
    let (_, doomed) = start_topic(&mia, "help", "Doomed", "Bye.").await;
    reply(&staff, &doomed, "A reply in it.").await;
    let before = app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'");
    let statuses = at_once(&mia, &format!("/topics/{doomed}/delete"), &[], 4).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), before - 2);

    // A comment deleted twice at once: the post's count goes down once.
    let alice = app.user_browser("alice", Role::Employee).await;
    let post = publish(&alice, "alice", "Commented", "Body", "").await;
    let post_id = crate::helpers::post_id(&alice.get(&post).await.body);
    for text in ["One", "Two"] {
        mia.post(&format!("/posts/{post_id}/comments"), &[("body", text)]).await.assert_status(303);
    }
    let comment = app.ids("comments", "content_id")[0];
    let statuses = at_once(&mia, &format!("/comments/{comment}/delete"), &[], 4).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.number(&format!("SELECT CAST(comment_count AS BIGINT) AS n FROM contents WHERE id = {post_id}")), 1);
    assert_consistent(&app);

    // A moderator hides a topic four times at once, then shows it again four times: the board
    // counts it out once and back once.
    let (_, busy) = start_topic(&mia, "help", "Hide me twice", "Body.").await;
    reply(&supporter_reply_author(&app).await, &busy, "A reply.").await;
    let before = app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'");
    let statuses = at_once(&moderator, &format!("/content/{busy}/hide"), &[("hidden", "1")], 4).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), before - 2);
    let statuses = at_once(&moderator, &format!("/content/{busy}/hide"), &[("hidden", "0")], 4).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), before);
    assert_consistent(&app);

    // An admin adds the same person to a group from four tabs at once: one membership.
    let admin = app.user_browser("boss", Role::Admin).await;
    admin.post("/admin/groups", &[("name", "Partners")]).await.assert_status(303);
    let group = app.ids("member_groups", "id")[0];
    let statuses = at_once(&admin, &format!("/admin/groups/{group}/members"), &[("username", "mia")], 4).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.count("group_members"), 1);
}

async fn supporter_reply_author(app: &TestApp) -> Browser {
    let b = app.new_browser();
    b.login_ok("supporter").await;
    b
}

#[tokio::test]
async fn only_one_first_admin_however_many_ask_at_once() {
    let app = crate::helpers::spawn_empty().await;
    let browsers: Vec<Browser> = (0..4).map(|_| app.new_browser()).collect();
    for b in &browsers {
        b.token().await;
    }
    let pages = join_all(browsers.iter().enumerate().map(|(i, b)| async move {
        let (name, email) = (format!("boss{i}"), format!("boss{i}@example.com"));
        b.post("/setup", &[("username", &name), ("email", &email), ("password", crate::helpers::PASSWORD)]).await
    }))
    .await;
    let statuses: Vec<u16> = pages.iter().map(|p| p.status.as_u16()).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 303 || *s == 404), "{statuses:?}");
    assert_eq!(app.count("users"), 1);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM users WHERE roles LIKE '%admin%'"), 1);
}

/// One form sent by one browser: (browser, path, fields).
type Request<'a> = (&'a Browser, String, Vec<(&'a str, &'a str)>);

/// Send these at the same moment; the statuses, in order.
async fn together(requests: &[Request<'_>]) -> Vec<u16> {
    let pages = join_all(requests.iter().map(|(b, path, fields)| b.post(path, fields))).await;
    pages.iter().map(|p| p.status.as_u16()).collect()
}

#[tokio::test]
async fn a_thread_deleted_while_its_pieces_change_never_fails() {
    // On PostgreSQL, deleting a topic updates its replies while deleting or hiding a reply
    // reaches for the topic: taken in opposite orders the two waited on each other (500).
    let app = spawn().await;
    app.create_board("help", "questions", "everyone", "members");
    let asker = app.user_browser("asker", Role::Member).await;
    let replier = app.user_browser("replier", Role::Member).await;
    let moderator = app.user_browser("moddy", Role::Moderator).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    for round in 0..4 {
        let (_, topic) = start_topic(&asker, "help", &format!("Thread {round}"), "Body.").await;
        let mut replies = Vec::new();
        for k in 0..4 {
            replies.push(reply(&replier, &topic, &format!("Reply {k} of {round}")).await.1);
        }
        let mut requests = vec![(&asker, format!("/topics/{topic}/delete"), vec![])];
        for r in &replies[1..] {
            requests.push((&replier, format!("/replies/{r}/delete"), vec![]));
        }
        requests.push((&moderator, format!("/content/{}/hide", replies[0]), vec![("hidden", "1")]));
        let statuses = together(&requests).await;
        assert!(statuses.iter().all(|s| *s == 303 || *s == 404), "round {round}: {statuses:?}");
        assert_consistent(&app);

        // The same with a blog post and its comments.
        let post = publish(&alice, "alice", &format!("Post {round}"), "Body", "").await;
        let post_id = crate::helpers::post_id(&alice.get(&post).await.body);
        for k in 0..4 {
            replier.post(&format!("/posts/{post_id}/comments"), &[("body", &format!("C{k}"))]).await.assert_status(303);
        }
        let comments: Vec<i64> = app
            .ids("comments", "content_id")
            .into_iter()
            .filter(|c| {
                app.number(&format!("SELECT subject_id AS n FROM comments WHERE content_id = {c}")).to_string()
                    == post_id
            })
            .collect();
        let mut requests = vec![(&alice, format!("/posts/{post_id}/delete"), vec![])];
        for c in &comments[1..] {
            requests.push((&replier, format!("/comments/{c}/delete"), vec![]));
        }
        requests.push((&moderator, format!("/content/{}/hide", comments[0]), vec![("hidden", "1")]));
        let statuses = together(&requests).await;
        assert!(statuses.iter().all(|s| *s == 303 || *s == 404), "round {round}: {statuses:?}");
        assert_consistent(&app);
    }
}

#[tokio::test]
async fn idea_statuses_sent_twice_or_crossed_change_once() {
    let app = spawn().await;
    app.create_board("ideas", "ideas", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let staff = app.user_browser("supporter", Role::Employee).await;
    let (_, idea) = start_topic(&mia, "ideas", "Dark mode", "Please.").await;
    // The same status with the same note from four tabs: one change, one notification.
    let fields = [("status", "planned"), ("note", "Coming in spring.")];
    let statuses = at_once(&staff, &format!("/topics/{idea}/status"), &fields, 4).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    assert_eq!(app.number(&format!("SELECT COUNT(*) AS n FROM idea_status_changes WHERE topic_id = {idea}")), 1);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'idea_status'"), 1);

    // Two ideas each merged into the other at the same moment: one merge, never both.
    let (_, a) = start_topic(&mia, "ideas", "Night theme", "Same thing.").await;
    let (_, b) = start_topic(&mia, "ideas", "Black background", "Same again.").await;
    let a_into_b = vec![("status", "duplicate"), ("note", ""), ("duplicate_of", b.as_str())];
    let b_into_a = vec![("status", "duplicate"), ("note", ""), ("duplicate_of", a.as_str())];
    let requests =
        vec![(&staff, format!("/topics/{a}/status"), a_into_b), (&staff, format!("/topics/{b}/status"), b_into_a)];
    let statuses = together(&requests).await;
    assert!(statuses.iter().all(|s| *s == 303 || *s == 422), "{statuses:?}");
    assert_eq!(
        app.number(&format!(
            "SELECT COUNT(*) AS n FROM ideas WHERE topic_id IN ({a}, {b}) AND merged_into_id IS NOT NULL"
        )),
        1
    );
    assert_consistent(&app);
}

#[tokio::test]
async fn no_like_lands_on_a_reply_after_it_was_hidden() {
    // The like was checked on a row it did not hold: on PostgreSQL likes sent while a moderator
    // hid the reply were recorded after the hide.
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let owner = app.user_browser("owner", Role::Member).await;
    let moderator = app.user_browser("moddy", Role::Moderator).await;
    let crowd = members(&app, "l", 6).await;
    let (_, topic) = start_topic(&owner, "help", "Likeable", "Body.").await;
    for round in 0..3 {
        let (_, target) = reply(&owner, &topic, &format!("Like me {round}")).await;
        let mut requests: Vec<Request<'_>> =
            crowd.iter().map(|b| (b, format!("/likes/{target}"), vec![("value", "1")])).collect();
        requests.insert(2, (&moderator, format!("/content/{target}/hide"), vec![("hidden", "1")]));
        let statuses = together(&requests).await;
        assert!(statuses.iter().all(|s| *s == 303 || *s == 404 || *s == 403), "{statuses:?}");
    }
    assert_eq!(
        app.number(
            "SELECT COUNT(*) AS n FROM likes l JOIN contents c ON c.id = l.content_id \
             WHERE c.hidden_at IS NOT NULL AND l.created_at > c.hidden_at"
        ),
        0,
        "likes recorded after the reply was hidden"
    );
    assert_consistent(&app);
}

#[tokio::test]
async fn posts_tagged_retagged_and_deleted_at_once_keep_every_count_exact() {
    let app = spawn().await;
    let authors: Vec<Browser> = {
        let mut v = Vec::new();
        for i in 0..6 {
            let b = app.user_browser(&format!("writer{i}"), Role::Employee).await;
            b.token().await;
            v.push(b);
        }
        v
    };
    // Everyone publishes at once, on their own blogs, with overlapping tags.
    let published = join_all(authors.iter().enumerate().map(|(i, b)| async move {
        let mut ids = Vec::new();
        for k in 0..4 {
            let tags = format!("shared, tag{}, 共同", (i + k) % 3);
            let (_, id) =
                crate::helpers::publish_id(b, &format!("writer{i}"), &format!("Post {i}-{k}"), "Body", &tags).await;
            ids.push(id);
        }
        ids
    }))
    .await;
    assert_consistent(&app);
    // Then at once: some retagged, some unpublished, some deleted, and comments on others.
    join_all(authors.iter().zip(&published).enumerate().map(|(i, (b, ids))| async move {
        let blog = format!("writer{i}");
        crate::helpers::editor(
            b,
            &format!("/posts/{}/edit", ids[0]),
            &[("blog", &blog), ("title", "Retagged"), ("tags", "other, shared")],
        )
        .await;
        crate::helpers::editor(
            b,
            &format!("/posts/{}/edit", ids[1]),
            &[("blog", &blog), ("title", "Unpublished"), ("status", "draft")],
        )
        .await;
        b.post(&format!("/posts/{}/delete", ids[2]), &[]).await;
        b.post(&format!("/posts/{}/comments", ids[3]), &[("body", "Me too")]).await;
    }))
    .await;
    assert_consistent(&app);
    // What visitors see agrees: 6 authors × (1 retagged + 1 untouched) carry "shared".
    app.get("/tags/shared").await.assert_contains("12 posts");
    app.get("/tags/other").await.assert_contains("6 posts");
    app.get("/blogs").await.assert_contains("2 posts");
}

/// Eight members flag one reply at once, each twice, then two moderators act on it at once: at
/// most one flag each, one queue entry, hidden once by the threshold, decided once, logged once.
#[tokio::test]
async fn many_flags_and_two_moderators_at_once() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let author = app.user_browser("writer", Role::Member).await;
    let (_, topic) = crate::helpers::start_topic(&author, "help", "A topic", "Text").await;
    let (_, reply) = crate::helpers::reply(&author, &topic, "A reply many dislike").await;
    let flaggers = members(&app, "flagger", 8).await;
    let path = format!("/flag/content/{reply}");
    let pages = join_all(flaggers.iter().flat_map(|b| {
        let path = path.clone();
        [0, 1].map(move |_| {
            let path = path.clone();
            async move { b.post(&path, &[("reason", "spam"), ("note", "")]).await.status.as_u16() }
        })
    }))
    .await;
    // The third flag hides it (the threshold is 3); later ones find nothing to flag, and a
    // member's second flag is refused.
    assert_eq!(pages.iter().filter(|s| **s == 303).count(), 3, "{pages:?}");
    assert!(pages.iter().all(|s| [303, 404, 422].contains(s)), "{pages:?}");
    assert_eq!(app.count("flags"), 3);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_queue"), 1);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_actions WHERE action = 'hide'"), 1);
    assert_eq!(
        app.number(&format!("SELECT CAST(reply_count AS BIGINT) AS n FROM topics WHERE content_id = {topic}")),
        0
    );

    let q = app.number("SELECT id AS n FROM mod_queue").to_string();
    let mods = [app.user_browser("mona", Role::Moderator).await, app.user_browser("moe", Role::Moderator).await];
    let q_path = format!("/mod/queue/{q}");
    let decided = join_all(mods.iter().zip(["approve", "delete"]).map(|(b, action)| {
        let q_path = q_path.clone();
        async move { b.post(&q_path, &[("action", action), ("back", "/mod")]).await.location() }
    }))
    .await;
    assert_eq!(decided.iter().filter(|l| l.ends_with("msg=done")).count(), 1, "{decided:?}");
    assert_eq!(decided.iter().filter(|l| l.ends_with("msg=gone")).count(), 1, "{decided:?}");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM mod_actions WHERE action IN ('approve', 'delete')"), 1);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM flags WHERE outcome IS NULL"), 0);
    // The count follows what was decided: shown again (1) or deleted (0).
    let shown = app.number(&format!("SELECT COUNT(*) AS n FROM contents WHERE id = {reply} AND live = TRUE"));
    assert_eq!(
        app.number(&format!("SELECT CAST(reply_count AS BIGINT) AS n FROM topics WHERE content_id = {topic}")),
        shown
    );
}

#[tokio::test]
async fn members_mute_one_another_at_once() {
    let app = spawn().await;
    let many = members(&app, "muter", 6).await;
    app.user_browser("target", Role::Member).await;
    // Each member mutes, ignores and mutes again the same person, all at once: one row each,
    // at the level of their last acknowledged request.
    let codes = join_all(many.iter().flat_map(|b| {
        ["mute", "ignore", "mute", "ignore"]
            .map(move |level| async move { b.post("/u/target/mute", &[("level", level)]).await.status.as_u16() })
    }))
    .await;
    assert!(codes.iter().all(|c| *c == 303), "{codes:?}");
    assert_eq!(app.count("member_mutes"), 6);
    assert_eq!(app.number("SELECT COUNT(DISTINCT user_id) AS n FROM member_mutes"), 6);
}

#[tokio::test]
async fn two_moderators_merge_two_topics_into_each_other_at_once() {
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    let author = app.user_browser("writer", Role::Member).await;
    let (_, a) = crate::helpers::start_topic(&author, "help", "Topic A", "Text A").await;
    crate::helpers::reply(&author, &a, "Reply A").await;
    let (_, b) = crate::helpers::start_topic(&author, "help", "Topic B", "Text B").await;
    crate::helpers::reply(&author, &b, "Reply B").await;
    let mods = [app.user_browser("mona", Role::Moderator).await, app.user_browser("moe", Role::Moderator).await];
    let codes = join_all(mods.iter().zip([(a.clone(), b.clone()), (b.clone(), a.clone())]).map(
        |(m, (from, into))| async move {
            m.post(&format!("/mod/content/{from}/merge"), &[("into", into.as_str())]).await.status.as_u16()
        },
    ))
    .await;
    // One merge happens; the other finds its topic gone or its target merged away.
    assert_eq!(codes.iter().filter(|c| **c == 303).count(), 1, "{codes:?}");
    assert!(codes.iter().all(|c| [303, 404, 422].contains(c)), "{codes:?}");
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM topics"), 1);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM replies"), 3);
    assert_eq!(app.number("SELECT CAST(reply_count AS BIGINT) AS n FROM topics"), 3);
    assert_eq!(app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 4);
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 1);
    assert_eq!(app.number("SELECT COUNT(DISTINCT position) AS n FROM replies"), 3);
}
