//! `CsrfForm<T>`: an urlencoded form whose `csrf_token` field must match the visitor's CSRF
//! cookie. Every state-changing handler takes its input through this extractor.

use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

use std::sync::Arc;

use super::PageCtx;
use super::context::csrf_valid;
use crate::error::AppError;

/// Largest form body accepted (a long post is well under this).
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

pub struct CsrfForm<T>(pub T);

/// The free text of a submitted form (no passwords, tokens or hidden navigation fields), kept
/// in the request so an error page can show it again.
#[derive(Clone, Debug, Default)]
pub struct KeptText(pub String);

impl KeptText {
    const SKIP: &[&str] = &[
        "csrf_token",
        "password",
        "old_password",
        "new_password",
        "confirm_password",
        "action",
        "next",
        "back",
        "value",
        "form_at",
        "website",
    ];

    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let text: Vec<&str> = pairs
            .iter()
            .filter(|(k, v)| !Self::SKIP.contains(&k.as_str()) && v.trim().chars().count() > 1)
            .map(|(_, v)| v.trim())
            .collect();
        KeptText(text.join("\n\n"))
    }
}

/// How much of an oversized body is still read (and thrown away) so that the browser receives
/// the 413 page instead of a connection reset; beyond this the connection is simply dropped.
const DRAIN_BYTES: usize = 16 * 1024 * 1024;

async fn read_body(payload: &mut Payload) -> Result<web::Bytes, AppError> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    let mut seen = 0usize;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest("error-bad-request"))?;
        seen += chunk.len();
        if seen <= MAX_FORM_BYTES {
            body.extend_from_slice(&chunk);
        } else if seen > DRAIN_BYTES {
            break;
        }
    }
    if seen > MAX_FORM_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    Ok(body.freeze())
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let content_type = req.content_type().to_string();
            if !content_type.is_empty() && content_type != "application/x-www-form-urlencoded" {
                return Err(AppError::BadRequest("error-bad-request"));
            }
            let body = read_body(&mut payload).await?;
            let mut pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("error-bad-request"))?;
            // Whatever becomes of this request (a stale form, a session that ended meanwhile), the
            // error page can hand the person their text back.
            req.extensions_mut().insert(KeptText::from_pairs(&pairs));
            let token = pairs.iter().find(|(k, _)| k == "csrf_token").map(|(_, v)| v.as_str()).unwrap_or("");
            // The token this request's pages carry (its nonce cookie and session): a request that
            // brought no nonce cookie was given a new random one, which no form can know.
            let expected = req.extensions().get::<Arc<PageCtx>>().map(|c| c.csrf_token.clone()).unwrap_or_default();
            if !csrf_valid(&expected, token) {
                return Err(AppError::Csrf);
            }
            // Sign-up and posting forms: the honeypot and the time it took (`spam`).
            if super::spam::guarded(super::routed_path(req.match_info()))
                && let Some(state) = req.app_data::<web::Data<super::AppState>>()
            {
                super::spam::check(&state.csrf_secret, state.settings.form_min_seconds, &pairs)?;
            }
            // NUL is never meaningful in text, and PostgreSQL refuses it: drop it, keep the rest.
            if pairs.iter().any(|(k, v)| k.contains('\0') || v.contains('\0')) {
                for (k, v) in &mut pairs {
                    k.retain(|c| c != '\0');
                    v.retain(|c| c != '\0');
                }
                let cleaned =
                    serde_urlencoded::to_string(&pairs).map_err(|_| AppError::BadRequest("error-bad-request"))?;
                return serde_urlencoded::from_str::<T>(&cleaned)
                    .map(CsrfForm)
                    .map_err(|_| AppError::BadRequest("error-bad-request"));
            }
            serde_urlencoded::from_bytes::<T>(&body)
                .map(CsrfForm)
                .map_err(|_| AppError::BadRequest("error-bad-request"))
        })
    }
}
