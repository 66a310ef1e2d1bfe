//! The one review queue: every subject waiting for a moderator has one open entry (flagged,
//! held, caught by a watched word, appealed), resolved by the action taken on it.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Subject;
use crate::content::Content;
use crate::db::schema::{contents, flags, mod_queue};
use crate::db::{DbConn, Tx};
use crate::policy::Guard;

#[derive(Queryable, Clone, Debug)]
pub struct Item {
    pub id: i64,
    pub subject: String,
    pub open_key: Option<String>,
    pub content_id: Option<i64>,
    pub user_id: Option<i64>,
    pub appeal_id: Option<i64>,
    pub reason: String,
    pub content_kind: String,
    pub board_id: Option<i64>,
    pub detail: String,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<i64>,
    pub resolution: String,
}

impl Item {
    pub fn is_open(&self) -> bool {
        self.resolved_at.is_none()
    }
}

/// The kind named in the queue for a member's profile and for an appeal.
pub const KIND_PROFILE: &str = "profile";
pub const KIND_APPEAL: &str = "appeal";

pub struct NewItem<'a> {
    pub subject: Subject,
    pub reason: &'a str,
    pub content: Option<&'a Content>,
    pub user_id: Option<i64>,
    pub appeal_id: Option<i64>,
    pub detail: &'a str,
}

/// Put a subject in the queue, unless it is waiting there already (it keeps its first reason
/// and place in the line).
pub fn enqueue(tx: &mut Tx<'_>, item: &NewItem<'_>) -> QueryResult<()> {
    let key = item.subject.key();
    let kind = match (item.subject, item.content) {
        (_, Some(c)) => c.kind.clone(),
        (Subject::User(_), None) => KIND_PROFILE.to_string(),
        (Subject::Appeal(_), None) => KIND_APPEAL.to_string(),
        _ => String::new(),
    };
    let board_id = item.content.filter(|c| c.place_kind == crate::content::PLACE_BOARD).and_then(|c| c.place_id);
    crate::db::ignore_duplicate(tx, |conn| {
        diesel::insert_into(mod_queue::table)
            .values((
                mod_queue::subject.eq(&key),
                mod_queue::open_key.eq(Some(&key)),
                mod_queue::content_id.eq(item.content.map(|c| c.id)),
                mod_queue::user_id.eq(item.user_id.or(item.content.map(|c| c.author_id))),
                mod_queue::appeal_id.eq(item.appeal_id),
                mod_queue::reason.eq(item.reason),
                mod_queue::content_kind.eq(&kind),
                mod_queue::board_id.eq(board_id),
                mod_queue::detail.eq(item.detail),
                mod_queue::created_at.eq(crate::now()),
            ))
            .execute(conn)
    })?;
    Ok(())
}

/// Close a subject's open entry. False when nothing was open (another moderator was first).
pub fn resolve(tx: &mut Tx<'_>, subject: Subject, by: Option<i64>, resolution: &str) -> QueryResult<bool> {
    let n = diesel::update(mod_queue::table.filter(mod_queue::open_key.eq(subject.key())))
        .set((
            mod_queue::open_key.eq(None::<String>),
            mod_queue::resolved_at.eq(Some(crate::now())),
            mod_queue::resolved_by.eq(by),
            mod_queue::resolution.eq(resolution),
        ))
        .execute(tx.conn())?;
    Ok(n > 0)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Item>> {
    mod_queue::table.find(id).first(conn).optional()
}

/// The open entry of a subject, if any.
pub fn open_for(conn: &mut DbConn, subject: Subject) -> QueryResult<Option<Item>> {
    mod_queue::table.filter(mod_queue::open_key.eq(subject.key())).first(conn).optional()
}

/// What the queue page is narrowed to.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// A content kind, `profile` or `appeal`.
    pub kind: String,
    /// A queue reason (flagged, held…) or a flag reason (spam, abuse…).
    pub reason: String,
    pub board: Option<i64>,
    /// Waiting longer than: `1h`, `1d`, `7d`.
    pub age: String,
}

impl Filter {
    pub fn waited_since(&self) -> Option<NaiveDateTime> {
        let d = match self.age.as_str() {
            "1h" => chrono::Duration::hours(1),
            "1d" => chrono::Duration::days(1),
            "7d" => chrono::Duration::days(7),
            _ => return None,
        };
        Some(crate::now() - d)
    }
}

