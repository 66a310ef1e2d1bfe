//! An article's past: one revision as it was, the differences between any two, and an editor's
//! rollback to an earlier one. Pending and rejected revisions are shown to their author and to
//! editors only, like the history lists them.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::diff::{self, Diff};
use super::pages::{ArticleRights, readable_article};
use super::queries::{self as q, RevisionText, Saved};
use super::{Article, Issue};
use crate::content::{self, markdown::SafeHtml};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, redirect, render};

/// A revision of this article the viewer may see (the policy's `can_read_revision`).
async fn visible_revision(
    ctx: &PageCtx,
    state: &AppState,
    issue: &Issue,
    article: &Article,
    id: i64,
) -> AppResult<Option<RevisionText>> {
    let (viewer, issue, article_id) = (ctx.viewer(), issue.clone(), article.id);
    crate::db::run(&state.pool, move |conn| {
        let Some(rev) = q::revision(conn, id)?.filter(|r| r.article_id == article_id) else { return Ok(None) };
        let guard = Guard::load(conn, &viewer)?;
        let writes = q::writes_in_issue(conn, guard.user_id(), issue.id)?;
        Ok(guard.can_read_revision(&issue.facts(writes), &rev.facts()).then_some(rev))
    })
    .await
}

/// A revision number as typed in a link: None when it is not one.
fn number(typed: &str) -> Option<i64> {
    crate::web::canonical_number(typed.trim())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DiffQuery {
    pub from: String,
    pub to: String,
    /// `side` for side by side; else inline.
    pub view: String,
}

#[derive(Template)]
#[template(path = "magazine/diff.html")]
struct DiffPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    issue: Issue,
    article: Article,
    /// None: the article's beginning (an empty text).
    from: Option<RevisionText>,
    to: Option<RevisionText>,
    diff: Diff,
    title: Option<Diff>,
    side: bool,
    rights: ArticleRights,
    /// A link named a revision that does not exist or is not this article's.
    missing: bool,
}

impl DiffPage<'_> {
    fn link(&self, side: bool) -> String {
        let from = self.from.as_ref().map(|r| r.id.to_string()).unwrap_or_else(|| "0".into());
        let to = self.to.as_ref().map(|r| r.id.to_string()).unwrap_or_default();
        format!("{}/diff?from={from}&to={to}{}", self.article.path(), if side { "&view=side" } else { "" })
    }

    /// The latest approved revision: undoing it or an older one is offered.
    fn undoable(&self) -> bool {
        self.rights.edit && self.to.as_ref().is_some_and(|r| r.approved() && r.base_id.is_some())
    }
}

/// `GET /magazine/{number}/{slug}/diff?from=A&to=B[&view=side]`: what changed from revision A to
/// revision B. Without `to`, the text readers see now; without `from`, the revision `to` was
/// made from (`from=0`: the empty page before the first revision).
pub async fn diff(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<DiffQuery>,
) -> AppResult<HttpResponse> {
    let (number_typed, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number_typed, slug).await?;
    let to_id = if query.to.trim().is_empty() { article.approved_revision_id } else { number(&query.to) };
    let to = match to_id {
        Some(id) => visible_revision(&ctx, &state, &issue, &article, id).await?,
        None => None,
    };
    let mut missing = to.is_none();
    let from = match (query.from.trim(), &to) {
        ("0", _) => None,
        ("", Some(to)) => match to.base_id {
            Some(id) => visible_revision(&ctx, &state, &issue, &article, id).await?,
            None => None,
        },
        ("", None) => None,
        (typed, _) => {
            let found = match number(typed) {
                Some(id) => visible_revision(&ctx, &state, &issue, &article, id).await?,
                None => None,
            };
            missing |= found.is_none();
            found
        }
    };
    let text = |r: &Option<RevisionText>| r.as_ref().map(|r| r.body_md.clone()).unwrap_or_default();
    let (old, new) = (text(&from), text(&to));
    let (old_title, new_title) = (
        from.as_ref().map(|r| r.title.clone()).unwrap_or_default(),
        to.as_ref().map(|r| r.title.clone()).unwrap_or_default(),
    );
    let (body_diff, title) = if missing {
        (Diff::default(), None)
    } else {
        web::block(move || {
            let title = (old_title != new_title).then(|| diff::diff(&old_title, &new_title));
            (diff::diff(&old, &new), title)
        })
        .await
        .map_err(AppError::internal)?
    };
    let meta = Meta::new(
        ctx.ta("magazine-diff-title", &[("title", article.title.clone())]),
        format!("{}/diff", article.path()),
    )
    .noindex();
    let page = DiffPage {
        ctx: &ctx,
        meta,
        issue,
        article,
        from,
        to,
        diff: body_diff,
        title,
        side: query.view == "side",
        rights,
        missing,
    };
    if missing {
        return crate::web::render_status(actix_web::http::StatusCode::NOT_FOUND, &page);
    }
    render(&page)
}

