//! Media: pictures, sound and video, for every kind of content.
//!
//! An upload is received into a temporary file (hashed on the way), recognised from its bytes
//! (`sniff`), and then either decoded and encoded again (`picture`: pictures are never served as
//! uploaded) or, for sound and video, kept as it came. Objects are stored by the hash of their
//! bytes (`store`), so the same upload is stored once. Each upload is a media item: a `contents`
//! row of kind `media` (author, state: hidden or deleted like any content) and a `media` row naming
//! its file. Who may fetch a file is the policy's answer (`Guard::can_read_media`): its author,
//! and whoever may read a piece of content that shows it.

pub mod fetch;
#[cfg(test)]
mod fuzz;
pub mod handlers;
pub mod kind;
pub mod picture;
pub mod probe;
pub mod queries;
pub mod sniff;
pub mod store;
pub mod upload;

use std::sync::{Arc, LazyLock};

use crate::config::Settings;
use crate::content::markdown::{Embed, EmbedKind, Embeds};
use crate::db::{DbConn, Pool};

pub const KIND_MEDIA: &str = "media";
/// The place of every media item: its author's library.
pub const PLACE_LIBRARY: &str = "library";

pub const TYPE_IMAGE: &str = "image";
pub const TYPE_AUDIO: &str = "audio";
pub const TYPE_VIDEO: &str = "video";

/// The name of the rendition or file a media address serves when none is named.
pub const DEFAULT_PICTURE_WIDTH: i32 = 800;

/// What a site accepts: sizes per type, a member's daily total, the site's total (bytes; 0: no
/// limit).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub image: u64,
    pub audio: u64,
    pub video: u64,
    pub daily: u64,
    pub site: u64,
}

impl Limits {
    pub fn from_settings(s: &Settings) -> Limits {
        const MB: u64 = 1024 * 1024;
        Limits {
            image: s.media_image_mb * MB,
            audio: s.media_audio_mb * MB,
            video: s.media_video_mb * MB,
            daily: s.media_daily_mb * MB,
            site: s.media_site_gb * 1024 * MB,
        }
    }

    /// The largest file received at all (the largest of the per-type limits).
    pub fn largest(&self) -> u64 {
        self.image.max(self.audio).max(self.video)
    }

    pub fn for_type(&self, media_type: &str) -> u64 {
        match media_type {
            TYPE_IMAGE => self.image,
            TYPE_AUDIO => self.audio,
            _ => self.video,
        }
    }
}

/// The media service of a running site: where objects are stored and what is accepted.
pub struct Media {
    pub store: store::Store,
    pub limits: Limits,
    /// Fetch pictures from private addresses too (tests only: `Settings::fetch_private_addresses`).
    pub fetch_private: bool,
}

impl Media {
    pub fn open(settings: &Settings) -> anyhow::Result<Arc<Media>> {
        Ok(Arc::new(Media {
            store: store::Store::open(&settings.data_dir.join("media"), settings.media_url.as_deref())?,
            limits: Limits::from_settings(settings),
            fetch_private: settings.fetch_private_addresses,
        }))
    }
}

/// Pictures decoded at once: at most one per core (a decode may take 200 MB and a core for a
/// second), so a burst of uploads queues instead of taking the machine.
static PICTURES: LazyLock<tokio::sync::Semaphore> =
    LazyLock::new(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)));

/// A media item as the editor and the library name it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Uploaded {
    pub id: i64,
    pub media_type: String,
    pub file_name: String,
    /// What the editor inserts: `![](/media/12)`.
    pub markdown: String,
    /// A small picture of it (pictures only).
    pub thumbnail: Option<String>,
}

/// What an upload is for: a media item like any other, or a podcast's cover art (a square JPEG
/// that podcast apps accept).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Media,
    Cover,
}

/// Take one received file into the site as a media item of `author_id`. `Err` is the catalog key
/// of the reason it was refused (nothing is stored then).
pub async fn ingest(
    pool: &Pool,
    media: &Arc<Media>,
    author_id: i64,
    file: upload::Received,
) -> Result<Uploaded, &'static str> {
    ingest_for(pool, media, author_id, file, Purpose::Media).await
}

