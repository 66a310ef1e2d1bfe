//! Where media objects live. Objects are named by the SHA-256 of their bytes, so the same bytes
//! are stored once and an object never changes. The default is a folder under the data dir
//! (nothing to set up); `PLAZA_MEDIA_URL=s3://bucket/prefix` puts them in an S3-compatible object
//! store instead, shared by every app process (readers are then sent to a signed URL).
//! Uploads are received into `<data dir>/media/tmp` either way.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::signer::{Method, Signer};
use object_store::{
    Attribute, Attributes, ObjectStore, ObjectStoreExt, PutMultipartOptions, PutOptions, PutPayload, WriteMultipart,
};

/// How long a signed address to an object stays valid.
pub const SIGNED_FOR: Duration = Duration::from_secs(3600);

#[derive(Clone, Debug)]
pub struct Store {
    tmp: PathBuf,
    backend: Backend,
}

#[derive(Clone, Debug)]
enum Backend {
    /// `<dir>/objects/ab/cd/abcd…`, written to `tmp` first and renamed into place, so a reader
    /// never sees half an object.
    Local { root: PathBuf },
    S3 {
        s3: Arc<AmazonS3>,
        prefix: String,
        /// Where readers' browsers are sent (for the Content-Security-Policy).
        origin: String,
    },
}

/// Where an object is read from.
pub enum Location {
    File(PathBuf),
    /// In the object store: readers get a signed address.
    Remote,
}

/// Is this a well-formed object key (64 lowercase hex digits)?
pub fn valid_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn io_error(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// `s3://bucket/prefix?endpoint=http://127.0.0.1:9000&region=us-east-1`: the bucket, a prefix
/// inside it, and (for S3-compatible servers) the endpoint and region. Credentials come from the
/// usual `AWS_*` environment variables.
fn s3_from_url(url: &str) -> anyhow::Result<Backend> {
    let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("PLAZA_MEDIA_URL {url:?} is not a URL: {e}"))?;
    if parsed.scheme() != "s3" {
        anyhow::bail!("PLAZA_MEDIA_URL must start with s3:// (for example s3://my-bucket/plaza)");
    }
    let bucket = parsed
        .host_str()
        .filter(|b| !b.is_empty())
        .ok_or_else(|| anyhow::anyhow!("PLAZA_MEDIA_URL names no bucket"))?;
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    // Where readers' browsers are sent (for the Content-Security-Policy).
    let mut origin = "https://*.amazonaws.com".to_string();
    for (k, v) in parsed.query_pairs() {
        builder = match k.as_ref() {
            "endpoint" => {
                let http = v.starts_with("http://");
                let e = url::Url::parse(&v).map_err(|e| anyhow::anyhow!("PLAZA_MEDIA_URL: endpoint {v:?}: {e}"))?;
                origin = e.origin().ascii_serialization();
                builder.with_endpoint(v.to_string()).with_allow_http(http)
            }
            "region" => builder.with_region(v.to_string()),
            other => anyhow::bail!("PLAZA_MEDIA_URL: unknown parameter {other:?} (use endpoint and region)"),
        };
    }
    let s3 = builder.build().map_err(|e| anyhow::anyhow!("PLAZA_MEDIA_URL: {e}"))?;
    let prefix = parsed.path().trim_matches('/').to_string();
    Ok(Backend::S3 { s3: Arc::new(s3), prefix, origin })
}

impl Store {
    /// The store a site's settings name: `media_url` (S3) or the folder under the data dir.
    pub fn open(dir: &Path, media_url: Option<&str>) -> anyhow::Result<Store> {
        std::fs::create_dir_all(dir.join("tmp"))?;
        let backend = match media_url {
            Some(url) => s3_from_url(url)?,
            None => {
                std::fs::create_dir_all(dir.join("objects"))?;
                Backend::Local { root: dir.to_path_buf() }
            }
        };
        Ok(Store { tmp: dir.join("tmp"), backend })
    }

    /// The origin readers' browsers fetch objects from, when it is not this site.
    pub fn origin(&self) -> Option<String> {
        match &self.backend {
            Backend::Local { .. } => None,
            Backend::S3 { origin, .. } => Some(origin.clone()),
        }
    }

