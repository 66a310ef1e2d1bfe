//! `plaza rerender`: render every stored Markdown text again, so that stored HTML follows the
//! sanitizer's current rules (pages serve what was rendered when it was saved). In batches, each
//! its own unit of work; only rows whose HTML changes are written (and re-indexed).

use diesel::prelude::*;

use crate::content;
use crate::content::markdown;
use crate::db::schema::{contents, idea_status_changes, posts, users};
use crate::db::{DbConn, Tx};

const BATCH: i64 = 500;

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub contents: u64,
    pub profiles: u64,
    pub notes: u64,
    /// Rows whose stored HTML was different.
    pub changed: u64,
    /// Pieces whose stored excerpt was different (made by an older rule).
    pub excerpts: u64,
}

/// (id, author (for the media a text shows; 0: none), Markdown, stored HTML)
type Row = (i64, i64, String, String);

/// Go through one table in id order: `load` gives the rows after an id, `save` stores fresh HTML
/// for the Markdown it was rendered from, only while the row still has that Markdown (an edit
/// saved meanwhile rendered its own); it returns the rows it changed. Returns (rows read, rows
/// changed).
fn table(
    conn: &mut DbConn,
    what: &str,
    progress: &dyn Fn(&str, u64),
    load: impl Fn(&mut DbConn, i64) -> QueryResult<Vec<Row>>,
    save: impl Fn(&mut Tx<'_>, i64, &str, &str) -> QueryResult<usize>,
) -> anyhow::Result<(u64, u64)> {
    let (mut read, mut changed, mut after) = (0, 0, 0);
    loop {
        let rows = load(conn, after)?;
        let Some(last) = rows.last().map(|r| r.0) else { break };
        changed += crate::db::write(conn, |tx| -> QueryResult<u64> {
            let mut n = 0;
            for (id, author, md, html) in &rows {
                let embeds = if *author > 0 {
                    crate::media::embeds(tx, *author, Some(*id), md)?
                } else {
                    markdown::Embeds::new()
                };
                let fresh = markdown::render_with(md, &embeds).0;
                if fresh.as_str() != html {
                    n += save(tx, *id, md, fresh.as_str())? as u64;
                }
            }
            Ok(n)
        })?;
        read += rows.len() as u64;
        after = last;
        progress(what, read);
    }
    Ok((read, changed))
}

/// Render everything again. `progress` hears (what, rows done so far).
pub fn all(conn: &mut DbConn, progress: &dyn Fn(&str, u64)) -> anyhow::Result<Stats> {
    let (contents_read, a) = table(
        conn,
        "content",
        progress,
        |conn, after| {
            contents::table
                .filter(contents::id.gt(after))
                .order(contents::id.asc())
                .limit(BATCH)
                .select((contents::id, contents::author_id, contents::body_md, contents::body_html))
                .load(conn)
        },
        |tx, id, md, html| {
            let n = diesel::update(contents::table.find(id).filter(contents::body_md.eq(md)))
                .set(contents::body_html.eq(html))
                .execute(tx.conn())?;
            tx.touch(id);
            Ok(n)
        },
    )?;
    let (profiles, b) = table(
        conn,
        "profiles",
        progress,
        |conn, after| {
            users::table
                .filter(users::id.gt(after))
                .order(users::id.asc())
                .limit(BATCH)
                .select((users::id, 0i64.into_sql::<diesel::sql_types::BigInt>(), users::bio_md, users::bio_html))
                .load(conn)
        },
        |tx, id, md, html| {
            diesel::update(users::table.find(id).filter(users::bio_md.eq(md)))
                .set(users::bio_html.eq(html))
                .execute(tx.conn())
        },
    )?;
    let (notes, c) = table(
        conn,
        "status notes",
        progress,
        |conn, after| {
            idea_status_changes::table
                .filter(idea_status_changes::id.gt(after))
                .order(idea_status_changes::id.asc())
                .limit(BATCH)
                .select((
                    idea_status_changes::id,
                    0i64.into_sql::<diesel::sql_types::BigInt>(),
                    idea_status_changes::note_md,
                    idea_status_changes::note_html,
                ))
                .load(conn)
        },
        |tx, id, md, html| {
            diesel::update(idea_status_changes::table.find(id).filter(idea_status_changes::note_md.eq(md)))
                .set(idea_status_changes::note_html.eq(html))
                .execute(tx.conn())
        },
    )?;
    let excerpts = excerpts(conn, progress)?;
    Ok(Stats { contents: contents_read, profiles, notes, changed: a + b + c, excerpts })
}

/// Make every stored excerpt again from its source (a post's own excerpt, else the body), so
/// lists and descriptions follow the current rule. Pieces stored without one (media) keep none.
fn excerpts(conn: &mut DbConn, progress: &dyn Fn(&str, u64)) -> anyhow::Result<u64> {
    let (mut read, mut changed, mut after) = (0u64, 0u64, 0i64);
    loop {
        let rows: Vec<(i64, String, String, Option<String>)> = contents::table
            .left_join(posts::table)
            .filter(contents::id.gt(after))
            .order(contents::id.asc())
            .limit(BATCH)
            .select((contents::id, contents::body_md, contents::excerpt, posts::excerpt_md.nullable()))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0) else { break };
        changed += crate::db::write(conn, |tx| -> QueryResult<u64> {
            let mut n = 0;
            for (id, body_md, stored, own) in &rows {
                let source = own.as_deref().filter(|o| !o.trim().is_empty()).unwrap_or(body_md);
                let fresh = content::excerpt_of(source);
                if stored.is_empty() || fresh == *stored {
                    continue;
                }
                n += diesel::update(contents::table.find(id).filter(contents::excerpt.eq(stored)))
                    .set(contents::excerpt.eq(&fresh))
                    .execute(tx.conn())? as u64;
                tx.touch(*id);
            }
            Ok(n)
        })?;
        read += rows.len() as u64;
        after = last;
        progress("excerpts", read);
    }
    Ok(changed)
}
