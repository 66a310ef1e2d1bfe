//! The SQL of media: storing an upload, the library, what a file's address serves and to whom.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{KIND_MEDIA, Limits, PLACE_LIBRARY, StoredFile};
use crate::content::{self, NewContent, Placement};
use crate::db::schema::{
    content_media, contents, media, media_files, media_renditions, media_trash, media_uploads, podcasts, users,
};
use crate::db::{DbConn, Tx};
use crate::policy::{Guard, PUBLIC_AUDIENCE};

#[derive(Queryable, Clone, Debug)]
pub struct FileRow {
    pub id: i64,
    pub media_type: String,
    pub mime: String,
    pub stored_bytes: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_ms: Option<i64>,
    pub animated: bool,
}

#[derive(Queryable, Clone, Debug)]
pub struct RenditionRow {
    pub name: String,
    pub object_key: String,
    pub mime: String,
    pub byte_size: i64,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl RenditionRow {
    /// The last segment of its address: `w800.webp`, `file.mp3`.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.name, extension(&self.mime))
    }
}

/// The file-name extension of a type Plaza serves.
pub fn extension(mime: &str) -> &'static str {
    match mime {
        "image/webp" => "webp",
        "image/gif" => "gif",
        "image/jpeg" => "jpg",
        "audio/mpeg" => "mp3",
        "audio/mp4" => "m4a",
        "audio/ogg" => "ogg",
        "audio/webm" => "weba",
        "video/mp4" => "mp4",
        "video/webm" => "webm",
        "video/ogg" => "ogv",
        _ => "bin",
    }
}

const FILE_COLUMNS: (
    media_files::id,
    media_files::media_type,
    media_files::mime,
    media_files::stored_bytes,
    media_files::width,
    media_files::height,
    media_files::duration_ms,
    media_files::animated,
) = (
    media_files::id,
    media_files::media_type,
    media_files::mime,
    media_files::stored_bytes,
    media_files::width,
    media_files::height,
    media_files::duration_ms,
    media_files::animated,
);

const RENDITION_COLUMNS: (
    media_renditions::name,
    media_renditions::object_key,
    media_renditions::mime,
    media_renditions::byte_size,
    media_renditions::width,
    media_renditions::height,
) = (
    media_renditions::name,
    media_renditions::object_key,
    media_renditions::mime,
    media_renditions::byte_size,
    media_renditions::width,
    media_renditions::height,
);

/// The rendition an address without a name serves: the widest picture up to 800 pixels (the
/// narrowest when all are wider), or the one file of sound and video.
pub fn default_rendition(renditions: &[RenditionRow]) -> Option<&RenditionRow> {
    let fits = renditions
        .iter()
        .filter(|r| r.width.unwrap_or(0) <= super::DEFAULT_PICTURE_WIDTH)
        .max_by_key(|r| r.width.unwrap_or(0));
    fits.or_else(|| renditions.iter().min_by_key(|r| r.width.unwrap_or(0)))
}

/// Store an upload's rows in one unit of work: the file (once per distinct upload), its
/// renditions, and the member's media item. `Ok(Err(key))`: refused by a quota.
pub fn insert_upload(
    tx: &mut Tx<'_>,
    author_id: i64,
    file_name: &str,
    size: u64,
    source_sha256: &str,
    stored: &StoredFile,
    limits: &Limits,
) -> QueryResult<Result<i64, &'static str>> {
    let now = crate::now();
    let size = size as i64;
    if limits.daily > 0 {
        let since = now - chrono::Duration::hours(24);
        let today = sum_today(tx, author_id, since)?;
        if today.unwrap_or(0) + size > limits.daily as i64 {
            return Ok(Err("media-err-quota"));
        }
    }
    let existing: Option<i64> = media_files::table
        .filter(media_files::source_sha256.eq(source_sha256))
        .select(media_files::id)
        .first(tx.conn())
        .optional()?;
    let file_id = match existing {
        Some(id) => id,
        None => {
            let stored_bytes: i64 = stored.renditions.iter().map(|r| r.3).sum();
            if limits.site > 0 && site_bytes(tx)? + stored_bytes > limits.site as i64 {
                return Ok(Err("media-err-site-full"));
            }
            // Two members may send the same new file at once: the second insert finds the first
            // (committed meanwhile) and uses it.
            let mut made = None;
            crate::db::ignore_duplicate(tx, |conn| {
                made = Some(insert_file(conn, source_sha256, size, stored_bytes, stored, now)?);
                Ok(1)
            })?;
            match made {
                Some(id) => id,
                None => media_files::table
                    .filter(media_files::source_sha256.eq(source_sha256))
                    .select(media_files::id)
                    .first(tx.conn())?,
            }
        }
    };
    let empty = crate::content::markdown::SafeHtml::default();
    let id = content::insert(
        tx,
        &NewContent {
            kind: KIND_MEDIA,
            author_id,
            title: file_name,
            body_md: "",
            body_html: &empty,
            excerpt: "",
            // A media item is never published on its own: it is seen where it is shown.
            publish: false,
            comments_open: false,
            placement: Placement::root(PLACE_LIBRARY, author_id, PUBLIC_AUDIENCE),
            at: Some(now),
            media: &[],
        },
    )?;
    diesel::insert_into(media::table)
        .values((
            media::content_id.eq(id),
            media::file_id.eq(file_id),
            media::author_id.eq(author_id),
            media::file_name.eq(file_name),
            media::byte_size.eq(size),
            media::created_at.eq(now),
        ))
        .execute(tx.conn())?;
    diesel::insert_into(media_uploads::table)
        .values((
            media_uploads::author_id.eq(author_id),
            media_uploads::byte_size.eq(size),
            media_uploads::created_at.eq(now),
        ))
        .execute(tx.conn())?;
    // Only its author's library shows it: nothing a visitor sees changed.
    tx.quiet();
    Ok(Ok(id))
}

