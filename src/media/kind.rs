//! The media item as a content kind: never searched or listed on its own (it is seen where it is
//! shown), addressed at `/media/{id}`.

use std::collections::HashMap;

use diesel::QueryResult;

use crate::content::kind::ContentKind;
use crate::db::DbConn;

pub struct MediaKind;

pub static MEDIA: MediaKind = MediaKind;

impl ContentKind for MediaKind {
    fn kind(&self) -> &'static str {
        super::KIND_MEDIA
    }

    fn label_key(&self) -> &'static str {
        "search-kind-media"
    }

    fn noun_key(&self) -> &'static str {
        "noun-media"
    }

    fn paths(&self, _conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        Ok(ids.iter().map(|id| (*id, format!("/media/{id}"))).collect())
    }

    fn permalink(&self, id: i64, _parent_id: Option<i64>) -> String {
        format!("/media/{id}")
    }

    fn searchable(&self) -> bool {
        false
    }
}
