//! What every kind of content shares: the `contents` row and its life (create, edit, delete,
//! hide, publish), Markdown, slugs, tags, likes, revisions, citations, comments and feeds.
//!
//! Each kind (a blog post, a comment, a forum topic or reply, later a magazine article) is a
//! `contents` row plus a table of its own, and registers itself through [`kind::ContentKind`]
//! (`crate::kinds` holds the list). Every row carries what the policy judges it by: its place,
//! its audience, its parent, and `live`. This module never imports a part (blogs, forums,
//! search): parts build on it.

pub mod citations;
pub mod comment_pages;
pub mod comments;
pub mod feeds;
pub mod kind;
pub mod likes;
pub mod listing;
pub mod markdown;
pub mod reactions;
pub mod revisions;
pub mod slug;
pub mod tags;

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::contents;
use crate::db::{DbConn, Tx};
use crate::policy::ContentFacts;

pub use markdown::SafeHtml;

pub const STATUS_DRAFT: &str = "draft";
pub const STATUS_PUBLISHED: &str = "published";

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 100_000;
pub const EXCERPT_CHARS: usize = 200;

/// Where a piece of content lives.
pub const PLACE_BLOG: &str = "blog";
pub const PLACE_BOARD: &str = "board";

#[derive(Queryable, Identifiable, Clone, Debug)]
#[diesel(table_name = contents)]
pub struct Content {
    pub id: i64,
    pub kind: String,
    pub author_id: i64,
    pub title: String,
    pub body_md: String,
    pub body_html: String,
    pub excerpt: String,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub edited_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub like_count: i32,
    pub parent_id: Option<i64>,
    pub place_kind: String,
    pub place_id: Option<i64>,
    pub audience_id: i64,
    pub live: bool,
    pub hidden_at: Option<NaiveDateTime>,
    pub comments_open: bool,
    pub comment_count: i32,
    /// The cross-place list it is in (posts: `blog:<kind of blog>`), for an indexed walk.
    pub list_key: String,
    /// What this piece adds to its author's kept counts (`author_counts`): the audience while
    /// live, its likes, whether it is an accepted answer. Kept by `content::listing`.
    pub counted_audience: Option<i64>,
    pub counted_likes: i32,
    pub counted_accepted: bool,
    /// Hidden until a moderator approves it (pre-moderation, a watched word): its author is
    /// told it waits, not that it was hidden. Any moderator decision clears it.
    pub held: bool,
}

impl Content {
    /// What the policy needs to judge this piece.
    pub fn facts(&self) -> ContentFacts {
        ContentFacts {
            author_id: self.author_id,
            audience_id: self.audience_id,
            live: self.live,
            draft: self.status == STATUS_DRAFT,
            deleted: self.deleted_at.is_some(),
            hidden: self.hidden_at.is_some(),
        }
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    pub fn is_hidden(&self) -> bool {
        self.hidden_at.is_some()
    }

    pub fn html(&self) -> SafeHtml {
        SafeHtml::from_stored(self.body_html.clone())
    }
}

/// Where new content goes: its place and audience, and under which parent.
#[derive(Clone, Copy, Debug)]
pub struct Placement {
    pub parent_id: Option<i64>,
    pub place_kind: &'static str,
    pub place_id: Option<i64>,
    pub audience_id: i64,
    /// The parent is live (or there is none): the new piece is live once published.
    pub parent_live: bool,
}

impl Placement {
    /// Content at the top of a place (a post in a blog, a topic on a board).
    pub fn root(place_kind: &'static str, place_id: i64, audience_id: i64) -> Self {
        Placement { parent_id: None, place_kind, place_id: Some(place_id), audience_id, parent_live: true }
    }

