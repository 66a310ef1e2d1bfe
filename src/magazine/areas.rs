//! Contribution areas on the web: editors open an area in an article or an issue, members send
//! entries (text with pictures, sound or video from their library), editors accept them into
//! the area (captioned, in order), return them with a note, or decline them. Everyone who may
//! read the issue sees the accepted entries on the host's page and the area's own page; what
//! waits, came back or was declined is seen by its author and the editors only.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::contributions::{self as c, Area, AreaInput, Entry};
use super::editor::{require_editor, still_editor};
use super::queries as q;
use super::{Article, Issue};
use crate::content::{self, markdown::SafeHtml};
use crate::error::{AppError, AppResult};
use crate::media::upload::UploadForm;
use crate::policy::{Guard, MagazineFacts, RevisionFacts};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

/// Entries one member may have waiting in one area at a time.
const PENDING_PER_MEMBER: usize = 10;
/// Entries of one state an editor's lists show at once.
const LIST_MAX: i64 = 200;

/// Where an area is: an issue, an article in one, or a call for contributions.
#[derive(Clone, Debug)]
pub enum Host {
    Issue(Issue),
    Article(Issue, Box<Article>),
    Call(super::calls::Call),
}

impl Host {
    pub fn path(&self) -> String {
        match self {
            Host::Issue(i) => i.path(),
            Host::Article(_, a) => a.path(),
            Host::Call(c) => c.path(),
        }
    }

    pub fn title(&self) -> String {
        match self {
            Host::Issue(i) => i.title.clone(),
            Host::Article(_, a) => a.title.clone(),
            Host::Call(c) => c.title.clone(),
        }
    }

    pub fn id(&self) -> i64 {
        match self {
            Host::Issue(i) => i.id,
            Host::Article(_, a) => a.id,
            Host::Call(c) => c.id,
        }
    }

    pub fn issue_id(&self) -> Option<i64> {
        match self {
            Host::Issue(i) | Host::Article(i, _) => Some(i.id),
            Host::Call(_) => None,
        }
    }

    pub fn live(&self) -> bool {
        match self {
            Host::Issue(i) | Host::Article(i, _) => i.live,
            Host::Call(c) => c.live,
        }
    }

    /// Whether the area takes entries now: before its deadline, and for a call not after its
    /// winners are announced.
    pub fn takes_entries(&self, area: &Area) -> bool {
        area.open_at(crate::now()) && !matches!(self, Host::Call(c) if c.announced())
    }

    /// The stage of an issue not yet out (its pages say so).
    pub fn not_out_key(&self) -> Option<&'static str> {
        match self {
            Host::Issue(i) | Host::Article(i, _) if !i.live => Some(i.stage_key()),
            _ => None,
        }
    }

    /// What the policy needs: an issue's state and whether the viewer writes in it; a call is
    /// read like a published issue while it is live.
    pub fn facts(&self, conn: &mut crate::db::DbConn, user_id: Option<i64>) -> diesel::QueryResult<MagazineFacts> {
        Ok(match self {
            Host::Issue(i) | Host::Article(i, _) => i.facts(q::writes_in_issue(conn, user_id, i.id)?),
            Host::Call(c) => MagazineFacts { issue_live: c.live, writes_in_issue: false },
        })
    }
}

/// The issue, article or call a content id names, if it is one that can hold an area.
pub fn host(conn: &mut crate::db::DbConn, id: i64) -> diesel::QueryResult<Option<Host>> {
    if let Some(article) = q::article_by_id(conn, id)? {
        return Ok(q::issue_by_id(conn, article.issue_id)?.map(|issue| Host::Article(issue, Box::new(article))));
    }
    if let Some(issue) = q::issue_by_id(conn, id)? {
        return Ok(Some(Host::Issue(issue)));
    }
    Ok(super::calls::call(conn, id)?.map(Host::Call))
}

/// An area the viewer may see, its host and what the viewer may do there.
struct Found {
    area: Area,
    host: Host,
    facts: MagazineFacts,
    editor: bool,
    contribute: bool,
}