pub async fn ingest_for(
    pool: &Pool,
    media: &Arc<Media>,
    author_id: i64,
    file: upload::Received,
    purpose: Purpose,
) -> Result<Uploaded, &'static str> {
    if file.size == 0 {
        return Err("media-err-empty");
    }
    let sniffed = sniff::sniff(&file.head)?;
    if purpose == Purpose::Cover && !matches!(sniffed, sniff::Sniffed::Image(_)) {
        return Err("podcast-err-cover-type");
    }
    let media_type = sniffed.media_type();
    if file.size > media.limits.for_type(media_type) {
        return Err("media-err-too-big");
    }
    // A file the quotas refuse is refused before any work is spent on it.
    let (limits, size) = (media.limits, file.size);
    let quota = crate::db::run(pool, move |conn| Ok(queries::quota_refusal(conn, author_id, size, &limits)?))
        .await
        .map_err(|_| "error-internal")?;
    if let Some(key) = quota {
        return Err(key);
    }
    // Decoding and storing are blocking work, off the request workers; pictures a few at a time.
    let permit = match sniffed {
        sniff::Sniffed::Image(_) => Some(PICTURES.acquire().await.map_err(|_| "error-internal")?),
        _ => None,
    };
    let limits = media.limits;
    let upload::Received { file_name, tmp, size, sha256, .. } = file;
    let source_sha = sha256.clone();
    // The same picture as cover art is another file (other renditions).
    let sha256 = if purpose == Purpose::Cover { format!("{sha256}-cover") } else { sha256 };
    let (stored, objects) =
        tokio::task::spawn_blocking(move || prepare_file(&limits, sniffed, tmp, size, &source_sha, purpose))
            .await
            .map_err(|_| "error-internal")??;
    drop(permit);
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "media storage failed");
        "error-internal"
    };
    let keys: Vec<(String, i64)> = stored.renditions.iter().map(|r| (r.1.clone(), r.3)).collect();
    match objects {
        Objects::Renditions(list) => {
            for (key, bytes, mime) in list {
                media.store.put(&key, bytes, mime).await.map_err(io)?;
            }
        }
        Objects::File(key, tmp, mime) => media.store.put_file(&key, tmp, mime).await.map_err(io)?,
    }
    // What the file turned out to be (its tracks may say otherwise than its first bytes).
    let media_type = stored.media_type;
    let name = file_name.clone();
    let outcome = crate::db::run_write(pool, move |tx| {
        Ok(queries::insert_upload(tx, author_id, &name, size, &sha256, &stored, &limits)?)
    })
    .await;
    match outcome {
        Ok(Ok(id)) => Ok(Uploaded {
            id,
            media_type: media_type.to_string(),
            markdown: format!("![](/media/{id})"),
            thumbnail: (media_type == TYPE_IMAGE).then(|| format!("/media/{id}/thumb")),
            file_name,
        }),
        refused => {
            // The objects written for it are swept later, unless a file uses them by then.
            let trashed = crate::db::run_write(pool, move |tx| {
                tx.quiet();
                Ok(queries::trash_objects(tx, &keys)?)
            })
            .await;
            if let Err(e) = trashed {
                tracing::warn!(error = %e, "objects of a refused upload not marked for sweeping");
            }
            match refused {
                Ok(Err(key)) => Err(key),
                Err(e) => {
                    tracing::error!(error = %e, "storing an upload failed");
                    Err("error-internal")
                }
                Ok(Ok(_)) => Err("error-internal"),
            }
        }
    }
}