/// The rows of a file not stored before: the file and its renditions. Returns its id.
fn insert_file(
    conn: &mut DbConn,
    source_sha256: &str,
    size: i64,
    stored_bytes: i64,
    stored: &StoredFile,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(media_files::table)
        .values((
            media_files::source_sha256.eq(source_sha256),
            media_files::media_type.eq(stored.media_type),
            media_files::mime.eq(stored.mime),
            media_files::source_bytes.eq(size),
            media_files::stored_bytes.eq(stored_bytes),
            media_files::width.eq(stored.width),
            media_files::height.eq(stored.height),
            media_files::duration_ms.eq(stored.duration_ms),
            media_files::animated.eq(stored.animated),
            media_files::created_at.eq(now),
        ))
        .returning(media_files::id)
        .get_result(conn)?;
    for (name, key, mime, bytes, w, h) in &stored.renditions {
        diesel::insert_into(media_renditions::table)
            .values((
                media_renditions::file_id.eq(id),
                media_renditions::name.eq(name),
                media_renditions::object_key.eq(key),
                media_renditions::mime.eq(*mime),
                media_renditions::byte_size.eq(*bytes),
                media_renditions::width.eq(*w),
                media_renditions::height.eq(*h),
            ))
            .execute(conn)?;
        // An object waiting to be swept is in use again.
        diesel::delete(media_trash::table.find(key)).execute(conn)?;
    }
    Ok(id)
}

/// What a member uploaded in the last 24 hours, in bytes (portable: summed in Rust, over an
/// index of the member's recent uploads).
fn sum_today(conn: &mut DbConn, author_id: i64, since: NaiveDateTime) -> QueryResult<Option<i64>> {
    let sizes: Vec<i64> = media_uploads::table
        .filter(media_uploads::author_id.eq(author_id))
        .filter(media_uploads::created_at.gt(since))
        .select(media_uploads::byte_size)
        .load(conn)?;
    Ok(Some(sizes.into_iter().sum()))
}

/// Forget uploads older than a day (the quota looks back a day).
pub fn prune_uploads(tx: &mut Tx<'_>) -> QueryResult<usize> {
    tx.quiet();
    let before = crate::now() - chrono::Duration::hours(24);
    diesel::delete(media_uploads::table.filter(media_uploads::created_at.le(before))).execute(tx.conn())
}

/// Everything stored, in bytes: the files, and the objects waiting to be swept.
pub fn site_bytes(conn: &mut DbConn) -> QueryResult<i64> {
    let sizes: Vec<i64> = media_files::table.select(media_files::stored_bytes).load(conn)?;
    let waiting: Vec<i64> = media_trash::table.select(media_trash::byte_size).load(conn)?;
    Ok(sizes.into_iter().sum::<i64>() + waiting.into_iter().sum::<i64>())
}

