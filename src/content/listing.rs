//! What lists read instead of counting: kept by the unit of work before it commits, from the
//! `contents` rows it touched. A tag's rows carry the piece's kind, date and audience while it is
//! live (`content_tags.live_audience`), so a tag page walks one index; `tag_counts` holds how
//! many live pieces carry each tag per audience and kind, so the tag cloud adds a few numbers
//! instead of counting every piece; each kind keeps its own counts (`ContentKind::sync_counts`:
//! a blog's posts). And the page-cache keys the change makes stale are named here, from the
//! same rows.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{author_counts, citations, content_tags, contents, tag_counts};
use crate::db::{Tx, ignore_duplicate};

/// The cache key every site-wide list depends on (home, directories, the tag cloud, the sitemap,
/// the site feed, search).
pub const LISTS: &str = "lists";

pub fn content_key(id: i64) -> String {
    format!("c:{id}")
}

pub fn place_key(place_kind: &str, id: i64) -> String {
    format!("p:{place_kind}:{id}")
}

pub fn tag_key(id: i64) -> String {
    format!("t:{id}")
}

pub fn person_key(id: i64) -> String {
    format!("u:{id}")
}

type Row = (i64, String, bool, i64, Option<NaiveDateTime>, Option<i64>, String, Option<i64>, i64);
/// A tag row as kept: (content, tag, kind, audience while live, published).
type TagRow = (i64, i64, String, Option<i64>, Option<NaiveDateTime>);

/// Bring the lists in line with the touched pieces (already sorted, without duplicates) and
/// return the page-cache keys they make stale.
pub fn sync(tx: &mut Tx<'_>, ids: &[i64]) -> QueryResult<BTreeSet<String>> {
    let mut stale = BTreeSet::new();
    if ids.is_empty() {
        return Ok(stale);
    }
    let mut rows: Vec<Row> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        rows.extend(
            contents::table
                .filter(contents::id.eq_any(chunk))
                .select((
                    contents::id,
                    contents::kind,
                    contents::live,
                    contents::audience_id,
                    contents::published_at,
                    contents::parent_id,
                    contents::place_kind,
                    contents::place_id,
                    contents::author_id,
                ))
                .load::<Row>(tx.conn())?,
        );
    }
    let mut parents = Vec::new();
    for (id, _, _, _, _, parent, place_kind, place_id, author) in &rows {
        stale.insert(content_key(*id));
        stale.insert(person_key(*author));
        if let Some(p) = parent {
            stale.insert(content_key(*p));
            parents.push(*p);
        }
        if let Some(place) = place_id {
            stale.insert(place_key(place_kind, *place));
        }
    }
    stale.insert(LISTS.to_string());
    // The tag rows of the touched pieces: bring each in line with its piece, moving the counts.
    let by_id: HashMap<i64, &Row> = rows.iter().map(|r| (r.0, r)).collect();
    let mut tagged: Vec<TagRow> = Vec::new();
    for chunk in ids.chunks(500) {
        tagged.extend(
            content_tags::table
                .filter(content_tags::content_id.eq_any(chunk))
                .select((
                    content_tags::content_id,
                    content_tags::tag_id,
                    content_tags::kind,
                    content_tags::live_audience,
                    content_tags::published_at,
                ))
                .load::<TagRow>(tx.conn())?,
        );
    }
    for (content_id, tag_id, kind, counted, at) in tagged {
        stale.insert(tag_key(tag_id));
        let Some(row) = by_id.get(&content_id) else { continue };
        let want = row.2.then_some(row.3);
        if counted == want && at == row.4 && kind == row.1 {
            continue;
        }
        if let Some(aud) = counted {
            move_count(tx, tag_id, aud, &kind, -1)?;
        }
        if let Some(aud) = want {
            move_count(tx, tag_id, aud, &row.1, 1)?;
        }
        diesel::update(
            content_tags::table.filter(content_tags::content_id.eq(content_id)).filter(content_tags::tag_id.eq(tag_id)),
        )
        .set((
            content_tags::kind.eq(&row.1),
            content_tags::live_audience.eq(want),
            content_tags::published_at.eq(row.4),
        ))
        .execute(tx.conn())?;
    }
    // What they cite lists them ("cited by").
    for chunk in ids.chunks(500) {
        let cited: Vec<i64> =
            citations::table.filter(citations::citing_id.eq_any(chunk)).select(citations::cited_id).load(tx.conn())?;
        stale.extend(cited.into_iter().map(content_key));
    }
    // A comment changes its post's cards (the comment count) wherever the post is listed.
    parents.sort_unstable();
    parents.dedup();
    if !parents.is_empty() {
        // …and its author's profile (comments on their posts).
        let parent_authors: Vec<i64> =
            contents::table.filter(contents::id.eq_any(&parents)).select(contents::author_id).load(tx.conn())?;
        stale.extend(parent_authors.into_iter().map(person_key));
        let parent_tags: Vec<i64> = content_tags::table
            .filter(content_tags::content_id.eq_any(&parents))
            .select(content_tags::tag_id)
            .load(tx.conn())?;
        stale.extend(parent_tags.into_iter().map(tag_key));
    }
    // Each kind keeps the counts it shows (a blog's posts).
    let mut of_kind: HashMap<&str, Vec<i64>> = HashMap::new();
    for r in &rows {
        of_kind.entry(r.1.as_str()).or_default().push(r.0);
    }
    let registry = crate::kinds::registry();
    let mut accepted: HashSet<i64> = HashSet::new();
    for (kind, ids) in of_kind {
        if let Some(k) = registry.get(kind) {
            k.sync_counts(tx, &ids)?;
            accepted.extend(k.accepted_among(tx, &ids)?);
        }
    }
    sync_author_counts(tx, ids, &accepted)?;
    Ok(stale)
}

