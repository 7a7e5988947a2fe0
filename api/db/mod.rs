//! Database access: one connection type over SQLite (embedded default) and PostgreSQL,
//! pooled with r2d2, migrated from the embedded migrations at start.

pub mod models;
pub mod schema;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use chrono::{DateTime, NaiveDateTime, Utc};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<SchemeConnectionManager>;

/// Runs a query on the backend's own connection type. The multi-backend connection rewrites
/// and prepares every statement anew; on the inner connection diesel's prepared-statement
/// cache applies. For the hot paths.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$inner:ident| $query:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($inner) => $query,
            $crate::db::DbConnection::Postgres($inner) => $query,
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Connection settings that must hold for every pooled connection. For SQLite the busy
/// timeout comes first, so that the statements after it already wait instead of failing;
/// `secure_delete` zeroes what a delete frees, so a disabled authenticator's sealed secret or
/// a used-up code set does not linger in the file's free pages for a dump to find.
#[derive(Debug)]
struct ConnectionSetup;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(conn) = conn {
            conn.batch_execute(
                "PRAGMA busy_timeout = 5000;
                 PRAGMA secure_delete = ON;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Strips an optional `sqlite://` scheme: diesel's SQLite connection wants a path.
fn connection_string(url: &str) -> String {
    match Backend::of_url(url) {
        Backend::Postgres => url.to_string(),
        Backend::Sqlite => url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url)
            .to_string(),
    }
}

/// Establishes connections of the type the URL scheme names, never by trial: a SQLite
/// connection would accept a PostgreSQL URL as a file name when PostgreSQL is down.
#[derive(Debug)]
pub struct SchemeConnectionManager {
    conn_str: String,
    backend: Backend,
}

impl r2d2::ManageConnection for SchemeConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => {
                PgConnection::establish(&self.conn_str).map(DbConnection::Postgres)
            }
            Backend::Sqlite => {
                SqliteConnection::establish(&self.conn_str).map(DbConnection::Sqlite)
            }
        }
        .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

/// Why the database could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot create {path}: {source}")]
    Directory {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] r2d2::Error),
    #[error("migration failed: {0}")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("cannot read the database: {0}")]
    Read(String),
}

pub fn build_pool(url: &str, max_size: u32) -> Result<DbPool, SetupError> {
    let conn_str = connection_string(url);
    if Backend::of_url(url) == Backend::Sqlite
        && let Some(parent) = std::path::Path::new(&conn_str).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|source| SetupError::Directory {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    pool_builder(max_size)
        .min_idle(Some(1))
        .build(manager(url))
        .map_err(SetupError::Connect)
}

fn pool_builder(max_size: u32) -> r2d2::Builder<SchemeConnectionManager> {
    Pool::builder()
        .max_size(max_size.max(1))
        // No ping on every checkout (a parsed statement and a round trip per request on the
        // hot path); a connection that fails is marked broken and replaced after the failure.
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(5))
        .connection_customizer(Box::new(ConnectionSetup))
}

fn manager(url: &str) -> SchemeConnectionManager {
    SchemeConnectionManager {
        backend: Backend::of_url(url),
        conn_str: connection_string(url),
    }
}

/// For SQLite: connections that only read, used by the async workers themselves. Reading an
/// indexed row takes microseconds, less than the hop to the blocking pool and back, and a
/// WAL reader never waits for the writer. A read is never interrupted by an await, so each
/// worker holds at most one of these at a time, and taking one never waits. PostgreSQL reads
/// are network round trips: they stay on the blocking pool (`None`).
pub fn build_read_pool(url: &str, workers: usize) -> Option<DbPool> {
    (Backend::of_url(url) == Backend::Sqlite).then(|| {
        pool_builder(u32::try_from(workers).unwrap_or(u32::MAX).saturating_add(2))
            .min_idle(Some(0))
            .connection_customizer(Box::new(ReaderSetup))
            .build_unchecked(manager(url))
    })
}

/// A reader: refuses to write, and waits briefly if ever busy (WAL recovery), since it
/// waits on an async worker.
#[derive(Debug)]
struct ReaderSetup;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for ReaderSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(conn) = conn {
            conn.batch_execute("PRAGMA busy_timeout = 250; PRAGMA query_only = ON;")
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// SQLite: the one connection every write transaction of the server runs on. SQLite has one
/// writer at a time anyway; with one connection for it, that connection's page cache stays
/// valid from one transaction to the next. (In WAL mode a connection drops its whole cache
/// when another connection has written since its last transaction: with writes spread over
/// the pool, every transaction read its pages again, some sixty system calls for a sign-in.)
/// Its transactions also take [`SQLITE_WRITERS`], which queues the few writes made on other
/// connections (key rotation, the command line's own process aside).
pub struct SqliteWriter {
    manager: SchemeConnectionManager,
    conn: std::sync::Mutex<Option<DbConnection>>,
}

impl SqliteWriter {
    /// `None` for PostgreSQL, where writers do not queue.
    pub fn for_url(url: &str) -> Option<SqliteWriter> {
        (Backend::of_url(url) == Backend::Sqlite).then(|| SqliteWriter {
            manager: manager(url),
            conn: std::sync::Mutex::new(None),
        })
    }

