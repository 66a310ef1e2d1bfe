use plaza::accounts::Role;

use crate::helpers::{editor, post_id, publish, publish_id, spawn};

#[tokio::test]
async fn enterprise_blog_is_written_by_authorised_employees_only() {
    let app = spawn().await;
    let member = app.user_browser("customer", Role::Member).await;
    member.get("/write?blog=company").await.assert_status(403);
    let staffer = app.user_browser("staffer", Role::Employee).await;
    staffer.get("/write?blog=company").await.assert_status(403);
    let refused = editor(&staffer, "/write", &[("blog", "company"), ("title", "Sneaky"), ("body", "x")]).await;
    refused.assert_status(403);
    assert_eq!(app.count("posts"), 0);

    let writer_id = app.create_user("writer", Role::Employee);
    app.make_enterprise_author(writer_id);
    let writer = app.new_browser();
    writer.login_ok("writer").await;
    writer.get("/write?blog=company").await.assert_status(200).assert_contains("New post");
    let path = publish(&writer, "company", "Spring release notes", "All the **news**.", "release").await;
    assert_eq!(path, "/blog/spring-release-notes");
    let page = app.get(&path).await;
    page.assert_status(200)
        .assert_contains("Spring release notes")
        .assert_contains("<strong>news</strong>")
        .assert_contains("href=\"/u/writer\"")
        .assert_contains("badge-staff")
        .assert_contains("Published by Plaza");
    app.get("/blog").await.assert_contains("Spring release notes");
    app.get("/").await.assert_contains("Spring release notes");
    // /blogs/company is the same blog, at its one canonical address.
    app.get("/blogs/company").await.assert_redirect("/blog");
    app.get("/blogs/company/spring-release-notes").await.assert_redirect("/blog/spring-release-notes");
}

#[tokio::test]
async fn admins_authorise_enterprise_authors() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    app.create_user("emp", Role::Employee);
    app.create_user("cust", Role::Member);
    admin
        .post("/manage/blogs/company/authors", &[("username", "cust")])
        .await
        .assert_status(422)
        .assert_contains("Only employees can write on the company blog.")
        .assert_contains("value=\"cust\"");
    admin
        .post("/manage/blogs/company/authors", &[("username", "ghost")])
        .await
        .assert_status(422)
        .assert_contains("There is no user with that username.");
    admin.post("/manage/blogs/company/authors", &[("username", "emp")]).await.assert_status(303);
    app.get("/blog").await.assert_contains("href=\"/u/emp\"");
    let emp = app.new_browser();
    emp.login_ok("emp").await;
    emp.get("/write?blog=company").await.assert_status(200);
    admin.post("/manage/blogs/company/authors/remove", &[("username", "emp")]).await.assert_status(303);
    emp.get("/write?blog=company").await.assert_status(403);
    // Only admins manage the enterprise blog.
    emp.get("/manage/blogs/company").await.assert_status(403);
}

#[tokio::test]
async fn staff_and_community_blogs() {
    let app = spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let bob = app.user_browser("bob", Role::Employee).await;
    // Without ?blog= the editor opens on one's own blog.
    alice.get("/write").await.assert_status(200).assert_contains("name=\"blog\" value=\"alice\"");
    publish(&alice, "alice", "Support tip one", "Clear the cache.", "").await;
    editor(&bob, "/write", &[("title", "Hijack"), ("body", "x")]).await.assert_status(403);

    let member = app.user_browser("reviewer", Role::Member).await;
    member.get("/write").await.assert_status(403);
    let id = app.create_user("leader", Role::Member);
    admin.post(&format!("/admin/users/{id}/community-blog"), &[("back", "")]).await.assert_status(303);
    let leader = app.new_browser();
    leader.login_ok("leader").await;
    let path = publish(&leader, "leader", "My trial report", "Four stars.", "review").await;
    assert_eq!(path, "/blogs/leader/my-trial-report");

    let dir = app.get("/blogs").await;
    dir.assert_status(200).assert_contains("Staff blogs").assert_contains("Community blogs");
    let staff_pos = dir.body.find("/blogs/alice").unwrap();
    let community_heading = dir.body.find("Community blogs").unwrap();
    let leader_pos = dir.body.find("/blogs/leader").unwrap();
    assert!(
        staff_pos < community_heading && community_heading < leader_pos,
        "staff and community blogs are shown apart"
    );
    let home = app.get("/").await;
    home.assert_contains("Support tip one").assert_contains("My trial report");
}

