//! Making the magazine: editors create issues, give them sections and articles, assign
//! writers and move issues to readers; editors and writers (and, in open articles, members)
//! save revisions of articles.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::diff::{self, Diff};
use super::pages::{readable_article, readable_issue};
use super::queries::{self as q, ArticleSettings, IssueInput, Saved};
use super::{Article, Issue, Mode, Section, Stage};
use crate::content::{self, markdown::SafeHtml};
use crate::error::{AppError, AppResult};
use crate::media::upload::UploadForm;
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

/// An article's text may be long (a feature with pictures), not unbounded.
pub const ARTICLE_MAX: usize = 200_000;
const THEME_MAX: usize = 300;
const SUMMARY_MAX: usize = 300;
const NOTE_MAX: usize = 20_000;

// ---------------------------------------------------------------- issues

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct IssueForm {
    pub number: String,
    pub title: String,
    pub theme: String,
    pub note: String,
    pub cover: String,
    pub action: String,
}

impl IssueForm {
    /// The form as an issue fills it.
    fn of(i: &Issue) -> Self {
        IssueForm {
            number: i.number.to_string(),
            title: i.title.clone(),
            theme: i.theme.clone(),
            note: i.note_md.clone(),
            cover: i.cover_media_id.map(|id| format!("/media/{id}")).unwrap_or_default(),
            action: String::new(),
        }
    }
}

#[derive(Template)]
#[template(path = "magazine/issue_form.html")]
struct IssueFormPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    form: IssueForm,
    errors: FieldErrors,
    preview: Option<SafeHtml>,
    /// Editing this issue (None: a new one).
    issue: Option<Issue>,
    sections: Vec<Section>,
    articles: Vec<Article>,
    /// The time an editor typed for a schedule that was refused.
    typed_publish_at: Option<String>,
    /// What readers did with each article.
    stats: std::collections::HashMap<i64, q::ArticleStats>,
    stages: [Stage; 4],
    notice: String,
}

impl IssueFormPage<'_> {
    fn stats_of(&self, id: &i64) -> q::ArticleStats {
        self.stats.get(id).copied().unwrap_or_default()
    }

    fn section_title(&self, id: &Option<i64>) -> String {
        self.sections.iter().find(|s| Some(s.id) == *id).map(|s| s.title.clone()).unwrap_or_default()
    }

    fn publish_at_value(&self) -> String {
        if let Some(typed) = &self.typed_publish_at {
            return typed.clone();
        }
        self.issue
            .as_ref()
            .and_then(|i| i.publish_at)
            .map(|at| self.ctx.local(at).format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    }
}

/// Inside the unit of work: is the viewer still an editor (the role may have gone since the
/// form was shown)?
pub(super) fn still_editor(tx: &mut crate::db::Tx<'_>, viewer: &crate::policy::Viewer) -> AppResult<()> {
    if Guard::fresh(tx, viewer)?.can_edit_magazine() { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Only editors make issues.
pub(super) async fn require_editor(ctx: &PageCtx, state: &web::Data<AppState>) -> AppResult<i64> {
    let user_id = ctx.require_user()?.id;
    let viewer = ctx.viewer();
    let ok = crate::db::run(&state.pool, move |conn| Ok(Guard::load(conn, &viewer)?.can_edit_magazine())).await?;
    if ok { Ok(user_id) } else { Err(AppError::Forbidden) }
}

/// `GET /magazine/new`
pub async fn new_issue_form(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    require_editor(&ctx, &state).await?;
    let next = crate::db::run(&state.pool, |conn| Ok(q::next_number(conn)?)).await?;
    let form = IssueForm { number: next.to_string(), ..Default::default() };
    render(&issue_page(&ctx, form, FieldErrors::default(), None))
}

/// The issue form with its editor's note previewed (or the reason it cannot be).
async fn preview_note(
    ctx: &PageCtx,
    state: &AppState,
    user_id: i64,
    form: IssueForm,
    desk: Option<Desk>,
) -> AppResult<HttpResponse> {
    let shown_by = desk.as_ref().map(|d| d.issue.id);
    let note = form.note.clone();
    let mut page = issue_page(ctx, form, FieldErrors::default(), desk);
    match content::preview_in(state, user_id, shown_by, &note, NOTE_MAX, "err-body-long").await {
        Ok(p) => page.preview = Some(p),
        Err(e) => page.errors = FieldErrors(vec![("note", e.get("body"))]),
    }
    render(&page)
}

/// An issue on an editor's desk: the issue with its sections and articles.
pub(super) struct Desk {
    issue: Issue,
    sections: Vec<Section>,
    articles: Vec<Article>,
}

/// The issue form: a new issue's (`desk` None), or an issue's desk.
fn issue_page<'a>(ctx: &'a PageCtx, form: IssueForm, errors: FieldErrors, desk: Option<Desk>) -> IssueFormPage<'a> {
    let (issue, sections, articles) = match desk {
        Some(d) => (Some(d.issue), d.sections, d.articles),
        None => (None, Vec::new(), Vec::new()),
    };
    let meta = match &issue {
        Some(i) => Meta::new(
            ctx.ta("magazine-edit-issue-title", &[("number", i.number.to_string())]),
            format!("{}/edit", i.path()),
        ),
        None => Meta::new(ctx.t("magazine-new-issue"), "/magazine/new"),
    }
    .noindex();
    IssueFormPage {
        ctx,
        meta,
        form,
        errors,
        preview: None,
        issue,
        sections,
        articles,
        stages: Stage::ALL,
        notice: String::new(),
        typed_publish_at: None,
        stats: Default::default(),
    }
}

