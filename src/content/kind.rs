//! Content kinds plug in here. Every kind (post, comment, topic, reply, official response; later
//! magazine article and media item) implements [`ContentKind`] in its own part and is listed once
//! in `crate::kinds`. Shared code (notifications, search, feeds, profiles) asks the [`Registry`]
//! instead of knowing the parts.
//!
//! What every kind has in common is on the `contents` row: its audience (who may read it) and
//! state (`live`), its parent and place, its title and text. So the search document, the policy
//! check and the feed entry of a kind come from the row; a kind adds what only it knows: its
//! address, its name, and what its notifications say.

use std::collections::HashMap;

use diesel::prelude::*;

use super::feeds::FeedItem;
use super::{Body, Content};
use crate::db::schema::{contents, users};
use crate::db::{DbConn, Tx};
use crate::web::Lang;

pub trait ContentKind: Send + Sync {
    /// The value of `contents.kind`.
    fn kind(&self) -> &'static str;

    /// Catalog key of the kind's name ("Blog post", "Forum reply"…), for search results.
    fn label_key(&self) -> &'static str;

    /// Catalog key of the kind as notifications and e-mails name it in a sentence ("a post",
    /// "a reply": "Ann mentioned you in a reply").
    fn noun_key(&self) -> &'static str;

    /// Site paths of many pieces of this kind at once (a reply's path leads into its topic's
    /// page). Pieces whose place is gone are left out. Kinds shown on their parent's page say
    /// so with `anchor_in_parent` instead.
    fn paths(&self, _conn: &mut DbConn, _ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        Ok(HashMap::new())
    }

    /// Kinds shown on their parent's page (comments, an official response): the anchor there.
    /// The registry then finds the parent's address, whatever its kind, instead of calling
    /// `paths`.
    fn anchor_in_parent(&self, _id: i64) -> Option<String> {
        None
    }

    /// The address that never changes, the id of its feed entries: `/posts/12`, `/replies/7`.
    fn permalink(&self, id: i64, _parent_id: Option<i64>) -> String {
        format!("/content/{id}")
    }

    /// The title of its feed entry. Kinds without a title of their own name their author
    /// ("Reply by Ann").
    fn feed_title(&self, title: &str, _author: &str, _lang: Lang) -> String {
        title.to_string()
    }

    /// The piece a site path leads to, if it is one of this kind's addresses (for citations):
    /// `segments` are the path's decoded segments.
    fn resolve(&self, _conn: &mut DbConn, _segments: &[String]) -> QueryResult<Option<i64>> {
        Ok(None)
    }

    /// A piece of this kind was hidden (`visible` false) or shown again by a moderator: move
    /// the counts kept about it (a board's topics, a post's comments). `c` is the row before.
    fn visibility_changed(&self, _tx: &mut Tx<'_>, _c: &Content, _visible: bool) -> QueryResult<()> {
        Ok(())
    }

    /// A moderator deleted a piece of this kind (after `visibility_changed`, when it was
    /// visible): remove what only the kind keeps about it (a review's rating).
    fn removed(&self, _tx: &mut Tx<'_>, _c: &Content) -> QueryResult<()> {
        Ok(())
    }

    /// Pieces of this kind changed in the unit of work (called before it commits): bring the
    /// counts the kind keeps about them in line (a blog's posts and newest date).
    fn sync_counts(&self, _tx: &mut Tx<'_>, _ids: &[i64]) -> QueryResult<()> {
        Ok(())
    }

    /// Which of these pieces are accepted answers (counted on their author's profile).
    fn accepted_among(&self, _conn: &mut DbConn, _ids: &[i64]) -> QueryResult<Vec<i64>> {
        Ok(Vec::new())
    }

    /// Is it found by search (as a document of its own kind)? Its document comes from its
    /// row (title, text, tags, place, audience).
    fn searchable(&self) -> bool {
        true
    }

    /// Does it take reactions beyond "like" (`content::reactions`)?
    fn reactions(&self) -> bool {
        false
    }

    /// How a moderator edits a piece of this kind from the review queue: its text (and title),
    /// or not at all here (`None`: it has its own editors, like the magazine's).
    fn moderator_edit(&self) -> Option<ModeratorEdit> {
        None
    }

    /// Save a moderator's edit: the version before is kept, the piece marked as edited. A
    /// kind whose title names something else (a topic's slug) keeps that in line.
    fn save_moderator_edit(
        &self,
        tx: &mut Tx<'_>,
        old: &Content,
        editor_id: i64,
        title: &str,
        body: &Body,
    ) -> QueryResult<()> {
        super::revisions::record(tx, old, editor_id)?;
        super::save_edit(tx, old.id, title, body)
    }
}

/// What a moderator may change of a piece, and how long its text may be.
#[derive(Clone, Copy, Debug)]
pub struct ModeratorEdit {
    pub titled: bool,
    pub max_chars: usize,
}

/// What a feed entry is made of: (id, kind, parent, title, html, excerpt, created, published,
/// edited, username, display name).
type FeedRow = (
    i64,
    String,
    Option<i64>,
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
    String,
    String,
);

/// The kinds a site knows, in one list.
pub struct Registry {
    kinds: Vec<&'static dyn ContentKind>,
}

