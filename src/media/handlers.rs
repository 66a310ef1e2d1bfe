//! `/media`: a member's library (upload, see where each file is used, delete unused ones), and
//! the addresses that serve files to whoever the policy lets see them.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::queries::{self, LibraryItem, RenditionRow};
use super::upload::UploadForm;
use crate::error::{AppError, AppResult};
use crate::policy::{Guard, MediaFacts};
use crate::web::{AppState, CsrfForm, Ctx, Meta, PageCtx, redirect, render};

#[derive(Template)]
#[template(path = "media/library.html")]
struct LibraryPage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    items: Vec<LibraryItem>,
    older: Option<String>,
    uploaded: Vec<super::Uploaded>,
    problems: Vec<(String, String)>,
    notice: String,
    limits: super::Limits,
}

impl LibraryPage<'_> {
    fn size(&self, bytes: &i64) -> String {
        human_size(*bytes)
    }

    fn length(&self, ms: &i64) -> String {
        clock(*ms)
    }

    fn type_key(&self, media_type: &str) -> &'static str {
        match media_type {
            super::TYPE_IMAGE => "media-type-image",
            super::TYPE_AUDIO => "media-type-audio",
            _ => "media-type-video",
        }
    }

    fn mb(&self, bytes: &u64) -> String {
        human_size(*bytes as i64)
    }
}

/// A length as players show it: "3:07", "1:02:09".
pub fn clock(ms: i64) -> String {
    let s = ms.max(0) / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// "12 KB", "3.4 MB".
pub fn human_size(bytes: i64) -> String {
    let b = bytes.max(0) as f64;
    if b < 1024.0 {
        format!("{bytes} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.0} KB", b / 1024.0)
    } else if b < 1024.0 * 1024.0 * 1024.0 {
        whole_or_tenths(b / 1024.0 / 1024.0, "MB")
    } else {
        whole_or_tenths(b / 1024.0 / 1024.0 / 1024.0, "GB")
    }
}

/// "20 MB" for a whole number, "3.4 MB" otherwise.
fn whole_or_tenths(v: f64, unit: &str) -> String {
    if (v - v.round()).abs() < 0.05 { format!("{} {unit}", v.round()) } else { format!("{v:.1} {unit}") }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LibraryQuery {
    pub before: Option<String>,
    pub msg: String,
}

async fn library_page<'a>(
    ctx: &'a PageCtx,
    state: &AppState,
    before: Option<i64>,
    uploaded: Vec<super::Uploaded>,
    problems: Vec<(String, String)>,
    notice: String,
) -> AppResult<LibraryPage<'a>> {
    let user = ctx.require_user()?;
    let author = user.id;
    let registry = state.kinds;
    let mut items =
        crate::db::run(&state.pool, move |conn| Ok(queries::library(conn, registry, author, before)?)).await?;
    let older = if items.len() as i64 > queries::LIBRARY_PAGE {
        items.truncate(queries::LIBRARY_PAGE as usize);
        items.last().map(|i| format!("/media?before={}", i.id))
    } else {
        None
    };
    Ok(LibraryPage {
        meta: Meta::new(ctx.t("media-title"), "/media").noindex(),
        ctx,
        items,
        older,
        uploaded,
        problems,
        notice,
        limits: state.media.limits,
    })
}

