//! Tags shared by every kind of content, and tag follows.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{content_tags, tag_counts, tag_follows, tags};
use crate::db::{DbConn, Tx, ignore_duplicate};
use crate::policy::Guard;
use crate::web::Cursor;

pub const MAX_TAGS: usize = 10;
pub const MAX_TAG_CHARS: usize = 32;

#[derive(Queryable, Clone, Debug)]
pub struct Tag {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub created_at: NaiveDateTime,
}

#[derive(Clone, Debug)]
pub struct TagView {
    pub name: String,
    pub slug: String,
}

impl TagView {
    pub fn url(&self) -> String {
        format!("/tags/{}", crate::web::path_segment(&self.slug))
    }
}

/// A tag name as typed: letters of any script, digits, spaces and `- + # .`, at most 32 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagName {
    pub name: String,
    pub slug: String,
}

impl TagName {
    pub fn parse(input: &str) -> Result<TagName, &'static str> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().count() > MAX_TAG_CHARS {
            return Err("err-tag-long");
        }
        if !name.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '+' | '#' | '.')) {
            return Err("err-tag-chars");
        }
        // "c++" and "c#" must not collapse into "c": spell the symbols out in the slug.
        let spelled = name.replace('+', " plus ").replace('#', " sharp ");
        let slug = super::slug::slugify(&spelled);
        if slug.is_empty() {
            return Err("err-tag-chars");
        }
        Ok(TagName { name, slug })
    }
}

/// Parse a comma-separated list (ASCII or Chinese commas), dropping duplicates.
pub fn parse_list(input: &str) -> Result<Vec<TagName>, &'static str> {
    // Stop at the first tag too many: a field of 95,000 tags must cost no more than eleven.
    let mut out: Vec<TagName> = Vec::new();
    for part in input.split([',', '，', '、']) {
        if part.trim().is_empty() {
            continue;
        }
        let tag = TagName::parse(part)?;
        if !out.iter().any(|t| t.slug == tag.slug) {
            if out.len() == MAX_TAGS {
                return Err("err-tags-many");
            }
            out.push(tag);
        }
    }
    Ok(out)
}

fn find_or_create(tx: &mut Tx<'_>, tag: &TagName) -> QueryResult<i64> {
    if let Some(id) = tags::table.filter(tags::slug.eq(&tag.slug)).select(tags::id).first(tx.conn()).optional()? {
        return Ok(id);
    }
    ignore_duplicate(tx, |conn| {
        diesel::insert_into(tags::table)
            .values((tags::name.eq(&tag.name), tags::slug.eq(&tag.slug), tags::created_at.eq(crate::now())))
            .execute(conn)
    })?;
    tags::table.filter(tags::slug.eq(&tag.slug)).select(tags::id).first(tx.conn())
}

/// Replace the tags of a piece of content.
pub fn set_for(tx: &mut Tx<'_>, content_id: i64, names: &[TagName]) -> QueryResult<()> {
    // The old tags' pages lose the piece: out of their counts, and their cached pages stale.
    for old in super::listing::forget_tag_rows(tx, content_id)? {
        tx.stale(super::listing::tag_key(old));
    }
    diesel::delete(content_tags::table.filter(content_tags::content_id.eq(content_id))).execute(tx.conn())?;
    tx.touch(content_id);
    for tag in names {
        let tag_id = find_or_create(tx, tag)?;
        ignore_duplicate(tx, |conn| {
            diesel::insert_into(content_tags::table)
                .values((content_tags::content_id.eq(content_id), content_tags::tag_id.eq(tag_id)))
                .execute(conn)
        })?;
    }
    Ok(())
}

