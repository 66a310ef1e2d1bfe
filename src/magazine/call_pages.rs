//! Calls for contributions on the web: `/magazine/calls` (open and past calls), a call's page
//! (theme, rules, prizes, deadline, judges, the accepted entries members like, the winners once
//! announced), the editors' form, and the judges' score sheet where editors also give awards
//! and announce the winners.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::areas::AreaForm;
use super::calls::{self as k, Call, CallInput, Score};
use super::contributions::{self as c, Area, Entry};
use super::editor::{people_named, require_editor, still_editor};
use crate::accounts::AuthorView;
use crate::content::{self, markdown::SafeHtml};
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

const RULES_MAX: usize = 20_000;

/// A call with its area (deadline, theme, accepted media).
pub struct CallView {
    pub call: Call,
    pub area: Area,
}

impl CallView {
    pub fn open(&self) -> bool {
        self.area.open_at(crate::now()) && !self.call.announced()
    }
}

fn with_areas(conn: &mut crate::db::DbConn, calls: Vec<Call>) -> diesel::QueryResult<Vec<CallView>> {
    let ids: Vec<i64> = calls.iter().map(|c| c.id).collect();
    let mut areas = c::areas_of(conn, &ids)?;
    Ok(calls
        .into_iter()
        .filter_map(|call| {
            let area = areas.remove(&call.id)?.into_iter().find(|a| a.id == call.area_id)?;
            Some(CallView { call, area })
        })
        .collect())
}

#[derive(Template)]
#[template(path = "magazine/calls.html")]
struct CallsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    open: Vec<CallView>,
    past: Vec<CallView>,
    can_edit: bool,
}

impl CallsPage<'_> {
    fn theme(&self, v: &CallView) -> String {
        content::excerpt_of(&v.area.prompt)
    }
}

/// `GET /magazine/calls`
pub async fn index(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let (calls, can_edit) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let calls = k::all(conn, &guard)?;
        Ok((with_areas(conn, calls)?, guard.can_edit_magazine()))
    })
    .await?;
    let (open, past) = calls.into_iter().partition(CallView::open);
    let meta = Meta::new(ctx.t("magazine-calls-title"), "/magazine/calls").description(ctx.t("magazine-calls-intro"));
    let page = render(&CallsPage { ctx: &ctx, meta, open, past, can_edit })?;
    Ok(crate::web::cache::keep(page, [content::listing::LISTS.to_string()]))
}

/// A call the viewer may read, what the viewer is to it (editor, judge).
struct Found {
    view: CallView,
    editor: bool,
    judge: bool,
}

async fn readable_call(ctx: &PageCtx, state: &web::Data<AppState>, id: &str) -> AppResult<Found> {
    let id = crate::web::canonical_number(id).ok_or(AppError::NotFound)?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let row = content::find(conn, id)?.filter(|r| r.kind == k::KIND_CALL).ok_or(AppError::NotFound)?;
        if !guard.can_read(&row.facts(), Place::None) {
            return Err(AppError::NotFound);
        }
        let call = k::call(conn, id)?.ok_or(AppError::NotFound)?;
        let view = with_areas(conn, vec![call])?.pop().ok_or(AppError::NotFound)?;
        let judge = guard.can_judge(k::is_judge(conn, id, guard.user_id())?);
        Ok(Found { view, editor: guard.can_edit_magazine(), judge })
    })
    .await
}

#[derive(Template)]
#[template(path = "magazine/call.html")]
struct CallPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    view: CallView,
    theme: SafeHtml,
    judges: Vec<(i64, AuthorView)>,
    entries: Vec<Entry>,
    /// The entries the viewer likes.
    liked: Vec<i64>,
    editor: bool,
    judge: bool,
    member: bool,
    /// The issue that features the winners: (path, title).
    featured: Option<(String, String)>,
}

impl CallPage<'_> {
    fn winners(&self) -> Vec<&Entry> {
        if !self.view.call.announced() {
            return Vec::new();
        }
        self.entries.iter().filter(|e| !e.award.is_empty()).collect()
    }

    fn likes(&self, e: &Entry) -> bool {
        self.liked.contains(&e.id)
    }

    fn mine(&self, e: &Entry) -> bool {
        self.ctx.user.as_ref().is_some_and(|u| u.id == e.author_id)
    }

    fn deadline(&self) -> Option<String> {
        self.view.area.deadline.map(|d| self.ctx.datetime(d))
    }
}

