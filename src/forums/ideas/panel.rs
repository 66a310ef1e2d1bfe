//! The topic page's panel of this board kind.

use askama::Template;

use crate::db::DbConn;
use crate::error::AppResult;
use crate::forums::panels::{Panel, PanelForm, TopicPanel};
use crate::forums::queries::{self as q, TopicFull};
use crate::policy::Guard;
use crate::web::{PageCtx, Rendered};

use super::*;

// ---------------------------------------------------------------- the topic page's panel

pub struct IdeasPanel;

pub static PANEL: IdeasPanel = IdeasPanel;

#[derive(Template)]
#[template(path = "forums/panels/idea.html")]
struct IdeaBox<'a> {
    ctx: &'a PageCtx,
    topic_id: i64,
    status: IdeaStatus,
    votes: i32,
    voted: bool,
    merged_into: Option<(String, String)>,
    history: Vec<StatusChange>,
    statuses: Vec<IdeaStatus>,
    /// May vote (or withdraw a vote) now.
    can_vote: bool,
    can_change_status: bool,
    form: &'a PanelForm,
}

impl IdeaBox<'_> {
    pub fn vote_count(&self) -> i64 {
        i64::from(self.votes)
    }
}

impl TopicPanel for IdeasPanel {
    fn board_kind(&self) -> &'static str {
        crate::forums::BOARD_IDEAS
    }

    fn render(
        &self,
        conn: &mut DbConn,
        ctx: &PageCtx,
        guard: &Guard,
        t: &TopicFull,
        _: &[crate::forums::ReplyView],
        form: &PanelForm,
    ) -> AppResult<Panel> {
        let id = t.topic.content_id;
        let Some((row, status)) = idea_of(conn, id)? else { return Ok(Panel::default()) };
        let voted = match guard.user_id() {
            Some(u) => has_voted(conn, id, u)?,
            None => false,
        };
        let merged_into = match row.merged_into_id {
            Some(target) => q::topic(conn, target)?
                .filter(|m| guard.can_read(&m.facts(), crate::policy::Place::None))
                .map(|m| (m.content.title.clone(), m.path())),
            None => None,
        };
        let closed = status.is_closed || row.merged_into_id.is_some();
        Ok(Panel {
            structured: None,
            head: Rendered::default(),
            after_body: Rendered::of(&IdeaBox {
                ctx,
                topic_id: id,
                votes: row.vote_count,
                can_vote: guard.can_vote(&t.facts(), closed) || (voted && guard.can_vote(&t.facts(), false)),
                can_change_status: guard.can_speak_for_company(&t.facts()),
                status,
                voted,
                merged_into,
                history: history(conn, guard, id)?,
                statuses: statuses(conn)?,
                form,
            })?,
        })
    }
}