/// The files and renditions of these media items of `author_id` (for rendering a text of theirs).
pub fn embed_rows(
    conn: &mut DbConn,
    author_id: i64,
    shown_by: Option<i64>,
    ids: &[i64],
) -> QueryResult<Vec<(i64, FileRow, Vec<RenditionRow>)>> {
    // The author's own items, and those the piece already shows (a co-written text keeps the
    // pictures its other writers put in it).
    let already: Vec<i64> = match shown_by {
        Some(content_id) => content_media::table
            .filter(content_media::content_id.eq(content_id))
            .filter(content_media::media_id.eq_any(ids))
            .select(content_media::media_id)
            .load(conn)?,
        None => Vec::new(),
    };
    let rows: Vec<(i64, FileRow)> = media::table
        .inner_join(media_files::table)
        .inner_join(contents::table)
        .filter(media::content_id.eq_any(ids))
        .filter(media::author_id.eq(author_id).or(media::content_id.eq_any(already)))
        .filter(contents::deleted_at.is_null())
        .select((media::content_id, FILE_COLUMNS))
        .load(conn)?;
    let file_ids: Vec<i64> = rows.iter().map(|r| r.1.id).collect();
    let mut renditions = renditions_of(conn, &file_ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, f)| {
            let r = renditions.remove(&f.id).unwrap_or_default();
            (id, f, r)
        })
        .collect())
}

fn renditions_of(
    conn: &mut DbConn,
    file_ids: &[i64],
) -> QueryResult<std::collections::HashMap<i64, Vec<RenditionRow>>> {
    let rows: Vec<(i64, RenditionRow)> = media_renditions::table
        .filter(media_renditions::file_id.eq_any(file_ids))
        .select((media_renditions::file_id, RENDITION_COLUMNS))
        .load(conn)?;
    let mut out: std::collections::HashMap<i64, Vec<RenditionRow>> = Default::default();
    for (f, r) in rows {
        out.entry(f).or_default().push(r);
    }
    for v in out.values_mut() {
        v.sort_by_key(|r| r.width.unwrap_or(0));
    }
    Ok(out)
}

/// A media item as its address serves it: the facts the policy judges and the file.
#[derive(Clone, Debug)]
pub struct Served {
    pub id: i64,
    pub author_id: i64,
    pub deleted: bool,
    pub hidden: bool,
    pub file_name: String,
    pub file: FileRow,
    pub renditions: Vec<RenditionRow>,
}

pub fn served(conn: &mut DbConn, id: i64) -> QueryResult<Option<Served>> {
    type Row = (i64, String, Option<NaiveDateTime>, Option<NaiveDateTime>, FileRow);
    let row: Option<Row> = media::table
        .inner_join(media_files::table)
        .inner_join(contents::table)
        .filter(media::content_id.eq(id))
        .filter(contents::kind.eq(KIND_MEDIA))
        .select((media::author_id, media::file_name, contents::deleted_at, contents::hidden_at, FILE_COLUMNS))
        .first(conn)
        .optional()?;
    let Some((author_id, file_name, deleted, hidden, file)) = row else { return Ok(None) };
    let renditions = renditions_of(conn, &[file.id])?.remove(&file.id).unwrap_or_default();
    Ok(Some(Served {
        id,
        author_id,
        deleted: deleted.is_some(),
        hidden: hidden.is_some(),
        file_name,
        file,
        renditions,
    }))
}

/// Is this media item shown in a piece of content the guard lets its viewer read (the policy's
/// own filter, as lists use it), and is it shown publicly (someone's avatar, a podcast's cover
/// art: blogs and profiles are public)?
pub fn shown_to(conn: &mut DbConn, guard: &Guard, id: i64) -> QueryResult<(bool, bool)> {
    let in_content: Option<i64> = content_media::table
        .inner_join(contents::table)
        .filter(content_media::media_id.eq(id))
        .filter(guard.content_filter())
        .select(content_media::content_id)
        .first(conn)
        .optional()?;
    // Every picture of a page asks this: stop at the first answer that lets the viewer read it.
    if in_content.is_some() {
        return Ok((true, false));
    }
    let avatar: Option<i64> =
        users::table.filter(users::avatar_media_id.eq(id)).select(users::id).first(conn).optional()?;
    let cover: Option<i64> =
        podcasts::table.filter(podcasts::cover_media_id.eq(id)).select(podcasts::blog_id).first(conn).optional()?;
    // The site's logo and favicon (`web::brand`) are on every page.
    if avatar.is_some() || cover.is_some() || crate::web::brand::shows_media(conn, id)? {
        return Ok((false, true));
    }
    in_magazine(conn, guard, id)
}

