//! The moderators' pages: the queue (`/mod`), a piece's moderation page (`/mod/content/{id}`),
//! a member's (`/mod/users/{id}`), the settings (`/mod/settings`), and the actions they send.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::flags::{self, Flag};
use super::log::{self, LogLine};
use super::queue::{self, Filter, Item};
use super::sanctions::{self, Appeal, Sanction};
use super::{Entry, FLAG_REASONS, Subject};
use crate::accounts::User;
use crate::content::Content;
use crate::content::markdown::SafeHtml;
use crate::db::{DbConn, Tx};
use crate::error::{AppError, AppResult};
use crate::policy::Guard;
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, Pager, redirect, render, render_invalid};

pub const PER_PAGE: i64 = 25;

/// A piece as a moderator sees it in the queue: all of it, in its place.
pub struct PieceView {
    pub content: Content,
    pub path: String,
    /// "Forum reply"…
    pub label_key: &'static str,
    pub place: String,
}

impl PieceView {
    /// May a moderator edit its text here (its kind says so, and it is still there)?
    pub fn editable(&self) -> bool {
        !self.content.is_deleted()
            && crate::kinds::registry().get(&self.content.kind).and_then(|k| k.moderator_edit()).is_some()
    }

    pub fn html(&self) -> SafeHtml {
        self.content.html()
    }

    pub fn title(&self) -> String {
        flags::shown_title(&self.content)
    }
}

/// The member a queue entry is about, with their record.
pub struct MemberView {
    pub user: User,
    pub sanctions: i64,
    pub upheld: i64,
    /// Their trust level now.
    pub level: i32,
}

impl MemberView {
    pub fn days(&self) -> i64 {
        (crate::now() - self.user.created_at).num_days()
    }

    pub fn suspended(&self) -> bool {
        sanctions::is_suspended(&self.user, crate::now())
    }

    pub fn silenced(&self) -> bool {
        self.user.silenced_at.is_some() && self.user.silenced_until.is_none_or(|t| t > crate::now())
    }

    pub fn role_key(&self) -> &'static str {
        self.user.roles().headline().label_key()
    }

    pub fn level_key(&self) -> &'static str {
        super::trust::NAMES[self.level.clamp(0, 4) as usize]
    }
}

pub struct ItemView {
    pub item: Item,
    pub piece: Option<PieceView>,
    pub member: Option<MemberView>,
    pub flags: Vec<(Flag, String)>,
    pub appeal: Option<(Appeal, Sanction)>,
    /// A refused action on this entry: its problems and what was typed.
    pub errors: FieldErrors,
    pub typed: ActionForm,
    /// Where its action form goes.
    pub action: String,
}

impl ItemView {
    pub fn waited(&self, ctx: &PageCtx) -> String {
        waited(ctx, &self.item.created_at)
    }

    pub fn reason_key(&self) -> &'static str {
        queue_reason_key(&self.item.reason)
    }

    /// "Forum reply", "Profile", "Appeal".
    pub fn kind_key(&self) -> &'static str {
        match (&self.piece, self.item.content_kind.as_str()) {
            (Some(p), _) => p.label_key,
            (None, queue::KIND_PROFILE) => "mod-kind-profile",
            (None, queue::KIND_APPEAL) => "mod-kind-appeal",
            _ => "mod-kind-content",
        }
    }

    pub fn is_appeal(&self) -> bool {
        self.item.appeal_id.is_some()
    }

    pub fn is_profile(&self) -> bool {
        self.item.subject.starts_with("user:")
    }

    pub fn can_sanction(&self) -> bool {
        self.member.is_some()
    }
}

/// Catalog key of why an entry is in the queue.
pub fn queue_reason_key(reason: &str) -> &'static str {
    match reason {
        super::QUEUE_FLAGGED => "mod-queue-flagged",
        super::QUEUE_HELD => "mod-queue-held",
        super::QUEUE_WATCHED => "mod-queue-watched",
        super::QUEUE_APPEAL => "mod-queue-appeal",
        _ => "mod-queue-other",
    }
}

/// Everything the action form may carry.
#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub struct ActionForm {
    /// approve, hide, delete (a piece); dismiss (a profile's flags); lift, uphold (an appeal);
    /// none (only the member action).
    pub action: String,
    /// The public reason (a flag reason).
    pub reason: String,
    /// What only staff read.
    pub note: String,
    /// warn, silence, suspend the member (or "").
    pub member: String,
    /// What the member is told.
    pub message: String,
    /// 1d, 3d, 7d, 30d, until (then `until`), forever.
    pub length: String,
    pub until: String,
    /// The answer to an appeal.
    pub answer: String,
    /// The queue page to return to.
    pub back: String,
}

/// A member action the form asked for, checked.
pub struct Sanctioning {
    pub kind: &'static str,
    pub message: String,
    pub ends_at: Option<NaiveDateTime>,
}

