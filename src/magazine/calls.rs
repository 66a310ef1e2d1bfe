//! Calls for contributions and contests: the model and its SQL.
//!
//! A call is a content row (kind `magazine_call`: its title, the rules as its text), public from
//! the moment an editor opens it, with its own contribution area (the theme is the area's
//! prompt; the deadline and accepted media are the area's). Entries come in and are accepted the
//! way every area's are; members like the accepted ones; judges (staff or named members) score
//! them on a sheet; editors give awards and announce the winners, which the call's page shows,
//! the issue they choose features, and the winners' profiles credit with a badge.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::PLACE;
use super::contributions::{self as c, AreaInput};
use crate::accounts::AuthorView;
use crate::content::{self, Body, NewContent, Placement};
use crate::db::schema::{contents, magazine_calls, magazine_entries, magazine_judges, magazine_scores, users};
use crate::db::{DbConn, Tx};
use crate::policy::{Guard, PUBLIC_AUDIENCE};

pub const KIND_CALL: &str = "magazine_call";
pub const PRIZES_MAX: usize = 4000;
pub const AWARD_MAX: usize = 100;
pub const SCORE_NOTE_MAX: usize = 2000;
/// Judges a call may have.
pub const JUDGES_MAX: usize = 20;

#[derive(Clone, Debug)]
pub struct Call {
    pub id: i64,
    pub title: String,
    pub rules_md: String,
    pub rules_html: String,
    pub area_id: i64,
    pub prizes: String,
    pub featured_issue_id: Option<i64>,
    pub announced_at: Option<NaiveDateTime>,
    pub live: bool,
    pub created_at: NaiveDateTime,
}

impl Call {
    pub fn path(&self) -> String {
        call_path(self.id)
    }

    pub fn announced(&self) -> bool {
        self.announced_at.is_some()
    }

    pub fn rules(&self) -> crate::content::SafeHtml {
        crate::content::SafeHtml::from_stored(self.rules_html.clone())
    }
}

pub fn call_path(id: i64) -> String {
    format!("/magazine/calls/{id}")
}

type CallRow = (i64, String, String, String, i64, String, Option<i64>, Option<NaiveDateTime>, bool, NaiveDateTime);

fn call_of(r: CallRow) -> Call {
    Call {
        id: r.0,
        title: r.1,
        rules_md: r.2,
        rules_html: r.3,
        area_id: r.4,
        prizes: r.5,
        featured_issue_id: r.6,
        announced_at: r.7,
        live: r.8,
        created_at: r.9,
    }
}