/// Check an issue form; the note rendered with the editor's media.
async fn check_issue(
    state: &AppState,
    author_id: i64,
    issue_id: Option<i64>,
    form: &IssueForm,
) -> Result<IssueInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let number = form.number.trim().parse::<i32>().ok().filter(|n| (1..=q::NUMBER_MAX).contains(n));
    if number.is_none() {
        errors.add("number", "magazine-err-number");
    }
    let title = content::check_title(&form.title, &mut errors);
    let theme = form.theme.trim().to_string();
    if theme.chars().count() > THEME_MAX || theme.chars().any(char::is_control) {
        errors.add("theme", "magazine-err-theme");
    }
    if form.note.chars().count() > NOTE_MAX {
        errors.add("note", "err-body-long");
    }
    let cover = match crate::media::cover_picture(state, author_id, form.cover.trim(), errors.is_empty()).await {
        Ok(c) => c,
        Err(k) => {
            errors.add("cover", k);
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    match crate::media::prepare_body_in(state, author_id, issue_id, form.note.clone()).await {
        Ok(note) => Ok(IssueInput { number: number.unwrap_or(1), title, theme, note, cover_media_id: cover }),
        Err(k) => {
            errors.add("note", k);
            Err(errors)
        }
    }
}

/// `POST /magazine/new`
pub async fn create_issue(
    ctx: Ctx,
    state: web::Data<AppState>,
    upload: UploadForm<IssueForm>,
) -> AppResult<HttpResponse> {
    let user_id = require_editor(&ctx, &state).await?;
    let (form, attached) = upload.attach(&state, user_id, |f| &mut f.note).await;
    if let Some(key) = attached {
        let page = issue_page(&ctx, form, FieldErrors(vec![("files", key)]), None);
        return crate::web::render_status(crate::media::upload::status_for(key), &page);
    }
    if form.action == "preview" {
        return preview_note(&ctx, &state, user_id, form, None).await;
    }
    let input = match check_issue(&state, user_id, None, &form).await {
        Ok(i) => i,
        Err(errors) => {
            return render_invalid(&issue_page(&ctx, form, errors, None));
        }
    };
    let viewer = ctx.viewer();
    let number = input.number;
    let made = crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        Ok(q::create_issue(tx, user_id, &input)?)
    })
    .await?;
    match made {
        Some(_) => Ok(redirect(&format!("{}/edit", super::issue_path(number)))),
        None => {
            render_invalid(&issue_page(&ctx, form, FieldErrors(vec![("number", "magazine-err-number-taken")]), None))
        }
    }
}

/// The issue an editor works on, with its sections and articles.
async fn editable_issue(ctx: &PageCtx, state: &web::Data<AppState>, number: &str) -> AppResult<(i64, Desk)> {
    let user_id = require_editor(ctx, state).await?;
    let view = readable_issue(ctx, state, number).await?;
    Ok((user_id, Desk { issue: view.issue, sections: view.sections, articles: view.articles }))
}

/// A change an editor makes to an issue: one unit of work through the write path, the viewer
/// checked again as an editor and the issue held while it changes.
async fn desk_write<T, F>(ctx: &PageCtx, state: &AppState, issue_id: i64, change: F) -> AppResult<T>
where
    F: FnOnce(&mut crate::db::Tx<'_>) -> AppResult<T> + Send + 'static,
    T: Send + 'static,
{
    let viewer = ctx.viewer();
    crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        content::lock(tx, issue_id)?.ok_or(AppError::NotFound)?;
        change(tx)
    })
    .await
}

/// The desk again with a problem under `field` (422), the issue's own values in the form.
fn desk_problem(ctx: &PageCtx, desk: Desk, field: &'static str, key: &'static str) -> AppResult<HttpResponse> {
    render_invalid(&issue_page(ctx, IssueForm::of(&desk.issue), FieldErrors(vec![(field, key)]), Some(desk)))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditQuery {
    pub msg: String,
}

/// `GET /magazine/{number}/edit`: the issue's desk: its details, stage, sections and articles.
pub async fn edit_issue_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<EditQuery>,
) -> AppResult<HttpResponse> {
    let (_, desk) = editable_issue(&ctx, &state, &path).await?;
    let form = IssueForm::of(&desk.issue);
    let notice = match query.msg.as_str() {
        "saved" => ctx.t("magazine-saved"),
        "stage" => ctx.t("magazine-stage-saved"),
        "section" => ctx.t("magazine-section-added"),
        "section-changed" => ctx.t("magazine-section-changed"),
        "section-deleted" => ctx.t("magazine-section-deleted"),
        "article-deleted" => ctx.t("magazine-article-deleted"),
        _ => String::new(),
    };
    let issue_id = desk.issue.id;
    let stats = crate::db::run(&state.pool, move |conn| Ok(q::issue_stats(conn, issue_id)?)).await?;
    let mut page = issue_page(&ctx, form, FieldErrors::default(), Some(desk));
    (page.stats, page.notice) = (stats, notice);
    render(&page)
}

