//! Receiving uploads: a `multipart/form-data` body whose files are written to temporary files as
//! they arrive (hashed on the way, never held whole in memory), beside its text fields.

use std::io::Write;
use std::sync::Arc;

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use sha2::Digest;

use crate::error::AppError;
use crate::web::context::csrf_valid;
use crate::web::form::KeptText;
use crate::web::{AppState, PageCtx};

/// Files one form may carry.
pub const MAX_FILES: usize = 10;
/// Text one form may carry, all fields together.
const MAX_TEXT: usize = 1024 * 1024;

/// One received file: the form field it came in, its cleaned name, where it waits, its size and
/// hash, its first bytes.
#[derive(Debug)]
pub struct Received {
    pub field: String,
    pub file_name: String,
    pub tmp: tempfile::TempPath,
    pub size: u64,
    pub sha256: String,
    pub head: Vec<u8>,
}

/// A multipart form: text fields, the files, and the files refused while receiving (with the
/// catalog key saying why).
#[derive(Debug, Default)]
pub struct Parts {
    pub fields: Vec<(String, String)>,
    pub files: Vec<Received>,
    pub refused: Vec<Refusal>,
}

/// A file refused while it was received: its field, its name, the catalog key saying why.
#[derive(Debug)]
pub struct Refusal {
    pub field: String,
    pub file_name: String,
    pub key: &'static str,
}

/// A file name as people read it: no path, no control characters, at most 120 characters; an
/// empty or dotted-only name becomes "file".
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    // Control characters, and the invisible ones that reorder or hide text (`x\u{202E}gnp.exe`
    // shows as `xexe.png`).
    let invisible = |c: &char| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}');
    let cleaned: String = base.chars().filter(|c| !c.is_control() && !invisible(c)).collect();
    let cleaned = cleaned.trim_start_matches(|c: char| c == '.' || c.is_whitespace()).trim_end();
    let cut: String = cleaned.chars().take(120).collect();
    if cut.is_empty() { "file".to_string() } else { cut }
}

/// Read a multipart body. Files beyond `max_file` bytes are refused ("too big") and the rest of
/// them read and thrown away, so the browser gets an answer instead of a reset connection.
pub async fn receive(
    mut multipart: Multipart,
    tmp_dir: std::path::PathBuf,
    max_file: u64,
    expected_token: &str,
    mut token_ok: bool,
) -> Result<Parts, AppError> {
    let mut out = Parts::default();
    let mut text = 0usize;
    while let Some(field) = multipart.next().await {
        // A part that cannot be parsed (a file name with control characters in its header):
        // nothing after it can be read either.
        let mut field = field.map_err(|_| AppError::BadRequest("media-err-unreadable"))?;
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.content_disposition().and_then(|d| d.get_filename()).map(str::to_string);
        match file_name {
            None => {
                let mut value = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| AppError::BadRequest("error-bad-request"))?;
                    text += chunk.len();
                    if text > MAX_TEXT {
                        return Err(AppError::PayloadTooLarge);
                    }
                    value.extend_from_slice(&chunk);
                }
                let mut value = String::from_utf8(value).map_err(|_| AppError::BadRequest("error-bad-request"))?;
                value.retain(|c| c != '\0');
                // Browsers send text areas with CRLF line ends in multipart bodies too.
                let value = value.replace("\r\n", "\n");
                if name == "csrf_token" && csrf_valid(expected_token, &value) {
                    token_ok = true;
                }
                out.fields.push((name, value));
            }
            Some(raw_name) => {
                // Nothing is written to disk for a form this site did not make: its token comes
                // first (forms put it before their fields, scripts send it as a header).
                if !token_ok {
                    return Err(AppError::Csrf);
                }
                // An empty file input sends a part with an empty name and no bytes.
                let file_name = clean_name(&raw_name);
                let mut tmp = tempfile::NamedTempFile::new_in(&tmp_dir).map_err(AppError::internal)?;
                let mut hasher = sha2::Sha256::new();
                let mut size = 0u64;
                let mut head = Vec::new();
                let mut too_big = false;
                // Known not to be media from its first bytes: the rest is read and dropped.
                let mut not_media: Option<&'static str> = None;
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| AppError::BadRequest("error-bad-request"))?;
                    size += chunk.len() as u64;
                    if too_big || not_media.is_some() || size > max_file {
                        too_big |= not_media.is_none();
                        continue;
                    }
                    if head.len() < super::sniff::HEAD {
                        let take = (super::sniff::HEAD - head.len()).min(chunk.len());
                        head.extend_from_slice(&chunk[..take]);
                        if head.len() >= super::sniff::HEAD {
                            not_media = super::sniff::sniff(&head).err();
                        }
                    }
                    hasher.update(&chunk);
                    tmp.write_all(&chunk).map_err(AppError::internal)?;
                }
                if raw_name.is_empty() && size == 0 {
                    continue;
                }
                let refused = not_media
                    .or(too_big.then_some("media-err-too-big"))
                    .or((out.files.len() >= MAX_FILES).then_some("media-err-too-many"));
                if let Some(key) = refused {
                    out.refused.push(Refusal { field: name, file_name, key });
                } else {
                    tmp.flush().map_err(AppError::internal)?;
                    out.files.push(Received {
                        field: name,
                        file_name,
                        tmp: tmp.into_temp_path(),
                        size,
                        sha256: hex::encode(hasher.finalize()),
                        head,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// A form that may carry files (every editor): an urlencoded form as `CsrfForm` reads it, or a
/// multipart one whose files are received beside its fields. The CSRF token is checked either
/// way (the `csrf_token` field, or the `X-CSRF-Token` header a script sends).
pub struct UploadForm<T> {
    pub form: T,
    pub files: Vec<Received>,
    pub refused: Vec<Refusal>,
}

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for UploadForm<T> {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            if !req.content_type().starts_with("multipart/") {
                let crate::web::CsrfForm(form) = crate::web::CsrfForm::<T>::from_request(&req, &mut payload).await?;
                return Ok(UploadForm { form, files: Vec::new(), refused: Vec::new() });
            }
            let state = req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| AppError::internal("no state"))?;
            let (expected, member, admin, path) = match req.extensions().get::<Arc<PageCtx>>() {
                Some(c) => (c.csrf_token.clone(), c.user.is_some(), c.is_admin(), c.path.clone()),
                None => (String::new(), false, false, String::from("/")),
            };
            // Files are taken from members only, and admins' pages' files from admins only:
            // nobody else gets a byte written to disk.
            if !member {
                return Err(AppError::LoginRequired(path));
            }
            if crate::web::routed_path(req.match_info()).starts_with("/admin/") && !admin {
                return Err(AppError::Forbidden);
            }
            let header = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
            let header_ok = csrf_valid(&expected, header);
            let multipart = Multipart::new(req.headers(), payload);
            let got =
                receive(multipart, state.media.store.tmp_dir(), state.media.limits.largest(), &expected, header_ok)
                    .await?;
            req.extensions_mut().insert(KeptText::from_pairs(&got.fields));
            let token = got.fields.iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v.as_str()).unwrap_or("");
            if !header_ok && !csrf_valid(&expected, token) {
                return Err(AppError::Csrf);
            }
            if crate::web::spam::guarded(crate::web::routed_path(req.match_info())) {
                crate::web::spam::check(&state.csrf_secret, state.settings.form_min_seconds, &got.fields)?;
            }
            let encoded =
                serde_urlencoded::to_string(&got.fields).map_err(|_| AppError::BadRequest("error-bad-request"))?;
            let form =
                serde_urlencoded::from_str::<T>(&encoded).map_err(|_| AppError::BadRequest("error-bad-request"))?;
            Ok(UploadForm { form, files: got.files, refused: got.refused })
        })
    }
}

