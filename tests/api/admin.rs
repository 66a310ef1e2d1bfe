use plaza::accounts::Role;

use crate::helpers::{PASSWORD, spawn};

#[tokio::test]
async fn only_admins_reach_the_user_admin() {
    let app = spawn().await;
    app.create_user("boss", Role::Admin);
    app.get("/admin/users").await.assert_redirect("/login?next=%2Fadmin%2Fusers");
    let member = app.user_browser("mia", Role::Member).await;
    member.get("/admin/users").await.assert_status(403).assert_contains("You do not have permission");
    let moderator = app.user_browser("mod1", Role::Moderator).await;
    moderator.get("/admin/users").await.assert_status(403);
    let id = app.create_user("target", Role::Member);
    member.post(&format!("/admin/users/{id}/role"), &[("role", "admin"), ("back", "")]).await.assert_status(403);
    assert!(app.get("/u/target").await.body.contains("Member"));
}

#[tokio::test]
async fn admins_search_and_page_through_users() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    for i in 0..30 {
        app.create_user(&format!("customer{i:02}"), Role::Member);
    }
    app.create_user("zhang_wei", Role::Employee);
    let page = admin.get("/admin/users").await;
    page.assert_status(200).assert_contains("32 people").assert_contains("rel=\"next\"");
    let page2 = admin.get("/admin/users?page=2").await;
    page2.assert_status(200).assert_contains("Page 2 of 2");
    let found = admin.get("/admin/users?q=ZHANG").await;
    found.assert_contains("zhang_wei").assert_contains("1 person").assert_lacks("customer05");
    admin.get("/admin/users?role=employee").await.assert_contains("zhang_wei").assert_lacks("customer05");
    // LIKE wildcards in the query are taken literally.
    admin.get("/admin/users?q=%25").await.assert_contains("0 people");
    admin.get("/admin/users?page=abc").await.assert_status(200);
}

#[tokio::test]
async fn granting_employee_creates_a_staff_blog_and_badge() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let id = app.create_user("newhire", Role::Member);
    app.get("/blogs/newhire").await.assert_status(404);
    admin
        .post(&format!("/admin/users/{id}/role"), &[("role", "employee"), ("back", "q=&role=&page=1")])
        .await
        .assert_redirect("/admin/users?q=&role=&page=1&msg=role");
    admin.get("/admin/users?msg=role").await.assert_contains("The role has been changed.");
    app.get("/blogs/newhire").await.assert_status(200).assert_contains("Staff blog");
    app.get("/u/newhire").await.assert_contains("badge-staff");
    // The directory lists it once it has something published.
    app.get("/blogs").await.assert_lacks("/blogs/newhire\"");
    let newhire = app.new_browser();
    newhire.login_ok("newhire").await;
    crate::helpers::publish(&newhire, "newhire", "Hello", "Hi.", "").await;
    app.get("/blogs").await.assert_contains("/blogs/newhire");
    // Unknown roles are refused.
    admin.post(&format!("/admin/users/{id}/role"), &[("role", "emperor"), ("back", "")]).await.assert_status(400);
}

#[tokio::test]
async fn admins_grant_community_blogs_and_cannot_demote_themselves() {
    let app = spawn().await;
    let boss_id = app.create_user("boss", Role::Admin);
    let admin = app.new_browser();
    admin.login_ok("boss").await;
    let id = app.create_user("opinion", Role::Member);
    admin.post(&format!("/admin/users/{id}/community-blog"), &[("back", "")]).await.assert_status(303);
    // Listed in the directory once something is published there.
    app.get("/blogs").await.assert_lacks("/blogs/opinion\"");
    let opinion = app.new_browser();
    opinion.login_ok("opinion").await;
    crate::helpers::publish(&opinion, "opinion", "My view", "Here it is.", "").await;
    app.get("/blogs").await.assert_contains("/blogs/opinion");
    app.get("/blogs/opinion").await.assert_contains("Community blog");
    admin
        .post(&format!("/admin/users/{boss_id}/role"), &[("role", "member"), ("back", "")])
        .await
        .assert_redirect("/admin/users?msg=self");
    admin.get("/admin/users").await.assert_status(200);
}

#[tokio::test]
async fn cli_creates_users_and_sets_roles() {
    let app = spawn().await;
    let bin = env!("CARGO_BIN_EXE_plaza");
    let run = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(bin)
            .args(args)
            .env("DATABASE_URL", &app.settings.database_url)
            .env("PLAZA_DATA_DIR", &app.settings.data_dir)
            .env("PLAZA_CONFIG", "/nonexistent/plaza.toml")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
    };
    let (ok, out) = run(
        &[
            "user",
            "create",
            "--username",
            "opsadmin",
            "--email",
            "ops@example.com",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok, "{out}");
    assert!(out.contains("created opsadmin"), "{out}");
    let (ok, out) = run(
        &["user", "create", "--username", "opsadmin", "--email", "x@example.com", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(!ok && out.contains("That username is taken."), "{out}");
    let (ok, out) = run(
        &["user", "create", "--username", "weakling", "--email", "w@example.com", "--password-stdin"],
        "password123\n",
    );
    assert!(!ok && out.contains("too easy to guess"), "{out}");
    app.new_browser().login_ok("opsadmin").await;
    app.create_user("helper", Role::Member);
    let (ok, out) = run(&["user", "set-role", "--username", "helper", "--role", "employee"], "");
    assert!(ok, "{out}");
    app.get("/blogs/helper").await.assert_status(200);
    let (ok, out) = run(&["migrate"], "");
    assert!(ok, "{out}");
}
