//! The magazine: editors make issues in private and publish them at once; every save of an
//! article is a revision; saves that race lose nothing.

use plaza::accounts::Role;
use plaza::policy::Roles;

use crate::helpers::{Browser, TestApp, spawn, spawn_with};

pub(crate) fn editor_roles() -> Roles {
    Roles::from(Role::Employee).with(Role::Editor)
}

/// An issue made through the desk: (issue path, [article paths]).
pub(crate) async fn make_issue(
    ed: &Browser,
    number: &str,
    title: &str,
    articles: &[(&str, &str, &str)],
) -> (String, Vec<String>) {
    ed.post(
        "/magazine/new",
        &[
            ("number", number),
            ("title", title),
            ("theme", "Spring"),
            ("note", "Welcome."),
            ("cover", ""),
            ("action", "save"),
        ],
    )
    .await
    .assert_redirect(&format!("/magazine/{number}/edit"));
    ed.post(&format!("/magazine/{number}/sections"), &[("title", "Features")]).await.assert_status(303);
    let mut paths = Vec::new();
    for (title, body, writers) in articles {
        let page = ed
            .post(
                &format!("/magazine/{number}/articles/new"),
                &[
                    ("title", title),
                    ("body", body),
                    ("section", ""),
                    ("position", "1"),
                    ("mode", "closed"),
                    ("writers", writers),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(page.status.as_u16(), 303, "{}", page.body);
        paths.push(page.location());
    }
    (format!("/magazine/{number}"), paths)
}

/// The revision an editor page started from (its hidden `base` field).
pub(crate) fn base(page: &str) -> String {
    page.split(r#"name="base" value=""#).nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string()
}

/// The first edit waiting on the review page.
fn first_waiting(page: &str) -> String {
    page.split(r#"action="/magazine/review/"#).nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string()
}

fn stage(app: &TestApp) -> String {
    use diesel::prelude::*;
    use plaza::db::schema::magazine_issues;
    magazine_issues::table.select(magazine_issues::stage).first(&mut app.conn()).expect("issue")
}

#[tokio::test]
async fn an_issue_is_made_in_private_and_goes_live_at_once() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let writer = app.user_browser("writer", Role::Member).await;
    let carol = app.user_browser("carol", Role::Member).await;
    let visitor = app.new_browser();
    let (issue, articles) = make_issue(
        &ed,
        "1",
        "Spring issue",
        &[("Garden robots", "Robots that prune roses.", "writer"), ("春天的照片", "读者拍摄的春天。", "editor")],
    )
    .await;
    assert!(articles[1].starts_with("/magazine/1/%E6%98%A5"), "a Chinese title stays readable: {}", articles[1]);
    // Before it is out: its editors and writers only.
    for b in [&visitor, &carol] {
        b.get(&issue).await.assert_status(404);
        b.get(&articles[0]).await.assert_status(404);
        b.get("/magazine").await.assert_lacks("Spring issue");
        b.get("/search?q=prune").await.assert_lacks("Garden robots");
        b.get("/magazine/feed.atom").await.assert_status(200).assert_lacks("Spring issue");
        b.get("/magazine/1/feed.atom").await.assert_status(404);
    }
    writer.get("/magazine/1/feed.atom").await.assert_status(404);
    app.get("/").await.assert_lacks("Spring issue").assert_lacks("From the magazine");
    carol.get(&format!("{}/edit", articles[0])).await.assert_status(404);
    writer.get(&issue).await.assert_status(200).assert_contains("Garden robots").assert_contains("not out yet");
    writer.get(&format!("{}/edit", articles[0])).await.assert_status(200);
    writer.get(&format!("{}/edit", articles[1])).await.assert_status(403);
    writer.get("/magazine").await.assert_contains("Spring issue");
    carol.get("/magazine/new").await.assert_status(403);
    app.user_browser("staffer", Role::Employee).await.get("/magazine/new").await.assert_status(403);

    // Published: the whole issue at once, everywhere.
    ed.post("/magazine/1/stage", &[("stage", "published"), ("publish_at", "")]).await.assert_status(303);
    app.settle().await;
    visitor
        .get("/magazine")
        .await
        .assert_contains("Spring issue")
        .assert_contains("Garden robots")
        .assert_contains("春天的照片");
    visitor.get(&issue).await.assert_status(200).assert_contains("Welcome.");
    // The home page (kept for visitors) shows the new issue.
    app.get("/").await.assert_contains("From the magazine").assert_contains("No. 1: Spring issue");
    visitor
        .get(&articles[0])
        .await
        .assert_status(200)
        .assert_contains("Robots that prune roses.")
        .assert_contains(">writer</a>");
    // An employee writing carries the staff badge.
    visitor
        .get(&articles[1])
        .await
        .assert_status(200)
        .assert_contains("读者拍摄的春天。")
        .assert_contains("badge-staff");
    visitor.get(&articles[0]).await.assert_lacks("badge-staff");
    visitor.get("/search?q=prune").await.assert_contains("Garden robots");
    visitor.get("/sitemap.xml").await.assert_contains("/sitemap-magazine.xml");
    visitor
        .get("/sitemap-magazine.xml")
        .await
        .assert_contains("http://plaza.test/magazine/1</loc>")
        .assert_contains(&format!("http://plaza.test{}</loc>", articles[0]));
    visitor.get("/search?q=春天").await.assert_contains(&format!(r#"href="{}""#, articles[1]));
    // Feeds: the issues (each entry its contents, links absolute) and the issue's articles.
    visitor.get("/magazine").await.assert_contains(r#"href="http://plaza.test/magazine/feed.atom""#);
    visitor.get(&issue).await.assert_contains(r#"href="http://plaza.test/magazine/1/feed.atom""#);
    let issues = visitor.get("/magazine/feed.atom").await;
    issues.assert_status(200).assert_contains("No. 1: Spring issue").assert_contains("Welcome.");
    issues.assert_contains(&format!("http://plaza.test{}", articles[0]));
    let rss = visitor.get("/magazine/1/feed.rss").await;
    rss.assert_status(200).assert_contains("Robots that prune roses.").assert_contains("读者拍摄的春天。");
    assert!(rss.body.find("Garden robots") < rss.body.find("春天的照片"), "in the issue's order");
    rss.assert_contains("<dc:creator>writer</dc:creator>");
    // Tags are the site's: on the article, its tag page and the tag's feed.
    let b = base(&ed.get(&format!("{}/edit", articles[0])).await.body);
    ed.post(
        &format!("{}/edit", articles[0]),
        &[
            ("title", "Garden robots"),
            ("body", "Robots that prune roses."),
            ("summary", ""),
            ("base", &b),
            ("section", ""),
            ("position", "1"),
            ("mode", "closed"),
            ("writers", "writer"),
            ("tags", "robots, 机器人"),
            ("action", "save"),
        ],
    )
    .await
    .assert_status(303);
    visitor.get(&articles[0]).await.assert_contains(r#"href="/tags/robots" rel="tag""#);
    let tag = visitor.get("/tags/robots").await;
    tag.assert_status(200).assert_contains("1 magazine article").assert_contains("Garden robots");
    visitor.get("/tags/robots/feed.atom").await.assert_contains("Garden robots");
    visitor.get("/tags/%E6%9C%BA%E5%99%A8%E4%BA%BA").await.assert_status(200).assert_contains("Garden robots");
    ed.post(
        &format!("{}/edit", articles[0]),
        &[
            ("title", "Garden robots"),
            ("body", "Robots that prune roses."),
            ("summary", ""),
            ("base", &b),
            ("section", ""),
            ("position", "1"),
            ("mode", "closed"),
            ("writers", "writer"),
            ("tags", "#bad tag!!"),
            ("action", "save"),
        ],
    )
    .await
    .assert_status(422)
    .assert_contains("#bad tag!!");
    // Readers comment; the writers hear of it; the comments have their feed.
    visitor.get(&articles[0]).await.assert_contains("Log in to comment");
    // A script that fills the hidden field is refused as on every other posting form, the text kept.
    carol
        .post(&format!("{}/comments", articles[0]), &[("body", "Cheap pills"), ("website", "http://spam.example")])
        .await
        .assert_status(422)
        .assert_contains("could not be sent")
        .assert_contains("Cheap pills");
    let commented = carol.post(&format!("{}/comments", articles[0]), &[("body", "Which robot prunes best?")]).await;
    commented.assert_status(303);
    assert!(commented.location().starts_with(&format!("{}#c", articles[0])));
    visitor.get(&articles[0]).await.assert_contains("Which robot prunes best?").assert_contains("1 comment");
    writer.get("/notifications").await.assert_contains("commented");
    ed.get("/notifications").await.assert_contains("commented");
    let comments = visitor.get(&format!("{}/comments.atom", articles[0])).await;
    comments.assert_status(200).assert_contains("Which robot prunes best?");
    // Readers like it (once each; not whoever made its page).
    let liked = carol.get(&articles[0]).await;
    let like_id = liked.body.split(r#"action="/likes/"#).nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
    carol.post(&format!("/likes/{like_id}"), &[("value", "1")]).await.assert_status(303);
    carol.post(&format!("/likes/{like_id}"), &[("value", "1")]).await.assert_status(303);
    carol.get(&articles[0]).await.assert_contains("Unlike · 1");
    visitor.get(&articles[0]).await.assert_contains("1 like");
    ed.post(&format!("/likes/{like_id}"), &[("value", "1")]).await.assert_status(400);
    // Read-through: the page asks for a mark at its start and (lazily) at its end; nothing
    // about the reader is kept; made-up ids count for nothing.
    let page = visitor.get(&articles[0]).await;
    let start = page.body.split(r#"class="read-mark" src=""#).nth(1).and_then(|r| r.split('"').next()).unwrap_or("");
    assert!(start.ends_with("/start.gif"), "{start}");
    let end = start.replace("start.gif", "end.gif");
    for mark in [start, start, start, &end] {
        let (status, headers, bytes) = visitor.get_bytes(mark, &[]).await;
        assert_eq!((status, headers["content-type"].to_str().unwrap_or("")), (200, "image/gif"));
        assert!(headers.get("set-cookie").is_none() && bytes.starts_with(b"GIF89a"));
    }
    visitor.get_bytes("/magazine/reads/999999/start.gif", &[]).await;
    visitor.get_bytes("/magazine/reads/abc/end.gif", &[]).await;
    app.settle().await;
    assert_eq!(app.count("magazine_article_reads"), 1);
    let desk = ed.get("/magazine/1/edit").await;
    desk.assert_contains(r#"data-label="Views">3</td>"#)
        .assert_contains(r#"data-label="Read to the end">33%</td>"#)
        .assert_contains(r#"data-label="Comments">1</td>"#);
    // An empty comment: told, nothing saved.
    let empty = carol.post(&format!("{}/comments", articles[0]), &[("body", "  ")]).await;
    empty.assert_status(422).assert_contains("Garden robots");
    assert_eq!(app.count("comments"), 1);
    // Taken down again, all of it goes.
    ed.post("/magazine/1/stage", &[("stage", "draft"), ("publish_at", "")]).await.assert_status(303);
    visitor.get(&articles[1]).await.assert_status(404);
    visitor.get("/magazine").await.assert_lacks("Garden robots");
    visitor.get("/sitemap.xml").await.assert_lacks("/sitemap-magazine.xml");
    visitor.get("/sitemap-magazine.xml").await.assert_lacks("/magazine/1");
    visitor.get("/magazine/1/feed.atom").await.assert_status(404);
    visitor.get("/magazine/feed.rss").await.assert_lacks("Spring issue");
    // No comments on an article that is not out.
    carol.post(&format!("{}/comments", articles[0]), &[("body", "Still here?")]).await.assert_status(404);
    writer.post(&format!("{}/comments", articles[0]), &[("body", "Still here?")]).await.assert_status(422);
    // …and a picture sent with such a comment is not stored either.
    let media_before = app.count("media");
    let png = crate::media::png(40, 30);
    writer
        .upload(
            &format!("{}/comments", articles[0]),
            &[("body", "With a picture")],
            &[("files", "a.png", png, "image/png")],
            &[],
        )
        .await
        .assert_status(422)
        .assert_contains("With a picture");
    assert_eq!(app.count("media"), media_before);
    writer.get(&articles[0]).await.assert_lacks("Log in to comment").assert_lacks("comment-body");
    visitor.get(&format!("{}/comments.atom", articles[0])).await.assert_status(404);
    assert_eq!(app.count("comments"), 1);
    visitor.get("/tags/robots").await.assert_status(404);
}

#[tokio::test]
async fn pictures_in_an_issue_are_seen_by_who_sees_the_issue() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let writer = app.user_browser("writer", Role::Member).await;
    let carol = app.user_browser("carol", Role::Member).await;
    let visitor = app.new_browser();
    let cover = crate::media::upload_one(&ed, "cover.png", crate::media::png(1200, 800), "image/png").await;
    let inside = crate::media::upload_one(&ed, "inside.png", crate::media::png(600, 400), "image/png").await;
    ed.post(
        "/magazine/new",
        &[
            ("number", "5"),
            ("title", "Five"),
            ("theme", ""),
            ("note", ""),
            ("cover", &format!("/media/{cover}")),
            ("action", "save"),
        ],
    )
    .await
    .assert_status(303);
    let body = format!("Look:\n\n![A rose bed](/media/{inside})");
    ed.post(
        "/magazine/5/articles/new",
        &[
            ("title", "Roses"),
            ("body", &body),
            ("section", ""),
            ("position", ""),
            ("mode", "closed"),
            ("writers", "writer"),
            ("action", "save"),
        ],
    )
    .await
    .assert_status(303);
    for id in [cover, inside] {
        let path = format!("/media/{id}");
        assert_eq!(writer.get_bytes(&path, &[]).await.0, 200, "the writer sees {path}");
        assert_eq!(carol.get_bytes(&path, &[]).await.0, 404, "a member does not see {path} yet");
        assert_eq!(visitor.get_bytes(&path, &[]).await.0, 404, "a visitor does not see {path} yet");
    }
    ed.post(&format!("/media/{cover}/delete"), &[]).await.assert_status(409);
    ed.post("/magazine/5/stage", &[("stage", "published"), ("publish_at", "")]).await.assert_status(303);
    visitor.get("/magazine/5").await.assert_contains(&format!(r#"src="/media/{cover}/large""#));
    let (status, headers, _) = visitor.get_bytes(&format!("/media/{cover}/large"), &[]).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap_or("")), (200, "image/webp"));
    for id in [cover, inside] {
        assert_eq!(visitor.get_bytes(&format!("/media/{id}"), &[]).await.0, 200);
    }
    // A co-writer's edit keeps the editor's picture a picture; naming another picture of the
    // editor's library that the article does not show does not make it shown.
    let private = crate::media::upload_one(&ed, "private.png", crate::media::png(300, 200), "image/png").await;
    let edit = "/magazine/5/roses/edit";
    let from = base(&writer.get(edit).await.body);
    let text = format!("{body}\n\nMore roses.\n\nA\u{a0}b.\n\n![Not mine](/media/{private})");
    writer
        .post(edit, &[("title", "Roses"), ("body", &text), ("summary", ""), ("base", &from), ("action", "save")])
        .await
        .assert_status(303);
    let page = visitor.get("/magazine/5/roses").await;
    page.assert_contains("More roses.").assert_contains(&format!(r#"<img class="media" src="/media/{inside}/"#));
    page.assert_lacks(&format!(r#"src="/media/{private}"#));
    assert_eq!(visitor.get_bytes(&format!("/media/{private}"), &[]).await.0, 404);

    // The issue as a book: its pictures inside, nothing the reader may not see.
    visitor.get("/magazine/5").await.assert_contains(r#"href="/magazine/5/epub""#);
    let (status, headers, bytes) = visitor.get_bytes("/magazine/5/epub", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"].to_str().unwrap_or(""), "application/epub+zip");
    assert!(headers["content-disposition"].to_str().unwrap_or("").contains("magazine-5.epub"));
    let mut book = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let first = book.by_index(0).expect("an entry").name().to_string();
    assert_eq!(first, "mimetype", "an EPUB starts with its mimetype");
    let names: Vec<String> = book.file_names().map(str::to_string).collect();
    assert!(names.iter().any(|n| n.starts_with(&format!("OEBPS/images/{inside}-"))), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("OEBPS/images/cover.")), "{names:?}");
    assert!(!names.iter().any(|n| n.contains(&format!("images/{private}-"))), "{names:?}");
    let mut chapter = String::new();
    std::io::Read::read_to_string(&mut book.by_name("OEBPS/article-1.xhtml").expect("the article"), &mut chapter)
        .expect("text");
    assert!(chapter.contains("<h1>Roses</h1>") && chapter.contains("More roses."), "{chapter}");
    assert!(chapter.contains(&format!(r#"src="images/{inside}-"#)), "{chapter}");
    // XHTML: every picture's tag closed, the page's no-break space a character reference.
    let pictures: Vec<&str> = chapter.split("<img").skip(1).map(|t| t.split('>').next().unwrap_or("")).collect();
    assert!(!pictures.is_empty() && pictures.iter().all(|t| t.ends_with('/')), "{pictures:?}");
    assert!(chapter.contains("A&#160;b.") && !chapter.contains("&nbsp;") && !chapter.contains("srcset"), "{chapter}");
    let etag = headers["etag"].to_str().unwrap_or("").to_string();
    assert_eq!(visitor.get_bytes("/magazine/5/epub", &[("If-None-Match", &etag)]).await.0, 304);
    // Not for an issue that is not out, nor an issue that does not exist.
    ed.post("/magazine/5/stage", &[("stage", "draft"), ("publish_at", "")]).await.assert_status(303);
    assert_eq!(visitor.get_bytes("/magazine/5/epub", &[]).await.0, 404);
    assert_eq!(writer.get_bytes("/magazine/5/epub", &[]).await.0, 404);
    assert_eq!(visitor.get_bytes("/magazine/77/epub", &[]).await.0, 404);
}

#[tokio::test]
async fn bad_input_on_the_desk_gets_a_message_and_keeps_the_text() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    make_issue(&ed, "7", "Seven", &[]).await;
    let taken = ed
        .post(
            "/magazine/new",
            &[
                ("number", "7"),
                ("title", "Again"),
                ("theme", ""),
                ("note", "My note kept."),
                ("cover", ""),
                ("action", "save"),
            ],
        )
        .await;
    taken.assert_status(422).assert_contains("exists already").assert_contains("My note kept.");
    for bad in ["0", "abc", "100000", "-3"] {
        ed.post(
            "/magazine/new",
            &[("number", bad), ("title", "X"), ("theme", ""), ("note", ""), ("cover", ""), ("action", "save")],
        )
        .await
        .assert_status(422)
        .assert_contains("whole number");
    }
    ed.post("/magazine/7/stage", &[("stage", "scheduled"), ("publish_at", "2001-01-01T10:00")])
        .await
        .assert_status(422)
        .assert_contains("That time has passed");
    ed.post("/magazine/7/stage", &[("stage", "scheduled"), ("publish_at", "")]).await.assert_status(422);
    ed.post("/magazine/7/stage", &[("stage", "gone"), ("publish_at", "")]).await.assert_status(422);
    let long = "x".repeat(200_001);
    ed.post(
        "/magazine/7/articles/new",
        &[
            ("title", "Long"),
            ("body", &long),
            ("section", ""),
            ("position", ""),
            ("mode", "closed"),
            ("writers", "nobody-here"),
            ("action", "save"),
        ],
    )
    .await
    .assert_status(422)
    .assert_contains("200,000 characters")
    .assert_contains("not a member here");
    ed.get("/magazine/07").await.assert_status(404);
    ed.get("/magazine/+7").await.assert_status(404);

    // Scheduled for later: the worker publishes it when the time comes.
    ed.post("/magazine/7/stage", &[("stage", "scheduled"), ("publish_at", "2099-01-01T10:00")])
        .await
        .assert_status(303);
    assert_eq!(stage(&app), "scheduled");
    assert_eq!(plaza::magazine::queries::publish_due(&mut app.conn()).expect("due"), 0);
    {
        use diesel::prelude::*;
        use plaza::db::schema::magazine_issues;
        diesel::update(magazine_issues::table)
            .set(magazine_issues::publish_at.eq(Some(plaza::now() - chrono::Duration::minutes(1))))
            .execute(&mut app.conn())
            .expect("due now");
    }
    assert_eq!(plaza::magazine::queries::publish_due(&mut app.conn()).expect("due"), 1);
    assert_eq!(stage(&app), "published");
    app.new_browser().get("/magazine/7").await.assert_status(200);
}

#[tokio::test]
async fn every_save_is_a_revision_and_a_race_loses_nothing() {
    let app = spawn_with(|s| s.magazine_trusted_after = 2).await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let writer = app.user_browser("writer", Role::Member).await;
    let (_, articles) = make_issue(&ed, "2", "Two", &[("Field notes", "First words.", "writer")]).await;
    let article = &articles[0];
    let edit = format!("{article}/edit");
    let opened = base(&writer.get(&edit).await.body);
    let stale = base(&ed.get(&edit).await.body);
    writer
        .post(
            &edit,
            &[
                ("title", "Field notes"),
                ("body", "First words, and more."),
                ("summary", "more"),
                ("base", &opened),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(303);
    // The editor started from the same revision: told, shown the article now, their text kept.
    let clash = ed
        .post(
            &edit,
            &[
                ("title", "Field notes"),
                ("body", "The editor's version."),
                ("summary", ""),
                ("base", &stale),
                ("position", "1"),
                ("mode", "closed"),
                ("writers", "writer"),
                ("section", ""),
                ("action", "save"),
            ],
        )
        .await;
    clash.assert_status(409).assert_contains("The editor&#39;s version.").assert_contains("First words, and more.");
    // …and nothing of it was saved, its settings included.
    let stale_settings = [
        ("title", "Field notes"),
        ("body", "Stale again."),
        ("summary", ""),
        ("base", stale.as_str()),
        ("position", "9"),
        ("mode", "open"),
        ("writers", "writer, writer"),
        ("section", ""),
        ("action", "save"),
    ];
    ed.post(&edit, &stale_settings).await.assert_status(409);
    ed.get(&edit).await.assert_contains(r#"<option value="closed" selected>"#).assert_lacks(r#"value="9""#);
    let history = writer.get(&format!("{article}/history")).await;
    history.assert_contains("more").assert_contains("(+10)");
    assert_eq!(app.count("magazine_revisions"), 2);
    // Only whitespace changed: nothing new.
    let now = base(&writer.get(&edit).await.body);
    writer
        .post(
            &edit,
            &[
                ("title", "Field notes"),
                ("body", "First words, and more.\n\n"),
                ("summary", ""),
                ("base", &now),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(303);
    assert_eq!(app.count("magazine_revisions"), 2);

    // Many saves from the same revision at once: one wins, every other is told, none is lost or doubled.
    let mut browsers = Vec::new();
    for i in 0..6 {
        let b = app.user_browser(&format!("writer{i}"), editor_roles()).await;
        browsers.push(b);
    }
    let base_now = base(&writer.get(&edit).await.body);
    let saves = browsers.iter().enumerate().map(|(i, b)| {
        let (edit, base_now) = (edit.clone(), base_now.clone());
        async move {
            let body = format!("Version {i}.");
            b.post(
                &edit,
                &[
                    ("title", "Field notes"),
                    ("body", &body),
                    ("summary", ""),
                    ("base", &base_now),
                    ("position", "1"),
                    ("mode", "closed"),
                    ("writers", "writer"),
                    ("section", ""),
                    ("action", "save"),
                ],
            )
            .await
            .status
            .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(saves).await;
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 5, "{statuses:?}");
    assert_eq!(app.count("magazine_revisions"), 3);
    let winner = statuses.iter().position(|s| *s == 303).unwrap_or(0);
    ed.get(article).await.assert_contains(&format!("Version {winner}."));
}

#[tokio::test]
async fn open_articles_take_new_members_edits_for_review() {
    let app = spawn_with(|s| s.magazine_trusted_after = 2).await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let newcomer = app.user_browser("newcomer", Role::Member).await;
    let (_, articles) = make_issue(&ed, "3", "Three", &[("Readers' tips", "Tip one.", "")]).await;
    let article = &articles[0];
    let edit = format!("{article}/edit");
    // Closed: a member may not edit.
    ed.post("/magazine/3/stage", &[("stage", "published"), ("publish_at", "")]).await.assert_status(303);
    newcomer.get(&edit).await.assert_status(403);
    let b = base(&ed.get(&edit).await.body);
    ed.post(
        &edit,
        &[
            ("title", "Readers' tips"),
            ("body", "Tip one."),
            ("summary", ""),
            ("base", &b),
            ("position", "1"),
            ("mode", "open"),
            ("writers", ""),
            ("section", ""),
            ("action", "save"),
        ],
    )
    .await
    .assert_status(303);
    // Open: the newcomer's edit waits; readers keep the approved text.
    let b = base(&newcomer.get(&edit).await.body);
    let saved = newcomer
        .post(
            &edit,
            &[
                ("title", "Readers' tips"),
                ("body", "Tip one. Tip two: buy a xylophone."),
                ("summary", "tip two"),
                ("base", &b),
                ("action", "save"),
            ],
        )
        .await;
    saved.assert_status(303);
    newcomer.get(&saved.location()).await.assert_contains("waits for an editor");
    let visitor = app.new_browser();
    visitor.get(article).await.assert_lacks("xylophone");
    visitor.get(&format!("{article}/history")).await.assert_lacks("tip two");
    visitor.get("/search?q=xylophone").await.assert_lacks("Readers");
    ed.get(&format!("{article}/history")).await.assert_contains("tip two").assert_contains("waiting for review");
    // The waiting revision: its author and editors see it, readers do not.
    let pending = last_revision(&app);
    visitor.get(&format!("{article}/diff?to={pending}")).await.assert_status(404).assert_lacks("xylophone");
    visitor.get(&format!("{article}/revisions/{pending}")).await.assert_status(404).assert_lacks("xylophone");
    newcomer.get(&format!("{article}/revisions/{pending}")).await.assert_status(200).assert_contains("xylophone");
    newcomer.get(article).await.assert_contains("See your version").assert_lacks("xylophone");
    ed.get(&format!("{article}/diff?to={pending}")).await.assert_contains("<ins> Tip two: buy a xylophone.</ins>");

    // The moderators' queue tells its editors (an admin is both) what the magazine has waiting.
    let boss = app.user_browser("boss", plaza::accounts::Role::Admin).await;
    boss.get("/mod").await.assert_contains("The magazine waits for an editor: 1 edit · 0 contributions");
    // The review queue: only editors; accepting puts the edit before readers.
    newcomer.get("/magazine/review").await.assert_status(403);
    let queue = ed.get("/magazine/review").await;
    queue.assert_status(200).assert_contains("Tip two: buy a xylophone.").assert_contains("Tip one.");
    let rev = first_waiting(&queue.body);
    newcomer.post(&format!("/magazine/review/{rev}"), &[("decision", "accept"), ("note", "")]).await.assert_status(403);
    ed.post(&format!("/magazine/review/{rev}"), &[("decision", "accept"), ("note", "")])
        .await
        .assert_redirect("/magazine/review?msg=accepted");
    ed.post(&format!("/magazine/review/{rev}"), &[("decision", "accept"), ("note", "")])
        .await
        .assert_redirect("/magazine/review?msg=gone");
    visitor.get(article).await.assert_contains("xylophone");
    visitor.get("/search?q=xylophone").await.assert_contains("Readers");
    // A second edit waits too (one accepted edit is not yet trust), and is rejected with a note.
    let b = base(&newcomer.get(&edit).await.body);
    newcomer
        .post(
            &edit,
            &[
                ("title", "Readers' tips"),
                ("body", "All tips removed."),
                ("summary", "cleanup"),
                ("base", &b),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(303);
    visitor.get(article).await.assert_contains("xylophone");
    let queue = ed.get("/magazine/review").await;
    let rev = first_waiting(&queue.body);
    ed.post(&format!("/magazine/review/{rev}"), &[("decision", "reject"), ("note", "Please keep the tips.")])
        .await
        .assert_redirect("/magazine/review?msg=rejected");
    newcomer
        .get(&format!("{article}/history"))
        .await
        .assert_contains("Please keep the tips.")
        .assert_contains("not accepted");
    visitor.get(&format!("{article}/history")).await.assert_lacks("Please keep the tips.");
    visitor.get(article).await.assert_contains("xylophone").assert_lacks("All tips removed.");
    // The author heard of both reviews.
    newcomer
        .get("/notifications")
        .await
        .assert_contains("accepted your edit of “Readers&#39; tips”")
        .assert_contains("did not accept your edit of “Readers&#39; tips”")
        .assert_contains("Please keep the tips.");

    // Edit, then accept: the editor starts from the waiting edit; saving accepts it as changed.
    let b = base(&newcomer.get(&edit).await.body);
    newcomer
        .post(
            &edit,
            &[
                ("title", "Readers' tips"),
                ("body", "Tip one. Tip two: buy a xylophone. Tip three: tune it weekly!!!"),
                ("summary", "tip three"),
                ("base", &b),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(303);
    let waiting = last_revision(&app);
    carol_cannot_review(&app, &edit, &waiting).await;
    let form = ed.get(&format!("{edit}?review={waiting}")).await;
    form.assert_status(200).assert_contains("newcomer&#39;s waiting edit").assert_contains("tune it weekly!!!");
    assert_eq!(base(&form.body), b);
    ed.post(
        &edit,
        &[
            ("title", "Readers' tips"),
            ("body", "Tip one. Tip two: buy a xylophone. Tip three: tune it weekly."),
            ("summary", "tip three, tidied"),
            ("base", &b),
            ("accepts", &waiting),
            ("position", "1"),
            ("mode", "open"),
            ("writers", ""),
            ("section", ""),
            ("action", "save"),
        ],
    )
    .await
    .assert_redirect(article);
    visitor.get(article).await.assert_contains("tune it weekly.").assert_lacks("weekly!!!");
    ed.get("/magazine/review").await.assert_contains("No edit is waiting");
    boss.get("/mod").await.assert_lacks("The magazine waits for an editor");
    let history = ed.get(&format!("{article}/history")).await;
    history
        .assert_contains("tip three, tidied")
        .assert_lacks("waiting for review")
        .assert_contains("accepted with changes");
    // The member's own version never went live: readers cannot see it, its author can.
    visitor.get(&format!("{article}/revisions/{waiting}")).await.assert_status(404);
    visitor.get(&format!("{article}/diff?to={waiting}")).await.assert_status(404).assert_lacks("weekly!!!");
    visitor.get(&format!("{article}/history")).await.assert_lacks("tip three</td>");
    newcomer.get(&format!("{article}/revisions/{waiting}")).await.assert_status(200).assert_contains("weekly!!!");
    ed.get(&format!("{edit}?review={waiting}")).await.assert_status(404).assert_contains("no longer waiting");
    let told = newcomer.get("/notifications").await;
    assert_eq!(told.body.matches("accepted your edit of").count(), 2, "{}", told.body);
}

/// A member who is not an editor cannot start an edit-then-accept of someone's waiting edit.
async fn carol_cannot_review(app: &TestApp, edit: &str, waiting: &str) {
    let carol = app.user_browser("carol", Role::Member).await;
    let page = carol.get(&format!("{edit}?review={waiting}")).await;
    page.assert_lacks("waiting edit").assert_lacks("tune it weekly");
}

/// The id of the newest revision (of any article).
pub(crate) fn last_revision(app: &TestApp) -> String {
    use diesel::prelude::*;
    use plaza::db::schema::magazine_revisions;
    let id: i64 = magazine_revisions::table
        .select(magazine_revisions::id)
        .order(magazine_revisions::id.desc())
        .first(&mut app.conn())
        .expect("a revision");
    id.to_string()
}

/// A save of an article (with the settings an editor's form sends, which others' forms lack
/// and which are ignored from them).
async fn save(b: &Browser, article: &str, title: &str, body: &str, base_rev: &str) -> crate::helpers::Page {
    b.post(
        &format!("{article}/edit"),
        &[
            ("title", title),
            ("body", body),
            ("summary", ""),
            ("base", base_rev),
            ("section", ""),
            ("position", "1"),
            ("mode", "closed"),
            ("writers", "writer"),
            ("action", "save"),
        ],
    )
    .await
}

#[tokio::test]
async fn edits_from_one_revision_are_combined_and_diffs_show_words() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let writer = app.user_browser("writer", Role::Member).await;
    let text = "Paragraph one about gardens.\n\nParagraph two about robots.\n\n我们的技术支持团队很好。\n";
    let (_, articles) = make_issue(&ed, "5", "Five", &[("Notes", text, "writer")]).await;
    let article = &articles[0];
    let first = last_revision(&app);
    // Both start from the same revision and change different paragraphs: both changes are kept.
    let b0 = base(&writer.get(&format!("{article}/edit")).await.body);
    assert_eq!(b0, first);
    save(&writer, article, "Notes", &text.replace("gardens", "roses"), &b0).await.assert_redirect(article);
    let merged = save(&ed, article, "Notes", &text.replace("技术支持", "客户服务"), &b0).await;
    merged.assert_redirect(&format!("{article}?merged=1"));
    ed.get(&merged.location()).await.assert_contains("did not overlap");
    let page = writer.get(article).await;
    page.assert_contains("about roses").assert_contains("我们的客户服务团队很好");
    assert_eq!(app.count("magazine_revisions"), 3);

    // The latest change, word by word, Chinese cut into words.
    let diff = writer.get(&format!("{article}/diff")).await;
    diff.assert_status(200).assert_contains("<del>技术支持</del><ins>客户服务</ins>").assert_lacks("<del>gardens");
    diff.assert_contains("1 words added, 1 removed");
    // Any two revisions, inline and side by side.
    let whole = writer.get(&format!("{article}/diff?from={first}&to={}&view=side", last_revision(&app))).await;
    whole.assert_status(200).assert_contains("diff-side").assert_contains("<del>gardens</del>");
    whole.assert_contains("<ins>roses</ins>").assert_contains("<ins>客户服务</ins>");
    // From the empty page: everything is added.
    writer.get(&format!("{article}/diff?from=0&to={first}")).await.assert_contains("<ins>Paragraph one about gardens.");
    // A revision that does not exist, or belongs to another article: said so.
    for bad in ["diff?to=999999", "diff?from=999999", "diff?to=abc", "revisions/999999"] {
        let page = writer.get(&format!("{article}/{bad}")).await;
        page.assert_status(404);
        if bad.starts_with("diff") {
            page.assert_contains("no such revision");
        }
    }
    let (_, others) = make_issue(&ed, "6", "Six", &[("Other", "Another text.", "")]).await;
    writer.get(&format!("{}/diff?to={first}", others[0])).await.assert_status(404);
    // One revision as it was.
    writer
        .get(&format!("{article}/revisions/{first}"))
        .await
        .assert_status(200)
        .assert_contains("about gardens")
        .assert_contains("earlier revision");

    // Both change the same words: nothing saved yet; the editor's text is in the form, the other shown.
    let now = base(&writer.get(&format!("{article}/edit")).await.body);
    let current = ed.get(&format!("{article}/edit")).await;
    let body_now = "Paragraph one about roses.\n\nParagraph two about robots.\n\n我们的客户服务团队很好。\n";
    assert!(current.body.contains(body_now.trim_end()), "{}", current.body);
    save(&writer, article, "Notes", &body_now.replace("roses", "tulips"), &now).await.assert_status(303);
    let clash = save(&ed, article, "Notes", &body_now.replace("roses", "lilies"), &now).await;
    clash.assert_status(409).assert_contains("Passage 1").assert_contains("writer saved this article");
    clash.assert_contains("<del>tulips</del>").assert_contains("<ins>lilies</ins>");
    assert!(clash.body.contains("about lilies."), "the editor's text stays in the form");
    assert_eq!(app.count("magazine_revisions"), 5, "three here, one in issue 6, the writer's");
    // Saved from the combined form, it goes through.
    let settled = base(&clash.body);
    save(&ed, article, "Notes", &body_now.replace("roses", "lilies and tulips"), &settled).await.assert_status(303);
    writer.get(article).await.assert_contains("lilies and tulips");
}

#[tokio::test]
async fn a_revision_is_undone_and_editors_roll_back() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let writer = app.user_browser("writer", Role::Member).await;
    let (_, articles) = make_issue(&ed, "7", "Seven", &[("Steps", "Alpha.\n\nBravo.\n\nCharlie.", "writer")]).await;
    let article = &articles[0];
    let first = last_revision(&app);
    save(&writer, article, "Steps", "Alpha two.\n\nBravo.\n\nCharlie.", &first).await.assert_status(303);
    let second = last_revision(&app);
    save(&writer, article, "Steps", "Alpha two.\n\nBravo two.\n\nCharlie.", &second).await.assert_status(303);
    let third = last_revision(&app);
    // Undo the second revision: its change goes, the later one stays.
    let undo = writer.get(&format!("{article}/edit?undo={second}")).await;
    undo.assert_status(200).assert_contains("without revision").assert_contains("Alpha<del> two</del>.");
    assert!(undo.body.contains("Alpha.\n\nBravo two.\n\nCharlie."), "{}", undo.body);
    assert!(undo.body.contains(&format!("Undo revision {second} by writer")));
    assert_eq!(base(&undo.body), third);
    let summary = format!("Undo revision {second} by writer");
    writer
        .post(
            &format!("{article}/edit"),
            &[
                ("title", "Steps"),
                ("body", "Alpha.\n\nBravo two.\n\nCharlie."),
                ("summary", &summary),
                ("base", &third),
                ("action", "save"),
            ],
        )
        .await
        .assert_status(303);
    let fourth = last_revision(&app);
    writer.get(article).await.assert_contains("Alpha.").assert_contains("Bravo two.");
    // A later edit changed the same words: told, the text left as it is.
    save(&writer, article, "Steps", "Alpha.\n\nBravo three.\n\nCharlie.", &fourth).await.assert_status(303);
    let clash = writer.get(&format!("{article}/edit?undo={third}")).await;
    clash.assert_status(409).assert_contains("cannot be undone automatically");
    assert!(clash.body.contains("Bravo three."));
    // Nothing to undo any more, or no such revision.
    writer.get(&format!("{article}/edit?undo={second}")).await.assert_status(200).assert_contains("nothing to undo");
    writer.get(&format!("{article}/edit?undo=999999")).await.assert_status(404).assert_contains("no such revision");
    writer.get(&format!("{article}/edit?undo={first}")).await.assert_status(404);

    // Roll back: editors only, from the revision they looked at.
    let head = last_revision(&app);
    let rollback = format!("{article}/revisions/{first}/rollback");
    writer.post(&rollback, &[("base", &head)]).await.assert_status(403);
    let anonymous = app.new_browser().post(&rollback, &[("base", &head)]).await;
    assert!(!anonymous.status.is_success(), "{}", anonymous.status);
    ed.post(&rollback, &[("base", &second)]).await.assert_redirect(&format!("{article}/revisions/{first}?msg=changed"));
    assert_eq!(app.count("magazine_revisions"), 5);
    ed.get(&format!("{article}/revisions/{first}")).await.assert_contains("Make this the current text");
    ed.post(&rollback, &[("base", &head)]).await.assert_redirect(article);
    assert_eq!(app.count("magazine_revisions"), 6);
    writer.get(article).await.assert_contains("Alpha.").assert_contains("Bravo.").assert_lacks("three");
    ed.get(&format!("{article}/history"))
        .await
        .assert_contains(&format!("Back to revision {first} by editor"))
        .assert_contains(&format!("Undo revision {second} by writer"));
    // Rolling back to the text it has already: said so.
    let head = last_revision(&app);
    ed.post(&rollback, &[("base", &head)]).await.assert_redirect(&format!("{article}/revisions/{first}?msg=same"));
}

#[tokio::test]
async fn editors_arrange_sections_and_remove_articles() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let writer = app.user_browser("writer", Role::Member).await;
    // (make_issue adds a section "Features")
    let (issue, articles) =
        make_issue(&ed, "8", "Eight", &[("First piece", "One.", "writer"), ("Second piece", "Two.", "writer")]).await;
    ed.post("/magazine/8/sections", &[("title", "Letters")]).await.assert_status(303);
    // The editor's note previews before it is saved; nothing is saved by a preview.
    let preview = ed
        .post(
            "/magazine/8/edit",
            &[("title", "Eight"), ("theme", ""), ("note", "A **bold** note."), ("cover", ""), ("action", "preview")],
        )
        .await;
    preview.assert_status(200).assert_contains("<strong>bold</strong>").assert_contains("A **bold** note.");
    writer.get(&issue).await.assert_lacks("bold");
    let desk = ed.get("/magazine/8/edit").await;
    let ids: Vec<String> = desk
        .body
        .split(r#"action="/magazine/8/sections/"#)
        .skip(1)
        .filter_map(|r| r.split('"').next().map(str::to_string))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    let (features, letters) = (&ids[0], &ids[1]);
    // Put the first article in Features, then rename and reorder the sections.
    let b = base(&ed.get(&format!("{}/edit", articles[0])).await.body);
    ed.post(
        &format!("{}/edit", articles[0]),
        &[
            ("title", "First piece"),
            ("body", "One."),
            ("summary", ""),
            ("base", &b),
            ("section", features),
            ("position", "1"),
            ("mode", "closed"),
            ("writers", "writer"),
            ("action", "save"),
        ],
    )
    .await
    .assert_status(303);
    let sections = |id: &str| format!("/magazine/8/sections/{id}");
    ed.post(&sections(letters), &[("action", "rename"), ("title", "读者来信")]).await.assert_status(303);
    ed.post(&sections(letters), &[("action", "up"), ("title", "")]).await.assert_status(303);
    let toc = writer.get(&issue).await;
    toc.assert_contains("Features");
    let desk = ed.get("/magazine/8/edit").await;
    assert!(desk.body.find("读者来信") < desk.body.find(r#"value="Features""#), "Letters moved up");
    // Bad input: told on the desk, nothing changed.
    ed.post(&sections(letters), &[("action", "rename"), ("title", "  ")])
        .await
        .assert_status(422)
        .assert_contains("Please correct");
    ed.post(&sections(letters), &[("action", "explode"), ("title", "")]).await.assert_status(422);
    ed.post("/magazine/8/sections", &[("title", "")]).await.assert_status(422).assert_contains("Eight");
    ed.post(&sections("999999"), &[("action", "delete"), ("title", "")]).await.assert_status(404);
    writer.post(&sections(features), &[("action", "delete"), ("title", "")]).await.assert_status(403);
    // Deleting a section keeps its articles in the issue.
    ed.post(&sections(features), &[("action", "delete"), ("title", "")]).await.assert_status(303);
    writer.get(&issue).await.assert_contains("First piece").assert_lacks("Features");
    writer.get(&articles[0]).await.assert_status(200);
    // An editor removes an article; a writer may not.
    writer.post(&format!("{}/delete", articles[1]), &[]).await.assert_status(403);
    ed.post(&format!("{}/delete", articles[1]), &[]).await.assert_redirect("/magazine/8/edit?msg=article-deleted");
    writer.get(&articles[1]).await.assert_status(404);
    writer.get(&issue).await.assert_lacks("Second piece").assert_contains("First piece");
    // A schedule refused keeps the time typed; seconds are accepted.
    let refused = ed.post("/magazine/8/stage", &[("stage", "scheduled"), ("publish_at", "2001-02-03T04:05")]).await;
    refused.assert_status(422).assert_contains(r#"value="2001-02-03T04:05""#);
    ed.post("/magazine/8/stage", &[("stage", "scheduled"), ("publish_at", "2099-02-03T04:05:06")])
        .await
        .assert_status(303);
}

#[tokio::test]
async fn many_edits_of_different_lines_at_once_are_all_kept() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    app.user_browser("writer", Role::Member).await; // (named by the editors' saves)
    let text: String = (0..8).map(|i| format!("Line {i}.\n\n")).collect();
    let (_, articles) = make_issue(&ed, "9", "Nine", &[("Many hands", &text, "")]).await;
    let article = articles[0].clone();
    let first = last_revision(&app);
    let mut writers = Vec::new();
    for i in 0..6 {
        writers.push(app.user_browser(&format!("hand{i}"), editor_roles()).await);
    }
    let saves = writers.iter().enumerate().map(|(i, b)| {
        let (article, first, text) = (article.clone(), first.clone(), text.clone());
        async move {
            let mine = text.replace(&format!("Line {i}."), &format!("Line {i}, improved by hand {i}."));
            save(b, &article, "Many hands", &mine, &first).await.status.as_u16()
        }
    });
    let statuses = futures_util::future::join_all(saves).await;
    assert!(statuses.iter().all(|s| *s == 303), "{statuses:?}");
    // Every acknowledged edit is there once: one revision each, every line improved.
    assert_eq!(app.count("magazine_revisions"), 7);
    let page = ed.get(&article).await;
    let prose = page.body.split(r#"<div class="prose">"#).nth(1).and_then(|r| r.split("</div>").next()).unwrap_or("");
    for i in 0..6 {
        assert_eq!(prose.matches(&format!("improved by hand {i}.")).count(), 1, "hand {i}: {prose}");
    }
    assert!(prose.contains("Line 6.") && prose.contains("Line 7."), "{prose}");
}
