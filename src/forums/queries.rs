//! SQL for boards, topics and replies. Counters the lists show (topic and post counts, reply
//! counts, last activity, likes) change in the same transaction as the write that moves them.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Board, BoardGroup, KIND_REPLY, KIND_TOPIC, ReplyView, TopicCard, topic_path};
use crate::accounts::{AuthorView, Role, User};
use crate::content::{self, SafeHtml, tags::TagName};
use crate::db::schema::{
    board_groups, boards, content_tags, contents, likes, replies, revisions, subscriptions, topics, users,
};
use crate::db::{DbConn, ignore_duplicate};
use crate::notifications;

// ---------------------------------------------------------------- boards

pub fn groups(conn: &mut DbConn) -> QueryResult<Vec<BoardGroup>> {
    board_groups::table.order((board_groups::position.asc(), board_groups::id.asc())).load(conn)
}

pub fn all_boards(conn: &mut DbConn) -> QueryResult<Vec<Board>> {
    boards::table.order((boards::position.asc(), boards::id.asc())).load(conn)
}

pub fn board_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Board>> {
    boards::table.filter(boards::slug.eq(slug)).first(conn).optional()
}

pub fn board(conn: &mut DbConn, id: i64) -> QueryResult<Option<Board>> {
    boards::table.find(id).first(conn).optional()
}

pub struct BoardInput {
    pub group_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub view_access: String,
    pub post_access: String,
    pub position: i32,
}

pub fn create_board(conn: &mut DbConn, b: &BoardInput) -> QueryResult<i64> {
    let now = crate::now();
    diesel::insert_into(boards::table)
        .values((
            boards::group_id.eq(b.group_id),
            boards::slug.eq(&b.slug),
            boards::name.eq(&b.name),
            boards::description.eq(&b.description),
            boards::kind.eq(&b.kind),
            boards::view_access.eq(&b.view_access),
            boards::post_access.eq(&b.post_access),
            boards::position.eq(b.position),
            boards::created_at.eq(now),
            boards::updated_at.eq(now),
        ))
        .returning(boards::id)
        .get_result(conn)
}

/// Change a board; its kind is fixed once it has topics (reviews and ideas carry data of their own).
pub fn update_board(conn: &mut DbConn, id: i64, b: &BoardInput) -> QueryResult<()> {
    conn.transaction(|conn| {
        let before: String = boards::table.find(id).select(boards::view_access).first(conn)?;
        if before != b.view_access {
            crate::search::board_access_changed(conn, id, &b.view_access)?;
        }
        diesel::update(boards::table.find(id))
            .set((
                boards::group_id.eq(b.group_id),
                boards::slug.eq(&b.slug),
                boards::name.eq(&b.name),
                boards::description.eq(&b.description),
                boards::view_access.eq(&b.view_access),
                boards::post_access.eq(&b.post_access),
                boards::position.eq(b.position),
                boards::updated_at.eq(crate::now()),
            ))
            .execute(conn)?;
        Ok(())
    })
}

pub fn create_group(conn: &mut DbConn, name: &str, position: i32) -> QueryResult<i64> {
    diesel::insert_into(board_groups::table)
        .values((
            board_groups::name.eq(name),
            board_groups::position.eq(position),
            board_groups::created_at.eq(crate::now()),
        ))
        .returning(board_groups::id)
        .get_result(conn)
}

pub fn update_group(conn: &mut DbConn, id: i64, name: &str, position: i32) -> QueryResult<()> {
    diesel::update(board_groups::table.find(id))
        .set((board_groups::name.eq(name), board_groups::position.eq(position)))
        .execute(conn)?;
    Ok(())
}

/// Titles and paths of the boards' latest topics, in one query.
pub fn latest_topics(conn: &mut DbConn, boards_list: &[Board]) -> QueryResult<HashMap<i64, (String, String)>> {
    let ids: Vec<i64> = boards_list.iter().filter_map(|b| b.last_topic_id).collect();
    let rows: Vec<(i64, String, String, i64)> = topics::table
        .inner_join(contents::table)
        .filter(topics::content_id.eq_any(&ids))
        .filter(topics::visible.eq(true))
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

/// Public topics for the sitemap: (path, last activity), newest first.
pub fn sitemap_entries(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let rows: Vec<(i64, String, String, NaiveDateTime)> = topics::table
        .inner_join(boards::table)
        .filter(topics::visible.eq(true))
        .filter(boards::view_access.eq(super::ACCESS_EVERYONE))
        .order(topics::last_activity_at.desc())
        .limit(limit)
        .select((topics::content_id, topics::slug, boards::slug, topics::last_activity_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, slug, board, at)| (topic_path(&board, id, &slug), at)).collect())
}

