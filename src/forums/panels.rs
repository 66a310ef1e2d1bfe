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
        form: &PanelForm,
    ) -> AppResult<Panel>;
}

/// The panels of the board kinds that have one.
pub fn for_board(kind: &str) -> Option<&'static dyn TopicPanel> {
    let all: [&'static dyn TopicPanel; 3] = [&super::questions::PANEL, &super::reviews::PANEL, &super::ideas::PANEL];
    all.into_iter().find(|p| p.board_kind() == kind)
}
