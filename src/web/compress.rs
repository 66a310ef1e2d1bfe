//! Response compression, one place for every coding Plaza sends: pages made per request
//! (members' pages, forms) are compressed here as they leave; the page cache compresses what it
//! keeps once, harder; static files are compressed once at start, hardest.
//!
//! Why not actix's `Compress`: it streams every answer through a brotli encoder with a 4 MB
//! window whatever the answer's size. At 64 members' pages in flight that held 450 MB resident
//! (and glibc keeps what it once held). Pages here are whole in memory before they leave, so
//! the window is sized to the page (a 40 KB page gets a 64 KB window) and the work is one call.

use std::io::Write;

use actix_web::body::{BodySize, BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;

/// Smaller answers are sent as they are (the headers would eat the gain).
const MIN_SIZE: usize = 860;
/// Larger ones too: compression runs on the thread that serves other connections, so it is
/// kept to bodies that take about a millisecond (a member's sitemap file is under 1 MB).
const MAX_SIZE: usize = 2 * 1024 * 1024;

/// How hard to work: per request, cheap; kept in the cache, harder; static files, hardest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    PerRequest,
    Kept,
    Once,
}

impl Effort {
    fn brotli_quality(self) -> u32 {
        match self {
            Effort::PerRequest => 4,
            Effort::Kept => 6,
            Effort::Once => 11,
        }
    }

    fn gzip_level(self) -> u32 {
        match self {
            Effort::PerRequest => 5,
            Effort::Kept => 6,
            Effort::Once => 9,
        }
    }
}

/// The coding to answer a request with: brotli if accepted, then gzip, else none.
pub fn preferred_coding(headers: &HeaderMap) -> Option<&'static str> {
    let accept = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok())?;
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                let q = p.trim().replace(' ', "");
                q.strip_prefix("q=").and_then(|v| v.parse::<f32>().ok()).is_some_and(|v| v <= 0.0)
            });
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    if accepts("br") {
        Some("br")
    } else if accepts("gzip") {
        Some("gzip")
    } else {
        None
    }
}

/// Brotli, with a window no larger than the body needs (2^16 to 2^22 bytes).
pub fn brotli(body: &[u8], effort: Effort) -> std::io::Result<Vec<u8>> {
    let lgwin = (usize::BITS - body.len().max(1).leading_zeros()).clamp(16, 22);
    let mut br =
        brotli::CompressorWriter::new(Vec::with_capacity(body.len() / 4), 4096, effort.brotli_quality(), lgwin);
    br.write_all(body)?;
    br.flush()?;
    Ok(br.into_inner())
}

pub fn gzip(body: &[u8], effort: Effort) -> std::io::Result<Vec<u8>> {
    let mut gz = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::new(effort.gzip_level()),
    );
    gz.write_all(body)?;
    gz.finish()
}

fn compressible(headers: &HeaderMap) -> bool {
    let Some(ct) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let ct = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    ct.starts_with("text/")
        || ct.ends_with("+xml")
        || ct.ends_with("/xml")
        || ct.ends_with("+json")
        || ct == "application/json"
        || ct == "application/javascript"
        || ct == "image/svg+xml"
}

/// Compress an answer made for this request when the client accepts a coding, the answer is
/// text of a known size and not compressed already (kept pages and static files carry their
/// own coding). Every answer says it varies with `Accept-Encoding`.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let coding = preferred_coding(req.headers());
    let res = next.call(req).await?.map_into_boxed_body();
    let (http_req, mut res) = res.into_parts();
    let headers = res.headers_mut();
    let varies = headers
        .get_all(header::VARY)
        .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
    if !varies {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    let sized = matches!(res.body().size(), BodySize::Sized(n) if (MIN_SIZE as u64..=MAX_SIZE as u64).contains(&n));
    let Some(coding) = coding else { return Ok(ServiceResponse::new(http_req, res)) };
    if !sized || res.headers().contains_key(header::CONTENT_ENCODING) || !compressible(res.headers()) {
        return Ok(ServiceResponse::new(http_req, res));
    }
    let (mut res, body) = res.into_parts();
    let bytes = match body.try_into_bytes() {
        Ok(b) => b,
        Err(body) => return Ok(ServiceResponse::new(http_req, res.set_body(body))),
    };
    let encoded = match coding {
        "br" => brotli(&bytes, Effort::PerRequest),
        _ => gzip(&bytes, Effort::PerRequest),
    };
    let res = match encoded {
        Ok(encoded) => {
            let h = res.headers_mut();
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
            h.remove(header::CONTENT_LENGTH);
            // A validator made for the plain body does not name the coded one.
            if let Some(etag) = h.get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string)
                && let Some(strong) = etag.strip_prefix('"')
            {
                if let Ok(v) = HeaderValue::from_str(&format!("W/\"{strong}")) {
                    h.insert(header::ETAG, v);
                }
            }
            res.set_body(BoxBody::new(Bytes::from(encoded)))
        }
        Err(e) => {
            tracing::warn!(error = %e, "compression failed; sent as it is");
            res.set_body(BoxBody::new(bytes))
        }
    };
    Ok(ServiceResponse::new(http_req, res))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Result = std::result::Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn round_trips_and_sizes_the_window() -> Result {
        let page = "<p>Plaza 社区 page text</p>\n".repeat(2_000);
        let br = brotli(page.as_bytes(), Effort::PerRequest)?;
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut out)?;
        assert_eq!(out, page.as_bytes());
        assert!(br.len() < page.len() / 10);
        let gz = gzip(page.as_bytes(), Effort::PerRequest)?;
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gz[..]), &mut out)?;
        assert_eq!(out, page);
        // Empty bodies work too.
        let empty = brotli(b"", Effort::Kept)?;
        let mut out = Vec::new();
        brotli::BrotliDecompress(&mut &empty[..], &mut out)?;
        assert!(out.is_empty());
        Ok(())
    }

    #[test]
    fn picks_brotli_then_gzip_and_honours_refusals() -> Result {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
            preferred_coding(&h)
        };
        assert_eq!(with("gzip, deflate, br"), Some("br"));
        assert_eq!(with("gzip"), Some("gzip"));
        assert_eq!(with("br;q=0, gzip"), Some("gzip"));
        assert_eq!(with("identity"), None);
        assert_eq!(preferred_coding(&HeaderMap::new()), None);
        Ok(())
    }
}
