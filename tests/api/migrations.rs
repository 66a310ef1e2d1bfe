use crate::helpers::spawn;

#[tokio::test]
async fn migrations_run_up_down_and_up_again() {
    let app = spawn().await;
    let mut conn = app.conn();
    plaza::db::revert_all(&mut conn).expect("down");
    plaza::db::migrate(&mut conn).expect("up again");
    drop(conn);
    assert_eq!(app.count("users"), 0);
}

#[tokio::test]
async fn backend_in_use_is_reported() {
    match crate::helpers::test_database_url() {
        Some(_) => println!("running on PostgreSQL (TEST_DATABASE_URL is set)"),
        None => println!("PostgreSQL tests skipped: TEST_DATABASE_URL is not set, running on SQLite"),
    }
    let app = spawn().await;
    let backend = app.conn().backend();
    assert_eq!(backend == plaza::db::Backend::Postgres, crate::helpers::test_database_url().is_some());
}

/// A site from before the one-policy migration: its boards' access, counters (as wrong as double
/// deletes could leave them), and content come through the upgrade as they should.
#[tokio::test]
async fn the_policy_migration_carries_a_site_over_and_repairs_its_counters() {
    use crate::helpers::{publish, reply, start_topic};
    use plaza::accounts::Role;
    let app = spawn().await;
    app.create_board("help", "discussion", "everyone", "members");
    app.create_board("staff-room", "discussion", "employees", "employees");
    app.create_board("club", "discussion", "members", "members");
    let alice = app.user_browser("alice", Role::Employee).await;
    let mia = app.user_browser("mia", Role::Member).await;
    let (public_path, public) = start_topic(&mia, "help", "Public question", "Hello.").await;
    reply(&alice, &public, "An answer.").await;
    let (_, gone) = reply(&mia, &public, "Deleted later.").await;
    mia.post(&format!("/replies/{gone}/delete"), &[]).await.assert_status(303);
    let (internal_path, _) = start_topic(&alice, "staff-room", "Internal plan", "Secret.").await;
    let (club_path, _) = start_topic(&mia, "club", "Members chat", "Hi members.").await;
    let post = publish(&alice, "alice", "A post", "Body.", "").await;
    let post_id = crate::helpers::post_id(&alice.get(&post).await.body);
    mia.post(&format!("/posts/{post_id}/comments"), &[("body", "A comment")]).await.assert_status(303);
    alice.post(&format!("/likes/{public}"), &[("value", "1")]).await.assert_status(303);

    // Back to the schema before the migration, with counters as double deletes left them.
    let mut conn = app.conn();
    // Newer migrations first, then the policy migration itself.
    while !plaza::db::revert_last(&mut conn).expect("down").contains("1130000005") {}
    use diesel::prelude::*;
    diesel::sql_query("UPDATE boards SET topic_count = -8, post_count = -3").execute(&mut conn).expect("corrupt");
    diesel::sql_query("UPDATE topics SET reply_count = 7").execute(&mut conn).expect("corrupt");
    plaza::db::migrate(&mut conn).expect("up again");
    drop(conn);

    // Access as it was: the internal board for staff only, the members' board for members.
    app.get(&internal_path).await.assert_status(404);
    mia.get(&internal_path).await.assert_status(404);
    alice.get(&internal_path).await.assert_status(200);
    app.get(&club_path).await.assert_status(303);
    mia.get(&club_path).await.assert_status(200);
    app.get(&public_path).await.assert_status(200).assert_contains("An answer.").assert_lacks("Deleted later.");
    app.get(&post).await.assert_contains("A comment");
    app.get("/forums").await.assert_lacks("staff-room");
    // Counters repaired from the rows.
    crate::concurrency::assert_consistent(&app);
    assert_eq!(app.number("SELECT CAST(topic_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 1);
    assert_eq!(app.number("SELECT CAST(post_count AS BIGINT) AS n FROM boards WHERE slug = 'help'"), 2);
    // Search documents keep their audiences.
    app.get("/search?q=internal").await.assert_lacks("Internal plan");
    alice.get("/search?q=internal").await.assert_contains("<mark>Internal</mark> plan");
}
