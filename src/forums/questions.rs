//! Questions boards: the accepted answer, shown under the question.

use askama::Template;

use super::ReplyView;
use super::panels::{Panel, PanelForm, TopicPanel};
use super::queries::{self, TopicFull};
use crate::db::DbConn;
use crate::error::AppResult;
use crate::policy::Guard;
use crate::web::{PageCtx, Rendered};

pub struct QuestionsPanel;

pub static PANEL: QuestionsPanel = QuestionsPanel;

#[derive(Template)]
#[template(path = "forums/panels/question.html")]
struct AcceptedAnswer<'a> {
    ctx: &'a PageCtx,
    answer: ReplyView,
}

impl TopicPanel for QuestionsPanel {
    fn board_kind(&self) -> &'static str {
        super::BOARD_QUESTIONS
    }

    fn render(
        &self,
        conn: &mut DbConn,
        ctx: &PageCtx,
        guard: &Guard,
        t: &TopicFull,
        _: &PanelForm,
    ) -> AppResult<Panel> {
        let after_body = match queries::accepted_reply(conn, t, guard)? {
            Some(answer) => Rendered::of(&AcceptedAnswer { ctx, answer })?,
            None => Rendered::default(),
        };
        Ok(Panel { head: Rendered::default(), after_body })
    }
}
