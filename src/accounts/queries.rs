//! SQL about users. Every function takes `&mut DbConn` so callers can compose them in one transaction.

use diesel::prelude::*;

use super::{NewUser, Role, Roles, User};
use crate::db::schema::users;
use crate::db::{DbConn, Tx, is_unique_violation, lower};

/// Why a user could not be created or renamed.
#[derive(Debug)]
pub enum UserWriteError {
    /// A field-level problem: (field, catalog key).
    Field(&'static str, &'static str),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for UserWriteError {
    fn from(e: diesel::result::Error) -> Self {
        UserWriteError::Db(e)
    }
}

/// Map a unique violation to the field it concerns. PostgreSQL names the constraint;
/// SQLite only names the column in its message.
fn unique_field(e: &diesel::result::Error) -> Option<(&'static str, &'static str)> {
    if let diesel::result::Error::DatabaseError(_, info) = e
        && is_unique_violation(e)
    {
        let text = format!("{} {}", info.message(), info.constraint_name().unwrap_or(""));
        if text.contains("email") {
            return Some(("email", "err-email-taken"));
        }
        if text.contains("username") {
            return Some(("username", "err-username-taken"));
        }
    }
    None
}

pub struct CreateUser<'a> {
    pub username: &'a super::domain::Username,
    pub email: &'a super::domain::Email,
    pub password_hash: &'a str,
    pub roles: Roles,
    pub locale: Option<&'a str>,
    /// Made by someone who vouches for the address (set-up, the command line): no link needed.
    pub email_verified: bool,
}

pub fn create(tx: &mut Tx<'_>, input: CreateUser<'_>) -> Result<User, UserWriteError> {
    let now = crate::now();
    let username_key = input.username.key();
    let username_skeleton = input.username.skeleton();
    let email_key = input.email.key();
    // Check first for a friendly answer; the unique indexes still guard against races.
    if find_by_key(tx, &username_key)?.is_some() {
        return Err(UserWriteError::Field("username", "err-username-taken"));
    }
    if users::table.filter(users::username_skeleton.eq(&username_skeleton)).count().get_result::<i64>(tx.conn())? > 0 {
        return Err(UserWriteError::Field("username", "err-username-lookalike"));
    }
    if users::table.filter(users::email_key.eq(&email_key)).count().get_result::<i64>(tx.conn())? > 0 {
        return Err(UserWriteError::Field("email", "err-email-taken"));
    }
    let row = NewUser {
        username: input.username.as_str(),
        username_key: &username_key,
        email: input.email.as_str(),
        email_key: &email_key,
        password_hash: input.password_hash,
        display_name: "",
        roles: &input.roles.to_db(),
        locale: input.locale,
        created_at: now,
        updated_at: now,
        email_verified_at: input.email_verified.then_some(now),
        username_skeleton: &username_skeleton,
        trust_level: 0,
    };
    let id: i64 =
        diesel::insert_into(users::table).values(&row).returning(users::id).get_result(tx.conn()).map_err(|e| {
            match unique_field(&e) {
                Some((f, k)) => UserWriteError::Field(f, k),
                None => UserWriteError::Db(e),
            }
        })?;
    let user = users::table.find(id).first::<User>(tx.conn())?;
    if input.roles.is_staff() {
        crate::blogs::queries::ensure_staff_blog(tx, &user)?;
    }
    tx.touch_person(id);
    Ok(user)
}

/// Does the site have any account yet? Asks whether a row exists, never counts the table.
pub fn any(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(users::table.select(users::id))).get_result(conn)
}

/// Is there an administrator (else every route leads to set-up)?
pub fn admin_exists(conn: &mut DbConn) -> QueryResult<bool> {
    // Role names are distinct words, none inside another.
    diesel::select(diesel::dsl::exists(users::table.filter(users::roles.like("%admin%")).select(users::id)))
        .get_result(conn)
}

/// Fill the look-alike key of accounts made before it existed. A name whose key another account
/// already holds keeps none (both stay; new look-alikes of either are refused).
pub fn backfill_skeletons(conn: &mut DbConn) -> QueryResult<usize> {
    let rows: Vec<(i64, String)> = users::table
        .filter(users::username_skeleton.eq(""))
        .select((users::id, users::username))
        .order(users::id.asc())
        .load(conn)?;
    let mut filled = 0;
    for (id, name) in rows {
        let key = super::domain::skeleton(&name);
        filled += crate::db::write(conn, |tx| {
            crate::db::ignore_duplicate(tx, |c| {
                diesel::update(users::table.find(id)).set(users::username_skeleton.eq(&key)).execute(c)
            })
        })?;
    }
    Ok(filled)
}

/// The names staff are known by (usernames and display names of employees, moderators and
/// admins): what a member's display name may not look like.
pub fn staff_names(conn: &mut DbConn, except: i64) -> QueryResult<Vec<String>> {
    let rows: Vec<(String, String)> = users::table
        .filter(users::roles.ne(""))
        .filter(users::id.ne(except))
        .select((users::username, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().flat_map(|(u, d)| [u, d]).filter(|n| !n.is_empty()).collect())
}

pub fn find_by_email(conn: &mut DbConn, email_key: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::email_key.eq(email_key)).first(conn).optional()
}

