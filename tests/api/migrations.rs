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
