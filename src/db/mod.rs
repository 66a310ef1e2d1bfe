//! The database: one connection type for SQLite and PostgreSQL chosen at run time, its pool,
//! and the embedded migrations for each backend.

pub mod schema;
pub mod slow;

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
                let mut conn = PgConnection::establish(&self.url).map_err(r2d2::Error::ConnectionError)?;
                if let Some(log) = slow::instrumentation() {
                    conn.set_instrumentation(log);
                }
                Ok(DbConn::Postgresql(conn))
            }
            Backend::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout first: connections opened concurrently otherwise fail with "database is locked".
                // Writers queue for the write lock (`db::write` takes it at BEGIN IMMEDIATE); the timeout
                // only bounds how long one waits behind the others.
                // Switching a new file to WAL takes its lock without always waiting through the
                // busy handler (SQLite answers "locked" at once to avoid a deadlock when several
                // processes open a new database together): try again for a while.
                let mut tries = 0;
                loop {
                    match conn.batch_execute(
                        "PRAGMA busy_timeout=30000; PRAGMA journal_mode=WAL; \
                         PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;",
                    ) {
                        Ok(()) => break,
                        Err(e) if tries < 100 && e.to_string().contains("locked") => {
                            tries += 1;
                            std::thread::sleep(std::time::Duration::from_millis(50));
                        }
                        Err(e) => return Err(r2d2::Error::QueryError(e)),
                    }
                }
                if let Some(log) = slow::instrumentation() {
                    conn.set_instrumentation(log);
                }
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1").map_err(r2d2::Error::QueryError)
    }

    /// A connection given back in the middle of a transaction (a panic inside `write`) is not reused.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        use diesel::connection::TransactionManager;
        let status = <DbConn as Connection>::TransactionManager::transaction_manager_status_mut(conn);
        !matches!(status.transaction_depth(), Ok(None))
    }
}

/// Build the pool, creating the SQLite file's directory if needed. Fails fast with the real
/// connection error instead of waiting out the pool's timeout.
pub fn connect(url: &str, size: u32) -> anyhow::Result<Pool> {
    connect_observed(url, size, None)
}

/// `connect`, reporting every checkout's wait and every timeout to `events` (the metrics).
pub fn connect_observed(url: &str, size: u32, events: Option<Box<dyn r2d2::HandleEvent>>) -> anyhow::Result<Pool> {
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
    // A SQLite connection is a file handle: it cannot have been dropped by a server, so it is
    // not tested with a `SELECT 1` at every checkout (two per page). A PostgreSQL one can.
    let mut builder = r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(std::time::Duration::from_secs(10))
        .test_on_check_out(backend == Backend::Postgres);
    if let Some(events) = events {
        builder = builder.event_handler(events);
    }
    Ok(builder.build(manager)?)
}

fn migrations_of(backend: Backend) -> EmbeddedMigrations {
    match backend {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    }
}

/// Any number, the same in every process: the PostgreSQL advisory lock migrations run under.
const MIGRATION_LOCK: i64 = 0x706c_617a_615f_6d67; // "plaza_mg"

/// Apply every pending migration of the connection's backend, under a lock, so that several
/// processes starting at once on one database run them once: the first applies them, the others
/// wait and find nothing left to do. PostgreSQL: a session advisory lock. SQLite: the database's
/// write lock, taken up front (`BEGIN IMMEDIATE`); each migration runs in a savepoint inside.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<()> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let migrations = migrations_of(conn.backend());
    let failed = |e: &dyn std::fmt::Display| anyhow::anyhow!("migration failed: {e}");
    match conn {
        DbConn::Postgresql(pg) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(pg)?;
            let ran = conn.run_pending_migrations(migrations).map(|_| ()).map_err(|e| failed(&e));
            let unlocked = match conn {
                DbConn::Postgresql(pg) => {
                    diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(pg).map(|_| ())
                }
                DbConn::Sqlite(_) => Ok(()),
            };
            ran?;
            unlocked?;
        }
        DbConn::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            match conn.run_pending_migrations(migrations) {
                Ok(_) => <DbConn as Connection>::TransactionManager::commit_transaction(conn)?,
                Err(e) => {
                    let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
                    return Err(failed(&e));
                }
            }
        }
    }
    Ok(())
}

/// Are there migrations this binary carries that the database has not applied (`/readyz`)?
pub fn migrations_pending(conn: &mut DbConn) -> anyhow::Result<bool> {
    let migrations = migrations_of(conn.backend());
    conn.has_pending_migration(migrations).map_err(|e| anyhow::anyhow!("cannot read applied migrations: {e}"))
}

