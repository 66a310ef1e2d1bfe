//! Ideas boards: votes (one per member, never on one's own idea), statuses that are data,
//! status changes with a public note, duplicates merged into another idea, adopted ideas.

mod pages;
mod panel;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::queries::{self as q, TopicFull};
use super::{Board, TopicCard};
use crate::accounts::AuthorView;
use crate::content::{SafeHtml, markdown};
use crate::db::schema::{contents, idea_status_changes, idea_statuses, idea_votes, ideas, topics, users};
use crate::db::{DbConn, Tx, ignore_duplicate};
use crate::notifications::{self, subscriptions};
use crate::policy::Guard;
use crate::web::Lang;

pub use pages::{StatusDefForm, StatusForm, add_status, adopted, status_feed, status_handler, vote_handler};
pub use panel::PANEL;

#[derive(Queryable, Clone, Debug)]
pub struct IdeaStatus {
    pub id: i64,
    pub slug: String,
    pub name_en: String,
    pub name_zh: String,
    pub position: i32,
    pub is_default: bool,
    pub is_closed: bool,
}

impl IdeaStatus {
    pub fn name(&self, lang: &Lang) -> String {
        match lang {
            Lang::Zh if !self.name_zh.is_empty() => self.name_zh.clone(),
            _ => self.name_en.clone(),
        }
    }

    /// The colour family a status is shown in (`status-{tone}` in the stylesheet): the
    /// built-in ones each their own, added ones by whether they close an idea.
    pub fn tone(&self) -> &'static str {
        match self.slug.as_str() {
            "new" => "new",
            "under-review" => "review",
            "planned" => "planned",
            ADOPTED => "done",
            "declined" => "declined",
            _ if self.is_closed => "closed",
            _ => "open",
        }
    }
}

pub const ADOPTED: &str = "adopted";
pub const DUPLICATE: &str = "duplicate";

pub fn statuses(conn: &mut DbConn) -> QueryResult<Vec<IdeaStatus>> {
    idea_statuses::table.order((idea_statuses::position.asc(), idea_statuses::id.asc())).load(conn)
}

/// Add a status (admins extend the defaults).
pub fn create_status(
    tx: &mut Tx<'_>,
    slug: &str,
    name_en: &str,
    name_zh: &str,
    position: i32,
    is_closed: bool,
) -> QueryResult<()> {
    diesel::insert_into(idea_statuses::table)
        .values((
            idea_statuses::slug.eq(slug),
            idea_statuses::name_en.eq(name_en),
            idea_statuses::name_zh.eq(name_zh),
            idea_statuses::position.eq(position),
            idea_statuses::is_closed.eq(is_closed),
        ))
        .execute(tx.conn())?;
    Ok(())
}

/// Give a new idea the default status (inside the topic's transaction).
pub fn attach_idea(tx: &mut Tx<'_>, topic_id: i64) -> QueryResult<()> {
    let default: i64 = idea_statuses::table
        .order((idea_statuses::is_default.desc(), idea_statuses::position.asc()))
        .select(idea_statuses::id)
        .first(tx.conn())?;
    diesel::insert_into(ideas::table)
        .values((ideas::topic_id.eq(topic_id), ideas::status_id.eq(default)))
        .execute(tx.conn())?;
    Ok(())
}

#[derive(Queryable, Clone, Debug)]
pub struct IdeaRow {
    pub topic_id: i64,
    pub status_id: i64,
    pub vote_count: i32,
    pub merged_into_id: Option<i64>,
    pub status_changed_at: Option<NaiveDateTime>,
}

pub fn idea_of(conn: &mut DbConn, topic_id: i64) -> QueryResult<Option<(IdeaRow, IdeaStatus)>> {
    ideas::table
        .inner_join(idea_statuses::table)
        .filter(ideas::topic_id.eq(topic_id))
        .select((ideas::all_columns, idea_statuses::all_columns))
        .first(conn)
        .optional()
}

