//! The blog post as a content kind.

use std::collections::HashMap;

use diesel::QueryResult;

use crate::content::kind::{ContentKind, ModeratorEdit};
use crate::db::{DbConn, Tx};

pub struct PostKind;

pub static POST: PostKind = PostKind;

impl ContentKind for PostKind {
    fn kind(&self) -> &'static str {
        super::KIND_POST
    }

    fn moderator_edit(&self) -> Option<ModeratorEdit> {
        Some(ModeratorEdit { titled: true, max_chars: crate::content::BODY_MAX })
    }

    fn label_key(&self) -> &'static str {
        "search-kind-post"
    }

    fn noun_key(&self) -> &'static str {
        "noun-post"
    }

    fn paths(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        super::queries::paths(conn, ids)
    }

    fn permalink(&self, id: i64, _parent_id: Option<i64>) -> String {
        format!("/posts/{id}")
    }

    fn resolve(&self, conn: &mut DbConn, segments: &[String]) -> QueryResult<Option<i64>> {
        super::queries::post_at(conn, segments)
    }

    fn sync_counts(&self, tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<()> {
        super::queries::sync_blog_counts(tx, ids)
    }
}