/// The status of a form shown again after `attach`: 200 when files were only attached (the
/// form asks to describe them), 413 for a file over a limit, 422 for any other refusal.
pub fn status_for(key: &str) -> actix_web::http::StatusCode {
    use actix_web::http::StatusCode;
    match key {
        "media-attached" => StatusCode::OK,
        "media-err-too-big" | "media-err-quota" | "media-err-site-full" => StatusCode::PAYLOAD_TOO_LARGE,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl<T> UploadForm<T> {
    /// The form alone, its files dropped unstored (a form refused before anything is kept).
    pub fn into_form(self) -> T {
        self.form
    }

    /// Take the form's files into `author_id`'s library and append each to the text `body`
    /// picks as Markdown (how an editor without scripts attaches files). Returns the form and the
    /// catalog key of the first file refused, if any (the others are kept).
    pub async fn attach(
        self,
        state: &AppState,
        author_id: i64,
        body: impl FnOnce(&mut T) -> &mut String,
    ) -> (T, Option<&'static str>) {
        let UploadForm { mut form, files, refused } = self;
        let mut problem = refused.first().map(|r| r.key);
        if files.is_empty() {
            return (form, problem);
        }
        let text = body(&mut form);
        for file in files {
            match super::ingest(&state.pool, &state.media, author_id, file).await {
                Ok(u) => {
                    let text_now = text.trim_end().len();
                    text.truncate(text_now);
                    if !text.is_empty() {
                        text.push_str("\n\n");
                    }
                    text.push_str(&u.markdown);
                }
                Err(key) => problem = problem.or(Some(key)),
            }
        }
        // Files attached without scripts: the form comes back with them in the text, to describe
        // each picture before publishing.
        (form, problem.or(Some("media-attached")))
    }
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn file_names_are_made_harmless() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\me\\photo.jpg"), "photo.jpg");
        assert_eq!(clean_name("a\0b\u{7}c.png"), "abc.png");
        assert_eq!(clean_name("x\u{202E}gnp.exe"), "xgnp.exe");
        assert_eq!(clean_name("..."), "file");
        assert_eq!(clean_name(""), "file");
        assert_eq!(clean_name(&"x".repeat(500)).chars().count(), 120);
        assert_eq!(clean_name("春天的照片.jpg"), "春天的照片.jpg");
    }
}
