use diesel::prelude::*;
use plaza::accounts::Role;

use crate::helpers::{editor, post_id, publish_id, spawn};

#[tokio::test]
async fn comments_replies_badges_and_notifications() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) = publish_id(&alice, "alice", "How to reset sync", "Steps inside.", "").await;

    // Visitors are invited to log in; their posts are refused, and a comment posted after the
    // session ended comes back with its text and a login link instead of vanishing in a redirect.
    app.get(&path).await.assert_contains("Log in to comment");
    let refused = app.post(&format!("/posts/{id}/comments"), &[("body", "My long comment")]).await;
    refused
        .assert_status(401)
        .assert_contains("Your session ended")
        .assert_contains("My long comment")
        .assert_contains("href=\"/login\"");
    assert_eq!(app.count("comments"), 0);

    let carl = app.user_browser("carl", Role::Member).await;
    let page = carl.post(&format!("/posts/{id}/comments"), &[("body", "It *worked*, thanks!")]).await;
    assert!(page.location().starts_with(&format!("{path}#c")), "{}", page.location());
    let post = app.get(&path).await;
    post.assert_contains("<em>worked</em>").assert_contains("1 comment");

    // The author is notified, with an unread count in the header.
    let home = alice.get("/").await;
    home.assert_contains("1 unread notification");
    let list = alice.get("/notifications").await;
    list.assert_contains("carl commented on your post").assert_contains("It worked, thanks!");

    // A staff reply carries the badge; the commenter is notified of the reply.
    let comment_id = app.ids("comments", "content_id")[0];
    alice
        .post(&format!("/posts/{id}/comments"), &[("body", "Glad to help."), ("parent", &comment_id.to_string())])
        .await
        .assert_status(303);
    let post = app.get(&path).await;
    assert!(post.body.matches("badge-staff").count() >= 2, "post author and staff reply carry the badge");
    post.assert_contains("class=\"comment reply\"");
    carl.get("/notifications").await.assert_contains("alice replied to your comment");

    // Replies stay one level deep: a reply to a reply attaches to the top comment.
    let reply_id = *app.ids("comments", "content_id").last().unwrap();
    carl.post(&format!("/posts/{id}/comments"), &[("body", "One more question"), ("parent", &reply_id.to_string())])
        .await
        .assert_status(303);
    let parents: Vec<Option<i64>> = {
        use plaza::db::schema::comments;
        comments::table.select(comments::parent_id).order(comments::content_id.asc()).load(&mut app.conn()).unwrap()
    };
    assert_eq!(parents, vec![None, Some(comment_id), Some(comment_id)]);

    // Mark all read.
    alice.post("/notifications/read-all", &[]).await.assert_redirect("/notifications");
    alice.get("/").await.assert_lacks("unread notification");
}

#[tokio::test]
async fn opening_a_notification_marks_it_read_and_jumps_to_the_comment() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) = publish_id(&alice, "alice", "Ask me", "Anything.", "").await;
    let carl = app.user_browser("carl", Role::Member).await;
    carl.post(&format!("/posts/{id}/comments"), &[("body", "A question")]).await;
    let n_id = app.ids("notifications", "id")[0];
    let opened = alice.post(&format!("/notifications/{n_id}/open"), &[]).await;
    assert!(opened.location().starts_with(&format!("{path}#c")), "{}", opened.location());
    alice.get("/").await.assert_lacks("unread notification");
    // Someone else's notification is not theirs to open.
    carl.post(&format!("/notifications/{n_id}/open"), &[]).await.assert_status(404);
}

#[tokio::test]
async fn comment_errors_keep_the_text() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (_path, id) = publish_id(&alice, "alice", "Comment rules", "Be nice.", "").await;
    let carl = app.user_browser("carl", Role::Member).await;
    carl.post(&format!("/posts/{id}/comments"), &[("body", "   ")])
        .await
        .assert_status(422)
        .assert_contains("The comment is empty.");
    let long = "y".repeat(20_001);
    carl.post(&format!("/posts/{id}/comments"), &[("body", &long)])
        .await
        .assert_status(422)
        .assert_contains("at most 20,000 characters")
        .assert_contains(&long);
    assert_eq!(app.count("comments"), 0);
    carl.post("/posts/999999/comments", &[("body", "hello")]).await.assert_status(404);
}

#[tokio::test]
async fn comments_can_be_turned_off_per_post() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let page = editor(&alice, "/write", &[("title", "Statement"), ("body", "No discussion.")]).await;
    let path = page.location();
    let id = post_id(&alice.get(&path).await.body);
    app.get(&path).await.assert_contains("Comments are closed for this post.");
    let carl = app.user_browser("carl", Role::Member).await;
    carl.post(&format!("/posts/{id}/comments"), &[("body", "But I have thoughts")])
        .await
        .assert_status(422)
        .assert_contains("Comments are closed")
        .assert_contains("But I have thoughts");
    assert_eq!(app.count("comments"), 0);
}

#[tokio::test]
async fn authors_edit_within_the_window_and_delete() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) = publish_id(&alice, "alice", "Edits", "Body.", "").await;
    let carl = app.user_browser("carl", Role::Member).await;
    carl.post(&format!("/posts/{id}/comments"), &[("body", "Frist")]).await;
    let cid = app.ids("comments", "content_id")[0];
    carl.get(&format!("/comments/{cid}/edit")).await.assert_status(200).assert_contains("Frist");
    carl.post(&format!("/comments/{cid}/edit"), &[("body", "First")]).await.assert_status(303);
    app.get(&path).await.assert_contains("First").assert_contains("edited");
    carl.post(&format!("/comments/{cid}/edit"), &[("body", "")])
        .await
        .assert_status(422)
        .assert_contains("The comment is empty.");

    // Someone else may not edit or delete it.
    let dana = app.user_browser("dana", Role::Member).await;
    dana.get(&format!("/comments/{cid}/edit")).await.assert_status(403);
    dana.post(&format!("/comments/{cid}/delete"), &[]).await.assert_status(403);

    // After the window the edit is refused, and the text typed is shown again.
    {
        use plaza::db::schema::contents;
        let past = plaza::now() - chrono::Duration::hours(2);
        diesel::update(contents::table.find(cid)).set(contents::created_at.eq(past)).execute(&mut app.conn()).unwrap();
    }
    carl.get(&format!("/comments/{cid}/edit")).await.assert_status(403);
    carl.post(&format!("/comments/{cid}/edit"), &[("body", "Late change")])
        .await
        .assert_status(422)
        .assert_contains("can no longer be edited")
        .assert_contains("Late change");

    carl.post(&format!("/comments/{cid}/delete"), &[]).await.assert_status(303);
    app.get(&path)
        .await
        .assert_lacks("First")
        .assert_contains(r#"<h2 id="h-comments" class="quiet-heading">Comments</h2>"#);
}

#[tokio::test]
async fn moderators_can_delete_comments() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) = publish_id(&alice, "alice", "Moderated", "Body.", "").await;
    let spammer = app.user_browser("spammer", Role::Member).await;
    spammer.post(&format!("/posts/{id}/comments"), &[("body", "Buy cheap stuff")]).await;
    let cid = app.ids("comments", "content_id")[0];
    let moderator = app.user_browser("mod", Role::Moderator).await;
    moderator.post(&format!("/comments/{cid}/delete"), &[]).await.assert_status(303);
    app.get(&path).await.assert_lacks("Buy cheap stuff");
}
