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
    /// The fewest seconds between showing a sign-up or posting form and sending it (a person
    /// reads and types; a script does not); 0 turns the check off (`PLAZA_FORM_MIN_SECONDS`).
    pub form_min_seconds: i64,
    /// How long a login lasts without activity.
    pub session_days: i64,
    pub db_pool_size: u32,
    /// Memory for visitors' pages kept compressed (`PLAZA_PAGE_CACHE_MB`; 0 turns the cache off).
    pub page_cache_mb: u64,
    /// Statements slower than this many milliseconds are logged (0: none).
    pub slow_query_ms: u64,
    /// `smtp://…` or `smtps://user:password@host` to send e-mail; without it, messages are
    /// written as .eml files under `<data dir>/mail/`.
    pub smtp_url: Option<Secret>,
    pub mail_from: String,
    /// Run background workers (the mail outbox) in this process. Tests turn it off and run
    /// the work themselves.
    pub background_jobs: bool,
    /// Meilisearch (`MEILI_URL`, `MEILI_KEY`): when set, search goes there, fed by the outbox;
    /// the database index stays as the fallback.
    pub meili_url: Option<String>,
    pub meili_key: Option<Secret>,
    /// The Meilisearch index's name (`MEILI_INDEX`), so several sites can share one server.
    pub meili_index: String,
    /// How long a search waits for Meilisearch before answering from the database.
    pub meili_timeout_ms: u64,
    /// The site's time zone: pages show dates in it unless a member chose their own.
    pub time_zone: chrono_tz::Tz,
    /// A bearer token that opens `/metrics` to hosts other than this one
    /// (`PLAZA_METRICS_TOKEN`); without it only local requests see the metrics.
    pub metrics_token: Option<Secret>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (`PLAZA_TRUSTED_PROXIES`: addresses
    /// and CIDR ranges, comma-separated). Empty: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// New members confirm their e-mail address before they may post (`PLAZA_VERIFY_EMAIL`).
    pub verify_email: bool,
    /// Largest upload per type, in MB (`PLAZA_MEDIA_IMAGE_MB`, `…_AUDIO_MB`, `…_VIDEO_MB`).
    pub media_image_mb: u64,
    pub media_audio_mb: u64,
    pub media_video_mb: u64,
    /// What one member may upload in 24 hours, in MB (`PLAZA_MEDIA_DAILY_MB`; 0: no limit).
    pub media_daily_mb: u64,
    /// What the site stores in all, in GB (`PLAZA_MEDIA_SITE_GB`; 0: no limit).
    pub media_site_gb: u64,
    /// A member's edits of open magazine articles wait for an editor until this many of theirs
    /// were accepted (`PLAZA_MAGAZINE_TRUSTED_AFTER`; 0: nobody waits).
    pub magazine_trusted_after: u64,
    /// `s3://bucket/prefix?endpoint=…&region=…`: media in an S3-compatible object store
    /// (`PLAZA_MEDIA_URL`; credentials from `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`). Unset:
    /// on local disk under the data dir.
    pub media_url: Option<String>,
    /// Let pictures given by address be fetched from this machine and private networks too.
    /// Never read from the environment or a file: the test suite's second server is on loopback.
    pub fetch_private_addresses: bool,
}

