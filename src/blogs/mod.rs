//! The enterprise blog, staff blogs and community blogs, and their posts.

pub mod handlers;
pub mod queries;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::{AuthorView, CurrentUser};
use crate::content::SafeHtml;
use crate::content::tags::TagView;
use crate::db::schema::blogs;

pub const KIND_ENTERPRISE: &str = "enterprise";
pub const KIND_STAFF: &str = "staff";
pub const KIND_COMMUNITY: &str = "community";

/// The enterprise blog's slug (it is served at `/blog`).
pub const ENTERPRISE_SLUG: &str = "company";

#[derive(Queryable, Identifiable, Clone, Debug)]
#[diesel(table_name = blogs)]
pub struct Blog {
    pub id: i64,
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub owner_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Blog {
    pub fn is_enterprise(&self) -> bool {
        self.kind == KIND_ENTERPRISE
    }

    pub fn path(&self) -> String {
        blog_path(&self.kind, &self.slug)
    }

    pub fn feed_base(&self) -> String {
        format!("{}/feed", self.path())
    }

    /// Catalog key naming the kind of blog.
    pub fn kind_key(&self) -> &'static str {
        match self.kind.as_str() {
            KIND_ENTERPRISE => "blog-kind-enterprise",
            KIND_STAFF => "blog-kind-staff",
            _ => "blog-kind-community",
        }
    }
}

pub fn blog_path(kind: &str, slug: &str) -> String {
    if kind == KIND_ENTERPRISE { "/blog".to_string() } else { format!("/blogs/{}", crate::web::path_segment(slug)) }
}

/// A post as lists show it.
#[derive(Clone, Debug)]
pub struct PostCard {
    pub id: i64,
    pub title: String,
    pub path: String,
    pub excerpt: String,
    pub author: AuthorView,
    pub blog_title: String,
    pub blog_path: String,
    pub blog_kind: String,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
    pub is_draft: bool,
    pub comment_count: i32,
    pub cover_url: String,
    pub tags: Vec<TagView>,
}

impl PostCard {
    pub fn date(&self) -> NaiveDateTime {
        self.published_at.unwrap_or(self.updated_at)
    }

    pub fn is_enterprise(&self) -> bool {
        self.blog_kind == KIND_ENTERPRISE
    }

    /// The language the post is written in, for the `lang` attribute.
    pub fn lang(&self) -> &'static str {
        crate::content::text_lang(&self.title)
    }

    pub fn comments(&self) -> i64 {
        i64::from(self.comment_count)
    }
}

/// A post's page.
#[derive(Clone, Debug)]
pub struct PostPage {
    pub card: PostCard,
    pub blog: Blog,
    pub author_id: i64,
    pub slug: String,
    pub body_html: SafeHtml,
    pub body_md: String,
    pub excerpt_md: String,
    pub edited_at: Option<NaiveDateTime>,
    pub comments_enabled: bool,
}

/// Who may write in a blog: the enterprise blog's authorised authors (who must be staff);
/// a staff blog's owner while still staff; a community blog's owner and co-authors.
pub fn can_write(blog: &Blog, user: &CurrentUser, is_author: bool) -> bool {
    match blog.kind.as_str() {
        KIND_ENTERPRISE => is_author && user.role.is_staff(),
        KIND_STAFF => blog.owner_id == Some(user.id) && user.role.is_staff(),
        _ => blog.owner_id == Some(user.id) || is_author,
    }
}

/// Who may change a blog's title, description, blogroll (and, for the enterprise blog, its authors).
pub fn can_manage(blog: &Blog, user: &CurrentUser) -> bool {
    if blog.is_enterprise() { user.role.is_admin() } else { blog.owner_id == Some(user.id) || user.role.is_admin() }
}
