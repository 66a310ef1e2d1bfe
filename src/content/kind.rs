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

use diesel::QueryResult;

use super::Content;
use crate::db::{DbConn, Tx};

pub trait ContentKind: Send + Sync {
    /// The value of `contents.kind`.
    fn kind(&self) -> &'static str;

    /// Catalog key of the kind's name ("Post", "Reply"…), for results and notifications.
    fn label_key(&self) -> &'static str;

    /// Site paths of many pieces of this kind at once (a reply's path leads into its topic's
    /// page). Pieces whose place is gone are left out.
    fn paths(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>>;

    /// Kinds shown on their parent's page (comments): the anchor there. The registry then finds
    /// the parent's address, whatever its kind, instead of calling `paths`.
    fn anchor_in_parent(&self, _id: i64) -> Option<String> {
        None
    }

    /// The address that never changes (feed entry ids): `/posts/12`, `/replies/7`.
    fn permalink(&self, id: i64) -> String;

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

    /// Is it found by search (as a document of its own kind)?
    fn searchable(&self) -> bool {
        true
    }
}

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

    pub fn all(&self) -> &[&'static dyn ContentKind] {
        &self.kinds
    }

    /// The `&'static str` of a kind read from the database, if it is a known one.
    pub fn known(&self, kind: &str) -> Option<&'static str> {
        self.get(kind).map(|k| k.kind())
    }

    /// Site paths of many pieces of any kinds, in one query per kind present.
    pub fn paths_for(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        let mut by_kind: HashMap<String, Vec<i64>> = HashMap::new();
        for (id, kind) in super::kinds_of(conn, ids)? {
            by_kind.entry(kind).or_default().push(id);
        }
        let mut out = HashMap::new();
        let mut anchored: Vec<(i64, String)> = Vec::new();
        for (kind, ids) in by_kind {
            let Some(k) = self.get(&kind) else { continue };
            if k.anchor_in_parent(0).is_some() {
                anchored.extend(ids.iter().filter_map(|id| Some((*id, k.anchor_in_parent(*id)?))));
            } else {
                out.extend(k.paths(conn, &ids)?);
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
}
