//! One error type for every handler. Its response carries only a status and a plain message for
//! the visitor; `web::context` renders it inside the site layout in the visitor's language.
//! Internal causes are logged in full and never shown.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The visitor must log in first; carries the path to come back to.
    #[error("login required")]
    LoginRequired(String),
    #[error("invalid or missing CSRF token")]
    Csrf,
    /// A request no form of ours produces (bad query string, malformed body); message is a catalog key.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("payload too large")]
    PayloadTooLarge,
    /// Too many requests of this kind: try again after this many seconds; message is a catalog key.
    #[error("too many requests")]
    TooManyRequests(u64, &'static str),
    /// A member who has not confirmed their e-mail address tried to post.
    #[error("e-mail address not verified")]
    Unverified,
    /// A silenced member tried to post.
    #[error("silenced")]
    Silenced,
    /// A post refused for what it says or how much (a watched word, a new member's limits):
    /// 422 with a message (catalog key and its arguments); the text is kept.
    #[error("refused: {0}")]
    Refused(&'static str, Vec<(&'static str, String)>),
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl AppError {
    pub fn internal<E: std::fmt::Display>(e: E) -> Self {
        AppError::Internal(anyhow::anyhow!("{e}"))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            e => AppError::Internal(anyhow::Error::new(e)),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(anyhow::Error::new(e))
    }
}

/// Put into a response's extensions: the catalog key of the message the error page shows.
#[derive(Clone, Debug)]
pub struct ErrorMessage(pub &'static str);

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf | AppError::Unverified | AppError::Silenced => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::LoginRequired(_) => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Refused(..) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            AppError::NotFound => "error-not-found",
            AppError::Forbidden => "error-forbidden",
            AppError::Csrf => "error-csrf",
            AppError::BadRequest(key) => key,
            AppError::PayloadTooLarge => "error-too-large",
            AppError::Unverified => "error-verify-email",
            AppError::Silenced => "error-silenced",
            AppError::Refused(key, args) => {
                let mut res = HttpResponse::UnprocessableEntity().finish();
                res.extensions_mut().insert(ErrorMessage(key));
                res.extensions_mut().insert(ErrorArgs(args.clone()));
                return res;
            }
            AppError::TooManyRequests(seconds, key) => {
                let mut res = HttpResponse::TooManyRequests()
                    .insert_header(("Retry-After", seconds.max(&1).to_string()))
                    .finish();
                res.extensions_mut().insert(ErrorMessage(key));
                return res;
            }
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                "error-internal"
            }
            AppError::LoginRequired(next) => {
                let target = format!("/login?next={}", crate::web::urlencode(next));
                let mut res = HttpResponse::SeeOther().insert_header(("Location", target)).finish();
                res.extensions_mut().insert(LoginRedirect);
                return res;
            }
        };
        let mut res = HttpResponse::build(self.status_code()).finish();
        res.extensions_mut().insert(ErrorMessage(message));
        res
    }
}

/// The arguments of an error's message (`AppError::Refused`).
#[derive(Clone, Debug)]
pub struct ErrorArgs(pub Vec<(&'static str, String)>);

/// Marks the redirect to the login page of a request that needed a session (so the middleware can
/// tell it from a handler's own redirect that merely leads to `/login`).
#[derive(Clone, Copy, Debug)]
pub struct LoginRedirect;

pub type AppResult<T> = Result<T, AppError>;