/// Revert every migration (used by the migration round-trip test).
pub fn revert_all(conn: &mut DbConn) -> anyhow::Result<()> {
    let migrations = migrations_of(conn.backend());
    conn.revert_all_migrations(migrations).map_err(|e| anyhow::anyhow!("reverting migrations failed: {e}"))?;
    Ok(())
}

/// Revert the newest migration (tests of a migration's upgrade path); returns its version.
pub fn revert_last(conn: &mut DbConn) -> anyhow::Result<String> {
    let migrations = match conn.backend() {
        Backend::Sqlite => SQLITE_MIGRATIONS,
        Backend::Postgres => POSTGRES_MIGRATIONS,
    };
    let version =
        conn.revert_last_migration(migrations).map_err(|e| anyhow::anyhow!("reverting a migration failed: {e}"))?;
    Ok(version.to_string())
}

/// Revert migrations, newest first, until the one named by `version` ("2026-11-30-000005") is
/// reverted too (tests of a migration's upgrade path, whatever came after it).
pub fn revert_through(conn: &mut DbConn, version: &str) -> anyhow::Result<()> {
    let wanted = version.replace('-', "");
    loop {
        let applied = conn.applied_migrations().map_err(|e| anyhow::anyhow!("cannot read migrations: {e}"))?;
        if !applied.iter().any(|v| v.to_string() == wanted) {
            return Ok(());
        }
        revert_last(conn)?;
    }
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

/// The one way to change the database: a unit of work. Everything `f` does commits together or
/// not at all. On SQLite the transaction begins `IMMEDIATE`, taking the write lock before the
/// first read, so a transaction that reads and then writes never fails with "database is
/// locked" (writers queue instead); on PostgreSQL it is a normal transaction, and checks that
/// must hold until commit lock the row they read (see `Tx::lock`) or change it conditionally.
/// Write functions take `&mut Tx`, so they can only run inside one.
pub fn write<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut Tx<'_>) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConn as Connection>::TransactionManager;
    let nested = !matches!(Manager::transaction_manager_status_mut(conn).transaction_depth(), Ok(None));
    match conn {
        // Inside a transaction already (a command composing several units): a savepoint.
        _ if nested => Manager::begin_transaction(conn)?,
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Postgresql(_) => Manager::begin_transaction(conn)?,
    }
    let mut tx = Tx {
        conn: &mut *conn,
        touched: Vec::new(),
        touched_people: Vec::new(),
        wake: false,
        stale: std::collections::BTreeSet::new(),
        stale_everything: false,
        quiet: false,
    };
    // What the unit of work changed reaches the search index before it commits.
    let result = f(&mut tx).and_then(|value| tx.apply_effects().map(|()| value).map_err(E::from));
    let wake = tx.wake;
    match result {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => {
                if wake && !nested {
                    crate::jobs::wake();
                }
                Ok(value)
            }
            Err(e) => {
                let _ = Manager::rollback_transaction(conn);
                Err(e.into())
            }
        },
        Err(e) => {
            if let Err(rollback) = Manager::rollback_transaction(conn) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

/// `write` on the blocking thread pool, for handlers.
pub async fn run_write<T, F>(pool: &Pool, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut Tx<'_>) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| write(conn, f)).await
}

/// An open unit of work. It reads like a connection (`&mut Tx` coerces to `&mut DbConn` for the
/// query functions); statements that change rows run on `tx.conn()`.
pub struct Tx<'c> {
    conn: &'c mut DbConn,
    touched: Vec<i64>,
    touched_people: Vec<i64>,
    wake: bool,
    /// Page-cache keys this unit makes stale besides those of the content it touched.
    stale: std::collections::BTreeSet<String>,
    stale_everything: bool,
    /// Nothing a visitor sees changes (sessions, notifications, outboxes, counters of our own).
    quiet: bool,
}

impl Tx<'_> {
    pub fn conn(&mut self) -> &mut DbConn {
        self.conn
    }

    pub fn backend(&self) -> Backend {
        self.conn.backend()
    }

    /// Record that a piece of content changed (its search document follows before commit).
    pub fn touch(&mut self, content_id: i64) {
        self.touched.push(content_id);
    }

    pub fn touch_all(&mut self, content_ids: &[i64]) {
        self.touched.extend_from_slice(content_ids);
    }

    /// Record that a person's profile or standing changed.
    pub fn touch_person(&mut self, user_id: i64) {
        self.touched_people.push(user_id);
    }

    /// A cached page this unit changes, besides those of the content it touches (which
    /// `content::listing` names): `content::listing::content_key(id)` and the like.
    pub fn stale(&mut self, key: String) {
        self.stale.insert(key);
    }

    /// This unit changes what every page may show (a role, a name, a blog's or board's
    /// settings): the page caches of every process start again.
    pub fn stale_everything(&mut self) {
        self.stale_everything = true;
    }

    /// This unit changes nothing a visitor sees (a session, a notification, an outbox). A unit
    /// that touches no content and says neither this nor what it makes stale empties the page
    /// caches: forgetting to say costs speed, never a stale page.
    pub fn quiet(&mut self) {
        self.quiet = true;
    }

    /// Background work was queued: wake this process's worker once the change commits.
    pub fn wake_worker(&mut self) {
        self.wake = true;
    }

    /// Rows are held one by one (PostgreSQL), so the order they are taken in matters; on SQLite
    /// the whole database is held from the start.
    pub fn holds_rows(&self) -> bool {
        matches!(self.conn, DbConn::Postgresql(_))
    }

    /// Hold a row until commit, so that a check made on it still holds when the change is
    /// written. On SQLite the whole database is already held (`BEGIN IMMEDIATE`); on PostgreSQL
    /// this is `SELECT … FOR NO KEY UPDATE`: changes of the row queue behind it, while inserting
    /// rows that refer to it (a reply under a topic, a like) only waits for the key, which never
    /// changes. `table` and `column` are names from our own code.
    pub fn lock(&mut self, table: &str, column: &str, id: i64) -> QueryResult<()> {
        if let DbConn::Postgresql(c) = self.conn {
            diesel::sql_query(format!("SELECT 1 FROM {table} WHERE {column} = $1 FOR NO KEY UPDATE"))
                .bind::<diesel::sql_types::BigInt, _>(id)
                .execute(c)?;
        }
        Ok(())
    }

    fn apply_effects(&mut self) -> QueryResult<()> {
        let mut content = std::mem::take(&mut self.touched);
        let mut people = std::mem::take(&mut self.touched_people);
        content.sort_unstable();
        content.dedup();
        people.sort_unstable();
        people.dedup();
        let mut stale = crate::content::listing::sync(self, &content)?;
        crate::search::sync_content(self, &content)?;
        crate::search::sync_people(self, &people)?;
        stale.append(&mut self.stale);
        stale.extend(people.iter().map(|&u| crate::content::listing::person_key(u)));
        let everything = self.stale_everything || (stale.is_empty() && !self.quiet);
        crate::web::cache::record(self, &stale, everything)
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = DbConn;
    fn deref(&self) -> &DbConn {
        self.conn
    }
}

impl std::ops::DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut DbConn {
        self.conn
    }
}

