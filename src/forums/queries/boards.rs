//! Boards and their groups: reading them as the viewer may, and the admin's changes.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{board_groups, boards, contents, topics};
use crate::db::{DbConn, Tx};
use crate::forums::{Board, BoardGroup, topic_path};
use crate::policy::{self, Guard, Principal, Role};

pub fn groups(conn: &mut DbConn) -> QueryResult<Vec<BoardGroup>> {
    board_groups::table.order((board_groups::position.asc(), board_groups::id.asc())).load(conn)
}

pub fn all_boards(conn: &mut DbConn) -> QueryResult<Vec<Board>> {
    boards::table.order((boards::position.asc(), boards::id.asc())).load(conn)
}

/// The boards the viewer may read, in their order.
pub fn readable_boards(conn: &mut DbConn, guard: &Guard) -> QueryResult<Vec<Board>> {
    let mut q = boards::table.order((boards::position.asc(), boards::id.asc())).into_boxed();
    if let Some(ids) = guard.audience_ids() {
        q = q.filter(boards::read_audience_id.eq_any(ids.to_vec()));
    }
    q.load(conn)
}

pub fn board_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Board>> {
    boards::table.filter(boards::slug.eq(slug)).first(conn).optional()
}

pub fn board(conn: &mut DbConn, id: i64) -> QueryResult<Option<Board>> {
    boards::table.find(id).first(conn).optional()
}

/// Who may read a board, or start topics on it, as an admin sets it: everyone (reading only),
/// every logged-in member, or only the roles and groups named.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    Everyone,
    Members,
    Only(Vec<Principal>),
}

impl Access {
    /// The board form's and the tests' short names: everyone, members, employees.
    pub fn from_name(name: &str) -> Option<Access> {
        match name {
            "everyone" => Some(Access::Everyone),
            "members" => Some(Access::Members),
            "employees" => Some(Access::Only(vec![Principal::Role(Role::Employee)])),
            _ => None,
        }
    }

    pub fn grants(&self) -> Vec<Principal> {
        match self {
            Access::Everyone => vec![Principal::Everyone],
            Access::Members => vec![Principal::Members],
            Access::Only(p) => p.clone(),
        }
    }

    pub fn from_grants(grants: &[Principal]) -> Access {
        if grants.contains(&Principal::Everyone) {
            Access::Everyone
        } else if grants.contains(&Principal::Members) {
            Access::Members
        } else {
            Access::Only(grants.to_vec())
        }
    }

    /// Only the roles and groups named (never empty: admins can always get in).
    pub fn named(&self) -> &[Principal] {
        match self {
            Access::Only(p) => p,
            _ => &[],
        }
    }
}

pub struct BoardInput {
    pub group_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub read: Access,
    pub post: Access,
    pub position: i32,
}

pub fn create_board(tx: &mut Tx<'_>, b: &BoardInput) -> QueryResult<i64> {
    let now = crate::now();
    let read = policy::create_audience(tx, &b.read.grants())?;
    let post = policy::create_audience(tx, &b.post.grants())?;
    diesel::insert_into(boards::table)
        .values((
            boards::group_id.eq(b.group_id),
            boards::slug.eq(&b.slug),
            boards::name.eq(&b.name),
            boards::description.eq(&b.description),
            boards::kind.eq(&b.kind),
            boards::read_audience_id.eq(read),
            boards::post_audience_id.eq(post),
            boards::position.eq(b.position),
            boards::created_at.eq(now),
            boards::updated_at.eq(now),
        ))
        .returning(boards::id)
        .get_result(tx.conn())
}