// ---------------------------------------------------------------- topic lists

/// Which topics a board list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TopicFilter {
    #[default]
    All,
    /// Questions without an accepted answer; other boards: topics without replies.
    Unanswered,
    Answered,
}

/// Where the next page starts: the last row's (last activity, id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: NaiveDateTime,
    pub id: i64,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.at.and_utc().timestamp_micros(), self.id)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (micros, id) = s.split_once('_')?;
        let at = chrono::DateTime::from_timestamp_micros(micros.parse().ok()?)?.naive_utc();
        Some(Cursor { at, id: id.parse().ok()? })
    }
}

type CardRow = (
    i64,
    String,
    String,
    String,
    i64,
    NaiveDateTime,
    NaiveDateTime,
    i32,
    i64,
    i32,
    bool,
    bool,
    Option<i64>,
    String,
    String,
    String,
);

/// Turn rows into cards, loading all their tags in one query.
fn cards(conn: &mut DbConn, rows: Vec<CardRow>, boards: &[Board]) -> QueryResult<Vec<TopicCard>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut tags = content::tags::for_contents(conn, &ids)?;
    let info: HashMap<i64, &Board> = boards.iter().map(|b| (b.id, b)).collect();
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                title,
                excerpt,
                slug,
                board_id,
                created_at,
                last_activity_at,
                reply_count,
                view_count,
                like_count,
                pinned,
                locked,
                accepted,
                username,
                display_name,
                role,
            )| {
                let (board_slug, board_name, board_kind) = info
                    .get(&board_id)
                    .map(|b| (b.slug.as_str(), b.name.as_str(), b.kind.as_str()))
                    .unwrap_or(("", "", ""));
                TopicCard {
                    id,
                    title,
                    path: topic_path(board_slug, id, &slug),
                    excerpt,
                    author: AuthorView { username, display_name, role: Role::parse(&role).unwrap_or(Role::Member) },
                    board_name: board_name.to_string(),
                    board_path: format!("/forums/{}", crate::web::path_segment(board_slug)),
                    created_at,
                    last_activity_at,
                    reply_count,
                    view_count,
                    like_count,
                    pinned,
                    locked,
                    answered: accepted.is_some(),
                    board_kind: board_kind.to_string(),
                    tags: tags.remove(&id).unwrap_or_default(),
                }
            },
        )
        .collect())
}

/// Which topics a list shows. Every topic list (a board, the home page, profiles, tag pages,
/// ideas, feeds) is this one query with different filters, and every list loads its tags in one
/// more query.
#[derive(Clone, Debug, Default)]
pub struct TopicSelect {
    pub board: Option<i64>,
    /// Limit to boards the viewer may read (cross-board lists).
    pub boards: Option<Vec<i64>>,
    pub author: Option<i64>,
    pub tag: Option<i64>,
    pub ids: Option<Vec<i64>>,
    pub pinned: Option<bool>,
    /// Answered/unanswered; `questions` says which meaning (accepted answer or any reply).
    pub filter: TopicFilter,
    pub questions: bool,
    /// Keyset position for newest-activity order.
    pub after: Option<Cursor>,
    /// Newest topics first (by id) instead of newest activity.
    pub by_creation: bool,
}

impl TopicSelect {
    /// Topics of one board.
    pub fn board(board: &Board) -> Self {
        TopicSelect { board: Some(board.id), questions: board.is_questions(), ..Default::default() }
    }

    /// Topics in any of these (readable) boards.
    pub fn across(boards: &[Board]) -> Self {
        TopicSelect { boards: Some(boards.iter().map(|b| b.id).collect()), ..Default::default() }
    }
}

