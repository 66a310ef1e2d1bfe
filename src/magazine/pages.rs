//! Reading the magazine: `/magazine` (the latest issue's cover and the archive), an issue's
//! cover and table of contents, an article, and an article's history.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::areas::AreaBox;
use super::polls::Poll;
use super::queries::{self as q, Revision};
use super::{Article, Issue, Section, parse_number};
use crate::content::comments::{self, CommentForm, CommentView};
use crate::content::listing;
use crate::content::markdown::SafeHtml;
use crate::content::reactions::ReactionView;
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, Ctx, Meta, PageCtx, redirect, render, render_invalid};

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
    /// Its contribution areas with their accepted entries.
    areas: Vec<AreaBox>,
    /// Calls whose winners it features, with the winning entries.
    winners: Vec<(super::calls::Call, Vec<super::contributions::Entry>)>,
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
    let (issue_id, me) = (i.id, ctx.user.as_ref().map(|u| u.id));
    let viewer = ctx.viewer();
    let (areas, winners) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let calls = super::calls::featured_in(conn, &guard, issue_id)?;
        // Their entries in one query.
        let area_ids: Vec<i64> = calls.iter().map(|c| c.area_id).collect();
        let mut entries = super::contributions::accepted_in(conn, &area_ids)?;
        let winners = calls
            .into_iter()
            .map(|call| {
                let won = entries.remove(&call.area_id).unwrap_or_default().into_iter().filter(|e| !e.award.is_empty());
                let won = won.collect();
                (call, won)
            })
            .collect();
        Ok((super::areas::boxes_of(conn, issue_id, me)?, winners))
    })
    .await?;
    let page = render(&IssuePage { ctx: &ctx, meta, view, areas, winners })?;
    Ok(crate::web::cache::keep(page, [key]))
}

/// What the viewer may do with an article.
#[derive(Clone, Copy, Default)]
pub struct ArticleRights {
    pub edit: bool,
    pub manage: bool,
    /// Comment on it (members, once the issue is out).
    pub comment: bool,
    /// Like it (members, once it is out; not the one who made its page).
    pub like: bool,
    /// The viewer likes it already.
    pub liked: bool,
    pub likes: i32,
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
        let content = crate::content::find(conn, article.id)?.ok_or(AppError::NotFound)?;
        let rights = ArticleRights {
            edit: guard.can_edit_article(&facts, &article.facts(writer)),
            manage: guard.can_edit_magazine(),
            comment: guard.can_comment(&content.facts(), content.comments_open),
            like: guard.can_like(&content.facts()),
            liked: match guard.user_id() {
                Some(me) => crate::content::likes::has_liked(conn, article.id, me)?,
                None => false,
            },
            likes: content.like_count,
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
    comments: Vec<CommentView>,
    comment_form: CommentForm,
    comment_error: String,
    tags: Vec<crate::content::tags::TagView>,
    areas: Vec<AreaBox>,
    polls: Vec<Poll>,
    reactions: Vec<ReactionView>,
    /// A vote or answer that was not taken: the poll, the typed answer, why.
    poll_problem: Option<(i64, String, &'static str)>,
    /// The poll the viewer just answered.
    answered: Option<i64>,
}

impl ArticlePage<'_> {
    fn body(&self) -> SafeHtml {
        SafeHtml::from_stored(self.article.body_html.clone())
    }

    // What `content/comments.html` asks of its page.
    fn comments_base(&self) -> String {
        format!("{}/comments", self.article.path())
    }

    fn comment_total(&self) -> i64 {
        i64::from(self.article.comment_count)
    }

    fn comments_open(&self) -> bool {
        self.article.comments_open && self.article.live
    }

    fn can_comment(&self) -> bool {
        self.rights.comment
    }

    /// The reason a vote or answer to this poll was not taken.
    fn problem_for(&self, poll: &i64) -> Option<&'static str> {
        self.poll_problem.as_ref().filter(|p| p.0 == *poll).map(|p| p.2)
    }

    fn just_answered(&self, p: &Poll) -> bool {
        self.answered == Some(p.id)
    }

    /// The answer typed for this question (kept after a problem), else the viewer's own.
    fn answer_text(&self, p: &Poll) -> String {
        match &self.poll_problem {
            Some((id, typed, _)) if *id == p.id => typed.clone(),
            _ => p.my_answer.clone().unwrap_or_default(),
        }
    }
}

