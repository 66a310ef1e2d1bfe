//! What the index should hold, computed from the database (the source of truth): one document
//! per visible post, comment, topic, reply and person, with who may see it and where it lives.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::content::markdown;
use crate::db::DbConn;
use crate::db::schema::{blogs, boards, content_tags, contents, tags, users};

pub use crate::blogs::KIND_POST;
pub use crate::content::comments::KIND_COMMENT;
pub use crate::forums::{KIND_REPLY, KIND_TOPIC};
/// People are found too: a document per profile.
pub const KIND_PERSON: &str = "person";

/// Every kind search finds, in the order the filter offers them: the content kinds that are
/// searched (`ContentKind::searchable`, in the order `crate::kinds` lists them), then people.
pub fn kinds() -> &'static [&'static str] {
    static KINDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let content = crate::kinds::registry().all().iter().filter(|k| k.searchable()).map(|k| k.kind());
        content.chain([KIND_PERSON]).collect()
    });
    &KINDS
}

pub use crate::content::{PLACE_BLOG, PLACE_BOARD};

/// A document as every backend indexes it.
#[derive(Clone, Debug)]
pub struct Doc {
    pub kind: &'static str,
    pub ref_id: i64,
    /// The post a comment is on, the topic a reply is in.
    pub parent_id: Option<i64>,
    pub author_id: Option<i64>,
    pub place_kind: &'static str,
    pub place_id: Option<i64>,
    /// Who may find it: the content's audience (the public's for people).
    pub audience_id: i64,
    pub published_at: NaiveDateTime,
    pub title: String,
    pub tags: Vec<String>,
    pub tag_ids: Vec<i64>,
    /// Plain text (Markdown stripped).
    pub body: String,
}

impl Doc {
    /// The engine-neutral key: "post-12", "person-3".
    pub fn key(&self) -> String {
        doc_key(self.kind, self.ref_id)
    }
}

pub fn doc_key(kind: &str, ref_id: i64) -> String {
    format!("{kind}-{ref_id}")
}

pub fn parse_key(key: &str) -> Option<(&'static str, i64)> {
    let (kind, id) = key.rsplit_once('-')?;
    Some((known_kind(kind)?, id.parse().ok()?))
}

/// The kind constant for a kind read from the database (or an engine).
pub fn known_kind(kind: &str) -> Option<&'static str> {
    kinds().iter().copied().find(|k| *k == kind)
}

type ContentRow = (i64, String, i64, String, String, Option<NaiveDateTime>, Option<i64>, String, Option<i64>, i64);

fn place_kind(kind: &str) -> &'static str {
    match kind {
        PLACE_BLOG => PLACE_BLOG,
        PLACE_BOARD => PLACE_BOARD,
        _ => "",
    }
}

/// Documents for these content ids. Ids missing from the result should not be in the index:
/// only live content is (not drafts, deleted or hidden content, or content under them), and
/// only kinds that are searched. Everything else a document needs is on the content row.
pub fn content_docs(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<ContentRow> = contents::table
        .filter(contents::id.eq_any(ids))
        .filter(contents::live.eq(true))
        .select((
            contents::id,
            contents::kind,
            contents::author_id,
            contents::title,
            contents::body_md,
            contents::published_at,
            contents::parent_id,
            contents::place_kind,
            contents::place_id,
            contents::audience_id,
        ))
        .load(conn)?;
    let tag_rows: Vec<(i64, i64, String)> = content_tags::table
        .inner_join(tags::table)
        .filter(content_tags::content_id.eq_any(ids))
        .select((content_tags::content_id, tags::id, tags::name))
        .load(conn)?;
    let mut doc_tags: HashMap<i64, (Vec<i64>, Vec<String>)> = HashMap::new();
    for (content_id, tag_id, name) in tag_rows {
        let entry = doc_tags.entry(content_id).or_default();
        entry.0.push(tag_id);
        entry.1.push(name);
    }
    let registry = crate::kinds::registry();
    let mut docs = Vec::with_capacity(rows.len());
    for (id, kind, author_id, title, body_md, published_at, parent_id, place, place_id, audience_id) in rows {
        let Some(kind) = known_kind(&kind).filter(|k| registry.get(k).is_some_and(|k| k.searchable())) else {
            continue;
        };
        let Some(published) = published_at else { continue };
        let (tag_ids, tag_names) = doc_tags.remove(&id).unwrap_or_default();
        docs.push(Doc {
            kind,
            ref_id: id,
            parent_id,
            author_id: Some(author_id),
            place_kind: place_kind(&place),
            place_id,
            audience_id,
            published_at: published,
            title,
            tags: tag_names,
            tag_ids,
            body: markdown::plain_text(&body_md),
        });
    }
    Ok(docs)
}

/// Documents for people (suspended accounts are not found).
pub fn person_docs(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Doc>> {
    let rows: Vec<(i64, String, String, String, NaiveDateTime)> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::suspended_at.is_null())
        .select((users::id, users::username, users::display_name, users::bio_md, users::created_at))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, username, display_name, bio_md, created_at)| Doc {
            kind: KIND_PERSON,
            ref_id: id,
            parent_id: None,
            author_id: Some(id),
            place_kind: "",
            place_id: None,
            audience_id: crate::policy::PUBLIC_AUDIENCE,
            published_at: created_at,
            title: if display_name.is_empty() || display_name == username {
                username
            } else {
                format!("{display_name} {username}")
            },
            tags: Vec::new(),
            tag_ids: Vec::new(),
            body: markdown::plain_text(&bio_md),
        })
        .collect())
}

/// Every piece of content with an id above `after`, in id order (for a rebuild).
pub fn content_ids_after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<i64>> {
    contents::table
        .filter(contents::id.gt(after))
        .order(contents::id.asc())
        .limit(limit)
        .select(contents::id)
        .load(conn)
}

pub fn user_ids_after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<i64>> {
    users::table.filter(users::id.gt(after)).order(users::id.asc()).limit(limit).select(users::id).load(conn)
}

/// A blog or board as a result shows it.
#[derive(Clone, Debug)]
pub struct Place {
    pub name: String,
    pub path: String,
    /// The board's kind (questions, reviews, ideas…), "" for a blog.
    pub board_kind: String,
}

/// The places (blogs and boards) of a page of results, for display.
pub fn places(conn: &mut DbConn, blog_ids: &[i64], board_ids: &[i64]) -> QueryResult<HashMap<(String, i64), Place>> {
    let mut out = HashMap::new();
    let rows: Vec<(i64, String, String, String)> = blogs::table
        .filter(blogs::id.eq_any(blog_ids))
        .select((blogs::id, blogs::title, blogs::kind, blogs::slug))
        .load(conn)?;
    for (id, title, kind, slug) in rows {
        let path = crate::blogs::blog_path(&kind, &slug);
        out.insert((PLACE_BLOG.to_string(), id), Place { name: title, path, board_kind: String::new() });
    }
    let rows: Vec<(i64, String, String, String)> = boards::table
        .filter(boards::id.eq_any(board_ids))
        .select((boards::id, boards::name, boards::slug, boards::kind))
        .load(conn)?;
    for (id, name, slug, kind) in rows {
        let path = format!("/forums/{}", crate::web::path_segment(&slug));
        out.insert((PLACE_BOARD.to_string(), id), Place { name, path, board_kind: kind });
    }
    Ok(out)
}
