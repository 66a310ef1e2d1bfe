//! The moderation log. `/mod/log` is public: what was done, to what kind of thing, where (only
//! to who may read there) and the public reason, never who did it or the staff's note. Staff
//! see the whole log with names, notes and filters; a piece's and a member's moderation pages
//! show their own lines.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::DbConn;
use crate::db::schema::mod_actions;
use crate::error::AppResult;
use crate::policy::Guard;
use crate::web::{AppState, Ctx, Meta, PageCtx, render};

#[derive(Queryable, Clone, Debug)]
pub struct Row {
    pub id: i64,
    pub moderator_id: Option<i64>,
    pub action: String,
    pub content_id: Option<i64>,
    pub user_id: Option<i64>,
    pub content_kind: String,
    pub audience_id: Option<i64>,
    pub place: String,
    pub reason: String,
    pub note: String,
    pub created_at: NaiveDateTime,
}

/// A line as a page shows it.
#[derive(Clone, Debug)]
pub struct LogLine {
    pub row: Row,
    /// Who did it (staff pages only; None: the site itself).
    pub moderator: Option<String>,
    /// The member it was about (staff pages only).
    pub member: Option<(i64, String)>,
    /// The place, when the reader may read there.
    pub place: String,
}

impl LogLine {
    pub fn action_key(&self) -> &'static str {
        action_key(&self.row.action)
    }

    pub fn reason_key(&self) -> &'static str {
        super::reason_key(&self.row.reason)
    }

    /// About the member rather than a piece (even when a piece led to it).
    pub fn about_member(&self) -> bool {
        matches!(
            self.row.action.as_str(),
            "warn" | "silence" | "suspend" | "lift" | "appeal_lifted" | "appeal_upheld" | "dismiss" | "trust"
        )
    }

    /// The public log's sentence ("A reply was hidden", "A member was suspended").
    pub fn public_key(&self) -> &'static str {
        match self.row.action.as_str() {
            "hide" => "modlog-public-hide",
            "show" | "approve" => "modlog-public-approve",
            "delete" => "modlog-public-delete",
            "edit" => "modlog-public-edit",
            "move" => "modlog-public-move",
            "merge" => "modlog-public-merge",
            "warn" => "modlog-public-warn",
            "silence" => "modlog-public-silence",
            "suspend" => "modlog-public-suspend",
            "lift" | "appeal_lifted" => "modlog-public-lift",
            "appeal_upheld" => "modlog-public-appeal_upheld",
            "dismiss" => "modlog-public-dismiss",
            "trust" => "modlog-public-trust",
            "statement" => "modlog-public-statement",
            "statement_withdrawn" => "modlog-public-statement_withdrawn",
            "board_mode" => "modlog-public-board_mode",
            _ => "modlog-public-other",
        }
    }

    /// The same, naming the place ("A reply in Help was hidden").
    pub fn public_key_in(&self) -> &'static str {
        match self.row.action.as_str() {
            "hide" => "modlog-public-hide-in",
            "show" | "approve" => "modlog-public-approve-in",
            "delete" => "modlog-public-delete-in",
            "edit" => "modlog-public-edit-in",
            "move" => "modlog-public-move-in",
            "merge" => "modlog-public-merge-in",
            _ => "modlog-public-other-in",
        }
    }

    /// "a reply", "a post"… ("" for actions on members).
    pub fn noun_key(&self) -> &'static str {
        if self.row.content_kind.is_empty() {
            return "";
        }
        let key = crate::kinds::registry().noun_key(&self.row.content_kind);
        if key.is_empty() { "flag-noun-content" } else { key }
    }
}

/// Catalog key naming an action in the log.
pub fn action_key(action: &str) -> &'static str {
    match action {
        "hide" => "modlog-hide",
        "show" => "modlog-show",
        "delete" => "modlog-delete",
        "approve" => "modlog-approve",
        "dismiss" => "modlog-dismiss",
        "warn" => "modlog-warn",
        "silence" => "modlog-silence",
        "suspend" => "modlog-suspend",
        "lift" => "modlog-lift",
        "appeal_lifted" => "modlog-appeal_lifted",
        "appeal_upheld" => "modlog-appeal_upheld",
        "edit" => "modlog-edit",
        "move" => "modlog-move",
        "merge" => "modlog-merge",
        "trust" => "modlog-trust",
        "statement" => "modlog-statement",
        "statement_withdrawn" => "modlog-statement_withdrawn",
        "board_mode" => "modlog-board_mode",
        "word_added" => "modlog-word_added",
        "word_removed" => "modlog-word_removed",
        _ => "modlog-other",
    }
}

pub const PER_PAGE: i64 = 50;

/// The page-cache key of the public log.
pub const KEY: &str = "modlog";

/// Lines the reader may know about: about members, or about content in an audience they read;
/// the watched-word list's own lines for staff only.
fn visible<'a>(guard: &Guard, staff: bool) -> mod_actions::BoxedQuery<'a, crate::db::MultiBackend> {
    let mut q = mod_actions::table.into_boxed();
    if !staff {
        q = q.filter(mod_actions::action.ne_all(super::STAFF_ONLY));
    }
    match guard.audience_ids() {
        None => q,
        Some(ids) => q.filter(mod_actions::audience_id.is_null().or(mod_actions::audience_id.eq_any(ids.to_vec()))),
    }
}

