//! What a board's kind adds to a topic's page. Questions show the accepted answer, reviews the
//! rating and the official response, ideas the status, votes and history. Each kind renders its
//! own panel from its own template; the topic page asks the board's kind for it and never knows
//! what is inside.

use crate::db::DbConn;
use crate::error::AppResult;
use crate::policy::Guard;
use crate::web::{PageCtx, Rendered};

use super::queries::TopicFull;

/// Text typed into a panel's form (an official response, a status note) and its problem, when
/// the topic page is shown again instead of saving.
#[derive(Clone, Debug, Default)]
pub struct PanelForm {
    pub text: String,
    pub error: String,
    /// A choice made in the form (an idea's new status), kept with the text.
    pub choice: String,
    /// A second field (the idea a duplicate is merged into).
    pub extra: String,
}

/// A panel's two places on the topic page.
#[derive(Default)]
pub struct Panel {
    /// Under the title (a review's stars).
    pub head: Rendered,
    /// Under the topic's first post.
    pub after_body: Rendered,
    /// What the page is, for search engines, when the kind says more than a discussion
    /// (`QAPage`, `Review`); else the topic page describes a `DiscussionForumPosting`.
    pub structured: Option<serde_json::Value>,
}

pub trait TopicPanel: Sync {
    /// The board kind it belongs to.
    fn board_kind(&self) -> &'static str;

    fn render(
        &self,
        conn: &mut DbConn,
        ctx: &PageCtx,
        guard: &Guard,
        t: &TopicFull,
        replies: &[super::ReplyView],
        form: &PanelForm,
    ) -> AppResult<Panel>;
}

/// The panels of the board kinds that have one.
pub fn for_board(kind: &str) -> Option<&'static dyn TopicPanel> {
    let all: [&'static dyn TopicPanel; 3] = [&super::questions::PANEL, &super::reviews::PANEL, &super::ideas::PANEL];
    all.into_iter().find(|p| p.board_kind() == kind)
}

/// A topic's post as schema.org sees one: its title, text, author, dates and address. Kinds
/// add to it (a question's answers, a review's rating).
pub fn posting(ctx: &PageCtx, t: &TopicFull) -> serde_json::Map<String, serde_json::Value> {
    use crate::web::structured::{date, person, text};
    let published = t.content.published_at.unwrap_or(t.content.created_at);
    let url = ctx.absolute(&t.path());
    let v = serde_json::json!({
        "headline": t.content.title,
        "name": t.content.title,
        "text": text(&crate::content::markdown::plain_text(&t.content.body_md)),
        "url": url,
        "author": person(ctx, &t.author),
        "datePublished": date(&published),
        "dateCreated": date(&t.content.created_at),
        "dateModified": date(&t.content.edited_at.unwrap_or(published)),
        "inLanguage": crate::content::piece_lang(&t.content.title, &t.content.excerpt),
    });
    match v {
        serde_json::Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}

/// A reply as schema.org sees one (a `Comment`, or an `Answer` on a question).
pub fn reply_item(ctx: &PageCtx, t: &TopicFull, r: &super::ReplyView, kind: &str) -> serde_json::Value {
    use crate::web::structured::{date, person, text};
    serde_json::json!({
        "@type": kind,
        "text": text(&crate::content::markdown::plain_text(&r.body_md)),
        "author": person(ctx, &r.author),
        "datePublished": date(&r.created_at),
        "dateCreated": date(&r.created_at),
        "url": ctx.absolute(&format!("{}#r{}", t.path(), r.id)),
        "upvoteCount": r.like_count,
    })
}