/// What a reader typed or did that the article's page shows again: a save combined with
/// others, a comment or an answer that could not be taken (with why).
#[derive(Default)]
pub struct Typed {
    pub merged: bool,
    pub comment_form: CommentForm,
    pub comment_error: String,
    pub poll_problem: Option<(i64, String, &'static str)>,
    pub answered: Option<i64>,
}

impl Typed {
    fn comment(comment_form: CommentForm, comment_error: String) -> Self {
        Typed { comment_form, comment_error, ..Default::default() }
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ArticleQuery {
    /// Back from saving an edit that waits for review.
    pub pending: String,
    /// Back from a save combined with edits saved meanwhile.
    pub merged: String,
    /// Back from a vote that was refused: which poll, and why (`polls::VOTE_PROBLEMS`).
    pub poll: String,
    pub problem: String,
    /// Back from answering a question.
    pub answered: String,
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
    let logged_in = ctx.user.is_some();
    let poll_problem = match (crate::web::canonical_number(&query.poll), logged_in) {
        (Some(poll), true) => super::polls::VOTE_PROBLEMS
            .iter()
            .find(|p| **p == query.problem)
            .map(|p| (poll, String::new(), super::polls::problem_key(p))),
        _ => None,
    };
    let typed = Typed {
        merged: !query.merged.is_empty() && logged_in,
        poll_problem,
        answered: crate::web::canonical_number(&query.answered).filter(|_| logged_in),
        ..Default::default()
    };
    show_article(&ctx, &state, (issue, article, rights), typed).await
}

/// The article again after an answer that could not be taken, the answer kept.
pub async fn show_answer_problem(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    article_id: i64,
    poll_id: i64,
    typed: String,
    key: &'static str,
) -> AppResult<HttpResponse> {
    let a =
        crate::db::run(&state.pool, move |conn| q::article_by_id(conn, article_id)?.ok_or(AppError::NotFound)).await?;
    let found = readable_article(ctx, state, &a.issue_number.to_string(), a.slug).await?;
    let typed = Typed { poll_problem: Some((poll_id, typed, key)), ..Default::default() };
    show_article(ctx, state, found, typed).await
}

/// An article's page, with its comments (and a comment that could not be saved, with why).
async fn show_article(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    (issue, article, rights): (Issue, Article, ArticleRights),
    typed: Typed,
) -> AppResult<HttpResponse> {
    let Typed { merged, comment_form, comment_error, poll_problem, answered } = typed;
    let id = article.id;
    let me = ctx.user.as_ref().map(|u| u.id);
    let (viewer, edit_minutes) = (ctx.viewer(), state.settings.comment_edit_minutes);
    let (writers, pending, comments, tags, (areas, polls, reactions)) = crate::db::run(&state.pool, move |conn| {
        let pending = match me {
            Some(user_id) => q::pending_of(conn, id, user_id)?,
            None => None,
        };
        let guard = Guard::load(conn, &viewer)?;
        let comments = comments::list_for(conn, id, &guard, edit_minutes)?;
        let tags = crate::content::tags::for_contents(conn, &[id])?.remove(&id).unwrap_or_default();
        let parts = (
            super::areas::boxes_of(conn, id, me)?,
            super::polls::of_article(conn, id, me)?,
            crate::content::reactions::of(conn, id, me)?,
        );
        Ok((q::writers_of(conn, &[id])?.remove(&id).unwrap_or_default(), pending, comments, tags, parts))
    })
    .await?;
    let mut meta = Meta::new(article.title.clone(), article.path()).description(article.excerpt.clone());
    meta.og_type = "article";
    if let Some(src) = issue.cover_src() {
        meta.og_image = ctx.absolute(&src);
    }
    let published = issue.published_at.unwrap_or(article.updated_at);
    meta = meta.article(&article.title, published, Some(article.updated_at)).trail(
        ctx,
        vec![
            (ctx.t("nav-magazine"), "/magazine".into()),
            (issue.title.clone(), issue.path()),
            (article.title.clone(), article.path()),
        ],
    );
    {
        use crate::web::structured::{date, person, publisher};
        let url = ctx.absolute(&article.path());
        let mut v = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": article.title,
            "description": article.excerpt,
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": date(&published),
            "dateModified": date(&article.updated_at.max(published)),
            "author": if writers.is_empty() {
                vec![publisher(ctx)]
            } else {
                writers.iter().map(|w| person(ctx, w)).collect::<Vec<_>>()
            },
            "publisher": publisher(ctx),
            "inLanguage": crate::content::piece_lang(&article.title, &article.excerpt),
            "isPartOf": { "@type": "PublicationIssue", "issueNumber": issue.number, "name": issue.title, "url": ctx.absolute(&issue.path()) },
        });
        if !meta.og_image.is_empty() {
            v["image"] = meta.og_image.clone().into();
        }
        meta.structured.push(v);
    }
    if article.live {
        let title = ctx.ta("feed-comments-on", &[("title", article.title.clone())]);
        meta = meta.feed(title, &format!("{}/comments", article.path()));
    } else {
        meta = meta.noindex();
    }
    let key = listing::content_key(id);
    let invalid = !comment_error.is_empty() || poll_problem.as_ref().is_some_and(|p| !p.1.is_empty());
    let page = ArticlePage {
        ctx,
        meta,
        issue,
        article,
        rights,
        writers,
        pending,
        merged,
        comments,
        comment_form,
        comment_error,
        tags,
        areas,
        polls,
        reactions,
        poll_problem,
        answered,
    };
    if invalid {
        return render_invalid(&page);
    }
    Ok(crate::web::cache::keep(render(&page)?, [key]))
}

/// `POST /magazine/{number}/{slug}/comments`: a comment on an article (or a reply to one). A
/// problem shows the article again with the comment kept and the reason.
pub async fn add_comment(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    upload: crate::media::upload::UploadForm<CommentForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let (number, slug) = path.into_inner();
    let found = readable_article(&ctx, &state, &number, slug).await?;
    // Refused before its files are stored: nothing lands in the library for a comment that
    // cannot be made.
    if !found.1.live || !found.1.comments_open || !found.2.comment {
        let form = upload.into_form();
        return show_article(&ctx, &state, found, Typed::comment(form, ctx.t("err-comments-closed"))).await;
    }
    let (form, attach_problem) = upload.attach(&state, user_id, |f| &mut f.body).await;
    let problem = attach_problem.or_else(|| comments::check_body(&form.body));
    if let Some(key) = problem {
        return show_article(&ctx, &state, found, Typed::comment(form, ctx.t(key))).await;
    }
    let body = match crate::media::prepare_body(&state, user_id, form.body.clone()).await {
        Ok(body) => body,
        Err(key) => return show_article(&ctx, &state, found, Typed::comment(form, ctx.t(key))).await,
    };
    let (article_id, parent, viewer) = (found.1.id, form.parent, ctx.viewer());
    let created = crate::db::run_write(&state.pool, move |tx| {
        // Checked again under the lock: the issue may have been taken down meanwhile.
        let subject = crate::content::lock(tx, article_id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_comment(&subject.facts(), subject.comments_open) {
            return Ok(None);
        }
        let id = comments::create(tx, &subject, parent, user_id, &body)?;
        // The article's writers hear of it too (its page's creator already did).
        let mut told = vec![user_id, subject.author_id];
        for writer in q::writer_ids(tx.conn(), article_id)? {
            crate::notifications::notify(tx, writer, crate::notifications::KIND_COMMENT, Some(user_id), id, &mut told)?;
        }
        Ok(Some(id))
    })
    .await?;
    match created {
        Some(id) => Ok(redirect(&format!("{}#c{id}", found.1.path()))),
        None => show_article(&ctx, &state, found, Typed::comment(form, ctx.t("err-comments-closed"))).await,
    }
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
    /// The last revision shown, when older ones follow.
    older: Option<i64>,
    /// This page is not the newest.
    newer: bool,
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
    query: web::Query<HistoryQuery>,
) -> AppResult<HttpResponse> {
    let (number, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number, slug).await?;
    let before = crate::web::canonical_number(&query.before);
    let (id, viewer, facts_of) = (article.id, ctx.viewer(), issue.clone());
    let (revisions, older) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let facts = facts_of.facts(q::writes_in_issue(conn, guard.user_id(), facts_of.id)?);
        let mut revisions = q::history(conn, id, before, HISTORY_PAGE)?;
        // A full page may have older ones after it.
        let older = (revisions.len() as i64 == HISTORY_PAGE).then(|| revisions.last().map(|r| r.id)).flatten();
        revisions.retain(|r| {
            let r = crate::policy::RevisionFacts { approved: r.state == q::STATE_APPROVED, author_id: r.author_id };
            guard.can_read_revision(&facts, &r)
        });
        Ok((revisions, older))
    })
    .await?;
    let meta = Meta::new(
        ctx.ta("magazine-history-title", &[("title", article.title.clone())]),
        format!("{}/history", article.path()),
    )
    .noindex();
    let newer = before.is_some();
    render(&HistoryPage { ctx: &ctx, meta, issue, article, revisions, rights, older, newer })
}

/// Revisions on one page of an article's history.
const HISTORY_PAGE: i64 = 100;

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct HistoryQuery {
    /// Revisions older than this one.
    pub before: String,
}

/// A transparent 1×1 GIF.
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
    0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// `GET /magazine/reads/{article}/{start|end}.gif`: a reader's page began to show an article, or
/// reached its end (a lazily loaded picture there: no script, no cookie, nothing about who).
/// Counted in memory and written with the topic views; ids that are not live articles are
/// dropped then.
pub async fn read_beacon(state: web::Data<AppState>, path: web::Path<(String, String)>) -> HttpResponse {
    let (id, at) = path.into_inner();
    let finished = match at.as_str() {
        "start.gif" => Some(false),
        "end.gif" => Some(true),
        _ => None,
    };
    if let (Some(id), Some(finished)) = (crate::web::canonical_number(&id), finished) {
        state.views.read(id, finished);
    }
    HttpResponse::Ok()
        .content_type("image/gif")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(PIXEL)
}