/// A media item in the magazine: (shown in an issue still in the making that the viewer helps
/// make, the cover of a published issue). An issue not yet out is read by its editors and the
/// writers of its articles, and so are the pictures in it.
fn in_magazine(conn: &mut DbConn, guard: &Guard, id: i64) -> QueryResult<(bool, bool)> {
    use crate::db::schema::{magazine_articles, magazine_issues, magazine_writers};
    let covers: Vec<(i64, bool)> = magazine_issues::table
        .inner_join(contents::table)
        .filter(magazine_issues::cover_media_id.eq(id))
        .filter(contents::deleted_at.is_null())
        .select((magazine_issues::content_id, contents::live))
        .load(conn)?;
    let published_cover = covers.iter().any(|c| c.1);
    let Some(user_id) = guard.user_id() else { return Ok((false, published_cover)) };
    // The issues whose unpublished pages show it: by an article, the issue's note, or its cover.
    let mut issues: Vec<i64> = covers.iter().filter(|c| !c.1).map(|c| c.0).collect();
    issues.extend(
        content_media::table
            .inner_join(contents::table)
            .inner_join(magazine_articles::table.on(magazine_articles::content_id.eq(contents::id)))
            .filter(content_media::media_id.eq(id))
            .filter(contents::deleted_at.is_null())
            .select(magazine_articles::issue_id)
            .load::<i64>(conn)?,
    );
    issues.extend(
        content_media::table
            .inner_join(magazine_issues::table.on(magazine_issues::content_id.eq(content_media::content_id)))
            .filter(content_media::media_id.eq(id))
            .select(magazine_issues::content_id)
            .load::<i64>(conn)?,
    );
    if issues.is_empty() {
        return Ok((false, published_cover));
    }
    if guard.can_edit_magazine() {
        return Ok((true, published_cover));
    }
    let writes: i64 = magazine_writers::table
        .inner_join(magazine_articles::table.on(magazine_articles::content_id.eq(magazine_writers::article_id)))
        .filter(magazine_writers::user_id.eq(user_id))
        .filter(magazine_articles::issue_id.eq_any(&issues))
        .count()
        .get_result(conn)?;
    Ok((writes > 0, published_cover))
}

/// One entry of a member's library.
#[derive(Clone, Debug)]
pub struct LibraryItem {
    pub id: i64,
    pub file_name: String,
    pub byte_size: i64,
    pub created_at: NaiveDateTime,
    pub file: FileRow,
    pub thumbnail: Option<String>,
    /// (title, path) of the pieces that show it.
    pub used_in: Vec<(String, String)>,
    pub avatar: bool,
    /// The cover art of a podcast.
    pub cover: bool,
    /// The cover of a magazine issue.
    pub issue_cover: bool,
    /// The site's logo or favicon (the catalog key saying which).
    pub site_look: Option<&'static str>,
}

impl LibraryItem {
    /// Is it shown anywhere (so that it cannot be deleted)?
    pub fn in_use(&self) -> bool {
        !self.used_in.is_empty() || self.avatar || self.cover || self.issue_cover || self.site_look.is_some()
    }
}

pub const LIBRARY_PAGE: i64 = 30;