/// (id, author, live, audience, likes, counted audience, counted likes, counted accepted)
type Counted = (i64, i64, bool, i64, i32, Option<i64>, i32, bool);

/// Move each author's kept counts (likes received, accepted answers, per audience) by what the
/// touched pieces add now less what they added before.
fn sync_author_counts(tx: &mut Tx<'_>, ids: &[i64], accepted: &HashSet<i64>) -> QueryResult<()> {
    for chunk in ids.chunks(500) {
        let rows: Vec<Counted> = contents::table
            .filter(contents::id.eq_any(chunk))
            .select((
                contents::id,
                contents::author_id,
                contents::live,
                contents::audience_id,
                contents::like_count,
                contents::counted_audience,
                contents::counted_likes,
                contents::counted_accepted,
            ))
            .load(tx.conn())?;
        for (id, author, live, audience, likes, was_audience, was_likes, was_accepted) in rows {
            let now_audience = live.then_some(audience);
            let now_likes = if live { likes } else { 0 };
            let now_accepted = live && accepted.contains(&id);
            if (now_audience, now_likes, now_accepted) == (was_audience, was_likes, was_accepted) {
                continue;
            }
            if let Some(a) = was_audience {
                move_author_count(tx, author, a, -was_likes, -i32::from(was_accepted))?;
            }
            if let Some(a) = now_audience {
                move_author_count(tx, author, a, now_likes, i32::from(now_accepted))?;
            }
            diesel::update(contents::table.find(id))
                .set((
                    contents::counted_audience.eq(now_audience),
                    contents::counted_likes.eq(now_likes),
                    contents::counted_accepted.eq(now_accepted),
                ))
                .execute(tx.conn())?;
        }
    }
    Ok(())
}

fn move_author_count(tx: &mut Tx<'_>, user_id: i64, audience_id: i64, likes: i32, accepted: i32) -> QueryResult<()> {
    if likes == 0 && accepted == 0 {
        return Ok(());
    }
    let row = author_counts::table
        .filter(author_counts::user_id.eq(user_id))
        .filter(author_counts::audience_id.eq(audience_id));
    let set = (
        author_counts::likes.eq(author_counts::likes + likes),
        author_counts::accepted.eq(author_counts::accepted + accepted),
    );
    add_or_insert(
        tx,
        |conn| diesel::update(row).set(set).execute(conn),
        |conn| {
            diesel::insert_into(author_counts::table)
                .values((
                    author_counts::user_id.eq(user_id),
                    author_counts::audience_id.eq(audience_id),
                    author_counts::likes.eq(likes),
                    author_counts::accepted.eq(accepted),
                ))
                .execute(conn)
        },
    )
}

/// Add to a kept count's row, making the row on first use: update; else insert; and if another
/// unit of work made the row in between (PostgreSQL), update after all.
fn add_or_insert(
    tx: &mut Tx<'_>,
    add: impl Fn(&mut crate::db::DbConn) -> QueryResult<usize>,
    insert: impl FnOnce(&mut crate::db::DbConn) -> QueryResult<usize>,
) -> QueryResult<()> {
    if add(tx.conn())? == 1 {
        return Ok(());
    }
    if ignore_duplicate(tx, insert)? == 0 {
        add(tx.conn())?;
    }
    Ok(())
}

/// What the viewer may see of an author's kept counts: (likes received, accepted answers).
pub fn author_counts(
    conn: &mut crate::db::DbConn,
    guard: &crate::policy::Guard,
    user_id: i64,
) -> QueryResult<(i64, i64)> {
    let mut q = author_counts::table.filter(author_counts::user_id.eq(user_id)).into_boxed();
    if let Some(ids) = guard.audience_ids() {
        q = q.filter(author_counts::audience_id.eq_any(ids.to_vec()));
    }
    let rows: Vec<(i32, i32)> = q.select((author_counts::likes, author_counts::accepted)).load(conn)?;
    Ok(rows.iter().fold((0, 0), |(l, a), (rl, ra)| (l + i64::from(*rl), a + i64::from(*ra))))
}

/// A tag row is going away (its piece's tags were replaced): take it out of the counts.
pub fn forget_tag_rows(tx: &mut Tx<'_>, content_id: i64) -> QueryResult<Vec<i64>> {
    let rows: Vec<(i64, String, Option<i64>)> = content_tags::table
        .filter(content_tags::content_id.eq(content_id))
        .select((content_tags::tag_id, content_tags::kind, content_tags::live_audience))
        .load(tx.conn())?;
    for (tag_id, kind, counted) in &rows {
        if let Some(aud) = counted {
            move_count(tx, *tag_id, *aud, kind, -1)?;
        }
    }
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Add `delta` to a tag's count for an audience and kind (the row is made on first use).
fn move_count(tx: &mut Tx<'_>, tag_id: i64, audience_id: i64, kind: &str, delta: i32) -> QueryResult<()> {
    let row = tag_counts::table
        .filter(tag_counts::tag_id.eq(tag_id))
        .filter(tag_counts::audience_id.eq(audience_id))
        .filter(tag_counts::kind.eq(kind));
    add_or_insert(
        tx,
        |conn| diesel::update(row).set(tag_counts::n.eq(tag_counts::n + delta)).execute(conn),
        |conn| {
            diesel::insert_into(tag_counts::table)
                .values((
                    tag_counts::tag_id.eq(tag_id),
                    tag_counts::audience_id.eq(audience_id),
                    tag_counts::kind.eq(kind),
                    tag_counts::n.eq(delta),
                ))
                .execute(conn)
        },
    )
}
