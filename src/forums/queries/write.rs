//! Changing the forums: topics, replies, edits, deletions, pins, locks, accepted answers. Every
//! function here runs inside a unit of work (`&mut Tx`), on a topic its caller has locked and
//! checked with the policy; counters move with the change that moves them, once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::topic::TopicFull;
use crate::accounts::User;
use crate::content::{self, Content, PLACE_BOARD, Placement, tags::TagName};
use crate::db::schema::{boards, contents, replies, topics};
use crate::db::{DbConn, Tx};
use crate::forums::{Board, KIND_REPLY, KIND_TOPIC};
use crate::notifications::{self, subscriptions};
use crate::policy::Guard;

pub struct TopicInput {
    pub title: String,
    pub body: content::Body,
    pub tags: Vec<TagName>,
}

/// Start a topic: the content row, the topic row, tags, the board's counters, the author's
/// subscription; people @mentioned are told now, the board's followers by a job. `extra` adds
/// what the board's kind keeps (a review's rating, an idea's status) in the same unit of work.
pub fn create_topic<F>(tx: &mut Tx<'_>, board: &Board, author: &User, input: &TopicInput, extra: F) -> QueryResult<i64>
where
    F: FnOnce(&mut Tx<'_>, i64) -> QueryResult<()>,
{
    let placement = Placement::root(PLACE_BOARD, board.id, board.read_audience_id);
    let id = content::create_published(tx, KIND_TOPIC, author.id, &input.title, &input.body, placement)?;
    let now = crate::now();
    diesel::insert_into(topics::table)
        .values((
            topics::content_id.eq(id),
            topics::board_id.eq(board.id),
            topics::slug.eq(content::slug::slugify(&input.title)),
            topics::last_activity_at.eq(now),
        ))
        .execute(tx.conn())?;
    content::tags::set_for(tx, id, &input.tags)?;
    diesel::update(boards::table.find(board.id))
        .set((
            boards::topic_count.eq(boards::topic_count + 1),
            boards::post_count.eq(boards::post_count + 1),
            boards::last_activity_at.eq(Some(now)),
            boards::last_topic_id.eq(Some(id)),
        ))
        .execute(tx.conn())?;
    subscriptions::subscribe(tx, author.id, subscriptions::TARGET_TOPIC, id)?;
    let mut told = vec![author.id];
    notifications::mentions::notify(tx, input.body.md(), author.id, id, &mut told)?;
    crate::jobs::notify_followers(
        tx,
        subscriptions::TARGET_BOARD,
        board.id,
        id,
        notifications::KIND_NEW_TOPIC,
        Some(author.id),
        &told,
        "",
    )?;
    extra(tx, id)?;
    Ok(id)
}

/// Add a reply to a topic the caller locked and may reply to. Its position comes from the topic
/// row (`last_position + 1`): replies at the same moment queue on that row and get consecutive
/// positions. The topic's author, anyone quoted or @mentioned (if they may read the reply) are
/// told now, the topic's followers by a job; the replier follows the topic from now on.
pub fn create_reply(tx: &mut Tx<'_>, t: &TopicFull, author: &User, body: &content::Body) -> QueryResult<(i64, i32)> {
    let topic_id = t.topic.content_id;
    let position: i32 = diesel::update(topics::table.find(topic_id))
        .set(topics::last_position.eq(topics::last_position + 1))
        .returning(topics::last_position)
        .get_result(tx.conn())?;
    let id = content::create_published(tx, KIND_REPLY, author.id, "", body, Placement::under(&t.content))?;
    let now = crate::now();
    let is_staff = author.roles().is_staff();
    diesel::insert_into(replies::table)
        .values((
            replies::content_id.eq(id),
            replies::topic_id.eq(topic_id),
            replies::position.eq(position),
            replies::is_staff.eq(is_staff),
        ))
        .execute(tx.conn())?;
    // The first answer from staff (other than the asker) stops the response-time clock.
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
        .execute(tx.conn())?;
    diesel::update(boards::table.find(t.board.id))
        .set((
            boards::post_count.eq(boards::post_count + 1),
            boards::last_activity_at.eq(Some(now)),
            boards::last_topic_id.eq(Some(topic_id)),
        ))
        .execute(tx.conn())?;

    let mut told = vec![author.id];
    // Quoted replies: links to /replies/{id} in the body.
    for quoted in quoted_replies(body.md()) {
        if let Some((_, _, c)) = super::topic::reply(tx, quoted)? {
            notifications::notify(tx, c.author_id, notifications::KIND_QUOTE, Some(author.id), id, &mut told)?;
        }
    }
    notifications::mentions::notify(tx, body.md(), author.id, id, &mut told)?;
    notifications::notify(tx, t.content.author_id, notifications::KIND_TOPIC_REPLY, Some(author.id), id, &mut told)?;
    crate::jobs::notify_followers(
        tx,
        subscriptions::TARGET_TOPIC,
        topic_id,
        id,
        notifications::KIND_FOLLOWED_REPLY,
        Some(author.id),
        &told,
        "",
    )?;
    subscriptions::subscribe(tx, author.id, subscriptions::TARGET_TOPIC, topic_id)?;
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

/// Edit a topic's title and body or a reply's body, keeping the previous version.
pub fn edit(
    tx: &mut Tx<'_>,
    old: &Content,
    editor_id: i64,
    title: Option<&str>,
    body: &content::Body,
) -> QueryResult<()> {
    content::revisions::record(tx, old, editor_id)?;
    if let Some(t) = title {
        diesel::update(topics::table.find(old.id))
            .set(topics::slug.eq(content::slug::slugify(t)))
            .execute(tx.conn())?;
    }
    content::save_edit(tx, old.id, title.unwrap_or(&old.title), body)
}

/// A topic appeared (shown again) or disappeared (deleted, hidden): the board's counts, the
/// list's `visible` flag and, for a review, its product's ratings follow. `t` is the topic as
/// it was before.
pub fn topic_visibility(tx: &mut Tx<'_>, t: &TopicFull, visible: bool) -> QueryResult<()> {
    let topic_id = t.topic.content_id;
    diesel::update(topics::table.find(topic_id)).set(topics::visible.eq(visible)).execute(tx.conn())?;
    if visible == t.topic.visible {
        return Ok(());
    }
    let delta = if visible { 1 } else { -1 };
    // The reply count is read under the lock: it is what the board counted for this topic.
    let replies: i32 = topics::table.find(topic_id).select(topics::reply_count).first(tx.conn())?;
    // The board's latest topic is the latest one still there.
    let latest: Option<(i64, NaiveDateTime)> = topics::table
        .filter(topics::board_id.eq(t.board.id))
        .filter(topics::visible.eq(true))
        .order((topics::last_activity_at.desc(), topics::content_id.desc()))
        .select((topics::content_id, topics::last_activity_at))
        .first(tx.conn())
        .optional()?;
    diesel::update(boards::table.find(t.board.id))
        .set((
            boards::topic_count.eq(boards::topic_count + delta),
            boards::post_count.eq(boards::post_count + delta * (1 + replies)),
            boards::last_topic_id.eq(latest.map(|l| l.0)),
            boards::last_activity_at.eq(latest.map(|l| l.1)),
        ))
        .execute(tx.conn())?;
    crate::forums::reviews::review_visibility(tx, topic_id, visible)
}

/// Move a topic (locked by the caller) to another board of the same kind: its place and
/// audience follow, and its replies' with it (lists, counts, search and the page cache through
/// the unit of work), both boards' counts, and its followers are checked against who may read
/// the new board.
pub fn move_topic(tx: &mut Tx<'_>, t: &TopicFull, to: &Board) -> QueryResult<()> {
    let id = t.topic.content_id;
    if t.topic.visible {
        topic_visibility(tx, t, false)?;
    }
    diesel::update(topics::table.find(id)).set(topics::board_id.eq(to.id)).execute(tx.conn())?;
    let family: Vec<i64> = contents::table
        .filter(contents::id.eq(id).or(contents::parent_id.eq(id)))
        .select(contents::id)
        .load(tx.conn())?;
    diesel::update(contents::table.filter(contents::id.eq_any(&family)))
        .set((contents::place_id.eq(Some(to.id)), contents::audience_id.eq(to.read_audience_id)))
        .execute(tx.conn())?;
    tx.touch_all(&family);
    tx.stale(content::listing::place_key(content::PLACE_BOARD, t.board.id));
    if t.topic.visible {
        let moved = super::topic(tx, id)?.ok_or(diesel::result::Error::NotFound)?;
        topic_visibility(tx, &moved, true)?;
    }
    crate::jobs::recheck_subscriptions(tx, crate::jobs::Recheck::Board(to.id))
}

/// Merge topic `src` into `dst` (both locked by the caller): the source's opening post becomes
/// a reply of the target and its replies follow, after the target's own (positions appended,
/// never reused); its tags join the target's, its followers follow the target, and the source
/// topic is gone (its address leads to the post, now a reply). The boards' and the target's
/// counts follow. Returns the ids that moved, the opening post first.
///
/// A reply's `parent_id` changes here, and only here: `content::lock` reads it before holding
/// anything, so a change of a moved reply that started meanwhile waits on the source topic's
/// row (held here) and then finds the reply under its new topic.
pub fn merge_topics(tx: &mut Tx<'_>, src: &TopicFull, dst: &TopicFull, editor_id: i64) -> QueryResult<Vec<i64>> {
    let (src_id, dst_id) = (src.topic.content_id, dst.topic.content_id);
    if src.topic.visible {
        topic_visibility(tx, src, false)?;
    }
    // Tags: the target keeps its own and gains the source's (up to the limit).
    let tags = content::tags::for_contents(tx, &[src_id, dst_id])?;
    let mut names: Vec<TagName> = Vec::new();
    for t in tags.get(&dst_id).into_iter().chain(tags.get(&src_id)).flatten() {
        if let Ok(n) = TagName::parse(&t.name)
            && !names.iter().any(|have| have.slug == n.slug)
            && names.len() < content::tags::MAX_TAGS
        {
            names.push(n);
        }
    }
    content::tags::set_for(tx, dst_id, &names)?;
    content::tags::set_for(tx, src_id, &[])?;
    // The opening post keeps its title in its history; as a reply it has none.
    content::revisions::record(tx, &src.content, editor_id)?;
    let mut moved: Vec<(i64, bool)> = vec![(src_id, src.author.roles.is_staff())];
    let replies_of: Vec<(i64, bool)> = replies::table
        .filter(replies::topic_id.eq(src_id))
        .order(replies::position.asc())
        .select((replies::content_id, replies::is_staff))
        .load(tx.conn())?;
    moved.extend(replies_of);
    let ids: Vec<i64> = moved.iter().map(|m| m.0).collect();
    diesel::update(contents::table.filter(contents::id.eq_any(&ids)))
        .set((
            contents::parent_id.eq(Some(dst_id)),
            contents::place_id.eq(Some(dst.board.id)),
            contents::audience_id.eq(dst.board.read_audience_id),
        ))
        .execute(tx.conn())?;
    diesel::update(contents::table.find(src_id))
        .set((contents::kind.eq(KIND_REPLY), contents::title.eq("")))
        .execute(tx.conn())?;
    crate::search::kind_changed(tx, src_id)?;
    diesel::delete(replies::table.filter(replies::topic_id.eq(src_id))).execute(tx.conn())?;
    let mut position: i32 = topics::table.find(dst_id).select(topics::last_position).first(tx.conn())?;
    for (id, is_staff) in &moved {
        position += 1;
        diesel::insert_into(replies::table)
            .values((
                replies::content_id.eq(id),
                replies::topic_id.eq(dst_id),
                replies::position.eq(position),
                replies::is_staff.eq(is_staff),
            ))
            .execute(tx.conn())?;
    }
    // Followers of the source follow the target.
    let followers: Vec<i64> = crate::db::schema::subscriptions::table
        .filter(crate::db::schema::subscriptions::target_kind.eq(subscriptions::TARGET_TOPIC))
        .filter(crate::db::schema::subscriptions::target_id.eq(src_id))
        .select(crate::db::schema::subscriptions::user_id)
        .load(tx.conn())?;
    for user in followers {
        subscriptions::subscribe(tx, user, subscriptions::TARGET_TOPIC, dst_id)?;
    }
    diesel::delete(
        crate::db::schema::subscriptions::table
            .filter(crate::db::schema::subscriptions::target_kind.eq(subscriptions::TARGET_TOPIC))
            .filter(crate::db::schema::subscriptions::target_id.eq(src_id)),
    )
    .execute(tx.conn())?;
    diesel::delete(topics::table.find(src_id)).execute(tx.conn())?;
    content::refresh_live(tx, &ids)?;
    // The target's counts, from its rows: what is there (not deleted, not hidden).
    let shown: Vec<(i64, NaiveDateTime)> = replies::table
        .inner_join(contents::table.on(contents::id.eq(replies::content_id)))
        .filter(replies::topic_id.eq(dst_id))
        .filter(contents::deleted_at.is_null())
        .filter(contents::hidden_at.is_null())
        .order((contents::created_at.desc(), contents::id.desc()))
        .select((contents::id, contents::created_at))
        .load(tx.conn())?;
    let count = i32::try_from(shown.len()).unwrap_or(i32::MAX);
    let last = shown.first().copied();
    let activity = last.map_or(dst.topic.last_activity_at, |l| l.1.max(dst.topic.last_activity_at));
    diesel::update(topics::table.find(dst_id))
        .set((
            topics::last_position.eq(position),
            topics::reply_count.eq(count),
            topics::last_reply_id.eq(last.map(|l| l.0)),
            topics::last_activity_at.eq(activity),
        ))
        .execute(tx.conn())?;
    if dst.topic.visible {
        diesel::update(boards::table.find(dst.board.id))
            .set(boards::post_count.eq(boards::post_count + (count - dst.topic.reply_count)))
            .execute(tx.conn())?;
    }
    tx.touch_all(&ids);
    tx.touch(dst_id);
    tx.stale(content::listing::place_key(content::PLACE_BOARD, src.board.id));
    crate::jobs::recheck_subscriptions(tx, crate::jobs::Recheck::Board(dst.board.id))?;
    Ok(ids)
}

/// Delete a topic (it leaves every list; its replies stop being live with it). Returns false
/// when it was deleted already: a second delete changes nothing.
pub fn delete_topic(tx: &mut Tx<'_>, t: &TopicFull) -> QueryResult<bool> {
    if !content::delete(tx, t.topic.content_id)? {
        return Ok(false);
    }
    topic_visibility(tx, t, false)?;
    Ok(true)
}

/// A reply appeared or disappeared: its topic's count, and its board's while the topic is there.
/// A reply that disappears stops being the accepted answer (the question is unanswered again
/// for everyone who can no longer read it); showing it again does not accept it again.
pub fn reply_visibility(tx: &mut Tx<'_>, topic_id: i64, reply_id: i64, visible: bool) -> QueryResult<()> {
    if !visible {
        diesel::update(topics::table.find(topic_id).filter(topics::accepted_reply_id.eq(reply_id)))
            .set(topics::accepted_reply_id.eq(None::<i64>))
            .execute(tx.conn())?;
        tx.touch_all(&[topic_id, reply_id]);
    }
    let delta = if visible { 1 } else { -1 };
    diesel::update(topics::table.find(topic_id))
        .set(topics::reply_count.eq(topics::reply_count + delta))
        .execute(tx.conn())?;
    let (board_id, topic_visible): (i64, bool) =
        topics::table.find(topic_id).select((topics::board_id, topics::visible)).first(tx.conn())?;
    if topic_visible {
        diesel::update(boards::table.find(board_id))
            .set(boards::post_count.eq(boards::post_count + delta))
            .execute(tx.conn())?;
    }
    Ok(())
}

/// Delete a reply: its place stays (as "deleted") so later replies keep their page. Returns
/// false when it was deleted already.
pub fn delete_reply(tx: &mut Tx<'_>, reply: &Content, t: &TopicFull) -> QueryResult<bool> {
    if !content::delete(tx, reply.id)? {
        return Ok(false);
    }
    if !reply.is_hidden() {
        reply_visibility(tx, t.topic.content_id, reply.id, false)?;
    }
    Ok(true)
}

pub fn set_pinned(tx: &mut Tx<'_>, topic_id: i64, pinned: bool) -> QueryResult<()> {
    diesel::update(topics::table.find(topic_id)).set(topics::pinned.eq(pinned)).execute(tx.conn())?;
    Ok(())
}

pub fn set_locked(tx: &mut Tx<'_>, topic_id: i64, locked: bool) -> QueryResult<()> {
    diesel::update(topics::table.find(topic_id)).set(topics::locked.eq(locked)).execute(tx.conn())?;
    Ok(())
}

/// Mark (or change, or clear) the accepted answer of a topic the caller locked, and tell its
/// author. Accepting what is already accepted changes nothing and tells no one again.
pub fn accept(tx: &mut Tx<'_>, t: &TopicFull, reply_id: Option<i64>, actor: i64) -> QueryResult<()> {
    if t.topic.accepted_reply_id == reply_id {
        return Ok(());
    }
    diesel::update(topics::table.find(t.topic.content_id))
        .set(topics::accepted_reply_id.eq(reply_id))
        .execute(tx.conn())?;
    // The topic's page and list entry, and both answers' authors' counts, change.
    tx.touch(t.topic.content_id);
    tx.touch_all(&[t.topic.accepted_reply_id, reply_id].into_iter().flatten().collect::<Vec<_>>());
    if let Some(r) = reply_id
        && let Some((_, _, c)) = super::topic::reply(tx, r)?
    {
        notifications::notify(tx, c.author_id, notifications::KIND_ACCEPTED, Some(actor), r, &mut vec![actor])?;
    }
    Ok(())
}

// ---------------------------------------------------------------- staff response

/// For a questions board: the median time to the first staff reply over questions asked in the
/// last 30 days, and how many questions are still waiting for staff.
/// Counted over the questions the viewer may read.
pub fn staff_response(conn: &mut DbConn, guard: &Guard, board_id: i64) -> QueryResult<(Option<chrono::Duration>, i64)> {
    let since = crate::now() - chrono::Duration::days(30);
    let answered: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = topics::table
        .inner_join(contents::table)
        .filter(topics::board_id.eq(board_id))
        .filter(contents::created_at.ge(since))
        .filter(topics::first_staff_reply_at.is_not_null())
        .into_boxed()
        .filter(guard.content_filter())
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
        .inner_join(contents::table)
        .filter(topics::board_id.eq(board_id))
        .filter(topics::first_staff_reply_at.is_null())
        .filter(topics::accepted_reply_id.is_null())
        .into_boxed()
        .filter(guard.content_filter())
        .count()
        .get_result(conn)?;
    Ok((median, waiting))
}

/// Replies by an author that the viewer may read, newest first: (reply id, excerpt, when, accepted).
pub fn replies_by(
    conn: &mut DbConn,
    guard: &Guard,
    author_id: i64,
    limit: i64,
) -> QueryResult<Vec<(i64, String, NaiveDateTime, bool)>> {
    let rows: Vec<(i64, String, NaiveDateTime, Option<i64>)> = replies::table
        .inner_join(contents::table)
        .inner_join(topics::table)
        .filter(contents::author_id.eq(author_id))
        .filter(contents::kind.eq(crate::forums::KIND_REPLY))
        .into_boxed()
        .filter(guard.content_filter())
        // Down the author's index (author, kind, live, id), not every reply of the site.
        .order(contents::id.desc())
        .limit(limit)
        .select((replies::content_id, contents::excerpt, contents::created_at, topics::accepted_reply_id))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, ex, at, acc)| (id, ex, at, acc == Some(id))).collect())
}

/// How many of a user's replies were accepted as answers, among what the viewer may read.
pub fn accepted_count(conn: &mut DbConn, guard: &Guard, author_id: i64) -> QueryResult<i64> {
    Ok(crate::content::listing::author_counts(conn, guard, author_id)?.1)
}
