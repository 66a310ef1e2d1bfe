//! The database: one connection type for SQLite and PostgreSQL chosen at run time, its pool,
//! and the embedded migrations for each backend.

pub mod schema;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Postgresql(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The URL scheme decides; everything that is not PostgreSQL is a SQLite path.
    pub fn from_url(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// An r2d2 manager that opens the variant the URL names (establishing through the enum would try
/// each variant in turn and hide the real error).
#[derive(Debug)]
pub struct Manager {
    url: String,
    backend: Backend,
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                PgConnection::establish(&self.url).map(DbConn::Postgresql).map_err(r2d2::Error::ConnectionError)
            }
            Backend::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout first: connections opened concurrently otherwise fail with "database is locked".
                conn.batch_execute(
                    "PRAGMA busy_timeout=5000; PRAGMA journal_mode=WAL; \
                     PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

/// Build the pool, creating the SQLite file's directory if needed. Fails fast with the real
/// connection error instead of waiting out the pool's timeout.
pub fn connect(url: &str, size: u32) -> anyhow::Result<Pool> {
    let backend = Backend::from_url(url);
    if backend == Backend::Sqlite {
        let path = std::path::Path::new(url.strip_prefix("sqlite://").unwrap_or(url));
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        }
    }
    let manager = Manager { url: url.to_string(), backend };
    // Try one connection first so a wrong URL or a stopped server is reported as it is.
    manager.connect().map_err(|e| anyhow::anyhow!("cannot connect to the database: {e}"))?;
    Ok(r2d2::Pool::builder().max_size(size).connection_timeout(std::time::Duration::from_secs(10)).build(manager)?)
}

/// Apply every pending migration of the connection's backend.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<()> {
    let migrations = match conn.backend() {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    conn.run_pending_migrations(migrations).map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(())
}

/// Revert every migration (used by the migration round-trip test).
pub fn revert_all(conn: &mut DbConn) -> anyhow::Result<()> {
    let migrations = match conn.backend() {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    conn.revert_all_migrations(migrations).map_err(|e| anyhow::anyhow!("reverting migrations failed: {e}"))?;
    Ok(())
}

/// Run blocking database work on actix's blocking thread pool.
pub async fn run<T, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get().map_err(AppError::internal)?;
        f(&mut conn)
    })
    .await
    .map_err(AppError::internal)?
}

/// True when the error is a unique-constraint violation (both backends report it this way).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// Run an insert, treating "already there" as success (the portable stand-in for
/// ON CONFLICT DO NOTHING). It runs inside a savepoint: on PostgreSQL a failed statement
/// would otherwise abort the whole surrounding transaction.
pub fn ignore_duplicate<F>(conn: &mut DbConn, insert: F) -> QueryResult<usize>
where
    F: FnOnce(&mut DbConn) -> QueryResult<usize>,
{
    match conn.transaction(insert) {
        Err(e) if is_unique_violation(&e) => Ok(0),
        other => other,
    }
}

/// A site-wide setting (`site_settings`), shared by every app process.
pub fn setting(conn: &mut DbConn, key: &str) -> QueryResult<Option<String>> {
    use schema::site_settings;
    site_settings::table.find(key).select(site_settings::value).first(conn).optional()
}

/// Set a site-wide setting, or remove it with `None`. Safe when several processes start at once
/// and set the same value (update, else insert, ignoring a concurrent insert).
pub fn set_setting(conn: &mut DbConn, key: &str, value: Option<&str>) -> QueryResult<()> {
    use schema::site_settings;
    let Some(v) = value else {
        diesel::delete(site_settings::table.find(key)).execute(conn)?;
        return Ok(());
    };
    if diesel::update(site_settings::table.find(key)).set(site_settings::value.eq(v)).execute(conn)? == 0 {
        ignore_duplicate(conn, |conn| {
            diesel::insert_into(site_settings::table)
                .values((site_settings::key.eq(key), site_settings::value.eq(v)))
                .execute(conn)
        })?;
    }
    Ok(())
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
