//! Customer forums: boards (discussion, questions, reviews, ideas), topics and replies.
//! Topics and replies are `contents` rows like blog posts, so tags, feeds, notifications,
//! likes and edit history are shared with the rest of the site.

pub mod access;
pub mod actions;
pub mod admin;
pub mod board_pages;
pub mod compose;
pub mod feeds;
pub mod history;
pub mod ideas;
pub mod kind;
pub mod panels;
pub mod queries;
pub mod questions;
pub mod reviews;
pub mod topic_page;
pub mod views;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::AuthorView;
use crate::content::SafeHtml;
use crate::content::tags::TagView;
use crate::db::schema::{board_groups, boards};
use crate::policy::BoardFacts;

pub const KIND_TOPIC: &str = "topic";
pub const KIND_REPLY: &str = "reply";

pub const BOARD_DISCUSSION: &str = "discussion";
pub const BOARD_QUESTIONS: &str = "questions";
pub const BOARD_REVIEWS: &str = "reviews";
pub const BOARD_IDEAS: &str = "ideas";
pub const BOARD_KINDS: [&str; 4] = [BOARD_DISCUSSION, BOARD_QUESTIONS, BOARD_REVIEWS, BOARD_IDEAS];

/// Replies shown per page of a topic.
pub const REPLIES_PER_PAGE: i64 = 20;
/// Topics per page of a board.
pub const TOPICS_PER_PAGE: i64 = 25;

#[derive(Queryable, Identifiable, Clone, Debug)]
#[diesel(table_name = board_groups)]
pub struct BoardGroup {
    pub id: i64,
    pub name: String,
    pub position: i32,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Identifiable, Clone, Debug)]
#[diesel(table_name = boards)]
pub struct Board {
    pub id: i64,
    pub group_id: Option<i64>,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: String,
    pub position: i32,
    pub topic_count: i32,
    pub post_count: i32,
    pub last_activity_at: Option<NaiveDateTime>,
    pub last_topic_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Who may read it (and everything on it): an audience of the policy.
    pub read_audience_id: i64,
    /// Who may start topics on it.
    pub post_audience_id: i64,
    /// Whose posts wait for a moderator: off, new (trust level 0), all (every member's).
    pub premoderation: String,
    /// Slow mode: a member posts here at most once per this many seconds (0: off).
    pub slow_mode_seconds: i32,
    /// Only staff post here.
    pub read_only: bool,
    /// When slow mode or read-only ends (None: when changed back).
    pub mode_until: Option<NaiveDateTime>,
}

impl Board {
    pub fn path(&self) -> String {
        format!("/forums/{}", crate::web::path_segment(&self.slug))
    }

    /// What the policy needs to know about the board.
    pub fn facts(&self) -> BoardFacts {
        BoardFacts {
            read_audience_id: self.read_audience_id,
            post_audience_id: self.post_audience_id,
            questions: self.is_questions(),
        }
    }

    pub fn is_questions(&self) -> bool {
        self.kind == BOARD_QUESTIONS
    }

    pub fn is_reviews(&self) -> bool {
        self.kind == BOARD_REVIEWS
    }

    pub fn is_ideas(&self) -> bool {
        self.kind == BOARD_IDEAS
    }

    pub fn kind_key(&self) -> &'static str {
        kind_key(&self.kind)
    }

    /// Catalog key of the "start" button: ask, review, suggest or start a topic.
    pub fn start_key(&self) -> &'static str {
        match self.kind.as_str() {
            BOARD_QUESTIONS => "topic-start-questions",
            BOARD_REVIEWS => "topic-start-reviews",
            BOARD_IDEAS => "topic-start-ideas",
            _ => "topic-start",
        }
    }

    /// Catalog key of the title of the form that edits a topic of this board's kind.
    pub fn edit_key(&self) -> &'static str {
        match self.kind.as_str() {
            BOARD_QUESTIONS => "topic-edit-questions",
            BOARD_REVIEWS => "topic-edit-reviews",
            BOARD_IDEAS => "topic-edit-ideas",
            _ => "topic-edit-title",
        }
    }
}