/// Select topic cards. Newest activity first is keyset-paged: the query walks the
/// (board, visible, pinned, last_activity_at, id) index and never counts or skips rows.
pub fn select_topics(
    conn: &mut DbConn,
    boards_known: &[Board],
    sel: &TopicSelect,
    limit: i64,
) -> QueryResult<Vec<TopicCard>> {
    let mut q = topics::table
        .inner_join(contents::table)
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(topics::visible.eq(true))
        .into_boxed();
    if let Some(b) = sel.board {
        q = q.filter(topics::board_id.eq(b));
    }
    if let Some(bs) = &sel.boards {
        q = q.filter(topics::board_id.eq_any(bs.clone()));
    }
    if let Some(a) = sel.author {
        q = q.filter(contents::author_id.eq(a));
    }
    if let Some(ids) = &sel.ids {
        q = q.filter(topics::content_id.eq_any(ids.clone()));
    }
    if let Some(p) = sel.pinned {
        q = q.filter(topics::pinned.eq(p));
    }
    q = match (sel.filter, sel.questions) {
        (TopicFilter::All, _) => q,
        (TopicFilter::Unanswered, true) => q.filter(topics::accepted_reply_id.is_null()),
        (TopicFilter::Answered, true) => q.filter(topics::accepted_reply_id.is_not_null()),
        (TopicFilter::Unanswered, false) => q.filter(topics::reply_count.eq(0)),
        (TopicFilter::Answered, false) => q.filter(topics::reply_count.gt(0)),
    };
    if let Some(t) = sel.tag {
        q = q.filter(
            topics::content_id
                .eq_any(content_tags::table.filter(content_tags::tag_id.eq(t)).select(content_tags::content_id)),
        );
    }
    if let Some(c) = sel.after {
        // The `<=` bound is what lets SQLite walk the index from the cursor on; the OR alone
        // (with bound parameters) made it scan from the newest topic down: 14 ms at 90,000 deep.
        q = q.filter(topics::last_activity_at.le(c.at)).filter(
            topics::last_activity_at.lt(c.at).or(topics::last_activity_at.eq(c.at).and(topics::content_id.lt(c.id))),
        );
    }
    q = if sel.by_creation {
        q.order(topics::content_id.desc())
    } else {
        q.order((topics::last_activity_at.desc(), topics::content_id.desc()))
    };
    let rows: Vec<CardRow> = q
        .limit(limit)
        .select((
            topics::content_id,
            contents::title,
            contents::excerpt,
            topics::slug,
            topics::board_id,
            contents::created_at,
            topics::last_activity_at,
            topics::reply_count,
            topics::view_count,
            contents::like_count,
            topics::pinned,
            topics::locked,
            topics::accepted_reply_id,
            users::username,
            users::display_name,
            users::role,
        ))
        .load(conn)?;
    cards(conn, rows, boards_known)
}

/// Cards for topics of one board, in the order of `ids`.
pub fn cards_for_ids(conn: &mut DbConn, board: &Board, ids: &[i64]) -> QueryResult<Vec<TopicCard>> {
    let sel = TopicSelect { ids: Some(ids.to_vec()), ..TopicSelect::board(board) };
    let mut out = select_topics(conn, std::slice::from_ref(board), &sel, ids.len() as i64)?;
    out.sort_by_key(|c| ids.iter().position(|i| *i == c.id));
    Ok(out)
}

// ---------------------------------------------------------------- one topic

#[derive(Queryable, Clone, Debug)]
pub struct TopicRow {
    pub content_id: i64,
    pub board_id: i64,
    pub slug: String,
    pub pinned: bool,
    pub locked: bool,
    pub reply_count: i32,
    pub view_count: i64,
    pub last_activity_at: NaiveDateTime,
    pub last_reply_id: Option<i64>,
    pub accepted_reply_id: Option<i64>,
    pub first_staff_reply_at: Option<NaiveDateTime>,
    pub visible: bool,
}

/// A topic with its content, board and author.
#[derive(Clone, Debug)]
pub struct TopicFull {
    pub topic: TopicRow,
    pub content: content::Content,
    pub board: Board,
    pub author: AuthorView,
}

impl TopicFull {
    pub fn path(&self) -> String {
        topic_path(&self.board.slug, self.topic.content_id, &self.topic.slug)
    }

    pub fn pages(&self) -> i64 {
        ((i64::from(self.topic.reply_count) + super::REPLIES_PER_PAGE - 1) / super::REPLIES_PER_PAGE).max(1)
    }
}