/// Read the member action of a form: `None` when none was asked.
fn member_action(ctx: &PageCtx, f: &ActionForm, errors: &mut FieldErrors) -> Option<Sanctioning> {
    let kind = match f.member.as_str() {
        sanctions::WARN => sanctions::WARN,
        sanctions::SILENCE => sanctions::SILENCE,
        sanctions::SUSPEND => sanctions::SUSPEND,
        _ => return None,
    };
    let message = crate::content::plain_input(f.message.trim()).trim().to_string();
    if message.is_empty() {
        errors.add("message", "mod-message-required");
    } else if message.chars().count() > super::NOTE_MAX {
        errors.add("message", "mod-message-too-long");
    }
    let now = crate::now();
    let ends_at = if kind == sanctions::WARN {
        None
    } else {
        match f.length.as_str() {
            "1d" => Some(now + chrono::Duration::days(1)),
            "3d" => Some(now + chrono::Duration::days(3)),
            "7d" => Some(now + chrono::Duration::days(7)),
            "30d" => Some(now + chrono::Duration::days(30)),
            "forever" => None,
            "until" => match crate::magazine::editor::parse_local(ctx, &f.until) {
                Some(t) if t <= now => {
                    errors.add("until", "mod-until-past");
                    None
                }
                Some(t) => Some(t),
                None => {
                    errors.add("until", "mod-until-invalid");
                    None
                }
            },
            _ => {
                errors.add("length", "mod-length-required");
                None
            }
        }
    };
    Some(Sanctioning { kind, message, ends_at })
}

pub(super) fn require_moderator(ctx: &PageCtx) -> Result<i64, AppError> {
    let user = ctx.require_user()?;
    if user.roles.can_moderate() { Ok(user.id) } else { Err(AppError::Forbidden) }
}

// ------------------------------------------------------------------ the queue

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct QueueQuery {
    pub kind: String,
    pub reason: String,
    pub board: String,
    pub age: String,
    pub page: Option<i64>,
    pub msg: String,
}

impl QueueQuery {
    fn filter(&self) -> Filter {
        Filter {
            kind: self.kind.chars().take(40).collect(),
            reason: self.reason.chars().take(40).collect(),
            board: crate::web::canonical_number(&self.board),
            age: self.age.clone(),
        }
    }

    /// The page's address with these filters (and a page number).
    fn href(&self, page: Option<i64>) -> String {
        let mut parts = Vec::new();
        for (k, v) in [("kind", &self.kind), ("reason", &self.reason), ("board", &self.board), ("age", &self.age)] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", crate::web::urlencode(v)));
            }
        }
        if let Some(p) = page.filter(|p| *p > 1) {
            parts.push(format!("page={p}"));
        }
        if parts.is_empty() { "/mod".into() } else { format!("/mod?{}", parts.join("&")) }
    }
}

#[derive(Template)]
#[template(path = "moderation/queue.html")]
struct QueuePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    items: Vec<ItemView>,
    total: i64,
    waiting: i64,
    oldest: Option<NaiveDateTime>,
    kinds: Vec<(String, String, i64)>,
    boards: Vec<(i64, String)>,
    query: QueueQuery,
    pager: Pager,
    notice: String,
    back: String,
    reasons: Vec<(&'static str, String)>,
    queue_reasons: Vec<(&'static str, String)>,
    /// For the magazine's editors: its edits and contributions waiting, (edits, entries).
    magazine: Option<(i64, i64)>,
}

impl QueuePage<'_> {
    fn waited(&self, since: &NaiveDateTime) -> String {
        waited(self.ctx, since)
    }

    fn is_board(&self, id: &i64) -> bool {
        crate::web::canonical_number(&self.query.board) == Some(*id)
    }
}

/// "3 hours", "2 days": how long something has waited.
pub fn waited(ctx: &PageCtx, since: &NaiveDateTime) -> String {
    let d = crate::now() - *since;
    if d.num_days() >= 1 {
        ctx.tn("mod-waited-days", d.num_days())
    } else if d.num_hours() >= 1 {
        ctx.tn("mod-waited-hours", d.num_hours())
    } else {
        ctx.tn("mod-waited-minutes", d.num_minutes().max(1))
    }
}