    /// Content under another piece (a comment on a post, a reply in a topic): same place and
    /// audience as its parent.
    pub fn under(parent: &Content) -> Self {
        let place_kind = match parent.place_kind.as_str() {
            PLACE_BLOG => PLACE_BLOG,
            PLACE_BOARD => PLACE_BOARD,
            _ => "",
        };
        Placement {
            parent_id: Some(parent.id),
            place_kind,
            place_id: parent.place_id,
            audience_id: parent.audience_id,
            parent_live: parent.live,
        }
    }
}

/// A new piece of content, rendered and sanitized already.
pub struct NewContent<'a> {
    pub kind: &'a str,
    pub author_id: i64,
    pub title: &'a str,
    pub body_md: &'a str,
    pub body_html: &'a SafeHtml,
    pub excerpt: &'a str,
    pub publish: bool,
    pub comments_open: bool,
    pub placement: Placement,
    /// When it was written, for imported or generated content (else now).
    pub at: Option<NaiveDateTime>,
    /// The media items the body shows (`Body::media`).
    pub media: &'a [i64],
}

pub fn insert(tx: &mut Tx<'_>, new: &NewContent<'_>) -> QueryResult<i64> {
    let now = new.at.unwrap_or_else(crate::now);
    let p = new.placement;
    let id = diesel::insert_into(contents::table)
        .values((
            contents::kind.eq(new.kind),
            contents::author_id.eq(new.author_id),
            contents::title.eq(new.title),
            contents::body_md.eq(new.body_md),
            contents::body_html.eq(new.body_html.as_str()),
            contents::excerpt.eq(new.excerpt),
            contents::status.eq(if new.publish { STATUS_PUBLISHED } else { STATUS_DRAFT }),
            contents::created_at.eq(now),
            contents::updated_at.eq(now),
            contents::published_at.eq(new.publish.then_some(now)),
            contents::parent_id.eq(p.parent_id),
            contents::place_kind.eq(p.place_kind),
            contents::place_id.eq(p.place_id),
            contents::audience_id.eq(p.audience_id),
            contents::live.eq(new.publish && p.parent_live),
            contents::comments_open.eq(new.comments_open),
        ))
        .returning(contents::id)
        .get_result(tx.conn())?;
    set_media(tx, id, new.media)?;
    tx.touch(id);
    Ok(id)
}

/// Record which media items a piece shows (its library entries say where they are used, and
/// whoever may read the piece may fetch them). Items deleted meanwhile are left out.
pub fn set_media(tx: &mut Tx<'_>, id: i64, media_ids: &[i64]) -> QueryResult<()> {
    use crate::db::schema::{content_media, media};
    let existing: Vec<i64> = content_media::table
        .filter(content_media::content_id.eq(id))
        .select(content_media::media_id)
        .load(tx.conn())?;
    let gone: Vec<i64> = existing.iter().copied().filter(|m| !media_ids.contains(m)).collect();
    if !gone.is_empty() {
        diesel::delete(
            content_media::table.filter(content_media::content_id.eq(id)).filter(content_media::media_id.eq_any(&gone)),
        )
        .execute(tx.conn())?;
    }
    let new: Vec<i64> = media_ids.iter().copied().filter(|m| !existing.contains(m)).collect();
    if new.is_empty() {
        return Ok(());
    }
    // Held until commit, so a concurrent deletion of the item waits (and then finds it shown).
    for m in &new {
        tx.lock("contents", "id", *m)?;
    }
    let present: Vec<i64> =
        media::table.filter(media::content_id.eq_any(&new)).select(media::content_id).load(tx.conn())?;
    // One row at a time: batch inserts are not portable across the two backends.
    for m in present {
        diesel::insert_into(content_media::table)
            .values((content_media::content_id.eq(id), content_media::media_id.eq(m)))
            .execute(tx.conn())?;
    }
    Ok(())
}

/// A Markdown body with its sanitized rendering and excerpt, made before any unit of work begins:
/// rendering is CPU work that must never hold a connection or the write lock.
#[derive(Clone, Debug)]
pub struct Body {
    md: String,
    html: SafeHtml,
    excerpt: String,
    /// The media items it shows (its author's own, resolved before rendering).
    media: Vec<i64>,
}

impl Body {
    /// Render here and now (commands, seeding, imports: no request is waiting).
    pub fn render(md: impl Into<String>) -> Body {
        let md = md.into();
        let html = markdown::render(&md);
        let excerpt = excerpt_of(&md);
        Body { md, html, excerpt, media: Vec::new() }
    }