pub fn topic(conn: &mut DbConn, id: i64) -> QueryResult<Option<TopicFull>> {
    let row: Option<(TopicRow, content::Content, Board, User)> = topics::table
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

type ReplyRow = (
    i64,
    i32,
    bool,
    i64,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
    i32,
    String,
    String,
    String,
);

/// One page of replies (positions are fixed, so page N is always the same replies), with
/// whether the viewer liked each, in two queries.
pub fn replies_page(conn: &mut DbConn, t: &TopicFull, page: i64, viewer: Option<i64>) -> QueryResult<Vec<ReplyView>> {
    load_replies(conn, t, Replies::Page(page), viewer)
}

/// Which replies of a topic to load.
enum Replies {
    Page(i64),
    One(i64),
}

fn load_replies(conn: &mut DbConn, t: &TopicFull, which: Replies, viewer: Option<i64>) -> QueryResult<Vec<ReplyView>> {
    let mut q = replies::table
        .inner_join(contents::table)
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(replies::topic_id.eq(t.topic.content_id))
        .into_boxed();
    q = match which {
        Replies::Page(page) => {
            let from = (page - 1) * super::REPLIES_PER_PAGE;
            q.filter(replies::position.gt(i32::try_from(from).unwrap_or(i32::MAX)))
                .filter(replies::position.le(i32::try_from(from + super::REPLIES_PER_PAGE).unwrap_or(i32::MAX)))
        }
        Replies::One(id) => q.filter(replies::content_id.eq(id)),
    };
    let rows: Vec<ReplyRow> = q
        .order(replies::position.asc())
        .select((
            replies::content_id,
            replies::position,
            replies::is_staff,
            contents::author_id,
            contents::body_html,
            contents::body_md,
            contents::created_at,
            contents::edited_at,
            contents::deleted_at,
            contents::like_count,
            users::username,
            users::display_name,
            users::role,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let liked: Vec<i64> = match viewer {
        Some(v) => likes::table
            .filter(likes::user_id.eq(v))
            .filter(likes::content_id.eq_any(&ids))
            .select(likes::content_id)
            .load(conn)?,
        None => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                position,
                is_staff,
                author_id,
                html,
                md,
                created_at,
                edited_at,
                deleted_at,
                like_count,
                username,
                display_name,
                role,
            )| {
                let deleted = deleted_at.is_some();
                ReplyView {
                    id,
                    position,
                    author_id,
                    author: AuthorView { username, display_name, role: Role::parse(&role).unwrap_or(Role::Member) },
                    body_html: if deleted { SafeHtml::default() } else { SafeHtml::from_stored(html) },
                    body_md: if deleted { String::new() } else { md },
                    created_at,
                    edited_at,
                    deleted,
                    is_staff,
                    like_count,
                    liked: liked.contains(&id),
                    accepted: t.topic.accepted_reply_id == Some(id),
                }
            },
        )
        .collect())
}

/// A single reply (for the accepted answer shown under the question, quotes and permalinks).
pub fn reply(conn: &mut DbConn, id: i64) -> QueryResult<Option<(i64, i32, content::Content)>> {
    replies::table
        .inner_join(contents::table)
        .filter(replies::content_id.eq(id))
        .select((replies::topic_id, replies::position, contents::all_columns))
        .first(conn)
        .optional()
}

pub fn accepted_reply(conn: &mut DbConn, t: &TopicFull) -> QueryResult<Option<ReplyView>> {
    let Some(id) = t.topic.accepted_reply_id else { return Ok(None) };
    Ok(load_replies(conn, t, Replies::One(id), None)?.into_iter().find(|r| !r.deleted))
}

pub fn count_view(conn: &mut DbConn, topic_id: i64) -> QueryResult<()> {
    diesel::update(topics::table.find(topic_id)).set(topics::view_count.eq(topics::view_count + 1)).execute(conn)?;
    Ok(())
}

// ---------------------------------------------------------------- writing

pub struct TopicInput {
    pub title: String,
    pub body_md: String,
    pub tags: Vec<TagName>,
}

/// Start a topic: the content row, the topic row, tags, the board's counters, the author's
/// subscription, and notifications to the board's followers and to people @mentioned.
pub fn create_topic(conn: &mut DbConn, board: &Board, author: &User, input: &TopicInput) -> QueryResult<i64> {
    create_topic_with(conn, board, author, input, |_, _| Ok(()))
}

/// Start a topic and, in the same transaction, whatever its kind of board adds (a review's
/// rating, an idea's status).
pub fn create_topic_with<F>(
    conn: &mut DbConn,
    board: &Board,
    author: &User,
    input: &TopicInput,
    extra: F,
) -> QueryResult<i64>
where
    F: FnOnce(&mut DbConn, i64) -> QueryResult<()>,
{
    conn.transaction(|conn| {
        let id = content::create_published(conn, KIND_TOPIC, author.id, &input.title, &input.body_md)?;
        let now = crate::now();
        diesel::insert_into(topics::table)
            .values((
                topics::content_id.eq(id),
                topics::board_id.eq(board.id),
                topics::slug.eq(content::slug::slugify(&input.title)),
                topics::last_activity_at.eq(now),
            ))
            .execute(conn)?;
        content::tags::set_for(conn, id, &input.tags)?;
        diesel::update(boards::table.find(board.id))
            .set((
                boards::topic_count.eq(boards::topic_count + 1),
                boards::post_count.eq(boards::post_count + 1),
                boards::last_activity_at.eq(Some(now)),
                boards::last_topic_id.eq(Some(id)),
            ))
            .execute(conn)?;
        subscribe(conn, author.id, TARGET_TOPIC, id)?;
        let mut notified = vec![author.id];
        for user_id in subscribers(conn, TARGET_BOARD, board.id)? {
            if !notified.contains(&user_id) {
                notifications::create(conn, user_id, notifications::KIND_NEW_TOPIC, Some(author.id), Some(id))?;
                notified.push(user_id);
            }
        }
        notify_mentions(conn, board, &input.body_md, author.id, id, &mut notified)?;
        extra(conn, id)?;
        crate::search::sync_content(conn, &[id])?;
        Ok(id)
    })
}

/// Why a reply could not be added.
#[derive(Debug)]
pub enum ReplyError {
    Locked,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for ReplyError {
    fn from(e: diesel::result::Error) -> Self {
        ReplyError::Db(e)
    }
}

/// Add a reply at the next position. Notifies the topic's author, anyone quoted or @mentioned,
/// and the topic's followers; the replier follows the topic from now on.
pub fn create_reply(conn: &mut DbConn, topic_id: i64, author: &User, body_md: &str) -> Result<(i64, i32), ReplyError> {
    // Two replies at once may race for a position: the unique index refuses one, which retries.
    let mut attempt = 0;
    loop {
        attempt += 1;
        match conn.transaction(|conn| insert_reply(conn, topic_id, author, body_md)) {
            Err(ReplyError::Db(e)) if attempt < 5 && crate::db::is_unique_violation(&e) => continue,
            other => return other,
        }
    }
}

fn insert_reply(conn: &mut DbConn, topic_id: i64, author: &User, body_md: &str) -> Result<(i64, i32), ReplyError> {
    let t = topic(conn, topic_id)?.ok_or(diesel::result::Error::NotFound)?;
    if t.topic.locked {
        return Err(ReplyError::Locked);
    }
    let id = content::create_published(conn, KIND_REPLY, author.id, "", body_md)?;
    let now = crate::now();
    let last: Option<i32> = replies::table
        .filter(replies::topic_id.eq(topic_id))
        .select(diesel::dsl::max(replies::position))
        .first(conn)?;
    let position = last.unwrap_or(0) + 1;
    let is_staff = author.role().is_staff();
    diesel::insert_into(replies::table)
        .values((
            replies::content_id.eq(id),
            replies::topic_id.eq(topic_id),
            replies::position.eq(position),
            replies::is_staff.eq(is_staff),
        ))
        .execute(conn)?;
    // The first answer from staff (other than the asker) starts the response-time clock's stop.
    let first_staff = if is_staff && t.topic.first_staff_reply_at.is_none() && author.id != t.content.author_id {
        Some(now)
    } else {
        t.topic.first_staff_reply_at
    };
    diesel::update(topics::table.find(topic_id))
        .set((
            topics::reply_count.eq(topics::reply_count + 1),
            topics::last_activity_at.eq(now),
            topics::last_reply_id.eq(Some(id)),
            topics::first_staff_reply_at.eq(first_staff),
        ))
        .execute(conn)?;
    diesel::update(boards::table.find(t.board.id))
        .set((
            boards::post_count.eq(boards::post_count + 1),
            boards::last_activity_at.eq(Some(now)),
            boards::last_topic_id.eq(Some(topic_id)),
        ))
        .execute(conn)?;

    let mut notified = vec![author.id];
    // Quoted replies: links to /replies/{id} in the body.
    for quoted in quoted_replies(body_md) {
        if let Some((_, _, c)) = reply(conn, quoted)?
            && !notified.contains(&c.author_id)
        {
            notifications::create(conn, c.author_id, notifications::KIND_QUOTE, Some(author.id), Some(id))?;
            notified.push(c.author_id);
        }
    }
    notify_mentions(conn, &t.board, body_md, author.id, id, &mut notified)?;
    if !notified.contains(&t.content.author_id) {
        notifications::create(conn, t.content.author_id, notifications::KIND_TOPIC_REPLY, Some(author.id), Some(id))?;
        notified.push(t.content.author_id);
    }
    for user_id in subscribers(conn, TARGET_TOPIC, topic_id)? {
        if !notified.contains(&user_id) {
            notifications::create(conn, user_id, notifications::KIND_FOLLOWED_REPLY, Some(author.id), Some(id))?;
            notified.push(user_id);
        }
    }
    subscribe(conn, author.id, TARGET_TOPIC, topic_id)?;
    crate::search::sync_content(conn, &[id])?;
    Ok((id, position))
}

/// Ids of replies a body quotes (`/replies/{id}` links, as the quote button writes them).
pub fn quoted_replies(body_md: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for link in content::markdown::links(body_md) {
        let path = link.split(['#', '?']).next().unwrap_or("");
        if let Some(rest) = path.rsplit_once("/replies/").map(|(_, r)| r)
            && let Ok(id) = rest.parse::<i64>()
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    out
}

/// `@username` mentions in a body (letters, digits, `_` and `-`, as usernames allow).
pub fn mentions(body_md: &str) -> Vec<String> {
    let text = content::markdown::plain_text(body_md);
    let mut out: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if *c == '@' && boundary {
            let name: String =
                chars[i + 1..].iter().take_while(|c| c.is_alphanumeric() || **c == '_' || **c == '-').collect();
            let name = name.trim_end_matches('-').to_lowercase();
            if name.chars().count() >= 3 && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out.truncate(20);
    out
}

fn notify_mentions(
    conn: &mut DbConn,
    board: &Board,
    body_md: &str,
    actor: i64,
    content_id: i64,
    notified: &mut Vec<i64>,
) -> QueryResult<()> {
    let names = mentions(body_md);
    if names.is_empty() {
        return Ok(());
    }
    let found: Vec<User> = users::table.filter(users::username_key.eq_any(&names)).load(conn)?;
    for u in found {
        // Someone who cannot read the board is not told what was said in it.
        let current = crate::accounts::CurrentUser::from(&u);
        if !notified.contains(&u.id) && board.can_view(Some(&current)) && u.suspended_at.is_none() {
            notifications::create(conn, u.id, notifications::KIND_MENTION, Some(actor), Some(content_id))?;
            notified.push(u.id);
        }
    }
    Ok(())
}

/// Edit a topic's title and body or a reply's body, keeping the previous version.
pub fn edit(conn: &mut DbConn, content_id: i64, editor_id: i64, title: Option<&str>, body_md: &str) -> QueryResult<()> {
    conn.transaction(|conn| {
        let old = contents::table.find(content_id).first::<content::Content>(conn)?;
        diesel::insert_into(revisions::table)
            .values((
                revisions::content_id.eq(content_id),
                revisions::editor_id.eq(Some(editor_id)),
                revisions::title.eq(&old.title),
                revisions::body_md.eq(&old.body_md),
                revisions::created_at.eq(old.edited_at.unwrap_or(old.created_at)),
            ))
            .execute(conn)?;
        if let Some(t) = title {
            diesel::update(topics::table.find(content_id))
                .set(topics::slug.eq(content::slug::slugify(t)))
                .execute(conn)?;
        }
        content::save_edit(conn, content_id, title.unwrap_or(&old.title), body_md)
    })
}

/// (title, body, when it was current, who replaced it)
pub type Revision = (String, String, NaiveDateTime, Option<String>);

/// Earlier versions of a piece of content, newest first.
pub fn history(conn: &mut DbConn, content_id: i64) -> QueryResult<Vec<Revision>> {
    revisions::table
        .left_join(users::table.on(revisions::editor_id.eq(users::id.nullable())))
        .filter(revisions::content_id.eq(content_id))
        .order(revisions::id.desc())
        .select((revisions::title, revisions::body_md, revisions::created_at, users::username.nullable()))
        .load(conn)
}

/// Delete a topic (it disappears from lists; the board's counters go down).
pub fn delete_topic(conn: &mut DbConn, t: &TopicFull) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::update(contents::table.find(t.topic.content_id))
            .set(contents::deleted_at.eq(Some(crate::now())))
            .execute(conn)?;
        diesel::update(topics::table.find(t.topic.content_id)).set(topics::visible.eq(false)).execute(conn)?;
        super::reviews::forget_review(conn, t.topic.content_id)?;
        let posts = 1 + t.topic.reply_count;
        diesel::update(boards::table.find(t.board.id))
            .set((boards::topic_count.eq(boards::topic_count - 1), boards::post_count.eq(boards::post_count - posts)))
            .execute(conn)?;
        crate::search::sync_content(conn, &[t.topic.content_id])
    })
}

/// Delete a reply: its place stays (as "deleted") so later replies keep their page.
pub fn delete_reply(conn: &mut DbConn, reply_id: i64, t: &TopicFull) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::update(contents::table.find(reply_id))
            .set(contents::deleted_at.eq(Some(crate::now())))
            .execute(conn)?;
        if t.topic.accepted_reply_id == Some(reply_id) {
            diesel::update(topics::table.find(t.topic.content_id))
                .set(topics::accepted_reply_id.eq(None::<i64>))
                .execute(conn)?;
        }
        crate::search::sync_content(conn, &[reply_id])
    })
}

