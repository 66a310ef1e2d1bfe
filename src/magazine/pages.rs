//! Reading the magazine: `/magazine` (the latest issue's cover and the archive), an issue's
//! cover and table of contents, an article, and an article's history.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::queries::{self as q, Revision};
use super::{Article, Issue, Section, parse_number};
use crate::content::listing;
use crate::content::markdown::SafeHtml;
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, Ctx, Meta, PageCtx, render};

/// A section of a table of contents and its articles (the unsectioned ones first, untitled).
pub struct TocSection {
    pub title: String,
    pub articles: Vec<Article>,
}

/// The table of contents of an issue (sections with articles in them).
pub fn toc(sections: &[Section], articles: &[Article]) -> Vec<TocSection> {
    let mut out = Vec::new();
    let loose: Vec<Article> =
        articles.iter().filter(|a| a.section_id.is_none_or(|s| !sections.iter().any(|x| x.id == s))).cloned().collect();
    if !loose.is_empty() {
        out.push(TocSection { title: String::new(), articles: loose });
    }
    for s in sections {
        let list: Vec<Article> = articles.iter().filter(|a| a.section_id == Some(s.id)).cloned().collect();
        // A section with nothing in it yet is the desk's business, not the reader's.
        if !list.is_empty() {
            out.push(TocSection { title: s.title.clone(), articles: list });
        }
    }
    out
}

/// What the viewer may do with an issue.
#[derive(Clone, Copy, Default)]
pub struct IssueRights {
    pub edit: bool,
}

/// An issue the viewer may read, with its sections, articles and the viewer's rights.
pub struct IssueView {
    pub issue: Issue,
    pub toc: Vec<TocSection>,
    pub rights: IssueRights,
    /// What the table of contents was made of (the desk lists them as they are).
    pub sections: Vec<Section>,
    pub articles: Vec<Article>,
}

/// Load an issue by the number in its address if the viewer may read it, else 404.
pub async fn readable_issue(ctx: &PageCtx, state: &web::Data<AppState>, number: &str) -> AppResult<IssueView> {
    let number = parse_number(number).ok_or(AppError::NotFound)?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let issue = q::issue_by_number(conn, number)?.ok_or(AppError::NotFound)?;
        let writes = q::writes_in_issue(conn, guard.user_id(), issue.id)?;
        if !guard.can_read_issue(&issue.facts(writes)) {
            return Err(AppError::NotFound);
        }
        let sections = q::sections(conn, issue.id)?;
        let articles = q::articles_of(conn, issue.id)?;
        let rights = IssueRights { edit: guard.can_edit_magazine() };
        Ok(IssueView { toc: toc(&sections, &articles), issue, rights, sections, articles })
    })
    .await
}

#[derive(Template)]
#[template(path = "magazine/index.html")]
struct IndexPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    latest: Option<(Issue, Vec<TocSection>)>,
    archive: Vec<Issue>,
    /// Issues not yet out that the viewer makes or writes in.
    upcoming: Vec<Issue>,
    can_edit: bool,
}

/// `GET /magazine`
pub async fn index(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let (latest, archive, upcoming, can_edit) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let mut published = q::published_issues(conn, 100)?;
        let latest = if published.is_empty() {
            None
        } else {
            let issue = published.remove(0);
            let sections = q::sections(conn, issue.id)?;
            let articles = q::articles_of(conn, issue.id)?;
            Some((issue, toc(&sections, &articles)))
        };
        let can_edit = guard.can_edit_magazine();
        let upcoming = match guard.user_id() {
            Some(_) if can_edit => q::unpublished_issues(conn, None)?,
            Some(id) => q::unpublished_issues(conn, Some(id))?,
            None => Vec::new(),
        };
        Ok((latest, published, upcoming, can_edit))
    })
    .await?;
    let meta = Meta::new(ctx.t("magazine-title"), "/magazine")
        .description(ctx.t("magazine-intro"))
        .feed(ctx.t("magazine-title"), "/magazine/feed");
    let page = render(&IndexPage { ctx: &ctx, meta, latest, archive, upcoming, can_edit })?;
    Ok(crate::web::cache::keep(page, [listing::LISTS.to_string()]))
}

#[derive(Template)]
#[template(path = "magazine/issue.html")]
struct IssuePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    view: IssueView,
}

impl IssuePage<'_> {
    fn note(&self) -> SafeHtml {
        SafeHtml::from_stored(self.view.issue.note_html.clone())
    }
}