/// A member's media items, newest first, from before `before` (an id), one page.
pub fn library(
    conn: &mut DbConn,
    registry: &crate::content::kind::Registry,
    author_id: i64,
    before: Option<i64>,
) -> QueryResult<Vec<LibraryItem>> {
    let mut q = media::table
        .inner_join(media_files::table)
        .inner_join(contents::table)
        .filter(media::author_id.eq(author_id))
        .filter(contents::deleted_at.is_null())
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(media::content_id.lt(b));
    }
    let rows: Vec<(i64, String, i64, NaiveDateTime, FileRow)> = q
        .order(media::content_id.desc())
        .limit(LIBRARY_PAGE + 1)
        .select((media::content_id, media::file_name, media::byte_size, media::created_at, FILE_COLUMNS))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let uses: Vec<(i64, i64, String)> = content_media::table
        .inner_join(contents::table)
        .filter(content_media::media_id.eq_any(&ids))
        .filter(contents::deleted_at.is_null())
        .select((content_media::media_id, contents::id, contents::title))
        .load(conn)?;
    let use_ids: Vec<i64> = uses.iter().map(|u| u.1).collect();
    let paths = registry.paths_for(conn, &use_ids)?;
    let avatars: Vec<i64> = users::table
        .filter(users::avatar_media_id.eq_any(&ids))
        .select(users::avatar_media_id.assume_not_null())
        .load(conn)?;
    let covers: Vec<i64> = podcasts::table
        .filter(podcasts::cover_media_id.eq_any(&ids))
        .select(podcasts::cover_media_id.assume_not_null())
        .load(conn)?;
    let issue_covers: Vec<i64> = {
        use crate::db::schema::magazine_issues;
        magazine_issues::table
            .filter(magazine_issues::cover_media_id.eq_any(&ids))
            .select(magazine_issues::cover_media_id.assume_not_null())
            .load(conn)?
    };
    let site_pictures = crate::web::brand::pictures(conn)?;
    let file_ids: Vec<i64> = rows.iter().map(|r| r.4.id).collect();
    let renditions = renditions_of(conn, &file_ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, file_name, byte_size, created_at, file)| {
            let thumbnail = renditions
                .get(&file.id)
                .filter(|_| file.media_type == super::TYPE_IMAGE)
                .and_then(|r| r.first())
                .map(|r| format!("/media/{id}/{}", r.file_name()));
            let used_in = uses
                .iter()
                .filter(|u| u.0 == id)
                .filter_map(|u| Some((u.2.clone(), paths.get(&u.1)?.clone())))
                .collect();
            LibraryItem {
                id,
                file_name,
                byte_size,
                created_at,
                file,
                thumbnail,
                used_in,
                avatar: avatars.contains(&id),
                cover: covers.contains(&id),
                issue_cover: issue_covers.contains(&id),
                site_look: site_pictures.role(id),
            }
        })
        .collect())
}

