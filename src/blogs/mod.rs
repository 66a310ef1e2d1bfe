//! The enterprise blog, staff blogs and community blogs, and their posts.

pub mod editor;
pub mod feeds;
pub mod kind;
pub mod pages;
pub mod podcast;
pub mod queries;
pub mod settings;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::AuthorView;
use crate::content::SafeHtml;
use crate::content::tags::TagView;
use crate::db::schema::blogs;
use crate::policy::{BlogFacts, BlogKind};

/// `contents.kind` of a blog post.
pub const KIND_POST: &str = "post";

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
    /// Published posts, kept by the unit of work (`blogs::kind::PostKind::sync_counts`).
    pub post_count: i32,
    pub last_post_at: Option<NaiveDateTime>,
}

impl Blog {
    pub fn is_enterprise(&self) -> bool {
        self.kind == KIND_ENTERPRISE
    }

    pub fn path(&self) -> String {
        blog_path(&self.kind, &self.slug)
    }

    /// What the policy needs to know about this blog, for a viewer who is (or is not) one of
    /// its authors now.
    pub fn facts(&self, viewer_is_author: bool) -> BlogFacts {
        let kind = match self.kind.as_str() {
            KIND_ENTERPRISE => BlogKind::Enterprise,
            KIND_STAFF => BlogKind::Staff,
            _ => BlogKind::Community,
        };
        BlogFacts { kind, owner_id: self.owner_id, viewer_is_author }
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

/// Path of a post, given its blog's kind and slug and its own slug.
pub fn post_path(blog_kind: &str, blog_slug: &str, post_slug: &str) -> String {
    if blog_kind == KIND_ENTERPRISE {
        format!("/blog/{}", crate::web::path_segment(post_slug))
    } else {
        format!("/blogs/{}/{}", crate::web::path_segment(blog_slug), crate::web::path_segment(post_slug))
    }
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
        crate::content::piece_lang(&self.title, &self.excerpt)
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
    /// The content row: state, audience, author, counts.
    pub content: crate::content::Content,
    pub slug: String,
    pub body_html: SafeHtml,
    pub excerpt_md: String,
}

impl PostPage {
    pub fn author_id(&self) -> i64 {
        self.content.author_id
    }

    pub fn comments_enabled(&self) -> bool {
        self.content.comments_open
    }

    pub fn edited_at(&self) -> Option<NaiveDateTime> {
        self.content.edited_at
    }

    pub fn facts(&self) -> crate::policy::ContentFacts {
        self.content.facts()
    }
}