/// Load what the entries are about, in a few queries whatever their number.
pub fn views(conn: &mut DbConn, items: Vec<Item>) -> Result<Vec<ItemView>, AppError> {
    let kinds = crate::kinds::registry();
    let content_ids: Vec<i64> = items.iter().filter_map(|i| i.content_id).collect();
    let pieces = crate::content::find_many(conn, &content_ids)?;
    let paths = kinds.paths_for(conn, &content_ids)?;
    let places = places(conn, pieces.values())?;
    let appeal_ids: Vec<i64> = items.iter().filter_map(|i| i.appeal_id).collect();
    let appeals: HashMap<i64, (Appeal, Sanction)> =
        sanctions::appeals_with_sanctions(conn, &appeal_ids)?.into_iter().map(|(a, s)| (a.id, (a, s))).collect();
    let member_ids: Vec<i64> = items.iter().filter_map(|i| i.user_id).collect();
    let members = members(conn, &member_ids)?;
    let keys: Vec<String> = items.iter().map(|i| i.subject.clone()).collect();
    let mut flags_of: HashMap<String, Vec<(Flag, String)>> = HashMap::new();
    for (f, who) in flags::on_subjects(conn, &keys, true)? {
        flags_of.entry(f.subject.clone()).or_default().push((f, who));
    }
    Ok(items
        .into_iter()
        .map(|item| {
            let piece = item.content_id.and_then(|id| pieces.get(&id)).map(|c| PieceView {
                path: paths.get(&c.id).cloned().unwrap_or_default(),
                label_key: kinds.get(&c.kind).map_or("mod-kind-content", |k| k.label_key()),
                place: places.get(&c.id).cloned().unwrap_or_default(),
                content: c.clone(),
            });
            ItemView {
                piece,
                member: item.user_id.and_then(|id| members.get(&id)).map(|m| MemberView {
                    user: m.0.clone(),
                    sanctions: m.1,
                    upheld: m.2,
                    level: m.3,
                }),
                flags: flags_of.remove(&item.subject).unwrap_or_default(),
                appeal: item.appeal_id.and_then(|id| appeals.get(&id).cloned()),
                errors: FieldErrors::default(),
                typed: ActionForm::default(),
                action: format!("/mod/queue/{}", item.id),
                item,
            }
        })
        .collect())
}

/// Members with their sanctions so far and flags upheld against them.
/// A member with their sanctions so far, flags upheld against them and trust level.
type Record = (User, i64, i64, i32);

fn members(conn: &mut DbConn, ids: &[i64]) -> Result<HashMap<i64, Record>, AppError> {
    let users = crate::accounts::queries::find_many(conn, ids)?;
    let counts = sanctions::counts(conn, ids)?;
    let upheld = flags::upheld_against(conn, ids)?;
    let mut out = HashMap::new();
    for u in users {
        let id = u.id;
        let level = super::trust::current(conn, &u)?;
        out.insert(id, (u, counts.get(&id).copied().unwrap_or(0), upheld.get(&id).copied().unwrap_or(0), level));
    }
    Ok(out)
}