/// Vote for an idea or withdraw the vote. The count moves only when the vote row really
/// appeared or went away: repeated or concurrent votes count once.
pub fn vote(tx: &mut Tx<'_>, topic_id: i64, user_id: i64, on: bool) -> QueryResult<()> {
    let changed = if on {
        ignore_duplicate(tx, |conn| {
            diesel::insert_into(idea_votes::table)
                .values((
                    idea_votes::topic_id.eq(topic_id),
                    idea_votes::user_id.eq(user_id),
                    idea_votes::created_at.eq(crate::now()),
                ))
                .execute(conn)
        })?
    } else {
        diesel::delete(
            idea_votes::table.filter(idea_votes::topic_id.eq(topic_id)).filter(idea_votes::user_id.eq(user_id)),
        )
        .execute(tx.conn())?
    };
    if changed > 0 {
        let delta = if on { 1 } else { -1 };
        diesel::update(ideas::table.find(topic_id))
            .set(ideas::vote_count.eq(ideas::vote_count + delta))
            .execute(tx.conn())?;
    }
    Ok(())
}

pub fn has_voted(conn: &mut DbConn, topic_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        idea_votes::table.filter(idea_votes::topic_id.eq(topic_id)).filter(idea_votes::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// Change an idea's status with a public note (the topic locked); a duplicate is merged into
/// `into`: its votes are carried over (once per person) and its followers follow the other idea.
/// Its author is told now, its followers by a job (each under the policy). The same status with
/// the same note as the last change (a double submit) changes nothing: returns false.
pub fn change_status(
    tx: &mut Tx<'_>,
    t: &TopicFull,
    status: &IdeaStatus,
    note_md: &str,
    actor: i64,
    into: Option<i64>,
) -> QueryResult<bool> {
    if let Some((idea, _)) = idea_of(tx, t.topic.content_id)?
        && idea.status_id == status.id
        && idea.merged_into_id == into
    {
        let last_note: Option<String> = idea_status_changes::table
            .filter(idea_status_changes::topic_id.eq(t.topic.content_id))
            .order(idea_status_changes::id.desc())
            .select(idea_status_changes::note_md)
            .first(tx.conn())
            .optional()?;
        if last_note.as_deref() == Some(note_md) {
            return Ok(false);
        }
    }
    let now = crate::now();
    let html = markdown::render(note_md);
    diesel::insert_into(idea_status_changes::table)
        .values((
            idea_status_changes::topic_id.eq(t.topic.content_id),
            idea_status_changes::status_id.eq(status.id),
            idea_status_changes::author_id.eq(Some(actor)),
            idea_status_changes::note_md.eq(note_md),
            idea_status_changes::note_html.eq(html.as_str()),
            idea_status_changes::created_at.eq(now),
        ))
        .execute(tx.conn())?;
    diesel::update(ideas::table.find(t.topic.content_id))
        .set((ideas::status_id.eq(status.id), ideas::status_changed_at.eq(Some(now)), ideas::merged_into_id.eq(into)))
        .execute(tx.conn())?;
    let mut told = vec![actor];
    let idea = t.topic.content_id;
    // The e-mail says the new status (in the reader's language) and the note.
    let note: String = markdown::plain_text(note_md).chars().take(2000).collect();
    let detail = notifications::detail(&[&status.name_en, &status.name_zh], &note);
    let kind = notifications::KIND_IDEA_STATUS;
    notifications::notify_with(tx, t.content.author_id, kind, Some(actor), idea, &detail, &mut told)?;
    crate::jobs::notify_followers(tx, subscriptions::TARGET_TOPIC, idea, idea, kind, Some(actor), &told, &detail)?;
    if let Some(target) = into {
        tx.lock("topics", "content_id", target)?;
        let voters: Vec<i64> =
            idea_votes::table.filter(idea_votes::topic_id.eq(idea)).select(idea_votes::user_id).load(tx.conn())?;
        let target_author: i64 = contents::table.find(target).select(contents::author_id).first(tx.conn())?;
        for v in voters.into_iter().filter(|v| *v != target_author) {
            vote(tx, target, v, true)?;
        }
        for f in subscriptions::followers(tx, subscriptions::TARGET_TOPIC, idea)? {
            subscriptions::subscribe(tx, f, subscriptions::TARGET_TOPIC, target)?;
        }
        q::set_locked(tx, idea, true)?;
    }
    Ok(true)
}

/// A status change as the topic page, the adopted page and the feed show it.
#[derive(Clone, Debug)]
pub struct StatusChange {
    pub topic_id: i64,
    pub status: IdeaStatus,
    pub note_html: SafeHtml,
    pub author: Option<AuthorView>,
    pub created_at: NaiveDateTime,
}

type ChangeRow = (i64, IdeaStatus, String, NaiveDateTime, Option<String>, Option<String>, Option<String>);

/// Status changes, newest first, of some ideas (`topics`) or of a whole board.
fn changes(
    conn: &mut DbConn,
    guard: &Guard,
    topics_: Option<&[i64]>,
    board: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<StatusChange>> {
    let mut query = idea_status_changes::table
        .inner_join(idea_statuses::table)
        .inner_join(topics::table.on(topics::content_id.eq(idea_status_changes::topic_id)))
        .inner_join(contents::table.on(contents::id.eq(idea_status_changes::topic_id)))
        .left_join(users::table.on(idea_status_changes::author_id.eq(users::id.nullable())))
        .into_boxed()
        .filter(guard.content_filter())
        .select((
            idea_status_changes::topic_id,
            idea_statuses::all_columns,
            idea_status_changes::note_html,
            idea_status_changes::created_at,
            users::username.nullable(),
            users::display_name.nullable(),
            users::roles.nullable(),
        ))
        .order(idea_status_changes::id.desc())
        .limit(limit);
    if let Some(t) = topics_ {
        query = query.filter(idea_status_changes::topic_id.eq_any(t.to_vec()));
    }
    if let Some(b) = board {
        query = query.filter(topics::board_id.eq(b));
    }
    let rows: Vec<ChangeRow> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(topic_id, status, html, created_at, username, display_name, roles)| StatusChange {
            topic_id,
            status,
            note_html: SafeHtml::from_stored(html),
            author: username.map(|username| {
                AuthorView::from_row(username, display_name.unwrap_or_default(), roles.as_deref().unwrap_or(""))
            }),
            created_at,
        })
        .collect())
}

pub fn history(conn: &mut DbConn, guard: &Guard, topic_id: i64) -> QueryResult<Vec<StatusChange>> {
    changes(conn, guard, Some(&[topic_id]), None, 100)
}

/// An idea in a list: its card, votes and status.
#[derive(Clone, Debug)]
pub struct IdeaCard {
    pub card: TopicCard,
    pub votes: i32,
    pub status: IdeaStatus,
}

impl IdeaCard {
    pub fn votes(&self) -> i64 {
        i64::from(self.votes)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdeaSort {
    Votes,
    Newest,
}

/// Ideas of a board, by votes or newest, keyset-paged on (votes, id) or id.
pub fn list(
    conn: &mut DbConn,
    guard: &Guard,
    board: &Board,
    sort: IdeaSort,
    status: Option<i64>,
    after: Option<(i32, i64)>,
    limit: i64,
) -> QueryResult<Vec<IdeaCard>> {
    let mut query = ideas::table
        .inner_join(topics::table.on(topics::content_id.eq(ideas::topic_id)))
        .inner_join(contents::table.on(contents::id.eq(ideas::topic_id)))
        .filter(topics::board_id.eq(board.id))
        .into_boxed()
        .filter(guard.content_filter())
        .select((ideas::topic_id, ideas::vote_count, ideas::status_id))
        .limit(limit);
    if let Some(s) = status {
        query = query.filter(ideas::status_id.eq(s));
    }
    query = match (sort, after) {
        (IdeaSort::Votes, Some((v, id))) => query
            .filter(ideas::vote_count.le(v))
            .filter(ideas::vote_count.lt(v).or(ideas::vote_count.eq(v).and(ideas::topic_id.lt(id)))),
        (IdeaSort::Newest, Some((_, id))) => query.filter(ideas::topic_id.lt(id)),
        (_, None) => query,
    };
    query = match sort {
        IdeaSort::Votes => query.order((ideas::vote_count.desc(), ideas::topic_id.desc())),
        IdeaSort::Newest => query.order(ideas::topic_id.desc()),
    };
    let rows: Vec<(i64, i32, i64)> = query.load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let cards: HashMap<i64, TopicCard> =
        q::cards_for_ids(conn, guard, board, &ids)?.into_iter().map(|c| (c.id, c)).collect();
    let all_statuses: HashMap<i64, IdeaStatus> = statuses(conn)?.into_iter().map(|s| (s.id, s)).collect();
    Ok(rows
        .into_iter()
        .filter_map(|(id, votes, status_id)| {
            Some(IdeaCard { card: cards.get(&id)?.clone(), votes, status: all_statuses.get(&status_id)?.clone() })
        })
        .collect())
}