/// Tags of many pieces of content in one query.
pub fn for_contents(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, Vec<TagView>>> {
    let rows: Vec<(i64, String, String)> = content_tags::table
        .inner_join(tags::table)
        .filter(content_tags::content_id.eq_any(ids))
        .select((content_tags::content_id, tags::name, tags::slug))
        .order(tags::name.asc())
        .load(conn)?;
    let mut out: HashMap<i64, Vec<TagView>> = HashMap::new();
    for (id, name, slug) in rows {
        out.entry(id).or_default().push(TagView { name, slug });
    }
    Ok(out)
}

/// The names of a content's tags joined for the editor field.
pub fn field_value(conn: &mut DbConn, content_id: i64) -> QueryResult<String> {
    let names: Vec<String> = content_tags::table
        .inner_join(tags::table)
        .filter(content_tags::content_id.eq(content_id))
        .select(tags::name)
        .order(tags::name.asc())
        .load(conn)?;
    Ok(names.join(", "))
}

pub fn find_by_slug(conn: &mut DbConn, slug: &str) -> QueryResult<Option<Tag>> {
    tags::table.filter(tags::slug.eq(slug)).first(conn).optional()
}

/// A tag as the viewer may know it: one that carries something they may read. (A tag used only
/// on an internal board does not exist for a customer, not even its name.)
pub fn find_readable(conn: &mut DbConn, guard: &Guard, slug: &str) -> QueryResult<Option<Tag>> {
    let Some(tag) = find_by_slug(conn, slug)? else { return Ok(None) };
    let counts = counts_by_kind(conn, guard, tag.id)?;
    Ok((counts.values().sum::<i64>() > 0).then_some(tag))
}

/// How much of what the viewer may read carries a tag, by content kind ("post" → 3): the kept
/// counts of the viewer's audiences added up.
pub fn counts_by_kind(conn: &mut DbConn, guard: &Guard, tag_id: i64) -> QueryResult<HashMap<String, i64>> {
    let mut q = tag_counts::table.filter(tag_counts::tag_id.eq(tag_id)).into_boxed();
    if let Some(ids) = guard.audience_ids() {
        q = q.filter(tag_counts::audience_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(String, i32)> = q.select((tag_counts::kind, tag_counts::n)).load(conn)?;
    let mut out: HashMap<String, i64> = HashMap::new();
    for (kind, n) in rows {
        *out.entry(kind).or_default() += i64::from(n);
    }
    out.retain(|_, n| *n > 0);
    Ok(out)
}

/// The newest pieces of a kind carrying any of these tags that the viewer may read, older than
/// `before`, and where the next page starts. Each tag is one walk down its index
/// (`content_tags_list_idx`: tag, kind, date), never a count or a sort of all it carries.
pub fn tagged(
    conn: &mut DbConn,
    guard: &Guard,
    tag_ids: &[i64],
    kind: &str,
    before: Option<Cursor>,
    limit: i64,
) -> QueryResult<(Vec<i64>, Option<Cursor>)> {
    let mut found: Vec<Cursor> = Vec::new();
    for &tag_id in tag_ids {
        let mut q = content_tags::table
            .filter(content_tags::tag_id.eq(tag_id))
            .filter(content_tags::kind.eq(kind.to_string()))
            .into_boxed();
        q = match guard.audience_ids() {
            None => q.filter(content_tags::live_audience.is_not_null()),
            Some(ids) => q.filter(content_tags::live_audience.eq_any(ids.to_vec())),
        };
        if let Some(c) = before {
            // The `<=` bound lets SQLite start the walk at the cursor (as on boards).
            q = q.filter(content_tags::published_at.le(c.at)).filter(
                content_tags::published_at
                    .lt(c.at)
                    .or(content_tags::published_at.eq(c.at).and(content_tags::content_id.lt(c.id))),
            );
        }
        let rows: Vec<(i64, Option<NaiveDateTime>)> = q
            .order((content_tags::published_at.desc(), content_tags::content_id.desc()))
            .limit(limit + 1)
            .select((content_tags::content_id, content_tags::published_at))
            .load(conn)?;
        found.extend(rows.into_iter().filter_map(|(id, at)| at.map(|at| Cursor { at, id })));
    }
    found.sort_by_key(|c| std::cmp::Reverse((c.at, c.id)));
    found.dedup_by_key(|c| c.id);
    let next = if found.len() as i64 > limit {
        found.truncate(limit as usize);
        found.last().copied()
    } else {
        None
    };
    Ok((found.into_iter().map(|c| c.id).collect(), next))
}

#[derive(Clone, Debug)]
pub struct TagCount {
    pub tag: TagView,
    pub count: i64,
}

/// Tags with how much of what the viewer may read carries them, most used first: the kept
/// counts of the viewer's audiences (a few rows per tag), never a count of the pieces. A tag
/// used only where the viewer cannot read is not there at all.
pub fn with_counts(conn: &mut DbConn, guard: &Guard, limit: i64) -> QueryResult<Vec<TagCount>> {
    let total = diesel::dsl::sum(tag_counts::n);
    let mut q = tag_counts::table
        .inner_join(tags::table)
        .filter(tag_counts::n.gt(0))
        .group_by((tags::id, tags::name, tags::slug))
        .select((tags::name, tags::slug, total))
        .order((total.desc(), tags::name.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(ids) = guard.audience_ids() {
        q = q.filter(tag_counts::audience_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(String, String, Option<i64>)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(name, slug, count)| {
            count.filter(|c| *c > 0).map(|count| TagCount { tag: TagView { name, slug }, count })
        })
        .collect())
}

pub fn follow(tx: &mut Tx<'_>, user_id: i64, tag_id: i64) -> QueryResult<()> {
    ignore_duplicate(tx, |conn| {
        diesel::insert_into(tag_follows::table)
            .values((
                tag_follows::user_id.eq(user_id),
                tag_follows::tag_id.eq(tag_id),
                tag_follows::created_at.eq(crate::now()),
            ))
            .execute(conn)
    })?;
    Ok(())
}

pub fn unfollow(tx: &mut Tx<'_>, user_id: i64, tag_id: i64) -> QueryResult<()> {
    diesel::delete(tag_follows::table.filter(tag_follows::user_id.eq(user_id)).filter(tag_follows::tag_id.eq(tag_id)))
        .execute(tx.conn())?;
    Ok(())
}

pub fn is_following(conn: &mut DbConn, user_id: i64, tag_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        tag_follows::table.filter(tag_follows::user_id.eq(user_id)).filter(tag_follows::tag_id.eq(tag_id)),
    ))
    .get_result(conn)
}

pub fn followed_ids(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<i64>> {
    tag_follows::table.filter(tag_follows::user_id.eq(user_id)).select(tag_follows::tag_id).load(conn)
}

pub fn followed(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<TagView>> {
    let rows: Vec<(String, String)> = tag_follows::table
        .inner_join(tags::table)
        .filter(tag_follows::user_id.eq(user_id))
        .select((tags::name, tags::slug))
        .order(tags::name.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(|(name, slug)| TagView { name, slug }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lists() {
        let tags = parse_list("Rust, 技术支持，rust, C++ , C#").unwrap_or_default();
        let slugs: Vec<_> = tags.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, ["rust", "技术支持", "c-plus-plus", "c-sharp"]);
        assert_eq!(parse_list("<script>"), Err("err-tag-chars"));
        assert_eq!(parse_list("a\"b"), Err("err-tag-chars"));
        assert_eq!(parse_list(&"x".repeat(40)), Err("err-tag-long"));
        assert_eq!(parse_list("a,b,c,d,e,f,g,h,i,j,k"), Err("err-tags-many"));
        assert_eq!(parse_list(" , ,"), Ok(vec![]));
    }
}
