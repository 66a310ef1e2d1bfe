//! Users, roles, sessions, passwords, login rate limits and the account pages.

pub mod admin;
pub mod domain;
pub mod handlers;
pub mod password;
pub mod queries;
pub mod ratelimit;
pub mod sessions;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Member,
    Employee,
    Moderator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Member, Role::Employee, Role::Moderator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Employee => "employee",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Employees and admins speak for the company and carry the staff badge.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Employee | Role::Admin)
    }

    pub fn can_moderate(self) -> bool {
        matches!(self, Role::Moderator | Role::Admin)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }

    /// Catalog key of the role's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Member => "role-member",
            Role::Employee => "role-employee",
            Role::Moderator => "role-moderator",
            Role::Admin => "role-admin",
        }
    }
}

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
    pub role: String,
    pub suspended_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub email_notifications: bool,
}

impl User {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Member)
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
    pub role: &'a str,
    pub locale: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// How a person is shown next to what they wrote: name, profile link and badge.
#[derive(Clone, Debug)]
pub struct AuthorView {
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

impl AuthorView {
    pub fn name(&self) -> &str {
        if self.display_name.is_empty() { &self.username } else { &self.display_name }
    }

    pub fn url(&self) -> String {
        format!("/u/{}", crate::web::urlencode(&self.username))
    }

    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub fn is_moderator(&self) -> bool {
        self.role == Role::Moderator
    }
}

impl From<&User> for AuthorView {
    fn from(u: &User) -> Self {
        AuthorView { username: u.username.clone(), display_name: u.display_name.clone(), role: u.role() }
    }
}

/// The logged-in user of a request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The user's chosen UI language, if any.
    pub locale: Option<String>,
}

impl From<&User> for CurrentUser {
    fn from(u: &User) -> Self {
        CurrentUser {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role(),
            locale: u.locale.clone(),
        }
    }
}

impl CurrentUser {
    pub fn name(&self) -> &str {
        if self.display_name.is_empty() { &self.username } else { &self.display_name }
    }
}
