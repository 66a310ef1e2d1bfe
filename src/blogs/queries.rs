//! SQL for blogs and posts.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{
    Blog, ENTERPRISE_SLUG, KIND_COMMUNITY, KIND_ENTERPRISE, KIND_POST, KIND_STAFF, PostCard, PostPage, post_path,
};
use crate::accounts::{AuthorView, User};
use crate::content::{self, NewContent, PLACE_BLOG, Placement, STATUS_DRAFT, tags::TagName};
use crate::db::schema::{blog_authors, blogroll_links, blogs, contents, posts, slug_redirects, users};
use crate::db::{DbConn, Tx, ignore_duplicate};
use crate::policy::{Guard, PUBLIC_AUDIENCE};
use crate::web::Cursor;

pub fn ensure_enterprise_blog(tx: &mut Tx<'_>, site_name: &str) -> QueryResult<Blog> {
    if let Some(b) = blogs::table.filter(blogs::kind.eq(KIND_ENTERPRISE)).first::<Blog>(tx.conn()).optional()? {
        return Ok(b);
    }
    let now = crate::now();
    ignore_duplicate(tx, |conn| {
        diesel::insert_into(blogs::table)
            .values((
                blogs::kind.eq(KIND_ENTERPRISE),
                blogs::slug.eq(ENTERPRISE_SLUG),
                blogs::title.eq(site_name),
                blogs::description.eq(""),
                blogs::created_at.eq(now),
                blogs::updated_at.eq(now),
            ))
            .execute(conn)
    })?;
    blogs::table.filter(blogs::kind.eq(KIND_ENTERPRISE)).first(tx.conn())
}

pub fn enterprise_blog(conn: &mut DbConn) -> QueryResult<Blog> {
    blogs::table.filter(blogs::kind.eq(KIND_ENTERPRISE)).first(conn)
}

/// A free blog slug based on `base` (a username key), adding -2, -3… when taken.
fn free_slug(conn: &mut DbConn, base: &str) -> QueryResult<String> {
    let base = content::slug::slugify(base);
    let base = if base.is_empty() { "blog".to_string() } else { base };
    for n in 1..1000 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let taken: i64 = blogs::table.filter(blogs::slug.eq(&candidate)).count().get_result(conn)?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    Err(diesel::result::Error::NotFound)
}

fn create_owned_blog(tx: &mut Tx<'_>, user: &User, kind: &str) -> QueryResult<Blog> {
    let now = crate::now();
    let slug = free_slug(tx, &user.username_key)?;
    let id: i64 = diesel::insert_into(blogs::table)
        .values((
            blogs::kind.eq(kind),
            blogs::slug.eq(&slug),
            blogs::title.eq(user.name()),
            blogs::description.eq(""),
            blogs::owner_id.eq(Some(user.id)),
            blogs::created_at.eq(now),
            blogs::updated_at.eq(now),
        ))
        .returning(blogs::id)
        .get_result(tx.conn())?;
    ignore_duplicate(tx, |conn| {
        diesel::insert_into(blog_authors::table)
            .values((blog_authors::blog_id.eq(id), blog_authors::user_id.eq(user.id)))
            .execute(conn)
    })?;
    // The directory lists it, and the owner's profile links to it.
    tx.stale(content::listing::LISTS.to_string());
    tx.stale(content::listing::person_key(user.id));
    blogs::table.find(id).first(tx.conn())
}

/// Every employee has a personal blog, created when the role is granted. A member who had a
/// community blog keeps it, now shown as a staff blog.
pub fn ensure_staff_blog(tx: &mut Tx<'_>, user: &User) -> QueryResult<Blog> {
    if let Some(b) = owned_blog(tx, user.id)? {
        if b.kind != KIND_STAFF {
            diesel::update(blogs::table.find(b.id)).set(blogs::kind.eq(KIND_STAFF)).execute(tx.conn())?;
        }
        return blogs::table.find(b.id).first(tx.conn());
    }
    create_owned_blog(tx, user, KIND_STAFF)
}

/// An admin grants a community ("opinion leader") blog to a member.
pub fn grant_community_blog(tx: &mut Tx<'_>, user: &User) -> QueryResult<Blog> {
    if let Some(b) = owned_blog(tx, user.id)? {
        return Ok(b);
    }
    create_owned_blog(tx, user, KIND_COMMUNITY)
}