impl Registry {
    pub fn new(kinds: Vec<&'static dyn ContentKind>) -> Self {
        Registry { kinds }
    }

    pub fn get(&self, kind: &str) -> Option<&'static dyn ContentKind> {
        self.kinds.iter().copied().find(|k| k.kind() == kind)
    }

    /// Every kind, in the order they are listed.
    pub fn all(&self) -> &[&'static dyn ContentKind] {
        &self.kinds
    }

    /// Site paths of many pieces of any kinds, in one query per kind present.
    pub fn paths_for(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        let kinds = super::kinds_of(conn, ids)?;
        self.paths_of_kinds(conn, kinds)
    }

    /// Site paths of pieces whose kinds are known: (id, kind).
    fn paths_of_kinds(&self, conn: &mut DbConn, pieces: Vec<(i64, String)>) -> QueryResult<HashMap<i64, String>> {
        let mut by_kind: HashMap<String, Vec<i64>> = HashMap::new();
        for (id, kind) in pieces {
            by_kind.entry(kind).or_default().push(id);
        }
        let mut out = HashMap::new();
        let mut anchored: Vec<(i64, String)> = Vec::new();
        for (kind, ids) in by_kind {
            let Some(k) = self.get(&kind) else { continue };
            let anchors: Vec<(i64, String)> =
                ids.iter().filter_map(|id| Some((*id, k.anchor_in_parent(*id)?))).collect();
            if anchors.is_empty() {
                out.extend(k.paths(conn, &ids)?);
            } else {
                anchored.extend(anchors);
            }
        }
        if !anchored.is_empty() {
            let ids: Vec<i64> = anchored.iter().map(|a| a.0).collect();
            let parents = super::parents_of(conn, &ids)?;
            let parent_ids: Vec<i64> = parents.values().copied().collect();
            // Parents of anchored kinds have addresses of their own (one level deep).
            let parent_paths = self.paths_for(conn, &parent_ids)?;
            for (id, anchor) in anchored {
                if let Some(path) = parents.get(&id).and_then(|p| parent_paths.get(p)) {
                    out.insert(id, format!("{path}{anchor}"));
                }
            }
        }
        Ok(out)
    }

    /// The pieces that links in a text point at (relative, or absolute under `base_url`).
    pub fn resolve_links(&self, conn: &mut DbConn, base_url: &str, links: &[String]) -> QueryResult<Vec<i64>> {
        let mut ids = Vec::new();
        for link in links {
            let Some(segments) = super::citations::site_segments(base_url, link) else { continue };
            for k in &self.kinds {
                if let Some(id) = k.resolve(conn, &segments)? {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                    break;
                }
            }
        }
        Ok(ids)
    }

    pub fn path_of(&self, conn: &mut DbConn, id: i64) -> QueryResult<Option<String>> {
        Ok(self.paths_for(conn, &[id])?.remove(&id))
    }

    /// The catalog key naming a piece's kind in a sentence ("a reply"), "" if unknown.
    pub fn noun_key(&self, kind: &str) -> &'static str {
        self.get(kind).map_or("", |k| k.noun_key())
    }

    /// Feed entries for these pieces, in this order, whatever their kinds: each kind says its
    /// entry's id and title, the rest is on the row. The caller chose the ids with the policy.
    /// Links are absolute under `base_url`; pieces without an address are left out.
    pub fn feed_items(&self, conn: &mut DbConn, ids: &[i64], lang: Lang, base_url: &str) -> QueryResult<Vec<FeedItem>> {
        let rows: Vec<FeedRow> = contents::table
            .inner_join(users::table.on(users::id.eq(contents::author_id)))
            .filter(contents::id.eq_any(ids))
            .select((
                contents::id,
                contents::kind,
                contents::parent_id,
                contents::title,
                contents::body_html,
                contents::excerpt,
                contents::created_at,
                contents::published_at,
                contents::edited_at,
                users::username,
                users::display_name,
            ))
            .load(conn)?;
        let paths = self.paths_of_kinds(conn, rows.iter().map(|r| (r.0, r.1.clone())).collect())?;
        let mut tags = super::tags::for_contents(conn, ids)?;
        let mut rows: HashMap<i64, FeedRow> = rows.into_iter().map(|r| (r.0, r)).collect();
        Ok(ids
            .iter()
            .filter_map(|id| {
                let (_, kind, parent, title, html, excerpt, created, published, edited, username, display_name) =
                    rows.remove(id)?;
                let kind = self.get(&kind)?;
                let path = paths.get(id)?;
                let author = if display_name.is_empty() { username } else { display_name };
                let published = published.unwrap_or(created);
                Some(FeedItem {
                    id: format!("{base_url}{}", kind.permalink(*id, parent)),
                    url: format!("{base_url}{path}"),
                    title: kind.feed_title(&title, &author, lang),
                    published,
                    updated: edited.map_or(published, |e| e.max(published)),
                    content_html: super::feeds::absolutize(&html, base_url),
                    summary: excerpt,
                    categories: tags.remove(id).unwrap_or_default().into_iter().map(|t| t.name).collect(),
                    enclosure: None,
                    author,
                })
            })
            .collect())
    }
}
