//! What readers did with an article, for its editors: views and how many read to the end,
//! comments, likes and reactions, each poll's results and each question's answers, the
//! contribution areas with their entries by state, and edits waiting. Polls and questions are
//! added here.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::areas::AreaBox;
use super::pages::readable_article;
use super::polls::{self, Poll, PollForm};
use super::queries::{self as q, ArticleStats};
use super::{Article, Issue};
use crate::content::reactions::{self, ReactionView};
use crate::error::{AppError, AppResult};
use crate::web::{AppState, Ctx, FieldErrors, Meta, PageCtx, render, render_invalid};

/// Answers shown per question.
const ANSWERS_SHOWN: i64 = 200;

#[derive(Template)]
#[template(path = "magazine/stats.html")]
struct StatsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    issue: Issue,
    article: Article,
    figures: ArticleStats,
    likes: i32,
    reactions: Vec<ReactionView>,
    polls: Vec<(Poll, Vec<polls::Answer>)>,
    areas: Vec<(AreaBox, std::collections::HashMap<String, i64>)>,
    form: PollForm,
    errors: FieldErrors,
}

impl StatsPage<'_> {
    fn count(&self, by_state: &std::collections::HashMap<String, i64>, state: &str) -> i64 {
        by_state.get(state).copied().unwrap_or(0)
    }
}

/// `GET /magazine/{number}/{slug}/stats` (editors)
pub async fn page(ctx: Ctx, state: web::Data<AppState>, path: web::Path<(String, String)>) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (number, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number, slug).await?;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    show(&ctx, &state, issue, article, PollForm::default(), None).await
}

/// The page, with a poll form that could not be saved and why.
pub async fn show(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    issue: Issue,
    article: Article,
    form: PollForm,
    problem: Option<(&'static str, &'static str)>,
) -> AppResult<HttpResponse> {
    let id = article.id;
    let (figures, likes, reactions, polls, areas) = crate::db::run(&state.pool, move |conn| {
        let figures = q::article_stats(conn, id)?;
        let likes = crate::content::find(conn, id)?.map_or(0, |c| c.like_count);
        let reactions = reactions::of(conn, id, None)?;
        let mut with_answers = Vec::new();
        for p in polls::of_article(conn, id, None)? {
            let answers = if p.is_question() { polls::answers(conn, p.id, ANSWERS_SHOWN)? } else { Vec::new() };
            with_answers.push((p, answers));
        }
        let mut counts = super::contributions::state_counts_by_area(conn, id)?;
        let areas = super::areas::boxes_of(conn, id, None)?
            .into_iter()
            .map(|b| {
                let c = counts.remove(&b.area.id).unwrap_or_default();
                (b, c)
            })
            .collect();
        Ok((figures, likes, reactions, with_answers, areas))
    })
    .await?;
    let title = ctx.ta("magazine-stats-title", &[("title", article.title.clone())]);
    let meta = Meta::new(title, format!("{}/stats", article.path())).noindex();
    let errors = match problem {
        Some((field, key)) => FieldErrors(vec![(field, key)]),
        None => FieldErrors::default(),
    };
    let page = StatsPage { ctx, meta, issue, article, figures, likes, reactions, polls, areas, form, errors };
    if problem.is_some() { render_invalid(&page) } else { render(&page) }
}