pub fn set_pinned(conn: &mut DbConn, topic_id: i64, pinned: bool) -> QueryResult<()> {
    diesel::update(topics::table.find(topic_id)).set(topics::pinned.eq(pinned)).execute(conn)?;
    Ok(())
}

pub fn set_locked(conn: &mut DbConn, topic_id: i64, locked: bool) -> QueryResult<()> {
    diesel::update(topics::table.find(topic_id)).set(topics::locked.eq(locked)).execute(conn)?;
    Ok(())
}

/// Mark (or change, or clear) the accepted answer and tell its author.
pub fn accept(conn: &mut DbConn, t: &TopicFull, reply_id: Option<i64>, actor: i64) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::update(topics::table.find(t.topic.content_id))
            .set(topics::accepted_reply_id.eq(reply_id))
            .execute(conn)?;
        if let Some(r) = reply_id
            && let Some((_, _, c)) = reply(conn, r)?
            && c.author_id != actor
        {
            notifications::create(conn, c.author_id, notifications::KIND_ACCEPTED, Some(actor), Some(r))?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------- likes

/// Like or unlike; the count on the content row moves in the same transaction.
pub fn set_like(conn: &mut DbConn, content_id: i64, user_id: i64, like: bool) -> QueryResult<()> {
    conn.transaction(|conn| {
        let changed = if like {
            ignore_duplicate(conn, |conn| {
                diesel::insert_into(likes::table)
                    .values((
                        likes::content_id.eq(content_id),
                        likes::user_id.eq(user_id),
                        likes::created_at.eq(crate::now()),
                    ))
                    .execute(conn)
            })?
        } else {
            diesel::delete(likes::table.filter(likes::content_id.eq(content_id)).filter(likes::user_id.eq(user_id)))
                .execute(conn)?
        };
        if changed > 0 {
            let delta = if like { 1 } else { -1 };
            diesel::update(contents::table.find(content_id))
                .set(contents::like_count.eq(contents::like_count + delta))
                .execute(conn)?;
        }
        Ok(())
    })
}

pub fn has_liked(conn: &mut DbConn, content_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        likes::table.filter(likes::content_id.eq(content_id)).filter(likes::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

/// Likes received by a user on everything they wrote.
pub fn likes_received(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    let sum: Option<i64> = contents::table
        .filter(contents::author_id.eq(user_id))
        .filter(contents::deleted_at.is_null())
        .select(diesel::dsl::sum(contents::like_count))
        .first(conn)?;
    Ok(sum.unwrap_or(0))
}

// ---------------------------------------------------------------- subscriptions

pub const TARGET_TOPIC: &str = "topic";
pub const TARGET_BOARD: &str = "board";

pub fn subscribe(conn: &mut DbConn, user_id: i64, kind: &str, target: i64) -> QueryResult<()> {
    ignore_duplicate(conn, |conn| {
        diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::user_id.eq(user_id),
                subscriptions::target_kind.eq(kind),
                subscriptions::target_id.eq(target),
                subscriptions::created_at.eq(crate::now()),
            ))
            .execute(conn)
    })?;
    Ok(())
}

pub fn unsubscribe(conn: &mut DbConn, user_id: i64, kind: &str, target: i64) -> QueryResult<()> {
    diesel::delete(
        subscriptions::table
            .filter(subscriptions::user_id.eq(user_id))
            .filter(subscriptions::target_kind.eq(kind))
            .filter(subscriptions::target_id.eq(target)),
    )
    .execute(conn)?;
    Ok(())
}

/// Follow or stop following a topic or board.
pub fn set_subscribed(conn: &mut DbConn, user_id: i64, kind: &str, target: i64, on: bool) -> QueryResult<()> {
    if on { subscribe(conn, user_id, kind, target) } else { unsubscribe(conn, user_id, kind, target) }
}

pub fn is_subscribed(conn: &mut DbConn, user_id: i64, kind: &str, target: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        subscriptions::table
            .filter(subscriptions::user_id.eq(user_id))
            .filter(subscriptions::target_kind.eq(kind))
            .filter(subscriptions::target_id.eq(target)),
    ))
    .get_result(conn)
}