/// Where each piece lives (a board's or blog's name).
fn places<'a>(conn: &mut DbConn, pieces: impl Iterator<Item = &'a Content>) -> Result<HashMap<i64, String>, AppError> {
    use diesel::prelude::*;

    use crate::db::schema::{blogs, boards};
    let pieces: Vec<&Content> = pieces.collect();
    let board_ids: Vec<i64> =
        pieces.iter().filter(|c| c.place_kind == crate::content::PLACE_BOARD).filter_map(|c| c.place_id).collect();
    let blog_ids: Vec<i64> =
        pieces.iter().filter(|c| c.place_kind == crate::content::PLACE_BLOG).filter_map(|c| c.place_id).collect();
    let boards: HashMap<i64, String> = boards::table
        .filter(boards::id.eq_any(&board_ids))
        .select((boards::id, boards::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let blogs: HashMap<i64, String> = blogs::table
        .filter(blogs::id.eq_any(&blog_ids))
        .select((blogs::id, blogs::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    Ok(pieces
        .iter()
        .filter_map(|c| {
            let id = c.place_id?;
            let name = match c.place_kind.as_str() {
                crate::content::PLACE_BOARD => boards.get(&id),
                crate::content::PLACE_BLOG => blogs.get(&id),
                _ => None,
            }?;
            Some((c.id, name.clone()))
        })
        .collect())
}

/// `GET /mod`
pub async fn queue_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> AppResult<HttpResponse> {
    require_moderator(&ctx)?;
    render_queue(&ctx, &state, query.into_inner(), None).await
}

async fn render_queue(
    ctx: &PageCtx,
    state: &AppState,
    query: QueueQuery,
    refused: Option<(i64, FieldErrors, ActionForm)>,
) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let filter = query.filter();
    let page = query.page.unwrap_or(1).max(1);
    let (mut items, total, (waiting, oldest), kinds, boards, magazine) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let (items, total) = queue::open(conn, &guard, &filter, page, PER_PAGE)?;
        let items = views(conn, items)?;
        let waiting = queue::waiting(conn, &guard)?;
        let kinds = queue::kinds_waiting(conn, &guard)?;
        let boards: Vec<(i64, String)> =
            crate::forums::queries::readable_boards(conn, &guard)?.into_iter().map(|b| (b.id, b.name)).collect();
        let magazine = if guard.can_edit_magazine() {
            Some(crate::magazine::review::waiting_counts(conn)?).filter(|(e, n)| e + n > 0)
        } else {
            None
        };
        Ok((items, total, waiting, kinds, boards, magazine))
    })
    .await?;
    let has_refusal = refused.is_some();
    if let Some((id, errors, typed)) = refused {
        if let Some(v) = items.iter_mut().find(|v| v.item.id == id) {
            v.errors = errors;
            v.typed = typed;
        }
    }
    let registry = crate::kinds::registry();
    let kinds = kinds
        .into_iter()
        .map(|(k, n)| {
            let label = match k.as_str() {
                queue::KIND_PROFILE => ctx.t("mod-kind-profile"),
                queue::KIND_APPEAL => ctx.t("mod-kind-appeal"),
                k => registry.get(k).map_or_else(|| k.to_string(), |kind| ctx.t(kind.label_key())),
            };
            (k, label, n)
        })
        .collect();
    let notice = match query.msg.as_str() {
        "done" => ctx.t("mod-done"),
        "gone" => ctx.t("mod-gone"),
        _ => String::new(),
    };
    let back = query.href(Some(page));
    let pager = Pager::new(&query.href(None), page, total, PER_PAGE);
    let page = QueuePage {
        meta: Meta::new(ctx.t("mod-queue-title"), "/mod").noindex(),
        ctx,
        items,
        total,
        waiting,
        oldest,
        kinds,
        boards,
        query,
        pager,
        notice,
        back,
        reasons: FLAG_REASONS.iter().map(|r| (*r, ctx.t(super::reason_key(r)))).collect(),
        queue_reasons: super::QUEUE_REASONS.iter().map(|r| (*r, ctx.t(queue_reason_key(r)))).collect(),
        magazine,
    };
    if has_refusal { render_invalid(&page) } else { render(&page) }
}

/// `POST /mod/queue/{id}`: act on an entry.
pub async fn act(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> AppResult<HttpResponse> {
    require_moderator(&ctx)?;
    let id = path.into_inner();
    let back =
        crate::web::same_site_path(&form.back).filter(|b| b.starts_with("/mod")).unwrap_or_else(|| "/mod".into());
    let mut errors = FieldErrors::default();
    let sanctioning = member_action(&ctx, &form, &mut errors);
    let item = crate::db::run(&state.pool, move |conn| queue::find(conn, id)?.ok_or(AppError::NotFound)).await?;
    if !item.is_open() {
        return Ok(redirect(&with_msg(&back, "gone")));
    }
    let valid = match (item.appeal_id, item.content_id) {
        (Some(_), _) => matches!(form.action.as_str(), "lift" | "uphold"),
        (None, Some(_)) => matches!(form.action.as_str(), "approve" | "hide" | "delete"),
        (None, None) => {
            matches!(form.action.as_str(), "dismiss" | "none") && (form.action != "none" || sanctioning.is_some())
        }
    };
    if !valid {
        errors.add("action", "mod-action-required");
    }
    if !errors.is_empty() {
        let query = queue_query_of(&back);
        return render_queue(&ctx, &state, query, Some((id, errors, form))).await;
    }
    let (viewer, lang, site_name) = (ctx.viewer(), ctx.lang, state.settings.site_name.clone());
    let done = crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        if !guard.can_moderate() {
            return Err(AppError::Forbidden);
        }
        let me = guard.user_id().ok_or(AppError::Forbidden)?;
        // The entry again, under the subject's lock: another moderator may have been first.
        if let Some(cid) = item.content_id {
            crate::content::lock(tx, cid)?;
        }
        if let Some(uid) = item.user_id {
            tx.lock("users", "id", uid)?;
        }
        let Some(item) = queue::find(tx, id)?.filter(Item::is_open) else { return Ok(false) };
        match (item.appeal_id, item.content_id) {
            (Some(appeal_id), _) => {
                let appeal = sanctions::find_appeal(tx, appeal_id)?.ok_or(AppError::NotFound)?;
                let answer = crate::content::plain_input(form.answer.trim()).chars().take(2000).collect::<String>();
                let s = sanctions::find(tx, appeal.sanction_id)?.ok_or(AppError::NotFound)?;
                let member = crate::accounts::queries::find(tx, s.user_id)?.ok_or(AppError::NotFound)?;
                if !guard.can_sanction(member.id, member.roles()) {
                    return Err(AppError::Forbidden);
                }
                sanctions::answer(tx, &appeal, form.action == "lift", answer.trim(), me, lang, &site_name)?;
            }
            (None, Some(cid)) => {
                let c = crate::content::find(tx, cid)?.ok_or(AppError::NotFound)?;
                if c.is_deleted() {
                    // Deleted by its author (or another moderator) meanwhile: nothing left to
                    // decide, the entry closes.
                    flags::decide(tx, Subject::Content(cid), "dismissed")?;
                    queue::resolve(tx, Subject::Content(cid), Some(me), "gone")?;
                    return Ok(false);
                }
                act_on_piece(tx, &guard, &c, &form, sanctioning.as_ref(), lang, &site_name)?;
            }
            (None, None) => {
                let member_id = item.user_id.ok_or(AppError::NotFound)?;
                let member = crate::accounts::queries::find(tx, member_id)?.ok_or(AppError::NotFound)?;
                if let Some(s) = &sanctioning {
                    sanction(tx, &guard, &member, s, &form.note, None, lang, &site_name)?;
                }
                let outcome = if sanctioning.is_some() { "upheld" } else { "dismissed" };
                flags::decide(tx, Subject::User(member_id), outcome)?;
                queue::resolve(tx, Subject::User(member_id), Some(me), outcome)?;
                if sanctioning.is_none() {
                    super::record(
                        tx,
                        Entry {
                            moderator_id: Some(me),
                            action: "dismiss",
                            content: None,
                            user_id: Some(member_id),
                            reason: "",
                            note: &form.note,
                        },
                    )?;
                }
            }
        }
        Ok(true)
    })
    .await?;
    Ok(redirect(&with_msg(&back, if done { "done" } else { "gone" })))
}