pub fn set_email_verified(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<()> {
    diesel::update(users::table.find(user_id).filter(users::email_verified_at.is_null()))
        .set(users::email_verified_at.eq(Some(crate::now())))
        .execute(tx.conn())?;
    Ok(())
}

/// Change a person's address (confirmed by a link sent to it): it counts as verified.
pub fn set_email(tx: &mut Tx<'_>, user_id: i64, email: &super::domain::Email) -> Result<(), UserWriteError> {
    let now = crate::now();
    diesel::update(users::table.find(user_id))
        .set((
            users::email.eq(email.as_str()),
            users::email_key.eq(email.key()),
            users::email_verified_at.eq(Some(now)),
            users::updated_at.eq(now),
        ))
        .execute(tx.conn())
        .map_err(|e| match unique_field(&e) {
            Some((f, k)) => UserWriteError::Field(f, k),
            None => UserWriteError::Db(e),
        })?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<User>> {
    users::table.find(id).first(conn).optional()
}

/// Several people at once.
pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<User>> {
    users::table.filter(users::id.eq_any(ids)).load(conn)
}

pub fn find_by_key(conn: &mut DbConn, username_key: &str) -> QueryResult<Option<User>> {
    users::table.filter(users::username_key.eq(username_key)).first(conn).optional()
}

/// Find by username or e-mail, as typed on the login form.
pub fn find_for_login(conn: &mut DbConn, login: &str) -> QueryResult<Option<User>> {
    let key = login.trim().to_lowercase();
    users::table.filter(users::username_key.eq(&key).or(users::email_key.eq(&key))).first(conn).optional()
}

pub struct ProfileChanges<'a> {
    pub display_name: &'a str,
    pub bio_md: &'a str,
    pub bio_html: &'a crate::content::SafeHtml,
    pub locale: Option<&'a str>,
    pub time_zone: Option<&'a str>,
    pub email_notifications: bool,
}

pub fn update_profile(tx: &mut Tx<'_>, user_id: i64, c: ProfileChanges<'_>) -> QueryResult<()> {
    {
        diesel::update(users::table.find(user_id))
            .set((
                users::display_name.eq(c.display_name),
                users::bio_md.eq(c.bio_md),
                users::bio_html.eq(c.bio_html.as_str()),
                users::locale.eq(c.locale),
                users::time_zone.eq(c.time_zone),
                users::email_notifications.eq(c.email_notifications),
                users::updated_at.eq(crate::now()),
            ))
            .execute(tx.conn())?;
        tx.touch_person(user_id);
        // A name, badge or standing shows wherever they wrote.
        tx.stale_everything();
        Ok(())
    }
}

pub fn set_locale(tx: &mut Tx<'_>, user_id: i64, locale: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id)).set(users::locale.eq(locale)).execute(tx.conn())?;
    Ok(())
}

pub fn set_password_hash(tx: &mut Tx<'_>, user_id: i64, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(crate::now())))
        .execute(tx.conn())?;
    Ok(())
}

/// Change a person's roles. Granting employee (or admin) gives them their own staff blog.
/// Losing a role that opened boards to them drops what they followed there (a job: it may be
/// many subscriptions), and they are told.
pub fn set_roles(tx: &mut Tx<'_>, user_id: i64, roles: Roles) -> QueryResult<()> {
    let before = users::table.find(user_id).first::<User>(tx.conn())?.roles();
    if before == roles {
        return Ok(());
    }
    diesel::update(users::table.find(user_id))
        .set((users::roles.eq(roles.to_db()), users::updated_at.eq(crate::now())))
        .execute(tx.conn())?;
    let user = users::table.find(user_id).first::<User>(tx.conn())?;
    if roles.is_staff() {
        crate::blogs::queries::ensure_staff_blog(tx, &user)?;
    }
    if before.iter().any(|r| !roles.has(r)) {
        crate::jobs::recheck_subscriptions(tx, crate::jobs::Recheck::User(user_id))?;
    }
    tx.touch_person(user_id);
    // A name, badge or standing shows wherever they wrote.
    tx.stale_everything();
    Ok(())
}

pub const ADMIN_PAGE_SIZE: i64 = 25;

/// Users for the admin list: optional search over username, display name and e-mail, newest first.
pub fn search(conn: &mut DbConn, q: &str, role: Option<Role>, page: i64) -> QueryResult<(Vec<User>, i64)> {
    let pattern = format!("%{}%", escape_like(&q.trim().to_lowercase()));
    let build = || {
        let mut query = users::table.into_boxed();
        if !q.trim().is_empty() {
            query = query.filter(
                users::username_key
                    .like(pattern.clone())
                    .escape('\\')
                    .or(users::email_key.like(pattern.clone()).escape('\\'))
                    .or(lower(users::display_name).like(pattern.clone()).escape('\\')),
            );
        }
        match role {
            // Role names are distinct words, none inside another.
            Some(r) if r != Role::Member => query = query.filter(users::roles.like(format!("%{}%", r.as_str()))),
            Some(_) => query = query.filter(users::roles.eq("")),
            None => {}
        }
        query
    };
    let total: i64 = build().count().get_result(conn)?;
    let rows = build()
        .order(users::id.desc())
        .limit(ADMIN_PAGE_SIZE)
        .offset((page.max(1) - 1) * ADMIN_PAGE_SIZE)
        .load(conn)?;
    Ok((rows, total))
}

/// Escape `%`, `_` and `\` for a LIKE pattern (with ESCAPE '\').
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