/// Calls by id, or (with a guard) the ones the viewer may read, as the policy's list filter says.
fn load(
    conn: &mut DbConn,
    guard: Option<&Guard>,
    ids: Option<&[i64]>,
    featured_in: Option<i64>,
) -> QueryResult<Vec<Call>> {
    let mut q = magazine_calls::table
        .inner_join(contents::table.on(contents::id.eq(magazine_calls::content_id)))
        .filter(contents::deleted_at.is_null())
        .into_boxed();
    if let Some(guard) = guard {
        q = q.filter(guard.content_filter());
    }
    if let Some(ids) = ids {
        q = q.filter(magazine_calls::content_id.eq_any(ids.to_vec()));
    }
    if let Some(issue) = featured_in {
        q = q.filter(magazine_calls::featured_issue_id.eq(issue)).filter(magazine_calls::announced_at.is_not_null());
    }
    let rows: Vec<CallRow> = q
        .order(magazine_calls::content_id.desc())
        .select((
            magazine_calls::content_id,
            contents::title,
            contents::body_md,
            contents::body_html,
            magazine_calls::area_id,
            magazine_calls::prizes,
            magazine_calls::featured_issue_id,
            magazine_calls::announced_at,
            contents::live,
            contents::created_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(call_of).collect())
}

/// One call (the caller asks the policy whether the viewer may read it).
pub fn call(conn: &mut DbConn, id: i64) -> QueryResult<Option<Call>> {
    Ok(load(conn, None, Some(&[id]), None)?.pop())
}

/// Every call the viewer may read, newest first.
pub fn all(conn: &mut DbConn, guard: &Guard) -> QueryResult<Vec<Call>> {
    load(conn, Some(guard), None, None)
}

/// The announced calls an issue features, that the viewer may read.
pub fn featured_in(conn: &mut DbConn, guard: &Guard, issue_id: i64) -> QueryResult<Vec<Call>> {
    load(conn, Some(guard), None, Some(issue_id))
}

/// Site paths of calls.
pub fn paths(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let found: Vec<i64> = magazine_calls::table
        .filter(magazine_calls::content_id.eq_any(ids))
        .select(magazine_calls::content_id)
        .load(conn)?;
    Ok(found.into_iter().map(|id| (id, call_path(id))).collect())
}

/// What an editor typed for a call, checked.
pub struct CallInput {
    pub area: AreaInput,
    pub rules: Body,
    pub prizes: String,
    pub judges: Vec<i64>,
}

/// Open a call: public at once, with its area.
pub fn create(tx: &mut Tx<'_>, by: i64, input: &CallInput) -> QueryResult<i64> {
    let id = content::insert(
        tx,
        &NewContent {
            kind: KIND_CALL,
            author_id: by,
            title: &input.area.title,
            body_md: input.rules.md(),
            body_html: input.rules.html(),
            excerpt: input.rules.excerpt(),
            publish: true,
            comments_open: false,
            placement: Placement {
                parent_id: None,
                place_kind: PLACE,
                place_id: None,
                audience_id: PUBLIC_AUDIENCE,
                parent_live: true,
            },
            at: None,
            media: input.rules.media(),
        },
    )?;
    let area = c::create_area(tx, id, None, by, &input.area)?;
    diesel::insert_into(magazine_calls::table)
        .values((
            magazine_calls::content_id.eq(id),
            magazine_calls::area_id.eq(area),
            magazine_calls::prizes.eq(&input.prizes),
        ))
        .execute(tx.conn())?;
    set_judges(tx, id, &input.judges)?;
    Ok(id)
}

pub fn update(tx: &mut Tx<'_>, call: &Call, input: &CallInput) -> QueryResult<()> {
    content::save_edit(tx, call.id, &input.area.title, &input.rules)?;
    if let Some(area) = c::area(tx.conn(), call.area_id)? {
        c::update_area(tx, &area, &input.area)?;
    }
    diesel::update(magazine_calls::table.find(call.id))
        .set(magazine_calls::prizes.eq(&input.prizes))
        .execute(tx.conn())?;
    set_judges(tx, call.id, &input.judges)
}

fn set_judges(tx: &mut Tx<'_>, call_id: i64, judges: &[i64]) -> QueryResult<()> {
    diesel::delete(magazine_judges::table.filter(magazine_judges::call_id.eq(call_id))).execute(tx.conn())?;
    for user in judges {
        diesel::insert_into(magazine_judges::table)
            .values((magazine_judges::call_id.eq(call_id), magazine_judges::user_id.eq(user)))
            .execute(tx.conn())?;
    }
    tx.touch(call_id);
    Ok(())
}

/// A call's judges as its page names them (with their ids).
pub fn judges(conn: &mut DbConn, call_id: i64) -> QueryResult<Vec<(i64, AuthorView)>> {
    let rows: Vec<(i64, String, String, String)> = magazine_judges::table
        .inner_join(users::table)
        .filter(magazine_judges::call_id.eq(call_id))
        .order(users::username_key)
        .select((users::id, users::username, users::display_name, users::roles))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, u, d, r)| (id, AuthorView::from_row(u, d, &r))).collect())
}

