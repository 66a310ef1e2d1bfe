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
        replies: &[ReplyView],
        _: &PanelForm,
    ) -> AppResult<Panel> {
        let accepted = queries::accepted_reply(conn, t, guard)?;
        // A question page is schema.org's QAPage: the question, its accepted answer, and the
        // other answers on this page as suggested ones.
        let mut question = super::panels::posting(ctx, t);
        question.insert("@type".into(), "Question".into());
        question.insert("answerCount".into(), t.topic.reply_count.into());
        if let Some(a) = &accepted {
            question.insert("acceptedAnswer".into(), super::panels::reply_item(ctx, t, a, "Answer"));
        }
        let suggested: Vec<serde_json::Value> = replies
            .iter()
            .filter(|r| !r.deleted && !r.accepted)
            .map(|r| super::panels::reply_item(ctx, t, r, "Answer"))
            .collect();
        if !suggested.is_empty() {
            question.insert("suggestedAnswer".into(), suggested.into());
        }
        let structured = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "QAPage",
            "mainEntity": question,
        });
        let after_body = match accepted {
            Some(answer) => Rendered::of(&AcceptedAnswer { ctx, answer })?,
            None => Rendered::default(),
        };
        Ok(Panel { head: Rendered::default(), after_body, structured: Some(structured) })
    }
}