/// `POST /magazine/{number}/edit`
pub async fn update_issue(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    upload: UploadForm<IssueForm>,
) -> AppResult<HttpResponse> {
    let (user_id, desk) = editable_issue(&ctx, &state, &path).await?;
    let (mut form, attached) = upload.attach(&state, user_id, |f| &mut f.note).await;
    form.number = desk.issue.number.to_string();
    if let Some(key) = attached {
        let page = issue_page(&ctx, form, FieldErrors(vec![("files", key)]), Some(desk));
        return crate::web::render_status(crate::media::upload::status_for(key), &page);
    }
    if form.action == "preview" {
        return preview_note(&ctx, &state, user_id, form, Some(desk)).await;
    }
    let input = match check_issue(&state, user_id, Some(desk.issue.id), &form).await {
        Ok(i) => i,
        Err(errors) => return render_invalid(&issue_page(&ctx, form, errors, Some(desk))),
    };
    let (id, path) = (desk.issue.id, desk.issue.path());
    desk_write(&ctx, &state, id, move |tx| Ok(q::update_issue(tx, id, &input)?)).await?;
    Ok(redirect(&format!("{path}/edit?msg=saved")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StageForm {
    pub stage: String,
    /// `datetime-local` in the editor's time zone, for a scheduled issue.
    pub publish_at: String,
}

/// `POST /magazine/{number}/stage`: draft → review → scheduled → published (or back).
pub async fn set_stage(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<StageForm>,
) -> AppResult<HttpResponse> {
    let (_, desk) = editable_issue(&ctx, &state, &path).await?;
    let stage = Stage::parse(&form.0.stage);
    let publish_at = parse_local(&ctx, &form.0.publish_at);
    let problem = match (stage, publish_at) {
        (None, _) => Some("magazine-err-stage"),
        (Some(Stage::Scheduled), None) => Some("magazine-err-publish-at"),
        (Some(Stage::Scheduled), Some(at)) if at <= crate::now() => Some("magazine-err-publish-at-past"),
        _ => None,
    };
    if let Some(key) = problem {
        let mut page = issue_page(&ctx, IssueForm::of(&desk.issue), FieldErrors(vec![("stage", key)]), Some(desk));
        // What the editor typed stays in the form.
        page.typed_publish_at = Some(form_publish_at(&form.0.publish_at));
        return render_invalid(&page);
    }
    let (id, path) = (desk.issue.id, desk.issue.path());
    let stage = stage.unwrap_or(Stage::Draft);
    desk_write(&ctx, &state, id, move |tx| {
        let issue = q::issue_by_id(tx.conn(), id)?.ok_or(AppError::NotFound)?;
        Ok(q::set_stage(tx, &issue, stage, publish_at)?)
    })
    .await?;
    Ok(redirect(&format!("{path}/edit?msg=stage")))
}

/// A `datetime-local` value (`2026-12-24T09:30`) in the reader's time zone, as UTC.
/// A typed time as the form shows it again (only what a `datetime-local` field can hold).
fn form_publish_at(typed: &str) -> String {
    typed.trim().chars().filter(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T')).take(19).collect()
}

pub(crate) fn parse_local(ctx: &PageCtx, s: &str) -> Option<NaiveDateTime> {
    use chrono::TimeZone;
    // Browsers send minutes, or seconds when the editor typed them.
    let s = s.trim();
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    ctx.tz.from_local_datetime(&local).earliest().map(|t| t.naive_utc())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SectionForm {
    pub title: String,
}

/// `POST /magazine/{number}/sections`
pub async fn add_section(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<SectionForm>,
) -> AppResult<HttpResponse> {
    let (_, desk) = editable_issue(&ctx, &state, &path).await?;
    let mut errors = FieldErrors::default();
    let title = content::check_title(&form.0.title, &mut errors);
    if !errors.is_empty() {
        return desk_problem(&ctx, desk, "sections", errors.get("title"));
    }
    let (id, path) = (desk.issue.id, desk.issue.path());
    desk_write(&ctx, &state, id, move |tx| Ok(q::add_section(tx, id, &title)?)).await?;
    Ok(redirect(&format!("{path}/edit?msg=section")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SectionChangeForm {
    pub title: String,
    /// rename, up, down or delete.
    pub action: String,
}

/// `POST /magazine/{number}/sections/{id}`: rename, move or delete a section (its articles stay
/// in the issue, outside any section).
pub async fn change_section(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<SectionChangeForm>,
) -> AppResult<HttpResponse> {
    let (number, section) = path.into_inner();
    let (_, desk) = editable_issue(&ctx, &state, &number).await?;
    let section_id = crate::web::canonical_number(&section).ok_or(AppError::NotFound)?;
    let mut errors = FieldErrors::default();
    let title =
        if form.0.action == "rename" { content::check_title(&form.0.title, &mut errors) } else { String::new() };
    if !errors.is_empty() {
        return desk_problem(&ctx, desk, "sections", errors.get("title"));
    }
    let action = form.0.action.clone();
    if !matches!(action.as_str(), "rename" | "up" | "down" | "delete") {
        return desk_problem(&ctx, desk, "sections", "magazine-err-section-action");
    }
    let msg = if action == "delete" { "section-deleted" } else { "section-changed" };
    let (id, path) = (desk.issue.id, desk.issue.path());
    let done = desk_write(&ctx, &state, id, move |tx| {
        let change = match action.as_str() {
            "rename" => q::SectionChange::Rename(&title),
            "up" => q::SectionChange::Up,
            "down" => q::SectionChange::Down,
            _ => q::SectionChange::Delete,
        };
        Ok(q::change_section(tx, id, section_id, change)?)
    })
    .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&format!("{path}/edit?msg={msg}")))
}

/// `POST /magazine/{number}/{slug}/delete`: an editor takes an article out of the issue (its
/// revisions and comments go with it; readers get a 404).
pub async fn delete_article(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<SectionForm>,
) -> AppResult<HttpResponse> {
    let (number, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number, slug).await?;
    if !rights.manage {
        return Err(if ctx.user.is_some() { AppError::Forbidden } else { AppError::LoginRequired(ctx.path.clone()) });
    }
    let (viewer, id, issue_id) = (ctx.viewer(), article.id, issue.id);
    crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        content::lock(tx, id)?.ok_or(AppError::NotFound)?;
        content::delete(tx, id)?;
        tx.touch(issue_id);
        Ok(())
    })
    .await?;
    Ok(redirect(&format!("{}/edit?msg=article-deleted", issue.path())))
}

// ---------------------------------------------------------------- articles

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ArticleForm {
    pub title: String,
    pub body: String,
    pub summary: String,
    /// The approved revision the writer started from.
    pub base: String,
    // Editors only:
    /// A pending edit this save accepts (as the editor changed it).
    pub accepts: String,
    pub section: String,
    pub position: String,
    pub mode: String,
    pub writers: String,
    pub tags: String,
    pub action: String,
}

#[derive(Template)]
#[template(path = "magazine/article_form.html")]
struct ArticleFormPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    issue: Issue,
    /// Editing this article (None: a new one).
    article: Option<Article>,
    form: ArticleForm,
    errors: FieldErrors,
    preview: Option<SafeHtml>,
    sections: Vec<Section>,
    modes: [Mode; 3],
    /// The viewer may change the article's place, mode and writers.
    manage: bool,
    /// Someone saved since the writer opened the editor: what could not be combined.
    conflict: Option<ConflictView>,
    /// A notice above the form (undoing a revision).
    notice: String,
    /// What saving the form would change (undoing a revision).
    changes: Option<Diff>,
}

/// Two edits made from the same revision, combined where they did not overlap; shown when some
/// passages were changed by both.
pub struct ConflictView {
    /// Who saved meanwhile.
    pub by: String,
    /// Each passage both changed: from their version to the writer's.
    pub passages: Vec<Diff>,
    /// The title both changed: (theirs, the writer's).
    pub title: Option<(String, String)>,
    /// The article as it is now.
    pub current: String,
}

fn article_page<'a>(
    ctx: &'a PageCtx,
    issue: Issue,
    article: Option<Article>,
    form: ArticleForm,
    errors: FieldErrors,
    sections: Vec<Section>,
    manage: bool,
) -> ArticleFormPage<'a> {
    let meta = match &article {
        Some(a) => Meta::new(
            ctx.ta("magazine-edit-article-title", &[("title", a.title.clone())]),
            format!("{}/edit", a.path()),
        ),
        None => Meta::new(ctx.t("magazine-new-article"), format!("{}/articles/new", issue.path())),
    }
    .noindex();
    ArticleFormPage {
        ctx,
        meta,
        issue,
        article,
        form,
        errors,
        preview: None,
        sections,
        modes: Mode::ALL,
        manage,
        conflict: None,
        notice: String::new(),
        changes: None,
    }
}

/// What an editor typed for an article's section, position, mode and writers.
async fn check_settings(
    state: &AppState,
    form: &ArticleForm,
    sections: &[Section],
    errors: &mut FieldErrors,
) -> AppResult<ArticleSettings> {
    let section_id = form.section.trim().parse::<i64>().ok().filter(|id| sections.iter().any(|s| s.id == *id));
    if !form.section.trim().is_empty() && section_id.is_none() {
        errors.add("section", "magazine-err-section");
    }
    let typed = form.position.trim();
    let position = typed.parse::<i32>().ok().filter(|p| (0..=10_000).contains(p));
    if !typed.is_empty() && position.is_none() {
        errors.add("position", "magazine-err-position");
    }
    let mode = Mode::parse(form.mode.trim()).unwrap_or_else(|| {
        errors.add("mode", "magazine-err-mode");
        Mode::Closed
    });
    let writers = people_named(
        state,
        &form.writers,
        errors,
        ("writers", "magazine-err-writers-many", "magazine-err-writers-unknown"),
    )
    .await?;
    let tags = content::tags::parse_list(&form.tags).unwrap_or_else(|k| {
        errors.add("tags", k);
        Vec::new()
    });
    Ok(ArticleSettings { section_id, position, mode, writers, tags })
}

/// The members a list of usernames names (commas or spaces, `@` allowed), at most 20; a name
/// that is not a member's is a problem under `field` (`many`, `unknown`: the catalog keys).
pub(super) async fn people_named(
    state: &AppState,
    typed: &str,
    errors: &mut FieldErrors,
    (field, many, unknown): (&'static str, &'static str, &'static str),
) -> AppResult<Vec<i64>> {
    let mut names: Vec<String> = typed
        .split([',', '，', ' '])
        .map(|n| n.trim().trim_start_matches('@').to_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names.dedup();
    if names.len() > 20 {
        errors.add(field, many);
        return Ok(Vec::new());
    }
    let wanted = names.clone();
    // (A database that cannot answer is an error page, not "not a member".)
    let found = crate::db::run(&state.pool, move |conn| Ok(q::members_named(conn, &wanted)?)).await?;
    if found.len() < names.len() {
        errors.add(field, unknown);
    }
    Ok(found)
}

fn check_text(form: &ArticleForm, errors: &mut FieldErrors) -> String {
    let title = content::check_title(&form.title, errors);
    if form.body.trim().is_empty() {
        errors.add("body", "err-body-empty");
    } else if form.body.chars().count() > ARTICLE_MAX {
        errors.add("body", "magazine-err-body-long");
    } else if let Err(k) = content::markdown::check_nesting(&form.body) {
        errors.add("body", k);
    }
    if form.summary.chars().count() > SUMMARY_MAX || form.summary.chars().any(char::is_control) {
        errors.add("summary", "magazine-err-summary");
    }
    title
}

/// `GET /magazine/{number}/articles/new`
pub async fn new_article_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let (_, desk) = editable_issue(&ctx, &state, &path).await?;
    let form = ArticleForm { mode: Mode::Closed.as_str().into(), ..Default::default() };
    render(&article_page(&ctx, desk.issue, None, form, FieldErrors::default(), desk.sections, true))
}

/// `POST /magazine/{number}/articles/new`
pub async fn create_article(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    upload: UploadForm<ArticleForm>,
) -> AppResult<HttpResponse> {
    let (user_id, Desk { issue, sections, .. }) = editable_issue(&ctx, &state, &path).await?;
    let (form, attached) = upload.attach(&state, user_id, |f| &mut f.body).await;
    if let Some(key) = attached {
        let page = article_page(&ctx, issue, None, form, FieldErrors(vec![("files", key)]), sections, true);
        return crate::web::render_status(crate::media::upload::status_for(key), &page);
    }
    let mut errors = FieldErrors::default();
    let title = check_text(&form, &mut errors);
    let settings = check_settings(&state, &form, &sections, &mut errors).await?;
    if form.action == "preview" && errors.is_empty() {
        let mut page = article_page(&ctx, issue, None, form.clone(), FieldErrors::default(), sections, true);
        match content::preview(&state, user_id, &form.body, ARTICLE_MAX, "magazine-err-body-long").await {
            Ok(p) => page.preview = Some(p),
            Err(e) => page.errors = e,
        }
        return render(&page);
    }
    if !errors.is_empty() {
        return render_invalid(&article_page(&ctx, issue, None, form, errors, sections, true));
    }
    let body = match crate::media::prepare_body(&state, user_id, form.body.clone()).await {
        Ok(b) => b,
        Err(k) => {
            return render_invalid(&article_page(
                &ctx,
                issue,
                None,
                form,
                FieldErrors(vec![("body", k)]),
                sections,
                true,
            ));
        }
    };
    let issue_id = issue.id;
    let id = desk_write(&ctx, &state, issue_id, move |tx| {
        let issue = q::issue_by_id(tx.conn(), issue_id)?.ok_or(AppError::NotFound)?;
        Ok(q::create_article(tx, &issue, user_id, &title, &body, &settings)?)
    })
    .await?;
    let article =
        crate::db::run(&state.pool, move |conn| q::article_by_id(conn, id)?.ok_or(AppError::NotFound)).await?;
    Ok(redirect(&article.path()))
}

/// Someone who may not edit the article: asked to log in, or refused.
fn may_edit(ctx: &PageCtx, rights: super::pages::ArticleRights) -> AppResult<()> {
    match (rights.edit, ctx.user.is_some()) {
        (true, _) => Ok(()),
        (false, true) => Err(AppError::Forbidden),
        (false, false) => Err(AppError::LoginRequired(ctx.path.clone())),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditArticleQuery {
    /// Start from the article without this revision's changes.
    pub undo: String,
    /// An editor starts from this pending edit, to accept it with changes.
    pub review: String,
}

/// `GET /magazine/{number}/{slug}/edit[?undo=R]`
pub async fn edit_article_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<EditArticleQuery>,
) -> AppResult<HttpResponse> {
    let (number, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number, slug).await?;
    may_edit(&ctx, rights)?;
    let (issue_id, id) = (issue.id, article.id);
    let (sections, writers, tags) = crate::db::run(&state.pool, move |conn| {
        let writers = q::writers_of(conn, &[id])?.remove(&id).unwrap_or_default();
        Ok((q::sections(conn, issue_id)?, writers, content::tags::field_value(conn, id)?))
    })
    .await?;
    let form = ArticleForm {
        title: article.title.clone(),
        body: article.body_md.clone(),
        base: article.approved_revision_id.map(|r| r.to_string()).unwrap_or_default(),
        section: article.section_id.map(|s| s.to_string()).unwrap_or_default(),
        position: article.position.to_string(),
        mode: article.mode.clone(),
        writers: writers.iter().map(|w| w.username.clone()).collect::<Vec<_>>().join(", "),
        tags,
        ..Default::default()
    };
    let mut page = article_page(&ctx, issue, Some(article), form, FieldErrors::default(), sections, rights.manage);
    if !query.review.is_empty() && rights.manage {
        let status = prepare_review(&ctx, &state, &mut page, &query.review).await?;
        return crate::web::render_status(status, &page);
    }
    if query.undo.is_empty() {
        return render(&page);
    }
    let status = prepare_undo(&ctx, &state, &mut page, &query.undo).await?;
    crate::web::render_status(status, &page)
}

/// Fill an editor's form with a pending edit, started from the revision it was made from:
/// saving accepts it as the editor changed it (merged with what was saved since, if anything).
async fn prepare_review(
    ctx: &PageCtx,
    state: &AppState,
    page: &mut ArticleFormPage<'_>,
    typed: &str,
) -> AppResult<actix_web::http::StatusCode> {
    let Some(article) = page.article.as_ref() else { return Ok(actix_web::http::StatusCode::OK) };
    let (article_id, wanted) = (article.id, crate::web::canonical_number(typed.trim()));
    let edit = crate::db::run(&state.pool, move |conn| {
        Ok(wanted.map(|id| q::pending_edit(conn, id)).transpose()?.flatten().filter(|e| e.article_id == article_id))
    })
    .await?;
    let Some(edit) = edit else {
        page.errors = FieldErrors(vec![("body", "magazine-err-review-gone")]);
        return Ok(actix_web::http::StatusCode::NOT_FOUND);
    };
    page.form.title = edit.title.clone();
    page.form.body = edit.body_md.clone();
    page.form.summary = ctx.ta("magazine-review-summary", &[("who", edit.author.clone()), ("id", edit.id.to_string())]);
    page.form.base = edit.base_id.map(|b| b.to_string()).unwrap_or_default();
    page.form.accepts = edit.id.to_string();
    page.notice = ctx.ta("magazine-review-editing", &[("who", edit.author.clone())]);
    Ok(actix_web::http::StatusCode::OK)
}

/// Fill the editor with the article as it would be without one revision's changes, the changes
/// made after it kept; the writer looks at what that changes and saves (through the ordinary
/// save, so a race or a member's pending edit goes as any edit does).
async fn prepare_undo(
    ctx: &PageCtx,
    state: &AppState,
    page: &mut ArticleFormPage<'_>,
    typed: &str,
) -> AppResult<actix_web::http::StatusCode> {
    use actix_web::http::StatusCode;
    let Some(article) = page.article.as_ref() else { return Ok(StatusCode::OK) };
    let (article_id, wanted) = (article.id, crate::web::canonical_number(typed.trim()));
    let found = crate::db::run(&state.pool, move |conn| {
        let Some(rev) = wanted.map(|id| q::revision(conn, id)).transpose()?.flatten() else { return Ok(None) };
        if rev.article_id != article_id || !rev.approved() {
            return Ok(None);
        }
        let before = rev.base_id.map(|id| q::revision(conn, id)).transpose()?.flatten();
        Ok(before.map(|b| (rev, b)))
    })
    .await?;
    let Some((rev, before)) = found else {
        page.errors = FieldErrors(vec![("body", "magazine-err-undo-missing")]);
        return Ok(StatusCode::NOT_FOUND);
    };
    let now = article.body_md.clone();
    let (rev_text, before_text) = (rev.body_md.clone(), before.body_md.clone());
    let merged = web::block(move || diff::merge(&rev_text, &now, &before_text)).await.map_err(AppError::internal)?;
    if !merged.conflicts.is_empty() {
        page.errors = FieldErrors(vec![("body", "magazine-err-undo-conflict")]);
        return Ok(StatusCode::CONFLICT);
    }
    // The title goes back too, unless it was changed again later.
    let title = if article.title == rev.title { before.title.clone() } else { article.title.clone() };
    if merged.text == article.body_md && title == article.title {
        page.notice = ctx.t("magazine-undo-nothing");
        return Ok(StatusCode::OK);
    }
    page.changes = Some(diff::diff(&article.body_md, &merged.text));
    page.form.body = merged.text;
    page.form.title = title;
    page.form.summary = ctx.ta("magazine-undo-summary", &[("id", rev.id.to_string()), ("who", rev.author.clone())]);
    page.notice = ctx.ta("magazine-undo-check", &[("id", rev.id.to_string())]);
    Ok(StatusCode::OK)
}

/// A title both edits may have changed: the one changed, or None when both changed it differently.
fn merge_title(base: &str, ours: &str, theirs: &str) -> Option<String> {
    if ours == theirs || theirs == base {
        Some(ours.to_string())
    } else if ours == base {
        Some(theirs.to_string())
    } else {
        None
    }
}

/// One save of an article through the write path: checks the viewer's rights again in the
/// unit of work, saves the revision (approved or pending by trust), and an editor's settings.
#[allow(clippy::too_many_arguments)]
async fn save_article(
    state: &AppState,
    ctx: &PageCtx,
    id: i64,
    base: Option<i64>,
    title: String,
    body: content::Body,
    summary: String,
    settings: Option<ArticleSettings>,
    accepts: Option<i64>,
) -> AppResult<Saved> {
    let user_id = ctx.require_user()?.id;
    let trust = state.settings.magazine_trusted_after as i64;
    let viewer = ctx.viewer();
    crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        content::lock(tx, id)?.ok_or(AppError::NotFound)?;
        let article = q::article_by_id(tx.conn(), id)?.ok_or(AppError::NotFound)?;
        let issue = q::issue_by_id(tx.conn(), article.issue_id)?.ok_or(AppError::NotFound)?;
        let writes = q::writes_in_issue(tx.conn(), Some(user_id), issue.id)?;
        let writer = q::is_writer(tx.conn(), Some(user_id), id)?;
        if !guard.can_edit_article(&issue.facts(writes), &article.facts(writer)) {
            return Err(AppError::Forbidden);
        }
        // Trusted: editors, the article's writers, staff, members with enough accepted edits,
        // and regulars (trust level 3 and up).
        let regular = match crate::accounts::queries::find(tx, user_id)? {
            Some(u) => crate::moderation::trust::current(tx, &u)? >= 3,
            None => false,
        };
        let approved = guard.can_edit_magazine()
            || writer
            || guard.is_staff()
            || regular
            || q::approved_count(tx.conn(), user_id)? >= trust;
        let edit =
            q::Edit { author_id: user_id, base_id: base, title: &title, body: &body, summary: &summary, approved };
        let saved = q::save_revision(tx, &article, &edit)?;
        // A save that lost the race changes nothing, its settings included.
        if let (Some(s), true, false) = (&settings, guard.can_edit_magazine(), saved == Saved::Conflict) {
            q::set_article_settings(tx, id, s)?;
        }
        // An editor's save of someone's pending edit accepts it; its author hears so.
        if let (Some(pending), true, Saved::Approved(_)) = (accepts, guard.can_edit_magazine(), &saved) {
            if let Some(edit) = q::pending_edit(tx.conn(), pending)?.filter(|e| e.article_id == id) {
                if q::accept_as_edited(tx, pending, user_id, id)? {
                    q::tell_author(tx, &edit, user_id, true, "")?;
                }
            }
        }
        Ok(saved)
    })
    .await
}

/// How many times a save is combined with edits saved meanwhile (each time someone else saved
/// again first) before the writer is asked to save again.
const MERGE_TRIES: usize = 20;

/// `POST /magazine/{number}/{slug}/edit`: a revision. Saved from the revision readers see, it is
/// approved (editors, writers, trusted members) or kept for review (members not yet trusted).
/// If someone saved meanwhile, the two edits are combined where they do not overlap and saved;
/// where they do, nothing is saved and the writer gets the combined text and the passages to
/// settle.
pub async fn update_article(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    upload: UploadForm<ArticleForm>,
) -> AppResult<HttpResponse> {
    let (number, slug) = path.into_inner();
    let (issue, article, rights) = readable_article(&ctx, &state, &number, slug).await?;
    may_edit(&ctx, rights)?;
    let user_id = ctx.require_user()?.id;
    let issue_id = issue.id;
    let sections = crate::db::run(&state.pool, move |conn| Ok(q::sections(conn, issue_id)?)).await?;
    let (form, attached) = upload.attach(&state, user_id, |f| &mut f.body).await;
    let manage = rights.manage;
    if let Some(key) = attached {
        let page = article_page(&ctx, issue, Some(article), form, FieldErrors(vec![("files", key)]), sections, manage);
        return crate::web::render_status(crate::media::upload::status_for(key), &page);
    }
    let mut errors = FieldErrors::default();
    let title = check_text(&form, &mut errors);
    let settings = if manage { Some(check_settings(&state, &form, &sections, &mut errors).await?) } else { None };
    let id = article.id;
    if form.action == "preview" && errors.is_empty() {
        let mut page = article_page(&ctx, issue, Some(article), form.clone(), FieldErrors::default(), sections, manage);
        match content::preview_in(&state, user_id, Some(id), &form.body, ARTICLE_MAX, "magazine-err-body-long").await {
            Ok(p) => page.preview = Some(p),
            Err(e) => page.errors = e,
        }
        return render(&page);
    }
    if !errors.is_empty() {
        return render_invalid(&article_page(&ctx, issue, Some(article), form, errors, sections, manage));
    }
    let (mut text, mut title) = (form.body.clone(), title);
    let mut base = form.base.trim().parse::<i64>().ok();
    let first_base = base;
    let summary = form.summary.trim().to_string();
    let mut merged_with_others = false;
    let accepts = if manage { crate::web::canonical_number(form.accepts.trim()) } else { None };
    for attempt in 1..=MERGE_TRIES {
        let body = match crate::media::prepare_body_in(&state, user_id, Some(id), text.clone()).await {
            Ok(b) => b,
            Err(k) => {
                let mut form = form;
                (form.body, form.title) = (text, title);
                let page =
                    article_page(&ctx, issue, Some(article), form, FieldErrors(vec![("body", k)]), sections, manage);
                return render_invalid(&page);
            }
        };
        let saved =
            save_article(&state, &ctx, id, base, title.clone(), body, summary.clone(), settings.clone(), accepts)
                .await?;
        let merged = if merged_with_others { "&merged=1" } else { "" };
        match saved {
            Saved::Approved(_) | Saved::Unchanged if merged.is_empty() => return Ok(redirect(&article.path())),
            Saved::Approved(_) | Saved::Unchanged => return Ok(redirect(&format!("{}?merged=1", article.path()))),
            Saved::Pending(_) => return Ok(redirect(&format!("{}?pending=1{merged}", article.path()))),
            Saved::Conflict => {}
        }
        // Someone saved since `base`: combine their edit and this one.
        let since = base;
        let (current, started) = crate::db::run(&state.pool, move |conn| {
            let current = q::article_by_id(conn, id)?.ok_or(AppError::NotFound)?;
            // Only a revision readers saw can be where an edit started.
            let started = since
                .map(|b| q::revision(conn, b))
                .transpose()?
                .flatten()
                .filter(|r| r.article_id == id && r.approved());
            Ok((current, started))
        })
        .await?;
        let (mine, mine_title, theirs) = (text.clone(), title.clone(), current.body_md.clone());
        let started_text = started.as_ref().map(|r| r.body_md.clone());
        let combined = web::block(move || match started_text {
            Some(b) => diff::merge(&b, &mine, &theirs),
            None => diff::Merged { text: mine.clone(), conflicts: vec![diff::Conflict { theirs, ours: mine }] },
        })
        .await
        .map_err(AppError::internal)?;
        let combined_title = started.as_ref().and_then(|r| merge_title(&r.title, &mine_title, &current.title));
        base = current.approved_revision_id;
        if combined.conflicts.is_empty() && attempt < MERGE_TRIES {
            if let Some(t) = combined_title {
                (text, title, merged_with_others) = (combined.text, t, true);
                continue;
            }
        }
        // The writer settles the passages both changed; their text is in the form.
        let by = crate::db::run(&state.pool, move |conn| Ok(q::authors_since(conn, id, first_base)?)).await?;
        let passages = combined.conflicts.iter().map(|c| diff::diff(&c.theirs, &c.ours)).collect();
        let conflict = ConflictView {
            by: by.join(", "),
            passages,
            title: combined_title.is_none().then(|| (current.title.clone(), mine_title.clone())),
            current: current.body_md.clone(),
        };
        let mut form = form;
        form.base = base.map(|r| r.to_string()).unwrap_or_default();
        form.body = combined.text;
        form.title = mine_title;
        let mut page = article_page(
            &ctx,
            issue,
            Some(current),
            form,
            FieldErrors(vec![("body", "magazine-err-conflict")]),
            sections,
            manage,
        );
        page.conflict = Some(conflict);
        return crate::web::render_status(actix_web::http::StatusCode::CONFLICT, &page);
    }
    unreachable!("the last try returns")
}
