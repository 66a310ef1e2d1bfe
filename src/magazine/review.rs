//! `/magazine/review`: editors accept or reject the edits that wait (members not yet trusted
//! editing open articles). Readers see an edit only once accepted.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::editor::{require_editor, still_editor};
use super::queries::{self as q, Reviewed, RevisionText};
use crate::content;
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, redirect, render};

/// A pending edit beside the text readers see now.
pub struct Waiting {
    pub edit: RevisionText,
    pub article_title: String,
    pub article_path: String,
    pub current_md: String,
    /// The article changed since the edit was made from it.
    pub stale: bool,
    /// From the text readers see to the edit.
    pub changes: super::diff::Diff,
    pub title_changes: Option<super::diff::Diff>,
}

#[derive(Template)]
#[template(path = "magazine/review.html")]
struct ReviewPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    waiting: Vec<Waiting>,
    /// Contribution areas with entries waiting: the area, its host's title, how many.
    entries: Vec<(super::contributions::Area, String, i64)>,
    notice: String,
}

impl ReviewPage<'_> {
    fn delta(&self, d: &i32) -> String {
        super::signed(*d)
    }
}

/// What waits for the magazine's editors, for the moderators' queue: (edits, entries).
pub fn waiting_counts(conn: &mut crate::db::DbConn) -> diesel::QueryResult<(i64, i64)> {
    use diesel::prelude::*;

    use crate::db::schema::magazine_revisions;
    let edits: i64 =
        magazine_revisions::table.filter(magazine_revisions::state.eq(q::STATE_PENDING)).count().get_result(conn)?;
    let entries = super::contributions::waiting_areas(conn)?.iter().map(|(_, n)| n).sum();
    Ok((edits, entries))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReviewQuery {
    pub msg: String,
}

/// `GET /magazine/review`
pub async fn queue(ctx: Ctx, state: web::Data<AppState>, query: web::Query<ReviewQuery>) -> AppResult<HttpResponse> {
    require_editor(&ctx, &state).await?;
    let entries = crate::db::run(&state.pool, |conn| {
        let waiting = super::contributions::waiting_areas(conn)?;
        // Their hosts' titles in one query.
        let hosts = content::find_many(conn, &waiting.iter().map(|w| w.0.host_id).collect::<Vec<_>>())?;
        Ok(waiting
            .into_iter()
            .map(|(area, n)| {
                let title = hosts.get(&area.host_id).map(|h| h.title.clone()).unwrap_or_default();
                (area, title, n)
            })
            .collect::<Vec<_>>())
    })
    .await?;
    let waiting = crate::db::run(&state.pool, |conn| {
        let edits = q::pending_edits(conn, 100)?;
        // Their articles in one query, not one each.
        let ids: Vec<i64> = edits.iter().map(|e| e.article_id).collect();
        let articles: std::collections::HashMap<i64, super::Article> =
            q::articles_by_ids(conn, &ids)?.into_iter().map(|a| (a.id, a)).collect();
        let mut out = Vec::with_capacity(edits.len());
        for edit in edits {
            let Some(article) = articles.get(&edit.article_id).cloned() else { continue };
            out.push(Waiting {
                stale: edit.base_id != article.approved_revision_id,
                article_title: article.title.clone(),
                article_path: article.path(),
                current_md: article.body_md,
                edit,
                changes: Default::default(),
                title_changes: None,
            });
        }
        Ok(out)
    })
    .await?;
    let waiting = web::block(move || {
        let mut waiting = waiting;
        for w in &mut waiting {
            w.changes = super::diff::diff(&w.current_md, &w.edit.body_md);
            w.title_changes =
                (w.edit.title != w.article_title).then(|| super::diff::diff(&w.article_title, &w.edit.title));
        }
        waiting
    })
    .await
    .map_err(AppError::internal)?;
    let notice = match query.msg.as_str() {
        "accepted" => ctx.t("magazine-review-accepted"),
        "rejected" => ctx.t("magazine-review-rejected"),
        "gone" => ctx.t("magazine-review-gone"),
        "stale" => ctx.t("magazine-review-stale"),
        _ => String::new(),
    };
    let meta = Meta::new(ctx.t("magazine-review-title"), "/magazine/review").noindex();
    render(&ReviewPage { ctx: &ctx, meta, waiting, entries, notice })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Decision {
    pub decision: String,
    pub note: String,
}

/// `POST /magazine/review/{revision}`: accept, or reject with a note.
pub async fn decide(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<Decision>,
) -> AppResult<HttpResponse> {
    let reviewer = require_editor(&ctx, &state).await?;
    let rev_id = crate::web::canonical_number(&path).ok_or(AppError::NotFound)?;
    let edit = crate::db::run(&state.pool, move |conn| q::pending_edit(conn, rev_id)?.ok_or(AppError::NotFound)).await;
    let Ok(edit) = edit else { return Ok(redirect("/magazine/review?msg=gone")) };
    let note = form.0.note.trim().chars().take(2000).collect::<String>();
    let viewer = ctx.viewer();
    let outcome = match form.0.decision.as_str() {
        "accept" => {
            // Rendered with its author's media, before the unit of work.
            let body =
                crate::media::prepare_body_in(&state, edit.author_id, Some(edit.article_id), edit.body_md.clone())
                    .await
                    .map_err(AppError::BadRequest)?;
            let article_id = edit.article_id;
            crate::db::run_write(&state.pool, move |tx| {
                still_editor(tx, &viewer)?;
                content::lock(tx, article_id)?.ok_or(AppError::NotFound)?;
                let article = q::article_by_id(tx.conn(), article_id)?.ok_or(AppError::NotFound)?;
                let outcome = q::accept(tx, &article, rev_id, reviewer, &body)?;
                if outcome == Reviewed::Done {
                    q::tell_author(tx, &edit, reviewer, true, "")?;
                }
                Ok(outcome)
            })
            .await?
        }
        "reject" => {
            crate::db::run_write(&state.pool, move |tx| {
                still_editor(tx, &viewer)?;
                let outcome = q::reject(tx, rev_id, reviewer, &note)?;
                if outcome == Reviewed::Done {
                    q::tell_author(tx, &edit, reviewer, false, &note)?;
                }
                Ok(outcome)
            })
            .await?
        }
        _ => return Err(AppError::BadRequest("magazine-err-decision")),
    };
    let msg = match (outcome, form.0.decision.as_str()) {
        (Reviewed::Done, "accept") => "accepted",
        (Reviewed::Done, _) => "rejected",
        (Reviewed::Gone, _) => "gone",
        (Reviewed::Stale, _) => "stale",
    };
    Ok(redirect(&format!("/magazine/review?msg={msg}")))
}
