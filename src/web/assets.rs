//! Static assets compiled into the binary, so the one file is the whole site. Pages name them by
//! a content-hashed file name (`/static/plaza.3f2a1c0b9d8e7f6a.css`), served with
//! `Cache-Control: immutable` for a year, an `ETag` and `304`s; each is compressed once (brotli
//! and gzip, at the highest settings) the first time it is asked for, and served as the browser
//! accepts. The plain name (`/static/plaza.css`) still answers, briefly cached, for links from
//! before.

use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset {
        name: "plaza.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("../../static/plaza.css"),
    },
    Asset {
        name: "plaza.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("../../static/plaza.js"),
    },
    Asset { name: "favicon.svg", content_type: "image/svg+xml", body: include_bytes!("../../static/favicon.svg") },
    // The header's notifications icon on a phone (a CSS mask: it takes the text's colour).
    Asset { name: "bell.svg", content_type: "image/svg+xml", body: include_bytes!("../../static/bell.svg") },
];

/// An asset ready to serve: its hashed name and its bodies.
struct Ready {
    hash: String,
    hashed_name: String,
    gzip: Bytes,
    brotli: Bytes,
}

static READY: LazyLock<Vec<Ready>> = LazyLock::new(|| ASSETS.iter().map(prepare).collect());

fn prepare(a: &Asset) -> Ready {
    let hash = hex::encode(&Sha256::digest(a.body)[..8]);
    let hashed_name = match a.name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{}.{hash}", a.name),
    };
    use super::compress::{Effort, brotli, gzip};
    let gzip = gzip(a.body, Effort::Once).unwrap_or_default();
    let brotli = brotli(a.body, Effort::Once).unwrap_or_default();
    Ready { hash, hashed_name, gzip: Bytes::from(gzip), brotli: Bytes::from(brotli) }
}

/// The hashed URL of an asset, for templates.
pub fn url(name: &str) -> String {
    match ASSETS.iter().position(|a| a.name == name) {
        Some(i) => format!("/static/{}", READY[i].hashed_name),
        None => format!("/static/{name}"),
    }
}

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let name = path.into_inner();
    let found = ASSETS
        .iter()
        .position(|a| a.name == name)
        .map(|i| (i, false))
        .or_else(|| READY.iter().position(|r| r.hashed_name == name).map(|i| (i, true)));
    let Some((i, hashed)) = found else {
        return HttpResponse::NotFound().content_type("text/plain").body("not found");
    };
    let (asset, ready) = (&ASSETS[i], &READY[i]);
    let etag = format!("\"{}\"", ready.hash);
    let cache_control = if hashed { "public, max-age=31536000, immutable" } else { "public, max-age=300" };
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if matches {
        HttpResponse::NotModified().finish()
    } else {
        let (body, coding) = match super::compress::preferred_coding(req.headers()) {
            Some("br") if !ready.brotli.is_empty() => (ready.brotli.clone(), Some("br")),
            Some("gzip") | Some("br") if !ready.gzip.is_empty() => (ready.gzip.clone(), Some("gzip")),
            _ => (Bytes::from_static(asset.body), None),
        };
        let mut res = HttpResponse::Ok().content_type(asset.content_type).body(body);
        if let Some(c) = coding {
            res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(c));
        }
        res
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    res
}