pub fn kind_key(kind: &str) -> &'static str {
    match kind {
        BOARD_QUESTIONS => "board-kind-questions",
        BOARD_REVIEWS => "board-kind-reviews",
        BOARD_IDEAS => "board-kind-ideas",
        _ => "board-kind-discussion",
    }
}

/// Path of a topic: the id keeps it stable, the slug keeps it readable.
pub fn topic_path(board_slug: &str, id: i64, slug: &str) -> String {
    if slug.is_empty() {
        format!("/forums/{}/{id}", crate::web::path_segment(board_slug))
    } else {
        format!("/forums/{}/{id}-{}", crate::web::path_segment(board_slug), crate::web::path_segment(slug))
    }
}

/// Where a reply is: its topic's page that holds its position, and its anchor.
pub fn reply_path(topic_path: &str, reply_id: i64, position: i32) -> String {
    let page = (i64::from(position) - 1) / REPLIES_PER_PAGE + 1;
    if page > 1 { format!("{topic_path}?page={page}#r{reply_id}") } else { format!("{topic_path}#r{reply_id}") }
}

/// A topic as board lists, profiles and tag pages show it.
#[derive(Clone, Debug)]
pub struct TopicCard {
    pub id: i64,
    pub title: String,
    pub path: String,
    pub excerpt: String,
    pub author: AuthorView,
    pub board_name: String,
    pub board_path: String,
    pub created_at: NaiveDateTime,
    pub last_activity_at: NaiveDateTime,
    pub reply_count: i32,
    pub view_count: i64,
    pub like_count: i32,
    pub pinned: bool,
    pub locked: bool,
    /// Questions: has an accepted answer.
    pub answered: bool,
    pub board_kind: String,
    pub tags: Vec<TagView>,
    /// A review's rating and product (review boards' topics).
    pub review: Option<ReviewMark>,
}

/// What a review list shows of a review: its stars and what it reviews.
#[derive(Clone, Debug)]
pub struct ReviewMark {
    pub rating: i32,
    pub product: String,
    pub product_path: String,
}

impl ReviewMark {
    pub fn stars(&self) -> String {
        reviews::stars(self.rating)
    }
}

impl TopicCard {
    pub fn is_question(&self) -> bool {
        self.board_kind == BOARD_QUESTIONS
    }

    /// Catalog key of the board's kind (profiles label reviews and ideas).
    pub fn kind_key(&self) -> &'static str {
        kind_key(&self.board_kind)
    }

    pub fn replies(&self) -> i64 {
        i64::from(self.reply_count)
    }

    pub fn likes(&self) -> i64 {
        i64::from(self.like_count)
    }

    pub fn views(&self) -> i64 {
        self.view_count
    }
}

/// One reply on a topic page.
#[derive(Clone, Debug)]
pub struct ReplyView {
    pub id: i64,
    pub position: i32,
    pub author_id: i64,
    pub author: AuthorView,
    pub body_html: SafeHtml,
    pub body_md: String,
    pub created_at: NaiveDateTime,
    pub edited_at: Option<NaiveDateTime>,
    /// Deleted, or hidden from this viewer: a placeholder keeping its place.
    pub deleted: bool,
    /// Hidden by a moderator (shown to moderators and its author with a mark).
    pub hidden: bool,
    /// Hidden until a moderator approves it.
    pub held: bool,
    /// Deleted (its place stays).
    pub is_deleted: bool,
    pub is_staff: bool,
    pub like_count: i32,
    pub liked: bool,
    pub accepted: bool,
    pub can_edit: bool,
    pub can_delete: bool,
    pub can_like: bool,
    pub can_hide: bool,
}

impl ReplyView {
    pub fn likes(&self) -> i64 {
        i64::from(self.like_count)
    }
}