async fn readable_area(ctx: &PageCtx, state: &web::Data<AppState>, id: &str) -> AppResult<Found> {
    let id = crate::web::canonical_number(id).ok_or(AppError::NotFound)?;
    let viewer = ctx.viewer();
    crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let area = c::area(conn, id)?.ok_or(AppError::NotFound)?;
        let host = host(conn, area.host_id)?.ok_or(AppError::NotFound)?;
        let facts = host.facts(conn, guard.user_id())?;
        if !guard.can_read_issue(&facts) {
            return Err(AppError::NotFound);
        }
        Ok(Found { editor: guard.can_edit_magazine(), contribute: guard.can_contribute(&facts), facts, area, host })
    })
    .await
}

// ---------------------------------------------------------------- the area's page

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EntryForm {
    pub title: String,
    pub body: String,
    /// An entry of the viewer's, changed and sent again.
    pub entry: String,
}

#[derive(Template)]
#[template(path = "magazine/area.html")]
struct AreaPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    area: Area,
    host: Host,
    prompt: SafeHtml,
    accepted: Vec<Entry>,
    /// The viewer's own entries (any state).
    mine: Vec<Entry>,
    /// Editors: what waits, came back, was declined.
    waiting: Vec<Entry>,
    returned: Vec<Entry>,
    declined: Vec<Entry>,
    editor: bool,
    contribute: bool,
    open: bool,
    form: EntryForm,
    errors: FieldErrors,
    notice: String,
}

impl AreaPage<'_> {
    fn type_key(&self, t: &&str) -> &'static str {
        c::type_key(t)
    }

    fn deadline(&self) -> Option<String> {
        self.area.deadline.map(|d| self.ctx.datetime(d))
    }

    /// The entry the form changes, if it is one of the viewer's.
    fn changing(&self) -> Option<&Entry> {
        let id = crate::web::canonical_number(&self.form.entry)?;
        self.mine.iter().find(|e| e.id == id)
    }
}

/// The prompt as Markdown (links, emphasis), rendered when shown.
fn prompt_html(md: &str) -> SafeHtml {
    content::Body::render(md).html().clone()
}

async fn area_page(
    ctx: &PageCtx,
    state: &web::Data<AppState>,
    found: Found,
    form: EntryForm,
    errors: FieldErrors,
    notice: String,
) -> AppResult<HttpResponse> {
    let Found { area, host, facts, editor, contribute } = found;
    let (area_id, me, viewer) = (area.id, ctx.user.as_ref().map(|u| u.id), ctx.viewer());
    let (accepted, mine, waiting, returned, declined) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        // Every list asks the policy of each entry (accepted: the issue's readers; the rest:
        // its author and the editors).
        let readable = |list: Vec<Entry>| -> Vec<Entry> {
            list.into_iter().filter(|e| guard.can_read_entry(&facts, &entry_facts(e))).collect()
        };
        let accepted = readable(c::accepted_in(conn, &[area_id])?.remove(&area_id).unwrap_or_default());
        let mine = match me {
            Some(me) => readable(c::own_in(conn, area_id, me)?),
            None => Vec::new(),
        };
        let (waiting, returned, declined) = if editor {
            (
                readable(c::in_state(conn, area_id, c::STATE_PENDING, LIST_MAX)?),
                readable(c::in_state(conn, area_id, c::STATE_RETURNED, LIST_MAX)?),
                readable(c::in_state(conn, area_id, c::STATE_DECLINED, LIST_MAX)?),
            )
        } else {
            Default::default()
        };
        Ok((accepted, mine, waiting, returned, declined))
    })
    .await?;
    let mut meta = Meta::new(area.title.clone(), area.path()).description(content::excerpt_of(&area.prompt));
    if !host.live() {
        meta = meta.noindex();
    }
    let invalid = errors.has_problems();
    let page = AreaPage {
        ctx,
        meta,
        prompt: prompt_html(&area.prompt),
        open: host.takes_entries(&area),
        area,
        host,
        accepted,
        mine,
        waiting,
        returned,
        declined,
        editor,
        contribute,
        form,
        errors,
        notice,
    };
    if invalid { render_invalid(&page) } else { render(&page) }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AreaQuery {
    pub msg: String,
    /// One of the viewer's entries to change (it fills the form).
    pub change: String,
}

