//! Members flag content and profiles: one flag per member per subject, with a reason; never
//! their own; the author is not told who. When the flags' weight reaches the site's threshold
//! the piece is hidden until a moderator looks (staff flags weigh the whole threshold).

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::{Entry, FLAG_REASONS, QUEUE_FLAGGED, Subject};
use crate::content::Content;
use crate::db::schema::{flags, notifications};
use crate::db::{DbConn, Tx};
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, Place};
use crate::web::{AppState, CsrfForm, Ctx, FieldErrors, Meta, PageCtx, redirect, render, render_invalid};

#[derive(Queryable, Clone, Debug)]
pub struct Flag {
    pub id: i64,
    pub subject: String,
    pub content_id: Option<i64>,
    pub user_id: i64,
    pub flagger_id: i64,
    pub reason: String,
    pub note: String,
    pub weight: i32,
    pub created_at: NaiveDateTime,
    pub outcome: Option<String>,
    pub resolved_at: Option<NaiveDateTime>,
}

impl Flag {
    pub fn reason_key(&self) -> &'static str {
        super::reason_key(&self.reason)
    }

    pub fn outcome_key(&self) -> &'static str {
        match self.outcome.as_deref() {
            Some("upheld") => "mod-flag-upheld",
            Some("dismissed") => "mod-flag-dismissed",
            _ => "",
        }
    }
}

/// A flag to add.
pub struct NewFlag<'a> {
    pub subject: Subject,
    pub content: Option<&'a Content>,
    /// The member it is about.
    pub user_id: i64,
    pub reason: &'a str,
    pub note: &'a str,
}

/// What adding a flag did.
#[derive(Debug, PartialEq, Eq)]
pub enum Added {
    Counted,
    /// The flags reached the threshold: the piece is hidden until reviewed.
    Hidden,
}

/// Add a member's flag. `Err` with a catalog key: their own piece or profile, or flagged before.
pub fn add(tx: &mut Tx<'_>, guard: &Guard, new: &NewFlag<'_>) -> QueryResult<Result<Added, &'static str>> {
    let Some(flagger) = guard.user_id() else { return Ok(Err("flag-login")) };
    if flagger == new.user_id {
        return Ok(Err("flag-own"));
    }
    let threshold = super::flag_threshold(tx)?;
    let weight = if guard.is_staff() || guard.can_moderate() {
        threshold
    } else {
        let me = crate::accounts::queries::find(tx, flagger)?.ok_or(diesel::result::Error::NotFound)?;
        super::trust::flag_weight(super::trust::current(tx, &me)?)
    };
    let key = new.subject.key();
    let inserted = crate::db::ignore_duplicate(tx, |conn| {
        diesel::insert_into(flags::table)
            .values((
                flags::subject.eq(&key),
                flags::content_id.eq(new.content.map(|c| c.id)),
                flags::user_id.eq(new.user_id),
                flags::flagger_id.eq(flagger),
                flags::reason.eq(new.reason),
                flags::note.eq(new.note),
                flags::weight.eq(weight as i32),
                flags::created_at.eq(crate::now()),
            ))
            .execute(conn)
    })?;
    if inserted == 0 {
        return Ok(Err("flag-twice"));
    }
    super::queue::enqueue(
        tx,
        &super::queue::NewItem {
            subject: new.subject,
            reason: QUEUE_FLAGGED,
            content: new.content,
            user_id: Some(new.user_id),
            appeal_id: None,
            detail: "",
        },
    )?;
    let Some(c) = new.content else { return Ok(Ok(Added::Counted)) };
    let total: Option<i64> = flags::table
        .filter(flags::subject.eq(&key))
        .filter(flags::outcome.is_null())
        .select(diesel::dsl::sum(flags::weight))
        .first(tx.conn())?;
    if total.unwrap_or(0) < threshold || c.is_hidden() || c.is_deleted() || !c.live {
        return Ok(Ok(Added::Counted));
    }
    if !super::set_hidden(tx, c, true)? {
        return Ok(Ok(Added::Counted));
    }
    let reason = top_reason(tx, &key)?;
    super::record(
        tx,
        Entry { moderator_id: None, action: "hide", content: Some(c), user_id: None, reason: &reason, note: "" },
    )?;
    tell_author(tx, c.author_id, crate::notifications::KIND_MOD_HIDDEN, &shown_title(c))?;
    Ok(Ok(Added::Hidden))
}

/// The reason most flags on a subject give.
fn top_reason(conn: &mut DbConn, key: &str) -> QueryResult<String> {
    let rows: Vec<(String, i64)> = flags::table
        .filter(flags::subject.eq(key))
        .filter(flags::outcome.is_null())
        .group_by(flags::reason)
        .select((flags::reason, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().max_by_key(|(r, n)| (*n, std::cmp::Reverse(r.clone()))).map(|(r, _)| r).unwrap_or_default())
}

/// A piece named in a message: its title, or the start of its text.
pub fn shown_title(c: &Content) -> String {
    let t = if c.title.trim().is_empty() { c.excerpt.as_str() } else { c.title.as_str() };
    let mut s: String = t.chars().take(80).collect();
    if t.chars().count() > 80 {
        s.push('…');
    }
    s
}

/// A moderation notice in the member's notifications (in the site only: what needs an e-mail
/// gets its own). Not about content: a hidden piece would filter it out of their list.
pub fn tell_author(tx: &mut Tx<'_>, user_id: i64, kind: &str, detail: &str) -> QueryResult<()> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user_id),
            notifications::kind.eq(kind),
            notifications::actor_id.eq(None::<i64>),
            notifications::content_id.eq(None::<i64>),
            notifications::created_at.eq(crate::now()),
            notifications::detail.eq(detail),
        ))
        .execute(tx.conn())?;
    Ok(())
}

