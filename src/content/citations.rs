//! A piece of content that links to another on the site cites it; the cited one lists "cited by".
//! Which links lead where is each kind's knowledge (`ContentKind::resolve`, through the registry).

use diesel::prelude::*;

use crate::db::schema::{citations, contents};
use crate::db::{DbConn, Tx, ignore_duplicate};
use crate::policy::Guard;

/// The site path a link points at, split into decoded segments: `/blogs/ann/hello` →
/// ["blogs", "ann", "hello"]. `None` for links elsewhere.
pub fn site_segments(base_url: &str, link: &str) -> Option<Vec<String>> {
    let path = link.strip_prefix(base_url).unwrap_or(link);
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let path = path.split(['#', '?']).next().unwrap_or("");
    Some(
        path.split('/')
            .skip(1)
            .map(|s| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .map(|(_, v)| v.into_owned())
                    .next()
                    .unwrap_or_default()
            })
            .collect(),
    )
}

pub fn set_for(tx: &mut Tx<'_>, citing_id: i64, cited: &[i64]) -> QueryResult<()> {
    // The pages it stops citing lose it from their "cited by" (the ones it cites are named by
    // `content::listing` from the rows written here).
    let before: Vec<i64> =
        citations::table.filter(citations::citing_id.eq(citing_id)).select(citations::cited_id).load(tx.conn())?;
    for id in before {
        tx.stale(super::listing::content_key(id));
    }
    diesel::delete(citations::table.filter(citations::citing_id.eq(citing_id))).execute(tx.conn())?;
    for &cited_id in cited.iter().filter(|&&c| c != citing_id) {
        ignore_duplicate(tx, |conn| {
            diesel::insert_into(citations::table)
                .values((citations::citing_id.eq(citing_id), citations::cited_id.eq(cited_id)))
                .execute(conn)
        })?;
    }
    Ok(())
}

/// Ids of what cites `cited_id`, among what the viewer may read.
pub fn citing(conn: &mut DbConn, guard: &Guard, cited_id: i64) -> QueryResult<Vec<i64>> {
    citations::table
        .inner_join(contents::table.on(contents::id.eq(citations::citing_id)))
        .filter(citations::cited_id.eq(cited_id))
        .into_boxed()
        .filter(guard.content_filter())
        .select(citations::citing_id)
        .load(conn)
}