/// Hold a row shared until commit (PostgreSQL `FOR SHARE`; SQLite holds the whole database
/// already): others may read and hold it shared too, but a change of it waits. `table` and
/// `column` are names from our own code.
pub fn hold_shared(conn: &mut DbConn, table: &str, column: &str, id: i64) -> QueryResult<()> {
    if let DbConn::Postgresql(c) = conn {
        diesel::sql_query(format!("SELECT 1 FROM {table} WHERE {column} = $1 FOR SHARE"))
            .bind::<diesel::sql_types::BigInt, _>(id)
            .execute(c)?;
    }
    Ok(())
}

/// True when the error is a unique-constraint violation (both backends report it this way).
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// Run an insert, treating "already there" as success (the portable stand-in for
/// ON CONFLICT DO NOTHING). It runs inside a savepoint: on PostgreSQL a failed statement
/// would otherwise abort the whole surrounding transaction.
pub fn ignore_duplicate<F>(tx: &mut Tx<'_>, insert: F) -> QueryResult<usize>
where
    F: FnOnce(&mut DbConn) -> QueryResult<usize>,
{
    match tx.conn().transaction(insert) {
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
pub fn set_setting(tx: &mut Tx<'_>, key: &str, value: Option<&str>) -> QueryResult<()> {
    use schema::site_settings;
    let Some(v) = value else {
        diesel::delete(site_settings::table.find(key)).execute(tx.conn())?;
        return Ok(());
    };
    if diesel::update(site_settings::table.find(key)).set(site_settings::value.eq(v)).execute(tx.conn())? == 0 {
        ignore_duplicate(tx, |conn| {
            diesel::insert_into(site_settings::table)
                .values((site_settings::key.eq(key), site_settings::value.eq(v)))
                .execute(conn)
        })?;
    }
    Ok(())
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);