/// `GET /magazine/calls/{id}`
pub async fn show(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    let Found { view, editor, judge } = readable_call(&ctx, &state, &path).await?;
    let (id, area_id, me) = (view.call.id, view.area.id, ctx.user.as_ref().map(|u| u.id));
    let featured_id = view.call.featured_issue_id.filter(|_| view.call.announced());
    let (judges, entries, liked, featured) = crate::db::run(&state.pool, move |conn| {
        let featured = match featured_id {
            Some(id) => super::queries::issue_by_id(conn, id)?.filter(|i| i.live).map(|i| (i.path(), i.title)),
            None => None,
        };
        let entries = c::accepted_in(conn, &[area_id])?.remove(&area_id).unwrap_or_default();
        let liked = match me {
            Some(me) => content::likes::liked_among(conn, me, &entries.iter().map(|e| e.id).collect::<Vec<_>>())?,
            None => Vec::new(),
        };
        Ok((k::judges(conn, id)?, entries, liked, featured))
    })
    .await?;
    let meta = Meta::new(view.call.title.clone(), view.call.path()).description(content::excerpt_of(&view.area.prompt));
    let theme = content::Body::render(view.area.prompt.clone()).html().clone();
    let page = CallPage {
        ctx: &ctx,
        meta,
        theme,
        view,
        judges,
        entries,
        liked,
        editor,
        judge,
        member: ctx.user.is_some(),
        featured,
    };
    Ok(crate::web::cache::keep(render(&page)?, [content::listing::content_key(id)]))
}

// ---------------------------------------------------------------- the editors' form

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct CallForm {
    pub title: String,
    pub theme: String,
    pub rules: String,
    pub prizes: String,
    pub judges: String,
    pub accept_image: String,
    pub accept_audio: String,
    pub accept_video: String,
    pub deadline: String,
}

impl CallForm {
    fn of(ctx: &PageCtx, v: &CallView, judges: &[(i64, AuthorView)]) -> Self {
        let a = AreaForm::of(ctx, &v.area);
        CallForm {
            title: v.call.title.clone(),
            theme: a.prompt,
            rules: v.call.rules_md.clone(),
            prizes: v.call.prizes.clone(),
            judges: judges.iter().map(|j| j.1.username.clone()).collect::<Vec<_>>().join(", "),
            accept_image: a.accept_image,
            accept_audio: a.accept_audio,
            accept_video: a.accept_video,
            deadline: a.deadline,
        }
    }

    async fn check(
        &self,
        ctx: &PageCtx,
        state: &AppState,
        new: bool,
        errors: &mut FieldErrors,
    ) -> AppResult<Option<CallInput>> {
        let area = AreaForm {
            title: self.title.clone(),
            prompt: self.theme.clone(),
            accept_image: self.accept_image.clone(),
            accept_audio: self.accept_audio.clone(),
            accept_video: self.accept_video.clone(),
            deadline: self.deadline.clone(),
            host: String::new(),
        }
        .check(ctx, new, errors);
        if self.rules.chars().count() > RULES_MAX {
            errors.add("rules", "magazine-err-rules-long");
        } else if let Err(key) = content::markdown::check_nesting(&self.rules) {
            errors.add("rules", key);
        }
        if self.prizes.chars().count() > k::PRIZES_MAX {
            errors.add("prizes", "magazine-err-prizes-long");
        }
        let judges = people_named(
            state,
            &self.judges,
            errors,
            ("judges", "magazine-err-judges-many", "magazine-err-judges-unknown"),
        )
        .await?;
        if !errors.is_empty() {
            return Ok(None);
        }
        Ok(Some(CallInput {
            area,
            rules: content::Body::render(self.rules.trim()),
            prizes: content::plain_input(&self.prizes),
            judges,
        }))
    }
}

#[derive(Template)]
#[template(path = "magazine/call_form.html")]
struct CallFormPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    call: Option<Call>,
    form: CallForm,
    errors: FieldErrors,
}

fn call_form(ctx: &PageCtx, call: Option<Call>, form: CallForm, errors: FieldErrors) -> CallFormPage<'_> {
    let title = match &call {
        Some(c) => ctx.ta("magazine-call-edit-title", &[("title", c.title.clone())]),
        None => ctx.t("magazine-call-new"),
    };
    CallFormPage { ctx, meta: Meta::new(title, "/magazine/calls/new").noindex(), call, form, errors }
}

/// `GET /magazine/calls/new`
pub async fn new_form(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    require_editor(&ctx, &state).await?;
    let form = CallForm { accept_image: "1".into(), ..Default::default() };
    render(&call_form(&ctx, None, form, FieldErrors::default()))
}

/// `POST /magazine/calls/new`
pub async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CallForm>,
) -> AppResult<HttpResponse> {
    let user_id = require_editor(&ctx, &state).await?;
    let mut errors = FieldErrors::default();
    let Some(input) = form.check(&ctx, &state, true, &mut errors).await? else {
        return render_invalid(&call_form(&ctx, None, form, errors));
    };
    let viewer = ctx.viewer();
    let id = crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        Ok(k::create(tx, user_id, &input)?)
    })
    .await?;
    Ok(redirect(&k::call_path(id)))
}