/// `GET /magazine/areas/{id}`
pub async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<AreaQuery>,
) -> AppResult<HttpResponse> {
    let found = readable_area(&ctx, &state, &path).await?;
    let notice = match query.msg.as_str() {
        "sent" => ctx.t("magazine-entry-sent"),
        "decided" => ctx.t("magazine-entry-decided"),
        "stale" => ctx.t("magazine-entry-stale"),
        "note-needed" => ctx.t("magazine-err-return-note"),
        "saved" => ctx.t("magazine-area-saved"),
        _ => String::new(),
    };
    let mut form = EntryForm::default();
    if let (Some(id), Some(me)) = (crate::web::canonical_number(&query.change), ctx.user.as_ref().map(|u| u.id)) {
        let entry = crate::db::run(&state.pool, move |conn| Ok(c::entry(conn, id)?)).await?;
        if let Some(e) = entry.filter(|e| e.author_id == me && e.changeable() && e.area_id == found.area.id) {
            form = EntryForm { title: e.title, body: e.body_md, entry: e.id.to_string() };
        }
    }
    area_page(&ctx, &state, found, form, FieldErrors::default(), notice).await
}

/// `POST /magazine/areas/{id}/entries`: send an entry (or send one that came back again).
pub async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    upload: UploadForm<EntryForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let found = readable_area(&ctx, &state, &path).await?;
    // Refused before any file is stored: nothing lands in the library for an entry that cannot
    // be sent.
    if !found.contribute {
        return Err(AppError::Forbidden);
    }
    if !found.host.takes_entries(&found.area) {
        let form = upload.into_form();
        return area_page(
            &ctx,
            &state,
            found,
            form,
            FieldErrors(vec![("body", "magazine-err-area-closed")]),
            String::new(),
        )
        .await;
    }
    let (form, attached) = upload.attach(&state, user_id, |f| &mut f.body).await;
    if let Some(key) = attached {
        return area_page(&ctx, &state, found, form, FieldErrors(vec![("files", key)]), String::new()).await;
    }
    let mut errors = FieldErrors::default();
    let title = content::check_title(&form.title, &mut errors);
    if form.body.trim().is_empty() {
        errors.add("body", "err-body-empty");
    } else if form.body.chars().count() > c::BODY_MAX {
        errors.add("body", "magazine-err-entry-long");
    } else if let Err(k) = content::markdown::check_nesting(&form.body) {
        errors.add("body", k);
    }
    if !errors.is_empty() {
        return area_page(&ctx, &state, found, form, errors, String::new()).await;
    }
    let body = match crate::media::prepare_body(&state, user_id, form.body.clone()).await {
        Ok(b) => b,
        Err(k) => return area_page(&ctx, &state, found, form, FieldErrors(vec![("body", k)]), String::new()).await,
    };
    // Only the kinds of media the area asked for.
    let media = body.media().to_vec();
    let types = crate::db::run(&state.pool, move |conn| Ok(c::media_types(conn, &media)?)).await?;
    if types.iter().any(|t| !found.area.accepts_type(t)) {
        let key = if found.area.accepts.is_empty() { "magazine-err-area-text-only" } else { "magazine-err-area-type" };
        return area_page(&ctx, &state, found, form, FieldErrors(vec![("body", key)]), String::new()).await;
    }
    let changing = match form.entry.trim() {
        "" => None,
        typed => Some(crate::web::canonical_number(typed).ok_or(AppError::NotFound)?),
    };
    let (area, host_id, viewer) = (found.area.clone(), found.host.id(), ctx.viewer());
    let outcome = crate::db::run_write(&state.pool, move |tx| {
        // The host held: an issue taken back to draft meanwhile is seen here.
        let host_row = content::lock(tx, host_id)?.ok_or(AppError::NotFound)?;
        let guard = Guard::fresh(tx, &viewer)?;
        let host = host(tx.conn(), host_id)?.ok_or(AppError::NotFound)?;
        let facts = host.facts(tx.conn(), Some(user_id))?;
        if !guard.can_contribute(&facts) {
            return Err(AppError::NotFound);
        }
        if !host.takes_entries(&area) {
            return Ok(Err("magazine-err-area-closed"));
        }
        // Who judges a contest does not enter it.
        if let Host::Call(call) = &host
            && super::calls::is_judge(tx.conn(), call.id, Some(user_id))?
        {
            return Ok(Err("magazine-err-judge-enters"));
        }
        match changing {
            Some(id) => {
                let entry = c::entry(tx.conn(), id)?.filter(|e| e.author_id == user_id && e.area_id == area.id);
                let Some(_) = entry else { return Err(AppError::NotFound) };
                if !c::resubmit(tx, id, &title, &body)? {
                    return Ok(Err("magazine-err-entry-decided"));
                }
            }
            None => {
                let waiting =
                    c::own_in(tx.conn(), area.id, user_id)?.iter().filter(|e| e.state == c::STATE_PENDING).count();
                if waiting >= PENDING_PER_MEMBER {
                    return Ok(Err("magazine-err-entry-many"));
                }
                c::submit(tx, &area, &host_row, user_id, &title, &body)?;
            }
        }
        Ok(Ok(()))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect(&format!("{}?msg=sent", found.area.path()))),
        Err(key) => area_page(&ctx, &state, found, form, FieldErrors(vec![("body", key)]), String::new()).await,
    }
}

