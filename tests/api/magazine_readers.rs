//! Readers take part in the magazine: contribution areas (entries an editor accepts, returns or
//! declines), polls and questions, reactions, and the figures editors read.

use plaza::accounts::Role;

use crate::helpers::{Browser, TestApp, spawn};
use crate::magazine::{editor_roles, make_issue};
use crate::media::{mp3, png, upload_one};

fn article_id(app: &TestApp, slug_start: &str) -> String {
    app.number(&format!("SELECT content_id AS n FROM magazine_articles WHERE slug LIKE '{slug_start}%'")).to_string()
}

fn newest_entry(app: &TestApp) -> String {
    app.number("SELECT MAX(content_id) AS n FROM magazine_entries").to_string()
}

async fn open_area(ed: &Browser, host: &str, title: &str, accepts: &[&str], deadline: &str) -> String {
    let mut fields = vec![
        ("host", host),
        ("title", title),
        ("prompt", "Show us **spring** where you live."),
        ("deadline", deadline),
    ];
    for a in accepts {
        fields.push((a, "1"));
    }
    let page = ed.post("/magazine/areas/new", &fields).await;
    assert_eq!(page.status.as_u16(), 303, "{}", page.body);
    page.location()
}

async fn send_entry(
    b: &Browser,
    area: &str,
    title: &str,
    body: &str,
    files: &[(&str, &str, Vec<u8>, &str)],
) -> crate::helpers::Page {
    b.upload(&format!("{area}/entries"), &[("title", title), ("body", body), ("entry", "")], files, &[]).await
}

async fn decide(
    ed: &Browser,
    entry: &str,
    decision: &str,
    seen: &str,
    caption: &str,
    note: &str,
) -> crate::helpers::Page {
    ed.post(
        &format!("/magazine/entries/{entry}"),
        &[("decision", decision), ("seen", seen), ("caption", caption), ("position", "1"), ("note", note)],
    )
    .await
}