pub async fn library(ctx: Ctx, state: web::Data<AppState>, q: web::Query<LibraryQuery>) -> AppResult<HttpResponse> {
    let before = q.before.as_deref().and_then(|b| b.parse::<i64>().ok());
    let notice = match q.msg.as_str() {
        "deleted" => ctx.t("media-deleted"),
        _ => String::new(),
    };
    render(&library_page(&ctx, &state, before, Vec::new(), Vec::new(), notice).await?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UploadFields {
    pub csrf_token: String,
}

#[derive(serde::Serialize)]
struct UploadAnswer {
    uploaded: Vec<super::Uploaded>,
    /// (file name, message) of each file refused.
    refused: Vec<(String, String)>,
}

/// `POST /media`: files from the library's form or an editor's script. A script (asking for
/// JSON) gets what to insert; a browser without one gets the library page again.
pub async fn upload(
    ctx: Ctx,
    req: HttpRequest,
    state: web::Data<AppState>,
    form: UploadForm<UploadFields>,
) -> AppResult<HttpResponse> {
    let user = ctx.require_user()?;
    let mut uploaded = Vec::new();
    let mut problems: Vec<(String, String)> =
        form.refused.iter().map(|r| (r.file_name.clone(), ctx.t(r.key))).collect();
    let mut too_big = form.refused.iter().any(|r| r.key == "media-err-too-big");
    if form.files.is_empty() && form.refused.is_empty() {
        problems.push((String::new(), ctx.t("media-err-none")));
    }
    for file in form.files {
        let name = file.file_name.clone();
        match super::ingest(&state.pool, &state.media, user.id, file).await {
            Ok(u) => uploaded.push(u),
            Err(key) => {
                too_big |= super::upload::status_for(key) == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE;
                problems.push((name, ctx.t(key)))
            }
        }
    }
    let wants_json =
        req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"));
    let status = if !uploaded.is_empty() {
        actix_web::http::StatusCode::OK
    } else if too_big {
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    if wants_json {
        return Ok(HttpResponse::build(status)
            .insert_header(header::CacheControl(vec![header::CacheDirective::NoStore]))
            .json(UploadAnswer { uploaded, refused: problems }));
    }
    let page = library_page(&ctx, &state, None, uploaded, problems, String::new()).await?;
    Ok(HttpResponse::build(status).content_type("text/html; charset=utf-8").body(page.render()?))
}

#[derive(Deserialize)]
pub struct DeleteForm {}

pub async fn delete(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<String>,
    _form: CsrfForm<DeleteForm>,
) -> AppResult<HttpResponse> {
    ctx.require_user()?;
    let id = media_id(&path)?;
    let viewer = ctx.viewer();
    let outcome = crate::db::run_write(&state.pool, move |tx| {
        let guard = Guard::fresh(tx, &viewer)?;
        let Some(m) = queries::served(tx, id)? else { return Err(AppError::NotFound) };
        crate::content::lock(tx, id)?;
        let facts = MediaFacts {
            author_id: m.author_id,
            deleted: m.deleted,
            hidden: m.hidden,
            shown_in_readable: false,
            avatar: false,
        };
        if !guard.can_delete_media(&facts) {
            return Err(if guard.can_read_media(&facts) { AppError::Forbidden } else { AppError::NotFound });
        }
        Ok(queries::delete_unused(tx, id)?)
    })
    .await?;
    match outcome {
        Ok(()) => Ok(redirect("/media?msg=deleted")),
        Err(key) => {
            let page =
                library_page(&ctx, &state, None, Vec::new(), vec![(String::new(), ctx.t(key))], String::new()).await?;
            Ok(HttpResponse::Conflict().content_type("text/html; charset=utf-8").body(page.render()?))
        }
    }
}

/// `GET /media/{id}` and `/media/{id}/{file}`: the file, if the policy lets the viewer see it
/// (else 404, as for anything the viewer may not know exists).
pub async fn serve(
    ctx: Ctx,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, file) = path.into_inner();
    serve_file(ctx, req, state, media_id(&id)?, Some(file)).await
}

pub async fn serve_default(
    ctx: Ctx,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    serve_file(ctx, req, state, media_id(&path)?, None).await
}

/// The id in a media address, spelled as the site spells it (anything else is not found).
fn media_id(segment: &str) -> AppResult<i64> {
    crate::content::markdown::media_id(segment).ok_or(AppError::NotFound)
}

async fn serve_file(
    ctx: Ctx,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: i64,
    file: Option<String>,
) -> AppResult<HttpResponse> {
    let viewer = ctx.viewer();
    let (served, public) = crate::db::run(&state.pool, move |conn| {
        let guard = Guard::load(conn, &viewer)?;
        let m = readable(conn, &guard, id)?.ok_or(AppError::NotFound)?;
        // A visitor's answer may be kept by shared caches; anyone else's only by their browser.
        let public = !guard.viewer.is_member();
        Ok((m, public))
    })
    .await?;
    let rendition = pick(&served.renditions, file.as_deref()).ok_or(AppError::NotFound)?.clone();
    let etag = format!("\"{}\"", rendition.object_key);
    // A day: long enough that a reader never fetches a file twice in a visit, short enough that a
    // file hidden or moved out of reach leaves shared caches within a day (the ETag makes the
    // check after that cheap).
    let cache = if public { "public, max-age=86400" } else { "private, max-age=86400" };
    if req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag || t.trim() == "*"))
    {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let path = match state.media.store.location(&rendition.object_key).ok_or(AppError::NotFound)? {
        super::store::Location::File(path) => path,
        super::store::Location::Remote => {
            // In an object store: the reader is sent to a signed address, valid for an hour
            // (the redirect itself is kept for less, so a kept one never points at an expired one).
            let url = state.media.store.signed_url(&rendition.object_key).await.map_err(AppError::internal)?;
            return Ok(HttpResponse::TemporaryRedirect()
                .insert_header((header::LOCATION, url))
                .insert_header((header::CACHE_CONTROL, "private, max-age=600"))
                .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .finish());
        }
    };
    let missing = |e: std::io::Error| {
        tracing::error!(error = %e, key = rendition.object_key, "a media object is missing");
        AppError::NotFound
    };
    let mut file = tokio::fs::File::open(&path).await.map_err(missing)?;
    let len = file.metadata().await.map_err(missing)?.len();
    let download = download_name(&served.file_name, &rendition.mime);
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Inline,
        parameters: vec![header::DispositionParam::FilenameExt(header::ExtendedValue {
            charset: header::Charset::Ext("UTF-8".to_string()),
            language_tag: None,
            value: download.into_bytes(),
        })],
    };
    let (mut res, start, count) = match wanted_range(&req, &etag, len) {
        Range::All => (HttpResponse::Ok(), 0, len),
        Range::Part(start, count) => {
            let mut res = HttpResponse::PartialContent();
            res.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{}/{len}", start + count - 1)));
            (res, start, count)
        }
        Range::Unsatisfiable => {
            return Ok(HttpResponse::RangeNotSatisfiable()
                .insert_header((header::CONTENT_RANGE, format!("bytes */{len}")))
                .insert_header((header::ACCEPT_RANGES, "bytes"))
                .insert_header((header::CACHE_CONTROL, "no-store"))
                .finish());
        }
    };
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    file.seek(std::io::SeekFrom::Start(start)).await.map_err(AppError::internal)?;
    let stream = tokio_util::io::ReaderStream::with_capacity(file.take(count), 64 * 1024);
    let mut res = res
        .content_type(rendition.mime.as_str())
        .insert_header(disposition)
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .body(actix_web::body::SizedStream::new(count, stream));
    let h = res.headers_mut();
    h.insert(header::ETAG, header::HeaderValue::from_str(&etag).map_err(AppError::internal)?);
    h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static(cache));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    // Opened on its own, a file is never a page that runs anything.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("default-src 'none'; media-src 'self'; img-src 'self'; sandbox"),
    );
    Ok(res)
}