fn subscribers(conn: &mut DbConn, kind: &str, target: i64) -> QueryResult<Vec<i64>> {
    subscriptions::table
        .filter(subscriptions::target_kind.eq(kind))
        .filter(subscriptions::target_id.eq(target))
        .select(subscriptions::user_id)
        .load(conn)
}

// ---------------------------------------------------------------- staff response

/// For a questions board: the median time to the first staff reply over questions asked in the
/// last 30 days, and how many questions are still waiting for staff.
pub fn staff_response(conn: &mut DbConn, board_id: i64) -> QueryResult<(Option<chrono::Duration>, i64)> {
    let since = crate::now() - chrono::Duration::days(30);
    let answered: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = topics::table
        .inner_join(contents::table)
        .filter(topics::board_id.eq(board_id))
        .filter(topics::visible.eq(true))
        .filter(contents::created_at.ge(since))
        .filter(topics::first_staff_reply_at.is_not_null())
        .select((contents::created_at, topics::first_staff_reply_at))
        .load(conn)?;
    let mut waits: Vec<chrono::Duration> =
        answered.into_iter().filter_map(|(asked, first)| first.map(|f| f - asked)).collect();
    waits.sort();
    let median = if waits.is_empty() {
        None
    } else if waits.len() % 2 == 1 {
        Some(waits[waits.len() / 2])
    } else {
        Some((waits[waits.len() / 2 - 1] + waits[waits.len() / 2]) / 2)
    };
    let waiting: i64 = topics::table
        .filter(topics::board_id.eq(board_id))
        .filter(topics::visible.eq(true))
        .filter(topics::first_staff_reply_at.is_null())
        .filter(topics::accepted_reply_id.is_null())
        .count()
        .get_result(conn)?;
    Ok((median, waiting))
}

