//! Groups that admins define ("Enterprise customers", "Beta testers", "Partners") and put
//! members in. A board's read and post access can name groups; the policy decides from the set
//! of a person's roles and groups.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::AuthorView;
use crate::db::schema::{group_members, member_groups, users};
use crate::db::{DbConn, Tx, ignore_duplicate};

pub const NAME_MAX: usize = 60;
pub const DESCRIPTION_MAX: usize = 300;

#[derive(Queryable, Clone, Debug)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub name_key: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

/// A group with how many people are in it.
#[derive(Clone, Debug)]
pub struct GroupSummary {
    pub group: Group,
    pub members: i64,
}

impl GroupSummary {
    pub fn member_count(&self) -> i64 {
        self.members
    }
}

/// A group's name as typed: 1–60 characters, no control characters; unique ignoring case.
pub fn check_name(input: &str) -> Result<(String, String), &'static str> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err("err-member-group-name-empty")
    } else if name.chars().count() > NAME_MAX {
        Err("err-group-name-long")
    } else if name.chars().any(char::is_control) {
        Err("err-group-name-chars")
    } else {
        let key = name.to_lowercase();
        Ok((name, key))
    }
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Group>> {
    member_groups::table.order(member_groups::name_key.asc()).load(conn)
}

/// Every group with its member count, in two queries.
pub fn summaries(conn: &mut DbConn) -> QueryResult<Vec<GroupSummary>> {
    let groups = all(conn)?;
    let counts: Vec<(i64, i64)> = group_members::table
        .group_by(group_members::group_id)
        .select((group_members::group_id, diesel::dsl::count(group_members::user_id)))
        .load(conn)?;
    Ok(groups
        .into_iter()
        .map(|g| {
            let members = counts.iter().find(|(id, _)| *id == g.id).map(|(_, n)| *n).unwrap_or(0);
            GroupSummary { group: g, members }
        })
        .collect())
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Group>> {
    member_groups::table.find(id).first(conn).optional()
}

pub fn find_by_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<Group>> {
    member_groups::table.filter(member_groups::name_key.eq(key)).first(conn).optional()
}

/// Create a group; `None` when the name is taken.
pub fn create(tx: &mut Tx<'_>, name: &str, key: &str, description: &str) -> QueryResult<Option<i64>> {
    if find_by_key(tx, key)?.is_some() {
        return Ok(None);
    }
    let id = diesel::insert_into(member_groups::table)
        .values((
            member_groups::name.eq(name),
            member_groups::name_key.eq(key),
            member_groups::description.eq(description),
            member_groups::created_at.eq(crate::now()),
        ))
        .returning(member_groups::id)
        .get_result(tx.conn())?;
    Ok(Some(id))
}

/// Rename or describe a group; false when the new name belongs to another group.
pub fn update(tx: &mut Tx<'_>, id: i64, name: &str, key: &str, description: &str) -> QueryResult<bool> {
    if find_by_key(tx, key)?.is_some_and(|g| g.id != id) {
        return Ok(false);
    }
    diesel::update(member_groups::table.find(id))
        .set((
            member_groups::name.eq(name),
            member_groups::name_key.eq(key),
            member_groups::description.eq(description),
        ))
        .execute(tx.conn())?;
    Ok(true)
}

/// Delete a group: it leaves every board's access, and its members lose what only it opened
/// to them (their subscriptions there are dropped, and they are told).
pub fn delete(tx: &mut Tx<'_>, id: i64) -> QueryResult<()> {
    let members: Vec<i64> = group_members::table
        .filter(group_members::group_id.eq(id))
        .order(group_members::user_id.asc())
        .select(group_members::user_id)
        .load(tx.conn())?;
    for user_id in &members {
        hold_person(tx, *user_id)?;
    }
    crate::policy::forget_group(tx, id)?;
    diesel::delete(member_groups::table.find(id)).execute(tx.conn())?;
    for user_id in members {
        crate::jobs::recheck_subscriptions(tx, crate::jobs::Recheck::User(user_id))?;
    }
    Ok(())
}

/// A group's members, by name.
pub fn members(conn: &mut DbConn, group_id: i64) -> QueryResult<Vec<(i64, AuthorView, NaiveDateTime)>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime)> = group_members::table
        .inner_join(users::table)
        .filter(group_members::group_id.eq(group_id))
        .order(users::username_key.asc())
        .select((users::id, users::username, users::display_name, users::roles, group_members::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, username, display_name, roles, at)| (id, AuthorView::from_row(username, display_name, &roles), at))
        .collect())
}

/// A person's groups change: their row is held, so the change waits for the units of work that
/// checked their old groups (`Guard::fresh` holds it shared) and its re-check sees what they did.
fn hold_person(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<()> {
    tx.lock("users", "id", user_id)
}

/// Put someone in a group; false when they were in it already.
pub fn add_member(tx: &mut Tx<'_>, group_id: i64, user_id: i64) -> QueryResult<bool> {
    let added = ignore_duplicate(tx, |conn| {
        diesel::insert_into(group_members::table)
            .values((
                group_members::group_id.eq(group_id),
                group_members::user_id.eq(user_id),
                group_members::created_at.eq(crate::now()),
            ))
            .execute(conn)
    })?;
    Ok(added == 1)
}

/// Take someone out of a group; what only the group let them read, they no longer follow.
pub fn remove_member(tx: &mut Tx<'_>, group_id: i64, user_id: i64) -> QueryResult<()> {
    hold_person(tx, user_id)?;
    let removed = diesel::delete(
        group_members::table.filter(group_members::group_id.eq(group_id)).filter(group_members::user_id.eq(user_id)),
    )
    .execute(tx.conn())?;
    if removed > 0 {
        crate::jobs::recheck_subscriptions(tx, crate::jobs::Recheck::User(user_id))?;
    }
    Ok(())
}

/// The groups a person is in (their settings page).
pub fn of_user(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<Group>> {
    group_members::table
        .inner_join(member_groups::table)
        .filter(group_members::user_id.eq(user_id))
        .order(member_groups::name_key.asc())
        .select(member_groups::all_columns)
        .load(conn)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names() {
        assert_eq!(super::check_name("  Beta   testers "), Ok(("Beta testers".into(), "beta testers".into())));
        assert_eq!(super::check_name(" "), Err("err-member-group-name-empty"));
        assert_eq!(super::check_name(&"x".repeat(61)), Err("err-group-name-long"));
        assert_eq!(super::check_name("a\u{7}b"), Err("err-group-name-chars"));
        assert_eq!(super::check_name("企业客户"), Ok(("企业客户".into(), "企业客户".into())));
    }
}