/// `GET /magazine/calls/{id}/edit`
pub async fn edit_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    require_editor(&ctx, &state).await?;
    let found = readable_call(&ctx, &state, &path).await?;
    let id = found.view.call.id;
    let judges = crate::db::run(&state.pool, move |conn| Ok(k::judges(conn, id)?)).await?;
    let form = CallForm::of(&ctx, &found.view, &judges);
    render(&call_form(&ctx, Some(found.view.call), form, FieldErrors::default()))
}

/// `POST /magazine/calls/{id}/edit`
pub async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<CallForm>,
) -> AppResult<HttpResponse> {
    require_editor(&ctx, &state).await?;
    let found = readable_call(&ctx, &state, &path).await?;
    let mut errors = FieldErrors::default();
    let Some(input) = form.check(&ctx, &state, false, &mut errors).await? else {
        return render_invalid(&call_form(&ctx, Some(found.view.call), form, errors));
    };
    let (call, viewer) = (found.view.call, ctx.viewer());
    let path = call.path();
    crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        content::lock(tx, call.id)?.ok_or(AppError::NotFound)?;
        Ok(k::update(tx, &call, &input)?)
    })
    .await?;
    Ok(redirect(&path))
}

// ---------------------------------------------------------------- judging

#[derive(Template)]
#[template(path = "magazine/judging.html")]
struct JudgingPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    view: CallView,
    entries: Vec<Entry>,
    scores: Vec<Score>,
    editor: bool,
    /// A score that could not be taken: the entry, what was typed (score, note), why.
    problem: Option<(i64, String, String, &'static str)>,
    notice: String,
}

impl JudgingPage<'_> {
    fn me(&self) -> i64 {
        self.ctx.user.as_ref().map_or(0, |u| u.id)
    }

    /// The viewer's score and note for an entry, as the form shows them.
    fn my_score(&self, e: &Entry) -> (String, String) {
        if let Some((id, score, note, _)) = &self.problem
            && *id == e.id
        {
            return (score.clone(), note.clone());
        }
        self.scores
            .iter()
            .find(|s| s.entry_id == e.id && s.judge_id == self.me())
            .map(|s| (s.score.to_string(), s.note.clone()))
            .unwrap_or_default()
    }

    fn problem_for(&self, e: &Entry) -> Option<&'static str> {
        self.problem.as_ref().filter(|p| p.0 == e.id).map(|p| p.3)
    }

    fn scores_of(&self, e: &Entry) -> Vec<&Score> {
        self.scores.iter().filter(|s| s.entry_id == e.id).collect()
    }

    /// The mean score to one decimal ("—" before any).
    fn average(&self, e: &Entry) -> String {
        let s = self.scores_of(e);
        if s.is_empty() {
            return "—".into();
        }
        let total: i64 = s.iter().map(|x| i64::from(x.score)).sum();
        format!("{:.1}", total as f64 / s.len() as f64)
    }
}