fn with_msg(back: &str, msg: &str) -> String {
    let sep = if back.contains('?') { '&' } else { '?' };
    format!("{back}{sep}msg={msg}")
}

/// The queue's filters from the address a form came from.
fn queue_query_of(back: &str) -> QueueQuery {
    let q = back.split_once('?').map_or("", |(_, q)| q);
    web::Query::<QueueQuery>::from_query(q).map(|q| q.into_inner()).unwrap_or_default()
}

/// Approve, hide or delete a piece (and warn, silence or suspend its author), resolving its
/// queue entry and its flags.
#[allow(clippy::too_many_arguments)]
fn act_on_piece(
    tx: &mut Tx<'_>,
    guard: &Guard,
    c: &Content,
    form: &ActionForm,
    sanctioning: Option<&Sanctioning>,
    lang: crate::web::Lang,
    site_name: &str,
) -> Result<(), AppError> {
    let me = guard.user_id().ok_or(AppError::Forbidden)?;
    if !guard.can_remove(&c.facts()) {
        return Err(AppError::NotFound);
    }
    let reason = super::public_reason(&form.reason);
    let subject = Subject::Content(c.id);
    let outcome = match form.action.as_str() {
        "approve" => {
            if super::set_hidden(tx, c, false)? {
                // A held piece is published for the first time; a hidden one is shown again.
                let told = if c.held {
                    crate::notifications::KIND_MOD_APPROVED
                } else {
                    crate::notifications::KIND_MOD_RESTORED
                };
                flags::tell_author(tx, c.author_id, told, &flags::shown_title(c))?;
            }
            "dismissed"
        }
        "hide" => {
            super::set_hidden(tx, c, true)?;
            "upheld"
        }
        "delete" => {
            super::delete(tx, c)?;
            "upheld"
        }
        _ => return Err(AppError::BadRequest("mod-action-required")),
    };
    flags::decide(tx, subject, outcome)?;
    queue::resolve(tx, subject, Some(me), &form.action)?;
    let action = if form.action == "approve" { "approve" } else { form.action.as_str() };
    super::record(
        tx,
        Entry { moderator_id: Some(me), action, content: Some(c), user_id: None, reason, note: &form.note },
    )?;
    if let Some(s) = sanctioning {
        let member = crate::accounts::queries::find(tx, c.author_id)?.ok_or(AppError::NotFound)?;
        sanction(tx, guard, &member, s, &form.note, Some(c), lang, site_name)?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn sanction(
    tx: &mut Tx<'_>,
    guard: &Guard,
    member: &User,
    s: &Sanctioning,
    note: &str,
    content: Option<&Content>,
    lang: crate::web::Lang,
    site_name: &str,
) -> Result<i64, AppError> {
    if !guard.can_sanction(member.id, member.roles()) {
        return Err(AppError::Forbidden);
    }
    Ok(sanctions::impose(
        tx,
        member,
        &sanctions::New { kind: s.kind, reason: &s.message, note, ends_at: s.ends_at, by: guard.user_id(), content },
        lang,
        site_name,
    )?)
}

// ------------------------------------------------------------------ a piece's page

#[derive(Template)]
#[template(path = "moderation/content.html")]
struct ContentPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    view: ItemView,
    open: Option<Item>,
    flags: Vec<(Flag, String)>,
    history: Vec<LogLine>,
    /// The piece's earlier versions, newest first (every kind keeps them; not every kind shows
    /// a history page).
    versions: Vec<crate::content::revisions::Revision>,
    reasons: Vec<(&'static str, String)>,
    notice: String,
    back: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MsgQuery {
    pub msg: String,
}

/// `GET /mod/content/{id}`: a piece, its flags and its moderation history, with the actions.
pub async fn content_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<MsgQuery>,
) -> AppResult<HttpResponse> {
    require_moderator(&ctx)?;
    render_content(&ctx, &state, path.into_inner(), &query.msg, None).await
}

async fn render_content(
    ctx: &PageCtx,
    state: &AppState,
    id: i64,
    msg: &str,
    refused: Option<(FieldErrors, ActionForm)>,
) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let (view, open, flags, history, versions) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let c = crate::content::find(conn, id)?.ok_or(AppError::NotFound)?;
        // A draft is its author's alone: nothing to moderate yet.
        if !guard.in_audience(c.audience_id) || c.facts().draft {
            return Err(AppError::NotFound);
        }
        let open = queue::open_for(conn, Subject::Content(id))?;
        let item = open.clone().unwrap_or(Item {
            id: 0,
            subject: Subject::Content(id).key(),
            open_key: None,
            content_id: Some(id),
            user_id: Some(c.author_id),
            appeal_id: None,
            reason: String::new(),
            content_kind: c.kind.clone(),
            board_id: None,
            detail: String::new(),
            created_at: c.created_at,
            resolved_at: None,
            resolved_by: None,
            resolution: String::new(),
        });
        let view = views(conn, vec![item])?.pop().ok_or(AppError::NotFound)?;
        let flags = flags::on_subjects(conn, &[Subject::Content(id).key()], false)?;
        let history = log::of_content(conn, &guard, id)?;
        let versions = crate::content::revisions::history(conn, id)?;
        Ok((view, open, flags, history, versions))
    })
    .await?;
    let mut view = view;
    view.action = format!("/mod/content/{id}");
    let has_refusal = refused.is_some();
    if let Some((errors, typed)) = refused {
        view.errors = errors;
        view.typed = typed;
    }
    let notice = match msg {
        "done" => ctx.t("mod-done"),
        "edited" => ctx.t("mod-edited"),
        _ => String::new(),
    };
    let page = ContentPage {
        meta: Meta::new(ctx.t("mod-content-title"), format!("/mod/content/{id}")).noindex(),
        ctx,
        view,
        open,
        flags,
        history,
        versions,
        reasons: FLAG_REASONS.iter().map(|r| (*r, ctx.t(super::reason_key(r)))).collect(),
        notice,
        back: format!("/mod/content/{id}"),
    };
    if has_refusal { render_invalid(&page) } else { render(&page) }
}

