//! The topic page's panel of this board kind.

use askama::Template;

use crate::db::DbConn;
use crate::error::AppResult;
use crate::forums::panels::{Panel, PanelForm, TopicPanel};
use crate::forums::queries::TopicFull;
use crate::policy::Guard;
use crate::web::{PageCtx, Rendered};

use super::*;

// ---------------------------------------------------------------- the topic page's panel

pub struct ReviewsPanel;

pub static PANEL: ReviewsPanel = ReviewsPanel;

#[derive(Template)]
#[template(path = "forums/panels/review_head.html")]
struct ReviewHead<'a> {
    ctx: &'a PageCtx,
    product_name: String,
    product_path: String,
    rating: i32,
}

impl ReviewHead<'_> {
    pub fn stars(&self) -> String {
        stars(self.rating)
    }
}

#[derive(Template)]
#[template(path = "forums/panels/review_response.html")]
struct ReviewResponse<'a> {
    ctx: &'a PageCtx,
    topic_id: i64,
    response: Option<super::ResponseView>,
    can_respond: bool,
    form: &'a PanelForm,
}

impl TopicPanel for ReviewsPanel {
    fn board_kind(&self) -> &'static str {
        crate::forums::BOARD_REVIEWS
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
        let Some(r) = review_of(conn, t.topic.content_id)? else { return Ok(Panel::default()) };
        let Some(product) = product_by_id(conn, r.product_id)? else { return Ok(Panel::default()) };
        let response = match r.response_id {
            Some(id) => response(conn, guard, id)?,
            None => None,
        };
        // A review page is schema.org's Review of a Product, with its rating.
        let mut review = crate::forums::panels::posting(ctx, t);
        review.insert("@context".into(), "https://schema.org".into());
        review.insert("@type".into(), "Review".into());
        review.insert("reviewBody".into(), review.get("text").cloned().unwrap_or_default());
        review.insert(
            "reviewRating".into(),
            serde_json::json!({ "@type": "Rating", "ratingValue": r.rating, "bestRating": 5, "worstRating": 1 }),
        );
        review.insert(
            "itemReviewed".into(),
            serde_json::json!({ "@type": "Product", "name": product.name, "url": ctx.absolute(&product.path(&t.board)) }),
        );
        Ok(Panel {
            structured: Some(review.into()),
            head: Rendered::of(&ReviewHead {
                ctx,
                product_path: product.path(&t.board),
                product_name: product.name,
                rating: r.rating,
            })?,
            after_body: Rendered::of(&ReviewResponse {
                ctx,
                topic_id: t.topic.content_id,
                can_respond: r.response_id.is_none() && guard.can_speak_for_company(&t.facts()),
                response,
                form,
            })?,
        })
    }
}