/// The sheet, ranked by mean score (unscored last).
async fn judging_page(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    found: Found,
    problem: Option<(i64, String, String, &'static str)>,
    notice: String,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    if !found.judge {
        return Err(AppError::Forbidden);
    }
    let area_id = found.view.area.id;
    let (entries, scores) = crate::db::run(&state.pool, move |conn| {
        let entries = c::accepted_in(conn, &[area_id])?.remove(&area_id).unwrap_or_default();
        let scores = k::scores(conn, &entries.iter().map(|e| e.id).collect::<Vec<_>>())?;
        Ok((entries, scores))
    })
    .await?;
    let mut means: HashMap<i64, f64> = HashMap::new();
    for e in &entries {
        let s: Vec<i32> = scores.iter().filter(|s| s.entry_id == e.id).map(|s| s.score).collect();
        if !s.is_empty() {
            means.insert(e.id, s.iter().map(|x| f64::from(*x)).sum::<f64>() / s.len() as f64);
        }
    }
    let mut entries = entries;
    entries.sort_by(|a, b| {
        let (x, y) = (means.get(&a.id).copied().unwrap_or(-1.0), means.get(&b.id).copied().unwrap_or(-1.0));
        y.total_cmp(&x)
    });
    let title = ctx.ta("magazine-judging-title", &[("title", found.view.call.title.clone())]);
    let meta = Meta::new(title, format!("{}/judging", found.view.call.path())).noindex();
    let invalid = problem.is_some();
    let page = JudgingPage { ctx, meta, view: found.view, entries, scores, editor: found.editor, problem, notice };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct JudgingQuery {
    pub msg: String,
}

/// `GET /magazine/calls/{id}/judging` (judges and editors)
pub async fn judging(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<JudgingQuery>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let found = readable_call(&ctx, &state, &path).await?;
    let notice = match query.msg.as_str() {
        "scored" => ctx.t("magazine-score-saved"),
        "award" => ctx.t("magazine-award-saved"),
        _ => String::new(),
    };
    judging_page(&ctx, &state, found, None, notice).await
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ScoreForm {
    pub entry: String,
    pub score: String,
    pub note: String,
    pub award: String,
}

/// `POST /magazine/calls/{id}/scores`: a judge scores an accepted entry (1 to 10, with a note).
pub async fn add_score(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ScoreForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let found = readable_call(&ctx, &state, &path).await?;
    let entry_id = crate::web::canonical_number(&form.entry).ok_or(AppError::NotFound)?;
    // Digits typed with a Chinese keyboard are digits too.
    let typed: String = form
        .score
        .trim()
        .chars()
        .map(|ch| match ch {
            '０'..='９' => char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch),
            _ => ch,
        })
        .collect();
    let score = typed.parse::<i32>().ok().filter(|s| (1..=10).contains(s));
    let note = content::plain_input(&form.note);
    let problem = match score {
        _ if found.view.call.announced() => Some("magazine-err-score-announced"),
        None => Some("magazine-err-score"),
        Some(_) if note.chars().count() > k::SCORE_NOTE_MAX => Some("magazine-err-score-note"),
        Some(_) => None,
    };
    if let Some(key) = problem {
        return judging_page(&ctx, &state, found, Some((entry_id, form.score, form.note, key)), String::new()).await;
    }
    let (call_id, area_id, viewer, path) =
        (found.view.call.id, found.view.area.id, ctx.viewer(), found.view.call.path());
    crate::db::run_write(&state.pool, move |tx| {
        content::lock(tx, call_id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_judge(k::is_judge(tx.conn(), call_id, Some(user_id))?) {
            return Err(AppError::Forbidden);
        }
        let entry = c::entry(tx.conn(), entry_id)?.filter(|e| e.area_id == area_id && e.accepted());
        let Some(entry) = entry else { return Err(AppError::NotFound) };
        if entry.author_id == user_id {
            return Err(AppError::BadRequest("magazine-err-score-own"));
        }
        tx.quiet();
        Ok(k::score(tx, entry_id, user_id, score.unwrap_or(1), &note)?)
    })
    .await?;
    Ok(redirect(&format!("{path}/judging?msg=scored#e{entry_id}")))
}

/// `POST /magazine/calls/{id}/awards`: an editor gives an entry its award ("" takes it away).
pub async fn set_award(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<ScoreForm>,
) -> AppResult<HttpResponse> {
    require_editor(&ctx, &state).await?;
    let found = readable_call(&ctx, &state, &path).await?;
    let entry_id = crate::web::canonical_number(&form.entry).ok_or(AppError::NotFound)?;
    let award: String = form.award.trim().chars().filter(|c| !c.is_control()).collect();
    if award.chars().count() > k::AWARD_MAX {
        return judging_page(
            &ctx,
            &state,
            found,
            Some((entry_id, String::new(), String::new(), "magazine-err-award-long")),
            String::new(),
        )
        .await;
    }
    let (call, viewer) = (found.view.call, ctx.viewer());
    let path = call.path();
    crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        content::lock(tx, call.id)?.ok_or(AppError::NotFound)?;
        if k::set_award(tx, &call, entry_id, &award)? { Ok(()) } else { Err(AppError::NotFound) }
    })
    .await?;
    Ok(redirect(&format!("{path}/judging?msg=award#e{entry_id}")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AnnounceForm {
    /// The issue that features the winners (its number), or "".
    pub issue: String,
    /// "0" takes the announcement back.
    pub value: String,
}

/// `POST /magazine/calls/{id}/announce`: editors announce the winners (or take it back).
pub async fn announce(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<AnnounceForm>,
) -> AppResult<HttpResponse> {
    let user_id = require_editor(&ctx, &state).await?;
    let found = readable_call(&ctx, &state, &path).await?;
    let on = form.value != "0";
    let number = form.issue.trim().to_string();
    let (call, viewer) = (found.view.call, ctx.viewer());
    let path = call.path();
    crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        content::lock(tx, call.id)?.ok_or(AppError::NotFound)?;
        let issue = if number.is_empty() {
            None
        } else {
            let n = super::parse_number(&number).ok_or(AppError::BadRequest("magazine-err-featured-issue"))?;
            Some(
                super::queries::issue_by_number(tx.conn(), n)?
                    .ok_or(AppError::BadRequest("magazine-err-featured-issue"))?
                    .id,
            )
        };
        Ok(k::announce(tx, &call, issue, on, user_id)?)
    })
    .await?;
    Ok(redirect(&path))
}