/// Replies by an author in visible topics of the given boards, newest first: (reply id, excerpt, when, accepted).
pub fn replies_by(
    conn: &mut DbConn,
    author_id: i64,
    visible_boards: &[Board],
    limit: i64,
) -> QueryResult<Vec<(i64, String, NaiveDateTime, bool)>> {
    let board_ids: Vec<i64> = visible_boards.iter().map(|b| b.id).collect();
    let rows: Vec<(i64, String, NaiveDateTime, Option<i64>)> = replies::table
        .inner_join(contents::table)
        .inner_join(topics::table)
        .filter(contents::author_id.eq(author_id))
        .filter(contents::deleted_at.is_null())
        .filter(topics::visible.eq(true))
        .filter(topics::board_id.eq_any(&board_ids))
        .order(replies::content_id.desc())
        .limit(limit)
        .select((replies::content_id, contents::excerpt, contents::created_at, topics::accepted_reply_id))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, ex, at, acc)| (id, ex, at, acc == Some(id))).collect())
}

/// How many of a user's replies were accepted as answers (in boards the viewer may see).
pub fn accepted_count(conn: &mut DbConn, author_id: i64, visible_boards: &[Board]) -> QueryResult<i64> {
    let board_ids: Vec<i64> = visible_boards.iter().map(|b| b.id).collect();
    topics::table
        .inner_join(replies::table.on(topics::accepted_reply_id.eq(replies::content_id.nullable())))
        .inner_join(contents::table.on(contents::id.eq(replies::content_id)))
        .filter(contents::author_id.eq(author_id))
        .filter(topics::visible.eq(true))
        .filter(topics::board_id.eq_any(&board_ids))
        .count()
        .get_result(conn)
}