#[derive(Template)]
#[template(path = "magazine/revision.html")]
struct RevisionPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    issue: Issue,
    article: Article,
    rev: RevisionText,
    html: SafeHtml,
    rights: ArticleRights,
    notice: String,
}

impl RevisionPage<'_> {
    fn current(&self) -> bool {
        self.article.approved_revision_id == Some(self.rev.id)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RevisionQuery {
    pub msg: String,
}

/// `GET /magazine/{number}/{slug}/revisions/{id}`: the article as that revision left it.
pub async fn revision(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    query: web::Query<RevisionQuery>,
) -> AppResult<HttpResponse> {
    let (number_typed, slug, id) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number_typed, slug).await?;
    let id = number(&id).ok_or(AppError::NotFound)?;
    let rev = visible_revision(&ctx, &state, &issue, &article, id).await?.ok_or(AppError::NotFound)?;
    // Rendered with its author's media, as it was shown when it was saved.
    let html = content::preview_in(
        &state,
        rev.author_id,
        Some(article.id),
        &rev.body_md,
        usize::MAX,
        "magazine-err-body-long",
    )
    .await
    .unwrap_or_else(|_| SafeHtml::from_stored(format!("<pre>{}</pre>", crate::web::escape_html(&rev.body_md))));
    let notice = match query.msg.as_str() {
        "changed" => ctx.t("magazine-rollback-changed"),
        "same" => ctx.t("magazine-rollback-same"),
        _ => String::new(),
    };
    let meta = Meta::new(
        ctx.ta("magazine-revision-title", &[("title", rev.title.clone()), ("id", rev.id.to_string())]),
        format!("{}/revisions/{}", article.path(), rev.id),
    )
    .noindex();
    render(&RevisionPage { ctx: &ctx, meta, issue, article, rev, html, rights, notice })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RollbackForm {
    /// The approved revision the editor looked at: if someone saved since, nothing happens.
    pub base: String,
}

/// `POST /magazine/{number}/{slug}/revisions/{id}/rollback`: an editor makes an earlier
/// revision the article's text again, as a new revision (nothing in the history is lost).
pub async fn rollback(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    form: CsrfForm<RollbackForm>,
) -> AppResult<HttpResponse> {
    let (number_typed, slug, id) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number_typed, slug).await?;
    let user_id = ctx.require_user()?.id;
    if !rights.manage {
        return Err(AppError::Forbidden);
    }
    let id = number(&id).ok_or(AppError::NotFound)?;
    let rev = visible_revision(&ctx, &state, &issue, &article, id).await?.ok_or(AppError::NotFound)?;
    if !rev.approved() {
        return Err(AppError::BadRequest("magazine-err-rollback-unapproved"));
    }
    let back = format!("{}/revisions/{}", article.path(), rev.id);
    let body = crate::media::prepare_body_in(&state, rev.author_id, Some(article.id), rev.body_md.clone())
        .await
        .map_err(AppError::BadRequest)?;
    let base = number(&form.0.base);
    let summary = ctx.ta("magazine-rollback-summary", &[("id", rev.id.to_string()), ("who", rev.author.clone())]);
    let (viewer, article_id, title) = (ctx.viewer(), article.id, rev.title.clone());
    let saved = crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_edit_magazine() {
            return Err(AppError::Forbidden);
        }
        content::lock(tx, article_id)?.ok_or(AppError::NotFound)?;
        let article = q::article_by_id(tx.conn(), article_id)?.ok_or(AppError::NotFound)?;
        let edit = q::Edit {
            author_id: user_id,
            base_id: base,
            title: &title,
            body: &body,
            summary: &summary,
            approved: true,
        };
        Ok(q::save_revision(tx, &article, &edit)?)
    })
    .await?;
    Ok(redirect(&match saved {
        Saved::Approved(_) | Saved::Pending(_) => article.path(),
        Saved::Conflict => format!("{back}?msg=changed"),
        Saved::Unchanged => format!("{back}?msg=same"),
    }))
}