/// A value that never prints (passwords inside URLs).
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
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
    form_min_seconds: Option<i64>,
    session_days: Option<i64>,
    db_pool_size: Option<u32>,
    page_cache_mb: Option<u64>,
    slow_query_ms: Option<u64>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    meili_url: Option<String>,
    meili_key: Option<String>,
    meili_index: Option<String>,
    meili_timeout_ms: Option<u64>,
    time_zone: Option<String>,
    metrics_token: Option<String>,
    trusted_proxies: Option<String>,
    verify_email: Option<bool>,
    media_image_mb: Option<u64>,
    media_audio_mb: Option<u64>,
    media_video_mb: Option<u64>,
    media_daily_mb: Option<u64>,
    media_site_gb: Option<u64>,
    media_url: Option<String>,
    magazine_trusted_after: Option<u64>,
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
            form_min_seconds: 3,
            session_days: 30,
            db_pool_size: 8,
            page_cache_mb: 64,
            slow_query_ms: 250,
            smtp_url: None,
            mail_from: "Plaza <noreply@localhost>".to_string(),
            background_jobs: true,
            meili_url: None,
            meili_key: None,
            meili_index: "plaza".to_string(),
            meili_timeout_ms: 1500,
            time_zone: chrono_tz::UTC,
            metrics_token: None,
            trusted_proxies: Vec::new(),
            verify_email: false,
            media_image_mb: 20,
            media_audio_mb: 200,
            media_video_mb: 500,
            media_daily_mb: 1000,
            media_site_gb: 0,
            magazine_trusted_after: 3,
            media_url: None,
            fetch_private_addresses: false,
        }
    }

    /// Load from `plaza.toml` (or the file named by `PLAZA_CONFIG`) and the environment.
    pub fn load() -> anyhow::Result<Self> {
        let path = std::env::var("PLAZA_CONFIG").unwrap_or_else(|_| "plaza.toml".to_string());
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(anyhow::anyhow!("cannot read {path}: {e}")),
        };
        Settings::from_sources(&path, text.as_deref(), |k| std::env::var(k).ok())
    }

    /// Build settings from a config file's text (if any) and an environment lookup.
    pub fn from_sources(
        path: &str,
        file_text: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        let file = match file_text {
            Some(text) => {
                toml::from_str::<FileSettings>(text).map_err(|e| anyhow::anyhow!("{path} is not valid: {e}"))?
            }
            None => FileSettings::default(),
        };
        let env = |k: &str| env(k).filter(|v| !v.trim().is_empty());

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
            let parsed =
                url::Url::parse(&url).map_err(|e| anyhow::anyhow!("PLAZA_BASE_URL {url:?} is not a URL: {e}"))?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                anyhow::bail!("PLAZA_BASE_URL {url:?} must be an http:// or https:// address with a host name");
            }
            s.base_url = url.trim_end_matches('/').to_string();
        }
        if let Some(name) = env("PLAZA_SITE_NAME").or(file.site_name) {
            s.site_name = name;
        }
        if let Some(m) = parse_env(&env, "PLAZA_COMMENT_EDIT_MINUTES")?.or(file.comment_edit_minutes) {
            s.comment_edit_minutes = in_range("PLAZA_COMMENT_EDIT_MINUTES", m, 0..=10_080)?;
        }
        if let Some(m) = parse_env(&env, "PLAZA_FORM_MIN_SECONDS")?.or(file.form_min_seconds) {
            s.form_min_seconds = in_range("PLAZA_FORM_MIN_SECONDS", m, 0..=600)?;
        }
        if let Some(d) = parse_env(&env, "PLAZA_SESSION_DAYS")?.or(file.session_days) {
            s.session_days = in_range("PLAZA_SESSION_DAYS", d, 1..=3650)?;
        }
        if let Some(n) = parse_env(&env, "PLAZA_DB_POOL_SIZE")?.or(file.db_pool_size) {
            s.db_pool_size = in_range("PLAZA_DB_POOL_SIZE", n, 1..=512)?;
        }
        if let Some(n) = parse_env(&env, "PLAZA_PAGE_CACHE_MB")?.or(file.page_cache_mb) {
            s.page_cache_mb = in_range("PLAZA_PAGE_CACHE_MB", n, 0..=65_536)?;
        }
        if let Some(n) = parse_env(&env, "PLAZA_SLOW_QUERY_MS")?.or(file.slow_query_ms) {
            s.slow_query_ms = in_range("PLAZA_SLOW_QUERY_MS", n, 0..=3_600_000)?;
        }
        if let Some(url) = env("PLAZA_SMTP_URL").or(file.smtp_url) {
            s.smtp_url = Some(Secret(url));
        }
        if let Some(from) = env("PLAZA_MAIL_FROM").or(file.mail_from) {
            s.mail_from = from;
        }
        if let Some(url) = env("MEILI_URL").or(file.meili_url) {
            url::Url::parse(&url).map_err(|e| anyhow::anyhow!("MEILI_URL {url:?} is not a URL: {e}"))?;
            s.meili_url = Some(url.trim_end_matches('/').to_string());
        }
        if let Some(key) = env("MEILI_KEY").or(file.meili_key) {
            s.meili_key = Some(Secret(key));
        }
        if let Some(index) = env("MEILI_INDEX").or(file.meili_index) {
            if !index.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                anyhow::bail!("MEILI_INDEX {index:?} may only hold letters, digits, - and _");
            }
            s.meili_index = index;
        }
        if let Some(zone) = env("PLAZA_TIME_ZONE").or(file.time_zone) {
            s.time_zone = zone.trim().parse().map_err(|_| {
                anyhow::anyhow!("PLAZA_TIME_ZONE {zone:?} is not a time zone: use a name such as Asia/Shanghai, Europe/Berlin or UTC")
            })?;
        }
        if let Some(ms) = parse_env(&env, "MEILI_TIMEOUT_MS")?.or(file.meili_timeout_ms) {
            s.meili_timeout_ms = in_range("MEILI_TIMEOUT_MS", ms, 50..=120_000)?;
        }
        if let Some(token) = env("PLAZA_METRICS_TOKEN").or(file.metrics_token) {
            let token = token.trim().to_string();
            if token.len() < 16 || token.len() > 256 || !token.chars().all(|c| c.is_ascii_graphic()) {
                anyhow::bail!(
                    "PLAZA_METRICS_TOKEN must be 16 to 256 visible ASCII characters without spaces \
                     (for example the output of `openssl rand -hex 24`)"
                );
            }
            s.metrics_token = Some(Secret(token));
        }
        if let Some(list) = env("PLAZA_TRUSTED_PROXIES").or(file.trusted_proxies) {
            s.trusted_proxies = parse_proxies(&list)?;
        }
        for (key, from_file, field, range) in [
            ("PLAZA_MEDIA_IMAGE_MB", file.media_image_mb, &mut s.media_image_mb, 1..=200),
            ("PLAZA_MEDIA_AUDIO_MB", file.media_audio_mb, &mut s.media_audio_mb, 1..=4096),
            ("PLAZA_MEDIA_VIDEO_MB", file.media_video_mb, &mut s.media_video_mb, 1..=16_384),
            ("PLAZA_MEDIA_DAILY_MB", file.media_daily_mb, &mut s.media_daily_mb, 0..=1_048_576),
            ("PLAZA_MEDIA_SITE_GB", file.media_site_gb, &mut s.media_site_gb, 0..=1_048_576),
            ("PLAZA_MAGAZINE_TRUSTED_AFTER", file.magazine_trusted_after, &mut s.magazine_trusted_after, 0..=10_000),
        ] {
            if let Some(n) = parse_env(&env, key)?.or(from_file) {
                *field = in_range(key, n, range)?;
            }
        }
        if let Some(url) = env("PLAZA_MEDIA_URL").or(file.media_url) {
            if !url.starts_with("s3://") {
                anyhow::bail!(
                    "PLAZA_MEDIA_URL {url:?} must be an s3:// address, e.g. s3://my-bucket/plaza?region=eu-west-1"
                );
            }
            s.media_url = Some(url);
        }
        if let Some(v) = env("PLAZA_VERIFY_EMAIL") {
            s.verify_email = match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" => false,
                _ => anyhow::bail!("PLAZA_VERIFY_EMAIL={v:?} must be true or false"),
            };
        } else if let Some(v) = file.verify_email {
            s.verify_email = v;
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

/// A number setting must make sense: the message names the setting and the accepted range.
fn in_range<T: PartialOrd + std::fmt::Display + Copy>(
    key: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) -> anyhow::Result<T> {
    if range.contains(&value) {
        Ok(value)
    } else {
        anyhow::bail!("{key}={value} is out of range: it must be from {} to {}", range.start(), range.end())
    }
}

/// `PLAZA_TRUSTED_PROXIES`: "10.0.0.1, 10.1.0.0/16, ::1". A bare address is a range of one.
fn parse_proxies(list: &str) -> anyhow::Result<Vec<ipnet::IpNet>> {
    list.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<ipnet::IpNet>().or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from)).map_err(|_| {
                anyhow::anyhow!(
                    "PLAZA_TRUSTED_PROXIES: {p:?} is not an IP address or CIDR range (e.g. 10.0.0.1 or 10.0.0.0/8)"
                )
            })
        })
        .collect()
}

