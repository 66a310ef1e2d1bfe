//! Where media objects live. Objects are named by the SHA-256 of their bytes, so the same bytes
//! are stored once and an object never changes. The default is a folder under the data dir
//! (nothing to set up).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Media storage on the local disk: `<dir>/objects/ab/cd/abcd…`, new objects written to
/// `<dir>/tmp` first and renamed into place, so a reader never sees half an object.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

/// Is this a well-formed object key (64 lowercase hex digits)?
pub fn valid_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Store {
    pub fn open(dir: &Path) -> std::io::Result<Store> {
        std::fs::create_dir_all(dir.join("objects"))?;
        std::fs::create_dir_all(dir.join("tmp"))?;
        Ok(Store { root: dir.to_path_buf() })
    }

    /// Where uploads are received before they are known to be media.
    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    pub fn path(&self, key: &str) -> Option<PathBuf> {
        valid_key(key).then(|| self.root.join("objects").join(&key[..2]).join(&key[2..4]).join(key))
    }

    /// Store bytes under their key. An object already there is kept and its time renewed (the
    /// sweep of unused objects leaves recently written ones alone).
    pub fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.path(key).ok_or_else(|| std::io::Error::other("bad object key"))?;
        if path.exists() {
            return touch(&path);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut tmp = tempfile::NamedTempFile::new_in(self.tmp_dir())?;
        tmp.write_all(bytes)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Store a received file under its key (moved, not copied).
    pub fn put_file(&self, key: &str, file: tempfile::TempPath) -> std::io::Result<()> {
        let path = self.path(key).ok_or_else(|| std::io::Error::other("bad object key"))?;
        if path.exists() {
            return touch(&path);
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        file.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    /// Remove an object if it was last written before `older_than` (one written since is in use
    /// by an upload that has not committed yet). Returns whether it was removed.
    pub fn remove_if_older(&self, key: &str, older_than: std::time::SystemTime) -> std::io::Result<bool> {
        let Some(path) = self.path(key) else { return Ok(false) };
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

    /// Remove temporary files left by uploads that never finished (a crash, a dropped request).
    pub fn sweep_tmp(&self, older_than: std::time::SystemTime) -> std::io::Result<usize> {
        let mut n = 0;
        for entry in std::fs::read_dir(self.tmp_dir())? {
            let entry = entry?;
            if entry.metadata()?.modified()? < older_than && std::fs::remove_file(entry.path()).is_ok() {
                n += 1;
            }
        }
        Ok(n)
    }
}

fn touch(path: &Path) -> std::io::Result<()> {
    std::fs::File::options().write(true).open(path)?.set_modified(std::time::SystemTime::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_stored_once_by_key_and_keys_are_checked() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = Store::open(dir.path())?;
        let key = "ab".repeat(32);
        store.put(&key, b"hello")?;
        store.put(&key, b"hello")?;
        assert_eq!(std::fs::read(store.path(&key).ok_or_else(|| std::io::Error::other("path"))?)?, b"hello");
        assert!(store.path("../../etc/passwd").is_none());
        assert!(store.path(&"AB".repeat(32)).is_none());
        assert!(!store.remove_if_older(&key, std::time::SystemTime::now() - std::time::Duration::from_secs(60))?);
        assert!(store.remove_if_older(&key, std::time::SystemTime::now() + std::time::Duration::from_secs(60))?);
        Ok(())
    }
}
