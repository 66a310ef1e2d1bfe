//! A post that links to another post on the site cites it; the cited post lists "cited by".

use diesel::prelude::*;

use crate::db::schema::{blogs, citations, posts};
use crate::db::{DbConn, ignore_duplicate};

/// Find which of the links point at posts on this site: `/blog/{slug}`, `/blogs/{blog}/{slug}`,
/// relative or absolute under the base URL.
pub fn resolve_links(conn: &mut DbConn, base_url: &str, links: &[String]) -> QueryResult<Vec<i64>> {
    let mut ids = Vec::new();
    for link in links {
        let path = link.strip_prefix(base_url).unwrap_or(link);
        if !path.starts_with('/') || path.starts_with("//") {
            continue;
        }
        let path = path.split(['#', '?']).next().unwrap_or("");
        let segments: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|s| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .map(|(_, v)| v.into_owned())
                    .next()
                    .unwrap_or_default()
            })
            .collect();
        let found: Option<i64> = match segments.as_slice() {
            [first, slug] if first == "blog" => posts::table
                .inner_join(blogs::table)
                .filter(blogs::kind.eq(crate::blogs::KIND_ENTERPRISE))
                .filter(posts::slug.eq(slug))
                .select(posts::content_id)
                .first(conn)
                .optional()?,
            [first, blog, slug] if first == "blogs" => posts::table
                .inner_join(blogs::table)
                .filter(blogs::slug.eq(blog))
                .filter(posts::slug.eq(slug))
                .select(posts::content_id)
                .first(conn)
                .optional()?,
            _ => None,
        };
        if let Some(id) = found
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    Ok(ids)
}

pub fn set_for(conn: &mut DbConn, citing_id: i64, cited: &[i64]) -> QueryResult<()> {
    diesel::delete(citations::table.filter(citations::citing_id.eq(citing_id))).execute(conn)?;
    for &cited_id in cited.iter().filter(|&&c| c != citing_id) {
        ignore_duplicate(conn, |conn| {
            diesel::insert_into(citations::table)
                .values((citations::citing_id.eq(citing_id), citations::cited_id.eq(cited_id)))
                .execute(conn)
        })?;
    }
    Ok(())
}

/// Ids of the content citing `cited_id`.
pub fn citing(conn: &mut DbConn, cited_id: i64) -> QueryResult<Vec<i64>> {
    citations::table.filter(citations::cited_id.eq(cited_id)).select(citations::citing_id).load(conn)
}