// ---------------------------------------------------------------- editors

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DecisionForm {
    /// accept, return, decline
    pub decision: String,
    pub caption: String,
    pub position: String,
    pub note: String,
    /// The state the editor saw (a decision made meanwhile is not overwritten).
    pub seen: String,
    /// The version the editor saw (`Entry::version`): one sent again meanwhile is not accepted
    /// unread.
    pub at: String,
}

enum Decided {
    Done,
    Stale,
    NoteNeeded,
}

/// `POST /magazine/entries/{id}`: an editor's decision on an entry.
pub async fn decide(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> AppResult<HttpResponse> {
    let reviewer = require_editor(&ctx, &state).await?;
    let id = crate::web::canonical_number(&path).ok_or(AppError::NotFound)?;
    let new_state = match form.decision.as_str() {
        "accept" => c::STATE_ACCEPTED,
        "return" => c::STATE_RETURNED,
        "decline" => c::STATE_DECLINED,
        _ => return Err(AppError::BadRequest("magazine-err-decision")),
    };
    let seen = [c::STATE_PENDING, c::STATE_ACCEPTED, c::STATE_RETURNED, c::STATE_DECLINED]
        .into_iter()
        .find(|s| *s == form.seen)
        .ok_or(AppError::BadRequest("magazine-err-decision"))?;
    let note = content::plain_input(&form.note).chars().take(c::NOTE_MAX).collect::<String>();
    let caption = form.caption.trim().chars().filter(|ch| !ch.is_control()).take(c::CAPTION_MAX).collect::<String>();
    let position = form.position.trim().parse::<i32>().unwrap_or(0).clamp(0, 10_000);
    let at = form.at.trim().parse::<i64>().ok();
    let viewer = ctx.viewer();
    let (area_path, done) = crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        let host_id = content::parents_of(tx.conn(), &[id])?.remove(&id).ok_or(AppError::NotFound)?;
        content::lock(tx, host_id)?.ok_or(AppError::NotFound)?;
        let entry = c::entry(tx.conn(), id)?.ok_or(AppError::NotFound)?;
        if new_state == c::STATE_RETURNED && note.is_empty() {
            tx.quiet();
            return Ok((c::area_path(entry.area_id), Decided::NoteNeeded));
        }
        // The author may have sent it again since the editor read it (the host is held, so it
        // cannot change from here on).
        if at.is_some_and(|v| v != entry.version()) {
            tx.quiet();
            return Ok((c::area_path(entry.area_id), Decided::Stale));
        }
        let decision = c::Decision { state: new_state, caption, position, note: note.clone() };
        let done = c::decide(tx, &entry, seen, reviewer, &decision)?;
        // Told when the state moved (a caption or order changed on an accepted one is not news).
        if done && seen != new_state {
            // An accepted entry is live: the notice leads to it; the others to its host.
            let about = if new_state == c::STATE_ACCEPTED { entry.id } else { host_id };
            c::tell_author(tx, &entry, new_state, about, reviewer, &note)?;
        }
        Ok((c::area_path(entry.area_id), if done { Decided::Done } else { Decided::Stale }))
    })
    .await?;
    let msg = match done {
        Decided::Done => "decided",
        Decided::Stale => "stale",
        Decided::NoteNeeded => "note-needed",
    };
    Ok(redirect(&format!("{area_path}?msg={msg}#d{id}")))
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AreaForm {
    pub title: String,
    pub prompt: String,
    pub accept_image: String,
    pub accept_audio: String,
    pub accept_video: String,
    pub deadline: String,
    /// The article or issue (content id) a new area goes in.
    pub host: String,
}

