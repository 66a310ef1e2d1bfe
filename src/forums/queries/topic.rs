//! One topic: its row, content, board and author, and its replies by page.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::{AuthorView, User};
use crate::content::{self, Content};
use crate::db::schema::{boards, contents, replies, topics, users};
use crate::db::{DbConn, Tx};
use crate::forums::{Board, REPLIES_PER_PAGE, ReplyView, topic_path};
use crate::policy::{Guard, Place};

#[derive(Queryable, Clone, Debug)]
pub struct TopicRow {
    pub content_id: i64,
    pub board_id: i64,
    pub slug: String,
    pub pinned: bool,
    pub locked: bool,
    /// Replies that are there (not deleted or hidden).
    pub reply_count: i32,
    pub view_count: i64,
    pub last_activity_at: NaiveDateTime,
    pub last_reply_id: Option<i64>,
    pub accepted_reply_id: Option<i64>,
    pub first_staff_reply_at: Option<NaiveDateTime>,
    /// The topic is live (mirrors `contents.live`, for the board lists' index).
    pub visible: bool,
    /// The position the last reply took; replies keep theirs, so pages follow positions.
    pub last_position: i32,
}

/// A topic with its content, board and author.
#[derive(Clone, Debug)]
pub struct TopicFull {
    pub topic: TopicRow,
    pub content: Content,
    pub board: Board,
    pub author: AuthorView,
}

impl TopicFull {
    pub fn path(&self) -> String {
        topic_path(&self.board.slug, self.topic.content_id, &self.topic.slug)
    }

    pub fn pages(&self) -> i64 {
        ((i64::from(self.topic.last_position) + REPLIES_PER_PAGE - 1) / REPLIES_PER_PAGE).max(1)
    }

    pub fn facts(&self) -> crate::policy::ContentFacts {
        self.content.facts()
    }
}

/// A topic by id, whatever its state but deleted (callers ask the policy).
pub fn topic(conn: &mut DbConn, id: i64) -> QueryResult<Option<TopicFull>> {
    let row: Option<(TopicRow, Content, Board, User)> = topics::table
        .inner_join(contents::table)
        .inner_join(boards::table)
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(topics::content_id.eq(id))
        .filter(contents::deleted_at.is_null())
        .select((topics::all_columns, contents::all_columns, boards::all_columns, users::all_columns))
        .first(conn)
        .optional()?;
    Ok(row.map(|(topic, content, board, author)| TopicFull {
        topic,
        content,
        board,
        author: AuthorView::from(&author),
    }))
}

/// The topic again, holding its rows until commit (the content row, then the topic row, the
/// order every change takes them in): replies, deletions, acceptance and status changes of one
/// topic queue here.
pub fn lock_topic(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<TopicFull>> {
    crate::content::lock(tx, id)?;
    tx.lock("topics", "content_id", id)?;
    topic(tx, id)
}

type ReplyRow = (i64, i32, bool, Content, String, String, String);

/// One page of replies (positions are fixed, so page N is always the same replies), with
/// whether the viewer liked each, in two queries.
pub fn replies_page(conn: &mut DbConn, t: &TopicFull, page: i64, guard: &Guard) -> QueryResult<Vec<ReplyView>> {
    load_replies(conn, t, Replies::Page(page), guard)
}

/// Which replies of a topic to load.
enum Replies {
    Page(i64),
    One(i64),
}

fn load_replies(conn: &mut DbConn, t: &TopicFull, which: Replies, guard: &Guard) -> QueryResult<Vec<ReplyView>> {
    let mut q = replies::table
        .inner_join(contents::table)
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(replies::topic_id.eq(t.topic.content_id))
        .into_boxed();
    q = match which {
        Replies::Page(page) => {
            let from = (page - 1) * REPLIES_PER_PAGE;
            q.filter(replies::position.gt(i32::try_from(from).unwrap_or(i32::MAX)))
                .filter(replies::position.le(i32::try_from(from + REPLIES_PER_PAGE).unwrap_or(i32::MAX)))
        }
        Replies::One(id) => q.filter(replies::content_id.eq(id)),
    };
    let rows: Vec<ReplyRow> = q
        .order(replies::position.asc())
        .select((
            replies::content_id,
            replies::position,
            replies::is_staff,
            contents::all_columns,
            users::username,
            users::display_name,
            users::roles,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let liked = match guard.user_id() {
        Some(v) => content::likes::liked_among(conn, v, &ids)?,
        None => Vec::new(),
    };
    let topic_readable = guard.can_read(&t.facts(), Place::None);
    Ok(rows
        .into_iter()
        .map(|(id, position, is_staff, c, username, display_name, roles)| {
            let facts = c.facts();
            // Deleted replies keep their place; hidden ones too, shown to moderators and their author.
            let shown = guard.can_read_under(&facts, topic_readable);
            ReplyView {
                id,
                position,
                author_id: c.author_id,
                author: AuthorView::from_row(username, display_name, &roles),
                body_html: if shown { c.html() } else { Default::default() },
                body_md: if shown { c.body_md.clone() } else { String::new() },
                created_at: c.created_at,
                edited_at: c.edited_at,
                deleted: !shown,
                hidden: c.is_hidden(),
                held: c.held,
                is_deleted: c.is_deleted(),
                is_staff,
                like_count: c.like_count,
                liked: liked.contains(&id),
                accepted: t.topic.accepted_reply_id == Some(id),
                can_edit: shown && guard.can_edit_own(&facts),
                can_delete: guard.can_delete_under(&facts, topic_readable),
                can_like: shown && guard.can_like(&facts),
                can_hide: !c.is_deleted() && guard.can_hide(&facts),
            }
        })
        .collect())
}

/// The newest replies of a topic that the viewer may list (the policy's filter: hidden replies
/// stay out even for moderators, as in every list and feed), newest first.
pub fn latest_reply_ids(conn: &mut DbConn, guard: &Guard, topic_id: i64, limit: i64) -> QueryResult<Vec<i64>> {
    replies::table
        .inner_join(contents::table)
        .filter(replies::topic_id.eq(topic_id))
        .into_boxed()
        .filter(guard.content_filter())
        .order(replies::position.desc())
        .limit(limit)
        .select(replies::content_id)
        .load(conn)
}

/// A single reply with its topic id and position (quotes, permalinks, actions).
pub fn reply(conn: &mut DbConn, id: i64) -> QueryResult<Option<(i64, i32, Content)>> {
    replies::table
        .inner_join(contents::table)
        .filter(replies::content_id.eq(id))
        .select((replies::topic_id, replies::position, contents::all_columns))
        .first(conn)
        .optional()
}

/// The accepted answer, shown under the question when the viewer may read it.
pub fn accepted_reply(conn: &mut DbConn, t: &TopicFull, guard: &Guard) -> QueryResult<Option<ReplyView>> {
    let Some(id) = t.topic.accepted_reply_id else { return Ok(None) };
    Ok(load_replies(conn, t, Replies::One(id), guard)?.into_iter().find(|r| !r.deleted))
}