/// Decide a subject's open flags (upheld or dismissed).
pub fn decide(tx: &mut Tx<'_>, subject: Subject, outcome: &str) -> QueryResult<usize> {
    diesel::update(flags::table.filter(flags::subject.eq(subject.key())).filter(flags::outcome.is_null()))
        .set((flags::outcome.eq(Some(outcome)), flags::resolved_at.eq(Some(crate::now()))))
        .execute(tx.conn())
}

/// The flags on these subjects, oldest first, with who flagged (for moderators only).
pub fn on_subjects(conn: &mut DbConn, keys: &[String], open_only: bool) -> QueryResult<Vec<(Flag, String)>> {
    use crate::db::schema::users;
    let mut q = flags::table
        .inner_join(users::table.on(users::id.eq(flags::flagger_id)))
        .filter(flags::subject.eq_any(keys))
        .into_boxed();
    if open_only {
        q = q.filter(flags::outcome.is_null());
    }
    q.order(flags::id.asc()).select((flags::all_columns, users::username)).load(conn)
}

/// The flags about a member (their profile and their pieces), newest first: those on pieces
/// only when the moderator may read where they are.
pub fn against(conn: &mut DbConn, guard: &Guard, user_id: i64) -> QueryResult<Vec<(Flag, String)>> {
    use crate::db::schema::users;
    let rows: Vec<(Flag, String)> = flags::table
        .inner_join(users::table.on(users::id.eq(flags::flagger_id)))
        .filter(flags::user_id.eq(user_id))
        .order(flags::id.desc())
        .limit(100)
        .select((flags::all_columns, users::username))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().filter_map(|(f, _)| f.content_id).collect();
    let pieces = crate::content::find_many(conn, &ids)?;
    Ok(rows
        .into_iter()
        .filter(|(f, _)| {
            f.content_id.is_none_or(|id| pieces.get(&id).is_some_and(|c| guard.in_audience(c.audience_id)))
        })
        .collect())
}