type Boxed<'a> = mod_queue::BoxedQuery<'a, crate::db::MultiBackend>;

/// Open entries the moderator may act on: those about content in an audience they read, and
/// those about members.
fn open_query<'a>(guard: &Guard, filter: &Filter) -> Boxed<'a> {
    let mut q = mod_queue::table.filter(mod_queue::resolved_at.is_null()).into_boxed();
    if let Some(ids) = guard.audience_ids() {
        let readable =
            contents::table.filter(contents::audience_id.eq_any(ids.to_vec())).select(contents::id.nullable());
        q = q.filter(mod_queue::content_id.is_null().or(mod_queue::content_id.eq_any(readable)));
    }
    if !filter.kind.is_empty() {
        q = q.filter(mod_queue::content_kind.eq(filter.kind.clone()));
    }
    if super::QUEUE_REASONS.contains(&filter.reason.as_str()) {
        q = q.filter(mod_queue::reason.eq(filter.reason.clone()));
    } else if super::FLAG_REASONS.contains(&filter.reason.as_str()) {
        let flagged = flags::table
            .filter(flags::reason.eq(filter.reason.clone()))
            .filter(flags::outcome.is_null())
            .select(flags::subject);
        q = q.filter(mod_queue::subject.eq_any(flagged));
    }
    if let Some(board) = filter.board {
        q = q.filter(mod_queue::board_id.eq(board));
    }
    if let Some(since) = filter.waited_since() {
        q = q.filter(mod_queue::created_at.le(since));
    }
    q
}

/// One page of open entries, oldest first, and how many match.
pub fn open(
    conn: &mut DbConn,
    guard: &Guard,
    filter: &Filter,
    page: i64,
    per_page: i64,
) -> QueryResult<(Vec<Item>, i64)> {
    let total: i64 = open_query(guard, filter).count().get_result(conn)?;
    let items = open_query(guard, filter)
        .order((mod_queue::created_at.asc(), mod_queue::id.asc()))
        .offset((page - 1) * per_page)
        .limit(per_page)
        .load(conn)?;
    Ok((items, total))
}

/// How many entries wait for this moderator, and since when the oldest (the header's count).
pub fn waiting(conn: &mut DbConn, guard: &Guard) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    let filter = Filter::default();
    let n: i64 = open_query(guard, &filter).count().get_result(conn)?;
    let oldest: Option<NaiveDateTime> = if n > 0 {
        open_query(guard, &filter)
            .select(mod_queue::created_at)
            .order(mod_queue::created_at.asc())
            .first(conn)
            .optional()?
    } else {
        None
    };
    Ok((n, oldest))
}

/// How many entries wait for this moderator (the header's count).
pub fn waiting_count(conn: &mut DbConn, guard: &Guard) -> QueryResult<i64> {
    open_query(guard, &Filter::default()).count().get_result(conn)
}

/// The kinds present in the queue now (for the filter), with counts.
pub fn kinds_waiting(conn: &mut DbConn, guard: &Guard) -> QueryResult<Vec<(String, i64)>> {
    let kinds: Vec<String> = open_query(guard, &Filter::default()).select(mod_queue::content_kind).load(conn)?;
    let mut counts: std::collections::BTreeMap<String, i64> = Default::default();
    for k in kinds {
        *counts.entry(k).or_default() += 1;
    }
    Ok(counts.into_iter().collect())
}

/// A piece's queue entries so far (its own moderation page).
pub fn of_content(conn: &mut DbConn, content_id: i64) -> QueryResult<Vec<Item>> {
    mod_queue::table.filter(mod_queue::content_id.eq(content_id)).order(mod_queue::id.desc()).limit(50).load(conn)
}

/// Open entries by subject key, for pages that show "waiting for review".
pub fn open_by_subject(conn: &mut DbConn, keys: &[String]) -> QueryResult<HashMap<String, Item>> {
    let rows: Vec<Item> = mod_queue::table.filter(mod_queue::open_key.eq_any(keys)).load(conn)?;
    Ok(rows.into_iter().map(|i| (i.subject.clone(), i)).collect())
}