/// `GET /magazine/{number}`
pub async fn issue(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let view = readable_issue(&ctx, &state, &path).await?;
    let i = &view.issue;
    let title = ctx.ta("magazine-issue-title", &[("number", i.number.to_string()), ("title", i.title.clone())]);
    let mut meta =
        Meta::new(title, i.path()).description(if i.theme.is_empty() { i.title.clone() } else { i.theme.clone() });
    if let Some(src) = i.cover_src() {
        meta.og_image = ctx.absolute(&src);
    }
    if i.live {
        let title = meta.title.clone();
        meta = meta.feed(title, &format!("{}/feed", i.path()));
    } else {
        meta = meta.noindex();
    }
    let key = listing::content_key(i.id);
    let page = render(&IssuePage { ctx: &ctx, meta, view })?;
    Ok(crate::web::cache::keep(page, [key]))
}

/// What the viewer may do with an article.
#[derive(Clone, Copy, Default)]
pub struct ArticleRights {
    pub edit: bool,
    pub manage: bool,
}

/// An article the viewer may read, its issue, and the viewer's rights.
pub async fn readable_article(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    number: &str,
    slug: String,
) -> AppResult<(Issue, Article, ArticleRights)> {
    let number = parse_number(number).ok_or(AppError::NotFound)?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let issue = q::issue_by_number(conn, number)?.ok_or(AppError::NotFound)?;
        let article = q::article_by_slug(conn, issue.id, &slug)?.ok_or(AppError::NotFound)?;
        let writes = q::writes_in_issue(conn, guard.user_id(), issue.id)?;
        let facts = issue.facts(writes);
        if !guard.can_read_issue(&facts) {
            return Err(AppError::NotFound);
        }
        let writer = q::is_writer(conn, guard.user_id(), article.id)?;
        let rights = ArticleRights {
            edit: guard.can_edit_article(&facts, &article.facts(writer)),
            manage: guard.can_edit_magazine(),
        };
        Ok((issue, article, rights))
    })
    .await
}

#[derive(Template)]
#[template(path = "magazine/article.html")]
struct ArticlePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    issue: Issue,
    article: Article,
    rights: ArticleRights,
    writers: Vec<crate::accounts::AuthorView>,
    /// The viewer's latest edit still waiting for review.
    pending: Option<i64>,
    /// The viewer's save was combined with edits saved meanwhile.
    merged: bool,
}

impl ArticlePage<'_> {
    fn body(&self) -> SafeHtml {
        SafeHtml::from_stored(self.article.body_html.clone())
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ArticleQuery {
    /// Back from saving an edit that waits for review.
    pub pending: String,
    /// Back from a save combined with edits saved meanwhile.
    pub merged: String,
}

/// `GET /magazine/{number}/{slug}`
pub async fn article(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ArticleQuery>,
) -> AppResult<HttpResponse> {
    let (number, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number, slug).await?;
    let id = article.id;
    let me = ctx.user.as_ref().map(|u| u.id);
    let (writers, pending) = crate::db::run(&state.pool, move |conn| {
        let pending = match me {
            Some(user_id) => q::pending_of(conn, id, user_id)?,
            None => None,
        };
        Ok((q::writers_of(conn, &[id])?.remove(&id).unwrap_or_default(), pending))
    })
    .await?;
    let merged = !query.merged.is_empty() && me.is_some();
    let mut meta = Meta::new(article.title.clone(), article.path()).description(article.excerpt.clone());
    meta.og_type = "article";
    if !article.live {
        meta = meta.noindex();
    }
    let key = listing::content_key(id);
    let page = render(&ArticlePage { ctx: &ctx, meta, issue, article, rights, writers, pending, merged })?;
    Ok(crate::web::cache::keep(page, [key]))
}

#[derive(Template)]
#[template(path = "magazine/history.html")]
struct HistoryPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    issue: Issue,
    article: Article,
    revisions: Vec<Revision>,
    rights: ArticleRights,
}

impl HistoryPage<'_> {
    fn delta(&self, d: &i32) -> String {
        super::signed(*d)
    }

    fn state_key(&self, state: &str) -> &'static str {
        q::state_key(state)
    }

    /// The revision readers see.
    fn current(&self, id: &i64) -> bool {
        self.article.approved_revision_id == Some(*id)
    }
}

/// `GET /magazine/{number}/{slug}/history`: every approved save, newest first; pending and
/// rejected ones only to editors.
pub async fn history(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (number, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number, slug).await?;
    let id = article.id;
    let mut revisions = crate::db::run(&state.pool, move |conn| Ok(q::history(conn, id, 500)?)).await?;
    let me = ctx.user.as_ref().map(|u| u.username.clone());
    if !rights.manage {
        revisions.retain(|r| r.state == q::STATE_APPROVED || Some(&r.author) == me.as_ref());
    }
    let meta = Meta::new(
        ctx.ta("magazine-history-title", &[("title", article.title.clone())]),
        format!("{}/history", article.path()),
    )
    .noindex();
    render(&HistoryPage { ctx: &ctx, meta, issue, article, revisions, rights })
}
