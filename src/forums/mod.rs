//! Customer forums: boards (discussion, questions, reviews, ideas), topics and replies.
//! Topics and replies are `contents` rows like blog posts, so tags, feeds, notifications,
//! likes and edit history are shared with the rest of the site.

pub mod admin;
pub mod handlers;
pub mod ideas;
pub mod queries;
pub mod reviews;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::{AuthorView, CurrentUser};
use crate::content::SafeHtml;
use crate::content::tags::TagView;
use crate::db::schema::{board_groups, boards};

pub const KIND_TOPIC: &str = "topic";
pub const KIND_REPLY: &str = "reply";

pub const BOARD_DISCUSSION: &str = "discussion";
pub const BOARD_QUESTIONS: &str = "questions";
pub const BOARD_REVIEWS: &str = "reviews";
pub const BOARD_IDEAS: &str = "ideas";
pub const BOARD_KINDS: [&str; 4] = [BOARD_DISCUSSION, BOARD_QUESTIONS, BOARD_REVIEWS, BOARD_IDEAS];

pub const ACCESS_EVERYONE: &str = "everyone";
pub const ACCESS_MEMBERS: &str = "members";
pub const ACCESS_EMPLOYEES: &str = "employees";

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
    pub view_access: String,
    pub post_access: String,
    pub position: i32,
    pub topic_count: i32,
    pub post_count: i32,
    pub last_activity_at: Option<NaiveDateTime>,
    pub last_topic_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Board {
    pub fn path(&self) -> String {
        format!("/forums/{}", crate::web::path_segment(&self.slug))
    }

    /// Who may read the board: everyone, logged-in members, or staff only (an internal board).
    pub fn can_view(&self, user: Option<&CurrentUser>) -> bool {
        match self.view_access.as_str() {
            ACCESS_EVERYONE => true,
            ACCESS_MEMBERS => user.is_some(),
            _ => user.is_some_and(|u| u.role.is_staff()),
        }
    }

    /// Who may start topics: members, or employees only (e.g. an announcements board).
    pub fn can_start_topic(&self, user: Option<&CurrentUser>) -> bool {
        self.can_view(user)
            && match self.post_access.as_str() {
                ACCESS_MEMBERS => user.is_some(),
                _ => user.is_some_and(|u| u.role.is_staff()),
            }
    }

    /// Anyone who can read the board and is logged in may reply (unless the topic is locked).
    pub fn can_reply(&self, user: Option<&CurrentUser>) -> bool {
        user.is_some() && self.can_view(user)
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

    pub fn is_internal(&self) -> bool {
        self.view_access == ACCESS_EMPLOYEES
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

pub fn access_key(access: &str) -> &'static str {
    match access {
        ACCESS_MEMBERS => "access-members",
        ACCESS_EMPLOYEES => "access-employees",
        _ => "access-everyone",
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
    pub deleted: bool,
    pub is_staff: bool,
    pub like_count: i32,
    pub liked: bool,
    pub accepted: bool,
}

impl ReplyView {
    pub fn likes(&self) -> i64 {
        i64::from(self.like_count)
    }
}