    /// Render off the request workers, a few at a time and within the render budget, showing the
    /// media in `embeds` (what `media::embeds` found for the author) as themselves; `Err` is the
    /// catalog key of the problem (nested too deeply, the site too busy) for the form. A picture
    /// shown without a description is refused: readers who cannot see it are told what it shows.
    pub async fn prepare_with(md: impl Into<String>, embeds: markdown::Embeds) -> Result<Body, &'static str> {
        let md = md.into();
        markdown::check_nesting(&md)?;
        let excerpt = excerpt_of(&md);
        let media: Vec<i64> = markdown::media_refs(&md).into_iter().filter(|id| embeds.contains_key(id)).collect();
        let (html, missing_alt) = markdown::render_bounded(md.clone(), embeds).await?;
        if !missing_alt.is_empty() {
            return Err("err-image-alt");
        }
        Ok(Body { md, html, excerpt, media })
    }

    /// The media items this body shows.
    pub fn media(&self) -> &[i64] {
        &self.media
    }

    pub fn md(&self) -> &str {
        &self.md
    }

    pub fn html(&self) -> &SafeHtml {
        &self.html
    }

    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }
}

/// A preview of a body `author_id` is writing, their media shown as themselves: refused like the
/// body itself would be (too long, nested too deeply), rendered off the request workers within
/// the render budget. A picture still without a description is shown (the form asks for one when
/// it is saved).
pub async fn preview(
    state: &crate::web::AppState,
    author_id: i64,
    body_md: &str,
    max_chars: usize,
    too_long: &'static str,
) -> Result<SafeHtml, crate::web::FieldErrors> {
    preview_in(state, author_id, None, body_md, max_chars, too_long).await
}

/// `preview` of a new text of the piece `shown_by` (the media it shows already stay shown).
pub async fn preview_in(
    state: &crate::web::AppState,
    author_id: i64,
    shown_by: Option<i64>,
    body_md: &str,
    max_chars: usize,
    too_long: &'static str,
) -> Result<SafeHtml, crate::web::FieldErrors> {
    let mut errors = crate::web::FieldErrors::default();
    if body_md.chars().count() > max_chars {
        errors.add("body", too_long);
        return Err(errors);
    }
    let rendered = match crate::media::embeds_of_in(state, author_id, shown_by, body_md).await {
        Ok(embeds) => markdown::render_bounded(body_md.to_string(), embeds).await,
        Err(key) => Err(key),
    };
    rendered.map(|(html, _)| html).map_err(|k| {
        errors.add("body", k);
        errors
    })
}

/// A title as typed, trimmed; a problem is added to `errors` under `title`.
pub fn check_title(typed: &str, errors: &mut crate::web::FieldErrors) -> String {
    let title = typed.trim().to_string();
    if title.is_empty() {
        errors.add("title", "err-title-empty");
    } else if title.chars().count() > TITLE_MAX {
        errors.add("title", "err-title-long");
    } else if title.chars().any(char::is_control) {
        errors.add("title", "err-title-chars");
    }
    title
}

/// Typed text with the control characters a form should not carry taken out (line breaks and
/// tabs stay), trimmed.
pub fn plain_input(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect::<String>().trim().to_string()
}

/// The excerpt of a Markdown text.
pub fn excerpt_of(body_md: &str) -> String {
    markdown::excerpt(&markdown::plain_text(body_md), EXCERPT_CHARS)
}

/// Insert a body rendered beforehand, published (comments, forum topics and replies, official
/// responses).
pub fn create_published(
    tx: &mut Tx<'_>,
    kind: &str,
    author_id: i64,
    title: &str,
    body: &Body,
    placement: Placement,
) -> QueryResult<i64> {
    insert(
        tx,
        &NewContent {
            kind,
            author_id,
            title,
            body_md: body.md(),
            body_html: body.html(),
            excerpt: body.excerpt(),
            publish: true,
            comments_open: false,
            placement,
            at: None,
            media: body.media(),
        },
    )
}