fn parse_env<T: std::str::FromStr>(env: &impl Fn(&str) -> Option<String>, key: &str) -> anyhow::Result<Option<T>> {
    match env(key) {
        Some(v) => v.trim().parse().map(Some).map_err(|_| anyhow::anyhow!("{key}={v:?} is not a valid number")),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    fn error(r: anyhow::Result<Settings>) -> String {
        r.err().map(|e| e.to_string()).unwrap_or_default()
    }

    #[test]
    fn defaults() {
        let s = Settings::from_sources("plaza.toml", None, env(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.base_url, "http://127.0.0.1:8080");
        assert!(s.database_url.ends_with("plaza.sqlite3"));
        assert_eq!(s.site_name, "Plaza");
        assert!(!s.secure_cookies());
    }

    #[test]
    fn file_then_environment() {
        let file = "site_name = \"Example Corp\"\nbind = \"0.0.0.0:9000\"\ncomment_edit_minutes = 5\n";
        let vars = [
            ("PLAZA_SITE_NAME", "Env Corp"),
            ("PLAZA_BASE_URL", "https://c.example.com/"),
            ("DATABASE_URL", "postgres:///x"),
        ];
        let s = Settings::from_sources("plaza.toml", Some(file), env(&vars)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.site_name, "Env Corp");
        assert_eq!(s.bind, "0.0.0.0:9000");
        assert_eq!(s.base_url, "https://c.example.com");
        assert_eq!(s.comment_edit_minutes, 5);
        assert_eq!(s.database_url, "postgres:///x");
        assert!(s.secure_cookies());
    }

    #[test]
    fn smtp_passwords_do_not_print() {
        let s = Settings::from_sources("p", None, env(&[("PLAZA_SMTP_URL", "smtps://me:hunter2@mail.example.com")]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(s.smtp_url.as_ref().map(|u| u.expose()), Some("smtps://me:hunter2@mail.example.com"));
    }

    #[test]
    fn bad_values_are_named() {
        assert!(
            error(Settings::from_sources("plaza.toml", Some("nonsense = 1"), env(&[])))
                .contains("plaza.toml is not valid")
        );
        assert!(
            error(Settings::from_sources("p", None, env(&[("PLAZA_SESSION_DAYS", "soon")])))
                .contains("PLAZA_SESSION_DAYS")
        );
        assert!(
            error(Settings::from_sources("p", None, env(&[("PLAZA_BASE_URL", "not a url")])))
                .contains("PLAZA_BASE_URL")
        );
        assert!(
            error(Settings::from_sources("p", None, env(&[("PLAZA_BASE_URL", "ftp://x")])))
                .contains("must be an http:// or https://")
        );
        assert!(
            error(Settings::from_sources("p", None, env(&[("PLAZA_METRICS_TOKEN", "short")])))
                .contains("PLAZA_METRICS_TOKEN must be 16 to 256")
        );
        let s = Settings::from_sources("p", None, env(&[("PLAZA_METRICS_TOKEN", "0123456789abcdef0123")]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{s:?}").contains("0123456789abcdef0123"));
    }

    #[test]
    fn numbers_out_of_range_stop_the_start() {
        for (key, value) in [
            ("PLAZA_SESSION_DAYS", "0"),
            ("PLAZA_SESSION_DAYS", "10000000"),
            ("PLAZA_SESSION_DAYS", "-3"),
            ("PLAZA_DB_POOL_SIZE", "0"),
            ("PLAZA_COMMENT_EDIT_MINUTES", "-1"),
            ("MEILI_TIMEOUT_MS", "0"),
        ] {
            let e = error(Settings::from_sources("p", None, env(&[(key, value)])));
            assert!(e.contains(key) && e.contains("from"), "{key}={value}: {e}");
        }
        for (key, value) in [("PLAZA_TIME_ZONE", "Mars/Base"), ("PLAZA_TIME_ZONE", "+08:00")] {
            let e = error(Settings::from_sources("p", None, env(&[(key, value)])));
            assert!(e.contains(key) && e.contains("Asia/Shanghai"), "{key}={value}: {e}");
        }
        let s = Settings::from_sources("p", None, env(&[("PLAZA_TIME_ZONE", "Asia/Shanghai")]))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.time_zone, chrono_tz::Asia::Shanghai);
        let s =
            Settings::from_sources("p", None, env(&[("PLAZA_SESSION_DAYS", "3650")])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.session_days, 3650);
    }

    #[test]
    fn proxies_and_verification_are_checked() {
        assert!(
            error(Settings::from_sources("p", None, env(&[("PLAZA_TRUSTED_PROXIES", "10.0.0.1, proxy.local")])))
                .contains("PLAZA_TRUSTED_PROXIES: \"proxy.local\"")
        );
        assert!(
            error(Settings::from_sources("p", None, env(&[("PLAZA_TRUSTED_PROXIES", "10.0.0.0/99")])))
                .contains("PLAZA_TRUSTED_PROXIES")
        );
        assert!(
            error(Settings::from_sources("p", None, env(&[("PLAZA_VERIFY_EMAIL", "maybe")])))
                .contains("PLAZA_VERIFY_EMAIL")
        );
    }

    #[test]
    fn trusted_proxies_and_verification() {
        let s = Settings::from_sources(
            "p",
            None,
            env(&[("PLAZA_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16,::1"), ("PLAZA_VERIFY_EMAIL", "true")]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.trusted_proxies.len(), 3);
        assert!(
            s.trusted_proxies[1].contains(&"192.168.4.5".parse::<std::net::IpAddr>().unwrap_or_else(|e| panic!("{e}")))
        );
        assert!(s.verify_email);
    }
}
