//! Static assets compiled into the binary, so the one file is the whole site.
//! URLs carry a content hash (`/static/plaza.css?v=…`) and are cached for a year.

use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
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
];

static HASHES: LazyLock<Vec<String>> =
    LazyLock::new(|| ASSETS.iter().map(|a| hex::encode(&Sha256::digest(a.body)[..8])).collect());

/// The versioned URL of an asset, for templates.
pub fn url(name: &str) -> String {
    match ASSETS.iter().position(|a| a.name == name) {
        Some(i) => format!("/static/{name}?v={}", HASHES[i]),
        None => format!("/static/{name}"),
    }
}

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let name = path.into_inner();
    let Some(i) = ASSETS.iter().position(|a| a.name == name) else {
        return HttpResponse::NotFound().content_type("text/plain").body("not found");
    };
    let asset = &ASSETS[i];
    let etag = format!("\"{}\"", HASHES[i]);
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return HttpResponse::NotModified().finish();
    }
    let mut res = HttpResponse::Ok().content_type(asset.content_type).body(asset.body);
    if let Ok(v) = HeaderValue::from_str(&etag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    res
}
