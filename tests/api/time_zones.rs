//! Dates in the reader's time zone: the site's (`PLAZA_TIME_ZONE`) or the member's own. Feeds keep
//! UTC; search dates are days in the reader's zone.

use chrono::TimeZone;
use plaza::accounts::Role;

use crate::helpers::{publish, spawn_with};

/// 25 hours apart: a moment never falls on the same date in both.
const EAST: &str = "Pacific/Kiritimati";
const WEST: &str = "Pacific/Pago_Pago";

fn date_in(zone: &str, at: chrono::NaiveDateTime) -> (String, String) {
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    let local = tz.from_utc_datetime(&at);
    (local.format("%-d %b %Y").to_string(), local.format("%Y-%m-%d").to_string())
}

#[tokio::test]
async fn pages_show_dates_in_the_readers_zone_and_search_days_are_theirs() {
    let app = spawn_with(|s| s.time_zone = EAST.parse().unwrap()).await;
    let alice = app.user_browser("alice", Role::Employee).await;
    let path = publish(&alice, "alice", "Zoned announcement", "Released today", "").await;
    let published = app.number("SELECT COUNT(*) AS n FROM contents WHERE title = 'Zoned announcement'");
    assert_eq!(published, 1);
    let at: chrono::NaiveDateTime = {
        use diesel::prelude::*;
        use plaza::db::schema::contents;
        let mut conn = app.conn();
        contents::table
            .filter(contents::title.eq("Zoned announcement"))
            .select(contents::published_at)
            .first::<Option<chrono::NaiveDateTime>>(&mut conn)
            .unwrap()
            .unwrap()
    };
    let (east_day, east_iso) = date_in(EAST, at);
    let (west_day, west_iso) = date_in(WEST, at);
    assert_ne!(east_day, west_day);

    // A visitor reads in the site's zone, with the offset in the machine-readable date.
    let page = app.get(&path).await;
    page.assert_contains(&east_day).assert_contains("+14:00\"");
    // A member who chose another zone reads in theirs.
    let bob = app.user_browser("bob", Role::Member).await;
    let saved =
        bob.post("/settings", &[("display_name", "Bob"), ("bio", ""), ("locale", ""), ("time_zone", WEST)]).await;
    saved.assert_status(303);
    bob.get(&path).await.assert_contains(&west_day).assert_contains("-11:00\"").assert_lacks(&east_day);
    bob.get("/settings").await.assert_contains(&format!("<option value=\"{WEST}\" selected>"));
    // Feeds keep UTC.
    let feed = app.get("/feed.atom").await;
    let utc = at.and_utc().format("%Y-%m-%dT%H:%M:%S").to_string();
    assert!(feed.body.contains(&utc), "feed dates are UTC: {utc}\n{}", feed.body);

    // Search dates are days in the reader's zone.
    let in_east = format!("/search?q=zoned&from={east_iso}&to={east_iso}");
    app.settle().await;
    app.get(&in_east).await.assert_contains("/blogs/alice/zoned-announcement");
    bob.get(&in_east).await.assert_lacks("/blogs/alice/zoned-announcement");
    bob.get(&format!("/search?q=zoned&from={west_iso}&to={west_iso}"))
        .await
        .assert_contains("/blogs/alice/zoned-announcement");

    // A zone that does not exist is refused, the rest of the form kept.
    let bad = bob
        .post("/settings", &[("display_name", "Bob Kept"), ("bio", ""), ("locale", ""), ("time_zone", "Mars/Base")])
        .await;
    bad.assert_status(422).assert_contains("Choose a time zone from the list.").assert_contains("Bob Kept");
}