    /// Runs `f` on the writer connection, connecting first if need be. After a panic while
    /// it was held, its state is unknown: it is replaced (closing it rolls back what it held).
    pub fn with<T, E: From<diesel::result::Error>>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut held = self.conn.lock().unwrap_or_else(|poisoned| {
            let mut held = poisoned.into_inner();
            *held = None;
            held
        });
        self.conn.clear_poison();
        let conn = match &mut *held {
            Some(conn) => conn,
            None => held.insert(self.connect()?),
        };
        f(conn)
    }

    /// A pooled connection's setup, without the pool.
    fn connect(&self) -> Result<DbConnection, diesel::result::Error> {
        use r2d2::ManageConnection;
        let mut conn = self.manager.connect().map_err(unavailable)?;
        ConnectionSetup.on_acquire(&mut conn).map_err(unavailable)?;
        Ok(conn)
    }
}

fn unavailable(e: diesel::r2d2::Error) -> diesel::result::Error {
    diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::UnableToSendCommand,
        Box::new(e.to_string()),
    )
}

/// A pool that connects on first use: the server starts (and says it is not ready) while
/// the database is down.
pub fn build_pool_lazily(url: &str, max_size: u32) -> DbPool {
    pool_builder(max_size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(1))
        .build_unchecked(manager(url))
}

/// Applies pending migrations; returns how many ran.
pub fn migrate(conn: &mut DbConnection) -> Result<usize, SetupError> {
    let applied = match conn {
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(SetupError::Migration)?;
    Ok(applied.len())
}

/// Reverts every applied migration (used to prove each `down.sql` works).
pub fn revert_all(conn: &mut DbConnection) -> Result<usize, SetupError> {
    let reverted = match conn {
        DbConnection::Postgres(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(SetupError::Migration)?;
    Ok(reverted.len())
}

/// SQLite has one writer at a time. Writers of this process queue here, on a mutex that
/// hands over as soon as the previous transaction commits, instead of in SQLite's busy
/// handler, which sleeps 1, 2, 5, 10 … ms between tries whatever the holder is doing. One
/// mutex for every SQLite database of the process: write transactions are short, and a
/// process serves one database (tests, which run many, only wait a little longer).
static SQLITE_WRITERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in a write transaction. SQLite takes the write lock up front (`BEGIN IMMEDIATE`)
/// so that two writers queue instead of failing on a lock upgrade; other processes' writers
/// (the command line) still meet the busy timeout.
///
/// On SQLite this is what `SqliteConnection::immediate_transaction` does, through diesel's
/// transaction manager of the inner connection (the closure must get the multi-backend
/// connection, which `immediate_transaction` cannot hand it). The manager tracks the open
/// transaction: if `f` panics, the connection reports itself broken and the pool drops it
/// instead of handing out a connection that still holds the write lock.
pub fn write_transaction<T, E: From<diesel::result::Error>>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(inner) = conn else {
        return conn.transaction(f);
    };
    let outermost = AnsiTransactionManager::transaction_manager_status_mut(inner)
        .transaction_depth()
        .is_ok_and(|depth| depth.is_none());
    if !outermost {
        // A savepoint inside a transaction that already holds the write lock.
        return conn.transaction(f);
    }
    let _gate = SQLITE_WRITERS.lock().unwrap_or_else(|e| e.into_inner());
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let DbConnection::Sqlite(inner) = conn else {
        // Only if `f` replaced the connection itself; the transaction is lost with it.
        return Err(diesel::result::Error::BrokenTransactionManager.into());
    };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(inner)?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(inner)?;
            Err(e)
        }
    }
}

pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    conn.batch_execute("SELECT 1")
}

/// Timestamps are stored as naive UTC.
pub fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_write_transaction_does_not_leave_a_locked_connection_in_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("t.db").to_string_lossy().into_owned();
        let pool = build_pool(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = write_transaction(&mut conn, |_| -> diesel::QueryResult<()> {
                panic!("a bug inside a transaction")
            });
        }));
        assert!(panicked.is_err());
        drop(conn);
        // The pool's only connection was dropped as broken; the next one starts clean, and
        // the database is not held locked by a transaction that never ended.
        let mut conn = pool.get().unwrap();
        write_transaction(&mut conn, |conn| {
            conn.batch_execute("CREATE TABLE t (x INTEGER)")
        })
        .unwrap();
        let mut other = SqliteConnection::establish(&url).unwrap();
        other
            .batch_execute("PRAGMA busy_timeout = 100; BEGIN IMMEDIATE; COMMIT;")
            .unwrap();
    }
}
