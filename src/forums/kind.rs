//! Forum topics and replies as content kinds.

use std::collections::HashMap;

use diesel::prelude::*;

use super::queries;
use crate::content::kind::{ContentKind, ModeratorEdit};
use crate::content::{Body, Content};
use crate::db::schema::{boards, replies, topics};
use crate::db::{DbConn, Tx};
use crate::web::Lang;

pub struct TopicKind;
pub struct ReplyKind;

pub static TOPIC: TopicKind = TopicKind;
pub static REPLY: ReplyKind = ReplyKind;

/// Paths of topics by id, in one query.
pub fn topic_paths(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    let rows: Vec<(i64, String, String)> = topics::table
        .inner_join(boards::table)
        .filter(topics::content_id.eq_any(ids))
        .select((topics::content_id, topics::slug, boards::slug))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, slug, board)| (id, super::topic_path(&board, id, &slug))).collect())
}

impl ContentKind for TopicKind {
    fn kind(&self) -> &'static str {
        super::KIND_TOPIC
    }

    fn moderator_edit(&self) -> Option<ModeratorEdit> {
        Some(ModeratorEdit { titled: true, max_chars: super::compose::BODY_MAX })
    }

    fn save_moderator_edit(
        &self,
        tx: &mut Tx<'_>,
        old: &Content,
        editor_id: i64,
        title: &str,
        body: &Body,
    ) -> QueryResult<()> {
        super::queries::edit(tx, old, editor_id, Some(title), body)
    }

    fn label_key(&self) -> &'static str {
        "search-kind-topic"
    }

    fn noun_key(&self) -> &'static str {
        "noun-topic"
    }

    fn paths(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        topic_paths(conn, ids)
    }

    fn permalink(&self, id: i64, _parent_id: Option<i64>) -> String {
        format!("/topics/{id}")
    }

    fn visibility_changed(&self, tx: &mut Tx<'_>, c: &Content, visible: bool) -> QueryResult<()> {
        tx.lock("topics", "content_id", c.id)?;
        // Read with `deleted_at IS NULL`: a hidden topic is still there.
        match queries::topic(tx, c.id)? {
            Some(t) => queries::topic_visibility(tx, &t, visible),
            None => Ok(()),
        }
    }

    fn removed(&self, tx: &mut Tx<'_>, c: &Content) -> QueryResult<()> {
        super::reviews::remove_review(tx, c.id)
    }
}

impl ContentKind for ReplyKind {
    fn kind(&self) -> &'static str {
        super::KIND_REPLY
    }

    fn moderator_edit(&self) -> Option<ModeratorEdit> {
        Some(ModeratorEdit { titled: false, max_chars: super::compose::BODY_MAX })
    }

    fn accepted_among(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
        topics::table
            .filter(topics::accepted_reply_id.eq_any(ids.iter().map(|&i| Some(i)).collect::<Vec<_>>()))
            .select(topics::accepted_reply_id.assume_not_null())
            .load(conn)
    }

    fn label_key(&self) -> &'static str {
        "search-kind-reply"
    }

    fn noun_key(&self) -> &'static str {
        "noun-reply"
    }

    /// A reply's address is its topic's page that holds its position.
    fn paths(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        let rows: Vec<(i64, i64, i32)> = replies::table
            .filter(replies::content_id.eq_any(ids))
            .select((replies::content_id, replies::topic_id, replies::position))
            .load(conn)?;
        let topics = topic_paths(conn, &rows.iter().map(|r| r.1).collect::<Vec<_>>())?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, topic, position)| Some((id, super::reply_path(topics.get(&topic)?, id, position))))
            .collect())
    }

    fn permalink(&self, id: i64, _parent_id: Option<i64>) -> String {
        format!("/replies/{id}")
    }

    fn feed_title(&self, _title: &str, author: &str, lang: Lang) -> String {
        lang.ta("feed-reply-by", &[("author", author.to_string())])
    }

    fn visibility_changed(&self, tx: &mut Tx<'_>, c: &Content, visible: bool) -> QueryResult<()> {
        match c.parent_id {
            Some(topic) => {
                tx.lock("topics", "content_id", topic)?;
                queries::reply_visibility(tx, topic, c.id, visible)
            }
            None => Ok(()),
        }
    }
}
