//! Settings: defaults, then an optional `plaza.toml`, then environment variables.
//! Settings are passed into the app, never read from a global, so tests build their own.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Address the HTTP server binds to (`PLAZA_BIND`).
    pub bind: String,
    /// Where SQLite and other local state live (`PLAZA_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `postgres://…` selects PostgreSQL; anything else is a SQLite path (`DATABASE_URL`).
    pub database_url: String,
    /// Absolute base for URLs in feeds, canonical links and e-mails, without a trailing slash.
    pub base_url: String,
    pub site_name: String,
    /// How long after posting a comment its author may still edit it.
    pub comment_edit_minutes: i64,
    /// How long a login lasts without activity.
    pub session_days: i64,
    pub db_pool_size: u32,
}

/// The keys `plaza.toml` may hold; each is optional and overridden by its environment variable.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    base_url: Option<String>,
    site_name: Option<String>,
    comment_edit_minutes: Option<i64>,
    session_days: Option<i64>,
    db_pool_size: Option<u32>,
}

impl Settings {
    /// Defaults suitable for tests and a fresh checkout: SQLite inside `data_dir`.
    pub fn with_data_dir(data_dir: impl AsRef<Path>) -> Self {
        let data_dir = data_dir.as_ref().to_path_buf();
        let bind = "127.0.0.1:8080".to_string();
        Settings {
            database_url: default_database_url(&data_dir),
            base_url: format!("http://{bind}"),
            bind,
            data_dir,
            site_name: "Plaza".to_string(),
            comment_edit_minutes: 30,
            session_days: 30,
            db_pool_size: 8,
        }
    }

    /// Load from `plaza.toml` (or the file named by `PLAZA_CONFIG`) and the environment.
    pub fn load() -> anyhow::Result<Self> {
        let path = std::env::var("PLAZA_CONFIG").unwrap_or_else(|_| "plaza.toml".to_string());
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str::<FileSettings>(&text).map_err(|e| anyhow::anyhow!("{path} is not valid: {e}"))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileSettings::default(),
            Err(e) => return Err(anyhow::anyhow!("cannot read {path}: {e}")),
        };
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());

        let data_dir =
            env("PLAZA_DATA_DIR").map(PathBuf::from).or(file.data_dir).unwrap_or_else(|| PathBuf::from("./data"));
        let mut s = Settings::with_data_dir(&data_dir);
        if let Some(bind) = env("PLAZA_BIND").or(file.bind) {
            s.base_url = format!("http://{bind}");
            s.bind = bind;
        }
        if let Some(url) = env("DATABASE_URL").or(file.database_url) {
            s.database_url = url;
        }
        if let Some(url) = env("PLAZA_BASE_URL").or(file.base_url) {
            url::Url::parse(&url).map_err(|e| anyhow::anyhow!("PLAZA_BASE_URL {url:?} is not a URL: {e}"))?;
            s.base_url = url.trim_end_matches('/').to_string();
        }
        if let Some(name) = env("PLAZA_SITE_NAME").or(file.site_name) {
            s.site_name = name;
        }
        if let Some(m) = parse_env("PLAZA_COMMENT_EDIT_MINUTES")?.or(file.comment_edit_minutes) {
            s.comment_edit_minutes = m;
        }
        if let Some(d) = parse_env("PLAZA_SESSION_DAYS")?.or(file.session_days) {
            s.session_days = d;
        }
        if let Some(n) = parse_env("PLAZA_DB_POOL_SIZE")?.or(file.db_pool_size) {
            s.db_pool_size = n;
        }
        Ok(s)
    }

    /// Cookies get the `Secure` flag when the site is served over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// An absolute URL for a site path such as `/blog`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

fn default_database_url(data_dir: &Path) -> String {
    data_dir.join("plaza.sqlite3").to_string_lossy().into_owned()
}

fn parse_env<T: std::str::FromStr>(key: &str) -> anyhow::Result<Option<T>> {
    match std::env::var(key) {
        Ok(v) if !v.trim().is_empty() => {
            v.trim().parse().map(Some).map_err(|_| anyhow::anyhow!("{key}={v:?} is not a valid number"))
        }
        _ => Ok(None),
    }
}