/// Flags upheld against each of these members (their record in the queue).
pub fn upheld_against(conn: &mut DbConn, ids: &[i64]) -> QueryResult<std::collections::HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = flags::table
        .filter(flags::user_id.eq_any(ids))
        .filter(flags::outcome.eq("upheld"))
        .group_by(flags::user_id)
        .select((flags::user_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// When this member flagged this subject, if they did.
pub fn mine(conn: &mut DbConn, user_id: i64, subject: Subject) -> QueryResult<Option<NaiveDateTime>> {
    flags::table
        .filter(flags::subject.eq(subject.key()))
        .filter(flags::flagger_id.eq(user_id))
        .select(flags::created_at)
        .first(conn)
        .optional()
}

// ------------------------------------------------------------------ pages

/// What is being flagged, as the form names it.
struct Target {
    subject: Subject,
    /// "a reply", "a profile"…
    noun: String,
    title: String,
    path: String,
    content: Option<Content>,
    user_id: i64,
}

#[derive(Template)]
#[template(path = "moderation/flag.html")]
struct FlagPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    action: String,
    noun: String,
    title: String,
    back: String,
    reasons: Vec<(&'static str, String)>,
    reason: String,
    note: String,
    errors: FieldErrors,
    /// When the viewer flagged it before.
    flagged_at: Option<NaiveDateTime>,
    done: bool,
    own: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlagQuery {
    pub done: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct FlagForm {
    pub reason: String,
    pub note: String,
}

/// The target of `/flag/{what}/{id}` as the viewer may see it (not found otherwise).
fn target(conn: &mut DbConn, guard: &Guard, ctx: &PageCtx, what: &str, id: &str) -> Result<Target, AppError> {
    let kinds = crate::kinds::registry();
    match what {
        "content" => {
            let id = crate::web::canonical_number(id).ok_or(AppError::NotFound)?;
            let c = crate::content::find(conn, id)?.ok_or(AppError::NotFound)?;
            if !guard.can_read(&c.facts(), Place::None) || c.status != crate::content::STATUS_PUBLISHED {
                return Err(AppError::NotFound);
            }
            let path = kinds.path_of(conn, id)?.ok_or(AppError::NotFound)?;
            let noun = kinds.noun_key(&c.kind);
            Ok(Target {
                subject: Subject::Content(id),
                noun: if noun.is_empty() { ctx.t("flag-noun-content") } else { ctx.t(noun) },
                title: shown_title(&c),
                path,
                user_id: c.author_id,
                content: Some(c),
            })
        }
        "user" => {
            let u = crate::accounts::queries::find_by_key(conn, &id.to_lowercase())?.ok_or(AppError::NotFound)?;
            if crate::accounts::own_data::is_deleted(&u.roles) {
                return Err(AppError::NotFound);
            }
            Ok(Target {
                subject: Subject::User(u.id),
                noun: ctx.t("flag-noun-profile"),
                title: u.name().to_string(),
                path: format!("/u/{}", crate::web::path_segment(&u.username)),
                content: None,
                user_id: u.id,
            })
        }
        _ => Err(AppError::NotFound),
    }
}

fn reasons(ctx: &PageCtx) -> Vec<(&'static str, String)> {
    FLAG_REASONS.iter().map(|r| (*r, ctx.t(super::reason_key(r)))).collect()
}

/// `GET /flag/{what}/{id}`: the form (a member's), or what they flagged already.
pub async fn form(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<FlagQuery>,
) -> AppResult<HttpResponse> {
    let me = ctx.require_user()?.id;
    let (what, id) = path.into_inner();
    let viewer = ctx.viewer();
    let (t, flagged_at) = {
        let ctx = ctx.clone();
        crate::db::run(&state.pool, move |conn| {
            let guard = Guard::load(conn, &viewer)?;
            let t = target(conn, &guard, &ctx, &what, &id)?;
            let at = mine(conn, me, t.subject)?;
            Ok((t, at))
        })
        .await?
    };
    let page = page(&ctx, &t, FlagForm::default(), FieldErrors::default(), flagged_at, query.done == "1");
    render(&page)
}

fn page<'a>(
    ctx: &'a PageCtx,
    t: &Target,
    form: FlagForm,
    errors: FieldErrors,
    flagged_at: Option<NaiveDateTime>,
    done: bool,
) -> FlagPage<'a> {
    let action = match t.subject {
        Subject::Content(id) => format!("/flag/content/{id}"),
        _ => format!("/flag/user/{}", t.path.trim_start_matches("/u/")),
    };
    FlagPage {
        meta: Meta::new(ctx.ta("flag-title", &[("what", t.noun.clone())]), action.clone()).noindex(),
        ctx,
        action,
        noun: t.noun.clone(),
        title: t.title.clone(),
        back: t.path.clone(),
        reasons: reasons(ctx),
        reason: form.reason,
        note: form.note,
        errors,
        flagged_at,
        done,
        own: ctx.user_id() == Some(t.user_id),
    }
}

/// `POST /flag/{what}/{id}`
pub async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<FlagForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let (what, id) = path.into_inner();
    let mut errors = FieldErrors::default();
    let reason = form.reason.trim().to_string();
    let note = crate::content::plain_input(form.note.trim());
    if !FLAG_REASONS.contains(&reason.as_str()) {
        errors.add("reason", "flag-reason-required");
    } else if reason == "other" && note.trim().is_empty() {
        errors.add("note", "flag-note-required");
    }
    if note.chars().count() > 1000 {
        errors.add("note", "flag-note-too-long");
    }
    let viewer = ctx.viewer();
    let result = {
        let ctx = ctx.clone();
        let (reason, note) = (reason.clone(), note.clone());
        let check_only = !errors.is_empty();
        crate::db::run_write(&state.pool, move |tx| {
            let guard = Guard::fresh(tx, &viewer)?;
            let t = target(tx, &guard, &ctx, &what, &id)?;
            if let Some(c) = &t.content {
                crate::content::lock(tx, c.id)?;
            }
            // Read again under the lock: the state the threshold is judged on.
            let content = match t.subject {
                Subject::Content(id) => crate::content::find(tx, id)?,
                _ => None,
            };
            // Hidden (or deleted) meanwhile by the flags sent before this one: gone for them.
            if content.as_ref().is_some_and(|c| !guard.can_read(&c.facts(), Place::None)) {
                return Err(AppError::NotFound);
            }
            if check_only {
                return Ok((t, Err(None)));
            }
            let added = add(
                tx,
                &guard,
                &NewFlag {
                    subject: t.subject,
                    content: content.as_ref(),
                    user_id: t.user_id,
                    reason: &reason,
                    note: &note,
                },
            )?;
            Ok((t, added.map_err(Some)))
        })
        .await?
    };
    let (t, outcome) = result;
    match outcome {
        Ok(_) => {
            let action = match t.subject {
                Subject::Content(id) => format!("/flag/content/{id}"),
                _ => format!("/flag/user/{}", t.path.trim_start_matches("/u/")),
            };
            Ok(redirect(&format!("{action}?done=1")))
        }
        Err(problem) => {
            if let Some(key) = problem {
                errors.add("reason", key);
            }
            let me = ctx.user_id().unwrap_or_default();
            let subject = t.subject;
            let flagged_at = crate::db::run(&state.pool, move |conn| Ok(mine(conn, me, subject)?)).await?;
            let page = page(&ctx, &t, FlagForm { reason, note }, errors, flagged_at, false);
            render_invalid(&page)
        }
    }
}
