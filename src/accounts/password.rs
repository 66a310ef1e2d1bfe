//! argon2id hashing. Both functions are CPU-heavy (and take 19 MiB each): handlers call
//! `hash_bounded`/`verify_bounded`, which run them on the blocking pool, at most one per core at
//! a time, and never while holding a database connection, so a burst of logins queues here
//! instead of starving every other request of threads, connections or memory.

use std::sync::LazyLock;

use tokio::sync::Semaphore;

/// How many hashes run at once in this process: one per core.
static HASHING: LazyLock<Semaphore> =
    LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)));

async fn bounded<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
    let _permit = HASHING.acquire().await.map_err(|e| anyhow::anyhow!("hashing closed: {e}"))?;
    actix_web::web::block(work).await.map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// `hash`, bounded and off the async workers.
pub async fn hash_bounded(password: String) -> anyhow::Result<String> {
    bounded(move || hash(&password)).await?
}

/// `verify`, bounded and off the async workers.
pub async fn verify_bounded(password: String, stored: Option<String>) -> anyhow::Result<bool> {
    bounded(move || verify(&password, stored.as_deref())).await
}

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// A hash of a random password, verified against when the username is unknown so that a
/// login takes as long whether or not the account exists.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash(&crate::web::random_token()).unwrap_or_default());

/// Verify a password against a stored hash (or the dummy hash when there is no user).
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let stored = stored.unwrap_or(DUMMY_HASH.as_str());
    let Ok(parsed) = PasswordHash::new(stored) else { return false };
    Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok()
}

/// Make sure the dummy hash exists before the first login, so the first unknown-user login
/// is not slower than the rest.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_and_verify() {
        let h = super::hash("correct horse battery").unwrap_or_default();
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", Some(&h)));
        assert!(!super::verify("wrong", Some(&h)));
        assert!(!super::verify("anything", None));
    }
}
