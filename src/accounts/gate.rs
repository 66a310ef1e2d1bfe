//! What stands between a request and its handler on account grounds (a middleware inside the
//! request context):
//!
//! 1. **Set-up first.** Until the site has an administrator, every route leads to `/setup`
//!    (pages and form posts alike, `/register` and `/login` included); assets, `robots.txt` and
//!    health probes still answer. Once an admin exists (or set-up was claimed) this is never
//!    asked again in this process.
//! 2. **Confirmed address before posting** (`PLAZA_VERIFY_EMAIL`): a member who has not opened
//!    the link sent to them may read, follow and change their settings, not post.
//! 3. **Per-process rate limits** on posting, search and password changes (`ratelimit::Limits`).
//!
//! A refused form post keeps its text for the error page (`KeptText`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use askama::Template;

use super::ratelimit::{Action, Limits};
use crate::error::AppError;
use crate::web::form::KeptText;
use crate::web::{AppState, PageCtx};

/// Process-wide account state the gate keeps: whether set-up is done, and the rate limiters.
#[derive(Default)]
pub struct Gate {
    setup_done: AtomicBool,
    pub limits: Limits,
}

impl Gate {
    pub fn mark_setup_done(&self) {
        self.setup_done.store(true, Ordering::Release);
    }

    /// Is set-up over (an admin exists, or it was claimed)? Asks the database until it is.
    pub async fn setup_done(&self, pool: &crate::db::Pool) -> Result<bool, AppError> {
        if self.setup_done.load(Ordering::Acquire) {
            return Ok(true);
        }
        let done = crate::db::run(pool, |conn| Ok(setup_done(conn)?)).await?;
        if done {
            self.mark_setup_done();
        }
        Ok(done)
    }
}

/// The key of the row the first admin's set-up claims (unique: only one request gets it).
pub const SETUP_CLAIM: &str = "setup.first_admin";

/// Once an admin exists, set-up is over for good, even if every admin is later demoted (from
/// the command line): record it.
pub fn remember_setup(tx: &mut crate::db::Tx<'_>) -> diesel::QueryResult<()> {
    if super::queries::admin_exists(tx)? && crate::db::setting(tx, SETUP_CLAIM)?.is_none() {
        crate::db::set_setting(tx, SETUP_CLAIM, Some(&crate::now().to_string()))?;
    }
    Ok(())
}

pub fn setup_done(conn: &mut crate::db::DbConn) -> diesel::QueryResult<bool> {
    Ok(crate::db::setting(conn, SETUP_CLAIM)?.is_some() || super::queries::admin_exists(conn)?)
}

/// Routes that answer before set-up: the set-up page itself, assets, probes, robots.
fn before_setup(path: &str) -> bool {
    matches!(path, "/setup" | "/robots.txt" | "/favicon.ico" | "/lang")
        || path.starts_with("/static/")
        || crate::ops::is_probe(path)
}

/// Form posts an unconfirmed member may still send: their account, language, notifications and
/// what they follow.
fn allowed_unverified(path: &str) -> bool {
    path.starts_with("/settings")
        || path.starts_with("/logout")
        || path.starts_with("/email/")
        || path.starts_with("/password/")
        || path.starts_with("/notifications")
        || path == "/lang"
        || matches!(
            path.trim_matches('/').split('/').collect::<Vec<_>>().as_slice(),
            ["tags" | "forums" | "topics", _, "follow"]
        )
}