/// `POST /mod/content/{id}`: hide, show, delete a piece from its page (queued or not).
pub async fn act_on_content(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> AppResult<HttpResponse> {
    require_moderator(&ctx)?;
    let id = path.into_inner();
    let mut errors = FieldErrors::default();
    let sanctioning = member_action(&ctx, &form, &mut errors);
    if !matches!(form.action.as_str(), "approve" | "hide" | "delete") {
        errors.add("action", "mod-action-required");
    }
    if !errors.is_empty() {
        return render_content(&ctx, &state, id, "", Some((errors, form))).await;
    }
    let (viewer, lang, site_name) = (ctx.viewer(), ctx.lang, state.settings.site_name.clone());
    crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        let c = crate::content::lock(tx, id)?.ok_or(AppError::NotFound)?;
        act_on_piece(tx, &guard, &c, &form, sanctioning.as_ref(), lang, &site_name)
    })
    .await?;
    Ok(redirect(&format!("/mod/content/{id}?msg=done")))
}

// ------------------------------------------------------------------ a member's page

#[derive(Template)]
#[template(path = "moderation/member.html")]
struct MemberPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    member: MemberView,
    sanctions: Vec<Sanction>,
    flags: Vec<(Flag, String)>,
    history: Vec<LogLine>,
    can_sanction: bool,
    errors: FieldErrors,
    typed: ActionForm,
    notice: String,
}

impl MemberPage<'_> {
    fn in_force(&self, s: &Sanction) -> bool {
        s.in_force(crate::now())
    }
}

/// `GET /mod/users/{id}`
pub async fn member_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    query: web::Query<MsgQuery>,
) -> AppResult<HttpResponse> {
    require_moderator(&ctx)?;
    render_member(&ctx, &state, path.into_inner(), &query.msg, None).await
}

async fn render_member(
    ctx: &PageCtx,
    state: &AppState,
    id: i64,
    msg: &str,
    refused: Option<(FieldErrors, ActionForm)>,
) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let (member, list, flags, history, can) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let (user, n, upheld, level) = members(conn, &[id])?.remove(&id).ok_or(AppError::NotFound)?;
        let list = sanctions::of_member(conn, id)?;
        let flags = flags::against(conn, &guard, id)?;
        let history = log::of_member(conn, &guard, id)?;
        let can = guard.can_sanction(user.id, user.roles());
        Ok((MemberView { user, sanctions: n, upheld, level }, list, flags, history, can))
    })
    .await?;
    let has_refusal = refused.is_some();
    let (errors, typed) = refused.unwrap_or_default();
    let notice = match msg {
        "done" => ctx.t("mod-done"),
        "lifted" => ctx.t("mod-lifted"),
        _ => String::new(),
    };
    let page = MemberPage {
        meta: Meta::new(
            ctx.ta("mod-member-title", &[("name", member.user.name().to_string())]),
            format!("/mod/users/{id}"),
        )
        .noindex(),
        ctx,
        member,
        sanctions: list,
        flags,
        history,
        can_sanction: can,
        errors,
        typed,
        notice,
    };
    if has_refusal { render_invalid(&page) } else { render(&page) }
}

