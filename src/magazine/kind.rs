//! Magazine issues and articles as content kinds.

use std::collections::HashMap;

use diesel::QueryResult;

use crate::content::kind::ContentKind;
use crate::db::DbConn;

pub struct IssueKind;
pub struct ArticleKind;

pub static ISSUE: IssueKind = IssueKind;
pub static ARTICLE: ArticleKind = ArticleKind;

impl ContentKind for IssueKind {
    fn kind(&self) -> &'static str {
        super::KIND_ISSUE
    }

    fn label_key(&self) -> &'static str {
        "search-kind-issue"
    }

    fn noun_key(&self) -> &'static str {
        "noun-issue"
    }

    fn paths(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        super::queries::issue_paths(conn, ids)
    }

    /// Its articles are what search finds; the issue is their cover.
    fn searchable(&self) -> bool {
        false
    }
}

impl ContentKind for ArticleKind {
    fn kind(&self) -> &'static str {
        super::KIND_ARTICLE
    }

    fn label_key(&self) -> &'static str {
        "search-kind-article"
    }

    fn noun_key(&self) -> &'static str {
        "noun-article"
    }

    fn paths(&self, conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
        super::queries::paths(conn, ids)
    }

    fn reactions(&self) -> bool {
        true
    }
}