#[tokio::test]
async fn blog_owner_edits_title_description_and_blogroll() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    app.create_user("bob", Role::Employee);
    let bad = alice
        .post(
            "/manage/blogs/alice",
            &[("title", "Alice's notes"), ("description", "Tips"), ("blogroll", "Bob's blog /blogs/bob")],
        )
        .await;
    bad.assert_status(422).assert_contains("needs a title, a").assert_contains("Bob&#39;s blog /blogs/bob");
    let bad = alice
        .post(
            "/manage/blogs/alice",
            &[("title", "Alice's notes"), ("description", ""), ("blogroll", "Evil | javascript:alert(1)")],
        )
        .await;
    bad.assert_status(422).assert_contains("must start with http://");
    // Paths that a browser reads as another site are refused, the text kept.
    for evil in ["Evil | /\\evil.example", "Evil | /\t/evil.example", "Evil | //evil.example"] {
        let bad = alice
            .post("/manage/blogs/alice", &[("title", "Alice's notes"), ("description", ""), ("blogroll", evil)])
            .await;
        bad.assert_status(422).assert_contains("must start with http://").assert_contains("evil.example");
    }
    let bad = alice.post("/manage/blogs/alice", &[("title", ""), ("description", ""), ("blogroll", "")]).await;
    bad.assert_status(422).assert_contains("Give the blog a title.");
    alice
        .post(
            "/manage/blogs/alice",
            &[
                ("title", "Alice's notes"),
                ("description", "Tips from support"),
                ("blogroll", "Bob's blog | /blogs/bob\nRust | https://www.rust-lang.org/"),
            ],
        )
        .await
        .assert_redirect("/manage/blogs/alice?saved=1");
    let page = app.get("/blogs/alice").await;
    page.assert_contains("Alice&#39;s notes")
        .assert_contains("Tips from support")
        .assert_contains("href=\"/blogs/bob\"")
        .assert_contains("https://www.rust-lang.org/");
    let bob = app.new_browser();
    bob.login_ok("bob").await;
    bob.get("/manage/blogs/alice").await.assert_status(403);
}

#[tokio::test]
async fn drafts_are_private_until_published() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let page =
        editor(&alice, "/write", &[("title", "Work in progress"), ("body", "Not yet."), ("status", "draft")]).await;
    let path = page.location();
    alice.get(&path).await.assert_status(200).assert_contains("Draft");
    alice.get("/blogs/alice").await.assert_contains("Work in progress");
    app.get(&path).await.assert_status(404);
    app.get("/blogs/alice").await.assert_lacks("Work in progress");
    app.get("/").await.assert_lacks("Work in progress");
    app.get("/feed.atom").await.assert_lacks("Work in progress");
    app.sitemap().await.assert_lacks("work-in-progress");
    let id = post_id(&alice.get(&path).await.body);
    editor(&alice, &format!("/posts/{id}/edit"), &[("title", "Work in progress"), ("body", "Now done.")])
        .await
        .assert_status(303);
    app.get(&path).await.assert_status(200).assert_contains("Now done.").assert_lacks("Updated");
}

#[tokio::test]
async fn slugs_are_readable_for_english_and_chinese_and_old_ones_redirect() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let path = publish(&alice, "alice", "企业博客上线了！", "内容", "").await;
    assert_eq!(path, "/blogs/alice/%E4%BC%81%E4%B8%9A%E5%8D%9A%E5%AE%A2%E4%B8%8A%E7%BA%BF%E4%BA%86");
    app.get(&path).await.assert_status(200).assert_contains("企业博客上线了！");
    // Same title again: a distinct slug.
    let second = publish(&alice, "alice", "企业博客上线了！", "第二篇", "").await;
    assert!(second.ends_with("-2"), "{second}");

    let first = publish(&alice, "alice", "Hello World", "Body", "").await;
    assert_eq!(first, "/blogs/alice/hello-world");
    let id = post_id(&alice.get(&first).await.body);
    editor(&alice, &format!("/posts/{id}/edit"), &[("title", "Hello Plaza"), ("body", "Body, edited")])
        .await
        .assert_redirect("/blogs/alice/hello-plaza");
    app.get("/blogs/alice/hello-world").await.assert_status(301).assert_redirect("/blogs/alice/hello-plaza");
    app.get("/blogs/alice/hello-plaza").await.assert_contains("Body, edited").assert_contains("Updated");
    app.get(&format!("/posts/{id}")).await.assert_redirect("/blogs/alice/hello-plaza");
    // A new post cannot take a slug that still redirects.
    let third = publish(&alice, "alice", "Hello World", "Another", "").await;
    assert_eq!(third, "/blogs/alice/hello-world-2");
    // A slug typed by hand must be valid.
    editor(&alice, &format!("/posts/{id}/edit"), &[("title", "Hello Plaza"), ("slug", "Bad Slug!"), ("body", "x")])
        .await
        .assert_status(422)
        .assert_contains("Use lowercase letters");
}

#[tokio::test]
async fn editor_names_each_problem_and_keeps_the_text() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let long_title = "t".repeat(201);
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        ("", "My careful text", "", "", "A title is needed."),
        (&long_title, "My careful text", "", "", "at most 200 characters"),
        ("Title", "   ", "", "", "Write some text first: it is empty."),
        ("Title", "My careful text", "<script>", "", "Tags can use letters"),
        ("Title", "My careful text", "a,b,c,d,e,f,g,h,i,j,k", "", "at most 10 tags"),
        ("Title", "My careful text", "", "javascript:alert(1)", "full http:// or https:// address"),
    ];
    for (title, body, tags, cover, message) in cases {
        let page =
            editor(&alice, "/write", &[("title", title), ("body", body), ("tags", tags), ("cover_url", cover)]).await;
        page.assert_status(422).assert_contains(message).assert_contains("Please correct the problems");
        if body.trim().len() > 3 {
            page.assert_contains(body);
        }
    }
    assert_eq!(app.count("posts"), 0);
    assert_eq!(app.count("contents"), 0);
}

