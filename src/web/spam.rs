//! Spam defences without third parties, on the sign-up and posting forms (`guarded`):
//!
//! - a honeypot: a field people never see (`website`), which form-filling scripts fill;
//! - a minimum fill time: each form carries the moment it was shown, signed with the site's
//!   key (`form_at`), and is refused when sent back sooner than `form_min_seconds` or without
//!   a genuine stamp.
//!
//! Both are checked where the form's fields are read (`CsrfForm`, `UploadForm`), so a handler
//! cannot forget them; a refusal keeps the person's text for the error page.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::AppError;

pub const HONEYPOT: &str = "website";
pub const STAMP: &str = "form_at";

/// Forms that create accounts or content: the gate's posting paths and sign-up.
pub fn guarded(path: &str) -> bool {
    path == "/register" || crate::accounts::gate::is_posting(path)
}

fn signature(secret: &[u8], at: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return String::new() };
    mac.update(b"form_at:");
    mac.update(at.to_string().as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..12])
}

/// The stamp a form shown now carries.
pub fn stamp(secret: &[u8]) -> String {
    let at = crate::now().and_utc().timestamp();
    format!("{at}.{}", signature(secret, at))
}

/// When a genuine stamp was made (seconds since the epoch).
fn stamped_at(secret: &[u8], stamp: &str) -> Option<i64> {
    let (at, sig) = stamp.split_once('.')?;
    let at: i64 = at.parse().ok()?;
    let expected = signature(secret, at);
    (!expected.is_empty() && constant_time_eq(expected.as_bytes(), sig.as_bytes())).then_some(at)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Check a guarded form's fields.
pub fn check(secret: &[u8], min_seconds: i64, pairs: &[(String, String)]) -> Result<(), AppError> {
    if pairs.iter().any(|(k, v)| k == HONEYPOT && !v.trim().is_empty()) {
        return Err(AppError::Refused("spam-honeypot", Vec::new()));
    }
    if min_seconds <= 0 {
        return Ok(());
    }
    let stamp = pairs.iter().find(|(k, _)| k == STAMP).map_or("", |(_, v)| v.as_str());
    let Some(at) = stamped_at(secret, stamp) else {
        return Err(AppError::Refused("spam-no-stamp", Vec::new()));
    };
    if crate::now().and_utc().timestamp() - at < min_seconds {
        return Err(AppError::Refused("spam-too-fast", vec![("seconds", min_seconds.to_string())]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn honeypot_and_stamps() {
        let key = b"secret key";
        assert!(check(key, 0, &pairs(&[("body", "hi")])).is_ok());
        assert!(check(key, 0, &pairs(&[(HONEYPOT, "http://spam.example")])).is_err());
        // Too soon, forged, missing.
        let now = stamp(key);
        assert!(check(key, 3, &pairs(&[(STAMP, &now)])).is_err());
        let old = crate::now().and_utc().timestamp() - 60;
        let genuine = format!("{old}.{}", signature(key, old));
        assert!(check(key, 3, &pairs(&[(STAMP, &genuine)])).is_ok());
        let forged = format!("{old}.{}", signature(b"other key", old));
        assert!(check(key, 3, &pairs(&[(STAMP, &forged)])).is_err());
        assert!(check(key, 3, &pairs(&[])).is_err());
        assert!(check(key, 3, &pairs(&[(STAMP, "12.zz")])).is_err());
    }
}