/// One stored object of a file: (name, object key, mime, bytes, width, height).
pub type StoredRendition = (String, String, &'static str, i64, Option<i32>, Option<i32>);

/// What was stored for one upload: the file's facts and its objects.
#[derive(Debug)]
pub struct StoredFile {
    pub media_type: &'static str,
    pub mime: &'static str,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub duration_ms: Option<i64>,
    pub animated: bool,
    pub renditions: Vec<StoredRendition>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The objects an upload becomes: encoded renditions (key, bytes, type), or the received file
/// itself under its key.
enum Objects {
    Renditions(Vec<(String, Vec<u8>, &'static str)>),
    File(String, tempfile::TempPath, &'static str),
}

/// Recognise, check and encode a received file (blocking work): the rows to store and the objects
/// to write.
fn prepare_file(
    limits: &Limits,
    sniffed: sniff::Sniffed,
    tmp: tempfile::TempPath,
    size: u64,
    source_sha: &str,
    purpose: Purpose,
) -> Result<(StoredFile, Objects), &'static str> {
    use std::io::{Read, Seek, SeekFrom};
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "media storage failed");
        "error-internal"
    };
    let mut f = std::fs::File::open(&tmp).map_err(io)?;
    // A file that ends with a ZIP archive is two files in one (a GIFAR): refused.
    let tail_len = (sniff::TAIL as u64).min(size);
    f.seek(SeekFrom::Start(size - tail_len)).map_err(io)?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    f.by_ref().take(tail_len).read_to_end(&mut tail).map_err(io)?;
    if sniff::ends_with_zip(&tail) {
        return Err("media-err-polyglot");
    }
    match sniffed {
        sniff::Sniffed::Image(format) => {
            let bytes = std::fs::read(&tmp).map_err(io)?;
            let p = match purpose {
                Purpose::Media => picture::process(&bytes, format)?,
                Purpose::Cover => picture::process_cover(&bytes, format)?,
            };
            drop(bytes);
            let mut renditions = Vec::new();
            let mut objects = Vec::new();
            let main_mime = if p.animated { "image/gif" } else { p.renditions.last().map_or("image/webp", |r| r.mime) };
            for r in p.renditions {
                let key = sha256_hex(&r.bytes);
                renditions.push((
                    r.name,
                    key.clone(),
                    r.mime,
                    r.bytes.len() as i64,
                    Some(r.width as i32),
                    Some(r.height as i32),
                ));
                objects.push((key, r.bytes, r.mime));
            }
            let file = StoredFile {
                media_type: TYPE_IMAGE,
                mime: main_mime,
                width: Some(p.width as i32),
                height: Some(p.height as i32),
                duration_ms: None,
                animated: p.animated,
                renditions,
            };
            Ok((file, Objects::Renditions(objects)))
        }
        sniff::Sniffed::Audio(mime) | sniff::Sniffed::Video(mime) => {
            // The tracks decide what it is: an "M4A" with a picture track is a video, an MP4 or
            // WebM with sound alone is sound.
            let p = probe::probe(&mut f, size, mime);
            drop(f);
            let (media_type, mime) = match mime {
                "audio/mp4" | "video/mp4" if p.video => (TYPE_VIDEO, "video/mp4"),
                "audio/mp4" | "video/mp4" if p.audio => (TYPE_AUDIO, "audio/mp4"),
                "video/webm" if p.audio && !p.video => (TYPE_AUDIO, "audio/webm"),
                _ => (sniffed.media_type(), mime),
            };
            if size > limits.for_type(media_type) {
                return Err("media-err-too-big");
            }
            let dim = |v: Option<u32>| v.and_then(|v| i32::try_from(v).ok());
            let file = StoredFile {
                media_type,
                mime,
                width: dim(p.width),
                height: dim(p.height),
                duration_ms: p.duration_ms,
                animated: false,
                renditions: vec![(
                    "file".to_string(),
                    source_sha.to_string(),
                    mime,
                    size as i64,
                    dim(p.width),
                    dim(p.height),
                )],
            };
            Ok((file, Objects::File(source_sha.to_string(), tmp, mime)))
        }
    }
}

/// The media a text of `author_id` shows, for rendering: only the author's own items (a text
/// cannot make someone else's private file readable by naming it), and those the piece
/// `shown_by` shows already (what its other writers put in it).
pub fn embeds(conn: &mut DbConn, author_id: i64, shown_by: Option<i64>, markdown: &str) -> diesel::QueryResult<Embeds> {
    let ids = crate::content::markdown::media_refs(markdown);
    if ids.is_empty() {
        return Ok(Embeds::new());
    }
    let rows = queries::embed_rows(conn, author_id, shown_by, &ids)?;
    let mut out = Embeds::new();
    for (id, file, renditions) in rows {
        let base = format!("/media/{id}");
        let embed = match file.media_type.as_str() {
            TYPE_IMAGE => {
                let mut sources: Vec<(String, u32)> = renditions
                    .iter()
                    .map(|r| (format!("{base}/{}", r.file_name()), r.width.unwrap_or(0).max(0) as u32))
                    .collect();
                sources.sort_by_key(|s| s.1);
                let src = queries::default_rendition(&renditions)
                    .map(|r| format!("{base}/{}", r.file_name()))
                    .unwrap_or_else(|| base.clone());
                Embed {
                    kind: EmbedKind::Image,
                    src,
                    srcset: sources,
                    width: file.width.unwrap_or(0).max(0) as u32,
                    height: file.height.unwrap_or(0).max(0) as u32,
                    mime: file.mime.clone(),
                    poster: None,
                }
            }
            t => Embed {
                kind: if t == TYPE_AUDIO { EmbedKind::Audio } else { EmbedKind::Video },
                src: renditions.first().map(|r| format!("{base}/{}", r.file_name())).unwrap_or_else(|| base.clone()),
                srcset: Vec::new(),
                width: file.width.unwrap_or(0).max(0) as u32,
                height: file.height.unwrap_or(0).max(0) as u32,
                mime: file.mime.clone(),
                poster: None,
            },
        };
        out.insert(id, embed);
    }
    Ok(out)
}

/// Render a body of `author_id` with their media shown as themselves (see `Body::prepare_with`).
/// Pictures given by another site's address are fetched once and stored as the author's media
/// first, their addresses in the text replaced by the site's own (readers' browsers then ask no
/// other site for anything). A picture that cannot be fetched is refused with the reason.
pub async fn prepare_body(
    state: &crate::web::AppState,
    author_id: i64,
    md: impl Into<String>,
) -> Result<crate::content::Body, &'static str> {
    prepare_body_in(state, author_id, None, md).await
}

/// `prepare_body` for a new text of the piece `shown_by`: the media it shows already stay shown.
pub async fn prepare_body_in(
    state: &crate::web::AppState,
    author_id: i64,
    shown_by: Option<i64>,
    md: impl Into<String>,
) -> Result<crate::content::Body, &'static str> {
    let mut md = md.into();
    let remote = crate::content::markdown::remote_images(&md);
    for (i, url) in remote.into_iter().enumerate() {
        if i >= MAX_FETCHED {
            return Err("media-err-fetch-many");
        }
        let id = fetch_as_media(state, author_id, &url).await?;
        md = crate::content::markdown::replace_image_url(&md, &url, &format!("/media/{id}"));
    }
    let embeds = embeds_of_in(state, author_id, shown_by, &md).await?;
    crate::content::Body::prepare_with(md, embeds).await
}

