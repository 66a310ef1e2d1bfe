//! A member's own choice about another member: mute them (no notifications from them: their
//! @mentions, quotes, replies and comments) or ignore them (that, and their replies and comments
//! collapsed on every page for me). Private: nobody else, not even the other member, sees it.
//! Moderators and admins cannot be muted: they must be able to reach every member.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::AuthorView;
use crate::db::DbConn;
use crate::db::schema::{member_mutes, users};
use crate::error::{AppError, AppResult};
use crate::policy::Roles;
use crate::web::context::{Ctx, PageCtx};
use crate::web::form::CsrfForm;
use crate::web::{AppState, Meta};

pub const MUTE: &str = "mute";
pub const IGNORE: &str = "ignore";

/// How many members one member may mute or ignore (the list is read on every page they open).
pub const LIMIT: i64 = 500;

/// What the context keeps for the reader: the usernames they mute, and whether they also ignore.
#[derive(Clone, Debug, Default)]
pub struct Muted(Vec<(String, bool)>);

impl Muted {
    /// "mute", "ignore" or "" for a username.
    pub fn level(&self, username: &str) -> &'static str {
        match self.0.iter().find(|(u, _)| u == username) {
            Some((_, true)) => IGNORE,
            Some((_, false)) => MUTE,
            None => "",
        }
    }

    pub fn ignores(&self, username: &str) -> bool {
        self.level(username) == IGNORE
    }
}

/// The reader's mutes (loaded with the session, once per request). Moderators and admins are
/// left out: one muted before being made a moderator reaches the member again.
pub fn of(conn: &mut DbConn, user_id: i64) -> QueryResult<Muted> {
    let rows: Vec<(String, String, String)> = member_mutes::table
        .inner_join(users::table.on(users::id.eq(member_mutes::other_id)))
        .filter(member_mutes::user_id.eq(user_id))
        .select((users::username, users::roles, member_mutes::level))
        .load(conn)?;
    Ok(Muted(
        rows.into_iter()
            .filter(|(_, roles, _)| !Roles::parse(roles).can_moderate())
            .map(|(u, _, level)| (u, level == IGNORE))
            .collect(),
    ))
}

/// The mutes these people chose, as (who, whom): what the muted do tells them nothing.
/// A member who became a moderator since is not muted any more (see `of`).
pub fn muting(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    let rows: Vec<(i64, i64, String)> = member_mutes::table
        .inner_join(users::table.on(users::id.eq(member_mutes::other_id)))
        .filter(member_mutes::user_id.eq_any(ids))
        .select((member_mutes::user_id, member_mutes::other_id, users::roles))
        .load(conn)?;
    Ok(rows.into_iter().filter(|(_, _, roles)| !Roles::parse(roles).can_moderate()).map(|(u, o, _)| (u, o)).collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MuteForm {
    /// "", "mute" or "ignore".
    pub level: String,
    /// Where to go afterwards: the profile (default) or the list in the settings.
    pub back: String,
}

/// `POST /u/{username}/mute`: set how I treat this member.
pub async fn set(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    CsrfForm(form): CsrfForm<MuteForm>,
) -> AppResult<HttpResponse> {
    let me = ctx.require_user()?.id;
    let key = path.into_inner().to_lowercase();
    let level = match form.level.as_str() {
        "" | "none" => None,
        MUTE => Some(MUTE),
        IGNORE => Some(IGNORE),
        _ => return Err(AppError::Refused("mute-error-level", Vec::new())),
    };
    let username = crate::db::run_write(&state.pool, move |tx| {
        let other = super::queries::find_by_key(tx.conn(), &key)?.ok_or(AppError::NotFound)?;
        if super::own_data::is_deleted(&other.roles) {
            return Err(AppError::NotFound);
        }
        if other.id == me {
            return Err(AppError::Refused("mute-error-self", Vec::new()));
        }
        let Some(level) = level else {
            diesel::delete(member_mutes::table.find((me, other.id))).execute(tx.conn())?;
            return Ok(other.username);
        };
        if Roles::parse(&other.roles).can_moderate() {
            return Err(AppError::Refused("mute-error-staff", Vec::new()));
        }
        let changed = diesel::update(member_mutes::table.find((me, other.id)))
            .set(member_mutes::level.eq(level))
            .execute(tx.conn())?;
        if changed == 0 {
            let count: i64 = member_mutes::table.filter(member_mutes::user_id.eq(me)).count().get_result(tx.conn())?;
            if count >= LIMIT {
                return Err(AppError::Refused("mute-error-limit", vec![("limit", LIMIT.to_string())]));
            }
            let row = (
                member_mutes::user_id.eq(me),
                member_mutes::other_id.eq(other.id),
                member_mutes::level.eq(level),
                member_mutes::created_at.eq(crate::now()),
            );
            // Two clicks at once: the second finds the first's row.
            crate::db::ignore_duplicate(tx, |conn| diesel::insert_into(member_mutes::table).values(row).execute(conn))?;
        }
        Ok(other.username)
    })
    .await?;
    let to = if form.back == "settings" {
        "/settings/muted".to_string()
    } else {
        format!("/u/{}", crate::web::urlencode(&username))
    };
    Ok(crate::web::redirect(&to))
}

pub struct MutedRow {
    pub person: AuthorView,
    pub level: String,
    pub since: NaiveDateTime,
}

impl MutedRow {
    pub fn ignored(&self) -> bool {
        self.level == IGNORE
    }
}

#[derive(Template)]
#[template(path = "accounts/muted.html")]
struct MutedPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    rows: Vec<MutedRow>,
}

/// `GET /settings/muted`: the members I mute or ignore, newest first, each with its undo.
pub async fn page(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let me = ctx.require_user()?.id;
    let rows = crate::db::run(&state.pool, move |conn| {
        let rows: Vec<(String, String, String, String, NaiveDateTime)> = member_mutes::table
            .inner_join(users::table.on(users::id.eq(member_mutes::other_id)))
            .filter(member_mutes::user_id.eq(me))
            .order(member_mutes::created_at.desc())
            .select((users::username, users::display_name, users::roles, member_mutes::level, member_mutes::created_at))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(username, display_name, roles, level, since)| MutedRow {
                person: AuthorView::from_row(username, display_name, &roles),
                level,
                since,
            })
            .collect())
    })
    .await?;
    let meta = Meta::new(ctx.t("muted-title"), "/settings/muted").noindex();
    crate::web::render(&MutedPage { ctx: &ctx, meta, rows })
}
