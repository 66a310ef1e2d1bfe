//! In-site notifications: a row per event for a user, an unread count in the header, a page.

pub mod handlers;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::{AuthorView, Role};
use crate::db::DbConn;
use crate::db::schema::{contents, notifications, users};

pub const KIND_COMMENT: &str = "comment";
pub const KIND_REPLY: &str = "reply";
pub const KIND_TOPIC_REPLY: &str = "topic_reply";
pub const KIND_FOLLOWED_REPLY: &str = "followed_reply";
pub const KIND_NEW_TOPIC: &str = "new_topic";
pub const KIND_QUOTE: &str = "quote";
pub const KIND_MENTION: &str = "mention";
pub const KIND_ACCEPTED: &str = "accepted";
pub const KIND_IDEA_STATUS: &str = "idea_status";
pub const KIND_RESPONSE: &str = "response";

/// Record a notification and, for people who asked for e-mail, queue its copy in the outbox
/// (same transaction: a notification is never e-mailed twice or lost).
pub fn create(
    conn: &mut DbConn,
    user_id: i64,
    kind: &str,
    actor_id: Option<i64>,
    content_id: Option<i64>,
) -> QueryResult<()> {
    diesel::insert_into(notifications::table)
        .values((
            notifications::user_id.eq(user_id),
            notifications::kind.eq(kind),
            notifications::actor_id.eq(actor_id),
            notifications::content_id.eq(content_id),
            notifications::created_at.eq(crate::now()),
        ))
        .execute(conn)?;
    let (email, locale, wants_mail, suspended): (String, Option<String>, bool, Option<NaiveDateTime>) = users::table
        .find(user_id)
        .select((users::email, users::locale, users::email_notifications, users::suspended_at))
        .first(conn)?;
    if wants_mail && suspended.is_none() {
        queue_mail(conn, &email, locale.as_deref(), kind, actor_id, content_id)?;
    }
    Ok(())
}

/// The e-mail copy of a notification, in the recipient's language.
fn queue_mail(
    conn: &mut DbConn,
    email: &str,
    locale: Option<&str>,
    kind: &str,
    actor_id: Option<i64>,
    content_id: Option<i64>,
) -> QueryResult<()> {
    let lang = locale.and_then(crate::web::Lang::from_code).unwrap_or_default();
    let actor = match actor_id {
        Some(a) => users::table
            .find(a)
            .select((users::username, users::display_name))
            .first::<(String, String)>(conn)
            .optional()?,
        None => None,
    };
    let actor = actor.map(|(u, d)| if d.is_empty() { u } else { d }).unwrap_or_default();
    let message = lang.ta(message_key(kind), &[("actor", actor)]);
    let (excerpt, path) = match content_id {
        Some(c) => {
            let excerpt: String = contents::table.find(c).select(contents::excerpt).first(conn)?;
            (excerpt, crate::content::paths_for(conn, &[c])?.remove(&c).unwrap_or_else(|| "/notifications".into()))
        }
        None => (String::new(), "/notifications".into()),
    };
    let base = crate::jobs::BASE_URL_TOKEN;
    let footer = lang.t("mail-footer");
    let body = format!("{message}\n\n{excerpt}\n\n{base}{path}\n\n-- \n{footer}\n{base}/settings\n");
    crate::jobs::enqueue(conn, email, &message, &body)
}

pub fn unread_count(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

#[derive(Clone, Debug)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub actor: Option<AuthorView>,
    pub excerpt: String,
    pub path: String,
    pub created_at: NaiveDateTime,
    pub unread: bool,
}

impl NotificationView {
    /// Catalog key describing the event.
    pub fn message_key(&self) -> &'static str {
        message_key(&self.kind)
    }
}

/// Catalog key describing an event of a kind.
pub fn message_key(kind: &str) -> &'static str {
    match kind {
        KIND_COMMENT => "notif-comment",
        KIND_REPLY => "notif-reply",
        KIND_TOPIC_REPLY => "notif-topic-reply",
        KIND_FOLLOWED_REPLY => "notif-followed-reply",
        KIND_NEW_TOPIC => "notif-new-topic",
        KIND_QUOTE => "notif-quote",
        KIND_MENTION => "notif-mention",
        KIND_ACCEPTED => "notif-accepted",
        KIND_IDEA_STATUS => "notif-idea-status",
        KIND_RESPONSE => "notif-response",
        _ => "notif-other",
    }
}

pub const PAGE_SIZE: i64 = 30;

type ListRow = (
    i64,
    String,
    Option<NaiveDateTime>,
    NaiveDateTime,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A page of notifications, newest first, in three queries whatever the page size.
pub fn list(conn: &mut DbConn, user_id: i64, page: i64) -> QueryResult<(Vec<NotificationView>, i64)> {
    let total: i64 = notifications::table.filter(notifications::user_id.eq(user_id)).count().get_result(conn)?;
    let rows: Vec<ListRow> = notifications::table
        .left_join(users::table.on(notifications::actor_id.eq(users::id.nullable())))
        .left_join(contents::table.on(notifications::content_id.eq(contents::id.nullable())))
        .filter(notifications::user_id.eq(user_id))
        .order(notifications::id.desc())
        .limit(PAGE_SIZE)
        .offset((page.max(1) - 1) * PAGE_SIZE)
        .select((
            notifications::id,
            notifications::kind,
            notifications::read_at,
            notifications::created_at,
            notifications::content_id,
            users::username.nullable(),
            users::display_name.nullable(),
            users::role.nullable(),
            contents::excerpt.nullable(),
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.4).collect();
    let paths = crate::content::paths_for(conn, &ids)?;
    let views = rows
        .into_iter()
        .map(|(id, kind, read_at, created_at, content_id, username, display_name, role, excerpt)| NotificationView {
            id,
            kind,
            actor: username.map(|username| AuthorView {
                username,
                display_name: display_name.unwrap_or_default(),
                role: role.as_deref().and_then(Role::parse).unwrap_or(Role::Member),
            }),
            excerpt: excerpt.unwrap_or_default(),
            path: content_id.and_then(|c| paths.get(&c).cloned()).unwrap_or_else(|| "/notifications".into()),
            created_at,
            unread: read_at.is_none(),
        })
        .collect();
    Ok((views, total))
}

pub fn mark_all_read(conn: &mut DbConn, user_id: i64) -> QueryResult<usize> {
    diesel::update(
        notifications::table.filter(notifications::user_id.eq(user_id)).filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(crate::now())))
    .execute(conn)
}

/// Mark one read and return where it points (for the click-through link).
pub fn open(conn: &mut DbConn, user_id: i64, id: i64) -> QueryResult<Option<String>> {
    let row: Option<Option<i64>> = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id))
        .select(notifications::content_id)
        .first(conn)
        .optional()?;
    let Some(content_id) = row else { return Ok(None) };
    diesel::update(notifications::table.find(id)).set(notifications::read_at.eq(Some(crate::now()))).execute(conn)?;
    let path = match content_id {
        Some(c) => crate::content::paths_for(conn, &[c])?.remove(&c),
        None => None,
    };
    Ok(Some(path.unwrap_or_else(|| "/notifications".into())))
}