/// Save an edit of a body rendered beforehand (and, for titled content, its title), marked as
/// edited.
pub fn save_edit(tx: &mut Tx<'_>, id: i64, title: &str, body: &Body) -> QueryResult<()> {
    let now = crate::now();
    diesel::update(contents::table.find(id))
        .set((
            contents::title.eq(title),
            contents::body_md.eq(body.md()),
            contents::body_html.eq(body.html().as_str()),
            contents::excerpt.eq(body.excerpt()),
            contents::updated_at.eq(now),
            contents::edited_at.eq(Some(now)),
        ))
        .execute(tx.conn())?;
    set_media(tx, id, body.media())?;
    tx.touch(id);
    Ok(())
}

/// Read a row for a change that depends on it, holding it until commit: concurrent changes of
/// the same piece queue here, so the check and the change see the same state.
///
/// Its parent (and the parent's parent) is held first. Every change takes rows in this order,
/// parent before child, then the kind's own rows: deleting a topic updates its replies while
/// deleting one of them reaches for the topic's counts, and taken in opposite orders the two
/// would wait on each other for ever.
pub fn lock(tx: &mut Tx<'_>, id: i64) -> QueryResult<Option<Content>> {
    if tx.holds_rows() {
        // `parent_id` never changes, so it is safe to read before holding anything.
        let parent: Option<Option<i64>> =
            contents::table.find(id).select(contents::parent_id).first(tx.conn()).optional()?;
        if let Some(Some(parent)) = parent {
            lock(tx, parent)?;
        }
    }
    tx.lock("contents", "id", id)?;
    find(tx, id)
}

/// Mark deleted. Returns false when it already was (a second request changes nothing).
/// What is under it (comments, replies) stops being live with it.
pub fn delete(tx: &mut Tx<'_>, id: i64) -> QueryResult<bool> {
    let changed = diesel::update(contents::table.find(id).filter(contents::deleted_at.is_null()))
        .set((contents::deleted_at.eq(Some(crate::now())), contents::live.eq(false)))
        .execute(tx.conn())?;
    if changed == 0 {
        return Ok(false);
    }
    refresh_live(tx, &[id])?;
    Ok(true)
}

/// Mark a hidden piece as waiting for a moderator's approval (`Content::held`).
pub fn set_held(tx: &mut Tx<'_>, id: i64) -> QueryResult<()> {
    diesel::update(contents::table.find(id).filter(contents::hidden_at.is_not_null()))
        .set(contents::held.eq(true))
        .execute(tx.conn())?;
    tx.touch(id);
    Ok(())
}

/// Hide from everyone but moderators, or show again. Returns false when nothing changed.
pub fn set_hidden(tx: &mut Tx<'_>, id: i64, hidden: bool) -> QueryResult<bool> {
    let target = contents::table.find(id).filter(contents::deleted_at.is_null());
    // A moderator decided: whatever it is now, it no longer waits (hiding a held piece keeps
    // it hidden and changes only this).
    diesel::update(target.filter(contents::held.eq(true))).set(contents::held.eq(false)).execute(tx.conn())?;
    let changed = if hidden {
        diesel::update(target.filter(contents::hidden_at.is_null()))
            .set(contents::hidden_at.eq(Some(crate::now())))
            .execute(tx.conn())?
    } else {
        diesel::update(target.filter(contents::hidden_at.is_not_null()))
            .set(contents::hidden_at.eq(None::<NaiveDateTime>))
            .execute(tx.conn())?
    };
    if changed == 0 {
        return Ok(false);
    }
    refresh_live(tx, &[id])?;
    Ok(true)
}

/// Recompute `live` for these pieces and then for what is under them: published, not deleted,
/// not hidden, and the parent live. Every change of state ends here.
pub fn refresh_live(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    const LIVE: &str = "live = (status = 'published' AND deleted_at IS NULL AND hidden_at IS NULL AND \
        (parent_id IS NULL OR COALESCE((SELECT p.live FROM contents p WHERE p.id = contents.parent_id), FALSE)))";
    diesel::sql_query(format!("UPDATE contents SET {LIVE} WHERE id IN ({list})")).execute(tx.conn())?;
    diesel::sql_query(format!("UPDATE contents SET {LIVE} WHERE parent_id IN ({list})")).execute(tx.conn())?;
    let children = children_of(tx, ids)?;
    tx.touch_all(ids);
    tx.touch_all(&children);
    Ok(())
}