/// `POST /mod/users/{id}`: warn, silence or suspend a member.
pub async fn sanction_member(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ActionForm>,
) -> AppResult<HttpResponse> {
    require_moderator(&ctx)?;
    let id = path.into_inner();
    let mut errors = FieldErrors::default();
    let sanctioning = member_action(&ctx, &form, &mut errors);
    if sanctioning.is_none() {
        errors.add("member", "mod-member-action-required");
    }
    let Some(s) = sanctioning.filter(|_| errors.is_empty()) else {
        return render_member(&ctx, &state, id, "", Some((errors, form))).await;
    };
    let (viewer, lang, site_name) = (ctx.viewer(), ctx.lang, state.settings.site_name.clone());
    crate::db::run_write(&state.pool, move |tx| {
        tx.lock("users", "id", id)?;
        let guard = Guard::fresh(tx, &viewer)?;
        let member = crate::accounts::queries::find(tx, id)?.ok_or(AppError::NotFound)?;
        sanction(tx, &guard, &member, &s, &form.note, None, lang, &site_name)?;
        Ok(())
    })
    .await?;
    Ok(redirect(&format!("/mod/users/{id}?msg=done")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LiftForm {
    pub note: String,
}

/// `POST /mod/sanctions/{id}/lift`
pub async fn lift(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<LiftForm>,
) -> AppResult<HttpResponse> {
    require_moderator(&ctx)?;
    let id = path.into_inner();
    let viewer = ctx.viewer();
    let member = crate::db::run_write(&state.pool, move |tx| {
        let s = sanctions::find(tx, id)?.ok_or(AppError::NotFound)?;
        tx.lock("users", "id", s.user_id)?;
        let guard = Guard::fresh(tx, &viewer)?;
        let member = crate::accounts::queries::find(tx, s.user_id)?.ok_or(AppError::NotFound)?;
        if !guard.can_sanction(member.id, member.roles()) {
            return Err(AppError::Forbidden);
        }
        let note = crate::content::plain_input(form.note.trim());
        sanctions::lift(tx, &s, guard.user_id(), "lift", &note)?;
        Ok(member.id)
    })
    .await?;
    Ok(redirect(&format!("/mod/users/{member}?msg=lifted")))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrustForm {
    /// 0 to 4, or "auto" (back to the rules).
    pub level: String,
}

/// `POST /mod/users/{id}/trust`: set a member's level by hand (locked), or give it back to
/// the rules.
pub async fn set_trust(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<TrustForm>,
) -> AppResult<HttpResponse> {
    require_moderator(&ctx)?;
    let id = path.into_inner();
    let chosen = match form.level.as_str() {
        "auto" => None,
        l => Some(
            l.parse::<i32>().ok().filter(|l| (0..=4).contains(l)).ok_or(AppError::BadRequest("error-bad-request"))?,
        ),
    };
    let viewer = ctx.viewer();
    crate::db::run_write(&state.pool, move |tx| {
        tx.lock("users", "id", id)?;
        let guard = Guard::fresh(tx, &viewer)?;
        let member = crate::accounts::queries::find(tx, id)?.ok_or(AppError::NotFound)?;
        if !guard.can_sanction(member.id, member.roles()) {
            return Err(AppError::Forbidden);
        }
        match chosen {
            Some(level) => super::trust::set(tx, id, level, true)?,
            None => {
                super::trust::set(tx, id, member.trust_level.min(2), false)?;
                let fresh = crate::accounts::queries::find(tx, id)?.ok_or(AppError::NotFound)?;
                super::trust::refresh(tx, &fresh)?;
            }
        }
        let note = match chosen {
            Some(l) => format!("{l} (locked)"),
            None => "auto".to_string(),
        };
        super::record(
            tx,
            Entry {
                moderator_id: guard.user_id(),
                action: "trust",
                content: None,
                user_id: Some(id),
                reason: "",
                note: &note,
            },
        )?;
        Ok(())
    })
    .await?;
    Ok(redirect(&format!("/mod/users/{id}?msg=done")))
}

// ------------------------------------------------------------------ settings

/// The numbers of the settings page, by field name: the flag threshold, each level's
/// requirements (`l1_days`…), level 0's limits.
const LEVEL_FIELDS: [&str; 5] = ["days", "read", "posts", "likes", "max_upheld"];
const LIMIT_FIELDS: [&str; 3] = ["links", "pictures", "per_hour"];

#[derive(Template)]
#[template(path = "moderation/settings.html")]
struct SettingsPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    /// (field name, value as typed) for every number on the page.
    values: Vec<(String, String)>,
    errors: Vec<String>,
    notice: String,
}

impl SettingsPage<'_> {
    fn value(&self, name: &str) -> String {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    fn wrong(&self, name: &str) -> bool {
        self.errors.iter().any(|e| e == name)
    }

    fn levels(&self) -> Vec<(usize, &'static str)> {
        vec![(1, "trust-1"), (2, "trust-2"), (3, "trust-3")]
    }

    fn level_fields(&self) -> Vec<(&'static str, &'static str)> {
        LEVEL_FIELDS.iter().map(|f| (*f, level_field_key(f))).collect()
    }

    fn limit_fields(&self) -> Vec<(&'static str, &'static str)> {
        LIMIT_FIELDS.iter().map(|f| (*f, limit_field_key(f))).collect()
    }
}

fn level_field_key(f: &str) -> &'static str {
    match f {
        "days" => "trust-req-days",
        "read" => "trust-req-read",
        "posts" => "trust-req-posts",
        "likes" => "trust-req-likes",
        _ => "trust-req-max-upheld",
    }
}

fn limit_field_key(f: &str) -> &'static str {
    match f {
        "links" => "trust-limit-links",
        "pictures" => "trust-limit-pictures",
        _ => "trust-limit-per-hour",
    }
}

/// Every number of the settings page as the site has it now.
async fn current_settings(state: &AppState) -> AppResult<Vec<(String, String)>> {
    crate::db::run(&state.pool, |conn| {
        Ok(settings_values(
            super::flag_threshold(conn)?,
            &super::trust::requirements(conn)?,
            &super::trust::limits(conn)?,
        ))
    })
    .await
}

fn settings_values(
    threshold: i64,
    reqs: &[super::trust::Requirement; 3],
    limits: &super::trust::NewLimits,
) -> Vec<(String, String)> {
    let mut v = vec![("threshold".to_string(), threshold.to_string())];
    for (i, r) in reqs.iter().enumerate() {
        for (f, n) in LEVEL_FIELDS.iter().zip([r.days, r.read, r.posts, r.likes, r.max_upheld]) {
            v.push((format!("l{}_{f}", i + 1), n.to_string()));
        }
    }
    for (f, n) in LIMIT_FIELDS.iter().zip([limits.links, limits.pictures, limits.per_hour]) {
        v.push((format!("new_{f}"), n.to_string()));
    }
    v
}

/// `GET /mod/settings` (admins)
pub async fn settings_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    query: web::Query<MsgQuery>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let values = current_settings(&state).await?;
    let notice = if query.msg == "saved" { ctx.t("mod-settings-saved") } else { String::new() };
    render(&SettingsPage {
        meta: Meta::new(ctx.t("mod-settings-title"), "/mod/settings").noindex(),
        ctx: &ctx,
        values,
        errors: Vec::new(),
        notice,
    })
}