/// What part of a file a request gets.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    All,
    /// (first byte, how many)
    Part(u64, u64),
    Unsatisfiable,
}

/// The part a `Range` header asks for (RFC 9110 §14). One range is served; several, a malformed
/// header, one of another unit, or an `If-Range` naming another version get the whole file
/// (which the RFC allows); an end past the file is cut at its end; a start past it cannot be
/// served.
fn wanted_range(req: &HttpRequest, etag: &str, len: u64) -> Range {
    let header_text = |name| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let Some(range) = header_text(header::RANGE) else { return Range::All };
    if header_text(header::IF_RANGE).is_some_and(|v| v != etag) {
        return Range::All;
    }
    parse_range(range, len)
}

fn parse_range(range: &str, len: u64) -> Range {
    let Some(spec) = range.strip_prefix("bytes=") else { return Range::All };
    if spec.contains(',') {
        return Range::All;
    }
    let Some((first, last)) = spec.trim().split_once('-') else { return Range::All };
    let number = |s: &str| {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse::<u64>().unwrap_or(u64::MAX))
    };
    match (number(first.trim()), number(last.trim()), last.trim().is_empty()) {
        // The last n bytes.
        (None, Some(n), _) if first.trim().is_empty() => {
            if n == 0 || len == 0 {
                Range::Unsatisfiable
            } else {
                let n = n.min(len);
                Range::Part(len - n, n)
            }
        }
        (Some(start), _, _) if start >= len => Range::Unsatisfiable,
        (Some(start), None, true) => Range::Part(start, len - start),
        (Some(start), Some(end), _) if end >= start => Range::Part(start, end.min(len - 1) - start + 1),
        _ => Range::All,
    }
}

/// The rendition an address names: `w800.webp`, `file.mp3`, `thumb` (the smallest picture),
/// `large` (the widest), or nothing (the default).
/// A media item with its files, if the guard's viewer may read it (the policy's rule for every
/// way a file leaves the site: its address, a book made of an issue).
pub fn readable(conn: &mut crate::db::DbConn, guard: &Guard, id: i64) -> diesel::QueryResult<Option<queries::Served>> {
    let Some(m) = queries::served(conn, id)? else { return Ok(None) };
    let (shown, avatar) =
        if guard.viewer.user_id == Some(m.author_id) { (false, false) } else { queries::shown_to(conn, guard, id)? };
    let facts =
        MediaFacts { author_id: m.author_id, deleted: m.deleted, hidden: m.hidden, shown_in_readable: shown, avatar };
    Ok(guard.can_read_media(&facts).then_some(m))
}

/// The file of a media item an address names (`w600.webp`, `thumb`, `large`; None: the default).
pub fn pick<'a>(renditions: &'a [RenditionRow], file: Option<&str>) -> Option<&'a RenditionRow> {
    match file {
        None => queries::default_rendition(renditions),
        Some("thumb") => {
            renditions.iter().filter(|r| r.mime.starts_with("image/")).min_by_key(|r| r.width.unwrap_or(0))
        }
        // The widest picture (covers), whatever width that is.
        Some("large") => {
            renditions.iter().filter(|r| r.mime.starts_with("image/")).max_by_key(|r| r.width.unwrap_or(0))
        }
        Some(f) => renditions.iter().find(|r| r.file_name() == f),
    }
}