#[tokio::test]
async fn preview_renders_without_saving() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let page =
        editor(&alice, "/write", &[("title", "Preview me"), ("body", "Some **bold** idea"), ("action", "preview")])
            .await;
    page.assert_status(200)
        .assert_contains("<strong>bold</strong>")
        .assert_contains("Some **bold** idea")
        .assert_contains("value=\"Preview me\"");
    assert_eq!(app.count("posts"), 0);
}

#[tokio::test]
async fn markdown_features_render() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let body = "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~gone~~ and a note[^n]\n\n[^n]: The note.\n\n```rust\nfn main() {}\n```\n";
    let path = publish(&alice, "alice", "Markdown tour", body, "").await;
    let page = app.get(&path).await;
    page.assert_contains("<table>")
        .assert_contains("<li><span class=\"task-box\">\u{2611}</span> done</li>")
        .assert_contains("<li><span class=\"task-box\">\u{2610}</span> todo</li>")
        .assert_lacks("type=\"checkbox\"")
        .assert_contains("<del>gone</del>")
        .assert_contains("footnote-definition")
        .assert_contains("<code class=\"language-rust\">");
}

#[tokio::test]
async fn citations_show_as_cited_by() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let original = publish(&alice, "alice", "The original tip", "Restart it.", "").await;
    let citing_body = format!("As [Alice said]({original}), and [absolutely]({}{original}).", crate::helpers::BASE_URL);
    publish(&alice, "alice", "A follow-up", &citing_body, "").await;
    let page = app.get(&original).await;
    page.assert_contains("Cited by").assert_contains("A follow-up");
    assert_eq!(app.count("citations"), 1);
}

#[tokio::test]
async fn deleting_a_post_removes_it() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let (path, id) = publish_id(&alice, "alice", "Short-lived", "Bye.", "").await;
    let other = app.user_browser("mallory", Role::Member).await;
    other.post(&format!("/posts/{id}/delete"), &[]).await.assert_status(403);
    other.get(&format!("/posts/{id}/edit")).await.assert_status(403);
    alice.post(&format!("/posts/{id}/delete"), &[]).await.assert_redirect("/blogs/alice");
    app.get(&path).await.assert_status(404);
    app.get("/blogs/alice").await.assert_lacks("Short-lived");
}

#[tokio::test]
async fn blog_pages_are_paged() {
    let app = spawn().await;
    let alice = app.user_browser("alice", Role::Employee).await;
    for i in 0..12 {
        publish(&alice, "alice", &format!("Post number {i:02}"), "Body", "").await;
    }
    let first = app.get("/blogs/alice").await;
    first.assert_contains("Post number 11").assert_lacks("Post number 01").assert_contains("rel=\"next\"");
    // "Older" continues from the last post shown (a cursor, not a count of rows to skip).
    let older = crate::helpers::link_with_rel(&first.body, "next").expect("older link");
    assert!(older.starts_with("/blogs/alice?before="), "{older}");
    let second = app.get(&older).await;
    second.assert_contains("Post number 01").assert_contains("Post number 00").assert_lacks("Post number 02");
    second.assert_contains("href=\"/blogs/alice\"").assert_lacks("rel=\"next\"");
    // Links from before keep working, and nonsense lands somewhere sensible.
    app.get("/blogs/alice?page=2").await.assert_contains("Post number 01").assert_lacks("Post number 11");
    app.get("/blogs/alice?page=-4").await.assert_status(200).assert_contains("Post number 11");
    app.get("/blogs/alice?page=99999999999999999999").await.assert_status(200);
    app.get("/blogs/alice?before=garbage").await.assert_status(200).assert_contains("Post number 11");
    app.get("/blogs/alice?before=1_1").await.assert_status(200).assert_contains("No posts");
    // Times no database stores, and pages far past the end: an empty page, not an error.
    for q in ["before=-250000000000000000_1", "before=9223372036854775807_1", "page=100000"] {
        app.get(&format!("/blogs/alice?{q}")).await.assert_status(200);
        app.get(&format!("/u/alice?{q}")).await.assert_status(200);
    }
    app.get("/tags/nothing-here?before=-250000000000000000_1").await.assert_status(404);
}

#[tokio::test]
async fn removing_an_unknown_author_says_so() {
    let app = crate::helpers::spawn().await;
    let admin = app.user_browser("boss", Role::Admin).await;
    admin
        .post("/manage/blogs/company/authors/remove", &[("username", "nobody-here")])
        .await
        .assert_status(422)
        .assert_contains("nobody-here");
    // Removing someone who is not an author is done already.
    app.create_user("emp2", Role::Employee);
    admin.post("/manage/blogs/company/authors/remove", &[("username", "emp2")]).await.assert_status(303);
}