pub fn owned_blog(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<Blog>> {
    blogs::table.filter(blogs::owner_id.eq(user_id)).filter(blogs::kind.ne(KIND_ENTERPRISE)).first(conn).optional()
}

/// The personal blogs of many users, by owner id, in one query.
pub fn owned_blogs(conn: &mut DbConn, user_ids: &[i64]) -> QueryResult<HashMap<i64, Blog>> {
    let rows: Vec<Blog> =
        blogs::table.filter(blogs::owner_id.eq_any(user_ids)).filter(blogs::kind.ne(KIND_ENTERPRISE)).load(conn)?;
    Ok(rows.into_iter().filter_map(|b| b.owner_id.map(|o| (o, b))).collect())
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Blog>> {
    blogs::table.filter(blogs::slug.eq(slug)).first(conn).optional()
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Blog>> {
    blogs::table.find(id).first(conn).optional()
}

pub fn is_author(conn: &mut DbConn, blog_id: i64, user_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        blog_authors::table.filter(blog_authors::blog_id.eq(blog_id)).filter(blog_authors::user_id.eq(user_id)),
    ))
    .get_result(conn)
}

pub fn authors(conn: &mut DbConn, blog_id: i64) -> QueryResult<Vec<AuthorView>> {
    let rows: Vec<User> = blog_authors::table
        .inner_join(users::table)
        .filter(blog_authors::blog_id.eq(blog_id))
        .select(users::all_columns)
        .order(users::username_key.asc())
        .load(conn)?;
    Ok(rows.iter().map(AuthorView::from).collect())
}

pub fn add_author(tx: &mut Tx<'_>, blog_id: i64, user_id: i64) -> QueryResult<()> {
    ignore_duplicate(tx, |conn| {
        diesel::insert_into(blog_authors::table)
            .values((blog_authors::blog_id.eq(blog_id), blog_authors::user_id.eq(user_id)))
            .execute(conn)
    })?;
    Ok(())
}

/// Remove an author: from now on the policy no longer lets them write in the blog or change its
/// posts (including their own, on the enterprise blog).
pub fn remove_author(tx: &mut Tx<'_>, blog_id: i64, user_id: i64) -> QueryResult<()> {
    diesel::delete(
        blog_authors::table.filter(blog_authors::blog_id.eq(blog_id)).filter(blog_authors::user_id.eq(user_id)),
    )
    .execute(tx.conn())?;
    Ok(())
}

pub fn update_blog(tx: &mut Tx<'_>, blog_id: i64, title: &str, description: &str) -> QueryResult<()> {
    diesel::update(blogs::table.find(blog_id))
        .set((blogs::title.eq(title), blogs::description.eq(description), blogs::updated_at.eq(crate::now())))
        .execute(tx.conn())?;
    Ok(())
}

#[derive(Clone, Debug, Queryable)]
pub struct BlogrollLink {
    pub id: i64,
    pub blog_id: i64,
    pub title: String,
    pub url: String,
    pub position: i32,
}

pub fn blogroll(conn: &mut DbConn, blog_id: i64) -> QueryResult<Vec<BlogrollLink>> {
    blogroll_links::table
        .filter(blogroll_links::blog_id.eq(blog_id))
        .order((blogroll_links::position.asc(), blogroll_links::id.asc()))
        .load(conn)
}

pub fn set_blogroll(tx: &mut Tx<'_>, blog_id: i64, links: &[(String, String)]) -> QueryResult<()> {
    diesel::delete(blogroll_links::table.filter(blogroll_links::blog_id.eq(blog_id))).execute(tx.conn())?;
    for (i, (title, url)) in links.iter().enumerate() {
        diesel::insert_into(blogroll_links::table)
            .values((
                blogroll_links::blog_id.eq(blog_id),
                blogroll_links::title.eq(title),
                blogroll_links::url.eq(url),
                blogroll_links::position.eq(i as i32),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

#[derive(Clone, Debug)]
pub struct BlogSummary {
    pub blog: Blog,
    pub owner: Option<AuthorView>,
    pub post_count: i64,
    pub last_post_at: Option<NaiveDateTime>,
}

/// Keep each blog's count of published posts and its newest date in line with the posts a unit
/// of work touched: a post is counted once (`posts.counted`) while it is live. Posts are public,
/// so the count is the same for every reader.
pub fn sync_blog_counts(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<()> {
    let rows: Vec<(i64, i64, bool, bool, Option<NaiveDateTime>)> = posts::table
        .inner_join(contents::table)
        .filter(posts::content_id.eq_any(ids))
        .select((posts::content_id, posts::blog_id, posts::counted, contents::live, contents::published_at))
        .load(tx.conn())?;
    let mut blogs_changed = Vec::new();
    for (id, blog_id, counted, live, _) in rows {
        if counted == live {
            continue;
        }
        diesel::update(posts::table.find(id)).set(posts::counted.eq(live)).execute(tx.conn())?;
        diesel::update(blogs::table.find(blog_id))
            .set(blogs::post_count.eq(blogs::post_count + if live { 1 } else { -1 }))
            .execute(tx.conn())?;
        blogs_changed.push(blog_id);
    }
    blogs_changed.sort_unstable();
    blogs_changed.dedup();
    for blog_id in blogs_changed {
        // The newest is one step down the blog's index.
        let newest: Option<Option<NaiveDateTime>> = contents::table
            .filter(contents::place_kind.eq(content::PLACE_BLOG))
            .filter(contents::place_id.eq(blog_id))
            .filter(contents::kind.eq(KIND_POST))
            .filter(contents::live.eq(true))
            .order((contents::published_at.desc(), contents::id.desc()))
            .select(contents::published_at)
            .first(tx.conn())
            .optional()?;
        diesel::update(blogs::table.find(blog_id)).set(blogs::last_post_at.eq(newest.flatten())).execute(tx.conn())?;
    }
    Ok(())
}

/// All blogs of a kind with their owners and their published posts (counts kept on the blog
/// row: posts are public, so every reader sees the same), most recently active first, in one
/// query.
pub fn directory(conn: &mut DbConn, kind: &str) -> QueryResult<Vec<BlogSummary>> {
    let rows: Vec<(Blog, Option<User>)> = blogs::table
        .left_join(users::table.on(blogs::owner_id.eq(users::id.nullable())))
        .filter(blogs::kind.eq(kind))
        .select((blogs::all_columns, users::all_columns.nullable()))
        .order((blogs::last_post_at.desc(), blogs::title.asc()))
        .load(conn)?;
    let mut out: Vec<BlogSummary> = rows
        .into_iter()
        .map(|(blog, owner)| BlogSummary {
            owner: owner.as_ref().map(AuthorView::from),
            post_count: i64::from(blog.post_count),
            last_post_at: blog.last_post_at,
            blog,
        })
        .collect();
    // Active blogs first (PostgreSQL sorts NULL first in descending order; SQLite last).
    out.sort_by(|a, b| b.last_post_at.cmp(&a.last_post_at).then_with(|| a.blog.title.cmp(&b.blog.title)));
    Ok(out)
}

/// Which posts a list shows. Each filter walks its own index newest first (`contents_place_live_idx`
/// for a blog, `contents_list_idx` for a kind of blog, `contents_author_list_idx` for an author,
/// `contents_kind_live_idx` for the site), so a page reads its rows and no more.
#[derive(Clone, Debug, Default)]
pub struct PostFilter {
    pub blog_id: Option<i64>,
    pub blog_kind: Option<&'static str>,
    pub author_id: Option<i64>,
    /// Only these posts (those citing a post, those carrying a tag: found through their own
    /// index first).
    pub ids: Option<Vec<i64>>,
    /// Older than this (keyset paging).
    pub before: Option<Cursor>,
}

type CardRow = (
    i64,
    String,
    String,
    i64,
    Option<NaiveDateTime>,
    NaiveDateTime,
    String,
    String,
    i32,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

type PostQuery<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoinOn<
        diesel::dsl::InnerJoin<diesel::dsl::InnerJoin<posts::table, contents::table>, blogs::table>,
        users::table,
        diesel::dsl::Eq<users::id, contents::author_id>,
    >,
    crate::db::MultiBackend,
>;

/// Published posts the viewer may read that match a filter, newest first.
fn filtered<'a>(guard: &Guard, f: &PostFilter) -> PostQuery<'a> {
    let mut q = posts::table
        .inner_join(contents::table)
        .inner_join(blogs::table)
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .into_boxed()
        .filter(guard.content_filter());
    match &f.ids {
        // A handful of ids: looked up by id. (Joined to `posts`, they are posts; naming the kind
        // as well let SQLite, before it had statistics, walk every post through the kind index.)
        Some(ids) => q = q.filter(contents::id.eq_any(ids.clone())),
        None => q = q.filter(contents::kind.eq(KIND_POST)),
    }
    if let Some(b) = f.blog_id {
        q = q.filter(contents::place_kind.eq(PLACE_BLOG)).filter(contents::place_id.eq(b));
    }
    if let Some(k) = f.blog_kind {
        q = q.filter(contents::list_key.eq(list_key(k)));
    }
    if let Some(a) = f.author_id {
        q = q.filter(contents::author_id.eq(a));
    }
    if let Some(c) = f.before {
        q = q.filter(contents::published_at.lt(c.at).or(contents::published_at.eq(c.at).and(contents::id.lt(c.id))));
    }
    if f.ids.is_some() {
        // A handful of ids: fetched by id and put in order afterwards (`sort_newest_first`).
        // Ordered by date here, SQLite walked every post of the site newest first to find them.
        return q.order(contents::id.desc());
    }
    q.order((contents::published_at.desc(), contents::id.desc()))
}

/// Newest first, as lists show posts.
fn sort_newest_first(cards: &mut [PostCard]) {
    cards.sort_by_key(|c| std::cmp::Reverse((c.published_at, c.id)));
}

/// The list a post of this kind of blog is in (`contents.list_key`).
pub fn list_key(blog_kind: &str) -> String {
    format!("blog:{blog_kind}")
}

/// The ids of the newest posts the viewer may read that match a filter (feeds, which need no
/// cards).
pub fn post_ids(conn: &mut DbConn, guard: &Guard, f: &PostFilter, limit: i64) -> QueryResult<Vec<i64>> {
    filtered(guard, f).limit(limit).select(contents::id).load(conn)
}

/// Where each of the newest `limit` posts matching a filter stands (to turn an old page number
/// into a cursor).
pub fn post_cursors(conn: &mut DbConn, guard: &Guard, f: &PostFilter, limit: i64) -> QueryResult<Vec<Cursor>> {
    let rows: Vec<(i64, Option<NaiveDateTime>)> =
        filtered(guard, f).limit(limit).select((contents::id, contents::published_at)).load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, at)| at.map(|at| Cursor { at, id })).collect())
}

/// A page of post cards, newest first (posts with their authors, then their tags), and where
/// the next page starts when there is one.
pub fn list_posts(
    conn: &mut DbConn,
    guard: &Guard,
    f: &PostFilter,
    per_page: i64,
) -> QueryResult<(Vec<PostCard>, Option<Cursor>)> {
    let mut cards = load_cards(filtered(guard, f).limit(per_page + 1), conn)?;
    if f.ids.is_some() {
        sort_newest_first(&mut cards);
    }
    let next = if cards.len() as i64 > per_page {
        cards.truncate(per_page as usize);
        cards.last().and_then(|c| c.published_at.map(|at| Cursor { at, id: c.id }))
    } else {
        None
    };
    Ok((cards, next))
}

/// The viewer's own drafts in a blog (shown to them above its posts), newest first.
pub fn drafts(conn: &mut DbConn, blog_id: i64, author_id: i64, limit: i64) -> QueryResult<Vec<PostCard>> {
    let q = posts::table
        .inner_join(contents::table)
        .inner_join(blogs::table)
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .into_boxed()
        .filter(contents::author_id.eq(author_id))
        .filter(contents::kind.eq(KIND_POST))
        .filter(contents::status.eq(STATUS_DRAFT))
        .filter(contents::deleted_at.is_null())
        .filter(contents::place_kind.eq(PLACE_BLOG))
        .filter(contents::place_id.eq(blog_id))
        .order(contents::id.desc())
        .limit(limit);
    load_cards(q, conn)
}

fn load_cards(q: PostQuery<'_>, conn: &mut DbConn) -> QueryResult<Vec<PostCard>> {
    let rows: Vec<CardRow> = q
        .select((
            contents::id,
            contents::title,
            contents::excerpt,
            contents::author_id,
            contents::published_at,
            contents::updated_at,
            contents::status,
            posts::slug,
            contents::comment_count,
            posts::cover_url,
            blogs::kind,
            blogs::slug,
            blogs::title,
            users::username,
            users::display_name,
            users::roles,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut tags = content::tags::for_contents(conn, &ids)?;
    let cards = rows
        .into_iter()
        .map(
            |(
                id,
                title,
                excerpt,
                _author_id,
                published_at,
                updated_at,
                status,
                slug,
                comment_count,
                cover_url,
                blog_kind,
                blog_slug,
                blog_title,
                username,
                display_name,
                roles,
            )| PostCard {
                id,
                title,
                path: post_path(&blog_kind, &blog_slug, &slug),
                excerpt,
                author: AuthorView::from_row(username, display_name, &roles),
                blog_path: super::blog_path(&blog_kind, &blog_slug),
                blog_title,
                blog_kind,
                published_at,
                updated_at,
                is_draft: status == STATUS_DRAFT,
                comment_count,
                cover_url,
                tags: tags.remove(&id).unwrap_or_default(),
            },
        )
        .collect();
    Ok(cards)
}

type PageRow = (content::Content, (i64, i64, String, String, String, bool), Blog, User);

/// A post by its id, whatever its state but deleted (callers ask the policy whether the viewer
/// may see it).
pub fn post_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<PostPage>> {
    let row: Option<PageRow> = posts::table
        .inner_join(contents::table)
        .inner_join(blogs::table)
        .inner_join(users::table.on(users::id.eq(contents::author_id)))
        .filter(posts::content_id.eq(id))
        .filter(contents::deleted_at.is_null())
        .select((contents::all_columns, posts::all_columns, blogs::all_columns, users::all_columns))
        .first(conn)
        .optional()?;
    let Some((c, (_, _, slug, excerpt_md, cover_url, _), blog, author)) = row else {
        return Ok(None);
    };
    let tags = content::tags::for_contents(conn, &[c.id])?.remove(&c.id).unwrap_or_default();
    Ok(Some(PostPage {
        card: PostCard {
            id: c.id,
            title: c.title.clone(),
            path: post_path(&blog.kind, &blog.slug, &slug),
            excerpt: c.excerpt.clone(),
            author: AuthorView::from(&author),
            blog_title: blog.title.clone(),
            blog_path: blog.path(),
            blog_kind: blog.kind.clone(),
            published_at: c.published_at,
            updated_at: c.updated_at,
            is_draft: c.status == STATUS_DRAFT,
            comment_count: c.comment_count,
            cover_url,
            tags,
        },
        slug,
        body_html: c.html(),
        excerpt_md,
        blog,
        content: c,
    }))
}

/// Where a slug of a blog leads: the post, or the post that used to have this slug.
pub enum SlugLookup {
    Found(Box<PostPage>),
    Moved(String),
    Missing,
}

pub fn post_by_slug(conn: &mut DbConn, blog_id: i64, slug: &str) -> QueryResult<SlugLookup> {
    let id: Option<i64> = posts::table
        .filter(posts::blog_id.eq(blog_id))
        .filter(posts::slug.eq(slug))
        .select(posts::content_id)
        .first(conn)
        .optional()?;
    if let Some(id) = id {
        return Ok(match post_by_id(conn, id)? {
            Some(p) => SlugLookup::Found(Box::new(p)),
            None => SlugLookup::Missing,
        });
    }
    let moved: Option<i64> = slug_redirects::table
        .filter(slug_redirects::blog_id.eq(blog_id))
        .filter(slug_redirects::old_slug.eq(slug))
        .select(slug_redirects::content_id)
        .first(conn)
        .optional()?;
    Ok(match moved.map(|id| post_by_id(conn, id)).transpose()?.flatten() {
        Some(p) => SlugLookup::Moved(p.card.path),
        None => SlugLookup::Missing,
    })
}

/// The post a path of the blogs leads to (`/blog/{slug}`, `/blogs/{blog}/{slug}`), for citations.
pub fn post_at(conn: &mut DbConn, segments: &[String]) -> QueryResult<Option<i64>> {
    match segments {
        [first, slug] if first == "blog" => posts::table
            .inner_join(blogs::table)
            .filter(blogs::kind.eq(KIND_ENTERPRISE))
            .filter(posts::slug.eq(slug))
            .select(posts::content_id)
            .first(conn)
            .optional(),
        [first, blog, slug] if first == "blogs" => posts::table
            .inner_join(blogs::table)
            .filter(blogs::slug.eq(blog))
            .filter(posts::slug.eq(slug))
            .select(posts::content_id)
            .first(conn)
            .optional(),
        _ => Ok(None),
    }
}

/// A post as submitted by the editor, already checked.
pub struct PostInput {
    pub title: String,
    pub slug: Option<String>,
    pub body: content::Body,
    pub excerpt_md: String,
    pub cover_url: String,
    /// The cover, when it is a picture of the author's library (it is then shown with the post).
    pub cover_media: Option<i64>,
    pub tags: Vec<TagName>,
    pub publish: bool,
    pub comments_enabled: bool,
    /// The post's episode (a media id of its author's) and its transcript.
    pub episode: Option<(i64, content::Body)>,
}

impl PostInput {
    /// The media the post shows: those in its text, and its episode.
    pub fn media(&self) -> Vec<i64> {
        let mut ids = self.body.media().to_vec();
        let transcript = self.episode.as_ref().map(|e| e.1.media().to_vec()).unwrap_or_default();
        for id in self.episode.as_ref().map(|e| e.0).into_iter().chain(self.cover_media).chain(transcript) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}

/// A slug free in the blog (other than for `except` itself), based on `wanted`.
fn unique_post_slug(conn: &mut DbConn, blog_id: i64, wanted: &str, except: Option<i64>) -> QueryResult<String> {
    let base = if wanted.is_empty() { "post".to_string() } else { wanted.to_string() };
    for n in 1..10_000 {
        let candidate = if n == 1 { base.clone() } else { format!("{base}-{n}") };
        let owner: Option<i64> = posts::table
            .filter(posts::blog_id.eq(blog_id))
            .filter(posts::slug.eq(&candidate))
            .select(posts::content_id)
            .first(conn)
            .optional()?;
        let redirect_owner: Option<i64> = slug_redirects::table
            .filter(slug_redirects::blog_id.eq(blog_id))
            .filter(slug_redirects::old_slug.eq(&candidate))
            .select(slug_redirects::content_id)
            .first(conn)
            .optional()?;
        let free = owner.is_none_or(|o| Some(o) == except) && redirect_owner.is_none_or(|o| Some(o) == except);
        if free {
            return Ok(candidate);
        }
    }
    Err(diesel::result::Error::NotFound)
}

fn derived_excerpt(input: &PostInput) -> String {
    if input.excerpt_md.trim().is_empty() {
        input.body.excerpt().to_string()
    } else {
        content::excerpt_of(&input.excerpt_md)
    }
}

/// The pieces a post's links cite.
fn cite(tx: &mut Tx<'_>, id: i64, body_md: &str, base_url: &str) -> QueryResult<()> {
    let cited = crate::kinds::registry().resolve_links(tx, base_url, &content::markdown::links(body_md))?;
    content::citations::set_for(tx, id, &cited)
}

pub fn create_post(
    tx: &mut Tx<'_>,
    blog: &Blog,
    author_id: i64,
    input: &PostInput,
    base_url: &str,
) -> QueryResult<i64> {
    let excerpt = derived_excerpt(input);
    let id = content::insert(
        tx,
        &NewContent {
            kind: KIND_POST,
            author_id,
            title: &input.title,
            body_md: input.body.md(),
            body_html: input.body.html(),
            excerpt: &excerpt,
            publish: input.publish,
            comments_open: input.comments_enabled,
            placement: Placement::root(PLACE_BLOG, blog.id, PUBLIC_AUDIENCE),
            at: None,
            media: &input.media(),
        },
    )?;
    diesel::update(contents::table.find(id)).set(contents::list_key.eq(list_key(&blog.kind))).execute(tx.conn())?;
    let wanted = input.slug.clone().unwrap_or_else(|| content::slug::slugify(&input.title));
    let slug = unique_post_slug(tx, blog.id, &wanted, None)?;
    diesel::insert_into(posts::table)
        .values((
            posts::content_id.eq(id),
            posts::blog_id.eq(blog.id),
            posts::slug.eq(&slug),
            posts::excerpt_md.eq(&input.excerpt_md),
            posts::cover_url.eq(&input.cover_url),
        ))
        .execute(tx.conn())?;
    content::tags::set_for(tx, id, &input.tags)?;
    cite(tx, id, input.body.md(), base_url)?;
    super::podcast::set_episode(tx, id, input.episode.as_ref().map(|(m, t)| (*m, t.md(), t.html())))?;
    Ok(id)
}

/// Save an edit. A changed title (or slug) gives a new slug; the old one keeps redirecting.
pub fn update_post(tx: &mut Tx<'_>, post: &PostPage, input: &PostInput, base_url: &str) -> QueryResult<()> {
    let now = crate::now();
    let id = post.card.id;
    let excerpt = derived_excerpt(input);
    let was_published = !post.card.is_draft;
    diesel::update(contents::table.find(id))
        .set((
            contents::title.eq(&input.title),
            contents::body_md.eq(input.body.md()),
            contents::body_html.eq(input.body.html().as_str()),
            contents::excerpt.eq(&excerpt),
            contents::updated_at.eq(now),
            contents::comments_open.eq(input.comments_enabled),
            // "Updated" is shown only for edits after publication.
            contents::edited_at.eq(if was_published && input.publish { Some(now) } else { post.edited_at() }),
        ))
        .execute(tx.conn())?;
    content::set_media(tx, id, &input.media())?;
    super::podcast::set_episode(tx, id, input.episode.as_ref().map(|(m, t)| (*m, t.md(), t.html())))?;
    if input.publish != was_published {
        content::set_published(tx, id, input.publish, post.card.published_at)?;
    }
    tx.touch(id);
    let wanted = match &input.slug {
        Some(s) => s.clone(),
        None if input.title != post.card.title => content::slug::slugify(&input.title),
        None => post.slug.clone(),
    };
    let slug = if wanted == post.slug { wanted } else { unique_post_slug(tx, post.blog.id, &wanted, Some(id))? };
    if slug != post.slug {
        // The new slug may be one this post had before: it is no longer a redirect.
        diesel::delete(
            slug_redirects::table
                .filter(slug_redirects::blog_id.eq(post.blog.id))
                .filter(slug_redirects::old_slug.eq(&slug)),
        )
        .execute(tx.conn())?;
        ignore_duplicate(tx, |conn| {
            diesel::insert_into(slug_redirects::table)
                .values((
                    slug_redirects::blog_id.eq(post.blog.id),
                    slug_redirects::old_slug.eq(&post.slug),
                    slug_redirects::content_id.eq(id),
                ))
                .execute(conn)
        })?;
    }
    diesel::update(posts::table.find(id))
        .set((posts::slug.eq(&slug), posts::excerpt_md.eq(&input.excerpt_md), posts::cover_url.eq(&input.cover_url)))
        .execute(tx.conn())?;
    content::tags::set_for(tx, id, &input.tags)?;
    cite(tx, id, input.body.md(), base_url)
}

/// The sitemap's posts with content ids in `(after, upto]` (one sitemap file's share, at most
/// 50,000 ids wide), in id order: the paths visitors may read and when each last changed.
pub fn sitemap_entries(
    conn: &mut DbConn,
    visitor: &Guard,
    after: i64,
    upto: i64,
    limit: i64,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    let rows: Vec<(String, String, String, NaiveDateTime)> = posts::table
        .inner_join(contents::table)
        .inner_join(blogs::table)
        .filter(contents::id.gt(after))
        .filter(contents::id.le(upto))
        // (No kind filter: the join keeps posts, and a kind would make SQLite walk every post
        // by date instead of the span of ids.)
        .into_boxed()
        .filter(visitor.content_filter())
        .order(contents::id.asc())
        .limit(limit)
        .select((posts::slug, blogs::kind, blogs::slug, contents::updated_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(s, k, b, u)| (post_path(&k, &b, &s), u)).collect())
}

pub fn all_blogs(conn: &mut DbConn) -> QueryResult<Vec<Blog>> {
    blogs::table.order(blogs::id.asc()).load(conn)
}

/// Delete a post (its comments go with it). False when it was deleted already.
pub fn delete_post(tx: &mut Tx<'_>, id: i64) -> QueryResult<bool> {
    content::delete(tx, id)
}

/// Site paths of many posts at once.
pub fn paths(conn: &mut DbConn, ids: &[i64]) -> QueryResult<std::collections::HashMap<i64, String>> {
    let rows: Vec<(i64, String, String, String)> = posts::table
        .inner_join(blogs::table)
        .filter(posts::content_id.eq_any(ids))
        .select((posts::content_id, posts::slug, blogs::kind, blogs::slug))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, slug, kind, blog)| (id, post_path(&kind, &blog, &slug))).collect())
}

/// The blog a post is (or was) in, deleted or not.
pub fn blog_of_post(conn: &mut DbConn, id: i64) -> QueryResult<Option<Blog>> {
    posts::table
        .inner_join(blogs::table)
        .filter(posts::content_id.eq(id))
        .select(blogs::all_columns)
        .first(conn)
        .optional()
}