/// Names for the lines (staff pages), two queries whatever their number.
fn lines(conn: &mut DbConn, guard: &Guard, rows: Vec<Row>, staff: bool) -> QueryResult<Vec<LogLine>> {
    let names: HashMap<i64, String> = if staff {
        let ids: Vec<i64> = rows.iter().flat_map(|r| [r.moderator_id, r.user_id]).flatten().collect();
        crate::accounts::queries::find_many(conn, &ids)?.into_iter().map(|u| (u.id, u.username)).collect()
    } else {
        HashMap::new()
    };
    Ok(rows
        .into_iter()
        .map(|row| LogLine {
            moderator: row.moderator_id.and_then(|id| names.get(&id).cloned()),
            member: row.user_id.and_then(|id| names.get(&id).map(|n| (id, n.clone()))),
            place: match row.audience_id {
                Some(a) if guard.in_audience(a) => row.place.clone(),
                _ => String::new(),
            },
            row,
        })
        .collect())
}

/// A piece's lines, newest first (staff).
pub fn of_content(conn: &mut DbConn, guard: &Guard, content_id: i64) -> QueryResult<Vec<LogLine>> {
    let rows: Vec<Row> = mod_actions::table
        .filter(mod_actions::content_id.eq(content_id))
        .order(mod_actions::id.desc())
        .limit(100)
        .load(conn)?;
    lines(conn, guard, rows, true)
}

/// A member's lines, newest first (staff): those about content the moderator may read.
pub fn of_member(conn: &mut DbConn, guard: &Guard, user_id: i64) -> QueryResult<Vec<LogLine>> {
    let rows: Vec<Row> = visible(guard, true)
        .filter(mod_actions::user_id.eq(user_id))
        .order(mod_actions::id.desc())
        .limit(100)
        .load(conn)?;
    lines(conn, guard, rows, true)
}

/// How many lines there are about each of these pieces (the "moderation history" links).
pub fn counts_for(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(Option<i64>, i64)> = mod_actions::table
        .filter(mod_actions::content_id.eq_any(ids))
        .group_by(mod_actions::content_id)
        .select((mod_actions::content_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, n)| Some((id?, n))).collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LogQuery {
    pub action: String,
    pub moderator: String,
    pub member: String,
    pub before: String,
}

#[derive(Template)]
#[template(path = "moderation/log.html")]
struct LogPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    lines: Vec<LogLine>,
    staff: bool,
    query: LogQuery,
    actions: Vec<(&'static str, String)>,
    older: Option<String>,
    newest: Option<String>,
}

/// `GET /mod/log`
pub async fn page(ctx: Ctx, state: web::Data<AppState>, query: web::Query<LogQuery>) -> AppResult<HttpResponse> {
    let staff = ctx.can_moderate();
    let query = query.into_inner();
    let viewer = ctx.viewer();
    let (action, moderator, member) = if staff {
        (query.action.clone(), query.moderator.trim().to_lowercase(), query.member.trim().to_lowercase())
    } else {
        Default::default()
    };
    let before = crate::web::canonical_number(&query.before);
    let (lines, more) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let mut q = visible(&guard, staff);
        if super::ACTIONS.contains(&action.as_str()) {
            q = q.filter(mod_actions::action.eq(action));
        }
        for (name, is_moderator) in [(moderator, true), (member, false)] {
            if name.is_empty() {
                continue;
            }
            let id = crate::accounts::queries::find_by_key(conn, &name)?.map_or(0, |u| u.id);
            q = if is_moderator {
                q.filter(mod_actions::moderator_id.eq(id))
            } else {
                q.filter(mod_actions::user_id.eq(id))
            };
        }
        if let Some(b) = before {
            q = q.filter(mod_actions::id.lt(b));
        }
        let mut rows: Vec<Row> = q.order(mod_actions::id.desc()).limit(PER_PAGE + 1).load(conn)?;
        let more = rows.len() as i64 > PER_PAGE;
        rows.truncate(PER_PAGE as usize);
        Ok((lines(conn, &guard, rows, staff)?, more))
    })
    .await?;
    let here = |before: Option<i64>| {
        let mut parts = Vec::new();
        for (k, v) in [("action", &query.action), ("moderator", &query.moderator), ("member", &query.member)] {
            if staff && !v.is_empty() {
                parts.push(format!("{k}={}", crate::web::urlencode(v)));
            }
        }
        if let Some(b) = before {
            parts.push(format!("before={b}"));
        }
        if parts.is_empty() { "/mod/log".to_string() } else { format!("/mod/log?{}", parts.join("&")) }
    };
    let older = if more { lines.last().map(|l| here(Some(l.row.id))) } else { None };
    let newest = before.map(|_| here(None));
    let meta = Meta::new(ctx.t("modlog-title"), "/mod/log").description(ctx.t("modlog-intro"));
    let meta = if staff || before.is_some() { meta.noindex() } else { meta };
    let page = LogPage {
        meta,
        ctx: &ctx,
        lines,
        staff,
        actions: super::ACTIONS.iter().map(|a| (*a, ctx.t(action_key(a)))).collect(),
        query,
        older,
        newest,
    };
    let res = render(&page)?;
    Ok(if staff { res } else { crate::web::cache::keep(res, vec![KEY.to_string()]) })
}