#[tokio::test]
async fn entries_wait_for_an_editor_who_accepts_returns_or_declines_them() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let writer = app.user_browser("writer", Role::Member).await;
    let carol = app.user_browser("carol", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let visitor = app.new_browser();
    let (_, articles) =
        make_issue(&ed, "1", "Spring issue", &[("Spring photos", "The season in pictures.", "writer")]).await;
    let id = article_id(&app, "spring");
    // Only editors open areas.
    carol.post("/magazine/areas/new", &[("host", &id), ("title", "Mine")]).await.assert_status(403);
    let page = ed.post("/magazine/areas/new", &[("host", &id), ("title", " "), ("prompt", "Kept prompt")]).await;
    page.assert_status(422).assert_contains("Kept prompt");
    let area = open_area(&ed, &id, "Your photos of spring", &["accept_image"], "").await;

    // A draft issue's area: its writers only.
    carol.get(&area).await.assert_status(404);
    send_entry(&carol, &area, "Too early", "Mine", &[]).await.assert_status(404);
    visitor.get(&area).await.assert_status(404);
    writer.get(&area).await.assert_status(200).assert_contains(&format!(r#"action="{area}/entries""#));

    ed.post("/magazine/1/stage", &[("stage", "published"), ("publish_at", "")]).await.assert_status(303);
    app.settle().await;
    visitor
        .get(&articles[0])
        .await
        .assert_contains("Your photos of spring")
        .assert_contains("<strong>spring</strong>")
        .assert_contains(&format!(r##"href="{area}#send""##));
    visitor.get(&area).await.assert_status(200).assert_contains("Log in to send an entry");

    // Carol's picture waits; nobody else sees it. (Attached without scripts, the file lands
    // in her text first, for her to describe.)
    let page = send_entry(
        &carol,
        &area,
        "Blossom hunt",
        "Cherry trees.",
        &[("files", "tree.png", png(300, 200), "image/png")],
    )
    .await;
    page.assert_status(200).assert_contains("Files attached below your text").assert_contains("Cherry trees.");
    let tree = upload_one(&carol, "tree.png", png(300, 200), "image/png").await;
    let body = format!("Cherry trees by the river.\n\n![A cherry tree](/media/{tree})");
    send_entry(&carol, &area, "Blossom hunt", &body, &[]).await.assert_status(303);
    let carols = newest_entry(&app);
    carol.get(&area).await.assert_contains("Blossom hunt").assert_contains("Waiting for an editor");
    app.settle().await;
    for b in [&visitor, &bob] {
        b.get(&area).await.assert_lacks("Blossom hunt");
        b.get(&articles[0]).await.assert_lacks("Cherry trees");
        b.get("/search?q=blossom").await.assert_lacks("</mark> hunt");
    }
    // Sound is not what this area asked for: refused, the text kept.
    let birds = upload_one(&bob, "birds.mp3", mp3(), "audio/mpeg").await;
    let body = format!("Listen to the birds.\n\n![birds](/media/{birds})");
    let page = send_entry(&bob, &area, "Birdsong", &body, &[]).await;
    page.assert_status(422).assert_contains("does not take that kind of file").assert_contains("Listen to the birds.");

    // The editor's queue and decision.
    ed.get("/magazine/review").await.assert_contains("Contributions waiting").assert_contains("Your photos of spring");
    ed.get(&area).await.assert_contains("1 entry waiting for an editor").assert_contains("Cherry trees by the river.");
    decide(&carol, &carols, "accept", "pending", "", "").await.assert_status(403);
    decide(&ed, &carols, "accept", "pending", "Blossom at dawn", "")
        .await
        .assert_redirect(&format!("{area}?msg=decided#d{carols}"));
    app.settle().await;
    let page = visitor.get(&articles[0]).await;
    page.assert_contains("Blossom at dawn").assert_contains(r#"href="/u/carol""#).assert_contains("<img");
    visitor.get("/search?q=blossom").await.assert_contains("</mark> hunt").assert_contains(&format!("#e{carols}"));
    visitor.get("/u/carol").await.assert_contains("In the magazine").assert_contains("Blossom hunt");
    carol
        .get("/notifications")
        .await
        .assert_contains("accepted your contribution")
        .assert_contains("Blossom hunt")
        .assert_contains(&format!("#e{carols}"));
    // A moderator hides it: it leaves the article, the area and search.
    let admin = app.user_browser("modern", Role::Admin).await;
    admin.post(&format!("/content/{carols}/hide"), &[("hidden", "1")]).await.assert_status(303);
    app.settle().await;
    visitor.get(&articles[0]).await.assert_lacks("Blossom at dawn");
    visitor.get(&area).await.assert_lacks("Blossom at dawn");
    admin.post(&format!("/content/{carols}/hide"), &[("hidden", "0")]).await.assert_status(303);
    app.settle().await;
    // Deciding on what someone decided meanwhile changes nothing.
    decide(&ed, &carols, "decline", "pending", "", "").await.assert_redirect(&format!("{area}?msg=stale#d{carols}"));
    visitor.get(&articles[0]).await.assert_contains("Blossom at dawn");

    // Bob's entry comes back with a note, is changed, then declined.
    send_entry(&bob, &area, "Birdsong", "Birds at six.", &[]).await.assert_status(303);
    let bobs = newest_entry(&app);
    decide(&ed, &bobs, "return", "pending", "", "").await.assert_redirect(&format!("{area}?msg=note-needed#d{bobs}"));
    ed.get(&format!("{area}?msg=note-needed")).await.assert_contains("Say in the note what the author should change");
    decide(&ed, &bobs, "return", "pending", "", "Add a photo of the birds.").await.assert_status(303);
    bob.get("/notifications")
        .await
        .assert_contains("returned your contribution")
        .assert_contains("Add a photo of the birds.");
    bob.get(&area).await.assert_contains("Returned to you").assert_contains("Add a photo of the birds.");
    bob.get(&articles[0]).await.assert_contains(&format!("{area}?change={bobs}#send"));
    // An editor who read the returned version cannot accept the one sent meanwhile unread.
    let seen = app.number(&format!("SELECT content_id AS n FROM magazine_entries WHERE content_id = {bobs}"));
    assert_eq!(seen.to_string(), bobs);
    let page = ed.get(&area).await;
    let at = page
        .body
        .split(&format!(r#"action="/magazine/entries/{bobs}""#))
        .nth(1)
        .and_then(|r| r.split(r#"name="at" value=""#).nth(1))
        .and_then(|r| r.split('"').next())
        .unwrap_or("")
        .to_string();
    assert!(!at.is_empty(), "the decision form carries the version read");
    bob.get(&format!("{area}?change={bobs}")).await.assert_contains("Birds at six.").assert_contains("Send again");
    carol.get(&format!("{area}?change={bobs}")).await.assert_lacks("Birds at six.");
    let page = bob
        .upload(
            &format!("{area}/entries"),
            &[("title", "Birdsong"), ("body", "Birds at six, with a robin."), ("entry", &bobs)],
            &[],
            &[],
        )
        .await;
    page.assert_status(303);
    let stale = ed
        .post(
            &format!("/magazine/entries/{bobs}"),
            &[
                ("decision", "accept"),
                ("seen", "pending"),
                ("at", &at),
                ("caption", ""),
                ("position", "1"),
                ("note", ""),
            ],
        )
        .await;
    stale.assert_redirect(&format!("{area}?msg=stale#d{bobs}"));
    visitor.get(&articles[0]).await.assert_lacks("with a robin");
    ed.get(&area).await.assert_contains("with a robin").assert_lacks("Add a photo of the birds.");
    carol
        .upload(&format!("{area}/entries"), &[("title", "Mine now"), ("body", "x"), ("entry", &bobs)], &[], &[])
        .await
        .assert_status(404);
    decide(&ed, &bobs, "decline", "pending", "", "Not this time.").await.assert_status(303);
    bob.get("/notifications").await.assert_contains("declined your contribution");
    app.settle().await;
    for b in [&visitor, &carol] {
        b.get(&area).await.assert_lacks("robin");
        b.get(&articles[0]).await.assert_lacks("robin");
        b.get("/search?q=robin").await.assert_lacks("Birdsong").assert_lacks("</mark>");
    }
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM magazine_entries WHERE state = 'accepted'"), 1);

    // After the deadline: refused with a message, the text kept; accepted entries stay.
    let page = ed
        .post(
            &format!("{area}/edit"),
            &[
                ("title", "Your photos of spring"),
                ("prompt", "Closed now."),
                ("accept_image", "1"),
                ("deadline", "2020-01-01T10:00"),
            ],
        )
        .await;
    page.assert_status(303);
    let page = send_entry(&carol, &area, "Late bloom", "A late tulip.", &[]).await;
    page.assert_status(422).assert_contains("closed at its deadline").assert_contains("A late tulip.");
    visitor.get(&articles[0]).await.assert_contains("Blossom at dawn").assert_contains("Closed on");
    ed.post(&format!("{area}/edit"), &[("title", "Your photos of spring"), ("deadline", "soon")])
        .await
        .assert_status(422)
        .assert_contains("date and time");
    // An entry still waiting when its article is removed leaves the review queue with it.
    send_entry(&bob, &area, "Very late", "x", &[]).await.assert_status(422);
    ed.post(&format!("{area}/edit"), &[("title", "Your photos of spring"), ("deadline", "")]).await.assert_status(303);
    send_entry(&bob, &area, "Waiting", "Still waiting.", &[]).await.assert_status(303);
    ed.get("/magazine/review").await.assert_contains("Your photos of spring");
    ed.post(&format!("{}/delete", articles[0]), &[]).await.assert_status(303);
    ed.get("/magazine/review").await.assert_lacks("Your photos of spring");
    ed.get(&area).await.assert_status(404);
}

#[tokio::test]
async fn polls_questions_and_reactions_are_counted_once_per_member() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let carol = app.user_browser("carol", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let visitor = app.new_browser();
    let (_, articles) = make_issue(&ed, "1", "Spring issue", &[("Plans", "What comes next.", "editor")]).await;
    let article = &articles[0];
    ed.post("/magazine/1/stage", &[("stage", "published"), ("publish_at", "")]).await.assert_status(303);
    let polls = format!("{article}/polls");
    carol.post(&polls, &[("kind", "poll"), ("question", "Q?"), ("options", "a\nb")]).await.assert_status(403);
    let page = ed.post(&polls, &[("kind", "poll"), ("question", "Best feature?"), ("options", "Only one")]).await;
    page.assert_status(422).assert_contains("2 to 12 different choices").assert_contains("Best feature?");
    page.assert_contains(r#"id="options-error""#);
    ed.post(&polls, &[("kind", "poll"), ("question", "Best feature?"), ("options", "Speed\nPri\u{7}ce\n\nSpeed")])
        .await
        .assert_status(303);
    ed.post(&polls, &[("kind", "question"), ("question", "What should we write about?"), ("options", "")])
        .await
        .assert_status(303);
    let poll = app.number("SELECT MIN(id) AS n FROM magazine_polls").to_string();
    let question = app.number("SELECT MAX(id) AS n FROM magazine_polls").to_string();
    let speed = app.number("SELECT MIN(id) AS n FROM magazine_poll_options").to_string();
    assert_eq!(app.count("magazine_poll_options"), 2, "a repeated choice is kept once");
    ed.get(article).await.assert_contains(">Price<");

    visitor
        .get(article)
        .await
        .assert_contains("Best feature?")
        .assert_contains("Log in to vote")
        .assert_lacks("0 votes");
    bob.get(article).await.assert_contains(&format!(r#"action="/magazine/polls/{poll}/vote""#)).assert_lacks("% ·");
    carol.post(&format!("/magazine/polls/{poll}/vote"), &[("option", &speed)]).await.assert_status(303);
    carol.get(article).await.assert_contains("1 vote").assert_contains("100% · 1").assert_contains("your vote");
    let again = carol.post(&format!("/magazine/polls/{poll}/vote"), &[("option", &speed)]).await;
    carol.get(&again.location()).await.assert_contains("voted in this poll already");
    let none = bob.post(&format!("/magazine/polls/{poll}/vote"), &[("option", "")]).await;
    bob.get(&none.location()).await.assert_contains("Choose one of the answers first");
    // Another poll's choice is not one of this poll's.
    bob.post(&format!("/magazine/polls/{question}/vote"), &[("option", &speed)]).await.assert_status(404);
    assert_eq!(app.count("magazine_votes"), 1);

    // Answers: kept on a problem, read by editors only.
    let answer = format!("/magazine/polls/{question}/answer");
    carol.post(&answer, &[("body", "  ")]).await.assert_status(422).assert_contains("Write an answer first");
    let long = "长".repeat(4001);
    carol.post(&answer, &[("body", &long)]).await.assert_status(422).assert_contains(&long);
    carol.post(&answer, &[("body", "More about 春天 gardens")]).await.assert_status(303);
    carol.post(&answer, &[("body", "More about 春天 gardens, please")]).await.assert_status(303);
    carol.get(article).await.assert_contains("More about 春天 gardens, please").assert_contains("Change my answer");
    app.settle().await;
    for b in [&visitor, &bob] {
        b.get(article).await.assert_lacks("春天 gardens");
        b.get("/search?q=gardens").await.assert_lacks("春天 gardens");
    }
    let stats = ed.get(&format!("{article}/stats")).await;
    stats.assert_status(200).assert_contains("More about 春天 gardens, please").assert_contains("1 answer");
    stats.assert_contains("100% · 1");
    bob.get(&format!("{article}/stats")).await.assert_status(403);

    // Reactions: one of each per member; the author cannot react to their own.
    let react = app.number("SELECT content_id AS n FROM magazine_articles").to_string();
    let react = format!("/reactions/{react}");
    carol.post(&react, &[("reaction", "applause"), ("value", "1")]).await.assert_status(303);
    carol.post(&react, &[("reaction", "applause"), ("value", "1")]).await.assert_status(303);
    bob.post(&react, &[("reaction", "applause"), ("value", "1")]).await.assert_status(303);
    bob.post(&react, &[("reaction", "insightful"), ("value", "1")]).await.assert_status(303);
    carol.post(&react, &[("reaction", "shrug"), ("value", "1")]).await.assert_status(400);
    ed.post(&react, &[("reaction", "love"), ("value", "1")]).await.assert_status(400);
    assert_eq!(app.count("content_reactions"), 3);
    bob.post(&react, &[("reaction", "insightful"), ("value", "0")]).await.assert_status(303);
    assert_eq!(app.count("content_reactions"), 2);
    visitor.get(article).await.assert_contains("Applause</span> 2");
    ed.get(&format!("{article}/stats")).await.assert_contains("Applause</dt><dd>2</dd>");

    // Closed: no more votes or answers; everyone sees the results.
    ed.post(&format!("/magazine/polls/{poll}/close"), &[("value", "1")]).await.assert_status(303);
    let late = bob.post(&format!("/magazine/polls/{poll}/vote"), &[("option", &speed)]).await;
    bob.get(&late.location()).await.assert_contains("This poll is closed");
    visitor.get(article).await.assert_contains("100% · 1");
    assert_eq!(app.count("magazine_votes"), 1);
    // An answer sent to a question closed meanwhile is shown back to be copied.
    ed.post(&format!("/magazine/polls/{question}/close"), &[("value", "1")]).await.assert_status(303);
    bob.post(&answer, &[("body", "Too late, 但是 kept")])
        .await
        .assert_status(422)
        .assert_contains("Too late, 但是 kept");
}

#[tokio::test]
async fn many_members_at_once_each_count_once() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let (_, articles) = make_issue(&ed, "1", "Busy issue", &[("Busy", "Everyone at once.", "editor")]).await;
    ed.post("/magazine/1/stage", &[("stage", "published"), ("publish_at", "")]).await.assert_status(303);
    let id = article_id(&app, "busy");
    let area = open_area(&ed, &id, "Say hello", &[], "").await;
    ed.post(
        &format!("{}/polls", articles[0]),
        &[("kind", "poll"), ("question", "Tea or coffee?"), ("options", "Tea\nCoffee")],
    )
    .await
    .assert_status(303);
    let poll = app.number("SELECT MIN(id) AS n FROM magazine_polls").to_string();
    let tea = app.number("SELECT MIN(id) AS n FROM magazine_poll_options").to_string();
    let mut members = Vec::new();
    for i in 0..8 {
        members.push(app.user_browser(&format!("member{i}"), Role::Member).await);
    }
    let react = format!("/reactions/{id}");
    let work = members.iter().enumerate().map(|(i, m)| {
        let (area, poll, tea, react) = (area.clone(), poll.clone(), tea.clone(), react.clone());
        async move {
            let vote = format!("/magazine/polls/{poll}/vote");
            let (choice, love) = ([("option", tea.as_str())], [("reaction", "love"), ("value", "1")]);
            let title = format!("Hello {i}");
            let (a, b, c, d) = tokio::join!(
                m.post(&vote, &choice),
                m.post(&vote, &choice),
                m.post(&react, &love),
                send_entry(m, &area, &title, "Hi!", &[]),
            );
            [a.status.as_u16(), b.status.as_u16(), c.status.as_u16(), d.status.as_u16()]
        }
    });
    for statuses in futures_util::future::join_all(work).await {
        assert_eq!(statuses, [303; 4]);
    }
    assert_eq!(app.count("magazine_votes"), 8, "one vote per member");
    assert_eq!(app.count("content_reactions"), 8);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM magazine_entries WHERE state = 'pending'"), 8);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM contents WHERE kind = 'contribution'"), 8);
    ed.get(&articles[0]).await.assert_contains("8 votes").assert_contains("Love it</span> 8");
    ed.get(&area).await.assert_contains("8 entries waiting for an editor");
}

#[tokio::test]
async fn a_call_collects_entries_judges_score_them_and_winners_are_announced() {
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let judy = app.user_browser("judy", Role::Member).await;
    let carol = app.user_browser("carol", Role::Member).await;
    let bob = app.user_browser("bob", Role::Member).await;
    let visitor = app.new_browser();
    let call_fields = |judges: &'static str| {
        vec![
            ("title", "Spring photo contest"),
            ("theme", "Spring at work: your office, your team."),
            ("rules", "One picture each. No **AI** pictures."),
            ("prizes", "A camera"),
            ("judges", judges),
            ("accept_image", "1"),
            ("deadline", ""),
        ]
    };
    carol.post("/magazine/calls/new", &call_fields("judy")).await.assert_status(403);
    let page = ed.post("/magazine/calls/new", &call_fields("judy, nobody")).await;
    page.assert_status(422).assert_contains("not a member here").assert_contains("Spring at work");
    let page = ed.post("/magazine/calls/new", &call_fields("@judy")).await;
    assert_eq!(page.status.as_u16(), 303, "{}", page.body);
    let call = page.location();
    visitor.get("/magazine/calls").await.assert_contains("Open now").assert_contains("Spring photo contest");
    visitor
        .get(&call)
        .await
        .assert_status(200)
        .assert_contains("A camera")
        .assert_contains("<strong>AI</strong>")
        .assert_contains(r#"href="/u/judy""#)
        .assert_lacks("Score sheet");
    app.settle().await;
    visitor.get("/search?q=contest").await.assert_contains(&format!(r#"href="{call}""#));
    let area = app.number("SELECT area_id AS n FROM magazine_calls").to_string();
    let area = format!("/magazine/areas/{area}");
    judy.get(&call).await.assert_contains("Score sheet");

    // Who judges does not enter.
    send_entry(&judy, &area, "Mine", "My own.", &[]).await.assert_status(422).assert_contains("you cannot enter it");
    // Entries come in and are accepted like any area's.
    send_entry(&carol, &area, "Sunny desk", "Morning light on my desk.", &[]).await.assert_status(303);
    let carols = newest_entry(&app);
    send_entry(&bob, &area, "Team lunch", "Everyone outside.", &[]).await.assert_status(303);
    let bobs = newest_entry(&app);
    for e in [&carols, &bobs] {
        decide(&ed, e, "accept", "pending", "", "").await.assert_status(303);
    }
    app.settle().await;
    visitor.get(&call).await.assert_contains("Morning light on my desk.").assert_contains("Everyone outside.");
    bob.post(&format!("/likes/{carols}"), &[("value", "1"), ("back", &call)]).await.assert_redirect(&call);
    carol.post(&format!("/likes/{carols}"), &[("value", "1"), ("back", &call)]).await.assert_status(400);
    visitor.get(&call).await.assert_contains("1 like");

    // Judges score on the sheet; others may not.
    let judging = format!("{call}/judging");
    carol.get(&judging).await.assert_status(403);
    carol
        .post(&format!("{call}/scores"), &[("entry", &carols), ("score", "10"), ("note", "")])
        .await
        .assert_status(403);
    let page =
        judy.post(&format!("{call}/scores"), &[("entry", &carols), ("score", "11"), ("note", "Lovely light")]).await;
    page.assert_status(422).assert_contains("from 1 to 10").assert_contains("Lovely light");
    judy.post(&format!("{call}/scores"), &[("entry", &carols), ("score", "9"), ("note", "Lovely light")])
        .await
        .assert_status(303);
    judy.post(&format!("{call}/scores"), &[("entry", &bobs), ("score", "6"), ("note", "")]).await.assert_status(303);
    ed.post(&format!("{call}/scores"), &[("entry", &bobs), ("score", "７"), ("note", "")]).await.assert_status(303);
    let sheet = judy.get(&judging).await;
    sheet.assert_status(200).assert_contains("mean 9.0").assert_contains("mean 6.5").assert_contains("Lovely light");
    assert!(sheet.body.find("Sunny desk") < sheet.body.find("Team lunch"), "ranked by mean score");
    assert_eq!(app.count("magazine_scores"), 3);

    // Awards show once announced: on the call, in the featured issue, on the winner's profile.
    judy.post(&format!("{call}/awards"), &[("entry", &carols), ("award", "First prize")]).await.assert_status(403);
    ed.post(&format!("{call}/awards"), &[("entry", &carols), ("award", "First prize")]).await.assert_status(303);
    visitor.get(&call).await.assert_lacks("First prize");
    make_issue(&ed, "1", "Spring issue", &[("Spring", "Hello.", "editor")]).await;
    ed.post("/magazine/1/stage", &[("stage", "published"), ("publish_at", "")]).await.assert_status(303);
    ed.post(&format!("{call}/announce"), &[("issue", "99"), ("value", "1")]).await.assert_status(400);
    ed.post(&format!("{call}/announce"), &[("issue", "1"), ("value", "1")]).await.assert_redirect(&call);
    app.settle().await;
    visitor.get(&call).await.assert_contains(r#"id="h-winners""#).assert_contains("First prize");
    visitor
        .get("/magazine/1")
        .await
        .assert_contains("Winners of “Spring photo contest”")
        .assert_contains("Morning light");
    visitor.get("/u/carol").await.assert_contains("First prize").assert_contains("Spring photo contest");
    visitor.get("/u/bob").await.assert_lacks("First prize");
    carol.get("/notifications").await.assert_contains("won an award").assert_contains("First prize");
    visitor.get("/magazine/calls").await.assert_contains("winners announced");
    visitor.get(&call).await.assert_contains(r#"href="/magazine/1""#);
    // Announced: no more entries or scores; taken back and made again, winners are told once.
    send_entry(&bob, &area, "Too late", "After the winners.", &[])
        .await
        .assert_status(422)
        .assert_contains("After the winners.");
    let page = judy.post(&format!("{call}/scores"), &[("entry", &bobs), ("score", "10"), ("note", "")]).await;
    page.assert_status(422).assert_contains("scores no longer change");
    ed.post(&format!("{call}/announce"), &[("issue", ""), ("value", "0")]).await.assert_status(303);
    ed.post(&format!("{call}/announce"), &[("issue", "1"), ("value", "1")]).await.assert_status(303);
    assert_eq!(app.number("SELECT COUNT(*) AS n FROM notifications WHERE kind = 'entry_awarded'"), 1);
    assert_eq!(app.count("magazine_scores"), 3);
}

#[tokio::test]
async fn a_long_history_comes_in_pages() {
    use diesel::prelude::*;
    let app = spawn().await;
    let ed = app.user_browser("editor", editor_roles()).await;
    let (_, articles) = make_issue(&ed, "1", "Long issue", &[("Long story", "Version 0.", "editor")]).await;
    let id = article_id(&app, "long");
    let author = app.number("SELECT id AS n FROM users WHERE username = 'editor'");
    let mut conn = app.conn();
    for i in 1..=130 {
        diesel::sql_query(format!(
            "INSERT INTO magazine_revisions (article_id, author_id, title, body_md, summary, size_delta, state, created_at) \
             VALUES ({id}, {author}, 'Long story', 'Version {i}.', 'save number {i}', 1, 'approved', CURRENT_TIMESTAMP)"
        ))
        .execute(&mut conn)
        .expect("revision");
    }
    drop(conn);
    let history = format!("{}/history", articles[0]);
    let first = ed.get(&history).await;
    first.assert_contains(">save number 130<").assert_lacks(">save number 30<").assert_contains("Older revisions");
    let older =
        first.body.split(r#"history?before="#).nth(1).and_then(|r| r.split('"').next()).unwrap_or("").to_string();
    let second = ed.get(&format!("{history}?before={older}")).await;
    second.assert_contains(">save number 30<").assert_contains("Newest revisions").assert_lacks(">save number 130<");
    ed.get(&format!("{history}?before=x")).await.assert_status(200).assert_contains(">save number 130<");
}
