//! Turning hits into what the results page shows, the same way for every backend. Every hit is
//! checked against the database index once more: an external engine that is behind (a deleted
//! post whose outbox row is not sent yet) can never show what the viewer may not see.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::docs;
use super::text::{self, Fragment};
use crate::accounts::AuthorView;
use crate::content::{self, markdown, tags::TagView};
use crate::db::DbConn;
use crate::db::schema::{contents, search_docs, users};

/// Characters of text around the first match.
const SNIPPET_CHARS: usize = 220;

pub struct ResultView {
    pub kind: &'static str,
    pub url: String,
    pub title: Vec<Fragment>,
    pub snippet: Vec<Fragment>,
    /// The blog or board it lives in.
    pub place: Option<docs::Place>,
    pub author: Option<AuthorView>,
    pub date: NaiveDateTime,
    pub tags: Vec<TagView>,
}

impl ResultView {
    /// Catalog key of the kind's label: a topic on a questions, reviews or ideas board is
    /// labelled as a question, review or idea.
    pub fn kind_key(&self) -> &'static str {
        let board_kind = self.place.as_ref().map_or("", |p| p.board_kind.as_str());
        match (self.kind, board_kind) {
            (docs::KIND_TOPIC, crate::forums::BOARD_QUESTIONS) => "search-kind-question",
            (docs::KIND_TOPIC, crate::forums::BOARD_REVIEWS) => "search-kind-review",
            (docs::KIND_TOPIC, crate::forums::BOARD_IDEAS) => "search-kind-idea",
            (kind, _) => kind_key(kind),
        }
    }
}

pub fn kind_key(kind: &str) -> &'static str {
    crate::kinds::registry().get(kind).map_or("search-kind-person", |k| k.label_key())
}

/// The number of results to show once the hits of a page have been checked with the policy:
/// the engine's count less the hits left out (an external engine may be behind, or answer with
/// what the viewer may not see), and exactly what was shown when this page is the last.
pub fn surviving_total(results: &super::SearchResults, shown: usize, offset: i64, limit: i64) -> i64 {
    let shown = shown as i64;
    let dropped = results.hits.len() as i64 - shown;
    if dropped <= 0 {
        return results.total;
    }
    if (results.hits.len() as i64) < limit { offset + shown } else { (results.total - dropped).max(offset + shown) }
}

type DocRow = (String, i64, Option<i64>, Option<i64>, String, Option<i64>, i64, NaiveDateTime);

/// The views of these hits, in the same order, leaving out any the viewer may not see.
pub fn load(
    conn: &mut DbConn,
    hits: &[(&'static str, i64)],
    guard: &crate::policy::Guard,
    words: &[&str],
    lang: crate::web::i18n::Lang,
) -> QueryResult<Vec<ResultView>> {
    if hits.is_empty() {
        return Ok(Vec::new());
    }
    let ref_ids: Vec<i64> = hits.iter().map(|h| h.1).collect();
    let mut query = search_docs::table.filter(search_docs::ref_id.eq_any(&ref_ids)).into_boxed();
    if let Some(ids) = guard.audience_ids() {
        query = query.filter(search_docs::audience_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<DocRow> = query
        .select((
            search_docs::kind,
            search_docs::ref_id,
            search_docs::parent_id,
            search_docs::author_id,
            search_docs::place_kind,
            search_docs::place_id,
            search_docs::audience_id,
            search_docs::published_at,
        ))
        .load(conn)?;
    let rows: HashMap<(String, i64), DocRow> = rows.into_iter().map(|r| ((r.0.clone(), r.1), r)).collect();
    let visible: Vec<&DocRow> = hits.iter().filter_map(|(k, id)| rows.get(&(k.to_string(), *id))).collect();

    let content_rows: Vec<&DocRow> = visible.iter().copied().filter(|r| r.0 != docs::KIND_PERSON).collect();
    let mut content_ids: Vec<i64> = content_rows.iter().map(|r| r.1).collect();
    content_ids.extend(content_rows.iter().filter_map(|r| r.2));
    let texts: HashMap<i64, (String, String)> = contents::table
        .filter(contents::id.eq_any(&content_ids))
        .select((contents::id, contents::title, contents::body_md))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, title, body)| (id, (title, body)))
        .collect();
    let paths = crate::kinds::registry().paths_for(conn, &content_rows.iter().map(|r| r.1).collect::<Vec<_>>())?;
    let mut tags = content::tags::for_contents(conn, &content_rows.iter().map(|r| r.1).collect::<Vec<_>>())?;
    let blog_ids: Vec<i64> = content_rows.iter().filter(|r| r.4 == docs::PLACE_BLOG).filter_map(|r| r.5).collect();
    let board_ids: Vec<i64> = content_rows.iter().filter(|r| r.4 == docs::PLACE_BOARD).filter_map(|r| r.5).collect();
    let places = docs::places(conn, &blog_ids, &board_ids)?;
    let person_ids: Vec<i64> = visible.iter().filter_map(|r| r.3).collect();
    let people: HashMap<i64, (AuthorView, String)> = users::table
        .filter(users::id.eq_any(&person_ids))
        .select((users::id, users::username, users::display_name, users::roles, users::bio_md))
        .load::<(i64, String, String, String, String)>(conn)?
        .into_iter()
        .map(|(id, username, display_name, roles, bio)| {
            (id, (AuthorView::from_row(username, display_name, &roles), bio))
        })
        .collect();

    let mut out = Vec::with_capacity(visible.len());
    for (kind, ref_id, parent_id, author_id, place_kind, place_id, _, published_at) in visible {
        let Some(kind) = docs::known_kind(kind) else { continue };
        if kind == docs::KIND_PERSON {
            let Some((author, bio)) = people.get(ref_id) else { continue };
            let title = format!("{} (@{})", author.name(), author.username);
            out.push(ResultView {
                kind,
                url: author.url(),
                title: text::highlight(&title, words),
                snippet: text::snippet(&markdown::plain_text(bio), words, SNIPPET_CHARS),
                place: None,
                author: Some(author.clone()),
                date: *published_at,
                tags: Vec::new(),
            });
            continue;
        }
        let (Some((own_title, body)), Some(url)) = (texts.get(ref_id), paths.get(ref_id)) else { continue };
        // A comment or reply (untitled) is titled by what it answers; an article keeps its own.
        let title = match parent_id.and_then(|p| texts.get(&p)) {
            Some((parent_title, _)) if own_title.is_empty() => {
                lang.ta("search-reply-to", &[("title", parent_title.clone())])
            }
            _ => own_title.clone(),
        };
        out.push(ResultView {
            kind,
            url: url.clone(),
            title: text::highlight(&title, words),
            snippet: text::snippet(&markdown::plain_text(body), words, SNIPPET_CHARS),
            place: place_id.and_then(|id| places.get(&(place_kind.clone(), id))).cloned(),
            author: author_id.and_then(|id| people.get(&id)).map(|p| p.0.clone()),
            date: *published_at,
            tags: tags.remove(ref_id).unwrap_or_default(),
        });
    }
    Ok(out)
}