pub fn is_judge(conn: &mut DbConn, call_id: i64, user_id: Option<i64>) -> QueryResult<bool> {
    let Some(user_id) = user_id else { return Ok(false) };
    diesel::select(diesel::dsl::exists(
        magazine_judges::table
            .filter(magazine_judges::call_id.eq(call_id))
            .filter(magazine_judges::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// A judge's score of an entry, new or changed.
pub fn score(tx: &mut Tx<'_>, entry_id: i64, judge_id: i64, score: i32, note: &str) -> QueryResult<()> {
    let now = crate::now();
    let added = crate::db::ignore_duplicate(tx, |conn| {
        diesel::insert_into(magazine_scores::table)
            .values((
                magazine_scores::entry_id.eq(entry_id),
                magazine_scores::judge_id.eq(judge_id),
                magazine_scores::score.eq(score),
                magazine_scores::note.eq(note),
                magazine_scores::updated_at.eq(now),
            ))
            .execute(conn)
    })?;
    if added == 0 {
        diesel::update(magazine_scores::table.find((entry_id, judge_id)))
            .set((
                magazine_scores::score.eq(score),
                magazine_scores::note.eq(note),
                magazine_scores::updated_at.eq(now),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

/// One judge's score of one entry, as the sheet shows it.
#[derive(Clone, Debug)]
pub struct Score {
    pub entry_id: i64,
    pub judge_id: i64,
    pub judge: AuthorView,
    pub score: i32,
    pub note: String,
}

/// Every score of these entries.
pub fn scores(conn: &mut DbConn, entry_ids: &[i64]) -> QueryResult<Vec<Score>> {
    let rows: Vec<(i64, i64, String, String, String, i32, String)> = magazine_scores::table
        .inner_join(users::table)
        .filter(magazine_scores::entry_id.eq_any(entry_ids))
        .order((magazine_scores::entry_id, users::username_key))
        .select((
            magazine_scores::entry_id,
            magazine_scores::judge_id,
            users::username,
            users::display_name,
            users::roles,
            magazine_scores::score,
            magazine_scores::note,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(entry_id, judge_id, u, d, r, score, note)| Score {
            entry_id,
            judge_id,
            judge: AuthorView::from_row(u, d, &r),
            score,
            note,
        })
        .collect())
}

/// Give an accepted entry of the call an award ("" takes it away); false when it is not one.
pub fn set_award(tx: &mut Tx<'_>, call: &Call, entry_id: i64, award: &str) -> QueryResult<bool> {
    let done = diesel::update(
        magazine_entries::table
            .find(entry_id)
            .filter(magazine_entries::area_id.eq(call.area_id))
            .filter(magazine_entries::state.eq(c::STATE_ACCEPTED)),
    )
    .set(magazine_entries::award.eq(award))
    .execute(tx.conn())?;
    tx.touch(call.id);
    tx.touch(entry_id);
    Ok(done == 1)
}

/// Announce the winners (featured in `issue`), or take the announcement back. The winners are
/// told once, when first announced.
pub fn announce(tx: &mut Tx<'_>, call: &Call, issue: Option<i64>, on: bool, by: i64) -> QueryResult<()> {
    diesel::update(magazine_calls::table.find(call.id))
        .set((
            magazine_calls::announced_at.eq(on.then(crate::now)),
            magazine_calls::featured_issue_id.eq(if on { issue } else { None }),
        ))
        .execute(tx.conn())?;
    tx.touch(call.id);
    if let Some(issue) = issue.or(call.featured_issue_id) {
        tx.touch(issue);
    }
    let winners: Vec<(i64, i64, String)> = magazine_entries::table
        .inner_join(contents::table.on(contents::id.eq(magazine_entries::content_id)))
        .filter(magazine_entries::area_id.eq(call.area_id))
        .filter(magazine_entries::state.eq(c::STATE_ACCEPTED))
        .filter(magazine_entries::award.ne(""))
        .select((contents::id, contents::author_id, magazine_entries::award))
        .load(tx.conn())?;
    // Their profiles show the badge (or no longer).
    for (entry, _, _) in &winners {
        tx.touch(*entry);
    }
    if on && call.announced_at.is_none() {
        use crate::db::schema::notifications;
        use crate::notifications as n;
        // Told once, even when an announcement is taken back and made again.
        let told: Vec<i64> = notifications::table
            .filter(notifications::kind.eq(n::KIND_ENTRY_AWARDED))
            .filter(notifications::content_id.eq(call.id))
            .select(notifications::user_id)
            .load(tx.conn())?;
        for (_, author, award) in winners.into_iter().filter(|w| !told.contains(&w.1)) {
            let detail = n::detail(&[&call.title], &award);
            n::notify_with(tx, author, n::KIND_ENTRY_AWARDED, Some(by), call.id, &detail, &mut vec![by])?;
        }
    }
    Ok(())
}

/// A member's awards in announced calls the viewer may read, newest first: (award, call title,
/// call path).
pub fn awards_of(conn: &mut DbConn, guard: &Guard, user_id: i64) -> QueryResult<Vec<(String, String, String)>> {
    let rows: Vec<(String, i64)> = magazine_entries::table
        .inner_join(contents::table.on(contents::id.eq(magazine_entries::content_id)))
        .inner_join(magazine_calls::table.on(magazine_calls::area_id.eq(magazine_entries::area_id)))
        .filter(contents::author_id.eq(user_id))
        .filter(guard.content_filter())
        .filter(magazine_entries::award.ne(""))
        .filter(magazine_calls::announced_at.is_not_null())
        .order(magazine_calls::announced_at.desc())
        .select((magazine_entries::award, magazine_calls::content_id))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let titles: HashMap<i64, String> = contents::table
        .filter(contents::id.eq_any(&ids))
        .filter(guard.content_filter())
        .select((contents::id, contents::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|(award, call)| Some((award, titles.get(&call)?.clone(), call_path(call))))
        .collect())
}

/// The call kind: found by search, at its own address.
pub struct CallKind;

pub static CALL: CallKind = CallKind;

impl crate::content::kind::ContentKind for CallKind {
    fn kind(&self) -> &'static str {
        KIND_CALL
    }

    fn label_key(&self) -> &'static str {
        "search-kind-call"
    }

    fn noun_key(&self) -> &'static str {
        "noun-call"
    }

    fn paths(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        paths(conn, ids)
    }
}