/// The name a saved copy gets: the uploaded name with the extension of what is served.
fn download_name(uploaded: &str, mime: &str) -> String {
    let stem = uploaded.rsplit_once('.').map_or(uploaded, |(s, _)| s);
    let stem: String = stem.chars().filter(|c| !c.is_control() && *c != '"').collect();
    format!("{}.{}", if stem.is_empty() { "file" } else { &stem }, queries::extension(mime))
}

/// `POST /settings/avatar`: a picture becomes the member's profile picture (and an item of their
/// library, used as such).
pub async fn set_avatar(
    ctx: Ctx,
    state: web::Data<AppState>,
    form: UploadForm<UploadFields>,
) -> AppResult<HttpResponse> {
    use actix_web::http::StatusCode;
    let user_id = ctx.require_user()?.id;
    let problem = |status, key| crate::accounts::handlers::settings_problem(&ctx, &state, status, "avatar", key);
    if let Some(r) = form.refused.first() {
        return problem(super::upload::status_for(r.key), r.key).await;
    }
    let Some(file) = form.files.into_iter().next() else {
        return problem(StatusCode::UNPROCESSABLE_ENTITY, "media-err-none").await;
    };
    // Only a picture: checked before anything is stored.
    match super::sniff::sniff(&file.head) {
        Ok(super::sniff::Sniffed::Image(_)) => {}
        Ok(_) => return problem(StatusCode::UNPROCESSABLE_ENTITY, "avatar-err-type").await,
        Err(key) => return problem(StatusCode::UNPROCESSABLE_ENTITY, key).await,
    }
    let uploaded = match super::ingest(&state.pool, &state.media, user_id, file).await {
        Ok(u) => u,
        Err(key) => return problem(super::upload::status_for(key), key).await,
    };
    crate::db::run_write(&state.pool, move |tx| Ok(queries::set_avatar(tx, user_id, Some(uploaded.id))?)).await?;
    Ok(redirect("/settings?saved=avatar"))
}

/// `POST /settings/avatar/remove`: no profile picture (the file stays in the library).
pub async fn remove_avatar(
    ctx: Ctx,
    state: web::Data<AppState>,
    _form: CsrfForm<DeleteForm>,
) -> AppResult<HttpResponse> {
    let user_id = ctx.require_user()?.id;
    crate::db::run_write(&state.pool, move |tx| Ok(queries::set_avatar(tx, user_id, None)?)).await?;
    Ok(redirect("/settings?saved=avatar-removed"))
}

#[derive(Template)]
#[template(path = "admin/media.html")]
struct StoragePage<'a> {
    ctx: &'a PageCtx,
    meta: Meta,
    stored: i64,
    files: i64,
    items: i64,
    uploaders: Vec<queries::Uploader>,
    limits: super::Limits,
}

impl StoragePage<'_> {
    fn size(&self, bytes: &i64) -> String {
        human_size(*bytes)
    }

    fn mb(&self, bytes: &u64) -> String {
        if *bytes == 0 { "—".to_string() } else { human_size(*bytes as i64) }
    }
}

/// `/admin/media`: the storage used and the biggest uploaders.
pub async fn storage(ctx: Ctx, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    ctx.require_admin()?;
    let (stored, files, items, uploaders) = crate::db::run(&state.pool, |conn| Ok(queries::storage(conn)?)).await?;
    render(&StoragePage {
        meta: Meta::new(ctx.t("storage-title"), "/admin/media").noindex(),
        ctx: &ctx,
        stored,
        files,
        items,
        uploaders,
        limits: state.media.limits,
    })
}

#[cfg(test)]
mod range_tests {
    use super::{Range, parse_range};

    #[test]
    fn one_range_is_served_and_anything_odd_gets_the_whole_file() {
        assert_eq!(parse_range("bytes=0-9", 100), Range::Part(0, 10));
        assert_eq!(parse_range("bytes=90-", 100), Range::Part(90, 10));
        assert_eq!(parse_range("bytes=-10", 100), Range::Part(90, 10));
        assert_eq!(parse_range("bytes=-1000", 100), Range::Part(0, 100));
        assert_eq!(parse_range("bytes=0-99999999999999999999", 100), Range::Part(0, 100));
        assert_eq!(parse_range("bytes=50-500", 100), Range::Part(50, 50));
        assert_eq!(parse_range("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=99999999999999999999-", 100), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 100), Range::Unsatisfiable);
        for ignored in ["bytes=abc", "bytes=5-2", "bytes=0-1,5-10", "items=0-9", "bytes=", "bytes=-", "bytes=+1-2"] {
            assert_eq!(parse_range(ignored, 100), Range::All, "{ignored}");
        }
    }
}