    /// Where uploads are received before they are known to be media.
    pub fn tmp_dir(&self) -> PathBuf {
        self.tmp.clone()
    }

    fn local_path(root: &Path, key: &str) -> Option<PathBuf> {
        valid_key(key).then(|| root.join("objects").join(&key[..2]).join(&key[2..4]).join(key))
    }

    fn object_path(prefix: &str, key: &str) -> ObjectPath {
        if prefix.is_empty() { ObjectPath::from(key) } else { ObjectPath::from(format!("{prefix}/{key}")) }
    }

    /// Where to read an object (None: not a key).
    pub fn location(&self, key: &str) -> Option<Location> {
        match &self.backend {
            Backend::Local { root } => Store::local_path(root, key).map(Location::File),
            Backend::S3 { .. } => valid_key(key).then_some(Location::Remote),
        }
    }

    /// A signed address for reading an object from the object store.
    pub async fn signed_url(&self, key: &str) -> std::io::Result<String> {
        match &self.backend {
            Backend::Local { .. } => Err(io_error("local objects have no signed address")),
            Backend::S3 { s3, prefix, .. } => Ok(s3
                .signed_url(Method::GET, &Store::object_path(prefix, key), SIGNED_FOR)
                .await
                .map_err(io_error)?
                .to_string()),
        }
    }

    fn attributes(mime: &str) -> Attributes {
        let mut a = Attributes::new();
        a.insert(Attribute::ContentType, mime.to_string().into());
        // The bytes under a key never change.
        a.insert(Attribute::CacheControl, "public, max-age=31536000, immutable".to_string().into());
        a
    }

    /// An object's bytes, whole (for files small enough to hold: pictures put in a book).
    pub async fn read(&self, key: &str) -> std::io::Result<Vec<u8>> {
        match &self.backend {
            Backend::Local { root } => {
                let path = Store::local_path(root, key).ok_or_else(|| io_error("bad object key"))?;
                tokio::fs::read(path).await
            }
            Backend::S3 { s3, prefix, .. } => {
                if !valid_key(key) {
                    return Err(io_error("bad object key"));
                }
                let got = s3.get(&Store::object_path(prefix, key)).await.map_err(io_error)?;
                Ok(got.bytes().await.map_err(io_error)?.to_vec())
            }
        }
    }

    /// Store bytes under their key. An object already there is kept and its time renewed (the
    /// sweep of unused objects leaves recently written ones alone).
    pub async fn put(&self, key: &str, bytes: Vec<u8>, mime: &str) -> std::io::Result<()> {
        if !valid_key(key) {
            return Err(io_error("bad object key"));
        }
        match &self.backend {
            Backend::Local { root } => {
                let (root, tmp, key) = (root.clone(), self.tmp.clone(), key.to_string());
                tokio::task::spawn_blocking(move || put_local(&root, &tmp, &key, &bytes)).await.map_err(io_error)?
            }
            Backend::S3 { s3, prefix, .. } => {
                let opts = PutOptions { attributes: Store::attributes(mime), ..Default::default() };
                s3.put_opts(&Store::object_path(prefix, key), PutPayload::from(bytes), opts).await.map_err(io_error)?;
                Ok(())
            }
        }
    }

    /// Store a received file under its key (moved on local disk; sent in parts to an object
    /// store, never held whole in memory).
    pub async fn put_file(&self, key: &str, file: tempfile::TempPath, mime: &str) -> std::io::Result<()> {
        if !valid_key(key) {
            return Err(io_error("bad object key"));
        }
        match &self.backend {
            Backend::Local { root } => {
                let Some(path) = Store::local_path(root, key) else { return Err(io_error("bad object key")) };
                tokio::task::spawn_blocking(move || {
                    if path.exists() {
                        return touch(&path);
                    }
                    if let Some(dir) = path.parent() {
                        std::fs::create_dir_all(dir)?;
                    }
                    file.persist(&path).map_err(|e| e.error)?;
                    Ok(())
                })
                .await
                .map_err(io_error)?
            }
            Backend::S3 { s3, prefix, .. } => {
                use std::io::Read;
                let opts = PutMultipartOptions { attributes: Store::attributes(mime), ..Default::default() };
                let upload = s3.put_multipart_opts(&Store::object_path(prefix, key), opts).await.map_err(io_error)?;
                let mut writer = WriteMultipart::new(upload);
                let mut f = std::fs::File::open(&file)?;
                let mut chunk = vec![0u8; 8 * 1024 * 1024];
                loop {
                    writer.wait_for_capacity(2).await.map_err(io_error)?;
                    let n = f.read(&mut chunk)?;
                    if n == 0 {
                        break;
                    }
                    writer.write(&chunk[..n]);
                }
                writer.finish().await.map_err(io_error)?;
                Ok(())
            }
        }
    }