/// `POST /mod/settings`
pub async fn save_settings(
    ctx: Ctx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    // A field the form did not send keeps its value.
    let current = current_settings(&state).await?;
    let typed = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .or_else(|| current.iter().find(|(k, _)| k == name))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut values = Vec::new();
    let mut errors = Vec::new();
    let mut number = |name: String, range: std::ops::RangeInclusive<i64>| -> i64 {
        let v = typed(&name);
        let n = v.parse::<i64>().ok().filter(|n| range.contains(n));
        if n.is_none() {
            errors.push(name.clone());
        }
        values.push((name, v));
        n.unwrap_or(0)
    };
    let threshold = number("threshold".into(), 1..=100);
    let mut reqs = super::trust::DEFAULTS;
    for (i, r) in reqs.iter_mut().enumerate() {
        let mut n = LEVEL_FIELDS.iter().map(|f| number(format!("l{}_{f}", i + 1), 0..=100_000));
        *r = super::trust::Requirement {
            days: n.next().unwrap_or(0),
            read: n.next().unwrap_or(0),
            posts: n.next().unwrap_or(0),
            likes: n.next().unwrap_or(0),
            max_upheld: n.next().unwrap_or(0),
        };
    }
    let mut l = LIMIT_FIELDS.iter().map(|f| number(format!("new_{f}"), 0..=10_000));
    let limits = super::trust::NewLimits {
        links: l.next().unwrap_or(0),
        pictures: l.next().unwrap_or(0),
        per_hour: l.next().unwrap_or(0),
    };
    drop(l);
    if !errors.is_empty() {
        return render_invalid(&SettingsPage {
            meta: Meta::new(ctx.t("mod-settings-title"), "/mod/settings").noindex(),
            ctx: &ctx,
            values,
            errors,
            notice: String::new(),
        });
    }
    crate::db::run_write(&state.pool, move |tx| {
        tx.quiet();
        crate::db::set_setting(tx, super::FLAG_THRESHOLD_KEY, Some(&threshold.to_string()))?;
        super::trust::save_requirements(tx, &reqs)?;
        super::trust::save_limits(tx, &limits)?;
        Ok(())
    })
    .await?;
    Ok(redirect("/mod/settings?msg=saved"))
}