/// Change a board; its kind is fixed once it is made (reviews and ideas carry data of their
/// own). A change of readers reaches every topic and reply on it at once (they carry the board's
/// audience); those who can no longer read it lose what they followed there, and are told.
pub fn update_board(tx: &mut Tx<'_>, id: i64, b: &BoardInput) -> QueryResult<()> {
    // Held first: following the board (which checks its access under the same lock) waits.
    tx.lock("boards", "id", id)?;
    let board = boards::table.find(id).first::<Board>(tx.conn())?;
    let narrowed = policy::set_grants(tx, board.read_audience_id, &b.read.grants())?;
    policy::set_grants(tx, board.post_audience_id, &b.post.grants())?;
    diesel::update(boards::table.find(id))
        .set((
            boards::group_id.eq(b.group_id),
            boards::slug.eq(&b.slug),
            boards::name.eq(&b.name),
            boards::description.eq(&b.description),
            boards::position.eq(b.position),
            boards::updated_at.eq(crate::now()),
        ))
        .execute(tx.conn())?;
    if narrowed {
        crate::jobs::recheck_subscriptions(tx, crate::jobs::Recheck::Board(id))?;
    }
    Ok(())
}

/// Whose posts on a board wait for a moderator (`moderation::screen::PREMODS`).
pub fn set_premoderation(tx: &mut Tx<'_>, id: i64, premoderation: &str) -> QueryResult<()> {
    diesel::update(boards::table.find(id)).set(boards::premoderation.eq(premoderation)).execute(tx.conn())?;
    Ok(())
}

pub fn create_group(tx: &mut Tx<'_>, name: &str, position: i32) -> QueryResult<i64> {
    diesel::insert_into(board_groups::table)
        .values((
            board_groups::name.eq(name),
            board_groups::position.eq(position),
            board_groups::created_at.eq(crate::now()),
        ))
        .returning(board_groups::id)
        .get_result(tx.conn())
}

pub fn update_group(tx: &mut Tx<'_>, id: i64, name: &str, position: i32) -> QueryResult<()> {
    diesel::update(board_groups::table.find(id))
        .set((board_groups::name.eq(name), board_groups::position.eq(position)))
        .execute(tx.conn())?;
    Ok(())
}

/// Titles and paths of the boards' latest topics, in one query.
pub fn latest_topics(
    conn: &mut DbConn,
    guard: &Guard,
    boards_list: &[Board],
) -> QueryResult<HashMap<i64, (String, String)>> {
    let ids: Vec<i64> = boards_list.iter().filter_map(|b| b.last_topic_id).collect();
    let rows: Vec<(i64, String, String, i64)> = topics::table
        .inner_join(contents::table)
        .filter(topics::content_id.eq_any(&ids))
        .into_boxed()
        .filter(guard.content_filter())
        .select((topics::content_id, contents::title, topics::slug, topics::board_id))
        .load(conn)?;
    let slugs: HashMap<i64, &str> = boards_list.iter().map(|b| (b.id, b.slug.as_str())).collect();
    Ok(rows
        .into_iter()
        .map(|(id, title, slug, board_id)| {
            (board_id, (title, topic_path(slugs.get(&board_id).copied().unwrap_or(""), id, &slug)))
        })
        .collect())
}

/// Topics a visitor may read (`visitor` is a visitor's guard) on these boards with ids in
/// `(after, upto]`, for one sitemap file: (path, last activity), in id order.
pub fn sitemap_entries(
    conn: &mut DbConn,
    visitor: &Guard,
    public: &[Board],
    after: i64,
    upto: i64,
    limit: i64,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let slugs: HashMap<i64, &str> = public.iter().map(|b| (b.id, b.slug.as_str())).collect();
    let rows: Vec<(i64, String, i64, NaiveDateTime)> = topics::table
        .inner_join(contents::table)
        .filter(topics::content_id.gt(after))
        .filter(topics::content_id.le(upto))
        // (Visible and on which boards is the visitor's filter's business — a live topic is
        // visible, a topic on a closed board is in its audience: naming them here too made SQLite
        // walk every topic of those boards instead of the span of ids.)
        .into_boxed()
        .filter(visitor.content_filter())
        .order(topics::content_id.asc())
        .limit(limit)
        .select((topics::content_id, topics::slug, topics::board_id, topics::last_activity_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, slug, board, at)| slugs.get(&board).map(|b| (topic_path(b, id, &slug), at)))
        .collect())
}