impl AreaForm {
    pub(super) fn of(ctx: &PageCtx, a: &Area) -> Self {
        let on = |t: &str| if a.accepts_type(t) { "1".to_string() } else { String::new() };
        AreaForm {
            title: a.title.clone(),
            prompt: a.prompt.clone(),
            accept_image: on(crate::media::TYPE_IMAGE),
            accept_audio: on(crate::media::TYPE_AUDIO),
            accept_video: on(crate::media::TYPE_VIDEO),
            deadline: a.deadline.map(|d| ctx.local(d).format("%Y-%m-%dT%H:%M").to_string()).unwrap_or_default(),
            host: a.host_id.to_string(),
        }
    }

    /// The area as typed, checked (`new`: a deadline must not have passed already).
    pub(super) fn check(&self, ctx: &PageCtx, new: bool, errors: &mut FieldErrors) -> AreaInput {
        let title = content::check_title(&self.title, errors);
        let prompt = content::plain_input(&self.prompt);
        if prompt.chars().count() > c::PROMPT_MAX {
            errors.add("prompt", "magazine-err-prompt-long");
        }
        let deadline = if self.deadline.trim().is_empty() {
            None
        } else {
            let at = super::editor::parse_local(ctx, &self.deadline);
            match at {
                None => errors.add("deadline", "magazine-err-deadline"),
                Some(at) if new && at <= crate::now() => errors.add("deadline", "magazine-err-deadline-past"),
                Some(_) => {}
            }
            at
        };
        let mut accepts = Vec::new();
        for (on, t) in [
            (&self.accept_image, crate::media::TYPE_IMAGE),
            (&self.accept_audio, crate::media::TYPE_AUDIO),
            (&self.accept_video, crate::media::TYPE_VIDEO),
        ] {
            if !on.is_empty() {
                accepts.push(t);
            }
        }
        AreaInput { title, prompt, accepts, deadline }
    }
}

#[derive(Template)]
#[template(path = "magazine/area_form.html")]
struct AreaFormPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    host: Host,
    /// Changing this area (None: a new one).
    area: Option<Area>,
    form: AreaForm,
    errors: FieldErrors,
}

fn area_form(ctx: &PageCtx, host: Host, area: Option<Area>, form: AreaForm, errors: FieldErrors) -> AreaFormPage<'_> {
    let title = match &area {
        Some(a) => ctx.ta("magazine-area-edit-title", &[("title", a.title.clone())]),
        None => ctx.t("magazine-area-new"),
    };
    AreaFormPage { ctx, meta: Meta::new(title, "/magazine/areas/new").noindex(), host, area, form, errors }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewAreaQuery {
    pub host: String,
}

/// The host an editor names, if the editor may see it.
async fn editable_host(ctx: &PageCtx, state: &web::Data<AppState>, host_id: &str) -> AppResult<(i64, Host)> {
    let user_id = require_editor(ctx, state).await?;
    let id = crate::web::canonical_number(host_id).ok_or(AppError::NotFound)?;
    let host = crate::db::run(&state.pool, move |conn| host(conn, id)?.ok_or(AppError::NotFound)).await?;
    // A call has its one area, made with it.
    if matches!(host, Host::Call(_)) {
        return Err(AppError::NotFound);
    }
    Ok((user_id, host))
}

