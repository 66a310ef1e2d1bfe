//! `plaza rerender`: render every stored Markdown text again, so that stored HTML follows the
//! sanitizer's current rules (pages serve what was rendered when it was saved). In batches, each
//! its own unit of work; only rows whose HTML changes are written (and re-indexed).

use diesel::prelude::*;

use crate::content::markdown;
use crate::db::DbConn;
use crate::db::schema::{contents, idea_status_changes, users};

const BATCH: i64 = 500;

#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub contents: u64,
    pub profiles: u64,
    pub notes: u64,
    /// Rows whose stored HTML was different.
    pub changed: u64,
}

/// Render everything again. `progress` hears (what, rows done so far).
pub fn all(conn: &mut DbConn, progress: &dyn Fn(&str, u64)) -> anyhow::Result<Stats> {
    let mut stats = Stats::default();
    let mut after = 0_i64;
    loop {
        let rows: Vec<(i64, String, String)> = contents::table
            .filter(contents::id.gt(after))
            .order(contents::id.asc())
            .limit(BATCH)
            .select((contents::id, contents::body_md, contents::body_html))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0) else { break };
        stats.changed += crate::db::write(conn, |tx| -> QueryResult<u64> {
            let mut changed = 0;
            for (id, md, html) in &rows {
                let fresh = markdown::render(md);
                if fresh.as_str() != html {
                    diesel::update(contents::table.find(id))
                        .set(contents::body_html.eq(fresh.as_str()))
                        .execute(tx.conn())?;
                    tx.touch(*id);
                    changed += 1;
                }
            }
            Ok(changed)
        })?;
        stats.contents += rows.len() as u64;
        after = last;
        progress("content", stats.contents);
    }
    after = 0;
    loop {
        let rows: Vec<(i64, String, String)> = users::table
            .filter(users::id.gt(after))
            .order(users::id.asc())
            .limit(BATCH)
            .select((users::id, users::bio_md, users::bio_html))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0) else { break };
        stats.changed += crate::db::write(conn, |tx| -> QueryResult<u64> {
            let mut changed = 0;
            for (id, md, html) in &rows {
                let fresh = markdown::render(md);
                if fresh.as_str() != html {
                    diesel::update(users::table.find(id)).set(users::bio_html.eq(fresh.as_str())).execute(tx.conn())?;
                    changed += 1;
                }
            }
            Ok(changed)
        })?;
        stats.profiles += rows.len() as u64;
        after = last;
        progress("profiles", stats.profiles);
    }
    after = 0;
    loop {
        let rows: Vec<(i64, String, String)> = idea_status_changes::table
            .filter(idea_status_changes::id.gt(after))
            .order(idea_status_changes::id.asc())
            .limit(BATCH)
            .select((idea_status_changes::id, idea_status_changes::note_md, idea_status_changes::note_html))
            .load(conn)?;
        let Some(last) = rows.last().map(|r| r.0) else { break };
        stats.changed += crate::db::write(conn, |tx| -> QueryResult<u64> {
            let mut changed = 0;
            for (id, md, html) in &rows {
                let fresh = markdown::render(md);
                if fresh.as_str() != html {
                    diesel::update(idea_status_changes::table.find(id))
                        .set(idea_status_changes::note_html.eq(fresh.as_str()))
                        .execute(tx.conn())?;
                    changed += 1;
                }
            }
            Ok(changed)
        })?;
        stats.notes += rows.len() as u64;
        after = last;
        progress("status notes", stats.notes);
    }
    Ok(stats)
}
