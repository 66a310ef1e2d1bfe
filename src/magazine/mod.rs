//! The e-magazine: issues that editors assemble and customers co-write.
//!
//! An issue is a `contents` row (kind `magazine_issue`: its title, the editor's note as its text)
//! with a `magazine_issues` row (number, theme, cover, stage). Its articles are `contents` rows
//! under it (kind `article`, parent the issue), so the issue's state is theirs: publishing the
//! issue puts every article live at once, in pages, feeds, the sitemap and search, and before
//! that no list, feed or search shows them (they are not live). An article's row holds the text
//! readers see; every save is a `magazine_revisions` row (who, when, a summary, the size change).
//!
//! Who may read and write is the policy's (`Guard::can_read_issue`, `can_edit_article`,
//! `can_edit_magazine`); this part gives it the facts.

pub mod areas;
pub mod call_pages;
pub mod calls;
pub mod contributions;
pub mod diff;
pub mod editor;
pub mod epub;
pub mod feeds;
pub mod kind;
pub mod pages;
pub mod polls;
pub mod queries;
pub mod review;
pub mod revisions;
pub mod stats;

use chrono::NaiveDateTime;

use crate::policy::{ArticleFacts, MagazineFacts};

pub const KIND_ISSUE: &str = "magazine_issue";
pub const KIND_ARTICLE: &str = "article";
/// `contents.place_kind` of issues and articles (`place_id`: the issue).
pub const PLACE: &str = "magazine";

/// Where an issue is on its way to readers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Draft,
    Review,
    Scheduled,
    Published,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Draft, Stage::Review, Stage::Scheduled, Stage::Published];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Review => "review",
            Stage::Scheduled => "scheduled",
            Stage::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Stage::Draft => "magazine-stage-draft",
            Stage::Review => "magazine-stage-review",
            Stage::Scheduled => "magazine-stage-scheduled",
            Stage::Published => "magazine-stage-published",
        }
    }
}

/// How an article is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Editors and assigned writers.
    Closed,
    /// Any member, wiki-style (edits of members not yet trusted wait for review).
    Open,
    /// Its text by editors and writers; readers take part through contribution areas.
    Contributions,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Closed, Mode::Open, Mode::Contributions];

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Closed => "closed",
            Mode::Open => "open",
            Mode::Contributions => "contributions",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Mode::Closed => "magazine-mode-closed",
            Mode::Open => "magazine-mode-open",
            Mode::Contributions => "magazine-mode-contributions",
        }
    }
}

/// Words an article's address cannot be: the issue's own pages.
pub const RESERVED_SLUGS: [&str; 8] = ["edit", "stage", "sections", "articles", "new", "feed", "review", "epub"];

#[derive(Clone, Debug)]
pub struct Issue {
    pub id: i64,
    pub number: i32,
    pub title: String,
    pub theme: String,
    pub note_md: String,
    pub note_html: String,
    pub cover_media_id: Option<i64>,
    pub stage: String,
    pub publish_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
    pub live: bool,
}

impl Issue {
    pub fn path(&self) -> String {
        issue_path(self.number)
    }

    pub fn stage(&self) -> Stage {
        Stage::parse(&self.stage).unwrap_or(Stage::Draft)
    }

    pub fn stage_key(&self) -> &'static str {
        self.stage().label_key()
    }

    pub fn cover_src(&self) -> Option<String> {
        self.cover_media_id.map(|id| format!("/media/{id}/large"))
    }

    pub fn facts(&self, writes_in_issue: bool) -> MagazineFacts {
        MagazineFacts { issue_live: self.live, writes_in_issue }
    }
}

#[derive(Clone, Debug)]
pub struct Section {
    pub id: i64,
    pub title: String,
    pub position: i32,
}

/// An article as lists and its page show it.
#[derive(Clone, Debug)]
pub struct Article {
    pub id: i64,
    pub issue_id: i64,
    pub issue_number: i32,
    pub section_id: Option<i64>,
    pub position: i32,
    pub slug: String,
    pub mode: String,
    pub title: String,
    pub excerpt: String,
    pub body_md: String,
    pub body_html: String,
    pub approved_revision_id: Option<i64>,
    pub updated_at: NaiveDateTime,
    pub live: bool,
    pub comment_count: i32,
    pub comments_open: bool,
}

impl Article {
    pub fn path(&self) -> String {
        article_path(self.issue_number, &self.slug)
    }

    pub fn mode(&self) -> Mode {
        Mode::parse(&self.mode).unwrap_or(Mode::Closed)
    }

    pub fn mode_key(&self) -> &'static str {
        self.mode().label_key()
    }

    pub fn facts(&self, writer: bool) -> ArticleFacts {
        ArticleFacts { open: self.mode() == Mode::Open, writer }
    }
}

pub fn issue_path(number: i32) -> String {
    format!("/magazine/{number}")
}

/// Readable in any script: `/magazine/3/春天的照片` (the browser shows it; the wire carries it
/// percent-encoded).
pub fn article_path(number: i32, slug: &str) -> String {
    format!("/magazine/{number}/{}", crate::web::path_segment(slug))
}

/// An issue number as its address spells it (digits, no sign or leading zero).
pub fn parse_number(s: &str) -> Option<i32> {
    crate::web::canonical_number(s).and_then(|n| i32::try_from(n).ok())
}

/// A size change as the history shows it: `+12`, `-3`, `0`.
pub fn signed(d: i32) -> String {
    if d > 0 { format!("+{d}") } else { d.to_string() }
}
