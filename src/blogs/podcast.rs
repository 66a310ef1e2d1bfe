//! Podcasts: a blog marked as one (cover art, category, language, author, explicit) and posts
//! that carry a sound or video file as their episode, with a transcript. The blog's RSS feed then
//! carries what podcast apps read: `<enclosure>` and the iTunes tags.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::content::markdown::SafeHtml;
use crate::db::schema::{contents, episodes, media, media_files, media_renditions, podcasts};
use crate::db::{DbConn, Tx};

/// Apple Podcasts' top-level categories (the ones its directory lists).
pub const CATEGORIES: &[&str] = &[
    "Arts",
    "Business",
    "Comedy",
    "Education",
    "Fiction",
    "Government",
    "Health & Fitness",
    "History",
    "Kids & Family",
    "Leisure",
    "Music",
    "News",
    "Religion & Spirituality",
    "Science",
    "Society & Culture",
    "Sports",
    "Technology",
    "True Crime",
    "TV & Film",
];

/// The languages a podcast may declare (those of the site).
pub const LANGUAGES: &[&str] = &["en", "zh-CN"];

#[derive(Queryable, Clone, Debug, PartialEq, Eq)]
pub struct Podcast {
    pub blog_id: i64,
    pub cover_media_id: Option<i64>,
    pub category: String,
    pub language: String,
    pub author: String,
    pub owner_email: String,
    pub explicit: bool,
    /// The blog is a podcast now (unticked, the details are kept).
    pub enabled: bool,
}

impl Podcast {
    /// The cover art as podcast apps fetch it (a 1,400-pixel square JPEG).
    pub fn cover_path(&self) -> Option<String> {
        self.cover_media_id.map(|id| format!("/media/{id}/cover.jpg"))
    }
}

pub fn podcast(conn: &mut DbConn, blog_id: i64) -> QueryResult<Option<Podcast>> {
    podcasts::table.find(blog_id).first(conn).optional()
}

/// A blog's podcast details, kept whether or not it is a podcast now (`enabled`).
pub fn save_podcast(tx: &mut Tx<'_>, blog_id: i64, p: Option<&Podcast>) -> QueryResult<()> {
    diesel::delete(podcasts::table.find(blog_id)).execute(tx.conn())?;
    if let Some(p) = p {
        diesel::insert_into(podcasts::table)
            .values((
                podcasts::blog_id.eq(blog_id),
                podcasts::cover_media_id.eq(p.cover_media_id),
                podcasts::category.eq(&p.category),
                podcasts::language.eq(&p.language),
                podcasts::author.eq(&p.author),
                podcasts::owner_email.eq(&p.owner_email),
                podcasts::explicit.eq(p.explicit),
                podcasts::enabled.eq(p.enabled),
            ))
            .execute(tx.conn())?;
    }
    tx.stale(crate::content::listing::place_key(crate::content::PLACE_BLOG, blog_id));
    Ok(())
}

/// An episode's file, as a page and a feed show it.
#[derive(Clone, Debug)]
pub struct EpisodeFile {
    pub media_id: i64,
    pub media_type: String,
    pub mime: String,
    /// The file's last address segment (`file.mp3`).
    pub file: String,
    pub bytes: i64,
    pub duration_ms: Option<i64>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl EpisodeFile {
    pub fn path(&self) -> String {
        format!("/media/{}/{}", self.media_id, self.file)
    }

    pub fn is_video(&self) -> bool {
        self.media_type == crate::media::TYPE_VIDEO
    }

    /// "12:07" (for pages), or "" when unknown.
    pub fn length(&self) -> String {
        self.duration_ms.map(crate::media::handlers::clock).unwrap_or_default()
    }

    /// "00:12:07", as the iTunes tag wants it.
    pub fn itunes_duration(&self) -> Option<String> {
        let s = self.duration_ms? / 1000;
        Some(format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60))
    }
}

/// The episodes of these posts (those that have one).
pub fn episode_files(conn: &mut DbConn, post_ids: &[i64]) -> QueryResult<HashMap<i64, EpisodeFile>> {
    if post_ids.is_empty() {
        return Ok(HashMap::new());
    }
    type Row = (i64, i64, String, String, i64, Option<i64>, Option<i32>, Option<i32>);
    let rows: Vec<Row> = episodes::table
        .inner_join(media::table.on(media::content_id.eq(episodes::media_id)))
        .inner_join(media_files::table.on(media_files::id.eq(media::file_id)))
        .inner_join(media_renditions::table.on(media_renditions::file_id.eq(media_files::id)))
        .filter(episodes::content_id.eq_any(post_ids))
        .filter(media_renditions::name.eq("file"))
        .select((
            episodes::content_id,
            episodes::media_id,
            media_files::media_type,
            media_renditions::mime,
            media_renditions::byte_size,
            media_files::duration_ms,
            media_files::width,
            media_files::height,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(post, media_id, media_type, mime, bytes, duration_ms, width, height)| {
            let file = format!("file.{}", crate::media::queries::extension(&mime));
            (post, EpisodeFile { media_id, media_type, mime, file, bytes, duration_ms, width, height })
        })
        .collect())
}

/// A post's episode: its file and transcript (rendered).
pub fn episode(conn: &mut DbConn, post_id: i64) -> QueryResult<Option<(EpisodeFile, String, SafeHtml)>> {
    let Some(file) = episode_files(conn, &[post_id])?.remove(&post_id) else { return Ok(None) };
    let (md, html): (String, String) =
        episodes::table.find(post_id).select((episodes::transcript_md, episodes::transcript_html)).first(conn)?;
    Ok(Some((file, md, SafeHtml::from_stored(html))))
}

/// Give a post an episode (a media item of its author, with a transcript), or take it away.
pub fn set_episode(tx: &mut Tx<'_>, post_id: i64, episode: Option<(i64, &str, &SafeHtml)>) -> QueryResult<()> {
    diesel::delete(episodes::table.find(post_id)).execute(tx.conn())?;
    if let Some((media_id, md, html)) = episode {
        diesel::insert_into(episodes::table)
            .values((
                episodes::content_id.eq(post_id),
                episodes::media_id.eq(media_id),
                episodes::transcript_md.eq(md),
                episodes::transcript_html.eq(html.as_str()),
            ))
            .execute(tx.conn())?;
    }
    Ok(())
}

/// The sound and video files an author may make an episode of: their own, newest first.
pub fn episode_choices(conn: &mut DbConn, author_id: i64) -> QueryResult<Vec<(i64, String, String)>> {
    media::table
        .inner_join(media_files::table.on(media_files::id.eq(media::file_id)))
        .inner_join(contents::table.on(contents::id.eq(media::content_id)))
        .filter(media::author_id.eq(author_id))
        .filter(contents::deleted_at.is_null())
        .filter(media_files::media_type.eq_any([crate::media::TYPE_AUDIO, crate::media::TYPE_VIDEO]))
        .order(media::content_id.desc())
        .limit(100)
        .select((media::content_id, media::file_name, media_files::media_type))
        .load(conn)
}
