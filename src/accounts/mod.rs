//! Users, roles, sessions, passwords, login rate limits and the account pages.

pub mod admin;
pub mod domain;
pub mod gate;
pub mod group_pages;
pub mod groups;
pub mod handlers;
pub mod mutes;
pub mod own_data;
pub mod password;
pub mod queries;
pub mod ratelimit;
pub mod recovery;
pub mod sessions;
pub mod tokens;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;

pub use crate::policy::{Role, Roles};

#[derive(Queryable, Identifiable, Clone, Debug)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub username_key: String,
    pub email: String,
    pub email_key: String,
    pub password_hash: String,
    pub display_name: String,
    pub bio_md: String,
    pub bio_html: String,
    pub locale: Option<String>,
    pub suspended_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub email_notifications: bool,
    /// The stored role set; read it with `roles()`.
    pub roles: String,
    /// The member's time zone (an IANA name); the site's when unset.
    pub time_zone: Option<String>,
    /// When the person opened the link sent to their address (None: not yet).
    pub email_verified_at: Option<NaiveDateTime>,
    /// `domain::skeleton` of the username: look-alike names share it.
    pub username_skeleton: String,
    /// The media item shown as their picture.
    pub avatar_media_id: Option<i64>,
    /// When a suspension with an end is over (None with `suspended_at` set: permanent).
    pub suspended_until: Option<NaiveDateTime>,
    /// Silenced: reads, does not post (`silenced_until`: when it is over).
    pub silenced_at: Option<NaiveDateTime>,
    pub silenced_until: Option<NaiveDateTime>,
    /// 0 new … 4 leader (`moderation::trust`).
    pub trust_level: i32,
    /// Set by staff: not recomputed.
    pub trust_locked: bool,
}

impl User {
    pub fn roles(&self) -> Roles {
        Roles::parse(&self.roles)
    }

    pub fn name(&self) -> &str {
        if self.display_name.is_empty() { &self.username } else { &self.display_name }
    }
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub username_key: &'a str,
    pub email: &'a str,
    pub email_key: &'a str,
    pub password_hash: &'a str,
    pub display_name: &'a str,
    pub roles: &'a str,
    pub locale: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub email_verified_at: Option<NaiveDateTime>,
    pub username_skeleton: &'a str,
    /// New accounts start at trust level 0.
    pub trust_level: i32,
}

/// How a person is shown next to what they wrote: name, profile link and badge.
#[derive(Clone, Debug)]
pub struct AuthorView {
    pub username: String,
    pub display_name: String,
    pub roles: Roles,
    /// The account was deleted: shown as "deleted member", without a link.
    pub deleted: bool,
}

impl AuthorView {
    pub fn name(&self) -> &str {
        if self.display_name.is_empty() { &self.username } else { &self.display_name }
    }

    pub fn url(&self) -> String {
        format!("/u/{}", crate::web::urlencode(&self.username))
    }

    /// Employees and admins: the staff badge.
    pub fn is_staff(&self) -> bool {
        self.roles.is_staff()
    }

    /// Moderators who are not staff carry the moderator badge instead (one badge each).
    pub fn is_moderator(&self) -> bool {
        self.roles.has(Role::Moderator) && !self.roles.is_staff()
    }

    /// Moderators and admins: every member can be reached by them (they cannot be muted).
    pub fn can_moderate(&self) -> bool {
        self.roles.can_moderate()
    }

    /// The role a profile names.
    pub fn role(&self) -> Role {
        self.roles.headline()
    }
}

impl AuthorView {
    /// From the columns list queries select (username, display name, stored roles).
    pub fn from_row(username: String, display_name: String, roles: &str) -> Self {
        AuthorView { username, display_name, roles: Roles::parse(roles), deleted: own_data::is_deleted(roles) }
    }
}

impl From<&User> for AuthorView {
    fn from(u: &User) -> Self {
        AuthorView {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            roles: u.roles(),
            deleted: own_data::is_deleted(&u.roles),
        }
    }
}

/// The logged-in user of a request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Roles,
    /// The groups the user belongs to (for the policy's audiences).
    pub groups: Vec<i64>,
    /// The user's chosen UI language, if any.
    pub locale: Option<String>,
    /// The user's chosen time zone (an IANA name), if any.
    pub time_zone: Option<String>,
    /// Has the person confirmed their e-mail address?
    pub email_verified: bool,
    /// Silenced by a moderator: reads, does not post.
    pub silenced: bool,
}

impl CurrentUser {
    pub fn name(&self) -> &str {
        if self.display_name.is_empty() { &self.username } else { &self.display_name }
    }

    pub fn viewer(&self) -> crate::policy::Viewer {
        crate::policy::Viewer::member(self.id, self.roles, self.groups.clone())
    }
}