/// Delete a member's unused media item. The file goes with its last item; its objects are
/// swept an hour later unless an upload uses them again. `Ok(Err(key))`: it is in use.
pub fn delete_unused(tx: &mut Tx<'_>, id: i64) -> QueryResult<Result<(), &'static str>> {
    let used: Option<i64> = content_media::table
        .inner_join(contents::table)
        .filter(content_media::media_id.eq(id))
        .filter(contents::deleted_at.is_null())
        .select(content_media::content_id)
        .first(tx.conn())
        .optional()?;
    let avatar: Option<i64> =
        users::table.filter(users::avatar_media_id.eq(id)).select(users::id).first(tx.conn()).optional()?;
    let cover: Option<i64> = podcasts::table
        .filter(podcasts::cover_media_id.eq(id))
        .select(podcasts::blog_id)
        .first(tx.conn())
        .optional()?;
    let issue_cover: Option<i64> = {
        use crate::db::schema::magazine_issues;
        magazine_issues::table
            .filter(magazine_issues::cover_media_id.eq(id))
            .select(magazine_issues::content_id)
            .first(tx.conn())
            .optional()?
    };
    if used.is_some() || avatar.is_some() || cover.is_some() || issue_cover.is_some() {
        return Ok(Err("media-err-in-use"));
    }
    if crate::web::brand::shows_media(tx.conn(), id)? {
        return Ok(Err("media-err-site-look"));
    }
    let file_id: Option<i64> = media::table.find(id).select(media::file_id).first(tx.conn()).optional()?;
    let Some(file_id) = file_id else { return Ok(Ok(())) };
    diesel::delete(content_media::table.filter(content_media::media_id.eq(id))).execute(tx.conn())?;
    // Episodes of deleted posts let go of it too.
    use crate::db::schema::episodes;
    diesel::delete(episodes::table.filter(episodes::media_id.eq(id))).execute(tx.conn())?;
    diesel::delete(media::table.find(id)).execute(tx.conn())?;
    content::delete(tx, id)?;
    let others: i64 = media::table.filter(media::file_id.eq(file_id)).count().get_result(tx.conn())?;
    if others == 0 {
        let objects: Vec<(String, i64)> = media_renditions::table
            .filter(media_renditions::file_id.eq(file_id))
            .select((media_renditions::object_key, media_renditions::byte_size))
            .load(tx.conn())?;
        diesel::delete(media_renditions::table.filter(media_renditions::file_id.eq(file_id))).execute(tx.conn())?;
        diesel::delete(media_files::table.find(file_id)).execute(tx.conn())?;
        trash_objects(tx, &objects)?;
    }
    Ok(Ok(()))
}

/// Objects whose time has come: removed from storage unless a file uses them again. Returns how
/// many were removed.
pub fn sweep_trash(
    conn: &mut DbConn,
    remove_if_older: &dyn Fn(&str, std::time::SystemTime) -> std::io::Result<bool>,
) -> QueryResult<usize> {
    let due: Vec<String> = media_trash::table
        .filter(media_trash::due_at.le(crate::now()))
        .select(media_trash::object_key)
        .limit(500)
        .load(conn)?;
    let mut removed = 0;
    let cutoff = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for key in due {
        let removed_here = crate::db::write(conn, |tx| -> QueryResult<bool> {
            tx.quiet();
            let used: i64 =
                media_renditions::table.filter(media_renditions::object_key.eq(&key)).count().get_result(tx.conn())?;
            diesel::delete(media_trash::table.find(&key)).execute(tx.conn())?;
            if used > 0 {
                return Ok(false);
            }
            Ok(remove_if_older(&key, cutoff).unwrap_or_else(|e| {
                tracing::warn!(error = %e, key, "removing a media object failed");
                false
            }))
        })?;
        removed += usize::from(removed_here);
    }
    Ok(removed)
}

/// Set or clear a member's profile picture (one of their own media items).
pub fn set_avatar(tx: &mut Tx<'_>, user_id: i64, media_id: Option<i64>) -> QueryResult<()> {
    diesel::update(users::table.find(user_id)).set(users::avatar_media_id.eq(media_id)).execute(tx.conn())?;
    tx.touch_person(user_id);
    tx.stale(crate::content::listing::person_key(user_id));
    Ok(())
}

/// One line of the admin's storage page: a member and what they uploaded.
#[derive(QueryableByName, Clone, Debug)]
pub struct Uploader {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub username: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub roles: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub bytes: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub items: i64,
}

/// The storage used, by whom: (stored bytes, files, media items, the biggest uploaders).
impl Uploader {
    /// A deleted account has no profile to link to.
    pub fn erased(&self) -> bool {
        crate::accounts::own_data::is_deleted(&self.roles)
    }
}

pub fn storage(conn: &mut DbConn) -> QueryResult<(i64, i64, i64, Vec<Uploader>)> {
    let stored = site_bytes(conn)?;
    let files: i64 = media_files::table.count().get_result(conn)?;
    let items: i64 = media::table.count().get_result(conn)?;
    let uploaders = diesel::sql_query(
        "SELECT u.username AS username, u.roles AS roles, CAST(SUM(m.byte_size) AS BIGINT) AS bytes, \
         COUNT(*) AS items FROM media m JOIN users u ON u.id = m.author_id \
         GROUP BY u.id, u.username, u.roles ORDER BY bytes DESC, u.username LIMIT 20",
    )
    .load::<Uploader>(conn)?;
    Ok((stored, files, items, uploaders))
}

/// Delete every media item of a person that nothing shows (their account is being erased).
pub fn delete_unused_of(tx: &mut Tx<'_>, user_id: i64) -> QueryResult<()> {
    let ids: Vec<i64> = media::table.filter(media::author_id.eq(user_id)).select(media::content_id).load(tx.conn())?;
    for id in ids {
        // Those still shown somewhere are kept (the answer says so); the others go.
        let _ = delete_unused(tx, id)?;
    }
    Ok(())
}

/// Objects written for an upload that was then refused (a quota) or failed: swept like the
/// objects of a deleted file, unless a file uses them by then.
/// `objects`: (key, bytes).
pub fn trash_objects(tx: &mut Tx<'_>, objects: &[(String, i64)]) -> QueryResult<()> {
    let due = crate::now() + chrono::Duration::hours(1);
    for (key, bytes) in objects {
        diesel::delete(media_trash::table.find(key)).execute(tx.conn())?;
        diesel::insert_into(media_trash::table)
            .values((media_trash::object_key.eq(key), media_trash::due_at.eq(due), media_trash::byte_size.eq(bytes)))
            .execute(tx.conn())?;
    }
    Ok(())
}

/// Would an upload of `size` bytes by `author_id` pass the quotas now? (Checked again when it is
/// stored; this spares the work of encoding a file that will be refused.)
pub fn quota_refusal(
    conn: &mut DbConn,
    author_id: i64,
    size: u64,
    limits: &Limits,
) -> QueryResult<Option<&'static str>> {
    if limits.daily > 0 {
        let since = crate::now() - chrono::Duration::hours(24);
        if sum_today(conn, author_id, since)?.unwrap_or(0) + size as i64 > limits.daily as i64 {
            return Ok(Some("media-err-quota"));
        }
    }
    if limits.site > 0 && site_bytes(conn)? + size as i64 > limits.site as i64 {
        return Ok(Some("media-err-site-full"));
    }
    Ok(None)
}