/// New content: topics, replies, posts, comments (previews are sent to the same addresses).
pub fn is_posting(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["write"]
            | ["forums", _, "new"]
            | ["topics", _, "replies"]
            | ["posts", _, "comments"]
            | ["magazine", _, _, "comments"]
            | ["topics", _, "response"]
    )
}

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let (Some(state), Some(gate)) =
        (req.app_data::<web::Data<AppState>>().cloned(), req.app_data::<web::Data<Gate>>().cloned())
    else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let path = crate::web::routed_path(req.match_info()).to_string();
    if !before_setup(&path) {
        match gate.setup_done(&state.pool).await {
            Ok(true) => {}
            Ok(false) => {
                // Read what was sent (a form) so the connection stays usable for the redirect.
                if req.method() != Method::GET && req.method() != Method::HEAD {
                    let _ = req.extract::<web::Bytes>().await;
                }
                return Ok(req.into_response(crate::web::redirect("/setup")));
            }
            Err(e) => return Ok(req.into_response(e.error_response())),
        }
    }
    let user = req.extensions().get::<Arc<PageCtx>>().and_then(|c| c.user.clone());
    let refusal = match (req.method(), &user) {
        (&Method::POST, Some(u)) if u.silenced && !allowed_unverified(&path) && path != "/appeal" => {
            Some(AppError::Silenced)
        }
        (&Method::POST, Some(u)) if state.settings.verify_email && !u.email_verified && !allowed_unverified(&path) => {
            Some(AppError::Unverified)
        }
        (&Method::POST, Some(u)) if is_posting(&path) && !u.roles.is_staff() && !u.roles.can_moderate() => gate
            .limits
            .check(Action::Post, &u.id.to_string())
            .err()
            .map(|s| AppError::TooManyRequests(s, "error-too-many-posts")),
        (&Method::POST, Some(u)) if path == "/settings/password" => gate
            .limits
            .check(Action::PasswordChange, &u.id.to_string())
            .err()
            .map(|s| AppError::TooManyRequests(s, "error-too-many-password")),
        // The other forms that check the current password share its budget, so a stolen
        // session cannot guess the password there at the speed of the hashing.
        (&Method::POST, Some(u)) if path == "/settings/email" || path == "/settings/account/delete" => gate
            .limits
            .check(Action::PasswordChange, &u.id.to_string())
            .err()
            .map(|s| AppError::TooManyRequests(s, "error-too-many-password-checks")),
        (&Method::GET, _) if path == "/search" || path.starts_with("/search.") => {
            let key = match &user {
                Some(u) => format!("user:{}", u.id),
                None => crate::web::client::limit_key(crate::web::client::ip(
                    req.request(),
                    &state.settings.trusted_proxies,
                )),
            };
            gate.limits
                .check(Action::Search, &key)
                .err()
                .map(|s| AppError::TooManyRequests(s, "error-too-many-searches"))
        }
        _ => None,
    };
    let Some(refusal) = refusal else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    // Whatever the person typed comes back on the error page.
    let kept = if req.method() == Method::POST {
        match req.extract::<web::Bytes>().await {
            Ok(body) => serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
                .map(|pairs| KeptText::from_pairs(&pairs))
                .unwrap_or_default(),
            Err(_) => KeptText::default(),
        }
    } else {
        let q = web::Query::<Vec<(String, String)>>::from_query(req.query_string()).map(|q| q.into_inner());
        q.map(|pairs| KeptText::from_pairs(&pairs)).unwrap_or_default()
    };
    let ctx = req.extensions().get::<Arc<PageCtx>>().cloned();
    if let (AppError::Silenced, Some(ctx), Some(u)) = (&refusal, ctx.clone(), &user) {
        // Its own page: why, until when, the way to appeal, and the text.
        let id = u.id;
        let sanction = crate::db::run(&state.pool, move |conn| Ok(crate::moderation::sanctions::appealable(conn, id)?))
            .await
            .ok()
            .flatten();
        let page = SilencedPage {
            meta: crate::web::Meta::new(ctx.t("silenced-title"), ctx.path.clone()).noindex(),
            reason: sanction
                .as_ref()
                .map(|s| crate::moderation::sanctions::shown_reason(ctx.lang, &s.reason))
                .unwrap_or_default(),
            until: sanction.and_then(|s| s.ends_at),
            ctx: &ctx,
            kept: kept.0,
        };
        let body = page.render().map_err(AppError::from)?;
        let res = HttpResponse::Forbidden().content_type("text/html; charset=utf-8").body(body);
        return Ok(req.into_response(res));
    }
    if let (AppError::Unverified, Some(ctx)) = (&refusal, ctx) {
        // Its own page: what to do, the button that sends the link again, and the text.
        let page = VerifyFirstPage {
            meta: crate::web::Meta::new(ctx.t("verify-first-title"), ctx.path.clone()).noindex(),
            ctx: &ctx,
            kept: kept.0,
        };
        let body = page.render().map_err(AppError::from)?;
        let res = HttpResponse::Forbidden().content_type("text/html; charset=utf-8").body(body);
        return Ok(req.into_response(res));
    }
    req.extensions_mut().insert(kept);
    Ok(req.into_response(refusal.error_response()))
}

#[derive(Template)]
#[template(path = "accounts/silenced.html")]
struct SilencedPage<'a> {
    ctx: &'a PageCtx,
    meta: crate::web::Meta,
    reason: String,
    until: Option<chrono::NaiveDateTime>,
    kept: String,
}

#[derive(Template)]
#[template(path = "accounts/verify_first.html")]
struct VerifyFirstPage<'a> {
    ctx: &'a PageCtx,
    meta: crate::web::Meta,
    kept: String,
}

#[cfg(test)]
mod tests {
    #[test]
    fn posting_routes() {
        for p in ["/write", "/forums/help/new", "/topics/4/replies", "/posts/9/comments", "/topics/4/response"] {
            assert!(super::is_posting(p), "{p}");
        }
        for p in ["/settings", "/topics/4/follow", "/forums/help", "/posts/9/edit", "/search"] {
            assert!(!super::is_posting(p), "{p}");
        }
    }
}
