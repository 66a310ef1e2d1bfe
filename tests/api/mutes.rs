//! Member tools: mute a member (no notifications from them) or ignore them (their replies and
//! comments folded away for me); private to the one who chose; staff cannot be muted.

use plaza::accounts::Role;

use crate::helpers::{publish_id, reply, spawn, start_topic};

#[tokio::test]
async fn muting_stops_mentions_quotes_and_replies_and_ignoring_folds_their_posts_for_me_only() {
    let app = spawn().await;
    app.create_board("general", "discussion", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let troll = app.user_browser("troll", Role::Member).await;
    let other = app.user_browser("olga", Role::Member).await;
    let (path, id) = start_topic(&mia, "general", "Ask anything", "Hello").await;
    let (_, mia_reply) = reply(&mia, &id, "Mia's own words").await;

    // The choice is on the profile, for members only, never on one's own.
    let profile = mia.get("/u/troll").await;
    profile.assert_contains("Your view of this member").assert_contains("action=\"/u/troll/mute\"");
    app.get("/u/troll").await.assert_lacks("/u/troll/mute");
    troll.get("/u/troll").await.assert_lacks("/u/troll/mute");

    // Muted: what troll does no longer notifies mia.
    mia.post("/u/troll/mute", &[("level", "mute")]).await.assert_redirect("/u/troll");
    mia.get("/u/troll").await.assert_contains("<option value=\"mute\" selected>").assert_contains("Only you see this.");
    let quote = format!("> **@mia** [wrote](/replies/{mia_reply}):\n>\n> Mia's own words\n\nWrong, @mia.");
    reply(&troll, &id, &quote).await;
    reply(&other, &id, "Thanks @mia").await;
    let notes = mia.get("/notifications").await;
    notes.assert_lacks("troll").assert_contains("olga mentioned you");
    assert_eq!(
        app.number(
            "SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.actor_id WHERE u.username = 'troll'"
        ),
        0
    );
    // Muting is not ignoring: the reply is shown as usual.
    mia.get(&path).await.assert_contains("Wrong, ").assert_lacks("whom you ignore");

    // Ignored: troll's replies (and blog comments) fold away for mia, and for nobody else.
    mia.post("/u/troll/mute", &[("level", "ignore")]).await.assert_status(303);
    let page = mia.get(&path).await;
    page.assert_contains("<details class=\"ignored\"><summary>#2 · Reply by troll, whom you ignore. Show it</summary>");
    page.assert_contains("Wrong, "); // still there, folded: one click opens it
    other.get(&path).await.assert_lacks("whom you ignore").assert_contains("Wrong, ");
    app.get(&path).await.assert_lacks("whom you ignore");
    troll.get(&path).await.assert_lacks("whom you ignore");
    let writer = app.user_browser("writer", Role::Employee).await;
    let (post_path, post) = publish_id(&writer, "writer", "A post", "Read me.", "").await;
    troll.post(&format!("/posts/{post}/comments"), &[("body", "First!!!")]).await.assert_status(303);
    mia.get(&post_path).await.assert_contains("Comment by troll, whom you ignore. Show it");
    other.get(&post_path).await.assert_lacks("whom you ignore");

    // Troll is never told, and cannot see it anywhere.
    // (on mia's profile troll sees only his own choice about her: Normal)
    troll.get("/u/mia").await.assert_contains("<option value=\"\" selected>").assert_lacks("Only you see this.");
    troll.get("/notifications").await.assert_lacks("ignore").assert_lacks("mute");

    // The list in the settings, with its undo.
    let list = mia.get("/settings/muted").await;
    list.assert_status(200).assert_contains("troll").assert_contains("Ignored").assert_contains("Stop ignoring");
    other.get("/settings/muted").await.assert_lacks("troll");
    mia.post("/u/troll/mute", &[("level", ""), ("back", "settings")]).await.assert_redirect("/settings/muted");
    mia.get("/settings/muted").await.assert_contains("You have not muted or ignored anyone");
    mia.get(&path).await.assert_lacks("whom you ignore");
    assert_eq!(app.count("member_mutes"), 0);
    reply(&troll, &id, "Back again @mia").await;
    mia.get("/notifications").await.assert_contains("troll mentioned you");
}

#[tokio::test]
async fn muting_refuses_oneself_staff_unknown_levels_and_visitors() {
    let app = spawn().await;
    let mia = app.user_browser("mia", Role::Member).await;
    app.user_browser("modest", Role::Moderator).await;
    app.user_browser("bob", Role::Member).await;
    mia.post("/u/mia/mute", &[("level", "ignore")])
        .await
        .assert_status(422)
        .assert_contains("You cannot mute or ignore yourself.");
    mia.post("/u/modest/mute", &[("level", "mute")])
        .await
        .assert_status(422)
        .assert_contains("Moderators and admins cannot be muted or ignored");
    mia.get("/u/modest").await.assert_lacks("/u/modest/mute");
    mia.post("/u/bob/mute", &[("level", "block")])
        .await
        .assert_status(422)
        .assert_contains("Choose Normal, Muted or Ignored.");
    mia.post("/u/nobody/mute", &[("level", "mute")]).await.assert_status(404);
    assert_eq!(app.count("member_mutes"), 0);
    // A visitor is sent to log in; nothing is stored.
    app.post("/u/bob/mute", &[("level", "mute")]).await.assert_status(401);
    app.get("/settings/muted").await.assert_redirect("/login?next=%2Fsettings%2Fmuted");
    assert_eq!(app.count("member_mutes"), 0);
    // Twice the same: one row; changing the level changes that row.
    mia.post("/u/bob/mute", &[("level", "mute")]).await.assert_status(303);
    mia.post("/u/bob/mute", &[("level", "mute")]).await.assert_status(303);
    mia.post("/u/bob/mute", &[("level", "ignore")]).await.assert_status(303);
    assert_eq!(app.count("member_mutes"), 1);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM member_mutes WHERE level = 'ignore'"), 1);
}

#[tokio::test]
async fn an_accepted_answer_by_an_ignored_member_is_folded_at_the_top_too() {
    let app = spawn().await;
    app.create_board("qa", "questions", "everyone", "members");
    let mia = app.user_browser("mia", Role::Member).await;
    let troll = app.user_browser("troll", Role::Member).await;
    let (path, id) = start_topic(&mia, "qa", "How do I sync?", "Please help").await;
    let (_, answer) = reply(&troll, &id, "Press the sync button").await;
    mia.post(&format!("/topics/{id}/accept"), &[("reply", &answer)]).await.assert_status(303);
    mia.post("/u/troll/mute", &[("level", "ignore")]).await.assert_status(303);
    let page = mia.get(&path).await;
    // Folded in the accepted-answer box and in the list: its text only inside <details>.
    assert_eq!(page.body.matches("Reply by troll, whom you ignore").count(), 2, "{}", page.body);
    app.get(&path).await.assert_lacks("whom you ignore");
}