    /// Remove an object if it was last written before `older_than` (one written since is in use
    /// by an upload that has not committed yet). Returns whether it is gone.
    pub async fn remove_if_older(&self, key: &str, older_than: SystemTime) -> std::io::Result<bool> {
        if !valid_key(key) {
            return Ok(false);
        }
        match &self.backend {
            Backend::Local { root } => {
                let Some(path) = Store::local_path(root, key) else { return Ok(false) };
                match std::fs::metadata(&path) {
                    Ok(m) if m.modified()? < older_than => {
                        std::fs::remove_file(&path)?;
                        Ok(true)
                    }
                    Ok(_) => Ok(false),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
                    Err(e) => Err(e),
                }
            }
            Backend::S3 { s3, prefix, .. } => {
                let path = Store::object_path(prefix, key);
                match s3.head(&path).await {
                    Ok(meta) if SystemTime::from(meta.last_modified) < older_than => {
                        s3.delete(&path).await.map_err(io_error)?;
                        Ok(true)
                    }
                    Ok(_) => Ok(false),
                    Err(object_store::Error::NotFound { .. }) => Ok(true),
                    Err(e) => Err(io_error(e)),
                }
            }
        }
    }

    /// Remove temporary files left by uploads that never finished (a crash, a dropped request).
    pub fn sweep_tmp(&self, older_than: SystemTime) -> std::io::Result<usize> {
        let mut n = 0;
        for entry in std::fs::read_dir(&self.tmp)? {
            let entry = entry?;
            if entry.metadata()?.modified()? < older_than && std::fs::remove_file(entry.path()).is_ok() {
                n += 1;
            }
        }
        Ok(n)
    }
}

fn put_local(root: &Path, tmp_dir: &Path, key: &str, bytes: &[u8]) -> std::io::Result<()> {
    let path = Store::local_path(root, key).ok_or_else(|| io_error("bad object key"))?;
    if path.exists() {
        return touch(&path);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = tempfile::NamedTempFile::new_in(tmp_dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

fn touch(path: &Path) -> std::io::Result<()> {
    std::fs::File::options().write(true).open(path)?.set_modified(SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn objects_are_stored_once_by_key_and_keys_are_checked() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path(), None).map_err(io_error)?;
        let key = "ab".repeat(32);
        store.put(&key, b"hello".to_vec(), "image/webp").await?;
        store.put(&key, b"hello".to_vec(), "image/webp").await?;
        let Some(Location::File(path)) = store.location(&key) else { return Err(io_error("no path")) };
        assert_eq!(std::fs::read(path)?, b"hello");
        assert!(store.location("../../etc/passwd").is_none());
        assert!(store.location(&"AB".repeat(32)).is_none());
        assert!(store.put("../x", b"x".to_vec(), "image/webp").await.is_err());
        assert!(!store.remove_if_older(&key, SystemTime::now() - Duration::from_secs(60)).await?);
        assert!(store.remove_if_older(&key, SystemTime::now() + Duration::from_secs(60)).await?);
        Ok(())
    }

    #[test]
    fn media_urls_are_checked() {
        let err = |u: &str| {
            Store::open(Path::new("/tmp/plaza-media-url-test"), Some(u))
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default()
        };
        assert!(err("http://bucket").contains("s3://"));
        assert!(err("s3://bucket?bogus=1").contains("unknown parameter"));
        assert!(err("not a url").contains("not a URL"));
    }
}
