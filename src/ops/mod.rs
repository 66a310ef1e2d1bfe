//! What an operator runs the site with: health probes (`/healthz`, `/readyz`), one log line
//! per request with its request id, Prometheus metrics (`/metrics`), and housekeeping.

pub mod backup;
pub mod housekeeping;
pub mod metrics;

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use tracing::Span;

pub use metrics::Metrics;

use crate::web::AppState;

/// The header a request id comes in (from a proxy) and goes out in.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Paths that answer without the page context (no session lookup, no cookies).
pub fn is_probe(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// This request's id: the one a proxy sent in `X-Request-Id` when it is short and made of
/// safe characters, else a new one. Logged with every line of the request, echoed in the
/// response's `X-Request-Id` and shown on error pages, so a person can quote it.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Accept an incoming id only if it cannot forge log lines or headers: 1 to 64 characters of
/// letters, digits, `-`, `_`, `.`, `:`.
pub fn safe_request_id(value: &str) -> Option<&str> {
    let ok = (1..=64).contains(&value.len())
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    ok.then_some(value)
}

/// The id the request was given (empty outside a request that went through the logger).
pub fn request_id(req: &HttpRequest) -> String {
    req.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default()
}

/// The root span of every request (`tracing-actix-web`): it carries the request id, so every
/// line logged while answering names it; at the end one line sums the request up.
pub struct RequestSpan;

struct Started(Instant);

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let id = request
            .headers()
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(safe_request_id)
            .map(str::to_string)
            .or_else(|| request.extensions().get::<tracing_actix_web::RequestId>().map(|r| r.to_string()))
            .unwrap_or_else(|| crate::web::random_token()[..32].to_string());
        request.extensions_mut().insert(RequestId(id.clone()));
        request.extensions_mut().insert(Started(Instant::now()));
        tracing::info_span!("request", request_id = %id)
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, actix_web::Error>) {
        let _entered = span.enter();
        match outcome {
            Ok(res) => {
                let req = res.request();
                let took = req.extensions().get::<Started>().map(|s| s.0.elapsed()).unwrap_or_default();
                let status = res.status().as_u16();
                let route = route_of(req);
                let method = req.method().as_str();
                // Milliseconds to one decimal.
                let ms = (took.as_secs_f64() * 10_000.0).round() / 10.0;
                if status >= 500 {
                    tracing::warn!(target: "plaza::request", method, route, status, duration_ms = ms, "request");
                } else {
                    tracing::info!(target: "plaza::request", method, route, status, duration_ms = ms, "request");
                }
            }
            Err(e) => {
                tracing::warn!(target: "plaza::request", status = e.as_response_error().status_code().as_u16(), error = %e, "request")
            }
        }
    }
}

/// The matched route pattern (`/topics/{id}`), or `unmatched`: labels and log fields stay few.
fn route_of(req: &HttpRequest) -> String {
    req.match_pattern().unwrap_or_else(|| "unmatched".to_string())
}

fn method_label(req: &HttpRequest) -> &'static str {
    use actix_web::http::Method;
    match *req.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        _ => "other",
    }
}

/// Count the request in the metrics and echo its id in the response.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let mut res = next.call(req).await?;
    if let Some(m) = metrics {
        let req = res.request();
        m.observe(&route_of(req), method_label(req), res.status().as_u16(), started.elapsed());
    }
    let id = request_id(res.request());
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(header::HeaderName::from_static(REQUEST_ID_HEADER), v);
    }
    Ok(res)
}

fn plain(status: actix_web::http::StatusCode, text: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text)
}

/// `/healthz`: the process is up and answering. Touches nothing else.
pub async fn healthz() -> HttpResponse {
    plain(actix_web::http::StatusCode::OK, "ok\n".into())
}

/// How long `/readyz` waits for a database connection.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// `/readyz`: the database answers (within two seconds) and has every migration this binary
/// carries. 503 with the reason otherwise, so a load balancer sends no traffic here yet.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let checked = web::block(move || -> Result<(), String> {
        let mut conn = pool.get_timeout(READY_TIMEOUT).map_err(|e| format!("database unreachable: {e}"))?;
        use diesel::connection::SimpleConnection;
        conn.batch_execute("SELECT 1").map_err(|e| format!("database unreachable: {e}"))?;
        match crate::db::migrations_pending(&mut conn) {
            Ok(false) => Ok(()),
            Ok(true) => Err("migrations pending: run `plaza migrate` or restart".into()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;
    match checked {
        Ok(Ok(())) => plain(actix_web::http::StatusCode::OK, "ready\n".into()),
        Ok(Err(why)) => {
            tracing::warn!(reason = %why, "not ready");
            plain(actix_web::http::StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {why}\n"))
        }
        Err(e) => plain(actix_web::http::StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {e}\n")),
    }
}

/// May this request read the metrics? With the configured bearer token, from anywhere; without
/// it, only from this machine and not through a proxy (a reverse proxy on this host connects
/// from loopback on behalf of anyone: such requests carry `X-Forwarded-For` or `Forwarded`, and
/// when the operator lists loopback in `PLAZA_TRUSTED_PROXIES` it is a proxy whatever it sends).
pub fn metrics_allowed(req: &HttpRequest, token: Option<&str>, proxies: &[ipnet::IpNet]) -> bool {
    use subtle::ConstantTimeEq;
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if let (Some(expected), Some(given)) = (token, bearer) {
        return expected.as_bytes().ct_eq(given.as_bytes()).into();
    }
    let proxied = ["x-forwarded-for", "forwarded", "x-real-ip"].iter().any(|h| req.headers().contains_key(*h));
    let local = req.peer_addr().is_some_and(|a| a.ip().is_loopback() && !proxies.iter().any(|p| p.contains(&a.ip())));
    local && !proxied && bearer.is_none()
}

/// `/metrics`: Prometheus's text format. Anyone else gets a 404, as if it were not there.
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
    metrics: web::Data<Metrics>,
    cache: web::Data<crate::web::cache::PageCache>,
) -> Result<HttpResponse, crate::error::AppError> {
    let token = state.settings.metrics_token.as_ref().map(|t| t.expose());
    if !metrics_allowed(&req, token, &state.settings.trusted_proxies) {
        return Ok(plain(actix_web::http::StatusCode::NOT_FOUND, "not found\n".into()));
    }
    let pool = state.pool.clone();
    let text = web::block(move || {
        let mut conn = pool.get_timeout(READY_TIMEOUT).ok();
        metrics.render(&pool, &cache, conn.as_deref_mut())
    })
    .await
    .map_err(crate::error::AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}
