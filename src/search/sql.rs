//! The two database backends: SQLite FTS5 and PostgreSQL full-text search. Both keep their
//! index in the same database (and transaction) as the content. This is the one module that
//! writes backend-specific SQL for search.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::docs::{self, Doc};
use super::text::{Part, Query, index_text};
use super::{SearchError, SearchIndex, SearchRequest, SearchResults, Sort};
use crate::db::{Backend, DbConn, Tx};

/// Results counted exactly up to this many; beyond, the page says "more than".
pub const COUNT_CAP: i64 = 1000;

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct KeyRow {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    ref_id: i64,
}

#[derive(QueryableByName)]
struct HitRow {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    ref_id: i64,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

const UPSERT_COLUMNS: &str = "kind, ref_id, parent_id, author_id, place_kind, place_id, audience_id, published_at";
const UPSERT_SET: &str = "parent_id = excluded.parent_id, author_id = excluded.author_id, \
    place_kind = excluded.place_kind, place_id = excluded.place_id, audience_id = excluded.audience_id, \
    published_at = excluded.published_at";

fn id_list(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// Put documents in the database index, replacing earlier versions.
pub fn upsert(tx: &mut Tx<'_>, docs: &[Doc]) -> QueryResult<()> {
    for d in docs {
        let title = index_text(&d.title);
        let tags = index_text(&d.tags.join(" "));
        let body = index_text(&d.body);
        macro_rules! meta {
            ($q:expr) => {
                diesel::sql_query($q)
                    .bind::<Text, _>(d.kind)
                    .bind::<BigInt, _>(d.ref_id)
                    .bind::<Nullable<BigInt>, _>(d.parent_id)
                    .bind::<Nullable<BigInt>, _>(d.author_id)
                    .bind::<Text, _>(d.place_kind)
                    .bind::<Nullable<BigInt>, _>(d.place_id)
                    .bind::<BigInt, _>(d.audience_id)
                    .bind::<Timestamp, _>(d.published_at)
            };
        }
        match tx.conn() {
            DbConn::Sqlite(c) => {
                let row: IdRow = meta!(format!(
                    "INSERT INTO search_docs ({UPSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
                     ON CONFLICT (kind, ref_id) DO UPDATE SET {UPSERT_SET} RETURNING id"
                ))
                .get_result(c)?;
                diesel::sql_query("DELETE FROM search_fts WHERE rowid = ?").bind::<BigInt, _>(row.id).execute(c)?;
                diesel::sql_query("INSERT INTO search_fts (rowid, title, tags, body) VALUES (?, ?, ?, ?)")
                    .bind::<BigInt, _>(row.id)
                    .bind::<Text, _>(&title)
                    .bind::<Text, _>(&tags)
                    .bind::<Text, _>(&body)
                    .execute(c)?;
            }
            DbConn::Postgresql(c) => {
                meta!(format!(
                    "INSERT INTO search_docs ({UPSERT_COLUMNS}, tsv) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                     setweight(to_tsvector('english', $9), 'A') || setweight(to_tsvector('english', $10), 'B') \
                     || setweight(to_tsvector('english', $11), 'D')) \
                     ON CONFLICT (kind, ref_id) DO UPDATE SET {UPSERT_SET}, tsv = excluded.tsv"
                ))
                .bind::<Text, _>(&title)
                .bind::<Text, _>(&tags)
                .bind::<Text, _>(&body)
                .execute(c)?;
            }
        }
    }
    Ok(())
}

/// Take documents out: `where_sql` selects the search_docs rows (built from integers and
/// constants only). Returns the (kind, ref_id) of what was removed.
fn remove_where(tx: &mut Tx<'_>, where_sql: &str) -> QueryResult<Vec<(&'static str, i64)>> {
    let sql = format!("DELETE FROM search_docs WHERE {where_sql} RETURNING id, kind, ref_id");
    let rows: Vec<KeyRow> = diesel::sql_query(sql).load(tx.conn())?;
    if let DbConn::Sqlite(c) = tx.conn() {
        for r in &rows {
            diesel::sql_query("DELETE FROM search_fts WHERE rowid = ?").bind::<BigInt, _>(r.id).execute(c)?;
        }
    }
    Ok(rows.into_iter().filter_map(|r| Some((docs::known_kind(&r.kind)?, r.ref_id))).collect())
}

/// Remove these pieces of content and everything under them (a post's comments, a topic's replies).
pub fn remove_content(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<Vec<(&'static str, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids);
    remove_where(tx, &format!("kind <> '{}' AND (ref_id IN ({list}) OR parent_id IN ({list}))", docs::KIND_PERSON))
}

/// Take out these pieces' own documents (not what is under them).
pub fn remove_content_only(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<Vec<(&'static str, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    remove_where(tx, &format!("kind <> '{}' AND ref_id IN ({})", docs::KIND_PERSON, id_list(ids)))
}

pub fn remove_people(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<Vec<(&'static str, i64)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    remove_where(tx, &format!("kind = '{}' AND ref_id IN ({})", docs::KIND_PERSON, id_list(ids)))
}

/// Take out documents whose content or person no longer exists at all.
pub fn remove_orphans(tx: &mut Tx<'_>) -> QueryResult<usize> {
    let person = docs::KIND_PERSON;
    Ok(remove_where(
        tx,
        &format!(
            "(kind <> '{person}' AND ref_id NOT IN (SELECT id FROM contents)) \
             OR (kind = '{person}' AND ref_id NOT IN (SELECT id FROM users))"
        ),
    )?
    .len())
}

/// Empty the database index (a rebuild from scratch).
pub fn clear(tx: &mut Tx<'_>) -> QueryResult<()> {
    match tx.conn() {
        DbConn::Sqlite(c) => {
            diesel::sql_query("DELETE FROM search_docs").execute(c)?;
            diesel::sql_query("INSERT INTO search_fts (search_fts) VALUES ('delete-all')").execute(c)?;
        }
        DbConn::Postgresql(c) => {
            diesel::sql_query("DELETE FROM search_docs").execute(c)?;
        }
    }
    Ok(())
}

/// The WHERE conditions every backend query shares (visibility and filters). Only integers,
/// timestamps formatted from typed values, and constants reach the SQL text.
fn filters_sql(req: &SearchRequest) -> String {
    let mut sql = match &req.audiences {
        None => String::new(),
        Some(ids) if ids.is_empty() => " AND 1 = 0".to_string(),
        Some(ids) => format!(" AND d.audience_id IN ({})", id_list(ids)),
    };
    if let Some(kind) = req.kind {
        sql.push_str(&format!(" AND d.kind = '{kind}'"));
    }
    if let Some(author) = req.author_id {
        sql.push_str(&format!(" AND d.author_id = {author} AND d.kind <> '{}'", docs::KIND_PERSON));
    }
    if let Some((place_kind, place_id)) = req.place {
        sql.push_str(&format!(" AND d.place_kind = '{place_kind}' AND d.place_id = {place_id}"));
    }
    if let Some(tag) = req.tag_id {
        sql.push_str(&format!(
            " AND d.kind IN ('{}', '{}') AND EXISTS (SELECT 1 FROM content_tags ct \
             WHERE ct.content_id = d.ref_id AND ct.tag_id = {tag})",
            docs::KIND_POST,
            docs::KIND_TOPIC
        ));
    }
    if let Some(from) = req.from {
        sql.push_str(&format!(" AND d.published_at >= '{}'", from.format("%Y-%m-%d %H:%M:%S")));
    }
    if let Some(until) = req.until {
        sql.push_str(&format!(" AND d.published_at < '{}'", until.format("%Y-%m-%d %H:%M:%S")));
    }
    sql
}

fn fts5_quote(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

fn fts5_part(p: &Part) -> String {
    if p.phrase {
        fts5_quote(&p.words.join(" "))
    } else {
        p.words.iter().map(|w| fts5_quote(w)).collect::<Vec<_>>().join(" AND ")
    }
}

/// An FTS5 MATCH expression in which every word is a quoted string: no user text can be an operator.
pub fn fts5_expression(q: &Query) -> String {
    let mut expr = q.include.iter().map(|p| format!("({})", fts5_part(p))).collect::<Vec<_>>().join(" AND ");
    for p in &q.exclude {
        expr.push_str(&format!(" NOT ({})", fts5_part(p)));
    }
    expr
}

fn tsquery_quote(word: &str) -> String {
    format!("'{}'", word.replace('\\', "\\\\").replace('\'', "''"))
}

fn tsquery_part(p: &Part) -> String {
    let sep = if p.phrase { " <-> " } else { " & " };
    format!("({})", p.words.iter().map(|w| tsquery_quote(w)).collect::<Vec<_>>().join(sep))
}

/// A to_tsquery('english', …) input with every word quoted.
pub fn tsquery_expression(q: &Query) -> String {
    let mut parts: Vec<String> = q.include.iter().map(tsquery_part).collect();
    parts.extend(q.exclude.iter().map(|p| format!("!{}", tsquery_part(p))));
    parts.join(" & ")
}

fn results(hits: Vec<HitRow>, total: i64) -> SearchResults {
    SearchResults {
        hits: hits.into_iter().filter_map(|h| Some((docs::known_kind(&h.kind)?, h.ref_id))).collect(),
        total,
        total_is_estimate: total > COUNT_CAP,
    }
}

/// Relevance is computed over at most this many matches: the newest ones. Ranking every match of
/// a word found in half a million documents costs hundreds of milliseconds and changes nothing a
/// reader sees on the first pages; recent content is what a community looks for first. Words
/// with fewer matches (most searches) are ranked in full.
pub const RANK_WINDOW: i64 = 2_000;

/// Run a search: `hits_sql` (the backend's own, with the match expression as its one bind
/// parameter) gives one page of hits; `from` (FROM/WHERE, same parameter) is counted up to the cap,
/// newest first (`newest`: the ORDER BY that walks the index backwards), so a date filter on
/// recent content stops early instead of passing over years of older matches.
fn run(conn: &mut DbConn, expr: &str, hits_sql: String, from: &str, newest: &str) -> QueryResult<SearchResults> {
    let hits: Vec<HitRow> = diesel::sql_query(hits_sql).bind::<Text, _>(expr).load(conn)?;
    let total: CountRow = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM (SELECT 1 {from} ORDER BY {newest} LIMIT {}) t",
        COUNT_CAP + 1
    ))
    .bind::<Text, _>(expr)
    .get_result(conn)?;
    Ok(results(hits, total.n))
}

/// SQLite FTS5: bm25 with the title weighing most, then tags, then the body.
pub struct SqliteFts;

impl SearchIndex for SqliteFts {
    fn name(&self) -> &'static str {
        "sqlite-fts5"
    }

    fn search(&self, conn: &mut DbConn, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        if conn.backend() != Backend::Sqlite {
            return Err(SearchError::Unavailable("SQLite FTS5 needs a SQLite database".into()));
        }
        let from = format!(
            "FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid WHERE search_fts MATCH ?{}",
            filters_sql(req)
        );
        let (limit, offset) = (req.limit, req.offset);
        // FTS5 walks a word's documents newest first (rowid order is publication order) and stops
        // after the window, so bm25 is computed for at most `rank_window` rows.
        let hits_sql = match req.sort {
            Sort::Relevance => format!(
                "SELECT kind, ref_id FROM (SELECT d.kind AS kind, d.ref_id AS ref_id, search_fts.rowid AS id, \
                 bm25(search_fts, 10.0, 2.0, 1.0) AS score {from} ORDER BY search_fts.rowid DESC LIMIT {}) \
                 ORDER BY score, id DESC LIMIT {limit} OFFSET {offset}",
                req.rank_window
            ),
            Sort::Newest => format!(
                "SELECT d.kind AS kind, d.ref_id AS ref_id {from} ORDER BY search_fts.rowid DESC \
                 LIMIT {limit} OFFSET {offset}"
            ),
        };
        Ok(run(conn, &fts5_expression(&req.query), hits_sql, &from, "search_fts.rowid DESC")?)
    }
}

/// PostgreSQL: a tsvector per document with a GIN index, ranked by ts_rank.
pub struct PostgresFts;

impl SearchIndex for PostgresFts {
    fn name(&self) -> &'static str {
        "postgresql-fts"
    }

    fn search(&self, conn: &mut DbConn, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        if conn.backend() != Backend::Postgres {
            return Err(SearchError::Unavailable("PostgreSQL full-text search needs a PostgreSQL database".into()));
        }
        let from = format!("FROM search_docs d, to_tsquery('english', $1) q WHERE d.tsv @@ q{}", filters_sql(req));
        let (limit, offset) = (req.limit, req.offset);
        // ts_rank reads each document's tsvector: rank only the newest `rank_window` matches.
        let hits_sql = match req.sort {
            Sort::Relevance => format!(
                "SELECT d.kind AS kind, d.ref_id AS ref_id \
                 FROM (SELECT d.id {from} ORDER BY d.id DESC LIMIT {}) w \
                 JOIN search_docs d ON d.id = w.id, to_tsquery('english', $1) q \
                 ORDER BY ts_rank(d.tsv, q) DESC, d.id DESC LIMIT {limit} OFFSET {offset}",
                req.rank_window
            ),
            Sort::Newest => {
                format!(
                    "SELECT d.kind AS kind, d.ref_id AS ref_id {from} ORDER BY d.id DESC LIMIT {limit} OFFSET {offset}"
                )
            }
        };
        Ok(run(conn, &tsquery_expression(&req.query), hits_sql, &from, "d.id DESC")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_quote_every_word() {
        let q = Query::parse(r#"install "quick start" -beta NEAR"#);
        assert_eq!(fts5_expression(&q), r#"("install") AND ("quick start") AND ("NEAR") NOT ("beta")"#);
        assert_eq!(tsquery_expression(&q), "('install') & ('quick' <-> 'start') & ('NEAR') & !('beta')");
    }
}