/// The highest content id (0 on an empty site): how far the sitemap's spans of ids reach.
pub fn max_id(conn: &mut DbConn) -> QueryResult<i64> {
    let id: Option<i64> = contents::table.select(diesel::dsl::max(contents::id)).first(conn)?;
    Ok(id.unwrap_or(0))
}

/// The ids of what is directly under these pieces.
pub fn children_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    contents::table.filter(contents::parent_id.eq_any(ids)).select(contents::id).load(conn)
}

/// Publish or unpublish (a post's editor); the publication date is kept from the first time.
pub fn set_published(
    tx: &mut Tx<'_>,
    id: i64,
    publish: bool,
    first_published: Option<NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(contents::table.find(id))
        .set((
            contents::status.eq(if publish { STATUS_PUBLISHED } else { STATUS_DRAFT }),
            contents::published_at.eq(if publish { first_published.or(Some(crate::now())) } else { None }),
        ))
        .execute(tx.conn())?;
    refresh_live(tx, &[id])
}

/// Move a counter kept on the content row (comments) by `delta`.
pub fn add_comment_count(tx: &mut Tx<'_>, id: i64, delta: i32) -> QueryResult<()> {
    diesel::update(contents::table.find(id))
        .set(contents::comment_count.eq(contents::comment_count + delta))
        .execute(tx.conn())?;
    Ok(())
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Content>> {
    contents::table.find(id).first(conn).optional()
}

pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Content>> {
    let rows: Vec<Content> = contents::table.filter(contents::id.eq_any(ids)).load(conn)?;
    Ok(rows.into_iter().map(|c| (c.id, c)).collect())
}

/// The kinds of these pieces (to send each to its kind).
pub fn kinds_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<(i64, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    contents::table.filter(contents::id.eq_any(ids)).select((contents::id, contents::kind)).load(conn)
}

/// The parent of each of these pieces that has one.
pub fn parents_of(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, Option<i64>)> =
        contents::table.filter(contents::id.eq_any(ids)).select((contents::id, contents::parent_id)).load(conn)?;
    Ok(rows.into_iter().filter_map(|(id, p)| Some((id, p?))).collect())
}

/// Is this character Chinese (a CJK unified ideograph)?
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2a6df}')
}

/// "zh-CN" when a text is mostly written in Chinese, else "en": a Han character counts as much
/// as a word of any other script, so an English text naming a Chinese product stays English
/// and a Chinese one naming "Plaza Cloud 3.0" stays Chinese.
pub fn text_lang(text: &str) -> &'static str {
    let han = text.chars().filter(|c| is_cjk(*c)).count();
    let words = text.split(|c: char| !c.is_alphabetic() || is_cjk(c)).filter(|w| !w.is_empty()).count();
    if han > 0 && han >= words { "zh-CN" } else { "en" }
}

/// The language of a piece from its title and the start of its text.
pub fn piece_lang(title: &str, excerpt: &str) -> &'static str {
    text_lang(&format!("{title} {excerpt}"))
}

#[cfg(test)]
mod tests {
    use super::{piece_lang, text_lang};

    #[test]
    fn a_texts_language_is_what_most_of_it_is_written_in() {
        assert_eq!(text_lang("Introducing Plaza Cloud 3.0"), "en");
        assert_eq!(text_lang("深度评测：Plaza Cloud 3.0 使用一个月"), "zh-CN");
        assert_eq!(text_lang("企业博客"), "zh-CN");
        assert_eq!(text_lang(""), "en");
        // An English post about a Chinese term stays English once its text is read too.
        assert_eq!(piece_lang("企业博客 launch", "We opened the blog to every employee in March this year."), "en");
        assert_eq!(piece_lang("Plaza", "我们的企业博客上线了，欢迎大家来看看。"), "zh-CN");
    }
}
