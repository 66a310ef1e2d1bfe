//! Reactions beyond "like" on the kinds that take them (`ContentKind::reactions`): applause,
//! insightful, love, surprised — one of each per member, counted from the rows themselves (so a
//! count is always the number of members who reacted).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::schema::content_reactions;
use crate::db::{DbConn, Tx, ignore_duplicate};
use crate::error::{AppError, AppResult};
use crate::web::{AppState, CsrfForm, Ctx, redirect, safe_next};

/// Every reaction: its name in forms and rows, the sign shown, and its catalog key.
pub const REACTIONS: [(&str, &str, &str); 4] = [
    ("applause", "👏", "reaction-applause"),
    ("insightful", "💡", "reaction-insightful"),
    ("love", "❤️", "reaction-love"),
    ("surprised", "😮", "reaction-surprised"),
];

/// A reaction as a page shows it: how many, and whether the viewer gave it.
#[derive(Clone, Debug)]
pub struct ReactionView {
    pub name: &'static str,
    pub sign: &'static str,
    pub label_key: &'static str,
    pub count: i64,
    pub mine: bool,
}

/// Give or take back one reaction; whether a row appeared or went away.
pub fn set(tx: &mut Tx<'_>, content_id: i64, user_id: i64, reaction: &str, on: bool) -> QueryResult<bool> {
    let changed = if on {
        ignore_duplicate(tx, |conn| {
            diesel::insert_into(content_reactions::table)
                .values((
                    content_reactions::content_id.eq(content_id),
                    content_reactions::user_id.eq(user_id),
                    content_reactions::reaction.eq(reaction),
                    content_reactions::created_at.eq(crate::now()),
                ))
                .execute(conn)
        })?
    } else {
        diesel::delete(
            content_reactions::table
                .filter(content_reactions::content_id.eq(content_id))
                .filter(content_reactions::user_id.eq(user_id))
                .filter(content_reactions::reaction.eq(reaction)),
        )
        .execute(tx.conn())?
    };
    if changed > 0 {
        // Its page shows the counts.
        tx.touch(content_id);
    }
    Ok(changed > 0)
}

/// How many members gave each reaction to each of these pieces.
pub fn counts(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, HashMap<String, i64>>> {
    let rows: Vec<(i64, String, i64)> = content_reactions::table
        .filter(content_reactions::content_id.eq_any(ids))
        .group_by((content_reactions::content_id, content_reactions::reaction))
        .select((content_reactions::content_id, content_reactions::reaction, diesel::dsl::count_star()))
        .load(conn)?;
    let mut out: HashMap<i64, HashMap<String, i64>> = HashMap::new();
    for (id, reaction, n) in rows {
        out.entry(id).or_default().insert(reaction, n);
    }
    Ok(out)
}

/// The reactions of one piece, in the usual order, with the viewer's own marked.
pub fn of(conn: &mut DbConn, id: i64, viewer: Option<i64>) -> QueryResult<Vec<ReactionView>> {
    let counts = counts(conn, &[id])?.remove(&id).unwrap_or_default();
    let mine: Vec<String> = match viewer {
        Some(me) => content_reactions::table
            .filter(content_reactions::content_id.eq(id))
            .filter(content_reactions::user_id.eq(me))
            .select(content_reactions::reaction)
            .load(conn)?,
        None => Vec::new(),
    };
    Ok(REACTIONS
        .iter()
        .map(|&(name, sign, label_key)| ReactionView {
            name,
            sign,
            label_key,
            count: counts.get(name).copied().unwrap_or(0),
            mine: mine.iter().any(|m| m == name),
        })
        .collect())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReactionForm {
    pub reaction: String,
    /// "0" takes it back.
    pub value: String,
    pub back: String,
}

/// `POST /reactions/{id}`: give or take back a reaction (members, not on their own piece).
pub async fn react(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    CsrfForm(form): CsrfForm<ReactionForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    let id = path.into_inner();
    let Some(&(reaction, _, _)) = REACTIONS.iter().find(|r| r.0 == form.reaction) else {
        return Err(AppError::BadRequest("err-reaction-unknown"));
    };
    let (on, viewer, kinds) = (form.value != "0", ctx.viewer(), state.kinds);
    let back = crate::db::run_write(&state.pool, move |tx| {
        let takes = |kind: &str| kinds.get(kind).is_some_and(|k| k.reactions());
        super::likes::held_for_reaction(tx, &viewer, id, on, takes, "err-reaction-own")?;
        set(tx, id, user_id, reaction, on)?;
        Ok(kinds.path_of(tx, id)?.unwrap_or_else(|| "/".into()))
    })
    .await?;
    Ok(redirect(&safe_next(Some(if form.back.is_empty() { &back } else { &form.back }))))
}