/// `GET /magazine/areas/new?host={article or issue}`
pub async fn new_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<NewAreaQuery>,
) -> AppResult<HttpResponse> {
    let (_, host) = editable_host(&ctx, &state, &query.host).await?;
    let form = AreaForm {
        host: host.id().to_string(),
        accept_image: "1".into(),
        accept_audio: "1".into(),
        accept_video: "1".into(),
        ..Default::default()
    };
    render(&area_form(&ctx, host, None, form, FieldErrors::default()))
}

/// `POST /magazine/areas/new`
pub async fn create(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<AreaForm>,
) -> AppResult<HttpResponse> {
    let (user_id, host) = editable_host(&ctx, &state, &form.host).await?;
    let mut errors = FieldErrors::default();
    let input = form.check(&ctx, true, &mut errors);
    if !errors.is_empty() {
        return render_invalid(&area_form(&ctx, host, None, form, errors));
    }
    let (host_id, issue_id, viewer) = (host.id(), host.issue_id(), ctx.viewer());
    let id = crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        content::lock(tx, host_id)?.ok_or(AppError::NotFound)?;
        Ok(c::create_area(tx, host_id, issue_id, user_id, &input)?)
    })
    .await?;
    Ok(redirect(&c::area_path(id)))
}

/// `GET /magazine/areas/{id}/edit`
pub async fn edit_form(ctx: Ctx, state: web::Data<AppState>, path: web::Path<String>) -> AppResult<HttpResponse> {
    require_editor(&ctx, &state).await?;
    let found = readable_area(&ctx, &state, &path).await?;
    let form = AreaForm::of(&ctx, &found.area);
    render(&area_form(&ctx, found.host, Some(found.area), form, FieldErrors::default()))
}

/// `POST /magazine/areas/{id}/edit`
pub async fn update(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<AreaForm>,
) -> AppResult<HttpResponse> {
    require_editor(&ctx, &state).await?;
    let found = readable_area(&ctx, &state, &path).await?;
    let mut errors = FieldErrors::default();
    let input = form.check(&ctx, false, &mut errors);
    if !errors.is_empty() {
        return render_invalid(&area_form(&ctx, found.host, Some(found.area), form, errors));
    }
    let (area, viewer) = (found.area, ctx.viewer());
    let path = area.path();
    crate::db::run_write(&state.pool, move |tx| {
        still_editor(tx, &viewer)?;
        content::lock(tx, area.host_id)?.ok_or(AppError::NotFound)?;
        Ok(c::update_area(tx, &area, &input)?)
    })
    .await?;
    Ok(redirect(&format!("{path}?msg=saved")))
}

// ---------------------------------------------------------------- on the host's page

/// An area as its host's page shows it: its accepted entries.
#[derive(Clone, Debug)]
pub struct AreaBox {
    pub area: Area,
    pub prompt: SafeHtml,
    pub entries: Vec<Entry>,
    pub open: bool,
    pub deadline: Option<NaiveDateTime>,
    /// An entry of the viewer's that came back to them with a note.
    pub returned_mine: Option<i64>,
}

/// The areas of a host with their accepted entries (the caller asked the policy about the
/// issue; entries a moderator hid are left out), and for a member the entry of theirs that came
/// back to them, if any.
pub fn boxes_of(conn: &mut crate::db::DbConn, host_id: i64, viewer: Option<i64>) -> diesel::QueryResult<Vec<AreaBox>> {
    let areas = c::areas_of(conn, &[host_id])?.remove(&host_id).unwrap_or_default();
    let ids: Vec<i64> = areas.iter().map(|a| a.id).collect();
    let mut entries = c::accepted_in(conn, &ids)?;
    let returned = match viewer {
        Some(me) => c::returned_to(conn, me, &ids)?,
        None => HashMap::new(),
    };
    let now = crate::now();
    Ok(areas
        .into_iter()
        .map(|area| AreaBox {
            prompt: prompt_html(&area.prompt),
            entries: entries.remove(&area.id).unwrap_or_default(),
            open: area.open_at(now),
            deadline: area.deadline,
            returned_mine: returned.get(&area.id).copied(),
            area,
        })
        .collect())
}

/// The policy's facts about an entry.
pub fn entry_facts(e: &Entry) -> RevisionFacts {
    RevisionFacts { approved: e.accepted(), author_id: e.author_id }
}
