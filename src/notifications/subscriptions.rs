//! Following: a person subscribes to a topic or a board and is told about what appears there.
//! A subscription only lasts while its owner may read its target; when access is lost (a
//! demotion, leaving a group, a board closed to them) it is dropped and they are told.

use std::collections::HashMap;

use diesel::prelude::*;

use super::{KIND_ACCESS_LOST, Recipient};
use crate::db::schema::{boards, contents, subscriptions};
use crate::db::{DbConn, Tx, ignore_duplicate};

pub const TARGET_TOPIC: &str = "topic";
pub const TARGET_BOARD: &str = "board";

pub fn subscribe(tx: &mut Tx<'_>, user_id: i64, kind: &str, target: i64) -> QueryResult<()> {
    ignore_duplicate(tx, |conn| {
        diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::user_id.eq(user_id),
                subscriptions::target_kind.eq(kind),
                subscriptions::target_id.eq(target),
                subscriptions::created_at.eq(crate::now()),
            ))
            .execute(conn)
    })?;
    Ok(())
}

pub fn unsubscribe(tx: &mut Tx<'_>, user_id: i64, kind: &str, target: i64) -> QueryResult<()> {
    diesel::delete(
        subscriptions::table
            .filter(subscriptions::user_id.eq(user_id))
            .filter(subscriptions::target_kind.eq(kind))
            .filter(subscriptions::target_id.eq(target)),
    )
    .execute(tx.conn())?;
    Ok(())
}

/// Follow or stop following.
pub fn set_subscribed(tx: &mut Tx<'_>, user_id: i64, kind: &str, target: i64, on: bool) -> QueryResult<()> {
    if on { subscribe(tx, user_id, kind, target) } else { unsubscribe(tx, user_id, kind, target) }
}

pub fn is_subscribed(conn: &mut DbConn, user_id: i64, kind: &str, target: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        subscriptions::table
            .filter(subscriptions::user_id.eq(user_id))
            .filter(subscriptions::target_kind.eq(kind))
            .filter(subscriptions::target_id.eq(target)),
    ))
    .get_result(conn)
}

/// Followers of a target with ids above `after`, in id order, at most `limit` (a batch of a job).
pub fn followers_after(conn: &mut DbConn, kind: &str, target: i64, after: i64, limit: i64) -> QueryResult<Vec<i64>> {
    subscriptions::table
        .filter(subscriptions::target_kind.eq(kind))
        .filter(subscriptions::target_id.eq(target))
        .filter(subscriptions::user_id.gt(after))
        .order(subscriptions::user_id.asc())
        .limit(limit)
        .select(subscriptions::user_id)
        .load(conn)
}

/// Everyone following a target (small lists: an idea's followers moving to the idea it merged into).
pub fn followers(conn: &mut DbConn, kind: &str, target: i64) -> QueryResult<Vec<i64>> {
    followers_after(conn, kind, target, i64::MIN, i64::MAX)
}

/// What a subscription's target is to the policy: its audience, and a name to tell people.
fn target_audience(conn: &mut DbConn, kind: &str, target: i64) -> QueryResult<Option<(i64, String)>> {
    match kind {
        TARGET_BOARD => {
            boards::table.find(target).select((boards::read_audience_id, boards::name)).first(conn).optional()
        }
        _ => contents::table.find(target).select((contents::audience_id, contents::title)).first(conn).optional(),
    }
}

/// A followed target's name and its audience's grants.
type TargetAccess = (String, Vec<String>);

/// Which subscriptions to check.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    /// Everything one person follows.
    User(i64),
    /// Everyone following a board or a topic on it.
    Board(i64),
}

/// Check one batch of subscriptions (by user id above `after`): those whose owner may no longer
/// read the target are dropped, and the owner is told. Returns the last user id seen, or `None`
/// when the scope is done.
pub fn recheck_batch(tx: &mut Tx<'_>, scope: Scope, after: i64, limit: i64) -> QueryResult<Option<i64>> {
    let rows: Vec<(i64, String, i64)> = {
        let q = subscriptions::table
            .filter(subscriptions::user_id.gt(after))
            .select((subscriptions::user_id, subscriptions::target_kind, subscriptions::target_id))
            .order((subscriptions::user_id.asc(), subscriptions::target_kind.asc(), subscriptions::target_id.asc()))
            .into_boxed();
        match scope {
            Scope::User(u) => q.filter(subscriptions::user_id.eq(u)).load(tx.conn())?,
            Scope::Board(b) => {
                let topics = contents::table
                    .filter(contents::place_kind.eq(crate::content::PLACE_BOARD))
                    .filter(contents::place_id.eq(b))
                    .filter(contents::parent_id.is_null())
                    .select(contents::id);
                q.filter(
                    subscriptions::target_kind
                        .eq(TARGET_BOARD)
                        .and(subscriptions::target_id.eq(b))
                        .or(subscriptions::target_kind.eq(TARGET_TOPIC).and(subscriptions::target_id.eq_any(topics))),
                )
                .limit(limit)
                .load(tx.conn())?
            }
        }
    };
    // A batch ends at a user boundary, so a person's subscriptions are checked together.
    let Some(last_user) = rows.last().map(|r| r.0) else { return Ok(None) };
    let done = (rows.len() as i64) < limit || matches!(scope, Scope::User(_));
    let user_ids: Vec<i64> = {
        let mut v: Vec<i64> = rows.iter().map(|r| r.0).collect();
        v.dedup();
        v
    };
    let people: Vec<Recipient> = super::recipients(tx, &user_ids)?;
    // Many people follow the same targets: each target's audience is read once per batch.
    let mut targets: HashMap<(String, i64), Option<TargetAccess>> = HashMap::new();
    for (user_id, kind, target) in rows.iter().filter(|r| done || r.0 != last_user) {
        let Some(person) = people.iter().find(|p| p.viewer.user_id == Some(*user_id)) else { continue };
        let key = (kind.clone(), *target);
        if !targets.contains_key(&key) {
            let found = match target_audience(tx, kind, *target)? {
                Some((audience, name)) => Some((name, crate::policy::grant_names(tx, audience)?)),
                None => None,
            };
            targets.insert(key.clone(), found);
        }
        let Some(Some((name, grants))) = targets.get(&key) else { continue };
        if !person.viewer.admitted_by(grants) {
            unsubscribe(tx, *user_id, kind, *target)?;
            super::create(tx, person, KIND_ACCESS_LOST, None, None, name)?;
        }
    }
    if done {
        return Ok(None);
    }
    // The last user's rows may continue past this batch: start again from them next time.
    let next_after = rows.iter().map(|r| r.0).filter(|u| *u != last_user).max().unwrap_or(after);
    if next_after == after {
        // One person follows more than a batch holds: check them whole.
        recheck_batch(tx, Scope::User(last_user), after, limit)?;
        return Ok(Some(last_user));
    }
    Ok(Some(next_after))
}