/// `embeds` from a request: the media of `author_id` that `md` shows (nothing asked of the
/// database when it shows none).
pub async fn embeds_of(state: &crate::web::AppState, author_id: i64, md: &str) -> Result<Embeds, &'static str> {
    embeds_of_in(state, author_id, None, md).await
}

/// `embeds_of` for a text of the piece `shown_by` (see `embeds`).
pub async fn embeds_of_in(
    state: &crate::web::AppState,
    author_id: i64,
    shown_by: Option<i64>,
    md: &str,
) -> Result<Embeds, &'static str> {
    if !md.contains("/media/") {
        return Ok(Embeds::new());
    }
    let text = md.to_string();
    crate::db::run(&state.pool, move |conn| Ok(embeds(conn, author_id, shown_by, &text)?)).await.map_err(|e| {
        tracing::error!(error = %e, "loading the media of a text failed");
        "error-internal"
    })
}

/// A cover picture as typed: `/media/12` of the author's own library, or an address elsewhere,
/// fetched now into it (only when `fetch`: a form with other problems does not fetch yet).
/// `Ok(None)`: none given (or not fetched yet). `Err`: the catalog key of the problem.
pub async fn cover_picture(
    state: &crate::web::AppState,
    author_id: i64,
    typed: &str,
    fetch: bool,
) -> Result<Option<i64>, &'static str> {
    const URL_MAX: usize = 500;
    if typed.is_empty() {
        return Ok(None);
    }
    let id = match crate::content::markdown::media_id_of(typed) {
        Some(id) => id,
        None => {
            let ok =
                typed.len() <= URL_MAX && url::Url::parse(typed).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            if !ok {
                return Err("err-url-invalid");
            }
            if !fetch {
                return Ok(None);
            }
            fetch_as_media(state, author_id, typed).await?
        }
    };
    // Only a picture of the author's own library (naming another's would make it readable).
    let own = crate::db::run(&state.pool, move |conn| Ok(queries::embed_rows(conn, author_id, None, &[id])?))
        .await
        .map(|rows| rows.iter().any(|r| r.1.media_type == TYPE_IMAGE))
        .unwrap_or(false);
    if own { Ok(Some(id)) } else { Err("err-cover-not-yours") }
}

/// Pictures one text may bring from other sites.
pub const MAX_FETCHED: usize = 10;

/// Fetch a picture by its address and store it as a media item of `author_id`.
pub async fn fetch_as_media(state: &crate::web::AppState, author_id: i64, url: &str) -> Result<i64, &'static str> {
    let received =
        fetch::fetch(url, state.media.limits.image, state.media.store.tmp_dir(), state.media.fetch_private).await?;
    ingest(&state.pool, &state.media, author_id, received).await.map(|u| u.id)
}

/// Housekeeping: remove objects no file uses any more (an hour after their last file went),
/// and received files an upload left behind (a day old).
pub fn sweep(conn: &mut DbConn, settings: &Settings) -> anyhow::Result<()> {
    let store = store::Store::open(&settings.data_dir.join("media"), settings.media_url.as_deref())?;
    // The worker is a thread of its own: object stores are asked from a small runtime here.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let removed = queries::sweep_trash(conn, &|key, cutoff| runtime.block_on(store.remove_if_older(key, cutoff)))?;
    crate::db::write(conn, queries::prune_uploads)?;
    let day = std::time::SystemTime::now() - std::time::Duration::from_secs(24 * 3600);
    let leftovers = store.sweep_tmp(day)?;
    if removed + leftovers > 0 {
        tracing::info!(removed, leftovers, "media objects swept");
    }
    Ok(())
}
